//! The control catalogue: the HIPAA Security Rule standards and implementation
//! specifications (45 CFR §164) that infrastructure can address, and those that the
//! customer's responsibilities serve (the report cites no control it does not list), each
//! with its title, whether it is required or addressable, and the NIST SP 800-53 Rev. 5
//! controls that NIST SP 800-66 Rev. 2 relates it to.
//!
//! The NIST column is hipaa-stack's reading of SP 800-66 Rev. 2; an auditor should confirm
//! it against NIST's published crosswalk for their own assessment.

use serde::Serialize;

/// Whether the Security Rule makes an implementation specification required or addressable;
/// a standard is the heading the specifications belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Requirement {
    /// A standard.
    Standard,
    /// A required implementation specification.
    Required,
    /// An addressable implementation specification: implement it, or document why an
    /// alternative is reasonable and appropriate.
    Addressable,
}

/// One standard or implementation specification of the Security Rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Control {
    /// The citation, e.g. `164.312(a)(2)(iv)`.
    pub id: &'static str,
    /// The title in the rule.
    pub title: &'static str,
    /// Standard, required or addressable.
    pub requirement: Requirement,
    /// The NIST SP 800-53 Rev. 5 controls it relates to.
    pub nist: &'static [&'static str],
}

const fn c(
    id: &'static str,
    title: &'static str,
    requirement: Requirement,
    nist: &'static [&'static str],
) -> Control {
    Control {
        id,
        title,
        requirement,
        nist,
    }
}

use Requirement::{Addressable, Required, Standard};

