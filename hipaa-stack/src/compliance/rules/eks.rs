//! Amazon EKS clusters (`AWS::EKS::Cluster`): the Kubernetes control plane that a raw
//! resource declares, which stores the cluster's secrets, serves the Kubernetes API and
//! records who called it. Their node groups are read by `E4` and `E5` (`compute.rs`), and
//! the log group their control-plane logs go to by `L4` (`storage.rs`).
//!
//! The settings are those of checkov's `CKV_AWS_58` (secrets encryption) and, since
//! checkov reads neither in CloudFormation, of its Terraform checks of a private endpoint
//! and of control-plane logging, and of AWS Config's `eks-secrets-encrypted`,
//! `eks-endpoint-no-public-access` and `eks-cluster-logging-enabled`.

use serde_json::Value;

use super::meaning::{no_value, text, text_or_json};
use super::resilience::customer_key;
use super::{Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, is_false, is_true};

/// An EKS cluster's control plane.
pub(super) const EKS_CLUSTER: &str = "AWS::EKS::Cluster";

/// The control-plane logs that EKS can send to CloudWatch Logs, as the `Type` of an entry
/// of `Logging.ClusterLogging.EnabledTypes` spells them (CloudFormation reference,
/// `AWS::EKS::Cluster LoggingTypeConfig`: "Allowed values: api | audit | authenticator |
/// controllerManager | scheduler").
const LOG_TYPES: [&str; 5] = [
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "EKS1",
        title: "EKS clusters encrypt Kubernetes secrets with a customer-managed key of the app and serve the Kubernetes API on a private endpoint only",
        types: &[EKS_CLUSTER],
        controls: &["164.312(a)(1)", "164.312(a)(2)(iv)", "164.312(e)(1)"],
        fix: "set `EncryptionConfig` to one entry whose `Resources` is [\"secrets\"] and whose `Provider.KeyArn` is a customer-managed key of the app (its `Fn::GetAtt` `Arn`), and in `ResourcesVpcConfig` set `EndpointPublicAccess` false (EKS serves the API on the internet when it is not set) and `EndpointPrivateAccess` true; reach the API from inside the network (a bastion through Session Manager, a VPN, or a pipeline that runs in the VPC)",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_58"),
            guard: None,
        },
        check: eks1,
    },
    RuleSpec {
        id: "EKS2",
        title: "EKS clusters send every control-plane log (API server, audit, authenticator, controller manager, scheduler) to CloudWatch Logs",
        types: &[EKS_CLUSTER],
        controls: &["164.308(a)(1)(ii)(D)", "164.312(b)"],
        fix: "set `Logging.ClusterLogging.EnabledTypes` to the five entries `{\"Type\": \"api\"}`, `audit`, `authenticator`, `controllerManager` and `scheduler` (EKS sends none when it is not set), and declare their log group as `L4` asks",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: eks2,
    },
];

/// EKS1: the cluster's secrets are under a key of the app and its API endpoint is private.
///
/// - "Envelope encryption ... with a KMS key that you create" of the Kubernetes secrets is
///   what `EncryptionConfig` turns on (`Resources`: "Specifies the resources to be
///   encrypted. The only supported value is `secrets`"; `Provider.KeyArn`: "Amazon Resource
///   Name (ARN) or alias of the KMS key. The KMS key must be symmetric and created in the
///   same AWS Region as the cluster", CloudFormation reference, `AWS::EKS::Cluster
///   EncryptionConfig` and `Provider`). Without it, the API data is encrypted only by a key
///   of AWS's own, which no key policy of the app governs and no CloudTrail event of the
///   account records the use of.
/// - "`EndpointPublicAccess`: Set this value to false to disable public access to your
///   cluster's Kubernetes API server endpoint ... The default value for this parameter is
///   true"; "`EndpointPrivateAccess` ... The default value for this parameter is false"
///   (`AWS::EKS::Cluster ResourcesVpcConfig`): an endpoint the internet reaches lets anyone
///   with a stolen credential, from anywhere, read the pods and secrets that hold PHI.
fn eks1(cx: &Cx<'_>) -> Outcome {
    all([
        secrets_under_a_key(cx),
        flag(
            cx,
            "/ResourcesVpcConfig/EndpointPublicAccess",
            false,
            "EKS serves the Kubernetes API on the internet",
        ),
        flag(
            cx,
            "/ResourcesVpcConfig/EndpointPrivateAccess",
            true,
            "the Kubernetes API is not reachable from inside the network, so it must be public",
        ),
    ])
}

