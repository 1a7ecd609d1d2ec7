// Package goremote checks the Go remote clients against the golden CBOR
// wire vectors in tests/vectors, which the Rust side checks too
// (tests/tests/cbor.rs): the same values, the same bytes, both ways.
package goremote

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"rsffi/examples/timer/bindings/go/mytimerclient"
	fx "rsffi/tests/fixture/bindings/go/fixtureclient"
)

func ptr[T any](v T) *T { return &v }

func readVectors(t *testing.T, file string) map[string][]byte {
	t.Helper()
	f, err := os.Open("../vectors/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]byte{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, h, _ := strings.Cut(line, " ")
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = b
	}
	return out
}

type codec struct {
	marshal   func(any) ([]byte, error)
	unmarshal func([]byte, any) error
}

// check encodes want, compares with the golden bytes, and decodes them
// back into a value of want's type that must equal want.
func check(t *testing.T, c codec, golden map[string][]byte, name string, want any) {
	t.Helper()
	b, ok := golden[name]
	if !ok {
		t.Fatalf("no vector %s", name)
	}
	got, err := c.marshal(want)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !bytes.Equal(got, b) {
		t.Errorf("%s: encoded\n %x\nwant\n %x", name, got, b)
	}
	back := reflect.New(reflect.TypeOf(want))
	if err := c.unmarshal(b, back.Interface()); err != nil {
		t.Fatalf("%s: decoding: %v", name, err)
	}
	if !reflect.DeepEqual(normalize(back.Elem().Interface()), normalize(want)) {
		t.Errorf("%s: decoded %#v\nwant %#v", name, back.Elem().Interface(), want)
	}
}

// normalize re-encodes so that nil and empty slices compare equal (the
// wire does not distinguish them outside options).
func normalize(v any) string {
	b, _ := mytimerclient.Marshal(v)
	return hex.EncodeToString(b)
}

func TestTimerVectors(t *testing.T) {
	g := readVectors(t, "timer.txt")
	c := codec{mytimerclient.Marshal, mytimerclient.Unmarshal}
	type M = mytimerclient.EchoRequest
	check(t, c, g, "TimerConfig", mytimerclient.TimerConfig{Name: "ipc-demo"})
	check(t, c, g, "EchoRequest", M{Message: "hello", DelayMs: 5})
	check(t, c, g, "EchoResponse", mytimerclient.EchoResponse{Echoed: "hi", TimerName: "t"})
	check(t, c, g, "EchoEvent", mytimerclient.EchoEvent{Message: "m", EchoCount: -3})
	check(t, c, g, "ComplexRequest", mytimerclient.ComplexRequest{
		Messages: []M{{Message: "one"}, {Message: "two", DelayMs: 300}}, Tags: []string{"a"}, Note: ptr("n"),
	})
	check(t, c, g, "ComplexRequestEmpty", mytimerclient.ComplexRequest{Retries: ptr(int64(70000))})
	check(t, c, g, "ComplexResponse", mytimerclient.ComplexResponse{Summary: "s", ItemCount: 2, HasNote: true})
	check(t, c, g, "Priority", mytimerclient.PriorityNormal)
	check(t, c, g, "JobSpec", mytimerclient.JobSpec{Name: "nightly", Payload: []string{"x"}, Priority: mytimerclient.PriorityHigh})
	check(t, c, g, "RetryPolicy", mytimerclient.RetryPolicy{MaxAttempts: 3, BackoffMs: 100, RetryOn: []string{"timeout"}})
	check(t, c, g, "ScheduleConfig", mytimerclient.ScheduleConfig{StartAtMs: 1000, IntervalMs: 5000, Jitter: ptr(int64(-50))})
	check(t, c, g, "ScheduleResult", mytimerclient.ScheduleResult{
		JobID: "a:b", WillRunCount: 12, FirstRunAtMs: 1050, EffectiveBackoffMs: 50, Priority: mytimerclient.PriorityLow,
	})
}

func leaf(label string) fx.Leaf {
	return fx.Leaf{Label: label, Data: []byte{0, 1, 255}, Color: fx.ColorBlue}
}

func TestFixtureVectors(t *testing.T) {
	g := readVectors(t, "fixture.txt")
	c := codec{fx.Marshal, fx.Unmarshal}
	check(t, c, g, "Scalars", fx.Scalars{
		Flag: true, I8V: math.MinInt8, I16V: math.MinInt16, I32V: math.MinInt32, I64V: math.MinInt64,
		U8V: math.MaxUint8, U16V: math.MaxUint16, U32V: math.MaxUint32, U64V: math.MaxUint64,
		F32V: 1.5, F64V: -0.1, Text: "héllo\x00wörld", Data: []byte{0, 0, 7}, Color: fx.ColorGreen,
	})
	check(t, c, g, "Containers", fx.Containers{
		Strings:     []string{"", "ü"},
		Nested:      [][]string{{}, {"a", "b"}},
		MaybeList:   &[]int64{},
		ListOfMaybe: []*int32{ptr(int32(1)), nil, ptr(int32(-3))},
		MaybeText:   ptr(""),
		ByteLists:   [][]byte{{}, {9}},
		Colors:      []fx.Color{fx.ColorRed, fx.ColorBlue},
		MaybeColor:  ptr(fx.ColorRed),
		Flags:       []bool{true, false},
		Floats:      []float64{math.MaxFloat64, 2.2250738585072014e-308, 0},
		Big:         []uint64{0, math.MaxUint64},
	})
	check(t, c, g, "Leaf", leaf("leaf"))
	middle := fx.Middle{Name: "m", Leaves: []fx.Leaf{leaf("a"), leaf("b")}, Best: ptr(leaf("best"))}
	check(t, c, g, "Top", fx.Top{
		Middle:  middle,
		Middles: []fx.Middle{middle, {Name: "n"}},
		UserID:  42,
		HTTPURL: "https://x",
	})
}
