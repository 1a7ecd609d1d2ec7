// Command timer calls every method of the timer library through its
// generated Go package.
package main

import (
	"fmt"
	"os"

	"rsffi/examples/timer/bindings/go/mytimer"
)

func ptr[T any](v T) *T { return &v }

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
	os.Exit(1)
}

func main() {
	timer, err := mytimer.NewMyTimer(mytimer.TimerConfig{Name: "go-native-demo"})
	if err != nil {
		fail("create", err)
	}
	defer timer.Close()
	fmt.Println("created timer")

	// Events arrive on the library's event thread; they are reported on
	// stderr so that stdout stays a fixed transcript of the calls.
	events := make(chan mytimer.EchoEvent, 1)
	stop := timer.OnEchoFired(func(e mytimer.EchoEvent) { events <- e })
	defer stop()

	version, err := timer.Version()
	if err != nil {
		fail("version", err)
	}
	fmt.Printf("version: %s\n", version)

	echo, err := timer.Echo(mytimer.EchoRequest{Message: "hello from Go", DelayMs: 5})
	if err != nil {
		fail("echo", err)
	}
	fmt.Printf("echo: echoed=%q timerName=%q\n", echo.Echoed, echo.TimerName)
	e := <-events
	fmt.Fprintf(os.Stderr, "event echo_fired: message=%q echoCount=%d\n", e.Message, e.EchoCount)

	complexResp, err := timer.Complex(mytimer.ComplexRequest{
		Messages: []mytimer.EchoRequest{{Message: "one"}, {Message: "two"}},
		Tags:     []string{"a", "b"},
		Note:     ptr("a note"),
		Retries:  ptr(int64(3)),
	})
	if err != nil {
		fail("complex", err)
	}
	fmt.Printf("complex: itemCount=%d hasNote=%v summary=%q\n",
		complexResp.ItemCount, complexResp.HasNote, complexResp.Summary)

	scheduled, err := timer.Schedule(
		mytimer.JobSpec{Name: "nightly", Payload: []string{"x"}, Priority: mytimer.PriorityHigh},
		mytimer.RetryPolicy{MaxAttempts: 3, BackoffMs: 100, RetryOn: []string{"timeout"}},
		mytimer.ScheduleConfig{StartAtMs: 1000, IntervalMs: 5000, Jitter: ptr(int64(50))},
	)
	if err != nil {
		fail("schedule", err)
	}
	fmt.Printf("schedule: jobId=%q willRunCount=%d\n", scheduled.JobID, scheduled.WillRunCount)

	// An object: a job the host holds, waits for and closes (silently, so
	// the output above stays the seed's).
	job, err := timer.StartJob("backup", 5)
	if err != nil {
		fail("start_job", err)
	}
	defer job.Close()
	if status, err := job.Wait(); err != nil || status != mytimer.JobStatusDone {
		fail("job wait", fmt.Errorf("status %v, err %v", status, err))
	}
	if cancelled, err := job.Cancel(); err != nil || cancelled {
		fail("job cancel", fmt.Errorf("a done job was cancelled (%v, %v)", cancelled, err))
	}

	fmt.Println("done")
}
