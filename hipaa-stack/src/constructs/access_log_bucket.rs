//! [`AccessLogBucket`]: the destination of S3 server access logs.

use crate::app::node::Exception;
use crate::app::node::IntoNode;
use crate::app::node::{KeyService, Node, RenderCx, Used};
use crate::app::{Arn, Attr, Handle, Name, Reference};
use crate::cfn::policy::{Principal, Statement};
use crate::cfn::s3::Sse;
use crate::cfn::{Expr, Keep, Pseudo, Resource};
use crate::constructs::Construct;
use crate::constructs::secure_bucket::{
    DEFAULT_NONCURRENT_DAYS, NoncurrentDays, bucket_policy, bucket_properties,
};
use crate::literal::{BucketName, Days};

/// S1 on the bucket that receives S3 server access logs (and load balancer access logs).
///
/// S3 server access logging delivers only to a destination bucket whose default encryption
/// is SSE-S3 (Amazon S3 User Guide, "Enabling Amazon S3 server access logging": SSE-KMS is
/// not supported on the destination), and Elastic Load Balancing only to a bucket encrypted
/// with SSE-S3 (ELB User Guide, "Enable access logs for your Application Load Balancer",
/// bucket requirements). Those logs hold object keys, URL paths and query strings, so the
/// reason does not claim they hold no PHI.
pub(crate) const ACCESS_LOGS_SSE_S3: Exception = Exception {
    rule: "S1",
    reason: "S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES256), \
             and so do load balancer access logs, so this bucket cannot use a customer-managed \
             KMS key; it holds access logs only: object keys and URLs (paths, query strings) \
             must carry no identifiers (the customer's responsibility)",
};

/// S7 on the bucket that receives S3 server access logs.
pub(crate) const ACCESS_LOGS_NOT_LOGGED: Exception = Exception {
    rule: "S7",
    reason: "this bucket is the destination of S3 server access logs; logging it into itself \
             would log every log delivery, without end, so its own reads are not logged here \
             (an AuditTrail's S3 data events record them); it holds access logs only: object \
             keys and URLs must carry no identifiers (the customer's responsibility)",
};

/// S10 on the bucket that receives S3 server access logs.
pub(crate) const ACCESS_LOGS_NO_REPLICA: Exception = Exception {
    rule: "S10",
    reason: "this bucket is not replicated: it holds access logs only (S3 server access logs and \
             load balancer logs), which a regional outage may lose; object keys and URLs must \
             carry no identifiers (the customer's responsibility), and the stores of PHI \
             replicate on their own",
};

/// The bucket that receives the server access logs of every other bucket.
///
/// S3 delivers access logs only to a bucket encrypted with SSE-S3, so this bucket cannot
/// use a customer key: rule S1 accepts SSE-S3 on an `AccessLogBucket` and on nothing else
/// (a typed exception, not a waiver anyone could write; the report lists it with its
/// reason as a waived gap, never as enforcement), and the bucket must never receive PHI:
/// its logs hold object keys and URLs, which must carry no identifiers. It has every other setting of a [`SecureBucket`](crate::SecureBucket).
/// One bucket serves any number of source buckets: its policy lets the S3 logging service of
/// this account write, with one statement that does not grow.
///
/// # Secure defaults
/// - SSE-S3 (`AES256`): the typed exception of S1, with suppressions for the rule packs.
/// - All four public-access blocks (S3); `BucketOwnerEnforced` (S6).
/// - TLS 1.2+ only, on the bucket and its objects (S8).
/// - Versioning (S9) with a lifecycle rule for noncurrent versions (S13).
/// - Not logged into itself (that would loop): the typed exception of S7.
/// - `DeletionPolicy` and `UpdateReplacePolicy` `Retain`.
///
/// # Options
/// - [`name`](AccessLogBucket::name). Default: a unique name chosen by CloudFormation.
/// - [`noncurrent_version_retention`](AccessLogBucket::noncurrent_version_retention): 7
///   days or more. Default: 365 days.
///
/// ```
/// use hipaa_stack::prelude::*;
/// let app = App::new("clinic");
/// let stack = app.stack("clinic-security")?;
/// let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
/// stack.output("AccessLogBucket", logs.name())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AccessLogBucket {
    id: String,
    name: Option<BucketName>,
    noncurrent_days: u16,
}

impl AccessLogBucket {
    /// An access-log bucket with the construct id `id`.
    pub fn new(id: impl Into<String>) -> Self {
        AccessLogBucket {
            id: id.into(),
            name: None,
            noncurrent_days: DEFAULT_NONCURRENT_DAYS,
        }
    }

    /// Gives the bucket a fixed name. Default: a unique name chosen by CloudFormation.
    pub fn name(mut self, name: BucketName) -> Self {
        self.name = Some(name);
        self
    }

    /// How long a version stays after it was overwritten or deleted: 7 days or more
    /// (rule S9), checked when the program is compiled. Default: 365 days.
    pub fn noncurrent_version_retention<const N: u16>(mut self, days: Days<N>) -> Self {
        let _ = days.get();
        self.noncurrent_days = NoncurrentDays::<N>::CHECKED;
        self
    }
}

impl Handle<AccessLogBucket> {
    /// The bucket's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("Arn"))
    }

    /// The bucket's name.
    pub fn name(&self) -> Reference<Name> {
        self.attr_ref("", Attr::Ref)
    }
}

impl Construct<AccessLogBucket> for AccessLogBucket {}

