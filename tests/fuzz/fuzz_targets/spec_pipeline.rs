//! The generator's load, overlay and lower on mutated specs and overlays.
//!
//! Input: a spec's text, NUL, an overlay's text. Oracle: every input ends in an IR or in
//! diagnostics, with no panic, and within libFuzzer's time limit (the limits of
//! `generator::limits` bound the work before it starts).

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let p = sdk_fuzz::parts(data, 2);
    let spec = String::from_utf8_lossy(p[0]).into_owned();
    let Ok(file) = generator::load::parse(Path::new("fuzz.yml"), spec) else { return };
    let mut specs = vec![file];
    if !p[1].is_empty() {
        let overlay = String::from_utf8_lossy(p[1]).into_owned();
        let Ok(overlay) = generator::overlay::parse(Path::new("fuzz-overlay.yml"), overlay) else { return };
        if generator::overlay::apply(&[overlay], &mut specs).is_err() {
            return;
        }
    }
    let Ok(merged) = generator::merge::merge(specs) else { return };
    if generator::resolve::check_refs(&merged).is_err() {
        return;
    }
    let _ = generator::build_ir(&merged);
});
