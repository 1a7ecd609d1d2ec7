//! Every error the parser reports: a bad input and the exact diagnostic.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ffi_build::diagnostic::{Diagnostic, Diagnostics};
use ffi_build::parse_sources;

/// A valid library in four lines; tests append to it from line 5 on.
const BASE: &str = "#[ffi_library(name = \"t\")]\n\
                    pub struct T {}\n\
                    #[ffi_ctor]\n\
                    pub fn new() -> Result<T, String> { Ok(T {}) }\n";

const SUPPORTED: &str = "supported: bool, i8..i64, u8..u64, f32, f64, String, Vec<u8>, \
                         Vec<T>, Option<T>, and #[ffi_type] structs and enums (and \
                         #[ffi_object]s as `&T`/`Arc<T>` parameters and `T`/`Arc<T>` results)";

fn diags(files: &[(&str, &str)]) -> Vec<Diagnostic> {
    let map: HashMap<PathBuf, String> = files
        .iter()
        .map(|(p, s)| (PathBuf::from(p), s.to_string()))
        .collect();
    let load = |p: &Path| {
        map.get(p)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
    };
    match parse_sources(Path::new("src/lib.rs"), &load, "t") {
        Ok(_) => panic!("expected errors"),
        Err(Diagnostics(d)) => d,
    }
}

/// The single error of `BASE` followed by `extra`.
fn one(extra: &str) -> Diagnostic {
    only(&format!("{BASE}{extra}"))
}

/// The single error of the root file `src`.
fn only(src: &str) -> Diagnostic {
    let mut d = diags(&[("src/lib.rs", src)]);
    assert_eq!(d.len(), 1, "{}", Diagnostics(d.clone()));
    d.remove(0)
}

#[track_caller]
fn at(d: &Diagnostic, line: usize, column: usize, message: &str) {
    assert_eq!(
        (d.line, d.column, d.message.as_str()),
        (line, column, message),
        "{d}"
    );
}

fn hint(d: &Diagnostic) -> &str {
    d.hint.as_deref().unwrap_or_default()
}

// 1. The #[ffi_library] struct.

#[test]
fn missing_library() {
    let d = only("#[ffi_ctor]\npub fn new() -> Result<T, String> { todo!() }\n");
    assert_eq!(
        d,
        Diagnostic {
            file: "src/lib.rs".into(),
            line: 1,
            column: 1,
            message: "no `#[ffi_library]` struct found in the crate".into(),
            hint: Some(
                "annotate the state struct: \
                 `#[ffi_library(name = \"my_lib\")] pub struct MyLib { .. }`"
                    .into()
            ),
        }
    );
}

#[test]
fn second_library() {
    let d = one("#[ffi_library(name = \"u\")]\npub struct U {}\n");
    at(
        &d,
        6,
        12,
        "a second `#[ffi_library]` struct `U`; a crate has exactly one",
    );
    assert_eq!(hint(&d), "keep one; the first is `T` at src/lib.rs:2:12");
}

// 2. Its name.

#[test]
fn library_without_name() {
    let d = only(
        "#[ffi_library]\npub struct T;\n#[ffi_ctor]\nfn new() -> Result<T, String> { todo!() }",
    );
    at(
        &d,
        1,
        1,
        "`#[ffi_library]` needs a name: `#[ffi_library(name = \"...\")]`",
    );
    assert_eq!(
        hint(&d),
        "write `#[ffi_library(name = \"my_lib\")] pub struct MyLib { .. }`; \
         the name prefixes every C symbol"
    );
    // Both the unknown argument and the missing name are reported.
    let src = "#[ffi_library(prefix = \"t\")]\npub struct T;\n\
               #[ffi_ctor]\nfn new() -> Result<T, String> { todo!() }";
    let d = diags(&[("src/lib.rs", src)]);
    assert_eq!(d.len(), 2);
    at(
        &d[0],
        1,
        1,
        "`#[ffi_library]` needs a name: `#[ffi_library(name = \"...\")]`",
    );
    at(
        &d[1],
        1,
        15,
        "unknown `#[ffi_library]` argument; expected `name = \"...\"`",
    );
}

#[test]
fn invalid_library_name() {
    let d = only(
        "#[ffi_library(name = \"My-Timer\")]\npub struct T;\n#[ffi_ctor]\nfn new() -> Result<T, String> { todo!() }",
    );
    at(
        &d,
        1,
        22,
        "invalid library name `My-Timer`: it must be a lowercase C identifier",
    );
    assert_eq!(
        hint(&d),
        "use lowercase ASCII letters, digits and `_`, not starting with a digit, e.g. `my_timer`"
    );
    let d = only(
        "#[ffi_library(name = \"9lives\")]\npub struct T;\n#[ffi_ctor]\nfn new() -> Result<T, String> { todo!() }",
    );
    assert_eq!(
        d.message,
        "invalid library name `9lives`: it must be a lowercase C identifier"
    );
    for name in ["union_128", "struct_x", "enum_x", "sizeof_x"] {
        let d = only(&format!(
            "#[ffi_library(name = \"{name}\")]\npub struct T;\n#[ffi_ctor]\nfn new() -> Result<T, String> {{ todo!() }}"
        ));
        assert!(
            d.message
                .starts_with(&format!("invalid library name `{name}`: it starts with")),
            "{d}"
        );
        assert!(hint(&d).starts_with("cgo reads"), "{d}");
    }
}

// 3. The constructor.

#[test]
fn missing_ctor() {
    let d = only("#[ffi_library(name = \"t\")]\npub struct T {}\n");
    at(&d, 2, 12, "no `#[ffi_ctor]` function found");
    assert_eq!(
        hint(&d),
        "add exactly one constructor: `#[ffi_ctor] pub fn new(..) -> Result<T, String>`"
    );
}

