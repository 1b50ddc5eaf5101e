//! Rules for network resources: security groups, subnets, VPCs, routes.

use crate::app::node::PUBLIC_TIER;
use serde_json::Value;

use super::imports::Placed;
use super::meaning::{is_internet, text_or_json};
use super::resilience::number;
use super::{
    Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, is_false, is_true, pointer_name,
    proof_of,
};
use crate::cfn::Resource;

const FIREWALL: &[&str] = &[
    "164.308(a)(3)(i)",
    "164.308(a)(4)(i)",
    "164.312(a)(1)",
    "164.312(e)(1)",
];
const VPC: &[&str] = &["AWS::EC2::VPC"];
/// A VPC peering connection, read by `E17` for the one setting of it that reaches beyond the
/// account, `PeerOwnerId` (CloudFormation reference, `AWS::EC2::VPCPeeringConnection`: "The
/// accepter VPC can belong to a different AWS account and can be in a different Region"):
/// `PeerRegion` and `AssumeRoleRegion` choose a region, `PeerRoleArn` the role that accepts
/// the request in the accepter's account, `VpcId` and `PeerVpcId` the two VPCs (the
/// requester "that you own"), none of which grants another account a path. Its attachments
/// read so too: an `AWS::EC2::TransitGatewayVpcAttachment`'s `Options` (DNS, IPv6, appliance
/// mode, security group referencing) and subnets act among the VPCs the transit gateway
/// joins, so only `TransitGatewayId` decides where the VPC's traffic may go.
const PEERING: &str = "AWS::EC2::VPCPeeringConnection";
/// A transit gateway.
const TRANSIT_GATEWAY: &str = "AWS::EC2::TransitGateway";
/// A VPC endpoint, read by `E17` for the settings of it that name what it connects the VPC
/// to (CloudFormation reference, `AWS::EC2::VPCEndpoint`: "You can use an endpoint service
/// provided by AWS, an MKT Partner, or another AWS accounts in your organization"): its
/// `ServiceName` (an interface, gateway or Gateway Load Balancer endpoint),
/// `ServiceNetworkArn` (a `ServiceNetwork` endpoint: "The Amazon Resource Name (ARN) of a
/// service network that will be associated with the VPC endpoint of type service-network")
/// and `ResourceConfigurationArn` (a `Resource` endpoint: "a resource configuration that will
/// be associated with the VPC endpoint of type resource"). The rest grant no other account a
/// path: `VpcId`, `SubnetIds`, `RouteTableIds` and `SecurityGroupIds` place it in the VPC (its
/// groups are read by `E10`/`E11`, and the default group's rules are revoked, `E14`),
/// `PolicyDocument` only narrows what the endpoint lets through ("controls access to the
/// service from the VPC. The default endpoint policy allows full access to the service"),
/// `PrivateDnsEnabled`, `DnsOptions` and `IpAddressType` choose names and addresses, and
/// `ServiceRegion` the region of the service its name already names.
const VPC_ENDPOINT: &str = "AWS::EC2::VPCEndpoint";
/// A VPC's association with a VPC Lattice service network, read by `E17` for
/// `ServiceNetworkIdentifier`, the service network whose services the VPC's clients reach
/// (CloudFormation reference, `AWS::VpcLattice::ServiceNetworkVpcAssociation`: an id or ARN,
/// `arn:…:vpc-lattice:<region>:<account>:servicenetwork/sn-…`; one shared by another account
/// through AWS RAM is named by its ARN). `VpcIdentifier` names the VPC, `SecurityGroupIds`
/// its groups (read by `E10`/`E11`), `PrivateDnsEnabled` and `DnsOptions` the names it
/// resolves, `Tags` tags: none reaches another account.
const LATTICE_ASSOCIATION: &str = "AWS::VpcLattice::ServiceNetworkVpcAssociation";
/// The associations that put a service or a resource of the app into a VPC Lattice service
/// network, read by `E17` as a VPC's association is, the other way: `ServiceNetworkIdentifier`
/// of an `AWS::VpcLattice::ServiceNetworkServiceAssociation` and `ServiceNetworkId` of an
/// `AWS::VpcLattice::ServiceNetworkResourceAssociation` (CloudFormation reference: "Associates
/// the specified service network with the specified resource configuration. This allows the
/// resource configuration to receive connections through the service network"; the id or
/// ARN `arn:…:vpc-lattice:<region>:<account>:servicenetwork/sn-…` of a service network, one
/// another account shares through AWS RAM among them). Associated with a service network of
/// another account, the service or resource (a database of the VPC behind a resource
/// configuration) receives the connections of that account's VPCs and endpoints.
const LATTICE_MEMBERS: &[(&str, &str)] = &[
    (
        "AWS::VpcLattice::ServiceNetworkServiceAssociation",
        "ServiceNetworkIdentifier",
    ),
    (
        "AWS::VpcLattice::ServiceNetworkResourceAssociation",
        "ServiceNetworkId",
    ),
];
/// A gateway's attachment to a VPC (CloudFormation reference, `AWS::EC2::VPCGatewayAttachment`:
/// `InternetGatewayId`, "The ID of the internet gateway. You must specify either
/// InternetGatewayId or VpnGatewayId, but not both"; `VpnGatewayId`, "The ID of the virtual
/// private gateway"; `VpcId`), read by `E17` for `VpnGatewayId`: a virtual private gateway
/// brings its VPN connections and Direct Connect interfaces, networks beyond the account,
/// into the VPC (the routes to an internet gateway are `E15`'s).
const GATEWAY_ATTACHMENT: &str = "AWS::EC2::VPCGatewayAttachment";
/// A VPC's attachment to an AWS Cloud WAN core network ("Creates a VPC attachment on an edge
/// location of a core network", Network Manager API, `CreateVpcAttachment`: `CoreNetworkId`,
/// `VpcArn`, `SubnetArns`), read by `E17` as a route to a core network (`CoreNetworkArn`) is:
/// the core network is a global network whose segments may join the networks of other
/// accounts, and no rule reads its policy.
const CLOUD_WAN_ATTACHMENT: &str = "AWS::NetworkManager::VpcAttachment";
/// A VPC's association with an Outposts local gateway route table ("Associates the specified
/// VPC with the specified local gateway route table", EC2 API,
/// `CreateLocalGatewayRouteTableVpcAssociation`), read by `E17` as a route to a local gateway
/// (`LocalGatewayId`) is: the local gateway joins the VPC to the on-premises network behind
/// the Outpost.
const LOCAL_GATEWAY_ASSOCIATION: &str = "AWS::EC2::LocalGatewayRouteTableVPCAssociation";
/// A VPC endpoint's association with a private custom domain name of API Gateway
/// (CloudFormation reference, `AWS::ApiGateway::DomainNameAccessAssociation`: "creates a
/// domain name access association between an access association source and a private custom
/// domain name"; `DomainNameArn`, "The ARN of the domain name"; `AccessAssociationSource`, for
/// a `VPCE` "the VPC endpoint ID"), read by `E17` for `DomainNameArn`: "You can consume a
/// private custom domain name from your own AWS account or from another AWS account" (API
/// Gateway developer guide, "Custom domain names for private APIs in API Gateway"), so an
/// association with a domain name that no stack of the app declares joins the VPC's endpoint
/// to another account's private APIs, as an endpoint to another account's endpoint service
/// does. The endpoint itself is the account's own: "The API consumer [...] needs to create a
/// domain name access association in their own account between their VPC endpoint and your
/// private custom domain name" (the same guide, "API provider: Share your private custom
/// domain name using the API Gateway AWS CLI").
const DOMAIN_ACCESS: &str = "AWS::ApiGateway::DomainNameAccessAssociation";
/// An AWS Client VPN endpoint, read by `E17` as the way remote clients join the VPC's
/// network: "the destination endpoint at which all client VPN sessions are terminated"
/// (CloudFormation reference, `AWS::EC2::ClientVpnEndpoint`). Clients reach the VPC once the
/// endpoint is associated with its subnets ([`CLIENT_VPN_ASSOCIATION`]), so the endpoint is
/// a path from networks beyond the account that the rule admits only when it is the app's,
/// logs every connection (`ConnectionLogOptions`: `Enabled`, and the `CloudwatchLogGroup`
/// that is required when it is) and signs clients in through a SAML identity provider
/// (`AuthenticationOptions`, `Type` `federated-authentication` with
/// `FederatedAuthentication.SAMLProviderArn`, "Information about the IAM SAML identity
/// provider"), where the organization's sign-in and its second factor apply. A client
/// certificate (`certificate-authentication`) is a file that a copy carries to any device,
/// and a directory (`directory-service-authentication`) asks for a second factor only as its
/// own settings say, which no rule reads.
const CLIENT_VPN: &str = "AWS::EC2::ClientVpnEndpoint";
/// An authorization rule of a Client VPN endpoint ("Ingress authorization rules act as
/// firewall rules that grant access to networks", CloudFormation reference,
/// `AWS::EC2::ClientVpnAuthorizationRule`): `AuthorizeAllGroups`, "Specify true to grant all
/// clients who successfully establish a VPN connection access to the network. Must be set to
/// true if AccessGroupId is not specified"; `AccessGroupId`, "The ID of the group to grant
/// access to, for example, the Active Directory group or identity provider (IdP) group".
const CLIENT_VPN_AUTHORIZATION: &str = "AWS::EC2::ClientVpnAuthorizationRule";
/// A route of a Client VPN endpoint (`AWS::EC2::ClientVpnRoute`: `DestinationCidrBlock`
/// through `TargetVpcSubnetId`): a route to the internet (0.0.0.0/0, or any public range)
/// sends the clients' own traffic out through the VPC, whose addresses the internet then
/// sees it from (CloudFormation reference, `AWS::EC2::ClientVpnRoute`
/// `DestinationCidrBlock`: "To add a route for Internet access, enter 0.0.0.0/0"; the routes
/// to the VPC itself are added when a subnet is associated, AWS Client VPN administrator
/// guide, "AWS Client VPN routes").
const CLIENT_VPN_ROUTE: &str = "AWS::EC2::ClientVpnRoute";
/// The association of a Client VPN endpoint with a subnet of the VPC
/// (`AWS::EC2::ClientVpnTargetNetworkAssociation`: `ClientVpnEndpointId`, `SubnetId`): it is
/// what lets the endpoint's clients into the VPC.
const CLIENT_VPN_ASSOCIATION: &str = "AWS::EC2::ClientVpnTargetNetworkAssociation";
/// An EC2 Instance Connect Endpoint, read by `E17` as a way remote clients join the VPC's
/// network, as a Client VPN endpoint is: "EC2 Instance Connect Endpoint allows you to
/// connect securely to an instance from the internet, without using a bastion host" and
/// "is an identity-aware TCP proxy [...] Traffic is authenticated and authorized before it
/// reaches your VPC" (Amazon EC2 user guide, "Connect to your instances using a private IP
/// address and EC2 Instance Connect Endpoint"). Who may open a tunnel is IAM's
/// (`ec2-instance-connect:OpenTunnel`, read by the identity rules), and "All attempts to
/// connect to your instances, both successful and unsuccessful, are logged to CloudTrail";
/// where a tunnel may lead is the endpoint's security groups' outbound rules alone: "Traffic
/// to the endpoint originates from the EC2 Instance Connect Endpoint Service, and it is
/// allowed regardless of the inbound rules for the endpoint security group" and "The
/// security group rules for an EC2 Instance Connect Endpoint must allow outbound traffic
/// destined for the target instances to leave the endpoint. You can specify either the
/// instance security group or the IPv4 address range of the VPC as the destination" (the
/// same guide, "Security groups for EC2 Instance Connect Endpoint"). `SecurityGroupIds`:
/// "If you don't specify a security group, the default security group for your VPC will be
/// associated with the endpoint" (EC2 API, `CreateInstanceConnectEndpoint`), whose default
/// outbound rule allows every port to every address (`E14` revokes it only where `up`
/// deploys). So `E17` admits an endpoint whose every group is a security group of the app
/// whose outbound rules (written, and those a standalone `AWS::EC2::SecurityGroupEgress` of
/// any stack adds, by reference or by an import of the group's export) each name a port
/// range of TCP, never every protocol or port, to a security group or a range of private
/// addresses, never a public range, a prefix list or one known only at deploy (a rule of
/// another protocol leads a tunnel nowhere). `PreserveClientIp` loosens nothing: with it false the instances see the
/// endpoint's address, with it true the client's own, and either way their groups admit the
/// tunnel by the endpoint's group or by a range ("preserveClientIp=true: Allow inbound
/// traffic from the EC2 Instance Connect Endpoint security group; Allow inbound traffic from
/// the client IP address", the same guide), where `E10` refuses a public range on the
/// administration and database ports; `SubnetId` places the endpoint in the VPC,
/// `IpAddressType` chooses its addresses, `ClientToken` and `Tags` change nothing.
const INSTANCE_CONNECT: &str = "AWS::EC2::InstanceConnectEndpoint";
/// A Route 53 Resolver rule ("For DNS queries that originate in your VPCs, specifies which
/// Resolver endpoint the queries pass through, one domain name that you want to forward to
/// your network, and the IP addresses of the DNS resolvers in your network", CloudFormation
/// reference, `AWS::Route53Resolver::ResolverRule`; `RuleType` FORWARD, SYSTEM, RECURSIVE or
/// DELEGATE, and `DelegationRecord`: "DNS queries with delegation records that point to this
/// domain name are forwarded to resolvers on your network").
const RESOLVER_RULE: &str = "AWS::Route53Resolver::ResolverRule";
/// A VPC's association with a Resolver rule (`AWS::Route53Resolver::ResolverRuleAssociation`:
/// `ResolverRuleId`, `VPCId`), read by `E17`: a FORWARD or DELEGATE rule sends the VPC's DNS
/// queries, and the names of what it reaches, out through an outbound endpoint to resolvers
/// beyond the account; a rule that another account shares through AWS RAM (named by an id
/// no template of the app declares) forwards them where that account says.
const RESOLVER_RULE_ASSOCIATION: &str = "AWS::Route53Resolver::ResolverRuleAssociation";
/// A VPC's association with a Route 53 profile (`AWS::Route53Profiles::ProfileAssociation`:
/// `ProfileId`, `ResourceId`), which applies to the VPC the Resolver rules (and the other
/// DNS settings) associated with the profile (`AWS::Route53Profiles::ProfileResourceAssociation`:
/// `ProfileId`, `ResourceArn`); a profile another account shares through AWS RAM brings
/// that account's rules, and a rule associated with a profile of the app is read as one
/// associated with the VPC is.
const PROFILE_ASSOCIATION: &str = "AWS::Route53Profiles::ProfileAssociation";
/// A resource (a Resolver rule among them) associated with a Route 53 profile.
const PROFILE_RESOURCE_ASSOCIATION: &str = "AWS::Route53Profiles::ProfileResourceAssociation";

/// The ports that are never open to the internet: SSH, RDP, FTP, MySQL, 3309 and 4333, and
/// the other remote shells and desktops of an instance: Telnet (23), Windows Remote
/// Management (5985 over HTTP, 5986 over HTTPS) and VNC (5900); the BSD remote commands
/// (rexec 512, rlogin 513, rsh 514) and Windows' RPC endpoint mapper (135) and NetBIOS
/// session service (139, SMB's older port beside 445); and the APIs that run a host's
/// containers and clusters, each of which runs code on the host for whoever reaches it:
/// the Docker Engine API (2375 plain, 2376 over TLS), and Kubernetes' API server (6443),
/// etcd (2379 and 2380) and kubelet API (10250), the control plane ports of Kubernetes'
/// "Ports and Protocols" reference (Amazon EKS user guide, "View Amazon EKS security group
/// requirements for clusters", asks 10250 only of the cluster's own group), with the
/// kubelet's read-only port (10255, which answers without authentication) and the
/// controller manager's and scheduler's (10257, 10259). VNC's second display (5901, the
/// first a server started by a user takes) and its HTTP viewer (5800). And the consoles of
/// the notebooks and clusters that analyse data on a host, each of which runs code or jobs
/// for whoever reaches it: Jupyter's notebook server (8888), Hadoop YARN's resource manager
/// (8088, whose REST API submits applications) and Apache Livy (8998, which runs Spark
/// code), the web ports of Amazon EMR's applications (Amazon EMR management guide, "View
/// web interfaces hosted on Amazon EMR clusters").
const ADMIN_PORTS: [i64; 30] = [
    22, 3389, 20, 21, 3306, 3309, 4333, 23, 5985, 5986, 5900, 512, 513, 514, 135, 139, 2375, 2376,
    6443, 2379, 2380, 10250, 10255, 10257, 10259, 5901, 5800, 8888, 8088, 8998,
];

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "E10",
        title: "no security group opens administration or database ports, or every port, to the internet",
        types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
        controls: FIREWALL,
        fix: "replace `CidrIp` 0.0.0.0/0 or `CidrIpv6` ::/0 with the address range or security group that needs the port, and never open ports 22, 3389, 20, 21, 3306, 3309, 4333, the other remote shells, desktops and container or cluster APIs and notebook or analytics consoles (such as 23, 5900, 2375, 6443, 10250, 8888, 8088), the database, cache, file-share and message-broker ports (such as 5432, 6379, 2049, 9092, 5671) or `IpProtocol` -1 to the internet; write `SecurityGroupIngress` and each of its rules as literals, which the rule reads",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-EC2RestrictedSSH"),
            checkov: Some("CKV_AWS_24"),
            guard: Some("INCOMING_SSH_DISABLED"),
        },
        check: e10,
    },
    RuleSpec {
        id: "E11",
        title: "every security group rule says why it exists",
        types: &[
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::SecurityGroupIngress",
            "AWS::EC2::SecurityGroupEgress",
        ],
        controls: FIREWALL,
        fix: "give every ingress and egress rule a `Description`",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_23"),
            guard: Some("SECURITY_GROUP_DESCRIPTION_RULE"),
        },
        check: e11,
    },
    RuleSpec {
        id: "E12",
        title: "subnets do not give instances public addresses, explicitly",
        types: &["AWS::EC2::Subnet"],
        controls: &["164.308(a)(3)(i)", "164.312(a)(1)", "164.312(e)(1)"],
        fix: "set `MapPublicIpOnLaunch` to false, and leave `AssignIpv6AddressOnCreation` and `Ipv6Native` unset or false unless a route table of the template associated with the subnet sends ::/0 to an egress-only internet gateway, never an internet gateway (waive the rule, with a reason, on a public subnet that holds no PHI)",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-VPCSubnetAutoAssignPublicIpDisabled"),
            checkov: None,
            guard: Some("SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED"),
        },
        check: e12,
    },
    RuleSpec {
        id: "E13",
        title: "the VPC records all its traffic in flow logs",
        types: VPC,
        controls: &["164.308(a)(3)(ii)(A)", "164.312(b)"],
        fix: "add an `AWS::EC2::FlowLog` with `ResourceId` set to the VPC's `Ref`, `ResourceType` VPC and `TrafficType` ALL, delivering to an encrypted, retained log group",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-VPCFlowLogsEnabled"),
            checkov: Some("CKV2_AWS_11"),
            guard: None,
        },
        check: e13,
    },
    RuleSpec {
        id: "E14",
        title: "the VPC's default security group has no rules",
        types: VPC,
        controls: &["164.312(e)(1)"],
        fix: "add no `SecurityGroupIngress` or `SecurityGroupEgress` to the VPC's default security group (`GroupId` `Fn::GetAtt` of its `DefaultSecurityGroup`); deploy with `up`, which revokes every ingress and egress rule of the VPC's default security group after it creates or updates the stack (and `drift` shows rules that come back); deployed by other means, revoke them with `aws ec2 revoke-security-group-ingress`/`-egress`",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-VPCDefaultSecurityGroupClosed"),
            checkov: Some("CKV2_AWS_12"),
            guard: None,
        },
        check: e14,
    },
    RuleSpec {
        id: "E15",
        title: "no subnet that holds PHI routes to the internet through an internet gateway",
        types: &["AWS::EC2::Route"],
        controls: &["164.312(e)(1)"],
        fix: "associate route tables with a 0.0.0.0/0 or ::/0 route to an internet gateway (or a Wavelength carrier gateway, `CarrierGatewayId`) only with public subnets (`MapPublicIpOnLaunch` true); route PHI subnets through a NAT gateway or VPC endpoints",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-VPCNoUnrestrictedRouteToIGW"),
            checkov: None,
            guard: Some("NO_UNRESTRICTED_ROUTE_TO_IGW"),
        },
        check: e15,
    },
    RuleSpec {
        id: "E17",
        title: "no VPC is peered, attached or routed to a network outside the account",
        types: &[
            "AWS::EC2::Route",
            PEERING,
            "AWS::EC2::TransitGatewayAttachment",
            "AWS::EC2::TransitGatewayVpcAttachment",
            VPC_ENDPOINT,
            LATTICE_ASSOCIATION,
            LATTICE_MEMBERS[0].0,
            LATTICE_MEMBERS[1].0,
            GATEWAY_ATTACHMENT,
            CLOUD_WAN_ATTACHMENT,
            LOCAL_GATEWAY_ASSOCIATION,
            DOMAIN_ACCESS,
            CLIENT_VPN,
            CLIENT_VPN_AUTHORIZATION,
            CLIENT_VPN_ROUTE,
            CLIENT_VPN_ASSOCIATION,
            RESOLVER_RULE,
            RESOLVER_RULE_ASSOCIATION,
            PROFILE_ASSOCIATION,
            PROFILE_RESOURCE_ASSOCIATION,
            INSTANCE_CONNECT,
        ],
        controls: &["164.312(e)(1)"],
        fix: "peer VPCs only within the account (`PeerOwnerId` unset or `${AWS::AccountId}`), and attach and route only to peering connections and transit gateways of the app, whose transit gateways leave `AutoAcceptSharedAttachments` disabled and are named by no resource that shares, peers or connects them beyond the account; attach, associate and route to no virtual private gateway, local gateway, Cloud WAN core network or ODB network, and to Gateway Load Balancer endpoints of the app only; give VPC endpoints an AWS service's name (`com.amazonaws.${AWS::Region}.s3`), an endpoint service of the app, or a VPC Lattice service network or resource configuration of the app, and associate VPCs, services and resource configurations only with service networks of the app, and VPC endpoints only with private custom domain names (`AWS::ApiGateway::DomainNameV2`) of the app; associate VPCs only with Client VPN endpoints of the app that log every connection (`ConnectionLogOptions.Enabled` with a `CloudwatchLogGroup`) and sign clients in through a SAML identity provider (`AuthenticationOptions` `federated-authentication`) that asks for a second factor, authorize each network to an access group (`AccessGroupId`, never `AuthorizeAllGroups`), and give them no route to 0.0.0.0/0 or another public range; give EC2 Instance Connect Endpoints `SecurityGroupIds` of the app whose outbound rules each open TCP ports (never `IpProtocol` -1 or every port) to a security group or a private range of the VPC (never a public range or a prefix list); declare, and associate VPCs and Route 53 profiles with, only Resolver rules of the app of `RuleType` SYSTEM or RECURSIVE (never FORWARD or DELEGATE, which send the VPC's DNS queries to resolvers outside the account), and VPCs only with profiles of the app; a path to another account of the organization (a shared transit gateway of a network account, a partner's endpoint service) takes a waiver naming that account and the agreement that covers it",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: e17,
    },
    RuleSpec {
        id: "E18",
        title: "no security group lets every protocol or every port out to the internet",
        types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupEgress"],
        controls: FIREWALL,
        fix: "write `SecurityGroupEgress` on every security group (without it EC2 adds a rule that lets every protocol and port out to 0.0.0.0/0 and ::/0), and give each egress rule and each `AWS::EC2::SecurityGroupEgress` the `IpProtocol` and `FromPort`/`ToPort` the group needs (never `IpProtocol` -1, and never every TCP or UDP port, -1 or 0-65535) when its `CidrIp` or `CidrIpv6` holds public addresses (0.0.0.0/0, ::/0) or is known only at deploy, or its `DestinationPrefixListId` names a prefix list other than an `AWS::EC2::PrefixList` of the app whose `Entries` are all private ranges (an AWS-managed list, such as `com.amazonaws.<region>.s3`'s, takes the port its service needs, HTTPS 443); reach AWS APIs through VPC endpoints (`DestinationSecurityGroupId` of the endpoint's group, or HTTPS to a prefix list); a group that must reach the whole internet on every port (a NAT or proxy instance) is waived with that reason",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: e18,
    },
];

