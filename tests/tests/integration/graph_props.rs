//! Property tests of the resolver over random DAG-shaped apps.
//!
//! An app has up to eight stacks; each stack has a key and an access-log bucket, and
//! constructs that use the key and log bucket of any stack declared before it or of itself.
//! Whatever the shape: every import has an export in an earlier wave, no stack uses a later
//! wave, the stacks come in a topological order, and synth is deterministic.

use std::collections::{BTreeMap, BTreeSet};

use hipaa_stack::Assembly;
use hipaa_stack::prelude::*;
use proptest::prelude::*;
use serde_json::Value;

/// For each stack, the constructs to add: (kind, index of the key's stack, index of the log
/// bucket's stack), both at most the stack's own index.
type Shape = Vec<Vec<(u8, usize, usize)>>;

fn shapes() -> impl Strategy<Value = Shape> {
    (1usize..=8).prop_flat_map(|stacks| {
        (0..stacks)
            .map(|i| proptest::collection::vec((0u8..3, 0..=i, 0..=i), 0..5))
            .collect::<Vec<_>>()
    })
}

fn build(shape: &Shape) -> Assembly {
    let app = App::new("prop");
    let mut keys = Vec::new();
    let mut logs = Vec::new();
    for (i, constructs) in shape.iter().enumerate() {
        let stack = app.stack(format!("stack-{i}").as_str()).unwrap();
        keys.push(stack.add(KmsKey::new("Key")).unwrap());
        logs.push(stack.add(AccessLogBucket::new("Logs")).unwrap());
        for (n, &(kind, k, l)) in constructs.iter().enumerate() {
            let (key, log) = (&keys[k], &logs[l]);
            match kind {
                0 => {
                    let b = stack
                        .add(
                            SecureBucket::new(format!("B{n}"))
                                .encryption(key)
                                .access_logs(log),
                        )
                        .unwrap();
                    stack.output(&format!("Bucket{n}"), b.name()).unwrap();
                }
                1 => {
                    stack
                        .add(LogGroup::new(format!("G{n}")).encryption(key))
                        .unwrap();
                }
                _ => {
                    stack
                        .add(
                            AuditTrail::new(format!("T{n}"))
                                .encryption(key)
                                .access_logs(log),
                        )
                        .unwrap();
                }
            }
        }
    }
    app.synth().unwrap()
}

fn imports(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(name)) = map.get("Fn::ImportValue") {
                out.push(name.clone());
            }
            map.values().for_each(|v| imports(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| imports(v, out)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn imports_have_exports_in_earlier_waves_and_order_is_topological(shape in shapes()) {
        let assembly = build(&shape);
        let wave: BTreeMap<&str, usize> =
            assembly.stacks().iter().map(|s| (s.name(), s.wave())).collect();
        let mut exports: BTreeMap<String, &str> = BTreeMap::new();
        for s in assembly.stacks() {
            for o in s.template().outputs() {
                if let Some(name) = o.export_name() {
                    prop_assert!(exports.insert(name.to_owned(), s.name()).is_none(), "export {name} twice");
                }
            }
        }
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut last_wave = 0;
        for s in assembly.stacks() {
            prop_assert!(s.wave() >= last_wave, "stacks are not ordered by wave");
            last_wave = s.wave();
            for dep in s.dependencies() {
                prop_assert!(seen.contains(dep.as_str()), "{} comes before its dependency {dep}", s.name());
                prop_assert!(wave[dep.as_str()] < s.wave(), "{} uses a stack of a later wave", s.name());
            }
            let json: Value = serde_json::from_str(s.template_json()).unwrap();
            let mut found = Vec::new();
            imports(&json, &mut found);
            for name in found {
                let Some(producer) = exports.get(&name) else {
                    return Err(TestCaseError::fail(format!("{} imports {name}, which no stack exports", s.name())));
                };
                prop_assert!(wave[producer] < s.wave(), "{name} is exported by a later wave");
                prop_assert!(s.dependencies().iter().any(|d| d == producer));
            }
            seen.insert(s.name());
        }
        prop_assert_eq!(seen.len(), shape.len());
    }

    #[test]
    fn synth_is_deterministic(shape in shapes()) {
        let first = build(&shape);
        let second = build(&shape);
        for (a, b) in first.stacks().iter().zip(second.stacks()) {
            prop_assert_eq!(a.template_json(), b.template_json());
        }
        prop_assert_eq!(first.manifest_json().unwrap(), second.manifest_json().unwrap());
        prop_assert_eq!(first.graph(), second.graph());
    }
}
