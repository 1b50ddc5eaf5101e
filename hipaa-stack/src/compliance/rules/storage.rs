//! Rules for the stores of PHI and their audit trail: S3, RDS, KMS, CloudTrail, CloudWatch
//! Logs.

use serde_json::{Value, json};

use super::identity::{everyone, glob, policy_document, statement_proof, statements, strings};
use super::meaning::{
    Own, sent as text, sent_about as text_about, sent_or_json as text_or_json, whole_number,
};
use super::resilience::customer_key;
use super::{Cx, OkOrDefault, Outcome, Packs, Proof, RefersTo, RuleSpec, all, proof_of};
use crate::cfn::Resource;

const BUCKET: &[&str] = &["AWS::S3::Bucket"];
const ACCESS_POINT: &str = "AWS::S3::AccessPoint";
/// A Multi-Region Access Point: one global endpoint in front of buckets of several regions.
const MULTI_REGION_ACCESS_POINT: &str = "AWS::S3::MultiRegionAccessPoint";
/// An S3 Object Lambda Access Point: a Lambda function in front of a supporting access point.
const OBJECT_LAMBDA_ACCESS_POINT: &str = "AWS::S3ObjectLambda::AccessPoint";
/// Instances and (Aurora, Multi-AZ) clusters: the rules that read properties both carry.
const DB_OR_CLUSTER: &[&str] = &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"];
/// A Neptune cluster, which rule `R11` holds to IAM authentication.
const NEPTUNE_CLUSTER: &str = "AWS::Neptune::DBCluster";
/// What writes logs into log groups that the service creates itself and names after the
/// resource, when none of that name exists (rule `L4`): the databases that export logs to
/// CloudWatch Logs (`EnableCloudwatchLogsExports`; Redshift's `LoggingProperties` and
/// `LogExports`), Lambda functions (`/aws/lambda/<FunctionName>`) and REST API stages
/// (execution logs, `API-Gateway-Execution-Logs_<api id>/<stage>`).
const LOGGING_INTO_OWN_GROUPS: &[&str] = &[
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
    REDSHIFT_CLUSTER,
    REDSHIFT_NAMESPACE,
    LAMBDA_FUNCTION,
    REST_STAGE,
    GRAPHQL_API,
    EVENT_API,
    V2_STAGE,
    super::eks::EKS_CLUSTER,
];
/// An AppSync GraphQL API (rule `L4`: the log group AppSync writes its logs to).
const GRAPHQL_API: &str = "AWS::AppSync::GraphQLApi";
/// An AppSync Event API (rule `L4`: its logs go to a group AppSync names itself).
const EVENT_API: &str = "AWS::AppSync::Api";
/// An HTTP or WebSocket API stage (rule `L4`: a WebSocket stage's execution logs go to a
/// group API Gateway names itself).
const V2_STAGE: &str = "AWS::ApiGatewayV2::Stage";
/// A Lambda function (rule `L4`: its default log group).
const LAMBDA_FUNCTION: &str = "AWS::Lambda::Function";
/// A REST API stage (rule `L4`: its execution-log group).
const REST_STAGE: &str = "AWS::ApiGateway::Stage";
/// A provisioned Redshift cluster, which exports its audit logs to CloudWatch Logs by
/// `LoggingProperties` (rule `L4`).
const REDSHIFT_CLUSTER: &str = "AWS::Redshift::Cluster";
/// A Redshift Serverless namespace, which exports its audit logs to CloudWatch Logs by
/// `LogExports` (rule `L4`, which reads nothing else of it: coverage's `PARTLY_READ`).
const REDSHIFT_NAMESPACE: &str = "AWS::RedshiftServerless::Namespace";
/// An Aurora global database: a primary cluster and the secondary clusters of other
/// regions that Aurora's storage replicates it to.
const GLOBAL_CLUSTER: &str = "AWS::RDS::GlobalCluster";
const KEY: &[&str] = &["AWS::KMS::Key", REPLICA_KEY];
/// A replica of a multi-Region key, which shares its primary's rotation.
const REPLICA_KEY: &str = "AWS::KMS::ReplicaKey";
const TRAIL: &[&str] = &["AWS::CloudTrail::Trail"];
/// A CloudTrail Lake event data store: the same audit events as a trail's, kept and queried
/// in CloudTrail itself.
const EVENT_DATA_STORE: &str = "AWS::CloudTrail::EventDataStore";
const LOG_GROUP: &[&str] = &["AWS::Logs::LogGroup"];

const ENC: &[&str] = &["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"];
const PUBLIC: &[&str] = &[
    "164.308(a)(3)(i)",
    "164.308(a)(4)(ii)(A)",
    "164.308(a)(4)(ii)(C)",
    "164.312(a)(1)",
    "164.312(e)(1)",
];
const BACKUP: &[&str] = &[
    "164.308(a)(7)(i)",
    "164.308(a)(7)(ii)(A)",
    "164.308(a)(7)(ii)(B)",
];
const AUDIT: &[&str] = &["164.308(a)(3)(ii)(A)", "164.312(b)"];

const fn packs(
    cdk_nag: Option<&'static str>,
    checkov: Option<&'static str>,
    guard: Option<&'static str>,
) -> Packs {
    Packs {
        cdk_nag,
        checkov,
        guard,
    }
}

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "S1",
        title: "buckets encrypt with SSE-KMS under a customer-managed key, with a bucket key",
        types: &[
            "AWS::S3::Bucket",
            "AWS::S3Express::DirectoryBucket",
            "AWS::S3Tables::TableBucket",
        ],
        controls: ENC,
        fix: "use `SecureBucket` with `.encryption(&key)`, or set `BucketEncryption` to `aws:kms` with `KMSMasterKeyID` and `BucketKeyEnabled`; on a directory bucket, `BucketEncryption` to `aws:kms` with the key's ARN or id in `KMSMasterKeyID`; on a table bucket, `EncryptionConfiguration` to `aws:kms` with `KMSKeyArn`; on the S3 Metadata tables of a bucket (`MetadataConfiguration`), `EncryptionConfiguration` `SseAlgorithm` `aws:kms` with the customer-managed key's `KmsKeyArn`; encrypt replicas (`ReplicationConfiguration` `Destination.EncryptionConfiguration.ReplicaKmsKeyID`) with a customer-managed key of the app too, never another account's",
        packs: packs(
            Some("HIPAA.Security-S3DefaultEncryptionKMS"),
            Some("CKV_AWS_145"),
            Some("S3_DEFAULT_ENCRYPTION_KMS"),
        ),
        check: s1,
    },
    RuleSpec {
        id: "S3",
        title: "buckets block every kind of public access",
        types: BUCKET,
        controls: PUBLIC,
        fix: "set all four flags of `PublicAccessBlockConfiguration` to true",
        packs: packs(
            Some("HIPAA.Security-S3BucketLevelPublicAccessProhibited"),
            Some("CKV_AWS_53"),
            Some("S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED"),
        ),
        check: s3,
    },
    RuleSpec {
        id: "S6",
        title: "bucket ACLs are disabled (`BucketOwnerEnforced`, no `AccessControl`)",
        types: BUCKET,
        controls: &["164.312(a)(1)"],
        fix: "remove `AccessControl` and set `OwnershipControls` to `BucketOwnerEnforced`",
        packs: packs(None, None, Some("S3_BUCKET_NO_PUBLIC_RW_ACL")),
        check: s6,
    },
    RuleSpec {
        id: "S7",
        title: "buckets log every access to an access-log bucket",
        types: BUCKET,
        controls: AUDIT,
        fix: "call `.access_logs(&log_bucket)`, or set `LoggingConfiguration.DestinationBucketName` to a bucket of the app (its `Ref`, or the import of its export) without Object Lock or SSE-KMS, whose bucket policy allows `logging.s3.amazonaws.com` `s3:PutObject` on its objects; a bucket named as text that no template of the app declares leaves a gap",
        packs: packs(
            Some("HIPAA.Security-S3BucketLoggingEnabled"),
            Some("CKV_AWS_18"),
            Some("S3_BUCKET_LOGGING_ENABLED"),
        ),
        check: s7,
    },
    RuleSpec {
        id: "S8",
        title: "a bucket policy denies every request not made over TLS, on the bucket and its objects",
        types: BUCKET,
        controls: &[
            "164.312(a)(2)(iv)",
            "164.312(c)(2)",
            "164.312(e)(1)",
            "164.312(e)(2)(i)",
            "164.312(e)(2)(ii)",
        ],
        fix: "add an `AWS::S3::BucketPolicy` with a Deny of `s3:*` to `*` on the bucket ARN and `ARN/*` when `aws:SecureTransport` is false",
        packs: packs(
            Some("HIPAA.Security-S3BucketSSLRequestsOnly"),
            None,
            Some("S3_BUCKET_SSL_REQUESTS_ONLY"),
        ),
        check: s8,
    },
    RuleSpec {
        id: "S9",
        title: "buckets keep every version of every object",
        types: BUCKET,
        controls: &[
            "164.308(a)(7)(i)",
            "164.308(a)(7)(ii)(A)",
            "164.308(a)(7)(ii)(B)",
            "164.312(c)(1)",
            "164.312(c)(2)",
        ],
        fix: "set `VersioningConfiguration.Status` to `Enabled` (or create the bucket with `ObjectLockEnabled`, which enables versioning, and write no other status), and keep noncurrent versions at least 7 days (`NoncurrentDays` of every lifecycle rule)",
        packs: packs(
            Some("HIPAA.Security-S3BucketVersioningEnabled"),
            Some("CKV_AWS_21"),
            Some("S3_BUCKET_VERSIONING_ENABLED"),
        ),
        check: s9,
    },
    RuleSpec {
        id: "S10",
        title: "buckets replicate to a second region for disaster recovery",
        types: BUCKET,
        controls: &["164.308(a)(7)(ii)(B)", "164.308(a)(7)(ii)(C)"],
        fix: "add a `ReplicationConfiguration` whose enabled rule copies every object, the KMS-encrypted ones included, to a bucket in another region (`SecureBucket::replicate_to` a bucket of a stack of another region), encrypted with a key of that region (`ReplicaKmsKeyID`)",
        packs: packs(
            Some("HIPAA.Security-S3BucketReplicationEnabled"),
            Some("CKV_AWS_144"),
            Some("S3_BUCKET_REPLICATION_ENABLED"),
        ),
        check: s10,
    },
    RuleSpec {
        id: "S13",
        title: "versioned buckets expire noncurrent versions with an enabled lifecycle rule",
        types: BUCKET,
        controls: &["164.310(d)(2)(iv)"],
        fix: "add an enabled `LifecycleConfiguration` rule with `NoncurrentVersionExpiration`",
        packs: packs(None, Some("CKV2_AWS_61"), None),
        check: s13,
    },
    RuleSpec {
        id: "S14",
        title: "S3 access points block every kind of public access and are reachable only from a VPC or only over TLS",
        types: &[
            ACCESS_POINT,
            MULTI_REGION_ACCESS_POINT,
            OBJECT_LAMBDA_ACCESS_POINT,
        ],
        controls: &[
            "164.308(a)(3)(i)",
            "164.308(a)(4)(ii)(A)",
            "164.312(a)(1)",
            "164.312(e)(1)",
        ],
        fix: "set all four flags of the access point's `PublicAccessBlockConfiguration` to true, and either `VpcConfiguration.VpcId` (reachable only from that VPC) or a `Policy` with a Deny of `s3:*` to `*` on the access point and its objects when `aws:SecureTransport` is false; on an `AWS::S3::MultiRegionAccessPoint`, all four flags of its `PublicAccessBlockConfiguration` true; give an `AWS::S3ObjectLambda::AccessPoint` as `ObjectLambdaConfiguration.SupportingAccessPoint` an access point of the template (`Fn::GetAtt [AccessPoint, Arn]`), which this rule reads there",
        packs: packs(None, None, None),
        check: s14,
    },
    RuleSpec {
        id: "D1",
        title: "stores of PHI are kept when removed from the stack or replaced",
        types: &[
            "AWS::S3::Bucket",
            // The other buckets S1 reads hold objects (a directory bucket) or tables (a
            // table bucket) of PHI as much, and CloudFormation keeps any resource so
            // ("DeletionPolicy attribute": "You can use Retain for any resource"; without
            // the attribute, "CloudFormation deletes the resource").
            "AWS::S3Express::DirectoryBucket",
            "AWS::S3Tables::TableBucket",
            "AWS::KMS::Key",
            "AWS::KMS::ReplicaKey",
            "AWS::Logs::LogGroup",
            // A CloudTrail Lake event data store keeps the audit events, as a log group keeps
            // the trail's: removed from the stack without `Retain`, CloudFormation deletes it
            // (CloudTrail API reference, `DeleteEventDataStore`: it "enters a
            // PENDING_DELETION state, and is automatically deleted after a wait period of
            // seven days").
            EVENT_DATA_STORE,
            "AWS::Backup::BackupVault",
            "AWS::Backup::LogicallyAirGappedBackupVault",
            // The other stores that hold PHI at rest: removing one from the program deletes
            // it with its data.
            "AWS::DynamoDB::Table",
            "AWS::DynamoDB::GlobalTable",
            "AWS::EFS::FileSystem",
            "AWS::EC2::Volume",
            "AWS::Redshift::Cluster",
            "AWS::OpenSearchService::Domain",
            "AWS::Elasticsearch::Domain",
            "AWS::DocDB::DBCluster",
            "AWS::Neptune::DBCluster",
            // A Redshift Serverless namespace holds the warehouse's tables (its managed
            // storage): removed from the stack without `Retain`, CloudFormation deletes it
            // with its data, as it deletes a provisioned cluster (hostile review 17).
            "AWS::RedshiftServerless::Namespace",
            // Queues, streams and secrets hold PHI at rest too, for as long as they keep it:
            // a queue up to 14 days (`MessageRetentionPeriod`, SQS developer guide), a data
            // stream up to 365 days (`RetentionPeriodHours`, Kinesis developer guide), an MSK
            // cluster's topics as long as their `retention.ms` says (forever with `-1`), a
            // secret the credentials to a store of PHI. A notebook instance keeps its ML
            // storage volume (`/home/ec2-user/SageMaker`: "data saved on the volume persists
            // between stops", SageMaker developer guide). Each is deleted with its data when
            // removed from the stack without `Retain` (CloudFormation, "DeletionPolicy
            // attribute"; hostile review 11). `SecureQueue` (both of its queues), `Secret` and
            // a `Function`'s dead-letter queue are retained so. Left out: caches
            // (`AWS::ElastiCache::*`, whose data the database behind them holds) and Firehose
            // streams, which hold a record only until it is delivered (at most 24 hours while
            // the destination fails: Firehose developer guide, "Data delivery failure
            // handling"), the stores they deliver to being kept here; and FSx file systems,
            // a type no rule reads yet, which `U1` fails.
            "AWS::SQS::Queue",
            "AWS::Kinesis::Stream",
            "AWS::SecretsManager::Secret",
            "AWS::MSK::Cluster",
            "AWS::MSK::ServerlessCluster",
            "AWS::SageMaker::NotebookInstance",
        ],
        controls: &["164.308(a)(7)(ii)(A)", "164.310(d)(2)(iv)"],
        fix: "set `DeletionPolicy` and `UpdateReplacePolicy` to `Retain` (`Snapshot` keeps only a volume, a Redshift cluster or a DocumentDB or Neptune cluster: CloudFormation takes no snapshot of the other stores)",
        packs: packs(None, None, None),
        check: d1,
    },
    RuleSpec {
        id: "R1",
        title: "database storage is encrypted with a customer-managed key",
        types: &[
            "AWS::RDS::DBInstance",
            "AWS::RDS::DBCluster",
            GLOBAL_CLUSTER,
        ],
        controls: ENC,
        fix: "use `EncryptedDatabase` with `.encryption(&key)`, or set `StorageEncrypted` and `KmsKeyId` (a read replica or a restore of a database of the app in that database's region takes its key, and may write neither), and a customer-managed key in `PerformanceInsightsKMSKeyId` (`PerformanceInsightsKmsKeyId` on a cluster) when Performance Insights are on and in `AutomaticBackupReplicationKmsKeyId` when automated backups replicate to another region; make a global database empty with `StorageEncrypted` true, or from a cluster of the app",
        packs: packs(
            Some("HIPAA.Security-RDSStorageEncrypted"),
            Some("CKV_AWS_16"),
            Some("RDS_STORAGE_ENCRYPTED"),
        ),
        check: r1,
    },
    RuleSpec {
        id: "R2",
        title: "databases are not publicly accessible, explicitly",
        types: DB_OR_CLUSTER,
        controls: PUBLIC,
        fix: "set `PubliclyAccessible` to false on every instance and on every Multi-AZ DB cluster (not Aurora)",
        packs: packs(
            Some("HIPAA.Security-RDSInstancePublicAccess"),
            Some("CKV_AWS_17"),
            Some("RDS_INSTANCE_PUBLIC_ACCESS_CHECK"),
        ),
        check: r2,
    },
    RuleSpec {
        id: "R3",
        title: "automated backups are kept at least 7 days, explicitly",
        types: DB_OR_CLUSTER,
        controls: BACKUP,
        fix: "set `BackupRetentionPeriod` to 7 or more (`.backup_retention(days!(35))`) and `DeleteAutomatedBackups` to false (not needed on a Multi-AZ DB cluster, whose backups RDS cannot keep)",
        packs: packs(
            Some("HIPAA.Security-RDSInstanceBackupEnabled"),
            Some("CKV_AWS_133"),
            Some("DB_INSTANCE_BACKUP_ENABLED"),
        ),
        check: r3,
    },
    RuleSpec {
        id: "R4",
        title: "databases are in an AWS Backup plan",
        types: DB_OR_CLUSTER,
        controls: BACKUP,
        fix: "list the database's ARN (`Fn::GetAtt` of `DBInstanceArn`, or `DBClusterArn` for a cluster; its `Ref` is its identifier) in `BackupSelection.Resources` of an `AWS::Backup::BackupSelection` without `NotResources` or `Conditions`, whose `BackupPlanId` names an `AWS::Backup::BackupPlan` of its own template",
        packs: packs(Some("HIPAA.Security-RDSInBackupPlan"), None, None),
        check: r4,
    },
    RuleSpec {
        id: "R5",
        title: "databases run in two availability zones",
        types: DB_OR_CLUSTER,
        controls: &["164.308(a)(7)(i)", "164.308(a)(7)(ii)(C)"],
        fix: "set `MultiAZ` to true on an instance; give an Aurora cluster a second instance, not pinned to the first one's zone",
        packs: packs(
            Some("HIPAA.Security-RDSMultiAZSupport"),
            Some("CKV_AWS_157"),
            Some("RDS_MULTI_AZ_SUPPORT"),
        ),
        check: r5,
    },
    RuleSpec {
        id: "R6",
        title: "databases have deletion protection and a final snapshot",
        types: DB_OR_CLUSTER,
        controls: &["164.308(a)(7)(i)", "164.308(a)(7)(ii)(C)"],
        fix: "set `DeletionProtection` to true and `DeletionPolicy`/`UpdateReplacePolicy` to `Snapshot`",
        packs: packs(
            Some("HIPAA.Security-RDSInstanceDeletionProtectionEnabled"),
            Some("CKV_AWS_293"),
            Some("RDS_INSTANCE_DELETION_PROTECTION_ENABLED"),
        ),
        check: r6,
    },
    RuleSpec {
        id: "R7",
        title: "enhanced monitoring runs with its own role",
        types: DB_OR_CLUSTER,
        controls: &["164.312(b)"],
        fix: "set `MonitoringInterval` to 1, 5, 10, 15, 30 or 60 with a `MonitoringRoleArn`",
        packs: packs(
            Some("HIPAA.Security-RDSEnhancedMonitoringEnabled"),
            Some("CKV_AWS_118"),
            Some("RDS_ENHANCED_MONITORING_ENABLED"),
        ),
        check: r7,
    },
    RuleSpec {
        id: "R8",
        title: "databases export the engine's full set of logs",
        types: DB_OR_CLUSTER,
        controls: &["164.308(a)(3)(ii)(A)", "164.308(a)(5)(ii)(C)", "164.312(b)"],
        fix: "set `EnableCloudwatchLogsExports` to every log type of the engine; for MySQL and MariaDB, also a parameter group with `general_log` and `slow_query_log` 1 and an option group with `MARIADB_AUDIT_PLUGIN` whose `SERVER_AUDIT_EVENTS` include `CONNECT` and `QUERY` (or `QUERY_DDL` and `QUERY_DCL`) (`EncryptedDatabase::mysql` writes both); for Aurora MySQL, a DB cluster parameter group with `server_audit_logging` 1 and `server_audit_events` as MySQL's; for PostgreSQL, no `log_min_messages` or `log_min_error_statement` of `log`, `fatal` or `panic` (parameter names read in any case); for Oracle, no `audit_trail` of `none` or `false`; RDS Custom engines export no logs",
        packs: packs(
            Some("HIPAA.Security-RDSLoggingEnabled"),
            Some("CKV_AWS_129"),
            Some("RDS_LOGGING_ENABLED"),
        ),
        check: r8,
    },
    RuleSpec {
        id: "R9",
        title: "minor engine upgrades are applied automatically, explicitly",
        types: DB_OR_CLUSTER,
        controls: &["164.308(a)(5)(ii)(A)"],
        fix: "set `AutoMinorVersionUpgrade` to true",
        packs: packs(
            None,
            Some("CKV_AWS_226"),
            Some("RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED"),
        ),
        check: r9,
    },
    RuleSpec {
        id: "R11",
        title: "IAM database authentication is on",
        types: &[
            "AWS::RDS::DBInstance",
            "AWS::RDS::DBCluster",
            NEPTUNE_CLUSTER,
        ],
        controls: &["164.312(d)"],
        fix: "set `EnableIAMDatabaseAuthentication` to true (a Neptune cluster: `IamAuthEnabled`, without which it answers queries from anyone who reaches its port)",
        packs: packs(None, Some("CKV_AWS_161"), None),
        check: r11,
    },
    RuleSpec {
        id: "R12",
        title: "the database's parameter group forces TLS",
        types: DB_OR_CLUSTER,
        controls: &["164.312(e)(1)"],
        fix: "use a `DBParameterGroup` of this template (or of another stack of the app, in its region and account, whose export of the group's `Ref` this one imports), each parameter named exactly as RDS lists it (in lower case: CloudFormation refuses another spelling), with `rds.force_ssl` = 1 (PostgreSQL) or `require_secure_transport` = 1 (MySQL), and allow no TLS before 1.2 (`ssl_min_protocol_version` TLSv1.2 or later, `tls_version` without TLSv1 or TLSv1.1, SQL Server's `rds.tls10`, `rds.tls11`, `rds.rc4` and `rds.3des168` disabled, which older minor versions turn on by default (the version read from `EngineVersion` and from the group's `Family`, the weakest winning), and its `rds.diffie-hellman-min-key-bit-length` not under 2048); RDS for Oracle: name an option group of this template (or an imported one, as the parameter group) with the `NATIVE_NETWORK_ENCRYPTION` option, `SQLNET.ENCRYPTION_SERVER` and `SQLNET.CRYPTO_CHECKSUM_SERVER` REQUIRED and `SQLNET.ALLOW_WEAK_CRYPTO` FALSE (or only AES and SHA algorithms listed; the `SSL` option leaves the plain port open); RDS for Db2: set `db2comm` to SSL alone; RDS Custom engines, whose host decides encryption, fail",
        packs: packs(None, None, None),
        check: r12,
    },
    RuleSpec {
        id: "R13",
        title: "no password in the template: RDS manages it, encrypted with the customer key",
        types: DB_OR_CLUSTER,
        controls: &["164.312(a)(2)(iv)", "164.312(d)"],
        fix: "remove `MasterUserPassword`; set `ManageMasterUserPassword` with `MasterUserSecret.KmsKeyId`",
        packs: packs(None, None, None),
        check: r13,
    },
    RuleSpec {
        id: "K1",
        title: "symmetric keys rotate automatically, at least once a year",
        types: KEY,
        controls: ENC,
        fix: "set `EnableKeyRotation` to true, and `RotationPeriodInDays` to 365 or fewer or not at all; name the primary key of a replica key (`PrimaryKeyArn`) by the `Fn::GetAtt` of a key of the app that rotates",
        packs: packs(
            Some("HIPAA.Security-KMSBackingKeyRotationEnabled"),
            Some("CKV_AWS_7"),
            Some("KMS_KEY_ROTATION_ENABLED"),
        ),
        check: k1,
    },
    RuleSpec {
        id: "K3",
        title: "no key policy allows every principal",
        types: &["AWS::KMS::Key", "AWS::KMS::ReplicaKey"],
        controls: &["164.312(a)(1)"],
        fix: "name the account root and the service principals that need the key, each pinned to the account (`StringEquals` of `aws:SourceAccount` to `${AWS::AccountId}`, or of `aws:SourceArn` or the service's `kms:EncryptionContext:…:arn` to an ARN in `${AWS::AccountId}`); never `*`, unless a `StringEquals` condition confines it to the account's requests through one service (`kms:CallerAccount` `${AWS::AccountId}` and `kms:ViaService`, as AWS-managed keys do)",
        packs: packs(None, Some("CKV_AWS_33"), None),
        check: k3,
    },
    RuleSpec {
        id: "T1",
        title: "the trail delivers to CloudWatch Logs through a role",
        types: TRAIL,
        controls: AUDIT,
        fix: "set `CloudWatchLogsRoleArn`, and `CloudWatchLogsLogGroupArn` to a log group of the app, whose key and retention L1 and L2 read: the `Fn::GetAtt` of its `Arn`, its ARN in `${AWS::Region}` and `${AWS::AccountId}`, or the import of an export of it; a group of no template of the app (an ARN written as text) leaves a gap, and a value no rule can read before deploy fails",
        packs: packs(
            Some("HIPAA.Security-CloudTrailCloudWatchLogsEnabled"),
            Some("CKV2_AWS_10"),
            Some("CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED"),
        ),
        check: t1,
    },
    RuleSpec {
        id: "T2",
        title: "the trail encrypts its log files, and a CloudTrail Lake event data store its events, with a customer-managed key",
        types: &["AWS::CloudTrail::Trail", EVENT_DATA_STORE],
        controls: ENC,
        fix: "set `KMSKeyId` on a trail, `KmsKeyId` on an event data store",
        packs: packs(
            Some("HIPAA.Security-CloudTrailEncryptionEnabled"),
            Some("CKV_AWS_35"),
            Some("CLOUD_TRAIL_ENCRYPTION_ENABLED"),
        ),
        check: t2,
    },
    RuleSpec {
        id: "T3",
        title: "the trail validates its log files",
        types: TRAIL,
        controls: &["164.312(c)(1)", "164.312(c)(2)"],
        fix: "set `EnableLogFileValidation` to true",
        packs: packs(
            Some("HIPAA.Security-CloudTrailLogFileValidationEnabled"),
            Some("CKV_AWS_36"),
            Some("CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED"),
        ),
        check: t3,
    },
    RuleSpec {
        id: "T4",
        title: "the trail records every management event and S3 object access",
        types: TRAIL,
        controls: AUDIT,
        fix: "add an event selector with `ReadWriteType: All`, management events, and `AWS::S3::Object` data events on `arn:aws:s3:::`; in an app with directory buckets, `AdvancedEventSelectors` that also select `Data` events of `AWS::S3Express::Object`",
        packs: packs(None, None, Some("CLOUDTRAIL_S3_DATAEVENTS_ENABLED")),
        check: t4,
    },
    RuleSpec {
        id: "T5",
        title: "the trail covers every region and global services",
        types: TRAIL,
        controls: &["164.312(b)"],
        fix: "set `IsMultiRegionTrail` and `IncludeGlobalServiceEvents` to true",
        packs: packs(
            None,
            Some("CKV_AWS_67"),
            Some("CLOUDTRAIL_MULTI_REGION_ENABLED"),
        ),
        check: t5,
    },
    RuleSpec {
        id: "T6",
        title: "the trail is logging",
        types: TRAIL,
        controls: &["164.308(a)(3)(ii)(A)", "164.308(a)(5)(ii)(C)", "164.312(b)"],
        fix: "set `IsLogging` to true",
        packs: packs(None, None, None),
        check: t6,
    },
    RuleSpec {
        id: "T7",
        title: "audit logs are kept at least a year: the trail's bucket expires none of its log files sooner, and a CloudTrail Lake event data store keeps its events a year, takes them in and cannot be deleted",
        types: &["AWS::CloudTrail::Trail", EVENT_DATA_STORE],
        controls: &["164.312(b)", "164.316(b)(2)(i)"],
        fix: "name as the trail's `S3BucketName` a bucket of the app (its `Ref`, the import of its export, or its written `BucketName`) none of whose enabled lifecycle rules that reach the trail's keys (`S3KeyPrefix`/AWSLogs/…) expires current objects (`ExpirationInDays` under 365, or an `ExpirationDate`); give an event data store `RetentionPeriod` 365 or more (2557 is the default), and leave `IngestionEnabled` and `TerminationProtectionEnabled` unset or true",
        packs: packs(None, None, None),
        check: t7,
    },
    RuleSpec {
        id: "L1",
        title: "log groups are encrypted with a customer-managed key",
        types: LOG_GROUP,
        controls: ENC,
        fix: "use `LogGroup` with `.encryption(&key)`, or set `KmsKeyId`",
        packs: packs(
            Some("HIPAA.Security-CloudWatchLogGroupEncrypted"),
            Some("CKV_AWS_158"),
            Some("CLOUDWATCH_LOG_GROUP_ENCRYPTED"),
        ),
        check: l1,
    },
    RuleSpec {
        id: "L2",
        title: "log groups keep events at least a year",
        types: LOG_GROUP,
        controls: &["164.312(b)"],
        fix: "set `RetentionInDays` to 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653, on a log group of the STANDARD or INFREQUENT_ACCESS class (a DELIVERY log group keeps events one day)",
        packs: packs(
            Some("HIPAA.Security-CloudWatchLogGroupRetentionPeriod"),
            Some("CKV_AWS_66"),
            Some("CW_LOGGROUP_RETENTION_PERIOD_CHECK"),
        ),
        check: l2,
    },
    RuleSpec {
        id: "L4",
        title: "the logs a database exports, a function prints, a REST API stage or an AppSync GraphQL API writes and an EKS control plane sends go to log groups of the app, which L1 and L2 read",
        types: LOGGING_INTO_OWN_GROUPS,
        controls: &["164.312(a)(2)(iv)"],
        fix: "RDS writes each exported log to a log group it creates itself unless one of that name exists: name the database (`DBInstanceIdentifier`, `DBClusterIdentifier`, as written in lower case) and declare `/aws/rds/instance/<name>/<log>` (`/aws/rds/cluster/…` for a cluster, `/aws/docdb/…` for a DocumentDB cluster, `/aws/neptune/…` for a Neptune cluster, `/aws/redshift/cluster/<ClusterIdentifier>/<log>` for each log of a Redshift cluster's `LoggingProperties.LogExports` sent to cloudwatch, `/aws/redshift/<NamespaceName>/<log>` for each log of a Redshift Serverless namespace's `LogExports`) in its stack, encrypted and kept as L1 and L2 ask, with the database depending on it; a named database can no longer be replaced by an update. Otherwise deploy with `up`, which gives each group RDS made the database's key and a retention, or associate a customer key with each (`aws logs associate-kms-key`) and set its retention after the first deploy. A Lambda function writes to `/aws/lambda/<FunctionName>` unless `LoggingConfig.LogGroup` names a group: set `LoggingConfig.LogGroup` to a `LogGroup` of the app (the `Function` construct does), or name the function and declare that group in its stack. A REST API stage writes its execution logs to `API-Gateway-Execution-Logs_<api id>/<stage>`: declare that group in the stack of the stage, its name joined from the `Ref` of the `AWS::ApiGateway::RestApi` and the stage's `StageName` (`SecureApi` does). An AppSync GraphQL API with `LogConfig.CloudWatchLogsRoleArn` writes to `/aws/appsync/apis/<api id>`: declare that group in the stack of the API, its name an `Fn::Sub` or `Fn::Join` of `/aws/appsync/apis/` and the API's `Fn::GetAtt` `ApiId`. An EKS cluster that sends control-plane logs writes them to `/aws/eks/<Name>/cluster`: write the cluster's `Name` and declare that group in its stack. A WebSocket stage's execution logs and an AppSync Event API's logs go to groups their services name themselves, a gap: after deploy, give each a customer key and a retention",
        packs: packs(None, None, None),
        check: l4,
    },
];

/// The first (and only meaningful) default-encryption rule of a bucket.
const DEFAULT_ENCRYPTION: &str = "/BucketEncryption/ServerSideEncryptionConfiguration/0";

fn s1(cx: &Cx<'_>) -> Outcome {
    match cx.resource.type_name() {
        "AWS::S3Express::DirectoryBucket" => return sse_s3_by_default(cx, &DIRECTORY_BUCKET),
        "AWS::S3Tables::TableBucket" => return sse_s3_by_default(cx, &TABLE_BUCKET),
        _ => {}
    }
    let rule = DEFAULT_ENCRYPTION;
    let algorithm = format!("{rule}/ServerSideEncryptionByDefault/SSEAlgorithm");
    if cx.resource.construct_kind() == Some("AccessLogBucket") {
        // The typed exception: S3 delivers server access logs only to a destination whose
        // default encryption is SSE-S3 (S3 User Guide, "Enabling Amazon S3 server access
        // logging": SSE-KMS is not supported), and Elastic Load Balancing delivers access
        // logs only to SSE-S3 buckets (ELB User Guide, "Enable access logs for your
        // Application Load Balancer", bucket requirements). Only the algorithm is a
        // setting; that the bucket may go without a customer key is what it is, so the
        // report shows the construct's reason as a waived gap, not enforcement.
        return all([
            cx.equals(&algorithm, &json!("AES256")),
            access_log_bucket(cx),
        ]);
    }
    let written = cx.prop(&algorithm).map(text_or_json);
    let kms = match &written {
        Some(a) if a == "aws:kms" || a == "aws:kms:dsse" => cx
            .proof(&algorithm)
            .ok_or_else(|| "the property disappeared while it was read".to_owned()),
        Some(a) => Err(format!("`SSEAlgorithm` is {a}, not aws:kms")),
        None => Err("`SSEAlgorithm` is not set (it must be aws:kms)".to_owned()),
    };
    // S3 Bucket Keys are for SSE-KMS only: "Amazon S3 Bucket Keys aren't supported for
    // dual-layer server-side encryption with AWS KMS keys (DSSE-KMS)" (Systems Manager
    // Automation runbook reference, AWS-EnableS3BucketKeys; S3 user guide, "Reducing the
    // cost of SSE-KMS with Amazon S3 Bucket Keys"). A DSSE-KMS bucket is not asked for one.
    let bucket_key = (written.as_deref() != Some("aws:kms:dsse"))
        .then(|| cx.equals(&format!("{rule}/BucketKeyEnabled"), &json!(true)));
    all([
        kms,
        customer_key(
            cx,
            &format!("{rule}/ServerSideEncryptionByDefault/KMSMasterKeyID"),
        ),
    ]
    .into_iter()
    .chain(bucket_key)
    .chain(replicas_outside_the_app(cx).into_iter().map(Err))
    .chain(replica_keys(cx))
    .chain(metadata_tables(cx)))
}

/// The key each replication rule encrypts its copies with: "Specifies the ID (Key ARN or
/// Alias ARN) of the customer managed AWS KMS key stored in AWS Key Management Service
/// (KMS) for the destination bucket. Amazon S3 uses this key to encrypt replica objects"
/// (CloudFormation reference, `AWS::S3::Bucket` EncryptionConfiguration
/// `ReplicaKmsKeyID`). A key of another account (its ARN's account written as a number)
/// encrypts the replicas, in a bucket of the app too, at that account's will: it may
/// disable or schedule the key for deletion, and its key policy, which no rule reads,
/// decides who decrypts them. Read as the bucket's own key is ([`customer_key`]); only what
/// fails is told, so the evidence of `S1` stays the bucket's own encryption.
fn replica_keys(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    let count = cx
        .prop("/ReplicationConfiguration/Rules")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    (0..count)
        .map(|i| {
            format!("/ReplicationConfiguration/Rules/{i}/Destination/EncryptionConfiguration/ReplicaKmsKeyID")
        })
        .filter(|pointer| {
            cx.prop(pointer)
                .is_some_and(|v| !(v.is_null() || super::meaning::no_value(v)))
        })
        .map(|pointer| customer_key(cx, &pointer))
        .filter(Result::is_err)
        .map(|found| {
            found.map_err(|why| {
                format!("{why}: the replicas are encrypted with a key that no rule shows is the app's; encrypt them with a key of the app in the destination's region (`ReplicaKmsKeyID`)")
            })
        })
        .collect()
}

/// The S3 Metadata tables of a general purpose bucket (`MetadataConfiguration`), which copy
/// every object's key, tags and user-defined metadata, and who wrote it from where (a key
/// may name a patient), into tables of the AWS managed table bucket: each must be encrypted
/// with SSE-KMS under a customer-managed key, as `S1` asks of a table bucket. Each table
/// takes its own `EncryptionConfiguration` ("The encryption settings for an S3 Metadata
/// journal table or inventory table configuration": `SseAlgorithm` `aws:kms` or `AES256`,
/// and for `aws:kms` the `KmsKeyArn` of "a customer-managed KMS key", CloudFormation
/// reference, `AWS::S3::Bucket` MetadataTableEncryptionConfiguration); without one, a table
/// is encrypted as a table bucket's are by default, with SSE-S3 (S3 user guide, "Using
/// server-side encryption with AWS KMS keys (SSE-KMS) in table buckets": "Table buckets
/// have a default encryption configuration that automatically encrypts tables by using
/// server-side encryption with Amazon S3 managed keys"). The journal table is always made;
/// the inventory table only with `ConfigurationState` ENABLED. The older
/// `MetadataTableConfiguration` writes its table into a table bucket of the account named
/// by `S3TablesDestination.TableBucketArn`, encrypted as that table bucket is: `S1` reads
/// that table bucket, and `X1` asks that it be one of the app.
fn metadata_tables(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    if cx
        .prop("/MetadataConfiguration")
        .is_none_or(super::meaning::no_value)
    {
        return Vec::new();
    }
    let mut checks = Vec::new();
    for table in ["JournalTableConfiguration", "InventoryTableConfiguration"] {
        let at = format!("/MetadataConfiguration/{table}");
        let Some(configuration) = cx.prop(&at).filter(|v| !super::meaning::no_value(v)) else {
            continue;
        };
        if table == "InventoryTableConfiguration"
            && text(&configuration["ConfigurationState"])
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("DISABLED"))
        {
            continue;
        }
        let algorithm = format!("{at}/EncryptionConfiguration/SseAlgorithm");
        checks.push(match cx.prop(&algorithm).map(|v| (v, text(v))) {
            Some((_, Some(a))) if a.trim() == "aws:kms" => cx
                .proof(&algorithm)
                .ok_or_else(|| "the property disappeared while it was read".to_owned()),
            Some((v, _)) => Err(format!(
                "the S3 Metadata table `MetadataConfiguration.{table}` of bucket `{}` is encrypted with `SseAlgorithm` {}, not aws:kms under a customer-managed key: it holds every object's key and metadata",
                cx.id(),
                text_or_json(v)
            )),
            None => Err(format!(
                "the S3 Metadata table `MetadataConfiguration.{table}` of bucket `{}` sets no `EncryptionConfiguration`, so it is encrypted with SSE-S3: it holds every object's key and metadata; set `SseAlgorithm` aws:kms with the `KmsKeyArn` of a customer-managed key",
                cx.id()
            )),
        });
        checks.push(customer_key(
            cx,
            &format!("{at}/EncryptionConfiguration/KmsKeyArn"),
        ));
    }
    checks
}

/// Where a bucket that is encrypted with SSE-S3 unless told otherwise names its
/// algorithm and its key, and what it is called in a finding.
struct SseS3ByDefault {
    /// The bucket's kind, as a finding names it.
    kind: &'static str,
    /// The pointer of the algorithm (`AES256` or `aws:kms`).
    algorithm: &'static str,
    /// The pointer of the customer-managed key.
    key: &'static str,
}

/// An S3 Express One Zone directory bucket: SSE-S3 unless `BucketEncryption` names
/// `aws:kms` with a customer-managed key (the S3 API reference, `ServerSideEncryptionByDefault`:
/// a directory bucket takes only `AES256` or `aws:kms`, one customer-managed key for its
/// lifetime, never `aws/s3`). Its bucket key is always on for GET and PUT and cannot be
/// turned off (S3 user guide, "Setting and monitoring default encryption for directory
/// buckets"): `BucketKeyEnabled` is not read.
const DIRECTORY_BUCKET: SseS3ByDefault = SseS3ByDefault {
    kind: "directory bucket",
    algorithm: "/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/SSEAlgorithm",
    key: "/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/KMSMasterKeyID",
};

/// An S3 Tables table bucket: SSE-S3 unless `EncryptionConfiguration` names `aws:kms` with
/// the ARN of a customer-managed key in `KMSKeyArn` (CloudFormation's
/// `AWS::S3Tables::TableBucket` `EncryptionConfiguration`: `AES256` or `aws:kms`). Table
/// buckets have no bucket key.
const TABLE_BUCKET: SseS3ByDefault = SseS3ByDefault {
    kind: "table bucket",
    algorithm: "/EncryptionConfiguration/SSEAlgorithm",
    key: "/EncryptionConfiguration/KMSKeyArn",
};

/// A bucket encrypted with SSE-S3 unless `bucket` says `aws:kms` with a customer-managed
/// key.
fn sse_s3_by_default(cx: &Cx<'_>, bucket: &SseS3ByDefault) -> Outcome {
    let name = |pointer: &str| super::pointer_name(pointer).replace(".0.", ".");
    let kms = match cx.prop(bucket.algorithm).map(text_or_json) {
        Some(a) if a == "aws:kms" => cx
            .proof(bucket.algorithm)
            .ok_or_else(|| "the property disappeared while it was read".to_owned()),
        Some(a) => Err(format!(
            "`{}` is {a}: the {} is encrypted with SSE-S3, not a customer-managed key (set it to aws:kms)",
            name(bucket.algorithm),
            bucket.kind
        )),
        None => Err(format!(
            "`{}` is not aws:kms: a {} is encrypted with SSE-S3 by default (set it to aws:kms with `{}`)",
            name(bucket.algorithm),
            bucket.kind,
            name(bucket.key)
        )),
    };
    all([kms, customer_key(cx, bucket.key)])
}

/// Replication rules whose destination is no bucket of the app: every object (PHI
/// included) is copied to a bucket whose encryption, policy and owner no rule reads. A
/// destination of the app is named by reference in the same template, by import, by the
/// template parameter that carries a bucket's ARN from a stack of another region, or by the
/// ARN of a bucket of any stack whose `BucketName` is written.
fn replicas_outside_the_app(cx: &Cx<'_>) -> Vec<String> {
    let mut found = inventories_outside_the_app(cx);
    // Rules, or a whole configuration, that an intrinsic makes (`Fn::Select` of a list of
    // objects) may copy every object anywhere.
    for pointer in [
        "/ReplicationConfiguration",
        "/ReplicationConfiguration/Rules",
    ] {
        if let Some(v) = cx.prop(pointer).filter(|v| written_whole(v)) {
            found.push(format!(
                "`{}` is {}, which no rule can read before deploy: it may copy every object to a bucket outside the app; write the replication rules out",
                super::pointer_name(pointer),
                text_or_json(v)
            ));
            return found;
        }
    }
    let Some(Value::Array(rules)) = cx.prop("/ReplicationConfiguration/Rules") else {
        return found;
    };
    found.extend(rules
        .iter()
        .enumerate()
        .filter_map(|(i, rule)| {
            let destination = &rule["Destination"]["Bucket"];
            let foreign_account = rule["Destination"]
                .get("Account")
                .is_some_and(|a| text(a).is_none_or(|a| a != "${AWS::AccountId}"));
            (!of_the_app(cx, destination) || foreign_account)
                .then(|| {
                format!(
                    "`ReplicationConfiguration.Rules.{i}` copies every object to {}, which is no bucket of the app{}: no rule reads how it protects the copies",
                    text(destination).unwrap_or_else(|| destination.to_string()),
                    if foreign_account { " (in another account)" } else { "" }
                )
            })
        }));
    found
}

/// Whether a destination names a bucket of the app: by reference in the same template, by
/// import, by the template parameter that carries a bucket's ARN from a stack of another
/// region, or by the ARN of a bucket of any stack whose `BucketName` is written.
fn of_the_app(cx: &Cx<'_>, destination: &Value) -> bool {
    let in_template = cx
        .others("AWS::S3::Bucket")
        .any(|b| super::compute::mentions(destination, b.logical_id()));
    let by_name = text(destination).is_some_and(|arn| {
        let arn = arn
            .replace("arn:aws-us-gov:", "arn:aws:")
            .replace("arn:aws-cn:", "arn:aws:");
        // The ARN of a bucket of any stack whose name is written, in any case.
        cx.index
            .bucket_arns
            .contains(&arn.trim().to_ascii_lowercase())
    });
    // A bucket of a stack in another region, by the template parameter that hipaa-stack
    // fills from that stack's output of the same name.
    let across_regions = cx
        .across_regions(cx.template, destination)
        .is_some_and(|(_, b)| b.type_name() == "AWS::S3::Bucket");
    in_template || by_name || across_regions || has_import(destination)
}

/// Inventory configurations that publish their lists to a bucket outside the app: S3
/// Inventory lists the bucket's objects "and their corresponding metadata" (every key, which
/// may name a patient, as `S1` reads the S3 Metadata tables) to the bucket of
/// `Destination.BucketArn`, owned by `Destination.BucketAccountId` ("The account ID that
/// owns the destination S3 bucket. If no account ID is provided, the owner is not validated
/// before exporting data": S3 API Reference, `InventoryS3BucketDestination`; CloudFormation
/// `AWS::S3::Bucket` `Destination`). A destination of the app is read as replication's is
/// ([`of_the_app`]); a list, entry or destination written whole as an intrinsic cannot be
/// read. A configuration `Enabled` false publishes nothing.
fn inventories_outside_the_app(cx: &Cx<'_>) -> Vec<String> {
    const AT: &str = "/InventoryConfigurations";
    let items = match cx.prop(AT) {
        None => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(v) => {
            return vec![format!(
                "`InventoryConfigurations` is {}, which no rule can read before deploy: it may publish the list of every object to a bucket outside the app; write the configurations out",
                text_or_json(v)
            )];
        }
    };
    items
        .iter()
        .enumerate()
        .filter(|(_, c)| !super::meaning::no_value(c) && !super::is_false(&c["Enabled"]))
        .filter_map(|(i, c)| {
            let destination = &c["Destination"];
            let bucket = &destination["BucketArn"];
            let foreign_account = destination
                .get("BucketAccountId")
                .filter(|a| !super::meaning::no_value(a))
                .is_some_and(|a| text(a).is_none_or(|a| a.trim() != "${AWS::AccountId}"));
            (written_whole(c)
                || written_whole(destination)
                || !of_the_app(cx, bucket)
                || foreign_account)
                .then(|| {
                    format!(
                        "`InventoryConfigurations.{i}` publishes the key and metadata of every object to {}, which is no bucket of the app{}: no rule reads who may read the list; publish it to a bucket of the app",
                        text(bucket).unwrap_or_else(|| text_or_json(if written_whole(c) {
                            c
                        } else if written_whole(destination) {
                            destination
                        } else {
                            bucket
                        })),
                        if foreign_account { " (in another account)" } else { "" }
                    )
                })
        })
        .collect()
}

/// The proof that a bucket is an [`AccessLogBucket`](crate::AccessLogBucket) (or the log
/// bucket of another construct of hipaa-stack): the construct kind hipaa-stack writes in its
/// metadata, which a raw resource cannot write. It proves what the bucket *is*, no setting:
/// the engine reports a pass that carries it as the construct's typed exception, with the
/// reason the construct recorded, and never as enforcement (probe 17c F2).
fn access_log_bucket(cx: &Cx<'_>) -> Result<Proof, String> {
    Ok(Proof::construct_kind(cx.id()))
}

fn s3(cx: &Cx<'_>) -> Outcome {
    all([
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ]
    .map(|flag| {
        cx.equals(
            &format!("/PublicAccessBlockConfiguration/{flag}"),
            &json!(true),
        )
    }))
}

fn s6(cx: &Cx<'_>) -> Outcome {
    let acl: Result<(), String> = match cx.prop("/AccessControl") {
        Some(v) => Err(format!("`AccessControl` is {v}; ACLs must be disabled")),
        None => Ok(()),
    };
    if let Some(gap) = several_ownership_rules(cx) {
        return match acl {
            Err(a) => Outcome::Fail(a),
            Ok(()) => Outcome::Gap(gap),
        };
    }
    match (acl, bucket_owner_enforced(cx)) {
        (Ok(_), Ok(p)) => Outcome::Pass(vec![p]),
        (Err(a), Ok(_)) => Outcome::Fail(a),
        (Ok(_), Err(o)) => Outcome::Fail(o),
        (Err(a), Err(o)) => Outcome::Fail(format!("{a}; {o}")),
    }
}

/// The proof that the one rule of `OwnershipControls.Rules` (the first that an
/// `AWS::NoValue` does not remove) is `BucketOwnerEnforced`, in any spelling that resolves
/// to it (`{"Fn::Sub": "BucketOwnerEnforced"}`).
fn bucket_owner_enforced(cx: &Cx<'_>) -> Result<Proof, String> {
    let rules = cx.prop("/OwnershipControls/Rules");
    let at = rules
        .and_then(Value::as_array)
        .and_then(|rules| rules.iter().position(|r| !super::meaning::no_value(r)))
        .unwrap_or(0);
    let pointer = format!("/OwnershipControls/Rules/{at}/ObjectOwnership");
    match cx.prop(&pointer) {
        Some(v) if text(v).is_some_and(|t| t.trim() == "BucketOwnerEnforced") => {
            cx.present(&pointer)
        }
        Some(v) => Err(format!(
            "`OwnershipControls.Rules.{at}.ObjectOwnership` is {}, not \"BucketOwnerEnforced\"",
            text_or_json(v)
        )),
        None => Err(
            "`OwnershipControls.Rules.0.ObjectOwnership` is not set (it must be \"BucketOwnerEnforced\")"
                .to_owned(),
        ),
    }
}

/// Why a bucket's Object Ownership is unknown at synth: `OwnershipControls.Rules` lists
/// more than one rule and not all are `BucketOwnerEnforced`. CloudFormation's
/// `AWS::S3::Bucket OwnershipControls` reference types `Rules` as an array and does not say
/// which of several rules S3 applies.
fn several_ownership_rules(cx: &Cx<'_>) -> Option<String> {
    let rules = cx.prop("/OwnershipControls/Rules")?.as_array()?;
    let owners: Vec<Option<String>> = rules
        .iter()
        .filter(|r| !super::meaning::no_value(r))
        .map(|r| r.get("ObjectOwnership").and_then(text))
        .collect();
    (owners.len() > 1
        && !owners
            .iter()
            .all(|o| o.as_deref() == Some("BucketOwnerEnforced")))
    .then(|| {
        format!(
            "bucket `{}` lists {} rules in `OwnershipControls.Rules`, not all `BucketOwnerEnforced`: which one S3 applies is unknown at synth; write the one rule `BucketOwnerEnforced`",
            cx.id(),
            owners.len()
        )
    })
}

fn s7(cx: &Cx<'_>) -> Outcome {
    let destination = "/LoggingConfiguration/DestinationBucketName";
    if cx.resource.construct_kind() == Some("AccessLogBucket") {
        // The typed exception: the destination of access logs does not log into itself
        // (every delivery would log another), and logs nowhere else. Nothing here logs its
        // accesses, so the report shows the construct's reason as a waived gap.
        return match cx.prop(destination) {
            Some(_) => Outcome::Fail(
                "an access-log bucket must not log its own accesses to a bucket".to_owned(),
            ),
            None => all([access_log_bucket(cx)]),
        };
    }
    let proof = match cx.present(destination) {
        Ok(p) => p,
        Err(e) => return Outcome::Fail(e),
    };
    match cx
        .prop(destination)
        .and_then(|value| unusable_log_destination(cx, value))
    {
        None => Outcome::Pass(vec![proof]),
        Some(outcome) => outcome,
    }
}

/// Where a service delivers into a bucket, as [`bucket_named`] reads a bucket's name for
/// it. S3 delivers server access logs only to a bucket of the source bucket's own region
/// and account ("The source and destination buckets must be in the same AWS Region and
/// owned by the same account", S3 user guide, "Enabling Amazon S3 server access
/// logging"); CloudTrail delivers a trail's log files to a bucket of any region, or of
/// another account whose bucket policy lets it write (CloudTrail user guide, "Amazon S3
/// bucket policy for CloudTrail").
#[derive(Clone, Copy, PartialEq, Eq)]
enum Delivery {
    /// Only to a bucket of the stack's own region and account (`S7`'s access logs).
    SameRegion,
    /// To a bucket of any region or account (`T7`'s trail).
    AnyRegion,
}

/// The bucket a value names, as [`bucket_named`] reads it.
enum NamedBucket<'a> {
    /// A bucket of the app, read in its own stack.
    Bucket(Cx<'a>),
    /// A bucket named as text that no template of the app declares.
    Outside(String),
    /// Why no rule can read which bucket it is.
    Unread(String),
}

/// The bucket `value` (a `DestinationBucketName`, a trail's `S3BucketName`) names, in every
/// spelling the other rules read a resource in: a bucket of the template wholly named
/// ([`super::meaning::names`]: its `Ref`, `${Logs}` alone in an `Fn::Sub`, an `Fn::Join` or
/// `Fn::Select` of it alone); the import of an export, read in the stack that makes it
/// ([`super::flows::export_named`]: a stack of the importing stack's region and account,
/// whatever `delivery` says, since imports resolve only there); or its name as text, the
/// `BucketName` of a bucket of the template, or of a bucket of another stack of the app
/// (bucket names are global) written the same in every stack: in a stack of the same region
/// and account a name may hold `${AWS::AccountId}` and `${AWS::Region}`, which name the
/// same there; elsewhere, where only [`Delivery::AnyRegion`] reaches, it must hold no
/// `${`. Under [`Delivery::SameRegion`] a bucket of another region is none the service
/// delivers to: a bucket of another region or account named as text is read as no bucket
/// of the app, and one that hipaa-stack's template parameter carries from another region
/// is refused.
fn bucket_named<'a>(
    cx: &Cx<'a>,
    value: &Value,
    delivery: Delivery,
    depth: usize,
) -> NamedBucket<'a> {
    const BUCKET: &str = "AWS::S3::Bucket";
    if let Some(b) = cx
        .resources_named(&super::compute::Mentioned::of(value))
        .into_iter()
        .find(|b| b.type_name() == BUCKET && super::meaning::names(value, b.logical_id()))
    {
        return NamedBucket::Bucket(cx.on(b));
    }
    if let Some(name) = value
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.get("Fn::ImportValue"))
    {
        use super::flows::{Export, export_named};
        return match super::meaning::import_name(name).map(|n| export_named(cx, &n)) {
            Some(Export::Made(there, carried)) if depth < 4 => {
                bucket_named(&there, &carried, delivery, depth + 1)
            }
            _ => NamedBucket::Unread(format!(
                "the import of {}, which no stack of the app in this stack's region and account exports",
                text_or_json(name)
            )),
        };
    }
    if delivery == Delivery::SameRegion
        && let Some((stack, b)) = cx.across_regions(cx.template, value)
    {
        return NamedBucket::Unread(format!(
            "`{stack}/{}`, a resource of another region: S3 delivers server access logs only to a bucket of the source bucket's own region and account",
            b.logical_id()
        ));
    }
    let unread = || {
        NamedBucket::Unread(format!(
            "{}, which no rule can read before deploy",
            text_or_json(value)
        ))
    };
    let Some(name) = text(value)
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty() && !super::identity::dynamic(t))
    else {
        return unread();
    };
    let named = |r: &Resource| {
        cx.on(r)
            .prop("/BucketName")
            .and_then(text)
            .is_some_and(|own| own.trim().eq_ignore_ascii_case(&name))
    };
    if let Some(b) = cx.others(BUCKET).find(|b| named(b)) {
        return NamedBucket::Bucket(cx.on(b));
    }
    // The stack's own account and region name the same in every stack of the same
    // account and region; anything else built on the stack (its name) does not.
    let fixed = name
        .replace("${AWS::AccountId}", "")
        .replace("${AWS::Region}", "");
    if fixed.contains("${") {
        return unread();
    }
    // A stack the service delivers to whose bucket of that name is the one named: one of
    // the same region and account, or (for a service that delivers anywhere) one of any
    // region or account when the name is the same text there.
    let reached = |at: usize| {
        super::services::same_region_and_account(cx, at, cx.at)
            || (delivery == Delivery::AnyRegion && !name.contains("${"))
    };
    let elsewhere = cx
        .stacks
        .iter()
        .enumerate()
        .find_map(|(at, (stack, template))| {
            (at != cx.at && reached(at))
                .then(|| {
                    template
                        .resources()
                        .iter()
                        .find(|b| b.type_name() == BUCKET && named(b))
                        .map(|b| Cx {
                            template,
                            stack,
                            at,
                            resource: b,
                            ..*cx
                        })
                })
                .flatten()
        });
    match elsewhere {
        Some(b) => NamedBucket::Bucket(b),
        None => NamedBucket::Outside(name),
    }
}

/// Why the bucket that receives this bucket's access logs (`value`, its
/// `DestinationBucketName`) is not shown to receive them, as a gap or a failure, or `None`
/// when it is a bucket of the app that does. Each branch of an `Fn::If` may be deployed:
/// each is read, a failure before a gap. S3 delivers server access logs to no bucket with
/// Object Lock (S3 user guide, "Configuring S3 Object Lock": "S3 buckets with Object Lock
/// can't be used as destination buckets for server access logs") nor with SSE-KMS or
/// DSSE-KMS default encryption (S3 API reference, `LoggingEnabled`: the target "can't use
/// SSE-KMS or DSSE-KMS default encryption, can't have S3 Object Lock enabled"), and only
/// where the logging service may write ([`log_delivery_allowed`]). The configuration is
/// accepted; the logs are never written. A bucket named as text that no template of the
/// app declares (another account's, one made by hand) is a gap, as T1 and OS2 hold a log
/// group of no template: nothing shows it receives the logs; a value no rule can read
/// before deploy fails, since it may be any bucket.
fn unusable_log_destination(cx: &Cx<'_>, value: &Value) -> Option<Outcome> {
    if let Some(branches) = super::meaning::if_branches(value) {
        return super::worst(
            branches
                .into_iter()
                .filter_map(|branch| unusable_log_destination(cx, branch)),
        );
    }
    if super::meaning::no_value(value) {
        return Some(Outcome::Fail(
            "`LoggingConfiguration.DestinationBucketName` is removed by `AWS::NoValue`: S3 logs the bucket's accesses nowhere".to_owned(),
        ));
    }
    let on = match bucket_named(cx, value, Delivery::SameRegion, 0) {
        NamedBucket::Bucket(on) => on,
        NamedBucket::Outside(name) => {
            return Some(Outcome::Gap(format!(
                "bucket `{}` sends its access logs to the bucket `{name}`, which is no bucket of the app: whether S3 can deliver them there (its encryption, Object Lock and policy) and whether they are kept is not shown; log to an `AccessLogBucket` of the app (its `Ref`, or the import of its export)",
                cx.id()
            )));
        }
        NamedBucket::Unread(why) => {
            return Some(Outcome::Fail(format!(
                "`LoggingConfiguration.DestinationBucketName` is {why}: S3 may deliver the access logs to any bucket, or to none; name an `AccessLogBucket` of the app (its `Ref`, or the import of its export)"
            )));
        }
    };
    let name = if on.stack == cx.stack {
        on.id().to_owned()
    } else {
        format!("{}/{}", on.stack, on.id())
    };
    if on.prop("/ObjectLockEnabled").is_some_and(super::is_true) {
        return Some(Outcome::Fail(format!(
            "bucket `{}` sends its access logs to bucket `{name}`, which has Object Lock: S3 delivers no server access logs to it; log to a bucket without Object Lock (an `AccessLogBucket`)",
            cx.id()
        )));
    }
    let algorithm = on
        .prop(&format!(
            "{DEFAULT_ENCRYPTION}/ServerSideEncryptionByDefault/SSEAlgorithm"
        ))
        .map(text_or_json)
        .map(|a| a.trim().to_ascii_lowercase());
    if let Some(algorithm) = algorithm.filter(|a| a == "aws:kms" || a == "aws:kms:dsse") {
        return Some(Outcome::Fail(format!(
            "bucket `{}` sends its access logs to bucket `{name}`, encrypted with {algorithm}: S3 delivers server access logs only to a bucket encrypted with SSE-S3 (AES256); log to an `AccessLogBucket`",
            cx.id()
        )));
    }
    let prefix = cx
        .prop("/LoggingConfiguration/LogFilePrefix")
        .and_then(text)
        .unwrap_or_default();
    (!log_delivery_allowed_once(&on, prefix)).then(|| {
        Outcome::Fail(format!(
            "bucket `{}` sends its access logs to bucket `{name}`, which no bucket policy of the app lets the logging service write: S3 writes server access logs as `logging.s3.amazonaws.com`, and with ACLs disabled (`BucketOwnerEnforced`, the default of a new bucket) \"Permissions can only be granted using policies\" (S3 API reference, `PutBucketLogging`); give the log bucket a policy that allows `logging.s3.amazonaws.com` `s3:PutObject` on its objects (`${{Logs.Arn}}/*`) with `aws:SourceAccount` `${{AWS::AccountId}}`, or log to an `AccessLogBucket`",
            cx.id()
        ))
    })
}

/// [`log_delivery_allowed`], read once for each bucket and prefix of the app
/// ([`super::Index::log_delivery`]): what it reads (the bucket, and every bucket policy of
/// the app) is the same for every bucket that logs there.
fn log_delivery_allowed_once(on: &Cx<'_>, prefix: String) -> bool {
    let cache = || {
        on.index
            .log_delivery
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    let key = (on.at, on.id().to_owned(), prefix);
    if let Some(&allowed) = cache().get(&key) {
        return allowed;
    }
    // Read outside the lock: two buckets that read the same destination at once agree.
    let allowed = log_delivery_allowed(on, &key.2);
    cache().insert(key, allowed);
    allowed
}

/// Whether the logging service may write server access logs (under `prefix`) into the
/// bucket of `on`. S3 writes them as the service principal `logging.s3.amazonaws.com`,
/// which a bucket policy of the destination must allow `s3:PutObject` ("Permissions for
/// log delivery", S3 user guide, "Enabling Amazon S3 server access logging"); where the
/// bucket owner enforced setting disables ACLs, "Permissions can only be granted using
/// policies" (S3 API reference, `PutBucketLogging`), and it is the default of a bucket
/// that writes no `OwnershipControls` ("By default, Object Ownership is set to the Bucket
/// owner enforced setting", S3 user guide, "Controlling ownership of objects"). With ACLs
/// enabled (`ObjectWriter`, `BucketOwnerPreferred`) the canned ACL `LogDeliveryWrite`
/// grants the S3 log delivery group instead. Every bucket policy of the app that names the
/// bucket must allow it: a bucket has one policy, whichever is applied last replacing the
/// others (read as S8 reads them, [`policies_naming`]).
fn log_delivery_allowed(on: &Cx<'_>, prefix: &str) -> bool {
    let owner = on
        .prop("/OwnershipControls/Rules")
        .and_then(Value::as_array)
        .and_then(|rules| rules.iter().find(|r| !super::meaning::no_value(r)))
        .and_then(|r| r.get("ObjectOwnership"))
        .and_then(text);
    let acls = owner
        .as_deref()
        .is_some_and(|o| matches!(o.trim(), "ObjectWriter" | "BucketOwnerPreferred"));
    if acls
        && on
            .prop("/AccessControl")
            .and_then(text)
            .is_some_and(|a| a.trim() == "LogDeliveryWrite")
    {
        return true;
    }
    let own = own_bucket(on);
    let objects = format!("{}/{prefix}*", own.arn);
    let policies: Vec<(Option<&str>, &Resource)> = policies_naming(on, &own)
        .into_iter()
        .filter(|(.., unknown)| !unknown)
        .map(|(stack, policy, _)| (stack, policy))
        .collect();
    // A policy of another stack names the bucket's objects by an import of its export
    // (`${Arn}/*` of the imported `Arn`), read as the export's value, as S8 reads it.
    !policies.is_empty()
        && policies.iter().all(|(stack, policy)| {
            policy_document(policy, "/PolicyDocument").is_some_and(|document| {
                statements(&document).iter().any(|(_, s)| {
                    lets_the_logging_service_write(&on.as_exported(*stack, s), &own, &objects)
                })
            })
        })
}

/// Whether a bucket policy statement allows the S3 logging service `s3:PutObject` on
/// `objects`.
fn lets_the_logging_service_write(statement: &Value, own: &Own<'_>, objects: &str) -> bool {
    text(&statement["Effect"]).is_some_and(|e| e.trim() == "Allow")
        && super::meaning::one_or_many(&statement["Principal"]["Service"])
            .into_iter()
            .filter_map(text)
            .any(|s| s.trim().eq_ignore_ascii_case("logging.s3.amazonaws.com"))
        && strings(&statement["Action"])
            .iter()
            .any(|a| glob(a.trim(), "s3:PutObject"))
        && covers(statement, own, &[objects])
}

/// The bucket's own ARN and name as text placeholders, for reading policy resources.
fn own_bucket<'a>(cx: &Cx<'a>) -> Own<'a> {
    let name = cx
        .prop("/BucketName")
        .and_then(text)
        .unwrap_or_else(|| format!("<bucket {}>", cx.id()));
    Own {
        id: cx.id(),
        arn: format!("arn:aws:s3:::{name}"),
        reference: name,
        other: None,
    }
}

/// Whether a statement's `Resource` covers every one of `targets` (a resource pattern
/// matches it, `*` included). The patterns are read once for all the targets.
fn covers(statement: &Value, own: &Own<'_>, targets: &[&str]) -> bool {
    let resources = super::meaning::one_or_many(&statement["Resource"]);
    let patterns: Vec<String> = resources
        .into_iter()
        .filter_map(|r| text_about(r, own))
        .map(|r| {
            if r.contains("arn:aws-") {
                r.replace("arn:aws-us-gov:", "arn:aws:")
                    .replace("arn:aws-cn:", "arn:aws:")
            } else {
                r
            }
        })
        .collect();
    targets
        .iter()
        .all(|target| patterns.iter().any(|p| glob(p, target)))
}

/// Whether a statement's conditions are `aws:SecureTransport` false alone (the one reading
/// of S8, S14's access points, N2, the queues' TLS rule and EF2), so that it
/// applies to every request made without TLS and to no other: every operator is `Bool` or
/// `BoolIfExists`, and every key under it is `aws:SecureTransport` (in any case: "Context
/// key names are not case-sensitive", IAM JSON policy elements: Condition) whose values are
/// all `false`. Conditions are ANDed, so another key (`aws:PrincipalAccount`, …) narrows the
/// denial, and the same key asked to be `true` (under the other operator, or spelled in
/// another case) leaves no request it applies to. `BoolIfExists` false is at least as strong
/// as `Bool` false in a Deny: "If the key is not present, evaluate the condition element as
/// true" (IAM JSON policy elements: Condition operators, `...IfExists` condition operators).
/// An operator of another spelling (`bool`, `ForAnyValue:Bool`) is none the IAM docs name
/// for this key.
pub(super) fn only_without_tls(statement: &Value) -> bool {
    let Some(conditions) = statement["Condition"].as_object() else {
        return false;
    };
    let is_false =
        |v: &&Value| **v == json!(false) || super::meaning::sent(v).is_some_and(|t| t == "false");
    let mut keys_read = 0;
    for (operator, keys) in conditions {
        if operator != "Bool" && operator != "BoolIfExists" {
            return false;
        }
        let Some(keys) = keys.as_object() else {
            return false;
        };
        for (key, value) in keys {
            let values = super::meaning::one_or_many(value);
            if !key.eq_ignore_ascii_case("aws:SecureTransport")
                || values.is_empty()
                || !values.iter().all(is_false)
            {
                return false;
            }
            keys_read += 1;
        }
    }
    keys_read > 0
}

/// Whether a policy statement denies everyone everything on S3 when the transport is not
/// TLS, on both the bucket and its objects, with no other condition narrowing the denial.
fn denies_insecure_transport(statement: &Value, own: &Own<'_>) -> bool {
    super::identity::denies(statement)
        && everyone(&statement["Principal"])
        && strings(&statement["Action"])
            .iter()
            .any(|a| glob(a, "s3:*"))
        && only_without_tls(statement)
        && covers(statement, own, &[&own.arn, &format!("{}/*", own.arn)])
}

/// Whether a `Bucket` value names this bucket: its `Ref`, or its name in any spelling.
/// A plain `Ref` of a resource (most policies' `Bucket`, read once for every bucket of the
/// stack) names it exactly when it is the bucket's own: both readings of
/// [`names_bucket_read`] come to that, and it is read without them.
fn names_bucket(value: &Value, own: &Own<'_>) -> bool {
    if let Value::Object(map) = value
        && map.len() == 1
        && let Some(Value::String(id)) = crate::cfn::pointer::get(map, "Ref")
        && !id.starts_with("AWS::")
    {
        return id == own.id;
    }
    names_bucket_read(value, own)
}

/// [`names_bucket`], read the long way: the value mentions the bucket, or its text is the
/// bucket's name.
fn names_bucket_read(value: &Value, own: &Own<'_>) -> bool {
    super::compute::mentions(value, own.id)
        || text_about(value, own).is_some_and(|t| t == own.reference)
}

/// [`names_bucket`] of the `Bucket` of a policy of the bucket's own stack (`resources`),
/// with what the index read of it: a plain `Ref` names the bucket when it is the bucket's
/// id, which is a resource of the template; anything else is read.
fn own_policy_names_bucket<'v>(
    refers: RefersTo,
    resources: &[crate::cfn::Resource],
    bucket: impl FnOnce() -> &'v Value,
    own: &Own<'_>,
) -> bool {
    match refers {
        RefersTo::Resource(at) => resources.get(at).is_some_and(|r| r.logical_id() == own.id),
        RefersTo::Nothing => false,
        RefersTo::Unread => names_bucket(bucket(), own),
    }
}

/// Every bucket policy of the app that names the bucket of `cx` (`own`): in its own stack
/// by reference or name, in another stack by import or name; each with its stack (`None`
/// for the bucket's own) and whether its bucket is known only at deploy (a dynamic
/// reference, another resource's attribute), which may be this bucket's.
fn policies_naming<'a>(cx: &Cx<'a>, own: &Own<'_>) -> Vec<(Option<&'a str>, &'a Resource, bool)> {
    let exports = cx.own_exports();
    let resources = cx.template.resources();
    cx.bucket_policies()
        .filter(|(stack, p, unknown, refers)| {
            static ABSENT: Value = Value::Null;
            let bucket =
                || crate::cfn::pointer::lookup(p.properties(), "/Bucket").unwrap_or(&ABSENT);
            *unknown
                || match stack {
                    None => own_policy_names_bucket(*refers, resources, bucket, own),
                    Some(_) => {
                        let bucket = bucket();
                        exports.imported_in(cx, *stack, bucket)
                            || text(bucket).is_some_and(|t| t == own.reference)
                    }
                }
        })
        .map(|(stack, policy, unknown, _)| (stack, policy, unknown))
        .collect()
}

fn s8(cx: &Cx<'_>) -> Outcome {
    let own = own_bucket(cx);
    let mut proofs = Vec::new();
    let mut problems = Vec::new();
    // Every bucket policy of the app that names the bucket. A policy whose bucket is known
    // only at deploy may be this bucket's: it is read as if it named it.
    for (stack, policy, _) in policies_naming(cx, &own) {
        let name = match stack {
            Some(stack) => format!("{stack}/{}", policy.logical_id()),
            None => policy.logical_id().to_owned(),
        };
        // A policy of another stack names the bucket's ARN by an import of its export
        // (`Fn::Join` of the import and `/*`), read as the export's `Fn::GetAtt`.
        let found = policy_document(policy, "/PolicyDocument").and_then(|document| {
            statements(&document)
                .into_iter()
                .find(|(_, s)| denies_insecure_transport(&cx.as_exported(stack, s), &own))
                .map(|(suffix, _)| suffix)
        });
        match found.and_then(|suffix| statement_proof(policy, "/PolicyDocument", &suffix)) {
            Some(mut p) => {
                p.logical_id = name;
                proofs.push(p);
            }
            None => problems.push(format!(
                "bucket policy `{name}` has no Deny of `s3:*` to `*` on the bucket and its objects when `aws:SecureTransport` is false (a bucket has one policy: whichever is applied last replaces the others)"
            )),
        }
    }
    if !problems.is_empty() {
        return Outcome::Fail(problems.join("; "));
    }
    if proofs.is_empty() {
        return Outcome::Fail(
            "no `AWS::S3::BucketPolicy` of the app applies to the bucket".to_owned(),
        );
    }
    Outcome::Pass(proofs)
}

/// Whether the bucket of a policy of `template` (its `Bucket`, `bucket`) is known only at
/// deploy, for a bucket of the same template: a dynamic reference, or a resource of the
/// template that is not a bucket (a custom resource's attribute, say). A plain `Ref` or
/// `Fn::GetAtt` names one resource, found by `named` (the template's resource by id);
/// anything else is searched for every resource it mentions. Found once for each policy
/// of the app, by [`super::Index`].
pub(super) fn bucket_known_only_at_deploy<'t>(
    template: &'t crate::cfn::Template,
    named: impl Fn(&str) -> Option<&'t crate::cfn::Resource>,
    bucket: &Value,
) -> bool {
    let not_a_bucket = |r: &crate::cfn::Resource| r.type_name() != "AWS::S3::Bucket";
    let id = bucket.get("Ref").and_then(Value::as_str).or_else(|| {
        bucket
            .get("Fn::GetAtt")
            .and_then(Value::as_array)
            .filter(|a| a.len() == 2)
            .and_then(|a| a[0].as_str())
    });
    dynamically_named(bucket)
        || match id {
            Some(id) if bucket.as_object().is_some_and(|m| m.len() == 1) => {
                named(id).is_some_and(not_a_bucket)
            }
            _ => template
                .resources()
                .iter()
                .any(|r| not_a_bucket(r) && super::compute::mentions(bucket, r.logical_id())),
        }
}

/// Whether a policy's `Bucket` is a dynamic reference (resolved only at deploy).
pub(super) fn dynamically_named(bucket: &Value) -> bool {
    text(bucket).is_some_and(|t| super::identity::dynamic(&t))
}

/// Whether a policy statement of an access point denies everyone everything on S3 when
/// the transport is not TLS, on the access point named `name` and its objects, with no
/// other condition narrowing the denial.
fn access_point_denies_insecure_transport(statement: &Value, name: &str) -> bool {
    let resources = strings(&statement["Resource"]);
    // The part of an access point ARN after `accesspoint/`; `*` covers every resource.
    let covers = |target: &str| {
        resources.iter().any(|r| {
            r.trim() == "*"
                || r.split_once(":accesspoint/")
                    .is_some_and(|(_, rest)| glob(rest, target))
        })
    };
    super::identity::denies(statement)
        && everyone(&statement["Principal"])
        && strings(&statement["Action"])
            .iter()
            .any(|a| glob(a, "s3:*"))
        && only_without_tls(statement)
        && covers(name)
        && covers(&format!("{name}/object/any"))
}

/// The four flags of a `PublicAccessBlockConfiguration`, each of which must be true.
const PUBLIC_ACCESS_FLAGS: [&str; 4] = [
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
];

/// A Multi-Region Access Point blocks public access by its own
/// `PublicAccessBlockConfiguration`, whose flags S3 applies "in any combination" as a
/// bucket's ("The PublicAccessBlock configuration that you want to apply to this Amazon S3
/// Multi-Region Access Point. You can enable the configuration options in any
/// combination", CloudFormation reference, `AWS::S3::MultiRegionAccessPoint
/// PublicAccessBlockConfiguration`): each of the four must be written true, a value
/// known only at deploy or left out fails. It is reached over TLS only: "Multi-Region
/// Access Points don't support anonymous requests" and require "Transport Layer Security
/// (TLS) v1.2" and SigV4A (S3 User Guide, "Multi-Region Access Point restrictions and
/// limitations"), so no policy's TLS denial is asked of it; its policy
/// (`AWS::S3::MultiRegionAccessPointPolicy`) is read by `P2` and `X2`, and a public one is
/// refused by `BlockPublicPolicy`.
fn multi_region(cx: &Cx<'_>) -> Outcome {
    all(PUBLIC_ACCESS_FLAGS.iter().map(|flag| {
        cx.equals(
            &format!("/PublicAccessBlockConfiguration/{flag}"),
            &json!(true),
        )
    }))
}

/// An Object Lambda Access Point's own public access block "is turned on and can not be
/// edited" (S3 Control API, `GetAccessPointForObjectLambda` `PublicAccessBlockConfiguration`:
/// "Configuration to block all public access. This setting is turned on and can not be
/// edited"; CloudFormation lists it only among the resource's return values), but it
/// serves objects through its supporting access point ("A configuration used when creating
/// an Object Lambda Access Point": `SupportingAccessPoint`, "Standard access point
/// associated with the Object Lambda Access Point"), whose settings decide who reaches the
/// data: that must be an `AWS::S3::AccessPoint` of the template, which this rule reads
/// there. One named by text, an import or another resource's attribute is read nowhere.
/// Its policy (`AWS::S3ObjectLambda::AccessPointPolicy`) is read by `P2` and `X2`.
fn object_lambda(cx: &Cx<'_>) -> Outcome {
    const SUPPORTING: &str = "/ObjectLambdaConfiguration/SupportingAccessPoint";
    let Some(named) = cx.prop(SUPPORTING) else {
        return Outcome::Fail(
            "`ObjectLambdaConfiguration.SupportingAccessPoint` is not set: the access point the Object Lambda Access Point serves objects through is read nowhere; name an `AWS::S3::AccessPoint` of the template (`Fn::GetAtt [AccessPoint, Arn]`)".to_owned(),
        );
    };
    let ours = cx
        .others(ACCESS_POINT)
        .any(|ap| super::meaning::names(named, ap.logical_id()));
    if ours {
        all([cx.present(SUPPORTING)])
    } else {
        Outcome::Fail(format!(
            "`ObjectLambdaConfiguration.SupportingAccessPoint` is {}, which names no `AWS::S3::AccessPoint` of this template: whether it blocks public access and TLS-less requests is read nowhere; name one of the template by `Fn::GetAtt [AccessPoint, Arn]`",
            text_or_json(named)
        ))
    }
}

fn s14(cx: &Cx<'_>) -> Outcome {
    match cx.resource.type_name() {
        MULTI_REGION_ACCESS_POINT => return multi_region(cx),
        OBJECT_LAMBDA_ACCESS_POINT => return object_lambda(cx),
        _ => {}
    }
    let mut checks: Vec<Result<Proof, String>> = [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ]
    .iter()
    .map(|flag| {
        cx.equals(
            &format!("/PublicAccessBlockConfiguration/{flag}"),
            &json!(true),
        )
    })
    .collect();
    let reach = if cx.prop("/VpcConfiguration/VpcId").is_some() {
        cx.present("/VpcConfiguration/VpcId")
    } else {
        // A name CloudFormation makes up matches only a statement on every access point.
        let name = cx
            .prop("/Name")
            .and_then(text)
            .unwrap_or_else(|| "\u{0}generated".to_owned());
        policy_document(cx.resource, "/Policy")
            .and_then(|document| {
                statements(&document)
                    .into_iter()
                    .find(|(_, s)| access_point_denies_insecure_transport(s, &name))
                    .and_then(|(suffix, _)| statement_proof(cx.resource, "/Policy", &suffix))
            })
            .ok_or_else(|| {
                "the access point is reachable from the internet (no `VpcConfiguration.VpcId`) and its `Policy` has no Deny of `s3:*` to `*` on it and its objects when `aws:SecureTransport` is false".to_owned()
            })
    };
    checks.push(reach);
    all(checks)
}

/// Versioning as S3 reads it: a status that resolves to `Enabled` (`{"Fn::Sub": "Enabled"}`
/// as much as the text), or, with no status written, a bucket created with Object Lock. The
/// S3 console's note on creating a bucket with Object Lock, as the AWS Config and Amazon
/// MWAA guides quote it ("Prerequisites for Setting Up AWS Config with the AWS CLI",
/// "Create an Amazon S3 bucket for Amazon MWAA"): "Enabling Object Lock also enables
/// versioning for the bucket"; and the S3 User Guide, "Object Lock considerations": "After
/// you enable Object Lock on a bucket, you can't disable Object Lock or suspend versioning
/// for that bucket". Only the top-level `ObjectLockEnabled` (CreateBucket's
/// `ObjectLockEnabledForBucket`) is read so: whether `ObjectLockConfiguration` alone turns
/// versioning on is not documented. A status that cannot be read fails.
fn s9(cx: &Cx<'_>) -> Outcome {
    const STATUS: &str = "/VersioningConfiguration/Status";
    if let Some(why) = short_lived_versions(cx) {
        return Outcome::Fail(why);
    }
    match cx.prop(STATUS) {
        Some(v) if text(v).is_some_and(|t| t == "Enabled") => all([cx.present(STATUS)]),
        Some(v) => Outcome::Fail(format!(
            "`VersioningConfiguration.Status` is {}, not \"Enabled\": S3 keeps no earlier version of an object overwritten or deleted; set it to `Enabled`",
            text_or_json(v)
        )),
        None => match cx.prop("/ObjectLockEnabled") {
            Some(v) if super::is_true(v) => all([cx.present("/ObjectLockEnabled")]),
            _ => Outcome::Fail(
                "`VersioningConfiguration.Status` is not set (it must be \"Enabled\"), and the bucket is not created with `ObjectLockEnabled` (which enables versioning)"
                    .to_owned(),
            ),
        },
    }
}

/// The fewest days a bucket keeps an earlier version of an object: the floor the rules hold
/// every other copy kept to undo a loss to (`R3` automated backups, `A3B` point-in-time
/// recovery: 7 days, §164.308(a)(7)(ii)(A)).
const MIN_NONCURRENT_DAYS: i64 = 7;

/// Why versioning keeps too little: a lifecycle rule that may be enabled (its `Status` not
/// `Disabled`) deletes noncurrent versions sooner than [`MIN_NONCURRENT_DAYS`], so an object
/// overwritten or deleted by mistake or by an intruder cannot be recovered after that
/// (CloudFormation's `AWS::S3::Bucket` `NoncurrentVersionExpiration` `NoncurrentDays`:
/// "Specifies the number of days an object is noncurrent before Amazon S3 can perform the
/// associated action"; the legacy `NoncurrentVersionExpirationInDays` alike;
/// `NewerNoncurrentVersions` only keeps more). Whatever the rule's filter: the objects it
/// matches lose their versions. A number no rule can read may be 1.
fn short_lived_versions(cx: &Cx<'_>) -> Option<String> {
    if let Some(why) = unread_lifecycle(cx) {
        return Some(why);
    }
    let rules = cx
        .prop("/LifecycleConfiguration/Rules")
        .and_then(Value::as_array)?;
    rules.iter().enumerate().find_map(|(i, rule)| {
        if super::meaning::no_value(rule)
            || text(&rule["Status"]).is_some_and(|s| s.trim() == "Disabled")
        {
            return None;
        }
        [
            "NoncurrentVersionExpiration/NoncurrentDays",
            "NoncurrentVersionExpirationInDays",
        ]
        .into_iter()
        .find_map(|at| {
            let days = cx
                .prop(&format!("/LifecycleConfiguration/Rules/{i}/{at}"))
                .filter(|v| !v.is_null())?;
            let field = format!("LifecycleConfiguration.Rules.{i}.{}", at.replace('/', "."));
            match whole_number(days) {
                Some(n) if n >= MIN_NONCURRENT_DAYS => None,
                Some(n) => Some(format!(
                    "bucket `{}` deletes earlier versions of its objects after {n} days (`{field}`): an object overwritten or deleted by mistake or by an intruder cannot be recovered after that; keep noncurrent versions at least {MIN_NONCURRENT_DAYS} days",
                    cx.id()
                )),
                None => Some(format!(
                    "`{field}` of bucket `{}` is {}, which no rule can read as a number of days (it may be 1); write {MIN_NONCURRENT_DAYS} or more",
                    cx.id(),
                    text_or_json(days)
                )),
            }
        })
    })
}

/// Whether a value is written whole as an intrinsic function (`Fn::Select` of a list of
/// objects, a custom resource's `Fn::GetAtt`), not removed by `AWS::NoValue`: the object or
/// list it stands for is made at deploy, and a rule that looks inside it for a setting finds
/// none. CloudFormation's `Fn::Select` "returns a single object from a list of objects by
/// index" (Template Reference, `Fn::Select`), so a whole lifecycle or replication rule, or
/// its expiration, may be written as one; an `Fn::If` is read branch by branch before.
fn written_whole(value: &Value) -> bool {
    super::identity::intrinsic(value) && !super::meaning::no_value(value)
}

/// Why the lifecycle rules of a bucket cannot be read for what they delete: its
/// `LifecycleConfiguration`, its `Rules`, a rule of the list, or a rule's
/// `NoncurrentVersionExpiration`, written whole as an intrinsic function ([`written_whole`]),
/// may delete noncurrent versions after one day.
fn unread_lifecycle(cx: &Cx<'_>) -> Option<String> {
    let unread = |pointer: &str| {
        cx.prop(pointer).filter(|v| written_whole(v)).map(|v| {
            format!(
                "`{}` of bucket `{}` is {}, which no rule can read before deploy: it may delete noncurrent versions after a day; write the lifecycle rules out",
                super::pointer_name(pointer),
                cx.id(),
                text_or_json(v)
            )
        })
    };
    unread("/LifecycleConfiguration")
        .or_else(|| unread("/LifecycleConfiguration/Rules"))
        .or_else(|| {
            let count = cx
                .prop("/LifecycleConfiguration/Rules")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            (0..count).find_map(|i| {
                let rule = format!("/LifecycleConfiguration/Rules/{i}");
                unread(&rule).or_else(|| unread(&format!("{rule}/NoncurrentVersionExpiration")))
            })
        })
}

/// A replication rule copies this bucket's PHI only when it is enabled, selects the objects
/// encrypted with KMS (S3 skips them otherwise) and encrypts the copy with a key.
fn s10(cx: &Cx<'_>) -> Outcome {
    if cx.present("/ReplicationConfiguration/Rules").is_err() {
        // The copy of another bucket is itself the second region's copy.
        if let Some(proof) = cx.replicated_from() {
            return Outcome::Pass(vec![proof]);
        }
        // The typed exceptions: access logs, CloudTrail log files and AWS Config's history
        // are not replicated. Nothing copies them, so the report shows the reason each
        // construct records (for hipaa-stack and the rule packs) as a waived gap.
        if matches!(
            cx.resource.construct_kind(),
            Some("AccessLogBucket" | "AuditTrail" | "AccountBaseline")
        ) {
            return all([access_log_bucket(cx)]);
        }
        return Outcome::Gap(
            "no replication to a bucket in a second region: a regional outage leaves the only copy out of reach"
                .to_owned(),
        );
    }
    let rules = cx
        .prop("/ReplicationConfiguration/Rules")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    // A rule (or its destination, or filter) written whole as an intrinsic function may be
    // one of higher `Priority` to the same destination that takes objects from the full rule
    // and skips the KMS-encrypted ones ([`outranked`]): no rule can tell.
    let whole = rules.iter().enumerate().find_map(|(i, r)| {
        ["", "/Destination", "/Filter", "/SourceSelectionCriteria"]
            .into_iter()
            .find(|at| super::lookup(r, at).is_some_and(written_whole))
            .map(|at| (i, at))
    });
    if let Some((i, at)) = whole {
        let pointer = format!("/ReplicationConfiguration/Rules/{i}{at}");
        return Outcome::Fail(format!(
            "`{}` of bucket `{}` is {}, which no rule can read before deploy: it may be a rule that takes objects from the full rule and leaves them without an encrypted copy in another region; write the replication rules out",
            super::pointer_name(&pointer),
            cx.id(),
            cx.prop(&pointer).map(text_or_json).unwrap_or_default()
        ));
    }
    // A destination of this template, or imported from a stack of this region, is in this
    // bucket's region: no copy for disaster recovery.
    let same_region = |destination: &Value| {
        // A bucket of this template by reference, or by the ARN of the name it gives itself.
        let named =
            text(destination).and_then(|t| t.strip_prefix("arn:aws:s3:::").map(str::to_owned));
        cx.template.resources().iter().any(|r| {
            r.type_name() == "AWS::S3::Bucket"
                && (super::compute::mentions(destination, r.logical_id())
                    || named.as_deref().is_some_and(|n| {
                        text(&r.properties()["BucketName"]).is_some_and(|b| b == n)
                    }))
        }) || has_import(destination)
    };
    // S3 encrypts the copy with `ReplicaKmsKeyID` in the destination's region (a KMS key is
    // regional: "the KMS key for the destination bucket", S3 user guide, "Replicating
    // encrypted objects"): a key of this template, imported within the region, or whose ARN
    // is built on this stack's `AWS::Region`, puts the destination in this bucket's region.
    let key_here = |key: &Value| {
        let written = key.to_string();
        has_import(key)
            || written.contains("${AWS::Region}")
            || written.contains(r#"{"Ref":"AWS::Region"}"#)
            || cx.template.resources().iter().any(|r| {
                matches!(r.type_name(), "AWS::KMS::Key" | "AWS::KMS::Alias")
                    && super::compute::mentions(key, r.logical_id())
            })
    };
    // What a rule does with the objects it takes: copies them, the KMS-encrypted ones too,
    // to another region, encrypted.
    let carries = |r: &Value| {
        !super::meaning::no_value(&r["Destination"]["EncryptionConfiguration"]["ReplicaKmsKeyID"])
            && unread_copy(cx, r).is_none()
            && !same_region(&r["Destination"]["Bucket"])
            && !key_here(&r["Destination"]["EncryptionConfiguration"]["ReplicaKmsKeyID"])
            && text(&r["Status"]).as_deref() == Some("Enabled")
            && text(&r["SourceSelectionCriteria"]["SseKmsEncryptedObjects"]["Status"]).as_deref()
                == Some("Enabled")
            && !matches!(
                r["Destination"]["EncryptionConfiguration"]["ReplicaKmsKeyID"],
                Value::Null
            )
    };
    // A rule copies every object only without a filter that narrows it (S3 replicates only
    // what matches).
    let copies = |r: &Value| for_every_object(r) && carries(r);
    let mut contested = Vec::new();
    for (i, _) in rules.iter().enumerate().filter(|(_, r)| copies(r)) {
        match outranked(rules, i, &carries) {
            None => {
                return all([cx
                    .proof(&format!("/ReplicationConfiguration/Rules/{i}"))
                    .ok_or_default()]);
            }
            Some(by_enabled) => contested.push(by_enabled),
        }
    }
    if let Some(problem) = contested_copy(&contested) {
        return problem;
    }
    // A rule that would copy every object but whose destination or key is known only at
    // deploy: said as such, not as a rule that copies nothing.
    let unread: Vec<String> = rules
        .iter()
        .enumerate()
        .filter(|(_, r)| text(&r["Status"]).as_deref() == Some("Enabled") && for_every_object(r))
        .filter_map(|(i, r)| unread_copy(cx, r).map(|what| (i, what)))
        .map(|(i, what)| {
            format!(
                "`ReplicationConfiguration.Rules.{i}` of bucket `{}` names {what}, known only at deploy (a dynamic reference, another resource's attribute): it may be in this bucket's region, so the copy is not shown to be in another region; write the ARN, or replicate to a bucket of a stack of another region (`SecureBucket::replicate_to`)",
                cx.id()
            )
        })
        .collect();
    if !unread.is_empty() {
        return Outcome::Fail(unread.join("; "));
    }
    Outcome::Fail(
        "no enabled replication rule copies the objects encrypted with KMS (`SourceSelectionCriteria.SseKmsEncryptedObjects` Enabled), all of them (no `Filter` or `Prefix` that narrows the rule), to a bucket of another region (not of this template, not imported within the region) and encrypts the copy (`Destination.EncryptionConfiguration.ReplicaKmsKeyID`, a key of the other region: not of this template, not imported, not built on this stack's `AWS::Region`): the PHI has no encrypted copy in another region"
            .to_owned(),
    )
}

/// What of a replication rule that says where the copy is (`Destination.Bucket`, and the
/// key S3 encrypts the copy with, `Destination.EncryptionConfiguration.ReplicaKmsKeyID`,
/// which is a key of the destination bucket's region: S3 user guide, "Replicating encrypted
/// objects") is known only at deploy, if any: a dynamic reference (`{{resolve:ssm:…}}`), or
/// a value holding another resource's attribute or reference (an SSM parameter's `Value`, a
/// custom resource's output), which may name a bucket or a key of this bucket's region. A
/// bucket or key of another region's stack carried by hipaa-stack's template parameter is
/// read (`across_regions`); an import, or a bucket or key of this template, is read as of
/// this region by `S10` itself.
fn unread_copy(cx: &Cx<'_>, rule: &Value) -> Option<String> {
    let unread = |value: &Value| {
        if value.is_null()
            || super::meaning::no_value(value)
            || has_import(value)
            || cx.across_regions(cx.template, value).is_some()
        {
            return false;
        }
        // A bucket or key of this template is read: it is in this bucket's region.
        if cx.template.resources().iter().any(|r| {
            matches!(
                r.type_name(),
                "AWS::S3::Bucket" | "AWS::KMS::Key" | "AWS::KMS::Alias"
            ) && super::compute::mentions(value, r.logical_id())
        }) {
            return false;
        }
        let skeleton = super::meaning::skeleton_sent(value);
        skeleton.contains(super::meaning::UNKNOWN) || super::identity::dynamic(&skeleton)
    };
    let destination = &rule["Destination"]["Bucket"];
    let key = &rule["Destination"]["EncryptionConfiguration"]["ReplicaKmsKeyID"];
    if unread(destination) {
        Some(format!(
            "its destination bucket by {}",
            text_or_json(destination)
        ))
    } else if unread(key) {
        Some(format!("the key of the copy by {}", text_or_json(key)))
    } else {
        None
    }
}

/// Whether the rule at `i` of a bucket's replication rules loses objects to another rule:
/// "if there are two or more rules with the same destination bucket, then objects will be
/// replicated according to the rule with the highest priority" (S3 API reference,
/// ReplicationRule, `Priority`). So a rule of the same destination (its `Bucket` written
/// alike, or the same text) whose `Priority` is as high or higher, or unreadable, and that
/// does not carry what it takes as the copy must (`carries`), takes the objects it matches
/// from the rule at `i`. `Some(true)` when such a rule is enabled; `Some(false)` when each is
/// not shown enabled (whether a disabled rule still outranks is not documented); `None`
/// when none outranks it.
fn outranked(rules: &[Value], i: usize, carries: &dyn Fn(&Value) -> bool) -> Option<bool> {
    let rule = rules.get(i)?;
    let destination = &rule["Destination"]["Bucket"];
    // Two destinations are the same bucket when they are written alike or resolve to the
    // same text; one that does not resolve to text (a parameter, an attribute, text around
    // one) may be the same bucket written another way (`Ref` of a parameter beside an
    // `Fn::Join` of it), unless both are references to two different things.
    let refers = |v: &Value| {
        v.get("Ref")
            .or_else(|| v.get("Fn::GetAtt"))
            .filter(|_| v.as_object().is_some_and(|m| m.len() == 1))
            .cloned()
    };
    let same = |other: &Value| {
        other == destination
            || match (text(other), text(destination)) {
                (Some(a), Some(b)) => a == b,
                (None, None) if other.is_null() || destination.is_null() => false,
                _ => match (refers(other), refers(destination)) {
                    (Some(a), Some(b)) => a == b,
                    _ => !other.is_null() && !destination.is_null(),
                },
            }
    };
    let priority = whole_number(&rule["Priority"]);
    let rivals: Vec<&Value> = rules
        .iter()
        .enumerate()
        .filter(|(j, r)| *j != i && same(&r["Destination"]["Bucket"]) && !carries(r))
        .filter(|(_, r)| match (whole_number(&r["Priority"]), priority) {
            (Some(theirs), Some(ours)) => theirs >= ours,
            _ => true,
        })
        .map(|(_, r)| r)
        .collect();
    if rivals.is_empty() {
        return None;
    }
    Some(
        rivals
            .iter()
            .any(|r| text(&r["Status"]).as_deref() == Some("Enabled")),
    )
}

/// What S10 makes of replication rules that would copy every object but are each outranked
/// ([`outranked`]): a fail when every one loses objects to an enabled rule, a gap when some
/// loses them only to rules not shown enabled. `None` when there are none.
fn contested_copy(contested: &[bool]) -> Option<Outcome> {
    if contested.is_empty() {
        return None;
    }
    Some(if contested.iter().all(|enabled| *enabled) {
        Outcome::Fail("every replication rule that would copy every object shares its destination with a rule of as high or higher `Priority` (or none written) that narrows what it takes and skips the KMS-encrypted objects or the key of the copy: S3 replicates an object by the highest-priority rule of its destination, so the objects that rule matches have no encrypted copy in another region; give the full rule the highest `Priority`, or make the narrower rule copy as it does".to_owned())
    } else {
        Outcome::Gap("the replication rule that copies every object shares its destination with a rule not shown enabled, of as high or higher `Priority` (or none written), that skips the KMS-encrypted objects or the key of the copy: whether a disabled rule still takes from the full rule the objects it matches is not documented; give the full rule the highest `Priority`, or remove the other rule".to_owned())
    })
}

/// Whether a replication or lifecycle rule of a bucket applies to every object: no legacy
/// `Prefix`, no `TagFilters`, and no `Filter` but an empty prefix (S3 applies a rule only to
/// the objects its filter matches).
fn for_every_object(rule: &Value) -> bool {
    // A prefix or tag list removed by `AWS::NoValue` is not written; an empty list of tags
    // names none.
    let removed = |v: &Value| v.is_null() || super::meaning::no_value(v);
    let empty_prefix = |v: &Value| removed(v) || text(v).is_some_and(|t| t.is_empty());
    let no_tags = rule
        .get("TagFilters")
        .is_none_or(|v| removed(v) || v.as_array().is_some_and(|tags| tags.iter().all(removed)));
    empty_prefix(&rule["Prefix"])
        && no_tags
        && match &rule["Filter"] {
            Value::Null => true,
            Value::Object(filter) => filter
                .iter()
                .all(|(key, v)| key == "Prefix" && empty_prefix(v)),
            _ => false,
        }
}

/// Whether a lifecycle rule applies to objects of every size: no `ObjectSizeGreaterThan`
/// or `ObjectSizeLessThan` (CloudFormation's `AWS::S3::Bucket` `Rule` writes them on the
/// rule itself, beside `Prefix` and `TagFilters`, and S3 applies the rule only to objects
/// of the sizes they allow), as written or inside the rule's `Filter`.
fn any_size(rule: &Value) -> bool {
    let unset = |v: &Value| v.is_null() || super::meaning::no_value(v);
    ["ObjectSizeGreaterThan", "ObjectSizeLessThan"]
        .iter()
        .all(|k| unset(&rule[*k]) && unset(&rule["Filter"][*k]))
}

fn s13(cx: &Cx<'_>) -> Outcome {
    // Versioning as S3 reads it: `{"Fn::Sub": "Enabled"}` enables it as much as the plain
    // text. Only text that resolves to something else (`Suspended`) leaves the bucket
    // unversioned; an intrinsic that cannot be read may enable it, and is read as doing so.
    // A bucket created with Object Lock and no status written is versioned too: S3 enables
    // versioning with Object Lock (as S9 reads it).
    let versioned = match cx.prop("/VersioningConfiguration/Status") {
        Some(v) => text(v).is_none_or(|t| t == "Enabled"),
        None => cx.prop("/ObjectLockEnabled").is_some_and(super::is_true),
    };
    if !versioned {
        return Outcome::NotApplicable;
    }
    let rules = cx
        .prop("/LifecycleConfiguration/Rules")
        .and_then(Value::as_array);
    // An enabled rule for every object (no `Prefix`, `TagFilters` or `Filter` but an empty
    // prefix: S3 applies a rule only to what its filter matches) that expires noncurrent
    // versions (not removed by `AWS::NoValue`).
    let set = |v: Option<&Value>| v.is_some_and(|v| !v.is_null() && !super::meaning::no_value(v));
    let found = rules.and_then(|rules| {
        rules.iter().position(|r| {
            text(&r["Status"]).is_some_and(|s| s == "Enabled")
                && for_every_object(r)
                && any_size(r)
                && (set(r.get("NoncurrentVersionExpiration"))
                    || set(r.get("NoncurrentVersionExpirationInDays")))
        })
    });
    match found.and_then(|i| cx.proof(&format!("/LifecycleConfiguration/Rules/{i}"))) {
        Some(p) => Outcome::Pass(vec![p]),
        None => Outcome::Fail(
            "no enabled lifecycle rule for every object (no `Filter` or `Prefix` that narrows it) expires noncurrent versions, so they grow without end"
                .to_owned(),
        ),
    }
}

/// The types of rule D1 of which CloudFormation takes a snapshot before it deletes one
/// whose `DeletionPolicy` (or `UpdateReplacePolicy`) is `Snapshot`. CloudFormation's
/// `DeletionPolicy` attribute reference: Snapshot is "for resources that support
/// snapshots" (volumes, ElastiCache, Neptune, RDS and DocumentDB clusters and instances,
/// Redshift clusters); a bucket, key, log group, vault, table, file system or domain has
/// no snapshot to take, so `Snapshot` on it keeps nothing.
const SNAPSHOT_KEEPS: &[&str] = &[
    "AWS::EC2::Volume",
    "AWS::Redshift::Cluster",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
];

fn d1(cx: &Cx<'_>) -> Outcome {
    let kept: &[&str] = if SNAPSHOT_KEEPS.contains(&cx.resource.type_name()) {
        &["Retain", "Snapshot"]
    } else {
        &["Retain"]
    };
    let why = |e: String| {
        if kept.len() == 1 && e.contains("Snapshot") {
            format!(
                "{e}: CloudFormation takes no snapshot of a `{}`, so `Snapshot` keeps nothing",
                cx.resource.type_name()
            )
        } else {
            e
        }
    };
    all([
        cx.attribute_in("DeletionPolicy", kept).map_err(why),
        cx.attribute_in("UpdateReplacePolicy", kept).map_err(why),
    ])
}

/// What the rule makes of an Aurora instance: a member of a cluster, whose storage,
/// backups, availability, credentials and parameters are the cluster's. A member of a
/// cluster of the app is judged on that cluster, which the same rules check: the rule does
/// not apply to it. A member of a cluster of no template of the app is judged on nothing:
/// `what` it takes from that cluster no rule reads, and the rule fails. `None` for a
/// database of its own.
fn cluster_member(cx: &Cx<'_>, what: &str) -> Option<Outcome> {
    if cx.resource.type_name() != "AWS::RDS::DBInstance" {
        return None;
    }
    cx.prop("/DBClusterIdentifier")?;
    Some(match foreign_cluster(cx, what) {
        Some(foreign) => Outcome::Fail(foreign),
        None => Outcome::NotApplicable,
    })
}

/// The properties that make a database a copy of another: a restore from a snapshot or a
/// point in time, or a read replica. CloudFormation's reference for `AWS::RDS::DBInstance`
/// and `AWS::RDS::DBCluster`: with one of these, `StorageEncrypted` "is inherited from the
/// snapshot or source", whatever the template says, and `KmsKeyId` applies only if the
/// source was encrypted.
const COPY_SOURCES: &[&str] = &[
    "/DBSnapshotIdentifier",
    "/SourceDBInstanceIdentifier",
    "/SourceDbiResourceId",
    "/SourceDBInstanceAutomatedBackupsArn",
    "/SourceDBClusterIdentifier",
    "/SnapshotIdentifier",
    "/ReplicationSourceIdentifier",
    // An instance restored from a Multi-AZ DB cluster snapshot (RDS's
    // `RestoreDBInstanceFromDBSnapshot`): as encrypted as that snapshot.
    "/DBClusterSnapshotIdentifier",
];

/// A copy source that is not a database of the app (whose own encryption R1 reads, see
/// [`source_of_the_app`]): the copy is exactly as encrypted as something no rule has read.
fn unread_copy_source(cx: &Cx<'_>) -> Option<String> {
    COPY_SOURCES.iter().find_map(|pointer| {
        let value = cx.prop(pointer)?;
        source_of_the_app(cx, pointer, value).is_none().then(|| {
            format!(
                "`{}` makes the database a copy of {}, whose encryption it inherits (`StorageEncrypted` and `KmsKeyId` do not apply) and no rule reads; create it empty, or copy a database of the app (its `Ref`, its written identifier in its own region, or its ARN `arn:${{AWS::Partition}}:rds:REGION:${{AWS::AccountId}}:db:IDENTIFIER` from another region)",
                &pointer[1..],
                text(value).unwrap_or_else(|| value.to_string())
            )
        })
    })
}

/// The copy sources that name a database (not a snapshot or a backup), with the kinds of
/// database each names: an instance's `SourceDBInstanceIdentifier` ("the identifier of the
/// DB instance that will act as the source for the read replica"; "If the source DB
/// instance is in a different AWS Region, you must specify the ARN"), an instance's
/// `SourceDBClusterIdentifier` (the Multi-AZ cluster it replicates) and a cluster's
/// (the cluster it restores to a point in time), and a cluster's
/// `ReplicationSourceIdentifier` ("The Amazon Resource Name (ARN) of the source DB instance
/// or DB cluster if this DB cluster is created as a read replica") (CloudFormation
/// reference, `AWS::RDS::DBInstance` and `AWS::RDS::DBCluster`).
const DATABASE_SOURCES: &[(&str, &[&str])] = &[
    ("/SourceDBInstanceIdentifier", &["AWS::RDS::DBInstance"]),
    ("/SourceDBClusterIdentifier", &["AWS::RDS::DBCluster"]),
    ("/ReplicationSourceIdentifier", DB_OR_CLUSTER),
];

/// The kind of database an RDS ARN names (`arn:PARTITION:rds:REGION:ACCOUNT:db:NAME`,
/// `…:cluster:NAME`), by its type, and the property that writes its identifier.
fn rds_kind(type_name: &str) -> (&'static str, &'static str) {
    if type_name == "AWS::RDS::DBCluster" {
        ("cluster", "DBClusterIdentifier")
    } else {
        ("db", "DBInstanceIdentifier")
    }
}

/// The region of a stack of the app (`None` for this resource's stack): `Some(None)` for a
/// stack in the environment's region, `None` for no stack of that name.
fn stack_region<'a>(cx: &Cx<'a>, stack: Option<&str>) -> Option<Option<&'a str>> {
    let at = match stack {
        Some(name) => *cx.index.stack_at.get(name)?,
        None => cx.at,
    };
    Some(cx.index.regions.get(at).and_then(Option::as_deref))
}

/// The account of the stack named `stack` (`None`: the stack being checked), when its
/// environment names one; `None` for the deploy account.
fn stack_account<'a>(cx: &Cx<'a>, stack: Option<&str>) -> Option<&'a str> {
    let at = match stack {
        Some(name) => *cx.index.stack_at.get(name)?,
        None => cx.at,
    };
    cx.index.accounts.get(at).and_then(Option::as_deref)
}

/// Whether the copy source at `pointer` is a database of the app, whose own encryption R1
/// reads: RDS copies it with its encryption ("You can't create an encrypted read replica
/// from an unencrypted DB instance"; a read replica in another region "must specify a KMS
/// key identifier for the destination AWS Region", which this rule asks of the copy as of
/// any database: RDS API reference, `CreateDBInstanceReadReplica` `KmsKeyId`). A database
/// of the app is named
/// - by a reference to it (its `Ref` or an attribute, [`super::meaning::names`]);
/// - by the import of an export of one by a stack of the app;
/// - by a parameter of hipaa-stack's that carries its `DBInstanceArn` or `DBClusterArn`
///   from a stack of another region (an identifier carried so would name a database of the
///   copy's own region);
/// - by its identifier written as text (`DBInstanceIdentifier`, `DBClusterIdentifier`, in
///   any case: RDS stores identifiers in lower case), which names a database of the copy's
///   own account and region: one of a stack of the app in the copy's region;
/// - by its ARN written as text, `arn:PARTITION:rds:REGION:ACCOUNT:db:IDENTIFIER` (or
///   `…:cluster:…`), as a replica in another region must name it: its account
///   `${AWS::AccountId}`, the copy's own (a number may be any account's: an Aurora clone
///   copies a cluster another account shares by AWS RAM; the sixteenth probe), and its
///   region `${AWS::Region}` (the copy's own) or the region of the stack of the app that
///   holds the database (a stack in the environment's region, whose region is not written,
///   is taken at its word).
///
/// Named as text, the database is one of a stack of the copy's own account (the account
/// its environment names, or the deploy account for both).
///
/// A snapshot or an automated backup is no database whose encryption a rule reads.
///
/// `Some` tells where the database stands against the copy: a reference and an import name
/// one of the copy's own region (an export is read in its own region only), hipaa-stack's
/// parameter one of another.
fn source_of_the_app(cx: &Cx<'_>, pointer: &str, value: &Value) -> Option<SourceAt> {
    let &(_, types) = DATABASE_SOURCES.iter().find(|(p, _)| *p == pointer)?;
    if types.iter().any(|t| {
        cx.others(t)
            .any(|db| db.logical_id() != cx.id() && super::meaning::names(value, db.logical_id()))
    }) {
        return Some(SourceAt::SameRegion);
    }
    if super::meaning::imported(value) {
        return super::services::imports_an_export_of(cx, value, types, |v, id| {
            super::meaning::names(v, id)
        })
        .then_some(SourceAt::SameRegion);
    }
    if let Some((stack, db)) = cx.across_regions(cx.template, value) {
        let output = value
            .get("Ref")
            .and_then(Value::as_str)
            .and_then(|name| {
                cx.template_of(Some(stack))
                    .outputs()
                    .iter()
                    .find(|o| o.name() == name)
            })
            .and_then(|o| serde_json::to_value(&o.value).ok())
            .unwrap_or(Value::Null);
        let arn = if db.type_name() == "AWS::RDS::DBCluster" {
            "DBClusterArn"
        } else {
            "DBInstanceArn"
        };
        let attribute = match output.get("Fn::GetAtt") {
            Some(Value::Array(a)) => a.get(1).and_then(Value::as_str).map(str::to_owned),
            Some(Value::String(s)) => s.split_once('.').map(|(_, a)| a.to_owned()),
            _ => None,
        };
        return (types.contains(&db.type_name()) && attribute.as_deref() == Some(arn))
            .then_some(SourceAt::OtherRegion);
    }
    let written = text(value).filter(|t| !super::identity::dynamic(t))?;
    let written = written
        .trim()
        .replace("${AWS::", "${AWS-")
        .to_ascii_lowercase();
    let own_region = stack_region(cx, None);
    // The kind, the identifier and whether the region fits, as written.
    let (kind, name, region) = match written.strip_prefix("arn:") {
        Some(arn) => {
            let fields: Vec<&str> = arn.splitn(6, ':').collect();
            let [_, "rds", region, account, kind, name] = fields.as_slice() else {
                return None;
            };
            // The copy's own account only: a number may be any account's, and a copy
            // inherits the encryption of whatever it names (the sixteenth probe: an Aurora
            // clone of another account's cluster, shared by AWS RAM, under the identifier
            // of a cluster of the app).
            if *account != "${aws-accountid}" {
                return None;
            }
            (Some(*kind), *name, Some(*region))
        }
        None => (None, written.as_str(), None),
    };
    if name.is_empty() || name.contains(['$', ':', '/', '{']) {
        return None;
    }
    types.iter().find_map(|t| {
        let (arn_kind, property) = rds_kind(t);
        if kind.is_some_and(|k| k != arn_kind) {
            return None;
        }
        cx.everywhere(t).find_map(|(stack, db)| {
            let own = text(&db.properties()[property])
                .is_some_and(|own| own.trim().eq_ignore_ascii_case(name));
            let there = stack_region(cx, stack);
            let fits = match region {
                // A written region names the region of the stack that holds the
                // database (or the environment's, not written).
                Some(r) if r != "${aws-region}" => {
                    there.is_some_and(|there| there.is_none_or(|there| there == r))
                }
                // The copy's own region: a stack pinned to the same region.
                _ => there.is_some() && there == own_region,
            };
            let found = (stack.is_some() || db.logical_id() != cx.id())
                && own
                && fits
                && stack_account(cx, stack) == stack_account(cx, None);
            found.then_some(if there == own_region {
                SourceAt::SameRegion
            } else {
                SourceAt::OtherRegion
            })
        })
    })
}

/// Where a database of the app that a copy names stands against the copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceAt {
    /// In the copy's own region: the copy is encrypted with its source's key.
    SameRegion,
    /// In another region: the copy names a key of its own region.
    OtherRegion,
}

/// The copy source that makes this database a copy, in its own region, of a database of
/// the app, whose key R1 reads: "A read replica in the same Amazon Web Services Region is
/// always encrypted with the same KMS key as the source DB instance or cluster", and for it
/// "don't specify a value" of `KmsKeyId` (RDS API reference, `CreateDBInstanceReadReplica`
/// `KmsKeyId`); a cluster restored to a point in time, or made a replica, without a key is
/// "encrypted using the KMS key that was used to encrypt the source DB cluster"
/// (`RestoreDBClusterToPointInTime` and `CreateDBCluster` `KmsKeyId`); and CloudFormation's
/// `AWS::RDS::DBInstance` `StorageEncrypted` and `KmsKeyId`: with a source, "don't specify
/// this property. The value is inherited from the source DB instance". Asking the copy for
/// both was the false refusal the fourteenth probe left open.
fn same_region_copy_of_the_app(cx: &Cx<'_>) -> Option<Proof> {
    DATABASE_SOURCES.iter().find_map(|(pointer, _)| {
        let value = cx.prop(pointer)?;
        (source_of_the_app(cx, pointer, value)? == SourceAt::SameRegion)
            .then(|| cx.proof(pointer))
            .flatten()
    })
}

/// An instance that joins a cluster of no template of the app: `what` it takes from the
/// cluster (its storage, backups, parameters, …) no rule reads. (A cluster of another stack
/// is imported: the import counts only as the export of a cluster of a stack of the
/// instance's region and account, [`Cx::named_in_app`].)
fn foreign_cluster(cx: &Cx<'_>, what: &str) -> Option<String> {
    let cluster = cx
        .prop("/DBClusterIdentifier")
        .filter(|_| cx.resource.type_name() == "AWS::RDS::DBInstance")?;
    let ours = cx
        .others("AWS::RDS::DBCluster")
        .any(|c| super::meaning::names(cluster, c.logical_id()) || cluster_named(cluster, c))
        || super::meaning::imported(cluster)
            && cx
                .named_in_app(None, cluster, "AWS::RDS::DBCluster")
                .is_some();
    (!ours).then(|| {
        format!(
            "`DBClusterIdentifier` joins the cluster {}, which is no cluster of the app: {what}, which no rule reads; add the cluster to the app",
            text(cluster).unwrap_or_else(|| cluster.to_string())
        )
    })
}

/// Whether a value holds an `Fn::ImportValue` anywhere.
pub(super) fn has_import(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key("Fn::ImportValue") || map.values().any(has_import),
        Value::Array(items) => items.iter().any(has_import),
        _ => false,
    }
}

fn r1(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == GLOBAL_CLUSTER {
        return r1_global(cx);
    }
    let insights = performance_insights_key(cx);
    if let Some(member) = cluster_member(cx, "its storage is encrypted as that cluster is") {
        // An Aurora instance carries its own Performance Insights, whatever its cluster's
        // storage.
        return match (member, insights) {
            (Outcome::Fail(why), Some(Err(e))) => Outcome::Fail(format!("{why}; {e}")),
            (_, Some(Err(e))) => Outcome::Fail(e),
            (member, _) => member,
        };
    }
    // A copy in its source's region takes the source's key: neither property need be
    // written, and one that is written is read.
    let inherited = same_region_copy_of_the_app(cx).filter(|_| {
        cx.prop("/KmsKeyId").is_none()
            && (cx.prop("/StorageEncrypted").is_none()
                || cx.equals("/StorageEncrypted", &json!(true)).is_ok())
    });
    let encryption = match inherited {
        Some(source) => vec![Ok(source)],
        None => vec![
            cx.equals("/StorageEncrypted", &json!(true)),
            customer_key(cx, "/KmsKeyId"),
        ],
    };
    let settings = all(encryption
        .into_iter()
        .chain(replicated_backups_key(cx))
        .chain(insights));
    match (unread_copy_source(cx), settings) {
        (Some(copy), Outcome::Fail(problems)) => Outcome::Fail(format!("{problems}; {copy}")),
        (Some(copy), _) => Outcome::Fail(copy),
        (None, settings) => settings,
    }
}

/// The key of a database's Performance Insights, when they are on: "Performance Insights
/// uses an AWS KMS key to encrypt sensitive data", the AWS managed key unless a customer
/// managed key is chosen (Aurora and RDS user guides, "Changing an AWS KMS policy for
/// Performance Insights"; RDS API reference, `PerformanceInsightsKMSKeyId`: "If you don't
/// specify a value … Amazon RDS uses your default KMS key"), and the data is the text of the
/// statements that load the database, with their literal values (the Top SQL tab: "the query
/// text"). An instance turns them on with `EnablePerformanceInsights` and names the key in
/// `PerformanceInsightsKMSKeyId`; a cluster (Aurora or Multi-AZ) with
/// `PerformanceInsightsEnabled` and `PerformanceInsightsKmsKeyId` (CloudFormation's
/// `AWS::RDS::DBInstance` and `AWS::RDS::DBCluster`); `DatabaseInsightsMode` `advanced`
/// runs on them too. A switch no rule can read may be on. `None` when they are off.
fn performance_insights_key(cx: &Cx<'_>) -> Option<Result<Proof, String>> {
    let (switch, key) = if cx.resource.type_name() == "AWS::RDS::DBCluster" {
        (
            "/PerformanceInsightsEnabled",
            "/PerformanceInsightsKmsKeyId",
        )
    } else {
        ("/EnablePerformanceInsights", "/PerformanceInsightsKMSKeyId")
    };
    let on = cx
        .prop(switch)
        .is_some_and(|v| !v.is_null() && !super::is_false(v))
        || cx
            .prop("/DatabaseInsightsMode")
            .and_then(text)
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("advanced"));
    on.then(|| {
        customer_key(cx, key).map_err(|e| {
            format!(
                "database `{}` runs Performance Insights, which keep the text of its statements, and {e}: RDS encrypts them with the AWS managed key unless a customer-managed key is named",
                cx.id()
            )
        })
    })
}

/// The key of an instance's automated backups replicated to another region, when it
/// replicates them (`AutomaticBackupReplicationRegion`): a second copy of every snapshot and
/// transaction log, encrypted with `AutomaticBackupReplicationKmsKeyId`, "The AWS KMS key
/// identifier for encryption of the replicated automated backups … the KMS encryption key in
/// the destination AWS Region" (RDS API reference, `StartDBInstanceAutomatedBackupsReplication`
/// `KmsKeyId`, which CloudFormation's `AWS::RDS::DBInstance` property carries). It must be a
/// customer-managed key, as the instance's own is; `None` for an instance that replicates
/// none.
fn replicated_backups_key(cx: &Cx<'_>) -> Option<Result<Proof, String>> {
    (cx.resource.type_name() == "AWS::RDS::DBInstance")
        .then(|| cx.prop("/AutomaticBackupReplicationRegion"))
        .flatten()
        .filter(|region| !region.is_null() && text(region).is_none_or(|r| !r.trim().is_empty()))
        .map(|_| {
            customer_key(cx, "/AutomaticBackupReplicationKmsKeyId").map_err(|e| {
                format!(
                    "instance `{}` replicates its automated backups to another region (`AutomaticBackupReplicationRegion`), and {e}: the copy of every snapshot and transaction log must be encrypted with a customer-managed key of that region",
                    cx.id()
                )
            })
        })
}

/// `R1` of an Aurora global database, whose storage encryption AWS Config checks as
/// `aurora-global-database-encryption-at-rest`. Made from an existing cluster
/// (`SourceDBClusterIdentifier`, its primary), it is as encrypted as that cluster: "don't
/// specify values for the following settings because Amazon Aurora uses the values from the
/// specified source DB cluster: … StorageEncrypted" (RDS API reference,
/// `CreateGlobalCluster`; CloudFormation's `AWS::RDS::GlobalCluster` `StorageEncrypted`:
/// "The value is inherited from the cluster"). That cluster must be one of the app, which
/// `R1` reads on its own (by reference, its identifier or ARN, or an import); any other is
/// one no rule reads. Made empty, its own `StorageEncrypted` must be true, written; each
/// member cluster names its key, read by `R1` on it.
fn r1_global(cx: &Cx<'_>) -> Outcome {
    let Some(source) = cx.prop("/SourceDBClusterIdentifier") else {
        return all([cx.equals("/StorageEncrypted", &json!(true))]);
    };
    let ours = cx.others("AWS::RDS::DBCluster").any(|c| {
        super::meaning::names(source, c.logical_id())
            || text(source).is_some_and(|name| {
                text(&c.properties()["DBClusterIdentifier"])
                    .is_some_and(|own| own.trim().eq_ignore_ascii_case(name.trim()))
            })
    })
        // The import of an export of a cluster of the app, in a stack of the global
        // database's region and account ([`Cx::named_in_app`]); the import of another
        // export (a bucket's name, a parameter's value) is no cluster of the app.
        || super::meaning::imported(source)
            && cx
                .named_in_app(None, source, "AWS::RDS::DBCluster")
                .is_some()
        // A cluster of another stack of the global database's region and account, named by
        // its written `DBClusterIdentifier` in any case ("The identifier for this DB
        // cluster. This parameter is stored as a lowercase string", RDS API reference,
        // `CreateDBCluster`, an API of one region of an account), read as a cluster of the
        // template is read by it: that cluster, whose encryption R1 reads where it is
        // declared ([`Cx::written_beside`]).
        || cx
            .written_beside(
                source,
                "AWS::RDS::DBCluster",
                "DBClusterIdentifier",
                |own, written| own.eq_ignore_ascii_case(written),
            )
            .is_some();
    if ours {
        return all([cx.present("/SourceDBClusterIdentifier")]);
    }
    Outcome::Fail(format!(
        "global database `{}` is made from the cluster {} (`SourceDBClusterIdentifier`), which is no cluster of the app: its storage is encrypted as that cluster is, which no rule reads; make it from a cluster of the app, or empty with `StorageEncrypted` true",
        cx.id(),
        text(source).unwrap_or_else(|| text_or_json(source))
    ))
}

/// An instance, and a Multi-AZ DB cluster (not Aurora), which takes `PubliclyAccessible`
/// itself and is public by default without a subnet group (RDS's `CreateDBCluster`); an
/// Aurora cluster's instances carry the setting.
fn r2(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == "AWS::RDS::DBCluster" && !multi_az_db_cluster(cx) {
        return Outcome::NotApplicable;
    }
    all([cx.equals("/PubliclyAccessible", &json!(false))])
}

/// Whether a cluster is a Multi-AZ DB cluster: it has a `DBClusterInstanceClass` (which
/// only those take), or an engine that is not Aurora's.
fn multi_az_db_cluster(cx: &Cx<'_>) -> bool {
    let aurora = |e: &str| {
        e.trim()
            .get(..6)
            .is_some_and(|p| p.eq_ignore_ascii_case("aurora"))
    };
    cx.prop("/DBClusterInstanceClass").is_some()
        || match cx.prop("/Engine") {
            // Plain text is read in place; only an intrinsic is resolved.
            Some(Value::String(e)) => !aurora(e),
            Some(v) => text(v).is_some_and(|e| !aurora(&e)),
            None => false,
        }
}

fn r3(cx: &Cx<'_>) -> Outcome {
    if let Some(member) = cluster_member(
        cx,
        "its automated backups are kept as long as that cluster keeps them",
    ) {
        return member;
    }
    let retention = match cx.prop("/BackupRetentionPeriod").and_then(whole_number) {
        Some(n) if n >= 7 => cx.present("/BackupRetentionPeriod"),
        Some(n) => Err(format!("`BackupRetentionPeriod` is {n}, under 7 days")),
        None => Err("`BackupRetentionPeriod` is not set".to_owned()),
    };
    match kept_when_deleted(cx) {
        Some(kept) => all([retention, kept]),
        None => all([retention]),
    }
}

/// Whether the database's automated backups outlive it: `DeleteAutomatedBackups` false,
/// written. CloudFormation's `AWS::RDS::DBInstance` and `AWS::RDS::DBCluster` references
/// (`DeleteAutomatedBackups`), like RDS's `DeleteDBInstance` and `DeleteDBCluster` API
/// references: "The default is to remove automated backups immediately after the DB
/// instance [cluster] is deleted", so a stack deletion or a replacement throws away every
/// day of backups `BackupRetentionPeriod` kept. `None` where RDS cannot keep them: a
/// Multi-AZ DB cluster (RDS User Guide, "Retaining automated backups": "You can only retain
/// automated backups of DB instances, not Multi-AZ DB clusters") and an Aurora Serverless
/// v1 cluster, `EngineMode` `serverless` (Aurora User Guide, "Retaining automated
/// backups": "You can't retain automated backups for Aurora Serverless v1 DB clusters").
fn kept_when_deleted(cx: &Cx<'_>) -> Option<Result<Proof, String>> {
    if cx.resource.type_name() == "AWS::RDS::DBCluster"
        && (multi_az_db_cluster(cx)
            || cx
                .prop("/EngineMode")
                .and_then(text)
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("serverless")))
    {
        return None;
    }
    let what = if cx.resource.type_name() == "AWS::RDS::DBCluster" {
        "cluster"
    } else {
        "instance"
    };
    Some(match cx.prop("/DeleteAutomatedBackups") {
        Some(v) if super::is_false(v) => cx.proof("/DeleteAutomatedBackups").ok_or_default(),
        Some(v) => Err(format!(
            "`DeleteAutomatedBackups` is {}, not false: RDS deletes the automated backups with the {what} (a stack deletion or a replacement); set it to false",
            text_or_json(v)
        )),
        None => Err(format!(
            "`DeleteAutomatedBackups` is not set, and by default RDS deletes the automated backups with the {what} (a stack deletion or a replacement); set it to false"
        )),
    })
}

fn r4(cx: &Cx<'_>) -> Outcome {
    if let Some(member) = cluster_member(cx, "it is backed up as that cluster is") {
        return member;
    }
    match cx.backup_selection() {
        Some(p) => Outcome::Pass(vec![p]),
        None => Outcome::Gap(
            "no AWS Backup selection of the app lists the instance by its ARN (a selection with `NotResources` or `Conditions` may leave it out, and one whose `BackupPlanId` names no backup plan of its template has rules no rule reads: neither is counted); its automated RDS backups are its only copies"
                .to_owned(),
        ),
    }
}

fn r5(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == "AWS::RDS::DBCluster" {
        return cluster_zones(cx);
    }
    if let Some(member) = cluster_member(
        cx,
        "it runs in as many availability zones as that cluster's instances do",
    ) {
        return member;
    }
    all([cx.equals("/MultiAZ", &json!(true))])
}

/// The instances of the app that join this cluster, each with its stack when it is
/// another: by `Ref` in its own template, by an import of an export of the cluster made in
/// a stack of its region and account (another region's import of that name is its own
/// region's export), written whole (alone, `${Var}` alone in an `Fn::Sub` whose variable is
/// the import, an `Fn::Join` of it alone: [`super::meaning::sole_import`], which
/// CloudFormation resolves to the export's value, the cluster's identifier), or by the cluster's name written in a stack of its region and account
/// ("The identifier of the DB cluster that this DB instance will belong to", CloudFormation
/// reference, `AWS::RDS::DBInstance`: an identifier names a cluster of the instance's own
/// region and account, and a cluster of the same identifier in another region or account is
/// another cluster).
fn cluster_members<'a>(cx: &Cx<'a>) -> Vec<(Option<&'a str>, &'a Resource)> {
    let exports = cx.own_exports();
    cx.everywhere("AWS::RDS::DBInstance")
        .filter(|(stack, db)| {
            let joins = &db.properties()["DBClusterIdentifier"];
            (stack.is_none() && super::meaning::names(joins, cx.id()))
                || super::meaning::sole_import(joins)
                    .and_then(super::meaning::import_name)
                    .is_some_and(|import| {
                        cx.position(*stack)
                            .is_some_and(|at| exports.named_from(cx, at, &import))
                    })
                || (cx.beside(*stack) && cluster_named(joins, cx.resource))
        })
        .collect()
}

/// Whether `value` is the `DBClusterIdentifier` of `cluster` written as text, in any case
/// and around blanks (RDS, DocumentDB and Neptune store it in lower case), as an instance
/// of the cluster's region and account names it: the one reading of a cluster's name for
/// the instances that join it, of RDS ([`cluster_members`], [`foreign_cluster`]) and of
/// DocumentDB and Neptune ([`super::graphdocs`]).
pub(super) fn cluster_named(value: &Value, cluster: &Resource) -> bool {
    text(value).is_some_and(|name| {
        text(&cluster.properties()["DBClusterIdentifier"])
            .is_some_and(|own| own.trim().eq_ignore_ascii_case(name.trim()))
    })
}

/// R5 for a cluster. A Multi-AZ DB cluster (`DBClusterInstanceClass`, which only those
/// take) runs a writer and two readable standbys in three zones. An Aurora cluster's storage
/// is kept in three zones, but it serves from its instances: with one, a failure of its zone
/// stops the database until a new instance is made ("Aurora Replicas … in different
/// Availability Zones" are what it fails over to: Aurora User Guide, high availability).
/// So it needs two instances of the app that join it (by `Ref`, its name, or an import of
/// its export), not both pinned to one `AvailabilityZone`; RDS places the others.
fn cluster_zones(cx: &Cx<'_>) -> Outcome {
    if cx.prop("/DBClusterInstanceClass").is_some() {
        return all([cx.present("/DBClusterInstanceClass")]);
    }
    let members = cluster_members(cx);
    if members.len() < 2 {
        return Outcome::Fail(format!(
            "the Aurora cluster has {} in the app: a failure of its zone stops the database until an instance is made in another; add a second instance (a reader that it fails over to)",
            match members.len() {
                0 => "no instance",
                _ => "one instance",
            }
        ));
    }
    let zones: Vec<Zone<'_>> = members
        .iter()
        .map(|(_, db)| zone_of(&db.properties()["AvailabilityZone"]))
        .collect();
    if let Some(problem) = pinned_together(&zones) {
        return problem;
    }
    if let Some(problem) = one_listed_zone(cx, &zones) {
        return problem;
    }
    let proofs: Vec<Proof> = members
        .iter()
        .filter(|(stack, _)| stack.is_none())
        .filter_map(|(_, db)| proof_of(db, "/DBClusterIdentifier"))
        .collect();
    if proofs.is_empty() {
        all([cx.proof("").ok_or_default()])
    } else {
        Outcome::Pass(proofs)
    }
}

/// The zone an Aurora instance is pinned to (`AvailabilityZone`), as far as the template
/// shows it.
enum Zone<'v> {
    /// Not pinned (unset, removed by `AWS::NoValue`, or empty): RDS places the instance.
    Unpinned,
    /// Pinned to the zone of this text.
    Named(String),
    /// Pinned to the zone `Fn::Select` picks of `Fn::GetAZs` (see [`nth_zone`]): the same as
    /// another of the same pick, another than a different pick, and of no known relation to
    /// a zone named by text.
    Nth(String),
    /// Pinned to a zone known only at deploy: an intrinsic that does not resolve
    /// (`Fn::Select` of `Fn::GetAZs`, a subnet's attribute) or a dynamic reference.
    Unknown(&'v Value),
}

/// [`Zone`] of an instance's `AvailabilityZone`.
fn zone_of(value: &Value) -> Zone<'_> {
    if value.is_null() || super::meaning::no_value(value) {
        return Zone::Unpinned;
    }
    if let Some(nth) = nth_zone(value) {
        return Zone::Nth(nth);
    }
    match text(value) {
        Some(t) if t.trim().is_empty() => Zone::Unpinned,
        Some(t) if !super::identity::dynamic(&t) => Zone::Named(t.trim().to_owned()),
        _ => Zone::Unknown(value),
    }
}

/// A gap when the Aurora cluster's `AvailabilityZones` lists one zone and no instance is
/// pinned to another: RDS creates the cluster's instances in the zones listed ("A list of
/// Availability Zones (AZs) where you specifically want to create DB instances in the DB
/// cluster", RDS API reference, CreateDBCluster), so the unpinned ones may all run in that
/// zone; whether RDS adds zones to a shorter list is not documented there.
fn one_listed_zone(cx: &Cx<'_>, zones: &[Zone<'_>]) -> Option<Outcome> {
    let listed: Vec<Zone<'_>> = cx
        .prop("/AvailabilityZones")?
        .as_array()?
        .iter()
        .map(zone_of)
        .filter(|z| !matches!(z, Zone::Unpinned))
        .collect();
    let Some(Zone::Named(only)) = listed.first() else {
        return None;
    };
    let one = listed
        .iter()
        .all(|z| matches!(z, Zone::Named(t) if t == only));
    let elsewhere = zones
        .iter()
        .any(|z| matches!(z, Zone::Named(t) if t != only));
    (one && !elsewhere).then(|| {
        Outcome::Gap(format!(
            "the Aurora cluster's `AvailabilityZones` lists the one zone `{only}`, where RDS creates its instances, and none is pinned to another: a failure of that zone may stop the database; list two or three zones, or leave `AvailabilityZones` unset"
        ))
    })
}

/// `{"Fn::Select": [i, {"Fn::GetAZs": region}]}` as a name of the zone it picks: `Fn::GetAZs`
/// lists a region's zones, each once (CloudFormation's `Fn::GetAZs` reference: "an array
/// that lists Availability Zones for a specified region in alphabetical order"), so two
/// indexes of one region are two zones and one index is one zone. The empty region is the
/// stack's own, as `AWS::Region` is.
fn nth_zone(value: &Value) -> Option<String> {
    let [index, list] = value.get("Fn::Select")?.as_array()?.as_slice() else {
        return None;
    };
    let i: usize = text(index)?.trim().parse().ok()?;
    let region = text(list.get("Fn::GetAZs")?)?;
    let region = if region.is_empty() {
        "${AWS::Region}".to_owned()
    } else {
        region
    };
    Some(format!("number {i} of `Fn::GetAZs` of {region}"))
}

/// Whether every instance of an Aurora cluster is pinned to one zone. A fail when they are
/// shown to be: one zone's text, or one value written alike (`Fn::Select` 0 of
/// `Fn::GetAZs` on each is the same zone, whatever it resolves to). A gap when every one is
/// pinned, some to zones known only at deploy, and no two are shown to differ. `None` when
/// an instance is unpinned (RDS places it) or two are pinned to different zones.
fn pinned_together(zones: &[Zone<'_>]) -> Option<Outcome> {
    if zones.iter().any(|z| matches!(z, Zone::Unpinned)) {
        return None;
    }
    let named: Vec<&str> = zones
        .iter()
        .filter_map(|z| match z {
            Zone::Named(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    let picked: Vec<&str> = zones
        .iter()
        .filter_map(|z| match z {
            Zone::Nth(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    let differ = |zones: &[&str]| zones.iter().any(|t| Some(t) != zones.first());
    if differ(&named) || differ(&picked) {
        return None;
    }
    let unknown: Vec<&Value> = zones
        .iter()
        .filter_map(|z| match z {
            Zone::Unknown(v) => Some(*v),
            _ => None,
        })
        .collect();
    let fix =
        "a failure of that zone stops the database; leave the zone of one unset, or name another";
    match (named.first().or(picked.first()), unknown.first()) {
        (Some(zone), None) if named.is_empty() || picked.is_empty() => Some(Outcome::Fail(format!(
            "every instance of the Aurora cluster is pinned to the zone `{zone}` (`AvailabilityZone`): {fix}"
        ))),
        (None, Some(first)) if unknown.iter().all(|v| v == first) => Some(Outcome::Fail(format!(
            "every instance of the Aurora cluster is pinned to the zone {} (`AvailabilityZone`), the same one whatever it resolves to: {fix}",
            super::meaning::text_or_json(first)
        ))),
        _ => Some(Outcome::Gap(
            "every instance of the Aurora cluster is pinned to a zone (`AvailabilityZone`), some to zones known only at deploy or picked from `Fn::GetAZs` beside a zone named by text, and no two are shown to differ: they may share one zone, whose failure stops the database; leave the zone of one unset, or name two different zones".to_owned(),
        )),
    }
}

fn r6(cx: &Cx<'_>) -> Outcome {
    if let Some(member) = cluster_member(cx, "it is protected from deletion as that cluster is") {
        return member;
    }
    all([
        cx.equals("/DeletionProtection", &json!(true)),
        cx.attribute_in("DeletionPolicy", &["Snapshot", "Retain"]),
        cx.attribute_in("UpdateReplacePolicy", &["Snapshot", "Retain"]),
    ])
}

/// Whether a rule of a setting an Aurora cluster's instances carry (enhanced monitoring,
/// minor version upgrades) reads nothing on this resource: an Aurora cluster, whose
/// instances it reads. A Multi-AZ DB cluster carries the setting itself: its instances are
/// made by RDS, not the template (`MonitoringInterval`, `MonitoringRoleArn` and
/// `AutoMinorVersionUpgrade` of `CreateDBCluster`, "Valid for Cluster Type: … Multi-AZ DB
/// clusters", RDS API reference; "You can't modify the DB instances within a Multi-AZ DB
/// cluster", RDS user guide, Modifying a Multi-AZ DB cluster).
fn aurora_cluster(cx: &Cx<'_>) -> bool {
    cx.resource.type_name() == "AWS::RDS::DBCluster" && !multi_az_db_cluster(cx)
}

fn r7(cx: &Cx<'_>) -> Outcome {
    if aurora_cluster(cx) {
        return Outcome::NotApplicable;
    }
    let interval = match cx.prop("/MonitoringInterval").and_then(whole_number) {
        Some(1 | 5 | 10 | 15 | 30 | 60) => cx.present("/MonitoringInterval"),
        Some(n) => Err(format!(
            "`MonitoringInterval` is {n}; enhanced monitoring needs 1, 5, 10, 15, 30 or 60"
        )),
        None => match cx.prop("/MonitoringInterval") {
            Some(v) => Err(format!(
                "`MonitoringInterval` of database `{}` is {}, which no rule can read as a number of seconds; write 1, 5, 10, 15, 30 or 60",
                cx.id(),
                text_or_json(v)
            )),
            None => Err("`MonitoringInterval` is not set".to_owned()),
        },
    };
    all([interval, cx.present("/MonitoringRoleArn")])
}

/// The log types an engine exports, all of which must be exported.
fn engine_logs(engine: &str) -> &'static [&'static str] {
    match engine.trim().to_ascii_lowercase().as_str() {
        "postgres" => &["postgresql", "upgrade"],
        "aurora-postgresql" => &["postgresql"],
        "mysql" | "mariadb" => &["audit", "error", "general", "slowquery"],
        "aurora-mysql" | "aurora" => &["audit", "error", "general", "slowquery"],
        e if e.starts_with("sqlserver") => &["agent", "error"],
        e if e.starts_with("oracle") => &["alert", "audit", "listener", "trace"],
        e if e.starts_with("db2") => &["diag.log", "notify.log"],
        _ => &[],
    }
}

fn r8(cx: &Cx<'_>) -> Outcome {
    if let Some(member) = cluster_member(cx, "its logs are exported as that cluster exports them") {
        return member;
    }
    let engine = cx.prop("/Engine").map(text_or_json).unwrap_or_default();
    let lower = engine.trim().to_ascii_lowercase();
    // RDS Custom exports no logs to CloudWatch Logs (`EnableCloudwatchLogsExports` does
    // not apply to it, RDS API reference, CreateDBInstance).
    if lower.starts_with("custom-") {
        return Outcome::Fail(format!(
            "the engine {engine} is RDS Custom, which exports no logs to CloudWatch Logs: run the database on RDS (`oracle-…`, `sqlserver-…`), whose logs can be exported"
        ));
    }
    // A Multi-AZ DB cluster of MySQL exports what `CreateDBCluster` takes for it ("RDS for
    // MySQL - error | general | slowquery | iam-db-auth-error", RDS API reference,
    // `EnableCloudwatchLogsExports`: no `audit`, as it takes no option group), and writes
    // its general and slow query logs only as its DB cluster parameter group says.
    let multi_az_mysql = cx.resource.type_name() == "AWS::RDS::DBCluster"
        && multi_az_db_cluster(cx)
        && lower == "mysql";
    let needed = if multi_az_mysql {
        &["error", "general", "slowquery"]
    } else {
        engine_logs(&engine)
    };
    if needed.is_empty() {
        return Outcome::Gap(if engine.is_empty() {
            "`Engine` is not set, so which logs the database writes, and whether `EnableCloudwatchLogsExports` exports them all, is not shown".to_owned()
        } else {
            format!(
                "the engine {engine} is none whose log types this rule knows, so whether `EnableCloudwatchLogsExports` exports them all is not shown"
            )
        });
    }
    // A list that no rule can read before deploy (a reference, `Fn::Split` of an
    // attribute) may export anything, or nothing.
    if let Some(unread) = cx
        .prop("/EnableCloudwatchLogsExports")
        .filter(|v| !v.is_null() && !v.is_array())
    {
        return Outcome::Fail(format!(
            "`EnableCloudwatchLogsExports` is {}, which no rule can read before deploy; write the list of log types ({})",
            text_or_json(unread),
            needed.join(", ")
        ));
    }
    // Each log type as the text it resolves to (`{"Fn::Sub": "upgrade"}` is `upgrade`),
    // compared as written: RDS names each in lower case.
    let exported: Vec<String> = cx
        .prop("/EnableCloudwatchLogsExports")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(text).collect())
        .unwrap_or_default();
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|n| !exported.iter().any(|e| e == n))
        .collect();
    if exported.is_empty() {
        return Outcome::Fail("`EnableCloudwatchLogsExports` is not set".to_owned());
    }
    if !missing.is_empty() {
        return Outcome::Fail(format!(
            "`EnableCloudwatchLogsExports` lacks {}",
            missing.join(", ")
        ));
    }
    let mut checks = vec![cx.present("/EnableCloudwatchLogsExports")];
    if matches!(
        engine.trim().to_ascii_lowercase().as_str(),
        "mysql" | "mariadb"
    ) && cx.resource.type_name() == "AWS::RDS::DBInstance"
    {
        checks.extend(mysql_logs_written(cx));
    }
    if matches!(lower.as_str(), "aurora-mysql" | "aurora")
        && cx.resource.type_name() == "AWS::RDS::DBCluster"
    {
        checks.push(aurora_audit_written(cx));
        checks.extend(aurora_general_and_slow_written(cx));
    }
    if matches!(lower.as_str(), "postgres" | "aurora-postgresql") {
        checks.extend(parameters_kept(cx, POSTGRES_SILENCING));
    }
    if lower.starts_with("oracle") {
        checks.extend(parameters_kept(cx, ORACLE_SILENCING));
    }
    if multi_az_mysql {
        checks.push(general_and_slow_written(
            cx,
            "/DBClusterParameterGroupName",
            "AWS::RDS::DBClusterParameterGroup",
        ));
    }
    all(checks)
}

/// The PostgreSQL parameters that choose which messages reach the log RDS exports
/// (`postgresql`), each at `ERROR` or below by default: `log_min_messages` "controls which
/// message levels are written to the server log", and `log_min_error_statement` "controls
/// which SQL statements that cause an error condition are recorded" (PostgreSQL
/// documentation, "Error Reporting and Logging"; RDS takes both in a DB parameter group
/// of the `postgres` and `aurora-postgresql` families).
const POSTGRES_LOG_LEVELS: &[&str] = &["log_min_messages", "log_min_error_statement"];

/// The levels of [`POSTGRES_LOG_LEVELS`] above `ERROR`, in PostgreSQL's order ("Valid values
/// are DEBUG5, …, WARNING, ERROR, LOG, FATAL, and PANIC": each level includes all the
/// levels that follow it), which leave errors, and the statements that caused them, out of
/// the exported log.
const POSTGRES_SILENT_LEVELS: &[&str] = &["log", "fatal", "panic"];

/// A parameter of an engine that, set to a value [`Silencing::silent`] says, leaves out of
/// an exported log what R8 asks it to hold.
struct Silencing {
    /// The parameter, as RDS names it. Every spelling of it is read ([`rds_parameter`]):
    /// the engines read their parameter names without regard to case (PostgreSQL: "All
    /// parameter names are case-insensitive", "Setting Parameters"; Oracle's initialization
    /// parameters alike), so `Log_Min_Messages` is judged by its value, and then fails as a
    /// name CloudFormation refuses ([`misspelled`]).
    key: &'static str,
    /// Whether a value (trimmed, lower case) leaves the log without what it must hold.
    silent: fn(&str) -> bool,
    /// What is lost, after "sets `key` to value".
    loses: &'static str,
    /// What to write instead.
    instead: &'static str,
}

/// PostgreSQL's: [`POSTGRES_LOG_LEVELS`] above `ERROR`.
const POSTGRES_SILENCING: &[Silencing] = &[
    Silencing {
        key: POSTGRES_LOG_LEVELS[0],
        silent: |v| POSTGRES_SILENT_LEVELS.contains(&v),
        loses: "above ERROR: errors are left out of the exported log",
        instead: "remove it or set it to ERROR or below",
    },
    Silencing {
        key: POSTGRES_LOG_LEVELS[1],
        silent: |v| POSTGRES_SILENT_LEVELS.contains(&v),
        loses: "above ERROR: the statements that caused errors are left out of the exported log",
        instead: "remove it or set it to ERROR or below",
    },
];

/// Oracle's `audit_trail`: "none: Disables standard auditing", and `FALSE` is the older
/// spelling of the same ("NONE or FALSE: Audit records are not written", Oracle Database
/// Reference, `AUDIT_TRAIL`; RDS for Oracle takes it in a DB parameter group): the `audit`
/// log that R8 asks to be exported then holds no record of the database's own auditing.
const ORACLE_SILENCING: &[Silencing] = &[Silencing {
    key: "audit_trail",
    silent: |v| v == "none" || v == "false",
    loses: "which disables Oracle's standard auditing: the exported `audit` log holds no audit record of the database",
    instead: "set it to os, db, db,extended, xml or xml,extended, or leave it out",
}];

/// The failures of a database whose parameter groups set a parameter of `settings` to a
/// value that leaves out of the log it exports what R8 asks of it (PostgreSQL's errors,
/// Oracle's audit records): a group of the template (the instance's `DBParameterGroupName`; a
/// cluster's `DBClusterParameterGroupName` and the `DBParameterGroupName` of each instance
/// of the app that joins it, which an Aurora instance reads over its cluster's) that sets
/// a level of [`POSTGRES_LOG_LEVELS`] above `ERROR` ([`POSTGRES_SILENT_LEVELS`]), or to a
/// value no rule can read before deploy, or whose `Parameters` no rule can read; and a
/// group named by text or by a value of no template, which may set either. No group (the
/// default group, which keeps the defaults) adds none.
fn parameters_kept(cx: &Cx<'_>, settings: &[Silencing]) -> Vec<Result<Proof, String>> {
    let keys: Vec<String> = settings.iter().map(|s| format!("`{}`", s.key)).collect();
    let keys = keys.join(" or ");
    let mut named: Vec<(String, Option<&str>, &Resource, &str, &str)> = Vec::new();
    if cx.resource.type_name() == "AWS::RDS::DBCluster" {
        named.push((
            format!("cluster `{}`", cx.id()),
            None,
            cx.resource,
            "/DBClusterParameterGroupName",
            "AWS::RDS::DBClusterParameterGroup",
        ));
        for (stack, member) in cluster_members(cx) {
            named.push((
                format!("instance `{}`", member.logical_id()),
                stack,
                member,
                "/DBParameterGroupName",
                "AWS::RDS::DBParameterGroup",
            ));
        }
    } else {
        named.push((
            format!("database `{}`", cx.id()),
            None,
            cx.resource,
            "/DBParameterGroupName",
            "AWS::RDS::DBParameterGroup",
        ));
    }
    let mut failures = Vec::new();
    for (whose, stack, of, pointer, type_name) in named {
        let Some(value) = super::lookup(of.properties(), pointer) else {
            continue;
        };
        // A group of its template, or one of another stack that it imports.
        let Some((_, group)) = cx.named_in_app(stack, value, type_name) else {
            // A default group of RDS (`default.postgres16`) keeps the defaults: "You can't
            // modify the parameter settings of a default parameter group" (RDS user guide,
            // "Parameter groups for Amazon RDS").
            if text(value).is_some_and(|t| {
                let t = t.trim().to_ascii_lowercase();
                t.starts_with("default.") && !super::identity::dynamic(&t)
            }) {
                continue;
            }
            failures.push(Err(format!(
                "{whose} takes its parameters from the group {}, which is no parameter group of its template or of an export of the app it imports: it may set {keys} so that the exported log loses what it must hold; give it a parameter group of the app",
                text_or_json(value)
            )));
            continue;
        };
        let parameters = &group.properties()["Parameters"];
        if !parameters.is_null() && !parameters.is_object() {
            failures.push(Err(format!(
                "the parameter group `{}` of {whose} writes `Parameters` as {}, which no rule can read before deploy: it may set {keys} so that the exported log loses what it must hold; write the parameters in the template",
                group.logical_id(),
                text_or_json(parameters)
            )));
            continue;
        }
        for setting in settings {
            // Every spelling of the name, whatever its case ([`rds_parameter`]).
            for (key, v) in rds_parameter(group, setting.key) {
                match text(v) {
                    Some(value)
                        if !super::identity::dynamic(&value)
                            && !(setting.silent)(&value.trim().to_ascii_lowercase()) => {}
                    Some(value) if !super::identity::dynamic(&value) => {
                        failures.push(Err(format!(
                            "the parameter group `{}` of {whose} sets `{key}` to {value}, {}; {}",
                            group.logical_id(),
                            setting.loses,
                            setting.instead
                        )));
                    }
                    _ => failures.push(Err(format!(
                        "the parameter group `{}` of {whose} sets `{key}` to {}, which no rule can read before deploy: it may leave out of the exported log what it must hold; {}",
                        group.logical_id(),
                        text_or_json(v),
                        setting.instead
                    ))),
                }
            }
            if let Some(why) = misspelled(group, setting.key) {
                failures.push(Err(why));
            }
        }
    }
    failures
}

/// Whether the parameter group of the template that `pointer` names (of `type_name`) turns
/// on the general and slow query logs of MySQL (`general_log` and `slow_query_log` 1, off
/// by default) and writes them to files (`log_output` FILE, the default), so that their
/// export holds anything (RDS user guide, "Publishing MySQL logs to Amazon CloudWatch
/// Logs": each "must use a custom parameter group with the parameter setting
/// `general_log = 1`", "`slow_query_log = 1`", "`log_output = FILE`").
fn general_and_slow_written(
    cx: &Cx<'_>,
    pointer: &str,
    type_name: &'static str,
) -> Result<Proof, String> {
    let property = super::pointer_name(pointer);
    let group = cx
        .prop(pointer)
        .and_then(|named| cx.named_in_app(None, named, type_name));
    let Some((stack, group)) = group else {
        return Err(format!(
            "`{property}` names no parameter group of the template (or of an export of the app it imports), whose default leaves `general_log` and `slow_query_log` off: the exported general and slow query logs stay empty"
        ));
    };
    if let Some(why) = ["general_log", "slow_query_log", "log_output"]
        .into_iter()
        .find_map(|key| misspelled(group, key))
    {
        return Err(why);
    }
    let on = |key: &str| {
        text(applied(group, key))
            .is_some_and(|v| v.trim() == "1" || v.trim().eq_ignore_ascii_case("ON"))
    };
    let to_files = {
        let v = applied(group, "log_output");
        v.is_null() || text(v).is_some_and(|t| t.to_ascii_uppercase().contains("FILE"))
    };
    if on("general_log") && on("slow_query_log") && to_files {
        proof_of(group, "/Parameters")
            .map(|p| p.with_stack(stack))
            .ok_or_default()
    } else {
        Err(format!(
            "the parameter group `{}` does not set `general_log` and `slow_query_log` to 1 with `log_output` FILE: the exported general and slow query logs stay empty",
            group.logical_id()
        ))
    }
}

/// Whether an Aurora MySQL cluster writes the general and slow query logs it exports: both
/// are off by default ("Both the general log and the slow query logs are disabled by
/// default", Aurora user guide, "Sending Aurora MySQL log output to tables"; "To publish
/// logs to CloudWatch Logs, the respective logs must be enabled. Error logs are enabled by
/// default, but you must enable the other types of logs explicitly", "Publishing Amazon
/// Aurora MySQL logs to Amazon CloudWatch Logs"), so an export of `general` and `slowquery`
/// alone ships nothing. They are set by `general_log` and `slow_query_log` 1 with
/// `log_output` FILE (its default; TABLE writes to tables that are not exported), which
/// each instance reads from its DB parameter group over its cluster's: the DB cluster
/// parameter group "includes defaults for both the cluster-level and instance-level
/// parameters", which each instance inherits, and "the values in the DB parameter group
/// can override default values from the cluster parameter group" (Aurora user guide, "DB
/// cluster parameter groups for Amazon Aurora DB clusters"). So every instance of the app
/// that joins the cluster (as `R5` finds them) is read with its own group over the
/// cluster's, and the cluster's group alone stands for a cluster with no instance in the
/// app; an instance's group that is no group of its template may turn either log off.
fn aurora_general_and_slow_written(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    /// A parameter group and the stack it is in, when another than the cluster's.
    type Group<'a> = (Option<&'a str>, &'a Resource);
    /// The group that `pointer` of `of`, of the stack named `stack`, names (of its template,
    /// or imported: [`Cx::named_in_app`]), or what it names instead.
    fn group_of<'a>(
        cx: &Cx<'a>,
        stack: Option<&str>,
        pointer: &str,
        type_name: &str,
        of: &'a Resource,
    ) -> Option<Result<Group<'a>, &'a Value>> {
        super::lookup(of.properties(), pointer)
            .map(|named| cx.named_in_app(stack, named, type_name).ok_or(named))
    }
    /// The value of parameter `key` in the first of `groups` that sets it.
    fn value<'a>(groups: [Option<Group<'a>>; 2], key: &str) -> Option<(Group<'a>, Option<String>)> {
        groups.into_iter().flatten().find_map(|(stack, g)| {
            let v = applied(g, key);
            (!v.is_null()).then(|| ((stack, g), text(v)))
        })
    }
    let proof =
        |(stack, g): Group<'_>, pointer: &str| proof_of(g, pointer).map(|p| p.with_stack(stack));
    let cluster_group = match group_of(
        cx,
        None,
        "/DBClusterParameterGroupName",
        "AWS::RDS::DBClusterParameterGroup",
        cx.resource,
    ) {
        Some(Ok(group)) => Some(group),
        // A group of no template (by its name) holds settings no rule reads.
        Some(Err(_)) | None => None,
    };
    let members = cluster_members(cx);
    // An instance whose own group is `own` reads it over the cluster's (`None`: the default
    // group, which sets nothing over the cluster's).
    let written = |own: Option<Group<'_>>, whose: &str| -> Result<Vec<Proof>, String> {
        let log = |key: &str| {
            if key == "general_log" {
                "general"
            } else {
                "slow query"
            }
        };
        for (_, g) in [own, cluster_group].into_iter().flatten() {
            if let Some(why) = ["general_log", "slow_query_log", "log_output"]
                .into_iter()
                .find_map(|key| misspelled(g, key))
            {
                return Err(format!("{why} (read for {whose})"));
            }
        }
        let mut proofs = Vec::new();
        for key in ["general_log", "slow_query_log"] {
            match value([own, cluster_group], key) {
                Some((g, Some(v))) if v.trim() == "1" || v.trim().eq_ignore_ascii_case("ON") => {
                    proofs.extend(proof(g, &format!("/Parameters/{key}")));
                }
                Some(((_, g), Some(v))) => {
                    return Err(format!(
                        "the parameter group `{}` sets `{key}` to {v} for {whose}: the exported {} log stays empty; set it to 1",
                        g.logical_id(),
                        log(key)
                    ));
                }
                Some(((_, g), None)) => {
                    return Err(format!(
                        "the parameter group `{}` sets `{key}` for {whose} to a value no rule can read before deploy; write 1",
                        g.logical_id()
                    ));
                }
                None => {
                    return Err(format!(
                        "no parameter group of the template sets `{key}` to 1 for {whose} (off by default): the exported {} log stays empty; set it in the DB cluster parameter group",
                        log(key)
                    ));
                }
            }
        }
        match value([own, cluster_group], "log_output") {
            Some(((_, g), v))
                if !v
                    .as_ref()
                    .is_some_and(|t| t.to_ascii_uppercase().contains("FILE")) =>
            {
                Err(format!(
                    "the parameter group `{}` sets `log_output` to other than FILE for {whose}: the general and slow query logs are not written to the files that are exported",
                    g.logical_id()
                ))
            }
            _ => Ok(proofs),
        }
    };
    let mut checks = Vec::new();
    if members.is_empty() {
        checks.push(written(None, &format!("cluster `{}`", cx.id())));
    }
    for (stack, member) in members {
        let whose = format!("instance `{}`", member.logical_id());
        let own = match group_of(
            cx,
            stack,
            "/DBParameterGroupName",
            "AWS::RDS::DBParameterGroup",
            member,
        ) {
            None => None,
            Some(Ok(group)) => Some(group),
            Some(Err(named)) => {
                checks.push(Err(format!(
                    "{whose} of the cluster takes its parameters from the group {}, which is no parameter group of its template or of an export of the app it imports: it may turn the general or slow query log off; give it a parameter group of the app, or none",
                    text_or_json(named)
                )));
                continue;
            }
        };
        checks.push(written(own, &whose));
    }
    checks
        .into_iter()
        .flat_map(|c| match c {
            Ok(proofs) => proofs.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) => vec![Err(e)],
        })
        .collect()
}

/// What a MySQL or MariaDB instance needs for its exported logs to hold anything (RDS
/// user guide, "MySQL database log files"): a parameter group of the template that turns
/// on `general_log` and `slow_query_log` (off by default) and writes them to files
/// (`log_output` FILE, the default), and an option group of the template with the
/// `MARIADB_AUDIT_PLUGIN` option for the audit log.
fn mysql_logs_written(cx: &Cx<'_>) -> [Result<Proof, String>; 2] {
    let parameters =
        general_and_slow_written(cx, "/DBParameterGroupName", "AWS::RDS::DBParameterGroup");
    let audit = match cx
        .prop("/OptionGroupName")
        .and_then(|named| cx.named_in_app(None, named, "AWS::RDS::OptionGroup"))
    {
        Some((stack, group)) => audit_plugin(group).map(|p| p.with_stack(stack)),
        None => Err("`OptionGroupName` names no option group of the template (or of an export of the app it imports) with the `MARIADB_AUDIT_PLUGIN` option: the exported audit log stays empty".to_owned()),
    };
    [parameters, audit]
}

/// The `MARIADB_AUDIT_PLUGIN` option of an option group of the template, read whole: every
/// entry of `OptionConfigurations` that is the plugin (its `OptionName` read in any case and
/// without blanks around it: a second entry of the plugin, however spelled, may carry the
/// settings that narrow it), and every one of their `OptionSettings`. The plugin's settings
/// are a list of `Name`/`Value` pairs (CloudFormation reference, `AWS::RDS::OptionGroup
/// OptionSetting`), among them `SERVER_AUDIT_EVENTS`, `SERVER_AUDIT_INCL_USERS` and
/// `SERVER_AUDIT_EXCL_USERS`, which narrow the audit log (RDS user guide, "MariaDB Audit
/// Plugin support for MySQL", Audit Plugin option settings). So an entry whose `OptionName`
/// no rule can read before deploy (a reference, a dynamic reference) may be the plugin with
/// any settings, a settings list that is no list (an intrinsic that only deploy resolves)
/// may hold any of them, and a setting that is no `Name`/`Value` object, or whose `Name` no
/// rule can read, may be any of them: each fails, as narrowing settings would.
fn audit_plugin(group: &Resource) -> Result<Proof, String> {
    let id = group.logical_id();
    let options = match &group.properties()["OptionConfigurations"] {
        Value::Array(options) => options,
        Value::Null => {
            return Err(format!(
                "the option group `{id}` has no `MARIADB_AUDIT_PLUGIN` option: the exported audit log stays empty"
            ));
        }
        other => {
            return Err(format!(
                "the option group `{id}` writes `OptionConfigurations` as {}, which no rule can read before deploy: whether it holds the `MARIADB_AUDIT_PLUGIN` option, and with which settings, is not shown; write the options as a list",
                text_or_json(other)
            ));
        }
    };
    let name_of = |option: &Value| {
        text(&option["OptionName"])
            .filter(|n| !super::identity::dynamic(n))
            .map(|n| n.trim().to_owned())
    };
    let mut first = None;
    for (i, option) in options.iter().enumerate() {
        if option.is_null() || super::meaning::no_value(option) {
            continue;
        }
        let Some(name) = name_of(option) else {
            return Err(format!(
                "`OptionConfigurations.{i}` of the option group `{id}` names the option {}, which no rule can read before deploy: it may be the `MARIADB_AUDIT_PLUGIN` with settings that narrow the audit log; write the option's name",
                text_or_json(
                    if option.is_object() && !super::identity::intrinsic(option) {
                        &option["OptionName"]
                    } else {
                        option
                    }
                )
            ));
        };
        if !name.eq_ignore_ascii_case("MARIADB_AUDIT_PLUGIN") {
            continue;
        }
        if let Some(unread) = unread_plugin_settings(option) {
            return Err(format!(
                "the `MARIADB_AUDIT_PLUGIN` option of the option group `{id}` (`OptionConfigurations.{i}`) {unread}, which no rule can read before deploy: it may narrow the audit log (`SERVER_AUDIT_EVENTS`, `SERVER_AUDIT_INCL_USERS`, `SERVER_AUDIT_EXCL_USERS`); write each setting as a `Name` and a `Value`"
            ));
        }
        if let Some(setting) = users_left_out_of_plugin(option) {
            return Err(format!(
                "the `MARIADB_AUDIT_PLUGIN` option of the option group `{id}` sets `{setting}`, so the audit log leaves out the activity of some users (by default it records every user's: RDS user guide, MariaDB Audit Plugin support); remove the setting"
            ));
        }
        if let Some(events) = events_left_out_of_plugin(option) {
            return Err(format!(
                "the `MARIADB_AUDIT_PLUGIN` option of the option group `{id}` sets `SERVER_AUDIT_EVENTS` to {events}, which leaves out of the audit log the connections (`CONNECT`) or the statements that change users, grants and schemas (`QUERY`, or `QUERY_DDL` and `QUERY_DCL`); name them, or remove the setting (its default is `CONNECT,QUERY`)"
            ));
        }
        first.get_or_insert(i);
    }
    match first {
        Some(i) => proof_of(group, &format!("/OptionConfigurations/{i}")).ok_or_default(),
        None => Err(format!(
            "the option group `{id}` has no `MARIADB_AUDIT_PLUGIN` option: the exported audit log stays empty"
        )),
    }
}

/// What of a `MARIADB_AUDIT_PLUGIN` option's `OptionSettings` no rule can read before
/// deploy, told as "writes …": the list itself (an intrinsic, not a list), or an entry that
/// is no object of a readable `Name` (an intrinsic entry, a `Name` by reference). Not
/// written, or removed by `AWS::NoValue`, the plugin keeps its defaults.
fn unread_plugin_settings(option: &Value) -> Option<String> {
    let settings = &option["OptionSettings"];
    let entries = match settings {
        Value::Null => return None,
        v if super::meaning::no_value(v) => return None,
        Value::Array(entries) => entries,
        other => {
            return Some(format!(
                "writes `OptionSettings` as {}",
                text_or_json(other)
            ));
        }
    };
    entries.iter().enumerate().find_map(|(j, setting)| {
        if setting.is_null() || super::meaning::no_value(setting) {
            return None;
        }
        let readable = setting.is_object()
            && !super::identity::intrinsic(setting)
            && text(&setting["Name"]).is_some_and(|n| !super::identity::dynamic(&n));
        (!readable).then(|| {
            let shown = if setting.is_object() && !super::identity::intrinsic(setting) {
                &setting["Name"]
            } else {
                setting
            };
            format!("writes `OptionSettings.{j}` as {}", text_or_json(shown))
        })
    })
}

/// Whether a setting of users to audit (or not) names any: set, not removed by
/// `AWS::NoValue`, and not empty text. One known only at deploy may name some.
fn names_users(value: &Value) -> bool {
    !value.is_null()
        && !super::meaning::no_value(value)
        && text(value).is_none_or(|t| !t.trim().is_empty())
}

/// The setting of a `MARIADB_AUDIT_PLUGIN` option that leaves users out of its audit log:
/// `SERVER_AUDIT_INCL_USERS` ("only the activity of the specified users") or
/// `SERVER_AUDIT_EXCL_USERS`, naming any (RDS user guide, MariaDB Audit Plugin support:
/// "By default, activity is recorded for all users").
fn users_left_out_of_plugin(option: &Value) -> Option<String> {
    let settings = option["OptionSettings"].as_array()?;
    settings.iter().find_map(|setting| {
        let name = text(&setting["Name"])?;
        (["SERVER_AUDIT_INCL_USERS", "SERVER_AUDIT_EXCL_USERS"]
            .iter()
            .any(|k| name.trim().eq_ignore_ascii_case(k))
            && names_users(&setting["Value"]))
        .then_some(name)
    })
}

/// Whether a list of audit events (`SERVER_AUDIT_EVENTS` of the `MARIADB_AUDIT_PLUGIN`
/// option, `server_audit_events` of Aurora MySQL's Advanced Auditing: a comma-separated set
/// of `CONNECT`, `QUERY`, `TABLE`, `QUERY_DDL`, `QUERY_DML`, `QUERY_DML_NO_SELECT`,
/// `QUERY_DCL`) records at least who connects (`CONNECT`: "Connects, disconnects and
/// failed connects") and the statements that change users, grants and schemas: `QUERY`
/// (every query) or both `QUERY_DDL` and `QUERY_DCL` ("CREATE USER, DROP USER, RENAME USER,
/// GRANT, REVOKE and SET PASSWORD"), as `EncryptedDatabase::mysql` writes (MariaDB
/// documentation, "Audit Plugin Log Settings"; RDS user guide, MariaDB Audit Plugin
/// support; Aurora user guide, "Using Advanced Auditing"). A list that leaves either out
/// (`QUERY_DML`, `TABLE`, `CONNECT` alone) turns off, under another name, the audit the
/// exported log stands for.
fn audits_connections_and_changes(events: &str) -> bool {
    let named: Vec<String> = events
        .split(',')
        .map(|e| e.trim().to_ascii_uppercase())
        .collect();
    let has = |e: &str| named.iter().any(|n| n == e);
    has("CONNECT") && (has("QUERY") || (has("QUERY_DDL") && has("QUERY_DCL")))
}

/// The `SERVER_AUDIT_EVENTS` value of a `MARIADB_AUDIT_PLUGIN` option that leaves
/// connections or changes out of the audit log ([`audits_connections_and_changes`]), or
/// that no rule can read before deploy, written as found. Not written (or removed by
/// `AWS::NoValue`), RDS records `CONNECT,QUERY` (RDS user guide, MariaDB Audit Plugin
/// support: `SERVER_AUDIT_EVENTS` default).
fn events_left_out_of_plugin(option: &Value) -> Option<String> {
    let settings = option["OptionSettings"].as_array()?;
    settings.iter().find_map(|setting| {
        let name = text(&setting["Name"])?;
        if !name.trim().eq_ignore_ascii_case("SERVER_AUDIT_EVENTS") {
            return None;
        }
        let value = &setting["Value"];
        if value.is_null() || super::meaning::no_value(value) {
            return None;
        }
        match text(value) {
            Some(events)
                if !super::identity::dynamic(&events)
                    && audits_connections_and_changes(&events) =>
            {
                None
            }
            _ => Some(text_or_json(value)),
        }
    })
}

/// An Aurora MySQL cluster writes an audit log only with Advanced Auditing on
/// (`server_audit_logging` 1 in its DB cluster parameter group, off by default: Aurora user
/// guide, "Using Advanced Auditing with an Amazon Aurora MySQL DB cluster"); otherwise the
/// exported audit log stays empty.
fn aurora_audit_written(cx: &Cx<'_>) -> Result<Proof, String> {
    let group = cx
        .prop("/DBClusterParameterGroupName")
        .and_then(|named| cx.named_in_app(None, named, "AWS::RDS::DBClusterParameterGroup"));
    let Some((stack, group)) = group else {
        return Err("`DBClusterParameterGroupName` names no DB cluster parameter group of the template (or of an export of the app it imports), whose default leaves `server_audit_logging` off: the exported audit log stays empty".to_owned());
    };
    if let Some(why) = [
        "server_audit_logging",
        "server_audit_events",
        "server_audit_incl_users",
        "server_audit_excl_users",
    ]
    .into_iter()
    .find_map(|key| misspelled(group, key))
    {
        return Err(why);
    }
    let parameter = |key: &str| applied(group, key);
    let on = text(parameter("server_audit_logging"))
        .is_some_and(|v| v.trim() == "1" || v.trim().eq_ignore_ascii_case("ON"));
    // "The log doesn't show audit data unless you also define one or more types of events
    // to audit with the server_audit_events parameter" (Aurora user guide, Using Advanced
    // Auditing, `server_audit_logging`).
    let events = text(parameter("server_audit_events")).is_some_and(|e| !e.trim().is_empty());
    // Named, the events must record connections and changes ([`audits_connections_and_changes`]).
    let narrow_events = text(parameter("server_audit_events"))
        .filter(|e| !e.trim().is_empty())
        .filter(|e| super::identity::dynamic(e) || !audits_connections_and_changes(e));
    // "By default, all users are audited": a list of users to include or exclude narrows it.
    let narrowed = ["server_audit_incl_users", "server_audit_excl_users"]
        .into_iter()
        .find(|k| names_users(parameter(k)));
    if on && !events {
        Err(format!(
            "the DB cluster parameter group `{}` turns Advanced Auditing on without `server_audit_events`: the audit log shows no event until one is named (set it to CONNECT,QUERY at least)",
            group.logical_id()
        ))
    } else if let Some(events) = narrow_events.filter(|_| on) {
        Err(format!(
            "the DB cluster parameter group `{}` sets `server_audit_events` to {events}, which leaves out of the audit log the connections (`CONNECT`) or the statements that change users, grants and schemas (`QUERY`, or `QUERY_DDL` and `QUERY_DCL`); name them",
            group.logical_id()
        ))
    } else if let Some(key) = narrowed.filter(|_| on) {
        Err(format!(
            "the DB cluster parameter group `{}` sets `{key}`, so Advanced Auditing leaves out the activity of some users (by default it audits every user); remove it",
            group.logical_id()
        ))
    } else if on {
        proof_of(group, "/Parameters/server_audit_logging")
            .map(|p| p.with_stack(stack))
            .ok_or_default()
    } else {
        Err(format!(
            "the DB cluster parameter group `{}` does not set `server_audit_logging` to 1: Advanced Auditing is off and the exported audit log stays empty",
            group.logical_id()
        ))
    }
}

/// An Aurora instance is upgraded only when its cluster and every instance of it allow it:
/// "Aurora performs the automatic upgrade only if the AutoMinorVersionUpgrade setting is
/// turned on for all DB instances in your DB cluster" (Aurora user guide, Automatic minor
/// version upgrades for Aurora DB clusters), and the cluster's own setting too (AWS Config,
/// rds-automatic-minor-version-upgrade-enabled). So each instance of the app is read here,
/// an Aurora cluster where it writes the setting, and an instance of a cluster of no
/// template of the app fails: that cluster and its other instances are read by no rule.
fn r9(cx: &Cx<'_>) -> Outcome {
    if aurora_cluster(cx) {
        return aurora_cluster_upgrades(cx);
    }
    if let Some(foreign) = foreign_cluster(
        cx,
        "whether minor upgrades are applied is decided by that cluster's `AutoMinorVersionUpgrade` and that of every instance of it",
    ) {
        return Outcome::Fail(foreign);
    }
    all([cx.equals("/AutoMinorVersionUpgrade", &json!(true))])
}

/// R9 for an Aurora cluster: not written, it applies minor upgrades ("By default, minor
/// engine upgrades are applied automatically", RDS API reference, CreateDBCluster) and its
/// instances carry the explicit setting; written, it must be true, or no instance of it is
/// upgraded.
fn aurora_cluster_upgrades(cx: &Cx<'_>) -> Outcome {
    match cx.prop("/AutoMinorVersionUpgrade") {
        None => Outcome::NotApplicable,
        Some(_) => all([cx.equals("/AutoMinorVersionUpgrade", &json!(true))]),
    }
}

/// The engines that offer no IAM database authentication, whatever
/// `EnableIAMDatabaseAuthentication` says: "IAM database authentication isn't available with
/// the following engines: RDS for Db2, RDS for Oracle, RDS for SQL Server" (RDS user guide,
/// Supported Regions and DB engines for IAM database authentication), nor RDS Custom ("This
/// setting doesn't apply to RDS Custom DB instances", RDS API reference, ModifyDBInstance).
fn without_iam_authentication(engine: &str) -> bool {
    let e = engine.trim().to_ascii_lowercase();
    ["sqlserver", "oracle", "db2", "custom-"]
        .iter()
        .any(|p| e.starts_with(p))
}

/// Why the engine cannot be shown to take IAM authentication, if it cannot: an engine that
/// offers none, or one decided only at deploy (a dynamic reference, another resource's
/// attribute, an import). An engine not written is one RDS requires for a new database, or
/// the source's of a copy (which [`unread_copy_source`] keeps apart for R1): read as the
/// rest of the template says.
fn iam_engine_problem(cx: &Cx<'_>) -> Option<Outcome> {
    let engine = cx.prop("/Engine")?;
    match text(engine).filter(|e| !super::identity::dynamic(e)) {
        Some(e) if without_iam_authentication(&e) => Some(Outcome::Fail(format!(
            "the engine {e} offers no IAM database authentication (RDS offers it for MySQL, MariaDB, PostgreSQL and Aurora only): `EnableIAMDatabaseAuthentication` does nothing; run the database on one of those engines"
        ))),
        Some(_) => None,
        None => Some(Outcome::Gap(format!(
            "`Engine` is {}, decided only at deploy: whether the engine offers IAM database authentication is not shown",
            super::meaning::text_or_json(engine)
        ))),
    }
}

fn r11(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == NEPTUNE_CLUSTER {
        // Neptune has no database users or passwords: IAM database authentication, off by
        // default when a cluster is created (Neptune user guide, "Enabling IAM database
        // authentication in Neptune"), is its only authentication of a request (each signed
        // with Signature Version 4); AWS Config's `neptune-cluster-iam-database-authentication`
        // and Security Hub's Neptune.7 fail a cluster without it. §164.312(d).
        return all([cx.equals("/IamAuthEnabled", &json!(true))]);
    }
    if let Some(member) = cluster_member(cx, "it accepts IAM authentication as that cluster does") {
        return member;
    }
    let setting = all([cx.equals("/EnableIAMDatabaseAuthentication", &json!(true))]);
    match (iam_engine_problem(cx), setting) {
        (_, fail @ Outcome::Fail(_)) => fail,
        (Some(problem), _) => problem,
        (None, setting) => setting,
    }
}

/// The parameters that force TLS on the database's engine, which RDS reads from no other:
/// `rds.force_ssl` for PostgreSQL, Aurora PostgreSQL and SQL Server,
/// `require_secure_transport` for MySQL, MariaDB and Aurora MySQL (RDS user guide,
/// "Requiring SSL/TLS for all connections to a MySQL DB instance on Amazon RDS" and its
/// MariaDB twin: "Use the require_secure_transport parameter to require that all user
/// connections … use SSL/TLS"; the PostgreSQL and SQL Server pages name `rds.force_ssl`).
/// An engine of neither kind, or not known before deploy, is read on both (and Oracle's
/// and Db2's groups set neither).
fn tls_parameters(cx: &Cx<'_>) -> &'static [&'static str] {
    const BOTH: &[&str] = &["rds.force_ssl", "require_secure_transport"];
    let Some(engine) = cx.prop("/Engine").and_then(text) else {
        return BOTH;
    };
    let engine = engine.trim().to_ascii_lowercase();
    if engine.contains("{{resolve:") {
        BOTH
    } else if engine.contains("oracle") || engine.starts_with("db2") {
        // RDS for Oracle and Db2 have neither parameter: their groups cannot force TLS
        // through them, so neither is read as proof ([`oracle_encryption`],
        // [`db2_encryption`]).
        &[]
    } else if engine == "postgres"
        || engine == "aurora-postgresql"
        || engine.starts_with("sqlserver")
    {
        &["rds.force_ssl"]
    } else if matches!(
        engine.as_str(),
        "mysql" | "mariadb" | "aurora-mysql" | "aurora"
    ) {
        &["require_secure_transport"]
    } else {
        BOTH
    }
}

/// Why a parameter group that forces TLS lets connections use TLS 1.0 or 1.1, protocols
/// NIST SP 800-52 Rev. 2 no longer admits for government systems (TLS 1.2 at least), if it
/// does: the minimum protocol of PostgreSQL (`ssl_min_protocol_version` `TLSv1` or
/// `TLSv1.1`; "Sets the minimum SSL/TLS protocol version to use", default `TLSv1.2`:
/// PostgreSQL documentation, "Connections and Authentication", SSL), the protocols of MySQL,
/// MariaDB and Aurora MySQL (`tls_version`, a comma-separated list: one that names
/// `TLSv1` or `TLSv1.1`), and SQL Server's `rds.tls10` and `rds.tls11` `enabled` (RDS user
/// guide, "Configuring security protocols and ciphers" of SQL Server), SQL Server's names read
/// in any case. A value no rule can read before deploy may name either.
fn older_tls_allowed(group: &Resource) -> Option<String> {
    let id = group.logical_id();
    let read = |key: &str| -> Option<Result<String, String>> {
        let v = applied(group, key);
        if v.is_null() || super::meaning::no_value(v) {
            return None;
        }
        Some(
            text(v)
                .filter(|t| !super::identity::dynamic(t))
                .map(|t| t.trim().to_ascii_lowercase())
                .ok_or_else(|| text_or_json(v)),
        )
    };
    let unread = |key: &str, value: &str| {
        format!(
            "parameter group `{id}` sets `{key}` to {value}, which no rule can read before deploy: it may admit TLS 1.0 or 1.1; write a value of TLS 1.2 or later"
        )
    };
    // SQL Server's parameters, each spelling of the name in any case ([`rds_parameter`]): a
    // value that turns a protocol or cipher on fails as such, before the name as refused.
    let spellings = |key: &str| rds_parameter_texts(group, key, str::to_ascii_lowercase);
    let old = |v: &str| matches!(v.trim(), "tlsv1" | "tlsv1.0" | "tlsv1.1");
    match read("ssl_min_protocol_version") {
        Some(Ok(v)) if old(&v) => {
            return Some(format!(
                "parameter group `{id}` sets `ssl_min_protocol_version` to {v}, which admits connections over TLS 1.0 or 1.1; set TLSv1.2 or TLSv1.3, or leave the default (TLSv1.2)"
            ));
        }
        Some(Err(v)) => return Some(unread("ssl_min_protocol_version", &v)),
        _ => {}
    }
    match read("tls_version") {
        Some(Ok(v)) if v.split(',').any(old) => {
            return Some(format!(
                "parameter group `{id}` sets `tls_version` to {v}, which admits connections over TLS 1.0 or 1.1; name only TLSv1.2 and TLSv1.3"
            ));
        }
        Some(Err(v)) => return Some(unread("tls_version", &v)),
        _ => {}
    }
    for (key, value) in ["rds.tls10", "rds.tls11"].into_iter().flat_map(spellings) {
        match value {
            Ok(v) if v == "enabled" => {
                return Some(format!(
                    "parameter group `{id}` sets `{key}` to enabled, which admits connections over TLS 1.0 or 1.1; set it to disabled"
                ));
            }
            Err(v) => return Some(unread(&key, &v)),
            _ => {}
        }
    }
    // SQL Server's weak ciphers, turned on by name: RC4 (which RFC 7465 forbids in every
    // version of TLS) and Triple DES (which NIST SP 800-131A Rev. 2 disallows for
    // encryption after 2023), and Diffie-Hellman keys of 1024 bits (NIST SP 800-52 Rev. 2
    // asks for 2048 at least): `rds.rc4`, `rds.3des168` and
    // `rds.diffie-hellman-min-key-bit-length` (RDS user guide, "Configuring SQL Server
    // security protocols and ciphers").
    for (key, value) in ["rds.rc4", "rds.3des168"].into_iter().flat_map(spellings) {
        match value {
            Ok(v) if v == "enabled" => {
                return Some(format!(
                    "parameter group `{id}` sets `{key}` to enabled, which lets connections use a cipher NIST no longer admits (RC4, Triple DES); set it to disabled"
                ));
            }
            Err(v) => {
                return Some(format!(
                    "parameter group `{id}` sets `{key}` to {v}, which no rule can read before deploy: it may turn on a weak cipher; write disabled"
                ));
            }
            _ => {}
        }
    }
    for (dh, value) in spellings("rds.diffie-hellman-min-key-bit-length") {
        match value {
            Ok(v) if v.parse::<u64>().is_ok_and(|bits| bits < 2048) => {
                return Some(format!(
                    "parameter group `{id}` sets `{dh}` to {v}, which admits Diffie-Hellman keys shorter than the 2048 bits NIST SP 800-52 Rev. 2 asks for; set 2048 or more"
                ));
            }
            Err(v) => {
                return Some(format!(
                    "parameter group `{id}` sets `{dh}` to {v}, which no rule can read before deploy: it may admit Diffie-Hellman keys of 1024 bits; write 2048 or more"
                ));
            }
            _ => {}
        }
    }
    // Read in every spelling above; one other than RDS's is refused.
    [
        "ssl_min_protocol_version",
        "tls_version",
        "rds.tls10",
        "rds.tls11",
        "rds.rc4",
        "rds.3des168",
        "rds.diffie-hellman-min-key-bit-length",
    ]
    .into_iter()
    .find_map(|key| misspelled(group, key))
}

/// Every entry of an RDS parameter group's `Parameters` (`AWS::RDS::DBParameterGroup`,
/// `AWS::RDS::DBClusterParameterGroup`) whose name is `key` in any case, with blanks around
/// it or not, with a value (null and `AWS::NoValue` set nothing): the one reader of these
/// groups' parameters, under one case rule. `key` is the name as RDS lists the parameter,
/// in lower case. CloudFormation applies an entry under that exact name only: its handler of
/// both types looks each name of `Parameters` up, as text, among the names
/// DescribeEngineDefaultParameters lists, and fails the group on a name it does not find
/// ("Invalid / Unmodifiable / Unsupported DB Parameter": `BaseHandlerStd` of the RDS
/// resource providers of CloudFormation). So every spelling is read, that a value turning a
/// protection off fail as such, and each spelling other than `key` then fails as refused
/// ([`misspelled`]); only the entry named `key` proves a setting. Hostile review 24: each
/// reader had its own case rule (R12 read `rds.force_ssl` only as written so, SQL Server's
/// and Db2's names and R8's settings in any case, taking another spelling as applied). The
/// case rule is [`super::meaning::parameter_entries`], which DD3 and DD4 share.
fn rds_parameter<'a>(group: &'a Resource, key: &str) -> Vec<(&'a str, &'a Value)> {
    group.properties()["Parameters"]
        .as_object()
        .map(|parameters| super::meaning::parameter_entries(parameters, key))
        .unwrap_or_default()
}

/// Every entry of an RDS parameter group for the parameter `key` in any spelling
/// ([`rds_parameter`]), each name as written with its value as text, trimmed and put in one
/// case by `case` (RDS reads SQL Server's values in lower case and Db2's in upper case
/// alike), or, when the value is no text or is made at deploy, why no rule can read it.
fn rds_parameter_texts(
    group: &Resource,
    key: &str,
    case: fn(&str) -> String,
) -> Vec<(String, Result<String, String>)> {
    rds_parameter(group, key)
        .into_iter()
        .map(|(k, v)| {
            (
                k.to_owned(),
                text(v)
                    .filter(|t| !super::identity::dynamic(t))
                    .map(|t| case(t.trim()))
                    .ok_or_else(|| text_or_json(v)),
            )
        })
        .collect()
}

/// The value an RDS parameter group applies to the parameter `key` ([`rds_parameter`]): its
/// entry under that exact name, or null when none sets it (the engine's default holds).
fn applied<'a>(group: &'a Resource, key: &str) -> &'a Value {
    static UNSET: Value = Value::Null;
    rds_parameter(group, key)
        .into_iter()
        .find(|(name, _)| *name == key)
        .map_or(&UNSET, |(_, v)| v)
}

/// Why a parameter group fails that writes the parameter `key` under another spelling of
/// its name (another case, blanks around it), if it does ([`rds_parameter`]):
/// CloudFormation refuses the group, so the deploy fails and the entry sets nothing.
fn misspelled(group: &Resource, key: &str) -> Option<String> {
    let (name, _) = rds_parameter(group, key)
        .into_iter()
        .find(|(name, _)| *name != key)?;
    Some(format!(
        "parameter group `{}` writes `{}`, not `{key}` as RDS names the parameter: CloudFormation matches each name of `Parameters` exactly against the engine's parameters and refuses the group (\"Invalid / Unmodifiable / Unsupported DB Parameter\"), so the deploy fails and that entry sets nothing; write `{key}`",
        group.logical_id(),
        name.escape_debug()
    ))
}

/// The minor versions of SQL Server after which RDS turns TLS 1.0 and 1.1, RC4 and Triple
/// DES off by default, by major version: "For minor engine versions after 16.00.4120.1, 15.00.4365.2,
/// 14.00.3465.1, 13.00.6435.1, and 12.00.6449.1, the default setting for the DB parameters
/// rds.tls10, rds.tls11, rds.rc4, rds.curve25519, and rds.3des168 is disabled. Otherwise the
/// default setting is enabled" (RDS user guide, "Configuring SQL Server security protocols
/// and ciphers"; `default` is "the operating system default value").
const SQLSERVER_TLS_OFF_AFTER: [(u64, u64, u64); 5] = [
    (16, 4120, 1),
    (15, 4365, 2),
    (14, 3465, 1),
    (13, 6435, 1),
    (12, 6449, 1),
];

/// The major version of SQL Server that a parameter group's `Family` names
/// (`sqlserver-se-14.0` is 14; "The DB parameter group family name. A DB parameter group can
/// be associated with one and only one DB parameter group family", RDS API reference,
/// CreateDBParameterGroup), read in any case: `None` for a family of no SQL Server (which RDS
/// refuses for a SQL Server database), or `Err` of how a family no rule can read before
/// deploy is written.
fn sqlserver_family_major(group: &Resource) -> Result<Option<u64>, String> {
    let family = &group.properties()["Family"];
    if family.is_null() || super::meaning::no_value(family) {
        return Ok(None);
    }
    let Some(f) = text(family).filter(|t| !super::identity::dynamic(t)) else {
        return Err(text_or_json(family));
    };
    let f = f.trim().to_ascii_lowercase();
    if !f.starts_with("sqlserver") {
        return Ok(None);
    }
    f.rsplit('-')
        .next()
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.trim().parse::<u64>().ok())
        .map(Some)
        .ok_or_else(|| f.clone())
}

/// Why a parameter group that forces TLS, and writes no older protocol itself
/// ([`older_tls_allowed`]), still lets connections use TLS 1.0 or 1.1 (or, on SQL Server, RC4
/// or Triple DES): the engine version the template shows admits them by default, and the
/// group leaves the default in place.
/// - MySQL 5.7 supports TLS 1.0 and 1.1, MySQL 8.0 and 8.4 do not (RDS user guide, "SSL/TLS
///   support for MySQL DB instances on Amazon RDS"; MySQL 8.0 reference manual, "Encrypted
///   Connection TLS Protocols and Ciphers": TLSv1 and TLSv1.1 removed as of 8.0.28), and
///   Aurora MySQL 2 (`5.7.mysql_aurora.…`) and 1 (engine `aurora`) are MySQL 5.7 and 5.6: such
///   a version, or one no rule can read before deploy, needs `tls_version` written (which
///   [`older_tls_allowed`] reads).
/// - MariaDB: "TLS support depends on the MariaDB minor version" (RDS user guide, "SSL/TLS
///   support for MariaDB DB instances on Amazon RDS"): 10.11 and later support neither TLS
///   1.0 nor 1.1, some minor versions of 10.4, 10.5 and 10.6 do, so those (or a version no
///   rule can read) need `tls_version` written as well.
/// - SQL Server keeps TLS 1.0 and 1.1, and the RC4 and Triple DES ciphers (which NIST SP
///   800-52 Rev. 2 does not admit in any cipher suite), on by default in minor versions up to
///   those of [`SQLSERVER_TLS_OFF_AFTER`]: an `EngineVersion` written after them, or not
///   written (RDS creates the engine's default version, which is after them), leaves them
///   off, unless the parameter group's `Family` names another major version (hostile review
///   23: `sqlserver-se-14.0` beside no version, or beside a version of 16, is a version of
///   14 whose minor no template shows; a family no rule can read may be of any); any other,
///   or one no rule can read, needs `rds.tls10`, `rds.tls11`, `rds.rc4` and
///   `rds.3des168` written `disabled` (in every spelling of the name; `default` is "the
///   operating system default value", which on those versions is enabled).
/// - PostgreSQL takes its minimum protocol from `ssl_min_protocol_version`, "The default is
///   TLSv1.2" since version 13, `TLSv1` (TLS 1.0) in version 12, which introduced it
///   (PostgreSQL documentation, "Connections and Authentication", SSL; the commit "Update
///   minimum SSL version" of PostgreSQL 13): a version 12 or older, or one no rule can read,
///   needs it written (older versions have no such parameter, and fail).
///
/// An `EngineVersion` not written is the version RDS makes by default, of the newest
/// releases, which admit neither; a copy's is its source's (a database of this template that
/// it names, or else one the template does not show), and an engine no rule can read leaves
/// the defaults unknown.
fn older_tls_by_default(cx: &Cx<'_>, group: &Resource) -> Option<String> {
    // A copy (a restore, a replica) runs the engine and version of its source unless it
    // writes them: those of a database of the app that it names, else none the template
    // shows.
    let copied = COPY_SOURCES
        .iter()
        .filter_map(|pointer| cx.prop(pointer))
        .find(|v| !v.is_null() && !super::meaning::no_value(v));
    // A database of this template, or of another stack whose export of it the copy imports
    // ([`Cx::named_in_app`]).
    let source = copied.and_then(|named| {
        DB_OR_CLUSTER.iter().find_map(|t| {
            cx.named_in_app(None, named, t)
                .filter(|(stack, r)| stack.is_some() || r.logical_id() != cx.id())
                .map(|(_, r)| r)
        })
    });
    let set = |v: &Value| !v.is_null() && !super::meaning::no_value(v);
    let written = |key: &str| {
        Some(&cx.resource.properties()[key])
            .filter(|v| set(v))
            .or_else(|| source.map(|r| &r.properties()[key]).filter(|v| set(v)))
    };
    let engine_value = written("Engine");
    let version = match written("EngineVersion") {
        None if copied.is_some() && source.is_none() => Some(Err(format!(
            "not written, so that of the source it copies ({})",
            copied.map(text_or_json).unwrap_or_default()
        ))),
        None => None,
        Some(v) => Some(
            text(v)
                .filter(|t| !super::identity::dynamic(t))
                .map(|t| t.trim().to_ascii_lowercase())
                .ok_or_else(|| text_or_json(v)),
        ),
    };
    let Some(engine) = engine_value
        .and_then(text)
        .filter(|t| !super::identity::dynamic(t))
        .map(|t| t.trim().to_ascii_lowercase())
    else {
        // No engine the template shows: which protocols its version admits by default is
        // not shown either, unless that version is the default one.
        return version.map(|_| {
            format!(
                "`Engine` is {}, which no rule can read before deploy, so the protocols its engine version admits by default (TLS 1.0 and 1.1 on older versions of MySQL, PostgreSQL and SQL Server) are not shown; write the engine",
                engine_value.map_or_else(|| "not written".to_owned(), text_or_json)
            )
        });
    };
    let shown = |version: &Option<Result<String, String>>| match version {
        Some(Ok(v)) => format!("`EngineVersion` {v}"),
        Some(Err(v)) if v.starts_with("not written") => format!("an `EngineVersion` {v},"),
        Some(Err(v)) => format!("`EngineVersion` {v}, which no rule can read before deploy,"),
        None => "the default engine version".to_owned(),
    };
    let unset = |key: &str| {
        let v = applied(group, key);
        v.is_null() || super::meaning::no_value(v)
    };
    let id = group.logical_id();
    if matches!(
        engine.as_str(),
        "mysql" | "aurora-mysql" | "aurora" | "mariadb"
    ) {
        let old = engine == "aurora"
            || match &version {
                None => false,
                Some(Ok(v)) if engine == "mariadb" => {
                    let mut parts = v.split('.').map(|p| p.trim().parse::<u64>().ok());
                    match (parts.next().flatten(), parts.next().flatten()) {
                        (Some(major), Some(minor)) => (major, minor) < (10, 11),
                        _ => true,
                    }
                }
                Some(Ok(v)) => ["5.5", "5.6", "5.7"].iter().any(|p| v.starts_with(p)),
                Some(Err(_)) => true,
            };
        return (old && unset("tls_version")).then(|| {
            format!(
                "the database runs {} of {engine}, which accepts connections over TLS 1.0 and 1.1 unless `tls_version` says otherwise, and parameter group `{id}` does not set it; set `tls_version` to TLSv1.2",
                shown(&version)
            )
        });
    }
    if matches!(engine.as_str(), "postgres" | "aurora-postgresql") {
        let old = match &version {
            None => false,
            Some(Ok(v)) => v
                .split('.')
                .next()
                .and_then(|major| major.trim().parse::<u64>().ok())
                .is_none_or(|major| major <= 12),
            Some(Err(_)) => true,
        };
        return (old && unset("ssl_min_protocol_version")).then(|| {
            format!(
                "the database runs {} of {engine}, whose minimum protocol is TLS 1.0 unless `ssl_min_protocol_version` says otherwise (PostgreSQL made TLSv1.2 its default in version 13; 12 defaults to TLSv1, and before 12 no parameter sets it), and parameter group `{id}` does not set it; run PostgreSQL 13 or later, or set `ssl_min_protocol_version` to TLSv1.2",
                shown(&version)
            )
        });
    }
    if engine.starts_with("sqlserver") {
        // Hostile review 23: the group's `Family` names the major version too
        // (`sqlserver-se-14.0`), which the instance runs or RDS refuses the group: the
        // weakest of what the template shows wins, and a family no rule can read may be of
        // any version.
        let family = sqlserver_family_major(group);
        let version_major = |v: &str| {
            v.split('.')
                .next()
                .and_then(|m| m.trim().parse::<u64>().ok())
        };
        let newer = match (&version, &family) {
            (_, Err(_)) => false,
            // No version: RDS creates its default one, of the newest major version (after
            // the versions above), unless the family names an older major, whose minor
            // version (the default of that major, or the one RDS refuses) is not shown.
            (None, Ok(major)) => major.is_none_or(|m| m >= 16),
            (Some(Ok(v)), Ok(major)) => {
                let parts: Vec<u64> = v.split('.').map_while(|p| p.parse::<u64>().ok()).collect();
                let after = match parts.as_slice() {
                    [major, _, build, revision, ..] => {
                        *major > 16
                            || SQLSERVER_TLS_OFF_AFTER
                                .iter()
                                .any(|(m, b, r)| m == major && (*build, *revision) > (*b, *r))
                    }
                    _ => false,
                };
                after && major.is_none_or(|m| Some(m) == version_major(v))
            }
            (Some(Err(_)), _) => false,
        };
        if newer {
            return None;
        }
        let shown = |version: &Option<Result<String, String>>| match &family {
            Err(how) => format!(
                "{}, whose parameter group `{id}` is of `Family` {how}, which no rule can read before deploy (it may be of any version),",
                shown(version)
            ),
            Ok(Some(major))
                if version.as_ref().is_none_or(|v| {
                    v.as_ref().ok().and_then(|v| version_major(v)) != Some(*major)
                }) =>
            {
                format!(
                    "{}, whose parameter group `{id}` is of the family of SQL Server {major}.0 (a minor version the template does not show),",
                    shown(version)
                )
            }
            Ok(_) => shown(version),
        };
        // Each of the protocols and ciphers such a version turns on by default must be
        // written `disabled`, in every spelling of its name (`default` is the operating
        // system's, which is on).
        let on_by_default = ["rds.tls10", "rds.tls11", "rds.rc4", "rds.3des168"]
            .into_iter()
            .find(|key| {
                let written = rds_parameter(group, key);
                written.is_empty()
                    || written.iter().any(|(_, v)| {
                        text(v).is_none_or(|v| !v.trim().eq_ignore_ascii_case("disabled"))
                    })
            })?;
        if on_by_default.starts_with("rds.tls") {
            return Some(format!(
                "the database runs {} of SQL Server, whose default keeps TLS 1.0 and 1.1 on (RDS turns them off by default only after 16.00.4120.1, 15.00.4365.2, 14.00.3465.1, 13.00.6435.1 and 12.00.6449.1), and parameter group `{id}` does not set `{on_by_default}` to disabled; set `rds.tls10` and `rds.tls11` to disabled",
                shown(&version)
            ));
        }
        return Some(format!(
            "the database runs {} of SQL Server, whose default keeps the RC4 and Triple DES ciphers on, which NIST SP 800-52 Rev. 2 does not admit (RDS turns them off by default only after 16.00.4120.1, 15.00.4365.2, 14.00.3465.1, 13.00.6435.1 and 12.00.6449.1), and parameter group `{id}` does not set `{on_by_default}` to disabled; set `rds.rc4` and `rds.3des168` to disabled",
            shown(&version)
        ));
    }
    None
}

/// The settings of an option, each its name and its value (`Err`: how a value no rule can
/// read before deploy is written), both upper-cased and trimmed.
type OptionSettings = Vec<(String, Result<String, String>)>;

/// The `OptionSettings` of an option of an option group, by name upper-cased and trimmed,
/// every value written for it (a name written twice keeps both, each read), or why some
/// setting no rule can read before deploy: the list itself, or an entry that is no object
/// of a readable `Name`. A value no rule can read is kept as `Err` of how it is written.
fn option_settings(option: &Value) -> Result<OptionSettings, String> {
    let entries = match &option["OptionSettings"] {
        Value::Null => return Ok(Vec::new()),
        v if super::meaning::no_value(v) => return Ok(Vec::new()),
        Value::Array(entries) => entries,
        other => {
            return Err(format!(
                "writes `OptionSettings` as {}",
                text_or_json(other)
            ));
        }
    };
    let mut found = Vec::new();
    for (j, setting) in entries.iter().enumerate() {
        if setting.is_null() || super::meaning::no_value(setting) {
            continue;
        }
        let name = super::meaning::entry_text(setting, "Name");
        let Some(name) = name else {
            return Err(format!(
                "writes `OptionSettings.{j}` as {}",
                text_or_json(setting)
            ));
        };
        let value = &setting["Value"];
        let read = text(value)
            .filter(|t| !super::identity::dynamic(t))
            .map(|t| t.trim().to_ascii_uppercase())
            .ok_or_else(|| text_or_json(value));
        found.push((name.trim().to_ascii_uppercase(), read));
    }
    Ok(found)
}

/// The option group of the template that a database names in `OptionGroupName`, with its
/// `OptionConfigurations` as a list, or why none can be read: not set (the engine's default
/// group, which holds no option), a name of no group of the template, or options that no
/// rule can read before deploy.
fn option_group_of<'a>(
    cx: &Cx<'a>,
) -> Result<(Option<&'a str>, &'a Resource, &'a [Value]), String> {
    let named = cx
        .prop("/OptionGroupName")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v))
        .ok_or("`OptionGroupName` is not set, so the database has its engine's default option group, which holds no option")?;
    // A group of this template, or one of another stack that it imports.
    let (stack, group) = cx
        .named_in_app(None, named, "AWS::RDS::OptionGroup")
        .ok_or_else(|| {
            format!(
                "`OptionGroupName` is {}, which names no option group of this template or of an export of the app it imports, so no rule can read its options",
                text_or_json(named)
            )
        })?;
    let id = group.logical_id();
    match &group.properties()["OptionConfigurations"] {
        Value::Array(options) => Ok((stack, group, options.as_slice())),
        v if v.is_null() || super::meaning::no_value(v) => Ok((stack, group, &[])),
        other => Err(format!(
            "the option group `{id}` writes `OptionConfigurations` as {}, which no rule can read before deploy",
            text_or_json(other)
        )),
    }
}

/// Why an RDS for Oracle database does not force encryption of every connection, if it
/// does not. RDS for Oracle has neither `rds.force_ssl` nor `require_secure_transport`; it
/// encrypts client connections through options of its option group (RDS user guide,
/// "Securing Oracle DB instance connections"):
/// - `NATIVE_NETWORK_ENCRYPTION` ("To enable NNE encryption for an Oracle DB instance, add
///   the Oracle NNE option to the option group associated with the DB instance", "Using
///   native network encryption with an RDS for Oracle DB instance"), whose settings
///   ("NATIVE_NETWORK_ENCRYPTION option settings") must force it: `SQLNET.ENCRYPTION_SERVER`
///   and `SQLNET.CRYPTO_CHECKSUM_SERVER` `REQUIRED` (their default `REQUESTED` lets a client
///   connect without encryption, or without integrity checks), and no weak cipher: either
///   `SQLNET.ALLOW_WEAK_CRYPTO` `FALSE` (default `TRUE`: "the database blocks clients from
///   connecting when they use" DES, 3DES, RC4 or MD5), or `SQLNET.ENCRYPTION_TYPES_SERVER`
///   naming only AES and `SQLNET.CRYPTO_CHECKSUM_TYPES_SERVER` only SHA algorithms (their
///   defaults name DES, 3DES, RC4 and MD5 as well). Every entry of the option is read, in
///   any case.
/// - `SSL`, which does not force it: "Amazon RDS uses a second port, as required by Oracle,
///   for SSL connections. This approach allows both clear text and SSL-encrypted
///   communication to occur at the same time" ("Oracle Secure Sockets Layer"); the plain
///   port stays open, and no rule reads the security groups to tell it closed. It fails,
///   and says to use `NATIVE_NETWORK_ENCRYPTION` (RDS refuses both options together).
///
/// An option group no rule can read before deploy (not of this template, options or
/// settings written as intrinsics, an option's name by reference) fails.
///
/// Options that send data out of the database (Oracle's `S3_INTEGRATION`, SQL Server's
/// `SQLSERVER_BACKUP_RESTORE` with its `IAM_ROLE_ARN`) send it to the bucket a stored
/// procedure names at run time (`rdsadmin.rdsadmin_s3_tasks.upload_to_s3`,
/// `msdb.dbo.rds_backup_database`), which no template shows; the role that bounds it is
/// read by `X1` on the option group (hostile review 23, `rds_options.rs`).
fn oracle_encryption(cx: &Cx<'_>) -> Result<Proof, String> {
    const HOW: &str = "name an option group of this template with the `NATIVE_NETWORK_ENCRYPTION` option, `SQLNET.ENCRYPTION_SERVER` and `SQLNET.CRYPTO_CHECKSUM_SERVER` REQUIRED and `SQLNET.ALLOW_WEAK_CRYPTO` FALSE";
    let (stack, group, options) = option_group_of(cx).map_err(|why| {
        format!("RDS for Oracle forces encryption only through its option group: {why}; {HOW}")
    })?;
    let id = group.logical_id();
    let mut nne = Vec::new();
    let mut ssl = None;
    for (i, option) in options.iter().enumerate() {
        if option.is_null() || super::meaning::no_value(option) {
            continue;
        }
        let name =
            super::meaning::entry_text(option, "OptionName").map(|n| n.trim().to_ascii_uppercase());
        match name.as_deref() {
            None => {
                return Err(format!(
                    "`OptionConfigurations.{i}` of the option group `{id}` is {}, an option no rule can read before deploy: it may be `NATIVE_NETWORK_ENCRYPTION` with settings that let connections go unencrypted; write the option's name and settings; {HOW}",
                    text_or_json(option)
                ));
            }
            Some("NATIVE_NETWORK_ENCRYPTION") => nne.push((i, option)),
            Some("SSL") => ssl = Some(i),
            Some(_) => {}
        }
    }
    if nne.is_empty() {
        return Err(match ssl {
            Some(i) => format!(
                "the option group `{id}` has the `SSL` option (`OptionConfigurations.{i}`), which adds a TLS port beside the plain one (RDS serves both at once), so connections may still go unencrypted; {HOW} instead"
            ),
            None => format!(
                "the option group `{id}` has no `NATIVE_NETWORK_ENCRYPTION` option, so connections may go unencrypted; {HOW}"
            ),
        });
    }
    for &(i, option) in &nne {
        let settings = option_settings(option).map_err(|unread| {
            format!(
                "the `NATIVE_NETWORK_ENCRYPTION` option of the option group `{id}` (`OptionConfigurations.{i}`) {unread}, which no rule can read before deploy: it may let connections go unencrypted; write each setting as a `Name` and a `Value`"
            )
        })?;
        let values = |key: &str| -> Vec<&Result<String, String>> {
            settings
                .iter()
                .filter(|(n, _)| n == key)
                .map(|(_, v)| v)
                .collect()
        };
        let every = |key: &str, good: &dyn Fn(&str) -> bool| -> Result<(), String> {
            let found = values(key);
            if found.is_empty() {
                return Err("not set".to_owned());
            }
            for v in found {
                match v {
                    Ok(v) if good(v) => {}
                    Ok(v) => return Err(format!("set to {v}")),
                    Err(v) => {
                        return Err(format!("set to {v}, which no rule can read before deploy"));
                    }
                }
            }
            Ok(())
        };
        for key in ["SQLNET.ENCRYPTION_SERVER", "SQLNET.CRYPTO_CHECKSUM_SERVER"] {
            if let Err(how) = every(key, &|v| v == "REQUIRED") {
                return Err(format!(
                    "the `NATIVE_NETWORK_ENCRYPTION` option of the option group `{id}` (`OptionConfigurations.{i}`) has `{key}` {how}: only REQUIRED refuses a client that does not encrypt (the default, REQUESTED, lets it connect in the clear); set it to REQUIRED"
                ));
            }
        }
        let list = |good: fn(&str) -> bool| move |v: &str| v.split(',').all(|a| good(a.trim()));
        let weak_refused = every("SQLNET.ALLOW_WEAK_CRYPTO", &|v| v == "FALSE").is_ok()
            || (every(
                "SQLNET.ENCRYPTION_TYPES_SERVER",
                &list(|a| a.starts_with("AES")),
            )
            .is_ok()
                && every(
                    "SQLNET.CRYPTO_CHECKSUM_TYPES_SERVER",
                    &list(|a| a.starts_with("SHA")),
                )
                .is_ok());
        if !weak_refused {
            return Err(format!(
                "the `NATIVE_NETWORK_ENCRYPTION` option of the option group `{id}` (`OptionConfigurations.{i}`) admits weak ciphers: `SQLNET.ALLOW_WEAK_CRYPTO` is not FALSE (its default is TRUE) and `SQLNET.ENCRYPTION_TYPES_SERVER` and `SQLNET.CRYPTO_CHECKSUM_TYPES_SERVER` do not name only AES and SHA algorithms (their defaults name DES, 3DES, RC4 and MD5 too); set `SQLNET.ALLOW_WEAK_CRYPTO` to FALSE"
            ));
        }
    }
    proof_of(group, &format!("/OptionConfigurations/{}", nne[0].0))
        .map(|p| p.with_stack(stack))
        .ok_or_default()
}

/// Why an RDS for Db2 database's parameter group does not force TLS, if it does not. Db2
/// has neither `rds.force_ssl` nor `require_secure_transport`: it listens for TLS when
/// `db2comm` names `SSL` (with `ssl_svcename` its port), and "Amazon RDS uses a second port,
/// as required by Db2, for SSL/TLS connections. Doing this allows both clear text and
/// SSL-encrypted communication to occur at the same time" (RDS user guide, "Using SSL/TLS
/// with an Amazon RDS for Db2 DB instance": `DB2COMM` `TCPIP,SSL` or `SSL`). So only
/// `db2comm` `SSL` alone (no `TCPIP`) refuses connections in the clear. Its `ssl_versions`,
/// if written, must not name TLS 1.0 or 1.1 (IBM Db2, "ssl_versions - Supported SSL
/// versions at the server"). Parameter names are read in any case; a value no rule can read
/// before deploy fails.
fn db2_encryption(group: &Resource) -> Result<Proof, String> {
    let id = group.logical_id();
    // Every entry of the name in any case ([`rds_parameter`]): each value is judged, then
    // a spelling other than RDS's fails as refused.
    let find = |key: &str| rds_parameter_texts(group, key, str::to_ascii_uppercase);
    for (key, versions) in find("ssl_versions") {
        match versions {
            Ok(v)
                if v.split(',')
                    .map(|p| p.trim().replace('.', ""))
                    .any(|p| p == "TLSV1" || p == "TLSV10" || p == "TLSV11") =>
            {
                return Err(format!(
                    "parameter group `{id}` sets `{key}` to {v}, which admits connections over TLS 1.0 or 1.1; name only TLSV12 (and TLSV13)"
                ));
            }
            Err(v) => {
                return Err(format!(
                    "parameter group `{id}` sets `{key}` to {v}, which no rule can read before deploy: it may admit TLS 1.0 or 1.1; write TLSV12"
                ));
            }
            Ok(_) => {}
        }
    }
    let comms = find("db2comm");
    if comms.is_empty() {
        return Err(format!(
            "parameter group `{id}` does not set `db2comm`, so the Db2 database listens over TCP/IP in the clear (RDS for Db2 has no `rds.force_ssl`); set `db2comm` to SSL and `ssl_svcename` to the TLS port"
        ));
    }
    for (key, comm) in &comms {
        match comm {
            Ok(v) if v.split(',').all(|p| p.trim() == "SSL") => {}
            Ok(v) => {
                return Err(format!(
                    "parameter group `{id}` sets `{key}` to {v}: the Db2 database listens in the clear beside or instead of TLS (RDS serves the plain and the TLS port at once); set it to SSL alone"
                ));
            }
            Err(v) => {
                return Err(format!(
                    "parameter group `{id}` sets `{key}` to {v}, which no rule can read before deploy: it may name TCPIP, which listens in the clear; write SSL"
                ));
            }
        }
    }
    if let Some(why) = ["ssl_versions", "db2comm"]
        .into_iter()
        .find_map(|key| misspelled(group, key))
    {
        return Err(why);
    }
    proof_of(group, &format!("/Parameters/{}", comms[0].0)).ok_or_default()
}

fn r12(cx: &Cx<'_>) -> Outcome {
    if let Some(member) = cluster_member(cx, "it forces TLS as that cluster's parameter group does")
    {
        return member;
    }
    let engine = cx
        .prop("/Engine")
        .and_then(text)
        .filter(|t| !super::identity::dynamic(t))
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if engine.starts_with("oracle") {
        return match oracle_encryption(cx) {
            Ok(proof) => Outcome::Pass(vec![proof]),
            Err(why) => Outcome::Fail(why),
        };
    }
    if engine.starts_with("custom-oracle") {
        // RDS Custom for Oracle sets network encryption in the `sqlnet.ora` of its host,
        // which the customer manages and no template shows.
        return Outcome::Fail(format!(
            "the engine {engine} is RDS Custom for Oracle, whose network encryption is set in the `sqlnet.ora` of its host, which no template shows; run the database on RDS for Oracle with the `NATIVE_NETWORK_ENCRYPTION` option"
        ));
    }
    if engine.starts_with("custom-") {
        // Hostile review 23: RDS Custom for SQL Server (`custom-sqlserver-ee`, …) gives the
        // customer the host (RDS user guide, "Working with RDS Custom": "access to the
        // database and underlying operating system"), where SQL Server's Force Encryption
        // and the Schannel protocols and ciphers are set; an `rds.force_ssl` of a parameter
        // group is no setting the template shows that host obeying, so it proves nothing.
        return Outcome::Fail(format!(
            "the engine {engine} is RDS Custom, whose host the customer administers: whether SQL Server forces encryption, and which TLS protocols and ciphers Windows admits, is set on that host, which no template shows (a parameter group's `rds.force_ssl` does not prove it); run the database on RDS for SQL Server (`sqlserver-…`) with `rds.force_ssl` 1"
        ));
    }
    let (property, group_type) = if cx.resource.type_name() == "AWS::RDS::DBCluster" {
        (
            "/DBClusterParameterGroupName",
            "AWS::RDS::DBClusterParameterGroup",
        )
    } else {
        ("/DBParameterGroupName", "AWS::RDS::DBParameterGroup")
    };
    let name = &property[1..];
    let Some(named) = cx.prop(property) else {
        return Outcome::Fail(format!(
            "`{name}` does not name a parameter group of this template, so TLS cannot be verified"
        ));
    };
    // Hostile review 23: the group is named as the other rules read a name, by its `Ref`
    // however written (`${G}` alone in an `Fn::Sub`, an `Fn::Join` of it alone), not by the
    // `Ref` spelling alone; or by the import of another stack's export of it
    // ([`Cx::named_in_app`]), read there.
    let Some((stack, group)) = cx.named_in_app(None, named, group_type) else {
        return Outcome::Fail(match named.get("Ref").and_then(Value::as_str) {
            Some(group_id) => format!("parameter group `{group_id}` is not in this template"),
            None => format!(
                "`{name}` is {}, which names no parameter group of this template or of an export of the app it imports, so TLS cannot be verified; name one by its `Ref`, or import another stack's export of it",
                text_or_json(named)
            ),
        });
    };
    let group_id = group.logical_id();
    if engine.starts_with("db2") {
        return match db2_encryption(group) {
            Ok(proof) => Outcome::Pass(vec![proof.with_stack(stack)]),
            Err(why) => Outcome::Fail(why),
        };
    }
    // Hostile review 24: `RDS.FORCE_SSL` is refused by CloudFormation ([`rds_parameter`]).
    if let Some(why) = tls_parameters(cx)
        .iter()
        .find_map(|key| misspelled(group, key))
    {
        return Outcome::Fail(why);
    }
    for &key in tls_parameters(cx) {
        let value = applied(group, key);
        let forced = text(value).is_some_and(|v| {
            let v = v.trim();
            v == "1" || v.eq_ignore_ascii_case("on") || v.eq_ignore_ascii_case("true")
        });
        if let Some(p) = proof_of(group, &format!("/Parameters/{key}")).filter(|_| forced) {
            if let Some(weak) = older_tls_allowed(group).or_else(|| older_tls_by_default(cx, group))
            {
                return Outcome::Fail(weak);
            }
            return Outcome::Pass(vec![p.with_stack(stack)]);
        }
    }
    Outcome::Fail(match tls_parameters(cx) {
        [] => format!(
            "the engine {engine} has neither `rds.force_ssl` nor `require_secure_transport`, so no parameter of group `{group_id}` forces TLS"
        ),
        [only] => format!(
            "parameter group `{group_id}` does not set `{only}` to 1, the parameter that forces TLS on the database's engine; set it"
        ),
        _ => format!(
            "parameter group `{group_id}` sets neither `rds.force_ssl` nor `require_secure_transport` to 1"
        ),
    })
}

fn r13(cx: &Cx<'_>) -> Outcome {
    if let Some(member) = cluster_member(cx, "its master password is managed as that cluster's is")
    {
        return member;
    }
    if cx.prop("/MasterUserPassword").is_some() {
        return Outcome::Fail("`MasterUserPassword` puts a password in the template".to_owned());
    }
    if replica_of_the_template(cx) {
        return Outcome::NotApplicable;
    }
    let settings = all([
        cx.equals("/ManageMasterUserPassword", &json!(true)),
        customer_key(cx, "/MasterUserSecret/KmsKeyId"),
    ]);
    match (settings, copied_password(cx)) {
        (Outcome::Pass(_), Some(copy)) => Outcome::Gap(copy),
        (settings, _) => settings,
    }
}

/// The copy sources that make a database a read replica: an instance's
/// `SourceDBInstanceIdentifier` (without `RestoreTime` or `UseLatestRestorableTime`, which
/// make it a point-in-time restore) and a cluster's `ReplicationSourceIdentifier`.
fn replica_source<'a>(cx: &Cx<'a>) -> Option<&'a Value> {
    if cx.resource.type_name() == "AWS::RDS::DBCluster" {
        return cx.prop("/ReplicationSourceIdentifier");
    }
    let restore = cx.prop("/RestoreTime").is_some()
        || cx
            .prop("/UseLatestRestorableTime")
            .is_some_and(super::is_true);
    cx.prop("/SourceDBInstanceIdentifier").filter(|_| !restore)
}

/// Whether the database is a read replica of a database of the app, in any stack, as R1
/// reads its source ([`source_of_the_app`]): it has its source's master user and password,
/// which this rule reads on the source.
fn replica_of_the_template(cx: &Cx<'_>) -> bool {
    let pointer = if cx.resource.type_name() == "AWS::RDS::DBCluster" {
        "/ReplicationSourceIdentifier"
    } else {
        "/SourceDBInstanceIdentifier"
    };
    replica_source(cx).is_some_and(|source| source_of_the_app(cx, pointer, source).is_some())
}

/// Why a copy's master password is not shown to be managed, if it is a copy: a restore
/// keeps the password of its snapshot or point in time, and RDS manages the password of a
/// restored instance only for Oracle ("Applies to RDS for Oracle only",
/// `ManageMasterUserPassword` of `RestoreDBInstanceFromDBSnapshot`, RDS API reference); a
/// read replica has its source's password. Whether CloudFormation turns management on
/// after the copy is not documented: a gap, not a pass.
fn copied_password(cx: &Cx<'_>) -> Option<String> {
    COPY_SOURCES.iter().find_map(|pointer| {
        let value = cx.prop(pointer)?;
        Some(format!(
            "`{}` makes the database a copy of {}, whose master password it keeps: RDS applies `ManageMasterUserPassword` to a restore of Oracle only, and a replica has its source's password, so whether the password is managed, with the customer key, is not shown; create the database empty, or replicate a database of the app",
            &pointer[1..],
            text(value).unwrap_or_else(|| value.to_string())
        ))
    })
}

/// The longest rotation period that rotates a key: a year, the period KMS rotates on when
/// `RotationPeriodInDays` is not written (and the one it keeps for AWS-managed keys).
const ROTATION_DAYS: i64 = 365;

/// What a key's `KeySpec` is before deploy: `SYMMETRIC_DEFAULT` when it is not written
/// (CloudFormation's `AWS::KMS::Key` reference), the text it resolves to, or `None` where it
/// is decided only at deploy (a `{{resolve:ssm:…}}` dynamic reference, an import, another
/// resource's attribute).
fn key_spec(cx: &Cx<'_>) -> Option<String> {
    match cx.prop("/KeySpec") {
        None | Some(Value::Null) => Some("SYMMETRIC_DEFAULT".to_owned()),
        Some(v) => text(v).filter(|t| !super::identity::dynamic(t)),
    }
}

fn k1(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == REPLICA_KEY {
        return k1_replica(cx);
    }
    // KMS rotates only symmetric encryption keys (KMS `EnableKeyRotation`: "You cannot
    // enable automatic rotation of asymmetric KMS keys, HMAC KMS keys, …").
    match key_spec(cx) {
        Some(spec) if !spec.trim().eq_ignore_ascii_case("SYMMETRIC_DEFAULT") => {
            return Outcome::NotApplicable;
        }
        Some(_) => {}
        // A spec known only at deploy may be symmetric: rotation must be on, or the key is
        // unknown at synth (an asymmetric or HMAC key refuses `EnableKeyRotation`).
        None if cx.equals("/EnableKeyRotation", &json!(true)).is_err() => {
            return Outcome::Gap(format!(
                "`KeySpec` of key `{}` is decided only at deploy ({}), and rotation is not on: unknown at synth whether it is a symmetric key that must rotate; write `KeySpec`, or set `EnableKeyRotation` to true",
                cx.id(),
                cx.prop("/KeySpec").map(text_or_json).unwrap_or_default()
            ));
        }
        None => {}
    }
    // A key whose material is imported (`Origin` EXTERNAL), or kept in a custom key store
    // (`AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`), never rotates automatically (KMS API
    // reference, `EnableKeyRotation`: "You cannot enable automatic rotation of … KMS keys
    // with imported key material, or KMS keys in a custom key store"); an origin no rule
    // can read may be one of them.
    if let Some(origin) = cx.prop("/Origin").filter(|v| !super::meaning::no_value(v)) {
        let read = text(origin).filter(|o| !super::identity::dynamic(o));
        match read.as_deref().map(|o| o.trim().to_ascii_uppercase()) {
            Some(o) if o == "AWS_KMS" => {}
            Some(o) if o == "EXTERNAL" => {
                return Outcome::Fail(format!(
                    "key `{}` has imported key material (`Origin` EXTERNAL), which KMS never rotates automatically, whatever `EnableKeyRotation` says; let KMS make the key material (`Origin` AWS_KMS)",
                    cx.id()
                ));
            }
            Some(o) => {
                return Outcome::Fail(format!(
                    "key `{}` is of `Origin` {o}, a custom key store, whose keys KMS never rotates automatically; let KMS make the key material (`Origin` AWS_KMS)",
                    cx.id()
                ));
            }
            None => {
                return Outcome::Fail(format!(
                    "`Origin` of key `{}` is {}, which no rule can read before deploy: imported key material and keys of a custom key store never rotate automatically; write AWS_KMS",
                    cx.id(),
                    text_or_json(origin)
                ));
            }
        }
    }
    // `RotationPeriodInDays` takes 90 to 2560 days (CloudFormation's `AWS::KMS::Key`
    // reference): rotation that is on may still keep one key material for seven years.
    let period = cx.prop("/RotationPeriodInDays").map(|v| match whole_number(v) {
        Some(days) if days <= ROTATION_DAYS => cx.present("/RotationPeriodInDays"),
        Some(days) => Err(format!(
            "`RotationPeriodInDays` is {days}: the key material rotates only every {days} days; set it to {ROTATION_DAYS} or fewer, or remove it ({ROTATION_DAYS} is the default)"
        )),
        None => Err(format!(
            "`RotationPeriodInDays` is {}, which no rule can read as a number of days; write {ROTATION_DAYS} or fewer",
            text_or_json(v)
        )),
    });
    all([cx.equals("/EnableKeyRotation", &json!(true))]
        .into_iter()
        .chain(period))
}

/// `K1` of a replica of a multi-Region key, which has no rotation of its own: "A primary key
/// and its replica keys … have the same key spec, key usage, key material origin, and
/// automatic key rotation status" (KMS API reference, `ReplicateKey`), and "to enable or
/// disable automatic rotation of a set of related multi-Region keys, set the property on the
/// primary key" (KMS API reference, `EnableKeyRotation`; KMS developer guide, "Rotating
/// multi-Region keys"). So the replica holds as its primary key does, read as `K1` reads a key:
/// only a key of the app (`PrimaryKeyArn` naming an `AWS::KMS::Key` of the template by its
/// `Fn::GetAtt` or `Ref`, of another region's stack by hipaa-stack's parameter, or of another
/// stack by `Fn::ImportValue` of its export) can be read. A key written by its ARN is a key
/// of no stack of the app, whose rotation no template shows (a gap); a value read only at
/// deploy (an attribute of another resource, a dynamic reference) may be any key (a
/// failure).
fn k1_replica(cx: &Cx<'_>) -> Outcome {
    let Some(arn) = cx
        .prop("/PrimaryKeyArn")
        .filter(|v| !super::meaning::no_value(v))
    else {
        return Outcome::Fail(format!(
            "replica key `{}` names no primary key (`PrimaryKeyArn`): which key's rotation it follows is not shown",
            cx.id()
        ));
    };
    let Some(primary) = primary_key(cx, arn) else {
        let written = text(arn)
            .filter(|t| !super::identity::dynamic(t) && !t.contains(super::meaning::UNKNOWN));
        return match written {
            Some(t) => Outcome::Gap(format!(
                "replica key `{}` follows the rotation of its primary key `{t}`, which is no key of the app: whether it rotates is not shown; replicate a key of the app (`PrimaryKeyArn` the `Fn::GetAtt` of its `Arn`)",
                cx.id()
            )),
            None => Outcome::Fail(format!(
                "replica key `{}` names its primary key by {}, which no rule can read before deploy: whether the key it follows rotates is not shown; name a key of the app by the `Fn::GetAtt` of its `Arn`",
                cx.id(),
                text_or_json(arn)
            )),
        };
    };
    let named = cx.present("/PrimaryKeyArn");
    let whose = match primary.stack {
        s if s == cx.stack => format!("`{}`", primary.resource.logical_id()),
        s => format!("`{}` of stack `{s}`", primary.resource.logical_id()),
    };
    match k1(&primary) {
        Outcome::Pass(proofs) => {
            let other = (primary.stack != cx.stack).then_some(primary.stack);
            let proofs = proofs.into_iter().map(|p| Ok(p.with_stack(other)));
            all(std::iter::once(named).chain(proofs))
        }
        Outcome::Fail(why) => Outcome::Fail(format!(
            "replica key `{}` rotates as its primary key {whose} does, which does not: {why}",
            cx.id()
        )),
        Outcome::Gap(why) => Outcome::Gap(format!(
            "replica key `{}` rotates as its primary key {whose} does: {why}",
            cx.id()
        )),
        Outcome::NotApplicable => Outcome::NotApplicable,
    }
}

/// The `AWS::KMS::Key` of the app that a replica's `PrimaryKeyArn` names, as a context of
/// its own stack: a key of the template wholly named ([`super::meaning::names`]), a key of
/// another region's stack carried by hipaa-stack's template parameter, or a key of another
/// stack whose export of a value naming it is imported by name.
fn primary_key<'a>(cx: &Cx<'a>, arn: &Value) -> Option<Cx<'a>> {
    let key = |r: &Resource| r.type_name() == "AWS::KMS::Key";
    if let Some(own) = cx
        .template
        .resources()
        .iter()
        .find(|r| key(r) && super::meaning::names(arn, r.logical_id()))
    {
        return Some(cx.on(own));
    }
    let (stack, resource) = cx
        .across_regions(cx.template, arn)
        .filter(|(_, r)| key(r))
        .or_else(|| {
            let import = arn
                .get("Fn::ImportValue")
                .and_then(super::meaning::import_name)?;
            cx.importable(cx.at, "AWS::KMS::Key")
                .find_map(|(stack, r)| {
                    super::arn::exports_of(cx.template_of(stack), r.logical_id())
                        .iter()
                        .any(|(name, value)| {
                            *name == import && super::meaning::names(value, r.logical_id())
                        })
                        .then(|| (stack.unwrap_or(cx.stack), r))
                })
        })?;
    let at = cx.stacks.iter().position(|(name, _)| *name == stack)?;
    Some(Cx {
        template: cx.stacks[at].1,
        resource,
        stack: cx.stacks[at].0,
        at,
        ..*cx
    })
}

/// Whether a principal value names an account other than the stack's own: a 12-digit
/// account id, or an IAM/STS ARN of one, written as text (any spelling that resolves).
/// The stack's own account is written `${AWS::AccountId}` in the account field; a reference
/// to a role or user of the app is the app's. The pseudo parameter elsewhere in the text
/// (`arn:aws:iam::111122223333:role/reader-${AWS::AccountId}`) leaves the written account
/// another's. Blanks around the principal or its fields, and the case of `arn` and of the
/// service, are read away for the worst: ` 111122223333` or `ARN:aws:IAM::111122223333:root`
/// is another account's, not a principal no rule reads.
fn foreign_account(value: &Value) -> Option<String> {
    let t = super::meaning::sent(value)?;
    // The pseudo parameter as one field (its `::` would split it).
    let own = t.trim().replace("${AWS::AccountId}", "self");
    let parts: Vec<&str> = own.split(':').map(str::trim).collect();
    let account = match parts.as_slice() {
        [account] => *account,
        [arn, _, service, _, account, ..]
            if arn.eq_ignore_ascii_case("arn")
                && (service.eq_ignore_ascii_case("iam") || service.eq_ignore_ascii_case("sts")) =>
        {
            *account
        }
        _ => return None,
    };
    // An account id is exactly twelve digits.
    <[u8; 12]>::try_from(account.as_bytes())
        .is_ok_and(|digits| digits.iter().all(u8::is_ascii_digit))
        .then(|| t.clone())
}

/// What a key policy statement lets in that it must not: every principal, everyone but a
/// few (`NotPrincipal`), another account, a wildcard in a principal, or a principal no rule
/// can read before deploy.
fn key_policy_problem(cx: &Cx<'_>, statement: &Value) -> Option<String> {
    if !super::identity::allows(statement) || through_a_service_of_the_account(statement) {
        return None;
    }
    if statement.get("NotPrincipal").is_some() {
        return Some("allows every principal but those of `NotPrincipal`".to_owned());
    }
    let principal = &statement["Principal"];
    if super::identity::may_be_everyone(principal) {
        return Some("allows every principal (`*`), not confined to the account's requests through a service (`StringEquals` of `kms:CallerAccount` to `${AWS::AccountId}` and of `kms:ViaService` to a service)".to_owned());
    }
    // A principal made whole by an intrinsic (`{"Fn::GetAtt": [..]}` in place of
    // `{"AWS": ..}`) is read for the worst: it may be `*`.
    if principal.is_object()
        && !principal
            .as_object()
            .is_some_and(|m| m.keys().all(|k| PRINCIPAL_KINDS.contains(&k.as_str())))
    {
        return Some(format!(
            "names its principal by {}, which no rule can read before deploy (it may be `*`); write `{{\"AWS\": ..}}` with the ARNs of the app's roles or of `${{AWS::AccountId}}`",
            text_or_json(principal)
        ));
    }
    let entries = |kind: &str| match &principal[kind] {
        Value::Null => Vec::new(),
        v => super::meaning::one_or_many(v),
    };
    // IAM's `Principal` element ("AWS JSON policy elements: Principal", IAM user guide):
    // "You cannot use a wildcard to match part of a principal name or ARN"; only `*` (read
    // above) stands for every principal. A wildcard anywhere else is read for the worst.
    if let Some(wild) = PRINCIPAL_KINDS
        .iter()
        .flat_map(|kind| entries(kind))
        .filter_map(text)
        .find(|t| t.contains('*'))
    {
        return Some(format!("names the wildcard principal `{wild}`"));
    }
    if !entries("Service").is_empty() && !pinned_to_the_account(&statement["Condition"]) {
        let services: Vec<String> = entries("Service").into_iter().map(text_or_json).collect();
        return Some(format!(
            "lets the service principal {} use the key for whoever calls the service, in any account (the confused deputy: IAM User Guide, \"The confused deputy problem\"); pin the statement to the account with `StringEquals` of `aws:SourceAccount` to `${{AWS::AccountId}}`, or of `aws:SourceArn` or the service's `kms:EncryptionContext:…:arn` to an ARN in `${{AWS::AccountId}}`",
            services.join(", ")
        ));
    }
    let accounts = entries("AWS");
    if let Some(problem) = accounts.iter().find_map(|v| imported_principal(cx, v, 0)) {
        return Some(problem);
    }
    if let Some(unread) = accounts.iter().find(|v| unreadable_principal(cx, v)) {
        return Some(format!(
            "names the principal {}, which no rule can read before deploy (another resource's attribute may be any account, or `*`); write the ARN of a role or user of the app, or one of `${{AWS::AccountId}}`",
            text_or_json(unread)
        ));
    }
    accounts
        .into_iter()
        .find_map(foreign_account)
        .map(|a| format!("allows the principal `{a}` of another account"))
}

/// Whether the conditions of a key policy statement that names a service principal confine
/// it to requests the service makes for the stack's own account, so that the service
/// cannot be made to use the key for another account's resource (IAM User Guide, "The
/// confused deputy problem": "We recommend using the `aws:SourceArn`, `aws:SourceAccount`,
/// `aws:SourceOrgID`, or `aws:SourceOrgPaths` global condition context keys in resource
/// policies to limit the permissions that a service gives another service to the
/// resource"). `K3` admits the named service principals (HIPAA-CONTROLS: "the account root
/// plus the named service principals only") only so pinned to the account:
///
/// - `aws:SourceAccount` required to be `${AWS::AccountId}` ([`super::identity::pins`]);
/// - `aws:SourceArn`, or the ARN of the encryption context a service gives the key
///   (`kms:EncryptionContext:aws:logs:arn` of CloudWatch Logs, `…:aws:cloudtrail:arn` of
///   CloudTrail, `…:aws:s3:arn`: AWS KMS Developer Guide, "kms:EncryptionContext:context-key";
///   CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS"),
///   required by `StringEquals`, `StringLike`, `ArnEquals` or `ArnLike` (alone or after
///   `ForAnyValue:`) to be ARNs each of which writes `${AWS::AccountId}` as its account
///   and nothing else there (no wildcard, no other account).
///
/// An organization (`aws:SourceOrgID`, `aws:SourceOrgPaths`) admits every account of it,
/// which the template cannot show to be the app's: not enough here, as for principals.
/// A negation, an `…IfExists`, a `ForAllValues:` or a `Null` check holds when the key is
/// absent (see [`super::identity::required`]) and pins nothing.
fn pinned_to_the_account(conditions: &Value) -> bool {
    let own = |t: &str| t == "${AWS::AccountId}";
    if super::identity::pins(conditions, &["aws:sourceaccount"], &own) {
        return true;
    }
    let arn_keys = |key: &str| {
        key == "aws:sourcearn"
            || key
                .strip_prefix("kms:encryptioncontext:")
                .is_some_and(|rest| rest.starts_with("aws:") && rest.ends_with(":arn"))
    };
    let in_the_account = |v: &Value| {
        text(v).is_some_and(|t| {
            let t = t.trim();
            let fields = t.replace("${AWS::", "${AWS-");
            let parts: Vec<&str> = fields.split(':').collect();
            super::identity::written_as_is(&t.replace(['*', '?'], ""))
                && matches!(parts.as_slice(), [arn, _, _, _, "${AWS-AccountId}", ..] if arn.eq_ignore_ascii_case("arn"))
        })
    };
    conditions
        .as_object()
        .into_iter()
        .flatten()
        .any(|(operator, keys)| {
            let operator = operator.trim().to_ascii_lowercase();
            let base = operator.strip_prefix("foranyvalue:").unwrap_or(&operator);
            matches!(
                base,
                "stringequals" | "stringlike" | "arnequals" | "arnlike"
            ) && keys.as_object().into_iter().flatten().any(|(key, values)| {
                let values = super::meaning::one_or_many(values);
                arn_keys(&key.trim().to_ascii_lowercase())
                    && !values.is_empty()
                    && values.into_iter().all(in_the_account)
            })
        })
}

/// Whether a statement holds only for requests that an AWS service makes for a principal of
/// the stack's own account: its conditions require `kms:CallerAccount` to be
/// `${AWS::AccountId}` and `kms:ViaService` to be one named service, each under an
/// operator that requires the key to hold what it names. Whatever its `Principal` (`*`
/// included), such a statement admits no one outside the account, and no one inside it
/// who may not use the service: AWS KMS Developer Guide, "AWS KMS condition keys",
/// `kms:CallerAccount` ("you can achieve this effect", all identities in an AWS account,
/// "by combining this condition key with a Principal element that specifies all AWS
/// identities"; the AWS managed key for Amazon EBS does so together with
/// `kms:ViaService`), and `kms:ViaService` ("limits use of a KMS key to requests from
/// specified AWS services"; the principals for whom the service calls "must have …
/// permission to use the integrated service"). Conditions of a statement must all hold,
/// so any other condition only narrows it.
///
/// Read exactly, or not at all, as [`super::identity::pins`] reads a condition (keys in any
/// case; `StringEquals`, `StringEqualsIgnoreCase` or `StringLike` without a wildcard, alone
/// or after `ForAnyValue:`; no policy variable, dynamic reference or part read at deploy).
/// Every value of the account must be `${AWS::AccountId}` (a number may be another
/// account's), and every service a name ending in `.amazonaws.com` (the ViaService names of
/// the KMS guide's table, in every partition).
///
/// The global key `aws:PrincipalAccount` binds the caller's account as `kms:CallerAccount`
/// does: it is "the account to which the requesting principal belongs" (IAM User Guide,
/// "AWS global condition context keys"), and a KMS request's caller is its principal.
/// An organization binding (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`) is not enough,
/// even with a literal id: it admits every account of the organization, and `K3` refuses
/// a key policy's principal of another account ([`foreign_account`]), which the template
/// cannot show an organization to hold none of.
fn through_a_service_of_the_account(statement: &Value) -> bool {
    use super::identity::pins;
    let conditions = &statement["Condition"];
    let account = |t: &str| t == "${AWS::AccountId}";
    let service = |t: &str| {
        t.to_ascii_lowercase()
            .strip_suffix(".amazonaws.com")
            .is_some_and(|name| name.starts_with(|c: char| c.is_ascii_alphanumeric()))
    };
    pins(
        conditions,
        &["kms:calleraccount", "aws:principalaccount"],
        &account,
    ) && pins(conditions, &["kms:viaservice"], &service)
}

/// The kinds of principal a policy's `Principal` object names (IAM user guide, "AWS JSON
/// policy elements: Principal").
pub(super) const PRINCIPAL_KINDS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

/// What an `AWS` principal of a key policy that is an import lets in that it must not, read
/// as X2 reads an imported principal of a bucket policy: the import of an export of a
/// resource of the app (a role's `Arn`) is that resource
/// ([`super::flows::imports_a_resource`]); any other export is the principal it carries
/// ("returns the value of an output exported by another stack", CloudFormation User Guide,
/// `Fn::ImportValue`), read in the stack that makes it ([`super::flows::export_named`]):
/// another account written as text (`arn:aws:iam::999999999999:root`) is that account's,
/// and a value no rule can read is read for the worst. An export of no stack of the app in
/// this stack's region and account (or a name known only at deploy) may carry any account.
fn imported_principal(cx: &Cx<'_>, value: &Value, depth: usize) -> Option<String> {
    use super::flows::{Export, export_named};
    if !super::meaning::imported(value) || super::flows::imports_a_resource(cx, value) {
        return None;
    }
    let made = value
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.get("Fn::ImportValue"))
        .and_then(super::meaning::import_name)
        .map(|name| export_named(cx, &name));
    let Some(Export::Made(there, carried)) = made.filter(|_| depth < 4) else {
        return Some(format!(
            "names the principal {}, the import of an export that no stack of the app in this stack's region and account makes as a principal it can read: it may be any account; import the `Arn` of a role of the app, or write one of `${{AWS::AccountId}}`",
            text_or_json(value)
        ));
    };
    if let Some(problem) = imported_principal(&there, &carried, depth + 1) {
        return Some(problem);
    }
    if let Some(wild) = text(&carried).filter(|t| t.contains('*')) {
        return Some(format!(
            "names the wildcard principal `{wild}`, carried by the import {}",
            text_or_json(value)
        ));
    }
    if let Some(account) = foreign_account(&carried) {
        return Some(format!(
            "allows the principal `{account}` of another account, carried by the import {}",
            text_or_json(value)
        ));
    }
    unreadable_principal(&there, &carried).then(|| {
        format!(
            "names the principal {}, whose export {} no rule can read before deploy (another resource's attribute may be any account, or `*`); export the ARN of a role or user of the app, or one of `${{AWS::AccountId}}`",
            text_or_json(value),
            text_or_json(&carried)
        )
    })
}

/// Whether an `AWS` principal of a key policy cannot be read before deploy: not text, not
/// an ARN of the stack's own account (`arn:…:iam::${AWS::AccountId}:…`, whatever its name),
/// not wholly an attribute of a role or user of the template, nor an import or a value of
/// the app carried from another region. The attribute of any other resource (an SSM
/// parameter's `Value`, a custom resource's output) may be another account, or `*`.
fn unreadable_principal(cx: &Cx<'_>, value: &Value) -> bool {
    if text(value).is_some()
        || super::meaning::imported(value)
        || cx.across_regions(cx.template, value).is_some()
    {
        return false;
    }
    // The pseudo parameters as one field each (their `::` would split them).
    let skeleton = super::meaning::skeleton_sent(value)
        .replace("${AWS::AccountId}", "\u{0}self")
        .replace("${AWS::Partition}", "aws");
    let own_arn = matches!(
        skeleton.split(':').collect::<Vec<_>>().as_slice(),
        ["arn", _, "iam" | "sts", _, "\u{0}self", ..]
    );
    let identity_of_the_app = || {
        cx.template.resources().iter().any(|r| {
            matches!(r.type_name(), "AWS::IAM::Role" | "AWS::IAM::User")
                && super::meaning::names(value, r.logical_id())
        })
    };
    !(own_arn || identity_of_the_app())
}

fn k3(cx: &Cx<'_>) -> Outcome {
    let Some(document) = policy_document(cx.resource, "/KeyPolicy") else {
        return Outcome::Fail("`KeyPolicy` has no statements".to_owned());
    };
    // A statement (or the list) written whole as an intrinsic function (`Fn::Select` of a
    // list of statements, an SSM parameter's value) may let anyone use the key: read as I8
    // and I2 read theirs.
    if let Some(why) = super::identity::unreadable_statements(&document, "KeyPolicy") {
        return Outcome::Fail(format!(
            "{why}: it may let every principal use the key; write the key policy's statements in the template"
        ));
    }
    let listed = statements(&document);
    if listed.is_empty() {
        return Outcome::Fail("`KeyPolicy` has no statements".to_owned());
    }
    // A principal that a parameter, custom resource or nested stack hands out at deploy
    // (`Fn::GetAtt` of an SSM parameter's `Value`) may be `*`: read by
    // `unreadable_principal` where the document is an object, and here where it is text.
    let text_carries = super::identity::text_carries_a_value(cx, "/KeyPolicy");
    let problems: Vec<String> = listed
        .iter()
        .filter_map(|(suffix, s)| {
            let carried = super::identity::allows(s)
                && text_carries
                && super::identity::may_be_carried(cx, &s["Principal"], true);
            (if carried {
                Some("names its principal by a value that a parameter, custom resource or nested stack hands out at deploy, which may be `*`; write the ARNs of the app's roles or of `${AWS::AccountId}`".to_owned())
            } else {
                key_policy_problem(cx, s)
            })
            .map(|p| format!("key policy statement `{suffix}` {p}"))
        })
        .collect();
    if !problems.is_empty() {
        return Outcome::Fail(problems.join("; "));
    }
    all([cx.present("/KeyPolicy")])
}

/// T1: the trail delivers to CloudWatch Logs, into a log group of the app, which L1 and L2
/// read (its key and retention). CloudTrail writes into the group of
/// `CloudWatchLogsLogGroupArn` and creates none ("You must use a log group that exists in
/// your account", CloudTrail API reference, `CreateTrail` `CloudWatchLogsLogGroupArn`): a
/// group of no template of the app exists already, and nothing shows its key or retention.
/// So the group is read as E13 reads a flow log's and OS2 a domain's
/// ([`trail_log_group_outside_the_app`]): a group of the app passes; a group written whole
/// as text that is of no template (another account's, a group made by hand) is a gap, as
/// E13 holds one; a value no rule can read before deploy fails, since it may be any group.
fn t1(cx: &Cx<'_>) -> Outcome {
    let settings = all([
        cx.present("/CloudWatchLogsLogGroupArn"),
        cx.present("/CloudWatchLogsRoleArn"),
    ]);
    let Outcome::Pass(_) = settings else {
        return settings;
    };
    match cx
        .prop("/CloudWatchLogsLogGroupArn")
        .and_then(|arn| trail_log_group_outside_the_app(cx, arn))
    {
        None => settings,
        Some(outcome) => outcome,
    }
}

/// Why a trail's `CloudWatchLogsLogGroupArn` is not shown to be a log group of the app, as
/// a gap or a failure, or `None` when it is one: the one reading of "a log group of the app"
/// that OS2 shares ([`super::services::log_group_outside_the_app`]). CloudTrail delivers
/// only to a group of the trail's own account and region, so an ARN that writes them as
/// text names a group of the trail's own template by its written name.
fn trail_log_group_outside_the_app(cx: &Cx<'_>, arn: &Value) -> Option<Outcome> {
    super::services::log_group_outside_the_app(
        cx,
        arn,
        &super::services::LogWriter {
            property: "`CloudWatchLogsLogGroupArn`",
            writer: "the trail",
            own_account_only: true,
        },
    )
}

/// A trail's log files, and the events of a CloudTrail Lake event data store (the same
/// management and data events, S3 object access of PHI included, kept up to ten years), each
/// encrypted under a customer-managed key. An event data store names its key in `KmsKeyId`
/// ("Specifies the AWS KMS key ID to use to encrypt the events delivered by CloudTrail",
/// CloudTrail API reference, `CreateEventDataStore`; CloudFormation's
/// `AWS::CloudTrail::EventDataStore` `KmsKeyId`), which AWS Config checks as
/// `event-data-store-cmk-encryption-enabled`; without one, no customer-managed key encrypts
/// the events.
fn t2(cx: &Cx<'_>) -> Outcome {
    let pointer = if cx.resource.type_name() == EVENT_DATA_STORE {
        "/KmsKeyId"
    } else {
        "/KMSKeyId"
    };
    all([customer_key(cx, pointer)])
}

fn t3(cx: &Cx<'_>) -> Outcome {
    all([cx.equals("/EnableLogFileValidation", &json!(true))])
}

fn t4(cx: &Cx<'_>) -> Outcome {
    // Advanced event selectors replace the basic ones (CloudTrail `PutEventSelectors`: "if
    // you apply AdvancedEventSelectors to a trail, any existing EventSelectors are
    // overwritten").
    if let Some(advanced) = cx
        .prop("/AdvancedEventSelectors")
        .filter(|v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
    {
        return advanced_selectors(cx, advanced);
    }
    let Some(selectors) = cx.prop("/EventSelectors").and_then(Value::as_array) else {
        return Outcome::Fail("`EventSelectors` is not set".to_owned());
    };
    if let Some(bucket) = directory_bucket(cx) {
        return Outcome::Fail(format!(
            "trail `{}` selects its events with `EventSelectors`, which log no object access of a directory bucket (\"To log data events for all other resource types including objects stored in directory buckets, you must use AdvancedEventSelectors\", CloudFormation's `AWS::CloudTrail::Trail` DataResource), and the app holds the directory bucket `{bucket}`: write `AdvancedEventSelectors` that also select `eventCategory` `Data` of `resources.type` `AWS::S3Express::Object`",
            cx.id()
        ));
    }
    // CloudTrail logs an event that matches any selector (CloudTrail API Reference,
    // `EventSelector`: "if the event matches any event selector, the trail processes and
    // logs the event"), and `ReadWriteType` selects "read-only events, write-only events,
    // or all": the management events and the S3 object access may be selected by
    // different selectors, and the reads and the writes of each too.
    let management = [Side::Reads, Side::Writes].map(|side| management_events(selectors, side));
    let objects = [Side::Reads, Side::Writes].map(|side| {
        selectors
            .iter()
            .position(|s| side.of(read_write(s)) && all_object_access(s))
            .map(|i| vec![i])
    });
    match (management, objects) {
        ([Some(mr), Some(mw)], [Some(or), Some(ow)]) => {
            let mut used: Vec<usize> = [mr, mw, or, ow].concat();
            used.sort_unstable();
            used.dedup();
            all(used
                .into_iter()
                .map(|i| cx.proof(&format!("/EventSelectors/{i}")).ok_or_default()))
        }
        ([mr, mw], _) if mr.is_none() || mw.is_none() => Outcome::Fail(format!(
            "no event selector records all management {} (none left out by `ExcludeManagementEventSources`, in one selector or in every one that records them)",
            missing(mr.is_none(), mw.is_none())
        )),
        (_, [or, ow]) => Outcome::Fail(format!(
            "no event selector records S3 object {} on every bucket (`AWS::S3::Object` data events on `arn:aws:s3:::`, with a `ReadWriteType` that takes them)",
            missing(or.is_none(), ow.is_none())
        )),
    }
}

/// Reads or writes: what `ReadWriteType` (basic selectors) or the `readOnly` field
/// (advanced selectors) selects of the events of a category.
#[derive(Clone, Copy)]
enum Side {
    Reads,
    Writes,
}

impl Side {
    fn of(self, (reads, writes): (bool, bool)) -> bool {
        match self {
            Side::Reads => reads,
            Side::Writes => writes,
        }
    }
}

/// How a failure names the events no selector records.
fn missing(reads: bool, writes: bool) -> &'static str {
    match (reads, writes) {
        (true, true) => "events, reads and writes,",
        (true, false) => "reads (read-only events)",
        _ => "writes (write-only events)",
    }
}

/// Which of reads and writes a basic event selector selects: both for `ReadWriteType` `All`
/// (its default when not written), reads for `ReadOnly`, writes for `WriteOnly`
/// (CloudTrail API Reference, `EventSelector`), none for anything else.
fn read_write(selector: &Value) -> (bool, bool) {
    let Some(kind) = selector
        .get("ReadWriteType")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v))
    else {
        return (true, true);
    };
    match text(kind).map(|t| t.trim().to_ascii_lowercase()).as_deref() {
        Some("all") => (true, true),
        Some("readonly") => (true, false),
        Some("writeonly") => (false, true),
        _ => (false, false),
    }
}

/// The basic selectors that together record every management event of one side, or `None`:
/// the selectors that include management events (their default) and select the side, of
/// which no source of events is left out by all (`ExcludeManagementEventSources` drops the
/// events of AWS KMS or the RDS Data API: every decryption of PHI). A source one selector
/// leaves out and another records is recorded; a list that cannot be read is read as
/// leaving out every source.
fn management_events(selectors: &[Value], side: Side) -> Option<Vec<usize>> {
    let mut left_out: Option<std::collections::BTreeSet<String>> = None;
    let mut used = Vec::new();
    for (i, selector) in selectors.iter().enumerate() {
        let includes = selector
            .get("IncludeManagementEvents")
            .is_none_or(super::is_true);
        if !includes || !side.of(read_write(selector)) {
            continue;
        }
        let excluded = match selector.get("ExcludeManagementEventSources") {
            None | Some(Value::Null) => Some(Default::default()),
            Some(v) if super::meaning::no_value(v) => Some(Default::default()),
            Some(Value::Array(sources)) => sources
                .iter()
                .map(|s| text(s).map(|t| t.trim().to_ascii_lowercase()))
                .collect::<Option<std::collections::BTreeSet<String>>>(),
            Some(_) => None,
        };
        let Some(excluded) = excluded else {
            continue;
        };
        left_out = Some(match left_out {
            None => excluded,
            Some(before) => before.intersection(&excluded).cloned().collect(),
        });
        used.push(i);
    }
    left_out.is_some_and(|l| l.is_empty()).then_some(used)
}

/// T4 on a trail's `AdvancedEventSelectors`: the selectors together must select every
/// management event and every S3 object event, reads and writes. A selector's field
/// selectors are ANDed, its selectors ORed; any field but `eventCategory`, `readOnly` (and
/// `resources.type` for data events) narrows what it selects: `eventSource`, `eventName`,
/// `resources.ARN` (CloudFormation's `AWS::CloudTrail::Trail AdvancedEventSelector` and
/// `AdvancedFieldSelector` references). `readOnly` Equals `true` selects the reads, `false`
/// the writes: a selector of the reads and one of the writes select every event.
fn advanced_selectors(cx: &Cx<'_>, advanced: &Value) -> Outcome {
    let selectors = advanced.as_array().map(Vec::as_slice).unwrap_or_default();
    let side = |category: &str, resource: Option<&str>, side: Side| {
        selectors
            .iter()
            .position(|s| side.of(selects_every(s, category, resource)))
    };
    let management = [Side::Reads, Side::Writes].map(|s| side("Management", None, s));
    let objects = [Side::Reads, Side::Writes].map(|s| side("Data", Some("AWS::S3::Object"), s));
    // The objects of the app's directory buckets are data events of their own resource type.
    let express = directory_bucket(cx).map(|bucket| {
        (
            bucket,
            [Side::Reads, Side::Writes].map(|s| side("Data", Some(EXPRESS_OBJECT), s)),
        )
    });
    if let Some((bucket, [er, ew])) = &express
        && (er.is_none() || ew.is_none())
    {
        return Outcome::Fail(format!(
            "`AdvancedEventSelectors` of trail `{}` select no {} of the objects of directory buckets, and the app holds the directory bucket `{bucket}`: write a selector with only `eventCategory` Equals `Data` and `resources.type` Equals `{EXPRESS_OBJECT}` (S3 user guide, \"Logging with AWS CloudTrail for directory buckets\")",
            cx.id(),
            match (er.is_none(), ew.is_none()) {
                (true, true) => "reads or writes",
                (true, false) => "reads",
                _ => "writes",
            }
        ));
    }
    let express_used: Vec<usize> = express
        .iter()
        .flat_map(|(_, sides)| sides.iter().flatten().copied())
        .collect();
    match (management, objects) {
        ([Some(mr), Some(mw)], [Some(or), Some(ow)]) => {
            let mut used = vec![mr, mw, or, ow];
            used.extend(express_used);
            used.sort_unstable();
            used.dedup();
            all(used.into_iter().map(|i| {
                cx.proof(&format!("/AdvancedEventSelectors/{i}"))
                    .ok_or_default()
            }))
        }
        ([mr, mw], [or, ow]) => Outcome::Fail(format!(
            "`AdvancedEventSelectors` of trail `{}` replace `EventSelectors`, and none of them selects {}: write one selector with only `eventCategory` Equals `Management`, and one with only `eventCategory` Equals `Data` and `resources.type` Equals `AWS::S3::Object` (a `readOnly` field narrows a selector to reads or writes)",
            cx.id(),
            if mr.is_none() || mw.is_none() {
                format!(
                    "every management event ({})",
                    missing(mr.is_none(), mw.is_none()).trim_end_matches(',')
                )
            } else {
                format!(
                    "every S3 object event ({})",
                    missing(or.is_none(), ow.is_none()).trim_end_matches(',')
                )
            }
        )),
    }
}

/// The resource type of the data events of the objects of directory buckets: "To log data
/// events for objects stored in directory buckets, you must use advanced event selectors …
/// the resource type which is `AWS::S3Express::Object`" (S3 user guide, "Logging with AWS
/// CloudTrail for directory buckets").
const EXPRESS_OBJECT: &str = "AWS::S3Express::Object";

/// A directory bucket of the app (S3 Express One Zone, whose objects `S1` and `D1` hold to
/// be PHI as much as a general purpose bucket's), as a finding names it: its object access
/// is logged only by an advanced event selector of `AWS::S3Express::Object`, which a trail
/// must then write.
fn directory_bucket(cx: &Cx<'_>) -> Option<String> {
    cx.everywhere("AWS::S3Express::DirectoryBucket")
        .next()
        .map(|(stack, bucket)| match stack {
            Some(stack) => format!("{stack}/{}", bucket.logical_id()),
            None => bucket.logical_id().to_owned(),
        })
}

/// Which of reads and writes an advanced event selector selects of every event of
/// `category` (of the resource type `resource`, for data events): its field selectors are
/// only `Equals` of `eventCategory` naming the category, for data events of
/// `resources.type` naming the type, and of `readOnly` (`true` the reads, `false` the
/// writes; both when not written).
fn selects_every(selector: &Value, category: &str, resource: Option<&str>) -> (bool, bool) {
    const NONE: (bool, bool) = (false, false);
    let Some(fields) = selector["FieldSelectors"].as_array() else {
        return NONE;
    };
    // Only `Equals` narrows to the values it lists; any other operator narrows further.
    let equals = |f: &Value| -> Option<Vec<String>> {
        let m = f.as_object()?;
        if !m.keys().all(|k| k == "Field" || k == "Equals") {
            return None;
        }
        m.get("Equals")?.as_array().map(|values| {
            values
                .iter()
                .filter_map(text)
                .map(|v| v.trim().to_owned())
                .collect()
        })
    };
    let names = |f: &Value, wanted: &str| {
        equals(f).is_some_and(|values| values.iter().any(|v| v.eq_ignore_ascii_case(wanted)))
    };
    let mut has_category = false;
    let mut has_resource = resource.is_none();
    let mut sides = (true, true);
    for field in fields {
        let name = text(&field["Field"]).unwrap_or_default();
        let name = name.trim();
        if name.eq_ignore_ascii_case("eventCategory") && names(field, category) {
            has_category = true;
        } else if let Some(kind) = resource
            && name.eq_ignore_ascii_case("resources.type")
            && names(field, kind)
        {
            has_resource = true;
        } else if name.eq_ignore_ascii_case("readOnly")
            && let Some(values) = equals(field)
        {
            let listed = |b: &str| values.iter().any(|v| v.eq_ignore_ascii_case(b));
            sides = (sides.0 && listed("true"), sides.1 && listed("false"));
        } else {
            return NONE;
        }
    }
    if has_category && has_resource {
        sides
    } else {
        NONE
    }
}

/// Whether an event selector records every access to the objects of every bucket, of the
/// reads and writes its `ReadWriteType` selects: an `AWS::S3::Object` data resource on
/// `arn:aws:s3:::` (or `arn:aws:s3`), in any partition.
fn all_object_access(selector: &Value) -> bool {
    selector["DataResources"].as_array().is_some_and(|d| {
        d.iter().any(|r| {
            text(&r["Type"]).is_some_and(|t| t == "AWS::S3::Object")
                && r["Values"].as_array().is_some_and(|v| {
                    v.iter().filter_map(text).any(|x| {
                        let x = x
                            .replace("arn:aws-us-gov:", "arn:aws:")
                            .replace("arn:aws-cn:", "arn:aws:");
                        x == "arn:aws:s3:::" || x == "arn:aws:s3"
                    })
                })
        })
    })
}

fn t5(cx: &Cx<'_>) -> Outcome {
    all([
        cx.equals("/IsMultiRegionTrail", &json!(true)),
        cx.equals("/IncludeGlobalServiceEvents", &json!(true)),
    ])
}

fn t6(cx: &Cx<'_>) -> Outcome {
    all([cx.equals("/IsLogging", &json!(true))])
}

/// The fewest days `T7` asks audit records to be kept: the year `L2` asks of log groups.
const AUDIT_DAYS: i64 = 365;

/// `T7`: the audit records outlive a year where they are kept. HIPAA asks that the
/// documentation of the security rule's actions and assessments be kept six years
/// (§164.316(b)(2)(i)); the audit controls (§164.312(b)) are only as good as the records
/// they keep. `T1` and `L2` keep a trail's events a year in its log group; this keeps the
/// trail's own log files (whose digests `T3` validates) as long in its bucket, and a
/// CloudTrail Lake event data store's events in the store.
fn t7(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == EVENT_DATA_STORE {
        return t7_event_data_store(cx);
    }
    let Some(named) = cx
        .prop("/S3BucketName")
        .filter(|v| !super::meaning::no_value(v))
    else {
        return Outcome::Fail("`S3BucketName` is not set".to_owned());
    };
    // CloudTrail delivers to a bucket of any region: a bucket of the app named by its
    // written name is read whatever its stack's region (an import still resolves only in
    // the trail's region and account).
    let NamedBucket::Bucket(on) = bucket_named(cx, named, Delivery::AnyRegion, 0) else {
        return Outcome::Gap(format!(
            "`S3BucketName` is {}, no bucket of the app: how long it keeps the trail's log files is not read; name a bucket of the app",
            text_or_json(named)
        ));
    };
    let stack = (on.stack != cx.stack).then_some(on.stack);
    let bucket = on.resource;
    let prefix = cx
        .prop("/S3KeyPrefix")
        .filter(|v| !super::meaning::no_value(v))
        .map_or(Some(String::new()), |p| {
            text(p).map(|p| format!("{}/", p.trim_end_matches('/')))
        });
    let keys = prefix.map(|p| format!("{p}AWSLogs/"));
    let rules = on
        .prop("/LifecycleConfiguration/Rules")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut checks = vec![cx.proof("/S3BucketName").ok_or_default()];
    for (i, rule) in rules.iter().enumerate() {
        let off = text(&rule["Status"]).is_some_and(|s| s.trim() == "Disabled");
        if off || !reaches_the_trail(rule, keys.as_deref()) {
            continue;
        }
        let whose = match stack {
            Some(stack) => format!("bucket `{}` of stack `{stack}`", bucket.logical_id()),
            None => format!("bucket `{}`", bucket.logical_id()),
        };
        if let Some(date) = rule
            .get("ExpirationDate")
            .filter(|v| !super::meaning::no_value(v))
        {
            checks.push(Err(format!(
                "lifecycle rule {i} of the trail's {whose} expires every log file on {}: the audit records go then; remove the `ExpirationDate`",
                text_or_json(date)
            )));
        }
        if let Some(days) = rule
            .get("ExpirationInDays")
            .filter(|v| !super::meaning::no_value(v))
        {
            match super::meaning::whole_number(days) {
                Some(d) if d >= AUDIT_DAYS => {}
                Some(d) => checks.push(Err(format!(
                    "lifecycle rule {i} of the trail's {whose} deletes log files after {d} days: keep them {AUDIT_DAYS} days or more"
                ))),
                None => checks.push(Err(format!(
                    "lifecycle rule {i} of the trail's {whose} expires log files after {}, which no rule can read as a number of days: write {AUDIT_DAYS} or more",
                    text_or_json(days)
                ))),
            }
        }
    }
    all(checks)
}

/// Whether a lifecycle rule may reach the keys a trail writes (`keys`: `PREFIX/AWSLogs/`,
/// `None` when the prefix is known only at deploy). CloudTrail writes its log files
/// untagged under `AWSLogs/` after the trail's `S3KeyPrefix` (CloudTrail user guide,
/// "Finding your CloudTrail log files"), so a rule filtered by tags reaches none of them,
/// and one filtered by a written prefix reaches them only when that prefix and the trail's
/// keys overlap (one starts with the other). Every other rule (no filter, a size filter, a
/// prefix known only at deploy) may reach them.
fn reaches_the_trail(rule: &Value, keys: Option<&str>) -> bool {
    let filter = &rule["Filter"];
    let and = &filter["And"];
    let tagged = |v: &Value| {
        !v.is_null() && !super::meaning::no_value(v) && v.as_array().is_none_or(|a| !a.is_empty())
    };
    if tagged(&rule["TagFilters"]) || tagged(&filter["Tag"]) || tagged(&and["Tags"]) {
        return false;
    }
    let prefix = [&rule["Prefix"], &filter["Prefix"], &and["Prefix"]]
        .into_iter()
        .find(|v| !v.is_null() && !super::meaning::no_value(v));
    match (prefix.map(text), keys) {
        (Some(Some(p)), Some(keys)) => keys.starts_with(p.as_str()) || p.starts_with(keys),
        _ => true,
    }
}

/// `T7` of a CloudTrail Lake event data store: `RetentionPeriod` ("The retention period of
/// the event data store, in days", CloudFormation reference,
/// `AWS::CloudTrail::EventDataStore`; seven years, 2557 days, when not written) of a year
/// or more, `IngestionEnabled` not false (a store that takes in no events records
/// nothing, as a trail that is not logging), and `TerminationProtectionEnabled` not false
/// (true by default: without it, `DeleteEventDataStore` deletes the records).
fn t7_event_data_store(cx: &Cx<'_>) -> Outcome {
    let written = |pointer: &str| {
        cx.prop(pointer)
            .filter(|v| !v.is_null() && !super::meaning::no_value(v))
    };
    let mut checks = vec![proof_of(cx.resource, "").ok_or_default()];
    if let Some(days) = written("/RetentionPeriod") {
        checks.push(match super::meaning::whole_number(days) {
            Some(d) if d >= AUDIT_DAYS => cx.present("/RetentionPeriod"),
            Some(d) => Err(format!(
                "`RetentionPeriod` is {d}: the store keeps events {d} days; keep them {AUDIT_DAYS} days or more"
            )),
            None => Err(format!(
                "`RetentionPeriod` is {}, which no rule can read as a number of days; write {AUDIT_DAYS} or more",
                text_or_json(days)
            )),
        });
    }
    for (pointer, what) in [
        ("/IngestionEnabled", "the store takes in no events"),
        (
            "/TerminationProtectionEnabled",
            "`DeleteEventDataStore` deletes the store and its events",
        ),
    ] {
        if let Some(v) = written(pointer) {
            checks.push(if super::is_true(v) {
                cx.present(pointer)
            } else {
                Err(format!(
                    "`{}` is {}: {what}; leave it unset or true",
                    super::pointer_name(pointer),
                    text_or_json(v)
                ))
            });
        }
    }
    all(checks)
}

/// L4: RDS publishes each exported log "as a separate database stream in the log group"
/// `/aws/rds/instance/<instance>/<log>` (RDS user guide, "Publishing MySQL logs to Amazon
/// CloudWatch Logs"; `/aws/rds/cluster/<cluster>/<log>` for a DB cluster), a group it
/// creates itself when none of that name exists: with no customer key and no expiry,
/// outside any template, so that L1 and L2 never read it. A template closes this only by
/// naming the database and declaring each group beside it; RDS stores the identifier "as a
/// lowercase string" (RDS API reference, `CreateDBInstance`), so the group's name is read
/// in lower case. Naming has a price that the rule does not ask a template to pay
/// (CloudFormation cannot replace a resource of a name given by the template, "Name type"):
/// an unnamed database is a gap the report shows, with what to do after deploy; a named
/// one without its groups fails, since the groups then cost nothing more.
///
/// DocumentDB and Neptune clusters export the same way, by the same property (which `DD3`
/// asks for), into `/aws/docdb/<cluster>/<log>` and `/aws/neptune/<cluster>/<log>`: the
/// groups that AWS's own CDK constructs give a retention (`aws-cdk-lib/aws-docdb`
/// `DatabaseCluster`, `@aws-cdk/aws-neptune-alpha` `DatabaseCluster`: `LogRetention` of
/// `/aws/docdb/${clusterIdentifier}/${log}`, `/aws/neptune/${clusterIdentifier}/${log}`);
/// both store the identifier in lower case, as RDS does (DocumentDB and Neptune API
/// references, `CreateDBCluster` `DBClusterIdentifier`: "This parameter is stored as a
/// lowercase string").
fn l4(cx: &Cx<'_>) -> Outcome {
    let (service, kind, property) = match cx.resource.type_name() {
        LAMBDA_FUNCTION => return l4_function(cx),
        REST_STAGE => return l4_rest_stage(cx),
        GRAPHQL_API => return l4_graphql_api(cx),
        EVENT_API | V2_STAGE => return l4_named_by_the_service(cx),
        super::eks::EKS_CLUSTER => return l4_eks_cluster(cx),
        "AWS::RDS::DBCluster" => ("RDS", "rds/cluster", "/DBClusterIdentifier"),
        "AWS::DocDB::DBCluster" => ("DocumentDB", "docdb", "/DBClusterIdentifier"),
        "AWS::Neptune::DBCluster" => ("Neptune", "neptune", "/DBClusterIdentifier"),
        REDSHIFT_CLUSTER => return l4_redshift(cx),
        REDSHIFT_NAMESPACE => return l4_redshift_serverless(cx),
        // An instance of a cluster exports what its cluster exports: judged on that
        // cluster, or failed when the cluster is of no template of the app (as the other
        // rules of a database fail it), since no rule reads where that cluster's logs go.
        _ => match cluster_member(cx, "where the cluster writes the logs it exports") {
            Some(outcome) => return outcome,
            None => ("RDS", "rds/instance", "/DBInstanceIdentifier"),
        },
    };
    exported_into_groups(cx, service, kind, property, "/EnableCloudwatchLogsExports")
}

/// L4 of a provisioned Redshift cluster that sends its audit logs to CloudWatch Logs
/// (`LoggingProperties.LogDestinationType` cloudwatch, the logs of `LogExports`): "A new log
/// group is automatically created … `/aws/redshift/cluster/<cluster_name>/<log_type>`"
/// (Amazon Redshift management guide, "Database audit logging", "Log groups and log events
/// in Amazon CloudWatch"), with no customer key and no expiry unless the stack declares it,
/// as RDS does (Redshift Serverless: "A log group with the specified name exists. Redshift
/// exports log data using the existing log group", "Audit logging for Amazon Redshift
/// Serverless"). A cluster that logs to S3 writes into no log group (RS3 reads it). The
/// cluster's identifier is lower case (CloudFormation's `AWS::Redshift::Cluster`
/// `ClusterIdentifier`: "All alphabetical characters must be lower case").
fn l4_redshift(cx: &Cx<'_>) -> Outcome {
    const DESTINATION: &str = "/LoggingProperties/LogDestinationType";
    const EXPORTS: &str = "/LoggingProperties/LogExports";
    let Some(destination) = cx
        .prop(DESTINATION)
        .filter(|v| !super::meaning::no_value(v))
    else {
        return Outcome::NotApplicable;
    };
    match text(destination).filter(|t| !t.contains("${") && !super::identity::dynamic(t)) {
        Some(t) if t.trim().eq_ignore_ascii_case("cloudwatch") => {}
        Some(_) => return Outcome::NotApplicable,
        None => {
            return Outcome::Fail(format!(
                "`LoggingProperties.LogDestinationType` is {}, which no rule can read before deploy: Redshift may export the audit logs into log groups it creates itself, with no customer key and no expiry; write s3 or cloudwatch",
                text_or_json(destination)
            ));
        }
    }
    if cx.prop(EXPORTS).is_none() {
        return Outcome::Gap(
            "the cluster sends its audit logs to CloudWatch Logs without `LoggingProperties.LogExports`: which log groups (`/aws/redshift/cluster/<name>/<log>`) Redshift writes to is not shown; list the logs and declare a log group for each".to_owned(),
        );
    }
    if cx.prop("/ClusterIdentifier").is_none() {
        return Outcome::Gap(format!(
            "CloudFormation names the cluster `{}` at deploy, so Redshift exports its audit logs to log groups it creates itself (`/aws/redshift/cluster/<name>/<log>`), with no customer key and no expiry, which no template declares; name the cluster (`ClusterIdentifier`) and declare each group, encrypted and kept as L1 and L2 ask, or associate a customer key with each (`aws logs associate-kms-key`) and set its retention after deploy",
            cx.id()
        ));
    }
    exported_into_groups(
        cx,
        "Redshift",
        "redshift/cluster",
        "/ClusterIdentifier",
        EXPORTS,
    )
}

/// L4 of a Redshift Serverless namespace that exports its audit logs (`LogExports`:
/// `userlog`, `connectionlog`, `useractivitylog`, which holds every query's text): "A new
/// log group is automatically created for Amazon Redshift Serverless …
/// `/aws/redshift/<namespace>/<log_type>`", unless "a log group with the specified name
/// exists. Redshift exports log data using the existing log group" (Amazon Redshift
/// management guide, "Audit logging for Amazon Redshift Serverless"): with no customer key
/// and no expiry, outside any template, as RDS does. CloudFormation requires the name
/// (`AWS::RedshiftServerless::Namespace` `NamespaceName`: required, "All alphabetical
/// characters must be lower case"), so a namespace always names its groups.
fn l4_redshift_serverless(cx: &Cx<'_>) -> Outcome {
    let exports = cx
        .prop("/LogExports")
        .filter(|v| !super::meaning::no_value(v));
    let exporting = exports.is_some_and(|v| !v.as_array().is_some_and(Vec::is_empty));
    if exporting
        && cx
            .prop("/NamespaceName")
            .filter(|v| !super::meaning::no_value(v))
            .is_none()
    {
        return Outcome::Fail(format!(
            "Redshift Serverless namespace `{}` exports its logs without `NamespaceName`, which CloudFormation requires and names the log groups (`/aws/redshift/<NamespaceName>/<log>`) by; name the namespace and declare each group, encrypted and kept as L1 and L2 ask",
            cx.id()
        ));
    }
    exported_into_groups(
        cx,
        "Redshift Serverless",
        "redshift",
        "/NamespaceName",
        "/LogExports",
    )
}

/// The log groups named `/aws/<kind>/<name>/<log>` for each log that `exports` lists, each
/// declared in the stack, or why not.
fn exported_into_groups(
    cx: &Cx<'_>,
    service: &str,
    kind: &str,
    property: &str,
    exports: &str,
) -> Outcome {
    let listed = &exports[1..];
    let exports = match cx.prop(exports) {
        None => return Outcome::NotApplicable,
        Some(Value::Array(items)) if items.is_empty() => return Outcome::NotApplicable,
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Outcome::Fail(format!(
                "`{listed}` is {}, which no rule can read before deploy, so which log groups {service} writes to is unknown; write the list of log types",
                text_or_json(other)
            ));
        }
    };
    let mut logs = Vec::with_capacity(exports.len());
    for item in exports {
        match text(item).filter(|t| !t.contains("${") && !super::identity::dynamic(t)) {
            Some(log) => logs.push(log),
            None => {
                return Outcome::Fail(format!(
                    "a log type of `{listed}` is {}, which no rule can read before deploy; write each log type",
                    text_or_json(item)
                ));
            }
        }
    }
    let name = match cx.prop(property) {
        None => {
            return Outcome::Gap(format!(
                "{service} names the database at deploy, so it writes the exported logs ({}) to log groups it creates itself (`/aws/{kind}/<name>/<log>`), encrypted with CloudWatch Logs' own key and kept forever, which no template declares; hipaa-stack's `up` gives each group the database's key and a retention after it creates or updates the stack (the stack's deploy notes, kept in the deployed report, are the evidence; events written before stay under CloudWatch Logs' key); deployed by other means, associate a customer key with each (`aws logs associate-kms-key`) and set its retention, or name the database and declare its groups (a named database cannot be replaced by an update)",
                logs.join(", ")
            ));
        }
        Some(value) => {
            match text(value).filter(|t| !t.contains("${") && !super::identity::dynamic(t)) {
                Some(name) => name.trim().to_ascii_lowercase(),
                None => {
                    return Outcome::Fail(format!(
                        "`{}` is {}, which no rule can read before deploy, so the log groups {service} writes the exported logs to cannot be matched with the app's; write the name",
                        &property[1..],
                        text_or_json(value)
                    ));
                }
            }
        }
    };
    let mut checks = vec![cx.present(property)];
    for log in &logs {
        let wanted = format!("/aws/{kind}/{name}/{log}");
        checks.push(
            declared_group(cx, &wanted)
                .and_then(|(stack, g)| {
                    proof_of(g, "/LogGroupName").map(|p| p.with_stack(stack))
                })
                .ok_or_else(|| {
                    format!(
                        "no log group of the stack, nor of another stack of its region and account, is named `{wanted}`, so {service} creates it itself, with no customer key and no expiry; declare it, encrypted and kept as L1 and L2 ask, with the database depending on it"
                    )
                }),
        );
    }
    all(checks)
}

/// The log group whose `LogGroupName` reads `wanted` ([`text`], as AWS receives it): the
/// group a service writes into, by that name, instead of making one of its own. A log
/// group's name is unique in its region and account ("Log group names must be unique within
/// a Region for an Amazon Web Services account", CloudWatch Logs API reference,
/// `CreateLogGroup`), so a group of another stack of the app deployed to this resource's
/// region and account ([`Cx::beside`]) is the same group, read there by L1 and L2, as one
/// of its own stack is (had the service made it first, CloudFormation could not create the
/// stack's group of that name: its deploy fails rather than leaving the service's group in
/// place). A name that reads `${AWS::StackName}` names another group in each stack, so only
/// a group of the resource's own stack is read for it. The group's stack is given as
/// [`Cx::everywhere`] names stacks (`None`: this one).
fn declared_group<'t>(cx: &Cx<'t>, wanted: &str) -> Option<(Option<&'t str>, &'t Resource)> {
    let named = |r: &Resource| {
        super::lookup(r.properties(), "/LogGroupName")
            .and_then(text)
            .is_some_and(|n| n == wanted)
    };
    let own = cx
        .template
        .resources()
        .iter()
        .find(|r| r.type_name() == "AWS::Logs::LogGroup" && named(r))
        .map(|r| (None, r));
    let across = !wanted.contains("${AWS::StackName}");
    own.or_else(|| {
        cx.everywhere("AWS::Logs::LogGroup")
            .find(|(stack, r)| across && stack.is_some() && cx.beside(*stack) && named(r))
    })
}

/// The log group of the stack whose `LogGroupName` reads `wanted` when the references to
/// `own` are read as its placeholders ([`text_about`]): a group named after an id made at
/// deploy (`API-Gateway-Execution-Logs_${Api}/prod`, `/aws/appsync/apis/${Api.ApiId}`).
fn declared_group_about<'t>(cx: &Cx<'t>, own: &Own<'_>, wanted: &str) -> Option<&'t Resource> {
    cx.template.resources().iter().find(|r| {
        r.type_name() == "AWS::Logs::LogGroup"
            && super::lookup(r.properties(), "/LogGroupName")
                .and_then(|n| text_about(n, own))
                .is_some_and(|n| n == wanted)
    })
}

/// Whether a name, as [`text`] reads it, is the same in every template that writes it so:
/// text with no dynamic reference, and no `${…}` but the stack's own name, region, account,
/// partition and URL suffix, which read the same in the one template that both the
/// resource and its log group are of.
fn read_alike_in_the_template(name: &str) -> bool {
    let rest = ["StackName", "Region", "AccountId", "Partition", "URLSuffix"]
        .iter()
        .fold(name.to_owned(), |t, p| {
            t.replace(&format!("${{AWS::{p}}}"), "")
        });
    !rest.contains("${") && !super::identity::dynamic(name)
}

/// L4 of a Lambda function: "By default, Lambda functions send logs to a default log group
/// named /aws/lambda/<function name>" (CloudFormation reference, `AWS::Lambda::Function`
/// `LoggingConfig.LogGroup`), which Lambda creates when it does not exist, with no customer
/// key and no expiry, outside any template, as RDS does for a database's exports ([`l4`])
/// and Lambda@Edge in each Region it runs in (rule `CF1`, `cloudfront::edge_bodies`): whatever
/// the code prints of the records it handles is kept where L1 and L2 never read it (hostile
/// review 11, case `f2_lambda_logs`). A function whose `LoggingConfig.LogGroup` names a group
/// writes there, which `X1` holds to a log group of the app; any other function needs a log
/// group of its stack named `/aws/lambda/<FunctionName>`, which L1 and L2 read. Without
/// `FunctionName`, CloudFormation names the function at deploy, so no template can declare
/// its group: it must name one in `LoggingConfig.LogGroup`.
fn l4_function(cx: &Cx<'_>) -> Outcome {
    const GROUP: &str = "/LoggingConfig/LogGroup";
    let fix =
        "set `LoggingConfig.LogGroup` to a `LogGroup` of the app (the `Function` construct does)";
    // A configuration written whole as an intrinsic may name any group: `X1` fails it.
    if cx
        .prop("/LoggingConfig")
        .is_some_and(|v| super::identity::intrinsic(v) && !super::meaning::no_value(v))
    {
        return Outcome::NotApplicable;
    }
    if cx.prop(GROUP).is_some_and(|v| !super::meaning::no_value(v)) {
        return all([cx.present(GROUP)]);
    }
    group_named_after(
        cx,
        "/FunctionName",
        |name| format!("/aws/lambda/{name}"),
        &format!(
            "CloudFormation names the function at deploy and no `LoggingConfig.LogGroup` is set, so Lambda writes its logs to `/aws/lambda/<that name>`, a log group it creates itself with no customer key and no expiry, which no template declares; {fix}"
        ),
        &|value| {
            format!(
                "`FunctionName` is {value}, which no rule can read before deploy, and no `LoggingConfig.LogGroup` is set, so the log group Lambda writes to (`/aws/lambda/<name>`) cannot be matched with the app's; {fix}"
            )
        },
        &|wanted| {
            format!(
                "no `LoggingConfig.LogGroup` is set and no log group of the stack is named `{wanted}`, so Lambda writes the function's logs to that group, which it creates itself with no customer key and no expiry; {fix}, or declare `{wanted}`, encrypted and kept as L1 and L2 ask"
            )
        },
    )
}

/// L4 of an EKS cluster that sends control-plane logs (`Logging.ClusterLogging.EnabledTypes`,
/// rule `EKS2`): "Cluster control plane logs are sent to a log group named
/// `/aws/eks/<cluster-name>/cluster`" (Amazon EKS user guide, "Send control plane logs to
/// CloudWatch Logs"), which EKS creates when none of that name exists, with no customer key
/// and no expiry ("By default, your cluster control plane logs are stored indefinitely" in
/// it, same page): the audit log of who read the cluster's secrets would be kept where L1 and
/// L2 never read it. A cluster with a `Name` and a group of that name in its stack writes
/// into the group the app declares, as a named Lambda function does ([`l4_function`]).
/// Without `Name`, CloudFormation names the cluster at deploy, so no template can declare
/// its group.
fn l4_eks_cluster(cx: &Cx<'_>) -> Outcome {
    let sends = cx
        .prop("/Logging/ClusterLogging/EnabledTypes")
        .filter(|v| !super::meaning::no_value(v))
        .is_some_and(|v| {
            v.as_array()
                .is_none_or(|types| types.iter().any(|t| !super::meaning::no_value(t)))
        });
    if !sends {
        return Outcome::NotApplicable;
    }
    let fix = "write the cluster's `Name` and declare a log group of its stack named `/aws/eks/<Name>/cluster`, encrypted and kept as L1 and L2 ask, with the cluster depending on it";
    group_named_after(
        cx,
        "/Name",
        |name| format!("/aws/eks/{name}/cluster"),
        &format!(
            "CloudFormation names the cluster at deploy, so EKS sends its control-plane logs to `/aws/eks/<that name>/cluster`, a log group it creates itself with no customer key and no expiry, which no template declares; {fix}"
        ),
        &|value| {
            format!(
                "`Name` is {value}, which no rule can read before deploy, so the log group EKS sends the control-plane logs to (`/aws/eks/<name>/cluster`) cannot be matched with the app's; {fix}"
            )
        },
        &|wanted| {
            format!(
                "no log group of the stack is named `{wanted}`, so EKS sends the control-plane logs to that group, which it creates itself with no customer key and no expiry; declare `{wanted}`, encrypted and kept as L1 and L2 ask, with the cluster depending on it"
            )
        },
    )
}

/// L4 of a resource that writes its logs to a log group named after the name its
/// `property` writes (`group` of that name: `/aws/lambda/<FunctionName>`,
/// `/aws/eks/<Name>/cluster`), which its service creates, with no customer key and no
/// expiry, unless its stack declares one of that name: the name must be written, read
/// alike wherever the template is deployed ([`read_alike_in_the_template`]), and the group
/// declared. The findings say why not: `unnamed` when CloudFormation names the resource,
/// `unread(value)` when the name is read only at deploy, `undeclared(group)` when no group
/// of the stack has that name.
fn group_named_after(
    cx: &Cx<'_>,
    property: &str,
    group: impl Fn(&str) -> String,
    unnamed: &str,
    unread: &dyn Fn(String) -> String,
    undeclared: &dyn Fn(&str) -> String,
) -> Outcome {
    let name = match cx.prop(property).filter(|v| !super::meaning::no_value(v)) {
        None => return Outcome::Fail(unnamed.to_owned()),
        Some(value) => match text(value).filter(|t| read_alike_in_the_template(t)) {
            Some(name) => name.trim().to_owned(),
            None => return Outcome::Fail(unread(text_or_json(value))),
        },
    };
    let wanted = group(&name);
    match declared_group(cx, &wanted) {
        Some((stack, declared)) => all([
            cx.present(property),
            proof_of(declared, "/LogGroupName")
                .map(|p| p.with_stack(stack))
                .ok_or_default(),
        ]),
        None => Outcome::Fail(undeclared(&wanted)),
    }
}

/// Whether a `LoggingLevel` writes execution logs (INFO or ERROR, in any case), or may: a
/// level no rule can read before deploy is read for the worst.
fn may_log(level: &Value) -> bool {
    match text(level).filter(|t| !t.contains("${") && !super::identity::dynamic(t)) {
        Some(t) => t.trim().eq_ignore_ascii_case("INFO") || t.trim().eq_ignore_ascii_case("ERROR"),
        None => !level.is_null() && !super::meaning::no_value(level),
    }
}

/// L4 of a REST API stage that writes execution logs (a `MethodSettings` entry at ERROR or
/// INFO, as rule `A4` asks): API Gateway writes them into `API-Gateway-Execution-Logs_{rest
/// api id}/{stage name}`, a log group it creates itself when none of that name exists
/// (API Gateway developer guide, "Set up CloudWatch logging for REST APIs in API Gateway"),
/// with no customer key and no expiry: what the logs hold of the requests is kept where L1
/// and L2 never read it. The API's id is made at deploy, so a template names the group by
/// joining the `Ref` of its `AWS::ApiGateway::RestApi` and the stage's name
/// (`API-Gateway-Execution-Logs_${Api}/prod`), as `SecureApi` does (`<id>ExecutionLogs`).
///
/// A WebSocket API stage's group is read by [`l4_named_by_the_service`], an AppSync
/// GraphQL API's by [`l4_graphql_api`].
fn l4_rest_stage(cx: &Cx<'_>) -> Outcome {
    let logs = cx
        .prop("/MethodSettings")
        .and_then(Value::as_array)
        .is_some_and(|settings| settings.iter().any(|s| may_log(&s["LoggingLevel"])));
    if !logs {
        return Outcome::NotApplicable;
    }
    let fix = "declare a log group in this stack named `API-Gateway-Execution-Logs_${Api}/<stage>` (an `Fn::Sub` or `Fn::Join` of the `Ref` of the `AWS::ApiGateway::RestApi` and the stage's name), encrypted and kept as L1 and L2 ask, with the stage depending on it, as `SecureApi` does";
    let stage = match cx.prop("/StageName").map(|v| (v, text(v))) {
        Some((_, Some(name))) if !name.contains("${") && !super::identity::dynamic(&name) => name,
        Some((value, _)) => {
            return Outcome::Fail(format!(
                "`StageName` is {}, which no rule can read before deploy, so the log group API Gateway writes the stage's execution logs to cannot be matched with the app's; write the name, and {fix}",
                text_or_json(value)
            ));
        }
        None => {
            return Outcome::Fail(format!(
                "the stage has no `StageName`, so the log group API Gateway writes its execution logs to cannot be matched with the app's; name the stage, and {fix}"
            ));
        }
    };
    let api_id = &cx.resource.properties()["RestApiId"];
    let Some(api) = cx
        .others("AWS::ApiGateway::RestApi")
        .find(|a| super::meaning::names(api_id, a.logical_id()))
    else {
        return Outcome::Fail(format!(
            "`RestApiId` is {}, no `AWS::ApiGateway::RestApi` of this stack, so the log group API Gateway writes the stage's execution logs to (`API-Gateway-Execution-Logs_<api id>/{stage}`), which it creates itself with no customer key and no expiry, cannot be matched with the app's; deploy the stage in the stack of its API, and {fix}",
            text_or_json(api_id)
        ));
    };
    const API: &str = "\u{0}api";
    let own = Own {
        id: api.logical_id(),
        reference: API.to_owned(),
        arn: "\u{0}arn".to_owned(),
        other: None,
    };
    let wanted = format!("API-Gateway-Execution-Logs_{API}/{stage}");
    let group = declared_group_about(cx, &own, &wanted);
    match group {
        Some(group) => all([
            cx.present("/StageName"),
            proof_of(group, "/LogGroupName").ok_or_default(),
        ]),
        None => Outcome::Fail(format!(
            "the stage writes execution logs, and no log group of the stack is named `API-Gateway-Execution-Logs_<id of {}>/{stage}`, so API Gateway writes them to that group, which it creates itself with no customer key and no expiry; {fix}",
            api.logical_id()
        )),
    }
}

/// L4 of an AppSync GraphQL API that logs (`LogConfig.CloudWatchLogsRoleArn` set, as rule
/// `AS2` asks): AppSync writes its request-level and field-level logs to
/// `/aws/appsync/apis/<api id>` (AppSync developer guide, "Monitoring and logging": the log
/// group `/aws/appsync/apis/{graphql_api_id}`), which it creates itself when none of that
/// name exists, with no customer key and no expiry: the field errors and whatever the
/// resolvers write of the records they return are kept where L1 and L2 never read them. The
/// API's id is made at deploy, so a template names the group by the API's `ApiId`
/// attribute (`Fn::Sub` `/aws/appsync/apis/${Api.ApiId}`, or an `Fn::Join` with its
/// `Fn::GetAtt`). A configuration written as an intrinsic may set the role, so it is read
/// for the worst, as a REST stage's logging level is ([`may_log`]).
fn l4_graphql_api(cx: &Cx<'_>) -> Outcome {
    if !logs_with_role(cx, "/LogConfig") {
        return Outcome::NotApplicable;
    }
    const API: &str = "\u{0}api";
    let own = Own {
        id: cx.id(),
        reference: "\u{0}arn".to_owned(),
        arn: "\u{0}arn".to_owned(),
        other: Some(("ApiId", API.to_owned())),
    };
    let wanted = format!("/aws/appsync/apis/{API}");
    let group = declared_group_about(cx, &own, &wanted);
    match group {
        Some(group) => all([
            cx.present("/LogConfig"),
            proof_of(group, "/LogGroupName").ok_or_default(),
        ]),
        None => Outcome::Fail(format!(
            "the API writes its logs to CloudWatch Logs, and no log group of the stack is named `/aws/appsync/apis/<ApiId of {}>`, so AppSync writes them to that group, which it creates itself with no customer key and no expiry; declare it in this stack (`Fn::Sub` `/aws/appsync/apis/${{{}.ApiId}}`), encrypted and kept as L1 and L2 ask",
            cx.id(),
            cx.id()
        )),
    }
}

/// Whether an AppSync logging configuration at `config` (a GraphQL API's `LogConfig`, an Event
/// API's `EventConfig.EventLogConfig`) may give AppSync a role to write logs with: its
/// `CloudWatchLogsRoleArn` set, or the whole configuration an intrinsic, read for the worst.
fn logs_with_role(cx: &Cx<'_>, config: &str) -> bool {
    match cx.prop(config) {
        None => false,
        Some(value) if super::meaning::no_value(value) || value.is_null() => false,
        Some(value) if super::identity::intrinsic(value) => true,
        Some(_) => cx
            .prop(&format!("{config}/CloudWatchLogsRoleArn"))
            .is_some_and(|role| !role.is_null() && !super::meaning::no_value(role)),
    }
}

/// L4 of what writes logs to a group its service creates and names itself, by a name AWS's
/// references do not give, so that no template can declare the group first: a WebSocket API
/// stage that writes execution logs (`DefaultRouteSettings` or a `RouteSettings` entry at
/// INFO or ERROR, which rule `A4` asks for; API Gateway's "Configure logging for WebSocket
/// APIs" says only that "API Gateway manages the CloudWatch Logs … creating log groups and
/// log streams"; an HTTP API writes none), and an AppSync Event API with a logging role
/// (`EventConfig.EventLogConfig`, which rule `AS2` asks for; the AppSync Events guide,
/// "Using CloudWatch to monitor and log Event API data", names no group). Such a group holds
/// what the requests carry, under CloudWatch Logs' own key and kept forever, where L1 and
/// L2 never read it: a gap (the sixteenth probe; open since hostile review 11), which a
/// person closes after deploy by giving the group a customer key and a retention, found by
/// the API's id in the console or with `aws logs describe-log-groups`.
fn l4_named_by_the_service(cx: &Cx<'_>) -> Outcome {
    let (logs, what) = if cx.resource.type_name() == EVENT_API {
        let logs = logs_with_role(cx, "/EventConfig/EventLogConfig")
            && !cx
                .prop("/EventConfig/EventLogConfig/LogLevel")
                .and_then(text)
                .is_some_and(|level| level.trim().eq_ignore_ascii_case("NONE"));
        (logs, "AppSync writes the Event API's logs")
    } else {
        let websocket = cx
            .others("AWS::ApiGatewayV2::Api")
            .filter(|a| {
                super::compute::mentions(&cx.resource.properties()["ApiId"], a.logical_id())
            })
            .any(|a| {
                text(&a.properties()["ProtocolType"])
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("WEBSOCKET"))
            });
        let routes = cx
            .prop("/RouteSettings")
            .and_then(Value::as_object)
            .is_some_and(|routes| routes.values().any(|r| may_log(&r["LoggingLevel"])));
        let default = cx
            .prop("/DefaultRouteSettings/LoggingLevel")
            .is_some_and(may_log);
        (
            websocket && (default || routes),
            "API Gateway writes the WebSocket stage's execution logs",
        )
    };
    if !logs {
        return Outcome::NotApplicable;
    }
    Outcome::Gap(format!(
        "{what} to a log group it creates and names itself, under CloudWatch Logs' own key and kept forever; AWS's references do not give its name, so no template can declare it: after deploy, find the group by the API's id (`aws logs describe-log-groups`), associate a customer key with it (`aws logs associate-kms-key`) and set its retention"
    ))
}

fn l1(cx: &Cx<'_>) -> Outcome {
    all([customer_key(cx, "/KmsKeyId")])
}

/// Why a log group's class keeps events less than its `RetentionInDays`, or leaves it unknown
/// at synth: `Err` for the Delivery class, which keeps events one day whatever the retention
/// (CloudWatch Logs `CreateLogGroup`, `logGroupClass`: "Log events in log groups in the
/// Delivery class are kept in CloudWatch Logs for only one day"), `Ok(Some(..))` for a class
/// decided only at deploy, `Ok(None)` for `STANDARD` (the default) or `INFREQUENT_ACCESS`.
fn log_class_problem(cx: &Cx<'_>) -> Result<Option<String>, String> {
    let Some(class) = cx.prop("/LogGroupClass").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    match text(class).filter(|t| !super::identity::dynamic(t)) {
        Some(t) if t.trim().eq_ignore_ascii_case("DELIVERY") => Err(format!(
            "log group `{}` is of `LogGroupClass` DELIVERY, which keeps events one day whatever `RetentionInDays` says; use the STANDARD or INFREQUENT_ACCESS class",
            cx.id()
        )),
        Some(_) => Ok(None),
        None => Ok(Some(format!(
            "`LogGroupClass` of log group `{}` is decided only at deploy ({}): a DELIVERY log group keeps events one day, so its retention is unknown at synth; write STANDARD or INFREQUENT_ACCESS",
            cx.id(),
            text_or_json(class)
        ))),
    }
}

/// The retentions, in days, that CloudWatch Logs takes at or above a year, which rule L2
/// accepts and `up` gives the log groups of rule L4 (CloudWatch Logs API Reference,
/// `PutRetentionPolicy`, `retentionInDays`: "Possible values are: 1, 3, 5, 7, 14, 30, 60,
/// 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, and 3653").
pub(crate) const LOG_RETENTIONS: [i32; 11] =
    [365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

fn l2(cx: &Cx<'_>) -> Outcome {
    let class = match log_class_problem(cx) {
        Err(why) => return Outcome::Fail(why),
        Ok(gap) => gap,
    };
    match cx.prop("/RetentionInDays").and_then(whole_number) {
        Some(n) if LOG_RETENTIONS.iter().any(|&days| i64::from(days) == n) => {
            match (all([cx.present("/RetentionInDays")]), class) {
                (Outcome::Pass(_), Some(gap)) => Outcome::Gap(gap),
                (outcome, _) => outcome,
            }
        }
        Some(n) => Outcome::Fail(format!(
            "`RetentionInDays` is {n}; it must be at least 365 and one of CloudWatch's values"
        )),
        None => match cx.prop("/RetentionInDays").filter(|v| !v.is_null()) {
            Some(v) => Outcome::Fail(format!(
                "`RetentionInDays` of log group `{}` is {}, which no rule can read as a number of days; write 365 or another of CloudWatch's values of a year or more",
                cx.id(),
                text_or_json(v)
            )),
            None => Outcome::Fail("`RetentionInDays` is not set".to_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// A raw resource: logical id, type, properties.
    type Raw<'a> = (&'a str, &'a str, serde_json::Value);

    /// The statuses of `rule` on `id` in an app of these stacks of raw resources.
    fn raw_statuses(
        stacks: &[(&str, &[Raw<'_>])],
        rule: &str,
        id: &str,
    ) -> Vec<crate::testing::Status> {
        let templates: Vec<(&str, crate::cfn::Template)> = stacks
            .iter()
            .map(|(name, resources)| (*name, crate::testing::raw_template(resources)))
            .collect();
        let stacks: Vec<(&str, &crate::cfn::Template)> =
            templates.iter().map(|(n, t)| (*n, t)).collect();
        crate::testing::statuses(&stacks, rule, id)
    }

    fn trail_to(group: serde_json::Value) -> (&'static str, &'static str, serde_json::Value) {
        (
            "Trail",
            "AWS::CloudTrail::Trail",
            json!({
                "CloudWatchLogsLogGroupArn": group,
                "CloudWatchLogsRoleArn": {"Fn::GetAtt": ["TrailRole", "Arn"]},
                "IsLogging": true,
                "S3BucketName": "trail-bucket"
            }),
        )
    }

    fn log_group(id: &'static str, name: &str) -> (&'static str, &'static str, serde_json::Value) {
        (
            id,
            "AWS::Logs::LogGroup",
            json!({"LogGroupName": name, "RetentionInDays": 365}),
        )
    }

    #[test]
    fn a_trail_delivers_to_a_log_group_of_the_app_or_leaves_a_gap_or_fails() {
        use crate::testing::Status;
        let enforced = |group: serde_json::Value| {
            let stack = [
                log_group("Logs", "audit/trail"),
                log_group("Other", "audit/other"),
                trail_to(group),
            ];
            let found = raw_statuses(&[("s", &stack)], "T1", "Trail");
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{found:?}"
            );
        };
        enforced(json!({"Fn::GetAtt": ["Logs", "Arn"]}));
        enforced(json!({"Fn::Sub": "${Logs.Arn}"}));
        enforced(
            json!({"Fn::If": ["Prod", {"Fn::GetAtt": ["Logs", "Arn"]}, {"Fn::GetAtt": ["Other", "Arn"]}]}),
        );
        enforced(
            json!({"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Logs}:*"}),
        );
        enforced(
            json!({"Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:audit/trail:*"}),
        );
        // CloudTrail takes a group of its own region and account only: written as text, they
        // name the template's group.
        enforced(json!(
            "arn:aws:logs:eu-west-1:111122223333:log-group:audit/trail:*"
        ));
        // A name built on the stack's own name, as the template's group's is.
        let stack = [
            (
                "Logs",
                "AWS::Logs::LogGroup",
                json!({"LogGroupName": {"Fn::Sub": "${AWS::StackName}/trail"}}),
            ),
            trail_to(
                json!({"Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${AWS::StackName}/trail:*"}),
            ),
        ];
        let found = raw_statuses(&[("s", &stack)], "T1", "Trail");
        assert!(
            matches!(found.as_slice(), [Status::Enforced { .. }]),
            "{found:?}"
        );
        // A group of no template, written whole: a gap.
        for literal in [
            json!("arn:aws:logs:us-east-1:111122223333:log-group:elsewhere:*"),
            json!({"Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:made-by-hand:*"}),
        ] {
            let stack = [log_group("Logs", "audit/trail"), trail_to(literal.clone())];
            let found = raw_statuses(&[("s", &stack)], "T1", "Trail");
            assert!(
                matches!(found.as_slice(), [Status::Gap { reason }] if reason.contains("no log group of the app")),
                "{literal}: {found:?}"
            );
        }
        // A value no rule can read: a failure.
        for unread in [
            json!({"Fn::GetAtt": ["Custom", "GroupArn"]}),
            json!({"Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Custom.Name}:*"}),
            json!("{{resolve:ssm:/trail/group}}"),
            json!({"Fn::Select": [0, {"Fn::GetAtt": ["Custom", "Groups"]}]}),
            json!({"Fn::If": ["Prod", {"Fn::GetAtt": ["Logs", "Arn"]}, {"Fn::GetAtt": ["Custom", "GroupArn"]}]}),
        ] {
            let stack = [
                log_group("Logs", "audit/trail"),
                (
                    "Custom",
                    "Custom::Groups",
                    json!({"ServiceToken": "arn:aws:lambda:us-east-1:111122223333:function:f"}),
                ),
                trail_to(unread.clone()),
            ];
            let found = raw_statuses(&[("s", &stack)], "T1", "Trail");
            assert!(
                matches!(found.as_slice(), [Status::Failed { finding }] if finding.contains("no rule can read")),
                "{unread}: {found:?}"
            );
        }
    }

    #[test]
    fn a_redshift_cluster_exports_its_audit_logs_into_log_groups_of_its_stack() {
        use crate::testing::Status;
        let cluster = |logging: serde_json::Value, named: bool| {
            let mut p = json!({"LoggingProperties": logging});
            if named {
                p["ClusterIdentifier"] = json!("Claims");
            }
            ("Warehouse", "AWS::Redshift::Cluster", p)
        };
        let cloudwatch =
            json!({"LogDestinationType": "cloudwatch", "LogExports": ["connectionlog", "userlog"]});
        let groups = || {
            [
                log_group("Connections", "/aws/redshift/cluster/claims/connectionlog"),
                log_group("Users", "/aws/redshift/cluster/claims/userlog"),
            ]
        };
        let [a, b] = groups();
        let stack = [cluster(cloudwatch.clone(), true), a, b];
        let found = raw_statuses(&[("s", &stack)], "L4", "Warehouse");
        assert!(
            matches!(found.as_slice(), [Status::Enforced { .. }]),
            "{found:?}"
        );
        // A log of the list without its group: Redshift creates it, unencrypted, kept forever.
        let [a, _] = groups();
        let stack = [cluster(cloudwatch.clone(), true), a];
        let found = raw_statuses(&[("s", &stack)], "L4", "Warehouse");
        assert!(
            matches!(found.as_slice(), [Status::Failed { finding }] if finding.contains("/aws/redshift/cluster/claims/userlog")),
            "{found:?}"
        );
        // Unnamed, the groups cannot be declared: a gap.
        let stack = [cluster(cloudwatch, false)];
        let found = raw_statuses(&[("s", &stack)], "L4", "Warehouse");
        assert!(
            matches!(found.as_slice(), [Status::Gap { .. }]),
            "{found:?}"
        );
        // To S3, into no log group; a destination no rule can read fails.
        let stack = [cluster(json!({"BucketName": "logs"}), true)];
        assert!(raw_statuses(&[("s", &stack)], "L4", "Warehouse").is_empty());
        let stack = [cluster(
            json!({"LogDestinationType": {"Fn::GetAtt": ["C", "Kind"]}, "LogExports": ["connectionlog"]}),
            true,
        )];
        let found = raw_statuses(&[("s", &stack)], "L4", "Warehouse");
        assert!(
            matches!(found.as_slice(), [Status::Failed { .. }]),
            "{found:?}"
        );
    }

    #[test]
    fn a_redshift_serverless_namespace_exports_its_logs_into_log_groups_of_its_stack() {
        use crate::testing::Status;
        let namespace =
            |p: serde_json::Value| ("Warehouse", "AWS::RedshiftServerless::Namespace", p);
        let exports =
            json!({"NamespaceName": "Claims", "LogExports": ["connectionlog", "useractivitylog"]});
        let groups = || {
            [
                log_group("Connections", "/aws/redshift/claims/connectionlog"),
                log_group("Queries", "/aws/redshift/claims/useractivitylog"),
            ]
        };
        let [a, b] = groups();
        let stack = [namespace(exports.clone()), a, b];
        let found = raw_statuses(&[("s", &stack)], "L4", "Warehouse");
        assert!(
            matches!(found.as_slice(), [Status::Enforced { .. }]),
            "{found:?}"
        );
        // The query log without its group: Redshift Serverless creates it, unencrypted.
        let [a, _] = groups();
        let stack = [namespace(exports), a];
        let found = raw_statuses(&[("s", &stack)], "L4", "Warehouse");
        assert!(
            matches!(found.as_slice(), [Status::Failed { finding }] if finding.contains("/aws/redshift/claims/useractivitylog")),
            "{found:?}"
        );
        // A cluster's group is no namespace's.
        let stack = [
            namespace(json!({"NamespaceName": "claims", "LogExports": ["userlog"]})),
            log_group("Users", "/aws/redshift/cluster/claims/userlog"),
        ];
        let found = raw_statuses(&[("s", &stack)], "L4", "Warehouse");
        assert!(
            matches!(found.as_slice(), [Status::Failed { .. }]),
            "{found:?}"
        );
        // Logs no rule can read, or no name, fail; no exports, nothing to read.
        for p in [
            json!({"NamespaceName": "claims", "LogExports": {"Ref": "Logs"}}),
            json!({"NamespaceName": {"Fn::GetAtt": ["C", "Name"]}, "LogExports": ["userlog"]}),
            json!({"LogExports": ["userlog"]}),
        ] {
            let stack = [namespace(p.clone())];
            let found = raw_statuses(&[("s", &stack)], "L4", "Warehouse");
            assert!(
                matches!(found.as_slice(), [Status::Failed { .. }]),
                "{p}: {found:?}"
            );
        }
        for p in [
            json!({"NamespaceName": "claims"}),
            json!({"NamespaceName": "claims", "LogExports": []}),
        ] {
            let stack = [namespace(p.clone())];
            assert!(
                raw_statuses(&[("s", &stack)], "L4", "Warehouse").is_empty(),
                "{p}"
            );
        }
    }

    #[test]
    fn a_trail_delivers_to_a_log_group_of_another_stack_by_its_written_name() {
        use crate::testing::Status;
        let arn = json!({"Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:audit/trail:*"});
        let logs = [log_group("Logs", "audit/trail")];
        let trail = [trail_to(arn.clone())];
        let found = raw_statuses(&[("logs", &logs), ("trail", &trail)], "T1", "Trail");
        assert!(
            matches!(found.as_slice(), [Status::Enforced { .. }]),
            "{found:?}"
        );
        // A name built on the stack's name is another group in the trail's stack.
        let per_stack = [log_group("Logs", "${AWS::StackName}/trail")];
        let trail = [trail_to(
            json!({"Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${AWS::StackName}/trail:*"}),
        )];
        let found = raw_statuses(&[("logs", &per_stack), ("trail", &trail)], "T1", "Trail");
        assert!(
            !matches!(found.as_slice(), [Status::Enforced { .. }]),
            "{found:?}"
        );
        // Of another stack, whose region the rules are not told, a region written as text
        // names another region's group of the same name.
        let trail = [trail_to(json!(
            "arn:aws:logs:eu-west-1:111122223333:log-group:audit/trail:*"
        ))];
        let found = raw_statuses(&[("logs", &logs), ("trail", &trail)], "T1", "Trail");
        assert!(
            matches!(found.as_slice(), [Status::Gap { reason }] if reason.contains("no log group of the app")),
            "{found:?}"
        );
    }

    #[test]
    fn another_account_is_read_in_any_spelling_of_its_principal() {
        for other in [
            "111122223333",
            " 111122223333 ",
            "arn:aws:iam::111122223333:root",
            "ARN:aws:IAM::111122223333:root",
            "arn:aws:sts:: 111122223333:assumed-role/r/s",
            "arn:aws:iam::111122223333:role/reader-${AWS::AccountId}",
        ] {
            assert!(super::foreign_account(&json!(other)).is_some(), "{other}");
        }
        for own in [
            "${AWS::AccountId}",
            "arn:aws:iam::${AWS::AccountId}:root",
            " arn:aws:iam::${AWS::AccountId}:role/app ",
            "arn:aws:s3:::111122223333",
            "logs.amazonaws.com",
        ] {
            assert!(super::foreign_account(&json!(own)).is_none(), "{own}");
        }
    }

    #[test]
    fn a_key_policy_statement_is_confined_only_by_both_keys_read_exactly() {
        let statement = |condition: serde_json::Value| json!({"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": condition});
        let ebs = json!({"Fn::Sub": "ec2.${AWS::Region}.amazonaws.com"});
        let own = json!({"Ref": "AWS::AccountId"});
        for confined in [
            json!({"StringEquals": {"kms:CallerAccount": own, "kms:ViaService": ebs}}),
            json!({"stringequalsignorecase": {"KMS:CALLERACCOUNT": {"Fn::Sub": "${AWS::AccountId}"}}, "ForAnyValue:StringLike": {"Kms:ViaService": ["rds.us-east-1.amazonaws.com", ebs]}}),
            // Another condition only narrows the statement.
            json!({"StringEquals": {"kms:CallerAccount": own, "kms:ViaService": ebs}, "BoolIfExists": {"aws:SecureTransport": "false"}}),
            // `aws:PrincipalAccount` is the caller's account, as `kms:CallerAccount` is.
            json!({"StringEquals": {"aws:PrincipalAccount": own, "kms:ViaService": ebs}}),
            json!({"StringEquals": {"AWS:principalaccount": {"Fn::Sub": "${AWS::AccountId}"}}, "StringLike": {"kms:ViaService": ebs}}),
            // The account written as characters outside `Fn::Sub` is a value no request
            // carries: the statement applies to no request ([`super::super::identity::pins`]).
            json!({"StringEquals": {"kms:CallerAccount": "${AWS::AccountId}", "kms:ViaService": ebs}}),
        ] {
            assert!(
                super::through_a_service_of_the_account(&statement(confined.clone())),
                "{confined}"
            );
        }
        for open in [
            json!({"StringEquals": {"kms:CallerAccount": own}}),
            json!({"StringEquals": {"kms:ViaService": ebs}}),
            json!({"StringEqualsIfExists": {"kms:CallerAccount": own, "kms:ViaService": ebs}}),
            json!({"ForAllValues:StringEquals": {"kms:CallerAccount": own}, "StringEquals": {"kms:ViaService": ebs}}),
            json!({"StringNotEquals": {"kms:CallerAccount": own}, "StringEquals": {"kms:ViaService": ebs}}),
            json!({"Null": {"kms:CallerAccount": "false"}, "StringEquals": {"kms:ViaService": ebs}}),
            json!({"ArnLike": {"kms:CallerAccount": own}, "StringEquals": {"kms:ViaService": ebs}}),
            json!({"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": ebs}}),
            json!({"StringEquals": {"kms:CallerAccount": [own, "111122223333"], "kms:ViaService": ebs}}),
            json!({"StringEquals": {"kms:CallerAccount": [], "kms:ViaService": ebs}}),
            json!({"StringEquals": {"kms:CallerAccount": {"Fn::GetAtt": ["P", "Value"]}, "kms:ViaService": ebs}}),
            json!({"StringEquals": {"kms:CallerAccount": own}, "StringLike": {"kms:ViaService": "*.amazonaws.com"}}),
            json!({"StringEquals": {"kms:CallerAccount": own}, "StringLike": {"kms:ViaService": "ec2.*.amazonaws.com"}}),
            json!({"StringEquals": {"kms:CallerAccount": own, "kms:ViaService": "{{resolve:ssm:/svc}}"}}),
            json!({"StringEquals": {"kms:CallerAccount": own, "kms:ViaService": {"Fn::Sub": "${Svc}.amazonaws.com"}}}),
            json!({"StringEquals": {"kms:CallerAccount": own, "kms:ViaService": "example.com"}}),
            json!({"Fn::If": ["C", {"StringEquals": {"kms:CallerAccount": own, "kms:ViaService": ebs}}, {}]}),
            // An organization admits its every account, even named by a literal id.
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5", "kms:ViaService": ebs}}),
            json!({"StringEquals": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*", "kms:ViaService": ebs}}),
            json!({"StringEquals": {"aws:PrincipalAccount": "111122223333", "kms:ViaService": ebs}}),
            json!({"StringEqualsIfExists": {"aws:PrincipalAccount": own}, "StringEquals": {"kms:ViaService": ebs}}),
            json!({"StringEquals": {"aws:SourceAccount": own, "kms:ViaService": ebs}}),
        ] {
            assert!(
                !super::through_a_service_of_the_account(&statement(open.clone())),
                "{open}"
            );
        }
    }

    #[test]
    fn an_aurora_mysql_instance_of_another_stack_reads_its_own_parameter_group_over_the_cluster() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let check = |general: &str| {
            let app = App::new("aurora-logs");
            let data = app.stack("data").unwrap();
            data.add(
                RawResource::new("Ehr", "AWS::RDS::DBCluster")
                    .property("Engine", json!("aurora-mysql"))
                    .property("DBClusterIdentifier", json!("ehr"))
                    .property(
                        "EnableCloudwatchLogsExports",
                        json!(["audit", "error", "general", "slowquery"]),
                    )
                    .property("DBClusterParameterGroupName", json!({"Ref": "Cg"})),
            )
            .unwrap();
            data.add(
                RawResource::new("Cg", "AWS::RDS::DBClusterParameterGroup")
                    .property("Family", json!("aurora-mysql8.0"))
                    .property("Description", json!("logs"))
                    .property(
                        "Parameters",
                        json!({"server_audit_logging": "1", "server_audit_events": "CONNECT,QUERY", "slow_query_log": "1"}),
                    ),
            )
            .unwrap();
            let readers = app.stack("readers").unwrap();
            readers
                .add(
                    RawResource::new("Reader", "AWS::RDS::DBInstance")
                        .property("Engine", json!("aurora-mysql"))
                        .property("DBClusterIdentifier", json!("ehr"))
                        .property("DBParameterGroupName", json!({"Ref": "Ig"})),
                )
                .unwrap();
            readers
                .add(
                    RawResource::new("Ig", "AWS::RDS::DBParameterGroup")
                        .property("Family", json!("aurora-mysql8.0"))
                        .property("Description", json!("reader"))
                        .property("Parameters", json!({ "general_log": general })),
                )
                .unwrap();
            let assembly = app.check().unwrap();
            let status = crate::testing::status_of(&assembly, "R8", "Ehr");
            (assembly, status)
        };
        let (_, off) = check("0");
        assert!(
            matches!(&off, Some(Status::Failed { finding }) if finding.contains("`Ig` sets `general_log` to 0 for instance `Reader`")),
            "{off:?}"
        );
        let (assembly, on) = check("1");
        let Some(Status::Enforced { evidence }) = on else {
            panic!("R8 with the reader's group on: {on:?}");
        };
        assert!(
            evidence
                .iter()
                .any(|p| p.logical_id == "readers/Ig" && p.path.ends_with("/general_log")),
            "{evidence:?}"
        );
        every_proof_points_into(&assembly, "data", &evidence);
    }

    /// Asserts that every proof points at a property of the assembly: a proof of a resource
    /// of another stack names it `stack/id`, one of the checked resource's stack `home`.
    fn every_proof_points_into(
        assembly: &crate::compliance::Assembly,
        home: &str,
        evidence: &[crate::compliance::Proof],
    ) {
        for proof in evidence {
            let (stack, proof) = match proof.logical_id.split_once('/') {
                Some((stack, id)) => (
                    stack,
                    crate::compliance::Proof {
                        logical_id: id.to_owned(),
                        path: proof.path.clone(),
                    },
                ),
                None => (home, proof.clone()),
            };
            assert!(
                assembly.evidence(stack, &proof).is_some(),
                "{stack} {proof:?}"
            );
        }
    }

    #[test]
    fn a_replica_key_rotates_as_its_primary_of_another_region_does() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let app = App::new("replicas");
        let security = app.stack("security").unwrap();
        let key = security.add(KmsKey::new("PhiKey").multi_region()).unwrap();
        let dr = app.stack_in("dr", region!("us-west-2")).unwrap();
        dr.add(ReplicaKey::new("PhiKeyWest", &key)).unwrap();
        let assembly = app.check().unwrap();
        let status = crate::testing::status_of(&assembly, "K1", "PhiKeyWest");
        let Some(Status::Enforced { evidence }) = status else {
            panic!("K1 on the replica: {status:?}");
        };
        // The replica's `PrimaryKeyArn`, and the primary's rotation in its own stack.
        assert!(
            evidence
                .iter()
                .any(|p| p.logical_id == "PhiKeyWest" && p.path.ends_with("/PrimaryKeyArn")),
            "{evidence:?}"
        );
        assert!(
            evidence
                .iter()
                .any(|p| p.logical_id.starts_with("security/")
                    && p.path.ends_with("/EnableKeyRotation")),
            "{evidence:?}"
        );
        every_proof_points_into(&assembly, "dr", &evidence);
    }

    #[test]
    fn a_copy_named_by_the_arn_of_a_bucket_of_any_stack_in_any_case_is_of_the_app() {
        use crate::prelude::*;
        let outside = |destination: &str| -> Vec<String> {
            let app = App::new("copies");
            app.stack("dr")
                .unwrap()
                .add(
                    RawResource::new("Copy", "AWS::S3::Bucket")
                        .property("BucketName", "Records-DR"),
                )
                .unwrap();
            app.stack("data")
                .unwrap()
                .add(
                    RawResource::new("Records", "AWS::S3::Bucket")
                        .property("/ReplicationConfiguration/Rules/0/Status", "Enabled")
                        .property(
                            "/ReplicationConfiguration/Rules/0/Destination/Bucket",
                            destination,
                        ),
                )
                .unwrap();
            let assembly = app.check().unwrap();
            let stacks: Vec<(&str, &crate::cfn::Template)> = assembly
                .stacks()
                .iter()
                .map(|s| (s.name(), s.template()))
                .collect();
            let index = super::super::Index::new(&stacks);
            let at = stacks.iter().position(|(s, _)| *s == "data").unwrap();
            let template = stacks[at].1;
            let cx = super::Cx {
                template,
                resource: template.resource("Records").unwrap(),
                stack: "data",
                stacks: &stacks,
                at,
                index: &index,
            };
            super::replicas_outside_the_app(&cx)
        };
        assert_eq!(outside("arn:aws:s3:::records-dr"), Vec::<String>::new());
        assert_eq!(outside(" ARN:AWS:S3:::RECORDS-DR "), Vec::<String>::new());
        assert_eq!(
            outside("arn:aws-us-gov:s3:::Records-DR"),
            Vec::<String>::new()
        );
        let elsewhere = outside("arn:aws:s3:::records-dr-2");
        assert!(
            elsewhere.len() == 1 && elsewhere[0].contains("no bucket of the app"),
            "{elsewhere:?}"
        );
    }

    /// S1 reads the key of each replication rule's copies as it reads the bucket's own: a key
    /// of the app passes; a key of another account, or an AWS-managed key, fails, whatever
    /// the destination.
    #[test]
    fn s1_reads_the_key_the_replicas_are_encrypted_with() {
        use serde_json::Value;
        let judge = |key: Value| {
            super::super::Cx::check_first(
                super::s1,
                &[
                    (
                        "Records",
                        "AWS::S3::Bucket",
                        json!({
                            "BucketEncryption": { "ServerSideEncryptionConfiguration": [{
                                "ServerSideEncryptionByDefault": { "SSEAlgorithm": "aws:kms",
                                    "KMSMasterKeyID": { "Fn::GetAtt": ["Key", "Arn"] } },
                                "BucketKeyEnabled": true }] },
                            "ReplicationConfiguration": { "Role": "r", "Rules": [{
                                "Status": "Enabled",
                                "Destination": { "Bucket": { "Fn::GetAtt": ["Copy", "Arn"] },
                                    "EncryptionConfiguration": { "ReplicaKmsKeyID": key } } }] }
                        }),
                    ),
                    ("Key", "AWS::KMS::Key", json!({})),
                    ("Copy", "AWS::S3::Bucket", json!({})),
                ],
            )
        };
        for own in [
            json!({ "Fn::GetAtt": ["Key", "Arn"] }),
            json!({ "Fn::Sub": "arn:${AWS::Partition}:kms:us-west-2:${AWS::AccountId}:alias/records-dr" }),
        ] {
            let found = judge(own.clone());
            assert!(matches!(found, super::Outcome::Pass(_)), "{own}: {found:?}");
        }
        for other in [
            json!("arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            json!({ "Fn::Sub": "arn:${AWS::Partition}:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" }),
            json!("alias/aws/s3"),
        ] {
            let found = judge(other.clone());
            assert!(
                matches!(found, super::Outcome::Fail(ref f) if f.contains("ReplicaKmsKeyID")),
                "{other}: {found:?}"
            );
        }
    }

    #[test]
    fn automated_backups_replicated_under_a_key_of_another_region_s_stack_hold_r1() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let app = App::new("clinic");
        let dr = app.stack_in("clinic-dr", region!("us-west-2")).unwrap();
        let dr_key = dr.add(KmsKey::new("DrKey")).unwrap();
        let data = app.stack("clinic-data").unwrap();
        let key = data.add(KmsKey::new("PhiKey")).unwrap();
        let network = DbNetwork::existing(
            "vpc-0123456789abcdef0",
            &["subnet-0a1b2c3d", "subnet-0a1b2c3e"],
        )
        .unwrap();
        data.add(
            EncryptedDatabase::postgres("Ehr")
                .encryption(&key)
                .network(network)
                .backup_retention(days!(14))
                .replicate_backups_to(&dr_key),
        )
        .unwrap();
        let assembly = app.check().unwrap();
        let status = crate::testing::status_of(&assembly, "R1", "Ehr");
        let Some(Status::Enforced { evidence }) = status else {
            panic!("R1 on a database whose backups replicate: {status:?}");
        };
        // The replicated backups' key is part of the proof.
        assert!(
            evidence
                .iter()
                .any(|p| p.path.ends_with("/AutomaticBackupReplicationKmsKeyId")),
            "{evidence:?}"
        );
        every_proof_points_into(&assembly, "clinic-data", &evidence);
    }

    /// A read replica of a database of the app, in any stack, is read on its source: by its
    /// `Ref`, by its written identifier in its own region, or by its ARN from another region
    /// (the account `${AWS::AccountId}` or a number, the region of the source's stack); a
    /// database of no stack of the app, an identifier of another region's database, an ARN
    /// of another region, a snapshot, or `${AWS::AccountId}` written as characters is not.
    /// The replica's own `KmsKeyId` is still asked: across regions, RDS requires one of the
    /// replica's region.
    #[test]
    fn a_copy_in_its_source_s_region_takes_the_source_s_key_without_writing_one() {
        use crate::compliance::Status;
        use crate::constructs::{RawResource, RawValue};
        use crate::prelude::*;
        let app = App::new("ehr");
        let primary = app.stack_in("primary", region!("us-east-1")).unwrap();
        let dr = app.stack_in("dr", region!("us-west-2")).unwrap();
        let key = primary.add(KmsKey::new("PhiKey")).unwrap();
        let ehr = primary
            .add(
                RawResource::new("Ehr", "AWS::RDS::DBInstance")
                    .property("DBInstanceIdentifier", "ehr-main")
                    .property("Engine", "postgres")
                    .property("StorageEncrypted", true)
                    .property("KmsKeyId", key.arn()),
            )
            .unwrap();
        let cluster = primary
            .add(
                RawResource::new("Aurora", "AWS::RDS::DBCluster")
                    .property("DBClusterIdentifier", "ehr-aurora")
                    .property("Engine", "aurora-postgresql")
                    .property("StorageEncrypted", true)
                    .property("KmsKeyId", key.arn()),
            )
            .unwrap();
        let copy = |id: &str, kind: &str, pointer: &str, source: RawValue| {
            RawResource::new(id, kind).property(pointer, source)
        };
        let instance = "AWS::RDS::DBInstance";
        let source = "SourceDBInstanceIdentifier";
        let name = |text: &str| RawValue::from(json!(text));
        for raw in [
            // Same region, nothing written: the source's key.
            copy("ByRef", instance, source, RawValue::from(ehr.reference())),
            copy("ByName", instance, source, name("EHR-main")),
            copy(
                "OwnRegionArn",
                instance,
                source,
                RawValue::from(
                    json!({ "Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:ehr-main" }),
                ),
            ),
            copy("Written", instance, source, RawValue::from(ehr.reference()))
                .property("StorageEncrypted", true),
            copy(
                "Restored",
                "AWS::RDS::DBCluster",
                "SourceDBClusterIdentifier",
                RawValue::from(cluster.reference()),
            )
            .property("RestoreType", "copy-on-write"),
            // Written, and so read.
            copy("Off", instance, source, RawValue::from(ehr.reference()))
                .property("StorageEncrypted", false),
            copy("OffText", instance, source, RawValue::from(ehr.reference()))
                .property("StorageEncrypted", "false"),
            copy("AwsKey", instance, source, RawValue::from(ehr.reference()))
                .property("KmsKeyId", "alias/aws/rds"),
            // No database of the app: a copy of what no rule reads.
            copy("Foreign", instance, source, name("vendor-db")),
        ] {
            primary.add(raw).unwrap();
        }
        // Another region: the copy names a key of its own.
        dr.add(copy(
            "Elsewhere",
            instance,
            source,
            RawValue::from(json!({ "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:db:ehr-main" })),
        ))
        .unwrap();
        let assembly = app.check().unwrap();
        let status = |id: &str| crate::testing::status_of(&assembly, "R1", id);
        for id in ["ByRef", "ByName", "OwnRegionArn", "Written", "Restored"] {
            assert!(
                matches!(status(id), Some(Status::Enforced { .. })),
                "{id}: {:?}",
                status(id)
            );
        }
        for (id, says) in [
            ("Off", "StorageEncrypted"),
            ("OffText", "StorageEncrypted"),
            ("AwsKey", "AWS-managed key"),
            ("Foreign", "makes the database a copy of"),
            ("Elsewhere", "KmsKeyId"),
        ] {
            assert!(
                matches!(status(id), Some(Status::Failed { ref finding }) if finding.contains(says)),
                "{id}: {:?}",
                status(id)
            );
        }
    }

    #[test]
    fn a_replica_of_a_database_of_the_app_in_any_stack_holds_r1() {
        use crate::compliance::Status;
        use crate::constructs::{RawResource, RawValue};
        use crate::prelude::*;
        let app = App::new("ehr");
        let primary = app.stack_in("primary", region!("us-east-1")).unwrap();
        let dr = app.stack_in("dr", region!("us-west-2")).unwrap();
        let key = primary.add(KmsKey::new("PhiKey")).unwrap();
        let dr_key = dr.add(KmsKey::new("DrKey")).unwrap();
        let ehr = primary
            .add(
                RawResource::new("Ehr", "AWS::RDS::DBInstance")
                    .property("DBInstanceIdentifier", "ehr-main")
                    .property("Engine", "postgres")
                    .property("StorageEncrypted", true)
                    .property("KmsKeyId", key.arn()),
            )
            .unwrap();
        let replica = |id: &str, pointer: &str, source: RawValue, key: Option<&Handle<KmsKey>>| {
            let mut r = RawResource::new(id, "AWS::RDS::DBInstance")
                .property(pointer, source)
                .property("StorageEncrypted", true);
            if let Some(key) = key {
                r = r.property("KmsKeyId", key.arn());
            }
            r
        };
        let source = "SourceDBInstanceIdentifier";
        let arn = |text: &str| RawValue::from(json!(text));
        for (id, pointer, value) in [
            ("ByName", source, arn("EHR-main")),
            ("ByRef", source, RawValue::from(ehr.reference())),
            ("OtherName", source, arn("ehr-other")),
            ("Snapshot", "DBSnapshotIdentifier", arn("ehr-main")),
        ] {
            primary
                .add(replica(id, pointer, value, Some(&key)))
                .unwrap();
        }
        for (id, value, key) in [
            (
                "Literal",
                arn("arn:aws:rds:us-east-1:111122223333:db:ehr-main"),
                Some(&dr_key),
            ),
            (
                "Sub",
                RawValue::from(
                    json!({ "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:db:Ehr-Main" }),
                ),
                Some(&dr_key),
            ),
            (
                "NoKey",
                RawValue::from(
                    json!({ "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:db:ehr-main" }),
                ),
                None,
            ),
            (
                "WrongRegion",
                arn("arn:aws:rds:eu-west-1:111122223333:db:ehr-main"),
                Some(&dr_key),
            ),
            (
                "OwnRegion",
                RawValue::from(
                    json!({ "Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:ehr-main" }),
                ),
                Some(&dr_key),
            ),
            (
                "Foreign",
                arn("arn:aws:rds:us-east-1:111122223333:db:vendor-db"),
                Some(&dr_key),
            ),
            (
                "Characters",
                arn("arn:aws:rds:us-east-1:${AWS::AccountId}:db:ehr-main"),
                Some(&dr_key),
            ),
            (
                "Cluster",
                arn("arn:aws:rds:us-east-1:111122223333:cluster:ehr-main"),
                Some(&dr_key),
            ),
            ("BareName", arn("ehr-main"), Some(&dr_key)),
        ] {
            dr.add(replica(id, source, value, key)).unwrap();
        }
        let assembly = app.check().unwrap();
        let status = |id: &str| crate::testing::status_of(&assembly, "R1", id);
        for id in ["ByName", "ByRef", "Sub"] {
            assert!(
                matches!(status(id), Some(Status::Enforced { .. })),
                "{id}: {:?}",
                status(id)
            );
        }
        for id in [
            "Literal",
            "OtherName",
            "Snapshot",
            "WrongRegion",
            "OwnRegion",
            "Foreign",
            "Characters",
            "Cluster",
            "BareName",
        ] {
            assert!(
                matches!(status(id), Some(Status::Failed { ref finding }) if finding.contains("makes the database a copy of")),
                "{id}: {:?}",
                status(id)
            );
        }
        assert!(
            matches!(status("NoKey"), Some(Status::Failed { ref finding }) if finding.contains("KmsKeyId") && !finding.contains("makes the database a copy of")),
            "{:?}",
            status("NoKey")
        );
        // R13 reads a replica's password on its source, of the app as R1 reads it: the rule
        // does not apply to the replica; a replica of a database of no stack of the app
        // keeps a password no rule reads.
        let r13 = |id: &str| crate::testing::status_of(&assembly, "R13", id);
        for id in ["ByName", "ByRef", "Sub"] {
            assert_eq!(r13(id), None, "{id}");
        }
        for id in ["OtherName", "Foreign", "BareName"] {
            assert!(r13(id).is_some(), "{id}");
        }
    }

    /// The sixteenth probe: a copy names, by text, a database of a stack of its own account
    /// only. A clone in one environment's account of a cluster named like one of another
    /// environment's account copies whatever that account's cluster of the name is.
    #[test]
    fn a_copy_names_by_text_a_database_of_its_own_account_only() {
        use crate::compliance::Status;
        use crate::constructs::RawResource;
        use crate::prelude::*;
        let app = App::new("ehr");
        let production = app
            .environment("production", account!("222222222222"), region!("us-east-1"))
            .unwrap();
        let analytics = app
            .environment("analytics", account!("333333333333"), region!("us-east-1"))
            .unwrap();
        let data = production.stack("data").unwrap();
        let key = data.add(KmsKey::new("PhiKey")).unwrap();
        data.add(
            RawResource::new("Ehr", "AWS::RDS::DBCluster")
                .property("DBClusterIdentifier", "ehr")
                .property("Engine", "aurora-postgresql")
                .property("StorageEncrypted", true)
                .property("KmsKeyId", key.arn()),
        )
        .unwrap();
        let clone = |stack: &Stack<'_>, key: &Handle<KmsKey>| {
            stack
                .add(
                    RawResource::new("Clone", "AWS::RDS::DBCluster")
                        .property("SourceDBClusterIdentifier", json!({ "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:cluster:ehr" }))
                        .property("RestoreType", "copy-on-write")
                        .property("Engine", "aurora-postgresql")
                        .property("StorageEncrypted", true)
                        .property("KmsKeyId", key.arn()),
                )
                .unwrap()
        };
        let same = production.stack("reports").unwrap();
        let same_key = same.add(KmsKey::new("ReportsKey")).unwrap();
        clone(&same, &same_key);
        let other = analytics.stack("reports").unwrap();
        let other_key = other.add(KmsKey::new("ReportsKey")).unwrap();
        clone(&other, &other_key);
        let assembly = app.check().unwrap();
        let statuses: Vec<(String, Status)> = assembly
            .evaluation()
            .results
            .iter()
            .filter(|c| c.rule == "R1" && &*c.logical_id == "Clone")
            .map(|c| (c.stack.to_string(), c.status.clone()))
            .collect();
        assert!(
            statuses
                .iter()
                .any(|(stack, s)| stack.starts_with("production")
                    && matches!(s, Status::Enforced { .. })),
            "{statuses:?}"
        );
        assert!(
            statuses.iter().any(|(stack, s)| stack.starts_with("analytics") && matches!(s, Status::Failed { finding } if finding.contains("makes the database a copy of"))),
            "{statuses:?}"
        );
    }

    use super::has_import;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// What a bucket policy of the bucket's own stack names, read through the index
        /// (a plain `Ref` by id), is what `names_bucket` reads of its `Bucket`, for every
        /// bucket of the stack, on random values of references, names, conditions and
        /// nested intrinsics.
        #[test]
        fn a_policy_of_the_stack_names_a_bucket_through_the_index_as_read(
            bucket in crate::testing::intrinsic_values(),
        ) {
            use crate::cfn::{Resource, Template};
            use crate::compliance::rules::{Cx, Index};
            let raw = |id: &str, kind: &str, properties| {
                Resource::raw(id.to_owned(), kind.to_owned(), properties)
            };
            let template = Template {
                description: String::new(),
                parameters: Vec::new(),
                resources: vec![
                    raw("A", "AWS::S3::Bucket", json!({})),
                    // Named by a pseudo parameter: a `Ref` of it names the bucket by text.
                    raw("B", "AWS::S3::Bucket", json!({ "BucketName": { "Fn::Sub": "${AWS::Region}" } })),
                    raw("P", "AWS::S3::BucketPolicy", json!({ "Bucket": bucket })),
                ],
                outputs: Vec::new(),
            };
            let stacks = [("s", &template)];
            let index = Index::new(&stacks);
            for resource in &template.resources()[..2] {
                let cx = Cx::in_first(&stacks, resource, &index);
                let own = super::own_bucket(&cx);
                let policies: Vec<_> = cx.bucket_policies().collect();
                proptest::prop_assert_eq!(policies.len(), 1);
                let (stack, _, _, refers) = policies[0];
                proptest::prop_assert!(stack.is_none());
                proptest::prop_assert_eq!(
                    super::own_policy_names_bucket(refers, template.resources(), || &bucket, &own),
                    super::names_bucket(&bucket, &own),
                    "{:?} of {}", refers, resource.logical_id()
                );
            }
        }
    }

    #[test]
    fn a_bucket_is_named_by_a_policy_as_the_long_reading_finds_it() {
        use super::{Own, names_bucket, names_bucket_read};
        let owns = [
            Own {
                id: "Records",
                reference: "clinic-records".to_owned(),
                arn: "arn:aws:s3:::clinic-records".to_owned(),
                other: None,
            },
            // A bucket named by a pseudo parameter: a `Ref` of it names the bucket by text.
            Own {
                id: "Scratch",
                reference: "${AWS::StackName}".to_owned(),
                arn: "arn:aws:s3:::${AWS::StackName}".to_owned(),
                other: None,
            },
        ];
        let values = [
            json!({ "Ref": "Records" }),
            json!({ "Ref": "Scratch" }),
            json!({ "Ref": "Other" }),
            json!({ "Ref": "AWS::StackName" }),
            json!({ "Ref": "AWS::Region" }),
            json!({ "Ref": 7 }),
            json!({ "Ref": "Records", "Extra": 1 }),
            // Not a plain `Ref`: another key of the object names the bucket.
            json!({ "Ref": "Other", "Fn::GetAtt": ["Records", "Arn"] }),
            json!({ "Fn::GetAtt": ["Records", "Arn"] }),
            json!({ "Fn::Sub": "${Records}" }),
            json!({ "Fn::Join": ["", [{ "Ref": "Records" }]] }),
            json!("clinic-records"),
            json!("other"),
            json!({ "Fn::ImportValue": "data:Records:Ref" }),
            json!(null),
        ];
        let mut named = 0;
        for own in &owns {
            for value in &values {
                let read = names_bucket_read(value, own);
                assert_eq!(names_bucket(value, own), read, "{} by {value}", own.id);
                named += usize::from(read);
            }
        }
        assert!(named >= 6, "{named}");
    }

    #[test]
    fn imports_are_found_anywhere_in_a_value() {
        assert!(has_import(&json!({ "Fn::ImportValue": "data:Ehr:Ref" })));
        assert!(has_import(
            &json!({ "Fn::Join": ["", ["x-", { "Fn::ImportValue": "data:Ehr:Ref" }]] })
        ));
        assert!(has_import(&json!([{ "Fn::ImportValue": "data:Ehr:Ref" }])));
        assert!(!has_import(
            &json!({ "Fn::Join": ["", ["Fn::ImportValue"]] })
        ));
        assert!(!has_import(&json!("Fn::ImportValue")));
        assert!(!has_import(&json!({ "Ref": "Ehr" })));
    }

    /// K3 on a key `K` of this policy: whether it holds.
    fn k3_holds(policy: serde_json::Value) -> bool {
        let stack = [("K", "AWS::KMS::Key", json!({ "KeyPolicy": policy }))];
        matches!(
            raw_statuses(&[("s", &stack)], "K3", "K").as_slice(),
            [crate::testing::Status::Enforced { .. }]
        )
    }

    #[test]
    fn k3_admits_a_service_principal_only_pinned_to_the_account() {
        let root = json!({ "Effect": "Allow", "Principal": { "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } }, "Action": "kms:*", "Resource": "*" });
        let service = |principal: serde_json::Value, condition: serde_json::Value| {
            let mut s = json!({ "Effect": "Allow", "Principal": { "Service": principal }, "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*" });
            if !condition.is_null() {
                s["Condition"] = condition;
            }
            json!({ "Version": "2012-10-17", "Statement": [root.clone(), s] })
        };
        let logs = json!({ "Fn::Sub": "logs.${AWS::Region}.amazonaws.com" });
        let own = json!({ "Ref": "AWS::AccountId" });
        for pinned in [
            json!({ "StringEquals": { "aws:SourceAccount": own } }),
            json!({ "StringEquals": { "AWS:sourceaccount": { "Fn::Sub": "${AWS::AccountId}" } } }),
            json!({ "ArnLike": { "kms:EncryptionContext:aws:logs:arn": { "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*" } } }),
            json!({ "ArnEquals": { "aws:SourceArn": { "Fn::Sub": "arn:aws:cloudtrail:us-east-1:${AWS::AccountId}:trail/t" } } }),
            json!({ "StringLike": { "kms:EncryptionContext:aws:cloudtrail:arn": [{ "Fn::Sub": "arn:aws:cloudtrail:*:${AWS::AccountId}:trail/*" }] } }),
        ] {
            assert!(k3_holds(service(logs.clone(), pinned.clone())), "{pinned}");
        }
        for open in [
            serde_json::Value::Null,
            json!({ "StringEquals": { "aws:SourceOrgID": "o-exampleorgid" } }),
            json!({ "StringEqualsIfExists": { "aws:SourceAccount": own } }),
            json!({ "StringNotEquals": { "aws:SourceAccount": "111122223333" } }),
            json!({ "StringEquals": { "aws:SourceAccount": "111122223333" } }),
            json!({ "StringEquals": { "aws:SourceAccount": [own, "111122223333"] } }),
            json!({ "ArnLike": { "aws:SourceArn": "arn:aws:logs:*:111122223333:log-group:*" } }),
            json!({ "ArnLike": { "aws:SourceArn": "arn:aws:logs:*:*:log-group:*" } }),
            json!({ "ArnLike": { "aws:SourceArn": { "Fn::Sub": "arn:aws:logs:*:${AWS::AccountId}*:log-group:*" } } }),
            json!({ "ArnNotLike": { "aws:SourceArn": { "Fn::Sub": "arn:aws:logs:*:${AWS::AccountId}:*" } } }),
            json!({ "ForAllValues:StringEquals": { "aws:SourceAccount": own } }),
            json!({ "StringEquals": { "kms:EncryptionContext:project": { "Fn::Sub": "arn:aws:logs:*:${AWS::AccountId}:x" } } }),
            json!({ "StringEquals": { "aws:SourceAccount": { "Fn::GetAtt": ["P", "Value"] } } }),
        ] {
            assert!(!k3_holds(service(logs.clone(), open.clone())), "{open}");
            assert!(
                !k3_holds(service(json!(["cloudtrail.amazonaws.com"]), open.clone())),
                "{open}"
            );
        }
        // The document written as text: a pin resolved by `Fn::Sub` is the account.
        let text = |condition: &str| json!({ "Fn::Sub": format!(r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Service": "logs.amazonaws.com"}}, "Action": "kms:Decrypt", "Resource": "*"{condition}}}]}}"#) });
        assert!(k3_holds(text(
            r#", "Condition": {"StringEquals": {"aws:SourceAccount": "${AWS::AccountId}"}}"#
        )));
        assert!(!k3_holds(text("")));
        // `${` spelled with a JSON escape is no `${` that `Fn::Sub` resolved: read as the
        // characters, never as the stack's own account.
        let escaped = super::super::meaning::resolved_json(
            r#"{"a": "\u0024{AWS::AccountId}", "b": "${AWS::AccountId}"}"#,
        )
        .unwrap();
        assert_eq!(
            super::super::meaning::sent(&escaped["a"]).as_deref(),
            Some("${!AWS::AccountId}")
        );
        assert_eq!(
            super::super::meaning::sent(&escaped["b"]).as_deref(),
            Some("${!AWS::AccountId}")
        );
        let resolved = super::super::meaning::resolved_json(
            r#"{"b": "${AWS::AccountId}:${!AWS::Region}:${aws:username}"}"#,
        )
        .unwrap();
        assert_eq!(
            super::super::meaning::sent(&resolved["b"]).as_deref(),
            Some("${AWS::AccountId}:${!AWS::Region}:${aws:username}")
        );
    }

    #[test]
    fn a_pseudo_parameter_written_as_characters_is_not_the_stack_s_own() {
        let bucket = (
            "B",
            "AWS::S3::Bucket",
            json!({ "BucketName": { "Fn::Sub": "${AWS::StackName}-phi" } }),
        );
        let deny = |bucket: serde_json::Value, resources: serde_json::Value| {
            (
                "P",
                "AWS::S3::BucketPolicy",
                json!({ "Bucket": bucket, "PolicyDocument": { "Statement": [{ "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": resources, "Condition": { "Bool": { "aws:SecureTransport": "false" } } }] } }),
            )
        };
        let s8 = |policy| {
            matches!(
                raw_statuses(&[("s", &[bucket.clone(), policy])], "S8", "B").as_slice(),
                [crate::testing::Status::Enforced { .. }]
            )
        };
        let by_sub = json!([
            { "Fn::Sub": "arn:${AWS::Partition}:s3:::${AWS::StackName}-phi" },
            { "Fn::Sub": "arn:aws:s3:::${AWS::StackName}-phi/*" }
        ]);
        assert!(s8(deny(json!({ "Ref": "B" }), by_sub.clone())));
        assert!(s8(deny(
            json!({ "Fn::Sub": "${AWS::StackName}-phi" }),
            by_sub.clone()
        )));
        // CloudFormation passes text outside `Fn::Sub` as it is written: IAM reads
        // `${AWS::StackName}` as a policy variable it cannot resolve, so the Deny covers no
        // bucket, and a policy of the bucket `${AWS::StackName}-phi` is of no bucket.
        for literal in [
            json!([
                "arn:aws:s3:::${AWS::StackName}-phi",
                "arn:aws:s3:::${AWS::StackName}-phi/*"
            ]),
            json!([{ "Fn::Join": ["", ["arn:aws:s3:::", "${AWS::StackName}", "-phi"]] }, { "Fn::Sub": "arn:aws:s3:::${!AWS::StackName}-phi/*" }]),
            json!([{ "Fn::Sub": ["arn:aws:s3:::${N}", { "N": "${AWS::StackName}-phi" }] }, "arn:aws:s3:::${AWS::StackName}-phi/*"]),
        ] {
            assert!(
                !s8(deny(json!({ "Ref": "B" }), literal.clone())),
                "{literal}"
            );
        }
        assert!(!s8(deny(json!("${AWS::StackName}-phi"), by_sub)));
        assert_eq!(
            super::super::meaning::sent(&json!("arn:aws:iam::${AWS::AccountId}:root")).as_deref(),
            Some("arn:aws:iam::${!AWS::AccountId}:root")
        );
        assert_eq!(
            super::super::meaning::sent(&json!({ "Fn::Sub": "${AWS::AccountId}" })).as_deref(),
            Some("${AWS::AccountId}")
        );
    }
}

#[cfg(test)]
mod hostile_review_19 {
    use serde_json::json;

    use super::*;

    fn pab(flag: Value) -> Value {
        json!({"BlockPublicAcls": true, "BlockPublicPolicy": flag,
            "IgnorePublicAcls": true, "RestrictPublicBuckets": true})
    }

    #[test]
    fn a_multi_region_access_point_blocks_public_access_as_a_bucket_does() {
        let mrap = |properties: Value| {
            Cx::check_first(s14, &[("M", MULTI_REGION_ACCESS_POINT, properties)])
        };
        let regions = json!([{"Bucket": "records-use1"}, {"Bucket": "records-usw2"}]);
        assert!(matches!(
            mrap(json!({"Regions": regions, "PublicAccessBlockConfiguration": pab(json!(true))})),
            Outcome::Pass(_)
        ));
        for properties in [
            json!({"Regions": regions}),
            json!({"Regions": regions, "PublicAccessBlockConfiguration": pab(json!(false))}),
            json!({"Regions": regions, "PublicAccessBlockConfiguration": pab(json!({"Fn::ImportValue": "flags"}))}),
            json!({"Regions": regions, "PublicAccessBlockConfiguration": {"Fn::ImportValue": "pab"}}),
        ] {
            match mrap(properties.clone()) {
                Outcome::Fail(why) => {
                    assert!(why.contains("PublicAccessBlockConfiguration"), "{why}")
                }
                other => panic!("{properties}: {other:?}"),
            }
        }
    }

    #[test]
    fn an_object_lambda_access_point_is_read_through_its_supporting_access_point() {
        let point = (
            "Ap",
            ACCESS_POINT,
            json!({"Bucket": "records", "VpcConfiguration": {"VpcId": "vpc-1"},
                "PublicAccessBlockConfiguration": pab(json!(true))}),
        );
        let olap = |supporting: Value| {
            Cx::check_first(
                s14,
                &[
                    (
                        "Ol",
                        OBJECT_LAMBDA_ACCESS_POINT,
                        json!({"ObjectLambdaConfiguration": {"SupportingAccessPoint": supporting,
                            "TransformationConfigurations": []}}),
                    ),
                    point.clone(),
                ],
            )
        };
        assert!(matches!(
            olap(json!({"Fn::GetAtt": ["Ap", "Arn"]})),
            Outcome::Pass(_)
        ));
        for supporting in [
            json!("arn:aws:s3:us-east-1:111122223333:accesspoint/other"),
            json!({"Fn::ImportValue": "ap"}),
            json!({"Fn::Sub": "${Ap.Arn}-x"}),
            json!({"Fn::GetAtt": ["Other", "Arn"]}),
        ] {
            match olap(supporting.clone()) {
                Outcome::Fail(why) => assert!(why.contains("SupportingAccessPoint"), "{why}"),
                other => panic!("{supporting}: {other:?}"),
            }
        }
    }

    fn r8_of(engine: &str, parameters: Value) -> Outcome {
        let logs: &[&str] = engine_logs(engine);
        Cx::check_first(
            r8,
            &[
                (
                    "Db",
                    "AWS::RDS::DBInstance",
                    json!({"Engine": engine, "EnableCloudwatchLogsExports": logs,
                        "DBParameterGroupName": {"Ref": "Params"}}),
                ),
                (
                    "Params",
                    "AWS::RDS::DBParameterGroup",
                    json!({"Family": "x", "Description": "x", "Parameters": parameters}),
                ),
            ],
        )
    }

    #[test]
    fn a_setting_that_empties_what_r8_exports_fails_however_its_name_is_cased() {
        for (engine, parameters) in [
            ("postgres", json!({"Log_Min_Messages": "fatal"})),
            (
                "postgres",
                json!({"LOG_MIN_ERROR_STATEMENT": {"Fn::Sub": "PANIC"}}),
            ),
            ("oracle-ee", json!({"audit_trail": "NONE"})),
            ("oracle-se2", json!({"AUDIT_TRAIL": "false"})),
            (
                "oracle-ee",
                json!({"audit_trail": {"Fn::ImportValue": "trail"}}),
            ),
        ] {
            match r8_of(engine, parameters.clone()) {
                Outcome::Fail(why) => assert!(why.contains("parameter group `Params`"), "{why}"),
                other => panic!("{engine} {parameters}: {other:?}"),
            }
        }
        // Hostile review 24: a name in another case with a harmless value fails too, as
        // CloudFormation refuses it.
        for (engine, parameters) in [
            ("postgres", json!({"Log_Min_Messages": "warning"})),
            ("oracle-ee", json!({"AUDIT_TRAIL": "os"})),
        ] {
            match r8_of(engine, parameters.clone()) {
                Outcome::Fail(why) => assert!(why.contains("refuses the group"), "{why}"),
                other => panic!("{engine} {parameters}: {other:?}"),
            }
        }
        for (engine, parameters) in [
            ("postgres", json!({"log_min_messages": "warning"})),
            ("oracle-ee", json!({"audit_trail": "DB,EXTENDED"})),
            ("oracle-ee", json!({"audit_trail": "os"})),
            ("oracle-ee", json!({})),
        ] {
            let found = r8_of(engine, parameters.clone());
            assert!(
                matches!(found, Outcome::Pass(_)),
                "{engine} {parameters}: {found:?}"
            );
        }
    }
}

#[cfg(test)]
mod hostile_review_20 {
    use serde_json::{Value, json};

    use crate::testing::Status;

    /// R8 on a MySQL instance whose option group writes `options` as its
    /// `OptionConfigurations`, beside a parameter group that writes the general and slow
    /// query logs.
    fn r8_of(options: Value) -> Vec<Status> {
        let template = crate::testing::raw_template(&[
            (
                "D",
                "AWS::RDS::DBInstance",
                json!({"Engine": "mysql", "EnableCloudwatchLogsExports": ["audit", "error", "general", "slowquery"],
                    "DBParameterGroupName": {"Ref": "Params"}, "OptionGroupName": {"Ref": "Options"}}),
            ),
            (
                "Params",
                "AWS::RDS::DBParameterGroup",
                json!({"Family": "mysql8.0", "Description": "logs",
                    "Parameters": {"general_log": "1", "slow_query_log": "1", "log_output": "FILE"}}),
            ),
            (
                "Options",
                "AWS::RDS::OptionGroup",
                json!({"EngineName": "mysql", "MajorEngineVersion": "8.0", "OptionGroupDescription": "audit",
                    "OptionConfigurations": options}),
            ),
        ]);
        crate::testing::statuses(&[("s", &template)], "R8", "D")
    }

    fn plugin(settings: Value) -> Value {
        json!({"OptionName": "MARIADB_AUDIT_PLUGIN", "OptionSettings": settings})
    }

    fn fails_saying(found: &[Status], says: &str) -> bool {
        matches!(found, [Status::Failed { finding }] if finding.contains(says))
    }

    #[test]
    fn an_audit_plugin_whose_settings_no_rule_can_read_fails() {
        for (options, says) in [
            (
                json!([plugin(
                    json!([{"Name": {"Ref": "SettingName"}, "Value": "QUERY_DML"}])
                )]),
                "`OptionSettings.0`",
            ),
            (
                json!([plugin(
                    json!([{"Name": "{{resolve:ssm:/audit/setting}}", "Value": "QUERY_DML"}])
                )]),
                "`OptionSettings.0`",
            ),
            (
                json!([plugin(
                    json!({"Fn::FindInMap": ["Audit", "Events", "Settings"]})
                )]),
                "writes `OptionSettings` as",
            ),
            (
                json!([plugin(
                    json!([{"Fn::FindInMap": ["Audit", "Events", "Setting"]}])
                )]),
                "`OptionSettings.0`",
            ),
            (
                json!([plugin(json!(["SERVER_AUDIT_EVENTS=QUERY_DML"]))]),
                "`OptionSettings.0`",
            ),
            (
                json!([{"OptionName": "MARIADB_AUDIT_PLUGIN"},
                    {"OptionName": {"Ref": "Other"}, "OptionSettings": [{"Name": "SERVER_AUDIT_EVENTS", "Value": "QUERY_DML"}]}]),
                "`OptionConfigurations.1`",
            ),
            (
                json!({"Fn::FindInMap": ["Audit", "Options", "All"]}),
                "writes `OptionConfigurations` as",
            ),
        ] {
            let found = r8_of(options.clone());
            assert!(fails_saying(&found, says), "{options}: {found:?}");
        }
    }

    #[test]
    fn every_entry_of_the_audit_plugin_is_read_in_any_case() {
        for second in [
            json!({"OptionName": "MARIADB_AUDIT_PLUGIN", "OptionSettings": [{"Name": "SERVER_AUDIT_EVENTS", "Value": "QUERY_DML"}]}),
            json!({"OptionName": " mariadb_audit_plugin", "OptionSettings": [{"Name": "SERVER_AUDIT_EVENTS", "Value": "CONNECT"}]}),
            json!({"OptionName": "Mariadb_Audit_Plugin", "OptionSettings": [{"Name": "server_audit_excl_users", "Value": "app"}]}),
        ] {
            let found = r8_of(json!([{"OptionName": "MARIADB_AUDIT_PLUGIN"}, second]));
            assert!(
                fails_saying(
                    &found,
                    "`MARIADB_AUDIT_PLUGIN` option of the option group `Options` sets"
                ),
                "{second}: {found:?}"
            );
        }
    }

    #[test]
    fn an_audit_plugin_written_whole_holds() {
        for options in [
            json!([{"OptionName": "MARIADB_AUDIT_PLUGIN"}]),
            json!([plugin(
                json!([{"Name": "SERVER_AUDIT_EVENTS", "Value": "CONNECT,QUERY"},
                {"Name": "SERVER_AUDIT_FILE_ROTATIONS", "Value": "20"}, {"Ref": "AWS::NoValue"}])
            )]),
            json!([plugin(json!({"Ref": "AWS::NoValue"})), {"Ref": "AWS::NoValue"}]),
            json!([{"OptionName": "mariadb_audit_plugin"}]),
        ] {
            let found = r8_of(options.clone());
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{options}: {found:?}"
            );
        }
        // An option group without the plugin, or with an empty list, still fails.
        for options in [json!([]), json!([{"OptionName": "MEMCACHED"}])] {
            assert!(fails_saying(
                &r8_of(options),
                "has no `MARIADB_AUDIT_PLUGIN` option"
            ));
        }
    }

    /// R12 on instance `D` of `engine` at `version` (not written when null) whose parameter
    /// group writes `parameters`.
    fn r12_of(engine: &str, version: Value, parameters: Value) -> Vec<Status> {
        let mut db = json!({"Engine": engine, "DBParameterGroupName": {"Ref": "G"}});
        if !version.is_null() {
            db["EngineVersion"] = version;
        }
        let template = crate::testing::raw_template(&[
            ("D", "AWS::RDS::DBInstance", db),
            (
                "G",
                "AWS::RDS::DBParameterGroup",
                json!({"Family": "f", "Description": "g", "Parameters": parameters}),
            ),
        ]);
        crate::testing::statuses(&[("s", &template)], "R12", "D")
    }

    #[test]
    fn r12_reads_the_older_protocols_an_engine_version_admits_by_default() {
        let enforced = |found: &[Status]| matches!(found, [Status::Enforced { .. }]);
        let mysql = json!({"require_secure_transport": "1"});
        // MySQL 5.7 (and an unreadable version, which may be 5.7) admits TLS 1.0 and 1.1
        // unless `tls_version` says otherwise.
        for version in [
            json!("5.7.44"),
            json!({"Ref": "Version"}),
            json!(" 5.7.44-rds.20240408"),
        ] {
            let found = r12_of("mysql", version.clone(), mysql.clone());
            assert!(
                fails_saying(&found, "`tls_version`"),
                "{version}: {found:?}"
            );
            let found = r12_of(
                "mysql",
                version.clone(),
                json!({"require_secure_transport": "1", "tls_version": "TLSv1.2"}),
            );
            assert!(enforced(&found), "{version}: {found:?}");
        }
        assert!(fails_saying(
            &r12_of("aurora", Value::Null, mysql.clone()),
            "`tls_version`"
        ));
        for version in [json!("10.6.20"), json!("10.5"), json!("10")] {
            let found = r12_of("mariadb", version.clone(), mysql.clone());
            assert!(
                fails_saying(&found, "`tls_version`"),
                "{version}: {found:?}"
            );
        }
        for version in [
            Value::Null,
            json!("10.11.10"),
            json!("11.4.4"),
            json!("11.8.6"),
        ] {
            let found = r12_of("mariadb", version.clone(), mysql.clone());
            assert!(enforced(&found), "{version}: {found:?}");
        }
        for version in [Value::Null, json!("8.0.40"), json!("8.4.3")] {
            assert!(enforced(&r12_of("mysql", version, mysql.clone())));
        }
        // A restore runs its snapshot's version, which the template does not show.
        let template = crate::testing::raw_template(&[
            (
                "D",
                "AWS::RDS::DBInstance",
                json!({"Engine": "mysql", "DBSnapshotIdentifier": "arn:aws:rds:us-east-1:111122223333:snapshot:old",
                    "DBParameterGroupName": {"Ref": "G"}}),
            ),
            (
                "G",
                "AWS::RDS::DBParameterGroup",
                json!({"Family": "mysql5.7", "Description": "g", "Parameters": mysql.clone()}),
            ),
        ]);
        let found = crate::testing::statuses(&[("s", &template)], "R12", "D");
        assert!(fails_saying(&found, "of the source it copies"), "{found:?}");
        // A replica of a database of the template runs its source's engine and version.
        let replica = |source_version: &str| {
            let template = crate::testing::raw_template(&[
                (
                    "Source",
                    "AWS::RDS::DBInstance",
                    json!({"Engine": "mysql", "EngineVersion": source_version, "DBParameterGroupName": {"Ref": "G"}}),
                ),
                (
                    "D",
                    "AWS::RDS::DBInstance",
                    json!({"SourceDBInstanceIdentifier": {"Ref": "Source"}, "DBParameterGroupName": {"Ref": "G"}}),
                ),
                (
                    "G",
                    "AWS::RDS::DBParameterGroup",
                    json!({"Family": "mysql", "Description": "g", "Parameters": mysql.clone()}),
                ),
            ]);
            crate::testing::statuses(&[("s", &template)], "R12", "D")
        };
        assert!(enforced(&replica("8.0.40")), "{:?}", replica("8.0.40"));
        assert!(fails_saying(&replica("5.7.44"), "`tls_version`"));
        // An engine no rule can read, beside a written version, leaves the defaults unknown.
        let found = r12_of("{{resolve:ssm:/db/engine}}", json!("5.7.44"), mysql.clone());
        assert!(fails_saying(&found, "`Engine` is"), "{found:?}");
        // PostgreSQL 12 and older default to TLS 1.0.
        let pg = json!({"rds.force_ssl": "1"});
        for version in [
            json!("12.22"),
            json!("11.22-rds.20241121"),
            json!("9.6.24"),
            json!({"Ref": "Version"}),
        ] {
            let found = r12_of("postgres", version.clone(), pg.clone());
            assert!(
                fails_saying(&found, "`ssl_min_protocol_version`"),
                "{version}: {found:?}"
            );
        }
        let found = r12_of(
            "aurora-postgresql",
            json!("12.22"),
            json!({"rds.force_ssl": "1", "ssl_min_protocol_version": "TLSv1.2"}),
        );
        assert!(enforced(&found), "{found:?}");
        for version in [Value::Null, json!("13.18"), json!("16.6"), json!("17.2")] {
            assert!(enforced(&r12_of("postgres", version, pg.clone())));
        }
        // SQL Server keeps TLS 1.0 and 1.1 on by default up to the listed minor versions.
        let forced = json!({"rds.force_ssl": "1"});
        for version in [
            json!("15.00.4365.2.v1"),
            json!("16.00.4120.1.v1"),
            json!("13.00.6300.2.v1"),
            json!("11.00.7507.2.v1"),
            json!("15.00"),
            json!({"Ref": "Version"}),
        ] {
            let found = r12_of("sqlserver-se", version.clone(), forced.clone());
            assert!(fails_saying(&found, "`rds.tls10`"), "{version}: {found:?}");
            let found = r12_of(
                "sqlserver-se",
                version.clone(),
                json!({"rds.force_ssl": "1", "rds.tls10": "disabled", "rds.tls11": "default"}),
            );
            assert!(fails_saying(&found, "`rds.tls11`"), "{version}: {found:?}");
            let found = r12_of(
                "sqlserver-se",
                version.clone(),
                // Hostile review 22: RC4 and Triple DES are on by default there too.
                json!({"rds.force_ssl": "1", "rds.tls10": "disabled", "rds.tls11": "Disabled",
                    "rds.rc4": "disabled", "rds.3des168": "disabled"}),
            );
            assert!(enforced(&found), "{version}: {found:?}");
        }
        for version in [
            Value::Null,
            json!("16.00.4125.3.v1"),
            json!("15.00.4415.2.v1"),
            json!("17.00.1000.1.v1"),
        ] {
            let found = r12_of("sqlserver-ee", version.clone(), forced.clone());
            assert!(enforced(&found), "{version}: {found:?}");
        }
    }

    /// R12 on an instance `D` of `engine` whose option group `O` holds `options`, and whose
    /// parameter group `P` forces TLS as PostgreSQL would (which Oracle does not read).
    fn r12_oracle(engine: &str, options: Value) -> Vec<Status> {
        let template = crate::testing::raw_template(&[
            (
                "D",
                "AWS::RDS::DBInstance",
                json!({"Engine": engine, "DBParameterGroupName": {"Ref": "P"}, "OptionGroupName": {"Ref": "O"}}),
            ),
            (
                "P",
                "AWS::RDS::DBParameterGroup",
                json!({"Family": "oracle-ee-19", "Description": "x", "Parameters": {"rds.force_ssl": "1"}}),
            ),
            (
                "O",
                "AWS::RDS::OptionGroup",
                json!({"EngineName": "oracle-ee", "MajorEngineVersion": "19", "OptionGroupDescription": "x",
                    "OptionConfigurations": options}),
            ),
        ]);
        crate::testing::statuses(&[("s", &template)], "R12", "D")
    }

    fn nne(settings: Value) -> Value {
        json!({"OptionName": "NATIVE_NETWORK_ENCRYPTION", "OptionSettings": settings})
    }

    fn setting(name: &str, value: Value) -> Value {
        json!({"Name": name, "Value": value})
    }

    /// Hostile review 21: R12 reads an Oracle database's option group, and passes only
    /// `NATIVE_NETWORK_ENCRYPTION` that requires encryption and integrity and refuses weak
    /// ciphers, in every edition and any case; a PostgreSQL parameter in its group is no proof.
    #[test]
    fn r12_reads_the_native_network_encryption_of_an_oracle_database() {
        let forced = |weak: Value| {
            let mut all = vec![
                setting("SQLNET.ENCRYPTION_SERVER", json!("REQUIRED")),
                setting("SQLNET.CRYPTO_CHECKSUM_SERVER", json!("REQUIRED")),
            ];
            all.extend(weak.as_array().cloned().unwrap_or_default());
            Value::Array(all)
        };
        let no_weak = json!([{"Name": "SQLNET.ALLOW_WEAK_CRYPTO", "Value": "FALSE"}]);
        let strong_lists = json!([
            {"Name": "SQLNET.ENCRYPTION_TYPES_SERVER", "Value": "AES256,AES192"},
            {"Name": "SQLNET.CRYPTO_CHECKSUM_TYPES_SERVER", "Value": "SHA256,SHA384"}
        ]);
        for engine in [
            "oracle-ee",
            "oracle-se2",
            "oracle-ee-cdb",
            "oracle-se2-cdb",
            " Oracle-EE ",
        ] {
            for options in [
                json!([nne(forced(no_weak.clone()))]),
                json!([nne(forced(strong_lists.clone()))]),
                json!([{"OptionName": " native_network_encryption ", "OptionSettings": [
                    {"Name": "sqlnet.encryption_server", "Value": "required"},
                    {"Name": "sqlnet.crypto_checksum_server", "Value": "Required"},
                    {"Name": "sqlnet.allow_weak_crypto", "Value": "false"}]}]),
            ] {
                let found = r12_oracle(engine, options.clone());
                assert!(
                    matches!(found.as_slice(), [Status::Enforced { .. }]),
                    "{engine} {options}: {found:?}"
                );
            }
        }
        for (options, says) in [
            (json!([]), "no `NATIVE_NETWORK_ENCRYPTION` option"),
            (
                json!([{"OptionName": "SSL", "Port": 2484, "OptionSettings": [
                    {"Name": "SQLNET.SSL_VERSION", "Value": "1.2"}]}]),
                "adds a TLS port beside the plain one",
            ),
            (
                json!([nne(json!([
                    setting("SQLNET.ENCRYPTION_SERVER", json!("REQUESTED")),
                    setting("SQLNET.CRYPTO_CHECKSUM_SERVER", json!("REQUIRED")),
                    setting("SQLNET.ALLOW_WEAK_CRYPTO", json!("FALSE"))
                ]))]),
                "`SQLNET.ENCRYPTION_SERVER` set to REQUESTED",
            ),
            (
                json!([nne(json!([
                    setting("SQLNET.CRYPTO_CHECKSUM_SERVER", json!("REQUIRED")),
                    setting("SQLNET.ALLOW_WEAK_CRYPTO", json!("FALSE"))
                ]))]),
                "`SQLNET.ENCRYPTION_SERVER` not set",
            ),
            (json!([nne(forced(json!([])))]), "admits weak ciphers"),
            (
                json!([nne(forced(json!([
                    {"Name": "SQLNET.ENCRYPTION_TYPES_SERVER", "Value": "AES256,3DES168"},
                    {"Name": "SQLNET.CRYPTO_CHECKSUM_TYPES_SERVER", "Value": "SHA256"}])))]),
                "admits weak ciphers",
            ),
            (
                json!([nne(json!([
                    setting("SQLNET.ENCRYPTION_SERVER", json!({"Ref": "Level"})),
                    setting("SQLNET.CRYPTO_CHECKSUM_SERVER", json!("REQUIRED")),
                    setting("SQLNET.ALLOW_WEAK_CRYPTO", json!("FALSE"))
                ]))]),
                "no rule can read before deploy",
            ),
            (
                json!([nne(json!({"Ref": "Settings"}))]),
                "no rule can read before deploy",
            ),
            (
                json!([{"OptionName": {"Ref": "Name"}}, nne(forced(no_weak.clone()))]),
                "`OptionConfigurations.0`",
            ),
            (
                json!([
                    nne(forced(no_weak.clone())),
                    nne(json!([setting(
                        "SQLNET.ENCRYPTION_SERVER",
                        json!("ACCEPTED")
                    )]))
                ]),
                "(`OptionConfigurations.1`)",
            ),
        ] {
            let found = r12_oracle("oracle-ee", options.clone());
            assert!(fails_saying(&found, says), "{options}: {found:?}");
        }
        // No option group, or one of no template: the parameter group is no proof.
        for group in [json!(null), json!("shared-oracle-options")] {
            let mut db = json!({"Engine": "oracle-se2", "DBParameterGroupName": {"Ref": "P"}});
            if !group.is_null() {
                db["OptionGroupName"] = group.clone();
            }
            let template = crate::testing::raw_template(&[
                ("D", "AWS::RDS::DBInstance", db),
                (
                    "P",
                    "AWS::RDS::DBParameterGroup",
                    json!({"Family": "f", "Description": "x", "Parameters": {"rds.force_ssl": "1", "require_secure_transport": "1"}}),
                ),
            ]);
            let found = crate::testing::statuses(&[("s", &template)], "R12", "D");
            assert!(fails_saying(&found, "option group"), "{group}: {found:?}");
        }
        let found = r12_of(
            "custom-oracle-ee",
            json!(null),
            json!({"rds.force_ssl": "1"}),
        );
        assert!(fails_saying(&found, "RDS Custom for Oracle"), "{found:?}");
    }

    /// Hostile review 21: a Db2 database forces TLS only through `db2comm` `SSL` alone,
    /// read in any case; `TCPIP` beside it, a parameter of another engine, or a value no
    /// rule can read fails, as does an `ssl_versions` naming TLS 1.0 or 1.1.
    #[test]
    fn r12_reads_db2comm_of_a_db2_database() {
        for (engine, parameters) in [
            ("db2-se", json!({"db2comm": "SSL", "ssl_svcename": "50443"})),
            (
                "db2-ae",
                json!({"db2comm": " ssl ", "ssl_svcename": "50443"}),
            ),
            (
                "DB2-SE",
                json!({"db2comm": "SSL", "ssl_versions": "TLSV12,TLSV13"}),
            ),
        ] {
            let found = r12_of(engine, json!(null), parameters.clone());
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{engine} {parameters}: {found:?}"
            );
        }
        for (parameters, says) in [
            (
                json!({"db2comm": "TCPIP,SSL", "ssl_svcename": "50443"}),
                "SSL alone",
            ),
            (json!({"db2comm": "TCPIP"}), "SSL alone"),
            (
                json!({"rds.force_ssl": "1", "require_secure_transport": "1"}),
                "does not set `db2comm`",
            ),
            (json!({"db2comm": {"Ref": "Protocols"}}), "no rule can read"),
            (
                json!({"db2comm": "SSL", "ssl_versions": "TLSV1,TLSV12"}),
                "TLS 1.0 or 1.1",
            ),
            (
                json!({"db2comm": "SSL", "SSL_VERSIONS": "TLSv1.1"}),
                "TLS 1.0 or 1.1",
            ),
            (
                json!({"DB2COMM": "SSL", "db2comm": "TCPIP,SSL"}),
                "SSL alone",
            ),
            (json!({"db2comm": ""}), "SSL alone"),
            // Hostile review 24: a name in another case is refused by CloudFormation.
            (
                json!({"DB2COMM": " ssl ", "ssl_svcename": "50443"}),
                "refuses the group",
            ),
        ] {
            let found = r12_of("db2-se", json!(null), parameters.clone());
            assert!(fails_saying(&found, says), "{parameters}: {found:?}");
        }
    }

    /// Hostile review 24: CloudFormation applies a parameter only under the name RDS lists,
    /// and refuses the group over another spelling: `RDS.FORCE_SSL` (or
    /// `Require_Secure_Transport`, ` rds.force_ssl `) fails saying so, beside the right name
    /// too; the right names pass.
    #[test]
    fn r12_fails_a_parameter_name_cloudformation_refuses() {
        for (engine, parameters, says) in [
            (
                "postgres",
                json!({"RDS.FORCE_SSL": "1"}),
                "`RDS.FORCE_SSL`, not `rds.force_ssl`",
            ),
            (
                "postgres",
                json!({" rds.force_ssl ": "1"}),
                "refuses the group",
            ),
            (
                "postgres",
                json!({"rds.force_ssl": "1", "Rds.Force_Ssl": "0"}),
                "`Rds.Force_Ssl`",
            ),
            (
                "mysql",
                json!({"Require_Secure_Transport": "ON"}),
                "not `require_secure_transport`",
            ),
            (
                "postgres",
                json!({"rds.force_ssl": "1", "SSL_MIN_PROTOCOL_VERSION": "TLSv1.2"}),
                "not `ssl_min_protocol_version`",
            ),
        ] {
            let found = r12_of(engine, json!(null), parameters.clone());
            assert!(fails_saying(&found, says), "{parameters}: {found:?}");
        }
        for (engine, parameters) in [
            (
                "postgres",
                json!({"rds.force_ssl": "1", "ssl_min_protocol_version": "TLSv1.3"}),
            ),
            ("mysql", json!({"require_secure_transport": "ON"})),
        ] {
            let found = r12_of(engine, json!(null), parameters.clone());
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{parameters}: {found:?}"
            );
        }
    }

    /// Hostile review 21: SQL Server's weak ciphers turned on by name (RC4, Triple DES) and
    /// Diffie-Hellman keys under 2048 bits fail in any version; turned off, they pass.
    #[test]
    fn r12_reads_the_weak_ciphers_of_sql_server() {
        for (parameters, says) in [
            (
                json!({"rds.force_ssl": "1", "rds.rc4": "enabled"}),
                "`rds.rc4`",
            ),
            (
                json!({"rds.force_ssl": "1", "rds.3des168": "Enabled"}),
                "`rds.3des168`",
            ),
            (
                json!({"rds.force_ssl": "1", "rds.diffie-hellman-min-key-bit-length": "1024"}),
                "2048",
            ),
            (
                json!({"rds.force_ssl": "1", "rds.rc4": {"Ref": "Rc4"}}),
                "no rule can read",
            ),
        ] {
            let found = r12_of("sqlserver-se", json!(null), parameters.clone());
            assert!(fails_saying(&found, says), "{parameters}: {found:?}");
        }
        let found = r12_of(
            "sqlserver-ee",
            json!(null),
            json!({"rds.force_ssl": "1", "rds.rc4": "disabled", "rds.3des168": "default",
                "rds.diffie-hellman": "enabled", "rds.diffie-hellman-min-key-bit-length": "3072"}),
        );
        assert!(
            matches!(found.as_slice(), [Status::Enforced { .. }]),
            "{found:?}"
        );
    }

    /// Hostile review 22: SQL Server minor versions up to 16.00.4120.1, 15.00.4365.2,
    /// 14.00.3465.1, 13.00.6435.1 and 12.00.6449.1 keep RC4 and Triple DES on by default (RDS
    /// user guide, "Configuring SQL Server security protocols and ciphers"), so such a
    /// version, or one no rule can read, fails unless the group writes both `disabled`; a
    /// name in another case is read too, on either side.
    #[test]
    fn r12_reads_the_ciphers_an_older_sql_server_turns_on_by_default() {
        let protocols_off =
            json!({"rds.force_ssl": "1", "rds.tls10": "disabled", "rds.tls11": "disabled"});
        let all_off = json!({"rds.force_ssl": "1", "rds.tls10": "disabled", "rds.tls11": "disabled",
            "rds.rc4": "Disabled", "rds.3des168": " disabled "});
        for version in [
            json!("14.00.3421.10.v1"),
            json!("16.00.4120.1.v1"),
            json!("12.00.6449.1.v1"),
            json!("11.00.7507.2.v1"),
            json!("15.00"),
            json!({"Ref": "Version"}),
            json!("{{resolve:ssm:/db/version}}"),
        ] {
            let found = r12_of("sqlserver-ex", version.clone(), protocols_off.clone());
            assert!(fails_saying(&found, "`rds.rc4`"), "{version}: {found:?}");
            let mut rc4_off = protocols_off.clone();
            rc4_off["rds.rc4"] = json!("disabled");
            let found = r12_of("sqlserver-se", version.clone(), rc4_off.clone());
            assert!(
                fails_saying(&found, "`rds.3des168`"),
                "{version}: {found:?}"
            );
            rc4_off["rds.3des168"] = json!("default");
            let found = r12_of("sqlserver-se", version.clone(), rc4_off);
            assert!(fails_saying(&found, "Triple DES"), "{version}: {found:?}");
            let found = r12_of("sqlserver-ee", version.clone(), all_off.clone());
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{version}: {found:?}"
            );
        }
        // After those versions (or at the default one) RC4 and Triple DES are off unless
        // turned on.
        for version in [
            Value::Null,
            json!("14.00.3465.2.v1"),
            json!("16.00.4125.3.v1"),
        ] {
            let found = r12_of(
                "sqlserver-web",
                version.clone(),
                json!({"rds.force_ssl": "1"}),
            );
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{version}: {found:?}"
            );
        }
        // A name written in another case, turning the cipher on, fails in any version; a
        // second spelling that does not say disabled keeps the default of an older one.
        for (parameters, version, says) in [
            (
                json!({"rds.force_ssl": "1", "RDS.RC4": "ENABLED"}),
                Value::Null,
                "`RDS.RC4`",
            ),
            (
                json!({"rds.force_ssl": "1", " rds.3DES168 ": "enabled"}),
                Value::Null,
                "3DES168",
            ),
            (
                json!({"rds.force_ssl": "1", "Rds.Tls10": "Enabled"}),
                Value::Null,
                "Rds.Tls10",
            ),
            (
                json!({"rds.force_ssl": "1", "rds.diffie-hellman-MIN-key-bit-length": "1024"}),
                Value::Null,
                "2048",
            ),
            (
                json!({"rds.force_ssl": "1", "rds.tls10": "disabled", "rds.tls11": "disabled",
                    "rds.rc4": "disabled", "RDS.RC4": "default", "rds.3des168": "disabled"}),
                json!("14.00.3421.10.v1"),
                "`rds.rc4`",
            ),
        ] {
            let found = r12_of("sqlserver-se", version, parameters.clone());
            assert!(fails_saying(&found, says), "{parameters}: {found:?}");
        }
        // Hostile review 24: names in another case, all saying disabled, fail as
        // CloudFormation refuses them; RDS's names, in any case of value, pass.
        let found = r12_of(
            "sqlserver-se",
            json!("13.00.6300.2.v1"),
            json!({"rds.force_ssl": "1", "RDS.TLS10": "disabled", "rds.TLS11": "disabled",
                "RDS.RC4": "disabled", "rds.3des168": "DISABLED"}),
        );
        assert!(
            fails_saying(&found, "`RDS.TLS10`, not `rds.tls10`"),
            "{found:?}"
        );
        let found = r12_of(
            "sqlserver-se",
            json!("13.00.6300.2.v1"),
            json!({"rds.force_ssl": "1", "rds.tls10": "disabled", "rds.tls11": "Disabled",
                "rds.rc4": "disabled", "rds.3des168": "DISABLED"}),
        );
        assert!(
            matches!(found.as_slice(), [Status::Enforced { .. }]),
            "{found:?}"
        );
    }

    /// R12 on instance `D` of `engine` at `version` (not written when null) whose parameter
    /// group `G` of `family` writes `parameters`; `cluster` puts both on a DB cluster and a
    /// DB cluster parameter group instead.
    fn r12_family(
        engine: &str,
        version: Value,
        family: Value,
        parameters: Value,
        cluster: bool,
    ) -> Vec<Status> {
        let (db_type, group_type, name) = if cluster {
            (
                "AWS::RDS::DBCluster",
                "AWS::RDS::DBClusterParameterGroup",
                "DBClusterParameterGroupName",
            )
        } else {
            (
                "AWS::RDS::DBInstance",
                "AWS::RDS::DBParameterGroup",
                "DBParameterGroupName",
            )
        };
        let mut db = json!({"Engine": engine});
        db[name] = json!({"Ref": "G"});
        if !version.is_null() {
            db["EngineVersion"] = version;
        }
        let template = crate::testing::raw_template(&[
            ("D", db_type, db),
            (
                "G",
                group_type,
                json!({"Family": family, "Description": "g", "Parameters": parameters}),
            ),
        ]);
        crate::testing::statuses(&[("s", &template)], "R12", "D")
    }

    /// Hostile review 23: SQL Server's version is read from the parameter group's `Family`
    /// as well as from `EngineVersion` (of an instance, or of a cluster and its cluster
    /// parameter group): a family of an older major version beside no version, or beside a
    /// version of another major, or a family no rule can read, is a version whose defaults
    /// keep TLS 1.0 and 1.1, RC4 and Triple DES on; the group must write them disabled.
    #[test]
    fn r12_reads_the_sql_server_version_of_the_parameter_group_family() {
        let forced = json!({"rds.force_ssl": "1"});
        let all_off = json!({"rds.force_ssl": "1", "rds.tls10": "disabled", "rds.tls11": "disabled",
            "rds.rc4": "disabled", "rds.3des168": "disabled"});
        for cluster in [false, true] {
            for (version, family) in [
                (Value::Null, json!("sqlserver-se-14.0")),
                (Value::Null, json!("SQLSERVER-SE-15.0")),
                (Value::Null, json!(" sqlserver-ee-13.0 ")),
                (json!("16.00.4125.3.v1"), json!("sqlserver-se-14.0")),
                (Value::Null, json!({"Ref": "Family"})),
                (Value::Null, json!("{{resolve:ssm:/db/family}}")),
                (
                    json!("16.00.4125.3.v1"),
                    json!({"Fn::If": ["C", "sqlserver-se-16.0", {"Ref": "Family"}]}),
                ),
                (Value::Null, json!("sqlserver-se")),
            ] {
                let found = r12_family(
                    "sqlserver-se",
                    version.clone(),
                    family.clone(),
                    forced.clone(),
                    cluster,
                );
                assert!(
                    found.iter().any(|s| matches!(s, Status::Failed { finding } if finding.contains("rds.tls10") || finding.contains("rds.rc4"))),
                    "{cluster} {version} {family}: {found:?}"
                );
                let found = r12_family(
                    "sqlserver-se",
                    version.clone(),
                    family.clone(),
                    all_off.clone(),
                    cluster,
                );
                assert!(
                    found.iter().all(|s| matches!(s, Status::Enforced { .. })),
                    "{cluster} {version} {family}: {found:?}"
                );
            }
            // The family of the newest major beside no version (RDS's default version), or
            // of the version written, after those versions: their defaults are off.
            for (version, family) in [
                (Value::Null, json!("sqlserver-se-16.0")),
                (Value::Null, json!("SqlServer-SE-16.0")),
                (json!("16.00.4125.3.v1"), json!("sqlserver-se-16.0")),
                (json!("14.00.3480.1.v1"), json!("sqlserver-se-14.0")),
            ] {
                let found = r12_family(
                    "sqlserver-se",
                    version.clone(),
                    family.clone(),
                    forced.clone(),
                    cluster,
                );
                assert!(
                    found.iter().all(|s| matches!(s, Status::Enforced { .. })),
                    "{cluster} {version} {family}: {found:?}"
                );
            }
        }
    }

    /// Hostile review 23: the parameter group is named however a name is read elsewhere:
    /// `${G}` alone in an `Fn::Sub`, an `Fn::Join` of its `Ref` alone; text around it names
    /// another group.
    #[test]
    fn r12_reads_the_parameter_group_named_in_every_spelling_of_its_ref() {
        let judge = |named: Value| {
            let template = crate::testing::raw_template(&[
                (
                    "D",
                    "AWS::RDS::DBInstance",
                    json!({"Engine": "postgres", "DBParameterGroupName": named}),
                ),
                (
                    "G",
                    "AWS::RDS::DBParameterGroup",
                    json!({"Family": "postgres16", "Description": "g", "Parameters": {"rds.force_ssl": "1"}}),
                ),
            ]);
            crate::testing::statuses(&[("s", &template)], "R12", "D")
        };
        for named in [
            json!({"Ref": "G"}),
            json!({"Fn::Sub": "${G}"}),
            json!({"Fn::Join": ["", [{"Ref": "G"}]]}),
        ] {
            let found = judge(named.clone());
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{named}: {found:?}"
            );
        }
        for named in [
            json!({"Fn::Sub": "${G}-old"}),
            json!("default.postgres16"),
            json!({"Ref": "Other"}),
        ] {
            let found = judge(named.clone());
            assert!(
                matches!(found.as_slice(), [Status::Failed { .. }]),
                "{named}: {found:?}"
            );
        }
    }

    /// Hostile review 23: RDS Custom for SQL Server sets encryption on a host the customer
    /// administers; a parameter group's `rds.force_ssl` proves nothing there.
    #[test]
    fn r12_fails_rds_custom_for_sql_server() {
        for engine in [
            "custom-sqlserver-ee",
            "custom-sqlserver-web",
            "CUSTOM-SQLSERVER-SE",
        ] {
            let found = r12_of(
                engine,
                json!("15.00.4322.2.cev1"),
                json!({"rds.force_ssl": "1"}),
            );
            assert!(fails_saying(&found, "RDS Custom"), "{engine}: {found:?}");
        }
    }
}

/// Hostile review 11: D1 keeps queues, streams, secrets, MSK clusters and notebook
/// instances; L4 reads the log groups that a Lambda function and a REST API stage write to
/// when the template names none.
#[cfg(test)]
mod hostile_review_11 {
    use serde_json::json;

    /// A raw resource: logical id, type, properties.
    type Raw<'a> = (&'a str, &'a str, serde_json::Value);

    /// The statuses of `rule` on `id` in a one-stack app of these raw resources.
    fn raw_statuses(resources: &[Raw<'_>], rule: &str, id: &str) -> Vec<crate::testing::Status> {
        let template = crate::testing::raw_template(resources);
        crate::testing::statuses(&[("s", &template)], rule, id)
    }

    fn log_group(id: &'static str, name: &str) -> Raw<'static> {
        (
            id,
            "AWS::Logs::LogGroup",
            json!({"LogGroupName": name, "RetentionInDays": 365}),
        )
    }

    /// Queues, streams, secrets, MSK clusters and notebook instances hold
    /// PHI at rest: written raw without `Retain`, D1 fails them (hostile review 11, case
    /// `f3_not_retained`); kept, it holds.
    #[test]
    fn d1_asks_queues_streams_secrets_and_clusters_to_be_retained() {
        use crate::testing::Status;
        let types = [
            "AWS::SQS::Queue",
            "AWS::Kinesis::Stream",
            "AWS::SecretsManager::Secret",
            "AWS::MSK::Cluster",
            "AWS::MSK::ServerlessCluster",
            "AWS::SageMaker::NotebookInstance",
        ];
        for kind in types {
            let status = |keep: Option<crate::cfn::Keep>| {
                let mut resource =
                    crate::cfn::Resource::raw("Store".to_owned(), kind.to_owned(), json!({}));
                if let Some(keep) = keep {
                    resource = resource.keep(keep);
                }
                let template = crate::cfn::Template {
                    description: String::new(),
                    parameters: Vec::new(),
                    resources: vec![resource],
                    outputs: Vec::new(),
                };
                crate::testing::statuses(&[("s", &template)], "D1", "Store")
            };
            let dropped = status(None);
            assert!(
                matches!(dropped.as_slice(), [Status::Failed { finding }] if finding.contains("DeletionPolicy")),
                "{kind}: {dropped:?}"
            );
            let kept = status(Some(crate::cfn::Keep::Retain));
            assert!(
                matches!(kept.as_slice(), [Status::Enforced { .. }]),
                "{kind}: {kept:?}"
            );
            // CloudFormation takes no snapshot of these: `Snapshot` keeps nothing.
            let snapshot = status(Some(crate::cfn::Keep::Snapshot));
            assert!(
                matches!(snapshot.as_slice(), [Status::Failed { .. }]),
                "{kind}: {snapshot:?}"
            );
        }
    }

    /// A function without `LoggingConfig.LogGroup` logs to `/aws/lambda/<FunctionName>`,
    /// which Lambda creates with no key and no expiry: L4 fails it unless the stack declares
    /// that group (hostile review 11, case `f2_lambda_logs`), and fails an unnamed one,
    /// whose group no template can declare.
    #[test]
    fn a_function_logs_into_a_group_of_the_app() {
        use crate::testing::Status;
        let function = |props: serde_json::Value| {
            let mut p = json!({"Runtime": "provided.al2023", "Handler": "bootstrap",
                "Role": "arn:aws:iam::111122223333:role/fn", "Code": {"ZipFile": "x"}});
            p.as_object_mut()
                .unwrap()
                .extend(props.as_object().unwrap().clone());
            ("Fn", "AWS::Lambda::Function", p)
        };
        let l4 = |stack: &[Raw<'_>]| raw_statuses(stack, "L4", "Fn");
        let failed = |found: &[Status], says: &str| matches!(found, [Status::Failed { finding }] if finding.contains(says));
        // The probe's function: no name, no `LoggingConfig`.
        let found = l4(&[function(json!({}))]);
        assert!(failed(&found, "LoggingConfig.LogGroup"), "{found:?}");
        // Named, but no group of that name.
        let found = l4(&[function(json!({"FunctionName": "intake"}))]);
        assert!(failed(&found, "`/aws/lambda/intake`"), "{found:?}");
        let found = l4(&[
            function(json!({"FunctionName": "intake"})),
            log_group("Other", "/aws/lambda/intake-2"),
        ]);
        assert!(failed(&found, "`/aws/lambda/intake`"), "{found:?}");
        // A name no rule reads before deploy.
        let found = l4(&[function(
            json!({"FunctionName": {"Fn::GetAtt": ["Custom", "Name"]}}),
        )]);
        assert!(failed(&found, "`FunctionName` is"), "{found:?}");
        // The group declared by the function's name, written or built alike.
        let enforced = |stack: &[Raw<'_>]| {
            let found = l4(stack);
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{found:?}"
            );
        };
        enforced(&[
            function(json!({"FunctionName": "intake"})),
            log_group("Logs", "/aws/lambda/intake"),
        ]);
        enforced(&[
            function(json!({"FunctionName": {"Fn::Sub": "${AWS::StackName}-intake"}})),
            (
                "Logs",
                "AWS::Logs::LogGroup",
                json!({"LogGroupName": {"Fn::Sub": "/aws/lambda/${AWS::StackName}-intake"}}),
            ),
        ]);
        // A group named in `LoggingConfig` is X1's to judge.
        enforced(&[
            function(json!({"LoggingConfig": {"LogGroup": {"Ref": "Logs"}}})),
            log_group("Logs", "fn-logs"),
        ]);
        // `AWS::NoValue` removes the group: the default one again.
        let found = l4(&[function(
            json!({"LoggingConfig": {"LogGroup": {"Ref": "AWS::NoValue"}}}),
        )]);
        assert!(failed(&found, "LoggingConfig.LogGroup"), "{found:?}");
    }

    /// A REST API stage that writes execution logs writes them to
    /// `API-Gateway-Execution-Logs_<api id>/<stage>`, which API Gateway creates with no key
    /// and no expiry unless the stack declares it by the API's `Ref`.
    #[test]
    fn a_rest_stage_writes_execution_logs_into_a_group_of_the_app() {
        use crate::testing::Status;
        let api = ("Api", "AWS::ApiGateway::RestApi", json!({"Name": "docs"}));
        let stage = |level: &str| {
            (
                "Prod",
                "AWS::ApiGateway::Stage",
                json!({"RestApiId": {"Ref": "Api"}, "StageName": "prod", "DeploymentId": "d",
                    "MethodSettings": [{"ResourcePath": "/*", "HttpMethod": "*", "LoggingLevel": level}]}),
            )
        };
        let l4 = |stack: &[Raw<'_>]| raw_statuses(stack, "L4", "Prod");
        let found = l4(&[api.clone(), stage("ERROR")]);
        assert!(
            matches!(found.as_slice(), [Status::Failed { finding }] if finding.contains("API-Gateway-Execution-Logs_")),
            "{found:?}"
        );
        // A stage that writes no execution logs writes into no group (A4 asks for them).
        let off = l4(&[api.clone(), stage("OFF")]);
        assert!(off.is_empty(), "{off:?}");
        for name in [
            json!({"Fn::Join": ["", ["API-Gateway-Execution-Logs_", {"Ref": "Api"}, "/prod"]]}),
            json!({"Fn::Sub": "API-Gateway-Execution-Logs_${Api}/prod"}),
        ] {
            let group = ("Exec", "AWS::Logs::LogGroup", json!({"LogGroupName": name}));
            let found = l4(&[api.clone(), stage("INFO"), group]);
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{found:?}"
            );
        }
        // Another stage's group, or another API's, is not this stage's.
        for name in [
            json!({"Fn::Sub": "API-Gateway-Execution-Logs_${Api}/staging"}),
            json!("API-Gateway-Execution-Logs_abc123/prod"),
        ] {
            let group = ("Exec", "AWS::Logs::LogGroup", json!({"LogGroupName": name}));
            let found = l4(&[api.clone(), stage("INFO"), group]);
            assert!(
                matches!(found.as_slice(), [Status::Failed { .. }]),
                "{found:?}"
            );
        }
    }

    /// L4 reads the log group a database exports into, or a named function writes to, in
    /// every stack of the app of the resource's region and account, as it reads one of its
    /// own stack (a log group's name is unique in a region and account): a group of
    /// another stack holds, one of a stack of another region does not, and a name that
    /// reads `${AWS::StackName}` names another group in each stack. The group of another
    /// stack failed L4 before ("no log group of the stack is named").
    #[test]
    fn l4_reads_a_log_group_of_another_stack_of_its_region_and_account() {
        use crate::testing::Status;
        let db = (
            "Db",
            "AWS::RDS::DBInstance",
            json!({"Engine": "postgres", "DBInstanceIdentifier": "ehr", "EnableCloudwatchLogsExports": ["postgresql"]}),
        );
        let group = log_group("G", "/aws/rds/instance/ehr/postgresql");
        let apart = |regions: &[Option<String>]| {
            let (one, two) = (
                crate::testing::raw_template(std::slice::from_ref(&db)),
                crate::testing::raw_template(std::slice::from_ref(&group)),
            );
            crate::testing::statuses_in(&[("data", &one), ("logs", &two)], regions, "L4", "Db")
        };
        let found = apart(&[]);
        assert!(
            matches!(found.as_slice(), [Status::Enforced { .. }]),
            "a group of another stack of the region: {found:?}"
        );
        let found = apart(&[None, Some("eu-west-1".to_owned())]);
        assert!(
            matches!(found.as_slice(), [Status::Failed { .. }]),
            "a group of a stack of another region: {found:?}"
        );
        let named = json!({"Fn::Sub": "${AWS::StackName}-intake"});
        let function = (
            "F",
            "AWS::Lambda::Function",
            json!({"FunctionName": named, "Runtime": "python3.12", "Handler": "i.h",
                   "Role": "arn:aws:iam::111122223333:role/r", "Code": {"ZipFile": "x"}}),
        );
        let per_stack = (
            "G",
            "AWS::Logs::LogGroup",
            json!({"LogGroupName": {"Fn::Sub": "/aws/lambda/${AWS::StackName}-intake"}, "RetentionInDays": 365}),
        );
        let found = raw_statuses(&[function.clone(), per_stack.clone()], "L4", "F");
        assert!(
            matches!(found.as_slice(), [Status::Enforced { .. }]),
            "a group named after the stack, in the function's stack: {found:?}"
        );
        let (one, two) = (
            crate::testing::raw_template(&[function]),
            crate::testing::raw_template(&[per_stack]),
        );
        let found = crate::testing::statuses(&[("s", &one), ("t", &two)], "L4", "F");
        assert!(
            matches!(found.as_slice(), [Status::Failed { .. }]),
            "a group named after another stack: {found:?}"
        );
    }

    /// A WebSocket stage that writes execution logs and an AppSync Event API with a logging
    /// role write into groups their services name themselves: a gap for L4 (the sixteenth
    /// probe's `p16_l4_appsync`); an HTTP API's stage and an Event API that logs nothing are
    /// not read.
    #[test]
    fn groups_the_service_names_itself_are_gaps() {
        use crate::testing::Status;
        let api = |protocol: &str| {
            (
                "Api",
                "AWS::ApiGatewayV2::Api",
                json!({"Name": "chat", "ProtocolType": protocol}),
            )
        };
        let stage = |settings: serde_json::Value| {
            (
                "Prod",
                "AWS::ApiGatewayV2::Stage",
                json!({"ApiId": {"Ref": "Api"}, "StageName": "prod", "DefaultRouteSettings": settings}),
            )
        };
        let gap = |found: &[Status]| matches!(found, [Status::Gap { reason }] if reason.contains("names itself"));
        let found = raw_statuses(
            &[api("WEBSOCKET"), stage(json!({"LoggingLevel": "INFO"}))],
            "L4",
            "Prod",
        );
        assert!(gap(&found), "{found:?}");
        let found = raw_statuses(
            &[
                api("WEBSOCKET"),
                (
                    "Prod",
                    "AWS::ApiGatewayV2::Stage",
                    json!({"ApiId": {"Ref": "Api"}, "StageName": "prod",
                        "RouteSettings": {"$connect": {"LoggingLevel": "ERROR"}}}),
                ),
            ],
            "L4",
            "Prod",
        );
        assert!(gap(&found), "{found:?}");
        for (protocol, settings) in [
            ("WEBSOCKET", json!({"LoggingLevel": "OFF"})),
            ("HTTP", json!({"LoggingLevel": "INFO"})),
        ] {
            let found = raw_statuses(&[api(protocol), stage(settings)], "L4", "Prod");
            assert!(found.is_empty(), "{protocol}: {found:?}");
        }
        let events = |config: serde_json::Value| {
            (
                "Events",
                "AWS::AppSync::Api",
                json!({"Name": "events", "EventConfig": {"EventLogConfig": config}}),
            )
        };
        let role = "arn:aws:iam::111122223333:role/appsync-logs";
        for config in [
            json!({"CloudWatchLogsRoleArn": role, "LogLevel": "INFO"}),
            json!({"Fn::If": ["Logs", {"CloudWatchLogsRoleArn": role, "LogLevel": "ERROR"}, {"Ref": "AWS::NoValue"}]}),
        ] {
            let found = raw_statuses(&[events(config)], "L4", "Events");
            assert!(gap(&found), "{found:?}");
        }
        let found = raw_statuses(
            &[events(
                json!({"CloudWatchLogsRoleArn": role, "LogLevel": "NONE"}),
            )],
            "L4",
            "Events",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    /// An AppSync GraphQL API with a logging role writes its logs to
    /// `/aws/appsync/apis/<api id>`, which AppSync creates with no key and no expiry unless
    /// the stack declares it by the API's `ApiId` (open since hostile review 11).
    #[test]
    fn a_graphql_api_writes_its_logs_into_a_group_of_the_app() {
        use crate::testing::Status;
        let api = |config: serde_json::Value| {
            (
                "Api",
                "AWS::AppSync::GraphQLApi",
                json!({"Name": "records", "AuthenticationType": "AWS_IAM", "LogConfig": config}),
            )
        };
        let logging = json!({"CloudWatchLogsRoleArn": "arn:aws:iam::111122223333:role/appsync-logs",
            "FieldLogLevel": "ERROR", "ExcludeVerboseContent": true});
        let l4 = |stack: &[Raw<'_>]| raw_statuses(stack, "L4", "Api");
        let found = l4(&[api(logging.clone())]);
        assert!(
            matches!(found.as_slice(), [Status::Failed { finding }] if finding.contains("/aws/appsync/apis/<ApiId of Api>")),
            "{found:?}"
        );
        // A configuration the template does not show may set the role: read for the worst.
        let unknown = l4(&[api(
            json!({"Fn::If": ["Logs", logging.clone(), {"Ref": "AWS::NoValue"}]}),
        )]);
        assert!(
            matches!(unknown.as_slice(), [Status::Failed { .. }]),
            "{unknown:?}"
        );
        // No role, no logs: nothing to keep (AS2 asks for them).
        for config in [
            json!({"FieldLogLevel": "ERROR"}),
            json!({"Ref": "AWS::NoValue"}),
        ] {
            let found = l4(&[api(config)]);
            assert!(found.is_empty(), "{found:?}");
        }
        for name in [
            json!({"Fn::Sub": "/aws/appsync/apis/${Api.ApiId}"}),
            json!({"Fn::Join": ["", ["/aws/appsync/apis/", {"Fn::GetAtt": ["Api", "ApiId"]}]]}),
            json!({"Fn::Join": ["/", ["/aws/appsync/apis", {"Fn::GetAtt": "Api.ApiId"}]]}),
        ] {
            let group = (
                "ApiLogs",
                "AWS::Logs::LogGroup",
                json!({"LogGroupName": name}),
            );
            let found = l4(&[api(logging.clone()), group]);
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{found:?}"
            );
        }
        // The API's ARN (its `Ref`), another API's id or a name written out is not its group.
        for name in [
            json!({"Fn::Sub": "/aws/appsync/apis/${Api}"}),
            json!({"Fn::Sub": "/aws/appsync/apis/${Other.ApiId}"}),
            json!({"Fn::Sub": "/aws/appsync/apis/${Api.ApiId}/extra"}),
            json!("/aws/appsync/apis/abcdefghijklmnopqrstuvwxyz"),
        ] {
            let group = (
                "ApiLogs",
                "AWS::Logs::LogGroup",
                json!({"LogGroupName": name}),
            );
            let found = l4(&[api(logging.clone()), group]);
            assert!(
                matches!(found.as_slice(), [Status::Failed { .. }]),
                "{name}: {found:?}"
            );
        }
    }

    /// A template of `resources` whose output `name` exports `value` as `export`.
    fn exporting(
        resources: &[Raw<'_>],
        name: &str,
        value: crate::cfn::Expr,
        export: &str,
    ) -> crate::cfn::Template {
        let mut t = crate::testing::raw_template(resources);
        t.outputs = vec![crate::cfn::Output {
            name: name.into(),
            value,
            description: None,
            export: Some(export.into()),
        }];
        t
    }

    /// Probe p1: a key policy's principal imported from an export that carries another
    /// account's root passed K3, which took every import as readable. The import is the
    /// principal its export carries, read as X2 reads an imported principal.
    #[test]
    fn k3_reads_an_imported_principal_as_the_principal_its_export_carries() {
        use crate::cfn::Expr;
        let key = || {
            json!({ "EnableKeyRotation": true, "KeyPolicy": { "Version": "2012-10-17", "Statement": [
                { "Effect": "Allow", "Principal": { "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } }, "Action": "kms:*", "Resource": "*" },
                { "Effect": "Allow", "Principal": { "AWS": { "Fn::ImportValue": "ids:Partner" } }, "Action": ["kms:Decrypt"], "Resource": "*" }
            ] } })
        };
        let run = |carried: Expr| {
            let ids = exporting(
                &[("Role", "AWS::IAM::Role", json!({}))],
                "Partner",
                carried,
                "ids:Partner",
            );
            let t = crate::testing::raw_template(&[("Key", "AWS::KMS::Key", key())]);
            crate::testing::statuses(&[("ids", &ids), ("s", &t)], "K3", "Key")
        };
        let failed = |st: &[crate::testing::Status], why: &str| {
            st.iter().any(|s| {
                matches!(s, crate::testing::Status::Failed { finding } if finding.contains(why))
            })
        };
        let st = run(Expr::lit("arn:aws:iam::999999999999:root"));
        assert!(failed(&st, "999999999999"), "{st:?}");
        let st = run(Expr::lit("*"));
        assert!(failed(&st, "wildcard"), "{st:?}");
        for own in [
            Expr::get_att("Role", "Arn"),
            Expr::sub_pseudo("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"),
        ] {
            let st = run(own.clone());
            assert!(
                matches!(st.as_slice(), [crate::testing::Status::Enforced { .. }]),
                "{own:?}: {st:?}"
            );
        }
    }

    /// The statuses of S7 on `Bucket` in one stack of `resources`.
    fn s7_on(resources: &[Raw<'_>]) -> Vec<crate::testing::Status> {
        raw_statuses(resources, "S7", "Bucket")
    }

    /// A bucket that logs to `destination`, under the prefix `b/`.
    fn logging_to(destination: serde_json::Value) -> Raw<'static> {
        (
            "Bucket",
            "AWS::S3::Bucket",
            json!({ "LoggingConfiguration": { "DestinationBucketName": destination, "LogFilePrefix": "b/" } }),
        )
    }

    /// A log bucket `Logs` with these properties, and a policy that lets the logging
    /// service write into it, as `AccessLogBucket` writes it.
    fn logs_with_policy(properties: serde_json::Value) -> [Raw<'static>; 2] {
        [
            ("Logs", "AWS::S3::Bucket", properties),
            (
                "LogsPolicy",
                "AWS::S3::BucketPolicy",
                json!({ "Bucket": { "Ref": "Logs" }, "PolicyDocument": { "Version": "2012-10-17", "Statement": [{
                    "Sid": "AllowS3ServerAccessLogs", "Effect": "Allow",
                    "Principal": { "Service": "logging.s3.amazonaws.com" }, "Action": ["s3:PutObject"],
                    "Resource": { "Fn::Join": ["", [{ "Fn::GetAtt": ["Logs", "Arn"] }, "/*"]] },
                    "Condition": { "StringEquals": { "aws:SourceAccount": { "Ref": "AWS::AccountId" } } }
                }] } }),
            ),
        ]
    }

    fn sse_kms() -> serde_json::Value {
        json!({ "BucketEncryption": { "ServerSideEncryptionConfiguration": [{
            "ServerSideEncryptionByDefault": { "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": { "Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab" } },
            "BucketKeyEnabled": true }] } })
    }

    fn enforced(st: &[crate::testing::Status]) -> bool {
        matches!(st, [crate::testing::Status::Enforced { .. }])
    }

    fn failed(st: &[crate::testing::Status]) -> bool {
        st.iter()
            .any(|s| matches!(s, crate::testing::Status::Failed { .. }))
    }

    /// Probe p1: S7 read the destination only as a bare `Ref`, so an SSE-KMS log bucket
    /// (S3 delivers no server access logs to it) named by `Fn::Sub`, `Fn::Join` or
    /// `Fn::Select`, or imported from another stack, passed. Every spelling is read.
    #[test]
    fn s7_reads_the_log_bucket_in_every_spelling() {
        let spellings = [
            json!({ "Ref": "Logs" }),
            json!({ "Fn::Sub": "${Logs}" }),
            json!({ "Fn::Join": ["", [{ "Ref": "Logs" }]] }),
            json!({ "Fn::Select": [0, [{ "Ref": "Logs" }]] }),
            json!({ "Fn::Select": ["0", [{ "Ref": "Logs" }, "other"]] }),
        ];
        for dest in &spellings {
            let [logs, policy] = logs_with_policy(sse_kms());
            let st = s7_on(&[logs, policy, logging_to(dest.clone())]);
            assert!(failed(&st), "SSE-KMS by {dest}: {st:?}");
            let [logs, policy] = logs_with_policy(json!({}));
            let st = s7_on(&[logs, policy, logging_to(dest.clone())]);
            assert!(enforced(&st), "SSE-S3 by {dest}: {st:?}");
        }
        // Another stack's log bucket, imported: read in the stack that makes it.
        for (properties, holds) in [(sse_kms(), false), (json!({}), true)] {
            let [logs, policy] = logs_with_policy(properties);
            let made = exporting(
                &[logs, policy],
                "LogsRef",
                crate::cfn::Expr::reference("Logs"),
                "logs:Logs:Ref",
            );
            let data = crate::testing::raw_template(&[logging_to(
                json!({ "Fn::ImportValue": "logs:Logs:Ref" }),
            )]);
            let st = crate::testing::statuses(&[("logs", &made), ("data", &data)], "S7", "Bucket");
            assert_eq!(enforced(&st), holds, "{st:?}");
            assert_eq!(failed(&st), !holds, "{st:?}");
        }
        // An import of no export of the app may be any bucket.
        let st = s7_on(&[logging_to(json!({ "Fn::ImportValue": "logs:Other:Ref" }))]);
        assert!(failed(&st), "{st:?}");
    }

    /// Probe p1: a log bucket with ACLs disabled (`BucketOwnerEnforced`, the default of a
    /// new bucket) and no bucket policy that lets `logging.s3.amazonaws.com` write receives
    /// no server access logs ("Permissions can only be granted using policies", S3 API
    /// reference, `PutBucketLogging`), yet S7 passed.
    #[test]
    fn s7_asks_the_log_bucket_to_let_the_logging_service_write() {
        let enforced_owner = json!({ "OwnershipControls": { "Rules": [{ "ObjectOwnership": "BucketOwnerEnforced" }] } });
        let dest = json!({ "Ref": "Logs" });
        let bare = ("Logs", "AWS::S3::Bucket", enforced_owner.clone());
        let st = s7_on(&[bare, logging_to(dest.clone())]);
        assert!(
            st.iter().any(|s| matches!(s, crate::testing::Status::Failed { finding } if finding.contains("logging.s3.amazonaws.com"))),
            "{st:?}"
        );
        let [logs, policy] = logs_with_policy(enforced_owner.clone());
        let st = s7_on(&[logs, policy, logging_to(dest.clone())]);
        assert!(enforced(&st), "{st:?}");
        // A policy that lets the service write elsewhere only (another prefix) is none.
        let [logs, (id, ty, mut p)] = logs_with_policy(enforced_owner);
        p["PolicyDocument"]["Statement"][0]["Resource"] =
            json!({ "Fn::Sub": "${Logs.Arn}/other/*" });
        let st = s7_on(&[logs, (id, ty, p), logging_to(dest.clone())]);
        assert!(failed(&st), "{st:?}");
        // With ACLs enabled, the canned ACL `LogDeliveryWrite` grants the log delivery group.
        let acl = (
            "Logs",
            "AWS::S3::Bucket",
            json!({ "AccessControl": "LogDeliveryWrite", "OwnershipControls": { "Rules": [{ "ObjectOwnership": "BucketOwnerPreferred" }] } }),
        );
        let st = s7_on(&[acl, logging_to(dest)]);
        assert!(enforced(&st), "{st:?}");
    }

    /// S7 reads a log bucket's policies once for each destination and prefix of the app
    /// (`Index::log_delivery`): two buckets logging into one bucket under two prefixes, of
    /// which its policy lets the logging service write under one only, are each read for
    /// their own prefix, in either order.
    #[test]
    fn s7_reads_each_prefix_into_a_shared_log_bucket_for_itself() {
        let [logs, (id, ty, mut p)] = logs_with_policy(json!({}));
        p["PolicyDocument"]["Statement"][0]["Resource"] = json!({ "Fn::Sub": "${Logs.Arn}/b/*" });
        let bucket = |id: &'static str, prefix: &str| {
            (
                id,
                "AWS::S3::Bucket",
                json!({ "LoggingConfiguration": { "DestinationBucketName": { "Ref": "Logs" }, "LogFilePrefix": prefix } }),
            )
        };
        for order in [["A", "B"], ["B", "A"]] {
            let mut resources = vec![logs.clone(), (id, ty, p.clone())];
            for b in order {
                resources.push(bucket(b, if b == "A" { "b/" } else { "c/" }));
            }
            let template = crate::testing::raw_template(&resources);
            let evaluation = crate::testing::evaluate(&[("s", &template)]);
            let s7 = |bucket: &str| -> Vec<&crate::testing::Status> {
                evaluation
                    .results
                    .iter()
                    .filter(|c| c.rule == "S7" && &*c.logical_id == bucket)
                    .map(|c| &c.status)
                    .collect()
            };
            assert!(
                matches!(
                    s7("A").as_slice(),
                    [crate::testing::Status::Enforced { .. }]
                ),
                "{order:?}: {:?}",
                s7("A")
            );
            assert!(
                matches!(s7("B").as_slice(), [crate::testing::Status::Failed { finding }] if finding.contains("logging.s3.amazonaws.com")),
                "{order:?}: {:?}",
                s7("B")
            );
        }
    }

    /// Probe p1: access logs sent to a bucket named as text that no template of the app
    /// declares passed S7; nothing shows that S3 delivers them there, or that they are
    /// kept: a gap, as T1 and OS2 hold a log group of no template. A name no rule can read
    /// before deploy fails.
    #[test]
    fn s7_holds_a_log_bucket_of_no_template_as_a_gap() {
        let st = s7_on(&[logging_to(json!("legacy-access-logs"))]);
        assert!(
            matches!(st.as_slice(), [crate::testing::Status::Gap { .. }]),
            "{st:?}"
        );
        let st = s7_on(&[logging_to(
            json!({ "Fn::Sub": "{{resolve:ssm:/logs/bucket}}" }),
        )]);
        assert!(failed(&st), "{st:?}");
        // Named as text, a bucket of another stack of the app is that bucket.
        let [logs, policy] = logs_with_policy(json!({ "BucketName": "clinic-access-logs" }));
        let logs = crate::testing::raw_template(&[logs, policy]);
        let data = crate::testing::raw_template(&[logging_to(json!("clinic-access-logs"))]);
        let st = crate::testing::statuses(&[("logs", &logs), ("data", &data)], "S7", "Bucket");
        assert!(enforced(&st), "{st:?}");
    }

    /// S3 delivers server access logs only to a bucket of the source bucket's own region
    /// and account (`Delivery::SameRegion`): the bucket of a stack of another region,
    /// named by its written name, is no bucket S7 reads (a gap, as a bucket of no
    /// template), though the same bucket in the source bucket's region is read and holds.
    #[test]
    fn s7_reads_no_log_bucket_of_a_stack_of_another_region() {
        let [logs, policy] = logs_with_policy(json!({ "BucketName": "clinic-access-logs" }));
        let logs = crate::testing::raw_template(&[logs, policy]);
        let data = crate::testing::raw_template(&[logging_to(json!("clinic-access-logs"))]);
        let stacks = [("logs", &logs), ("data", &data)];
        let s7 = |region: &str| {
            let regions = [Some(region.to_owned()), Some("us-east-1".to_owned())];
            crate::testing::statuses_in(&stacks, &regions, "S7", "Bucket")
        };
        let beside = s7("us-east-1");
        assert!(enforced(&beside), "{beside:?}");
        let elsewhere = s7("us-west-2");
        assert!(
            matches!(elsewhere.as_slice(), [crate::testing::Status::Gap { reason }] if reason.contains("`clinic-access-logs`")),
            "{elsewhere:?}"
        );
    }
}

/// Rule `T7` (the hostile review of session 34): a trail whose bucket deletes its log files
/// after a day, and an event data store that keeps a week, ingests nothing or can be
/// deleted, passed every rule.
#[cfg(test)]
mod t7_tests {
    use serde_json::{Value, json};

    use crate::cfn::{Expr, Output};
    use crate::compliance::Status;

    fn trail(bucket: Value, prefix: Option<&str>) -> (&'static str, &'static str, Value) {
        let mut p = json!({ "IsLogging": true, "S3BucketName": bucket });
        if let Some(prefix) = prefix {
            p["S3KeyPrefix"] = json!(prefix);
        }
        ("Trail", "AWS::CloudTrail::Trail", p)
    }

    fn bucket(rules: Value) -> (&'static str, &'static str, Value) {
        (
            "Logs",
            "AWS::S3::Bucket",
            json!({ "BucketName": "audit-logs-of-the-app",
                "LifecycleConfiguration": { "Rules": rules } }),
        )
    }

    fn t7(resources: &[(&str, &str, Value)]) -> Vec<Status> {
        let template = crate::testing::raw_template(resources);
        crate::testing::statuses(&[("audit", &template)], "T7", resources[0].0)
    }

    fn fails(found: &[Status]) -> bool {
        matches!(found, [Status::Failed { .. }])
    }

    fn holds(found: &[Status]) -> bool {
        matches!(found, [Status::Enforced { .. }])
    }

    #[test]
    fn a_trail_bucket_that_deletes_log_files_within_a_year_fails_t7() {
        let by_ref = json!({ "Ref": "Logs" });
        let expire = |days: Value| json!([{ "Status": "Enabled", "ExpirationInDays": days }]);
        for short in [json!(1), json!("364"), json!({ "Ref": "Days" })] {
            let found = t7(&[trail(by_ref.clone(), None), bucket(expire(short.clone()))]);
            assert!(fails(&found), "{short}: {found:?}");
        }
        let dated = json!([{ "Status": "Enabled", "ExpirationDate": "2027-01-01T00:00:00Z" }]);
        assert!(fails(&t7(&[trail(by_ref.clone(), None), bucket(dated)])));
        // The same rule written by name, or the bucket named by its written name.
        let found = t7(&[
            trail(json!("audit-logs-of-the-app"), None),
            bucket(expire(json!(1))),
        ]);
        assert!(fails(&found), "{found:?}");
        for kept in [
            expire(json!(365)),
            expire(json!(2192)),
            json!([{ "Status": "Disabled", "ExpirationInDays": 1 }]),
            // Rules that reach none of the trail's keys: another prefix, tags (CloudTrail
            // writes untagged objects), noncurrent versions only.
            json!([{ "Status": "Enabled", "Prefix": "tmp/", "ExpirationInDays": 1 }]),
            json!([{ "Status": "Enabled", "Filter": { "Prefix": "tmp/" }, "ExpirationInDays": 1 }]),
            json!([{ "Status": "Enabled", "TagFilters": [{ "Key": "k", "Value": "v" }], "ExpirationInDays": 1 }]),
            json!([{ "Status": "Enabled", "NoncurrentVersionExpiration": { "NoncurrentDays": 30 } }]),
            json!([]),
        ] {
            let found = t7(&[trail(by_ref.clone(), None), bucket(kept.clone())]);
            assert!(holds(&found), "{kept}: {found:?}");
        }
        // A prefix that reaches the trail's keys, under its `S3KeyPrefix` or above it.
        for prefix in ["audit/", "audit/AWSLogs/", ""] {
            let rules = json!([{ "Status": "Enabled", "Prefix": prefix, "ExpirationInDays": 30 }]);
            let found = t7(&[trail(by_ref.clone(), Some("audit")), bucket(rules)]);
            assert!(fails(&found), "{prefix}: {found:?}");
        }
        let other = json!([{ "Status": "Enabled", "Prefix": "other/", "ExpirationInDays": 30 }]);
        assert!(holds(&t7(&[trail(by_ref, Some("audit")), bucket(other)])));
        // A bucket of no template: its lifecycle is not read.
        let found = t7(&[trail(json!("someone-elses-bucket"), None)]);
        assert!(matches!(found[..], [Status::Gap { .. }]), "{found:?}");
    }

    /// A stack whose bucket `Logs` expires its objects after 7 days and is exported as
    /// `logs:Logs:Ref`.
    fn logs_kept_a_week_and_exported() -> crate::cfn::Template {
        let mut logs = crate::testing::raw_template(&[bucket(
            json!([{ "Status": "Enabled", "ExpirationInDays": 7 }]),
        )]);
        logs.outputs = vec![Output {
            name: "LogsName".into(),
            value: Expr::reference("Logs"),
            description: None,
            export: Some("logs:Logs:Ref".into()),
        }];
        logs
    }

    #[test]
    fn a_trail_bucket_of_another_stack_is_read_through_its_export() {
        let logs = logs_kept_a_week_and_exported();
        let audit = crate::testing::raw_template(&[trail(
            json!({ "Fn::ImportValue": "logs:Logs:Ref" }),
            None,
        )]);
        let found = crate::testing::statuses(&[("logs", &logs), ("audit", &audit)], "T7", "Trail");
        assert!(
            matches!(&found[..], [Status::Failed { finding }] if finding.contains("7 days")),
            "{found:?}"
        );
    }

    /// CloudTrail delivers a trail's log files to a bucket of any region
    /// (`Delivery::AnyRegion`): T7 reads the lifecycle of the bucket of a stack of another
    /// region, named by its written name, as one of the trail's region. An import resolves
    /// only among the exports of the trail's region: the same-named export of a stack of
    /// another region is no bucket T7 reads (a gap).
    #[test]
    fn a_trail_bucket_of_another_region_is_read_by_its_name_not_by_an_import() {
        let logs = logs_kept_a_week_and_exported();
        let short = |found: &[Status]| matches!(found, [Status::Failed { finding }] if finding.contains("7 days"));
        for (named, read_elsewhere) in [
            (json!("audit-logs-of-the-app"), true),
            (json!({ "Fn::ImportValue": "logs:Logs:Ref" }), false),
        ] {
            let audit = crate::testing::raw_template(&[trail(named.clone(), None)]);
            let stacks = [("logs", &logs), ("audit", &audit)];
            let t7 = |region: &str| {
                let regions = [Some(region.to_owned()), Some("us-east-1".to_owned())];
                crate::testing::statuses_in(&stacks, &regions, "T7", "Trail")
            };
            let beside = t7("us-east-1");
            assert!(short(&beside), "{named}: {beside:?}");
            let elsewhere = t7("us-west-2");
            if read_elsewhere {
                assert!(short(&elsewhere), "{named}: {elsewhere:?}");
            } else {
                assert!(
                    matches!(elsewhere[..], [Status::Gap { .. }]),
                    "{named}: {elsewhere:?}"
                );
            }
        }
    }

    #[test]
    fn an_event_data_store_keeps_a_year_takes_events_in_and_cannot_be_deleted() {
        let store = |p: Value| t7(&[("Lake", "AWS::CloudTrail::EventDataStore", p)]);
        for held in [
            json!({}),
            json!({ "RetentionPeriod": 365 }),
            json!({ "RetentionPeriod": "2557", "IngestionEnabled": true, "TerminationProtectionEnabled": "true" }),
        ] {
            assert!(holds(&store(held.clone())), "{held}");
        }
        for broken in [
            json!({ "RetentionPeriod": 7 }),
            json!({ "IngestionEnabled": false }),
            json!({ "TerminationProtectionEnabled": "false" }),
            json!({ "RetentionPeriod": { "Ref": "Days" } }),
        ] {
            assert!(fails(&store(broken.clone())), "{broken}");
        }
    }
}

/// R8 and R12 read a parameter or option group that a database names by the import of
/// another stack's export of it (a group kept in a shared stack) in that stack, as they
/// read a group of the database's own template: `Fn::ImportValue` "returns the value of an
/// output exported by another stack" (CloudFormation User Guide, `Fn::ImportValue`), the
/// group's `Ref`. Only an export of a stack of the importer's region and account is read
/// ("You can't create cross-stack references across Regions"); an import of what no such
/// stack exports names no group, and fails as before.
#[cfg(test)]
mod groups_of_other_stacks {
    use serde_json::{Value, json};

    use crate::cfn::Expr;
    use crate::testing::{Status, export, raw, template};

    /// The statuses of `rule` on `D` (of stack `app`, which names `group` in `pointer`) with
    /// the group `G` (of `kind`, `properties`) exported by stack `shared` as `shared:G:Ref`,
    /// the two stacks in `regions`.
    fn split(
        rule: &str,
        database: (&str, Value),
        group: (&str, Value),
        regions: &[Option<String>],
    ) -> Vec<Status> {
        let shared = template(
            vec![raw("G", group.0, group.1)],
            vec![export("shared:G:Ref", Expr::reference("G"))],
        );
        let app = template(vec![raw("D", database.0, database.1)], Vec::new());
        crate::testing::statuses_in(&[("shared", &shared), ("app", &app)], regions, rule, "D")
    }

    fn postgres(named: Value) -> (&'static str, Value) {
        (
            "AWS::RDS::DBInstance",
            json!({"Engine": "postgres", "EngineVersion": "16.3",
                "EnableCloudwatchLogsExports": ["postgresql", "upgrade"],
                "DBParameterGroupName": named}),
        )
    }

    fn group(parameters: Value) -> (&'static str, Value) {
        (
            "AWS::RDS::DBParameterGroup",
            json!({"Family": "postgres16", "Description": "g", "Parameters": parameters}),
        )
    }

    #[test]
    fn an_imported_parameter_group_is_read_in_the_stack_that_exports_it() {
        let import = json!({"Fn::ImportValue": "shared:G:Ref"});
        let sub = json!({"Fn::Sub": ["${V}", {"V": {"Fn::ImportValue": "shared:G:Ref"}}]});
        for named in [import.clone(), sub] {
            // Forcing TLS there, R12 holds, its proof naming the group of the shared stack.
            let found = split(
                "R12",
                postgres(named.clone()),
                group(json!({"rds.force_ssl": "1"})),
                &[],
            );
            assert!(
                matches!(found.as_slice(), [Status::Enforced { evidence }]
                    if evidence.iter().any(|p| p.logical_id == "shared/G"
                        && p.path == "/Properties/Parameters/rds.force_ssl")),
                "{named}: {found:?}"
            );
            // Not forcing it, R12 fails on the group's setting, not on a missing group.
            let found = split(
                "R12",
                postgres(named.clone()),
                group(json!({"rds.force_ssl": "0"})),
                &[],
            );
            assert!(
                matches!(found.as_slice(), [Status::Failed { finding }]
                    if finding.contains("parameter group `G` does not set `rds.force_ssl`")),
                "{named}: {found:?}"
            );
            // R8 reads its log levels there: a level above ERROR fails.
            let found = split(
                "R8",
                postgres(named.clone()),
                group(json!({"rds.force_ssl": "1", "log_min_messages": "fatal"})),
                &[],
            );
            assert!(
                matches!(found.as_slice(), [Status::Failed { finding }]
                    if finding.contains("sets `log_min_messages` to fatal")),
                "{named}: {found:?}"
            );
            let found = split(
                "R8",
                postgres(named.clone()),
                group(json!({"rds.force_ssl": "1"})),
                &[],
            );
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{named}: {found:?}"
            );
        }
        // A group of a stack of another region is none the import reads: it fails as a
        // group of no template.
        let found = split(
            "R12",
            postgres(import.clone()),
            group(json!({"rds.force_ssl": "1"})),
            &[Some("us-west-2".to_owned()), Some("us-east-1".to_owned())],
        );
        assert!(
            matches!(found.as_slice(), [Status::Failed { finding }]
                if finding.contains("names no parameter group")),
            "{found:?}"
        );
        // An import of a name no stack exports names no group.
        let found = split(
            "R12",
            postgres(json!({"Fn::ImportValue": "shared:Other:Ref"})),
            group(json!({"rds.force_ssl": "1"})),
            &[],
        );
        assert!(
            matches!(found.as_slice(), [Status::Failed { finding }]
                if finding.contains("names no parameter group")),
            "{found:?}"
        );
        // An import of a group's export where another type of group is asked names none.
        let found = split(
            "R12",
            (
                "AWS::RDS::DBCluster",
                json!({"Engine": "aurora-postgresql", "DBClusterParameterGroupName": import}),
            ),
            group(json!({"rds.force_ssl": "1"})),
            &[],
        );
        assert!(
            matches!(found.as_slice(), [Status::Failed { finding }]
                if finding.contains("names no parameter group")),
            "{found:?}"
        );
    }

    /// The MySQL audit plugin of an option group of another stack, and Oracle's native
    /// network encryption, are read there as well.
    #[test]
    fn an_imported_option_group_is_read_in_the_stack_that_exports_it() {
        let mysql = (
            "AWS::RDS::DBInstance",
            json!({"Engine": "mysql", "EnableCloudwatchLogsExports": ["audit", "error", "general", "slowquery"],
                "DBParameterGroupName": {"Ref": "P"},
                "OptionGroupName": {"Fn::ImportValue": "shared:G:Ref"}}),
        );
        let plugin = |events: &str| {
            (
                "AWS::RDS::OptionGroup",
                json!({"EngineName": "mysql", "MajorEngineVersion": "8.0", "OptionGroupDescription": "audit",
                    "OptionConfigurations": [{"OptionName": "MARIADB_AUDIT_PLUGIN",
                        "OptionSettings": [{"Name": "SERVER_AUDIT_EVENTS", "Value": events}]}]}),
            )
        };
        let with_params = |database: (&'static str, Value), option: (&'static str, Value)| {
            let shared = template(
                vec![raw("G", option.0, option.1)],
                vec![export("shared:G:Ref", Expr::reference("G"))],
            );
            let app = template(
                vec![
                    raw("D", database.0, database.1),
                    raw(
                        "P",
                        "AWS::RDS::DBParameterGroup",
                        json!({"Family": "mysql8.0", "Description": "logs",
                            "Parameters": {"general_log": "1", "slow_query_log": "1"}}),
                    ),
                ],
                Vec::new(),
            );
            crate::testing::statuses(&[("shared", &shared), ("app", &app)], "R8", "D")
        };
        let found = with_params(mysql.clone(), plugin("CONNECT,QUERY"));
        assert!(
            matches!(found.as_slice(), [Status::Enforced { evidence }]
                if evidence.iter().any(|p| p.logical_id == "shared/G")),
            "{found:?}"
        );
        let found = with_params(mysql, plugin("CONNECT"));
        assert!(
            matches!(found.as_slice(), [Status::Failed { finding }]
                if finding.contains("SERVER_AUDIT_EVENTS")),
            "{found:?}"
        );
    }
}
