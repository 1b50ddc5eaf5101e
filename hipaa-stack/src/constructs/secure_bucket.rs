//! [`SecureBucket`]: an S3 bucket for PHI.

use crate::app::{Arn, Attr, Handle, Name, Reference};
use crate::cfn::policy::{PolicyDocument, Statement, deny_insecure_transport};
use crate::cfn::s3::{
    Bucket, BucketEncryption, BucketPolicy, Lifecycle, Logging, OwnershipControls,
    PublicAccessBlock, Sse, Versioning,
};
use crate::cfn::{Expr, Keep, Resource};
use crate::constructs::node::{Node, RenderCx, Used};
use crate::constructs::sealed::IntoNode;
use crate::constructs::{
    AccessLogBucket, AccessLogDestination, AccessLogsChosen, Construct, EncryptionKey, KeyChosen,
    KmsKey, NoAccessLogs, NoKey,
};
use crate::literal::{BucketName, Days};

/// Noncurrent object versions are kept this long unless the program says otherwise.
pub(crate) const DEFAULT_NONCURRENT_DAYS: u16 = 365;

/// An S3 bucket that stores PHI.
///
/// It needs a customer-managed key ([`encryption`](SecureBucket::encryption)) and a
/// destination for its server access logs ([`access_logs`](SecureBucket::access_logs));
/// without either, [`Stack::add`](crate::Stack::add) does not compile.
///
/// # Secure defaults
/// Always on, with no method to turn them off:
/// - SSE-KMS with the customer key and an S3 bucket key (control S1, §164.312(a)(2)(iv)).
/// - All four public-access blocks (S3, §164.312(a)(1)); ACLs disabled with
///   `BucketOwnerEnforced` (S6).
/// - Server access logging to an [`AccessLogBucket`] (S7, §164.312(b)).
/// - A bucket policy that denies every request not made over TLS 1.2 or later, on the bucket
///   and its objects (S8, §164.312(e)(1)).
/// - Versioning (S9, §164.308(a)(7)) with a lifecycle rule that expires noncurrent versions
///   and abandoned multipart uploads (S13).
/// - `DeletionPolicy` and `UpdateReplacePolicy` `Retain`: the bucket and its PHI outlive the
///   stack.
///
/// # Options
/// - [`name`](SecureBucket::name). Default: a unique name chosen by CloudFormation.
/// - [`noncurrent_version_retention`](SecureBucket::noncurrent_version_retention).
///   Default: 365 days.
///
/// ```
/// use hipaa_stack::prelude::*;
/// let app = App::new("clinic");
/// let stack = app.stack("clinic")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
/// let records = stack.add(
///     SecureBucket::new("PatientRecords")
///         .encryption(&key)
///         .access_logs(&logs)
///         .name(bucket_name!("acme-patient-records")),
/// )?;
/// stack.output("RecordsBucket", records.name())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SecureBucket<K = Handle<KmsKey>, L = Handle<AccessLogBucket>> {
    id: String,
    name: Option<BucketName>,
    key: K,
    logs: L,
    noncurrent_days: u16,
}

impl SecureBucket<NoKey, NoAccessLogs> {
    /// A bucket with the construct id `id` (a letter, then letters and digits).
    pub fn new(id: impl Into<String>) -> Self {
        SecureBucket {
            id: id.into(),
            name: None,
            key: NoKey,
            logs: NoAccessLogs,
            noncurrent_days: DEFAULT_NONCURRENT_DAYS,
        }
    }
}

impl<K, L> SecureBucket<K, L> {
    /// Encrypts every object with this customer-managed key (SSE-KMS, bucket key on).
    pub fn encryption<E: EncryptionKey>(self, key: &Handle<E>) -> SecureBucket<Handle<KmsKey>, L> {
        SecureBucket {
            id: self.id,
            name: self.name,
            key: key.cast(),
            logs: self.logs,
            noncurrent_days: self.noncurrent_days,
        }
    }

    /// Delivers the server access logs to this bucket.
    pub fn access_logs<D: AccessLogDestination>(
        self,
        destination: &Handle<D>,
    ) -> SecureBucket<K, Handle<AccessLogBucket>> {
        SecureBucket {
            id: self.id,
            name: self.name,
            key: self.key,
            logs: destination.cast(),
            noncurrent_days: self.noncurrent_days,
        }
    }

    /// Gives the bucket a fixed name. Default: a unique name chosen by CloudFormation.
    pub fn name(mut self, name: BucketName) -> Self {
        self.name = Some(name);
        self
    }

    /// How long a version stays after it was overwritten or deleted. Default: 365 days.
    pub fn noncurrent_version_retention<const N: u16>(mut self, days: Days<N>) -> Self {
        self.noncurrent_days = days.get();
        self
    }
}

impl Handle<SecureBucket> {
    /// The bucket's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("Arn"))
    }

    /// The bucket's name.
    pub fn name(&self) -> Reference<Name> {
        self.attr_ref("", Attr::Ref)
    }
}

impl<K: KeyChosen<SecureBucket>, L: AccessLogsChosen<SecureBucket>> Construct<SecureBucket>
    for SecureBucket<K, L>
{
}

impl<K: KeyChosen<SecureBucket>, L: AccessLogsChosen<SecureBucket>> IntoNode
    for SecureBucket<K, L>
{
    fn into_node(self) -> Box<dyn Node> {
        Box::new(BucketNode {
            id: self.id,
            name: self.name,
            key: self.key.key(),
            logs: self.logs.logs(),
            noncurrent_days: self.noncurrent_days,
        })
    }
}

struct BucketNode {
    id: String,
    name: Option<BucketName>,
    key: Handle<KmsKey>,
    logs: Handle<AccessLogBucket>,
    noncurrent_days: u16,
}

