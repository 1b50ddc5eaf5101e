//! `AWS::SQS::Queue` and `AWS::SQS::QueuePolicy`.

use serde::Serialize;

use super::policy::PolicyDocument;
use super::{Expr, ResourceType};

/// `AWS::SQS::Queue`, always encrypted with a customer key (rule A2 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Queue {
    pub kms_master_key_id: Expr,
    pub kms_data_key_reuse_period_seconds: u32,
    pub message_retention_period: u32,
    pub visibility_timeout: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redrive_policy: Option<RedrivePolicy>,
}

impl ResourceType for Queue {
    const TYPE: &'static str = "AWS::SQS::Queue";
}

/// Where messages go after `maxReceiveCount` failed receives (A2: a dead-letter queue).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RedrivePolicy {
    pub dead_letter_target_arn: Expr,
    pub max_receive_count: u16,
}

/// `AWS::SQS::QueuePolicy` (A2: it denies every request not made over TLS).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct QueuePolicy {
    pub policy_document: PolicyDocument,
    pub queues: Vec<Expr>,
}

impl ResourceType for QueuePolicy {
    const TYPE: &'static str = "AWS::SQS::QueuePolicy";
}
