//! Disaster recovery, for the report (§164.308(a)(7)(ii)(B)): for every store of PHI of the
//! app, where its copies are: S3 replication to a bucket of another region, AWS Backup plans
//! that protect it, how often and how long, and the vaults, in which regions, that their
//! recovery points are copied to.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use crate::cfn::{Resource, Template};
use crate::compliance::Assembly;
use crate::compliance::rules::arn::ArnOf;
use crate::compliance::rules::{Mentioned, across_regions, imported_names, mentions, merged};

/// The types of the stores of PHI that a copy can protect: the databases and every store of
/// PHI that rule `D1` keeps (a test holds each type `D1` reads to this list or to
/// [`NOT_STORES`]). A store of a type whose copies the table cannot read is listed all the
/// same, with no copy: the table never leaves a store out because it cannot tell where its
/// copies are.
const STORES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::S3Express::DirectoryBucket",
    "AWS::S3Tables::TableBucket",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::EFS::FileSystem",
    "AWS::EC2::Volume",
    "AWS::Redshift::Cluster",
    "AWS::OpenSearchService::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
];

/// The types that rule `D1` keeps which are not stores of PHI of the table: keys, the audit
/// trail's log groups and event data stores, and the vaults that hold the stores' copies
/// (listed under each store as its copies).
#[cfg(test)]
const NOT_STORES: &[&str] = &[
    "AWS::KMS::Key",
    "AWS::KMS::ReplicaKey",
    "AWS::Logs::LogGroup",
    "AWS::CloudTrail::EventDataStore",
    "AWS::Backup::BackupVault",
    "AWS::Backup::LogicallyAirGappedBackupVault",
];

/// One store of PHI and its copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryEntry {
    /// The stack of the store.
    pub stack: String,
    /// The stack's region; `None` for the region of the environment.
    pub region: Option<String>,
    /// The construct that made it.
    pub construct: String,
    /// Its logical id.
    pub logical_id: String,
    /// Its CloudFormation type.
    pub resource_type: String,
    /// Its copies.
    pub copies: Vec<Copy>,
    /// The store this one is the replica of, in another region (`stack/Construct`), if any.
    pub copy_of: Option<String>,
    /// Whether one of the copies is in another region than the store.
    pub in_another_region: bool,
}

/// One copy of a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Copy {
    /// `replication`, `replica` (a DynamoDB global table's), `backup replication` (RDS
    /// automated backups), `backup` or `backup copy`.
    pub kind: &'static str,
    /// Where the copy is: a construct of the app (`stack/Construct`) or an ARN.
    pub to: String,
    /// Its region, when known; `another region` when it is only known to differ.
    pub region: Option<String>,
    /// How often and how long, for backups.
    pub detail: String,
    /// Whether it is known to be in another region than the store: a value that crossed
    /// regions (a template parameter filled from another region's stack), or an ARN whose
    /// region differs from the store's pinned region.
    pub another_region: bool,
    /// The property that says so: `stack/LogicalId` and a JSON pointer.
    pub evidence: String,
}

/// The stores of PHI of the assembly and their copies, in stack order.
pub fn recovery(assembly: &Assembly) -> Vec<RecoveryEntry> {
    let mut recovery = Recovery::new(assembly);
    for (index, stack) in assembly.stacks().iter().enumerate() {
        recovery.stack(index, &written_tree(stack.template_json()));
    }
    recovery.finish()
}

/// The tree of a written template, parsed for one pass over its stack and then dropped
/// (the templates of an app are read one at a time, never all held at once).
pub(crate) fn written_tree(text: &str) -> Value {
    crate::cfn::tree::from_str(text).unwrap_or(Value::Null)
}

/// The disaster-recovery table, built one stack at a time ([`recovery`]; the report builds
/// it in the same pass over each stack's tree as its evidence).
pub(crate) struct Recovery<'a> {
    stacks: Vec<(&'a str, Option<&'a str>, &'a Template)>,
    /// What the table looks up across the app: read once, not once per store.
    lookup: Cow<'a, Lookup>,
    out: Vec<RecoveryEntry>,
}

impl<'a> Recovery<'a> {
    pub(crate) fn new(assembly: &'a Assembly) -> Self {
        let stacks: Vec<(&str, Option<&str>, &Template)> = assembly
            .stacks()
            .iter()
            .map(|s| (s.name(), s.region(), s.template()))
            .collect();
        let lookup = Lookup::of(stacks.iter().map(|&(name, _, t)| (name, t)));
        Recovery {
            stacks,
            lookup: Cow::Owned(lookup),
            out: Vec::new(),
        }
    }

