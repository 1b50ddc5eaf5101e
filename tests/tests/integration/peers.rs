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
    let report = cdk_nag_over_dir(dir, &[], example);
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

/// The answers to the peers' failures over the compliant corpus:
/// `tests/peers/compliant-answers.json`.
const COMPLIANT_ANSWERS: &str = "tests/peers/compliant-answers.json";

/// A case of `tests/corpora/compliant.json` whose rule names a peer check
/// ([`RuleSpec::packs`](hipaa_stack::compliance::RuleSpec)), written as a template of its own.
struct PeerCase {
    /// The template's file name in the folder the peers read.
    file: String,
    rule: String,
    target: String,
    why: String,
    /// The rule's checkov check and those of [`ALSO_JUDGED_BY_CHECKOV`].
    checkov: Vec<&'static str>,
    /// The rule's rule of cdk-nag's HIPAA pack and those of [`ALSO_JUDGED_BY_CDK_NAG`].
    cdk_nag: Vec<&'static str>,
}

/// Checks of checkov beside the one a rule's `packs` names (a rule names one check per
/// peer, for its waivers) that judge a part of the same setting, run over the rule's
/// compliant cases too: CF1's viewer TLS version (CKV_AWS_174) and origin protocol
/// (CKV2_AWS_72), AS2's field log level (CKV_AWS_194), and the Neptune checks of DD1
/// (CKV_AWS_44), DD2 (CKV_AWS_361) and DD3 (CKV_AWS_101), and DocumentDB's log exports of
/// DD3 (CKV_AWS_85).
const ALSO_JUDGED_BY_CHECKOV: &[(&str, &[&str])] = &[
    ("CF1", &["CKV_AWS_174", "CKV2_AWS_72"]),
    ("AS2", &["CKV_AWS_194"]),
    ("DD1", &["CKV_AWS_44"]),
    ("DD2", &["CKV_AWS_361"]),
    ("DD3", &["CKV_AWS_85", "CKV_AWS_101"]),
];

/// Rules of cdk-nag's HIPAA pack beside the one a rule's `packs` names that judge a part of
/// the same setting: ML1's endpoint configurations, I2's administrator statements and I10's
/// group membership.
const ALSO_JUDGED_BY_CDK_NAG: &[(&str, &[&str])] = &[
    (
        "ML1",
        &["HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured"],
    ),
    (
        "I2",
        &["HIPAA.Security-IAMPolicyNoStatementsWithAdminAccess"],
    ),
    ("I10", &["HIPAA.Security-IAMUserGroupMembership"]),
];

/// A rule's peer check (from its `packs`) and the checks of `also` for it.
fn checks_of(
    rule: &str,
    named: Option<&'static str>,
    also: &[(&str, &'static [&'static str])],
) -> Vec<&'static str> {
    named
        .into_iter()
        .chain(
            also.iter()
                .filter(|(r, _)| *r == rule)
                .flat_map(|(_, checks)| checks.iter().copied()),
        )
        .collect()
}

/// Every `Ref` and every `${Name}` of an `Fn::Sub` text below `value`, and every condition an
/// `Fn::If` names.
fn names_used(value: &Value, refs: &mut Vec<String>, conditions: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("Ref", Value::String(name)) => refs.push(name.clone()),
                    ("Fn::If", Value::Array(branches)) => {
                        if let Some(Value::String(name)) = branches.first() {
                            conditions.push(name.clone());
                        }
                    }
                    _ => {}
                }
                let sub_text = match (key.as_str(), inner) {
                    ("Fn::Sub", Value::String(text)) => Some(text.as_str()),
                    ("Fn::Sub", Value::Array(parts)) => parts.first().and_then(Value::as_str),
                    _ => None,
                };
                for piece in sub_text.into_iter().flat_map(|t| t.split("${").skip(1)) {
                    if let Some((name, _)) = piece.split_once('}')
                        && !name.starts_with('!')
                        && !name.contains('.')
                    {
                        refs.push(name.to_owned());
                    }
                }
                names_used(inner, refs, conditions);
            }
        }
        Value::Array(items) => {
            for item in items {
                names_used(item, refs, conditions);
            }
        }
        _ => {}
    }
}

