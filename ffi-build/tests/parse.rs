//! Parsing well-formed crates into the IR.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ffi_build::ir::{Primitive, TypeDef, TypeRef};
use ffi_build::parse_sources;

fn parse(files: &[(&str, &str)]) -> ffi_build::ir::Library {
    let map: HashMap<PathBuf, String> = files
        .iter()
        .map(|(p, s)| (PathBuf::from(p), s.to_string()))
        .collect();
    let load = |p: &Path| {
        map.get(p)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
    };
    match parse_sources(Path::new("src/lib.rs"), &load, "my_timer") {
        Ok(parsed) => parsed.library,
        Err(e) => panic!("{e}"),
    }
}

fn files_of(files: &[(&str, &str)]) -> Vec<PathBuf> {
    let map: HashMap<PathBuf, String> = files
        .iter()
        .map(|(p, s)| (PathBuf::from(p), s.to_string()))
        .collect();
    let load = |p: &Path| {
        map.get(p)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
    };
    parse_sources(Path::new("src/lib.rs"), &load, "my_timer")
        .unwrap()
        .files
}

const SPEC_EXAMPLE: &str = r#"
use ffi_core::prelude::*;

/// One timer. The context owns exactly one value of this type.
#[ffi_library(name = "my_timer")]
pub struct MyTimer {
    name: String,
}

#[ffi_type]
pub struct TimerConfig {
    pub name: String,
}

/// A request.
///
///  Indented twice.
#[ffi_type]
pub struct EchoRequest {
    /// What to echo.
    pub message: String,
    pub delay_ms: i64,
}

#[ffi_type]
pub struct EchoResponse {
    pub message: String,
    pub priority: Priority,
}

#[ffi_type]
pub struct EchoEvent {
    pub message: String,
}

#[ffi_type]
pub enum Priority {
    /// Lowest.
    Low,
    Normal,
    High,
}

/// Constructor.
#[ffi_ctor]
pub async fn create(config: TimerConfig) -> Result<MyTimer, String> {
    Ok(MyTimer { name: config.name })
}

#[ffi]
pub async fn echo(timer: &MyTimer, req: EchoRequest) -> Result<EchoResponse, String> {
    todo!()
}

/// Sync method.
#[ffi]
pub fn version(timer: &MyTimer) -> Result<String, String> {
    Ok("1".into())
}

#[ffi_core::ffi]
pub fn reset(_t: &MyTimer) -> std::result::Result<(), String> {
    Ok(())
}

#[ffi_dtor]
pub async fn shutdown(timer: &MyTimer) {}

/// Fired on echo.
#[ffi_event]
pub fn echo_fired(evt: EchoEvent);

#[ffi_host]
pub async fn fetch_token(key: String) -> Result<String, String>;

fn helper<T>(x: T) -> T { x }
struct Private(u32);
impl MyTimer { fn inner(&mut self) {} }
"#;