    /// The table of `stacks` (every stack of the app, in deploy order, with its region),
    /// given what [`Lookup::of`] read of them, once for a table built stack by stack in
    /// several places.
    pub(crate) fn with_lookup(
        stacks: Vec<(&'a str, Option<&'a str>, &'a Template)>,
        lookup: &'a Lookup,
    ) -> Self {
        Recovery {
            stacks,
            lookup: Cow::Borrowed(lookup),
            out: Vec::new(),
        }
    }

    /// The stores of the stack at `index`, whose written template parses to `tree`.
    pub(crate) fn stack(&mut self, index: usize, tree: &Value) {
        self.stack_with(index, |r| &tree["Resources"][r.logical_id()]["Properties"]);
    }

    /// The stores of the stack at `index`, each resource's properties read by `props`
    /// (from the written template's tree, or from the template while synthesis holds it).
    pub(crate) fn stack_with<'t>(
        &mut self,
        index: usize,
        props: impl Fn(&'a Resource) -> &'t Value,
    ) {
        let Some(&(stack, region, template)) = self.stacks.get(index) else {
            return;
        };
        for r in template.resources() {
            if !STORES.contains(&r.type_name()) || r.construct_kind() == Some("AccessLogBucket") {
                continue;
            }
            let props = props(r);
            let app = App {
                stacks: &self.stacks,
                lookup: &self.lookup,
            };
            let mut copies = replication(&app, (stack, region), template, r, props);
            copies.extend(backup_replication(
                &app,
                (stack, region),
                template,
                r,
                props,
            ));
            copies.extend(global_replicas((stack, region), r, props));
            copies.extend(backups(&app, (index, region), template, r));
            let in_another_region = copies.iter().any(|c| c.another_region);
            self.out.push(RecoveryEntry {
                stack: stack.to_owned(),
                region: region.map(str::to_owned),
                construct: r.construct_path().unwrap_or(r.logical_id()).to_owned(),
                logical_id: r.logical_id().to_owned(),
                resource_type: r.type_name().to_owned(),
                copies,
                copy_of: None,
                in_another_region,
            });
        }
    }

    /// The table, once every stack was read.
    pub(crate) fn finish(self) -> Vec<RecoveryEntry> {
        link_replicas(self.out)
    }

    /// The entries found so far (those of the stacks read since the last call), taken
    /// for [`link_replicas`] to finish once every stack's are gathered.
    pub(crate) fn take(&mut self) -> Vec<RecoveryEntry> {
        std::mem::take(&mut self.out)
    }
}

/// What the disaster-recovery table looks up across the app, read once for it: each stack's
/// position by name (a copy made through a template parameter names its producing stack),
/// and the app's backup selections by what they list. A store asks only the selections
/// that may list it, not every selection of the app (a backup plan in every stack cost
/// the square of a large app's size).
#[derive(Debug, Clone, Default)]
pub(crate) struct Lookup {
    /// The position of each stack in the app (the first, for a name given twice).
    positions: HashMap<String, usize>,
    /// Every backup selection: the positions of its stack in the app and of it among the
    /// stack's resources, in deploy order.
    selections: Vec<(usize, usize)>,
    /// By the position of a stack and a name: the selections of that stack (positions in
    /// `selections`, in order) with an entry of `BackupSelection.Resources` that mentions
    /// the name ([`Mentioned`]: a `Ref`, the resource of an `Fn::GetAtt`, a `${name}` of an
    /// `Fn::Sub`).
    named: HashMap<(usize, String), Vec<usize>>,
    /// By the name of an export: the selections with an entry `Fn::ImportValue` of it.
    imported: HashMap<String, Vec<usize>>,
}

impl Lookup {
    /// What the table looks up across `stacks` (every stack of the app, by name, in
    /// deploy order).
    pub(crate) fn of<'t>(stacks: impl Iterator<Item = (&'t str, &'t Template)>) -> Self {
        let mut lookup = Lookup::default();
        for (at, (name, template)) in stacks.enumerate() {
            lookup.positions.entry(name.to_owned()).or_insert(at);
            for (r, resource) in template.resources().iter().enumerate() {
                if resource.type_name() != "AWS::Backup::BackupSelection" {
                    continue;
                }
                let selection = lookup.selections.len();
                lookup.selections.push((at, r));
                for entry in listed(resource) {
                    for name in Mentioned::of(entry).plain_names() {
                        let found = lookup.named.entry((at, (*name).to_owned())).or_default();
                        if found.last() != Some(&selection) {
                            found.push(selection);
                        }
                    }
                    let mut imports = Vec::new();
                    imported_names(entry, &mut imports);
                    for export in imports {
                        let found = lookup.imported.entry(export.to_owned()).or_default();
                        if found.last() != Some(&selection) {
                            found.push(selection);
                        }
                    }
                }
            }
        }
        lookup
    }

