//! [`AuditTrail`]: a CloudTrail trail for the whole account.

use crate::app::node::Exception;
use crate::app::node::IntoNode;
use crate::app::node::{KeyService, Node, RenderCx, Used};
use crate::app::{Arn, Attr, Handle, Name, Reference};
use crate::cfn::cloudtrail::{EventSelector, Trail};
use crate::cfn::iam::{ManagedPolicy, Role};
use crate::cfn::policy::{PolicyDocument, Principal, Statement};
use crate::cfn::{Expr, Pseudo, Resource};
use crate::constructs::log_group::{DEFAULT_LOG_RETENTION, LogRetention, encrypted_log_group};
use crate::constructs::secure_bucket::{
    DEFAULT_NONCURRENT_DAYS, Replica, SecureBucket, access_logging, check_replica_region,
    phi_bucket,
};
use crate::constructs::{
    AccessLogBucket, AccessLogDestination, AccessLogsChosen, Construct, EncryptionKey, KeyChosen,
    KmsKey, NoAccessLogs, NoKey,
};
use crate::literal::Days;

/// S10 on the bucket of an `AuditTrail`, which holds CloudTrail log files.
pub(crate) const AUDIT_LOGS_NO_REPLICA: Exception = Exception {
    rule: "S10",
    reason: "this bucket is not replicated: it holds the trail's CloudTrail log files only (who \
             called which API, when, from where), which a regional outage may lose; their \
             request parameters (object keys, resource names) must carry no identifiers (the \
             customer's responsibility), and the stores of PHI replicate on their own",
};

/// A multi-region CloudTrail trail that records every management event and every S3 object
/// access of the account, with its own secure bucket and an encrypted log group.
///
/// It needs a customer-managed key ([`encryption`](AuditTrail::encryption)) and a destination
/// for its bucket's access logs ([`access_logs`](AuditTrail::access_logs)); without either,
/// [`Stack::add`](crate::Stack::add) does not compile. The key's policy is extended with the
/// statements that let CloudTrail and CloudWatch Logs of this account use it.
///
/// What it creates (logical ids after the construct id `Audit`):
/// `Audit` (the trail), `AuditBucket` and `AuditBucketPolicy` (a secure bucket with the
/// policy CloudTrail needs), `AuditLogs` (the log group), `AuditLogsRole` and
/// `AuditLogsPolicy` (the role CloudTrail assumes to write to the log group, with a managed
/// policy). The trail is created after its bucket policy and its role's policy.
///
/// # Secure defaults
/// - Delivery to CloudWatch Logs through a role (T1, §164.312(b)).
/// - Log files encrypted with the customer key (T2, §164.312(a)(2)(iv)).
/// - Log file validation (T3, §164.312(c)(1)).
/// - Management events read and write, and S3 data events on every bucket (T4).
/// - Multi-region with global service events (T5); logging on (T6).
/// - The bucket has every setting of a [`SecureBucket`](crate::SecureBucket) (S1–S13).
/// - The log group is encrypted and kept at least a year (L1, L2).
///
/// # Options
/// - [`log_retention`](AuditTrail::log_retention). Default: 365 days.
/// - [`replicate_to`](AuditTrail::replicate_to): the log files copied to a bucket of another
///   region (S10, §164.308(a)(7)(ii)(B)). Default: no copy.
///
/// ```
/// use hipaa_stack::prelude::*;
/// let app = App::new("clinic");
/// let security = app.stack("clinic-security")?;
/// let key = security.add(KmsKey::new("PhiKey"))?;
/// let logs = security.add(AccessLogBucket::new("AccessLogs"))?;
/// let trail = security.add(AuditTrail::new("Audit").encryption(&key).access_logs(&logs))?;
/// security.output("AuditBucket", trail.bucket_name())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AuditTrail<K = Handle<KmsKey>, L = Handle<AccessLogBucket>> {
    id: String,
    key: K,
    logs: L,
    retention: u16,
    replica: Option<Handle<SecureBucket>>,
}

impl AuditTrail<NoKey, NoAccessLogs> {
    /// A trail with the construct id `id`.
    pub fn new(id: impl Into<String>) -> Self {
        AuditTrail {
            id: id.into(),
            key: NoKey,
            logs: NoAccessLogs,
            retention: DEFAULT_LOG_RETENTION,
            replica: None,
        }
    }
}

