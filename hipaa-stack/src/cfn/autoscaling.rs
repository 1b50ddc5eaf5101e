//! `AWS::AutoScaling::AutoScalingGroup`.

use serde::Serialize;

use super::ec2::LaunchTemplateSpecification;
use super::{Expr, ResourceType};

/// `AWS::AutoScaling::AutoScalingGroup`, always from a launch template (F5).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AutoScalingGroup {
    #[serde(rename = "MinSize")]
    pub min_size: String,
    #[serde(rename = "MaxSize")]
    pub max_size: String,
    #[serde(rename = "DesiredCapacity")]
    pub desired_capacity: String,
    #[serde(rename = "VPCZoneIdentifier")]
    pub vpc_zone_identifier: Vec<Expr>,
    #[serde(rename = "LaunchTemplate")]
    pub launch_template: LaunchTemplateSpecification,
    #[serde(rename = "HealthCheckType")]
    pub health_check_type: &'static str,
    #[serde(rename = "HealthCheckGracePeriod")]
    pub health_check_grace_period: u32,
    #[serde(rename = "TargetGroupARNs", skip_serializing_if = "Vec::is_empty")]
    pub target_group_arns: Vec<Expr>,
    #[serde(rename = "MetricsCollection")]
    pub metrics_collection: Vec<MetricsCollection>,
}

impl ResourceType for AutoScalingGroup {
    const TYPE: &'static str = "AWS::AutoScaling::AutoScalingGroup";
}

/// Group metrics sent to CloudWatch.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MetricsCollection {
    pub granularity: &'static str,
}