#[test]
fn second_ctor() {
    let d = one("#[ffi_ctor]\npub async fn again() -> Result<T, String> { todo!() }\n");
    at(
        &d,
        6,
        14,
        "a second `#[ffi_ctor]` function `again`; a library has exactly one constructor",
    );
    assert_eq!(hint(&d), "keep one; the first is `new` at src/lib.rs:4:8");
}

#[test]
fn ctor_must_return_state() {
    let src = "#[ffi_library(name = \"t\")]\npub struct T {}\n\
               #[ffi_ctor]\npub fn new() -> Result<Other, String> { todo!() }\n";
    let d = only(src);
    at(
        &d,
        4,
        17,
        "`#[ffi_ctor]` function `new` must return `Result<T, String>`",
    );
    assert_eq!(
        hint(&d),
        "the constructor builds the `#[ffi_library]` state `T`; \
         a failure is reported to the caller as the error string"
    );
    let src = "#[ffi_library(name = \"t\")]\npub struct T {}\n\
               #[ffi_ctor]\npub fn new() -> T { todo!() }\n";
    at(
        &only(src),
        4,
        17,
        "`#[ffi_ctor]` function `new` must return `Result<T, String>`",
    );
    let src = "#[ffi_library(name = \"t\")]\npub struct T {}\n#[ffi_ctor]\npub fn new() {}\n";
    at(
        &only(src),
        4,
        8,
        "`#[ffi_ctor]` function `new` must return `Result<T, String>`",
    );
}

// 4. Method receivers.

#[test]
fn mut_state_receiver() {
    let d = one("#[ffi]\npub fn set(t: &mut T, v: i64) -> Result<(), String> { Ok(()) }\n");
    assert_eq!(
        d,
        Diagnostic {
            file: "src/lib.rs".into(),
            line: 6,
            column: 15,
            message: "methods take `&T`, not `&mut T`".into(),
            hint: Some(
                "several calls may run at once; use interior mutability \
                 (e.g. Mutex, RwLock or atomics) for state that changes"
                    .into()
            ),
        }
    );
}

#[test]
fn self_receiver() {
    let d = one("#[ffi]\npub fn get(&self) -> Result<(), String> { Ok(()) }\n");
    at(&d, 6, 12, "`#[ffi]` function `get` cannot take `self`");
    assert_eq!(
        hint(&d),
        "it is a free function, not a method; \
         take the state as the first parameter: `fn get(state: &T, ..)`"
    );
}

#[test]
fn a_function_without_state_is_static_and_sync() {
    let d = one("#[ffi]\npub async fn get() -> Result<(), String> { Ok(()) }\n");
    at(&d, 6, 5, "static function `get` cannot be async");
    assert_eq!(
        hint(&d),
        "a function without a state has no context whose worker could run it; make it \
         sync, or take the state first: `fn get(state: &T, ..)`"
    );
    let d = one("#[ffi]\npub fn get(x: &i64) -> Result<(), String> { Ok(()) }\n");
    at(&d, 6, 15, "unsupported type `&i64`");
}

#[test]
fn method_in_impl_block() {
    let d =
        one("impl T {\n    #[ffi]\n    pub fn get(&self) -> Result<(), String> { Ok(()) }\n}\n");
    at(
        &d,
        6,
        5,
        "`#[ffi]` cannot be used on a function inside an `impl` block",
    );
    assert_eq!(
        hint(&d),
        "put `#[ffi]` on the impl block itself (of the `#[ffi_library]` type or an \
         `#[ffi_object]`): it exports every `pub fn` taking `&self`"
    );
}

// 5. Results.

#[test]
fn method_must_return_result() {
    let d = one("#[ffi]\npub fn get(t: &T) -> i64 { 0 }\n");
    at(
        &d,
        6,
        22,
        "`#[ffi]` function `get` must return `Result<T, String>`",
    );
    assert_eq!(
        hint(&d),
        "errors cross the boundary as strings; return `Result<(), String>` when there is no value"
    );
    let d = one("#[ffi]\npub fn get(t: &T) {}\n");
    at(
        &d,
        6,
        8,
        "`#[ffi]` function `get` must return `Result<T, String>`",
    );
    let d = one("#[ffi]\npub fn get(t: &T) -> Result<i64, Error> { Ok(0) }\n");
    at(
        &d,
        6,
        22,
        "`#[ffi]` function `get` must return `Result<T, String>`",
    );
    let d = one("#[ffi]\npub fn get(t: &T) -> anyhow::Result<i64> { Ok(0) }\n");
    at(
        &d,
        6,
        22,
        "`#[ffi]` function `get` must return `Result<T, String>`",
    );
}

// 6. Unsupported types.

#[test]
fn unsupported_types() {
    let cases = [
        ("HashMap<String, i64>", 20),
        ("std::collections::HashMap<String, i64>", 20),
        ("&str", 20),
        ("&'static str", 20),
        ("(i32, i32)", 20),
        ("()", 20),
        ("[u8; 4]", 20),
        ("&[u8]", 20),
        ("usize", 20),
        ("isize", 20),
        ("char", 20),
        ("Box<i32>", 20),
        ("Box<dyn Fn()>", 20),
        ("dyn Send", 20),
        ("impl Send", 20),
        ("*const u8", 20),
        ("Vec<usize>", 24),
        ("Option<&str>", 27),
        ("Vec<i32, A>", 20),
    ];
    for (ty, col) in cases {
        let d = one(&format!(
            "#[ffi]\npub fn f(t: &T, x: {ty}) -> Result<(), String> {{ Ok(()) }}\n"
        ));
        let shown = if ty.starts_with("Vec<usize") {
            "usize"
        } else if ty.starts_with("Option<&") {
            "&str"
        } else {
            ty
        };
        at(&d, 6, col, &format!("unsupported type `{shown}`"));
        assert_eq!(hint(&d), SUPPORTED);
    }
}

