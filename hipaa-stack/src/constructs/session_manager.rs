//! [`SessionManagerPreferences`]: the account's Session Manager preferences, so that "admin
//! through SSM only" is encrypted and auditable.

use crate::app::node::IntoNode;
use crate::app::node::{KeyService, Node, RenderCx, Used};
use crate::app::{Attr, Handle, Name, Reference};
use crate::cfn::Resource;
use crate::cfn::ssm::{Document, SessionContent, SessionInputs};
use crate::constructs::log_group::{DEFAULT_LOG_RETENTION, LogRetention, encrypted_log_group};
use crate::constructs::{Construct, EncryptionKey, KeyChosen, KmsKey, NoKey};
use crate::literal::Days;

/// The name Session Manager reads its preferences from, one document per account and region.
pub const SESSION_PREFERENCES_DOCUMENT: &str = "SSM-SessionManagerRunShell";

/// The Session Manager preferences of the account and region: every session (the way
/// administrators reach a `SecureInstance` without SSH) is encrypted end to end with the
/// customer-managed key, and its input and output are streamed to a log group encrypted with
/// the key and kept at least a year. The instances' Systems Manager agent needs its own
/// permissions: `Role::agent_permissions(AgentPermissions::SsmAgent)` on their role
/// ([`AgentPermissions`](crate::AgentPermissions)).
///
/// It needs a customer-managed key ([`encryption`](SessionManagerPreferences::encryption));
/// without it, [`Stack::add`](crate::Stack::add) does not compile. The instances' role and
/// the administrators need `kms:Decrypt` on the key (`key.grant_decrypt(..)`) to open a
/// session.
///
/// It is the document `SSM-SessionManagerRunShell`, of which an account has one per
/// region: add it to one stack of the app, and not where the console has already saved
/// preferences (delete those first, or CloudFormation cannot create it).
///
/// # Secure defaults
/// - Sessions encrypted with the customer key (`kmsKeyId`, §164.312(e)(1)).
/// - Session logs streamed to a log group encrypted with the key
///   (`cloudWatchEncryptionEnabled`), kept a year, retained (§164.312(b), L1, L2; rule SM1).
/// - No run-as user: sessions run as `ssm-user`.
/// - Idle sessions end after 20 minutes, every session after 8 hours (§164.312(a)(2)(iii)).
///
/// # Options
/// - [`idle_timeout_minutes`](SessionManagerPreferences::idle_timeout_minutes), 1 to 60.
/// - [`max_session_minutes`](SessionManagerPreferences::max_session_minutes), 1 to 1,440.
/// - [`log_retention`](SessionManagerPreferences::log_retention). Default: 365 days.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::SessionManagerPreferences;
/// let app = App::new("portal");
/// let stack = app.stack("portal-security")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let sessions = stack.add(SessionManagerPreferences::new("Sessions").encryption(&key))?;
/// stack.output("SessionLogs", sessions.log_group_name())?;
/// # app.synth()?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SessionManagerPreferences<K = Handle<KmsKey>> {
    id: String,
    key: K,
    idle_minutes: u16,
    max_minutes: u16,
    retention: u16,
}

impl SessionManagerPreferences<NoKey> {
    /// The preferences, with the construct id `id`.
    pub fn new(id: impl Into<String>) -> Self {
        SessionManagerPreferences {
            id: id.into(),
            key: NoKey,
            idle_minutes: 20,
            max_minutes: 480,
            retention: DEFAULT_LOG_RETENTION,
        }
    }
}

impl<K> SessionManagerPreferences<K> {
    /// Encrypts sessions and their logs with this customer-managed key.
    pub fn encryption<E: EncryptionKey>(
        self,
        key: &Handle<E>,
    ) -> SessionManagerPreferences<Handle<KmsKey>> {
        SessionManagerPreferences {
            id: self.id,
            key: key.cast(),
            idle_minutes: self.idle_minutes,
            max_minutes: self.max_minutes,
            retention: self.retention,
        }
    }

    /// Ends a session idle this long, 1 to 60 minutes (checked when added). Default: 20.
    pub fn idle_timeout_minutes(mut self, minutes: u16) -> Self {
        self.idle_minutes = minutes;
        self
    }

    /// Ends every session after this long, 1 to 1,440 minutes (checked when added).
    /// Default: 480.
    pub fn max_session_minutes(mut self, minutes: u16) -> Self {
        self.max_minutes = minutes;
        self
    }

    /// How long session logs are kept. Default: 365 days.
    pub fn log_retention<const N: u16>(mut self, days: Days<N>) -> Self
    where
        Days<N>: LogRetention,
    {
        self.retention = days.get();
        self
    }
}

impl Handle<SessionManagerPreferences> {
    /// The name of the log group of the session logs.
    pub fn log_group_name(&self) -> Reference<Name> {
        self.attr_ref("Logs", Attr::Ref)
    }
}

impl<K: KeyChosen<SessionManagerPreferences>> Construct<SessionManagerPreferences>
    for SessionManagerPreferences<K>
{
}

impl<K: KeyChosen<SessionManagerPreferences>> IntoNode<SessionManagerPreferences>
    for SessionManagerPreferences<K>
{
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(PreferencesNode {
            id: self.id,
            key: self.key.key(),
            idle_minutes: self.idle_minutes,
            max_minutes: self.max_minutes,
            retention: self.retention,
        })
    }
}

struct PreferencesNode {
    id: String,
    key: Handle<KmsKey>,
    idle_minutes: u16,
    max_minutes: u16,
    retention: u16,
}

