//! [`AlarmTopic`], [`Alarm`] and the standard security alarms of an
//! [`AuditTrail`](crate::AuditTrail) ([`SecurityAlarms`]).

use crate::app::node::IntoNode;
use crate::app::node::{Exception, KeyService, Node, RenderCx, Used, resolve_target};
use crate::app::{Arn, Attr, Handle, Name, Reference, Target};
use crate::cfn::cloudwatch::{Alarm as CfnAlarm, Dimension};
use crate::cfn::logs::{MetricFilter, MetricTransformation};
use crate::cfn::policy::{PolicyDocument, Principal, Statement};
use crate::cfn::sns::{Subscription, Topic, TopicPolicy};
use crate::cfn::{Expr, Pseudo, Resource};
use crate::constructs::{AuditTrail, Construct, EncryptionKey, KeyChosen, KmsKey, NoKey};

// ---------------------------------------------------------------------------------------
// AlarmTopic
// ---------------------------------------------------------------------------------------

/// Why an `AlarmTopic` may mail its on-call rota, for each rule that its e-mail
/// subscriptions would fail on another topic: `A5` (deliveries over TLS), `N2` (a topic
/// that delivers outside TLS) and `X1` (deliveries to a third party's endpoint). SNS
/// delivers `email` "via SMTP" (SNS API reference, `Subscribe`), which a mail server on the
/// way may relay without TLS, so none of these is met: the rules pass by the construct
/// kind and the report shows this reason as a waived gap (probe 18b F4). What CloudWatch
/// publishes for an alarm is its name, description, account, region, old and new state,
/// the state's reason (with the data points that crossed the threshold) and the trigger
/// (the metric's namespace, name, dimensions, statistic, period and threshold) (the
/// notification's JSON, as AWS's `aws-lambda-go` models it: `events.CloudWatchAlarmSNSPayload`
/// and its test payload `cloudwatch-alarm-sns-payload-single-metric.json`): text the app
/// writes and numbers, no record. The reason does not claim the mail can hold no PHI: the
/// topic's policy lets CloudWatch alarms of this account publish, but a person or role of
/// the account that an IAM policy allows `sns:Publish` on the topic can publish any text,
/// and one allowed `cloudwatch:SetAlarmState` writes the state's reason that is mailed.
const ALARM_MAIL_REASON: &str = "an AlarmTopic mails its on-call rota by SMTP (SNS protocol \
     `email`), which a mail server on the way may relay without TLS: what CloudWatch publishes \
     to it is the alarm's name, description, state and state reason (with the metric's data \
     points) and the metric's namespace, name and dimensions, no record; alarm names, \
     descriptions and dimensions must carry no identifiers, and no one who handles records \
     may be allowed sns:Publish on the topic or cloudwatch:SetAlarmState, whose text would be \
     mailed as it is (the customer's responsibility)";

/// The rules an `AlarmTopic` with e-mail subscriptions holds only by what it is.
const ALARM_MAIL: [Exception; 3] = [
    Exception {
        rule: "A5",
        reason: ALARM_MAIL_REASON,
    },
    Exception {
        rule: "N2",
        reason: ALARM_MAIL_REASON,
    },
    Exception {
        rule: "X1",
        reason: ALARM_MAIL_REASON,
    },
];

/// An SNS topic that alarms notify: encrypted with a customer-managed key, reachable only
/// over TLS, and open to the CloudWatch alarms of this account.
///
/// It needs a customer-managed key ([`encryption`](AlarmTopic::encryption)); without it,
/// [`Stack::add`](crate::Stack::add) does not compile. The key's policy is extended with a
/// statement that lets CloudWatch alarms of this account use it, so that they can publish to
/// the encrypted topic.
///
/// What it creates (logical ids after the construct id `Alarms`): `Alarms` (the topic) and
/// `AlarmsPolicy` (its topic policy).
///
/// # Secure defaults
/// - Messages encrypted at rest with the customer key (`KmsMasterKeyId`, control N1,
///   §164.312(a)(2)(iv)).
/// - A topic policy that denies every publish not made over TLS, for every principal (N2,
///   §164.312(e)(1)).
/// - The only principal the policy allows is CloudWatch, for alarms of this account and
///   region (`aws:SourceArn`, `aws:SourceAccount`); people and applications of the account
///   still need an IAM policy that allows them.
///
/// # Options
/// - [`display_name`](AlarmTopic::display_name). Default: none.
/// - [`email`](AlarmTopic::email), repeatable. Default: no subscription; subscribe the
///   on-call rota here or outside the app. Each address confirms its subscription by mail.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::AlarmTopic;
/// let app = App::new("clinic");
/// let security = app.stack("clinic-security")?;
/// let key = security.add(KmsKey::new("PhiKey"))?;
/// let topic = security.add(
///     AlarmTopic::new("Alarms")
///         .encryption(&key)
///         .display_name("clinic security alarms")
///         .email("oncall@clinic.example"),
/// )?;
/// security.output("AlarmTopicArn", topic.arn())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AlarmTopic<K = Handle<KmsKey>> {
    id: String,
    key: K,
    display_name: Option<String>,
    emails: Vec<String>,
}

impl AlarmTopic<NoKey> {
    /// A topic with the construct id `id` (a letter, then letters and digits).
    pub fn new(id: impl Into<String>) -> Self {
        AlarmTopic {
            id: id.into(),
            key: NoKey,
            display_name: None,
            emails: Vec::new(),
        }
    }
}

impl<K> AlarmTopic<K> {
    /// Encrypts the topic's messages with this customer-managed key.
    pub fn encryption<E: EncryptionKey>(self, key: &Handle<E>) -> AlarmTopic<Handle<KmsKey>> {
        AlarmTopic {
            id: self.id,
            key: key.cast(),
            display_name: self.display_name,
            emails: self.emails,
        }
    }

    /// The name shown as the sender of notifications, up to 100 characters. Default: none.
    pub fn display_name(mut self, text: impl Into<String>) -> Self {
        self.display_name = Some(text.into());
        self
    }

