//! Network ACLs: the stateless filter of a subnet's traffic, in front of its security groups.
//! Neither cdk-nag's HIPAA Security pack nor the AWS Config HIPAA conformance pack reads
//! them; this rule checks what AWS Config's `nacl-no-unrestricted-ssh-rdp` and checkov's
//! `CKV_AWS_229` to `CKV_AWS_232` do, with the one notion of "the internet" that the
//! security-group rules use ([`is_internet`]: any range, in any spelling, that holds a public
//! address, or that cannot be known before deploy).
//!
//! Each allowing entry is judged on its own: a denial numbered before it is not read as
//! closing what it opens (renumbering either entry reopens the port), so such an entry
//! takes a waiver that says so.
//!
//! It accepts a waiver with a reason: the security groups behind the ACL (rule `E10`, which
//! accepts none) are the boundary, and return traffic through a NAT gateway needs the ports
//! 1024–65535 open, RDP's among them.

use serde_json::Value;

use super::meaning::{is_internet, no_value, text, text_or_json, whole_number};
use super::{Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, is_true, proof_of};

/// An entry of a network ACL.
const ENTRY: &str = "AWS::EC2::NetworkAclEntry";
/// A network ACL.
const ACL: &str = "AWS::EC2::NetworkAcl";
/// A subnet's association with a network ACL (CloudFormation reference,
/// `AWS::EC2::SubnetNetworkAclAssociation`: `NetworkAclId`, "The ID of the network ACL", and
/// `SubnetId`, "The ID of the subnet"): the subnet's traffic is filtered by that ACL alone,
/// which must be one of the template, whose entries this rule reads. The VPC's default ACL
/// (`Fn::GetAtt` `DefaultNetworkAcl` of the VPC): "By default, it allows all inbound and
/// outbound IPv4 traffic and, if applicable, IPv6 traffic" (Amazon VPC user guide, "Control
/// traffic to subnets using network ACLs"; "Default network ACL for a VPC": rule 100 allows
/// all traffic from 0.0.0.0/0), and an entry of the template cannot remove that rule; an
/// ACL written as an id has entries no rule reads.
const ASSOCIATION: &str = "AWS::EC2::SubnetNetworkAclAssociation";
/// A subnet: without an association of its own it uses its VPC's default network ACL.
const SUBNET: &str = "AWS::EC2::Subnet";
/// A VPC, whose default network ACL its subnets without an association use.
const VPC: &str = "AWS::EC2::VPC";

/// The ports that no ACL lets in from the internet: FTP (20, 21), SSH and RDP.
const CLOSED: [i64; 4] = [20, 21, 22, 3389];

pub(crate) static RULES: &[RuleSpec] = &[RuleSpec {
    id: "E16",
    title: "no network ACL lets SSH, RDP, FTP or every port in from the internet",
    types: &[ENTRY, ACL, ASSOCIATION, SUBNET, VPC],
    controls: &[
        "164.308(a)(3)(i)",
        "164.308(a)(4)(i)",
        "164.312(a)(1)",
        "164.312(e)(1)",
    ],
    fix: "allow ports 20, 21, 22 and 3389, and `Protocol` -1, only from ranges inside the VPC (or deny them); let return traffic in on the ephemeral ports 32768-65535; a NAT gateway's return traffic needs 1024-65535, which hold RDP's port: waive the rule on that entry with that reason (the security groups, rule E10, still close the port); associate every subnet with a network ACL of the template (`AWS::EC2::SubnetNetworkAclAssociation`), never the VPC's default ACL (which allows everything) or an ACL written as an id: a subnet without an association of the template uses the default ACL, a gap until it has one",
    packs: Packs {
        cdk_nag: None,
        checkov: Some("CKV_AWS_232"),
        guard: Some("NACL_NO_UNRESTRICTED_SSH_RDP"),
    },
    check: e16,
}];

