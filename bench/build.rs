fn main() {
    ffi_build::Builder::new().export_dir("bindings").generate();
}
