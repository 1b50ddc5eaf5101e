//! Amazon DocumentDB and Amazon Neptune: two HIPAA-eligible databases built, as Aurora is,
//! of a cluster (which owns the storage, its key, its backups, its parameters and its log
//! exports) and the instances that join it. The rules read the cluster as the RDS rules
//! (`R1`, `R3`, `R6`, `R8`, `R12`) read an Aurora cluster, one rule per control for both
//! services, since both take the same properties in CloudFormation; an instance is judged
//! on its cluster.
//!
//! Encryption at rest and in transit accept no waiver; backups and audit logs accept one
//! with a reason, as their RDS counterparts do.

use serde_json::{Value, json};

use super::meaning::{text, text_or_json, whole_number};
use super::resilience::customer_key;
use super::{Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, proof_of};
use crate::cfn::Resource;

const DOCDB_CLUSTER: &str = "AWS::DocDB::DBCluster";
const DOCDB_INSTANCE: &str = "AWS::DocDB::DBInstance";
const DOCDB_GROUP: &str = "AWS::DocDB::DBClusterParameterGroup";
const NEPTUNE_CLUSTER: &str = "AWS::Neptune::DBCluster";
const NEPTUNE_INSTANCE: &str = "AWS::Neptune::DBInstance";
const NEPTUNE_GROUP: &str = "AWS::Neptune::DBClusterParameterGroup";

/// The clusters and the instances that join them.
const STORES: &[&str] = &[
    DOCDB_CLUSTER,
    DOCDB_INSTANCE,
    NEPTUNE_CLUSTER,
    NEPTUNE_INSTANCE,
];

/// The stores, and the cluster parameter groups that may turn TLS off.
const IN_TRANSIT: &[&str] = &[
    DOCDB_CLUSTER,
    DOCDB_INSTANCE,
    NEPTUNE_CLUSTER,
    NEPTUNE_INSTANCE,
    DOCDB_GROUP,
    NEPTUNE_GROUP,
];

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "DD1",
        title: "DocumentDB and Neptune clusters encrypt their storage with a customer-managed key",
        types: STORES,
        controls: &["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
        fix: "set `StorageEncrypted` to true (CloudFormation leaves a DocumentDB or Neptune cluster unencrypted without it) and `KmsKeyId` to a key of the app (without it the cluster uses the AWS-managed key `aws/rds`); create the cluster empty, or restore a cluster of this template; give each instance's `DBClusterIdentifier` a cluster of the app",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_74"),
            guard: None,
        },
        check: dd1,
    },
    RuleSpec {
        id: "DD2",
        title: "DocumentDB and Neptune clusters keep automated backups at least 7 days and have deletion protection",
        types: STORES,
        controls: &[
            "164.308(a)(7)(i)",
            "164.308(a)(7)(ii)(A)",
            "164.308(a)(7)(ii)(B)",
            "164.308(a)(7)(ii)(C)",
        ],
        fix: "set `BackupRetentionPeriod` to 7 or more (the default keeps one day) and `DeletionProtection` to true on the cluster",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_360"),
            guard: None,
        },
        check: dd2,
    },
    RuleSpec {
        id: "DD3",
        title: "DocumentDB and Neptune clusters write an audit log and export it to CloudWatch Logs",
        types: STORES,
        controls: &["164.308(a)(3)(ii)(A)", "164.308(a)(5)(ii)(C)", "164.312(b)"],
        fix: "list `audit` in the cluster's `EnableCloudwatchLogsExports`, and name in `DBClusterParameterGroupName` a cluster parameter group of this template that sets `audit_logs` to enabled, ddl or all (DocumentDB) or `neptune_enable_audit_log` to 1 (Neptune): the default groups leave auditing off",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_104"),
            guard: None,
        },
        check: dd3,
    },
    RuleSpec {
        id: "DD4",
        title: "DocumentDB and Neptune clusters accept only TLS connections",
        types: IN_TRANSIT,
        controls: &["164.312(e)(1)", "164.312(e)(2)(ii)"],
        fix: "leave the DocumentDB cluster parameter `tls` unset or set it to enabled, tls1.2+, tls1.3+ or fips-140-3, never disabled, in a group of this template (or use a `default.` group); on Neptune, leave `neptune_enforce_ssl` unset or 1 and use an engine version of 1.0.4.0 or later, which accepts only HTTPS",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_90"),
            guard: None,
        },
        check: dd4,
    },
];