#[test]
fn unsupported_field_and_result_types() {
    let d = one("#[ffi_type]\npub struct A {\n    pub m: HashMap<String, i64>,\n}\n");
    at(&d, 7, 12, "unsupported type `HashMap<String, i64>`");
    let d = one("#[ffi]\npub fn f(t: &T) -> Result<&'static str, String> { Ok(\"\") }\n");
    at(&d, 6, 27, "unsupported type `&'static str`");
    let d = one("#[ffi_host]\npub async fn h(x: u128) -> Result<(), String>;\n");
    at(&d, 6, 19, "unsupported type `u128`");
}

#[test]
fn generic_function() {
    let d = one("#[ffi]\npub fn f<X>(t: &T, x: i64) -> Result<(), String> { Ok(()) }\n");
    at(
        &d,
        6,
        9,
        "`#[ffi]` function `f` cannot have generic parameters or lifetimes",
    );
    assert_eq!(
        hint(&d),
        "generated C, Go and C++ code needs one concrete type; remove the parameters"
    );
    let d = one("#[ffi]\npub fn f<'a>(t: &'a T) -> Result<(), String> { Ok(()) }\n");
    at(
        &d,
        6,
        9,
        "`#[ffi]` function `f` cannot have generic parameters or lifetimes",
    );
}

// 7. Named types that are not #[ffi_type]s.

#[test]
fn type_without_ffi_type() {
    let d = one(
        "pub struct Plain { pub x: i32 }\n#[ffi]\npub fn f(t: &T, p: Plain) -> Result<(), String> { Ok(()) }\n",
    );
    at(&d, 7, 20, "type `Plain` is not an `#[ffi_type]`");
    assert_eq!(
        hint(&d),
        format!(
            "add #[ffi_type] to `Plain` (a struct with named fields or a fieldless enum); {SUPPORTED}"
        )
    );
    let d = one("#[ffi]\npub fn f(t: &T) -> Result<Vec<crate::m::Plain>, String> { todo!() }\n");
    at(&d, 6, 41, "type `Plain` is not an `#[ffi_type]`");
}

// 8. Shapes of #[ffi_type].

#[test]
fn bad_type_shapes() {
    let d = one("#[ffi_type]\npub struct P(i32, i32);\n");
    at(&d, 6, 13, "`#[ffi_type]` on tuple struct `P`");
    assert_eq!(
        hint(&d),
        "use named fields: `pub struct Name { pub field: Type }`"
    );
    let d = one("#[ffi_type]\npub struct U;\n");
    at(&d, 6, 12, "`#[ffi_type]` on unit struct `U`");
    assert_eq!(hint(&d), "give it named fields, or use a fieldless enum");
    let all = diags(&[(
        "src/lib.rs",
        &format!(
            "{BASE}#[ffi_type]\npub enum E {{\n    A,\n    B(i32),\n    C {{ x: i32 }},\n}}\n"
        ),
    )]);
    assert_eq!(all.len(), 2);
    let d = &all[0];
    at(
        d,
        8,
        6,
        "variant `B` of `#[ffi_type]` enum `E` carries data",
    );
    at(
        &all[1],
        9,
        7,
        "variant `C` of `#[ffi_type]` enum `E` carries data",
    );
    assert_eq!(
        hint(d),
        "only fieldless enums are supported; put the data in an #[ffi_type] struct next to the enum"
    );
    let d = one("#[ffi_type]\npub enum E {\n    A = 1,\n    B,\n}\n");
    at(
        &d,
        7,
        7,
        "explicit discriminant on variant `A` of `#[ffi_type]` enum `E`",
    );
    assert_eq!(
        hint(&d),
        "remove `= ..`: variants cross the boundary as their index (0, 1, 2, ..) in declaration order"
    );
    let d = one("#[ffi_type]\npub enum E {}\n");
    at(&d, 6, 10, "`#[ffi_type]` enum `E` has no variants");
    let d = one("#[ffi_type]\npub struct S {}\n");
    at(&d, 6, 12, "`#[ffi_type]` struct `S` has no fields");
    let d = one("#[ffi_type]\npub type A = i32;\n");
    at(
        &d,
        5,
        1,
        "`#[ffi_type]` cannot be applied to this kind of item",
    );
}

#[test]
fn duplicate_type_names() {
    let d = diags(&[
        (
            "src/lib.rs",
            &format!("{BASE}#[ffi_type]\npub struct Dup {{ pub x: i32 }}\nmod a;\n"),
        ),
        ("src/a.rs", "#[ffi_type]\npub(crate) enum Dup { A }\n"),
    ]);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].file, PathBuf::from("src/a.rs"));
    at(&d[0], 2, 17, "duplicate `#[ffi_type]` name `Dup`");
    assert_eq!(
        hint(&d[0]),
        "the first is at src/lib.rs:6:12; generated C, Go and C++ names must be unique, so rename one"
    );
}

// 9. Recursion.

