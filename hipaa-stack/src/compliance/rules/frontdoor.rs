//! Rules of the HTTPS front door, as cdk-nag's HIPAA Security pack and the AWS Config HIPAA
//! conformance pack check it: certificates of ACM on listeners (F2), a WAF web ACL with
//! logging on every internet-facing application load balancer (F4), Auto Scaling groups
//! with ELB health checks and launch templates without public addresses (F5), TLS to the
//! targets (F6), deletion protection and desync mitigation (F7). F1 (TLS listeners) and
//! F3 (access logs, invalid headers) are in `services`. And the way administrators reach the
//! servers behind it: Session Manager sessions encrypted and logged (SM1).
//!
//! They read typed and escape-hatch resources alike. All accept a waiver with a reason.

use serde_json::Value;

use super::arn::ArnOf;
use super::meaning::{text, text_or_json};
use super::{
    Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, is_false, is_true, pointer_name,
    proof_of,
};
use crate::cfn::Resource;

const TRANSIT: &[&str] = &["164.312(e)(1)", "164.312(e)(2)(ii)"];

const LOAD_BALANCER: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";
const LISTENER: &str = "AWS::ElasticLoadBalancingV2::Listener";
const LISTENER_RULE: &str = "AWS::ElasticLoadBalancingV2::ListenerRule";
const LISTENER_CERTIFICATE: &str = "AWS::ElasticLoadBalancingV2::ListenerCertificate";
/// A classic load balancer, whose listeners carry their certificate and the protocol to
/// the instances.
const CLASSIC: &str = "AWS::ElasticLoadBalancing::LoadBalancer";
const TARGET_GROUP: &str = "AWS::ElasticLoadBalancingV2::TargetGroup";
/// A VPC Lattice target group, read by `F6` (hostile review 20: no rule read it, so U1 failed
/// every one, a compliant one included, while its one setting of transit was read nowhere).
/// `Config.Protocol` is "The protocol to use for routing traffic to the targets", HTTP,
/// HTTPS or TCP, and "is not used if the target is a Lambda function" (`Type` LAMBDA)
/// (CloudFormation reference, `AWS::VpcLattice::TargetGroup TargetGroupConfig`); VPC Lattice
/// "can listen on HTTP, HTTPS, HTTP/1.1, and HTTP/2 and communicate to targets in any of
/// these protocols", and "The default action for a TLS listener must be a forward action to
/// a TCP target group" (VPC Lattice user guide, "Listeners for your VPC Lattice service",
/// "TLS listeners for VPC Lattice services"): an HTTP group gets the requests in plain text
/// whatever its listener takes, and a TCP one the TLS its clients send through, which no rule
/// reads (F1 reads such a listener as a gap).
const LATTICE_TARGET_GROUP: &str = "AWS::VpcLattice::TargetGroup";
const ACM_CERTIFICATE: &str = "AWS::CertificateManager::Certificate";
/// A CloudFront distribution: a front door whose certificate viewers check as a load
/// balancer's.
const DISTRIBUTION: &str = "AWS::CloudFront::Distribution";
/// A tenant of a multi-tenant distribution, which may serve its domains with a certificate
/// of its own.
const TENANT: &str = "AWS::CloudFront::DistributionTenant";
pub(super) const ASSOCIATION: &str = "AWS::WAFv2::WebACLAssociation";
const WAF_LOGGING: &str = "AWS::WAFv2::LoggingConfiguration";
const WEB_ACL: &str = "AWS::WAFv2::WebACL";
const GROUP: &str = "AWS::AutoScaling::AutoScalingGroup";
const LAUNCH_CONFIGURATION: &str = "AWS::AutoScaling::LaunchConfiguration";
const LAUNCH_TEMPLATE: &str = "AWS::EC2::LaunchTemplate";
const SSM_DOCUMENT: &str = "AWS::SSM::Document";

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "F2",
        title: "HTTPS and TLS listeners and CloudFront distributions serve certificates of ACM, which renews them",
        types: &[
            LISTENER,
            LISTENER_CERTIFICATE,
            CLASSIC,
            ACM_CERTIFICATE,
            DISTRIBUTION,
            TENANT,
        ],
        controls: TRANSIT,
        fix: "give every HTTPS or TLS listener, and every CloudFront distribution (`ViewerCertificate.AcmCertificateArn`, never `IamCertificateId`) and distribution tenant (`Customizations.Certificate.Arn`), a certificate of AWS Certificate Manager that the app requests (`Certificate::dns(..)`, by `Ref` or an import of its export), not an IAM server certificate, which nobody renews (an `arn:…:acm:…` ARN written in the template, `Certificate::existing(..)`, is a gap: ACM does not renew an imported certificate); request a public ACM certificate with `ValidationMethod: DNS` (ACM renews it unattended) and without `CertificateTransparencyLoggingPreference: DISABLED`",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-ELBv2ACMCertificateRequired"),
            checkov: None,
            guard: Some("ELBV2_ACM_CERTIFICATE_REQUIRED"),
        },
        check: f2,
    },
    RuleSpec {
        id: "F4",
        title: "internet-facing application load balancers are behind a WAF web ACL that logs",
        types: &[LOAD_BALANCER],
        controls: &["164.308(a)(1)(ii)(B)", "164.312(a)(1)", "164.312(b)"],
        fix: "associate a WAFv2 web ACL (`AWS::WAFv2::WebACLAssociation` naming the load balancer) with rules, and log it with an `AWS::WAFv2::LoggingConfiguration` to an encrypted `aws-waf-logs-` log group (or bucket, or Firehose stream) of the app: its `Fn::GetAtt` Arn, its ARN in `${AWS::Region}` and `${AWS::AccountId}`, or the import of an export of it (a destination written as text that no template of the app declares leaves a gap; one no rule can read before deploy fails); `PublicLoadBalancer` does all of it",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV2_AWS_28"),
            guard: Some("ALB_WAF_ENABLED"),
        },
        check: f4,
    },
    RuleSpec {
        id: "F5",
        title: "Auto Scaling groups behind a load balancer use its health checks and start from launch templates without public addresses",
        types: &[GROUP, LAUNCH_CONFIGURATION, LAUNCH_TEMPLATE],
        controls: &["164.308(a)(7)(ii)(B)", "164.312(a)(1)", "164.312(b)"],
        fix: "set `HealthCheckType: ELB` (it may list more types, comma-separated) on groups with `TargetGroupARNs`, `LoadBalancerNames` or load balancers in `TrafficSources`, and VPC_LATTICE on groups with `vpc-lattice` traffic sources; start them from a `LaunchTemplate` of the app (by `Ref` or import; launch configurations are retired; every `Overrides` entry's template too), and set `AssociatePublicIpAddress` false or leave it unset (a value known only at deploy fails)",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-AutoScalingGroupELBHealthCheckRequired"),
            checkov: None,
            guard: Some("AUTOSCALING_GROUP_ELB_HEALTHCHECK_REQUIRED"),
        },
        check: f5,
    },
    RuleSpec {
        id: "F6",
        title: "load balancers forward to their targets over TLS",
        types: &[
            TARGET_GROUP,
            CLASSIC,
            LISTENER,
            LISTENER_RULE,
            LATTICE_TARGET_GROUP,
            super::lattice::LISTENER,
            super::lattice::RULE,
        ],
        controls: TRANSIT,
        fix: "set the target group's `Protocol` to HTTPS (or TLS) and terminate TLS on the servers (a TCP group reached only through Network Load Balancer TCP listeners that pass TLS through, checked by an HTTPS health check on the traffic port, is a gap; a TLS listener or a listener rule of any stack that forwards to it, by reference or by importing its export, makes it fail); `PublicLoadBalancer` does by default; set a VPC Lattice target group's `Config.Protocol` to HTTPS (a TCP group, behind a TLS passthrough listener, is a gap), and let VPC Lattice listeners and rules forward only to target groups of the app (`TargetGroupIdentifier` by `Ref`, `Fn::GetAtt` or the import of its export); register in a target group of application load balancers (`TargetType` alb) only load balancers of the template whose listener on the group's port is HTTPS; listeners and listener rules forward only to target groups of the app (by `Ref`, or an import of a stack that exports one), whose protocol is read there, not to an ARN written as text or passed in a parameter",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: f6,
    },
    RuleSpec {
        id: "F7",
        title: "load balancers have deletion protection and mitigate HTTP desync",
        types: &[LOAD_BALANCER, CLASSIC],
        controls: &["164.308(a)(7)(ii)(B)", "164.312(c)(1)"],
        fix: "set `deletion_protection.enabled` true and, on application load balancers, `routing.http.desync_mitigation_mode` to `strictest` (or `defensive`, the default) in `LoadBalancerAttributes`",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-ELBDeletionProtectionEnabled"),
            checkov: Some("CKV_AWS_150"),
            guard: Some("ELB_DELETION_PROTECTION_ENABLED"),
        },
        check: f7,
    },
    RuleSpec {
        id: "SM1",
        title: "Session Manager encrypts sessions with a customer key and logs them encrypted",
        types: &[SSM_DOCUMENT],
        controls: &["164.312(b)", "164.312(e)(1)", "164.308(a)(5)(ii)(C)"],
        fix: "set `kmsKeyId` and a `cloudWatchLogGroupName` with `cloudWatchEncryptionEnabled` (or an `s3BucketName` with `s3EncryptionEnabled`) in the inputs of the `Session` document; `SessionManagerPreferences` does",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: sm1,
    },
];

/// The protocol of a listener or target group, upper case (empty when not set).
fn protocol(cx: &Cx<'_>) -> String {
    cx.prop("/Protocol")
        .map(text_or_json)
        .unwrap_or_default()
        .to_ascii_uppercase()
}

/// The logical id a value refers to: `{"Ref": id}` or `{"Fn::GetAtt": [id, …]}`.
fn referred(v: &Value) -> Option<&str> {
    v.get("Ref")
        .and_then(Value::as_str)
        .or_else(|| match v.get("Fn::GetAtt") {
            Some(Value::Array(a)) => a.first().and_then(Value::as_str),
            Some(Value::String(s)) => s.split('.').next(),
            _ => None,
        })
}

/// Whether a listener's protocol (text, upper case) is known before deploy: not a dynamic
/// reference, and written as text or built of text by intrinsics.
fn known_protocol(value: &Value) -> Option<String> {
    text(value)
        .filter(|t| !super::identity::dynamic(t))
        .map(|t| t.trim().to_ascii_uppercase())
}

fn f2(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == ACM_CERTIFICATE {
        return acm_renewal(cx);
    }
    if cx.resource.type_name() == CLASSIC {
        return classic_certificates(cx);
    }
    if cx.resource.type_name() == DISTRIBUTION {
        return distribution_certificate(cx);
    }
    if cx.resource.type_name() == TENANT {
        // "The ACM certificate" a tenant serves its domains with instead of its
        // distribution's (`AWS::CloudFront::DistributionTenant` `Customizations`,
        // `Certificate.Arn`); without one it serves the distribution's, read there, or a
        // certificate CloudFront requests for it (`ManagedCertificateRequest`).
        const ARN: &str = "/Customizations/Certificate/Arn";
        return match cx.prop("/Customizations/Certificate") {
            None => Outcome::NotApplicable,
            Some(_) => renewed([acm_certificate(cx, ARN)]),
        };
    }
    if cx.resource.type_name() == LISTENER {
        // "You must provide exactly one certificate if the listener protocol is HTTPS or
        // TLS" (`AWS::ElasticLoadBalancingV2::Listener` `Certificates`). A protocol known
        // only at deploy, or not written, may be HTTPS or TLS when certificates are given.
        let secure = match cx.prop("/Protocol") {
            None => cx.prop("/Certificates").is_some(),
            Some(v) => known_protocol(v).is_none_or(|p| matches!(p.as_str(), "HTTPS" | "TLS")),
        };
        if !secure {
            // Plain listeners are F1's; they carry no certificate.
            return Outcome::NotApplicable;
        }
    }
    let count = cx
        .prop("/Certificates")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if count == 0 {
        return Outcome::Fail(
            "`Certificates` is not set: the listener has no certificate".to_owned(),
        );
    }
    renewed((0..count).map(|i| acm_certificate(cx, &format!("/Certificates/{i}/CertificateArn"))))
}

/// F2 on a CloudFront distribution: the certificate it serves viewers is an ACM
/// certificate (`ViewerCertificate.AcmCertificateArn`, "Used if the certificate is stored in
/// ACM") or an IAM one (`IamCertificateId`, "Used if the certificate is stored in IAM",
/// Security Hub API reference, `AwsCloudFrontDistributionViewerCertificate`), read as a
/// listener's certificate is ([`acm_certificate`], [`renewed`]): one the app requests of
/// ACM passes, an ACM ARN written in the template is a gap, and an IAM server certificate
/// fails, since it is uploaded and ACM's managed renewal covers only the certificates ACM
/// issues. A distribution that serves the default *.cloudfront.net certificate, which AWS
/// keeps, has none of its own to read here (CF1 fails it for its TLS 1.0).
fn distribution_certificate(cx: &Cx<'_>) -> Outcome {
    const CERTIFICATE: &str = "/DistributionConfig/ViewerCertificate";
    let acm = format!("{CERTIFICATE}/AcmCertificateArn");
    if cx.present(&acm).is_ok() {
        return renewed([acm_certificate(cx, &acm)]);
    }
    let iam = format!("{CERTIFICATE}/IamCertificateId");
    if let (Ok(_), Some(v)) = (cx.present(&iam), cx.prop(&iam)) {
        return Outcome::Fail(format!(
            "`DistributionConfig.ViewerCertificate.IamCertificateId` is {}, an IAM server certificate: it is uploaded, and nothing renews it before it expires; serve a certificate the app requests of ACM in us-east-1 (`AcmCertificateArn`)",
            text_or_json(v)
        ));
    }
    Outcome::NotApplicable
}

/// What a listener's certificates show, as an outcome: a certificate that is no ACM
/// certificate fails; one given as an ACM certificate's ARN written in the template (not a
/// certificate of the app) is a gap, since ACM renews only the certificates it issues:
/// an imported certificate is not eligible for managed renewal ("If Type is Imported, then
/// the certificate isn't eligible for ACM managed renewal", AWS re:Post knowledge center,
/// "How do I get notified when my ACM certificate is about to be renewed?"; ACM user guide,
/// "Managed certificate renewal in AWS Certificate Manager"), and an ARN does not say whether
/// its certificate was imported, or was validated by email (renewed only when someone acts on
/// the renewal email); the rest pass.
fn renewed(checks: impl IntoIterator<Item = Result<Certified, String>>) -> Outcome {
    let mut outside = Vec::new();
    let outcome = all(checks.into_iter().map(|c| {
        c.map(|c| match c {
            Certified::OfTheApp(proof) => proof,
            Certified::Written(proof, why) => {
                outside.push(why);
                proof
            }
        })
    }));
    match outcome {
        Outcome::Pass(_) if !outside.is_empty() => Outcome::Gap(outside.join("; ")),
        other => other,
    }
}

/// A certificate that is ACM's: one of the app (requested in a stack of it, where `F2`
/// reads its validation), or an ACM ARN written in the template, whose renewal the app
/// does not show (see [`renewed`]).
enum Certified {
    OfTheApp(Proof),
    Written(Proof, String),
}

/// An ACM certificate that ACM renews by itself and that certificate transparency logs
/// show. A public certificate is validated by DNS: one validated by email is renewed only
/// when someone acts on the renewal email ("Managed certificate renewal in AWS Certificate
/// Manager"), and keeps the stack in `CREATE_IN_PROGRESS` until someone acts on the first
/// one (CloudFormation reference, `AWS::CertificateManager::Certificate`), and
/// `ValidationMethod` left out is email (ACM API reference, `RequestCertificate`). It is
/// logged: `CertificateTransparencyLoggingPreference` DISABLED hides its issuance from the
/// monitors that would show a certificate issued for the domain to someone else. A private
/// certificate (`CertificateAuthorityArn`) is issued and renewed by the app's private CA,
/// and is logged nowhere.
fn acm_renewal(cx: &Cx<'_>) -> Outcome {
    if cx
        .prop("/CertificateAuthorityArn")
        .is_some_and(|v| !super::meaning::no_value(v))
    {
        return all([cx.present("/CertificateAuthorityArn")]);
    }
    let validation = cx
        .prop("/ValidationMethod")
        .filter(|v| !super::meaning::no_value(v))
        .and_then(text)
        .filter(|m| m.trim().eq_ignore_ascii_case("DNS"))
        .and_then(|_| cx.proof("/ValidationMethod"))
        .ok_or_else(|| {
            format!(
                "`ValidationMethod` is {}, not DNS: ACM renews a certificate validated by email only when someone acts on the renewal email, so it can expire and take HTTPS down",
                cx.prop("/ValidationMethod")
                    .map_or_else(|| "not set (email)".to_owned(), text_or_json)
            )
        });
    let logged = match cx
        .prop("/CertificateTransparencyLoggingPreference")
        .filter(|v| !super::meaning::no_value(v))
    {
        None => Ok(None),
        Some(v) if text(v).is_some_and(|p| p.trim().eq_ignore_ascii_case("ENABLED")) => {
            Ok(cx.proof("/CertificateTransparencyLoggingPreference"))
        }
        Some(v) => Err(format!(
            "`CertificateTransparencyLoggingPreference` is {}: the certificate is kept out of the certificate transparency logs, which show a certificate issued for the domain to someone else; leave it unset or ENABLED",
            text_or_json(v)
        )),
    };
    match logged {
        Ok(logged) => all(std::iter::once(validation).chain(logged.map(Ok))),
        Err(why) => all([validation, Err(why)]),
    }
}

