//! Compliance: the control catalogue, the template rules, waivers, and the evidence that the
//! report shows an auditor.
//!
//! - [`CONTROLS`] lists the HIPAA Security Rule standards and implementation specifications
//!   that infrastructure can address, with their NIST SP 800-53 Rev. 5 controls.
//! - [`rules()`] are the rows of `HIPAA-CONTROLS.md` as code. `synth` runs every rule on every
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
mod engine;
pub mod recovery;
pub mod report;
mod rules;
mod waiver;

pub(crate) use rules::lookup;

pub use catalogue::{
    CONTROLS, CUSTOMER_RESPONSIBILITIES, Control, CustomerResponsibility, Requirement, control,
};
pub use engine::{Checked, Evaluation, Finding, Status};
pub use rules::{ELIGIBLE, Outcome, Packs, Proof, RuleSpec, rule, rule_spec, rules};
pub use waiver::Waiver;

pub(crate) use engine::Evaluator;
pub(crate) use rules::PUBLIC_TIER;
pub(crate) use waiver::WaiverEntry;

use serde_json::{Value, json};

use crate::cfn::Resource;

/// The metadata key under which waivers are written.
pub(crate) const WAIVERS_KEY: &str = "hipaa-stack:waivers";

/// An exception that a construct carries because of how AWS works, with the reason: the
/// rules check it as a typed property of the construct, and the rule packs read it as a
/// suppression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ConstructWaiver {
    pub(crate) rule: &'static str,
    pub(crate) reason: &'static str,
}

/// S1 on the bucket that receives S3 server access logs.
pub(crate) const ACCESS_LOGS_SSE_S3: ConstructWaiver = ConstructWaiver {
    rule: "S1",
    reason: "S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES256), \
             so this bucket cannot use a customer-managed KMS key; it holds access logs, never PHI",
};

/// S7 on the bucket that receives S3 server access logs.
pub(crate) const ACCESS_LOGS_NOT_LOGGED: ConstructWaiver = ConstructWaiver {
    rule: "S7",
    reason: "this bucket is the destination of S3 server access logs; logging it into itself \
             would log every log delivery, without end",
};

/// S10 on the bucket that receives S3 server access logs.
pub(crate) const ACCESS_LOGS_NO_REPLICA: ConstructWaiver = ConstructWaiver {
    rule: "S10",
    reason: "this bucket holds S3 server access logs (who asked for which object), never PHI; a regional outage loses no PHI with it, and the stores of PHI replicate on their own",
};

/// E15 on the route of a `SecureVpc`'s public tier to its internet gateway.
pub(crate) const PUBLIC_TIER_ROUTE: ConstructWaiver = ConstructWaiver {
    rule: "E15",
    reason: "the route of the public tier, whose subnets hold only load balancers and give no \
             public addresses (MapPublicIpOnLaunch false); the private subnets that hold PHI \
             have no route to the internet gateway",
};

/// S10 on the bucket of an `AuditTrail`, which holds CloudTrail log files.
pub(crate) const AUDIT_LOGS_NO_REPLICA: ConstructWaiver = ConstructWaiver {
    rule: "S10",
    reason: "this bucket holds the trail's CloudTrail log files (who called which API, when, \
             from where), never PHI; §164.308(a)(7)(ii)(B) asks for copies of PHI, and the \
             stores of PHI replicate on their own",
};

/// S10 on the bucket of an `AccountBaseline`, which holds AWS Config's history.
pub(crate) const CONFIG_HISTORY_NO_REPLICA: ConstructWaiver = ConstructWaiver {
    rule: "S10",
    reason: "this bucket holds AWS Config's snapshots and history of resource settings, never \
             PHI; §164.308(a)(7)(ii)(B) asks for copies of PHI, and the stores of PHI \
             replicate on their own",
};

/// F2 on the plain-HTTP listener of a `PublicLoadBalancer`, which only redirects.
pub(crate) const HTTP_REDIRECT_NO_CERTIFICATE: ConstructWaiver = ConstructWaiver {
    rule: "F2",
    reason: "this listener answers plain HTTP on port 80 only with a permanent redirect to \
             HTTPS on 443 (rule F1) and serves no content, so it has no certificate; the HTTPS \
             listener serves the ACM certificate",
};

/// A4C on the stage of a `SecureApi`, which caches nothing: the packs ask for a cache.
pub(crate) const API_STAGE_NO_CACHE: ConstructWaiver = ConstructWaiver {
    rule: "A4C",
    reason: "this stage caches no response (CacheClusterEnabled false, CachingEnabled false for \
             every method): responses hold PHI and are kept nowhere, so there is no cache to \
             encrypt; hipaa-stack's rule A4C accepts a stage without a cache or with an \
             encrypted one",
};

/// A4I on the stage of a `SecureApi`, whose backends are Lambda functions.
pub(crate) const API_STAGE_LAMBDA_BACKENDS: ConstructWaiver = ConstructWaiver {
    rule: "A4I",
    reason: "every integration of this stage is a Lambda proxy (AWS_PROXY), which API Gateway \
             calls through Lambda's API over TLS with its own credentials (rule A4I); a client \
             certificate authenticates API Gateway to an HTTP backend, and this API has none",
};

/// E14 on the VPC of a `SecureVpc`: its default security group keeps AWS's rules.
pub(crate) const DEFAULT_SECURITY_GROUP: ConstructWaiver = ConstructWaiver {
    rule: "E14",
    reason: "no template property empties a VPC's default security group and hipaa-stack \
             writes no custom resources; nothing is put in it (every instance, database, \
             endpoint and load balancer gets a group of its own); hipaa-stack's report lists it \
             as gap E14, closed by revoking its rules after deploy",
};

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

/// The `kind` of the waiver of rule `H1`, which only
/// [`Waiver::never_holds_phi`](crate::compliance::Waiver::never_holds_phi) writes.
pub(crate) const NEVER_HOLDS_PHI_KIND: &str = "never-holds-phi";

/// Writes a waiver into the resource's metadata, in the forms that hipaa-stack and the rule
/// packs of `HIPAA-CONTROLS.md` read: `hipaa-stack:waivers`, `cdk_nag`, `checkov` and
/// `guard`.
pub(crate) fn record_waiver(
    resource: &mut Resource,
    rule: &str,
    reason: &str,
    expires: Option<&str>,
) {
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
pub(crate) fn record_pack_suppressions(resource: &mut Resource, rule: &str, reason: &str) {
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