    /// The selections (positions in `selections`, in order) that may list `id`, a
    /// resource of the stack at `at`, or import one of `exports`: every selection of the
    /// app for an id that is not letters and digits, which no lookup by name finds.
    fn listing(&self, at: usize, id: &str, exports: &[&str]) -> Vec<usize> {
        if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return (0..self.selections.len()).collect();
        }
        let home = self.named.get(&(at, id.to_owned()));
        let imported = exports.iter().filter_map(|e| self.imported.get(*e));
        merged(home.into_iter().chain(imported))
    }
}

/// The entries of a backup selection's `BackupSelection.Resources`.
fn listed(selection: &Resource) -> &[Value] {
    selection.properties()["BackupSelection"]["Resources"]
        .as_array()
        .map_or(&[], Vec::as_slice)
}

/// The stacks of the app, in deploy order with their regions, and what is looked up
/// across them.
struct App<'r, 'a> {
    stacks: &'r [(&'a str, Option<&'a str>, &'a Template)],
    lookup: &'r Lookup,
}

impl<'a> App<'_, 'a> {
    /// The stack named `name`, with its region.
    fn stack(&self, name: &str) -> Option<(&'a str, Option<&'a str>, &'a Template)> {
        self.stacks.get(*self.lookup.positions.get(name)?).copied()
    }
}

/// The table, once every stack's entries are gathered in deploy order: a replica is the
/// copy of its source, not a store of its own to copy again.
pub(crate) fn link_replicas(mut out: Vec<RecoveryEntry>) -> Vec<RecoveryEntry> {
    let sources: std::collections::HashMap<String, String> = out
        .iter()
        .flat_map(|e| {
            e.copies
                .iter()
                .filter(|c| c.kind == "replication")
                .map(|c| (c.to.clone(), e.construct.clone()))
                .collect::<Vec<_>>()
        })
        .rev()
        .collect();
    for entry in &mut out {
        if let Some(source) = sources.get(&entry.construct) {
            entry.copy_of = Some(source.clone());
            entry.in_another_region = true;
        }
    }
    out
}

fn through_parameter(
    app: &App<'_, '_>,
    template: &Template,
    value: &Value,
) -> Option<(String, Option<String>)> {
    let (stack, resource) = across_regions(
        |name| app.stack(name).map(|(s, _, t)| (s, t)),
        template,
        value,
    )?;
    let region = app
        .stack(stack)
        .and_then(|(_, r, _)| r)
        .unwrap_or("the deploy region");
    Some((
        resource
            .construct_path()
            .unwrap_or(resource.logical_id())
            .to_owned(),
        Some(region.to_owned()),
    ))
}

/// The region in an ARN written as text (`arn:partition:service:REGION:…`).
fn region_of_arn(value: &Value) -> Option<String> {
    let text = value
        .as_str()
        .or_else(|| value.get("Fn::Sub").and_then(Value::as_str))?;
    let region = text.split(':').nth(3)?;
    (!region.is_empty() && !region.contains('$')).then(|| region.to_owned())
}

/// Where a copy goes: through a parameter (another region by construction), or an ARN or
/// other value whose region is compared with the store's.
fn destination(
    app: &App<'_, '_>,
    template: &Template,
    value: &Value,
    home: Option<&str>,
) -> (String, Option<String>, bool) {
    if let Some((to, region)) = through_parameter(app, template, value) {
        return (to, region, true);
    }
    let to = value
        .as_str()
        .or_else(|| value.get("Fn::Sub").and_then(Value::as_str))
        .map_or_else(|| value.to_string(), str::to_owned);
    let region = region_of_arn(value);
    let another = matches!((home, region.as_deref()), (Some(h), Some(r)) if h != r);
    (to, region, another)
}

/// RDS automated backups replicated to another region (`AutomaticBackupReplicationRegion`):
/// a copy in that region, encrypted with the key named beside it.
fn backup_replication(
    app: &App<'_, '_>,
    (stack, home): (&str, Option<&str>),
    template: &Template,
    database: &Resource,
    props: &Value,
) -> Option<Copy> {
    if database.type_name() != "AWS::RDS::DBInstance" {
        return None;
    }
    let region = props["AutomaticBackupReplicationRegion"]
        .as_str()
        .filter(|r| !r.is_empty())?;
    // The key must be of that region: through hipaa-stack's parameter it is a construct of a
    // stack there, or an ARN that names the region.
    let key = &props["AutomaticBackupReplicationKmsKeyId"];
    let (to, key_region, _) = destination(app, template, key, Some(region));
    let key_in_region = key_region.as_deref() == Some(region);
    let days = props["AutomaticBackupReplicationRetentionPeriod"]
        .as_u64()
        .or_else(|| props["BackupRetentionPeriod"].as_u64())
        .unwrap_or(0);
    Some(Copy {
        kind: "backup replication",
        to: format!("automated backups in {region}, encrypted with {to}"),
        region: Some(region.to_owned()),
        another_region: key_in_region && home != Some(region),
        detail: format!("every snapshot and transaction log, kept {days} days"),
        evidence: format!(
            "{stack}/{}/Properties/AutomaticBackupReplicationRegion",
            database.logical_id()
        ),
    })
}