/// What an entry lets in from the internet that must stay closed, if it does. Egress
/// entries and denials let nothing in; an action, protocol or port that cannot be read is
/// read for the worst.
fn opens(entry: &Value, inside: &dyn Fn(&Value) -> bool) -> Option<String> {
    if entry.get("Egress").is_some_and(is_true) {
        return None;
    }
    if text(&entry["RuleAction"]).is_some_and(|a| a.trim().eq_ignore_ascii_case("deny")) {
        return None;
    }
    let from = ["CidrBlock", "Ipv6CidrBlock"].iter().find_map(|k| {
        entry
            .get(*k)
            // A VPC's or subnet's own IPv6 block (`Fn::Select` of its `Ipv6CidrBlocks`) is
            // the addresses of its interfaces, as `E10` reads it.
            .filter(|v| !no_value(v) && !inside(v) && is_internet(v))
            .map(|v| format!("the internet (`{k}` {})", text_or_json(v)))
    })?;
    // `Protocol` is "-1 or a protocol number" (`AWS::EC2::NetworkAclEntry`, the
    // CloudFormation reference, where it is an Integer; the EC2 API's
    // `CreateNetworkAclEntry` takes it as a string): read as the number it is, however it
    // is written (`6`, "6", "06", " 6"). A number that is not whole cannot be read as a
    // protocol: it is read for the worst.
    let protocol = text(&entry["Protocol"]).map(|p| p.trim().to_ascii_lowercase());
    let number = protocol.as_deref().and_then(|p| p.parse::<i64>().ok());
    let protocol = match (number, protocol) {
        (Some(n), _) => Some(n.to_string()),
        (None, Some(p)) if p.parse::<f64>().is_ok() => None,
        (None, p) => p,
    };
    let what = match protocol.as_deref() {
        Some("-1" | "all") => "every protocol and port (`Protocol` -1)".to_owned(),
        Some("6" | "17" | "tcp" | "udp") => {
            let range = &entry["PortRange"];
            match (whole_number(&range["From"]), whole_number(&range["To"])) {
                // A range written backwards (`From` above `To`) is read as the ports between
                // them, as `E10` reads a security group's: whether EC2 refuses it or swaps
                // it is not documented, and the rule never passes a range EC2 might take.
                (Some(a), Some(b)) => {
                    let (low, high) = (a.min(b), a.max(b));
                    CLOSED
                        .iter()
                        .find(|p| low <= **p && **p <= high)
                        .map(|p| format!("port {p}"))?
                }
                _ => "every port (no `PortRange.From` and `PortRange.To`)".to_owned(),
            }
        }
        // ICMP and the other protocols carry no ports (text that names no protocol is
        // refused by EC2 at deploy).
        Some(_) => return None,
        None => format!(
            "every protocol and port (`Protocol` {} is not known before deploy as a protocol number)",
            text_or_json(&entry["Protocol"])
        ),
    };
    Some(format!("lets in {what} from {from}"))
}

/// The proofs of what an entry that lets nothing forbidden in says.
fn harmless(resource: &crate::cfn::Resource) -> Vec<Proof> {
    [
        "/Egress",
        "/RuleAction",
        "/CidrBlock",
        "/Ipv6CidrBlock",
        "/Protocol",
        "/PortRange",
    ]
    .iter()
    .filter_map(|p| proof_of(resource, p))
    .collect()
}

/// [`ASSOCIATION`]: the ACL the subnet is moved to is one of the template.
fn associated(cx: &Cx<'_>) -> Outcome {
    let Some(acl) = cx
        .prop("/NetworkAclId")
        .filter(|v| !v.is_null() && !no_value(v))
    else {
        return Outcome::NotApplicable;
    };
    if cx
        .others(ACL)
        .any(|a| super::meaning::names(acl, a.logical_id()))
    {
        return all([cx.proof("/NetworkAclId").ok_or_default()]);
    }
    let default = text_or_json(acl).contains("DefaultNetworkAcl");
    Outcome::Fail(if default {
        format!(
            "`NetworkAclId` {} is the VPC's default network ACL, which by default lets every protocol and port in from the internet (its rule 100): associate the subnet with a network ACL of the template",
            text_or_json(acl)
        )
    } else {
        format!(
            "`NetworkAclId` {} names no network ACL of this template, so what it lets into the subnet from the internet cannot be read; associate the subnet with a network ACL of the template",
            text_or_json(acl)
        )
    })
}