/// The certificate at `pointer` must be one of ACM: an `AWS::CertificateManager::Certificate`
/// of the template, or an import of an export of one by a stack of the app; an
/// `arn:…:acm:…` ARN written in the template is ACM's, but whether ACM renews it is not
/// shown ([`Certified::Written`]). An IAM server certificate (`arn:…:iam::…:server-certificate/…`)
/// fails: it is uploaded, and nothing renews it (ACM's managed renewal covers only the
/// certificates ACM issues).
fn acm_certificate(cx: &Cx<'_>, pointer: &str) -> Result<Certified, String> {
    let name = pointer.trim_start_matches('/').replace('/', ".");
    let Some(value) = cx.prop(pointer) else {
        return Err(format!("`{name}` is not set"));
    };
    // Its `Ref` (the certificate's ARN), however written (`Fn::Sub "${Cert}"`, an
    // `Fn::Join` of it alone): text joined onto it names another certificate.
    let issued_here = cx
        .others(ACM_CERTIFICATE)
        .any(|c| super::meaning::names(value, c.logical_id()));
    // An ARN whose service is `acm` (`arn:partition:acm:region:account:certificate/id`);
    // a dynamic reference is a name read at deploy, whatever its fields say.
    let acm_arn = text(value).is_some_and(|t| {
        let mut fields = t.trim().split(':');
        !super::identity::dynamic(&t)
            && fields.next() == Some("arn")
            && fields.nth(1) == Some("acm")
    });
    // An import proves an ACM certificate only when a stack of the app of this stack's
    // region and account exports one under that name; an export of anything else, or of
    // no such stack of the app, does not.
    let imported = value
        .get("Fn::ImportValue")
        .and_then(super::meaning::import_name)
        .is_some_and(|name| {
            cx.importable(cx.at, ACM_CERTIFICATE)
                .any(|(stack, certificate)| {
                    super::arn::exports_of(cx.template_of(stack), certificate.logical_id())
                        .iter()
                        .any(|(export, v)| {
                            *export == name && referred(v) == Some(certificate.logical_id())
                        })
                })
        });
    if issued_here || imported {
        cx.proof(pointer).ok_or_default().map(Certified::OfTheApp)
    } else if acm_arn {
        cx.proof(pointer).ok_or_default().map(|proof| {
            Certified::Written(
                proof,
                format!(
                    "`{name}` is the ACM certificate {}, which is no certificate of the app: ACM does not renew an imported certificate, nor one validated by email unless someone acts, so whether it is renewed before it expires is not shown; request it in the app (`Certificate::dns(..)`), or renew it yourself before it expires",
                    text_or_json(value)
                ),
            )
        })
    } else {
        Err(format!(
            "`{name}` is {}, not a certificate of ACM",
            text_or_json(value)
        ))
    }
}

/// The listeners of a classic load balancer, as a count.
fn classic_listeners(cx: &Cx<'_>) -> usize {
    cx.prop("/Listeners")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

/// F2 on a classic load balancer: every listener whose `Protocol` is HTTPS or SSL (or
/// known only at deploy, with an `SSLCertificateId`) serves a certificate of ACM
/// (`SSLCertificateId`, "The Amazon Resource Name (ARN) of the server certificate", the
/// `AWS::ElasticLoadBalancing::LoadBalancer Listeners` reference, takes an IAM server
/// certificate as well).
fn classic_certificates(cx: &Cx<'_>) -> Outcome {
    let checks: Vec<Result<Certified, String>> = (0..classic_listeners(cx))
        .filter(|i| {
            let certificate = cx
                .prop(&format!("/Listeners/{i}/SSLCertificateId"))
                .is_some();
            match cx.prop(&format!("/Listeners/{i}/Protocol")) {
                None => certificate,
                Some(v) => {
                    known_protocol(v).map_or(certificate, |p| matches!(p.as_str(), "HTTPS" | "SSL"))
                }
            }
        })
        .map(|i| acm_certificate(cx, &format!("/Listeners/{i}/SSLCertificateId")))
        .collect();
    if checks.is_empty() {
        Outcome::NotApplicable
    } else {
        renewed(checks)
    }
}

/// What a web ACL association names by its `ResourceArn`: the resources of its own template
/// that it mentions ([`super::Mentioned`]: a `Ref`, an `Fn::GetAtt`, a `${name}` of an
/// `Fn::Sub`), and the exports it imports anywhere inside it, each once. It may name a load
/// balancer so: [`associations`] reads the value again to know whether it is its ARN.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Named {
    pub(super) mentioned: Vec<String>,
    pub(super) imports: Vec<String>,
}

impl Named {
    pub(super) fn of(association: &Resource) -> Self {
        let arn = &association.properties()["ResourceArn"];
        let mut imports = Vec::new();
        super::imported_names(arn, &mut imports);
        imports.sort_unstable();
        imports.dedup();
        let mut mentioned = super::Mentioned::of(arn).plain_names().to_vec();
        mentioned.sort_unstable();
        mentioned.dedup();
        Named {
            mentioned: mentioned.into_iter().map(str::to_owned).collect(),
            imports,
        }
    }
}

/// The `AWS::WAFv2::WebACLAssociation`s of the app whose `ResourceArn` is this load
/// balancer's ARN ([`ArnOf`]: its `Ref`, its `LoadBalancerArn`, or an import of an export
/// of its stack that is one), with the name of their stack when it is another one. WAF
/// refuses an association that names anything else (its DNS name, another attribute).
fn associations<'a>(cx: &Cx<'a>) -> Vec<(Option<&'a str>, &'a Resource)> {
    let arn = ArnOf::of(cx.template, cx.resource);
    naming(cx, &cx.own_exports())
        .into_iter()
        .filter(|(other, r)| {
            cx.position(*other).is_some_and(|at| {
                arn.is_arn(
                    &r.properties()["ResourceArn"],
                    super::arn::Reader::of(cx, cx.at, at),
                )
            })
        })
        .collect()
}

/// Where a web ACL shows that it blocks requests: `/Rules` when a rule blocks, challenges or
/// asks for a CAPTCHA (`Action`), or applies the actions of a rule group whose rules keep
/// their own ([`applies_whole_group`]); else `/DefaultAction` when that blocks. An ACL whose
/// rules only count (`Count`) and whose default action allows filters nothing (WAFv2
/// developer guide, rule actions). `home` is the ACL's stack (`None`: that of `cx`), where a
/// rule group it applies by reference is read, or in the stack whose export of the group's
/// ARN its reference imports ([`applies_whole_group`]).
///
/// When the default action allows and a rule that allows (`Action: Allow`, which ends the
/// evaluation of what it matches) comes before every rule that blocks (a lower `Priority`;
/// WAF evaluates rules from the lowest), whatever it matches skips every block; what a
/// statement matches is beyond the rules (it may be every request), so that is
/// [`Unfiltered::Unknown`], a gap. An allow-list (a default that blocks) is read as before.
pub(super) fn filtering(
    cx: &Cx<'_>,
    home: Option<&str>,
    acl: &Resource,
) -> Result<&'static str, Unfiltered> {
    let rules = acl.properties()["Rules"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let blocking = |r: &Value| blocks(&r["Action"]) || applies_whole_group(cx, home, r).is_ok();
    let default_blocks = blocks(&acl.properties()["DefaultAction"]);
    // A priority that cannot be read is taken as first for an Allow, last for a block.
    let priority = |r: &Value| super::meaning::whole_number(&r["Priority"]);
    let first_block = rules
        .iter()
        .filter(|r| blocking(r))
        .map(|r| priority(r).unwrap_or(i64::MAX))
        .min();
    if let Some(first_block) = first_block {
        let allows_first = rules.iter().find(|r| {
            r["Action"].get("Allow").is_some_and(set)
                && priority(r).unwrap_or(i64::MIN) < first_block
        });
        match allows_first {
            Some(allow) if !default_blocks => Err(Unfiltered::Unknown(format!(
                "rule `{}` of the web ACL `{}` allows what it matches before any rule blocks (a lower `Priority`), and its `DefaultAction` allows: whether that is every request is not judged; give the rules that block the lowest priorities",
                text(&allow["Name"]).unwrap_or_default(),
                acl.logical_id()
            ))),
            _ => Ok("/Rules"),
        }
    } else if default_blocks {
        Ok("/DefaultAction")
    } else if rules.is_empty() {
        Err(Unfiltered::Nothing(format!(
            "the web ACL `{}` has no `Rules`: it filters nothing",
            acl.logical_id()
        )))
    } else if let Some(why) = rules
        .iter()
        .find_map(|r| applies_whole_group(cx, home, r).err().flatten())
    {
        Err(Unfiltered::Nothing(format!(
            "the web ACL `{}` blocks nothing that the template shows: {why}, and its `DefaultAction` allows",
            acl.logical_id()
        )))
    } else {
        Err(Unfiltered::Nothing(format!(
            "the web ACL `{}` blocks nothing: every rule only counts (`Count`) and its `DefaultAction` allows",
            acl.logical_id()
        )))
    }
}

/// Why [`filtering`] shows no web ACL that blocks.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Unfiltered {
    /// It blocks nothing (a failure).
    Nothing(String),
    /// What it lets through is not shown either way (a gap).
    Unknown(String),
}

impl Unfiltered {
    /// A gap, when the rule's other checks came to a pass (`rest`); both gaps told, when
    /// they came to a gap already (one unshown thing does not hide another); else `rest`.
    pub(super) fn gap_unless_failed(why: String, rest: Outcome) -> Outcome {
        match rest {
            Outcome::Pass(_) => Outcome::Gap(why),
            Outcome::Gap(before) if !before.contains(&why) => {
                Outcome::Gap(format!("{before}; {why}"))
            }
            rest => rest,
        }
    }
}

/// Whether a rule action (`Action`, `DefaultAction`, `ActionToUse`) stops a request: it
/// blocks, challenges or asks for a CAPTCHA. `Allow` and `Count` let it through.
fn blocks(action: &Value) -> bool {
    ["Block", "Captcha", "Challenge"]
        .iter()
        .any(|k| action.get(k).is_some_and(set))
}

/// Whether a value is set: neither null nor removed (`AWS::NoValue`).
fn set(value: &Value) -> bool {
    !value.is_null() && !super::meaning::no_value(value)
}

/// Whether a rule of a web ACL applies every rule of a rule group with the group's own
/// actions: `OverrideAction` `None` on a `ManagedRuleGroupStatement` or
/// `RuleGroupReferenceStatement` that turns none of the group's rules to another action.
/// `Err(None)` for a rule that applies no group (its `OverrideAction` counts, or it has
/// none); `Err(Some(why))` for a group whose rules the rule turns to `Count` or `Allow`
/// (`RuleActionOverrides`, or the older `ExcludedRules`, which count): which of the group's
/// rules still block is not in the template (a managed group's rules are AWS's), so the
/// group shows nothing. An override to `Block`, `Captcha` or `Challenge` keeps it blocking.
/// A managed group's own rules are trusted to block: AWS writes them so. A group of the
/// program's own (`RuleGroupReferenceStatement`) shows that it blocks only when it is an
/// `AWS::WAFv2::RuleGroup` of the ACL's stack `home` (by its `Arn`), or of another stack of
/// its region and account whose export of the group's ARN the reference imports (a rule
/// group kept in a shared stack: `Fn::ImportValue` "returns the value of an output exported
/// by another stack"), one of whose rules blocks.
fn applies_whole_group(
    cx: &Cx<'_>,
    home: Option<&str>,
    rule: &Value,
) -> Result<(), Option<String>> {
    let template = cx.template_of(home);
    if !rule["OverrideAction"].get("None").is_some_and(set) {
        return Err(None);
    }
    let statement = &rule["Statement"];
    let Some(group) = ["ManagedRuleGroupStatement", "RuleGroupReferenceStatement"]
        .iter()
        .find_map(|k| statement.get(*k).filter(|g| set(g)))
    else {
        // WAF takes `OverrideAction` only on a rule group's statement.
        return Err(None);
    };
    let entries = |key: &str| -> Vec<&Value> {
        match &group[key] {
            Value::Array(items) => items
                .iter()
                .filter(|v| set(v) && v.as_str().is_none_or(|t| !t.trim().is_empty()))
                .collect(),
            other if set(other) => vec![other],
            _ => Vec::new(),
        }
    };
    let name = text(&rule["Name"]).unwrap_or_default();
    if !entries("ExcludedRules").is_empty() {
        return Err(Some(format!(
            "rule `{name}` counts the rules of its group that `ExcludedRules` names"
        )));
    }
    if entries("RuleActionOverrides")
        .iter()
        .any(|o| !blocks(&o["ActionToUse"]))
    {
        return Err(Some(format!(
            "rule `{name}` turns rules of its group to `Count` or `Allow` (`RuleActionOverrides`), and which of the group's rules still block is not in the template"
        )));
    }
    let Some(reference) = statement.get("RuleGroupReferenceStatement") else {
        return Ok(());
    };
    let arn = &reference["ARN"];
    let by_arn = |id: &str| match arn.get("Fn::GetAtt") {
        Some(Value::Array(a)) => {
            a.len() == 2 && a[0].as_str() == Some(id) && a[1].as_str() == Some("Arn")
        }
        Some(Value::String(s)) => s.split_once('.') == Some((id, "Arn")),
        _ => false,
    };
    let group = referred(arn)
        .and_then(|id| template.resource(id))
        .filter(|g| g.type_name() == RULE_GROUP && by_arn(g.logical_id()))
        .or_else(|| {
            let writer = cx.position(home)?;
            if !super::meaning::imported(arn) {
                return None;
            }
            cx.everywhere(RULE_GROUP)
                .find(|(other, g)| {
                    cx.position(*other).is_some_and(|at| {
                        at != writer
                            && ArnOf::of(cx.template_of(*other), g)
                                .is_arn(arn, super::arn::Reader::of(cx, at, writer))
                    })
                })
                .map(|(_, g)| g)
        });
    let Some(group) = group else {
        return Err(Some(format!(
            "rule `{name}` applies a rule group that is not an `{RULE_GROUP}` of the template named by its `Arn`, so whether its rules block is not shown"
        )));
    };
    let rules = group.properties()["Rules"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    if rules.iter().any(|r| blocks(&r["Action"])) {
        Ok(())
    } else {
        Err(Some(format!(
            "rule `{name}` applies the rule group `{}`, whose rules only count or allow",
            group.logical_id()
        )))
    }
}

/// A rule group of the program's own, which a web ACL applies by reference.
const RULE_GROUP: &str = "AWS::WAFv2::RuleGroup";

/// The web ACL of `template` whose ARN `value` is: its `Arn` (`Fn::GetAtt`, or `${Acl.Arn}`
/// alone in an `Fn::Sub`); a web ACL's `Ref` is its name, id and scope, and text joined
/// onto its `Id` names another ACL.
pub(super) fn web_acl<'a>(
    template: &'a crate::cfn::Template,
    value: &Value,
) -> Option<&'a Resource> {
    template
        .resources()
        .iter()
        .filter(|r| r.type_name() == WEB_ACL)
        .find(|acl| {
            ArnOf::new(WEB_ACL, acl.logical_id(), Vec::new())
                .is_arn(value, super::arn::Reader::Home)
        })
}

/// The web ACL whose ARN `value`, written in the stack named `stack` (`None`: this
/// resource's), is, with the name of its stack (`None`: this resource's): one of that
/// stack's template ([`web_acl`]), or one of another stack of the app, of the writing
/// stack's region and account, whose export of its ARN the value imports ([`ArnOf`]: the
/// export's value is wholly its `Arn`; `Fn::ImportValue` "returns the value of an output
/// exported by another stack", CloudFormation User Guide), read in its own template as one
/// of the writing stack's is: a web ACL kept in a shared stack. An import of what no such
/// stack exports as a web ACL's ARN names none.
fn web_acl_of_the_app<'a>(
    cx: &Cx<'a>,
    stack: Option<&str>,
    value: &Value,
) -> Option<(Option<&'a str>, &'a Resource)> {
    let writer = cx.position(stack)?;
    let name_of = |at: usize| {
        if at == cx.at {
            None
        } else {
            cx.stacks.get(at).map(|(name, _)| *name)
        }
    };
    if let Some(acl) = web_acl(cx.template_of(stack), value) {
        return Some((name_of(writer), acl));
    }
    if !super::meaning::imported(value) {
        return None;
    }
    cx.everywhere(WEB_ACL).find_map(|(other, acl)| {
        let at = cx.position(other)?;
        (at != writer
            && ArnOf::of(cx.template_of(other), acl)
                .is_arn(value, super::arn::Reader::of(cx, at, writer)))
        .then(|| (name_of(at), acl))
    })
}

