//! The images of the instances and instance groups the constructs make, read before a stack
//! is created or updated (rule E1).
//!
//! `SecureInstance` and `SecureInstanceGroup` encrypt the root volume with their key by
//! mapping it, at the root device name they are given (or their image family's), on their
//! launch template; rule E1 takes that mapping as the root device. Whether it is depends on
//! the image, which only EC2 knows:
//!
//! - A mapping overrides the image's own only for its device name ("Block device mappings
//!   for volumes on Amazon EC2 instances", Amazon EC2 User Guide: the block device mapping
//!   given at launch overrides or adds to the AMI's). A mapping at another name than the
//!   image's `RootDeviceName` adds a volume, and the root volume is made from the image's
//!   snapshot as it is.
//! - Every other volume the image maps is made from the image's snapshot (or empty) with the
//!   snapshot's encryption: "By default, without explicit encryption parameters, a
//!   RunInstances action maintains the existing encryption state of an AMI's source snapshots
//!   while restoring EBS volumes from them. If encryption by default is enabled, all volumes
//!   created from the AMI (whether from encrypted or unencrypted snapshots) are encrypted. If
//!   encryption by default is not enabled, the instance maintains the encryption state of the
//!   AMI" ("Use encryption with EBS-backed AMIs", Amazon EC2 User Guide).
//! - An image whose root device type is `instance-store` boots from instance store, which no
//!   key of the account encrypts.
//!
//! So before a change set is made, the engine reads each such image (`ec2:DescribeImages`)
//! and refuses, naming the construct, the image, its `RootDeviceName` and the mapping, an
//! image whose root device is not the one mapped, whose root device is not EBS, or that maps
//! another EBS volume not encrypted when the account's EBS encryption by default
//! (`ec2:GetEbsEncryptionByDefault`, asked only then) is off.
//!
//! An image named by one of AWS's public parameters of a known family (Amazon Linux's EBS-backed
//! HVM images, Canonical's `…/hvm/ebs-…/` Ubuntu images, Windows) is not read: those images
//! map their root volume at the family's root device, which the construct maps, and no other
//! EBS volume (the construct refuses Amazon Linux's instance-store `-s3` and paravirtual
//! `-pv-` parameters when it is added). Any other parameter names an image this engine
//! cannot read before deploy (it has no Systems Manager client to resolve it), and a stack
//! that launches one is refused, with what to do: pin the image with `Ami::id`.
//!
//! IAM: `ec2:DescribeImages` for a stack with such an instance or group given an image id,
//! and `ec2:GetEbsEncryptionByDefault` when an image maps another volume unencrypted.

use aws_sdk_ec2::types::{DeviceType, Image};

use super::api::classify;
use super::error::DeployError;
use super::network::DefaultGroups;
use super::retry::{CallCounts, RetryPolicy, with_retry};
use crate::synth::SynthesizedStack;

/// The constructs whose launch template maps the root device they are given, and for which
/// rule E1 takes that mapping as the root device (`ROOT_MAPPING_CONSTRUCTS` of the rule).
const VOUCHED: &[&str] = &["SecureInstance", "SecureInstanceGroup"];

/// The image a launch template of a construct launches, and the devices it maps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Launch {
    /// The construct's path (`stack/Server`).
    pub construct: String,
    /// How the template names the image.
    pub image: ImageRef,
    /// The device names its `BlockDeviceMappings` map, the first the root device's.
    pub mapped: Vec<String>,
}

/// How a launch template names its image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ImageRef {
    /// An image id, `ami-…`.
    Id(String),
    /// An SSM parameter read through a dynamic reference, `{{resolve:ssm:NAME}}`.
    Parameter(String),
    /// Anything else, as written.
    Unreadable(String),
}

impl std::fmt::Display for ImageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageRef::Id(id) => f.write_str(id),
            ImageRef::Parameter(name) => write!(f, "of the SSM parameter `{name}`"),
            ImageRef::Unreadable(text) => write!(f, "`{text}`"),
        }
    }
}

/// Whether the image of `launch` is one of AWS's public parameters of a known family, whose
/// root device the construct maps (it refuses another) and whose images map no other EBS
/// volume: nothing to read.
fn known_family(launch: &Launch) -> bool {
    matches!(&launch.image, ImageRef::Parameter(name)
        if crate::Ami::ssm_parameter(name.as_str()).known_root_device().is_some())
}

