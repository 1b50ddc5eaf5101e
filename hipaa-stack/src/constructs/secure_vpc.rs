//! [`SecureVpc`]: a private network for PHI.

use std::marker::PhantomData;
use std::net::{IpAddr, Ipv4Addr};

use crate::app::node::IntoNode;
use crate::app::node::{Exception, PUBLIC_TIER};
use crate::app::node::{KeyService, Node, RenderCx, Used};
use crate::app::{Attr, Handle, Id, Reference};
use crate::cfn::ec2::{
    FlowLog, InternetGateway, NetworkAcl, NetworkAclEntry, PortRange, Route, RouteTable,
    SecurityGroup, SecurityGroupEntry, Subnet, SubnetNetworkAclAssociation,
    SubnetRouteTableAssociation, Vpc, VpcEndpoint, VpcGatewayAttachment,
};
use crate::cfn::iam::{ManagedPolicy, Role};
use crate::cfn::policy::{PolicyDocument, Principal, Statement};
use crate::cfn::{Expr, Pseudo, Resource};
use crate::constructs::log_group::{DEFAULT_LOG_RETENTION, LogRetention, encrypted_log_group};
use crate::constructs::{Construct, EncryptionKey, KeyChosen, KmsKey, NoKey};
use crate::literal::{Cidr, Days};

/// E15 on the route of a `SecureVpc`'s public tier to its internet gateway.
pub(crate) const PUBLIC_TIER_ROUTE: Exception = Exception {
    rule: "E15",
    reason: "the route of the public tier, whose subnets hold only load balancers and give no \
             public addresses (MapPublicIpOnLaunch false); the private subnets that hold PHI \
             have no route to the internet gateway",
};

/// E14 on the VPC of a `SecureVpc`: its default security group keeps AWS's rules.
pub(crate) const DEFAULT_SECURITY_GROUP: Exception = Exception {
    rule: "E14",
    reason: "no template property empties a VPC's default security group and hipaa-stack \
             writes no custom resources; nothing is put in it (every instance, database, \
             endpoint and load balancer gets a group of its own); hipaa-stack's report lists it \
             as gap E14, closed by revoking its rules after deploy",
};

/// The most availability zones a `SecureVpc` spans.
const MAX_ZONES: u8 = 6;

/// The AWS services private subnets reach through interface endpoints: those the constructs
/// use, and Systems Manager's three, so that instances are administered through Session
/// Manager instead of SSH.
const INTERFACE_ENDPOINTS: [(&str, &str); 7] = [
    ("Kms", "kms"),
    ("Logs", "logs"),
    ("SecretsManager", "secretsmanager"),
    ("Sts", "sts"),
    ("Ssm", "ssm"),
    ("SsmMessages", "ssmmessages"),
    ("Ec2Messages", "ec2messages"),
];

/// Every logical id suffix a `SecureVpc` may produce (the most zones, a public tier).
const PARTS: &[&str] = &[
    "",
    "FlowLogs",
    "FlowLogsRole",
    "FlowLogsPolicy",
    "FlowLog",
    "Endpoints",
    "S3Endpoint",
    "DynamoDbEndpoint",
    "KmsEndpoint",
    "LogsEndpoint",
    "SecretsManagerEndpoint",
    "StsEndpoint",
    "SsmEndpoint",
    "SsmMessagesEndpoint",
    "Ec2MessagesEndpoint",
    "Private0",
    "Private1",
    "Private2",
    "Private3",
    "Private4",
    "Private5",
    "Private0Routes",
    "Private1Routes",
    "Private2Routes",
    "Private3Routes",
    "Private4Routes",
    "Private5Routes",
    "Private0Association",
    "Private1Association",
    "Private2Association",
    "Private3Association",
    "Private4Association",
    "Private5Association",
    "Gateway",
    "GatewayAttachment",
    "PublicRoutes",
    "PublicDefaultRoute",
    "Public0",
    "Public1",
    "Public2",
    "Public3",
    "Public4",
    "Public5",
    "Public0Association",
    "Public1Association",
    "Public2Association",
    "Public3Association",
    "Public4Association",
    "Public5Association",
    "PrivateAcl",
    "PrivateAclInVpc",
    "PrivateAclInReplies",
    "PrivateAclOutVpc",
    "PrivateAclOutHttps",
    "Private0Acl",
    "Private1Acl",
    "Private2Acl",
    "Private3Acl",
    "Private4Acl",
    "Private5Acl",
    "PublicAcl",
    "PublicAclInVpc",
    "PublicAclInHttps",
    "PublicAclInHttp",
    "PublicAclOutVpc",
    "PublicAclOutReplies",
    "Public0Acl",
    "Public1Acl",
    "Public2Acl",
    "Public3Acl",
    "Public4Acl",
    "Public5Acl",
];

