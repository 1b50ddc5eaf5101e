//! Imports across regions: CloudFormation resolves `Fn::ImportValue` only among the
//! exports of the importing stack's own region and account ("You can't create cross-stack
//! references across Regions", CloudFormation User Guide, `Fn::ImportValue`). In each test
//! a resource of one stack is named by a resource of another stack through the import of
//! its export: in the same region the rule reads it as named (as before), and when the
//! exporting stack is in another region the import is the same-named export of the
//! importing stack's region, which names something else, so the rule must not count it
//! (each was a false pass: a policy, subscription, association, backup selection or
//! cluster instance of another region counted as this resource's).

use serde_json::{Value, json};

use crate::cfn::{Expr, Template};
use crate::compliance::Status;
use crate::testing::{export, raw, template};

/// The statuses of `rule` on `id` in an app of `exporting` (pinned to `region`) and
/// `importing` (pinned to us-east-1): first with the exporting stack in us-east-1 too, then
/// in us-west-2.
fn beside_and_elsewhere(
    exporting: (&str, &Template),
    importing: (&str, &Template),
    rule: &str,
    id: &str,
) -> (Vec<Status>, Vec<Status>) {
    let stacks = [exporting, importing];
    let in_region = |region: &str| {
        crate::testing::statuses_in(
            &stacks,
            &[Some(region.to_owned()), Some("us-east-1".to_owned())],
            rule,
            id,
        )
    };
    (in_region("us-east-1"), in_region("us-west-2"))
}

fn enforced(statuses: &[Status]) -> bool {
    matches!(statuses, [Status::Enforced { .. }])
}

/// S8: a bucket policy of another stack that imports the bucket's export proves the TLS
/// denial in the bucket's region; one of another region names that region's export.
#[test]
fn s8_reads_no_bucket_policy_of_another_region() {
    let data = template(
        vec![raw("B", "AWS::S3::Bucket", json!({}))],
        vec![export("data:B:Ref", Expr::reference("B"))],
    );
    let edge = template(
        vec![raw(
            "P",
            "AWS::S3::BucketPolicy",
            json!({
                "Bucket": { "Fn::ImportValue": "data:B:Ref" },
                "PolicyDocument": { "Statement": [{
                    "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                    "Condition": { "Bool": { "aws:SecureTransport": "false" } }
                }] }
            }),
        )],
        Vec::new(),
    );
    let (beside, elsewhere) = beside_and_elsewhere(("data", &data), ("edge", &edge), "S8", "B");
    assert!(enforced(&beside), "{beside:?}");
    assert!(
        matches!(elsewhere.as_slice(), [Status::Failed { .. }]),
        "{elsewhere:?}"
    );
}

/// A2T: a queue policy of another region that imports the queue's export name denies
/// plain HTTP on that region's queue, not this one.
#[test]
fn a2t_reads_no_queue_policy_of_another_region() {
    let data = template(
        vec![raw("Q", "AWS::SQS::Queue", json!({}))],
        vec![export("data:Q:Ref", Expr::reference("Q"))],
    );
    let edge = template(
        vec![raw(
            "P",
            "AWS::SQS::QueuePolicy",
            json!({
                "Queues": [{ "Fn::ImportValue": "data:Q:Ref" }],
                "PolicyDocument": { "Statement": [{
                    "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*",
                    "Condition": { "Bool": { "aws:SecureTransport": "false" } }
                }] }
            }),
        )],
        Vec::new(),
    );
    let (beside, elsewhere) = beside_and_elsewhere(("data", &data), ("edge", &edge), "A2T", "Q");
    assert!(enforced(&beside), "{beside:?}");
    assert!(
        matches!(elsewhere.as_slice(), [Status::Failed { .. }]),
        "{elsewhere:?}"
    );
}

