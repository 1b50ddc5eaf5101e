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
        fix: "list `audit` in the cluster's `EnableCloudwatchLogsExports`, and name in `DBClusterParameterGroupName` a cluster parameter group of this template that sets `audit_logs` to enabled, ddl or all (DocumentDB) or `neptune_enable_audit_log` to 1 (Neptune), each name and value written as listed, in lower case without blanks: the default groups leave auditing off",
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
        fix: "set the DocumentDB cluster parameter `tls` to tls1.2+ or tls1.3+ (DocumentDB 4.0 and 5.0) or fips-140-3 in a cluster parameter group of this template that the cluster names: `enabled`, the default and the value of the `default.` groups, accepts TLS 1.0 and 1.1, and disabled plain text; on Neptune, leave `neptune_enforce_ssl` unset or 1 and use an engine version of 1.0.4.0 or later, which accepts only HTTPS; write each parameter's name and value as listed, in lower case without blanks",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_90"),
            guard: None,
        },
        check: dd4,
    },
    RuleSpec {
        id: "DD5",
        title: "DocumentDB clusters keep no password in the template: DocumentDB manages it in Secrets Manager, encrypted with the customer key",
        types: &[DOCDB_CLUSTER],
        controls: &["164.312(a)(2)(iv)", "164.312(d)"],
        fix: "remove `MasterUserPassword`; set `ManageMasterUserPassword` to true and `MasterUserSecretKmsKeyId` to a key of the app (without it the secret is encrypted with the AWS-managed key `aws/secretsmanager`); create the cluster empty rather than from a snapshot or another cluster, whose master password it keeps",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: dd5,
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
/// (the export of a cluster of the service), is judged on that cluster: the rule
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
    // An import counts only as the export of a cluster of the service by a stack of the
    // instance's region and account ([`Cx::named_in_app`]): the import of another export
    // (a bucket's name, a parameter's value) joins a cluster no rule reads.
    let ours = cx
        .others(service.cluster())
        .any(|c| names_cluster(joins, c))
        || super::meaning::imported(joins)
            && cx.named_in_app(None, joins, service.cluster()).is_some();
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

/// Whether `value` names the cluster `cluster` of the template: by reference, or by its
/// `DBClusterIdentifier` as text, in any case (both services store it in lower case).
fn names_cluster(value: &Value, cluster: &Resource) -> bool {
    super::meaning::names(value, cluster.logical_id())
        || super::storage::cluster_named(value, cluster)
}

/// The properties that make a cluster a copy of another (a restore from a snapshot or to a
/// point in time): its encryption is the source's (CloudFormation's `AWS::DocDB::DBCluster`
/// and `AWS::Neptune::DBCluster`, `SnapshotIdentifier` and `SourceDBClusterIdentifier`).
const COPY_SOURCES: &[&str] = &["/SnapshotIdentifier", "/SourceDBClusterIdentifier"];

/// A copy source that is no cluster of this template (whose encryption this rule reads).
fn unread_copy_source(cx: &Cx<'_>, service: Service) -> Option<String> {
    COPY_SOURCES.iter().find_map(|pointer| {
        let value = cx.prop(pointer)?;
        // A source cluster is named as an instance names its cluster (hostile review 25:
        // its `DBClusterIdentifier` as text was read as no cluster of the template).
        let read = cx.others(service.cluster()).any(|c| {
            c.logical_id() != cx.id()
                && if *pointer == "/SourceDBClusterIdentifier" {
                    names_cluster(value, c)
                } else {
                    super::meaning::names(value, c.logical_id())
                }
        }) || (*pointer == "/SourceDBClusterIdentifier"
            // A source cluster of another stack of the copy's region and account, named by
            // its written `DBClusterIdentifier` in any case, as a cluster of the template is:
            // "The identifier of the source cluster from which to restore … Must match the
            // identifier of an existing DBCluster" (DocumentDB API reference,
            // `RestoreDBClusterToPointInTime`) names a cluster of the region and account
            // the copy is made in, whose encryption DD1 reads where it is declared
            // ([`Cx::written_beside`]).
            && cx
                .written_beside(value, service.cluster(), "DBClusterIdentifier", |own, written| {
                    own.eq_ignore_ascii_case(written)
                })
                .is_some());
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

/// A DocumentDB cluster's master password, as `R13` reads an RDS database's: not written in
/// the template (`MasterUserPassword`, which CloudFormation shows to whoever reads the
/// template or the stack) but managed by DocumentDB in Secrets Manager
/// (`ManageMasterUserPassword`, "Specifies whether to manage the master user password with
/// Amazon Web Services Secrets Manager", which "can't" go with `MasterUserPassword`,
/// DocumentDB API reference, `CreateDBCluster`), the secret encrypted with a key of the app
/// (`MasterUserSecretKmsKeyId`: without it "the aws/secretsmanager KMS key is used to
/// encrypt the secret"). A copy (`SnapshotIdentifier`, `SourceDBClusterIdentifier`) keeps
/// its source's master user and password, and whether DocumentDB manages it after the
/// restore is not documented: a gap, as `R13` leaves one. Neptune has no master password
/// (IAM database authentication), so only DocumentDB is read.
fn dd5(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() != DOCDB_CLUSTER {
        return Outcome::NotApplicable;
    }
    if cx.prop("/MasterUserPassword").is_some() {
        return Outcome::Fail(
            "`MasterUserPassword` puts the master password in the template (or names where the deploy reads it), where DocumentDB does not manage or rotate it".to_owned(),
        );
    }
    let settings = all([
        cx.equals("/ManageMasterUserPassword", &json!(true)),
        customer_key(cx, "/MasterUserSecretKmsKeyId").map_err(|e| {
            if cx.prop("/MasterUserSecretKmsKeyId").is_none() {
                format!("{e}: DocumentDB encrypts the secret with the AWS-managed key `aws/secretsmanager`")
            } else {
                e
            }
        }),
    ]);
    let copy = COPY_SOURCES.iter().find_map(|pointer| {
        let value = cx.prop(pointer)?;
        Some(format!(
            "`{}` makes the cluster a copy of {}, whose master password it keeps: whether DocumentDB manages it after the restore, with the customer key, is not shown; create the cluster empty",
            &pointer[1..],
            text_or_json(value)
        ))
    });
    match (settings, copy) {
        (Outcome::Pass(_), Some(copy)) => Outcome::Gap(copy),
        (settings, _) => settings,
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
    /// A group of this template, named by reference or by its `Name`, or of another stack
    /// of the app whose export the cluster imports ([`Cx::named_in_app`]) or whose written
    /// `Name` the cluster names in its region and account ([`Cx::written_beside`]), with
    /// the name of that stack.
    Template(Option<&'a str>, &'a Resource),
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
    // A group of another stack, named by the import of its export, is read there as it is
    // read beside the cluster: `Fn::ImportValue` "returns the value of an output exported by
    // another stack" (CloudFormation User Guide), the group's name, which
    // `DBClusterParameterGroupName` takes as it takes a group of its own template.
    //
    // A group of another stack of the cluster's region and account named by its written
    // `Name` is that group too: the name of a new group "must not match the name of an
    // existing DBClusterParameterGroup" and "is stored as a lowercase string" (DocumentDB
    // and Neptune API references, `CreateDBClusterParameterGroup`), an API of one region
    // of an account, so the name finds one group there, compared in any case as in the
    // cluster's own template ([`Cx::written_beside`]: not a name built on the stack's name,
    // which is another group in each stack).
    let found = found.map(|g| (None, g)).or_else(|| {
        cx.named_in_app(None, named, service.group())
            .filter(|(stack, _)| stack.is_some())
            .or_else(|| {
                cx.written_beside(named, service.group(), "Name", |own, written| {
                    own.eq_ignore_ascii_case(written)
                })
            })
    });
    match (found, name) {
        (Some((stack, group)), _) => Group::Template(stack, group),
        (None, Some(name)) if name.trim().to_ascii_lowercase().starts_with("default.") => {
            Group::Default
        }
        (None, _) => Group::Elsewhere(text_or_json(named)),
    }
}

/// The values a cluster parameter group gives the parameter `key`, each with the name it
/// is written under: every entry of `Parameters` whose name is `key` in any case, with
/// blanks around it or not, under the case rule that RDS's parameter groups share
/// ([`super::meaning::parameter_entries`]), so that a value turning a protection off fails
/// in any spelling of its name; a spelling other than `key` then fails ([`misspelled`]).
/// `Parameters` is JSON
/// (`AWS::DocDB::DBClusterParameterGroup`, `AWS::Neptune::DBClusterParameterGroup`, the
/// CloudFormation reference): an object, or text holding one. Entries that
/// `AWS::NoValue` removes or that are null set nothing. An error when `Parameters` is
/// neither (an `Fn::If`, a `Ref`, an import): what it sets cannot be read before deploy.
fn parameter(group: &Resource, key: &str) -> Result<Vec<(String, Value)>, String> {
    let written = &group.properties()["Parameters"];
    // An intrinsic that resolves to text (`Fn::Sub` of the JSON, an `Fn::Join` of its
    // parts) is that text: `Parameters` takes a JSON object or text holding one.
    let resolved;
    let written = match text(written) {
        Some(t) if written.is_object() && !super::identity::dynamic(&t) => {
            resolved = Value::String(t);
            &resolved
        }
        _ => written,
    };
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
            if let Some(twice) = written_twice(s, key) {
                return Err(format!(
                    "the cluster parameter group `{}` writes `{}` twice in the text of `Parameters`: which entry AWS applies is not documented (a JSON reader may keep the first or the last, or refuse the text); write it once",
                    group.logical_id(),
                    twice.escape_debug()
                ));
            }
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
    Ok(super::meaning::parameter_entries(map, key)
        .into_iter()
        .map(|(name, v)| (name.to_owned(), v.clone()))
        .collect())
}

/// A name of the parameter `key` (in any case, blanks around it or not) that the JSON
/// object `text` writes twice, where it is one: `{"tls": "disabled", "tls": "enabled"}`.
/// The rules read JSON text as serde_json does, the last entry winning, which no public
/// source says CloudFormation does with the text of `Parameters` (hostile review 25).
fn written_twice(text: &str, key: &str) -> Option<String> {
    /// The names of a JSON object's entries, each as often as written.
    struct Names(Vec<String>);
    impl<'de> serde::Deserialize<'de> for Names {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Names;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Names, A::Error> {
                    let mut names = Vec::new();
                    while let Some((name, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                        names.push(name);
                    }
                    Ok(Names(names))
                }
            }
            d.deserialize_map(Visit)
        }
    }
    // A typed reading of the names alone, each as written (no tree of values is built,
    // so the tree reader's handling of keys is not needed).
    #[allow(clippy::disallowed_methods)]
    let Names(names) = serde_json::from_str(text).ok()?;
    let ours: Vec<&String> = names
        .iter()
        .filter(|name| name.trim().eq_ignore_ascii_case(key))
        .collect();
    ours.iter()
        .enumerate()
        .find(|(i, name)| ours[..*i].contains(name))
        .map(|(_, name)| (*name).clone())
}

/// Why a cluster parameter group fails that writes the parameter `key` under another
/// spelling of its name (another case, blanks around it), if it does. DocumentDB and
/// Neptune list each parameter under one lower-case name (`tls`, `audit_logs`,
/// `neptune_enforce_ssl`, `neptune_enable_audit_log`: their cluster parameters
/// references), and their management API is RDS's (`ModifyDBClusterParameterGroup`, ARNs
/// under `arn:aws:rds:`), whose CloudFormation handler refuses a name it does not find as
/// written (see `rds_parameter`, storage rules). No public source says what the DocumentDB
/// and Neptune handlers of CloudFormation, which are not published, do with another
/// spelling: whether they refuse the group, pass the name on, or apply it. So the rule
/// fails closed: the entry is read as setting nothing, and the group fails.
fn misspelled(
    group: &Resource,
    service: Service,
    key: &str,
    values: &[(String, Value)],
) -> Option<String> {
    let (name, _) = values.iter().find(|(name, _)| name != key)?;
    Some(format!(
        "the cluster parameter group `{}` writes `{}`, not `{key}` as {} names the parameter: no public source says that AWS applies another case of the name or blanks around it (the RDS handler of CloudFormation, on the same API, refuses the group), so that entry is read as setting nothing; write `{key}`",
        group.logical_id(),
        name.escape_debug(),
        service.name()
    ))
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
        Group::Template(stack, group) => {
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
            // The value as the service lists it: lower case, no blanks (its list too).
            // Another case of a value that turns auditing on is not read as on: no public
            // source says that DocumentDB or Neptune reads it so (hostile review 25).
            let exact = |value: &Value| {
                text(value).is_some_and(|v| {
                    v.split(',')
                        .all(|part| part == part.trim().to_ascii_lowercase())
                })
            };
            match parameter(group, key) {
                Err(e) => Err(e),
                // Every spelling of the name must turn auditing on; then only the name
                // as the service lists it is read as set ([`misspelled`]).
                Ok(values) if !values.is_empty() && values.iter().all(|(_, v)| is_on(v)) => {
                    match misspelled(group, service, key, &values) {
                        Some(why) => Err(why),
                        None if values.iter().all(|(_, v)| exact(v)) => {
                            parameter_proof(group, &values[0].0).map(|p| p.with_stack(stack))
                        }
                        None => Err(format!(
                            "the cluster parameter group `{}` sets `{key}` to {}, not written as {} lists the value (lower case, no blanks): no public source says that it reads another case or blanks, so the rule does not read it as turning auditing on; {why}",
                            group.logical_id(),
                            text_or_json(&values[0].1),
                            service.name()
                        )),
                    }
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
        // `audit` as the services name the log type; another case or blanks are not read
        // as it (no public source says that they export it: hostile review 25).
        Some(Value::Array(items)) => items
            .iter()
            .position(|v| text(v).is_some_and(|t| t == "audit"))
            .and_then(|i| cx.proof(&format!("{pointer}/{i}")))
            .ok_or_else(|| {
                match items
                    .iter()
                    .filter_map(text)
                    .find(|t| t.trim().eq_ignore_ascii_case("audit"))
                {
                    Some(other) => format!(
                        "`EnableCloudwatchLogsExports` lists `{}`, not `audit` as the service names the log type: no public source says that another case or blanks export it; write `audit`",
                        other.escape_debug()
                    ),
                    None => "`EnableCloudwatchLogsExports` does not list `audit`: the audit log stays on the instances, where it rotates away; add `audit`".to_owned(),
                }
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

/// The values of DocumentDB's `tls` cluster parameter that require TLS 1.2 or later:
/// `tls1.2+` ("accepts secure connections using TLS version 1.2 and above") and `tls1.3+`,
/// both "only supported starting with Amazon DocumentDB 4.0 (engine version 2.0.10980) and
/// Amazon DocumentDB 5.0 (engine version 3.0.11051)", and `fips-140-3` (FIPS 140-3, which
/// admits no TLS before 1.2; DocumentDB 5.0 from engine 3.0.3727 in a few regions). Not
/// `enabled`, the default: "The cluster accepts secure connections using TLS version 1.0
/// through 1.3"; nor `disabled`, plain text (DocumentDB API reference, `Parameter`,
/// `ParameterValue`; cluster parameters reference: `tls` is `enabled` by default). As R12,
/// OS1 and F1 refuse TLS before 1.2, so does DD4 (probe 17b #2).
const DOCDB_TLS: &[&str] = &["tls1.2+", "tls1.3+", "fips-140-3"];

/// Why a DocumentDB cluster whose group leaves `tls` at its default (`enabled`) fails.
const DOCDB_TLS_DEFAULT: &str = "so the cluster takes `tls` enabled, its default, which \"accepts secure connections using TLS version 1.0 through 1.3\": set `tls` to tls1.2+ (DocumentDB 4.0 and 5.0), tls1.3+ or fips-140-3 in a cluster parameter group of this template";

/// The first Neptune engine version that accepts only HTTPS: "Beginning with engine
/// version 1.0.4.0, Amazon Neptune only allows Secure Sockets Layer (SSL) connections
/// through HTTPS to any instance or cluster endpoint" (Neptune user guide, "Encrypting
/// connections to your Amazon Neptune database with SSL/HTTPS"); before it,
/// `neptune_enforce_ssl` 0 allowed plain HTTP. From it, "Neptune requires at least TLS
/// version 1.2" (same page), so Neptune has no value like DocumentDB's `enabled` that
/// admits TLS 1.0 (probe 17b #2). A group that sets `neptune_enforce_ssl` 0 fails on any
/// engine: "a bug in that release has allowed HTTP connections and/or outdated TLS
/// connections to continue to work for customers who previously set a DB cluster parameter
/// to prevent enforcement of HTTPS" (Neptune engine releases 1.0.4.0 and 1.0.4.1).
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
            // A DocumentDB group that leaves `tls` alone gives its clusters `enabled`.
            None if service == Service::DocDb => Outcome::Fail(format!(
                "the cluster parameter group does not set `tls`, {DOCDB_TLS_DEFAULT}"
            )),
            None => Outcome::NotApplicable,
        };
    }
    match service {
        Service::DocDb => match cluster_group(cx, service) {
            Group::Template(stack, group) => match group_tls(group, service) {
                Some(Ok(proof)) => Outcome::Pass(vec![proof.with_stack(stack)]),
                Some(Err(e)) => Outcome::Fail(e),
                None => Outcome::Fail(format!(
                    "the cluster parameter group `{}` does not set `tls`, {DOCDB_TLS_DEFAULT}",
                    group.logical_id()
                )),
            },
            // The default groups keep `tls` enabled (TLS 1.0 to 1.3) and cannot be
            // modified ("you can't modify the parameters of a default cluster parameter
            // group", DocumentDB developer guide, "Encrypting data in transit").
            Group::Default => Outcome::Fail(format!(
                "`DBClusterParameterGroupName` names no cluster parameter group of this template (unset, or a `default.` group), {DOCDB_TLS_DEFAULT}"
            )),
            Group::Elsewhere(named) => Outcome::Gap(format!(
                "`DBClusterParameterGroupName` is {named}, no cluster parameter group of this template, so whether its `tls` is disabled cannot be read before deploy; declare the group in this template"
            )),
        },
        Service::Neptune => {
            let engine = match cx.prop("/EngineVersion") {
                None => Ok(default_proof(cx, "/EngineVersion")),
                Some(v) => match text(v).filter(|t| !super::identity::dynamic(t)) {
                    Some(t) => match version(&t) {
                        Some(found) if at_least(&found, &NEPTUNE_HTTPS_ONLY) => {
                            cx.proof("/EngineVersion").ok_or_default()
                        }
                        Some(_) => Err(format!(
                            "`EngineVersion` is {t}, which is or may be an engine before 1.0.4.0: the cluster then accepts plain HTTP unless its parameter group sets `neptune_enforce_ssl`; use 1.0.4.0 or later"
                        )),
                        // `1.4.x`, `v1.2.0.0`, `latest`: Neptune's versions are numbers
                        // separated by dots (`1.2.0.0`, its engine releases).
                        None => Err(format!(
                            "`EngineVersion` is {t}, which is no Neptune engine version (numbers separated by dots, as 1.2.0.0), so which engine it deploys cannot be read; write the version, 1.0.4.0 or later"
                        )),
                    },
                    None => {
                        return Outcome::Gap(format!(
                            "`EngineVersion` is {}, which cannot be read before deploy: an engine before 1.0.4.0 accepts plain HTTP; write the version",
                            text_or_json(v)
                        ));
                    }
                },
            };
            let group = match cluster_group(cx, service) {
                Group::Template(stack, group) => {
                    group_tls(group, service).map(|r| r.map(|p| p.with_stack(stack)))
                }
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
    // A value that turns TLS off fails in any spelling of the name or of the value.
    let read = |value: &Value| text(value).map(|v| v.trim().to_ascii_lowercase());
    let off = |value: &Value| {
        matches!(
            (service, read(value).as_deref()),
            (Service::DocDb, Some("disabled")) | (Service::Neptune, Some("0"))
        )
    };
    if let Some((name, value)) = values.iter().find(|(_, v)| off(v)) {
        let meaning = match service {
            Service::DocDb => {
                "the cluster accepts only plain-text connections; set it to tls1.2+, tls1.3+ or fips-140-3"
            }
            Service::Neptune => {
                "it turns HTTPS enforcement off (engines before 1.0.4.0 then accept plain HTTP); remove it or set it to 1"
            }
        };
        return Some(Err(format!(
            "the cluster parameter group `{}` sets `{name}` to {}: {meaning}",
            group.logical_id(),
            text_or_json(value)
        )));
    }
    // Then only the name as the service lists it is read as set ([`misspelled`]), and its
    // value only as the service lists it: `Enabled` or ` 1` is not read as requiring TLS,
    // as no public source says that DocumentDB or Neptune reads another case or blanks
    // (hostile review 25).
    if let Some(why) = misspelled(group, service, key, &values) {
        return Some(Err(why));
    }
    let (name, value) = values.first()?;
    // `enabled`, in any spelling, is DocumentDB's TLS 1.0 to 1.3 ([`DOCDB_TLS`]).
    if service == Service::DocDb && read(value).as_deref() == Some("enabled") {
        return Some(Err(format!(
            "the cluster parameter group `{}` sets `{name}` to {}, which \"accepts secure connections using TLS version 1.0 through 1.3\" (TLS 1.0 and 1.1 are broken); set it to tls1.2+ (DocumentDB 4.0 and 5.0), tls1.3+ or fips-140-3",
            group.logical_id(),
            text_or_json(value)
        )));
    }
    let written = text(value);
    let required = match (service, written.as_deref()) {
        (Service::DocDb, Some(v)) => DOCDB_TLS.contains(&v),
        (Service::Neptune, Some(v)) => v == "1",
        (_, None) => false,
    };
    if required {
        return Some(parameter_proof(group, name));
    }
    let listed = match (service, read(value).as_deref()) {
        (Service::DocDb, Some(v)) => DOCDB_TLS.contains(&v),
        (Service::Neptune, Some(v)) => v == "1",
        (_, None) => false,
    };
    let meaning = if listed {
        format!(
            "not written as {} lists the value (lower case, no blanks), and no public source says that it reads another case or blanks, so it is not read as requiring TLS; write it as listed",
            service.name()
        )
    } else {
        "which no rule can read as requiring TLS before deploy; write a value that requires it"
            .to_owned()
    };
    Some(Err(format!(
        "the cluster parameter group `{}` sets `{name}` to {}, {meaning}",
        group.logical_id(),
        text_or_json(value)
    )))
}

/// An engine version as numbers (`1.2.0.1` → [1, 2, 0, 1]), if it is one: each part
/// digits only (`parse` would take `+1`).
fn version(text: &str) -> Option<Vec<u32>> {
    text.trim()
        .split('.')
        .map(|part| {
            (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<u32>().ok())
                .flatten()
        })
        .collect()
}

/// Whether every engine that a version written as `found` may deploy is `least` or later.
/// A version of fewer parts names the lowest of its releases first (`1.0.4` may be
/// `1.0.4.0`; `1.0` may be `1.0.1.0`), so the missing parts are read as zeros, the lowest
/// release it may pick.
fn at_least(found: &[u32], least: &[u32]) -> bool {
    let mut padded = found.to_vec();
    if padded.len() < least.len() {
        padded.resize(least.len(), 0);
    }
    padded.as_slice() >= least
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::compliance::rules::dms::tests::outcome_of;

    #[test]
    fn engine_versions_compare_as_numbers() {
        assert_eq!(version("1.0.4.0"), Some(vec![1, 0, 4, 0]));
        assert!(at_least(&version("1.0.10.0").unwrap(), &NEPTUNE_HTTPS_ONLY));
        assert!(!at_least(&version("1.0.3.9").unwrap(), &NEPTUNE_HTTPS_ONLY));
        assert_eq!(version("1.x"), None);
        // Hostile review 25: fewer parts are the lowest release they may pick; a sign or
        // a prefix is no version.
        assert!(at_least(&version("1.0.4").unwrap(), &NEPTUNE_HTTPS_ONLY));
        assert!(!at_least(&version("1.0").unwrap(), &NEPTUNE_HTTPS_ONLY));
        assert!(at_least(&version("2").unwrap(), &NEPTUNE_HTTPS_ONLY));
        assert_eq!(version("v1.2.0.0"), None);
        assert_eq!(version("+1.2.0.0"), None);
        assert_eq!(version("1..4"), None);
    }

    /// DD5 on a DocumentDB cluster of `properties` beside a key `Key` of the app.
    fn dd5_of(properties: serde_json::Value) -> Outcome {
        Cx::check_first(
            dd5,
            &[
                ("Docs", DOCDB_CLUSTER, properties),
                ("Key", "AWS::KMS::Key", json!({})),
            ],
        )
    }

    /// A DocumentDB master password is managed by DocumentDB, its secret under a key of the
    /// app: a password written (as text, a parameter or a dynamic reference), management
    /// off, no key or another account's or AWS's key fail; a restore keeps its source's
    /// password, a gap; Neptune has no master password.
    #[test]
    fn a_documentdb_password_is_managed_under_the_customer_key() {
        let managed = json!({ "ManageMasterUserPassword": true,
            "MasterUserSecretKmsKeyId": { "Ref": "Key" } });
        assert!(matches!(dd5_of(managed.clone()), Outcome::Pass(_)));
        let with = |key: &str, value: serde_json::Value| {
            let mut p = managed.clone();
            p[key] = value;
            p
        };
        for (properties, says) in [
            (
                with("MasterUserPassword", json!("Sup3rS3cret!")),
                "`MasterUserPassword` puts the master password in the template",
            ),
            (
                with(
                    "MasterUserPassword",
                    json!("{{resolve:secretsmanager:docs:SecretString:password}}"),
                ),
                "`MasterUserPassword`",
            ),
            (
                with("ManageMasterUserPassword", json!(false)),
                "ManageMasterUserPassword",
            ),
            (
                json!({ "ManageMasterUserPassword": true }),
                "aws/secretsmanager",
            ),
            (
                with(
                    "MasterUserSecretKmsKeyId",
                    json!("alias/aws/secretsmanager"),
                ),
                "AWS-managed key",
            ),
            (
                with(
                    "MasterUserSecretKmsKeyId",
                    json!(
                        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    ),
                ),
                "`MasterUserSecretKmsKeyId` is arn:aws:kms:us-east-1:111122223333",
            ),
        ] {
            match dd5_of(properties.clone()) {
                Outcome::Fail(why) => assert!(why.contains(says), "{properties}: {why}"),
                other => panic!("{properties}: {other:?}"),
            }
        }
        match dd5_of(with("SnapshotIdentifier", json!("docs-2026-12-01"))) {
            Outcome::Gap(why) => assert!(why.contains("`SnapshotIdentifier`"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            outcome_of(dd5, NEPTUNE_CLUSTER, json!({})),
            Outcome::NotApplicable
        ));
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
        // A group that leaves TLS alone gives its clusters `enabled` (TLS 1.0 to 1.3).
        assert!(matches!(
            outcome_of(
                dd4,
                DOCDB_GROUP,
                json!({ "Family": "docdb5.0", "Parameters": {} })
            ),
            Outcome::Fail(ref why) if why.contains("TLS version 1.0 through 1.3")
        ));
    }

    /// Probe 17b #2: `tls` enabled (DocumentDB's default, TLS 1.0 to 1.3), a group that
    /// leaves `tls` unset, a `default.` group and no group at all fail, on the cluster and
    /// on the group; tls1.2+, tls1.3+ and fips-140-3 pass, in an object or in JSON text.
    #[test]
    fn documentdb_takes_only_tls_1_2_or_later() {
        // The probe's case: a group of the template with `tls` enabled.
        let probe = Cx::check_first(
            dd4,
            &[
                (
                    "Docs",
                    DOCDB_CLUSTER,
                    json!({ "EngineVersion": "5.0.0", "StorageEncrypted": true,
                        "DBClusterParameterGroupName": { "Ref": "DocParams" } }),
                ),
                (
                    "DocParams",
                    DOCDB_GROUP,
                    json!({ "Family": "docdb5.0", "Description": "phi docs",
                        "Parameters": { "tls": "enabled", "audit_logs": "enabled" } }),
                ),
            ],
        );
        assert!(
            matches!(probe, Outcome::Fail(ref why) if why.contains("`tls` to enabled") && why.contains("TLS 1.0")),
            "{probe:?}"
        );
        for parameters in [
            json!({ "tls": "enabled" }),
            json!("{\"tls\": \"enabled\"}"),
            json!({ "Fn::Sub": "{\"tls\": \"enabled\"}" }),
            json!({ "audit_logs": "enabled" }),
            json!({ "tls": { "Ref": "AWS::NoValue" } }),
        ] {
            for outcome in [
                with_group(dd4, Service::DocDb, json!({}), parameters.clone()),
                outcome_of(
                    dd4,
                    DOCDB_GROUP,
                    json!({ "Family": "docdb5.0", "Parameters": parameters.clone() }),
                ),
            ] {
                assert!(
                    matches!(outcome, Outcome::Fail(ref why) if why.contains("1.0")),
                    "{parameters}: {outcome:?}"
                );
            }
        }
        for properties in [
            json!({}),
            json!({ "DBClusterParameterGroupName": "default.docdb5.0" }),
            json!({ "DBClusterParameterGroupName": { "Ref": "AWS::NoValue" } }),
        ] {
            let outcome = outcome_of(dd4, DOCDB_CLUSTER, properties.clone());
            assert!(
                matches!(outcome, Outcome::Fail(ref why) if why.contains("TLS version 1.0 through 1.3")),
                "{properties}: {outcome:?}"
            );
        }
        for parameters in [
            json!({ "tls": "tls1.2+" }),
            json!({ "tls": "tls1.3+", "audit_logs": "enabled" }),
            json!({ "tls": "fips-140-3" }),
            json!("{\"tls\": \"tls1.2+\"}"),
        ] {
            assert!(
                matches!(
                    with_group(dd4, Service::DocDb, json!({}), parameters.clone()),
                    Outcome::Pass(_)
                ),
                "{parameters}"
            );
        }
        // A group of another stack stays a gap.
        assert!(matches!(
            outcome_of(
                dd4,
                DOCDB_CLUSTER,
                json!({ "DBClusterParameterGroupName": { "Fn::ImportValue": "docs-params" } })
            ),
            Outcome::Gap(_)
        ));
    }

    /// A cluster (`R`) of `cluster_type` with `properties`, which names the group `G` of
    /// `group_type` that sets `parameters`, judged by `check`.
    fn with_group(
        check: fn(&Cx<'_>) -> Outcome,
        service: Service,
        properties: Value,
        parameters: Value,
    ) -> Outcome {
        let mut properties = properties;
        properties["DBClusterParameterGroupName"] = json!({ "Ref": "G" });
        let family = match service {
            Service::DocDb => "docdb5.0",
            Service::Neptune => "neptune1.3",
        };
        Cx::check_first(
            check,
            &[
                ("R", service.cluster(), properties),
                (
                    "G",
                    service.group(),
                    json!({ "Family": family, "Description": "d", "Parameters": parameters }),
                ),
            ],
        )
    }

    /// Hostile review 25: a parameter's name proves a setting only as the service lists it
    /// (another case or blanks fail closed), its value only as listed (`Enabled`, ` 1`),
    /// while a value that turns a protection off fails in any spelling; a name written
    /// twice in the text of `Parameters` fails; the audit log is exported as `audit` only.
    #[test]
    fn parameters_prove_a_setting_only_as_the_service_lists_them() {
        let fails = |outcome: Outcome, says: &str, case: &str| match outcome {
            Outcome::Fail(why) => assert!(why.contains(says), "{case}: {why}"),
            other => panic!("{case}: {other:?}"),
        };
        for (parameters, says) in [
            (json!({ "TLS": "enabled" }), "not `tls` as DocumentDB names"),
            (
                json!({ " tls": "tls1.2+" }),
                "not `tls` as DocumentDB names",
            ),
            (
                json!("{\"Tls\": \"tls1.3+\"}"),
                "not `tls` as DocumentDB names",
            ),
            (json!({ "tls": "Enabled" }), "TLS version 1.0 through 1.3"),
            (json!({ "tls": "TLS1.2+" }), "lower case, no blanks"),
            (json!({ "tls": " disabled" }), "only plain-text connections"),
            (json!({ "Tls": "DISABLED" }), "only plain-text connections"),
            (
                json!("{\"tls\": \"disabled\", \"tls\": \"enabled\"}"),
                "twice",
            ),
            (json!({ "tls": true }), "no rule can read as requiring TLS"),
        ] {
            let case = parameters.to_string();
            fails(
                with_group(dd4, Service::DocDb, json!({}), parameters.clone()),
                says,
                &case,
            );
            fails(
                outcome_of(
                    dd4,
                    DOCDB_GROUP,
                    json!({ "Family": "docdb5.0", "Parameters": parameters }),
                ),
                says,
                &case,
            );
        }
        let neptune = json!({ "EngineVersion": "1.3.2.0" });
        for (parameters, says) in [
            (
                json!({ "NEPTUNE_ENFORCE_SSL": "1" }),
                "not `neptune_enforce_ssl`",
            ),
            (
                json!({ "neptune_enforce_ssl": " 1" }),
                "lower case, no blanks",
            ),
            (
                json!({ "Neptune_Enforce_SSL ": "0" }),
                "turns HTTPS enforcement off",
            ),
        ] {
            let case = parameters.to_string();
            fails(
                with_group(dd4, Service::Neptune, neptune.clone(), parameters),
                says,
                &case,
            );
        }
        // As listed, in a number or in text, they pass.
        for (service, properties, parameters) in [
            (Service::DocDb, json!({}), json!({ "tls": "fips-140-3" })),
            (Service::DocDb, json!({}), json!("{\"tls\": \"tls1.3+\"}")),
            (
                Service::DocDb,
                json!({}),
                json!({ "Fn::Sub": "{\"tls\": \"tls1.2+\"}" }),
            ),
            (
                Service::Neptune,
                neptune.clone(),
                json!({ "neptune_enforce_ssl": 1 }),
            ),
        ] {
            assert!(
                matches!(
                    with_group(dd4, service, properties, parameters.clone()),
                    Outcome::Pass(_)
                ),
                "{parameters}"
            );
        }
        // DD3 alike: the name and the value as listed, and `audit` exported as written.
        let exported = json!({ "EnableCloudwatchLogsExports": ["audit"] });
        for (service, parameters, says) in [
            (
                Service::DocDb,
                json!({ "Audit_Logs": "all" }),
                "not `audit_logs`",
            ),
            (
                Service::DocDb,
                json!({ "audit_logs": "ENABLED" }),
                "lower case, no blanks",
            ),
            (
                Service::DocDb,
                json!({ "audit_logs": "ddl, dml_read" }),
                "lower case, no blanks",
            ),
            (
                Service::Neptune,
                json!({ "neptune_enable_audit_log": " 1" }),
                "lower case, no blanks",
            ),
        ] {
            let case = parameters.to_string();
            fails(
                with_group(dd3, service, exported.clone(), parameters),
                says,
                &case,
            );
        }
        fails(
            with_group(
                dd3,
                Service::Neptune,
                json!({ "EnableCloudwatchLogsExports": ["Audit "] }),
                json!({ "neptune_enable_audit_log": 1 }),
            ),
            "lists `Audit `",
            "export",
        );
        assert!(matches!(
            with_group(
                dd3,
                Service::DocDb,
                exported,
                json!({ "audit_logs": "ddl,dml_read" })
            ),
            Outcome::Pass(_)
        ));
    }

    /// Hostile review 25: a restore names its source cluster as an instance does, by
    /// reference or by the source's `DBClusterIdentifier` in any case.
    #[test]
    fn a_restore_names_its_source_by_identifier_too() {
        let key = json!({ "EnableKeyRotation": true });
        for source in [json!("Primary-Records"), json!({ "Ref": "Primary" })] {
            let outcome = Cx::check_first(
                dd1,
                &[
                    (
                        "Copy",
                        DOCDB_CLUSTER,
                        json!({ "StorageEncrypted": true, "KmsKeyId": { "Fn::GetAtt": ["K", "Arn"] },
                            "SourceDBClusterIdentifier": source, "RestoreType": "copy-on-write",
                            "UseLatestRestorableTime": true }),
                    ),
                    (
                        "Primary",
                        DOCDB_CLUSTER,
                        json!({ "DBClusterIdentifier": "primary-records", "StorageEncrypted": true,
                            "KmsKeyId": { "Fn::GetAtt": ["K", "Arn"] } }),
                    ),
                    ("K", "AWS::KMS::Key", key.clone()),
                ],
            );
            assert!(matches!(outcome, Outcome::Pass(_)), "{source}: {outcome:?}");
        }
        let elsewhere = Cx::check_first(
            dd1,
            &[
                (
                    "Copy",
                    DOCDB_CLUSTER,
                    json!({ "StorageEncrypted": true, "KmsKeyId": { "Fn::GetAtt": ["K", "Arn"] },
                        "SourceDBClusterIdentifier": "other-records" }),
                ),
                ("K", "AWS::KMS::Key", key),
            ],
        );
        assert!(matches!(elsewhere, Outcome::Fail(ref why) if why.contains("no rule reads")));
    }

    /// Hostile review 25: Neptune's engine version is read as the lowest release it may
    /// deploy (`1.0.4` passes, `1.0` fails), and text that is no version fails (it was a
    /// gap, "cannot be read before deploy", though it is written).
    #[test]
    fn neptune_engine_versions_are_read_as_the_lowest_release_they_may_pick() {
        for (engine, passes) in [
            ("1.0.4", true),
            ("1.0.10.0", true),
            ("1.4.5.1", true),
            ("1.0", false),
            ("1.0.3.9", false),
            ("1.4.x", false),
            ("v1.2.0.0", false),
        ] {
            let outcome = outcome_of(dd4, NEPTUNE_CLUSTER, json!({ "EngineVersion": engine }));
            assert_eq!(
                matches!(outcome, Outcome::Pass(_)),
                passes,
                "{engine}: {outcome:?}"
            );
            assert!(!matches!(outcome, Outcome::Gap(_)), "{engine}: {outcome:?}");
        }
        assert!(matches!(
            outcome_of(
                dd4,
                NEPTUNE_CLUSTER,
                json!({ "EngineVersion": { "Fn::ImportValue": "engine" } })
            ),
            Outcome::Gap(_)
        ));
    }
}
