// Helpers shared by the C++ suites.
#pragma once

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>

namespace support {

/// Valgrind runs everything about 50 times slower: loops shrink under it.
inline bool under_valgrind() {
    const char *v = std::getenv("RSFFI_UNDER_VALGRIND");
    return v != nullptr && std::string(v) == "1";
}

/// Scales an iteration count down when running under valgrind.
inline int iterations(int normal) { return under_valgrind() ? normal / 10 : normal; }

/// How long a wait may take before the test fails instead of hanging.
inline std::chrono::seconds patience() { return std::chrono::seconds(under_valgrind() ? 120 : 20); }

inline fixture::Fixture make(const std::string &label = "cpp-tests") {
    auto r = fixture::Fixture::create(label);
    EXPECT_TRUE(r.ok()) << r.error();
    return std::move(r).value();
}

/// Waits for a condition that other threads make true.
class Signal {
public:
    void update(const std::function<void()> &change) {
        std::lock_guard<std::mutex> lock(mu_);
        change();
        cv_.notify_all();
    }

    /// Whether `done` became true (evaluated under the lock) in time.
    bool wait(const std::function<bool()> &done) {
        std::unique_lock<std::mutex> lock(mu_);
        return cv_.wait_for(lock, patience(), done);
    }

    std::mutex &mutex() { return mu_; }

private:
    std::mutex mu_;
    std::condition_variable cv_;
};

template <class T>
fixture::Result<T> await(std::future<fixture::Result<T>> f) {
    if (f.wait_for(patience()) != std::future_status::ready) {
        return fixture::Error{"timed out"};
    }
    return f.get();
}

}  // namespace support
