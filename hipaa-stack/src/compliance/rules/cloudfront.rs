//! Amazon CloudFront distributions: the door in front of an app's origins, through which
//! every request and answer (PHI included) passes, and whose edge caches hold answers.
//! Neither cdk-nag's HIPAA Security pack nor the AWS Config HIPAA conformance pack reads
//! them; these rules check what cdk-nag's AWS Solutions pack does (`CFR3` to `CFR5`) and
//! what checkov does (`CKV_AWS_34`, `CKV_AWS_174`, `CKV_AWS_86`, `CKV_AWS_68`): TLS from
//! viewers to the edge and from the edge to custom origins, access logs and a web ACL.
//!
//! TLS accepts no waiver; logs and the web ACL do, with a reason.

use serde_json::Value;

use super::meaning::{text, text_or_json};
use super::{Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, pointer_name, proof_of};

/// A distribution.
const DISTRIBUTION: &str = "AWS::CloudFront::Distribution";
/// A tenant of a multi-tenant distribution, which may override or remove its web ACL.
const TENANT: &str = "AWS::CloudFront::DistributionTenant";
/// A VPC origin: a load balancer or instance in the app's private subnets that
/// distributions reach.
const VPC_ORIGIN: &str = "AWS::CloudFront::VpcOrigin";
/// A continuous deployment policy: sends part of a primary distribution's traffic to a
/// staging distribution.
const CONTINUOUS_DEPLOYMENT: &str = "AWS::CloudFront::ContinuousDeploymentPolicy";
/// Below `Properties`.
const CONFIG: &str = "/DistributionConfig";

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "CF1",
        title: "CloudFront distributions accept only HTTPS with TLS 1.2 or later, and reach custom and VPC origins over TLS 1.2",
        types: &[DISTRIBUTION, VPC_ORIGIN],
        controls: &["164.312(e)(1)", "164.312(e)(2)(ii)"],
        fix: "set `ViewerProtocolPolicy` to https-only or redirect-to-https on the default and every cache behavior; serve an ACM certificate (`ViewerCertificate.AcmCertificateArn`, `SslSupportMethod` sni-only) with `MinimumProtocolVersion` TLSv1.2_2021, and no `CloudFrontDefaultCertificate` beside it (the default *.cloudfront.net certificate accepts TLS 1.0); give every custom origin (`CustomOriginConfig`, and the legacy `DistributionConfig.CustomOrigin`) `OriginProtocolPolicy` https-only, or match-viewer where every cache behavior that may route to it (by its `Id` or an origin group's) keeps viewers on HTTPS, and every VPC origin (`AWS::CloudFront::VpcOrigin` of the template, or imported from the stack of the app that exports it; `VpcOriginEndpointConfig`) https-only, or match-viewer where every cache behavior of the app's distributions that may route to it keeps viewers on HTTPS; with `OriginSSLProtocols` [TLSv1.2]; write `CacheBehaviors`, `Origins` and each origin as literals, which the rule reads; a `ContinuousDeploymentPolicyId` names an `AWS::CloudFront::ContinuousDeploymentPolicy` of the template whose `StagingDistributionDnsNames` are distributions of the template (`Fn::GetAtt [Staging, DomainName]`), or one with `Enabled` false",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_34"),
            guard: Some("CLOUDFRONT_VIEWER_POLICY_HTTPS"),
        },
        check: cf1,
    },
    RuleSpec {
        id: "CF2",
        title: "CloudFront distributions write access logs",
        types: &[DISTRIBUTION],
        controls: &["164.308(a)(1)(ii)(D)", "164.312(b)"],
        fix: "set `DistributionConfig.Logging.Bucket` to an access-log bucket of the app (its `RegionalDomainName`, or the import of an export of it; a bucket no rule can read before deploy fails), or deliver the distribution's ACCESS_LOGS through an `AWS::Logs::DeliverySource` whose `ResourceArn` names it, paired by an `AWS::Logs::Delivery` with a destination of the template (or the import of an export of its `Arn`) that delivers to a bucket, log group or Firehose stream of the app, its `RecordFields` (when written) keeping `c-ip`, `cs-uri-stem` and `date` and `time` or `timestamp`; a `ContinuousDeploymentPolicyId` sends traffic only to staging distributions of the template",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_86"),
            guard: Some("CLOUDFRONT_ACCESSLOGS_ENABLED"),
        },
        check: cf2,
    },
    RuleSpec {
        id: "CF3",
        title: "CloudFront distributions are behind a WAF web ACL with rules",
        types: &[DISTRIBUTION, TENANT],
        controls: &["164.308(a)(1)(ii)(B)", "164.312(a)(1)", "164.312(e)(1)"],
        fix: "set `DistributionConfig.WebACLId` to the ARN of an `AWS::WAFv2::WebACL` with `Scope` CLOUDFRONT and `Rules` (`Fn::GetAtt [Acl, Arn]`), or to the ARN of the account's global web ACL; on an `AWS::CloudFront::DistributionTenant`, leave `Customizations.WebAcl` unset (it inherits the web ACL of its distribution of the template) or set its `Action` to override with such an `Arn`, never disable; a `ContinuousDeploymentPolicyId` sends traffic only to staging distributions of the template",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_68"),
            guard: Some("CLOUDFRONT_ASSOCIATED_WITH_WAF"),
        },
        check: cf3,
    },
];

/// The pointers of the entries of the list at `pointer` (none when it is not set); `Err`
/// when it is set but is no list: a value known only at deploy may hold any entry. An entry
/// that is `AWS::NoValue` (the branch of an `Fn::If` that adds no cache behavior or origin)
/// is no entry: CloudFormation removes it from the list ("Pseudo parameters reference",
/// `AWS::NoValue`: "Removes the corresponding resource property when specified as a return
/// value in the `Fn::If` intrinsic function"), so there is nothing of it to read.
fn entries(cx: &Cx<'_>, pointer: &str) -> Result<Vec<String>, String> {
    match cx.prop(pointer) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items
            .iter()
            .enumerate()
            .filter(|(_, item)| !super::meaning::no_value(item))
            .map(|(i, _)| format!("{pointer}/{i}"))
            .collect()),
        Some(other) => Err(format!(
            "`{}` is {}, which no rule can read before deploy",
            pointer_name(pointer),
            text_or_json(other)
        )),
    }
}

/// The viewer protocol policy of the cache behavior at `behavior` keeps viewers on HTTPS.
fn viewer_policy(cx: &Cx<'_>, behavior: &str) -> Result<Proof, String> {
    cx.reads_as(
        &format!("{behavior}/ViewerProtocolPolicy"),
        &["https-only", "redirect-to-https"],
        "viewers may send and receive it in plain HTTP",
    )
}

/// The default cache behavior and each of `CacheBehaviors`; `Err` when the list cannot be
/// read before deploy.
fn behaviors(cx: &Cx<'_>) -> Result<Vec<String>, String> {
    let mut all = vec![format!("{CONFIG}/DefaultCacheBehavior")];
    all.extend(entries(cx, &format!("{CONFIG}/CacheBehaviors"))?);
    Ok(all)
}

/// Every cache behavior's viewer protocol policy: the default one and each of
/// `CacheBehaviors`.
fn viewer_policies(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    let mut checks = vec![viewer_policy(cx, &format!("{CONFIG}/DefaultCacheBehavior"))];
    match entries(cx, &format!("{CONFIG}/CacheBehaviors")) {
        Ok(behaviors) => checks.extend(behaviors.iter().map(|b| viewer_policy(cx, b))),
        Err(e) => checks.push(Err(e)),
    }
    checks
}

/// The entries of the list at `pointer` below the object at `parent` (`OriginGroups` and
/// its `Items`, a group's `Members` and its `Items`): none when `parent` is not set, `Err`
/// when it or the list is set but cannot be read before deploy.
fn listed_below(cx: &Cx<'_>, parent: &str, list: &str) -> Result<Vec<String>, String> {
    match cx.prop(parent) {
        None => Ok(Vec::new()),
        // An object that is one intrinsic (`Fn::ImportValue`, `Fn::If`…) is known only at deploy.
        Some(Value::Object(map))
            if !(map.len() == 1 && map.keys().all(|k| k == "Ref" || k.starts_with("Fn::"))) =>
        {
            entries(cx, &format!("{parent}/{list}"))
        }
        Some(other) => Err(format!(
            "`{}` is {}, which no rule can read before deploy",
            pointer_name(parent),
            text_or_json(other)
        )),
    }
}

/// The cache behaviors that may send viewers' requests to the origin at `origin` (an entry
/// of `Origins`): those whose `TargetOriginId` is its `Id`, or the `Id` of an origin group
/// with it among its `Members` ("TargetOriginId: The value of ID for the origin that you
/// want CloudFront to route requests to", `DefaultCacheBehavior`, CloudFormation template
/// reference; an origin group "Items: Items (origins) in an origin group", whose
/// `OriginId` each names an origin, `OriginGroupMember`). A target, an origin id or a
/// member that cannot be read before deploy may be this origin: its behaviors count. `Err`
/// only when the list of behaviors itself cannot be read.
fn behaviors_to(cx: &Cx<'_>, origin: &str) -> Result<Vec<String>, String> {
    let id = cx.prop(&format!("{origin}/Id")).and_then(text);
    let is_this = |v: Option<&Value>| match (v.and_then(text), &id) {
        (Some(t), Some(id)) => &t == id,
        _ => true,
    };
    // The ids a behavior may name to reach this origin; `None`: any id may.
    let mut targets: Option<Vec<String>> = id.clone().map(|id| vec![id]);
    // Origin groups that cannot be read before deploy may route any behavior here: then
    // every behavior counts, and only an unreadable list of behaviors fails.
    let groups =
        listed_below(cx, &format!("{CONFIG}/OriginGroups"), "Items").unwrap_or_else(|_| {
            targets = None;
            Vec::new()
        });
    for group in groups {
        let holds = match listed_below(cx, &format!("{group}/Members"), "Items") {
            Ok(members) => members
                .iter()
                .any(|m| is_this(cx.prop(&format!("{m}/OriginId")))),
            Err(_) => true,
        };
        if holds {
            match (cx.prop(&format!("{group}/Id")).and_then(text), &mut targets) {
                (Some(g), Some(targets)) => targets.push(g),
                _ => targets = None,
            }
        }
    }
    Ok(behaviors(cx)?
        .into_iter()
        .filter(|b| {
            match (
                cx.prop(&format!("{b}/TargetOriginId")).and_then(text),
                &targets,
            ) {
                (Some(t), Some(targets)) => targets.contains(&t),
                _ => true,
            }
        })
        .collect())
}

