//! The decisions of a deployment that need no network: capabilities, tags, which changes
//! put PHI at risk, the stack policy of a production stack, and the root cause of a failure.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::api::{ResourceChange, StackEvent};
use crate::cfn::Template;
use crate::digest::sha256_hex;
use crate::synth::SynthesizedStack;

/// The output that records which template a stack was last deployed with: its SHA-256.
///
/// An output, not a stack tag: CloudFormation copies stack tags onto every taggable
/// resource, so a tag that changes with each template would touch every resource of the
/// stack on every change; an output that changes is a stack-level update that touches no
/// resource. `DescribeStacks` returns outputs, so an unchanged stack still costs one read.
pub const TEMPLATE_OUTPUT: &str = "HipaaStackTemplateSha256";

/// The template as deployed: `body` with the [`TEMPLATE_OUTPUT`] output holding the
/// SHA-256 of `body`, which that hash returns.
pub fn with_template_hash(body: &str) -> Result<(String, String), serde_json::Error> {
    let hash = sha256_hex(body);
    let mut doc = crate::cfn::tree::from_str(body)?;
    if let Some(map) = doc.as_object_mut() {
        let outputs = map
            .entry("Outputs")
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        if let Some(outputs) = outputs.as_object_mut() {
            outputs.insert(
                TEMPLATE_OUTPUT.to_owned(),
                json!({
                    "Description": "hipaa-stack: the SHA-256 of the template as synthesized",
                    "Value": hash,
                }),
            );
        }
    }
    Ok((to_template_json(&doc)?, hash))
}

/// A template document as synth writes it (one space per level, a final newline), so that
/// what is deployed is the same size as what `synth` wrote and measured.
pub fn to_template_json(doc: &serde_json::Value) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(64 * 1024);
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(doc, &mut serializer)?;
    out.push(b'\n');
    // serde_json writes only UTF-8.
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// Resource types that hold PHI, with what is lost if one is replaced or deleted: every
/// type that rule D1 (stores of PHI are kept) reads, and R6's databases, plus the queues and
/// secrets of the constructs (a unit test holds the list to D1's and R6's).
const PHI_STORES: &[(&str, &str)] = &[
    ("AWS::S3::Bucket", "every object in the bucket"),
    (
        "AWS::S3Express::DirectoryBucket",
        "every object in the directory bucket",
    ),
    (
        "AWS::S3Tables::TableBucket",
        "every table in the table bucket",
    ),
    (
        "AWS::KMS::ReplicaKey",
        "the key in its region: what it encrypted there is read only through another replica",
    ),
    (
        "AWS::CloudTrail::EventDataStore",
        "the audit events of the event data store",
    ),
    (
        "AWS::Backup::LogicallyAirGappedBackupVault",
        "the recovery points",
    ),
    ("AWS::EFS::FileSystem", "every file of the file system"),
    ("AWS::Redshift::Cluster", "the data warehouse's tables"),
    (
        "AWS::RedshiftServerless::Namespace",
        "the data warehouse's tables",
    ),
    ("AWS::OpenSearchService::Domain", "the domain's indices"),
    ("AWS::Elasticsearch::Domain", "the domain's indices"),
    (
        "AWS::DocDB::DBCluster",
        "the database cluster and its automated backups",
    ),
    (
        "AWS::Neptune::DBCluster",
        "the database cluster and its automated backups",
    ),
    (
        "AWS::RDS::DBInstance",
        "the database and its automated backups",
    ),
    (
        "AWS::RDS::DBCluster",
        "the database cluster and its automated backups",
    ),
    (
        "AWS::KMS::Key",
        "everything encrypted with the key, which becomes unreadable",
    ),
    ("AWS::Logs::LogGroup", "the log events"),
    ("AWS::Backup::BackupVault", "the recovery points"),
    ("AWS::EC2::Volume", "the volume's data"),
    ("AWS::DynamoDB::Table", "the table's items"),
    (
        "AWS::DynamoDB::GlobalTable",
        "the table's items, in every region",
    ),
    (
        "AWS::SQS::Queue",
        "the messages in the queue (a dead-letter queue keeps failed events whole)",
    ),
    ("AWS::SecretsManager::Secret", "the secret"),
    ("AWS::Kinesis::Stream", "the records kept in the stream"),
    (
        "AWS::MSK::Cluster",
        "the records of every topic of the cluster",
    ),
    (
        "AWS::MSK::ServerlessCluster",
        "the records of every topic of the cluster",
    ),
    (
        "AWS::SageMaker::NotebookInstance",
        "the notebook instance's storage volume",
    ),
];

/// A nested stack: its resources are not in the change set of its parent.
const NESTED_STACK: &str = "AWS::CloudFormation::Stack";

/// What is at risk when a nested stack is replaced or deleted.
const NESTED_STACK_DATA: &str =
    "every resource of the nested stack, whose stores of PHI the change set does not show";

/// What is lost when a resource of this type is replaced or deleted, for stores of PHI.
pub fn data_at_stake(resource_type: &str) -> Option<&'static str> {
    PHI_STORES
        .iter()
        .find(|(t, _)| *t == resource_type)
        .map(|(_, d)| *d)
}

/// Whether a resource of the template is a store of PHI: its type is, and no construct said
/// otherwise (the access-log bucket holds no PHI).
pub fn is_phi_store(template: &Template, logical_id: &str, resource_type: &str) -> bool {
    if data_at_stake(resource_type).is_none() {
        return false;
    }
    let construct = template
        .resource(logical_id)
        .and_then(|r| r.construct_kind());
    construct != Some("AccessLogBucket")
}

/// What CloudFormation does with a resource of a deployed template when its stack is
/// deleted, read from that template (what the program would write now does not count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeployedKeep {
    /// It is kept (`Retain`, `RetainExceptOnCreate`) or snapshotted (`Snapshot`).
    Kept(crate::cfn::Keep),
    /// It is deleted (`Delete`, or no `DeletionPolicy`).
    Deleted,
    /// The template writes a policy no reader can take as one of those (an intrinsic
    /// function, another value): what happens is unknown.
    Unknown,
}

/// What a stack deletion does with `resource`, a resource of the deployed template.
///
/// AWS CloudFormation Template Reference, "DeletionPolicy attribute": "If a resource has no
/// `DeletionPolicy` attribute, CloudFormation deletes the resource by default", except that
/// "the default policy is `Snapshot` for `AWS::RDS::DBCluster` resources and for
/// `AWS::RDS::DBInstance` resources that don't specify the `DBClusterIdentifier` property";
/// `RetainExceptOnCreate` "behaves like `Retain` for stack operations, except for the stack
/// operation that initially created the resource".
pub fn deployed_keep(resource: &serde_json::Value) -> DeployedKeep {
    use crate::cfn::Keep;
    match resource.get("DeletionPolicy") {
        None | Some(serde_json::Value::Null) => {
            let kind = resource.get("Type").and_then(serde_json::Value::as_str);
            let of_cluster = resource
                .get("Properties")
                .and_then(|p| p.get("DBClusterIdentifier"))
                .is_some_and(|v| !v.is_null());
            match kind {
                Some("AWS::RDS::DBCluster") => DeployedKeep::Kept(Keep::Snapshot),
                Some("AWS::RDS::DBInstance") if !of_cluster => DeployedKeep::Kept(Keep::Snapshot),
                _ => DeployedKeep::Deleted,
            }
        }
        Some(serde_json::Value::String(s)) => match s.as_str() {
            "Retain" | "RetainExceptOnCreate" => DeployedKeep::Kept(Keep::Retain),
            "Snapshot" => DeployedKeep::Kept(Keep::Snapshot),
            "Delete" => DeployedKeep::Deleted,
            _ => DeployedKeep::Unknown,
        },
        Some(_) => DeployedKeep::Unknown,
    }
}

