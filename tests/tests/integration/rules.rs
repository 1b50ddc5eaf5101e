//! Every rule of the rule engine, breaks and held, on raw resources.
//!
//! For each rule, a small app whose raw resources break it (synth refuses the app and names
//! the rule on the resource; a rule that only reports gaps reports one and synth does not
//! refuse it), and one whose raw resources hold it (the evaluation of `check` says
//! `Enforced` for the rule on the resource, and every proof points at the written template).
//! A resource that holds one rule may break others: each case looks only at its own rule.

use std::collections::BTreeSet;

use hipaa_stack::compliance::{Evaluation, Status, Waiver, rule, rule_spec, rules};
use hipaa_stack::prelude::*;
use hipaa_stack::{Assembly, Error};
use serde_json::{Value, json};

use crate::frontdoor_rules as fd;
use crate::service_rules as sv;

const STACK: &str = "rules-test";

/// Builds the resources of a case into a stack.
type Build = fn(&Stack<'_>);

fn app_with(build: Build) -> App {
    let app = App::new("rules");
    {
        let stack = app.stack(STACK).expect("a valid stack name");
        build(&stack);
    }
    app
}

/// The status of `rule` on the resource `logical_id`: exactly one.
fn status_of<'a>(evaluation: &'a Evaluation, rule: &str, logical_id: &str) -> &'a Status {
    let found: Vec<&Status> = evaluation
        .results
        .iter()
        .filter(|c| c.rule == rule && &*c.logical_id == logical_id)
        .map(|c| &c.status)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{rule} on {logical_id}: expected one result in {:#?}",
        evaluation.results
    );
    found[0]
}

/// The written template of the test stack.
fn template(assembly: &Assembly) -> Value {
    let stack = assembly.stack(STACK).expect("the stack is synthesized");
    serde_json::from_str(stack.template_json()).expect("the template is JSON")
}

/// `build` breaks `rule` on `logical_id`: synth refuses the app, naming the rule there.
fn breaks(rule: &str, logical_id: &str, build: Build) {
    let spec = rule_spec(rule).expect("the rule exists");
    let app = app_with(build);
    match app.synth() {
        Err(Error::Noncompliant { findings }) => {
            let finding = findings
                .iter()
                .find(|f| f.rule == rule && f.logical_id == logical_id)
                .unwrap_or_else(|| panic!("no {rule} finding on {logical_id} in {findings:#?}"));
            assert!(!finding.what.is_empty(), "{rule}: the finding says nothing");
            assert_eq!(finding.controls, spec.controls, "{rule}");
            assert_eq!(finding.fix, spec.fix, "{rule}");
        }
        Err(other) => panic!("{rule}: synth failed for another reason: {other}"),
        Ok(_) => panic!("{rule}: synth accepted an app that breaks it on {logical_id}"),
    }
    let assembly = app.check().expect("check returns the assembly");
    assert!(
        matches!(
            status_of(assembly.evaluation(), rule, logical_id),
            Status::Failed { .. }
        ),
        "{rule} on {logical_id} is not Failed"
    );
}

/// `build` leaves a gap of `rule` on `logical_id`: reported by check, not refused by synth.
fn gap(rule: &str, logical_id: &str, build: Build) {
    let app = app_with(build);
    let assembly = app.check().expect("check returns the assembly");
    match status_of(assembly.evaluation(), rule, logical_id) {
        Status::Gap { reason } => assert!(!reason.is_empty(), "{rule}: the gap says nothing"),
        other => panic!("{rule} on {logical_id} is {other:?}, not a gap"),
    }
    match app.synth() {
        Ok(_) => {}
        Err(Error::Noncompliant { findings }) => assert!(
            !findings
                .iter()
                .any(|f| f.rule == rule && f.logical_id == logical_id),
            "synth refused the gap of {rule} on {logical_id}"
        ),
        Err(other) => panic!("{rule}: synth failed for another reason: {other}"),
    }
}

/// `build` holds `rule` on `logical_id`, with evidence that the written template carries.
fn holds(rule: &str, logical_id: &str, build: Build) {
    let app = app_with(build);
    let assembly = app.check().expect("check returns the assembly");
    let Status::Enforced { evidence } = status_of(assembly.evaluation(), rule, logical_id) else {
        panic!(
            "{rule} on {logical_id} is {:?}, not enforced",
            status_of(assembly.evaluation(), rule, logical_id)
        );
    };
    assert!(
        !evidence.is_empty(),
        "{rule} on {logical_id} has no evidence"
    );
    let template = template(&assembly);
    for proof in evidence {
        let resource = &template["Resources"][&proof.logical_id];
        let stack = &assembly
            .evaluation()
            .results
            .iter()
            .find(|c| c.rule == rule && &*c.logical_id == logical_id)
            .expect("the rule ran")
            .stack;
        let read_back = assembly.evidence(stack, proof);
        assert!(read_back.is_some(), "{rule}: no value at {}", proof.path);
        assert_eq!(
            resource.pointer(&proof.path),
            read_back.as_ref(),
            "{rule}: the proof {} of {} is not in the template",
            proof.path,
            proof.logical_id
        );
    }
}

/// One module per rule, with a `breaks` (or `gap`) test and a `holds` test; `COVERED` lists
/// the rules.
macro_rules! cases {
    ($($name:ident: $rule:literal on $id:literal, $kind:ident $broken:expr $(, holds $held:expr)?;)*) => {
        $(
            #[doc = concat!("Rule ", $rule, ".")]
            mod $name {
                use super::*;

                #[test]
                fn $kind() {
                    super::$kind($rule, $id, $broken);
                }

                $(
                    #[test]
                    fn holds() {
                        super::holds($rule, $id, $held);
                    }
                )?
            }
        )*

        /// The rules that have cases.
        const COVERED: &[&str] = &[$($rule),*];
    };
}

// ---------------------------------------------------------------------------------------
// Building blocks.
// ---------------------------------------------------------------------------------------

fn add(stack: &Stack<'_>, resource: RawResource) -> Handle<RawResource> {
    stack.add(resource).expect("a valid raw resource")
}

/// A customer-managed key, `Cmk`.
fn cmk(stack: &Stack<'_>) -> Handle<KmsKey> {
    stack.add(KmsKey::new("Cmk")).expect("a valid key")
}

fn policy(statements: Value) -> Value {
    json!({ "Version": "2012-10-17", "Statement": statements })
}

fn bucket() -> RawResource {
    RawResource::new("Bucket", "AWS::S3::Bucket")
}

fn db() -> RawResource {
    RawResource::new("Db", "AWS::RDS::DBInstance")
        .property("Engine", "postgres")
        .property("DBInstanceClass", "db.m7g.large")
        .property("AllocatedStorage", "100")
}

fn key() -> RawResource {
    RawResource::new("Key", "AWS::KMS::Key")
}

fn trail() -> RawResource {
    RawResource::new("Trail", "AWS::CloudTrail::Trail")
        .property("S3BucketName", "audit-trail-bucket")
}

fn log_group() -> RawResource {
    RawResource::new("Logs", "AWS::Logs::LogGroup")
}

fn security_group(ingress: Value) -> RawResource {
    RawResource::new("Sg", "AWS::EC2::SecurityGroup")
        .property("GroupDescription", "application servers")
        .property("VpcId", "vpc-0123456789abcdef0")
        .property("SecurityGroupIngress", ingress)
}

fn subnet() -> RawResource {
    RawResource::new("Subnet", "AWS::EC2::Subnet")
        .property("VpcId", "vpc-0123456789abcdef0")
        .property("CidrBlock", "10.0.1.0/24")
}

fn vpc() -> RawResource {
    RawResource::new("Vpc", "AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16")
}

/// A VPC whose route table sends 0.0.0.0/0 to its internet gateway, associated with a
/// subnet that maps public addresses (`public`) or does not (a PHI subnet).
fn routed_subnet(stack: &Stack<'_>, public: bool) {
    let vpc = add(stack, vpc());
    let igw = add(stack, RawResource::new("Igw", "AWS::EC2::InternetGateway"));
    let table = add(
        stack,
        RawResource::new("Table", "AWS::EC2::RouteTable").property("VpcId", vpc.reference()),
    );
    add(
        stack,
        RawResource::new("Route", "AWS::EC2::Route")
            .property("RouteTableId", table.reference())
            .property("DestinationCidrBlock", "0.0.0.0/0")
            .property("GatewayId", igw.reference()),
    );
    let subnet = add(
        stack,
        RawResource::new("Subnet", "AWS::EC2::Subnet")
            .property("VpcId", vpc.reference())
            .property("CidrBlock", "10.0.1.0/24")
            .property("MapPublicIpOnLaunch", public),
    );
    add(
        stack,
        RawResource::new("Assoc", "AWS::EC2::SubnetRouteTableAssociation")
            .property("RouteTableId", table.reference())
            .property("SubnetId", subnet.reference()),
    );
}

fn volume() -> RawResource {
    RawResource::new("Data", "AWS::EC2::Volume")
        .property("AvailabilityZone", "us-east-1a")
        .property("Size", 100)
}

fn instance() -> RawResource {
    RawResource::new("Web", "AWS::EC2::Instance")
        .property("ImageId", "ami-0123456789abcdef0")
        .property("InstanceType", "m7i.large")
}

fn role(principal: Value) -> RawResource {
    RawResource::new("Role", "AWS::IAM::Role").property(
        "AssumeRolePolicyDocument",
        policy(json!([{
            "Effect": "Allow",
            "Principal": principal,
            "Action": "sts:AssumeRole",
        }])),
    )
}

fn managed_policy(statement: Value) -> RawResource {
    RawResource::new("Access", "AWS::IAM::ManagedPolicy")
        .property("PolicyDocument", policy(json!([statement])))
}

fn allow(action: &str, resource: &str) -> Value {
    json!({ "Effect": "Allow", "Action": action, "Resource": resource })
}

fn alarm() -> RawResource {
    RawResource::new("Alarm", "AWS::CloudWatch::Alarm")
        .property("MetricName", "CPUUtilization")
        .property("Namespace", "AWS/EC2")
        .property("Statistic", "Average")
        .property("Period", 60)
        .property("EvaluationPeriods", 5)
        .property("Threshold", 90)
        .property("ComparisonOperator", "GreaterThanThreshold")
}

const PAGER: &str = "arn:aws:sns:us-east-1:123456789012:on-call";

fn topic() -> RawResource {
    RawResource::new("Topic", "AWS::SNS::Topic")
}

fn plan(schedule: &str, days: i64) -> RawResource {
    RawResource::new("Plan", "AWS::Backup::BackupPlan")
        .property("/BackupPlan/BackupPlanName", "phi")
        .property(
            "/BackupPlan/BackupPlanRule/0",
            json!({
                "RuleName": "daily",
                "TargetBackupVault": "phi-vault",
                "ScheduleExpression": schedule,
                "Lifecycle": { "DeleteAfterDays": days },
            }),
        )
}

fn vault() -> RawResource {
    RawResource::new("Vault", "AWS::Backup::BackupVault").property("BackupVaultName", "phi-vault")
}

fn vault_denying(actions: Value) -> RawResource {
    vault().property(
        "AccessPolicy",
        policy(json!([{
            "Sid": "KeepRecoveryPoints",
            "Effect": "Deny",
            "Principal": "*",
            "Action": actions,
            "Resource": "*",
        }])),
    )
}

fn secret() -> RawResource {
    RawResource::new("Secret", "AWS::SecretsManager::Secret")
        .property("Description", "database credentials")
}

// ---------------------------------------------------------------------------------------
// Storage: S3.
// ---------------------------------------------------------------------------------------

fn s1_broken(s: &Stack<'_>) {
    add(s, bucket());
}

fn s1_held(s: &Stack<'_>) {
    let key = cmk(s);
    let rule = "/BucketEncryption/ServerSideEncryptionConfiguration/0";
    add(
        s,
        bucket()
            .property(
                &format!("{rule}/ServerSideEncryptionByDefault/SSEAlgorithm"),
                "aws:kms",
            )
            .property(
                &format!("{rule}/ServerSideEncryptionByDefault/KMSMasterKeyID"),
                key.arn(),
            )
            .property(&format!("{rule}/BucketKeyEnabled"), true),
    );
}

fn public_access_block(acls: bool) -> Value {
    json!({
        "BlockPublicAcls": acls,
        "BlockPublicPolicy": true,
        "IgnorePublicAcls": true,
        "RestrictPublicBuckets": true,
    })
}

fn s3_broken(s: &Stack<'_>) {
    add(
        s,
        bucket().property("PublicAccessBlockConfiguration", public_access_block(false)),
    );
}

fn s3_held(s: &Stack<'_>) {
    add(
        s,
        bucket().property("PublicAccessBlockConfiguration", public_access_block(true)),
    );
}

fn s6_broken(s: &Stack<'_>) {
    add(s, bucket().property("AccessControl", "PublicRead"));
}

fn s6_held(s: &Stack<'_>) {
    add(
        s,
        bucket().property(
            "/OwnershipControls/Rules/0/ObjectOwnership",
            "BucketOwnerEnforced",
        ),
    );
}

fn s7_held(s: &Stack<'_>) {
    let logs = s
        .add(AccessLogBucket::new("AccessLogs"))
        .expect("a valid log bucket");
    add(
        s,
        bucket().property("/LoggingConfiguration/DestinationBucketName", logs.name()),
    );
}

fn tls_only_policy(s: &Stack<'_>, bucket: &Handle<RawResource>) {
    let arn = json!({ "Fn::GetAtt": ["Bucket", "Arn"] });
    add(
        s,
        RawResource::new("BucketPolicy", "AWS::S3::BucketPolicy")
            .property("Bucket", bucket.reference())
            .property(
                "PolicyDocument",
                policy(json!([{
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [arn, { "Fn::Join": ["", [arn, "/*"]] }],
                    "Condition": { "Bool": { "aws:SecureTransport": "false" } },
                }])),
            ),
    );
}

fn s8_held(s: &Stack<'_>) {
    let bucket = add(s, bucket());
    tls_only_policy(s, &bucket);
}

fn s9_broken(s: &Stack<'_>) {
    add(
        s,
        bucket().property("/VersioningConfiguration/Status", "Suspended"),
    );
}

fn versioned() -> RawResource {
    bucket().property("/VersioningConfiguration/Status", "Enabled")
}

