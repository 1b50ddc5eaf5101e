//! [`SecureBucket`]: an S3 bucket for PHI.

use crate::app::node::IntoNode;
use crate::app::node::{KeyService, Node, RenderCx, Used};
use crate::app::{AppId, Arena, Arn, Attr, Handle, Name, Reference};
use crate::cfn::iam::{ManagedPolicy, Role};
use crate::cfn::policy::{PolicyDocument, Principal, Statement, deny_insecure_transport};
use crate::cfn::s3::{
    Bucket, BucketEncryption, BucketPolicy, LambdaNotification, Lifecycle, Logging, Notifications,
    OwnershipControls, PublicAccessBlock, QueueNotification, Replication, Sse, Versioning,
};
use crate::cfn::{Expr, Keep, Pseudo, Resource};
use crate::constructs::copy_place::check_copy_place;
use crate::constructs::{
    AccessLogBucket, AccessLogDestination, AccessLogsChosen, Construct, EncryptionKey, Function,
    KeyChosen, KmsKey, NoAccessLogs, NoKey, SecureQueue,
};
use crate::literal::{BucketName, Days};

/// S10 on a bucket that is itself the cross-region copy of another bucket. The reason names
/// the source; see [`replica_reason`].
pub(crate) const REPLICA_NOT_REPLICATED: &str = "S10";

/// The reason of [`REPLICA_NOT_REPLICATED`] for the copy of the bucket at `source`.
pub(crate) fn replica_reason(source: &str) -> String {
    format!(
        "this bucket is the copy in another region that S3 replication of `{source}` writes \
         to (rule S10 holds there); it is the disaster-recovery copy itself, and replicating \
         it again would make a third copy, not a second"
    )
}

/// Noncurrent object versions are kept this long unless the program says otherwise.
pub(crate) const DEFAULT_NONCURRENT_DAYS: u16 = 365;

/// The fewest days a bucket keeps a version after it was overwritten or deleted (rule S9):
/// an object overwritten or deleted by mistake or by an intruder stays recoverable a week.
pub(crate) const MIN_NONCURRENT_DAYS: u16 = 7;

/// A number of days for which noncurrent versions are kept, checked in const evaluation
/// wherever a program passes one, so `days!(1)` does not build.
pub(crate) struct NoncurrentDays<const N: u16>;

impl<const N: u16> NoncurrentDays<N> {
    /// `N`, or a compile error when it is under [`MIN_NONCURRENT_DAYS`].
    pub(crate) const CHECKED: u16 = {
        assert!(
            N >= MIN_NONCURRENT_DAYS,
            "noncurrent versions of a bucket are kept at least 7 days: HIPAA 45 CFR §164.308(a)(7)(ii)(A) and §164.312(c)(1) (hipaa-stack rule S9) ask that an object overwritten or deleted by mistake or by an intruder stay recoverable; write `.noncurrent_version_retention(days!(7))` or more"
        );
        N
    };
}

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
/// # Disaster recovery
/// [`replicate_to`](SecureBucket::replicate_to) copies every object, KMS-encrypted ones
/// included, to a `SecureBucket` of a stack in another region (`app.stack_in`), re-encrypted
/// there with that bucket's own key, through a role of its own that may read this bucket and
/// write only that one (S10, §164.308(a)(7)(ii)(B)). The destination's ARN and key are values
/// of another region: synth passes them as template parameters that `up` fills in. The copy
/// carries, for the rule packs that read one template at a time, the reason it replicates no
/// further: it is the copy, naming its source.
///
/// ```
/// use hipaa_stack::prelude::*;
/// let app = App::new("clinic");
/// let dr = app.stack_in("clinic-dr", region!("us-west-2"))?;
/// let dr_key = dr.add(KmsKey::new("DrKey"))?;
/// let dr_logs = dr.add(AccessLogBucket::new("DrAccessLogs"))?;
/// let copy = dr.add(SecureBucket::new("RecordsCopy").encryption(&dr_key).access_logs(&dr_logs))?;
///
/// let data = app.stack("clinic-data")?;
/// let key = data.add(KmsKey::new("PhiKey"))?;
/// let logs = data.add(AccessLogBucket::new("AccessLogs"))?;
/// data.add(
///     SecureBucket::new("Records")
///         .encryption(&key)
///         .access_logs(&logs)
///         .replicate_to(&copy)
///         .replication_time_control(),
/// )?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// # Options
/// - [`name`](SecureBucket::name). Default: a unique name chosen by CloudFormation.
/// - [`noncurrent_version_retention`](SecureBucket::noncurrent_version_retention): 7 days
///   or more. Default: 365 days.
/// - [`replicate_to`](SecureBucket::replicate_to), with
///   [`replication_time_control`](SecureBucket::replication_time_control). Default: no copy
///   in another region (a gap of S10 in the report).
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
    replica: Option<Handle<SecureBucket>>,
    time_control: bool,
    notify: Vec<NotifyTarget>,
}

