//! VPC Lattice service networks and services write access logs (`F3`, hostile review 21):
//! before it, no rule read `AWS::VpcLattice::ServiceNetwork`, `AWS::VpcLattice::Service` or
//! `AWS::VpcLattice::AccessLogSubscription` (only `U1`, "a type no rule reads").
//!
//! A service network or a service is a front door as a load balancer is: VPC Lattice
//! "routes" the requests of its clients to the targets of its services (VPC Lattice user
//! guide, "What is Amazon VPC Lattice?"). It logs them only through an access log
//! subscription, a resource of its own (CloudFormation reference,
//! `AWS::VpcLattice::AccessLogSubscription`: "Enables access logs to be sent to Amazon
//! CloudWatch, Amazon S3, and Amazon Kinesis Data Firehose"; `ResourceIdentifier`, "The ID
//! or ARN of the service network or service"; `DestinationArn`, "The Amazon Resource Name
//! (ARN) of the destination"). Without one, who reached PHI through it is recorded nowhere
//! (§164.312(b)), as a load balancer without `access_logs.s3.enabled` records nothing.

use serde_json::Value;

use super::meaning::{no_value, text, text_or_json};
use super::{Cx, Outcome, Proof};

/// A VPC Lattice service network.
pub(super) const SERVICE_NETWORK: &str = "AWS::VpcLattice::ServiceNetwork";
/// A VPC Lattice service.
pub(super) const SERVICE: &str = "AWS::VpcLattice::Service";
/// A VPC Lattice listener: F1 reads its protocol, F6 where it forwards.
pub(super) const LISTENER: &str = "AWS::VpcLattice::Listener";
/// A rule of a VPC Lattice listener, read by F6 where it forwards.
pub(super) const RULE: &str = "AWS::VpcLattice::Rule";
/// A VPC Lattice target group, whose protocol F6 reads where it is declared.
const TARGET_GROUP: &str = "AWS::VpcLattice::TargetGroup";
/// What logs the requests of a service network or a service.
const SUBSCRIPTION: &str = "AWS::VpcLattice::AccessLogSubscription";
/// A VPC Lattice resource configuration: a resource (a database, a host, an address) that
/// clients reach through a service network or a resource endpoint (hostile review 23).
pub(super) const RESOURCE_CONFIGURATION: &str = "AWS::VpcLattice::ResourceConfiguration";
/// What makes a resource configuration reachable through a service network
/// (`ResourceConfigurationId`, `ServiceNetworkId`).
pub(super) const RESOURCE_ASSOCIATION: &str = "AWS::VpcLattice::ServiceNetworkResourceAssociation";

/// The kind of log a subscription of a service network writes (`ServiceNetworkLogType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LogType {
    /// The requests to the network's services (`SERVICE`, or left out).
    Service,
    /// The connections to the network's resource configurations (`RESOURCE`).
    Resource,
}

impl LogType {
    fn name(self) -> &'static str {
        match self {
            LogType::Service => "SERVICE",
            LogType::Resource => "RESOURCE",
        }
    }

    fn logs(self) -> &'static str {
        match self {
            LogType::Service => "the requests to the network's services",
            LogType::Resource => "the connections to the network's resource configurations",
        }
    }
}

/// F3 of a service network or a service: an access log subscription of the app names it in
/// `ResourceIdentifier` (its `Ref`, which is its ARN, or its `Fn::GetAtt` `Arn` or `Id`,
/// however written: [`identifies`], in its own template; the import of an export of one of
/// these, in another stack), and logs to a destination of the app. A subscription of
/// a service network must log its services' requests: `ServiceNetworkLogType` left out or
/// `SERVICE` ("Log type of the service network", SERVICE or RESOURCE; a RESOURCE log
/// records the access to resource configurations, not the requests to services); a type
/// known only at deploy may be RESOURCE. The destination is read as F4 reads a web ACL's:
/// a log group, bucket or Firehose stream of the app passes, one written as text that no
/// template declares is a gap (nothing shows its key or how long it keeps the records), a
/// value no rule can read before deploy fails (it may be any destination). Of several
/// subscriptions, one that passes is enough; else the best found is reported.
///
/// Hostile review 23: a service network that a `ServiceNetworkResourceAssociation` of the
/// app joins to a resource configuration needs, besides, a subscription of type RESOURCE,
/// which alone records the connections to those resources; a resource configuration is
/// judged by [`configuration_logged`]; an import whose name is built by `Fn::Sub` or
/// `Fn::Join` is read when it resolves exactly ([`import_name`]).
pub(super) fn access_logged(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == RESOURCE_CONFIGURATION {
        return configuration_logged(cx);
    }
    let network = cx.resource.type_name() == SERVICE_NETWORK;
    let service = logged_as(cx, LogType::Service);
    // Hostile review 23: a service network through which resource configurations are
    // reached logs those connections only in a subscription of type RESOURCE.
    let associated = if network {
        resource_associations(cx)
    } else {
        Vec::new()
    };
    let Some(first) = associated.first() else {
        return service;
    };
    let resource = match logged_as(cx, LogType::Resource) {
        Outcome::Fail(why) => Outcome::Fail(format!(
            "resource configurations are reached through the service network `{}` (`{first}`), and {why}",
            cx.id()
        )),
        other => other,
    };
    match (service, resource) {
        (fail @ Outcome::Fail(_), _) | (_, fail @ Outcome::Fail(_)) => fail,
        (gap @ Outcome::Gap(_), _) | (_, gap @ Outcome::Gap(_)) => gap,
        (Outcome::Pass(mut a), Outcome::Pass(b)) => {
            a.extend(b);
            Outcome::Pass(a)
        }
        (other, _) => other,
    }
}

/// The exports of this template that identify the service network, service or resource
/// configuration being judged (hostile review 22: an export of its `Name`, or of text joined
/// onto its ARN, names none).
fn own_exports<'a>(cx: &Cx<'a>) -> super::Exports<'a> {
    super::Exports::such(cx, cx.at, cx.id(), |value| identifies(value, cx.id()))
}

/// Whether `value`, written in the stack `home` (`None`: this one), names the resource being
/// judged: its identifier in its own template ([`identifies`]), or the import of an export of
/// it in another ([`import_name`]) of its region and account, where CloudFormation
/// resolves the import ([`super::Exports::named_from`]); or why an import cannot be read
/// exactly.
fn names_judged(
    cx: &Cx<'_>,
    home: Option<&str>,
    value: &Value,
    exports: &super::Exports<'_>,
) -> Result<bool, String> {
    match home {
        None => Ok(identifies(value, cx.id())),
        Some(stack) => match value.get("Fn::ImportValue") {
            None => Ok(false),
            Some(name) => import_name(cx, stack, name).map(|n| {
                cx.position(home)
                    .is_some_and(|at| exports.named_from(cx, at, &n))
            }),
        },
    }
}

/// The export name an `Fn::ImportValue` of the stack `stack` imports, read exactly (hostile
/// review 23): text, or an `Fn::Sub` or `Fn::Join` of text and `AWS::StackName`, which is the
/// importing stack's own name (the name hipaa-stack deploys it under). A name built on
/// anything else (a region or account known only at deploy, a parameter, a resource's
/// attribute) is not read, and says why.
fn import_name(cx: &Cx<'_>, stack: &str, name: &Value) -> Result<String, String> {
    let read = text(name).map(|t| t.replace("${AWS::StackName}", stack));
    match read {
        Some(t) if !t.contains("${") && !super::identity::dynamic(&t) => Ok(t),
        _ => Err(format!(
            "imports the export named {} in stack `{stack}`, a name no rule can read exactly before deploy (only text and `AWS::StackName` are read), so which export it imports is not shown, and `{}` is not shown to be logged through it; import the export by its name written as text",
            text_or_json(name),
            cx.id()
        )),
    }
}