/// Where an entry of a `SecureVpc`'s network ACL lets traffic come from or go to.
#[derive(Debug, Clone, Copy)]
enum Peer {
    /// The VPC's own range: every protocol and port.
    Vpc,
    /// Anywhere (`0.0.0.0/0`): only TCP, on these ports.
    Anywhere(PortRange),
}

/// One allow entry of a `SecureVpc`'s network ACL: its part, whether it is outbound, its rule
/// number and its peer. AWS evaluates an ACL's entries in rule-number order and denies what
/// none allows. Network ACLs are stateless, so each direction allows the other's replies.
struct AclRule {
    part: &'static str,
    egress: bool,
    number: u16,
    peer: Peer,
}

/// The private subnets' network ACL. Their only way out of the VPC is the S3 and DynamoDB
/// gateway endpoints, over HTTPS, whose replies come from the services' public addresses to
/// the ephemeral ports (32768-65535 holds Linux's 32768-60999 and Windows' 49152-65535; no
/// port rule E16 closes). "Network ACLs do not filter traffic destined to and from" the
/// Amazon DNS server, DHCP, instance metadata and the Time Sync Service (Amazon VPC user
/// guide, "Control subnet traffic with network access control lists").
const PRIVATE_ACL: [AclRule; 4] = [
    AclRule {
        part: "PrivateAclInVpc",
        egress: false,
        number: 100,
        peer: Peer::Vpc,
    },
    AclRule {
        part: "PrivateAclInReplies",
        egress: false,
        number: 110,
        peer: Peer::Anywhere(PortRange {
            from: 32768,
            to: 65535,
        }),
    },
    AclRule {
        part: "PrivateAclOutVpc",
        egress: true,
        number: 100,
        peer: Peer::Vpc,
    },
    AclRule {
        part: "PrivateAclOutHttps",
        egress: true,
        number: 110,
        peer: Peer::Anywhere(PortRange { from: 443, to: 443 }),
    },
];

/// The public subnets' network ACL: they hold only load balancers, which take HTTPS (and
/// HTTP, only to redirect it) from the internet and answer on the clients' ports (1024-65535:
/// a client may use any port above the well-known ones).
const PUBLIC_ACL: [AclRule; 5] = [
    AclRule {
        part: "PublicAclInVpc",
        egress: false,
        number: 100,
        peer: Peer::Vpc,
    },
    AclRule {
        part: "PublicAclInHttps",
        egress: false,
        number: 110,
        peer: Peer::Anywhere(PortRange { from: 443, to: 443 }),
    },
    AclRule {
        part: "PublicAclInHttp",
        egress: false,
        number: 120,
        peer: Peer::Anywhere(PortRange { from: 80, to: 80 }),
    },
    AclRule {
        part: "PublicAclOutVpc",
        egress: true,
        number: 100,
        peer: Peer::Vpc,
    },
    AclRule {
        part: "PublicAclOutReplies",
        egress: true,
        number: 110,
        peer: Peer::Anywhere(PortRange {
            from: 1024,
            to: 65535,
        }),
    },
];

const PRIVATE: [&str; 6] = [
    "Private0", "Private1", "Private2", "Private3", "Private4", "Private5",
];

const PUBLIC_SUBNETS: [&str; 6] = [
    "Public0", "Public1", "Public2", "Public3", "Public4", "Public5",
];

const PUBLIC: [&str; 6] = [
    "Public0", "Public1", "Public2", "Public3", "Public4", "Public5",
];