/// Where a bucket sends its object events: a queue or a function of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Opaque: made only by hipaa-stack, from a handle of the app.
pub struct NotifyTarget {
    app: AppId,
    index: u32,
    function: bool,
}

mod notify {
    pub trait Sealed {
        fn target(&self) -> super::NotifyTarget;
    }
}

/// What a [`SecureBucket`] can send its object events to: a [`SecureQueue`] or a
/// [`Function`] of the app.
#[diagnostic::on_unimplemented(
    message = "a bucket cannot send its object events to `{Self}`",
    label = "pass the handle of a `SecureQueue` or of a `Function`",
    note = "object keys may name a patient (HIPAA 45 CFR §164.312(e)(1), hipaa-stack rule X1): events go only to an encrypted queue or a function of the app"
)]
pub trait NotificationTarget: notify::Sealed {}

impl notify::Sealed for Handle<SecureQueue> {
    fn target(&self) -> NotifyTarget {
        NotifyTarget {
            app: self.app,
            index: self.index,
            function: false,
        }
    }
}

impl NotificationTarget for Handle<SecureQueue> {}

impl notify::Sealed for Handle<Function> {
    fn target(&self) -> NotifyTarget {
        NotifyTarget {
            app: self.app,
            index: self.index,
            function: true,
        }
    }
}

impl NotificationTarget for Handle<Function> {}

