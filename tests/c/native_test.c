/* End-to-end tests of the native C ABI against the fixture library:
 * byte-exact strings and bytes, structs, hostile input, bad handles,
 * panics, host functions answered from other threads, cancel, destroy.
 * Prints "N passed, M failed" and exits non-zero on any failure. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include "fixture.h"
#include "check.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "waiter.h"

static void *create(const char *label, Waiter *w) {
    waiter_init(w);
    void *ctx = LIB(fixture_create(on_answer, w, str(label)));
    waiter_wait(w);
    return ctx;
}

static void test_strings_are_byte_exact(void *ctx) {
    const char cases[][16] = {"", "hello", "h\xc3\xa9llo \xe2\x9c\x93", "a\0b"};
    const size_t lens[] = {0, 5, 11, 3};
    for (size_t i = 0; i < 4; i++) {
        Waiter w;
        waiter_init(&w);
        FFIStr s = {cases[i], lens[i]};
        CHECK(LIB(fixture_echo_string(ctx, on_answer, &w, s)) == RET_OK);
        waiter_wait(&w);
        CHECK(w.ret == RET_OK);
        CHECK(w.len == lens[i] && memcmp(w.msg, cases[i], lens[i]) == 0);
        waiter_free(&w);
    }
}

static void test_invalid_utf8_is_an_error_naming_the_parameter(void *ctx) {
    Waiter w;
    waiter_init(&w);
    FFIStr bad = {"ok\xff", 3};
    LIB(fixture_echo_string(ctx, on_answer, &w, bad));
    waiter_wait(&w);
    CHECK(w.ret == RET_ERR);
    CHECK(strcmp(w.msg, "invalid argument 's': invalid UTF-8 at byte 2") == 0);
    waiter_free(&w);
}

static void test_null_pointer_with_length_is_an_error(void *ctx) {
    Waiter w;
    waiter_init(&w);
    FFIBytes lie = {NULL, 10};
    LIB(fixture_echo_bytes(ctx, on_answer, &w, lie));
    waiter_wait(&w);
    CHECK(w.ret == RET_ERR);
    CHECK(strcmp(w.msg, "invalid argument 'b': NULL pointer with length 10") == 0);
    waiter_free(&w);
}

static void test_megabyte_of_bytes_round_trips(void *ctx) {
    size_t n = 1u << 20;
    uint8_t *buf = malloc(n);
    for (size_t i = 0; i < n; i++) {
        buf[i] = (uint8_t)(i * 31u + 7u);
    }
    Waiter w;
    waiter_init(&w);
    FFIBytes b = {buf, n};
    LIB(fixture_echo_bytes(ctx, on_answer, &w, b));
    waiter_wait(&w);
    CHECK(w.ret == RET_OK && w.len == n && memcmp(w.msg, buf, n) == 0);
    waiter_free(&w);
    free(buf);
}

/* The library copies arguments before the call returns: overwriting and
 * freeing the caller's buffers right after an async call must not change
 * what the handler sees. */
static void test_arguments_are_copied_before_return(void *ctx) {
    size_t n = 4096;
    uint8_t *buf = malloc(n);
    memset(buf, 0xab, n);
    char *text = malloc(6);
    memcpy(text, "hello", 6);
    Waiter wb, ws;
    waiter_init(&wb);
    waiter_init(&ws);
    FFIBytes b = {buf, n};
    /* sleep first so the handlers surely run after the buffers are gone */
    Waiter wsleep;
    waiter_init(&wsleep);
    LIB(fixture_sleep_ms(ctx, on_answer, &wsleep, 20));
    LIB(fixture_echo_bytes(ctx, on_answer, &wb, b));
    LIB(fixture_echo_string(ctx, on_answer, &ws, str(text)));
    memset(buf, 0, n);
    free(buf);
    memset(text, 'X', 5);
    free(text);
    waiter_wait(&wb);
    waiter_wait(&ws);
    int intact = wb.len == n;
    for (size_t i = 0; intact && i < n; i++) intact = (uint8_t)wb.msg[i] == 0xab;
    CHECK(intact);
    CHECK(strcmp(ws.msg, "hello") == 0);
    waiter_wait(&wsleep);
    waiter_free(&wb);
    waiter_free(&ws);
    waiter_free(&wsleep);
}