/// F3: an access-log subscription of another region that imports the service network's
/// export name logs that region's network.
#[test]
fn f3_reads_no_subscription_of_another_region() {
    let net = template(
        vec![raw(
            "X",
            super::lattice::SERVICE_NETWORK,
            json!({ "Name": "records" }),
        )],
        vec![export("net:XArn", Expr::get_att("X", "Arn"))],
    );
    let logs = template(
        vec![
            raw(
                "A",
                "AWS::VpcLattice::AccessLogSubscription",
                json!({
                    "ResourceIdentifier": { "Fn::ImportValue": "net:XArn" },
                    "DestinationArn": { "Fn::GetAtt": ["L", "Arn"] }
                }),
            ),
            raw(
                "L",
                "AWS::Logs::LogGroup",
                json!({ "RetentionInDays": 365 }),
            ),
        ],
        Vec::new(),
    );
    let (beside, elsewhere) = beside_and_elsewhere(("net", &net), ("logs", &logs), "F3", "X");
    assert!(enforced(&beside), "{beside:?}");
    assert!(
        matches!(elsewhere.as_slice(), [Status::Failed { .. }]),
        "{elsewhere:?}"
    );
}

/// E16: a network ACL association of another region that imports the subnet's export
/// name moves that region's subnet; this one stays on its VPC's default ACL.
#[test]
fn e16_reads_no_acl_association_of_another_region() {
    let net = template(
        vec![
            raw("V", "AWS::EC2::VPC", json!({ "CidrBlock": "10.0.0.0/16" })),
            raw(
                "S",
                "AWS::EC2::Subnet",
                json!({ "VpcId": { "Ref": "V" }, "CidrBlock": "10.0.0.0/24" }),
            ),
        ],
        vec![export("net:Subnet", Expr::reference("S"))],
    );
    let acls = template(
        vec![
            raw(
                "Acl",
                "AWS::EC2::NetworkAcl",
                json!({ "VpcId": "vpc-0123456789abcdef0" }),
            ),
            raw(
                "Move",
                "AWS::EC2::SubnetNetworkAclAssociation",
                json!({ "SubnetId": { "Fn::ImportValue": "net:Subnet" }, "NetworkAclId": { "Ref": "Acl" } }),
            ),
        ],
        Vec::new(),
    );
    let (beside, elsewhere) = beside_and_elsewhere(("net", &net), ("acls", &acls), "E16", "V");
    assert!(enforced(&beside), "{beside:?}");
    assert!(
        matches!(elsewhere.as_slice(), [Status::Gap { .. }]),
        "{elsewhere:?}"
    );
}

/// R4: a backup selection of another region that imports the database's export name
/// selects that region's export: AWS Backup plans the resources of its own region.
#[test]
fn r4_reads_no_backup_selection_of_another_region() {
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
                        "Lifecycle": { "DeleteAfterDays": 35 }
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
    let (beside, elsewhere) =
        beside_and_elsewhere(("data", &data), ("backup", &backup), "R4", "Db");
    assert!(
        matches!(beside.as_slice(), [Status::Enforced { evidence }]
            if evidence[0].logical_id == "backup/Selection"),
        "{beside:?}"
    );
    assert!(!enforced(&elsewhere), "{elsewhere:?}");
}