fn s9_held(s: &Stack<'_>) {
    add(s, versioned());
}

fn s10_held(s: &Stack<'_>) {
    add(
        s,
        versioned()
            .property(
                "/ReplicationConfiguration/Role",
                "arn:aws:iam::123456789012:role/replication",
            )
            .property(
                "/ReplicationConfiguration/Rules/0",
                json!({
                    "Status": "Enabled",
                    "Destination": {
                        "Bucket": "arn:aws:s3:::records-disaster-recovery",
                        "EncryptionConfiguration": {
                            "ReplicaKmsKeyID": "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                        },
                    },
                    "SourceSelectionCriteria": { "SseKmsEncryptedObjects": { "Status": "Enabled" } },
                }),
            ),
    );
}

/// An access point of the bucket `records` with its public access blocked.
fn access_point() -> RawResource {
    RawResource::new("Ap", "AWS::S3::AccessPoint")
        .property("Bucket", "records")
        .property("Name", "records-ap")
        .property(
            "PublicAccessBlockConfiguration",
            json!({
                "BlockPublicAcls": true,
                "BlockPublicPolicy": true,
                "IgnorePublicAcls": true,
                "RestrictPublicBuckets": true,
            }),
        )
}

fn s14_broken(s: &Stack<'_>) {
    // Reachable from the internet, without a policy that denies requests without TLS.
    add(s, access_point());
}

fn s14_held(s: &Stack<'_>) {
    add(
        s,
        access_point().property("/VpcConfiguration/VpcId", "vpc-0123456789abcdef0"),
    );
}

fn s13_held(s: &Stack<'_>) {
    add(
        s,
        versioned().property(
            "/LifecycleConfiguration/Rules/0",
            json!({
                "Id": "ExpireNoncurrentVersions",
                "Status": "Enabled",
                "NoncurrentVersionExpiration": { "NoncurrentDays": 2557 },
            }),
        ),
    );
}

fn d1_broken(s: &Stack<'_>) {
    add(s, log_group());
}

fn d1_held(s: &Stack<'_>) {
    add(s, log_group().keep(Keep::Retain));
}

/// A database whose only copies are in its own region (none here).
fn d2_gap(s: &Stack<'_>) {
    add(s, db().property("BackupRetentionPeriod", 7));
}

/// RDS replicates its automated backups to us-west-2, encrypted with a key of that region:
/// RDS replicates only to another region than the database's.
fn d2_held(s: &Stack<'_>) {
    add(
        s,
        db().property("BackupRetentionPeriod", 7)
            .property("AutomaticBackupReplicationRegion", "us-west-2")
            .property(
                "AutomaticBackupReplicationKmsKeyId",
                "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
    );
}

// ---------------------------------------------------------------------------------------
// Storage: RDS.
// ---------------------------------------------------------------------------------------

fn r1_broken(s: &Stack<'_>) {
    add(s, db().property("StorageEncrypted", false));
}

fn r1_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        db().property("StorageEncrypted", true)
            .property("KmsKeyId", key.arn()),
    );
}

fn r2_broken(s: &Stack<'_>) {
    add(s, db().property("PubliclyAccessible", true));
}

fn r2_held(s: &Stack<'_>) {
    add(s, db().property("PubliclyAccessible", false));
}

fn r3_broken(s: &Stack<'_>) {
    add(s, db().property("BackupRetentionPeriod", 1));
}

fn r3_held(s: &Stack<'_>) {
    add(
        s,
        db().property("BackupRetentionPeriod", 35)
            .property("DeleteAutomatedBackups", false),
    );
}

/// Backups kept long enough, but deleted with the database (RDS's default).
fn r3_deleted_with_the_database(s: &Stack<'_>) {
    add(s, db().property("BackupRetentionPeriod", 35));
}

fn db_only(s: &Stack<'_>) {
    add(s, db());
}

fn r4_held(s: &Stack<'_>) {
    let db = add(s, db());
    // The selection belongs to a backup plan of the template, whose rules B1 reads.
    let plan = add(s, plan("cron(0 5 ? * * *)", 35));
    add(
        s,
        RawResource::new("Selection", "AWS::Backup::BackupSelection")
            .property("BackupPlanId", plan.reference())
            .property("/BackupSelection/SelectionName", "phi")
            .property(
                "/BackupSelection/IamRoleArn",
                "arn:aws:iam::123456789012:role/backup",
            )
            .property(
                "/BackupSelection/Resources/0",
                db.attribute("DBInstanceArn"),
            ),
    );
}

fn r5_broken(s: &Stack<'_>) {
    add(s, db().property("MultiAZ", false));
}

fn r5_held(s: &Stack<'_>) {
    add(s, db().property("MultiAZ", true));
}

fn r6_broken(s: &Stack<'_>) {
    add(s, db().property("DeletionProtection", false));
}

fn r6_held(s: &Stack<'_>) {
    add(
        s,
        db().property("DeletionProtection", true)
            .keep(Keep::Snapshot),
    );
}

fn r7_broken(s: &Stack<'_>) {
    add(s, db().property("MonitoringInterval", 0));
}

fn r7_held(s: &Stack<'_>) {
    add(
        s,
        db().property("MonitoringInterval", 60).property(
            "MonitoringRoleArn",
            "arn:aws:iam::123456789012:role/rds-monitoring",
        ),
    );
}

fn r8_broken(s: &Stack<'_>) {
    add(
        s,
        db().property("EnableCloudwatchLogsExports", json!(["postgresql"])),
    );
}

fn r8_held(s: &Stack<'_>) {
    add(
        s,
        db().property(
            "EnableCloudwatchLogsExports",
            json!(["postgresql", "upgrade"]),
        ),
    );
}

fn r9_broken(s: &Stack<'_>) {
    add(s, db().property("AutoMinorVersionUpgrade", false));
}

fn r9_held(s: &Stack<'_>) {
    add(s, db().property("AutoMinorVersionUpgrade", true));
}

fn r11_broken(s: &Stack<'_>) {
    add(s, db().property("EnableIAMDatabaseAuthentication", false));
}

fn r11_held(s: &Stack<'_>) {
    add(s, db().property("EnableIAMDatabaseAuthentication", true));
}

fn r12_held(s: &Stack<'_>) {
    let params = add(
        s,
        RawResource::new("Params", "AWS::RDS::DBParameterGroup")
            .property("Family", "postgres16")
            .property("Description", "forces TLS")
            .property("/Parameters/rds.force_ssl", "1"),
    );
    add(s, db().property("DBParameterGroupName", params.reference()));
}

fn r13_broken(s: &Stack<'_>) {
    add(
        s,
        db().property("MasterUserPassword", "correct-horse-battery"),
    );
}

fn r13_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        db().property("ManageMasterUserPassword", true)
            .property("/MasterUserSecret/KmsKeyId", key.arn()),
    );
}

// ---------------------------------------------------------------------------------------
// Storage: KMS, CloudTrail, CloudWatch Logs.
// ---------------------------------------------------------------------------------------

fn k1_broken(s: &Stack<'_>) {
    add(s, key().property("EnableKeyRotation", false));
}

fn k1_held(s: &Stack<'_>) {
    add(s, key().property("EnableKeyRotation", true));
}

fn key_policy(principal: Value) -> Value {
    policy(json!([{
        "Sid": "Administration",
        "Effect": "Allow",
        "Principal": principal,
        "Action": "kms:*",
        "Resource": "*",
    }]))
}

fn k3_broken(s: &Stack<'_>) {
    add(s, key().property("KeyPolicy", key_policy(json!("*"))));
}

fn k3_held(s: &Stack<'_>) {
    add(
        s,
        key().property(
            "KeyPolicy",
            key_policy(json!({ "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } })),
        ),
    );
}

fn trail_only(s: &Stack<'_>) {
    add(s, trail());
}

fn t1_held(s: &Stack<'_>) {
    // The log group the trail writes to, held by the app (L1 and L2 read it).
    let logs = add(s, log_group());
    add(
        s,
        trail()
            .property("CloudWatchLogsLogGroupArn", logs.attribute("Arn"))
            .property(
                "CloudWatchLogsRoleArn",
                "arn:aws:iam::123456789012:role/trail-logs",
            ),
    );
}

fn t2_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(s, trail().property("KMSKeyId", key.arn()));
}

fn t3_broken(s: &Stack<'_>) {
    add(s, trail().property("EnableLogFileValidation", false));
}

fn t3_held(s: &Stack<'_>) {
    add(s, trail().property("EnableLogFileValidation", true));
}

fn t4_broken(s: &Stack<'_>) {
    add(
        s,
        trail().property(
            "EventSelectors",
            json!([{ "ReadWriteType": "WriteOnly", "IncludeManagementEvents": true }]),
        ),
    );
}

fn t4_held(s: &Stack<'_>) {
    add(
        s,
        trail().property(
            "EventSelectors",
            json!([{
                "ReadWriteType": "All",
                "IncludeManagementEvents": true,
                "DataResources": [{ "Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::"] }],
            }]),
        ),
    );
}

fn t5_broken(s: &Stack<'_>) {
    add(
        s,
        trail()
            .property("IsMultiRegionTrail", false)
            .property("IncludeGlobalServiceEvents", true),
    );
}

fn t5_held(s: &Stack<'_>) {
    add(
        s,
        trail()
            .property("IsMultiRegionTrail", true)
            .property("IncludeGlobalServiceEvents", true),
    );
}

fn t6_broken(s: &Stack<'_>) {
    add(s, trail().property("IsLogging", false));
}

fn t6_held(s: &Stack<'_>) {
    add(s, trail().property("IsLogging", true));
}

/// The trail's bucket, named as `trail()` names it, with `rules` as its lifecycle.
fn trail_bucket(s: &Stack<'_>, rules: Value) {
    add(
        s,
        RawResource::new("AuditBucket", "AWS::S3::Bucket")
            .property("BucketName", "audit-trail-bucket")
            .property("/LifecycleConfiguration/Rules", rules),
    );
}

fn t7_broken(s: &Stack<'_>) {
    add(s, trail());
    trail_bucket(
        s,
        json!([{ "Id": "short", "Status": "Enabled", "ExpirationInDays": 30 }]),
    );
}

fn t7_held(s: &Stack<'_>) {
    add(s, trail());
    trail_bucket(
        s,
        json!([{ "Id": "years", "Status": "Enabled", "ExpirationInDays": 2192 }]),
    );
}

fn l1_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(s, log_group().property("KmsKeyId", key.arn()));
}

fn l2_broken(s: &Stack<'_>) {
    add(s, log_group().property("RetentionInDays", 30));
}

fn l2_held(s: &Stack<'_>) {
    add(s, log_group().property("RetentionInDays", 365));
}

/// A database named `EHR-Prod` exporting its two logs, with a log group of the stack for
/// each of `groups` (by log type).
fn named_db_with_groups(s: &Stack<'_>, groups: &[&str]) {
    add(
        s,
        db().property("DBInstanceIdentifier", "EHR-Prod").property(
            "EnableCloudwatchLogsExports",
            json!(["postgresql", "upgrade"]),
        ),
    );
    for (at, log) in groups.iter().enumerate() {
        add(
            s,
            RawResource::new(format!("DbLogs{at}"), "AWS::Logs::LogGroup")
                .property("LogGroupName", format!("/aws/rds/instance/ehr-prod/{log}"))
                .property("RetentionInDays", 365),
        );
    }
}

fn l4_broken(s: &Stack<'_>) {
    named_db_with_groups(s, &["postgresql"]);
}

fn l4_held(s: &Stack<'_>) {
    named_db_with_groups(s, &["postgresql", "upgrade"]);
}

// ---------------------------------------------------------------------------------------
// Network.
// ---------------------------------------------------------------------------------------

fn e10_broken(s: &Stack<'_>) {
    add(
        s,
        security_group(json!([{
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "CidrIp": "0.0.0.0/0",
            "Description": "ssh from anywhere",
        }])),
    );
}

fn e10_held(s: &Stack<'_>) {
    add(
        s,
        security_group(json!([{
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "CidrIp": "10.0.0.0/16",
            "Description": "ssh from the VPC",
        }])),
    );
}

fn e11_broken(s: &Stack<'_>) {
    add(
        s,
        security_group(json!([{
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "CidrIp": "10.0.0.0/16",
        }])),
    );
}

fn e11_held(s: &Stack<'_>) {
    add(
        s,
        security_group(json!([{
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "CidrIp": "10.0.0.0/16",
            "Description": "HTTPS from the VPC",
        }]))
        .property(
            "SecurityGroupEgress",
            json!([{
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "CidrIp": "10.0.2.0/24",
                "Description": "PostgreSQL in the data subnets",
            }]),
        ),
    );
}

/// A group of no ingress whose only egress rule is `egress`.
fn egress_group(s: &Stack<'_>, egress: Value) {
    add(
        s,
        security_group(json!([])).property("SecurityGroupEgress", json!([egress])),
    );
}

fn e18_broken(s: &Stack<'_>) {
    egress_group(
        s,
        json!({ "IpProtocol": "-1", "CidrIp": "0.0.0.0/0", "Description": "everything out" }),
    );
}

fn e18_held(s: &Stack<'_>) {
    egress_group(
        s,
        json!({ "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0",
            "Description": "HTTPS to AWS APIs" }),
    );
}

fn e12_broken(s: &Stack<'_>) {
    add(s, subnet());
}

fn e12_held(s: &Stack<'_>) {
    add(s, subnet().property("MapPublicIpOnLaunch", false));
}

fn vpc_only(s: &Stack<'_>) {
    add(s, vpc());
}

fn e13_held(s: &Stack<'_>) {
    let vpc = add(s, vpc());
    // The log group the flow log names, held by the app (L1 and L2 read it).
    add(
        s,
        RawResource::new("FlowLogs", "AWS::Logs::LogGroup")
            .property("LogGroupName", "vpc-flow-logs"),
    );
    add(
        s,
        RawResource::new("FlowLog", "AWS::EC2::FlowLog")
            .property("ResourceId", vpc.reference())
            .property("ResourceType", "VPC")
            .property("TrafficType", "ALL")
            .property("LogDestinationType", "cloud-watch-logs")
            .property("LogGroupName", "vpc-flow-logs")
            .property(
                "DeliverLogsPermissionArn",
                "arn:aws:iam::123456789012:role/flow-logs",
            ),
    );
}

