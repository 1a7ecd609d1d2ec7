/* Calls every function of the timer library through its native C header:
 * create, version, echo, complex, schedule, an event listener, destroy.
 * Results are read inside the callbacks, the only place they are valid. */
#define _POSIX_C_SOURCE 200809L
#include "my_timer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One awaited answer. The callback fills `line` (or `error`) while the
 * message is valid, then signals. */
typedef struct Waiter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done;
    int ret;
    char line[256];
} Waiter;

static void waiter_init(Waiter *w) {
    memset(w, 0, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
}

static void waiter_free(Waiter *w) {
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
}

static void waiter_finish(Waiter *w, int ret) {
    pthread_mutex_lock(&w->mu);
    w->ret = ret;
    w->done = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

static int waiter_wait(Waiter *w) {
    pthread_mutex_lock(&w->mu);
    while (!w->done) {
        pthread_cond_wait(&w->cv, &w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return w->ret;
}

/* On RET_ERR every callback keeps the error text instead of a result. */
static int keep_error(Waiter *w, int ret, const char *msg, size_t len) {
    if (ret == RET_OK) {
        return 0;
    }
    snprintf(w->line, sizeof w->line, "%.*s", (int)len, msg);
    waiter_finish(w, ret);
    return 1;
}

static void on_created(int ret, const char *msg, size_t len, void *ud) {
    Waiter *w = ud;
    if (!keep_error(w, ret, msg, len)) {
        waiter_finish(w, ret);
    }
}

static void on_version(int ret, const char *msg, size_t len, void *ud) {
    Waiter *w = ud;
    if (!keep_error(w, ret, msg, len)) {
        snprintf(w->line, sizeof w->line, "version: %.*s", (int)len, msg);
        waiter_finish(w, ret);
    }
}

static void on_echo(int ret, const char *msg, size_t len, void *ud) {
    Waiter *w = ud;
    if (keep_error(w, ret, msg, len)) {
        return;
    }
    const my_timer_EchoResponse *r = (const my_timer_EchoResponse *)msg;
    snprintf(w->line, sizeof w->line, "echo: echoed=\"%.*s\" timerName=\"%.*s\"",
             (int)r->echoed.len, r->echoed.ptr, (int)r->timer_name.len, r->timer_name.ptr);
    waiter_finish(w, ret);
}

static void on_complex(int ret, const char *msg, size_t len, void *ud) {
    Waiter *w = ud;
    if (keep_error(w, ret, msg, len)) {
        return;
    }
    const my_timer_ComplexResponse *r = (const my_timer_ComplexResponse *)msg;
    snprintf(w->line, sizeof w->line, "complex: itemCount=%lld hasNote=%s summary=\"%.*s\"",
             (long long)r->item_count, r->has_note ? "true" : "false", (int)r->summary.len,
             r->summary.ptr);
    waiter_finish(w, ret);
}

static void on_schedule(int ret, const char *msg, size_t len, void *ud) {
    Waiter *w = ud;
    if (keep_error(w, ret, msg, len)) {
        return;
    }
    const my_timer_ScheduleResult *r = (const my_timer_ScheduleResult *)msg;
    snprintf(w->line, sizeof w->line, "schedule: jobId=\"%.*s\" willRunCount=%lld",
             (int)r->job_id.len, r->job_id.ptr, (long long)r->will_run_count);
    waiter_finish(w, ret);
}

/* Called on the library's event thread. */
static void on_echo_fired(int ret, const char *msg, size_t len, void *ud) {
    Waiter *w = ud;
    (void)len;
    if (ret != RET_OK) {
        return;
    }
    const my_timer_EchoEvent *e = (const my_timer_EchoEvent *)msg;
    pthread_mutex_lock(&w->mu);
    if (!w->done) {
        snprintf(w->line, sizeof w->line, "event echo_fired: message=\"%.*s\" echoCount=%lld",
                 (int)e->message.len, e->message.ptr, (long long)e->echo_count);
        w->done = 1;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
}

static FFIStr str(const char *s) {
    FFIStr r = {s, strlen(s)};
    return r;
}

/* Waits for w and prints its line; exits on an error. */
static void report(const char *step, Waiter *w) {
    if (waiter_wait(w) != RET_OK) {
        fprintf(stderr, "%s: %s\n", step, w->line);
        exit(1);
    }
    printf("%s\n", w->line);
    waiter_free(w);
}

int main(void) {
    Waiter w;
    waiter_init(&w);
    my_timer_TimerConfig config = {str("c-native-demo")};
    void *timer = my_timer_create(on_created, &w, config);
    if (waiter_wait(&w) != RET_OK) {
        fprintf(stderr, "create: %s\n", w.line);
        if (timer != NULL) {
            my_timer_destroy(timer);
        }
        return 1;
    }
    waiter_free(&w);
    printf("created timer\n");

    Waiter event;
    waiter_init(&event);
    uint64_t listener = my_timer_add_event_listener(timer, "echo_fired", on_echo_fired, &event);
    if (listener == 0) {
        fprintf(stderr, "add_event_listener failed\n");
        return 1;
    }
    printf("listening to echo_fired\n");

    waiter_init(&w);
    my_timer_version(timer, on_version, &w);
    report("version", &w);

    waiter_init(&w);
    my_timer_EchoRequest req = {str("hello from C"), 5};
    my_timer_echo(timer, on_echo, &w, req);
    report("echo", &w);
    report("event", &event);

    my_timer_EchoRequest messages[2] = {{str("one"), 0}, {str("two"), 0}};
    FFIStr tags[2] = {str("a"), str("b")};
    my_timer_ComplexRequest complex = {
        {messages, 2}, {tags, 2}, {true, str("a note")}, {true, 3}};
    waiter_init(&w);
    my_timer_complex(timer, on_complex, &w, complex);
    report("complex", &w);

    FFIStr payload[1] = {str("x")};
    FFIStr retry_on[1] = {str("timeout")};
    my_timer_JobSpec job = {str("nightly"), {payload, 1}, MY_TIMER_PRIORITY_HIGH};
    my_timer_RetryPolicy retry = {3, 100, {retry_on, 1}};
    my_timer_ScheduleConfig schedule = {1000, 5000, {true, 50}};
    waiter_init(&w);
    my_timer_schedule(timer, on_schedule, &w, job, retry, schedule);
    report("schedule", &w);

    if (my_timer_remove_event_listener(timer, listener) != RET_OK) {
        fprintf(stderr, "remove_event_listener failed\n");
        return 1;
    }
    printf("removed listener\n");

    if (my_timer_destroy(timer) != RET_OK) {
        fprintf(stderr, "destroy failed\n");
        return 1;
    }
    printf("destroyed timer\n");
    return 0;
}
