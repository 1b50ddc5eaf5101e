//! `AWS::DynamoDB::Table`.

use serde::Serialize;

use super::{Expr, ResourceType};

/// `AWS::DynamoDB::Table`, always encrypted with a customer key, with point-in-time
/// recovery and deletion protection (rule A3 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Table {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    pub billing_mode: &'static str,
    pub attribute_definitions: Vec<AttributeDefinition>,
    pub key_schema: Vec<KeySchema>,
    #[serde(rename = "SSESpecification")]
    pub sse_specification: SseSpecification,
    pub point_in_time_recovery_specification: PointInTimeRecovery,
    pub deletion_protection_enabled: bool,
}

impl ResourceType for Table {
    const TYPE: &'static str = "AWS::DynamoDB::Table";
}

/// One key attribute and its type (`S`, `N` or `B`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AttributeDefinition {
    pub attribute_name: String,
    pub attribute_type: &'static str,
}

/// A key attribute and its role (`HASH` or `RANGE`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct KeySchema {
    pub attribute_name: String,
    pub key_type: &'static str,
}

/// `SSESpecification`: KMS with a customer key.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SseSpecification {
    #[serde(rename = "SSEEnabled")]
    pub sse_enabled: bool,
    #[serde(rename = "SSEType")]
    pub sse_type: &'static str,
    #[serde(rename = "KMSMasterKeyId")]
    pub kms_master_key_id: Expr,
}

/// `PointInTimeRecoverySpecification`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PointInTimeRecovery {
    pub point_in_time_recovery_enabled: bool,
}
