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

/// B2: a copy action to `arn:…:backup:us-west-2:${AWS::AccountId}:backup-vault:dr` copies
/// to the vault `dr` of the plan's account in us-west-2: a vault of that name of a stack of
/// us-west-2 and the plan's account is the app's, whose access policy B2 reads there; one
/// of another account, or of a stack pinned to another region, is another vault.
#[test]
fn b2_reads_no_copy_vault_of_another_account_or_region() {
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

/// ECR1: a replication rule copies the repository to each destination's registry (its
/// `Region` and `RegistryId`), where ECR creates the copy with mutable tags unless the
/// repository is declared there: a repository of the same name in a stack of that region
/// and account is that copy; one in a stack pinned to another region, or of another
/// account's environment, is another registry's.
#[test]
fn ecr1_reads_no_replica_repository_of_another_region_or_account() {
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
                    "Destinations": [{ "Region": WEST, "RegistryId": "123456789012" }]
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
