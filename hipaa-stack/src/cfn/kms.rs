//! `AWS::KMS::Key` and `AWS::KMS::ReplicaKey`.

use serde::Serialize;

use super::ResourceType;
use super::policy::PolicyDocument;

/// `AWS::KMS::Key`: a symmetric customer-managed key.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Key {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub enabled: bool,
    pub enable_key_rotation: bool,
    pub rotation_period_in_days: u16,
    pub key_spec: &'static str,
    pub key_usage: &'static str,
    pub pending_window_in_days: u8,
    pub key_policy: PolicyDocument,
    /// A multi-Region primary key, which replica keys in other regions copy.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub multi_region: bool,
}

impl ResourceType for Key {
    const TYPE: &'static str = "AWS::KMS::Key";
}

/// `AWS::KMS::ReplicaKey`: the copy, in another region, of a multi-Region primary key; it
/// shares the primary's key material and rotation, and has a key policy of its own.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ReplicaKey {
    pub primary_key_arn: super::Expr,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub enabled: bool,
    pub pending_window_in_days: u8,
    pub key_policy: PolicyDocument,
}

impl ResourceType for ReplicaKey {
    const TYPE: &'static str = "AWS::KMS::ReplicaKey";
}