/// Every control hipaa-stack reports on, in the order of the rule: the standards and
/// implementation specifications that infrastructure can address, and every one that a
/// [customer responsibility](CUSTOMER_RESPONSIBILITIES) serves (a report that cites a control
/// lists it, with its status). Titles, and whether a specification is required or
/// addressable, as 45 CFR §164.308, §164.310, §164.312, §164.314 and §164.316 write them
/// (eCFR; e.g. §164.316(b)(2)(i) "Time limit (Required). Retain the documentation … for 6
/// years").
pub const CONTROLS: &[Control] = &[
    c(
        "164.308(a)(1)(i)",
        "Security management process",
        Standard,
        &["PM-9", "RA-1", "CA-7"],
    ),
    c(
        "164.308(a)(1)(ii)(A)",
        "Risk analysis",
        Required,
        &["RA-3", "RA-5"],
    ),
    c(
        "164.308(a)(1)(ii)(B)",
        "Risk management",
        Required,
        &["PM-9", "RA-7"],
    ),
    c(
        "164.308(a)(1)(ii)(C)",
        "Sanction policy",
        Required,
        &["PS-8"],
    ),
    c(
        "164.308(a)(1)(ii)(D)",
        "Information system activity review",
        Required,
        &["AU-6", "AU-7", "CA-7", "SI-4"],
    ),
    c(
        "164.308(a)(3)(i)",
        "Workforce security",
        Standard,
        &["AC-2", "AC-3", "PS-3"],
    ),
    c(
        "164.308(a)(3)(ii)(A)",
        "Authorization and/or supervision",
        Addressable,
        &["AC-2", "AC-3", "AC-6"],
    ),
    c(
        "164.308(a)(3)(ii)(B)",
        "Workforce clearance procedure",
        Addressable,
        &["PS-2", "PS-3"],
    ),
    c(
        "164.308(a)(4)(i)",
        "Information access management",
        Standard,
        &["AC-1", "AC-3", "AC-6"],
    ),
    c(
        "164.308(a)(4)(ii)(A)",
        "Isolating health care clearinghouse functions",
        Required,
        &["AC-4", "SC-7"],
    ),
    c(
        "164.308(a)(4)(ii)(B)",
        "Access authorization",
        Addressable,
        &["AC-2", "AC-3", "AC-6"],
    ),
    c(
        "164.308(a)(4)(ii)(C)",
        "Access establishment and modification",
        Addressable,
        &["AC-2", "AC-6", "CM-5"],
    ),
    c(
        "164.308(a)(5)(ii)(A)",
        "Security reminders",
        Addressable,
        &["AT-2", "SI-2"],
    ),
    c(
        "164.308(a)(5)(ii)(C)",
        "Log-in monitoring",
        Addressable,
        &["AC-7", "AU-2", "AU-6", "SI-4"],
    ),
    c(
        "164.308(a)(5)(ii)(D)",
        "Password management",
        Addressable,
        &["IA-5"],
    ),
    c(
        "164.308(a)(6)(ii)",
        "Response and reporting",
        Required,
        &["IR-4", "IR-5", "IR-6"],
    ),
    c(
        "164.308(a)(7)(i)",
        "Contingency plan",
        Standard,
        &["CP-1", "CP-2"],
    ),
    c(
        "164.308(a)(7)(ii)(A)",
        "Data backup plan",
        Required,
        &["CP-9"],
    ),
    c(
        "164.308(a)(7)(ii)(B)",
        "Disaster recovery plan",
        Required,
        &["CP-2", "CP-10"],
    ),
    c(
        "164.308(a)(7)(ii)(C)",
        "Emergency mode operation plan",
        Required,
        &["CP-2", "CP-10", "CP-11"],
    ),
    c(
        "164.308(a)(7)(ii)(D)",
        "Testing and revision procedures",
        Addressable,
        &["CP-4"],
    ),
    c(
        "164.308(b)(1)",
        "Business associate contracts and other arrangements",
        Standard,
        &["SA-9", "PS-7"],
    ),
    c(
        "164.310(d)(1)",
        "Device and media controls",
        Standard,
        &["MP-4", "MP-6"],
    ),
    c(
        "164.310(d)(2)(iv)",
        "Data backup and storage",
        Addressable,
        &["CP-9", "MP-4"],
    ),
    c(
        "164.312(a)(1)",
        "Access control",
        Standard,
        &["AC-3", "AC-6", "SC-7"],
    ),
    c(
        "164.312(a)(2)(i)",
        "Unique user identification",
        Required,
        &["IA-2", "IA-4"],
    ),
    c(
        "164.312(a)(2)(iv)",
        "Encryption and decryption",
        Addressable,
        &["SC-12", "SC-13", "SC-28"],
    ),
    c(
        "164.312(b)",
        "Audit controls",
        Standard,
        &["AU-2", "AU-3", "AU-6", "AU-11", "AU-12"],
    ),
    c("164.312(c)(1)", "Integrity", Standard, &["SC-28", "SI-7"]),
    c(
        "164.312(c)(2)",
        "Mechanism to authenticate electronic protected health information",
        Addressable,
        &["SI-7"],
    ),
    c(
        "164.312(d)",
        "Person or entity authentication",
        Standard,
        &["IA-2", "IA-5"],
    ),
    c(
        "164.312(e)(1)",
        "Transmission security",
        Standard,
        &["SC-7", "SC-8"],
    ),
    c(
        "164.312(e)(2)(i)",
        "Integrity controls",
        Addressable,
        &["SC-8", "SI-7"],
    ),
    c(
        "164.312(e)(2)(ii)",
        "Encryption",
        Addressable,
        &["SC-8", "SC-13"],
    ),
    c(
        "164.314(a)(1)",
        "Business associate contracts or other arrangements",
        Standard,
        &["SA-9"],
    ),
    c("164.316(b)(2)(i)", "Time limit", Required, &["SI-12"]),
];

