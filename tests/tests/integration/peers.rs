//! The peers over the examples' templates:
//!
//! - checkov (pinned in `scripts/checkov-requirements.txt`, installed into `.venv-checkov` by
//!   `scripts/test`; `HIPAA_STACK_CHECKOV` may point at another binary) finds nothing, and
//!   every check it skips is skipped by a waiver it reads from the template
//!   (`Metadata.checkov.skip`) with the reason beside it;
//! - cdk-nag's HIPAA Security pack (pinned in `tests/peers/cdk-nag/package-lock.json`,
//!   installed by `scripts/peers-npm`; run by `tests/peers/cdk-nag/check.js` with `node`, or
//!   `HIPAA_STACK_NODE`) reports nothing that the template does not suppress with a reason
//!   (`Metadata.cdk_nag.rules_to_suppress`), over every example under `examples/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{repo_root, run_example, synth_example};

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

/// The examples under `examples/` and the arguments of their `synth` (the synth benchmark
/// `scale` at a size that still has several stacks, accepting single-region storage in
/// writing as its buckets hold no PHI).
const EXAMPLES: &[(&str, &[&str])] = &[
    ("clinic", &[]),
    ("telehealth", &[]),
    ("portal", &[]),
    ("docproc", &[]),
    (
        "scale",
        &[
            "--buckets",
            "60",
            "--per-stack",
            "30",
            "--accept-single-region",
        ],
    ),
];

fn node() -> PathBuf {
    std::env::var_os("HIPAA_STACK_NODE").map_or_else(|| PathBuf::from("node"), PathBuf::from)
}

/// `tests/peers/cdk-nag/check.js`, once its pinned packages are installed.
fn cdk_nag_script() -> PathBuf {
    let dir = repo_root().join("tests/peers/cdk-nag");
    assert!(
        dir.join("node_modules/cdk-nag/package.json").exists(),
        "cdk-nag is not installed in {}; run `scripts/peers-npm` (which `scripts/test` runs), which installs the pinned versions with `npm ci`",
        dir.display()
    );
    dir.join("check.js")
}

/// What cdk-nag reported over one example.
struct NagReport {
    /// The templates it loaded.
    templates: u64,
    /// The rules it ran on a resource, compliant or not.
    checks: u64,
    /// `(template, resource, rule, level, suppressed, reason)` per finding.
    findings: Vec<(String, String, String, String, bool, String)>,
}

/// Synthesizes `example` into `dir` and runs cdk-nag's HIPAA Security pack over its
/// templates.
fn cdk_nag_over(example: &'static str, args: &[&str], dir: &Path) -> NagReport {
    let out = dir.to_str().expect("UTF-8 path");
    let mut synth = vec!["synth"];
    synth.extend_from_slice(args);
    synth.extend_from_slice(&["--out", out]);
    let done = run_example(example, &synth);
    assert!(
        done.status.success(),
        "{example} synth failed: {}",
        String::from_utf8_lossy(&done.stderr)
    );
    let output = Command::new(node())
        .arg(cdk_nag_script())
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("node runs ({e}); install Node.js 20 or set HIPAA_STACK_NODE"));
    assert!(
        output.status.success(),
        "cdk-nag over {example} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "cdk-nag's report is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    assert_eq!(report["pack"], "HIPAA.Security");
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let findings = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                text(&f["template"]),
                text(&f["resource"]),
                format!("{}{}", text(&f["rule"]), text(&f["finding"])),
                text(&f["level"]),
                f["suppressed"] == true,
                text(&f["reason"]),
            )
        })
        .collect();
    NagReport {
        templates: report["templates"].as_u64().unwrap_or(0),
        checks: report["checks"].as_u64().unwrap_or(0),
        findings,
    }
}