/// The launch templates of `stack` that the constructs rule E1 vouches for made, and whose
/// image must be read before deploy (all but [`known_family`] parameters).
pub(crate) fn launches(stack: &SynthesizedStack) -> Vec<Launch> {
    stack
        .template()
        .resources()
        .iter()
        .filter(|r| r.type_name() == "AWS::EC2::LaunchTemplate")
        .filter(|r| VOUCHED.contains(&r.construct_kind().unwrap_or_default()))
        .map(|r| {
            let data = &r.properties()["LaunchTemplateData"];
            let image = match data["ImageId"].as_str() {
                Some(id) if id.starts_with("ami-") => ImageRef::Id(id.to_owned()),
                Some(text) => text
                    .strip_prefix("{{resolve:ssm:")
                    .and_then(|rest| rest.strip_suffix("}}"))
                    .filter(|name| !name.is_empty() && !name.contains(['{', '}']))
                    .map_or_else(
                        || ImageRef::Unreadable(text.to_owned()),
                        |name| ImageRef::Parameter(name.to_owned()),
                    ),
                None => ImageRef::Unreadable(data["ImageId"].to_string()),
            };
            let mapped = data["BlockDeviceMappings"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|m| m["DeviceName"].as_str().map(str::to_owned))
                .collect();
            Launch {
                construct: r
                    .construct_path()
                    .unwrap_or_else(|| r.logical_id())
                    .to_owned(),
                image,
                mapped,
            }
        })
        .filter(|l| !known_family(l))
        .collect()
}

/// What EC2 says of an image, as the check reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ImageFacts {
    /// `RootDeviceName`.
    pub root_device_name: Option<String>,
    /// `RootDeviceType`: `ebs` or `instance-store`.
    pub root_device_type: Option<String>,
    /// Its block device mappings: device name, and for an EBS volume whether it is
    /// encrypted (`None` when EC2 does not say); instance store and `NoDevice` entries are
    /// left out.
    pub volumes: Vec<(String, Option<bool>)>,
}

impl ImageFacts {
    fn of(image: &Image) -> Self {
        ImageFacts {
            root_device_name: image.root_device_name().map(str::to_owned),
            root_device_type: image.root_device_type().map(|t| t.as_str().to_owned()),
            volumes: image
                .block_device_mappings()
                .iter()
                .filter(|m| m.no_device().is_none())
                .filter_map(|m| {
                    m.ebs().map(|ebs| {
                        (
                            m.device_name().unwrap_or_default().to_owned(),
                            ebs.encrypted(),
                        )
                    })
                })
                .collect(),
        }
    }

    /// The volumes the image maps that the launch does not map itself and that are not
    /// encrypted (or not said to be).
    fn unencrypted_unmapped<'s>(&'s self, launch: &Launch) -> Vec<&'s str> {
        self.volumes
            .iter()
            .filter(|(device, encrypted)| {
                *encrypted != Some(true) && !launch.mapped.iter().any(|m| m == device)
            })
            .map(|(device, _)| device.as_str())
            .collect()
    }
}

/// Why an image with `facts` cannot be launched by `launch` with every volume encrypted,
/// the volumes made unencrypted aside (`encrypted_by_default` says whether the account's
/// EBS encryption by default covers them: `None` when not asked yet).
pub(crate) fn refusal(
    launch: &Launch,
    facts: &ImageFacts,
    encrypted_by_default: Option<bool>,
) -> Option<String> {
    let mapped = launch.mapped.first().map_or("no device", String::as_str);
    if facts.root_device_type.as_deref() != Some(DeviceType::Ebs.as_str()) {
        return Some(format!(
            "its root device type is {}, not `ebs`: the root volume is instance store, which no key of the account encrypts",
            facts
                .root_device_type
                .as_deref()
                .map_or_else(|| "not given".to_owned(), |t| format!("`{t}`"))
        ));
    }
    match facts.root_device_name.as_deref() {
        Some(root) if root == mapped => {}
        root => {
            return Some(format!(
                "its root device (`RootDeviceName`) is {}, and the construct maps its encrypted volume at `{mapped}`: the root volume would be made from the image's snapshot as it is, unencrypted if the snapshot is",
                root.map_or_else(|| "not given".to_owned(), |r| format!("`{r}`"))
            ));
        }
    }
    let unencrypted = facts.unencrypted_unmapped(launch);
    if !unencrypted.is_empty() && encrypted_by_default != Some(true) {
        return Some(format!(
            "it maps {} from snapshots (or empty) not encrypted, which the construct does not map, and the account's EBS encryption by default is {}: those volumes would be unencrypted",
            unencrypted
                .iter()
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(", "),
            match encrypted_by_default {
                Some(_) => "off",
                None => "not known",
            }
        ));
    }
    None
}

