// Events through the generated Go package: every payload type, ordering
// under concurrent firing, slow listeners, stop and Close semantics.
package gotests

import (
	"bytes"
	"math"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"rsffi/tests/fixture/bindings/go/fixture"
)

func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("event not delivered")
	}
	var zero T
	return zero
}

func TestEventsCarryEveryType(t *testing.T) {
	f := newFixture(t)
	scalars := make(chan fixture.Scalars, 1)
	containersCh := make(chan fixture.Containers, 1)
	leaves := make(chan fixture.Leaf, 1)
	type pairArgs struct {
		n    int64
		text string
		data []byte
	}
	pairs := make(chan pairArgs, 1)
	stops := []func(){
		f.OnScalarsSeen(func(s fixture.Scalars) { scalars <- s }),
		f.OnContainersSeen(func(c fixture.Containers) { containersCh <- c }),
		f.OnLeafSeen(func(l fixture.Leaf) { leaves <- l }),
		f.OnPair(func(n int64, text string, data []byte) { pairs <- pairArgs{n, text, data} }),
	}
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()

	s := scalarCases()[1]
	c := containers()
	leaf := fixture.Leaf{Label: "\u00e9vent", Data: []byte{0, 0}, Color: fixture.ColorGreen}
	if err := f.FireAll(s, c, leaf); err != nil {
		t.Fatalf("FireAll: %v", err)
	}
	if got := receive(t, scalars); !reflect.DeepEqual(got, s) {
		t.Errorf("scalars_seen: got %+v, want %+v", got, s)
	}
	if got := receive(t, containersCh); !reflect.DeepEqual(got, c) {
		t.Errorf("containers_seen: got %+v, want %+v", got, c)
	}
	if got := receive(t, leaves); !reflect.DeepEqual(got, leaf) {
		t.Errorf("leaf_seen: got %+v, want %+v", got, leaf)
	}
	p := receive(t, pairs)
	if p.n != math.MaxInt64 || p.text != s.Text || !bytes.Equal(p.data, s.Data) {
		t.Errorf("pair: got %+v", p)
	}
}

func TestEventOrderUnderConcurrentFiring(t *testing.T) {
	f := newFixture(t)
	const sources, perSource = 4, 2500
	var mu sync.Mutex
	last := make([]int64, sources)
	for i := range last {
		last[i] = -1
	}
	var total, broken atomic.Int64
	all := make(chan struct{})
	stop := f.OnTick(func(source uint32, seq uint64) {
		mu.Lock()
		defer mu.Unlock()
		if int(source) >= sources || int64(seq) != last[source]+1 {
			broken.Add(1)
			return
		}
		last[source] = int64(seq)
		if total.Add(1) == sources*perSource {
			close(all)
		}
	})
	defer stop()
	var wg sync.WaitGroup
	for s := 0; s < sources; s++ {
		wg.Add(1)
		go func(s uint32) {
			defer wg.Done()
			if err := f.FireTicks(s, perSource); err != nil {
				t.Error(err)
			}
		}(uint32(s))
	}
	wg.Wait()
	receive(t, all)
	time.Sleep(20 * time.Millisecond) // a duplicate would arrive now
	if n := total.Load(); n != sources*perSource {
		t.Fatalf("delivered %d events, want %d", n, sources*perSource)
	}
	if b := broken.Load(); b != 0 {
		t.Fatalf("%d events out of order", b)
	}
}

func TestSlowListenerDoesNotStallHandlers(t *testing.T) {
	f := newFixture(t)
	started := make(chan struct{}, 1)
	stop := f.OnLeafSeen(func(fixture.Leaf) {
		started <- struct{}{}
		time.Sleep(time.Second)
	})
	in := fixture.Top{Middle: fixture.Middle{Leaves: []fixture.Leaf{{Label: "slow"}}}}
	if _, err := f.EchoTop(in); err != nil {
		t.Fatal(err)
	}
	receive(t, started)
	begin := time.Now()
	if _, err := f.SleepMs(0); err != nil {
		t.Fatal(err)
	}
	latency := time.Since(begin)
	t.Logf("handler latency while a listener sleeps 1 s: %v", latency)
	if latency > 250*time.Millisecond {
		t.Fatalf("handler waited %v for a slow listener", latency)
	}
	stop()
}

func TestStopMeansNoMoreCalls(t *testing.T) {
	f := newFixture(t)
	var seen atomic.Int64
	stop := f.OnTick(func(uint32, uint64) {
		seen.Add(1)
		time.Sleep(50 * time.Microsecond)
	})
	if err := f.FireTicksAsync(0, 5000); err != nil {
		t.Fatal(err)
	}
	for seen.Load() < 10 {
		time.Sleep(100 * time.Microsecond)
	}
	stop()
	atStop := seen.Load()
	time.Sleep(50 * time.Millisecond)
	if after := seen.Load(); after != atStop {
		t.Fatalf("%d events delivered after stop returned", after-atStop)
	}
	stop() // idempotent
}

func TestNoEventsAfterClose(t *testing.T) {
	f, err := fixture.NewFixture("events-close")
	if err != nil {
		t.Fatal(err)
	}
	var seen atomic.Int64
	f.OnTick(func(uint32, uint64) {
		seen.Add(1)
		time.Sleep(50 * time.Microsecond)
	})
	if err := f.FireTicks(0, 5000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	atClose := seen.Load()
	time.Sleep(50 * time.Millisecond)
	if after := seen.Load(); after != atClose {
		t.Fatalf("%d events delivered after Close returned", after-atClose)
	}
}
