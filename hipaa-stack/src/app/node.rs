//! What a finished construct is inside the arena, and the context it renders in.

use std::collections::BTreeSet;

use crate::app::{AppId, Arena, Attr, Reference, Target};
use crate::cfn::{Expr, Resource};

/// A finished construct, stored in the app's arena.
pub trait Node: std::any::Any {
    /// The construct type, e.g. `SecureBucket`.
    fn kind(&self) -> &'static str;
    /// The construct id given by the user.
    fn id(&self) -> &str;
    /// The suffixes of the logical ids this construct produces (`""` for its main resource).
    fn parts(&self) -> &'static [&'static str];
    /// Every handle this construct uses, checked when it is added.
    fn uses(&self) -> Vec<Used>;
    /// The services each key this construct uses must allow, by key construct index.
    fn key_services(&self) -> Vec<(u32, KeyService)> {
        Vec::new()
    }
    /// The port clients connect to (databases only).
    fn port(&self) -> Option<u16> {
        None
    }
    /// The part that is the construct's own security group, if it has one.
    fn security_group_part(&self) -> Option<&'static str> {
        None
    }
    /// The security groups the construct's instances are behind (compute constructs
    /// only), which a load balancer in front of them opens its port on.
    /// (The indices of `SecurityGroup` constructs.)
    fn security_groups(&self) -> Vec<u32> {
        Vec::new()
    }
    /// The constructs this construct forwards requests to (load balancers only).
    fn targets(&self) -> Vec<u32> {
        Vec::new()
    }
    /// The index of the key the construct encrypts with, if any (for grants).
    fn encryption_key(&self) -> Option<u32> {
        None
    }
    /// Whether the construct is a multi-Region primary key (keys only).
    fn multi_region_key(&self) -> bool {
        false
    }
    /// The construct this one copies its objects to in another region (buckets only).
    fn replica(&self) -> Option<u32> {
        None
    }
    /// The VPC construct the construct runs in (functions only).
    fn network(&self) -> Option<u32> {
        None
    }
    /// How long a received message stays hidden, in seconds (queues only).
    fn visibility_timeout(&self) -> Option<u32> {
        None
    }
    /// How long one call may run, in seconds (functions only).
    fn timeout(&self) -> Option<u32> {
        None
    }
    /// The constructs this construct sends S3 event notifications to (buckets only).
    fn notifies(&self) -> Vec<u32> {
        Vec::new()
    }
    /// [`Node::key_services`], for constructs that must read the rest of the app (a bucket
    /// that notifies an encrypted queue: the queue's key must let S3 use it).
    fn key_services_in(&self, arena: &Arena) -> Vec<(u32, KeyService)> {
        let _ = arena;
        self.key_services()
    }
    /// How many private subnets the construct has (VPCs only).
    fn private_subnet_count(&self) -> u8 {
        0
    }
    /// The CloudFormation type of an escape-hatch resource (`RawResource` only).
    fn resource_type(&self) -> Option<&str> {
        None
    }
    /// Checks what types could not: returns the reason the construct is invalid.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
    /// The constructs of other stacks that this construct names without a reference (by a
    /// fixed name it builds into an ARN, so no cross-stack reference records the use), each
    /// with what it does with it ("copies its recovery points to"). When the construct is
    /// added, each must be of its own environment: the name is written in the stack's own
    /// account.
    fn named(&self) -> Vec<(u32, &'static str)> {
        Vec::new()
    }
    /// Checks that need the rest of the app (the constructs added before this one), when
    /// this construct is added to the stack `stack`.
    fn check_in(&self, arena: &Arena, stack: u32) -> Result<(), String> {
        let _ = (arena, stack);
        Ok(())
    }
    /// The CloudFormation resources, in declaration order.
    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error>;
}

/// A handle that a construct uses, checked when the construct is added.
pub struct Used {
    pub(crate) app: AppId,
    pub(crate) what: &'static str,
}

/// An AWS service that must be allowed to use a key, granted in the key policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyService {
    /// CloudTrail encrypts log files.
    CloudTrail,
    /// CloudWatch Logs encrypts log groups.
    Logs,
    /// CloudWatch alarms publish to encrypted SNS topics.
    CloudWatch,
    /// Elastic Load Balancing writes access logs (into an `AccessLogBucket`, which has no
    /// key: the bucket's policy admits the service instead).
    ElbAccessLogs,
    /// S3 sends event notifications to a queue encrypted with the key.
    S3Notifications,
}

/// A reference that crosses stacks: the consumer imports what the producer exports.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct CrossStack {
    pub(crate) producer: u32,
    pub(crate) consumer: u32,
    pub(crate) target: Target,
    pub(crate) export_name: String,
    /// The construct that made the reference (its index in the arena), or `u32::MAX` for
    /// the consuming stack's outputs: named only in messages ([`CrossStack::user`]), so
    /// that a reference holds no text of its own for them (two paths each, 18 MiB at
    /// N=50,000 in `scale`, where the peak of `synth --low-memory` was).
    pub(crate) via: u32,
    /// Set when the two stacks are in different regions and the reference may cross them
    /// (CloudFormation imports only within a region): the consumer's template parameter,
    /// and the producer's output, of this name, which `up` copies from one to the other.
    pub(crate) parameter: Option<String>,
}

