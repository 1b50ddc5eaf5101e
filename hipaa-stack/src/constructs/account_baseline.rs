//! [`AccountBaseline`]: the detective controls of an account and region.

use serde_json::{Map, Value, json};

use crate::app::node::Exception;
use crate::app::node::IntoNode;
use crate::app::node::{Node, RenderCx, Used};
use crate::app::{Attr, Handle, Id, Name, Reference};
use crate::cfn::config::{
    ConfigurationRecorder, ConformancePack, DeliveryChannel, RecordingGroup, SnapshotDelivery,
};
use crate::cfn::guardduty::{Detector, Feature};
use crate::cfn::iam::{ManagedPolicy, Role};
use crate::cfn::policy::{PolicyDocument, Principal, Statement};
use crate::cfn::securityhub::{Hub, Standard};
use crate::cfn::{Expr, Pseudo, Resource};
use crate::constructs::secure_bucket::{
    DEFAULT_NONCURRENT_DAYS, Replica, SecureBucket, access_logging, check_replica_region,
    phi_bucket,
};
use crate::constructs::{
    AccessLogBucket, AccessLogDestination, AccessLogsChosen, Construct, EncryptionKey, KeyChosen,
    KmsKey, NoAccessLogs, NoKey,
};

/// S10 on the bucket of an `AccountBaseline`, which holds AWS Config's history.
pub(crate) const CONFIG_HISTORY_NO_REPLICA: Exception = Exception {
    rule: "S10",
    reason: "this bucket is not replicated: it holds AWS Config's snapshots and history of \
             resource settings only, which a regional outage may lose; resource names and tags \
             must carry no identifiers (the customer's responsibility), and the stores of PHI \
             replicate on their own",
};

/// One AWS managed Config rule of the conformance pack.
struct PackRule {
    /// The rule's name (`s3-bucket-ssl-requests-only`); its logical id in the pack is the
    /// same in PascalCase.
    name: &'static str,
    /// The managed rule's identifier.
    source: &'static str,
    /// Its input parameters.
    parameters: &'static [(&'static str, &'static str)],
    /// The resource types it evaluates on configuration changes; none for periodic rules.
    scope: &'static [&'static str],
}

const fn rule(
    name: &'static str,
    source: &'static str,
    parameters: &'static [(&'static str, &'static str)],
    scope: &'static [&'static str],
) -> PackRule {
    PackRule {
        name,
        source,
        parameters,
        scope,
    }
}

const BUCKET: &[&str] = &["AWS::S3::Bucket"];
const DB: &[&str] = &["AWS::RDS::DBInstance"];
const SNAPSHOTS: &[&str] = &["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"];
const INSTANCE: &[&str] = &["AWS::EC2::Instance"];
const SECURITY_GROUP: &[&str] = &["AWS::EC2::SecurityGroup"];
const SECRET: &[&str] = &["AWS::SecretsManager::Secret"];
const IDENTITIES: &[&str] = &["AWS::IAM::User", "AWS::IAM::Role", "AWS::IAM::Group"];
const BLOCKED_KMS: &[(&str, &str)] =
    &[("blockedActionsPatterns", "kms:*,kms:Decrypt,kms:ReEncrypt*")];