/// The viewer certificate: one of the app's (ACM or IAM) with a TLS 1.2 minimum.
fn viewer_certificate(cx: &Cx<'_>) -> Result<Proof, String> {
    let certificate = format!("{CONFIG}/ViewerCertificate");
    // A certificate that is set and not empty (`{"Fn::Sub": ""}` names none): otherwise
    // the distribution serves the default certificate, whatever `MinimumProtocolVersion` says.
    let own = ["AcmCertificateArn", "IamCertificateId"]
        .iter()
        .any(|k| cx.present(&format!("{certificate}/{k}")).is_ok());
    if !own {
        return Err(
            "the distribution serves the default *.cloudfront.net certificate (no `ViewerCertificate.AcmCertificateArn`), whose security policy accepts TLS 1.0".to_owned(),
        );
    }
    // "You must specify only one of" ACMCertificateArn, IAMCertificateId and
    // CloudFrontDefaultCertificate (CloudFront API, `ViewerCertificate`): a default
    // certificate asked for beside one's own (or that may be, a value known only at deploy)
    // may serve *.cloudfront.net, with TLS 1.0.
    let default = format!("{certificate}/CloudFrontDefaultCertificate");
    if let Some(v) = cx.prop(&default).filter(|v| !super::is_false(v)) {
        return Err(format!(
            "`{}` is {} beside the distribution's own certificate: CloudFront takes only one of them, and the default *.cloudfront.net certificate accepts TLS 1.0; remove it",
            pointer_name(&default),
            text_or_json(v)
        ));
    }
    let pointer = format!("{certificate}/MinimumProtocolVersion");
    match cx.prop(&pointer) {
        Some(v)
            if text(v).is_some_and(|t| t.starts_with("TLSv1.2_") || t.starts_with("TLSv1.3")) =>
        {
            cx.proof(&pointer).ok_or_default()
        }
        Some(v) => Err(format!(
            "`{}` is {}: viewers may connect with TLS before 1.2",
            pointer_name(&pointer),
            text_or_json(v)
        )),
        None => Err(format!(
            "`{}` is not set; CloudFront's default accepts TLS 1.0",
            pointer_name(&pointer)
        )),
    }
}

/// The origin settings at `base` (of `cx`'s resource) reach the origin over TLS 1.2 only.
/// `OriginProtocolPolicy` match-viewer means "CloudFront connects to the origin using the
/// same protocol that the viewer used to connect to CloudFront" (CloudFront API
/// `CustomOriginConfig`): HTTPS exactly when every cache behavior that may send requests
/// to this origin (`behind`: the default one included) keeps viewers on HTTPS
/// (`ViewerProtocolPolicy` https-only or redirect-to-https; "allow-all: Viewers can use HTTP
/// or HTTPS", CloudFront API `CacheBehavior`). `behind` is `None` where the behaviors are
/// read here (an `AWS::CloudFront::VpcOrigin`, which distributions of any stack may name,
/// and whose match-viewer [`vpc_match_viewer`] reads in them): match-viewer fails here;
/// `Err` where they cannot be read before deploy.
fn tls_to_origin(
    cx: &Cx<'_>,
    base: &str,
    behind: Option<Result<Vec<String>, String>>,
) -> Vec<Result<Proof, String>> {
    let at = format!("{base}/OriginProtocolPolicy");
    let why = "CloudFront may forward requests to the origin in plain HTTP";
    let policy = match (cx.prop(&at).and_then(text).as_deref(), behind) {
        (Some("match-viewer"), Some(Err(e))) => Err(format!(
            "`{}` is match-viewer and the cache behaviors that send requests to this origin cannot be read ({e}): {why}; set https-only",
            pointer_name(&at)
        )),
        (Some("match-viewer"), Some(Ok(behaviors))) => {
            let open: Vec<String> = behaviors
                .iter()
                .filter(|b| viewer_policy(cx, b).is_err())
                .map(|b| format!("`{}`", pointer_name(b)))
                .collect();
            if open.is_empty() {
                cx.proof(&at).ok_or_default()
            } else {
                Err(format!(
                    "`{}` is match-viewer and {} may send this origin viewers' requests without HTTPS (`ViewerProtocolPolicy` not https-only nor redirect-to-https): {why}",
                    pointer_name(&at),
                    open.join(", ")
                ))
            }
        }
        _ => cx.reads_as(&at, &["https-only"], why),
    };
    let protocols = format!("{base}/OriginSSLProtocols");
    // A list that cannot be read before deploy (`Fn::Split`, a reference) may hold
    // anything: it is read as no list.
    let listed: Vec<String> = match cx.prop(&protocols) {
        Some(Value::Array(items)) => items.iter().map(text_or_json).collect(),
        _ => Vec::new(),
    };
    let old: Vec<&str> = listed
        .iter()
        .map(String::as_str)
        .filter(|p| *p != "TLSv1.2")
        .collect();
    let versions = if listed.is_empty() {
        Err(format!(
            "`{}` is not a list of protocols; CloudFront offers the origin TLSv1 and TLSv1.1 unless it is",
            pointer_name(&protocols)
        ))
    } else if old.is_empty() {
        cx.proof(&protocols).ok_or_default()
    } else {
        Err(format!(
            "`{}` allows {}: the origin may be reached with TLS before 1.2",
            pointer_name(&protocols),
            old.join(", ")
        ))
    };
    vec![policy, versions]
}

/// Every origin that is no S3 bucket is reached over TLS 1.2 only: a custom origin by its
/// own settings, a VPC origin by those of the `AWS::CloudFront::VpcOrigin` it names (which
/// this rule reads there too).
fn origins(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    let mut checks = legacy_custom_origin(cx);
    let origins = match entries(cx, &format!("{CONFIG}/Origins")) {
        Ok(origins) => origins,
        Err(e) => {
            checks.push(Err(e));
            return checks;
        }
    };
    for origin in &origins {
        let custom = format!("{origin}/CustomOriginConfig");
        let vpc = format!("{origin}/VpcOriginConfig/VpcOriginId");
        if cx.prop(&custom).is_some() {
            checks.extend(tls_to_origin(cx, &custom, Some(behaviors_to(cx, origin))));
        } else if let Some(id) = cx.prop(&vpc) {
            let named = cx
                .others(VPC_ORIGIN)
                // Its `Ref` or `Id`, however written; text joined onto one names another.
                .any(|o| super::meaning::names(id, o.logical_id()))
                || vpc_origin_carried(cx, id);
            checks.push(match named {
                true => cx.proof(&vpc).ok_or_default(),
                false => Err(format!(
                    "`{}` is {}, which names no `AWS::CloudFront::VpcOrigin` of the app (of this template, or the import of its export): how CloudFront reaches it is read nowhere",
                    pointer_name(&vpc),
                    text_or_json(id)
                )),
            });
        } else if cx.prop(&format!("{origin}/S3OriginConfig")).is_none() {
            checks.push(Err(format!(
                "`{}` is neither a custom, a VPC nor an S3 origin the rule can read (`CustomOriginConfig`, `VpcOriginConfig` or `S3OriginConfig`)",
                pointer_name(origin)
            )));
        }
        // An S3 origin: CloudFront reaches the bucket with the viewer's protocol, HTTPS by
        // the behaviors above.
    }
    checks
}

/// The legacy custom origin of `DistributionConfig.CustomOrigin` (`LegacyCustomOrigin`,
/// which CloudFormation still accepts beside or instead of `Origins`), with the same
/// `OriginProtocolPolicy` and `OriginSSLProtocols` as a `CustomOriginConfig`
/// ("AWS::CloudFront::Distribution LegacyCustomOrigin", CloudFormation template reference):
/// reached over TLS 1.2 only. The legacy `S3Origin` is an S3 origin.
fn legacy_custom_origin(cx: &Cx<'_>) -> Vec<Result<Proof, String>> {
    let legacy = format!("{CONFIG}/CustomOrigin");
    match cx.prop(&legacy) {
        // The one custom origin of the distribution: every cache behavior may reach it.
        Some(Value::Object(_)) => tls_to_origin(cx, &legacy, Some(behaviors(cx))),
        Some(other) => vec![Err(format!(
            "`{}` is {}, which no rule can read before deploy",
            pointer_name(&legacy),
            text_or_json(other)
        ))],
        None => Vec::new(),
    }
}

/// The staging distributions a primary distribution sends traffic to: its
/// `ContinuousDeploymentPolicyId` names an `AWS::CloudFront::ContinuousDeploymentPolicy`
/// whose `StagingDistributionDnsNames` are "The CloudFront domain name of the staging
/// distribution" and which, unless `Enabled` is false ("this policy is not enabled and has
/// no effect", `ContinuousDeploymentPolicyConfig`, CloudFront API reference), routes
/// viewers' requests there, to be served by the staging distribution's own settings. Each
/// must be a distribution of this template (`Fn::GetAtt [Staging, DomainName]`), which every
/// CloudFront rule reads where it is declared; a policy or a staging distribution read
/// nowhere (an id or a domain written as text, an import) fails: who serves that part of
/// the traffic, and how, is not shown.
fn staging(cx: &Cx<'_>) -> Result<Option<Proof>, String> {
    let pointer = format!("{CONFIG}/ContinuousDeploymentPolicyId");
    let Some(id) = cx.prop(&pointer) else {
        return Ok(None);
    };
    let Some(policy) = cx
        .others(CONTINUOUS_DEPLOYMENT)
        .find(|p| super::meaning::names(id, p.logical_id()))
    else {
        return Err(format!(
            "`{}` is {}, which names no `{CONTINUOUS_DEPLOYMENT}` of this template: the staging distribution it sends traffic to is read nowhere; declare the policy and its staging distribution in this template",
            pointer_name(&pointer),
            text_or_json(id)
        ));
    };
    let on = cx.on(policy);
    let config = "/ContinuousDeploymentPolicyConfig";
    if on
        .prop(&format!("{config}/Enabled"))
        .is_some_and(super::is_false)
    {
        return Ok(cx.proof(&pointer));
    }
    let names = format!("{config}/StagingDistributionDnsNames");
    let Some(Value::Array(items)) = on.prop(&names) else {
        return Err(format!(
            "the continuous deployment policy `{}` has `{}` {}, which no rule can read before deploy: write it as a list of `Fn::GetAtt [Staging, DomainName]`",
            policy.logical_id(),
            pointer_name(&names),
            on.prop(&names)
                .map_or_else(|| "not set".to_owned(), text_or_json)
        ));
    };
    let unread: Vec<String> = items
        .iter()
        .filter(|n| !super::meaning::no_value(n))
        .filter(|n| {
            !cx.others(DISTRIBUTION)
                .any(|d| d.logical_id() != cx.id() && super::meaning::names(n, d.logical_id()))
        })
        .map(text_or_json)
        .collect();
    if unread.is_empty() {
        Ok(cx.proof(&pointer))
    } else {
        Err(format!(
            "the continuous deployment policy `{}` sends the distribution's traffic to {}, which is no staging distribution of this template: how it serves that traffic is read nowhere; name a distribution of this template by `Fn::GetAtt [Staging, DomainName]`",
            policy.logical_id(),
            unread.join(", ")
        ))
    }
}

/// `outcome`, unless the distribution sends traffic to a staging distribution read nowhere.
fn with_staging(cx: &Cx<'_>, outcome: Outcome) -> Outcome {
    match (staging(cx), outcome) {
        (Err(e), Outcome::Fail(f)) => Outcome::Fail(format!("{f}; {e}")),
        (Err(e), _) => Outcome::Fail(e),
        (Ok(Some(proof)), Outcome::Pass(mut proofs)) => {
            proofs.push(proof);
            Outcome::Pass(proofs)
        }
        (Ok(_), outcome) => outcome,
    }
}

