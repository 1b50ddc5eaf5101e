//! The auditor's report of the examples: every piece of evidence points at a real property
//! of the written templates, and the HTML page stands alone.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::support::{run_example, synth_example};

fn report_of(example: &'static str, dir: &Path) -> Value {
    let output = run_example(example, &["report", "--out", dir.to_str().unwrap()]);
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
    let report = report_of("clinic", dir.path());
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
/// plan's copies. The report marks §164.308(a)(7)(ii)(B) enforced, with evidence per store.
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
    assert_eq!(control["status"], "enforced", "{control}");
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
    // The access-log bucket's SSE-S3 is a typed exception of S1, not a waiver: every
    // encryption rule holds.
    assert_eq!(status("164.312(a)(2)(iv)"), "enforced");
    // The clinic keeps its records in one region and says why in a waiver of S10: the
    // report shows the gap accepted in writing, with the reason.
    assert_eq!(status("164.308(a)(7)(ii)(B)"), "waived");
    assert_eq!(status("164.308(a)(1)(ii)(A)"), "customer");
    assert_eq!(report["summary"]["findings"], 0);
    let waivers = report["waivers"].as_array().unwrap();
    assert_eq!(waivers.len(), 1, "{waivers:?}");
    assert_eq!(waivers[0]["rule"], "S10");
    assert_eq!(waivers[0]["construct"], "clinic-data/PatientRecords");
    assert!(
        waivers[0]["reason"]
            .as_str()
            .unwrap()
            .contains("single-region clinic")
    );
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
        stdout.contains("0 finding(s), 1 gap(s), 1 waiver(s)"),
        "{stdout}"
    );

    let sarif = run_example("clinic", &["check", "--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 0);
    assert!(
        doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len()
            > 40
    );
}