/// F3 for one kind of log: a subscription of the app names the network or service, writes
/// that kind of log (a service's subscription writes its requests), and logs to a
/// destination of the app.
fn logged_as(cx: &Cx<'_>, kind: LogType) -> Outcome {
    let network = cx.resource.type_name() == SERVICE_NETWORK;
    let exports = own_exports(cx);
    let mut found: Vec<Outcome> = Vec::new();
    let mut other_type: Vec<Outcome> = Vec::new();
    for (home, subscription) in cx.everywhere(SUBSCRIPTION) {
        let p = subscription.properties();
        let name = home.map_or_else(
            || subscription.logical_id().to_owned(),
            |stack| format!("{stack}/{}", subscription.logical_id()),
        );
        match names_judged(cx, home, &p["ResourceIdentifier"], &exports) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(why) => {
                found.push(Outcome::Fail(format!(
                    "the access log subscription `{name}` {why}"
                )));
                continue;
            }
        }
        if network && let Some(why) = not_log_of(&p["ServiceNetworkLogType"], kind) {
            let fail = Outcome::Fail(format!(
                "the access log subscription `{name}` has `ServiceNetworkLogType` {why}"
            ));
            // A subscription that writes the other kind of log exactly is reported only
            // where nothing else is.
            if of_type(&p["ServiceNetworkLogType"]).is_some() {
                other_type.push(fail);
            } else {
                found.push(fail);
            }
            continue;
        }
        let proof = Proof {
            logical_id: name.clone(),
            path: "/Properties/DestinationArn".to_owned(),
        };
        found.push(match destination(cx, home, subscription, &name) {
            None => Outcome::Pass(vec![proof]),
            Some(outcome) => outcome,
        });
    }
    if let Some(pass) = found.iter().find(|o| matches!(o, Outcome::Pass(_))) {
        return pass.clone();
    }
    if !network && let Some(pass) = through_networks(cx) {
        return pass;
    }
    if let Some(gap) = found.iter().find(|o| matches!(o, Outcome::Gap(_))) {
        return gap.clone();
    }
    let what = if network {
        "service network"
    } else {
        "service"
    };
    // A subscription that names it but writes the other kind of log is reported after one
    // that fails for its own reasons (and, asking for RESOURCE logs, not at all: the one
    // that logs the services' requests is no fault).
    let first = found.into_iter().next().or_else(|| match kind {
        LogType::Service => other_type.into_iter().next(),
        LogType::Resource => None,
    });
    let how = match kind {
        LogType::Service => "",
        LogType::Resource => " whose `ServiceNetworkLogType` is RESOURCE",
    };
    match first {
        Some(fail) => fail,
        None => Outcome::Fail(format!(
            "no `AWS::VpcLattice::AccessLogSubscription` of the app{how} names the {what} `{}` in `ResourceIdentifier` (its `Ref`, or `Fn::GetAtt` of its `Arn` or `Id`; in another stack, the import of its export): {} are logged nowhere; add one that logs to a log group, bucket or Firehose stream of the app",
            cx.id(),
            if network {
                kind.logs()
            } else {
                "the requests it routes"
            }
        )),
    }
}

/// The service network resource associations of the app that name the service network
/// being judged (`ServiceNetworkId`, by [`names_judged`]), each as its logical id
/// (`stack/Id` in another stack).
fn resource_associations(cx: &Cx<'_>) -> Vec<String> {
    let exports = own_exports(cx);
    cx.everywhere(RESOURCE_ASSOCIATION)
        .filter(|(home, a)| {
            // One whose import no rule can read exactly fails on the resource configuration
            // it joins ([`configuration_logged`]), not on every network of the app.
            let named = &a.properties()["ServiceNetworkId"];
            names_judged(cx, *home, named, &exports).unwrap_or(false)
        })
        .map(|(home, a)| {
            home.map_or_else(
                || a.logical_id().to_owned(),
                |stack| format!("{stack}/{}", a.logical_id()),
            )
        })
        .collect()
}

/// F3 of a VPC Lattice resource configuration (hostile review 23): the connections to it
/// are logged by the service networks it is reached through, each of which must log
/// RESOURCE (which the network's own F3 asks where it has resource associations). Every
/// association of the app that names it (`ResourceConfigurationId`) must be to a service
/// network of the app (its `Ref`, `Arn` or `Id`, or the import of its export); one to a
/// network named as text, or no rule can read, may be another account's, whose logs the app
/// never sees. A configuration no network of the app associates is reached only through a
/// resource endpoint (`AWS::EC2::VPCEndpoint` of type Resource) or a network of no template
/// of the app, neither of which writes logs the app reads: a gap, not a failure.
///
/// A child configuration (`ResourceConfigurationGroupId`, "The ID of the parent resource
/// configuration (type is GROUP)") is reached through the associations of its group: it is
/// judged as that group of the template is, and one of a group no rule reads is a gap.
fn configuration_logged(cx: &Cx<'_>) -> Outcome {
    if let Some(parent) = cx
        .prop("/ResourceConfigurationGroupId")
        .filter(|v| !v.is_null())
    {
        let group = cx
            .others(RESOURCE_CONFIGURATION)
            .find(|g| g.logical_id() != cx.id() && super::meaning::names(parent, g.logical_id()));
        return match group {
            Some(group) => match configuration_logged(&cx.on(group)) {
                Outcome::Fail(why) => Outcome::Fail(format!(
                    "the resource configuration `{}` is a child of `{}`, through whose associations it is reached: {why}",
                    cx.id(),
                    group.logical_id()
                )),
                other => other,
            },
            None => Outcome::Gap(format!(
                "the resource configuration `{}` is a child of the group {}, which is no resource configuration of this template: the service networks it is reached through, and their logs, are read by no rule; declare the group in this template",
                cx.id(),
                text_or_json(parent)
            )),
        };
    }
    let exports = own_exports(cx);
    let mut proofs = Vec::new();
    let mut problems = Vec::new();
    for (home, association) in cx.everywhere(RESOURCE_ASSOCIATION) {
        let p = association.properties();
        let name = home.map_or_else(
            || association.logical_id().to_owned(),
            |stack| format!("{stack}/{}", association.logical_id()),
        );
        match names_judged(cx, home, &p["ResourceConfigurationId"], &exports) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(why) => {
                problems.push(format!("the resource association `{name}` {why}"));
                continue;
            }
        }
        let network = &p["ServiceNetworkId"];
        let here = home.map_or(Some(cx.template), |stack| {
            cx.stacks.iter().find(|(n, _)| *n == stack).map(|(_, t)| *t)
        });
        let in_its_template = here.is_some_and(|t| {
            t.resources().iter().any(|r| {
                r.type_name() == SERVICE_NETWORK && super::meaning::names(network, r.logical_id())
            })
        });
        // An import is read as F3 reads a subscription's ([`import_name`]): by a name it
        // resolves exactly, exported by a stack of the app as a network's identifier.
        let imported = match network.get("Fn::ImportValue") {
            Some(import) if !in_its_template => {
                match import_name(cx, home.unwrap_or(cx.stack), import) {
                    Ok(export) => cx
                        .position(home)
                        .into_iter()
                        .flat_map(|at| cx.importable(at, SERVICE_NETWORK))
                        .any(|(stack, n)| {
                            super::arn::exports_of(cx.template_of(stack), n.logical_id())
                                .iter()
                                .any(|(e, value)| *e == export && identifies(value, n.logical_id()))
                        }),
                    Err(why) => {
                        problems.push(format!("the resource association `{name}` {why}"));
                        continue;
                    }
                }
            }
            _ => false,
        };
        if in_its_template || imported {
            proofs.push(Proof {
                logical_id: name,
                path: "/Properties/ServiceNetworkId".to_owned(),
            });
        } else {
            problems.push(format!(
                "the resource association `{name}` makes it reachable through the service network {}, which is no service network of the app: the connections through it are logged, if at all, where no rule reads; associate it only with service networks of the app, whose RESOURCE access logs F3 asks for",
                text_or_json(network)
            ));
        }
    }
    if !problems.is_empty() {
        return Outcome::Fail(format!(
            "the resource configuration `{}`: {}",
            cx.id(),
            problems.join("; ")
        ));
    }
    if proofs.is_empty() {
        return Outcome::Gap(format!(
            "no service network of the app associates the resource configuration `{}` (`AWS::VpcLattice::ServiceNetworkResourceAssociation`): it is reached through a resource endpoint or a service network of no template of the app, and no access log the app reads records who connects to it; associate it with a service network of the app that logs RESOURCE",
            cx.id()
        ));
    }
    Outcome::Pass(proofs)
}