/// Whether the `VpcOriginId` `id` of an origin of the distribution read in `dcx` is shown
/// to name a VPC origin of the app other than `cx`'s: one of the distribution's own
/// template, by `Ref` or `Fn::GetAtt` ([`super::meaning::names`]); the import of an export
/// whose value so names one; or a template parameter of hipaa-stack's filled by an output
/// that names one. Any other value (an id written as text, a custom resource's attribute)
/// may be this one.
fn names_another_vpc_origin(cx: &Cx<'_>, dcx: &Cx<'_>, id: &Value) -> bool {
    let this = |stack: &str, logical: &str| stack == cx.stack && logical == cx.id();
    if let Some(o) = dcx
        .others(VPC_ORIGIN)
        .find(|o| super::meaning::names(id, o.logical_id()))
    {
        return !this(dcx.stack, o.logical_id());
    }
    if let Some(name) = id
        .get("Fn::ImportValue")
        .and_then(super::meaning::import_name)
    {
        return cx.importable(dcx.at, VPC_ORIGIN).any(|(stack, o)| {
            super::arn::exports_of(cx.template_of(stack), o.logical_id())
                .iter()
                .any(|(export, v)| *export == name && super::meaning::names(v, o.logical_id()))
                && !this(stack.unwrap_or(cx.stack), o.logical_id())
        });
    }
    cx.across_regions(dcx.template, id)
        .is_some_and(|(stack, r)| r.type_name() == VPC_ORIGIN && !this(stack, r.logical_id()))
}

/// Whether `id`, a `VpcOriginId` of a distribution of `cx`'s template, is a VPC origin of
/// another stack of the app carried across: the import (`Fn::ImportValue`, written whole)
/// of an export whose value names one ([`super::meaning::names`]), or a template parameter
/// of hipaa-stack's filled by an output that names one. CF1 reads that VPC origin where it
/// is declared, its match-viewer in the distributions of every stack ([`vpc_match_viewer`]).
fn vpc_origin_carried(cx: &Cx<'_>, id: &Value) -> bool {
    let imported = id
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.get("Fn::ImportValue"))
        .and_then(text);
    if let Some(name) = imported {
        return cx.importable(cx.at, VPC_ORIGIN).any(|(stack, o)| {
            super::arn::exports_of(cx.template_of(stack), o.logical_id())
                .iter()
                .any(|(export, v)| *export == name && super::meaning::names(v, o.logical_id()))
        });
    }
    cx.across_regions(cx.template, id)
        .is_some_and(|(_, r)| r.type_name() == VPC_ORIGIN)
}

/// `OriginProtocolPolicy` match-viewer on a VPC origin (`cx`, at `at`): HTTPS exactly when
/// every cache behavior of every distribution of the app that may route requests to it keeps
/// viewers on HTTPS (see [`tls_to_origin`]). Its behaviors are those of the distributions, of
/// any stack, with an origin whose `VpcOriginConfig.VpcOriginId` may name it (one not shown
/// to name another VPC origin, [`names_another_vpc_origin`]), read by [`behaviors_to`]. A
/// distribution whose origins or behaviors cannot be read before deploy may route here in
/// plain HTTP; a VPC origin no distribution of the app routes to is reached by
/// distributions no template shows (hostile review 19).
fn vpc_match_viewer(cx: &Cx<'_>, at: &str) -> Result<Proof, String> {
    let why = "CloudFront may forward requests to the origin in plain HTTP; set https-only";
    let mut routes = 0_usize;
    let mut open = Vec::new();
    for (stack, d) in cx.everywhere(DISTRIBUTION) {
        let dcx = cx.in_stack_or_here(stack, d);
        let name = stack.map_or_else(
            || d.logical_id().to_owned(),
            |s| format!("{s}/{}", d.logical_id()),
        );
        let origins = entries(&dcx, &format!("{CONFIG}/Origins")).map_err(|e| {
            format!(
                "`{}` is match-viewer and the origins of the distribution `{name}` cannot be read ({e}): {why}",
                pointer_name(at)
            )
        })?;
        for origin in origins {
            let Some(id) = dcx.prop(&format!("{origin}/VpcOriginConfig/VpcOriginId")) else {
                continue;
            };
            if names_another_vpc_origin(cx, &dcx, id) {
                continue;
            }
            let behaviors = behaviors_to(&dcx, &origin).map_err(|e| {
                format!(
                    "`{}` is match-viewer and the cache behaviors of the distribution `{name}` that send requests to it cannot be read ({e}): {why}",
                    pointer_name(at)
                )
            })?;
            for b in behaviors {
                routes += 1;
                if viewer_policy(&dcx, &b).is_err() {
                    open.push(format!("`{name}` `{}`", pointer_name(&b)));
                }
            }
        }
    }
    if routes == 0 {
        return Err(format!(
            "`{}` is match-viewer and no cache behavior of a distribution of the app routes to this VPC origin, so the behaviors that send it requests are read nowhere: {why}",
            pointer_name(at)
        ));
    }
    if !open.is_empty() {
        return Err(format!(
            "`{}` is match-viewer and {} may send this VPC origin viewers' requests without HTTPS (`ViewerProtocolPolicy` not https-only nor redirect-to-https): {why}",
            pointer_name(at),
            open.join(", ")
        ));
    }
    cx.proof(at).ok_or_default()
}

fn cf1(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == VPC_ORIGIN {
        let base = "/VpcOriginEndpointConfig";
        let mut checks = tls_to_origin(cx, base, None);
        let at = format!("{base}/OriginProtocolPolicy");
        if cx.prop(&at).and_then(text).as_deref() == Some("match-viewer")
            && let Some(policy) = checks.first_mut()
        {
            *policy = vpc_match_viewer(cx, &at);
        }
        return all(checks);
    }
    let read = edge_bodies(cx, edge_origins(cx, viewer_and_origins(cx)));
    with_staging(cx, tenants_with_certificates(cx, read))
}

/// A CloudFront function of this template.
const FUNCTION: &str = "AWS::CloudFront::Function";

/// Code that runs at the edge may send a request to an origin that no setting of the
/// template shows, over plain HTTP. A Lambda@Edge function on the `origin-request` event
/// may "update the values in the origin object to route the request to a different
/// origin", need not "define the origin in the distribution", and may "replace an Amazon
/// S3 origin object with a custom origin object", whose `protocol` is `http` or `https`
/// (CloudFront developer guide, "Lambda@Edge event structure", dynamic origin selection).
/// A CloudFront function on the `viewer-request` event may update or change the origin
/// too ("Helper methods for origin modification": `updateRequestOrigin()`, JavaScript
/// runtime 2.0 only). So every `LambdaFunctionAssociations` entry whose `EventType` is
/// `origin-request`, and every `FunctionAssociations` entry whose `EventType` is
/// `viewer-request` with a function that is not a `cloudfront-js-1.0` function of this
/// template, of the default and of every other cache behavior, decides at run time how
/// CloudFront reaches its origin: the TLS read above is not the whole story, a gap unless
/// the rule fails already. An `EventType` or a list that cannot be read before deploy may
/// be either. Viewer responses and origin responses reach no origin.
fn edge_origins(cx: &Cx<'_>, outcome: Outcome) -> Outcome {
    let mut behaviors = vec![format!("{CONFIG}/DefaultCacheBehavior")];
    behaviors.extend(entries(cx, &format!("{CONFIG}/CacheBehaviors")).unwrap_or_default());
    let mut found = Vec::new();
    for behavior in &behaviors {
        for (list, origin_event) in [
            ("LambdaFunctionAssociations", "origin-request"),
            ("FunctionAssociations", "viewer-request"),
        ] {
            let pointer = format!("{behavior}/{list}");
            let associations = match entries(cx, &pointer) {
                Ok(associations) => associations,
                Err(why) => {
                    found.push(why);
                    continue;
                }
            };
            for association in associations {
                let Some(entry) = cx.prop(&association) else {
                    continue;
                };
                let event = text(&entry["EventType"]).map(|t| t.trim().to_owned());
                let other_event = event.as_deref().is_some_and(|e| {
                    e != origin_event
                        && [
                            "viewer-request",
                            "viewer-response",
                            "origin-request",
                            "origin-response",
                        ]
                        .contains(&e)
                });
                if other_event
                    || (list == "FunctionAssociations" && runtime_one(cx, &entry["FunctionARN"]))
                {
                    continue;
                }
                found.push(format!(
                    "`{}` runs {} on {}, which may send the request to an origin of its choosing, over plain HTTP",
                    pointer_name(&association),
                    if list == "FunctionAssociations" {
                        text_or_json(&entry["FunctionARN"])
                    } else {
                        text_or_json(&entry["LambdaFunctionARN"])
                    },
                    event.map_or_else(|| text_or_json(&entry["EventType"]), |e| e.clone())
                ));
            }
        }
    }
    if found.is_empty() {
        return outcome;
    }
    super::frontdoor::Unfiltered::gap_unless_failed(
        format!(
            "{}: how CloudFront reaches that origin is read by no rule; route requests with cache behaviors to origins of the distribution, or use a `cloudfront-js-1.0` function",
            found.join("; ")
        ),
        outcome,
    )
}

/// Request bodies given to Lambda@Edge. `IncludeBody` on a `LambdaFunctionAssociations`
/// entry is "A flag that allows a Lambda@Edge function to have read access to the body
/// content" (CloudFront API, `LambdaFunctionAssociation`): the body of a POST or PUT, the
/// PHI a viewer sends. The function runs in the AWS Regions nearest the viewers, and
/// "Lambda@Edge automatically sends function logs to CloudWatch Logs, creating log streams
/// in the AWS Regions where the functions are invoked", in a log group named
/// `/aws/lambda/us-east-1.<FunctionName>` (or its custom log group's name, the same "across
/// all other Regions where the function is invoked") in each of them (CloudFront developer
/// guide, "Edge function logs"). Lambda creates those log groups where they do not exist,
/// with no key of the app (L1) and no retention (L2); which Regions they are is CloudFront's
/// choice, so no template of the app (of one region, or of several) shows them all: what the
/// function writes of the body (a `console.log` of the event, the text of a parse error) is
/// kept where no rule reads it. That is a store of PHI outside the app, a gap (as a
/// destination no template declares is elsewhere), unless the rule fails already. An
/// `IncludeBody` that cannot be read before deploy may be true; an entry written whole as an
/// intrinsic function may hold it. A CloudFront function (`FunctionAssociations`) is not
/// read here: "CloudFront Functions can't access the body of the HTTP request" ("Restrictions
/// on CloudFront Functions"). The log group of the function's own Region,
/// `/aws/lambda/<FunctionName>`, is rule `L4`'s, as is every Lambda function's.
fn edge_bodies(cx: &Cx<'_>, outcome: Outcome) -> Outcome {
    let mut behaviors = vec![format!("{CONFIG}/DefaultCacheBehavior")];
    behaviors.extend(entries(cx, &format!("{CONFIG}/CacheBehaviors")).unwrap_or_default());
    let mut found = Vec::new();
    for behavior in &behaviors {
        // A list that cannot be read is told by [`edge_origins`].
        let associations =
            entries(cx, &format!("{behavior}/LambdaFunctionAssociations")).unwrap_or_default();
        for association in associations {
            let Some(entry) = cx.prop(&association) else {
                continue;
            };
            let body = format!("{association}/IncludeBody");
            let gives = if super::identity::intrinsic(entry) {
                Some(format!("is {}, which may give it", text_or_json(entry)))
            } else {
                match cx.prop(&body) {
                    None | Some(Value::Null) => None,
                    Some(v) if super::is_false(v) => None,
                    Some(v) if super::is_true(v) => {
                        Some("gives it (`IncludeBody` true)".to_owned())
                    }
                    Some(v) => Some(format!(
                        "has `IncludeBody` {}, which no rule can read before deploy and may give it",
                        text_or_json(v)
                    )),
                }
            };
            if let Some(gives) = gives {
                found.push(format!(
                    "`{}` {gives} the request body to the Lambda@Edge function {}",
                    pointer_name(&association),
                    text_or_json(&entry["LambdaFunctionARN"])
                ));
            }
        }
    }
    if found.is_empty() {
        return outcome;
    }
    super::frontdoor::Unfiltered::gap_unless_failed(
        format!(
            "{}: the function runs in the AWS Regions nearest the viewers and writes its logs to log groups of each of those Regions (`/aws/lambda/us-east-1.<name>`), which Lambda creates with no key of the app and no retention and which no template of the app shows, so what it logs of the body (PHI) is kept where no rule reads it; read the body at an origin of the distribution (remove `IncludeBody`), or use a CloudFront function, which never sees the body",
            found.join("; ")
        ),
        outcome,
    )
}

