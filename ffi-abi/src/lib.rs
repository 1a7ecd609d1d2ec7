//! What `ffi-macros`, `ffi-build` and `ffi-core` must agree on, in one
//! place: the C ABI version, the CBOR wire name of a Rust name, the C symbol
//! grammar ([`symbols`]), and (with
//! the `checks` feature) the checks of a single annotated item, so that an
//! attribute macro and the generator's validation report the same error, in
//! the same words, at the same span.

#[cfg(feature = "checks")]
pub mod checks;
pub mod symbols;

/// Bumped whenever the layout or meaning of anything crossing the C ABI
/// changes. Generated bindings compare it with `<lib>_abi_version()`.
pub const ABI_VERSION: u32 = 1;

/// The wire name of a Rust field or parameter: lowerCamelCase
/// (`delay_ms` -> `delayMs`, `http_url` -> `httpUrl`), without the `r#` of
/// a raw identifier (`r#type` -> `type`).
pub fn wire_name(rust_name: &str) -> String {
    let mut out = String::with_capacity(rust_name.len());
    let mut upper = false;
    for c in rust_name.trim_start_matches("r#").chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wire_name;

    #[test]
    fn wire_names_are_lower_camel_case_without_raw_prefix() {
        for (rust, wire) in [
            ("delay_ms", "delayMs"),
            ("http_url", "httpUrl"),
            ("_private", "private"),
            ("a__b", "aB"),
            ("req", "req"),
            ("r#type", "type"),
            ("r#match_arm", "matchArm"),
        ] {
            assert_eq!(wire_name(rust), wire, "{rust}");
        }
    }
}