/// A VPC whose subnets hold PHI: private subnets in several availability zones, no route to
/// the internet from them, every packet logged, and private endpoints for the AWS services
/// the constructs use.
///
/// It needs a customer-managed key for its flow logs ([`encryption`](SecureVpc::encryption));
/// without it, [`Stack::add`](crate::Stack::add) does not compile. Databases take it with
/// `.network(&vpc)` and place themselves in its private subnets behind a security group of
/// their own.
///
/// # Secure defaults
/// - Private subnets in 2 availability zones (up to 6), each with `MapPublicIpOnLaunch`
///   written false (E12, §164.312(a)(1)).
/// - No internet gateway. With [`public_tier`](SecureVpc::public_tier), public subnets and a
///   gateway exist, and only the public subnets' route table has a route to it (E15,
///   §164.312(e)(1)).
/// - A flow log of all traffic of the VPC (E13, §164.312(b)) to a log group encrypted with the
///   customer key and kept a year (L1, L2), written through a role with a managed policy.
/// - A gateway endpoint for S3 and interface endpoints for KMS, CloudWatch Logs, Secrets
///   Manager, STS and Systems Manager (Session Manager replaces SSH), so private subnets
///   reach them without the internet; the endpoints' security group accepts HTTPS from
///   inside the VPC only.
/// - Every subnet is associated with a network ACL of the VPC's own, never the VPC's default
///   one, which lets every protocol and port in from anywhere (E16, §164.312(e)(1)). Both
///   ACLs allow everything inside the VPC. From elsewhere, the private subnets' ACL lets in
///   only TCP replies on the ephemeral ports 32768-65535 and lets out only HTTPS: the S3 and
///   DynamoDB gateway endpoints answer from the services' public addresses, and network ACLs
///   filter their traffic. The public subnets' ACL lets in only HTTPS and HTTP (the load
///   balancer's redirect) and lets out only replies, on ports 1024-65535. SSH, RDP and FTP
///   come in only from inside the VPC.
/// - The VPC's default security group cannot be emptied by a template: the report shows it as
///   a gap (E14) with what to do, and the VPC carries the reason for the rule packs
///   (`cdk_nag`, `checkov` metadata), which cannot see that nothing is put in that group.
///
/// # Options
/// - [`availability_zones`](SecureVpc::availability_zones). Default: 2.
/// - [`public_tier`](SecureVpc::public_tier). Default: none.
/// - [`flow_log_retention`](SecureVpc::flow_log_retention). Default: 365 days.
///
/// ```
/// use hipaa_stack::prelude::*;
/// let app = App::new("clinic");
/// let stack = app.stack("clinic-network")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
/// stack.output("VpcId", net.vpc_id())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SecureVpc<K = Handle<KmsKey>, T = PrivateOnly> {
    id: String,
    cidr: Cidr,
    key: K,
    zones: u8,
    public_tier: bool,
    retention: u16,
    _tier: PhantomData<fn() -> T>,
}

/// The tier state of a [`SecureVpc`] without public subnets (the default): nothing in it
/// is reachable from the internet, and no public load balancer can be placed in it.
#[derive(Debug, Clone, Copy)]
pub struct PrivateOnly;

/// The tier state of a [`SecureVpc`] with public subnets and an internet gateway, after
/// [`public_tier`](SecureVpc::public_tier): a
/// [`PublicLoadBalancer`](crate::PublicLoadBalancer) can be placed in it.
#[derive(Debug, Clone, Copy)]
pub struct WithPublicTier;

mod tier {
    pub trait Tier {}
    impl Tier for super::PrivateOnly {}
    impl Tier for super::WithPublicTier {}
}

/// The tier of a [`SecureVpc`]: [`PrivateOnly`] or [`WithPublicTier`]. Every construct that
/// takes a VPC takes either.
pub trait VpcTier: tier::Tier {}
impl VpcTier for PrivateOnly {}
impl VpcTier for WithPublicTier {}

/// The handle kind of a [`SecureVpc`] that has a public tier.
pub type PublicVpc = SecureVpc<Handle<KmsKey>, WithPublicTier>;