/// The service of a type of this file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    DocDb,
    Neptune,
}

impl Service {
    fn of(type_name: &str) -> Option<Self> {
        match type_name {
            DOCDB_CLUSTER | DOCDB_INSTANCE | DOCDB_GROUP => Some(Service::DocDb),
            NEPTUNE_CLUSTER | NEPTUNE_INSTANCE | NEPTUNE_GROUP => Some(Service::Neptune),
            _ => None,
        }
    }

    fn cluster(self) -> &'static str {
        match self {
            Service::DocDb => DOCDB_CLUSTER,
            Service::Neptune => NEPTUNE_CLUSTER,
        }
    }

    fn group(self) -> &'static str {
        match self {
            Service::DocDb => DOCDB_GROUP,
            Service::Neptune => NEPTUNE_GROUP,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Service::DocDb => "DocumentDB",
            Service::Neptune => "Neptune",
        }
    }
}

/// What a rule makes of an instance: its storage, backups, logs and parameters are its
/// cluster's (CloudFormation's `AWS::DocDB::DBInstance` and `AWS::Neptune::DBInstance` take
/// none of them). An instance that joins a cluster of this template (by `Ref`, or by the
/// cluster's `DBClusterIdentifier` as text), or one imported from another stack of the app
/// (synth refuses an import that no stack exports), is judged on that cluster: the rule
/// does not apply. One that joins any other cluster takes `what` from a cluster that no
/// rule reads: a gap. `None` for a cluster.
fn member(cx: &Cx<'_>, what: &str) -> Option<Outcome> {
    let t = cx.resource.type_name();
    if t != DOCDB_INSTANCE && t != NEPTUNE_INSTANCE {
        return None;
    }
    let service = Service::of(t)?;
    let Some(joins) = cx.prop("/DBClusterIdentifier") else {
        return Some(Outcome::Gap(format!(
            "`DBClusterIdentifier` is not set, so the {} instance joins no cluster that a rule reads: {what}; name a cluster of the app",
            service.name()
        )));
    };
    let named = text(joins);
    let ours = cx.others(service.cluster()).any(|c| {
        super::meaning::names(joins, c.logical_id())
            || named.as_deref().is_some_and(|name| {
                text(&c.properties()["DBClusterIdentifier"])
                    .is_some_and(|own| own.trim().eq_ignore_ascii_case(name.trim()))
            })
    }) || super::meaning::imported(joins);
    Some(if ours {
        Outcome::NotApplicable
    } else {
        Outcome::Gap(format!(
            "`DBClusterIdentifier` joins the cluster {}, which is no {} cluster of the app: {what}, which no rule reads; add the cluster to the app",
            text_or_json(joins),
            service.name()
        ))
    })
}

/// The properties that make a cluster a copy of another (a restore from a snapshot or to a
/// point in time): its encryption is the source's (CloudFormation's `AWS::DocDB::DBCluster`
/// and `AWS::Neptune::DBCluster`, `SnapshotIdentifier` and `SourceDBClusterIdentifier`).
const COPY_SOURCES: &[&str] = &["/SnapshotIdentifier", "/SourceDBClusterIdentifier"];

/// A copy source that is no cluster of this template (whose encryption this rule reads).
fn unread_copy_source(cx: &Cx<'_>, service: Service) -> Option<String> {
    COPY_SOURCES.iter().find_map(|pointer| {
        let value = cx.prop(pointer)?;
        let read = cx
            .others(service.cluster())
            .any(|c| c.logical_id() != cx.id() && super::meaning::names(value, c.logical_id()));
        (!read).then(|| {
            format!(
                "`{}` makes the cluster a copy of {}, whose encryption it inherits and no rule reads; create it empty, or restore a cluster of this template",
                &pointer[1..],
                text_or_json(value)
            )
        })
    })
}

