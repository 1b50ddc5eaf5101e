//! Disaster recovery: every store of PHI has a copy in a second region (HIPAA-CONTROLS' `D2`,
//! §164.308(a)(7)(ii)(B), the disaster recovery plan: "Establish (and implement as needed)
//! procedures to restore any loss of data").
//!
//! A copy in the store's own region is lost with the region: backups (rules R3, R4, B1…)
//! keep a store's history, not a copy that a regional outage leaves in reach. Rule S10 reads
//! buckets' replication; this rule reads every other store of PHI that rule D1 keeps, with
//! the reading of the disaster-recovery table of the report
//! ([`crate::compliance::recovery::copies_of`]), so that the rule and the table never
//! disagree: a DynamoDB global table's replica in another region, RDS automated backups
//! replicated to another region with a key of that region, a read replica or an Aurora
//! global database member in another region, EFS replication, Redshift's cross-region
//! snapshot copy (with a snapshot copy grant for an encrypted cluster), a Redshift
//! Serverless namespace's `SnapshotCopyConfigurations` (with a key of that region for a
//! namespace encrypted with a key of the app), a Data Lifecycle Manager policy of the
//! volume's region that snapshots an EBS volume it targets by tag at least daily and
//! copies the snapshots to another region, or a backup plan that selects the store (a
//! DocumentDB or Neptune cluster by the RDS cluster ARN written around its `Ref`) and
//! copies its recovery points to a vault in another region.
//!
//! "Another region" is what a template can show: a vault or a bucket named through the
//! template parameter that carries values across regions (between a stack pinned to a
//! region and one of the environment's region, `preview` and `up` refuse to deploy both to
//! one region: `Deployer::check_regions_apart`), a database source or key of a stack pinned
//! to another region than the store's pinned one, or an ARN or
//! region written as text, as AWS names regions, that differs from the store's stack's
//! pinned region in its partition. A copy whose region the rule cannot tell (an ARN of a
//! stack of the environment's region, a region that is a parameter, `US-EAST-1`) is no copy
//! in another region, nor is one that will not be there: a copy action of a backup rule
//! that is not read as running daily (a cron expression AWS Backup refuses or that never
//! fires, a `rate(…)`) or whose start or completion window is under an hour, whose copies
//! are kept less than two days (a copy set never to expire keeps its source's expiration;
//! a `Lifecycle` the rule cannot read keeps them an unknown time), to an ARN that is no
//! vault's, to a vault of the app deleted with its stack, whose access policy may deny the
//! copy, or whose key is not of its region or is deleted with it, of a plan the selection
//! does not name as such; RDS automated backups or Redshift snapshots that are off; a read
//! replica that names its source by identifier alone (a database of its own region) or by
//! an ARN of a third region;
//! what names the store only in another account: a read replica, its source or a global
//! database member of a stack of another account (an identifier, and an ARN of
//! `${AWS::AccountId}`, name a database of the writer's own account), a source ARN whose
//! account is written as a number, or a backup selection of a stack of another account
//! that imports an export of the store's name (an import reads its own account's exports);
//! a copy action for a store whose recovery points AWS Backup does not copy across regions
//! (a DynamoDB table, copied only with the account's advanced DynamoDB backup features on,
//! a setting no template shows, which a waiver states; an RDS Multi-AZ DB cluster, or a
//! cluster whose engine is not read as Aurora's: `recovery::not_copied_across_regions`),
//! an RDS or Aurora copy to a vault whose account is written as a number (AWS Backup copies
//! their snapshots across accounts or across regions, not both), an Aurora copy to or from
//! the China regions.
//! A global table of a stack with no pinned region whose replicas are written in two
//! regions of one partition has one in another region than the stack's, which CloudFormation
//! requires to be one of them.

use super::{Cx, Outcome, Packs, Proof, RuleSpec};
// The stores of PHI that this rule reads: those of rule D1 but buckets (rule S10's).
use crate::compliance::recovery::STORES_BUT_BUCKETS as STORES;

pub(crate) static RULES: &[RuleSpec] = &[RuleSpec {
    id: "D2",
    title: "every store of PHI has a copy in a second region",
    types: STORES,
    controls: &["164.308(a)(7)(ii)(B)"],
    fix: "protect the store with a `BackupPlan` whose rule runs at least daily and copies its recovery points, kept two days or more, to a vault of a stack of another region (`BackupPlan::copy_to` a `BackupVault` of `app.stack_in(.., region)`; `CopyActions` of `AWS::Backup::BackupPlan` to the vault's ARN, with the store's stack pinned to another region; AWS Backup copies no Multi-AZ DB cluster across regions, and a DynamoDB table's only with the account's advanced DynamoDB backup features on, which a waiver must state), replicate an RDS instance's automated backups (`AutomaticBackupReplicationRegion` with `AutomaticBackupReplicationKmsKeyId` the ARN of a key of that region, and a `BackupRetentionPeriod` of a day or more), give a DynamoDB global table a replica in another region, an EFS file system a `ReplicationConfiguration` to another region, or a Redshift cluster with automated snapshots a `DestinationRegion` (with `SnapshotCopyGrantName` when encrypted); a read replica naming its source by ARN (its account `${AWS::AccountId}`, in an `Fn::Sub`), or an Aurora global database member, in a stack of the same account pinned to another region is the copy too",
    packs: Packs {
        cdk_nag: None,
        checkov: None,
        guard: None,
    },
    check: d2,
}];

fn d2(cx: &Cx<'_>) -> Outcome {
    // An instance of an Aurora or Multi-AZ DB cluster keeps no data of its own: the
    // cluster's volume is the store, and the cluster is read.
    if cx.resource.type_name() == "AWS::RDS::DBInstance"
        && cx.present("/DBClusterIdentifier").is_ok()
    {
        return Outcome::NotApplicable;
    }
    let copies = cx.copies();
    if let Some(copy) = copies.iter().find(|c| c.another_region) {
        return Outcome::Pass(vec![proof_of_copy(cx.stack, &copy.evidence)]);
    }
    let found = if copies.is_empty() {
        "no copy at all".to_owned()
    } else {
        // A copy that will not be there says why (a copy action for a type AWS Backup
        // does not copy across regions, a schedule or a retention that leaves none), so
        // that the gap says what to change or to state in a waiver.
        let kinds: Vec<String> = copies
            .iter()
            .map(|c| match c.detail.strip_prefix("none") {
                Some(why) => format!("{} to {}, none{why}", c.kind, c.to),
                None => format!("{} to {}", c.kind, c.to),
            })
            .collect();
        format!(
            "only copies not known to be in another region ({})",
            kinds.join("; ")
        )
    };
    Outcome::Gap(format!(
        "`{}` has {found}: a regional outage leaves every copy of its PHI out of reach",
        cx.id()
    ))
}