static int inspect_top(const char *msg, size_t len) {
    const fixture_Top *t = (const fixture_Top *)msg;
    if (len != sizeof *t) return 0;
    if (t->middle.leaves.len != 2) return 0;
    const fixture_Leaf *l = &t->middle.leaves.ptr[1];
    return l->label.len == 3 && memcmp(l->label.ptr, "two", 3) == 0 &&
           l->data.len == 2 && l->data.ptr[1] == 0xff &&
           l->color == FIXTURE_COLOR_BLUE && t->middle.best.is_some &&
           t->middle.best.value.color == FIXTURE_COLOR_GREEN &&
           !t->note.is_some && t->user_id == UINT64_MAX &&
           t->middles.len == 0;
}

static void test_nested_structs_round_trip(void *ctx) {
    uint8_t data[2] = {0x00, 0xff};
    fixture_Leaf leaves[2] = {
        {str("one"), {NULL, 0}, FIXTURE_COLOR_RED},
        {str("two"), {data, 2}, FIXTURE_COLOR_BLUE},
    };
    fixture_Top t;
    memset(&t, 0, sizeof t);
    t.middle.name = str("m");
    t.middle.leaves.ptr = leaves;
    t.middle.leaves.len = 2;
    t.middle.best.is_some = true;
    t.middle.best.value.label = str("best");
    t.middle.best.value.color = FIXTURE_COLOR_GREEN;
    t.user_id = UINT64_MAX;
    t.http_url = str("https://example.invalid/");
    Waiter w;
    waiter_init(&w);
    w.inspect = inspect_top;
    LIB(fixture_echo_top(ctx, on_answer, &w, t));
    waiter_wait(&w);
    CHECK(w.ret == RET_OK && w.inspected);
    waiter_free(&w);
}

/* Names that are Rust keywords (`r#match`, `r#type` in the library) are
 * plain names in C: the method, its parameter and the fields. */
static int inspect_tagged(const char *msg, size_t len) {
    const fixture_Tagged *t = (const fixture_Tagged *)msg;
    return len == sizeof *t && t->type.len == 5 && memcmp(t->type.ptr, "k:val", 5) == 0 &&
           t->match.is_some && t->match.value == 42;
}

static void test_keyword_names(void *ctx) {
    fixture_Tagged value = {str("val"), {true, 41}};
    Waiter w;
    waiter_init(&w);
    w.inspect = inspect_tagged;
    CHECK(LIB(fixture_match(ctx, on_answer, &w, str("k"), value)) == RET_OK);
    waiter_wait(&w);
    CHECK(w.ret == RET_OK && w.inspected);
    waiter_free(&w);

    /* A bad argument names the parameter as the author spelled it, without r#. */
    waiter_init(&w);
    FFIStr bad = {"\xff", 1};
    LIB(fixture_match(ctx, on_answer, &w, bad, value));
    waiter_wait(&w);
    CHECK(w.ret == RET_ERR);
    CHECK(strcmp(w.msg, "invalid argument 'type': invalid UTF-8 at byte 0") == 0);
    waiter_free(&w);
}

static void test_out_of_range_enum_is_an_error(void *ctx) {
    Waiter w;
    waiter_init(&w);
    LIB(fixture_echo_color(ctx, on_answer, &w, 7));
    waiter_wait(&w);
    CHECK(w.ret == RET_ERR);
    CHECK(strcmp(w.msg, "invalid argument 'c': invalid value 7 for enum Color") == 0);
    waiter_free(&w);
}

static void test_errors_and_panics(void *ctx) {
    Waiter w;
    waiter_init(&w);
    LIB(fixture_fail(ctx, on_answer, &w, str("it broke")));
    waiter_wait(&w);
    CHECK(w.ret == RET_ERR && strcmp(w.msg, "it broke") == 0);
    waiter_free(&w);

    waiter_init(&w);
    LIB(fixture_panic_async(ctx, on_answer, &w, str("boom")));
    waiter_wait(&w);
    CHECK(w.ret == RET_ERR && strcmp(w.msg, "handler panicked: boom") == 0);
    waiter_free(&w);

    waiter_init(&w);
    LIB(fixture_panic_sync(ctx, on_answer, &w, str("bang")));
    CHECK(w.calls == 1); /* sync: answered before returning */
    CHECK(w.ret == RET_ERR && strcmp(w.msg, "handler panicked: bang") == 0);
    waiter_free(&w);

    /* The context still works after panics. */
    waiter_init(&w);
    LIB(fixture_label(ctx, on_answer, &w));
    CHECK(w.calls == 1 && w.ret == RET_OK && strcmp(w.msg, "c-tests") == 0);
    waiter_free(&w);
}

