//! The peers over the examples' templates: checkov (pinned in
//! `scripts/checkov-requirements.txt`, installed into `.venv-checkov` by `scripts/test`;
//! `HIPAA_STACK_CHECKOV` may point at another binary) finds nothing, and every check it skips
//! is skipped by a waiver it reads from the template (`Metadata.checkov.skip`) with the
//! reason beside it.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::support::{repo_root, synth_example};

fn checkov() -> PathBuf {
    if let Some(path) = std::env::var_os("HIPAA_STACK_CHECKOV") {
        return PathBuf::from(path);
    }
    let path = repo_root().join(".venv-checkov/bin/checkov");
    assert!(
        path.exists(),
        "checkov is not installed at {}; run `scripts/test`, which installs the pinned version",
        path.display()
    );
    path
}

/// Runs checkov over an example's synthesized templates; returns its failed and skipped
/// checks as `(check id, resource, suppression comment)`.
fn checkov_over(example: &'static str) -> (Vec<String>, Vec<(String, String, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let written = synth_example(example, dir.path());
    assert!(
        written
            .iter()
            .any(|(name, _)| name.ends_with(".template.json")),
        "{example} wrote no template"
    );
    let output = Command::new(checkov())
        .arg("-d")
        .arg(dir.path())
        .args(["--framework", "cloudformation", "-o", "json"])
        .args(["--skip-download"])
        .output()
        .expect("checkov runs");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "checkov's report is not JSON ({e}):\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let reports = match report {
        Value::Array(reports) => reports,
        one => vec![one],
    };
    let mut failed = Vec::new();
    let mut skipped = Vec::new();
    for r in &reports {
        assert_eq!(r["summary"]["parsing_errors"], 0, "{}", r["summary"]);
        for c in r["results"]["failed_checks"]
            .as_array()
            .into_iter()
            .flatten()
        {
            failed.push(format!(
                "{} {} in {}: {}",
                c["check_id"].as_str().unwrap_or_default(),
                c["resource"].as_str().unwrap_or_default(),
                c["file_path"].as_str().unwrap_or_default(),
                c["check_name"].as_str().unwrap_or_default()
            ));
        }
        for c in r["results"]["skipped_checks"]
            .as_array()
            .into_iter()
            .flatten()
        {
            skipped.push((
                c["check_id"].as_str().unwrap_or_default().to_owned(),
                c["resource"].as_str().unwrap_or_default().to_owned(),
                c["check_result"]["suppress_comment"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            ));
        }
        assert!(
            r["summary"]["passed"].as_u64().unwrap_or(0) > 0,
            "checkov checked nothing in {example}: {}",
            r["summary"]
        );
    }
    (failed, skipped)
}

fn assert_checkov_clean(example: &'static str) {
    let (failed, skipped) = checkov_over(example);
    assert!(
        failed.is_empty(),
        "checkov over {example}:\n{}",
        failed.join("\n")
    );
    for (id, resource, reason) in &skipped {
        assert!(
            reason.split_whitespace().count() >= 8,
            "{example}: checkov skips {id} on {resource} without a reason a reader can check: {reason:?}"
        );
    }
}

#[test]
fn checkov_finds_nothing_unwaived_in_clinic() {
    assert_checkov_clean("clinic");
}

#[test]
fn checkov_finds_nothing_unwaived_in_telehealth() {
    assert_checkov_clean("telehealth");
}

#[test]
fn checkov_finds_nothing_unwaived_in_portal() {
    assert_checkov_clean("portal");
}

#[test]
fn checkov_finds_nothing_unwaived_in_docproc() {
    assert_checkov_clean("docproc");
}
