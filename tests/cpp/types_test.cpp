// Every SPEC section 2 type round-trips through the library, boundary
// values included.
#include "support.hpp"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

using fixture::Color;
using support::make;

namespace {

fixture::Scalars min_scalars() {
    fixture::Scalars s;
    s.flag = false;
    s.i8_v = INT8_MIN;
    s.i16_v = INT16_MIN;
    s.i32_v = INT32_MIN;
    s.i64_v = INT64_MIN;
    s.u8_v = 0;
    s.u16_v = 0;
    s.u32_v = 0;
    s.u64_v = 0;
    s.f32_v = -FLT_MAX;
    s.f64_v = -DBL_MAX;
    s.text = "";
    s.data = {};
    s.color = Color::Red;
    return s;
}

fixture::Scalars max_scalars() {
    fixture::Scalars s;
    s.flag = true;
    s.i8_v = INT8_MAX;
    s.i16_v = INT16_MAX;
    s.i32_v = INT32_MAX;
    s.i64_v = INT64_MAX;
    s.u8_v = UINT8_MAX;
    s.u16_v = UINT16_MAX;
    s.u32_v = UINT32_MAX;
    s.u64_v = UINT64_MAX;
    s.f32_v = FLT_MIN;
    s.f64_v = std::numeric_limits<double>::denorm_min();
    s.text = std::string("h\xc3\xa9llo \xe2\x9c\x93 \0 end", 16);
    for (int i = 0; i < 256; ++i) {
        s.data.push_back(static_cast<uint8_t>(i));
    }
    s.color = Color::Blue;
    return s;
}

fixture::Leaf leaf(const std::string &label, Color c, std::vector<uint8_t> data = {}) {
    return fixture::Leaf{label, std::move(data), c};
}

fixture::Top deep_top() {
    fixture::Middle m1{"m1", {leaf("one", Color::Red), leaf("two", Color::Blue, {0, 255})}, leaf("best", Color::Green)};
    fixture::Middle m2{"m2", {}, std::nullopt};
    fixture::Middle m3{"", {leaf("", Color::Red, {0})}, leaf("", Color::Red)};
    return fixture::Top{m1, {m2, m3, m1}, std::string(), UINT64_MAX, "https://example.invalid/\xc3\xa9"};
}

}  // namespace

TEST(Types, ScalarsAtTheirMinimumSync) {
    auto fx = make();
    auto r = fx.echo_scalars(min_scalars());
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(*r, min_scalars());
}

TEST(Types, ScalarsAtTheirMaximumSync) {
    auto fx = make();
    auto r = fx.echo_scalars(max_scalars());
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(*r, max_scalars());
    EXPECT_EQ(r->text.size(), 16u);
    EXPECT_EQ(r->u64_v, UINT64_MAX);
}

TEST(Types, ScalarsAsyncBlockingAndFuture) {
    auto fx = make();
    auto blocking = fx.echo_scalars_async(max_scalars());
    ASSERT_TRUE(blocking) << blocking.error();
    EXPECT_EQ(*blocking, max_scalars());
    std::future<fixture::Result<fixture::Scalars>> f = fx.echo_scalars_async_async(min_scalars());
    auto r = support::await(std::move(f));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(*r, min_scalars());
}

TEST(Types, SpecialFloats) {
    auto fx = make();
    fixture::Scalars s;
    s.f32_v = std::numeric_limits<float>::infinity();
    s.f64_v = std::nan("");
    auto r = fx.echo_scalars(s);
    ASSERT_TRUE(r) << r.error();
    EXPECT_TRUE(std::isinf(r->f32_v));
    EXPECT_TRUE(std::isnan(r->f64_v));
    s.f64_v = -0.0;
    r = fx.echo_scalars(s);
    ASSERT_TRUE(r);
    EXPECT_TRUE(std::signbit(r->f64_v));
}