/// The rules a security-group resource declares, as (pointer below `Properties`, rule): the
/// entries of `SecurityGroupIngress` (and `SecurityGroupEgress` with `egress`) of a group,
/// or the properties of a standalone `SecurityGroupIngress`/`SecurityGroupEgress`.
fn entries<'a>(cx: &Cx<'a>, egress: bool) -> Vec<(String, &'a Value)> {
    match cx.resource.type_name() {
        // A standalone rule is one entry (E10 reads ingress resources only, by its types).
        "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
            vec![(String::new(), cx.resource.properties())]
        }
        "AWS::EC2::SecurityGroup" => {
            let lists: &[&str] = if egress {
                &["SecurityGroupIngress", "SecurityGroupEgress"]
            } else {
                &["SecurityGroupIngress"]
            };
            lists
                .iter()
                .flat_map(|list| match cx.prop(&format!("/{list}")) {
                    Some(Value::Array(items)) => items
                        .iter()
                        .enumerate()
                        .filter(|(_, e)| !super::meaning::no_value(e))
                        .map(move |(i, e)| (format!("/{list}/{i}"), e))
                        .collect::<Vec<_>>(),
                    // A list known only at deploy (a custom resource's attribute) may hold
                    // any entry: it is read as one entry that cannot be read.
                    Some(other) => vec![(format!("/{list}"), other)],
                    None => Vec::new(),
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// How an entry is named in a finding.
fn entry_name(pointer: &str) -> String {
    if pointer.is_empty() {
        "the rule".to_owned()
    } else {
        format!("`{}`", pointer_name(pointer))
    }
}

/// Where an ingress entry admits traffic from that reaches the internet, if it does: an
/// IPv4 or IPv6 range (any spelling) that holds a public address, a range that cannot be
/// known before deploy, or a prefix list (an ingress source no rule can read).
fn from_the_internet(cx: &Cx<'_>, entry: &Value) -> Option<String> {
    if let Some(v) = entry
        .get("CidrIp")
        .filter(|v| is_internet(&own_range(cx, v).unwrap_or_else(|| (*v).clone())))
    {
        return Some(format!("the internet (`CidrIp` {})", text_or_json(v)));
    }
    if let Some(v) = entry
        .get("CidrIpv6")
        .filter(|v| !own_ipv6_range(cx, v) && is_internet(v))
    {
        return Some(format!("the internet (`CidrIpv6` {})", text_or_json(v)));
    }
    entry.get("SourcePrefixListId").map(|v| {
        format!(
            "prefix list {} (a prefix list may hold any address; open the port to a security group or a range inside the VPC)",
            text_or_json(v)
        )
    })
}

/// Whether `value` is one of the IPv6 blocks of a VPC or subnet of this template:
/// `Fn::Select` of an index of its `Ipv6CidrBlocks` attribute (in either form of
/// `Fn::GetAtt`), "The IPv6 network ranges for the VPC, in CIDR notation" and "The IPv6 CIDR
/// blocks that are assigned to the subnet" (CloudFormation reference, `AWS::EC2::VPC` and
/// `AWS::EC2::Subnet` return values). Every IPv6 address is public address space, so
/// [`is_internet`] reads any written range as the internet's; but a block the VPC holds is
/// the addresses of its own interfaces, which nothing outside it sends from (the block is
/// only known at deploy, as Amazon or an IPAM pool allocates it). Anything else, an index
/// into another list or a block of another template, is not.
pub(super) fn own_ipv6_range(cx: &Cx<'_>, value: &Value) -> bool {
    // An import is read in the stack that exports it, once (see [`own_range`]).
    match exported_value(cx, value) {
        Some((there, exported)) => own_ipv6_range_here(&there, &exported),
        None => own_ipv6_range_here(cx, value),
    }
}

/// [`own_ipv6_range`] of a value of the template of `cx` itself.
fn own_ipv6_range_here(cx: &Cx<'_>, value: &Value) -> bool {
    let Some(Value::Array(select)) = value
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.get("Fn::Select"))
    else {
        return false;
    };
    let [index, list] = select.as_slice() else {
        return false;
    };
    if number(index).is_none_or(|i| i < 0) {
        return false;
    }
    let (id, attribute) = match list
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.get("Fn::GetAtt"))
    {
        Some(Value::Array(a)) => match a.as_slice() {
            [Value::String(id), Value::String(attribute)] => (id.as_str(), attribute.as_str()),
            _ => return false,
        },
        Some(Value::String(s)) => match s.split_once('.') {
            Some(pair) => pair,
            None => return false,
        },
        _ => return false,
    };
    attribute == "Ipv6CidrBlocks"
        && ["AWS::EC2::VPC", "AWS::EC2::Subnet"]
            .into_iter()
            .flat_map(|t| cx.others(t))
            .any(|r| r.logical_id() == id)
}

/// The range of a VPC or subnet of this template that `value` names by `Fn::GetAtt` of its
/// `CidrBlock` (in either form of `Fn::GetAtt`), as its written `CidrBlock`: "The primary
/// IPv4 CIDR block for the VPC" and "The IPv4 CIDR blocks that are assigned to the subnet"
/// (CloudFormation reference, `AWS::EC2::VPC` and `AWS::EC2::Subnet` return values), which
/// are the `CidrBlock` property. `None` for anything else, or a block not written as text
/// (an IPAM pool's), which is read as the value itself.
fn own_range(cx: &Cx<'_>, value: &Value) -> Option<Value> {
    // An import of the one export of the app that carries it is read in the exporting
    // stack ("You can't create cross-stack references across Regions", CloudFormation user
    // guide, `Fn::ImportValue`: the VPC is the importing stack's region's), once: an export
    // that imports again is read as the value it is.
    match exported_value(cx, value) {
        Some((there, exported)) => own_range_here(&there, &exported),
        None => own_range_here(cx, value),
    }
}

/// [`own_range`] of a value of the template of `cx` itself.
fn own_range_here(cx: &Cx<'_>, value: &Value) -> Option<Value> {
    let (id, attribute) = match value.get("Fn::GetAtt")? {
        Value::Array(a) => match a.as_slice() {
            [Value::String(id), Value::String(attribute)] => (id.as_str(), attribute.as_str()),
            _ => return None,
        },
        Value::String(s) => s.split_once('.')?,
        _ => return None,
    };
    if attribute != "CidrBlock" || value.as_object().is_some_and(|m| m.len() != 1) {
        return None;
    }
    ["AWS::EC2::VPC", "AWS::EC2::Subnet"]
        .into_iter()
        .flat_map(|t| cx.others(t))
        .find(|r| r.logical_id() == id)
        .and_then(|r| super::meaning::text(&r.properties()["CidrBlock"]))
        .map(Value::String)
}

/// The default ports of database and cache engines (PostgreSQL, MySQL/MariaDB/Aurora,
/// SQL Server, Oracle, Redshift, DocumentDB/MongoDB, Redis/Valkey, Memcached, Neptune,
/// Cassandra, OpenSearch), never open to the internet; and those of the file systems, which
/// no property of theirs names, so that `store_ports` cannot hold them: NFS (TCP 2049, which
/// an EFS mount target's security group must admit: Amazon EFS user guide, "Using VPC
/// security groups"), SMB (445, FSx for Windows File Server and ONTAP file shares) and
/// Lustre (988, FSx for Lustre), the ports the FSx user guides' "Controlling access with
/// Amazon VPC" pages open. And the stores of streams and messages, whose clusters and
/// brokers name no port either: Apache Kafka's brokers and ZooKeeper (Amazon MSK developer
/// guide, "Port information": 9092 plaintext, 9094 TLS, 9096 SASL/SCRAM, 9098 IAM, and
/// 9194, 9196 and 9198 "for public access"; ZooKeeper 2181, and 2182 over TLS), AMQP (5671
/// over TLS, 5672) and ActiveMQ's OpenWire (61616, 61617 over TLS) of Amazon MQ's and other
/// brokers, and InfluxDB (8086, Timestream for InfluxDB's default). The other ports of the
/// same engines: MongoDB's shard and config servers (27018, 27019), Redis over TLS (6380),
/// SQL Server's browser service (1434), Oracle over TLS (2484), Cassandra's internode
/// (7000, 7001 over TLS), native over TLS (9142) and Thrift (9160) ports, and OpenSearch
/// Dashboards or Kibana (5601); CouchDB (5984), Db2 (50000), Neo4j (7474 HTTP, 7687 Bolt)
/// and CockroachDB (26257); HDFS's NameNode (8020 RPC, 9870 web: a cluster's files); and
/// the services NFSv3 needs beside 2049, rpcbind (111) and mountd (20048), and rsync (873),
/// which serve a host's files.
const ENGINE_PORTS: [i64; 49] = [
    5432, 3306, 1433, 1521, 5439, 27017, 6379, 11211, 8182, 9042, 9200, 9300, 2049, 445, 988, 9092,
    9094, 9096, 9098, 9194, 9196, 9198, 2181, 2182, 5671, 5672, 61616, 61617, 8086, 27018, 27019,
    6380, 1434, 2484, 7000, 7001, 9142, 9160, 5601, 5984, 50000, 7474, 7687, 26257, 8020, 9870,
    111, 20048, 873,
];

/// What an entry opens that must stay closed to the internet: every port, or one of the
/// administration, database and cache ports (`forbidden`).
fn forbidden_ports(entry: &Value, forbidden: &[i64]) -> Option<String> {
    let protocol = match &entry["IpProtocol"] {
        Value::Number(n) => n.to_string(),
        Value::Null => return Some("every protocol and port (no `IpProtocol`)".to_owned()),
        v => match super::meaning::text(v) {
            Some(t) => t.trim().to_ascii_lowercase(),
            None => return Some("every protocol and port (no `IpProtocol`)".to_owned()),
        },
    };
    // EC2 takes `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number ("The IP protocol name
    // (tcp, udp, icmp, icmpv6) or number", CloudFormation reference, `AWS::EC2::SecurityGroup
    // Ingress` `IpProtocol`); anything else (a dynamic reference, text only known at
    // deploy) may be -1: read it for the worst. A number is read as the number it is,
    // however its text is written ("06", "006" and 6 are TCP): whether EC2 reads a leading
    // zero so is not documented, and read so a rule never passes what may be TCP.
    let protocol = match protocol.parse::<i64>() {
        Ok(n) => n.to_string(),
        Err(_) => protocol,
    };
    let known = matches!(protocol.as_str(), "tcp" | "udp" | "icmp" | "icmpv6" | "all")
        || protocol
            .parse::<i64>()
            .is_ok_and(|n| (-1..=255).contains(&n));
    if !known {
        return Some(format!(
            "every protocol and port (`IpProtocol` {protocol} is not known before deploy)"
        ));
    }
    match protocol.as_str() {
        "-1" | "all" => Some("every protocol and port (`IpProtocol` -1)".to_owned()),
        "tcp" | "6" | "udp" | "17" => {
            match (number(&entry["FromPort"]), number(&entry["ToPort"])) {
                (Some(-1), _) | (_, Some(-1)) => Some("every port (-1)".to_owned()),
                // A range written backwards (`FromPort` above `ToPort`) is read as the ports
                // between them: the rule never passes a range EC2 might take either way.
                (Some(a), Some(b)) => {
                    let (from, to) = (a.min(b), a.max(b));
                    ADMIN_PORTS
                        .iter()
                        .chain(ENGINE_PORTS.iter())
                        .chain(forbidden.iter())
                        .find(|p| from <= **p && **p <= to)
                        .map(|p| format!("port {p}"))
                }
                _ => Some("every port (no `FromPort`/`ToPort`)".to_owned()),
            }
        }
        // ICMP carries no ports; other protocol numbers are not the services of this rule.
        _ => None,
    }
}

/// Whether an ingress entry is not a rule written as an object of properties: an intrinsic
/// (a custom resource's attribute, a parameter, `Fn::Select`, ...) that is resolved only at
/// deploy, or anything else that is no object. `Fn::If` is read branch by branch before.
fn unreadable_entry(entry: &Value) -> bool {
    match entry {
        Value::Object(map) => map.keys().any(|k| k == "Ref" || k.starts_with("Fn::")),
        _ => true,
    }
}

/// The standalone `AWS::EC2::SecurityGroupIngress` resources of the app that add rules to
/// this group (`GroupId` refers to it), judged with its own rules as one union.
fn attached_ingress<'a>(cx: &Cx<'a>) -> Vec<(&'a Resource, &'a Value)> {
    cx.others("AWS::EC2::SecurityGroupIngress")
        .filter(|r| {
            let p = r.properties();
            referred(&p["GroupId"]) == Some(cx.id()) || referred(&p["GroupName"]) == Some(cx.id())
        })
        .map(|r| (r, r.properties()))
        .collect()
}

fn e10(cx: &Cx<'_>) -> Outcome {
    let entries = entries(cx, false);
    let attached = if cx.resource.type_name() == "AWS::EC2::SecurityGroup" {
        attached_ingress(cx)
    } else {
        Vec::new()
    };
    if entries.is_empty() && attached.is_empty() {
        return Outcome::NotApplicable;
    }
    // The ports of the stores of the app (`Port`, `DBPort` and `Endpoint.Port` of databases,
    // clusters and caches of every stack), never open to the internet whatever the engine.
    let forbidden = &cx.index.store_ports;
    let mut checks: Vec<Result<Proof, String>> = entries
        .into_iter()
        .map(|(pointer, entry)| {
            if unreadable_entry(entry) {
                return Err(format!(
                    "{} is {}, which no rule can read before deploy: it may open any port to anyone; write the rule as a literal",
                    entry_name(&pointer),
                    text_or_json(entry)
                ));
            }
            match from_the_internet(cx, entry).zip(forbidden_ports(entry, forbidden)) {
                Some((range, what)) => {
                    Err(format!("{} opens {what} to {range}", entry_name(&pointer)))
                }
                None => cx.proof(&pointer).ok_or_default(),
            }
        })
        .collect();
    for (resource, entry) in attached {
        if let Some((range, what)) =
            from_the_internet(cx, entry).zip(forbidden_ports(entry, forbidden))
        {
            checks.push(Err(format!(
                "`{}` adds a rule to the group that opens {what} to {range}",
                resource.logical_id()
            )));
        }
    }
    all(checks)
}

/// `E18`: a security group's outbound rules name the ports they need. An egress rule of
/// every protocol (`IpProtocol` -1: "Use -1 to specify all protocols. ... traffic on all
/// ports is allowed, regardless of any ports you specify", CloudFormation reference,
/// `AWS::EC2::SecurityGroup Egress`) or of every TCP or UDP port, to a range that holds
/// public addresses (0.0.0.0/0, ::/0) or that only the deploy knows ([`from_the_internet`]),
/// lets anything on the group's instances send PHI anywhere on the internet on any port: a
/// channel no transmission-security control (§164.312(e)(1)) watches, and the path by
/// which malware that reached an instance calls home. checkov asks the same of Terraform's
/// groups (`CKV_AWS_382`, "no egress 0.0.0.0:0 to port -1"; the pinned version has no
/// CloudFormation check of it, so no peer pack is named). A group that writes no
/// `SecurityGroupEgress` gets such a rule from EC2 ("if you do not add egress rules, we add
/// egress rules that allow all outbound IPv4 and IPv6 traffic", the same reference; `E11`
/// fails it too, for its missing description). Egress to the internet on named ports
/// (HTTPS to reach AWS APIs without endpoints) is common and passes; a group that must
/// reach every port of the internet (a NAT or proxy instance) takes a waiver with that
/// reason. A standalone `AWS::EC2::SecurityGroupEgress` is read on its own. Every port to a
/// destination prefix list is every port to whatever the list holds ([`to_the_internet`]).
fn e18(cx: &Cx<'_>) -> Outcome {
    let entries: Vec<(String, &Value)> = entries(cx, true)
        .into_iter()
        .filter(|(pointer, _)| !pointer.starts_with("/SecurityGroupIngress"))
        .collect();
    let implicit = default_egress(cx).map(|_| {
        Err("`SecurityGroupEgress` is not written, so EC2 adds rules that let every protocol and port out to 0.0.0.0/0 and ::/0; write the egress rules the group needs, naming their ports (or one that matches nothing, e.g. ICMP type 252 code 86 to 255.255.255.255/32, for no outbound traffic)".to_owned())
    });
    if entries.is_empty() && implicit.is_none() {
        return Outcome::NotApplicable;
    }
    all(entries
        .into_iter()
        .map(|(pointer, entry)| {
            if unreadable_entry(entry) {
                return Err(format!(
                    "{} is {}, which no rule can read before deploy: it may let every port out to the internet; write the rule as a literal",
                    entry_name(&pointer),
                    text_or_json(entry)
                ));
            }
            match every_port(entry).zip(to_the_internet(cx, entry)) {
                Some((what, range)) => Err(format!(
                    "{} lets {what} out to {range}: anything on the group's instances can send data anywhere on the internet; name the ports the group needs, reach AWS APIs through VPC endpoints, or waive E18 on the group with the reason it needs every port of the internet",
                    entry_name(&pointer)
                )),
                None => cx.proof(&pointer).ok_or_default(),
            }
        })
        .chain(implicit))
}

/// Where an outbound entry lets traffic out to that reaches the internet: a range
/// [`from_the_internet`] reads so, or a destination prefix list ("The prefix list IDs for
/// the destination AWS service", CloudFormation reference, `AWS::EC2::SecurityGroup Egress`
/// `DestinationPrefixListId`) that is not one of the app of private ranges only
/// ([`prefix_list_reach`]).
fn to_the_internet(cx: &Cx<'_>, entry: &Value) -> Option<String> {
    from_the_internet(cx, entry).or_else(|| {
        entry
            .get("DestinationPrefixListId")
            .filter(|v| !v.is_null() && !super::meaning::no_value(v))
            .and_then(|v| prefix_list_reach(cx, v))
    })
}

/// What a prefix list named by `value` may hold beyond private ranges, if it may: one of
/// the app (`AWS::EC2::PrefixList`, by its `Ref` or `PrefixListId`, or an import of its
/// export: [`app_resource`]) holds its `Entries` ("One or more entries for the prefix
/// list", each a `Cidr`, CloudFormation reference, `AWS::EC2::PrefixList`), read in each
/// branch of an `Fn::If`, and passes when each is a private range; one that writes none
/// holds what is added outside the template. Any other list's entries no rule reads: a
/// customer-managed list of another stack or account may hold any range, and an
/// AWS-managed list's id (`com.amazonaws.<region>.s3`'s, "`pl-63a5400a`") cannot be told
/// from a customer's in a template; an AWS service's list holds that service's public
/// addresses, which the group reaches on the port it needs (HTTPS, 443).
fn prefix_list_reach(cx: &Cx<'_>, value: &Value) -> Option<String> {
    let named = text_or_json(value);
    let Some((_, list)) = app_resource(cx, value, "AWS::EC2::PrefixList") else {
        return Some(format!(
            "prefix list {named}, which is no `AWS::EC2::PrefixList` of the app, so which addresses it holds cannot be read (a customer-managed list may hold any range; an AWS-managed one, such as `com.amazonaws.<region>.s3`'s, holds the service's public addresses and needs only its port, HTTPS 443)"
        ));
    };
    let entries = &list.properties()["Entries"];
    let why = if entries.is_null() || super::meaning::no_value(entries) {
        Some("writes no `Entries`, so what it holds is added outside the template".to_owned())
    } else {
        public_entries(entries)
    };
    why.map(|why| format!("prefix list {named} (`{}`), which {why}", list.logical_id()))
}

/// Why a prefix list's `Entries` may hold a public range: a `Cidr` that holds a public
/// address or that only the deploy knows ([`is_internet`]), in any branch of an `Fn::If`,
/// or a list or entry no rule can read before deploy.
fn public_entries(entries: &Value) -> Option<String> {
    if super::meaning::no_value(entries) {
        return None;
    }
    if let Some(branches) = super::meaning::if_branches(entries) {
        return branches.iter().find_map(|b| public_entries(b));
    }
    match entries {
        Value::Array(items) => items.iter().find_map(|item| {
            if super::meaning::no_value(item) {
                return None;
            }
            if let Some(branches) = super::meaning::if_branches(item) {
                return branches
                    .iter()
                    .find_map(|b| public_entries(&Value::Array(vec![(*b).clone()])));
            }
            if !item.is_object() || super::identity::intrinsic(item) {
                return Some(format!(
                    "has the entry {}, which is not known before deploy",
                    text_or_json(item)
                ));
            }
            public_cidr(&item["Cidr"])
        }),
        other => Some(format!(
            "has `Entries` {}, which is not known before deploy",
            text_or_json(other)
        )),
    }
}

/// Why an entry's `Cidr` may be public: [`public_entries`] of one range.
fn public_cidr(cidr: &Value) -> Option<String> {
    if let Some(branches) = super::meaning::if_branches(cidr) {
        return branches.iter().find_map(|b| public_cidr(b));
    }
    if cidr.is_null() || super::meaning::no_value(cidr) {
        return Some("has an entry with no `Cidr`".to_owned());
    }
    is_internet(cidr).then(|| {
        format!(
            "holds {}, which holds public addresses or is known only at deploy",
            text_or_json(cidr)
        )
    })
}

/// What an outbound rule opens when it opens everything of a kind: every protocol
/// (`IpProtocol` -1 or `all`, none, or one not known before deploy), or every port of TCP
/// or UDP (-1, no `FromPort`/`ToPort`, or a range from 0 or 1 to 65535, either way round).
/// `None` for a range of ports, ICMP, or another protocol number.
fn every_port(entry: &Value) -> Option<String> {
    let protocol = match entry.get("IpProtocol") {
        None | Some(Value::Null) => {
            return Some("every protocol and port (no `IpProtocol`)".to_owned());
        }
        Some(Value::Number(n)) => n.to_string(),
        Some(v) => match super::meaning::text(v).filter(|t| !super::identity::dynamic(t)) {
            Some(t) => t.trim().to_ascii_lowercase(),
            None => {
                return Some(format!(
                    "every protocol and port (`IpProtocol` {} is not known before deploy)",
                    text_or_json(v)
                ));
            }
        },
    };
    let protocol = protocol.parse::<i64>().map_or(protocol, |n| n.to_string());
    let name = match protocol.as_str() {
        "-1" | "all" => return Some("every protocol and port (`IpProtocol` -1)".to_owned()),
        "tcp" | "6" => "TCP",
        "udp" | "17" => "UDP",
        "icmp" | "icmpv6" => return None,
        p if p.parse::<i64>().is_ok_and(|n| (0..=255).contains(&n)) => return None,
        p => {
            return Some(format!(
                "every protocol and port (`IpProtocol` {p} is not known before deploy)"
            ));
        }
    };
    match (number(&entry["FromPort"]), number(&entry["ToPort"])) {
        (Some(-1), _) | (_, Some(-1)) => Some(format!("every {name} port (-1)")),
        (Some(a), Some(b)) if a.min(b) <= 1 && a.max(b) >= 65535 => {
            Some(format!("every {name} port ({}-{})", a.min(b), a.max(b)))
        }
        (Some(_), Some(_)) => None,
        _ => Some(format!("every {name} port (no `FromPort`/`ToPort`)")),
    }
}

fn e11(cx: &Cx<'_>) -> Outcome {
    let entries = entries(cx, true);
    let implicit = default_egress(cx);
    if entries.is_empty() && implicit.is_none() {
        return Outcome::NotApplicable;
    }
    all(entries
        .into_iter()
        .map(|(pointer, _)| {
            cx.present(&format!("{pointer}/Description"))
                .map_err(|_| format!("{} has no `Description`", entry_name(&pointer)))
        })
        .chain(implicit))
}

/// The finding on a security group that writes no egress rule: EC2 then adds rules that
/// allow all outbound IPv4 and IPv6 traffic, with no description, and a standalone
/// `AWS::EC2::SecurityGroupEgress` does not remove them (CloudFormation reference,
/// `AWS::EC2::SecurityGroup`: "if you do not add egress rules, we add egress rules that
/// allow all outbound IPv4 and IPv6 traffic"). An empty list, or one whose every entry is
/// removed (`AWS::NoValue`), adds none.
fn default_egress(cx: &Cx<'_>) -> Option<Result<Proof, String>> {
    if cx.resource.type_name() != "AWS::EC2::SecurityGroup" {
        return None;
    }
    let written = match cx.prop("/SecurityGroupEgress") {
        Some(Value::Array(items)) => items.iter().any(|e| !super::meaning::no_value(e)),
        Some(Value::Null) | None => false,
        // A list known only at deploy is read, as one entry, by `entries`.
        Some(_) => true,
    };
    (!written).then(|| {
        Err(
            "`SecurityGroupEgress` is not written, so EC2 adds rules that allow all outbound traffic, with no description; write the egress rules the group needs, each with a `Description` (or one that matches nothing, e.g. ICMP type 252 code 86 to 255.255.255.255/32, for no outbound traffic)"
                .to_owned(),
        )
    })
}

/// Neither address a subnet can give an instance at launch is public: `MapPublicIpOnLaunch`
/// (written false), and `AssignIpv6AddressOnCreation` (false when not written), whose
/// addresses come from the VPC's IPv6 block, which is public address space.
fn e12(cx: &Cx<'_>) -> Outcome {
    let v4 = match cx.prop("/MapPublicIpOnLaunch") {
        Some(v) if is_false(v) => cx.proof("/MapPublicIpOnLaunch").ok_or_default(),
        Some(v) => Err(format!(
            "`MapPublicIpOnLaunch` is {v}; instances in the subnet get public addresses"
        )),
        None => Err("`MapPublicIpOnLaunch` is not set; write it false explicitly".to_owned()),
    };
    let Some(assigned) = assigns_ipv6(cx.resource) else {
        return all([v4]);
    };
    match ipv6_reach(cx, cx.resource) {
        Ipv6Reach::Closed(proofs) => all([v4].into_iter().chain(proofs.into_iter().map(Ok))),
        Ipv6Reach::Internet(route) => all([
            v4,
            Err(format!(
                "{assigned}: instances in the subnet get IPv6 addresses, which are public, and route `{route}` sends IPv6 traffic to an internet gateway, so the internet can reach them; route ::/0 through an egress-only internet gateway, or set it false"
            )),
        ]),
        // A subnet without an association of the template uses the VPC's main route table,
        // which no template writes: nothing shows that it keeps the internet out.
        Ipv6Reach::Unassociated => all([
            v4,
            Err(format!(
                "{assigned} and no route table of this template is associated with the subnet, so it uses the VPC's main route table, which no rule reads; associate a route table whose ::/0 route goes to an egress-only internet gateway, or set it false"
            )),
        ]),
        Ipv6Reach::Unknown(why) => match all([v4]) {
            Outcome::Pass(_) => Outcome::Gap(format!(
                "{assigned}: instances in the subnet get IPv6 addresses, which are public, and {why}; route ::/0 through an egress-only internet gateway of the template"
            )),
            other => other,
        },
    }
}

/// Why a subnet gives the instances launched in it an IPv6 address, if it may:
/// `AssignIpv6AddressOnCreation` (an interface created in the subnet, by `RunInstances`
/// too, receives an IPv6 address: EC2 `ModifySubnetAttribute`), or `Ipv6Native`, an
/// IPv6-only subnet, whose instances have no other address (`AWS::EC2::Subnet`). A value
/// that cannot be read as false may be true.
pub(super) fn assigns_ipv6(subnet: &Resource) -> Option<String> {
    ["AssignIpv6AddressOnCreation", "Ipv6Native"]
        .into_iter()
        .find_map(|key| match subnet.properties().get(key) {
            None | Some(Value::Null) => None,
            Some(v) if super::meaning::no_value(v) || is_false(v) => None,
            Some(v) if is_true(v) => Some(format!("`{key}` is true")),
            Some(v) => Some(format!("`{key}` is {}, which may be true", text_or_json(v))),
        })
}

/// Whether the internet can reach the IPv6 addresses of a subnet of this template: every
/// IPv6 address of a VPC is globally unique, so what keeps the internet out is that no
/// route of the subnet's route tables sends a public IPv6 range to an internet gateway (an
/// egress-only internet gateway, `EgressOnlyInternetGatewayId`, lets instances out and
/// nothing in: VPC user guide, egress-only internet gateways).
pub(super) enum Ipv6Reach {
    /// A route of a route table associated with the subnet sends a public IPv6 range (or a
    /// prefix list, which may hold one) to an internet gateway: its logical id.
    Internet(String),
    /// No association of this template names the subnet: it uses the VPC's main route
    /// table, which no template writes.
    Unassociated,
    /// What no rule can read, with why: a route table of another template, a gateway known
    /// only at deploy.
    Unknown(String),
    /// Every route table of the subnet is of this template and sends no public IPv6 range
    /// to an internet gateway: the proofs of its associations.
    Closed(Vec<Proof>),
}

///
/// The subnet (of the stack of `cx`), its route tables and their routes may be declared in
/// several stacks of the app: an association or a route of another stack names the subnet
/// or the route table by an import of its export, which CloudFormation resolves to it
/// ("returns the value of an output exported by another stack", `Fn::ImportValue`), and an
/// association may name a route table of another stack so. They are read where they are
/// declared ([`super::flows::where_made`], [`Cx::exports_of`]), as in one stack: a route of
/// another stack that sends `::/0` to an internet gateway opens the subnet all the same
/// ("A route table contains a set of rules, called routes, that determine where network
/// traffic from your subnet or gateway is directed", VPC user guide, route tables).
pub(super) fn ipv6_reach(cx: &Cx<'_>, subnet: &Resource) -> Ipv6Reach {
    let subnet_exports = cx.exports_of(None, subnet.logical_id());
    let associations: Vec<Cx<'_>> = cx
        .everywhere("AWS::EC2::SubnetRouteTableAssociation")
        .filter(|(stack, a)| {
            let named = &a.properties()["SubnetId"];
            (stack.is_none() && super::mentions(named, subnet.logical_id()))
                || subnet_exports.imported_in(cx, *stack, named)
        })
        .map(|(stack, a)| cx.in_stack_or_here(stack, a))
        .collect();
    if associations.is_empty() {
        return Ipv6Reach::Unassociated;
    }
    let mut proofs = Vec::new();
    let mut unknown = Vec::new();
    for at in associations {
        let association = at.resource;
        let named = &association.properties()["RouteTableId"];
        let table = super::flows::where_made(&at, named).and_then(|(there, made)| {
            there
                .others("AWS::EC2::RouteTable")
                .find(|t| super::mentions(&made, t.logical_id()))
                .map(|t| there.on(t))
        });
        let Some(home) = table else {
            unknown.push(format!(
                "association `{}` names route table {}, which is no route table of the app, so its routes cannot be read",
                association.logical_id(),
                text_or_json(named)
            ));
            continue;
        };
        let table = home.resource;
        let table_exports = home.own_exports();
        for (stack, route) in home.everywhere("AWS::EC2::Route").filter(|(stack, r)| {
            let p = r.properties();
            ((stack.is_none() && super::mentions(&p["RouteTableId"], table.logical_id()))
                || table_exports.imported_in(&home, *stack, &p["RouteTableId"]))
                && (p.get("DestinationIpv6CidrBlock").is_some_and(is_internet)
                    || p.get("DestinationPrefixListId").is_some())
        }) {
            match route_gateway(&home.in_stack_or_here(stack, route)) {
                Gateway::Internet => return Ipv6Reach::Internet(route.logical_id().to_owned()),
                Gateway::Unknown(why) => {
                    unknown.push(format!("route `{}`: {why}", route.logical_id()))
                }
                Gateway::Other(_) => {}
            }
        }
        // A proof names a resource of the stack whose finding it backs.
        if at.at == cx.at {
            proofs.extend(proof_of(association, "/RouteTableId"));
        }
    }
    if unknown.is_empty() {
        Ipv6Reach::Closed(proofs)
    } else {
        Ipv6Reach::Unknown(unknown.join("; "))
    }
}

/// The logical id a value refers to: `{"Ref": id}` or `{"Fn::GetAtt": [id, …]}`, or
/// `{"Fn::GetAtt": "id.Attribute"}`, the short form.
fn referred(v: &Value) -> Option<&str> {
    v.get("Ref")
        .and_then(Value::as_str)
        .or_else(|| match v.get("Fn::GetAtt")? {
            Value::Array(a) => a.first().and_then(Value::as_str),
            Value::String(s) => s.split_once('.').map(|(id, _)| id),
            _ => None,
        })
}

/// Whether `value` is the id of the VPC `id` ([`super::meaning::names`], however written):
/// its `Ref` or its `VpcId` attribute, never another of its attributes (`CidrBlock`,
/// `DefaultSecurityGroup`, …: "Fn::GetAtt" return values of `AWS::EC2::VPC`, CloudFormation
/// reference), which names no VPC to a flow log's `ResourceId`.
fn names_vpc_id(value: &Value, id: &str) -> bool {
    fn other_attribute(v: &Value, id: &str) -> bool {
        let other = |attribute: &str| attribute != "VpcId";
        match v {
            Value::Object(map) => map.iter().any(|(k, v)| match (k.as_str(), v) {
                ("Fn::GetAtt", Value::Array(a)) => {
                    matches!(a.as_slice(), [Value::String(r), Value::String(at)] if r == id && other(at))
                        || a.iter().any(|v| other_attribute(v, id))
                }
                ("Fn::GetAtt", Value::String(t)) => t
                    .split_once('.')
                    .is_some_and(|(r, at)| r == id && other(at)),
                ("Fn::Sub", _) => {
                    let text = match v {
                        Value::String(t) => Some(t.as_str()),
                        Value::Array(a) => a.first().and_then(Value::as_str),
                        _ => None,
                    };
                    let prefix = format!("${{{id}.");
                    text.is_some_and(|t| {
                        t.match_indices(&prefix).any(|(at, _)| {
                            !t[at + prefix.len()..].starts_with("VpcId}")
                        })
                    }) || other_attribute(v, id)
                }
                _ => other_attribute(v, id),
            }),
            Value::Array(items) => items.iter().any(|v| other_attribute(v, id)),
            _ => false,
        }
    }
    super::meaning::names(value, id) && !other_attribute(value, id)
}

/// The exports of the app that carry this VPC's id and nothing else: an output of its own
/// stack whose value names it ([`super::meaning::names`]: its `Ref`, however written) and
/// whose export name no other output of the app carries (two stacks of two regions may
/// export the same name: an import of it is then not known to be this VPC).
fn vpc_exports<'a>(cx: &Cx<'a>) -> Vec<&'a str> {
    let carried = |name: &str| {
        cx.stacks
            .iter()
            .flat_map(|(_, t)| t.outputs())
            .filter(|o| o.export_name() == Some(name))
            .count()
    };
    cx.template
        .outputs()
        .iter()
        .filter_map(|o| {
            let name = o.export_name()?;
            let value = serde_json::to_value(&o.value).ok()?;
            (names_vpc_id(&value, cx.id()) && carried(name) == 1).then_some(name)
        })
        .collect()
}