/// The AWS managed Config rules equivalent to hipaa-stack's rules (the rows of
/// `docs/CONTROLS.md`), and those of the account settings no template can make, as the AWS
/// Config conformance pack "Operational Best Practices for HIPAA Security" names them. After
/// deploy they report drift: a setting changed outside the templates.
const PACK_RULES: &[PackRule] = &[
    // S3 (S1, S3, S6, S7, S8, S9, S10, S13) and the account's public access block.
    rule(
        "s3-default-encryption-kms",
        "S3_DEFAULT_ENCRYPTION_KMS",
        &[],
        BUCKET,
    ),
    rule(
        "s3-bucket-level-public-access-prohibited",
        "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
        &[],
        BUCKET,
    ),
    rule(
        "s3-bucket-acl-prohibited",
        "S3_BUCKET_ACL_PROHIBITED",
        &[],
        BUCKET,
    ),
    rule(
        "s3-bucket-logging-enabled",
        "S3_BUCKET_LOGGING_ENABLED",
        &[],
        BUCKET,
    ),
    rule(
        "s3-bucket-ssl-requests-only",
        "S3_BUCKET_SSL_REQUESTS_ONLY",
        &[],
        BUCKET,
    ),
    rule(
        "s3-bucket-versioning-enabled",
        "S3_BUCKET_VERSIONING_ENABLED",
        &[],
        BUCKET,
    ),
    rule(
        "s3-bucket-replication-enabled",
        "S3_BUCKET_REPLICATION_ENABLED",
        &[],
        BUCKET,
    ),
    rule(
        "s3-version-lifecycle-policy-check",
        "S3_VERSION_LIFECYCLE_POLICY_CHECK",
        &[],
        BUCKET,
    ),
    rule(
        "s3-account-level-public-access-blocks-periodic",
        "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC",
        &[
            ("BlockPublicAcls", "true"),
            ("BlockPublicPolicy", "true"),
            ("IgnorePublicAcls", "true"),
            ("RestrictPublicBuckets", "true"),
        ],
        &[],
    ),
    // RDS (R1–R11) and its snapshots.
    rule("rds-storage-encrypted", "RDS_STORAGE_ENCRYPTED", &[], DB),
    rule(
        "rds-instance-public-access-check",
        "RDS_INSTANCE_PUBLIC_ACCESS_CHECK",
        &[],
        DB,
    ),
    rule(
        "db-instance-backup-enabled",
        "DB_INSTANCE_BACKUP_ENABLED",
        &[],
        DB,
    ),
    rule("rds-in-backup-plan", "RDS_IN_BACKUP_PLAN", &[], &[]),
    rule("rds-multi-az-support", "RDS_MULTI_AZ_SUPPORT", &[], DB),
    rule(
        "rds-instance-deletion-protection-enabled",
        "RDS_INSTANCE_DELETION_PROTECTION_ENABLED",
        &[],
        DB,
    ),
    rule(
        "rds-enhanced-monitoring-enabled",
        "RDS_ENHANCED_MONITORING_ENABLED",
        &[],
        DB,
    ),
    rule("rds-logging-enabled", "RDS_LOGGING_ENABLED", &[], DB),
    rule(
        "rds-automatic-minor-version-upgrade-enabled",
        "RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED",
        &[],
        DB,
    ),
    rule(
        "rds-instance-iam-authentication-enabled",
        "RDS_INSTANCE_IAM_AUTHENTICATION_ENABLED",
        &[],
        DB,
    ),
    rule(
        "rds-snapshot-encrypted",
        "RDS_SNAPSHOT_ENCRYPTED",
        &[],
        SNAPSHOTS,
    ),
    rule(
        "rds-snapshots-public-prohibited",
        "RDS_SNAPSHOTS_PUBLIC_PROHIBITED",
        &[],
        SNAPSHOTS,
    ),
    // KMS (K1) and keys about to disappear.
    rule(
        "cmk-backing-key-rotation-enabled",
        "CMK_BACKING_KEY_ROTATION_ENABLED",
        &[],
        &[],
    ),
    rule(
        "kms-cmk-not-scheduled-for-deletion",
        "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
        &[],
        &["AWS::KMS::Key"],
    ),
    // CloudTrail (T1–T5).
    rule("cloudtrail-enabled", "CLOUD_TRAIL_ENABLED", &[], &[]),
    rule(
        "multi-region-cloudtrail-enabled",
        "MULTI_REGION_CLOUD_TRAIL_ENABLED",
        &[],
        &[],
    ),
    rule(
        "cloud-trail-cloud-watch-logs-enabled",
        "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED",
        &[],
        &[],
    ),
    rule(
        "cloud-trail-encryption-enabled",
        "CLOUD_TRAIL_ENCRYPTION_ENABLED",
        &[],
        &[],
    ),
    rule(
        "cloud-trail-log-file-validation-enabled",
        "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
        &[],
        &[],
    ),
    rule(
        "cloudtrail-s3-dataevents-enabled",
        "CLOUDTRAIL_S3_DATAEVENTS_ENABLED",
        &[],
        &[],
    ),
    // CloudWatch Logs and alarms (L1–L3), SNS (N1).
    rule(
        "cloudwatch-log-group-encrypted",
        "CLOUDWATCH_LOG_GROUP_ENCRYPTED",
        &[],
        &[],
    ),
    rule(
        "cw-loggroup-retention-period-check",
        "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
        &[("MinRetentionTime", "365")],
        &[],
    ),
    rule(
        "cloudwatch-alarm-action-check",
        "CLOUDWATCH_ALARM_ACTION_CHECK",
        &[
            ("alarmActionRequired", "true"),
            ("insufficientDataActionRequired", "true"),
            ("okActionRequired", "false"),
        ],
        &["AWS::CloudWatch::Alarm"],
    ),
    rule(
        "sns-encrypted-kms",
        "SNS_ENCRYPTED_KMS",
        &[],
        &["AWS::SNS::Topic"],
    ),
    // Network (E10–E15).
    rule(
        "subnet-auto-assign-public-ip-disabled",
        "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED",
        &[],
        &["AWS::EC2::Subnet"],
    ),
    rule("vpc-flow-logs-enabled", "VPC_FLOW_LOGS_ENABLED", &[], &[]),
    rule(
        "restricted-ssh",
        "INCOMING_SSH_DISABLED",
        &[],
        SECURITY_GROUP,
    ),
    rule(
        "restricted-common-ports",
        "RESTRICTED_INCOMING_TRAFFIC",
        &[
            ("blockedPort1", "20"),
            ("blockedPort2", "21"),
            ("blockedPort3", "3389"),
            ("blockedPort4", "3306"),
            ("blockedPort5", "4333"),
        ],
        SECURITY_GROUP,
    ),
    rule(
        "vpc-default-security-group-closed",
        "VPC_DEFAULT_SECURITY_GROUP_CLOSED",
        &[],
        SECURITY_GROUP,
    ),
    rule(
        "no-unrestricted-route-to-igw",
        "NO_UNRESTRICTED_ROUTE_TO_IGW",
        &[],
        &["AWS::EC2::RouteTable"],
    ),
    // Compute (E1–E9) and EBS encryption by default.
    rule(
        "encrypted-volumes",
        "ENCRYPTED_VOLUMES",
        &[],
        &["AWS::EC2::Volume"],
    ),
    rule(
        "ec2-ebs-encryption-by-default",
        "EC2_EBS_ENCRYPTION_BY_DEFAULT",
        &[],
        &[],
    ),
    rule("ec2-imdsv2-check", "EC2_IMDSV2_CHECK", &[], INSTANCE),
    rule(
        "ec2-instance-no-public-ip",
        "EC2_INSTANCE_NO_PUBLIC_IP",
        &[],
        INSTANCE,
    ),
    rule(
        "ec2-instance-profile-attached",
        "EC2_INSTANCE_PROFILE_ATTACHED",
        &[],
        INSTANCE,
    ),
    rule(
        "ec2-instance-detailed-monitoring-enabled",
        "EC2_INSTANCE_DETAILED_MONITORING_ENABLED",
        &[],
        INSTANCE,
    ),
    rule(
        "ebs-optimized-instance",
        "EBS_OPTIMIZED_INSTANCE",
        &[],
        INSTANCE,
    ),
    rule("ebs-in-backup-plan", "EBS_IN_BACKUP_PLAN", &[], &[]),
    rule(
        "ec2-resources-protected-by-backup-plan",
        "EC2_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
        &[],
        INSTANCE,
    ),
    // IAM (I1, I2, K4) and the account's identities: password policy, root, MFA, keys.
    rule(
        "iam-no-inline-policy-check",
        "IAM_NO_INLINE_POLICY_CHECK",
        &[],
        IDENTITIES,
    ),
    rule(
        "iam-policy-no-statements-with-admin-access",
        "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
        &[],
        &["AWS::IAM::Policy"],
    ),
    rule(
        "iam-policy-no-statements-with-full-access",
        "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS",
        &[],
        &["AWS::IAM::Policy"],
    ),
    rule(
        "iam-customer-policy-blocked-kms-actions",
        "IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS",
        BLOCKED_KMS,
        &["AWS::IAM::Policy"],
    ),
    rule(
        "iam-inline-policy-blocked-kms-actions",
        "IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS",
        BLOCKED_KMS,
        IDENTITIES,
    ),
    rule(
        "iam-password-policy",
        "IAM_PASSWORD_POLICY",
        &[
            ("MaxPasswordAge", "90"),
            ("MinimumPasswordLength", "14"),
            ("PasswordReusePrevention", "24"),
            ("RequireLowercaseCharacters", "true"),
            ("RequireNumbers", "true"),
            ("RequireSymbols", "true"),
            ("RequireUppercaseCharacters", "true"),
        ],
        &[],
    ),
    rule(
        "iam-root-access-key-check",
        "IAM_ROOT_ACCESS_KEY_CHECK",
        &[],
        &[],
    ),
    rule(
        "root-account-mfa-enabled",
        "ROOT_ACCOUNT_MFA_ENABLED",
        &[],
        &[],
    ),
    rule(
        "root-account-hardware-mfa-enabled",
        "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED",
        &[],
        &[],
    ),
    rule(
        "mfa-enabled-for-iam-console-access",
        "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
        &[],
        &[],
    ),
    rule("iam-user-mfa-enabled", "IAM_USER_MFA_ENABLED", &[], &[]),
    rule(
        "access-keys-rotated",
        "ACCESS_KEYS_ROTATED",
        &[("maxAccessKeyAge", "90")],
        &[],
    ),
    rule(
        "iam-user-unused-credentials-check",
        "IAM_USER_UNUSED_CREDENTIALS_CHECK",
        &[("maxCredentialUsageAge", "90")],
        &[],
    ),
    // AWS Backup (B1, B2, B4).
    rule(
        "backup-plan-min-frequency-and-min-retention-check",
        "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
        &[
            ("requiredFrequencyUnit", "days"),
            ("requiredFrequencyValue", "1"),
            ("requiredRetentionDays", "35"),
        ],
        &["AWS::Backup::BackupPlan"],
    ),
    rule(
        "backup-recovery-point-encrypted",
        "BACKUP_RECOVERY_POINT_ENCRYPTED",
        &[],
        &["AWS::Backup::RecoveryPoint"],
    ),
    rule(
        "backup-recovery-point-manual-deletion-disabled",
        "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED",
        &[],
        &["AWS::Backup::BackupVault"],
    ),
    rule(
        "backup-recovery-point-minimum-retention-check",
        "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
        &[("requiredRetentionDays", "35")],
        &["AWS::Backup::RecoveryPoint"],
    ),
    // Secrets Manager (M1, M2).
    rule(
        "secretsmanager-rotation-enabled-check",
        "SECRETSMANAGER_ROTATION_ENABLED_CHECK",
        &[("maximumAllowedRotationFrequency", "90")],
        SECRET,
    ),
    rule(
        "secretsmanager-scheduled-rotation-success-check",
        "SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK",
        &[],
        SECRET,
    ),
    rule(
        "secretsmanager-using-cmk",
        "SECRETSMANAGER_USING_CMK",
        &[],
        SECRET,
    ),
    // The baseline itself.
    rule(
        "guardduty-enabled-centralized",
        "GUARDDUTY_ENABLED_CENTRALIZED",
        &[],
        &[],
    ),
    rule("securityhub-enabled", "SECURITYHUB_ENABLED", &[], &[]),
];

