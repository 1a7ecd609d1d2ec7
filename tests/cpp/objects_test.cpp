// Objects through the C++ header (SPEC section 8): move-only classes that
// close their handle, const methods with `_async` forms, `const T&`
// parameters, shared values, closed and moved-from objects, and objects of
// a destroyed context. The fixture counts every value's drop.
#include "support.hpp"

#include <array>
#include <cstdint>

namespace {

std::array<uint64_t, 2> stats() {
    auto s = fixture::counter_stats();
    EXPECT_TRUE(s.ok()) << s.error();
    return {(*s)[0], (*s)[1]};
}

TEST(Objects, MadeCalledSyncAndAsyncAndClosedByTheDestructor) {
    auto before = stats();
    {
        auto f = support::make();
        auto c = f.make_counter(5);
        ASSERT_TRUE(c.ok()) << c.error();
        EXPECT_EQ(c->get().value(), 5);
        EXPECT_EQ(c->add(3).value(), 8);
        auto later = c->add_later_async(2, 1);
        EXPECT_EQ(later.get().value(), 10);
        EXPECT_EQ(c->add_later(1, 0).value(), 11);
        auto fork = c->fork();
        ASSERT_TRUE(fork.ok());
        EXPECT_EQ(fork->get().value(), 11);
        EXPECT_TRUE(c->same_as(*c).value());
        EXPECT_FALSE(c->same_as(*fork).value());
        auto async = f.make_counter_async(3);
        ASSERT_TRUE(async.ok());
        EXPECT_EQ(async->get().value(), 3);
    }
    auto after = stats();
    EXPECT_EQ(after[0] - before[0], 3u);
    EXPECT_EQ(after[1] - before[1], 3u) << "every counter is dropped with its handle";
}

TEST(Objects, VectorsOptionalsAndSharedValues) {
    auto f = support::make();
    auto list = f.counters(3);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 3u);
    for (int64_t i = 0; i < 3; ++i) {
        EXPECT_EQ((*list)[static_cast<size_t>(i)].get().value(), i);
    }
    auto none = f.maybe_counter(false, 1);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
    auto some = f.maybe_counter(true, 4);
    ASSERT_TRUE(some.ok() && some->has_value());
    EXPECT_EQ((**some).get().value(), 4);

    auto s1 = f.shared_counter();
    auto s2 = f.shared_counter();
    ASSERT_TRUE(s1.ok() && s2.ok());
    EXPECT_EQ(s1->add(7).value(), 7);
    EXPECT_EQ(s2->get().value(), 7);
    EXPECT_TRUE(s1->same_as(*s2).value());
    auto own = f.make_counter(1);
    EXPECT_EQ(f.sum_counters(*own, *s2).value(), 8);
    s1->close();
    EXPECT_EQ(s2->get().value(), 7) << "closing one handle keeps the shared value";
}

TEST(Objects, ClosedMovedFromAndWrongObjectsAnswerWithErrors) {
    auto f = support::make();
    auto c = f.make_counter(1);
    ASSERT_TRUE(c.ok());
    fixture::Counter moved = std::move(*c);
    EXPECT_EQ(c->get().error(), "Counter is closed (or moved from)");
    EXPECT_EQ(c->add_later_async(1, 0).get().error(), "Counter is closed (or moved from)");
    EXPECT_EQ(moved.get().value(), 1);
    moved.close();
    moved.close();
    EXPECT_EQ(moved.get().error(), "Counter is closed (or moved from)");
    auto other = f.make_counter(2);
    auto sum = f.sum_counters(moved, *other);
    ASSERT_FALSE(sum.ok());
    EXPECT_NE(sum.error().find("invalid argument 'a'"), std::string::npos) << sum.error();
    EXPECT_EQ(fixture::Counter::adopt(nullptr).get().error(), "Counter is closed (or moved from)");
}

TEST(Objects, FailWithContextDestroyedAfterTheirContext) {
    auto before = stats();
    std::optional<fixture::Counter> kept;
    std::optional<fixture::Tag> tag;
    {
        auto f = support::make("cpp-objects-destroyed");
        kept.emplace(std::move(f.make_counter(1)).value());
        tag.emplace(std::move(f.make_tag("t")).value());
    }
    EXPECT_EQ(stats()[1] - before[1], 1u) << "destroying the context drops its objects";
    EXPECT_EQ(kept->get().error(), "context destroyed");
    EXPECT_EQ(kept->add_later(1, 0).error(), "context destroyed");
    EXPECT_EQ(tag->name().error(), "context destroyed");
}

TEST(Objects, StaticFunctions) {
    EXPECT_EQ(fixture::multiply(6, 7).value(), 42);
    EXPECT_EQ(fixture::multiply(INT64_MAX, 2).error(), "overflow");
}

}  // namespace
