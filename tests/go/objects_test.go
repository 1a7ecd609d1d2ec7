// Objects through the generated Go package (SPEC section 8): made, called
// sync and async, passed back, in slices and as nil-able results, shared,
// closed twice, used after Close and after their context is closed; nil
// parameters; the garbage collector closing forgotten objects.
package gotests

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"rsffi/tests/fixture/bindings/go/fixture"
)

// counterStats is [made, dropped] of the fixture's counters so far.
func counterStats(t *testing.T) (made, dropped uint64) {
	t.Helper()
	s, err := fixture.CounterStats()
	if err != nil || len(s) != 2 {
		t.Fatalf("CounterStats: %v, %v", s, err)
	}
	return s[0], s[1]
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func TestObjectsAreMadeCalledAndClosed(t *testing.T) {
	f := newFixture(t)
	c := must[*fixture.Counter](t)(f.MakeCounter(5))
	if v := must[int64](t)(c.Get()); v != 5 {
		t.Fatalf("Get = %d, want 5", v)
	}
	if v := must[int64](t)(c.Add(3)); v != 8 {
		t.Fatalf("Add = %d, want 8", v)
	}
	if v := must[int64](t)(c.AddLater(2, 1)); v != 10 {
		t.Fatalf("AddLater = %d, want 10", v)
	}
	fork := must[*fixture.Counter](t)(c.Fork())
	if v := must[int64](t)(fork.Get()); v != 10 {
		t.Fatalf("fork Get = %d, want 10", v)
	}
	if same := must[bool](t)(c.SameAs(c)); !same {
		t.Fatal("SameAs(itself) = false")
	}
	if same := must[bool](t)(c.SameAs(fork)); same {
		t.Fatal("SameAs(fork) = true")
	}
	async := must[*fixture.Counter](t)(f.MakeCounterAsync(1))
	if v := must[int64](t)(async.Get()); v != 1 {
		t.Fatalf("made on the worker: Get = %d", v)
	}
	for _, o := range []*fixture.Counter{c, fork, async} {
		if err := o.Close(); err != nil {
			t.Fatal(err)
		}
		if err := o.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	}
	_, err := c.Get()
	wantErr(t, err, "Counter is closed")
	_, err = c.AddLaterContext(context.Background(), 1, 0)
	wantErr(t, err, "Counter is closed")
}

func TestObjectsInSlicesOptionsAndShared(t *testing.T) {
	f := newFixture(t)
	list := must[[]*fixture.Counter](t)(f.Counters(3))
	if len(list) != 3 {
		t.Fatalf("Counters(3) has %d", len(list))
	}
	for i, c := range list {
		if v := must[int64](t)(c.Get()); v != int64(i) {
			t.Fatalf("list[%d] = %d", i, v)
		}
		c.Close()
	}
	if empty := must[[]*fixture.Counter](t)(f.Counters(0)); empty == nil || len(empty) != 0 {
		t.Fatalf("Counters(0) = %#v, want an empty non-nil slice", empty)
	}
	if none := must[*fixture.Counter](t)(f.MaybeCounter(false, 1)); none != nil {
		t.Fatalf("MaybeCounter(false) = %v, want nil", none)
	}
	some := must[*fixture.Counter](t)(f.MaybeCounter(true, 4))
	if v := must[int64](t)(some.Get()); v != 4 {
		t.Fatalf("MaybeCounter(true) = %d", v)
	}
	some.Close()

	shared := must[[]*fixture.Counter](t)(f.SharedCounters(2))
	if len(shared) != 2 || !must[bool](t)(shared[0].SameAs(shared[1])) {
		t.Fatalf("SharedCounters(2) are not one value: %v", shared)
	}
	shared[0].Close()
	shared[1].Close()
	s1 := must[*fixture.Counter](t)(f.SharedCounter())
	s2 := must[*fixture.Counter](t)(f.SharedCounter())
	must[int64](t)(s1.Add(7))
	if v := must[int64](t)(s2.Get()); v != 7 {
		t.Fatalf("shared value seen through another handle = %d", v)
	}
	if same := must[bool](t)(s1.SameAs(s2)); !same {
		t.Fatal("two handles of one Arc are not the same value")
	}
	own := must[*fixture.Counter](t)(f.MakeCounter(1))
	if sum := must[int64](t)(f.SumCounters(own, s2)); sum != 8 {
		t.Fatalf("SumCounters = %d", sum)
	}
	s1.Close()
	if v := must[int64](t)(s2.Get()); v != 7 {
		t.Fatalf("closing one handle dropped the shared value: %d", v)
	}
	s2.Close()
	own.Close()
}

func TestNilAndForeignParametersAreErrors(t *testing.T) {
	f := newFixture(t)
	c := must[*fixture.Counter](t)(f.MakeCounter(1))
	defer c.Close()
	_, err := f.SumCounters(nil, c)
	wantErr(t, err, "invalid argument 'a': nil *Counter")
	closed := must[*fixture.Counter](t)(f.MakeCounter(1))
	closed.Close()
	_, err = f.SumCounters(c, closed)
	wantErr(t, err, "invalid argument 'b': Counter is closed")
	var none *fixture.Counter
	_, err = none.Get()
	wantErr(t, err, "nil *Counter")
	if err := none.Close(); err != nil {
		t.Fatalf("Close of a nil *Counter: %v", err)
	}
}

func TestObjectsFailAfterTheirContextIsClosed(t *testing.T) {
	f, err := fixture.NewFixture("objects-closed")
	if err != nil {
		t.Fatal(err)
	}
	c := must[*fixture.Counter](t)(f.MakeCounter(1))
	tag := must[*fixture.Tag](t)(f.MakeTag("t"))
	_, dropped0 := counterStats(t)
	f.Close()
	if _, dropped1 := counterStats(t); dropped1-dropped0 != 1 {
		t.Fatalf("closing the context dropped %d counters, want 1", dropped1-dropped0)
	}
	_, err = c.Get()
	wantErr(t, err, "context destroyed")
	_, err = c.AddLater(1, 0)
	wantErr(t, err, "context destroyed")
	_, err = tag.Name()
	wantErr(t, err, "context destroyed")
	if err := c.Close(); err != nil {
		t.Fatalf("Close after the context: %v", err)
	}
	tag.Close()
}

func TestCancellingAnObjectCallDropsIt(t *testing.T) {
	f := newFixture(t)
	c := must[*fixture.Counter](t)(f.MakeCounter(0))
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.AddLaterContext(ctx, 1, 5000)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("cancel took %v", time.Since(start))
	}
	// The dropped future never added.
	time.Sleep(50 * time.Millisecond)
	if v := must[int64](t)(c.Get()); v != 0 {
		t.Fatalf("the cancelled call still ran: %d", v)
	}
}

