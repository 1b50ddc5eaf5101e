//! Compliance evidence: the waivers a construct carries, written into the template so that
//! hipaa-stack's report and the external rule packs (cdk-nag, checkov, cfn-guard) see the
//! same reason.

use serde_json::{Value, json};

use crate::cfn::Resource;

/// A control that a resource knowingly does not meet, with the reason.
///
/// Waivers are written into the resource's `Metadata` in the forms that the rule packs
/// named in `HIPAA-CONTROLS.md` read: `hipaa-stack`, `cdk_nag`, `checkov` and `guard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiver {
    /// The hipaa-stack control id, e.g. `S1`.
    pub control: &'static str,
    /// Why the control cannot be met, in a sentence an auditor can read.
    pub reason: &'static str,
    /// The same rule in cdk-nag's HIPAA Security pack.
    pub cdk_nag: &'static str,
    /// The same rule in checkov.
    pub checkov: &'static str,
    /// The same rule in the AWS Guard Rules Registry.
    pub guard: &'static str,
}

/// S1 on the bucket that receives S3 server access logs.
pub(crate) const ACCESS_LOGS_SSE_S3: Waiver = Waiver {
    control: "S1",
    reason: "S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES256), \
             so this bucket cannot use a customer-managed KMS key; it holds access logs, never PHI",
    cdk_nag: "HIPAA.Security-S3DefaultEncryptionKMS",
    checkov: "CKV_AWS_145",
    guard: "S3_DEFAULT_ENCRYPTION_KMS",
};

/// S7 on the bucket that receives S3 server access logs.
pub(crate) const ACCESS_LOGS_NOT_LOGGED: Waiver = Waiver {
    control: "S7",
    reason: "this bucket is the destination of S3 server access logs; logging it into itself \
             would log every log delivery, without end",
    cdk_nag: "HIPAA.Security-S3BucketLoggingEnabled",
    checkov: "CKV_AWS_18",
    guard: "S3_BUCKET_LOGGING_ENABLED",
};

/// Writes `waivers` into the resource's metadata.
pub(crate) fn record_waivers(resource: &mut Resource, waivers: &[Waiver]) {
    let meta = resource.metadata_mut();
    let ours: Vec<Value> = waivers
        .iter()
        .map(|w| json!({ "control": w.control, "reason": w.reason }))
        .collect();
    let cdk_nag: Vec<Value> = waivers
        .iter()
        .map(|w| json!({ "id": w.cdk_nag, "reason": w.reason }))
        .collect();
    let checkov: Vec<Value> = waivers
        .iter()
        .map(|w| json!({ "id": w.checkov, "comment": w.reason }))
        .collect();
    let guard: Vec<&str> = waivers.iter().map(|w| w.guard).collect();
    meta.insert("hipaa-stack:waivers".to_owned(), Value::Array(ours));
    meta.insert(
        "cdk_nag".to_owned(),
        json!({ "rules_to_suppress": cdk_nag }),
    );
    meta.insert("checkov".to_owned(), json!({ "skip": checkov }));
    meta.insert("guard".to_owned(), json!({ "SuppressedRules": guard }));
}