    /// Subscribes an e-mail address; checked when the topic is added. Default: no
    /// subscription.
    pub fn email(mut self, address: impl Into<String>) -> Self {
        self.emails.push(address.into());
        self
    }
}

impl Handle<AlarmTopic> {
    /// The topic's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Ref)
    }

    /// The topic's name.
    pub fn name(&self) -> Reference<Name> {
        self.attr_ref("", Attr::Get("TopicName"))
    }
}

impl<K: KeyChosen<AlarmTopic>> Construct<AlarmTopic> for AlarmTopic<K> {}

impl<K: KeyChosen<AlarmTopic>> IntoNode<AlarmTopic> for AlarmTopic<K> {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(TopicNode {
            id: self.id,
            key: self.key.key(),
            display_name: self.display_name,
            emails: self.emails,
        })
    }
}

struct TopicNode {
    id: String,
    key: Handle<KmsKey>,
    display_name: Option<String>,
    emails: Vec<String>,
}

/// Whether `address` looks like an e-mail address SNS accepts: one `@` with text on both
/// sides, a dot in the domain, no spaces or control characters.
fn plausible_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && address.len() <= 254
        && address
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control())
}

impl Node for TopicNode {
    fn kind(&self) -> &'static str {
        "AlarmTopic"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &["", "Policy"]
    }

    fn uses(&self) -> Vec<Used> {
        vec![self.key.used("KmsKey")]
    }

    fn key_services(&self) -> Vec<(u32, KeyService)> {
        vec![(self.key.index, KeyService::CloudWatch)]
    }

    fn encryption_key(&self) -> Option<u32> {
        Some(self.key.index)
    }

    fn check(&self) -> Result<(), String> {
        if let Some(name) = &self.display_name
            && name.chars().count() > 100
        {
            return Err(format!(
                "the display name has {} characters; SNS allows at most 100",
                name.chars().count()
            ));
        }
        if let Some(bad) = self.emails.iter().find(|e| !plausible_email(e)) {
            return Err(format!(
                "`{bad}` is not an e-mail address; write it like `oncall@clinic.example`"
            ));
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let topic = Topic {
            display_name: self.display_name.clone(),
            kms_master_key_id: cx.resolve(self.key.arn()),
            subscription: self
                .emails
                .iter()
                .map(|e| Subscription {
                    endpoint: e.clone(),
                    protocol: "email",
                })
                .collect(),
        };
        let me = cx.own_ref("");
        let policy =
            TopicPolicy {
                policy_document: PolicyDocument::new(vec![
                Statement::deny_everyone("DenyInsecureTransport", &["sns:Publish"], vec![
                    me.clone(),
                ])
                .when("Bool", "aws:SecureTransport", "false"),
                Statement::allow(
                    "AllowCloudWatchAlarms",
                    Principal::Service("cloudwatch.amazonaws.com".into()),
                    &["sns:Publish"],
                    vec![me.clone()],
                )
                .when(
                    "ArnLike",
                    "aws:SourceArn",
                    Expr::sub_pseudo(
                        "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*",
                    ),
                )
                .when(
                    "StringEquals",
                    "aws:SourceAccount",
                    Expr::pseudo(Pseudo::AccountId),
                ),
            ]),
                topics: vec![me],
            };
        let mut topic = Resource::new(cx.logical(""), topic)?;
        // A5, N2 and X1 pass the rota's e-mail by the construct kind; the reason is what the
        // report shows for them (probe 18b F4).
        if !self.emails.is_empty() {
            for exception in &ALARM_MAIL {
                cx.except(&mut topic, exception);
            }
        }
        Ok(vec![topic, Resource::new(cx.logical("Policy"), policy)?])
    }
}

// ---------------------------------------------------------------------------------------
// Alarm
// ---------------------------------------------------------------------------------------

mod sealed {
    use crate::app::Handle;
    use crate::constructs::AlarmTopic;

    /// The handle of a chosen topic.
    pub trait ChosenTopic {
        fn topic(&self) -> Handle<AlarmTopic>;
    }

    impl ChosenTopic for Handle<AlarmTopic> {
        fn topic(&self) -> Handle<AlarmTopic> {
            *self
        }
    }

    pub trait TopicKind {}
    impl TopicKind for AlarmTopic {}
}

/// The state of an alarm whose topic has not been chosen yet.
///
/// Call `.notify(&topic)`; until then the alarm cannot be added to a stack.
#[derive(Debug, Clone, Copy)]
pub struct NoTopic;

/// Implemented by a chosen topic: the state an alarm is in after `.notify(&topic)`.
#[diagnostic::on_unimplemented(
    message = "`{C}` notifies no one",
    label = "call `.notify(&topic)` with an `AlarmTopic` on this `{C}` before adding it to a stack",
    note = "HIPAA 45 CFR §164.312(b) (hipaa-stack control L3): an alarm notifies someone when it fires, when it clears and when its data stops; create the topic with `stack.add(AlarmTopic::new(\"Alarms\").encryption(&key))?`"
)]
pub trait TopicChosen<C>: sealed::ChosenTopic {}

impl<C> TopicChosen<C> for Handle<AlarmTopic> {}

/// A construct that can receive alarm notifications: only an [`AlarmTopic`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot receive alarm notifications",
    label = "expected a handle to an `AlarmTopic`",
    note = "alarms notify through an SNS topic encrypted with a customer-managed key that accepts only TLS (hipaa-stack controls L3, N1, N2; HIPAA 45 CFR §164.312(b)); pass the handle returned by `stack.add(AlarmTopic::new(..).encryption(&key))?`"
)]
pub trait AlarmDestination: sealed::TopicKind {}

impl AlarmDestination for AlarmTopic {}

/// The value of a metric dimension: text, or a typed reference such as
/// `db.instance_id()`.
#[derive(Debug, Clone)]
pub struct DimensionValue(DimensionSource);

#[derive(Debug, Clone)]
enum DimensionSource {
    Text(String),
    Reference(Target),
}

impl From<&str> for DimensionValue {
    fn from(text: &str) -> Self {
        DimensionValue(DimensionSource::Text(text.to_owned()))
    }
}

impl From<String> for DimensionValue {
    fn from(text: String) -> Self {
        DimensionValue(DimensionSource::Text(text))
    }
}