mod block {
    pub trait Block {
        fn block(self) -> crate::literal::Cidr;
    }
    impl Block for crate::literal::Cidr {
        fn block(self) -> crate::literal::Cidr {
            self
        }
    }
}

/// The address block of a [`SecureVpc`]: a [`Cidr`], whose literals (`cidr!("10.20.0.0/16")`)
/// hold no address of the internet. A [`PublicCidr`](crate::PublicCidr) or the
/// [`Internet`](crate::Internet) is not one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a private address block for a VPC",
    label = "a `SecureVpc` takes a block of 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10, e.g. `cidr!(\"10.20.0.0/16\")`",
    note = "HIPAA 45 CFR §164.312(a)(1) and §164.312(e)(1): a VPC of PHI holds only private addresses (RFC 1918 and 6598), so that no address inside it is on the internet and a rule naming a block inside the VPC never names the internet"
)]
pub trait VpcBlock: block::Block {}

impl VpcBlock for Cidr {}

impl SecureVpc<NoKey> {
    /// A VPC with the construct id `id` and the address block `cidr` (IPv4, private, a
    /// prefix from /16 to /24).
    pub fn new(id: impl Into<String>, cidr: impl VpcBlock) -> Self {
        SecureVpc {
            id: id.into(),
            cidr: block::Block::block(cidr),
            key: NoKey,
            zones: 2,
            public_tier: false,
            retention: DEFAULT_LOG_RETENTION,
            _tier: PhantomData,
        }
    }
}

impl<K, T> SecureVpc<K, T> {
    /// Encrypts the flow logs with this customer-managed key.
    pub fn encryption<E: EncryptionKey>(self, key: &Handle<E>) -> SecureVpc<Handle<KmsKey>, T> {
        SecureVpc {
            id: self.id,
            cidr: self.cidr,
            key: key.cast(),
            zones: self.zones,
            public_tier: self.public_tier,
            retention: self.retention,
            _tier: PhantomData,
        }
    }

    /// Spans `zones` availability zones, 2 to 6, with a private subnet in each (checked when
    /// the VPC is added). Default: 2.
    pub fn availability_zones(mut self, zones: u8) -> Self {
        self.zones = zones;
        self
    }

    /// Adds public subnets (one in each zone) and an internet gateway, for load balancers.
    /// Private subnets never route to the gateway. The handle of a VPC with a public tier
    /// is a `Handle<PublicVpc>`, which a [`PublicLoadBalancer`](crate::PublicLoadBalancer)
    /// requires; every other construct takes either kind.
    pub fn public_tier(self) -> SecureVpc<K, WithPublicTier> {
        SecureVpc {
            id: self.id,
            cidr: self.cidr,
            key: self.key,
            zones: self.zones,
            public_tier: true,
            retention: self.retention,
            _tier: PhantomData,
        }
    }

    /// How long the flow logs are kept. Default: 365 days.
    pub fn flow_log_retention<const N: u16>(mut self, days: Days<N>) -> Self
    where
        Days<N>: LogRetention,
    {
        self.retention = days.get();
        self
    }
}

impl<T: VpcTier> Handle<SecureVpc<Handle<KmsKey>, T>> {
    /// The same VPC as a `Handle<SecureVpc>`, whatever its tier: to keep VPCs with and
    /// without a public tier in one variable. Only a `Handle<PublicVpc>` places a
    /// [`PublicLoadBalancer`](crate::PublicLoadBalancer).
    pub fn any_tier(&self) -> Handle<SecureVpc> {
        self.cast()
    }

    /// The VPC's id.
    pub fn vpc_id(&self) -> Reference<Id> {
        self.attr_ref("", Attr::Ref)
    }

    /// The id of the private subnet in the `zone`-th availability zone (from 0).
    pub fn private_subnet_id(&self, zone: u8) -> Reference<Id> {
        self.attr_ref(PRIVATE[usize::from(zone.min(MAX_ZONES - 1))], Attr::Ref)
    }
}

impl Handle<PublicVpc> {
    /// The id of the public subnet in the `zone`-th availability zone (from 0).
    pub fn public_subnet_id(&self, zone: u8) -> Reference<Id> {
        self.attr_ref(PUBLIC[usize::from(zone.min(MAX_ZONES - 1))], Attr::Ref)
    }
}