#[test]
fn recursive_types() {
    let d = one("#[ffi_type]\npub struct Node {\n    pub children: Vec<Node>,\n}\n");
    at(
        &d,
        7,
        9,
        "recursive type `Node`: field `children` contains `Node` again (Node -> Node)",
    );
    assert_eq!(
        hint(&d),
        "values are copied across the boundary, so a type cannot contain itself, even through \
         Vec or Option; flatten it, e.g. keep the items in a Vec and refer to them by index"
    );
    let d = one(
        "#[ffi_type]\npub struct A { pub x: i32, pub b: Option<B> }\n\
         #[ffi_type]\npub struct B { pub c: Vec<C> }\n\
         #[ffi_type]\npub struct C { pub a: Option<Vec<A>> }\n",
    );
    at(
        &d,
        6,
        32,
        "recursive type `A`: field `b` contains `A` again (A -> B -> C -> A)",
    );
}

// 10. Names.

#[test]
fn duplicate_method_names() {
    let d = diags(&[
        (
            "src/lib.rs",
            &format!(
                "{BASE}#[ffi]\npub fn get(t: &T) -> Result<(), String> {{ Ok(()) }}\nmod a;\n"
            ),
        ),
        (
            "src/a.rs",
            "#[ffi]\npub fn get(t: &crate::T) -> Result<(), String> { Ok(()) }\n",
        ),
    ]);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].file, PathBuf::from("src/a.rs"));
    at(&d[0], 2, 8, "duplicate `#[ffi]` name `get`");
    assert_eq!(
        hint(&d[0]),
        "the first is at src/lib.rs:6:8; each becomes one generated C function, \
         so names must be unique across modules"
    );
}

#[test]
fn reserved_method_names() {
    for name in [
        "create",
        "destroy",
        "register_host_fn",
        "host_complete",
        "add_event_listener",
        "remove_event_listener",
        "cancel",
        "abi_version",
        "free",
    ] {
        let d = one(&format!(
            "#[ffi]\npub fn {name}(t: &T) -> Result<(), String> {{ Ok(()) }}\n"
        ));
        at(
            &d,
            6,
            8,
            &format!("`#[ffi]` function name `{name}` is reserved"),
        );
        assert!(hint(&d).starts_with(&format!(
            "the generated C API already defines `t_{name}`; rename the function"
        )));
    }
}

#[test]
fn reserved_names_include_every_library_function() {
    for name in [
        "create_cbor",
        "call_cbor",
        "interface_fingerprint",
        "check_interface",
    ] {
        let d = one(&format!(
            "#[ffi]\npub fn {name}(t: &T) -> Result<(), String> {{ Ok(()) }}\n"
        ));
        at(
            &d,
            6,
            8,
            &format!("`#[ffi]` function name `{name}` is reserved"),
        );
    }
}

#[test]
fn a_method_beside_its_cbor_twin_collides_at_the_later_one() {
    let d = one(
        "#[ffi]\npub fn echo(t: &T) -> Result<(), String> { Ok(()) }\n\
         #[ffi]\npub fn echo_cbor(t: &T) -> Result<(), String> { Ok(()) }\n",
    );
    at(
        &d,
        8,
        8,
        "the C function of method `echo_cbor` is `t_echo_cbor`, which is already \
         the CBOR C function of method `echo`",
    );
    assert_eq!(
        hint(&d),
        "every C name must be unique (at src/lib.rs:6:8); rename one of them"
    );
    // The other order: the CBOR twin of the later method collides.
    let d = one(
        "#[ffi]\npub fn echo_cbor(t: &T) -> Result<(), String> { Ok(()) }\n\
         #[ffi]\npub fn echo(t: &T) -> Result<(), String> { Ok(()) }\n",
    );
    at(
        &d,
        8,
        8,
        "the CBOR C function of method `echo` is `t_echo_cbor`, which is already \
         the C function of method `echo_cbor`",
    );
}

#[test]
fn a_method_named_call_collides_with_the_dispatcher() {
    let d = one("#[ffi]\npub fn call(t: &T) -> Result<(), String> { Ok(()) }\n");
    at(
        &d,
        6,
        8,
        "the CBOR C function of method `call` is `t_call_cbor`, which is already \
         the library's own C function `call_cbor`",
    );
    assert_eq!(
        hint(&d),
        "every C name must be unique (at src/lib.rs:2:12); rename one of them"
    );
}

#[test]
fn types_enum_constants_and_arg_structs_collide_too() {
    // A type named like a library function.
    let d = one("#[ffi_type]\n#[allow(non_camel_case_types)]\npub struct destroy { pub a: i32 }\n");
    at(
        &d,
        7,
        12,
        "the C type of `destroy` is `t_destroy`, which is already the library's own \
         C function `destroy`",
    );
    // An enum constant equal to a header macro.
    let d = one("#[ffi_type]\npub enum Abi { Version }\n");
    at(
        &d,
        6,
        16,
        "the C constant of `Abi::Version` is `T_ABI_VERSION`, which is already the \
         header macro `ABI_VERSION`",
    );
    // Two enums whose constants meet.
    let d = one(
        "#[ffi_type]\npub enum PriorityLow { High }\n#[ffi_type]\npub enum Priority { LowHigh }\n",
    );
    at(
        &d,
        8,
        21,
        "the C constant of `Priority::LowHigh` is `T_PRIORITY_LOW_HIGH`, which is \
         already the C constant of `PriorityLow::High`",
    );
    // A method named like the argument struct of a host function.
    let d = one(
        "#[ffi_host]\npub async fn fetch(a: String, b: String) -> Result<(), String>;\n\
         #[ffi]\npub fn fetch_args(t: &T) -> Result<(), String> { Ok(()) }\n",
    );
    at(
        &d,
        8,
        8,
        "the C function of method `fetch_args` is `t_fetch_args`, which is already \
         the argument struct of `fetch`",
    );
}

