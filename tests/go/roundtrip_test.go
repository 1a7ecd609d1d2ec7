// End-to-end tests of the generated Go package against the fixture
// library: every supported type with boundary values.
package gotests

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"

	"rsffi/tests/fixture/bindings/go/fixture"
)

func newFixture(t *testing.T) *fixture.Fixture {
	t.Helper()
	f, err := fixture.NewFixture("go-tests")
	if err != nil {
		t.Fatalf("NewFixture: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func ptr[T any](v T) *T { return &v }

func megabyte() []byte {
	b := make([]byte, 1<<20)
	for i := range b {
		b[i] = byte(i*31 + 7)
	}
	return b
}

func scalarCases() []fixture.Scalars {
	return []fixture.Scalars{
		{
			Flag: false, I8V: math.MinInt8, I16V: math.MinInt16, I32V: math.MinInt32,
			I64V: math.MinInt64, F32V: -math.MaxFloat32, F64V: -math.MaxFloat64,
			Text: "", Data: []byte{}, Color: fixture.ColorRed,
		},
		{
			Flag: true, I8V: math.MaxInt8, I16V: math.MaxInt16, I32V: math.MaxInt32,
			I64V: math.MaxInt64, U8V: math.MaxUint8, U16V: math.MaxUint16,
			U32V: math.MaxUint32, U64V: math.MaxUint64,
			F32V: math.SmallestNonzeroFloat32, F64V: math.Inf(1),
			Text: "h\u00e9llo \u2713 \U0001F600", Data: []byte{0, 1, 0xff}, Color: fixture.ColorBlue,
		},
		{
			Text: "a\x00b\x00", Data: megabyte(), Color: fixture.ColorGreen, F64V: math.Copysign(0, -1),
		},
	}
}

func TestScalarsRoundTripSyncAndAsync(t *testing.T) {
	f := newFixture(t)
	for i, in := range scalarCases() {
		got, err := f.EchoScalars(in)
		if err != nil {
			t.Fatalf("case %d: EchoScalars: %v", i, err)
		}
		if !reflect.DeepEqual(got, in) {
			t.Errorf("case %d sync: got %+v, want %+v", i, summary(got), summary(in))
		}
		got, err = f.EchoScalarsAsync(in)
		if err != nil {
			t.Fatalf("case %d: EchoScalarsAsync: %v", i, err)
		}
		if !reflect.DeepEqual(got, in) {
			t.Errorf("case %d async: got %+v, want %+v", i, summary(got), summary(in))
		}
		if math.Signbit(in.F64V) != math.Signbit(got.F64V) {
			t.Errorf("case %d: sign of zero lost", i)
		}
	}
}

// summary keeps failure messages readable when Data is a megabyte.
func summary(s fixture.Scalars) fixture.Scalars {
	if len(s.Data) > 16 {
		s.Data = s.Data[:16]
	}
	return s
}

func TestStringsAreByteExact(t *testing.T) {
	f := newFixture(t)
	for _, s := range []string{"", "plain", "h\u00e9llo \u2713", "nul\x00inside", strings.Repeat("\u00e9", 100000)} {
		got, err := f.EchoString(s)
		if err != nil {
			t.Fatalf("EchoString(%q): %v", s, err)
		}
		if got != s {
			t.Errorf("EchoString: got %d bytes, want %d", len(got), len(s))
		}
	}
}

func TestInvalidUTF8IsAnErrorNamingTheParameter(t *testing.T) {
	f := newFixture(t)
	_, err := f.EchoString("ok\xff")
	if err == nil || err.Error() != "invalid argument 's': invalid UTF-8 at byte 2" {
		t.Fatalf("got %v", err)
	}
	in := scalarCases()[0]
	in.Text = "\xc3"
	_, err = f.EchoScalars(in)
	if err == nil || err.Error() != "invalid argument 's.text': invalid UTF-8 at byte 0" {
		t.Fatalf("got %v", err)
	}
}

func TestBytes(t *testing.T) {
	f := newFixture(t)
	for _, in := range [][]byte{{}, {0}, {0, 0xff, 0}, megabyte()} {
		got, err := f.EchoBytes(in)
		if err != nil {
			t.Fatalf("EchoBytes: %v", err)
		}
		if !bytes.Equal(got, in) {
			t.Errorf("EchoBytes: %d bytes back, want %d", len(got), len(in))
		}
	}
}

func TestIntegersAtTheirLimits(t *testing.T) {
	f := newFixture(t)
	for _, v := range []int64{math.MinInt64, -1, 0, math.MaxInt64} {
		if got, err := f.EchoI64(v); err != nil || got != v {
			t.Errorf("EchoI64(%d) = %d, %v", v, got, err)
		}
	}
	for _, v := range []uint64{0, 1 << 63, math.MaxUint64} {
		if got, err := f.EchoU64(v); err != nil || got != v {
			t.Errorf("EchoU64(%d) = %d, %v", v, got, err)
		}
	}
}

func TestOptionsKeepNoneAndSomeEmptyApart(t *testing.T) {
	f := newFixture(t)
	if got, err := f.EchoOption(nil); err != nil || got != nil {
		t.Errorf("EchoOption(nil) = %v, %v", got, err)
	}
	got, err := f.EchoOption(ptr(""))
	if err != nil || got == nil || *got != "" {
		t.Errorf("EchoOption(Some(\"\")) = %v, %v", got, err)
	}
	got, err = f.EchoOption(ptr("x\x00y"))
	if err != nil || got == nil || *got != "x\x00y" {
		t.Errorf("EchoOption(Some) = %v, %v", got, err)
	}
}

func containers() fixture.Containers {
	return fixture.Containers{
		Strings:     []string{"", "a", "\u00e9"},
		Nested:      [][]string{{}, {"x"}, {"y", "z\x00"}},
		MaybeList:   ptr([]int64{}),
		ListOfMaybe: []*int32{nil, ptr(int32(math.MinInt32)), nil},
		MaybeText:   nil,
		MaybeBytes:  ptr([]byte{}),
		ByteLists:   [][]byte{{}, {1, 2, 3}},
		Colors:      []fixture.Color{fixture.ColorBlue, fixture.ColorRed},
		MaybeColor:  ptr(fixture.ColorGreen),
		Flags:       []bool{true, false, true},
		Floats:      []float64{math.MaxFloat64, -1.5, 0},
		Big:         []uint64{math.MaxUint64, 0},
	}
}

func TestContainers(t *testing.T) {
	f := newFixture(t)
	in := containers()
	got, err := f.EchoContainers(in)
	if err != nil {
		t.Fatalf("EchoContainers: %v", err)
	}
	if !reflect.DeepEqual(got, in) {
		t.Errorf("got %+v\nwant %+v", got, in)
	}
	if got.MaybeList == nil || got.MaybeBytes == nil {
		t.Error("Some(empty) came back as None")
	}
	if got.MaybeText != nil {
		t.Error("None came back as Some")
	}
}

func TestNestedVectorsAndOptions(t *testing.T) {
	f := newFixture(t)
	grid := [][]string{{"a", "b"}, {}, {"\u2713"}}
	if got, err := f.EchoNested(grid); err != nil || !reflect.DeepEqual(got, grid) {
		t.Errorf("EchoNested = %v, %v", got, err)
	}
	leaves := []fixture.Leaf{{Label: "l", Data: []byte{9}, Color: fixture.ColorBlue}}
	if got, err := f.EchoMaybeList(&leaves); err != nil || got == nil || !reflect.DeepEqual(*got, leaves) {
		t.Errorf("EchoMaybeList(Some) = %v, %v", got, err)
	}
	if got, err := f.EchoMaybeList(nil); err != nil || got != nil {
		t.Errorf("EchoMaybeList(None) = %v, %v", got, err)
	}
	maybes := []*fixture.Leaf{nil, &leaves[0]}
	if got, err := f.EchoListOfMaybe(maybes); err != nil || !reflect.DeepEqual(got, maybes) {
		t.Errorf("EchoListOfMaybe = %v, %v", got, err)
	}
}

func top() fixture.Top {
	leaf := func(label string, c fixture.Color) fixture.Leaf {
		return fixture.Leaf{Label: label, Data: []byte(label), Color: c}
	}
	middle := func(name string) fixture.Middle {
		return fixture.Middle{
			Name:   name,
			Leaves: []fixture.Leaf{leaf(name+"-1", fixture.ColorRed), leaf(name+"-2", fixture.ColorBlue)},
			Best:   ptr(leaf(name+"-best", fixture.ColorGreen)),
		}
	}
	return fixture.Top{
		Middle:  middle("m"),
		Middles: []fixture.Middle{middle("a"), {Name: "empty", Leaves: []fixture.Leaf{}}},
		Note:    ptr("n\u00f6te"),
		UserID:  math.MaxUint64,
		HTTPURL: "https://example.invalid/\u00e9",
	}
}

func TestStructsThreeLevelsDeep(t *testing.T) {
	f := newFixture(t)
	in := top()
	got, err := f.EchoTop(in)
	if err != nil {
		t.Fatalf("EchoTop: %v", err)
	}
	if !reflect.DeepEqual(got, in) {
		t.Errorf("got %+v\nwant %+v", got, in)
	}
}

func TestSeveralStructParameters(t *testing.T) {
	f := newFixture(t)
	tp := top()
	got, err := f.Several(fixture.Leaf{Label: "first"}, scalarCases()[1], []fixture.Leaf{{}, {}}, &tp)
	if err != nil || got != "first|9223372036854775807|2|m" {
		t.Errorf("Several = %q, %v", got, err)
	}
	got, err = f.Several(fixture.Leaf{}, scalarCases()[0], nil, nil)
	if err != nil || got != "|-9223372036854775808|0|none" {
		t.Errorf("Several(None) = %q, %v", got, err)
	}
}

func TestEnums(t *testing.T) {
	f := newFixture(t)
	for _, c := range []fixture.Color{fixture.ColorRed, fixture.ColorGreen, fixture.ColorBlue} {
		if got, err := f.EchoColor(c); err != nil || got != c {
			t.Errorf("EchoColor(%v) = %v, %v", c, got, err)
		}
	}
	_, err := f.EchoColor(fixture.Color(7))
	if err == nil || err.Error() != "invalid argument 'c': invalid value 7 for enum Color" {
		t.Errorf("EchoColor(7) error = %v", err)
	}
	if fixture.ColorBlue.String() != "Blue" {
		t.Errorf("String() = %q", fixture.ColorBlue.String())
	}
}
