/* Events through the native C ABI: typed payloads, ordering under
 * concurrent firing, slow listeners, unsubscribe and destroy semantics.
 * Prints "N passed, M failed"; exits non-zero on any failure. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include "fixture.h"
#include "check.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Waits for an answer; the callback sets *done. */
static void on_done(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    (void)msg;
    (void)len;
    atomic_store((atomic_int *)ud, ret == RET_OK ? 1 : 2);
    CALLBACK_DONE();
}

static int wait_flag(atomic_int *flag, double timeout_ms) {
    double end = now_ms() + timeout_ms;
    while (atomic_load(flag) == 0 && now_ms() < end) {
        usleep(100);
    }
    return atomic_load(flag);
}

static void *make_context(void) {
    atomic_int done = 0;
    void *ctx = LIB(fixture_create(on_done, &done, str("events")));
    wait_flag(&done, 5000);
    return ctx;
}

/* ---- typed payloads ---- */
static atomic_int typed_ok;

static int str_is(FFIStr s, const char *want, size_t n) {
    return s.len == n && (n == 0 || memcmp(s.ptr, want, n) == 0);
}

static void on_scalars(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    (void)ud;
    const fixture_Scalars *s = (const fixture_Scalars *)msg;
    int ok = ret == RET_OK && len == sizeof *s && s->flag && s->i64_v == INT64_MIN &&
             s->u64_v == UINT64_MAX && s->i8_v == -128 && s->u16_v == 65535 &&
             str_is(s->text, "n\0ul", 4) && s->data.len == 3 && s->data.ptr[2] == 0 &&
             s->color == FIXTURE_COLOR_BLUE && s->f64_v == -0.5;
    if (ok) atomic_fetch_add(&typed_ok, 1);
    CALLBACK_DONE();
}

static void on_containers(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    (void)ud;
    const fixture_Containers *c = (const fixture_Containers *)msg;
    int ok = ret == RET_OK && len == sizeof *c && c->nested.len == 2 &&
             c->nested.ptr[1].len == 1 && str_is(c->nested.ptr[1].ptr[0], "\xc3\xa9", 2) &&
             c->maybe_list.is_some && c->maybe_list.value.len == 0 &&
             !c->maybe_text.is_some && c->maybe_bytes.is_some &&
             c->maybe_bytes.value.len == 0 && c->list_of_maybe.len == 2 &&
             !c->list_of_maybe.ptr[0].is_some && c->list_of_maybe.ptr[1].value == -7 &&
             c->maybe_color.is_some && c->maybe_color.value == FIXTURE_COLOR_GREEN;
    if (ok) atomic_fetch_add(&typed_ok, 1);
    CALLBACK_DONE();
}

static void on_leaf(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    (void)ud;
    const fixture_Leaf *l = (const fixture_Leaf *)msg;
    if (ret == RET_OK && len == sizeof *l && str_is(l->label, "leaf", 4)) atomic_fetch_add(&typed_ok, 1);
    CALLBACK_DONE();
}

static void on_pair(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    (void)ud;
    const fixture_pair_args *p = (const fixture_pair_args *)msg;
    if (ret == RET_OK && len == sizeof *p && p->n == INT64_MIN && str_is(p->text, "n\0ul", 4) &&
        p->data.len == 3)
        atomic_fetch_add(&typed_ok, 1);
    CALLBACK_DONE();
}