/// F4: a web ACL association of another region that imports the load balancer's export
/// name protects that region's balancer, not this one.
#[test]
fn f4_reads_no_web_acl_association_of_another_region() {
    let web = template(
        vec![raw(
            "Lb",
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            json!({
                "Scheme": "internet-facing",
                "Subnets": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
            }),
        )],
        vec![export("web:Lb:Ref", Expr::reference("Lb"))],
    );
    let waf = template(
        vec![
            raw(
                "Acl",
                "AWS::WAFv2::WebACL",
                json!({
                    "Scope": "REGIONAL",
                    "DefaultAction": { "Allow": {} },
                    "Rules": [{ "Name": "common", "Action": { "Block": {} } }]
                }),
            ),
            raw(
                "Association",
                "AWS::WAFv2::WebACLAssociation",
                json!({
                    "ResourceArn": { "Fn::ImportValue": "web:Lb:Ref" },
                    "WebACLArn": { "Fn::GetAtt": ["Acl", "Arn"] }
                }),
            ),
            raw(
                "Logs",
                "AWS::Logs::LogGroup",
                json!({ "LogGroupName": "aws-waf-logs-edge", "RetentionInDays": 365 }),
            ),
            raw(
                "Logging",
                "AWS::WAFv2::LoggingConfiguration",
                json!({
                    "ResourceArn": { "Fn::GetAtt": ["Acl", "Arn"] },
                    "LogDestinationConfigs": [{ "Fn::GetAtt": ["Logs", "Arn"] }]
                }),
            ),
        ],
        Vec::new(),
    );
    let (beside, elsewhere) = beside_and_elsewhere(("web", &web), ("waf", &waf), "F4", "Lb");
    assert!(enforced(&beside), "{beside:?}");
    assert!(
        matches!(elsewhere.as_slice(), [Status::Failed { .. }]),
        "{elsewhere:?}"
    );
}

/// R5: an Aurora instance of another region that imports the cluster's export name joins
/// that region's cluster: this one keeps a single instance.
#[test]
fn r5_counts_no_instance_of_another_region_in_the_cluster() {
    let data = template(
        vec![
            raw(
                "C",
                "AWS::RDS::DBCluster",
                json!({ "Engine": "aurora-postgresql", "StorageEncrypted": true }),
            ),
            raw(
                "First",
                "AWS::RDS::DBInstance",
                json!({ "Engine": "aurora-postgresql", "DBClusterIdentifier": { "Ref": "C" } }),
            ),
        ],
        vec![export("data:C:Ref", Expr::reference("C"))],
    );
    let readers = template(
        vec![raw(
            "Second",
            "AWS::RDS::DBInstance",
            json!({
                "Engine": "aurora-postgresql",
                "DBClusterIdentifier": { "Fn::ImportValue": "data:C:Ref" }
            }),
        )],
        Vec::new(),
    );
    let (beside, elsewhere) =
        beside_and_elsewhere(("data", &data), ("readers", &readers), "R5", "C");
    assert!(enforced(&beside), "{beside:?}");
    assert!(
        matches!(elsewhere.as_slice(), [Status::Failed { finding }] if finding.contains("one instance")),
        "{elsewhere:?}"
    );
}

/// L3: a subscription of another region that imports the alarm topic's export name
/// subscribes to that region's topic: no one reads this one.
#[test]
fn l3_reads_no_subscription_of_another_region() {
    let data = template(
        vec![
            raw("T", "AWS::SNS::Topic", json!({})),
            raw(
                "Alarm",
                "AWS::CloudWatch::Alarm",
                json!({
                    "AlarmActions": [{ "Ref": "T" }],
                    "InsufficientDataActions": [{ "Ref": "T" }],
                    "MetricName": "Errors",
                    "Namespace": "AWS/Lambda",
                    "Statistic": "Sum",
                    "Period": 60,
                    "EvaluationPeriods": 1,
                    "Threshold": 1,
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold"
                }),
            ),
        ],
        vec![export("data:T:Ref", Expr::reference("T"))],
    );
    let oncall = template(
        vec![raw(
            "Mail",
            "AWS::SNS::Subscription",
            json!({
                "TopicArn": { "Fn::ImportValue": "data:T:Ref" },
                "Protocol": "email",
                "Endpoint": "oncall@example.com"
            }),
        )],
        Vec::new(),
    );
    let (beside, elsewhere) =
        beside_and_elsewhere(("data", &data), ("oncall", &oncall), "L3", "Alarm");
    assert!(enforced(&beside), "{beside:?}");
    assert!(
        matches!(elsewhere.as_slice(), [Status::Gap { reason, .. }] if reason.contains("no subscription")),
        "{elsewhere:?}"
    );
}

