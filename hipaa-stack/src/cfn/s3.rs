//! `AWS::S3::Bucket` and `AWS::S3::BucketPolicy`.

use serde::Serialize;

use super::policy::PolicyDocument;
use super::{Expr, ResourceType};

/// `AWS::S3::Bucket`. There is no `AccessControl` field: ACLs are disabled by
/// `BucketOwnerEnforced` (rule S6 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Bucket {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<String>,
    pub bucket_encryption: BucketEncryption,
    pub public_access_block_configuration: PublicAccessBlock,
    pub ownership_controls: OwnershipControls,
    pub versioning_configuration: Versioning,
    pub lifecycle_configuration: Lifecycle,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging_configuration: Option<Logging>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_configuration: Option<Replication>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notification_configuration: Option<Notifications>,
}

/// `NotificationConfiguration`: where S3 sends the bucket's object events.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Notifications {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queue_configurations: Vec<QueueNotification>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lambda_configurations: Vec<LambdaNotification>,
}

/// One event sent to a queue.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct QueueNotification {
    pub event: &'static str,
    pub queue: Expr,
}

/// One event sent to a function.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LambdaNotification {
    pub event: &'static str,
    pub function: Expr,
}

impl ResourceType for Bucket {
    const TYPE: &'static str = "AWS::S3::Bucket";
}

/// How a bucket encrypts objects by default.
#[derive(Debug, Clone)]
pub(crate) enum Sse {
    /// SSE-KMS with a customer-managed key and an S3 bucket key.
    Kms(Expr),
    /// SSE-S3; only for the bucket that receives S3 server access logs, which S3 writes
    /// with SSE-S3 only.
    S3Managed,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct BucketEncryption {
    #[serde(rename = "ServerSideEncryptionConfiguration")]
    rules: [EncryptionRule; 1],
}

#[derive(Debug, Clone, Serialize)]
struct EncryptionRule {
    #[serde(rename = "BucketKeyEnabled", skip_serializing_if = "Option::is_none")]
    bucket_key_enabled: Option<bool>,
    #[serde(rename = "ServerSideEncryptionByDefault")]
    default: EncryptionByDefault,
}

#[derive(Debug, Clone, Serialize)]
struct EncryptionByDefault {
    #[serde(rename = "SSEAlgorithm")]
    algorithm: &'static str,
    #[serde(rename = "KMSMasterKeyID", skip_serializing_if = "Option::is_none")]
    key: Option<Expr>,
}

impl BucketEncryption {
    pub(crate) fn new(sse: Sse) -> Self {
        let rule = match sse {
            Sse::Kms(key) => EncryptionRule {
                bucket_key_enabled: Some(true),
                default: EncryptionByDefault {
                    algorithm: "aws:kms",
                    key: Some(key),
                },
            },
            Sse::S3Managed => EncryptionRule {
                bucket_key_enabled: None,
                default: EncryptionByDefault {
                    algorithm: "AES256",
                    key: None,
                },
            },
        };
        BucketEncryption { rules: [rule] }
    }
}

/// All four public-access blocks, always on (rule S3 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PublicAccessBlock {
    block_public_acls: bool,
    block_public_policy: bool,
    ignore_public_acls: bool,
    restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub(crate) const ALL: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
    };
}

/// `BucketOwnerEnforced`: ACLs disabled (rule S6 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OwnershipControls {
    #[serde(rename = "Rules")]
    rules: [OwnershipRule; 1],
}

#[derive(Debug, Clone, Serialize)]
struct OwnershipRule {
    #[serde(rename = "ObjectOwnership")]
    object_ownership: &'static str,
}

impl OwnershipControls {
    pub(crate) const BUCKET_OWNER_ENFORCED: OwnershipControls = OwnershipControls {
        rules: [OwnershipRule {
            object_ownership: "BucketOwnerEnforced",
        }],
    };
}

/// Versioning, always enabled (rule S9 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Versioning {
    #[serde(rename = "Status")]
    status: &'static str,
}

impl Versioning {
    pub(crate) const ENABLED: Versioning = Versioning { status: "Enabled" };
}

