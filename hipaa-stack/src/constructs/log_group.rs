//! [`LogGroup`]: an encrypted, retained CloudWatch Logs log group.

use crate::app::node::IntoNode;
use crate::app::node::{KeyService, Node, RenderCx, Used};
use crate::app::{Arn, Attr, Handle, Name, Reference};
use crate::cfn::logs::LogGroup as CfnLogGroup;
use crate::cfn::{Keep, Resource};
use crate::constructs::{Construct, EncryptionKey, KeyChosen, KmsKey, NoKey};
use crate::literal::Days;

/// Log groups keep events this long unless the program says otherwise.
pub(crate) const DEFAULT_LOG_RETENTION: u16 = 365;

/// A CloudWatch Logs log group for logs that may contain PHI.
///
/// It needs a customer-managed key ([`encryption`](LogGroup::encryption)); without it,
/// [`Stack::add`](crate::Stack::add) does not compile. The key's policy is extended with a
/// statement that lets CloudWatch Logs in this account and region use it.
///
/// # Secure defaults
/// - Encrypted with the customer key (`KmsKeyId`, control L1, §164.312(a)(2)(iv)).
/// - Events kept at least a year (L2, §164.312(b)); only CloudWatch's allowed values of a
///   year or more compile.
/// - `DeletionPolicy` and `UpdateReplacePolicy` `Retain`.
///
/// # Options
/// - [`retention`](LogGroup::retention). Default: 365 days.
///
/// ```
/// use hipaa_stack::prelude::*;
/// let app = App::new("clinic");
/// let stack = app.stack("clinic")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let logs = stack.add(LogGroup::new("AppLogs").encryption(&key).retention(days!(731)))?;
/// stack.output("AppLogGroup", logs.name())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// A retention under a year does not compile:
///
/// ```compile_fail
/// use hipaa_stack::prelude::*;
/// let _ = LogGroup::new("AppLogs").retention(days!(30));
/// ```
#[derive(Debug, Clone)]
pub struct LogGroup<K = Handle<KmsKey>> {
    id: String,
    key: K,
    retention: u16,
}

/// A retention that CloudWatch Logs allows and that keeps events at least a year.
///
/// Sealed, as are [`BackupRetention`](crate::BackupRetention),
/// [`RecoveryPointRetention`](crate::RecoveryPointRetention),
/// [`QueueRetention`](crate::QueueRetention) and [`RotationInterval`](crate::RotationInterval):
/// only a `days!(..)` value is one, and a type of the program's own is not.
///
/// ```compile_fail
/// struct Forever;
/// impl hipaa_stack::LogRetention for Forever {}
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an allowed retention for a log group of PHI",
    label = "use one of days!(365), days!(400), days!(545), days!(731), days!(1827), days!(2192), days!(2557), days!(2922), days!(3288), days!(3653)",
    note = "HIPAA 45 CFR §164.312(b) (hipaa-stack control L2): audit logs are kept at least a year, and CloudWatch Logs accepts only its listed values"
)]
pub trait LogRetention: crate::constructs::sealed::DaysKind {}

macro_rules! log_retentions {
    ($($n:literal),*) => { $(impl LogRetention for Days<$n> {})* };
}
log_retentions!(365, 400, 545, 731, 1827, 2192, 2557, 2922, 3288, 3653);

impl LogGroup<NoKey> {
    /// A log group with the construct id `id`.
    pub fn new(id: impl Into<String>) -> Self {
        LogGroup {
            id: id.into(),
            key: NoKey,
            retention: DEFAULT_LOG_RETENTION,
        }
    }
}

impl<K> LogGroup<K> {
    /// Encrypts the log group with this customer-managed key.
    pub fn encryption<E: EncryptionKey>(self, key: &Handle<E>) -> LogGroup<Handle<KmsKey>> {
        LogGroup {
            id: self.id,
            key: key.cast(),
            retention: self.retention,
        }
    }

    /// How long events are kept. Default: 365 days.
    pub fn retention<const N: u16>(mut self, days: Days<N>) -> Self
    where
        Days<N>: LogRetention,
    {
        self.retention = days.get();
        self
    }
}

impl Handle<LogGroup> {
    /// The log group's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("Arn"))
    }

    /// The log group's name.
    pub fn name(&self) -> Reference<Name> {
        self.attr_ref("", Attr::Ref)
    }
}

impl<K: KeyChosen<LogGroup>> Construct<LogGroup> for LogGroup<K> {}

impl<K: KeyChosen<LogGroup>> IntoNode<LogGroup> for LogGroup<K> {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(LogGroupNode {
            id: self.id,
            key: self.key.key(),
            retention: self.retention,
        })
    }
}

struct LogGroupNode {
    id: String,
    key: Handle<KmsKey>,
    retention: u16,
}

impl Node for LogGroupNode {
    fn kind(&self) -> &'static str {
        "LogGroup"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &[""]
    }

    fn uses(&self) -> Vec<Used> {
        vec![self.key.used("KmsKey")]
    }

    fn key_services(&self) -> Vec<(u32, KeyService)> {
        vec![(self.key.index, KeyService::Logs)]
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let key = cx.resolve(self.key.arn());
        Ok(vec![encrypted_log_group(cx, "", key, self.retention)?])
    }
}

/// An encrypted, retained log group as the part `part` of the construct being rendered.
pub(crate) fn encrypted_log_group(
    cx: &RenderCx<'_>,
    part: &str,
    key: crate::cfn::Expr,
    retention: u16,
) -> Result<Resource, serde_json::Error> {
    let group = CfnLogGroup {
        log_group_name: None,
        kms_key_id: key,
        retention_in_days: retention,
    };
    Ok(Resource::new(cx.logical(part), group)?.keep(Keep::Retain))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::{assert_kept, prop, template_with};

    #[test]
    fn is_encrypted_kept_a_year_and_retained() {
        let t = template_with(|stack, key, _| {
            stack.add(LogGroup::new("App").encryption(&key)).unwrap();
        });
        assert_eq!(
            prop(&t, "App", "/KmsKeyId"),
            &json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
        );
        assert_eq!(prop(&t, "App", "/RetentionInDays"), 365);
        assert_kept(&t, "App", "Retain");
    }

    #[test]
    fn takes_a_longer_allowed_retention() {
        let t = template_with(|stack, key, _| {
            stack
                .add(LogGroup::new("App").retention(days!(3653)).encryption(&key))
                .unwrap();
        });
        assert_eq!(prop(&t, "App", "/RetentionInDays"), 3653);
    }
}
