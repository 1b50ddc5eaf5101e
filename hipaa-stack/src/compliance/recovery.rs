//! Disaster recovery, for the report (§164.308(a)(7)(ii)(B)): for every store of PHI of the
//! app, where its copies are: S3 replication to a bucket of another region, AWS Backup plans
//! that protect it, how often and how long, and the vaults, in which regions, that their
//! recovery points are copied to.

use serde::Serialize;
use serde_json::Value;

use crate::cfn::{Resource, Template};
use crate::compliance::Assembly;
use crate::compliance::rules::{across_regions, mentions};

/// The types of the stores of PHI that a copy can protect.
const STORES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::EFS::FileSystem",
    "AWS::EC2::Volume",
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
    /// `replication`, `backup replication` (RDS automated backups), `backup` or
    /// `backup copy`.
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
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// The disaster-recovery table, built one stack at a time ([`recovery`]; the report builds
/// it in the same pass over each stack's tree as its evidence).
pub(crate) struct Recovery<'a> {
    stacks: Vec<(&'a str, Option<&'a str>, &'a Template)>,
    /// Every backup selection of the app, with the index of its stack: found once, not
    /// once per store.
    selections: Vec<(usize, &'a Resource)>,
    out: Vec<RecoveryEntry>,
}

impl<'a> Recovery<'a> {
    pub(crate) fn new(assembly: &'a Assembly) -> Self {
        let stacks: Vec<(&str, Option<&str>, &Template)> = assembly
            .stacks()
            .iter()
            .map(|s| (s.name(), s.region(), s.template()))
            .collect();
        let selections = selections(stacks.iter().map(|&(_, _, t)| t))
            .filter_map(|(i, r)| Some((i, stacks.get(i)?.2.resources().get(r)?)))
            .collect();
        Recovery::with_selections(stacks, selections)
    }

    /// The table of `stacks` (every stack of the app, in deploy order, with its region),
    /// given the app's backup selections ([`selections`]), found once for a table built
    /// stack by stack in several places.
    pub(crate) fn with_selections(
        stacks: Vec<(&'a str, Option<&'a str>, &'a Template)>,
        selections: Vec<(usize, &'a Resource)>,
    ) -> Self {
        Recovery {
            stacks,
            selections,
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
            let mut copies = replication(&self.stacks, (stack, region), template, r, props);
            copies.extend(backup_replication(
                &self.stacks,
                (stack, region),
                template,
                r,
                props,
            ));
            copies.extend(backups(
                &self.stacks,
                &self.selections,
                (stack, region),
                template,
                r,
            ));
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

/// Every backup selection of `templates` (every stack of the app, in deploy order): the
/// position of its stack, and its own among the stack's resources.
pub(crate) fn selections<'t>(
    templates: impl Iterator<Item = &'t Template>,
) -> impl Iterator<Item = (usize, usize)> {
    templates.enumerate().flat_map(|(i, t)| {
        t.resources()
            .iter()
            .enumerate()
            .filter(|(_, r)| r.type_name() == "AWS::Backup::BackupSelection")
            .map(move |(r, _)| (i, r))
    })
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
    stacks: &[(&str, Option<&str>, &Template)],
    template: &Template,
    value: &Value,
) -> Option<(String, Option<String>)> {
    let pairs: Vec<(&str, &Template)> = stacks.iter().map(|&(s, _, t)| (s, t)).collect();
    let (stack, resource) = across_regions(&pairs, template, value)?;
    let region = stacks
        .iter()
        .find(|(s, _, _)| *s == stack)
        .and_then(|(_, r, _)| *r)
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
    stacks: &[(&str, Option<&str>, &Template)],
    template: &Template,
    value: &Value,
    home: Option<&str>,
) -> (String, Option<String>, bool) {
    if let Some((to, region)) = through_parameter(stacks, template, value) {
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
    stacks: &[(&str, Option<&str>, &Template)],
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
    let (to, key_region, _) = destination(stacks, template, key, Some(region));
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

fn replication(
    stacks: &[(&str, Option<&str>, &Template)],
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
                destination(stacks, template, &rule["Destination"]["Bucket"], home);
            let time_control = rule["Destination"]["ReplicationTime"]["Status"] == "Enabled";
            Copy {
                kind: "replication",
                to,
                region,
                another_region,
                detail: if time_control {
                    "every new object, within 15 minutes (replication time control)".to_owned()
                } else {
                    "every new object, as S3 replicates it".to_owned()
                },
                evidence: format!(
                    "{stack}/{}/Properties/ReplicationConfiguration/Rules/{i}/Destination/Bucket",
                    bucket.logical_id()
                ),
            }
        })
        .collect()
}

/// The backup plans that protect `store`, and the copies of their recovery points.
fn backups(
    stacks: &[(&str, Option<&str>, &Template)],
    selections: &[(usize, &Resource)],
    (stack, home): (&str, Option<&str>),
    template: &Template,
    store: &Resource,
) -> Vec<Copy> {
    if selections.is_empty() {
        return Vec::new();
    }
    // The exports of the store's stack that name it: another stack's selection imports one.
    let exports: Vec<&str> = template
        .outputs()
        .iter()
        .filter(|o| serde_json::to_value(&o.value).is_ok_and(|v| mentions(&v, store.logical_id())))
        .filter_map(|o| o.export_name())
        .collect();
    let mut out = Vec::new();
    for &(index, selection) in selections {
        let (other, _, t) = stacks[index];
        let listed = selection.properties()["BackupSelection"]["Resources"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let names_it = listed.iter().any(|v| {
            (other == stack && mentions(v, store.logical_id()))
                || v.get("Fn::ImportValue")
                    .and_then(Value::as_str)
                    .is_some_and(|e| exports.contains(&e))
        });
        if !names_it {
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
                    destination(stacks, t, &copy["DestinationBackupVaultArn"], home);
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