/// The associations of the app that may name this resource, in the order of the app: those
/// of its stack that mention it, and those of any stack of its stack's region and account
/// that import one of `exports` (its stack's exports of it), looked up in the index: an
/// association of another region that imports the same name names that region's export.
fn naming<'a>(cx: &Cx<'a>, exports: &super::Exports<'_>) -> Vec<(Option<&'a str>, &'a Resource)> {
    if !cx.id().bytes().all(|b| b.is_ascii_alphanumeric()) {
        // An id that is not letters and digits: no lookup by name finds it.
        return naming_read(cx, exports);
    }
    let home = cx.index.associations.get(&(cx.at, cx.id().to_owned()));
    let imported = exports.looked_up(
        cx,
        |name| cx.index.associations_by_import.get(name),
        |(at, _)| *at,
    );
    super::merged(home.into_iter().chain([&imported]))
        .into_iter()
        .filter_map(|position| {
            let (stack, r) = super::resource_at(cx.stacks, position)?;
            Some(((stack != cx.stack).then_some(stack), r))
        })
        .collect()
}

/// [`naming`] read from every association of the app.
fn naming_read<'a>(
    cx: &Cx<'a>,
    exports: &super::Exports<'_>,
) -> Vec<(Option<&'a str>, &'a Resource)> {
    cx.everywhere(ASSOCIATION)
        .filter(|(other, r)| {
            let arn = &r.properties()["ResourceArn"];
            (other.is_none() && super::mentions(arn, cx.id()))
                || exports.imported_in(cx, *other, arn)
        })
        .collect()
}

fn f4(cx: &Cx<'_>) -> Outcome {
    let internal = cx
        .prop("/Scheme")
        .and_then(text)
        .is_some_and(|s| s.eq_ignore_ascii_case("internal"));
    // A type known only at deploy (a dynamic reference) may be `application`: the rule
    // applies, as F7's desync check does.
    if internal || !may_be_application(cx) {
        return Outcome::NotApplicable;
    }
    f4_associated(cx)
}

/// F4 on a load balancer that may be internet-facing: every association of a web ACL
/// naming it, each of a web ACL that blocks and logs.
fn f4_associated(cx: &Cx<'_>) -> Outcome {
    let found = associations(cx);
    if found.is_empty() {
        return Outcome::Fail(
            "no `AWS::WAFv2::WebACLAssociation` names this internet-facing load balancer by its ARN (its `Ref` or `LoadBalancerArn`): requests reach the application unfiltered".to_owned(),
        );
    }
    // "You can associate each AWS resource with only one web ACL" (WAF developer guide,
    // "Associating or disassociating a web ACL with an AWS resource"): of two associations
    // naming the load balancer, which one it keeps depends on the order CloudFormation
    // applies them in, which no template shows. Every association naming it must hold.
    let outcomes: Vec<Outcome> = found
        .iter()
        .map(|(stack, association)| association_holds(cx, *stack, association))
        .collect();
    let failures: Vec<&str> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Fail(why) => Some(why.as_str()),
            _ => None,
        })
        .collect();
    if !failures.is_empty() {
        return Outcome::Fail(failures.join("; "));
    }
    super::none_failed(outcomes)
}

/// F4 of one association of the load balancer, of the stack `stack` (`None` for its own): it
/// names a web ACL of its template that blocks and logs.
fn association_holds(cx: &Cx<'_>, stack: Option<&str>, association: &Resource) -> Outcome {
    let named = |proof: Option<Proof>| proof.map(|p| p.with_stack(stack));
    let association_proof = named(proof_of(association, "/ResourceArn")).ok_or_default();
    let Some((home, acl)) = web_acl_of_the_app(cx, stack, &association.properties()["WebACLArn"])
    else {
        return Outcome::Fail(format!(
            "`{}` names no web ACL of its template by its ARN in `WebACLArn` (`Fn::GetAtt` of its `Arn`), nor imports another stack's export of one, so nothing shows that the ACL has rules and logs",
            association.logical_id()
        ));
    };
    // The web ACL's stack (`home`), whose template holds its rules and its proofs.
    let of_acl = |proof: Option<Proof>| proof.map(|p| p.with_stack(home));
    // Where the logs go, once the web ACL is shown to log: of every logging configuration
    // of it, the worst.
    let found = loggings_of(cx, home, acl);
    let destination = super::worst(
        found
            .iter()
            .filter_map(|(at, logging)| destination_outside_the_app(cx, *at, logging)),
    );
    let rules_proof = match filtering(cx, home, acl) {
        Ok(pointer) => of_acl(proof_of(acl, pointer)).ok_or_default(),
        Err(Unfiltered::Nothing(why)) => Err(why),
        Err(Unfiltered::Unknown(why)) => {
            let rest = all([association_proof, logging_proof(&found, acl)]);
            // A destination no rule can read fails; the rules' gap is told before one of
            // the destination's.
            let failed = destination.filter(|o| matches!(o, Outcome::Fail(_)));
            return Unfiltered::gap_unless_failed(why, logged_to(failed, rest));
        }
    };
    let logged = logging_proof(&found, acl);
    logged_to(destination, all([association_proof, rules_proof, logged]))
}

/// Every logging configuration of the app that logs `acl`, a web ACL of the stack `stack`
/// (`None`: this resource's), each with its stack (`None`: this resource's): those of the
/// ACL's template ([`loggings`]), then those of other stacks of its region and account
/// whose `ResourceArn` imports an export of the ACL's ARN (hostile review h2: a second
/// configuration in another stack, which WAF may apply last, was not read). Only a stack
/// whose export the value imports is read for it ([`Cx::stacks_exporting`]).
fn loggings_of<'a>(
    cx: &Cx<'a>,
    stack: Option<&'a str>,
    acl: &Resource,
) -> Vec<(Option<&'a str>, &'a Resource)> {
    let template = cx.template_of(stack);
    let mut found: Vec<(Option<&'a str>, &'a Resource)> = loggings(template, acl)
        .into_iter()
        .map(|r| (stack, r))
        .collect();
    let Some(home) = cx.position(stack) else {
        return found;
    };
    let arn = ArnOf::of(template, acl);
    // Another stack names the ACL only by importing an export of it: for one that no export
    // names, no other stack's configuration is read (nor parsed).
    if !arn.exported() {
        return found;
    }
    found.extend(cx.everywhere(WAF_LOGGING).filter(|(other, logging)| {
        let named = &logging.properties()["ResourceArn"];
        cx.position(*other).is_some_and(|at| {
            at != home
                && cx.stacks_exporting(named).contains(&home)
                && arn.is_arn(named, super::arn::Reader::of(cx, home, at))
        })
    }));
    found
}

/// `rest` (the association, the rules, the logging) with where the logs go: a destination
/// that no rule can read fails, one of no template of the app leaves a gap.
fn logged_to(destination: Option<Outcome>, rest: Outcome) -> Outcome {
    match (destination, rest) {
        (Some(Outcome::Fail(why)), Outcome::Pass(_) | Outcome::Gap(_)) => Outcome::Fail(why),
        (Some(Outcome::Gap(why)), Outcome::Pass(_)) => Outcome::Gap(why),
        (_, rest) => rest,
    }
}

/// Where a web ACL's logs go (`LogDestinationConfigs`: "The logging destination
/// configuration that you want to associate with the web ACL", CloudFormation's
/// `AWS::WAFv2::LoggingConfiguration`), when it is not shown to be a destination of the app,
/// as a gap or a failure. WAF logs to "an Amazon CloudWatch Logs log group, an Amazon Simple
/// Storage Service (Amazon S3) bucket, or an Amazon Kinesis Data Firehose", and "the name
/// that you give the destination must start with `aws-waf-logs-`" (same reference). Each is
/// read as every rule reads one: a log group as T1 and OS2 read a trail's or a domain's
/// ([`super::services::log_group_outside_the_app`]), a bucket as
/// [`super::services::bucket_arn_of_the_app`], a delivery stream as
/// [`super::services::stream_arn_of_the_app`], each in the logging configuration's own
/// template. A destination written whole as text that no template of the app declares
/// (another account's, one made by hand) is a gap: nothing shows its key or how long it
/// keeps the records. A value no rule can read before deploy (a parameter, a custom
/// resource's attribute, an `Fn::Select`, a dynamic reference, the import of an export that
/// is no destination of the app) may be any destination, and fails. Each branch of an
/// `Fn::If` may be deployed: each is read, a failure before a gap.
fn destination_outside_the_app(
    cx: &Cx<'_>,
    stack: Option<&str>,
    logging: &Resource,
) -> Option<Outcome> {
    let here = match stack {
        None => Some(*cx),
        Some(name) => cx.stacks.iter().position(|(n, _)| *n == name).map(|at| Cx {
            template: cx.stacks[at].1,
            resource: logging,
            stack: cx.stacks[at].0,
            at,
            ..*cx
        }),
    }?;
    let destinations = match &logging.properties()["LogDestinationConfigs"] {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    super::worst(destinations.into_iter().enumerate().filter_map(|(i, d)| {
        let property = format!("`{}.LogDestinationConfigs.{i}`", logging.logical_id());
        waf_destination(&here, d, &property)
    }))
}

/// One destination of a web ACL's logs, as [`destination_outside_the_app`] reads it.
fn waf_destination(here: &Cx<'_>, d: &Value, property: &str) -> Option<Outcome> {
    super::services::log_sink_outside_the_app(
        here,
        d,
        property,
        &super::services::LogSink {
            writer: "the web ACL",
            anywhere: "the web ACL may log anywhere",
            goes_to: "the web ACL logs to",
            records: "its records are",
            fix: "log to an `aws-waf-logs-` log group, bucket or Firehose stream of the app (the `Fn::GetAtt` of its `Arn`, or the import of its export)",
        },
    )
}

/// Every `AWS::WAFv2::LoggingConfiguration` of `template` that names `acl` by its ARN in
/// `ResourceArn`. A web ACL has one logging configuration: `PutLoggingConfiguration`
/// "Enables the specified LoggingConfiguration, to start logging from a web ACL", and a
/// second call for the same ACL replaces the first (WAF API reference), so of two
/// configurations naming it the one CloudFormation applies last is kept, which no template
/// shows: each must hold (hostile review h2: a second configuration that drops every
/// record, or logs where no rule reads, passed F4 behind a first one that logged).
fn loggings<'a>(template: &'a crate::cfn::Template, acl: &Resource) -> Vec<&'a Resource> {
    template
        .resources()
        .iter()
        .filter(|r| r.type_name() == WAF_LOGGING)
        .filter(|r| {
            web_acl(template, &r.properties()["ResourceArn"]).is_some_and(|a| std::ptr::eq(a, acl))
        })
        .collect()
}

/// The logging configurations that log `acl` ([`loggings_of`], each with its stack), as
/// F4 reads them: at least one, and none that keeps nothing.
fn logging_proof(found: &[(Option<&str>, &Resource)], acl: &Resource) -> Result<Proof, String> {
    let Some((stack, first)) = found.first() else {
        return Err(format!(
            "no `AWS::WAFv2::LoggingConfiguration` logs the web ACL `{}`",
            acl.logical_id()
        ));
    };
    let dropped: Vec<String> = found.iter().filter_map(|(_, l)| keeps_nothing(l)).collect();
    if !dropped.is_empty() {
        return Err(dropped.join("; "));
    }
    proof_of(first, "/LogDestinationConfigs")
        .map(|p| p.with_stack(*stack))
        .ok_or_default()
}

/// Why a logging configuration writes no request to its destination, if it does not: a
/// `LoggingFilter` whose `DefaultBehavior` ("Default handling for logs that don't match any
/// of the specified filtering conditions", KEEP or DROP) does not keep and none of whose
/// `Filters` has `Behavior` KEEP drops every record ("AWS::WAFv2::LoggingConfiguration
/// LoggingFilter" and "... Filter", CloudFormation template reference). A filter that keeps
/// some requests (the blocked ones) logs those; `RedactedFields` hides the values of the
/// fields it names, not the request.
fn keeps_nothing(logging: &Resource) -> Option<String> {
    let filter = &logging.properties()["LoggingFilter"];
    if !set(filter) {
        return None;
    }
    let keeps = |v: &Value| text(v).is_some_and(|t| t.trim() == "KEEP");
    let filters = match &filter["Filters"] {
        Value::Array(items) => items.iter().filter(|f| set(f)).collect(),
        other if set(other) => vec![other],
        _ => Vec::new(),
    };
    if keeps(&filter["DefaultBehavior"]) || filters.iter().any(|f| keeps(&f["Behavior"])) {
        return None;
    }
    Some(format!(
        "the `LoggingFilter` of `{}` keeps nothing: its `DefaultBehavior` is {} and no filter's `Behavior` is KEEP, so no request is logged; keep by default, or keep what a filter matches",
        logging.logical_id(),
        text_or_json(&filter["DefaultBehavior"])
    ))
}

