// Package v2 runs the generated Go remote client against a live server
// speaking protocol version 2 (started by tests/tests/ipc.rs, which sets
// RSFFI_IPC_UNIX and RSFFI_IPC_TOKEN): the token, answers out of order, a
// context that cancels the call on the server, and an oversized request
// answered "frame too large" rather than a broken pipe.
package v2

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	fx "rsffi/tests/fixture/bindings/go/fixtureclient"
)

func dial(t *testing.T, opts ...fx.Option) *fx.Client {
	t.Helper()
	path := os.Getenv("RSFFI_IPC_UNIX")
	if path == "" {
		t.Fatal("RSFFI_IPC_UNIX is not set: run this through cargo test --test ipc")
	}
	c, err := fx.Dial("unix", path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func token() fx.Option { return fx.WithToken(os.Getenv("RSFFI_IPC_TOKEN")) }

func TestTokenIsRequired(t *testing.T) {
	_, err := fx.Dial("unix", os.Getenv("RSFFI_IPC_UNIX"), fx.WithToken("wrong"))
	if err == nil || !strings.Contains(err.Error(), "unauthorized: missing or wrong token") {
		t.Fatalf("err = %v", err)
	}
	c := dial(t, token())
	if c.Library() != "fixture" {
		t.Fatalf("library %q", c.Library())
	}
}

func TestAnswersOutOfOrder(t *testing.T) {
	c := dial(t, token())
	var wg sync.WaitGroup
	var slowDone time.Time
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := c.SleepMs(300); err != nil {
			t.Error(err)
		}
		slowDone = time.Now()
	}()
	time.Sleep(20 * time.Millisecond)
	label, err := c.Label()
	fastDone := time.Now()
	if err != nil || label != "go-v2" {
		t.Fatalf("label %q, %v", label, err)
	}
	wg.Wait()
	if !fastDone.Before(slowDone) {
		t.Fatal("the fast call waited for the slow one")
	}
}

func TestContextCancelsOnTheServer(t *testing.T) {
	c := dial(t, token())
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.SleepMsContext(ctx, 5000)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	// The server dropped the call: the connection serves on at once.
	if label, err := c.Label(); err != nil || label != "go-v2" {
		t.Fatalf("label %q, %v", label, err)
	}
}

func TestFrameTooLargeIsAnAnswer(t *testing.T) {
	c := dial(t, token())
	_, err := c.EchoBytes(make([]byte, 20<<20))
	if err == nil || !strings.HasPrefix(err.Error(), "frame too large: ") {
		t.Fatalf("err = %v", err)
	}
	if label, err := c.Label(); err != nil || label != "go-v2" {
		t.Fatalf("after an oversized request: label %q, %v", label, err)
	}
}