/// The controls whose requirement is, at heart, something no template holds: a contract, a
/// documented analysis, a policy, a workforce program or a procedure that people follow
/// (45 CFR §164.308(b)(1) and §164.314(a)(1) ask for a business associate contract, which
/// rule `H1`'s eligible services and rules `X1`/`X2`'s destinations support and never
/// prove; §164.308(a)(1)(ii)(B) asks for measures sized by the risk analysis, of which a WAF
/// is one; §164.308(a)(5)(ii)(A) for security reminders to the workforce; …). The rules that
/// serve them support them: their failures and gaps still count, and their proofs are
/// listed, but the control's status is the customer's ([`CustomerResponsibility`]), never
/// "enforced". Each is served by a customer responsibility.
pub(crate) const CUSTOMER_LED: &[&str] = &[
    "164.308(a)(1)(i)",
    "164.308(a)(1)(ii)(A)",
    "164.308(a)(1)(ii)(B)",
    "164.308(a)(1)(ii)(C)",
    "164.308(a)(1)(ii)(D)",
    "164.308(a)(3)(ii)(B)",
    "164.308(a)(4)(ii)(C)",
    "164.308(a)(5)(ii)(A)",
    "164.308(a)(5)(ii)(D)",
    "164.308(a)(6)(ii)",
    "164.308(a)(7)(ii)(D)",
    "164.308(b)(1)",
    "164.314(a)(1)",
    "164.316(b)(2)(i)",
];

/// Whether the control's requirement is the customer's at heart ([`CUSTOMER_LED`]).
pub(crate) fn customer_led(id: &str) -> bool {
    CUSTOMER_LED.contains(&id)
}

/// The control with this citation.
///
/// ```
/// let c = hipaa_stack::compliance::control("164.312(b)").unwrap();
/// assert_eq!(c.title, "Audit controls");
/// ```
pub fn control(id: &str) -> Option<&'static Control> {
    CONTROLS.iter().find(|c| c.id == id)
}

/// Something no template can do: the customer's part of the shared responsibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CustomerResponsibility {
    /// A short identifier.
    pub id: &'static str,
    /// What the customer must do.
    pub title: &'static str,
    /// Why no template can do it, or where it is done.
    pub detail: &'static str,
    /// The controls it serves.
    pub controls: &'static [&'static str],
}

const fn r(
    id: &'static str,
    title: &'static str,
    detail: &'static str,
    controls: &'static [&'static str],
) -> CustomerResponsibility {
    CustomerResponsibility {
        id,
        title,
        detail,
        controls,
    }
}