/// `s3-bucket-ssl-requests-only` as a logical id: `S3BucketSslRequestsOnly`.
fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The conformance pack's template: one `AWS::Config::ConfigRule` per [`PACK_RULES`] entry.
fn pack_template() -> Value {
    let mut resources = Map::new();
    for r in PACK_RULES {
        let mut properties = Map::new();
        properties.insert("ConfigRuleName".to_owned(), json!(r.name));
        properties.insert(
            "Source".to_owned(),
            json!({ "Owner": "AWS", "SourceIdentifier": r.source }),
        );
        if !r.parameters.is_empty() {
            let parameters: Map<String, Value> = r
                .parameters
                .iter()
                .map(|(k, v)| ((*k).to_owned(), json!(v)))
                .collect();
            properties.insert("InputParameters".to_owned(), Value::Object(parameters));
        }
        if !r.scope.is_empty() {
            properties.insert(
                "Scope".to_owned(),
                json!({ "ComplianceResourceTypes": r.scope }),
            );
        }
        resources.insert(
            pascal_case(r.name),
            json!({ "Type": "AWS::Config::ConfigRule", "Properties": properties }),
        );
    }
    json!({ "Resources": resources })
}

/// The Security Hub standard the baseline turns on.
const FOUNDATIONAL_STANDARD: &str = "arn:${AWS::Partition}:securityhub:${AWS::Region}::standards/aws-foundational-security-best-practices/v/1.0.0";