fn assert_cdk_nag_clean(example: &'static str) {
    let args = EXAMPLES
        .iter()
        .find(|(name, _)| *name == example)
        .map(|(_, args)| *args)
        .expect("the example is listed in EXAMPLES");
    let dir = tempfile::tempdir().unwrap();
    let report = cdk_nag_over(example, args, dir.path());
    let written = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".template.json"))
        })
        .count() as u64;
    assert!(written > 0, "{example} wrote no template");
    assert_eq!(report.templates, written, "cdk-nag loaded every template");
    assert!(
        report.checks >= written * 5,
        "cdk-nag checked next to nothing in {example}: {} checks",
        report.checks
    );
    let unsuppressed: Vec<String> = report
        .findings
        .iter()
        .filter(|f| !f.4)
        .map(|(template, resource, rule, level, _, reason)| {
            format!("{level} {rule} on {resource} in {template} {reason}")
        })
        .collect();
    assert!(
        unsuppressed.is_empty(),
        "cdk-nag's HIPAA pack over {example}:\n{}",
        unsuppressed.join("\n")
    );
    for (template, resource, rule, _, _, reason) in &report.findings {
        // cdk-nag itself refuses a reason under 10 characters; we ask for one a reader can
        // check, as of checkov's skips.
        assert!(
            reason.split_whitespace().count() >= 8,
            "{example}: {rule} on {resource} in {template} is suppressed without a reason a reader can check: {reason:?}"
        );
    }
}

#[test]
fn cdk_nag_finds_nothing_unsuppressed_in_clinic() {
    assert_cdk_nag_clean("clinic");
}

#[test]
fn cdk_nag_finds_nothing_unsuppressed_in_telehealth() {
    assert_cdk_nag_clean("telehealth");
}

#[test]
fn cdk_nag_finds_nothing_unsuppressed_in_portal() {
    assert_cdk_nag_clean("portal");
}

#[test]
fn cdk_nag_finds_nothing_unsuppressed_in_docproc() {
    assert_cdk_nag_clean("docproc");
}

#[test]
fn cdk_nag_finds_nothing_unsuppressed_in_scale() {
    assert_cdk_nag_clean("scale");
}

/// A new example is judged by the peers too.
#[test]
fn every_example_is_judged_by_cdk_nag() {
    let mut found: Vec<String> = std::fs::read_dir(repo_root().join("examples"))
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            // A program of hipaa-stack (not a crate it builds, such as a function's code).
            std::fs::read_to_string(e.path().join("Cargo.toml"))
                .ok()
                .filter(|manifest| manifest.contains("hipaa-stack"))
                .map(|_| e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    found.sort();
    let mut listed: Vec<String> = EXAMPLES.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "add the example to EXAMPLES and give it a test"
    );
}

/// cdk-nag reads the suppressions from the template itself: `CfnInclude` keeps each
/// resource's `Metadata`, and the reason cdk-nag reports is the one hipaa-stack wrote.
#[test]
fn cdk_nag_reads_the_reasons_that_the_templates_carry() {
    let dir = tempfile::tempdir().unwrap();
    let report = cdk_nag_over("clinic", &[], dir.path());
    let template: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("clinic-security.template.json")).unwrap(),
    )
    .unwrap();
    let written = &template["Resources"]["AccessLogs"]["Metadata"]["cdk_nag"]["rules_to_suppress"];
    let sse = written
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "HIPAA.Security-S3DefaultEncryptionKMS")
        .expect("the access-log bucket suppresses the KMS rule");
    let reported = report
        .findings
        .iter()
        .find(|f| f.1 == "AccessLogs" && f.2 == "HIPAA.Security-S3DefaultEncryptionKMS")
        .expect("cdk-nag judges the access-log bucket's SSE-S3");
    assert!(reported.4, "the finding is suppressed");
    assert_eq!(reported.5, sse["reason"].as_str().unwrap());
    assert_eq!(reported.3, "Error");
}

#[test]
fn checkov_finds_nothing_unwaived_in_docproc() {
    assert_checkov_clean("docproc");
}
