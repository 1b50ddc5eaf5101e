//! `AWS::Lambda::Function`, `AWS::Lambda::EventSourceMapping` and `AWS::Lambda::Permission`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Expr, ResourceType};

/// `AWS::Lambda::Function`: in a VPC, with reserved concurrency, a dead-letter queue, its
/// environment encrypted with a customer key and active tracing (rule A1 of `docs/CONTROLS.md`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Function {
    pub description: String,
    pub runtime: &'static str,
    pub handler: &'static str,
    pub architectures: [&'static str; 1],
    pub code: Code,
    pub role: Expr,
    pub memory_size: u32,
    pub timeout: u32,
    pub reserved_concurrent_executions: u32,
    pub vpc_config: VpcConfig,
    pub dead_letter_config: DeadLetterConfig,
    pub kms_key_arn: Expr,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    pub tracing_config: TracingConfig,
    pub logging_config: LoggingConfig,
}

impl ResourceType for Function {
    const TYPE: &'static str = "AWS::Lambda::Function";
}

/// Where the function's code is: an object of a bucket.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Code {
    pub s3_bucket: Expr,
    pub s3_key: Expr,
}

/// The function's network: private subnets and its own security group.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VpcConfig {
    pub subnet_ids: Vec<Expr>,
    pub security_group_ids: Vec<Expr>,
}

/// Where failed asynchronous events go.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DeadLetterConfig {
    pub target_arn: Expr,
}

/// The function's environment variables.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Environment {
    pub variables: BTreeMap<String, Expr>,
}

/// `TracingConfig`: `Active` (X-Ray samples and records every call).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TracingConfig {
    pub mode: &'static str,
}

/// `LoggingConfig`: the function's log group.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LoggingConfig {
    pub log_group: Expr,
    pub log_format: &'static str,
}

/// `AWS::Lambda::EventSourceMapping`: a queue that triggers a function.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct EventSourceMapping {
    pub event_source_arn: Expr,
    pub function_name: Expr,
    pub batch_size: u16,
    pub maximum_batching_window_in_seconds: u16,
    pub function_response_types: [&'static str; 1],
    pub enabled: bool,
}

impl ResourceType for EventSourceMapping {
    const TYPE: &'static str = "AWS::Lambda::EventSourceMapping";
}

/// `AWS::Lambda::Permission`: a named service of this account may invoke the function.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Permission {
    pub action: &'static str,
    pub function_name: Expr,
    pub principal: &'static str,
    pub source_account: Expr,
    /// The one source that may invoke it (an API's execute-api ARN).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_arn: Option<Expr>,
}

impl ResourceType for Permission {
    const TYPE: &'static str = "AWS::Lambda::Permission";
}
