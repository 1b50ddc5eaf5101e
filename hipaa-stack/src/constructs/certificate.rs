//! [`Certificate`]: a TLS certificate of AWS Certificate Manager, validated through DNS, or
//! an existing one by ARN ([`ExistingCertificate`]).

use crate::app::node::IntoNode;
use crate::app::node::{Node, RenderCx, Used};
use crate::app::{Arn, Attr, Handle, Reference};
use crate::cfn::Resource;
use crate::cfn::frontdoor::{Certificate as CfnCertificate, DomainValidationOption};
use crate::constructs::Construct;
use crate::error::{Error, Result};

/// The most names one ACM certificate carries by default (the domain and 9 more).
const MAX_NAMES: usize = 10;

/// A public TLS certificate issued by AWS Certificate Manager for the names given, validated
/// through DNS (ACM renews it for as long as the validation record exists), for the HTTPS
/// listener of a [`PublicLoadBalancer`](crate::PublicLoadBalancer).
///
/// # Secure defaults
/// - DNS validation, never e-mail: ACM renews the certificate by itself (§164.312(e)(1)).
/// - Certificate transparency logging enabled, so a certificate issued for the domain by
///   mistake or by an attacker is visible.
///
/// # Options
/// - [`alternative_name`](Certificate::alternative_name): more names (up to 9), e.g.
///   `www.portal.example.org`.
/// - [`hosted_zone`](Certificate::hosted_zone): the Route 53 hosted zone in which
///   CloudFormation writes the validation records itself. Default: none; the records are
///   written by whoever runs the domain's DNS, and the stack waits until they are.
///
/// The names are checked when the certificate is added: lower-case DNS names of at least
/// two labels, a wildcard (`*.`) only as the whole first label.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::Certificate;
/// let app = App::new("portal");
/// let stack = app.stack("portal-edge")?;
/// let cert = stack.add(
///     Certificate::dns("PortalCert", "portal.example.org")
///         .alternative_name("www.portal.example.org")
///         .hosted_zone("Z0123456789ABCDEFGHIJ"),
/// )?;
/// stack.output("PortalCertificate", cert.arn())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Certificate {
    id: String,
    domain: String,
    alternatives: Vec<String>,
    zone: Option<String>,
}

impl Certificate {
    /// A certificate with the construct id `id` for the name `domain`, validated through DNS.
    pub fn dns(id: impl Into<String>, domain: impl Into<String>) -> Self {
        Certificate {
            id: id.into(),
            domain: domain.into(),
            alternatives: Vec::new(),
            zone: None,
        }
    }

    /// Adds another name to the certificate.
    pub fn alternative_name(mut self, name: impl Into<String>) -> Self {
        self.alternatives.push(name.into());
        self
    }

    /// Validates every name in the Route 53 hosted zone `zone_id` (`Z…`): CloudFormation
    /// writes the validation records there and the certificate is issued without anyone
    /// touching DNS.
    pub fn hosted_zone(mut self, zone_id: impl Into<String>) -> Self {
        self.zone = Some(zone_id.into());
        self
    }

    /// A certificate that exists already in ACM, by ARN
    /// (`arn:aws:acm:<region>:<account>:certificate/<id>`), checked here.
    ///
    /// ```
    /// use hipaa_stack::Certificate;
    /// let cert = Certificate::existing(
    ///     "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-4a0b-8c1d-2e3f4a5b6c7d",
    /// )?;
    /// assert!(cert.arn().ends_with("2e3f4a5b6c7d"));
    /// assert!(Certificate::existing("arn:aws:iam::123456789012:server-certificate/old").is_err());
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn existing(arn: &str) -> Result<ExistingCertificate> {
        match certificate_arn_problem(arn) {
            None => Ok(ExistingCertificate(arn.to_owned())),
            Some(reason) => Err(Error::InvalidConstruct {
                path: "Certificate::existing".to_owned(),
                reason,
            }),
        }
    }
}

/// An ACM certificate that exists already, by its ARN: made only by
/// [`Certificate::existing`], which checks the ARN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExistingCertificate(String);

impl ExistingCertificate {
    /// The certificate's ARN.
    pub fn arn(&self) -> &str {
        &self.0
    }
}

impl Handle<Certificate> {
    /// The certificate's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Ref)
    }
}

/// Why `arn` is not the ARN of an ACM certificate, if it is not.
fn certificate_arn_problem(arn: &str) -> Option<String> {
    let pieces: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = match pieces.as_slice() {
        ["arn", partition, "acm", region, account, resource] => {
            partition.starts_with("aws")
                && !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && resource.strip_prefix("certificate/").is_some_and(|id| {
                    id.len() == 36
                        && id
                            .bytes()
                            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase() || b == b'-')
                })
        }
        _ => false,
    };
    (!ok).then(|| {
        format!(
            "`{arn}` is not the ARN of an ACM certificate; they look like `arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-4a0b-8c1d-2e3f4a5b6c7d` (IAM server certificates are not accepted: ACM renews its certificates, IAM does not)"
        )
    })
}

