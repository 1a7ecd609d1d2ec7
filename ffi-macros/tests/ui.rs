//! The errors the attribute macros report at the item's own span (so an
//! editor shows them inline), in the generator's words.

#[test]
fn item_errors_point_at_the_item() {
    // `#[ffi_library]` includes `$OUT_DIR/ffi_glue.rs`, which a library's
    // build script writes; here an empty one stands in for it, so the
    // expected output is the macro's own error alone. (With the real glue,
    // the glue's uses of the state fail too, after this error.)
    let out_dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ui-out-dir");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(out_dir.join("ffi_glue.rs"), "").unwrap();
    // SAFETY: set before any thread of this test binary reads the
    // environment; trybuild's cargo and rustc inherit it.
    unsafe { std::env::set_var("OUT_DIR", &out_dir) };

    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
