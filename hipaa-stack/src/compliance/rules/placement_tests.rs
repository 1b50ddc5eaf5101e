//! Names across regions and accounts: an identifier, a name or an ARN written with
//! `${AWS::Region}` and `${AWS::AccountId}` names a resource of the writer's own region and
//! account (an IAM name, of its account in every region), and an `Fn::ImportValue` reads
//! only the exports of its own region and account. In each test a resource of one stack
//! names, or joins, a resource of another stack of the same name: beside it (the same
//! region and account) the rule reads it as before; when the other stack is pinned to
//! another region, or is of another account's environment, the name is another resource of
//! that region or account, and the rule must not count it (each was a false pass: an
//! instance, a replica, a backup selection, a vault, a group, a log group, a namespace, a
//! grant or a registry configuration of another region or account counted as this one's).

use serde_json::{Value, json};

use crate::cfn::{Expr, Template};
use crate::compliance::Status;
use crate::testing::{export, raw, template};

const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";
const OTHER_ACCOUNT: &str = "222222222222";

/// The statuses of `rule` on `id` in an app of `first` (pinned to us-east-1, of the deploy
/// account) and `second`, pinned to `region` and of the environment's `account` (`None`:
/// the deploy account).
fn placed(
    first: (&str, &Template),
    second: (&str, &Template),
    (region, account): (&str, Option<&str>),
    rule: &str,
    id: &str,
) -> Vec<Status> {
    crate::testing::statuses_placed(
        &[first, second],
        (
            &[Some(EAST.to_owned()), Some(region.to_owned())],
            &[None, account.map(str::to_owned)],
        ),
        rule,
        id,
    )
}

/// [`placed`] with `second` beside `first`, in another region, and of another account.
fn beside_elsewhere_and_abroad(
    first: (&str, &Template),
    second: (&str, &Template),
    rule: &str,
    id: &str,
) -> [Vec<Status>; 3] {
    [
        placed(first, second, (EAST, None), rule, id),
        placed(first, second, (WEST, None), rule, id),
        placed(first, second, (EAST, Some(OTHER_ACCOUNT)), rule, id),
    ]
}

fn enforced(statuses: &[Status]) -> bool {
    matches!(statuses, [Status::Enforced { .. }])
}

/// Of [`beside_elsewhere_and_abroad`]'s statuses: enforced beside, and one failure that
/// says `says` elsewhere and abroad.
fn fails_only_beside(found: [Vec<Status>; 3], says: &str) {
    only_beside(found, says, |s| match s {
        Status::Failed { finding } => Some(finding),
        _ => None,
    });
}

/// Of [`beside_elsewhere_and_abroad`]'s statuses: enforced beside, and one gap that says
/// `says` elsewhere and abroad.
fn gap_only_beside(found: [Vec<Status>; 3], says: &str) {
    only_beside(found, says, |s| match s {
        Status::Gap { reason, .. } => Some(reason),
        _ => None,
    });
}

fn only_beside(found: [Vec<Status>; 3], says: &str, text: fn(&Status) -> Option<&String>) {
    let [beside, elsewhere, abroad] = found;
    assert!(enforced(&beside), "{beside:?}");
    for other in [elsewhere, abroad] {
        assert!(
            matches!(other.as_slice(), [one] if text(one).is_some_and(|t| t.contains(says))),
            "{other:?}"
        );
    }
}

/// R5: an Aurora instance of another stack that joins the cluster by its identifier, written
/// as text, joins it only in the cluster's region and account; one of another region or
/// account joins that region's or account's cluster of the same identifier, and this one
/// keeps a single instance.
#[test]
fn r5_counts_no_instance_named_in_another_region_or_account() {
    let data = template(
        vec![
            raw(
                "C",
                "AWS::RDS::DBCluster",
                json!({ "Engine": "aurora-postgresql", "StorageEncrypted": true,
                    "DBClusterIdentifier": "ehr" }),
            ),
            raw(
                "First",
                "AWS::RDS::DBInstance",
                json!({ "Engine": "aurora-postgresql", "DBClusterIdentifier": { "Ref": "C" } }),
            ),
        ],
        Vec::new(),
    );
    let readers = template(
        vec![raw(
            "Second",
            "AWS::RDS::DBInstance",
            json!({ "Engine": "aurora-postgresql", "DBClusterIdentifier": "EHR" }),
        )],
        Vec::new(),
    );
    fails_only_beside(
        beside_elsewhere_and_abroad(("data", &data), ("readers", &readers), "R5", "C"),
        "one instance",
    );
}

/// A database `Db` of `data`, exported by its ARN, and a backup plan of `backup` whose
/// selection imports it and copies its recovery points daily to a vault of us-west-2.
fn database_and_backup() -> (Template, Template) {
    let data = template(
        vec![raw(
            "Db",
            "AWS::RDS::DBInstance",
            json!({ "Engine": "postgres", "StorageEncrypted": true }),
        )],
        vec![export("data:Db:Arn", Expr::get_att("Db", "DBInstanceArn"))],
    );
    let backup = template(
        vec![
            raw(
                "Plan",
                "AWS::Backup::BackupPlan",
                json!({ "BackupPlan": {
                    "BackupPlanName": "daily",
                    "BackupPlanRule": [{
                        "RuleName": "daily",
                        "TargetBackupVault": "vault",
                        "ScheduleExpression": "cron(0 5 ? * * *)",
                        "Lifecycle": { "DeleteAfterDays": 35 },
                        "CopyActions": [{
                            "DestinationBackupVaultArn": { "Fn::Sub":
                                "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:dr" },
                            "Lifecycle": { "DeleteAfterDays": 35 }
                        }]
                    }]
                } }),
            ),
            raw(
                "Selection",
                "AWS::Backup::BackupSelection",
                json!({
                    "BackupPlanId": { "Ref": "Plan" },
                    "BackupSelection": {
                        "SelectionName": "db",
                        "IamRoleArn": "arn:aws:iam::123456789012:role/backup",
                        "Resources": [{ "Fn::ImportValue": "data:Db:Arn" }]
                    }
                }),
            ),
        ],
        Vec::new(),
    );
    (data, backup)
}

/// D2: a backup selection of a stack of the database's region but of another account imports
/// that account's export of the name, never the database's: its plan's copies to another
/// region are no copies of this database (the disaster-recovery table compared the two
/// stacks' regions only, and read the selection as the database's).
#[test]
fn d2_reads_no_backup_selection_of_another_account() {
    let (data, backup) = database_and_backup();
    let [beside, elsewhere, abroad] =
        beside_elsewhere_and_abroad(("data", &data), ("backup", &backup), "D2", "Db");
    assert!(
        matches!(beside.as_slice(), [Status::Enforced { evidence }]
            if evidence[0].logical_id == "backup/Plan"),
        "{beside:?}"
    );
    for other in [elsewhere, abroad] {
        assert!(!enforced(&other), "{other:?}");
    }
}

