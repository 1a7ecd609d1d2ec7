/* The ABI version this library was built with; bindings compare it with
 * the version they were generated for. */
uint32_t {{abi_version}}(void);

/* The interface fingerprint the library was built with: a hash of every
 * name, type and layout that crosses its ABI (NUL-terminated, static). */
const char *{{interface_fingerprint}}(void);

/* Checks that the loaded library was built from the same interface as this
 * header: RET_OK, or RET_ERR with a message naming both fingerprints
 * written to err (at most errLen bytes, NUL-terminated; err may be NULL).
 * Call it once before creating the first context. */
static inline int {{check_interface}}(char *err, size_t errLen) {
    const char *got = {{interface_fingerprint}}();
    if (got != NULL && strcmp(got, {{fingerprint_macro}}) == 0) {
        return RET_OK;
    }
    if (err != NULL && errLen > 0) {
        snprintf(err, errLen,
                 "{{lib}}: the library's interface fingerprint is %s, but these bindings were "
                 "generated for %s; regenerate the bindings from the library's source",
                 got != NULL ? got : "(none)", {{fingerprint_macro}});
    }
    return RET_ERR;
}

/* Fails every pending call and host call of the context (RET_ERR
 * "context destroyed"), runs the teardown hook, and joins the worker.
 * Returns RET_ERR for a handle that is not live. */
int {{destroy}}(void *ctx);

/* Cancels the in-flight async calls made with userData: each gets its
 * callback with RET_ERR "call cancelled". */
int {{cancel}}(void *ctx, void *userData);

/* Installs the implementation of a host function (NULL removes it).
 * RET_ERR for an unknown name or handle. */
int {{register_host_fn}}(void *ctx, const char *name, FFIHostFn fn, void *userData);

/* Answers host call callId, from any thread: ret RET_OK with the answer,
 * or RET_ERR with UTF-8 error text. msg is copied before this returns.
 * Unknown or already answered ids are ignored (RET_ERR). */
int {{host_complete}}(void *ctx, uint64_t callId, int ret, const char *msg, size_t len);

/* Calls cb(RET_OK, payload, len, userData) for every later firing of the
 * event, on the context's event thread (never on a handler's thread), in
 * firing order. Returns the listener id (> 0), or 0 for an unknown event,
 * a NULL callback or a bad handle. */
uint64_t {{add_event_listener}}(void *ctx, const char *event, FFICallBack cb, void *userData);

/* Once this returns, the listener is not called again (from inside the
 * listener itself, the current call completes first). RET_ERR for an
 * unknown id or handle. */
int {{remove_event_listener}}(void *ctx, uint64_t listenerId);

