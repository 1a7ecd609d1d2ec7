//! The text writer of the emitters: lines at the current indentation,
//! nested blocks, and nothing to unwrap (writing to a `String` cannot
//! fail, so no `let _ = writeln!` noise and no ignored results).

pub(crate) struct Writer {
    out: String,
    depth: usize,
    unit: &'static str,
}

impl Writer {
    /// A writer indenting by `unit` per level (`"    "`, `"\t"`).
    pub(crate) fn new(unit: &'static str) -> Self {
        Writer {
            out: String::new(),
            depth: 0,
            unit,
        }
    }

    /// Each line of `text` at the current indentation (empty lines stay
    /// empty), then a newline.
    pub(crate) fn line(&mut self, text: impl AsRef<str>) {
        for line in text.as_ref().split('\n') {
            if !line.is_empty() {
                for _ in 0..self.depth {
                    self.out.push_str(self.unit);
                }
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
    }

    pub(crate) fn blank(&mut self) {
        self.out.push('\n');
    }

    /// `text` exactly as given (a snippet file, already formatted).
    pub(crate) fn raw(&mut self, text: impl AsRef<str>) {
        self.out.push_str(text.as_ref());
    }

    /// Runs `body` one level deeper.
    pub(crate) fn indented(&mut self, body: impl FnOnce(&mut Self)) {
        self.depth += 1;
        body(self);
        self.depth -= 1;
    }

    /// `open`, then `body` one level deeper, then `close`.
    pub(crate) fn block(
        &mut self,
        open: impl AsRef<str>,
        close: &str,
        body: impl FnOnce(&mut Self),
    ) {
        self.line(open);
        self.indented(body);
        self.line(close);
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::Writer;

    #[test]
    fn indents_blocks_and_keeps_empty_lines_empty() {
        let mut w = Writer::new("    ");
        w.block("struct S {", "};", |w| {
            w.line("int a;\n\nint b;");
            w.block("union {", "} u;", |w| w.line("int c;"));
        });
        w.blank();
        w.raw("/* end */\n");
        assert_eq!(
            w.finish(),
            "struct S {\n    int a;\n\n    int b;\n    union {\n        int c;\n    } u;\n};\n\n/* end */\n"
        );
    }
}
