// Host functions: registered with set_<name>, run off the library's worker
// thread, answered through host_complete; every request and answer shape.
#include "support.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>

using fixture::Color;
using fixture::Error;
using fixture::Result;
using support::make;

TEST(Host, NotRegisteredIsAnError) {
    auto fx = make();
    auto r = fx.call_host_lookup("key", fixture::Leaf{"q", {}, Color::Red});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "host function 'host_lookup' is not registered");
}

TEST(Host, SeveralParametersAndAStructAnswer) {
    auto fx = make();
    std::thread::id caller = std::this_thread::get_id();
    std::atomic<bool> other_thread{false};
    ASSERT_TRUE(fx.set_host_lookup([&](std::string key, fixture::Leaf leaf) -> Result<fixture::Leaf> {
        other_thread = std::this_thread::get_id() != caller;
        return fixture::Leaf{key + "/" + leaf.label, leaf.data, Color::Green};
    }));
    auto r = fx.call_host_lookup(std::string("k\0y", 3), fixture::Leaf{"\xc3\xa9", {0, 1, 2}, Color::Blue});
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->label, std::string("k\0y/\xc3\xa9", 6));
    EXPECT_EQ(r->data, (std::vector<uint8_t>{0, 1, 2}));
    EXPECT_EQ(r->color, Color::Green);
    EXPECT_TRUE(other_thread);
}

TEST(Host, RunsOffTheWorkerSoItMayCallBackIn) {
    auto fx = make();
    // If the handler ran on the worker, waiting for another worker call
    // inside it would deadlock.
    ASSERT_TRUE(fx.set_host_now([&]() -> Result<int64_t> {
        auto slept = support::await(fx.sleep_ms_async(5));
        if (!slept) {
            return Error{slept.error()};
        }
        return static_cast<int64_t>(*slept) * 2;
    }));
    auto r = support::await(fx.call_host_now_async());
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(*r, 10);
}

TEST(Host, UnitAnswer) {
    auto fx = make();
    std::atomic<int64_t> seen{0};
    ASSERT_TRUE(fx.set_host_notify([&](int64_t n) -> Result<void> {
        seen = n;
        return Result<void>{};
    }));
    auto r = fx.call_host_notify(INT64_MIN);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(seen.load(), INT64_MIN);
}

TEST(Host, BytesBothWays) {
    auto fx = make();
    ASSERT_TRUE(fx.set_host_bytes([](std::vector<uint8_t> data) -> Result<std::vector<uint8_t>> {
        std::reverse(data.begin(), data.end());
        return data;
    }));
    auto empty = fx.call_host_bytes({});
    ASSERT_TRUE(empty) << empty.error();
    EXPECT_TRUE(empty->empty());
    std::vector<uint8_t> mib(size_t{1} << 20);
    for (size_t i = 0; i < mib.size(); ++i) {
        mib[i] = static_cast<uint8_t>(i ^ (i >> 8));
    }
    auto r = fx.call_host_bytes(mib);
    ASSERT_TRUE(r) << r.error();
    std::reverse(mib.begin(), mib.end());
    EXPECT_TRUE(*r == mib);
}

TEST(Host, ErrorsReachTheCaller) {
    auto fx = make();
    ASSERT_TRUE(fx.set_host_now([]() -> Result<int64_t> { return Error{"no clock here"}; }));
    auto r = fx.call_host_now();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "no clock here");
}

TEST(Host, ExceptionsBecomeErrors) {
    auto fx = make();
    ASSERT_TRUE(fx.set_host_now([]() -> Result<int64_t> { throw std::runtime_error("clock broke"); }));
    auto r = fx.call_host_now();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "host function 'host_now' threw: clock broke");
}

TEST(Host, ReplaceAndRemove) {
    auto fx = make();
    ASSERT_TRUE(fx.set_host_now([] { return Result<int64_t>(1); }));
    EXPECT_EQ(*fx.call_host_now(), 1);
    ASSERT_TRUE(fx.set_host_now([] { return Result<int64_t>(2); }));
    EXPECT_EQ(*fx.call_host_now(), 2);
    ASSERT_TRUE(fx.set_host_now(nullptr));
    EXPECT_EQ(fx.call_host_now().error(), "host function 'host_now' is not registered");
    ASSERT_TRUE(fx.set_host_now([] { return Result<int64_t>(3); }));
    EXPECT_EQ(*fx.call_host_now(), 3);
}

TEST(Host, ConcurrentHostCalls) {
    auto fx = make();
    std::atomic<int> running{0};
    std::atomic<int> peak{0};
    ASSERT_TRUE(fx.set_host_notify([&](int64_t) -> Result<void> {
        int now = ++running;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        --running;
        return Result<void>{};
    }));
    std::vector<std::future<Result<void>>> calls;
    for (int i = 0; i < 8; ++i) {
        calls.push_back(fx.call_host_notify_async(i));
    }
    for (auto &f : calls) {
        auto r = support::await(std::move(f));
        EXPECT_TRUE(r) << r.error();
    }
    // Handlers of one context run in parallel, not one after another.
    EXPECT_GT(peak.load(), 1);
}

TEST(Host, DestroyWithAHostCallPending) {
    std::future<Result<int64_t>> pending;
    std::atomic<bool> handler_done{false};
    {
        auto fx = make();
        support::Signal started;
        bool in_handler = false;
        ASSERT_TRUE(fx.set_host_now([&]() -> Result<int64_t> {
            started.update([&] { in_handler = true; });
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            handler_done = true;
            return 7;
        }));
        pending = fx.call_host_now_async();
        ASSERT_TRUE(started.wait([&] { return in_handler; }));
    }
    // The destructor waited for the handler, whose late answer was ignored.
    EXPECT_TRUE(handler_done);
    auto r = support::await(std::move(pending));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "context destroyed");
}