/// What to do about a refused image.
fn fix(launch: &Launch) -> &'static str {
    match &launch.image {
        ImageRef::Parameter(_) | ImageRef::Unreadable(_) => {
            "pin the image with `Ami::id(\"ami-…\")`, whose root device and volumes `up` reads with `ec2:DescribeImages`, or use AWS's public parameter of Amazon Linux, Ubuntu or Windows"
        }
        ImageRef::Id(_) => {
            "call `.root_device_name(..)` with the image's `RootDeviceName` (`aws ec2 describe-images --image-ids ID --query 'Images[].[RootDeviceName,RootDeviceType,BlockDeviceMappings]'`), and use an EBS-backed image whose other volumes come from encrypted snapshots (`aws ec2 copy-image --encrypted --kms-key-id KEY`), or turn on the account's EBS encryption by default in this region (`aws ec2 enable-ebs-encryption-by-default`)"
        }
    }
}

/// Refuses the first launch whose image the engine cannot read: an SSM parameter of no known
/// family, or an image id written as anything but text (`launches` holds no known family's).
pub(crate) fn refuse_unreadable(stack: &str, launches: &[Launch]) -> Result<(), DeployError> {
    match launches.iter().find(|l| !matches!(l.image, ImageRef::Id(_))) {
        Some(launch) => Err(refused(
            stack,
            launch,
            "the engine cannot read which image that is before deploy (it has no Systems Manager client), so neither its root device nor its other volumes".to_owned(),
        )),
        None => Ok(()),
    }
}

