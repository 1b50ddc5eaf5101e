//! `AWS::EC2::*` network resources: VPC, subnets, routes, gateways, endpoints, security
//! groups and flow logs.

use serde::Serialize;

use super::{Expr, ResourceType};

/// `AWS::EC2::VPC`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Vpc {
    pub cidr_block: String,
    pub enable_dns_hostnames: bool,
    pub enable_dns_support: bool,
}

impl ResourceType for Vpc {
    const TYPE: &'static str = "AWS::EC2::VPC";
}

/// `AWS::EC2::Subnet`; `MapPublicIpOnLaunch` is always written, and always false (E12).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Subnet {
    pub vpc_id: Expr,
    pub cidr_block: String,
    pub availability_zone: Expr,
    pub map_public_ip_on_launch: bool,
}

impl ResourceType for Subnet {
    const TYPE: &'static str = "AWS::EC2::Subnet";
}

/// `AWS::EC2::RouteTable`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RouteTable {
    pub vpc_id: Expr,
}

impl ResourceType for RouteTable {
    const TYPE: &'static str = "AWS::EC2::RouteTable";
}

/// `AWS::EC2::SubnetRouteTableAssociation`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SubnetRouteTableAssociation {
    pub subnet_id: Expr,
    pub route_table_id: Expr,
}

impl ResourceType for SubnetRouteTableAssociation {
    const TYPE: &'static str = "AWS::EC2::SubnetRouteTableAssociation";
}

/// `AWS::EC2::InternetGateway` (only for a public tier).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct InternetGateway {}

impl ResourceType for InternetGateway {
    const TYPE: &'static str = "AWS::EC2::InternetGateway";
}

/// `AWS::EC2::VPCGatewayAttachment`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VpcGatewayAttachment {
    pub vpc_id: Expr,
    pub internet_gateway_id: Expr,
}

impl ResourceType for VpcGatewayAttachment {
    const TYPE: &'static str = "AWS::EC2::VPCGatewayAttachment";
}

/// `AWS::EC2::Route`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Route {
    pub route_table_id: Expr,
    pub destination_cidr_block: String,
    pub gateway_id: Expr,
}

impl ResourceType for Route {
    const TYPE: &'static str = "AWS::EC2::Route";
}

/// One rule of a security group; every rule has a description (E11).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SecurityGroupRule {
    pub ip_protocol: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_ip: Option<String>,
    #[serde(
        rename = "SourceSecurityGroupId",
        skip_serializing_if = "Option::is_none"
    )]
    pub source_security_group_id: Option<Expr>,
    pub description: String,
}

/// `AWS::EC2::SecurityGroup`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SecurityGroup {
    pub group_description: String,
    pub vpc_id: Expr,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_group_ingress: Vec<SecurityGroupRule>,
    pub security_group_egress: Vec<SecurityGroupRule>,
}

impl ResourceType for SecurityGroup {
    const TYPE: &'static str = "AWS::EC2::SecurityGroup";
}

impl SecurityGroupRule {
    /// An egress rule that lets nothing out: a security group with no egress rule of its
    /// own would allow all outbound traffic.
    pub(crate) fn no_egress() -> Self {
        SecurityGroupRule {
            ip_protocol: "icmp",
            from_port: Some(252),
            to_port: Some(86),
            cidr_ip: Some("255.255.255.255/32".to_owned()),
            source_security_group_id: None,
            description: "no outbound traffic (a rule that matches nothing)".to_owned(),
        }
    }
}

/// `AWS::EC2::VPCEndpoint`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VpcEndpoint {
    pub vpc_id: Expr,
    pub service_name: Expr,
    pub vpc_endpoint_type: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub route_table_ids: Vec<Expr>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subnet_ids: Vec<Expr>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_group_ids: Vec<Expr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_dns_enabled: Option<bool>,
}

impl ResourceType for VpcEndpoint {
    const TYPE: &'static str = "AWS::EC2::VPCEndpoint";
}

/// `AWS::EC2::FlowLog`: every packet of the VPC, accepted or rejected (E13).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct FlowLog {
    pub resource_id: Expr,
    pub resource_type: &'static str,
    pub traffic_type: &'static str,
    pub log_destination_type: &'static str,
    pub log_group_name: Expr,
    pub deliver_logs_permission_arn: Expr,
    pub max_aggregation_interval: u16,
}

impl ResourceType for FlowLog {
    const TYPE: &'static str = "AWS::EC2::FlowLog";
}