fn dd1(cx: &Cx<'_>) -> Outcome {
    if let Some(member) = member(cx, "its storage is encrypted as that cluster's is") {
        return member;
    }
    let Some(service) = Service::of(cx.resource.type_name()) else {
        return Outcome::NotApplicable;
    };
    // "Clusters that you create using AWS CloudFormation have encryption at rest turned off
    // by default" (AWS Control Tower, CT.DOCUMENTDB.PR.1; `StorageEncrypted` of
    // `AWS::Neptune::DBCluster` defaults to false as well). Without `KmsKeyId` an encrypted
    // cluster uses the AWS-managed key `aws/rds` (both services' `CreateDBCluster`).
    let encrypted = cx.equals("/StorageEncrypted", &json!(true)).map_err(|e| {
        format!("{e}: the cluster's storage, backups and snapshots are not encrypted")
    });
    let key = customer_key(cx, "/KmsKeyId").map_err(|e| {
        if cx.prop("/KmsKeyId").is_none() {
            format!("{e}: {} uses the AWS-managed key `aws/rds`", service.name())
        } else {
            e
        }
    });
    match (unread_copy_source(cx, service), all([encrypted, key])) {
        (Some(copy), Outcome::Fail(problems)) => Outcome::Fail(format!("{problems}; {copy}")),
        (Some(copy), _) => Outcome::Fail(copy),
        (None, settings) => settings,
    }
}

/// The fewest days of automated backups that the rules accept, as `R3` for RDS.
const BACKUP_DAYS: i64 = 7;

fn dd2(cx: &Cx<'_>) -> Outcome {
    if let Some(member) = member(
        cx,
        "its backups are kept and it is protected from deletion as that cluster is",
    ) {
        return member;
    }
    // `BackupRetentionPeriod`: "Default: 1", from 1 to 35 days (the `CreateDBCluster` API
    // of both services). `DeletionProtection` is off unless set (Neptune's
    // `create-db-cluster`: "deletion protection is disabled by default").
    let retention = match cx.prop("/BackupRetentionPeriod") {
        Some(v) => match whole_number(v) {
            Some(n) if n >= BACKUP_DAYS => cx.present("/BackupRetentionPeriod"),
            Some(n) => Err(format!(
                "`BackupRetentionPeriod` is {n}, under {BACKUP_DAYS} days; set {BACKUP_DAYS} or more"
            )),
            None => Err(format!(
                "`BackupRetentionPeriod` is {}, which cannot be read as a number of days before deploy; write {BACKUP_DAYS} or more",
                text_or_json(v)
            )),
        },
        None => Err(format!(
            "`BackupRetentionPeriod` is not set, and the cluster keeps automated backups one day; set {BACKUP_DAYS} or more"
        )),
    };
    all([retention, cx.equals("/DeletionProtection", &json!(true))])
}

/// The cluster parameter group a cluster uses.
enum Group<'a> {
    /// A group of this template, named by reference or by its `Name`.
    Template(&'a Resource),
    /// The service's default group (`DBClusterParameterGroupName` unset, or a `default.`
    /// name), whose parameters are the defaults and cannot be modified.
    Default,
    /// A group that the template does not hold (a name, an import, a value known only at
    /// deploy): its parameters cannot be read.
    Elsewhere(String),
}

fn cluster_group<'a>(cx: &Cx<'a>, service: Service) -> Group<'a> {
    let Some(named) = cx.prop("/DBClusterParameterGroupName") else {
        return Group::Default;
    };
    let name = text(named);
    let found = cx.others(service.group()).find(|g| {
        super::meaning::names(named, g.logical_id())
            || name.as_deref().is_some_and(|name| {
                text(&g.properties()["Name"])
                    .is_some_and(|own| own.trim().eq_ignore_ascii_case(name.trim()))
            })
    });
    match (found, name) {
        (Some(group), _) => Group::Template(group),
        (None, Some(name)) if name.trim().to_ascii_lowercase().starts_with("default.") => {
            Group::Default
        }
        (None, _) => Group::Elsewhere(text_or_json(named)),
    }
}