/// What remains the customer's to do, whatever the templates say.
pub const CUSTOMER_RESPONSIBILITIES: &[CustomerResponsibility] = &[
    r(
        "baa",
        "Sign the AWS Business Associate Addendum",
        "accepted in AWS Artifact for every account that holds PHI, before any PHI is stored",
        &["164.308(b)(1)", "164.314(a)(1)"],
    ),
    r(
        "risk-analysis",
        "Perform and document a risk analysis",
        "a written assessment of the risks to ePHI, repeated when the system changes",
        &[
            "164.308(a)(1)(i)",
            "164.308(a)(1)(ii)(A)",
            "164.308(a)(1)(ii)(B)",
        ],
    ),
    r(
        "training",
        "Train the workforce",
        "security awareness training, including phishing and log-in monitoring, with records",
        &["164.308(a)(5)(ii)(A)"],
    ),
    r(
        "sanctions",
        "Apply a sanction policy",
        "written consequences for workforce members who break security policy",
        &["164.308(a)(1)(ii)(C)"],
    ),
    r(
        "activity-review",
        "Review the audit logs and alarms",
        "someone reads the trail, the alarms and the findings on a schedule, and acts",
        &["164.308(a)(1)(ii)(D)", "164.308(a)(6)(ii)"],
    ),
    r(
        "incident-response",
        "Keep an incident response plan",
        "who is called, how a breach is contained, how it is reported under the Breach Notification Rule",
        &["164.308(a)(6)(ii)"],
    ),
    r(
        "contingency-tests",
        "Test restores and the disaster recovery plan",
        "restore backups into a scratch account on a schedule and record the result",
        &["164.308(a)(7)(ii)(B)", "164.308(a)(7)(ii)(D)"],
    ),
    r(
        "os-patching",
        "Patch operating systems and applications",
        "instances and containers are patched by the customer; RDS minor upgrades are automatic",
        &["164.308(a)(5)(ii)(A)"],
    ),
    r(
        "password-policy",
        "Set the IAM password policy",
        "account setting: length at least 14, all character classes, reuse 24, maximum age 90 days",
        &["164.308(a)(5)(ii)(D)", "164.312(d)"],
    ),
    r(
        "root-mfa",
        "Protect the root user with MFA and do not use it",
        "account setting: hardware MFA on root, no root access keys",
        &["164.312(d)"],
    ),
    r(
        "mfa",
        "Require MFA for every person with console access",
        "identity provider or IAM setting",
        &["164.312(d)"],
    ),
    r(
        "access-keys",
        "Rotate or remove long-lived access keys",
        "no access key older than 90 days; prefer roles and SSO",
        &["164.308(a)(4)(ii)(C)"],
    ),
    r(
        "ebs-default-encryption",
        "Turn on EBS encryption by default",
        "a per-region account setting that templates cannot make",
        &["164.312(a)(2)(iv)"],
    ),
    r(
        "account-detective-controls",
        "Turn on GuardDuty, Security Hub and AWS Config in every region the account uses",
        "an `AccountBaseline` does it for the account and region it is deployed to; regions the app does not deploy to need it too, from the console or AWS Organizations",
        &["164.308(a)(1)(ii)(D)", "164.308(a)(6)(ii)", "164.312(b)"],
    ),
    r(
        "alarm-recipients",
        "Subscribe and confirm who receives the alarms",
        "an `AlarmTopic` notifies only subscribers who confirmed their subscription; keep the on-call rota subscribed",
        &["164.308(a)(1)(ii)(D)", "164.308(a)(6)(ii)"],
    ),
    r(
        "s3-account-public-access",
        "Block public access for the whole S3 account",
        "a per-account setting; every hipaa-stack bucket blocks it on its own as well",
        &["164.312(a)(1)"],
    ),
    r(
        "access-reviews",
        "Review who has access",
        "periodic review of IAM roles, users and database grants",
        &["164.308(a)(3)(ii)(B)", "164.308(a)(4)(ii)(C)"],
    ),
    r(
        "documentation",
        "Keep policies and documentation six years",
        "the written policies, this report and the decisions behind waivers",
        &["164.316(b)(2)(i)"],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Before, four customer responsibilities cited controls the catalogue did not list
    /// (§164.308(a)(1)(ii)(C), §164.308(a)(3)(ii)(B), §164.308(a)(7)(ii)(D),
    /// §164.316(b)(2)(i)): the report cited controls it gave no status. Every control a
    /// responsibility or a rule cites is listed, once, in the order of the rule.
    #[test]
    fn every_control_the_report_cites_is_in_the_catalogue_once() {
        let cited = CUSTOMER_RESPONSIBILITIES
            .iter()
            .flat_map(|r| r.controls.iter())
            .chain(crate::compliance::rules().flat_map(|r| r.controls.iter()));
        for id in cited {
            assert!(control(id).is_some(), "{id} is cited but not listed");
        }
        for (i, c) in CONTROLS.iter().enumerate() {
            assert_eq!(
                CONTROLS.iter().position(|o| o.id == c.id),
                Some(i),
                "{} listed twice",
                c.id
            );
        }
        // In the order of the rule: by section, then by citation.
        let key = |id: &str| {
            id.split(['(', ')'])
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let roman = ["i", "ii", "iii", "iv", "v", "vi", "vii"];
                    if let Some(n) = roman.iter().position(|r| *r == p) {
                        format!("r{n:02}")
                    } else {
                        p.to_owned()
                    }
                })
                .collect::<Vec<_>>()
        };
        let keys: Vec<_> = CONTROLS.iter().map(|c| key(c.id)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    /// A control that is the customer's at heart is listed, and a responsibility says what
    /// the customer does for it.
    #[test]
    fn every_customer_led_control_is_listed_and_served_by_a_responsibility() {
        for id in CUSTOMER_LED {
            assert!(control(id).is_some(), "{id}");
            assert!(
                CUSTOMER_RESPONSIBILITIES
                    .iter()
                    .any(|r| r.controls.contains(id)),
                "no responsibility serves {id}"
            );
        }
        assert!(customer_led("164.308(b)(1)") && customer_led("164.314(a)(1)"));
        assert!(!customer_led("164.312(a)(2)(iv)"));
    }
}
