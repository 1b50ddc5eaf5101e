//! EC2 fleets (`AWS::EC2::SpotFleet`, `AWS::EC2::EC2Fleet`): the instances they launch are
//! judged as an instance's are (rules E1, E4, E5, E6, E8), for every way a fleet says what
//! to launch: a Spot Fleet's inline `LaunchSpecifications`, and each launch template
//! configuration (`LaunchTemplateConfigs`) with each of its `Overrides`.

use serde_json::{Value, json};

use super::{Cx, OkOrDefault, Outcome, Proof, is_false, pointer_name, proof_of};

/// A Spot Fleet.
pub(super) const SPOT_FLEET: &str = "AWS::EC2::SpotFleet";
/// An EC2 Fleet.
pub(super) const EC2_FLEET: &str = "AWS::EC2::EC2Fleet";

/// One way a fleet launches instances.
enum Launch<'a> {
    /// A Spot Fleet's inline launch specification, at this pointer (below `Properties`).
    Inline(String),
    /// A launch template configuration at `config`, the launch template of the app it
    /// names, read in its stack ([`template_named`]; none when it names one by name, by
    /// text or not at all), and the override at `overrides` (none when the configuration
    /// has none).
    Template {
        config: String,
        template: Option<Cx<'a>>,
        overrides: Option<String>,
    },
}

/// The launch template that `reference` names, as the context of it in its stack, where
/// its values are read (a subnet its interfaces name is one of its stack): a launch
/// template of this template that `reference` names by `{"Ref": id}` or
/// `{"Fn::GetAtt": [id, "LaunchTemplateId"]}`, or one of another stack of the app whose
/// export of either `reference` imports (alone, or as the whole of an `Fn::Sub` or
/// `Fn::Join`: [`Cx::named_in_app`]), which CloudFormation resolves to that launch
/// template's id ("returns the value of an output exported by another stack",
/// `Fn::ImportValue`) where the importing stack is of its region and account.
pub(super) fn template_named<'a>(cx: &Cx<'a>, reference: &Value) -> Option<Cx<'a>> {
    const LAUNCH_TEMPLATE: &str = "AWS::EC2::LaunchTemplate";
    fn id_of(reference: &Value) -> Option<&str> {
        reference.get("Ref").and_then(Value::as_str).or_else(|| {
            match reference
                .get("Fn::GetAtt")
                .and_then(Value::as_array)?
                .as_slice()
            {
                [id, attribute] if *attribute == "LaunchTemplateId" => id.as_str(),
                _ => None,
            }
        })
    }
    if let Some(id) = id_of(reference) {
        return cx
            .others(LAUNCH_TEMPLATE)
            .find(|r| r.logical_id() == id)
            .map(|t| cx.on(t));
    }
    let (stack, template) = cx.named_in_app(None, reference, LAUNCH_TEMPLATE)?;
    let stack = stack?;
    // The export imported is the template's id, not another of its attributes.
    let name = super::meaning::sole_import(reference).and_then(super::meaning::import_name)?;
    let exported = super::arn::exports_of(cx.template_of(Some(stack)), template.logical_id())
        .into_iter()
        .any(|(export, value)| export == name && id_of(&value) == Some(template.logical_id()));
    exported.then(|| cx.in_stack(stack, template)).flatten()
}

/// The stack of `template` (a context [`template_named`] gives) when it is another than
/// `cx`'s, as [`Cx::everywhere`] names stacks: what a proof of it names.
pub(super) fn stack_of<'a>(cx: &Cx<'_>, template: &Cx<'a>) -> Option<&'a str> {
    (template.at != cx.at).then_some(template.stack)
}