#[test]
fn spec_example() {
    let lib = parse(&[("src/lib.rs", SPEC_EXAMPLE)]);
    assert_eq!(lib.name, "my_timer");
    assert_eq!(lib.link_name, "my_timer");
    assert_eq!(lib.state.name, "MyTimer");
    assert_eq!(lib.state.rust_path, "crate::MyTimer");
    assert_eq!(
        lib.state.docs,
        ["One timer. The context owns exactly one value of this type."]
    );
    let names: Vec<&str> = lib.types.iter().map(TypeDef::name).collect();
    assert_eq!(
        names,
        [
            "TimerConfig",
            "EchoRequest",
            "Priority",
            "EchoResponse",
            "EchoEvent"
        ]
    );
    let TypeDef::Struct(req) = lib.type_def("EchoRequest").unwrap() else {
        panic!()
    };
    assert_eq!(req.docs, ["A request.", "", " Indented twice."]);
    assert_eq!(req.fields[0].docs, ["What to echo."]);
    assert_eq!(req.fields[1].ty, TypeRef::Primitive(Primitive::I64));
    let TypeDef::Enum(prio) = lib.type_def("Priority").unwrap() else {
        panic!()
    };
    let variants: Vec<&str> = prio.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(variants, ["Low", "Normal", "High"]);
    assert_eq!(prio.variants[0].docs, ["Lowest."]);

    assert_eq!(lib.ctor.name, "create");
    assert_eq!(lib.ctor.rust_path, "crate::create");
    assert!(lib.ctor.is_async);
    assert_eq!(lib.ctor.params[0].name, "config");
    assert_eq!(lib.ctor.params[0].ty, TypeRef::Struct("TimerConfig".into()));
    assert_eq!(lib.ctor.ret, None);
    assert_eq!(lib.ctor.docs, ["Constructor."]);

    let methods: Vec<(&str, bool)> = lib
        .methods
        .iter()
        .map(|m| (m.name.as_str(), m.is_async))
        .collect();
    assert_eq!(
        methods,
        [("echo", true), ("version", false), ("reset", false)]
    );
    assert_eq!(lib.methods[0].params.len(), 1);
    assert_eq!(
        lib.methods[0].ret,
        Some(TypeRef::Struct("EchoResponse".into()))
    );
    assert_eq!(lib.methods[1].ret, Some(TypeRef::String));
    assert_eq!(lib.methods[1].docs, ["Sync method."]);
    assert_eq!(lib.methods[2].ret, None);

    let dtor = lib.dtor.as_ref().unwrap();
    assert_eq!((dtor.name.as_str(), dtor.is_async), ("shutdown", true));
    assert_eq!(dtor.rust_path, "crate::shutdown");

    assert_eq!(lib.events.len(), 1);
    assert_eq!(lib.events[0].name, "echo_fired");
    assert_eq!(lib.events[0].docs, ["Fired on echo."]);
    assert_eq!(lib.events[0].params[0].name, "evt");
    assert_eq!(
        lib.events[0].params[0].ty,
        TypeRef::Struct("EchoEvent".into())
    );
    assert_eq!(lib.hosts.len(), 1);
    assert_eq!(lib.hosts[0].name, "fetch_token");
    assert_eq!(lib.hosts[0].params[0].ty, TypeRef::String);
    assert_eq!(lib.hosts[0].ret, Some(TypeRef::String));
}

const MINIMAL_ROOT: &str = r#"
mod a;
#[path = "elsewhere/c_impl.rs"]
mod c;
mod inline {
    #[ffi_type]
    pub(crate) struct InInline { pub x: u8 }
}

#[ffi_library(name = "multi")]
pub struct Lib;

#[ffi_ctor]
fn new() -> Result<Lib, String> { Ok(Lib) }
"#;