/// Whether `value` names a CloudFront function of this template whose runtime is
/// `cloudfront-js-1.0` (`FunctionConfig.Runtime`), which cannot change the origin: origin
/// modification needs JavaScript runtime 2.0 ("Helper methods for origin modification").
fn runtime_one(cx: &Cx<'_>, value: &Value) -> bool {
    cx.others(FUNCTION)
        .filter(|f| super::meaning::names(value, f.logical_id()))
        .any(|f| {
            text(&f.properties()["FunctionConfig"]["Runtime"])
                .is_some_and(|r| r.trim() == "cloudfront-js-1.0")
        })
}

/// The distribution tenants of the app that may be served by this (multi-tenant)
/// distribution: their `DistributionId` ("The ID of the multi-tenant distribution",
/// `AWS::CloudFront::DistributionTenant`, CloudFormation template reference) mentions it in
/// its own template, or imports an export of its stack that mentions it. Read broadly: a
/// tenant counted here only makes the distribution's reading stricter.
fn tenants<'a>(cx: &Cx<'a>) -> Vec<(Option<&'a str>, &'a crate::cfn::Resource)> {
    let exports = cx.own_exports();
    cx.everywhere(TENANT)
        .filter(|(other, tenant)| {
            let id = &tenant.properties()["DistributionId"];
            (other.is_none() && super::mentions(id, cx.id())) || exports.imported_in(cx, *other, id)
        })
        .collect()
}

/// A tenant that brings its own certificate (`Customizations.Certificate`, "The AWS
/// Certificate Manager (ACM) certificate", one of the values a tenant may "override or
/// disable from the multi-tenant distribution", `AWS::CloudFront::DistributionTenant
/// Customizations`; or a `ManagedCertificateRequest`, a certificate CloudFront requests for
/// its domains) serves its domains with it. Neither the CloudFormation reference nor the
/// CloudFront API reference (`Customizations`, `Certificate`, `ManagedCertificateRequest`)
/// gives that certificate a security policy, nor says which `MinimumProtocolVersion`
/// CloudFront negotiates with it; a connection group (`AWS::CloudFront::ConnectionGroup`:
/// `AnycastIpListId`, `Enabled`, `Ipv6Enabled`, `Name`) has no TLS setting either. What TLS
/// versions those domains accept is therefore read nowhere: a gap of this distribution's
/// CF1, unless it fails already. A tenant without either serves its domains with the
/// distribution's own certificate, read above.
fn tenants_with_certificates(cx: &Cx<'_>, outcome: Outcome) -> Outcome {
    let own: Vec<String> = tenants(cx)
        .into_iter()
        .filter_map(|(stack, tenant)| {
            let on = cx.on(tenant);
            let certificate = on.prop("/Customizations/Certificate").is_some();
            let managed = on.prop("/ManagedCertificateRequest").is_some();
            let name = match stack {
                Some(stack) => format!("{stack}/{}", tenant.logical_id()),
                None => tenant.logical_id().to_owned(),
            };
            match (certificate, managed) {
                (true, _) => Some(format!("`{name}` (`Customizations.Certificate`)")),
                (false, true) => Some(format!("`{name}` (`ManagedCertificateRequest`)")),
                (false, false) => None,
            }
        })
        .collect();
    if own.is_empty() {
        return outcome;
    }
    super::frontdoor::Unfiltered::gap_unless_failed(
        format!(
            "{} with a certificate of {} own, to which CloudFront's references give no security policy: which TLS versions those domains accept is read by no rule; serve the tenants with the distribution's certificate (`ViewerCertificate`, `MinimumProtocolVersion` TLSv1.2_2021)",
            if own.len() == 1 {
                format!("the distribution tenant {} serves its domains", own[0])
            } else {
                format!(
                    "the distribution tenants {} serve their domains",
                    own.join(", ")
                )
            },
            if own.len() == 1 { "its" } else { "their" },
        ),
        outcome,
    )
}

fn viewer_and_origins(cx: &Cx<'_>) -> Outcome {
    let mut checks = viewer_policies(cx);
    checks.push(viewer_certificate(cx));
    checks.extend(origins(cx));
    all(checks)
}

fn cf2(cx: &Cx<'_>) -> Outcome {
    with_staging(cx, access_logs(cx))
}

fn access_logs(cx: &Cx<'_>) -> Outcome {
    let bucket = format!("{CONFIG}/Logging/Bucket");
    if let Some(value) = cx.prop(&bucket) {
        return match cx.present(&bucket) {
            Err(e) => Outcome::Fail(e),
            Ok(_) if log_bucket_of_the_app(cx, value) => all([cx.present(&bucket)]),
            Ok(_) if unreadable_bucket(value) => Outcome::Fail(format!(
                "`DistributionConfig.Logging.Bucket` is {}, which no rule can read before deploy (or the import of an export that is no bucket's domain name of the app): the access logs may go to any bucket; write them to a bucket of the app (`Fn::GetAtt [Bucket, RegionalDomainName]`, or the import of its export)",
                text_or_json(value)
            )),
            Ok(_) => Outcome::Gap(format!(
                "`DistributionConfig.Logging.Bucket` is {}, which is no bucket of the app: whether the access logs (who fetched which record) are kept, encrypted and closed to others is not shown; write them to a bucket of the app (`Fn::GetAtt [Bucket, RegionalDomainName]`)",
                text_or_json(value)
            )),
        };
    }
    // Standard logging (v2): a delivery source of the distribution's access logs. Every
    // source and every delivery of the template is read: the distribution's access logs are
    // kept when any one pairing keeps them (the others may be copies, whose destinations X1
    // reads), and the best of what they show is told.
    let sources: Vec<&crate::cfn::Resource> = cx
        .others("AWS::Logs::DeliverySource")
        .filter(|s| {
            let p = s.properties();
            distribution_arn(&p["ResourceArn"], cx.id())
                && text(&p["LogType"]).is_some_and(|t| t == "ACCESS_LOGS")
        })
        .collect();
    let Some(first) = sources.first() else {
        return Outcome::Fail(
            "`DistributionConfig.Logging.Bucket` is not set and no `AWS::Logs::DeliverySource` of the template delivers the distribution's ACCESS_LOGS: who fetched what is not recorded".to_owned(),
        );
    };
    let mut best: Option<Outcome> = None;
    for source in &sources {
        // A source delivers nothing until a delivery pairs it with a destination (the
        // `AWS::Logs::DeliverySource` reference): an `AWS::Logs::Delivery` of the app whose
        // `DeliverySourceName` is the source's (its `Ref`, or its `Name` as text; in another
        // stack, the import of its export, or its `Name` as text in a stack of its region
        // and account, where delivery source names are one account's and region's) and
        // whose `DeliveryDestinationArn` is set. A delivery is read in its own stack.
        let name = text(&source.properties()["Name"]);
        let deliveries = cx.everywhere("AWS::Logs::Delivery").filter(|(stack, d)| {
            let named = &d.properties()["DeliverySourceName"];
            let pairs = match stack {
                None => {
                    super::meaning::names(named, source.logical_id())
                        || name.is_some() && text(named) == name
                }
                Some(_) => {
                    cx.named_in_app(*stack, named, "AWS::Logs::DeliverySource")
                        .is_some_and(|(_, s)| std::ptr::eq(s, *source))
                        || cx.beside(*stack)
                            && name.as_deref().is_some_and(|n| !n.contains("${"))
                            && text(named) == name
                }
            };
            pairs
                && cx
                    .in_stack_or_here(*stack, d)
                    .present("/DeliveryDestinationArn")
                    .is_ok()
        });
        for (stack, d) in deliveries {
            let at = cx.in_stack_or_here(stack, d);
            let outcome = match (record_fields(&at, d), destination_of_the_app(&at, d)) {
                (Err(e), _) => Outcome::Fail(e),
                (Ok(()), Err(outcome)) => outcome,
                (Ok(()), Ok(())) => all([
                    proof_of(source, "/ResourceArn").ok_or_default(),
                    proof_of(d, "/DeliveryDestinationArn")
                        .map(|p| p.with_stack(stack))
                        .ok_or_default(),
                ]),
            };
            let rank = |o: &Outcome| match o {
                Outcome::Pass(_) => 0,
                Outcome::Gap(_) => 1,
                _ => 2,
            };
            if best.as_ref().is_none_or(|b| rank(&outcome) < rank(b)) {
                best = Some(outcome);
            }
        }
    }
    best.unwrap_or_else(|| {
        Outcome::Fail(format!(
            "the delivery source `{}` of the distribution's ACCESS_LOGS is paired with no destination: no `AWS::Logs::Delivery` of the app names it with a `DeliveryDestinationArn`, so nothing is delivered",
            first.logical_id()
        ))
    })
}

/// Whether `value` is the ARN of distribution `id` of the stack's own account:
/// `arn:<partition>:cloudfront::${AWS::AccountId}:distribution/<its Ref>` (a distribution's
/// `Ref` is its id; `AWS::CloudFront::Distribution` has no `Arn` attribute), however the
/// text is built, with the distribution's `Ref` ending it. Text joined after the `Ref`
/// (`${D}-old`), another account written as a number or another service names another
/// resource, whose logs say nothing of this distribution's requests.
fn distribution_arn(value: &Value, id: &str) -> bool {
    const REF: &str = "\u{0}distribution";
    let own = super::meaning::Own {
        id,
        reference: REF.to_owned(),
        arn: "\u{0}arn".to_owned(),
        other: None,
    };
    let Some(arn) = super::meaning::text_about(value, &own) else {
        return false;
    };
    // The account pseudo parameter holds `::`: read it as one field.
    let arn = arn.trim().replace("${AWS::AccountId}", "\u{0}account");
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(
        parts.as_slice(),
        ["arn", _, "cloudfront", "", "\u{0}account", rest] if *rest == format!("distribution/{REF}")
    )
}