TEST(Types, IntegerBoundaries) {
    auto fx = make();
    for (int64_t v : {INT64_MIN, int64_t{-1}, int64_t{0}, INT64_MAX}) {
        auto r = fx.echo_i64(v);
        ASSERT_TRUE(r) << r.error();
        EXPECT_EQ(*r, v);
    }
    for (uint64_t v : {uint64_t{0}, uint64_t{1} << 63, UINT64_MAX}) {
        auto r = fx.echo_u64(v);
        ASSERT_TRUE(r) << r.error();
        EXPECT_EQ(*r, v);
    }
}

TEST(Types, StringsAreByteExact) {
    auto fx = make();
    const std::string cases[] = {
        "",
        "hello",
        "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\xa6\x80",
        std::string("a\0b", 3),
        std::string(1, '\0'),
        std::string(100000, 'x'),
    };
    for (const std::string &s : cases) {
        auto r = fx.echo_string(s);
        ASSERT_TRUE(r) << r.error();
        EXPECT_EQ(*r, s);
        EXPECT_EQ(r->size(), s.size());
    }
}

TEST(Types, InvalidUtf8IsAnErrorNamingTheParameter) {
    auto fx = make();
    auto r = fx.echo_string("ok\xff");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "invalid argument 's': invalid UTF-8 at byte 2");
}

TEST(Types, Bytes) {
    auto fx = make();
    auto empty = fx.echo_bytes({});
    ASSERT_TRUE(empty) << empty.error();
    EXPECT_TRUE(empty->empty());
    std::vector<uint8_t> mib(size_t{1} << 20);
    for (size_t i = 0; i < mib.size(); ++i) {
        mib[i] = static_cast<uint8_t>(i * 31u + 7u);
    }
    auto r = fx.echo_bytes(mib);
    ASSERT_TRUE(r) << r.error();
    EXPECT_TRUE(*r == mib);
    auto zeros = fx.echo_bytes(std::vector<uint8_t>(3, 0));
    ASSERT_TRUE(zeros);
    EXPECT_EQ(*zeros, std::vector<uint8_t>(3, 0));
}

TEST(Types, OptionKeepsNoneApartFromSomeEmpty) {
    auto fx = make();
    auto none = fx.echo_option(std::nullopt);
    ASSERT_TRUE(none) << none.error();
    EXPECT_FALSE(none->has_value());
    auto empty = fx.echo_option(std::string());
    ASSERT_TRUE(empty) << empty.error();
    ASSERT_TRUE(empty->has_value());
    EXPECT_EQ(**empty, "");
    auto some = fx.echo_option(std::string("\xe2\x9c\x93", 3));
    ASSERT_TRUE(some);
    EXPECT_EQ(some->value(), "\xe2\x9c\x93");
}

TEST(Types, EnumsEveryVariant) {
    auto fx = make();
    for (Color c : {Color::Red, Color::Green, Color::Blue}) {
        auto r = fx.echo_color(c);
        ASSERT_TRUE(r) << r.error();
        EXPECT_EQ(*r, c);
    }
}

TEST(Types, ContainersEmpty) {
    auto fx = make();
    fixture::Containers c;
    auto r = fx.echo_containers(c);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(*r, c);
    EXPECT_FALSE(r->maybe_list.has_value());
    EXPECT_FALSE(r->maybe_bytes.has_value());
    EXPECT_FALSE(r->maybe_text.has_value());
    EXPECT_FALSE(r->maybe_color.has_value());
}

TEST(Types, ContainersSomeEmptyStaysSome) {
    auto fx = make();
    fixture::Containers c;
    c.maybe_list = std::vector<int64_t>{};
    c.maybe_bytes = std::vector<uint8_t>{};
    c.maybe_text = std::string();
    c.maybe_color = Color::Red;
    c.nested = {{}, {}, {""}};
    c.byte_lists = {{}, {0}};
    auto r = fx.echo_containers(c);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(*r, c);
    ASSERT_TRUE(r->maybe_list.has_value());
    EXPECT_TRUE(r->maybe_list->empty());
    ASSERT_TRUE(r->maybe_bytes.has_value());
    EXPECT_TRUE(r->maybe_bytes->empty());
    ASSERT_EQ(r->nested.size(), 3u);
    EXPECT_EQ(r->nested[2], std::vector<std::string>{""});
}

