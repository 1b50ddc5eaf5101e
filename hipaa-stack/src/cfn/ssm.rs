//! `AWS::SSM::Document` of type `Session`: the preferences of Session Manager.

use serde::Serialize;

use super::{Expr, ResourceType};

/// `AWS::SSM::Document`, for the Session Manager preferences of the account and region.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Document {
    pub name: &'static str,
    pub document_type: &'static str,
    pub document_format: &'static str,
    pub update_method: &'static str,
    pub content: SessionContent,
}

impl ResourceType for Document {
    const TYPE: &'static str = "AWS::SSM::Document";
}

/// The content of a `Session` document (the schema Session Manager reads).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SessionContent {
    pub schema_version: &'static str,
    pub description: String,
    pub session_type: &'static str,
    pub inputs: SessionInputs,
}

/// Where sessions are logged and how they are encrypted.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SessionInputs {
    pub s3_bucket_name: &'static str,
    pub s3_key_prefix: &'static str,
    pub s3_encryption_enabled: bool,
    pub cloud_watch_log_group_name: Expr,
    pub cloud_watch_encryption_enabled: bool,
    pub cloud_watch_streaming_enabled: bool,
    pub kms_key_id: Expr,
    pub run_as_enabled: bool,
    pub run_as_default_user: &'static str,
    pub idle_session_timeout: String,
    pub max_session_duration: String,
}
