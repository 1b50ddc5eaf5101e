//! [`SecureInstance`]: an EC2 instance in a private subnet, with encrypted volumes, IMDSv2
//! only, an instance profile, detailed monitoring, and user data that cannot carry a secret.

use std::marker::PhantomData;

use crate::app::node::IntoNode;
use crate::app::node::{Node, RenderCx, Used, resolve_target};
use crate::app::{Arena, Attr, Handle, Id, Name, Reference, Target};
use crate::cfn::ec2::{
    Base64, BlockDeviceMapping, Ebs, Instance, LaunchTemplate, LaunchTemplateData,
    LaunchTemplateSpecification, MetadataOptions, MonitoringEnabled,
};
use crate::cfn::iam::InstanceProfile;
use crate::cfn::{Expr, Resource};
use crate::constructs::security_group::{aws_id, rendered_property};
use crate::constructs::{
    Construct, EncryptionKey, KeyChosen, KmsKey, NoKey, NoNetwork, Role, SecureVpc, SecurityGroup,
    VpcTier,
};

/// The most user data EC2 accepts, before base64.
const MAX_USER_DATA: usize = hipaa_stack_syntax::MAX_USER_DATA_BYTES;

// ---------------------------------------------------------------------------------------
// The image and the user data.
// ---------------------------------------------------------------------------------------

/// The machine image an instance boots: an SSM parameter that names the image (resolved by
/// CloudFormation on every deploy) or an image id. Checked when the instance is added.
///
/// ```
/// use hipaa_stack::Ami;
/// let latest = Ami::ssm_parameter("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
/// let pinned = Ami::id("ami-0123456789abcdef0");
/// # let _ = (latest, pinned);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ami(AmiKind);

/// The device names EC2 reserves for the root volume of an HVM image: "Reserved for root
/// volume: Differs by AMI. /dev/sda1 or /dev/xvda" (Amazon EC2 User Guide, "Device names
/// for volumes on Amazon EC2 instances"). An image's root volume is encrypted only when the
/// block device mapping names it (AWS Knowledge Center, "set the properties of the root
/// volume ... you must identify the device name of the root volume for your AMI"); a
/// mapping of any other name adds an extra volume and leaves the root volume as the image
/// made it, unencrypted when its snapshot is. `/dev/sda`, the root of some older images, is
/// taken too, as rule E1 takes it of a raw launch template.
pub(crate) const ROOT_DEVICES: [&str; 3] = ["/dev/xvda", "/dev/sda1", "/dev/sda"];

/// The root device assumed for an image whose family is not known: Amazon Linux's.
pub(crate) const DEFAULT_ROOT_DEVICE: &str = "/dev/xvda";

/// The public parameters of AWS whose images' root device is known, by prefix.
const KNOWN_ROOT_DEVICES: [(&str, &str); 3] = [
    ("/aws/service/ami-amazon-linux-latest/", "/dev/xvda"),
    ("/aws/service/canonical/ubuntu/", "/dev/sda1"),
    ("/aws/service/ami-windows-latest/", "/dev/sda1"),
];

/// The root device of an instance of `ami`: the one the program gave, or else the image
/// family's, or else Amazon Linux's.
pub(crate) fn root_device_of(ami: &Ami, given: Option<String>) -> String {
    given.unwrap_or_else(|| {
        ami.known_root_device()
            .unwrap_or(DEFAULT_ROOT_DEVICE)
            .to_owned()
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum AmiKind {
    Parameter(String),
    Id(String),
}

impl Ami {
    /// The image named by the SSM parameter `name`, e.g. AWS's public parameter
    /// `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`. It is read
    /// through a dynamic reference (`{{resolve:ssm:…}}`) on every deploy, so a new image
    /// replaces the instance; pin an [`Ami::id`] to control when. Only AWS's public
    /// parameters of Amazon Linux (but its instance-store `-s3` and paravirtual `-pv-`
    /// images, refused when the instance is added), Ubuntu (Canonical's `…/hvm/ebs-…/`
    /// parameters) and Windows deploy: their images' root device is known; `preview` and
    /// `up` refuse another parameter, whose image they cannot read before deploy (see
    /// [`SecureInstance`]'s secure defaults).
    pub fn ssm_parameter(name: impl Into<String>) -> Self {
        Ami(AmiKind::Parameter(name.into()))
    }

    /// The image `ami-…` (8 or 17 hexadecimal digits). `preview` and `up` read it
    /// (`ec2:DescribeImages`) and refuse it unless its root device is the one the instance
    /// maps encrypted and its other volumes are encrypted (see [`SecureInstance`]).
    pub fn id(id: impl Into<String>) -> Self {
        Ami(AmiKind::Id(id.into()))
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        match &self.0 {
            AmiKind::Id(id) if !aws_id(id, "ami-") => Err(format!(
                "`{id}` is not an image id; they look like `ami-0123456789abcdef0`"
            )),
            AmiKind::Parameter(name)
                if name.is_empty()
                    || name.len() > 2048
                    || (name.contains('/') && !name.starts_with('/'))
                    || !name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_.-/".contains(&b)) =>
            {
                Err(format!(
                    "`{name}` is not an SSM parameter name; they look like `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`"
                ))
            }
            _ => Ok(()),
        }
    }

    /// The root device of the images an AWS public parameter of a known family names:
    /// Amazon Linux maps its root volume at `/dev/xvda`, Ubuntu (Canonical's parameters)
    /// and Windows at `/dev/sda1`, the two names EC2 reserves for the root volume of an
    /// HVM image (Amazon EC2 User Guide, "Device names for volumes"). `None` for an image
    /// id or another parameter, whose root device only the program knows, and for the
    /// parameters of a known family that name no EBS-backed HVM image
    /// ([`Ami::family_problem`]; Canonical's outside `…/hvm/ebs-…/`, whose images may be
    /// instance-store-backed or paravirtual).
    pub(crate) fn known_root_device(&self) -> Option<&'static str> {
        let AmiKind::Parameter(name) = &self.0 else {
            return None;
        };
        if self.family_problem().is_some() {
            return None;
        }
        let (prefix, device) = KNOWN_ROOT_DEVICES
            .iter()
            .find(|(prefix, _)| name.starts_with(prefix))?;
        if *prefix == "/aws/service/canonical/ubuntu/" && !name.contains("/hvm/ebs-") {
            return None;
        }
        Some(*device)
    }

    /// Why the images an Amazon Linux parameter names cannot boot a root volume encrypted
    /// with the instance's key. hostile review 19: every `/aws/service/ami-amazon-linux-latest/`
    /// parameter was taken for an EBS-backed image with its root at `/dev/xvda`, but AWS
    /// publishes there `amzn-ami-hvm-x86_64-s3`, `amzn-ami-minimal-hvm-x86_64-s3`,
    /// `amzn-ami-pv-x86_64-s3` and `amzn-ami-minimal-pv-x86_64-s3`, images backed by
    /// instance store (their root volume is instance store, which no key of the account
    /// encrypts: Amazon EC2 User Guide, "Root volumes for your Amazon EC2 instances"), and
    /// `amzn-ami-pv-x86_64-ebs`, `amzn-ami-minimal-pv-x86_64-ebs`, paravirtual images whose
    /// root device is `/dev/sda1` ("Device names for volumes": paravirtual, "Reserved for
    /// root volume: /dev/sda1").
    fn family_problem(&self) -> Option<String> {
        let AmiKind::Parameter(name) = &self.0 else {
            return None;
        };
        let image = name.strip_prefix("/aws/service/ami-amazon-linux-latest/")?;
        if image.ends_with("-s3") {
            Some(format!(
                "the parameter `{name}` names an Amazon Linux image backed by instance store (`-s3`), whose root volume no key of the account encrypts (HIPAA §164.312(a)(2)(iv)); use an EBS-backed image, such as `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`"
            ))
        } else if image.contains("-pv-") {
            Some(format!(
                "the parameter `{name}` names a paravirtual Amazon Linux image, whose root device is `/dev/sda1` and which current instance types do not run; use an HVM image, such as `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`"
            ))
        } else {
            None
        }
    }

    pub(crate) fn image_id(&self) -> String {
        match &self.0 {
            AmiKind::Parameter(name) => format!("{{{{resolve:ssm:{name}}}}}"),
            AmiKind::Id(id) => id.clone(),
        }
    }
}

/// Text that may go into user data: only a [`UserDataText`], made by `user_data!(..)`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be user data text",
    label = "write the script with `user_data!(\"..\")` or `user_data!(include_str!(\"boot.sh\"))`, and put values in with `.reference(handle.arn())`",
    note = "HIPAA 45 CFR §164.312(a)(1) and §164.312(a)(2)(iv): user data is stored in the template and readable by anyone who may describe the instance, so it never carries a secret; text made at run time could, so only text checked at compile time and typed references are accepted. Fetch secrets at boot from Secrets Manager, by ARN"
)]
pub trait ScriptText: sealed::Text {}