impl<K, L> AuditTrail<K, L> {
    /// Encrypts the log files, the bucket and the log group with this customer-managed key.
    pub fn encryption<E: EncryptionKey>(self, key: &Handle<E>) -> AuditTrail<Handle<KmsKey>, L> {
        AuditTrail {
            id: self.id,
            key: key.cast(),
            logs: self.logs,
            retention: self.retention,
            replica: self.replica,
        }
    }

    /// Delivers the server access logs of the trail's bucket to this bucket.
    pub fn access_logs<D: AccessLogDestination>(
        self,
        destination: &Handle<D>,
    ) -> AuditTrail<K, Handle<AccessLogBucket>> {
        AuditTrail {
            id: self.id,
            key: self.key,
            logs: destination.cast(),
            retention: self.retention,
            replica: self.replica,
        }
    }

    /// How long the log group keeps events. Default: 365 days.
    pub fn log_retention<const N: u16>(mut self, days: Days<N>) -> Self
    where
        Days<N>: LogRetention,
    {
        self.retention = days.get();
        self
    }

    /// Replicates the trail's log files to `copy`, a bucket of a stack in another region,
    /// encrypted there with its own key (S3 cross-region replication, as
    /// [`SecureBucket::replicate_to`](crate::SecureBucket::replicate_to)): the audit records
    /// outlive a regional outage. Adding the trail fails when `copy` is in its region, in a
    /// stack pinned to no region while the trail's is pinned, or in a region of another AWS
    /// partition.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("clinic");
    /// let dr = app.stack_in("clinic-dr", region!("us-west-2"))?;
    /// let dr_key = dr.add(KmsKey::new("DrKey"))?;
    /// let dr_logs = dr.add(AccessLogBucket::new("DrAccessLogs"))?;
    /// let copy = dr.add(SecureBucket::new("AuditCopy").encryption(&dr_key).access_logs(&dr_logs))?;
    /// let security = app.stack("clinic-security")?;
    /// let key = security.add(KmsKey::new("PhiKey"))?;
    /// let logs = security.add(AccessLogBucket::new("AccessLogs"))?;
    /// security.add(AuditTrail::new("Audit").encryption(&key).access_logs(&logs).replicate_to(&copy))?;
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn replicate_to(mut self, copy: &Handle<SecureBucket>) -> Self {
        self.replica = Some(*copy);
        self
    }
}

impl Handle<AuditTrail> {
    /// The trail's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("Arn"))
    }

    /// The name of the bucket that holds the log files.
    pub fn bucket_name(&self) -> Reference<Name> {
        self.attr_ref("Bucket", Attr::Ref)
    }

    /// The name of the log group that receives the events.
    pub fn log_group_name(&self) -> Reference<Name> {
        self.attr_ref("Logs", Attr::Ref)
    }
}

impl<K: KeyChosen<AuditTrail>, L: AccessLogsChosen<AuditTrail>> Construct<AuditTrail>
    for AuditTrail<K, L>
{
}

impl<K: KeyChosen<AuditTrail>, L: AccessLogsChosen<AuditTrail>> IntoNode<AuditTrail>
    for AuditTrail<K, L>
{
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(TrailNode {
            id: self.id,
            key: self.key.key(),
            logs: self.logs.logs(),
            retention: self.retention,
            replica: self.replica,
        })
    }
}

struct TrailNode {
    id: String,
    key: Handle<KmsKey>,
    logs: Handle<AccessLogBucket>,
    retention: u16,
    replica: Option<Handle<SecureBucket>>,
}

