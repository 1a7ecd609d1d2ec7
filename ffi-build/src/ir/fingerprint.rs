//! The interface fingerprint (SPEC section 14): a hash of everything that
//! crosses the ABI, so bindings can refuse a library built from another
//! version of the source instead of misreading its memory.

use super::{Function, Library, Param, TypeDef, TypeRef};
use std::fmt::Write;

impl Library {
    /// 32 hex digits, stable across builds and toolchains: the ABI version,
    /// the library's name, and every name, type, layout and calling mode of
    /// its interface (docs and Rust paths excluded).
    pub fn fingerprint(&self) -> String {
        let text = self.canonical();
        let a = fnv1a(text.as_bytes(), 0xcbf2_9ce4_8422_2325);
        let b = fnv1a(text.as_bytes(), 0x6c62_272e_07bb_0142);
        format!("{a:016x}{b:016x}")
    }

    /// One line per item, in a fixed order, spelled out explicitly (not
    /// with `Debug`, whose format is not promised to stay the same).
    fn canonical(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "abi {}", crate::ABI_VERSION);
        let _ = writeln!(s, "library {} state {}", self.name, self.state.name);
        for t in &self.types {
            match t {
                TypeDef::Struct(st) => {
                    let _ = writeln!(s, "struct {}{}", st.name, fields(&st.fields));
                }
                TypeDef::Enum(e) => {
                    let variants: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
                    let _ = writeln!(s, "enum {} {}", e.name, variants.join(","));
                }
            }
        }
        function(&mut s, "ctor", &self.ctor);
        for m in &self.methods {
            function(&mut s, "method", m);
        }
        for o in &self.objects {
            let _ = writeln!(s, "object {}", o.name);
            for m in &o.methods {
                function(&mut s, &format!("method {}.", o.name), m);
            }
        }
        for f in &self.statics {
            function(&mut s, "static", f);
        }
        for e in &self.events {
            let _ = writeln!(s, "event {}{}", e.name, params(&e.params));
        }
        for h in &self.hosts {
            let _ = writeln!(s, "host {}{} -> {}", h.name, params(&h.params), ret(&h.ret));
        }
        s
    }
}

fn function(s: &mut String, kind: &str, f: &Function) {
    let mode = if f.is_async { "async" } else { "sync" };
    let _ = writeln!(
        s,
        "{kind} {mode} {}{} -> {}",
        f.name,
        params(&f.params),
        ret(&f.ret)
    );
}

fn fields(fields: &[super::Field]) -> String {
    fields
        .iter()
        .map(|f| format!(" {}:{}", f.name, f.ty))
        .collect()
}

fn params(params: &[Param]) -> String {
    params
        .iter()
        .map(|p| format!(" {}:{}", p.name, p.ty))
        .collect()
}

fn ret(ty: &Option<TypeRef>) -> String {
    ty.as_ref().map_or("()".to_string(), TypeRef::to_string)
}

fn fnv1a(bytes: &[u8], offset: u64) -> u64 {
    bytes.iter().fold(offset, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::fnv1a;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // FNV-1a 64 of "" and "a" (the published test vectors).
        assert_eq!(fnv1a(b"", 0xcbf2_9ce4_8422_2325), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a", 0xcbf2_9ce4_8422_2325), 0xaf63_dc4c_8601_ec8c);
    }
}
