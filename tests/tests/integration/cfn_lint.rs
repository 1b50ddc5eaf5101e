//! Every template the examples synthesize passes cfn-lint with nothing reported.
//!
//! cfn-lint is pinned in `scripts/python-requirements.txt` and installed into `.venv` by
//! `scripts/test`; `HIPAA_STACK_CFN_LINT` may point at another binary.

use std::path::PathBuf;
use std::process::Command;

use crate::support::{repo_root, synth_example};

fn cfn_lint() -> PathBuf {
    if let Some(path) = std::env::var_os("HIPAA_STACK_CFN_LINT") {
        return PathBuf::from(path);
    }
    let path = repo_root().join(".venv/bin/cfn-lint");
    assert!(
        path.exists(),
        "cfn-lint is not installed at {}; run `scripts/test`, which installs the pinned version",
        path.display()
    );
    path
}

#[test]
fn clinic_templates_pass_cfn_lint_with_nothing_reported() {
    lint_example("clinic", 2);
}

#[test]
fn telehealth_templates_pass_cfn_lint_with_nothing_reported() {
    lint_example("telehealth", 4);
}

#[test]
fn portal_templates_pass_cfn_lint_with_nothing_reported() {
    lint_example("portal", 4);
}

#[test]
fn docproc_templates_pass_cfn_lint_with_nothing_reported() {
    lint_example("docproc", 2);
}

/// Synthesizes an example and lints its `stacks` templates; nothing may be reported.
fn lint_example(example: &'static str, stacks: usize) {
    let dir = tempfile::tempdir().unwrap();
    let templates: Vec<PathBuf> = synth_example(example, dir.path())
        .into_iter()
        .filter(|(name, _)| name.ends_with(".template.json"))
        .map(|(name, _)| dir.path().join(name))
        .collect();
    assert_eq!(templates.len(), stacks);
    // Informational findings count too: `--include-checks I` turns them on (they are off by
    // default), and any finding makes the exit status non-zero (a bit mask: 2 error,
    // 4 warning, 8 info). The templates come first: `--include-checks` takes several values.
    let output = Command::new(cfn_lint())
        .args(&templates)
        .args(["--include-checks", "I"])
        .output()
        .expect("cfn-lint runs");
    assert!(
        output.status.success() && output.stdout.is_empty(),
        "cfn-lint reported on {example} (exit {:?}):\n{}{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
