//! [`SecureQueue`]: an SQS queue for messages that may carry PHI, with its dead-letter queue.

use crate::app::node::IntoNode;
use crate::app::node::{Node, RenderCx, Used};
use crate::app::{Arena, Arn, Attr, Handle, Name, Reference};
use crate::cfn::iam::ManagedPolicy;
use crate::cfn::lambda::EventSourceMapping;
use crate::cfn::policy::{PolicyDocument, Principal, Statement, deny_insecure_queue_transport};
use crate::cfn::sqs::{Queue, QueuePolicy, RedrivePolicy};
use crate::cfn::{Expr, Keep, Resource};
use crate::constructs::{Construct, EncryptionKey, Function, KeyChosen, KmsKey, NoKey};
use crate::literal::Days;

/// SQS's default retention of the queue, in days.
const DEFAULT_RETENTION_DAYS: u16 = 4;
/// The dead-letter queue keeps messages SQS's longest: 14 days.
const DEAD_LETTER_RETENTION_SECONDS: u32 = 14 * 86_400;
/// SQS's default visibility timeout, in seconds.
const DEFAULT_VISIBILITY_SECONDS: u32 = 30;
/// Receives before a message moves to the dead-letter queue.
const DEFAULT_MAX_RECEIVES: u16 = 5;

/// A retention that SQS accepts: 1 to 14 days.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a retention SQS accepts",
    label = "use days!(1) to days!(14)",
    note = "SQS keeps a message at most 14 days (`MessageRetentionPeriod` 60 to 1,209,600 seconds); a queue is a passage, not a store of PHI: keep records in a `SecureBucket` or a `SecureTable`"
)]
pub trait QueueRetention: crate::constructs::sealed::DaysKind {}

macro_rules! queue_retentions {
    ($($n:literal),*) => { $(impl QueueRetention for Days<$n> {})* };
}
queue_retentions!(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);

/// An SQS queue whose messages may carry PHI, with a dead-letter queue of its own.
///
/// It needs a customer-managed key ([`encryption`](SecureQueue::encryption)); without it,
/// [`Stack::add`](crate::Stack::add) does not compile.
///
/// What it creates (logical ids after the construct id `Uploads`): `Uploads` (the queue),
/// `UploadsDeadLetters` (its dead-letter queue) and `UploadsPolicy` (the policy of both).
///
/// # Secure defaults
/// - Both queues encrypted with the customer key (`KmsMasterKeyId`, control A2,
///   §164.312(a)(2)(iv)); never SQS-managed SSE.
/// - A dead-letter queue with a redrive policy (A2D): a message that fails
///   [`max_receives`](SecureQueue::max_receives) times is kept 14 days for inspection
///   instead of being lost or retried forever (§164.312(c)(1)).
/// - `DeletionPolicy` and `UpdateReplacePolicy` `Retain` on both queues: the messages
///   (PHI in transit, and the failed ones kept for inspection) outlive the stack.
/// - A queue policy that denies every request not made over TLS, on both queues (A2T,
///   §164.312(e)(1)). It allows no principal: access comes from grants on roles
///   ([`grant_send`](Handle::<SecureQueue>::grant_send),
///   [`grant_consume`](Handle::<SecureQueue>::grant_consume)) and from the S3 buckets that
///   notify the queue, bound to this account.
///
/// # Options
/// - [`retention`](SecureQueue::retention). Default: 4 days (the dead-letter queue: 14).
/// - [`visibility_timeout_seconds`](SecureQueue::visibility_timeout_seconds). Default: 30
///   seconds; a queue that triggers a function needs at least the function's timeout.
/// - [`max_receives`](SecureQueue::max_receives). Default: 5.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{Role, SecureQueue, ServicePrincipal};
/// let app = App::new("docproc");
/// let stack = app.stack("docproc")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let queue = stack.add(SecureQueue::new("Uploads").encryption(&key).retention(days!(7)))?;
/// let role = stack.add(Role::new("Worker", ServicePrincipal::Lambda))?;
/// stack.add(queue.grant_consume("WorkerConsumes", &role))?;
/// stack.output("UploadsQueue", queue.url())?;
/// # app.synth()?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// A queue without a key does not compile:
///
/// ```compile_fail
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::SecureQueue;
/// let app = App::new("docproc");
/// let stack = app.stack("docproc")?;
/// stack.add(SecureQueue::new("Uploads"))?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SecureQueue<K = Handle<KmsKey>> {
    id: String,
    key: K,
    retention_days: u16,
    visibility_seconds: u32,
    max_receives: u16,
}