impl Node for TrailNode {
    fn kind(&self) -> &'static str {
        "AuditTrail"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        if self.replica.is_some() {
            &[
                "",
                "Bucket",
                "BucketPolicy",
                "BucketReplicationRole",
                "BucketReplicationPolicy",
                "Logs",
                "LogsRole",
                "LogsPolicy",
            ]
        } else {
            &[
                "",
                "Bucket",
                "BucketPolicy",
                "Logs",
                "LogsRole",
                "LogsPolicy",
            ]
        }
    }

    fn uses(&self) -> Vec<Used> {
        let mut used = vec![self.key.used("KmsKey"), self.logs.used("AccessLogBucket")];
        used.extend(self.replica.map(|r| r.used("SecureBucket")));
        used
    }

    fn replica(&self) -> Option<u32> {
        self.replica.map(|r| r.index)
    }

    fn check_in(&self, arena: &crate::app::Arena, stack: u32) -> Result<(), String> {
        self.replica
            .map_or(Ok(()), |copy| check_replica_region(arena, stack, copy))
    }

    fn key_services(&self) -> Vec<(u32, KeyService)> {
        vec![
            (self.key.index, KeyService::CloudTrail),
            (self.key.index, KeyService::Logs),
        ]
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let key = cx.resolve(self.key.arn());
        let trail_name = format!("${{AWS::StackName}}-{}", self.id);
        let trail_arn = Expr::sub_pseudo(&format!(
            "arn:${{AWS::Partition}}:cloudtrail:${{AWS::Region}}:${{AWS::AccountId}}:trail/{trail_name}"
        ));
        let cloudtrail = || Principal::Service("cloudtrail.amazonaws.com".into());
        let bucket_arn = cx.own_att("Bucket", "Arn");
        let delivery = vec![
            Statement::allow(
                "AllowCloudTrailAclCheck",
                cloudtrail(),
                &["s3:GetBucketAcl"],
                vec![bucket_arn.clone()],
            )
            .when("StringEquals", "aws:SourceArn", trail_arn.clone()),
            Statement::allow(
                "AllowCloudTrailWrite",
                cloudtrail(),
                &["s3:PutObject"],
                vec![Expr::join([
                    bucket_arn,
                    "/AWSLogs/".into(),
                    Expr::pseudo(Pseudo::AccountId),
                    "/*".into(),
                ])],
            )
            .when("StringEquals", "aws:SourceArn", trail_arn.clone())
            .when("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control"),
        ];
        let logging = access_logging(cx, self.logs);
        let mut resources = phi_bucket(
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
        // Without a copy, rule S10 checks this exception as a property of an `AuditTrail`'s
        // bucket (no waiver does); the rule packs read it as a suppression.
        for bucket in resources
            .iter_mut()
            .filter(|r| r.type_name() == "AWS::S3::Bucket" && self.replica.is_none())
        {
            cx.except(bucket, &AUDIT_LOGS_NO_REPLICA);
        }

        resources.push(encrypted_log_group(
            cx,
            "Logs",
            key.clone(),
            self.retention,
        )?);
        let role = Role {
            description: format!("lets CloudTrail write {} to its log group", cx.path()),
            assume_role_policy_document: PolicyDocument::new(vec![
                Statement::allow(
                    "TrustCloudTrail",
                    cloudtrail(),
                    &["sts:AssumeRole"],
                    Vec::new(),
                )
                .when("StringEquals", "aws:SourceArn", trail_arn),
            ]),
            managed_policy_arns: Vec::new(),
        };
        resources.push(Resource::new(cx.logical("LogsRole"), role)?);
        let policy = ManagedPolicy {
            description: format!("CloudTrail delivery to the log group of {}", cx.path()),
            policy_document: PolicyDocument::new(vec![Statement::allow_identity(
                "WriteTrailEvents",
                &["logs:CreateLogStream", "logs:PutLogEvents"],
                vec![cx.own_att("Logs", "Arn")],
            )]),
            roles: vec![cx.own_ref("LogsRole")],
        };
        resources.push(Resource::new(cx.logical("LogsPolicy"), policy)?);

        let trail = Trail {
            trail_name: Expr::sub_pseudo(&trail_name),
            is_logging: true,
            s3_bucket_name: cx.own_ref("Bucket"),
            kms_key_id: key,
            enable_log_file_validation: true,
            is_multi_region_trail: true,
            include_global_service_events: true,
            cloud_watch_logs_log_group_arn: cx.own_att("Logs", "Arn"),
            cloud_watch_logs_role_arn: cx.own_att("LogsRole", "Arn"),
            event_selectors: vec![EventSelector::all_with_s3_data()],
        };
        resources.push(
            Resource::new(cx.logical(""), trail)?
                .depends_on(&cx.logical("BucketPolicy"))
                .depends_on(&cx.logical("LogsPolicy")),
        );
        Ok(resources)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::{
        assert_bucket_basics, assert_kept, assert_tls_only, prop, resource, statement,
        template_with,
    };

    /// A trail whose bucket replicates to a bucket of `copy_region` (`None`: the deploy
    /// region), and the synthesized app or its error.
    fn replicated_trail(copy_region: Option<Region>) -> crate::Result<crate::Assembly> {
        let app = App::new("clinic");
        let dr = match copy_region {
            Some(region) => app.stack_in("clinic-dr", region)?,
            None => app.stack("clinic-dr")?,
        };
        let dr_key = dr.add(KmsKey::new("DrKey"))?;
        let dr_logs = dr.add(AccessLogBucket::new("DrLogs"))?;
        let copy = dr.add(
            SecureBucket::new("AuditCopy")
                .encryption(&dr_key)
                .access_logs(&dr_logs),
        )?;
        let security = app.stack("clinic-security")?;
        let key = security.add(KmsKey::new("PhiKey"))?;
        let logs = security.add(AccessLogBucket::new("AccessLogs"))?;
        security.add(
            AuditTrail::new("Audit")
                .encryption(&key)
                .access_logs(&logs)
                .replicate_to(&copy),
        )?;
        app.synth()
    }

    #[test]
    fn a_replicated_trail_copies_its_log_files_with_the_copys_key() {
        let assembly = replicated_trail(Some(region!("us-west-2"))).unwrap();
        let t: serde_json::Value =
            crate::cfn::tree::from_str(assembly.stack("clinic-security").unwrap().template_json())
                .unwrap();
        let rule = prop(&t, "AuditBucket", "/ReplicationConfiguration/Rules/0");
        assert_eq!(rule["Status"], "Enabled");
        assert_eq!(
            rule["SourceSelectionCriteria"]["SseKmsEncryptedObjects"]["Status"],
            "Enabled"
        );
        assert_eq!(
            rule["Destination"]["Bucket"],
            json!({"Ref": "Xrclinicdr9AuditCopyArn"})
        );
        assert_eq!(
            prop(&t, "AuditBucket", "/ReplicationConfiguration/Role"),
            &json!({"Fn::GetAtt": ["AuditBucketReplicationRole", "Arn"]})
        );
        assert_eq!(
            resource(&t, "AuditBucketReplicationPolicy")["Type"],
            "AWS::IAM::ManagedPolicy"
        );
        // The trail's bucket keeps its delivery policy beside the TLS denial.
        assert_tls_only(&t, "AuditBucketPolicy", "AuditBucket");
        assert!(
            assembly
                .evaluation()
                .findings()
                .iter()
                .all(|f| f.rule != "S10" && f.rule != "S1"),
            "{:?}",
            assembly.evaluation().findings()
        );
    }

    #[test]
    fn a_trail_replicating_to_its_own_region_is_refused() {
        let err = replicated_trail(None).unwrap_err().to_string();
        assert!(
            err.starts_with("construct `clinic-security/Audit` is invalid: it replicates to `clinic-dr/AuditCopy`, a bucket of the same region"),
            "{err}"
        );
    }

    fn trail() -> serde_json::Value {
        template_with(|stack, key, logs| {
            stack
                .add(
                    AuditTrail::new("Audit")
                        .encryption(&key)
                        .access_logs(&logs)
                        .log_retention(days!(731)),
                )
                .unwrap();
        })
    }

    #[test]
    fn the_trail_has_every_control() {
        let t = trail();
        let key = json!({ "Fn::GetAtt": ["PhiKey", "Arn"] });
        assert_eq!(prop(&t, "Audit", "/KMSKeyId"), &key);
        assert_eq!(prop(&t, "Audit", "/EnableLogFileValidation"), true);
        assert_eq!(prop(&t, "Audit", "/IsMultiRegionTrail"), true);
        assert_eq!(prop(&t, "Audit", "/IncludeGlobalServiceEvents"), true);
        assert_eq!(prop(&t, "Audit", "/IsLogging"), true);
        assert_eq!(
            prop(&t, "Audit", "/CloudWatchLogsLogGroupArn"),
            &json!({ "Fn::GetAtt": ["AuditLogs", "Arn"] })
        );
        assert_eq!(
            prop(&t, "Audit", "/CloudWatchLogsRoleArn"),
            &json!({ "Fn::GetAtt": ["AuditLogsRole", "Arn"] })
        );
        assert_eq!(
            prop(&t, "Audit", "/EventSelectors"),
            &json!([{
                "ReadWriteType": "All",
                "IncludeManagementEvents": true,
                "DataResources": [{ "Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::"] }]
            }])
        );
        assert_eq!(
            prop(&t, "Audit", "/S3BucketName"),
            &json!({ "Ref": "AuditBucket" })
        );
    }

    #[test]
    fn the_trail_is_created_after_its_bucket_policy_and_role_policy() {
        let t = trail();
        assert_eq!(
            resource(&t, "Audit")["DependsOn"],
            json!(["AuditBucketPolicy", "AuditLogsPolicy"])
        );
    }

    /// Rule S10 reports the log bucket as a typed exception (a waived gap, never enforced);
    /// the rule packs and the report read why, without claiming the logs hold no PHI.
    #[test]
    fn its_bucket_tells_the_rule_packs_why_it_has_no_copy() {
        let t = trail();
        let meta = &t["Resources"]["AuditBucket"]["Metadata"];
        let nag = &meta["cdk_nag"]["rules_to_suppress"][0];
        assert_eq!(nag["id"], "HIPAA.Security-S3BucketReplicationEnabled");
        assert!(
            nag["reason"]
                .as_str()
                .unwrap()
                .contains("must carry no identifiers (the customer's responsibility)"),
            "{nag}"
        );
        assert_eq!(meta["checkov"]["skip"][0]["id"], "CKV_AWS_144");
    }

    #[test]
    fn its_bucket_is_a_secure_bucket_with_cloudtrail_delivery() {
        let t = trail();
        assert_bucket_basics(&t, "AuditBucket", 365);
        assert_tls_only(&t, "AuditBucketPolicy", "AuditBucket");
        assert_eq!(
            prop(
                &t,
                "AuditBucket",
                "/LoggingConfiguration/DestinationBucketName"
            ),
            &json!({ "Ref": "AccessLogs" })
        );
        let policy = prop(&t, "AuditBucketPolicy", "/PolicyDocument");
        let trail_arn = json!({ "Fn::Sub":
            "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/${AWS::StackName}-Audit" });
        let acl = statement(policy, "AllowCloudTrailAclCheck");
        assert_eq!(acl["Action"], json!(["s3:GetBucketAcl"]));
        assert_eq!(acl["Condition"]["StringEquals"]["aws:SourceArn"], trail_arn);
        let write = statement(policy, "AllowCloudTrailWrite");
        assert_eq!(
            write["Condition"]["StringEquals"]["s3:x-amz-acl"],
            "bucket-owner-full-control"
        );
        assert_eq!(
            prop(&t, "Audit", "/TrailName"),
            &json!({ "Fn::Sub": "${AWS::StackName}-Audit" })
        );
    }

    #[test]
    fn delivers_to_an_encrypted_log_group_through_a_role_with_a_managed_policy() {
        let t = trail();
        assert_eq!(prop(&t, "AuditLogs", "/RetentionInDays"), 731);
        assert_eq!(
            prop(&t, "AuditLogs", "/KmsKeyId"),
            &json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
        );
        assert_kept(&t, "AuditLogs", "Retain");
        let role = resource(&t, "AuditLogsRole");
        assert_eq!(role["Type"], "AWS::IAM::Role");
        assert!(role["Properties"].get("Policies").is_none());
        let trust = statement(
            &role["Properties"]["AssumeRolePolicyDocument"],
            "TrustCloudTrail",
        );
        assert_eq!(
            trust["Principal"],
            json!({ "Service": "cloudtrail.amazonaws.com" })
        );
        assert!(trust.get("Resource").is_none());
        let policy = resource(&t, "AuditLogsPolicy");
        assert_eq!(policy["Type"], "AWS::IAM::ManagedPolicy");
        assert_eq!(
            policy["Properties"]["Roles"],
            json!([{ "Ref": "AuditLogsRole" }])
        );
        let write = statement(&policy["Properties"]["PolicyDocument"], "WriteTrailEvents");
        assert_eq!(
            write["Action"],
            json!(["logs:CreateLogStream", "logs:PutLogEvents"])
        );
        assert_eq!(
            write["Resource"],
            json!([{ "Fn::GetAtt": ["AuditLogs", "Arn"] }])
        );
    }
}