/// The construct path and kind that hipaa-stack wrote in a deployed resource's metadata.
pub fn deployed_origin(resource: &serde_json::Value) -> (Option<&str>, Option<&str>) {
    let origin = resource.get("Metadata").and_then(|m| m.get("hipaa-stack"));
    let field = |k: &str| {
        origin
            .and_then(|o| o.get(k))
            .and_then(serde_json::Value::as_str)
    };
    (field("path"), field("construct"))
}

/// The capabilities a template needs: `CAPABILITY_IAM` when it has IAM resources,
/// `CAPABILITY_NAMED_IAM` when one of them has a fixed name, nothing otherwise.
pub fn capabilities(template: &Template) -> Vec<String> {
    const NAMES: [&str; 5] = [
        "RoleName",
        "ManagedPolicyName",
        "UserName",
        "GroupName",
        "InstanceProfileName",
    ];
    let iam: Vec<_> = template
        .resources()
        .iter()
        .filter(|r| r.type_name().starts_with("AWS::IAM::"))
        .collect();
    if iam.is_empty() {
        Vec::new()
    } else if iam
        .iter()
        .any(|r| NAMES.iter().any(|n| r.properties().get(n).is_some()))
    {
        vec!["CAPABILITY_NAMED_IAM".to_owned()]
    } else {
        vec!["CAPABILITY_IAM".to_owned()]
    }
}

/// The capabilities a stack's template needs: those of [`capabilities`], and
/// `CAPABILITY_AUTO_EXPAND` when the template uses a transform (`Transform`, `Fn::Transform`,
/// a macro) or nests stacks (`AWS::CloudFormation::Stack`, `AWS::Serverless::*`), which
/// CloudFormation otherwise refuses with `InsufficientCapabilities`.
pub fn stack_capabilities(template: &Template, template_json: &str) -> Vec<String> {
    let mut caps = capabilities(template);
    let nested = template.resources().iter().any(|r| {
        r.type_name() == "AWS::CloudFormation::Stack"
            || r.type_name() == "AWS::CloudFormation::Macro"
            || r.type_name().starts_with("AWS::Serverless::")
    });
    if nested
        || template_json.contains("\"Transform\"")
        || template_json.contains("\"Fn::Transform\"")
    {
        caps.push("CAPABILITY_AUTO_EXPAND".to_owned());
    }
    caps
}

/// The stack's tags ([`crate::stack_tags::stack_tags`]), classified `phi` when the stack
/// holds a store of PHI. They change only when the program's tags or the classification do
/// (CloudFormation copies them onto every taggable resource).
pub fn tags(app: &str, stack: &SynthesizedStack) -> BTreeMap<String, String> {
    let template = stack.template();
    let phi = template
        .resources()
        .iter()
        .any(|r| is_phi_store(template, r.logical_id(), r.type_name()));
    crate::stack_tags::stack_tags(app, stack, phi)
}

pub use crate::stack_tags::tag_problem;

/// The stack tags that a deploy changes, one line each: `key: old -> new`, `key: + new` for
/// a tag added, `key: - old` for one removed. CloudFormation replaces a stack's tags with
/// those of the change set, and copies them onto every resource that takes tags (API
/// reference, CreateChangeSet, `Tags`).
pub fn tag_changes(
    deployed: &BTreeMap<String, String>,
    wanted: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (key, new) in wanted {
        match deployed.get(key) {
            Some(old) if old == new => {}
            Some(old) => out.push(format!("`{key}`: `{old}` -> `{new}`")),
            None => out.push(format!("`{key}`: + `{new}`")),
        }
    }
    for (key, old) in deployed {
        if !wanted.contains_key(key) {
            out.push(format!("`{key}`: - `{old}`"));
        }
    }
    out
}

/// A change that would replace or delete a store of PHI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endangered {
    /// `stack/LogicalId`.
    pub resource: String,
    /// The construct that made it.
    pub construct: String,
    /// `replaced` or `deleted`, or both for a change CloudFormation decides only when it
    /// runs.
    pub what: &'static str,
    /// The property that forces the replacement, and what caused it upstream.
    pub because: String,
    /// What is lost.
    pub data: &'static str,
}

