// Command bench-go measures the generated Go bindings of benchlib against
// hand-written cgo baselines, and prints one JSON line per result for the
// Rust driver (`cargo run --release -p bench`).
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"rsffi/bench/bindings/go/benchlib"
)

func main() {
	quick := flag.Bool("quick", false, "fewer iterations: a smoke run")
	expect := flag.String("expect-dir", "", "fail unless libbenchlib.so is loaded from this directory")
	flag.Parse()
	must(checkLoaded(*expect))

	scale := 1
	dur := 250 * time.Millisecond
	if *quick {
		scale, dur = 10, 50*time.Millisecond
	}
	b, err := benchlib.NewBench()
	must(err)
	defer b.Close()
	must(b.SetAnswer(func(n uint64) (uint64, error) { return n, nil }))
	h := startHandoff()
	defer h.stop()
	bg := context.Background()

	ping := func(i int) { _, err := b.Ping(uint64(i)); must(err) }
	base := func(i int) { _, err := h.call(bg, uint64(i)); must(err) }
	ask := func(i int) { _, err := b.Ask(uint64(i)); must(err) }
	version := func(int) { _, err := b.Version(); must(err) }
	var sink uint64
	bare := func(i int) { sink += bareValue(uint64(i)) }
	var sinkItems []benchlib.Item
	items := func(int) {
		var err error
		sinkItems, err = b.Items()
		must(err)
	}
	baseItemsOp := func(int) { sinkItems = baseItems() }
	// One event: Fire (a sync call) queues tick(n) for the event thread,
	// which calls the listener; the caller waits for it, yielding.
	var ticked atomic.Uint64
	stopTick := b.OnTick(func(n uint64) { ticked.Store(n) })
	defer stopTick()
	var seq uint64
	tick := func(int) {
		seq++
		must(b.Fire(seq))
		for ticked.Load() != seq {
			runtime.Gosched()
		}
	}
	eventBase := func(i int) { h.callSpinGo(uint64(i)) }
	// The same calls on an object's handle.
	meter, err := b.Meter()
	must(err)
	defer meter.Close()
	objVersion := func(int) { _, err := meter.Version(); must(err) }
	objPing := func(i int) { _, err := meter.Ping(uint64(i)); must(err) }

	// Warm-up: threads started, code paged in, the Go scheduler settled.
	for i := 0; i < 2000; i++ {
		ping(i)
		base(i)
		ask(i)
		version(i)
		bare(i)
		items(i)
		baseItemsOp(i)
		tick(i)
		objVersion(i)
		objPing(i)
	}

	batches, batch := 20000/scale, 64
	emitLatency("go_bare_cgo", latencyBatched(batches, batch, bare))
	emitLatency("go_sync_version", latencyBatched(batches/8, batch, version))
	ib, ii := interleaved(10, func(op func(int)) []float64 { return latencyBatched(batches/80, batch/4, op) }, baseItemsOp, items)
	emitLatency("go_items_base", ib)
	emitLatency("go_sync_items", ii)

	warm := 50000 / scale
	// Measured and baseline alternate in 10 rounds (drift hits both).
	wb, wp := interleaved(10, func(op func(int)) []float64 { return latencyEach(warm/10, op) }, base, ping)
	emitLatency("go_async_warm_base", wb)
	emitLatency("go_async_warm_ping", wp)
	// Where a Go async call's time goes (no targets): the hand-off with a
	// spinning goroutine, first with a C callback, then with a Go one.
	emitLatency("go_diag_spin_c", latencyEach(warm, func(i int) { h.callSpinC(uint64(i)) }))
	emitLatency("go_diag_spin_go", latencyEach(warm, func(i int) { h.callSpinGo(uint64(i)) }))
	eb, et := interleaved(10, func(op func(int)) []float64 { return latencyEach(warm/20, op) }, eventBase, tick)
	emitLatency("go_event_base", eb)
	emitLatency("go_event_tick", et)
	cold := 600 / scale
	cb, cp := interleaved(10, func(op func(int)) []float64 { return latencyCold(cold/10, time.Millisecond, op) }, base, ping)
	emitLatency("go_async_cold_base", cb)
	emitLatency("go_async_cold_ping", cp)

	for _, g := range []int{1, 16, 256} {
		emit(map[string]any{"id": fmt.Sprintf("go_tput_%d_base", g), "ops_per_s": throughput(g, dur, base)})
		emit(map[string]any{"id": fmt.Sprintf("go_tput_%d_ping", g), "ops_per_s": throughput(g, dur, ping)})
	}

	// A host call is two hops (worker -> Go, Go -> worker): its baseline
	// is two hand-off round trips back to back.
	hb, ha := interleaved(10, func(op func(int)) []float64 { return latencyEach(warm/20, op) }, func(i int) { base(i); base(i) }, ask)
	emitLatency("go_host_base2", hb)
	emitLatency("go_host_ask", ha)

	// Objects: the same sync and async calls on a handle, interleaved with
	// the library type's.
	sv, so := interleaved(10, func(op func(int)) []float64 { return latencyBatched(batches/80, batch, op) }, version, objVersion)
	emitLatency("go_object_base_version", sv)
	emitLatency("go_object_sync_version", so)
	ap, ao := interleaved(10, func(op func(int)) []float64 { return latencyEach(warm/10, op) }, ping, objPing)
	emitLatency("go_object_base_ping", ap)
	emitLatency("go_object_async_ping", ao)
	_, _ = sink, sinkItems
}

// checkLoaded reports which libbenchlib.so this process mapped, and fails
// unless it lives in dir (when dir is set).
func checkLoaded(dir string) error {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || filepath.Base(fields[5]) != "libbenchlib.so" {
			continue
		}
		path := fields[5]
		emit(map[string]any{"id": "go_loaded_library", "path": path})
		if dir != "" && filepath.Dir(path) != filepath.Clean(dir) {
			return fmt.Errorf("loaded %s, expected it under %s", path, dir)
		}
		return nil
	}
	return fmt.Errorf("libbenchlib.so is not mapped")
}