impl ScriptText for UserDataText {}

/// Text of an instance's user data, checked when the program is compiled: made only by
/// `user_data!("…")` or `user_data!(include_str!("boot.sh"))`, never from text made at run
/// time, and refused if it holds a dynamic reference (`{{resolve:…}}`), a private key, an
/// access key id or a literal password, secret or token.
///
/// ```
/// use hipaa_stack::user_data;
/// let text = user_data!("#!/bin/bash\ndnf -y update\n");
/// assert!(text.as_str().starts_with("#!/bin/bash"));
/// ```
///
/// A literal password does not compile:
///
/// ```compile_fail
/// let _ = hipaa_stack::user_data!("export PGPASSWORD=hunter2\n");
/// ```
///
/// Neither does text made at run time:
///
/// ```compile_fail
/// let password = std::env::var("DB_PASSWORD").unwrap();
/// let _ = hipaa_stack::user_data!(format!("export PGPASSWORD={password}").leak());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserDataText(&'static str);

/// Where `user_data!` puts its text: an associated constant, so the text is known when the
/// program is compiled, whoever implements this (a `String::leak`ed at run time is no
/// constant). [`UserDataText::__from_source`] checks it in const evaluation.
#[doc(hidden)]
pub trait __UserDataSource {
    /// The text, a constant.
    const TEXT: &'static str;
}

impl UserDataText {
    /// The only way in, which `user_data!` expands to: the text of `S` is a constant and is
    /// checked in const evaluation, so text that may carry a secret does not build, and no
    /// text made at run time can reach a template through it.
    #[doc(hidden)]
    // The check of a piece EC2 could run (at most 16 KiB) may outlast rustc's default budget
    // for a constant's evaluation (measured: shell past about 34 KB, PowerShell past about
    // 20 KB); it is bounded by that length, so it may take longer (rustc warns) but not fail.
    #[allow(long_running_const_eval)]
    pub const fn __from_source<S: __UserDataSource>() -> Self {
        const {
            if let Some(rule) = hipaa_stack_syntax::user_data_piece_problem(S::TEXT) {
                ::core::panic!("{}", rule);
            }
        }
        UserDataText(S::TEXT)
    }

    /// Why `text` may not be user data, if it may not: the check `user_data!` expands to in
    /// a `const` item, so that `cargo check` refuses what `cargo build` refuses. A pure
    /// function: it makes no `UserDataText`.
    #[doc(hidden)]
    pub const fn __problem(text: &str) -> Option<&'static str> {
        hipaa_stack_syntax::user_data_piece_problem(text)
    }

    /// The text.
    pub const fn as_str(&self) -> &'static str {
        self.0
    }
}

/// The script an instance runs at first boot: string literals and typed references
/// (ARNs, names, ids of constructs), never text made at run time, so that it cannot carry a
/// secret. References become `${…}` of a `Fn::Sub`; a `${…}` written in the text stays as
/// it is (a shell variable).
///
/// Each piece of text is checked when the program is compiled; the pieces are checked again
/// joined, as the instance reads them, when the instance or group is added to a stack, so
/// that a name in one piece and its written value in the next
/// (`user_data!("export PGPASS")` then `.text(user_data!("WORD=…"))`) are refused there.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{UserData, user_data};
/// # let app = App::new("clinic");
/// # let stack = app.stack("clinic")?;
/// # let key = stack.add(KmsKey::new("PhiKey"))?;
/// # let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
/// let records = stack.add(SecureBucket::new("Records").encryption(&key).access_logs(&logs))?;
/// let boot = UserData::script(user_data!("#!/bin/bash\nset -euo pipefail\necho \"RECORDS_BUCKET="))
///     .reference(records.name())
///     .text(user_data!("\" >> /etc/environment\n"));
/// # let _ = boot;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// Text made at run time does not compile:
///
/// ```compile_fail
/// use hipaa_stack::UserData;
/// let password = std::env::var("DB_PASSWORD").unwrap();
/// let _ = UserData::script(format!("export PGPASSWORD={password}"));
/// ```
///
/// and neither does a leaked string:
///
/// ```compile_fail
/// use hipaa_stack::UserData;
/// let password = std::env::var("DB_PASSWORD").unwrap();
/// let _ = UserData::script(format!("export PGPASSWORD={password}").leak() as &'static str);
/// ```
#[derive(Debug, Clone)]
pub struct UserData {
    parts: Vec<Piece>,
}

#[derive(Debug, Clone)]
enum Piece {
    Text(&'static str),
    Reference(Target),
}

pub(crate) mod sealed {
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not user data text checked by hipaa-stack",
        label = "only `user_data!(..)` makes user data text",
        note = "`ScriptText` is sealed: HIPAA 45 CFR §164.312(a)(1) and §164.312(a)(2)(iv) (hipaa-stack rule P1): user data is readable by anyone who may describe the instance, so only text checked for secrets when the program is compiled is taken; write it with `user_data!(\"..\")` and put values in with `.reference(handle.arn())`"
    )]
    pub trait Text {
        fn text(self) -> &'static str;
    }

    impl Text for super::UserDataText {
        fn text(self) -> &'static str {
            self.0
        }
    }

    pub trait ChosenVpc {
        fn vpc(&self) -> crate::app::Handle<crate::constructs::SecureVpc>;
    }

    pub trait ChosenRole {
        fn role(&self) -> crate::app::Handle<crate::constructs::Role>;
    }

    pub trait ChosenGroup {}
}