impl std::fmt::Display for Endangered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` ({}) would be {}{}, putting at risk {}",
            self.resource,
            self.construct,
            self.what,
            if self.because.is_empty() {
                String::new()
            } else {
                format!(" because {}", self.because)
            },
            self.data
        )
    }
}

/// Why a resource is replaced: the properties that require recreation, and the upstream
/// change that caused each, when it comes through a reference.
pub fn replacement_cause(change: &ResourceChange) -> String {
    let causes: BTreeSet<String> = change
        .details
        .iter()
        .filter(|d| {
            matches!(
                d.requires_recreation.as_deref(),
                Some("Always" | "Conditionally")
            )
        })
        .map(|d| {
            let property = d.name.clone().unwrap_or_else(|| d.attribute.clone());
            match (&d.change_source, &d.causing_entity) {
                (Some(source), Some(cause)) if source != "DirectModification" => {
                    format!("`{property}` changes (caused by `{cause}`)")
                }
                _ => format!("`{property}` changes"),
            }
        })
        .collect();
    causes.into_iter().collect::<Vec<_>>().join(", ")
}

/// The changes of a plan that replace or delete a store of PHI and that `allowed` does not
/// name (`stack/LogicalId` or `stack/Construct`).
pub fn endangered(
    stack: &SynthesizedStack,
    deployed: Option<&Template>,
    changes: &[ResourceChange],
    allowed: &[String],
) -> Vec<Endangered> {
    let template = stack.template();
    let mut out = Vec::new();
    for c in changes {
        let what = match (c.action.as_str(), c.replacement.as_deref()) {
            ("Remove", _) => "deleted",
            ("Modify", Some("True" | "Conditional")) => "replaced",
            // "Dynamic (exact action for the resource can't be determined)" (API reference,
            // ResourceChange, `Action`): CloudFormation decides at execution, and it may
            // replace or delete the store, so it is refused as one that would be.
            ("Dynamic", _) => "replaced or deleted (CloudFormation decides only when it runs)",
            _ => continue,
        };
        // A removed resource is only in the deployed template; judge it by its type.
        let phi = match template.resource(&c.logical_id) {
            Some(_) => is_phi_store(template, &c.logical_id, &c.resource_type),
            None => deployed.map_or_else(
                || data_at_stake(&c.resource_type).is_some(),
                |d| is_phi_store(d, &c.logical_id, &c.resource_type),
            ),
        };
        // A nested stack holds resources that the change set does not show (no change set
        // of the nested stacks is asked for): deleting or replacing it deletes them, stores
        // of PHI among them for all the engine can tell.
        let data = if c.resource_type == NESTED_STACK {
            Some(NESTED_STACK_DATA)
        } else {
            data_at_stake(&c.resource_type).filter(|_| phi)
        };
        let Some(data) = data else {
            continue;
        };
        let construct = template
            .resource(&c.logical_id)
            .and_then(crate::cfn::Resource::construct_path)
            .map_or_else(
                || format!("{}/{}", stack.name(), c.logical_id),
                str::to_owned,
            );
        let resource = format!("{}/{}", stack.name(), c.logical_id);
        if is_allowed(allowed, &resource, &construct) {
            continue;
        }
        out.push(Endangered {
            resource,
            construct,
            what,
            because: replacement_cause(c),
            data,
        });
    }
    out
}

/// Whether an `--allow-replace` entry names this resource: exactly its `stack/LogicalId`, or
/// exactly the path of its construct. An entry never matches by prefix or pattern.
pub fn is_allowed(allowed: &[String], resource: &str, construct: &str) -> bool {
    allowed.iter().any(|a| a == resource || a == construct)
}

/// The logical ids of the stores of PHI that the changes replace or delete and that
/// `allowed` names: those for which a production stack's policy is relaxed for one execution.
pub fn allowed_ids(
    stack: &SynthesizedStack,
    changes: &[ResourceChange],
    allowed: &[String],
) -> Vec<String> {
    let all = endangered(stack, None, changes, &[]);
    all.into_iter()
        .filter(|e| is_allowed(allowed, &e.resource, &e.construct))
        .filter_map(|e| {
            e.resource
                .strip_prefix(&format!("{}/", stack.name()))
                .map(str::to_owned)
        })
        .collect()
}

/// The stack policy of a production stack after a change set that did nothing unusual: every
/// update is allowed except replacing or deleting a store of PHI.
pub fn stack_policy(template: &Template) -> Option<String> {
    stack_policy_allowing(template, &[], &[])
}

/// A stack policy that once a stack has a policy lets everything be updated: what a stack
/// that stops being a production stack gets (a policy cannot be removed, only replaced).
pub const ALLOW_ALL_POLICY: &str =
    r#"{"Statement":[{"Effect":"Allow","Action":"Update:*","Principal":"*","Resource":"*"}]}"#;

/// The stack policy of a production stack for one execution: the stores of PHI of the
/// template plus `removed` (stores the change deletes) are protected, except the logical ids
/// in `allowed`, which that execution may replace or delete.
pub fn stack_policy_allowing(
    template: &Template,
    removed: &[String],
    allowed: &[String],
) -> Option<String> {
    let mut ids: BTreeSet<&str> = template
        .resources()
        .iter()
        .filter(|r| is_phi_store(template, r.logical_id(), r.type_name()))
        .map(crate::cfn::Resource::logical_id)
        .collect();
    ids.extend(removed.iter().map(String::as_str));
    if ids.is_empty() {
        return None;
    }
    let protected: Vec<String> = ids
        .into_iter()
        .filter(|id| !allowed.iter().any(|a| a == id))
        .map(|id| format!("LogicalResourceId/{id}"))
        .collect();
    if protected.is_empty() {
        return Some(ALLOW_ALL_POLICY.to_owned());
    }
    let policy = json!({
        "Statement": [
            { "Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*" },
            {
                "Effect": "Deny",
                "Action": ["Update:Replace", "Update:Delete"],
                "Principal": "*",
                "Resource": protected,
            },
        ]
    })
    .to_string();
    if policy.len() <= MAX_STACK_POLICY_BYTES {
        return Some(policy);
    }
    // Too many stores to list: deny by resource type instead (a stack policy's `Condition`
    // on `ResourceType`, AWS CloudFormation User Guide, "Prevent updates to stack
    // resources"), leaving out by `NotResource` exactly the resources of those types that
    // are not protected (access-log buckets, and the stores this execution may replace).
    let unprotected: BTreeSet<String> = template
        .resources()
        .iter()
        .filter(|r| {
            data_at_stake(r.type_name()).is_some()
                && !is_phi_store(template, r.logical_id(), r.type_name())
        })
        .map(|r| r.logical_id().to_owned())
        .chain(allowed.iter().cloned())
        .map(|id| format!("LogicalResourceId/{id}"))
        .collect();
    let types: Vec<&str> = PHI_STORES.iter().map(|(t, _)| *t).collect();
    let mut deny = json!({
        "Effect": "Deny",
        "Action": ["Update:Replace", "Update:Delete"],
        "Principal": "*",
        "Condition": { "StringEquals": { "ResourceType": types } },
    });
    if unprotected.is_empty() {
        deny["Resource"] = json!("*");
    } else {
        deny["NotResource"] = json!(unprotected);
    }
    Some(
        json!({
            "Statement": [
                { "Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*" },
                deny,
            ]
        })
        .to_string(),
    )
}

/// The largest stack policy CloudFormation accepts, in bytes (API reference, SetStackPolicy:
/// `StackPolicyBody`, "Maximum length of 16384").
pub const MAX_STACK_POLICY_BYTES: usize = 16_384;

/// Whether a change set's status reason says that there was nothing to change (the words of
/// AWS and of the local endpoint alike).
pub fn is_no_change(reason: Option<&str>) -> bool {
    reason.is_some_and(|r| {
        r.contains("didn't contain changes") || r.contains("No updates are to be performed")
    })
}

/// The first failure among the stack events that are new since a deployment started: the
/// root cause, not the "rollback requested" that follows it. Events come newest first.
pub fn root_cause<'a>(
    events: &'a [StackEvent],
    stack: &str,
    seen_before: &BTreeSet<String>,
) -> Option<&'a StackEvent> {
    const CONSEQUENCES: [&str; 4] = [
        "Resource creation cancelled",
        "Resource update cancelled",
        "The following resource(s) failed",
        "rollback requested",
    ];
    let failures = events
        .iter()
        .filter(|e| !seen_before.contains(&e.id))
        .filter(|e| e.status.ends_with("_FAILED"));
    // Oldest first; a resource's own failure beats the stack's summary of it.
    let ordered: Vec<&StackEvent> = failures.rev().collect();
    ordered
        .iter()
        .find(|e| {
            e.logical_id != stack
                && !e
                    .reason
                    .as_deref()
                    .is_some_and(|r| CONSEQUENCES.iter().any(|c| r.contains(c)))
        })
        .or_else(|| ordered.first())
        .copied()
}

/// What to do after a stack ended in `status`.
pub fn next_step(status: &str) -> &'static str {
    match status {
        "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" => {
            "fix the cause and run `up` again: the failed first create is deleted and the stack created anew (with --yes, without asking)"
        }
        "UPDATE_ROLLBACK_COMPLETE" => {
            "the stack is back on its previous template; fix the cause and run `up` again"
        }
        "UPDATE_ROLLBACK_FAILED" => {
            "the rollback itself failed; fix what blocks it, then run `up` again to continue the rollback"
        }
        "DELETE_FAILED" => "run `destroy` again; stores of PHI that cannot be deleted are kept",
        _ => "look at the stack's events in the CloudFormation console, then run `up` again",
    }
}

/// The exports the stack has now (`deployed`: name and value) that the template to deploy
/// (`new`) keeps by name but whose value the change set changes or may change, each with
/// why: a value written as text that is not the deployed one, or an output that reads (`Ref`, `Fn::GetAtt`, `${…}` of `Fn::Sub`) a resource the change set
/// replaces, may replace, adds or removes, or a parameter whose value changes, or its
/// `Value` is not the one the deployed template (`old`) gives it.
///
/// CloudFormation refuses to change an export another stack imports (User Guide,
/// `Fn::ImportValue`: "After another stack imports an output value, you can't delete the
/// stack that is exporting the output value or modify the exported output value. All the
/// imports must be removed before you can delete the exporting stack or modify the output
/// value"): the update fails with "Cannot update export … as it is in use by …" and rolls
/// back, so `up` asks which of these are imported before executing.
pub fn exports_changing(
    new: &serde_json::Value,
    old: Option<&serde_json::Value>,
    deployed: &BTreeMap<String, String>,
    changes: &[ResourceChange],
    parameters: (&BTreeMap<String, String>, &BTreeMap<String, String>),
) -> Vec<(String, String)> {
    let export_of = |o: &serde_json::Value| {
        o.get("Export")
            .and_then(|e| e.get("Name"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let old_values: BTreeMap<String, &serde_json::Value> = old
        .and_then(|t| t.get("Outputs"))
        .and_then(serde_json::Value::as_object)
        .map(|outputs| {
            outputs
                .values()
                .filter_map(|o| Some((export_of(o)?, o.get("Value")?)))
                .collect()
        })
        .unwrap_or_default();
    let Some(outputs) = new.get("Outputs").and_then(serde_json::Value::as_object) else {
        return Vec::new();
    };
    let (now, then) = parameters;
    let mut found = Vec::new();
    for output in outputs.values() {
        let Some(name) = export_of(output) else {
            continue;
        };
        let Some(now_value) = deployed.get(&name) else {
            continue;
        };
        let value = output.get("Value").unwrap_or(&serde_json::Value::Null);
        // Text (as an export kept for its importers is written): the value itself.
        if let Some(text) = value.as_str() {
            if text != now_value {
                found.push((
                    name,
                    format!("its value changes from `{now_value}` to `{text}`"),
                ));
            }
            continue;
        }
        let mut read = BTreeSet::new();
        referenced(value, &mut read);
        let replaced = changes.iter().find_map(|c| {
            if !read.contains(&c.logical_id) {
                return None;
            }
            match (c.action.as_str(), c.replacement.as_deref()) {
                (_, Some("True")) => Some(format!("the change set replaces {}", c.logical_id)),
                (_, Some("Conditional")) => {
                    Some(format!("the change set may replace {}", c.logical_id))
                }
                ("Add" | "Remove", _) => Some(format!(
                    "the change set {}s {}",
                    c.action.to_ascii_lowercase(),
                    c.logical_id
                )),
                _ => None,
            }
        });
        let parameter = || {
            read.iter().find_map(|p| {
                let (a, b) = (now.get(p)?, then.get(p));
                (b != Some(a)).then(|| format!("its parameter {p} changes"))
            })
        };
        let rewritten = || {
            old_values
                .get(&name)
                .filter(|v| **v != value)
                .map(|_| "its value is written differently in the new template".to_owned())
        };
        if let Some(why) = replaced.or_else(parameter).or_else(rewritten) {
            found.push((name, why));
        }
    }
    found
}

/// The logical ids and parameters a value reads: `Ref`, `Fn::GetAtt` and the `${Name}` or
/// `${Name.Attribute}` of `Fn::Sub` (not `${!Literal}`).
fn referenced(value: &serde_json::Value, into: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("Ref", serde_json::Value::String(id)) => {
                        into.insert(id.clone());
                    }
                    ("Fn::GetAtt", serde_json::Value::Array(parts)) => {
                        if let Some(id) = parts.first().and_then(serde_json::Value::as_str) {
                            into.insert(id.to_owned());
                        }
                    }
                    ("Fn::GetAtt", serde_json::Value::String(path)) => {
                        into.insert(path.split('.').next().unwrap_or_default().to_owned());
                    }
                    ("Fn::Sub", serde_json::Value::String(text)) => sub_names(text, into),
                    ("Fn::Sub", serde_json::Value::Array(parts)) => {
                        if let Some(text) = parts.first().and_then(serde_json::Value::as_str) {
                            sub_names(text, into);
                        }
                        for p in parts.iter().skip(1) {
                            referenced(p, into);
                        }
                    }
                    _ => referenced(v, into),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                referenced(v, into);
            }
        }
        _ => {}
    }
}

fn sub_names(text: &str, into: &mut BTreeSet<String>) {
    for piece in crate::cfn::text::sub_pieces(text) {
        if let crate::cfn::text::SubPiece::Name(name) = piece {
            into.insert(name.split('.').next().unwrap_or_default().to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_changes_name_each_tag_changed_added_and_removed() {
        let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let deployed = map(&[("team", "records"), ("old", "x"), ("same", "1")]);
        let wanted = map(&[("team", "billing"), ("new", "y"), ("same", "1")]);
        assert_eq!(
            tag_changes(&deployed, &wanted),
            [
                "`new`: + `y`",
                "`team`: `records` -> `billing`",
                "`old`: - `x`"
            ]
        );
        assert!(tag_changes(&wanted, &wanted).is_empty());
    }
    use crate::deploy::api::ChangeDetail;
    use crate::prelude::*;

    #[test]
    fn a_deletion_keeps_what_the_deployed_template_says_with_the_rds_defaults() {
        use crate::cfn::Keep;
        let keep = |v: serde_json::Value| deployed_keep(&v);
        assert_eq!(
            keep(json!({"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"})),
            DeployedKeep::Kept(Keep::Retain)
        );
        assert_eq!(
            keep(json!({"Type": "AWS::S3::Bucket", "DeletionPolicy": "RetainExceptOnCreate"})),
            DeployedKeep::Kept(Keep::Retain)
        );
        assert_eq!(
            keep(json!({"Type": "AWS::S3::Bucket"})),
            DeployedKeep::Deleted
        );
        assert_eq!(
            keep(json!({"Type": "AWS::S3::Bucket", "DeletionPolicy": "Delete"})),
            DeployedKeep::Deleted
        );
        // CloudFormation's own default for databases not of a cluster is a snapshot.
        assert_eq!(
            keep(json!({"Type": "AWS::RDS::DBInstance", "Properties": {}})),
            DeployedKeep::Kept(Keep::Snapshot)
        );
        assert_eq!(
            keep(json!({"Type": "AWS::RDS::DBCluster"})),
            DeployedKeep::Kept(Keep::Snapshot)
        );
        assert_eq!(
            keep(
                json!({"Type": "AWS::RDS::DBInstance", "Properties": {"DBClusterIdentifier": "c"}})
            ),
            DeployedKeep::Deleted
        );
        // A policy read at deploy, or a value CloudFormation does not name, is unknown.
        assert_eq!(
            keep(
                json!({"Type": "AWS::S3::Bucket", "DeletionPolicy": {"Fn::If": ["Prod", "Retain", "Delete"]}})
            ),
            DeployedKeep::Unknown
        );
        assert_eq!(
            keep(json!({"Type": "AWS::S3::Bucket", "DeletionPolicy": "retain"})),
            DeployedKeep::Unknown
        );
        let resource = json!({"Metadata": {"hipaa-stack": {"construct": "AccessLogBucket", "path": "s/Logs"}}});
        assert_eq!(
            deployed_origin(&resource),
            (Some("s/Logs"), Some("AccessLogBucket"))
        );
        assert_eq!(deployed_origin(&json!({})), (None, None));
    }

    fn clinic() -> crate::compliance::Assembly {
        let app = App::new("clinic");
        let s = app.stack("data").unwrap();
        let key = s.add(KmsKey::new("PhiKey")).unwrap();
        let logs = s.add(AccessLogBucket::new("AccessLogs")).unwrap();
        s.add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs),
        )
        .unwrap();
        app.synth().unwrap()
    }

    fn change(action: &str, id: &str, ty: &str, replacement: Option<&str>) -> ResourceChange {
        ResourceChange {
            action: action.to_owned(),
            logical_id: id.to_owned(),
            resource_type: ty.to_owned(),
            replacement: replacement.map(str::to_owned),
            details: vec![ChangeDetail {
                attribute: "Properties".to_owned(),
                name: Some("BucketName".to_owned()),
                requires_recreation: Some("Always".to_owned()),
                change_source: Some("DirectModification".to_owned()),
                causing_entity: None,
            }],
            ..ResourceChange::default()
        }
    }

    /// Queues hold messages of PHI (an upload's key, a failed event whole) and tables hold
    /// items: both are stores, a function's dead-letter queue too.
    #[test]
    fn queues_and_tables_are_stores_of_phi() {
        let app = App::new("t");
        let stack = app.stack("s").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        stack
            .add(crate::SecureQueue::new("Jobs").encryption(&key))
            .unwrap();
        stack
            .add(crate::SecureTable::new("Results", "Id", crate::KeyType::String).encryption(&key))
            .unwrap();
        stack
            .add(
                crate::Function::new("Worker", crate::Code::zip("w.zip"))
                    .encryption(&key)
                    .network(&net),
            )
            .unwrap();
        let assembly = app.check().unwrap();
        let template = assembly.stack("s").unwrap().template();
        for (id, kind) in [
            ("Jobs", "AWS::SQS::Queue"),
            ("JobsDeadLetters", "AWS::SQS::Queue"),
            ("WorkerDeadLetters", "AWS::SQS::Queue"),
            ("Results", "AWS::DynamoDB::Table"),
        ] {
            assert!(template.resource(id).is_some(), "{id}");
            assert!(is_phi_store(template, id, kind), "{id}");
        }
        assert!(data_at_stake("AWS::SQS::Queue").is_some_and(|d| d.contains("messages")));
        // Every store that D1 asks to keep, and every database of R6, is one whose
        // replacement or deletion `up` refuses and `destroy` reports.
        for id in ["D1", "R6"] {
            let spec = crate::compliance::rule_spec(id).unwrap();
            for kind in spec.types {
                assert!(data_at_stake(kind).is_some(), "{id} reads {kind}");
            }
        }
    }

    #[test]
    fn replacing_or_deleting_a_phi_store_is_endangering_unless_allowed() {
        let assembly = clinic();
        let stack = assembly.stack("data").unwrap();
        let changes = [
            change("Modify", "Records", "AWS::S3::Bucket", Some("True")),
            change(
                "Modify",
                "RecordsPolicy",
                "AWS::S3::BucketPolicy",
                Some("True"),
            ),
            change("Modify", "AccessLogs", "AWS::S3::Bucket", Some("True")),
            change("Remove", "OldKey", "AWS::KMS::Key", None),
            change("Modify", "PhiKey", "AWS::KMS::Key", Some("False")),
        ];
        let found = endangered(stack, None, &changes, &[]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].resource, "data/Records");
        assert_eq!(found[0].construct, "data/Records");
        assert_eq!(found[0].what, "replaced");
        assert_eq!(found[0].because, "`BucketName` changes");
        assert_eq!(found[1].what, "deleted");
        assert!(
            found[1]
                .to_string()
                .contains("everything encrypted with the key")
        );
        let allowed = endangered(
            stack,
            None,
            &changes,
            &["data/Records".to_owned(), "data/OldKey".to_owned()],
        );
        assert!(allowed.is_empty());
    }

    #[test]
    fn a_change_cloudformation_decides_only_when_it_runs_endangers_a_phi_store() {
        let assembly = clinic();
        let stack = assembly.stack("data").unwrap();
        let changes = [
            change("Dynamic", "Records", "AWS::S3::Bucket", None),
            change("Dynamic", "RecordsPolicy", "AWS::S3::BucketPolicy", None),
            change("Dynamic", "AccessLogs", "AWS::S3::Bucket", None),
        ];
        let found = endangered(stack, None, &changes, &[]);
        assert_eq!(ids(&found), ["data/Records"], "{found:?}");
        assert!(
            found[0].to_string().contains(
                "would be replaced or deleted (CloudFormation decides only when it runs)"
            ),
            "{}",
            found[0]
        );
        assert!(endangered(stack, None, &changes, &["data/Records".to_owned()]).is_empty());
        // A nested stack removed, replaced or changed at execution takes its resources with
        // it, which no change set of this run shows; a plain update of it does not.
        let nested = [
            change("Remove", "Old", "AWS::CloudFormation::Stack", None),
            change(
                "Modify",
                "Moved",
                "AWS::CloudFormation::Stack",
                Some("True"),
            ),
            change("Dynamic", "Later", "AWS::CloudFormation::Stack", None),
            change(
                "Modify",
                "Kept",
                "AWS::CloudFormation::Stack",
                Some("False"),
            ),
        ];
        let found = endangered(stack, None, &nested, &[]);
        assert_eq!(ids(&found), ["data/Old", "data/Moved", "data/Later"]);
        assert!(
            found[0]
                .to_string()
                .contains("every resource of the nested stack")
        );
        assert_eq!(
            allowed_ids(stack, &changes, &["data/Records".to_owned()]),
            ["Records"]
        );
    }

    /// A stack whose audit trail makes two stores under one construct path (`sec/Audit`:
    /// `AuditBucket` and `AuditLogs`), beside a key and a bucket of their own.
    fn security() -> crate::compliance::Assembly {
        let app = App::new("clinic");
        let s = app.stack("sec").unwrap();
        let key = s.add(KmsKey::new("PhiKey")).unwrap();
        let logs = s.add(AccessLogBucket::new("AccessLogs")).unwrap();
        s.add(AuditTrail::new("Audit").encryption(&key).access_logs(&logs))
            .unwrap();
        s.add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs),
        )
        .unwrap();
        app.synth().unwrap()
    }

    fn ids(found: &[Endangered]) -> Vec<&str> {
        found.iter().map(|e| e.resource.as_str()).collect()
    }

    #[test]
    fn one_allow_replace_entry_allows_exactly_what_it_names() {
        let assembly = security();
        let stack = assembly.stack("sec").unwrap();
        let changes = [
            change("Modify", "Records", "AWS::S3::Bucket", Some("True")),
            change("Modify", "AuditBucket", "AWS::S3::Bucket", Some("True")),
            change("Remove", "AuditLogs", "AWS::Logs::LogGroup", None),
            change("Modify", "PhiKey", "AWS::KMS::Key", Some("Conditional")),
        ];
        let all = [
            "sec/Records",
            "sec/AuditBucket",
            "sec/AuditLogs",
            "sec/PhiKey",
        ];
        assert_eq!(ids(&endangered(stack, None, &changes, &[])), all);

        // By stack/LogicalId: that resource alone.
        let one = endangered(stack, None, &changes, &["sec/Records".to_owned()]);
        assert_eq!(
            ids(&one),
            ["sec/AuditBucket", "sec/AuditLogs", "sec/PhiKey"]
        );
        assert_eq!(
            allowed_ids(stack, &changes, &["sec/Records".to_owned()]),
            ["Records"]
        );

        // By construct path: every store of that construct, and nothing else.
        let audit = ["sec/Audit".to_owned()];
        assert_eq!(
            ids(&endangered(stack, None, &changes, &audit)),
            ["sec/Records", "sec/PhiKey"]
        );
        assert_eq!(
            allowed_ids(stack, &changes, &audit),
            ["AuditBucket", "AuditLogs"]
        );

        // Near misses allow nothing: another stack, a prefix, a logical id alone.
        for entry in [
            "other/Records",
            "sec/Record",
            "sec/",
            "Records",
            "sec",
            "*",
            "",
        ] {
            let found = endangered(stack, None, &changes, &[entry.to_owned()]);
            assert_eq!(ids(&found), all, "`{entry}` allowed something");
            assert!(allowed_ids(stack, &changes, &[entry.to_owned()]).is_empty());
        }
        assert!(is_allowed(&["a/B".to_owned()], "a/B", "a/C"));
        assert!(is_allowed(&["a/C".to_owned()], "a/B", "a/C"));
        assert!(!is_allowed(&["a/D".to_owned()], "a/B", "a/C"));
        assert!(!is_allowed(&[], "a/B", "a/C"));
    }

    #[test]
    fn a_relaxed_policy_leaves_every_other_store_denied() {
        let assembly = security();
        let template = assembly.stack("sec").unwrap().template();
        let denied = |policy: Option<String>| -> Vec<String> {
            let v: serde_json::Value = crate::cfn::tree::from_str(&policy.unwrap()).unwrap();
            v["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["Effect"] == "Deny")
                .flat_map(|s| s["Resource"].as_array().cloned().unwrap_or_default())
                .map(|r| r.as_str().unwrap().to_owned())
                .collect()
        };
        let all = denied(stack_policy(template));
        // The access-log bucket holds no PHI and is not protected.
        assert_eq!(
            all,
            [
                "LogicalResourceId/AuditBucket",
                "LogicalResourceId/AuditLogs",
                "LogicalResourceId/PhiKey",
                "LogicalResourceId/Records"
            ]
        );
        let relaxed = denied(stack_policy_allowing(
            template,
            &["Gone".to_owned()],
            &["Records".to_owned()],
        ));
        assert_eq!(
            relaxed,
            [
                "LogicalResourceId/AuditBucket",
                "LogicalResourceId/AuditLogs",
                "LogicalResourceId/Gone",
                "LogicalResourceId/PhiKey"
            ]
        );
        let none_left = stack_policy_allowing(
            template,
            &[],
            &[
                "AuditBucket".to_owned(),
                "AuditLogs".to_owned(),
                "PhiKey".to_owned(),
                "Records".to_owned(),
            ],
        );
        assert_eq!(none_left.as_deref(), Some(ALLOW_ALL_POLICY));
    }

    #[test]
    fn nested_stacks_never_reach_a_plan_and_transforms_ask_for_auto_expand() {
        // A nested stack is refused at synth (U2 accepts no waiver): its template is never
        // read by the rules, so no assembly holds one.
        let app = App::new("clinic");
        let s = app.stack("nested").unwrap();
        s.add(
            RawResource::new("Inner", "AWS::CloudFormation::Stack")
                .property("TemplateURL", "https://example.com/inner.json"),
        )
        .unwrap();
        match app.synth() {
            Err(crate::Error::Noncompliant { findings }) => {
                assert!(findings.iter().any(|f| f.rule == "U2"), "{findings:?}");
            }
            other => panic!("a nested stack was synthesized: {:?}", other.err()),
        }
        let plain = clinic();
        let data = plain.stack("data").unwrap();
        assert!(stack_capabilities(data.template(), data.template_json()).is_empty());
        assert_eq!(
            stack_capabilities(
                data.template(),
                r#"{"Transform":"AWS::Serverless-2016-10-31"}"#
            ),
            ["CAPABILITY_AUTO_EXPAND"]
        );
    }

    #[test]
    fn macros_and_serverless_resources_ask_for_auto_expand_too() {
        // An app cannot synthesize an `AWS::Serverless::…` resource (rule U2 refuses what
        // the transform would create unread), but a template that holds one asks for the
        // capability all the same.
        let serverless = crate::testing::raw_template(&[(
            "Thing",
            "AWS::Serverless::Function",
            json!({"Name": "x"}),
        )]);
        assert_eq!(
            stack_capabilities(&serverless, "{}"),
            ["CAPABILITY_AUTO_EXPAND"]
        );
        // A macro, which an app can declare (with its waivers), asks for it too.
        let kind = "AWS::CloudFormation::Macro";
        let app = App::new("clinic");
        let s = app.stack("m").unwrap();
        let thing = s
            .add(RawResource::new("Thing", kind).property("Name", "x"))
            .unwrap();
        let reason = "a test resource that never holds PHI";
        app.waive(crate::compliance::Waiver::new(
            crate::compliance::rule::U1,
            &thing,
            reason,
        ))
        .unwrap();
        app.waive(crate::compliance::Waiver::never_holds_phi(&thing, reason))
            .unwrap();
        let assembly = app.synth().unwrap();
        let stack = assembly.stack("m").unwrap();
        assert_eq!(
            stack_capabilities(stack.template(), stack.template_json()),
            ["CAPABILITY_AUTO_EXPAND"],
            "{kind}"
        );
        let plain = clinic();
        let data = plain.stack("data").unwrap();
        assert_eq!(
            stack_capabilities(data.template(), r#"{"A":{"Fn::Transform":{"Name":"M"}}}"#),
            ["CAPABILITY_AUTO_EXPAND"]
        );
    }

    #[test]
    fn a_replacement_names_its_upstream_cause_only_when_it_comes_through_a_reference() {
        let detail = |source: &str, cause: Option<&str>| ChangeDetail {
            attribute: "Properties".to_owned(),
            name: Some("KmsKeyId".to_owned()),
            requires_recreation: Some("Always".to_owned()),
            change_source: Some(source.to_owned()),
            causing_entity: cause.map(str::to_owned),
        };
        let with = |d: ChangeDetail| ResourceChange {
            details: vec![d],
            ..ResourceChange::default()
        };
        assert_eq!(
            replacement_cause(&with(detail("ResourceReference", Some("PhiKey")))),
            "`KmsKeyId` changes (caused by `PhiKey`)"
        );
        assert_eq!(
            replacement_cause(&with(detail("DirectModification", Some("PhiKey")))),
            "`KmsKeyId` changes"
        );
        assert_eq!(
            replacement_cause(&with(detail("ResourceReference", None))),
            "`KmsKeyId` changes"
        );
    }

    #[test]
    fn the_root_cause_is_a_resource_not_the_stack_nor_a_consequence() {
        // Newest first. Older than Db's failure: the stack's own summary and a cancelled
        // resource, neither of which is the cause.
        let events = [
            event("5", "s", "UPDATE_ROLLBACK_COMPLETE", ""),
            event("4", "Db", "UPDATE_FAILED", "the parameter group is invalid"),
            event("3", "Bucket", "UPDATE_FAILED", "Resource update cancelled"),
            event("2", "s", "UPDATE_FAILED", "the stack's own summary"),
        ];
        let cause = root_cause(&events, "s", &BTreeSet::new()).unwrap();
        assert_eq!(cause.logical_id, "Db");
        // Only consequences: the oldest failure stands in.
        let only = [
            event("2", "Bucket", "UPDATE_FAILED", "Resource update cancelled"),
            event("1", "s", "UPDATE_FAILED", "rollback requested"),
        ];
        assert_eq!(root_cause(&only, "s", &BTreeSet::new()).unwrap().id, "1");
    }

    #[test]
    fn each_failed_status_has_its_own_next_step() {
        let steps = [
            ("ROLLBACK_COMPLETE", "deleted and the stack created anew"),
            ("ROLLBACK_FAILED", "deleted and the stack created anew"),
            ("UPDATE_ROLLBACK_COMPLETE", "back on its previous template"),
            ("UPDATE_ROLLBACK_FAILED", "continue the rollback"),
            ("DELETE_FAILED", "run `destroy` again"),
            ("", "look at the stack's events"),
        ];
        for (status, words) in steps {
            assert!(
                next_step(status).contains(words),
                "{status}: {}",
                next_step(status)
            );
        }
    }

    #[test]
    fn stack_tags_cloudformation_refuses_are_found_before_any_call() {
        let tags = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert_eq!(tag_problem(&tags(&[("team", "records")])), None);
        let empty = tag_problem(&tags(&[("team", "")])).unwrap_or_default();
        assert!(
            empty.contains("`team`") && empty.contains("empty value"),
            "{empty}"
        );
        let long = "v".repeat(257);
        assert!(tag_problem(&tags(&[("team", long.as_str())])).is_some());
        assert!(tag_problem(&tags(&[("AWS:team", "x")])).is_some());
        let many: BTreeMap<String, String> =
            (0..51).map(|i| (format!("k{i}"), "v".to_owned())).collect();
        assert!(
            tag_problem(&many).is_some_and(|p| p.contains("51 tags")),
            "{many:?}"
        );
        // Characters a service refuses when the tag is copied onto a resource, in the key or
        // the value (the app's name is the value of `hipaa-stack:app`); letters of any
        // script, digits, spaces and `_ . : / = + - @` pass (hostile review 24).
        for bad in [
            "Clinic #2",
            "a,b",
            "x&y",
            "tab\there",
            "(prod)",
            "a*",
            "50%",
        ] {
            let problem = tag_problem(&tags(&[("hipaa-stack:app", bad)])).unwrap_or_default();
            assert!(problem.contains("InvalidTag"), "{bad}: {problem}");
            assert!(tag_problem(&tags(&[(bad, "v")])).is_some(), "{bad}");
        }
        for good in ["Klinik Zürich", "team_a.b:c/d=e+f-g@h", "病院 1"] {
            assert_eq!(
                tag_problem(&tags(&[("hipaa-stack:app", good)])),
                None,
                "{good}"
            );
        }
    }

    #[test]
    fn stacks_ask_only_for_the_capabilities_they_need_and_are_tagged() {
        let assembly = clinic();
        let stack = assembly.stack("data").unwrap();
        assert!(capabilities(stack.template()).is_empty());
        let t = tags("clinic", stack);
        assert_eq!(t["hipaa-stack:data-classification"], "phi");
        assert_eq!(t.len(), 3, "no tag changes with the template: {t:?}");
        let (body, hash) = with_template_hash(stack.template_json()).unwrap();
        assert_eq!(hash, sha256_hex(stack.template_json()));
        let doc: serde_json::Value = crate::cfn::tree::from_str(&body).unwrap();
        assert_eq!(doc["Outputs"][TEMPLATE_OUTPUT]["Value"], json!(hash));
        assert_eq!(
            doc["Resources"],
            crate::cfn::tree::from_str(stack.template_json()).unwrap()["Resources"]
        );

        let app = App::new("clinic");
        let s = app.stack("trail").unwrap();
        let key = s.add(KmsKey::new("PhiKey")).unwrap();
        let logs = s.add(AccessLogBucket::new("AccessLogs")).unwrap();
        s.add(AuditTrail::new("Audit").encryption(&key).access_logs(&logs))
            .unwrap();
        let assembly = app.synth().unwrap();
        assert_eq!(
            capabilities(assembly.stacks()[0].template()),
            ["CAPABILITY_IAM"]
        );
    }

    /// The template deployed holds what was synthesized and checked, every key as written:
    /// read by serde_json, `{"$serde_json::private::RawValue": "…"}` would be sent as the
    /// JSON of its string.
    #[test]
    fn the_template_deployed_keeps_every_key_as_synthesized() {
        let body = r#"{"Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"VersioningConfiguration":{"$serde_json::private::RawValue":"{\"Status\":\"Enabled\"}"}}}}}"#;
        let (deployed, hash) = with_template_hash(body).unwrap();
        assert_eq!(hash, sha256_hex(body));
        let deployed = crate::cfn::tree::from_str(&deployed).unwrap();
        assert_eq!(
            deployed["Resources"],
            crate::cfn::tree::from_str(body).unwrap()["Resources"]
        );
        assert_eq!(
            deployed["Resources"]["B"]["Properties"]["VersioningConfiguration"]["$serde_json::private::RawValue"],
            json!(r#"{"Status":"Enabled"}"#)
        );
    }

    /// SetStackPolicy takes at most 16,384 characters: stores too many to list are denied
    /// by type, every other resource of those types left out by name.
    #[test]
    fn a_policy_too_long_to_list_the_stores_denies_them_by_type() {
        let app = App::new("clinic");
        let s = app.stack("data").unwrap();
        let key = s.add(KmsKey::new("PhiKey")).unwrap();
        s.add(AccessLogBucket::new("AccessLogs")).unwrap();
        for i in 0..200 {
            let mut id = format!("Activity{i:03}{}", "Log".repeat(20));
            id.truncate(64);
            s.add(LogGroup::new(id).encryption(&key)).unwrap();
        }
        let assembly = app.synth().unwrap();
        let template = assembly.stacks()[0].template();
        for policy in [
            stack_policy(template).unwrap(),
            stack_policy_allowing(template, &["Gone".to_owned()], &["PhiKey".to_owned()]).unwrap(),
        ] {
            assert!(policy.len() <= MAX_STACK_POLICY_BYTES, "{}", policy.len());
            let v: serde_json::Value = crate::cfn::tree::from_str(&policy).unwrap();
            let deny = &v["Statement"][1];
            assert_eq!(deny["Action"], json!(["Update:Replace", "Update:Delete"]));
            assert!(
                deny["Condition"]["StringEquals"]["ResourceType"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t == "AWS::Logs::LogGroup")
            );
            assert!(deny.get("Resource").is_none());
        }
        let relaxed: serde_json::Value = crate::cfn::tree::from_str(
            &stack_policy_allowing(template, &[], &["PhiKey".to_owned()]).unwrap(),
        )
        .unwrap();
        assert_eq!(
            relaxed["Statement"][1]["NotResource"],
            json!(["LogicalResourceId/AccessLogs", "LogicalResourceId/PhiKey"])
        );
    }

    #[test]
    fn the_stack_policy_protects_exactly_the_phi_stores() {
        let assembly = clinic();
        let policy: serde_json::Value =
            crate::cfn::tree::from_str(&stack_policy(assembly.stacks()[0].template()).unwrap())
                .unwrap();
        assert_eq!(
            policy["Statement"][1]["Resource"],
            json!(["LogicalResourceId/PhiKey", "LogicalResourceId/Records"])
        );
        assert_eq!(
            policy["Statement"][1]["Action"],
            json!(["Update:Replace", "Update:Delete"])
        );
    }

    fn event(id: &str, logical: &str, status: &str, reason: &str) -> StackEvent {
        StackEvent {
            id: id.to_owned(),
            logical_id: logical.to_owned(),
            status: status.to_owned(),
            reason: Some(reason.to_owned()),
            ..StackEvent::default()
        }
    }

    #[test]
    fn the_root_cause_is_the_first_failure_not_the_rollback() {
        // Newest first, as CloudFormation returns them.
        let events = [
            event("9", "s", "ROLLBACK_COMPLETE", ""),
            event("8", "Bucket", "DELETE_COMPLETE", ""),
            event(
                "7",
                "s",
                "ROLLBACK_IN_PROGRESS",
                "The following resource(s) failed to create: [Db]. Rollback requested by user.",
            ),
            event(
                "6",
                "Bucket",
                "CREATE_FAILED",
                "Resource creation cancelled",
            ),
            event(
                "5",
                "Db",
                "CREATE_FAILED",
                "DBInstanceClass db.t2.micro is not supported",
            ),
            event(
                "4",
                "Old",
                "CREATE_FAILED",
                "an older failure, from a previous deploy",
            ),
        ];
        let before = BTreeSet::from(["4".to_owned()]);
        let cause = root_cause(&events, "s", &before).unwrap();
        assert_eq!(cause.logical_id, "Db");
        assert!(is_no_change(Some(
            "The submitted information didn't contain changes. Submit different information to create a change set."
        )));
        assert!(!is_no_change(Some("No export named x found")));
    }

    #[test]
    fn an_imported_export_changes_when_what_it_reads_is_replaced_or_it_is_rewritten() {
        let change = |id: &str, action: &str, replacement: Option<&str>| ResourceChange {
            action: action.to_owned(),
            logical_id: id.to_owned(),
            resource_type: "AWS::KMS::Key".to_owned(),
            replacement: replacement.map(str::to_owned),
            ..ResourceChange::default()
        };
        let template = |value: serde_json::Value| json!({"Outputs": {"KeyArn": {"Value": value, "Export": {"Name": "shared:Key:Arn"}}}});
        let deployed: BTreeMap<String, String> =
            [("shared:Key:Arn".to_owned(), "arn:k1".to_owned())].into();
        let none = BTreeMap::new();
        let arn = template(json!({"Fn::GetAtt": ["Key", "Arn"]}));
        let why =
            |new: &serde_json::Value, old: Option<&serde_json::Value>, c: &[ResourceChange]| {
                exports_changing(new, old, &deployed, c, (&none, &none))
                    .into_iter()
                    .map(|(_, w)| w)
                    .collect::<Vec<_>>()
            };
        assert_eq!(
            why(&arn, Some(&arn), &[change("Key", "Modify", Some("True"))]),
            ["the change set replaces Key"]
        );
        assert_eq!(
            why(
                &arn,
                Some(&arn),
                &[change("Key", "Modify", Some("Conditional"))]
            ),
            ["the change set may replace Key"]
        );
        // Changed in place, or another resource replaced: the value stays.
        assert!(why(&arn, Some(&arn), &[change("Key", "Modify", Some("False"))]).is_empty());
        assert!(why(&arn, Some(&arn), &[change("Other", "Modify", Some("True"))]).is_empty());
        // Read through Fn::Sub, or through the short form of Fn::GetAtt.
        let sub = template(json!({"Fn::Sub": "${Key.Arn}/${!Literal}"}));
        assert_eq!(
            why(&sub, Some(&sub), &[change("Key", "Modify", Some("True"))]),
            ["the change set replaces Key"]
        );
        let short = template(json!({"Fn::GetAtt": "Key.Arn"}));
        assert_eq!(
            why(
                &short,
                Some(&short),
                &[change("Key", "Modify", Some("True"))]
            ),
            ["the change set replaces Key"]
        );
        // Pointed at another resource.
        let other = template(json!({"Fn::GetAtt": ["OtherKey", "Arn"]}));
        assert_eq!(
            why(&other, Some(&arn), &[]),
            ["its value is written differently in the new template"]
        );
        // Written as text (an export kept for its importers): the deployed value stays.
        assert!(why(&template(json!("arn:k1")), Some(&arn), &[]).is_empty());
        assert_eq!(
            why(&template(json!("arn:k2")), Some(&arn), &[]),
            ["its value changes from `arn:k1` to `arn:k2`"]
        );
        // An export the stack does not have yet is new, not changed.
        let fresh = json!({"Outputs": {"X": {"Value": "v", "Export": {"Name": "shared:X"}}}});
        assert!(why(&fresh, None, &[]).is_empty());
        // A parameter (a value of a stack in another region) that changes.
        let by_parameter = template(json!({"Ref": "RemoteArn"}));
        let now: BTreeMap<String, String> = [("RemoteArn".to_owned(), "b".to_owned())].into();
        let then: BTreeMap<String, String> = [("RemoteArn".to_owned(), "a".to_owned())].into();
        assert_eq!(
            exports_changing(
                &by_parameter,
                Some(&by_parameter),
                &deployed,
                &[],
                (&now, &then)
            )[0]
            .1,
            "its parameter RemoteArn changes"
        );
        assert!(
            exports_changing(
                &by_parameter,
                Some(&by_parameter),
                &deployed,
                &[],
                (&now, &now)
            )
            .is_empty()
        );
    }
}
