//! The names each generated Go package declares at package scope, with
//! what declares them, so that validation can refuse two items whose Go
//! names would be equal (an enum constant `PriorityLow` beside a struct
//! `PriorityLow`, a type named `Client` in the remote client's package, a
//! type named like a runtime helper) at the author's line.

use super::names::GoNames;
use crate::ir::{Library, Owner, TypeDef, TypeRef};

/// The identifiers `snippet` declares at package scope: `func f`, `type
/// T`, `var v`, `const c`, and the names of `var (..)`/`const (..)`
/// blocks. Methods (`func (r T) m`) are not package scope.
pub(crate) fn declared(snippet: &str) -> Vec<String> {
    let ident = |s: &str| -> Option<String> {
        let name: String = s
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name)
    };
    let mut out = Vec::new();
    let mut in_block = false;
    for line in snippet.lines() {
        if in_block {
            if line.starts_with(')') {
                in_block = false;
            } else if let Some(rest) = line.strip_prefix('\t') {
                out.extend(ident(rest));
            }
            continue;
        }
        if line == "var (" || line == "const (" {
            in_block = true;
            continue;
        }
        for kw in ["func ", "type ", "var ", "const "] {
            if let Some(rest) = line.strip_prefix(kw) {
                out.extend(ident(rest));
            }
        }
    }
    out
}

/// Every package-scope name of the cgo package (`in_process`) or of the
/// remote client, with its owner: the library's own (`Owner::Lifecycle`-like
/// builtins are `None`) or an author's item.
pub(crate) fn names(lib: &Library, in_process: bool) -> Vec<(String, Option<Owner>)> {
    let n = GoNames::new(&lib.name);
    let mut out: Vec<(String, Option<Owner>)> = Vec::new();
    let snippets: &[&str] = if in_process {
        &[super::RUNTIME, super::STATE]
    } else {
        &[super::super::go_client::CONN]
    };
    for s in snippets {
        out.extend(declared(s).into_iter().map(|d| (d, None)));
    }
    if in_process {
        out.push(("errInterface".into(), None));
        let state = &lib.state.name;
        out.push((state.clone(), None));
        out.push((n.ctor(state), None));
        out.push((format!("{}Context", n.ctor(state)), None));
    }
    for t in &lib.types {
        let owner = Some(Owner::Type(t.name().to_string()));
        out.push((t.name().to_string(), owner.clone()));
        match t {
            TypeDef::Struct(s) if in_process => {
                let ty = TypeRef::Struct(s.name.clone());
                out.push((n.lift_fn(&ty), owner.clone()));
                out.push((n.lower_fn(&ty), owner));
            }
            TypeDef::Struct(_) => {}
            TypeDef::Enum(e) => {
                for v in &e.variants {
                    out.push((
                        n.enum_const(&e.name, &v.name),
                        Some(Owner::EnumConst(e.name.clone(), v.name.clone())),
                    ));
                }
                if !in_process {
                    out.push((format!("names{}", e.name), owner));
                }
            }
        }
    }
    for o in &lib.objects {
        let owner = Some(Owner::Type(o.name.clone()));
        out.push((o.name.clone(), owner.clone()));
        if in_process {
            out.push((n.object_lift_fn(&o.name), owner));
        }
    }
    if in_process {
        for c in lib.compound_types() {
            let ty = c.ty();
            let owner = Some(Owner::Compound(ty.clone()));
            out.push((n.lift_fn(&ty), owner.clone()));
            if c.inner().object().is_none() {
                out.push((n.lower_fn(&ty), owner));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::declared;

    #[test]
    fn finds_package_scope_declarations() {
        let src = "package p\n\nfunc Dial(a int) {}\nfunc (c *Client) Close() error {}\ntype Client struct {\n\tconn int\n}\nvar ErrX = 1\nvar (\n\tqueue *C.q\n\tdrainMu sync.Mutex // x\n)\nconst answerMax = 3\n";
        assert_eq!(
            declared(src),
            ["Dial", "Client", "ErrX", "queue", "drainMu", "answerMax"]
        );
    }
}
