/* A deliberate race, for scripts/sanitizers.sh: it must be reported under
 * ThreadSanitizer, which shows that the ordering check.h declares at the
 * library boundary does not hide a race between a callback and the test.
 * The callback, on the library's worker, sets a plain int that main spins
 * on without synchronization. Not part of the C suites. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include "fixture.h"
#include "check.h"

#include <unistd.h>

static int answered; /* deliberately not atomic */

static void on_created(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    (void)ret;
    (void)msg;
    (void)len;
    (void)ud;
    CALLBACK_DONE();
}

static void on_slept(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    (void)msg;
    (void)len;
    (void)ud;
    answered = ret == RET_OK ? 1 : 2;
    CALLBACK_DONE();
}

int main(void) {
    void *ctx = LIB(fixture_create(on_created, NULL, str("canary")));
    CHECK(LIB(fixture_sleep_ms(ctx, on_slept, NULL, 20)) == RET_OK);
    while (answered == 0) {
        usleep(100);
    }
    CHECK(answered == 1);
    CHECK(LIB(fixture_destroy(ctx)) == RET_OK);
    AFTER_WAIT();
    return report();
}
