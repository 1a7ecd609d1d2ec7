package main

// The hand-written Go baseline, callback half: a handle table and an
// exported callback, as the generated package has. This file's preamble
// only declares, because it uses //export.

/*
#include <stddef.h>
#include <stdint.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

// handles maps the integers C holds to pending calls (no Go pointer in C).
var handles = struct {
	sync.Mutex
	next uintptr
	m    map[uintptr]*baseCall
}{m: map[uintptr]*baseCall{}}

func newHandle(c *baseCall) uintptr {
	handles.Lock()
	defer handles.Unlock()
	handles.next++
	handles.m[handles.next] = c
	return handles.next
}

func takeHandle(id uintptr) (*baseCall, bool) {
	handles.Lock()
	defer handles.Unlock()
	c, ok := handles.m[id]
	delete(handles.m, id)
	return c, ok
}

type baseResult struct {
	value uint64
	err   error
}

// baseCall is one call in flight; done is buffered so the callback never
// blocks.
type baseCall struct {
	done chan baseResult
}

//export benchGoHandoffCallback
func benchGoHandoffCallback(ret C.int, msg *C.char, n C.size_t, ud C.uintptr_t) {
	c, ok := takeHandle(uintptr(ud))
	if !ok {
		return
	}
	var r baseResult
	switch {
	case ret != 0:
		r.err = errors.New(C.GoStringN(msg, C.int(n)))
	case msg == nil || n != 8:
		r.err = fmt.Errorf("malformed message: %d bytes", n)
	default:
		r.value = *(*uint64)(unsafe.Pointer(msg))
	}
	c.done <- r
}

var goFlag atomic.Int32

//export benchGoFlagCallback
func benchGoFlagCallback(ret C.int, msg *C.char, n C.size_t, ud C.uintptr_t) {
	goFlag.Store(1)
}