/// Why the launch template specification at `spec` (below `Properties` of `cx`'s resource),
/// which names `template`, may launch settings other than those the template writes: its
/// `Version` is not the latest. Only `$Latest` and `Fn::GetAtt` of the template's
/// `LatestVersionNumber` follow the template as updated (an update of `LaunchTemplateData`
/// makes a new version of it). The default version does not: the `AWS::EC2::LaunchTemplate`
/// reference (its `DefaultVersionNumber` return value) says "The default version of a
/// launch template cannot be specified in AWS CloudFormation", and a stack update makes a
/// new version while the default stays version 1 (as reported in
/// aws-cloudformation/cloudformation-coverage-roadmap#1518). So `$Default`,
/// `Fn::GetAtt` of `DefaultVersionNumber` and no `Version` (Auto Scaling and EC2 read
/// `$Default`, the `Version` default of their `LaunchTemplateSpecification`) launch the
/// first version's settings after an update, a gap like a version number (`"1"`) or a
/// version read from anything else (a parameter, another launch template).
///
/// A launch template of another stack is named by the import of its export, and so is its
/// `LatestVersionNumber`: the import is read as the export's value ([`Cx::as_exported`]).
pub(super) fn pinned_version(cx: &Cx<'_>, spec: &str, template: &Cx<'_>) -> Option<String> {
    let pointer = format!("{spec}/Version");
    let latest = "launch `$Latest` or `Fn::GetAtt` of its `LatestVersionNumber`";
    let template_cx = template;
    let template = template.resource;
    let Some(version) = cx.prop(&pointer) else {
        return Some(format!(
            "`{}` is not set, so the default version of launch template `{}` is launched: CloudFormation never makes a new version the default, so after an update of `LaunchTemplateData` the instances keep the first version's settings, which no template shows ({latest})",
            pointer_name(&pointer),
            template.logical_id()
        ));
    };
    let exported = template_cx.as_exported(Some(cx.stack), version);
    let attribute = match exported.get("Fn::GetAtt") {
        Some(Value::Array(a)) => match a.as_slice() {
            [id, attribute] if id.as_str() == Some(template.logical_id()) => attribute.as_str(),
            _ => None,
        },
        Some(Value::String(s)) => s
            .split_once('.')
            .filter(|(id, _)| *id == template.logical_id())
            .map(|(_, attribute)| attribute),
        _ => None,
    };
    let text = super::meaning::text(version);
    if attribute == Some("LatestVersionNumber") || text.as_deref() == Some("$Latest") {
        return None;
    }
    if attribute == Some("DefaultVersionNumber") || text.as_deref() == Some("$Default") {
        return Some(format!(
            "`{}` is {}, the default version of launch template `{}`: CloudFormation never makes a new version the default, so after an update of `LaunchTemplateData` the instances keep the first version's settings, which no template shows ({latest})",
            pointer_name(&pointer),
            super::meaning::text_or_json(version),
            template.logical_id()
        ));
    }
    Some(format!(
        "`{}` is {}, a fixed version of launch template `{}`: the instances get that version's settings, which are the template's as written only until an update of `LaunchTemplateData` makes a new version, so no template can show them ({latest})",
        pointer_name(&pointer),
        super::meaning::text_or_json(version),
        template.logical_id()
    ))
}

/// An outcome over launches, some of which launch a pinned version of their launch
/// template (`pinned`, as [`pinned_version`] says): what fails still fails; what passes is
/// a gap, since the version launched is read nowhere.
pub(super) fn unless_pinned(outcome: Outcome, pinned: Vec<String>) -> Outcome {
    match outcome {
        Outcome::Pass(_) | Outcome::NotApplicable if !pinned.is_empty() => {
            let mut unique: Vec<String> = Vec::new();
            for p in pinned {
                if !unique.contains(&p) {
                    unique.push(p);
                }
            }
            Outcome::Gap(unique.join("; "))
        }
        other => other,
    }
}

/// Whether `value` is an intrinsic function (`{"Ref": …}`, `{"Fn::Select": …}`,
/// `{"Fn::GetAtt": …}`, …), whose result CloudFormation knows only at deploy.
fn intrinsic(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|m| m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::")))
}

