//! `AWS::Logs::LogGroup` and `AWS::Logs::MetricFilter`.

use serde::Serialize;

use super::{Expr, ResourceType};

/// `AWS::Logs::LogGroup`, always encrypted with a customer key (rule L1 of `docs/CONTROLS.md`) and kept
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

/// `AWS::Logs::MetricFilter`: counts the events of a log group that match a pattern.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MetricFilter {
    pub filter_pattern: &'static str,
    pub log_group_name: Expr,
    pub metric_transformations: [MetricTransformation; 1],
}

impl ResourceType for MetricFilter {
    const TYPE: &'static str = "AWS::Logs::MetricFilter";
}

/// What a metric filter publishes for each matching event.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MetricTransformation {
    pub metric_name: &'static str,
    pub metric_namespace: String,
    pub metric_value: &'static str,
}