/// The flow logs of the app that record this VPC, each with the context of its own stack:
/// those of its template whose `ResourceId` names it however it is written (`Ref`,
/// `Fn::GetAtt`, `${Vpc}` alone in an `Fn::Sub`, a one-item `Fn::Join`, an `Fn::If` whose
/// every branch does), and those of another stack whose `ResourceId` is wholly an import
/// (`Fn::ImportValue` of written text, however written: alone, `${Var}` alone in an
/// `Fn::Sub`, a one-item `Fn::Join`, [`super::meaning::sole_import`]) of an export of
/// [`vpc_exports`], made in a stack of
/// the VPC's stack's region and account: CloudFormation resolves an import among the
/// exports of the importing stack's own region and account ("You can't create cross-stack
/// references across Regions", CloudFormation user guide, `Fn::ImportValue`), so a flow log
/// of another region that imports the same name records that region's export, not this
/// VPC ([`exported_value`]).
fn flow_logs_of<'a>(cx: &Cx<'a>) -> Vec<(Cx<'a>, &'a Resource)> {
    let exports = vpc_exports(cx);
    let imports_this_vpc = |v: &Value| {
        super::meaning::sole_import(v)
            .and_then(super::meaning::text)
            .is_some_and(|name| exports.contains(&name.as_str()))
    };
    cx.naming_from("AWS::EC2::FlowLog", !exports.is_empty())
        .filter_map(|(other, f)| {
            let resource_id = &f.properties()["ResourceId"];
            match other {
                None => names_vpc_id(resource_id, cx.id()).then(|| (cx.on(f), f)),
                Some(stack) if !exports.is_empty() && imports_this_vpc(resource_id) => {
                    let home = cx.in_stack(stack, f)?;
                    exported_value(&home, resource_id)
                        .is_some_and(|(there, _)| there.at == cx.at)
                        .then_some((home, f))
                }
                Some(_) => None,
            }
        })
        .collect()
}

/// The proof of a property of a flow log, named `stack/LogicalId` when it is of another
/// stack than the VPC.
fn flow_log_proof(cx: &Cx<'_>, home: &Cx<'_>, flow_log: &Resource, pointer: &str) -> Option<Proof> {
    proof_of(flow_log, pointer)
        .map(|proof| proof.with_stack((home.at != cx.at).then_some(home.stack)))
}

/// A flow log named for a finding: `stack/LogicalId` when it is of another stack.
fn flow_log_name(cx: &Cx<'_>, home: &Cx<'_>, flow_log: &Resource) -> String {
    if home.at == cx.at {
        flow_log.logical_id().to_owned()
    } else {
        format!("{}/{}", home.stack, flow_log.logical_id())
    }
}

fn e13(cx: &Cx<'_>) -> Outcome {
    let found = flow_logs_of(cx);
    let mine: Vec<&Resource> = found.iter().map(|(_, f)| *f).collect();
    let home_of = |f: &Resource| {
        found
            .iter()
            .find(|(_, g)| std::ptr::eq(*g, f))
            .map_or(*cx, |(home, _)| *home)
    };
    let whole = |f: &&&Resource| {
        let p = f.properties();
        // Written as text or built by intrinsics that resolve to it (`Fn::Sub "ALL"`). The
        // CloudFormation reference (`AWS::EC2::FlowLog`, `TrafficType`: "Allowed values:
        // ACCEPT | ALL | REJECT"; `ResourceType`: "NetworkInterface | Subnet | VPC | …")
        // and the resource's schema (an `enum` of those upper-case values) document no
        // other spelling, and whether EC2 takes `all` or ` ALL ` is not documented: only
        // the documented text is ALL. Anything else (another case, a parameter, an SSM
        // value) fails, naming what is written (see `not_whole`).
        let is = |v: &Value, want: &str| super::meaning::text(v).is_some_and(|t| t == want);
        is(&p["ResourceType"], "VPC") && is(&p["TrafficType"], "ALL")
    };
    // A full flow log that delivers into the app is the proof; one that delivers elsewhere
    // is shown only when no other full one does.
    let full = mine
        .iter()
        .filter(whole)
        .filter(|f| addressless(f).is_none())
        .min_by_key(|f| delivered_outside_the_app(&home_of(f), f).is_some());
    if full.is_none()
        && let Some((f, why)) = mine
            .iter()
            .filter(whole)
            .find_map(|f| addressless(f).map(|why| (f, why)))
    {
        return Outcome::Fail(format!(
            "flow log `{}` {why}: its records do not say who talked to whom; remove `LogFormat` (the default format records the addresses) or write `${{srcaddr}}` and `${{dstaddr}}` in it",
            flow_log_name(cx, &home_of(f), f)
        ));
    }
    if let Some(flow_log) = full {
        let home = home_of(flow_log);
        if let Some(destination) = delivered_outside_the_app(&home, flow_log) {
            return Outcome::Gap(format!(
                "flow log `{}` delivers to {destination}, which is no log group, bucket or delivery stream of the app: whether its records are encrypted and kept is not shown (a log group it does not find, VPC flow logs create unencrypted and never expiring); deliver to a `LogGroup` of the app",
                flow_log_name(cx, &home, flow_log)
            ));
        }
        let proofs: Option<Vec<Proof>> = ["/ResourceId", "/ResourceType", "/TrafficType"]
            .iter()
            .map(|p| flow_log_proof(cx, &home, flow_log, p))
            .collect();
        return match proofs {
            Some(p) => Outcome::Pass(p),
            None => Outcome::Fail("the flow log could not be read back".to_owned()),
        };
    }
    match mine.first() {
        Some(f) => Outcome::Fail(format!(
            "flow log `{}` does not record ALL traffic of the VPC: {}; write `ResourceType` VPC and `TrafficType` ALL, as the CloudFormation reference spells them",
            flow_log_name(cx, &home_of(f), f),
            not_whole(f)
        )),
        None => Outcome::Fail(
            "no `AWS::EC2::FlowLog` of the app records the VPC's traffic (one of another stack is read when its `ResourceId` is wholly the import of an export of the VPC's `Ref`)".to_owned(),
        ),
    }
}

/// What a flow log of the VPC writes instead of `ResourceType` VPC and `TrafficType` ALL:
/// each value that is not that text, as written, or why it cannot be read.
fn not_whole(flow_log: &Resource) -> String {
    let p = flow_log.properties();
    [("ResourceType", "VPC"), ("TrafficType", "ALL")]
        .into_iter()
        .filter_map(|(key, want)| match p.get(key) {
            None | Some(Value::Null) => Some(format!("`{key}` is not set")),
            Some(v) => match super::meaning::text(v) {
                Some(t) if t == want => None,
                Some(t) if super::identity::dynamic(&t) => Some(format!(
                    "`{key}` is {t}, which no rule can read before deploy"
                )),
                Some(t) if t.trim().eq_ignore_ascii_case(want) => Some(format!(
                    "`{key}` is {t:?}, which the reference does not list (only {want})"
                )),
                Some(t) => Some(format!("`{key}` is {t}")),
                None => Some(format!(
                    "`{key}` is {}, which no rule can read before deploy",
                    text_or_json(v)
                )),
            },
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a flow log's records name neither end of a flow, if they do not: a custom
/// `LogFormat` without a source (`${srcaddr}` or `${pkt-srcaddr}`) and a destination
/// (`${dstaddr}` or `${pkt-dstaddr}`) address, or one that cannot be read before deploy.
/// EC2 User Guide / VPC User Guide, "Flow log records": `LogFormat` lists the fields of
/// each record, and without it the default format (which has `srcaddr` and `dstaddr`) is
/// used (CloudFormation reference, `AWS::EC2::FlowLog` `LogFormat`).
fn addressless(flow_log: &Resource) -> Option<String> {
    let format = flow_log
        .properties()
        .get("LogFormat")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v))?;
    let Some(text) = super::meaning::text(format).filter(|t| !super::identity::dynamic(t)) else {
        return Some(format!(
            "has `LogFormat` {}, which no rule can read before deploy",
            text_or_json(format)
        ));
    };
    let has = |fields: &[&str]| fields.iter().any(|f| text.contains(f));
    (!(has(&["${srcaddr}", "${pkt-srcaddr}"]) && has(&["${dstaddr}", "${pkt-dstaddr}"])))
        .then(|| format!("has `LogFormat` {text}, with no source or no destination address"))
}

/// Where a flow log delivers, named as a finding says it, when that is no resource of the
/// app whose own rules read its encryption and retention. Of the app are: a resource of the
/// destination's kind (a log group for `cloud-watch-logs`, the default; a bucket for `s3`;
/// a delivery stream for `kinesis-data-firehose`) named by reference in the template or by
/// import from another stack, a log group of any stack by its written `LogGroupName` (or
/// the ARN that ends in it), and a bucket of any stack by its ARN. An ARN whose account
/// field is a number other than the flow log's own (that of its `DeliverLogsPermissionArn`)
/// or a reference is another account's, even around a reference to a resource of the app;
/// a log group's name with `DeliverCrossAccountRole` may be another account's; a name built
/// on `${AWS::StackName}` or `${AWS::Region}` is the same group in its own stack only.
/// `None` also when no destination is written, which CloudFormation refuses.
fn delivered_outside_the_app(cx: &Cx<'_>, flow_log: &Resource) -> Option<String> {
    // Read as AWS receives it (`meaning::sent`): `${AWS::AccountId}` written outside an
    // `Fn::Sub` is those characters, no account of the stack's.
    use super::meaning::{no_value, sent as text};
    let p = flow_log.properties();
    let written = |key: &str| p.get(key).filter(|v| !v.is_null() && !no_value(v));
    let kind = written("LogDestinationType").map_or_else(
        || "cloud-watch-logs".to_owned(),
        |v| text_or_json(v).trim().to_ascii_lowercase(),
    );
    const LOG_GROUP: &str = "AWS::Logs::LogGroup";
    let (key, held) = match kind.as_str() {
        "cloud-watch-logs" if written("LogGroupName").is_some() => ("LogGroupName", LOG_GROUP),
        "cloud-watch-logs" => ("LogDestination", LOG_GROUP),
        "s3" => ("LogDestination", "AWS::S3::Bucket"),
        "kinesis-data-firehose" => ("LogDestination", "AWS::KinesisFirehose::DeliveryStream"),
        _ => return Some(format!("`LogDestinationType` {kind}")),
    };
    let destination = written(key)?;
    // `DeliverCrossAccountRole` is "the ARN of the IAM role that allows the service to
    // publish flow logs across accounts" (CloudFormation reference, `AWS::EC2::FlowLog`): a
    // destination it is written with is read as another account's unless it is a resource
    // of the app by reference or import, never by a name another account may hold too.
    let across_accounts = written("DeliverCrossAccountRole").is_some();
    // The flow log's own account, where its `DeliverLogsPermissionArn` writes it as a
    // number: "The IAM role must belong to your AWS account" (Amazon VPC User Guide, "IAM
    // role for publishing flow logs to CloudWatch Logs").
    let role_account = written("DeliverLogsPermissionArn")
        .and_then(text)
        .and_then(|role| account_of(&role))
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()));
    let own_account = |arn: &str| {
        account_of(arn).is_some_and(|a| {
            matches!(a.as_str(), "" | "${AWS-AccountId}") || role_account.as_ref() == Some(&a)
        })
    };
    // The region of an ARN: a log group or delivery stream is a resource of one region, and
    // the ARN's region field says which: `${AWS::Region}` (the flow log's own), empty (an S3
    // bucket's ARN: bucket names are global) or a region written as text. A stack's region
    // is the one it is pinned to, or what the app shows of it (`placed_region`,
    // `in_other_regions`): a written region is the flow log's own only where its stack is
    // shown to be there; a stack of the run's region (`app.stack`) may deploy to any, and
    // the group of that name in that region is not shown to be the app's.
    let own_region = |arn: &str| {
        pinned_region(arn).is_none_or(|r| placed_region(cx, cx.stack) == Some(r.as_str()))
    };
    // A reference in an ARN whose account is written (`arn:aws:logs:…:999999999999:
    // log-group:${Group}`) names another account's resource of the same name, and one in an
    // ARN of another region the group of that name in that region.
    let skeleton = super::meaning::skeleton_sent(destination);
    let skeleton = skeleton.trim();
    let foreign = skeleton.starts_with("arn:") && !(own_account(skeleton) && own_region(skeleton));
    let by_reference = !foreign
        && cx
            .others(held)
            .any(|r| stands_for(destination, Some(r.logical_id())));
    // An import of a resource of the app (not of a value someone else chose: see
    // `flows::imports_a_resource`), alone or standing where the ARN names its resource.
    let imported = super::storage::has_import(destination)
        && super::flows::imports_a_resource(cx, destination)
        && (super::meaning::imported(destination) || stands_for(destination, None));
    // An ARN built around imports (`${Arn}/vpc` of a bucket's imported `Arn`), read in the
    // stack that makes them as it is written there ([`super::flows::made_there`]): text
    // around an import stands for the resource only where what the import carries does.
    let made = || {
        !super::meaning::imported(destination)
            && super::flows::made_there(cx, destination).is_some_and(|(there, made)| {
                let skeleton = super::meaning::skeleton_sent(&made);
                let skeleton = skeleton.trim();
                let foreign = skeleton.starts_with("arn:")
                    && !(own_account(skeleton) && own_region(skeleton));
                !foreign
                    && there
                        .others(held)
                        .any(|r| stands_for(&made, Some(r.logical_id())))
            })
    };
    // What a finding adds when the group of that name is of a stack of unknown placement.
    let unplaced = std::cell::OnceCell::new();
    let by_name = || {
        text(destination).is_some_and(|t| {
            let t = t.trim();
            if held == "AWS::S3::Bucket" {
                // `arn:aws:s3:::bucket/prefix`: the bucket's ARN, in any case.
                let bucket = t.split('/').next().unwrap_or(t);
                return cx.index.bucket_arns.contains(&bucket.to_ascii_lowercase());
            }
            // A log group's name, or the ARN that ends in it (`…:log-group:name[:*]`), of the
            // stack's own account: an ARN whose account field is written (a number, another
            // account's group of the same name) or unknown is no group of the app.
            let name = match t.rsplit_once(":log-group:") {
                Some((head, n)) => {
                    if !own_account(head) {
                        return false;
                    }
                    n
                }
                None => t,
            };
            let name = name.strip_suffix(":*").unwrap_or(name);
            // A name built on a pseudo parameter of the stack (`${AWS::StackName}`,
            // `${AWS::Region}`, …) is another name in another stack: only the account's
            // and the partition's are the same in every stack of the app.
            let per_stack = |n: &str| {
                n.replace("${AWS::AccountId}", "")
                    .replace("${AWS::Partition}", "")
                    .replace("${AWS::URLSuffix}", "")
                    .contains("${AWS::")
            };
            // A group of another stack is the one named when the stacks are shown to be of
            // one account and region (a log group's name is one of an account and region):
            // for an ARN of a written region, the group's stack is shown to be there;
            // otherwise, neither stack fills a parameter of the other (so of another region)
            // and both are of the run's region, or of one shown region. A stack of the run's
            // region or account beside a pinned one, or a written region, may deploy
            // elsewhere ([`Placed::Unknown`]): its group is not read, and a finding says so.
            let written_region = t
                .rsplit_once(":log-group:")
                .and_then(|(head, _)| pinned_region(head));
            let same_region = |other: &str| {
                let compare = |theirs: Option<&str>, own: Option<&str>| match (theirs, own) {
                    (Some(a), Some(b)) if a == b => Placed::There,
                    (Some(_), Some(_)) => Placed::Elsewhere,
                    (None, None) if written_region.is_none() => Placed::There,
                    _ => Placed::Unknown,
                };
                let region = match &written_region {
                    Some(r) => compare(placed_region(cx, other), Some(r)),
                    None if in_other_regions(cx, other) => Placed::Elsewhere,
                    None => compare(placed_region(cx, other), placed_region(cx, cx.stack)),
                };
                let account = |at: usize| cx.index.accounts.get(at).and_then(Option::as_deref);
                let account = match cx.position(Some(other)) {
                    None => Placed::Elsewhere,
                    Some(at) => match (account(at), account(cx.at)) {
                        (None, None) => Placed::There,
                        (theirs, own) => compare(theirs, own),
                    },
                };
                match (region, account) {
                    (Placed::Elsewhere, _) | (_, Placed::Elsewhere) => Placed::Elsewhere,
                    (Placed::There, Placed::There) => Placed::There,
                    _ => Placed::Unknown,
                }
            };
            held == LOG_GROUP
                && cx.everywhere(LOG_GROUP).any(|(other, g)| {
                    text(&g.properties()["LogGroupName"]).is_some_and(|n| {
                        // A group of the flow log's own stack is of the written region
                        // only where the stack is shown to be there.
                        let own = match (&written_region, placed_region(cx, cx.stack)) {
                            (None, _) => Placed::There,
                            (Some(r), Some(own)) if own == r => Placed::There,
                            (Some(_), Some(_)) => Placed::Elsewhere,
                            (Some(_), None) => Placed::Unknown,
                        };
                        let placed = other.map_or(own, |other| {
                            if per_stack(&n) {
                                Placed::Elsewhere
                            } else {
                                same_region(other)
                            }
                        });
                        if n == name && placed == Placed::Unknown {
                            unplaced.get_or_init(|| {
                                super::imports::unplaced(
                                    "log group",
                                    &other.map_or_else(
                                        || g.logical_id().to_owned(),
                                        |s| format!("{s}/{}", g.logical_id()),
                                    ),
                                    "in the flow log's region and account",
                                )
                            });
                        }
                        n == name && placed == Placed::There
                    })
                })
        })
    };
    // A bucket's name is global, so its ARN names the app's bucket in any account.
    let by_name = || (held == "AWS::S3::Bucket" || !across_accounts) && by_name();
    if by_reference || imported || made() || by_name() {
        return None;
    }
    let unplaced = unplaced
        .get()
        .map_or_else(String::new, |why: &String| format!(" ({why})"));
    Some(match pinned_region(skeleton) {
        Some(region) => format!(
            "`{key}` {}, an ARN of region {region}, where no log group of the app is shown to be{unplaced} (write the region as `${{AWS::Region}}`, or refer to the group)",
            text_or_json(destination),
        ),
        None => format!("`{key}` {}{unplaced}", text_or_json(destination)),
    })
}

