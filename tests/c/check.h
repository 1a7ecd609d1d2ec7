/* What the C suites share: the CHECK counters and their closing line, and
 * FFIStr literals. Include after the library header.
 *
 * CHECK runs on the library's threads too (callbacks, listeners, host
 * answers), so the counters are C11 atomics: `++` on an `atomic_int` is an
 * atomic read-modify-write, and `report` reads them with atomic loads. */
#ifndef RSFFI_TESTS_CHECK_H
#define RSFFI_TESTS_CHECK_H

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static atomic_int passed, failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            passed++;                                                        \
        } else {                                                             \
            failed++;                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
        }                                                                    \
    } while (0)

/* Prints "N passed, M failed" (the line the test runner reads) and
 * returns the process's exit status. */
static int report(void) {
    int p = atomic_load(&passed), f = atomic_load(&failed);
    printf("%d passed, %d failed\n", p, f);
    return f == 0 ? 0 : 1;
}

/* ThreadSanitizer (scripts/sanitizers.sh) sees only the synchronization of
 * instrumented code. The Rust library is built normally, so the ordering it
 * guarantees through its own queues and locks is invisible to TSan:
 *   - a call happens before the callbacks and listeners it leads to
 *     (LIB(call) before it, IN_CALLBACK() on entry);
 *   - `<lib>_destroy` returns after the callbacks of the calls it fails
 *     (CALLBACK_DONE() on a callback's exit, AFTER_WAIT() after destroy).
 * The suites declare these edges at the boundary and no others (through
 * one sync object, so a little coarser than the per-call guarantee). A
 * value shared between the test's own threads, or read by the test while a
 * callback may still write it, is still reported: a counter bumped from a
 * thread the test starts, or a flag spun on without atomics, fails the run.
 * Without TSan these are no-ops. */
#if defined(__SANITIZE_THREAD__) /* gcc */
#define CHECK_UNDER_TSAN 1
#elif defined(__has_feature) /* clang */
#if __has_feature(thread_sanitizer)
#define CHECK_UNDER_TSAN 1
#endif
#endif
#ifdef CHECK_UNDER_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
static char library_order;
#define LIB(...) (__tsan_release(&library_order), __VA_ARGS__)
#define IN_CALLBACK() __tsan_acquire(&library_order)
#define CALLBACK_DONE() __tsan_release(&library_order)
#define AFTER_WAIT() __tsan_acquire(&library_order)
#else
#define LIB(...) (__VA_ARGS__)
#define IN_CALLBACK() ((void)0)
#define CALLBACK_DONE() ((void)0)
#define AFTER_WAIT() ((void)0)
#endif

static FFIStr str(const char *s) {
    FFIStr r = {s, strlen(s)};
    return r;
}

#endif
