//! Diagnostics: every problem the generator finds in the specs, with where it is.
//!
//! The pipeline collects diagnostics instead of stopping at the first one, so a maintainer sees
//! every mistake of a spec edit in one run.

use std::fmt;
use std::path::PathBuf;

/// How bad a diagnostic is: errors stop generation, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation cannot go on; nothing is written.
    Error,
    /// Generation goes on, but something was skipped or guessed.
    Warning,
}

/// A stable code per kind of problem, so tooling and docs can refer to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    /// The file could not be read.
    Io,
    /// The file is not valid YAML, or not a valid OpenAPI document.
    Syntax,
    /// The document is not OpenAPI 3.0.x.
    Version,
    /// A `$ref` names a component that no spec defines.
    DanglingRef,
    /// A `$ref` points outside the document, is malformed, names the wrong kind of component
    /// for its place, or is one of a chain of refs that loops.
    BadRef,
    /// Two files define the same component differently.
    ConflictingComponent,
    /// Two operations share a path and method, or an operationId.
    DuplicateOperation,
    /// An operation has no operationId, so it has no name.
    MissingOperationId,
    /// A construct the generator does not support; it was skipped or approximated.
    Unsupported,
    /// Two schema names map to one Rust name; one got a numbered suffix.
    NameClash,
    /// Schemas contain each other by value with no way out (every link required, or aliases
    /// of each other): no finite value exists.
    Cycle,
    /// A parameter cannot be sent as declared (the path names a placeholder no parameter
    /// fills, a header name that is not a token).
    BadParameter,
    /// The spec does not give the client what its runtime needs: a security scheme it cannot
    /// send, or an error schema without the fields errors are read by.
    RuntimeContract,
    /// A schema looks like a webhook payload but its pair cannot be read, or payloads that
    /// share a pair cannot be told apart, or the key operation is not shaped as the verifier
    /// needs.
    Webhook,
    /// The spec's examples contradict its schemas (a required field left out, `null` where
    /// the schema forbids it, a number where it says text): settled by the evidence rule, or
    /// the example is left out of the generated tests.
    Evidence,
    /// An overlay file cannot be applied: not an overlay, a target that is not JSONPath, an
    /// update of a node the standard forbids updating.
    Overlay,
    /// An overlay action's target matches nothing in the specs (Plaid renamed or removed what
    /// it fixes).
    OverlayUnmatched,
    /// An overlay action sets keys beside a `$ref`, which OpenAPI 3.0 ignores: it has no
    /// effect.
    OverlayIgnored,
    /// An `x-rust-name`, `x-feature` or `x-rust-retry` value the generator cannot use (not
    /// text, no letter to name by, an unknown retry class), or a stated method name another
    /// method has.
    Extension,
    /// A stated decision the spec's structure cannot carry out (`x-rust-retry: keyed` on an
    /// operation without an idempotency key field): the structural one stands.
    ExtensionUnmet,
    /// A method name, from the spec or stated, that would collide with what the crate already
    /// has: a method of the runtime's `Client`, a std trait method every type has (`clone`,
    /// `into`), or, for a stated name, a Rust keyword.
    ReservedName,
    /// A server URL the client must not send credentials to: not `https` (plain `http` is for
    /// loopback only), or not a URL at all.
    Server,
    /// A server whose host is not in the domain of the spec's other servers.
    ServerHost,
    /// Input past the limits the generator puts on work before doing it: a file too large, YAML
    /// nested too deep, an overlay target too complex, or an update that would grow the spec
    /// too much.
    Limit,
    /// Generated code did not parse: a bug in the generator.
    Internal,
}

impl Code {
    /// The stable identifier, e.g. `E0003 dangling-ref`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "E0001 io",
            Code::Syntax => "E0002 syntax",
            Code::Version => "E0003 openapi-version",
            Code::DanglingRef => "E0004 dangling-ref",
            Code::BadRef => "E0005 bad-ref",
            Code::ConflictingComponent => "E0006 conflicting-component",
            Code::DuplicateOperation => "E0007 duplicate-operation",
            Code::MissingOperationId => "E0008 missing-operation-id",
            Code::Unsupported => "W0001 unsupported",
            Code::NameClash => "W0002 name-clash",
            Code::Cycle => "E0009 unrepresentable-cycle",
            Code::BadParameter => "E0010 bad-parameter",
            Code::RuntimeContract => "E0011 runtime-contract",
            Code::Webhook => "W0003 webhook",
            Code::Evidence => "W0004 evidence",
            Code::Overlay => "E0012 overlay",
            Code::OverlayUnmatched => "W0005 overlay-unmatched",
            Code::OverlayIgnored => "W0007 overlay-ignored",
            Code::Extension => "E0013 extension",
            Code::ExtensionUnmet => "W0006 extension-unmet",
            Code::ReservedName => "E0014 reserved-name",
            Code::Server => "E0015 server",
            Code::ServerHost => "W0008 server-host",
            Code::Limit => "E0016 limit",
            Code::Internal => "E0100 internal",
        }
    }
}