/// Why `name` is not a name ACM issues a public certificate for, if it is not.
pub(crate) fn domain_problem(name: &str) -> Option<String> {
    let bare = name.strip_prefix("*.").unwrap_or(name);
    let labels: Vec<&str> = bare.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if name.len() > 253 || labels.len() < 2 || !labels.iter().all(label_ok) {
        return Some(format!(
            "`{name}` is not a DNS name that ACM issues a certificate for; write lower-case labels separated by dots, like `portal.example.org`, with a wildcard only as the whole first label (`*.example.org`)"
        ));
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some(format!(
            "`{name}` is an address, not a DNS name; ACM issues certificates for names"
        ));
    }
    None
}

impl Construct<Certificate> for Certificate {}

impl IntoNode<Certificate> for Certificate {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(self)
    }
}

impl Node for Certificate {
    fn kind(&self) -> &'static str {
        "Certificate"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &[""]
    }

    fn uses(&self) -> Vec<Used> {
        Vec::new()
    }

    fn check(&self) -> Result<(), String> {
        for name in std::iter::once(&self.domain).chain(&self.alternatives) {
            if let Some(problem) = domain_problem(name) {
                return Err(problem);
            }
        }
        if self.domain.len() > 64 {
            return Err(format!(
                "`{}` has {} characters; the first name of an ACM certificate has at most 64 (put a longer name in `.alternative_name(..)`)",
                self.domain,
                self.domain.len()
            ));
        }
        let mut all: Vec<&String> = std::iter::once(&self.domain)
            .chain(&self.alternatives)
            .collect();
        all.sort();
        if let Some(twice) = all.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!("`{}` is named twice", twice[0]));
        }
        if all.len() > MAX_NAMES {
            return Err(format!(
                "{} names; an ACM certificate carries at most {MAX_NAMES} unless the quota is raised",
                all.len()
            ));
        }
        if let Some(zone) = &self.zone {
            let ok = zone.len() <= 32
                && zone.starts_with('Z')
                && zone
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if !ok {
                return Err(format!(
                    "`{zone}` is not a Route 53 hosted zone id; they look like `Z0123456789ABCDEFGHIJ`"
                ));
            }
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let options = match &self.zone {
            Some(zone) => std::iter::once(&self.domain)
                .chain(&self.alternatives)
                .map(|name| DomainValidationOption {
                    domain_name: name.clone(),
                    hosted_zone_id: zone.clone(),
                })
                .collect(),
            None => Vec::new(),
        };
        let certificate = CfnCertificate {
            domain_name: self.domain.clone(),
            subject_alternative_names: self.alternatives.clone(),
            validation_method: "DNS",
            domain_validation_options: options,
            certificate_transparency_logging_preference: "ENABLED",
        };
        Ok(vec![Resource::new(cx.logical(""), certificate)?])
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Certificate;
    use crate::prelude::*;
    use crate::testing::{resource, template_with};

    #[test]
    fn validates_every_name_through_dns_in_the_zone() {
        let t = template_with(|stack, _, _| {
            stack
                .add(
                    Certificate::dns("Cert", "portal.example.org")
                        .alternative_name("*.portal.example.org")
                        .hosted_zone("Z0123456789ABCDEFGHIJ"),
                )
                .unwrap();
        });
        let cert = resource(&t, "Cert");
        assert_eq!(cert["Type"], "AWS::CertificateManager::Certificate");
        assert_eq!(
            cert["Properties"],
            json!({
                "DomainName": "portal.example.org",
                "SubjectAlternativeNames": ["*.portal.example.org"],
                "ValidationMethod": "DNS",
                "DomainValidationOptions": [
                    { "DomainName": "portal.example.org", "HostedZoneId": "Z0123456789ABCDEFGHIJ" },
                    { "DomainName": "*.portal.example.org", "HostedZoneId": "Z0123456789ABCDEFGHIJ" }
                ],
                "CertificateTransparencyLoggingPreference": "ENABLED"
            })
        );
    }

    #[test]
    fn names_and_zones_are_checked_when_added() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        for (cert, needle) in [
            (
                Certificate::dns("A", "Portal.example.org"),
                "not a DNS name",
            ),
            (Certificate::dns("B", "localhost"), "not a DNS name"),
            (Certificate::dns("C", "portal.*.org"), "not a DNS name"),
            (Certificate::dns("D", "10.0.0.1"), "is an address"),
            (
                Certificate::dns("E", "a.org").alternative_name("a.org"),
                "named twice",
            ),
            (
                Certificate::dns("F", "a.org").hosted_zone("zone-1"),
                "not a Route 53 hosted zone id",
            ),
            (
                Certificate::dns("G", format!("{}.example.org", "a".repeat(60))),
                "at most 64",
            ),
        ] {
            let err = stack.add(cert).unwrap_err().to_string();
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }

    #[test]
    fn an_existing_certificate_is_an_acm_arn() {
        for bad in [
            "arn:aws:iam::123456789012:server-certificate/old",
            "arn:aws:acm:us-east-1:1234:certificate/0a1b2c3d-4e5f-4a0b-8c1d-2e3f4a5b6c7d",
            "arn:aws:acm:us-east-1:123456789012:certificate/nope",
            "",
        ] {
            let err = Certificate::existing(bad).unwrap_err().to_string();
            assert!(
                err.contains("is not the ARN of an ACM certificate"),
                "{err}"
            );
        }
        Certificate::existing(
            "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/0a1b2c3d-4e5f-4a0b-8c1d-2e3f4a5b6c7d",
        )
        .unwrap();
    }
}
