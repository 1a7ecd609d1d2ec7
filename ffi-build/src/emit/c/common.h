#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef FFI_COMMON_TYPES
#define FFI_COMMON_TYPES

#define RET_OK 0
#define RET_ERR 1
#define RET_MISSING_CALLBACK 2

/* The answer to a call. When a function is given a non-NULL callback, it
 * calls it exactly once (possibly before returning): RET_OK with the
 * result, or RET_ERR with msg holding the UTF-8 error text. msg is valid
 * only until the callback returns; copy what you keep. */
typedef void (*FFICallBack)(int ret, const char *msg, size_t len, void *userData);

/* A host function implemented by the caller. req is valid only until the
 * function returns. Answer later, from any thread, with host_complete. */
typedef void (*FFIHostFn)(uint64_t callId, const char *req, size_t len, void *userData);

/* UTF-8 text, not NUL-terminated; ptr may be NULL when len is 0. */
typedef struct FFIStr {
    const char *ptr;
    size_t len;
} FFIStr;

/* Bytes; ptr may be NULL when len is 0. */
typedef struct FFIBytes {
    const uint8_t *ptr;
    size_t len;
} FFIBytes;

#endif /* FFI_COMMON_TYPES */
