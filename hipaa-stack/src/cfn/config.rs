//! `AWS::Config::ConfigurationRecorder`, `AWS::Config::DeliveryChannel` and
//! `AWS::Config::ConformancePack`.

use serde::Serialize;

use super::{Expr, ResourceType};

/// `AWS::Config::ConfigurationRecorder`: records every supported resource type.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ConfigurationRecorder {
    #[serde(rename = "RoleARN")]
    pub role_arn: Expr,
    pub recording_group: RecordingGroup,
}

impl ResourceType for ConfigurationRecorder {
    const TYPE: &'static str = "AWS::Config::ConfigurationRecorder";
}

/// What the recorder records.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RecordingGroup {
    pub all_supported: bool,
    pub include_global_resource_types: bool,
}

/// `AWS::Config::DeliveryChannel`: where configuration history and snapshots go.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DeliveryChannel {
    pub s3_bucket_name: Expr,
    pub s3_kms_key_arn: Expr,
    pub config_snapshot_delivery_properties: SnapshotDelivery,
}

impl ResourceType for DeliveryChannel {
    const TYPE: &'static str = "AWS::Config::DeliveryChannel";
}

/// How often configuration snapshots are delivered.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SnapshotDelivery {
    pub delivery_frequency: &'static str,
}

/// `AWS::Config::ConformancePack` whose rules are given inline as a template.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ConformancePack {
    pub conformance_pack_name: String,
    pub template_body: String,
}

impl ResourceType for ConformancePack {
    const TYPE: &'static str = "AWS::Config::ConformancePack";
}
