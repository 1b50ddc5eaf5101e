//! [`KmsKey`]: a customer-managed KMS key for PHI.

use crate::app::node::IntoNode;
use crate::app::node::{KeyService, Node, RenderCx, Used};
use crate::app::{Arn, Attr, Handle, Id, Reference};
use crate::cfn::kms::Key;
use crate::cfn::policy::{PolicyDocument, Principal, Statement};
use crate::cfn::{Expr, Keep, Pseudo, Resource};
use crate::constructs::Construct;

/// A symmetric customer-managed KMS key that encrypts PHI at rest.
///
/// Every construct that stores PHI takes one with `.encryption(&key)`. The key policy grants
/// the account root (so IAM policies decide who may use the key) and exactly the AWS
/// services that the constructs using this key need: CloudTrail when an [`AuditTrail`]
/// encrypts with it, CloudWatch Logs when a [`LogGroup`] or a trail's log group does, each
/// bound to this account by a condition.
///
/// # Secure defaults
/// - Automatic rotation every 365 days (`EnableKeyRotation`, control K1).
/// - No `Allow` for the principal `*` in the key policy (K3).
/// - A 30-day waiting period before deletion; `DeletionPolicy` and `UpdateReplacePolicy`
///   `Retain`, so removing the key from the program never destroys it.
///
/// # Options
/// - [`description`](KmsKey::description). Default: none.
/// - [`multi_region`](KmsKey::multi_region): a multi-Region primary key, which a
///   [`ReplicaKey`](crate::ReplicaKey) in another region copies. Default: a single-region key.
///
/// ```
/// use hipaa_stack::prelude::*;
/// let app = App::new("clinic");
/// let security = app.stack("clinic-security")?;
/// let key = security.add(KmsKey::new("PhiKey").description("encrypts all PHI at rest"))?;
/// security.output("PhiKeyArn", key.arn())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// [`AuditTrail`]: crate::AuditTrail
/// [`LogGroup`]: crate::LogGroup
#[derive(Debug, Clone)]
pub struct KmsKey {
    id: String,
    description: Option<String>,
    multi_region: bool,
}

impl KmsKey {
    /// A key with the construct id `id` (a letter, then letters and digits).
    pub fn new(id: impl Into<String>) -> Self {
        KmsKey {
            id: id.into(),
            description: None,
            multi_region: false,
        }
    }

    /// Describes what the key protects, shown in the KMS console.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Makes the key a multi-Region primary key (`MultiRegion`): a
    /// [`ReplicaKey`](crate::ReplicaKey) in a stack of another region shares its key
    /// material, so that data encrypted here can be decrypted there after a regional
    /// outage (§164.308(a)(7)(ii)(B)). Only a new key can be multi-Region: turning it on for
    /// a deployed key replaces the key, which `up` refuses without `--allow-replace`.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("clinic");
    /// let security = app.stack("clinic-security")?;
    /// let key = security.add(KmsKey::new("PhiKey").multi_region())?;
    /// let dr = app.stack_in("clinic-dr", region!("us-west-2"))?;
    /// let replica = dr.add(ReplicaKey::new("PhiKeyWest", &key))?;
    /// dr.output("ReplicaArn", replica.arn())?;
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn multi_region(mut self) -> Self {
        self.multi_region = true;
        self
    }
}

impl Handle<KmsKey> {
    /// The key's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("Arn"))
    }

    /// The key's id.
    pub fn key_id(&self) -> Reference<Id> {
        self.attr_ref("", Attr::Ref)
    }
}

impl Construct<KmsKey> for KmsKey {}

impl IntoNode<KmsKey> for KmsKey {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(self)
    }
}

impl Node for KmsKey {
    fn kind(&self) -> &'static str {
        "KmsKey"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &[""]
    }

    fn uses(&self) -> Vec<Used> {
        Vec::new()
    }

    fn multi_region_key(&self) -> bool {
        self.multi_region
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let key = Key {
            description: self.description.clone(),
            enabled: true,
            enable_key_rotation: true,
            rotation_period_in_days: 365,
            key_spec: "SYMMETRIC_DEFAULT",
            key_usage: "ENCRYPT_DECRYPT",
            pending_window_in_days: 30,
            key_policy: key_policy(cx),
            multi_region: self.multi_region,
        };
        Ok(vec![Resource::new(cx.logical(""), key)?.keep(Keep::Retain)])
    }
}

/// The key policy of a key of the app: the account root, so that IAM policies decide who may
/// use the key, and exactly the services that the constructs using the key need.
pub(crate) fn key_policy(cx: &RenderCx<'_>) -> PolicyDocument {
    let mut statements = vec![Statement::allow(
        "AllowAccountAdministration",
        Principal::Aws(Expr::account_root()),
        &["kms:*"],
        vec!["*".into()],
    )];
    for service in cx.own_key_services() {
        statements.extend(service_statements(service));
    }
    PolicyDocument::new(statements)
}