fn e15_broken(s: &Stack<'_>) {
    routed_subnet(s, false);
}

fn e15_held(s: &Stack<'_>) {
    routed_subnet(s, true);
}

/// A VPC peering connection whose accepter is owned by `owner`, if any.
fn peering(s: &Stack<'_>, owner: Option<&str>) {
    let mut peering = RawResource::new("Peering", "AWS::EC2::VPCPeeringConnection")
        .property("VpcId", "vpc-0123456789abcdef0")
        .property("PeerVpcId", "vpc-0fedcba9876543210");
    if let Some(owner) = owner {
        peering = peering.property("PeerOwnerId", owner);
    }
    add(s, peering);
}

fn e17_broken(s: &Stack<'_>) {
    peering(s, Some("111122223333"));
}

fn e17_held(s: &Stack<'_>) {
    peering(s, None);
}

// ---------------------------------------------------------------------------------------
// Compute.
// ---------------------------------------------------------------------------------------

fn e1_broken(s: &Stack<'_>) {
    add(s, volume().property("Encrypted", false));
}

fn e1_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        volume()
            .property("Encrypted", true)
            .property("KmsKeyId", key.arn()),
    );
}

fn volume_only(s: &Stack<'_>) {
    add(s, volume());
}

fn e3_held(s: &Stack<'_>) {
    add(s, volume());
    // The selection belongs to a backup plan of the template, whose rules B1 reads.
    let plan = add(s, plan("cron(0 5 ? * * *)", 35));
    add(
        s,
        RawResource::new("Selection", "AWS::Backup::BackupSelection")
            .property("BackupPlanId", plan.reference())
            .property("/BackupSelection/SelectionName", "volumes")
            .property(
                "/BackupSelection/IamRoleArn",
                "arn:aws:iam::123456789012:role/backup",
            )
            .property(
                "/BackupSelection/Resources/0",
                json!({ "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:volume/${Data}" }),
            ),
    );
}

fn instance_only(s: &Stack<'_>) {
    add(s, instance());
}

/// A launch template `WebTemplate` that requires IMDSv2 and encrypts its root volume under
/// both root device names (probe 17a #2: `/dev/xvda` or `/dev/sda1`); the instance names
/// Ubuntu's public parameter, since an image id of no known family is a gap however many
/// devices are mapped (probe 18b F5).
fn launch_template(s: &Stack<'_>) -> Handle<RawResource> {
    let key = cmk(s);
    let mut template = RawResource::new("WebTemplate", "AWS::EC2::LaunchTemplate")
        .property("/LaunchTemplateData/MetadataOptions/HttpTokens", "required");
    for (i, device) in ["/dev/xvda", "/dev/sda1"].into_iter().enumerate() {
        let at = format!("/LaunchTemplateData/BlockDeviceMappings/{i}");
        template = template
            .property(&format!("{at}/DeviceName"), device)
            .property(&format!("{at}/Ebs/Encrypted"), true)
            .property(&format!("{at}/Ebs/KmsKeyId"), key.arn());
    }
    add(s, template)
}

fn launched_from_template(s: &Stack<'_>) {
    let template = launch_template(s);
    add(
        s,
        instance()
            .property("ImageId", "{{resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id}}")
            .property("/LaunchTemplate/LaunchTemplateId", template.reference())
            .property(
                "/LaunchTemplate/Version",
                template.attribute("LatestVersionNumber"),
            ),
    );
}

fn e5_broken(s: &Stack<'_>) {
    add(
        s,
        instance().property(
            "NetworkInterfaces",
            json!([{
                "DeviceIndex": "0",
                "SubnetId": "subnet-0123456789abcdef0",
                "AssociatePublicIpAddress": true,
            }]),
        ),
    );
}

fn e5_held(s: &Stack<'_>) {
    let subnet = add(s, subnet().property("MapPublicIpOnLaunch", false));
    add(s, instance().property("SubnetId", subnet.reference()));
}

fn e6_held(s: &Stack<'_>) {
    add(s, instance().property("IamInstanceProfile", "web-servers"));
}

fn e8_broken(s: &Stack<'_>) {
    add(
        s,
        instance()
            .property("Monitoring", false)
            .property("EbsOptimized", true),
    );
}

fn e8_held(s: &Stack<'_>) {
    add(
        s,
        instance()
            .property("Monitoring", true)
            .property("EbsOptimized", true),
    );
}

// ---------------------------------------------------------------------------------------
// Identity.
// ---------------------------------------------------------------------------------------

fn ec2_service() -> Value {
    json!({ "Service": "ec2.amazonaws.com" })
}

fn i1_broken(s: &Stack<'_>) {
    add(
        s,
        role(ec2_service()).property(
            "Policies",
            json!([{
                "PolicyName": "read-records",
                "PolicyDocument": policy(json!([allow("s3:GetObject", "arn:aws:s3:::records/*")])),
            }]),
        ),
    );
}

fn i1_held(s: &Stack<'_>) {
    let role = add(s, role(ec2_service()));
    add(
        s,
        managed_policy(allow("s3:GetObject", "arn:aws:s3:::records/*"))
            .property("/Roles/0", role.reference()),
    );
}

fn i2_broken(s: &Stack<'_>) {
    add(s, managed_policy(allow("s3:*", "arn:aws:s3:::records/*")));
}

fn i2_held(s: &Stack<'_>) {
    add(
        s,
        managed_policy(allow("s3:GetObject", "arn:aws:s3:::records/*")),
    );
}

fn i8_broken(s: &Stack<'_>) {
    add(s, role(json!({ "AWS": "*" })));
}

fn i8_held(s: &Stack<'_>) {
    add(s, role(ec2_service()));
}

fn k4_broken(s: &Stack<'_>) {
    add(s, managed_policy(allow("kms:Decrypt", "*")));
}

fn k4_held(s: &Stack<'_>) {
    add(
        s,
        managed_policy(allow(
            "kms:Decrypt",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        )),
    );
}

// ---------------------------------------------------------------------------------------
// Resilience.
// ---------------------------------------------------------------------------------------

fn l3_broken(s: &Stack<'_>) {
    add(s, alarm().property("AlarmActions", json!([PAGER])));
}

fn l3_held(s: &Stack<'_>) {
    add(
        s,
        alarm()
            .property("AlarmActions", json!([PAGER]))
            .property("InsufficientDataActions", json!([PAGER])),
    );
}

fn n1_broken(s: &Stack<'_>) {
    add(s, topic().property("KmsMasterKeyId", "alias/aws/sns"));
}

fn n1_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(s, topic().property("KmsMasterKeyId", key.arn()));
}

fn topic_only(s: &Stack<'_>) {
    add(s, topic());
}

fn n2_held(s: &Stack<'_>) {
    let topic = add(s, topic());
    add(
        s,
        RawResource::new("TopicPolicy", "AWS::SNS::TopicPolicy")
            .property("/Topics/0", topic.reference())
            .property(
                "PolicyDocument",
                policy(json!([{
                    "Sid": "DenyInsecurePublish",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "SNS:Publish",
                    "Resource": { "Ref": "Topic" },
                    "Condition": { "Bool": { "aws:SecureTransport": "false" } },
                }])),
            ),
    );
}

fn b1_broken(s: &Stack<'_>) {
    add(s, plan("cron(0 5 ? * SUN *)", 35));
}

fn b1_held(s: &Stack<'_>) {
    add(s, plan("cron(0 5 ? * * *)", 35));
}

fn b2_broken(s: &Stack<'_>) {
    add(s, vault_denying(json!(["backup:DeleteRecoveryPoint"])));
}

fn b2_held(s: &Stack<'_>) {
    add(
        s,
        vault_denying(json!([
            "backup:DeleteRecoveryPoint",
            "backup:UpdateRecoveryPointLifecycle",
            "backup:PutBackupVaultAccessPolicy",
            "backup:DeleteBackupVaultAccessPolicy",
        ])),
    );
}

fn b4_broken(s: &Stack<'_>) {
    add(s, vault());
}

fn b4_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(s, vault().property("EncryptionKeyArn", key.arn()));
}

fn secret_only(s: &Stack<'_>) {
    add(s, secret());
}

fn m1_held(s: &Stack<'_>) {
    let secret = add(s, secret());
    add(
        s,
        RawResource::new("Rotation", "AWS::SecretsManager::RotationSchedule")
            .property("SecretId", secret.reference())
            .property("/RotationRules/AutomaticallyAfterDays", 30)
            .property("/HostedRotationLambda/RotationType", "PostgreSQLSingleUser"),
    );
}

fn m2_broken(s: &Stack<'_>) {
    add(s, secret().property("KmsKeyId", "alias/aws/secretsmanager"));
}

fn m2_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(s, secret().property("KmsKeyId", key.arn()));
}

// ---------------------------------------------------------------------------------------
// The other stores of PHI and the services in front of them.
// ---------------------------------------------------------------------------------------

fn function() -> RawResource {
    RawResource::new("Fn", "AWS::Lambda::Function")
}

fn a1_held(s: &Stack<'_>) {
    add(
        s,
        function()
            .property("/VpcConfig/SubnetIds/0", "subnet-0123456789abcdef0")
            .property("ReservedConcurrentExecutions", 5)
            .property(
                "/DeadLetterConfig/TargetArn",
                "arn:aws:sqs:us-east-1:123456789012:dlq",
            ),
    );
}

fn a1k_broken(s: &Stack<'_>) {
    add(
        s,
        function().property("/Environment/Variables/MODE", "batch"),
    );
}

fn a1k_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        function()
            .property("/Environment/Variables/MODE", "batch")
            .property("KmsKeyArn", key.arn()),
    );
}

fn a1t_held(s: &Stack<'_>) {
    add(s, function().property("/TracingConfig/Mode", "Active"));
}

fn queue() -> RawResource {
    RawResource::new("Queue", "AWS::SQS::Queue")
}

fn a2_broken(s: &Stack<'_>) {
    add(s, queue().property("SqsManagedSseEnabled", true));
}

fn a2_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(s, queue().property("KmsMasterKeyId", key.arn()));
}

fn a2d_held(s: &Stack<'_>) {
    let dead = add(s, RawResource::new("Dlq", "AWS::SQS::Queue"));
    add(
        s,
        queue().property("/RedrivePolicy/deadLetterTargetArn", dead.attribute("Arn")),
    );
}

fn a2t_held(s: &Stack<'_>) {
    let q = add(s, queue());
    add(
        s,
        RawResource::new("QueuePolicy", "AWS::SQS::QueuePolicy")
            .property("/Queues/0", q.reference())
            .property(
                "PolicyDocument",
                serde_json::json!({
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "sqs:*",
                        "Resource": "*",
                        "Condition": { "Bool": { "aws:SecureTransport": "false" } }
                    }]
                }),
            ),
    );
}

fn table() -> RawResource {
    RawResource::new("Table", "AWS::DynamoDB::Table")
}

fn a3_broken(s: &Stack<'_>) {
    add(s, table().property("/SSESpecification/SSEEnabled", true));
}

fn a3_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        table()
            .property("/SSESpecification/SSEEnabled", true)
            .property("/SSESpecification/SSEType", "KMS")
            .property("/SSESpecification/KMSMasterKeyId", key.arn()),
    );
}

fn a3b_held(s: &Stack<'_>) {
    add(
        s,
        table().property(
            "/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled",
            true,
        ),
    );
}

fn a3d_held(s: &Stack<'_>) {
    add(s, table().property("DeletionProtectionEnabled", true));
}

fn stage() -> RawResource {
    RawResource::new("Stage", "AWS::ApiGateway::Stage")
}

fn a4_broken(s: &Stack<'_>) {
    add(s, stage().property("StageName", "prod"));
}

fn a4_held(s: &Stack<'_>) {
    add(
        s,
        stage()
            .property(
                "/AccessLogSetting/DestinationArn",
                "arn:aws:logs:us-east-1:123456789012:log-group:api",
            )
            .property("/AccessLogSetting/Format", "$context.requestId")
            .property("/MethodSettings/0/LoggingLevel", "INFO")
            .property("/MethodSettings/0/HttpMethod", "*")
            .property("/MethodSettings/0/ResourcePath", "/*"),
    );
}

fn a4x_broken(s: &Stack<'_>) {
    add(s, stage().property("TracingEnabled", false));
}

fn a4x_held(s: &Stack<'_>) {
    add(s, stage().property("TracingEnabled", true));
}

fn a4w_broken(s: &Stack<'_>) {
    add(s, stage().property("StageName", "v1"));
}

fn a4w_held(s: &Stack<'_>) {
    add(
        s,
        stage()
            .property("StageName", "v1")
            .property("RestApiId", "abc123"),
    );
    let acl = add(
        s,
        RawResource::new("Acl", "AWS::WAFv2::WebACL")
            .property("Scope", "REGIONAL")
            .property("/DefaultAction/Allow", json!({}))
            .property(
                "Rules",
                json!([{
                    "Name": "AWSManagedRulesCommonRuleSet",
                    "Priority": 0,
                    "OverrideAction": { "None": {} },
                    "Statement": { "ManagedRuleGroupStatement": {
                        "VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"
                    } },
                    "VisibilityConfig": {
                        "SampledRequestsEnabled": true,
                        "CloudWatchMetricsEnabled": true,
                        "MetricName": "common"
                    }
                }]),
            ),
    );
    add(
        s,
        RawResource::new("Association", "AWS::WAFv2::WebACLAssociation")
            .property(
                "ResourceArn",
                json!({ "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/abc123/stages/${Stage}" }),
            )
            .property("WebACLArn", acl.attribute("Arn")),
    );
}

fn a4r_broken(s: &Stack<'_>) {
    add(
        s,
        stage()
            .property("/MethodSettings/0/HttpMethod", "*")
            .property("/MethodSettings/0/ResourcePath", "/*")
            .property("/MethodSettings/0/ThrottlingRateLimit", -1)
            .property("/MethodSettings/0/ThrottlingBurstLimit", -1),
    );
}

fn a4r_held(s: &Stack<'_>) {
    add(
        s,
        stage()
            .property("/MethodSettings/0/HttpMethod", "*")
            .property("/MethodSettings/0/ResourcePath", "/*")
            .property("/MethodSettings/0/ThrottlingRateLimit", 10)
            .property("/MethodSettings/0/ThrottlingBurstLimit", 20),
    );
}

