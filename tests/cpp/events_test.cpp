// Events: on_<event> listeners run on the library's event thread, in
// firing order; remove_listener stops them synchronously.
#include "support.hpp"

#include <thread>
#include <tuple>

using fixture::Color;
using support::make;
using support::Signal;

namespace {

fixture::Scalars sample_scalars() {
    fixture::Scalars s;
    s.flag = true;
    s.i64_v = INT64_MIN;
    s.u64_v = UINT64_MAX;
    s.text = std::string("t\0\xc3\xa9", 4);
    s.data = {0, 255, 0};
    s.color = Color::Green;
    return s;
}

fixture::Containers sample_containers() {
    fixture::Containers c;
    c.strings = {"a", ""};
    c.maybe_list = std::vector<int64_t>{};
    c.list_of_maybe = {std::nullopt, 5};
    c.maybe_bytes = std::vector<uint8_t>{};
    c.big = {UINT64_MAX};
    return c;
}

}  // namespace

TEST(Events, EveryPayloadShape) {
    auto fx = make();
    Signal sig;
    std::vector<fixture::Scalars> scalars;
    std::vector<fixture::Containers> containers;
    std::vector<fixture::Leaf> leaves;
    std::vector<std::tuple<int64_t, std::string, std::vector<uint8_t>>> pairs;
    std::thread::id caller = std::this_thread::get_id();
    bool on_caller_thread = false;
    ASSERT_NE(fx.on_scalars_seen([&](const fixture::Scalars &s) {
        sig.update([&] {
            scalars.push_back(s);
            on_caller_thread = on_caller_thread || std::this_thread::get_id() == caller;
        });
    }), 0u);
    ASSERT_NE(fx.on_containers_seen([&](const fixture::Containers &c) { sig.update([&] { containers.push_back(c); }); }), 0u);
    ASSERT_NE(fx.on_leaf_seen([&](const fixture::Leaf &l) { sig.update([&] { leaves.push_back(l); }); }), 0u);
    ASSERT_NE(fx.on_pair([&](int64_t n, const std::string &text, const std::vector<uint8_t> &data) {
        sig.update([&] { pairs.emplace_back(n, text, data); });
    }), 0u);
    fixture::Leaf leaf{"\xe2\x9c\x93", {9}, Color::Blue};
    auto r = fx.fire_all(sample_scalars(), sample_containers(), leaf);
    ASSERT_TRUE(r) << r.error();
    ASSERT_TRUE(sig.wait([&] { return !scalars.empty() && !containers.empty() && !leaves.empty() && !pairs.empty(); }));
    std::lock_guard<std::mutex> lock(sig.mutex());
    EXPECT_EQ(scalars.at(0), sample_scalars());
    EXPECT_EQ(containers.at(0), sample_containers());
    EXPECT_TRUE(containers.at(0).maybe_list.has_value());
    EXPECT_EQ(leaves.at(0), leaf);
    EXPECT_EQ(std::get<0>(pairs.at(0)), INT64_MIN);
    EXPECT_EQ(std::get<1>(pairs.at(0)), sample_scalars().text);
    EXPECT_EQ(std::get<2>(pairs.at(0)), (std::vector<uint8_t>{0, 255, 0}));
    EXPECT_FALSE(on_caller_thread);
}

TEST(Events, FiredFromTheWorker) {
    auto fx = make();
    Signal sig;
    std::vector<std::string> labels;
    ASSERT_NE(fx.on_leaf_seen([&](const fixture::Leaf &l) { sig.update([&] { labels.push_back(l.label); }); }), 0u);
    fixture::Top top;
    top.middle.leaves = {fixture::Leaf{"one", {}, Color::Red}, fixture::Leaf{"two", {}, Color::Red}};
    ASSERT_TRUE(fx.echo_top(top));
    ASSERT_TRUE(sig.wait([&] { return labels.size() == 2; }));
    std::lock_guard<std::mutex> lock(sig.mutex());
    EXPECT_EQ(labels, (std::vector<std::string>{"one", "two"}));
}