impl CrossStack {
    /// The construct that made the reference, `stack/Construct` (or `stack/outputs`), for
    /// messages.
    pub(crate) fn user(&self, arena: &Arena) -> String {
        user_path(arena, self.consumer, self.via)
    }

    /// The construct referred to, `stack/Construct`, for messages.
    pub(crate) fn used(&self, arena: &Arena) -> String {
        arena.path(self.target.construct)
    }
}

/// The construct `via` of stack `stack` that makes a reference, `stack/Construct`, or
/// `stack/outputs` for `u32::MAX` (the stack's outputs), for messages.
pub(crate) fn user_path(arena: &Arena, stack: u32, via: u32) -> String {
    if via == u32::MAX {
        format!("{}/outputs", arena.stacks[stack as usize].name)
    } else {
        arena.path(via)
    }
}

/// An exception that a construct carries because of how AWS works: the rule it is an
/// exception to, and the reason an auditor reads. Constructs declare them through
/// [`RenderCx::except`]; the compliance layer decides what that writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exception {
    /// The id of the rule.
    pub(crate) rule: &'static str,
    /// Why the construct cannot meet the rule, and why that holds no PHI at risk.
    pub(crate) reason: &'static str,
}

/// How a construct's exceptions and an app's waivers reach a resource's metadata: the
/// narrow interface between the node contract and the compliance layer, which implements it
/// (it knows the rules, and what each rule pack calls them). Synthesis is handed the
/// implementation and passes it down through [`RenderCx`], so that neither constructs nor
/// synthesis import the rules.
pub(crate) trait Declare {
    /// Writes the rule packs' suppressions of `rule` (cdk-nag, checkov, cfn-guard), without
    /// a waiver of hipaa-stack: for an exception that the rules check themselves.
    fn suppress(&self, resource: &mut Resource, rule: &str, reason: &str);
    /// Writes a waiver of `rule`, for hipaa-stack and for the rule packs.
    fn waive(&self, resource: &mut Resource, rule: &str, reason: &str, expires: Option<&str>);
    /// Whether `rule` reads resources of type `type_name`: a waiver is written only on the
    /// resources its rule reads.
    fn reads(&self, rule: &str, type_name: &str) -> bool;
}

/// Declares nothing: for rendering another construct only to read its properties.
pub(crate) struct DeclareNothing;

impl Declare for DeclareNothing {
    fn suppress(&self, _: &mut Resource, _: &str, _: &str) {}
    fn waive(&self, _: &mut Resource, _: &str, _: &str, _: Option<&str>) {}
    fn reads(&self, _: &str, _: &str) -> bool {
        false
    }
}

/// The metadata entry that marks a subnet of a `SecureVpc`'s public tier, which holds only
/// load balancers; rule E12 reads it.
pub(crate) const PUBLIC_TIER: (&str, &str) = ("hipaa-stack:tier", "public");

/// What a construct sees while it renders.
pub struct RenderCx<'a> {
    pub(crate) arena: &'a Arena,
    pub(crate) stack: u32,
    pub(crate) construct: u32,
    pub(crate) cross: &'a mut Vec<CrossStack>,
    /// Where the construct's exceptions are written.
    pub(crate) declare: &'a dyn Declare,
}

impl RenderCx<'_> {
    /// Declares that `resource` carries `exception` by how AWS works: the rules check it as
    /// a typed property of the construct, and the rule packs read it as a suppression.
    pub(crate) fn except(&self, resource: &mut Resource, exception: &Exception) {
        self.declare
            .suppress(resource, exception.rule, exception.reason);
    }

    /// Declares a waiver of `rule` on `resource`, with the construct's own reason: for an
    /// exception that the construct's program chose (and that the report shows as a waiver).
    pub(crate) fn waive(&self, resource: &mut Resource, rule: &str, reason: &str) {
        self.declare.waive(resource, rule, reason, None);
    }

    /// The logical id of one of this construct's parts.
    pub(crate) fn logical(&self, part: &str) -> String {
        self.arena.logical_id(self.construct, part)
    }

    /// `stack/Construct`.
    pub(crate) fn path(&self) -> String {
        self.arena.path(self.construct)
    }

    /// `Ref` to one of this construct's own parts.
    pub(crate) fn own_ref(&self, part: &str) -> Expr {
        Expr::reference(&self.logical(part))
    }

    /// `Fn::GetAtt` of one of this construct's own parts.
    pub(crate) fn own_att(&self, part: &str, attribute: &'static str) -> Expr {
        Expr::get_att(&self.logical(part), attribute)
    }

    /// The services that must be allowed to use this construct (a key).
    pub(crate) fn own_key_services(&self) -> BTreeSet<KeyService> {
        self.arena
            .key_services
            .get(&self.construct)
            .cloned()
            .unwrap_or_default()
    }

    /// Resolves a typed reference in the stack being rendered: `Ref`/`Fn::GetAtt` in the same
    /// stack, `Fn::ImportValue` of an automatic export across stacks.
    pub(crate) fn resolve<T>(&mut self, reference: Reference<T>) -> Expr {
        resolve_target(
            self.arena,
            self.stack,
            reference.target,
            self.construct,
            self.cross,
        )
    }

    /// Resolves a reference that may name a value of a stack in another region (a data
    /// value such as a copy destination's ARN, never a resource this stack attaches to):
    /// across regions it becomes a template parameter that `up` fills in.
    pub(crate) fn resolve_anywhere<T>(&mut self, reference: Reference<T>) -> Expr {
        resolve_target_in(
            self.arena,
            self.stack,
            reference.target,
            self.construct,
            Regions::Any,
            self.cross,
        )
    }
}