fn a4c_broken(s: &Stack<'_>) {
    add(s, stage().property("CacheClusterEnabled", true));
}

fn a4c_held(s: &Stack<'_>) {
    add(s, stage().property("CacheClusterEnabled", false));
}

fn a4e_broken(s: &Stack<'_>) {
    add(
        s,
        stage().property(
            "/AccessLogSetting/DestinationArn",
            "arn:aws:logs:us-east-1:123456789012:log-group:api",
        ),
    );
}

fn a4e_held(s: &Stack<'_>) {
    let key = cmk(s);
    let group = add(
        s,
        RawResource::new("Logs", "AWS::Logs::LogGroup")
            .property("KmsKeyId", key.arn())
            .property("RetentionInDays", 365),
    );
    add(
        s,
        stage().property("/AccessLogSetting/DestinationArn", group.attribute("Arn")),
    );
}

fn a4i_broken(s: &Stack<'_>) {
    add(
        s,
        method()
            .property("/Integration/Type", "HTTP_PROXY")
            .property("/Integration/Uri", "http://backend.example.org/"),
    );
}

fn a4i_held(s: &Stack<'_>) {
    add(
        s,
        method()
            .property("/Integration/Type", "HTTP_PROXY")
            .property("/Integration/Uri", "https://backend.example.org/"),
    );
}

fn method() -> RawResource {
    RawResource::new("Method", "AWS::ApiGateway::Method").property("HttpMethod", "GET")
}

fn a4m_broken(s: &Stack<'_>) {
    add(s, method().property("AuthorizationType", "NONE"));
}

fn a4m_held(s: &Stack<'_>) {
    add(s, method().property("AuthorizationType", "AWS_IAM"));
}

fn domain() -> RawResource {
    RawResource::new("Domain", "AWS::ApiGateway::DomainName")
}

fn a4t_broken(s: &Stack<'_>) {
    add(s, domain().property("SecurityPolicy", "TLS_1_0"));
}

fn a4t_held(s: &Stack<'_>) {
    add(s, domain().property("SecurityPolicy", "TLS_1_2"));
}

fn subscription() -> RawResource {
    RawResource::new("Subscription", "AWS::SNS::Subscription")
}

fn a5_broken(s: &Stack<'_>) {
    add(s, subscription().property("Protocol", "http"));
}

fn a5_held(s: &Stack<'_>) {
    add(s, subscription().property("Protocol", "https"));
}

fn x1_broken(s: &Stack<'_>) {
    add(
        s,
        subscription()
            .property("Protocol", "sqs")
            .property("Endpoint", "arn:aws:sqs:us-east-1:999999999999:elsewhere"),
    );
}

fn x1_held(s: &Stack<'_>) {
    let q = add(s, queue());
    add(
        s,
        subscription()
            .property("Protocol", "sqs")
            .property("Endpoint", q.attribute("Arn")),
    );
}

fn x2_broken(s: &Stack<'_>) {
    add(
        s,
        queue_policy(json!({
            "Effect": "Allow",
            "Principal": { "AWS": "arn:aws:iam::444455556666:root" },
            "Action": "sqs:ReceiveMessage",
            "Resource": "*",
        })),
    );
}

fn x2_held(s: &Stack<'_>) {
    add(
        s,
        queue_policy(json!({
            "Effect": "Allow",
            "Principal": { "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } },
            "Action": "sqs:ReceiveMessage",
            "Resource": "*",
        })),
    );
}

fn queue_policy(statement: Value) -> RawResource {
    RawResource::new("QueuePolicy", "AWS::SQS::QueuePolicy")
        .property(
            "/Queues/0",
            "https://sqs.us-east-1.amazonaws.com/123456789012/q",
        )
        .property("PolicyDocument", policy(json!([statement])))
}

fn p2_broken(s: &Stack<'_>) {
    add(
        s,
        queue_policy(
            json!({ "Effect": "Allow", "Principal": { "AWS": ["*"] }, "Action": "sqs:SendMessage", "Resource": "*" }),
        ),
    );
}

fn p2_held(s: &Stack<'_>) {
    add(
        s,
        queue_policy(json!({
            "Effect": "Allow",
            "Principal": { "Service": "sns.amazonaws.com" },
            "Action": "sqs:SendMessage",
            "Resource": "*",
        })),
    );
}

fn listener() -> RawResource {
    RawResource::new("Listener", "AWS::ElasticLoadBalancingV2::Listener")
}

fn f1_broken(s: &Stack<'_>) {
    add(
        s,
        listener()
            .property("Protocol", "HTTP")
            .property("/DefaultActions/0/Type", "forward"),
    );
}

fn f1_held(s: &Stack<'_>) {
    add(
        s,
        listener()
            .property("Protocol", "HTTPS")
            .property("SslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06")
            .property(
                "/Certificates/0/CertificateArn",
                "arn:aws:acm:us-east-1:123456789012:certificate/abc",
            ),
    );
}

fn load_balancer(attributes: Value) -> RawResource {
    RawResource::new("Lb", "AWS::ElasticLoadBalancingV2::LoadBalancer")
        .property("LoadBalancerAttributes", attributes)
}

fn f3_broken(s: &Stack<'_>) {
    add(
        s,
        load_balancer(json!([{ "Key": "access_logs.s3.enabled", "Value": "true" }])),
    );
}

fn f3_held(s: &Stack<'_>) {
    add(
        s,
        load_balancer(json!([
            { "Key": "access_logs.s3.enabled", "Value": "true" },
            { "Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true" },
        ])),
    );
}

fn file_system() -> RawResource {
    RawResource::new("Files", "AWS::EFS::FileSystem")
}

fn ef1_broken(s: &Stack<'_>) {
    add(s, file_system().property("Encrypted", true));
}

fn ef1_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        file_system()
            .property("Encrypted", true)
            .property("KmsKeyId", key.arn()),
    );
}

/// A file system that refuses every client connection not made over TLS (EF2).
fn ef2_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        file_system()
            .property("Encrypted", true)
            .property("KmsKeyId", key.arn())
            .property(
                "FileSystemPolicy",
                policy(json!([{
                    "Effect": "Deny",
                    "Principal": { "AWS": "*" },
                    "Action": "elasticfilesystem:*",
                    "Condition": { "Bool": { "aws:SecureTransport": "false" } }
                }])),
            ),
    );
}

/// An RDS proxy whose one user reads its password from a secret of the app and must log in
/// with IAM (R14).
fn proxy(s: &Stack<'_>) -> RawResource {
    add(s, secret());
    RawResource::new("Proxy", "AWS::RDS::DBProxy")
        .property("DBProxyName", "phi-proxy")
        .property("EngineFamily", "POSTGRESQL")
        .property(
            "RoleArn",
            json!({ "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/proxy" }),
        )
        .property(
            "VpcSubnetIds",
            json!(["subnet-0a1b2c3d", "subnet-4e5f6a7b"]),
        )
        .property(
            "Auth",
            json!([{
                "AuthScheme": "SECRETS",
                "IAMAuth": "REQUIRED",
                "SecretArn": { "Ref": "Secret" }
            }]),
        )
}

/// A proxy that takes clients without TLS (R14).
fn r14_broken(s: &Stack<'_>) {
    add(s, proxy(s).property("RequireTLS", false));
}

/// A proxy that requires TLS and IAM and reads a secret of the app (R14).
fn r14_held(s: &Stack<'_>) {
    add(s, proxy(s).property("RequireTLS", true));
}

fn cache() -> RawResource {
    RawResource::new("Cache", "AWS::ElastiCache::ReplicationGroup")
}

fn ec1_broken(s: &Stack<'_>) {
    add(s, cache().property("AtRestEncryptionEnabled", true));
}

fn ec1_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        cache()
            .property("AtRestEncryptionEnabled", true)
            .property("TransitEncryptionEnabled", true)
            .property("KmsKeyId", key.arn())
            .property(
                "AuthToken",
                "{{resolve:secretsmanager:cache-token:SecretString:token}}",
            ),
    );
}

fn ec2_held(s: &Stack<'_>) {
    add(s, cache().property("SnapshotRetentionLimit", 15));
}

/// An EMR cluster `Analytics` whose security configuration `AnalyticsSecurity` writes
/// `encryption` as its `EncryptionConfiguration`, with `key`'s ARN as the key of its S3
/// data and local disks when given.
fn emr(s: &Stack<'_>, encryption: Value, key: Option<&Handle<KmsKey>>) {
    let at_rest = "/SecurityConfiguration/EncryptionConfiguration/AtRestEncryptionConfiguration";
    let mut security = RawResource::new("AnalyticsSecurity", "AWS::EMR::SecurityConfiguration")
        .property("/SecurityConfiguration/EncryptionConfiguration", encryption);
    if let Some(key) = key {
        security = security
            .property(
                &format!("{at_rest}/S3EncryptionConfiguration/AwsKmsKey"),
                key.arn(),
            )
            .property(
                &format!("{at_rest}/LocalDiskEncryptionConfiguration/AwsKmsKey"),
                key.arn(),
            );
    }
    add(s, security);
    add(
        s,
        RawResource::new("Analytics", "AWS::EMR::Cluster")
            .property("Name", "analytics")
            .property("ReleaseLabel", "emr-7.1.0")
            .property("JobFlowRole", "analytics-instances")
            .property("ServiceRole", "analytics-service")
            .property("Instances", json!({}))
            .property(
                "SecurityConfiguration",
                json!({ "Ref": "AnalyticsSecurity" }),
            ),
    );
}

/// An EKS cluster `Kube`, private, its secrets under `key` when given, sending the
/// control-plane logs `logs`.
fn eks(s: &Stack<'_>, key: Option<&Handle<KmsKey>>, logs: &[&str]) {
    let mut cluster = RawResource::new("Kube", "AWS::EKS::Cluster")
        .property(
            "RoleArn",
            json!({ "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/eks-cluster" }),
        )
        .property(
            "ResourcesVpcConfig",
            json!({ "SubnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
                "EndpointPublicAccess": false, "EndpointPrivateAccess": true }),
        )
        .property(
            "AccessConfig",
            json!({ "AuthenticationMode": "API", "BootstrapClusterCreatorAdminPermissions": false }),
        )
        .property(
            "/Logging/ClusterLogging/EnabledTypes",
            logs.iter().map(|t| json!({ "Type": t })).collect::<Value>(),
        );
    if let Some(key) = key {
        cluster = cluster
            .property("/EncryptionConfig/0/Resources", json!(["secrets"]))
            .property("/EncryptionConfig/0/Provider/KeyArn", key.arn());
    }
    add(s, cluster);
}

/// Every control-plane log of EKS.
const EKS_LOGS: &[&str] = &[
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];

fn eks1_broken(s: &Stack<'_>) {
    eks(s, None, EKS_LOGS);
}

fn eks1_held(s: &Stack<'_>) {
    let key = cmk(s);
    eks(s, Some(&key), EKS_LOGS);
}

fn eks2_broken(s: &Stack<'_>) {
    eks(s, None, &["api", "authenticator"]);
}

fn eks2_held(s: &Stack<'_>) {
    eks(s, None, EKS_LOGS);
}

/// An access entry `Entry` to the cluster `Kube` for the principal `principal`.
fn eks_access(s: &Stack<'_>, principal: Value) {
    eks(s, None, EKS_LOGS);
    add(
        s,
        RawResource::new("Entry", "AWS::EKS::AccessEntry")
            .property("ClusterName", json!({ "Ref": "Kube" }))
            .property("PrincipalArn", principal),
    );
}

fn eks3_broken(s: &Stack<'_>) {
    eks_access(s, json!("arn:aws:iam::111122223333:role/operators"));
}