impl UserData {
    /// A script starting with `text`, e.g. `user_data!("#!/bin/bash\n…")`.
    pub fn script(text: impl ScriptText) -> Self {
        UserData {
            parts: vec![Piece::Text(text.text())],
        }
    }

    /// Appends `text`, e.g. `user_data!("…")`.
    pub fn text(mut self, text: impl ScriptText) -> Self {
        self.parts.push(Piece::Text(text.text()));
        self
    }

    /// Appends the value of a typed reference (an ARN, a name, an id), resolved at deploy.
    pub fn reference<T>(mut self, value: Reference<T>) -> Self {
        self.parts.push(Piece::Reference(value.target));
        self
    }

    fn text_len(&self) -> usize {
        self.parts
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.len(),
                Piece::Reference(_) => 0,
            })
            .sum()
    }
}

// ---------------------------------------------------------------------------------------
// The states of the builder.
// ---------------------------------------------------------------------------------------

/// The state of an instance whose role has not been chosen yet.
///
/// Call `.role(&role)`; until then the instance cannot be added to a stack.
#[derive(Debug, Clone, Copy)]
pub struct NoRole;

/// The state of an instance that is behind no security group yet.
///
/// Call `.security_group(&group)`; until then the instance cannot be added to a stack.
#[derive(Debug, Clone, Copy)]
pub struct NoSecurityGroup;

/// Implemented by a chosen VPC: the state after `.network(&vpc)`.
#[diagnostic::on_unimplemented(
    message = "`{C}` has no private subnet",
    label = "call `.network(&vpc)` with a `SecureVpc` on this `{C}` before adding it to a stack",
    note = "HIPAA 45 CFR §164.312(a)(1) and §164.312(e)(1) (hipaa-stack rule E5): an instance that may handle PHI runs in a private subnet, without a public address; create the network with `stack.add(SecureVpc::new(\"Net\", cidr!(\"10.20.0.0/16\")).encryption(&key))?`"
)]
pub trait PrivateSubnetChosen<C>: sealed::ChosenVpc {}

impl<C> PrivateSubnetChosen<C> for Handle<SecureVpc> {}

impl sealed::ChosenVpc for Handle<SecureVpc> {
    fn vpc(&self) -> Handle<SecureVpc> {
        *self
    }
}

/// Implemented by a chosen role: the state after `.role(&role)`.
#[diagnostic::on_unimplemented(
    message = "`{C}` has no IAM role",
    label = "call `.role(&role)` on this `{C}` before adding it to a stack",
    note = "HIPAA 45 CFR §164.308(a)(4) and §164.312(a)(1) (hipaa-stack rule E6): an instance gets its permissions from an instance profile whose role has only the grants it needs; create one with `stack.add(Role::new(\"App\", ServicePrincipal::Ec2))?`"
)]
pub trait RoleChosen<C>: sealed::ChosenRole {}

impl<C> RoleChosen<C> for Handle<Role> {}

impl sealed::ChosenRole for Handle<Role> {
    fn role(&self) -> Handle<Role> {
        *self
    }
}

/// Implemented once a security group is chosen: the state after `.security_group(&group)`.
#[diagnostic::on_unimplemented(
    message = "`{C}` is behind no security group",
    label = "call `.security_group(&group)` on this `{C}` before adding it to a stack",
    note = "HIPAA 45 CFR §164.312(a)(1) and §164.312(e)(1) (hipaa-stack rules E10, E14): without one, EC2 puts the instance in the VPC's default security group, which admits everything from its members; create one with `stack.add(SecurityGroup::new(\"App\", &vpc))?`"
)]
pub trait SecurityGroupChosen<C>: sealed::ChosenGroup {}

impl<C> SecurityGroupChosen<C> for Handle<SecurityGroup> {}

impl sealed::ChosenGroup for Handle<SecurityGroup> {}

// ---------------------------------------------------------------------------------------
// The construct.
// ---------------------------------------------------------------------------------------

/// An EC2 instance that may handle PHI: in a private subnet of a [`SecureVpc`], behind
/// [`SecurityGroup`]s, with its volumes encrypted by a customer-managed key and its
/// permissions from a [`Role`].
///
/// It needs a customer-managed key ([`encryption`](SecureInstance::encryption)), a network
/// ([`network`](SecureInstance::network)), a role ([`role`](SecureInstance::role)) and at
/// least one security group ([`security_group`](SecureInstance::security_group)); without
/// any of them, [`Stack::add`](crate::Stack::add) does not compile.
///
/// What it creates (logical ids after the construct id `App`): `App` (the instance),
/// `AppLaunchTemplate` (the launch template it starts from) and `AppProfile` (the instance
/// profile of the role).
///
/// # Secure defaults
/// - Every block device encrypted with the customer key, written on the launch template
///   (E1, §164.312(a)(2)(iv)): the root volume, gp3, deleted with the instance, mapped at
///   the image's root device name (see [`root_device_name`](SecureInstance::root_device_name)).
///   The image's other volumes, if it maps any, are made from its snapshots as they are: use
///   an image that maps only its root volume, or the account's EBS encryption by default.
///   `preview` and `up` read an image given by [`Ami::id`] (`ec2:DescribeImages`) before they
///   create or update the stack, and refuse it when its `RootDeviceName` is not the mapped
///   device, its root is instance store, or it maps another volume from an unencrypted
///   snapshot while the account's EBS encryption by default (`ec2:GetEbsEncryptionByDefault`)
///   is off; they refuse an [`Ami::ssm_parameter`] other than AWS's public parameters of
///   Amazon Linux, Ubuntu and Windows, which they cannot read.
/// - Instance metadata only through IMDSv2 session tokens (`HttpTokens: required`), one
///   network hop, instance tags not exposed (E4, §164.312(a)(1)).
/// - In a private subnet of the VPC, with no public address (E5, E7); behind the given
///   security groups only, never the VPC's default group.
/// - Permissions from an instance profile of the role (E6); the role must trust
///   `ServicePrincipal::Ec2` (checked when the app is synthesized).
/// - Detailed monitoring and EBS optimization (E8, E9, §164.312(b)).
/// - User data of literals and typed references only ([`UserData`]): no secret in the
///   template.
/// - Not in a backup plan by itself: "in a backup plan" (E3) is shown as a gap until a
///   backup plan protects the instance.
///
/// The security groups and the VPC must be the same network (checked when the app is
/// synthesized).
///
/// # Options
/// - [`instance_type`](SecureInstance::instance_type). Default: `m6i.large`.
/// - [`availability_zone`](SecureInstance::availability_zone). Default: 0, the VPC's first
///   private subnet.
/// - [`root_volume_gib`](SecureInstance::root_volume_gib). Default: 30 GiB.
/// - [`root_device_name`](SecureInstance::root_device_name): `/dev/xvda` or `/dev/sda1`,
///   the image's. Default: the image family's for AWS's public parameters of Amazon Linux
///   (`/dev/xvda`), Ubuntu and Windows (`/dev/sda1`), else `/dev/xvda`.
/// - [`user_data`](SecureInstance::user_data). Default: none.
/// - [`security_group`](SecureInstance::security_group), again: more groups. Default: the
///   first one only.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{Ami, Role, SecureInstance, SecurityGroup, ServicePrincipal, UserData};
/// let app = App::new("clinic");
/// let stack = app.stack("clinic")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
/// let app_sg = stack.add(SecurityGroup::new("AppSg", &net))?;
/// let role = stack.add(Role::new("AppRole", ServicePrincipal::Ec2))?;
/// let server = stack.add(
///     SecureInstance::new(
///         "App",
///         Ami::ssm_parameter("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"),
///     )
///     .encryption(&key)
///     .network(&net)
///     .role(&role)
///     .security_group(&app_sg)
///     .instance_type("m7g.large")
///     .user_data(UserData::script(hipaa_stack::user_data!("#!/bin/bash\ndnf -y update\n"))),
/// )?;
/// stack.output("AppInstance", server.instance_id())?;
/// # app.synth()?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SecureInstance<
    K = Handle<KmsKey>,
    N = Handle<SecureVpc>,
    R = Handle<Role>,
    G = Handle<SecurityGroup>,