/// Whether a reference may name a value of a stack in another region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Regions {
    /// Only within the region (a key, a subnet, a role: AWS resources are regional); synth
    /// refuses a reference across regions.
    Same,
    /// Any region: across regions the value becomes a template parameter that `up` fills
    /// from the producing stack's output (stack outputs, replication destinations).
    Any,
}

/// The name of the parameter (in the consumer) and output (in the producer) that carry a
/// value across regions: `Xr`, the producing stack's name without dashes, then the length
/// of the logical id, the logical id and the attribute; letters and digits only, as
/// CloudFormation requires of both.
fn cross_region_name(stack: &str, logical_id: &str, suffix: &str) -> String {
    let stack: String = stack.chars().filter(char::is_ascii_alphanumeric).collect();
    let suffix: String = suffix.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("Xr{stack}{}{logical_id}{suffix}", logical_id.len())
}

/// [`resolve_target_in`] within the region: what every construct's reference is, unless it
/// says otherwise.
pub(crate) fn resolve_target(
    arena: &Arena,
    stack: u32,
    target: Target,
    via: u32,
    cross: &mut Vec<CrossStack>,
) -> Expr {
    resolve_target_in(arena, stack, target, via, Regions::Same, cross)
}

/// A reference as the stack `stack` writes it: `Ref`/`Fn::GetAtt` within the stack,
/// `Fn::ImportValue` of an automatic export from another stack of the region, and, with
/// [`Regions::Any`], a `Ref` to a template parameter for a stack of another region.
pub(crate) fn resolve_target_in(
    arena: &Arena,
    stack: u32,
    target: Target,
    via: u32,
    regions: Regions,
    cross: &mut Vec<CrossStack>,
) -> Expr {
    let logical_id = arena.logical_id(target.construct, target.part);
    let producer = arena.constructs[target.construct as usize].stack;
    if producer == stack {
        return match target.attr {
            Attr::Ref => Expr::reference(&logical_id),
            Attr::Get(attribute) => Expr::get_att(&logical_id, attribute),
        };
    }
    let export_name = format!(
        "{}:{}:{}",
        arena.stacks[producer as usize].name,
        logical_id,
        target.attr.export_suffix()
    );
    let across = arena.stacks[producer as usize].region != arena.stacks[stack as usize].region;
    let parameter = (across && regions == Regions::Any).then(|| {
        cross_region_name(
            &arena.stacks[producer as usize].name.to_string(),
            &logical_id,
            target.attr.export_suffix(),
        )
    });
    cross.push(CrossStack {
        producer,
        consumer: stack,
        target,
        export_name: export_name.clone(),
        via,
        parameter: parameter.clone(),
    });
    match parameter {
        Some(name) => Expr::reference(&name),
        None => Expr::import(&export_name),
    }
}

/// Something that can be added to a [`Stack`](crate::Stack); `Kind` is what the returned
/// [`Handle`](crate::Handle) points to.
///
/// Sealed: only hipaa-stack's constructs implement it, only once they are complete, and each
/// only for the one `Kind` it is, so that a program cannot implement `Construct<ItsOwnType>`
/// for a construct of hipaa-stack and get a handle of another kind. (`Kind` is a parameter
/// rather than an associated type so that rustc puts the caret of a refusal on the construct
/// rather than on `add`.)
///
/// ```compile_fail
/// use hipaa_stack::prelude::*;
/// struct Forged;
/// impl hipaa_stack::Construct<Forged> for KmsKey {}
/// ```
pub trait Construct<Kind>: IntoNode<Kind> {}

/// The sealed half of [`Construct`]: how a finished construct becomes a [`Node`] of the
/// arena, for the one `Kind` its handle points to. Unnameable outside the crate, so only
/// hipaa-stack's constructs implement it, each for what it is.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a construct of hipaa-stack that makes a `{Kind}`",
    label = "only hipaa-stack's constructs can be added to a stack, each as what it is",
    note = "`Construct` is sealed: a template holds only what a construct has checked (or a `RawResource`, which every rule reads at synth), and a construct's handle points to what it is; build the resource with a construct of hipaa-stack"
)]
pub trait IntoNode<Kind> {
    fn into_node(self) -> Box<dyn Node + Send + Sync>;
}