impl<T> From<Reference<T>> for DimensionValue {
    fn from(reference: Reference<T>) -> Self {
        DimensionValue(DimensionSource::Reference(reference.target))
    }
}

/// The CloudWatch metric an [`Alarm`] watches: a namespace, a name and its dimensions.
///
/// ```
/// use hipaa_stack::AlarmMetric;
/// let cpu = AlarmMetric::new("AWS/RDS", "CPUUtilization").dimension("DBInstanceIdentifier", "ehr");
/// # let _ = cpu;
/// ```
#[derive(Debug, Clone)]
pub struct AlarmMetric {
    namespace: String,
    name: String,
    dimensions: Vec<(String, DimensionValue)>,
}

impl AlarmMetric {
    /// The metric `name` of the namespace `namespace` (`AWS/RDS`, or one of your own).
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        AlarmMetric {
            namespace: namespace.into(),
            name: name.into(),
            dimensions: Vec::new(),
        }
    }

    /// Narrows the metric to one dimension value, e.g. `("DBInstanceIdentifier",
    /// db.instance_id())`. At most 30.
    pub fn dimension(mut self, name: impl Into<String>, value: impl Into<DimensionValue>) -> Self {
        self.dimensions.push((name.into(), value.into()));
        self
    }
}

/// The statistic an alarm compares with its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmStatistic {
    /// The average of the period's data points.
    Average,
    /// The sum of the period's data points.
    Sum,
    /// The lowest data point of the period.
    Minimum,
    /// The highest data point of the period.
    Maximum,
    /// How many data points the period has.
    SampleCount,
}

impl AlarmStatistic {
    fn as_str(self) -> &'static str {
        match self {
            AlarmStatistic::Average => "Average",
            AlarmStatistic::Sum => "Sum",
            AlarmStatistic::Minimum => "Minimum",
            AlarmStatistic::Maximum => "Maximum",
            AlarmStatistic::SampleCount => "SampleCount",
        }
    }
}

/// What an alarm does with a period that has no data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingData {
    /// The alarm goes to `INSUFFICIENT_DATA` and notifies: the data stopped.
    Missing,
    /// The alarm keeps its state.
    Ignore,
    /// No data counts as breaching the threshold.
    Breaching,
    /// No data counts as within the threshold (for metrics that only exist when something
    /// happens, such as counts of log events).
    NotBreaching,
}

impl MissingData {
    fn as_str(self) -> &'static str {
        match self {
            MissingData::Missing => "missing",
            MissingData::Ignore => "ignore",
            MissingData::Breaching => "breaching",
            MissingData::NotBreaching => "notBreaching",
        }
    }
}

/// A CloudWatch alarm on one metric that always notifies an [`AlarmTopic`]: when it fires,
/// when it clears, and when its data stops.
///
/// It needs its topic ([`notify`](Alarm::notify)); without it,
/// [`Stack::add`](crate::Stack::add) does not compile. The topic may be in another stack of
/// the same region.
///
/// # Secure defaults
/// - `AlarmActions`, `OKActions` and `InsufficientDataActions` all notify the topic (control
///   L3, §164.312(b)); there is no way to add an alarm without one. A topic that no one
///   subscribes to in the app (no [`AlarmTopic::email`]) tells no one the app shows: L3 is
///   then a gap, until it has an address or a waiver that says where it is subscribed.
///
/// # Options
/// - [`description`](Alarm::description). Default: the construct path.
/// - [`statistic`](Alarm::statistic). Default: [`AlarmStatistic::Sum`].
/// - [`period_seconds`](Alarm::period_seconds): 10, 20, 30 or a multiple of 60, checked
///   when the alarm is added. Default: 300.
/// - [`evaluation_periods`](Alarm::evaluation_periods): 1 or more. Default: 1.
/// - The threshold: [`above`](Alarm::above), [`at_or_above`](Alarm::at_or_above),
///   [`below`](Alarm::below) or [`at_or_below`](Alarm::at_or_below), a finite number.
///   Default: at or above 1.
/// - [`missing_data`](Alarm::missing_data). Default: [`MissingData::Missing`], so a metric
///   that stops reporting notifies the topic.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{Alarm, AlarmMetric, AlarmStatistic, AlarmTopic};
/// let app = App::new("clinic");
/// let stack = app.stack("clinic")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let topic = stack.add(AlarmTopic::new("Alarms").encryption(&key))?;
/// stack.add(
///     Alarm::new("EhrCpu", AlarmMetric::new("AWS/RDS", "CPUUtilization").dimension("DBInstanceIdentifier", "ehr"))
///         .description("the EHR database is overloaded")
///         .statistic(AlarmStatistic::Average)
///         .evaluation_periods(3)
///         .above(90.0)
///         .notify(&topic),
/// )?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// An alarm without a topic does not compile:
///
/// ```compile_fail
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{Alarm, AlarmMetric};
/// let app = App::new("clinic");
/// let stack = app.stack("clinic")?;
/// stack.add(Alarm::new("EhrCpu", AlarmMetric::new("AWS/RDS", "CPUUtilization")))?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Alarm<T = Handle<AlarmTopic>> {
    id: String,
    metric: AlarmMetric,
    description: Option<String>,
    statistic: AlarmStatistic,
    period: u32,
    evaluation_periods: u32,
    comparison: &'static str,
    threshold: f64,
    missing: MissingData,
    topic: T,
}

impl Alarm<NoTopic> {
    /// An alarm with the construct id `id` on `metric`.
    pub fn new(id: impl Into<String>, metric: AlarmMetric) -> Self {
        Alarm {
            id: id.into(),
            metric,
            description: None,
            statistic: AlarmStatistic::Sum,
            period: 300,
            evaluation_periods: 1,
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: 1.0,
            missing: MissingData::Missing,
            topic: NoTopic,
        }
    }
}

