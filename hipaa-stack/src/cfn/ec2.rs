//! `AWS::EC2::*` resources: VPC, subnets, routes, network ACLs, gateways, endpoints, security
//! groups and their rules, flow logs, launch templates and instances.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

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

/// `AWS::EC2::NetworkAcl`: a subnet associated with one leaves its VPC's default network
/// ACL, which lets every protocol and port in from anywhere (rule E16).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NetworkAcl {
    pub vpc_id: Expr,
}

impl ResourceType for NetworkAcl {
    const TYPE: &'static str = "AWS::EC2::NetworkAcl";
}

/// `AWS::EC2::NetworkAclEntry`: one allow rule of a network ACL, IPv4 only; what no entry
/// allows, the ACL's last rule (`*`) denies.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NetworkAclEntry {
    pub network_acl_id: Expr,
    pub rule_number: u16,
    /// An IP protocol number: 6 for TCP, -1 for every protocol (and then every port).
    pub protocol: i16,
    pub rule_action: &'static str,
    pub egress: bool,
    pub cidr_block: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_range: Option<PortRange>,
}

impl ResourceType for NetworkAclEntry {
    const TYPE: &'static str = "AWS::EC2::NetworkAclEntry";
}

/// The ports of a [`NetworkAclEntry`], both ends included.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PortRange {
    pub from: u16,
    pub to: u16,
}

/// `AWS::EC2::SubnetNetworkAclAssociation`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SubnetNetworkAclAssociation {
    pub subnet_id: Expr,
    pub network_acl_id: Expr,
}

impl ResourceType for SubnetNetworkAclAssociation {
    const TYPE: &'static str = "AWS::EC2::SubnetNetworkAclAssociation";
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

/// `AWS::EC2::SecurityGroup`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SecurityGroup {
    pub group_description: String,
    pub vpc_id: Expr,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_group_ingress: Vec<SecurityGroupEntry>,
    pub security_group_egress: Vec<SecurityGroupEntry>,
}

impl ResourceType for SecurityGroup {
    const TYPE: &'static str = "AWS::EC2::SecurityGroup";
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

/// One rule of a security group, naming its peer by address range, security group or
/// prefix list; every rule has a description (E11). Inside a group's
/// `SecurityGroupIngress` the peer is a source, inside `SecurityGroupEgress` a destination.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SecurityGroupEntry {
    pub ip_protocol: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_ipv6: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_security_group_id: Option<Expr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_prefix_list_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_security_group_id: Option<Expr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_prefix_list_id: Option<String>,
    pub description: String,
}

impl SecurityGroupEntry {
    /// An egress rule that lets nothing out: a security group with no egress rule of its
    /// own would allow all outbound traffic.
    pub(crate) fn no_egress() -> Self {
        SecurityGroupEntry {
            ip_protocol: "icmp",
            from_port: Some(252),
            to_port: Some(86),
            cidr_ip: Some("255.255.255.255/32".to_owned()),
            description: "no outbound traffic (a rule that matches nothing)".to_owned(),
            ..SecurityGroupEntry::default()
        }
    }
}

/// `AWS::EC2::SecurityGroupIngress`: one ingress rule added to a group made elsewhere
/// (a grant on a database's own security group).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SecurityGroupIngress {
    pub group_id: Expr,
    #[serde(flatten)]
    pub rule: SecurityGroupEntry,
}

impl ResourceType for SecurityGroupIngress {
    const TYPE: &'static str = "AWS::EC2::SecurityGroupIngress";
}

/// `AWS::EC2::LaunchTemplate`: what every instance launched from it gets (E1, E4).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LaunchTemplate {
    pub launch_template_data: LaunchTemplateData,
}

impl ResourceType for LaunchTemplate {
    const TYPE: &'static str = "AWS::EC2::LaunchTemplate";
}

/// The `LaunchTemplateData` of a launch template.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LaunchTemplateData {
    pub image_id: String,
    pub block_device_mappings: Vec<BlockDeviceMapping>,
    pub metadata_options: MetadataOptions,
    pub monitoring: MonitoringEnabled,
    pub ebs_optimized: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_data: Option<Base64>,
    /// Set for Auto Scaling groups, whose instances take everything from the template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iam_instance_profile: Option<IamInstanceProfileSpec>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_group_ids: Vec<Expr>,
}

/// The instance profile of a launch template, by ARN.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IamInstanceProfileSpec {
    pub arn: Expr,
}

/// An EBS block device of a launch template, always encrypted with a customer key (E1).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BlockDeviceMapping {
    pub device_name: String,
    pub ebs: Ebs,
}

/// The EBS volume of a block device mapping.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Ebs {
    pub encrypted: bool,
    pub kms_key_id: Expr,
    pub volume_size: u32,
    pub volume_type: &'static str,
    pub delete_on_termination: bool,
}

/// The instance metadata service: IMDSv2 session tokens required (E4), one network hop.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MetadataOptions {
    pub http_endpoint: &'static str,
    pub http_tokens: &'static str,
    pub http_put_response_hop_limit: u8,
    pub instance_metadata_tags: &'static str,
}

impl MetadataOptions {
    /// IMDSv2 only, reachable from the instance itself (hop limit 1, so not from
    /// containers behind a bridge), without the instance's tags.
    pub(crate) const IMDS_V2_ONLY: MetadataOptions = MetadataOptions {
        http_endpoint: "enabled",
        http_tokens: "required",
        http_put_response_hop_limit: 1,
        instance_metadata_tags: "disabled",
    };
}

/// `Monitoring` of a launch template: `{"Enabled": true}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MonitoringEnabled {
    pub enabled: bool,
}

/// `AWS::EC2::Instance`, launched from a launch template into a named subnet.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Instance {
    pub launch_template: LaunchTemplateSpecification,
    pub instance_type: String,
    pub subnet_id: Expr,
    pub security_group_ids: Vec<Expr>,
    pub iam_instance_profile: Expr,
    pub monitoring: bool,
    pub ebs_optimized: bool,
    pub propagate_tags_to_volume_on_creation: bool,
}

impl ResourceType for Instance {
    const TYPE: &'static str = "AWS::EC2::Instance";
}

/// Which launch template, and which version of it, an instance launches from.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LaunchTemplateSpecification {
    pub launch_template_id: Expr,
    pub version: Expr,
}

/// `{"Fn::Base64": value}`: user data, which EC2 takes base64-encoded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Base64(pub Expr);

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("Fn::Base64", &self.0)?;
        map.end()
    }
}