impl Code {
    /// What to do about a diagnostic of this kind, unless it says something more specific.
    pub fn default_hint(self) -> &'static str {
        match self {
            Code::Io => "check the path and its permissions",
            Code::Syntax => "fix the spec at the line shown",
            Code::Version => "the generator reads OpenAPI 3.0.x",
            Code::DanglingRef => "define the component in one of the spec files (shared ones in specs/shared.yml), or fix the name",
            Code::BadRef => "refer to components as `#/components/<kind>/<Name>`, of the kind the place needs; copy external ones into the specs",
            Code::ConflictingComponent => "make the definitions identical, or keep one copy in specs/shared.yml",
            Code::DuplicateOperation => "define each path and operationId once across all spec files",
            Code::MissingOperationId => "add `operationId: <name>`; the client method is named after it",
            Code::Unsupported => "the generated code approximates or skips it, as the message says",
            Code::NameClash => "rename one of the schemas, or accept the numbered name",
            Code::Cycle => "make one of the links optional or nullable, or an array",
            Code::BadParameter => "declare a path parameter for every `{name}` of the path, and name headers with letters, digits and `-`",
            Code::RuntimeContract => "security schemes must be API keys in headers carrying the client id, the secret or the API version; error schemas need `error_type`, `error_code` and `error_message`",
            Code::Webhook => "give `webhook_type` and `webhook_code` a one-value enum, an example or `x-examples`, or a required property that tells payloads of one pair apart",
            Code::Evidence => "make the example and the schema agree; the SDK follows what a server sends (the example) where it can",
            Code::Overlay => "write the overlay as Overlay 1.0.0 says: `overlay: 1.0.0`, `info`, and `actions` of `target` (RFC 9535 JSONPath) with `update` (an object, for an object node) or `remove: true`",
            Code::OverlayIgnored => "change the node the ref names, or replace the ref",
            Code::Extension => "`x-rust-name` and `x-feature` take text (any case; the naming rule makes an identifier of it), `x-rust-retry` one of `read`, `acting`, `keyed`",
            Code::ExtensionUnmet => "remove the extension, or fix the spec so that its structure can carry it out",
            Code::OverlayUnmatched => "check the target against the new spec: the fix may no longer be needed, or its node moved",
            Code::ReservedName => "state another name with `x-rust-name` in an overlay (specs/overlays/)",
            Code::Server => "list servers as `https://` URLs (plain `http://` only for localhost or 127.0.0.1); fix it with an overlay",
            Code::ServerHost => "check that the server is Plaid's; credentials go to every server the crate lists",
            Code::Limit => "the input is past a limit set against hostile input (generator/src/limits.rs): split it, or write the overlay's target more narrowly (name the path instead of searching with `..`)",
            Code::Internal => "this is a generator bug; please report it with the spec",
        }
    }
}

/// One problem found in the specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem.
    pub code: Code,
    /// Whether generation can go on.
    pub severity: Severity,
    /// The spec file, when the problem is in one.
    pub file: Option<PathBuf>,
    /// 1-based line in `file`, when known.
    pub line: Option<usize>,
    /// 1-based column in `line`, when the YAML parser gives one.
    pub column: Option<usize>,
    /// JSON pointer inside the document, when known (`/paths/~1accounts~1get/post`).
    pub pointer: Option<String>,
    /// One line saying what is wrong.
    pub message: String,
    /// One line saying what to do about it, when there is more to say than the code's
    /// [default hint](Code::default_hint).
    pub hint: Option<String>,
    /// The overlay action that changed the node (`specs/overlays/fix.yml:12, action 2`), when
    /// one did.
    pub overlay: Option<String>,
}

impl Diagnostic {
    /// An error with a message; add the location with the builder methods.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            file: None,
            line: None,
            column: None,
            pointer: None,
            message: message.into(),
            hint: None,
            overlay: None,
        }
    }

    /// A warning with a message.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    /// Names the file the problem is in.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Names the line the problem is on.
    pub fn at_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    /// Names the column the problem is at.
    pub fn at_column(mut self, column: Option<usize>) -> Self {
        self.column = column;
        self
    }

    /// Says what to do about it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Names the JSON pointer of the offending node.
    pub fn at_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}[{}]: {}", self.code.as_str(), self.message)?;
        if let Some(file) = &self.file {
            write!(f, "\n  --> {}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
        }
        if let Some(pointer) = &self.pointer {
            write!(f, "\n  at {pointer}")?;
        }
        if let Some(overlay) = &self.overlay {
            write!(f, "\n  changed by overlay {overlay}")?;
        }
        write!(f, "\n  = hint: {}", self.hint.as_deref().unwrap_or(self.code.default_hint()))?;
        Ok(())
    }
}

/// Everything that went wrong in one run; the error type of the pipeline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// Turns the collection into `Err` when it holds an error, so a stage can stop with all of them.
    pub fn into_result(self) -> Result<Diagnostics, Diagnostics> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A hostile overlay can cause thousands; the first ones say what is wrong.
        let max = crate::limits::MAX_PRINTED_DIAGNOSTICS;
        for d in self.0.iter().take(max) {
            writeln!(f, "{d}")?;
        }
        if self.0.len() > max {
            writeln!(f, "... and {} more not shown", self.0.len() - max)?;
        }
        let errors = self.error_count();
        let warnings = self.0.len() - errors;
        write!(f, "{errors} error(s), {warnings} warning(s)")
    }
}

impl std::error::Error for Diagnostics {}

/// Escapes one segment of a JSON pointer (RFC 6901).
pub fn pointer_segment(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
