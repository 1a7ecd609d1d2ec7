// Command go-remote calls every method of the timer library served by
// ffi-serve in another process (pure Go, no cgo):
//
//	target/debug/ffi-serve --lib target/debug/libmy_timer.so --args '{"config": {"name": "go-native-demo"}}' --unix /tmp/timer.sock &
//	go run ./examples/timer/go-remote -unix /tmp/timer.sock
//
// It prints the same lines as the in-process program in ../go.
package main

import (
	"flag"
	"fmt"
	"os"

	"rsffi/examples/timer/bindings/go/mytimerclient"
)

func ptr[T any](v T) *T { return &v }

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
	os.Exit(1)
}

func main() {
	unixPath := flag.String("unix", "", "Unix socket path of the server")
	tcpAddr := flag.String("tcp", "", "HOST:PORT of the server")
	flag.Parse()
	network, address := "unix", *unixPath
	if *tcpAddr != "" {
		network, address = "tcp", *tcpAddr
	}
	if address == "" {
		fmt.Fprintln(os.Stderr, "usage: go-remote (-unix PATH | -tcp HOST:PORT)")
		os.Exit(2)
	}

	timer, err := mytimerclient.Dial(network, address)
	if err != nil {
		fail("dial", err)
	}
	defer timer.Close()
	fmt.Println("created timer")

	version, err := timer.Version()
	if err != nil {
		fail("version", err)
	}
	fmt.Printf("version: %s\n", version)

	echo, err := timer.Echo(mytimerclient.EchoRequest{Message: "hello from Go", DelayMs: 5})
	if err != nil {
		fail("echo", err)
	}
	fmt.Printf("echo: echoed=%q timerName=%q\n", echo.Echoed, echo.TimerName)

	complexResp, err := timer.Complex(mytimerclient.ComplexRequest{
		Messages: []mytimerclient.EchoRequest{{Message: "one"}, {Message: "two"}},
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
		mytimerclient.JobSpec{Name: "nightly", Payload: []string{"x"}, Priority: mytimerclient.PriorityHigh},
		mytimerclient.RetryPolicy{MaxAttempts: 3, BackoffMs: 100, RetryOn: []string{"timeout"}},
		mytimerclient.ScheduleConfig{StartAtMs: 1000, IntervalMs: 5000, Jitter: ptr(int64(50))},
	)
	if err != nil {
		fail("schedule", err)
	}
	fmt.Printf("schedule: jobId=%q willRunCount=%d\n", scheduled.JobID, scheduled.WillRunCount)

	fmt.Println("done")
}