impl SecureQueue<NoKey> {
    /// A queue with the construct id `id` (a letter, then letters and digits).
    pub fn new(id: impl Into<String>) -> Self {
        SecureQueue {
            id: id.into(),
            key: NoKey,
            retention_days: DEFAULT_RETENTION_DAYS,
            visibility_seconds: DEFAULT_VISIBILITY_SECONDS,
            max_receives: DEFAULT_MAX_RECEIVES,
        }
    }
}

impl<K> SecureQueue<K> {
    /// Encrypts every message, in the queue and its dead-letter queue, with this key.
    pub fn encryption<E: EncryptionKey>(self, key: &Handle<E>) -> SecureQueue<Handle<KmsKey>> {
        SecureQueue {
            id: self.id,
            key: key.cast(),
            retention_days: self.retention_days,
            visibility_seconds: self.visibility_seconds,
            max_receives: self.max_receives,
        }
    }

    /// How long the queue keeps a message nobody received. Default: 4 days.
    pub fn retention<const N: u16>(mut self, days: Days<N>) -> Self
    where
        Days<N>: QueueRetention,
    {
        self.retention_days = days.get();
        self
    }

    /// How long a received message stays hidden from other consumers, 0 to 43,200 seconds
    /// (checked when the queue is added). Default: 30 seconds.
    pub fn visibility_timeout_seconds(mut self, seconds: u32) -> Self {
        self.visibility_seconds = seconds;
        self
    }

    /// How many times a message is received before it moves to the dead-letter queue, 1 to
    /// 1,000 (checked when the queue is added). Default: 5.
    pub fn max_receives(mut self, receives: u16) -> Self {
        self.max_receives = receives;
        self
    }
}

impl Handle<SecureQueue> {
    /// The queue's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("Arn"))
    }

    /// The queue's URL (what SQS's API calls take).
    pub fn url(&self) -> Reference<Name> {
        self.attr_ref("", Attr::Ref)
    }

    /// The queue's name.
    pub fn queue_name(&self) -> Reference<Name> {
        self.attr_ref("", Attr::Get("QueueName"))
    }

    /// The dead-letter queue's ARN.
    pub fn dead_letter_arn(&self) -> Reference<Arn> {
        self.attr_ref("DeadLetters", Attr::Get("Arn"))
    }
}

impl<K: KeyChosen<SecureQueue>> Construct<SecureQueue> for SecureQueue<K> {}

impl<K: KeyChosen<SecureQueue>> IntoNode<SecureQueue> for SecureQueue<K> {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(QueueNode {
            id: self.id,
            key: self.key.key(),
            retention_days: self.retention_days,
            visibility_seconds: self.visibility_seconds,
            max_receives: self.max_receives,
        })
    }
}

pub(crate) struct QueueNode {
    id: String,
    key: Handle<KmsKey>,
    retention_days: u16,
    visibility_seconds: u32,
    max_receives: u16,
}

/// The queue's own parts.
const PARTS: &[&str] = &["", "DeadLetters", "Policy"];

