/* Objects through the native C ABI (SPEC section 8): made, called sync and
 * async, passed back, returned in Vec and Option, shared through Arc,
 * closed twice, used after close and after their context is destroyed; a
 * handle of another type and a forged one. Every value is dropped exactly
 * once (the fixture counts). Prints "N passed, M failed". */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include "fixture.h"
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "waiter.h"

/* A sync call's answer, copied inside its callback. */
typedef struct Answer {
    int calls;
    int ret;
    char text[256];
    size_t len;
    uint8_t value[64];
} Answer;

static void on_sync(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    Answer *a = ud;
    a->calls++;
    a->ret = ret;
    a->len = len;
    if (ret != RET_OK) {
        size_t n = len < sizeof a->text - 1 ? len : sizeof a->text - 1;
        memcpy(a->text, msg, n);
        a->text[n] = '\0';
    } else if (msg != NULL && len <= sizeof a->value) {
        memcpy(a->value, msg, len);
    }
    CALLBACK_DONE();
}

static int64_t answer_i64(const Answer *a) {
    int64_t v;
    memcpy(&v, a->value, sizeof v);
    return v;
}

static fixture_Counter *answer_counter(const Answer *a) {
    fixture_Counter *c;
    memcpy(&c, a->value, sizeof c);
    return c;
}

static uint64_t stats_copy[2];
static void on_stats(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    (void)ud;
    if (ret == RET_OK && len == sizeof(fixture_Vec_u64)) {
        const fixture_Vec_u64 *v = (const fixture_Vec_u64 *)msg;
        if (v->len == 2) {
            stats_copy[0] = v->ptr[0];
            stats_copy[1] = v->ptr[1];
        }
    }
    CALLBACK_DONE();
}

static void counter_stats(uint64_t *made, uint64_t *dropped) {
    CHECK(fixture_counter_stats(on_stats, NULL) == RET_OK);
    *made = stats_copy[0];
    *dropped = stats_copy[1];
}

/* The handles of a Vec<Counter> answer: the array is valid only during the
 * callback, the handles until closed. */
static fixture_Counter *counters_copy[8];
static size_t counters_len;
static void on_counters(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    (void)ud;
    counters_len = 0;
    if (ret == RET_OK && len == sizeof(fixture_Vec_Counter)) {
        const fixture_Vec_Counter *v = (const fixture_Vec_Counter *)msg;
        for (size_t i = 0; i < v->len && i < 8; i++) {
            counters_copy[counters_len++] = v->ptr[i];
        }
    }
    CALLBACK_DONE();
}

static void *create_fixture(void) {
    Answer a = {0};
    void *ctx = LIB(fixture_create(on_sync, &a, str("objects")));
    CHECK(ctx != NULL && a.ret == RET_OK);
    return ctx;
}

static fixture_Counter *make(void *ctx, int64_t start) {
    Answer a = {0};
    CHECK(LIB(fixture_make_counter(ctx, on_sync, &a, start)) == RET_OK);
    CHECK(a.calls == 1 && a.ret == RET_OK && a.len == sizeof(fixture_Counter *));
    return answer_counter(&a);
}

static int64_t get(fixture_Counter *c, Answer *a) {
    memset(a, 0, sizeof *a);
    LIB(fixture_counter_get(c, on_sync, a));
    CHECK(a->calls == 1);
    return a->ret == RET_OK ? answer_i64(a) : INT64_MIN;
}