static void test_typed_payloads(void *ctx) {
    CHECK(LIB(fixture_add_event_listener(ctx, "no_such_event", on_leaf, NULL)) == 0);
    CHECK(LIB(fixture_add_event_listener(ctx, "leaf_seen", NULL, NULL)) == 0);
    CHECK(LIB(fixture_add_event_listener((void *)(uintptr_t)0xbad, "leaf_seen", on_leaf, NULL)) == 0);
    uint64_t ids[4] = {
        LIB(fixture_add_event_listener(ctx, "scalars_seen", on_scalars, NULL)),
        LIB(fixture_add_event_listener(ctx, "containers_seen", on_containers, NULL)),
        LIB(fixture_add_event_listener(ctx, "leaf_seen", on_leaf, NULL)),
        LIB(fixture_add_event_listener(ctx, "pair", on_pair, NULL)),
    };
    for (int i = 0; i < 4; i++) CHECK(ids[i] > 0);

    uint8_t data[3] = {1, 2, 0};
    fixture_Scalars s;
    memset(&s, 0, sizeof s);
    s.flag = true;
    s.i8_v = -128;
    s.i64_v = INT64_MIN;
    s.u16_v = 65535;
    s.u64_v = UINT64_MAX;
    s.f64_v = -0.5;
    s.text.ptr = "n\0ul";
    s.text.len = 4;
    s.data.ptr = data;
    s.data.len = 3;
    s.color = FIXTURE_COLOR_BLUE;

    FFIStr e_acute = str("\xc3\xa9");
    fixture_Vec_String rows[2] = {{NULL, 0}, {&e_acute, 1}};
    fixture_Option_i32 maybes[2] = {{false, 0}, {true, -7}};
    fixture_Containers c;
    memset(&c, 0, sizeof c);
    c.nested.ptr = rows;
    c.nested.len = 2;
    c.maybe_list.is_some = true; /* Some(empty) */
    c.maybe_bytes.is_some = true;
    c.list_of_maybe.ptr = maybes;
    c.list_of_maybe.len = 2;
    c.maybe_color.is_some = true;
    c.maybe_color.value = FIXTURE_COLOR_GREEN;

    fixture_Leaf leaf = {str("leaf"), {NULL, 0}, FIXTURE_COLOR_RED};
    atomic_int done = 0;
    LIB(fixture_fire_all(ctx, on_done, &done, s, c, leaf));
    CHECK(done == 1);
    double end = now_ms() + 5000;
    while (atomic_load(&typed_ok) < 4 && now_ms() < end) usleep(100);
    CHECK(atomic_load(&typed_ok) == 4);
    for (int i = 0; i < 4; i++) CHECK(LIB(fixture_remove_event_listener(ctx, ids[i])) == RET_OK);
    CHECK(LIB(fixture_remove_event_listener(ctx, ids[0])) == RET_ERR);
}

/* ---- ordering under concurrent firing ---- */
#define SOURCES 4
#define PER_SOURCE 2500
static int64_t last_seq[SOURCES];
static atomic_long tick_count;
static atomic_int order_broken;

static void on_tick(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    (void)ud;
    const fixture_tick_args *t = (const fixture_tick_args *)msg;
    if (ret != RET_OK || len != sizeof *t || t->source >= SOURCES) {
        atomic_store(&order_broken, 1);
    } else {
        /* The dispatcher is one thread: no lock needed for last_seq. */
        if ((int64_t)t->seq != last_seq[t->source] + 1) atomic_store(&order_broken, 1);
        last_seq[t->source] = (int64_t)t->seq;
        atomic_fetch_add(&tick_count, 1);
    }
    CALLBACK_DONE();
}

typedef struct Firing {
    void *ctx;
    uint32_t source;
} Firing;

static void *fire(void *arg) {
    Firing *f = arg;
    atomic_int done = 0;
    LIB(fixture_fire_ticks(f->ctx, on_done, &done, f->source, PER_SOURCE));
    return NULL;
}

static void test_order_under_four_threads(void *ctx) {
    for (int i = 0; i < SOURCES; i++) last_seq[i] = -1;
    uint64_t id = LIB(fixture_add_event_listener(ctx, "tick", on_tick, NULL));
    pthread_t threads[SOURCES];
    Firing args[SOURCES];
    for (uint32_t i = 0; i < SOURCES; i++) {
        args[i].ctx = ctx;
        args[i].source = i;
        pthread_create(&threads[i], NULL, fire, &args[i]);
    }
    for (int i = 0; i < SOURCES; i++) pthread_join(threads[i], NULL);
    double end = now_ms() + 10000;
    while (atomic_load(&tick_count) < SOURCES * PER_SOURCE && now_ms() < end) usleep(200);
    usleep(20000); /* anything extra would show up now */
    CHECK(atomic_load(&tick_count) == SOURCES * PER_SOURCE);
    CHECK(atomic_load(&order_broken) == 0);
    for (int i = 0; i < SOURCES; i++) CHECK(last_seq[i] == PER_SOURCE - 1);
    CHECK(LIB(fixture_remove_event_listener(ctx, id)) == RET_OK);
}

/* ---- a slow listener does not stall handlers ---- */
static atomic_int slow_calls;
static void on_leaf_slowly(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    (void)ret;
    (void)msg;
    (void)len;
    (void)ud;
    atomic_fetch_add(&slow_calls, 1);
    sleep(1);
    CALLBACK_DONE();
}

