package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// emit prints one result as a JSON line for the Rust driver.
func emit(fields map[string]any) {
	b, err := json.Marshal(fields)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))
}

// percentiles returns the median and p99 of samples (sorted in place).
func percentiles(samples []float64) (median, p99 float64) {
	sort.Float64s(samples)
	at := func(q float64) float64 {
		i := int(q * float64(len(samples)-1))
		return samples[i]
	}
	return at(0.5), at(0.99)
}

func emitLatency(id string, samples []float64) {
	med, p99 := percentiles(samples)
	emit(map[string]any{"id": id, "median_ns": med, "p99_ns": p99, "n": len(samples)})
}

// latencyEach times every op: one clock read per op, the time between
// consecutive reads is that op's latency (the loop's own cost included).
func latencyEach(n int, op func(i int)) []float64 {
	out := make([]float64, n)
	prev := time.Now()
	for i := 0; i < n; i++ {
		op(i)
		now := time.Now()
		out[i] = float64(now.Sub(prev).Nanoseconds())
		prev = now
	}
	return out
}

// latencyBatched times batches of `batch` ops and reports each batch's
// mean per op: for ops too short to time one by one.
func latencyBatched(samples, batch int, op func(i int)) []float64 {
	out := make([]float64, samples)
	for s := 0; s < samples; s++ {
		t0 := time.Now()
		for i := 0; i < batch; i++ {
			op(i)
		}
		out[s] = float64(time.Since(t0).Nanoseconds()) / float64(batch)
	}
	return out
}

// latencyCold idles `idle` before each op and times the op alone.
func latencyCold(n int, idle time.Duration, op func(i int)) []float64 {
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		time.Sleep(idle)
		t0 := time.Now()
		op(i)
		out[i] = float64(time.Since(t0).Nanoseconds())
	}
	return out
}

// throughput runs op on g goroutines for d and returns completed ops/s.
func throughput(g int, d time.Duration, op func(i int)) float64 {
	var stop atomic.Bool
	var total atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := 0; w < g; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			n := 0
			for !stop.Load() {
				op(n)
				n++
			}
			total.Add(int64(n))
		}()
	}
	t0 := time.Now()
	close(start)
	time.Sleep(d)
	stop.Store(true)
	wg.Wait()
	return float64(total.Load()) / time.Since(t0).Seconds()
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-go:", err)
		os.Exit(1)
	}
}

// interleaved measures a and b in alternating rounds, so that drift in
// the machine's load hits both alike; returns both sample sets.
func interleaved(rounds int, measure func(op func(i int)) []float64, a, b func(i int)) (sa, sb []float64) {
	for r := 0; r < rounds; r++ {
		sa = append(sa, measure(a)...)
		sb = append(sb, measure(b)...)
	}
	return sa, sb
}