/// A delivery's `RecordFields` ("The list of record fields to be delivered to the
/// destination, in order", the `AWS::Logs::Delivery` reference; standard logging v2 lets
/// one "select the log fields that you want", "Configure standard logging (v2)", CloudFront
/// developer guide): when it is written, it must keep who asked (`c-ip`), for what
/// (`cs-uri-stem`) and when (`date`, `time`, or the real-time `timestamp`). Not written,
/// every field is delivered.
fn record_fields(cx: &Cx<'_>, delivery: &crate::cfn::Resource) -> Result<(), String> {
    let Some(fields) = cx.on(delivery).prop("/RecordFields") else {
        return Ok(());
    };
    let Value::Array(items) = fields else {
        return Err(format!(
            "the `RecordFields` of the delivery `{}` are {}, which no rule can read before deploy: write them as a list that keeps c-ip, cs-uri-stem and the time",
            delivery.logical_id(),
            text_or_json(fields)
        ));
    };
    let listed: Vec<String> = items.iter().filter_map(text).collect();
    let has = |names: &[&str]| listed.iter().any(|f| names.contains(&f.trim()));
    let missing: Vec<&str> = [
        (&["c-ip"][..], "c-ip (who asked)"),
        (&["cs-uri-stem"][..], "cs-uri-stem (for what)"),
        (
            &["date", "time", "timestamp", "timestamp(ms)"][..],
            "date and time, or timestamp (when)",
        ),
    ]
    .iter()
    .filter(|(names, _)| !has(names))
    .map(|(_, what)| *what)
    .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the `RecordFields` of the delivery `{}` leave out {}: the access logs do not record who fetched what; add them, or remove `RecordFields` to deliver every field",
            delivery.logical_id(),
            missing.join(", ")
        ))
    }
}

/// A delivery's destination must be the app's, as a `Logging.Bucket` must: an
/// `AWS::Logs::DeliveryDestination` of the template (by its `Arn`) whose
/// `DestinationResourceArn` is a resource of the app ([`resource_of_the_app`]), or the
/// import of an export of the `Arn` of such a destination by a stack of the app, read in
/// that stack. Else (an ARN written as text, another account's destination) a gap: whether
/// the logs are kept, encrypted and closed to others is not shown. The import of an export
/// that is no delivery destination of the app may be any destination, and fails.
fn destination_of_the_app(cx: &Cx<'_>, delivery: &crate::cfn::Resource) -> Result<(), Outcome> {
    const DESTINATION: &str = "AWS::Logs::DeliveryDestination";
    let arn = &delivery.properties()["DeliveryDestinationArn"];
    if let Some(import) = arn.get("Fn::ImportValue") {
        let name = text(import);
        let exported = cx.importable(cx.at, DESTINATION).find_map(|(stack, d)| {
            let there = cx.template_of(stack);
            super::arn::exports_of(there, d.logical_id())
                .iter()
                .any(|(export, value)| {
                    name.as_deref() == Some(*export)
                        && super::services::arn_of(value, d.logical_id())
                })
                .then_some((stack, d))
        });
        let Some((stack, destination)) = exported else {
            return Err(Outcome::Fail(format!(
                "the delivery `{}` sends the distribution's access logs to the import of {}, which no stack of the app exports as the `Arn` of an `AWS::Logs::DeliveryDestination`: they may go anywhere; import the export of a delivery destination of the app",
                delivery.logical_id(),
                text_or_json(import)
            )));
        };
        return resource_of_the_app(&cx.in_stack_or_here(stack, destination), destination);
    }
    let destination = cx
        .others(DESTINATION)
        .find(|d| super::services::arn_of(arn, d.logical_id()));
    let Some(destination) = destination else {
        return Err(Outcome::Gap(format!(
            "the delivery `{}` sends the distribution's access logs to {}, which is no `AWS::Logs::DeliveryDestination` of this template: whether the logs are kept, encrypted and closed to others is not shown",
            delivery.logical_id(),
            text_or_json(arn)
        )));
    };
    resource_of_the_app(cx, destination)
}

/// Whether the `DestinationResourceArn` of a delivery destination (read in `cx`, its own
/// template) is a resource of the app, as every rule reads one: a bucket
/// ([`super::services::bucket_arn_of_the_app`]), a Firehose stream
/// ([`super::services::stream_arn_of_the_app`]) or a log group
/// ([`super::services::log_group_outside_the_app`], the reading of T1, OS2 and F4). A
/// resource written whole that no template declares is a gap; a value no rule can read
/// before deploy (a parameter, a custom resource's attribute, an import of no such export)
/// may be any resource, and fails.
fn resource_of_the_app(cx: &Cx<'_>, destination: &crate::cfn::Resource) -> Result<(), Outcome> {
    let resource = &destination.properties()["DestinationResourceArn"];
    if super::services::bucket_arn_of_the_app(cx, resource)
        || super::services::stream_arn_of_the_app(cx, resource)
    {
        return Ok(());
    }
    let property = format!("`{}.DestinationResourceArn`", destination.logical_id());
    match super::services::log_group_outside_the_app(
        cx,
        resource,
        &super::services::LogWriter {
            property: &property,
            writer: "the delivery destination",
            own_account_only: false,
        },
    ) {
        None => Ok(()),
        Some(Outcome::Fail(why)) => Err(Outcome::Fail(format!(
            "{why} (a bucket or Firehose stream of the app is read the same way)"
        ))),
        Some(_) => Err(Outcome::Gap(format!(
            "the delivery destination `{}` writes the access logs to {}, which is no resource of the app: whether they are kept, encrypted and closed to others is not shown; deliver them to a bucket or log group of the app",
            destination.logical_id(),
            text_or_json(resource)
        ))),
    }
}

/// Whether `value` is wholly a domain name attribute of `id` (`DomainName`,
/// `RegionalDomainName`, `DualStackDomainName`), as an export of a bucket's domain must be.
fn domain_attribute(value: &Value, id: &str) -> bool {
    let attribute = match value.as_object().filter(|m| m.len() == 1) {
        Some(m) => match (m.get("Fn::GetAtt"), m.get("Fn::Sub")) {
            (Some(Value::Array(parts)), _) => match parts.as_slice() {
                [Value::String(r), Value::String(a)] if r == id => Some(a.clone()),
                _ => None,
            },
            (Some(Value::String(t)), _) => t
                .split_once('.')
                .filter(|(r, _)| *r == id)
                .map(|(_, a)| a.to_owned()),
            (_, Some(Value::String(t))) => t
                .strip_prefix("${")
                .and_then(|t| t.strip_suffix('}'))
                .and_then(|t| t.split_once('.'))
                .filter(|(r, _)| *r == id)
                .map(|(_, a)| a.to_owned()),
            _ => None,
        },
        None => None,
    };
    attribute.is_some_and(|a| {
        matches!(
            a.as_str(),
            "DomainName" | "RegionalDomainName" | "DualStackDomainName"
        )
    })
}

/// Whether a `Logging.Bucket` names a bucket of the app: a bucket of the template by
/// reference (its `DomainName` or `RegionalDomainName`), the import of an export of a
/// bucket's domain name by a stack of the app, or the domain name of a bucket that the app
/// names (`name.s3.amazonaws.com`, `name.s3.<region>.amazonaws.com`).
fn log_bucket_of_the_app(cx: &Cx<'_>, value: &Value) -> bool {
    if let Some(import) = value.get("Fn::ImportValue") {
        let name = text(import);
        return cx.importable(cx.at, "AWS::S3::Bucket").any(|(stack, b)| {
            super::arn::exports_of(cx.template_of(stack), b.logical_id())
                .iter()
                .any(|(export, v)| {
                    name.as_deref() == Some(*export) && domain_attribute(v, b.logical_id())
                })
        });
    }
    // A bucket of the template by a domain attribute, or its `Ref` (its name) before
    // `.s3.`: text joined onto the name (`${Logs}-copy.s3…`) names another bucket.
    if cx.others("AWS::S3::Bucket").any(|b| {
        let own = super::meaning::Own {
            id: b.logical_id(),
            reference: "\u{0}name".to_owned(),
            arn: "\u{0}arn".to_owned(),
            other: None,
        };
        domain_attribute(value, b.logical_id())
            || super::meaning::text_about(value, &own).is_some_and(|t| {
                t.trim().split_once(".s3.").is_some_and(|(name, rest)| {
                    name == "\u{0}name" && rest.ends_with("amazonaws.com")
                })
            })
    }) {
        return true;
    }
    text(value).is_some_and(|t| {
        let t = t.trim().to_ascii_lowercase();
        t.split_once(".s3.")
            .is_some_and(|(name, _)| cx.index.app_names.of_service(name, "s3"))
    })
}

/// Whether a `Logging.Bucket` that is no bucket of the app cannot be read before deploy (a
/// parameter, a custom resource's attribute, an import of no bucket's domain, a dynamic
/// reference): then the logs may go to any bucket.
fn unreadable_bucket(value: &Value) -> bool {
    value.get("Fn::ImportValue").is_some()
        || text(value).is_none_or(|t| {
            let fixed = t
                .replace("${AWS::AccountId}", "")
                .replace("${AWS::Region}", "")
                .replace("${AWS::URLSuffix}", "");
            fixed.contains("${") || super::identity::dynamic(&fixed)
        })
}

fn cf3(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == TENANT {
        return tenant_web_acl(cx);
    }
    with_staging(cx, web_acl_at(cx, &format!("{CONFIG}/WebACLId")))
}

/// The web ACL of a distribution tenant: its `Customizations.WebAcl` overrides the
/// multi-tenant distribution's with `Action` override and an `Arn`, or removes it with
/// disable ("If you specify disable, the distribution tenant won't have AWS WAF web ACL
/// protections and won't inherit from the multi-tenant distribution",
/// "AWS::CloudFront::DistributionTenant WebAclCustomization", CloudFormation template
/// reference). Without one the tenant inherits the web ACL of its distribution, which this
/// rule reads where the distribution is declared: it must be one of this template.
fn tenant_web_acl(cx: &Cx<'_>) -> Outcome {
    let customization = "/Customizations/WebAcl";
    if cx.prop(customization).is_none() {
        let parent = cx.prop("/DistributionId").and_then(|id| {
            cx.others(DISTRIBUTION)
                .find(|d| super::meaning::names(id, d.logical_id()))
        });
        return match parent {
            Some(_) => all([cx.present("/DistributionId")]),
            None => Outcome::Gap(format!(
                "the tenant inherits the web ACL of its multi-tenant distribution, and `DistributionId` is {}, which names no `AWS::CloudFront::Distribution` of this template: whether a web ACL filters its requests is read nowhere",
                cx.prop("/DistributionId")
                    .map_or_else(|| "not set".to_owned(), text_or_json)
            )),
        };
    }
    let action = format!("{customization}/Action");
    if let Err(e) = cx.reads_as(
        &action,
        &["override"],
        "with disable the tenant has no web ACL and does not inherit its distribution's; remove `Customizations.WebAcl` or override it with a web ACL's ARN",
    ) {
        return Outcome::Fail(e);
    }
    web_acl_at(cx, &format!("{customization}/Arn"))
}