/// The template of a corpus case, as `corpus_tests.rs` builds its app: each resource's
/// `Type` and `Properties`, and `Keep` as both deletion policies. A name the case uses but
/// does not declare (a `Ref` to a parameter, an `Fn::If` condition) is declared, as a
/// `String` parameter or a condition no peer can decide, so that cdk-nag's `CfnInclude`
/// loads the template.
fn corpus_template(resources: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for (id, spec) in resources.as_object().expect("resources") {
        let mut resource = serde_json::Map::new();
        resource.insert("Type".into(), spec["Type"].clone());
        if let Some(properties) = spec.get("Properties") {
            resource.insert("Properties".into(), properties.clone());
        }
        if let Some(keep @ ("Retain" | "Snapshot")) = spec["Keep"].as_str() {
            resource.insert("DeletionPolicy".into(), keep.into());
            resource.insert("UpdateReplacePolicy".into(), keep.into());
        }
        out.insert(id.clone(), Value::Object(resource));
    }
    let (mut refs, mut conditions) = (Vec::new(), Vec::new());
    names_used(resources, &mut refs, &mut conditions);
    let parameters: serde_json::Map<String, Value> = refs
        .into_iter()
        .filter(|name| !name.starts_with("AWS::") && !out.contains_key(name))
        .map(|name| (name, serde_json::json!({ "Type": "String" })))
        .collect();
    let conditions: serde_json::Map<String, Value> = conditions
        .into_iter()
        .map(|name| {
            (
                name,
                serde_json::json!({ "Fn::Equals": [{ "Ref": "AWS::AccountId" }, "111122223333"] }),
            )
        })
        .collect();
    let mut template = serde_json::json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": out,
    });
    if !parameters.is_empty() {
        template["Parameters"] = Value::Object(parameters);
    }
    if !conditions.is_empty() {
        template["Conditions"] = Value::Object(conditions);
    }
    template
}

/// Writes every compliant case whose rule names a checkov check or a rule of cdk-nag's HIPAA
/// pack into `dir`, one template each (cases reuse logical ids, and a rule may read the
/// whole template).
fn write_compliant_cases(dir: &Path) -> Vec<PeerCase> {
    let corpus: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/corpora/compliant.json")).unwrap(),
    )
    .expect("the compliant corpus is JSON");
    let mut cases = Vec::new();
    for (at, case) in corpus
        .as_array()
        .expect("a list of cases")
        .iter()
        .enumerate()
    {
        let rule = case["rule"].as_str().expect("a rule id");
        // A case that says the rule does not apply claims nothing a peer could judge.
        if case["expect"] == "absent" {
            continue;
        }
        let packs = hipaa_stack::compliance::rule_spec(rule)
            .unwrap_or_else(|| panic!("the compliant corpus names the unknown rule {rule}"))
            .packs;
        let checkov = checks_of(rule, packs.checkov, ALSO_JUDGED_BY_CHECKOV);
        let cdk_nag = checks_of(rule, packs.cdk_nag, ALSO_JUDGED_BY_CDK_NAG);
        if checkov.is_empty() && cdk_nag.is_empty() {
            continue;
        }
        let file = format!("case{at:04}.template.json");
        std::fs::write(
            dir.join(&file),
            serde_json::to_string_pretty(&corpus_template(&case["resources"])).unwrap(),
        )
        .unwrap();
        cases.push(PeerCase {
            file,
            rule: rule.to_owned(),
            target: case["target"].as_str().expect("a target").to_owned(),
            why: case["why"].as_str().expect("a why").to_owned(),
            checkov,
            cdk_nag,
        });
    }
    cases
}