/// The replicas of a DynamoDB global table in other regions than its stack's: "The list
/// must contain at least one element, the region where the stack defining the global table
/// is deployed" (CloudFormation, `AWS::DynamoDB::GlobalTable` `Replicas`), and DynamoDB
/// replicates every item to each. A replica in the stack's own region is the table
/// itself; one whose region is not written as text, or of a stack with no pinned region,
/// is listed but not known to be in another region.
fn global_replicas(
    (stack, home): (&str, Option<&str>),
    table: &Resource,
    props: &Value,
) -> Vec<Copy> {
    if table.type_name() != "AWS::DynamoDB::GlobalTable" {
        return Vec::new();
    }
    let replicas = props["Replicas"].as_array().map_or(&[][..], Vec::as_slice);
    replicas
        .iter()
        .enumerate()
        .filter_map(|(i, replica)| {
            let region = replica["Region"].as_str().map(str::to_owned);
            if region.is_some() && region.as_deref() == home {
                return None;
            }
            Some(Copy {
                kind: "replica",
                to: region.as_deref().map_or_else(
                    || format!("a replica in {}", replica["Region"]),
                    |r| format!("the replica in {r}"),
                ),
                another_region: home.is_some() && region.is_some(),
                region,
                detail: "every item, as DynamoDB replicates it".to_owned(),
                evidence: format!(
                    "{stack}/{}/Properties/Replicas/{i}/Region",
                    table.logical_id()
                ),
            })
        })
        .collect()
}