impl IntoNode<AccessLogBucket> for AccessLogBucket {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(self)
    }
}

impl Node for AccessLogBucket {
    fn kind(&self) -> &'static str {
        "AccessLogBucket"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &["", "Policy"]
    }

    fn uses(&self) -> Vec<Used> {
        Vec::new()
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let bucket = bucket_properties(
            Sse::S3Managed,
            self.name.as_ref(),
            None,
            self.noncurrent_days,
        );
        let logging_service = Statement::allow(
            "AllowS3ServerAccessLogs",
            Principal::Service("logging.s3.amazonaws.com".into()),
            &["s3:PutObject"],
            vec![Expr::join([cx.own_att("", "Arn"), "/*".into()])],
        )
        .when(
            "StringEquals",
            "aws:SourceAccount",
            Expr::pseudo(Pseudo::AccountId),
        );
        let mut writers = vec![logging_service];
        if cx.own_key_services().contains(&KeyService::ElbAccessLogs) {
            // A `PublicLoadBalancer` logs here: Elastic Load Balancing's log delivery
            // writes objects under `AWSLogs/<account>/`, for this account only.
            writers.push(
                Statement::allow(
                    "AllowElbAccessLogs",
                    Principal::Service("logdelivery.elasticloadbalancing.amazonaws.com".into()),
                    &["s3:PutObject"],
                    vec![Expr::join([
                        cx.own_att("", "Arn"),
                        Expr::sub_pseudo("/*AWSLogs/${AWS::AccountId}/*"),
                    ])],
                )
                .when(
                    "StringEquals",
                    "aws:SourceAccount",
                    Expr::pseudo(Pseudo::AccountId),
                ),
            );
        }
        let policy = bucket_policy(cx, "", writers);
        let mut bucket = Resource::new(cx.logical(""), bucket)?.keep(Keep::Retain);
        // Rules S1, S7 and S10 check these exceptions as properties of an `AccessLogBucket`
        // (no waiver does); the rule packs read them as suppressions.
        for w in [
            ACCESS_LOGS_SSE_S3,
            ACCESS_LOGS_NOT_LOGGED,
            ACCESS_LOGS_NO_REPLICA,
        ] {
            cx.except(&mut bucket, &w);
        }
        // Kept with the bucket, as every store's policy is ([`bucket_policy`]).
        Ok(vec![
            bucket,
            Resource::new(cx.logical("Policy"), policy)?.keep(Keep::Retain),
        ])
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::{
        assert_bucket_basics, assert_tls_only, prop, resource, statement, template_with,
    };

    #[test]
    fn uses_sse_s3_with_every_other_bucket_setting() {
        let t = template_with(|_, _, _| {});
        let sse = prop(
            &t,
            "AccessLogs",
            "/BucketEncryption/ServerSideEncryptionConfiguration/0",
        );
        assert_eq!(
            sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
            "AES256"
        );
        assert!(
            sse["ServerSideEncryptionByDefault"]
                .get("KMSMasterKeyID")
                .is_none()
        );
        assert_bucket_basics(&t, "AccessLogs", 365);
        assert_tls_only(&t, "AccessLogsPolicy", "AccessLogs");
        assert!(
            resource(&t, "AccessLogs")["Properties"]
                .get("LoggingConfiguration")
                .is_none()
        );
    }

    #[test]
    fn records_its_exceptions_for_every_rule_pack_and_no_waiver() {
        let t = template_with(|_, _, _| {});
        let meta = &resource(&t, "AccessLogs")["Metadata"];
        assert!(meta.get("hipaa-stack:waivers").is_none(), "{meta}");
        assert!(
            meta["checkov"]["skip"][0]["comment"]
                .as_str()
                .unwrap()
                .contains("SSE-S3")
        );
        assert_eq!(meta["checkov"]["skip"][0]["id"], "CKV_AWS_145");
        assert_eq!(
            meta["cdk_nag"]["rules_to_suppress"][0]["id"],
            "HIPAA.Security-S3DefaultEncryptionKMS"
        );
        assert_eq!(
            meta["guard"]["SuppressedRules"][1],
            "S3_BUCKET_LOGGING_ENABLED"
        );
    }

    #[test]
    fn one_statement_serves_any_number_of_source_buckets() {
        let policy_with = |buckets: usize| {
            let t = template_with(|stack, key, logs| {
                for i in 0..buckets {
                    stack
                        .add(
                            SecureBucket::new(format!("Records{i}"))
                                .encryption(&key)
                                .access_logs(&logs),
                        )
                        .unwrap();
                }
            });
            prop(&t, "AccessLogsPolicy", "/PolicyDocument").clone()
        };
        let one = policy_with(1);
        assert_eq!(one, policy_with(20));
        let write = statement(&one, "AllowS3ServerAccessLogs");
        assert_eq!(
            write["Principal"],
            json!({ "Service": "logging.s3.amazonaws.com" })
        );
        assert_eq!(write["Action"], json!(["s3:PutObject"]));
        assert_eq!(
            write["Condition"]["StringEquals"]["aws:SourceAccount"],
            json!({ "Ref": "AWS::AccountId" })
        );
    }

    #[test]
    fn takes_a_fixed_name() {
        let t = template_with(|stack, _, _| {
            stack
                .add(AccessLogBucket::new("More").name(bucket_name!("acme-access-logs")))
                .unwrap();
        });
        assert_eq!(prop(&t, "More", "/BucketName"), "acme-access-logs");
    }
}