static void test_made_called_and_closed(void) {
    uint64_t made0, dropped0, made1, dropped1;
    counter_stats(&made0, &dropped0);
    void *ctx = create_fixture();
    fixture_Counter *c = make(ctx, 5);
    Answer a;
    CHECK(get(c, &a) == 5);
    memset(&a, 0, sizeof a);
    LIB(fixture_counter_add(c, on_sync, &a, 3));
    CHECK(a.ret == RET_OK && answer_i64(&a) == 8);

    /* Async on the worker of the context that made it. */
    Waiter w;
    waiter_init(&w);
    CHECK(LIB(fixture_counter_add_later(c, on_answer, &w, 2, 5)) == RET_OK);
    waiter_wait(&w);
    int64_t later;
    memcpy(&later, w.msg, sizeof later);
    CHECK(w.ret == RET_OK && later == 10);
    waiter_free(&w);

    /* A method returning a new object, and one taking an object. */
    memset(&a, 0, sizeof a);
    LIB(fixture_counter_fork(c, on_sync, &a));
    fixture_Counter *fork = answer_counter(&a);
    CHECK(a.ret == RET_OK && fork != NULL && fork != c);
    CHECK(get(fork, &a) == 10);
    memset(&a, 0, sizeof a);
    LIB(fixture_counter_same_as(c, on_sync, &a, c));
    CHECK(a.ret == RET_OK && a.value[0] == 1);
    memset(&a, 0, sizeof a);
    LIB(fixture_counter_same_as(c, on_sync, &a, fork));
    CHECK(a.ret == RET_OK && a.value[0] == 0);

    CHECK(fixture_counter_free(fork) == RET_OK);
    CHECK(fixture_counter_free(c) == RET_OK);
    CHECK(fixture_counter_free(c) == RET_ERR); /* closed twice */
    memset(&a, 0, sizeof a);
    CHECK(LIB(fixture_counter_get(c, on_sync, &a)) == RET_ERR);
    CHECK(a.calls == 1 && a.ret == RET_ERR);
    CHECK(strstr(a.text, "invalid Counter handle") != NULL);
    CHECK(fixture_destroy(ctx) == RET_OK);
    counter_stats(&made1, &dropped1);
    CHECK(made1 - made0 == 2);
    CHECK(dropped1 - dropped0 == 2);
}

static void test_vec_option_and_shared(void) {
    uint64_t made0, dropped0, made1, dropped1;
    counter_stats(&made0, &dropped0);
    void *ctx = create_fixture();
    CHECK(LIB(fixture_counters(ctx, on_counters, NULL, 3)) == RET_OK);
    CHECK(counters_len == 3);
    for (size_t i = 0; i < counters_len; i++) {
        Answer g;
        CHECK(get(counters_copy[i], &g) == (int64_t)i);
        CHECK(fixture_counter_free(counters_copy[i]) == RET_OK);
    }
    Answer a = {0};
    memset(&a, 0, sizeof a);
    LIB(fixture_maybe_counter(ctx, on_sync, &a, false, 1));
    fixture_Option_Counter none;
    memcpy(&none, a.value, sizeof none);
    CHECK(a.ret == RET_OK && !none.is_some);
    memset(&a, 0, sizeof a);
    LIB(fixture_maybe_counter(ctx, on_sync, &a, true, 4));
    fixture_Option_Counter some;
    memcpy(&some, a.value, sizeof some);
    CHECK(a.ret == RET_OK && some.is_some);
    CHECK(get(some.value, &a) == 4);
    CHECK(fixture_counter_free(some.value) == RET_OK);

    /* Two handles to one shared value: closing one keeps it alive. */
    memset(&a, 0, sizeof a);
    LIB(fixture_shared_counter(ctx, on_sync, &a));
    fixture_Counter *s1 = answer_counter(&a);
    memset(&a, 0, sizeof a);
    LIB(fixture_shared_counter(ctx, on_sync, &a));
    fixture_Counter *s2 = answer_counter(&a);
    CHECK(s1 != s2);
    memset(&a, 0, sizeof a);
    LIB(fixture_counter_add(s1, on_sync, &a, 7));
    CHECK(get(s2, &a) == 7);
    memset(&a, 0, sizeof a);
    LIB(fixture_counter_same_as(s1, on_sync, &a, s2));
    CHECK(a.ret == RET_OK && a.value[0] == 1);
    fixture_Counter *own = make(ctx, 1);
    memset(&a, 0, sizeof a);
    LIB(fixture_sum_counters(ctx, on_sync, &a, own, s2));
    CHECK(a.ret == RET_OK && answer_i64(&a) == 8);
    CHECK(fixture_counter_free(s1) == RET_OK);
    CHECK(get(s2, &a) == 7);
    CHECK(fixture_counter_free(s2) == RET_OK);
    CHECK(fixture_counter_free(own) == RET_OK);
    CHECK(fixture_destroy(ctx) == RET_OK);
    counter_stats(&made1, &dropped1);
    /* 3 in the Vec, 1 in the Option, 1 shared, 1 own: all dropped. */
    CHECK(made1 - made0 == 6);
    CHECK(dropped1 - dropped0 == 6);
}