#[test]
fn duplicate_event_and_host_names() {
    let d = one("#[ffi_event]\npub fn e(x: i32);\n#[ffi_event]\npub fn e(y: i64);\n");
    at(&d, 8, 8, "duplicate `#[ffi_event]` name `e`");
    let d = one("#[ffi_host]\npub async fn h() -> Result<(), String>;\n\
         #[ffi_host]\npub async fn h() -> Result<(), String>;\n");
    at(&d, 8, 14, "duplicate `#[ffi_host]` name `h`");
}

// 11. Events, host functions, parameter patterns.

#[test]
fn host_fn_shape() {
    let d = one("#[ffi_host]\npub fn h(k: String) -> Result<String, String>;\n");
    at(&d, 6, 5, "`#[ffi_host]` `h` must be async");
    assert_eq!(
        hint(&d),
        "declare it as `#[ffi_host] pub async fn h(..) -> Result<T, String>;`; \
         the host answers asynchronously"
    );
    let d = one("#[ffi_host]\npub async fn h() -> Result<(), String> { Ok(()) }\n");
    at(&d, 6, 40, "`#[ffi_host]` `h` must not have a body");
    let d = one("#[ffi_host]\npub async fn h() -> String;\n");
    at(
        &d,
        6,
        21,
        "`#[ffi_host]` function `h` must return `Result<T, String>`",
    );
}

#[test]
fn event_shape() {
    let d = one("#[ffi_event]\npub async fn e(x: i32);\n");
    at(&d, 6, 5, "`#[ffi_event]` `e` cannot be async");
    assert_eq!(
        hint(&d),
        "declare it as `#[ffi_event] pub fn e(..);`: fire and forget"
    );
    let d = one("#[ffi_event]\npub fn e(x: i32) {}\n");
    at(&d, 6, 18, "`#[ffi_event]` `e` must not have a body");
    let d = one("#[ffi_event]\npub fn e(x: i32) -> i32;\n");
    at(&d, 6, 21, "`#[ffi_event]` `e` cannot return a value");
}

#[test]
fn param_patterns() {
    let d = one("#[ffi]\npub fn f(t: &T, _: i32) -> Result<(), String> { Ok(()) }\n");
    at(&d, 6, 17, "parameter pattern `_` is not supported");
    assert_eq!(
        hint(&d),
        "use a plain name (`name: Type`); it becomes the parameter name in C, Go and C++"
    );
    let d = one("#[ffi_event]\npub fn e(Wrapper { x }: Wrapper);\n");
    at(
        &d,
        6,
        10,
        "parameter pattern `Wrapper { x }` is not supported",
    );
    let d = one("#[ffi_ctor]\npub fn n2((a, b): (i32, i32)) -> Result<T, String> { todo!() }\n");
    assert_eq!(
        d.message,
        "a second `#[ffi_ctor]` function `n2`; a library has exactly one constructor"
    );
}

// 12. The destructor.

#[test]
fn dtor_shape() {
    let d = one("#[ffi_dtor]\npub fn bye(t: &T, now: bool) {}\n");
    at(&d, 6, 19, "`#[ffi_dtor]` function `bye` takes only `&T`");
    assert_eq!(hint(&d), "write `fn bye(state: &T)`");
    let d = one("#[ffi_dtor]\npub fn bye() {}\n");
    at(
        &d,
        6,
        11,
        "`#[ffi_dtor]` function `bye` must take `&T` as its first parameter",
    );
    let d = one("#[ffi_dtor]\npub fn bye(t: &mut T) {}\n");
    at(&d, 6, 15, "methods take `&T`, not `&mut T`");
    let d = one("#[ffi_dtor]\npub async fn bye(t: &T) -> Result<(), String> { Ok(()) }\n");
    at(
        &d,
        6,
        28,
        "`#[ffi_dtor]` function `bye` must not return a value",
    );
    assert_eq!(
        hint(&d),
        "teardown cannot report anything to the host; handle errors inside it"
    );
    // `-> ()` is the same as no return type.
    let src = format!("{BASE}#[ffi_dtor]\npub fn bye(t: &T) -> () {{}}\n");
    let map = |p: &Path| {
        (p == Path::new("src/lib.rs"))
            .then(|| src.clone())
            .ok_or_else(|| std::io::Error::other("missing"))
    };
    assert!(parse_sources(Path::new("src/lib.rs"), &map, "t").is_ok());
}

#[test]
fn second_dtor() {
    let d = one("#[ffi_dtor]\npub fn a(t: &T) {}\n#[ffi_dtor]\npub fn b(t: &T) {}\n");
    at(
        &d,
        8,
        8,
        "a second `#[ffi_dtor]` function `b`; a library has at most one destructor",
    );
    assert_eq!(hint(&d), "keep one; the first is `a` at src/lib.rs:6:8");
}

// 13. Generics on the state and on types.

#[test]
fn generic_state_and_types() {
    let src = "#[ffi_library(name = \"t\")]\npub struct T<'a> { x: &'a str }\n\
               #[ffi_ctor]\npub fn new() -> Result<T, String> { todo!() }\n";
    let d = only(src);
    at(
        &d,
        2,
        13,
        "`#[ffi_library]` struct `T` cannot have generic parameters or lifetimes",
    );
    let d = one("#[ffi_type]\npub struct G<X> { pub x: i32 }\n");
    at(
        &d,
        6,
        13,
        "`#[ffi_type]` `G` cannot have generic parameters or lifetimes",
    );
    let d = one("#[ffi_type]\npub enum E<'a> { A }\n");
    at(
        &d,
        6,
        11,
        "`#[ffi_type]` `E` cannot have generic parameters or lifetimes",
    );
    let d = one(
        "#[ffi_type]\npub struct W { pub x: Wrap<i32> }\n#[ffi_type]\npub struct Wrap { pub y: i32 }\n",
    );
    at(&d, 6, 23, "unsupported type `Wrap<i32>`");
}