/// CF3: a distribution whose `WebACLId` imports the name under which a stack of another
/// region exports its web ACL's ARN takes the same-named export of its own region: no web
/// ACL of the app filters its requests.
#[test]
fn cf3_reads_no_web_acl_exported_in_another_region() {
    let security = template(
        vec![raw(
            "Acl",
            "AWS::WAFv2::WebACL",
            json!({
                "Scope": "CLOUDFRONT",
                "DefaultAction": { "Allow": {} },
                "Rules": [{
                    "Name": "block", "Priority": 0, "Action": { "Block": {} },
                    "Statement": { "GeoMatchStatement": { "CountryCodes": ["KP"] } }
                }]
            }),
        )],
        vec![export("security:Acl", Expr::get_att("Acl", "Arn"))],
    );
    let edge = template(
        vec![raw(
            "D",
            "AWS::CloudFront::Distribution",
            json!({ "DistributionConfig": { "WebACLId": { "Fn::ImportValue": "security:Acl" } } }),
        )],
        Vec::new(),
    );
    let (beside, elsewhere) =
        beside_and_elsewhere(("security", &security), ("edge", &edge), "CF3", "D");
    assert!(enforced(&beside), "{beside:?}");
    assert!(
        matches!(elsewhere.as_slice(), [Status::Failed { .. }]),
        "{elsewhere:?}"
    );
}

/// A4E: a stage whose access logs go to the import of the name under which a stack of
/// another region exports its log group's ARN sends them to the same-named export of its
/// own region, which is no log group of the app.
#[test]
fn a4e_reads_no_log_group_exported_in_another_region() {
    let logs = template(
        vec![raw(
            "L",
            "AWS::Logs::LogGroup",
            json!({ "RetentionInDays": 365, "KmsKeyId": { "Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/k" } }),
        )],
        vec![export("logs:L:Arn", Expr::get_att("L", "Arn"))],
    );
    let api = template(
        vec![raw(
            "Stage",
            "AWS::ApiGatewayV2::Stage",
            json!({
                "ApiId": "a1b2c3",
                "StageName": "prod",
                "AccessLogSettings": {
                    "DestinationArn": { "Fn::ImportValue": "logs:L:Arn" },
                    "Format": "$context.requestId"
                }
            }),
        )],
        Vec::new(),
    );
    let (beside, elsewhere) = beside_and_elsewhere(("logs", &logs), ("api", &api), "A4E", "Stage");
    assert!(enforced(&beside), "{beside:?}");
    assert!(
        matches!(elsewhere.as_slice(), [Status::Failed { .. }]),
        "{elsewhere:?}"
    );
}

/// CF2: a distribution whose access logs go to the import of the name under which a stack
/// of another region exports its bucket's domain name writes them to the same-named export
/// of its own region, which may be any bucket.
#[test]
fn cf2_reads_no_log_bucket_exported_in_another_region() {
    let logs = template(
        vec![raw("Logs", "AWS::S3::Bucket", json!({}))],
        vec![export(
            "logs:Logs:Domain",
            Expr::get_att("Logs", "RegionalDomainName"),
        )],
    );
    let edge = template(
        vec![raw(
            "D",
            "AWS::CloudFront::Distribution",
            json!({ "DistributionConfig": {
                "Logging": { "Bucket": { "Fn::ImportValue": "logs:Logs:Domain" } }
            } }),
        )],
        Vec::new(),
    );
    let (beside, elsewhere) = beside_and_elsewhere(("logs", &logs), ("edge", &edge), "CF2", "D");
    assert!(enforced(&beside), "{beside:?}");
    assert!(
        matches!(elsewhere.as_slice(), [Status::Failed { .. }]),
        "{elsewhere:?}"
    );
}