/// Every way the fleet launches instances, and why some cannot be read: a list of launch
/// specifications, launch template configurations or overrides that is no literal list (an
/// `Fn::Select` of a list of lists, a custom resource's `Fn::GetAtt`), or an override that
/// is an intrinsic, may launch anything ("Any parameters that you specify override the same
/// parameters in the launch template", `AWS::EC2::EC2Fleet FleetLaunchTemplateConfigRequest`
/// `Overrides`, the CloudFormation reference), so it is a finding, never a launch left out.
fn launches<'a>(cx: &Cx<'a>) -> (Vec<Launch<'a>>, Vec<String>) {
    let base = if cx.resource.type_name() == SPOT_FLEET {
        "/SpotFleetRequestConfigData"
    } else {
        ""
    };
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    let no_list = |pointer: &str, value: &Value| {
        format!(
            "`{}` is {}, which no rule can read as a list before deploy: what it launches is read nowhere; write the list itself",
            pointer_name(pointer),
            super::meaning::text_or_json(value)
        )
    };
    let specs_at = format!("{base}/LaunchSpecifications");
    match cx.prop(&specs_at) {
        Some(Value::Array(specs)) => {
            found.extend((0..specs.len()).map(|i| Launch::Inline(format!("{specs_at}/{i}"))))
        }
        Some(other) => unreadable.push(no_list(&specs_at, other)),
        None => {}
    }
    let configs_at = format!("{base}/LaunchTemplateConfigs");
    match cx.prop(&configs_at) {
        Some(Value::Array(configs)) => {
            for (i, c) in configs.iter().enumerate() {
                let config = format!("{configs_at}/{i}");
                let template =
                    template_named(cx, &c["LaunchTemplateSpecification"]["LaunchTemplateId"]);
                let overrides_at = format!("{config}/Overrides");
                let overrides = match cx.prop(&overrides_at) {
                    Some(Value::Array(o)) => o.as_slice(),
                    Some(other) => {
                        unreadable.push(no_list(&overrides_at, other));
                        &[]
                    }
                    None => &[],
                };
                for (j, o) in overrides.iter().enumerate() {
                    // An entry removed (`AWS::NoValue`) overrides nothing.
                    if intrinsic(o) && !super::meaning::no_value(o) {
                        unreadable.push(format!(
                            "`{}` is {}, which no rule can read before deploy: the subnet, block devices or instance type it puts in place of the launch template's are read nowhere; write the override itself",
                            pointer_name(&format!("{overrides_at}/{j}")),
                            super::meaning::text_or_json(o)
                        ));
                    }
                }
                match overrides.len() {
                    0 => found.push(Launch::Template {
                        config,
                        template,
                        overrides: None,
                    }),
                    n => found.extend((0..n).map(|j| Launch::Template {
                        config: config.clone(),
                        template,
                        overrides: Some(format!("{config}/Overrides/{j}")),
                    })),
                }
            }
        }
        Some(other) => unreadable.push(no_list(&configs_at, other)),
        None => {}
    }
    (found, unreadable)
}

/// The outcome of a rule over every launch of the fleet: each must hold.
fn over_launches<'a>(
    cx: &Cx<'a>,
    mut check: impl FnMut(&Launch<'a>) -> Vec<Result<Proof, String>>,
) -> Outcome {
    let (launches, unreadable) = launches(cx);
    let pinned: Vec<String> = launches
        .iter()
        .filter_map(|l| match l {
            Launch::Template {
                config,
                template: Some(t),
                ..
            } => pinned_version(cx, &format!("{config}/LaunchTemplateSpecification"), t),
            _ => None,
        })
        .collect();
    if launches.is_empty() && unreadable.is_empty() {
        return Outcome::Fail(
            "the fleet declares no launch specification and no launch template configuration, so what it launches is read nowhere"
                .to_owned(),
        );
    }
    let mut proofs = Vec::new();
    let mut problems: Vec<String> = unreadable;
    for launch in &launches {
        for result in check(launch) {
            match result {
                Ok(p) if !proofs.contains(&p) => proofs.push(p),
                Ok(_) => {}
                Err(e) if !problems.contains(&e) => problems.push(e),
                Err(_) => {}
            }
        }
    }
    if problems.is_empty() {
        unless_pinned(Outcome::Pass(proofs), pinned)
    } else {
        Outcome::Fail(problems.join("; "))
    }
}

/// What a launch template configuration that names no launch template of this template is.
fn unread(config: &str) -> String {
    format!(
        "`{}` names no `AWS::EC2::LaunchTemplate` of this template (by `Ref` or `Fn::GetAtt` of `LaunchTemplateId`), so the instances it launches are read nowhere",
        pointer_name(&format!("{config}/LaunchTemplateSpecification"))
    )
}

/// An outcome as the results it is made of.
fn results(outcome: Outcome) -> Vec<Result<Proof, String>> {
    match outcome {
        Outcome::Pass(proofs) => proofs.into_iter().map(Ok).collect(),
        Outcome::Fail(problem) => vec![Err(problem)],
        Outcome::Gap(_) | Outcome::NotApplicable => Vec::new(),
    }
}