// 14. Visibility from the generated glue.

#[test]
fn private_items_in_other_modules() {
    let d = diags(&[
        ("src/lib.rs", &format!("{BASE}mod a;\n")),
        (
            "src/a.rs",
            "#[ffi_type]\nstruct P { pub x: i32 }\n\
             #[ffi]\nfn m(t: &crate::T) -> Result<(), String> { Ok(()) }\n\
             #[ffi]\npub(crate) fn ok(t: &crate::T) -> Result<(), String> { Ok(()) }\n\
             #[ffi_event]\npub(self) fn e(x: i32);\n",
        ),
    ]);
    assert_eq!(d.len(), 3, "{}", Diagnostics(d.clone()));
    assert_eq!(
        d[0],
        Diagnostic {
            file: "src/a.rs".into(),
            line: 2,
            column: 8,
            message: "`#[ffi_type]` `P` is private to `crate::a`, but the generated glue \
                      lives next to the `#[ffi_library]` struct in `crate`"
                .into(),
            hint: Some("make it `pub(crate)` (or `pub`)".into()),
        }
    );
    at(
        &d[1],
        4,
        4,
        "`#[ffi]` function `m` is private to `crate::a`, but the generated glue lives next \
         to the `#[ffi_library]` struct in `crate`",
    );
    at(
        &d[2],
        8,
        14,
        "`#[ffi_event]` function `e` is private to `crate::a`, but the generated glue lives \
         next to the `#[ffi_library]` struct in `crate`",
    );
}

#[test]
fn private_items_in_the_state_module_are_fine() {
    let src = format!("{BASE}#[ffi]\nfn m(t: &T) -> Result<(), String> {{ Ok(()) }}\n");
    let map = |p: &Path| {
        (p == Path::new("src/lib.rs"))
            .then(|| src.clone())
            .ok_or_else(|| std::io::Error::other("missing"))
    };
    assert!(parse_sources(Path::new("src/lib.rs"), &map, "t").is_ok());
}

// 15. Raw identifiers are accepted (SPEC section 2); the IR keeps the name
// without `r#`, which each emitter escapes for its language.

#[test]
fn raw_identifiers_are_accepted_without_their_prefix() {
    let src = format!(
        "{BASE}#[ffi_type]\npub struct R {{ pub r#type: i32 }}\n\
         #[ffi]\npub fn r#match(t: &T, r#type: R, r#fn: String) -> Result<(), String> {{ Ok(()) }}\n"
    );
    let map = |p: &Path| {
        (p == Path::new("src/lib.rs"))
            .then(|| src.clone())
            .ok_or_else(|| std::io::Error::other("missing"))
    };
    let lib = parse_sources(Path::new("src/lib.rs"), &map, "t")
        .unwrap_or_else(|e| panic!("{e}"))
        .library;
    let m = &lib.methods[0];
    assert_eq!(m.name, "match");
    assert_eq!(m.rust_path, "crate::r#match");
    let params: Vec<&str> = m.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["type", "fn"]);
    let ffi_build::ir::TypeDef::Struct(r) = &lib.types[0] else {
        panic!("a struct")
    };
    assert_eq!(r.fields[0].name, "type");
}

/// A raw-named duplicate is still a duplicate: `r#match` and `match` are
/// one name.
#[test]
fn raw_and_plain_spellings_of_a_name_collide() {
    let d = one(
        "#[ffi]\npub fn r#loop(t: &T) -> Result<(), String> { Ok(()) }\n\
         mod m {\n    #[ffi_core::ffi]\n    pub fn r#loop(t: &crate::T) -> Result<(), String> { Ok(()) }\n}\n",
    );
    at(&d, 9, 12, "duplicate `#[ffi]` name `loop`");
}

// Loading the crate.

#[test]
fn missing_module_file() {
    let d = only(&format!("{BASE}pub mod gone;\n"));
    assert_eq!(
        d,
        Diagnostic {
            file: "src/lib.rs".into(),
            line: 5,
            column: 5,
            message: "file not found for module `gone`".into(),
            hint: Some("create `src/gone.rs` or `src/gone/mod.rs`".into()),
        }
    );
    let d = diags(&[
        (
            "src/lib.rs",
            &format!("{BASE}mod a;\n#[path = \"x/y.rs\"]\nmod b;\n"),
        ),
        ("src/a.rs", "mod c;"),
    ]);
    assert_eq!(d.len(), 2);
    at(&d[0], 7, 1, "file not found for module `b`");
    assert_eq!(d[0].hint.as_deref(), Some("create `src/x/y.rs`"));
    assert_eq!(d[1].file, PathBuf::from("src/a.rs"));
    at(&d[1], 1, 1, "file not found for module `c`");
    assert_eq!(
        d[1].hint.as_deref(),
        Some("create `src/a/c.rs` or `src/a/c/mod.rs`")
    );
}

#[test]
fn syntax_error() {
    let d = diags(&[
        ("src/lib.rs", &format!("{BASE}mod a;\n")),
        ("src/a.rs", "pub fn broken( {\n"),
    ]);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].file, PathBuf::from("src/a.rs"));
    assert!(
        d[0].message.starts_with("cannot parse this file: "),
        "{}",
        d[0]
    );
    assert_eq!((d[0].line, d[0].column), (1, 16));
}

// Reporting.