static void test_bad_handles(void) {
    Waiter w;
    waiter_init(&w);
    void *forged = (void *)(uintptr_t)0x1234567890abcdefULL;
    CHECK(LIB(fixture_label(forged, on_answer, &w)) == RET_ERR);
    CHECK(w.calls == 1 && w.ret == RET_ERR);
    CHECK(strstr(w.msg, "invalid context handle") != NULL);
    waiter_free(&w);

    waiter_init(&w);
    CHECK(LIB(fixture_label(NULL, on_answer, &w)) == RET_ERR && w.calls == 1);
    waiter_free(&w);

    CHECK(LIB(fixture_destroy(forged)) == RET_ERR);
    CHECK(LIB(fixture_host_complete(forged, 1, RET_OK, NULL, 0)) == RET_ERR);
}

static void test_missing_callback(void *ctx) {
    CHECK(LIB(fixture_label(ctx, NULL, NULL)) == RET_MISSING_CALLBACK);
    CHECK(LIB(fixture_sleep_ms(ctx, NULL, NULL, 1)) == RET_MISSING_CALLBACK);
}

/* Host function answered from a thread of its own, which the test joins.
 * The handler runs on a library thread: it publishes the thread's id with
 * a release store that the test's acquire load pairs with. */
static pthread_t answer_thread;
static atomic_bool answer_started;

typedef struct Answer {
    void *ctx;
    uint64_t id;
} Answer;

static void *answer_lookup(void *arg) {
    Answer *a = arg;
    usleep(1000);
    fixture_Leaf leaf = {str("from-host"), {NULL, 0}, FIXTURE_COLOR_GREEN};
    int first = LIB(fixture_host_complete(a->ctx, a->id, RET_OK, (const char *)&leaf, sizeof leaf));
    int again = LIB(fixture_host_complete(a->ctx, a->id, RET_OK, (const char *)&leaf, sizeof leaf));
    CHECK(first == RET_OK);
    CHECK(again == RET_ERR); /* already answered: ignored */
    free(a);
    return NULL;
}

static void host_lookup(uint64_t id, const char *req, size_t len, void *ud) {
    IN_CALLBACK();
    const fixture_host_lookup_args *args = (const fixture_host_lookup_args *)req;
    CHECK(len == sizeof *args);
    CHECK(args->key.len == 3 && memcmp(args->key.ptr, "key", 3) == 0);
    CHECK(args->leaf.color == FIXTURE_COLOR_RED);
    Answer *a = malloc(sizeof *a);
    a->ctx = ud;
    a->id = id;
    CHECK(!atomic_load_explicit(&answer_started, memory_order_relaxed));
    CHECK(pthread_create(&answer_thread, NULL, answer_lookup, a) == 0);
    atomic_store_explicit(&answer_started, true, memory_order_release);
    CALLBACK_DONE();
}

static void join_answer_thread(void) {
    CHECK(atomic_load_explicit(&answer_started, memory_order_acquire));
    CHECK(pthread_join(answer_thread, NULL) == 0);
    atomic_store_explicit(&answer_started, false, memory_order_relaxed);
}

static int inspect_from_host(const char *msg, size_t len) {
    const fixture_Leaf *l = (const fixture_Leaf *)msg;
    return len == sizeof *l && l->label.len == 9 && memcmp(l->label.ptr, "from-host", 9) == 0;
}

/* Set on a library thread, spun on by the test. */
static _Atomic uint64_t parked_id;
static void host_never_answers(uint64_t id, const char *req, size_t len, void *ud) {
    IN_CALLBACK();
    (void)req;
    (void)len;
    (void)ud;
    atomic_store_explicit(&parked_id, id, memory_order_release);
    CALLBACK_DONE();
}

static void test_host_functions(void) {
    Waiter c;
    void *ctx = create("c-tests", &c);
    waiter_free(&c);

    Waiter w;
    waiter_init(&w);
    fixture_Leaf leaf = {str("q"), {NULL, 0}, FIXTURE_COLOR_RED};
    LIB(fixture_call_host_lookup(ctx, on_answer, &w, str("key"), leaf));
    waiter_wait(&w);
    CHECK(w.ret == RET_ERR);
    CHECK(strcmp(w.msg, "host function 'host_lookup' is not registered") == 0);
    waiter_free(&w);

    CHECK(LIB(fixture_register_host_fn(ctx, "no_such_fn", host_lookup, ctx)) == RET_ERR);
    CHECK(LIB(fixture_register_host_fn(ctx, "host_lookup", host_lookup, ctx)) == RET_OK);
    waiter_init(&w);
    w.inspect = inspect_from_host;
    LIB(fixture_call_host_lookup(ctx, on_answer, &w, str("key"), leaf));
    waiter_wait(&w);
    CHECK(w.ret == RET_OK && w.inspected);
    waiter_free(&w);
    join_answer_thread();

    /* Unknown call ids are ignored. */
    CHECK(LIB(fixture_host_complete(ctx, 987654321, RET_OK, NULL, 0)) == RET_ERR);

    /* Destroy with a host call pending: the call fails, once. */
    CHECK(LIB(fixture_register_host_fn(ctx, "host_notify", host_never_answers, NULL)) == RET_OK);
    waiter_init(&w);
    LIB(fixture_call_host_notify(ctx, on_answer, &w, 5));
    uint64_t parked;
    while ((parked = atomic_load_explicit(&parked_id, memory_order_acquire)) == 0) {
        usleep(100);
    }
    CHECK(LIB(fixture_destroy(ctx)) == RET_OK);
    AFTER_WAIT();
    CHECK(w.calls == 1 && w.ret == RET_ERR && strcmp(w.msg, "context destroyed") == 0);
    /* A late answer after destroy is ignored. */
    CHECK(LIB(fixture_host_complete(ctx, parked, RET_OK, NULL, 0)) == RET_ERR);
    CHECK(LIB(fixture_destroy(ctx)) == RET_ERR);
    waiter_free(&w);
}

