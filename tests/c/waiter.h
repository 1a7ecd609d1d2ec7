/* An awaited answer for the C suites: the callback copies what it got and
 * signals. Include after check.h. */
#ifndef RSFFI_TESTS_WAITER_H
#define RSFFI_TESTS_WAITER_H

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* One awaited answer: the callback copies what it got and signals. */
typedef struct Waiter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int calls;
    int ret;
    char *msg;
    size_t len;
    /* Optional check run inside the callback, while msg is valid. */
    int (*inspect)(const char *msg, size_t len);
    int inspected;
} Waiter;

static void waiter_init(Waiter *w) {
    memset(w, 0, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
}

static void waiter_free(Waiter *w) {
    free(w->msg);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
}

static void on_answer(int ret, const char *msg, size_t len, void *ud) {
    IN_CALLBACK();
    Waiter *w = ud;
    int inspected = 0;
    if (ret == RET_OK && w->inspect != NULL) {
        inspected = w->inspect(msg, len);
    }
    pthread_mutex_lock(&w->mu);
    w->calls++;
    w->ret = ret;
    free(w->msg);
    w->msg = malloc(len + 1);
    if (len > 0) {
        memcpy(w->msg, msg, len);
    }
    w->msg[len] = '\0';
    w->len = len;
    w->inspected = inspected;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    CALLBACK_DONE();
}

static void waiter_wait(Waiter *w) {
    pthread_mutex_lock(&w->mu);
    while (w->calls == 0) {
        pthread_cond_wait(&w->cv, &w->mu);
    }
    pthread_mutex_unlock(&w->mu);
}

#endif
