//! What a pass has to say, in one shape: severity, code, message, an optional hint, and where
//! it is ([`At`]). Passes return [`Finding`]s and never locate them; [`locate`] turns one into
//! a located [`Diagnostic`], the only place a pass's finding meets the spec's files and lines.
//! It sits below the passes and the overlay step, so they depend on it and not on the
//! pipeline above them.

use crate::diag::{pointer_segment, Code, Diagnostic, Severity};
use crate::merge::Merged;
use crate::locate::Touch;

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// A type, by its origin (`AccountBase`, or `AccountBase.balances` for an inline one):
    /// located at the component schema it comes from.
    Component(String),
    /// A JSON pointer in merged spec file number `file`.
    Pointer {
        /// The spec file's index among the merged files.
        file: usize,
        /// The pointer inside it.
        pointer: String,
    },
    /// An operation, by its path: located at its method's entry under `paths`.
    Operation(String),
    /// An overlay action (file, line and index).
    Action(Touch),
    /// Nowhere more precise than the run.
    Run,
}

/// One thing a pass (or the overlay step) has to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Whether generation can go on.
    pub severity: Severity,
    /// What kind of problem.
    pub code: Code,
    /// What was found and what was done.
    pub message: String,
    /// What to do, when there is more to say than the code's default hint.
    pub hint: Option<String>,
    /// Where.
    pub at: At,
}

impl Finding {
    /// A warning: generation goes on.
    pub fn warning(code: Code, at: At, message: impl Into<String>) -> Self {
        Finding { severity: Severity::Warning, code, message: message.into(), hint: None, at }
    }

    /// An error: the run fails, after every other finding is reported.
    pub fn error(code: Code, at: At, message: impl Into<String>) -> Self {
        Finding { severity: Severity::Error, ..Finding::warning(code, at, message) }
    }

    /// Says what to do about it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// The finding as a diagnostic, located in the spec files (`merged`; without it, only
/// locations that need no spec are kept: overlay actions).
pub fn locate(finding: Finding, merged: Option<&Merged>) -> Diagnostic {
    let mut d = match finding.severity {
        Severity::Error => Diagnostic::error(finding.code, finding.message),
        Severity::Warning => Diagnostic::warning(finding.code, finding.message),
    };
    if let Some(hint) = finding.hint {
        d = d.with_hint(hint);
    }
    match (finding.at, merged) {
        (At::Run, _) => d,
        (At::Action(touch), _) => d.in_file(touch.overlay).at_line(touch.line).at_pointer(format!("/actions/{}", touch.action)),
        (At::Pointer { pointer, .. } | At::Operation(pointer), None) => d.at_pointer(pointer),
        (At::Component(origin), None) => d.at_pointer(format!("/components/schemas/{}", pointer_segment(&origin))),
        (At::Pointer { file, pointer }, Some(merged)) => at_pointer(merged, file, pointer, d),
        (At::Operation(path), Some(merged)) => match merged.operations.iter().find(|o| o.path == path) {
            Some(op) => {
                let pointer = format!("/paths/{}/{}", pointer_segment(&op.path), op.method);
                at_pointer(merged, op.file, pointer, d)
            }
            None => d,
        },
        (At::Component(origin), Some(merged)) => {
            let component = origin.split('.').next().unwrap_or(&origin);
            let (file, line, pointer) = component_location(merged, component);
            let d = d.at_line(line).at_pointer(pointer);
            match file {
                Some(file) => d.in_file(file),
                None => d,
            }
        }
    }
}

/// Where a component schema is defined: its first defining file and its pointer there, for
/// diagnostics of later passes.
fn component_location<'m>(merged: &'m Merged, component: &str) -> (Option<&'m std::path::Path>, Option<usize>, String) {
    let pointer = format!("/components/schemas/{}", crate::diag::pointer_segment(component));
    let file = merged.schemas.get(component).and_then(|c| c.files.first().copied()).and_then(|f| merged.files.get(f));
    match file {
        Some(f) => (Some(f.path.as_path()), crate::locate::line_of(&f.text, &pointer), pointer),
        None => (None, None, pointer),
    }
}

fn at_pointer(merged: &Merged, file: usize, pointer: String, d: Diagnostic) -> Diagnostic {
    match merged.files.get(file) {
        Some(f) => d.in_file(&f.path).at_line(crate::locate::line_of(&f.text, &pointer)).at_pointer(pointer),
        None => d.at_pointer(pointer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlay_action_is_located_without_a_spec() {
        let touch = Touch { pointer: "/paths".into(), overlay: "fix.yml".into(), line: Some(7), action: 2 };
        let d = locate(Finding::warning(Code::OverlayUnmatched, At::Action(touch), "nothing"), None);
        assert_eq!((d.file.as_deref(), d.line, d.pointer.as_deref()), (Some(std::path::Path::new("fix.yml")), Some(7), Some("/actions/2")));
        assert_eq!(d.severity, Severity::Warning);
    }

    #[test]
    fn a_hint_and_the_severity_survive() {
        let d = locate(Finding::error(Code::Cycle, At::Run, "loop").with_hint("break it"), None);
        assert_eq!((d.severity, d.hint.as_deref(), d.file.is_none()), (Severity::Error, Some("break it"), true));
    }
}