/// The association of the app that moves the subnet `subnet` (a logical id of the
/// template) to an ACL, if one does, with its stack when it is another: one of the template
/// whose `SubnetId` names the subnet whatever the stack's conditions
/// ([`super::meaning::names`]: its `Ref`, which is its id), or one of another stack of the
/// app whose `SubnetId` is the subnet carried across: the import (`Fn::ImportValue`), by a
/// stack of this stack's region and account, of an export of this stack whose value names
/// the subnet (another region's import of that name is of its own region's export), or the `Ref` of a template parameter
/// of hipaa-stack's filled by an output of this stack that names it (hostile review 19: an
/// association kept with the ACLs in a stack of their own left the subnet a false gap). What
/// ACL it names is judged on the association, where it is declared ([`associated`]).
fn association_of<'a>(
    cx: &Cx<'a>,
    subnet: &str,
) -> Option<(Option<&'a str>, &'a crate::cfn::Resource)> {
    let moves = |a: &crate::cfn::Resource| {
        a.properties()
            .get("NetworkAclId")
            .is_some_and(|v| !v.is_null() && !no_value(v))
    };
    if let Some(a) = cx
        .others(ASSOCIATION)
        .find(|a| super::meaning::names(&a.properties()["SubnetId"], subnet) && moves(a))
    {
        return Some((None, a));
    }
    let exports = super::Exports::such(cx, cx.at, subnet, |v| super::meaning::names(v, subnet));
    cx.everywhere(ASSOCIATION).find(|(stack, a)| {
        let Some(stack) = *stack else {
            return false;
        };
        let named = &a.properties()["SubnetId"];
        let imported = named
            .as_object()
            .filter(|m| m.len() == 1)
            .and_then(|m| m.get("Fn::ImportValue"))
            .and_then(text)
            .is_some_and(|name| {
                cx.position(Some(stack))
                    .is_some_and(|at| exports.named_from(cx, at, &name))
            });
        let carried = || {
            cx.across_regions(cx.template_of(Some(stack)), named)
                .is_some_and(|(from, r)| from == cx.stack && r.logical_id() == subnet)
        };
        moves(a) && (imported || carried())
    })
}

/// What a subnet without an association of the template lets in: its VPC's default network
/// ACL. "By default when you create a subnet, it's automatically associated with the
/// default network ACL" (EC2 API reference, `ReplaceNetworkAclAssociation`), which "allows
/// all inbound and outbound IPv4 traffic and, if applicable, IPv6 traffic" (Amazon VPC user
/// guide, "Default network ACL for a VPC": its inbound rule 100 allows all traffic from
/// 0.0.0.0/0). AWS Config's `nacl-no-unrestricted-ssh-rdp` (resource type
/// `AWS::EC2::NetworkAcl`) is "NON_COMPLIANT if a NACL inbound entry allows a source TCP or
/// UDP CIDR block for ports 22 or 3389", as rule 100 does. An entry of the template added to
/// the default ACL (`Fn::GetAtt` of the VPC's `DefaultNetworkAcl`) is read as any entry is,
/// but none removes rule 100, and the typed VPC leaves its subnets on it: a gap, reported on
/// the VPC for its subnets of the template (one default ACL) and on a subnet of a VPC outside
/// the template, until each subnet is associated with a network ACL of the template.
const ON_THE_DEFAULT_ACL: &str = "which lets every protocol and port in from the internet (its rule 100, which no entry of a template removes); associate each subnet with a network ACL of the template (`AWS::EC2::SubnetNetworkAclAssociation`) whose entries pass this rule (until then the security groups, rule E10, are the boundary)";