fn eks3_held(s: &Stack<'_>) {
    add(
        s,
        RawResource::new("Operators", "AWS::IAM::Role").property(
            "AssumeRolePolicyDocument",
            policy(json!([{ "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": { "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } } }])),
        ),
    );
    eks_access(s, json!({ "Fn::GetAtt": ["Operators", "Arn"] }));
}

/// The role `ClusterRole`, named `eks-cluster`, that the cluster `Kube` of [`eks`] names by
/// its ARN written with the stack's own account.
fn eks_cluster_role(s: &Stack<'_>) {
    add(
        s,
        RawResource::new("ClusterRole", "AWS::IAM::Role")
            .property("RoleName", "eks-cluster")
            .property(
                "AssumeRolePolicyDocument",
                policy(json!([{ "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": { "Service": "eks.amazonaws.com" } }])),
            ),
    );
}

/// An OpenID Connect identity provider `Oidc` of the cluster `Kube` whose issuer is
/// `issuer`, beside an invitation-only user pool `Pool`.
fn eks_oidc(s: &Stack<'_>, issuer: Value) {
    eks_oidc_client(s, issuer, json!({ "Ref": "Kubectl" }));
}

/// A user pool `Pool` closed to sign-up and its app client `client`, which revokes its
/// tokens at sign-out: the issuer and audience of the app that EKS3 and X2 accept.
fn closed_pool_and_client(s: &Stack<'_>, client: &str) {
    add(
        s,
        RawResource::new("Pool", "AWS::Cognito::UserPool")
            .property("/AdminCreateUserConfig/AllowAdminCreateUserOnly", true),
    );
    add(
        s,
        RawResource::new(client, "AWS::Cognito::UserPoolClient")
            .property("UserPoolId", json!({ "Ref": "Pool" }))
            .property("EnableTokenRevocation", true),
    );
}

/// [`eks_oidc`] whose provider names the client `client` (`Kubectl` is a client of `Pool`).
fn eks_oidc_client(s: &Stack<'_>, issuer: Value, client: Value) {
    eks_cluster_role(s);
    eks(s, None, EKS_LOGS);
    closed_pool_and_client(s, "Kubectl");
    add(
        s,
        RawResource::new("Oidc", "AWS::EKS::IdentityProviderConfig")
            .property("ClusterName", json!({ "Ref": "Kube" }))
            .property("Type", "oidc")
            .property("Oidc", json!({ "IssuerUrl": issuer, "ClientId": client })),
    );
}

/// The EBS CSI driver's add-on `Ebs` on the cluster `Kube`.
fn eks4_gap(s: &Stack<'_>) {
    eks(s, None, EKS_LOGS);
    add(
        s,
        RawResource::new("Ebs", "AWS::EKS::Addon")
            .property("ClusterName", json!({ "Ref": "Kube" }))
            .property("AddonName", "aws-ebs-csi-driver"),
    );
}

fn emr1_broken(s: &Stack<'_>) {
    emr(
        s,
        json!({ "EnableAtRestEncryption": false, "EnableInTransitEncryption": false }),
        None,
    );
}

fn emr1_held(s: &Stack<'_>) {
    let key = cmk(s);
    emr(
        s,
        json!({
            "EnableAtRestEncryption": true,
            "EnableInTransitEncryption": true,
            "InTransitEncryptionConfiguration": { "TLSCertificateConfiguration": {
                "CertificateProviderType": "PEM", "S3Object": "s3://certs/certs.zip" } },
            "AtRestEncryptionConfiguration": {
                "S3EncryptionConfiguration": { "EncryptionMode": "SSE-KMS" },
                "LocalDiskEncryptionConfiguration": { "EncryptionKeyProviderType": "AwsKms",
                    "EnableEbsEncryption": true }
            }
        }),
        Some(&key),
    );
}

fn search_domain() -> RawResource {
    RawResource::new("Search", "AWS::OpenSearchService::Domain")
}

fn os1_broken(s: &Stack<'_>) {
    add(
        s,
        search_domain().property("/EncryptionAtRestOptions/Enabled", true),
    );
}

fn os1_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        search_domain()
            .property("/EncryptionAtRestOptions/Enabled", true)
            .property("/EncryptionAtRestOptions/KmsKeyId", key.arn())
            .property("/NodeToNodeEncryptionOptions/Enabled", true)
            .property("/DomainEndpointOptions/EnforceHTTPS", true)
            .property(
                "/DomainEndpointOptions/TLSSecurityPolicy",
                "Policy-Min-TLS-1-2-2019-07",
            ),
    );
}

fn os2_held(s: &Stack<'_>) {
    let key = cmk(s);
    let audit = s
        .add(LogGroup::new("Audit").encryption(&key))
        .expect("the log group is added");
    add(
        s,
        search_domain()
            .property("/VPCOptions/SubnetIds/0", "subnet-0123456789abcdef0")
            .property(
                "/LogPublishingOptions/AUDIT_LOGS/CloudWatchLogsLogGroupArn",
                audit.arn(),
            )
            .property("/LogPublishingOptions/AUDIT_LOGS/Enabled", true)
            .property("/AdvancedSecurityOptions/Enabled", true),
    );
}

fn stream() -> RawResource {
    RawResource::new("Stream", "AWS::Kinesis::Stream")
}

fn ks1_broken(s: &Stack<'_>) {
    add(
        s,
        stream()
            .property("/StreamEncryption/EncryptionType", "KMS")
            .property("/StreamEncryption/KeyId", "alias/aws/kinesis"),
    );
}

fn ks1_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        stream()
            .property("/StreamEncryption/EncryptionType", "KMS")
            .property("/StreamEncryption/KeyId", key.arn()),
    );
}

fn repository() -> RawResource {
    RawResource::new("Repo", "AWS::ECR::Repository")
}

fn ecr1_broken(s: &Stack<'_>) {
    add(s, repository().property("ImageTagMutability", "MUTABLE"));
}

fn ecr1_held(s: &Stack<'_>) {
    add(
        s,
        repository()
            .property("ImageTagMutability", "IMMUTABLE")
            .property("/ImageScanningConfiguration/ScanOnPush", true),
    );
}

fn ecr2_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        repository()
            .property("/EncryptionConfiguration/EncryptionType", "KMS")
            .property("/EncryptionConfiguration/KmsKey", key.arn()),
    );
}

fn warehouse() -> RawResource {
    RawResource::new("Warehouse", "AWS::Redshift::Cluster")
}

fn rs1_broken(s: &Stack<'_>) {
    add(s, warehouse().property("Encrypted", true));
}

fn rs1_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        warehouse()
            .property("Encrypted", true)
            .property("KmsKeyId", key.arn())
            .property("PubliclyAccessible", false),
    );
}

fn rs2_held(s: &Stack<'_>) {
    let group = add(
        s,
        RawResource::new("WarehouseParams", "AWS::Redshift::ClusterParameterGroup")
            .property("Description", "connections over TLS only")
            .property("ParameterGroupFamily", "redshift-1.0")
            .property(
                "Parameters",
                json!([{ "ParameterName": "require_ssl", "ParameterValue": "true" }]),
            ),
    );
    add(
        s,
        warehouse().property("ClusterParameterGroupName", group.reference()),
    );
}

/// COPY and UNLOAD through the cluster's VPC.
fn rs4_held(s: &Stack<'_>) {
    add(s, warehouse().property("EnhancedVpcRouting", true));
}

fn rs3_held(s: &Stack<'_>) {
    add(
        s,
        warehouse()
            .property("/LoggingProperties/LogDestinationType", "cloudwatch")
            .property(
                "/LoggingProperties/LogExports",
                json!(["connectionlog", "userlog", "useractivitylog"]),
            ),
    );
}

fn u1_broken(s: &Stack<'_>) {
    add(s, RawResource::new("Odd", "AWS::Glue::Crawler"));
}

fn u2_broken(s: &Stack<'_>) {
    add(
        s,
        RawResource::new("Nested", "AWS::CloudFormation::Stack")
            .property("TemplateURL", "https://example.com/t.json"),
    );
}

fn h1_queue_broken(s: &Stack<'_>) {
    add(s, RawResource::new("Queue", "AWS::GameLift::Queue"));
}

fn h1_held(s: &Stack<'_>) {
    add(s, queue());
}

fn p1_broken(s: &Stack<'_>) {
    add(
        s,
        RawResource::new("Secret", "AWS::SecretsManager::Secret")
            .property("SecretString", "hunter22"),
    );
}

fn p1_held(s: &Stack<'_>) {
    add(s, secret());
}

// ---------------------------------------------------------------------------------------
// The cases: one module per rule.
// ---------------------------------------------------------------------------------------

cases! {
    s1: "S1" on "Bucket", breaks s1_broken, holds s1_held;
    s3: "S3" on "Bucket", breaks s3_broken, holds s3_held;
    s6: "S6" on "Bucket", breaks s6_broken, holds s6_held;
    s7: "S7" on "Bucket", breaks s1_broken, holds s7_held;
    s8: "S8" on "Bucket", breaks s1_broken, holds s8_held;
    s9: "S9" on "Bucket", breaks s9_broken, holds s9_held;
    s10: "S10" on "Bucket", gap s9_held, holds s10_held;
    s13: "S13" on "Bucket", breaks s9_held, holds s13_held;
    s14: "S14" on "Ap", breaks s14_broken, holds s14_held;
    d1: "D1" on "Logs", breaks d1_broken, holds d1_held;
    d2: "D2" on "Db", gap d2_gap, holds d2_held;
    r1: "R1" on "Db", breaks r1_broken, holds r1_held;
    r2: "R2" on "Db", breaks r2_broken, holds r2_held;
    r3: "R3" on "Db", breaks r3_broken, holds r3_held;
    r4: "R4" on "Db", gap db_only, holds r4_held;
    r5: "R5" on "Db", breaks r5_broken, holds r5_held;
    r6: "R6" on "Db", breaks r6_broken, holds r6_held;
    r7: "R7" on "Db", breaks r7_broken, holds r7_held;
    r8: "R8" on "Db", breaks r8_broken, holds r8_held;
    r9: "R9" on "Db", breaks r9_broken, holds r9_held;
    r11: "R11" on "Db", breaks r11_broken, holds r11_held;
    r12: "R12" on "Db", breaks db_only, holds r12_held;
    r13: "R13" on "Db", breaks r13_broken, holds r13_held;
    k1: "K1" on "Key", breaks k1_broken, holds k1_held;
    k3: "K3" on "Key", breaks k3_broken, holds k3_held;
    t1: "T1" on "Trail", breaks trail_only, holds t1_held;
    t2: "T2" on "Trail", breaks trail_only, holds t2_held;
    t3: "T3" on "Trail", breaks t3_broken, holds t3_held;
    t4: "T4" on "Trail", breaks t4_broken, holds t4_held;
    t5: "T5" on "Trail", breaks t5_broken, holds t5_held;
    t6: "T6" on "Trail", breaks t6_broken, holds t6_held;
    t7: "T7" on "Trail", breaks t7_broken, holds t7_held;
    l1: "L1" on "Logs", breaks d1_broken, holds l1_held;
    l2: "L2" on "Logs", breaks l2_broken, holds l2_held;
    l4: "L4" on "Db", breaks l4_broken, holds l4_held;
    e10: "E10" on "Sg", breaks e10_broken, holds e10_held;
    e11: "E11" on "Sg", breaks e11_broken, holds e11_held;
    e18: "E18" on "Sg", breaks e18_broken, holds e18_held;
    e12: "E12" on "Subnet", breaks e12_broken, holds e12_held;
    e13: "E13" on "Vpc", breaks vpc_only, holds e13_held;
    e14: "E14" on "Vpc", gap vpc_only;
    e15: "E15" on "Route", breaks e15_broken, holds e15_held;
    e17: "E17" on "Peering", breaks e17_broken, holds e17_held;
    e1: "E1" on "Data", breaks e1_broken, holds e1_held;
    e3: "E3" on "Data", gap volume_only, holds e3_held;
    e4: "E4" on "Web", breaks instance_only, holds launched_from_template;
    e5: "E5" on "Web", breaks e5_broken, holds e5_held;
    e6: "E6" on "Web", breaks instance_only, holds e6_held;
    e8: "E8" on "Web", breaks e8_broken, holds e8_held;
    i1: "I1" on "Role", breaks i1_broken, holds i1_held;
    i2: "I2" on "Access", breaks i2_broken, holds i2_held;
    i8: "I8" on "Role", breaks i8_broken, holds i8_held;
    k4: "K4" on "Access", breaks k4_broken, holds k4_held;
    l3: "L3" on "Alarm", breaks l3_broken, holds l3_held;
    n1: "N1" on "Topic", breaks n1_broken, holds n1_held;
    n2: "N2" on "Topic", breaks topic_only, holds n2_held;
    b1: "B1" on "Plan", breaks b1_broken, holds b1_held;
    b2: "B2" on "Vault", breaks b2_broken, holds b2_held;
    b4: "B4" on "Vault", breaks b4_broken, holds b4_held;
    m1: "M1" on "Secret", breaks secret_only, holds m1_held;
    m2: "M2" on "Secret", breaks m2_broken, holds m2_held;
    a1: "A1" on "Fn", breaks a1k_broken, holds a1_held;
    a1k: "A1K" on "Fn", breaks a1k_broken, holds a1k_held;
    a1t: "A1T" on "Fn", breaks a1k_broken, holds a1t_held;
    a2: "A2" on "Queue", breaks a2_broken, holds a2_held;
    a2d: "A2D" on "Queue", breaks a2_broken, holds a2d_held;
    a2t: "A2T" on "Queue", breaks a2_broken, holds a2t_held;
    a3: "A3" on "Table", breaks a3_broken, holds a3_held;
    a3b: "A3B" on "Table", breaks a3_broken, holds a3b_held;
    a3d: "A3D" on "Table", breaks a3_broken, holds a3d_held;
    a4: "A4" on "Stage", breaks a4_broken, holds a4_held;
    a4m: "A4M" on "Method", breaks a4m_broken, holds a4m_held;
    a4t: "A4T" on "Domain", breaks a4t_broken, holds a4t_held;
    a4x: "A4X" on "Stage", breaks a4x_broken, holds a4x_held;
    a4w: "A4W" on "Stage", breaks a4w_broken, holds a4w_held;
    a4r: "A4R" on "Stage", breaks a4r_broken, holds a4r_held;
    a4c: "A4C" on "Stage", breaks a4c_broken, holds a4c_held;
    a4e: "A4E" on "Stage", breaks a4e_broken, holds a4e_held;
    a4i: "A4I" on "Method", breaks a4i_broken, holds a4i_held;
    a5: "A5" on "Subscription", breaks a5_broken, holds a5_held;
    p2: "P2" on "QueuePolicy", breaks p2_broken, holds p2_held;
    f1: "F1" on "Listener", breaks f1_broken, holds f1_held;
    f3: "F3" on "Lb", breaks f3_broken, holds f3_held;
    f2: "F2" on "Listener", breaks fd::f2_broken, holds fd::f2_held;
    f4: "F4" on "Lb", breaks fd::f4_broken, holds fd::f4_held;
    f5: "F5" on "Group", breaks fd::f5_broken, holds fd::f5_held;
    f6: "F6" on "Targets", breaks fd::f6_broken, holds fd::f6_held;
    f7: "F7" on "Lb", breaks fd::f7_broken, holds fd::f7_held;
    sm1: "SM1" on "Prefs", breaks fd::sm1_broken, holds fd::sm1_held;
    ef1: "EF1" on "Files", breaks ef1_broken, holds ef1_held;
    ef2: "EF2" on "Files", breaks ef1_held, holds ef2_held;
    r14: "R14" on "Proxy", breaks r14_broken, holds r14_held;
    ec1: "EC1" on "Cache", breaks ec1_broken, holds ec1_held;
    ec2: "EC2" on "Cache", breaks ec1_broken, holds ec2_held;
    emr1: "EMR1" on "Analytics", breaks emr1_broken, holds emr1_held;
    eks1: "EKS1" on "Kube", breaks eks1_broken, holds eks1_held;
    eks2: "EKS2" on "Kube", breaks eks2_broken, holds eks2_held;
    eks3: "EKS3" on "Entry", breaks eks3_broken, holds eks3_held;
    eks4: "EKS4" on "Ebs", gap eks4_gap;
    os1: "OS1" on "Search", breaks os1_broken, holds os1_held;
    os2: "OS2" on "Search", breaks os1_broken, holds os2_held;
    os3: "OS3" on "Search", breaks os1_broken, holds os2_held;
    ks1: "KS1" on "Stream", breaks ks1_broken, holds ks1_held;
    ecr1: "ECR1" on "Repo", breaks ecr1_broken, holds ecr1_held;
    ecr2: "ECR2" on "Repo", breaks ecr1_broken, holds ecr2_held;
    rs1: "RS1" on "Warehouse", breaks rs1_broken, holds rs1_held;
    rs2: "RS2" on "Warehouse", breaks rs1_broken, holds rs2_held;
    rs3: "RS3" on "Warehouse", breaks rs1_broken, holds rs3_held;
    rs4: "RS4" on "Warehouse", breaks rs1_broken, holds rs4_held;
    u1: "U1" on "Odd", breaks u1_broken;
    u2: "U2" on "Nested", breaks u2_broken;
    h1: "H1" on "Queue", breaks h1_queue_broken, holds h1_held;
    p1: "P1" on "Secret", breaks p1_broken, holds p1_held;
    x1: "X1" on "Subscription", breaks x1_broken, holds x1_held;
    x2: "X2" on "QueuePolicy", breaks x2_broken, holds x2_held;
    dms1: "DMS1" on "Replicator", breaks sv::dms1_broken, holds sv::dms1_held;
    dms2: "DMS2" on "Source", breaks sv::dms2_broken, holds sv::dms2_held;
    dd1: "DD1" on "Records", breaks sv::dd1_broken, holds sv::dd_held;
    dd2: "DD2" on "Records", breaks sv::dd2_broken, holds sv::dd_held;
    dd3: "DD3" on "Records", breaks sv::dd3_broken, holds sv::dd_held;
    dd4: "DD4" on "Records", breaks sv::dd4_broken, holds sv::dd_held;
    dd5: "DD5" on "Records", breaks sv::dd5_broken, holds sv::dd_held;
    ml1: "ML1" on "Notebook", breaks sv::ml1_broken, holds sv::ml1_held;
    msk1: "MSK1" on "Kafka", breaks sv::msk1_broken, holds sv::msk1_held;
    ml2: "ML2" on "Notebook", breaks sv::ml2_broken, holds sv::ml2_held;
    ml3: "ML3" on "Notebook", breaks sv::ml3_broken, holds sv::ml3_held;
    cf1: "CF1" on "Edge", breaks sv::cf1_broken, holds sv::cf_held;
    cf2: "CF2" on "Edge", breaks sv::cf2_broken, holds sv::cf_held;
    cf3: "CF3" on "Edge", breaks sv::cf3_broken, holds sv::cf_held;
    as1: "AS1" on "Graph", breaks sv::as1_broken, holds sv::as_held;
    as2: "AS2" on "Graph", breaks sv::as2_broken, holds sv::as_held;
    e16: "E16" on "Entry", breaks sv::e16_broken, holds sv::e16_held;
    i9: "I9" on "CiKey", breaks sv::i9_broken, holds sv::i9_held;
    i10: "I10" on "Alice", breaks sv::i10_broken, holds sv::i10_held;
    i11: "I11" on "Alice", breaks sv::i11_broken, holds sv::i11_held;
    cg1: "CG1" on "Patients", breaks sv::cg1_broken, holds sv::cg1_held;
    cg2: "CG2" on "Patients", breaks sv::cg2_broken, holds sv::cg2_held;
    cg3: "CG3" on "Web", breaks sv::cg3_broken, holds sv::cg3_held;
    cg4: "CG4" on "Patients", breaks sv::cg4_broken, holds sv::cg4_held;
}