#[test]
fn all_errors_of_a_stage_are_collected() {
    let src = "#[ffi_library]\npub struct T;\n\
               #[ffi]\npub fn a(t: &mut T) -> Result<HashMap<String, i64>, String> { todo!() }\n\
               #[ffi]\npub fn b(t: &T, x: usize) -> Option<i32> { None }\n";
    let d = diags(&[("src/lib.rs", src)]);
    let got: Vec<(usize, usize, &str)> = d
        .iter()
        .map(|d| (d.line, d.column, d.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                1,
                1,
                "`#[ffi_library]` needs a name: `#[ffi_library(name = \"...\")]`"
            ),
            (2, 12, "no `#[ffi_ctor]` function found"),
            (4, 13, "methods take `&T`, not `&mut T`"),
            (4, 31, "unsupported type `HashMap<String, i64>`"),
            (6, 20, "unsupported type `usize`"),
            (
                6,
                30,
                "`#[ffi]` function `b` must return `Result<T, String>`"
            ),
        ]
    );
}

#[test]
fn display_looks_like_rustc() {
    let d = Diagnostic {
        file: "src/lib.rs".into(),
        line: 3,
        column: 7,
        message: "unsupported type `usize`".into(),
        hint: Some("use u64".into()),
    };
    assert_eq!(
        d.to_string(),
        "error: unsupported type `usize`\n  --> src/lib.rs:3:7\n  = help: use u64"
    );
    let bare = Diagnostic {
        hint: None,
        ..d.clone()
    };
    assert_eq!(
        bare.to_string(),
        "error: unsupported type `usize`\n  --> src/lib.rs:3:7"
    );
    assert_eq!(
        Diagnostics(vec![d, bare]).to_string(),
        "error: unsupported type `usize`\n  --> src/lib.rs:3:7\n  = help: use u64\n\n\
         error: unsupported type `usize`\n  --> src/lib.rs:3:7"
    );
}

// The attribute macros report per-item errors with the same checks
// (`ffi_abi::checks`): the build script's messages for the macros'
// compile-fail cases are the macros' messages, word for word.

#[test]
fn build_script_and_macros_report_the_same_words() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ffi-macros/tests/ui");
    for (case, state) in [
        ("unsupported_param", "State"),
        ("mut_state", "Counter"),
        ("missing_result", "State"),
        ("generic_fn", "State"),
    ] {
        let src = std::fs::read_to_string(ui.join(format!("{case}.rs"))).unwrap();
        // Make it a library: the state struct named, and a constructor.
        let src =
            src.replacen(
                &format!("pub struct {state}"),
                &format!("#[ffi_library(name = \"t\")]\npub struct {state}"),
                1,
            ) + &format!("#[ffi_ctor]\npub fn new() -> Result<{state}, String> {{ todo!() }}\n");
        let mut ours: Vec<String> = diags(&[("src/lib.rs", &src)])
            .into_iter()
            .map(|d| d.message)
            .collect();
        let stderr = std::fs::read_to_string(ui.join(format!("{case}.stderr"))).unwrap();
        let mut theirs: Vec<String> = stderr
            .lines()
            .filter_map(|l| l.strip_prefix("error: "))
            .map(str::to_string)
            .collect();
        ours.sort();
        theirs.sort();
        assert!(!ours.is_empty(), "{case}");
        assert_eq!(ours, theirs, "{case}");
    }
}

// Objects (SPEC section 8).

/// `BASE` plus an object `P` with one method, then `extra`.
fn with_object(extra: &str) -> Diagnostic {
    one(&format!(
        "#[ffi_object]\npub struct P {{}}\n#[ffi]\nimpl P {{\n    pub fn n(&self) -> Result<i64, String> {{ Ok(1) }}\n}}\n{extra}"
    ))
}

#[test]
fn impl_methods_take_shared_self() {
    let d =
        one("#[ffi]\nimpl T {\n    pub fn set(&mut self) -> Result<(), String> { Ok(()) }\n}\n");
    at(
        &d,
        7,
        16,
        "`set` takes `&mut self`; exported methods take `&self`",
    );
    let d = one("#[ffi]\nimpl T {\n    pub fn make() -> Result<(), String> { Ok(()) }\n}\n");
    at(
        &d,
        7,
        12,
        "`pub fn make` in an `#[ffi]` impl block does not take `&self`",
    );
    assert_eq!(
        hint(&d),
        "every `pub fn` of an `#[ffi] impl` is exported and must take `&self`; mark it \
         `#[ffi(skip)]` to leave it out, or make it private"
    );
    let d = one("#[ffi]\nimpl T {\n    pub fn take(self) -> Result<(), String> { Ok(()) }\n}\n");
    at(&d, 7, 17, "`take` must take `&self`, not `self`");
}

#[test]
fn skipped_and_private_functions_of_an_impl_are_left_alone() {
    let src = format!(
        "{BASE}#[ffi]\nimpl T {{\n    #[ffi(skip)]\n    pub fn helper() -> i64 {{ 1 }}\n    \
         fn private(&mut self) {{}}\n    pub fn ok(&self) -> Result<(), String> {{ Ok(()) }}\n}}\n"
    );
    let load = |p: &Path| {
        (p == Path::new("src/lib.rs"))
            .then(|| src.clone())
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no"))
    };
    let parsed = parse_sources(Path::new("src/lib.rs"), &load, "t").expect("valid");
    let names: Vec<&str> = parsed
        .library
        .methods
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(names, ["ok"]);
    assert_eq!(parsed.library.methods[0].rust_path, "crate::T::ok");
}