> {
    id: String,
    ami: Ami,
    key: K,
    network: N,
    role: R,
    groups: Vec<Handle<SecurityGroup>>,
    _groups: PhantomData<fn() -> G>,
    instance_type: String,
    zone: u8,
    root_gib: u32,
    root_device: Option<String>,
    user_data: Option<UserData>,
}

impl SecureInstance<NoKey, NoNetwork, NoRole, NoSecurityGroup> {
    /// An instance with the construct id `id` that boots `ami`.
    pub fn new(id: impl Into<String>, ami: Ami) -> Self {
        SecureInstance {
            id: id.into(),
            ami,
            key: NoKey,
            network: NoNetwork,
            role: NoRole,
            groups: Vec::new(),
            _groups: PhantomData,
            instance_type: "m6i.large".to_owned(),
            zone: 0,
            root_gib: 30,
            root_device: None,
            user_data: None,
        }
    }
}

impl<K, N, R, G> SecureInstance<K, N, R, G> {
    /// The same settings in another state: `change` maps the key, network and role.
    fn into_state<K2, N2, R2, G2>(
        self,
        change: impl FnOnce(K, N, R) -> (K2, N2, R2),
    ) -> SecureInstance<K2, N2, R2, G2> {
        let (key, network, role) = change(self.key, self.network, self.role);
        SecureInstance {
            id: self.id,
            ami: self.ami,
            key,
            network,
            role,
            groups: self.groups,
            _groups: PhantomData,
            instance_type: self.instance_type,
            zone: self.zone,
            root_gib: self.root_gib,
            root_device: self.root_device,
            user_data: self.user_data,
        }
    }

    /// Encrypts every volume with this customer-managed key.
    pub fn encryption<E: EncryptionKey>(
        self,
        key: &Handle<E>,
    ) -> SecureInstance<Handle<KmsKey>, N, R, G> {
        self.into_state(|_, network, role| (key.cast(), network, role))
    }

    /// Places the instance in a private subnet of `vpc`.
    pub fn network<T: VpcTier>(
        self,
        vpc: &Handle<SecureVpc<Handle<KmsKey>, T>>,
    ) -> SecureInstance<K, Handle<SecureVpc>, R, G> {
        self.into_state(|key, _, role| (key, vpc.any_tier(), role))
    }

    /// Gives the instance the permissions of `role`, through an instance profile. The role
    /// must trust `ServicePrincipal::Ec2`.
    pub fn role(self, role: &Handle<Role>) -> SecureInstance<K, N, Handle<Role>, G> {
        self.into_state(|key, network, _| (key, network, *role))
    }

    /// Puts the instance behind `group` (a group of the same VPC); call it again for more.
    pub fn security_group(
        mut self,
        group: &Handle<SecurityGroup>,
    ) -> SecureInstance<K, N, R, Handle<SecurityGroup>> {
        if !self.groups.contains(group) {
            self.groups.push(*group);
        }
        self.into_state(|key, network, role| (key, network, role))
    }

    /// The instance type, e.g. `m7g.large` (a current type: not `t1` or `t2`, which
    /// cannot be EBS-optimized). Default: `m6i.large`. Checked when the instance is added.
    pub fn instance_type(mut self, instance_type: impl Into<String>) -> Self {
        self.instance_type = instance_type.into();
        self
    }

    /// Runs in the private subnet of the `zone`-th availability zone of the VPC (from 0).
    /// Default: 0. Checked against the VPC's zones when the app is synthesized.
    pub fn availability_zone(mut self, zone: u8) -> Self {
        self.zone = zone;
        self
    }

    /// The size of the root volume, 8 to 16,384 GiB. Default: 30. Checked when the instance
    /// is added.
    pub fn root_volume_gib(mut self, gib: u32) -> Self {
        self.root_gib = gib;
        self
    }

    /// The image's root device, which the encrypted root volume is mapped to: `/dev/xvda`
    /// for Amazon Linux, `/dev/sda1` for Ubuntu and Windows. Default: the family's for
    /// AWS's public parameters of Amazon Linux, Ubuntu and Windows, else `/dev/xvda`.
    /// Checked when the instance is added: only `/dev/xvda` and `/dev/sda1`, the names EC2
    /// reserves for a root volume (or `/dev/sda`, of some older images), and the family's
    /// for those parameters; any other name would map an extra volume and leave the root
    /// volume as the image made it.
    pub fn root_device_name(mut self, name: impl Into<String>) -> Self {
        self.root_device = Some(name.into());
        self
    }

    /// The script the instance runs at first boot. Default: none.
    pub fn user_data(mut self, script: UserData) -> Self {
        self.user_data = Some(script);
        self
    }
}

impl Handle<SecureInstance> {
    /// The instance id (`i-…`).
    pub fn instance_id(&self) -> Reference<Id> {
        self.attr_ref("", Attr::Ref)
    }

    /// The instance's private DNS name.
    pub fn private_dns_name(&self) -> Reference<Name> {
        self.attr_ref("", Attr::Get("PrivateDnsName"))
    }
}

impl<K, N, R, G> Construct<SecureInstance> for SecureInstance<K, N, R, G>
where
    K: KeyChosen<SecureInstance>,
    N: PrivateSubnetChosen<SecureInstance>,
    R: RoleChosen<SecureInstance>,
    G: SecurityGroupChosen<SecureInstance>,
{
}

impl<K, N, R, G> IntoNode<SecureInstance> for SecureInstance<K, N, R, G>
where
    K: KeyChosen<SecureInstance>,
    N: PrivateSubnetChosen<SecureInstance>,
    R: RoleChosen<SecureInstance>,
    G: SecurityGroupChosen<SecureInstance>,
{
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        let root_device = root_device_of(&self.ami, self.root_device);
        Box::new(InstanceNode {
            id: self.id,
            ami: self.ami,
            key: self.key.key(),
            vpc: self.network.vpc(),
            role: self.role.role(),
            groups: self.groups,
            instance_type: self.instance_type,
            zone: self.zone,
            root_gib: self.root_gib,
            root_device,
            user_data: self.user_data,
        })
    }
}