impl<T> Alarm<T> {
    /// Notifies this topic when the alarm fires, clears, or its data stops.
    pub fn notify<D: AlarmDestination>(self, topic: &Handle<D>) -> Alarm<Handle<AlarmTopic>> {
        Alarm {
            id: self.id,
            metric: self.metric,
            description: self.description,
            statistic: self.statistic,
            period: self.period,
            evaluation_periods: self.evaluation_periods,
            comparison: self.comparison,
            threshold: self.threshold,
            missing: self.missing,
            topic: topic.cast(),
        }
    }

    /// What the alarm means, shown in the notification. Default: the construct path.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// The statistic compared with the threshold. Default: [`AlarmStatistic::Sum`].
    pub fn statistic(mut self, statistic: AlarmStatistic) -> Self {
        self.statistic = statistic;
        self
    }

    /// The length of a period: 10, 20, 30 or a multiple of 60 seconds. Default: 300.
    pub fn period_seconds(mut self, seconds: u32) -> Self {
        self.period = seconds;
        self
    }

    /// How many periods in a row must breach before the alarm fires. Default: 1.
    pub fn evaluation_periods(mut self, periods: u32) -> Self {
        self.evaluation_periods = periods;
        self
    }

    /// Fires when the statistic is greater than `threshold`.
    pub fn above(self, threshold: f64) -> Self {
        self.compare("GreaterThanThreshold", threshold)
    }

    /// Fires when the statistic is greater than or equal to `threshold`. Default: 1.
    pub fn at_or_above(self, threshold: f64) -> Self {
        self.compare("GreaterThanOrEqualToThreshold", threshold)
    }

    /// Fires when the statistic is less than `threshold`.
    pub fn below(self, threshold: f64) -> Self {
        self.compare("LessThanThreshold", threshold)
    }

    /// Fires when the statistic is less than or equal to `threshold`.
    pub fn at_or_below(self, threshold: f64) -> Self {
        self.compare("LessThanOrEqualToThreshold", threshold)
    }

    /// What a period without data means. Default: [`MissingData::Missing`].
    pub fn missing_data(mut self, missing: MissingData) -> Self {
        self.missing = missing;
        self
    }

    fn compare(mut self, comparison: &'static str, threshold: f64) -> Self {
        self.comparison = comparison;
        self.threshold = threshold;
        self
    }
}

impl Handle<Alarm> {
    /// The alarm's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("Arn"))
    }
}

impl<T: TopicChosen<Alarm>> Construct<Alarm> for Alarm<T> {}

impl<T: TopicChosen<Alarm>> IntoNode<Alarm> for Alarm<T> {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(AlarmNode {
            topic: self.topic.topic(),
            alarm: Alarm {
                id: self.id,
                metric: self.metric,
                description: self.description,
                statistic: self.statistic,
                period: self.period,
                evaluation_periods: self.evaluation_periods,
                comparison: self.comparison,
                threshold: self.threshold,
                missing: self.missing,
                topic: NoTopic,
            },
        })
    }
}

struct AlarmNode {
    alarm: Alarm<NoTopic>,
    topic: Handle<AlarmTopic>,
}

/// Checks an alarm's metric and thresholds; the reason it is invalid, if it is.
fn check_alarm(alarm: &Alarm<NoTopic>) -> Result<(), String> {
    let metric = &alarm.metric;
    for (name, value) in &metric.dimensions {
        if let DimensionSource::Reference(target) = value.0
            && target.attr.may_hold_a_secret()
        {
            return Err(format!(
                "the dimension `{name}` takes the attribute `{}`, which may hold a secret, and alarm dimensions are readable by anyone who may describe the alarm; give an id or a name",
                target.attr.export_suffix()
            ));
        }
    }
    if metric.namespace.is_empty()
        || metric.namespace.len() > 255
        || metric.namespace.starts_with(':')
    {
        return Err(format!(
            "`{}` is not a metric namespace; it has 1 to 255 characters and does not start with `:`",
            metric.namespace
        ));
    }
    if metric.name.is_empty() || metric.name.len() > 255 {
        return Err(format!(
            "`{}` is not a metric name; it has 1 to 255 characters",
            metric.name
        ));
    }
    if metric.dimensions.len() > 30 {
        return Err(format!(
            "the metric has {} dimensions; CloudWatch allows at most 30",
            metric.dimensions.len()
        ));
    }
    if let Some((name, _)) = metric
        .dimensions
        .iter()
        .find(|(name, _)| name.is_empty() || name.len() > 255)
    {
        return Err(format!(
            "`{name}` is not a dimension name; it has 1 to 255 characters"
        ));
    }
    let period_ok = matches!(alarm.period, 10 | 20 | 30)
        || (alarm.period > 0 && alarm.period.is_multiple_of(60));
    if !period_ok {
        return Err(format!(
            "a period of {} seconds is not allowed; use 10, 20, 30 or a multiple of 60",
            alarm.period
        ));
    }
    if alarm.evaluation_periods == 0 {
        return Err("an alarm evaluates at least 1 period".to_owned());
    }
    if u64::from(alarm.period) * u64::from(alarm.evaluation_periods) > 7 * 24 * 3600 {
        return Err(format!(
            "{} periods of {} seconds is longer than CloudWatch's limit of 7 days",
            alarm.evaluation_periods, alarm.period
        ));
    }
    if !alarm.threshold.is_finite() {
        return Err(format!(
            "the threshold {} is not a finite number",
            alarm.threshold
        ));
    }
    if alarm.description.as_ref().is_some_and(|d| d.len() > 1024) {
        return Err("the description is longer than 1,024 characters".to_owned());
    }
    Ok(())
}

