//! The auditor's report of the examples: every piece of evidence points at a real property
//! of the written templates, and the HTML page stands alone.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::support::{run_example, synth_example};

fn report_of(example: &'static str, dir: &Path) -> Value {
    report_with(example, dir, &[])
}

/// The report of an example with more arguments (`--full`, `--buckets N` …).
fn report_with(example: &'static str, dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["report", "--out", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    let output = run_example(example, &all);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap()
}

#[test]
fn every_piece_of_evidence_points_at_a_real_property_of_the_templates() {
    let dir = tempfile::tempdir().unwrap();
    let templates: BTreeMap<String, Value> = synth_example("clinic", dir.path())
        .into_iter()
        .filter(|(n, _)| n.ends_with(".template.json"))
        .map(|(n, text)| (n, serde_json::from_str(&text).unwrap()))
        .collect();
    let report = report_with("clinic", dir.path(), &["--full"]);
    assert_eq!(report["evidence"], "full");
    let file_of: BTreeMap<String, String> = report["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_owned(),
                s["template"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut checked = 0;
    for control in report["controls"].as_array().unwrap() {
        for rule in control["rules"].as_array().unwrap() {
            for e in rule["enforced"].as_array().unwrap() {
                let template = &templates[&file_of[e["stack"].as_str().unwrap()]];
                let pointer = format!(
                    "/Resources/{}{}",
                    e["logicalId"].as_str().unwrap(),
                    e["path"].as_str().unwrap()
                );
                assert_eq!(
                    template.pointer(&pointer),
                    Some(&e["value"]),
                    "evidence {pointer} of rule {} does not match the template",
                    rule["id"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} pieces of evidence");
}

/// telehealth copies every store of PHI to us-west-2: the recordings and the audit records
/// by S3 replication, the EHR database by automated-backup replication and by the backup
/// plan's copies. The report marks §164.308(a)(7)(ii)(B) enforced, with evidence per store,
/// and with waivers: the typed exceptions of the log buckets, which are not replicated
/// (probe 17c F2), and nothing else.
#[test]
fn telehealth_has_a_copy_of_every_store_in_another_region() {
    let dir = tempfile::tempdir().unwrap();
    let report = report_of("telehealth", dir.path());
    let control = report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "164.308(a)(7)(ii)(B)")
        .unwrap();
    assert_eq!(control["status"], "waived", "{control}");
    for waiver in report["waivers"].as_array().unwrap() {
        assert!(
            waiver["note"]
                .as_str()
                .is_some_and(|n| n.contains("typed exception")),
            "{waiver}"
        );
    }
    let stores = report["disasterRecovery"].as_array().unwrap();
    assert!(stores.len() >= 5, "{stores:?}");
    for store in stores {
        assert_eq!(store["inAnotherRegion"], true, "{store}");
    }
    let ehr = stores
        .iter()
        .find(|s| s["construct"] == "telehealth-app/Ehr")
        .unwrap();
    let replication = ehr["copies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "backup replication")
        .unwrap();
    assert_eq!(replication["region"], "us-west-2");
    assert_eq!(replication["anotherRegion"], true);
    assert_eq!(
        replication["evidence"],
        "telehealth-app/Ehr/Properties/AutomaticBackupReplicationRegion"
    );
    let audit = stores
        .iter()
        .find(|s| s["construct"] == "telehealth-security/Audit")
        .unwrap();
    assert_eq!(audit["copies"][0]["to"], "telehealth-dr/AuditCopy");
}

/// The default report gathers the proofs of each rule by construct, resource type and
/// property: every proof of the full report is counted in exactly one group, under the
/// same construct, type and property, and each value a group shows is the template's value
/// for as many proofs as it says.
#[test]
fn grouped_evidence_counts_every_proof_of_the_full_report() {
    let dir = tempfile::tempdir().unwrap();
    let grouped = report_of("telehealth", &dir.path().join("grouped"));
    let full = report_with("telehealth", &dir.path().join("full"), &["--full"]);
    assert_eq!(grouped["evidence"], "grouped");
    assert_eq!(grouped["summary"], full["summary"]);
    assert_eq!(grouped["gaps"], full["gaps"]);
    assert_eq!(grouped["waivers"], full["waivers"]);
    assert_eq!(grouped["disasterRecovery"], full["disasterRecovery"]);
    let rules = |r: &Value| -> Vec<Value> {
        r["controls"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["rules"].as_array().unwrap().clone())
            .collect()
    };
    let (grouped_rules, full_rules) = (rules(&grouped), rules(&full));
    assert_eq!(grouped_rules.len(), full_rules.len());
    let mut proofs = 0;
    for (g, f) in grouped_rules.iter().zip(&full_rules) {
        assert_eq!(g["id"], f["id"]);
        assert_eq!(g["proofs"], f["proofs"], "{}", g["id"]);
        assert!(g["enforced"].as_array().unwrap().is_empty());
        let rows = f["enforced"].as_array().unwrap();
        let groups = g["groups"].as_array().cloned().unwrap_or_default();
        let counted: u64 = groups
            .iter()
            .map(|x| x["resources"].as_u64().unwrap())
            .sum();
        assert_eq!(counted, rows.len() as u64, "rule {}", g["id"]);
        for group in &groups {
            // The rows of the full report under this group's type and property.
            let values = group["values"].as_array().unwrap();
            let shown: u64 = values
                .iter()
                .map(|v| v["resources"].as_u64().unwrap())
                .sum();
            assert_eq!(
                shown + group["otherValues"].as_u64().unwrap(),
                group["resources"].as_u64().unwrap(),
                "{group}"
            );
            for v in values {
                let carrying = rows
                    .iter()
                    .filter(|r| r["path"] == group["path"] && r["value"] == v["value"])
                    .count() as u64;
                assert!(
                    carrying >= v["resources"].as_u64().unwrap(),
                    "rule {}: {group}",
                    g["id"]
                );
            }
        }
        proofs += rows.len();
    }
    assert!(proofs > 100, "only {proofs} proofs");
}

/// At 500 buckets the default report stays small (its size grows with the kinds of
/// resources, not their number), and says everything: each gap is listed once, every
/// proof counted.
#[test]
fn a_large_app_gets_a_report_of_bounded_size_that_lists_every_gap() {
    let dir = tempfile::tempdir().unwrap();
    let sizes = |dir: &Path| -> Vec<u64> {
        ["report.json", "report.md", "report.html"]
            .iter()
            .map(|f| std::fs::metadata(dir.join(f)).unwrap().len())
            .collect()
    };
    let small = dir.path().join("small");
    let large = dir.path().join("large");
    report_with("scale", &small, &["--buckets", "50"]);
    let report = report_with("scale", &large, &["--buckets", "500"]);
    let (small, large) = (sizes(&small), sizes(&large));
    // The pages hold one line per gap's resource and per store at most: ten times the
    // buckets, well under ten times the size; the JSON itemizes gaps and stores.
    assert!(large[1] < small[1] * 6, "report.md: {small:?} {large:?}");
    assert!(large[2] < small[2] * 6, "report.html: {small:?} {large:?}");
    assert!(large[2] < 200_000, "report.html: {large:?}");
    let gaps = report["gaps"].as_array().unwrap();
    assert_eq!(
        gaps.iter().filter(|g| g["rule"] == "S10").count(),
        500,
        "one S10 gap per bucket"
    );
    let page = std::fs::read_to_string(dir.path().join("large/report.html")).unwrap();
    for n in [0, 249, 499] {
        assert_eq!(
            page.matches(&format!("/Records{n},")).count()
                + page.matches(&format!("/Records{n}<")).count(),
            2,
            "Records{n} is listed once under Gaps and once under Disaster recovery"
        );
    }
    for rule in report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["rules"].as_array().unwrap())
    {
        let counted: u64 = rule["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|g| g["resources"].as_u64().unwrap())
            .sum();
        assert_eq!(rule["proofs"].as_u64().unwrap(), counted, "{}", rule["id"]);
    }
}

#[test]
fn every_control_is_listed_with_a_status_and_the_templates_are_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let report = report_of("clinic", dir.path());
    assert_eq!(report["schema"], "hipaa-stack.report/v1");
    let controls = report["controls"].as_array().unwrap();
    assert_eq!(controls.len(), hipaa_stack::compliance::CONTROLS.len());
    let status = |id: &str| {
        controls
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(status("164.312(c)(1)"), "enforced");
    // The VPC's default security group keeps AWS's rules: no template can remove them (E14).
    assert_eq!(status("164.312(e)(1)"), "gap");
    // The access-log bucket's SSE-S3 is a typed exception of S1, not a waiver; but RDS
    // writes the database's exported logs to log groups of its own, under CloudWatch Logs'
    // key, which no template of a database named at deploy can declare (L4).
    assert_eq!(status("164.312(a)(2)(iv)"), "gap");
    // The clinic keeps its records and its database in one region and says why in
    // waivers of S10 and D2: the report shows the gaps accepted in writing, with the
    // reasons.
    assert_eq!(status("164.308(a)(7)(ii)(B)"), "waived");
    assert_eq!(status("164.308(a)(1)(ii)(A)"), "customer");
    // Business associate contracts: rules H1, X1 and X2 find every service eligible and
    // every copy kept in the app, and support the contract that no template holds.
    assert_eq!(status("164.308(b)(1)"), "customer");
    assert_eq!(status("164.314(a)(1)"), "customer");
    // Cited by the customer's responsibilities, listed with a status.
    assert_eq!(status("164.316(b)(2)(i)"), "customer");
    assert_eq!(status("164.308(a)(7)(ii)(D)"), "customer");
    assert_eq!(report["summary"]["findings"], 0);
    let waivers = report["waivers"].as_array().unwrap();
    let waived: Vec<(&str, &str)> = waivers
        .iter()
        .map(|w| {
            (
                w["rule"].as_str().unwrap(),
                w["construct"].as_str().unwrap(),
            )
        })
        .collect();
    // The clinic's two waivers, and the typed exceptions of the access-log bucket (S1, S7,
    // S10) and of the trail's bucket (S10), reported as waivers with their constructs'
    // reasons, never as enforced (probe 17c F2).
    assert_eq!(
        waived,
        [
            ("S1", "clinic-security/AccessLogs"),
            ("S7", "clinic-security/AccessLogs"),
            ("S10", "clinic-security/AccessLogs"),
            ("S10", "clinic-security/Audit"),
            ("S10", "clinic-data/PatientRecords"),
            ("D2", "clinic-data/Ehr")
        ],
        "{waivers:?}"
    );
    for waiver in waivers {
        let reason = waiver["reason"].as_str().unwrap();
        let exception = waiver["note"]
            .as_str()
            .is_some_and(|n| n.contains("typed exception"));
        assert!(
            if exception {
                reason.contains("must carry no identifiers")
            } else {
                reason.contains("single-region clinic")
            },
            "{waiver}"
        );
    }
    assert!(report["unusedWaivers"].as_array().unwrap().is_empty());
    let files = synth_example("clinic", dir.path());
    for stack in report["stacks"].as_array().unwrap() {
        let (_, text) = files.iter().find(|(n, _)| *n == stack["template"]).unwrap();
        assert_eq!(stack["sha256"], hipaa_stack::digest::sha256_hex(text));
    }
    let responsibilities = report["customerResponsibilities"].as_array().unwrap();
    assert!(responsibilities.iter().any(|r| r["id"] == "baa"));
}

#[test]
fn the_html_page_stands_alone_and_shows_everything_an_auditor_needs() {
    let dir = tempfile::tempdir().unwrap();
    report_of("clinic", dir.path());
    let page = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    for external in ["<script", "<link", "src=", "@import", "url(http"] {
        assert!(
            !page.contains(external),
            "the page loads something: {external}"
        );
    }
    // The only URL is the SVG namespace, which browsers do not fetch.
    assert_eq!(page.matches("http").count(), 1, "{page}");
    for needle in [
        "<svg",
        "§164.312(a)(2)(iv)",
        "Sign the AWS Business Associate Addendum",
        "clinic-security",
    ] {
        assert!(page.contains(needle), "the page lacks {needle}");
    }
    let markdown = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(markdown.contains("```mermaid"));
}

#[test]
fn check_prints_gaps_and_waivers_and_sarif_for_ci() {
    let text = run_example("clinic", &["check"]);
    assert_eq!(text.status.code(), Some(0));
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(stdout.contains("gap: E14 at `clinic-data/Net`"), "{stdout}");
    assert!(
        stdout.contains("waived: S10 at `clinic-data/PatientRecords`: single-region clinic"),
        "{stdout}"
    );
    assert!(
        stdout.contains("gap: L4 at `clinic-data/Ehr`: RDS names the database at deploy"),
        "{stdout}"
    );
    assert!(
        stdout.contains("waived: D2 at `clinic-data/Ehr`: single-region clinic"),
        "{stdout}"
    );
    // The controls counted as enforced say how many have a waiver: §164.308(a)(7)(ii)(B)
    // (S10 and D2 waived) and (C) (S10), and those that also hold by typed exceptions of
    // the log buckets (S1, S7, S10). The business associate contracts, the password
    // procedures and the other controls no template holds are the customer's, however
    // many proofs their rules found (36 controls: every one a responsibility cites).
    assert!(
        stdout.contains(
            "0 finding(s), 2 gap(s), 6 waiver(s); 17 of 36 controls enforced (5 of them with waivers)"
        ),
        "{stdout}"
    );

    let sarif = run_example("clinic", &["check", "--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    // As many results as the text counts: the two gaps, for a person to judge (`review`,
    // whose level SARIF requires to be `none`), and the two waived gaps, suppressed in the
    // program with the waivers' reasons, and the four typed exceptions of the log buckets,
    // suppressed with their constructs' reasons (probe 17c F2).
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 8, "{results:#?}");
    // The run succeeded, and no waiver of the clinic waives nothing (a configuration
    // notification each, when one does).
    let invocation = &doc["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true, "{invocation:#}");
    assert!(invocation.get("toolConfigurationNotifications").is_none());
    let of = |rule: &str, construct: &str| {
        results
            .iter()
            .find(|r| {
                r["ruleId"] == rule
                    && r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == construct
            })
            .unwrap_or_else(|| panic!("no result of {rule} at {construct}: {results:#?}"))
    };
    for (rule, construct) in [("E14", "clinic-data/Net"), ("L4", "clinic-data/Ehr")] {
        let gap = of(rule, construct);
        assert_eq!(
            (&gap["kind"], &gap["level"]),
            (&json!("review"), &json!("none"))
        );
        assert!(gap.get("suppressions").is_none(), "{gap:#}");
        assert!(
            gap["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|uri| uri.ends_with(".template.json")),
            "{gap:#}"
        );
    }
    for (rule, construct) in [
        ("S10", "clinic-data/PatientRecords"),
        ("D2", "clinic-data/Ehr"),
    ] {
        let waived = of(rule, construct);
        assert_eq!(
            (&waived["kind"], &waived["level"]),
            (&json!("review"), &json!("none"))
        );
        assert_eq!(waived["suppressions"][0]["kind"], "inSource");
        assert_eq!(waived["suppressions"][0]["status"], "accepted");
        assert!(
            waived["suppressions"][0]["justification"]
                .as_str()
                .is_some_and(|j| j.starts_with("single-region clinic")),
            "{waived:#}"
        );
    }
    for (rule, construct) in [
        ("S1", "clinic-security/AccessLogs"),
        ("S7", "clinic-security/AccessLogs"),
        ("S10", "clinic-security/AccessLogs"),
        ("S10", "clinic-security/Audit"),
    ] {
        let excepted = of(rule, construct);
        assert_eq!(excepted["suppressions"][0]["status"], "accepted");
        assert!(
            excepted["suppressions"][0]["justification"]
                .as_str()
                .is_some_and(|j| j.contains("must carry no identifiers")),
            "{excepted:#}"
        );
    }
    assert!(
        doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len()
            > 40
    );
}

/// `check` holds little memory by default (`--low-memory` is accepted and the same), and
/// every stack's trees with `--more-memory`: the three print the same.
#[test]
fn check_with_more_or_low_memory_prints_the_same() {
    let apps: [(&'static str, &[&str]); 5] = [
        ("clinic", &[]),
        ("telehealth", &[]),
        ("portal", &[]),
        ("scale", &["--buckets", "120", "--accept-single-region"]),
        (
            "scale",
            &["--buckets", "120", "--databases", "--backups", "--services"],
        ),
    ];
    for (example, app_args) in apps {
        for format in ["text", "json", "sarif"] {
            let run = |memory: Option<&'static str>| {
                let mut args = vec!["check", "--format", format];
                args.extend(memory);
                args.extend_from_slice(app_args);
                run_example(example, &args)
            };
            let default = run(None);
            assert_eq!(
                default.status.code(),
                Some(0),
                "{example} {app_args:?} {format}"
            );
            let stdout = String::from_utf8(default.stdout).unwrap();
            assert!(stdout.len() > 100, "{stdout}");
            for memory in ["--low-memory", "--more-memory"] {
                let other = run(Some(memory));
                assert_eq!(other.status.code(), default.status.code(), "{memory}");
                assert_eq!(
                    String::from_utf8(other.stdout).unwrap(),
                    stdout,
                    "{example} {app_args:?} {format} {memory}"
                );
            }
        }
    }
    let both = run_example("telehealth", &["check", "--more-memory", "--low-memory"]);
    assert_eq!(both.status.code(), Some(2), "clap refuses the two together");
    assert!(
        String::from_utf8_lossy(&both.stderr).contains("cannot be used with"),
        "{}",
        String::from_utf8_lossy(&both.stderr)
    );
}

#[test]
fn report_with_low_memory_writes_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let apps: [(&'static str, &[&str]); 2] = [
        ("clinic", &[]),
        (
            "scale",
            &[
                "--buckets",
                "120",
                "--databases",
                "--backups",
                "--replicate",
            ],
        ),
    ];
    for (example, app_args) in apps {
        for evidence in [None, Some("--summary"), Some("--full")] {
            let out = |low: bool| {
                let out = dir.path().join(format!("{example}-{evidence:?}-{low}"));
                let mut args = vec!["report", "--out", out.to_str().unwrap()];
                args.extend(evidence);
                if low {
                    args.push("--low-memory");
                }
                args.extend_from_slice(app_args);
                let run = run_example(example, &args);
                assert!(
                    run.status.success(),
                    "{example} {args:?}: {}",
                    String::from_utf8_lossy(&run.stderr)
                );
                out
            };
            let (fast, low) = (out(false), out(true));
            for file in ["report.json", "report.md", "report.html"] {
                let written = std::fs::read(fast.join(file)).unwrap();
                assert!(written.len() > 1000, "{example} {evidence:?} {file}");
                assert_eq!(
                    std::fs::read(low.join(file)).unwrap(),
                    written,
                    "{example} {evidence:?} {file}"
                );
            }
        }
    }
}

/// `report --out DIR` replaces the three files of an earlier report, and never a file of
/// the user's own of the same name (a `report.md` of their notes, a link, a folder): the
/// run fails naming the file and what to do, and leaves it as it was.
#[test]
fn report_never_replaces_a_file_of_the_users_own() {
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours");
    report_of("clinic", &ours);
    let again = report_of("clinic", &ours);
    assert_eq!(again["schema"], "hipaa-stack.report/v1");
    for name in ["report.json", "report.md", "report.html"] {
        let theirs = dir.path().join(format!("theirs-{name}"));
        std::fs::create_dir_all(&theirs).unwrap();
        let notes = "# Our own notes\n\nWritten by hand, not by a tool.\n";
        std::fs::write(theirs.join(name), notes).unwrap();
        let run = run_example("clinic", &["report", "--out", theirs.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{name}: {stderr}");
        assert!(
            stderr.contains(name) && stderr.contains("did not write") && stderr.contains("--out"),
            "{name}: {stderr}"
        );
        assert_eq!(std::fs::read_to_string(theirs.join(name)).unwrap(), notes);
        for other in ["report.json", "report.md", "report.html"] {
            if other != name {
                assert!(!theirs.join(other).exists(), "{name}: {other} was written");
            }
        }
    }
    let folder = dir.path().join("folder");
    std::fs::create_dir_all(folder.join("report.html")).unwrap();
    let run = run_example("clinic", &["report", "--out", folder.to_str().unwrap()]);
    assert!(!run.status.success());
    assert!(folder.join("report.html").is_dir());
}
