//! Rules for compute: EC2 instances, EBS volumes, launch templates.

use serde_json::{Value, json};

use super::fleets::{self, EC2_FLEET, SPOT_FLEET};
use super::resilience::customer_key;
use super::{
    Cx, OkOrDefault, Outcome, Packs, Proof, RuleSpec, all, is_false, is_true, pointer_name,
};
use crate::cfn::Resource;

/// What launches instances whose settings E6 and E8 read: an instance, a fleet, an Auto
/// Scaling group (through the launch templates and configurations it names).
const INSTANCE: &[&str] = &["AWS::EC2::Instance", SPOT_FLEET, EC2_FLEET, GROUP];
const LAUNCH_CONFIGURATION: &str = "AWS::AutoScaling::LaunchConfiguration";
const LAUNCH_TEMPLATE: &str = "AWS::EC2::LaunchTemplate";
const GROUP: &str = "AWS::AutoScaling::AutoScalingGroup";
/// An EKS managed node group, whose instances E8 reads through its launch template.
const NODEGROUP: &str = "AWS::EKS::Nodegroup";
/// An AWS Batch compute environment, whose managed EC2 instances E8 reads through its
/// launch templates.
const BATCH: &str = "AWS::Batch::ComputeEnvironment";
const EIP: &str = "AWS::EC2::EIP";
const EIP_ASSOCIATION: &str = "AWS::EC2::EIPAssociation";
/// A Global Accelerator endpoint group (CloudFormation reference,
/// `AWS::GlobalAccelerator::EndpointGroup`), read by `E5` for the endpoints it puts behind
/// the accelerator's static anycast addresses, which take traffic from the internet:
/// `EndpointConfigurations[].EndpointId`, "If the endpoint is a Network Load Balancer or
/// Application Load Balancer, this is the Amazon Resource Name (ARN) of the resource. If the
/// endpoint is an Elastic IP address, this is the Elastic IP address allocation ID. For
/// Amazon EC2 instances, this is the EC2 instance ID". An instance, or an internal load
/// balancer, behind an accelerator is reachable from the internet though it has no public
/// address (and an internal load balancer so reached is behind no web ACL, which `F4` asks
/// only of internet-facing ones); an internet-facing load balancer or an Elastic IP of the
/// app is already so, and read where it is declared. `AttachmentArn` names an endpoint of
/// another account (a cross-account attachment), which is that account's.
const ENDPOINT_GROUP: &str = "AWS::GlobalAccelerator::EndpointGroup";
/// An Elastic Load Balancing v2 load balancer.
const LOAD_BALANCER: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";
/// A SageMaker notebook instance, an EC2 instance of SageMaker's whose metadata service E4
/// reads: `InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion`,
/// "Indicates the minimum IMDS version that the notebook instance supports. When passed as
/// part of CreateNotebookInstance, if no value is selected, then it defaults to IMDSv1. This
/// means that both IMDSv1 and IMDSv2 are supported" (pattern `1|2`: CloudFormation
/// reference, `AWS::SageMaker::NotebookInstance InstanceMetadataServiceConfiguration`).
const NOTEBOOK: &str = "AWS::SageMaker::NotebookInstance";
/// An EMR cluster, whose EC2 instances answer IMDSv1 unless the security configuration it
/// names (`SecurityConfiguration`, the name of an `AWS::EMR::SecurityConfiguration`, whose
/// `Ref` is its name) sets `InstanceMetadataServiceConfiguration` with
/// `MinimumInstanceMetadataServiceVersion` 2 (Amazon EMR Management Guide, "Create a
/// security configuration": "For application code calls to IMDS, you can configure IMDS to
/// use both IMDSv1 and IMDSv2, or only IMDSv2"; without one, both answer).
const EMR_CLUSTER: &str = "AWS::EMR::Cluster";
const EMR_SECURITY_CONFIGURATION: &str = "AWS::EMR::SecurityConfiguration";
/// An EC2 Image Builder infrastructure configuration, the settings of the build and test
/// instances its pipelines launch: `InstanceMetadataOptions.HttpTokens`, "Indicates whether a
/// signed token header is required for instance metadata retrieval requests", `required` or
/// `optional`, optional by default (CloudFormation reference,
/// `AWS::ImageBuilder::InfrastructureConfiguration InstanceMetadataOptions`); it has no
/// `HttpEndpoint`.
const IMAGE_BUILDER: &str = "AWS::ImageBuilder::InfrastructureConfiguration";
/// An Elastic Beanstalk environment, whose instances E4 reads through its option settings
/// (see [`super::services::beanstalk_imds_v1_disabled`]).
const BEANSTALK: &str = "AWS::ElasticBeanstalk::Environment";

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "E1",
        title: "every EBS volume and block device is encrypted with a customer-managed key",
        types: &[
            "AWS::EC2::Instance",
            "AWS::EC2::Volume",
            "AWS::EC2::LaunchTemplate",
            "AWS::AutoScaling::LaunchConfiguration",
            "AWS::EC2::VolumeAttachment",
            GROUP,
            SPOT_FLEET,
            EC2_FLEET,
            NODEGROUP,
            BATCH,
        ],
        controls: &["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
        fix: "set `Encrypted` to true with a customer-managed `KmsKeyId` on the volume, and on the `Ebs` of every entry of `BlockDeviceMappings` (`LaunchTemplateData.BlockDeviceMappings` for launch templates), the root device included, by the root device name of the image's family where its AWS public parameter names it (`/dev/xvda` for Amazon Linux, and with it the data volume `/dev/xvdb` for Bottlerocket, `/dev/sda1` for Ubuntu, Windows and paravirtual Amazon Linux images; an EKS node group's `AmiType` and a Batch compute environment's image overrides included; for an image of no family known here, an id or a value known only at deploy, both `/dev/xvda` and `/dev/sda1`, and name it by a known family's public parameter instead, since the other volumes such an image maps are not shown), and launch no image backed by instance store (Amazon Linux's `-s3` parameters); a fleet launches from launch templates of the template (`LaunchTemplateConfigs`), since a Spot Fleet's inline specification cannot name a key, and so do an EKS managed node group (`LaunchTemplate`) and a managed AWS Batch compute environment (`ComputeResources.LaunchTemplate` and its `Overrides`)",
        packs: Packs {
            cdk_nag: None,
            checkov: Some("CKV_AWS_3"),
            guard: Some("ENCRYPTED_VOLUMES"),
        },
        check: e1,
    },
    RuleSpec {
        id: "E3",
        title: "instances and volumes are in an AWS Backup plan",
        types: &["AWS::EC2::Instance", "AWS::EC2::Volume"],
        controls: &[
            "164.308(a)(7)(i)",
            "164.308(a)(7)(ii)(A)",
            "164.308(a)(7)(ii)(B)",
        ],
        fix: "list the instance's or volume's ARN (`arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:volume/` or `instance/` before its `Ref`, which is only its id) in `BackupSelection.Resources` of an `AWS::Backup::BackupSelection` without `NotResources` or `Conditions`, whose `BackupPlanId` names an `AWS::Backup::BackupPlan` of its own template",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-EC2EBSInBackupPlan"),
            checkov: None,
            guard: None,
        },
        check: e3,
    },
    RuleSpec {
        id: "E4",
        title: "instances require IMDSv2 session tokens for instance metadata",
        types: &[
            "AWS::EC2::Instance",
            "AWS::EC2::LaunchTemplate",
            "AWS::AutoScaling::LaunchConfiguration",
            GROUP,
            SPOT_FLEET,
            EC2_FLEET,
            NODEGROUP,
            BATCH,
            NOTEBOOK,
            EMR_CLUSTER,
            IMAGE_BUILDER,
            BEANSTALK,
        ],
        controls: &[
            "164.308(a)(3)(i)",
            "164.308(a)(4)(ii)(A)",
            "164.308(a)(4)(ii)(C)",
            "164.312(a)(1)",
        ],
        fix: "set `MetadataOptions.HttpTokens` to `required` (or `HttpEndpoint` to `disabled`) on the instance or launch configuration, or `LaunchTemplateData.MetadataOptions.HttpTokens` on a launch template the instance launches from (`LaunchTemplate.LaunchTemplateId`); launch fleets (`LaunchTemplateConfigs`), EKS managed node groups (`LaunchTemplate`) and managed AWS Batch compute environments (`ComputeResources.LaunchTemplate`) from such launch templates; set `InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion` to `2` on a SageMaker notebook instance, and on the `AWS::EMR::SecurityConfiguration` of the app that an EMR cluster names in `SecurityConfiguration`, by `Ref` in its template or by `Fn::ImportValue` of an export of a stack of the app in the cluster's region whose value is that `Ref` (a configuration outside the app, or of another region, is read nowhere); `InstanceMetadataOptions.HttpTokens` to `required` on an Image Builder infrastructure configuration; the option `aws:autoscaling:launchconfiguration` `DisableIMDSv1` to true in an Elastic Beanstalk environment's `OptionSettings` (or in the configuration template of this template it names)",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-EC2IMDSv2Enabled"),
            checkov: Some("CKV_AWS_79"),
            guard: None,
        },
        check: e4,
    },
    RuleSpec {
        id: "EMR1",
        title: "EMR clusters encrypt their disks and what EMRFS writes to S3 with keys of the app, and the traffic between their nodes",
        types: &[EMR_CLUSTER],
        controls: &["164.312(a)(2)(iv)", "164.312(e)(1)"],
        fix: "name in the cluster's `SecurityConfiguration` an `AWS::EMR::SecurityConfiguration` of the app (by `Ref` in its template, or by `Fn::ImportValue` of an export of a stack of the app in the cluster's region whose value is that `Ref`) whose document sets, in `EncryptionConfiguration`, `EnableAtRestEncryption` and `EnableInTransitEncryption` true, `AtRestEncryptionConfiguration.S3EncryptionConfiguration` `EncryptionMode` SSE-KMS or CSE-KMS with `AwsKmsKey` a customer-managed key of the app, and `AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration` `EncryptionKeyProviderType` AwsKms with `AwsKmsKey` a customer-managed key of the app and `EnableEbsEncryption` true; write each key of a document given as JSON text once",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: emr1,
    },
    RuleSpec {
        id: "E5",
        title: "instances run in a named subnet without a public address, however they are launched",
        types: &[
            "AWS::EC2::Instance",
            LAUNCH_CONFIGURATION,
            LAUNCH_TEMPLATE,
            GROUP,
            EIP,
            EIP_ASSOCIATION,
            SPOT_FLEET,
            EC2_FLEET,
            NODEGROUP,
            BATCH,
            ENDPOINT_GROUP,
            EMR_CLUSTER,
        ],
        controls: &["164.308(a)(3)(i)", "164.312(a)(1)", "164.312(e)(1)"],
        fix: "set `SubnetId` (or `NetworkInterfaces[0].SubnetId`) of instances, fleets' launch specifications and overrides, `VPCZoneIdentifier` of Auto Scaling groups, `Subnets` of EKS managed node groups, `ComputeResources.Subnets` of AWS Batch compute environments and `Instances.Ec2SubnetId` (or `Ec2SubnetIds`) of EMR clusters, to private subnets of a stack of the app (one of another stack, imported from its export, is read there; one outside the app, an id written as text, a parameter or an import of no export of the app, may map public addresses as every default-VPC subnet does, so launch there only with `AssociatePublicIpAddress` false on every network interface of the launch); give a node group's `RemoteAccess` its `SourceSecurityGroups`, security groups of the app by `Ref` or `GroupId` (or no `RemoteAccess` at all), and join it to an `AWS::EKS::Cluster` of the app (`ClusterName` its `Ref`, the `Name` it writes, or an import of one); an EMR cluster launches into subnets of the app only, since no setting of it declines public addresses; never set `AssociatePublicIpAddress` true (instance, launch configuration, launch template interface) nor attach an Elastic IP to an instance or its interface; launch instances that get IPv6 addresses (`Ipv6AddressCount`, `Ipv6Addresses`, `PrimaryIpv6`, IPv6 prefixes, a subnet's `AssignIpv6AddressOnCreation`, or a standalone network interface attached to them by `NetworkInterfaceId` or `AWS::EC2::NetworkInterfaceAttachment`) only into subnets of the template whose route tables send ::/0 to an egress-only internet gateway; put behind a Global Accelerator (`AWS::GlobalAccelerator::EndpointGroup` `EndpointConfigurations`) only internet-facing load balancers and Elastic IPs of the app, never an instance, an internal load balancer or an endpoint written as an id or ARN; reach the servers through a load balancer and Session Manager",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-EC2InstanceNoPublicIp"),
            checkov: Some("CKV_AWS_88"),
            guard: Some("EC2_INSTANCE_NO_PUBLIC_IP"),
        },
        check: e5,
    },
    RuleSpec {
        id: "E6",
        title: "instances get their permissions from an instance profile, however they are launched",
        types: INSTANCE,
        controls: &["164.308(a)(3)(i)", "164.308(a)(4)(i)", "164.312(a)(1)"],
        fix: "set `IamInstanceProfile` (of the instance, or of the launch template it launches from; of every launch template and launch configuration an Auto Scaling group or fleet launches from) to an instance profile whose role has only the managed policies the instance needs",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-EC2InstanceProfileAttached"),
            checkov: None,
            guard: Some("EC2_INSTANCE_PROFILE_ATTACHED"),
        },
        check: e6,
    },
    RuleSpec {
        id: "E8",
        title: "instances have detailed monitoring and EBS optimization, however they are launched (E8/E9)",
        types: &[
            "AWS::EC2::Instance",
            SPOT_FLEET,
            EC2_FLEET,
            GROUP,
            NODEGROUP,
            BATCH,
        ],
        controls: &["164.312(b)", "164.308(a)(7)(i)"],
        fix: "set `Monitoring` and `EbsOptimized` to true (on the instance, or `Monitoring.Enabled` and `EbsOptimized` of the launch template it launches from; of every launch template an Auto Scaling group or fleet launches from, and `InstanceMonitoring` and `EbsOptimized` of its launch configuration; an EKS managed node group and a managed AWS Batch compute environment launch from a launch template of the template, `LaunchTemplate` and `ComputeResources.LaunchTemplate` with its `Overrides`)",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-EC2InstanceDetailedMonitoringEnabled"),
            checkov: Some("CKV_AWS_126"),
            guard: Some("EC2_INSTANCE_DETAILED_MONITORING_ENABLED"),
        },
        check: e8,
    },
];

/// The launch template an instance launches from, read in its stack: its
/// `LaunchTemplate.LaunchTemplateId` is `{"Ref": id}` or `{"Fn::GetAtt": [id, "LaunchTemplateId"]}`,
/// or the import of another stack's export of either ([`fleets::template_named`]).
fn launch_template<'a>(cx: &Cx<'a>) -> Option<Cx<'a>> {
    fleets::template_named(cx, cx.prop("/LaunchTemplate/LaunchTemplateId")?)
}

/// Why an instance that launches from `template` may get settings other than the
/// template's as written ([`fleets::pinned_version`] of its `LaunchTemplate`).
fn instance_pinned(cx: &Cx<'_>, template: &Cx<'_>) -> Vec<String> {
    fleets::pinned_version(cx, "/LaunchTemplate", template)
        .into_iter()
        .collect()
}

/// Every EBS block device at `pointer` (a `BlockDeviceMappings` list) is encrypted with a
/// customer-managed key, and one of them is the root device of the launch's image
/// ([`root_unmapped_of`]): what passes without the root device is a gap.
pub(super) fn encrypted_block_devices(cx: &Cx<'_>, pointer: &str) -> Outcome {
    let image = image_pointer(pointer);
    encrypted_block_devices_of(cx, pointer, &[(cx, image.as_str())])
}

/// [`encrypted_block_devices`] of a launch whose image is the last of `images` that is set
/// (an instance's own `ImageId` overrides its launch template's): an image whose root
/// device is instance store fails whatever the mappings say.
fn encrypted_block_devices_of(cx: &Cx<'_>, pointer: &str, images: &[(&Cx<'_>, &str)]) -> Outcome {
    let devices = block_devices_encrypted(cx, pointer);
    if !ROOT_MAPPING_CONSTRUCTS.contains(&cx.resource.construct_kind().unwrap_or_default())
        && let Image::InstanceStore(problem) = launch_image(images)
    {
        return match devices {
            Outcome::Fail(f) => Outcome::Fail(format!("{problem}; {f}")),
            _ => Outcome::Fail(problem),
        };
    }
    match (devices, root_unmapped_of(&[(cx, pointer)], images)) {
        (Outcome::Pass(_), Some(gap)) => Outcome::Gap(gap),
        (outcome, _) => outcome,
    }
}

/// The root device names of the images EC2 launches: `/dev/xvda` (Amazon Linux) and
/// `/dev/sda1` (Ubuntu, Red Hat, Windows, …), as the EC2 user guide ("Device names for
/// volumes on Amazon EC2 instances": "Reserved for root volume: Differs by AMI. /dev/sda1
/// or /dev/xvda") lists them. The root of an image whose family is not known
/// ([`Image::Unknown`]) may be either, so a launch of it shows its root encrypted only
/// where it maps both ([`XVDA`] and [`SDA1`], in either spelling): mapping one alone may add
/// an extra empty volume and leave the real root as the image's snapshot made it (probe
/// 17a #2); mapping the one that is not the root adds a small encrypted volume. Even then
/// such an image is a gap, never enforced: its other volumes are not shown (probe 18b F5,
/// [`root_unmapped_with`]).
const ROOT_DEVICES: [&[&str]; 2] = [XVDA, SDA1];

/// The root of an HVM Amazon Linux image (EC2 user guide, "Device names for volumes on
/// Amazon EC2 instances": "Reserved for root volume: Differs by AMI. /dev/sda1 or
/// /dev/xvda"; Amazon Linux's is `/dev/xvda`, as `SecureInstance` reads it).
const XVDA: &[&str] = &["/dev/xvda", "xvda"];
/// The root of Ubuntu (Canonical's `…/hvm/ebs-…/` parameters) and Windows images, and of
/// paravirtual ones (the same guide, for paravirtual: "Reserved for root volume:
/// /dev/sda1").
const SDA1: &[&str] = &["/dev/sda1", "sda1"];
/// The data volume of a Bottlerocket image, beside its root `/dev/xvda`: "Bottlerocket
/// operates with two default storage volumes": the root device `/dev/xvda`, which "holds the
/// active and passive partition sets", and the data device `/dev/xvdb`, "used as persistent
/// storage for container images, container orchestration, host-containers, and bootstrap
/// containers" (Bottlerocket's README, "Default Volumes"). Made from the image's snapshot
/// unless a mapping names it, it holds whatever the containers write.
const XVDB: &[&str] = &["/dev/xvdb", "xvdb"];

/// The constructs whose launch template maps the root device they are given
/// (`root_device_name`), encrypted with their key: their mapping is the root device
/// whatever name it has. The kind is the construct's that made the resource, which a raw
/// resource cannot claim (it is `RawResource`).
const ROOT_MAPPING_CONSTRUCTS: &[&str] = &["SecureInstance", "SecureInstanceGroup"];

/// What the image a launch names says of its root device.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Image {
    /// An image id, a parameter of no family known here, or a value known only at deploy
    /// (a template parameter, `Fn::ImportValue`, …): its root may be any root device name.
    Unknown,
    /// Images of a known family (what names them: an AWS public parameter, a node group's
    /// `AmiType`), whose root device has these names.
    Root(String, &'static [&'static str]),
    /// Images of a known family with a data volume beside the root ([`XVDB`] of
    /// Bottlerocket): the root device's names, then the data device's.
    WithData(String, &'static [&'static str], &'static [&'static str]),
    /// An image whose root volume is instance store: why no key encrypts it.
    InstanceStore(String),
}

/// The pointer of the image of the launch whose mappings are at `pointer`:
/// `…/BlockDeviceMappings` becomes `…/ImageId` (an instance's and a launch configuration's
/// `ImageId`, a launch template's `LaunchTemplateData.ImageId`, an EC2 Fleet override's).
fn image_pointer(pointer: &str) -> String {
    match pointer.strip_suffix("BlockDeviceMappings") {
        Some(base) => format!("{base}ImageId"),
        None => "/ImageId".to_owned(),
    }
}