/// The AWS managed policy of the role AWS Config records with.
const CONFIG_ROLE_POLICY: &str =
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AWS_ConfigRole";

/// The detective controls of an AWS account in one region, so that drift is detected after
/// deploy: a GuardDuty detector, Security Hub with the AWS Foundational Security Best
/// Practices standard, an AWS Config recorder that delivers to a secure bucket, and a Config
/// conformance pack of the AWS managed rules equivalent to hipaa-stack's rules.
///
/// It needs a customer-managed key ([`encryption`](AccountBaseline::encryption)) and a
/// destination for its bucket's access logs ([`access_logs`](AccountBaseline::access_logs));
/// without either, [`Stack::add`](crate::Stack::add) does not compile.
///
/// There is one per account and region: GuardDuty, Security Hub and the Config recorder
/// exist once per region, so deploying a second baseline, or one where they are already
/// turned on (by AWS Organizations, say), fails. Account settings no template can make (the
/// IAM password policy, root MFA, EBS encryption by default, the account's S3 public access
/// block) are listed in the report as the customer's responsibility; the conformance pack
/// checks them.
///
/// What it creates (logical ids after the construct id `Baseline`): `BaselineDetector`,
/// `BaselineHub`, `BaselineFoundational` (the standard), `BaselineBucket` and
/// `BaselineBucketPolicy` (where AWS Config delivers), `BaselineConfigRole` and
/// `BaselineConfigPolicy` (the role AWS Config records and delivers with),
/// `BaselineRecorder`, `BaselineDeliveryChannel` and `BaselineConformancePack`.
///
/// # Secure defaults
/// - GuardDuty on, with S3 data events, EBS malware protection and RDS login events; findings
///   published every 15 minutes (§164.308(a)(1)(ii)(D), §164.308(a)(6)(ii)).
/// - Security Hub on, with consolidated control findings, new controls turned on
///   automatically, and the AWS Foundational Security Best Practices standard.
/// - AWS Config records every supported resource type and the global IAM resources
///   (§164.312(b)); its history and snapshots go to a bucket with every setting of a
///   [`SecureBucket`](crate::SecureBucket) (S1–S13), encrypted with the customer key, daily.
/// - The recorder's role has the AWS managed policy `AWS_ConfigRole` and a managed policy that
///   lets it write to its bucket's `AWSLogs/ACCOUNT/Config/` prefix and use the key; the
///   bucket policy admits the Config service of this account only.
/// - A conformance pack of AWS managed Config rules equivalent to hipaa-stack's rules, and to
///   the account settings no template can make, with the thresholds of this library (log
///   retention 365 days, backups daily and 35 days, rotation within 90 days, access keys 90
///   days, the password policy of the report).
///
/// # Options
/// - [`secondary_region`](AccountBaseline::secondary_region). Default: this region also
///   records the global IAM resources.
/// - [`replicate_to`](AccountBaseline::replicate_to): the configuration history copied to a
///   bucket of another region (S10, §164.308(a)(7)(ii)(B)). Default: no copy.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::AccountBaseline;
/// let app = App::new("clinic");
/// let security = app.stack("clinic-security")?;
/// let key = security.add(KmsKey::new("PhiKey"))?;
/// let logs = security.add(AccessLogBucket::new("AccessLogs"))?;
/// let baseline = security.add(AccountBaseline::new("Baseline").encryption(&key).access_logs(&logs))?;
/// security.output("ConfigBucket", baseline.config_bucket_name())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AccountBaseline<K = Handle<KmsKey>, L = Handle<AccessLogBucket>> {
    id: String,
    key: K,
    logs: L,
    main: Option<Handle<AccountBaseline>>,
    replica: Option<Handle<SecureBucket>>,
}

impl AccountBaseline<NoKey, NoAccessLogs> {
    /// A baseline with the construct id `id` (a letter, then letters and digits).
    pub fn new(id: impl Into<String>) -> Self {
        AccountBaseline {
            id: id.into(),
            key: NoKey,
            logs: NoAccessLogs,
            main: None,
            replica: None,
        }
    }
}

impl<K, L> AccountBaseline<K, L> {
    /// Encrypts the configuration history and its bucket with this customer-managed key.
    pub fn encryption<E: EncryptionKey>(
        self,
        key: &Handle<E>,
    ) -> AccountBaseline<Handle<KmsKey>, L> {
        AccountBaseline {
            id: self.id,
            key: key.cast(),
            logs: self.logs,
            main: self.main,
            replica: self.replica,
        }
    }

    /// Delivers the server access logs of the configuration bucket to this bucket.
    pub fn access_logs<D: AccessLogDestination>(
        self,
        destination: &Handle<D>,
    ) -> AccountBaseline<K, Handle<AccessLogBucket>> {
        AccountBaseline {
            id: self.id,
            key: self.key,
            logs: destination.cast(),
            main: self.main,
            replica: self.replica,
        }
    }