impl<K: KeyChosen<SecureVpc>, T: VpcTier> Construct<SecureVpc<Handle<KmsKey>, T>>
    for SecureVpc<K, T>
{
}

impl<K: KeyChosen<SecureVpc>, T: VpcTier> IntoNode<SecureVpc<Handle<KmsKey>, T>>
    for SecureVpc<K, T>
{
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(VpcNode {
            id: self.id,
            cidr: self.cidr,
            key: self.key.key(),
            zones: self.zones,
            public_tier: self.public_tier,
            retention: self.retention,
        })
    }
}

pub(crate) struct VpcNode {
    id: String,
    cidr: Cidr,
    key: Handle<KmsKey>,
    zones: u8,
    public_tier: bool,
    retention: u16,
}

impl VpcNode {
    /// The `index`-th block of a sixteenth of the VPC.
    fn block(&self, index: u8) -> String {
        let IpAddr::V4(base) = self.cidr.address() else {
            return String::new();
        };
        let prefix = self.cidr.prefix() + 4;
        let size = 1u32 << (32 - u32::from(prefix));
        let address = Ipv4Addr::from(u32::from(base) + u32::from(index) * size);
        format!("{address}/{prefix}")
    }
}

/// The private subnet parts of a VPC with `zones` zones.
pub(crate) fn private_subnets(zones: u8) -> &'static [&'static str] {
    &PRIVATE[..usize::from(zones.clamp(2, MAX_ZONES))]
}