/// The image of a launch: the last of `images` (a context and the pointer of an `ImageId`)
/// that is set, read by [`image_named`]; one removed by `AWS::NoValue` is not set.
fn launch_image(images: &[(&Cx<'_>, &str)]) -> Image {
    images
        .iter()
        .rev()
        .find_map(|(cx, pointer)| cx.prop(pointer).filter(|v| !super::meaning::no_value(v)))
        .map_or(Image::Unknown, image_named)
}

/// hostile review 21: the root of a launch whose image an override may name in place of its
/// launch template's (an Auto Scaling group's `MixedInstancesPolicy.LaunchTemplate.Overrides`
/// `ImageId`: "The ID of the Amazon Machine Image (AMI) to use for instances launched with
/// this override", CloudFormation reference, `AWS::AutoScaling::AutoScalingGroup
/// LaunchTemplateOverrides`; an EC2 Fleet's override, as EC2's
/// `FleetLaunchTemplateOverridesRequest` takes one), judged as the launch template's own
/// image is ([`encrypted_block_devices_of`]): the image is the last of `images` that is set;
/// one whose root is instance store fails (`Err`), whatever the mappings at `lists` say; a
/// root device of its family that no list maps is a gap (`Ok(Some(..))`).
pub(super) fn launch_root(
    lists: &[(&Cx<'_>, &str)],
    images: &[(&Cx<'_>, &str)],
) -> Result<Option<String>, String> {
    let constructed = lists.iter().any(|(cx, _)| {
        ROOT_MAPPING_CONSTRUCTS.contains(&cx.resource.construct_kind().unwrap_or_default())
    });
    if !constructed && let Image::InstanceStore(problem) = launch_image(images) {
        return Err(problem);
    }
    Ok(root_unmapped_of(lists, images))
}

/// The image an `ImageId` names, where it is an AWS public parameter of a known family:
/// written as a CloudFormation dynamic reference, `{{resolve:ssm:name}}` or
/// `{{resolve:ssm:name:version}}` (CloudFormation user guide, "Get a plaintext value from
/// Systems Manager Parameter Store"), or as EC2 resolves it at launch, `resolve:ssm:name`,
/// `…:name:version-number`, `…:name:label` or the parameter's ARN (EC2 API reference,
/// `ImageId` of `RequestLaunchTemplateData` and `FleetLaunchTemplateOverridesRequest`:
/// "Alternatively, you can specify a Systems Manager parameter … resolve:ssm:public-parameter
/// … resolve:ssm:parameter-ARN"). The families are those `SecureInstance` knows
/// (`constructs::secure_instance`): `/aws/service/ami-amazon-linux-latest/` (root
/// `/dev/xvda`; its `-s3` images are backed by instance store, which no key of the account
/// encrypts: EC2 user guide, "Root volumes for your Amazon EC2 instances"; its `-pv-` images
/// are paravirtual, root `/dev/sda1`), Canonical's `/aws/service/canonical/ubuntu/…/hvm/ebs-…`
/// and `/aws/service/ami-windows-latest/` (root `/dev/sda1`). Anything else, an ARN of a
/// parameter of an account (not AWS's public one) among them, is [`Image::Unknown`].
fn image_named(value: &Value) -> Image {
    let Some(text) = super::meaning::text(value) else {
        return Image::Unknown;
    };
    let text = text.trim();
    let reference = text
        .strip_prefix("{{resolve:ssm:")
        .and_then(|t| t.strip_suffix("}}"))
        .or_else(|| text.strip_prefix("resolve:ssm:"));
    let Some(reference) = reference else {
        return Image::Unknown;
    };
    // A public parameter's ARN has no account: `arn:aws:ssm:us-east-1::parameter/aws/…`.
    let reference = match reference.strip_prefix("arn:") {
        Some(arn) => {
            let parts: Vec<&str> = arn.splitn(5, ':').collect();
            match parts.as_slice() {
                [_, "ssm", _, "", rest] => match rest.strip_prefix("parameter") {
                    Some(name) if name.starts_with('/') => name,
                    _ => return Image::Unknown,
                },
                _ => return Image::Unknown,
            }
        }
        None => reference,
    };
    // A version or a label follows the name after a colon, which no parameter name has.
    let name = reference.split(':').next().unwrap_or_default();
    if let Some(image) = name.strip_prefix("/aws/service/ami-amazon-linux-latest/") {
        if image.ends_with("-s3") {
            return Image::InstanceStore(format!(
                "the image is the parameter `{name}`, an Amazon Linux image backed by instance store (`-s3`): its root volume is instance store, which no key of the account encrypts (EC2 user guide, \"Root volumes for your Amazon EC2 instances\"); launch an EBS-backed image, such as `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`, with its root device `/dev/xvda` mapped encrypted"
            ));
        }
        let roots = if image.contains("-pv-") { SDA1 } else { XVDA };
        return Image::Root(format!("the parameter `{name}`"), roots);
    }
    // Bottlerocket's parameters (`/aws/service/bottlerocket/aws-k8s-1.30/x86_64/latest/image_id`).
    if name.starts_with("/aws/service/bottlerocket/") {
        return Image::WithData(format!("the parameter `{name}`"), XVDA, XVDB);
    }
    if name.starts_with("/aws/service/ami-windows-latest/")
        || (name.starts_with("/aws/service/canonical/ubuntu/") && name.contains("/hvm/ebs-"))
    {
        return Image::Root(format!("the parameter `{name}`"), SDA1);
    }
    Image::Unknown
}

/// Why the root volume of the instances launched with the mappings at each `(cx, pointer)`
/// (one launch's lists: a launch template's and a fleet override's) is not shown encrypted:
/// no EBS entry of them names the root device of the launch's image (its family's,
/// [`image_named`], read from the `ImageId` beside each list, the last set winning;
/// both of [`ROOT_DEVICES`] for an image of no known family), or the image's root is instance
/// store. EC2 takes every volume of the image's block device mapping, the root volume
/// among them, from the image's snapshots, and a mapping given at launch overrides the
/// image's for its own device name only (EC2 user guide, "Block device mappings"); a volume
/// made from an unencrypted snapshot is encrypted only when the launch says so or the
/// account's EBS encryption by default is on, an account and Region setting no template
/// shows (EC2 user guide, "Amazon EBS encryption"). A device name known only at deploy (a
/// parameter) may name any device. The image is the last of `images` that is set (hostile
/// review 21: an override's `ImageId` is read whether or not the override maps devices,
/// [`launch_root`]).
fn root_unmapped_of(lists: &[(&Cx<'_>, &str)], images: &[(&Cx<'_>, &str)]) -> Option<String> {
    root_unmapped_with(lists, launch_image(images))
}

/// [`root_unmapped_of`] of a launch of `image`.
fn root_unmapped_with(lists: &[(&Cx<'_>, &str)], image: Image) -> Option<String> {
    let mut named = Vec::new();
    // A construct that maps the root device by the image's root device name maps it for an
    // image of a known family with no other volume; a Bottlerocket image's data volume, an
    // image of no known family (checked only by `preview` and `up`, which read the image),
    // are read as for any launch: the construct's pass was reported as enforced without
    // the template showing it (the nineteenth probe).
    if matches!(image, Image::Root(..))
        && lists.iter().any(|(cx, _)| {
            ROOT_MAPPING_CONSTRUCTS.contains(&cx.resource.construct_kind().unwrap_or_default())
        })
    {
        return None;
    }
    let (roots, data): (&[&[&str]], _) = match &image {
        Image::InstanceStore(problem) => return Some(problem.clone()),
        Image::Root(_, roots) => (&[*roots], None),
        Image::WithData(_, roots, data) => (&[*roots], Some(*data)),
        Image::Unknown => (&ROOT_DEVICES, None),
    };
    // Each root device name the launch must map (one for a known family, both for an
    // unknown image), whether it does.
    let mut roots_mapped = vec![false; roots.len()];
    let mut data_mapped = data.is_none();
    for (cx, pointer) in lists {
        let Some(mappings) = cx.prop(pointer).and_then(Value::as_array) else {
            continue;
        };
        for m in mappings.iter().filter(|m| m.get("Ebs").is_some()) {
            let root = |name: &str| roots.iter().position(|r| r.contains(&name));
            match m.get("DeviceName").and_then(super::meaning::text) {
                Some(name) if let Some(i) = root(&name) => {
                    roots_mapped[i] = true;
                    named.push(format!("`{name}`"));
                }
                Some(name) if data.is_some_and(|d| d.contains(&name.as_str())) => {
                    data_mapped = true;
                    named.push(format!("`{name}`"));
                }
                Some(name) => named.push(format!("`{name}`")),
                None => named.push(
                    m.get("DeviceName")
                        .map_or_else(|| "no name".to_owned(), super::meaning::text_or_json),
                ),
            }
        }
    }
    let root_mapped = roots_mapped.iter().all(|m| *m);
    let list = pointer_name(lists.first().map_or("/BlockDeviceMappings", |(_, p)| p));
    let named = named.join(", ");
    if root_mapped && data_mapped {
        // Probe 18b F5: mapping both root names shows the root encrypted, but an image of
        // no known family may map more volumes from its own snapshots (a Bottlerocket
        // image named by id maps its data volume `/dev/xvdb`, a vendor appliance its
        // own), and its root device name may be another (`RootDeviceName` of
        // `RegisterImage` is any name the image's owner chose). Every volume "included in
        // the AMI's block device mapping" is attached unless the launch maps or suppresses
        // its device name (EC2 API reference, `BlockDeviceMapping` `NoDevice`; EC2 user
        // guide, "Block device mappings"). Those volumes are not shown before deploy, so
        // an unknown image is at best a gap.
        return matches!(image, Image::Unknown).then(|| format!(
            "`{list}` maps both root device names `/dev/xvda` and `/dev/sda1` encrypted, but the image is of no family known here (an image id, a parameter of no family known here, a value known only at deploy): its root device name, and the other volumes it maps from its own snapshots (a data volume, a vendor appliance's), are not shown before deploy, and each is encrypted only if its snapshot is or the account's EBS encryption by default is on, which no template shows; name the image by a public parameter of a known family (Amazon Linux, Bottlerocket, Ubuntu, Windows), or map every device the image maps with `Encrypted` true and a customer-managed `KmsKeyId` and waive this with the image named"
        ));
    }
    Some(match image {
        Image::WithData(family, _, data) if root_mapped => format!(
            "`{list}` does not map `{}`, the data volume of the images of {family}, which holds the containers' images and storage: it is made from the image's snapshot, encrypted only if it is or the account's EBS encryption by default is on, which no template shows; map `{}` with `Encrypted` true and a customer-managed `KmsKeyId`",
            data[0], data[0]
        ),
        Image::Root(family, roots) | Image::WithData(family, roots, _) => format!(
            "`{list}` maps {named}, not `{}`, the root device of the images of {family}: the root volume is made from the image's snapshot, encrypted only if it is or the account's EBS encryption by default is on, which no template shows, and the volume mapped is an extra one; map `{}` with `Encrypted` true and a customer-managed `KmsKeyId`",
            roots[0], roots[0]
        ),
        _ => format!(
            "`{list}` maps {}, not both root device names `/dev/xvda` and `/dev/sda1`, and the image's root device name is not known (an image id, a parameter of no family known here, a value known only at deploy): the root volume, and any other volume the image maps, is made from the image's snapshots, encrypted only if they are or the account's EBS encryption by default is on, which no template shows, and a volume mapped under another name is an extra one; map both `/dev/xvda` and `/dev/sda1` with `Encrypted` true and a customer-managed `KmsKeyId` (the one that is not the root adds a small encrypted volume), or name the image by a public parameter of a known family (Amazon Linux, Ubuntu, Windows)",
            if named.is_empty() {
                "no device".to_owned()
            } else {
                named
            }
        ),
    })
}

/// Every EBS block device at `pointer` is encrypted with a customer-managed key (which
/// devices they are is [`root_unmapped_of`]'s).
pub(super) fn block_devices_encrypted(cx: &Cx<'_>, pointer: &str) -> Outcome {
    let Some(mappings) = cx.prop(pointer).and_then(Value::as_array) else {
        return Outcome::Fail(format!(
            "`{}` is not set, so the root volume is encrypted only if the image or the account default says so",
            pointer_name(pointer)
        ));
    };
    let ebs: Vec<usize> = mappings
        .iter()
        .enumerate()
        .filter(|(_, m)| m.get("Ebs").is_some())
        .map(|(i, _)| i)
        .collect();
    if ebs.is_empty() {
        return Outcome::Fail(format!(
            "no entry of `{}` maps an EBS volume, so the root volume's encryption is not written",
            pointer_name(pointer)
        ));
    }
    // An entry that maps an instance store volume (`VirtualName`, `ephemeralN`, in any
    // spelling, a parameter's included) maps a block device no customer-managed key can
    // encrypt: the EC2 user guide ("SSD instance store volumes") says NVMe instance store
    // is encrypted by a hardware module with keys "you cannot provide", and says no such
    // thing of other instance store volumes (the non-NVMe SSDs and HDDs of older types,
    // and of `m1.small`, the type an instance without `InstanceType` gets), whose
    // encryption `InstanceStorageInfo.encryptionSupport` gives as `unsupported`. NVMe
    // instance store is attached at launch whether mapped or not, so dropping the entry
    // loses nothing where the store is encrypted.
    let instance_store = mappings.iter().enumerate().filter_map(|(i, m)| {
        m.get("VirtualName").filter(|v| !v.is_null()).map(|name| {
            Err(format!(
                "`{}/{i}` maps the instance store volume {}, which no customer-managed key can encrypt (on other than NVMe instance store, nothing encrypts it): remove the entry and keep data on encrypted EBS volumes",
                pointer_name(pointer),
                super::meaning::text_or_json(name)
            ))
        })
    });
    let mut instance_store: Vec<Result<Proof, String>> = instance_store.collect();
    // An entry written whole as an intrinsic function (`Fn::Select` "returns a single object
    // from a list of objects by index", CloudFormation Template Reference, `Fn::Select`; a
    // custom resource's attribute) maps a device no rule can read before deploy: it may be
    // an unencrypted volume, or an instance store one.
    instance_store.extend(
        mappings
            .iter()
            .enumerate()
            .filter(|(_, m)| super::identity::intrinsic(m) && !super::meaning::no_value(m))
            .map(|(i, m)| {
                Err(format!(
                    "`{}.{i}` is {}, a mapping no rule can read before deploy (it may map an unencrypted volume); write the mapping out",
                    pointer_name(pointer),
                    super::meaning::text_or_json(m)
                ))
            }),
    );
    all(ebs
        .into_iter()
        .flat_map(|i| {
            [
                cx.equals(&format!("{pointer}/{i}/Ebs/Encrypted"), &json!(true)),
                customer_key(cx, &format!("{pointer}/{i}/Ebs/KmsKeyId")),
            ]
        })
        .chain(instance_store))
}

fn e1(cx: &Cx<'_>) -> Outcome {
    match cx.resource.type_name() {
        SPOT_FLEET | EC2_FLEET => fleets::e1(cx),
        GROUP => group_launches(cx),
        NODEGROUP | BATCH => service_images_mapped(
            cx,
            service_template_launches(
                cx,
                "whose volumes' encryption no template shows (an `AWS::EKS::Nodegroup`'s `DiskSize` names no key); launch them from an `AWS::EC2::LaunchTemplate` of this template whose `BlockDeviceMappings` encrypt the root device with a customer-managed key",
            ),
        ),
        "AWS::EC2::Volume" => all([
            cx.equals("/Encrypted", &json!(true)),
            customer_key(cx, "/KmsKeyId"),
        ]),
        "AWS::EC2::LaunchTemplate" => {
            encrypted_block_devices(cx, "/LaunchTemplateData/BlockDeviceMappings")
        }
        "AWS::EC2::VolumeAttachment" => all([volume_of_the_template(cx, "/VolumeId")]),
        // An instance, or a launch configuration (its `BlockDeviceMappings` are written as
        // an instance's, and it has no launch template).
        _ => {
            // The image is the instance's own `ImageId`, or else its launch template's
            // (what is given at launch overrides the template).
            let template = launch_template(cx);
            let from_template = template;
            let mut images: Vec<(&Cx<'_>, &str)> = Vec::new();
            if let Some(from) = &from_template {
                images.push((from, "/LaunchTemplateData/ImageId"));
            }
            images.push((cx, "/ImageId"));
            let devices = match (template, &from_template) {
                // An instance without mappings of its own takes its launch template's.
                (Some(template), Some(from)) if cx.prop("/BlockDeviceMappings").is_none() => {
                    fleets::unless_pinned(
                        encrypted_block_devices_of(
                            from,
                            "/LaunchTemplateData/BlockDeviceMappings",
                            &images,
                        ),
                        instance_pinned(cx, &template),
                    )
                }
                _ => encrypted_block_devices_of(cx, "/BlockDeviceMappings", &images),
            };
            // Volumes attached by `Volumes` are judged where they are declared: each must be
            // a volume of this template.
            let attached: Vec<Result<Proof, String>> = match cx.prop("/Volumes") {
                Some(Value::Array(volumes)) => (0..volumes.len())
                    .filter(|i| !super::meaning::no_value(&volumes[*i]))
                    .map(|i| volume_of_the_template(cx, &format!("/Volumes/{i}/VolumeId")))
                    .collect(),
                // A list an intrinsic makes (`Fn::Select` of a list of lists) attaches volumes
                // no rule can read before deploy.
                Some(v) => vec![Err(format!(
                    "`Volumes` is {}, a list no rule can read before deploy: it may attach a volume outside the app, whose encryption is read nowhere; write the list out",
                    super::meaning::text_or_json(v)
                ))],
                None => Vec::new(),
            };
            match (devices, attached.is_empty()) {
                (devices, true) => devices,
                (Outcome::Pass(proofs), false) => all(proofs.into_iter().map(Ok).chain(attached)),
                (Outcome::Fail(f), false) => match all(attached) {
                    Outcome::Fail(g) => Outcome::Fail(format!("{f}; {g}")),
                    _ => Outcome::Fail(f),
                },
                // What passes is still a gap for the devices (a pinned launch template
                // version, an unmapped root device) unless an attached volume fails.
                (Outcome::Gap(g), false) => match all(attached) {
                    Outcome::Fail(f) => Outcome::Fail(f),
                    _ => Outcome::Gap(g),
                },
                (_, false) => all(attached),
            }
        }
    }
}

/// E1 over an EKS managed node group or a Batch compute environment that passes: the
/// service may launch another image than its launch template names, whose root device the
/// template must map (hostile review 20: a template mapping `/dev/xvda`, judged where it is
/// declared, passed under a Windows node group, whose root is `/dev/sda1`). A node group
/// launches the template's `ImageId` when it has one (a custom AMI), or else the image of its
/// `AmiType` ("The AMI type for your node group", CloudFormation reference,
/// `AWS::EKS::Nodegroup`: `WINDOWS_…` types are Windows Server images, root `/dev/sda1`; the
/// others, `AL2_…`, `AL2023_…` and `BOTTLEROCKET_…`, root `/dev/xvda`; without one, an Amazon
/// Linux type). A Batch compute environment may launch its `ComputeResources.ImageId`, each
/// `Ec2Configuration` entry's `ImageIdOverride` ("The AMI ID used for instances launched in
/// the compute environment that match the image type. This setting overrides the imageId
/// set in the computeResource object", `AWS::Batch::ComputeEnvironment Ec2ConfigurationObject`)
/// or its template's image, or else the ECS-optimized Amazon Linux image of its `ImageType`
/// (root `/dev/xvda`): the root of each that is known must be mapped. A value read only at
/// deploy is an image of no known family, as for an instance.
fn service_images_mapped(cx: &Cx<'_>, outcome: Outcome) -> Outcome {
    let Outcome::Pass(_) = outcome else {
        return outcome;
    };
    let Some((specs, key)) = service_specifications(cx) else {
        return outcome;
    };
    let data = "/LaunchTemplateData/BlockDeviceMappings";
    let mut gaps = Vec::new();
    for spec in &specs {
        let Some(from) = cx
            .prop(&format!("{spec}/{key}"))
            .and_then(|v| fleets::template_named(cx, v))
        else {
            continue;
        };
        let template = from.resource;
        let own = from.prop("/LaunchTemplateData/ImageId");
        let mut images: Vec<Image> = Vec::new();
        if cx.resource.type_name() == NODEGROUP {
            images.push(match own {
                Some(image) => image_named(image),
                None => match cx.prop("/AmiType").map(super::meaning::text) {
                    None => Image::Root("the node group's default `AmiType`".to_owned(), XVDA),
                    Some(Some(kind))
                        if kind.trim().to_ascii_uppercase().starts_with("WINDOWS_") =>
                    {
                        Image::Root(format!("`AmiType` {}", kind.trim()), SDA1)
                    }
                    Some(Some(kind)) if kind.trim().eq_ignore_ascii_case("CUSTOM") => {
                        Image::Unknown
                    }
                    Some(Some(kind))
                        if kind
                            .trim()
                            .to_ascii_uppercase()
                            .starts_with("BOTTLEROCKET_") =>
                    {
                        Image::WithData(format!("`AmiType` {}", kind.trim()), XVDA, XVDB)
                    }
                    Some(Some(kind)) => Image::Root(format!("`AmiType` {}", kind.trim()), XVDA),
                    Some(None) => Image::Unknown,
                },
            });
        } else {
            let overrides = cx
                .prop("/ComputeResources/Ec2Configuration")
                .and_then(Value::as_array)
                .map(|entries| {
                    entries
                        .iter()
                        .filter_map(|e| e.get("ImageIdOverride"))
                        .filter(|v| !super::meaning::no_value(v))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            let named: Vec<&Value> = own
                .into_iter()
                .chain(cx.prop("/ComputeResources/ImageId"))
                .chain(overrides)
                .collect();
            images.extend(named.iter().map(|v| image_named(v)));
            if named.is_empty() {
                images.push(Image::Root(
                    "the ECS-optimized Amazon Linux images AWS Batch launches by default"
                        .to_owned(),
                    XVDA,
                ));
            }
        }
        for image in images {
            if let Some(gap) = root_unmapped_with(&[(&from, data)], image) {
                gaps.push(format!(
                    "launch template `{}`: {gap}",
                    template.logical_id()
                ));
            }
        }
    }
    if gaps.is_empty() {
        outcome
    } else {
        gaps.dedup();
        Outcome::Gap(gaps.join("; "))
    }
}

/// A volume attached to an instance must be an `AWS::EC2::Volume` of this template, which
/// E1 reads; a volume id written in text (`vol-…`) is a volume whose encryption no rule
/// reads. The value must be the volume (its `Ref`, however written: `meaning::names`), not
/// merely mention it: `Fn::Select` of another entry of a list that holds its `Ref`, or an
/// `Fn::Sub` whose text is another variable beside one that refers to it, attaches another
/// volume. A volume of another stack of the instance's region and account, named by the
/// import of its export ([`Cx::named_in_app`]: `Fn::ImportValue` "returns the value of an
/// output exported by another stack"), is a volume of the app that E1 reads there.
fn volume_of_the_template(cx: &Cx<'_>, pointer: &str) -> Result<Proof, String> {
    let Some(volume) = cx.prop(pointer) else {
        return Err(format!("`{}` is not set", &pointer[1..]));
    };
    if cx.named_in_app(None, volume, "AWS::EC2::Volume").is_some() {
        return cx
            .proof(pointer)
            .ok_or_else(|| "the property disappeared while it was read".to_owned());
    }
    Err(format!(
        "`{}` attaches {}, which is no volume of this template or of an export of the app it imports: its encryption is read nowhere",
        pointer[1..].replace('/', "."),
        super::meaning::text_or_json(volume)
    ))
}

/// Whether a value names the resource `id` by `Ref`, `Fn::GetAtt` or a `${id}` of
/// `Fn::Sub`, anywhere inside it (`Fn::Join`, `Fn::Sub` variables, …).
pub(crate) fn mentions(value: &Value, id: &str) -> bool {
    match value {
        Value::Object(map) => {
            if crate::cfn::pointer::get(map, "Ref").and_then(Value::as_str) == Some(id) {
                return true;
            }
            let att = match crate::cfn::pointer::get(map, "Fn::GetAtt") {
                Some(Value::Array(a)) => a.first().and_then(Value::as_str),
                Some(Value::String(s)) => s.split('.').next(),
                _ => None,
            };
            if att == Some(id) {
                return true;
            }
            // `${id}` in the text of a `Fn::Sub`, unless the `Sub` defines `id` itself.
            let sub = match crate::cfn::pointer::get(map, "Fn::Sub") {
                Some(Value::String(s)) => Some(s.as_str()),
                Some(Value::Array(a)) if a.get(1).and_then(|v| v.get(id)).is_none() => {
                    a.first().and_then(Value::as_str)
                }
                _ => None,
            };
            if sub.is_some_and(|s| sub_names(s, id)) {
                return true;
            }
            map.values().any(|v| mentions(v, id))
        }
        Value::Array(items) => items.iter().any(|v| mentions(v, id)),
        _ => false,
    }
}

/// The names a value refers to as [`mentions`] reads them, found in one pass: a rule that
/// asks which resources of a template a value names reads the value once, not once per
/// resource.
pub(crate) struct Mentioned<'v> {
    value: &'v Value,
    names: Vec<&'v str>,
}

impl<'v> Mentioned<'v> {
    pub(crate) fn of(value: &'v Value) -> Self {
        let mut names = Vec::new();
        gather(value, &mut names);
        Mentioned { value, names }
    }

    /// The names found, as written (some may name no resource), for a lookup of the ids
    /// that are letters and digits: [`Mentioned::names`] of such an id is whether it is
    /// one of them.
    pub(crate) fn plain_names(&self) -> &[&'v str] {
        &self.names
    }

    /// Whether the value names `id`: [`mentions`]`(value, id)`. A logical id is letters and
    /// digits; any other text is read the long way.
    pub(crate) fn names(&self, id: &str) -> bool {
        if id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            self.names.contains(&id)
        } else {
            mentions(self.value, id)
        }
    }
}

/// Every name [`mentions`] would match below `value`: a `Ref`, the resource of an
/// `Fn::GetAtt`, and each `${name}` or `${name.…}` of an `Fn::Sub` that its own variables
/// do not define.
fn gather<'v>(value: &'v Value, names: &mut Vec<&'v str>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = crate::cfn::pointer::get(map, "Ref").and_then(Value::as_str) {
                names.push(name);
            }
            match crate::cfn::pointer::get(map, "Fn::GetAtt") {
                Some(Value::Array(a)) => names.extend(a.first().and_then(Value::as_str)),
                Some(Value::String(s)) => names.extend(s.split('.').next()),
                _ => {}
            }
            let (text, variables) = match crate::cfn::pointer::get(map, "Fn::Sub") {
                Some(Value::String(s)) => (Some(s.as_str()), None),
                Some(Value::Array(a)) => (a.first().and_then(Value::as_str), a.get(1)),
                _ => (None, None),
            };
            if let Some(text) = text {
                for (at, open) in text.match_indices("${") {
                    let rest = &text[at + open.len()..];
                    if let Some(end) = rest.find(['}', '.']) {
                        let name = &rest[..end];
                        if variables.and_then(|v| v.get(name)).is_none() {
                            names.push(name);
                        }
                    }
                }
            }
            for v in map.values() {
                gather(v, names);
            }
        }
        Value::Array(items) => {
            for v in items {
                gather(v, names);
            }
        }
        _ => {}
    }
}

/// Whether the text of an `Fn::Sub` holds `${id}` or `${id.`, read in place: a large app
/// reads every `Sub` for each resource of its stack.
fn sub_names(text: &str, id: &str) -> bool {
    text.match_indices("${").any(|(at, open)| {
        let name = &text[at + open.len()..];
        name.strip_prefix(id)
            .is_some_and(|rest| rest.starts_with(['}', '.']))
    })
}

fn e3(cx: &Cx<'_>) -> Outcome {
    if let Some(p) = cx.backup_selection() {
        return Outcome::Pass(vec![p]);
    }
    let what = if cx.resource.type_name() == "AWS::EC2::Volume" {
        "volume"
    } else {
        "instance"
    };
    Outcome::Gap(format!(
        "no AWS Backup selection of the app lists the {what} by its ARN (a selection with `NotResources` or `Conditions` may leave it out, and one whose `BackupPlanId` names no backup plan of its template has rules no rule reads: neither is counted), so no backup plan keeps copies of its data"
    ))
}

/// The metadata options at `options` (a `MetadataOptions` object) keep IMDSv1 out:
/// `HttpTokens` is `required` ("required - IMDSv2 is required"), or `HttpEndpoint` is
/// `disabled` ("If you specify a value of disabled, you cannot access your instance
/// metadata": CloudFormation reference, `AWS::EC2::Instance MetadataOptions`, and
/// `AWS::EC2::LaunchTemplate MetadataOptions`), in the spellings the reference allows
/// (`disabled | enabled`), read exactly.
///
/// Each is read as CloudFormation resolves it (`Fn::Sub "required"`, an `Fn::Join` of its
/// pieces): the text must be the documented value exactly; another case, a parameter or an
/// SSM value is not shown to be it.
pub(super) fn imds_closed(cx: &Cx<'_>, options: &str) -> Result<Proof, String> {
    let reads = |pointer: &str, want: &str| {
        cx.prop(pointer)
            .and_then(super::meaning::text)
            .is_some_and(|t| t == want)
    };
    let endpoint = format!("{options}/HttpEndpoint");
    if reads(&endpoint, "disabled") {
        return cx.proof(&endpoint).ok_or_default();
    }
    let tokens = format!("{options}/HttpTokens");
    if reads(&tokens, "required") {
        return cx.proof(&tokens).ok_or_default();
    }
    // Said as `equals` says it.
    cx.equals(&tokens, &json!("required"))
}

/// `MinimumInstanceMetadataServiceVersion` of the `InstanceMetadataServiceConfiguration` at
/// `options` of `cx` (a notebook instance, or an EMR security configuration whose
/// `SecurityConfiguration` is the JSON document) is `2`, read as CloudFormation resolves
/// it (a number or text, `Fn::Sub "2"`); `1`, a parameter, an `Fn::If` or nothing is not
/// shown to keep IMDSv1 out.
fn minimum_imds_two(cx: &Cx<'_>, options: &str) -> Result<Proof, String> {
    let pointer = format!(
        "{options}/InstanceMetadataServiceConfiguration/MinimumInstanceMetadataServiceVersion"
    );
    match cx.prop(&pointer) {
        Some(v) if super::meaning::text(v).is_some_and(|t| t == "2") => {
            cx.proof(&pointer).ok_or_default()
        }
        Some(v) => Err(format!(
            "`{}` is {v}, not 2, so IMDSv1 answers",
            pointer_name(&pointer)
        )),
        None => Err(format!(
            "`{}` is not set (it must be 2), so IMDSv1 answers",
            pointer_name(&pointer)
        )),
    }
}

/// E4 over an EMR cluster: it names an `AWS::EMR::SecurityConfiguration` of the app whose
/// document requires IMDSv2: one of this template by `Ref`, or one of another stack of the
/// app ([`emr_configuration_elsewhere`]). The document is JSON, written as an object or as
/// its text; a configuration named by text, or outside the app, is read nowhere.
fn emr_imds(cx: &Cx<'_>) -> Outcome {
    let Some(named) = cx.prop("/SecurityConfiguration") else {
        return Outcome::Fail(
            "the cluster names no `SecurityConfiguration`, so its instances answer IMDSv1; name an `AWS::EMR::SecurityConfiguration` of this template whose `InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion` is 2"
                .to_owned(),
        );
    };
    let (on, shown) = match emr_configuration(cx, named, "the cluster's instances require IMDSv2") {
        Ok(found) => found,
        Err(e) => return Outcome::Fail(e),
    };
    let found = match on.prop("/SecurityConfiguration") {
        // The document written as its JSON text.
        Some(Value::String(text)) => match crate::cfn::tree::from_str(text) {
            Ok(document) => {
                let version = document
                    .pointer("/InstanceMetadataServiceConfiguration/MinimumInstanceMetadataServiceVersion")
                    .and_then(super::meaning::text);
                // Each key of the path written once, as itself: a key written twice (which
                // of the two EMR reads is not documented) or with escapes (`\u004d…`) is
                // not shown to be what EMR reads.
                let once = ["\"InstanceMetadataServiceConfiguration\"", "\"MinimumInstanceMetadataServiceVersion\""]
                    .iter()
                    .all(|key| text.matches(key).count() == 1)
                    // hostile review 20: nor a key written a second time with escapes
                    // (`\u004d…`), which is the same key once read.
                    && crate::cfn::tree::key_written_twice(text, crate::cfn::tree::KeyCase::Any).is_none();
                match version.as_deref() {
                    Some("2") if once => on.proof("/SecurityConfiguration").ok_or_default(),
                    Some("2") => Err("`SecurityConfiguration` writes `InstanceMetadataServiceConfiguration` or its `MinimumInstanceMetadataServiceVersion` more than once or with escapes, so which version EMR reads is not shown; write each key once".to_owned()),
                    Some(v) => Err(format!(
                        "`SecurityConfiguration.InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion` is {v}, not 2, so IMDSv1 answers"
                    )),
                    None => Err("`SecurityConfiguration` sets no `InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion` 2, so IMDSv1 answers".to_owned()),
                }
            }
            Err(_) => Err("`SecurityConfiguration` is text that is not a JSON document, so nothing shows that IMDSv1 is off".to_owned()),
        },
        _ => minimum_imds_two(&on, "/SecurityConfiguration"),
    };
    match found {
        Ok(mut p) => {
            p.logical_id.clone_from(&shown);
            all([cx.proof("/SecurityConfiguration").ok_or_default(), Ok(p)])
        }
        Err(e) => Outcome::Fail(format!("security configuration `{shown}`: {e}")),
    }
}

/// EMR1 over an EMR cluster: the security configuration of the app it names
/// ([`emr_configuration`]) turns on encryption at rest and in transit with keys of the app.
/// A security configuration is where a cluster's encryption is set: "you can use a security
/// configuration to specify settings for encrypting data at rest, data in transit, or both.
/// When you enable at-rest data encryption, you can choose to encrypt EMRFS data in Amazon
/// S3, data in local disks, or both" (Amazon EMR Management Guide, "Encryption options");
/// without one, or with one that leaves them off, nothing shows them on. The document
/// (`SecurityConfiguration` of `AWS::EMR::SecurityConfiguration`, "The security
/// configuration details in JSON format", CloudFormation reference) is read as the guide's
/// "Create a security configuration" describes it:
///
/// - `EncryptionConfiguration.EnableAtRestEncryption` true, with
///   `AtRestEncryptionConfiguration.S3EncryptionConfiguration` `EncryptionMode` SSE-KMS or
///   CSE-KMS and its `AwsKmsKey` (what EMRFS writes to S3; SSE-S3 and CSE-Custom use no
///   key of the app), and `LocalDiskEncryptionConfiguration` `EncryptionKeyProviderType`
///   AwsKms with its `AwsKmsKey` (the instance store and EBS storage volumes, by LUKS) and
///   `EnableEbsEncryption` true, which also encrypts the EBS root device volumes ("you can
///   use a security configuration option to encrypt EBS root device and storage volumes
///   when you specify AWS KMS as your key provider", "Encryption options"), as `E1` asks of
///   every root device;
/// - `EncryptionConfiguration.EnableInTransitEncryption` true (TLS between the nodes'
///   open-source applications).
///
/// Each key must be a customer-managed key of the app ([`customer_key`]'s reading: a key of
/// the configuration's template, an import, or a key's ARN or alias in this account), read
/// in the configuration's own stack. A document given as JSON text must write each key once
/// ([`crate::cfn::tree::key_written_twice`]): which of two EMR reads is not documented.
fn emr1(cx: &Cx<'_>) -> Outcome {
    const AT_REST: &str = "/EncryptionConfiguration/AtRestEncryptionConfiguration";
    let shows = "the cluster encrypts its data at rest and in transit";
    let Some(named) = cx
        .prop("/SecurityConfiguration")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v))
    else {
        return Outcome::Fail(
            "the cluster names no `SecurityConfiguration`: EMR encrypts neither its disks nor what EMRFS writes to S3 nor the traffic between its nodes; name an `AWS::EMR::SecurityConfiguration` of the app that turns on encryption at rest (SSE-KMS or CSE-KMS for S3, AwsKms with `EnableEbsEncryption` for local disks, each with a customer-managed key of the app) and in transit"
                .to_owned(),
        );
    };
    let (on, shown) = match emr_configuration(cx, named, shows) {
        Ok(found) => found,
        Err(e) => return Outcome::Fail(e),
    };
    let document = match on.prop("/SecurityConfiguration") {
        Some(Value::String(text)) => match crate::cfn::tree::from_str(text) {
            Ok(_)
                if crate::cfn::tree::key_written_twice(text, crate::cfn::tree::KeyCase::Any)
                    .is_some() =>
            {
                return Outcome::Fail(format!(
                    "security configuration `{shown}`: `SecurityConfiguration` writes a key more than once or with escapes, so which value EMR reads is not shown; write each key once"
                ));
            }
            Ok(document) => document,
            Err(_) => {
                return Outcome::Fail(format!(
                    "security configuration `{shown}`: `SecurityConfiguration` is text that is not a JSON document, so nothing shows that {shows}"
                ));
            }
        },
        Some(v @ Value::Object(_)) if !super::identity::intrinsic(v) => v.clone(),
        other => {
            return Outcome::Fail(format!(
                "security configuration `{shown}`: `SecurityConfiguration` is {}, no document a rule can read before deploy, so nothing shows that {shows}",
                other.map_or_else(|| "not set".to_owned(), super::meaning::text_or_json)
            ));
        }
    };
    let at = |pointer: &str| {
        document
            .pointer(pointer)
            .filter(|v| !v.is_null() && !super::meaning::no_value(v))
    };
    let upper = |pointer: &str| {
        at(pointer)
            .and_then(super::meaning::text)
            .map(|t| t.trim().to_ascii_uppercase())
    };
    let name = |pointer: &str| format!("`{}`", pointer_name(pointer));
    // A key of the app, read in the configuration's stack.
    let key = |pointer: &str| -> Option<String> {
        match at(pointer) {
            None => Some(format!("{} is not set", name(pointer))),
            Some(v) if super::meaning::aws_managed_key(v) => Some(format!(
                "{} is the AWS-managed key {}, not a customer-managed key",
                name(pointer),
                super::meaning::text_or_json(v)
            )),
            Some(v) => super::resilience::not_a_key(&on, v).map(|why| {
                format!(
                    "{} is {}, {why}",
                    name(pointer),
                    super::meaning::text_or_json(v)
                )
            }),
        }
    };
    let mut wrong = Vec::new();
    for flag in [
        "/EncryptionConfiguration/EnableAtRestEncryption",
        "/EncryptionConfiguration/EnableInTransitEncryption",
    ] {
        if !at(flag).is_some_and(is_true) {
            wrong.push(format!("{} is not true", name(flag)));
        }
    }
    let s3 = format!("{AT_REST}/S3EncryptionConfiguration");
    match upper(&format!("{s3}/EncryptionMode")).as_deref() {
        Some("SSE-KMS" | "CSE-KMS") => wrong.extend(key(&format!("{s3}/AwsKmsKey"))),
        Some(mode) => wrong.push(format!(
            "{} is {mode}, not SSE-KMS or CSE-KMS: what EMRFS writes to S3 is encrypted with no key of the app",
            name(&format!("{s3}/EncryptionMode"))
        )),
        None => wrong.push(format!(
            "{} is not set to SSE-KMS or CSE-KMS",
            name(&format!("{s3}/EncryptionMode"))
        )),
    }
    let disk = format!("{AT_REST}/LocalDiskEncryptionConfiguration");
    match upper(&format!("{disk}/EncryptionKeyProviderType")).as_deref() {
        Some("AWSKMS") => wrong.extend(key(&format!("{disk}/AwsKmsKey"))),
        Some(provider) => wrong.push(format!(
            "{} is {provider}, not AwsKms: the local disks are encrypted with no key of the app",
            name(&format!("{disk}/EncryptionKeyProviderType"))
        )),
        None => wrong.push(format!(
            "{} is not set to AwsKms",
            name(&format!("{disk}/EncryptionKeyProviderType"))
        )),
    }
    if !at(&format!("{disk}/EnableEbsEncryption")).is_some_and(is_true) {
        wrong.push(format!(
            "{} is not true, so the EBS root device volumes are not encrypted",
            name(&format!("{disk}/EnableEbsEncryption"))
        ));
    }
    if !wrong.is_empty() {
        return Outcome::Fail(format!(
            "security configuration `{shown}`: {}, so the cluster does not encrypt all it holds and sends with keys of the app",
            wrong.join("; ")
        ));
    }
    all([
        cx.proof("/SecurityConfiguration").ok_or_default(),
        on.proof("/SecurityConfiguration")
            .map(|mut p| {
                p.logical_id.clone_from(&shown);
                p
            })
            .ok_or_default(),
    ])
}

/// The `AWS::EMR::SecurityConfiguration` of the app that an EMR cluster's
/// `SecurityConfiguration` (`named`) names, as the context of its own stack, with its name
/// as a proof shows it (`stack/LogicalId` for one of another stack): one of this template
/// by `Ref`, or one of another stack of the app ([`emr_configuration_elsewhere`]). Where it
/// names none, the finding says that nothing `shows` what the configuration would.
fn emr_configuration<'a>(
    cx: &Cx<'a>,
    named: &Value,
    shows: &str,
) -> Result<(Cx<'a>, String), String> {
    let ours = named
        .get("Ref")
        .and_then(Value::as_str)
        .filter(|_| named.as_object().is_some_and(|m| m.len() == 1))
        .and_then(|id| {
            cx.others(EMR_SECURITY_CONFIGURATION)
                .find(|c| c.logical_id() == id)
        });
    if let Some(configuration) = ours {
        return Ok((cx.on(configuration), configuration.logical_id().to_owned()));
    }
    let (stack, configuration) = emr_configuration_elsewhere(cx, named, shows)?;
    let shown = format!("{stack}/{}", configuration.logical_id());
    // Read in its own stack, so that what its document names (a key by `Ref`) is looked
    // up in its template, not in the cluster's.
    let on = match cx.stacks.iter().position(|(s, _)| *s == stack) {
        Some(at) => Cx {
            template: cx.stacks[at].1,
            resource: configuration,
            stack,
            at,
            ..*cx
        },
        None => cx.on(configuration),
    };
    Ok((on, shown))
}

/// The `AWS::EMR::SecurityConfiguration` of another stack of the app that an EMR cluster's
/// `SecurityConfiguration` names, with that stack's name: the whole value is the import
/// (`Fn::ImportValue` of a name written out) of an export of a stack of the app in the
/// cluster's region whose value is the configuration (its `Ref`, which is its name:
/// CloudFormation reference, `AWS::EMR::SecurityConfiguration` "Return values"), or the
/// `Ref` of a template parameter of hipaa-stack's that an output of such a stack fills.
/// `SecurityConfiguration` is "The name of the security configuration applied to the
/// cluster" (CloudFormation reference, `AWS::EMR::Cluster`), a configuration made first and
/// then "available to use and re-use when you create clusters" (Amazon EMR Management
/// Guide, "Use security configurations to set up Amazon EMR cluster security"; "You can
/// re-use a security configuration for any number of clusters in your account",
/// `AWS::EMR::SecurityConfiguration`), which EMR, a regional service, looks up by name in the
/// cluster's region: a configuration of a stack in another region (which is what a
/// parameter carries, `App::stack_in`) is not the one a name of that region's finds there,
/// and an import that no stack of the app in this region exports names one outside the app,
/// whose document no rule reads.
fn emr_configuration_elsewhere<'a>(
    cx: &Cx<'a>,
    named: &Value,
    shows: &str,
) -> Result<(&'a str, &'a Resource), String> {
    let outside = format!(
        "`SecurityConfiguration` names no `AWS::EMR::SecurityConfiguration` of the app (by `Ref` in this template, or by `Fn::ImportValue` of an export of a stack of the app in the cluster's region whose value is its `Ref`), so nothing shows that {shows}"
    );
    let region_of = |at: usize| cx.index.regions.get(at).cloned().flatten();
    let here = region_of(cx.at);
    let of_stack = |at: usize, value: &Value| {
        let (stack, template) = *cx.stacks.get(at)?;
        template
            .resources()
            .iter()
            .filter(|r| r.type_name() == EMR_SECURITY_CONFIGURATION)
            .find(|r| super::meaning::names(value, r.logical_id()))
            .map(|r| (stack, r))
    };
    let import = named
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.get("Fn::ImportValue"));
    if let Some(import) = import {
        let Some(name) = super::meaning::text(import) else {
            return Err(format!(
                "`SecurityConfiguration` imports {}, an export whose name is known only at deploy, so which security configuration it is is not shown; import an export of a stack of the app by its name written out",
                super::meaning::text_or_json(import)
            ));
        };
        // The export of a stack of the cluster's region and account is the one the import
        // reads, wherever the same name is exported elsewhere in the app.
        let mut elsewhere = None;
        for (at, (_, template)) in cx.stacks.iter().enumerate() {
            if at == cx.at {
                continue;
            }
            for output in template.outputs() {
                if output.export_name() != Some(name.as_str()) {
                    continue;
                }
                let Ok(value) = serde_json::to_value(&output.value) else {
                    continue;
                };
                if let Some(found) = of_stack(at, &value) {
                    if super::services::same_region_and_account(cx, at, cx.at) {
                        return Ok(found);
                    }
                    elsewhere.get_or_insert(found);
                }
            }
        }
        return Err(match elsewhere {
            Some(found) => format!(
                "`SecurityConfiguration` imports `{name}`, the security configuration `{}/{}` of another region or account: an import reads only exports of the cluster's region and account, and EMR looks the name up there; declare the security configuration in the cluster's region and account",
                found.0,
                found.1.logical_id()
            ),
            None => outside,
        });
    }
    // The parameter's output must be the configuration's name (its `Ref`), not text that
    // only mentions it.
    let parameter = named
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.get("Ref"))
        .and_then(Value::as_str)
        .and_then(|p| cx.template.parameters().iter().find(|q| q.name() == p));
    let carried = parameter.and_then(|parameter| {
        let at = cx
            .stacks
            .iter()
            .position(|(stack, _)| *stack == parameter.stack())?;
        let output = cx.stacks[at]
            .1
            .outputs()
            .iter()
            .find(|o| o.name() == parameter.name())?;
        let value = serde_json::to_value(&output.value).ok()?;
        of_stack(at, &value).map(|found| (parameter, found))
    });
    if let Some((parameter, (stack, configuration))) = carried {
        if parameter.region() == here.as_deref() {
            return Ok((stack, configuration));
        }
        return Err(format!(
            "`SecurityConfiguration` is the name of the security configuration `{stack}/{}`, of a stack in another region: EMR looks the name up among the security configurations of the cluster's region, where it names another one or none; declare the security configuration in the cluster's region",
            configuration.logical_id()
        ));
    }
    Err(outside)
}

