//! Compliance: the control catalogue, the template rules, waivers, and the evidence that the
//! report shows an auditor.
//!
//! - [`CONTROLS`] lists the HIPAA Security Rule standards and implementation specifications
//!   that infrastructure can address, and those the customer's responsibilities serve, with
//!   their NIST SP 800-53 Rev. 5 controls. A control that no template can hold (a contract,
//!   an analysis, a procedure of people) is the customer's in the report, whatever the rules
//!   that support it prove.
//! - [`rules()`] are the rows of `docs/CONTROLS.md` as code. `synth` runs every rule on every
//!   resource of every stack (including raw resources added through the escape hatch) and
//!   refuses an unwaived failure. A rule that passes yields its evidence: the property paths
//!   and values of the written template that prove it, so the evidence is derived from the
//!   template itself and never written twice.
//! - Rules read what a template means, however it is written: intrinsics are resolved
//!   where they can be, an address range is the internet when it holds a public address,
//!   every policy attached to a resource counts, a key is the customer's only if it is a key.
//!   Every resource is also checked for a rule that reads its type (`U1`), nested stacks
//!   (`U2`), the HIPAA Eligible Services list ([`ELIGIBLE`], `H1`) and plaintext secrets
//!   (`P1`).
//! - A [`Waiver`] is a value in code: the rule (as a type), the construct, a written reason
//!   and optionally an expiry. Rules that protect PHI at rest, in transit and from the
//!   public accept no waiver: such a waiver does not compile.

mod catalogue;
mod check;
mod engine;
pub mod recovery;
pub mod report;
mod rules;
#[cfg(feature = "deploy")]
pub(crate) use rules::LOG_RETENTIONS;
mod waiver;

pub use crate::error::Finding;
pub use catalogue::{
    CONTROLS, CUSTOMER_RESPONSIBILITIES, Control, CustomerResponsibility, Requirement, control,
};
pub use check::Assembly;
pub use engine::{Checked, Evaluation, Status};
pub use rules::{ELIGIBLE, Outcome, Packs, Proof, RuleSpec, rule, rule_spec, rules};
pub use waiver::Waiver;

pub(crate) use engine::{Evaluator, Results, StackSummary, shown};
pub(crate) use waiver::invisible;

use serde_json::{Value, json};

use crate::app::node::Declare;
use crate::cfn::Resource;

/// The metadata key under which waivers are written.
pub(crate) const WAIVERS_KEY: &str = "hipaa-stack:waivers";

/// The metadata key under which a construct's typed exceptions are written: `{rule,
/// reason}`, the reason an auditor reads in the report. Raw resources cannot write metadata.
pub(crate) const EXCEPTIONS_KEY: &str = "hipaa-stack:exceptions";

/// The proof a rule gives when it holds on a resource because of what the construct that
/// made it *is* (the construct kind hipaa-stack writes in its metadata, which a raw
/// resource cannot write), not because of a setting the template writes. The engine
/// reports such a pass as the construct's typed exception, with its reason, never as
/// enforcement ([`Status::Waived`] with `gap: true`): the rule's control is not met there.
pub(crate) const CONSTRUCT_KIND_PROOF: &str = "/Metadata/hipaa-stack/construct";

/// The compliance layer's side of the node contract's [`Declare`]: waivers and the
/// constructs' exceptions become metadata in the forms that hipaa-stack and the rule packs
/// read, and a waiver lands only on the resources its rule reads.
pub(crate) struct Declarations;

impl Declare for Declarations {
    fn suppress(&self, resource: &mut Resource, rule: &str, reason: &str) {
        push(
            resource.metadata_mut(),
            EXCEPTIONS_KEY,
            None,
            json!({ "rule": rule, "reason": reason }),
        );
        record_pack_suppressions(resource, rule, reason);
    }

    fn waive(&self, resource: &mut Resource, rule: &str, reason: &str, expires: Option<&str>) {
        record_waiver(resource, rule, reason, expires);
    }