/// The entry of `EncryptionConfig` that encrypts `secrets`, and its key a customer-managed
/// key of the app.
fn secrets_under_a_key(cx: &Cx<'_>) -> Result<Proof, String> {
    const CONFIG: &str = "/EncryptionConfig";
    let fix = "set `EncryptionConfig` to [{\"Resources\": [\"secrets\"], \"Provider\": {\"KeyArn\": <a key of the app>}}]";
    let entries = match cx.prop(CONFIG).filter(|v| !no_value(v)) {
        None => {
            return Err(format!(
                "`EncryptionConfig` is not set, so the cluster's Kubernetes secrets are encrypted only under a key of AWS's own that no key policy of the app governs; {fix}"
            ));
        }
        Some(Value::Array(entries)) => entries,
        Some(other) => {
            return Err(format!(
                "`EncryptionConfig` is {}, which no rule can read before deploy, so nothing shows that the Kubernetes secrets are encrypted under a key of the app; {fix}",
                text_or_json(other)
            ));
        }
    };
    let secrets = entries.iter().position(|entry| {
        entry
            .pointer("/Resources")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|r| text(r).as_deref() == Some("secrets")))
    });
    let Some(at) = secrets else {
        return Err(format!(
            "no entry of `EncryptionConfig` lists `secrets` in its `Resources` (written as a list of text), so the Kubernetes secrets are not encrypted under a key of the app; {fix}"
        ));
    };
    let key = format!("{CONFIG}/{at}/Provider/KeyArn");
    match cx.prop(&key) {
        None => Err(format!(
            "`EncryptionConfig[{at}].Provider.KeyArn` is not set, so no key of the app encrypts the Kubernetes secrets; {fix}"
        )),
        Some(_) => customer_key(cx, &key),
    }
}

/// The boolean at `pointer` must read `wanted`; `otherwise` says what it means when it
/// does not (or is not set, when its default is the other value).
fn flag(cx: &Cx<'_>, pointer: &str, wanted: bool, otherwise: &str) -> Result<Proof, String> {
    let shown = super::pointer_name(pointer);
    match cx.prop(pointer).filter(|v| !no_value(v)) {
        Some(v) if (wanted && is_true(v)) || (!wanted && is_false(v)) => {
            cx.proof(pointer).ok_or_default()
        }
        None => Err(format!(
            "`{shown}` is not set, so it is {}: {otherwise}; write {wanted}",
            !wanted
        )),
        Some(v) if is_true(v) || is_false(v) => Err(format!(
            "`{shown}` is {}: {otherwise}; write {wanted}",
            !wanted
        )),
        Some(v) => Err(format!(
            "`{shown}` is {}, which is not known before deploy, so it may be {}: {otherwise}; write {wanted}",
            text_or_json(v),
            !wanted
        )),
    }
}