/// The web ACL named at `pointer` (a distribution's `WebACLId`, a tenant's
/// `Customizations.WebAcl.Arn`): a WAFv2 web ACL of the template with scope CLOUDFRONT and
/// rules that filter, or one of another stack or of the account by its global ARN.
fn web_acl_at(cx: &Cx<'_>, pointer: &str) -> Outcome {
    let Some(acl_value) = cx.prop(pointer) else {
        return Outcome::Fail(format!(
            "`{}` is not set: requests reach the origins unfiltered",
            pointer_name(pointer)
        ));
    };
    // CloudFront takes a WAFv2 web ACL by its ARN ("To specify a web ACL created using the
    // latest version of WAF, use the ACL ARN", `WebACLId`, CloudFront API
    // `DistributionConfig`): its `Arn`, not its `Ref` (name, id and scope) or text built
    // around its `Id`.
    // A web ACL of this template, or one of another stack of the app whose export of its ARN
    // the value imports (`ArnOf`: the export's value is wholly its `Arn`), read in its own
    // template as one of this template is.
    let local = super::frontdoor::web_acl(cx.template, acl_value).map(|acl| (None, acl));
    let found = local.or_else(|| {
        cx.everywhere("AWS::WAFv2::WebACL")
            .filter(|(stack, _)| stack.is_some())
            .find(|(stack, acl)| {
                cx.position(*stack).is_some_and(|at| {
                    super::arn::ArnOf::of(cx.template_of(*stack), acl)
                        .is_arn(acl_value, super::arn::Reader::of(cx, at, cx.at))
                })
            })
    });
    let Some((stack, acl)) = found else {
        if let Some(other) = cx
            .others("AWS::WAFv2::WebACL")
            .find(|acl| super::compute::mentions(acl_value, acl.logical_id()))
        {
            return Outcome::Fail(format!(
                "`{}` is {}, which mentions the web ACL `{}` but is not its ARN: name it by `Fn::GetAtt [{}, Arn]`",
                pointer_name(pointer),
                text_or_json(acl_value),
                other.logical_id(),
                other.logical_id()
            ));
        }
        // The account's global web ACL (a firewall manager's), by ARN. An import that no
        // stack of the app exports as a web ACL's ARN (an export of its `Ref` or `Id`, of
        // text, of another resource) names nothing whose rules are read.
        return if text(acl_value).is_some_and(|t| {
            !super::identity::dynamic(&t)
                && t.trim().starts_with("arn:")
                && t.contains(":wafv2:")
                && t.contains(":global/webacl/")
        }) {
            all([cx.present(pointer)])
        } else {
            Outcome::Fail(format!(
                "`{}` is {}, which is no WAFv2 web ACL of the app (its `Arn`, or an import of a stack that exports it) or global web ACL ARN: whether it filters requests is read nowhere",
                pointer_name(pointer),
                text_or_json(acl_value)
            ))
        };
    };
    let named = |proof: Option<Proof>| proof.map(|p| p.with_stack(stack));
    let p = acl.properties();
    let scope = text(&p["Scope"]).unwrap_or_default();
    if scope != "CLOUDFRONT" {
        return Outcome::Fail(format!(
            "the web ACL `{}` has `Scope` {}, not CLOUDFRONT: it cannot protect a distribution",
            acl.logical_id(),
            if scope.is_empty() { "not set" } else { &scope }
        ));
    }
    let filters = match super::frontdoor::filtering(cx, stack, acl) {
        Ok(at) => at,
        Err(super::frontdoor::Unfiltered::Nothing(why)) => return Outcome::Fail(why),
        Err(super::frontdoor::Unfiltered::Unknown(why)) => {
            return super::frontdoor::Unfiltered::gap_unless_failed(
                why,
                all([cx.present(pointer)]),
            );
        }
    };
    all([
        cx.present(pointer),
        named(proof_of(acl, filters)).ok_or_default(),
    ])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::compliance::rules::dms::tests::outcome_of;

    /// CF2 of distribution `D` of stack `edge`, with `extra` resources beside it, where
    /// stack `logs` holds a bucket `B`, a log group `G`, a delivery destination `Dest` to
    /// the group and a custom resource `C`, and exports `logs:Domain` (the bucket's
    /// regional domain name), `logs:Name` (the bucket's name), `logs:Dest` (the
    /// destination's `Arn`), `logs:GroupArn` and `logs:Custom` (an attribute of `C`).
    fn cf2_with(distribution: Value, extra: Vec<(&str, &str, Value)>) -> Outcome {
        use crate::cfn::{Expr, Output, Resource, Template};
        let output = |name: &str, value: Expr| Output {
            name: name.to_owned(),
            value,
            description: None,
            export: Some(format!("logs:{name}")),
        };
        let raw = |id: &str, t: &str, p: Value| Resource::raw(id.to_owned(), t.to_owned(), p);
        let logs = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![
                raw("B", "AWS::S3::Bucket", json!({})),
                raw(
                    "G",
                    "AWS::Logs::LogGroup",
                    json!({ "LogGroupName": "cdn-access", "RetentionInDays": 365 }),
                ),
                raw(
                    "Dest",
                    "AWS::Logs::DeliveryDestination",
                    json!({ "Name": "cdn", "DestinationResourceArn": { "Fn::GetAtt": ["G", "Arn"] } }),
                ),
                raw(
                    "C",
                    "Custom::Anything",
                    json!({ "ServiceToken": "arn:aws:lambda:us-east-1:111122223333:function:f" }),
                ),
            ],
            outputs: vec![
                output("Domain", Expr::get_att("B", "RegionalDomainName")),
                output("Name", Expr::reference("B")),
                output("Dest", Expr::get_att("Dest", "Arn")),
                output("GroupArn", Expr::get_att("G", "Arn")),
                output("Custom", Expr::get_att("C", "Arn")),
            ],
        };
        let mut resources = vec![raw("D", DISTRIBUTION, distribution)];
        resources.extend(extra.into_iter().map(|(id, t, p)| raw(id, t, p)));
        let edge = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources,
            outputs: Vec::new(),
        };
        let stacks = [("edge", &edge), ("logs", &logs)];
        let index = super::super::Index::new(&stacks);
        cf2(&Cx::in_first(&stacks, &edge.resources()[0], &index))
    }

    #[test]
    fn cf2_counts_an_import_only_as_an_export_of_the_right_kind() {
        let logged =
            |bucket: Value| json!({ "DistributionConfig": { "Logging": { "Bucket": bucket } } });
        let found = cf2_with(
            logged(json!({ "Fn::ImportValue": "logs:Domain" })),
            Vec::new(),
        );
        assert!(matches!(found, Outcome::Pass(_)), "{found:?}");
        for bucket in [
            json!({ "Fn::ImportValue": "logs:Name" }),
            json!({ "Fn::ImportValue": "logs:Custom" }),
            json!({ "Fn::Join": ["", [{ "Fn::ImportValue": "logs:Name" }, ".s3.amazonaws.com"]] }),
            json!({ "Ref": "LogBucket" }),
            json!("{{resolve:ssm:/cdn/log-bucket}}"),
        ] {
            let found = cf2_with(logged(bucket.clone()), Vec::new());
            assert!(matches!(found, Outcome::Fail(_)), "{bucket}: {found:?}");
        }
        // A bucket of the template by its name before `.s3.`, not text joined onto it.
        let own = || vec![("Own", "AWS::S3::Bucket", json!({}))];
        for held in [
            json!({ "Fn::Sub": "${Own}.s3.amazonaws.com" }),
            json!({ "Fn::Sub": "${Own}.s3.${AWS::Region}.${AWS::URLSuffix}" }),
            json!({ "Fn::GetAtt": "Own.DomainName" }),
        ] {
            let found = cf2_with(logged(held.clone()), own());
            assert!(matches!(found, Outcome::Pass(_)), "{held}: {found:?}");
        }
        let copy = json!({ "Fn::Join": ["", [{ "Ref": "Own" }, "-copy.s3.amazonaws.com"]] });
        let found = cf2_with(logged(copy), own());
        assert!(matches!(found, Outcome::Fail(_)), "{found:?}");
        // Standard logging (v2): a delivery to a destination, imported or of the template.
        let v2 = |destination: Value, resource: Value| {
            cf2_with(
                json!({ "DistributionConfig": {} }),
                vec![
                    (
                        "Source",
                        "AWS::Logs::DeliverySource",
                        json!({ "Name": "cdn", "LogType": "ACCESS_LOGS", "ResourceArn": { "Fn::Sub": "arn:aws:cloudfront::${AWS::AccountId}:distribution/${D}" } }),
                    ),
                    (
                        "Delivery",
                        "AWS::Logs::Delivery",
                        json!({ "DeliverySourceName": { "Ref": "Source" }, "DeliveryDestinationArn": destination }),
                    ),
                    (
                        "Local",
                        "AWS::Logs::DeliveryDestination",
                        json!({ "Name": "local", "DestinationResourceArn": resource }),
                    ),
                    ("Bucket", "AWS::S3::Bucket", json!({})),
                    (
                        "Custom",
                        "Custom::Anything",
                        json!({ "ServiceToken": "arn:aws:lambda:us-east-1:111122223333:function:f" }),
                    ),
                ],
            )
        };
        let local = json!({ "Fn::GetAtt": ["Local", "Arn"] });
        for (destination, resource) in [
            (json!({ "Fn::ImportValue": "logs:Dest" }), json!(null)),
            (local.clone(), json!({ "Fn::GetAtt": ["Bucket", "Arn"] })),
            (local.clone(), json!({ "Fn::ImportValue": "logs:GroupArn" })),
            (
                local.clone(),
                json!({ "Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:cdn-access" }),
            ),
        ] {
            let found = v2(destination.clone(), resource.clone());
            assert!(
                matches!(found, Outcome::Pass(_)),
                "{destination} {resource}: {found:?}"
            );
        }
        for (destination, resource) in [
            (json!({ "Fn::ImportValue": "logs:GroupArn" }), json!(null)),
            (json!({ "Fn::ImportValue": "logs:Custom" }), json!(null)),
            (local.clone(), json!({ "Fn::ImportValue": "logs:Custom" })),
            (local.clone(), json!({ "Fn::GetAtt": ["Custom", "Arn"] })),
            (local.clone(), json!({ "Ref": "Somewhere" })),
        ] {
            let found = v2(destination.clone(), resource.clone());
            assert!(
                matches!(found, Outcome::Fail(_)),
                "{destination} {resource}: {found:?}"
            );
        }
        for (destination, resource) in [
            (local.clone(), json!("arn:aws:s3:::someone-elses-bucket")),
            (
                local.clone(),
                json!({ "Fn::Sub": "arn:aws:s3:::${Bucket}-copy" }),
            ),
            (
                json!("arn:aws:logs:us-east-1:999988887777:delivery-destination:elsewhere"),
                json!(null),
            ),
        ] {
            let found = v2(destination.clone(), resource.clone());
            assert!(
                !matches!(found, Outcome::Pass(_)),
                "{destination} {resource}: {found:?}"
            );
        }
    }

    /// CF3 of distribution `D` of stack `edge` whose `WebACLId` imports `security:Acl`,
    /// which stack `security` exports as `export` of its web ACL `Acl` with `rules`.
    fn imported_acl(export: crate::cfn::Expr, rules: Value) -> Outcome {
        use crate::cfn::{Output, Resource, Template};
        let security = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![Resource::raw(
                "Acl".to_owned(),
                "AWS::WAFv2::WebACL".to_owned(),
                json!({ "Scope": "CLOUDFRONT", "DefaultAction": { "Allow": {} }, "Rules": rules }),
            )],
            outputs: vec![Output {
                name: "AclArn".to_owned(),
                value: export,
                description: None,
                export: Some("security:Acl".to_owned()),
            }],
        };
        let edge = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![Resource::raw(
                "D".to_owned(),
                DISTRIBUTION.to_owned(),
                json!({ "DistributionConfig": { "WebACLId": { "Fn::ImportValue": "security:Acl" } } }),
            )],
            outputs: Vec::new(),
        };
        let stacks = [("edge", &edge), ("security", &security)];
        let index = super::super::Index::new(&stacks);
        cf3(&Cx::in_first(&stacks, &edge.resources()[0], &index))
    }

    #[test]
    fn a_tenant_of_another_stack_with_a_certificate_of_its_own_is_a_gap_of_its_distribution() {
        use crate::cfn::{Expr, Output, Resource, Template};
        let outcome = |customizations: Value| {
            let edge = Template {
                description: String::new(),
                parameters: Vec::new(),
                resources: vec![Resource::raw(
                    "D".to_owned(),
                    DISTRIBUTION.to_owned(),
                    json!({ "DistributionConfig": {
                        "DefaultCacheBehavior": { "ViewerProtocolPolicy": "https-only" },
                        "Origins": [{ "Id": "app", "DomainName": "app.example.org", "CustomOriginConfig": { "OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"] } }],
                        "ViewerCertificate": { "AcmCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/1", "SslSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021" },
                    } }),
                )],
                outputs: vec![Output {
                    name: "D".to_owned(),
                    value: Expr::reference("D"),
                    description: None,
                    export: Some("edge:D".to_owned()),
                }],
            };
            let tenants = Template {
                description: String::new(),
                parameters: Vec::new(),
                resources: vec![Resource::raw(
                    "T".to_owned(),
                    TENANT.to_owned(),
                    json!({ "DistributionId": { "Fn::ImportValue": "edge:D" }, "Domains": ["clinic.example.org"], "Customizations": customizations }),
                )],
                outputs: Vec::new(),
            };
            let stacks = [("edge", &edge), ("tenants", &tenants)];
            let index = super::super::Index::new(&stacks);
            cf1(&Cx::in_first(&stacks, &edge.resources()[0], &index))
        };
        assert!(matches!(
            outcome(json!({ "Certificate": { "Arn": "arn:aws:acm:us-east-1:123456789012:certificate/2" } })),
            Outcome::Gap(ref why) if why.contains("tenants/T")
        ));
        assert!(matches!(
            outcome(json!({ "GeoRestrictions": { "RestrictionType": "none" } })),
            Outcome::Pass(_)
        ));
    }

    #[test]
    fn any_delivery_of_the_distributions_access_logs_that_keeps_them_is_read() {
        let source = |name: &str| json!({ "Name": name, "LogType": "ACCESS_LOGS", "ResourceArn": { "Fn::Sub": "arn:aws:cloudfront::${AWS::AccountId}:distribution/${D}" } });
        let delivery = |source: &str, destination: &str| json!({ "DeliverySourceName": { "Ref": source }, "DeliveryDestinationArn": { "Fn::GetAtt": [destination, "Arn"] } });
        let extra = |deliveries: Vec<(&'static str, Value)>| {
            let mut extra = vec![
                ("Unused", "AWS::Logs::DeliverySource", source("unused")),
                ("Used", "AWS::Logs::DeliverySource", source("used")),
                ("Bucket", "AWS::S3::Bucket", json!({})),
                (
                    "Local",
                    "AWS::Logs::DeliveryDestination",
                    json!({ "Name": "local", "DestinationResourceArn": { "Fn::GetAtt": ["Bucket", "Arn"] } }),
                ),
                (
                    "Outside",
                    "AWS::Logs::DeliveryDestination",
                    json!({ "Name": "outside", "DestinationResourceArn": "arn:aws:s3:::someone-elses-bucket" }),
                ),
            ];
            extra.extend(
                deliveries
                    .into_iter()
                    .map(|(id, d)| (id, "AWS::Logs::Delivery", d)),
            );
            cf2_with(json!({ "DistributionConfig": {} }), extra)
        };
        // The first source pairs with nothing, or with a destination outside the app; the
        // second delivers to a bucket of the app.
        for deliveries in [
            vec![("Kept", delivery("Used", "Local"))],
            vec![
                ("Elsewhere", delivery("Unused", "Outside")),
                ("Kept", delivery("Used", "Local")),
            ],
        ] {
            let found = extra(deliveries);
            assert!(matches!(found, Outcome::Pass(_)), "{found:?}");
        }
        let found = extra(vec![("Elsewhere", delivery("Used", "Outside"))]);
        assert!(matches!(found, Outcome::Gap(_)), "{found:?}");
        let found = extra(Vec::new());
        assert!(
            matches!(found, Outcome::Fail(ref why) if why.contains("Unused")),
            "{found:?}"
        );
    }

    #[test]
    fn a_delivery_source_logs_the_distribution_only_by_its_own_arn() {
        let sub = |t: &str| json!({ "Fn::Sub": t });
        for arn in [
            sub("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${D}"),
            json!({ "Fn::Join": [":", ["arn", { "Ref": "AWS::Partition" }, "cloudfront", "", { "Ref": "AWS::AccountId" }, { "Fn::Sub": "distribution/${D}" }]] }),
        ] {
            assert!(distribution_arn(&arn, "D"), "{arn}");
        }
        for arn in [
            sub("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${D}-old"),
            sub("arn:${AWS::Partition}:cloudfront::111122223333:distribution/${D}"),
            sub("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Other}"),
            sub("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution-tenant/${D}"),
            json!({ "Ref": "D" }),
        ] {
            assert!(!distribution_arn(&arn, "D"), "{arn}");
        }
    }

    #[test]
    fn an_imported_web_acl_is_read_in_the_stack_that_exports_it() {
        use crate::cfn::Expr;
        let blocking = json!([{ "Name": "block", "Priority": 0, "Action": { "Block": {} }, "Statement": { "GeoMatchStatement": { "CountryCodes": ["KP"] } } }]);
        assert!(matches!(
            imported_acl(Expr::get_att("Acl", "Arn"), blocking.clone()),
            Outcome::Pass(ref p) if p.iter().any(|p| p.logical_id == "security/Acl")
        ));
        // Rules that only count, and an export of the ACL's `Ref` (name, id and scope) or
        // of text around its ARN, are no web ACL that filters.
        let counting = json!([{ "Name": "count", "Priority": 0, "Action": { "Count": {} }, "Statement": { "GeoMatchStatement": { "CountryCodes": ["KP"] } } }]);
        assert!(matches!(
            imported_acl(Expr::get_att("Acl", "Arn"), counting),
            Outcome::Fail(_)
        ));
        for export in [Expr::reference("Acl"), Expr::sub_pseudo("${Acl.Arn}-old")] {
            assert!(matches!(
                imported_acl(export, blocking.clone()),
                Outcome::Fail(_)
            ));
        }
    }

    #[test]
    fn a_web_acl_of_another_stack_is_read_there_and_text_must_be_a_global_arn() {
        let with = |acl: Value| {
            outcome_of(
                cf3,
                DISTRIBUTION,
                json!({ "DistributionConfig": { "WebACLId": acl } }),
            )
        };
        // An import that no stack of the app exports as a web ACL's ARN names nothing read.
        assert!(matches!(
            with(json!({ "Fn::ImportValue": "security:EdgeAcl:Arn" })),
            Outcome::Fail(_)
        ));
        // An import wrapped in another intrinsic is no value the rule can read.
        assert!(matches!(
            with(json!({ "Fn::Join": ["", [{ "Fn::ImportValue": "security:EdgeAcl:Arn" }]] })),
            Outcome::Fail(_)
        ));
        assert!(matches!(
            with(json!(
                "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1"
            )),
            Outcome::Pass(_)
        ));
        assert!(matches!(
            with(json!(
                "arn:aws:waf-regional:us-east-1:123456789012:global/webacl/edge/1"
            )),
            Outcome::Fail(_)
        ));
    }

    /// A distribution that CF1 passes, with `behavior` merged into its default cache
    /// behavior and `origin` into its custom origin's `CustomOriginConfig`.
    fn cf1_distribution(behavior: Value, origin: Value) -> Value {
        let mut d = json!({ "DistributionConfig": {
            "Enabled": true,
            "DefaultCacheBehavior": { "TargetOriginId": "api", "ViewerProtocolPolicy": "redirect-to-https" },
            "Origins": [{ "Id": "api", "DomainName": "api.example.org",
                "CustomOriginConfig": { "OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"] } }],
            "ViewerCertificate": { "AcmCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/c",
                "SslSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021" }
        } });
        let config = &mut d["DistributionConfig"];
        for (k, v) in behavior.as_object().into_iter().flatten() {
            config["DefaultCacheBehavior"][k] = v.clone();
        }
        for (k, v) in origin.as_object().into_iter().flatten() {
            config["Origins"][0]["CustomOriginConfig"][k] = v.clone();
        }
        d
    }

    #[test]
    fn a_request_body_given_to_lambda_at_edge_is_a_gap_however_it_is_written() {
        let cf1_of = |d: Value| outcome_of(cf1, DISTRIBUTION, d);
        let edge = |association: Value| {
            cf1_distribution(
                json!({ "LambdaFunctionAssociations": [association] }),
                json!({}),
            )
        };
        let arn = "arn:aws:lambda:us-east-1:111122223333:function:forms:3";
        for association in [
            json!({ "EventType": "viewer-request", "LambdaFunctionARN": arn, "IncludeBody": true }),
            json!({ "EventType": "viewer-request", "LambdaFunctionARN": arn, "IncludeBody": "True" }),
            json!({ "EventType": "viewer-request", "LambdaFunctionARN": arn, "IncludeBody": { "Ref": "Body" } }),
            json!({ "Fn::ImportValue": "edge:association" }),
        ] {
            match cf1_of(edge(association.clone())) {
                Outcome::Gap(why) => assert!(why.contains("request body"), "{why}"),
                other => panic!("{association}: {other:?}"),
            }
        }
        // Not given: no body reaches the function, and a viewer-response one reaches no origin.
        for association in [
            json!({ "EventType": "viewer-response", "LambdaFunctionARN": arn }),
            json!({ "EventType": "viewer-request", "LambdaFunctionARN": arn, "IncludeBody": "false" }),
            json!({ "EventType": "viewer-request", "LambdaFunctionARN": arn, "IncludeBody": { "Ref": "AWS::NoValue" } }),
        ] {
            assert!(
                matches!(cf1_of(edge(association.clone())), Outcome::Pass(_)),
                "{association}"
            );
        }
        // An origin-request function that also reads the body: both are told.
        match cf1_of(edge(
            json!({ "EventType": "origin-request", "LambdaFunctionARN": arn, "IncludeBody": true }),
        )) {
            Outcome::Gap(why) => {
                assert!(
                    why.contains("origin of its choosing") && why.contains("request body"),
                    "{why}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_behavior_or_origin_removed_by_no_value_is_no_entry() {
        let mut d = cf1_distribution(json!({}), json!({}));
        d["DistributionConfig"]["CacheBehaviors"] = json!([{ "Ref": "AWS::NoValue" }]);
        d["DistributionConfig"]["Origins"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "Ref": "AWS::NoValue" }));
        assert!(matches!(
            outcome_of(cf1, DISTRIBUTION, d.clone()),
            Outcome::Pass(_)
        ));
        // An entry written whole as another intrinsic may be any behavior.
        d["DistributionConfig"]["CacheBehaviors"] = json!([{ "Fn::ImportValue": "edge:behavior" }]);
        assert!(matches!(outcome_of(cf1, DISTRIBUTION, d), Outcome::Fail(_)));
    }

    #[test]
    fn match_viewer_passes_exactly_when_every_behavior_to_the_origin_keeps_viewers_on_https() {
        let cf1_of = |d: Value| outcome_of(cf1, DISTRIBUTION, d);
        let matched = |d: &mut Value| {
            d["DistributionConfig"]["Origins"][0]["CustomOriginConfig"]["OriginProtocolPolicy"] =
                json!({ "Fn::Sub": "match-viewer" });
        };
        let https = |target: &str| json!({ "PathPattern": "/x/*", "TargetOriginId": target, "ViewerProtocolPolicy": "https-only" });
        let mut d = cf1_distribution(json!({}), json!({}));
        matched(&mut d);
        d["DistributionConfig"]["CacheBehaviors"] = json!([https("api")]);
        match cf1_of(d.clone()) {
            Outcome::Pass(proofs) => assert!(
                proofs
                    .iter()
                    .any(|p| p.path.ends_with("OriginProtocolPolicy")),
                "{proofs:?}"
            ),
            other => panic!("{other:?}"),
        }
        // Through an origin group that holds it, and with a target that cannot be read.
        d["DistributionConfig"]["OriginGroups"] = json!({ "Quantity": 1, "Items": [{ "Id": "failover",
            "Members": { "Quantity": 1, "Items": [{ "OriginId": "api" }] } }] });
        for target in [
            json!("failover"),
            json!({ "Fn::ImportValue": "edge:target" }),
        ] {
            let mut open = d.clone();
            open["DistributionConfig"]["CacheBehaviors"][0]["TargetOriginId"] = target.clone();
            open["DistributionConfig"]["CacheBehaviors"][0]["ViewerProtocolPolicy"] =
                json!("allow-all");
            match cf1_of(open) {
                Outcome::Fail(why) => assert!(
                    why.contains("OriginProtocolPolicy` is match-viewer")
                        && why.contains("CacheBehaviors.0"),
                    "{target}: {why}"
                ),
                other => panic!("{target}: {other:?}"),
            }
        }
        // A behavior to another origin is no concern of this one's.
        let mut other = d.clone();
        other["DistributionConfig"]["OriginGroups"] = json!({ "Quantity": 0, "Items": [] });
        other["DistributionConfig"]["Origins"].as_array_mut().unwrap().push(json!({ "Id": "static",
            "DomainName": "static.example.org", "CustomOriginConfig": { "OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"] } }));
        other["DistributionConfig"]["CacheBehaviors"] = json!([{ "PathPattern": "/s/*", "TargetOriginId": "static", "ViewerProtocolPolicy": "allow-all" }]);
        match cf1_of(other) {
            Outcome::Fail(why) => assert!(!why.contains("match-viewer"), "{why}"),
            other => panic!("{other:?}"),
        }
        // Behaviors that cannot be read may be any behavior.
        let mut unread = d.clone();
        unread["DistributionConfig"]["CacheBehaviors"] =
            json!({ "Fn::ImportValue": "edge:behaviors" });
        match cf1_of(unread) {
            Outcome::Fail(why) => assert!(why.contains("cannot be read"), "{why}"),
            other => panic!("{other:?}"),
        }
        // Origin groups that cannot be read may route every behavior to it: each is read.
        let mut groups = d.clone();
        groups["DistributionConfig"]["OriginGroups"] = json!({ "Fn::ImportValue": "edge:groups" });
        assert!(matches!(cf1_of(groups.clone()), Outcome::Pass(_)));
        groups["DistributionConfig"]["Origins"].as_array_mut().unwrap().push(json!({ "Id": "static",
            "DomainName": "static.example.org", "CustomOriginConfig": { "OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"] } }));
        groups["DistributionConfig"]["CacheBehaviors"][0]["TargetOriginId"] = json!("static");
        groups["DistributionConfig"]["CacheBehaviors"][0]["ViewerProtocolPolicy"] =
            json!("allow-all");
        match cf1_of(groups) {
            Outcome::Fail(why) => assert!(why.contains("is match-viewer"), "{why}"),
            other => panic!("{other:?}"),
        }
        // A VPC origin that no distribution of the app routes to: its behaviors are read
        // nowhere, and match-viewer fails there.
        let vpc = json!({ "VpcOriginEndpointConfig": { "Arn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/a/1",
            "Name": "a", "OriginProtocolPolicy": "match-viewer", "OriginSSLProtocols": ["TLSv1.2"] } });
        assert!(matches!(outcome_of(cf1, VPC_ORIGIN, vpc), Outcome::Fail(_)));
    }

    /// match-viewer on a VPC origin passes exactly when every cache behavior of the app's
    /// distributions that may route to it keeps viewers on HTTPS: distributions of its own
    /// stack and of others (by the import of its export), and any whose `VpcOriginId` is not
    /// shown to name another VPC origin (hostile review 19).
    #[test]
    fn match_viewer_on_a_vpc_origin_reads_the_distributions_of_the_app() {
        use crate::cfn::{Expr, Output, Resource, Template};
        let origin = |id: &str| {
            Resource::raw(
                id.to_owned(),
                VPC_ORIGIN.to_owned(),
                json!({ "VpcOriginEndpointConfig": { "Arn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/a/1",
                    "Name": id, "OriginProtocolPolicy": "match-viewer", "OriginSSLProtocols": ["TLSv1.2"] } }),
            )
        };
        let distribution = |id: &str, vpc_origin: Value, viewer: &str| {
            let mut d = cf1_distribution(json!({ "ViewerProtocolPolicy": viewer }), json!({}));
            d["DistributionConfig"]["Origins"] = json!([{ "Id": "api", "DomainName": "internal.example.org",
                "VpcOriginConfig": { "VpcOriginId": vpc_origin } }]);
            Resource::raw(id.to_owned(), DISTRIBUTION.to_owned(), d)
        };
        let edge = |more: Vec<Resource>| Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: [vec![origin("VO"), origin("Other")], more].concat(),
            outputs: vec![
                Output {
                    name: "VoId".to_owned(),
                    value: Expr::get_att("VO", "Id"),
                    description: None,
                    export: Some("edge:VO:Id".to_owned()),
                },
                Output {
                    name: "OtherId".to_owned(),
                    value: Expr::get_att("Other", "Id"),
                    description: None,
                    export: Some("edge:Other:Id".to_owned()),
                },
            ],
        };
        let cdn = |resources: Vec<Resource>| Template {
            description: String::new(),
            parameters: Vec::new(),
            resources,
            outputs: Vec::new(),
        };
        let judge = |edge: &Template, cdn: &Template| {
            let stacks = [("edge", edge), ("cdn", cdn)];
            let index = super::super::Index::new(&stacks);
            cf1(&Cx::in_first(&stacks, &edge.resources()[0], &index))
        };
        let own = json!({ "Fn::GetAtt": ["VO", "Id"] });
        let imported = json!({ "Fn::ImportValue": "edge:VO:Id" });
        // Its own stack's distribution and another stack's, both on HTTPS.
        let https = edge(vec![distribution("D", own.clone(), "redirect-to-https")]);
        let other_https = cdn(vec![distribution("C", imported.clone(), "https-only")]);
        assert!(matches!(judge(&https, &other_https), Outcome::Pass(_)));
        // The distribution of the other stack names a VPC origin of the app by the import of
        // its export, read where it is declared; the import of an export that is no VPC
        // origin's is read nowhere.
        let stacks = [("edge", &https), ("cdn", &other_https)];
        let index = super::super::Index::new(&stacks);
        let cdn_cx = Cx {
            template: &other_https,
            resource: &other_https.resources()[0],
            stack: "cdn",
            stacks: &stacks,
            at: 1,
            index: &index,
        };
        let carried = |id: Value| vpc_origin_carried(&cdn_cx, &id);
        assert!(carried(json!({ "Fn::ImportValue": "edge:VO:Id" })));
        assert!(!carried(json!({ "Fn::ImportValue": "edge:origins" })));
        assert!(!carried(json!("vo-0123456789abcdef0")));
        // A distribution of another stack lets viewers in over HTTP: it is named.
        let other_http = cdn(vec![distribution("C", imported, "allow-all")]);
        match judge(&https, &other_http) {
            Outcome::Fail(why) => assert!(why.contains("`cdn/C`"), "{why}"),
            other => panic!("{other:?}"),
        }
        // One routing over HTTP to another VPC origin, of its stack or imported, is not this
        // one's; one whose id is written as text may be.
        for named in [
            json!({ "Fn::GetAtt": ["Other", "Id"] }),
            json!({ "Fn::ImportValue": "edge:Other:Id" }),
        ] {
            let mut resources = vec![distribution("D", own.clone(), "redirect-to-https")];
            if named.get("Fn::GetAtt").is_some() {
                resources.push(distribution("E", named, "allow-all"));
                assert!(matches!(
                    judge(&edge(resources), &cdn(Vec::new())),
                    Outcome::Pass(_)
                ));
            } else {
                let other = cdn(vec![distribution("C", named, "allow-all")]);
                assert!(matches!(judge(&edge(resources), &other), Outcome::Pass(_)));
            }
        }
        let text = cdn(vec![distribution(
            "C",
            json!("vo-0123456789abcdef0"),
            "allow-all",
        )]);
        assert!(matches!(judge(&https, &text), Outcome::Fail(_)));
        // A distribution whose origins cannot be read may route to it.
        let mut unread =
            cf1_distribution(json!({ "ViewerProtocolPolicy": "allow-all" }), json!({}));
        unread["DistributionConfig"]["Origins"] = json!({ "Fn::ImportValue": "edge:origins" });
        let unread = cdn(vec![Resource::raw(
            "C".to_owned(),
            DISTRIBUTION.to_owned(),
            unread,
        )]);
        match judge(&https, &unread) {
            Outcome::Fail(why) => assert!(why.contains("cannot be read"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