/// E1: every block device of every launch is encrypted with a customer-managed key.
pub(super) fn e1(cx: &Cx<'_>) -> Outcome {
    // Launches whose root device no mapping names: a gap where all else passes.
    let mut unmapped: Vec<String> = Vec::new();
    let outcome = over_launches(cx, |launch| match launch {
        Launch::Inline(spec) => vec![Err(format!(
            "`{}` launches instances from a Spot Fleet launch specification, whose EBS devices cannot name a key (`Ebs` has no `KmsKeyId`): launch from a launch template (`LaunchTemplateConfigs`) whose block devices are encrypted with a customer-managed key",
            pointer_name(spec)
        ))],
        Launch::Template {
            config,
            template,
            overrides,
        } => {
            let Some(from) = template else {
                return vec![Err(unread(config))];
            };
            let template = from.resource;
            let elsewhere = stack_of(cx, from);
            let data = "/LaunchTemplateData/BlockDeviceMappings";
            let mut checks = results(super::compute::block_devices_encrypted(from, data));
            for check in &mut checks {
                match check {
                    Err(e) => *e = format!("launch template `{}`: {e}", template.logical_id()),
                    Ok(p) => *p = p.clone().with_stack(elsewhere),
                }
            }
            // An EC2 Fleet's override may map block devices of its own; the root device is
            // mapped if the template or the override maps it.
            let mut lists = vec![(from, data)];
            let own = overrides
                .as_ref()
                .map(|o| format!("{o}/BlockDeviceMappings"));
            if let Some(own) = own.as_deref()
                && cx.prop(own).is_some()
            {
                checks.extend(results(super::compute::block_devices_encrypted(cx, own)));
                lists.push((cx, own));
            }
            // hostile review 21: the image is the override's `ImageId` where it writes one
            // (EC2's `FleetLaunchTemplateOverridesRequest` takes it, "Any parameters that
            // you specify override the same parameters in the launch template"), else the
            // launch template's, whether or not the override maps block devices: judged as
            // the launch template's own image is (instance store fails, an unmapped root of
            // its family is a gap).
            let image = overrides.as_ref().map(|o| format!("{o}/ImageId"));
            let mut images = vec![(from, "/LaunchTemplateData/ImageId")];
            if let Some(image) = image.as_deref() {
                images.push((cx, image));
            }
            match super::compute::launch_root(&lists, &images) {
                Err(problem) => checks.push(Err(format!(
                    "launch template `{}`{}: {problem}",
                    template.logical_id(),
                    image
                        .as_deref()
                        .filter(|i| cx.prop(i).is_some())
                        .map(|i| format!(" with `{}`", pointer_name(i)))
                        .unwrap_or_default()
                ))),
                Ok(Some(gap)) => unmapped.push(format!(
                    "launch template `{}`: {gap}",
                    template.logical_id()
                )),
                Ok(None) => {}
            }
            checks
        }
    });
    match outcome {
        Outcome::Gap(pinned) if !unmapped.is_empty() => {
            Outcome::Gap(format!("{pinned}; {}", unmapped.join("; ")))
        }
        other => unless_pinned(other, unmapped),
    }
}

/// E4: every launch requires IMDSv2 session tokens (or launches with the metadata service
/// closed).
pub(super) fn e4(cx: &Cx<'_>) -> Outcome {
    over_launches(cx, |launch| match launch {
        Launch::Inline(spec) => vec![Err(format!(
            "`{}` cannot require IMDSv2 (a Spot Fleet launch specification has no `MetadataOptions`): launch from a launch template whose `MetadataOptions.HttpTokens` is required",
            pointer_name(spec)
        ))],
        Launch::Template {
            config,
            template,
            overrides,
        } => {
            let Some(template) = template else {
                return vec![Err(unread(config))];
            };
            // The launch template's options, read as E4 reads a launch template's
            // (`HttpTokens` required, or `HttpEndpoint` disabled: "If you specify a value of
            // disabled, you cannot access your instance metadata", CloudFormation reference,
            // `AWS::EC2::LaunchTemplate MetadataOptions`).
            let mut checks = vec![
                super::compute::imds_closed(template, "/LaunchTemplateData/MetadataOptions")
                    .map(|p| p.with_stack(stack_of(cx, template)))
                    .map_err(|e| format!("launch template `{}`: {e}", template.id())),
            ];
            // Metadata options written on an override (which the EC2 Fleet reference does
            // not list among `FleetLaunchTemplateOverridesRequest` properties) must keep
            // IMDSv1 out too.
            if let Some(o) = overrides
                && cx.prop(&format!("{o}/MetadataOptions")).is_some()
            {
                checks.push(super::compute::imds_closed(
                    cx,
                    &format!("{o}/MetadataOptions"),
                ));
            }
            checks
        }
    })
}