/// Whether a bucket of the app sends its object events to the construct `target`.
///
/// The statement that lets S3 send is bound to this account (`aws:SourceAccount`), not to
/// the bucket's ARN: the bucket waits for the statement (S3 checks that it may send when
/// the bucket is configured), so the statement cannot name the bucket without a cycle.
pub(crate) fn notified(cx: &RenderCx<'_>, target: u32) -> bool {
    cx.arena
        .constructs
        .iter()
        .any(|c| c.node.notifies().contains(&target))
}

impl Node for QueueNode {
    fn kind(&self) -> &'static str {
        "SecureQueue"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        PARTS
    }

    fn uses(&self) -> Vec<Used> {
        vec![self.key.used("KmsKey")]
    }

    fn encryption_key(&self) -> Option<u32> {
        Some(self.key.index)
    }

    fn visibility_timeout(&self) -> Option<u32> {
        Some(self.visibility_seconds)
    }

    fn check(&self) -> Result<(), String> {
        if self.visibility_seconds > 43_200 {
            return Err(format!(
                "the visibility timeout is {} seconds; SQS accepts 0 to 43200 (12 hours)",
                self.visibility_seconds
            ));
        }
        if !(1..=1000).contains(&self.max_receives) {
            return Err(format!(
                "a message moves to the dead-letter queue after {} receives; SQS accepts 1 to 1000",
                self.max_receives
            ));
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let key = cx.resolve(self.key.arn());
        let dead_letters = Queue {
            kms_master_key_id: key.clone(),
            kms_data_key_reuse_period_seconds: 300,
            message_retention_period: DEAD_LETTER_RETENTION_SECONDS,
            visibility_timeout: self.visibility_seconds,
            redrive_policy: None,
        };
        let queue = Queue {
            kms_master_key_id: key,
            kms_data_key_reuse_period_seconds: 300,
            message_retention_period: u32::from(self.retention_days) * 86_400,
            visibility_timeout: self.visibility_seconds,
            redrive_policy: Some(RedrivePolicy {
                dead_letter_target_arn: cx.own_att("DeadLetters", "Arn"),
                max_receive_count: self.max_receives,
            }),
        };
        let arns = vec![cx.own_att("", "Arn"), cx.own_att("DeadLetters", "Arn")];
        let mut statements = vec![deny_insecure_queue_transport(arns)];
        if notified(cx, cx.construct) {
            statements.push(
                Statement::allow(
                    "AllowS3BucketNotifications",
                    Principal::Service("s3.amazonaws.com".into()),
                    &["sqs:SendMessage"],
                    vec![cx.own_att("", "Arn")],
                )
                .when(
                    "StringEquals",
                    "aws:SourceAccount",
                    Expr::pseudo(crate::cfn::Pseudo::AccountId),
                ),
            );
        }
        let policy = QueuePolicy {
            policy_document: PolicyDocument::new(statements),
            queues: vec![cx.own_ref(""), cx.own_ref("DeadLetters")],
        };
        Ok(vec![
            Resource::new(cx.logical("DeadLetters"), dead_letters)?.keep(Keep::Retain),
            Resource::new(cx.logical(""), queue)?.keep(Keep::Retain),
            // Kept with the queues it guards (TLS only, the account's own senders): deleted
            // by `destroy`, it would leave the queues it keeps open to requests without TLS
            // (probe 17d's F3, as [`super::secure_bucket::bucket_policy`]).
            Resource::new(cx.logical("Policy"), policy)?.keep(Keep::Retain),
        ])
    }
}

