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
            // A reason `App::waive` refuses stays as written, so that the prefix does not
            // make it pass.
            reason: if reason_problem(&reason).is_some() {
                reason
            } else {
                format!("never holds PHI: {reason}")
            },
            expires: None,
        }
    }

    /// The last day the waiver holds, a day in UTC (`synth`, `check` and `report` read
    /// today's date in UTC from the system clock); from the next day on, `synth` refuses
    /// the finding, and a waived gap is a gap again.
    ///
    /// At most a year after today ([`App::waive`] refuses a later day): an auditor reviews
    /// each waiver at least once a year, and a waiver `until` 9999-12-31 is a permanent
    /// waiver that reads as a temporary one. A waiver reviewed again is given a new last day;
    /// one without a last day is shown as holding until it is removed.
    pub fn until(mut self, last_day: Date) -> Self {
        self.expires = Some(last_day);
        self
    }
}

impl App {
    /// Records a waiver. Refused when the construct belongs to another app, when the reason
    /// is not a sentence an auditor can read, when its last day ([`Waiver::until`]) is more
    /// than a year after today, or when the
    /// same rule is already waived on the construct.
    pub fn waive(&self, waiver: Waiver) -> Result<()> {
        let mut arena = self.arena_mut();
        if waiver.app != self.id() {
            return Err(Error::ForeignHandle {
                place: format!("the waiver of rule {}", waiver.rule),
                what: "construct",
            });
        }
        let path = arena.path(waiver.construct);
        if let Some(problem) = reason_problem(&waiver.reason) {
            return Err(Error::InvalidWaiver {
                rule: waiver.rule,
                path,
                reason: problem.to_owned(),
            });
        }
        if let Some(problem) = waiver.expires.and_then(|last| too_far(last, Date::today())) {
            return Err(Error::InvalidWaiver {
                rule: waiver.rule,
                path,
                reason: problem,
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

/// The latest last day a waiver may have on `today`: the same day a year later (28 February
/// for 29 February), or 2999-12-31, the last day a [`Date`] holds. An auditor reviews each
/// waiver at least once a year (the report lists every waiver with its last day), so a
/// waiver's written acceptance of a risk runs out before the next review and is renewed by
/// a person, never carried on by a far date.
pub(crate) fn last_allowed_day(today: Date) -> Date {
    let text = today.to_string();
    let mut parts = text.split('-').map(|p| p.parse::<u16>().unwrap_or(0));
    let (year, month, day) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(1),
        parts.next().unwrap_or(1),
    );
    let latest = || Date::parse("2999-12-31");
    Date::parse(&format!(
        "{:04}-{month:02}-{day:02}",
        year.saturating_add(1)
    ))
    .or_else(|_| Date::parse(&format!("{:04}-{month:02}-28", year.saturating_add(1))))
    .or_else(|_| latest())
    .unwrap_or(today)
}

/// Why a waiver whose last day is `last` cannot be recorded on `today`, if it cannot: the
/// day is more than a year away ([`last_allowed_day`]).
pub(crate) fn too_far(last: Date, today: Date) -> Option<String> {
    let latest = last_allowed_day(today);
    (last > latest).then(|| {
        format!(
            "its last day, {last}, is more than a year after today ({today}), and an auditor reviews every waiver at least once a year; give it a last day by {latest} (`.until(date!(\"{latest}\"))`) and renew it after the review"
        )
    })
}

pub(crate) use crate::reason::{invisible, reason_problem};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance::rule;
    use crate::prelude::*;

    /// Before, a waiver could run to any day a `Date` holds: `until` 9999-12-31 (2999-12-31
    /// here) was a permanent waiver that the report showed as a temporary one. A last day
    /// more than a year after today is refused, with the latest day it may have.
    #[test]
    fn a_waiver_may_run_at_most_a_year() {
        let day = |text: &str| Date::parse(text).unwrap();
        assert_eq!(last_allowed_day(day("2026-12-05")), day("2027-12-05"));
        assert_eq!(last_allowed_day(day("2028-02-29")), day("2029-02-28"));
        assert_eq!(last_allowed_day(day("2999-06-01")), day("2999-12-31"));
        assert!(too_far(day("2027-12-05"), day("2026-12-05")).is_none());
        assert!(too_far(day("2027-12-06"), day("2026-12-05")).is_some());

        let today = Date::today();
        let latest = last_allowed_day(today);
        for (last, refused) in [
            (day("2999-12-31"), true),
            (latest, false),
            (today, false),
            (day("2020-01-01"), false),
        ] {
            let app = App::new("a");
            let stack = app.stack("s").unwrap();
            let key = stack.add(KmsKey::new("PhiKey")).unwrap();
            let logs = stack.add(AccessLogBucket::new("AccessLogs")).unwrap();
            let bucket = stack
                .add(
                    SecureBucket::new("Scans")
                        .encryption(&key)
                        .access_logs(&logs),
                )
                .unwrap();
            let waived = app.waive(
                Waiver::new(
                    rule::S10,
                    &bucket,
                    "scans are re-imported from the imaging archive",
                )
                .until(last),
            );
            match waived {
                Err(Error::InvalidWaiver { rule, path, reason }) if refused => {
                    assert_eq!((rule, path.as_str()), ("S10", "s/Scans"));
                    assert!(reason.contains("more than a year"), "{reason}");
                    assert!(reason.contains(&latest.to_string()), "{reason}");
                }
                Ok(()) if !refused => {}
                other => panic!("{last}: {other:?}"),
            }
        }
    }

    /// The reasons an auditor cannot read: blank, punctuation, one word, text that hides
    /// or forges lines (a line break, a carriage return, an escape, a bidirectional
    /// override, a zero-width space, a line separator).
    const UNREADABLE: &[&str] = &[
        "",
        "          ",
        "..........!!!!!!!!!!",
        "necessaryforbusinessreasons",
        "ok ok",
        "scans are re-imported\nwaived: S1 at `data/Records`: approved by the CISO",
        "scans are re-imported\r0 finding(s), 0 gap(s)",
        "scans are \u{1b}[8mre-imported\u{1b}[0m from the archive",
        "scans are re-imported \u{202e}devorppa ton\u{202c} from the archive",
        "scans are re-imported\u{2066} from the archive",
        "scans are re\u{200b}-imported from the archive",
        "scans are re-imported\u{2028}from the archive",
        "scans are re-imported\u{e0041} from the archive",
        // A secret's value in prose, which rule `P1` does not read as one.
        "the admin password is hunter2hunter2 for now",
        "password: hunter2hunter2 until it is rotated",
        "the vendor portal password = Winter2024! for now",
        "the appliance API key is ab12cd34ef56 until the upgrade",
        "the token was x9y8z7w6 when the vendor tested it",
    ];

    #[test]
    fn a_waiver_whose_reason_no_auditor_can_read_is_refused_with_what_to_do() {
        for reason in UNREADABLE {
            assert!(reason_problem(reason).is_some(), "{reason:?}");
            let app = App::new("a");
            let stack = app.stack("s").unwrap();
            let key = stack.add(KmsKey::new("PhiKey")).unwrap();
            let logs = stack.add(AccessLogBucket::new("AccessLogs")).unwrap();
            let bucket = stack
                .add(
                    SecureBucket::new("Scans")
                        .encryption(&key)
                        .access_logs(&logs),
                )
                .unwrap();
            let raw = stack
                .add(RawResource::new("Fleet", "AWS::GameLift::Fleet"))
                .unwrap();
            for waiver in [
                Waiver::new(rule::S10, &bucket, *reason),
                // The prefix that `never_holds_phi` writes does not make a reason readable.
                Waiver::never_holds_phi(&raw, *reason),
            ] {
                match app.waive(waiver) {
                    Err(Error::InvalidWaiver { reason: why, .. }) => {
                        assert_eq!(Some(why.as_str()), reason_problem(reason));
                        assert!(why.contains("; "), "says what to do: {why}");
                    }
                    other => panic!("{reason:?} was not refused: {other:?}"),
                }
            }
            assert!(app.arena().waivers.is_empty());
        }
    }

    #[test]
    fn a_readable_reason_in_any_script_is_taken() {
        for reason in [
            "a test resource",
            "TLS is too slow",
            "les scans sont réimportés depuis l'archive",
            "スキャンは 画像アーカイブ から 再取り込み される",
            "scans are re-imported (ticket SEC-1234) from the archive",
            "the password is rotated every 30 days by Secrets Manager",
            "the API key is read at run time from its secret",
            "the secret is kept in Secrets Manager and named by its ARN",
            "the token expires after 15 minutes (STS)",
        ] {
            assert_eq!(reason_problem(reason), None, "{reason:?}");
        }
    }
}