impl DefaultGroups {
    /// Reads the image of every launch template of `stack` that `SecureInstance` and
    /// `SecureInstanceGroup` made, and refuses the first that would launch a volume
    /// unencrypted ([`refusal`]).
    pub(crate) async fn check_images(
        &self,
        stack: &str,
        launches: &[Launch],
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<(), DeployError> {
        refuse_unreadable(stack, launches)?;
        let mut by_default: Option<bool> = None;
        for launch in launches {
            let ImageRef::Id(id) = &launch.image else {
                continue;
            };
            let facts = self.image(stack, launch, id, retry, counts).await?;
            let mut problem = refusal(launch, &facts, by_default);
            // Only the volumes made unencrypted are at issue: the account's encryption by
            // default decides, asked once per run of this check.
            if problem.is_some()
                && by_default.is_none()
                && refusal(launch, &facts, Some(true)).is_none()
            {
                by_default = Some(self.encryption_by_default(stack, retry, counts).await?);
                problem = refusal(launch, &facts, by_default);
            }
            if let Some(problem) = problem {
                return Err(refused(stack, launch, problem));
            }
        }
        Ok(())
    }

    async fn image(
        &self,
        stack: &str,
        launch: &Launch,
        id: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<ImageFacts, DeployError> {
        let endpoint = self.endpoint();
        let found = with_retry(retry, counts, "DescribeImages", || async {
            self.ec2()
                .describe_images()
                .image_ids(id)
                .send()
                .await
                .map_err(|e| classify(e, endpoint))
        })
        .await;
        let found = match found {
            Ok(found) => found,
            // "InvalidAMIID.NotFound": "The specified AMI doesn't exist. Check the AMI ID,
            // and ensure that you specify the AWS Region in which the AMI is located" (EC2
            // API Reference, "Error codes").
            Err(e)
                if e.code
                    .as_deref()
                    .is_some_and(|c| c.starts_with("InvalidAMIID")) =>
            {
                return Err(refused(
                    stack,
                    launch,
                    format!("EC2 in this region does not know it ({e})"),
                ));
            }
            Err(e) => return Err(DeployError::api(stack, "DescribeImages", e)),
        };
        match found.images().iter().find(|i| i.image_id() == Some(id)) {
            Some(image) => Ok(ImageFacts::of(image)),
            None => Err(refused(
                stack,
                launch,
                "DescribeImages did not describe it (deregistered, or not shared with this account)".to_owned(),
            )),
        }
    }

    async fn encryption_by_default(
        &self,
        stack: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<bool, DeployError> {
        let endpoint = self.endpoint();
        let out = with_retry(retry, counts, "GetEbsEncryptionByDefault", || async {
            self.ec2()
                .get_ebs_encryption_by_default()
                .send()
                .await
                .map_err(|e| classify(e, endpoint))
        })
        .await
        .map_err(|e| DeployError::api(stack, "GetEbsEncryptionByDefault", e))?;
        Ok(out.ebs_encryption_by_default() == Some(true))
    }
}

fn refused(stack: &str, launch: &Launch, problem: String) -> DeployError {
    DeployError::ImageRefused {
        stack: stack.to_owned(),
        construct: launch.construct.clone(),
        image: launch.image.to_string(),
        problem,
        fix: fix(launch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch(image: ImageRef, mapped: &[&str]) -> Launch {
        Launch {
            construct: "app/Server".to_owned(),
            image,
            mapped: mapped.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn facts(root: &str, kind: &str, volumes: &[(&str, Option<bool>)]) -> ImageFacts {
        ImageFacts {
            root_device_name: Some(root.to_owned()),
            root_device_type: Some(kind.to_owned()),
            volumes: volumes.iter().map(|(d, e)| ((*d).to_owned(), *e)).collect(),
        }
    }

    #[test]
    fn an_image_is_refused_unless_the_mapped_root_is_its_root_and_its_other_volumes_are_encrypted()
    {
        let l = launch(ImageRef::Id("ami-1".to_owned()), &["/dev/xvda"]);
        // The image's root, unencrypted, is the one the construct maps: it passes.
        let fine = facts("/dev/xvda", "ebs", &[("/dev/xvda", Some(false))]);
        assert_eq!(refusal(&l, &fine, None), None);
        // Another root device: the encrypted volume is an extra one.
        let other = facts("/dev/sda1", "ebs", &[("/dev/sda1", Some(false))]);
        let why = refusal(&l, &other, Some(true)).unwrap();
        assert!(
            why.contains("`/dev/sda1`") && why.contains("`/dev/xvda`"),
            "{why}"
        );
        // Instance store root.
        let store = facts("/dev/xvda", "instance-store", &[]);
        assert!(
            refusal(&l, &store, Some(true))
                .unwrap()
                .contains("instance store")
        );
        // A second volume from an unencrypted snapshot (or one EC2 does not say is
        // encrypted): refused unless encryption by default is on.
        for encrypted in [Some(false), None] {
            let data = facts(
                "/dev/xvda",
                "ebs",
                &[("/dev/xvda", Some(false)), ("/dev/sdf", encrypted)],
            );
            let why = refusal(&l, &data, Some(false)).unwrap();
            assert!(
                why.contains("`/dev/sdf`") && why.contains("is off"),
                "{why}"
            );
            assert!(refusal(&l, &data, None).unwrap().contains("not known"));
            assert_eq!(refusal(&l, &data, Some(true)), None);
        }
        // An encrypted second volume, or one the launch maps itself, passes.
        let data = facts(
            "/dev/xvda",
            "ebs",
            &[("/dev/xvda", Some(false)), ("/dev/sdf", Some(true))],
        );
        assert_eq!(refusal(&l, &data, Some(false)), None);
        let both = launch(ImageRef::Id("ami-1".to_owned()), &["/dev/xvda", "/dev/sdf"]);
        let data = facts(
            "/dev/xvda",
            "ebs",
            &[("/dev/xvda", Some(false)), ("/dev/sdf", Some(false))],
        );
        assert_eq!(refusal(&both, &data, Some(false)), None);
    }

    #[test]
    fn the_error_names_the_stack_construct_image_root_and_mapping() {
        let l = launch(ImageRef::Id("ami-0abc".to_owned()), &["/dev/xvda"]);
        let why = refusal(&l, &facts("/dev/sda1", "ebs", &[]), None).unwrap();
        let text = refused("app", &l, why).to_string();
        for needle in [
            "stack `app`",
            "`app/Server`",
            "ami-0abc",
            "`/dev/sda1`",
            "`/dev/xvda`",
            ".root_device_name(",
            "nothing was changed",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        let p = launch(ImageRef::Parameter("/my/image".to_owned()), &["/dev/xvda"]);
        let text = refused("app", &p, "unreadable".to_owned()).to_string();
        assert!(
            text.contains("`/my/image`") && text.contains("Ami::id"),
            "{text}"
        );
    }
}