/// Whether a flow log's destination names the resource `id` of its template itself (or,
/// with `None`, the one import it holds): its reference (`Ref`, an attribute, `${Id}`
/// alone), or text built around that one reference where it names the resource: its `Arn`
/// attribute first, then nothing or, for a bucket, a folder (`${Bucket.Arn}/vpc`); or an ARN
/// whose resource is the reference, after `:log-group:` (then nothing, or `:*`), after
/// `arn:…:s3:::` (then nothing, or a folder after `/`: "arn:aws:s3:::bucket_name/
/// subfolder_name/", Amazon VPC User Guide, "Create a flow log that publishes to Amazon
/// S3") or after `deliverystream/`. A name written around the reference (`${Bucket}-copy`,
/// `${Group}-old`) is another resource, one no template declares, and anyone's for a
/// bucket, whose names are global.
fn stands_for(destination: &Value, id: Option<&str>) -> bool {
    if id.is_some_and(|id| super::meaning::names(destination, id)) {
        return true;
    }
    let Some((before, reference, after)) = super::flows::around_one_reference(destination) else {
        return false;
    };
    let named = match id {
        Some(id) => super::meaning::names(&reference, id),
        None => super::meaning::imported(&reference),
    };
    let arn_attribute = match reference.get("Fn::GetAtt") {
        Some(Value::Array(a)) => a.get(1).and_then(Value::as_str) == Some("Arn"),
        Some(Value::String(s)) => s.ends_with(".Arn"),
        _ => false,
    };
    let before = before.trim_start();
    let folder = after.is_empty() || after.starts_with('/');
    named
        && if before.is_empty() {
            arn_attribute && folder
        } else {
            before.starts_with("arn:")
                && ((before.ends_with(":log-group:") && matches!(after.as_str(), "" | ":*"))
                    || (before.ends_with(":::") && folder)
                    || (before.ends_with(":deliverystream/") && after.is_empty()))
        }
}

/// The region an ARN writes as text: its region field, unless that is empty, the stack's
/// own `${AWS::Region}`, or the text is no ARN.
fn pinned_region(arn: &str) -> Option<String> {
    let arn = arn.trim();
    if !arn.starts_with("arn:") {
        return None;
    }
    region_of(arn).filter(|r| !matches!(r.as_str(), "" | "${AWS-Region}"))
}

/// The region a stack of the app deploys to, where the app shows it: a template parameter
/// filled by that stack records its region when the stack is pinned to one
/// ([`App::stack_in`](crate::App::stack_in)); a stack that fills none, or deploys to the
/// environment's region, has no known region.
fn known_region<'a>(cx: &Cx<'a>, stack: &str) -> Option<&'a str> {
    cx.stacks
        .iter()
        .flat_map(|(_, t)| t.parameters.iter())
        .find(|p| p.stack() == stack && p.region().is_some())
        .and_then(|p| p.region())
}

/// The region the stack `stack` of the app deploys to, as far as the app shows it: the
/// region it is pinned to, else the one a template parameter it fills names
/// ([`known_region`]).
fn placed_region<'a>(cx: &Cx<'a>, stack: &str) -> Option<&'a str> {
    cx.position(Some(stack))
        .and_then(|at| cx.index.regions.get(at))
        .and_then(Option::as_deref)
        .or_else(|| known_region(cx, stack))
}

/// Whether the stack `other` of the app deploys to another region than the stack of `cx`,
/// as far as the app shows it: one fills a template parameter of the other, which
/// hipaa-stack declares only for a value of a stack in another region (`cfn::Parameter`).
/// Two stacks that share no such value may be in two regions too: the rules are not told
/// a stack's region (`Cx` holds none), so a group found by name in another stack is read as
/// the group of the flow log's region unless this or [`known_region`] shows otherwise.
fn in_other_regions(cx: &Cx<'_>, other: &str) -> bool {
    cx.template.parameters.iter().any(|p| p.stack() == other)
        || cx
            .stacks
            .iter()
            .find(|(name, _)| *name == other)
            .is_some_and(|(_, t)| t.parameters.iter().any(|p| p.stack() == cx.stack))
}

/// The region field of an ARN (or its head), trimmed, with the pseudo parameters written as
/// in [`account_of`]: `arn:PARTITION:SERVICE:REGION:…`.
fn region_of(arn: &str) -> Option<String> {
    let arn = arn
        .trim()
        .replace("${AWS::", "${AWS-")
        .replace("${!AWS::", "${!AWS-");
    arn.split(':').nth(3).map(|r| r.trim().to_owned())
}