#[test]
fn follows_modules_and_records_paths() {
    let files = [
        ("src/lib.rs", MINIMAL_ROOT),
        (
            "src/a.rs",
            "pub mod b;\n#[ffi]\npub(crate) fn in_a(s: &crate::Lib) -> Result<(), String> { Ok(()) }",
        ),
        (
            "src/a/b.rs",
            "#[ffi_type]\npub struct InB { pub v: Vec<crate::c::InC> }\n\
             #[ffi]\npub fn in_b(s: &Lib) -> Result<InB, String> { todo!() }",
        ),
        (
            "src/elsewhere/c_impl.rs",
            "mod d;\n#[ffi_type]\npub enum InC { X }",
        ),
        (
            "src/elsewhere/d.rs",
            "#[ffi_event]\npub(crate) fn in_d(x: crate::inline::InInline);",
        ),
    ];
    let lib = parse(&files);
    assert_eq!(lib.name, "multi");
    assert_eq!(lib.state.rust_path, "crate::Lib");
    let paths: Vec<(&str, &str)> = lib
        .types
        .iter()
        .map(|t| match t {
            TypeDef::Struct(s) => (s.name.as_str(), s.rust_path.as_str()),
            TypeDef::Enum(e) => (e.name.as_str(), e.rust_path.as_str()),
        })
        .collect();
    assert_eq!(
        paths,
        [
            ("InC", "crate::c::InC"),
            ("InB", "crate::a::b::InB"),
            ("InInline", "crate::inline::InInline"),
        ]
    );
    let methods: Vec<&str> = lib.methods.iter().map(|m| m.rust_path.as_str()).collect();
    assert_eq!(methods, ["crate::a::b::in_b", "crate::a::in_a"]);
    assert_eq!(lib.ctor.rust_path, "crate::new");
    assert_eq!(lib.events[0].name, "in_d");
    assert_eq!(
        lib.events[0].params[0].ty,
        TypeRef::Struct("InInline".into())
    );
    let expected: Vec<PathBuf> = [
        "src/lib.rs",
        "src/a.rs",
        "src/a/b.rs",
        "src/elsewhere/c_impl.rs",
        "src/elsewhere/d.rs",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    assert_eq!(files_of(&files), expected);
}

#[test]
fn mod_rs_children_live_beside_it() {
    let files = [
        (
            "src/lib.rs",
            MINIMAL_ROOT.replace("mod a;", "mod m;").leak() as &str,
        ),
        ("src/m/mod.rs", "mod n;"),
        (
            "src/m/n.rs",
            "#[ffi]\npub(crate) fn deep(s: &super::super::Lib) -> Result<bool, String> { Ok(true) }",
        ),
        ("src/elsewhere/c_impl.rs", "#[ffi_type]\npub enum InC { X }"),
    ];
    let lib = parse(&files);
    assert_eq!(lib.methods[0].rust_path, "crate::m::n::deep");
    assert_eq!(
        lib.methods[0].ret,
        Some(TypeRef::Primitive(Primitive::Bool))
    );
}

fn vec(t: TypeRef) -> TypeRef {
    TypeRef::Vec(Box::new(t))
}

fn opt(t: TypeRef) -> TypeRef {
    TypeRef::Option(Box::new(t))
}

#[test]
fn nested_types_and_topological_order() {
    let src = r#"
#[ffi_library(name = "nest")]
pub struct S {}

#[ffi_type]
pub struct Top {
    pub mids: Vec<Mid>,
    pub grid: Vec<Vec<String>>,
    pub maybe_list: Option<Vec<Leaf>>,
    pub list_of_maybe: std::vec::Vec<std::option::Option<Leaf>>,
    pub bytes: Vec<u8>,
    pub many_bytes: Vec<Vec<u8>>,
    pub floats: Option<f64>,
}

#[ffi_type]
pub struct Mid {
    pub leaf: Option<Leaf>,
    pub kind: Kind,
}

#[ffi_type]
pub struct Unrelated { pub a: i8, pub b: i16, pub c: i32, pub d: u16, pub e: u32, pub f: u64, pub g: f32 }

#[ffi_type]
pub struct Leaf { pub name: std::string::String }

#[ffi_type]
pub enum Kind { A, B }

#[ffi_ctor]
pub fn new(top: Top, tops: Vec<Top>) -> core::result::Result<S, String> { todo!() }
"#;
    let lib = parse(&[("src/lib.rs", src)]);
    let names: Vec<&str> = lib.types.iter().map(TypeDef::name).collect();
    assert_eq!(names, ["Leaf", "Kind", "Mid", "Top", "Unrelated"]);
    let TypeDef::Struct(top) = lib.type_def("Top").unwrap() else {
        panic!()
    };
    let leaf = || TypeRef::Struct("Leaf".into());
    let tys: Vec<TypeRef> = top.fields.iter().map(|f| f.ty.clone()).collect();
    assert_eq!(
        tys,
        [
            vec(TypeRef::Struct("Mid".into())),
            vec(vec(TypeRef::String)),
            opt(vec(leaf())),
            vec(opt(leaf())),
            TypeRef::Bytes,
            vec(TypeRef::Bytes),
            opt(TypeRef::Primitive(Primitive::F64)),
        ]
    );
    let TypeDef::Struct(mid) = lib.type_def("Mid").unwrap() else {
        panic!()
    };
    assert_eq!(mid.fields[1].ty, TypeRef::Enum("Kind".into()));
    assert_eq!(lib.ctor.params[1].ty, vec(TypeRef::Struct("Top".into())));
}