static void test_wrong_type_forged_and_destroyed_context(void) {
    void *ctx = create_fixture();
    Answer a = {0};
    LIB(fixture_make_tag(ctx, on_sync, &a, str("t")));
    fixture_Tag *tag;
    memcpy(&tag, a.value, sizeof tag);
    CHECK(a.ret == RET_OK);

    /* A Tag where a Counter is expected, as receiver and as parameter. */
    memset(&a, 0, sizeof a);
    CHECK(LIB(fixture_counter_get((fixture_Counter *)tag, on_sync, &a)) == RET_ERR);
    CHECK(a.calls == 1 && strstr(a.text, "a Tag handle was given where a Counter") != NULL);
    CHECK(fixture_counter_free((fixture_Counter *)tag) == RET_ERR);
    fixture_Counter *c = make(ctx, 1);
    memset(&a, 0, sizeof a);
    LIB(fixture_sum_counters(ctx, on_sync, &a, (fixture_Counter *)tag, c));
    CHECK(a.ret == RET_ERR && strstr(a.text, "invalid argument 'a'") != NULL);

    /* Forged and NULL handles. */
    memset(&a, 0, sizeof a);
    CHECK(LIB(fixture_counter_get((fixture_Counter *)(uintptr_t)0x1234567, on_sync, &a)) == RET_ERR);
    CHECK(a.calls == 1 && a.ret == RET_ERR);
    memset(&a, 0, sizeof a);
    CHECK(LIB(fixture_counter_get(NULL, on_sync, &a)) == RET_ERR);
    CHECK(a.calls == 1 && a.ret == RET_ERR);
    CHECK(fixture_counter_free(NULL) == RET_ERR);
    CHECK(LIB(fixture_counter_get(c, NULL, NULL)) == RET_MISSING_CALLBACK);

    /* Destroying the context drops its objects; later calls fail. */
    uint64_t made0, dropped0, made1, dropped1;
    counter_stats(&made0, &dropped0);
    CHECK(fixture_destroy(ctx) == RET_OK);
    counter_stats(&made1, &dropped1);
    CHECK(dropped1 - dropped0 == 1);
    memset(&a, 0, sizeof a);
    CHECK(LIB(fixture_counter_get(c, on_sync, &a)) == RET_ERR);
    CHECK(a.calls == 1 && strcmp(a.text, "context destroyed") == 0);
    Waiter w;
    waiter_init(&w);
    CHECK(LIB(fixture_counter_add_later(c, on_answer, &w, 1, 0)) == RET_ERR);
    waiter_wait(&w);
    CHECK(w.ret == RET_ERR && strcmp(w.msg, "context destroyed") == 0);
    waiter_free(&w);
    memset(&a, 0, sizeof a);
    LIB(fixture_tag_name(tag, on_sync, &a));
    CHECK(a.ret == RET_ERR && strcmp(a.text, "context destroyed") == 0);
    /* Closing them still works, once. */
    CHECK(fixture_counter_free(c) == RET_OK);
    CHECK(fixture_counter_free(c) == RET_ERR);
    CHECK(fixture_tag_free(tag) == RET_OK);
}

static void test_static_function(void) {
    Answer a = {0};
    CHECK(fixture_multiply(on_sync, &a, 6, 7) == RET_OK);
    CHECK(a.calls == 1 && a.ret == RET_OK && answer_i64(&a) == 42);
    memset(&a, 0, sizeof a);
    fixture_multiply(on_sync, &a, INT64_MAX, 2);
    CHECK(a.ret == RET_ERR && strcmp(a.text, "overflow") == 0);
    CHECK(fixture_multiply(NULL, NULL, 1, 1) == RET_MISSING_CALLBACK);
}

int main(void) {
    test_made_called_and_closed();
    test_vec_option_and_shared();
    test_wrong_type_forged_and_destroyed_context();
    test_static_function();
    return report();
}