/// A [`SecureQueue`] that triggers a [`Function`]: Lambda polls the queue and calls the
/// function with batches of messages. Made by
/// [`queue.trigger(id, &function)`](Handle::<SecureQueue>::trigger) and added to a stack
/// like any construct.
///
/// What it creates (logical ids after the construct id `UploadsToWorker`):
/// `UploadsToWorker` (the `AWS::Lambda::EventSourceMapping`) and `UploadsToWorkerPolicy`
/// (a managed policy on the function's role that lets it receive, delete and hide the
/// queue's messages, decrypting them with the queue's key through SQS).
///
/// # Secure defaults
/// - The function reports failed messages one by one (`ReportBatchItemFailures`): only
///   those are retried and, after the queue's `max_receives`, moved to its dead-letter
///   queue (A2D).
/// - The queue's visibility timeout must be at least the function's timeout (checked when
///   the trigger is added, as Lambda refuses it), so a message is not handed out twice
///   while it is processed.
///
/// # Options
/// - [`batch_size`](Trigger::batch_size). Default: 10.
/// - [`batching_window_seconds`](Trigger::batching_window_seconds). Default: 0.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{Code, Function, SecureQueue};
/// let app = App::new("docproc");
/// let stack = app.stack("docproc")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
/// let queue = stack.add(SecureQueue::new("Uploads").encryption(&key).visibility_timeout_seconds(180))?;
/// let worker = stack.add(
///     Function::new("Worker", Code::zip("worker.zip")).encryption(&key).network(&net).timeout_seconds(60),
/// )?;
/// stack.add(queue.trigger("UploadsToWorker", &worker).batch_size(5))?;
/// # app.check()?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Trigger {
    id: String,
    queue: Handle<SecureQueue>,
    function: Handle<Function>,
    batch_size: u16,
    window_seconds: u16,
}

impl Handle<SecureQueue> {
    /// Lets the queue trigger `function`: a [`Trigger`] with the construct id `id`.
    pub fn trigger(&self, id: impl Into<String>, function: &Handle<Function>) -> Trigger {
        Trigger {
            id: id.into(),
            queue: *self,
            function: *function,
            batch_size: 10,
            window_seconds: 0,
        }
    }
}

impl Trigger {
    /// Messages per call: 1 to 10, or up to 10,000 with a batching window (checked when the
    /// trigger is added). Default: 10.
    pub fn batch_size(mut self, messages: u16) -> Self {
        self.batch_size = messages;
        self
    }

    /// How long Lambda gathers messages before a call, 0 to 300 seconds (checked when the
    /// trigger is added). Default: 0.
    pub fn batching_window_seconds(mut self, seconds: u16) -> Self {
        self.window_seconds = seconds;
        self
    }
}

impl Construct<Trigger> for Trigger {}

impl IntoNode<Trigger> for Trigger {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(self)
    }
}

