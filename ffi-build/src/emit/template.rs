//! The one way generated text is filled in: `{{name}}` placeholders in a
//! snippet file, each given exactly once. A placeholder left unfilled, or a
//! value that fills nothing, is a bug in the generator; it panics, so the
//! generator's own tests (which render every snippet) catch it before any
//! output could ship with a hole.

use crate::ir::{Lifecycle, Symbols};

/// Replaces every `{{key}}` of `template` by its value.
///
/// # Panics
/// On a placeholder without a value, or a value without a placeholder.
pub(crate) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut used = vec![false; values.len()];
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let key = &after[..end];
        if !is_key(key) {
            // Not a placeholder (e.g. a literal `{{` in the target language).
            out.push_str(&rest[..start + 2]);
            rest = after;
            continue;
        }
        let Some(i) = values.iter().position(|(k, _)| *k == key) else {
            panic!("template placeholder {{{{{key}}}}} has no value");
        };
        used[i] = true;
        out.push_str(&rest[..start]);
        out.push_str(values[i].1);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    if let Some(i) = used.iter().position(|u| !u) {
        panic!(
            "template value `{}` fills no placeholder {{{{{}}}}}",
            values[i].0, values[i].0
        );
    }
    out
}

/// [`fill`] with the C names of `functions` under their suffixes
/// (`{{destroy}}` -> `my_timer_destroy`), plus `extra`.
pub(crate) fn fill_with_symbols(
    template: &str,
    sym: Symbols<'_>,
    functions: &[Lifecycle],
    extra: &[(&str, &str)],
) -> String {
    let names: Vec<(&str, String)> = functions
        .iter()
        .map(|l| (l.suffix(), sym.lifecycle(*l)))
        .collect();
    let mut values: Vec<(&str, &str)> = names.iter().map(|(k, v)| (*k, v.as_str())).collect();
    values.extend_from_slice(extra);
    fill(template, &values)
}

fn is_key(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn fills_every_placeholder() {
        assert_eq!(
            fill("a {{x}} b {{y}} {{x}}", &[("x", "1"), ("y", "2")]),
            "a 1 b 2 1"
        );
        assert_eq!(fill("m{{ {{ }}n", &[]), "m{{ {{ }}n");
    }

    #[test]
    #[should_panic(expected = "placeholder {{y}} has no value")]
    fn unfilled_placeholder_panics() {
        fill("{{x}} {{y}}", &[("x", "1")]);
    }

    #[test]
    #[should_panic(expected = "value `z` fills no placeholder")]
    fn unused_value_panics() {
        fill("{{x}}", &[("x", "1"), ("z", "2")]);
    }
}