impl SecureBucket<NoKey, NoAccessLogs> {
    /// A bucket with the construct id `id` (a letter, then letters and digits).
    pub fn new(id: impl Into<String>) -> Self {
        SecureBucket {
            id: id.into(),
            name: None,
            key: NoKey,
            logs: NoAccessLogs,
            noncurrent_days: DEFAULT_NONCURRENT_DAYS,
            replica: None,
            time_control: false,
            notify: Vec::new(),
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
            replica: self.replica,
            time_control: self.time_control,
            notify: self.notify,
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
            replica: self.replica,
            time_control: self.time_control,
            notify: self.notify,
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

    /// Replicates every object to `copy`, a bucket of a stack in another region, encrypted
    /// there with its own key (S3 cross-region replication; rule S10 of `docs/CONTROLS.md`). Adding the
    /// bucket fails when `copy` is in the same region as this bucket, in a stack pinned to no
    /// region while this bucket's is pinned (`app.stack_in`: the copy would deploy to the
    /// region of the credentials, which may be this one), or in a region of another AWS
    /// partition (`cn-north-1` from `us-east-1`: S3 replicates within a partition only).
    /// Default: no copy.
    pub fn replicate_to(mut self, copy: &Handle<SecureBucket>) -> Self {
        self.replica = Some(*copy);
        self
    }

    /// Sends an event for every object created in the bucket (`s3:ObjectCreated:*`) to
    /// `target`, a [`SecureQueue`] or a [`Function`] of the app, added before the bucket.
    /// The queue's policy and key policy let S3 send, bound to this bucket and account; a
    /// function gets a permission that lets S3 invoke it from this bucket only. A function
    /// receives the events of one bucket. Default: no events.
    pub fn notify<T: NotificationTarget>(mut self, target: &T) -> Self {
        let target = target.target();
        if !self.notify.contains(&target) {
            self.notify.push(target);
        }
        self
    }

    /// With [`replicate_to`](SecureBucket::replicate_to): S3 Replication Time Control, which
    /// replicates 99.99 % of objects within 15 minutes and publishes replication metrics (a
    /// recovery point objective that can be stated). Default: off.
    pub fn replication_time_control(mut self) -> Self {
        self.time_control = true;
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

impl<K: KeyChosen<SecureBucket>, L: AccessLogsChosen<SecureBucket>> IntoNode<SecureBucket>
    for SecureBucket<K, L>
{
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(BucketNode {
            id: self.id,
            name: self.name,
            key: self.key.key(),
            logs: self.logs.logs(),
            noncurrent_days: self.noncurrent_days,
            replica: self.replica,
            time_control: self.time_control,
            notify: self.notify,
        })
    }
}

struct BucketNode {
    id: String,
    name: Option<BucketName>,
    key: Handle<KmsKey>,
    logs: Handle<AccessLogBucket>,
    noncurrent_days: u16,
    replica: Option<Handle<SecureBucket>>,
    time_control: bool,
    notify: Vec<NotifyTarget>,
}

impl Node for BucketNode {
    fn kind(&self) -> &'static str {
        "SecureBucket"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        if self.replica.is_some() {
            &["", "Policy", "ReplicationRole", "ReplicationPolicy"]
        } else {
            &["", "Policy"]
        }
    }

    fn uses(&self) -> Vec<Used> {
        let mut used = vec![self.key.used("KmsKey"), self.logs.used("AccessLogBucket")];
        used.extend(self.replica.map(|r| r.used("SecureBucket")));
        used.extend(self.notify.iter().map(|t| Used {
            app: t.app,
            what: if t.function {
                "Function"
            } else {
                "SecureQueue"
            },
        }));
        used
    }

    fn notifies(&self) -> Vec<u32> {
        self.notify.iter().map(|t| t.index).collect()
    }

    fn key_services_in(&self, arena: &Arena) -> Vec<(u32, KeyService)> {
        self.notify
            .iter()
            .filter(|t| !t.function)
            .filter_map(|t| arena.constructs.get(t.index as usize))
            .filter_map(|c| c.node.encryption_key())
            .map(|key| (key, KeyService::S3Notifications))
            .collect()
    }

    /// The copy lives in another region: a regional outage must not take both. A
    /// function receives the events of one bucket.
    fn check_in(&self, arena: &Arena, stack: u32) -> Result<(), String> {
        for target in self.notify.iter().filter(|t| t.function) {
            let other = arena
                .constructs
                .iter()
                .enumerate()
                .find(|(_, c)| c.node.notifies().contains(&target.index));
            if let Some((other, _)) = other {
                return Err(format!(
                    "it sends its events to `{}`, which already receives the events of `{}`; a function receives the events of one bucket: send both buckets' events to a `SecureQueue` that triggers the function",
                    arena.path(target.index),
                    arena.path(u32::try_from(other).unwrap_or(u32::MAX))
                ));
            }
        }
        self.replica
            .map_or(Ok(()), |copy| check_replica_region(arena, stack, copy))
    }

    fn encryption_key(&self) -> Option<u32> {
        Some(self.key.index)
    }

    fn replica(&self) -> Option<u32> {
        self.replica.map(|r| r.index)
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let key = cx.resolve(self.key.arn());
        let logging = access_logging(cx, self.logs);
        let notifications = (!self.notify.is_empty()).then(|| self.notifications(cx));
        phi_bucket_notifying(
            cx,
            "",
            self.name.as_ref(),
            key,
            logging,
            self.noncurrent_days,
            Vec::new(),
            self.replica.map(|bucket| Replica {
                bucket,
                time_control: self.time_control,
            }),
            notifications,
        )
    }
}

impl BucketNode {
    /// The bucket's `NotificationConfiguration`, and the logical ids of this stack it must
    /// wait for: S3 checks, when the bucket is configured, that it may send to each target
    /// (the queue's policy, the function's permission).
    fn notifications(&self, cx: &mut RenderCx<'_>) -> (Notifications, Vec<String>) {
        let mut notifications = Notifications::default();
        let mut waits = Vec::new();
        for target in &self.notify {
            let same_stack = cx
                .arena
                .constructs
                .get(target.index as usize)
                .is_some_and(|c| c.stack == cx.stack);
            if target.function {
                let function: Handle<Function> = Handle::new(target.app, target.index);
                notifications
                    .lambda_configurations
                    .push(LambdaNotification {
                        event: "s3:ObjectCreated:*",
                        function: cx.resolve(function.arn()),
                    });
                if same_stack {
                    waits.push(cx.arena.logical_id(target.index, "S3Permission"));
                }
            } else {
                let queue: Handle<SecureQueue> = Handle::new(target.app, target.index);
                notifications.queue_configurations.push(QueueNotification {
                    event: "s3:ObjectCreated:*",
                    queue: cx.resolve(queue.arn()),
                });
                if same_stack {
                    waits.push(cx.arena.logical_id(target.index, "Policy"));
                }
            }
        }
        (notifications, waits)
    }
}

/// Server access logging into `logs`, under a prefix named after the construct's path.
pub(crate) fn access_logging(cx: &mut RenderCx<'_>, logs: Handle<AccessLogBucket>) -> Logging {
    Logging {
        destination_bucket_name: cx.resolve(logs.name()),
        log_file_prefix: format!("{}/", cx.path()),
    }
}

/// A copy of a bucket in a bucket of another region (S3 cross-region replication,
/// rule S10 of `docs/CONTROLS.md`): every object, re-encrypted there with the copy's own key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Replica {
    /// The bucket that receives the copy.
    pub(crate) bucket: Handle<SecureBucket>,
    /// S3 Replication Time Control: 99.99 % of objects within 15 minutes.
    pub(crate) time_control: bool,
}

/// The copy of a bucket of `stack` lives in another region: a regional outage must not take
/// both (§164.308(a)(7)(ii)(B)); a region known apart from the bucket's at synth, of the
/// same partition ([`check_copy_place`]).
pub(crate) fn check_replica_region(
    arena: &Arena,
    stack: u32,
    replica: Handle<SecureBucket>,
) -> Result<(), String> {
    let there = arena.constructs[replica.index as usize].stack;
    let here_region = &arena.stacks[stack as usize].region;
    let there_region = &arena.stacks[there as usize].region;
    if here_region == there_region {
        let region = here_region
            .as_ref()
            .map_or_else(|| "the deploy region".to_owned(), ToString::to_string);
        return Err(format!(
            "it replicates to `{}`, a bucket of the same region ({region}); a copy for disaster recovery lives in another region: put that bucket in a stack of its own region with `app.stack_in(name, region)` (HIPAA 45 CFR §164.308(a)(7)(ii)(B))",
            arena.path(replica.index)
        ));
    }
    check_copy_place(arena, stack, replica.index, "the bucket it replicates to")
}

/// The bucket and bucket policy of a PHI bucket (`part` and `part + "Policy"`), with
/// `extra` statements after the TLS-only denial; with a `replica`, also the replication
/// role and its policy (`part + "ReplicationRole"`, `part + "ReplicationPolicy"`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn phi_bucket(
    cx: &mut RenderCx<'_>,
    part: &str,
    name: Option<&BucketName>,
    key: Expr,
    logging: Logging,
    noncurrent_days: u16,
    extra: Vec<Statement>,
    replica: Option<Replica>,
) -> Result<Vec<Resource>, serde_json::Error> {
    phi_bucket_notifying(
        cx,
        part,
        name,
        key,
        logging,
        noncurrent_days,
        extra,
        replica,
        None,
    )
}

