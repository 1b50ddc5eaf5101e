//! `AWS::CloudTrail::Trail`.

use serde::Serialize;

use super::{Expr, ResourceType};

/// `AWS::CloudTrail::Trail` (rules T1–T6 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Trail {
    pub trail_name: Expr,
    pub is_logging: bool,
    pub s3_bucket_name: Expr,
    #[serde(rename = "KMSKeyId")]
    pub kms_key_id: Expr,
    pub enable_log_file_validation: bool,
    pub is_multi_region_trail: bool,
    pub include_global_service_events: bool,
    pub cloud_watch_logs_log_group_arn: Expr,
    pub cloud_watch_logs_role_arn: Expr,
    pub event_selectors: Vec<EventSelector>,
}

impl ResourceType for Trail {
    const TYPE: &'static str = "AWS::CloudTrail::Trail";
}

/// Management events, read and write, plus S3 object-level data events on every bucket.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct EventSelector {
    read_write_type: &'static str,
    include_management_events: bool,
    data_resources: Vec<DataResource>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct DataResource {
    #[serde(rename = "Type")]
    kind: &'static str,
    values: Vec<Expr>,
}

impl EventSelector {
    /// `ReadWriteType: All`, management events, and `AWS::S3::Object` data events for
    /// every bucket of the account (rule T4 of `docs/CONTROLS.md`).
    pub(crate) fn all_with_s3_data() -> Self {
        EventSelector {
            read_write_type: "All",
            include_management_events: true,
            data_resources: vec![DataResource {
                kind: "AWS::S3::Object",
                values: vec![Expr::lit("arn:aws:s3:::")],
            }],
        }
    }
}