fn e4(cx: &Cx<'_>) -> Outcome {
    match cx.resource.type_name() {
        NOTEBOOK => return all([minimum_imds_two(cx, "")]),
        BEANSTALK => return all([super::services::beanstalk_imds_v1_disabled(cx)]),
        IMAGE_BUILDER => {
            let tokens = "/InstanceMetadataOptions/HttpTokens";
            return all([
                match cx.prop(tokens).and_then(super::meaning::text).as_deref() {
                    Some("required") => cx.proof(tokens).ok_or_default(),
                    _ => cx.equals(tokens, &json!("required")),
                },
            ]);
        }
        EMR_CLUSTER => return emr_imds(cx),
        SPOT_FLEET | EC2_FLEET => return fleets::e4(cx),
        GROUP => return group_launches(cx),
        NODEGROUP | BATCH => {
            return service_template_launches(
                cx,
                "whose metadata options no template shows; launch them from an `AWS::EC2::LaunchTemplate` of this template whose `MetadataOptions.HttpTokens` is `required`",
            );
        }
        _ => {}
    }
    let template_options = "/LaunchTemplateData/MetadataOptions";
    if cx.resource.type_name() == "AWS::EC2::LaunchTemplate" {
        return all([imds_closed(cx, template_options)]);
    }
    if cx.resource.type_name() == "AWS::AutoScaling::LaunchConfiguration" {
        return all([imds_closed(cx, "/MetadataOptions")]);
    }
    // The instance's own `MetadataOptions` (`AWS::EC2::Instance MetadataOptions`) override
    // its launch template's (what is given at launch overrides the template): written,
    // they must keep IMDSv1 out themselves, and then decide it whatever the template says.
    let own = cx
        .prop("/MetadataOptions")
        .filter(|v| !(v.is_null() || super::meaning::no_value(v)));
    let Some(template) = launch_template(cx) else {
        return match own {
            Some(_) => all([imds_closed(cx, "/MetadataOptions")]),
            None => Outcome::Fail(
                "the instance neither sets `MetadataOptions.HttpTokens` to `required` nor launches from a launch template (`LaunchTemplate.LaunchTemplateId` of an `AWS::EC2::LaunchTemplate` of this template) that does, so IMDSv1 answers"
                    .to_owned(),
            ),
        };
    };
    if own.is_some() {
        return all([imds_closed(cx, "/MetadataOptions")]);
    }
    let from_template = template;
    let checks = match imds_closed(&from_template, template_options) {
        Ok(p) => vec![
            cx.present("/LaunchTemplate/LaunchTemplateId"),
            Ok(p.with_stack(fleets::stack_of(cx, &from_template))),
        ],
        Err(e) => vec![Err(format!("launch template `{}`: {e}", template.id()))],
    };
    fleets::unless_pinned(all(checks), instance_pinned(cx, &from_template))
}