/// checkov over every template of `dir`, once: `(file, logical id, check id)` of each check
/// it ran, with whether it failed.
fn checkov_verdicts(dir: &Path) -> std::collections::HashMap<(String, String, String), bool> {
    let output = Command::new(checkov())
        .arg("-d")
        .arg(dir)
        .args(["--framework", "cloudformation", "-o", "json"])
        .args(["--skip-download"])
        .output()
        .expect("checkov runs");
    // checkov prints what some of its checks could not read (`unhashable type: 'DictNode'`)
    // on standard output before its report.
    let start = output
        .stdout
        .split(|b| *b == b'\n')
        .scan(0, |offset, line| {
            let at = *offset;
            *offset += line.len() + 1;
            Some((at, line))
        })
        .find(|(_, line)| line.starts_with(b"{") || line.starts_with(b"["))
        .map(|(at, _)| at)
        .unwrap_or_else(|| {
            panic!(
                "checkov wrote no report:\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let report: Value = serde_json::from_slice(&output.stdout[start..])
        .unwrap_or_else(|e| panic!("checkov's report is not JSON ({e})"));
    let reports = match report {
        Value::Array(reports) => reports,
        one => vec![one],
    };
    let mut verdicts = std::collections::HashMap::new();
    for r in &reports {
        assert_eq!(r["summary"]["parsing_errors"], 0, "{}", r["summary"]);
        for (kind, failed) in [("passed_checks", false), ("failed_checks", true)] {
            for c in r["results"][kind].as_array().into_iter().flatten() {
                let file = Path::new(c["file_path"].as_str().unwrap_or_default())
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let resource = c["resource"].as_str().unwrap_or_default();
                let id = resource.rsplit_once('.').map_or(resource, |(_, id)| id);
                let key = (
                    file,
                    id.to_owned(),
                    c["check_id"].as_str().unwrap_or_default().to_owned(),
                );
                *verdicts.entry(key).or_insert(false) |= failed;
            }
        }
    }
    verdicts
}

/// cdk-nag's HIPAA pack over every template of `dir`, once, with `flags` for `check.js`
/// (`--keep-going` puts the templates `CfnInclude` could not load under `unloaded` instead
/// of failing): its report. `what` names the templates in a failure.
fn cdk_nag_over_dir(dir: &Path, flags: &[&str], what: &str) -> Value {
    let output = Command::new(node())
        .arg(cdk_nag_script())
        .args(flags)
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("node runs ({e}); install Node.js 20 or set HIPAA_STACK_NODE"));
    assert!(
        output.status.success(),
        "cdk-nag over {what} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "cdk-nag's report is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    assert_eq!(report["pack"], "HIPAA.Security");
    report
}

/// The compliant corpus claims that each case's target passes its rule; where the rule
/// names the same setting's check in checkov or in cdk-nag's HIPAA pack, that peer is run
/// over the case too (each peer once, over one folder of templates). Every failure of the
/// mapped check on the target (or, for a checkov check that does not read the target's
/// type, on another resource of the case, such as the parameter group that holds a
/// cluster's setting) is either a hole in the rule (fix the rule, and move the case
/// to the spelling corpus) or a peer's narrower or older reading, answered in
/// `tests/peers/compliant-answers.json` with a reason a reviewer can check; an answer that
/// no longer matches a failure is stale and fails the test too.
///
/// A peer that cannot judge a case is not a disagreement: a check that does not apply to the
/// target's type or that checkov could not run, a template that cdk-nag's `CfnInclude`
/// refuses (a boolean written `"TRUE"`, a property of another shape than CDK's types), and
/// cdk-nag's `ValidationFailure` (a rule that cannot resolve an intrinsic). The test asks
/// that both peers judge a good share of the cases, so that it cannot pass by judging none.
#[test]
fn the_peers_pass_the_compliant_corpus_or_are_answered() {
    let dir = tempfile::tempdir().unwrap();
    let cases = write_compliant_cases(dir.path());
    assert!(
        cases.len() > 500,
        "only {} compliant cases name a peer check",
        cases.len()
    );
    let checkov = checkov_verdicts(dir.path());
    let nag = cdk_nag_over_dir(dir.path(), &["--keep-going"], "the compliant corpus");
    let unloaded: std::collections::HashSet<&str> = nag["unloaded"]
        .as_array()
        .expect("check.js --keep-going lists what it could not load")
        .iter()
        .filter_map(|u| u["template"].as_str())
        .collect();
    let mut nag_failed = std::collections::HashSet::new();
    for f in nag["findings"].as_array().into_iter().flatten() {
        if matches!(f["level"].as_str(), Some("Error" | "Warning")) && f["suppressed"] != true {
            nag_failed.insert((
                f["template"].as_str().unwrap_or_default().to_owned(),
                f["resource"].as_str().unwrap_or_default().to_owned(),
                f["rule"].as_str().unwrap_or_default().to_owned(),
            ));
        }
    }

    // (check, rule, why) of every failure of a mapped peer check on a case's target.
    let mut disagreements = std::collections::BTreeSet::new();
    let (mut checkov_judged, mut checkov_mapped) = (0, 0);
    let (mut nag_judged, mut nag_mapped) = (0, 0);
    for case in &cases {
        for &check in &case.checkov {
            checkov_mapped += 1;
            let key = (case.file.clone(), case.target.clone(), check.to_owned());
            let failed = match checkov.get(&key) {
                Some(failed) => *failed,
                // A check of another type than the target's judges the same setting where
                // checkov reads it (a DocumentDB cluster's audit logs in its parameter
                // group): its failure on another resource of the case counts too.
                None => checkov
                    .iter()
                    .any(|((file, _, id), failed)| *failed && *file == case.file && id == check),
            };
            if checkov.contains_key(&key) || failed {
                checkov_judged += 1;
            }
            if failed {
                disagreements.insert((check.to_owned(), case.rule.clone(), case.why.clone()));
            }
        }
        for &check in &case.cdk_nag {
            nag_mapped += 1;
            if !unloaded.contains(case.file.as_str()) {
                nag_judged += 1;
                let key = (case.file.clone(), case.target.clone(), check.to_owned());
                if nag_failed.contains(&key) {
                    disagreements.insert((check.to_owned(), case.rule.clone(), case.why.clone()));
                }
            }
        }
    }
    assert!(
        checkov_judged * 4 >= checkov_mapped,
        "checkov judged only {checkov_judged} of the {checkov_mapped} cases of a rule it maps"
    );
    assert!(
        nag_judged * 5 >= nag_mapped * 4,
        "cdk-nag loaded only {nag_judged} of the {nag_mapped} cases of a rule it maps; it could not load: {}",
        nag["unloaded"]
    );

    let answers: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join(COMPLIANT_ANSWERS)).unwrap(),
    )
    .unwrap_or_else(|e| panic!("{COMPLIANT_ANSWERS} is not JSON: {e}"));
    let mut answered = std::collections::BTreeSet::new();
    let mut wrong = Vec::new();
    for a in answers.as_array().expect("a list of answers") {
        let field = |name: &str| a[name].as_str().unwrap_or_default().to_owned();
        let (check, rule, why, reason) =
            (field("check"), field("rule"), field("why"), field("reason"));
        let peer = if check.starts_with("HIPAA.Security-") {
            "cdk-nag"
        } else {
            "checkov"
        };
        if a["peer"] != peer {
            wrong.push(format!(
                "{rule} {check}: the answer names peer {}, not {peer}",
                a["peer"]
            ));
        }
        if reason.split_whitespace().count() < 8 {
            wrong.push(format!(
                "{rule} {check} ({why}): the answer gives no reason a reader can check: {reason:?}"
            ));
        }
        let key = (check, rule, why);
        if !disagreements.contains(&key) {
            wrong.push(format!(
                "stale answer: {} does not fail the target of {} ({}) any more; remove the answer",
                key.0, key.1, key.2
            ));
        }
        if !answered.insert(key.clone()) {
            wrong.push(format!(
                "{} on {} ({}) is answered twice",
                key.0, key.1, key.2
            ));
        }
    }
    for (check, rule, why) in &disagreements {
        if !answered.contains(&(check.clone(), rule.clone(), why.clone())) {
            wrong.push(format!(
                "{check} fails the target of the compliant case of {rule} ({why}): fix the rule if the peer is right, else answer it in {COMPLIANT_ANSWERS}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
