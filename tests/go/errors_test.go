// Errors, panics, host functions, lifecycle and cancellation through the
// generated Go package. Each failure mode checks the exact error text.
package gotests

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"rsffi/tests/fixture/bindings/go/fixture"
)

func wantErr(t *testing.T, err error, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", text)
	}
	if err.Error() != text {
		t.Fatalf("error %q, want %q", err.Error(), text)
	}
}

func TestHandlerErrorsKeepTheirText(t *testing.T) {
	f := newFixture(t)
	wantErr(t, f.Fail("it broke: \u00e9"), "it broke: \u00e9")
	_, err := f.FailSync("sync broke")
	wantErr(t, err, "sync broke")
}

func TestPanicsBecomeErrors(t *testing.T) {
	f := newFixture(t)
	_, err := f.PanicAsync("boom")
	wantErr(t, err, "handler panicked: boom")
	_, err = f.PanicSync("bang")
	wantErr(t, err, "handler panicked: bang")
	if label, err := f.Label(); err != nil || label != "go-tests" {
		t.Fatalf("context unusable after panics: %q, %v", label, err)
	}
}

func TestConstructorErrors(t *testing.T) {
	_, err := fixture.NewFixture("fail")
	wantErr(t, err, "constructor refused the label")
	_, err = fixture.NewFixture("panic")
	wantErr(t, err, "handler panicked: constructor panicked on purpose")
}

func TestHostFunctionNotRegistered(t *testing.T) {
	f := newFixture(t)
	_, err := f.CallHostLookup("k", fixture.Leaf{})
	wantErr(t, err, "host function 'host_lookup' is not registered")
}

func TestHostFunctionsOfEveryShape(t *testing.T) {
	f := newFixture(t)
	f.SetHostLookup(func(key string, leaf fixture.Leaf) (fixture.Leaf, error) {
		return fixture.Leaf{Label: key + "/" + leaf.Label, Data: leaf.Data, Color: fixture.ColorBlue}, nil
	})
	got, err := f.CallHostLookup("key", fixture.Leaf{Label: "\u00e9", Data: []byte{0, 1}})
	if err != nil || got.Label != "key/\u00e9" || string(got.Data) != "\x00\x01" || got.Color != fixture.ColorBlue {
		t.Fatalf("CallHostLookup = %+v, %v", got, err)
	}

	notified := make(chan int64, 1)
	f.SetHostNotify(func(n int64) error {
		notified <- n
		if n < 0 {
			return errors.New("negative: no")
		}
		return nil
	})
	if err := f.CallHostNotify(42); err != nil {
		t.Fatalf("CallHostNotify: %v", err)
	}
	if n := <-notified; n != 42 {
		t.Fatalf("host saw %d", n)
	}
	wantErr(t, f.CallHostNotify(-1), "negative: no")
	<-notified

	f.SetHostBytes(func(data []byte) ([]byte, error) {
		out := make([]byte, len(data))
		for i, b := range data {
			out[i] = ^b
		}
		return out, nil
	})
	in := megabyte()
	back, err := f.CallHostBytes(in)
	if err != nil || len(back) != len(in) || back[0] != ^in[0] || back[len(in)-1] != ^in[len(in)-1] {
		t.Fatalf("CallHostBytes: %d bytes, %v", len(back), err)
	}

	f.SetHostNow(func() (int64, error) { return -5, nil })
	if now, err := f.CallHostNow(); err != nil || now != -5 {
		t.Fatalf("CallHostNow = %d, %v", now, err)
	}
}

func TestHostFunctionPanicAndUnregister(t *testing.T) {
	f := newFixture(t)
	f.SetHostNow(func() (int64, error) { panic("host blew up") })
	_, err := f.CallHostNow()
	if err == nil || err.Error() != "host function 'host_now' panicked: host blew up" {
		t.Fatalf("got %v", err)
	}
	f.SetHostNow(nil)
	_, err = f.CallHostNow()
	wantErr(t, err, "host function 'host_now' is not registered")
}

func TestHostCallsRunConcurrently(t *testing.T) {
	f := newFixture(t)
	// Each answer waits until both calls are in the host: only possible
	// when every call runs on its own goroutine.
	var arrived sync.WaitGroup
	arrived.Add(2)
	f.SetHostNotify(func(int64) error {
		arrived.Done()
		arrived.Wait()
		return nil
	})
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func() { errs <- f.CallHostNotify(1) }()
	}
	for i := 0; i < 2; i++ {
		select {
		case err := <-errs:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("host calls did not run concurrently")
		}
	}
}