TEST(Events, InFiringOrderWithExactCounts) {
    auto fx = make();
    Signal sig;
    std::vector<uint64_t> seqs;
    ASSERT_NE(fx.on_tick([&](uint32_t source, uint64_t seq) {
        sig.update([&] {
            if (source == 7) {
                seqs.push_back(seq);
            }
        });
    }), 0u);
    const uint64_t n = static_cast<uint64_t>(support::iterations(1000));
    ASSERT_TRUE(fx.fire_ticks(7, n));
    ASSERT_TRUE(sig.wait([&] { return seqs.size() == n; }));
    ASSERT_TRUE(fx.fire_ticks_async(7, n));
    ASSERT_TRUE(sig.wait([&] { return seqs.size() == 2 * n; }));
    std::lock_guard<std::mutex> lock(sig.mutex());
    ASSERT_EQ(seqs.size(), 2 * n);
    for (uint64_t i = 0; i < n; ++i) {
        EXPECT_EQ(seqs[i], i);
        EXPECT_EQ(seqs[n + i], i);
    }
}

TEST(Events, RemoveListenerStopsIt) {
    auto fx = make();
    Signal sig;
    int kept = 0;
    int removed = 0;
    uint64_t a = fx.on_tick([&](uint32_t, uint64_t) { sig.update([&] { ++removed; }); });
    uint64_t b = fx.on_tick([&](uint32_t, uint64_t) { sig.update([&] { ++kept; }); });
    ASSERT_NE(a, 0u);
    ASSERT_NE(b, 0u);
    ASSERT_NE(a, b);
    ASSERT_TRUE(fx.fire_ticks(1, 5));
    ASSERT_TRUE(sig.wait([&] { return kept == 5 && removed == 5; }));
    ASSERT_TRUE(fx.remove_listener(a));
    ASSERT_TRUE(fx.fire_ticks(1, 5));
    ASSERT_TRUE(sig.wait([&] { return kept == 10; }));
    std::lock_guard<std::mutex> lock(sig.mutex());
    EXPECT_EQ(removed, 5);
}

TEST(Events, RemoveUnknownIdIsAnError) {
    auto fx = make();
    auto r = fx.remove_listener(424242);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "unknown listener id 424242");
    uint64_t id = fx.on_tick([](uint32_t, uint64_t) {});
    ASSERT_TRUE(fx.remove_listener(id));
    EXPECT_FALSE(fx.remove_listener(id));
}

TEST(Events, EmptyFunctionIsNotAdded) {
    auto fx = make();
    EXPECT_EQ(fx.on_tick(nullptr), 0u);
}

TEST(Events, ListenerMayRemoveItself) {
    auto fx = make();
    Signal sig;
    int calls = 0;
    uint64_t id = 0;
    id = fx.on_tick([&](uint32_t, uint64_t) {
        uint64_t self = 0;
        sig.update([&] {
            ++calls;
            self = id;
        });
        EXPECT_TRUE(fx.remove_listener(self));
    });
    ASSERT_NE(id, 0u);
    ASSERT_TRUE(fx.fire_ticks(2, 10));
    ASSERT_TRUE(sig.wait([&] { return calls >= 1; }));
    // Give stray deliveries a chance to show up.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard<std::mutex> lock(sig.mutex());
    EXPECT_EQ(calls, 1);
}

TEST(Events, DestroyWithListenersRegistered) {
    Signal sig;
    int calls = 0;
    {
        auto fx = make();
        for (int i = 0; i < 3; ++i) {
            ASSERT_NE(fx.on_tick([&](uint32_t, uint64_t) { sig.update([&] { ++calls; }); }), 0u);
        }
        ASSERT_TRUE(fx.fire_ticks(1, 100));
    }
    std::lock_guard<std::mutex> lock(sig.mutex());
    EXPECT_LE(calls, 300);
}