/// The values a cluster parameter group gives the parameter `key`, each with the name it
/// is written under: every entry of `Parameters` whose name is `key` in any case, with
/// space around it or not (neither the DocumentDB nor the Neptune cluster parameters
/// reference says that AWS matches names case-sensitively, so every spelling that may name
/// the parameter is read; one that AWS refuses fails the deploy). `Parameters` is JSON
/// (`AWS::DocDB::DBClusterParameterGroup`, `AWS::Neptune::DBClusterParameterGroup`, the
/// CloudFormation reference): an object, or text holding one. Entries that
/// `AWS::NoValue` removes or that are null set nothing. An error when `Parameters` is
/// neither (an `Fn::If`, a `Ref`, an import): what it sets cannot be read before deploy.
fn parameter(group: &Resource, key: &str) -> Result<Vec<(String, Value)>, String> {
    let written = &group.properties()["Parameters"];
    let parsed;
    let map = match written {
        Value::Null => return Ok(Vec::new()),
        v if super::meaning::no_value(v) => return Ok(Vec::new()),
        Value::Object(map)
            if !(map.len() == 1
                && map
                    .keys()
                    .all(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))) =>
        {
            map
        }
        Value::String(s) => {
            parsed = crate::cfn::tree::from_str(s).ok();
            match &parsed {
                Some(Value::Object(map)) => map,
                _ => {
                    return Err(format!(
                        "the cluster parameter group `{}` writes `Parameters` as text that is no JSON object, so whether it sets `{key}` cannot be read",
                        group.logical_id()
                    ));
                }
            }
        }
        other => {
            return Err(format!(
                "the cluster parameter group `{}` writes `Parameters` as {}, which cannot be read before deploy, so whether it sets `{key}` cannot be read; write the parameters as an object",
                group.logical_id(),
                text_or_json(other)
            ));
        }
    };
    Ok(map
        .iter()
        .filter(|(name, v)| {
            name.trim().eq_ignore_ascii_case(key) && !v.is_null() && !super::meaning::no_value(v)
        })
        .map(|(name, v)| (name.clone(), v.clone()))
        .collect())
}

/// A proof of the entry `name` of a group's `Parameters` (its written name, so that the
/// proof points at what is in the template; an entry of `Parameters` written as text
/// points at `Parameters`).
fn parameter_proof(group: &Resource, name: &str) -> Result<Proof, String> {
    proof_of(group, &format!("/Parameters/{}", pointer_escape(name)))
        .or_else(|| proof_of(group, "/Parameters"))
        .ok_or_default()
}