    fn reads(&self, rule: &str, type_name: &str) -> bool {
        rule_spec(rule).is_some_and(|r| r.applies_to(type_name))
    }
}

/// The `kind` of the waiver of rule `H1`, which only
/// [`Waiver::never_holds_phi`](crate::compliance::Waiver::never_holds_phi) writes.
pub(crate) const NEVER_HOLDS_PHI_KIND: &str = "never-holds-phi";

/// Writes a waiver into the resource's metadata, in the forms that hipaa-stack and the rule
/// packs of `docs/CONTROLS.md` read: `hipaa-stack:waivers`, `cdk_nag`, `checkov` and
/// `guard`.
fn record_waiver(resource: &mut Resource, rule: &str, reason: &str, expires: Option<&str>) {
    let meta = resource.metadata_mut();
    let mut ours = json!({ "rule": rule, "reason": reason });
    if let Some(expires) = expires {
        ours["expires"] = json!(expires);
    }
    if rule == rule::NEVER_HOLDS_PHI {
        // Only `Waiver::never_holds_phi` records a waiver of H1 (no `Waivable` type names
        // it), and raw resources cannot write metadata.
        ours["kind"] = json!(NEVER_HOLDS_PHI_KIND);
    }
    push(meta, WAIVERS_KEY, None, ours);
    record_pack_suppressions(resource, rule, reason);
}

/// Writes the suppressions of the rule packs (`cdk_nag`, `checkov`, `guard`) for `rule`,
/// without a waiver of hipaa-stack: for the typed exceptions of a construct, which the
/// rules check themselves and the packs cannot.
fn record_pack_suppressions(resource: &mut Resource, rule: &str, reason: &str) {
    let packs = rule_spec(rule).map(|r| r.packs).unwrap_or_default();
    let meta = resource.metadata_mut();
    if let Some(id) = packs.cdk_nag {
        push(
            meta,
            "cdk_nag",
            Some("rules_to_suppress"),
            json!({ "id": id, "reason": reason }),
        );
    }
    if let Some(id) = packs.checkov {
        push(
            meta,
            "checkov",
            Some("skip"),
            json!({ "id": id, "comment": reason }),
        );
    }
    if let Some(id) = packs.guard {
        push(meta, "guard", Some("SuppressedRules"), json!(id));
    }
}

/// Appends `item` to the array at `meta[key]` (or `meta[key][inner]`).
fn push(meta: &mut serde_json::Map<String, Value>, key: &str, inner: Option<&str>, item: Value) {
    let slot = meta.entry(key.to_owned()).or_insert_with(|| match inner {
        Some(inner) => json!({ inner: [] }),
        None => json!([]),
    });
    let array = match inner {
        Some(inner) => &mut slot[inner],
        None => slot,
    };
    if let Value::Array(items) = array {
        items.push(item);
    }
}

/// The test app of `check`'s and the report's waivers that waive nothing.
#[cfg(test)]
pub(crate) use test_apps::app_with_waivers_that_waive_nothing;

/// Apps that the tests of several modules read.
#[cfg(test)]
mod test_apps {
    /// An app with a waiver written on no resource (S10 on a key, which has no bucket) and one
    /// of a resource on which its rule holds (U1 on a bucket): what `check` and `report` say of
    /// the waivers that waive nothing is tested on it.
    pub(crate) fn app_with_waivers_that_waive_nothing() -> crate::App {
        use crate::compliance::{Waiver, rule};
        use crate::prelude::*;
        let app = App::new("nothing");
        let stack = app.stack("s").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let logs = stack.add(AccessLogBucket::new("Logs")).unwrap();
        let records = stack
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        app.waive(Waiver::new(
            rule::S10,
            &key,
            "the key has no copy of its own",
        ))
        .unwrap();
        app.waive(Waiver::new(
            rule::U1,
            &records,
            "a bucket's type is read by its rules",
        ))
        .unwrap();
        app
    }
}