func TestUseAfterClose(t *testing.T) {
	f, err := fixture.NewFixture("closing")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	f.Close() // idempotent
	_, err = f.Label()
	wantErr(t, err, "invalid context handle (never created, or already destroyed)")
	_, err = f.SleepMs(1)
	wantErr(t, err, "invalid context handle (never created, or already destroyed)")
}

func TestCloseFailsCallsInFlight(t *testing.T) {
	f, err := fixture.NewFixture("in-flight")
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			_, err := f.SleepMs(60000)
			errs <- err
		}()
	}
	time.Sleep(50 * time.Millisecond)
	f.Close()
	for i := 0; i < 4; i++ {
		select {
		case err := <-errs:
			if err == nil {
				t.Fatal("call survived Close")
			}
			if err.Error() != "context destroyed" && err.Error() != "invalid context handle (never created, or already destroyed)" {
				t.Fatalf("unexpected error %q", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a call in flight never returned after Close")
		}
	}
}

func TestCancelledContext(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.SleepMsContext(ctx, 60000)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want context.DeadlineExceeded", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("cancellation took %v", waited)
	}
	wantErr(t, err, "context deadline exceeded")

	done, stop := context.WithCancel(context.Background())
	stop()
	_, err = f.SleepMsContext(done, 1)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("pre-cancelled: got %v", err)
	}
	// The context keeps working after cancellations.
	if v, err := f.SleepMs(1); err != nil || v != 1 {
		t.Fatalf("SleepMs after cancel = %d, %v", v, err)
	}
}

func TestHostThatNeverAnswersIsCancellable(t *testing.T) {
	f := newFixture(t)
	block := make(chan struct{})
	defer close(block)
	f.SetHostNow(func() (int64, error) {
		<-block
		return 0, nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := f.CallHostNowContext(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}

func TestConcurrentCallsAreCountedExactly(t *testing.T) {
	f := newFixture(t)
	const goroutines, each = 8, 500
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				var err error
				if (g+i)%2 == 0 {
					err = f.Nothing()
				} else {
					err = f.NothingAsync()
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n, err := f.Calls(); err != nil || n != goroutines*each {
		t.Fatalf("Calls = %d, %v; want %d", n, err, goroutines*each)
	}
}

// Cancellation racing the answer: contexts that end before, while and
// after the answer comes (while the caller polls, parks, or is being
// woken). Each call returns its value or ctx.Err(), exactly once.
func TestCancellationRacesTheAnswer(t *testing.T) {
	f := newFixture(t)
	const goroutines, each = 32, 150
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				ms := uint64((g + i) % 2) // ready at once, or after a timer
				timeout := time.Duration((g*7+i*13)%400) * time.Microsecond
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				v, err := f.SleepMsContext(ctx, ms)
				cancel()
				switch {
				case err == nil && v != ms:
					errs <- fmt.Errorf("SleepMs(%d) = %d", ms, v)
					return
				case err != nil && !errors.Is(err, context.DeadlineExceeded):
					errs <- fmt.Errorf("SleepMs(%d): %v", ms, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Every abandoned call was answered (and its memory freed) by the
	// library; the context still works.
	if v, err := f.SleepMs(1); err != nil || v != 1 {
		t.Fatalf("SleepMs after the races = %d, %v", v, err)
	}
}

// With one processor (what Go picks in a one-CPU container), a caller
// that polls for its answer also serves the host calls it waits for, and
// parked callers are woken: nothing depends on a second processor.
func TestOneProcessor(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f := newFixture(t)
	f.SetHostNow(func() (int64, error) { return 42, nil })
	for i := 0; i < 200; i++ {
		if v, err := f.CallHostNow(); err != nil || v != 42 {
			t.Fatalf("CallHostNow = %d, %v", v, err)
		}
		if v, err := f.EchoU64(uint64(i)); err != nil || v != uint64(i) {
			t.Fatalf("EchoU64 = %d, %v", v, err)
		}
	}
	// Parked callers: more than one per processor, answered after a timer.
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			if v, err := f.SleepMs(uint64(g % 3)); err != nil || v != uint64(g%3) {
				t.Errorf("SleepMs = %d, %v", v, err)
			}
			if v, err := f.CallHostNow(); err != nil || v != 42 {
				t.Errorf("CallHostNow = %d, %v", v, err)
			}
		}(g)
	}
	wg.Wait()
}
