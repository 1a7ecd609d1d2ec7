// 8 threads x 1,000 calls on one context, sync and async, with exact
// counts and every answer matched to its request.
#include "support.hpp"

#include <atomic>
#include <thread>

using support::make;

namespace {

constexpr int kThreads = 8;

void in_parallel(const std::function<void(int thread)> &body) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back(body, t);
    }
    for (auto &t : threads) {
        t.join();
    }
}

}  // namespace

TEST(Concurrency, SyncCallsAreCountedExactly) {
    auto fx = make();
    const int n = support::iterations(1000);
    std::atomic<int> failures{0};
    in_parallel([&](int) {
        for (int i = 0; i < n; ++i) {
            if (!fx.nothing()) {
                ++failures;
            }
        }
    });
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(*fx.calls(), static_cast<uint64_t>(kThreads * n));
}

TEST(Concurrency, AsyncCallsAreCountedExactly) {
    auto fx = make();
    const int n = support::iterations(1000);
    std::atomic<int> failures{0};
    in_parallel([&](int) {
        std::vector<std::future<fixture::Result<void>>> pending;
        pending.reserve(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) {
            pending.push_back(fx.nothing_async_async());
        }
        for (auto &f : pending) {
            if (!support::await(std::move(f))) {
                ++failures;
            }
        }
    });
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(*fx.calls(), static_cast<uint64_t>(kThreads * n));
}

TEST(Concurrency, EveryAnswerMatchesItsRequest) {
    auto fx = make();
    const int n = support::iterations(1000);
    std::atomic<int> mismatches{0};
    std::atomic<int> answered{0};
    in_parallel([&](int t) {
        for (int i = 0; i < n; ++i) {
            std::string s = "t" + std::to_string(t) + "-" + std::to_string(i) + "-\xc3\xa9";
            int64_t v = static_cast<int64_t>(t) * 1000000 + i;
            auto text = fx.echo_string(s);
            auto num = fx.echo_i64(v);
            if (!text || *text != s || !num || *num != v) {
                ++mismatches;
            }
            ++answered;
        }
    });
    EXPECT_EQ(mismatches.load(), 0);
    EXPECT_EQ(answered.load(), kThreads * n);
}

TEST(Concurrency, HostCallsFromManyThreads) {
    auto fx = make();
    const int n = support::iterations(200);
    std::atomic<int> handled{0};
    ASSERT_TRUE(fx.set_host_lookup([&](std::string key, fixture::Leaf leaf) -> fixture::Result<fixture::Leaf> {
        ++handled;
        leaf.label = key;
        return leaf;
    }));
    std::atomic<int> mismatches{0};
    in_parallel([&](int t) {
        for (int i = 0; i < n; ++i) {
            std::string key = std::to_string(t) + ":" + std::to_string(i);
            auto r = fx.call_host_lookup(key, fixture::Leaf{"", {static_cast<uint8_t>(i)}, fixture::Color::Blue});
            if (!r || r->label != key || r->data != std::vector<uint8_t>{static_cast<uint8_t>(i)}) {
                ++mismatches;
            }
        }
    });
    EXPECT_EQ(mismatches.load(), 0);
    EXPECT_EQ(handled.load(), kThreads * n);
}
