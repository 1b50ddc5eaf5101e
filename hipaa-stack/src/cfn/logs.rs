//! `AWS::Logs::LogGroup`.

use serde::Serialize;

use super::{Expr, ResourceType};

/// `AWS::Logs::LogGroup`, always encrypted with a customer key (HIPAA-CONTROLS L1) and kept
/// at least a year (L2).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LogGroup {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_group_name: Option<String>,
    pub kms_key_id: Expr,
    pub retention_in_days: u16,
}

impl ResourceType for LogGroup {
    const TYPE: &'static str = "AWS::Logs::LogGroup";
}