impl Node for AlarmNode {
    fn kind(&self) -> &'static str {
        "Alarm"
    }

    fn id(&self) -> &str {
        &self.alarm.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &[""]
    }

    fn uses(&self) -> Vec<Used> {
        let mut used = vec![self.topic.used("AlarmTopic")];
        for (_, value) in &self.alarm.metric.dimensions {
            if let DimensionSource::Reference(target) = value.0 {
                used.push(Used {
                    app: target.app,
                    what: "reference",
                });
            }
        }
        used
    }

    fn check(&self) -> Result<(), String> {
        check_alarm(&self.alarm)
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let a = &self.alarm;
        let topic = cx.resolve(self.topic.arn());
        let dimensions = a
            .metric
            .dimensions
            .iter()
            .map(|(name, value)| Dimension {
                name: name.clone(),
                value: match &value.0 {
                    DimensionSource::Text(text) => Expr::lit(text.as_str()),
                    DimensionSource::Reference(target) => {
                        resolve_target(cx.arena, cx.stack, *target, cx.construct, cx.cross)
                    }
                },
            })
            .collect();
        let alarm = CfnAlarm {
            alarm_description: a.description.clone().unwrap_or_else(|| cx.path()),
            namespace: a.metric.namespace.clone(),
            metric_name: a.metric.name.clone(),
            dimensions,
            statistic: a.statistic.as_str(),
            period: a.period,
            evaluation_periods: a.evaluation_periods,
            threshold: a.threshold,
            comparison_operator: a.comparison,
            treat_missing_data: a.missing.as_str(),
            alarm_actions: vec![topic.clone()],
            ok_actions: vec![topic.clone()],
            insufficient_data_actions: vec![topic],
        };
        Ok(vec![Resource::new(cx.logical(""), alarm)?])
    }
}

// ---------------------------------------------------------------------------------------
// The security alarms of a trail
// ---------------------------------------------------------------------------------------

/// One standard security alarm: a metric filter on the trail's log group and its alarm.
struct SecurityAlarmSpec {
    /// The part of the metric filter, e.g. `RootUseFilter`.
    filter: &'static str,
    /// The part of the alarm, e.g. `RootUseAlarm`.
    alarm: &'static str,
    /// The metric the filter counts.
    metric: &'static str,
    /// The CloudWatch Logs filter pattern over CloudTrail events.
    pattern: &'static str,
    /// What the alarm means.
    description: &'static str,
}

/// The standard security alarms: the CIS AWS Foundations Benchmark monitoring controls
/// (4.1–4.5, 4.7, 4.8, 4.10, 4.11), over the events CloudTrail delivers to the trail's log
/// group.
const SECURITY_ALARMS: [SecurityAlarmSpec; 9] = [
    SecurityAlarmSpec {
        filter: "UnauthorizedApiCallsFilter",
        alarm: "UnauthorizedApiCallsAlarm",
        metric: "UnauthorizedApiCalls",
        pattern: r#"{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }"#,
        description: "unauthorized API calls (CIS 4.1)",
    },
    SecurityAlarmSpec {
        filter: "ConsoleSignInWithoutMfaFilter",
        alarm: "ConsoleSignInWithoutMfaAlarm",
        metric: "ConsoleSignInWithoutMfa",
        pattern: r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
        description: "console sign-in without MFA (CIS 4.2)",
    },
    SecurityAlarmSpec {
        filter: "RootUseFilter",
        alarm: "RootUseAlarm",
        metric: "RootAccountUse",
        pattern: r#"{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != "AwsServiceEvent") }"#,
        description: "the root user was used (CIS 4.3)",
    },
    SecurityAlarmSpec {
        filter: "IamPolicyChangesFilter",
        alarm: "IamPolicyChangesAlarm",
        metric: "IamPolicyChanges",
        pattern: "{ ($.eventSource = iam.amazonaws.com) && (($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = SetDefaultPolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy)) }",
        description: "an IAM policy changed (CIS 4.4)",
    },
    SecurityAlarmSpec {
        filter: "TrailChangesFilter",
        alarm: "TrailChangesAlarm",
        metric: "CloudTrailChanges",
        pattern: "{ ($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) || ($.eventName = PutEventSelectors)) }",
        description: "the CloudTrail configuration changed (CIS 4.5)",
    },
    SecurityAlarmSpec {
        filter: "KeyDisabledFilter",
        alarm: "KeyDisabledAlarm",
        metric: "KmsKeyDisabledOrScheduledForDeletion",
        pattern: "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
        description: "a KMS key was disabled or scheduled for deletion (CIS 4.7)",
    },
    SecurityAlarmSpec {
        filter: "BucketPolicyChangesFilter",
        alarm: "BucketPolicyChangesAlarm",
        metric: "S3BucketPolicyChanges",
        pattern: "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
        description: "an S3 bucket policy or ACL changed (CIS 4.8)",
    },
    SecurityAlarmSpec {
        filter: "SecurityGroupChangesFilter",
        alarm: "SecurityGroupChangesAlarm",
        metric: "SecurityGroupChanges",
        pattern: "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
        description: "a security group changed (CIS 4.10)",
    },
    SecurityAlarmSpec {
        filter: "NetworkAclChangesFilter",
        alarm: "NetworkAclChangesAlarm",
        metric: "NetworkAclChanges",
        pattern: "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
        description: "a network ACL changed (CIS 4.11)",
    },
];

/// The parts of [`SecurityAlarms`]: every filter and alarm of [`SECURITY_ALARMS`].
const SECURITY_ALARM_PARTS: &[&str] = &[
    "UnauthorizedApiCallsFilter",
    "UnauthorizedApiCallsAlarm",
    "ConsoleSignInWithoutMfaFilter",
    "ConsoleSignInWithoutMfaAlarm",
    "RootUseFilter",
    "RootUseAlarm",
    "IamPolicyChangesFilter",
    "IamPolicyChangesAlarm",
    "TrailChangesFilter",
    "TrailChangesAlarm",
    "KeyDisabledFilter",
    "KeyDisabledAlarm",
    "BucketPolicyChangesFilter",
    "BucketPolicyChangesAlarm",
    "SecurityGroupChangesFilter",
    "SecurityGroupChangesAlarm",
    "NetworkAclChangesFilter",
    "NetworkAclChangesAlarm",
];