fn f5(cx: &Cx<'_>) -> Outcome {
    match cx.resource.type_name() {
        GROUP => {
            // Every launch template the group may start from (the group's, the mixed
            // instances policy's, and each override's) must be one of the app, whose
            // settings F5, E4 and E5 read; one named by a written id or name is outside
            // the app and shows nothing.
            let mut specifications = Vec::new();
            if cx.prop("/LaunchTemplate").is_some() {
                specifications.push("/LaunchTemplate".to_owned());
            } else if cx.prop("/MixedInstancesPolicy/LaunchTemplate").is_some() {
                specifications.push(
                    "/MixedInstancesPolicy/LaunchTemplate/LaunchTemplateSpecification".to_owned(),
                );
                let overrides = cx
                    .prop("/MixedInstancesPolicy/LaunchTemplate/Overrides")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                specifications.extend((0..overrides).filter_map(|i| {
                    let p = format!(
                        "/MixedInstancesPolicy/LaunchTemplate/Overrides/{i}/LaunchTemplateSpecification"
                    );
                    cx.prop(&p).is_some().then_some(p)
                }));
            }
            let of_app = |p: &str| -> Result<Proof, String> {
                let spec = cx.prop(p);
                let named = ["LaunchTemplateId", "LaunchTemplateName"]
                    .iter()
                    .filter_map(|k| spec.and_then(|s| s.get(*k)))
                    .filter(|v| !super::meaning::no_value(v))
                    .find(|v| {
                        // A value that only mentions a template (its name with a suffix)
                        // names another one.
                        // An import, only as the export of a launch template.
                        cx.others(LAUNCH_TEMPLATE)
                            .any(|t| super::meaning::names(v, t.logical_id()))
                            || super::meaning::imported(v)
                                && cx.named_in_app(None, v, LAUNCH_TEMPLATE).is_some()
                    });
                match named {
                    Some(_) => cx.present(p),
                    None => Err(format!(
                        "`{}` names no launch template of the app, so nothing shows that its instances require IMDSv2 and get no public address",
                        p.trim_start_matches('/').replace('/', ".")
                    )),
                }
            };
            let template = if specifications.is_empty() {
                Err("the group starts from no `LaunchTemplate` (a launch configuration cannot require IMDSv2 everywhere and is retired by AWS)".to_owned())
            } else {
                specifications
                    .iter()
                    .map(|p| of_app(p))
                    .find(Result::is_err)
                    .unwrap_or_else(|| of_app(&specifications[0]))
            };
            // A list the template does not show (`Fn::Split` of text read at deploy, a
            // reference) may hold load balancers: only an empty list attaches none.
            let listed = |p: &str| {
                cx.prop(p).is_some_and(|v| match v {
                    Value::Array(a) => a.iter().any(|e| !super::meaning::no_value(e)),
                    _ => true,
                })
            };
            // `TrafficSources` attaches load balancers (`elb`, `elbv2`) and VPC Lattice
            // target groups (`vpc-lattice`) as `TargetGroupARNs` and `LoadBalancerNames` do
            // (Auto Scaling API reference, TrafficSourceIdentifier); a source whose type the
            // template does not show is read as a load balancer.
            let sources: Vec<String> = match cx.prop("/TrafficSources") {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter(|s| !super::meaning::no_value(s))
                    .map(|s| {
                        text(&s["Type"])
                            .map_or_else(|| "elbv2".to_owned(), |t| t.trim().to_ascii_lowercase())
                    })
                    .collect(),
                // Sources the template does not show may be load balancers.
                Some(_) => vec!["elbv2".to_owned()],
                None => Vec::new(),
            };
            let lattice = sources.iter().any(|t| t == "vpc-lattice");
            let behind = listed("/TargetGroupARNs")
                || listed("/LoadBalancerNames")
                || sources.iter().any(|t| t != "vpc-lattice");
            let mut checks = vec![template];
            // `HealthCheckType` is a comma-separated list of EC2, EBS, ELB and VPC_LATTICE.
            let types: Vec<String> = cx
                .prop("/HealthCheckType")
                .and_then(text)
                .map(|t| {
                    t.split(',')
                        .map(|p| p.trim().to_ascii_uppercase())
                        .collect()
                })
                .unwrap_or_default();
            for (needed, kind, wanted) in [
                (behind, "ELB", "the load balancer"),
                (lattice, "VPC_LATTICE", "VPC Lattice"),
            ] {
                if !needed {
                    continue;
                }
                checks.push(if types.iter().any(|t| t == kind) {
                    cx.proof("/HealthCheckType").ok_or_default()
                } else if types.is_empty() {
                    Err(format!("`HealthCheckType` is not set (EC2, the default): the group keeps instances {wanted} finds unhealthy"))
                } else {
                    Err(format!(
                        "`HealthCheckType` is {}, without {kind}: the group keeps instances {wanted} finds unhealthy",
                        types.join(",")
                    ))
                });
            }
            all(checks)
        }
        LAUNCH_CONFIGURATION => {
            let mut checks = vec![
                match cx.prop("/MetadataOptions/HttpTokens").and_then(text) {
                    Some(t) if t == "required" => {
                        cx.proof("/MetadataOptions/HttpTokens").ok_or_default()
                    }
                    _ => Err(
                        "`MetadataOptions.HttpTokens` is not required: instances answer IMDSv1"
                            .to_owned(),
                    ),
                },
            ];
            if let Some(v) = cx
                .prop("/AssociatePublicIpAddress")
                .filter(|v| !is_false(v))
            {
                checks.push(Err(format!(
                    "`AssociatePublicIpAddress` is {}, not false: every instance may get a public address",
                    text_or_json(v)
                )));
            }
            all(checks)
        }
        _ => {
            // A list, or an entry, that an intrinsic makes (`Fn::Select` of written
            // interfaces, a reference) holds settings no rule reads before deploy: it may
            // associate a public address.
            let pointer = "/LaunchTemplateData/NetworkInterfaces";
            let intrinsic = |v: &Value| {
                v.as_object()
                    .is_some_and(|m| m.keys().any(|k| k == "Ref" || k.starts_with("Fn::")))
            };
            let unread = match cx.prop(pointer) {
                None => None,
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .find(|(_, v)| !super::meaning::no_value(v) && (intrinsic(v) || !v.is_object()))
                    .map(|(i, v)| (format!("{pointer}/{i}"), v)),
                Some(other) => Some((pointer.to_owned(), other)),
            };
            if let Some((at, v)) = unread {
                return Outcome::Fail(format!(
                    "`{}` is {}, which no rule can read before deploy: the interfaces may associate public addresses; write them as literals",
                    pointer_name(&at),
                    text_or_json(v)
                ));
            }
            let interfaces = cx
                .prop(pointer)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let public: Vec<String> = (0..interfaces)
                .filter(|i| {
                    // True, or a value known only at deploy (a dynamic reference), which
                    // may be true.
                    cx.prop(&format!(
                        "/LaunchTemplateData/NetworkInterfaces/{i}/AssociatePublicIpAddress"
                    ))
                    .is_some_and(|v| !is_false(v))
                })
                .map(|i| {
                    let v = cx
                        .prop(&format!(
                            "/LaunchTemplateData/NetworkInterfaces/{i}/AssociatePublicIpAddress"
                        ))
                        .map(text_or_json)
                        .unwrap_or_default();
                    format!("`LaunchTemplateData.NetworkInterfaces.{i}.AssociatePublicIpAddress` is {v}, not false")
                })
                .collect();
            if public.is_empty() {
                all([cx.present("/LaunchTemplateData")])
            } else {
                Outcome::Fail(format!(
                    "{}: instances launched from it may get public addresses",
                    public.join("; ")
                ))
            }
        }
    }
}

/// F6 on a classic load balancer: each listener's `InstanceProtocol` ("The protocol to use
/// for routing traffic to instances: HTTP, HTTPS, TCP, or SSL", the
/// `AWS::ElasticLoadBalancing::LoadBalancer Listeners` reference) must be HTTPS or SSL. The
/// reference gives no default when it is not written: a gap, not a pass.
fn classic_to_instances(cx: &Cx<'_>) -> Outcome {
    let count = classic_listeners(cx);
    if count == 0 {
        return Outcome::Fail("`Listeners` is not set".to_owned());
    }
    let mut checks = Vec::new();
    let mut unwritten = Vec::new();
    for i in 0..count {
        let pointer = format!("/Listeners/{i}/InstanceProtocol");
        match cx.prop(&pointer) {
            None => unwritten.push(format!("`Listeners.{i}.InstanceProtocol`")),
            Some(v) => checks.push(match known_protocol(v).as_deref() {
                Some("HTTPS" | "SSL") => cx.proof(&pointer).ok_or_default(),
                Some(p) => Err(format!(
                    "`Listeners.{i}.InstanceProtocol` is {p}: the load balancer forwards to the instances in plain text"
                )),
                None => Err(format!(
                    "`Listeners.{i}.InstanceProtocol` is {}, known only at deploy: write HTTPS or SSL",
                    text_or_json(v)
                )),
            }),
        }
    }
    match all(checks) {
        Outcome::Pass(_) if !unwritten.is_empty() => Outcome::Gap(format!(
            "{} not written, and the CloudFormation reference documents no default protocol to the instances: set it to HTTPS or SSL",
            unwritten.join(", ")
        )),
        other => other,
    }
}

/// F6 on a listener or listener rule: every target group it forwards to (an action's
/// `TargetGroupArn`, and each `TargetGroupArn` of `ForwardConfig.TargetGroups`, "Information
/// for creating an action that distributes requests among one or more target groups",
/// `AWS::ElasticLoadBalancingV2::Listener ForwardConfig`, CloudFormation template reference)
/// must be a target group of the app, whose `Protocol` this rule reads where it is declared.
/// A group named by an ARN written as text or passed in a parameter is declared nowhere the
/// rule reads: the protocol to its targets cannot be read, which fails.
fn forwards_to_read_groups(cx: &Cx<'_>) -> Outcome {
    let key = if cx.resource.type_name() == LISTENER {
        "/DefaultActions"
    } else {
        "/Actions"
    };
    let Some(actions) = cx.prop(key) else {
        return Outcome::NotApplicable;
    };
    let mut checks = Vec::new();
    walk(cx, actions, key, Level::Actions, &mut checks);
    if checks.is_empty() {
        // No action forwards (redirects, fixed responses): no target is reached.
        return Outcome::NotApplicable;
    }
    let forwards = all(checks);
    if cx.resource.type_name() == LISTENER_RULE
        && let Err(why) = listener_read(cx, cx.prop("/ListenerArn"), "/ListenerArn")
    {
        return Unfiltered::gap_unless_failed(why, forwards);
    }
    forwards
}

/// A listener rule forwards what its listener (`ListenerArn`, "The Amazon Resource Name
/// (ARN) of the listener", `AWS::ElasticLoadBalancingV2::ListenerRule`, CloudFormation
/// template reference) receives: whether that listener takes plain HTTP is read by F1 on
/// the listener, which reads the rules of every stack that name it (`services::plain_rules`).
/// The listener must therefore be one of the app: of this template (its `Ref`, or a value
/// that is wholly it, [`super::meaning::names`]) or an import of an export of another stack
/// of the app whose value is wholly one of that stack's listeners; each branch of an
/// `Fn::If`. Anything else (an ARN written as text, a parameter, an import of a value that
/// is no listener) is a listener no rule reads: a gap, never a pass.
fn listener_read(cx: &Cx<'_>, listener: Option<&Value>, pointer: &str) -> Result<Proof, String> {
    let Some(listener) = listener else {
        return Err(
            "`ListenerArn` is not set: the listener this rule forwards from, and whether it takes plain HTTP, are read by no rule"
                .to_owned(),
        );
    };
    if let Some(both) = branches(listener) {
        return both
            .iter()
            .map(|(branch, at)| listener_read(cx, Some(branch), &format!("{pointer}{at}")))
            .find(Result::is_err)
            .unwrap_or_else(|| cx.proof(pointer).ok_or_default());
    }
    let local = cx
        .others(LISTENER)
        .any(|l| super::meaning::names(listener, l.logical_id()));
    if local || exported_by_the_app(cx, listener, LISTENER) {
        return cx.proof(pointer).ok_or_default();
    }
    Err(format!(
        "`{}` is {}, which names no `AWS::ElasticLoadBalancingV2::Listener` of the app: whether the listener this rule forwards from takes plain HTTP (F1) is read by no rule; attach the rule to a listener of the app (`Ref`, or an import of a stack that exports one)",
        pointer_name(pointer),
        text_or_json(listener)
    ))
}

/// Whether `value` (of the stack of `cx`) is wholly an import ([`super::meaning::imported`])
/// whose every name is exported by a stack of the app of its region and account
/// ([`Cx::importable`]) with a value that is wholly a resource of `type_name` of
/// that stack ([`super::meaning::names`] of its logical id): an export whose value only
/// mentions one (an `Fn::If` whose other branch is an ARN written as text, text joined onto
/// its `Ref`) may hand out another resource, which no rule reads.
pub(super) fn exported_by_the_app(cx: &Cx<'_>, value: &Value, type_name: &'static str) -> bool {
    if !super::meaning::imported(value) {
        return false;
    }
    // Each import's name as CloudFormation reads it: text, or built by intrinsics that read
    // before deploy (an `Fn::Sub` without variables; the nineteenth probe's false refusal).
    fn names_of(value: &Value, names: &mut Vec<Option<String>>) {
        match value {
            Value::Object(map) => match map.get("Fn::ImportValue") {
                Some(name) => names.push(super::meaning::text(name)),
                None => map.values().for_each(|v| names_of(v, names)),
            },
            Value::Array(items) => items.iter().for_each(|v| names_of(v, names)),
            _ => {}
        }
    }
    let mut names = Vec::new();
    names_of(value, &mut names);
    !names.is_empty()
        && names.iter().all(|name| {
            let Some(name) = name else {
                return false;
            };
            cx.importable(cx.at, type_name).any(|(stack, r)| {
                super::arn::exports_of(cx.template_of(stack), r.logical_id())
                    .iter()
                    .any(|(export, exported)| {
                        export == name && super::meaning::names(exported, r.logical_id())
                    })
            })
        })
}