/// An instance profile at `pointer` of `cx`'s resource, named by `Arn` or `Name`.
pub(super) fn profile(cx: &Cx<'_>, pointer: &str) -> Result<Proof, String> {
    cx.present(&format!("{pointer}/Arn"))
        .or_else(|_| cx.present(&format!("{pointer}/Name")))
        .map_err(|_| {
            format!(
                "`{}` names no instance profile (`Arn` or `Name`)",
                pointer_name(pointer)
            )
        })
}

/// E6: every launch gives its instances an instance profile.
pub(super) fn e6(cx: &Cx<'_>) -> Outcome {
    over_launches(cx, |launch| match launch {
        Launch::Inline(spec) => vec![profile(cx, &format!("{spec}/IamInstanceProfile"))],
        Launch::Template {
            config,
            template,
            overrides,
        } => {
            if let Some(o) = overrides
                && cx.prop(&format!("{o}/IamInstanceProfile")).is_some()
            {
                return vec![profile(cx, &format!("{o}/IamInstanceProfile"))];
            }
            let Some(template) = template else {
                return vec![Err(unread(config))];
            };
            vec![
                profile(template, "/LaunchTemplateData/IamInstanceProfile")
                    .map(|p| p.with_stack(stack_of(cx, template)))
                    .map_err(|e| format!("launch template `{}`: {e}", template.id())),
            ]
        }
    })
}

/// E8: every launch has detailed monitoring and EBS optimization.
pub(super) fn e8(cx: &Cx<'_>) -> Outcome {
    over_launches(cx, |launch| match launch {
        Launch::Inline(spec) => vec![
            cx.equals(&format!("{spec}/Monitoring/Enabled"), &json!(true)),
            cx.equals(&format!("{spec}/EbsOptimized"), &json!(true)),
        ],
        Launch::Template {
            config, template, ..
        } => {
            let Some(template) = template else {
                return vec![Err(unread(config))];
            };
            [
                "/LaunchTemplateData/Monitoring/Enabled",
                "/LaunchTemplateData/EbsOptimized",
            ]
            .into_iter()
            .map(|p| {
                template
                    .equals(p, &json!(true))
                    .map(|p| p.with_stack(stack_of(cx, template)))
                    .map_err(|e| format!("launch template `{}`: {e}", template.id()))
            })
            .collect()
        }
    })
}

/// The network interfaces at `pointer` (of `owner`): `Err` for each that may associate a
/// public address, and whether all of them (one at least) decline one.
fn interfaces(
    interfaces: &Value,
    pointer: &str,
    owner: &str,
) -> (Vec<Result<Proof, String>>, bool) {
    let list = interfaces.as_array().map_or(&[][..], Vec::as_slice);
    let mut checks = Vec::new();
    for (i, n) in list.iter().enumerate() {
        match n.get("AssociatePublicIpAddress") {
            // Removed (`AWS::NoValue`) is not written: the subnet decides.
            Some(v) if is_false(v) || super::meaning::no_value(v) => {}
            Some(v) => checks.push(Err(format!(
                "{owner}`{}` is {}: the instances launched may get a public address",
                pointer_name(&format!("{pointer}/{i}/AssociatePublicIpAddress")),
                super::meaning::text_or_json(v)
            ))),
            None => {}
        }
        // A carrier IP address reaches the interface from outside the VPC as a public
        // address does ("Indicates whether to assign a carrier IP address to the network
        // interface", `AWS::EC2::LaunchTemplate NetworkInterface` `AssociateCarrierIpAddress`;
        // EC2 API reference `NetworkInterfaceAssociation`: "a Carrier IP address (for a
        // network interface which resides in a subnet in a Wavelength Zone)"), read as
        // rule E5 reads it on a launch template and an instance: anything but false, not
        // written or removed is a finding.
        if let Some(v) = n
            .get("AssociateCarrierIpAddress")
            .filter(|v| !(v.is_null() || super::meaning::no_value(v) || is_false(v)))
        {
            checks.push(Err(format!(
                "{owner}`{}` is {}: the instances launched may get a carrier IP address, which reaches them from outside the VPC; write false",
                pointer_name(&format!("{pointer}/{i}/AssociateCarrierIpAddress")),
                super::meaning::text_or_json(v)
            )));
        }
    }
    let declined = !list.is_empty()
        && list
            .iter()
            .all(|n| is_false(&n["AssociatePublicIpAddress"]));
    (checks, declined)
}