/// A name as a JSON pointer token (RFC 6901: `~` as `~0`, `/` as `~1`).
fn pointer_escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn dd3(cx: &Cx<'_>) -> Outcome {
    if let Some(member) = member(
        cx,
        "its audit log is written and exported as that cluster's is",
    ) {
        return member;
    }
    let Some(service) = Service::of(cx.resource.type_name()) else {
        return Outcome::NotApplicable;
    };
    let exported = audit_exported(cx);
    // The cluster writes an audit log only when its cluster parameter group turns auditing
    // on: DocumentDB's `audit_logs` is `disabled` by default ("By default, auditing is
    // disabled on Amazon DocumentDB", DocumentDB developer guide, "Auditing Amazon
    // DocumentDB events"; cluster parameters reference); Neptune's
    // `neptune_enable_audit_log` is 0 unless set to 1 (Neptune user guide, "Using Audit Logs
    // with Amazon Neptune Clusters"). Exporting `audit` without it exports nothing.
    let (key, why) = match service {
        Service::DocDb => ("audit_logs", "set it to enabled, ddl or all"),
        Service::Neptune => ("neptune_enable_audit_log", "set it to 1"),
    };
    let written = match cluster_group(cx, service) {
        Group::Template(group) => {
            let is_on = |value: &Value| {
                text(value).is_some_and(|v| match service {
                    // `ddl` logs what the legacy `enabled` does: connections, authentication,
                    // authorization, user management and DDL (the guide's event categories); the
                    // DML categories alone (`dml_read`, `dml_write`) log no sign-in.
                    //
                    // A list that also names `disabled` or `none` (the values that turn
                    // auditing off) is read as off: the guide's "Enabling auditing" does not
                    // say which wins when a list holds both, and the rule never passes a value
                    // DocumentDB may read as off.
                    Service::DocDb => {
                        let parts: Vec<String> = v
                            .split(',')
                            .map(|part| part.trim().to_ascii_lowercase())
                            .collect();
                        parts
                            .iter()
                            .any(|p| matches!(p.as_str(), "enabled" | "ddl" | "all"))
                            && !parts
                                .iter()
                                .any(|p| matches!(p.as_str(), "disabled" | "none"))
                    }
                    Service::Neptune => v.trim() == "1",
                })
            };
            match parameter(group, key) {
                Err(e) => Err(e),
                // Every spelling of the name must turn auditing on: which one AWS applies
                // is not documented.
                Ok(values) if !values.is_empty() && values.iter().all(|(_, v)| is_on(v)) => {
                    parameter_proof(group, &values[0].0)
                }
                Ok(values) => Err(format!(
                    "the cluster parameter group `{}` {}, so the cluster writes no audit log; {why}",
                    group.logical_id(),
                    values.iter().find(|(_, v)| !is_on(v)).map_or_else(
                        || format!("does not set `{key}`"),
                        |(name, v)| format!("sets `{name}` to {}", text_or_json(v))
                    ),
                )),
            }
        }
        Group::Default => Err(format!(
            "the cluster uses the default cluster parameter group, which leaves `{key}` off: it writes no audit log; name a cluster parameter group of this template in `DBClusterParameterGroupName` and {why}"
        )),
        Group::Elsewhere(named) => {
            return match exported {
                Err(e) => Outcome::Fail(e),
                Ok(_) => Outcome::Gap(format!(
                    "`DBClusterParameterGroupName` is {named}, no cluster parameter group of this template, so whether it sets `{key}` (off by default) cannot be read before deploy; declare the group in this template"
                )),
            };
        }
    };
    all([exported, written])
}

/// `audit` among the log types the cluster exports (`EnableCloudwatchLogsExports`), each
/// read through intrinsics.
fn audit_exported(cx: &Cx<'_>) -> Result<Proof, String> {
    let pointer = "/EnableCloudwatchLogsExports";
    match cx.prop(pointer) {
        Some(Value::Array(items)) => items
            .iter()
            .position(|v| text(v).is_some_and(|t| t.trim() == "audit"))
            .and_then(|i| cx.proof(&format!("{pointer}/{i}")))
            .ok_or_else(|| {
                "`EnableCloudwatchLogsExports` does not list `audit`: the audit log stays on the instances, where it rotates away; add `audit`".to_owned()
            }),
        Some(v) => Err(format!(
            "`EnableCloudwatchLogsExports` is {}, which cannot be read as a list before deploy; write the list with `audit`",
            text_or_json(v)
        )),
        None => Err(
            "`EnableCloudwatchLogsExports` is not set: the audit log is not exported to CloudWatch Logs; list `audit`"
                .to_owned(),
        ),
    }
}

/// The values of DocumentDB's `tls` cluster parameter that require TLS: `enabled` (TLS 1.0
/// to 1.3), `tls1.2+`, `tls1.3+` and `fips-140-3`; `disabled` accepts only plain text
/// (DocumentDB API reference, `Parameter`; cluster parameters reference: `tls` is
/// `enabled` by default).
const DOCDB_TLS: &[&str] = &["enabled", "tls1.2+", "tls1.3+", "fips-140-3"];