impl Node for PreferencesNode {
    fn kind(&self) -> &'static str {
        "SessionManagerPreferences"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &["", "Logs"]
    }

    fn uses(&self) -> Vec<Used> {
        vec![self.key.used("KmsKey")]
    }

    fn key_services(&self) -> Vec<(u32, KeyService)> {
        vec![(self.key.index, KeyService::Logs)]
    }

    fn check(&self) -> Result<(), String> {
        if !(1..=60).contains(&self.idle_minutes) {
            return Err(format!(
                "an idle timeout of {} minutes is outside Session Manager's 1 to 60",
                self.idle_minutes
            ));
        }
        if !(1..=1440).contains(&self.max_minutes) {
            return Err(format!(
                "a maximum session of {} minutes is outside Session Manager's 1 to 1,440",
                self.max_minutes
            ));
        }
        Ok(())
    }

    fn check_in(&self, arena: &crate::app::Arena, stack: u32) -> Result<(), String> {
        // One document of this name per account and region.
        let here = arena.placement(stack);
        if let Some(other) = arena.constructs.iter().position(|c| {
            c.node.kind() == "SessionManagerPreferences" && arena.placement(c.stack) == here
        }) {
            return Err(format!(
                "`{}` already sets the Session Manager preferences; an account has one `{SESSION_PREFERENCES_DOCUMENT}` document per region",
                arena.path(u32::try_from(other).unwrap_or(0))
            ));
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let key = cx.resolve(self.key.arn());
        let logs = encrypted_log_group(cx, "Logs", key.clone(), self.retention)?;
        let document = Document {
            name: SESSION_PREFERENCES_DOCUMENT,
            document_type: "Session",
            document_format: "JSON",
            update_method: "NewVersion",
            content: SessionContent {
                schema_version: "1.0",
                description: format!("Session Manager preferences of {}", cx.path()),
                session_type: "Standard_Stream",
                inputs: SessionInputs {
                    s3_bucket_name: "",
                    s3_key_prefix: "",
                    s3_encryption_enabled: true,
                    cloud_watch_log_group_name: cx.own_ref("Logs"),
                    cloud_watch_encryption_enabled: true,
                    cloud_watch_streaming_enabled: true,
                    kms_key_id: key,
                    run_as_enabled: false,
                    run_as_default_user: "",
                    idle_session_timeout: self.idle_minutes.to_string(),
                    max_session_duration: self.max_minutes.to_string(),
                },
            },
        };
        Ok(vec![logs, Resource::new(cx.logical(""), document)?])
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::SessionManagerPreferences;
    use crate::prelude::*;
    use crate::testing::{assert_kept, prop, resource, template_with};

    #[test]
    fn sessions_are_encrypted_and_logged_to_an_encrypted_group() {
        let t = template_with(|stack, key, _| {
            stack
                .add(
                    SessionManagerPreferences::new("Sessions")
                        .encryption(&key)
                        .idle_timeout_minutes(15)
                        .max_session_minutes(60),
                )
                .unwrap();
        });
        let document = resource(&t, "Sessions");
        assert_eq!(document["Type"], "AWS::SSM::Document");
        assert_eq!(document["Properties"]["Name"], "SSM-SessionManagerRunShell");
        assert_eq!(document["Properties"]["DocumentType"], "Session");
        assert_eq!(
            prop(&t, "Sessions", "/Content/inputs"),
            &json!({
                "s3BucketName": "",
                "s3KeyPrefix": "",
                "s3EncryptionEnabled": true,
                "cloudWatchLogGroupName": { "Ref": "SessionsLogs" },
                "cloudWatchEncryptionEnabled": true,
                "cloudWatchStreamingEnabled": true,
                "kmsKeyId": { "Fn::GetAtt": ["PhiKey", "Arn"] },
                "runAsEnabled": false,
                "runAsDefaultUser": "",
                "idleSessionTimeout": "15",
                "maxSessionDuration": "60"
            })
        );
        assert_eq!(
            prop(&t, "SessionsLogs", "/KmsKeyId"),
            &json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
        );
        assert_kept(&t, "SessionsLogs", "Retain");

        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        stack
            .add(SessionManagerPreferences::new("Sessions").encryption(&key))
            .unwrap();
        let assembly = app.synth().unwrap();
        assert!(assembly.evaluation().findings().is_empty());
        assert!(assembly.evaluation().results.iter().any(|c| c.rule == "SM1"
            && &*c.logical_id == "Sessions"
            && matches!(c.status, crate::testing::Status::Enforced { .. })));
    }

    #[test]
    fn limits_and_the_one_document_are_checked_when_added() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        for (prefs, needle) in [
            (
                SessionManagerPreferences::new("A")
                    .encryption(&key)
                    .idle_timeout_minutes(0),
                "outside Session Manager's 1 to 60",
            ),
            (
                SessionManagerPreferences::new("B")
                    .encryption(&key)
                    .max_session_minutes(2000),
                "outside Session Manager's 1 to 1,440",
            ),
        ] {
            let err = stack.add(prefs).unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        }
        stack
            .add(SessionManagerPreferences::new("C").encryption(&key))
            .unwrap();
        let other = app.stack("u").unwrap();
        let err = other
            .add(SessionManagerPreferences::new("D").encryption(&key))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`t/C` already sets"), "{err}");
        let west = app
            .stack_in("w", crate::Region::new("us-west-2").unwrap())
            .unwrap();
        let west_key = west.add(KmsKey::new("WestKey")).unwrap();
        west.add(SessionManagerPreferences::new("E").encryption(&west_key))
            .unwrap();
    }
}