/// The proof of a copy from the table's evidence, `stack/LogicalId/pointer`: of the stack
/// of the store, its logical id alone.
fn proof_of_copy(home: &str, evidence: &str) -> Proof {
    let mut parts = evidence.splitn(3, '/');
    let (stack, id, rest) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    Proof {
        logical_id: if stack == home {
            id.to_owned()
        } else {
            format!("{stack}/{id}")
        },
        path: format!("/{rest}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfn::{Resource, Template};
    use crate::compliance::Status;
    use crate::prelude::*;
    use serde_json::json;

    #[test]
    fn a_proof_names_the_copy_of_another_stack_with_its_stack() {
        assert_eq!(
            proof_of_copy("data", "backup/Plan/Properties/BackupPlan/BackupPlanRule/0"),
            Proof {
                logical_id: "backup/Plan".to_owned(),
                path: "/Properties/BackupPlan/BackupPlanRule/0".to_owned(),
            }
        );
        assert_eq!(
            proof_of_copy(
                "data",
                "data/Ehr/Properties/AutomaticBackupReplicationRegion"
            ),
            Proof {
                logical_id: "Ehr".to_owned(),
                path: "/Properties/AutomaticBackupReplicationRegion".to_owned(),
            }
        );
    }

    /// Every type that D1 keeps is read by D2, by S10 (buckets), or is one that the
    /// recovery table names as no store of its own ([`NOT_STORES`]: keys, log groups, event
    /// data stores, vaults, and the queues, streams, secrets, MSK clusters and notebook
    /// instances that D1 keeps since hostile review 11 and whose copy in another region D2
    /// does not ask for).
    ///
    /// [`NOT_STORES`]: crate::compliance::recovery::NOT_STORES
    #[test]
    fn every_store_that_d1_keeps_is_read_by_d2_or_s10() {
        let d1 = crate::compliance::rule_spec("D1").unwrap();
        let s10 = crate::compliance::rule_spec("S10").unwrap();
        let not_stores = crate::compliance::recovery::NOT_STORES;
        for t in d1.types {
            assert!(
                STORES.contains(t) || s10.types.contains(t) || not_stores.contains(t),
                "{t}"
            );
        }
    }

    /// The backup selection `Selection` of plan `plan` (a `BackupPlanId`), named `name`,
    /// of the resources whose ARNs `arns` read.
    fn selection(plan: serde_json::Value, name: &str, arns: &[serde_json::Value]) -> RawResource {
        let mut selection = RawResource::new("Selection", "AWS::Backup::BackupSelection")
            .property("BackupPlanId", plan)
            .property("/BackupSelection/SelectionName", name)
            .property(
                "/BackupSelection/IamRoleArn",
                "arn:aws:iam::111122223333:role/backup",
            );
        for (i, arn) in arns.iter().enumerate() {
            selection = selection.property(&format!("/BackupSelection/Resources/{i}"), arn.clone());
        }
        selection
    }

    /// What rule D2 found on `id` of `stack` once `app` is checked, the rule and the
    /// disaster-recovery table held to one reading first.
    fn checked_d2(app: &App, stack: &str, id: &str) -> Status {
        let assembly = app.check().unwrap();
        assert_the_rule_and_the_table_agree(&assembly);
        d2_of(&assembly, stack, id)
    }

    /// What rule D2 found on `logical_id` of `stack`.
    fn d2_of(assembly: &crate::compliance::Assembly, stack: &str, id: &str) -> Status {
        assembly
            .evaluation()
            .results
            .iter()
            .find(|c| c.rule == "D2" && &*c.stack == stack && &*c.logical_id == id)
            .map(|c| c.status.clone())
            .unwrap_or_else(|| panic!("no D2 result on {stack}/{id}"))
    }

    /// Rule D2 holds on a store exactly when the disaster-recovery table says it has a copy
    /// in another region (the two read the copies with one function).
    fn assert_the_rule_and_the_table_agree(assembly: &crate::compliance::Assembly) {
        let table = crate::compliance::recovery::recovery(assembly);
        let mut read = 0;
        for entry in table
            .iter()
            .filter(|e| STORES.contains(&e.resource_type.as_str()))
        {
            let status = d2_of(assembly, &entry.stack, &entry.logical_id);
            assert_eq!(
                matches!(status, Status::Enforced { .. }),
                entry.in_another_region,
                "{entry:?}: {status:?}"
            );
            read += 1;
        }
        assert!(read > 0, "no store of D2 in {table:?}");
    }

    fn proof(status: &Status) -> (&str, &str) {
        match status {
            Status::Enforced { evidence } => (&evidence[0].logical_id, &evidence[0].path),
            other => panic!("{other:?}"),
        }
    }

    /// A read replica of a database in a stack of another region (its source an ARN of the
    /// database's written identifier, as RDS asks across regions), and a cluster of an
    /// Aurora global database whose other member is in another region, are copies in
    /// another region, of the source and of the replica alike; the same in stacks of one
    /// region are none.
    #[test]
    fn a_read_replica_or_a_global_database_member_in_another_region_is_the_copy() {
        for across in [true, false] {
            let app = App::new("replicas");
            let (primary, other) = if across {
                (
                    app.stack_in("primary", crate::region!("us-east-1"))
                        .unwrap(),
                    app.stack_in("dr", crate::region!("us-west-2")).unwrap(),
                )
            } else {
                (app.stack("primary").unwrap(), app.stack("dr").unwrap())
            };
            primary
                .add(
                    RawResource::new("Source", "AWS::RDS::DBInstance")
                        .property("DBInstanceIdentifier", "Ehr-Main"),
                )
                .unwrap();
            let global = primary
                .add(
                    RawResource::new("Global", "AWS::RDS::GlobalCluster")
                        .property("GlobalClusterIdentifier", "ehr-global"),
                )
                .unwrap();
            primary
                .add(
                    RawResource::new("Cluster", "AWS::RDS::DBCluster")
                        .property("GlobalClusterIdentifier", global.reference()),
                )
                .unwrap();
            other
                .add(
                    RawResource::new("Replica", "AWS::RDS::DBInstance").property(
                        "SourceDBInstanceIdentifier",
                        json!({ "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:db:ehr-main" }),
                    ),
                )
                .unwrap();
            other
                .add(
                    RawResource::new("Secondary", "AWS::RDS::DBCluster")
                        .property("GlobalClusterIdentifier", "ehr-global"),
                )
                .unwrap();
            let assembly = app.check().unwrap();
            assert_the_rule_and_the_table_agree(&assembly);
            assert_the_rule_and_the_table_agree(&assembly);
            if across {
                assert_eq!(
                    proof(&d2_of(&assembly, "primary", "Source")),
                    ("dr/Replica", "/Properties/SourceDBInstanceIdentifier")
                );
                assert_eq!(
                    proof(&d2_of(&assembly, "dr", "Replica")),
                    ("Replica", "/Properties/SourceDBInstanceIdentifier")
                );
                assert_eq!(
                    proof(&d2_of(&assembly, "primary", "Cluster")),
                    ("dr/Secondary", "/Properties/GlobalClusterIdentifier")
                );
                assert_eq!(
                    proof(&d2_of(&assembly, "dr", "Secondary")),
                    ("primary/Cluster", "/Properties/GlobalClusterIdentifier")
                );
            } else {
                for (stack, id) in [
                    ("primary", "Source"),
                    ("dr", "Replica"),
                    ("primary", "Cluster"),
                    ("dr", "Secondary"),
                ] {
                    let status = d2_of(&assembly, stack, id);
                    assert!(
                        matches!(status, Status::Gap { .. }),
                        "{stack}/{id}: {status:?}"
                    );
                }
            }
        }
    }

    /// EFS replication and Redshift's cross-region snapshot copy are copies in another
    /// region only to a region other than the stack's pinned one, and an encrypted
    /// cluster's snapshots only with a snapshot copy grant.
    #[test]
    fn efs_replication_and_redshift_snapshot_copies_count_only_in_another_region() {
        let app = App::new("services");
        let stack = app.stack_in("data", crate::region!("us-east-1")).unwrap();
        let efs = |id: &str, region: &str| {
            RawResource::new(id, "AWS::EFS::FileSystem").property(
                "ReplicationConfiguration",
                json!({ "Destinations": [{ "Region": region }] }),
            )
        };
        stack.add(efs("Away", "us-west-2")).unwrap();
        stack.add(efs("Home", "us-east-1")).unwrap();
        let warehouse = |id: &str, grant: bool| {
            let cluster = RawResource::new(id, "AWS::Redshift::Cluster")
                .property("Encrypted", true)
                .property("KmsKeyId", "alias/phi")
                .property("DestinationRegion", "us-west-2");
            if grant {
                cluster.property("SnapshotCopyGrantName", "dr-grant")
            } else {
                cluster
            }
        };
        stack.add(warehouse("Granted", true)).unwrap();
        stack.add(warehouse("Ungranted", false)).unwrap();
        let assembly = app.check().unwrap();
        assert_the_rule_and_the_table_agree(&assembly);
        assert_eq!(
            proof(&d2_of(&assembly, "data", "Away")),
            (
                "Away",
                "/Properties/ReplicationConfiguration/Destinations/0"
            )
        );
        assert_eq!(
            proof(&d2_of(&assembly, "data", "Granted")),
            ("Granted", "/Properties/DestinationRegion")
        );
        for id in ["Home", "Ungranted"] {
            let status = d2_of(&assembly, "data", id);
            assert!(matches!(status, Status::Gap { .. }), "{id}: {status:?}");
        }
    }

    /// A global table with a replica in a region written as text is a copy in another
    /// region only of a stack whose region is pinned and differs; read with no regions (as
    /// in a stack of the environment's region) it is a gap.
    #[test]
    fn a_global_table_passes_only_with_a_replica_known_to_be_elsewhere() {
        let template = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![Resource::raw(
                "Table".to_owned(),
                "AWS::DynamoDB::GlobalTable".to_owned(),
                json!({ "Replicas": [{ "Region": "us-east-1" }, { "Region": "us-west-2" }] }),
            )],
            outputs: Vec::new(),
        };
        let stacks = [("one", &template)];
        let mut index = super::super::Index::new(&stacks);
        let cx = Cx::in_first(&stacks, &template.resources()[0], &index);
        // With no pinned region, two replicas in two regions of one partition: the stack's
        // region is one of them, so the other is a copy elsewhere (a gap before, hostile
        // review 17).
        match d2(&cx) {
            Outcome::Pass(proofs) => {
                assert_eq!(proofs[0].logical_id, "Table");
                assert_eq!(proofs[0].path, "/Properties/Replicas");
            }
            other => panic!("{other:?}"),
        }
        // One region written twice, or in two spellings, or two regions of two partitions,
        // is no second region.
        for replicas in [
            json!([{ "Region": "us-east-1" }, { "Region": "us-east-1" }]),
            json!([{ "Region": "us-east-1" }, { "Region": "US-EAST-1" }]),
            json!([{ "Region": "us-east-1" }, { "Region": "cn-north-1" }]),
            json!([{ "Region": "us-east-1" }, { "Region": { "Ref": "AWS::Region" } }]),
        ] {
            let template = Template {
                resources: vec![Resource::raw(
                    "Table".to_owned(),
                    "AWS::DynamoDB::GlobalTable".to_owned(),
                    json!({ "Replicas": replicas }),
                )],
                ..template.clone()
            };
            let stacks = [("one", &template)];
            let index = super::super::Index::new(&stacks);
            let cx = Cx::in_first(&stacks, &template.resources()[0], &index);
            assert!(
                matches!(d2(&cx), Outcome::Gap(_)),
                "{replicas}: {:?}",
                d2(&cx)
            );
        }
        index.regions = vec![Some("us-east-1".to_owned())];
        let cx = Cx::in_first(&stacks, &template.resources()[0], &index);
        match d2(&cx) {
            Outcome::Pass(proofs) => {
                assert_eq!(proofs[0].logical_id, "Table");
                assert_eq!(proofs[0].path, "/Properties/Replicas/1/Region");
            }
            other => panic!("{other:?}"),
        }
        index.regions = vec![Some("us-west-2".to_owned())];
        let cx = Cx::in_first(&stacks, &template.resources()[0], &index);
        // The replica in us-east-1 is in another region than us-west-2.
        assert!(matches!(d2(&cx), Outcome::Pass(_)), "{:?}", d2(&cx));
    }

    /// What rule D2 finds on an EFS file system of a stack pinned to us-east-1 protected by
    /// a backup plan of rule `rule` (its `CopyActions` to a vault of a stack pinned to
    /// us-west-2 unless the rule says otherwise), selected by a selection whose
    /// `BackupPlanId` is `plan_id`; the rule and the table agree.
    fn d2_of_a_backup_copy(rule: serde_json::Value, plan_id: serde_json::Value) -> Status {
        let app = App::new("copies");
        let data = app.stack_in("data", crate::region!("us-east-1")).unwrap();
        let dr = app.stack_in("dr", crate::region!("us-west-2")).unwrap();
        dr.add(
            RawResource::new("DrVault", "AWS::Backup::BackupVault")
                .property("BackupVaultName", "dr-vault")
                .keep(crate::cfn::Keep::Retain),
        )
        .unwrap();
        data.add(RawResource::new("Files", "AWS::EFS::FileSystem").property("Encrypted", true))
            .unwrap();
        for id in ["Plan", "Other"] {
            data.add(
                RawResource::new(id, "AWS::Backup::BackupPlan")
                    .property("/BackupPlan/BackupPlanName", id)
                    .property(
                        "/BackupPlan/BackupPlanRule/0",
                        if id == "Plan" {
                            rule.clone()
                        } else {
                            json!({ "RuleName": "local", "TargetBackupVault": "vault" })
                        },
                    ),
            )
            .unwrap();
        }
        data.add(selection(
            plan_id,
            "files",
            &[json!({ "Fn::GetAtt": ["Files", "Arn"] })],
        ))
        .unwrap();
        checked_d2(&app, "data", "Files")
    }

    /// A copy action counts only for a type whose recovery points AWS Backup copies to
    /// another region: of one plan that copies daily to a vault ARN of us-west-2 (from a
    /// stack pinned to us-east-1), an Aurora cluster, an RDS instance and an EBS volume have a copy there; a
    /// DynamoDB table (advanced DynamoDB backup, an account setting no template shows), an
    /// RDS Multi-AZ DB cluster and a cluster whose engine is not known before deploy have
    /// none, and the gap says why. Each of these passed before (hostile review 17).
    #[test]
    fn a_copy_action_counts_only_for_types_aws_backup_copies_across_regions() {
        let app = App::new("types");
        let data = app.stack_in("data", crate::region!("us-east-1")).unwrap();
        let cluster = |engine: serde_json::Value| json!({ "Engine": engine });
        let att = |id: &str, a: &str| json!({ "Fn::GetAtt": [id, a] });
        let stores = [
            (
                "Aurora",
                "AWS::RDS::DBCluster",
                cluster(json!("aurora-postgresql")),
                att("Aurora", "DBClusterArn"),
                "",
            ),
            (
                "Instance",
                "AWS::RDS::DBInstance",
                json!({ "Engine": "postgres" }),
                att("Instance", "DBInstanceArn"),
                "",
            ),
            (
                "Volume",
                "AWS::EC2::Volume",
                json!({ "Size": 10 }),
                json!({ "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:volume/${Volume}" }),
                "",
            ),
            (
                "Table",
                "AWS::DynamoDB::Table",
                json!({ "BillingMode": "PAY_PER_REQUEST" }),
                att("Table", "Arn"),
                "advanced DynamoDB backup features",
            ),
            (
                "MultiAz",
                "AWS::RDS::DBCluster",
                cluster(json!("postgres")),
                att("MultiAz", "DBClusterArn"),
                "Multi-AZ DB cluster",
            ),
            (
                "Unknown",
                "AWS::RDS::DBCluster",
                cluster(json!({ "Ref": "AWS::StackName" })),
                att("Unknown", "DBClusterArn"),
                "Multi-AZ DB cluster",
            ),
        ];
        for (id, type_name, props, ..) in &stores {
            let mut raw = RawResource::new(*id, *type_name);
            for (k, v) in props.as_object().unwrap() {
                raw = raw.property(k, v.clone());
            }
            data.add(raw).unwrap();
        }
        data.add(
            RawResource::new("Plan", "AWS::Backup::BackupPlan")
                .property("/BackupPlan/BackupPlanName", "daily")
                .property("/BackupPlan/BackupPlanRule/0", {
                    // The vault's account as the stores': RDS copies either across accounts
                    // or across regions.
                    let mut rule = copying_rule();
                    rule["CopyActions"][0]["DestinationBackupVaultArn"] = json!({
                        "Fn::Sub": "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:dr-vault"
                    });
                    rule
                }),
        )
        .unwrap();
        let arns: Vec<serde_json::Value> =
            stores.iter().map(|(_, _, _, arn, _)| arn.clone()).collect();
        data.add(selection(json!({ "Ref": "Plan" }), "stores", &arns))
            .unwrap();
        let assembly = app.check().unwrap();
        assert_the_rule_and_the_table_agree(&assembly);
        for (id, _, _, _, says) in &stores {
            match d2_of(&assembly, "data", id) {
                Status::Enforced { evidence } if says.is_empty() => {
                    assert_eq!(evidence[0].logical_id, "Plan", "{id}");
                    assert!(
                        evidence[0].path.ends_with("/CopyActions/0"),
                        "{id}: {evidence:?}"
                    );
                }
                Status::Gap { reason } if !says.is_empty() => {
                    assert!(reason.contains(says), "{id}: {reason}");
                    assert!(
                        reason.contains("backup-vault:dr-vault, none"),
                        "{id}: {reason}"
                    );
                }
                other => panic!("{id}: {other:?}"),
            }
        }
    }

    /// AWS Backup copies an RDS or Aurora snapshot across accounts or across regions, not
    /// both: a copy action to a vault ARN of another region whose account is written as a
    /// number (which may be another account) is no copy of an RDS instance there, while
    /// the same for an EFS file system is; with the account `${AWS::AccountId}` it is.
    /// The instance's passed before (hostile review 17).
    #[test]
    fn an_rds_copy_to_a_vault_that_may_be_of_another_account_is_no_copy() {
        for (account, copied) in [("111122223333", false), ("${AWS::AccountId}", true)] {
            let app = App::new("accounts");
            let data = app.stack_in("data", crate::region!("us-east-1")).unwrap();
            data.add(RawResource::new("Db", "AWS::RDS::DBInstance").property("Engine", "postgres"))
                .unwrap();
            let mut rule = copying_rule();
            rule["CopyActions"][0]["DestinationBackupVaultArn"] = json!({
                "Fn::Sub": format!("arn:${{AWS::Partition}}:backup:us-west-2:{account}:backup-vault:dr")
            });
            data.add(
                RawResource::new("Plan", "AWS::Backup::BackupPlan")
                    .property("/BackupPlan/BackupPlanName", "daily")
                    .property("/BackupPlan/BackupPlanRule/0", rule),
            )
            .unwrap();
            data.add(selection(
                json!({ "Ref": "Plan" }),
                "db",
                &[json!({ "Fn::GetAtt": ["Db", "DBInstanceArn"] })],
            ))
            .unwrap();
            match checked_d2(&app, "data", "Db") {
                Status::Enforced { .. } if copied => {}
                Status::Gap { reason } if !copied => {
                    assert!(reason.contains("not both"), "{reason}");
                }
                other => panic!("{account}: {other:?}"),
            }
        }
        // An EFS file system copied to the same vault (account written as a number) is.
        assert!(matches!(
            d2_of_a_backup_copy(copying_rule(), json!({ "Ref": "Plan" })),
            Status::Enforced { .. }
        ));
    }

    /// A backup rule that copies to a vault ARN of us-west-2, daily, kept 35 days.
    fn copying_rule() -> serde_json::Value {
        json!({
            "RuleName": "daily",
            "TargetBackupVault": "vault",
            "ScheduleExpression": "cron(0 5 ? * * *)",
            "Lifecycle": { "DeleteAfterDays": 35 },
            "CopyActions": [{
                "DestinationBackupVaultArn": "arn:aws:backup:us-west-2:111122223333:backup-vault:dr-vault"
            }]
        })
    }

    /// A copy action is a copy in another region only when the copy will be there: to a
    /// vault's ARN (not a key's, not one whose region is a variable, `US-WEST-2` or of
    /// another partition), of a rule that runs at least daily, kept two days or more, of the
    /// plan that the selection names as such (not through an `Fn::If` between two plans).
    /// Each of these passed before (hostile review 17): the region of
    /// `arn:${AWS::Partition}:backup:${AWS::Region}:…` was read as part of the partition's
    /// variable, the
    /// schedule and the lifecycle were not read, and any plan mentioned was the plan.
    #[test]
    fn a_copy_action_counts_only_when_a_copy_will_be_in_another_region() {
        let plan = json!({ "Ref": "Plan" });
        assert!(
            matches!(
                d2_of_a_backup_copy(copying_rule(), plan.clone()),
                Status::Enforced { .. }
            ),
            "the copying rule as written"
        );
        assert!(
            matches!(
                d2_of_a_backup_copy(
                    copying_rule(),
                    json!({ "Fn::GetAtt": ["Plan", "BackupPlanId"] })
                ),
                Status::Enforced { .. }
            ),
            "the plan's `BackupPlanId` attribute"
        );
        let edited = |pointer: &str, value: serde_json::Value| {
            let mut rule = copying_rule();
            *rule.pointer_mut(pointer).unwrap() = value;
            rule
        };
        let vault = "/CopyActions/0/DestinationBackupVaultArn";
        let cases = [
            (
                "a vault of the stack's own region, through pseudo parameters",
                edited(
                    vault,
                    json!({ "Fn::Sub": "arn:${AWS::Partition}:backup:${AWS::Region}:${AWS::AccountId}:backup-vault:local" }),
                ),
            ),
            (
                "a key's ARN in us-west-2",
                edited(
                    vault,
                    json!(
                        "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    ),
                ),
            ),
            (
                "a region written in capitals",
                edited(
                    vault,
                    json!("arn:aws:backup:US-EAST-1:111122223333:backup-vault:dr-vault"),
                ),
            ),
            (
                "a region of another partition",
                edited(
                    vault,
                    json!("arn:aws:backup:cn-north-1:111122223333:backup-vault:dr-vault"),
                ),
            ),
            (
                "a monthly schedule",
                edited("/ScheduleExpression", json!("cron(0 5 1 * ? *)")),
            ),
            (
                "a schedule of a year that has passed",
                edited("/ScheduleExpression", json!("cron(0 5 ? * * 2020)")),
            ),
            (
                "a schedule not known before deploy",
                edited(
                    "/ScheduleExpression",
                    json!("{{resolve:ssm:/backup/schedule}}"),
                ),
            ),
            (
                "copies kept one day",
                edited("/CopyActions/0", {
                    let mut copy = copying_rule()["CopyActions"][0].clone();
                    copy["Lifecycle"] = json!({ "DeleteAfterDays": 1 });
                    copy
                }),
            ),
            (
                "copies kept as the rule's recovery points, a day",
                edited("/Lifecycle/DeleteAfterDays", json!(1)),
            ),
            (
                "copies kept a number of days not known before deploy",
                edited(
                    "/Lifecycle/DeleteAfterDays",
                    json!("{{resolve:ssm:/backup/days}}"),
                ),
            ),
        ];
        for (what, rule) in cases {
            let status = d2_of_a_backup_copy(rule, plan.clone());
            assert!(matches!(status, Status::Gap { .. }), "{what}: {status:?}");
        }
        for plan_id in [
            json!({ "Fn::If": ["Never", { "Ref": "Plan" }, { "Ref": "Other" }] }),
            json!({ "Fn::Join": ["", [{ "Ref": "Other" }, { "Ref": "Plan" }]] }),
        ] {
            let status = d2_of_a_backup_copy(copying_rule(), plan_id.clone());
            assert!(
                matches!(status, Status::Gap { .. }),
                "{plan_id}: {status:?}"
            );
        }
    }

    /// A read replica in a stack of another region names its source by the source's ARN,
    /// of the source's region: an identifier alone names a database of the replica's own
    /// region, and an ARN of a third region another database. Both made the source and the
    /// replica copies of each other in another region before (hostile review 17).
    #[test]
    fn a_replica_that_names_no_database_of_the_source_region_is_no_copy_of_it() {
        // The ARN in the library's own spelling (probe 14a #5); the replica's own region
        // named by `${AWS::Region}` as an identifier alone; the pseudo parameter written as
        // characters is no ARN; an account written as a number may be any account's (a
        // replica of another account's database under the identifier of one of the app's),
        // as R1 reads it.
        let sub = |arn: &str| json!({ "Fn::Sub": arn });
        for (source, copy) in [
            (
                json!("arn:aws:rds:us-east-1:111122223333:db:ehr-main"),
                false,
            ),
            (
                sub("arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:db:ehr-main"),
                true,
            ),
            (json!("ehr-main"), false),
            (
                json!("arn:aws:rds:eu-west-1:111122223333:db:ehr-main"),
                false,
            ),
            (
                sub("arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:ehr-main"),
                false,
            ),
            (
                json!("arn:aws:rds:us-east-1:${AWS::AccountId}:db:ehr-main"),
                false,
            ),
        ] {
            let app = App::new("replicas");
            let primary = app
                .stack_in("primary", crate::region!("us-east-1"))
                .unwrap();
            let dr = app.stack_in("dr", crate::region!("us-west-2")).unwrap();
            primary
                .add(
                    RawResource::new("Source", "AWS::RDS::DBInstance")
                        .property("DBInstanceIdentifier", "ehr-main"),
                )
                .unwrap();
            dr.add(
                RawResource::new("Replica", "AWS::RDS::DBInstance")
                    .property("SourceDBInstanceIdentifier", source.clone()),
            )
            .unwrap();
            let status = checked_d2(&app, "primary", "Source");
            assert_eq!(
                matches!(status, Status::Enforced { .. }),
                copy,
                "{source}: {status:?}"
            );
        }
    }

    /// A global table's replica, an EFS destination and a Redshift destination region are
    /// another region only as AWS names regions, in the store's partition; Redshift copies
    /// only automated snapshots that exist, and an encrypted cluster's (encrypted unless
    /// written otherwise) only with a grant that is named.
    #[test]
    fn regions_written_otherwise_and_snapshots_that_never_exist_are_no_copy() {
        let app = App::new("regions");
        let stack = app.stack_in("data", crate::region!("us-east-1")).unwrap();
        let global = |id: &str, region: &str| {
            RawResource::new(id, "AWS::DynamoDB::GlobalTable").property(
                "Replicas",
                json!([{ "Region": "us-east-1" }, { "Region": region }]),
            )
        };
        stack.add(global("Elsewhere", "us-west-2")).unwrap();
        stack.add(global("Capitals", "US-EAST-1")).unwrap();
        stack.add(global("Spaced", "us-east-1 ")).unwrap();
        stack.add(global("China", "cn-north-1")).unwrap();
        stack
            .add(RawResource::new("Files", "AWS::EFS::FileSystem").property(
                "ReplicationConfiguration",
                json!({ "Destinations": [{ "Region": "Us-West-2" }] }),
            ))
            .unwrap();
        let warehouse = |id: &str| {
            RawResource::new(id, "AWS::Redshift::Cluster")
                .property("DestinationRegion", "us-west-2")
                .property("SnapshotCopyGrantName", "dr-grant")
                .property("KmsKeyId", "alias/phi")
        };
        stack.add(warehouse("Copied")).unwrap();
        stack
            .add(warehouse("NoSnapshots").property("AutomatedSnapshotRetentionPeriod", 0))
            .unwrap();
        stack
            .add(
                RawResource::new("BlankGrant", "AWS::Redshift::Cluster")
                    .property("DestinationRegion", "us-west-2")
                    .property("SnapshotCopyGrantName", " ")
                    .property("Encrypted", true),
            )
            .unwrap();
        stack
            .add(
                RawResource::new("TextEncrypted", "AWS::Redshift::Cluster")
                    .property("DestinationRegion", "us-west-2")
                    .property("Encrypted", "true"),
            )
            .unwrap();
        let assembly = app.check().unwrap();
        assert_the_rule_and_the_table_agree(&assembly);
        for (id, copy) in [
            ("Elsewhere", true),
            ("Capitals", false),
            ("Spaced", false),
            ("China", false),
            ("Files", false),
            ("Copied", true),
            ("NoSnapshots", false),
            ("BlankGrant", false),
            ("TextEncrypted", false),
        ] {
            let status = d2_of(&assembly, "data", id);
            assert_eq!(
                matches!(status, Status::Enforced { .. }),
                copy,
                "{id}: {status:?}"
            );
        }
    }

    /// A cluster that joins the global database only in one branch of an `Fn::If` is no
    /// member the other member can count on: the rule reads each branch, and the table,
    /// which read any mention of the global database as membership, called the other
    /// member's copy in another region (hostile review 17). An instance of the cluster is
    /// no row of the table, as it is no store of rule D2.
    #[test]
    fn a_member_of_a_global_database_in_one_branch_only_is_no_copy() {
        let app = App::new("global");
        let primary = app
            .stack_in("primary", crate::region!("us-east-1"))
            .unwrap();
        let dr = app.stack_in("dr", crate::region!("us-west-2")).unwrap();
        primary
            .add(
                RawResource::new("Global", "AWS::RDS::GlobalCluster")
                    .property("GlobalClusterIdentifier", "ehr-global"),
            )
            .unwrap();
        primary
            .add(RawResource::new("Cluster", "AWS::RDS::DBCluster").property(
                "GlobalClusterIdentifier",
                json!({ "Fn::If": ["Joined", { "Ref": "Global" }, { "Ref": "AWS::NoValue" }] }),
            ))
            .unwrap();
        primary
            .add(
                RawResource::new("Writer", "AWS::RDS::DBInstance")
                    .property("DBClusterIdentifier", json!({ "Ref": "Cluster" })),
            )
            .unwrap();
        dr.add(
            RawResource::new("Secondary", "AWS::RDS::DBCluster")
                .property("GlobalClusterIdentifier", "ehr-global"),
        )
        .unwrap();
        let assembly = app.check().unwrap();
        assert_the_rule_and_the_table_agree(&assembly);
        let status = d2_of(&assembly, "dr", "Secondary");
        assert!(matches!(status, Status::Gap { .. }), "{status:?}");
        let table = crate::compliance::recovery::recovery(&assembly);
        assert!(table.iter().all(|e| e.logical_id != "Writer"), "{table:?}");
    }

    /// A backup rule whose copies will never be there is no copy in another region: a cron
    /// expression AWS Backup refuses or that never fires (an hour past 23, a range out of
    /// order, a step of 0, both day fields `*` or both `?`, runs less than an hour apart), a
    /// `rate(…)` (no cron expression), or a start or completion window under an hour or not
    /// known before deploy. Hourly, stepped, ranged and listed hours that fire every day
    /// are. Each refused one was a copy before (hostile review 18).
    #[test]
    fn a_copy_rule_that_never_runs_is_no_copy() {
        let plan = json!({ "Ref": "Plan" });
        let with = |name: &str, value: serde_json::Value| {
            let mut rule = copying_rule();
            rule[name] = value;
            rule
        };
        for schedule in [
            "cron(15 * ? * * *)",
            "cron(0 0/6 ? * * *)",
            "cron(0 */4 ? * * *)",
            "cron(30 8-17/2 * * ? *)",
            "cron(0 1,13 ? * * *)",
        ] {
            let status =
                d2_of_a_backup_copy(with("ScheduleExpression", json!(schedule)), plan.clone());
            assert!(
                matches!(status, Status::Enforced { .. }),
                "{schedule}: {status:?}"
            );
        }
        for schedule in [
            "cron(0 25 ? * * *)",
            "cron(0 5-3 ? * * *)",
            "cron(0 */0 ? * * *)",
            "cron(0 5 * * * *)",
            "cron(0 5 ? * ? *)",
            "cron(0/15 * ? * * *)",
            "cron(60 5 ? * * *)",
            "rate(1 day)",
            "rate(12 hours)",
        ] {
            let status =
                d2_of_a_backup_copy(with("ScheduleExpression", json!(schedule)), plan.clone());
            match status {
                Status::Gap { reason } => {
                    assert!(
                        reason.contains("not read as running at least daily"),
                        "{schedule}: {reason}"
                    )
                }
                other => panic!("{schedule}: {other:?}"),
            }
        }
        for (name, value, copied) in [
            ("StartWindowMinutes", json!(60), true),
            ("CompletionWindowMinutes", json!(10080), true),
            ("StartWindowMinutes", json!(30), false),
            ("CompletionWindowMinutes", json!(10), false),
            (
                "StartWindowMinutes",
                json!("{{resolve:ssm:/backup/start}}"),
                false,
            ),
            (
                "CompletionWindowMinutes",
                json!({ "Ref": "AWS::StackName" }),
                false,
            ),
        ] {
            match d2_of_a_backup_copy(with(name, value.clone()), plan.clone()) {
                Status::Enforced { .. } if copied => {}
                Status::Gap { reason } if !copied => {
                    assert!(reason.contains(name), "{name} {value}: {reason}")
                }
                other => panic!("{name} {value}: {other:?}"),
            }
        }
    }

    /// A copy kept "until deleted" keeps its source's expiration date (AWS Backup copies
    /// retain the source's retention unless a number of days overrides it): a copy action
    /// whose `Lifecycle` has no `DeleteAfterDays`, or `-1`, of a rule that keeps its
    /// recovery points a day, is kept a day; a `Lifecycle` written as an intrinsic that the
    /// readings of `Fn::If` do not resolve (an `Fn::Select` of lifecycles, even of 35 days)
    /// keeps them a number of days not known before deploy. Both were copies kept until
    /// deleted before (hostile review 18). A copy kept 35 days of a rule that keeps a day
    /// is one.
    #[test]
    fn a_copy_kept_as_its_source_or_an_unread_lifecycle_is_no_lasting_copy() {
        let plan = json!({ "Ref": "Plan" });
        let rule = |rule_lifecycle: serde_json::Value,
                    copy_lifecycle: Option<serde_json::Value>| {
            let mut rule = copying_rule();
            rule["Lifecycle"] = rule_lifecycle;
            if let Some(lifecycle) = copy_lifecycle {
                rule["CopyActions"][0]["Lifecycle"] = lifecycle;
            }
            rule
        };
        let a_day = json!({ "DeleteAfterDays": 1 });
        let cases = [
            (
                rule(a_day.clone(), Some(json!({ "DeleteAfterDays": 35 }))),
                true,
            ),
            (rule(json!({}), None), true),
            (
                rule(
                    a_day.clone(),
                    Some(json!({ "MoveToColdStorageAfterDays": 30 })),
                ),
                false,
            ),
            (rule(a_day.clone(), Some(json!({}))), false),
            (
                rule(a_day.clone(), Some(json!({ "DeleteAfterDays": -1 }))),
                false,
            ),
            (
                rule(
                    json!({ "DeleteAfterDays": 35 }),
                    Some(json!({ "Fn::Select": ["0", [{ "DeleteAfterDays": 35 }]] })),
                ),
                false,
            ),
            (
                rule(
                    json!({ "Fn::Select": ["0", [{ "DeleteAfterDays": 35 }]] }),
                    None,
                ),
                false,
            ),
        ];
        for (rule, copied) in cases {
            let status = d2_of_a_backup_copy(rule.clone(), plan.clone());
            match status {
                Status::Enforced { .. } if copied => {}
                Status::Gap { reason } if !copied => {
                    assert!(
                        reason.contains("not the two days or more"),
                        "{rule}: {reason}"
                    )
                }
                other => panic!("{rule}: {other:?}"),
            }
        }
    }

    /// What rule D2 finds on an EFS file system of a stack pinned to us-east-1 whose plan
    /// copies daily to `vault`, named by `BackupPlan::copy_to`'s fixed-name ARN, of a stack
    /// pinned to us-west-2 that also holds `others`.
    fn d2_of_a_copy_to(vault: RawResource, others: Vec<RawResource>) -> Status {
        let app = App::new("vaults");
        let data = app.stack_in("data", crate::region!("us-east-1")).unwrap();
        let dr = app.stack_in("dr", crate::region!("us-west-2")).unwrap();
        dr.add(vault.property("BackupVaultName", "dr-vault"))
            .unwrap();
        for other in others {
            dr.add(other).unwrap();
        }
        data.add(RawResource::new("Files", "AWS::EFS::FileSystem").property("Encrypted", true))
            .unwrap();
        let mut rule = copying_rule();
        rule["CopyActions"][0]["DestinationBackupVaultArn"] = json!({
            "Fn::Sub": "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:dr-vault"
        });
        data.add(
            RawResource::new("Plan", "AWS::Backup::BackupPlan")
                .property("/BackupPlan/BackupPlanName", "daily")
                .property("/BackupPlan/BackupPlanRule/0", rule),
        )
        .unwrap();
        data.add(selection(
            json!({ "Ref": "Plan" }),
            "files",
            &[json!({ "Fn::GetAtt": ["Files", "Arn"] })],
        ))
        .unwrap();
        checked_d2(&app, "data", "Files")
    }

    /// A vault of the app that a copy goes to keeps the copy only when it outlives its stack
    /// (`DeletionPolicy` `Retain`), its access policy denies no copy into it, and its key is
    /// of its region and outlives the stack too: a vault deleted with its stack, one whose
    /// policy denies `backup:CopyIntoBackupVault` (by name, by a wildcard, in JSON text), a
    /// key ARN of the store's region, a key of the vault's stack deleted with it, or a key
    /// not known before deploy leave no copy. Each was a copy in another region before
    /// (hostile review 18).
    #[test]
    fn a_vault_deleted_with_its_stack_or_keyed_elsewhere_keeps_no_copy() {
        use crate::cfn::Keep;
        let vault = || RawResource::new("DrVault", "AWS::Backup::BackupVault");
        let key = |keep: Option<Keep>| {
            let key = RawResource::new("DrKey", "AWS::KMS::Key");
            match keep {
                Some(keep) => key.keep(keep),
                None => key,
            }
        };
        let denying = |action: &str| {
            json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "Deny",
                    "Effect": "Deny",
                    "Principal": { "AWS": "*" },
                    "Action": action,
                    "Resource": "*"
                }]
            })
        };
        let keyed =
            |arn: serde_json::Value| vault().keep(Keep::Retain).property("EncryptionKeyArn", arn);
        let cases = [
            (
                "retained, the AWS managed key",
                vault().keep(Keep::Retain),
                vec![],
                None,
            ),
            (
                "retained, a retained key of its stack",
                keyed(json!({ "Fn::GetAtt": ["DrKey", "Arn"] })),
                vec![key(Some(Keep::Retain))],
                None,
            ),
            (
                "retained, a key ARN of its region",
                keyed(json!(
                    "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                )),
                vec![],
                None,
            ),
            ("retained, an alias", keyed(json!("alias/dr")), vec![], None),
            (
                "retained, a policy that denies deleting recovery points",
                vault()
                    .keep(Keep::Retain)
                    .property("AccessPolicy", denying("backup:DeleteRecoveryPoint")),
                vec![],
                None,
            ),
            (
                "a policy that denies copies into it",
                vault()
                    .keep(Keep::Retain)
                    .property("AccessPolicy", denying("backup:CopyIntoBackupVault")),
                vec![],
                Some("may deny `backup:CopyIntoBackupVault`"),
            ),
            (
                "a policy that denies them by a wildcard, in other case",
                vault()
                    .keep(Keep::Retain)
                    .property("AccessPolicy", denying("Backup:Copy*")),
                vec![],
                Some("may deny `backup:CopyIntoBackupVault`"),
            ),
            (
                "a policy written as JSON text that denies them",
                vault()
                    .keep(Keep::Retain)
                    .property("AccessPolicy", json!(denying("backup:*").to_string())),
                vec![],
                Some("may deny `backup:CopyIntoBackupVault`"),
            ),
            (
                "deleted with its stack",
                vault(),
                vec![],
                Some("deleted with its stack"),
            ),
            (
                "a key ARN of the store's region",
                keyed(json!(
                    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                )),
                vec![],
                Some("not known to be of the vault's region"),
            ),
            (
                "a key of its stack deleted with it",
                keyed(json!({ "Fn::GetAtt": ["DrKey", "Arn"] })),
                vec![key(None)],
                Some("leaves every copy unreadable"),
            ),
            (
                "a key not known before deploy",
                keyed(json!("{{resolve:ssm:/dr/key}}")),
                vec![],
                Some("not known to be of the vault's region"),
            ),
        ];
        for (what, vault, others, says) in cases {
            match (d2_of_a_copy_to(vault, others), says) {
                (Status::Enforced { .. }, None) => {}
                (Status::Gap { reason }, Some(says)) => {
                    assert!(reason.contains(says), "{what}: {reason}")
                }
                (other, _) => panic!("{what}: {other:?}"),
            }
        }
    }

    /// A DocumentDB or Neptune cluster that a selection lists by the RDS cluster ARN
    /// written around its `Ref`, in a plan that copies daily to a vault of another region,
    /// has its copy there: neither was listed by any selection before, so that it had no
    /// copy at all (hostile review 18). Its `Ref` alone lists nothing.
    #[test]
    fn a_document_or_graph_cluster_selected_by_its_arn_is_copied() {
        for (type_name, listed, copied) in [
            (
                "AWS::DocDB::DBCluster",
                json!({ "Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:${Cluster}" }),
                true,
            ),
            (
                "AWS::Neptune::DBCluster",
                json!({ "Fn::Join": ["", [{ "Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:" }, { "Ref": "Cluster" }]] }),
                true,
            ),
            ("AWS::DocDB::DBCluster", json!({ "Ref": "Cluster" }), false),
        ] {
            let app = App::new("graphs");
            let data = app.stack_in("data", crate::region!("us-east-1")).unwrap();
            data.add(RawResource::new("Cluster", type_name).property("StorageEncrypted", true))
                .unwrap();
            let mut rule = copying_rule();
            rule["CopyActions"][0]["DestinationBackupVaultArn"] = json!({
                "Fn::Sub": "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:dr"
            });
            data.add(
                RawResource::new("Plan", "AWS::Backup::BackupPlan")
                    .property("/BackupPlan/BackupPlanName", "daily")
                    .property("/BackupPlan/BackupPlanRule/0", rule),
            )
            .unwrap();
            data.add(selection(
                json!({ "Ref": "Plan" }),
                "graphs",
                std::slice::from_ref(&listed),
            ))
            .unwrap();
            let status = checked_d2(&app, "data", "Cluster");
            assert_eq!(
                matches!(status, Status::Enforced { .. }),
                copied,
                "{type_name} {listed}: {status:?}"
            );
        }
    }

    /// An EBS volume whose snapshots a Data Lifecycle Manager policy of its region copies
    /// daily to another region, kept two days or more, has its copy there (none before,
    /// hostile review 18); not when the policy is disabled, targets a tag the volume lacks,
    /// makes snapshots less than daily, keeps copies an unread time or a day, copies with a
    /// key of another region or to the volume's own region, or is of a stack of another
    /// region.
    #[test]
    fn a_volume_copied_by_a_lifecycle_policy_has_a_copy_in_another_region() {
        let policy = || {
            json!({
                "Description": "daily snapshots copied to us-west-2",
                "State": "ENABLED",
                "ExecutionRoleArn": "arn:aws:iam::111122223333:role/AWSDataLifecycleManagerDefaultRole",
                "PolicyDetails": {
                    "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
                    "ResourceTypes": ["VOLUME"],
                    "TargetTags": [{ "Key": "backup", "Value": "dr" }],
                    "Schedules": [{
                        "Name": "daily",
                        "CreateRule": { "Interval": 24, "IntervalUnit": "HOURS", "Times": ["03:00"] },
                        "RetainRule": { "Count": 7 },
                        "CrossRegionCopyRules": [{
                            "Target": "us-west-2",
                            "Encrypted": true,
                            "RetainRule": { "Interval": 7, "IntervalUnit": "DAYS" }
                        }]
                    }]
                }
            })
        };
        let edited = |pointer: &str, value: serde_json::Value| {
            let mut p = policy();
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            let parent = p.pointer_mut(parent).unwrap();
            match key.parse::<usize>() {
                Ok(i) => parent[i] = value,
                Err(_) => parent[key] = value,
            }
            p
        };
        let copy = "/PolicyDetails/Schedules/0/CrossRegionCopyRules/0";
        let cases = [
            ("as written", policy(), true, false),
            (
                "by cron",
                edited(
                    "/PolicyDetails/Schedules/0/CreateRule",
                    json!({ "CronExpression": "cron(0 3 * * ? *)" }),
                ),
                true,
                false,
            ),
            (
                "disabled",
                edited("/State", json!("DISABLED")),
                false,
                false,
            ),
            (
                "another tag",
                edited("/PolicyDetails/TargetTags/0/Value", json!("none")),
                false,
                false,
            ),
            (
                "instances",
                edited("/PolicyDetails/ResourceTypes", json!(["INSTANCE"])),
                false,
                false,
            ),
            (
                "weekly",
                edited(
                    "/PolicyDetails/Schedules/0/CreateRule",
                    json!({ "CronExpression": "cron(0 3 ? * MON *)" }),
                ),
                false,
                false,
            ),
            (
                "kept a day",
                edited(
                    &format!("{copy}/RetainRule"),
                    json!({ "Interval": 1, "IntervalUnit": "DAYS" }),
                ),
                false,
                false,
            ),
            (
                "kept unread",
                edited(&format!("{copy}/RetainRule"), json!(null)),
                false,
                false,
            ),
            (
                "a key of us-east-1",
                edited(
                    &format!("{copy}/CmkArn"),
                    json!(
                        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    ),
                ),
                false,
                false,
            ),
            (
                "a key of us-west-2",
                edited(
                    &format!("{copy}/CmkArn"),
                    json!(
                        "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    ),
                ),
                true,
                false,
            ),
            (
                "to its own region",
                edited(&format!("{copy}/Target"), json!("us-east-1")),
                false,
                false,
            ),
            ("of a stack of us-west-2", policy(), false, true),
        ];
        for (what, properties, copied, elsewhere) in cases {
            let app = App::new("volumes");
            let data = app.stack_in("data", crate::region!("us-east-1")).unwrap();
            let dr = app.stack_in("dr", crate::region!("us-west-2")).unwrap();
            data.add(
                RawResource::new("Volume", "AWS::EC2::Volume")
                    .property("Size", 10)
                    .property("Encrypted", true)
                    .property("Tags", json!([{ "Key": "backup", "Value": "dr" }])),
            )
            .unwrap();
            let mut raw = RawResource::new("Policy", "AWS::DLM::LifecyclePolicy");
            for (k, v) in properties.as_object().unwrap() {
                if !v.is_null() {
                    raw = raw.property(k, v.clone());
                }
            }
            if elsewhere {
                dr.add(raw).unwrap()
            } else {
                data.add(raw).unwrap()
            };
            let status = checked_d2(&app, "data", "Volume");
            assert_eq!(
                matches!(status, Status::Enforced { .. }),
                copied,
                "{what}: {status:?}"
            );
        }
    }

    /// A Redshift Serverless namespace whose `SnapshotCopyConfigurations` copy to another
    /// region (recovery points every 30 minutes, kept a day there) has its copy there, with
    /// a key of that region when the namespace is encrypted with one of the app; not to its
    /// own region, nor with a key of its own region or none. It had none before (hostile
    /// review 18).
    #[test]
    fn a_serverless_namespace_copied_to_another_region_has_its_copy_there() {
        let west = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let east = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        for (what, own_key, configuration, copied) in [
            (
                "a key of us-west-2",
                true,
                json!({ "DestinationRegion": "us-west-2", "DestinationKmsKeyId": west }),
                true,
            ),
            (
                "no key of the app",
                false,
                json!({ "DestinationRegion": "us-west-2" }),
                true,
            ),
            (
                "no destination key",
                true,
                json!({ "DestinationRegion": "us-west-2" }),
                false,
            ),
            (
                "a key of us-east-1",
                true,
                json!({ "DestinationRegion": "us-west-2", "DestinationKmsKeyId": east }),
                false,
            ),
            (
                "its own region",
                true,
                json!({ "DestinationRegion": "us-east-1", "DestinationKmsKeyId": east }),
                false,
            ),
            (
                "a region in capitals",
                false,
                json!({ "DestinationRegion": "US-WEST-2" }),
                false,
            ),
        ] {
            let app = App::new("serverless");
            let data = app.stack_in("data", crate::region!("us-east-1")).unwrap();
            let mut namespace = RawResource::new("Warehouse", "AWS::RedshiftServerless::Namespace")
                .property("NamespaceName", "warehouse")
                .property("/SnapshotCopyConfigurations/0", configuration);
            if own_key {
                namespace = namespace.property("KmsKeyId", east);
            }
            data.add(namespace).unwrap();
            let status = checked_d2(&app, "data", "Warehouse");
            assert_eq!(
                matches!(status, Status::Enforced { .. }),
                copied,
                "{what}: {status:?}"
            );
        }
    }

    /// A DocumentDB or Neptune cluster copied by AWS Backup to a vault ARN whose account is
    /// written as a number (which may be another account) in another region is no copy
    /// there, as an RDS instance's is none: their snapshots are RDS cluster snapshots,
    /// copied across accounts or across regions, not both; with the account
    /// `${AWS::AccountId}` it is (hostile review 19).
    #[test]
    fn a_document_or_graph_cluster_copied_to_a_vault_of_maybe_another_account_is_no_copy() {
        for type_name in ["AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster"] {
            for (account, copied) in [("111122223333", false), ("${AWS::AccountId}", true)] {
                let app = App::new("graphs");
                let data = app.stack_in("data", crate::region!("us-east-1")).unwrap();
                data.add(RawResource::new("Cluster", type_name).property("StorageEncrypted", true))
                    .unwrap();
                let mut rule = copying_rule();
                rule["CopyActions"][0]["DestinationBackupVaultArn"] = json!({
                    "Fn::Sub": format!("arn:${{AWS::Partition}}:backup:us-west-2:{account}:backup-vault:dr")
                });
                data.add(
                    RawResource::new("Plan", "AWS::Backup::BackupPlan")
                        .property("/BackupPlan/BackupPlanName", "daily")
                        .property("/BackupPlan/BackupPlanRule/0", rule),
                )
                .unwrap();
                data.add(selection(
                    json!({ "Ref": "Plan" }),
                    "graphs",
                    &[json!({ "Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:${Cluster}" })],
                ))
                .unwrap();
                match checked_d2(&app, "data", "Cluster") {
                    Status::Enforced { .. } if copied => {}
                    Status::Gap { reason } | Status::Failed { finding: reason } if !copied => {
                        assert!(reason.contains("not both"), "{type_name}: {reason}");
                    }
                    other => panic!("{type_name} {account}: {other:?}"),
                }
            }
        }
    }

    /// A default policy of Data Lifecycle Manager copies only the volumes that nothing else
    /// backs up, which no template shows: its `CrossRegionCopyTargets` are read, and no
    /// copy of them is known, whether written beside the policy or in `PolicyDetails`, and
    /// even beside a custom schedule that would copy (hostile review 19).
    #[test]
    fn a_default_lifecycle_policy_is_read_and_its_copies_are_not_known() {
        let custom = json!({
            "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
            "ResourceTypes": ["VOLUME"],
            "TargetTags": [{ "Key": "backup", "Value": "dr" }],
            "Schedules": [{
                "Name": "daily",
                "CreateRule": { "Interval": 24, "IntervalUnit": "HOURS" },
                "RetainRule": { "Count": 7 },
                "CrossRegionCopyRules": [{ "Target": "us-west-2", "Encrypted": true,
                    "RetainRule": { "Interval": 7, "IntervalUnit": "DAYS" } }]
            }]
        });
        let targets = json!([{ "TargetRegion": "us-west-2", "Encrypted": true }]);
        for (what, properties) in [
            (
                "default, copies beside it",
                json!({ "DefaultPolicy": "VOLUME", "CrossRegionCopyTargets": targets, "RetainInterval": 7 }),
            ),
            (
                "simplified, copies in its details",
                json!({ "PolicyDetails": { "PolicyLanguage": "SIMPLIFIED", "ResourceType": "VOLUME",
                    "CrossRegionCopyTargets": targets } }),
            ),
            (
                "default beside a custom schedule",
                json!({ "DefaultPolicy": "VOLUME", "CrossRegionCopyTargets": targets, "PolicyDetails": custom }),
            ),
        ] {
            let app = App::new("volumes");
            let data = app.stack_in("data", crate::region!("us-east-1")).unwrap();
            app.stack_in("dr", crate::region!("us-west-2")).unwrap();
            data.add(
                RawResource::new("Volume", "AWS::EC2::Volume")
                    .property("Size", 10)
                    .property("Encrypted", true)
                    .property("Tags", json!([{ "Key": "backup", "Value": "dr" }])),
            )
            .unwrap();
            let mut raw = RawResource::new("Policy", "AWS::DLM::LifecyclePolicy")
                .property("State", "ENABLED")
                .property("Description", "default")
                .property(
                    "ExecutionRoleArn",
                    "arn:aws:iam::111122223333:role/AWSDataLifecycleManagerDefaultRole",
                );
            for (k, v) in properties.as_object().unwrap() {
                raw = raw.property(k, v.clone());
            }
            data.add(raw).unwrap();
            match checked_d2(&app, "data", "Volume") {
                Status::Gap { reason } => assert!(
                    reason.contains("the default policy `Policy`"),
                    "{what}: {reason}"
                ),
                other => panic!("{what}: {other:?}"),
            }
        }
    }
}
