//! Identifiers in the generated Rust glue. The IR keeps a name as the
//! author means it (`type` for `r#type`); where the glue spells it as a
//! Rust identifier, a Rust keyword gets its `r#` back.

use std::borrow::Cow;

/// Rust's strict and reserved keywords, in every edition, that may be
/// written as raw identifiers (`crate`, `self`, `Self` and `super` cannot,
/// so no author's name is one of them).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// `name` as a Rust identifier: `r#type` for `type`, `delay_ms` as is.
pub(crate) fn ident(name: &str) -> Cow<'_, str> {
    if KEYWORDS.contains(&name) {
        Cow::Owned(format!("r#{name}"))
    } else {
        Cow::Borrowed(name)
    }
}

/// The glue's local name for each parameter: the author's name (raw when
/// it is a keyword), unless it could be one the glue uses itself (every
/// `__ffi*` name, and the `LIBRARY` static that a binding cannot shadow):
/// those get a trailing `_`, as many as keep them distinct.
pub(crate) fn locals(params: &[crate::ir::Param]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in params {
        let mut name = ident(&p.name).into_owned();
        if name.starts_with("__ffi") || name == "LIBRARY" {
            name.push('_');
            while out.contains(&name) {
                name.push('_');
            }
        }
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::ident;

    #[test]
    fn keywords_become_raw_identifiers() {
        assert_eq!(ident("type"), "r#type");
        assert_eq!(ident("match"), "r#match");
        assert_eq!(ident("gen"), "r#gen");
        assert_eq!(ident("delay_ms"), "delay_ms");
        assert_eq!(ident("union"), "union");
    }

    /// Every listed word is accepted by syn as a raw identifier and is
    /// not a plain one.
    #[test]
    fn every_keyword_is_a_valid_raw_identifier() {
        for k in super::KEYWORDS {
            let raw = format!("r#{k}");
            assert!(syn::parse_str::<syn::Ident>(&raw).is_ok(), "{raw}");
        }
    }
}