/// The branches of an `Fn::If` (both are read: either may be chosen at deploy).
fn branches(value: &Value) -> Option<[(&Value, &'static str); 2]> {
    match value.get("Fn::If") {
        Some(Value::Array(a))
            if a.len() == 3 && value.as_object().is_some_and(|m| m.len() == 1) =>
        {
            Some([(&a[1], "/Fn::If/1"), (&a[2], "/Fn::If/2")])
        }
        _ => None,
    }
}

/// Where [`walk`] is in a listener's actions: a list of actions, an action, its
/// `ForwardConfig`, a list of target group tuples, a tuple.
#[derive(Clone, Copy)]
enum Level {
    Actions,
    Action,
    Forward,
    Tuples,
    Tuple,
}

/// Walks a listener's actions at `level`, reading each target group they forward to; a
/// part written as a value no rule can read (a reference, an intrinsic other than `Fn::If`)
/// fails: it may forward anywhere.
fn walk(
    cx: &Cx<'_>,
    value: &Value,
    pointer: &str,
    level: Level,
    checks: &mut Vec<Result<Proof, String>>,
) {
    if super::meaning::no_value(value) || value.is_null() {
        return;
    }
    if let Some(both) = branches(value) {
        for (branch, at) in both {
            walk(cx, branch, &format!("{pointer}{at}"), level, checks);
        }
        return;
    }
    let unreadable = |checks: &mut Vec<Result<Proof, String>>| {
        checks.push(Err(format!(
            "`{}` is {}, which no rule can read before deploy: the target groups it forwards to, and the protocol to their targets, are not known; write the actions as literals",
            pointer_name(pointer),
            text_or_json(value)
        )));
    };
    match (level, value) {
        (Level::Actions | Level::Tuples, Value::Array(items)) => {
            let next = if matches!(level, Level::Actions) {
                Level::Action
            } else {
                Level::Tuple
            };
            for (i, item) in items.iter().enumerate() {
                walk(cx, item, &format!("{pointer}/{i}"), next, checks);
            }
        }
        (Level::Action | Level::Forward | Level::Tuple, Value::Object(map))
            if !map.keys().any(|k| k == "Ref" || k.starts_with("Fn::")) =>
        {
            if let Some(group) = map.get("TargetGroupArn")
                && !matches!(level, Level::Forward)
            {
                let at = format!("{pointer}/TargetGroupArn");
                checks.push(target_group_read(cx, group, &at));
            }
            match level {
                Level::Action => {
                    if let Some(forward) = map.get("ForwardConfig") {
                        walk(
                            cx,
                            forward,
                            &format!("{pointer}/ForwardConfig"),
                            Level::Forward,
                            checks,
                        );
                    }
                }
                Level::Forward => {
                    if let Some(tuples) = map.get("TargetGroups") {
                        walk(
                            cx,
                            tuples,
                            &format!("{pointer}/TargetGroups"),
                            Level::Tuples,
                            checks,
                        );
                    }
                }
                _ => {}
            }
        }
        _ => unreadable(checks),
    }
}

/// A target group a listener forwards to is one of the app: of this template (by `Ref`,
/// `Fn::GetAtt` or `${Group}`, read by F6 where it is declared), or an import of an export
/// of another stack of the app whose value refers to one of its target groups; each branch
/// of an `Fn::If`.
fn target_group_read(cx: &Cx<'_>, group: &Value, pointer: &str) -> Result<Proof, String> {
    if super::meaning::no_value(group) {
        return cx.proof(pointer).ok_or_default();
    }
    if let Some(both) = branches(group) {
        return both
            .iter()
            .map(|(branch, at)| target_group_read(cx, branch, &format!("{pointer}{at}")))
            .find(Result::is_err)
            .unwrap_or_else(|| cx.proof(pointer).ok_or_default());
    }
    let local = cx
        .others(TARGET_GROUP)
        .any(|g| super::meaning::names(group, g.logical_id()));
    if local || exported_by_the_app(cx, group, TARGET_GROUP) {
        cx.proof(pointer).ok_or_default()
    } else {
        Err(format!(
            "`{}` is {}, which names no `AWS::ElasticLoadBalancingV2::TargetGroup` of the app: the protocol to its targets is read nowhere and may be plain HTTP; forward to a target group of the app (`Ref`, or an import of a stack that exports one)",
            pointer_name(pointer),
            text_or_json(group)
        ))
    }
}

fn f6(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == CLASSIC {
        return classic_to_instances(cx);
    }
    if cx.resource.type_name() == LATTICE_TARGET_GROUP {
        return lattice_target_group(cx);
    }
    if matches!(
        cx.resource.type_name(),
        super::lattice::LISTENER | super::lattice::RULE
    ) {
        return super::lattice::forwards_to_read_groups(cx);
    }
    if matches!(cx.resource.type_name(), LISTENER | LISTENER_RULE) {
        return forwards_to_read_groups(cx);
    }
    let target_type = cx
        .prop("/TargetType")
        .and_then(text)
        .unwrap_or_default()
        .to_ascii_lowercase();
    if target_type == "lambda" {
        // A function is invoked, not connected to.
        return Outcome::NotApplicable;
    }
    if target_type == "alb" {
        return alb_targets(cx);
    }
    match protocol(cx).as_str() {
        // QUIC carries its own TLS: "QUIC ... uses TLS 1.3" for its handshake and
        // encrypts every packet after it (RFC 9001, "Using TLS to Secure QUIC"), and a
        // Network Load Balancer passes QUIC through to the targets ("the Network Load
        // Balancer acts as a passthrough load balancer, as per RFC9000", Network Load
        // Balancers guide, "Listeners"): the targets end that TLS. TCP_QUIC is not: its TCP
        // half carries whatever the client sends, as TCP does.
        "HTTPS" | "TLS" | "QUIC" => all([cx.proof("/Protocol").ok_or_default()]),
        "GENEVE" => Outcome::NotApplicable,
        "" => Outcome::Fail("`Protocol` is not set".to_owned()),
        "TCP" if behind_passthrough_only(cx) => Outcome::Gap(
            "`Protocol` is TCP behind TCP listeners of a Network Load Balancer that pass TLS through (the group checks its targets over HTTPS on the traffic port): the targets end TLS in whatever versions they accept, which no rule reads; use a TLS target group, or hold the targets' TLS configuration as evidence".to_owned(),
        ),
        other => Outcome::Fail(format!(
            "`Protocol` is {other}: the load balancer forwards requests to the targets in plain text"
        )),
    }
}

/// Whether this TCP target group is reached only through listeners that pass TLS through
/// to its targets ([`super::services::tls_passthrough`], which reads the group's own health
/// check): one such listener at least, and none of any stack of the app that forwards to it
/// in another way (a listener rule, or a listener that is no passthrough, such as a TLS
/// listener, which ends TLS and sends the group plain text). A listener of this template
/// reaches the group when it mentions it; one of another stack in the same region and
/// account when it imports an export of the group (CloudFormation resolves an import only
/// among the exports of its own account and region, `Fn::ImportValue`): probe 18a #1, where
/// a TLS listener of another stack was not seen. The group of a TCP listener that passes
/// TLS through is TCP ("With a TCP listener, the load balancer passes encrypted traffic
/// through to the targets without decrypting it", Network Load Balancers guide, "Listeners
/// for your Network Load Balancers").
fn behind_passthrough_only(cx: &Cx<'_>) -> bool {
    let id = cx.id();
    let exports = cx.own_exports();
    let mut passthrough = false;
    for (at, (_, template)) in cx.stacks.iter().enumerate() {
        let home = at == cx.at;
        if !home && (exports.is_empty() || !exports.readable_from(cx, at)) {
            continue;
        }
        let reaches = |r: &Resource| {
            (home && super::mentions(r.properties(), id))
                || exports.imported_by(cx, at, r.properties())
        };
        for r in template.resources() {
            match r.type_name() {
                LISTENER if reaches(r) => match super::services::tls_passthrough(cx, at, r) {
                    Some(groups)
                        if groups
                            .iter()
                            .any(|(s, g)| *s == cx.at && g.logical_id() == id) =>
                    {
                        passthrough = true;
                    }
                    _ => return false,
                },
                LISTENER_RULE if reaches(r) => return false,
                _ => {}
            }
        }
    }
    passthrough
}

/// F6 on a VPC Lattice target group ([`LATTICE_TARGET_GROUP`]): a function's (`Type`
/// LAMBDA) is invoked, not connected to; any other forwards over `Config.Protocol`, which
/// must be HTTPS. A type or protocol known only at deploy may be any.
fn lattice_target_group(cx: &Cx<'_>) -> Outcome {
    let kind = cx.prop("/Type").and_then(text);
    if kind.is_some_and(|k| k.trim().eq_ignore_ascii_case("LAMBDA")) {
        return Outcome::NotApplicable;
    }
    let pointer = "/Config/Protocol";
    let Some(value) = cx.prop(pointer) else {
        return Outcome::Fail(
            "`Config.Protocol` is not set, so the protocol to the targets is not shown: set it to HTTPS"
                .to_owned(),
        );
    };
    let read = text(value).filter(|t| !super::identity::dynamic(t));
    match read.map(|t| t.trim().to_ascii_uppercase()) {
        Some(p) if p == "HTTPS" => all([cx.proof(pointer).ok_or_default()]),
        Some(p) if p == "TCP" => Outcome::Gap(
            "`Config.Protocol` is TCP: VPC Lattice forwards to the targets the TLS its clients send through a TLS passthrough listener, which the targets end in whatever TLS versions they accept, read by no rule; use an HTTPS listener and target group".to_owned(),
        ),
        Some(p) => {
            Outcome::Fail(format!(
                "`Config.Protocol` is {p}: VPC Lattice forwards requests to the targets in plain text; set it to HTTPS and terminate TLS on the targets"
            ))
        }
        _ => Outcome::Fail(format!(
            "`Config.Protocol` is {}, known only at deploy: it may be HTTP, which VPC Lattice forwards in plain text; write HTTPS",
            text_or_json(value)
        )),
    }
}

/// F6 on a target group of application load balancers (`TargetType` alb), which a network
/// load balancer reaches over TCP ("If the target type is alb, the protocol must be TCP",
/// and "the port must match the listener port of the Application Load Balancer", Network
/// Load Balancers guide, "Create a target group for your Network Load Balancer"): what
/// crosses is what that listener takes, so TLS reaches the target only if the ALB's
/// listener on the group's port (or the target's own `Port`) is HTTPS. A network load
/// balancer whose TLS listener ends TLS and forwards to an ALB listening in HTTP sends the
/// requests on in plain text. Each target (`Targets.{i}.Id`) must be an application load
/// balancer of the app: of this template (its `Ref`, [`super::meaning::names`]) or of the
/// stack whose export of it the target imports ([`Cx::named_in_app`]), whose listeners on
/// that port are read in every stack (of its own, naming it by its `Ref`; of another, by
/// the import of its export): one that is not HTTPS fails; an ALB named as text, or whose
/// listener on the port no template shows, is read nowhere. A group that registers no
/// target in the template has none to read.
fn alb_targets(cx: &Cx<'_>) -> Outcome {
    let targets: Vec<(usize, &Value)> = match cx.prop("/Targets") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter(|(_, t)| !super::meaning::no_value(t))
            .collect(),
        Some(other) => {
            return Outcome::Fail(format!(
                "`Targets` is {}, which no rule can read before deploy: the application load balancers it registers, and the protocol of their listeners, are read nowhere; write the targets out",
                text_or_json(other)
            ));
        }
        None => return Outcome::NotApplicable,
    };
    if targets.is_empty() {
        return Outcome::NotApplicable;
    }
    let group_port = cx.prop("/Port").and_then(super::meaning::whole_number);
    let mut checks = Vec::new();
    let mut unshown = Vec::new();
    for (i, target) in targets {
        let id = &target["Id"];
        let port = target
            .get("Port")
            .filter(|v| !super::meaning::no_value(v))
            .map_or(group_port, super::meaning::whole_number);
        let Some((home, balancer)) = cx.named_in_app(None, id, LOAD_BALANCER) else {
            checks.push(Err(format!(
                "`Targets.{i}.Id` is {}, which names no application load balancer of the app: whether its listener takes HTTPS is read nowhere, and a network load balancer reaches it in whatever protocol that listener takes",
                text_or_json(id)
            )));
            continue;
        };
        let named = |stack: Option<&str>, id: &str| {
            stack.map_or_else(|| id.to_owned(), |stack| format!("{stack}/{id}"))
        };
        let balancer_name = named(home, balancer.logical_id());
        let Some(port) = port else {
            checks.push(Err(format!(
                "the port of `Targets.{i}` is not a number the rule can read: which listener of `{balancer_name}` it reaches is not shown"
            )));
            continue;
        };
        // The listeners of the balancer on the port, in every stack that can name it.
        let listeners: Vec<(Option<&str>, &Resource)> = cx
            .everywhere(LISTENER)
            .filter(|(stack, l)| {
                let p = l.properties();
                super::meaning::whole_number(&p["Port"]) == Some(port)
                    && cx
                        .named_in_app(*stack, &p["LoadBalancerArn"], LOAD_BALANCER)
                        .is_some_and(|(_, b)| std::ptr::eq(b, balancer))
            })
            .collect();
        if listeners.is_empty() {
            unshown.push(format!(
                "no listener of the app listens on port {port} of `{balancer_name}`, the target `Targets.{i}`: the protocol it is reached in is read nowhere"
            ));
            checks.push(cx.proof(&format!("/Targets/{i}/Id")).ok_or_default());
            continue;
        }
        for (stack, listener) in listeners {
            let protocol = known_protocol(&listener.properties()["Protocol"]);
            checks.push(match protocol.as_deref() {
                Some("HTTPS") => proof_of(listener, "/Protocol")
                    .map(|p| p.with_stack(stack))
                    .ok_or_default(),
                _ => Err(format!(
                    "the listener `{}` of `{balancer_name}` on port {port}, the target `Targets.{i}`, takes {}: the network load balancer forwards to it in plain text; make it HTTPS",
                    named(stack, listener.logical_id()),
                    protocol.unwrap_or_else(|| text_or_json(&listener.properties()["Protocol"]))
                )),
            });
        }
    }
    match all(checks) {
        Outcome::Pass(_) if !unshown.is_empty() => Outcome::Gap(unshown.join("; ")),
        other => other,
    }
}