/// The standard security alarms of an [`AuditTrail`](crate::AuditTrail): a metric filter on
/// the trail's log group and an alarm for each of unauthorized API calls, use of the root
/// user, console sign-in without MFA, IAM policy changes, CloudTrail configuration changes,
/// KMS keys disabled or scheduled for deletion, S3 bucket policy changes, security group
/// changes and network ACL changes (the monitoring controls of the CIS AWS Foundations
/// Benchmark).
///
/// Made by [`trail.security_alarms(&topic)`](Handle::<AuditTrail>::security_alarms) and added
/// like any construct. It may live in another stack than the trail (the log group's name is
/// imported) or the topic, in the same region.
///
/// What it creates (logical ids after the construct id, `SecurityAlarms` unless
/// [`id`](SecurityAlarms::id) says otherwise): `SecurityAlarmsRootUseFilter` and
/// `SecurityAlarmsRootUseAlarm`, and so on for each alarm. The metrics are in the namespace
/// `hipaa-stack/STACK/ID`.
///
/// # Secure defaults
/// - Every alarm notifies the topic when it fires, when it clears and when its data stops
///   (L3, §164.312(b)); it fires on the first matching event in a 5-minute period, and a
///   period without matching events counts as quiet.
/// - The filters cover the events of every region, since the trail is multi-region (T5).
///
/// # Options
/// - [`id`](SecurityAlarms::id). Default: `SecurityAlarms`.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::AlarmTopic;
/// let app = App::new("clinic");
/// let security = app.stack("clinic-security")?;
/// let key = security.add(KmsKey::new("PhiKey"))?;
/// let logs = security.add(AccessLogBucket::new("AccessLogs"))?;
/// let trail = security.add(AuditTrail::new("Audit").encryption(&key).access_logs(&logs))?;
/// let topic = security.add(AlarmTopic::new("Alarms").encryption(&key))?;
/// security.add(trail.security_alarms(&topic))?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SecurityAlarms {
    id: String,
    trail: Handle<AuditTrail>,
    topic: Handle<AlarmTopic>,
}

impl SecurityAlarms {
    /// Gives the construct another id, e.g. for a second trail in the same stack. Default:
    /// `SecurityAlarms`.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }
}

impl Handle<AuditTrail> {
    /// The standard security alarms on this trail's log group, notifying `topic`; add the
    /// result to a stack.
    pub fn security_alarms<D: AlarmDestination>(&self, topic: &Handle<D>) -> SecurityAlarms {
        SecurityAlarms {
            id: "SecurityAlarms".to_owned(),
            trail: *self,
            topic: topic.cast(),
        }
    }
}

impl Construct<SecurityAlarms> for SecurityAlarms {}

impl IntoNode<SecurityAlarms> for SecurityAlarms {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(self)
    }
}

