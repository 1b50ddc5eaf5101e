//! The resources of the HTTPS front door: `AWS::CertificateManager::Certificate`,
//! `AWS::ElasticLoadBalancingV2::{LoadBalancer, Listener, TargetGroup}` and
//! `AWS::WAFv2::{WebACL, WebACLAssociation, LoggingConfiguration}`.
//!
//! Property names and values follow the CloudFormation template reference of each type.

use serde::Serialize;

use super::{Expr, ResourceType};

/// `AWS::CertificateManager::Certificate`, always validated through DNS.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Certificate {
    pub domain_name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subject_alternative_names: Vec<String>,
    pub validation_method: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub domain_validation_options: Vec<DomainValidationOption>,
    pub certificate_transparency_logging_preference: &'static str,
}

impl ResourceType for Certificate {
    const TYPE: &'static str = "AWS::CertificateManager::Certificate";
}

/// Where ACM writes the validation record of one name: a Route 53 hosted zone.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DomainValidationOption {
    pub domain_name: String,
    pub hosted_zone_id: String,
}

/// `AWS::ElasticLoadBalancingV2::LoadBalancer`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LoadBalancer {
    #[serde(rename = "Type")]
    pub kind: &'static str,
    pub scheme: &'static str,
    pub ip_address_type: &'static str,
    pub subnets: Vec<Expr>,
    pub security_groups: Vec<Expr>,
    pub load_balancer_attributes: Vec<Attribute>,
}

impl ResourceType for LoadBalancer {
    const TYPE: &'static str = "AWS::ElasticLoadBalancingV2::LoadBalancer";
}

/// One entry of `LoadBalancerAttributes` or `TargetGroupAttributes`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Attribute {
    pub key: &'static str,
    pub value: Expr,
}

/// `AWS::ElasticLoadBalancingV2::Listener`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Listener {
    pub load_balancer_arn: Expr,
    pub port: u16,
    pub protocol: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_policy: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<ListenerCertificate>,
    pub default_actions: Vec<Action>,
}

impl ResourceType for Listener {
    const TYPE: &'static str = "AWS::ElasticLoadBalancingV2::Listener";
}

/// An entry of a listener's `Certificates`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListenerCertificate {
    pub certificate_arn: Expr,
}

/// A listener's default action: forward to a target group, or redirect.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Action {
    #[serde(rename = "Type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_group_arn: Option<Expr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_config: Option<RedirectConfig>,
}

/// Where a redirect sends the client; the host, path and query are kept.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RedirectConfig {
    pub protocol: &'static str,
    pub port: &'static str,
    pub host: &'static str,
    pub path: &'static str,
    pub query: &'static str,
    pub status_code: &'static str,
}

/// `AWS::ElasticLoadBalancingV2::TargetGroup`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TargetGroup {
    pub vpc_id: Expr,
    pub target_type: &'static str,
    pub protocol: &'static str,
    pub protocol_version: &'static str,
    pub port: u16,
    pub targets: Vec<TargetDescription>,
    pub health_check_enabled: bool,
    pub health_check_protocol: &'static str,
    pub health_check_path: String,
    pub health_check_port: &'static str,
    pub matcher: Matcher,
    pub target_group_attributes: Vec<Attribute>,
}

impl ResourceType for TargetGroup {
    const TYPE: &'static str = "AWS::ElasticLoadBalancingV2::TargetGroup";
}

/// One registered target.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TargetDescription {
    pub id: Expr,
    pub port: u16,
}

/// The HTTP codes a healthy target answers with.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Matcher {
    pub http_code: &'static str,
}

/// `AWS::WAFv2::WebACL`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct WebAcl {
    pub scope: &'static str,
    pub description: String,
    pub default_action: AllowOrBlock,
    pub visibility_config: VisibilityConfig,
    pub rules: Vec<WafRule>,
}

impl ResourceType for WebAcl {
    const TYPE: &'static str = "AWS::WAFv2::WebACL";
}

/// An empty JSON object, as WAF's actions are written (`{"Allow": {}}`).
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Empty {}

/// `{"Allow": {}}` or `{"Block": {}}`.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) enum AllowOrBlock {
    Allow(Empty),
    Block(Empty),
}

/// A rule group's own actions, not overridden: `{"None": {}}`.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) enum OverrideAction {
    None(Empty),
}

/// The metrics and samples of a web ACL or a rule.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VisibilityConfig {
    pub sampled_requests_enabled: bool,
    #[serde(rename = "CloudWatchMetricsEnabled")]
    pub cloudwatch_metrics_enabled: bool,
    pub metric_name: String,
}

/// One rule of a web ACL.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct WafRule {
    pub name: String,
    pub priority: u32,
    pub statement: WafStatement,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_action: Option<OverrideAction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<AllowOrBlock>,
    pub visibility_config: VisibilityConfig,
}

/// What a rule matches: an AWS managed rule group, or a rate limit per address.
#[derive(Debug, Clone, Serialize)]
pub(crate) enum WafStatement {
    ManagedRuleGroupStatement(ManagedRuleGroup),
    RateBasedStatement(RateBased),
}

/// An AWS managed rule group.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ManagedRuleGroup {
    pub vendor_name: &'static str,
    pub name: &'static str,
}

/// A limit of requests per address over the evaluation window.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RateBased {
    pub limit: u32,
    pub evaluation_window_sec: u32,
    pub aggregate_key_type: &'static str,
}

/// `AWS::WAFv2::WebACLAssociation`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct WebAclAssociation {
    #[serde(rename = "ResourceArn")]
    pub resource_arn: Expr,
    #[serde(rename = "WebACLArn")]
    pub web_acl_arn: Expr,
}

impl ResourceType for WebAclAssociation {
    const TYPE: &'static str = "AWS::WAFv2::WebACLAssociation";
}

/// `AWS::WAFv2::LoggingConfiguration`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LoggingConfiguration {
    pub resource_arn: Expr,
    pub log_destination_configs: Vec<Expr>,
}

impl ResourceType for LoggingConfiguration {
    const TYPE: &'static str = "AWS::WAFv2::LoggingConfiguration";
}