TEST(Types, ContainersFull) {
    auto fx = make();
    fixture::Containers c;
    c.strings = {"", "a", std::string("\0\0", 2), "\xc3\xa9"};
    c.nested = {{"x", "y"}, {}, {"z"}};
    c.maybe_list = std::vector<int64_t>{INT64_MIN, 0, INT64_MAX};
    c.list_of_maybe = {std::nullopt, INT32_MIN, std::nullopt, INT32_MAX};
    c.maybe_text = std::string("text");
    c.maybe_bytes = std::vector<uint8_t>{0, 1, 255};
    c.byte_lists = {{}, {0}, std::vector<uint8_t>(1000, 0xab)};
    c.colors = {Color::Blue, Color::Red, Color::Green};
    c.maybe_color = Color::Green;
    c.flags = {true, false, true};
    c.floats = {0.0, -1.5, DBL_MAX, DBL_MIN};
    c.big = {0, UINT64_MAX, uint64_t{1} << 40};
    auto r = fx.echo_containers(c);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(*r, c);
}

TEST(Types, NestedThreeLevels) {
    auto fx = make();
    auto r = fx.echo_top(deep_top());
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(*r, deep_top());
    ASSERT_TRUE(r->note.has_value());
    EXPECT_EQ(*r->note, "");
    EXPECT_EQ(r->middles[2].leaves[1].data, (std::vector<uint8_t>{0, 255}));
    fixture::Top none_note = deep_top();
    none_note.note = std::nullopt;
    auto n = fx.echo_top(none_note);
    ASSERT_TRUE(n);
    EXPECT_FALSE(n->note.has_value());
}

TEST(Types, NestedVectors) {
    auto fx = make();
    std::vector<std::vector<std::string>> v = {{}, {"a"}, {"", "\xe2\x9c\x93", std::string("\0", 1)}};
    auto r = fx.echo_nested(v);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(*r, v);
    auto empty = fx.echo_nested({});
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
}

TEST(Types, OptionOfVectorAndVectorOfOption) {
    auto fx = make();
    auto none = fx.echo_maybe_list(std::nullopt);
    ASSERT_TRUE(none) << none.error();
    EXPECT_FALSE(none->has_value());
    auto empty = fx.echo_maybe_list(std::vector<fixture::Leaf>{});
    ASSERT_TRUE(empty) << empty.error();
    ASSERT_TRUE(empty->has_value());
    EXPECT_TRUE((*empty)->empty());
    std::vector<fixture::Leaf> leaves = {leaf("a", Color::Green, {1}), leaf("b", Color::Blue)};
    auto some = fx.echo_maybe_list(leaves);
    ASSERT_TRUE(some);
    EXPECT_EQ(some->value(), leaves);

    std::vector<std::optional<fixture::Leaf>> holes = {std::nullopt, leaf("", Color::Red), std::nullopt};
    auto r = fx.echo_list_of_maybe(holes);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(*r, holes);
}

TEST(Types, SeveralStructParameters) {
    auto fx = make();
    fixture::Scalars s = max_scalars();
    s.i64_v = INT64_MIN;
    auto r = fx.several(leaf("first", Color::Green), s, {leaf("a", Color::Red), leaf("b", Color::Red)}, deep_top());
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(*r, "first|-9223372036854775808|2|m1");
    auto none = fx.several(leaf("", Color::Red), min_scalars(), {}, std::nullopt);
    ASSERT_TRUE(none) << none.error();
    EXPECT_EQ(*none, "|-9223372036854775808|0|none");
    auto f = fx.several_async(leaf("x", Color::Blue), s, {}, std::nullopt);
    auto a = support::await(std::move(f));
    ASSERT_TRUE(a) << a.error();
    EXPECT_EQ(*a, "x|-9223372036854775808|0|none");
}