/// The first Neptune engine version that accepts only HTTPS: "Beginning with engine
/// version 1.0.4.0, Amazon Neptune only allows Secure Sockets Layer (SSL) connections
/// through HTTPS to any instance or cluster endpoint" (Neptune user guide, "Encrypting
/// connections to your Amazon Neptune database with SSL/HTTPS"); before it,
/// `neptune_enforce_ssl` 0 allowed plain HTTP.
const NEPTUNE_HTTPS_ONLY: [u32; 4] = [1, 0, 4, 0];

fn dd4(cx: &Cx<'_>) -> Outcome {
    if let Some(member) = member(cx, "it accepts the connections that cluster accepts") {
        return member;
    }
    let t = cx.resource.type_name();
    let Some(service) = Service::of(t) else {
        return Outcome::NotApplicable;
    };
    if t == DOCDB_GROUP || t == NEPTUNE_GROUP {
        return match group_tls(cx.resource, service) {
            Some(Ok(proof)) => Outcome::Pass(vec![proof]),
            Some(Err(e)) => Outcome::Fail(e),
            None => Outcome::NotApplicable,
        };
    }
    match service {
        Service::DocDb => match cluster_group(cx, service) {
            Group::Template(group) => match group_tls(group, service) {
                Some(Ok(proof)) => Outcome::Pass(vec![proof]),
                Some(Err(e)) => Outcome::Fail(e),
                // `tls` unset: enabled, its default.
                None => all([cx.present("/DBClusterParameterGroupName")]),
            },
            // The default groups keep `tls` enabled and cannot be modified.
            Group::Default => {
                Outcome::Pass(vec![default_proof(cx, "/DBClusterParameterGroupName")])
            }
            Group::Elsewhere(named) => Outcome::Gap(format!(
                "`DBClusterParameterGroupName` is {named}, no cluster parameter group of this template, so whether its `tls` is disabled cannot be read before deploy; declare the group in this template"
            )),
        },
        Service::Neptune => {
            let engine = match cx.prop("/EngineVersion") {
                None => Ok(default_proof(cx, "/EngineVersion")),
                Some(v) => match text(v).as_deref().and_then(version) {
                    Some(found) if found.as_slice() >= NEPTUNE_HTTPS_ONLY.as_slice() => {
                        cx.proof("/EngineVersion").ok_or_default()
                    }
                    Some(_) => Err(format!(
                        "`EngineVersion` is {}, before 1.0.4.0: the cluster accepts plain HTTP unless its parameter group sets `neptune_enforce_ssl`; use 1.0.4.0 or later",
                        text_or_json(v)
                    )),
                    None => {
                        return Outcome::Gap(format!(
                            "`EngineVersion` is {}, which cannot be read before deploy: an engine before 1.0.4.0 accepts plain HTTP; write the version",
                            text_or_json(v)
                        ));
                    }
                },
            };
            let group = match cluster_group(cx, service) {
                Group::Template(group) => group_tls(group, service),
                // Neptune's default group, and any group on an engine from 1.0.4.0 on,
                // cannot turn HTTPS off.
                Group::Default | Group::Elsewhere(_) => None,
            };
            all([engine].into_iter().chain(group))
        }
    }
}

/// A proof of `pointer` when it is written, or of the resource's type when the service's
/// default is what holds (nothing is written to point at).
fn default_proof(cx: &Cx<'_>, pointer: &str) -> Proof {
    cx.proof(pointer).unwrap_or_else(|| Proof {
        logical_id: cx.id().to_owned(),
        path: "/Type".to_owned(),
    })
}