/// [`SUBNET`] and [`VPC`]: the subnets that use the VPC's default network ACL.
fn default_acl(cx: &Cx<'_>) -> Outcome {
    let subnets: Vec<&crate::cfn::Resource> = if cx.resource.type_name() == VPC {
        cx.others(SUBNET)
            .filter(|s| super::meaning::names(&s.properties()["VpcId"], cx.id()))
            .collect()
    } else {
        // A subnet of a VPC of the template is read on that VPC.
        let vpc = cx.prop("/VpcId");
        if vpc.is_some_and(|v| {
            cx.others(VPC)
                .any(|p| super::meaning::names(v, p.logical_id()))
        }) {
            return Outcome::NotApplicable;
        }
        vec![cx.resource]
    };
    if subnets.is_empty() {
        return Outcome::NotApplicable;
    }
    let mut proofs = Vec::new();
    let mut bare = Vec::new();
    for subnet in subnets {
        match association_of(cx, subnet.logical_id()) {
            Some((None, a)) => proofs.extend(proof_of(a, "/SubnetId")),
            Some((Some(stack), a)) => {
                proofs.extend(proof_of(a, "/SubnetId").map(|p| p.with_stack(Some(stack))));
            }
            None => bare.push(format!("`{}`", subnet.logical_id())),
        }
    }
    match (bare.as_slice(), cx.resource.type_name()) {
        ([], _) => Outcome::Pass(proofs),
        (_, VPC) => Outcome::Gap(format!(
            "the subnet{} {} of the VPC {} no `AWS::EC2::SubnetNetworkAclAssociation` of the template, so {} the VPC's default network ACL, {ON_THE_DEFAULT_ACL}",
            if bare.len() == 1 { "" } else { "s" },
            bare.join(", "),
            if bare.len() == 1 { "has" } else { "have" },
            if bare.len() == 1 {
                "it uses"
            } else {
                "they use"
            },
        )),
        _ => Outcome::Gap(format!(
            "the subnet has no `AWS::EC2::SubnetNetworkAclAssociation` of the template, so it uses the default network ACL of its VPC ({}), {ON_THE_DEFAULT_ACL}",
            cx.prop("/VpcId")
                .map_or_else(|| "not set".to_owned(), text_or_json)
        )),
    }
}

