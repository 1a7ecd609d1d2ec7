/* C driver of the benchmark suite: the native C ABI of benchlib against
 * the hand-written crossbeam hand-off baseline, in the same process.
 * Prints one JSON line per result for the Rust driver. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "benchlib.h"

/* The baseline (bench/src/baseline.rs), hand-written on purpose. */
extern uint64_t bench_bare_value(uint64_t n);
extern void *bench_handoff_start(void);
extern int bench_handoff_call(void *h, FFICallBack cb, void *ud, uint64_t n);
extern void bench_handoff_stop(void *h);

/* One target: the library context or the hand-off worker. */
typedef int (*submit_fn)(void *target, FFICallBack cb, void *ud, uint64_t n);

static int submit_lib(void *ctx, FFICallBack cb, void *ud, uint64_t n) { return benchlib_ping(ctx, cb, ud, n); }
static int submit_base(void *h, FFICallBack cb, void *ud, uint64_t n) { return bench_handoff_call(h, cb, ud, n); }

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void fail(const char *what) {
    fprintf(stderr, "bench-c: %s\n", what);
    exit(1);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void emit_latency(const char *id, double *s, size_t n) {
    qsort(s, n, sizeof *s, cmp_double);
    printf("{\"id\":\"%s\",\"median_ns\":%.1f,\"p99_ns\":%.1f,\"n\":%zu}\n", id, s[(n - 1) / 2], s[(size_t)((double)(n - 1) * 0.99)], n);
}

/* ---- warm round trip: the callback sets a flag, the caller spins ---- */

static void flag_cb(int ret, const char *msg, size_t len, void *ud) {
    (void)msg;
    (void)len;
    atomic_store_explicit((atomic_int *)ud, ret == RET_OK ? 1 : 2, memory_order_release);
}

static void round_trip(const char *id, submit_fn submit, void *target, size_t n) {
    double *s = malloc(n * sizeof *s);
    atomic_int flag;
    for (size_t i = 0; i < n + n / 10; i++) { /* the first tenth warms up */
        atomic_store_explicit(&flag, 0, memory_order_relaxed);
        double t0 = now_ns();
        if (submit(target, flag_cb, &flag, i) != RET_OK) fail("submit refused");
        int v;
        while ((v = atomic_load_explicit(&flag, memory_order_acquire)) == 0) cpu_relax();
        if (v != 1) fail("call failed");
        if (i >= n / 10) s[i - n / 10] = now_ns() - t0;
    }
    emit_latency(id, s, n);
    free(s);
}

/* ---- submit rate: back-to-back submits, completions counted ---- */

static atomic_ullong completions;

static void count_cb(int ret, const char *msg, size_t len, void *ud) {
    (void)msg;
    (void)len;
    (void)ud;
    if (ret == RET_OK) atomic_fetch_add_explicit(&completions, 1, memory_order_relaxed);
}

struct submitter {
    submit_fn submit;
    void *target;
    size_t n;
    pthread_barrier_t *go;
    double end;
};

static void *submit_loop(void *arg) {
    struct submitter *s = arg;
    pthread_barrier_wait(s->go);
    for (size_t i = 0; i < s->n; i++) s->submit(s->target, count_cb, NULL, i);
    s->end = now_ns();
    return NULL;
}

static void submit_rate(const char *id, submit_fn submit, void *target, int threads, size_t per_thread) {
    pthread_t tid[8];
    struct submitter sub[8];
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, (unsigned)threads + 1);
    atomic_store(&completions, 0);
    for (int t = 0; t < threads; t++) {
        sub[t] = (struct submitter){submit, target, per_thread, &go, 0};
        pthread_create(&tid[t], NULL, submit_loop, &sub[t]);
    }
    double t0 = now_ns();
    pthread_barrier_wait(&go);
    unsigned long long total = (unsigned long long)threads * per_thread;
    while (atomic_load_explicit(&completions, memory_order_acquire) < total) usleep(50);
    double done = now_ns();
    double submitted = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        if (sub[t].end > submitted) submitted = sub[t].end;
    }
    pthread_barrier_destroy(&go);
    printf("{\"id\":\"%s\",\"submits_per_s\":%.0f,\"completions_per_s\":%.0f,\"threads\":%d}\n", id, (double)total / ((submitted - t0) / 1e9),
           (double)total / ((done - t0) / 1e9), threads);
}

/* ---- memory and idle CPU ---- */

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kib = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return kib;
}

static void *create_ctx(void) {
    atomic_int flag = 0;
    void *ctx = benchlib_create(flag_cb, &flag);
    if (!ctx || atomic_load(&flag) != 1) fail("benchlib_create failed");
    return ctx;
}

static void memory_per_context(size_t n) {
    void **c = malloc(n * sizeof *c);
    long before = rss_kib();
    for (size_t i = 0; i < n; i++) c[i] = create_ctx();
    usleep(100000); /* let every worker start and park */
    long lib = rss_kib() - before;
    for (size_t i = 0; i < n; i++) benchlib_destroy(c[i]);
    before = rss_kib();
    for (size_t i = 0; i < n; i++) c[i] = bench_handoff_start();
    usleep(100000);
    long base = rss_kib() - before;
    for (size_t i = 0; i < n; i++) bench_handoff_stop(c[i]);
    free(c);
    printf("{\"id\":\"c_mem_ctx_lib\",\"kib_each\":%.2f,\"n\":%zu}\n", (double)lib / (double)n, n);
    printf("{\"id\":\"c_mem_ctx_base\",\"kib_each\":%.2f,\"n\":%zu}\n", (double)base / (double)n, n);
}

static double cpu_ms(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static void idle_cpu(const char *id, useconds_t us) {
    double t0 = cpu_ms();
    usleep(us);
    printf("{\"id\":\"%s\",\"cpu_ms_per_s\":%.4f}\n", id, (cpu_ms() - t0) / ((double)us / 1e6));
}

int main(int argc, char **argv) {
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    size_t scale = quick ? 10 : 1;
    void *ctx = create_ctx();
    void *h = bench_handoff_start();

    round_trip("c_rt_base", submit_base, h, 50000 / scale);
    round_trip("c_rt_ping", submit_lib, ctx, 50000 / scale);
    static const int threads[] = {1, 2, 4};
    char id[64];
    for (size_t i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "c_submit_%d_base", threads[i]);
        submit_rate(id, submit_base, h, threads[i], 400000 / scale / (size_t)threads[i]);
        snprintf(id, sizeof id, "c_submit_%d_ping", threads[i]);
        submit_rate(id, submit_lib, ctx, threads[i], 400000 / scale / (size_t)threads[i]);
    }
    benchlib_destroy(ctx);
    bench_handoff_stop(h);

    memory_per_context(quick ? 200 : 1000);

    useconds_t idle = quick ? 200000 : 1000000;
    h = bench_handoff_start();
    usleep(10000);
    idle_cpu("c_idle_cpu_base", idle);
    bench_handoff_stop(h);
    ctx = create_ctx();
    round_trip("c_rt_after_idle_check", submit_lib, ctx, 100);
    idle_cpu("c_idle_cpu_ctx", idle);
    benchlib_destroy(ctx);
    return bench_bare_value(0) == 0 ? 0 : 1;
}