/// What a cluster parameter group says of TLS: the proof of a value that requires it, why a
/// value does not (or cannot be read), or `None` when it leaves the default.
fn group_tls(group: &Resource, service: Service) -> Option<Result<Proof, String>> {
    let key = match service {
        Service::DocDb => "tls",
        Service::Neptune => "neptune_enforce_ssl",
    };
    let values = match parameter(group, key) {
        Ok(values) => values,
        Err(e) => return Some(Err(e)),
    };
    // Every spelling of the name must require TLS: which one AWS applies is not documented.
    let read = |value: &Value| text(value).map(|v| v.trim().to_ascii_lowercase());
    let required = |value: &Value| match (service, read(value).as_deref()) {
        (Service::DocDb, Some(v)) => DOCDB_TLS.contains(&v),
        (Service::Neptune, Some(v)) => v == "1",
        (_, None) => false,
    };
    let (name, value) = match values.iter().find(|(_, v)| !required(v)) {
        Some(offending) => offending.clone(),
        None => {
            return values.first().map(|(name, _)| parameter_proof(group, name));
        }
    };
    let meaning = match (service, read(&value).as_deref()) {
        (Service::DocDb, Some("disabled")) => {
            "the cluster accepts only plain-text connections; remove it or set it to enabled, tls1.2+ or tls1.3+"
        }
        (Service::Neptune, Some("0")) => {
            "it turns HTTPS enforcement off (engines before 1.0.4.0 then accept plain HTTP); remove it or set it to 1"
        }
        _ => {
            "which no rule can read as requiring TLS before deploy; write a value that requires it"
        }
    };
    Some(Err(format!(
        "the cluster parameter group `{}` sets `{name}` to {}: {meaning}",
        group.logical_id(),
        text_or_json(&value)
    )))
}

/// An engine version as numbers (`1.2.0.1` → [1, 2, 0, 1]), if it is one.
fn version(text: &str) -> Option<Vec<u32>> {
    text.trim()
        .split('.')
        .map(|part| part.parse::<u32>().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::compliance::rules::dms::tests::outcome_of;

    #[test]
    fn engine_versions_compare_as_numbers() {
        assert_eq!(version("1.0.4.0"), Some(vec![1, 0, 4, 0]));
        assert!(version("1.0.10.0").unwrap().as_slice() >= NEPTUNE_HTTPS_ONLY.as_slice());
        assert!(version("1.0.3.9").unwrap().as_slice() < NEPTUNE_HTTPS_ONLY.as_slice());
        assert_eq!(version("1.x"), None);
    }

    #[test]
    fn an_unencrypted_cluster_fails_and_a_lone_instance_is_a_gap() {
        match outcome_of(dd1, NEPTUNE_CLUSTER, json!({})) {
            Outcome::Fail(why) => {
                assert!(why.contains("`StorageEncrypted` is not set"), "{why}");
                assert!(why.contains("aws/rds"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            outcome_of(dd2, DOCDB_INSTANCE, json!({ "DBClusterIdentifier": "elsewhere" })),
            Outcome::Gap(ref why) if why.contains("no DocumentDB cluster of the app")
        ));
        // Every spelling of a parameter's name is read, every entry must require TLS,
        // `Parameters` may be JSON text, and an intrinsic is unreadable: a failure.
        for (parameters, says) in [
            (json!({ "TLS": "disabled" }), "`TLS` to disabled"),
            (
                json!({ "tls": "enabled", " Tls ": "disabled" }),
                "` Tls ` to disabled",
            ),
            (json!("{\"tls\": \"disabled\"}"), "`tls` to disabled"),
            (json!("tls=disabled"), "no JSON object"),
            (
                json!({ "Fn::Select": ["0", [{ "tls": "disabled" }]] }),
                "cannot be read",
            ),
        ] {
            match outcome_of(
                dd4,
                DOCDB_GROUP,
                json!({ "Family": "docdb5.0", "Parameters": parameters }),
            ) {
                Outcome::Fail(why) => assert!(why.contains(says), "{why}"),
                other => panic!("{parameters}: {other:?}"),
            }
        }
        match outcome_of(
            dd4,
            DOCDB_GROUP,
            json!({ "Family": "docdb5.0", "Parameters": "{\"tls\": \"tls1.2+\"}" }),
        ) {
            Outcome::Pass(proofs) => assert_eq!(proofs[0].path, "/Properties/Parameters"),
            other => panic!("{other:?}"),
        }
        // A group that leaves TLS alone is not what the rule reads.
        assert!(matches!(
            outcome_of(
                dd4,
                DOCDB_GROUP,
                json!({ "Family": "docdb5.0", "Parameters": {} })
            ),
            Outcome::NotApplicable
        ));
    }
}