/// D2: a read replica of a stack pinned to another region names its source by an ARN of
/// `${AWS::AccountId}`, its own account: of the source's account it is the source's copy
/// in another region; of another account it replicates that account's database of the
/// same identifier, and is no copy of this one. A replica whose source ARN writes its
/// account as a number may replicate any account's database: it has no copy of the app in
/// that region.
#[test]
fn d2_counts_no_read_replica_of_another_account() {
    let data = template(
        vec![raw(
            "Source",
            "AWS::RDS::DBInstance",
            json!({ "Engine": "postgres", "StorageEncrypted": true,
                "DBInstanceIdentifier": "ehr-main" }),
        )],
        Vec::new(),
    );
    let replica = |source: Value| {
        template(
            vec![raw(
                "Replica",
                "AWS::RDS::DBInstance",
                json!({ "SourceDBInstanceIdentifier": source, "StorageEncrypted": true }),
            )],
            Vec::new(),
        )
    };
    let own = replica(json!({ "Fn::Sub":
        "arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:db:ehr-main" }));
    let first = ("data", &data);
    let dr = ("dr", &own);
    let same = placed(first, dr, (WEST, None), "D2", "Source");
    assert!(
        matches!(same.as_slice(), [Status::Enforced { evidence }]
            if evidence[0].logical_id == "dr/Replica"),
        "{same:?}"
    );
    let abroad = placed(first, dr, (WEST, Some(OTHER_ACCOUNT)), "D2", "Source");
    assert!(!enforced(&abroad), "{abroad:?}");
    // The replica's own copy: its source in us-east-1, of its account.
    assert!(enforced(&placed(first, dr, (WEST, None), "D2", "Replica")));
    let numbered = replica(json!("arn:aws:rds:us-east-1:111122223333:db:ehr-main"));
    let replica_d2 = placed(first, ("dr", &numbered), (WEST, None), "D2", "Replica");
    assert!(!enforced(&replica_d2), "{replica_d2:?}");
}

/// D2: a cluster of a stack pinned to another region that names an Aurora global database
/// by its identifier joins the global database of its own account: of the global
/// database's account it is the primary cluster's copy in another region, of another
/// account a member of that account's global database of the same identifier.
#[test]
fn d2_counts_no_global_database_member_of_another_account() {
    let primary = template(
        vec![
            raw(
                "Global",
                "AWS::RDS::GlobalCluster",
                json!({ "GlobalClusterIdentifier": "ehr-global" }),
            ),
            raw(
                "Cluster",
                "AWS::RDS::DBCluster",
                json!({ "Engine": "aurora-postgresql", "StorageEncrypted": true,
                    "GlobalClusterIdentifier": { "Ref": "Global" } }),
            ),
        ],
        Vec::new(),
    );
    let secondary = template(
        vec![raw(
            "Secondary",
            "AWS::RDS::DBCluster",
            json!({ "Engine": "aurora-postgresql", "GlobalClusterIdentifier": "ehr-global" }),
        )],
        Vec::new(),
    );
    let first = ("primary", &primary);
    let dr = ("dr", &secondary);
    let same = placed(first, dr, (WEST, None), "D2", "Cluster");
    assert!(
        matches!(same.as_slice(), [Status::Enforced { evidence }]
            if evidence[0].logical_id == "dr/Secondary"),
        "{same:?}"
    );
    for cluster in ["Cluster", "Secondary"] {
        let abroad = placed(first, dr, (WEST, Some(OTHER_ACCOUNT)), "D2", cluster);
        assert!(!enforced(&abroad), "{cluster}: {abroad:?}");
    }
}

/// B2's two templates: `backup`, whose plan copies to the vault
/// `arn:…:backup:us-west-2:${AWS::AccountId}:backup-vault:dr`, and `dr`, which declares a
/// vault named `dr`.
fn b2_templates() -> (Template, Template) {
    let backup = template(
        vec![
            raw(
                "Local",
                "AWS::Backup::BackupVault",
                json!({ "BackupVaultName": "local" }),
            ),
            raw(
                "Plan",
                "AWS::Backup::BackupPlan",
                json!({ "BackupPlan": {
                    "BackupPlanName": "daily",
                    "BackupPlanRule": [{
                        "RuleName": "daily",
                        "TargetBackupVault": { "Ref": "Local" },
                        "CopyActions": [{
                            "DestinationBackupVaultArn": { "Fn::Sub":
                                "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:dr" }
                        }]
                    }]
                } }),
            ),
        ],
        Vec::new(),
    );
    let dr = template(
        vec![raw(
            "Dr",
            "AWS::Backup::BackupVault",
            json!({ "BackupVaultName": "dr" }),
        )],
        Vec::new(),
    );
    (backup, dr)
}

/// B2: a copy action to `arn:…:backup:us-west-2:${AWS::AccountId}:backup-vault:dr` copies
/// to the vault `dr` of the plan's account in us-west-2: a vault of that name of a stack of
/// us-west-2 and the plan's account is the app's, whose access policy B2 reads there; one
/// of another account, or of a stack pinned to another region, is another vault.
#[test]
fn b2_reads_no_copy_vault_of_another_account_or_region() {
    let (backup, dr) = b2_templates();
    let first = ("backup", &backup);
    let second = ("dr", &dr);
    let there = placed(first, second, (WEST, None), "B2", "Plan");
    assert!(enforced(&there), "{there:?}");
    for place in [(WEST, Some(OTHER_ACCOUNT)), ("eu-west-1", None)] {
        let other = placed(first, second, place, "B2", "Plan");
        assert!(
            matches!(other.as_slice(), [Status::Gap { reason, .. }] if reason.contains("no backup vault of the app")),
            "{place:?}: {other:?}"
        );
    }
}

/// I2: an IAM group's name is one of an account, in every region: a user's `Groups` entry
/// written as text names the group of that name of the user's account, which a stack of
/// another region of the account declares; a group of that name in another account's stack
/// is that account's, and the user's group is none of the app.
#[test]
fn i2_reads_no_group_of_another_account() {
    let people = template(
        vec![raw(
            "U",
            "AWS::IAM::User",
            json!({ "Groups": ["clinicians"] }),
        )],
        Vec::new(),
    );
    let groups = template(
        vec![raw(
            "G",
            "AWS::IAM::Group",
            json!({ "GroupName": "clinicians" }),
        )],
        Vec::new(),
    );
    let [beside, elsewhere, abroad] =
        beside_elsewhere_and_abroad(("people", &people), ("groups", &groups), "I2", "U");
    assert!(enforced(&beside), "{beside:?}");
    assert!(enforced(&elsewhere), "{elsewhere:?}");
    assert!(
        matches!(abroad.as_slice(), [Status::Failed { finding }] if finding.contains("no template of the app holds")),
        "{abroad:?}"
    );
}

