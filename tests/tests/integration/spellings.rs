//! Meaning, not spelling: for every rule, at least three different non-compliant spellings
//! of the same violation through the escape hatch (other intrinsics, split policies, other
//! address spellings, other types), each caught.
//!
//! The corpus is `tests/corpora/spellings.json`: a list of cases, each a rule, the logical
//! id it must fail on (or leave a gap on, for rules that only report gaps), why the case is
//! another spelling, and the raw resources of one stack.

use std::collections::{BTreeMap, BTreeSet};

use hipaa_stack::compliance::{Status, rule_spec, rules};
use hipaa_stack::prelude::*;
use serde_json::Value;

const STACK: &str = "corpus";

#[derive(Debug)]
struct Case {
    rule: String,
    target: String,
    why: String,
    expect: String,
    /// Logical id, type and properties of each raw resource.
    resources: Vec<(String, String, serde_json::Map<String, Value>)>,
}

fn text(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` of a case is not a string: {v}"))
        .to_owned()
}

fn corpus() -> Vec<Case> {
    let cases: Value = serde_json::from_str(include_str!("../../corpora/spellings.json"))
        .expect("the corpus is JSON");
    cases
        .as_array()
        .expect("the corpus is a list of cases")
        .iter()
        .map(|c| Case {
            rule: text(c, "rule"),
            target: text(c, "target"),
            why: text(c, "why"),
            expect: text(c, "expect"),
            resources: c["resources"]
                .as_object()
                .expect("resources by logical id")
                .iter()
                .map(|(id, r)| {
                    (
                        id.clone(),
                        text(r, "Type"),
                        r["Properties"].as_object().cloned().unwrap_or_default(),
                    )
                })
                .collect(),
        })
        .collect()
}

/// The app of a case: one stack with its raw resources.
fn app_of(case: &Case) -> App {
    let app = App::new("spellings");
    {
        let stack = app.stack(STACK).expect("a valid stack name");
        for (id, type_name, properties) in &case.resources {
            let mut raw = RawResource::new(id.as_str(), type_name.as_str());
            for (name, value) in properties {
                raw = raw.property(name, value.clone());
            }
            stack.add(raw).expect("a valid raw resource");
        }
    }
    app
}

#[test]
fn every_rule_has_three_spellings_of_its_violation() {
    let cases = corpus();
    let mut by_rule: BTreeMap<&str, Vec<&Case>> = BTreeMap::new();
    for case in &cases {
        assert!(
            rule_spec(&case.rule).is_some(),
            "no rule {} (case `{}`)",
            case.rule,
            case.why
        );
        by_rule.entry(case.rule.as_str()).or_default().push(case);
    }
    for rule in rules() {
        let cases = by_rule.get(rule.id).map_or(&[][..], Vec::as_slice);
        assert!(
            cases.len() >= 3,
            "rule {} has {} spellings in the corpus; write at least three",
            rule.id,
            cases.len()
        );
        let distinct: BTreeSet<String> =
            cases.iter().map(|c| format!("{:?}", c.resources)).collect();
        assert_eq!(
            distinct.len(),
            cases.len(),
            "rule {}: a spelling repeats",
            rule.id
        );
    }
}

#[test]
fn every_spelling_is_caught() {
    let mut missed = Vec::new();
    for case in corpus() {
        let app = app_of(&case);
        let assembly = match app.check() {
            Ok(a) => a,
            Err(e) => {
                missed.push(format!("{} `{}`: check failed: {e}", case.rule, case.why));
                continue;
            }
        };
        let found: Vec<&Status> = assembly
            .evaluation()
            .results
            .iter()
            .filter(|c| c.rule == case.rule && *c.logical_id == *case.target)
            .map(|c| &c.status)
            .collect();
        let caught = match case.expect.as_str() {
            "gap" => found.iter().any(|s| matches!(s, Status::Gap { .. })),
            _ => found.iter().any(|s| matches!(s, Status::Failed { .. })),
        };
        if !caught {
            missed.push(format!(
                "{} on {} `{}`: {found:?}",
                case.rule, case.target, case.why
            ));
            continue;
        }
        // A failure is refused by synth too (nothing in the corpus waives anything).
        if case.expect != "gap" {
            match app.synth() {
                Err(hipaa_stack::Error::Noncompliant { findings }) => {
                    if !findings
                        .iter()
                        .any(|f| f.rule == case.rule && f.logical_id == case.target)
                    {
                        missed.push(format!(
                            "{} `{}`: synth does not name it",
                            case.rule, case.why
                        ));
                    }
                }
                other => missed.push(format!(
                    "{} `{}`: synth did not refuse: {:?}",
                    case.rule,
                    case.why,
                    other.err()
                )),
            }
        }
    }
    assert!(
        missed.is_empty(),
        "spellings not caught:\n{}",
        missed.join("\n")
    );
}
