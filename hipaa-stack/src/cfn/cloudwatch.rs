//! `AWS::CloudWatch::Alarm`.

use serde::Serialize;

use super::{Expr, ResourceType};

/// `AWS::CloudWatch::Alarm` on one metric, always with actions for every state
/// (rule L3 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Alarm {
    pub alarm_description: String,
    pub namespace: String,
    pub metric_name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dimensions: Vec<Dimension>,
    pub statistic: &'static str,
    pub period: u32,
    pub evaluation_periods: u32,
    pub threshold: f64,
    pub comparison_operator: &'static str,
    pub treat_missing_data: &'static str,
    pub alarm_actions: Vec<Expr>,
    #[serde(rename = "OKActions")]
    pub ok_actions: Vec<Expr>,
    pub insufficient_data_actions: Vec<Expr>,
}

impl ResourceType for Alarm {
    const TYPE: &'static str = "AWS::CloudWatch::Alarm";
}

/// A dimension of the alarm's metric.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Dimension {
    pub name: String,
    pub value: Expr,
}