/// The account field of an ARN (or its head, up to the resource), trimmed:
/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:…`, with the stack's own written `${AWS-AccountId}`
/// (the pseudo parameters as one field each: their `::` would split them). An ARN is of the
/// stack's own account when the field is that, or empty (an S3 bucket's ARN has none;
/// bucket names are global), or the number of the flow log's own account; another number is
/// another account, and anything else (a reference) cannot be shown to be the stack's.
fn account_of(arn: &str) -> Option<String> {
    let arn = arn
        .trim()
        .replace("${AWS::", "${AWS-")
        .replace("${!AWS::", "${!AWS-");
    arn.split(':').nth(4).map(|a| a.trim().to_owned())
}

fn e14(cx: &Cx<'_>) -> Outcome {
    // The standalone rules of the app that add to the VPC's default group: those of its
    // stack that name it, and those of another stack that import an export of its stack
    // that names it.
    let added: Vec<String> = [
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
    ]
    .into_iter()
    .flat_map(|t| cx.everywhere(t))
    .filter_map(|(other, r)| {
        let group = &r.properties()["GroupId"];
        match other {
            None => names_default_group(group, cx.id()).then(|| format!("`{}`", r.logical_id())),
            Some(stack) => cx
                .in_stack(stack, r)
                .and_then(|home| exported_value(&home, group))
                .filter(|(there, exported)| {
                    there.at == cx.at && names_default_group(exported, cx.id())
                })
                .map(|_| format!("`{stack}/{}`", r.logical_id())),
        }
    })
    .collect();
    if !added.is_empty() {
        return Outcome::Fail(format!(
            "{} {} a rule to the VPC's default security group (`GroupId` its `DefaultSecurityGroup`), which must have none: any resource launched without a group of its own gets it; give the rule a security group of the template instead",
            added.join(", "),
            if added.len() == 1 { "adds" } else { "add" }
        ));
    }
    Outcome::Gap(
        "CloudFormation creates the VPC's default security group with rules that allow all traffic from itself and all outbound traffic, and no template property removes them, so no template can prove this: hipaa-stack's `up` revokes them once the VPC is created (the stack's deploy notes, kept in the deployed report, are the evidence) and `drift` reports rules that come back; a template deployed by other means keeps them"
            .to_owned(),
    )
}

/// Whether `value` (a standalone rule's `GroupId`) is, or may resolve to, the default
/// security group of the VPC `vpc`: `Fn::GetAtt` of its `DefaultSecurityGroup` ("The ID of
/// the default security group created when the VPC is created", CloudFormation reference,
/// `AWS::EC2::VPC` return values), in either form, or `${Vpc.DefaultSecurityGroup}` in an
/// `Fn::Sub`, anywhere in it (an `Fn::If` branch, an `Fn::Join`).
fn names_default_group(value: &Value, vpc: &str) -> bool {
    let attribute = "DefaultSecurityGroup";
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| match (k.as_str(), v) {
            ("Fn::GetAtt", Value::Array(a)) => {
                matches!(a.as_slice(), [Value::String(r), Value::String(at)] if r == vpc && at == attribute)
            }
            ("Fn::GetAtt", Value::String(t)) => t == &format!("{vpc}.{attribute}"),
            ("Fn::Sub", _) => {
                let text = match v {
                    Value::String(t) => Some(t.as_str()),
                    Value::Array(a) => a.first().and_then(Value::as_str),
                    _ => None,
                };
                text.is_some_and(|t| t.contains(&format!("${{{vpc}.{attribute}}}")))
                    || names_default_group(v, vpc)
            }
            _ => names_default_group(v, vpc),
        }),
        Value::Array(items) => items.iter().any(|v| names_default_group(v, vpc)),
        _ => false,
    }
}

fn e15(cx: &Cx<'_>) -> Outcome {
    route_to_the_internet(cx)
}

/// E17: the paths out of the account that a VPC's peering connections, transit gateway
/// attachments and routes open. Apart from E15 (which accepts no waiver) because a path to
/// another account of the same organization under the same agreement (the shared transit
/// gateway of a network account, the usual multi-account layout) is a decision a waiver
/// can record, where a route from PHI subnets to the internet is not.
fn e17(cx: &Cx<'_>) -> Outcome {
    match cx.resource.type_name() {
        PEERING => all(peered_within_the_account(cx, cx.resource, None)),
        "AWS::EC2::TransitGatewayAttachment" | "AWS::EC2::TransitGatewayVpcAttachment" => {
            all(transit_gateway_of_the_app(cx, "TransitGatewayId"))
        }
        GATEWAY_ATTACHMENT => match cx
            .prop("/VpnGatewayId")
            .filter(|v| !v.is_null() && !super::meaning::no_value(v))
        {
            None => Outcome::NotApplicable,
            Some(value) => Outcome::Fail(format!(
                "`VpnGatewayId` {} attaches a virtual private gateway to the VPC, whose VPN connections and Direct Connect interfaces join it to networks beyond the account that no rule reads",
                text_or_json(value)
            )),
        },
        CLOUD_WAN_ATTACHMENT => Outcome::Fail(format!(
            "`CoreNetworkId` {} attaches the VPC to an AWS Cloud WAN core network, a global network whose segments may join other accounts' networks, which no rule reads; attach the VPC to a transit gateway of the app instead, or waive the rule naming the accounts the core network joins and the agreement that covers them",
            text_or_json(&cx.resource.properties()["CoreNetworkId"])
        )),
        LOCAL_GATEWAY_ASSOCIATION => Outcome::Fail(format!(
            "`LocalGatewayRouteTableId` {} associates the VPC with an Outposts local gateway route table, which joins the VPC to the on-premises network behind the local gateway, a network beyond the account that no rule reads; remove the association, or waive the rule naming the on-premises network and the agreement that covers it",
            text_or_json(&cx.resource.properties()["LocalGatewayRouteTableId"])
        )),
        DOMAIN_ACCESS => match cx
            .prop("/DomainNameArn")
            .filter(|v| !v.is_null() && !super::meaning::no_value(v))
        {
            None => Outcome::NotApplicable,
            Some(value) => match app_resource(cx, value, "AWS::ApiGateway::DomainNameV2") {
                Some(_) => all([cx.proof("/DomainNameArn").ok_or_default()]),
                None => Outcome::Fail(format!(
                    "`DomainNameArn` {} names no private custom domain name of the app: one of another account joins the VPC endpoint to that account's private APIs, which no rule reads; associate the endpoint with a `DomainNameV2` of a stack of the app",
                    text_or_json(value)
                )),
            },
        },
        LATTICE_ASSOCIATION => match cx
            .prop("/ServiceNetworkIdentifier")
            .filter(|v| !v.is_null() && !super::meaning::no_value(v))
        {
            None => Outcome::NotApplicable,
            Some(value) => match app_resource(cx, value, "AWS::VpcLattice::ServiceNetwork") {
                Some(_) => all([cx.proof("/ServiceNetworkIdentifier").ok_or_default()]),
                None => Outcome::Fail(format!(
                    "`ServiceNetworkIdentifier` {} names no VPC Lattice service network of the app: one another account shares through AWS RAM joins the VPC to that account's services, which no rule reads; declare the service network in a stack of the app",
                    text_or_json(value)
                )),
            },
        },
        kind if LATTICE_MEMBERS.iter().any(|(t, _)| *t == kind) => {
            let key = LATTICE_MEMBERS
                .iter()
                .find(|(t, _)| *t == kind)
                .map_or("ServiceNetworkIdentifier", |(_, k)| k);
            match cx
                .prop(&format!("/{key}"))
                .filter(|v| !v.is_null() && !super::meaning::no_value(v))
            {
                None => Outcome::NotApplicable,
                Some(value) => match app_resource(cx, value, "AWS::VpcLattice::ServiceNetwork") {
                    Some(_) => all([cx.proof(&format!("/{key}")).ok_or_default()]),
                    None => Outcome::Fail(format!(
                        "`{key}` {} names no VPC Lattice service network of the app: one another account shares through AWS RAM lets that account's VPCs and endpoints connect to what the association puts in it, which no rule reads; declare the service network in a stack of the app",
                        text_or_json(value)
                    )),
                },
            }
        }
        CLIENT_VPN => client_vpn_endpoint(cx),
        INSTANCE_CONNECT => instance_connect_endpoint(cx),
        CLIENT_VPN_AUTHORIZATION => client_vpn_authorization(cx),
        CLIENT_VPN_ROUTE => client_vpn_route(cx),
        CLIENT_VPN_ASSOCIATION => match cx
            .prop("/ClientVpnEndpointId")
            .filter(|v| !v.is_null() && !super::meaning::no_value(v))
        {
            None => Outcome::NotApplicable,
            Some(value) => match app_resource(cx, value, CLIENT_VPN) {
                Some(_) => all([cx.proof("/ClientVpnEndpointId").ok_or_default()]),
                None => Outcome::Fail(format!(
                    "`ClientVpnEndpointId` {} names no Client VPN endpoint of the app, so how its clients sign in and whether their connections are logged cannot be read, and the association lets them into the subnet; associate the subnet with a `ClientVpnEndpoint` of a stack of the app",
                    text_or_json(value)
                )),
            },
        },
        RESOLVER_RULE => all([keeps_queries(cx, cx, cx.resource, "the rule's")]),
        RESOLVER_RULE_ASSOCIATION => match cx
            .prop("/ResolverRuleId")
            .filter(|v| !v.is_null() && !super::meaning::no_value(v))
        {
            None => Outcome::NotApplicable,
            Some(value) => all([resolver_rule_of_the_app(cx, value, "ResolverRuleId")]),
        },
        PROFILE_ASSOCIATION => match cx
            .prop("/ProfileId")
            .filter(|v| !v.is_null() && !super::meaning::no_value(v))
        {
            None => Outcome::NotApplicable,
            Some(value) => match app_resource(cx, value, "AWS::Route53Profiles::Profile") {
                Some(_) => all([cx.proof("/ProfileId").ok_or_default()]),
                None => Outcome::Fail(format!(
                    "`ProfileId` {} names no Route 53 profile of the app: one another account shares through AWS RAM applies that account's Resolver rules to the VPC, which may forward its DNS queries beyond the account; declare the profile in a stack of the app",
                    text_or_json(value)
                )),
            },
        },
        PROFILE_RESOURCE_ASSOCIATION => profile_resource(cx),
        VPC_ENDPOINT => {
            let reached = endpoint_reaches(cx);
            if reached.is_empty() {
                Outcome::NotApplicable
            } else {
                all(reached)
            }
        }
        _ => {
            let out = route_out_of_the_account(cx);
            if out.is_empty() {
                Outcome::NotApplicable
            } else {
                all(out)
            }
        }
    }
}

/// [`INSTANCE_CONNECT`]: every security group of the endpoint is one of the app, and its
/// outbound rules bound where a tunnel leads ([`tunnel_reach`]).
fn instance_connect_endpoint(cx: &Cx<'_>) -> Outcome {
    let groups = cx
        .prop("/SecurityGroupIds")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v));
    let Some(groups) = groups else {
        return Outcome::Fail(
            "`SecurityGroupIds` is not set, so the endpoint takes the VPC's default security group, whose default outbound rule lets a tunnel reach every port of every address; give the endpoint a security group of the app whose outbound rules name the instances' group (or the VPC's range) and their SSH or RDP port"
                .to_owned(),
        );
    };
    let Value::Array(items) = groups else {
        return Outcome::Fail(format!(
            "`SecurityGroupIds` {} is not a list written in the template, so which groups bound where a tunnel leads cannot be read before deploy; list security groups of the app",
            text_or_json(groups)
        ));
    };
    let items: Vec<(usize, &Value)> = items
        .iter()
        .enumerate()
        .filter(|(_, v)| !super::meaning::no_value(v))
        .collect();
    if items.is_empty() {
        return Outcome::Fail(
            "`SecurityGroupIds` lists no group, so the endpoint takes the VPC's default security group, whose default outbound rule lets a tunnel reach every port of every address; list a security group of the app"
                .to_owned(),
        );
    }
    let mut checks = Vec::new();
    for (i, value) in items {
        match app_resource(cx, value, "AWS::EC2::SecurityGroup") {
            Some((home, group)) => {
                let found = tunnel_reach(&home, group);
                if found.is_empty() {
                    checks.push(cx.proof(&format!("/SecurityGroupIds/{i}")).ok_or_default());
                }
                checks.extend(found.into_iter().map(|why| {
                    Err(format!(
                        "`SecurityGroupIds.{i}` is group `{}`, {why}, so a tunnel through the endpoint leads there from the internet; let it out only on the SSH or RDP port to the instances' security group or the VPC's range",
                        group.logical_id()
                    ))
                }));
            }
            None => checks.push(Err(format!(
                "`SecurityGroupIds.{i}` {} names no security group of the app, so where a tunnel through the endpoint may lead cannot be read; name a `SecurityGroup` of a stack of the app",
                text_or_json(value)
            ))),
        }
    }
    all(checks)
}

/// Where the outbound rules of `group` (of the stack of `cx`) let traffic out beyond named
/// ports of private addresses, as findings: no `SecurityGroupEgress` (EC2 then adds a rule
/// that allows all outbound traffic, `AWS::EC2::SecurityGroup`), an entry or a standalone
/// `AWS::EC2::SecurityGroupEgress` of the stack for the group that cannot be read, opens
/// every protocol or every port, or names a public range, a prefix list or a range known
/// only at deploy.
fn tunnel_reach(cx: &Cx<'_>, group: &Resource) -> Vec<String> {
    let mut found = Vec::new();
    let mut entries: Vec<(String, &Value)> = Vec::new();
    match group.properties().get("SecurityGroupEgress") {
        None | Some(Value::Null) => found.push(
            "which writes no `SecurityGroupEgress`, so EC2 gives it a rule that allows all outbound traffic".to_owned(),
        ),
        Some(Value::Array(items)) => {
            let written: Vec<(String, &Value)> = items
                .iter()
                .enumerate()
                .filter(|(_, e)| !super::meaning::no_value(e))
                .map(|(i, e)| (format!("`SecurityGroupEgress.{i}`"), e))
                .collect();
            entries.extend(written);
        }
        Some(v) if super::meaning::no_value(v) => found.push(
            "which writes no `SecurityGroupEgress`, so EC2 gives it a rule that allows all outbound traffic".to_owned(),
        ),
        Some(other) => entries.push(("`SecurityGroupEgress`".to_owned(), other)),
    }
    // The standalone rules that add to the group: those of its stack that name it, and those
    // of another stack whose `GroupId` imports an export of its stack that names it.
    for (other, standalone) in cx.everywhere("AWS::EC2::SecurityGroupEgress") {
        let named = &standalone.properties()["GroupId"];
        let adds = match other {
            None => referred(named) == Some(group.logical_id()),
            Some(stack) => cx
                .in_stack(stack, standalone)
                .and_then(|home| exported_value(&home, named))
                .is_some_and(|(there, exported)| {
                    there.at == cx.at && super::meaning::names(&exported, group.logical_id())
                }),
        };
        if adds {
            let shown = match other {
                None => format!("`{}`", standalone.logical_id()),
                Some(stack) => format!("`{stack}/{}`", standalone.logical_id()),
            };
            entries.push((shown, standalone.properties()));
        }
    }
    for (name, entry) in entries {
        if unreadable_entry(entry) {
            found.push(format!(
                "whose outbound rule {name} is {}, which no rule can read before deploy",
                text_or_json(entry)
            ));
            continue;
        }
        // A tunnel carries TCP alone: a rule of another protocol (ICMP, UDP) leads it nowhere.
        let Some(what) = tunnel_ports(entry) else {
            continue;
        };
        if let Some(what) = what {
            found.push(format!("whose outbound rule {name} opens {what}"));
        }
        for key in ["CidrIp", "CidrIpv6"] {
            if let Some(v) = entry
                .get(key)
                .filter(|v| !super::meaning::no_value(v))
                .filter(|v| !own_ipv6_range(cx, v))
                .filter(|v| is_internet(&own_range(cx, v).unwrap_or_else(|| (*v).clone())))
            {
                found.push(format!(
                    "whose outbound rule {name} lets traffic out to `{key}` {}, which holds public addresses or is known only at deploy",
                    text_or_json(v)
                ));
            }
        }
        if let Some(v) = entry
            .get("DestinationPrefixListId")
            .filter(|v| !super::meaning::no_value(v))
        {
            found.push(format!(
                "whose outbound rule {name} lets traffic out to prefix list {}, which may hold any address",
                text_or_json(v)
            ));
        }
    }
    found
}

/// What an outbound rule lets a tunnel reach: `None` for a rule of a protocol other than
/// TCP (a tunnel carries TCP alone, "EC2 Instance Connect Endpoint is an identity-aware TCP
/// proxy"), `Some(None)` for a range of TCP ports, and `Some(Some(what))` for every protocol
/// (`IpProtocol` -1, none, or one not known before deploy) or every TCP port (-1, none, or a
/// range from 0 or 1 to 65535), which a tunnel must never reach: SSH's and RDP's ports are
/// what the endpoint's groups are for.
fn tunnel_ports(entry: &Value) -> Option<Option<String>> {
    let protocol = match &entry["IpProtocol"] {
        Value::Number(n) => Some(n.to_string()),
        v => super::meaning::text(v).map(|t| t.trim().to_ascii_lowercase()),
    };
    let protocol = protocol.map(|p| p.parse::<i64>().map_or(p, |n| n.to_string()));
    match protocol.as_deref() {
        None => Some(Some("every protocol and port (no `IpProtocol`)".to_owned())),
        Some("-1" | "all") => Some(Some("every protocol and port (`IpProtocol` -1)".to_owned())),
        Some("tcp" | "6") => Some(
            match (number(&entry["FromPort"]), number(&entry["ToPort"])) {
                (Some(-1), _) | (_, Some(-1)) => Some("every port (-1)".to_owned()),
                (Some(a), Some(b)) if a.min(b) <= 1 && a.max(b) >= 65535 => {
                    Some(format!("every port ({}-{})", a.min(b), a.max(b)))
                }
                (Some(_), Some(_)) => None,
                _ => Some("every port (no `FromPort`/`ToPort`)".to_owned()),
            },
        ),
        Some("udp" | "icmp" | "icmpv6") => None,
        Some(p) if p.parse::<i64>().is_ok_and(|n| (0..=255).contains(&n)) => None,
        Some(p) => Some(Some(format!(
            "every protocol and port (`IpProtocol` {p} is not known before deploy)"
        ))),
    }
}

/// [`CLIENT_VPN`]: connections logged, clients signed in through SAML federation.
fn client_vpn_endpoint(cx: &Cx<'_>) -> Outcome {
    let mut checks = Vec::new();
    let logs = cx
        .prop("/ConnectionLogOptions")
        .filter(|v| !super::meaning::no_value(v));
    let enabled = logs
        .and_then(|l| l.get("Enabled"))
        .filter(|v| !super::meaning::no_value(v));
    checks.push(match enabled {
        Some(v) if is_true(v) => match logs
            .and_then(|l| l.get("CloudwatchLogGroup"))
            .filter(|g| !g.is_null() && !super::meaning::no_value(g))
        {
            Some(_) => cx
                .proof("/ConnectionLogOptions/Enabled")
                .ok_or_else(|| "`ConnectionLogOptions.Enabled` cannot be shown".to_owned()),
            None => Err(
                "`ConnectionLogOptions` names no `CloudwatchLogGroup`, so the connections of the endpoint's clients are logged nowhere; name an encrypted, retained log group of the app"
                    .to_owned(),
            ),
        },
        Some(v) if !is_false(v) => Err(format!(
            "`ConnectionLogOptions.Enabled` {} is not known before deploy to be true, so who connects to the VPC through the endpoint may go unlogged; write true",
            text_or_json(v)
        )),
        _ => Err(
            "`ConnectionLogOptions.Enabled` is not true: no one knows who connected to the VPC through the endpoint, from where or for how long; enable connection logging to a log group of the app"
                .to_owned(),
        ),
    });
    let options = cx
        .prop("/AuthenticationOptions")
        .filter(|v| !super::meaning::no_value(v));
    checks.push(match options {
        Some(Value::Array(entries)) => match entries.iter().position(|e| {
            super::meaning::text(&e["Type"])
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("federated-authentication"))
                && e.get("FederatedAuthentication")
                    .and_then(|f| f.get("SAMLProviderArn"))
                    .is_some_and(|a| !a.is_null() && !super::meaning::no_value(a))
        }) {
            Some(i) => cx
                .proof(&format!("/AuthenticationOptions/{i}/Type"))
                .ok_or_else(|| "`AuthenticationOptions` cannot be shown".to_owned()),
            None => Err(format!(
                "`AuthenticationOptions` {} signs clients in with no SAML identity provider (`federated-authentication` with `FederatedAuthentication.SAMLProviderArn`): a client certificate is a file any copy of which connects, and a directory asks for a second factor only as its own settings, which no rule reads, say; sign clients in through the organization's identity provider, which asks for MFA",
                text_or_json(options.unwrap_or(&Value::Null))
            )),
        },
        Some(v) => Err(format!(
            "`AuthenticationOptions` {} is not a list written in the template, so how clients sign in cannot be read before deploy; write it as a list with a `federated-authentication` entry",
            text_or_json(v)
        )),
        None => Err(
            "`AuthenticationOptions` is not set, so how clients sign in cannot be read; add a `federated-authentication` entry naming a SAML provider"
                .to_owned(),
        ),
    });
    all(checks)
}

/// [`CLIENT_VPN_AUTHORIZATION`]: the rule names an access group and never every client.
fn client_vpn_authorization(cx: &Cx<'_>) -> Outcome {
    let every = cx
        .prop("/AuthorizeAllGroups")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v));
    // Blank text names no group either.
    let group = cx.prop("/AccessGroupId").filter(|v| {
        !v.is_null()
            && !super::meaning::no_value(v)
            && super::meaning::text(v).is_none_or(|t| !t.trim().is_empty())
    });
    match (every, group) {
        (Some(v), _) if is_true(v) => Outcome::Fail(format!(
            "`AuthorizeAllGroups` {} lets every client who connects into {}, whatever the groups of the identity provider say; name the group that needs the network in `AccessGroupId`",
            text_or_json(v),
            cx.prop("/TargetNetworkCidr").map_or_else(|| "the network".to_owned(), text_or_json)
        )),
        (Some(v), _) if !is_false(v) => Outcome::Fail(format!(
            "`AuthorizeAllGroups` {} is not known before deploy to be false, so the rule may let every client in; write false and name an `AccessGroupId`",
            text_or_json(v)
        )),
        (_, None) => Outcome::Fail(
            "the rule names no `AccessGroupId`, which CloudFormation accepts only with `AuthorizeAllGroups` true: every client who connects gets in; name the group that needs the network"
                .to_owned(),
        ),
        (_, Some(_)) => all([cx.proof("/AccessGroupId").ok_or_default()]),
    }
}

/// [`CLIENT_VPN_ROUTE`]: no route to the internet.
fn client_vpn_route(cx: &Cx<'_>) -> Outcome {
    match cx
        .prop("/DestinationCidrBlock")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v))
    {
        None => Outcome::NotApplicable,
        Some(v) if super::meaning::is_internet(v) => Outcome::Fail(format!(
            "`DestinationCidrBlock` {} sends the clients' traffic to the internet through the VPC (a range with public addresses, or one not known before deploy): route only the ranges of the app's networks through the endpoint",
            text_or_json(v)
        )),
        Some(_) => all([cx.proof("/DestinationCidrBlock").ok_or_default()]),
    }
}

/// A Resolver rule that `value` (at `key`) names is one of the app that keeps the VPC's DNS
/// queries with Route 53 Resolver: `RuleType` SYSTEM or RECURSIVE.
fn resolver_rule_of_the_app(cx: &Cx<'_>, value: &Value, key: &str) -> Result<Proof, String> {
    let Some((home, rule)) = app_resource(cx, value, RESOLVER_RULE) else {
        return Err(format!(
            "`{key}` {} names no Route 53 Resolver rule of the app: one another account shares through AWS RAM, or one no rule reads, may forward the VPC's DNS queries to resolvers beyond the account; associate only rules of a stack of the app",
            text_or_json(value)
        ));
    };
    let lead = format!(
        "`{key}` names Resolver rule `{}`, whose",
        named_in(cx, &home, rule)
    );
    keeps_queries(cx, &home, rule, &lead)
}

/// A Resolver rule of the app (of the stack of `home`) keeps the DNS queries it matches with
/// Route 53 Resolver: `RuleType` SYSTEM or RECURSIVE; `lead` names it in a finding.
fn keeps_queries(cx: &Cx<'_>, home: &Cx<'_>, rule: &Resource, lead: &str) -> Result<Proof, String> {
    let kind = &rule.properties()["RuleType"];
    match super::meaning::text(kind).map(|t| t.trim().to_ascii_uppercase()) {
        Some(t) if t == "SYSTEM" || t == "RECURSIVE" => proof_in(cx, home, rule, "/RuleType")
            .ok_or_else(|| format!("{lead} `RuleType` cannot be shown")),
        _ => Err(format!(
            "{lead} `RuleType` {} is neither SYSTEM nor RECURSIVE, or not known before deploy: a FORWARD or DELEGATE rule sends the DNS queries of the VPCs associated with it (for `DomainName`, or the delegations of `DelegationRecord`), with the names of what they reach, to resolvers beyond the account (`TargetIps`); resolve with Route 53 Resolver (SYSTEM), or waive the rule naming the resolvers' network and the agreement that covers it",
            text_or_json(kind)
        )),
    }
}

/// [`PROFILE_RESOURCE_ASSOCIATION`]: a Resolver rule associated with a profile is read as one
/// associated with a VPC; another resource of the app (a private hosted zone, a DNS Firewall
/// rule group, an interface endpoint) adds no path out; an ARN that names nothing of the app
/// may be another account's forwarding rule.
fn profile_resource(cx: &Cx<'_>) -> Outcome {
    let Some(value) = cx
        .prop("/ResourceArn")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v))
    else {
        return Outcome::NotApplicable;
    };
    if app_resource(cx, value, RESOLVER_RULE).is_some() {
        return all([resolver_rule_of_the_app(cx, value, "ResourceArn")]);
    }
    let written = text_or_json(value);
    if !written.to_ascii_lowercase().contains("resolver-rule") && cx.mentions_the_app(value) {
        return all([cx.proof("/ResourceArn").ok_or_default()]);
    }
    Outcome::Fail(format!(
        "`ResourceArn` {written} names no resource of the app: a Resolver rule of another account, or one no rule reads, may forward the DNS queries of every VPC associated with the profile beyond the account; associate only resources of a stack of the app"
    ))
}

/// Whose account a peering's `PeerOwnerId` (or a transit gateway peering's
/// `PeerAccountId`) names: "The AWS account ID of the owner of the accepter VPC. Default:
/// Your AWS account ID" (CloudFormation reference, `AWS::EC2::VPCPeeringConnection`
/// `PeerOwnerId`; "The accepter VPC can belong to a different AWS account"). Unset, removed
/// (`AWS::NoValue`) or wholly the stack's own `${AWS::AccountId}` (its `Ref`, `Fn::Sub`) is
/// the account's; an account written as a number is another account's, as everywhere in
/// the rules (a template never knows its own account's number); anything else (a
/// parameter, an import, an SSM value, an attribute) is known only at deploy.
fn foreign_owner(peering: &Resource, key: &str) -> Option<String> {
    let value = peering
        .properties()
        .get(key)
        .filter(|v| !v.is_null() && !super::meaning::no_value(v))?;
    // As AWS receives it (`meaning::sent`): the characters `${AWS::AccountId}` written
    // outside an `Fn::Sub` are no account id.
    let text = super::meaning::sent(value).map(|t| t.trim().to_owned());
    match text.as_deref() {
        Some("${AWS::AccountId}") => None,
        Some(t) if super::identity::dynamic(t) => Some(format!(
            "`{key}` {t} is known only at deploy, so the peer's account cannot be shown to be this one; write `${{AWS::AccountId}}` or leave it unset for a peer of the account"
        )),
        Some(t) if t.len() == 12 && t.bytes().all(|b| b.is_ascii_digit()) => Some(format!(
            "`{key}` {t} is another account's (the stack's own is `${{AWS::AccountId}}`): the peering opens a network path from the VPC to a network the app does not hold"
        )),
        _ => Some(format!(
            "`{key}` {} cannot be read before deploy, so the peer's account cannot be shown to be this one; write `${{AWS::AccountId}}` or leave it unset for a peer of the account",
            text_or_json(value)
        )),
    }
}

/// A resource of another stack named `stack/LogicalId`, of this stack by its logical id.
fn named_in(cx: &Cx<'_>, home: &Cx<'_>, resource: &Resource) -> String {
    if home.at == cx.at {
        resource.logical_id().to_owned()
    } else {
        format!("{}/{}", home.stack, resource.logical_id())
    }
}

/// The proof of a property of `resource` of the stack of `home`, named for `cx`.
fn proof_in(cx: &Cx<'_>, home: &Cx<'_>, resource: &Resource, pointer: &str) -> Option<Proof> {
    proof_of(resource, pointer)
        .map(|proof| proof.with_stack((home.at != cx.at).then_some(home.stack)))
}

/// A peering connection is within the account: its `PeerOwnerId` ([`foreign_owner`]).
/// `via` names the route that leads to it, for a finding on the route.
fn peered_within_the_account(
    cx: &Cx<'_>,
    peering: &Resource,
    via: Option<(&Cx<'_>, &str)>,
) -> Vec<Result<Proof, String>> {
    let home = via.map_or(*cx, |(home, _)| *home);
    let name = named_in(cx, &home, peering);
    match foreign_owner(peering, "PeerOwnerId") {
        Some(why) => vec![Err(match via {
            Some((_, key)) => format!("`{key}` names peering connection `{name}`, whose {why}"),
            None => why,
        })],
        None => vec![
            proof_in(cx, &home, peering, "/PeerOwnerId")
                .or_else(|| proof_in(cx, &home, peering, "/PeerVpcId"))
                .ok_or_default(),
        ],
    }
}

/// The resource of kind `kind` of the app that `value` names as a whole, with the context
/// of its stack: one of this template that it names ([`super::meaning::names`]), or one of
/// another stack whose export, carried by no other output of the app, it imports whole
/// (`Fn::ImportValue` of written text) and whose value names it.
pub(super) fn app_resource<'a>(
    cx: &Cx<'a>,
    value: &Value,
    kind: &'a str,
) -> Option<(Cx<'a>, &'a Resource)> {
    if let Some(own) = cx
        .others(kind)
        .find(|r| super::meaning::names(value, r.logical_id()))
    {
        return Some((cx.on(own), own));
    }
    let (there, exported) = exported_value(cx, value)?;
    let resource = there
        .template
        .resources()
        .iter()
        .find(|r| r.type_name() == kind && super::meaning::names(&exported, r.logical_id()))?;
    Some((there.on(resource), resource))
}

/// What a route sends out of the account, as checks: a peering connection
/// (`VpcPeeringConnectionId`) must be one of the app within the account, a transit gateway
/// (`TransitGatewayId`) one of the app that leads nowhere else ([`transit_gateway_of_the_app`]),
/// and a Cloud WAN core network (`CoreNetworkArn`), a global network that spans accounts
/// and that no rule reads, is refused. Empty for a route to none of them.
fn route_out_of_the_account(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    let mut checks = Vec::new();
    if let Some(value) = cx
        .prop("/VpcPeeringConnectionId")
        .filter(|v| !super::meaning::no_value(v))
    {
        match app_resource(cx, value, PEERING) {
            Some((home, peering)) => {
                checks.extend(peered_within_the_account(
                    cx,
                    peering,
                    Some((&home, "VpcPeeringConnectionId")),
                ));
                checks.push(cx.proof("/VpcPeeringConnectionId").ok_or_default());
            }
            None => checks.push(Err(format!(
                "`VpcPeeringConnectionId` {} names no peering connection of the app, so whose VPC it reaches cannot be read (a peering connection may lead to another account's VPC); declare the peering connection in a stack of the app",
                text_or_json(value)
            ))),
        }
    }
    if cx
        .prop("/TransitGatewayId")
        .is_some_and(|v| !super::meaning::no_value(v))
    {
        checks.extend(transit_gateway_of_the_app(cx, "TransitGatewayId"));
    }
    if let Some(value) = cx
        .prop("/CoreNetworkArn")
        .filter(|v| !super::meaning::no_value(v))
    {
        checks.push(Err(format!(
            "`CoreNetworkArn` {} sends traffic to an AWS Cloud WAN core network, a global network that may join other accounts' networks, which no rule reads",
            text_or_json(value)
        )));
    }
    // The other targets of a route that lead beyond the account (CloudFormation reference,
    // `AWS::EC2::Route`): an Outposts local gateway (`LocalGatewayId`), which joins the
    // Outpost's subnets to the on-premises network behind it, and an ODB network
    // (`OdbNetworkArn`), the network of Oracle Database@AWS, whose Exadata infrastructure is
    // joined to Oracle Cloud Infrastructure networking (`AWS::ODB::OdbNetwork`
    // `DeleteAssociatedResources`: "associated OCI networking resources"). No rule reads
    // either network.
    for (key, what) in [
        (
            "LocalGatewayId",
            "an Outposts local gateway, which joins the subnets to the on-premises network behind it",
        ),
        (
            "OdbNetworkArn",
            "an ODB network of Oracle Database@AWS, joined to Oracle Cloud Infrastructure networking",
        ),
    ] {
        if let Some(value) = cx
            .prop(&format!("/{key}"))
            .filter(|v| !v.is_null() && !super::meaning::no_value(v))
        {
            checks.push(Err(format!(
                "`{key}` {} sends traffic to {what}, a network beyond the account that no rule reads",
                text_or_json(value)
            )));
        }
    }
    // A Gateway Load Balancer endpoint ("Supported for Gateway Load Balancer endpoints only",
    // `AWS::EC2::Route` `VpcEndpointId`) hands every packet to the appliances behind its
    // endpoint service, a vendor's in another account as often as the app's own: it must be
    // an endpoint of the app, whose service `E17` reads where the endpoint is.
    if let Some(value) = cx
        .prop("/VpcEndpointId")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v))
    {
        checks.push(match app_resource(cx, value, VPC_ENDPOINT) {
            Some(_) => cx.proof("/VpcEndpointId").ok_or_default(),
            None => Err(format!(
                "`VpcEndpointId` {} names no VPC endpoint of the app, so whose appliances the Gateway Load Balancer endpoint hands the traffic to cannot be read (an endpoint service of another account); declare the endpoint in a stack of the app",
                text_or_json(value)
            )),
        });
    }
    // A virtual private gateway ("The ID of an internet gateway or virtual private gateway
    // attached to your VPC", `AWS::EC2::Route` `GatewayId`) is the AWS end of Site-to-Site VPN
    // connections and Direct Connect virtual interfaces, to networks beyond the account, as
    // a transit gateway's VPN connection is; a gateway that cannot be read may be one.
    match route_gateway(cx) {
        Gateway::Other(true) => checks.push(Err(format!(
            "`GatewayId` {} is a virtual private gateway, whose VPN connections and Direct Connect interfaces join the VPC to networks beyond the account that no rule reads",
            text_or_json(&cx.resource.properties()["GatewayId"])
        ))),
        Gateway::Unknown(why) => checks.push(Err(format!(
            "{why}: it may be a virtual private gateway, whose VPN connections join the VPC to networks beyond the account; name a gateway of the app"
        ))),
        Gateway::Internet | Gateway::Other(false) => {}
    }
    checks
}

/// What a VPC endpoint connects the VPC to ([`VPC_ENDPOINT`]), as checks: its
/// `ServiceName` ([`service_reached`]), its `ServiceNetworkArn` a VPC Lattice service network
/// of the app, its `ResourceConfigurationArn` a resource configuration of the app (a service
/// network or resource configuration that another account shares through AWS RAM reaches
/// that account's services and resources). Empty for an endpoint that names none of them.
fn endpoint_reaches(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    let mut checks = Vec::new();
    let present = |key: &str| {
        cx.prop(&format!("/{key}"))
            .filter(|v| !v.is_null() && !super::meaning::no_value(v))
    };
    if let Some(value) = present("ServiceName") {
        checks.push(
            service_reached(cx, value, 0).and_then(|()| cx.proof("/ServiceName").ok_or_default()),
        );
    }
    for (key, kind, what) in [
        (
            "ServiceNetworkArn",
            "AWS::VpcLattice::ServiceNetwork",
            "VPC Lattice service network",
        ),
        (
            "ResourceConfigurationArn",
            "AWS::VpcLattice::ResourceConfiguration",
            "VPC Lattice resource configuration",
        ),
    ] {
        if let Some(value) = present(key) {
            checks.push(match app_resource(cx, value, kind) {
                Some(_) => cx.proof(&format!("/{key}")).ok_or_default(),
                None => Err(format!(
                    "`{key}` {} names no {what} of the app: one another account shares through AWS RAM joins the VPC to that account's services and resources, which no rule reads; declare it in a stack of the app",
                    text_or_json(value)
                )),
            });
        }
    }
    checks
}

/// The value an import (`Fn::ImportValue` of written text; the whole value, however
/// written: [`super::meaning::sole_import`]) takes from the one output that
/// exports it, with the context of that stack: read as [`super::flows::export_named`]
/// reads it, among the exports of the stacks of the app of the importing stack's own region
/// and account ("You can't create cross-stack references across Regions", CloudFormation
/// user guide, `Fn::ImportValue`). `cx` is the importing stack's. `None` when no such
/// stack makes the export (one of another region or account is someone else's value
/// here), or when it cannot be read.
fn exported_value<'a>(cx: &Cx<'a>, value: &Value) -> Option<(Cx<'a>, Value)> {
    use super::flows::{Export, export_named};
    let name = super::meaning::sole_import(value).and_then(super::meaning::text)?;
    match export_named(cx, &name) {
        Export::Made(there, exported) => Some((there, exported)),
        Export::Unmade | Export::Unread => None,
    }
}

/// A VPC endpoint's `ServiceName` reaches an AWS service or an endpoint service of the app.
/// AWS's services are named `com.amazonaws.<region>.<service>` (`cn.com.amazonaws.…` in
/// China, `aws.…` for a few, such as SageMaker's notebooks); every other endpoint service,
/// another account's, a partner's of AWS Marketplace or the app's own, is named
/// `com.amazonaws.vpce.<region>.vpce-svc-<id>` (CloudFormation reference,
/// `AWS::KinesisFirehose::DeliveryStream` DatabaseSourceVPCConfiguration:
/// "com.amazonaws.vpce.<region>.<vpc-endpoint-service-id>"; AWS PrivateLink guide, "Share
/// your services through AWS PrivateLink"), and reaches whatever that service's load
/// balancers front in its owner's account: it must be an `AWS::EC2::VPCEndpointService` of
/// the app ([`super::flows::endpoint_service_of_the_app`]). A name known only at deploy (a
/// parameter, an SSM value, an attribute) may be any service. Each branch of an `Fn::If`
/// is read; an import is read in the stack that exports it.
fn service_reached(cx: &Cx<'_>, value: &Value, depth: usize) -> Result<(), String> {
    if super::meaning::no_value(value) {
        return Ok(());
    }
    if let Some(each) = super::flows::alternatives(value).filter(|_| !value.is_array()) {
        return each
            .into_iter()
            .try_for_each(|v| service_reached(cx, v, depth));
    }
    if depth < 4
        && let Some((home, exported)) = exported_value(cx, value)
    {
        return service_reached(&home, &exported, depth + 1);
    }
    let unreadable = || {
        format!(
            "`ServiceName` {} cannot be read before deploy, so the endpoint may connect the VPC to another account's endpoint service; write an AWS service's name (`com.amazonaws.${{AWS::Region}}.s3`) or an endpoint service of the app",
            text_or_json(value)
        )
    };
    if super::meaning::imported(value) {
        return Err(unreadable());
    }
    if super::flows::endpoint_service_of_the_app(cx, value) {
        return Ok(());
    }
    let written = super::meaning::skeleton(value).trim().to_ascii_lowercase();
    let name = written.strip_prefix("cn.").unwrap_or(&written);
    if name.starts_with("com.amazonaws.vpce.") || name.contains("vpce-svc") {
        return Err(format!(
            "`ServiceName` {} is an endpoint service of no template of the app (another account's, or a partner's): the endpoint joins the VPC to whatever that service's load balancers front in its owner's account, which no rule reads",
            text_or_json(value)
        ));
    }
    if written.contains(super::meaning::UNKNOWN)
        || super::identity::dynamic(&written)
        || !(name.starts_with("com.amazonaws.") || name.starts_with("aws."))
    {
        return Err(unreadable());
    }
    Ok(())
}

/// The resources of the app that may name a transit gateway without leading out of the
/// account: attachments of VPCs (an attachment is made by the owner of the VPC it
/// attaches, and is judged where it is), routes (judged where they are), the transit
/// gateway's own route tables, and an SSM parameter that holds its id (a value, which
/// connects nothing).
const WITHIN_TRANSIT_GATEWAY: &[&str] = &[
    "AWS::EC2::TransitGatewayAttachment",
    "AWS::EC2::TransitGatewayVpcAttachment",
    "AWS::EC2::Route",
    "AWS::EC2::TransitGatewayRouteTable",
    "AWS::SSM::Parameter",
];

/// The resources of [`WITHIN_TRANSIT_GATEWAY`] on which others build ([`ON_AN_ATTACHMENT`]):
/// the attachments and the route tables.
const BUILT_ON: &[&str] = &[
    "AWS::EC2::TransitGatewayAttachment",
    "AWS::EC2::TransitGatewayVpcAttachment",
    "AWS::EC2::TransitGatewayRouteTable",
];

/// The resources of the app built on an attachment of a transit gateway that stay inside
/// it: its routes and its route tables' associations and propagations.
const ON_AN_ATTACHMENT: &[&str] = &[
    "AWS::EC2::TransitGatewayRoute",
    "AWS::EC2::TransitGatewayRouteTableAssociation",
    "AWS::EC2::TransitGatewayRouteTablePropagation",
];

/// The resources of the app whose properties name `target` (a resource of the template at
/// `home` of the app's stacks): in that template by reference ([`super::mentions`]),
/// elsewhere by an import of an export of that template that refers to it, made in a stack
/// of its region and account ([`super::Exports::imported_by`]); each with the
/// position, name and template of its stack.
fn namers<'a>(
    cx: &Cx<'a>,
    home: usize,
    target: &'a Resource,
) -> Vec<(usize, &'a str, &'a crate::cfn::Template, &'a Resource)> {
    let exports = super::Exports::of(cx, home, target.logical_id());
    cx.stacks
        .iter()
        .enumerate()
        .flat_map(|(at, (stack, t))| t.resources().iter().map(move |r| (at, *stack, *t, r)))
        .filter(|(at, _, _, r)| {
            !std::ptr::eq(*r, target)
                && if *at == home {
                    super::mentions(r.properties(), target.logical_id())
                } else {
                    exports.imported_by(cx, *at, r.properties())
                }
        })
        .collect()
}

/// The transit gateway that `key` of this resource names is one of the app (so of its
/// account: a transit gateway that another account shares through AWS RAM takes the
/// attachments of the VPCs of the accounts it is shared with, "Transit gateway sharing",
/// Amazon VPC Transit Gateways guide), that does not accept attachments of other accounts
/// by itself (`AutoAcceptSharedAttachments`: "Enable or disable automatic acceptance of
/// cross-account attachment requests", default disable, CloudFormation reference,
/// `AWS::EC2::TransitGateway`), and that no resource of the app names but attachments of
/// VPCs, routes and its route tables ([`WITHIN_TRANSIT_GATEWAY`]), or a transit gateway
/// peering of the account (`PeerAccountId`, read as a VPC peering's `PeerOwnerId`): a
/// resource share, a VPN connection, a Connect attachment, a peering with another account
/// each lead beyond it.
fn transit_gateway_of_the_app(cx: &Cx<'_>, key: &str) -> Vec<Result<Proof, String>> {
    let value = &cx.resource.properties()[key];
    let Some((home, gateway)) = app_resource(cx, value, TRANSIT_GATEWAY) else {
        return vec![Err(format!(
            "`{key}` {} names no transit gateway of the app: a transit gateway of another account (shared through AWS RAM), or one no stack declares, joins the VPC to networks no rule reads; declare the transit gateway in a stack of the app",
            text_or_json(value)
        ))];
    };
    let name = named_in(cx, &home, gateway);
    let mut checks = vec![cx.proof(&format!("/{key}")).ok_or_default()];
    let auto = gateway
        .properties()
        .get("AutoAcceptSharedAttachments")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v));
    if let Some(v) = auto
        && super::meaning::text(v).as_deref() != Some("disable")
    {
        checks.push(Err(format!(
            "transit gateway `{name}` has `AutoAcceptSharedAttachments` {}: it may accept, without review, the attachments of every account it is shared with; leave it unset or write disable",
            text_or_json(v)
        )));
    }
    let named = |r: &Resource, at: usize, stack: &str| {
        if at == cx.at {
            r.logical_id().to_owned()
        } else {
            format!("{stack}/{}", r.logical_id())
        }
    };
    for (at, stack, _, other) in namers(cx, home.at, gateway) {
        let other_name = named(other, at, stack);
        let kind = other.type_name();
        if kind == "AWS::EC2::TransitGatewayPeeringAttachment" {
            if let Some(why) = foreign_owner(other, "PeerAccountId") {
                checks.push(Err(format!(
                    "transit gateway `{name}` is peered by `{other_name}`, whose {why}"
                )));
            }
            continue;
        }
        if !WITHIN_TRANSIT_GATEWAY.contains(&kind) {
            checks.push(Err(format!(
                "transit gateway `{name}` is named by `{other_name}` ({kind}), which may share it with, or connect it to, networks beyond the account that no rule reads"
            )));
            continue;
        }
        // What is built on an attachment or a route table of the gateway: its routes and
        // route table associations stay inside it; anything else (a Connect attachment,
        // whose GRE tunnels lead to appliances and the networks behind them, a Cloud WAN
        // route table attachment) may lead out.
        if !BUILT_ON.contains(&kind) {
            continue;
        }
        for (at, stack, _, built) in namers(cx, at, other) {
            if !ON_AN_ATTACHMENT.contains(&built.type_name()) {
                checks.push(Err(format!(
                    "`{other_name}` of transit gateway `{name}` is named by `{}` ({}), which may connect it to networks beyond the account that no rule reads",
                    named(built, at, stack),
                    built.type_name()
                )));
            }
        }
    }
    checks
}

/// The route (a public range) to an internet gateway: the subnets of its route table must
/// be public ones ([`routed_subnets`]).
fn route_to_the_internet(cx: &Cx<'_>) -> Outcome {
    let (everywhere, destination) = match ["/DestinationCidrBlock", "/DestinationIpv6CidrBlock"]
        .into_iter()
        .find_map(|p| {
            cx.prop(p)
                .filter(|v| is_internet(v))
                .map(|v| (p, text_or_json(v)))
        }) {
        Some(found) => found,
        None if cx.prop("/DestinationPrefixListId").is_some() => (
            "/DestinationPrefixListId",
            text_or_json(&cx.resource.properties()["DestinationPrefixListId"]),
        ),
        None => return Outcome::NotApplicable,
    };
    let unknown = match route_gateway(cx) {
        Gateway::Internet => None,
        Gateway::Other(_) => return Outcome::NotApplicable,
        Gateway::Unknown(why) => Some(why),
    };
    let gateway = if carrier_gateway(cx).is_some() {
        "the carrier gateway"
    } else {
        "the internet gateway"
    };
    let outcome = routed_subnets(cx, everywhere, &destination, gateway);
    // A gateway that the template cannot show to be an internet gateway or another one: the
    // subnets it routes must still be public ones, or this is a gap, not a pass.
    match (unknown, outcome) {
        (Some(why), Outcome::Fail(finding)) => Outcome::Gap(format!(
            "{why}, so whether it is an internet gateway cannot be shown before deploy; if it is, {finding}"
        )),
        (_, outcome) => outcome,
    }
}

/// What a route's `GatewayId` names, as far as the app shows it.
enum Gateway {
    /// An internet gateway: `igw-…` as text (through intrinsics), an
    /// `AWS::EC2::InternetGateway` of the template (`Ref`, `Fn::GetAtt`, `${Igw}` in
    /// `Fn::Sub`), or one of another stack of the app that it imports.
    Internet,
    /// No gateway, another gateway's id as text, or only resources of the app that are
    /// gateways of other kinds; true where it is a virtual private gateway (`vgw-…` as text,
    /// or an `AWS::EC2::VPNGateway` of the app), read by `E17`.
    Other(bool),
    /// A value known only at deploy (a dynamic reference, an attribute of a resource that
    /// is no gateway, such as an SSM parameter's `Value`), with why.
    Unknown(String),
}

/// The gateways that are not internet gateways, for a `GatewayId` that names them.
const OTHER_GATEWAYS: &[&str] = &[
    "AWS::EC2::VPNGateway",
    "AWS::EC2::NatGateway",
    "AWS::EC2::EgressOnlyInternetGateway",
    "AWS::EC2::TransitGateway",
    "AWS::EC2::VPCEndpoint",
];

/// A route's carrier gateway (`CarrierGatewayId`), if it names one: "A carrier gateway serves
/// two purposes. It allows inbound traffic from a carrier network in a specific location, and
/// it allows outbound traffic to the carrier network and internet" (AWS Wavelength developer
/// guide, "How AWS Wavelength works"; the Amazon VPC user guide, "Carrier gateways": its NAT
/// "is similar to the function of an internet gateway in a Region"). `E15` reads it as an
/// internet gateway.
fn carrier_gateway<'a>(cx: &Cx<'a>) -> Option<&'a Value> {
    cx.prop("/CarrierGatewayId")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v))
}

fn route_gateway(cx: &Cx<'_>) -> Gateway {
    const IGW: &str = "AWS::EC2::InternetGateway";
    if carrier_gateway(cx).is_some() {
        return Gateway::Internet;
    }
    let Some(value) = cx.prop("/GatewayId") else {
        return Gateway::Other(false);
    };
    if let Some(t) = super::meaning::text(value) {
        return if super::identity::dynamic(&t) {
            Gateway::Unknown(format!("`GatewayId` {t} is resolved only at deploy"))
        } else if t.trim().to_ascii_lowercase().starts_with("igw-") {
            Gateway::Internet
        } else {
            Gateway::Other(t.trim().to_ascii_lowercase().starts_with("vgw-"))
        };
    }
    let mut types: Vec<&str> = cx
        .resources_named(&super::compute::Mentioned::of(value))
        .iter()
        .map(|r| r.type_name())
        .collect();
    // An import names the resource of the stack of the app whose export it is, a stack of
    // the route's region and account (an import reads only those exports: the same name
    // exported in another region or account is another gateway).
    let mut imported = Vec::new();
    super::imported_names(value, &mut imported);
    let readable = cx
        .stacks
        .iter()
        .enumerate()
        .filter(|(at, _)| super::services::same_region_and_account(cx, *at, cx.at));
    for (_, (_, template)) in readable {
        for output in template.outputs() {
            if output
                .export_name()
                .is_some_and(|n| imported.iter().any(|i| i == n))
                && let Ok(exported) = serde_json::to_value(&output.value)
            {
                let named = super::compute::Mentioned::of(&exported);
                types.extend(
                    template
                        .resources()
                        .iter()
                        .filter(|r| named.names(r.logical_id()))
                        .map(|r| r.type_name()),
                );
            }
        }
    }
    // Text written inside the intrinsic that is (part of) an internet gateway's id (`igw-…`
    // in an `Fn::Select` list, an `Fn::Join`, an `Fn::Sub`): the value may resolve to it.
    // The name of an export (`Fn::ImportValue`) is no id; what it exports is read above.
    fn writes_igw(v: &Value) -> bool {
        match v {
            Value::String(t) => {
                let t = t.trim().to_ascii_lowercase();
                t.contains("igw-") || t == "igw"
            }
            Value::Array(items) => items.iter().any(writes_igw),
            Value::Object(map) => map
                .iter()
                .any(|(k, v)| k != "Fn::ImportValue" && writes_igw(v)),
            _ => false,
        }
    }
    let literal_igw = writes_igw(value);
    if types.contains(&IGW) {
        Gateway::Internet
    } else if literal_igw {
        Gateway::Unknown(format!(
            "`GatewayId` {} may resolve to the internet gateway id written in it",
            text_or_json(value)
        ))
    } else if !types.is_empty() && types.iter().all(|t| OTHER_GATEWAYS.contains(t)) {
        Gateway::Other(types.contains(&"AWS::EC2::VPNGateway"))
    } else {
        Gateway::Unknown(format!(
            "`GatewayId` {} names no gateway of the app that a rule can read",
            text_or_json(value)
        ))
    }
}

/// The resources that place a store of PHI in subnets, with the property that names them:
/// a database's, cache's or warehouse's subnet group, an EFS mount target, an FSx file
/// system, an OpenSearch domain in a VPC. A subnet one of them names holds PHI, whatever
/// its `MapPublicIpOnLaunch` says.
const STORES_IN_SUBNETS: &[(&str, &str)] = &[
    ("AWS::RDS::DBSubnetGroup", "SubnetIds"),
    ("AWS::DocDB::DBSubnetGroup", "SubnetIds"),
    ("AWS::Neptune::DBSubnetGroup", "SubnetIds"),
    ("AWS::ElastiCache::SubnetGroup", "SubnetIds"),
    ("AWS::MemoryDB::SubnetGroup", "SubnetIds"),
    ("AWS::DAX::SubnetGroup", "SubnetIds"),
    ("AWS::Redshift::ClusterSubnetGroup", "SubnetIds"),
    ("AWS::EFS::MountTarget", "SubnetId"),
    ("AWS::FSx::FileSystem", "SubnetIds"),
    ("AWS::OpenSearchService::Domain", "VPCOptions"),
    ("AWS::Elasticsearch::Domain", "VPCOptions"),
    // The other stores that take their subnets themselves (CloudFormation reference): a
    // Redshift Serverless workgroup's `SubnetIds` ("An array of VPC subnet IDs to associate
    // with the workgroup"), an MSK cluster's brokers (`BrokerNodeGroupInfo.ClientSubnets`,
    // "The list of subnets to connect to in the client virtual private cloud") and a
    // serverless cluster's `VpcConfigs`, an Amazon MQ broker's `SubnetIds`, a DocumentDB
    // elastic cluster's `SubnetIds`, a Timestream for InfluxDB instance's `VpcSubnetIds`, and
    // a DMS replication instance's subnet group (`AWS::DMS::ReplicationSubnetGroup`
    // `SubnetIds`), whose instance keeps the changes it replicates on its storage.
    ("AWS::RedshiftServerless::Workgroup", "SubnetIds"),
    ("AWS::MSK::Cluster", "BrokerNodeGroupInfo"),
    ("AWS::MSK::ServerlessCluster", "VpcConfigs"),
    ("AWS::AmazonMQ::Broker", "SubnetIds"),
    ("AWS::DocDBElastic::Cluster", "SubnetIds"),
    ("AWS::Timestream::InfluxDBInstance", "VpcSubnetIds"),
    ("AWS::DMS::ReplicationSubnetGroup", "SubnetIds"),
];

/// The first resource of the app that places a store of PHI in the subnet `subnet` of the
/// stack named `stack` (`None`: this resource's, as [`Cx::everywhere`] names stacks), named
/// for a finding: one of that stack that names the subnet, or one of any stack that names
/// it by an import of an export of its stack, which CloudFormation resolves to the subnet
/// ("returns the value of an output exported by another stack", `Fn::ImportValue`) where
/// the importing stack is of its region and account ([`super::imports::Exports`]). A store
/// of another stack placed in the subnet makes it a PHI subnet as one of its own does.
fn store_in(cx: &Cx<'_>, stack: Option<&str>, subnet: &str) -> Option<String> {
    let exports = cx.exports_of(stack, subnet);
    STORES_IN_SUBNETS.iter().find_map(|&(kind, key)| {
        cx.everywhere(kind)
            .find(|(other, r)| {
                let named = &r.properties()[key];
                (*other == stack && super::mentions(named, subnet))
                    || exports.imported_in(cx, *other, named)
            })
            .map(|(other, r)| match other {
                Some(other) => format!("`{other}/{}` ({kind})", r.logical_id()),
                None => format!("`{}` ({kind})", r.logical_id()),
            })
    })
}

/// The route (to an internet gateway, for `everywhere` `destination`) must be on a route
/// table of the template whose every associated subnet is a public one.
fn routed_subnets(cx: &Cx<'_>, everywhere: &str, destination: &str, gateway: &str) -> Outcome {
    let Some(table) = cx.prop("/RouteTableId") else {
        return Outcome::Fail("`RouteTableId` is not set".to_owned());
    };
    // The route table the route is added to: one of this template (`Ref`, or `Fn::GetAtt`
    // of its `RouteTableId`), or one of another stack of the app that the route names by an
    // import of its export ([`Cx::named_in_app`]: "returns the value of an output exported
    // by another stack", `Fn::ImportValue`), read there. A table of no template of the app,
    // or one written as an id (the VPC's main table, used by every subnet without an
    // association of its own), routes subnets that no rule can read.
    let Some((table_stack, route_table)) = cx
        .others("AWS::EC2::RouteTable")
        .find(|t| super::mentions(table, t.logical_id()))
        .map(|t| (None, t))
        .or_else(|| cx.named_in_app(None, table, "AWS::EC2::RouteTable"))
    else {
        return Outcome::Fail(format!(
            "`RouteTableId` {} names no route table of this template or of an export of the app it imports, so the subnets it routes to {gateway} for `{}` {destination} cannot be shown to be public ones",
            text_or_json(table),
            pointer_name(everywhere)
        ));
    };
    let mut checks = vec![cx.proof("/RouteTableId").ok_or_default()];
    // Its associations in any stack: a reference to it in its own template, an import of an
    // export of its stack that refers to it elsewhere.
    let exports = cx.exports_of(table_stack, route_table.logical_id());
    let exported = table_stack.is_some() || !exports.is_empty();
    for (other, association) in cx
        .naming_from("AWS::EC2::SubnetRouteTableAssociation", exported)
        .filter(|(other, a)| {
            let named = &a.properties()["RouteTableId"];
            (*other == table_stack && super::mentions(named, route_table.logical_id()))
                || exports.imported_in(cx, *other, named)
        })
    {
        let home = cx.template_of(other);
        let named = &association.properties()["SubnetId"];
        // The subnet of the association's template, or of another stack whose export of
        // it the association imports, read there.
        let subnet = home
            .resources()
            .iter()
            .filter(|s| s.type_name() == "AWS::EC2::Subnet")
            .find(|s| super::mentions(named, s.logical_id()))
            .map(|s| (other, s))
            .or_else(|| cx.named_in_app(other, named, "AWS::EC2::Subnet"));
        let association = match other {
            Some(stack) => format!("{stack}/{}", association.logical_id()),
            None => association.logical_id().to_owned(),
        };
        let association = &association;
        let (subnet_stack, subnet) = match subnet {
            Some((stack, s)) => (stack, Some(s)),
            None => (other, None),
        };
        let check = match subnet {
            // A subnet that says it is public but holds a store of PHI (of any stack) is a
            // PHI subnet.
            Some(s) if let Some(store) = store_in(cx, subnet_stack, s.logical_id()) => {
                Err(format!(
                    "association `{association}` routes subnet `{}` to {gateway} for `{}` {destination}, and {store} places a store of PHI in it; keep stores in subnets without a route to an internet or carrier gateway",
                    s.logical_id(),
                    pointer_name(everywhere)
                ))
            }
            Some(s) if is_true(&s.properties()["MapPublicIpOnLaunch"]) => {
                proof_of(s, "/MapPublicIpOnLaunch").ok_or_default()
            }
            // A construct's public tier (load balancers, never PHI) says so in its metadata;
            // raw resources cannot write it.
            Some(s)
                if s.metadata().get(PUBLIC_TIER.0).and_then(Value::as_str)
                    == Some(PUBLIC_TIER.1) =>
            {
                Ok(Proof {
                    logical_id: s.logical_id().to_owned(),
                    path: format!("/Metadata/{}", PUBLIC_TIER.0),
                })
            }
            Some(s) => Err(format!(
                "association `{association}` routes subnet `{}`, which does not map public addresses on launch (a PHI subnet), to {gateway} for `{}` {destination}",
                s.logical_id(),
                pointer_name(everywhere)
            )),
            None => Err(format!(
                "association `{association}` routes a subnet that is not in its template to {gateway}, so it cannot be shown to be a public subnet"
            )),
        };
        // The proof of a subnet of another stack names its stack.
        checks.push(check.map(|proof| proof.with_stack(subnet_stack)));
    }
    all(checks)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A Client VPN authorization rule lets in one access group, never every client; its
    /// routes reach no public range; its endpoint logs connections and federates sign-in.
    #[test]
    fn client_vpn_lets_in_named_groups_of_federated_logged_clients_only() {
        use crate::compliance::rules::dms::tests::outcome_of;
        let authorization = |p: Value| outcome_of(e17, CLIENT_VPN_AUTHORIZATION, p);
        let fails = |o: &Outcome| matches!(o, Outcome::Fail(_));
        for p in [
            json!({ "ClientVpnEndpointId": "cvpn-endpoint-1", "TargetNetworkCidr": "10.0.0.0/16", "AuthorizeAllGroups": "TRUE" }),
            json!({ "ClientVpnEndpointId": "cvpn-endpoint-1", "TargetNetworkCidr": "10.0.0.0/16", "AccessGroupId": "g", "AuthorizeAllGroups": true }),
            json!({ "ClientVpnEndpointId": "cvpn-endpoint-1", "TargetNetworkCidr": "10.0.0.0/16", "AccessGroupId": { "Ref": "AWS::NoValue" } }),
        ] {
            assert!(fails(&authorization(p.clone())), "{p}");
        }
        assert!(!fails(&authorization(
            json!({ "ClientVpnEndpointId": "cvpn-endpoint-1", "TargetNetworkCidr": "10.0.0.0/16", "AccessGroupId": "g", "AuthorizeAllGroups": "false" })
        )));
        let route = |cidr: Value| {
            outcome_of(
                e17,
                CLIENT_VPN_ROUTE,
                json!({ "ClientVpnEndpointId": "cvpn-endpoint-1", "TargetVpcSubnetId": "subnet-1", "DestinationCidrBlock": cidr }),
            )
        };
        assert!(fails(&route(json!("0.0.0.0/0"))));
        assert!(fails(&route(json!("0.0.0.0/1"))));
        assert!(!fails(&route(json!("172.16.0.0/12"))));
        let endpoint = |p: Value| outcome_of(e17, CLIENT_VPN, p);
        let federated = json!([{ "Type": " Federated-Authentication ", "FederatedAuthentication": { "SAMLProviderArn": "arn:aws:iam::111122223333:saml-provider/Okta" } }]);
        assert!(!fails(&endpoint(json!({
            "AuthenticationOptions": federated,
            "ConnectionLogOptions": { "Enabled": "true", "CloudwatchLogGroup": "vpn" }
        }))));
        assert!(fails(&endpoint(
            json!({ "AuthenticationOptions": federated })
        )));
        assert!(fails(&endpoint(json!({
            "AuthenticationOptions": federated,
            "ConnectionLogOptions": { "Enabled": true, "CloudwatchLogGroup": { "Ref": "AWS::NoValue" } }
        }))));
    }

    /// A rule added to the VPC's default security group by the template fails `E14`, however
    /// the group is named; a VPC without one stays a gap that `up` closes.
    #[test]
    fn e14_fails_rules_added_to_the_default_group() {
        let vpc = (
            "Vpc",
            "AWS::EC2::VPC",
            json!({ "CidrBlock": "10.0.0.0/16" }),
        );
        let rule = |kind: &'static str, group: Value| {
            (
                "Rule",
                kind,
                json!({ "GroupId": group, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/16", "Description": "d" }),
            )
        };
        for (kind, group) in [
            (
                "AWS::EC2::SecurityGroupIngress",
                json!({ "Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"] }),
            ),
            (
                "AWS::EC2::SecurityGroupEgress",
                json!({ "Fn::GetAtt": "Vpc.DefaultSecurityGroup" }),
            ),
            (
                "AWS::EC2::SecurityGroupIngress",
                json!({ "Fn::Sub": "${Vpc.DefaultSecurityGroup}" }),
            ),
        ] {
            assert!(
                matches!(
                    Cx::check_first(e14, &[vpc.clone(), rule(kind, group.clone())]),
                    Outcome::Fail(_)
                ),
                "{group}"
            );
        }
        // A rule of another group, or another VPC's attribute, is no rule of this group.
        for group in [
            json!({ "Ref": "Sg" }),
            json!({ "Fn::GetAtt": ["Vpc", "CidrBlock"] }),
        ] {
            assert!(matches!(
                Cx::check_first(
                    e14,
                    &[vpc.clone(), rule("AWS::EC2::SecurityGroupIngress", group)]
                ),
                Outcome::Gap(_)
            ));
        }
    }

    /// An EC2 Instance Connect Endpoint passes `E17` only when every group of it is one of the
    /// app whose outbound rules name ports (not every one) of private addresses or groups.
    #[test]
    fn instance_connect_endpoints_tunnel_only_where_their_groups_say() {
        let group = |egress: Option<Value>| {
            let mut p = json!({ "GroupDescription": "eic", "VpcId": "vpc-1" });
            if let Some(e) = egress {
                p["SecurityGroupEgress"] = e;
            }
            ("EicSg", "AWS::EC2::SecurityGroup", p)
        };
        let endpoint = |groups: Value| {
            (
                "Eic",
                INSTANCE_CONNECT,
                json!({ "SubnetId": "subnet-1", "SecurityGroupIds": groups }),
            )
        };
        let judge = |resources: &[(&str, &str, Value)]| Cx::check_first(e17, resources);
        let mine = json!([{ "Ref": "EicSg" }]);
        let ssh = json!([{ "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/16", "Description": "ssh" }]);
        assert!(matches!(
            judge(&[endpoint(mine.clone()), group(Some(ssh.clone()))]),
            Outcome::Pass(_)
        ));
        for (groups, egress) in [
            (json!(["sg-0123"]), Some(ssh.clone())),
            (json!([{ "Ref": "AWS::NoValue" }]), Some(ssh.clone())),
            (mine.clone(), None),
            (
                mine.clone(),
                Some(json!([{ "IpProtocol": -1, "CidrIp": "10.0.0.0/16", "Description": "all" }])),
            ),
            (
                mine.clone(),
                Some(
                    json!([{ "IpProtocol": "tcp", "FromPort": "0", "ToPort": "65535", "CidrIp": "10.0.0.0/16", "Description": "all" }]),
                ),
            ),
            (
                mine.clone(),
                Some(
                    json!([{ "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv6": "::/0", "Description": "out" }]),
                ),
            ),
        ] {
            assert!(
                matches!(
                    judge(&[endpoint(groups.clone()), group(egress.clone())]),
                    Outcome::Fail(_)
                ),
                "{groups} {egress:?}"
            );
        }
        // A rule of ICMP (E11's "no outbound traffic" rule among them) leads a tunnel nowhere.
        let quiet = json!([
            { "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/16", "Description": "ssh" },
            { "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86, "CidrIp": "255.255.255.255/32", "Description": "none" },
            { "IpProtocol": 1, "FromPort": -1, "ToPort": -1, "CidrIp": "0.0.0.0/0", "Description": "ping" }
        ]);
        assert!(matches!(
            judge(&[endpoint(mine.clone()), group(Some(quiet))]),
            Outcome::Pass(_)
        ));
        // A standalone egress rule of the group widens it.
        assert!(matches!(
            judge(&[
                endpoint(mine.clone()),
                group(Some(ssh)),
                (
                    "Out",
                    "AWS::EC2::SecurityGroupEgress",
                    json!({ "GroupId": { "Ref": "EicSg" }, "IpProtocol": "-1", "CidrIp": "10.0.0.0/8", "Description": "x" })
                ),
            ]),
            Outcome::Fail(_)
        ));
        // No group at all: the VPC's default group.
        assert!(matches!(
            Cx::check_first(
                e17,
                &[("Eic", INSTANCE_CONNECT, json!({ "SubnetId": "subnet-1" }))]
            ),
            Outcome::Fail(_)
        ));
    }

    /// A VPC attached to a Cloud WAN core network, or associated with an Outposts local
    /// gateway route table, is joined to networks beyond the account; a VPC endpoint
    /// associated with a private custom domain name reaches only the app's.
    #[test]
    fn e17_reads_cloud_wan_local_gateway_and_private_domain_associations() {
        let judge = |resources: &[(&str, &str, Value)]| Cx::check_first(e17, resources);
        assert!(matches!(
            judge(&[(
                "Attach",
                CLOUD_WAN_ATTACHMENT,
                json!({ "CoreNetworkId": "core-network-0a1b2c3d", "VpcArn": "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1", "SubnetArns": [] })
            )]),
            Outcome::Fail(_)
        ));
        assert!(matches!(
            judge(&[(
                "Assoc",
                LOCAL_GATEWAY_ASSOCIATION,
                json!({ "LocalGatewayRouteTableId": "lgw-rtb-0a1b2c3d", "VpcId": { "Ref": "Vpc" } })
            )]),
            Outcome::Fail(_)
        ));
        let association = |domain: Value| {
            judge(&[
                (
                    "Assoc",
                    DOMAIN_ACCESS,
                    json!({ "DomainNameArn": domain, "AccessAssociationSource": { "Ref": "Endpoint" }, "AccessAssociationSourceType": "VPCE" }),
                ),
                (
                    "Domain",
                    "AWS::ApiGateway::DomainNameV2",
                    json!({ "DomainName": "private.example.com" }),
                ),
            ])
        };
        assert!(matches!(
            association(json!({ "Fn::GetAtt": ["Domain", "DomainNameArn"] })),
            Outcome::Pass(_)
        ));
        for (kind, key) in LATTICE_MEMBERS {
            let member = |network: Value| {
                judge(&[
                    ("Member", kind, json!({ *key: network })),
                    (
                        "Network",
                        "AWS::VpcLattice::ServiceNetwork",
                        json!({ "Name": "n" }),
                    ),
                ])
            };
            assert!(matches!(
                member(json!({ "Ref": "Network" })),
                Outcome::Pass(_)
            ));
            assert!(matches!(
                member(json!(
                    "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0123456789abcdef0"
                )),
                Outcome::Fail(_)
            ));
        }
        for other in [
            json!(
                "arn:aws:apigateway:us-east-1:444455556666:/domainnames/private.example.com+abcd1234"
            ),
            json!({ "Fn::If": ["C", { "Fn::GetAtt": ["Domain", "DomainNameArn"] }, "arn:aws:apigateway:us-east-1:444455556666:/domainnames/p+a"] }),
            json!({ "Fn::Sub": "${Domain.DomainNameArn}-other" }),
        ] {
            assert!(
                matches!(association(other.clone()), Outcome::Fail(_)),
                "{other}"
            );
        }
    }

    use crate::testing::raw;

    /// The output that exports the `Ref` of `id` as stack `stack` would (`stack:Id:Ref`).
    fn ref_export(stack: &str, id: &str) -> crate::cfn::Output {
        crate::cfn::Output {
            name: id.to_owned(),
            value: crate::cfn::Expr::reference(id),
            description: None,
            export: Some(format!("{stack}:{id}:Ref")),
        }
    }

    /// A group that opens a database port to the VPC's range imported from the network stack
    /// opens it to the VPC, as one of the VPC's own stack does; a public block so imported
    /// is the internet's.
    #[test]
    fn e10_reads_an_imported_vpc_range_in_its_own_stack() {
        use crate::cfn::{Expr, Output, Template};
        use crate::compliance::Status;
        let network = |block: &str| Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![raw("Vpc", "AWS::EC2::VPC", json!({ "CidrBlock": block }))],
            outputs: vec![Output {
                name: "Cidr".to_owned(),
                value: Expr::get_att("Vpc", "CidrBlock"),
                description: None,
                export: Some("net:Vpc:Cidr".to_owned()),
            }],
        };
        let app = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![raw(
                "Sg",
                "AWS::EC2::SecurityGroup",
                json!({
                    "GroupDescription": "db",
                    "SecurityGroupIngress": [{ "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIp": { "Fn::ImportValue": "net:Vpc:Cidr" }, "Description": "d" }],
                    "SecurityGroupEgress": []
                }),
            )],
            outputs: Vec::new(),
        };
        let e10 = |block: &str| {
            let network = network(block);
            let stacks = [("net", &network), ("app", &app)];
            crate::testing::statuses(&stacks, "E10", "Sg")
        };
        assert!(matches!(
            e10("10.0.0.0/16").as_slice(),
            [Status::Enforced { .. }]
        ));
        assert!(matches!(
            e10("8.8.0.0/16").as_slice(),
            [Status::Failed { .. }]
        ));
    }

    /// A rule of another stack added to the VPC's default group through an import of its
    /// export fails `E14` on the VPC.
    #[test]
    fn e14_reads_rules_that_import_the_default_group() {
        use crate::cfn::{Expr, Output, Template};
        use crate::compliance::Status;
        let network = |attribute: &'static str| Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![raw(
                "Vpc",
                "AWS::EC2::VPC",
                json!({ "CidrBlock": "10.0.0.0/16" }),
            )],
            outputs: vec![Output {
                name: "Group".to_owned(),
                value: Expr::get_att("Vpc", attribute),
                description: None,
                export: Some("net:Group".to_owned()),
            }],
        };
        let other = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![raw(
                "In",
                "AWS::EC2::SecurityGroupIngress",
                json!({ "GroupId": { "Fn::ImportValue": "net:Group" }, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/16", "Description": "d" }),
            )],
            outputs: Vec::new(),
        };
        let e14 = |attribute: &'static str| {
            let network = network(attribute);
            let stacks = [("net", &network), ("app", &other)];
            crate::testing::statuses(&stacks, "E14", "Vpc")
        };
        let added = e14("DefaultSecurityGroup");
        assert!(
            matches!(added.as_slice(), [Status::Failed { finding }] if finding.contains("`app/In`")),
            "{added:?}"
        );
        assert!(matches!(e14("VpcId").as_slice(), [Status::Gap { .. }]));
    }

    /// A standalone egress rule of another stack that imports the endpoint's group widens
    /// where an EC2 Instance Connect Endpoint's tunnels lead.
    #[test]
    fn an_instance_connect_group_widened_by_another_stack_fails() {
        use crate::cfn::Template;
        use crate::compliance::Status;
        let network = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![
                raw(
                    "Eic",
                    INSTANCE_CONNECT,
                    json!({ "SubnetId": "subnet-1", "SecurityGroupIds": [{ "Ref": "EicSg" }] }),
                ),
                raw(
                    "EicSg",
                    "AWS::EC2::SecurityGroup",
                    json!({
                        "GroupDescription": "eic",
                        "VpcId": "vpc-1",
                        "SecurityGroupEgress": [{ "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/16", "Description": "ssh" }]
                    }),
                ),
            ],
            outputs: vec![ref_export("network", "EicSg")],
        };
        let other = |protocol: &str| Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![raw(
                "Out",
                "AWS::EC2::SecurityGroupEgress",
                json!({
                    "GroupId": { "Fn::ImportValue": "network:EicSg:Ref" },
                    "IpProtocol": protocol,
                    "FromPort": 22,
                    "ToPort": 22,
                    "CidrIp": "10.0.0.0/8",
                    "Description": "more"
                }),
            )],
            outputs: Vec::new(),
        };
        let e17 = |protocol: &str| {
            let other = other(protocol);
            let stacks = [("network", &network), ("other", &other)];
            crate::testing::statuses(&stacks, "E17", "Eic")
        };
        let wide = e17("-1");
        assert!(
            matches!(wide.as_slice(), [Status::Failed { finding }] if finding.contains("`other/Out`")),
            "{wide:?}"
        );
        assert!(matches!(e17("tcp").as_slice(), [Status::Enforced { .. }]));
    }

    #[test]
    fn a_route_to_an_internet_gateway_imported_from_another_stack_is_read_there() {
        use crate::cfn::Template;
        use crate::compliance::Status;
        let export = |id: &str| ref_export("shared", id);
        let shared = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![
                raw("Igw", "AWS::EC2::InternetGateway", json!({})),
                raw("Vgw", "AWS::EC2::VPNGateway", json!({ "Type": "ipsec.1" })),
            ],
            outputs: vec![export("Igw"), export("Vgw")],
        };
        let data = |gateway: &str| Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![
                raw(
                    "Rt",
                    "AWS::EC2::RouteTable",
                    json!({ "VpcId": "vpc-0123456789abcdef0" }),
                ),
                raw(
                    "Sn",
                    "AWS::EC2::Subnet",
                    json!({ "VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.1.0/24" }),
                ),
                raw(
                    "A",
                    "AWS::EC2::SubnetRouteTableAssociation",
                    json!({ "RouteTableId": { "Ref": "Rt" }, "SubnetId": { "Ref": "Sn" } }),
                ),
                raw(
                    "Route",
                    "AWS::EC2::Route",
                    json!({
                        "RouteTableId": { "Ref": "Rt" },
                        "DestinationCidrBlock": "0.0.0.0/0",
                        "GatewayId": { "Fn::ImportValue": format!("shared:{gateway}:Ref") }
                    }),
                ),
            ],
            outputs: Vec::new(),
        };
        let e15 = |gateway: &str| {
            let data = data(gateway);
            let stacks = [("shared", &shared), ("data", &data)];
            crate::testing::statuses(&stacks, "E15", "Route")
        };
        let igw = e15("Igw");
        assert!(
            matches!(igw.as_slice(), [Status::Failed { finding }] if finding.contains("`Sn`")),
            "{igw:?}"
        );
        assert!(
            e15("Vgw").is_empty(),
            "a virtual private gateway is not the internet"
        );
    }

    /// A public subnet (`MapPublicIpOnLaunch` true) routed to an internet gateway holds PHI
    /// when any store names it: a Redshift Serverless workgroup, an MSK cluster's brokers,
    /// a serverless MSK cluster, an Amazon MQ broker, a DocumentDB elastic cluster, a
    /// Timestream for InfluxDB instance or a DMS subnet group, as a database's subnet group.
    #[test]
    fn e15_reads_every_store_that_takes_its_subnets_itself() {
        use super::super::{Cx, Outcome};
        let judge = |store: Option<(&str, Value)>| {
            let mut resources = vec![
                (
                    "Route",
                    "AWS::EC2::Route",
                    json!({ "RouteTableId": { "Ref": "Rt" }, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": { "Ref": "Igw" } }),
                ),
                ("Igw", "AWS::EC2::InternetGateway", json!({})),
                (
                    "Rt",
                    "AWS::EC2::RouteTable",
                    json!({ "VpcId": "vpc-0123456789abcdef0" }),
                ),
                (
                    "Sn",
                    "AWS::EC2::Subnet",
                    json!({ "VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.1.0/24", "MapPublicIpOnLaunch": true }),
                ),
                (
                    "A",
                    "AWS::EC2::SubnetRouteTableAssociation",
                    json!({ "RouteTableId": { "Ref": "Rt" }, "SubnetId": { "Ref": "Sn" } }),
                ),
            ];
            if let Some((kind, properties)) = store {
                resources.push(("Store", kind, properties));
            }
            Cx::check_first(e15, &resources)
        };
        assert!(matches!(judge(None), Outcome::Pass(_)));
        let sn = json!([{ "Ref": "Sn" }]);
        for (kind, properties) in [
            (
                "AWS::RedshiftServerless::Workgroup",
                json!({ "WorkgroupName": "w", "SubnetIds": sn }),
            ),
            (
                "AWS::MSK::Cluster",
                json!({ "ClusterName": "c", "BrokerNodeGroupInfo": { "ClientSubnets": sn, "InstanceType": "kafka.m5.large" } }),
            ),
            (
                "AWS::MSK::ServerlessCluster",
                json!({ "ClusterName": "c", "VpcConfigs": [{ "SubnetIds": sn }] }),
            ),
            ("AWS::AmazonMQ::Broker", json!({ "SubnetIds": sn })),
            ("AWS::DocDBElastic::Cluster", json!({ "SubnetIds": sn })),
            (
                "AWS::Timestream::InfluxDBInstance",
                json!({ "VpcSubnetIds": sn }),
            ),
            (
                "AWS::DMS::ReplicationSubnetGroup",
                json!({ "ReplicationSubnetGroupDescription": "d", "SubnetIds": sn }),
            ),
        ] {
            let outcome = judge(Some((kind, properties)));
            assert!(
                matches!(outcome, Outcome::Fail(ref f) if f.contains("`Store`")),
                "{kind}: {outcome:?}"
            );
        }
    }

    #[test]
    fn a_flow_log_of_another_stack_that_imports_the_vpc_s_own_export_records_it() {
        use crate::cfn::{Expr, Output, Template};
        use crate::compliance::Status;
        let export = |name: &str, value: Expr| Output {
            name: name.replace(':', ""),
            value,
            description: None,
            export: Some(name.to_owned()),
        };
        let net = |outputs: Vec<Output>| Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![raw(
                "V",
                "AWS::EC2::VPC",
                json!({ "CidrBlock": "10.0.0.0/16" }),
            )],
            outputs,
        };
        let logs = |resource_id: Value, traffic: &str, outputs: Vec<Output>| Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![
                raw(
                    "G",
                    "AWS::Logs::LogGroup",
                    json!({ "LogGroupName": "flow", "RetentionInDays": 365 }),
                ),
                raw(
                    "F",
                    "AWS::EC2::FlowLog",
                    json!({
                        "ResourceId": resource_id,
                        "ResourceType": "VPC",
                        "TrafficType": traffic,
                        "LogGroupName": { "Ref": "G" }
                    }),
                ),
            ],
            outputs,
        };
        let e13 = |net: &Template, logs: &Template| {
            let stacks = [("net", net), ("logs", logs)];
            crate::testing::statuses(&stacks, "E13", "V")
        };
        let import = json!({ "Fn::ImportValue": "net:V:Ref" });
        let vpc = || export("net:V:Ref", Expr::reference("V"));
        // The VPC's own export, imported whole: the flow log records it.
        let found = e13(&net(vec![vpc()]), &logs(import.clone(), "ALL", Vec::new()));
        assert!(
            matches!(found.as_slice(), [Status::Enforced { .. }]),
            "{found:?}"
        );
        // Recording rejected traffic only: a failure that names the flow log's stack.
        let found = e13(
            &net(vec![vpc()]),
            &logs(import.clone(), "REJECT", Vec::new()),
        );
        assert!(
            matches!(found.as_slice(), [Status::Failed { finding }] if finding.contains("`logs/F`")),
            "{found:?}"
        );
        // An export of another value (the VPC's CIDR block), or of a name two stacks
        // export, is not known to be this VPC.
        let cidr = export("net:V:Cidr", Expr::get_att("V", "CidrBlock"));
        for (net, logs) in [
            (
                net(vec![cidr]),
                logs(
                    json!({ "Fn::ImportValue": "net:V:Cidr" }),
                    "ALL",
                    Vec::new(),
                ),
            ),
            (
                net(vec![vpc()]),
                logs(
                    import.clone(),
                    "ALL",
                    vec![export("net:V:Ref", Expr::reference("G"))],
                ),
            ),
            // Text built around the import is another value.
            (
                net(vec![vpc()]),
                logs(
                    json!({ "Fn::Join": ["", ["x", import.clone()]] }),
                    "ALL",
                    Vec::new(),
                ),
            ),
        ] {
            let found = e13(&net, &logs);
            assert!(
                matches!(found.as_slice(), [Status::Failed { finding }] if finding.contains("no `AWS::EC2::FlowLog` of the app")),
                "{found:?}"
            );
        }
    }

    #[test]
    fn peerings_and_transit_gateways_of_another_stack_are_read_where_they_are() {
        use crate::cfn::Template;
        use crate::compliance::Status;
        let export = |id: &str| ref_export("net", id);
        let net = |owner: Value, shared: bool| {
            let mut resources = vec![
                raw(
                    "Peering",
                    PEERING,
                    json!({ "VpcId": "vpc-0a1b2c3d4e5f60718", "PeerVpcId": "vpc-0fedcba9876543210", "PeerOwnerId": owner }),
                ),
                raw("Tgw", TRANSIT_GATEWAY, json!({ "Description": "hub" })),
            ];
            if shared {
                resources.push(raw(
                    "Share",
                    "AWS::RAM::ResourceShare",
                    json!({ "Name": "hub", "Principals": ["111122223333"], "ResourceArns": [{ "Fn::Sub": "arn:aws:ec2:${AWS::Region}:${AWS::AccountId}:transit-gateway/${Tgw}" }] }),
                ));
            }
            Template {
                description: String::new(),
                parameters: Vec::new(),
                resources,
                outputs: vec![export("Peering"), export("Tgw")],
            }
        };
        let app = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![
                raw(
                    "Rt",
                    "AWS::EC2::RouteTable",
                    json!({ "VpcId": "vpc-0a1b2c3d4e5f60718" }),
                ),
                raw(
                    "ToPeer",
                    "AWS::EC2::Route",
                    json!({
                        "RouteTableId": { "Ref": "Rt" },
                        "DestinationCidrBlock": "10.9.0.0/16",
                        "VpcPeeringConnectionId": { "Fn::ImportValue": "net:Peering:Ref" }
                    }),
                ),
                raw(
                    "Att",
                    "AWS::EC2::TransitGatewayVpcAttachment",
                    json!({
                        "VpcId": "vpc-0a1b2c3d4e5f60718",
                        "SubnetIds": ["subnet-0a1b2c3d4e5f60718"],
                        "TransitGatewayId": { "Fn::ImportValue": "net:Tgw:Ref" }
                    }),
                ),
            ],
            outputs: Vec::new(),
        };
        let e17 = |net: &Template, id: &str| {
            let stacks = [("net", net), ("app", &app)];
            crate::testing::statuses(&stacks, "E17", id)
        };
        let own = net(json!({ "Ref": "AWS::AccountId" }), false);
        for id in ["ToPeer", "Att"] {
            let found = e17(&own, id);
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{id}: {found:?}"
            );
        }
        let foreign = net(json!("111122223333"), true);
        let found = e17(&foreign, "ToPeer");
        assert!(
            matches!(found.as_slice(), [Status::Failed { finding }] if finding.contains("`net/Peering`") && finding.contains("another account")),
            "{found:?}"
        );
        let found = e17(&foreign, "Att");
        assert!(
            matches!(found.as_slice(), [Status::Failed { finding }] if finding.contains("`net/Share`")),
            "{found:?}"
        );
    }

    #[test]
    fn a_log_group_name_built_on_the_stack_name_is_another_group_in_another_stack() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let e13 = |group_in_own_stack: bool| {
            let app = App::new("flows");
            let net = app.stack("net").unwrap();
            let logs = app.stack("logs").unwrap();
            let name = json!({ "Fn::Sub": "${AWS::StackName}-flow" });
            net.add(RawResource::new("V", "AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"))
                .unwrap();
            net.add(
                RawResource::new("F", "AWS::EC2::FlowLog")
                    .property("ResourceId", json!({ "Ref": "V" }))
                    .property("ResourceType", "VPC")
                    .property("TrafficType", "ALL")
                    .property("LogGroupName", name.clone()),
            )
            .unwrap();
            let home = if group_in_own_stack { &net } else { &logs };
            home.add(
                RawResource::new("G", "AWS::Logs::LogGroup")
                    .property("LogGroupName", name)
                    .property("RetentionInDays", 365),
            )
            .unwrap();
            let assembly = app.check().unwrap();
            crate::testing::status_of(&assembly, "E13", "V").expect("E13 on the VPC")
        };
        assert!(
            matches!(e13(true), Status::Enforced { .. }),
            "{:?}",
            e13(true)
        );
        assert!(
            matches!(&e13(false), Status::Gap { reason } if reason.contains("`LogGroupName`")),
            "{:?}",
            e13(false)
        );
    }

    /// A stack of a test: its name, its resources (logical id, type, properties) and the
    /// parameters it takes from other stacks (name, producing stack, its region).
    type TestStack<'a> = (
        &'a str,
        Vec<(&'a str, &'a str, Value)>,
        Vec<(&'a str, &'a str, &'a str)>,
    );

    /// The statuses of E13 on `V` in an app of `stacks`.
    fn e13_across(stacks: &[TestStack<'_>]) -> Vec<crate::compliance::Status> {
        use crate::cfn::{Parameter, Resource, Template};
        let templates: Vec<Template> = stacks
            .iter()
            .map(|(_, resources, parameters)| Template {
                description: String::new(),
                parameters: parameters
                    .iter()
                    .map(|(name, stack, region)| Parameter {
                        name: (*name).to_owned(),
                        stack: (*stack).to_owned(),
                        region: Some((*region).to_owned()),
                    })
                    .collect(),
                resources: resources
                    .iter()
                    .map(|(id, kind, p)| {
                        Resource::raw((*id).to_owned(), (*kind).to_owned(), p.clone())
                    })
                    .collect(),
                outputs: Vec::new(),
            })
            .collect();
        let named: Vec<(&str, &Template)> = stacks
            .iter()
            .zip(&templates)
            .map(|((name, _, _), t)| (*name, t))
            .collect();
        crate::testing::statuses(&named, "E13", "V")
    }

    #[test]
    fn a_log_group_of_a_stack_in_another_region_or_an_arn_of_a_written_region_is_not_shown() {
        use crate::compliance::Status;
        let vpc = ("V", "AWS::EC2::VPC", json!({ "CidrBlock": "10.0.0.0/16" }));
        let flow = |destination: Value| {
            let mut p = json!({ "ResourceId": { "Ref": "V" }, "ResourceType": "VPC", "TrafficType": "ALL" });
            p.as_object_mut()
                .expect("an object")
                .extend(destination.as_object().expect("an object").clone());
            ("F", "AWS::EC2::FlowLog", p)
        };
        let group = (
            "G",
            "AWS::Logs::LogGroup",
            json!({ "LogGroupName": "flow", "RetentionInDays": 365 }),
        );
        let by_name = json!({ "LogGroupName": "flow" });
        // The group in a stack that fills a parameter of the flow log's: another region.
        let linked = e13_across(&[
            (
                "net",
                vec![vpc.clone(), flow(by_name.clone())],
                vec![("DrKey", "dr", "eu-west-1")],
            ),
            ("dr", vec![group.clone()], Vec::new()),
        ]);
        assert!(
            matches!(linked.as_slice(), [Status::Gap { reason }] if reason.contains("`LogGroupName` flow")),
            "{linked:?}"
        );
        // The same, linked the other way.
        let linked = e13_across(&[
            ("net", vec![vpc.clone(), flow(by_name.clone())], Vec::new()),
            (
                "dr",
                vec![group.clone()],
                vec![("NetVpc", "net", "eu-west-1")],
            ),
        ]);
        assert!(
            matches!(linked.as_slice(), [Status::Gap { .. }]),
            "{linked:?}"
        );
        // In its own stack, by name: shown.
        let own = e13_across(&[(
            "net",
            vec![vpc.clone(), flow(by_name), group.clone()],
            Vec::new(),
        )]);
        assert!(
            matches!(own.as_slice(), [Status::Enforced { .. }]),
            "{own:?}"
        );
        // An ARN that writes a region, around the group's own reference or its name, when
        // the flow log's stack is known to deploy to another (a stack fills a parameter with
        // its value from us-east-1): the group of that name in that region.
        let known = (
            "east-reader",
            Vec::new(),
            vec![("NetVpc", "net", "us-east-1")],
        );
        for destination in [
            json!({ "LogDestination": { "Fn::Sub": "arn:aws:logs:eu-west-1:${AWS::AccountId}:log-group:${G}" } }),
            json!({ "LogDestination": { "Fn::Sub": "arn:${AWS::Partition}:logs:eu-west-1:${AWS::AccountId}:log-group:flow:*" } }),
        ] {
            let found = e13_across(&[
                (
                    "net",
                    vec![vpc.clone(), flow(destination.clone()), group.clone()],
                    Vec::new(),
                ),
                known.clone(),
            ]);
            assert!(
                matches!(found.as_slice(), [Status::Gap { reason }] if reason.contains("region eu-west-1")),
                "{destination}: {found:?}"
            );
        }
        // The stack's own region, written as text or as the pseudo parameter: shown.
        for arn in [
            "arn:aws:logs:us-east-1:${AWS::AccountId}:log-group:flow",
            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:flow",
        ] {
            let own = e13_across(&[
                (
                    "net",
                    vec![
                        vpc.clone(),
                        flow(json!({ "LogDestination": { "Fn::Sub": arn } })),
                        group.clone(),
                    ],
                    Vec::new(),
                ),
                known.clone(),
            ]);
            assert!(
                matches!(own.as_slice(), [Status::Enforced { .. }]),
                "{arn}: {own:?}"
            );
        }
        // A group of a stack known to be in the region the ARN writes.
        let theirs = e13_across(&[
            (
                "net",
                vec![
                    vpc,
                    flow(
                        json!({ "LogDestination": { "Fn::Sub": "arn:aws:logs:eu-west-1:${AWS::AccountId}:log-group:flow" } }),
                    ),
                ],
                Vec::new(),
            ),
            ("dr", vec![group], Vec::new()),
            ("reader", Vec::new(), vec![("DrKey", "dr", "eu-west-1")]),
        ]);
        assert!(
            matches!(theirs.as_slice(), [Status::Enforced { .. }]),
            "{theirs:?}"
        );
    }

    #[test]
    fn traffic_types_other_than_the_documented_all_fail_saying_what_is_written() {
        let flow = |traffic: Value| {
            Resource::raw(
                "F".to_owned(),
                "AWS::EC2::FlowLog".to_owned(),
                json!({ "ResourceId": { "Ref": "V" }, "ResourceType": "VPC", "TrafficType": traffic }),
            )
        };
        assert!(not_whole(&flow(json!("ALL"))).is_empty());
        assert!(not_whole(&flow(json!({ "Fn::Join": ["", ["A", "LL"]] }))).is_empty());
        let why = not_whole(&flow(json!("all")));
        assert!(
            why.contains("\"all\", which the reference does not list"),
            "{why}"
        );
        let why = not_whole(&flow(json!(" ALL")));
        assert!(why.contains("does not list"), "{why}");
        let why = not_whole(&flow(json!({ "Ref": "Traffic" })));
        assert!(why.contains("no rule can read before deploy"), "{why}");
        let why = not_whole(&flow(json!("{{resolve:ssm:/flow/traffic}}")));
        assert!(why.contains("no rule can read before deploy"), "{why}");
        let why = not_whole(&flow(json!("REJECT")));
        assert!(why.contains("`TrafficType` is REJECT"), "{why}");
    }

    #[test]
    fn a_flow_log_names_a_vpc_by_its_id_never_by_another_attribute() {
        for id in [
            json!({ "Ref": "V" }),
            json!({ "Fn::GetAtt": ["V", "VpcId"] }),
            json!({ "Fn::GetAtt": "V.VpcId" }),
            json!({ "Fn::Sub": "${V}" }),
            json!({ "Fn::Sub": "${V.VpcId}" }),
        ] {
            assert!(names_vpc_id(&id, "V"), "{id}");
        }
        for id in [
            json!({ "Fn::GetAtt": ["V", "CidrBlock"] }),
            json!({ "Fn::GetAtt": "V.DefaultSecurityGroup" }),
            json!({ "Fn::Sub": "${V.DefaultNetworkAcl}" }),
            json!({ "Ref": "W" }),
        ] {
            assert!(!names_vpc_id(&id, "V"), "{id}");
        }
    }

    #[test]
    fn a_peer_owner_is_the_account_s_only_when_unset_or_its_own_pseudo_parameter() {
        let peering = |owner: Value| {
            Resource::raw(
                "P".to_owned(),
                PEERING.to_owned(),
                json!({ "VpcId": "vpc-1", "PeerVpcId": "vpc-2", "PeerOwnerId": owner }),
            )
        };
        for own in [
            json!({ "Ref": "AWS::AccountId" }),
            json!({ "Fn::Sub": "${AWS::AccountId}" }),
            json!({ "Ref": "AWS::NoValue" }),
            Value::Null,
        ] {
            assert_eq!(
                foreign_owner(&peering(own.clone()), "PeerOwnerId"),
                None,
                "{own}"
            );
        }
        for foreign in [
            json!("111122223333"),
            json!(" 111122223333 "),
            json!({ "Fn::Sub": "${AWS::AccountId}x" }),
            json!("{{resolve:ssm:/peer}}"),
            json!({ "Ref": "PeerAccount" }),
            json!({ "Fn::ImportValue": "peer-account" }),
        ] {
            assert!(
                foreign_owner(&peering(foreign.clone()), "PeerOwnerId").is_some(),
                "{foreign}"
            );
        }
    }

    /// E18 on a security group of `egress` (no `SecurityGroupEgress` when null), or its
    /// proofs' paths.
    fn e18_of(egress: Value) -> Result<Vec<String>, String> {
        let mut group = json!({ "GroupDescription": "app", "VpcId": "vpc-0a1b2c3d4e5f60718" });
        if !egress.is_null() {
            group["SecurityGroupEgress"] = egress;
        }
        match Cx::check_first(e18, &[("Sg", "AWS::EC2::SecurityGroup", group)]) {
            Outcome::Pass(proofs) => Ok(proofs.into_iter().map(|p| p.path).collect()),
            Outcome::Fail(finding) => Err(finding),
            other => panic!("{other:?}"),
        }
    }

    /// Every protocol or every port out to the internet fails E18, in each spelling; named
    /// ports to the internet, and every port to a private range or a group, pass.
    #[test]
    fn every_port_out_to_the_internet_fails_e18() {
        for held in [
            json!([{ "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0" }]),
            json!([{ "IpProtocol": "-1", "CidrIp": "10.0.0.0/16" }]),
            json!([{ "IpProtocol": "-1", "DestinationSecurityGroupId": { "Ref": "Other" } }]),
            json!([{ "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86, "CidrIp": "255.255.255.255/32" }]),
            json!([{ "IpProtocol": "udp", "FromPort": 123, "ToPort": 123, "CidrIpv6": "::/0" }]),
        ] {
            assert!(e18_of(held.clone()).is_ok(), "{held}");
        }
        for (egress, says) in [
            (
                Value::Null,
                "`SecurityGroupEgress` is not written, so EC2 adds rules that let every protocol and port out",
            ),
            (
                json!([{ "IpProtocol": "-1", "CidrIp": "0.0.0.0/0" }]),
                "`SecurityGroupEgress.0` lets every protocol and port (`IpProtocol` -1) out to the internet (`CidrIp` 0.0.0.0/0)",
            ),
            (
                json!([{ "IpProtocol": "all", "CidrIpv6": "::/0" }]),
                "every protocol and port (`IpProtocol` -1) out to the internet (`CidrIpv6` ::/0)",
            ),
            (
                json!([{ "IpProtocol": -1, "CidrIp": "0.0.0.0/1" }]),
                "every protocol and port",
            ),
            (
                json!([{ "IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "CidrIp": "0.0.0.0/0" }]),
                "every TCP port (0-65535)",
            ),
            (
                json!([{ "IpProtocol": "17", "FromPort": -1, "ToPort": -1, "CidrIp": "0.0.0.0/0" }]),
                "every UDP port (-1)",
            ),
            (
                json!([{ "IpProtocol": "6", "CidrIp": "0.0.0.0/0" }]),
                "every TCP port (no `FromPort`/`ToPort`)",
            ),
            (
                json!([{ "CidrIp": "0.0.0.0/0" }]),
                "every protocol and port (no `IpProtocol`)",
            ),
            (
                json!([{ "IpProtocol": { "Ref": "Protocol" }, "CidrIp": "0.0.0.0/0" }]),
                "is not known before deploy",
            ),
            (
                json!([{ "IpProtocol": "-1", "CidrIp": { "Ref": "Range" } }]),
                "every protocol and port",
            ),
            (
                json!({ "Ref": "Rules" }),
                "which no rule can read before deploy",
            ),
        ] {
            let found = e18_of(egress.clone()).unwrap_err();
            assert!(found.contains(says), "{egress}: {found}");
        }
        // A standalone egress rule is read on its own.
        let standalone = Cx::check_first(
            e18,
            &[(
                "Out",
                "AWS::EC2::SecurityGroupEgress",
                json!({ "GroupId": "sg-0a1b2c3d4e5f60718", "IpProtocol": "-1", "CidrIp": "0.0.0.0/0" }),
            )],
        );
        assert!(
            matches!(&standalone, Outcome::Fail(why) if why.starts_with("the rule lets every protocol and port")),
            "{standalone:?}"
        );
    }

    /// Every port out to a prefix list passes only where the list is an
    /// `AWS::EC2::PrefixList` of the app whose written entries are all private ranges; a
    /// list of no template (an AWS-managed one included: its id cannot be told from a
    /// customer's) or one of the app that holds or may hold a public range fails, in a
    /// group's rule and in a standalone one. Named ports to any list pass.
    #[test]
    fn every_port_out_to_a_prefix_list_fails_e18_unless_it_is_private_and_the_apps() {
        let judge = |first: (&str, &str, Value), list: Value| {
            let (id, kind, properties) = first;
            Cx::check_first(
                e18,
                &[
                    (id, kind, properties),
                    ("Ranges", "AWS::EC2::PrefixList", list),
                ],
            )
        };
        let group = |rule: Value| {
            (
                "Sg",
                "AWS::EC2::SecurityGroup",
                json!({ "GroupDescription": "app", "VpcId": "vpc-0a1b2c3d4e5f60718", "SecurityGroupEgress": [rule] }),
            )
        };
        let standalone = |rule: Value| {
            let mut rule = rule;
            rule["GroupId"] = json!("sg-0a1b2c3d4e5f60718");
            ("Out", "AWS::EC2::SecurityGroupEgress", rule)
        };
        let private = json!({ "PrefixListName": "peers", "AddressFamily": "IPv4", "MaxEntries": 2,
            "Entries": [{ "Cidr": "10.1.0.0/16" }, { "Cidr": "192.168.0.0/24", "Description": "office" }] });
        let every = |to: Value| json!({ "IpProtocol": "-1", "DestinationPrefixListId": to });
        for held in [
            (every(json!({ "Ref": "Ranges" })), private.clone()),
            (
                every(json!({ "Fn::GetAtt": ["Ranges", "PrefixListId"] })),
                private.clone(),
            ),
            (
                json!({ "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "DestinationPrefixListId": "pl-63a5400a" }),
                private.clone(),
            ),
        ] {
            for first in [group(held.0.clone()), standalone(held.0.clone())] {
                let found = judge(first, held.1.clone());
                assert!(matches!(found, Outcome::Pass(_)), "{}: {found:?}", held.0);
            }
        }
        for (rule, list, says) in [
            (
                every(json!("pl-63a5400a")),
                private.clone(),
                "prefix list pl-63a5400a",
            ),
            (
                json!({ "IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "DestinationPrefixListId": { "Ref": "ListId" } }),
                private.clone(),
                "every TCP port",
            ),
            (
                every(json!({ "Ref": "Ranges" })),
                json!({ "PrefixListName": "open", "AddressFamily": "IPv4", "MaxEntries": 2,
                "Entries": [{ "Cidr": "10.1.0.0/16" }, { "Cidr": "0.0.0.0/0" }] }),
                "0.0.0.0/0",
            ),
            (
                every(json!({ "Ref": "Ranges" })),
                json!({ "PrefixListName": "partner", "AddressFamily": "IPv4", "MaxEntries": 1,
                "Entries": [{ "Cidr": { "Fn::If": ["Partner", "52.94.76.0/22", "10.9.0.0/16"] } }] }),
                "52.94.76.0/22",
            ),
            (
                every(json!({ "Ref": "Ranges" })),
                json!({ "PrefixListName": "later", "AddressFamily": "IPv4", "MaxEntries": 5 }),
                "writes no `Entries`",
            ),
            (
                every(json!({ "Ref": "Ranges" })),
                json!({ "PrefixListName": "p", "AddressFamily": "IPv4", "MaxEntries": 5,
                "Entries": { "Ref": "Ranges" } }),
                "not known before deploy",
            ),
        ] {
            for first in [group(rule.clone()), standalone(rule.clone())] {
                let found = judge(first, list.clone());
                assert!(
                    matches!(&found, Outcome::Fail(why) if why.contains(says) && why.contains("prefix list")),
                    "{rule} {list}: {found:?}"
                );
            }
        }
    }

    #[test]
    fn entries_are_named_by_their_place() {
        assert_eq!(entry_name(""), "the rule");
        assert_eq!(
            entry_name("/SecurityGroupIngress/0"),
            "`SecurityGroupIngress.0`"
        );
    }

    #[test]
    fn a_store_port_of_any_stack_is_forbidden_and_a_listeners_is_not() {
        use crate::prelude::*;
        let app = App::new("ports");
        let data = app.stack("data").unwrap();
        let raw = |id: &str, kind: &str| RawResource::new(id, kind);
        data.add(raw("Db", "AWS::RDS::DBInstance").property("Port", " 15432"))
            .unwrap();
        data.add(raw("Cluster", "AWS::DocDB::DBCluster").property("Port", 17017))
            .unwrap();
        data.add(
            raw("Cache", "AWS::ElastiCache::CacheCluster")
                .property("Endpoint", json!({ "Port": "16379" })),
        )
        .unwrap();
        data.add(raw("Migration", "AWS::DMS::Endpoint").property("DBPort", 11433))
            .unwrap();
        data.add(raw("Https", "AWS::ElasticLoadBalancingV2::Listener").property("Port", 8443))
            .unwrap();
        data.add(raw("Servers", "AWS::ElasticLoadBalancingV2::TargetGroup").property("Port", 8080))
            .unwrap();
        let web = app.stack("web").unwrap();
        for (id, port) in [
            ("Pg", 15432),
            ("Doc", 17017),
            ("Redis", 16379),
            ("Mssql", 11433),
            ("Tls", 8443),
            ("App", 8080),
        ] {
            web.add(
                raw(id, "AWS::EC2::SecurityGroup")
                    .property("GroupDescription", "from the internet")
                    .property("VpcId", "vpc-0123456789abcdef0")
                    .property(
                        "SecurityGroupIngress",
                        json!([{ "IpProtocol": "tcp", "FromPort": port, "ToPort": port, "CidrIp": "0.0.0.0/0", "Description": "open" }]),
                    ),
            )
            .unwrap();
        }
        let assembly = app.check().unwrap();
        let e10 = |id: &str| {
            crate::testing::status_of(&assembly, "E10", id).unwrap_or_else(|| panic!("E10 on {id}"))
        };
        for (id, port) in [
            ("Pg", 15432),
            ("Doc", 17017),
            ("Redis", 16379),
            ("Mssql", 11433),
        ] {
            match e10(id) {
                crate::compliance::Status::Failed { finding } => {
                    assert!(finding.contains(&format!("port {port}")), "{id}: {finding}")
                }
                other => panic!("{id}: {other:?}"),
            }
        }
        // What the internet is meant to reach, and the servers behind it, are no stores.
        for id in ["Tls", "App"] {
            assert!(
                matches!(e10(id), crate::compliance::Status::Enforced { .. }),
                "{id}: {:?}",
                e10(id)
            );
        }
    }

    /// An IPv6 block of a VPC or subnet of the template is its own interfaces' addresses, not
    /// the internet's; any other `Fn::Select` is read for the worst.
    #[test]
    fn e10_reads_the_vpc_s_own_ipv6_blocks_as_inside() {
        let judge = |source: Value| {
            Cx::check_first(
                e10,
                &[
                    (
                        "Sg",
                        "AWS::EC2::SecurityGroup",
                        json!({
                            "GroupDescription": "db",
                            "SecurityGroupIngress": [{ "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIpv6": source, "Description": "d" }]
                        }),
                    ),
                    (
                        "Vpc",
                        "AWS::EC2::VPC",
                        json!({ "CidrBlock": "10.0.0.0/16" }),
                    ),
                    (
                        "Sn",
                        "AWS::EC2::Subnet",
                        json!({ "CidrBlock": "10.0.1.0/24" }),
                    ),
                    ("I", "AWS::EC2::Instance", json!({ "ImageId": "ami-1" })),
                ],
            )
        };
        for inside in [
            json!({ "Fn::Select": [0, { "Fn::GetAtt": ["Vpc", "Ipv6CidrBlocks"] }] }),
            json!({ "Fn::Select": ["2", { "Fn::GetAtt": "Sn.Ipv6CidrBlocks" }] }),
        ] {
            assert!(
                matches!(judge(inside.clone()), Outcome::Pass(_)),
                "{inside}"
            );
        }
        for outside in [
            json!({ "Fn::Select": [0, { "Fn::GetAtt": ["I", "Ipv6CidrBlocks"] }] }),
            json!({ "Fn::Select": [0, { "Fn::GetAtt": ["Vpc", "CidrBlockAssociations"] }] }),
            json!({ "Fn::Select": [-1, { "Fn::GetAtt": ["Vpc", "Ipv6CidrBlocks"] }] }),
            json!({ "Fn::Select": [0, ["::/0"]] }),
            json!({ "Fn::GetAtt": ["Vpc", "Ipv6CidrBlocks"] }),
        ] {
            assert!(
                matches!(judge(outside.clone()), Outcome::Fail(_)),
                "{outside}"
            );
        }
    }

    /// The remote-control APIs of hosts and clusters and the ports of stream and message
    /// stores are closed to the internet as SSH and the databases' are; HTTPS stays open.
    #[test]
    fn forbidden_ports_hold_container_cluster_and_broker_ports() {
        let tcp =
            |from: i64, to: i64| json!({ "IpProtocol": "tcp", "FromPort": from, "ToPort": to });
        for port in [
            2375, 2376, 6443, 2379, 2380, 10250, 512, 513, 514, 135, 139, 9092, 9094, 9096, 9098,
            9194, 9196, 9198, 2181, 2182, 5671, 5672, 61616, 61617, 8086,
        ] {
            assert!(forbidden_ports(&tcp(port, port), &[]).is_some(), "{port}");
        }
        // The hostile review of session 34: the other ports of the same engines, remote
        // desktops, notebooks and analytics consoles, and the services that share a host's
        // files.
        for port in [
            5901, 5800, 10255, 10257, 10259, 8888, 8088, 8998, 111, 873, 20048, 27018, 27019, 6380,
            1434, 2484, 5601, 7000, 7001, 9142, 9160, 5984, 50000, 7474, 7687, 26257, 8020, 9870,
        ] {
            assert!(forbidden_ports(&tcp(port, port), &[]).is_some(), "{port}");
        }
        for (from, to) in [
            (443, 443),
            (80, 80),
            (8443, 8443),
            (3000, 3000),
            (9443, 9443),
        ] {
            assert!(
                forbidden_ports(&tcp(from, to), &[]).is_none(),
                "{from}-{to}"
            );
        }
    }

    #[test]
    fn forbidden_ports_cover_ranges_and_every_port() {
        let rule = |protocol: Value, from: Value, to: Value| json!({ "IpProtocol": protocol, "FromPort": from, "ToPort": to });
        assert!(forbidden_ports(&rule(json!("tcp"), json!(22), json!(22)), &[]).is_some());
        assert!(forbidden_ports(&rule(json!("tcp"), json!(3000), json!(3400)), &[]).is_some());
        assert!(forbidden_ports(&rule(json!("-1"), json!(null), json!(null)), &[]).is_some());
        assert!(forbidden_ports(&rule(json!(-1), json!(null), json!(null)), &[]).is_some());
        assert!(forbidden_ports(&rule(json!("all"), json!(null), json!(null)), &[]).is_some());
        assert!(forbidden_ports(&rule(json!("udp"), json!("20"), json!("21")), &[]).is_some());
        assert!(forbidden_ports(&rule(json!("tcp"), json!(443), json!(443)), &[]).is_none());
        assert!(forbidden_ports(&rule(json!("icmp"), json!(-1), json!(-1)), &[]).is_none());
        assert!(forbidden_ports(&rule(json!("tcp"), json!(8000), json!(8100)), &[8080]).is_some());
        assert!(forbidden_ports(&rule(json!("tcp"), json!(5432), json!(5432)), &[]).is_some());
        assert!(forbidden_ports(&rule(json!("tcp"), json!(0), json!(65535)), &[]).is_some());
        assert!(forbidden_ports(&rule(json!(6), json!(-1), json!(-1)), &[]).is_some());
        assert!(forbidden_ports(&rule(json!("tcp"), json!(443), json!(-1)), &[]).is_some());
        // A protocol number with leading zeros is that number; a range written backwards
        // holds the ports between its ends.
        assert!(forbidden_ports(&rule(json!("06"), json!(22), json!(22)), &[]).is_some());
        assert!(forbidden_ports(&rule(json!("017"), json!(3000), json!(4000)), &[]).is_some());
        assert!(forbidden_ports(&rule(json!("tcp"), json!(3400), json!(3000)), &[]).is_some());
        assert!(forbidden_ports(&rule(json!("006"), json!(443), json!(443)), &[]).is_none());
        assert!(forbidden_ports(&rule(json!("tcp"), json!(8443), json!(8400)), &[]).is_none());
    }

    /// An ARN written as text with the characters `${AWS::AccountId}` (outside an `Fn::Sub`)
    /// names no account of the stack's, so the flow log's group is not shown to be the app's;
    /// the same ARN in an `Fn::Sub` is; a `PeerOwnerId` written so is no account id.
    #[test]
    fn pseudo_parameters_written_as_characters_name_no_group_or_peer_of_the_account() {
        use crate::compliance::Status;
        let arn = "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:flow";
        let statuses = |destination: Value| {
            e13_across(&[(
                "net",
                vec![
                    ("V", "AWS::EC2::VPC", json!({ "CidrBlock": "10.0.0.0/16" })),
                    (
                        "F",
                        "AWS::EC2::FlowLog",
                        json!({ "ResourceId": { "Ref": "V" }, "ResourceType": "VPC", "TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs", "LogDestination": destination }),
                    ),
                    (
                        "G",
                        "AWS::Logs::LogGroup",
                        json!({ "LogGroupName": "flow", "RetentionInDays": 365 }),
                    ),
                ],
                Vec::new(),
            )])
        };
        let own = statuses(json!({ "Fn::Sub": arn }));
        assert!(
            matches!(own.as_slice(), [Status::Enforced { .. }]),
            "{own:?}"
        );
        let written = statuses(json!(arn));
        assert!(
            !matches!(written.as_slice(), [Status::Enforced { .. }]),
            "{written:?}"
        );
        let peering = Resource::raw(
            "P".to_owned(),
            "AWS::EC2::VPCPeeringConnection".to_owned(),
            json!({ "VpcId": "vpc-1", "PeerVpcId": "vpc-2", "PeerOwnerId": "${AWS::AccountId}" }),
        );
        assert!(foreign_owner(&peering, "PeerOwnerId").is_some());
    }

    /// A flow log's destination names the app's bucket, group or stream only where the
    /// reference stands for the resource's name or ARN: a name written around it is another
    /// resource.
    #[test]
    fn a_flow_log_destination_names_a_resource_only_where_its_reference_stands() {
        for named in [
            json!({ "Ref": "B" }),
            json!({ "Fn::GetAtt": ["B", "Arn"] }),
            json!({ "Fn::Sub": "${B.Arn}/vpc" }),
            json!({ "Fn::Sub": "arn:${AWS::Partition}:s3:::${B}" }),
            json!({ "Fn::Sub": "arn:aws:s3:::${B}/flow-logs/" }),
            json!({ "Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${B}:*" }),
            json!({ "Fn::Join": ["", ["arn:aws:firehose:", { "Ref": "AWS::Region" }, ":", { "Ref": "AWS::AccountId" }, ":deliverystream/", { "Ref": "B" }]] }),
        ] {
            assert!(stands_for(&named, Some("B")), "{named}");
        }
        for other in [
            json!({ "Fn::Sub": "arn:aws:s3:::${B}-elsewhere" }),
            json!({ "Fn::Sub": "arn:aws:s3:::copy-${B}" }),
            json!({ "Fn::Sub": "${B.Arn}-old" }),
            json!({ "Fn::Sub": "${B}/vpc" }),
            json!({ "Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${B}-old" }),
            json!({ "Fn::Sub": "arn:aws:s3:::${B}/${C}" }),
            json!({ "Fn::Sub": "arn:aws:s3:::${C}" }),
        ] {
            assert!(!stands_for(&other, Some("B")), "{other}");
        }
        assert!(stands_for(
            &json!({ "Fn::Sub": ["arn:aws:s3:::${I}/vpc", { "I": { "Fn::ImportValue": "net:B:Ref" } }] }),
            None
        ));
        assert!(!stands_for(
            &json!({ "Fn::Sub": ["arn:aws:s3:::${I}-x", { "I": { "Fn::ImportValue": "net:B:Ref" } }] }),
            None
        ));
    }

    /// The regions of an app of two stacks: the first in `first`, the second in us-east-1.
    fn regions(first: &str) -> [Option<String>; 2] {
        [Some(first.to_owned()), Some("us-east-1".to_owned())]
    }

    // A template of these resources and exports, for the tests of imports across regions.
    use crate::testing::template as template_of;

    /// An import resolves only among the exports of the importing stack's region and
    /// account ("You can't create cross-stack references across Regions", CloudFormation
    /// user guide, `Fn::ImportValue`): the same-named export of a VPC's range by a stack of
    /// another region is not the range a group of us-east-1 opens to, which is then read
    /// as unknown (the address space of anyone's export); in the same region it is the
    /// VPC's.
    #[test]
    fn e10_reads_no_range_exported_by_a_stack_of_another_region() {
        use crate::cfn::{Expr, Output};
        use crate::compliance::Status;
        let network = template_of(
            vec![raw(
                "Vpc",
                "AWS::EC2::VPC",
                json!({ "CidrBlock": "10.0.0.0/16" }),
            )],
            vec![Output {
                name: "Cidr".to_owned(),
                value: Expr::get_att("Vpc", "CidrBlock"),
                description: None,
                export: Some("net:Vpc:Cidr".to_owned()),
            }],
        );
        let app = template_of(
            vec![raw(
                "Sg",
                "AWS::EC2::SecurityGroup",
                json!({
                    "GroupDescription": "db",
                    "SecurityGroupIngress": [{ "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIp": { "Fn::ImportValue": "net:Vpc:Cidr" }, "Description": "d" }],
                    "SecurityGroupEgress": []
                }),
            )],
            Vec::new(),
        );
        let stacks = [("net", &network), ("app", &app)];
        let e10 = |net: &str| crate::testing::statuses_in(&stacks, &regions(net), "E10", "Sg");
        let beside = e10("us-east-1");
        assert!(
            matches!(beside.as_slice(), [Status::Enforced { .. }]),
            "{beside:?}"
        );
        let elsewhere = e10("us-west-2");
        assert!(
            matches!(elsewhere.as_slice(), [Status::Failed { .. }]),
            "{elsewhere:?}"
        );
    }

    /// A standalone rule of a stack of another region that imports the name under which
    /// the VPC's stack exports its default group adds to that region's export, not to this
    /// VPC's default group: `E14` stays the gap `up` closes; in the VPC's region it fails.
    #[test]
    fn e14_reads_no_rule_of_another_region_that_imports_the_default_group_s_name() {
        use crate::cfn::{Expr, Output};
        use crate::compliance::Status;
        let network = template_of(
            vec![raw(
                "Vpc",
                "AWS::EC2::VPC",
                json!({ "CidrBlock": "10.0.0.0/16" }),
            )],
            vec![Output {
                name: "Group".to_owned(),
                value: Expr::get_att("Vpc", "DefaultSecurityGroup"),
                description: None,
                export: Some("net:Group".to_owned()),
            }],
        );
        let other = template_of(
            vec![raw(
                "In",
                "AWS::EC2::SecurityGroupIngress",
                json!({ "GroupId": { "Fn::ImportValue": "net:Group" }, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/16", "Description": "d" }),
            )],
            Vec::new(),
        );
        let stacks = [("net", &network), ("app", &other)];
        let e14 = |net: &str| crate::testing::statuses_in(&stacks, &regions(net), "E14", "Vpc");
        let beside = e14("us-east-1");
        assert!(
            matches!(beside.as_slice(), [Status::Failed { finding }] if finding.contains("`app/In`")),
            "{beside:?}"
        );
        let elsewhere = e14("us-west-2");
        assert!(
            matches!(elsewhere.as_slice(), [Status::Gap { .. }]),
            "{elsewhere:?}"
        );
    }

    /// A standalone egress rule of a stack of another region whose `GroupId` imports the
    /// name under which the endpoint's stack exports its group widens that region's export,
    /// not the endpoint's group: `E17` holds; in the endpoint's region it fails.
    #[test]
    fn an_egress_rule_of_another_region_widens_no_instance_connect_group() {
        use crate::compliance::Status;
        let network = template_of(
            vec![
                raw(
                    "Eic",
                    INSTANCE_CONNECT,
                    json!({ "SubnetId": "subnet-1", "SecurityGroupIds": [{ "Ref": "EicSg" }] }),
                ),
                raw(
                    "EicSg",
                    "AWS::EC2::SecurityGroup",
                    json!({
                        "GroupDescription": "eic",
                        "VpcId": "vpc-1",
                        "SecurityGroupEgress": [{ "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/16", "Description": "ssh" }]
                    }),
                ),
            ],
            vec![ref_export("network", "EicSg")],
        );
        let other = template_of(
            vec![raw(
                "Out",
                "AWS::EC2::SecurityGroupEgress",
                json!({
                    "GroupId": { "Fn::ImportValue": "network:EicSg:Ref" },
                    "IpProtocol": "-1",
                    "CidrIp": "0.0.0.0/0",
                    "Description": "all"
                }),
            )],
            Vec::new(),
        );
        let stacks = [("network", &network), ("other", &other)];
        let e17 = |net: &str| crate::testing::statuses_in(&stacks, &regions(net), "E17", "Eic");
        let beside = e17("us-east-1");
        assert!(
            matches!(beside.as_slice(), [Status::Failed { finding }] if finding.contains("`other/Out`")),
            "{beside:?}"
        );
        let elsewhere = e17("us-west-2");
        assert!(
            matches!(elsewhere.as_slice(), [Status::Enforced { .. }]),
            "{elsewhere:?}"
        );
    }

    /// A flow log of a stack of another region that imports the name under which the VPC's
    /// stack exports its id records that region's export, not this VPC: `E13` finds no flow
    /// log of the VPC; in the VPC's region the flow log records it.
    #[test]
    fn a_flow_log_of_another_region_that_imports_the_vpc_s_export_name_records_another_vpc() {
        use crate::compliance::Status;
        let network = template_of(
            vec![raw(
                "V",
                "AWS::EC2::VPC",
                json!({ "CidrBlock": "10.0.0.0/16" }),
            )],
            vec![ref_export("net", "V")],
        );
        let logs = template_of(
            vec![
                raw(
                    "G",
                    "AWS::Logs::LogGroup",
                    json!({ "LogGroupName": "flow", "RetentionInDays": 365 }),
                ),
                raw(
                    "F",
                    "AWS::EC2::FlowLog",
                    json!({
                        "ResourceId": { "Fn::ImportValue": "net:V:Ref" },
                        "ResourceType": "VPC",
                        "TrafficType": "ALL",
                        "LogGroupName": { "Ref": "G" }
                    }),
                ),
            ],
            Vec::new(),
        );
        let stacks = [("net", &network), ("logs", &logs)];
        let e13 = |net: &str| crate::testing::statuses_in(&stacks, &regions(net), "E13", "V");
        let beside = e13("us-east-1");
        assert!(
            matches!(beside.as_slice(), [Status::Enforced { .. }]),
            "{beside:?}"
        );
        let elsewhere = e13("us-west-2");
        assert!(
            matches!(elsewhere.as_slice(), [Status::Failed { finding }] if finding.contains("no `AWS::EC2::FlowLog` of the app")),
            "{elsewhere:?}"
        );
    }
}
