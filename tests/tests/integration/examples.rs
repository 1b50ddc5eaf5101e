//! The examples synthesize what we expect, byte for byte, every time.

use crate::support::{run_example, synth_example};

#[test]
fn clinic_writes_one_template_per_stack_and_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let files = synth_example("clinic", dir.path());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "clinic-data.template.json",
            "clinic-security.template.json",
            "manifest.json"
        ]
    );
    let manifest: serde_json::Value = serde_json::from_str(&files[2].1).unwrap();
    assert_eq!(manifest["stacks"][0]["name"], "clinic-security");
    assert_eq!(manifest["stacks"][1]["dependencies"][0], "clinic-security");
}

#[test]
fn clinic_synth_is_byte_identical_across_runs() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    assert_eq!(
        synth_example("clinic", first.path()),
        synth_example("clinic", second.path())
    );
}

#[test]
fn clinic_templates_match_their_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in synth_example("clinic", dir.path()) {
        insta::assert_snapshot!(format!("clinic__{name}"), text);
    }
}

#[test]
fn telehealth_synthesizes_four_stacks_in_waves_with_the_app_stack_in_production_and_dr_in_us_west_2()
 {
    let dir = tempfile::tempdir().unwrap();
    let files = synth_example("telehealth", dir.path());
    let manifest: serde_json::Value = serde_json::from_str(
        &files
            .iter()
            .find(|(n, _)| n == "manifest.json")
            .expect("a manifest")
            .1,
    )
    .unwrap();
    let stacks = manifest["stacks"].as_array().unwrap();
    let order: Vec<(&str, u64, bool, Option<&str>)> = stacks
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["wave"].as_u64().unwrap(),
                s["production"].as_bool().unwrap(),
                s["region"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            // The security stack's audit records replicate to buckets of the DR stack,
            // whose names and keys it reads as parameters: DR deploys first.
            ("telehealth-dr", 0, false, Some("us-west-2")),
            ("telehealth-security", 1, false, None),
            ("telehealth-network", 2, false, None),
            ("telehealth-app", 3, true, None),
        ]
    );
    assert_eq!(
        stacks[3]["dependencies"],
        serde_json::json!(["telehealth-dr", "telehealth-security", "telehealth-network"])
    );
    // The app stack reads the DR vault's ARN, the recordings copy's ARN and the DR key's ARN
    // (us-west-2) through parameters that `up` fills from the DR stack's outputs.
    let from_dr = |name: &str| {
        serde_json::json!({
            "name": name,
            "fromStack": "telehealth-dr",
            "fromRegion": "us-west-2",
            "fromOutput": name
        })
    };
    assert_eq!(
        stacks[3]["parameters"],
        serde_json::json!([
            from_dr("Xrtelehealthdr19VisitRecordingsCopyArn"),
            from_dr("Xrtelehealthdr5DrKeyArn"),
            from_dr("Xrtelehealthdr7DrVaultBackupVaultArn"),
        ])
    );
    // The audit trail's log files and the configuration history replicate to buckets of
    // the DR stack, encrypted with its key.
    assert_eq!(
        stacks[1]["parameters"],
        serde_json::json!([
            from_dr("Xrtelehealthdr9AuditCopyArn"),
            from_dr("Xrtelehealthdr5DrKeyArn"),
            from_dr("Xrtelehealthdr10ConfigCopyArn"),
        ])
    );
    // The security stack is over CloudFormation's inline limit and goes through S3.
    assert_eq!(stacks[1]["needsUpload"], true);
}

#[test]
fn telehealth_check_finds_nothing_to_refuse() {
    let output = run_example("telehealth", &["check", "--format", "json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["findings"], 0, "{report}");
    assert_eq!(report["summary"]["failed"], 0, "{report}");
    assert_eq!(report["findings"], serde_json::json!([]), "{report}");
}

#[test]
fn a_bad_command_line_exits_with_the_usage_code() {
    let output = run_example("clinic", &["sinth"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unrecognized subcommand"));
}

#[test]
fn an_unwritable_folder_exits_with_the_write_code_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let out = blocker.join("assembly");
    let output = run_example("clinic", &["synth", "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("could not write the cloud assembly to"),
        "{stderr}"
    );
    assert!(stderr.contains("assembly"), "{stderr}");
}

#[test]
fn graph_prints_the_stack_graph_as_dot_and_the_resource_graph_as_mermaid() {
    let dot = run_example("clinic", &["graph"]);
    assert!(dot.status.success());
    let dot = String::from_utf8(dot.stdout).unwrap();
    assert!(dot.starts_with("digraph stacks {"), "{dot}");
    assert!(
        dot.contains("\"clinic-security\" -> \"clinic-data\";"),
        "{dot}"
    );

    let mermaid = run_example("clinic", &["graph", "--resources", "--format", "mermaid"]);
    assert!(mermaid.status.success());
    let mermaid = String::from_utf8(mermaid.stdout).unwrap();
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert!(
        mermaid.contains("[\"Ehr<br/>AWS::RDS::DBInstance\"]"),
        "{mermaid}"
    );
}