/// DMS2: a DMS Serverless replication whose endpoints are imported by names that only a
/// stack of another region exports connects through that region's exports, which are no
/// endpoints of the app.
#[test]
fn dms2_reads_no_endpoint_exported_in_another_region() {
    let endpoints = template(
        vec![
            raw(
                "Source",
                "AWS::DMS::Endpoint",
                json!({ "EndpointType": "source", "EngineName": "postgres", "SslMode": "verify-full" }),
            ),
            raw(
                "Target",
                "AWS::DMS::Endpoint",
                json!({ "EndpointType": "target", "EngineName": "postgres", "SslMode": "verify-full" }),
            ),
        ],
        vec![
            export("dms:Source", Expr::reference("Source")),
            export("dms:Target", Expr::reference("Target")),
        ],
    );
    let replication = template(
        vec![raw(
            "Replication",
            "AWS::DMS::ReplicationConfig",
            json!({
                "ReplicationConfigIdentifier": "r",
                "ReplicationType": "full-load",
                "SourceEndpointArn": { "Fn::ImportValue": "dms:Source" },
                "TargetEndpointArn": { "Fn::ImportValue": "dms:Target" },
                "TableMappings": {}
            }),
        )],
        Vec::new(),
    );
    let (beside, elsewhere) = beside_and_elsewhere(
        ("dms", &endpoints),
        ("replication", &replication),
        "DMS2",
        "Replication",
    );
    assert!(enforced(&beside), "{beside:?}");
    assert!(!enforced(&elsewhere), "{elsewhere:?}");
}

/// A4W: a stage's web ACL association that imports the web ACL of another stack reads that
/// ACL's rules there, in the stage's region; an import of an export that is no web ACL, or
/// of another region's (here, the same-named export of the stage's region, which names
/// something else), filters nothing a rule reads (hostile review 35: any import passed).
#[test]
fn a4w_reads_the_rules_of_an_imported_web_acl_of_the_stage_s_region_only() {
    let acl = |rules: Value| {
        raw(
            "Acl",
            "AWS::WAFv2::WebACL",
            crate::testing::web_acl_properties(rules),
        )
    };
    let managed = crate::testing::managed_common_rules();
    let [api, stage] = crate::testing::rest_api_and_stage();
    let api = template(
        vec![
            api,
            stage,
            raw(
                "Assoc",
                "AWS::WAFv2::WebACLAssociation",
                json!({
                    "ResourceArn": { "Fn::Sub":
                        "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${Api}/stages/${Stage}" },
                    "WebACLArn": { "Fn::ImportValue": "edge:Acl:Arn" }
                }),
            ),
        ],
        Vec::new(),
    );
    let acl_arn = || Expr::get_att("Acl", "Arn");
    let edge = template(vec![acl(managed)], vec![export("edge:Acl:Arn", acl_arn())]);
    let (beside, elsewhere) = beside_and_elsewhere(("edge", &edge), ("api", &api), "A4W", "Stage");
    assert!(enforced(&beside), "{beside:?}");
    assert!(
        matches!(elsewhere.as_slice(), [Status::Failed { finding }] if finding.contains("in this stack's region and account")),
        "{elsewhere:?}"
    );
    // A web ACL of the app whose rules filter nothing fails as one of the stage's stack.
    let empty = template(
        vec![acl(json!([]))],
        vec![export("edge:Acl:Arn", acl_arn())],
    );
    let (beside, _) = beside_and_elsewhere(("edge", &empty), ("api", &api), "A4W", "Stage");
    assert!(
        matches!(beside.as_slice(), [Status::Failed { .. }]),
        "{beside:?}"
    );
    // An export of something else of the app.
    let bucket = template(
        vec![raw("Acl", "AWS::S3::Bucket", json!({}))],
        vec![export("edge:Acl:Arn", acl_arn())],
    );
    let (beside, _) = beside_and_elsewhere(("edge", &bucket), ("api", &api), "A4W", "Stage");
    assert!(
        matches!(beside.as_slice(), [Status::Failed { finding }] if finding.contains("no web ACL of the stack that exports it")),
        "{beside:?}"
    );
}