/// Every entry of `LoadBalancerAttributes` with this key (its text, trimmed), with its
/// index: Elastic Load Balancing's documentation does not say which of several entries of
/// one key it applies, so each must hold. Entries removed by `AWS::NoValue` are left out.
fn attribute_entries<'a>(cx: &Cx<'a>, key: &str) -> Vec<(usize, &'a Value)> {
    cx.prop("/LoadBalancerAttributes")
        .and_then(Value::as_array)
        .map(|entries| {
            entries
                .iter()
                .enumerate()
                .filter(|(_, a)| !super::meaning::no_value(a))
                .filter(|(_, a)| text(&a["Key"]).is_some_and(|k| k.trim() == key))
                .map(|(i, a)| (i, &a["Value"]))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the load balancer may be an application load balancer: `Type` not set (the
/// default is `application`, the `AWS::ElasticLoadBalancingV2::LoadBalancer` reference),
/// `application`, or a value known only at deploy (an intrinsic that cannot be read, a
/// dynamic reference).
fn may_be_application(cx: &Cx<'_>) -> bool {
    match cx.prop("/Type") {
        None => true,
        Some(v) => match text(v) {
            Some(t) if !super::identity::dynamic(&t) => {
                t.trim().eq_ignore_ascii_case("application")
            }
            _ => true,
        },
    }
}

/// One entry of an attribute, read against the values Elastic Load Balancing documents
/// (`allowed`, exactly as written there): a documented value passes; another spelling of
/// one (`TRUE`, `Strictest`), which the documentation does not say it reads so, is a gap;
/// anything else, a value known only at deploy included, fails with `why`.
fn documented(
    cx: &Cx<'_>,
    key: &str,
    (i, value): (usize, &Value),
    allowed: &[&str],
    why: &str,
) -> Result<Result<Proof, String>, String> {
    // A JSON boolean is written as its text: CloudFormation passes `true` as "true".
    let read = text(value).filter(|t| !super::identity::dynamic(t));
    match read.as_deref() {
        Some(t) if allowed.contains(&t) => Ok(cx
            .proof(&format!("/LoadBalancerAttributes/{i}/Value"))
            .ok_or_default()),
        Some(t) if allowed.iter().any(|a| a.eq_ignore_ascii_case(t.trim())) => Err(format!(
            "`{key}` is {t:?}, which Elastic Load Balancing documents only as {}: whether it reads this spelling so is not shown; write it in lower case, without spaces",
            allowed.join(" or ")
        )),
        Some(t) => Ok(Err(format!(
            "`{key}` is {t}, not {}: {why}",
            allowed.join(" or ")
        ))),
        None => Ok(Err(format!(
            "`{key}` is {}, known only at deploy, not {}: {why}",
            text_or_json(value),
            allowed.join(" or ")
        ))),
    }
}

fn f7(cx: &Cx<'_>) -> Outcome {
    if cx.resource.type_name() == CLASSIC {
        // A classic load balancer's attributes are its access log, connection draining,
        // connection settings, cross-zone load balancing and additional attributes (the
        // Elastic Load Balancing 2012-06-01 API's `LoadBalancerAttributes`): none protects
        // it from deletion.
        return Outcome::Fail(
            "a classic load balancer has no deletion protection: replace it with an application or network load balancer with `deletion_protection.enabled` true"
                .to_owned(),
        );
    }
    // "deletion_protection.enabled - Indicates whether deletion protection is enabled. The
    // value is true or false. The default is false." (`LoadBalancerAttribute`, the
    // CloudFormation reference).
    let key = "deletion_protection.enabled";
    let mut checks = Vec::new();
    let mut gaps = Vec::new();
    let deletion = attribute_entries(cx, key);
    if deletion.is_empty() {
        checks.push(Err(format!(
            "`{key}` is not set in `LoadBalancerAttributes` (it is false by default)"
        )));
    }
    for entry in deletion {
        match documented(
            cx,
            key,
            entry,
            &["true"],
            "the load balancer can be deleted with its listeners",
        ) {
            Ok(check) => checks.push(check),
            Err(gap) => gaps.push(gap),
        }
    }
    // "routing.http.desync_mitigation_mode - Determines how the load balancer handles
    // requests that might pose a security risk to your application. The possible values
    // are monitor, defensive, and strictest. The default is defensive." (the same
    // reference); an application load balancer's only.
    if may_be_application(cx) {
        let key = "routing.http.desync_mitigation_mode";
        for entry in attribute_entries(cx, key) {
            match documented(
                cx,
                key,
                entry,
                &["defensive", "strictest"],
                "in monitor mode requests that smuggle another request through reach the targets",
            ) {
                Ok(check) => checks.push(check),
                Err(gap) => gaps.push(gap),
            }
        }
    }
    match all(checks) {
        Outcome::Pass(_) if !gaps.is_empty() => Outcome::Gap(gaps.join("; ")),
        other => other,
    }
}

fn sm1(cx: &Cx<'_>) -> Outcome {
    // A type that cannot be read before deploy (`Fn::Select` of `Fn::Split`, …) may be
    // `Session`: the rule applies, rather than leave the document unread.
    // hostile review 20: the type in another case or with spaces (` session`) is read as
    // `Session` too: whether Systems Manager takes it so is not shown, and reading it costs
    // a document of another type nothing it would not pass.
    let session = cx
        .prop("/DocumentType")
        .is_some_and(|v| text(v).is_none_or(|t| t.trim().eq_ignore_ascii_case("Session")));
    if !session {
        return Outcome::NotApplicable;
    }
    // The content as an object; JSON text is read too, written as a string or built by
    // intrinsics CloudFormation resolves before Systems Manager reads it (`Fn::Sub`,
    // `Fn::Join`: hostile review 20, a compliant document so written was refused); its
    // proof is the whole content.
    let (content, pointer, written) = match cx.prop("/Content") {
        Some(v @ Value::Object(_)) if !super::identity::intrinsic(v) => {
            (Some(v.clone()), true, None)
        }
        Some(v) => match text(v) {
            Some(s) => (crate::cfn::tree::from_str(&s).ok(), false, Some(s)),
            None => (None, false, None),
        },
        None => (None, false, None),
    };
    let Some(content) = content else {
        // hostile review 21: a `DocumentFormat: YAML` document whose `Content` is YAML text
        // (Systems Manager takes "JSON or YAML", CloudFormation reference,
        // `AWS::SSM::Document` `DocumentFormat`) was refused as unreadable, compliant or not.
        // The project has no YAML reader, and reading YAML by hand (anchors, aliases, merge
        // keys, escapes in quoted keys, flow and block styles) would be a guess at what
        // Systems Manager reads: such a document is a gap, reported and not refused, which
        // names what is not read. JSON text is YAML too, and is read above whatever the
        // format says. A format known only at deploy, or any other, with text that is not
        // JSON, still fails.
        if let Some(document) = written.as_deref().filter(|_| yaml_format(cx)) {
            if let Some(why) = yaml_lacks(document) {
                return Outcome::Fail(why);
            }
            return Outcome::Gap(
                "`Content` is YAML text (`DocumentFormat` YAML), which no rule of hipaa-stack reads: whether sessions are encrypted with a customer key and logged encrypted is not shown; write the document as JSON (an object, or JSON text) so that SM1 reads it".to_owned(),
            );
        }
        return Outcome::Fail(
            "`Content` is not a session document that can be read (write it as JSON)".to_owned(),
        );
    };
    // hostile review 20: a key written twice in one object of the document (`inputs` and
    // `inputs`, or `kmsKeyId` and `KmsKeyId`), with escapes or not, is read here as the
    // last one, and the "Session document schema" does not say which Systems Manager reads
    // (a YAML reader, for `DocumentFormat: YAML`, may read the first or refuse it), nor
    // whether it reads keys regardless of case: the inputs read may not be the ones that
    // apply.
    let repeated = match &written {
        Some(document) => {
            crate::cfn::tree::key_written_twice(document, crate::cfn::tree::KeyCase::Any)
        }
        None => repeated_key_in(&content),
    };
    if let Some(key) = repeated {
        return Outcome::Fail(format!(
            "`Content` writes the key `{key}` more than once in one object (or in two spellings of case): which one Systems Manager reads is not shown, so the session settings read may not be the ones that apply; write each key once"
        ));
    }
    // "Logging isn't available for Session Manager sessions that connect through port
    // forwarding or SSH. This is because SSH encrypts all session data, and Session Manager
    // only serves as a tunnel for SSH connections." (Systems Manager user guide, "Enabling
    // and disabling session logging"). A `Port` document (`sessionType`, "Session document
    // schema": `InteractiveCommands`, `NonInteractiveCommands`, `Port`, `Standard_Stream`)
    // opens sessions that no log records, whatever its `inputs` say; a type known only at
    // deploy may be `Port`.
    match text(&content["sessionType"]) {
        Some(t) if super::identity::dynamic(&t) => {
            return Outcome::Fail(format!(
                "`sessionType` is {t}, read at deploy: it may be Port, whose sessions Session Manager does not log; write the type as text"
            ));
        }
        Some(t) if t.trim().eq_ignore_ascii_case("Port") => {
            return Outcome::Fail(
                "`sessionType` is Port: Session Manager does not log port forwarding or SSH sessions (it only tunnels them), so what is done in them is recorded nowhere; use `Standard_Stream` sessions, which it logs".to_owned(),
            );
        }
        Some(_) => {}
        None if content.get("sessionType").is_some() => {
            return Outcome::Fail(format!(
                "`sessionType` is {}, known only at deploy: it may be Port, whose sessions Session Manager does not log; write the type as text",
                text_or_json(&content["sessionType"])
            ));
        }
        None => {}
    }
    let inputs = &content["inputs"];
    // The user a session runs as (`runAsEnabled`, `runAsDefaultUser`) and a `sudo` in
    // `shellProfile` are not read: they change what a session may do, not whether it is
    // encrypted or logged. Session Manager logs the commands entered and their output
    // whoever runs them, and by default sessions run as `ssm-user`, which "is added to
    // /etc/sudoers" (user guide, "Turn on Run As support for Linux and macOS managed
    // nodes"), so a session may become root without either setting; the same page says
    // Session Manager "does not support using an operating system's root user account to
    // authenticate connections". Who may start a session is the IAM rules' question.
    //
    // A shell profile that turns terminal echo off does change the log: the user guide
    // recommends `stty -echo; read passwd; stty echo;` precisely so that what is typed is
    // kept out of session logs ("Enabling and disabling session logging"). Run at the start
    // of every session, it keeps every command entered out of the log.
    // A profile read only at deploy (a reference, a dynamic reference) may be one that does.
    let profile = &inputs["shellProfile"]["linux"];
    match text(profile) {
        Some(t) if super::identity::dynamic(&t) || echo_off(&t) => {
            return Outcome::Fail(format!(
                "`inputs.shellProfile.linux` is {}, which turns terminal echo off or may (a value read at deploy): the commands entered in every session are then kept out of the session log; write the profile as text without `stty -echo`",
                t.trim()
            ));
        }
        None if !profile.is_null() && !super::meaning::no_value(profile) => {
            return Outcome::Fail(format!(
                "`inputs.shellProfile.linux` is {}, known only at deploy: it may turn terminal echo off, which keeps the commands entered in every session out of the session log; write the profile as text",
                text_or_json(profile)
            ));
        }
        _ => {}
    }
    let proof = |name: &str| -> Result<Proof, String> {
        if pointer {
            cx.proof(&format!("/Content/inputs/{name}")).ok_or_default()
        } else {
            cx.proof("/Content").ok_or_default()
        }
    };
    // An input is set when it names something: text that resolves to something, or a
    // reference known only at deploy; `{"Ref": "AWS::NoValue"}` removes it (CloudFormation
    // resolves intrinsics inside `Content`), and text an intrinsic builds empty is empty.
    let set = |name: &str| {
        let v = &inputs[name];
        match v {
            Value::Object(_) => {
                !super::meaning::no_value(v) && text(v).is_none_or(|t| !t.trim().is_empty())
            }
            _ => text(v).is_some_and(|t| !t.trim().is_empty()),
        }
    };
    let on = |name: &str| is_true(&inputs[name]);
    // The title asks for a customer key: an AWS-managed key (`alias/aws/…`, in any
    // spelling `meaning::aws_managed_key` reads) is not one the account's key policy
    // controls, so it fails as E1 and the other key rules fail it.
    let key = if set("kmsKeyId") && super::meaning::aws_managed_key(&inputs["kmsKeyId"]) {
        Err(format!(
            "`inputs.kmsKeyId` is the AWS-managed key {}, not a customer-managed key",
            text_or_json(&inputs["kmsKeyId"])
        ))
    } else if set("kmsKeyId")
        && text(&inputs["kmsKeyId"]).is_some_and(|t| super::identity::dynamic(&t))
    {
        // A key named by a dynamic reference is read at deploy, when it may name
        // `alias/aws/…`: it fails as every rule that asks for a customer key fails it.
        Err(format!(
            "`inputs.kmsKeyId` is {}, a dynamic reference CloudFormation reads only at deploy (it may name an AWS-managed key then): write the key of the app in the template",
            text_or_json(&inputs["kmsKeyId"])
        ))
    } else if set("kmsKeyId") {
        // `inputs.kmsKeyId` names the KMS key that encrypts session data (Systems Manager
        // user guide, "Session document schema"): text that has no key's shape (a bucket's
        // ARN, a word), a reference to something that is no key of the app, or a key ARN
        // that writes its account as a number (another account's key, used and disabled at
        // that account's will) names no key the account controls. Read as every other key
        // rule reads a key (`resilience::not_a_key`).
        let value = &inputs["kmsKeyId"];
        match super::resilience::not_a_key(cx, value) {
            Some(why) => Err(format!(
                "`inputs.kmsKeyId` is {}, {why}: sessions are not encrypted with a key the account controls",
                text_or_json(value)
            )),
            None => proof("kmsKeyId"),
        }
    } else {
        Err("`inputs.kmsKeyId` is not set: sessions are encrypted only with TLS, not with a key the account controls".to_owned())
    };
    // Session Manager writes the logs to every destination that is set: each must be
    // encrypted, and be a destination of the app ([`session_log_destination`]).
    let mut checks = vec![key];
    let mut gaps = Vec::new();
    let (to_logs, to_bucket) = (set("cloudWatchLogGroupName"), set("s3BucketName"));
    for (input, on_key, encrypted) in [
        (
            "cloudWatchLogGroupName",
            "cloudWatchEncryptionEnabled",
            "`inputs.cloudWatchEncryptionEnabled` is not true: session logs may go to an unencrypted log group",
        ),
        (
            "s3BucketName",
            "s3EncryptionEnabled",
            "`inputs.s3EncryptionEnabled` is not true: session logs may go to an unencrypted bucket; set it to true, or remove `inputs.s3BucketName`",
        ),
    ] {
        if !set(input) {
            continue;
        }
        checks.push(if on(on_key) {
            proof(input)
        } else {
            Err(encrypted.to_owned())
        });
        match session_log_destination(cx, input, &inputs[input]) {
            Some(Outcome::Fail(why)) => checks.push(Err(why)),
            Some(Outcome::Gap(why)) => gaps.push(why),
            _ => {}
        }
    }
    if !to_logs && !to_bucket {
        checks.push(Err("neither `inputs.cloudWatchLogGroupName` nor `inputs.s3BucketName` is set: sessions are not logged".to_owned()));
    }
    match all(checks) {
        Outcome::Pass(_) if !gaps.is_empty() => Outcome::Gap(gaps.join("; ")),
        other => other,
    }
}

/// Why the log group or bucket a `Session` document sends session logs to (`input`:
/// `cloudWatchLogGroupName`, "the name of the CloudWatch Logs log group you want to send
/// session logs to", or `s3BucketName`, "The Amazon Simple Storage Service (Amazon S3)
/// bucket you want to send session logs to at the end of your sessions": Systems Manager
/// user guide, "Session document schema") is not shown to be one of the app; `None` when it
/// is. Either is named by its name, not its ARN. Of the app are a group or bucket of the
/// template by its `Ref` (a log group's and a bucket's are their names), and a name written
/// as text that a group of a stack of this region and account
/// ([`super::services::group_of_another_stack`]) or a bucket of the app
/// ([`super::services::bucket_arn_of_the_app`]) writes. A name with a `*` names no log
/// group or bucket (names cannot hold one: `[\.\-_/#A-Za-z0-9]+`, CloudFormation reference,
/// `AWS::Logs::LogGroup` `LogGroupName`; lower-case letters, digits, `.` and `-`, S3 user
/// guide, "General purpose bucket naming rules"), and a name known only at deploy (a
/// parameter, a dynamic reference, an import) may be any: both fail, since the logs
/// `cloudWatchEncryptionEnabled` or `s3EncryptionEnabled` promise go where no rule reads.
/// Another name written as text is another account's or one made by hand, whose
/// encryption and retention no rule reads: a gap, as a log group written whole as text of
/// no template is ([`super::services::log_group_outside_the_app`]). Each branch of an
/// `Fn::If` is read, a failure before a gap.
fn session_log_destination(cx: &Cx<'_>, input: &str, value: &Value) -> Option<Outcome> {
    if let Some(branches) = super::meaning::if_branches(value) {
        return super::worst(
            branches
                .into_iter()
                .filter(|b| !super::meaning::no_value(b))
                .filter_map(|b| session_log_destination(cx, input, b)),
        );
    }
    let (kind, resource) = if input == "s3BucketName" {
        ("bucket", "AWS::S3::Bucket")
    } else {
        ("log group", "AWS::Logs::LogGroup")
    };
    if cx
        .others(resource)
        .any(|r| super::meaning::names(value, r.logical_id()))
    {
        return None;
    }
    let fix =
        format!("name a {kind} of the app (its `Ref`, or its name as its template writes it)");
    // A name built on the stack's own account, region, partition or name is one name (the
    // same written by a group or bucket of its template); any other `${…}` is unknown.
    let readable = |t: &String| {
        let fixed = ["AccountId", "Region", "Partition", "StackName"]
            .iter()
            .fold(t.clone(), |t, p| t.replace(&format!("${{AWS::{p}}}"), ""));
        !fixed.contains("${") && !super::identity::dynamic(t)
    };
    let written = text(value).map(|t| t.trim().to_owned());
    let Some(name) = written.filter(readable) else {
        return Some(Outcome::Fail(format!(
            "`inputs.{input}` is {}, known only at deploy: session logs may go to any {kind}, whose encryption and retention no rule reads; {fix}",
            text_or_json(value)
        )));
    };
    if name.contains('*') {
        return Some(Outcome::Fail(format!(
            "`inputs.{input}` is `{name}`: a wildcard names no {kind} (no {kind} name holds a `*`), so session logs go to no {kind} that keeps them; {fix}"
        )));
    }
    let of_the_app = if resource == "AWS::S3::Bucket" {
        super::services::bucket_arn_of_the_app(cx, &Value::String(format!("arn:aws:s3:::{name}")))
    } else {
        super::services::group_of_another_stack(
            cx,
            &format!("arn:aws:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{name}"),
            true,
        )
    };
    (!of_the_app).then(|| {
        Outcome::Gap(format!(
            "`inputs.{input}` is `{name}`, no {kind} of the app: whether session logs are encrypted with a customer key and kept is not shown; {fix}"
        ))
    })
}

/// What a YAML session document surely lacks, read without a YAML reader: a key of YAML is
/// written in the text as it is read, but for an escape of a double-quoted scalar (`\x6b`,
/// a line joined by `\`) and a tag (`!!binary` turns base64 into the key): folding joins
/// lines with a space, and an alias or a merge key (`*a`, `<<`) only repeats text written
/// elsewhere in the document. So text with no `\`, no `!` and no `${` (a pseudo parameter
/// kept for deploy, such as the stack's name, may spell anything) that nowhere writes
/// `kmsKeyId`, in any case (whether Systems Manager reads keys regardless of case is not
/// shown), sets no key; nor does it log sessions if it writes neither
/// `cloudWatchLogGroupName` nor `s3BucketName`. `None` when the text may set them: the
/// document is then a gap.
fn yaml_lacks(document: &str) -> Option<String> {
    if document.contains(['\\', '!']) || document.contains("${") {
        return None;
    }
    let lower = document.to_ascii_lowercase();
    let mut lacks = Vec::new();
    if !lower.contains("kmskeyid") {
        lacks.push("`inputs.kmsKeyId` is not set (the YAML text never writes `kmsKeyId`): sessions are encrypted only with TLS, not with a key the account controls");
    }
    if !lower.contains("cloudwatchloggroupname") && !lower.contains("s3bucketname") {
        lacks.push("neither `inputs.cloudWatchLogGroupName` nor `inputs.s3BucketName` is set (the YAML text writes neither): sessions are not logged");
    }
    (!lacks.is_empty()).then(|| lacks.join("; "))
}

/// Whether the SSM document's `DocumentFormat` is written as `YAML` (in any case, with
/// spaces around it).
fn yaml_format(cx: &Cx<'_>) -> bool {
    cx.prop("/DocumentFormat")
        .and_then(text)
        .is_some_and(|f| f.trim().eq_ignore_ascii_case("YAML"))
}

/// Whether a shell profile runs `stty` with `-echo` (alone or among other settings, such as
/// `stty raw -echo`), which keeps what is typed out of the session log.
fn echo_off(profile: &str) -> bool {
    // hostile review 20: the shell removes quotes and backslashes from a word before it
    // runs it (`\stty`, `"stty"`, `'-echo'`, `st''ty`), and `${IFS}` splits words as a
    // space does (bash manual, "Quote Removal", "Word Splitting"): read the words so.
    let unquoted: String = profile
        .replace("${IFS}", " ")
        .replace("$IFS", " ")
        .chars()
        .filter(|c| !matches!(c, '\\' | '\'' | '"'))
        .collect();
    unquoted
        .split([';', '&', '|', '\n', '(', ')', '`', '{', '}'])
        .any(|command| {
            let mut words = command.split_whitespace();
            words.any(|w| w == "stty" || w.ends_with("/stty")) && words.any(|w| w == "-echo")
        })
}

/// [`crate::cfn::tree::key_written_twice`] of a document written as an object of the
/// template: keys written in two spellings of case in one object (the template's reader
/// keeps one of two keys written alike).
fn repeated_key_in(value: &Value) -> Option<String> {
    match value {
        Value::Object(map) => crate::cfn::tree::key_in_two_cases(map)
            .map(|(_, again)| again.clone())
            .or_else(|| map.values().find_map(repeated_key_in)),
        Value::Array(items) => items.iter().find_map(repeated_key_in),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::arn::ArnOf;
    use super::super::{Cx, Index};
    use crate::cfn::{Expr, Output, Resource, Template};

    /// hostile review 20: `stty -echo` is found however the shell is asked to run it.
    #[test]
    fn echo_off_is_found_in_any_spelling() {
        for profile in [
            r"\stty -echo",
            r#""stty" '-echo'"#,
            "stty${IFS}-echo",
            "{ /bin/stty raw -echo;}",
        ] {
            assert!(super::echo_off(profile), "{profile}");
        }
        for profile in ["stty echo", "stty -echoctl", "echo -e hi"] {
            assert!(!super::echo_off(profile), "{profile}");
        }
    }

    /// Hostile review h2: a web ACL keeps one logging configuration, the one applied last;
    /// of two naming it, each must log. A second that drops every record, or that logs
    /// where no rule reads, failed no rule behind a first one that logged.
    #[test]
    fn every_logging_configuration_of_the_web_acl_must_log() {
        use super::super::Outcome;
        let logging = |extra: Value| {
            let mut properties = json!({
                "ResourceArn": { "Fn::GetAtt": ["Acl", "Arn"] },
                "LogDestinationConfigs": [{ "Fn::GetAtt": ["WafLogs", "Arn"] }]
            });
            for (k, v) in extra.as_object().into_iter().flatten() {
                properties[k] = v.clone();
            }
            properties
        };
        let f4 = |second: Option<Value>| {
            let mut resources = vec![
                (
                    "Lb",
                    super::LOAD_BALANCER,
                    json!({ "Scheme": "internet-facing", "Subnets": ["subnet-0a1b2c3d4e5f60718"] }),
                ),
                (
                    "Acl",
                    super::WEB_ACL,
                    json!({ "Scope": "REGIONAL", "DefaultAction": { "Allow": {} }, "Rules": [{ "Name": "common", "Priority": 0, "OverrideAction": { "None": {} }, "Statement": { "ManagedRuleGroupStatement": { "VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet" } } }] }),
                ),
                (
                    "A",
                    super::ASSOCIATION,
                    json!({ "ResourceArn": { "Ref": "Lb" }, "WebACLArn": { "Fn::GetAtt": ["Acl", "Arn"] } }),
                ),
                ("L", super::WAF_LOGGING, logging(json!({}))),
                (
                    "WafLogs",
                    "AWS::Logs::LogGroup",
                    json!({ "LogGroupName": "aws-waf-logs-x", "RetentionInDays": 365, "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9" }),
                ),
            ];
            if let Some(second) = second {
                resources.push(("L2", super::WAF_LOGGING, second));
            }
            Cx::check_first(super::f4, &resources)
        };
        assert!(matches!(f4(None), Outcome::Pass(_)), "{:?}", f4(None));
        assert!(matches!(f4(Some(logging(json!({})))), Outcome::Pass(_)));
        let drops = f4(Some(logging(
            json!({ "LoggingFilter": { "DefaultBehavior": "DROP", "Filters": [] } }),
        )));
        assert!(
            matches!(&drops, Outcome::Fail(why) if why.contains("`L2`") && why.contains("keeps nothing")),
            "{drops:?}"
        );
        let anywhere = f4(Some(logging(
            json!({ "LogDestinationConfigs": ["{{resolve:ssm:/waf/destination}}"] }),
        )));
        assert!(matches!(&anywhere, Outcome::Fail(_)), "{anywhere:?}");
    }

    /// The same, across stacks: a logging configuration of another stack that imports the
    /// web ACL's ARN is read as one of the ACL's own template is.
    #[test]
    fn a_logging_configuration_of_another_stack_must_log_too() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let f4 = |filter: Option<Value>| {
            let app = App::new("edge");
            let web = app.stack("web").unwrap();
            let lb = web.add(crate::testing::public_balancer("Lb")).unwrap();
            let acl = web.add(crate::testing::blocking_web_acl("Acl")).unwrap();
            web.add(
                RawResource::new("Association", "AWS::WAFv2::WebACLAssociation")
                    .property("ResourceArn", lb.reference())
                    .property("WebACLArn", acl.attribute("Arn")),
            )
            .unwrap();
            let logs = web.add(crate::testing::waf_log_group("Logs")).unwrap();
            web.add(
                RawResource::new("Logging", "AWS::WAFv2::LoggingConfiguration")
                    .property("ResourceArn", acl.attribute("Arn"))
                    .property("/LogDestinationConfigs/0", logs.attribute("Arn")),
            )
            .unwrap();
            let other = app.stack("other").unwrap();
            let mut second = RawResource::new("Second", "AWS::WAFv2::LoggingConfiguration")
                .property("ResourceArn", acl.attribute("Arn"))
                .property("/LogDestinationConfigs/0", logs.attribute("Arn"));
            if let Some(filter) = filter {
                second = second.property("LoggingFilter", filter);
            }
            other.add(second).unwrap();
            let assembly = app.check().unwrap();
            crate::testing::status_of(&assembly, "F4", "Lb").unwrap()
        };
        let held = f4(None);
        assert!(matches!(held, Status::Enforced { .. }), "{held:?}");
        let drops = f4(Some(json!({"DefaultBehavior": "DROP", "Filters": []})));
        assert!(
            matches!(&drops, Status::Failed { finding } if finding.contains("`Second`") && finding.contains("keeps nothing")),
            "{drops:?}"
        );
    }

    #[test]
    fn a_quic_target_group_carries_tls_and_a_tcp_quic_one_may_not() {
        use super::super::Outcome;
        let group = |protocol: &str| {
            Cx::check_first(
                super::f6,
                &[(
                    "G",
                    super::TARGET_GROUP,
                    json!({ "Protocol": protocol, "Port": 443, "VpcId": "vpc-1" }),
                )],
            )
        };
        assert!(matches!(group("QUIC"), Outcome::Pass(_)));
        for plain in ["TCP_QUIC", "TCP", "UDP", "TCP_UDP"] {
            assert!(matches!(group(plain), Outcome::Fail(_)), "{plain}");
        }
    }

    /// Probe 17a: a TCP target group reached only through Network Load Balancer listeners
    /// that pass TLS through (its health check HTTPS on the traffic port) is a gap; one that
    /// a plain listener or a listener rule also reaches, or that no listener reaches, fails.
    #[test]
    fn a_tcp_group_behind_tls_passthrough_only_is_a_gap() {
        use super::super::Outcome;
        use super::super::services::passthrough_tests::nlb;
        let f6 = |group: Value, listener: Value, more: &[(&str, &str, Value)]| {
            nlb(super::f6, "Tg", json!({}), group, listener, more)
        };
        for (group, listener) in [
            (json!({}), json!({})),
            (
                json!({"HealthCheckPort": "traffic-port"}),
                json!({"DefaultActions": [{"Type": "forward",
                    "TargetGroupArn": {"Fn::GetAtt": ["Tg", "TargetGroupArn"]}}]}),
            ),
        ] {
            let outcome = f6(group.clone(), listener.clone(), &[]);
            assert!(
                matches!(outcome, Outcome::Gap(ref why) if why.contains("pass TLS through")),
                "{group} {listener}: {outcome:?}"
            );
        }
        // A TLS listener ends TLS at the load balancer and sends the TCP group plain text.
        let plain = json!({"LoadBalancerArn": {"Ref": "Nlb"}, "Protocol": "TLS", "Port": 8443,
            "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Tg"}}]});
        let fails = [
            f6(json!({"HealthCheckProtocol": "HTTP"}), json!({}), &[]),
            f6(json!({"HealthCheckPort": "9000"}), json!({}), &[]),
            f6(
                json!({}),
                json!({"LoadBalancerArn": {"Ref": "AWS::NoValue"}}),
                &[],
            ),
            f6(
                json!({}),
                json!({}),
                &[("Plain", "AWS::ElasticLoadBalancingV2::Listener", plain)],
            ),
            // No listener reaches it here.
            f6(
                json!({}),
                json!({"DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Other"}}]}),
                &[(
                    "Other",
                    "AWS::ElasticLoadBalancingV2::TargetGroup",
                    json!({"Protocol": "TLS", "Port": 443, "VpcId": "vpc-1"}),
                )],
            ),
        ];
        for outcome in fails {
            assert!(
                matches!(outcome, Outcome::Fail(ref why) if why.contains("plain text")),
                "{outcome:?}"
            );
        }
        // The nearest compliant neighbour, a TLS group, passes.
        assert!(matches!(
            f6(json!({"Protocol": "TLS"}), json!({}), &[]),
            Outcome::Pass(_)
        ));
    }

    /// Probe 18a #1 and #4: F6 of a TCP group reads the listeners and listener rules of
    /// every stack that import it: a TLS listener or a rule of another stack makes it fail, a
    /// passthrough listener of another stack makes it a gap; an import in another region or
    /// account reaches another stack's export, not this group.
    #[test]
    fn a_tcp_group_reads_the_listeners_of_every_stack_that_import_it() {
        use super::super::Outcome;
        use super::super::services::passthrough_tests::{Hand, apart, probe_parts, tls_listener};
        let import = |n: &str| json!({"Fn::ImportValue": n});
        let exports = || {
            vec![
                ("probe:Tg", Expr::reference("Tg")),
                ("probe:Nlb", Expr::reference("Nlb")),
            ]
        };
        // `probe` holds the balancer, the group and the passthrough listener; `net` holds
        // `more`.
        let f6 = |more: Vec<(&'static str, &'static str, Value)>, places| {
            let probe: Hand<'_> = (
                probe_parts(json!({"Ref": "Nlb"}), json!({"Ref": "Tg"})).to_vec(),
                exports(),
            );
            apart(super::f6, 0, "Tg", [probe, (more, vec![])], places)
        };
        let home = [(None, None), (None, None)];
        let term = |group: Value| {
            (
                "Term",
                super::LISTENER,
                tls_listener(import("probe:Nlb"), group),
            )
        };
        // The probe's case, and other spellings of a TLS listener or rule that reaches it.
        for more in [
            vec![term(import("probe:Tg"))],
            vec![term(
                json!({"Fn::If": ["Blue", import("probe:Tg"), {"Ref": "AWS::NoValue"}]}),
            )],
            vec![(
                "Rule",
                super::LISTENER_RULE,
                json!({"ListenerArn": import("probe:L"), "Priority": 1,
                    "Actions": [{"Type": "forward", "ForwardConfig": {"TargetGroups": [
                        {"TargetGroupArn": import("probe:Tg")}]}}]}),
            )],
        ] {
            let outcome = f6(more.clone(), home);
            assert!(
                matches!(outcome, Outcome::Fail(ref why) if why.contains("plain text")),
                "{more:?}: {outcome:?}"
            );
        }
        // Nearest neighbours: nothing in `net`, a TLS listener there forwarding elsewhere,
        // a second passthrough listener there, or the TLS listener in another region or
        // account (its import is of another stack's export).
        let passthrough = (
            "Pass2",
            super::LISTENER,
            json!({"LoadBalancerArn": import("probe:Nlb"), "Protocol": "TCP", "Port": 993,
                "DefaultActions": [{"Type": "forward", "TargetGroupArn": import("probe:Tg")}]}),
        );
        for (more, places) in [
            (vec![], home),
            (vec![term(import("probe:Other"))], home),
            (vec![passthrough], home),
            (
                vec![term(import("probe:Tg"))],
                [(None, None), (Some("us-west-2"), None)],
            ),
            (
                vec![term(import("probe:Tg"))],
                [(None, None), (None, Some("444455556666"))],
            ),
        ] {
            let outcome = f6(more.clone(), places);
            assert!(
                matches!(outcome, Outcome::Gap(ref why) if why.contains("pass TLS through")),
                "{more:?} {places:?}: {outcome:?}"
            );
        }
        // Probe 18a #4: the group alone in `probe`, the balancer and listener in `net`.
        let apart_group = |places| {
            let [nlb, tg, pass] = probe_parts(json!({"Ref": "Nlb"}), import("probe:Tg"));
            apart(
                super::f6,
                0,
                "Tg",
                [
                    (vec![tg], vec![("probe:Tg", Expr::reference("Tg"))]),
                    (vec![nlb, pass], vec![]),
                ],
                places,
            )
        };
        assert!(matches!(apart_group(home), Outcome::Gap(_)));
        let elsewhere = [(None, None), (Some("eu-west-1"), None)];
        assert!(matches!(apart_group(elsewhere), Outcome::Fail(_)));
    }

    /// The probe's cases as an app of two stacks (`probe`, `net`) joined by references.
    #[test]
    fn the_probes_two_stack_layouts_are_read_across_stacks() {
        use crate::compliance::Status;
        use crate::prelude::*;
        // Each resource: its stack (0 `probe`, 1 `net`) and whether `Term` is added.
        let run = |nlb_at: usize,
                   tg_at: usize,
                   pass_at: usize,
                   term_at: Option<usize>,
                   tls_group: bool| {
            let app = App::new("edge");
            let stacks = [app.stack("probe").unwrap(), app.stack("net").unwrap()];
            let names = ["probe", "net"];
            let [nlb_parts, tg_parts, _] =
                super::super::services::passthrough_tests::probe_parts(json!(null), json!(null));
            let raw = |(id, t, props): &(&str, &str, Value)| {
                let mut r = RawResource::new(*id, *t);
                for (k, v) in props.as_object().into_iter().flatten() {
                    r = r.property(k, v.clone());
                }
                r
            };
            let mut tg_raw = raw(&tg_parts);
            if tls_group {
                tg_raw = tg_raw.property("Protocol", "TLS");
            }
            let nlb = stacks[nlb_at].add(raw(&nlb_parts)).unwrap();
            let tg = stacks[tg_at].add(tg_raw).unwrap();
            stacks[pass_at]
                .add(
                    RawResource::new("Pass", "AWS::ElasticLoadBalancingV2::Listener")
                        .property("LoadBalancerArn", nlb.reference())
                        .property("Protocol", "TCP")
                        .property("Port", 443)
                        .property("/DefaultActions/0/Type", "forward")
                        .property("/DefaultActions/0/TargetGroupArn", tg.reference()),
                )
                .unwrap();
            if let Some(at) = term_at {
                stacks[at]
                    .add(
                        RawResource::new("Term", "AWS::ElasticLoadBalancingV2::Listener")
                            .property("LoadBalancerArn", nlb.reference())
                            .property("Protocol", "TLS")
                            .property("Port", 8443)
                            .property("SslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06")
                            .property(
                                "/Certificates/0/CertificateArn",
                                "arn:aws:acm:us-east-1:111122223333:certificate/c",
                            )
                            .property("/DefaultActions/0/Type", "forward")
                            .property("/DefaultActions/0/TargetGroupArn", tg.reference()),
                    )
                    .unwrap();
            }
            let assembly = app.check().unwrap();
            let at = |rule: &str, id: &str, stack: usize| {
                assembly
                    .evaluation()
                    .results
                    .iter()
                    .find(|c| c.rule == rule && &*c.logical_id == id && &*c.stack == names[stack])
                    .map(|c| c.status.clone())
                    .unwrap()
            };
            let pass_f1 = at("F1", "Pass", pass_at);
            let tg_f6 = at("F6", "Tg", tg_at);
            let term_f1 = term_at.map(|s| at("F1", "Term", s));
            (pass_f1, tg_f6, term_f1)
        };
        let gap = |s: &Status| matches!(s, Status::Gap { .. });
        let failed =
            |s: &Status| matches!(s, Status::Failed { finding } if finding.contains("plain text"));
        // f6_tls_other_stack and f6_tls_same_stack: the TLS listener fails, so does the group.
        for term_at in [1, 0] {
            let (pass, tg, term) = run(0, 0, 0, Some(term_at), false);
            assert!(gap(&pass), "{pass:?}");
            assert!(failed(&tg), "{term_at}: {tg:?}");
            assert!(failed(term.as_ref().unwrap()), "{term_at}: {term:?}");
        }
        // Their neighbours: no TLS listener (a gap), or a TLS group (passes).
        let (pass, tg, _) = run(0, 0, 0, None, false);
        assert!(gap(&pass) && gap(&tg), "{pass:?} {tg:?}");
        let (_, tg, term) = run(0, 0, 0, Some(1), true);
        assert!(matches!(tg, Status::Enforced { .. }), "{tg:?}");
        assert!(matches!(term, Some(Status::Enforced { .. })), "{term:?}");
        // f6_tg_other_stack: the group in `probe`, balancer and listener in `net`: a gap.
        let (pass, tg, _) = run(1, 0, 1, None, false);
        assert!(gap(&pass) && gap(&tg), "{pass:?} {tg:?}");
        // And with a TLS listener in `net` too, both fail.
        let (pass, tg, term) = run(1, 0, 1, Some(1), false);
        assert!(gap(&pass), "{pass:?}");
        assert!(
            failed(&tg) && failed(term.as_ref().unwrap()),
            "{tg:?} {term:?}"
        );
    }

    /// A web ACL kept in a shared stack, with its logging, and an association in the load
    /// balancer's stack that imports the export of its ARN (`Fn::ImportValue` "returns the
    /// value of an output exported by another stack"): F4 reads the ACL's rules and logging
    /// there, as it reads an ACL of the association's template, and failed the balancer as
    /// naming no web ACL. An import of the ACL's `Ref` (its name, id and scope, not its
    /// ARN) names none, and an ACL that blocks nothing fails on its rules.
    #[test]
    fn a_web_acl_of_another_stack_that_the_association_imports_is_read_there() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let f4 = |blocking: bool, by_arn: bool| {
            let app = App::new("edge");
            let waf = app.stack("waf").unwrap();
            let acl = if blocking {
                waf.add(crate::testing::blocking_web_acl("Acl")).unwrap()
            } else {
                waf.add(
                    RawResource::new("Acl", "AWS::WAFv2::WebACL")
                        .property("Scope", "REGIONAL")
                        .property("DefaultAction", json!({"Allow": {}}))
                        .property(
                            "VisibilityConfig",
                            json!({"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "acl"}),
                        )
                        .property("Rules", json!([])),
                )
                .unwrap()
            };
            waf.add(crate::testing::waf_log_group("Logs")).unwrap();
            waf.add(
                RawResource::new("Logging", "AWS::WAFv2::LoggingConfiguration")
                    .property("ResourceArn", acl.attribute("Arn"))
                    .property(
                        "LogDestinationConfigs",
                        json!([{"Fn::GetAtt": ["Logs", "Arn"]}]),
                    ),
            )
            .unwrap();
            let web = app.stack("web").unwrap();
            let lb = web.add(crate::testing::public_balancer("Lb")).unwrap();
            web.add(
                RawResource::new("Association", "AWS::WAFv2::WebACLAssociation")
                    .property("ResourceArn", lb.reference())
                    .property(
                        "WebACLArn",
                        if by_arn {
                            acl.attribute("Arn")
                        } else {
                            acl.reference()
                        },
                    ),
            )
            .unwrap();
            let assembly = app.check().unwrap();
            let template = assembly.stack("web").unwrap().template_json().to_owned();
            assert!(template.contains("Fn::ImportValue"), "{template}");
            assembly
                .evaluation()
                .results
                .iter()
                .find(|c| c.rule == "F4" && &*c.stack == "web" && &*c.logical_id == "Lb")
                .map(|c| c.status.clone())
                .unwrap()
        };
        let found = f4(true, true);
        assert!(
            matches!(&found, Status::Enforced { evidence }
                if evidence.iter().any(|p| p.logical_id == "waf/Acl")
                    && evidence.iter().any(|p| p.logical_id == "waf/Logging")),
            "{found:?}"
        );
        let found = f4(false, true);
        assert!(
            matches!(&found, Status::Failed { finding } if !finding.contains("names no web ACL")),
            "{found:?}"
        );
        let found = f4(true, false);
        assert!(
            matches!(&found, Status::Failed { finding } if finding.contains("names no web ACL")),
            "{found:?}"
        );
    }

    /// A web ACL that applies a rule group of another stack whole, by the import of the
    /// export of the group's `Arn`: the group's rules are read there (one blocks: F4 holds;
    /// none blocks: it fails as an ACL that blocks nothing), where F4 failed it as a group
    /// of no template. The import of the group's `Ref` (its name, id and scope) is none.
    #[test]
    fn a_rule_group_of_another_stack_that_the_web_acl_imports_is_read_there() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let f4 = |action: &str, by_arn: bool| {
            let app = App::new("edge");
            let shared = app.stack("shared").unwrap();
            let group = shared
                .add(
                    RawResource::new("Group", "AWS::WAFv2::RuleGroup")
                        .property("Scope", "REGIONAL")
                        .property("Capacity", 10)
                        .property(
                            "VisibilityConfig",
                            json!({"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "g"}),
                        )
                        .property("Rules", json!([{
                            "Name": "bad-agents", "Priority": 0, "Action": {action: {}},
                            "Statement": {"ByteMatchStatement": {"SearchString": "curl", "FieldToMatch": {"SingleHeader": {"Name": "user-agent"}}, "TextTransformations": [{"Priority": 0, "Type": "NONE"}], "PositionalConstraint": "CONTAINS"}},
                            "VisibilityConfig": {"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "bad"}
                        }])),
                )
                .unwrap();
            let web = app.stack("web").unwrap();
            let acl = web
                .add(
                    RawResource::new("Acl", "AWS::WAFv2::WebACL")
                        .property("Scope", "REGIONAL")
                        .property("DefaultAction", json!({"Allow": {}}))
                        .property(
                            "VisibilityConfig",
                            json!({"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "acl"}),
                        )
                        .property("Rules", json!([{
                            "Name": "own", "Priority": 0, "OverrideAction": {"None": {}},
                            "Statement": {"RuleGroupReferenceStatement": {"ARN": "placeholder"}},
                            "VisibilityConfig": {"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "own"}
                        }]))
                        .property(
                            "/Rules/0/Statement/RuleGroupReferenceStatement/ARN",
                            if by_arn {
                                group.attribute("Arn")
                            } else {
                                group.reference()
                            },
                        ),
                )
                .unwrap();
            web.add(crate::testing::waf_log_group("Logs")).unwrap();
            web.add(
                RawResource::new("Logging", "AWS::WAFv2::LoggingConfiguration")
                    .property("ResourceArn", acl.attribute("Arn"))
                    .property(
                        "LogDestinationConfigs",
                        json!([{"Fn::GetAtt": ["Logs", "Arn"]}]),
                    ),
            )
            .unwrap();
            let lb = web.add(crate::testing::public_balancer("Lb")).unwrap();
            web.add(
                RawResource::new("Association", "AWS::WAFv2::WebACLAssociation")
                    .property("ResourceArn", lb.reference())
                    .property("WebACLArn", acl.attribute("Arn")),
            )
            .unwrap();
            let assembly = app.check().unwrap();
            let template = assembly.stack("web").unwrap().template_json().to_owned();
            assert!(template.contains("Fn::ImportValue"), "{template}");
            assembly
                .evaluation()
                .results
                .iter()
                .find(|c| c.rule == "F4" && &*c.stack == "web" && &*c.logical_id == "Lb")
                .map(|c| c.status.clone())
                .unwrap()
        };
        let found = f4("Block", true);
        assert!(matches!(&found, Status::Enforced { .. }), "{found:?}");
        let found = f4("Count", true);
        assert!(
            matches!(&found, Status::Failed { finding } if finding.contains("whose rules only count or allow")),
            "{found:?}"
        );
        let found = f4("Block", false);
        assert!(
            matches!(&found, Status::Failed { finding } if finding.contains("not an `AWS::WAFv2::RuleGroup`")),
            "{found:?}"
        );
    }

    #[test]
    fn the_destination_of_a_web_acl_of_another_stack_is_read_in_its_template() {
        use crate::compliance::Status;
        use crate::prelude::*;
        let f4 = |destination: Value| {
            let app = App::new("edge");
            let web = app.stack("web").unwrap();
            let lb = web.add(crate::testing::public_balancer("Lb")).unwrap();
            let waf = app.stack("waf").unwrap();
            let acl = waf.add(crate::testing::blocking_web_acl("Acl")).unwrap();
            waf.add(
                RawResource::new("Association", "AWS::WAFv2::WebACLAssociation")
                    .property("ResourceArn", lb.reference())
                    .property("WebACLArn", acl.attribute("Arn")),
            )
            .unwrap();
            waf.add(crate::testing::waf_log_group("Logs")).unwrap();
            waf.add(
                RawResource::new("Bucket", "AWS::S3::Bucket")
                    .property("BucketName", "aws-waf-logs-edge-bucket"),
            )
            .unwrap();
            waf.add(
                RawResource::new("Stream", "AWS::KinesisFirehose::DeliveryStream")
                    .property("DeliveryStreamName", "aws-waf-logs-edge-stream"),
            )
            .unwrap();
            waf.add(RawResource::new("Dest", "Custom::Destination").property(
                "ServiceToken",
                json!({"Fn::Sub": "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:d"}),
            ))
            .unwrap();
            waf.add(
                RawResource::new("Logging", "AWS::WAFv2::LoggingConfiguration")
                    .property("ResourceArn", acl.attribute("Arn"))
                    .property("LogDestinationConfigs", json!([destination])),
            )
            .unwrap();
            let assembly = app.check().unwrap();
            assembly
                .evaluation()
                .results
                .iter()
                .find(|c| c.rule == "F4" && &*c.stack == "web" && &*c.logical_id == "Lb")
                .map(|c| c.status.clone())
                .unwrap()
        };
        for held in [
            json!({"Fn::GetAtt": ["Logs", "Arn"]}),
            json!({"Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Logs}"}),
            json!({"Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:aws-waf-logs-edge"}),
            json!({"Fn::GetAtt": ["Bucket", "Arn"]}),
            json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}"}),
            json!("arn:aws:s3:::aws-waf-logs-edge-bucket"),
            json!({"Fn::GetAtt": ["Stream", "Arn"]}),
            json!({"Fn::Sub": "arn:aws:firehose:${AWS::Region}:${AWS::AccountId}:deliverystream/aws-waf-logs-edge-stream"}),
        ] {
            let found = f4(held.clone());
            assert!(
                matches!(found, Status::Enforced { .. }),
                "{held}: {found:?}"
            );
        }
        // Written whole, a destination no template of the app declares: a gap.
        for elsewhere in [
            json!("arn:aws:logs:us-east-1:111122223333:log-group:aws-waf-logs-edge"),
            json!("arn:aws:logs:us-east-1:999999999999:log-group:aws-waf-logs-central"),
            json!("arn:aws:s3:::aws-waf-logs-someone-else"),
            json!("arn:aws:firehose:us-east-1:999999999999:deliverystream/aws-waf-logs-central"),
            json!({"Fn::Sub": "arn:aws:firehose:${AWS::Region}:${AWS::AccountId}:deliverystream/aws-waf-logs-by-hand"}),
        ] {
            let found = f4(elsewhere.clone());
            assert!(
                matches!(&found, Status::Gap { reason } if reason.contains("of the app")),
                "{elsewhere}: {found:?}"
            );
        }
        for unread in [
            json!({"Fn::GetAtt": ["Dest", "Arn"]}),
            json!("{{resolve:ssm:/waf/destination}}"),
            json!({"Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Dest.Name}"}),
            json!({"Fn::Sub": "arn:aws:s3:::${Dest.Name}"}),
        ] {
            let found = f4(unread.clone());
            assert!(
                matches!(&found, Status::Failed { finding } if finding.contains("LogDestinationConfigs")),
                "{unread}: {found:?}"
            );
        }
    }

    #[test]
    fn a_listener_forwarding_to_a_group_read_nowhere_fails() {
        use super::super::Outcome;
        use crate::compliance::rules::dms::tests::outcome_of;
        let with = |actions: Value| {
            outcome_of(
                super::f6,
                super::LISTENER,
                json!({ "DefaultActions": actions }),
            )
        };
        // A target group passed in a parameter, or actions no rule can read.
        for actions in [
            json!([{ "Type": "forward", "TargetGroupArn": { "Ref": "GroupArn" } }]),
            json!([{ "Type": "forward", "ForwardConfig": { "TargetGroups": { "Ref": "Groups" } } }]),
            json!({ "Fn::FindInMap": ["Actions", "Default", "List"] }),
            json!([{ "Fn::Select": [0, [{ "Type": "forward", "TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/1" }]] }]),
        ] {
            assert!(
                matches!(with(actions.clone()), Outcome::Fail(_)),
                "{actions}"
            );
        }
        assert!(matches!(
            with(
                json!([{ "Type": "redirect", "RedirectConfig": { "Protocol": "HTTPS", "StatusCode": "HTTP_301" } }])
            ),
            Outcome::NotApplicable
        ));
    }

    #[test]
    fn a_shell_profile_that_turns_echo_off_is_found_in_any_command() {
        for profile in [
            "stty -echo",
            "cd $HOME; stty raw -echo; bash",
            "/bin/stty '-echo' && exec bash",
            "true\nstty -F /dev/tty -echo",
        ] {
            assert!(super::echo_off(profile), "{profile}");
        }
        for profile in [
            "cd $HOME; pwd",
            "stty echo",
            "echo -echo; stty sane",
            "stty -echoctl",
        ] {
            assert!(!super::echo_off(profile), "{profile}");
        }
    }

    /// F6 of listener rule `R` of stack `two`, whose `ListenerArn` and forwarded target
    /// group are `listener` and `group`; stack `one` holds HTTPS listener `L` and HTTPS
    /// target group `Tg`, each exported by the outputs `exports` (export name, value).
    fn imported_rule(listener: Value, group: Value, exports: Vec<(&str, Expr)>) -> super::Outcome {
        let one = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![
                Resource::raw(
                    "Tg".to_owned(),
                    super::TARGET_GROUP.to_owned(),
                    json!({ "Protocol": "HTTPS", "Port": 443 }),
                ),
                Resource::raw(
                    "L".to_owned(),
                    super::LISTENER.to_owned(),
                    json!({ "Protocol": "HTTPS", "DefaultActions": [{ "Type": "forward", "TargetGroupArn": { "Ref": "Tg" } }] }),
                ),
            ],
            outputs: exports
                .into_iter()
                .enumerate()
                .map(|(i, (name, value))| Output {
                    name: format!("Out{i}"),
                    value,
                    description: None,
                    export: Some(name.to_owned()),
                })
                .collect(),
        };
        let two = Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![Resource::raw(
                "R".to_owned(),
                super::LISTENER_RULE.to_owned(),
                json!({
                    "ListenerArn": listener,
                    "Priority": 1,
                    "Actions": [{ "Type": "forward", "TargetGroupArn": group }],
                }),
            )],
            outputs: Vec::new(),
        };
        let stacks = [("two", &two), ("one", &one)];
        let index = Index::new(&stacks);
        super::f6(&Cx::in_first(&stacks, &two.resources()[0], &index))
    }

    #[test]
    fn a_listener_rule_is_read_only_on_a_listener_of_the_app() {
        use super::super::Outcome;
        let exports = || {
            vec![
                ("one:L", Expr::reference("L")),
                ("one:Tg", Expr::reference("Tg")),
                // Text joined onto a reference names another resource.
                ("one:L:copy", Expr::sub_pseudo("${L}-copy")),
                ("one:Tg:copy", Expr::sub_pseudo("${Tg}-copy")),
            ]
        };
        let group = json!({ "Fn::ImportValue": "one:Tg" });
        // The listener of stack `one`, imported (by its name written out, or built by an
        // `Fn::Sub` without variables, which is the same name: the nineteenth probe): F1
        // reads it, and this rule with it.
        for listener in [
            json!({ "Fn::ImportValue": "one:L" }),
            json!({ "Fn::ImportValue": { "Fn::Sub": "one:L" } }),
        ] {
            assert!(
                matches!(
                    imported_rule(listener.clone(), group.clone(), exports()),
                    Outcome::Pass(_)
                ),
                "{listener}"
            );
        }
        // A listener the app does not hold, or an export that is not wholly one: a gap.
        for listener in [
            json!({ "Fn::ImportValue": "one:L:copy" }),
            json!({ "Fn::ImportValue": { "Ref": "ListenerExport" } }),
            json!(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2"
            ),
            json!({ "Ref": "SharedListener" }),
            json!({ "Fn::If": ["Shared", { "Fn::ImportValue": "one:L" }, { "Ref": "SharedListener" }] }),
            json!({ "Fn::Sub": ["${L}", { "L": { "Ref": "SharedListener" } }] }),
        ] {
            assert!(
                matches!(
                    imported_rule(listener.clone(), group.clone(), exports()),
                    Outcome::Gap(_)
                ),
                "{listener}"
            );
        }
        // A forward to a group an export only mentions still fails, whatever the listener.
        for listener in [
            json!({ "Fn::ImportValue": "one:L" }),
            json!({ "Ref": "SharedListener" }),
        ] {
            assert!(matches!(
                imported_rule(
                    listener,
                    json!({ "Fn::ImportValue": "one:Tg:copy" }),
                    exports()
                ),
                Outcome::Fail(_)
            ));
        }
    }

    /// The `ResourceArn` of an association: any value of intrinsics, or a reference or
    /// import of a name that a load balancer may have.
    fn arn() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        prop_oneof![
            crate::testing::intrinsic_values(),
            "A|B|a\\.b".prop_map(|n| json!({ "Ref": n })),
            "A|B|a\\.b".prop_map(|n| json!({ "Fn::GetAtt": [n, "LoadBalancerArn"] })),
            "A|B|a\\.b".prop_map(|n| json!({ "Fn::ImportValue": n })),
            "A|B|a\\.b".prop_map(|n| json!({ "Fn::Sub": format!("${{{n}}}") })),
            "A|B|a\\.b".prop_map(|n| json!({ "Fn::Sub": format!(
                "arn:${{AWS::Partition}}:elasticloadbalancing:${{AWS::Region}}:${{AWS::AccountId}}:loadbalancer/${{{n}.LoadBalancerFullName}}"
            ) })),
            ("A|B|a\\.b", "A|B|a\\.b").prop_map(|(n, m)| {
                json!({ "Fn::GetAtt": [n, "Arn"], "Other": { "Fn::ImportValue": m } })
            }),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The associations that a load balancer looks up are those that reading every
        /// association of the app finds, in the same order.
        #[test]
        fn a_balancer_looks_up_the_associations_that_reading_each_finds(
            first in proptest::collection::vec(arn(), 0..4),
            second in proptest::collection::vec(arn(), 0..4),
            id in "A|B|a\\.b",
            exports in proptest::sample::subsequence(vec!["A", "B", "a.b"], 0..=3),
            at in 0usize..2,
        ) {
            let template = |arns: &[Value]| Template {
                description: String::new(),
                parameters: Vec::new(),
                resources: arns
                    .iter()
                    .enumerate()
                    .map(|(i, arn)| {
                        Resource::raw(
                            format!("Association{i}"),
                            super::ASSOCIATION.to_owned(),
                            json!({ "ResourceArn": arn }),
                        )
                    })
                    .collect(),
                outputs: Vec::new(),
            };
            let (mut one, mut two) = (template(&first), template(&second));
            // The balancer's stack exports its ARN, its `Ref` or its DNS name under each name.
            let values = [
                Expr::get_att(&id, "LoadBalancerArn"),
                Expr::reference(&id),
                Expr::get_att(&id, "DNSName"),
            ];
            let outputs: Vec<Output> = exports
                .iter()
                .enumerate()
                .map(|(i, name)| Output {
                    name: format!("Out{i}"),
                    value: values[i % 3].clone(),
                    description: None,
                    export: Some((*name).to_owned()),
                })
                .collect();
            if at == 0 { one.outputs = outputs } else { two.outputs = outputs }
            let stacks = [("one", &one), ("two", &two)];
            let index = Index::new(&stacks);
            let balancer = Resource::raw(
                id.clone(),
                "AWS::ElasticLoadBalancingV2::LoadBalancer".to_owned(),
                json!({}),
            );
            let cx = Cx {
                template: stacks[at].1,
                resource: &balancer,
                stack: stacks[at].0,
                stacks: &stacks,
                at,
                index: &index,
            };
            let named = |list: Vec<(Option<&str>, &Resource)>| {
                list.into_iter()
                    .map(|(s, r)| (s.map(str::to_owned), r.logical_id().to_owned()))
                    .collect::<Vec<_>>()
            };
            let own = cx.own_exports();
            proptest::prop_assert_eq!(
                named(super::naming(&cx, &own)),
                named(super::naming_read(&cx, &own))
            );
            // Of those, the ones whose `ResourceArn` is its ARN: as reading every one says.
            let arn = ArnOf::of(cx.template, cx.resource);
            let read: Vec<_> = cx
                .everywhere(super::ASSOCIATION)
                        .filter(|(other, r)| {
                    cx.position(*other).is_some_and(|at| {
                        arn.is_arn(
                            &r.properties()["ResourceArn"],
                            crate::compliance::rules::arn::Reader::of(&cx, cx.at, at),
                        )
                    })
                })
                .collect();
            proptest::prop_assert_eq!(named(super::associations(&cx)), named(read));
        }
    }
}