static void test_destroy_fails_calls_in_flight(void) {
    Waiter c;
    void *ctx = create("c-tests", &c);
    waiter_free(&c);
    Waiter ws[8];
    for (int i = 0; i < 8; i++) {
        waiter_init(&ws[i]);
        CHECK(LIB(fixture_sleep_ms(ctx, on_answer, &ws[i], 60000)) == RET_OK);
    }
    CHECK(LIB(fixture_destroy(ctx)) == RET_OK);
    AFTER_WAIT();
    for (int i = 0; i < 8; i++) {
        CHECK(ws[i].calls == 1 && ws[i].ret == RET_ERR);
        CHECK(strcmp(ws[i].msg, "context destroyed") == 0);
        waiter_free(&ws[i]);
    }
    /* Stale afterwards. */
    Waiter w;
    waiter_init(&w);
    CHECK(LIB(fixture_label(ctx, on_answer, &w)) == RET_ERR && w.calls == 1);
    waiter_free(&w);
}

static void test_cancel(void *ctx) {
    Waiter w;
    waiter_init(&w);
    LIB(fixture_sleep_ms(ctx, on_answer, &w, 60000));
    CHECK(LIB(fixture_cancel(ctx, &w)) == RET_OK);
    waiter_wait(&w);
    CHECK(w.calls == 1 && w.ret == RET_ERR && strcmp(w.msg, "call cancelled") == 0);
    waiter_free(&w);
}

static void test_failing_constructor(void) {
    Waiter w;
    void *ctx = create("fail", &w);
    CHECK(ctx != NULL);
    CHECK(w.ret == RET_ERR && strcmp(w.msg, "constructor refused the label") == 0);
    waiter_free(&w);
    Waiter l;
    waiter_init(&l);
    LIB(fixture_label(ctx, on_answer, &l));
    CHECK(l.calls == 1 && l.ret == RET_ERR);
    CHECK(strcmp(l.msg, "constructor failed: constructor refused the label") == 0);
    waiter_free(&l);
    CHECK(LIB(fixture_destroy(ctx)) == RET_OK);
    AFTER_WAIT();

    ctx = create("panic", &w);
    CHECK(w.ret == RET_ERR && strcmp(w.msg, "handler panicked: constructor panicked on purpose") == 0);
    waiter_free(&w);
    CHECK(LIB(fixture_destroy(ctx)) == RET_OK);
    AFTER_WAIT();
}

int main(void) {
    CHECK(fixture_abi_version() == FIXTURE_ABI_VERSION);
    Waiter c;
    void *ctx = create("c-tests", &c);
    CHECK(ctx != NULL && c.ret == RET_OK);
    waiter_free(&c);

    test_strings_are_byte_exact(ctx);
    test_invalid_utf8_is_an_error_naming_the_parameter(ctx);
    test_null_pointer_with_length_is_an_error(ctx);
    test_megabyte_of_bytes_round_trips(ctx);
    test_arguments_are_copied_before_return(ctx);
    test_nested_structs_round_trip(ctx);
    test_out_of_range_enum_is_an_error(ctx);
    test_keyword_names(ctx);
    test_errors_and_panics(ctx);
    test_bad_handles();
    test_missing_callback(ctx);
    test_cancel(ctx);
    CHECK(LIB(fixture_destroy(ctx)) == RET_OK);
    AFTER_WAIT();

    test_host_functions();
    test_destroy_fails_calls_in_flight();
    test_failing_constructor();

    return report();
}