    /// For a region other than the account's main one: the global IAM resources are recorded
    /// by `main`, the baseline of the main region (of a stack of the same account in another
    /// region, which records them itself), not again here. Adding the baseline fails when
    /// `main` is not such a baseline. Default: they are recorded here.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("clinic");
    /// let east = app.stack_in("clinic-east", region!("us-east-1"))?;
    /// let key = east.add(KmsKey::new("PhiKey"))?;
    /// let logs = east.add(AccessLogBucket::new("AccessLogs"))?;
    /// let main = east.add(AccountBaseline::new("Baseline").encryption(&key).access_logs(&logs))?;
    /// let west = app.stack_in("clinic-west", region!("us-west-2"))?;
    /// let key = west.add(KmsKey::new("PhiKey"))?;
    /// let logs = west.add(AccessLogBucket::new("AccessLogs"))?;
    /// west.add(
    ///     AccountBaseline::new("Baseline")
    ///         .encryption(&key)
    ///         .access_logs(&logs)
    ///         .secondary_region(&main),
    /// )?;
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn secondary_region(mut self, main: &Handle<AccountBaseline>) -> Self {
        self.main = Some(*main);
        self
    }

    /// Replicates the configuration bucket to `copy`, a bucket of a stack in another region,
    /// encrypted there with its own key (as
    /// [`SecureBucket::replicate_to`](crate::SecureBucket::replicate_to)). Adding the baseline
    /// fails when `copy` is in its region, in a stack pinned to no region while the
    /// baseline's is pinned, or in a region of another AWS partition.
    pub fn replicate_to(mut self, copy: &Handle<SecureBucket>) -> Self {
        self.replica = Some(*copy);
        self
    }
}

impl Handle<AccountBaseline> {
    /// The GuardDuty detector's id.
    pub fn detector_id(&self) -> Reference<Id> {
        self.attr_ref("Detector", Attr::Ref)
    }

    /// The name of the bucket AWS Config delivers to.
    pub fn config_bucket_name(&self) -> Reference<Name> {
        self.attr_ref("Bucket", Attr::Ref)
    }
}

impl<K: KeyChosen<AccountBaseline>, L: AccessLogsChosen<AccountBaseline>> Construct<AccountBaseline>
    for AccountBaseline<K, L>
{
}

impl<K: KeyChosen<AccountBaseline>, L: AccessLogsChosen<AccountBaseline>> IntoNode<AccountBaseline>
    for AccountBaseline<K, L>
{
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(BaselineNode {
            id: self.id,
            key: self.key.key(),
            logs: self.logs.logs(),
            main: self.main,
            replica: self.replica,
        })
    }
}

struct BaselineNode {
    id: String,
    key: Handle<KmsKey>,
    logs: Handle<AccessLogBucket>,
    /// The baseline of the main region, which records the global resources, if this one
    /// does not.
    main: Option<Handle<AccountBaseline>>,
    replica: Option<Handle<SecureBucket>>,
}