static void test_slow_listener_does_not_stall_handlers(void *ctx) {
    uint64_t id = LIB(fixture_add_event_listener(ctx, "leaf_seen", on_leaf_slowly, NULL));
    fixture_Leaf leaves[1] = {{str("slow"), {NULL, 0}, FIXTURE_COLOR_RED}};
    fixture_Top t;
    memset(&t, 0, sizeof t);
    t.middle.leaves.ptr = leaves;
    t.middle.leaves.len = 1;
    atomic_int done = 0;
    LIB(fixture_echo_top(ctx, on_done, &done, t));
    CHECK(wait_flag(&done, 5000) == 1);
    while (atomic_load(&slow_calls) == 0) usleep(100);
    /* The listener is asleep now; a round trip through the worker: */
    double start = now_ms();
    atomic_int rt = 0;
    LIB(fixture_sleep_ms(ctx, on_done, &rt, 0));
    CHECK(wait_flag(&rt, 5000) == 1);
    double latency = now_ms() - start;
    printf("handler latency while a listener sleeps 1 s: %.3f ms\n", latency);
    CHECK(latency < 250.0);
    /* remove waits for the running listener to return */
    start = now_ms();
    CHECK(LIB(fixture_remove_event_listener(ctx, id)) == RET_OK);
    CHECK(now_ms() - start > 100.0);
}

/* ---- unsubscribe and destroy ---- */
static atomic_long seen_after;
static void on_tick_count(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    (void)ret;
    (void)msg;
    (void)len;
    (void)ud;
    atomic_fetch_add(&seen_after, 1);
    usleep(50);
    CALLBACK_DONE();
}

static void test_no_delivery_after_remove(void *ctx) {
    uint64_t id = LIB(fixture_add_event_listener(ctx, "tick", on_tick_count, NULL));
    atomic_int done = 0;
    LIB(fixture_fire_ticks_async(ctx, on_done, &done, 0, 5000));
    while (atomic_load(&seen_after) < 10) usleep(100);
    CHECK(LIB(fixture_remove_event_listener(ctx, id)) == RET_OK);
    long at_remove = atomic_load(&seen_after);
    usleep(50000);
    CHECK(atomic_load(&seen_after) == at_remove);
    CHECK(at_remove < 5000);
    wait_flag(&done, 5000);
}

static atomic_int self_removing_calls;
static void *self_ctx;
static uint64_t self_id;
static void on_tick_remove_self(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    (void)ret;
    (void)msg;
    (void)len;
    (void)ud;
    atomic_fetch_add(&self_removing_calls, 1);
    LIB(fixture_remove_event_listener(self_ctx, self_id));
    CALLBACK_DONE();
}

static void test_listener_removing_itself(void *ctx) {
    self_ctx = ctx;
    self_id = LIB(fixture_add_event_listener(ctx, "tick", on_tick_remove_self, NULL));
    atomic_int done = 0;
    LIB(fixture_fire_ticks(ctx, on_done, &done, 1, 100));
    usleep(50000);
    CHECK(atomic_load(&self_removing_calls) == 1);
}

static void test_no_delivery_after_destroy(void) {
    void *ctx = make_context();
    atomic_store(&seen_after, 0);
    LIB(fixture_add_event_listener(ctx, "tick", on_tick_count, NULL));
    atomic_int done = 0;
    LIB(fixture_fire_ticks(ctx, on_done, &done, 0, 5000));
    while (atomic_load(&seen_after) < 10) usleep(100);
    CHECK(LIB(fixture_destroy(ctx)) == RET_OK);
    AFTER_WAIT();
    long at_destroy = atomic_load(&seen_after);
    usleep(50000);
    CHECK(atomic_load(&seen_after) == at_destroy);
    CHECK(at_destroy < 5000);
}

int main(void) {
    void *ctx = make_context();
    test_typed_payloads(ctx);
    test_order_under_four_threads(ctx);
    test_slow_listener_does_not_stall_handlers(ctx);
    test_no_delivery_after_remove(ctx);
    test_listener_removing_itself(ctx);
    CHECK(LIB(fixture_destroy(ctx)) == RET_OK);
    AFTER_WAIT();
    test_no_delivery_after_destroy();
    return report();
}