/// The subnet of the first interface of `interfaces` that names one, with its pointer.
fn interface_subnet<'v>(interfaces: &'v Value, pointer: &str) -> Option<(String, &'v Value)> {
    interfaces
        .as_array()?
        .iter()
        .enumerate()
        .find_map(|(i, n)| {
            n.get("SubnetId")
                .map(|s| (format!("{pointer}/{i}/SubnetId"), s))
        })
}

/// E5: every launch lands in a named subnet and gets no public address.
pub(super) fn e5(cx: &Cx<'_>) -> Outcome {
    let mut ipv6 = (Vec::new(), Vec::new());
    let outcome = over_launches(cx, |launch| {
        // Why the instances ask for IPv6 addresses themselves, which no IPv4 setting
        // declines: an interface of the specification, the launch template or its override.
        let mut asked: Option<String>;
        let (mut checks, declined, subnet) = match launch {
            Launch::Inline(spec) => {
                let at = format!("{spec}/NetworkInterfaces");
                let listed = cx.prop(&at).unwrap_or(&Value::Null);
                let (checks, declined) = interfaces(listed, &at, "");
                asked = listed
                    .as_array()
                    .and_then(|a| a.iter().find_map(super::compute::asks_ipv6));
                let subnet = match cx.prop(&format!("{spec}/SubnetId")) {
                    Some(s) => Some((cx.present(&format!("{spec}/SubnetId")), s, *cx)),
                    None => interface_subnet(listed, &at).map(|(p, s)| (cx.present(&p), s, *cx)),
                };
                (checks, declined, subnet)
            }
            Launch::Template {
                config,
                template,
                overrides,
            } => {
                let Some(from) = template else {
                    return vec![Err(unread(config))];
                };
                let template = from.resource;
                let owner = format!("launch template `{}`: ", template.logical_id());
                asked = super::compute::template_asks_ipv6(template);
                let data = &template.properties()["LaunchTemplateData"];
                let (mut checks, mut declined) = interfaces(
                    &data["NetworkInterfaces"],
                    "/LaunchTemplateData/NetworkInterfaces",
                    &owner,
                );
                let mut subnet = interface_subnet(
                    &data["NetworkInterfaces"],
                    "/LaunchTemplateData/NetworkInterfaces",
                )
                // A subnet of the launch template is read in its stack.
                .map(|(p, s)| {
                    let proof = proof_of(template, &p).map(|p| p.with_stack(stack_of(cx, from)));
                    (proof.ok_or_default(), s, *from)
                });
                if let Some(o) = overrides {
                    // An override's interfaces and subnet replace the template's.
                    let at = format!("{o}/NetworkInterfaces");
                    if let Some(listed) = cx.prop(&at) {
                        let (more, declines) = interfaces(listed, &at, "");
                        asked = listed
                            .as_array()
                            .and_then(|a| a.iter().find_map(super::compute::asks_ipv6));
                        checks.extend(more);
                        declined = declines;
                        if let Some((p, s)) = interface_subnet(listed, &at) {
                            subnet = Some((cx.present(&p), s, *cx));
                        }
                    }
                    if let Some(s) = cx.prop(&format!("{o}/SubnetId")) {
                        subnet = Some((cx.present(&format!("{o}/SubnetId")), s, *cx));
                    }
                }
                (checks, declined, subnet)
            }
        };
        match subnet {
            None => checks.push(Err(
                "no subnet is named (`SubnetId` of the specification or its override, or of a network interface), so the instances land in the default VPC, whose subnets are public"
                    .to_owned(),
            )),
            Some((named, value, home)) => {
                checks.push(named);
                let (fails, gaps) =
                    super::compute::ipv6_exposure(&home, &[value], asked.as_deref());
                ipv6.0.extend(fails);
                ipv6.1.extend(gaps);
                // A subnet of the app that maps public addresses, or one outside the app,
                // which may (`compute::public_subnet`): `declined` is every interface.
                // Probe 18b F2: every subnet the value may name.
                if !declined {
                    for public in super::compute::public_subnet(&home, value) {
                        match public {
                            super::compute::PublicSubnet::Declared { what, surely } => {
                                checks.push(Err(format!(
                                    "{what}, so the instances {} one",
                                    if surely { "get" } else { "may get" }
                                )));
                            }
                            super::compute::PublicSubnet::Outside(what) => {
                                checks.push(Err(format!(
                                    "{what}, so the instances may get a public address; launch into a subnet of a stack of the app, or set `AssociatePublicIpAddress` false on every network interface of the launch"
                                )));
                            }
                        }
                    }
                }
            }
        }
        checks
    });
    super::compute::with_ipv6(outcome, ipv6)
}