impl Node for BaselineNode {
    fn kind(&self) -> &'static str {
        "AccountBaseline"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        if self.replica.is_some() {
            return &[
                "Detector",
                "Hub",
                "Foundational",
                "Bucket",
                "BucketPolicy",
                "BucketReplicationRole",
                "BucketReplicationPolicy",
                "ConfigRole",
                "ConfigPolicy",
                "Recorder",
                "DeliveryChannel",
                "ConformancePack",
            ];
        }
        &[
            "Detector",
            "Hub",
            "Foundational",
            "Bucket",
            "BucketPolicy",
            "ConfigRole",
            "ConfigPolicy",
            "Recorder",
            "DeliveryChannel",
            "ConformancePack",
        ]
    }

    fn uses(&self) -> Vec<Used> {
        let mut used = vec![self.key.used("KmsKey"), self.logs.used("AccessLogBucket")];
        used.extend(self.replica.map(|r| r.used("SecureBucket")));
        used.extend(self.main.map(|m| m.used("AccountBaseline")));
        used
    }

    fn replica(&self) -> Option<u32> {
        self.replica.map(|r| r.index)
    }

    /// GuardDuty, Security Hub and AWS Config are set once per account and region: a second
    /// baseline in the same region would collide with the first when deployed.
    fn check_in(&self, arena: &crate::app::Arena, stack: u32) -> Result<(), String> {
        // Once per account and region across the program: an environment's account, or the
        // deploy account for an app without environments.
        if let Some(copy) = self.replica {
            check_replica_region(arena, stack, copy)?;
        }
        let (account, region) = arena.placement(stack);
        if let Some(main) = self.main {
            let entry = &arena.constructs[main.index as usize];
            let (main_account, main_region) = arena.placement(entry.stack);
            let node: &dyn std::any::Any = &*entry.node;
            let records = node
                .downcast_ref::<BaselineNode>()
                .is_some_and(|b| b.main.is_none());
            if !records
                || main_account != account
                || main_region.is_none()
                || region.is_none()
                || main_region == region
            {
                return Err(format!(
                    "`.secondary_region(..)` names `{}`, which is not the baseline of the main region of this account: it must be in a stack of the same account pinned to another region (`app.stack_in(..)`) and record the global IAM resources itself (no `.secondary_region(..)`), or AWS Config records them nowhere (§164.312(b))",
                    arena.path(main.index)
                ));
            }
        }
        let other = arena.constructs.iter().enumerate().find(|(_, c)| {
            c.node.kind() == "AccountBaseline"
                && arena.placement(c.stack) == (account.clone(), region.clone())
        });
        match other {
            Some((index, _)) => Err(format!(
                "`{}` is already the account baseline of {} in {}; GuardDuty, Security Hub and AWS Config exist once per account and region, so a program has one `AccountBaseline` per account and region",
                arena.path(u32::try_from(index).unwrap_or(u32::MAX)),
                account.map_or_else(
                    || "the deploy account".to_owned(),
                    |a| format!("account {a}")
                ),
                region
                    .as_ref()
                    .map_or_else(|| "the deploy region".to_owned(), |r| format!("`{r}`"))
            )),
            None => Ok(()),
        }
    }

    fn encryption_key(&self) -> Option<u32> {
        Some(self.key.index)
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let key = cx.resolve(self.key.arn());
        let path = cx.path();
        let account = || Expr::pseudo(Pseudo::AccountId);
        let config = || Principal::Service("config.amazonaws.com".into());
        let mut resources = Vec::with_capacity(11);

        let detector = Detector {
            enable: true,
            finding_publishing_frequency: "FIFTEEN_MINUTES",
            features: [
                "S3_DATA_EVENTS",
                "EBS_MALWARE_PROTECTION",
                "RDS_LOGIN_EVENTS",
            ]
            .into_iter()
            .map(|name| Feature {
                name,
                status: "ENABLED",
            })
            .collect(),
        };
        resources.push(Resource::new(cx.logical("Detector"), detector)?);

        let hub = Hub {
            enable_default_standards: false,
            control_finding_generator: "SECURITY_CONTROL",
            auto_enable_controls: true,
        };
        resources.push(Resource::new(cx.logical("Hub"), hub)?);
        let standard = Standard {
            standards_arn: Expr::sub_pseudo(FOUNDATIONAL_STANDARD),
        };
        resources.push(
            Resource::new(cx.logical("Foundational"), standard)?.depends_on(&cx.logical("Hub")),
        );

        // The bucket AWS Config delivers to, with the statements Config's documentation asks
        // for, bound to this account.
        let bucket_arn = cx.own_att("Bucket", "Arn");
        let config_objects = Expr::join([
            bucket_arn.clone(),
            "/AWSLogs/".into(),
            account(),
            "/Config/*".into(),
        ]);
        let delivery = vec![
            Statement::allow(
                "AllowConfigAclCheck",
                config(),
                &["s3:GetBucketAcl", "s3:ListBucket"],
                vec![bucket_arn.clone()],
            )
            .when("StringEquals", "aws:SourceAccount", account()),
            Statement::allow(
                "AllowConfigWrite",
                config(),
                &["s3:PutObject"],
                vec![config_objects.clone()],
            )
            .when("StringEquals", "aws:SourceAccount", account())
            .when("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control"),
        ];
        let logging = access_logging(cx, self.logs);
        let mut bucket = phi_bucket(
            cx,
            "Bucket",
            None,
            key.clone(),
            logging,
            DEFAULT_NONCURRENT_DAYS,
            delivery,
            self.replica.map(|bucket| Replica {
                bucket,
                time_control: false,
            }),
        )?;
        // Without a copy, rule S10 checks this exception as a property of an
        // `AccountBaseline`'s bucket (no waiver does); the rule packs read it as a suppression.
        for b in bucket
            .iter_mut()
            .filter(|r| r.type_name() == "AWS::S3::Bucket" && self.replica.is_none())
        {
            cx.except(b, &CONFIG_HISTORY_NO_REPLICA);
        }
        resources.extend(bucket);

        let role =
            Role {
                description: format!("lets AWS Config record the resources of {path}'s region"),
                assume_role_policy_document: PolicyDocument::new(vec![
                    Statement::allow("TrustConfig", config(), &["sts:AssumeRole"], Vec::new())
                        .when("StringEquals", "aws:SourceAccount", account()),
                ]),
                managed_policy_arns: vec![Expr::sub_pseudo(CONFIG_ROLE_POLICY)],
            };
        resources.push(Resource::new(cx.logical("ConfigRole"), role)?);
        let policy = ManagedPolicy {
            description: format!("AWS Config delivery to the bucket of {path}"),
            policy_document: PolicyDocument::new(vec![
                Statement::allow_identity(
                    "CheckConfigBucket",
                    &["s3:GetBucketAcl"],
                    vec![bucket_arn],
                ),
                Statement::allow_identity(
                    "DeliverConfiguration",
                    &["s3:PutObject"],
                    vec![config_objects],
                )
                .when("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control"),
                Statement::allow_identity(
                    "EncryptConfiguration",
                    &["kms:Decrypt", "kms:GenerateDataKey"],
                    vec![key.clone()],
                ),
            ]),
            roles: vec![cx.own_ref("ConfigRole")],
        };
        resources.push(Resource::new(cx.logical("ConfigPolicy"), policy)?);

        let recorder = ConfigurationRecorder {
            role_arn: cx.own_att("ConfigRole", "Arn"),
            recording_group: RecordingGroup {
                all_supported: true,
                include_global_resource_types: self.main.is_none(),
            },
        };
        resources.push(Resource::new(cx.logical("Recorder"), recorder)?);
        let channel = DeliveryChannel {
            s3_bucket_name: cx.own_ref("Bucket"),
            s3_kms_key_arn: key,
            config_snapshot_delivery_properties: SnapshotDelivery {
                delivery_frequency: "TwentyFour_Hours",
            },
        };
        resources.push(
            Resource::new(cx.logical("DeliveryChannel"), channel)?
                .depends_on(&cx.logical("Recorder"))
                .depends_on(&cx.logical("BucketPolicy"))
                .depends_on(&cx.logical("ConfigPolicy")),
        );

        let stack = cx.arena.stacks[cx.stack as usize].name.to_string();
        let pack = ConformancePack {
            conformance_pack_name: format!("{stack}-{}", self.id),
            template_body: serde_json::to_string(&pack_template())?,
        };
        resources.push(
            Resource::new(cx.logical("ConformancePack"), pack)?
                .depends_on(&cx.logical("DeliveryChannel")),
        );
        Ok(resources)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::{Value, json};

    use super::{PACK_RULES, pascal_case};
    use crate::constructs::AccountBaseline;
    use crate::testing::{
        assert_bucket_basics, assert_kept, assert_tls_only, prop, resource, sids, statement,
        template_with,
    };

    fn baseline() -> Value {
        template_with(|stack, key, logs| {
            stack
                .add(
                    AccountBaseline::new("Baseline")
                        .encryption(&key)
                        .access_logs(&logs),
                )
                .unwrap();
        })
    }

    #[test]
    fn guardduty_and_security_hub_are_on() {
        let t = baseline();
        assert_eq!(
            resource(&t, "BaselineDetector")["Type"],
            "AWS::GuardDuty::Detector"
        );
        assert_eq!(prop(&t, "BaselineDetector", "/Enable"), true);
        assert_eq!(
            prop(&t, "BaselineDetector", "/FindingPublishingFrequency"),
            "FIFTEEN_MINUTES"
        );
        assert_eq!(
            prop(&t, "BaselineDetector", "/Features"),
            &json!([
                { "Name": "S3_DATA_EVENTS", "Status": "ENABLED" },
                { "Name": "EBS_MALWARE_PROTECTION", "Status": "ENABLED" },
                { "Name": "RDS_LOGIN_EVENTS", "Status": "ENABLED" }
            ])
        );
        assert_eq!(resource(&t, "BaselineHub")["Type"], "AWS::SecurityHub::Hub");
        assert_eq!(prop(&t, "BaselineHub", "/EnableDefaultStandards"), false);
        assert_eq!(
            prop(&t, "BaselineHub", "/ControlFindingGenerator"),
            "SECURITY_CONTROL"
        );
        assert_eq!(
            prop(&t, "BaselineFoundational", "/StandardsArn"),
            &json!({ "Fn::Sub": "arn:${AWS::Partition}:securityhub:${AWS::Region}::standards/aws-foundational-security-best-practices/v/1.0.0" })
        );
        assert_eq!(
            resource(&t, "BaselineFoundational")["DependsOn"],
            json!(["BaselineHub"])
        );
    }

    #[test]
    fn config_records_everything_into_a_secure_bucket() {
        let t = baseline();
        assert_bucket_basics(&t, "BaselineBucket", 365);
        assert_tls_only(&t, "BaselineBucketPolicy", "BaselineBucket");
        assert_kept(&t, "BaselineBucket", "Retain");
        assert_eq!(
            prop(
                &t,
                "BaselineBucket",
                "/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/KMSMasterKeyID"
            ),
            &json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
        );
        let document = prop(&t, "BaselineBucketPolicy", "/PolicyDocument");
        assert_eq!(
            sids(document),
            [
                "DenyInsecureTransport",
                "DenyOutdatedTls",
                "AllowConfigAclCheck",
                "AllowConfigWrite"
            ]
        );
        let write = statement(document, "AllowConfigWrite");
        assert_eq!(
            write["Principal"],
            json!({ "Service": "config.amazonaws.com" })
        );
        assert_eq!(
            write["Resource"],
            json!([{ "Fn::Sub": "${BaselineBucket.Arn}/AWSLogs/${AWS::AccountId}/Config/*" }])
        );
        assert_eq!(
            write["Condition"]["StringEquals"]["aws:SourceAccount"],
            json!({ "Ref": "AWS::AccountId" })
        );

        assert_eq!(
            prop(&t, "BaselineRecorder", "/RoleARN"),
            &json!({ "Fn::GetAtt": ["BaselineConfigRole", "Arn"] })
        );
        assert_eq!(
            prop(&t, "BaselineRecorder", "/RecordingGroup"),
            &json!({ "AllSupported": true, "IncludeGlobalResourceTypes": true })
        );
        assert_eq!(
            prop(&t, "BaselineDeliveryChannel", "/S3BucketName"),
            &json!({ "Ref": "BaselineBucket" })
        );
        assert_eq!(
            prop(&t, "BaselineDeliveryChannel", "/S3KmsKeyArn"),
            &json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
        );
        assert_eq!(
            resource(&t, "BaselineDeliveryChannel")["DependsOn"],
            json!([
                "BaselineRecorder",
                "BaselineBucketPolicy",
                "BaselineConfigPolicy"
            ])
        );
    }

    #[test]
    fn the_config_role_has_managed_policies_only() {
        let t = baseline();
        let role = resource(&t, "BaselineConfigRole");
        assert!(role["Properties"].get("Policies").is_none());
        assert_eq!(
            role["Properties"]["ManagedPolicyArns"],
            json!([{ "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWS_ConfigRole" }])
        );
        let trust = statement(
            &role["Properties"]["AssumeRolePolicyDocument"],
            "TrustConfig",
        );
        assert_eq!(
            trust["Principal"],
            json!({ "Service": "config.amazonaws.com" })
        );
        let policy = resource(&t, "BaselineConfigPolicy");
        assert_eq!(policy["Type"], "AWS::IAM::ManagedPolicy");
        assert_eq!(
            policy["Properties"]["Roles"],
            json!([{ "Ref": "BaselineConfigRole" }])
        );
        let document = &policy["Properties"]["PolicyDocument"];
        assert_eq!(
            statement(document, "EncryptConfiguration")["Resource"],
            json!([{ "Fn::GetAtt": ["PhiKey", "Arn"] }])
        );
        for s in document["Statement"].as_array().unwrap() {
            assert_ne!(s["Resource"], json!(["*"]), "{s}");
        }
    }

    #[test]
    fn the_conformance_pack_holds_the_managed_rules() {
        let t = baseline();
        assert_eq!(
            prop(&t, "BaselineConformancePack", "/ConformancePackName"),
            "t-Baseline"
        );
        assert_eq!(
            resource(&t, "BaselineConformancePack")["DependsOn"],
            json!(["BaselineDeliveryChannel"])
        );
        let body = prop(&t, "BaselineConformancePack", "/TemplateBody")
            .as_str()
            .unwrap();
        assert!(body.len() <= 51_200, "{}", body.len());
        let pack: Value = crate::cfn::tree::from_str(body).unwrap();
        let rules = pack["Resources"].as_object().unwrap();
        assert_eq!(rules.len(), PACK_RULES.len());
        let ssl = &rules["S3BucketSslRequestsOnly"];
        assert_eq!(ssl["Type"], "AWS::Config::ConfigRule");
        assert_eq!(
            ssl["Properties"],
            json!({
                "ConfigRuleName": "s3-bucket-ssl-requests-only",
                "Source": { "Owner": "AWS", "SourceIdentifier": "S3_BUCKET_SSL_REQUESTS_ONLY" },
                "Scope": { "ComplianceResourceTypes": ["AWS::S3::Bucket"] }
            })
        );
        assert_eq!(
            rules["CwLoggroupRetentionPeriodCheck"]["Properties"]["InputParameters"],
            json!({ "MinRetentionTime": "365" })
        );
        let sources: BTreeSet<&str> = PACK_RULES.iter().map(|r| r.source).collect();
        assert_eq!(sources.len(), PACK_RULES.len(), "a rule is listed twice");
        for needed in [
            "IAM_PASSWORD_POLICY",
            "ROOT_ACCOUNT_MFA_ENABLED",
            "EC2_EBS_ENCRYPTION_BY_DEFAULT",
            "RDS_IN_BACKUP_PLAN",
            "CLOUDWATCH_ALARM_ACTION_CHECK",
            "SECRETSMANAGER_USING_CMK",
            "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
            "GUARDDUTY_ENABLED_CENTRALIZED",
            "SECURITYHUB_ENABLED",
        ] {
            assert!(sources.contains(needed), "{needed}");
        }
        for r in PACK_RULES {
            assert!(r.name.len() <= 128 && pascal_case(r.name).len() <= 255);
        }
    }

    #[test]
    fn a_secondary_region_leaves_global_resources_to_the_main_one() {
        use crate::prelude::*;
        let app = App::new("test");
        let add = |name: &str, region: Option<Region>| {
            let stack = match region {
                Some(r) => app.stack_in(name, r).unwrap(),
                None => app.stack(name).unwrap(),
            };
            let key = stack.add(KmsKey::new("PhiKey")).unwrap();
            let logs = stack.add(AccessLogBucket::new("AccessLogs")).unwrap();
            (stack, key, logs)
        };
        let (east, key, logs) = add("east", Some(region!("us-east-1")));
        let main = east
            .add(
                AccountBaseline::new("Baseline")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        let (west, key, logs) = add("west", Some(region!("us-west-2")));
        let secondary = AccountBaseline::new("Baseline")
            .access_logs(&logs)
            .encryption(&key);
        west.add(secondary.secondary_region(&main)).unwrap();
        let assembly = app.check().unwrap();
        let recording = |stack: &str| {
            let t: Value =
                crate::cfn::tree::from_str(assembly.stack(stack).unwrap().template_json()).unwrap();
            t["Resources"]["BaselineRecorder"]["Properties"]["RecordingGroup"]
                ["IncludeGlobalResourceTypes"]
                .clone()
        };
        assert_eq!(recording("east"), json!(true));
        assert_eq!(recording("west"), json!(false));

        // The main baseline is of the same account, of another region, and records them.
        let (north, key, logs) = add("north", Some(region!("eu-north-1")));
        let second = north
            .add(
                AccountBaseline::new("Baseline")
                    .encryption(&key)
                    .access_logs(&logs)
                    .secondary_region(&main),
            )
            .unwrap();
        for (name, region, main) in [
            ("plain", None, main),
            ("east-two", Some(region!("us-east-1")), main),
            ("south", Some(region!("sa-east-1")), second),
        ] {
            let (stack, key, logs) = add(name, region);
            let err = stack
                .add(
                    AccountBaseline::new("Baseline")
                        .encryption(&key)
                        .access_logs(&logs)
                        .secondary_region(&main),
                )
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("not the baseline of the main region"),
                "{name}: {err}"
            );
        }
    }

    #[test]
    fn pascal_case_makes_logical_ids() {
        assert_eq!(
            pascal_case("s3-bucket-ssl-requests-only"),
            "S3BucketSslRequestsOnly"
        );
        assert_eq!(pascal_case("ec2-imdsv2-check"), "Ec2Imdsv2Check");
    }
}

#[cfg(test)]
mod once_per_region {
    use crate::prelude::*;

    #[test]
    fn a_second_baseline_in_the_same_region_is_refused() {
        let app = App::new("test");
        let a = app.stack("a").unwrap();
        let key = a.add(KmsKey::new("PhiKey")).unwrap();
        let logs = a.add(AccessLogBucket::new("AccessLogs")).unwrap();
        a.add(
            AccountBaseline::new("Baseline")
                .encryption(&key)
                .access_logs(&logs),
        )
        .unwrap();
        let b = app.stack("b").unwrap();
        let err = b
            .add(
                AccountBaseline::new("Again")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("construct `b/Again` is invalid: `a/Baseline` is already the account baseline of the deploy account in the deploy region"),
            "{err}"
        );
        // Another region has its own.
        let west = app
            .stack_in("west", Region::new("us-west-2").unwrap())
            .unwrap();
        let west_key = west.add(KmsKey::new("PhiKey")).unwrap();
        let west_logs = west.add(AccessLogBucket::new("AccessLogs")).unwrap();
        west.add(
            AccountBaseline::new("Baseline")
                .encryption(&west_key)
                .access_logs(&west_logs),
        )
        .unwrap();
    }
}