/// [`phi_bucket`] that also sends S3 event notifications, and waits for the logical ids of
/// this stack that S3 checks it may send to (a queue's policy, a function's permission).
#[allow(clippy::too_many_arguments)]
fn phi_bucket_notifying(
    cx: &mut RenderCx<'_>,
    part: &str,
    name: Option<&BucketName>,
    key: Expr,
    logging: Logging,
    noncurrent_days: u16,
    extra: Vec<Statement>,
    replica: Option<Replica>,
    notifications: Option<(Notifications, Vec<String>)>,
) -> Result<Vec<Resource>, serde_json::Error> {
    let notified = |mut bucket: Bucket, cx: &RenderCx<'_>| -> Result<Resource, serde_json::Error> {
        let mut waits = Vec::new();
        if let Some((configuration, wait)) = notifications.clone() {
            bucket.notification_configuration = Some(configuration);
            waits = wait;
        }
        let mut resource = Resource::new(cx.logical(part), bucket)?.keep(Keep::Retain);
        for wait in waits {
            resource = resource.depends_on(&wait);
        }
        Ok(resource)
    };
    let Some(replica) = replica else {
        let bucket = bucket_properties(Sse::Kms(key), name, Some(logging), noncurrent_days);
        let policy = bucket_policy(cx, part, extra);
        return Ok(vec![
            notified(bucket, cx)?,
            Resource::new(cx.logical(&format!("{part}Policy")), policy)?.keep(Keep::Retain),
        ]);
    };
    let mut bucket = bucket_properties(Sse::Kms(key.clone()), name, Some(logging), noncurrent_days);
    // The copy's ARN and key are values of another region's stack.
    let replica_key = cx
        .arena
        .constructs
        .get(replica.bucket.index as usize)
        .and_then(|c| c.node.encryption_key())
        .map(|k| Handle::<KmsKey>::new(replica.bucket.app, k).arn());
    let Some(replica_key) = replica_key else {
        return Err(serde::ser::Error::custom(
            "the replica bucket has no key; this is a bug in hipaa-stack, please report it",
        ));
    };
    let replica_arn = cx.resolve_anywhere(replica.bucket.arn());
    let replica_key = cx.resolve_anywhere(replica_key);
    bucket.replication_configuration = Some(Replication::to(
        cx.own_att(&format!("{part}ReplicationRole"), "Arn"),
        replica_arn.clone(),
        replica_key.clone(),
        replica.time_control,
    ));
    let path = cx.path();
    let own = cx.own_att(part, "Arn");
    let objects = |arn: &Expr| Expr::join([arn.clone(), "/*".into()]);
    let role = Role {
        description: format!("lets S3 replicate {path} to its copy in another region"),
        assume_role_policy_document: PolicyDocument::new(vec![
            Statement::allow(
                "TrustS3Replication",
                Principal::Service("s3.amazonaws.com".into()),
                &["sts:AssumeRole"],
                Vec::new(),
            )
            .when(
                "StringEquals",
                "aws:SourceAccount",
                Expr::pseudo(Pseudo::AccountId),
            ),
        ]),
        managed_policy_arns: Vec::new(),
    };
    let policy = ManagedPolicy {
        description: format!("replication of {path}: read it, write its copy"),
        policy_document: PolicyDocument::new(vec![
            Statement::allow_identity(
                "ReadReplicationConfiguration",
                &["s3:GetReplicationConfiguration", "s3:ListBucket"],
                vec![own.clone()],
            ),
            Statement::allow_identity(
                "ReadObjectVersions",
                &[
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionTagging",
                ],
                vec![objects(&own)],
            ),
            Statement::allow_identity(
                "WriteTheCopy",
                &["s3:ReplicateObject", "s3:ReplicateTags"],
                vec![objects(&replica_arn)],
            ),
            Statement::allow_identity("DecryptWithTheKey", &["kms:Decrypt"], vec![key]),
            Statement::allow_identity(
                "EncryptWithTheCopysKey",
                &["kms:Encrypt", "kms:GenerateDataKey"],
                vec![replica_key],
            ),
        ]),
        roles: vec![cx.own_ref(&format!("{part}ReplicationRole"))],
    };
    let bucket_policy = bucket_policy(cx, part, extra);
    Ok(vec![
        notified(bucket, cx)?,
        Resource::new(cx.logical(&format!("{part}Policy")), bucket_policy)?.keep(Keep::Retain),
        Resource::new(cx.logical(&format!("{part}ReplicationRole")), role)?,
        Resource::new(cx.logical(&format!("{part}ReplicationPolicy")), policy)?,
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
        replication_configuration: None,
        notification_configuration: None,
    }
}

