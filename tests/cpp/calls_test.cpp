// Construction, errors, panics, and the lifetime of the state object:
// moves, use after move, destruction with calls in flight.
#include "support.hpp"

#include <thread>

using support::make;

TEST(Calls, CreateKeepsTheLabel) {
    auto fx = fixture::Fixture::create("\xc3\xa9tiquette");
    ASSERT_TRUE(fx) << fx.error();
    EXPECT_NE(fx->native_handle(), nullptr);
    auto label = fx->label();
    ASSERT_TRUE(label) << label.error();
    EXPECT_EQ(*label, "\xc3\xa9tiquette");
}

TEST(Calls, FailingConstructorIsAnError) {
    auto fx = fixture::Fixture::create("fail");
    ASSERT_FALSE(fx);
    EXPECT_EQ(fx.error(), "constructor refused the label");
}

TEST(Calls, PanickingConstructorIsAnError) {
    auto fx = fixture::Fixture::create("panic");
    ASSERT_FALSE(fx);
    EXPECT_EQ(fx.error(), "handler panicked: constructor panicked on purpose");
}

TEST(Calls, ErrorsCarryTheirText) {
    auto fx = make();
    auto r = fx.fail("it broke");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "it broke");
    auto utf8 = fx.fail("\xc3\xa9\xe2\x9c\x93");
    EXPECT_EQ(utf8.error(), "\xc3\xa9\xe2\x9c\x93");
    auto empty = fx.fail("");
    EXPECT_FALSE(empty);
    EXPECT_EQ(empty.error(), "");
    auto sync = fx.fail_sync("sync failure");
    ASSERT_FALSE(sync);
    EXPECT_EQ(sync.error(), "sync failure");
    auto later = support::await(fx.fail_async("from the future"));
    EXPECT_EQ(later.error(), "from the future");
}

TEST(Calls, PanicsBecomeErrors) {
    auto fx = make();
    auto a = fx.panic_async("boom");
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error(), "handler panicked: boom");
    auto s = fx.panic_sync("bang");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error(), "handler panicked: bang");
    auto label = fx.label();
    ASSERT_TRUE(label) << label.error();
    EXPECT_EQ(*label, "cpp-tests");
}

TEST(Calls, UnitResults) {
    auto fx = make();
    fixture::Result<void> a = fx.nothing();
    EXPECT_TRUE(a) << a.error();
    fixture::Result<void> b = fx.nothing_async();
    EXPECT_TRUE(b) << b.error();
    fixture::Result<void> c = support::await(fx.nothing_async_async());
    EXPECT_TRUE(c) << c.error();
    EXPECT_EQ(*fx.calls(), 3u);
}

TEST(Calls, AsyncCallsOverlap) {
    auto fx = make();
    auto start = std::chrono::steady_clock::now();
    std::vector<std::future<fixture::Result<uint64_t>>> pending;
    for (uint64_t i = 0; i < 10; ++i) {
        pending.push_back(fx.sleep_ms_async(200));
    }
    for (auto &f : pending) {
        auto r = support::await(std::move(f));
        ASSERT_TRUE(r) << r.error();
        EXPECT_EQ(*r, 200u);
    }
    if (!support::under_valgrind()) {
        EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
    }
}

TEST(Calls, UseAfterMoveIsAnErrorNotACrash) {
    auto a = make("moved");
    fixture::Fixture b = std::move(a);
    EXPECT_EQ(a.native_handle(), nullptr);
    auto label = a.label();
    ASSERT_FALSE(label);
    EXPECT_EQ(label.error(), "Fixture is empty (moved from)");
    EXPECT_EQ(a.sleep_ms(1).error(), "Fixture is empty (moved from)");
    auto f = a.sleep_ms_async(1);
    ASSERT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    EXPECT_EQ(f.get().error(), "Fixture is empty (moved from)");
    EXPECT_EQ(a.nothing().error(), "Fixture is empty (moved from)");
    EXPECT_EQ(a.set_host_now([] { return fixture::Result<int64_t>(1); }).error(), "Fixture is empty (moved from)");
    EXPECT_EQ(a.on_tick([](uint32_t, uint64_t) {}), 0u);
    EXPECT_EQ(a.remove_listener(1).error(), "Fixture is empty (moved from)");
    EXPECT_EQ(*b.label(), "moved");
}

TEST(Calls, MoveAssignmentReleasesTheOldContext) {
    auto a = make("a");
    auto b = make("b");
    void *old = a.native_handle();
    a = std::move(b);
    EXPECT_EQ(*a.label(), "b");
    EXPECT_EQ(b.label().error(), "Fixture is empty (moved from)");
    // The old handle is dead: the C ABI says so instead of crashing.
    std::string err;
    fixture_label(
        old,
        [](int ret, const char *msg, size_t len, void *ud) {
            if (ret != RET_OK) {
                static_cast<std::string *>(ud)->assign(msg, len);
            }
        },
        &err);
    EXPECT_EQ(err, "invalid context handle (never created, or already destroyed)");
    fixture::Fixture &same = a;
    a = std::move(same);  // self-move leaves it usable
    EXPECT_TRUE(a.label());
}

TEST(Calls, MovedObjectKeepsHostsAndListeners) {
    auto a = make();
    ASSERT_TRUE(a.set_host_now([] { return fixture::Result<int64_t>(99); }));
    support::Signal sig;
    int ticks = 0;
    uint64_t id = a.on_tick([&](uint32_t, uint64_t) { sig.update([&] { ++ticks; }); });
    ASSERT_NE(id, 0u);
    fixture::Fixture b(std::move(a));
    EXPECT_EQ(*b.call_host_now(), 99);
    ASSERT_TRUE(b.fire_ticks(1, 3));
    EXPECT_TRUE(sig.wait([&] { return ticks == 3; }));
    EXPECT_TRUE(b.remove_listener(id));
}

TEST(Calls, DestroyFailsCallsInFlight) {
    std::vector<std::future<fixture::Result<uint64_t>>> pending;
    {
        auto fx = make();
        for (int i = 0; i < 8; ++i) {
            pending.push_back(fx.sleep_ms_async(60000));
        }
    }
    for (auto &f : pending) {
        ASSERT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
        auto r = f.get();
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), "context destroyed");
    }
}

TEST(Calls, ManyContexts) {
    std::vector<fixture::Fixture> all;
    for (int i = 0; i < 20; ++i) {
        all.push_back(make("ctx-" + std::to_string(i)));
    }
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(*all[i].label(), "ctx-" + std::to_string(i));
    }
}
