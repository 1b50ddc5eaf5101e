//! `AWS::SNS::Topic` and `AWS::SNS::TopicPolicy`.

use serde::Serialize;

use super::policy::PolicyDocument;
use super::{Expr, ResourceType};

/// `AWS::SNS::Topic`, always encrypted with a customer key (rule N1 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Topic {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub kms_master_key_id: Expr,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subscription: Vec<Subscription>,
}

impl ResourceType for Topic {
    const TYPE: &'static str = "AWS::SNS::Topic";
}

/// A subscription of a topic.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Subscription {
    pub endpoint: String,
    pub protocol: &'static str,
}

/// `AWS::SNS::TopicPolicy` (rule N2 of `docs/CONTROLS.md`: it denies publishing without TLS).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TopicPolicy {
    pub policy_document: PolicyDocument,
    pub topics: Vec<Expr>,
}

impl ResourceType for TopicPolicy {
    const TYPE: &'static str = "AWS::SNS::TopicPolicy";
}