/// A rule without cases fails here.
#[test]
fn every_rule_has_cases() {
    let ids: BTreeSet<&str> = rules().map(|r| r.id).collect();
    let covered: BTreeSet<&str> = COVERED.iter().copied().collect();
    assert_eq!(COVERED.len(), covered.len(), "a rule has two case modules");
    assert_eq!(ids, covered);
}

// ---------------------------------------------------------------------------------------
// More shapes of the rules whose checks read more than one property.
// ---------------------------------------------------------------------------------------

/// A database that RDS names at deploy writes its exported logs to groups of RDS's own:
/// a gap, shown and not refused.
#[test]
fn l4_is_a_gap_for_a_database_named_at_deploy() {
    gap("L4", "Db", r8_held);
}

/// The role a cluster's control plane acts with is a role of the app, as a node group's is.
#[test]
fn eks3_reads_the_role_the_cluster_acts_with() {
    breaks("EKS3", "Kube", eks2_held);
    holds("EKS3", "Kube", |s| {
        eks_cluster_role(s);
        eks(s, None, EKS_LOGS);
    });
}

/// An OpenID Connect identity provider of a cluster authenticates users that no access
/// entry declares: only an invitation-only user pool of the app may be its issuer.
#[test]
fn eks3_reads_an_identity_provider_of_the_cluster() {
    breaks("EKS3", "Oidc", |s| {
        eks_oidc(s, json!("https://example.okta.com"));
    });
    holds("EKS3", "Oidc", |s| {
        eks_oidc(
            s,
            json!({ "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}" }),
        );
    });
}

/// An identity provider whose `ClientId` is no client of the app: the cluster accepts the
/// tokens of a client no rule reads.
#[test]
fn eks3_reads_the_client_of_an_identity_provider() {
    breaks("EKS3", "Oidc", |s| {
        eks_oidc_client(
            s,
            json!({ "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}" }),
            json!("kubernetes"),
        );
    });
}

/// An identity provider whose groups claim is an attribute the client lets each user write
/// (it writes no `WriteAttributes`): a user names their own Kubernetes groups. The pool's
/// groups hold.
#[test]
fn eks3_reads_whether_users_write_the_groups_claim() {
    fn claims(s: &Stack<'_>, groups: &str) {
        eks_cluster_role(s);
        eks(s, None, EKS_LOGS);
        add(
            s,
            RawResource::new("Pool", "AWS::Cognito::UserPool")
                .property("/AdminCreateUserConfig/AllowAdminCreateUserOnly", true)
                .property(
                    "Schema",
                    json!([{ "Name": "k8s_groups", "AttributeDataType": "String" }]),
                ),
        );
        add(
            s,
            RawResource::new("Kubectl", "AWS::Cognito::UserPoolClient")
                .property("UserPoolId", json!({ "Ref": "Pool" }))
                .property("EnableTokenRevocation", true),
        );
        add(
            s,
            RawResource::new("Oidc", "AWS::EKS::IdentityProviderConfig")
                .property("ClusterName", json!({ "Ref": "Kube" }))
                .property("Type", "oidc")
                .property(
                    "Oidc",
                    json!({ "IssuerUrl": { "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}" },
                        "ClientId": { "Ref": "Kubectl" }, "GroupsClaim": groups, "GroupsPrefix": "oidc:" }),
                ),
        );
    }
    breaks("EKS3", "Oidc", |s| claims(s, "custom:k8s_groups"));
    holds("EKS3", "Oidc", |s| claims(s, "cognito:groups"));
}

/// An HTTP API's JWT authorizer accepts the tokens of each client its `Audience` lists:
/// a client ID written as text is a client no rule reads; the app's client holds.
#[test]
fn x2_reads_the_audience_of_a_jwt_authorizer() {
    fn jwt(s: &Stack<'_>, audience: Value) {
        closed_pool_and_client(s, "Web");
        add(
            s,
            RawResource::new("Http", "AWS::ApiGatewayV2::Api")
                .property("Name", "records")
                .property("ProtocolType", "HTTP"),
        );
        add(
            s,
            RawResource::new("Jwt", "AWS::ApiGatewayV2::Authorizer")
                .property("ApiId", json!({ "Ref": "Http" }))
                .property("Name", "users")
                .property("AuthorizerType", "JWT")
                .property("IdentitySource", json!(["$request.header.Authorization"]))
                .property(
                    "JwtConfiguration",
                    json!({ "Issuer": { "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}" },
                        "Audience": audience }),
                ),
        );
    }
    breaks("X2", "Jwt", |s| {
        jwt(s, json!(["3n4b5urk1ft4fl3mg5e62d9ado"]))
    });
    holds("X2", "Jwt", |s| jwt(s, json!([{ "Ref": "Web" }])));
}

/// An app client that lets the app send the password itself rather than an SRP proof.
#[test]
fn cg3_refuses_a_client_that_takes_the_password_itself() {
    breaks("CG3", "Web", sv::cg3_password_sent);
    holds("CG3", "Web", sv::cg3_srp_only);
}

/// Choice-based sign-in takes the password itself where the client's pool allows PASSWORD
/// as a first factor (Cognito's default); a pool of passkeys and one-time codes does not.
#[test]
fn cg3_refuses_choice_based_sign_in_of_a_pool_that_takes_passwords() {
    fn choice(s: &Stack<'_>, factors: Option<Value>) {
        let mut pool = RawResource::new("Patients", "AWS::Cognito::UserPool")
            .property("UserPoolTier", "ESSENTIALS");
        if let Some(factors) = factors {
            pool = pool.property("/Policies/SignInPolicy/AllowedFirstAuthFactors", factors);
        }
        let pool = add(s, pool);
        add(
            s,
            RawResource::new("Web", "AWS::Cognito::UserPoolClient")
                .property("UserPoolId", pool.reference())
                .property("EnableTokenRevocation", true)
                .property("ExplicitAuthFlows", json!(["ALLOW_USER_AUTH"])),
        );
    }
    breaks("CG3", "Web", |s| choice(s, None));
    breaks("CG3", "Web", |s| {
        choice(s, Some(json!(["PASSWORD", "WEB_AUTHN"])));
    });
    holds("CG3", "Web", |s| {
        choice(s, Some(json!(["EMAIL_OTP", "WEB_AUTHN"])));
    });
}

/// Every port out to a prefix list is every port to what the list holds: only a list of the
/// app of private ranges passes.
#[test]
fn e18_reads_the_prefix_list_of_an_egress_rule() {
    fn to_list(s: &Stack<'_>, entries: Value) {
        add(
            s,
            RawResource::new("Peers", "AWS::EC2::PrefixList")
                .property("PrefixListName", "peers")
                .property("AddressFamily", "IPv4")
                .property("MaxEntries", 2)
                .property("Entries", entries),
        );
        egress_group(
            s,
            json!({ "IpProtocol": "-1", "DestinationPrefixListId": { "Ref": "Peers" },
                "Description": "peers" }),
        );
    }
    breaks("E18", "Sg", |s| {
        egress_group(
            s,
            json!({ "IpProtocol": "-1", "DestinationPrefixListId": "pl-0a1b2c3d4e5f60718",
                "Description": "everything out" }),
        );
    });
    breaks("E18", "Sg", |s| {
        to_list(s, json!([{ "Cidr": "0.0.0.0/0" }]));
    });
    holds("E18", "Sg", |s| {
        to_list(s, json!([{ "Cidr": "10.1.0.0/16" }]));
    });
}

#[test]
fn r3_refuses_backups_deleted_with_the_database() {
    breaks("R3", "Db", r3_deleted_with_the_database);
}

#[test]
fn e10_refuses_every_port_and_ranges_over_a_database_port_from_ipv6() {
    breaks("E10", "Open", |s| {
        add(
            s,
            RawResource::new("Open", "AWS::EC2::SecurityGroupIngress")
                .property("GroupId", "sg-0123456789abcdef0")
                .property("IpProtocol", "-1")
                .property("CidrIp", "0.0.0.0/0")
                .property("Description", "everything"),
        );
    });
    breaks("E10", "Sg", |s| {
        add(
            s,
            security_group(json!([
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "CidrIp": "0.0.0.0/0",
                    "Description": "HTTPS from anywhere",
                },
                {
                    "IpProtocol": "tcp",
                    "FromPort": 3000,
                    "ToPort": 3400,
                    "CidrIpv6": "::/0",
                    "Description": "a range over MySQL",
                },
            ])),
        );
    });
    holds("E10", "Sg", |s| {
        add(
            s,
            security_group(json!([{
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "CidrIp": "0.0.0.0/0",
                "Description": "HTTPS from anywhere",
            }])),
        );
    });
}

#[test]
fn e1_reads_the_launch_template_of_an_instance_without_mappings() {
    holds("E1", "Web", launched_from_template);
    breaks("E1", "Web", instance_only);
}

#[test]
fn e5_refuses_a_subnet_that_maps_public_addresses() {
    breaks("E5", "Web", |s| {
        let subnet = add(s, subnet().property("MapPublicIpOnLaunch", true));
        add(s, instance().property("SubnetId", subnet.reference()));
    });
}

fn registry_policy(principal: Value) -> RawResource {
    RawResource::new("Registry", "AWS::ECR::RegistryPolicy").property(
        "PolicyText",
        policy(json!([{
            "Effect": "Allow",
            "Principal": { "AWS": principal },
            "Action": ["ecr:ReplicateImage", "ecr:CreateRepository"],
            "Resource": { "Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*" },
        }])),
    )
}

fn endpoint_authorization(account: Value) -> RawResource {
    RawResource::new("Authorization", "AWS::Redshift::EndpointAuthorization")
        .property("Account", account)
        .property("ClusterIdentifier", "records")
}

/// An ECR registry policy and a Redshift endpoint authorization that grant another account
/// fail X2 (before, only U1 read them); this account's own pass, and a partner's takes a
/// waiver of X2 with the agreement named.
#[test]
fn x2_refuses_a_registry_policy_or_endpoint_authorization_of_another_account() {
    breaks("X2", "Registry", |s| {
        add(s, registry_policy(json!("arn:aws:iam::111122223333:root")));
    });
    holds("X2", "Registry", |s| {
        add(
            s,
            registry_policy(
                json!({ "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" }),
            ),
        );
    });
    breaks("X2", "Authorization", |s| {
        add(s, endpoint_authorization(json!("111122223333")));
    });
    holds("X2", "Authorization", |s| {
        add(
            s,
            endpoint_authorization(json!({ "Ref": "AWS::AccountId" })),
        );
    });
    let app = App::new("rules");
    let stack = app.stack("s").expect("a valid stack name");
    let grant = add(&stack, endpoint_authorization(json!("111122223333")));
    app.waive(Waiver::new(
        rule::X2,
        &grant,
        "the analytics partner queries the warehouse under its business associate agreement",
    ))
    .expect("a valid waiver");
    let assembly = app.check().expect("check returns the assembly");
    assert!(
        matches!(
            status_of(assembly.evaluation(), "X2", "Authorization"),
            Status::Waived { .. }
        ),
        "X2 on the authorization is not waived"
    );
}

/// An MSK VPC connection of a client VPC, without its `TargetClusterArn`.
fn msk_connection() -> RawResource {
    RawResource::new("Connection", "AWS::MSK::VpcConnection")
        .property("Authentication", "SASL_IAM")
        .property(
            "ClientSubnets",
            json!(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]),
        )
        .property("SecurityGroups", json!(["sg-0123456789abcdef0"]))
        .property("VpcId", "vpc-0123456789abcdef0")
}