/// Whether `value` is wholly the identifier of the service network or service `id` that
/// `ResourceIdentifier` takes, "The ID or ARN of the service network or service": its `Ref`
/// (its ARN) or its `Arn` or `Id` attribute ([`super::meaning::names`]), and no other
/// attribute of it (its `Name`, `CreatedAt`, …), however written (`Fn::GetAtt` as a list or
/// as text, `${id.Attribute}` in an `Fn::Sub`).
fn identifies(value: &Value, id: &str) -> bool {
    fn attributes<'v>(value: &'v Value, id: &str, found: &mut Vec<&'v str>) {
        match value {
            Value::Object(map) => {
                match map.get("Fn::GetAtt") {
                    Some(Value::Array(a)) if a.first().and_then(Value::as_str) == Some(id) => {
                        found.push(a.get(1).and_then(Value::as_str).unwrap_or(""));
                    }
                    Some(Value::String(s)) => {
                        if let Some((r, attribute)) = s.split_once('.')
                            && r == id
                        {
                            found.push(attribute);
                        }
                    }
                    _ => {}
                }
                map.values().for_each(|v| attributes(v, id, found));
            }
            Value::Array(items) => items.iter().for_each(|v| attributes(v, id, found)),
            Value::String(s) => {
                let prefix = format!("${{{id}.");
                for (at, _) in s.match_indices(&prefix) {
                    let rest = &s[at + prefix.len()..];
                    found.push(rest.split('}').next().unwrap_or(""));
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    attributes(value, id, &mut found);
    super::meaning::names(value, id) && found.iter().all(|a| matches!(a.trim(), "Arn" | "Id"))
}

/// A service without a subscription of its own whose requests are still logged: the app
/// associates it with service networks (`AWS::VpcLattice::ServiceNetworkServiceAssociation`,
/// `ServiceIdentifier` naming it as [`names_judged`] reads: in its own template, or by the
/// import of its export in another stack), each a service network of the app whose own
/// subscription logs its services' requests ([`access_logged`] passes on it): a service
/// network's access logs record the requests to the services of the network. The network
/// is read where it is declared: of the association's template, or the one whose export
/// the association's `ServiceNetworkIdentifier` imports ([`Cx::named_in_app`]). Asking the
/// service for a subscription of its own too would refuse a compliant design. Every
/// association of the app that names the service must be to such a network; one to a
/// network named as text, or not logged, leaves the requests through it unlogged, and so
/// does an association of another stack whose import no rule reads exactly (it may name
/// the service). An association of another stack was read nowhere, and a service joined
/// there to a network of no template passed on the logged network of its own.
fn through_networks(cx: &Cx<'_>) -> Option<Outcome> {
    const ASSOCIATION: &str = "AWS::VpcLattice::ServiceNetworkServiceAssociation";
    let exports = own_exports(cx);
    let mut proofs = Vec::new();
    for (home, association) in cx.everywhere(ASSOCIATION) {
        let p = association.properties();
        if !names_judged(cx, home, &p["ServiceIdentifier"], &exports).ok()? {
            continue;
        }
        let (stack, network) =
            cx.named_in_app(home, &p["ServiceNetworkIdentifier"], SERVICE_NETWORK)?;
        match logged_as(&cx.in_stack_or_here(stack, network), LogType::Service) {
            Outcome::Pass(found) => {
                proofs.push(Proof {
                    logical_id: home.map_or_else(
                        || association.logical_id().to_owned(),
                        |stack| format!("{stack}/{}", association.logical_id()),
                    ),
                    path: "/Properties/ServiceNetworkIdentifier".to_owned(),
                });
                proofs.extend(found);
            }
            _ => return None,
        }
    }
    (!proofs.is_empty()).then_some(Outcome::Pass(proofs))
}

/// F6 of a VPC Lattice listener (`DefaultAction`) or rule (`Action`), hostile review 21:
/// each target group it forwards to (`Forward.TargetGroups[].TargetGroupIdentifier`, "The ID
/// of the target group", CloudFormation reference, `AWS::VpcLattice::Listener
/// WeightedTargetGroup`) must be a VPC Lattice target group of the app, whose
/// `Config.Protocol` F6 reads where it is declared: of this template (its `Ref`, its
/// `Fn::GetAtt` `Arn` or `Id`, or a value that is wholly one, [`super::meaning::names`]; each
/// branch of an `Fn::If`) or the import of an export of one by a stack of the app. A group
/// named as text, by a parameter or by anything else is one whose protocol no rule reads,
/// and may be HTTP: it fails, as an ELB listener's forward to a group of no stack of the app
/// does. A list or an entry written whole as an intrinsic may name any group and fails. A
/// fixed response reaches no target. A rule attached (`ListenerIdentifier`) to a listener
/// of no stack of the app forwards what a listener no rule reads takes: a gap, unless the
/// forward already fails.
pub(super) fn forwards_to_read_groups(cx: &Cx<'_>) -> Outcome {
    let rule = cx.resource.type_name() == RULE;
    let action = if rule { "/Action" } else { "/DefaultAction" };
    let groups_at = format!("{action}/Forward/TargetGroups");
    let checks: Vec<Result<Proof, String>> = match cx.prop(&groups_at) {
        None => return Outcome::NotApplicable,
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter(|(_, g)| !no_value(g))
            .map(|(i, g)| {
                let pointer = format!("{groups_at}/{i}/TargetGroupIdentifier");
                if super::identity::intrinsic(g) {
                    return Err(format!(
                        "`{}.{i}` is {}, which no rule can read before deploy: the target group it forwards to may be HTTP; write each target group",
                        super::pointer_name(&groups_at),
                        text_or_json(g)
                    ));
                }
                match cx.prop(&pointer) {
                    Some(v) if group_of_the_app(cx, v) => cx
                        .proof(&pointer)
                        .ok_or_else(|| "the property disappeared while it was read".to_owned()),
                    Some(v) => Err(format!(
                        "`{}` is {}, which names no `AWS::VpcLattice::TargetGroup` of the app: the protocol to its targets is read nowhere and may be plain HTTP; forward to a target group of the app (`Ref`, `Fn::GetAtt`, or an import of a stack that exports one)",
                        super::pointer_name(&pointer),
                        text_or_json(v)
                    )),
                    None => Err(format!(
                        "`{}` is not set",
                        super::pointer_name(&pointer)
                    )),
                }
            })
            .collect(),
        Some(other) => vec![Err(format!(
            "`{}` is {}, which no rule can read as a list before deploy: the target groups it forwards to may be HTTP; write the list itself",
            super::pointer_name(&groups_at),
            text_or_json(other)
        ))],
    };
    if checks.is_empty() {
        return Outcome::NotApplicable;
    }
    let forwards = super::all(checks);
    if !rule || matches!(forwards, Outcome::Fail(_)) {
        return forwards;
    }
    let listener = &cx.resource.properties()["ListenerIdentifier"];
    let read = cx
        .others(LISTENER)
        .any(|l| super::meaning::names(listener, l.logical_id()))
        || super::frontdoor::exported_by_the_app(cx, listener, LISTENER);
    if read {
        forwards
    } else {
        Outcome::Gap(format!(
            "`ListenerIdentifier` is {}, which names no `AWS::VpcLattice::Listener` of the app: whether the listener this rule forwards from serves HTTPS (F1) is read by no rule; attach the rule to a listener of the app",
            text_or_json(listener)
        ))
    }
}

/// Whether `value` names a VPC Lattice target group of the app (see
/// [`forwards_to_read_groups`]).
fn group_of_the_app(cx: &Cx<'_>, value: &Value) -> bool {
    if let Some(branches) = super::meaning::if_branches(value) {
        return branches.iter().all(|b| group_of_the_app(cx, b));
    }
    cx.others(TARGET_GROUP)
        .any(|g| super::meaning::names(value, g.logical_id()))
        || super::frontdoor::exported_by_the_app(cx, value, TARGET_GROUP)
}

/// The log type a subscription of a service network writes, where it is read exactly:
/// `SERVICE` (or left out) or `RESOURCE`, in any case.
fn of_type(written: &Value) -> Option<LogType> {
    if written.is_null() || no_value(written) {
        return Some(LogType::Service);
    }
    let t = text(written)?;
    let t = t.trim();
    if t.eq_ignore_ascii_case("SERVICE") {
        Some(LogType::Service)
    } else if t.eq_ignore_ascii_case("RESOURCE") {
        Some(LogType::Resource)
    } else {
        None
    }
}

/// Why a service network's subscription of log type `kind` (`ServiceNetworkLogType`, read in
/// any case; left out is SERVICE) does not write the log `kind` asks for, if it does not:
/// the other type, any other text, or a value known only at deploy.
fn not_log_of(written: &Value, kind: LogType) -> Option<String> {
    let other = match kind {
        LogType::Service => LogType::Resource,
        LogType::Resource => LogType::Service,
    };
    let wanted = kind.name();
    let fix = match kind {
        LogType::Service => "leave it out or write SERVICE",
        LogType::Resource => "add a subscription whose type is RESOURCE",
    };
    if written.is_null() || no_value(written) {
        return (kind == LogType::Resource).then(|| {
            format!(
                "left out, which is SERVICE: it does not log {}; {fix}",
                kind.logs()
            )
        });
    }
    match text(written) {
        Some(t) if super::identity::dynamic(&t) => Some(format!(
            "{}, read at deploy: it may be {}, which does not log {}; {fix}",
            t.trim(),
            other.name(),
            kind.logs()
        )),
        Some(t) if t.trim().eq_ignore_ascii_case(wanted) => None,
        Some(t) => Some(format!(
            "{}: it does not log {} ({} logs {}); {fix}",
            t.trim(),
            kind.logs(),
            other.name(),
            other.logs()
        )),
        None => Some(format!(
            "{}, known only at deploy: it may be {}, which does not log {}; {fix}",
            text_or_json(written),
            other.name(),
            kind.logs()
        )),
    }
}

/// Where a subscription's logs go (`DestinationArn`), when it is not shown to be a
/// destination of the app: a gap or a failure (see [`access_logged`]). Each branch of an
/// `Fn::If` may be deployed: each is read, a failure before a gap.
fn destination(
    cx: &Cx<'_>,
    home: Option<&str>,
    subscription: &crate::cfn::Resource,
    name: &str,
) -> Option<Outcome> {
    let here = match home {
        None => Cx {
            resource: subscription,
            ..*cx
        },
        Some(stack) => {
            let at = cx.stacks.iter().position(|(n, _)| *n == stack)?;
            Cx {
                template: cx.stacks[at].1,
                resource: subscription,
                stack: cx.stacks[at].0,
                at,
                ..*cx
            }
        }
    };
    let property = format!("`{name}.DestinationArn`");
    match subscription.properties().get("DestinationArn") {
        None | Some(Value::Null) => Some(Outcome::Fail(format!(
            "{property} is not set: the subscription logs nowhere"
        ))),
        Some(d) => one_destination(&here, d, &property),
    }
}

/// One destination, as [`destination`] reads it.
fn one_destination(here: &Cx<'_>, d: &Value, property: &str) -> Option<Outcome> {
    super::services::log_sink_outside_the_app(
        here,
        d,
        property,
        &super::services::LogSink {
            writer: "the access log subscription",
            anywhere: "the access logs may go anywhere",
            goes_to: "the access logs go to",
            records: "they are",
            fix: "log to a log group, bucket or Firehose stream of the app (the `Fn::GetAtt` of its `Arn`, or the import of its export)",
        },
    )
}

/// hostile review 21: the escape-hatch holes review 20 left (`N2` mail, `SM1` YAML, `E1`
/// override images, VPC Lattice logs), judged through the catalogue's checks.
#[cfg(test)]
mod review21_tests {
    use serde_json::{Value, json};

    use super::super::{Cx, Outcome};

    fn check(id: &str) -> fn(&Cx<'_>) -> Outcome {
        super::super::rules()
            .find(|r| r.id == id)
            .map(|r| r.check)
            .expect("the rule is in the catalogue")
    }

    fn fails(outcome: &Outcome, says: &str) {
        match outcome {
            Outcome::Fail(why) => assert!(why.contains(says), "fails without {says:?}: {why}"),
            other => panic!("does not fail ({says}): {other:?}"),
        }
    }

    fn topic_policy() -> Value {
        json!({"Topics": [{"Ref": "X"}], "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sns:Publish", "Resource": {"Ref": "X"}, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}})
    }

    #[test]
    fn a_topic_that_mails_its_messages_fails_n2_in_every_spelling() {
        let n2 = check("N2");
        for protocol in ["email", "email-json", "EMAIL", " Email-Json "] {
            let inline = Cx::check_first(
                n2,
                &[
                    (
                        "X",
                        "AWS::SNS::Topic",
                        json!({"Subscription": [{"Protocol": protocol, "Endpoint": "a@example.com"}]}),
                    ),
                    ("P", "AWS::SNS::TopicPolicy", topic_policy()),
                ],
            );
            fails(&inline, "Subscription.0.Protocol");
            let separate = Cx::check_first(
                n2,
                &[
                    ("X", "AWS::SNS::Topic", json!({})),
                    ("P", "AWS::SNS::TopicPolicy", topic_policy()),
                    (
                        "S",
                        "AWS::SNS::Subscription",
                        json!({"TopicArn": {"Ref": "X"}, "Protocol": protocol, "Endpoint": "a@example.com"}),
                    ),
                ],
            );
            fails(&separate, "SMTP");
        }
        // https, a queue: no mail, the policy decides.
        let passing = Cx::check_first(
            n2,
            &[
                (
                    "X",
                    "AWS::SNS::Topic",
                    json!({"Subscription": [{"Protocol": "https", "Endpoint": "https://h.example.com"}, {"Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:111122223333:q"}]}),
                ),
                ("P", "AWS::SNS::TopicPolicy", topic_policy()),
            ],
        );
        assert!(matches!(passing, Outcome::Pass(_)), "{passing:?}");
    }

    /// The typed `AlarmTopic`'s e-mail to its on-call rota is `A5`'s exception, and N2's: it
    /// passes by the construct kind, reported as the topic's waived gap with its reason,
    /// never as enforcement (probe 18b F4).
    #[test]
    fn an_alarm_topic_mailing_its_rota_still_passes_n2() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let app = App::new("a");
        let s = app.stack("s").unwrap();
        let key = s.add(KmsKey::new("PhiKey")).unwrap();
        s.add(
            crate::AlarmTopic::new("Alarms")
                .encryption(&key)
                .email("oncall@clinic.example"),
        )
        .unwrap();
        let assembly = app.check().unwrap();
        let n2: Vec<_> = assembly
            .evaluation()
            .results
            .iter()
            .filter(|c| c.rule == "N2")
            .collect();
        assert!(!n2.is_empty());
        assert!(
            n2.iter().all(|c| matches!(
                &c.status,
                Status::Waived { gap: true, reason, .. } if reason.contains("SMTP")
            )),
            "{n2:?}"
        );
    }

    /// SM1 of a session document beside the log group `logs` and the bucket `b` it names:
    /// a destination of no template is a gap of its own (`session_log_destination`).
    fn session(format: &str, content: &str) -> Outcome {
        Cx::check_first(
            check("SM1"),
            &[
                (
                    "X",
                    "AWS::SSM::Document",
                    json!({"DocumentType": "Session", "DocumentFormat": format, "Content": content}),
                ),
                (
                    "Logs",
                    "AWS::Logs::LogGroup",
                    json!({"LogGroupName": "logs"}),
                ),
                ("B", "AWS::S3::Bucket", json!({"BucketName": "b"})),
            ],
        )
    }

    #[test]
    fn a_yaml_session_document_is_a_gap_unless_its_text_surely_lacks_a_setting() {
        let compliant = "schemaVersion: '1.0'\nsessionType: Standard_Stream\ninputs:\n  kmsKeyId: alias/k\n  cloudWatchLogGroupName: logs\n  cloudWatchEncryptionEnabled: true\n";
        for format in ["YAML", "yaml", " Yaml "] {
            assert!(
                matches!(session(format, compliant), Outcome::Gap(ref g) if g.contains("YAML")),
                "{format}"
            );
        }
        // An escape or a tag may spell a key no text shows: a gap, not a guess.
        for hidden in [
            "inputs:\n  ${AWS::StackName}: k\n  s3BucketName: b\n",
            "inputs:\n  \"\\x6bmsKeyId\": k\n  s3BucketName: b\n",
            "inputs:\n  ? !!binary a21zS2V5SWQ=\n  : k\n  s3BucketName: b\n",
        ] {
            assert!(
                matches!(session("YAML", hidden), Outcome::Gap(_)),
                "{hidden}"
            );
        }
        fails(
            &session(
                "YAML",
                "inputs:\n  cloudWatchLogGroupName: logs\n  cloudWatchEncryptionEnabled: true\n",
            ),
            "kmsKeyId",
        );
        fails(
            &session("YAML", "inputs:\n  KMSKEYID: alias/k\n"),
            "not logged",
        );
        // JSON text is read as JSON whatever the format says.
        let json = r#"{"sessionType": "Standard_Stream", "inputs": {"kmsKeyId": "alias/k", "s3BucketName": "b", "s3EncryptionEnabled": true}}"#;
        assert!(matches!(session("YAML", json), Outcome::Pass(_)));
        // YAML text under another format stays unreadable, and fails.
        fails(&session("JSON", compliant), "write it as JSON");
    }

    fn template(image: Option<&str>) -> Value {
        let mut data = json!({"BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": true, "KmsKeyId": {"Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}}]});
        if let Some(image) = image {
            data["ImageId"] = json!(image);
        }
        json!({ "LaunchTemplateData": data })
    }

    const S3_IMAGE: &str =
        "resolve:ssm:/aws/service/ami-amazon-linux-latest/amzn-ami-hvm-x86_64-s3";
    const AL2023: &str =
        "{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}}";
    const WINDOWS: &str =
        "resolve:ssm:/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base";

    fn group(image: &str) -> Outcome {
        let version = json!({"Fn::GetAtt": ["T", "LatestVersionNumber"]});
        Cx::check_first(
            check("E1"),
            &[
                (
                    "G",
                    "AWS::AutoScaling::AutoScalingGroup",
                    json!({"MinSize": "1", "MaxSize": "1", "MixedInstancesPolicy": {"LaunchTemplate": {
                        "LaunchTemplateSpecification": {"LaunchTemplateId": {"Ref": "T"}, "Version": version},
                        "Overrides": [{"InstanceType": "m5.large"}, {"InstanceType": "m6i.large", "ImageId": image}]}}}),
                ),
                ("T", "AWS::EC2::LaunchTemplate", template(None)),
            ],
        )
    }

    fn fleet(image: &str) -> Outcome {
        let version = json!({"Fn::GetAtt": ["T", "LatestVersionNumber"]});
        Cx::check_first(
            check("E1"),
            &[
                (
                    "F",
                    "AWS::EC2::EC2Fleet",
                    json!({"TargetCapacitySpecification": {"TotalTargetCapacity": 1}, "LaunchTemplateConfigs": [{
                        "LaunchTemplateSpecification": {"LaunchTemplateId": {"Ref": "T"}, "Version": version},
                        "Overrides": [{"ImageId": image}]}]}),
                ),
                ("T", "AWS::EC2::LaunchTemplate", template(Some(AL2023))),
            ],
        )
    }

    #[test]
    fn an_override_image_is_judged_as_the_launch_templates_image_is() {
        for image in [
            S3_IMAGE,
            "{{resolve:ssm:/aws/service/ami-amazon-linux-latest/amzn-ami-hvm-x86_64-s3}}",
            "resolve:ssm:arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/amzn-ami-minimal-hvm-x86_64-s3:2",
        ] {
            fails(&group(image), "Overrides.1.ImageId");
            fails(&fleet(image), "instance store");
        }
        assert!(matches!(group(WINDOWS), Outcome::Gap(ref g) if g.contains("/dev/sda1")));
        let windows = fleet(WINDOWS);
        assert!(
            matches!(windows, Outcome::Gap(ref g) if g.contains("/dev/sda1")),
            "{windows:?}"
        );
        assert!(matches!(group(AL2023), Outcome::Pass(_)));
        assert!(matches!(fleet(AL2023), Outcome::Pass(_)));
        // An image known only at deploy may be any: the template maps one root device
        // name, not both (probe 17a #2), so the root is not shown encrypted.
        assert!(matches!(
            group("{{resolve:ssm:/app/image}}"),
            Outcome::Gap(ref g) if g.contains("root device name is not known")
        ));
    }

    fn lattice(kind: &str, subscription: Value) -> Outcome {
        Cx::check_first(
            check("F3"),
            &[
                ("X", kind, json!({"Name": "records"})),
                ("A", "AWS::VpcLattice::AccessLogSubscription", subscription),
                ("L", "AWS::Logs::LogGroup", json!({"RetentionInDays": 365})),
                ("B", "AWS::S3::Bucket", json!({})),
            ],
        )
    }

    #[test]
    fn a_lattice_network_or_service_is_logged_by_a_subscription_of_the_app() {
        let group = json!({"Fn::GetAtt": ["L", "Arn"]});
        for kind in [super::SERVICE, super::SERVICE_NETWORK] {
            for target in [
                json!({"Ref": "X"}),
                json!({"Fn::GetAtt": ["X", "Arn"]}),
                json!({"Fn::GetAtt": ["X", "Id"]}),
                json!({"Fn::Sub": "${X.Arn}"}),
            ] {
                let outcome = lattice(
                    kind,
                    json!({"ResourceIdentifier": target, "DestinationArn": group}),
                );
                assert!(
                    matches!(outcome, Outcome::Pass(_)),
                    "{kind} {target}: {outcome:?}"
                );
            }
            let bucket = lattice(
                kind,
                json!({"ResourceIdentifier": {"Ref": "X"}, "DestinationArn": {"Fn::GetAtt": ["B", "Arn"]}}),
            );
            assert!(matches!(bucket, Outcome::Pass(_)), "{bucket:?}");
            for target in [
                json!({"Ref": "L"}),
                json!({"Fn::Join": ["", [{"Ref": "X"}, "-2"]]}),
                json!("svc-0123456789abcdef0"),
            ] {
                fails(
                    &lattice(
                        kind,
                        json!({"ResourceIdentifier": target, "DestinationArn": group}),
                    ),
                    "no `AWS::VpcLattice::AccessLogSubscription`",
                );
            }
            fails(
                &lattice(
                    kind,
                    json!({"ResourceIdentifier": {"Ref": "X"}, "DestinationArn": {"Ref": "AWS::NoValue"}}),
                ),
                "DestinationArn",
            );
            fails(
                &lattice(
                    kind,
                    json!({"ResourceIdentifier": {"Ref": "X"}, "DestinationArn": "{{resolve:ssm:/d}}"}),
                ),
                "DestinationArn",
            );
            assert!(matches!(
                lattice(
                    kind,
                    json!({"ResourceIdentifier": {"Ref": "X"}, "DestinationArn": "arn:aws:s3:::elsewhere"})
                ),
                Outcome::Gap(_)
            ));
        }
        for kind in ["RESOURCE", "resource", "{{resolve:ssm:/t}}"] {
            fails(
                &lattice(
                    super::SERVICE_NETWORK,
                    json!({"ResourceIdentifier": {"Ref": "X"}, "DestinationArn": group, "ServiceNetworkLogType": kind}),
                ),
                "ServiceNetworkLogType",
            );
        }
        assert!(matches!(
            lattice(
                super::SERVICE_NETWORK,
                json!({"ResourceIdentifier": {"Ref": "X"}, "DestinationArn": group, "ServiceNetworkLogType": "SERVICE"}),
            ),
            Outcome::Pass(_)
        ));
    }

    /// A service without a subscription of its own is logged by the service networks of the
    /// template it is associated with, when each logs its services' requests.
    #[test]
    fn a_lattice_service_may_be_logged_by_its_service_networks() {
        let service = |associations: &[Value], log_type: &str| {
            let mut resources = vec![
                ("X", super::SERVICE, json!({"Name": "records"})),
                ("N", super::SERVICE_NETWORK, json!({"Name": "net"})),
                (
                    "A",
                    "AWS::VpcLattice::AccessLogSubscription",
                    json!({"ResourceIdentifier": {"Ref": "N"}, "DestinationArn": {"Fn::GetAtt": ["L", "Arn"]}, "ServiceNetworkLogType": log_type}),
                ),
                ("L", "AWS::Logs::LogGroup", json!({"RetentionInDays": 365})),
            ];
            let ids = ["S0", "S1", "S2"];
            for (i, network) in associations.iter().enumerate() {
                resources.push((
                    ids[i],
                    "AWS::VpcLattice::ServiceNetworkServiceAssociation",
                    json!({"ServiceIdentifier": {"Fn::GetAtt": ["X", "Arn"]}, "ServiceNetworkIdentifier": network}),
                ));
            }
            Cx::check_first(check("F3"), &resources)
        };
        let logged = service(&[json!({"Ref": "N"})], "SERVICE");
        assert!(
            matches!(logged, Outcome::Pass(ref p) if p.len() == 2),
            "{logged:?}"
        );
        let absent = "no `AWS::VpcLattice::AccessLogSubscription`";
        fails(&service(&[], "SERVICE"), absent);
        fails(&service(&[json!({"Ref": "N"})], "RESOURCE"), absent);
        fails(
            &service(
                &[json!({"Ref": "N"}), json!("sn-0123456789abcdef0")],
                "SERVICE",
            ),
            absent,
        );
    }

    /// F6 on a VPC Lattice listener or rule: every group forwarded to is one of the app.
    #[test]
    fn a_lattice_listener_or_rule_forwards_only_to_groups_of_the_app() {
        let group = json!({"Type": "INSTANCE", "Config": {"Port": 443, "Protocol": "HTTPS"}});
        let judge = |kind: &str, groups: Value, listener: Value| {
            let action = if kind == super::RULE {
                "Action"
            } else {
                "DefaultAction"
            };
            let mut properties = json!({"Protocol": "HTTPS", "ListenerIdentifier": listener});
            properties[action] = json!({"Forward": {"TargetGroups": groups}});
            Cx::check_first(
                check("F6"),
                &[
                    ("X", kind, properties),
                    ("G", "AWS::VpcLattice::TargetGroup", group.clone()),
                    ("H", "AWS::VpcLattice::TargetGroup", group.clone()),
                    (
                        "L",
                        super::LISTENER,
                        json!({"Protocol": "HTTPS", "DefaultAction": {"FixedResponse": {"StatusCode": 404}}}),
                    ),
                ],
            )
        };
        let own = json!({"Ref": "L"});
        for kind in [super::LISTENER, super::RULE] {
            for target in [
                json!({"Ref": "G"}),
                json!({"Fn::GetAtt": ["G", "Arn"]}),
                json!({"Fn::GetAtt": ["G", "Id"]}),
                json!({"Fn::If": ["C", {"Ref": "G"}, {"Ref": "H"}]}),
            ] {
                let outcome = judge(
                    kind,
                    json!([{"TargetGroupIdentifier": target, "Weight": 1}]),
                    own.clone(),
                );
                assert!(
                    matches!(outcome, Outcome::Pass(_)),
                    "{kind} {target}: {outcome:?}"
                );
            }
            for target in [
                json!("tg-0123456789abcdef0"),
                json!({"Ref": "L"}),
                json!({"Fn::If": ["C", {"Ref": "G"}, "tg-0123456789abcdef0"]}),
                json!({"Fn::ImportValue": "nobody-exports-this"}),
            ] {
                fails(
                    &judge(
                        kind,
                        json!([{"TargetGroupIdentifier": target, "Weight": 1}]),
                        own.clone(),
                    ),
                    "names no `AWS::VpcLattice::TargetGroup`",
                );
            }
            fails(
                &judge(
                    kind,
                    json!([{"Fn::Select": [0, [{"TargetGroupIdentifier": {"Ref": "G"}}]]}]),
                    own.clone(),
                ),
                "no rule can read",
            );
        }
        let elsewhere = judge(
            super::RULE,
            json!([{"TargetGroupIdentifier": {"Ref": "G"}, "Weight": 1}]),
            json!("listener-0123456789abcdef0"),
        );
        assert!(matches!(elsewhere, Outcome::Gap(_)), "{elsewhere:?}");
        // A fixed response reaches no target.
        assert_eq!(
            Cx::check_first(
                check("F6"),
                &[(
                    "X",
                    super::LISTENER,
                    json!({"Protocol": "HTTPS", "DefaultAction": {"FixedResponse": {"StatusCode": 404}}})
                )]
            ),
            Outcome::NotApplicable
        );
    }

    /// F1 on a VPC Lattice listener, decided in review 21: HTTP in any spelling, or a
    /// protocol read at deploy, fails; TLS passthrough stays a gap (the targets' TLS versions
    /// are read by no rule; F6 leaves the TCP target group behind it a gap too).
    #[test]
    fn a_lattice_listener_serves_https_or_fails() {
        let f1 = |protocol: Value| {
            Cx::check_first(
                check("F1"),
                &[(
                    "X",
                    "AWS::VpcLattice::Listener",
                    json!({"Protocol": protocol, "DefaultAction": {"FixedResponse": {"StatusCode": 404}}}),
                )],
            )
        };
        for protocol in [
            json!("HTTP"),
            json!(" http "),
            json!({"Ref": "Protocol"}),
            json!("{{resolve:ssm:/p}}"),
        ] {
            assert!(
                matches!(f1(protocol.clone()), Outcome::Fail(_)),
                "{protocol}"
            );
        }
        assert!(matches!(f1(json!("TLS_PASSTHROUGH")), Outcome::Gap(_)));
        assert!(matches!(f1(json!("HTTPS")), Outcome::Pass(_)));
    }
}

/// Hostile review 22: F3 across the stacks of an app, where a subscription in one stack
/// names a service network or service of another only through the import of its export.
#[cfg(test)]
mod review22_tests {
    use serde_json::{Value, json};

    use crate::cfn::{Expr, Output, Template};
    use crate::compliance::Status;

    /// The network stack: service network `X` and, as a decoy, service network `Y`, each
    /// exported as these outputs `(export name, value)`.
    fn network_stack(outputs: Vec<(&str, Expr)>) -> Template {
        let mut template = crate::testing::raw_template(&[
            ("X", super::SERVICE_NETWORK, json!({"Name": "records"})),
            ("Y", super::SERVICE_NETWORK, json!({"Name": "other"})),
        ]);
        template.outputs = outputs
            .into_iter()
            .enumerate()
            .map(|(i, (export, value))| Output {
                name: format!("Out{i}"),
                value,
                description: None,
                export: Some(export.to_owned()),
            })
            .collect();
        template
    }

    /// F3 on `X` of the network stack, whose only subscription is in the logs stack and
    /// names `target`, logging to a log group of that stack.
    fn f3(outputs: Vec<(&str, Expr)>, target: Value) -> Vec<Status> {
        let network = network_stack(outputs);
        let logs = crate::testing::raw_template(&[
            (
                "A",
                "AWS::VpcLattice::AccessLogSubscription",
                json!({"ResourceIdentifier": target, "DestinationArn": {"Fn::GetAtt": ["L", "Arn"]}}),
            ),
            ("L", "AWS::Logs::LogGroup", json!({"RetentionInDays": 365})),
        ]);
        crate::testing::statuses(&[("net", &network), ("logs", &logs)], "F3", "X")
    }

    fn arn_of_x() -> Vec<(&'static str, Expr)> {
        vec![
            ("net:XArn", Expr::get_att("X", "Arn")),
            ("net:XId", Expr::get_att("X", "Id")),
            ("net:XRef", Expr::reference("X")),
            ("net:XName", Expr::get_att("X", "Name")),
            (
                "net:XJoined",
                Expr::join([Expr::reference("X"), Expr::lit("-2")]),
            ),
            ("net:YArn", Expr::get_att("Y", "Arn")),
        ]
    }

    #[test]
    fn a_subscription_in_another_stack_logs_a_network_it_imports() {
        for export in ["net:XArn", "net:XId", "net:XRef"] {
            let found = f3(arn_of_x(), json!({"Fn::ImportValue": export}));
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{export}: {found:?}"
            );
        }
    }

    #[test]
    fn a_subscription_in_another_stack_importing_another_export_does_not() {
        for export in [
            "net:YArn",
            "nobody-exports-this",
            "net:XName",
            "net:XJoined",
        ] {
            let found = f3(arn_of_x(), json!({"Fn::ImportValue": export}));
            assert!(
                matches!(found.as_slice(), [Status::Failed { finding }]
                    if finding.contains("no `AWS::VpcLattice::AccessLogSubscription`")),
                "{export}: {found:?}"
            );
        }
        // In its own stack too, an attribute that is no identifier names nothing.
        for target in [
            json!({"Fn::GetAtt": ["X", "Name"]}),
            json!({"Fn::GetAtt": "X.Name"}),
            json!({"Fn::Sub": "${X.Name}"}),
        ] {
            let mut resources: Vec<(&str, &str, Value)> = vec![
                ("X", super::SERVICE_NETWORK, json!({"Name": "records"})),
                (
                    "A",
                    "AWS::VpcLattice::AccessLogSubscription",
                    json!({"ResourceIdentifier": target, "DestinationArn": {"Fn::GetAtt": ["L", "Arn"]}}),
                ),
                ("L", "AWS::Logs::LogGroup", json!({"RetentionInDays": 365})),
            ];
            let one = crate::testing::raw_template(&resources);
            let found = crate::testing::statuses(&[("s", &one)], "F3", "X");
            assert!(
                matches!(found.as_slice(), [Status::Failed { .. }]),
                "{target}: {found:?}"
            );
            resources[1].2["ResourceIdentifier"] = json!({"Fn::Sub": "${X.Id}"});
            let one = crate::testing::raw_template(&resources);
            let found = crate::testing::statuses(&[("s", &one)], "F3", "X");
            assert!(
                matches!(found.as_slice(), [Status::Enforced { .. }]),
                "{found:?}"
            );
        }
        // A `Ref` in the other stack names that stack's resource, not this one.
        let found = f3(arn_of_x(), json!({"Ref": "X"}));
        assert!(
            matches!(found.as_slice(), [Status::Failed { .. }]),
            "{found:?}"
        );
    }
}

/// Hostile review 23: VPC Lattice resource configurations and the RESOURCE logs of the
/// service networks that reach them; imports whose names `Fn::Sub` builds.
#[cfg(test)]
mod review23_tests {
    use serde_json::{Value, json};

    use crate::cfn::{Expr, Output};
    use crate::compliance::Status;

    fn enforced(found: &[Status]) -> bool {
        !found.is_empty() && found.iter().all(|s| matches!(s, Status::Enforced { .. }))
    }

    fn failed(found: &[Status], says: &str) -> bool {
        found
            .iter()
            .any(|s| matches!(s, Status::Failed { finding } if finding.contains(says)))
    }

    /// A template of network `N`, log group `L`, resource configuration `C` associated with
    /// `N` by `RA` (when `associated`), and a subscription per log type of `types` (`None`:
    /// left out).
    fn template(types: &[Option<Value>], associated: bool) -> crate::cfn::Template {
        let mut resources: Vec<(String, &str, Value)> = vec![
            (
                "N".into(),
                super::SERVICE_NETWORK,
                json!({"Name": "clinic"}),
            ),
            (
                "L".into(),
                "AWS::Logs::LogGroup",
                json!({"RetentionInDays": 365}),
            ),
            (
                "C".into(),
                super::RESOURCE_CONFIGURATION,
                json!({"Name": "db", "ResourceGatewayId": {"Ref": "G"}, "PortRanges": ["5432"],
                    "ResourceConfigurationDefinition": {"DnsResource": {"DomainName": "db.clinic.internal", "IpAddressType": "IPV4"}}}),
            ),
            (
                "G".into(),
                "AWS::VpcLattice::ResourceGateway",
                json!({"Name": "gw"}),
            ),
        ];
        if associated {
            resources.push((
                "RA".into(),
                super::RESOURCE_ASSOCIATION,
                json!({"ResourceConfigurationId": {"Ref": "C"}, "ServiceNetworkId": {"Fn::GetAtt": ["N", "Id"]}}),
            ));
        }
        for (i, kind) in types.iter().enumerate() {
            let mut p = json!({"ResourceIdentifier": {"Fn::GetAtt": ["N", "Arn"]}, "DestinationArn": {"Fn::GetAtt": ["L", "Arn"]}});
            if let Some(kind) = kind {
                p["ServiceNetworkLogType"] = kind.clone();
            }
            resources.push((format!("A{i}"), "AWS::VpcLattice::AccessLogSubscription", p));
        }
        let borrowed: Vec<(&str, &str, Value)> = resources
            .iter()
            .map(|(id, t, p)| (id.as_str(), *t, p.clone()))
            .collect();
        crate::testing::raw_template(&borrowed)
    }

    #[test]
    fn a_network_with_resource_configurations_logs_resource_access_too() {
        let dbg = template(&[None, Some(json!("RESOURCE"))], true);
        eprintln!(
            "DBG {:?}",
            crate::testing::statuses(&[("s", &dbg)], "F3", "N")
        );
        let service_only = template(&[None], true);
        let found = crate::testing::statuses(&[("s", &service_only)], "F3", "N");
        assert!(failed(&found, "RESOURCE"), "{found:?}");
        for resource in [json!("RESOURCE"), json!("resource")] {
            for service in [None, Some(json!("SERVICE"))] {
                let both = template(&[service.clone(), Some(resource.clone())], true);
                let found = crate::testing::statuses(&[("s", &both)], "F3", "N");
                assert!(enforced(&found), "{service:?} {resource}: {found:?}");
                // The configuration is reached through a network of the app.
                let found = crate::testing::statuses(&[("s", &both)], "F3", "C");
                assert!(enforced(&found), "{found:?}");
            }
        }
        // RESOURCE alone leaves the services' requests unlogged.
        let resource_only = template(&[Some(json!("RESOURCE"))], true);
        let found = crate::testing::statuses(&[("s", &resource_only)], "F3", "N");
        assert!(failed(&found, "ServiceNetworkLogType"), "{found:?}");
        // A type known only at deploy may be either.
        let unknown = template(&[None, Some(json!("{{resolve:ssm:/t}}"))], true);
        let found = crate::testing::statuses(&[("s", &unknown)], "F3", "N");
        assert!(failed(&found, "read at deploy"), "{found:?}");
        // No resource association: SERVICE is enough, and the configuration is a gap.
        let plain = template(&[None], false);
        let found = crate::testing::statuses(&[("s", &plain)], "F3", "N");
        assert!(enforced(&found), "{found:?}");
        let found = crate::testing::statuses(&[("s", &plain)], "F3", "C");
        assert!(
            matches!(found.as_slice(), [Status::Gap { .. }]),
            "{found:?}"
        );
    }

    /// A configuration in another stack than its network, associated through an import
    /// whose name `Fn::Sub` builds: read when it resolves exactly.
    #[test]
    fn a_configuration_associated_through_an_import_is_read_when_its_name_resolves() {
        let judge = |import: Value| {
            let mut net = crate::testing::raw_template(&[(
                "N",
                super::SERVICE_NETWORK,
                json!({"Name": "clinic"}),
            )]);
            net.outputs = vec![Output {
                name: "NId".into(),
                value: Expr::get_att("N", "Id"),
                description: None,
                export: Some("net-NId".into()),
            }];
            let res = crate::testing::raw_template(&[
                (
                    "C",
                    super::RESOURCE_CONFIGURATION,
                    json!({"Name": "db", "ResourceConfigurationDefinition": {"IpResource": "10.0.1.5"}}),
                ),
                (
                    "RA",
                    super::RESOURCE_ASSOCIATION,
                    json!({"ResourceConfigurationId": {"Ref": "C"}, "ServiceNetworkId": {"Fn::ImportValue": import}}),
                ),
            ]);
            crate::testing::statuses(&[("net", &net), ("res", &res)], "F3", "C")
        };
        for name in [
            json!("net-NId"),
            json!({"Fn::Sub": ["net-${Id}", {"Id": "NId"}]}),
            json!({"Fn::Join": ["-", ["net", "NId"]]}),
        ] {
            let found = judge(name.clone());
            assert!(enforced(&found), "{name}: {found:?}");
        }
        let found = judge(json!({"Fn::Sub": "${AWS::Region}-NId"}));
        assert!(failed(&found, "no rule can read exactly"), "{found:?}");
        let found = judge(json!("net-Other"));
        assert!(failed(&found, "no service network of the app"), "{found:?}");
    }

    /// A child configuration is reached through its group's associations.
    #[test]
    fn a_child_configuration_is_judged_through_its_group() {
        for (associated, enforced_expected) in [(true, true), (false, false)] {
            let mut t = template(&[None, Some(json!("RESOURCE"))], associated);
            let child = crate::testing::raw_template(&[(
                "Child",
                super::RESOURCE_CONFIGURATION,
                json!({"Name": "db-1", "ResourceConfigurationType": "CHILD", "ResourceConfigurationGroupId": {"Fn::GetAtt": ["C", "Id"]},
                    "ResourceConfigurationDefinition": {"IpResource": "10.0.1.5"}}),
            )]);
            t.resources.extend(child.resources);
            let found = crate::testing::statuses(&[("s", &t)], "F3", "Child");
            assert_eq!(enforced(&found), enforced_expected, "{found:?}");
        }
        let mut t = template(&[None], false);
        let orphan = crate::testing::raw_template(&[(
            "Child",
            super::RESOURCE_CONFIGURATION,
            json!({"Name": "db-1", "ResourceConfigurationType": "CHILD", "ResourceConfigurationGroupId": "rcfg-0123456789abcdef0"}),
        )]);
        t.resources.extend(orphan.resources);
        let found = crate::testing::statuses(&[("s", &t)], "F3", "Child");
        assert!(
            matches!(found.as_slice(), [Status::Gap { .. }]),
            "{found:?}"
        );
    }

    #[test]
    fn a_configuration_associated_with_a_network_of_no_template_fails() {
        let mut t = template(&[None, Some(json!("RESOURCE"))], true);
        let foreign = crate::testing::raw_template(&[(
            "RB",
            super::RESOURCE_ASSOCIATION,
            json!({"ResourceConfigurationId": {"Fn::GetAtt": ["C", "Id"]}, "ServiceNetworkId": "sn-0123456789abcdef0"}),
        )]);
        t.resources.extend(foreign.resources);
        let found = crate::testing::statuses(&[("s", &t)], "F3", "C");
        assert!(failed(&found, "sn-0123456789abcdef0"), "{found:?}");
    }

    /// F3 on service network `X` of stack `net`, exported as `net-XArn`, whose only
    /// subscription is in stack `logs` and imports `name`.
    fn imported(name: Value) -> Vec<Status> {
        let mut network = crate::testing::raw_template(&[(
            "X",
            super::SERVICE_NETWORK,
            json!({"Name": "records"}),
        )]);
        network.outputs = vec![
            Output {
                name: "XArn".into(),
                value: Expr::get_att("X", "Arn"),
                description: None,
                export: Some("net-XArn".into()),
            },
            Output {
                name: "XLogs".into(),
                value: Expr::get_att("X", "Arn"),
                description: None,
                export: Some("logs-XArn".into()),
            },
        ];
        let logs = crate::testing::raw_template(&[
            (
                "A",
                "AWS::VpcLattice::AccessLogSubscription",
                json!({"ResourceIdentifier": {"Fn::ImportValue": name}, "DestinationArn": {"Fn::GetAtt": ["L", "Arn"]}}),
            ),
            ("L", "AWS::Logs::LogGroup", json!({"RetentionInDays": 365})),
        ]);
        crate::testing::statuses(&[("net", &network), ("logs", &logs)], "F3", "X")
    }

    #[test]
    fn an_import_whose_name_sub_builds_is_read_when_it_resolves_exactly() {
        for name in [
            json!({"Fn::Sub": "net-XArn"}),
            json!({"Fn::Sub": ["${Stack}-XArn", {"Stack": "net"}]}),
            json!({"Fn::Join": ["-", ["net", "XArn"]]}),
            // `AWS::StackName` is the importing stack's own name, `logs`.
            json!({"Fn::Sub": "${AWS::StackName}-XArn"}),
            json!({"Fn::Join": ["", [{"Ref": "AWS::StackName"}, "-XArn"]]}),
        ] {
            let found = imported(name.clone());
            assert!(enforced(&found), "{name}: {found:?}");
        }
        for name in [
            json!({"Fn::Sub": "${AWS::Region}-XArn"}),
            json!({"Fn::Sub": "${Param}-XArn"}),
            json!({"Fn::Sub": "{{resolve:ssm:/export}}"}),
        ] {
            let found = imported(name.clone());
            assert!(
                failed(&found, "no rule can read exactly"),
                "{name}: {found:?}"
            );
        }
        // Resolved exactly, to an export of nothing it identifies: not this network.
        let found = imported(json!({"Fn::Sub": "${AWS::StackName}-YArn"}));
        assert!(
            failed(&found, "no `AWS::VpcLattice::AccessLogSubscription`"),
            "{found:?}"
        );
    }
}
