// Result<T>, Result<void> and Error: the value types every call returns.
#include "support.hpp"

#include <memory>
#include <optional>
#include <type_traits>

using fixture::Error;
using fixture::Result;

TEST(Result, HoldsAValue) {
    Result<int64_t> r = int64_t{42};
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(static_cast<bool>(r));
    EXPECT_EQ(r.value(), 42);
    EXPECT_EQ(*r, 42);
    EXPECT_EQ(r.error(), "");
}

TEST(Result, HoldsAnError) {
    Result<std::string> r = Error{"nope"};
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r);
    EXPECT_EQ(r.error(), "nope");
}

TEST(Result, ConvertsFromWhatTheValueIsMadeOf) {
    Result<std::string> text = "literal";
    EXPECT_EQ(text.value(), "literal");
    Result<std::optional<std::string>> none = std::nullopt;
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
}

TEST(Result, ArrowAndMoveOut) {
    Result<fixture::Leaf> r = fixture::Leaf{"leaf", {1, 2}, fixture::Color::Blue};
    EXPECT_EQ(r->label, "leaf");
    fixture::Leaf moved = std::move(r).value();
    EXPECT_EQ(moved.data, (std::vector<uint8_t>{1, 2}));
}

TEST(Result, MoveOnlyValues) {
    Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
    static_assert(!std::is_copy_constructible<Result<std::unique_ptr<int>>>::value, "move-only stays move-only");
    std::unique_ptr<int> p = std::move(r).value();
    EXPECT_EQ(*p, 7);
}

TEST(Result, Void) {
    Result<void> ok{};
    EXPECT_TRUE(ok.ok());
    EXPECT_TRUE(ok);
    Result<void> bad = Error{"bad"};
    EXPECT_FALSE(bad);
    EXPECT_EQ(bad.error(), "bad");
}

TEST(Result, StateClassIsMoveOnly) {
    static_assert(!std::is_copy_constructible<fixture::Fixture>::value, "no copies");
    static_assert(!std::is_copy_assignable<fixture::Fixture>::value, "no copies");
    static_assert(std::is_nothrow_move_constructible<fixture::Fixture>::value, "noexcept move");
    static_assert(std::is_nothrow_move_assignable<fixture::Fixture>::value, "noexcept move");
}

TEST(Result, StructsAreAggregatesInFieldOrder) {
    fixture::Leaf leaf{"x", {}, fixture::Color::Green};
    EXPECT_EQ(leaf.label, "x");
    EXPECT_EQ(leaf.color, fixture::Color::Green);
    fixture::Scalars zero{};
    EXPECT_EQ(zero.i64_v, 0);
    EXPECT_EQ(zero.color, fixture::Color::Red);
    EXPECT_EQ(static_cast<int32_t>(fixture::Color::Blue), 2);
}