/// A log group, by `name`, encrypted and kept a year.
fn log_group(name: &str) -> Template {
    template(
        vec![raw(
            "L",
            "AWS::Logs::LogGroup",
            json!({ "LogGroupName": name, "RetentionInDays": 365,
                "KmsKeyId": { "Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/k" } }),
        )],
        Vec::new(),
    )
}

/// E13: a flow log that delivers to `LogGroupName` delivers to the group of that name in its
/// own region and account: a group of that name in a stack of another region or account is
/// another group, and the flow log's is none of the app (VPC flow logs create it, not
/// encrypted and never expiring).
#[test]
fn e13_reads_no_log_group_named_in_another_region_or_account() {
    let network = template(
        vec![
            raw(
                "Vpc",
                "AWS::EC2::VPC",
                json!({ "CidrBlock": "10.0.0.0/16" }),
            ),
            raw(
                "F",
                "AWS::EC2::FlowLog",
                json!({
                    "ResourceId": { "Ref": "Vpc" }, "ResourceType": "VPC", "TrafficType": "ALL",
                    "LogGroupName": "vpc-flow",
                    "DeliverLogsPermissionArn": { "Fn::Sub":
                        "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/flow" }
                }),
            ),
        ],
        Vec::new(),
    );
    let logs = log_group("vpc-flow");
    gap_only_beside(
        beside_elsewhere_and_abroad(("network", &network), ("logs", &logs), "E13", "Vpc"),
        "no log group, bucket or delivery stream of the app",
    );
}