/// The pointers of the launch template specifications of an Auto Scaling group: its
/// `LaunchTemplate`, the launch template of its `MixedInstancesPolicy` and of each of its
/// overrides.
fn group_specifications(cx: &Cx<'_>) -> Vec<String> {
    let mixed = "/MixedInstancesPolicy/LaunchTemplate";
    let mut specifications: Vec<String> = [
        "/LaunchTemplate".to_owned(),
        format!("{mixed}/LaunchTemplateSpecification"),
    ]
    .into_iter()
    .filter(|p| cx.prop(p).is_some())
    .collect();
    let overrides = cx
        .prop(&format!("{mixed}/Overrides"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    specifications.extend(
        (0..overrides)
            .map(|i| format!("{mixed}/Overrides/{i}/LaunchTemplateSpecification"))
            .filter(|p| cx.prop(p).is_some()),
    );
    specifications
}

/// A rule over what an Auto Scaling group launches (E1, E4, E6, E8): `template` judges each
/// launch template of this template that it names (with the pointer of the group's
/// specification that names it), `configuration` its launch configuration of this template.
/// A launch template or configuration named by name, by text or not at all is read nowhere,
/// a finding; so is a group that names none; a launch template pinned to a version the
/// template may no longer show makes a pass a gap.
fn over_group_launches<'a>(
    cx: &Cx<'a>,
    template: impl Fn(&str, &Cx<'a>) -> Vec<Result<Proof, String>>,
    configuration: impl Fn(&Cx<'a>) -> Vec<Result<Proof, String>>,
) -> Outcome {
    let mut checks: Vec<Result<Proof, String>> = Vec::new();
    let mut pinned = Vec::new();
    for p in group_specifications(cx) {
        match cx
            .prop(&format!("{p}/LaunchTemplateId"))
            .and_then(|v| fleets::template_named(cx, v))
        {
            Some(t) => {
                pinned.extend(fleets::pinned_version(cx, &p, &t));
                checks.extend(template(&p, &t).into_iter().map(|c| {
                    c.map_err(|e| format!("launch template `{}`: {e}", t.id()))
                }));
            }
            None => checks.push(Err(format!(
                "`{}` names no `AWS::EC2::LaunchTemplate` of this template (by `Ref` or `Fn::GetAtt` of `LaunchTemplateId`), so the instances it launches are read nowhere",
                pointer_name(&p)
            ))),
        }
    }
    if let Some(v) = cx.prop("/LaunchConfigurationName") {
        // A launch configuration of this template (by `Ref`), or of another stack whose
        // export of its `Ref` the group imports ([`Cx::named_in_app`]), read in its stack.
        let ours = v
            .get("Ref")
            .and_then(Value::as_str)
            .and_then(|id| {
                cx.others(LAUNCH_CONFIGURATION)
                    .find(|c| c.logical_id() == id)
                    .map(|c| cx.on(c))
            })
            .or_else(|| match cx.named_in_app(None, v, LAUNCH_CONFIGURATION) {
                Some((Some(stack), c)) => cx.in_stack(stack, c),
                _ => None,
            });
        match ours {
            Some(c) => checks.extend(configuration(&c).into_iter().map(|r| {
                r.map_err(|e| format!("launch configuration `{}`: {e}", c.id()))
            })),
            None => checks.push(Err("`LaunchConfigurationName` names no `AWS::AutoScaling::LaunchConfiguration` of this template (by `Ref`), so the instances it launches are read nowhere".to_owned())),
        }
    }
    if checks.is_empty() {
        return Outcome::Fail(
            "the group names no launch template or launch configuration of this template (an `InstanceId` copies an instance's settings, which no rule reads as the group's)"
                .to_owned(),
        );
    }
    fleets::unless_pinned(all(checks), pinned)
}

/// An Auto Scaling group launches only from launch templates and configurations of this
/// template (which E1 and E4 read where they are declared): its `LaunchTemplate`, its
/// `LaunchConfigurationName`, and the launch template of its `MixedInstancesPolicy` and of
/// each of its overrides. One named by name or written as text is read nowhere.
fn group_launches(cx: &Cx<'_>) -> Outcome {
    let outcome = over_group_launches(
        cx,
        |p, _| vec![cx.proof(&format!("{p}/LaunchTemplateId")).ok_or_default()],
        |_| vec![cx.proof("/LaunchConfigurationName").ok_or_default()],
    );
    let (failed, unmapped) = group_override_images(cx);
    match outcome {
        Outcome::Fail(f) if !failed.is_empty() => {
            Outcome::Fail(format!("{f}; {}", failed.join("; ")))
        }
        _ if !failed.is_empty() => Outcome::Fail(failed.join("; ")),
        Outcome::Gap(g) if !unmapped.is_empty() => {
            Outcome::Gap(format!("{g}; {}", unmapped.join("; ")))
        }
        other => fleets::unless_pinned(other, unmapped),
    }
}

/// hostile review 21: each override of an Auto Scaling group's mixed instances policy that
/// writes an `ImageId` launches that image from its launch template (the override's
/// `LaunchTemplateSpecification`, or else the policy's), in place of the template's own
/// `ImageId`: the template, judged where it is declared, was judged with its own image.
/// The override's image is judged with the template's mappings as the template's own image
/// is ([`launch_root`]): instance store fails, an unmapped root device of its family is a
/// gap. A template read nowhere already fails ([`over_group_launches`]).
fn group_override_images(cx: &Cx<'_>) -> (Vec<String>, Vec<String>) {
    let mixed = "/MixedInstancesPolicy/LaunchTemplate";
    let data = "/LaunchTemplateData/BlockDeviceMappings";
    let (mut failed, mut unmapped) = (Vec::new(), Vec::new());
    let count = cx
        .prop(&format!("{mixed}/Overrides"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    for i in 0..count {
        let at = format!("{mixed}/Overrides/{i}");
        let image = format!("{at}/ImageId");
        if cx
            .prop(&image)
            .is_none_or(|v| v.is_null() || super::meaning::no_value(v))
        {
            continue;
        }
        let own = format!("{at}/LaunchTemplateSpecification");
        let spec = if cx.prop(&own).is_some() {
            own
        } else {
            format!("{mixed}/LaunchTemplateSpecification")
        };
        let Some(from) = cx
            .prop(&format!("{spec}/LaunchTemplateId"))
            .and_then(|v| fleets::template_named(cx, v))
        else {
            continue;
        };
        let template = from.resource;
        let images = [(&from, "/LaunchTemplateData/ImageId"), (cx, image.as_str())];
        match launch_root(&[(&from, data)], &images) {
            Err(problem) => failed.push(format!(
                "`{}` launches another image than launch template `{}`: {problem}",
                pointer_name(&image),
                template.logical_id()
            )),
            Ok(Some(gap)) => unmapped.push(format!(
                "`{}` launches another image than launch template `{}`: {gap}",
                pointer_name(&image),
                template.logical_id()
            )),
            Ok(None) => {}
        }
    }
    (failed, unmapped)
}

fn e5(cx: &Cx<'_>) -> Outcome {
    match cx.resource.type_name() {
        LAUNCH_CONFIGURATION => launch_configuration_address(cx),
        LAUNCH_TEMPLATE => launch_template_addresses(cx),
        GROUP => group_subnets(cx),
        EIP | EIP_ASSOCIATION => elastic_ip(cx),
        SPOT_FLEET | EC2_FLEET => fleets::e5(cx),
        NODEGROUP | BATCH => service_subnets(cx),
        ENDPOINT_GROUP => accelerated(cx),
        EMR_CLUSTER => emr_subnets(cx),
        _ => instance_address(cx),
    }
}

/// [`ENDPOINT_GROUP`]: every endpoint is an internet-facing load balancer or an Elastic IP
/// of the app.
fn accelerated(cx: &Cx<'_>) -> Outcome {
    let Some(list) = cx
        .prop("/EndpointConfigurations")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v))
    else {
        return Outcome::NotApplicable;
    };
    let Value::Array(entries) = list else {
        return Outcome::Fail(format!(
            "`EndpointConfigurations` {} is not a list written in the template, so what the accelerator makes reachable from the internet cannot be read before deploy; write each endpoint",
            super::meaning::text_or_json(list)
        ));
    };
    let checks: Vec<Result<Proof, String>> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !super::meaning::no_value(e))
        .map(|(i, entry)| accelerated_endpoint(cx, i, entry))
        .collect();
    if checks.is_empty() {
        return Outcome::NotApplicable;
    }
    all(checks)
}

/// One endpoint of an endpoint group, at `EndpointConfigurations.{i}`.
fn accelerated_endpoint(cx: &Cx<'_>, i: usize, entry: &Value) -> Result<Proof, String> {
    let pointer = format!("/EndpointConfigurations/{i}/EndpointId");
    let at = format!("`EndpointConfigurations.{i}.EndpointId`");
    let id = entry
        .get("EndpointId")
        .filter(|v| !v.is_null() && !super::meaning::no_value(v));
    let Some(id) = id else {
        return Err(format!("{at} is not set, so the endpoint cannot be read"));
    };
    let shown = || {
        cx.proof(&pointer)
            .ok_or_else(|| format!("{at} cannot be shown"))
    };
    if let Some((_, instance)) = super::network::app_resource(cx, id, "AWS::EC2::Instance") {
        return Err(format!(
            "{at} puts instance `{}` behind the accelerator, whose static addresses take traffic from the internet: the instance is reachable from the internet though it has no public address; put an internet-facing load balancer of the app in front of it",
            instance.logical_id()
        ));
    }
    if super::network::app_resource(cx, id, EIP).is_some() {
        return shown();
    }
    if let Some((_, balancer)) = super::network::app_resource(cx, id, LOAD_BALANCER) {
        let scheme = balancer
            .properties()
            .get("Scheme")
            .filter(|v| !v.is_null() && !super::meaning::no_value(v));
        // "The default is an Internet-facing load balancer" (CloudFormation reference,
        // `AWS::ElasticLoadBalancingV2::LoadBalancer` `Scheme`).
        return match scheme.map(|v| super::meaning::text(v).map(|t| t.trim().to_ascii_lowercase()))
        {
            None => shown(),
            Some(Some(t)) if t == "internet-facing" => shown(),
            Some(Some(t)) if t == "internal" => Err(format!(
                "{at} puts internal load balancer `{}` behind the accelerator, whose static addresses take traffic from the internet: what it fronts is reachable from the internet, behind no web ACL (which `F4` asks only of internet-facing load balancers); front the accelerator with an internet-facing load balancer of the app",
                balancer.logical_id()
            )),
            Some(_) => Err(format!(
                "{at} puts load balancer `{}` behind the accelerator, whose `Scheme` {} is not known before deploy to be internet-facing: an internal one would be reachable from the internet behind no web ACL; write `internet-facing`",
                balancer.logical_id(),
                scheme.map_or_else(String::new, super::meaning::text_or_json)
            )),
        };
    }
    Err(format!(
        "{at} {} names no load balancer or Elastic IP of the app: an instance (`i-…`), an internal load balancer or an endpoint no rule reads would be reachable from the internet through the accelerator's static addresses; name an internet-facing load balancer or an Elastic IP of a stack of the app",
        super::meaning::text_or_json(id)
    ))
}

/// An EKS managed node group (`Subnets`) or a managed Batch compute environment
/// (`ComputeResources.Subnets`) launches into named subnets of which none maps public
/// addresses on launch, unless every launch template it launches from (of this template)
/// declines them on each of its interfaces; and a node group's SSH access names the
/// security groups it admits: "If you specify an Amazon EC2 SSH key but do not specify a
/// source security group when you create a managed node group, then port 22 on the worker
/// nodes is opened to the internet (0.0.0.0/0)" (`AWS::EKS::Nodegroup` `RemoteAccess`,
/// `SourceSecurityGroups`; the EKS API's `RemoteAccessConfig`).
fn service_subnets(cx: &Cx<'_>) -> Outcome {
    let Some((specs, key)) = service_specifications(cx) else {
        return Outcome::NotApplicable;
    };
    let mut checks = Vec::new();
    if cx.resource.type_name() == NODEGROUP {
        checks.push(nodegroup_cluster(cx));
    }
    if cx.resource.type_name() == NODEGROUP
        && let Some(access) = cx
            .prop("/RemoteAccess")
            .filter(|v| !(v.is_null() || super::meaning::no_value(v)))
    {
        let groups: Vec<(usize, &Value)> = access
            .get("SourceSecurityGroups")
            .and_then(Value::as_array)
            .map(|groups| {
                groups
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| !(g.is_null() || super::meaning::no_value(g)))
                    .collect()
            })
            .unwrap_or_default();
        if groups.is_empty() {
            checks.push(Err("`RemoteAccess` lets SSH in without `SourceSecurityGroups` that can be read as a list of security groups: EKS opens port 22 on every node to the internet (0.0.0.0/0); remove `RemoteAccess` (reach the nodes with Session Manager) or name the security groups it admits".to_owned()));
        }
        // Each group admitted is one of the app, whose rules `E10` reads: SSH is open to
        // whatever a group no stack of the app declares lets in, which no rule reads.
        checks.extend(groups.into_iter().map(|(i, group)| {
            let pointer = format!("/RemoteAccess/SourceSecurityGroups/{i}");
            if super::network::app_resource(cx, group, "AWS::EC2::SecurityGroup").is_some() {
                cx.proof(&pointer).ok_or_default()
            } else {
                Err(format!(
                    "`RemoteAccess.SourceSecurityGroups.{i}` is {}, no security group of the app: EKS opens SSH (22) on every node to whatever that group admits, which no rule reads (E10 reads the app's groups); name a security group of the app by its `Ref` or `GroupId`, or remove `RemoteAccess` (reach the nodes with Session Manager)",
                    super::meaning::text_or_json(group)
                ))
            }
        }));
    }
    let pointer = if cx.resource.type_name() == NODEGROUP {
        "/Subnets"
    } else {
        "/ComputeResources/Subnets"
    };
    let Some(subnets) = cx
        .prop(pointer)
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    else {
        checks.push(Err(format!(
            "`{}` names no subnet, so where the instances run, and whether they get public addresses, is not shown",
            pointer_name(pointer)
        )));
        return all(checks);
    };
    let (public, outside) = public_subnets(cx, subnets);
    // The launch templates it launches from, each of this template and declining a public
    // address on every interface it lists.
    let declined = !specs.is_empty()
        && specs.iter().all(|spec| {
            cx.prop(&format!("{spec}/{key}"))
                .and_then(|v| fleets::template_named(cx, v))
                .is_some_and(|t| {
                    t.resource.properties()["LaunchTemplateData"]["NetworkInterfaces"]
                        .as_array()
                        .is_some_and(|a| {
                            !a.is_empty()
                                && a.iter().all(|n| is_false(&n["AssociatePublicIpAddress"]))
                        })
                })
        });
    if (!public.is_empty() || !outside.is_empty()) && !declined {
        if !public.is_empty() {
            checks.push(Err(format!(
                "`{}` names subnets that map public addresses on launch ({}), so every instance gets one",
                pointer_name(pointer),
                public.join("; ")
            )));
        }
        checks.extend(
            outside
                .iter()
                .map(|o| Err(outside_subnet(o, "every instance"))),
        );
        return all(checks);
    }
    checks.push(cx.proof(pointer).ok_or_default());
    if public.is_empty() && outside.is_empty() {
        return all(checks);
    }
    // The address is declined by the launch templates' interfaces: of the version launched.
    let pinned = specs
        .iter()
        .filter_map(|spec| {
            let t = fleets::template_named(cx, cx.prop(&format!("{spec}/{key}"))?)?;
            fleets::pinned_version(cx, spec, &t)
        })
        .collect();
    fleets::unless_pinned(all(checks), pinned)
}

/// E5 over an EMR cluster: the subnets it launches its instances into
/// (`Instances.Ec2SubnetId`, or `Instances.Ec2SubnetIds` of an instance fleet cluster:
/// CloudFormation reference, `AWS::EMR::Cluster JobFlowInstancesConfig`) are private
/// subnets of the app ([`public_subnets`]). Without a subnet the cluster launches where
/// the account's default network is (EC2-Classic once, the default VPC now, whose subnets
/// map public addresses: `Ec2SubnetId`, same reference); no setting
/// of the cluster declines a public address, so a subnet no stack of the app declares (an
/// id written as text) may give every instance one, as it may an instance's ([`e5`] on
/// instances).
fn emr_subnets(cx: &Cx<'_>) -> Outcome {
    let written = |pointer: &str| {
        cx.prop(pointer)
            .filter(|v| !v.is_null() && !super::meaning::no_value(v))
    };
    let mut subnets = Vec::new();
    let mut pointers = Vec::new();
    if let Some(one) = written("/Instances/Ec2SubnetId") {
        subnets.push(one.clone());
        pointers.push("/Instances/Ec2SubnetId");
    }
    match written("/Instances/Ec2SubnetIds") {
        Some(Value::Array(many)) => {
            subnets.extend(
                many.iter()
                    .filter(|v| !super::meaning::no_value(v))
                    .cloned(),
            );
            pointers.push("/Instances/Ec2SubnetIds");
        }
        Some(v) => {
            return Outcome::Fail(format!(
                "`Instances.Ec2SubnetIds` is {}, a list known only at deploy, so where the instances run, and whether they get public addresses, is not shown; list subnets of the app",
                super::meaning::text_or_json(v)
            ));
        }
        None => {}
    }
    if subnets.is_empty() {
        return Outcome::Fail(
            "`Instances.Ec2SubnetId` names no subnet: EMR launches the cluster in the default VPC, whose subnets give every instance a public address; launch it into a private subnet of the app"
                .to_owned(),
        );
    }
    let (public, outside) = public_subnets(cx, &subnets);
    if public.is_empty() && outside.is_empty() {
        return all(pointers.iter().map(|p| cx.proof(p).ok_or_default()));
    }
    let mut why = Vec::new();
    if !public.is_empty() {
        why.push(format!(
            "the cluster launches into subnets that map public addresses on launch ({}), so every instance gets one",
            public.join("; ")
        ));
    }
    why.extend(outside.iter().map(|o| {
        format!("{o}, so every instance of the cluster may get a public address; launch it into a private subnet of a stack of the app")
    }));
    Outcome::Fail(why.join("; "))
}

/// The EKS cluster a managed node group joins (`ClusterName`, "The name of your cluster":
/// CloudFormation reference, `AWS::EKS::Nodegroup`) is one of the app: an
/// `AWS::EKS::Cluster` of this template by its `Ref` (its name) or the `Name` it writes, or
/// one of another stack of the app by the import of its export
/// ([`super::network::app_resource`]). The cluster's control plane schedules what runs on
/// the nodes and hands the pods the node role's credentials; a cluster no stack of the app
/// declares (a name written as text) has an endpoint, authentication and logs that no rule
/// reads, as a subnet outside the app may map public addresses ([`outside_subnet`]).
fn nodegroup_cluster(cx: &Cx<'_>) -> Result<Proof, String> {
    let Some(named) = cx
        .prop("/ClusterName")
        .filter(|v| !(v.is_null() || super::meaning::no_value(v)))
    else {
        return Err("`ClusterName` is not set, so which cluster the nodes join is not shown; name an `AWS::EKS::Cluster` of the app".to_owned());
    };
    if super::eks::cluster_of_the_app(cx, named) {
        return cx.proof("/ClusterName").ok_or_default();
    }
    Err(format!(
        "`ClusterName` is {}, no cluster of the app: the nodes join a cluster whose endpoint, authentication and logs no rule reads, which schedules what runs on them with the node role's permissions; join an `AWS::EKS::Cluster` of the app (its `Ref`)",
        super::meaning::text_or_json(named)
    ))
}

/// A launch configuration's `AssociatePublicIpAddress`: true gives every instance a public
/// address; not set, the group's subnets decide (judged on the group).
fn launch_configuration_address(cx: &Cx<'_>) -> Outcome {
    match cx.prop("/AssociatePublicIpAddress") {
        Some(v) if is_true(v) => Outcome::Fail(
            "`AssociatePublicIpAddress` is true: every instance launched from it gets a public address"
                .to_owned(),
        ),
        Some(v) if is_false(v) => all([cx.proof("/AssociatePublicIpAddress").ok_or_default()]),
        Some(v) => Outcome::Fail(format!(
            "`AssociatePublicIpAddress` is {}, which may be true",
            super::meaning::text_or_json(v)
        )),
        None => Outcome::NotApplicable,
    }
}

/// The `AssociateCarrierIpAddress` of the network interface at `interface`: a carrier IP
/// address is an address of the telecommunication carrier's network that reaches the
/// interface from outside the VPC, as a public address does ("Indicates whether to assign
/// a carrier IP address to the network interface", EC2 API reference,
/// `InstanceNetworkInterfaceSpecification` and
/// `LaunchTemplateInstanceNetworkInterfaceSpecification` `AssociateCarrierIpAddress`;
/// `NetworkInterfaceAssociation`: "a Carrier IP address (for a network interface which
/// resides in a subnet in a Wavelength Zone)"). True, or a value that cannot be read as
/// false, is a finding; false, not written or removed is nothing (the interface's public
/// address is read on its own).
fn carrier_address(cx: &Cx<'_>, interface: &str) -> Option<Result<Proof, String>> {
    let pointer = format!("{interface}/AssociateCarrierIpAddress");
    let v = cx
        .prop(&pointer)
        .filter(|v| !(v.is_null() || super::meaning::no_value(v) || is_false(v)))?;
    Some(Err(format!(
        "`{}` is {}: the instance may get a carrier IP address, which reaches it from outside the VPC; write false",
        pointer_name(&pointer),
        super::meaning::text_or_json(v)
    )))
}

/// The `AssociatePublicIpAddress` and `AssociateCarrierIpAddress` of a launch template's
/// network interfaces.
fn launch_template_addresses(cx: &Cx<'_>) -> Outcome {
    const INTERFACES: &str = "/LaunchTemplateData/NetworkInterfaces";
    // A list, or an interface of it, written whole as an intrinsic function (`Fn::Select`
    // of a list of objects, CloudFormation Template Reference) may ask for a public address
    // no rule can read before deploy.
    let whole = |v: &Value| super::identity::intrinsic(v) && !super::meaning::no_value(v);
    let unread = match cx.prop(INTERFACES) {
        _ if cx.prop("/LaunchTemplateData").is_some_and(whole) => cx
            .prop("/LaunchTemplateData")
            .map(|v| ("/LaunchTemplateData".to_owned(), v)),
        Some(v) if whole(v) => Some((INTERFACES.to_owned(), v)),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .find(|(_, v)| whole(v))
            .map(|(i, v)| (format!("{INTERFACES}/{i}"), v)),
        _ => None,
    };
    if let Some((pointer, v)) = unread {
        return Outcome::Fail(format!(
            "`{}` is {}, which no rule can read before deploy: instances launched from it may get a public address; write the network interfaces out",
            pointer_name(&pointer),
            super::meaning::text_or_json(v)
        ));
    }
    let count = cx
        .prop(INTERFACES)
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let checks: Vec<Result<Proof, String>> = (0..count)
        .flat_map(|i| {
            let interface = format!("{INTERFACES}/{i}");
            let pointer = format!("{interface}/AssociatePublicIpAddress");
            let public = cx.prop(&pointer).map(|v| {
                if is_false(v) {
                    cx.proof(&pointer).ok_or_default()
                } else {
                    Err(format!(
                        "`{}` is {}: instances launched from it may get a public address",
                        pointer_name(&pointer),
                        super::meaning::text_or_json(v)
                    ))
                }
            });
            public.into_iter().chain(carrier_address(cx, &interface))
        })
        .collect();
    if checks.is_empty() {
        // Not written: the subnet decides (judged on the group or the instance).
        return Outcome::NotApplicable;
    }
    all(checks)
}

/// Whether every launch template and configuration the group launches (of this template)
/// declines public addresses explicitly: its `LaunchTemplate`, its `LaunchConfigurationName`,
/// and the launch template of its `MixedInstancesPolicy` and of each of its overrides (an
/// override's `LaunchTemplateSpecification` launches that instance type from another
/// launch template: `AWS::AutoScaling::AutoScalingGroup` `LaunchTemplateOverrides`). One
/// named by name or by text declines nothing that a rule can read.
fn group_declines(cx: &Cx<'_>) -> bool {
    let declines = |r: &Resource| match r.type_name() {
        LAUNCH_TEMPLATE => r.properties()["LaunchTemplateData"]["NetworkInterfaces"]
            .as_array()
            .is_some_and(|a| {
                !a.is_empty() && a.iter().all(|n| is_false(&n["AssociatePublicIpAddress"]))
            }),
        LAUNCH_CONFIGURATION => is_false(&r.properties()["AssociatePublicIpAddress"]),
        _ => false,
    };
    let references: Vec<Option<&Value>> = group_specifications(cx)
        .iter()
        .map(|p| cx.prop(&format!("{p}/LaunchTemplateId")))
        .chain(cx.prop("/LaunchConfigurationName").map(Some))
        .collect();
    !references.is_empty()
        && references.iter().all(|v| {
            let named: Vec<&Resource> = v
                .map(|v| {
                    // What the value is, not what it mentions: an `Fn::Select` of another
                    // entry, or an `Fn::Sub` whose text is another variable, names a launch
                    // template no rule reads (`meaning::names`).
                    let own: Vec<&Resource> = cx
                        .template
                        .resources()
                        .iter()
                        .filter(|r| super::meaning::names(v, r.logical_id()))
                        .collect();
                    if !own.is_empty() {
                        return own;
                    }
                    // Or the launch template or configuration of another stack whose
                    // export the group imports ([`fleets::template_named`],
                    // [`Cx::named_in_app`]).
                    fleets::template_named(cx, v)
                        .map(|t| t.resource)
                        .or_else(|| match cx.named_in_app(None, v, LAUNCH_CONFIGURATION) {
                            Some((Some(_), c)) => Some(c),
                            _ => None,
                        })
                        .into_iter()
                        .collect()
                })
                .unwrap_or_default();
            !named.is_empty() && named.into_iter().all(declines)
        })
}

/// The subnets among `subnets` (as a group or a service names them) that give instances a
/// public address ([`public_subnet`]): those of the app that map them, each with why, and
/// those outside the app, which may.
fn public_subnets(cx: &Cx<'_>, subnets: &[Value]) -> (Vec<String>, Vec<String>) {
    let (mut declared, mut outside) = (Vec::new(), Vec::new());
    for public in subnets.iter().flat_map(|v| public_subnet(cx, v)) {
        match public {
            PublicSubnet::Declared { what, .. } => declared.push(what),
            PublicSubnet::Outside(what) => outside.push(what),
        }
    }
    (declared, outside)
}

/// An Auto Scaling group launches into named subnets that give no public address.
fn group_subnets(cx: &Cx<'_>) -> Outcome {
    let Some(subnets) = cx
        .prop("/VPCZoneIdentifier")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    else {
        return Outcome::Fail(
            "`VPCZoneIdentifier` is not set: the group launches into the default VPC, whose subnets give every instance a public address"
                .to_owned(),
        );
    };
    let declined = group_declines(cx);
    // IPv6 addresses the launch templates' interfaces ask for, which no IPv4 setting
    // declines.
    let asked = group_specifications(cx).iter().find_map(|p| {
        fleets::template_named(cx, cx.prop(&format!("{p}/LaunchTemplateId"))?)
            .and_then(|t| template_asks_ipv6(t.resource))
    });
    let named: Vec<&Value> = subnets.iter().collect();
    let ipv6 = ipv6_exposure(cx, &named, asked.as_deref());
    let (public, outside) = public_subnets(cx, subnets);
    if (!public.is_empty() || !outside.is_empty()) && !declined {
        let mut why = Vec::new();
        if !public.is_empty() {
            why.push(format!(
                "`VPCZoneIdentifier` names subnets that map public addresses on launch ({}), so every instance gets one",
                public.join("; ")
            ));
        }
        why.extend(outside.iter().map(|o| outside_subnet(o, "every instance")));
        return with_ipv6(Outcome::Fail(why.join("; ")), ipv6);
    }
    let passed = all([cx.proof("/VPCZoneIdentifier").ok_or_default()]);
    if public.is_empty() && outside.is_empty() {
        return with_ipv6(passed, ipv6);
    }
    // The address is declined by the launch templates' interfaces: of the version launched.
    let pinned = group_specifications(cx)
        .iter()
        .filter_map(|p| {
            let t = fleets::template_named(cx, cx.prop(&format!("{p}/LaunchTemplateId"))?)?;
            fleets::pinned_version(cx, p, &t)
        })
        .collect();
    with_ipv6(fleets::unless_pinned(passed, pinned), ipv6)
}

/// An Elastic IP gives the instance or network interface it is attached to a public
/// address (a NAT gateway's, attached by the gateway, is no instance's).
fn elastic_ip(cx: &Cx<'_>) -> Outcome {
    let attached: Vec<&str> = ["/InstanceId", "/NetworkInterfaceId"]
        .into_iter()
        .filter(|p| cx.prop(p).is_some())
        .collect();
    if let Some(p) = attached.first() {
        return Outcome::Fail(format!(
            "`{}` attaches the Elastic IP to an instance: it gets a public address",
            &p[1..]
        ));
    }
    if cx.resource.type_name() == EIP_ASSOCIATION {
        return Outcome::NotApplicable;
    }
    Outcome::Pass(vec![Proof {
        logical_id: cx.id().to_owned(),
        path: "/Type".to_owned(),
    }])
}

fn instance_address(cx: &Cx<'_>) -> Outcome {
    let interfaces: &[Value] = cx
        .prop("/NetworkInterfaces")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    if cx.prop("/SubnetId").is_none()
        && interfaces.is_empty()
        && let Some(template) = launch_template(cx)
        && let Some(outcome) = template_address(cx, &template)
    {
        return outcome;
    }
    let standalone = attached_interfaces(cx, interfaces);
    // An interface launched by its `NetworkInterfaceId` is in the subnet it was created in
    // (`AWS::EC2::NetworkInterface` `SubnetId`, required), when it is one of the template.
    let subnet_pointer = if cx.prop("/SubnetId").is_some() {
        Some("/SubnetId".to_owned())
    } else {
        interfaces
            .iter()
            .position(|n| n.get("SubnetId").is_some())
            .map(|i| format!("/NetworkInterfaces/{i}/SubnetId"))
            .or_else(|| {
                interfaces
                    .iter()
                    .position(|n| {
                        n.get("NetworkInterfaceId").is_some_and(|v| {
                            standalone.iter().any(|(there, e)| {
                                there.at == cx.at
                                    && mentions(v, e.logical_id())
                                    && e.properties().get("SubnetId").is_some()
                            })
                        })
                    })
                    .map(|i| format!("/NetworkInterfaces/{i}/NetworkInterfaceId"))
            })
    };
    let mut checks = Vec::new();
    checks.push(match &subnet_pointer {
        Some(p) => cx.present(p),
        None => Err(
            "neither `SubnetId` nor `NetworkInterfaces` names a subnet, so the instance lands in the default VPC, whose subnets are public"
                .to_owned(),
        ),
    });
    let mut declined = false;
    for (i, interface) in interfaces.iter().enumerate() {
        let pointer = format!("/NetworkInterfaces/{i}/AssociatePublicIpAddress");
        match interface.get("AssociatePublicIpAddress") {
            Some(v) if is_true(v) => {
                checks.push(Err(format!("`{}` is true", pointer_name(&pointer))))
            }
            Some(v) if is_false(v) => {
                declined = true;
                checks.push(cx.present(&pointer));
            }
            Some(v) if super::meaning::no_value(v) => {}
            // A value that cannot be read as false (a parameter, an import, an SSM dynamic
            // reference) may be true, and true gives the instance a public address whatever
            // its subnet maps (`AWS::EC2::Instance` `NetworkInterface.AssociatePublicIpAddress`).
            Some(v) => checks.push(Err(format!(
                "`{}` is {}, which may be true: write false",
                pointer_name(&pointer),
                super::meaning::text_or_json(v)
            ))),
            None => {}
        }
        checks.extend(carrier_address(cx, &format!("/NetworkInterfaces/{i}")));
    }
    // A subnet of this template that maps public addresses gives the instance one unless
    // its interface declines it: the subnet of `SubnetId` or of any interface, however it
    // is referred to (`Ref`, `Fn::GetAtt` of its `SubnetId`, inside another intrinsic).
    let named: Vec<&Value> = cx
        .prop("/SubnetId")
        .into_iter()
        .chain(interfaces.iter().filter_map(|n| n.get("SubnetId")))
        .collect();
    // A subnet outside the app may map public addresses: every interface the launch
    // creates must decline one (an interface launched by its `NetworkInterfaceId` exists
    // already and gets none, see below).
    let declined_all = !interfaces.is_empty()
        && interfaces.iter().all(|n| {
            is_false(&n["AssociatePublicIpAddress"]) || n.get("NetworkInterfaceId").is_some()
        });
    for public in named.iter().flat_map(|v| public_subnet(cx, v)) {
        match public {
            PublicSubnet::Declared { what, surely } if !declined => checks.push(Err(format!(
                "{what}, so the instance {} one",
                if surely { "gets" } else { "may get" }
            ))),
            PublicSubnet::Outside(what) if !declined_all => {
                checks.push(Err(outside_subnet(&what, "the instance")));
            }
            _ => {}
        }
    }
    // IPv6 addresses the instance asks for itself, on an interface or in the launch
    // template it launches from; declining an IPv4 public address declines none of them.
    let asked = asks_ipv6(cx.resource.properties())
        .or_else(|| interfaces.iter().find_map(asks_ipv6))
        .or_else(|| launch_template(cx).and_then(|t| template_asks_ipv6(t.resource)));
    let (mut fails, mut gaps) = ipv6_exposure(cx, &named, asked.as_deref());
    // The IPv6 addresses of a standalone interface attached to the instance are the
    // instance's, public as any: those it asks for (`AWS::EC2::NetworkInterface`
    // `Ipv6AddressCount`, `Ipv6Addresses`) or its subnet assigns it on creation
    // (`AWS::EC2::Subnet` `AssignIpv6AddressOnCreation`), reached through its subnet's
    // routes. Its subnet's `MapPublicIpOnLaunch` gives it no IPv4 address: EC2 assigns a
    // public IPv4 address only to a new interface at launch, never to an existing one
    // (EC2 API reference, `InstanceNetworkInterfaceSpecification`
    // `AssociatePublicIpAddress`); an Elastic IP on it is judged on the Elastic IP.
    for (there, interface) in &standalone {
        let asked = asks_ipv6(interface.properties())
            .map(|why| format!("network interface `{}`: {why}", interface.logical_id()));
        let subnet: Vec<&Value> = interface.properties().get("SubnetId").into_iter().collect();
        let (f, g) = ipv6_exposure(there, &subnet, asked.as_deref());
        fails.extend(f);
        gaps.extend(g);
    }
    with_ipv6(all(checks), (fails, gaps))
}

/// An instance that names neither `SubnetId` nor `NetworkInterfaces` takes the network
/// interfaces of the launch template it launches from: "You can use the parameters
/// contained in a launch template to launch an Amazon EC2 instance", modified only where the
/// launch says otherwise (EC2 user guide, "Launch an Amazon EC2 instance using a launch
/// template"); `NetworkInterfaces` of `LaunchTemplateData` names the
/// subnet of each (`SubnetId`), and of an instance "If you specify a network interface, you
/// must specify any subnets as part of the network interface" (CloudFormation reference,
/// `AWS::EC2::Instance` `SubnetId`). So where the launch template's interfaces name a
/// subnet, the instance is in it: read as the instance's own interfaces are (a public
/// address asked for or not declined where the subnet maps one fails), and a gap where the
/// instance is pinned to a version the template may no longer show. `None` where they name
/// no subnet: the instance then lands in the default VPC, as the caller says.
fn template_address(cx: &Cx<'_>, from: &Cx<'_>) -> Option<Outcome> {
    const INTERFACES: &str = "/LaunchTemplateData/NetworkInterfaces";
    let template = from.resource;
    let interfaces = from.prop(INTERFACES).and_then(Value::as_array)?;
    let at = interfaces.iter().position(|n| {
        n.get("SubnetId")
            .is_some_and(|v| !super::meaning::no_value(v))
    })?;
    let mut checks = vec![
        cx.present("/LaunchTemplate/LaunchTemplateId"),
        from.present(&format!("{INTERFACES}/{at}/SubnetId"))
            .map(|p| p.with_stack(fleets::stack_of(cx, from))),
    ];
    let mut declined = false;
    for (i, interface) in interfaces.iter().enumerate() {
        let pointer = format!("{INTERFACES}/{i}/AssociatePublicIpAddress");
        match interface.get("AssociatePublicIpAddress") {
            Some(v) if is_false(v) => declined = true,
            None => {}
            Some(v) if super::meaning::no_value(v) => {}
            Some(v) if is_true(v) => checks.push(Err(format!(
                "launch template `{}`: `{}` is true: the instance gets a public address",
                template.logical_id(),
                pointer_name(&pointer)
            ))),
            Some(v) => checks.push(Err(format!(
                "launch template `{}`: `{}` is {}, which may be true: the instance may get a public address",
                template.logical_id(),
                pointer_name(&pointer),
                super::meaning::text_or_json(v)
            ))),
        }
        checks.extend(
            carrier_address(from, &format!("{INTERFACES}/{i}")).map(|c| {
                c.map_err(|e| format!("launch template `{}`: {e}", template.logical_id()))
            }),
        );
    }
    let named: Vec<&Value> = interfaces
        .iter()
        .filter_map(|n| n.get("SubnetId"))
        .collect();
    let declined_all = interfaces
        .iter()
        .all(|n| is_false(&n["AssociatePublicIpAddress"]));
    for public in named.iter().flat_map(|v| public_subnet(from, v)) {
        match public {
            PublicSubnet::Declared { what, surely } if !declined => checks.push(Err(format!(
                "launch template `{}`: {what}, so the instance {} one",
                template.logical_id(),
                if surely { "gets" } else { "may get" }
            ))),
            PublicSubnet::Outside(what) if !declined_all => checks.push(Err(format!(
                "launch template `{}`: {}",
                template.logical_id(),
                outside_subnet(&what, "the instance")
            ))),
            _ => {}
        }
    }
    let asked = asks_ipv6(cx.resource.properties()).or_else(|| template_asks_ipv6(template));
    // The subnets are the launch template's, read in its stack.
    let ipv6 = ipv6_exposure(from, &named, asked.as_deref());
    Some(with_ipv6(
        fleets::unless_pinned(all(checks), instance_pinned(cx, from)),
        ipv6,
    ))
}

/// The standalone network interfaces of the app attached to the instance, each with the
/// context of its stack: by `NetworkInterfaceId` in its `NetworkInterfaces`
/// (`AWS::EC2::Instance` `NetworkInterface`), or by an `AWS::EC2::NetworkInterfaceAttachment`
/// of any stack that names the instance (its `Ref` in its own stack, the import of its
/// export in another) and the interface. An interface of another stack named by the import
/// of its export is read there ([`super::flows::where_made`]): CloudFormation resolves the
/// import to it ("returns the value of an output exported by another stack",
/// `Fn::ImportValue`), and the attachment attaches it to the instance all the same
/// ("Attaches an elastic network interface (ENI) to an Amazon EC2 instance",
/// `AWS::EC2::NetworkInterfaceAttachment`).
fn attached_interfaces<'t>(cx: &Cx<'t>, interfaces: &[Value]) -> Vec<(Cx<'t>, &'t Resource)> {
    let exports = cx.own_exports();
    let named: Vec<(Cx<'t>, &Value)> = interfaces
        .iter()
        .filter_map(|n| n.get("NetworkInterfaceId"))
        .map(|v| (*cx, v))
        .chain(
            cx.everywhere("AWS::EC2::NetworkInterfaceAttachment")
                .filter(|(stack, a)| {
                    a.properties().get("InstanceId").is_some_and(|v| {
                        (stack.is_none() && mentions(v, cx.id()))
                            || exports.imported_in(cx, *stack, v)
                    })
                })
                .filter_map(|(stack, a)| {
                    a.properties()
                        .get("NetworkInterfaceId")
                        .map(|v| (cx.in_stack_or_here(stack, a), v))
                }),
        )
        .collect();
    let mut found: Vec<(Cx<'t>, &'t Resource)> = Vec::new();
    for (at, value) in named {
        let Some((there, made)) = super::flows::where_made(&at, value) else {
            continue;
        };
        for e in there
            .others("AWS::EC2::NetworkInterface")
            .filter(|e| mentions(&made, e.logical_id()))
        {
            if !found
                .iter()
                .any(|(c, f)| c.at == there.at && f.logical_id() == e.logical_id())
            {
                found.push((there, e));
            }
        }
    }
    found
}

/// Why a network interface (or an instance, whose own properties say the same) asks for
/// IPv6 addresses, if it may: `Ipv6AddressCount` above 0, `Ipv6Addresses`, `PrimaryIpv6`,
/// or IPv6 prefixes delegated to it (`Ipv6PrefixCount`, `Ipv6Prefixes`), whose addresses
/// are as public (`AWS::EC2::Instance`, `AWS::EC2::LaunchTemplate` `NetworkInterface`). A
/// value that cannot be read may ask.
pub(super) fn asks_ipv6(interface: &Value) -> Option<String> {
    use super::meaning::{no_value, text_or_json};
    let written = |key: &str| interface.get(key).filter(|v| !v.is_null() && !no_value(v));
    for key in ["Ipv6AddressCount", "Ipv6PrefixCount"] {
        if let Some(v) = written(key) {
            match super::resilience::number(v) {
                Some(n) if n <= 0 => {}
                Some(n) => return Some(format!("`{key}` is {n}")),
                None => {
                    return Some(format!(
                        "`{key}` is {}, which may be above 0",
                        text_or_json(v)
                    ));
                }
            }
        }
    }
    for key in ["Ipv6Addresses", "Ipv6Prefixes"] {
        match written(key) {
            Some(Value::Array(a)) if a.is_empty() => {}
            Some(_) => return Some(format!("`{key}` lists IPv6 addresses")),
            None => {}
        }
    }
    match written("PrimaryIpv6") {
        Some(v) if is_false(v) => None,
        Some(v) => Some(format!("`PrimaryIpv6` is {}", text_or_json(v))),
        None => None,
    }
}

/// Why the instances launched from a launch template ask for IPv6 addresses, if any of its
/// interfaces does.
pub(super) fn template_asks_ipv6(template: &Resource) -> Option<String> {
    template.properties()["LaunchTemplateData"]["NetworkInterfaces"]
        .as_array()?
        .iter()
        .find_map(asks_ipv6)
        .map(|why| format!("launch template `{}`: {why}", template.logical_id()))
}

/// What the internet reaches of the IPv6 addresses of instances launched into the subnets
/// `named` (`asked`: why the instances ask for addresses themselves; else a subnet of the
/// template that assigns them on creation gives them): findings for a subnet whose route
/// tables send a public IPv6 range to an internet gateway, and gaps where the routes
/// cannot be read (a subnet named by id or of another template, the VPC's main route
/// table, a gateway known only at deploy). A subnet routed only to an egress-only internet
/// gateway lets nothing in.
pub(super) fn ipv6_exposure(
    cx: &Cx<'_>,
    named: &[&Value],
    asked: Option<&str>,
) -> (Vec<String>, Vec<String>) {
    use super::network::{Ipv6Reach, assigns_ipv6, ipv6_reach};
    let (mut fails, mut gaps) = (Vec::new(), Vec::new());
    for value in named {
        // The subnet the value names whole ([`super::meaning::names`]: text built around a
        // subnet's `Ref` names another subnet, the nineteenth probe), in this template or,
        // imported, in its own stack, whose routes are read there.
        let mut subnets: Vec<(Cx<'_>, &Resource)> = cx
            .others("AWS::EC2::Subnet")
            .filter(|s| super::meaning::names(value, s.logical_id()))
            .map(|s| (*cx, s))
            .collect();
        if subnets.is_empty()
            && let Some(there) = super::network::app_resource(cx, value, "AWS::EC2::Subnet")
        {
            subnets.push(there);
        }
        if subnets.is_empty() {
            if let Some(asked) = asked {
                gaps.push(format!(
                    "the instances ask for IPv6 addresses ({asked}), which are public, in subnet {}, which is no subnet of this template: whether its route table sends ::/0 to an internet gateway cannot be read; launch them in a subnet of the template whose ::/0 route goes to an egress-only internet gateway",
                    super::meaning::text_or_json(value)
                ));
            }
            continue;
        }
        for (there, subnet) in subnets {
            let s = if there.at == cx.at {
                subnet.logical_id().to_owned()
            } else {
                format!("{}/{}", there.stack, subnet.logical_id())
            };
            let Some(gives) = asked
                .map(str::to_owned)
                .or_else(|| assigns_ipv6(subnet).map(|w| format!("subnet `{s}`: {w}")))
            else {
                continue;
            };
            match ipv6_reach(&there, subnet) {
                Ipv6Reach::Closed(_) => {}
                Ipv6Reach::Internet(route) => fails.push(format!(
                    "the instances get IPv6 addresses ({gives}), which are public, and route `{route}` sends the IPv6 traffic of subnet `{s}` to an internet gateway, so the internet can reach them; route ::/0 through an egress-only internet gateway"
                )),
                Ipv6Reach::Unassociated => gaps.push(format!(
                    "the instances get IPv6 addresses ({gives}), which are public, and subnet `{s}` has no route table association in this template, so it uses the VPC's main route table, which no rule reads; associate a route table whose ::/0 route goes to an egress-only internet gateway"
                )),
                Ipv6Reach::Unknown(why) => gaps.push(format!(
                    "the instances get IPv6 addresses ({gives}), which are public, in subnet `{s}`, and {why}"
                )),
            }
        }
    }
    (fails, gaps)
}

/// An outcome with the IPv6 findings and gaps of [`ipv6_exposure`]: a finding fails it, a
/// gap makes a pass a gap.
pub(super) fn with_ipv6(outcome: Outcome, (fails, gaps): (Vec<String>, Vec<String>)) -> Outcome {
    if !fails.is_empty() {
        return match outcome {
            Outcome::Fail(f) => Outcome::Fail(format!("{f}; {}", fails.join("; "))),
            _ => Outcome::Fail(fails.join("; ")),
        };
    }
    match outcome {
        Outcome::Pass(_) | Outcome::NotApplicable if !gaps.is_empty() => {
            Outcome::Gap(gaps.join("; "))
        }
        Outcome::Gap(g) if !gaps.is_empty() => Outcome::Gap(format!("{g}; {}", gaps.join("; "))),
        other => other,
    }
}

/// Whether a subnet of this template gives the instances launched in it a public address:
/// `None` when `MapPublicIpOnLaunch` is not written, removed or false (false is the
/// `AWS::EC2::Subnet` default), `Ok` when it is true, and `Err` with why it may be when it
/// cannot be read as false (a value resolved at deploy: a parameter, an import, an SSM
/// dynamic reference), which a rule must count as true.
pub(super) fn maps_public(subnet: &Resource) -> Option<Result<(), String>> {
    match subnet.properties().get("MapPublicIpOnLaunch") {
        None | Some(Value::Null) => None,
        Some(v) if super::meaning::no_value(v) || is_false(v) => None,
        Some(v) if is_true(v) => Some(Ok(())),
        Some(v) => Some(Err(format!(
            "may map public addresses on launch (`MapPublicIpOnLaunch` is {}, which may be true: write false)",
            super::meaning::text_or_json(v)
        ))),
    }
}

/// A subnet an instance is launched into that gives it, or may give it, a public IPv4
/// address, as [`public_subnet`] reads it.
pub(super) enum PublicSubnet {
    /// A subnet of the app (of this stack, or of another that exports it) that maps public
    /// addresses ([`maps_public`]): what it is and why, and whether it surely does. A
    /// launch that declines a public address on its interface gets none.
    Declared { what: String, surely: bool },
    /// A subnet no stack of the app declares, which may map public addresses: what names
    /// it. Only a launch whose every interface declines a public address is safe there.
    Outside(String),
}

/// The subnet `value` (a `SubnetId`, an entry of `VPCZoneIdentifier` or `Subnets`) names,
/// if it may give the instances launched in it a public IPv4 address. A subnet of this
/// template ([`mentions`] of its logical id), or of another stack of the app: one whose
/// export it imports whole ([`super::network::app_resource`], as
/// `acls.rs::association_of` finds a subnet across stacks), or the template parameter
/// that carries it from a stack of another region ([`Cx::across_regions`]); each is read
/// by its own `MapPublicIpOnLaunch`. Any other subnet (an id written as text, a template
/// parameter, an import of no export of the app, an SSM dynamic reference) is outside the
/// app, and may map public addresses: "If the instance is launched into a default subnet,
/// the default is to assign a public IPv4 address to the instance. If the instance is
/// launched into a nondefault subnet, the default is not to assign a public IPv4 address,
/// unless you enabled the option to assign a public IPv4 address on the subnet" (Amazon
/// EC2 Auto Scaling API reference, `CreateLaunchConfiguration`
/// `AssociatePublicIpAddress`; every subnet of a default VPC maps public addresses on
/// launch).
///
/// Probe 18b F2: a value may name more than one subnet (the branches of an `Fn::If`, the
/// entries of an `Fn::Select`, the pieces of text split at commas), and each is judged
/// ([`subnet_alternatives`]): one subnet of the app beside an id written as text hides
/// nothing.
pub(super) fn public_subnet(cx: &Cx<'_>, value: &Value) -> Vec<PublicSubnet> {
    let mut alternatives = Vec::new();
    subnet_alternatives(value, &mut alternatives);
    alternatives
        .into_iter()
        .filter_map(|alternative| match alternative {
            Ok(one) => one_subnet(cx, &one),
            Err(unread) => Some(PublicSubnet::Outside(format!(
                "subnet {}, picked from a list read only at deploy (`Fn::Select` or `Fn::Split` of a parameter, an import, a dynamic reference), may be any subnet, none of a stack of the app",
                super::meaning::text_or_json(&unread)
            ))),
        })
        .collect()
}

/// The subnets a value may name, each to be judged alone: `Ok` with one subnet's value, or
/// `Err` with a value that picks from a list no template shows. "`Fn::If`: Returns one
/// value if the specified condition evaluates to true and another value if the specified
/// condition evaluates to false"; "`Fn::Select`: Returns a single object from a list of
/// objects by index", where "The list of objects can be … a function that returns a list"
/// (CloudFormation user guide, intrinsic function reference): of a written list, the entry
/// its index picks (every entry where the index is not written); of `Fn::Split` ("Splits a
/// string into a list of string values"), every piece of text written in the template (a
/// reference inside it may hold the delimiter, so the index is not trusted), and of text
/// read only at deploy, anything. An `Fn::Sub` or `Fn::Join` text that holds commas is
/// split at them too, since an Auto Scaling group's `VPCZoneIdentifier` is sent to EC2 Auto
/// Scaling as "A comma-separated list of subnet IDs" (`CreateAutoScalingGroup`), and an
/// `Fn::Sub` of one variable alone is that variable's value. A branch `AWS::NoValue`
/// removes names no subnet.
fn subnet_alternatives(value: &Value, out: &mut Vec<Result<Value, Value>>) {
    if super::meaning::no_value(value) || value.is_null() {
        return;
    }
    if let Value::Array(items) = value {
        items.iter().for_each(|v| subnet_alternatives(v, out));
        return;
    }
    if let Some(Value::Array(branches)) = value.get("Fn::If")
        && branches.len() == 3
    {
        subnet_alternatives(&branches[1], out);
        subnet_alternatives(&branches[2], out);
        return;
    }
    if let Some(Value::Array(select)) = value.get("Fn::Select") {
        let (index, list) = match select.as_slice() {
            [index, list] => (index, list),
            _ => {
                out.push(Err(value.clone()));
                return;
            }
        };
        match list {
            Value::Array(entries) => {
                let picked = super::meaning::whole_number(index)
                    .and_then(|i| usize::try_from(i).ok())
                    .map(|i| entries.get(i));
                match picked {
                    // An index past the list fails the deploy: no subnet.
                    Some(entry) => entry.into_iter().for_each(|v| subnet_alternatives(v, out)),
                    None => entries.iter().for_each(|v| subnet_alternatives(v, out)),
                }
            }
            _ => match split_pieces(list) {
                Some(pieces) => pieces.iter().for_each(|v| subnet_alternatives(v, out)),
                None => out.push(Err(value.clone())),
            },
        }
        return;
    }
    if value.get("Fn::Split").is_some() {
        match split_pieces(value) {
            Some(pieces) => pieces.iter().for_each(|v| subnet_alternatives(v, out)),
            None => out.push(Err(value.clone())),
        }
        return;
    }
    // Text that holds commas names a subnet per piece.
    if let Some(pieces) = comma_pieces(value) {
        pieces.iter().for_each(|v| subnet_alternatives(v, out));
        return;
    }
    out.push(Ok(value.clone()));
}

/// The pieces of an `Fn::Split` (`[delimiter, text]`) of text written in the template: a
/// literal, an `Fn::Sub` (each piece an `Fn::Sub` of its part, with the same variables),
/// or an `Fn::Join` by the same delimiter (its entries). `None` for text read only at
/// deploy (a parameter, an import, an attribute, a dynamic reference).
fn split_pieces(split: &Value) -> Option<Vec<Value>> {
    let Some(Value::Array(args)) = split.get("Fn::Split") else {
        return None;
    };
    let [Value::String(delimiter), text] = args.as_slice() else {
        return None;
    };
    if delimiter.is_empty() {
        return None;
    }
    pieces_of(text, delimiter)
}

/// [`split_pieces`] of `text` at `delimiter`.
fn pieces_of(text: &Value, delimiter: &str) -> Option<Vec<Value>> {
    if let Value::String(s) = text {
        if s.contains("{{resolve:") {
            return None;
        }
        return Some(s.split(delimiter).map(|p| json!(p)).collect());
    }
    if let Some(sub) = text.get("Fn::Sub") {
        let (body, variables) = match sub {
            Value::String(body) => (body, None),
            Value::Array(a) => match a.as_slice() {
                [Value::String(body)] => (body, None),
                [Value::String(body), variables] => (body, Some(variables)),
                _ => return None,
            },
            _ => return None,
        };
        if body.contains("{{resolve:") {
            return None;
        }
        return Some(
            body.split(delimiter)
                .map(|piece| match variables {
                    Some(v) => json!({ "Fn::Sub": [piece, v] }),
                    None => json!({ "Fn::Sub": piece }),
                })
                .collect(),
        );
    }
    if let Some(Value::Array(join)) = text.get("Fn::Join")
        && let [Value::String(by), Value::Array(items)] = join.as_slice()
        && by == delimiter
    {
        return Some(items.clone());
    }
    None
}

/// The pieces of an `Fn::Sub` or `Fn::Join` text that holds a comma, or of an `Fn::Sub` of
/// one variable alone (`${X}` with `X` among its variables: the variable's value); `None`
/// for any other value (judged whole).
fn comma_pieces(value: &Value) -> Option<Vec<Value>> {
    if let Some(Value::Array(sub)) = value.get("Fn::Sub")
        && let [Value::String(body), Value::Object(variables)] = sub.as_slice()
        && let Some(name) = body
            .trim()
            .strip_prefix("${")
            .and_then(|r| r.strip_suffix('}'))
        && let Some(v) = variables.get(name)
    {
        return Some(vec![v.clone()]);
    }
    let holds_comma = match (value.get("Fn::Sub"), value.get("Fn::Join")) {
        (Some(Value::String(body)), _) => body.contains(','),
        (Some(Value::Array(a)), _) => a
            .first()
            .and_then(Value::as_str)
            .is_some_and(|b| b.contains(',')),
        (_, Some(Value::Array(join))) => join
            .first()
            .and_then(Value::as_str)
            .is_some_and(|d| d.contains(',')),
        _ => false,
    };
    if !holds_comma {
        return None;
    }
    // A join by a delimiter that holds a comma: each entry is a subnet of its own.
    if let Some(Value::Array(join)) = value.get("Fn::Join")
        && let [_, Value::Array(items)] = join.as_slice()
    {
        return Some(items.clone());
    }
    pieces_of(value, ",")
}

/// [`public_subnet`] of one subnet's value.
fn one_subnet(cx: &Cx<'_>, value: &Value) -> Option<PublicSubnet> {
    if super::meaning::no_value(value) || value.is_null() {
        return None;
    }
    let declared = |label: String, subnet: &Resource| {
        maps_public(subnet).map(|maps| match maps {
            Ok(()) => PublicSubnet::Declared {
                what: format!("subnet `{label}` maps public addresses on launch"),
                surely: true,
            },
            Err(why) => PublicSubnet::Declared {
                what: format!("subnet `{label}` {why}"),
                surely: false,
            },
        })
    };
    // A subnet of this template that the value names whole: text built around a subnet's
    // `Ref` (an `Fn::Join` onto a literal id, an `Fn::Sub` whose unused variable names it)
    // names another subnet (the nineteenth probe), read below as outside the app.
    if let Some(own) = cx
        .others("AWS::EC2::Subnet")
        .find(|s| super::meaning::names(value, s.logical_id()))
    {
        return declared(own.logical_id().to_owned(), own);
    }
    let elsewhere = super::network::app_resource(cx, value, "AWS::EC2::Subnet")
        .map(|(there, s)| (there.stack, s))
        .or_else(|| {
            cx.across_regions(cx.template, value)
                .filter(|(_, s)| s.type_name() == "AWS::EC2::Subnet")
        });
    if let Some((stack, subnet)) = elsewhere {
        return declared(format!("{stack}/{}", subnet.logical_id()), subnet);
    }
    Some(PublicSubnet::Outside(format!(
        "subnet {} is no subnet of a stack of the app (an id written as text, a parameter, an import of no export of the app), and may map public addresses on launch, as every subnet of a default VPC does",
        super::meaning::text_or_json(value)
    )))
}

/// What a launch that does not decline public addresses on every interface gets in a
/// subnet outside the app: `outside` as [`PublicSubnet::Outside`] says it.
fn outside_subnet(outside: &str, who: &str) -> String {
    format!(
        "{outside}, so {who} may get a public address; launch into a subnet of a stack of the app, or set `AssociatePublicIpAddress` false on every network interface of the launch"
    )
}

/// The instance profile of a launch template's instances.
const TEMPLATE_PROFILE: &str = "/LaunchTemplateData/IamInstanceProfile";

fn e6(cx: &Cx<'_>) -> Outcome {
    match cx.resource.type_name() {
        SPOT_FLEET | EC2_FLEET => return fleets::e6(cx),
        GROUP => {
            return over_group_launches(
                cx,
                |_, t| vec![fleets::profile(t, TEMPLATE_PROFILE)],
                |c| vec![c.present("/IamInstanceProfile")],
            );
        }
        _ => {}
    }
    // An instance without a profile of its own takes its launch template's.
    if cx.prop("/IamInstanceProfile").is_none()
        && let Some(template) = launch_template(cx)
    {
        return fleets::unless_pinned(
            all([
                cx.present("/LaunchTemplate/LaunchTemplateId"),
                fleets::profile(&template, TEMPLATE_PROFILE)
                    .map(|p| p.with_stack(fleets::stack_of(cx, &template)))
                    .map_err(|e| format!("launch template `{}`: {e}", template.id())),
            ]),
            instance_pinned(cx, &template),
        );
    }
    all([cx.present("/IamInstanceProfile")])
}

/// What E8 reads of an instance, and of a launch template's data where the instance does
/// not set it (what is given at launch overrides the template).
const MONITORED: [(&str, &str); 2] = [
    ("/Monitoring", "/LaunchTemplateData/Monitoring/Enabled"),
    ("/EbsOptimized", "/LaunchTemplateData/EbsOptimized"),
];

/// What E8 reads of a launch configuration: `EbsOptimized` true (false unless set), and
/// `InstanceMonitoring` true where it is set: "The default value is true (enabled)"
/// (`AWS::AutoScaling::LaunchConfiguration` `InstanceMonitoring`, CloudFormation template
/// reference; the Auto Scaling API's `CreateLaunchConfiguration`), so one that is not set
/// (or removed with `AWS::NoValue`) launches with detailed monitoring.
fn configuration_monitored(c: &Cx<'_>) -> Vec<Result<Proof, String>> {
    let mut checks = vec![c.equals("/EbsOptimized", &json!(true))];
    if c.prop("/InstanceMonitoring").is_some() {
        checks.push(c.equals("/InstanceMonitoring", &json!(true)));
    }
    checks
}

/// The launch template specifications of an EKS managed node group (`LaunchTemplate`,
/// naming its template by `Id`) or of a managed Batch compute environment
/// (`ComputeResources.LaunchTemplate` and each of its `Overrides`, by `LaunchTemplateId`),
/// with the key that names the template; `None` when it launches no EC2 instances of its
/// own (a Fargate or unmanaged compute environment).
fn service_specifications(cx: &Cx<'_>) -> Option<(Vec<String>, &'static str)> {
    if cx.resource.type_name() == NODEGROUP {
        let specs = ["/LaunchTemplate".to_owned()]
            .into_iter()
            .filter(|p| cx.prop(p).is_some())
            .collect();
        return Some((specs, "Id"));
    }
    // An unmanaged environment runs the account's own instances (read where they are
    // declared); a Fargate one runs none.
    let kind = |p: &str| {
        cx.prop(p)
            .and_then(super::meaning::text)
            .map(|t| t.trim().to_ascii_uppercase())
    };
    if kind("/Type").as_deref() == Some("UNMANAGED")
        || matches!(
            kind("/ComputeResources/Type").as_deref(),
            Some("FARGATE" | "FARGATE_SPOT")
        )
    {
        return None;
    }
    let base = "/ComputeResources/LaunchTemplate";
    let mut specs: Vec<String> = [base.to_owned()]
        .into_iter()
        .filter(|p| cx.prop(p).is_some())
        .collect();
    let overrides = cx
        .prop(&format!("{base}/Overrides"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    specs.extend((0..overrides).map(|i| format!("{base}/Overrides/{i}")));
    Some((specs, "LaunchTemplateId"))
}

/// A rule over what an EKS managed node group or a Batch compute environment launches (E1,
/// E4, E8): every launch template it launches from is a launch template of this template,
/// which `template` judges (with the pointer of the specification that names it). One named
/// by name or by text is read nowhere, a finding; without one, the service launches from a
/// launch template of its own, whose settings no template shows (the EKS and Batch
/// references say nothing of them; the EKS user guide, "Customize managed nodes with launch
/// templates": "When you don't provide a launch template, the Amazon EKS API creates one
/// automatically with default values in your account"): a gap, `unshown` saying what of it
/// is not shown and what to do.
fn over_service_launches<'a>(
    cx: &Cx<'a>,
    unshown: &str,
    template: impl Fn(&str, &Cx<'a>) -> Vec<Result<Proof, String>>,
) -> Outcome {
    let Some((specs, key)) = service_specifications(cx) else {
        return Outcome::NotApplicable;
    };
    if specs.is_empty() {
        return Outcome::Gap(format!(
            "no launch template: the service launches the instances from a launch template of its own, {unshown}"
        ));
    }
    let mut checks = Vec::new();
    let mut pinned = Vec::new();
    for spec in &specs {
        match cx
            .prop(&format!("{spec}/{key}"))
            .and_then(|v| fleets::template_named(cx, v))
        {
            Some(t) => {
                pinned.extend(fleets::pinned_version(cx, spec, &t));
                checks.extend(template(spec, &t).into_iter().map(|c| {
                    c.map_err(|e| format!("launch template `{}`: {e}", t.id()))
                }));
            }
            None => checks.push(Err(format!(
                "`{}` names no `AWS::EC2::LaunchTemplate` of this template (by `Ref` or `Fn::GetAtt` of `LaunchTemplateId` in `{key}`), so the instances it launches are read nowhere",
                pointer_name(spec)
            ))),
        }
    }
    fleets::unless_pinned(all(checks), pinned)
}

/// E1 and E4 over an EKS managed node group or a Batch compute environment: it launches
/// only from launch templates of this template, which E1 and E4 read where they are
/// declared (an `AWS::EKS::Nodegroup` has no property that names a key for its volumes, nor
/// metadata options: only its launch template does).
fn service_template_launches(cx: &Cx<'_>, unshown: &str) -> Outcome {
    let key = if cx.resource.type_name() == NODEGROUP {
        "Id"
    } else {
        "LaunchTemplateId"
    };
    over_service_launches(cx, unshown, |spec, _| {
        vec![cx.proof(&format!("{spec}/{key}")).ok_or_default()]
    })
}

/// E8 over an EKS managed node group or a Batch compute environment: every launch template
/// it launches from has detailed monitoring and EBS optimization.
fn service_launches(cx: &Cx<'_>) -> Outcome {
    over_service_launches(
        cx,
        "whose detailed monitoring and EBS optimization no template shows; launch them from an `AWS::EC2::LaunchTemplate` of this template with `Monitoring.Enabled` and `EbsOptimized` true",
        |_, t| {
            MONITORED
                .iter()
                .map(|(_, data)| t.equals(data, &json!(true)))
                .collect()
        },
    )
}

fn e8(cx: &Cx<'_>) -> Outcome {
    match cx.resource.type_name() {
        SPOT_FLEET | EC2_FLEET => return fleets::e8(cx),
        NODEGROUP | BATCH => return service_launches(cx),
        GROUP => {
            return over_group_launches(
                cx,
                |_, t| {
                    MONITORED
                        .iter()
                        .map(|(_, p)| t.equals(p, &json!(true)))
                        .collect()
                },
                configuration_monitored,
            );
        }
        _ => {}
    }
    let template = launch_template(cx);
    // The template is read for what the instance does not set itself.
    let pinned = match &template {
        Some(t) if MONITORED.iter().any(|(own, _)| cx.prop(own).is_none()) => {
            instance_pinned(cx, t)
        }
        _ => Vec::new(),
    };
    fleets::unless_pinned(
        all(MONITORED.iter().map(|(own, data)| match &template {
            Some(t) if cx.prop(own).is_none() => t
                .equals(data, &json!(true))
                .map(|p| p.with_stack(fleets::stack_of(cx, t)))
                .map_err(|e| format!("launch template `{}`: {e}", t.id())),
            _ => cx.equals(own, &json!(true)),
        })),
        pinned,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// hostile review 20: the image a launch names is read as `SecureInstance` reads it, in
    /// the spellings CloudFormation and EC2 take; an id, a parameter of no known family, an
    /// account's parameter ARN or a value known only at deploy is unknown.
    #[test]
    fn images_are_read_by_their_public_parameters_family() {
        let al = "/aws/service/ami-amazon-linux-latest/";
        let root = |v: Value| match image_named(&v) {
            Image::Root(_, roots) => Some(roots[0]),
            _ => None,
        };
        assert_eq!(
            root(json!(format!(
                "{{{{resolve:ssm:{al}al2023-ami-kernel-default-x86_64}}}}"
            ))),
            Some("/dev/xvda")
        );
        assert_eq!(
            root(json!(format!("resolve:ssm:{al}amzn2-ami-hvm-x86_64-gp2:4"))),
            Some("/dev/xvda")
        );
        assert_eq!(
            root(json!(format!("resolve:ssm:{al}amzn-ami-pv-x86_64-ebs"))),
            Some("/dev/sda1")
        );
        assert_eq!(
            root(json!(format!(
                "resolve:ssm:arn:aws:ssm:us-east-1::parameter{al}al2023-ami-kernel-default-x86_64:label"
            ))),
            Some("/dev/xvda")
        );
        assert_eq!(
            root(json!(
                "resolve:ssm:/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base"
            )),
            Some("/dev/sda1")
        );
        assert_eq!(
            root(
                json!({ "Fn::Sub": "{{resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id}}" })
            ),
            Some("/dev/sda1")
        );
        for s3 in ["amzn-ami-hvm-x86_64-s3", "amzn-ami-minimal-pv-x86_64-s3"] {
            assert!(matches!(
                image_named(&json!(format!("{{{{resolve:ssm:{al}{s3}}}}}"))),
                Image::InstanceStore(_)
            ));
        }
        for unknown in [
            json!("ami-0123456789abcdef0"),
            json!("{{resolve:ssm:/my/golden-image}}"),
            json!(format!(
                "resolve:ssm:arn:aws:ssm:us-east-1:111122223333:parameter{al}amzn-ami-hvm-x86_64-s3"
            )),
            json!(
                "{{resolve:ssm:/aws/service/canonical/ubuntu/server/16.04/stable/current/amd64/hvm/instance-store/ami-id}}"
            ),
            json!({ "Ref": "Image" }),
            json!({ "Fn::ImportValue": "images:Golden" }),
        ] {
            assert_eq!(image_named(&unknown), Image::Unknown, "{unknown}");
        }
    }

    /// hostile review 20: a Bottlerocket image (its public parameter, or a node group's
    /// `AmiType`) keeps the containers' data on `/dev/xvdb` beside its root `/dev/xvda`: a
    /// launch that maps only the root leaves the data volume as the image's snapshot made it.
    #[test]
    fn a_bottlerocket_launch_maps_its_data_volume_too() {
        let key = "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let mapping = |dev: &str| json!({ "DeviceName": dev, "Ebs": { "Encrypted": true, "KmsKeyId": { "Fn::Sub": key } } });
        let template = |devices: &[&str], image: Option<&str>| {
            let mut data = json!({
                "MetadataOptions": { "HttpTokens": "required" },
                "BlockDeviceMappings": devices.iter().map(|d| mapping(d)).collect::<Vec<_>>(),
            });
            if let Some(image) = image {
                data["ImageId"] = json!(image);
            }
            ("LT", LAUNCH_TEMPLATE, json!({ "LaunchTemplateData": data }))
        };
        let bottlerocket =
            "{{resolve:ssm:/aws/service/bottlerocket/aws-k8s-1.30/x86_64/latest/image_id}}";
        assert!(matches!(
            Cx::check_first(e1, &[template(&["/dev/xvda"], Some(bottlerocket))]),
            Outcome::Gap(g) if g.contains("`/dev/xvdb`")
        ));
        assert!(matches!(
            Cx::check_first(e1, &[template(&["/dev/xvdb"], Some(bottlerocket))]),
            Outcome::Gap(g) if g.contains("not `/dev/xvda`")
        ));
        assert!(matches!(
            Cx::check_first(
                e1,
                &[template(&["/dev/xvda", "/dev/xvdb"], Some(bottlerocket))]
            ),
            Outcome::Pass(_)
        ));
        let group = |ami: &str| {
            (
                "NG",
                NODEGROUP,
                json!({ "ClusterName": "c", "NodeRole": "r", "Subnets": ["subnet-0a1b2c3d4e5f60718"], "AmiType": ami, "LaunchTemplate": { "Id": { "Ref": "LT" }, "Version": "$Latest" } }),
            )
        };
        for (ami, devices, holds) in [
            ("BOTTLEROCKET_x86_64", &["/dev/xvda"][..], false),
            ("BOTTLEROCKET_x86_64", &["/dev/xvda", "/dev/xvdb"][..], true),
            ("WINDOWS_CORE_2022_x86_64", &["/dev/xvda"][..], false),
            ("WINDOWS_CORE_2022_x86_64", &["/dev/sda1"][..], true),
            ("AL2023_x86_64_STANDARD", &["/dev/xvda"][..], true),
            ("AL2023_x86_64_STANDARD", &["/dev/sda1"][..], false),
            // probe 17a #2: a custom image's root may be either name; probe 18b F5: even
            // with both mapped, its other volumes and root name are not shown: a gap.
            ("CUSTOM", &["/dev/sda1"][..], false),
            ("CUSTOM", &["/dev/xvda"][..], false),
            ("CUSTOM", &["/dev/xvda", "/dev/sda1"][..], false),
        ] {
            let outcome = Cx::check_first(e1, &[group(ami), template(devices, None)]);
            assert_eq!(
                matches!(outcome, Outcome::Pass(_)),
                holds,
                "{ami} {devices:?}: {outcome:?}"
            );
        }
    }

    /// probe 17a #2: the root device of an image of no known family (an id, a parameter of
    /// an account, a value known only at deploy, no image at all) may be `/dev/xvda` or
    /// `/dev/sda1`: a launch shows its root encrypted only where it maps both, in either
    /// spelling; one alone is a gap that says the image's root is not known.
    #[test]
    fn an_image_of_no_known_family_needs_both_root_devices_mapped() {
        let key = "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let mapping = |dev: &str| json!({ "DeviceName": dev, "Ebs": { "Encrypted": true, "KmsKeyId": { "Fn::Sub": key } } });
        let mappings = |devices: &[&str]| devices.iter().map(|d| mapping(d)).collect::<Vec<_>>();
        let images = [
            json!("ami-0abcdef1234567890"),
            json!({ "Ref": "Image" }),
            json!("{{resolve:ssm:/golden/image}}"),
            json!({ "Ref": "AWS::NoValue" }),
        ];
        let not_known = |o: Outcome| matches!(o, Outcome::Gap(g) if g.contains("root device name is not known"));
        let unshown = |o: Outcome| matches!(&o, Outcome::Gap(g) if g.contains("other volumes it maps") && g.contains("public parameter of a known family"));
        for image in &images {
            let instance = |devices: &[&str]| {
                Cx::check_first(
                    e1,
                    &[(
                        "Vm",
                        "AWS::EC2::Instance",
                        json!({ "ImageId": image, "BlockDeviceMappings": mappings(devices) }),
                    )],
                )
            };
            let configuration = |devices: &[&str]| {
                Cx::check_first(
                    e1,
                    &[(
                        "Lc",
                        LAUNCH_CONFIGURATION,
                        json!({ "ImageId": image, "InstanceType": "m5.large", "BlockDeviceMappings": mappings(devices) }),
                    )],
                )
            };
            let template = |devices: &[&str]| {
                Cx::check_first(
                    e1,
                    &[(
                        "Lt",
                        LAUNCH_TEMPLATE,
                        json!({ "LaunchTemplateData": { "ImageId": image, "BlockDeviceMappings": mappings(devices) } }),
                    )],
                )
            };
            for launch in [
                &instance as &dyn Fn(&[&str]) -> Outcome,
                &configuration,
                &template,
            ] {
                assert!(not_known(launch(&["/dev/xvda"])), "{image}");
                assert!(not_known(launch(&["/dev/sda1", "/dev/sdf"])), "{image}");
                assert!(not_known(launch(&["/dev/sda"])), "{image}");
                // probe 18b F5: both roots mapped shows the root, not the image's other
                // volumes nor its root device name: a gap saying so, never a pass.
                assert!(unshown(launch(&["/dev/xvda", "/dev/sda1"])), "{image}");
                assert!(unshown(launch(&["xvda", "sda1", "/dev/sdf"])), "{image}");
                assert!(
                    unshown(launch(&["/dev/xvda", "/dev/sda1", "/dev/xvdb"])),
                    "{image}"
                );
            }
        }
        // A known family with both names mapped holds (its root is one of them).
        let ubuntu = "{{resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id}}";
        assert!(matches!(
            Cx::check_first(
                e1,
                &[(
                    "Vm",
                    "AWS::EC2::Instance",
                    json!({ "ImageId": ubuntu, "BlockDeviceMappings": mappings(&["/dev/xvda", "/dev/sda1"]) }),
                )]
            ),
            Outcome::Pass(_)
        ));
        // Probe 18b F5's case: an image id, both roots mapped with the key of the app.
        assert!(unshown(Cx::check_first(
            e1,
            &[
                (
                    "Box",
                    "AWS::EC2::Instance",
                    json!({ "ImageId": "ami-0abcdef1234567890", "InstanceType": "t3.micro", "BlockDeviceMappings": [
                        { "DeviceName": "/dev/xvda", "Ebs": { "Encrypted": true, "KmsKeyId": { "Ref": "PhiKey" } } },
                        { "DeviceName": "/dev/sda1", "Ebs": { "Encrypted": "true", "KmsKeyId": { "Ref": "PhiKey" } } }
                    ] }),
                ),
                (
                    "PhiKey",
                    "AWS::KMS::Key",
                    json!({ "EnableKeyRotation": true })
                ),
            ]
        )));
        // A known family still needs only its own root.
        let al2023 =
            "{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}}";
        assert!(matches!(
            Cx::check_first(
                e1,
                &[(
                    "Vm",
                    "AWS::EC2::Instance",
                    json!({ "ImageId": al2023, "BlockDeviceMappings": mappings(&["/dev/xvda"]) }),
                )]
            ),
            Outcome::Pass(_)
        ));
    }

    /// hostile review 20: an EMR cluster that names a security configuration of another
    /// stack of the app (by the import of its export) is read through that configuration;
    /// one of another region (an import of an export of a stack elsewhere, or the template
    /// parameter that carries its name across regions) is not the one EMR finds by that name,
    /// and an import of an export that is not a configuration's is read nowhere.
    #[test]
    fn an_emr_cluster_reads_a_security_configuration_of_another_stack() {
        use crate::cfn::{Expr, Output, Parameter, Template};
        let document = |version: u8| json!({ "SecurityConfiguration": { "InstanceMetadataServiceConfiguration": { "MinimumInstanceMetadataServiceVersion": version } } });
        let security = |version: u8| Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![Resource::raw(
                "Imds".to_owned(),
                EMR_SECURITY_CONFIGURATION.to_owned(),
                document(version),
            )],
            outputs: vec![
                Output {
                    name: "Imds".to_owned(),
                    value: Expr::reference("Imds"),
                    description: None,
                    export: Some("sec:Imds".to_owned()),
                },
                Output {
                    name: "Text".to_owned(),
                    value: Expr::lit("imds-v2"),
                    description: None,
                    export: Some("sec:Text".to_owned()),
                },
            ],
        };
        let cluster = |named: Value, parameters: Vec<Parameter>| Template {
            description: String::new(),
            parameters,
            resources: vec![Resource::raw(
                "Cluster".to_owned(),
                EMR_CLUSTER.to_owned(),
                json!({ "Name": "c", "ReleaseLabel": "emr-7.0.0", "SecurityConfiguration": named }),
            )],
            outputs: Vec::new(),
        };
        let judge = |sec: &Template, emr: &Template, regions: Vec<Option<String>>| {
            let stacks = [("emr", emr), ("sec", sec)];
            let mut index = super::super::Index::new(&stacks);
            index.regions = regions;
            e4(&Cx::in_first(&stacks, &emr.resources()[0], &index))
        };
        let imported = cluster(json!({ "Fn::ImportValue": "sec:Imds" }), Vec::new());
        match judge(&security(2), &imported, Vec::new()) {
            Outcome::Pass(proofs) => assert!(
                proofs.iter().any(|p| p.logical_id == "sec/Imds"),
                "{proofs:?}"
            ),
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(judge(&security(1), &imported, Vec::new()), Outcome::Fail(f) if f.contains("`sec/Imds`"))
        );
        // The exporting stack in another region: the import reads this region's exports.
        let elsewhere = vec![None, Some("us-west-2".to_owned())];
        assert!(
            matches!(judge(&security(2), &imported, elsewhere.clone()), Outcome::Fail(f) if f.contains("another region"))
        );
        // In the cluster's region, of another account: the import reads this account's.
        let stacks = [("emr", &imported), ("sec", &security(2))];
        let mut index = super::super::Index::new(&stacks);
        index.accounts = vec![None, Some("111111111111".to_owned())];
        assert!(
            matches!(e4(&Cx::in_first(&stacks, &imported.resources()[0], &index)), Outcome::Fail(f) if f.contains("another region or account"))
        );
        // An export whose value is text, not the configuration's `Ref`.
        let text = cluster(json!({ "Fn::ImportValue": "sec:Text" }), Vec::new());
        assert!(
            matches!(judge(&security(2), &text, Vec::new()), Outcome::Fail(f) if f.contains("of the app"))
        );
        // The parameter that carries the configuration's name from a stack of another region.
        let carried = cluster(
            json!({ "Ref": "Imds" }),
            vec![Parameter {
                name: "Imds".to_owned(),
                stack: "sec".to_owned(),
                region: Some("us-west-2".to_owned()),
            }],
        );
        assert!(
            matches!(judge(&security(2), &carried, elsewhere), Outcome::Fail(f) if f.contains("another region"))
        );
    }

    /// probe 18b F2: a value that may name more than one subnet (`Fn::Select` of a written
    /// list or of `Fn::Split`, an `Fn::If`, text with commas, an `Fn::Sub` variable) is
    /// judged by every subnet it may name: a private subnet of the app beside an id written
    /// as text hides nothing, and a list read only at deploy may name any subnet.
    /// The nineteenth probe: IPv6 addresses that a subnet of another stack assigns, routed
    /// there to an internet gateway, are read in that stack, as in the instance's own.
    #[test]
    fn a_subnet_of_another_stack_is_read_for_ipv6_there() {
        use crate::compliance::Status;
        use crate::constructs::{RawResource, RawValue};
        use crate::prelude::*;
        let run = |egress_only: bool| {
            let app = App::new("v6");
            let net = app.stack("net").unwrap();
            let add = |raw: RawResource| net.add(raw).unwrap();
            let vpc =
                add(RawResource::new("Vpc", "AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"));
            let gateway = if egress_only {
                add(
                    RawResource::new("Gw", "AWS::EC2::EgressOnlyInternetGateway")
                        .property("VpcId", vpc.reference()),
                )
            } else {
                add(RawResource::new("Gw", "AWS::EC2::InternetGateway"))
            };
            let subnet = add(RawResource::new("App6", "AWS::EC2::Subnet")
                .property("VpcId", vpc.reference())
                .property("CidrBlock", "10.0.1.0/24")
                .property("AssignIpv6AddressOnCreation", true)
                .property("Ipv6CidrBlock", "2600:1f18:abcd:100::/64"));
            let table =
                add(RawResource::new("Rt", "AWS::EC2::RouteTable")
                    .property("VpcId", vpc.reference()));
            let route = RawResource::new("Default6", "AWS::EC2::Route")
                .property("RouteTableId", table.reference())
                .property("DestinationIpv6CidrBlock", "::/0");
            add(if egress_only {
                route.property("EgressOnlyInternetGatewayId", gateway.reference())
            } else {
                route.property("GatewayId", gateway.reference())
            });
            add(
                RawResource::new("Assoc", "AWS::EC2::SubnetRouteTableAssociation")
                    .property("SubnetId", subnet.reference())
                    .property("RouteTableId", table.reference()),
            );
            app.stack("probe")
                .unwrap()
                .add(
                    RawResource::new("Box", "AWS::EC2::Instance")
                        .property("ImageId", "ami-0123456789abcdef0")
                        .property(
                            "NetworkInterfaces",
                            json!([{ "DeviceIndex": "0", "AssociatePublicIpAddress": false }]),
                        )
                        .property(
                            "/NetworkInterfaces/0/SubnetId",
                            RawValue::from(subnet.reference()),
                        ),
                )
                .unwrap();
            let assembly = app.check().unwrap();
            crate::testing::status_of(&assembly, "E5", "Box")
        };
        let open = run(false);
        assert!(
            matches!(open, Some(Status::Failed { ref finding }) if finding.contains("net/App6")),
            "{open:?}"
        );
        let closed = run(true);
        assert!(!matches!(closed, Some(Status::Failed { .. })), "{closed:?}");
    }

    #[test]
    fn every_subnet_a_value_may_name_is_judged() {
        const OUTSIDE: &str = "no subnet of a stack of the app";
        const DEPLOY: &str = "read only at deploy";
        let subnets = [
            (
                "Private",
                "AWS::EC2::Subnet",
                json!({ "VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.1.0/24", "MapPublicIpOnLaunch": false }),
            ),
            (
                "Private2",
                "AWS::EC2::Subnet",
                json!({ "VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.2.0/24" }),
            ),
            (
                "Public",
                "AWS::EC2::Subnet",
                json!({ "VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.3.0/24", "MapPublicIpOnLaunch": "true" }),
            ),
            (
                "Lt",
                LAUNCH_TEMPLATE,
                json!({ "LaunchTemplateData": { "ImageId": "ami-0123456789abcdef0", "MetadataOptions": { "HttpTokens": "required" } } }),
            ),
        ];
        let judge = |first: (&str, &str, Value)| {
            let mut resources = vec![first];
            resources.extend(subnets.iter().cloned());
            Cx::check_first(e5, &resources)
        };
        let instance = |subnet: Value| {
            judge((
                "Box",
                "AWS::EC2::Instance",
                json!({ "ImageId": "ami-0123456789abcdef0", "InstanceType": "t3.micro", "SubnetId": subnet }),
            ))
        };
        let fails = |o: Outcome, says: &str| matches!(&o, Outcome::Fail(f) if f.contains(says));
        let literal = "subnet-0default0000000001";
        // The probe's cases and their neighbours.
        assert!(fails(
            instance(json!({ "Fn::Select": [1, [{ "Ref": "Private" }, literal]] })),
            OUTSIDE
        ));
        assert!(fails(
            instance(json!({ "Fn::Select": ["1", [{ "Ref": "Private" }, literal]] })),
            OUTSIDE
        ));
        assert!(matches!(
            instance(json!({ "Fn::Select": [0, [{ "Ref": "Private" }, literal]] })),
            Outcome::Pass(_)
        ));
        assert!(matches!(
            instance(
                json!({ "Fn::Select": [1, [literal, { "Fn::GetAtt": ["Private", "SubnetId"] }]] })
            ),
            Outcome::Pass(_)
        ));
        // An index not written may pick any entry.
        assert!(fails(
            instance(json!({ "Fn::Select": [{ "Ref": "Pick" }, [{ "Ref": "Private" }, literal]] })),
            OUTSIDE
        ));
        assert!(matches!(
            instance(
                json!({ "Fn::Select": [{ "Ref": "Pick" }, [{ "Ref": "Private" }, { "Ref": "Private2" }]] })
            ),
            Outcome::Pass(_)
        ));
        assert!(fails(
            instance(
                json!({ "Fn::Select": [{ "Ref": "Pick" }, [{ "Ref": "Private" }, { "Ref": "Public" }]] })
            ),
            "subnet `Public` maps public addresses"
        ));
        // `Fn::Split` of text written in the template: every piece.
        assert!(fails(
            instance(
                json!({ "Fn::Select": [1, { "Fn::Split": [",", { "Fn::Sub": format!("${{Private}},{literal}") }] }] })
            ),
            OUTSIDE
        ));
        assert!(fails(
            instance(
                json!({ "Fn::Select": [0, { "Fn::Split": [",", { "Fn::Join": [",", [{ "Ref": "Private" }, literal]] }] }] })
            ),
            OUTSIDE
        ));
        assert!(matches!(
            instance(
                json!({ "Fn::Select": [1, { "Fn::Split": [",", { "Fn::Sub": "${Private},${Private2}" }] }] })
            ),
            Outcome::Pass(_)
        ));
        // Of text read only at deploy: any subnet.
        for read in [
            json!({ "Ref": "Subnets" }),
            json!({ "Fn::ImportValue": "net:Subnets" }),
            json!("{{resolve:ssm:/net/subnets}}"),
        ] {
            assert!(fails(
                instance(json!({ "Fn::Select": [0, { "Fn::Split": [",", read] }] })),
                DEPLOY
            ));
        }
        assert!(fails(
            instance(json!({ "Fn::Select": [0, { "Ref": "SubnetList" }] })),
            DEPLOY
        ));
        // Each branch of an `Fn::If`; a branch `AWS::NoValue` names no subnet.
        assert!(fails(
            instance(json!({ "Fn::If": ["Prod", { "Ref": "Private" }, literal] })),
            OUTSIDE
        ));
        assert!(fails(
            instance(json!({ "Fn::If": ["Prod", { "Ref": "Public" }, { "Ref": "Private" }] })),
            "`Public`"
        ));
        assert!(matches!(
            instance(json!({ "Fn::If": ["Prod", { "Ref": "Private" }, { "Ref": "Private2" }] })),
            Outcome::Pass(_)
        ));
        // An `Fn::Sub` of one variable is the variable's value.
        assert!(fails(
            instance(
                json!({ "Fn::Sub": ["${S}", { "S": { "Fn::If": ["Prod", { "Ref": "Private" }, literal] } }] })
            ),
            OUTSIDE
        ));
        assert!(matches!(
            instance(json!({ "Fn::Sub": ["${S}", { "S": { "Ref": "Private" } }] })),
            Outcome::Pass(_)
        ));
        // Every interface declines a public address: a subnet outside the app is safe.
        for declined in [json!(false), json!("false")] {
            assert!(matches!(
                judge((
                    "Box",
                    "AWS::EC2::Instance",
                    json!({ "ImageId": "ami-0123456789abcdef0", "NetworkInterfaces": [{ "DeviceIndex": "0", "AssociatePublicIpAddress": declined, "SubnetId": { "Fn::Select": [1, [{ "Ref": "Private" }, literal]] } }] }),
                )),
                Outcome::Pass(_)
            ));
        }
        // An Auto Scaling group's `VPCZoneIdentifier`, entries being comma-separated ids.
        let group = |entry: Value| {
            judge((
                "Group",
                GROUP,
                json!({ "MinSize": "1", "MaxSize": "2", "LaunchTemplate": { "LaunchTemplateId": { "Ref": "Lt" }, "Version": { "Fn::GetAtt": ["Lt", "LatestVersionNumber"] } }, "VPCZoneIdentifier": [entry] }),
            ))
        };
        assert!(fails(
            group(json!({ "Fn::Select": [1, [{ "Ref": "Private" }, literal]] })),
            OUTSIDE
        ));
        assert!(fails(
            group(json!({ "Fn::Sub": format!("${{Private}},{literal}") })),
            OUTSIDE
        ));
        assert!(fails(
            group(json!({ "Fn::Join": [",", [{ "Ref": "Private" }, literal]] })),
            OUTSIDE
        ));
        assert!(matches!(
            group(json!({ "Fn::Select": [0, [{ "Ref": "Private" }, literal]] })),
            Outcome::Pass(_)
        ));
        assert!(matches!(
            group(json!({ "Fn::Sub": "${Private},${Private2}" })),
            Outcome::Pass(_)
        ));
        // A fleet override's `SubnetId` (`fleets::e5`).
        let fleet = |subnet: Value| {
            judge((
                "Fleet",
                EC2_FLEET,
                json!({
                    "TargetCapacitySpecification": { "TotalTargetCapacity": 1 },
                    "LaunchTemplateConfigs": [{
                        "LaunchTemplateSpecification": { "LaunchTemplateId": { "Ref": "Lt" }, "Version": { "Fn::GetAtt": ["Lt", "LatestVersionNumber"] } },
                        "Overrides": [{ "InstanceType": "m5.large", "SubnetId": subnet }],
                    }],
                }),
            ))
        };
        assert!(fails(
            fleet(json!({ "Fn::Select": [1, [{ "Ref": "Private" }, literal]] })),
            OUTSIDE
        ));
        assert!(fails(
            fleet(json!({ "Fn::If": ["Prod", { "Ref": "Private" }, { "Ref": "Public" }] })),
            "`Public`"
        ));
        let neighbour = fleet(json!({ "Fn::Select": [0, [{ "Ref": "Private" }, literal]] }));
        assert!(matches!(neighbour, Outcome::Pass(_)), "{neighbour:?}");
        // The nineteenth probe: text built around a private subnet's `Ref` is another subnet
        // (an `Fn::Join` onto a literal id, an `Fn::Sub` whose unused variable names it).
        for hidden in [
            json!({ "Fn::Join": ["", [literal, { "Fn::Select": [1, [{ "Ref": "Private" }, ""]] }]] }),
            json!({ "Fn::Sub": [literal, { "Unused": { "Ref": "Private" } }] }),
            json!({ "Fn::Sub": ["subnet-${Tail}", { "Tail": "0default0000000001", "Unused": { "Ref": "Private" } }] }),
        ] {
            let found = instance(hidden.clone());
            assert!(fails(found.clone(), OUTSIDE), "{hidden}: {found:?}");
        }
        // A value that is wholly the subnet's `Ref` still names it.
        for whole in [
            json!({ "Fn::Sub": "${Private}" }),
            json!({ "Fn::Join": ["", [{ "Ref": "Private" }]] }),
        ] {
            let found = instance(whole.clone());
            assert!(matches!(found, Outcome::Pass(_)), "{whole}: {found:?}");
        }
    }

    /// probe 17a #1: a launch into a subnet of another stack of the app is judged by that
    /// subnet's `MapPublicIpOnLaunch` (an import of its export, the parameter that carries
    /// it across regions); a subnet outside the app (an id as text, a template parameter,
    /// an import of no export of the app) may map public addresses, as every default-VPC
    /// subnet does, unless every interface of the launch declines one.
    #[test]
    fn a_subnet_of_another_stack_or_outside_the_app_is_read_for_public_addresses() {
        use crate::cfn::{Expr, Output, Parameter, Template};
        let network = |maps: Value| Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![Resource::raw(
                "Public".to_owned(),
                "AWS::EC2::Subnet".to_owned(),
                json!({ "VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.0.0/24", "MapPublicIpOnLaunch": maps }),
            )],
            outputs: vec![Output {
                name: "Public".to_owned(),
                value: Expr::reference("Public"),
                description: None,
                export: Some("net:Public:Ref".to_owned()),
            }],
        };
        let template = |interfaces: Option<Value>| {
            let mut data = json!({ "ImageId": "ami-0123456789abcdef0" });
            if let Some(i) = interfaces {
                data["NetworkInterfaces"] = i;
            }
            Resource::raw(
                "Lt".to_owned(),
                LAUNCH_TEMPLATE.to_owned(),
                json!({ "LaunchTemplateData": data }),
            )
        };
        let judge = |net: &Template, launch: Resource, parameters: Vec<Parameter>| {
            // The EKS cluster `c` that the node groups below join (E5 asks it of the app).
            let cluster = Resource::raw(
                "Eks".to_owned(),
                "AWS::EKS::Cluster".to_owned(),
                json!({ "Name": "c", "RoleArn": "r", "ResourcesVpcConfig": {} }),
            );
            let probe = Template {
                description: String::new(),
                parameters,
                resources: vec![launch, template(None), cluster],
                outputs: Vec::new(),
            };
            let stacks = [("probe", &probe), ("net", net)];
            let index = super::super::Index::new(&stacks);
            e5(&Cx::in_first(&stacks, &probe.resources()[0], &index))
        };
        let instance = |properties: Value| {
            Resource::raw("Vm".to_owned(), "AWS::EC2::Instance".to_owned(), properties)
        };
        let imported = json!({ "Fn::ImportValue": "net:Public:Ref" });
        let fails = |o: Outcome, says: &str| matches!(o, Outcome::Fail(f) if f.contains(says));
        // c2: an instance in the imported public subnet; the same subnet mapping none passes.
        assert!(fails(
            judge(
                &network(json!(true)),
                instance(json!({ "SubnetId": imported })),
                Vec::new()
            ),
            "subnet `net/Public` maps public addresses"
        ));
        assert!(fails(
            judge(
                &network(json!("true")),
                instance(json!({ "SubnetId": imported })),
                Vec::new()
            ),
            "`net/Public`"
        ));
        assert!(fails(
            judge(
                &network(json!({ "Ref": "Maps" })),
                instance(json!({ "SubnetId": imported })),
                Vec::new()
            ),
            "may map public addresses"
        ));
        for private in [
            json!(false),
            json!("false"),
            json!({ "Ref": "AWS::NoValue" }),
        ] {
            assert!(matches!(
                judge(
                    &network(private.clone()),
                    instance(json!({ "SubnetId": imported })),
                    Vec::new()
                ),
                Outcome::Pass(_)
            ));
        }
        // Declined on the interface: the public subnet gives no address.
        let declining = |subnet: Value, declined: Value| json!({ "NetworkInterfaces": [{ "DeviceIndex": "0", "SubnetId": subnet, "AssociatePublicIpAddress": declined }] });
        for declined in [json!(false), json!("false")] {
            assert!(matches!(
                judge(
                    &network(json!(true)),
                    instance(declining(imported.clone(), declined)),
                    Vec::new()
                ),
                Outcome::Pass(_)
            ));
        }
        // The parameter that carries the subnet from a stack of another region.
        let carried = vec![Parameter {
            name: "Public".to_owned(),
            stack: "net".to_owned(),
            region: Some("us-west-2".to_owned()),
        }];
        assert!(fails(
            judge(
                &network(json!(true)),
                instance(json!({ "SubnetId": { "Ref": "Public" } })),
                carried
            ),
            "`net/Public`"
        ));
        // c1 and its kin: subnets outside the app, unless every interface declines.
        let outside = [
            json!("subnet-0123456789abcdef0"),
            json!({ "Ref": "SubnetParameter" }),
            json!({ "Fn::ImportValue": "other-app:Subnet" }),
            json!("{{resolve:ssm:/app/subnet}}"),
        ];
        for subnet in &outside {
            assert!(
                fails(
                    judge(
                        &network(json!(false)),
                        instance(json!({ "SubnetId": subnet })),
                        Vec::new()
                    ),
                    "no subnet of a stack of the app"
                ),
                "{subnet}"
            );
            for declined in [json!(true), json!({ "Ref": "AWS::NoValue" })] {
                assert!(
                    matches!(
                        judge(
                            &network(json!(false)),
                            instance(declining(subnet.clone(), declined.clone())),
                            Vec::new()
                        ),
                        Outcome::Fail(_)
                    ),
                    "{subnet} {declined}"
                );
            }
            assert!(
                matches!(
                    judge(
                        &network(json!(false)),
                        instance(declining(subnet.clone(), json!(false))),
                        Vec::new()
                    ),
                    Outcome::Pass(_)
                ),
                "{subnet}"
            );
        }
        // An instance that takes its subnet from its launch template.
        let from_template = |interfaces: Value| {
            let probe = Template {
                description: String::new(),
                parameters: Vec::new(),
                resources: vec![
                    instance(
                        json!({ "LaunchTemplate": { "LaunchTemplateId": { "Ref": "Lt" }, "Version": { "Fn::GetAtt": ["Lt", "LatestVersionNumber"] } } }),
                    ),
                    template(Some(interfaces)),
                ],
                outputs: Vec::new(),
            };
            let net = network(json!(true));
            let stacks = [("probe", &probe), ("net", &net)];
            let index = super::super::Index::new(&stacks);
            e5(&Cx::in_first(&stacks, &probe.resources()[0], &index))
        };
        assert!(fails(
            from_template(json!([{ "DeviceIndex": 0, "SubnetId": imported }])),
            "launch template `Lt`: subnet `net/Public` maps"
        ));
        assert!(fails(
            from_template(json!([{ "DeviceIndex": 0, "SubnetId": "subnet-0123456789abcdef0" }])),
            "no subnet of a stack of the app"
        ));
        assert!(matches!(
            from_template(
                json!([{ "DeviceIndex": 0, "SubnetId": "subnet-0123456789abcdef0", "AssociatePublicIpAddress": false }])
            ),
            Outcome::Pass(_)
        ));
        // c3: an Auto Scaling group into the imported public subnet, or one outside the app,
        // from a launch template that does not decline; declined, it holds.
        let group = |subnet: Value| {
            Resource::raw(
                "Asg".to_owned(),
                GROUP.to_owned(),
                json!({ "MinSize": "1", "MaxSize": "2", "VPCZoneIdentifier": [subnet], "LaunchTemplate": { "LaunchTemplateId": { "Ref": "Lt" }, "Version": { "Fn::GetAtt": ["Lt", "LatestVersionNumber"] } } }),
            )
        };
        assert!(fails(
            judge(&network(json!(true)), group(imported.clone()), Vec::new()),
            "net/Public"
        ));
        assert!(matches!(
            judge(&network(json!(false)), group(imported.clone()), Vec::new()),
            Outcome::Pass(_)
        ));
        for subnet in &outside {
            assert!(
                fails(
                    judge(&network(json!(false)), group(subnet.clone()), Vec::new()),
                    "no subnet of a stack of the app"
                ),
                "{subnet}"
            );
        }
        let declined_group = |subnet: Value| {
            let probe = Template {
                description: String::new(),
                parameters: Vec::new(),
                resources: vec![
                    group(subnet),
                    template(Some(
                        json!([{ "DeviceIndex": 0, "AssociatePublicIpAddress": false }]),
                    )),
                ],
                outputs: Vec::new(),
            };
            let net = network(json!(true));
            let stacks = [("probe", &probe), ("net", &net)];
            let index = super::super::Index::new(&stacks);
            e5(&Cx::in_first(&stacks, &probe.resources()[0], &index))
        };
        assert!(matches!(
            declined_group(json!("subnet-0123456789abcdef0")),
            Outcome::Pass(_)
        ));
        assert!(matches!(declined_group(imported.clone()), Outcome::Pass(_)));
        // A node group and a Batch compute environment in a subnet outside the app.
        let node_group = |subnet: Value| {
            Resource::raw(
                "Ng".to_owned(),
                NODEGROUP.to_owned(),
                json!({ "ClusterName": "c", "NodeRole": "r", "Subnets": [subnet] }),
            )
        };
        assert!(fails(
            judge(
                &network(json!(false)),
                node_group(json!("subnet-0a1b2c3d4e5f60718")),
                Vec::new()
            ),
            "no subnet of a stack of the app"
        ));
        assert!(fails(
            judge(
                &network(json!(true)),
                node_group(imported.clone()),
                Vec::new()
            ),
            "net/Public"
        ));
        assert!(matches!(
            judge(
                &network(json!(false)),
                node_group(imported.clone()),
                Vec::new()
            ),
            Outcome::Pass(_)
        ));
        let batch = Resource::raw(
            "Ce".to_owned(),
            BATCH.to_owned(),
            json!({ "Type": "MANAGED", "ComputeResources": { "Type": "EC2", "MaxvCpus": 4, "Subnets": [{ "Ref": "SubnetParameter" }], "InstanceTypes": ["m5.large"] } }),
        );
        assert!(fails(
            judge(&network(json!(false)), batch, Vec::new()),
            "no subnet of a stack of the app"
        ));
        // A Spot Fleet's inline specification.
        let fleet = |subnet: Value, declined: Option<bool>| {
            let mut spec = json!({ "ImageId": "ami-0123456789abcdef0", "SubnetId": subnet });
            if let Some(d) = declined {
                spec = json!({ "ImageId": "ami-0123456789abcdef0", "NetworkInterfaces": [{ "DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": d }] });
            }
            Resource::raw(
                "Fleet".to_owned(),
                SPOT_FLEET.to_owned(),
                json!({ "SpotFleetRequestConfigData": { "IamFleetRole": "arn:aws:iam::111122223333:role/fleet", "TargetCapacity": 1, "LaunchSpecifications": [spec] } }),
            )
        };
        assert!(fails(
            judge(
                &network(json!(true)),
                fleet(imported.clone(), None),
                Vec::new()
            ),
            "net/Public"
        ));
        assert!(fails(
            judge(
                &network(json!(false)),
                fleet(json!("subnet-0123456789abcdef0"), None),
                Vec::new()
            ),
            "no subnet of a stack of the app"
        ));
        assert!(matches!(
            judge(
                &network(json!(true)),
                fleet(json!("subnet-0123456789abcdef0"), Some(false)),
                Vec::new()
            ),
            Outcome::Pass(_)
        ));
        assert!(matches!(
            judge(&network(json!(false)), fleet(imported, None), Vec::new()),
            Outcome::Pass(_)
        ));
    }

    #[test]
    fn gathered_names_leave_out_what_a_sub_defines_itself() {
        let defined = json!({ "Fn::Sub": ["${A}/${B.Arn}", { "A": { "Ref": "Z" } }] });
        let named = Mentioned::of(&defined);
        assert!(!named.names("A") && named.names("B") && named.names("Z"));
        let listed = json!({ "Fn::Sub": ["${A}", ["A"]] });
        assert!(Mentioned::of(&listed).names("A"));
        let unclosed = json!([{ "Fn::Sub": "${A" }, { "Fn::GetAtt": "B.Arn" }]);
        assert!(!Mentioned::of(&unclosed).names("A") && Mentioned::of(&unclosed).names("B"));
        // An id that is not a logical id is read the long way, as `mentions` reads it.
        assert!(Mentioned::of(&json!({ "Fn::Sub": "${a.b}" })).names("a.b"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Names gathered in one pass agree with `mentions` for every id, on values built
        /// from the intrinsics that name resources, nested in lists and objects.
        #[test]
        fn gathered_names_agree_with_mentions(
            value in mention_values(),
            id in "A|B|AB|a.b|A}",
        ) {
            proptest::prop_assert_eq!(Mentioned::of(&value).names(&id), mentions(&value, &id));
        }

        /// The resources of a template that a value names, looked up by id in the index,
        /// are those `mentions` finds reading every resource: with a logical id written
        /// twice, and in a template with an id that is not letters and digits (read the
        /// long way).
        #[test]
        fn the_resources_a_value_names_are_found_by_id_as_by_reading_each(
            value in mention_values(),
            odd in proptest::prelude::any::<bool>(),
        ) {
            use crate::cfn::Resource;
            use crate::compliance::rules::Index;
            let mut ids = vec!["Self", "A", "B", "AB", "B", "C"];
            if odd {
                ids.push("a.b");
            }
            let template = crate::testing::buckets_with_ids(&ids);
            let stacks = [("s", &template)];
            let index = Index::new(&stacks);
            let cx = Cx::in_first(&stacks, &template.resources()[0], &index);
            let mut found: Vec<*const Resource> = cx
                .resources_named(&Mentioned::of(&value))
                .into_iter()
                .map(std::ptr::from_ref)
                .collect();
            found.sort_unstable();
            let mut read: Vec<*const Resource> = template
                .resources()
                .iter()
                .filter(|r| mentions(&value, r.logical_id()))
                .map(std::ptr::from_ref)
                .collect();
            read.sort_unstable();
            proptest::prop_assert_eq!(found, read);
        }
    }

    /// The text of an `Fn::Sub`: variables (`${A}`, `${A.Arn}`, `${!A}`, an unclosed `${A`)
    /// among other characters, over the few names the test asks about.
    fn sub_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            "A|B|a.b".prop_map(|n| format!("${{{n}}}")),
            ("A|B", "[A-Za-z]{0,3}").prop_map(|(n, a)| format!("${{{n}.{a}}}")),
            "A|B".prop_map(|n| format!("${{!{n}}}")),
            "A|B".prop_map(|n| format!("${{{n}")),
            "[-x/$}{.A]{1,3}",
        ];
        proptest::collection::vec(piece, 0..4).prop_map(|pieces| pieces.concat())
    }

    fn mention_values() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let name = "A|B|AB|a.b";
        let leaf = prop_oneof![
            name.prop_map(|n| json!({ "Ref": n })),
            (name, "[A-Za-z]{0,3}").prop_map(|(n, a)| json!({ "Fn::GetAtt": [n, a] })),
            (name, "[A-Za-z.]{0,3}").prop_map(|(n, a)| json!({ "Fn::GetAtt": format!("{n}{a}") })),
            sub_text().prop_map(|t| json!({ "Fn::Sub": t })),
            (sub_text(), name).prop_map(|(t, v)| json!({ "Fn::Sub": [t, { v: { "Ref": "Z" } }] })),
            (sub_text(), name).prop_map(|(t, v)| json!({ "Fn::Sub": [t, [v]] })),
            name.prop_map(|n| json!(n)),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec(("[A-Z][a-z]{0,3}", inner), 0..3)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn a_sub_names_a_resource_only_as_a_whole_variable() {
        assert!(sub_names("a/${Data}", "Data"));
        assert!(sub_names("${Data.Arn}/x", "Data"));
        assert!(sub_names("${${Data}", "Data"));
        assert!(!sub_names("${DataKey}", "Data"));
        assert!(!sub_names("${!Data}", "Data"));
        assert!(!sub_names("$Data}", "Data"));
        assert!(!sub_names("${Data", "Data"));
        assert!(!sub_names("${Dat}", "Data"));
    }

    #[test]
    fn mentions_finds_references_in_intrinsics() {
        let id = "Data";
        assert!(mentions(&json!({ "Ref": "Data" }), id));
        assert!(mentions(&json!({ "Fn::GetAtt": ["Data", "Arn"] }), id));
        assert!(mentions(&json!({ "Fn::GetAtt": "Data.Arn" }), id));
        assert!(mentions(
            &json!({ "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:volume/${Data}" }),
            id
        ));
        assert!(mentions(
            &json!({ "Fn::Join": [":", ["arn", { "Ref": "AWS::Partition" }, "ec2", { "Ref": "Data" }]] }),
            id
        ));
        assert!(mentions(
            &json!({ "Fn::Sub": ["arn:aws:ec2:::volume/${V}", { "V": { "Ref": "Data" } }] }),
            id
        ));
        assert!(!mentions(
            &json!({ "Fn::Sub": ["volume/${Data}", { "Data": "vol-0123456789abcdef0" }] }),
            id
        ));
        assert!(mentions(
            &json!({ "Fn::Sub": ["volume/${Data}", { "Other": "x" }] }),
            id
        ));
        assert!(!mentions(&json!({ "Ref": "DataBackup" }), id));
        assert!(!mentions(&json!({ "Fn::Sub": "volume/${DataBackup}" }), id));
        assert!(!mentions(
            &json!("arn:aws:ec2:us-east-1:123456789012:volume/Data"),
            id
        ));
    }

    /// A security configuration whose document (an object) sets `encryption`, keyed by
    /// `Key` of the template.
    fn emr_encryption() -> Value {
        json!({
            "EnableAtRestEncryption": true,
            "EnableInTransitEncryption": true,
            "InTransitEncryptionConfiguration": {"TLSCertificateConfiguration": {
                "CertificateProviderType": "PEM", "S3Object": "s3://certs/certs.zip"}},
            "AtRestEncryptionConfiguration": {
                "S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS",
                    "AwsKmsKey": {"Fn::GetAtt": ["Key", "Arn"]}},
                "LocalDiskEncryptionConfiguration": {"EncryptionKeyProviderType": "AwsKms",
                    "AwsKmsKey": {"Fn::GetAtt": ["Key", "Arn"]}, "EnableEbsEncryption": true}
            }
        })
    }

    /// EMR1 on a cluster whose `SecurityConfiguration` is `named`, beside a security
    /// configuration `Sec` whose document is `document` and a KMS key `Key`.
    fn emr1_of(named: Option<Value>, document: Value) -> Outcome {
        let mut cluster = json!({"Name": "etl", "ReleaseLabel": "emr-7.1.0",
            "JobFlowRole": "r", "ServiceRole": "s", "Instances": {}});
        if let Some(named) = named {
            cluster["SecurityConfiguration"] = named;
        }
        Cx::check_first(
            emr1,
            &[
                ("Emr", EMR_CLUSTER, cluster),
                (
                    "Sec",
                    EMR_SECURITY_CONFIGURATION,
                    json!({"SecurityConfiguration": document}),
                ),
                ("Key", "AWS::KMS::Key", json!({"EnableKeyRotation": true})),
                ("Topic", "AWS::SNS::Topic", json!({})),
            ],
        )
    }

    /// The hostile review p2: an EMR cluster was read only for IMDSv2 (E4), so one whose
    /// security configuration turns on no encryption passed every rule. EMR1 asks its
    /// security configuration of the app to encrypt S3 data and local disks (root volumes
    /// included) with keys of the app, and traffic in transit.
    #[test]
    fn an_emr_cluster_encrypts_at_rest_and_in_transit_with_keys_of_the_app() {
        let sec = || Some(json!({"Ref": "Sec"}));
        let passes = |o: Outcome| matches!(o, Outcome::Pass(_));
        let fails = |o: &Outcome, says: &str| matches!(o, Outcome::Fail(f) if f.contains(says));
        let whole = json!({"EncryptionConfiguration": emr_encryption()});
        assert!(passes(emr1_of(sec(), whole.clone())));
        // CSE-KMS, and a document written as JSON text naming the key by alias.
        let mut cse = whole.clone();
        cse["EncryptionConfiguration"]["AtRestEncryptionConfiguration"]["S3EncryptionConfiguration"]
            ["EncryptionMode"] = json!("CSE-KMS");
        assert!(passes(emr1_of(sec(), cse)));
        let mut text = whole.clone();
        for at in [
            "S3EncryptionConfiguration",
            "LocalDiskEncryptionConfiguration",
        ] {
            text["EncryptionConfiguration"]["AtRestEncryptionConfiguration"][at]["AwsKmsKey"] =
                json!("alias/phi");
        }
        let written = text.to_string();
        assert!(passes(emr1_of(sec(), json!(written.clone()))));
        // The same text with a key written twice is not shown to be what EMR reads.
        let twice = written.replacen(
            "\"EnableAtRestEncryption\":true",
            "\"EnableAtRestEncryption\":true,\"EnableAtRestEncryption\":false",
            1,
        );
        assert_ne!(twice, written);
        assert!(fails(&emr1_of(sec(), json!(twice)), "more than once"));
        // The probe: a configuration for IMDSv2 alone.
        let imds = json!({"InstanceMetadataServiceConfiguration": {
            "MinimumInstanceMetadataServiceVersion": 2, "HttpPutResponseHopLimit": 1}});
        let found = emr1_of(sec(), imds);
        assert!(fails(&found, "EnableAtRestEncryption"), "{found:?}");
        assert!(fails(&found, "EnableInTransitEncryption"), "{found:?}");
        // No configuration, one named as text (no configuration of the app), another resource.
        for named in [
            None,
            Some(json!("emr-default")),
            Some(json!({"Ref": "Topic"})),
        ] {
            let found = emr1_of(named.clone(), whole.clone());
            assert!(matches!(found, Outcome::Fail(_)), "{named:?}: {found:?}");
        }
        // Each setting that falls short.
        let at_rest = "/EncryptionConfiguration/AtRestEncryptionConfiguration";
        for (pointer, value, says) in [
            (
                "/EncryptionConfiguration/EnableAtRestEncryption",
                json!(false),
                "EnableAtRestEncryption",
            ),
            (
                "/EncryptionConfiguration/EnableInTransitEncryption",
                json!("false"),
                "EnableInTransitEncryption",
            ),
            (
                &format!("{at_rest}/S3EncryptionConfiguration/EncryptionMode") as &str,
                json!("SSE-S3"),
                "SSE-S3",
            ),
            (
                &format!("{at_rest}/S3EncryptionConfiguration/EncryptionMode"),
                json!("CSE-Custom"),
                "CSE-CUSTOM",
            ),
            (
                &format!("{at_rest}/S3EncryptionConfiguration/AwsKmsKey"),
                json!("alias/aws/s3"),
                "AWS-managed",
            ),
            (
                &format!("{at_rest}/S3EncryptionConfiguration/AwsKmsKey"),
                json!({"Ref": "Topic"}),
                "AwsKmsKey",
            ),
            (
                &format!("{at_rest}/LocalDiskEncryptionConfiguration/EncryptionKeyProviderType"),
                json!("Custom"),
                "not AwsKms",
            ),
            (
                &format!("{at_rest}/LocalDiskEncryptionConfiguration/AwsKmsKey"),
                json!(null),
                "AwsKmsKey` is not set",
            ),
            (
                &format!("{at_rest}/LocalDiskEncryptionConfiguration/EnableEbsEncryption"),
                json!(false),
                "root device",
            ),
        ] {
            let mut document = whole.clone();
            *document
                .pointer_mut(pointer)
                .expect("a setting of the document") = value.clone();
            let found = emr1_of(sec(), document);
            assert!(fails(&found, says), "{pointer} = {value}: {found:?}");
        }
    }

    /// The hostile review p2: E5 reads where an EMR cluster launches its instances, as it
    /// reads an instance's subnet: a private subnet of the app passes; a subnet no stack of
    /// the app declares (an id written as text), one that maps public addresses, or none
    /// (the default VPC) fails.
    #[test]
    fn an_emr_cluster_launches_into_private_subnets_of_the_app() {
        let judge = |instances: Value| {
            Cx::check_first(
                e5,
                &[
                    (
                        "Emr",
                        EMR_CLUSTER,
                        json!({"Name": "etl", "ReleaseLabel": "emr-7.1.0", "JobFlowRole": "r",
                            "ServiceRole": "s", "Instances": instances}),
                    ),
                    (
                        "Private",
                        "AWS::EC2::Subnet",
                        json!({"VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "MapPublicIpOnLaunch": false}),
                    ),
                    (
                        "Public",
                        "AWS::EC2::Subnet",
                        json!({"VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24", "MapPublicIpOnLaunch": true}),
                    ),
                ],
            )
        };
        for passes in [
            json!({"Ec2SubnetId": {"Ref": "Private"}}),
            json!({"Ec2SubnetIds": [{"Ref": "Private"}]}),
        ] {
            let found = judge(passes.clone());
            assert!(matches!(found, Outcome::Pass(_)), "{passes}: {found:?}");
        }
        for (instances, says) in [
            (
                json!({"Ec2SubnetId": "subnet-0123456789abcdef0"}),
                "subnet-0123456789abcdef0",
            ),
            (
                json!({"Ec2SubnetIds": [{"Ref": "Private"}, "subnet-0123456789abcdef0"]}),
                "subnet-0123456789abcdef0",
            ),
            (
                json!({"Ec2SubnetId": {"Ref": "Public"}}),
                "map public addresses",
            ),
            (json!({}), "default VPC"),
            (
                json!({"Ec2SubnetIds": {"Ref": "Subnets"}}),
                "known only at deploy",
            ),
        ] {
            let found = judge(instances.clone());
            assert!(
                matches!(&found, Outcome::Fail(f) if f.contains(says)),
                "{instances}: {found:?}"
            );
        }
    }

    /// The hostile review p2: an EKS managed node group whose `ClusterName` is text naming
    /// no cluster of the app, or whose `RemoteAccess` admits SSH from a security group
    /// written as an id, passed every rule. E5 asks both of the app, as it asks subnets.
    #[test]
    fn a_node_group_joins_a_cluster_and_admits_ssh_from_groups_of_the_app() {
        let judge = |cluster: Value, groups: Option<Value>| {
            let mut group = json!({"ClusterName": cluster, "NodeRole": "r",
                "Subnets": [{"Ref": "Private"}]});
            if let Some(groups) = groups {
                group["RemoteAccess"] = json!({"Ec2SshKey": "ops", "SourceSecurityGroups": groups});
            }
            Cx::check_first(
                e5,
                &[
                    ("Ng", NODEGROUP, group),
                    (
                        "Private",
                        "AWS::EC2::Subnet",
                        json!({"VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "MapPublicIpOnLaunch": false}),
                    ),
                    (
                        "Records",
                        "AWS::EKS::Cluster",
                        json!({"Name": "records", "RoleArn": "r", "ResourcesVpcConfig": {}}),
                    ),
                    (
                        "Bastion",
                        "AWS::EC2::SecurityGroup",
                        json!({"GroupDescription": "bastion", "VpcId": "vpc-1"}),
                    ),
                    ("Topic", "AWS::SNS::Topic", json!({})),
                ],
            )
        };
        let own = json!({"Ref": "Records"});
        for (cluster, groups) in [
            (own.clone(), None),
            (json!("records"), None),
            (own.clone(), Some(json!([{"Ref": "Bastion"}]))),
            (
                own.clone(),
                Some(json!([{"Fn::GetAtt": ["Bastion", "GroupId"]}])),
            ),
        ] {
            let found = judge(cluster.clone(), groups.clone());
            assert!(
                matches!(found, Outcome::Pass(_)),
                "{cluster} {groups:?}: {found:?}"
            );
        }
        for (cluster, groups, says) in [
            (json!("legacy-prod"), None, "ClusterName"),
            (json!({"Ref": "Topic"}), None, "ClusterName"),
            (json!({"Fn::Sub": "${Records}-old"}), None, "ClusterName"),
            (
                own.clone(),
                Some(json!(["sg-0123456789abcdef0"])),
                "no security group of the app",
            ),
            (
                own.clone(),
                Some(json!([{"Ref": "Bastion"}, {"Ref": "Topic"}])),
                "SourceSecurityGroups.1",
            ),
            (
                own.clone(),
                Some(json!([])),
                "without `SourceSecurityGroups`",
            ),
        ] {
            let found = judge(cluster.clone(), groups.clone());
            assert!(
                matches!(&found, Outcome::Fail(f) if f.contains(says)),
                "{cluster} {groups:?}: {found:?}"
            );
        }
    }
}