fn replication(
    app: &App<'_, '_>,
    (stack, home): (&str, Option<&str>),
    template: &Template,
    bucket: &Resource,
    props: &Value,
) -> Vec<Copy> {
    let rules = props["ReplicationConfiguration"]["Rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| rule["Status"] == "Enabled")
        .map(|(i, rule)| {
            let (to, region, another_region) =
                destination(app, template, &rule["Destination"]["Bucket"], home);
            let time_control = rule["Destination"]["ReplicationTime"]["Status"] == "Enabled";
            let (every, kms) = (replicates_every_object(rule), replicates_kms_objects(rule));
            let what = match (every, kms) {
                (true, true) => "every new object".to_owned(),
                (true, false) => format!("new objects but {NOT_KMS}"),
                (false, true) => format!("only the new objects {NARROWED}"),
                (false, false) => format!("only the new objects {NARROWED}, and {NOT_KMS}"),
            };
            Copy {
                kind: "replication",
                to,
                region,
                // A copy of part of the store is no copy of the store in another region.
                another_region: another_region && every && kms,
                detail: if time_control {
                    format!("{what}, within 15 minutes (replication time control)")
                } else {
                    format!("{what}, as S3 replicates it")
                },
                evidence: format!(
                    "{stack}/{}/Properties/ReplicationConfiguration/Rules/{i}/Destination/Bucket",
                    bucket.logical_id()
                ),
            }
        })
        .collect()
}

/// What a replication rule that narrows the objects it takes leaves out, in words.
const NARROWED: &str =
    "its `Filter`, `Prefix` or `TagFilters` select (or a selection the table cannot read)";

/// What a replication rule that skips the KMS-encrypted objects leaves out, in words.
const NOT_KMS: &str = "not those encrypted with KMS (no `SourceSelectionCriteria.SseKmsEncryptedObjects.Status` `Enabled`)";

/// Whether a replication rule of a bucket takes every object, as the table can tell: no
/// legacy `Prefix` but an empty one, no `TagFilters`, and no `Filter` but an empty prefix.
/// A rule's filter "identifies the subset of objects to which the replication rule applies"
/// (CloudFormation, `AWS::S3::Bucket ReplicationRuleFilter`: `Prefix`, `TagFilter` or
/// `And`); a value the table cannot read (an intrinsic, a parameter) narrows it, so that
/// the table never calls a copy of part of a store a copy of the store.
fn replicates_every_object(rule: &Value) -> bool {
    let empty = |v: &Value| v.is_null() || v.as_str() == Some("");
    empty(&rule["Prefix"])
        && rule["TagFilters"]
            .as_array()
            .map_or(rule["TagFilters"].is_null(), Vec::is_empty)
        && match &rule["Filter"] {
            Value::Null => true,
            Value::Object(filter) => filter.iter().all(|(k, v)| k == "Prefix" && empty(v)),
            _ => false,
        }
}

/// Whether a replication rule takes the objects encrypted with KMS: "By default, Amazon S3
/// doesn't replicate objects that are stored at rest using server-side encryption with
/// AWS KMS keys" unless `SourceSelectionCriteria.SseKmsEncryptedObjects.Status` is
/// `Enabled` (Amazon S3 User Guide, "Replicating encrypted objects"), and the stores of PHI
/// are encrypted with KMS (rule S1).
fn replicates_kms_objects(rule: &Value) -> bool {
    rule["SourceSelectionCriteria"]["SseKmsEncryptedObjects"]["Status"] == "Enabled"
}

/// The backup plans that protect `store`, and the copies of their recovery points.
fn backups(
    app: &App<'_, '_>,
    (at, home): (usize, Option<&str>),
    template: &Template,
    store: &Resource,
) -> Vec<Copy> {
    if app.lookup.selections.is_empty() {
        return Vec::new();
    }
    // The store and the exports of its stack that name it, which another stack's selection
    // imports: the selections it looks up are read again, as rules R4 and E3 read them.
    let listed_store = ArnOf::of(template, store);
    let mut out = Vec::new();
    let listing = app
        .lookup
        .listing(at, store.logical_id(), &listed_store.export_names());
    for &(index, r) in listing.iter().filter_map(|&s| app.lookup.selections.get(s)) {
        let Some(&(other, _, t)) = app.stacks.get(index) else {
            continue;
        };
        let Some(selection) = t.resources().get(r) else {
            continue;
        };
        if listed_store.listed_by(selection, index == at).is_none() {
            continue;
        }
        let plan_id = &selection.properties()["BackupPlanId"];
        let Some(plan) = t.resources().iter().find(|r| {
            r.type_name() == "AWS::Backup::BackupPlan" && mentions(plan_id, r.logical_id())
        }) else {
            continue;
        };
        let plan_name = plan
            .construct_path()
            .unwrap_or(plan.logical_id())
            .to_owned();
        let rules = plan.properties()["BackupPlan"]["BackupPlanRule"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (i, rule) in rules.iter().enumerate() {
            let schedule = rule["ScheduleExpression"].as_str().unwrap_or("on demand");
            let kept = rule["Lifecycle"]["DeleteAfterDays"]
                .as_u64()
                .map_or_else(|| "for ever".to_owned(), |d| format!("{d} days"));
            out.push(Copy {
                kind: "backup",
                to: plan_name.clone(),
                region: None,
                another_region: false,
                detail: format!("recovery points on `{schedule}`, kept {kept}"),
                evidence: format!(
                    "{other}/{}/Properties/BackupPlan/BackupPlanRule/{i}",
                    plan.logical_id()
                ),
            });
            for (j, copy) in rule["CopyActions"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let (to, region, another_region) =
                    destination(app, t, &copy["DestinationBackupVaultArn"], home);
                let kept = copy["Lifecycle"]["DeleteAfterDays"].as_u64().map_or_else(
                    || "as the vault keeps them".to_owned(),
                    |d| format!("{d} days"),
                );
                out.push(Copy {
                    kind: "backup copy",
                    to,
                    region,
                    another_region,
                    detail: format!("every recovery point of `{plan_name}`, kept {kept}"),
                    evidence: format!(
                        "{other}/{}/Properties/BackupPlan/BackupPlanRule/{i}/CopyActions/{j}",
                        plan.logical_id()
                    ),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry of a backup selection: any value of intrinsics, a database's ARN attribute,
    /// its ARN written around its identifier, an import, or an ARN joined around an import.
    fn entry() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        prop_oneof![
            crate::testing::intrinsic_values(),
            "A|B|a\\.b".prop_map(|id| serde_json::json!({ "Fn::GetAtt": [id, "DBInstanceArn"] })),
            "A|B".prop_map(|id| serde_json::json!({
                "Fn::Sub": format!("arn:${{AWS::Partition}}:rds:${{AWS::Region}}:${{AWS::AccountId}}:db:${{{id}}}")
            })),
            "A|B|a\\.b".prop_map(|e| serde_json::json!({ "Fn::ImportValue": e })),
            "A|B|a\\.b".prop_map(|e| serde_json::json!({
                "Fn::Join": ["", ["arn:aws:rds:us-east-1:123456789012:db:", { "Fn::ImportValue": e }]]
            })),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The selections that a store looks up hold every selection of the app that lists
        /// it as reading each one finds them (a reference in its own stack, an import of an
        /// export of it), in the order of the app.
        #[test]
        fn a_store_looks_up_every_selection_that_lists_it(
            first in proptest::collection::vec(proptest::collection::vec(entry(), 0..3), 0..3),
            second in proptest::collection::vec(proptest::collection::vec(entry(), 0..3), 0..3),
            id in "A|B|a\\.b",
            exports in proptest::sample::subsequence(vec!["A", "B", "a.b"], 0..=3),
            at in 0usize..2,
        ) {
            let template = |selections: &[Vec<Value>]| Template {
                description: String::new(),
                parameters: Vec::new(),
                resources: selections
                    .iter()
                    .enumerate()
                    .map(|(i, entries)| {
                        Resource::raw(
                            format!("Selection{i}"),
                            "AWS::Backup::BackupSelection".to_owned(),
                            serde_json::json!({ "BackupSelection": { "Resources": entries } }),
                        )
                    })
                    .collect(),
                outputs: Vec::new(),
            };
            let templates = [template(&first), template(&second)];
            let lookup = Lookup::of(["one", "two"].into_iter().zip(&templates));
            // Its stack exports its ARN or its identifier.
            let valued = exports
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let value = if i % 2 == 0 {
                        serde_json::json!({ "Fn::GetAtt": [id, "DBInstanceArn"] })
                    } else {
                        serde_json::json!({ "Ref": id })
                    };
                    (*name, value)
                })
                .collect();
            let store = ArnOf::new("AWS::RDS::DBInstance", &id, valued);
            let read: Vec<usize> = lookup
                .selections
                .iter()
                .enumerate()
                .filter(|&(_, &(stack, r))| {
                    store.listed_by(&templates[stack].resources()[r], stack == at).is_some()
                })
                .map(|(i, _)| i)
                .collect();
            let found = lookup.listing(at, &id, &exports);
            proptest::prop_assert!(found.windows(2).all(|w| w[0] < w[1]), "{found:?}");
            proptest::prop_assert!(
                read.iter().all(|s| found.contains(s)),
                "read {read:?}, looked up {found:?}"
            );
        }
    }

    /// A selection of another stack that lists a store through an ARN joined around an
    /// import of its stack's export: rule R4 calls the store backed up, and the table lists
    /// the backup; a store no selection lists has neither. Before they read an entry with
    /// one function, the table saw only an entry that was the import itself.
    #[test]
    fn the_table_lists_the_backups_that_rule_r4_finds_through_a_joined_import() {
        use crate::prelude::*;
        use serde_json::json;
        let app = App::new("joined");
        let data = app.stack("data").unwrap();
        let listed = data
            .add(RawResource::new("Listed", "AWS::RDS::DBInstance"))
            .unwrap();
        let unlisted = data
            .add(RawResource::new("Unlisted", "AWS::RDS::DBInstance"))
            .unwrap();
        let backup = app.stack("backup").unwrap();
        // Imports the instances' identifiers, so that `data` exports them.
        backup
            .add(
                RawResource::new("Names", "AWS::SSM::Parameter")
                    .property("Type", "String")
                    .property("/Value/0", listed.reference())
                    .property("/Value/1", unlisted.reference()),
            )
            .unwrap();
        let plan = backup
            .add(
                RawResource::new("Plan", "AWS::Backup::BackupPlan")
                    .property("/BackupPlan/BackupPlanName", "daily")
                    .property(
                        "/BackupPlan/BackupPlanRule/0",
                        json!({
                            "RuleName": "daily",
                            "TargetBackupVaultName": "vault",
                            "ScheduleExpression": "cron(0 5 * * ? *)",
                            "Lifecycle": { "DeleteAfterDays": 35 }
                        }),
                    ),
            )
            .unwrap();
        let export = "data:Listed:Ref";
        backup
            .add(
                RawResource::new("Selection", "AWS::Backup::BackupSelection")
                    .property("BackupPlanId", plan.reference())
                    .property("/BackupSelection/SelectionName", "instances")
                    .property(
                        "/BackupSelection/IamRoleArn",
                        "arn:aws:iam::123456789012:role/backup",
                    )
                    .property(
                        "/BackupSelection/Resources/0",
                        json!({ "Fn::Join": ["", [
                            { "Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:" },
                            { "Fn::ImportValue": export }
                        ]] }),
                    ),
            )
            .unwrap();
        let assembly = app.check().unwrap();
        let names = crate::testing::prop(
            &crate::cfn::tree::from_str(assembly.stack("backup").unwrap().template_json()).unwrap(),
            "Names",
            "/Value/0",
        )
        .clone();
        assert_eq!(
            names,
            json!({ "Fn::ImportValue": export }),
            "the export's name"
        );
        let r4 = |id: &str| {
            let found: Vec<_> = assembly
                .evaluation()
                .results
                .iter()
                .filter(|c| c.rule == "R4" && &*c.logical_id == id)
                .map(|c| c.status.clone())
                .collect();
            assert_eq!(found.len(), 1, "R4 on {id}: {found:?}");
            found[0].clone()
        };
        let entries = recovery(&assembly);
        let backups = |id: &str| -> Vec<(&str, &str)> {
            entries
                .iter()
                .find(|e| e.logical_id == id)
                .unwrap_or_else(|| panic!("{id} in {entries:?}"))
                .copies
                .iter()
                .map(|c| (c.kind, c.to.as_str()))
                .collect()
        };
        match r4("Listed") {
            crate::compliance::Status::Enforced { evidence } => {
                assert_eq!(evidence[0].logical_id, "backup/Selection");
            }
            other => panic!("R4 on Listed: {other:?}"),
        }
        assert_eq!(backups("Listed"), [("backup", "backup/Plan")]);
        assert!(
            matches!(r4("Unlisted"), crate::compliance::Status::Gap { .. }),
            "{:?}",
            r4("Unlisted")
        );
        assert_eq!(backups("Unlisted"), []);
    }

    /// Every type that rule D1 keeps as a store of PHI is a row of the table, or is named
    /// as no store (keys, audit logs, vaults): the table listed six types while D1 kept
    /// twelve stores of PHI, so a DocumentDB cluster, an OpenSearch domain or a table
    /// bucket was left out of the disaster-recovery table without a word.
    #[test]
    fn every_store_that_rule_d1_keeps_is_a_row_of_the_table_or_named_as_no_store() {
        let d1 = crate::compliance::rule_spec("D1").unwrap();
        for t in d1.types {
            assert!(
                STORES.contains(t) != NOT_STORES.contains(t),
                "{t}: a type D1 keeps is either a store of the table or named as none"
            );
        }
        for t in NOT_STORES {
            assert!(d1.types.contains(t), "{t} is not a type D1 reads");
        }
    }

    /// A replication rule that takes part of a bucket (a `Filter` prefix, one the table
    /// cannot read) or skips its KMS-encrypted objects is listed with what it leaves out,
    /// and is no copy in another region; a rule that takes every object, KMS-encrypted
    /// ones too, is. Before, each was "every new object" and "in another region: yes". A
    /// DocumentDB cluster is listed, with no copy.
    #[test]
    fn a_copy_of_part_of_a_bucket_is_no_copy_of_it_in_another_region() {
        use serde_json::json;
        let assembly = crate::testing::clinic_with_copies().synth().unwrap();
        let stacks: Vec<(&str, Option<&str>, &Template)> = assembly
            .stacks()
            .iter()
            .map(|s| (s.name(), s.region(), s.template()))
            .collect();
        let lookup = Lookup::of(stacks.iter().map(|&(name, _, t)| (name, t)));
        let app = App {
            stacks: &stacks,
            lookup: &lookup,
        };
        let &(stack, home, template) = stacks.iter().find(|s| s.0 == "clinic-data").unwrap();
        let records = template.resource("Records").unwrap();
        let written = records.properties().clone();
        let copies = |edit: &dyn Fn(&mut Value)| {
            let mut props = written.clone();
            edit(&mut props["ReplicationConfiguration"]["Rules"][0]);
            replication(&app, (stack, home), template, records, &props)
        };
        // As written: every object, the KMS-encrypted ones too, to the bucket in us-west-2.
        let whole = copies(&|_| {});
        assert_eq!(whole.len(), 1, "{whole:?}");
        assert!(whole[0].another_region, "{whole:?}");
        assert!(whole[0].detail.starts_with("every new object"), "{whole:?}");
        type Edit<'e> = &'e dyn Fn(&mut Value);
        let narrowed: [(&str, Edit<'_>); 5] = [
            ("only the new objects", &|r| {
                r["Filter"] = json!({ "Prefix": "scans/" })
            }),
            ("only the new objects", &|r| r["Prefix"] = json!("scans/")),
            ("only the new objects", &|r| {
                r["Filter"] = json!({ "Prefix": { "Ref": "AWS::StackName" } });
            }),
            ("only the new objects", &|r| {
                r["Filter"] = json!({ "TagFilter": { "Key": "phi", "Value": "yes" } });
            }),
            ("not those encrypted with KMS", &|r| {
                r["SourceSelectionCriteria"] = json!({});
            }),
        ];
        for (left_out, edit) in narrowed {
            let found = copies(edit);
            assert_eq!(found.len(), 1, "{found:?}");
            assert!(!found[0].another_region, "{found:?}");
            assert!(found[0].detail.contains(left_out), "{found:?}");
        }
    }

    /// A global table's replicas in other regions are its copies there; the one in its
    /// stack's region is the table itself, and a table of a stack with no pinned region is
    /// not known to have one elsewhere.
    #[test]
    fn a_global_table_lists_its_replicas_in_other_regions() {
        use crate::prelude::*;
        use serde_json::json;
        let app = App::new("global");
        let replicas = json!([{ "Region": "us-east-1" }, { "Region": "us-west-2" }]);
        for (name, region) in [
            ("pinned", Some(crate::region!("us-east-1"))),
            ("unpinned", None),
        ] {
            let stack = match region {
                Some(region) => app.stack_in(name, region),
                None => app.stack(name),
            }
            .unwrap();
            stack
                .add(
                    RawResource::new("Table", "AWS::DynamoDB::GlobalTable")
                        .property("Replicas", replicas.clone()),
                )
                .unwrap();
        }
        let entries = recovery(&app.check().unwrap());
        let copies = |stack: &str| {
            let e = entries.iter().find(|e| e.stack == stack).unwrap();
            let copies: Vec<(&str, Option<&str>, bool)> = e
                .copies
                .iter()
                .map(|c| (c.kind, c.region.as_deref(), c.another_region))
                .collect();
            (copies, e.in_another_region)
        };
        assert_eq!(
            copies("pinned"),
            (vec![("replica", Some("us-west-2"), true)], true)
        );
        assert_eq!(
            copies("unpinned"),
            (
                vec![
                    ("replica", Some("us-east-1"), false),
                    ("replica", Some("us-west-2"), false)
                ],
                false
            )
        );
    }

    /// A store of a type the table reads no copy of (a DocumentDB cluster) is listed, with
    /// none.
    #[test]
    fn a_store_whose_copies_the_table_cannot_read_is_listed_with_none() {
        use crate::prelude::*;
        let app = App::new("docs");
        let data = app.stack("data").unwrap();
        data.add(RawResource::new("Docs", "AWS::DocDB::DBCluster"))
            .unwrap();
        data.add(RawResource::new("Search", "AWS::OpenSearchService::Domain"))
            .unwrap();
        let entries = recovery(&app.check().unwrap());
        let types: Vec<(&str, usize, bool)> = entries
            .iter()
            .map(|e| {
                (
                    e.resource_type.as_str(),
                    e.copies.len(),
                    e.in_another_region,
                )
            })
            .collect();
        assert_eq!(
            types,
            [
                ("AWS::DocDB::DBCluster", 0, false),
                ("AWS::OpenSearchService::Domain", 0, false)
            ]
        );
    }

    #[test]
    fn each_store_lists_its_replica_backups_and_copies_in_another_region() {
        let app = crate::testing::clinic_with_copies();
        let entries = recovery(&app.synth().unwrap());
        let entry = |construct: &str| {
            entries
                .iter()
                .find(|e| e.construct == construct)
                .unwrap_or_else(|| panic!("{construct} in {entries:?}"))
        };

        // Access-log buckets hold no PHI: not listed.
        assert!(entries.iter().all(|e| !e.construct.ends_with("Logs")));
        let records = entry("clinic-data/Records");
        assert!(records.in_another_region);
        let kinds: Vec<(&str, &str, Option<&str>, bool)> = records
            .copies
            .iter()
            .map(|c| (c.kind, c.to.as_str(), c.region.as_deref(), c.another_region))
            .collect();
        assert_eq!(
            kinds,
            [
                ("replication", "clinic-dr/Copy", Some("us-west-2"), true),
                ("backup", "clinic-data/Daily", None, false),
                ("backup copy", "clinic-dr/DrVault", Some("us-west-2"), true),
            ]
        );
        assert!(
            records.copies[1].detail.contains("kept 35 days"),
            "{:?}",
            records.copies[1]
        );
        assert!(
            records.copies[0]
                .evidence
                .ends_with("/ReplicationConfiguration/Rules/0/Destination/Bucket"),
            "{:?}",
            records.copies[0]
        );
        let replica = entry("clinic-dr/Copy");
        assert_eq!(replica.copy_of.as_deref(), Some("clinic-data/Records"));
        assert!(replica.in_another_region);
        let scratch = entry("clinic-data/Scratch");
        assert!(scratch.copies.is_empty());
        assert!(!scratch.in_another_region);
    }
}