/// A4E: a stage whose access logs go to `arn:…:logs:${AWS::Region}:${AWS::AccountId}:
/// log-group:api-access` writes to the group of that name of its own region and account; a
/// group of that name in a stack of another region or account is another group.
#[test]
fn a4e_reads_no_log_group_named_in_another_region_or_account() {
    let api = template(
        vec![raw(
            "Stage",
            "AWS::ApiGatewayV2::Stage",
            json!({
                "ApiId": "a1b2c3",
                "StageName": "prod",
                "AccessLogSettings": {
                    "DestinationArn": { "Fn::Sub":
                        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:api-access" },
                    "Format": "$context.requestId"
                }
            }),
        )],
        Vec::new(),
    );
    let logs = log_group("api-access");
    fails_only_beside(
        beside_elsewhere_and_abroad(("api", &api), ("logs", &logs), "A4E", "Stage"),
        "no log group of the app",
    );
}

/// F4: a web ACL that logs to `arn:aws:firehose:${AWS::Region}:${AWS::AccountId}:
/// deliverystream/NAME` logs to the stream of that name of its own region and account; a
/// stream of that name in a stack of another region or account is another stream.
#[test]
fn f4_reads_no_firehose_stream_named_in_another_region_or_account() {
    let web = template(
        vec![
            raw(
                "Lb",
                "AWS::ElasticLoadBalancingV2::LoadBalancer",
                json!({
                    "Scheme": "internet-facing",
                    "Subnets": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
                }),
            ),
            raw(
                "Acl",
                "AWS::WAFv2::WebACL",
                json!({
                    "Scope": "REGIONAL", "DefaultAction": { "Allow": {} },
                    "Rules": [{ "Name": "common", "Action": { "Block": {} } }]
                }),
            ),
            raw(
                "Association",
                "AWS::WAFv2::WebACLAssociation",
                json!({ "ResourceArn": { "Ref": "Lb" }, "WebACLArn": { "Fn::GetAtt": ["Acl", "Arn"] } }),
            ),
            raw(
                "Logging",
                "AWS::WAFv2::LoggingConfiguration",
                json!({
                    "ResourceArn": { "Fn::GetAtt": ["Acl", "Arn"] },
                    "LogDestinationConfigs": [{ "Fn::Sub":
                        "arn:aws:firehose:${AWS::Region}:${AWS::AccountId}:deliverystream/aws-waf-logs-edge" }]
                }),
            ),
        ],
        Vec::new(),
    );
    let streams = template(
        vec![raw(
            "S",
            "AWS::KinesisFirehose::DeliveryStream",
            json!({ "DeliveryStreamName": "aws-waf-logs-edge" }),
        )],
        Vec::new(),
    );
    gap_only_beside(
        beside_elsewhere_and_abroad(("web", &web), ("logs", &streams), "F4", "Lb"),
        "no bucket or Firehose stream of the app",
    );
}

/// EC1: an ElastiCache user is one of a region and account: a user group's `UserIds` entry
/// written as text names the user of that id in the group's region and account, not the
/// user of that id of a stack of another region or account.
#[test]
fn ec1_reads_no_cache_user_of_another_region_or_account() {
    let group = template(
        vec![raw(
            "G",
            "AWS::ElastiCache::UserGroup",
            json!({ "Engine": "redis", "UserGroupId": "clinic", "UserIds": ["app-user"] }),
        )],
        Vec::new(),
    );
    let users = template(
        vec![raw(
            "U",
            "AWS::ElastiCache::User",
            json!({ "Engine": "redis", "UserId": "app-user", "UserName": "app",
                "AccessString": "on ~app:* +get", "AuthenticationMode": { "Type": "iam" } }),
        )],
        Vec::new(),
    );
    fails_only_beside(
        beside_elsewhere_and_abroad(("cache", &group), ("users", &users), "EC1", "G"),
        "no user of the app",
    );
}

/// RS4: a Redshift Serverless workgroup serves the namespace its `NamespaceName` names in its
/// own region and account: a namespace of that name in a stack of another region or account
/// is another's.
#[test]
fn rs4_reads_no_namespace_of_another_region_or_account() {
    let workgroup = template(
        vec![raw(
            "W",
            "AWS::RedshiftServerless::Workgroup",
            json!({ "WorkgroupName": "w", "NamespaceName": "records",
                "PubliclyAccessible": false, "EnhancedVpcRouting": true,
                "ConfigParameters": [{ "ParameterKey": "require_ssl", "ParameterValue": "true" }] }),
        )],
        Vec::new(),
    );
    let namespace = template(
        vec![raw(
            "N",
            "AWS::RedshiftServerless::Namespace",
            json!({ "NamespaceName": "records" }),
        )],
        Vec::new(),
    );
    fails_only_beside(
        beside_elsewhere_and_abroad(("query", &workgroup), ("data", &namespace), "RS4", "W"),
        "names no `AWS::RedshiftServerless::Namespace` of the app",
    );
}

/// RS1: a cluster that copies its snapshots to us-west-2 encrypts them there with the key of
/// the snapshot copy grant of that name in us-west-2 and its own account: a grant of that
/// name in a stack of another account, or pinned to another region, is not the one used.
#[test]
fn rs1_reads_no_snapshot_copy_grant_of_another_region_or_account() {
    let (warehouse, grants) = warehouse_and_grant();
    let first = ("warehouse", &warehouse);
    let second = ("dr", &grants);
    let there = placed(first, second, (WEST, None), "RS1", "Rc");
    assert!(
        matches!(there.as_slice(), [Status::Enforced { evidence }]
            if evidence.iter().any(|p| p.logical_id == "dr/Grant")),
        "{there:?}"
    );
    for place in [(WEST, Some(OTHER_ACCOUNT)), ("eu-west-1", None)] {
        let other = placed(first, second, place, "RS1", "Rc");
        assert!(
            matches!(other.as_slice(), [Status::Failed { finding }] if finding.contains("names no `AWS::Redshift::SnapshotCopyGrant` of the app")),
            "{place:?}: {other:?}"
        );
    }
}

/// RS1: the key of the snapshot copy grant, which no rule reads on the grant itself, is
/// read on both branches of an `Fn::If` (the conditions of the grant a cluster names are
/// resolved as the cluster's own are): a key of another account, or an AWS-managed key, on
/// either branch encrypts the copies of the snapshots in us-west-2 at another's will, and
/// fails; a key of the app on both passes.
#[test]
fn rs1_reads_both_branches_of_the_key_of_the_snapshot_copy_grant() {
    let (warehouse, grants) = warehouse_and_grant();
    let own = json!({ "Fn::Sub": "arn:${AWS::Partition}:kms:us-west-2:${AWS::AccountId}:key/k" });
    let judged = |key: Value| {
        let mut grants = grants.clone();
        let grant = grants.resources.remove(0);
        let mut properties = grant.properties().clone();
        properties["KmsKeyId"] = key;
        grants
            .resources
            .push(raw("Grant", "AWS::Redshift::SnapshotCopyGrant", properties));
        placed(
            ("warehouse", &warehouse),
            ("dr", &grants),
            (WEST, None),
            "RS1",
            "Rc",
        )
    };
    let both = judged(json!({ "Fn::If": ["Dr", own.clone(),
        { "Fn::Sub": "arn:${AWS::Partition}:kms:us-west-2:${AWS::AccountId}:alias/dr" }] }));
    assert!(
        matches!(both.as_slice(), [Status::Enforced { .. }]),
        "{both:?}"
    );
    for one in [
        json!({ "Fn::If": ["Dr", own.clone(), "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"] }),
        json!({ "Fn::If": ["Dr", { "Fn::Join": [":", ["arn:aws:kms:us-west-2", "111122223333", "key/k"]] }, own.clone()] }),
        json!({ "Fn::If": ["Dr", own.clone(), "alias/aws/redshift"] }),
    ] {
        let found = judged(one.clone());
        assert!(
            matches!(found.as_slice(), [Status::Failed { finding }]
                if finding.contains("when `dr/Dr` is") && finding.contains("`KmsKeyId`")),
            "{one}: {found:?}"
        );
    }
}

/// A Redshift cluster `Rc` of `warehouse` that copies its snapshots to us-west-2 with the
/// grant `dr-grant`, and a stack that declares a grant of that name.
fn warehouse_and_grant() -> (Template, Template) {
    let key = |region: &str| json!({ "Fn::Sub": format!("arn:${{AWS::Partition}}:kms:{region}:${{AWS::AccountId}}:key/k") });
    let warehouse = template(
        vec![raw(
            "Rc",
            "AWS::Redshift::Cluster",
            json!({ "Encrypted": true, "KmsKeyId": key(EAST), "PubliclyAccessible": false,
                "DestinationRegion": WEST, "SnapshotCopyGrantName": "dr-grant" }),
        )],
        Vec::new(),
    );
    let grants = template(
        vec![raw(
            "Grant",
            "AWS::Redshift::SnapshotCopyGrant",
            json!({ "SnapshotCopyGrantName": "dr-grant", "KmsKeyId": key(WEST) }),
        )],
        Vec::new(),
    );
    (warehouse, grants)
}

/// ECR1: a registry scanning configuration is one of a registry, a region and account: one
/// of a stack of another region or account scans that registry, not this repository's,
/// whose own `ScanOnPush` (false here) is then what holds.
#[test]
fn ecr1_reads_no_registry_scanning_of_another_region_or_account() {
    let repository = template(
        vec![raw(
            "Repo",
            "AWS::ECR::Repository",
            json!({ "RepositoryName": "app", "ImageTagMutability": "IMMUTABLE",
                "ImageScanningConfiguration": { "ScanOnPush": false } }),
        )],
        Vec::new(),
    );
    let registry = template(
        vec![raw(
            "Scan",
            "AWS::ECR::RegistryScanningConfiguration",
            json!({ "ScanType": "BASIC", "Rules": [{ "ScanFrequency": "SCAN_ON_PUSH",
                "RepositoryFilters": [{ "Filter": "*", "FilterType": "WILDCARD" }] }] }),
        )],
        Vec::new(),
    );
    fails_only_beside(
        beside_elsewhere_and_abroad(
            ("images", &repository),
            ("registry", &registry),
            "ECR1",
            "Repo",
        ),
        "`ImageScanningConfiguration.ScanOnPush` is false",
    );
}

/// E15: a route to the internet whose `GatewayId` imports a gateway reads the export of its
/// own region and account: a NAT gateway exported under that name by a stack of another
/// region or account is another region's or account's export, and the route's gateway is
/// none the app shows (before, it was read as that NAT gateway, and the rule did not
/// apply).
#[test]
fn e15_reads_no_gateway_exported_in_another_region_or_account() {
    let routes = template(
        vec![
            raw(
                "Vpc",
                "AWS::EC2::VPC",
                json!({ "CidrBlock": "10.0.0.0/16" }),
            ),
            raw(
                "Table",
                "AWS::EC2::RouteTable",
                json!({ "VpcId": { "Ref": "Vpc" } }),
            ),
            raw(
                "Private",
                "AWS::EC2::Subnet",
                json!({ "VpcId": { "Ref": "Vpc" }, "CidrBlock": "10.0.1.0/24",
                    "MapPublicIpOnLaunch": false }),
            ),
            raw(
                "Routed",
                "AWS::EC2::SubnetRouteTableAssociation",
                json!({ "RouteTableId": { "Ref": "Table" }, "SubnetId": { "Ref": "Private" } }),
            ),
            raw(
                "Out",
                "AWS::EC2::Route",
                json!({ "RouteTableId": { "Ref": "Table" }, "DestinationCidrBlock": "0.0.0.0/0",
                    "GatewayId": { "Fn::ImportValue": "net:Gw:Ref" } }),
            ),
        ],
        Vec::new(),
    );
    let gateways = template(
        vec![raw(
            "Gw",
            "AWS::EC2::NatGateway",
            json!({ "SubnetId": "subnet-0a1b2c3d4e5f60718" }),
        )],
        vec![export("net:Gw:Ref", Expr::reference("Gw"))],
    );
    let [beside, elsewhere, abroad] =
        beside_elsewhere_and_abroad(("routes", &routes), ("net", &gateways), "E15", "Out");
    // The rule does not apply to a route to another gateway than an internet one.
    assert!(beside.is_empty(), "{beside:?}");
    for other in [elsewhere, abroad] {
        assert!(
            matches!(
                other.as_slice(),
                [Status::Failed { .. } | Status::Gap { .. }]
            ),
            "{other:?}"
        );
    }
}

/// E15 reads a public subnet's stores, its route table and its subnet in every stack of the
/// route's region and account, through the import of an export of them, as it reads them in
/// one stack: a database subnet group of another stack that imports the public subnet
/// places PHI in it (before, only the subnet's own stack was read, and the route to the
/// internet gateway held); a route that imports its table, and an association that
/// imports its subnet, of a stack beside it hold for a public subnet (before, each failed
/// as "not in its template"). An import made in another region or account reads another
/// export: the store there is not in this subnet, and the table and the subnet there are
/// none the app shows.
#[test]
fn e15_reads_a_subnet_route_table_and_store_of_another_stack() {
    let public = |id: &str| {
        raw(
            id,
            "AWS::EC2::Subnet",
            json!({ "VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.1.0/24",
                "MapPublicIpOnLaunch": true }),
        )
    };
    let route = |table: Value| {
        raw(
            "Out",
            "AWS::EC2::Route",
            json!({ "RouteTableId": table, "DestinationCidrBlock": "0.0.0.0/0",
                "GatewayId": "igw-0123456789abcdef0" }),
        )
    };
    let table = || {
        raw(
            "Rt",
            "AWS::EC2::RouteTable",
            json!({ "VpcId": "vpc-0123456789abcdef0" }),
        )
    };
    let association = |subnet: Value| {
        raw(
            "A",
            "AWS::EC2::SubnetRouteTableAssociation",
            json!({ "RouteTableId": { "Ref": "Rt" }, "SubnetId": subnet }),
        )
    };
    // A store of another stack placed in the public subnet.
    let net = template(
        vec![
            route(json!({ "Ref": "Rt" })),
            table(),
            public("Sn"),
            association(json!({ "Ref": "Sn" })),
        ],
        vec![export("net:Sn:Ref", Expr::reference("Sn"))],
    );
    let data = template(
        vec![raw(
            "Db",
            "AWS::RDS::DBSubnetGroup",
            json!({ "DBSubnetGroupDescription": "d",
                "SubnetIds": [{ "Fn::ImportValue": "net:Sn:Ref" }] }),
        )],
        Vec::new(),
    );
    let [beside, elsewhere, abroad] =
        beside_elsewhere_and_abroad(("net", &net), ("data", &data), "E15", "Out");
    assert!(
        matches!(beside.as_slice(), [Status::Failed { finding }] if finding.contains("data/Db")),
        "{beside:?}"
    );
    for other in [elsewhere, abroad] {
        assert!(enforced(&other), "{other:?}");
    }
    // The route imports the table, whose association imports the subnet.
    let routes = template(
        vec![route(json!({ "Fn::ImportValue": "net:Rt:Ref" }))],
        Vec::new(),
    );
    let tables = template(
        vec![
            table(),
            association(json!({ "Fn::ImportValue": "subnets:Sn:Ref" })),
        ],
        vec![export("net:Rt:Ref", Expr::reference("Rt"))],
    );
    let subnets = template(
        vec![public("Sn")],
        vec![export("subnets:Sn:Ref", Expr::reference("Sn"))],
    );
    let found = crate::testing::statuses(
        &[("routes", &routes), ("net", &tables), ("subnets", &subnets)],
        "E15",
        "Out",
    );
    assert!(enforced(&found), "{found:?}");
    let [_, elsewhere, abroad] =
        beside_elsewhere_and_abroad(("routes", &routes), ("net", &tables), "E15", "Out");
    for other in [elsewhere, abroad] {
        assert!(
            matches!(other.as_slice(), [Status::Failed { .. }]),
            "{other:?}"
        );
    }
}

/// E1, E4, E5 and E8 read a launch template of another stack that an instance launches
/// from by the import of its export ("returns the value of an output exported by another
/// stack", `Fn::ImportValue`), where it is declared: its metadata options, and the subnet
/// its interface names, a subnet of its stack (here public, beside a private subnet of the
/// instance's stack of the same logical id, which is not the one launched into), with the
/// version the import of its `LatestVersionNumber` names followed as updated. Before, each
/// failed as launching from no launch template of the app. An import of its
/// `LatestVersionNumber` as the id names no launch template; an import made in another
/// region or account names another.
#[test]
fn an_instance_reads_its_launch_template_in_another_stack() {
    let shared = |data: Value| {
        template(
            vec![
                raw(
                    "T",
                    "AWS::EC2::LaunchTemplate",
                    json!({ "LaunchTemplateData": data }),
                ),
                raw(
                    "S",
                    "AWS::EC2::Subnet",
                    json!({ "VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.1.0/24",
                        "MapPublicIpOnLaunch": true }),
                ),
            ],
            vec![
                export("shared:T:Ref", Expr::reference("T")),
                export(
                    "shared:T:Version",
                    Expr::get_att("T", "LatestVersionNumber"),
                ),
            ],
        )
    };
    let instance = |id: &str| {
        template(
            vec![
                raw(
                    "I",
                    "AWS::EC2::Instance",
                    json!({ "ImageId": "ami-0123456789abcdef0", "LaunchTemplate": {
                        "LaunchTemplateId": { "Fn::ImportValue": id },
                        "Version": { "Fn::ImportValue": "shared:T:Version" } } }),
                ),
                raw(
                    "S",
                    "AWS::EC2::Subnet",
                    json!({ "VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.2.0/24",
                        "MapPublicIpOnLaunch": false }),
                ),
            ],
            Vec::new(),
        )
    };
    let required = shared(json!({ "MetadataOptions": { "HttpTokens": "required" } }));
    let app = instance("shared:T:Ref");
    let [beside, elsewhere, abroad] =
        beside_elsewhere_and_abroad(("app", &app), ("shared", &required), "E4", "I");
    assert!(enforced(&beside), "{beside:?}");
    for other in [elsewhere, abroad] {
        assert!(
            matches!(other.as_slice(), [Status::Failed { .. }]),
            "{other:?}"
        );
    }
    let optional = shared(json!({ "MetadataOptions": { "HttpTokens": "optional" } }));
    let found = crate::testing::statuses(&[("app", &app), ("shared", &optional)], "E4", "I");
    assert!(
        matches!(found.as_slice(), [Status::Failed { .. }]),
        "{found:?}"
    );
    let by_version = instance("shared:T:Version");
    let found = crate::testing::statuses(&[("app", &by_version), ("shared", &required)], "E4", "I");
    assert!(
        matches!(found.as_slice(), [Status::Failed { .. }]),
        "{found:?}"
    );
    // The interface's subnet is the public subnet of the launch template's stack.
    let into_public = shared(json!({ "NetworkInterfaces": [{
        "DeviceIndex": "0", "SubnetId": { "Ref": "S" } }] }));
    let found = crate::testing::statuses(&[("app", &app), ("shared", &into_public)], "E5", "I");
    assert!(
        matches!(found.as_slice(), [Status::Failed { finding }] if finding.contains("maps public addresses")),
        "{found:?}"
    );
    let monitored = shared(json!({ "Monitoring": { "Enabled": true }, "EbsOptimized": true }));
    let found = crate::testing::statuses(&[("app", &app), ("shared", &monitored)], "E8", "I");
    assert!(enforced(&found), "{found:?}");
}

/// E1 reads a volume of another stack that an attachment names by the import of its export
/// as a volume of the app, which E1 reads where it is declared (before, it failed as "no
/// volume of this template"); an import made in another region or account names another.
#[test]
fn e1_reads_an_attached_volume_of_another_stack() {
    let shared = template(
        vec![raw(
            "V",
            "AWS::EC2::Volume",
            json!({ "AvailabilityZone": "us-east-1a", "Size": 10, "Encrypted": true,
                "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" }),
        )],
        vec![export("shared:V:Ref", Expr::reference("V"))],
    );
    let app = template(
        vec![raw(
            "A",
            "AWS::EC2::VolumeAttachment",
            json!({ "InstanceId": "i-0123456789abcdef0", "Device": "/dev/sdf",
                "VolumeId": { "Fn::ImportValue": "shared:V:Ref" } }),
        )],
        Vec::new(),
    );
    let [beside, elsewhere, abroad] =
        beside_elsewhere_and_abroad(("app", &app), ("shared", &shared), "E1", "A");
    assert!(enforced(&beside), "{beside:?}");
    for other in [elsewhere, abroad] {
        assert!(
            matches!(other.as_slice(), [Status::Failed { .. }]),
            "{other:?}"
        );
    }
}

/// ECR1: a replication rule copies the repository to each destination's registry (its
/// `Region` and `RegistryId`), where ECR creates the copy with mutable tags unless the
/// repository is declared there: a repository of the same name in a stack of that region
/// and account is that copy; one in a stack pinned to another region, or of another
/// account's environment, is another registry's.
#[test]
fn ecr1_reads_no_replica_repository_of_another_region_or_account() {
    let (images, copies) = images_and_copy(json!({ "Ref": "AWS::AccountId" }));
    let first = ("images", &images);
    let second = ("dr", &copies);
    let there = placed(first, second, (WEST, None), "ECR1", "Repo");
    assert!(enforced(&there), "{there:?}");
    for place in [(WEST, Some(OTHER_ACCOUNT)), ("eu-west-1", None)] {
        let other = placed(first, second, place, "ECR1", "Repo");
        assert!(
            matches!(other.as_slice(), [Status::Failed { finding }] if finding.contains("copies this repository")),
            "{place:?}: {other:?}"
        );
    }
}

/// A repository `Repo` of `images` replicated to us-west-2 in the registry `registry`, and
/// a stack that declares a repository of its name, with immutable tags.
fn images_and_copy(registry: Value) -> (Template, Template) {
    let images = template(
        vec![
            raw(
                "Repo",
                "AWS::ECR::Repository",
                json!({ "RepositoryName": "app", "ImageTagMutability": "IMMUTABLE",
                    "ImageScanningConfiguration": { "ScanOnPush": true } }),
            ),
            raw(
                "Replication",
                "AWS::ECR::ReplicationConfiguration",
                json!({ "ReplicationConfiguration": { "Rules": [{
                    "Destinations": [{ "Region": WEST, "RegistryId": registry }]
                }] } }),
            ),
        ],
        Vec::new(),
    );
    let copies = template(
        vec![raw(
            "Copy",
            "AWS::ECR::Repository",
            json!({ "RepositoryName": "app", "ImageTagMutability": "IMMUTABLE" }),
        )],
        Vec::new(),
    );
    (images, copies)
}

// A stack declared with `app.stack` (no environment, no region) deploys to the region and
// account of the run, which no template shows: beside another such stack it is in the same
// place; beside a stack pinned to a region (or of an environment's account), or a region
// written as text, it may be there or not. A name read in it, or naming a resource of it,
// is the same resource only where the app shows the two in one place: each test below
// passed on the old code, which read a stack of the run's region as of every region.

/// The statuses of `rule` on `id` in an app of `first` and `second` of the deploy account,
/// pinned to `regions` (`None`: the run's region, `app.stack`).
fn in_regions(
    first: (&str, &Template),
    second: (&str, &Template),
    regions: [Option<&str>; 2],
    rule: &str,
    id: &str,
) -> Vec<Status> {
    crate::testing::statuses_placed(
        &[first, second],
        (&regions.map(|r| r.map(str::to_owned)), &[]),
        rule,
        id,
    )
}

/// Whether `statuses` are one finding (a failure or a gap) that says each of `says`.
fn one_finding_saying(statuses: &[Status], says: &[&str]) -> bool {
    let text = match statuses {
        [Status::Failed { finding }] => finding,
        [Status::Gap { reason, .. }] => reason,
        _ => return false,
    };
    says.iter().all(|s| text.contains(s))
}

/// The statuses of `rule` on `id` in an app of `first` (us-east-1, of the account
/// 111111111111) and `second`, beside it, pinned to us-west-2, and of another account's
/// environment; then of `second` in us-east-1 of another account beside `first` of the
/// deploy account (`None`), which may be that account: a resource of it that would make the
/// rule fail is read.
fn apart_and_unknown(
    first: (&str, &Template),
    second: (&str, &Template),
    rule: &str,
    id: &str,
) -> [Vec<Status>; 4] {
    let own = Some("111111111111".to_owned());
    let other = Some(OTHER_ACCOUNT.to_owned());
    let at = |region: &str, accounts: [Option<String>; 2]| {
        crate::testing::statuses_placed(
            &[first, second],
            (&[Some(EAST.to_owned()), Some(region.to_owned())], &accounts),
            rule,
            id,
        )
    };
    [
        at(EAST, [own.clone(), own.clone()]),
        at(WEST, [own.clone(), own.clone()]),
        at(EAST, [own, other.clone()]),
        at(EAST, [None, other]),
    ]
}

/// What a finding says of a resource of a stack of unknown placement.
const PIN: &str = "pin the region and account of its stack";

/// RS1: a snapshot copy grant is one of the destination region: a grant of that name in a
/// stack of the run's region is in the run's region, which may not be us-west-2 (beside a
/// cluster of the run's region, it is the cluster's own region, never the destination).
/// Only a grant of a stack pinned to us-west-2 is the one used.
#[test]
fn rs1_reads_no_snapshot_copy_grant_of_a_stack_of_the_run_s_region() {
    let (warehouse, grants) = warehouse_and_grant();
    let first = ("warehouse", &warehouse);
    let second = ("dr", &grants);
    for regions in [[Some(EAST), None], [None, None]] {
        let found = in_regions(first, second, regions, "RS1", "Rc");
        assert!(
            one_finding_saying(
                &found,
                &[
                    "names no `AWS::Redshift::SnapshotCopyGrant` of the app",
                    "`dr/Grant`",
                    PIN
                ]
            ) && matches!(found.as_slice(), [Status::Failed { .. }]),
            "{regions:?}: {found:?}"
        );
    }
    let pinned = in_regions(first, second, [None, Some(WEST)], "RS1", "Rc");
    assert!(enforced(&pinned), "{pinned:?}");
}

/// RS1: a snapshot copy grant of the cluster's own template, named by `Ref` or by its
/// name, is created in the cluster's region, never the destination's, wherever the stack
/// deploys: not the grant Redshift uses there.
#[test]
fn rs1_reads_no_snapshot_copy_grant_of_the_cluster_s_own_stack() {
    let (warehouse, grants) = warehouse_and_grant();
    for named in [json!("dr-grant"), json!({ "Ref": "Grant" })] {
        let mut warehouse = warehouse.clone();
        warehouse.resources.extend(grants.resources.clone());
        let cluster = warehouse
            .resources
            .iter()
            .find(|r| r.logical_id() == "Rc")
            .expect("the cluster");
        let mut properties = cluster.properties().clone();
        properties["SnapshotCopyGrantName"] = named.clone();
        let cluster = raw("Rc", "AWS::Redshift::Cluster", properties);
        warehouse.resources.retain(|r| r.logical_id() != "Rc");
        warehouse.resources.push(cluster);
        for region in [None, Some(EAST.to_owned())] {
            let found = crate::testing::statuses_in(
                &[("warehouse", &warehouse)],
                std::slice::from_ref(&region),
                "RS1",
                "Rc",
            );
            assert!(
                matches!(found.as_slice(), [Status::Failed { finding }]
                    if finding.contains("names the snapshot copy grant `Grant` of the cluster's own stack")),
                "{named} {region:?}: {found:?}"
            );
        }
    }
}

/// B2: a copy to `arn:…:backup:us-west-2:${AWS::AccountId}:backup-vault:dr` copies to the
/// vault `dr` of us-west-2: a vault of that name of a stack of the run's region is not
/// shown to be there; one of a stack pinned to us-west-2 is, wherever the plan is.
#[test]
fn b2_reads_no_copy_vault_of_a_stack_of_the_run_s_region() {
    let (backup, dr) = b2_templates();
    let first = ("backup", &backup);
    let second = ("dr", &dr);
    for regions in [[Some(EAST), None], [None, None]] {
        let found = in_regions(first, second, regions, "B2", "Plan");
        assert!(
            one_finding_saying(&found, &["no backup vault of the app", "`dr/Dr`", PIN])
                && matches!(found.as_slice(), [Status::Gap { .. }]),
            "{regions:?}: {found:?}"
        );
    }
    let pinned = in_regions(first, second, [None, Some(WEST)], "B2", "Plan");
    assert!(enforced(&pinned), "{pinned:?}");
}

/// E13: a flow log's `LogGroupName` names the group of the flow log's own region: a group of
/// that name in a stack of the run's region beside a flow log pinned to one (or the
/// reverse) may be in another region. Two stacks of the run's region are in one.
#[test]
fn e13_reads_no_log_group_named_in_a_stack_of_unknown_region() {
    let network = flow_log_to(json!({ "LogGroupName": "vpc-flow" }));
    let logs = log_group("vpc-flow");
    let first = ("network", &network);
    let second = ("logs", &logs);
    for regions in [[Some(EAST), None], [None, Some(EAST)]] {
        let found = in_regions(first, second, regions, "E13", "Vpc");
        assert!(
            one_finding_saying(
                &found,
                &[
                    "no log group, bucket or delivery stream of the app",
                    "`logs/L`",
                    PIN
                ]
            ),
            "{regions:?}: {found:?}"
        );
    }
    let together = in_regions(first, second, [None, None], "E13", "Vpc");
    assert!(enforced(&together), "{together:?}");
}

/// E13: a flow log whose `LogDestination` is the ARN of a log group of us-west-2 delivers
/// to the group of that name in us-west-2: that of a stack pinned there, wherever the flow
/// log is; a group of that name of a stack of the run's region is not shown to be there,
/// and neither is one that the flow log's own stack of the run's region declares.
#[test]
fn e13_reads_no_log_group_of_a_written_region_in_a_stack_of_unknown_region() {
    let arn = "arn:${AWS::Partition}:logs:us-west-2:${AWS::AccountId}:log-group:vpc-flow";
    let destination = json!({ "LogDestinationType": "cloud-watch-logs",
        "LogDestination": { "Fn::Sub": arn } });
    let network = flow_log_to(destination.clone());
    let logs = log_group("vpc-flow");
    let first = ("network", &network);
    let second = ("logs", &logs);
    for regions in [[Some(WEST), Some(WEST)], [None, Some(WEST)]] {
        let there = in_regions(first, second, regions, "E13", "Vpc");
        assert!(enforced(&there), "{regions:?}: {there:?}");
    }
    for regions in [[Some(WEST), None], [None, None]] {
        let found = in_regions(first, second, regions, "E13", "Vpc");
        assert!(
            one_finding_saying(&found, &["an ARN of region us-west-2", "`logs/L`", PIN]),
            "{regions:?}: {found:?}"
        );
    }
    // The group in the flow log's own template, of the run's region.
    let mut network = flow_log_to(destination);
    network.resources.extend(log_group("vpc-flow").resources);
    let alone = crate::testing::statuses(&[("network", &network)], "E13", "Vpc");
    assert!(
        one_finding_saying(
            &alone,
            &["an ARN of region us-west-2", "log group `L`", PIN]
        ),
        "{alone:?}"
    );
    let pinned = crate::testing::statuses_in(
        &[("network", &network)],
        &[Some(WEST.to_owned())],
        "E13",
        "Vpc",
    );
    assert!(enforced(&pinned), "{pinned:?}");
}

/// A VPC `Vpc` with a flow log of all its traffic, delivered as `destination` says.
fn flow_log_to(destination: Value) -> Template {
    let mut properties = json!({
        "ResourceId": { "Ref": "Vpc" }, "ResourceType": "VPC", "TrafficType": "ALL",
        "DeliverLogsPermissionArn": { "Fn::Sub":
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/flow" }
    });
    for (key, value) in destination.as_object().into_iter().flatten() {
        properties[key] = value.clone();
    }
    template(
        vec![
            raw(
                "Vpc",
                "AWS::EC2::VPC",
                json!({ "CidrBlock": "10.0.0.0/16" }),
            ),
            raw("F", "AWS::EC2::FlowLog", properties),
        ],
        Vec::new(),
    )
}

/// ECR1: a repository of the replica's name in a stack of the run's region is not shown to
/// be in the destination's region; nor is a stack of the deploy account shown to be of a
/// registry whose id is written as a number. A stack pinned to the destination's region,
/// of the account written (an environment's), is.
#[test]
fn ecr1_reads_no_replica_repository_of_a_stack_of_unknown_region_or_account() {
    let (images, copies) = images_and_copy(json!({ "Ref": "AWS::AccountId" }));
    let first = ("images", &images);
    let second = ("dr", &copies);
    for regions in [[Some(EAST), None], [None, None]] {
        let found = in_regions(first, second, regions, "ECR1", "Repo");
        assert!(
            one_finding_saying(&found, &["copies this repository", "`dr/Copy`", PIN]),
            "{regions:?}: {found:?}"
        );
    }
    let pinned = in_regions(first, second, [None, Some(WEST)], "ECR1", "Repo");
    assert!(enforced(&pinned), "{pinned:?}");
    // A registry id written as a number: the deploy account may be another.
    let (images, copies) = images_and_copy(json!("123456789012"));
    let first = ("images", &images);
    let second = ("dr", &copies);
    let regions = [Some(EAST.to_owned()), Some(WEST.to_owned())];
    let unknown =
        crate::testing::statuses_placed(&[first, second], (&regions, &[]), "ECR1", "Repo");
    assert!(
        one_finding_saying(&unknown, &["copies this repository", "`dr/Copy`", PIN]),
        "{unknown:?}"
    );
    let account = Some("123456789012".to_owned());
    let of_it = crate::testing::statuses_placed(
        &[first, second],
        (&regions, &[account.clone(), account]),
        "ECR1",
        "Repo",
    );
    assert!(enforced(&of_it), "{of_it:?}");
}

/// RS2: a cluster's `ClusterParameterGroupName` written as text names the group of that
/// name of its own region and account: a group of that name that leaves `require_ssl`
/// false in a stack of another region or account is another group, and no reason to fail
/// (before, it failed the cluster); beside it, or in a stack that may be beside it, it
/// fails as before.
#[test]
fn rs2_reads_no_parameter_group_of_another_region_or_account() {
    let warehouse = template(
        vec![raw(
            "Rc",
            "AWS::Redshift::Cluster",
            json!({ "ClusterParameterGroupName": "tls" }),
        )],
        Vec::new(),
    );
    let groups = template(
        vec![raw(
            "G",
            "AWS::Redshift::ClusterParameterGroup",
            json!({ "ParameterGroupName": "tls", "ParameterGroupFamily": "redshift-1.0",
                "Description": "tls",
                "Parameters": [{ "ParameterName": "require_ssl", "ParameterValue": "false" }] }),
        )],
        Vec::new(),
    );
    let [beside, elsewhere, abroad, unknown] =
        apart_and_unknown(("warehouse", &warehouse), ("groups", &groups), "RS2", "Rc");
    for may_be in [beside, unknown] {
        assert!(
            matches!(may_be.as_slice(), [Status::Failed { finding }] if finding.contains("`groups/G`")),
            "{may_be:?}"
        );
    }
    for other in [elsewhere, abroad] {
        assert!(
            matches!(other.as_slice(), [Status::Gap { reason, .. }] if reason.contains("no cluster parameter group of this template")),
            "{other:?}"
        );
    }
}

/// OS1: an OpenSearch Serverless encryption policy covers the collections of its own
/// region and account: a collection that overrides the policy's key, in a stack of another
/// region or account, is not one it covers, whatever its name (before, it failed the
/// policy); beside it, or in a stack that may be beside it, it fails the policy as before.
#[test]
fn os1_reads_no_collection_of_another_region_or_account() {
    let search = template(
        vec![
            raw(
                "X",
                "AWS::OpenSearchServerless::SecurityPolicy",
                json!({ "Name": "phi-enc", "Type": "encryption", "Policy": { "Fn::Sub": [
                    "{\"Rules\": [{\"ResourceType\": \"collection\", \"Resource\": [\"collection/phi-*\"]}], \"AWSOwnedKey\": false, \"KmsARN\": \"${K}\"}",
                    { "K": { "Fn::GetAtt": ["Key", "Arn"] } }
                ] } }),
            ),
            raw(
                "Key",
                "AWS::KMS::Key",
                json!({ "EnableKeyRotation": true, "KeyPolicy": { "Version": "2012-10-17",
                    "Statement": [{ "Effect": "Allow",
                        "Principal": { "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } },
                        "Action": "kms:*", "Resource": "*" }] } }),
            ),
        ],
        Vec::new(),
    );
    let collections = template(
        vec![raw(
            "C",
            "AWS::OpenSearchServerless::Collection",
            json!({ "Name": "phi-records", "Type": "SEARCH",
                "EncryptionConfig": { "AWSOwnedKey": true } }),
        )],
        Vec::new(),
    );
    let [beside, elsewhere, abroad, unknown] = apart_and_unknown(
        ("search", &search),
        ("collections", &collections),
        "OS1",
        "X",
    );
    for may_be in [beside, unknown] {
        assert!(
            matches!(may_be.as_slice(), [Status::Failed { finding }] if finding.contains("`collections/C`")),
            "{may_be:?}"
        );
    }
    assert!(enforced(&elsewhere), "{elsewhere:?}");
    assert!(enforced(&abroad), "{abroad:?}");
}

/// D2 and the disaster-recovery table: a copy to `arn:…:backup:us-west-2:${AWS::AccountId}:
/// backup-vault:dr` goes to the vault `dr` of the plan's account: a vault of that name of a
/// stack of us-west-2 of another account is another vault, whose shortcomings (here,
/// deleted with its stack) are not this copy's (before, the table read it, and D2 failed);
/// of the plan's account, it is read as before.
#[test]
fn d2_reads_no_copy_vault_of_another_account() {
    let (data, backup) = database_and_backup();
    let dr = template(
        vec![raw(
            "Dr",
            "AWS::Backup::BackupVault",
            json!({ "BackupVaultName": "dr" }),
        )],
        Vec::new(),
    );
    let d2 = |account: Option<&str>| {
        crate::testing::statuses_placed(
            &[("data", &data), ("backup", &backup), ("dr", &dr)],
            (
                &[
                    Some(EAST.to_owned()),
                    Some(EAST.to_owned()),
                    Some(WEST.to_owned()),
                ],
                &[None, None, account.map(str::to_owned)],
            ),
            "D2",
            "Db",
        )
    };
    let own = d2(None);
    assert!(
        matches!(own.as_slice(), [Status::Gap { reason }] if reason.contains("the vault `dr/Dr` is deleted with its stack")),
        "{own:?}"
    );
    let other = d2(Some(OTHER_ACCOUNT));
    assert!(enforced(&other), "{other:?}");
}