/// The lifecycle rule of a versioned bucket (rule S13 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Lifecycle {
    #[serde(rename = "Rules")]
    rules: Vec<LifecycleRule>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct LifecycleRule {
    id: &'static str,
    status: &'static str,
    noncurrent_version_expiration: NoncurrentExpiration,
    abort_incomplete_multipart_upload: AbortMultipart,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct NoncurrentExpiration {
    noncurrent_days: u16,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct AbortMultipart {
    days_after_initiation: u16,
}

impl Lifecycle {
    /// Expires noncurrent versions after `noncurrent_days` and abandoned multipart uploads
    /// after seven days.
    pub(crate) fn expire_noncurrent(noncurrent_days: u16) -> Self {
        Lifecycle {
            rules: vec![LifecycleRule {
                id: "ExpireNoncurrentVersions",
                status: "Enabled",
                noncurrent_version_expiration: NoncurrentExpiration { noncurrent_days },
                abort_incomplete_multipart_upload: AbortMultipart {
                    days_after_initiation: 7,
                },
            }],
        }
    }
}

/// Replication of every object, KMS-encrypted ones included, to a bucket of another region,
/// re-encrypted there with that region's key (rule S10 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Replication {
    role: Expr,
    rules: [ReplicationRule; 1],
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ReplicationRule {
    id: &'static str,
    status: &'static str,
    priority: u8,
    filter: PrefixFilter,
    delete_marker_replication: StatusOnly,
    destination: ReplicationDestination,
    source_selection_criteria: SourceSelection,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct PrefixFilter {
    prefix: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct StatusOnly {
    status: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ReplicationDestination {
    bucket: Expr,
    encryption_configuration: ReplicaEncryption,
    #[serde(skip_serializing_if = "Option::is_none")]
    replication_time: Option<ReplicationTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metrics: Option<ReplicationMetrics>,
}

#[derive(Debug, Clone, Serialize)]
struct ReplicaEncryption {
    #[serde(rename = "ReplicaKmsKeyID")]
    replica_kms_key_id: Expr,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ReplicationTime {
    status: &'static str,
    time: Minutes,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ReplicationMetrics {
    status: &'static str,
    event_threshold: Minutes,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Minutes {
    minutes: u8,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct SourceSelection {
    sse_kms_encrypted_objects: StatusOnly,
}

impl Replication {
    /// Every object (KMS-encrypted ones included) to `bucket`, encrypted there with `key`,
    /// through `role`; deletions are not replicated (a delete marker stays where it was
    /// made). With `time_control`, S3 Replication Time Control: 99.99 % of objects within 15
    /// minutes, with metrics.
    pub(crate) fn to(role: Expr, bucket: Expr, key: Expr, time_control: bool) -> Self {
        const ENABLED: &str = "Enabled";
        Replication {
            role,
            rules: [ReplicationRule {
                id: "DisasterRecoveryCopy",
                status: ENABLED,
                priority: 1,
                filter: PrefixFilter { prefix: "" },
                delete_marker_replication: StatusOnly { status: "Disabled" },
                destination: ReplicationDestination {
                    bucket,
                    encryption_configuration: ReplicaEncryption {
                        replica_kms_key_id: key,
                    },
                    replication_time: time_control.then_some(ReplicationTime {
                        status: ENABLED,
                        time: Minutes { minutes: 15 },
                    }),
                    metrics: time_control.then_some(ReplicationMetrics {
                        status: ENABLED,
                        event_threshold: Minutes { minutes: 15 },
                    }),
                },
                source_selection_criteria: SourceSelection {
                    sse_kms_encrypted_objects: StatusOnly { status: ENABLED },
                },
            }],
        }
    }
}

/// Server access logging (rule S7 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Logging {
    pub destination_bucket_name: Expr,
    pub log_file_prefix: String,
}

/// `AWS::S3::BucketPolicy`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BucketPolicy {
    pub bucket: Expr,
    pub policy_document: PolicyDocument,
}

impl ResourceType for BucketPolicy {
    const TYPE: &'static str = "AWS::S3::BucketPolicy";
}
