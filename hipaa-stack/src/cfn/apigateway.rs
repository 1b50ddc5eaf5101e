//! `AWS::ApiGateway::*`: a REST API, its resources, methods, deployment and stage, its
//! authorizers, and the account's CloudWatch Logs role.

use serde::Serialize;

use super::{Expr, ResourceType};

/// `AWS::ApiGateway::RestApi`: a regional REST API.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RestApi {
    pub name: String,
    pub description: String,
    pub endpoint_configuration: EndpointConfiguration,
    pub disable_execute_api_endpoint: bool,
    /// The TLS versions and ciphers its own endpoint (`execute-api`) accepts: a regional
    /// API's default accepts TLS 1.0 (API Gateway developer guide, "Security policies for
    /// REST APIs").
    pub security_policy: &'static str,
    /// Required with an enhanced policy (`SecurityPolicy_…`): `STRICT` refuses a request
    /// whose SNI host is not the API's, or that comes from another endpoint type.
    pub endpoint_access_mode: &'static str,
}

impl ResourceType for RestApi {
    const TYPE: &'static str = "AWS::ApiGateway::RestApi";
}

/// The endpoint types of an API.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct EndpointConfiguration {
    pub types: [&'static str; 1],
}

/// `AWS::ApiGateway::Resource`: one segment of a path.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApiResource {
    pub rest_api_id: Expr,
    pub parent_id: Expr,
    pub path_part: String,
}

impl ResourceType for ApiResource {
    const TYPE: &'static str = "AWS::ApiGateway::Resource";
}

/// `AWS::ApiGateway::Method`: a verb on a resource, with its authorizer and integration.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Method {
    pub rest_api_id: Expr,
    pub resource_id: Expr,
    pub http_method: &'static str,
    pub authorization_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorizer_id: Option<Expr>,
    pub integration: Integration,
}

impl ResourceType for Method {
    const TYPE: &'static str = "AWS::ApiGateway::Method";
}

/// A Lambda proxy integration.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Integration {
    #[serde(rename = "Type")]
    pub kind: &'static str,
    pub integration_http_method: &'static str,
    pub uri: Expr,
}

/// `AWS::ApiGateway::Authorizer`: a Cognito user pool authorizer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Authorizer {
    pub rest_api_id: Expr,
    pub name: String,
    #[serde(rename = "Type")]
    pub kind: &'static str,
    #[serde(rename = "ProviderARNs")]
    pub provider_arns: Vec<Expr>,
    pub identity_source: &'static str,
}

impl ResourceType for Authorizer {
    const TYPE: &'static str = "AWS::ApiGateway::Authorizer";
}

/// `AWS::ApiGateway::Deployment`: a snapshot of the API's methods, deployed by a stage.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Deployment {
    pub rest_api_id: Expr,
    pub description: String,
}

impl ResourceType for Deployment {
    const TYPE: &'static str = "AWS::ApiGateway::Deployment";
}

/// `AWS::ApiGateway::Stage`: access logs, execution logs, metrics, throttling, tracing.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Stage {
    pub rest_api_id: Expr,
    pub deployment_id: Expr,
    pub stage_name: String,
    pub description: Expr,
    pub access_log_setting: AccessLogSetting,
    pub method_settings: [MethodSetting; 1],
    pub tracing_enabled: bool,
    pub cache_cluster_enabled: bool,
}

impl ResourceType for Stage {
    const TYPE: &'static str = "AWS::ApiGateway::Stage";
}

/// Where a stage writes its access logs, and their format.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AccessLogSetting {
    pub destination_arn: Expr,
    pub format: String,
}

/// The settings of every method of a stage (`/*`, `*`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MethodSetting {
    pub resource_path: &'static str,
    pub http_method: &'static str,
    pub logging_level: &'static str,
    pub data_trace_enabled: bool,
    pub metrics_enabled: bool,
    pub throttling_rate_limit: u32,
    pub throttling_burst_limit: u32,
    pub caching_enabled: bool,
}

/// `AWS::ApiGateway::Account`: the role API Gateway writes CloudWatch Logs with, one per
/// account and region.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Account {
    pub cloud_watch_role_arn: Expr,
}

impl ResourceType for Account {
    const TYPE: &'static str = "AWS::ApiGateway::Account";
}

/// `AWS::Logs::LogGroup` with a name made from other resources: the group API Gateway
/// writes a stage's execution logs into (`API-Gateway-Execution-Logs_{api}/{stage}`),
/// made beforehand so that it is encrypted and kept (HIPAA-CONTROLS L1, L2).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ExecutionLogGroup {
    pub log_group_name: Expr,
    pub kms_key_id: Expr,
    pub retention_in_days: u16,
}

impl ResourceType for ExecutionLogGroup {
    const TYPE: &'static str = "AWS::Logs::LogGroup";
}