/// EKS2: every control-plane log is on. "Amazon EKS control plane logging provides audit
/// and diagnostic logs directly from the Amazon EKS control plane to CloudWatch Logs in your
/// account"; "By default, cluster control plane logs aren't sent to CloudWatch Logs. You
/// must enable each log type individually" (Amazon EKS user guide, "Send control plane logs
/// to CloudWatch Logs"). The audit log ("a record of the individual users, administrators,
/// or system components that have affected your cluster") and the authenticator log (which
/// IAM principal each Kubernetes user is) are the record of who read what; the API server,
/// controller manager and scheduler logs show what the cluster did, as checkov's Terraform
/// check `CKV_AWS_37` and AWS Config's `eks-cluster-logging-enabled` ask of all five.
fn eks2(cx: &Cx<'_>) -> Outcome {
    const ENABLED: &str = "/Logging/ClusterLogging/EnabledTypes";
    let wanted = LOG_TYPES.join(", ");
    let entries = match cx.prop(ENABLED).filter(|v| !no_value(v)) {
        None => {
            return Outcome::Fail(format!(
                "`Logging.ClusterLogging.EnabledTypes` is not set, so EKS sends no control-plane log to CloudWatch Logs and no record shows who called the Kubernetes API; enable {wanted}"
            ));
        }
        Some(Value::Array(entries)) => entries,
        Some(other) => {
            return Outcome::Fail(format!(
                "`Logging.ClusterLogging.EnabledTypes` is {}, which no rule can read before deploy; write the list of the five log types ({wanted})",
                text_or_json(other)
            ));
        }
    };
    let mut on = Vec::with_capacity(entries.len());
    for entry in entries.iter().filter(|e| !no_value(e)) {
        match entry.pointer("/Type").and_then(text) {
            Some(t) if LOG_TYPES.contains(&t.as_str()) => on.push(t),
            Some(t) => {
                return Outcome::Fail(format!(
                    "`Logging.ClusterLogging.EnabledTypes` lists the type `{t}`, which is none of EKS's log types ({wanted}, spelled so): EKS refuses it or logs nothing for it"
                ));
            }
            None => {
                return Outcome::Fail(format!(
                    "an entry of `Logging.ClusterLogging.EnabledTypes` is {}, whose `Type` no rule can read before deploy; write each type as text",
                    text_or_json(entry)
                ));
            }
        }
    }
    let missing: Vec<&str> = LOG_TYPES
        .iter()
        .copied()
        .filter(|t| !on.iter().any(|o| o == t))
        .collect();
    if missing.is_empty() {
        all([cx.present(ENABLED)])
    } else {
        Outcome::Fail(format!(
            "`Logging.ClusterLogging.EnabledTypes` leaves out {}: EKS does not send {} to CloudWatch Logs; enable all five ({wanted})",
            missing.join(", "),
            if missing.len() == 1 {
                "that log"
            } else {
                "those logs"
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// A key of the template, by the `Arn` EKS asks for.
    fn key_arn() -> Value {
        json!({ "Fn::GetAtt": ["Key", "Arn"] })
    }

    /// The properties of a cluster that both rules pass, changed by `change`.
    fn cluster(change: impl FnOnce(&mut Value)) -> Value {
        let mut properties = json!({
            "RoleArn": { "Fn::GetAtt": ["ClusterRole", "Arn"] },
            "ResourcesVpcConfig": {
                "SubnetIds": [{ "Ref": "SubnetA" }, { "Ref": "SubnetB" }],
                "EndpointPublicAccess": false,
                "EndpointPrivateAccess": true
            },
            "EncryptionConfig": [{ "Resources": ["secrets"], "Provider": { "KeyArn": key_arn() } }],
            "Logging": { "ClusterLogging": { "EnabledTypes": LOG_TYPES.iter().map(|t| json!({ "Type": t })).collect::<Vec<_>>() } }
        });
        change(&mut properties);
        properties
    }

    fn outcome(check: fn(&Cx<'_>) -> Outcome, properties: Value) -> Outcome {
        Cx::check_first(
            check,
            &[
                ("Cluster", EKS_CLUSTER, properties),
                ("Key", "AWS::KMS::Key", json!({ "KeyPolicy": {} })),
            ],
        )
    }

    fn fails_saying(outcome: &Outcome, says: &str) -> bool {
        matches!(outcome, Outcome::Fail(why) if why.contains(says))
    }

    #[test]
    fn a_private_cluster_with_secrets_under_a_key_of_the_app_and_every_log_passes() {
        for check in [eks1 as fn(&Cx<'_>) -> Outcome, eks2] {
            let found = outcome(check, cluster(|_| {}));
            assert!(matches!(found, Outcome::Pass(_)), "{found:?}");
        }
    }

    #[test]
    fn secrets_not_under_a_key_of_the_app_fail_eks1() {
        let cases: Vec<(Value, &str)> = vec![
            (Value::Null, "`EncryptionConfig` is not set"),
            (json!([]), "no entry of `EncryptionConfig` lists `secrets`"),
            (
                json!([{ "Resources": ["configmaps"], "Provider": { "KeyArn": key_arn() } }]),
                "no entry of `EncryptionConfig` lists `secrets`",
            ),
            (
                json!([{ "Resources": ["secrets"] }]),
                "`EncryptionConfig[0].Provider.KeyArn` is not set",
            ),
            (
                json!([{ "Resources": ["secrets"], "Provider": { "KeyArn": "alias/aws/eks" } }]),
                "AWS-managed key",
            ),
            (
                json!([{ "Resources": ["secrets"], "Provider": { "KeyArn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" } }]),
                "KeyArn",
            ),
            (
                json!({ "Fn::If": ["Encrypt", [{ "Resources": ["secrets"], "Provider": { "KeyArn": key_arn() } }], { "Ref": "AWS::NoValue" }] }),
                "no rule can read before deploy",
            ),
        ];
        for (config, says) in cases {
            let found = outcome(
                eks1,
                cluster(|p| {
                    if config.is_null() {
                        p.as_object_mut().unwrap().remove("EncryptionConfig");
                    } else {
                        p["EncryptionConfig"] = config.clone();
                    }
                }),
            );
            assert!(fails_saying(&found, says), "{config}: {found:?}");
        }
    }

    #[test]
    fn an_endpoint_the_internet_reaches_fails_eks1() {
        let cases: Vec<(&str, Option<Value>, &str)> = vec![
            (
                "EndpointPublicAccess",
                None,
                "`ResourcesVpcConfig.EndpointPublicAccess` is not set, so it is true",
            ),
            ("EndpointPublicAccess", Some(json!(true)), "is true"),
            ("EndpointPublicAccess", Some(json!("true")), "is true"),
            (
                "EndpointPublicAccess",
                Some(json!({ "Ref": "Public" })),
                "not known before deploy",
            ),
            (
                "EndpointPrivateAccess",
                None,
                "`ResourcesVpcConfig.EndpointPrivateAccess` is not set, so it is false",
            ),
            ("EndpointPrivateAccess", Some(json!(false)), "is false"),
            (
                "EndpointPublicAccess",
                Some(json!({ "Fn::If": ["Private", false, true] })),
                "not known before deploy",
            ),
        ];
        for (setting, value, says) in cases {
            let found = outcome(
                eks1,
                cluster(|p| {
                    let config = p["ResourcesVpcConfig"].as_object_mut().unwrap();
                    match &value {
                        Some(v) => config.insert(setting.to_owned(), v.clone()),
                        None => config.remove(setting),
                    };
                }),
            );
            assert!(fails_saying(&found, says), "{setting} {value:?}: {found:?}");
        }
    }

    #[test]
    fn control_plane_logs_left_out_fail_eks2() {
        let types = |ts: &[&str]| -> Value { ts.iter().map(|t| json!({ "Type": t })).collect() };
        let cases: Vec<(Option<Value>, &str)> = vec![
            (None, "is not set"),
            (Some(json!([])), "leaves out api, audit"),
            (
                Some(types(&[
                    "api",
                    "authenticator",
                    "controllerManager",
                    "scheduler",
                ])),
                "leaves out audit:",
            ),
            (
                Some(types(&[
                    "api",
                    "Audit",
                    "authenticator",
                    "controllerManager",
                    "scheduler",
                ])),
                "the type `Audit`",
            ),
            (
                Some(json!([{ "Type": { "Ref": "LogType" } }])),
                "no rule can read before deploy",
            ),
            (
                Some(json!({ "Ref": "Types" })),
                "no rule can read before deploy",
            ),
        ];
        for (enabled, says) in cases {
            let found = outcome(
                eks2,
                cluster(|p| match &enabled {
                    Some(v) => p["Logging"]["ClusterLogging"]["EnabledTypes"] = v.clone(),
                    None => {
                        p.as_object_mut().unwrap().remove("Logging");
                    }
                }),
            );
            assert!(fails_saying(&found, says), "{enabled:?}: {found:?}");
        }
    }

    /// What U1 would fail (a type no rule reads) is read by these rules.
    #[test]
    fn an_eks_cluster_is_a_type_the_rules_read() {
        assert!(
            super::super::rules()
                .filter(|r| r.id.starts_with("EKS"))
                .all(|r| r.types == [EKS_CLUSTER])
        );
        let u1 = super::super::rule_spec("U1").expect("U1").check;
        let found = Cx::check_first(u1, &[("Cluster", EKS_CLUSTER, cluster(|_| {}))]);
        assert!(matches!(found, Outcome::NotApplicable), "{found:?}");
    }

    /// L4 reads where the control-plane logs go: `/aws/eks/<Name>/cluster`, declared in
    /// the cluster's stack, or a group EKS makes itself with no key and no expiry.
    #[test]
    fn control_plane_logs_go_to_a_log_group_of_the_app_for_l4() {
        let l4 = super::super::rule_spec("L4").expect("L4").check;
        let named = |name: Value| cluster(|p| p["Name"] = name);
        let group = |name: &str| {
            (
                "Logs",
                "AWS::Logs::LogGroup",
                json!({ "LogGroupName": name, "KmsKeyId": key_arn(), "RetentionInDays": 2192 }),
            )
        };
        let on = |properties: Value, groups: &[(&str, &str, Value)]| {
            let mut resources = vec![("Cluster", EKS_CLUSTER, properties)];
            resources.extend(groups.iter().cloned());
            Cx::check_first(l4, &resources)
        };
        let held = on(
            named(json!("records")),
            &[group("/aws/eks/records/cluster")],
        );
        assert!(matches!(held, Outcome::Pass(_)), "{held:?}");
        let unnamed = on(cluster(|_| {}), &[group("/aws/eks/records/cluster")]);
        assert!(
            fails_saying(&unnamed, "names the cluster at deploy"),
            "{unnamed:?}"
        );
        let other = on(named(json!("records")), &[group("/aws/eks/other/cluster")]);
        assert!(
            fails_saying(
                &other,
                "no log group of the stack is named `/aws/eks/records/cluster`"
            ),
            "{other:?}"
        );
        let unread = on(
            named(json!({ "Ref": "ClusterName" })),
            &[group("/aws/eks/records/cluster")],
        );
        assert!(
            fails_saying(&unread, "no rule can read before deploy"),
            "{unread:?}"
        );
        let silent = on(
            cluster(|p| {
                p.as_object_mut().unwrap().remove("Logging");
            }),
            &[],
        );
        assert!(matches!(silent, Outcome::NotApplicable), "{silent:?}");
    }
}