impl Node for VpcNode {
    fn kind(&self) -> &'static str {
        "SecureVpc"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        PARTS
    }

    fn uses(&self) -> Vec<Used> {
        vec![self.key.used("KmsKey")]
    }

    fn key_services(&self) -> Vec<(u32, KeyService)> {
        vec![(self.key.index, KeyService::Logs)]
    }

    fn private_subnet_count(&self) -> u8 {
        self.zones
    }

    fn check(&self) -> Result<(), String> {
        if !self.cidr.address().is_ipv4() {
            return Err(format!(
                "`{}` is IPv6; a VPC's primary block is IPv4",
                self.cidr
            ));
        }
        // A VPC of public addresses would make "a block inside the VPC" a public range.
        let private = [
            (std::net::Ipv4Addr::new(10, 0, 0, 0), 8),
            (std::net::Ipv4Addr::new(172, 16, 0, 0), 12),
            (std::net::Ipv4Addr::new(192, 168, 0, 0), 16),
            (std::net::Ipv4Addr::new(100, 64, 0, 0), 10),
        ]
        .iter()
        .filter_map(|(address, prefix)| {
            crate::literal::Cidr::__from_macro(std::net::IpAddr::V4(*address), *prefix).ok()
        })
        .any(|range| range.contains(&self.cidr));
        if !private {
            return Err(format!(
                "`{}` is not a private range; a SecureVpc takes a block of 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10 (RFC 1918 and 6598), so that no address inside it is on the internet",
                self.cidr
            ));
        }
        if !(16..=24).contains(&self.cidr.prefix()) {
            return Err(format!(
                "`{}` has a /{} prefix; a SecureVpc takes /16 to /24 so that each subnet keeps at least 16 addresses",
                self.cidr,
                self.cidr.prefix()
            ));
        }
        if !(2..=MAX_ZONES).contains(&self.zones) {
            return Err(format!(
                "{} availability zones: a SecureVpc spans 2 to {MAX_ZONES}, so that a Multi-AZ database has a subnet in two",
                self.zones
            ));
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let key = cx.resolve(self.key.arn());
        let path = cx.path();
        let vpc_id = cx.own_ref("");
        let mut out = Vec::new();
        let mut vpc = Resource::new(
            cx.logical(""),
            Vpc {
                cidr_block: self.cidr.to_string(),
                enable_dns_hostnames: true,
                enable_dns_support: true,
            },
        )?;
        // The report keeps E14 a gap; the rule packs, which cannot see that nothing uses the
        // default group, read why no template closes it.
        cx.except(&mut vpc, &DEFAULT_SECURITY_GROUP);
        out.push(vpc);

        // Flow logs: every packet, to an encrypted log group, through a role.
        out.push(encrypted_log_group(cx, "FlowLogs", key, self.retention)?);
        let delivery = || Principal::Service("vpc-flow-logs.amazonaws.com".into());
        out.push(Resource::new(
            cx.logical("FlowLogsRole"),
            Role {
                description: format!("lets VPC flow logs of {path} write to their log group"),
                assume_role_policy_document: PolicyDocument::new(vec![
                    Statement::allow("TrustFlowLogs", delivery(), &["sts:AssumeRole"], Vec::new())
                        .when(
                            "StringEquals",
                            "aws:SourceAccount",
                            Expr::pseudo(Pseudo::AccountId),
                        ),
                ]),
                managed_policy_arns: Vec::new(),
            },
        )?);
        out.push(Resource::new(
            cx.logical("FlowLogsPolicy"),
            ManagedPolicy {
                description: format!("flow log delivery to the log group of {path}"),
                policy_document: PolicyDocument::new(vec![Statement::allow_identity(
                    "WriteFlowLogs",
                    &[
                        "logs:CreateLogStream",
                        "logs:DescribeLogStreams",
                        "logs:PutLogEvents",
                    ],
                    vec![cx.own_att("FlowLogs", "Arn")],
                )]),
                roles: vec![cx.own_ref("FlowLogsRole")],
            },
        )?);
        out.push(
            Resource::new(
                cx.logical("FlowLog"),
                FlowLog {
                    resource_id: vpc_id.clone(),
                    resource_type: "VPC",
                    traffic_type: "ALL",
                    log_destination_type: "cloud-watch-logs",
                    log_group_name: cx.own_ref("FlowLogs"),
                    deliver_logs_permission_arn: cx.own_att("FlowLogsRole", "Arn"),
                    max_aggregation_interval: 60,
                },
            )?
            .depends_on(&cx.logical("FlowLogsPolicy")),
        );

        // Private subnets, each with its own route table and no route out.
        let mut route_tables = Vec::new();
        for (zone, &part) in private_subnets(self.zones).iter().enumerate() {
            let zone = u8::try_from(zone).unwrap_or(0);
            out.push(Resource::new(
                cx.logical(part),
                Subnet {
                    vpc_id: vpc_id.clone(),
                    cidr_block: self.block(zone),
                    availability_zone: Expr::availability_zone(zone),
                    map_public_ip_on_launch: false,
                },
            )?);
            let routes = format!("{part}Routes");
            out.push(Resource::new(
                cx.logical(&routes),
                RouteTable {
                    vpc_id: vpc_id.clone(),
                },
            )?);
            out.push(Resource::new(
                cx.logical(&format!("{part}Association")),
                SubnetRouteTableAssociation {
                    subnet_id: cx.own_ref(part),
                    route_table_id: cx.own_ref(&routes),
                },
            )?);
            route_tables.push(cx.own_ref(&routes));
        }
        self.network_acl(
            cx,
            &mut out,
            "PrivateAcl",
            &PRIVATE_ACL,
            private_subnets(self.zones),
        )?;

        // Endpoints: S3 through the route tables, the rest through the private subnets.
        out.push(Resource::new(
            cx.logical("S3Endpoint"),
            VpcEndpoint {
                vpc_id: vpc_id.clone(),
                service_name: Expr::sub_pseudo("com.amazonaws.${AWS::Region}.s3"),
                vpc_endpoint_type: "Gateway",
                route_table_ids: route_tables.clone(),
                subnet_ids: Vec::new(),
                security_group_ids: Vec::new(),
                private_dns_enabled: None,
            },
        )?);
        // A `Function` in the private subnets reaches DynamoDB (a `SecureTable` it is
        // granted) through a gateway endpoint: the subnets have no route to the internet.
        let serves_functions = cx
            .arena
            .constructs
            .iter()
            .any(|c| c.node.kind() == "Function" && c.node.network() == Some(cx.construct));
        if serves_functions {
            out.push(Resource::new(
                cx.logical("DynamoDbEndpoint"),
                VpcEndpoint {
                    vpc_id: vpc_id.clone(),
                    service_name: Expr::sub_pseudo("com.amazonaws.${AWS::Region}.dynamodb"),
                    vpc_endpoint_type: "Gateway",
                    route_table_ids: route_tables,
                    subnet_ids: Vec::new(),
                    security_group_ids: Vec::new(),
                    private_dns_enabled: None,
                },
            )?);
        }
        out.push(Resource::new(
            cx.logical("Endpoints"),
            SecurityGroup {
                group_description: format!("HTTPS to the AWS service endpoints of {path}"),
                vpc_id: vpc_id.clone(),
                security_group_ingress: vec![SecurityGroupEntry {
                    ip_protocol: "tcp",
                    from_port: Some(443),
                    to_port: Some(443),
                    cidr_ip: Some(self.cidr.to_string()),
                    description: "HTTPS from inside the VPC".to_owned(),
                    ..SecurityGroupEntry::default()
                }],
                security_group_egress: vec![SecurityGroupEntry::no_egress()],
            },
        )?);
        let subnets: Vec<Expr> = private_subnets(self.zones)
            .iter()
            .map(|p| cx.own_ref(p))
            .collect();
        for (part, service) in INTERFACE_ENDPOINTS {
            out.push(Resource::new(
                cx.logical(&format!("{part}Endpoint")),
                VpcEndpoint {
                    vpc_id: vpc_id.clone(),
                    service_name: Expr::sub_pseudo(&format!(
                        "com.amazonaws.${{AWS::Region}}.{service}"
                    )),
                    vpc_endpoint_type: "Interface",
                    route_table_ids: Vec::new(),
                    subnet_ids: subnets.clone(),
                    security_group_ids: vec![cx.own_att("Endpoints", "GroupId")],
                    private_dns_enabled: Some(true),
                },
            )?);
        }

        if self.public_tier {
            out.push(Resource::new(cx.logical("Gateway"), InternetGateway {})?);
            out.push(Resource::new(
                cx.logical("GatewayAttachment"),
                VpcGatewayAttachment {
                    vpc_id: vpc_id.clone(),
                    internet_gateway_id: cx.own_ref("Gateway"),
                },
            )?);
            out.push(Resource::new(
                cx.logical("PublicRoutes"),
                RouteTable {
                    vpc_id: vpc_id.clone(),
                },
            )?);
            let mut route = Resource::new(
                cx.logical("PublicDefaultRoute"),
                Route {
                    route_table_id: cx.own_ref("PublicRoutes"),
                    destination_cidr_block: "0.0.0.0/0".to_owned(),
                    gateway_id: cx.own_ref("Gateway"),
                },
            )?
            .depends_on(&cx.logical("GatewayAttachment"));
            // E15 checks this exception itself (the subnets of the route table are marked
            // public, below); the rule packs read it as a suppression with its reason.
            cx.except(&mut route, &PUBLIC_TIER_ROUTE);
            out.push(route);
            for zone in 0..self.zones {
                let part = format!("Public{zone}");
                let mut subnet = Resource::new(
                    cx.logical(&part),
                    Subnet {
                        vpc_id: vpc_id.clone(),
                        cidr_block: self.block(MAX_ZONES + zone),
                        availability_zone: Expr::availability_zone(zone),
                        map_public_ip_on_launch: false,
                    },
                )?;
                // E15 allows a route to the internet gateway only from subnets marked public.
                subnet.metadata_mut().insert(
                    PUBLIC_TIER.0.to_owned(),
                    serde_json::Value::from(PUBLIC_TIER.1),
                );
                out.push(subnet);
                out.push(Resource::new(
                    cx.logical(&format!("{part}Association")),
                    SubnetRouteTableAssociation {
                        subnet_id: cx.own_ref(&part),
                        route_table_id: cx.own_ref("PublicRoutes"),
                    },
                )?);
            }
            let public = &PUBLIC_SUBNETS[..usize::from(self.zones.clamp(2, MAX_ZONES))];
            self.network_acl(cx, &mut out, "PublicAcl", &PUBLIC_ACL, public)?;
        }
        Ok(out)
    }
}

