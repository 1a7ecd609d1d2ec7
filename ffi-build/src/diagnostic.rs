//! Compiler-style errors: `file:line:column`, what is wrong, how to fix it.

use std::fmt;
use std::path::{Path, PathBuf};

use proc_macro2::Span;

/// One error in the library author's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, like rustc.
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at the start of `span` in `file`.
    pub fn at(file: &Path, span: Span, message: impl Into<String>, hint: Option<String>) -> Self {
        let start = span.start();
        Diagnostic {
            file: file.to_path_buf(),
            line: start.line.max(1),
            column: start.column + 1,
            message: message.into(),
            hint,
        }
    }

    /// A diagnostic at the first character of `file`.
    pub fn at_file_start(file: &Path, message: impl Into<String>, hint: Option<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: 1,
            column: 1,
            message: message.into(),
            hint,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error: {}\n  --> {}:{}:{}",
            self.message,
            self.file.display(),
            self.line,
            self.column
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  = help: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Every error found by one stage of the generator.
#[derive(Debug, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
