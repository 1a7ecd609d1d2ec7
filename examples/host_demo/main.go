// Command host_demo shows the host-callback round trip: Go calls a Rust
// method, the Rust handler awaits a host function implemented here in Go,
// the Go closure answers on its own goroutine, and the result comes back.
package main

import (
	"fmt"
	"os"

	"rsffi/examples/host_demo/bindings/go/hostdemo"
)

func main() {
	demo, err := hostdemo.NewDemo()
	if err != nil {
		fmt.Fprintln(os.Stderr, "create:", err)
		os.Exit(1)
	}
	defer demo.Close()

	demo.SetFetchToken(func(key string) (string, error) {
		return "TOK-" + key, nil
	})

	result, err := demo.UseToken("session")
	if err != nil {
		fmt.Fprintln(os.Stderr, "use_token:", err)
		os.Exit(1)
	}
	fmt.Printf("result: %s\n", result)
	if result != "token[TOK-session]" {
		fmt.Fprintln(os.Stderr, "unexpected result")
		os.Exit(1)
	}
	fmt.Println("OK")
}