struct InstanceNode {
    id: String,
    ami: Ami,
    key: Handle<KmsKey>,
    vpc: Handle<SecureVpc>,
    role: Handle<Role>,
    groups: Vec<Handle<SecurityGroup>>,
    instance_type: String,
    zone: u8,
    root_gib: u32,
    root_device: String,
    user_data: Option<UserData>,
}

/// Whether `text` is an EC2 instance type that can be EBS-optimized: `family.size`, lower
/// case, and not of the `t1` or `t2` families.
fn instance_type_problem(text: &str) -> Option<String> {
    let mut pieces = text.split('.');
    let (Some(family), Some(size), None) = (pieces.next(), pieces.next(), pieces.next()) else {
        return Some(format!(
            "`{text}` is not an EC2 instance type; write it like `m6i.large`"
        ));
    };
    let word = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if !word(family) || !word(size) {
        return Some(format!(
            "`{text}` is not an EC2 instance type; write it like `m6i.large`"
        ));
    }
    if family == "t1" || family == "t2" {
        return Some(format!(
            "`{text}` cannot be EBS-optimized (rule E9); choose a current type such as `t3.medium` or `m6i.large`"
        ));
    }
    None
}

/// Checks the settings an instance and an instance group share: the image, the type, the
/// root volume and the user data.
pub(crate) fn check_hardened(
    ami: &Ami,
    instance_type: &str,
    root_gib: u32,
    root_device: &str,
    user_data: Option<&UserData>,
) -> Result<(), String> {
    ami.check()?;
    if let Some(problem) = instance_type_problem(instance_type) {
        return Err(problem);
    }
    if !(8..=16_384).contains(&root_gib) {
        return Err(format!(
            "a root volume of {} GiB is outside 8 to 16,384 GiB",
            root_gib
        ));
    }
    // The root device name is run-time text, and a name that is not the image's root
    // device maps an extra encrypted volume while the root volume boots from the image's
    // snapshot as it is (HIPAA §164.312(a)(2)(iv), control E1).
    if !ROOT_DEVICES.contains(&root_device) {
        return Err(format!(
            "`{}` is not a root device name: EC2 maps an image's root volume at `/dev/xvda` or `/dev/sda1` (`/dev/sda` for some older images), and the encrypted volume at another name would leave the root volume unencrypted (HIPAA §164.312(a)(2)(iv)); call `.root_device_name(..)` with the image's root device (`aws ec2 describe-images --query 'Images[].RootDeviceName'`)",
            crate::error::shown(root_device)
        ));
    }
    if let Some(problem) = ami.family_problem() {
        return Err(problem);
    }
    if let (AmiKind::Parameter(name), Some(known)) = (&ami.0, ami.known_root_device())
        && known != root_device
    {
        return Err(format!(
            "the images of the parameter `{name}` have the root device `{known}`, so the encrypted volume at `{root_device}` would be an extra one and the root volume unencrypted (HIPAA §164.312(a)(2)(iv)); call `.root_device_name(\"{known}\")` or leave it out"
        ));
    }
    if let Some(target) = user_data
        .into_iter()
        .flat_map(|s| &s.parts)
        .find_map(|p| match p {
            Piece::Reference(target) if target.attr.may_hold_a_secret() => Some(target),
            _ => None,
        })
    {
        return Err(format!(
            "the user data takes the attribute `{}`, which may hold a secret, and user data is readable by anyone who may describe the instance; pass its ARN or name and fetch the value at boot",
            target.attr.export_suffix()
        ));
    }
    // Each piece of text was checked alone when the program was compiled; the shell reads
    // them joined, where a name may end in one piece and its value start in the next
    // (`user_data!("export PGPASS")` then `.text(user_data!("WORD=hunter2"))`). The joined
    // text is checked here with the same rule, a reference read as a value fetched at boot
    // (it is an ARN, a name or an id, never a secret: see above).
    if let Some(script) = user_data
        && script.parts.len() > 1
    {
        let joined: String = script
            .parts
            .iter()
            .map(|p| match p {
                Piece::Text(text) => *text,
                Piece::Reference(_) => "${HIPAA_STACK_REFERENCE}",
            })
            .collect();
        if let Some(rule) = hipaa_stack_syntax::user_data_problem(&joined) {
            return Err(format!(
                "its user data, its pieces of text joined as the instance reads them, is refused: {rule}; write the name and its value in one `user_data!(..)`"
            ));
        }
    }
    if let Some(script) = user_data
        && script.text_len() > MAX_USER_DATA
    {
        return Err(format!(
            "the user data has {} bytes of text; EC2 accepts at most {MAX_USER_DATA}",
            script.text_len()
        ));
    }
    Ok(())
}

/// The hardened launch template data of an instance or an instance group: the image, every
/// device encrypted with the key (E1), IMDSv2 only (E4), detailed monitoring, EBS
/// optimization, and the user data of typed pieces.
pub(crate) fn hardened_template_data(
    cx: &mut RenderCx<'_>,
    key: Handle<KmsKey>,
    ami: &Ami,
    root_device: &str,
    root_gib: u32,
    user_data: Option<&UserData>,
) -> LaunchTemplateData {
    let key = cx.resolve(key.arn());
    let user_data = user_data.map(|script| {
        let pieces: Vec<Expr> = script
            .parts
            .iter()
            .map(|p| match p {
                Piece::Text(text) => Expr::lit(*text),
                Piece::Reference(target) => {
                    resolve_target(cx.arena, cx.stack, *target, cx.construct, cx.cross)
                }
            })
            .collect();
        Base64(Expr::join(pieces))
    });
    LaunchTemplateData {
        image_id: ami.image_id(),
        block_device_mappings: vec![BlockDeviceMapping {
            device_name: root_device.to_owned(),
            ebs: Ebs {
                encrypted: true,
                kms_key_id: key,
                volume_size: root_gib,
                volume_type: "gp3",
                delete_on_termination: true,
            },
        }],
        metadata_options: MetadataOptions::IMDS_V2_ONLY,
        monitoring: MonitoringEnabled { enabled: true },
        ebs_optimized: true,
        user_data,
        instance_type: None,
        iam_instance_profile: None,
        security_group_ids: Vec::new(),
    }
}