impl Node for BucketNode {
    fn kind(&self) -> &'static str {
        "SecureBucket"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &["", "Policy"]
    }

    fn uses(&self) -> Vec<Used> {
        vec![self.key.used("KmsKey"), self.logs.used("AccessLogBucket")]
    }

    fn encryption_key(&self) -> Option<u32> {
        Some(self.key.index)
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let key = cx.resolve(self.key.arn());
        let logging = access_logging(cx, self.logs);
        phi_bucket(
            cx,
            "",
            self.name.as_ref(),
            key,
            logging,
            self.noncurrent_days,
            Vec::new(),
        )
    }
}

/// Server access logging into `logs`, under a prefix named after the construct's path.
pub(crate) fn access_logging(cx: &mut RenderCx<'_>, logs: Handle<AccessLogBucket>) -> Logging {
    Logging {
        destination_bucket_name: cx.resolve(logs.name()),
        log_file_prefix: format!("{}/", cx.path()),
    }
}

/// The bucket and bucket policy of a PHI bucket (`part` and `part + "Policy"`), with
/// `extra` statements after the TLS-only denial.
pub(crate) fn phi_bucket(
    cx: &mut RenderCx<'_>,
    part: &str,
    name: Option<&BucketName>,
    key: Expr,
    logging: Logging,
    noncurrent_days: u16,
    extra: Vec<Statement>,
) -> Result<Vec<Resource>, serde_json::Error> {
    let bucket = bucket_properties(Sse::Kms(key), name, Some(logging), noncurrent_days);
    let policy = bucket_policy(cx, part, extra);
    Ok(vec![
        Resource::new(cx.logical(part), &bucket)?.keep(Keep::Retain),
        Resource::new(cx.logical(&format!("{part}Policy")), &policy)?,
    ])
}

/// The properties every bucket of hipaa-stack has; only encryption and logging vary.
pub(crate) fn bucket_properties(
    sse: Sse,
    name: Option<&BucketName>,
    logging: Option<Logging>,
    noncurrent_days: u16,
) -> Bucket {
    Bucket {
        bucket_name: name.map(|n| n.as_str().to_owned()),
        bucket_encryption: BucketEncryption::new(sse),
        public_access_block_configuration: PublicAccessBlock::ALL,
        ownership_controls: OwnershipControls::BUCKET_OWNER_ENFORCED,
        versioning_configuration: Versioning::ENABLED,
        lifecycle_configuration: Lifecycle::expire_noncurrent(noncurrent_days),
        logging_configuration: logging,
    }
}

/// The TLS-only bucket policy of the bucket `part`, plus `extra` statements.
pub(crate) fn bucket_policy(cx: &RenderCx<'_>, part: &str, extra: Vec<Statement>) -> BucketPolicy {
    let mut statements: Vec<Statement> = deny_insecure_transport(&cx.own_att(part, "Arn")).into();
    statements.extend(extra);
    BucketPolicy {
        bucket: cx.own_ref(part),
        policy_document: PolicyDocument::new(statements),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::{
        assert_bucket_basics, assert_tls_only, prop, resource, template_of, template_with,
    };

    fn records() -> serde_json::Value {
        template_with(|stack, key, logs| {
            stack
                .add(
                    SecureBucket::new("Records")
                        .encryption(&key)
                        .access_logs(&logs),
                )
                .unwrap();
        })
    }

    #[test]
    fn encrypts_with_the_customer_key_and_a_bucket_key() {
        let t = records();
        let rule = prop(
            &t,
            "Records",
            "/BucketEncryption/ServerSideEncryptionConfiguration/0",
        );
        assert_eq!(rule["BucketKeyEnabled"], true);
        assert_eq!(
            rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
            "aws:kms"
        );
        assert_eq!(
            rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"],
            json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
        );
    }

    #[test]
    fn logs_access_blocks_public_access_and_is_tls_only() {
        let t = records();
        assert_eq!(
            prop(&t, "Records", "/LoggingConfiguration"),
            &json!({ "DestinationBucketName": { "Ref": "AccessLogs" }, "LogFilePrefix": "t/Records/" })
        );
        assert_bucket_basics(&t, "Records", 365);
        assert_tls_only(&t, "RecordsPolicy", "Records");
        assert!(
            resource(&t, "Records")
                .get("Metadata")
                .unwrap()
                .get("checkov")
                .is_none()
        );
    }

    #[test]
    fn options_set_the_name_and_noncurrent_retention() {
        let t = template_with(|stack, key, logs| {
            stack
                .add(
                    SecureBucket::new("Records")
                        .encryption(&key)
                        .access_logs(&logs)
                        .name(bucket_name!("acme-patient-records"))
                        .noncurrent_version_retention(days!(2557)),
                )
                .unwrap();
        });
        assert_eq!(prop(&t, "Records", "/BucketName"), "acme-patient-records");
        assert_bucket_basics(&t, "Records", 2557);
    }

    #[test]
    fn a_key_from_another_stack_is_imported() {
        let app = App::new("test");
        let security = app.stack("security").unwrap();
        let key = security.add(KmsKey::new("PhiKey")).unwrap();
        let logs = security.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let data = app.stack("data").unwrap();
        data.add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs),
        )
        .unwrap();
        let t = template_of(&app, "data");
        assert_eq!(
            prop(
                &t,
                "Records",
                "/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/KMSMasterKeyID"
            ),
            &json!({ "Fn::ImportValue": "security:PhiKey:Arn" })
        );
        let producer = template_of(&app, "security");
        assert_eq!(
            producer["Outputs"]["Export6PhiKeyArn"]["Export"]["Name"],
            "security:PhiKey:Arn"
        );
    }
}
