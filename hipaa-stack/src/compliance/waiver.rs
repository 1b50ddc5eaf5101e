//! Waivers: a rule, a construct, a written reason, an optional expiry.

use crate::app::{App, AppId, Handle, WaiverEntry};
use crate::compliance::rule::Waivable;
use crate::error::{Error, Result};
use crate::literal::Date;

/// A decision, written in code, that a construct does not meet a rule, and why.
///
/// The rule is named as a type from [`rule`](crate::compliance::rule); rules that protect
/// PHI at rest, in transit and from the public accept no waiver, and naming one does not
/// compile. The waiver is written into the resources' metadata (where cdk-nag, checkov and
/// cfn-guard read it too) and into the report. After its expiry date, `synth` refuses the
/// finding again.
///
/// ```
/// use hipaa_stack::compliance::{Waiver, rule};
/// use hipaa_stack::prelude::*;
///
/// let app = App::new("clinic");
/// let stack = app.stack("clinic-data")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
/// let scans = stack.add(SecureBucket::new("Scans").encryption(&key).access_logs(&logs))?;
/// app.waive(
///     Waiver::new(rule::S10, &scans, "scans are re-imported from the imaging archive after a regional outage")
///         .until(date!("2027-06-30")),
/// )?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// A waiver of a rule that accepts none does not compile:
///
/// ```compile_fail
/// use hipaa_stack::compliance::{Waiver, rule};
/// # use hipaa_stack::prelude::*;
/// # let app = App::new("clinic");
/// # let stack = app.stack("s").unwrap();
/// # let key = stack.add(KmsKey::new("PhiKey")).unwrap();
/// let _ = Waiver::new(rule::S8, &key, "TLS is too slow");
/// ```
#[derive(Debug, Clone)]
pub struct Waiver {
    rule: &'static str,
    app: AppId,
    construct: u32,
    reason: String,
    expires: Option<Date>,
}

impl Waiver {
    /// Waives `rule` on every resource of the construct `on`, for `reason`.
    pub fn new<R: Waivable, C>(rule: R, on: &Handle<C>, reason: impl Into<String>) -> Self {
        let _ = rule;
        Waiver {
            rule: R::ID,
            app: on.app,
            construct: on.index,
            reason: reason.into(),
            expires: None,
        }
    }

    /// The only waiver of rule `H1` (HIPAA-eligible services): the resources of the construct
    /// `on` belong to a service that is not on AWS's list of HIPAA Eligible Services, and
    /// `reason` says why they never hold, process or transmit PHI. The report shows it as
    /// "never holds PHI: …".
    ///
    /// ```
    /// use hipaa_stack::compliance::Waiver;
    /// use hipaa_stack::prelude::*;
    ///
    /// let app = App::new("clinic");
    /// let stack = app.stack("clinic-games")?;
    /// let fleet = stack.add(RawResource::new("Fleet", "AWS::GameLift::Fleet"))?;
    /// app.waive(Waiver::never_holds_phi(
    ///     &fleet,
    ///     "the waiting-room game servers receive no patient data of any kind",
    /// ))?;
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn never_holds_phi<C>(on: &Handle<C>, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Waiver {
            rule: crate::compliance::rule::NEVER_HOLDS_PHI,
            app: on.app,
            construct: on.index,
            reason: if reason.trim().len() < 10 {
                reason
            } else {
                format!("never holds PHI: {reason}")
            },
            expires: None,
        }
    }

    /// The last day the waiver holds; from the next day on, `synth` refuses the finding.
    pub fn until(mut self, last_day: Date) -> Self {
        self.expires = Some(last_day);
        self
    }
}

impl App {
    /// Records a waiver. Refused when the construct belongs to another app, when the reason
    /// is blank, or when the same rule is already waived on the construct.
    pub fn waive(&self, waiver: Waiver) -> Result<()> {
        let mut arena = self.arena_mut();
        if waiver.app != self.id() {
            return Err(Error::ForeignHandle {
                place: format!("the waiver of rule {}", waiver.rule),
                what: "construct",
            });
        }
        let path = arena.path(waiver.construct);
        if waiver.reason.trim().len() < 10 {
            return Err(Error::InvalidWaiver {
                rule: waiver.rule,
                path,
                reason: "write the reason an auditor will read, in a sentence".to_owned(),
            });
        }
        if arena
            .waivers
            .iter()
            .any(|w| w.rule == waiver.rule && w.construct == waiver.construct)
        {
            return Err(Error::InvalidWaiver {
                rule: waiver.rule,
                path,
                reason: "the rule is already waived on this construct".to_owned(),
            });
        }
        arena.waivers.push(WaiverEntry {
            rule: waiver.rule,
            construct: waiver.construct,
            reason: waiver.reason,
            expires: waiver.expires,
        });
        Ok(())
    }
}