fn e16(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == ASSOCIATION {
        return associated(cx);
    }
    if matches!(cx.resource.type_name(), SUBNET | VPC) {
        return default_acl(cx);
    }
    if cx.resource.type_name() == ENTRY {
        return match opens(cx.resource.properties(), &|v| {
            super::network::own_ipv6_range(cx, v)
        }) {
            Some(what) => Outcome::Fail(format!("the entry {what}")),
            None => match harmless(cx.resource) {
                proofs if proofs.is_empty() => Outcome::NotApplicable,
                proofs => Outcome::Pass(proofs),
            },
        };
    }
    // An ACL: the union of the entries of the template that belong to it.
    let entries: Vec<&crate::cfn::Resource> = cx
        .others(ENTRY)
        .filter(|e| super::compute::mentions(&e.properties()["NetworkAclId"], cx.id()))
        .collect();
    if entries.is_empty() {
        // An ACL without entries denies everything.
        return Outcome::NotApplicable;
    }
    all(entries.iter().map(|e| {
        match opens(e.properties(), &|v| super::network::own_ipv6_range(cx, v)) {
            Some(what) => Err(format!("entry `{}` {what}", e.logical_id())),
            None => proof_of(e, "/NetworkAclId").ok_or_default(),
        }
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::compliance::rules::dms::tests::outcome_of;

    /// An entry that lets SSH in from the VPC's own IPv6 block lets nothing in from the
    /// internet; one from any other `Fn::Select` is read for the worst.
    #[test]
    fn the_vpc_s_own_ipv6_block_is_inside() {
        let entry = |block: Value| {
            Cx::check_first(
                e16,
                &[
                    (
                        "E",
                        ENTRY,
                        json!({ "NetworkAclId": "acl-1", "Protocol": 6, "RuleAction": "allow", "Ipv6CidrBlock": block, "PortRange": { "From": 22, "To": 22 } }),
                    ),
                    (
                        "Vpc",
                        "AWS::EC2::VPC",
                        json!({ "CidrBlock": "10.0.0.0/16" }),
                    ),
                ],
            )
        };
        assert!(matches!(
            entry(json!({ "Fn::Select": [0, { "Fn::GetAtt": ["Vpc", "Ipv6CidrBlocks"] }] })),
            Outcome::Pass(_)
        ));
        assert!(matches!(
            entry(json!({ "Fn::Select": [0, ["::/0"]] })),
            Outcome::Fail(_)
        ));
    }

    /// A subnet that no association of the template moves to an ACL uses its VPC's default
    /// network ACL, which lets everything in: a gap on the VPC for its subnets of the
    /// template, on the subnet for one of a VPC outside it, until each is associated.
    #[test]
    fn a_subnet_without_an_association_of_its_own_uses_the_default_acl() {
        let vpc = ("V", VPC, json!({ "CidrBlock": "10.0.0.0/16" }));
        let subnet = |id: &'static str, vpc: Value| {
            (
                id,
                SUBNET,
                json!({ "VpcId": vpc, "CidrBlock": "10.0.0.0/24", "MapPublicIpOnLaunch": false }),
            )
        };
        let acl = ("Acl", ACL, json!({ "VpcId": { "Ref": "V" } }));
        let moved = |id: &'static str, subnet: Value| {
            (
                id,
                ASSOCIATION,
                json!({ "SubnetId": subnet, "NetworkAclId": { "Ref": "Acl" } }),
            )
        };
        let on_vpc = |more: Vec<(&'static str, &'static str, Value)>| {
            let mut resources = vec![vpc.clone(), acl.clone()];
            resources.extend(more);
            Cx::check_first(e16, &resources)
        };
        let a = subnet("A", json!({ "Ref": "V" }));
        let b = subnet("B", json!({ "Fn::GetAtt": ["V", "VpcId"] }));
        // One subnet of two moved: the other is named.
        match on_vpc(vec![
            a.clone(),
            b.clone(),
            moved("MoveA", json!({ "Ref": "A" })),
        ]) {
            Outcome::Gap(why) => assert!(
                why.contains("`B`") && !why.contains("`A`") && why.contains("default network ACL"),
                "{why}"
            ),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            on_vpc(vec![
                a.clone(),
                b.clone(),
                moved("MoveA", json!({ "Ref": "A" })),
                moved("MoveB", json!({ "Fn::GetAtt": ["B", "SubnetId"] })),
            ]),
            Outcome::Pass(p) if p.len() == 2
        ));
        // An association that may name either subnet (an `Fn::If`) shows neither moved.
        assert!(matches!(
            on_vpc(vec![
                a.clone(),
                b.clone(),
                moved(
                    "Move",
                    json!({ "Fn::If": ["Blue", { "Ref": "A" }, { "Ref": "B" }] })
                ),
            ]),
            Outcome::Gap(_)
        ));
        // No subnet of the template in the VPC: nothing to judge.
        assert_eq!(on_vpc(Vec::new()), Outcome::NotApplicable);
        // A subnet of a VPC outside the template is judged on itself; one of a VPC of the
        // template is judged on that VPC.
        let outside = subnet("S", json!("vpc-0123456789abcdef0"));
        assert!(matches!(
            Cx::check_first(e16, std::slice::from_ref(&outside)),
            Outcome::Gap(why) if why.contains("vpc-0123456789abcdef0")
        ));
        assert!(matches!(
            Cx::check_first(
                e16,
                &[outside, acl.clone(), moved("M", json!({ "Ref": "S" }))]
            ),
            Outcome::Pass(_)
        ));
        assert_eq!(
            Cx::check_first(e16, &[a, vpc.clone()]),
            Outcome::NotApplicable
        );
    }

    /// The subnets of one stack moved to an ACL by an association of another stack of the
    /// app (the ACLs kept in a stack of their own) are read as moved, when the association's
    /// `SubnetId` is the subnet carried across: the import of its export, or a template
    /// parameter filled by an output of its stack that names it. An import of another
    /// export, or an association that names no ACL, moves nothing (hostile review 19).
    #[test]
    fn an_association_of_another_stack_of_the_app_moves_the_subnet() {
        use crate::cfn::{Expr, Output, Parameter, Resource, Template};
        let network = |outputs: Vec<Output>| Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![
                Resource::raw(
                    "V".to_owned(),
                    VPC.to_owned(),
                    json!({ "CidrBlock": "10.0.0.0/16" }),
                ),
                Resource::raw(
                    "A".to_owned(),
                    SUBNET.to_owned(),
                    json!({ "VpcId": { "Ref": "V" }, "CidrBlock": "10.0.0.0/24" }),
                ),
                Resource::raw(
                    "B".to_owned(),
                    SUBNET.to_owned(),
                    json!({ "VpcId": { "Ref": "V" }, "CidrBlock": "10.0.1.0/24" }),
                ),
            ],
            outputs,
        };
        let output = |name: &str, value: Expr| Output {
            name: name.to_owned(),
            value,
            description: None,
            export: Some(format!("net:{name}")),
        };
        let outputs = || {
            vec![
                output("SubnetA", Expr::reference("A")),
                output("SubnetB", Expr::reference("B")),
                output("Text", Expr::lit("subnet-0123456789abcdef0")),
            ]
        };
        let acls = |subnets: [Value; 2], acl: Value, parameters: Vec<Parameter>| Template {
            description: String::new(),
            parameters,
            resources: vec![
                Resource::raw(
                    "Acl".to_owned(),
                    ACL.to_owned(),
                    json!({ "VpcId": "vpc-0123456789abcdef0" }),
                ),
                Resource::raw(
                    "MoveA".to_owned(),
                    ASSOCIATION.to_owned(),
                    json!({ "SubnetId": subnets[0], "NetworkAclId": acl }),
                ),
                Resource::raw(
                    "MoveB".to_owned(),
                    ASSOCIATION.to_owned(),
                    json!({ "SubnetId": subnets[1], "NetworkAclId": acl }),
                ),
            ],
            outputs: Vec::new(),
        };
        let on_vpc = |net: &Template, other: &Template| {
            let stacks = [("net", net), ("acls", other)];
            let index = super::super::Index::new(&stacks);
            e16(&Cx::in_first(&stacks, &net.resources()[0], &index))
        };
        let net = network(outputs());
        let imported = acls(
            [
                json!({ "Fn::ImportValue": "net:SubnetA" }),
                json!({ "Fn::ImportValue": "net:SubnetB" }),
            ],
            json!({ "Ref": "Acl" }),
            Vec::new(),
        );
        match on_vpc(&net, &imported) {
            Outcome::Pass(proofs) => assert!(
                proofs.iter().all(|p| p.logical_id.starts_with("acls/")),
                "{proofs:?}"
            ),
            other => panic!("{other:?}"),
        }
        let carried = acls(
            [json!({ "Ref": "SubnetA" }), json!({ "Ref": "SubnetB" })],
            json!({ "Ref": "Acl" }),
            ["SubnetA", "SubnetB"]
                .iter()
                .map(|name| Parameter {
                    name: (*name).to_owned(),
                    stack: "net".to_owned(),
                    region: None,
                })
                .collect(),
        );
        assert!(matches!(on_vpc(&net, &carried), Outcome::Pass(_)));
        // One association imports an export that is no subnet's: `B` stays on the default.
        let other = acls(
            [
                json!({ "Fn::ImportValue": "net:SubnetA" }),
                json!({ "Fn::ImportValue": "net:Text" }),
            ],
            json!({ "Ref": "Acl" }),
            Vec::new(),
        );
        match on_vpc(&net, &other) {
            Outcome::Gap(why) => assert!(why.contains("`B`") && !why.contains("`A`"), "{why}"),
            other => panic!("{other:?}"),
        }
        // An association that names no ACL moves nothing.
        let none = acls(
            [
                json!({ "Fn::ImportValue": "net:SubnetA" }),
                json!({ "Fn::ImportValue": "net:SubnetB" }),
            ],
            json!({ "Ref": "AWS::NoValue" }),
            Vec::new(),
        );
        assert!(matches!(on_vpc(&net, &none), Outcome::Gap(_)));
        // Without the exports, the imports name nothing of the subnets' stack.
        assert!(matches!(
            on_vpc(&network(Vec::new()), &imported),
            Outcome::Gap(_)
        ));
    }

    #[test]
    fn an_entry_that_says_nothing_the_rule_reads_is_not_judged() {
        assert_eq!(
            outcome_of(
                e16,
                ENTRY,
                json!({ "NetworkAclId": "acl-0123456789abcdef0" })
            ),
            Outcome::NotApplicable
        );
        // A protocol given as text that names no protocol is refused by EC2: no port to read.
        assert_eq!(
            opens(
                &json!({ "Protocol": "gre", "CidrBlock": "0.0.0.0/0" }),
                &|_| false
            ),
            None
        );
        // A range written backwards is read as the ports between its ends.
        let range = |from: i64, to: i64| {
            opens(
                &json!({ "Protocol": 6, "CidrBlock": "0.0.0.0/0", "PortRange": { "From": from, "To": to } }),
                &|_| false,
            )
        };
        assert_eq!(
            range(3400, 3000).as_deref(),
            Some("lets in port 3389 from the internet (`CidrBlock` 0.0.0.0/0)")
        );
        assert_eq!(range(8443, 8400), None);
        assert_eq!(
            opens(
                &json!({ "Protocol": "ALL", "CidrBlock": "0.0.0.0/0" }),
                &|_| false
            )
            .as_deref(),
            Some(
                "lets in every protocol and port (`Protocol` -1) from the internet (`CidrBlock` 0.0.0.0/0)"
            )
        );
    }
}