impl Node for SecurityAlarms {
    fn kind(&self) -> &'static str {
        "SecurityAlarms"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        SECURITY_ALARM_PARTS
    }

    fn uses(&self) -> Vec<Used> {
        vec![self.trail.used("AuditTrail"), self.topic.used("AlarmTopic")]
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let log_group = cx.resolve(self.trail.log_group_name());
        let topic = cx.resolve(self.topic.arn());
        let namespace = format!("hipaa-stack/{}", cx.path());
        let mut resources = Vec::with_capacity(2 * SECURITY_ALARMS.len());
        for spec in &SECURITY_ALARMS {
            let filter = MetricFilter {
                filter_pattern: spec.pattern,
                log_group_name: log_group.clone(),
                metric_transformations: [MetricTransformation {
                    metric_name: spec.metric,
                    metric_namespace: namespace.clone(),
                    metric_value: "1",
                }],
            };
            resources.push(Resource::new(cx.logical(spec.filter), filter)?);
            let alarm = CfnAlarm {
                alarm_description: format!("security alarm: {}", spec.description),
                namespace: namespace.clone(),
                metric_name: spec.metric.to_owned(),
                dimensions: Vec::new(),
                statistic: AlarmStatistic::Sum.as_str(),
                period: 300,
                evaluation_periods: 1,
                threshold: 1.0,
                comparison_operator: "GreaterThanOrEqualToThreshold",
                treat_missing_data: MissingData::NotBreaching.as_str(),
                alarm_actions: vec![topic.clone()],
                ok_actions: vec![topic.clone()],
                insufficient_data_actions: vec![topic.clone()],
            };
            resources.push(
                Resource::new(cx.logical(spec.alarm), alarm)?.depends_on(&cx.logical(spec.filter)),
            );
        }
        Ok(resources)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{SECURITY_ALARM_PARTS, SECURITY_ALARMS};
    use crate::constructs::{Alarm, AlarmMetric, AlarmStatistic, AlarmTopic, MissingData};
    use crate::prelude::*;
    use crate::testing::{prop, resource, sids, statement, template_of, template_with};

    fn topic_template() -> serde_json::Value {
        template_with(|stack, key, _| {
            stack
                .add(
                    AlarmTopic::new("Alarms")
                        .encryption(&key)
                        .display_name("clinic alarms")
                        .email("oncall@clinic.example"),
                )
                .unwrap();
        })
    }

    #[test]
    fn the_topic_is_encrypted_with_the_customer_key() {
        let t = topic_template();
        assert_eq!(resource(&t, "Alarms")["Type"], "AWS::SNS::Topic");
        assert_eq!(
            prop(&t, "Alarms", "/KmsMasterKeyId"),
            &json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
        );
        assert_eq!(prop(&t, "Alarms", "/DisplayName"), "clinic alarms");
        assert_eq!(
            prop(&t, "Alarms", "/Subscription"),
            &json!([{ "Endpoint": "oncall@clinic.example", "Protocol": "email" }])
        );
    }

    #[test]
    fn the_topic_policy_denies_publishing_without_tls_and_admits_cloudwatch_alarms() {
        let t = topic_template();
        assert_eq!(
            resource(&t, "AlarmsPolicy")["Type"],
            "AWS::SNS::TopicPolicy"
        );
        assert_eq!(
            prop(&t, "AlarmsPolicy", "/Topics"),
            &json!([{ "Ref": "Alarms" }])
        );
        let document = prop(&t, "AlarmsPolicy", "/PolicyDocument");
        assert_eq!(
            sids(document),
            ["DenyInsecureTransport", "AllowCloudWatchAlarms"]
        );
        let deny = statement(document, "DenyInsecureTransport");
        assert_eq!(deny["Effect"], "Deny");
        assert_eq!(deny["Principal"], "*");
        assert_eq!(deny["Action"], json!(["sns:Publish"]));
        assert_eq!(deny["Condition"]["Bool"]["aws:SecureTransport"], "false");
        let allow = statement(document, "AllowCloudWatchAlarms");
        assert_eq!(
            allow["Principal"],
            json!({ "Service": "cloudwatch.amazonaws.com" })
        );
        assert_eq!(allow["Resource"], json!([{ "Ref": "Alarms" }]));
        assert_eq!(
            allow["Condition"]["ArnLike"]["aws:SourceArn"],
            json!({ "Fn::Sub": "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*" })
        );
        assert_eq!(
            allow["Condition"]["StringEquals"]["aws:SourceAccount"],
            json!({ "Ref": "AWS::AccountId" })
        );
    }

    #[test]
    fn the_key_lets_cloudwatch_alarms_use_it() {
        let t = topic_template();
        let policy = prop(&t, "PhiKey", "/KeyPolicy");
        assert_eq!(
            sids(policy),
            ["AllowAccountAdministration", "AllowCloudWatchAlarms"]
        );
        assert_eq!(
            statement(policy, "AllowCloudWatchAlarms")["Principal"],
            json!({ "Service": "cloudwatch.amazonaws.com" })
        );
    }

    #[test]
    fn an_alarm_notifies_its_topic_in_every_state() {
        let t = template_with(|stack, key, _| {
            let topic = stack
                .add(AlarmTopic::new("Alarms").encryption(&key))
                .unwrap();
            let other = stack.add(KmsKey::new("Other")).unwrap();
            stack
                .add(
                    Alarm::new(
                        "KeyUse",
                        AlarmMetric::new("AWS/KMS", "SecondsUntilKeyMaterialExpiration")
                            .dimension("KeyId", other.key_id())
                            .dimension("Fixed", "value"),
                    )
                    .statistic(AlarmStatistic::Minimum)
                    .period_seconds(3600)
                    .evaluation_periods(2)
                    .below(86_400.0)
                    .missing_data(MissingData::Breaching)
                    .description("key material expires within a day")
                    .notify(&topic),
                )
                .unwrap();
        });
        let topic = json!([{ "Ref": "Alarms" }]);
        let p = |pointer| prop(&t, "KeyUse", pointer);
        assert_eq!(resource(&t, "KeyUse")["Type"], "AWS::CloudWatch::Alarm");
        assert_eq!(p("/AlarmActions"), &topic);
        assert_eq!(p("/OKActions"), &topic);
        assert_eq!(p("/InsufficientDataActions"), &topic);
        assert_eq!(p("/Namespace"), "AWS/KMS");
        assert_eq!(p("/MetricName"), "SecondsUntilKeyMaterialExpiration");
        assert_eq!(
            p("/Dimensions"),
            &json!([
                { "Name": "KeyId", "Value": { "Ref": "Other" } },
                { "Name": "Fixed", "Value": "value" }
            ])
        );
        assert_eq!(p("/Statistic"), "Minimum");
        assert_eq!(p("/Period"), 3600);
        assert_eq!(p("/EvaluationPeriods"), 2);
        assert_eq!(p("/Threshold"), 86_400.0);
        assert_eq!(p("/ComparisonOperator"), "LessThanThreshold");
        assert_eq!(p("/TreatMissingData"), "breaching");
        assert_eq!(p("/AlarmDescription"), "key material expires within a day");
    }

    #[test]
    fn an_alarm_has_defaults_that_notify_when_data_stops() {
        let t = template_with(|stack, key, _| {
            let topic = stack
                .add(AlarmTopic::new("Alarms").encryption(&key))
                .unwrap();
            stack
                .add(Alarm::new("Errors", AlarmMetric::new("Clinic", "Errors")).notify(&topic))
                .unwrap();
        });
        let p = |pointer| prop(&t, "Errors", pointer);
        assert_eq!(p("/Statistic"), "Sum");
        assert_eq!(p("/Period"), 300);
        assert_eq!(p("/EvaluationPeriods"), 1);
        assert_eq!(p("/Threshold"), 1.0);
        assert_eq!(p("/ComparisonOperator"), "GreaterThanOrEqualToThreshold");
        assert_eq!(p("/TreatMissingData"), "missing");
        assert_eq!(p("/AlarmDescription"), "t/Errors");
        assert!(
            resource(&t, "Errors")["Properties"]
                .get("Dimensions")
                .is_none()
        );
    }

    #[test]
    fn impossible_alarms_and_topics_are_errors_naming_the_construct() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let topic = stack
            .add(AlarmTopic::new("Alarms").encryption(&key))
            .unwrap();
        let secret = stack
            .add(RawResource::new("Ci", "AWS::IAM::AccessKey"))
            .unwrap();
        let base = || Alarm::new("Bad", AlarmMetric::new("Clinic", "Errors"));
        for (alarm, needle) in [
            (base().period_seconds(45), "a period of 45 seconds"),
            (base().period_seconds(0), "a period of 0 seconds"),
            (base().evaluation_periods(0), "at least 1 period"),
            (
                base().period_seconds(86_400).evaluation_periods(8),
                "limit of 7 days",
            ),
            (base().above(f64::NAN), "not a finite number"),
            (
                Alarm::new("Bad", AlarmMetric::new("", "Errors")),
                "not a metric namespace",
            ),
            (
                Alarm::new("Bad", AlarmMetric::new("Clinic", "")),
                "not a metric name",
            ),
            (
                Alarm::new(
                    "Bad",
                    AlarmMetric::new("Clinic", "Errors")
                        .dimension("Key", secret.attribute("SecretAccessKey")),
                ),
                "may hold a secret",
            ),
        ] {
            let err = stack.add(alarm.notify(&topic)).unwrap_err().to_string();
            assert!(err.starts_with("construct `t/Bad` is invalid"), "{err}");
            assert!(err.contains(needle), "{err}");
        }
        for (bad, needle) in [
            (
                AlarmTopic::new("BadTopic").email("not-an-address"),
                "`not-an-address` is not an e-mail address",
            ),
            (
                AlarmTopic::new("BadTopic").display_name("x".repeat(101)),
                "at most 100",
            ),
        ] {
            let err = stack.add(bad.encryption(&key)).unwrap_err().to_string();
            assert!(
                err.starts_with("construct `t/BadTopic` is invalid"),
                "{err}"
            );
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn security_alarms_filter_the_trail_log_group_and_notify_the_topic() {
        let t = template_with(|stack, key, logs| {
            let trail = stack
                .add(AuditTrail::new("Audit").encryption(&key).access_logs(&logs))
                .unwrap();
            let topic = stack
                .add(AlarmTopic::new("Alarms").encryption(&key))
                .unwrap();
            stack.add(trail.security_alarms(&topic)).unwrap();
        });
        let topic = json!([{ "Ref": "Alarms" }]);
        for spec in &SECURITY_ALARMS {
            let filter = format!("SecurityAlarms{}", spec.filter);
            let alarm = format!("SecurityAlarms{}", spec.alarm);
            assert_eq!(resource(&t, &filter)["Type"], "AWS::Logs::MetricFilter");
            assert_eq!(
                prop(&t, &filter, "/LogGroupName"),
                &json!({ "Ref": "AuditLogs" })
            );
            assert_eq!(prop(&t, &filter, "/FilterPattern"), spec.pattern);
            let transformation = prop(&t, &filter, "/MetricTransformations/0");
            assert_eq!(transformation["MetricName"], spec.metric);
            assert_eq!(
                transformation["MetricNamespace"],
                "hipaa-stack/t/SecurityAlarms"
            );
            assert_eq!(transformation["MetricValue"], "1");
            assert_eq!(resource(&t, &alarm)["Type"], "AWS::CloudWatch::Alarm");
            assert_eq!(prop(&t, &alarm, "/MetricName"), spec.metric);
            assert_eq!(
                prop(&t, &alarm, "/Namespace"),
                "hipaa-stack/t/SecurityAlarms"
            );
            assert_eq!(prop(&t, &alarm, "/AlarmActions"), &topic);
            assert_eq!(prop(&t, &alarm, "/OKActions"), &topic);
            assert_eq!(prop(&t, &alarm, "/InsufficientDataActions"), &topic);
            assert_eq!(prop(&t, &alarm, "/Statistic"), "Sum");
            assert_eq!(prop(&t, &alarm, "/Threshold"), 1.0);
            assert_eq!(prop(&t, &alarm, "/TreatMissingData"), "notBreaching");
            assert_eq!(resource(&t, &alarm)["DependsOn"], json!([filter]));
        }
    }

    #[test]
    fn the_security_alarm_patterns_are_within_cloudwatch_limits_and_cover_the_issue() {
        let parts: Vec<&str> = SECURITY_ALARMS
            .iter()
            .flat_map(|s| [s.filter, s.alarm])
            .collect();
        assert_eq!(parts, SECURITY_ALARM_PARTS);
        for spec in &SECURITY_ALARMS {
            assert!(
                spec.pattern.len() <= 1024,
                "{}: {}",
                spec.metric,
                spec.pattern.len()
            );
            let open = spec.pattern.matches('(').count();
            assert_eq!(open, spec.pattern.matches(')').count(), "{}", spec.metric);
            assert!(spec.pattern.starts_with("{ ") && spec.pattern.ends_with(" }"));
        }
        let all: String = SECURITY_ALARMS.iter().map(|s| s.pattern).collect();
        for event in [
            "UnauthorizedOperation",
            "\"Root\"",
            "MFAUsed",
            "PutRolePolicy",
            "StopLogging",
            "ScheduleKeyDeletion",
            "DisableKey",
            "AuthorizeSecurityGroupIngress",
            "CreateNetworkAclEntry",
            "PutBucketPolicy",
        ] {
            assert!(all.contains(event), "{event}");
        }
    }

    #[test]
    fn security_alarms_in_another_stack_import_the_log_group_and_the_topic() {
        let app = App::new("test");
        let security = app.stack("security").unwrap();
        let key = security.add(KmsKey::new("PhiKey")).unwrap();
        let logs = security.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let trail = security
            .add(AuditTrail::new("Audit").encryption(&key).access_logs(&logs))
            .unwrap();
        let topic = security
            .add(AlarmTopic::new("Alarms").encryption(&key))
            .unwrap();
        let monitoring = app.stack("monitoring").unwrap();
        monitoring
            .add(trail.security_alarms(&topic).id("TrailAlarms"))
            .unwrap();
        let t = template_of(&app, "monitoring");
        assert_eq!(
            prop(&t, "TrailAlarmsRootUseFilter", "/LogGroupName"),
            &json!({ "Fn::ImportValue": "security:AuditLogs:Ref" })
        );
        assert_eq!(
            prop(&t, "TrailAlarmsRootUseAlarm", "/AlarmActions"),
            &json!([{ "Fn::ImportValue": "security:Alarms:Ref" }])
        );
    }

    /// An alarm whose topic (here in another stack) has no subscriber in the app tells no
    /// one that the app shows: L3 is a gap, not a pass, until the topic has an address.
    #[test]
    fn an_alarm_whose_topic_no_one_subscribes_to_is_a_gap_of_l3() {
        let l3 = |emails: &[&str]| {
            let app = App::new("test");
            let security = app.stack("security").unwrap();
            let key = security.add(KmsKey::new("PhiKey")).unwrap();
            let mut topic = AlarmTopic::new("Alarms").encryption(&key);
            for email in emails {
                topic = topic.email(*email);
            }
            let topic = security.add(topic).unwrap();
            let monitoring = app.stack("monitoring").unwrap();
            monitoring
                .add(Alarm::new("Errors", AlarmMetric::new("App", "Errors")).notify(&topic))
                .unwrap();
            let assembly = app.check().unwrap();
            crate::testing::status_of(&assembly, "L3", "Errors").expect("L3 ran on the alarm")
        };
        match l3(&[]) {
            crate::testing::Status::Gap { reason } => {
                assert!(reason.contains("`Alarms`"), "{reason}");
                assert!(reason.contains("AlarmTopic::email"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(
                l3(&["oncall@clinic.example"]),
                crate::testing::Status::Enforced { .. }
            ),
            "{:?}",
            l3(&["oncall@clinic.example"])
        );
    }
}