impl Node for Trigger {
    fn kind(&self) -> &'static str {
        "Trigger"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &["", "Policy"]
    }

    fn uses(&self) -> Vec<Used> {
        vec![
            self.queue.used("SecureQueue"),
            self.function.used("Function"),
        ]
    }

    fn check(&self) -> Result<(), String> {
        if self.window_seconds > 300 {
            return Err(format!(
                "the batching window is {} seconds; Lambda accepts 0 to 300",
                self.window_seconds
            ));
        }
        let most = if self.window_seconds == 0 { 10 } else { 10_000 };
        if !(1..=most).contains(&self.batch_size) {
            return Err(format!(
                "the batch size is {}; Lambda accepts 1 to {most}{}",
                self.batch_size,
                if most == 10 {
                    " without a batching window (up to 10000 with one)"
                } else {
                    ""
                }
            ));
        }
        Ok(())
    }

    /// Lambda refuses a mapping whose queue's visibility timeout is shorter than the
    /// function's timeout (CreateEventSourceMapping: "Queue visibility timeout … is less
    /// than Function timeout").
    fn check_in(&self, arena: &Arena, _stack: u32) -> Result<(), String> {
        let visibility = arena
            .constructs
            .get(self.queue.index as usize)
            .and_then(|c| c.node.visibility_timeout());
        let timeout = arena
            .constructs
            .get(self.function.index as usize)
            .and_then(|c| c.node.timeout());
        if let (Some(visibility), Some(timeout)) = (visibility, timeout)
            && visibility < timeout
        {
            return Err(format!(
                "the visibility timeout of `{}` ({visibility} s) is shorter than the timeout of `{}` ({timeout} s), and Lambda refuses such a trigger: give the queue `.visibility_timeout_seconds({})` or more (AWS advises six times the function's timeout)",
                arena.path(self.queue.index),
                arena.path(self.function.index),
                timeout
            ));
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let queue_arn = cx.resolve(self.queue.arn());
        let key_index = cx
            .arena
            .constructs
            .get(self.queue.index as usize)
            .and_then(|c| c.node.encryption_key());
        let Some(key_index) = key_index else {
            return Err(serde::ser::Error::custom(
                "the queue has no key; this is a bug in hipaa-stack, please report it",
            ));
        };
        let key = cx.resolve(Handle::<KmsKey>::new(self.queue.app, key_index).arn());
        let role = cx.resolve(self.function.attr_ref::<Name>("Role", Attr::Ref));
        let policy = ManagedPolicy {
            description: format!(
                "lets {} consume {} ({})",
                cx.arena.path(self.function.index),
                cx.arena.path(self.queue.index),
                cx.path()
            ),
            policy_document: PolicyDocument::new(vec![
                Statement::allow_identity(
                    "ConsumeMessages",
                    &[
                        "sqs:ReceiveMessage",
                        "sqs:DeleteMessage",
                        "sqs:ChangeMessageVisibility",
                        "sqs:GetQueueAttributes",
                    ],
                    vec![queue_arn.clone()],
                ),
                Statement::allow_identity("DecryptMessages", &["kms:Decrypt"], vec![key]).when(
                    "StringEquals",
                    "kms:ViaService",
                    Expr::sub_pseudo("sqs.${AWS::Region}.amazonaws.com"),
                ),
            ]),
            roles: vec![role],
        };
        let mapping = EventSourceMapping {
            event_source_arn: queue_arn,
            function_name: cx.resolve(self.function.arn()),
            batch_size: self.batch_size,
            maximum_batching_window_in_seconds: self.window_seconds,
            function_response_types: ["ReportBatchItemFailures"],
            enabled: true,
        };
        Ok(vec![
            Resource::new(cx.logical("Policy"), policy)?,
            // Lambda checks, when the mapping is created, that the role may read the queue.
            Resource::new(cx.logical(""), mapping)?.depends_on(&cx.logical("Policy")),
        ])
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::{prop, resource, statement, template_with};
    use crate::{Role, SecureQueue, ServicePrincipal};

    fn queue() -> serde_json::Value {
        template_with(|stack, key, _| {
            stack
                .add(SecureQueue::new("Uploads").encryption(&key))
                .unwrap();
        })
    }

    #[test]
    fn both_queues_encrypt_with_the_customer_key() {
        let t = queue();
        for id in ["Uploads", "UploadsDeadLetters"] {
            assert_eq!(resource(&t, id)["Type"], "AWS::SQS::Queue");
            assert_eq!(
                prop(&t, id, "/KmsMasterKeyId"),
                &json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
            );
        }
        assert_eq!(prop(&t, "Uploads", "/MessageRetentionPeriod"), 4 * 86_400);
        crate::testing::assert_kept(&t, "Uploads", "Retain");
        crate::testing::assert_kept(&t, "UploadsDeadLetters", "Retain");
        assert_eq!(
            prop(&t, "UploadsDeadLetters", "/MessageRetentionPeriod"),
            14 * 86_400
        );
    }

    #[test]
    fn failed_messages_move_to_the_dead_letter_queue() {
        let t = queue();
        assert_eq!(
            prop(&t, "Uploads", "/RedrivePolicy"),
            &json!({
                "deadLetterTargetArn": { "Fn::GetAtt": ["UploadsDeadLetters", "Arn"] },
                "maxReceiveCount": 5
            })
        );
        assert!(
            resource(&t, "UploadsDeadLetters")["Properties"]
                .get("RedrivePolicy")
                .is_none()
        );
    }

    #[test]
    fn the_policy_denies_requests_without_tls_on_both_queues() {
        let t = queue();
        let deny = statement(
            prop(&t, "UploadsPolicy", "/PolicyDocument"),
            "DenyInsecureTransport",
        );
        assert_eq!(deny["Effect"], "Deny");
        assert_eq!(deny["Principal"], "*");
        assert_eq!(deny["Action"], json!(["sqs:*"]));
        assert_eq!(deny["Condition"]["Bool"]["aws:SecureTransport"], "false");
        assert_eq!(
            deny["Resource"],
            json!([
                { "Fn::GetAtt": ["Uploads", "Arn"] },
                { "Fn::GetAtt": ["UploadsDeadLetters", "Arn"] }
            ])
        );
        assert_eq!(
            prop(&t, "UploadsPolicy", "/Queues"),
            &json!([{ "Ref": "Uploads" }, { "Ref": "UploadsDeadLetters" }])
        );
    }

    #[test]
    fn options_set_retention_visibility_and_receives() {
        let t = template_with(|stack, key, _| {
            stack
                .add(
                    SecureQueue::new("Uploads")
                        .encryption(&key)
                        .retention(days!(14))
                        .visibility_timeout_seconds(900)
                        .max_receives(3),
                )
                .unwrap();
        });
        assert_eq!(prop(&t, "Uploads", "/MessageRetentionPeriod"), 14 * 86_400);
        assert_eq!(prop(&t, "Uploads", "/VisibilityTimeout"), 900);
        assert_eq!(prop(&t, "Uploads", "/RedrivePolicy/maxReceiveCount"), 3);
    }

    #[test]
    fn out_of_range_settings_are_refused_naming_the_queue() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let err = stack
            .add(
                SecureQueue::new("Uploads")
                    .encryption(&key)
                    .visibility_timeout_seconds(50_000),
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("t/Uploads"), "{err}");
        assert!(err.contains("SQS accepts 0 to 43200"), "{err}");
        let err = stack
            .add(SecureQueue::new("Uploads").encryption(&key).max_receives(0))
            .unwrap_err()
            .to_string();
        assert!(err.contains("SQS accepts 1 to 1000"), "{err}");
    }

    #[test]
    fn grants_send_and_consume_name_the_queue_and_its_key_through_sqs() {
        let t = template_with(|stack, key, _| {
            let queue = stack
                .add(SecureQueue::new("Uploads").encryption(&key))
                .unwrap();
            let role = stack
                .add(Role::new("Worker", ServicePrincipal::Lambda))
                .unwrap();
            stack.add(queue.grant_send("Sends", &role)).unwrap();
            stack.add(queue.grant_consume("Consumes", &role)).unwrap();
        });
        let send = prop(&t, "Sends", "/PolicyDocument");
        assert_eq!(
            statement(send, "SendMessages")["Action"],
            json!([
                "sqs:SendMessage",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl"
            ])
        );
        assert_eq!(
            statement(send, "SendMessages")["Resource"],
            json!([{ "Fn::GetAtt": ["Uploads", "Arn"] }])
        );
        let key = statement(send, "EncryptMessages");
        assert_eq!(key["Action"], json!(["kms:GenerateDataKey", "kms:Decrypt"]));
        assert_eq!(
            key["Condition"]["StringEquals"]["kms:ViaService"],
            json!({ "Fn::Sub": "sqs.${AWS::Region}.amazonaws.com" })
        );
        let consume = prop(&t, "Consumes", "/PolicyDocument");
        assert_eq!(
            statement(consume, "ConsumeMessages")["Action"],
            json!([
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl"
            ])
        );
        assert_eq!(
            statement(consume, "DecryptMessages")["Action"],
            json!(["kms:Decrypt"])
        );
    }
}