#[test]
fn impl_blocks_of_other_types_and_traits_are_refused() {
    let d = one(
        "pub struct Q;\n#[ffi]\nimpl Q {\n    pub fn n(&self) -> Result<(), String> { Ok(()) }\n}\n",
    );
    at(
        &d,
        7,
        6,
        "`#[ffi] impl Q`: `Q` is neither the `#[ffi_library]` type nor an `#[ffi_object]`",
    );
    let d = one("#[ffi]\nimpl Clone for T {\n    fn clone(&self) -> T { T {} }\n}\n");
    at(&d, 6, 6, "`#[ffi]` cannot export a trait impl");
}

#[test]
fn objects_cross_only_as_parameters_and_results() {
    let d = with_object("#[ffi]\npub fn f(t: &T, p: P) -> Result<(), String> { Ok(()) }\n");
    at(&d, 12, 20, "`#[ffi_object]` `P` cannot be taken by value");
    let d = with_object("#[ffi]\npub fn f(t: &T) -> Result<&P, String> { todo!() }\n");
    at(&d, 12, 28, "a method cannot return `&P`");
    let d = with_object("#[ffi]\npub fn f(t: &T) -> Result<Vec<Vec<P>>, String> { todo!() }\n");
    at(
        &d,
        12,
        35,
        "`P` nested more than one `Vec` or `Option` deep",
    );
    let d =
        with_object("#[ffi]\npub fn f(t: &T, p: Vec<Arc<P>>) -> Result<(), String> { Ok(()) }\n");
    at(&d, 12, 28, "`P` inside a `Vec` or `Option` parameter");
    let d = with_object("#[ffi_type]\npub struct S {\n    pub p: Arc<P>,\n}\n");
    at(&d, 13, 16, "a field cannot hold the `#[ffi_object]` `P`");
    assert_eq!(
        hint(&d),
        "objects cross only as method parameters (`&T`, `Arc<T>`) and method results (`T`, \
         `Arc<T>`, `Vec`/`Option` of those); use an `#[ffi_type]` here"
    );
    let d = with_object("#[ffi_event]\npub fn e(p: Arc<P>);\n");
    at(&d, 12, 17, "an event cannot hold the `#[ffi_object]` `P`");
    let d = with_object("#[ffi_host]\npub async fn h() -> Result<P, String>;\n");
    at(
        &d,
        12,
        28,
        "a host function cannot hold the `#[ffi_object]` `P`",
    );
    let d = with_object("#[ffi]\npub fn s(p: &P) -> Result<(), String> { Ok(()) }\n");
    at(
        &d,
        12,
        14,
        "a static function (it has no context to own objects) cannot hold the \
         `#[ffi_object]` `P`",
    );
    let d = with_object("#[ffi]\npub fn f(t: &T, x: &S) -> Result<(), String> { Ok(()) }\n");
    at(&d, 12, 21, "`&S`: `S` is not an `#[ffi_object]`");
}

#[test]
fn object_names_are_unique_and_their_symbols_checked() {
    let d = with_object("#[ffi_type]\npub struct P { pub a: i32 }\n");
    at(&d, 12, 12, "duplicate `#[ffi_type]` name `P`");
    let d = with_object("#[ffi]\npub fn p_n(t: &T) -> Result<(), String> { Ok(()) }\n");
    at(
        &d,
        12,
        8,
        "the C function of method `p_n` is `t_p_n`, which is already the C function of \
         method `P::n`",
    );
}

#[test]
fn fields_and_parameters_need_distinct_wire_names() {
    let d = one("#[ffi_type]\npub struct S {\n    pub a_b: i32,\n    pub aB: i32,\n}\n");
    at(&d, 8, 9, "field `aB` has the wire name `aB`, like `a_b`");
    assert_eq!(
        hint(&d),
        "the generated code would declare it twice (the first is at src/lib.rs:7:9); rename one"
    );
    let d = one("#[ffi_type]\npub struct S {\n    pub url_id: i32,\n    pub url_i_d: i32,\n}\n");
    at(
        &d,
        8,
        9,
        "field `url_i_d` has the Go name `URLID`, like `url_id`",
    );
    let d =
        one("#[ffi_type]\npub struct S {\n    pub r#default: i32,\n    pub default_: i32,\n}\n");
    // Its C and C++ name would be `default_` too; the wire name says so first.
    at(
        &d,
        8,
        9,
        "field `default_` has the wire name `default`, like `default`",
    );
    let d = one(
        "#[ffi]\npub fn f(t: &T, __ffi_ud: i32, __ffi_ud_: i32) -> Result<(), String> { Ok(()) }\n",
    );
    at(
        &d,
        6,
        32,
        "parameter `__ffi_ud_` has the wire name `ffiUd`, like `__ffi_ud`",
    );
}

#[test]
fn go_names_are_unique_in_each_package() {
    // An enum constant and a struct with the same Go name.
    let d = one(
        "#[ffi_type]\npub enum Priority { Low }\n#[ffi_type]\npub struct PriorityLow { pub a: i32 }\n",
    );
    at(
        &d,
        8,
        12,
        "type `PriorityLow` is `PriorityLow` in the Go cgo package, which is already that of \
         the constant of `Priority::Low`",
    );
    assert_eq!(
        hint(&d),
        "Go names must be unique in a package; rename one of them"
    );
    // A type named like what the remote client's package declares itself.
    let d = one("#[ffi_type]\npub struct Client { pub a: i32 }\n");
    at(
        &d,
        6,
        12,
        "type `Client` is `Client` in the Go remote client package, which is already a name \
         the generated package declares itself",
    );
    // ... or the cgo package's own (the constructor of the state).
    let d = one("#[ffi_type]\npub struct NewT { pub a: i32 }\n");
    at(
        &d,
        6,
        12,
        "type `NewT` is `NewT` in the Go cgo package, which is already a name the generated \
         package declares itself",
    );
}