func TestStaticFunctions(t *testing.T) {
	if v := must[int64](t)(fixture.Multiply(6, 7)); v != 42 {
		t.Fatalf("Multiply = %d", v)
	}
	_, err := fixture.Multiply(1<<62, 4)
	wantErr(t, err, "overflow")
}

func TestForgottenObjectsAreClosedByTheGarbageCollector(t *testing.T) {
	f := newFixture(t)
	made0, dropped0 := counterStats(t)
	func() {
		for i := 0; i < 50; i++ {
			if _, err := f.MakeCounter(int64(i)); err != nil {
				t.Fatal(err)
			}
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		made, dropped := counterStats(t)
		if made-made0 != 50 {
			t.Fatalf("made %d, want 50", made-made0)
		}
		if dropped-dropped0 == 50 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after GC only %d of 50 forgotten counters were dropped", dropped-dropped0)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestObjectsFromManyGoroutines(t *testing.T) {
	f := newFixture(t)
	shared := must[*fixture.Counter](t)(f.SharedCounter())
	defer shared.Close()
	base := must[int64](t)(shared.Get())
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				c, err := f.MakeCounter(int64(i))
				if err != nil {
					errs <- err
					return
				}
				if _, err := c.AddLater(1, 0); err != nil {
					errs <- err
					return
				}
				if _, err := shared.Add(1); err != nil {
					errs <- err
					return
				}
				if err := c.Close(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if v := must[int64](t)(shared.Get()); v-base != 8*200 {
		t.Fatalf("shared counter moved by %d, want %d", v-base, 8*200)
	}
}