fn service_statements(service: KeyService) -> Vec<Statement> {
    let account = || Expr::pseudo(Pseudo::AccountId);
    match service {
        KeyService::CloudTrail => vec![
            Statement::allow(
                "AllowCloudTrailEncryptLogs",
                Principal::Service("cloudtrail.amazonaws.com".into()),
                &["kms:GenerateDataKey*"],
                vec!["*".into()],
            )
            .when(
                "StringLike",
                "kms:EncryptionContext:aws:cloudtrail:arn",
                Expr::sub_pseudo("arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"),
            )
            .when("StringEquals", "aws:SourceAccount", account()),
            Statement::allow(
                "AllowCloudTrailDescribeKey",
                Principal::Service("cloudtrail.amazonaws.com".into()),
                &["kms:DescribeKey"],
                vec!["*".into()],
            )
            .when("StringEquals", "aws:SourceAccount", account()),
        ],
        KeyService::ElbAccessLogs => Vec::new(),
        KeyService::S3Notifications => vec![
            Statement::allow(
                "AllowS3EventNotifications",
                Principal::Service("s3.amazonaws.com".into()),
                &["kms:GenerateDataKey", "kms:Decrypt"],
                vec!["*".into()],
            )
            .when("StringEquals", "aws:SourceAccount", account()),
        ],
        KeyService::CloudWatch => vec![
            Statement::allow(
                "AllowCloudWatchAlarms",
                Principal::Service("cloudwatch.amazonaws.com".into()),
                &["kms:Decrypt", "kms:GenerateDataKey*"],
                vec!["*".into()],
            )
            .when("StringEquals", "aws:SourceAccount", account()),
        ],
        KeyService::Logs => vec![
            Statement::allow(
                "AllowCloudWatchLogs",
                Principal::Service(Expr::sub_pseudo("logs.${AWS::Region}.amazonaws.com")),
                &[
                    "kms:Decrypt*",
                    "kms:Describe*",
                    "kms:Encrypt*",
                    "kms:GenerateDataKey*",
                    "kms:ReEncrypt*",
                ],
                vec!["*".into()],
            )
            .when(
                "ArnLike",
                "kms:EncryptionContext:aws:logs:arn",
                Expr::sub_pseudo(
                    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*",
                ),
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::{assert_kept, prop, sids, statement, template_with};

    #[test]
    fn rotates_and_is_retained() {
        let t = template_with(|_, _, _| {});
        assert_eq!(prop(&t, "PhiKey", "/EnableKeyRotation"), true);
        assert_eq!(prop(&t, "PhiKey", "/RotationPeriodInDays"), 365);
        assert_eq!(prop(&t, "PhiKey", "/PendingWindowInDays"), 30);
        assert_eq!(prop(&t, "PhiKey", "/KeySpec"), "SYMMETRIC_DEFAULT");
        assert_kept(&t, "PhiKey", "Retain");
    }

    #[test]
    fn a_key_used_only_by_buckets_grants_the_account_root_alone() {
        let t = template_with(|stack, key, logs| {
            stack
                .add(
                    SecureBucket::new("Records")
                        .encryption(&key)
                        .access_logs(&logs),
                )
                .unwrap();
        });
        let policy = prop(&t, "PhiKey", "/KeyPolicy");
        assert_eq!(sids(policy), ["AllowAccountAdministration"]);
        let root = statement(policy, "AllowAccountAdministration");
        assert_eq!(
            root["Principal"],
            json!({ "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } })
        );
    }

    #[test]
    fn grants_exactly_the_services_of_the_constructs_that_use_it() {
        let logs_only = template_with(|stack, key, _| {
            stack.add(LogGroup::new("App").encryption(&key)).unwrap();
        });
        assert_eq!(
            sids(prop(&logs_only, "PhiKey", "/KeyPolicy")),
            ["AllowAccountAdministration", "AllowCloudWatchLogs"]
        );
        let logs = statement(
            prop(&logs_only, "PhiKey", "/KeyPolicy"),
            "AllowCloudWatchLogs",
        );
        assert_eq!(
            logs["Principal"]["Service"],
            json!({ "Fn::Sub": "logs.${AWS::Region}.amazonaws.com" })
        );
        assert!(logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"].is_object());

        let with_trail = template_with(|stack, key, logs| {
            stack
                .add(AuditTrail::new("Audit").encryption(&key).access_logs(&logs))
                .unwrap();
        });
        assert_eq!(
            sids(prop(&with_trail, "PhiKey", "/KeyPolicy")),
            [
                "AllowAccountAdministration",
                "AllowCloudTrailEncryptLogs",
                "AllowCloudTrailDescribeKey",
                "AllowCloudWatchLogs"
            ]
        );
    }

    #[test]
    fn no_statement_allows_every_principal() {
        let t = template_with(|stack, key, logs| {
            stack
                .add(AuditTrail::new("Audit").encryption(&key).access_logs(&logs))
                .unwrap();
        });
        for s in prop(&t, "PhiKey", "/KeyPolicy/Statement")
            .as_array()
            .unwrap()
        {
            assert_eq!(s["Effect"], "Allow");
            assert_ne!(s["Principal"], "*");
            assert_ne!(s["Principal"]["AWS"], "*");
        }
    }
}
