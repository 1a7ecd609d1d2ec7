package main

// The hand-written Go baseline, calling half: one call through the
// crossbeam hand-off worker in the same shape as a generated async method
// (context check, handle, pinner, C call, wait on a channel).

/*
#cgo LDFLAGS: -lbenchlib
#include <stddef.h>
#include <stdint.h>

typedef void (*bench_cb)(int ret, const char *msg, size_t len, void *ud);
extern uint64_t bench_bare_value(uint64_t n);
extern void *bench_handoff_start(void);
extern int bench_handoff_call(void *h, bench_cb cb, void *ud, uint64_t n);
extern void bench_handoff_stop(void *h);

extern void benchGoHandoffCallback(int ret, char *msg, size_t len, uintptr_t ud);

static void bench_go_cb(int ret, const char *msg, size_t len, void *ud) {
	benchGoHandoffCallback(ret, (char *)msg, len, (uintptr_t)ud);
}

static inline uintptr_t bench_go_handoff_start(void) {
	return (uintptr_t)bench_handoff_start();
}

static inline int bench_go_handoff_call(uintptr_t h, uintptr_t ud, uint64_t n) {
	return bench_handoff_call((void *)h, bench_go_cb, (void *)ud, n);
}

// Diagnostics: the hand-off with a C callback that only sets a flag in C
// memory (no Go callback at all), and with a Go callback that sets a flag.
extern void benchGoFlagCallback(int ret, char *msg, size_t len, uintptr_t ud);

static void bench_c_flag_cb(int ret, const char *msg, size_t len, void *ud) {
	(void)ret; (void)msg; (void)len;
	__atomic_store_n((int32_t *)ud, 1, __ATOMIC_RELEASE);
}

static void bench_go_flag_cb(int ret, const char *msg, size_t len, void *ud) {
	benchGoFlagCallback(ret, (char *)msg, len, (uintptr_t)ud);
}

static inline int bench_c_flag_call(uintptr_t h, int32_t *flag, uint64_t n) {
	return bench_handoff_call((void *)h, bench_c_flag_cb, flag, n);
}

static inline int bench_go_flag_call(uintptr_t h, uint64_t n) {
	return bench_handoff_call((void *)h, bench_go_flag_cb, NULL, n);
}

// The same ten items as the generated Items() answers, as a C array.
typedef struct {
	const char *label;
	size_t label_len;
	int64_t amount;
} bench_item;

extern const bench_item *bench_items_array(size_t *len);

static inline void bench_go_handoff_stop(uintptr_t h) {
	bench_handoff_stop((void *)h);
}
*/
import "C"

import (
	"context"
	"runtime"
	"sync/atomic"
	"unsafe"

	"rsffi/bench/bindings/go/benchlib"
)

// bareValue is one bare cgo call: the floor of any call into the library.
func bareValue(n uint64) uint64 {
	return uint64(C.bench_bare_value(C.uint64_t(n)))
}

// handoff is the baseline's worker thread.
type handoff struct {
	h C.uintptr_t
}

func startHandoff() *handoff {
	return &handoff{h: C.bench_go_handoff_start()}
}

func (h *handoff) stop() {
	C.bench_go_handoff_stop(h.h)
}

// call mirrors a generated async method's invoke.
func (h *handoff) call(ctx context.Context, n uint64) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	c := &baseCall{done: make(chan baseResult, 1)}
	ud := C.uintptr_t(newHandle(c))
	var pinner runtime.Pinner
	C.bench_go_handoff_call(h.h, ud, C.uint64_t(n))
	pinner.Unpin()
	select {
	case r := <-c.done:
		return r.value, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// cFlag is C memory the C callback writes (C must not keep Go pointers).
var cFlag = (*int32)(C.malloc(4))

// callSpinC: hand-off, C callback sets a flag, the goroutine spins on it.
// The floor of an async call from Go with no Go callback and no park.
func (h *handoff) callSpinC(n uint64) {
	atomic.StoreInt32(cFlag, 0)
	C.bench_c_flag_call(h.h, (*C.int32_t)(unsafe.Pointer(cFlag)), C.uint64_t(n))
	for atomic.LoadInt32(cFlag) == 0 {
	}
}

// callSpinGo: hand-off, exported Go callback sets a flag, the goroutine
// spins, yielding: adds the cost of entering Go from a foreign thread.
// Also the baseline of an event: a thread of the library calls Go.
func (h *handoff) callSpinGo(n uint64) {
	goFlag.Store(0)
	C.bench_go_flag_call(h.h, C.uint64_t(n))
	for goFlag.Load() == 0 {
		runtime.Gosched()
	}
}

// baseItems copies the C array of ten items into Go structs, as
// hand-written cgo would.
func baseItems() []benchlib.Item {
	var n C.size_t
	p := C.bench_items_array(&n)
	arr := unsafe.Slice(p, int(n))
	out := make([]benchlib.Item, len(arr))
	for i := range arr {
		out[i] = benchlib.Item{
			Label:  C.GoStringN(arr[i].label, C.int(arr[i].label_len)),
			Amount: int64(arr[i].amount),
		}
	}
	return out
}