/// The TLS-only bucket policy of the bucket `part`, plus `extra` statements. It is kept with
/// its bucket (`Keep::Retain`, as the bucket): "If a resource has no `DeletionPolicy`
/// attribute, CloudFormation deletes the resource by default" (CloudFormation User Guide,
/// `DeletionPolicy` attribute), and deleting an `AWS::S3::BucketPolicy` removes the bucket's
/// policy, so `destroy` would leave the bucket it keeps taking requests without TLS (probe
/// 17d's F3).
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

    /// A bucket of the deploy region and its copy in us-west-2.
    fn replicated(time_control: bool) -> crate::Assembly {
        replicated_with(time_control, |_| {})
    }

    /// [`replicated`], with `extra` added to the bucket's stack.
    fn replicated_with(time_control: bool, extra: impl FnOnce(&Stack<'_>)) -> crate::Assembly {
        let app = App::new("clinic");
        let dr = app
            .stack_in("clinic-dr", Region::new("us-west-2").unwrap())
            .unwrap();
        let dr_key = dr.add(KmsKey::new("DrKey")).unwrap();
        let dr_logs = dr.add(AccessLogBucket::new("DrAccessLogs")).unwrap();
        let copy = dr
            .add(
                SecureBucket::new("RecordsCopy")
                    .encryption(&dr_key)
                    .access_logs(&dr_logs),
            )
            .unwrap();
        let data = app.stack("clinic-data").unwrap();
        let key = data.add(KmsKey::new("PhiKey")).unwrap();
        let logs = data.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let mut records = SecureBucket::new("Records")
            .encryption(&key)
            .access_logs(&logs)
            .replicate_to(&copy);
        if time_control {
            records = records.replication_time_control();
        }
        data.add(records).unwrap();
        extra(&data);
        app.check().unwrap()
    }

    /// The rule packs read one template at a time: the copy says, with its source, why it
    /// replicates no further; the source carries no such suppression.
    #[test]
    fn the_copy_tells_the_rule_packs_whose_copy_it_is() {
        let assembly = replicated(false);
        let dr: serde_json::Value =
            crate::cfn::tree::from_str(assembly.stack("clinic-dr").unwrap().template_json())
                .unwrap();
        let meta = &dr["Resources"]["RecordsCopy"]["Metadata"];
        let nag = &meta["cdk_nag"]["rules_to_suppress"][0];
        assert_eq!(nag["id"], "HIPAA.Security-S3BucketReplicationEnabled");
        assert!(
            nag["reason"]
                .as_str()
                .unwrap()
                .contains("S3 replication of `clinic-data/Records`"),
            "{nag}"
        );
        assert_eq!(meta["checkov"]["skip"][0]["id"], "CKV_AWS_144");
        assert_eq!(
            meta["guard"]["SuppressedRules"],
            json!(["S3_BUCKET_REPLICATION_ENABLED"])
        );
        let data: serde_json::Value =
            crate::cfn::tree::from_str(assembly.stack("clinic-data").unwrap().template_json())
                .unwrap();
        assert!(
            data["Resources"]["Records"]["Metadata"]
                .get("cdk_nag")
                .is_none()
        );
    }

    #[test]
    fn a_key_carried_from_another_region_by_a_parameter_is_judged_on_what_it_carries() {
        // Escape-hatch topics of the bucket's stack encrypted with what hipaa-stack's
        // parameters carry from the copy's region: the copy's key, and the copy itself.
        let assembly = replicated_with(false, |data| {
            for (id, carried) in [
                ("KeyTopic", "Xrclinicdr5DrKeyArn"),
                ("BucketTopic", "Xrclinicdr11RecordsCopyArn"),
            ] {
                data.add(
                    RawResource::new(id, "AWS::SNS::Topic")
                        .property("KmsMasterKeyId", json!({ "Ref": carried })),
                )
                .unwrap();
            }
        });
        let n1 = |id: &str| crate::testing::status_of(&assembly, "N1", id).unwrap();
        assert!(
            matches!(n1("KeyTopic"), crate::testing::Status::Enforced { .. }),
            "{:?}",
            n1("KeyTopic")
        );
        assert!(
            matches!(n1("BucketTopic"), crate::testing::Status::Failed { ref finding } if finding.contains("not a KMS key")),
            "{:?}",
            n1("BucketTopic")
        );
    }

    #[test]
    fn a_replicated_bucket_copies_kms_objects_to_its_copys_region_with_the_copys_key() {
        let assembly = replicated(true);
        let t: serde_json::Value =
            crate::cfn::tree::from_str(assembly.stack("clinic-data").unwrap().template_json())
                .unwrap();
        let rule = &t["Resources"]["Records"]["Properties"]["ReplicationConfiguration"]["Rules"][0];
        assert_eq!(rule["Status"], "Enabled");
        assert_eq!(
            rule["SourceSelectionCriteria"]["SseKmsEncryptedObjects"]["Status"],
            "Enabled"
        );
        assert_eq!(
            rule["Destination"]["Bucket"],
            json!({ "Ref": "Xrclinicdr11RecordsCopyArn" })
        );
        assert_eq!(
            rule["Destination"]["EncryptionConfiguration"]["ReplicaKmsKeyID"],
            json!({ "Ref": "Xrclinicdr5DrKeyArn" })
        );
        assert_eq!(
            rule["Destination"]["ReplicationTime"]["Time"]["Minutes"],
            15
        );
        assert_eq!(
            t["Resources"]["Records"]["Properties"]["ReplicationConfiguration"]["Role"],
            json!({ "Fn::GetAtt": ["RecordsReplicationRole", "Arn"] })
        );
        // The role writes only the copy, and uses only the two keys.
        let policy = &t["Resources"]["RecordsReplicationPolicy"]["Properties"]["PolicyDocument"];
        let write = policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == "WriteTheCopy")
            .unwrap();
        assert_eq!(
            write["Resource"],
            json!([{ "Fn::Sub": "${Xrclinicdr11RecordsCopyArn}/*" }])
        );
        // Evidence of S10, and no finding anywhere.
        let evaluation = assembly.evaluation();
        assert!(
            evaluation.findings().is_empty(),
            "{:?}",
            evaluation.findings()
        );
        let s10 = evaluation
            .results
            .iter()
            .find(|r| r.rule == "S10" && &*r.logical_id == "Records")
            .map(|r| r.status.clone());
        assert!(
            matches!(s10, Some(crate::testing::Status::Enforced { .. })),
            "{s10:?}"
        );
        // The copy in us-west-2 is the second region's copy: S10 holds for it too, with the
        // replication rule of the other stack as evidence.
        let copy = evaluation
            .results
            .iter()
            .find(|r| r.rule == "S10" && &*r.logical_id == "RecordsCopy")
            .map(|r| r.status.clone());
        match copy {
            Some(crate::testing::Status::Enforced { evidence }) => assert_eq!(
                evidence[0].logical_id, "clinic-data/Records",
                "{evidence:?}"
            ),
            other => panic!("{other:?}"),
        }
        assert!(t["Resources"]["Records"]["Properties"]["ReplicationConfiguration"]["Rules"][0]["Destination"].get("Metrics").is_some());
        let plain = replicated(false);
        let t: serde_json::Value =
            crate::cfn::tree::from_str(plain.stack("clinic-data").unwrap().template_json())
                .unwrap();
        let destination = &t["Resources"]["Records"]["Properties"]["ReplicationConfiguration"]["Rules"]
            [0]["Destination"];
        assert!(destination.get("ReplicationTime").is_none());
    }

    /// S1 accepts a replica reached through a parameter only when the output behind it is a
    /// bucket: a raw bucket that "replicates" to the parameter carrying the copy's key fails.
    #[test]
    fn a_parameter_that_carries_no_bucket_is_no_replica() {
        let assembly = replicated_with(false, |data| {
            data.add(
                RawResource::new("Stray", "AWS::S3::Bucket")
                    .property("/ReplicationConfiguration/Role", "arn:aws:iam::123456789012:role/r")
                    .property(
                        "/ReplicationConfiguration/Rules/0",
                        json!({ "Status": "Enabled", "Destination": { "Bucket": { "Ref": "Xrclinicdr5DrKeyArn" } } }),
                    ),
            )
            .unwrap();
        });
        let findings = assembly.evaluation().findings();
        assert!(
            findings.iter().any(|f| f.rule == "S1"
                && f.logical_id == "Stray"
                && f.what.contains("which is no bucket of the app")),
            "{findings:?}"
        );
        assert!(
            !findings
                .iter()
                .any(|f| f.rule == "S1" && f.logical_id == "Records"),
            "{findings:?}"
        );
    }

    #[test]
    fn a_copy_in_the_same_region_is_refused_naming_it() {
        let app = App::new("clinic");
        let stack = app.stack("clinic-data").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let logs = stack.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let copy = stack
            .add(
                SecureBucket::new("Copy")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        let err = stack
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs)
                    .replicate_to(&copy),
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("clinic-data/Records"), "{err}");
        assert!(
            err.contains(
                "replicates to `clinic-data/Copy`, a bucket of the same region (the deploy region)"
            ),
            "{err}"
        );
    }
}