impl VpcNode {
    /// The network ACL `part` with the entries `rules`, and the association of each subnet
    /// of `subnets` (parts) with it, as `<subnet>Acl`.
    fn network_acl(
        &self,
        cx: &mut RenderCx<'_>,
        out: &mut Vec<Resource>,
        part: &str,
        rules: &[AclRule],
        subnets: &[&str],
    ) -> Result<(), serde_json::Error> {
        out.push(Resource::new(
            cx.logical(part),
            NetworkAcl {
                vpc_id: cx.own_ref(""),
            },
        )?);
        for rule in rules {
            let (protocol, cidr_block, port_range) = match rule.peer {
                Peer::Vpc => (-1, self.cidr.to_string(), None),
                Peer::Anywhere(ports) => (6, "0.0.0.0/0".to_owned(), Some(ports)),
            };
            out.push(Resource::new(
                cx.logical(rule.part),
                NetworkAclEntry {
                    network_acl_id: cx.own_ref(part),
                    rule_number: rule.number,
                    protocol,
                    rule_action: "allow",
                    egress: rule.egress,
                    cidr_block,
                    port_range,
                },
            )?);
        }
        for subnet in subnets {
            out.push(Resource::new(
                cx.logical(&format!("{subnet}Acl")),
                SubnetNetworkAclAssociation {
                    subnet_id: cx.own_ref(subnet),
                    network_acl_id: cx.own_ref(part),
                },
            )?);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Cidr;
    use crate::prelude::*;

    #[test]
    fn a_vpc_of_public_addresses_is_refused() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        for (i, block) in ["8.8.0.0/16", "0.0.0.0/16", "172.32.0.0/16", "11.0.0.0/16"]
            .into_iter()
            .enumerate()
        {
            let cidr = Cidr::parse(block).unwrap();
            let err = stack
                .add(SecureVpc::new(format!("Net{i}"), cidr).encryption(&key))
                .unwrap_err()
                .to_string();
            assert!(err.contains("is not a private range"), "{block}: {err}");
        }
        for (i, block) in [
            "10.20.0.0/16",
            "172.31.0.0/16",
            "192.168.0.0/16",
            "100.64.0.0/16",
        ]
        .into_iter()
        .enumerate()
        {
            let cidr = Cidr::parse(block).unwrap();
            stack
                .add(SecureVpc::new(format!("Ok{i}"), cidr).encryption(&key))
                .unwrap();
        }
    }

    #[test]
    fn the_public_route_carries_its_reason_for_the_rule_packs() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        stack
            .add(
                SecureVpc::new("Net", cidr!("10.20.0.0/16"))
                    .encryption(&key)
                    .public_tier(),
            )
            .unwrap();
        let assembly = app.synth().unwrap();
        let t: serde_json::Value =
            crate::cfn::tree::from_str(assembly.stack("t").unwrap().template_json()).unwrap();
        let meta = &t["Resources"]["NetPublicDefaultRoute"]["Metadata"];
        assert_eq!(
            meta["cdk_nag"]["rules_to_suppress"][0]["id"],
            "HIPAA.Security-VPCNoUnrestrictedRouteToIGW"
        );
        let reason = meta["cdk_nag"]["rules_to_suppress"][0]["reason"]
            .as_str()
            .unwrap();
        assert!(
            reason.contains(
                "the private subnets that hold PHI have no route to the internet gateway"
            ),
            "{reason}"
        );
        assert!(reason.contains("MapPublicIpOnLaunch false"), "{reason}");
        assert_eq!(
            meta["guard"]["SuppressedRules"],
            serde_json::json!(["NO_UNRESTRICTED_ROUTE_TO_IGW"])
        );
        // The default security group: a gap of the report, a reason for the packs.
        let vpc = &t["Resources"]["Net"]["Metadata"];
        assert_eq!(
            vpc["cdk_nag"]["rules_to_suppress"][0]["id"],
            "HIPAA.Security-VPCDefaultSecurityGroupClosed"
        );
        assert_eq!(vpc["checkov"]["skip"][0]["id"], "CKV2_AWS_12");
        assert!(
            vpc["checkov"]["skip"][0]["comment"]
                .as_str()
                .unwrap()
                .contains("gap E14")
        );
    }
}