/// An MSK VPC connection sends its VPC's records to the cluster of `TargetClusterArn`: X1
/// refuses a cluster that is no `AWS::MSK::Cluster` of the app.
#[test]
fn x1_refuses_an_msk_vpc_connection_to_a_cluster_not_of_the_app() {
    breaks("X1", "Connection", |s| {
        add(
            s,
            msk_connection().property(
                "TargetClusterArn",
                "arn:aws:kafka:us-east-1:111122223333:cluster/partner/0f0e0d0c-1111-2222-3333-444455556666-1",
            ),
        );
    });
    holds("X1", "Connection", |s| {
        let cluster = add(
            s,
            RawResource::new("Kafka", "AWS::MSK::Cluster")
                .property("ClusterName", "events")
                .property("KafkaVersion", "3.6.0")
                .property("NumberOfBrokerNodes", 2),
        );
        add(
            s,
            msk_connection().property("TargetClusterArn", cluster.attribute("Arn")),
        );
    });
}

fn catalog_policy(principal: Value) -> RawResource {
    RawResource::new("Catalog", "AWS::Glue::ResourcePolicy").property(
        "Policy",
        policy(json!([{
            "Effect": "Allow",
            "Principal": { "AWS": principal },
            "Action": ["glue:GetDatabase*", "glue:GetTable*"],
            "Resource": { "Fn::Sub": "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:*" },
        }])),
    )
}