impl Node for InstanceNode {
    /// The checks that need the rest of the app: the zone exists, the role trusts EC2, the
    /// security groups are of the instance's VPC.
    fn check_in(&self, arena: &Arena, stack: u32) -> Result<(), String> {
        let vpc_path = arena.path(self.vpc.index);
        let zones = arena.constructs[self.vpc.index as usize]
            .node
            .private_subnet_count();
        if self.zone >= zones {
            return Err(format!(
                "availability zone {} does not exist: `{vpc_path}` has private subnets in zones 0 to {}",
                self.zone,
                zones.saturating_sub(1)
            ));
        }
        let role_stack = arena.constructs[self.role.index as usize].stack;
        let trust = rendered_property(
            arena,
            self.role.index,
            "",
            role_stack,
            "/AssumeRolePolicyDocument/Statement",
        );
        let trusts_ec2 = trust.as_ref().and_then(|s| s.as_array()).is_some_and(|s| {
            s.iter()
                .any(|s| s["Principal"]["Service"] == "ec2.amazonaws.com")
        });
        if !trusts_ec2 {
            return Err(format!(
                "the role `{}` does not trust EC2, so the instance could not use it; create it with `Role::new(.., ServicePrincipal::Ec2)` or add `.trust(ServicePrincipal::Ec2)`",
                arena.path(self.role.index)
            ));
        }
        let mut scratch = Vec::new();
        let vpc = resolve_target(
            arena,
            stack,
            self.vpc.vpc_id().target,
            u32::MAX,
            &mut scratch,
        );
        let vpc = serde_json::to_value(vpc).ok();
        for group in &self.groups {
            let group_vpc = rendered_property(arena, group.index, "", stack, "/VpcId");
            if group_vpc.is_some() && group_vpc != vpc {
                return Err(format!(
                    "the security group `{}` is not in `{vpc_path}`, the instance's VPC",
                    arena.path(group.index)
                ));
            }
        }
        Ok(())
    }
    fn kind(&self) -> &'static str {
        "SecureInstance"
    }

    fn security_groups(&self) -> Vec<u32> {
        self.groups.iter().map(|g| g.index).collect()
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &["", "LaunchTemplate", "Profile"]
    }

    fn uses(&self) -> Vec<Used> {
        let mut used = vec![
            self.key.used("KmsKey"),
            self.vpc.used("SecureVpc"),
            self.role.used("Role"),
        ];
        used.extend(self.groups.iter().map(|g| g.used("SecurityGroup")));
        if let Some(script) = &self.user_data {
            used.extend(script.parts.iter().filter_map(|p| match p {
                Piece::Reference(target) => Some(Used {
                    app: target.app,
                    what: "reference",
                }),
                Piece::Text(_) => None,
            }));
        }
        used
    }

    fn check(&self) -> Result<(), String> {
        check_hardened(
            &self.ami,
            &self.instance_type,
            self.root_gib,
            &self.root_device,
            self.user_data.as_ref(),
        )
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let template = LaunchTemplate {
            launch_template_data: hardened_template_data(
                cx,
                self.key,
                &self.ami,
                &self.root_device,
                self.root_gib,
                self.user_data.as_ref(),
            ),
        };
        let profile = InstanceProfile {
            roles: vec![cx.resolve(self.role.name())],
        };
        let groups: Vec<Expr> = self
            .groups
            .iter()
            .map(|g| cx.resolve(g.group_id()))
            .collect();
        let instance = Instance {
            launch_template: LaunchTemplateSpecification {
                launch_template_id: cx.own_ref("LaunchTemplate"),
                version: cx.own_att("LaunchTemplate", "LatestVersionNumber"),
            },
            instance_type: self.instance_type.clone(),
            subnet_id: cx.resolve(self.vpc.private_subnet_id(self.zone)),
            security_group_ids: groups,
            iam_instance_profile: cx.own_ref("Profile"),
            monitoring: true,
            ebs_optimized: true,
            propagate_tags_to_volume_on_creation: true,
        };
        Ok(vec![
            Resource::new(cx.logical("LaunchTemplate"), template)?,
            Resource::new(cx.logical("Profile"), profile)?,
            Resource::new(cx.logical(""), instance)?,
        ])
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::{prop, resource, template_with};
    use crate::{Ami, Role, SecureInstance, SecurityGroup, ServicePrincipal, Trusted, UserData};

    const AL2023: &str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

    fn server(
        stack: &Stack<'_>,
        key: Handle<KmsKey>,
        logs: Handle<AccessLogBucket>,
        change: impl FnOnce(SecureInstance) -> SecureInstance,
    ) {
        server_of(stack, key, logs, Ami::ssm_parameter(AL2023), change);
    }

    /// [`server`] launching `image`.
    fn server_of(
        stack: &Stack<'_>,
        key: Handle<KmsKey>,
        logs: Handle<AccessLogBucket>,
        image: Ami,
        change: impl FnOnce(SecureInstance) -> SecureInstance,
    ) {
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let records = stack
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        let sg = stack.add(SecurityGroup::new("AppSg", &net)).unwrap();
        let role = stack
            .add(Role::new("AppRole", ServicePrincipal::Ec2))
            .unwrap();
        let instance = SecureInstance::new("App", image)
            .encryption(&key)
            .network(&net)
            .role(&role)
            .security_group(&sg)
            .user_data(
                UserData::script(crate::user_data!("#!/bin/bash\necho ${HOME} "))
                    .reference(records.name())
                    .text(crate::user_data!("\n")),
            );
        stack.add(change(instance)).unwrap();
    }

    fn template(change: impl FnOnce(SecureInstance) -> SecureInstance) -> serde_json::Value {
        template_with(|stack, key, logs| server(stack, key, logs, change))
    }

    #[test]
    fn the_launch_template_encrypts_every_device_and_requires_imdsv2() {
        let t = template(|i| i);
        let data = prop(&t, "AppLaunchTemplate", "/LaunchTemplateData");
        assert_eq!(data["ImageId"], format!("{{{{resolve:ssm:{AL2023}}}}}"));
        assert_eq!(
            data["BlockDeviceMappings"],
            json!([{
                "DeviceName": "/dev/xvda",
                "Ebs": {
                    "Encrypted": true,
                    "KmsKeyId": { "Fn::GetAtt": ["PhiKey", "Arn"] },
                    "VolumeSize": 30,
                    "VolumeType": "gp3",
                    "DeleteOnTermination": true
                }
            }])
        );
        assert_eq!(
            data["MetadataOptions"],
            json!({
                "HttpEndpoint": "enabled",
                "HttpTokens": "required",
                "HttpPutResponseHopLimit": 1,
                "InstanceMetadataTags": "disabled"
            })
        );
        assert_eq!(data["Monitoring"], json!({ "Enabled": true }));
        assert_eq!(data["EbsOptimized"], true);
        assert_eq!(
            data["UserData"],
            json!({ "Fn::Base64": { "Fn::Sub": "#!/bin/bash\necho ${!HOME} ${Records}\n" } })
        );
    }

    #[test]
    fn the_instance_is_private_monitored_and_has_a_profile() {
        let t = template(|i| i.instance_type("m7g.large").availability_zone(1));
        let instance = resource(&t, "App");
        assert_eq!(instance["Type"], "AWS::EC2::Instance");
        assert_eq!(
            instance["Properties"],
            json!({
                "LaunchTemplate": {
                    "LaunchTemplateId": { "Ref": "AppLaunchTemplate" },
                    "Version": { "Fn::GetAtt": ["AppLaunchTemplate", "LatestVersionNumber"] }
                },
                "InstanceType": "m7g.large",
                "SubnetId": { "Ref": "NetPrivate1" },
                "SecurityGroupIds": [{ "Fn::GetAtt": ["AppSg", "GroupId"] }],
                "IamInstanceProfile": { "Ref": "AppProfile" },
                "Monitoring": true,
                "EbsOptimized": true,
                "PropagateTagsToVolumeOnCreation": true
            })
        );
        assert!(instance["Properties"].get("NetworkInterfaces").is_none());
        assert_eq!(
            prop(&t, "AppProfile", "/Roles"),
            &json!([{ "Ref": "AppRole" }])
        );
    }

    #[test]
    fn options_set_the_image_volume_and_device() {
        let t = template(|i| i.root_volume_gib(100).root_device_name("/dev/xvda"));
        let data = prop(&t, "AppLaunchTemplate", "/LaunchTemplateData");
        assert_eq!(data["BlockDeviceMappings"][0]["DeviceName"], "/dev/xvda");
        assert_eq!(data["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"], 100);
    }

    #[test]
    fn settings_are_checked_when_added() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let sg = stack.add(SecurityGroup::new("AppSg", &net)).unwrap();
        let role = stack
            .add(Role::new("AppRole", ServicePrincipal::Ec2))
            .unwrap();
        let base = |ami| {
            SecureInstance::new("App", ami)
                .encryption(&key)
                .network(&net)
                .role(&role)
                .security_group(&sg)
        };
        for (instance, needle) in [
            (base(Ami::id("ami-12")), "`ami-12` is not an image id"),
            (
                base(Ami::ssm_parameter("{{x}}")),
                "not an SSM parameter name",
            ),
            (
                base(Ami::ssm_parameter(AL2023)).instance_type("large"),
                "not an EC2 instance type",
            ),
            (
                base(Ami::ssm_parameter(AL2023)).instance_type("t2.micro"),
                "cannot be EBS-optimized",
            ),
            (
                base(Ami::ssm_parameter(AL2023)).root_volume_gib(4),
                "outside 8 to 16,384 GiB",
            ),
            (
                base(Ami::ssm_parameter(AL2023)).root_device_name("xvda"),
                "`xvda` is not a root device name",
            ),
        ] {
            let err = stack.add(instance).unwrap_err().to_string();
            assert!(err.starts_with("construct `t/App` is invalid"), "{err}");
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }

    #[test]
    fn user_data_is_checked_with_its_pieces_joined() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let sg = stack.add(SecurityGroup::new("AppSg", &net)).unwrap();
        let role = stack
            .add(Role::new("AppRole", ServicePrincipal::Ec2))
            .unwrap();
        let base = |id: &str, script: UserData| {
            SecureInstance::new(id, Ami::ssm_parameter(AL2023))
                .encryption(&key)
                .network(&net)
                .role(&role)
                .security_group(&sg)
                .user_data(script)
        };
        // A name in one piece, its written value in the next: each passes alone.
        for (id, script) in [
            (
                "Split",
                UserData::script(crate::user_data!(
                    "#!/bin/bash
export PGPASS"
                ))
                .text(crate::user_data!("WORD=Winter2026\n")),
            ),
            (
                "Community",
                UserData::script(crate::user_data!("echo 'rocommunity "))
                    .text(crate::user_data!("public' >> /etc/snmp/snmpd.conf\n")),
            ),
        ] {
            let err = stack.add(base(id, script)).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!(
                    "construct `t/{id}` is invalid: its user data, its pieces of text joined"
                )),
                "{err}"
            );
            assert!(err.contains("§164.312(a)(2)(iv)"), "{err}");
        }
        // A reference between pieces is a value fetched at boot, not written text.
        let records = stack.add(KmsKey::new("Other")).unwrap();
        let ok = UserData::script(crate::user_data!(
            "#!/bin/bash
export KEY_ARN_PASSWORD="
        ))
        .reference(records.arn())
        .text(crate::user_data!("\n"));
        stack.add(base("Fine", ok)).unwrap();
    }

    #[test]
    fn what_needs_the_other_constructs_is_checked_when_added() {
        type Build = fn(&Stack<'_>, Handle<SecureVpc>, Handle<KmsKey>) -> SecureInstance;
        let cases: [(Build, &str); 3] = [
            (
                |stack, net, key| {
                    let sg = stack.add(SecurityGroup::new("AppSg", &net)).unwrap();
                    let role = stack
                        .add(Role::new("AppRole", ServicePrincipal::Lambda))
                        .unwrap();
                    SecureInstance::new("App", Ami::id("ami-0123456789abcdef0"))
                        .encryption(&key)
                        .network(&net)
                        .role(&role)
                        .security_group(&sg)
                },
                "the role `t/AppRole` does not trust EC2",
            ),
            (
                |stack, net, key| {
                    let sg = stack.add(SecurityGroup::new("AppSg", &net)).unwrap();
                    let role = stack
                        .add(
                            Role::new("AppRole", Trusted::account("123456789012"))
                                .trust(ServicePrincipal::Ec2),
                        )
                        .unwrap();
                    SecureInstance::new("App", Ami::id("ami-0123456789abcdef0"))
                        .encryption(&key)
                        .network(&net)
                        .role(&role)
                        .security_group(&sg)
                        .availability_zone(2)
                },
                "availability zone 2 does not exist: `t/Net` has private subnets in zones 0 to 1",
            ),
            (
                |stack, net, key| {
                    let other = stack
                        .add(SecureVpc::new("Other", cidr!("10.30.0.0/16")).encryption(&key))
                        .unwrap();
                    let sg = stack.add(SecurityGroup::new("AppSg", &other)).unwrap();
                    let role = stack
                        .add(Role::new("AppRole", ServicePrincipal::Ec2))
                        .unwrap();
                    SecureInstance::new("App", Ami::id("ami-0123456789abcdef0"))
                        .encryption(&key)
                        .network(&net)
                        .role(&role)
                        .security_group(&sg)
                },
                "the security group `t/AppSg` is not in `t/Net`, the instance's VPC",
            ),
        ];
        for (build, needle) in cases {
            let app = App::new("test");
            let stack = app.stack("t").unwrap();
            let key = stack.add(KmsKey::new("PhiKey")).unwrap();
            let net = stack
                .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
                .unwrap();
            let instance = build(&stack, net, key);
            let err = stack.add(instance).unwrap_err().to_string();
            assert!(
                err.contains(&format!("construct `t/App` is invalid: {needle}")),
                "{err}"
            );
        }
    }

    #[test]
    fn the_hipaa_rules_hold_with_evidence_and_backups_are_a_gap() {
        use crate::testing::Status;
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let logs = stack.add(AccessLogBucket::new("AccessLogs")).unwrap();
        server(&stack, key, logs, |i| i);
        let assembly = app.synth().unwrap();
        let status = |rule: &str, id: &str| {
            crate::testing::status_of(&assembly, rule, id)
                .unwrap_or_else(|| panic!("{rule} did not run on {id}"))
        };
        for (rule, id) in [
            ("E1", "App"),
            ("E1", "AppLaunchTemplate"),
            ("E4", "App"),
            ("E4", "AppLaunchTemplate"),
            ("E5", "App"),
            ("E6", "App"),
            ("E8", "App"),
            ("E11", "AppSg"),
            ("I1", "AppRole"),
            ("I8", "AppRole"),
        ] {
            assert!(
                matches!(status(rule, id), Status::Enforced { .. }),
                "{rule} on {id}: {:?}",
                status(rule, id)
            );
        }
        assert!(matches!(status("E3", "App"), Status::Gap { .. }));
        assert!(assembly.evaluation().findings().is_empty());
    }

    /// E1 takes the device the construct is told is the image's root as the root device:
    /// the construct maps exactly that name (a raw resource mapping only such a name is a
    /// gap, in the spelling corpus), and refuses a name that cannot be a root device (see
    /// `root_devices_that_are_not_the_images_are_refused`).
    #[test]
    fn a_root_device_name_given_is_the_root_for_e1() {
        use crate::testing::Status;
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let logs = stack.add(AccessLogBucket::new("AccessLogs")).unwrap();
        server(&stack, key, logs, |i| i.root_device_name("/dev/xvda"));
        let assembly = app.synth().unwrap();
        for id in ["App", "AppLaunchTemplate"] {
            let status = crate::testing::status_of(&assembly, "E1", id);
            assert!(
                matches!(status, Some(Status::Enforced { .. })),
                "{id}: {status:?}"
            );
        }
    }

    /// The nineteenth probe: an image whose root and other volumes the template cannot show
    /// (Bottlerocket's data volume `/dev/xvdb`, an image by id, an account's own parameter)
    /// is a gap of E1 for the construct as for a raw launch, never enforced; only `preview`
    /// and `up` read the image.
    #[test]
    fn an_image_the_template_cannot_show_is_a_gap_of_e1() {
        use crate::testing::Status;
        for (image, enforced) in [
            (Ami::ssm_parameter(AL2023), true),
            (
                Ami::ssm_parameter("/aws/service/bottlerocket/aws-ecs-2/x86_64/latest/image_id"),
                false,
            ),
            (Ami::id("ami-0abcdef1234567890"), false),
            (Ami::ssm_parameter("/golden/ehr-appliance/latest"), false),
        ] {
            let app = App::new("test");
            let stack = app.stack("t").unwrap();
            let key = stack.add(KmsKey::new("PhiKey")).unwrap();
            let logs = stack.add(AccessLogBucket::new("AccessLogs")).unwrap();
            let shown = format!("{image:?}");
            server_of(&stack, key, logs, image, |i| i);
            let assembly = app.synth().unwrap();
            for id in ["App", "AppLaunchTemplate"] {
                let status = crate::testing::status_of(&assembly, "E1", id);
                if enforced {
                    assert!(
                        matches!(status, Some(Status::Enforced { .. })),
                        "{shown} {id}: {status:?}"
                    );
                } else {
                    assert!(
                        matches!(status, Some(Status::Gap { .. })),
                        "{shown} {id}: {status:?}"
                    );
                }
            }
        }
    }

    /// hostile review 19: the root device name was run-time text checked only for its
    /// shape, so `/dev/sdb` (or `/dev/sda1` for Amazon Linux, or the default `/dev/xvda` for
    /// Ubuntu) mapped an extra encrypted volume while the image's root volume booted from
    /// its snapshot unencrypted, and the construct vouched for E1.
    #[test]
    fn root_devices_that_are_not_the_images_are_refused() {
        const UBUNTU: &str =
            "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id";
        const WINDOWS: &str =
            "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base";
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let sg = stack.add(SecurityGroup::new("AppSg", &net)).unwrap();
        let role = stack
            .add(Role::new("AppRole", ServicePrincipal::Ec2))
            .unwrap();
        let base = |id: &str, ami| {
            SecureInstance::new(id, ami)
                .encryption(&key)
                .network(&net)
                .role(&role)
                .security_group(&sg)
        };
        for (instance, needle) in [
            (
                base("Bad", Ami::ssm_parameter(AL2023)).root_device_name("/dev/sdb"),
                "`/dev/sdb` is not a root device name",
            ),
            (
                base("Bad", Ami::id("ami-0123456789abcdef0")).root_device_name("/dev/sdf"),
                "`/dev/sdf` is not a root device name",
            ),
            (
                base("Bad", Ami::ssm_parameter(AL2023)).root_device_name("/dev/sda1"),
                "have the root device `/dev/xvda`, so the encrypted volume at `/dev/sda1`",
            ),
            (
                base("Bad", Ami::ssm_parameter(UBUNTU)).root_device_name("/dev/xvda"),
                "have the root device `/dev/sda1`, so the encrypted volume at `/dev/xvda`",
            ),
            (
                base("Bad", Ami::ssm_parameter(WINDOWS)).root_device_name("/dev/xvda"),
                "call `.root_device_name(\"/dev/sda1\")`",
            ),
        ] {
            let err = stack.add(instance).unwrap_err().to_string();
            assert!(err.starts_with("construct `t/Bad` is invalid"), "{err}");
            assert!(err.contains(needle), "{needle}: {err}");
        }
        // hostile review 19: Amazon Linux parameters of instance-store (`-s3`) and
        // paravirtual (`-pv-`) images are refused, whatever root device is given.
        for (name, device, needle) in [
            (
                "/aws/service/ami-amazon-linux-latest/amzn-ami-hvm-x86_64-s3",
                None,
                "backed by instance store",
            ),
            (
                "/aws/service/ami-amazon-linux-latest/amzn-ami-minimal-pv-x86_64-s3",
                Some("/dev/sda1"),
                "backed by instance store",
            ),
            (
                "/aws/service/ami-amazon-linux-latest/amzn-ami-pv-x86_64-ebs",
                Some("/dev/sda1"),
                "paravirtual",
            ),
        ] {
            let mut instance = base("Bad", Ami::ssm_parameter(name));
            if let Some(device) = device {
                instance = instance.root_device_name(device);
            }
            let err = stack.add(instance).unwrap_err().to_string();
            assert!(err.contains(needle), "{name}: {err}");
        }
        // Canonical's parameters outside `…/hvm/ebs-…/` are no known family: their root
        // device is the program's, and `up` refuses them as images it cannot read.
        assert_eq!(
            Ami::ssm_parameter(
                "/aws/service/canonical/ubuntu/server/16.04/stable/current/amd64/hvm/instance-store/ami-id"
            )
            .known_root_device(),
            None
        );
        assert_eq!(
            Ami::ssm_parameter(UBUNTU).known_root_device(),
            Some("/dev/sda1")
        );
        // The family's root device by default, and an image id's root device as given.
        stack
            .add(base("Ubuntu", Ami::ssm_parameter(UBUNTU)))
            .unwrap();
        stack
            .add(base("Windows", Ami::ssm_parameter(WINDOWS)))
            .unwrap();
        stack
            .add(base("Pinned", Ami::id("ami-0123456789abcdef0")).root_device_name("/dev/sda1"))
            .unwrap();
        stack
            .add(base("Amazon", Ami::ssm_parameter(AL2023)))
            .unwrap();
        let t = crate::testing::template_of(&app, "t");
        for (id, device) in [
            ("UbuntuLaunchTemplate", "/dev/sda1"),
            ("WindowsLaunchTemplate", "/dev/sda1"),
            ("PinnedLaunchTemplate", "/dev/sda1"),
            ("AmazonLaunchTemplate", "/dev/xvda"),
        ] {
            assert_eq!(
                prop(
                    &t,
                    id,
                    "/LaunchTemplateData/BlockDeviceMappings/0/DeviceName"
                ),
                device,
                "{id}"
            );
        }
    }
}