/// A bucket whose replicas, in a bucket of the app, are encrypted with another account's key
/// fails S1, which reads `ReplicaKmsKeyID` as it reads the bucket's own key (before, only
/// the bucket's own key was read).
#[test]
fn s1_refuses_replicas_encrypted_with_another_accounts_key() {
    breaks("S1", "Bucket", |s| {
        let key = cmk(s);
        add(
            s,
            RawResource::new("Copy", "AWS::S3::Bucket").property("BucketName", "records-copy"),
        );
        let encryption = "/BucketEncryption/ServerSideEncryptionConfiguration/0";
        let rule = "/ReplicationConfiguration/Rules/0";
        add(
            s,
            bucket()
                .property(
                    &format!("{encryption}/ServerSideEncryptionByDefault/SSEAlgorithm"),
                    "aws:kms",
                )
                .property(
                    &format!("{encryption}/ServerSideEncryptionByDefault/KMSMasterKeyID"),
                    key.arn(),
                )
                .property(&format!("{encryption}/BucketKeyEnabled"), true)
                .property(
                    "/ReplicationConfiguration/Role",
                    json!({ "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/replication" }),
                )
                .property(&format!("{rule}/Status"), "Enabled")
                .property(
                    &format!("{rule}/Destination/Bucket"),
                    json!({ "Fn::GetAtt": ["Copy", "Arn"] }),
                )
                .property(
                    &format!("{rule}/Destination/EncryptionConfiguration/ReplicaKmsKeyID"),
                    "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                ),
        );
    });
}

/// A backup plan whose copy action sends every recovery point to a vault of another
/// account fails X1 (before, B2 left only a gap); one that copies to a vault of the app
/// holds.
#[test]
fn x1_refuses_backup_copies_to_another_accounts_vault() {
    fn plan(destination: Value) -> RawResource {
        RawResource::new("Plan", "AWS::Backup::BackupPlan").property(
            "BackupPlan",
            json!({ "BackupPlanName": "daily", "BackupPlanRule": [{
                "RuleName": "daily", "TargetBackupVault": { "Ref": "Vault" },
                "ScheduleExpression": "cron(0 5 * * ? *)",
                "CopyActions": [{ "DestinationBackupVaultArn": destination }] }] }),
        )
    }
    fn vaults(s: &Stack<'_>) {
        add(
            s,
            RawResource::new("Vault", "AWS::Backup::BackupVault")
                .property("BackupVaultName", "records"),
        );
        add(
            s,
            RawResource::new("Copies", "AWS::Backup::BackupVault")
                .property("BackupVaultName", "copies"),
        );
    }
    breaks("X1", "Plan", |s| {
        vaults(s);
        add(
            s,
            plan(
                json!({ "Fn::Sub": "arn:${AWS::Partition}:backup:us-west-2:111122223333:backup-vault:central" }),
            ),
        );
    });
    holds("X1", "Plan", |s| {
        vaults(s);
        add(
            s,
            plan(json!({ "Fn::GetAtt": ["Copies", "BackupVaultArn"] })),
        );
    });
}

/// A CloudWatch observability link to another account's sink, and a sink whose policy lets
/// another account link to it, fail X2 (before, only U1 read them); a link to a sink of the
/// app holds.
#[test]
fn x2_refuses_observability_links_and_sinks_of_another_account() {
    fn link(sink: Value) -> RawResource {
        RawResource::new("Link", "AWS::Oam::Link")
            .property("ResourceTypes", json!(["AWS::Logs::LogGroup"]))
            .property("SinkIdentifier", sink)
    }
    breaks("X2", "Link", |s| {
        add(
            s,
            link(json!(
                "arn:aws:oam:us-east-1:111122223333:sink/f3b2c1d0-1111-2222-3333-444455556666"
            )),
        );
    });
    holds("X2", "Link", |s| {
        add(
            s,
            RawResource::new("Sink", "AWS::Oam::Sink").property("Name", "monitoring"),
        );
        add(s, link(json!({ "Fn::GetAtt": ["Sink", "Arn"] })));
    });
    breaks("X2", "Sink", |s| {
        add(
            s,
            RawResource::new("Sink", "AWS::Oam::Sink")
                .property("Name", "monitoring")
                .property(
                    "Policy",
                    policy(json!([{
                        "Effect": "Allow",
                        "Principal": { "AWS": ["111122223333"] },
                        "Action": ["oam:CreateLink", "oam:UpdateLink"],
                        "Resource": "*",
                    }])),
                ),
        );
    });
}

/// A Data Catalog policy, a Systems Manager policy or a model package group's policy that
/// grants another account, and a network interface permission for another account, fail
/// X2 (before, only U1 read them).
#[test]
fn x2_refuses_catalog_parameter_and_interface_grants_to_another_account() {
    breaks("X2", "Catalog", |s| {
        add(s, catalog_policy(json!("arn:aws:iam::111122223333:root")));
    });
    holds("X2", "Catalog", |s| {
        add(
            s,
            catalog_policy(
                json!({ "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" }),
            ),
        );
    });
    breaks("X2", "Share", |s| {
        add(
            s,
            RawResource::new("Share", "AWS::SSM::ResourcePolicy")
                .property(
                    "ResourceArn",
                    json!({ "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/shared" }),
                )
                .property(
                    "Policy",
                    policy(json!([{
                        "Effect": "Allow",
                        "Principal": { "AWS": "111122223333" },
                        "Action": "ssm:GetParameter",
                        "Resource": "*",
                    }])),
                ),
        );
    });
    breaks("X2", "Models", |s| {
        add(
            s,
            RawResource::new("Models", "AWS::SageMaker::ModelPackageGroup")
                .property("ModelPackageGroupName", "triage")
                .property(
                    "ModelPackageGroupPolicy",
                    policy(json!([{
                        "Effect": "Allow",
                        "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
                        "Action": "sagemaker:DescribeModelPackage",
                        "Resource": "*",
                    }])),
                ),
        );
    });
    breaks("X2", "Attach", |s| {
        add(
            s,
            RawResource::new("Attach", "AWS::EC2::NetworkInterfacePermission")
                .property("AwsAccountId", "111122223333")
                .property("NetworkInterfaceId", "eni-0123456789abcdef0")
                .property("Permission", "INSTANCE-ATTACH"),
        );
    });
}

fn trace_policy(principal: Value) -> RawResource {
    RawResource::new("Traces", "AWS::XRay::ResourcePolicy")
        .property("PolicyName", "traces")
        .property(
            "PolicyDocument",
            policy(json!([{
                "Effect": "Allow",
                "Principal": principal,
                "Action": ["xray:PutTraceSegments", "xray:GetSamplingRules"],
                "Resource": "*",
            }]))
            .to_string(),
        )
}

/// X-Ray's resource policy that grants another account, or everyone, fails X2 (and `*`
/// fails P2); before, only U1 read it.
#[test]
fn x2_refuses_an_xray_policy_for_another_account() {
    breaks("X2", "Traces", |s| {
        add(
            s,
            trace_policy(json!({ "AWS": "arn:aws:iam::111122223333:root" })),
        );
    });
    breaks("P2", "Traces", |s| {
        add(s, trace_policy(json!({ "AWS": "*" })));
    });
    holds("X2", "Traces", |s| {
        add(
            s,
            trace_policy(
                json!({ "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } }),
            ),
        );
    });
}

/// An S3 on Outposts bucket policy or access point policy that grants another account
/// fails X2, and `*` fails P2 (before, only U1 read them, and a waiver of U1 let them in).
#[test]
fn x2_refuses_outposts_bucket_and_access_point_grants_to_another_account() {
    fn outposts_bucket() -> Value {
        json!({ "Fn::Sub": "arn:${AWS::Partition}:s3-outposts:${AWS::Region}:${AWS::AccountId}:outpost/op-01ac5d28a6a232904/bucket/records" })
    }
    breaks("X2", "Outpost", |s| {
        add(
            s,
            RawResource::new("Outpost", "AWS::S3Outposts::BucketPolicy")
                .property("Bucket", outposts_bucket())
                .property(
                    "PolicyDocument",
                    policy(json!([{
                        "Effect": "Allow",
                        "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
                        "Action": "s3-outposts:GetObject",
                        "Resource": "*",
                    }])),
                ),
        );
    });
    breaks("P2", "Point", |s| {
        add(
            s,
            RawResource::new("Point", "AWS::S3Outposts::AccessPoint")
                .property("Bucket", outposts_bucket())
                .property("Name", "records-ap")
                .property(
                    "VpcConfiguration",
                    json!({ "VpcId": "vpc-0123456789abcdef0" }),
                )
                .property(
                    "Policy",
                    policy(json!([{
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3-outposts:GetObject",
                        "Resource": "*",
                    }])),
                ),
        );
    });
    holds("X2", "Outpost", |s| {
        add(
            s,
            RawResource::new("Outpost", "AWS::S3Outposts::BucketPolicy")
                .property("Bucket", outposts_bucket())
                .property(
                    "PolicyDocument",
                    policy(json!([{
                        "Effect": "Allow",
                        "Principal": { "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } },
                        "Action": "s3-outposts:GetObject",
                        "Resource": "*",
                    }])),
                ),
        );
    });
}

/// A Lex bot's, a schema registry's and a CodeArtifact repository's resource policies
/// that grant another account fail X2, and `*` fails P2 (before, only U1 read them).
#[test]
fn x2_refuses_lex_schema_and_package_grants_to_another_account() {
    breaks("X2", "Repo", |s| {
        add(
            s,
            RawResource::new("Repo", "AWS::CodeArtifact::Repository")
                .property("DomainName", "clinic")
                .property("RepositoryName", "internal")
                .property(
                    "PermissionsPolicyDocument",
                    policy(json!([{
                        "Effect": "Allow",
                        "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
                        "Action": "codeartifact:ReadFromRepository",
                        "Resource": "*",
                    }])),
                ),
        );
    });
    breaks("P2", "Bot", |s| {
        add(
            s,
            RawResource::new("Bot", "AWS::Lex::ResourcePolicy")
                .property(
                    "ResourceArn",
                    json!({ "Fn::Sub": "arn:${AWS::Partition}:lex:${AWS::Region}:${AWS::AccountId}:bot-alias/BOTID/ALIASID" }),
                )
                .property(
                    "Policy",
                    policy(json!([{
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "lex:RecognizeText",
                        "Resource": "*",
                    }])),
                ),
        );
    });
    holds("X2", "Schemas", |s| {
        add(
            s,
            RawResource::new("Schemas", "AWS::EventSchemas::RegistryPolicy")
                .property("RegistryName", "clinic-events")
                .property(
                    "Policy",
                    policy(json!([{
                        "Effect": "Allow",
                        "Principal": { "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } },
                        "Action": "schemas:DescribeSchema",
                        "Resource": "*",
                    }])),
                ),
        );
    });
}

/// A zero-ETL integration copies its database into the warehouse of its `TargetArn`: X1
/// refuses another account's, and takes a namespace of the app.
#[test]
fn x1_refuses_a_zero_etl_integration_into_another_accounts_warehouse() {
    fn integration(s: &Stack<'_>) -> RawResource {
        let db = add(
            s,
            RawResource::new("Db", "AWS::RDS::DBCluster").property("Engine", "aurora-mysql"),
        );
        RawResource::new("Integration", "AWS::RDS::Integration")
            .property("SourceArn", db.attribute("DBClusterArn"))
    }
    breaks("X1", "Integration", |s| {
        let integration = integration(s).property(
            "TargetArn",
            "arn:aws:redshift-serverless:us-east-1:111122223333:namespace/0f0e0d0c-1111-2222-3333-444455556666",
        );
        add(s, integration);
    });
    holds("X1", "Integration", |s| {
        let warehouse = add(
            s,
            RawResource::new("Warehouse", "AWS::RedshiftServerless::Namespace")
                .property("NamespaceName", "records"),
        );
        let integration =
            integration(s).property("TargetArn", warehouse.attribute("Namespace.NamespaceArn"));
        add(s, integration);
    });
}

/// An S3 access grant to a user or role of another account fails X2.
#[test]
fn x2_refuses_an_s3_access_grant_to_another_accounts_role() {
    breaks("X2", "Grant", |s| {
        add(
            s,
            RawResource::new("Grant", "AWS::S3::AccessGrant")
                .property("AccessGrantsLocationId", "default")
                .property("Permission", "READ")
                .property("/Grantee/GranteeType", "IAM")
                .property(
                    "/Grantee/GranteeIdentifier",
                    "arn:aws:iam::111122223333:role/partner-analyst",
                ),
        );
    });
    holds("X2", "Grant", |s| {
        add(
            s,
            RawResource::new("Grant", "AWS::S3::AccessGrant")
                .property("AccessGrantsLocationId", "default")
                .property("Permission", "READ")
                .property("/Grantee/GranteeType", "DIRECTORY_GROUP")
                .property(
                    "/Grantee/GranteeIdentifier",
                    "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
                ),
        );
    });
}

/// Glue's and Redshift's zero-ETL integrations copy their source into the store of their
/// `TargetArn`, read as an RDS integration's.
#[test]
fn x1_refuses_glue_and_redshift_integrations_into_another_accounts_store() {
    breaks("X1", "Integration", |s| {
        add(
            s,
            RawResource::new("Integration", "AWS::Glue::Integration")
                .property("IntegrationName", "records-to-warehouse")
                .property("SourceArn", "arn:aws:dynamodb:us-east-1:123456789012:table/records")
                .property(
                    "TargetArn",
                    "arn:aws:redshift-serverless:us-east-1:111122223333:namespace/0f0e0d0c-1111-2222-3333-444455556666",
                ),
        );
    });
    holds("X1", "Integration", |s| {
        let warehouse = add(
            s,
            RawResource::new("Warehouse", "AWS::RedshiftServerless::Namespace")
                .property("NamespaceName", "records"),
        );
        add(
            s,
            RawResource::new("Integration", "AWS::Redshift::Integration")
                .property("IntegrationName", "landing-to-warehouse")
                .property("SourceArn", "arn:aws:s3:::landing")
                .property("TargetArn", warehouse.attribute("Namespace.NamespaceArn")),
        );
    });
}

/// A Redshift-managed VPC endpoint reaches the cluster of its `ClusterIdentifier`: X1
/// refuses another account's (`ResourceOwner`) and takes a cluster of the app.
#[test]
fn x1_refuses_a_redshift_endpoint_to_another_accounts_cluster() {
    fn endpoint() -> RawResource {
        RawResource::new("Endpoint", "AWS::Redshift::EndpointAccess")
            .property("EndpointName", "reports")
            .property("SubnetGroupName", "private")
            .property("VpcSecurityGroupIds", json!(["sg-0123456789abcdef0"]))
    }
    breaks("X1", "Endpoint", |s| {
        add(
            s,
            endpoint()
                .property("ClusterIdentifier", "partner-warehouse")
                .property("ResourceOwner", "111122223333"),
        );
    });
    holds("X1", "Endpoint", |s| {
        let warehouse = add(
            s,
            RawResource::new("Warehouse", "AWS::Redshift::Cluster")
                .property("ClusterIdentifier", "records")
                .property("NodeType", "ra3.xlplus"),
        );
        add(
            s,
            endpoint().property("ClusterIdentifier", warehouse.reference()),
        );
    });
}

#[test]
fn e15_ignores_routes_that_do_not_reach_an_internet_gateway() {
    let app = app_with(|s| {
        add(
            s,
            RawResource::new("Route", "AWS::EC2::Route")
                .property("RouteTableId", "rtb-0123456789abcdef0")
                .property("DestinationCidrBlock", "0.0.0.0/0")
                .property("NatGatewayId", "nat-0123456789abcdef0"),
        );
    });
    let assembly = app.check().expect("check returns the assembly");
    assert!(
        !assembly
            .evaluation()
            .results
            .iter()
            .any(|c| c.rule == "E15"),
        "E15 applied to a route through a NAT gateway"
    );
}

#[test]
fn i1_refuses_an_iam_policy_resource() {
    breaks("I1", "Inline", |s| {
        add(
            s,
            RawResource::new("Inline", "AWS::IAM::Policy")
                .property("PolicyName", "read-records")
                .property(
                    "PolicyDocument",
                    policy(json!([allow("s3:GetObject", "arn:aws:s3:::records/*")])),
                )
                .property("/Roles/0", "web-servers"),
        );
    });
}

#[test]
fn i2_refuses_data_actions_on_every_resource_in_inline_policies() {
    breaks("I2", "Role", |s| {
        add(
            s,
            role(ec2_service()).property(
                "Policies",
                json!([{
                    "PolicyName": "read-everything",
                    "PolicyDocument": policy(json!([allow("s3:Get*", "*")])),
                }]),
            ),
        );
    });
}

#[test]
fn n2_names_a_topic_policy_without_the_tls_denial() {
    let app = app_with(|s| {
        let topic = add(s, topic());
        add(
            s,
            RawResource::new("TopicPolicy", "AWS::SNS::TopicPolicy")
                .property("/Topics/0", topic.reference())
                .property(
                    "PolicyDocument",
                    policy(json!([{
                        "Effect": "Allow",
                        "Principal": { "Service": "cloudwatch.amazonaws.com" },
                        "Action": "sns:Publish",
                        "Resource": { "Ref": "Topic" },
                    }])),
                ),
        );
    });
    let assembly = app.check().expect("check returns the assembly");
    match status_of(assembly.evaluation(), "N2", "Topic") {
        Status::Failed { finding } => assert!(finding.contains("`TopicPolicy`"), "{finding}"),
        other => panic!("N2 is {other:?}"),
    }
}

#[test]
fn b1_refuses_a_short_retention_and_accepts_an_hourly_rate() {
    breaks("B1", "Plan", |s| {
        add(s, plan("cron(0 5 ? * * *)", 7));
    });
    holds("B1", "Plan", |s| {
        add(s, plan("rate(12 hours)", 35));
    });
}

// ---------------------------------------------------------------------------------------
// Waivers.
// ---------------------------------------------------------------------------------------

/// A raw bucket that meets every rule but S9 (it keeps no versions), with its key, access
/// log bucket and TLS-only policy.
fn bucket_without_versions(app: &App) -> Handle<RawResource> {
    let stack = app.stack(STACK).expect("a valid stack name");
    let key = cmk(&stack);
    let logs = stack
        .add(AccessLogBucket::new("AccessLogs"))
        .expect("a valid log bucket");
    let rule = "/BucketEncryption/ServerSideEncryptionConfiguration/0";
    let bucket = add(
        &stack,
        bucket()
            .property(
                &format!("{rule}/ServerSideEncryptionByDefault/SSEAlgorithm"),
                "aws:kms",
            )
            .property(
                &format!("{rule}/ServerSideEncryptionByDefault/KMSMasterKeyID"),
                key.arn(),
            )
            .property(&format!("{rule}/BucketKeyEnabled"), true)
            .property("PublicAccessBlockConfiguration", public_access_block(true))
            .property(
                "/OwnershipControls/Rules/0/ObjectOwnership",
                "BucketOwnerEnforced",
            )
            .property("/LoggingConfiguration/DestinationBucketName", logs.name())
            .keep(Keep::Retain),
    );
    tls_only_policy(&stack, &bucket);
    bucket
}

const REASON: &str = "scans are re-imported from the imaging archive, which keeps every version";

#[test]
fn the_waiver_fixture_breaks_only_s9() {
    let app = App::new("rules");
    bucket_without_versions(&app);
    match app.synth() {
        Err(Error::Noncompliant { findings }) => {
            let broken: Vec<(&str, &str)> = findings
                .iter()
                .map(|f| (f.rule, f.logical_id.as_str()))
                .collect();
            assert_eq!(broken, [("S9", "Bucket")]);
        }
        Err(other) => panic!("synth failed for another reason: {other}"),
        Ok(_) => panic!("synth accepted a bucket without versions"),
    }
}

#[test]
fn a_waiver_turns_the_failure_into_a_waived_finding() {
    let app = App::new("rules");
    let bucket = bucket_without_versions(&app);
    app.waive(Waiver::new(rule::S9, &bucket, REASON))
        .expect("a valid waiver");
    let assembly = app.synth().expect("the waived app synthesizes");
    match status_of(assembly.evaluation(), "S9", "Bucket") {
        Status::Waived {
            finding,
            reason,
            expires,
            gap,
        } => {
            assert!(finding.contains("VersioningConfiguration"), "{finding}");
            assert_eq!(reason, REASON);
            assert_eq!(expires, &None);
            assert!(!gap, "S9 without versions fails: a waived failure");
        }
        other => panic!("S9 is {other:?}, not waived"),
    }
    assert!(assembly.evaluation().unused_waivers.is_empty());
}

/// A bucket of PHI without a copy in another region: S10 is a gap, which a waiver accepts.
fn bucket_without_replica(app: &App) -> Handle<SecureBucket> {
    let stack = app.stack(STACK).expect("a valid stack name");
    let key = cmk(&stack);
    let logs = stack
        .add(AccessLogBucket::new("AccessLogs"))
        .expect("a valid log bucket");
    stack
        .add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs),
        )
        .expect("a valid bucket")
}

#[test]
fn a_waiver_of_a_gap_reports_it_waived_and_tells_the_rule_packs() {
    let app = App::new("rules");
    bucket_without_replica(&app);
    assert!(matches!(
        status_of(app.synth().unwrap().evaluation(), "S10", "Records"),
        Status::Gap { .. }
    ));

    let app = App::new("rules");
    let records = bucket_without_replica(&app);
    app.waive(Waiver::new(rule::S10, &records, REASON))
        .expect("a valid waiver");
    let assembly = app.synth().expect("the waived app synthesizes");
    match status_of(assembly.evaluation(), "S10", "Records") {
        Status::Waived {
            finding,
            reason,
            gap,
            ..
        } => {
            assert!(finding.contains("second region"), "{finding}");
            assert_eq!(reason, REASON);
            assert!(gap, "S10 without replication is a gap: a waived gap");
        }
        other => panic!("S10 is {other:?}, not waived"),
    }
    assert!(assembly.evaluation().unused_waivers.is_empty());
    let template: Value =
        serde_json::from_str(assembly.stack(STACK).unwrap().template_json()).unwrap();
    let meta = &template["Resources"]["Records"]["Metadata"];
    assert_eq!(
        meta["cdk_nag"]["rules_to_suppress"][0],
        json!({ "id": "HIPAA.Security-S3BucketReplicationEnabled", "reason": REASON })
    );
    assert_eq!(meta["checkov"]["skip"][0]["id"], "CKV_AWS_144");

    // Once the waiver has expired, the gap is a gap again (gaps never stop synth).
    let app = App::new("rules");
    let records = bucket_without_replica(&app);
    app.waive(Waiver::new(rule::S10, &records, REASON).until(date!("2020-01-01")))
        .expect("a valid waiver");
    let assembly = app.synth().expect("a gap does not stop synth");
    match status_of(assembly.evaluation(), "S10", "Records") {
        Status::Gap { reason } => assert!(reason.contains("expired after 2020-01-01"), "{reason}"),
        other => panic!("S10 is {other:?}, not a gap"),
    }
}

#[test]
fn an_expired_waiver_fails_synth_again() {
    let app = App::new("rules");
    let bucket = bucket_without_versions(&app);
    app.waive(Waiver::new(rule::S9, &bucket, REASON).until(date!("2020-01-01")))
        .expect("a valid waiver");
    match app.synth() {
        Err(Error::Noncompliant { findings }) => {
            let s9 = findings
                .iter()
                .find(|f| f.rule == "S9" && f.logical_id == "Bucket")
                .unwrap_or_else(|| panic!("no S9 finding in {findings:#?}"));
            assert!(s9.what.contains("expired"), "{}", s9.what);
        }
        Err(other) => panic!("synth failed for another reason: {other}"),
        Ok(_) => panic!("synth accepted a finding whose waiver expired"),
    }
}

// ---------------------------------------------------------------------------------------
// Waivers of the rules that read every type.
// ---------------------------------------------------------------------------------------

const NO_PHI: &str = "the waiting-room game servers never receive patient data of any kind";

fn game_fleet(app: &App) -> Handle<RawResource> {
    let stack = app.stack(STACK).expect("a valid stack name");
    add(
        &stack,
        RawResource::new("Fleet", "AWS::GameLift::Fleet").property("Name", "waiting-room"),
    )
}

#[test]
fn a_service_off_the_eligible_list_is_refused_until_waived_as_never_holding_phi() {
    let app = App::new("rules");
    game_fleet(&app);
    match app.synth() {
        Err(Error::Noncompliant { findings }) => {
            let rules: BTreeSet<&str> = findings.iter().map(|f| f.rule).collect();
            assert_eq!(rules, BTreeSet::from(["H1", "U1"]), "{findings:#?}");
        }
        other => panic!("synth did not refuse a GameLift fleet: {:?}", other.err()),
    }

    let app = App::new("rules");
    let fleet = game_fleet(&app);
    app.waive(Waiver::never_holds_phi(&fleet, NO_PHI))
        .expect("a valid waiver");
    app.waive(Waiver::new(rule::U1, &fleet, NO_PHI))
        .expect("a valid waiver");
    let assembly = app.synth().expect("the waived app synthesizes");
    match status_of(assembly.evaluation(), "H1", "Fleet") {
        Status::Waived { reason, .. } => {
            assert!(reason.starts_with("never holds PHI: "), "{reason}");
            assert!(reason.ends_with(NO_PHI), "{reason}");
        }
        other => panic!("H1 is {other:?}, not waived"),
    }
    assert!(assembly.evaluation().unused_waivers.is_empty());
}

#[test]
fn the_never_holds_phi_waiver_waives_nothing_but_h1() {
    let app = App::new("rules");
    let stack = app.stack(STACK).expect("a valid stack name");
    let queue = add(&stack, RawResource::new("Queue", "AWS::SQS::Queue"));
    app.waive(Waiver::never_holds_phi(&queue, NO_PHI))
        .expect("a valid waiver");
    match app.synth() {
        Err(Error::Noncompliant { findings }) => {
            assert!(findings.iter().any(|f| f.rule == "A2"), "{findings:#?}");
        }
        other => panic!("synth accepted an unencrypted queue: {:?}", other.err()),
    }
}

#[test]
fn a_raw_property_path_with_a_huge_index_is_refused_without_allocating() {
    let app = App::new("rules");
    let stack = app.stack(STACK).expect("a valid stack name");
    let refused = stack.add(
        RawResource::new("Queue", "AWS::SQS::Queue")
            .property("/Tags/18446744073709551614/Key", "x"),
    );
    match refused {
        Err(Error::InvalidConstruct { reason, .. }) => {
            assert!(reason.contains("array index"), "{reason}")
        }
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => match app.synth() {
            Err(Error::InvalidConstruct { reason, .. }) => {
                assert!(reason.contains("array index"), "{reason}")
            }
            other => panic!("a huge index was not refused: {:?}", other.err()),
        },
    }
}
