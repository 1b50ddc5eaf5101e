//! [`SecurityGroup`]: a firewall inside a [`SecureVpc`] whose every rule names its peer and
//! says why it exists, the typed ports and peers of those rules, and [`DatabaseAccess`], the
//! grant that opens a database's port to one security group.

use crate::app::node::IntoNode;
use crate::app::node::{Node, RenderCx, Used};
use crate::app::{Arena, Attr, Handle, Id, Reference};
use crate::cfn::Resource;
use crate::cfn::ec2::{
    SecurityGroup as CfnSecurityGroup, SecurityGroupEntry, SecurityGroupIngress,
};
use crate::constructs::{Construct, EncryptedDatabase, KmsKey, SecureVpc, VpcTier};
use crate::literal::Cidr;

pub use crate::literal::{Internet, PublicCidr};

/// The ports that are never open to the internet (rule E10): SSH, RDP, FTP, MySQL, 3309
/// and 4333.
const ADMIN_PORTS: [u16; 7] = [22, 3389, 20, 21, 3306, 3309, 4333];

/// The longest description EC2 accepts for a group or a rule.
const MAX_DESCRIPTION: usize = 255;

// ---------------------------------------------------------------------------------------
// Ports.
// ---------------------------------------------------------------------------------------

mod sealed {
    use crate::app::Handle;
    use crate::constructs::SecurityGroup;
    use crate::literal::{Cidr, Internet};

    /// What a port type means: the protocol, and the first and last port (none for every
    /// protocol).
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a port of hipaa-stack",
        label = "only `Tcp<N>`, `TcpRange<A, B>`, `Udp<N>`, `Https`, `Http` and `AllTraffic` are ports",
        note = "`Port` is sealed, so that which ports may face the internet is decided by hipaa-stack (HIPAA 45 CFR §164.312(e)(1), rule E10)"
    )]
    pub trait Port {
        fn spec(&self) -> (&'static str, Option<u16>, Option<u16>);
    }

    /// Who a rule names.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum PeerKind {
        Group(Handle<SecurityGroup>),
        Cidr(Cidr),
        PrefixList(String),
        Internet(Internet),
    }

    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a peer of hipaa-stack",
        label = "only a security group handle, a `Cidr`, a `PublicCidr`, a `PrefixList` or `Internet` is a peer",
        note = "`Peer` is sealed, so that what a rule opens to is always known and checked (HIPAA 45 CFR §164.312(e)(1), rule E10)"
    )]
    pub trait Peer {
        fn peer(self) -> PeerKind;
    }
}

use sealed::PeerKind;

/// A port (or range, or every port) that a security group rule opens: [`Tcp`],
/// [`TcpRange`], [`Udp`], [`AllTraffic`], [`Https`] or [`Http`].
///
/// Ports are types, so that whether a port may be opened to the internet is known when the
/// program is compiled.
pub trait Port: sealed::Port {}

/// A port that hipaa-stack opens to the internet: only [`Https`] (443) and [`Http`] (80),
/// what a load balancer serves.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a port that hipaa-stack opens to the internet",
    label = "only `Https` (443) and `Http` (80) can be opened to `Internet`, a `PublicCidr` or a `PrefixList`",
    note = "HIPAA 45 CFR §164.312(e)(1) and §164.312(a)(1) (hipaa-stack rule E10): SSH, RDP, FTP, database ports and every other port stay closed to 0.0.0.0/0, ::/0, any block holding public addresses (`0.0.0.0/1` is half the internet) and prefix lists (whose entries are not known when the app is built, and may hold any address); name the security group (`&app_sg`) or the address range inside the VPC (`cidr!(\"10.20.0.0/16\")`) that needs the port instead, and reach instances with SSM Session Manager rather than SSH"
)]
pub trait PublicPort: Port {}

/// The TCP port `PORT`, e.g. `Tcp::<5432>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Tcp<const PORT: u16>;

/// The TCP ports `FROM` to `TO`, both included, e.g. `TcpRange::<8000, 8099>`. `FROM` must
/// not be above `TO` (checked when the security group is added).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TcpRange<const FROM: u16, const TO: u16>;

/// The UDP port `PORT`, e.g. `Udp::<514>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Udp<const PORT: u16>;

/// Every protocol and every port (`IpProtocol` -1). Never open to the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AllTraffic;

/// HTTPS: TCP port 443. One of the two ports that may be opened to the [`Internet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Https;

/// HTTP: TCP port 80. One of the two ports that may be opened to the [`Internet`] (for a
/// load balancer that redirects to HTTPS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Http;

impl<const PORT: u16> sealed::Port for Tcp<PORT> {
    fn spec(&self) -> (&'static str, Option<u16>, Option<u16>) {
        ("tcp", Some(PORT), Some(PORT))
    }
}

impl<const FROM: u16, const TO: u16> sealed::Port for TcpRange<FROM, TO> {
    fn spec(&self) -> (&'static str, Option<u16>, Option<u16>) {
        ("tcp", Some(FROM), Some(TO))
    }
}

impl<const PORT: u16> sealed::Port for Udp<PORT> {
    fn spec(&self) -> (&'static str, Option<u16>, Option<u16>) {
        ("udp", Some(PORT), Some(PORT))
    }
}

impl sealed::Port for AllTraffic {
    fn spec(&self) -> (&'static str, Option<u16>, Option<u16>) {
        ("-1", None, None)
    }
}

impl sealed::Port for Https {
    fn spec(&self) -> (&'static str, Option<u16>, Option<u16>) {
        ("tcp", Some(443), Some(443))
    }
}

impl sealed::Port for Http {
    fn spec(&self) -> (&'static str, Option<u16>, Option<u16>) {
        ("tcp", Some(80), Some(80))
    }
}

impl<const PORT: u16> Port for Tcp<PORT> {}
impl<const FROM: u16, const TO: u16> Port for TcpRange<FROM, TO> {}
impl<const PORT: u16> Port for Udp<PORT> {}
impl Port for AllTraffic {}
impl Port for Https {}
impl Port for Http {}

impl PublicPort for Https {}
impl PublicPort for Http {}
impl PublicPort for Tcp<443> {}
impl PublicPort for Tcp<80> {}

/// Whether `block` holds any address of the internet (outside the private, shared,
/// loopback and link-local ranges).
fn public_block(block: &Cidr) -> bool {
    !hipaa_stack_syntax::is_off_internet(block.address(), block.prefix())
}

/// Whether a rule opens only what [`PublicPort`] opens to the internet: TCP 443 or TCP 80.
fn public_port(port: (&'static str, Option<u16>, Option<u16>)) -> bool {
    matches!(
        port,
        ("tcp", Some(443), Some(443)) | ("tcp", Some(80), Some(80))
    )
}

/// The port of `ADMIN_PORTS` a rule opens, or `every port`, if any (the ports of rule E10).
fn admin_port((protocol, from, to): (&'static str, Option<u16>, Option<u16>)) -> Option<String> {
    match (from, to) {
        (Some(f), Some(t)) => ADMIN_PORTS
            .iter()
            .filter(|p| f <= **p && **p <= t)
            .min()
            .map(|p| format!("{protocol} port {p}")),
        _ => Some("every protocol and port".to_owned()),
    }
}

// ---------------------------------------------------------------------------------------
// Peers.
// ---------------------------------------------------------------------------------------

/// A managed prefix list, by id (`pl-` and 8 or 17 hexadecimal digits), e.g. the list of
/// an AWS service's addresses. The id is checked when the security group is added.
///
/// Its entries are not known when the app is built and may hold any address, so a prefix
/// list is treated as the internet: rules may name it only with [`Https`] and [`Http`], in
/// either direction (rule E10); anything else does not compile.
///
/// ```
/// use hipaa_stack::PrefixList;
/// let s3 = PrefixList::id("pl-63a5400a");
/// assert_eq!(s3.as_str(), "pl-63a5400a");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PrefixList(String);

impl PrefixList {
    /// The prefix list with this id.
    pub fn id(id: impl Into<String>) -> Self {
        PrefixList(id.into())
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who a security group rule names: another [`SecurityGroup`] (`&handle`), an address
/// range inside the VPC ([`Cidr`], e.g. `cidr!("10.20.0.0/16")`), a [`PrefixList`], or the
/// [`Internet`] (only for a [`PublicPort`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a peer that a security group rule can name",
    label = "expected a security group handle (`&app_sg`), a `cidr!(..)` block inside the VPC, a `PrefixList` or `Internet`",
    note = "HIPAA 45 CFR §164.312(a)(1) and §164.312(e)(1) (hipaa-stack rules E10, E11): every rule names who may connect; the internet is `Internet` (or `cidr!(\"0.0.0.0/0\")`), open only to `Https` and `Http`"
)]
pub trait Peer<P>: sealed::Peer {}

impl sealed::Peer for &Handle<SecurityGroup> {
    fn peer(self) -> PeerKind {
        PeerKind::Group(*self)
    }
}

impl sealed::Peer for Cidr {
    fn peer(self) -> PeerKind {
        PeerKind::Cidr(self)
    }
}

impl sealed::Peer for PublicCidr {
    fn peer(self) -> PeerKind {
        PeerKind::Cidr(self.block())
    }
}

impl sealed::Peer for PrefixList {
    fn peer(self) -> PeerKind {
        PeerKind::PrefixList(self.0)
    }
}

impl sealed::Peer for Internet {
    fn peer(self) -> PeerKind {
        PeerKind::Internet(self)
    }
}

impl<P: Port> Peer<P> for &Handle<SecurityGroup> {}
impl<P: Port> Peer<P> for Cidr {}
impl<P: PublicPort> Peer<P> for PublicCidr {}
impl<P: PublicPort> Peer<P> for PrefixList {}
impl<P: PublicPort> Peer<P> for Internet {}

// ---------------------------------------------------------------------------------------
// The construct.
// ---------------------------------------------------------------------------------------

/// A security group of a [`SecureVpc`]: it admits only what its rules name, and every rule
/// names its peer and says why it exists.
///
/// Rules take a typed port ([`Tcp`], [`TcpRange`], [`Udp`], [`AllTraffic`], [`Https`],
/// [`Http`]), a peer (another security group's handle, a `cidr!` block inside the VPC, a
/// [`PrefixList`], or the [`Internet`]) and a description. The internet, `Internet::IPV4`
/// or `cidr!("0.0.0.0/0")`, can be given only HTTPS and HTTP: a rule that would open SSH,
/// RDP, a database port or every port to it does not compile. A CIDR block known only at
/// run time ([`Cidr::parse`]) is checked when the group is added.
///
/// Databases have a security group of their own; open one to a group with
/// `database.allow_from("AppToEhr", &group)` (see [`DatabaseAccess`]).
///
/// # Secure defaults
/// - No rule opens anything unless the program writes it: no ingress, and an egress rule
///   that matches nothing (CloudFormation would otherwise allow all outbound traffic) until
///   the program adds egress rules of its own.
/// - Nothing is open to the internet but HTTPS and HTTP; SSH (22), RDP (3389), FTP (20, 21),
///   MySQL (3306), 3309, 4333 and every port stay closed to `0.0.0.0/0` and `::/0` (E10,
///   §164.312(e)(1), §164.312(a)(1)), at compile time for literals and when the group is
///   added for blocks parsed at run time.
/// - An address range given as a source is an IPv4 block inside the VPC: the internet is
///   [`Internet`], never a `Cidr`.
/// - Every rule carries a non-empty description (E11), checked when the group is added
///   (EC2's limits: 255 characters of letters, digits, spaces and `._-:/()#,@[]+=&;{}!$*`).
///
/// # Options
/// - [`ingress`](SecurityGroup::ingress). Default: none.
/// - [`egress`](SecurityGroup::egress). Default: none (no outbound traffic).
/// - [`description`](SecurityGroup::description). Default: a description naming the
///   construct's path. The description is fixed at creation: changing it replaces the group.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{Https, Internet, PrefixList, SecurityGroup, Tcp};
///
/// let app = App::new("clinic");
/// let stack = app.stack("clinic-network")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key).public_tier())?;
/// let lb = stack.add(
///     SecurityGroup::new("Web", &net)
///         .ingress(Https, Internet::IPV4, "HTTPS from browsers")
///         .ingress(Https, cidr!("::/0"), "HTTPS from browsers over IPv6"),
/// )?;
/// let app_sg = stack.add(
///     SecurityGroup::new("App", &net)
///         .ingress(Tcp::<8443>, &lb, "HTTPS from the load balancer")
///         .ingress(Tcp::<8443>, cidr!("10.20.0.0/16"), "health checks from inside the VPC")
///         .egress(Https, PrefixList::id("pl-63a5400a"), "HTTPS to S3 through the gateway endpoint"),
/// )?;
/// stack.output("AppSecurityGroup", app_sg.group_id())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// SSH from the internet does not compile:
///
/// ```compile_fail
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{SecurityGroup, Tcp};
/// # let app = App::new("clinic");
/// # let stack = app.stack("clinic")?;
/// # let key = stack.add(KmsKey::new("PhiKey"))?;
/// # let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
/// SecurityGroup::new("Bastion", &net).ingress(Tcp::<22>, cidr!("0.0.0.0/0"), "SSH");
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SecurityGroup {
    id: String,
    vpc: Handle<SecureVpc>,
    description: Option<String>,
    ingress: Vec<RuleDecl>,
    egress: Vec<RuleDecl>,
}

/// One rule as the program declared it.
#[derive(Debug, Clone)]
struct RuleDecl {
    port: (&'static str, Option<u16>, Option<u16>),
    peer: PeerKind,
    description: String,
}

impl SecurityGroup {
    /// A security group with the construct id `id` in the VPC `vpc`, admitting nothing.
    pub fn new<T: VpcTier>(
        id: impl Into<String>,
        vpc: &Handle<SecureVpc<Handle<KmsKey>, T>>,
    ) -> Self {
        SecurityGroup {
            id: id.into(),
            vpc: vpc.any_tier(),
            description: None,
            ingress: Vec::new(),
            egress: Vec::new(),
        }
    }

    /// Describes the group (shown by EC2; fixed at creation). Default: a description naming
    /// the construct's path.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Admits `port` from `from`, for the reason `description`.
    ///
    /// `from` is another security group's handle, an IPv4 block inside the VPC, a
    /// [`PrefixList`], or the [`Internet`], which only [`Https`] and [`Http`] may be opened
    /// to: anything else does not compile (rule E10).
    pub fn ingress<P: Port, S: Peer<P>>(
        mut self,
        port: P,
        from: S,
        description: impl Into<String>,
    ) -> Self {
        self.ingress.push(RuleDecl {
            port: port.spec(),
            peer: from.peer(),
            description: description.into(),
        });
        self
    }

    /// Lets `port` out to `to`, for the reason `description`. The first egress rule
    /// replaces the default rule that lets nothing out.
    ///
    /// `to` is another security group's handle, an address range, a [`PrefixList`], or the
    /// [`Internet`] (only [`Https`] and [`Http`]).
    pub fn egress<P: Port, S: Peer<P>>(
        mut self,
        port: P,
        to: S,
        description: impl Into<String>,
    ) -> Self {
        self.egress.push(RuleDecl {
            port: port.spec(),
            peer: to.peer(),
            description: description.into(),
        });
        self
    }
}

impl Handle<SecurityGroup> {
    /// The group's id (`sg-…`).
    pub fn group_id(&self) -> Reference<Id> {
        self.attr_ref("", Attr::Get("GroupId"))
    }
}

impl Construct<SecurityGroup> for SecurityGroup {}

impl IntoNode<SecurityGroup> for SecurityGroup {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(self)
    }
}

/// Checks an EC2 description (of a group or a rule): not empty, at most 255 characters,
/// and only the characters EC2 accepts.
pub(crate) fn check_description(what: &str, text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err(format!(
            "{what} has an empty description; say why it exists"
        ));
    }
    if text.chars().count() > MAX_DESCRIPTION {
        return Err(format!(
            "{what} has a description of {} characters; EC2 accepts at most {MAX_DESCRIPTION}",
            text.chars().count()
        ));
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(*c)))
    {
        return Err(format!(
            "the description of {what} contains `{c}`; EC2 accepts only letters, digits, spaces and ._-:/()#,@[]+=&;{{}}!$*"
        ));
    }
    Ok(())
}

/// Whether `id` is `prefix` followed by 8 or 17 lower-case hexadecimal digits.
pub(crate) fn aws_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17)
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

impl RuleDecl {
    /// Checks what the types could not: the description, the port range, the peer.
    fn check(&self, what: &str, ingress: bool) -> Result<(), String> {
        check_description(what, &self.description)?;
        if let (_, Some(from), Some(to)) = self.port
            && from > to
        {
            return Err(format!(
                "{what} opens ports {from}-{to}; the first port must not be above the last"
            ));
        }
        match &self.peer {
            PeerKind::Cidr(block) if block.is_internet() => {
                if ingress && let Some(port) = admin_port(self.port) {
                    return Err(format!(
                        "{what} opens {port} to the internet (`{block}`), which HIPAA 45 CFR §164.312(e)(1) and §164.312(a)(1) forbid (hipaa-stack rule E10); name the security group or address range inside the VPC that needs it"
                    ));
                }
                Err(format!(
                    "{what} names `{block}`, the internet, as an address range; open HTTPS or HTTP to the internet with `Internet::{}` (or the literal `cidr!(\"{block}\")`), and name any other peer precisely",
                    if block.address().is_ipv6() {
                        "IPV6"
                    } else {
                        "IPV4"
                    }
                ))
            }
            // A block holding addresses of the internet (a `PublicCidr`, or a `Cidr` parsed
            // at run time): what the internet may be given, HTTPS and HTTP, and no more (and,
            // as a source, only a block inside the VPC, checked with the app).
            PeerKind::Cidr(block) if public_block(block) && !public_port(self.port) => {
                Err(format!(
                    "{what} opens {} to `{block}`, a block that holds addresses of the internet, which HIPAA 45 CFR §164.312(e)(1) and §164.312(a)(1) allow only HTTPS and HTTP (hipaa-stack rule E10); name the security group or the private address range that needs it",
                    match self.port {
                        (protocol, Some(f), Some(t)) if f == t => format!("{protocol} port {f}"),
                        (protocol, Some(f), Some(t)) => format!("{protocol} ports {f}-{t}"),
                        _ => "every protocol and port".to_owned(),
                    }
                ))
            }
            PeerKind::Cidr(block) if ingress && block.address().is_ipv6() => Err(format!(
                "{what} admits `{block}`, an IPv6 block; a SecureVpc has only an IPv4 block, so no source inside it is IPv6"
            )),
            PeerKind::PrefixList(id) if !aws_id(id, "pl-") => Err(format!(
                "{what} names `{id}`, which is not a prefix list id; they look like `pl-63a5400a`"
            )),
            _ => Ok(()),
        }
    }

    /// The rule as CloudFormation writes it, inside a group's ingress or egress list.
    fn entry(&self, cx: &mut RenderCx<'_>, ingress: bool) -> SecurityGroupEntry {
        let (protocol, from, to) = self.port;
        let mut entry = SecurityGroupEntry {
            ip_protocol: protocol,
            from_port: from,
            to_port: to,
            description: self.description.clone(),
            ..SecurityGroupEntry::default()
        };
        match &self.peer {
            PeerKind::Group(group) => {
                let id = Some(cx.resolve(group.group_id()));
                if ingress {
                    entry.source_security_group_id = id;
                } else {
                    entry.destination_security_group_id = id;
                }
            }
            PeerKind::Cidr(block) if block.address().is_ipv6() => {
                entry.cidr_ipv6 = Some(block.to_string());
            }
            PeerKind::Cidr(block) => entry.cidr_ip = Some(block.to_string()),
            PeerKind::Internet(internet) if internet.is_ipv6() => {
                entry.cidr_ipv6 = Some(internet.to_string());
            }
            PeerKind::Internet(internet) => entry.cidr_ip = Some(internet.to_string()),
            PeerKind::PrefixList(id) => {
                if ingress {
                    entry.source_prefix_list_id = Some(id.clone());
                } else {
                    entry.destination_prefix_list_id = Some(id.clone());
                }
            }
        }
        entry
    }
}

impl Node for SecurityGroup {
    /// The checks that need the rest of the app: an address range admitted by an ingress
    /// rule lies inside the VPC's block.
    fn check_in(&self, arena: &Arena, _stack: u32) -> Result<(), String> {
        let Some(vpc_block) = vpc_block(arena, self.vpc) else {
            return Ok(());
        };
        for (i, rule) in self.ingress.iter().enumerate() {
            if let PeerKind::Cidr(block) = &rule.peer
                && !vpc_block.contains(block)
            {
                return Err(format!(
                    "ingress rule {} admits `{block}`, which is outside the VPC's block `{vpc_block}`; name a security group or a block inside the VPC",
                    i + 1
                ));
            }
        }
        Ok(())
    }
    fn kind(&self) -> &'static str {
        "SecurityGroup"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &[""]
    }

    fn uses(&self) -> Vec<Used> {
        let mut used = vec![self.vpc.used("SecureVpc")];
        for rule in self.ingress.iter().chain(&self.egress) {
            if let PeerKind::Group(group) = &rule.peer {
                used.push(group.used("SecurityGroup"));
            }
        }
        used
    }

    fn check(&self) -> Result<(), String> {
        if let Some(text) = &self.description {
            check_description("the security group", text)?;
        }
        for (i, rule) in self.ingress.iter().enumerate() {
            rule.check(&format!("ingress rule {}", i + 1), true)?;
        }
        for (i, rule) in self.egress.iter().enumerate() {
            rule.check(&format!("egress rule {}", i + 1), false)?;
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let ingress = self.ingress.iter().map(|r| r.entry(cx, true)).collect();
        let egress = if self.egress.is_empty() {
            vec![SecurityGroupEntry::no_egress()]
        } else {
            self.egress.iter().map(|r| r.entry(cx, false)).collect()
        };
        let group = CfnSecurityGroup {
            group_description: self
                .description
                .clone()
                .unwrap_or_else(|| format!("{}: admits only the peers its rules name", cx.path())),
            vpc_id: cx.resolve(self.vpc.vpc_id()),
            security_group_ingress: ingress,
            security_group_egress: egress,
        };
        Ok(vec![Resource::new(cx.logical(""), group)?])
    }
}

// ---------------------------------------------------------------------------------------
// Checks that read other constructs of the app.
// ---------------------------------------------------------------------------------------

/// The error for a construct whose settings contradict another construct of the app.
///
/// `Stack::add` checks a construct on its own; what needs the other constructs (the block
/// of a VPC, whether a database has a security group) is checked when the app is
/// synthesized, and surfaces as `Error::Serialize` naming the construct and the reason.
pub(crate) fn refused(cx: &RenderCx<'_>, reason: &str) -> serde_json::Error {
    <serde_json::Error as serde::ser::Error>::custom(format!(
        "construct `{}` is invalid: {reason}",
        cx.path()
    ))
}

/// The resources another construct of the app renders, as if it were in the stack `stack`
/// (so that its references read as they would there), without recording any reference:
/// for checks against its settings.
pub(crate) fn rendered(arena: &Arena, construct: u32, stack: u32) -> Vec<Resource> {
    let Some(entry) = arena.constructs.get(construct as usize) else {
        return Vec::new();
    };
    let mut scratch = Vec::new();
    let mut cx = RenderCx {
        arena,
        stack,
        construct,
        cross: &mut scratch,
        declare: &crate::app::node::DeclareNothing,
    };
    entry.node.render(&mut cx).unwrap_or_default()
}

/// A property of the resource `part` of another construct, rendered as if in `stack`.
pub(crate) fn rendered_property(
    arena: &Arena,
    construct: u32,
    part: &str,
    stack: u32,
    pointer: &str,
) -> Option<serde_json::Value> {
    let logical_id = arena.logical_id(construct, part);
    rendered(arena, construct, stack)
        .iter()
        .find(|r| r.logical_id() == logical_id)
        .and_then(|r| r.properties().pointer(pointer).cloned())
}

/// The IPv4 block of a `SecureVpc` of the app.
fn vpc_block(arena: &Arena, vpc: Handle<SecureVpc>) -> Option<Cidr> {
    let stack = arena.constructs.get(vpc.index as usize)?.stack;
    rendered_property(arena, vpc.index, "", stack, "/CidrBlock")
        .and_then(|v| v.as_str().and_then(|text| Cidr::parse(text).ok()))
}

// ---------------------------------------------------------------------------------------
// Database grants.
// ---------------------------------------------------------------------------------------

impl Handle<EncryptedDatabase> {
    /// Opens the database's port, exactly (5432 for PostgreSQL, 3306 for MySQL), to the
    /// members of the security group `clients`: an `AWS::EC2::SecurityGroupIngress` on the
    /// database's own security group, with the construct id `id`.
    ///
    /// Every database has a security group of its own, in its VPC. `clients` must be a
    /// group of the same VPC (checked when the grant is added), so a database on
    /// `DbNetwork::existing(..)` cannot be opened to a group of a [`SecureVpc`].
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// use hipaa_stack::SecurityGroup;
    /// let app = App::new("clinic");
    /// let stack = app.stack("clinic")?;
    /// let key = stack.add(KmsKey::new("PhiKey"))?;
    /// let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    /// let ehr = stack.add(EncryptedDatabase::postgres("Ehr").encryption(&key).network(&net))?;
    /// let app_sg = stack.add(SecurityGroup::new("App", &net))?;
    /// stack.add(ehr.allow_from("AppToEhr", &app_sg))?;
    /// # app.synth()?;
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn allow_from(
        &self,
        id: impl Into<String>,
        clients: &Handle<SecurityGroup>,
    ) -> DatabaseAccess {
        DatabaseAccess {
            id: id.into(),
            database: *self,
            clients: *clients,
        }
    }
}

/// A grant that opens a database's port to the members of one security group, made by
/// `database.allow_from(id, &group)` on the handle of an [`EncryptedDatabase`] and added to
/// a stack like any construct.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::SecurityGroup;
/// let app = App::new("clinic");
/// let stack = app.stack("clinic")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
/// let ehr = stack.add(EncryptedDatabase::postgres("Ehr").encryption(&key).network(&net))?;
/// let app_sg = stack.add(SecurityGroup::new("App", &net))?;
/// stack.add(ehr.allow_from("AppToEhr", &app_sg))?; // TCP 5432 from `App` only
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// # Secure defaults
/// - Exactly the engine's port over TCP, from exactly one security group: no address
///   range, never the internet (§164.312(a)(1)).
/// - A description naming the database and the group (E11).
///
/// # Options
/// None.
#[derive(Debug, Clone)]
pub struct DatabaseAccess {
    id: String,
    database: Handle<EncryptedDatabase>,
    clients: Handle<SecurityGroup>,
}

impl Construct<DatabaseAccess> for DatabaseAccess {}

impl IntoNode<DatabaseAccess> for DatabaseAccess {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(self)
    }
}

impl Node for DatabaseAccess {
    fn kind(&self) -> &'static str {
        "DatabaseAccess"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &[""]
    }

    fn uses(&self) -> Vec<Used> {
        vec![
            self.database.used("EncryptedDatabase"),
            self.clients.used("SecurityGroup"),
        ]
    }

    fn check_in(&self, arena: &Arena, _stack: u32) -> Result<(), String> {
        let database = &arena.constructs[self.database.index as usize].node;
        let database_path = arena.path(self.database.index);
        let Some(part) = database
            .security_group_part()
            .filter(|_| database.port().is_some())
        else {
            return Err(format!(
                "the database `{database_path}` has no security group of its own, so hipaa-stack cannot open its port"
            ));
        };
        // The clients' group, rendered as if in the database's stack, names the same VPC.
        let database_stack = arena.constructs[self.database.index as usize].stack;
        let database_vpc =
            rendered_property(arena, self.database.index, part, database_stack, "/VpcId");
        let clients_vpc =
            rendered_property(arena, self.clients.index, "", database_stack, "/VpcId");
        if database_vpc.is_some() && clients_vpc.is_some() && database_vpc != clients_vpc {
            return Err(format!(
                "the security group `{}` is in another VPC than the database `{database_path}`; a security group rule can name only a group of its own VPC",
                arena.path(self.clients.index)
            ));
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let database = &cx.arena.constructs[self.database.index as usize].node;
        let database_path = cx.arena.path(self.database.index);
        // Checked when the grant was added; the database cannot have changed since.
        let (Some(part), Some(port)) = (database.security_group_part(), database.port()) else {
            return Err(refused(cx, "the database has no security group of its own"));
        };
        let rule = SecurityGroupIngress {
            group_id: cx.resolve(self.database.attr_ref::<Id>(part, Attr::Get("GroupId"))),
            rule: SecurityGroupEntry {
                ip_protocol: "tcp",
                from_port: Some(port),
                to_port: Some(port),
                source_security_group_id: Some(cx.resolve(self.clients.group_id())),
                description: format!(
                    "port {port} of {database_path} from {}",
                    cx.arena.path(self.clients.index)
                ),
                ..SecurityGroupEntry::default()
            },
        };
        Ok(vec![Resource::new(cx.logical(""), rule)?])
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::{prop, resource, template_of, template_with};
    use crate::{AllTraffic, Http, Https, Internet, PrefixList, SecurityGroup, Tcp, TcpRange};

    fn vpc(stack: &Stack<'_>, key: Handle<KmsKey>) -> Handle<SecureVpc> {
        stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap()
    }

    #[test]
    fn admits_nothing_and_lets_nothing_out_by_default() {
        let t = template_with(|stack, key, _| {
            let net = vpc(stack, key);
            stack.add(SecurityGroup::new("App", &net)).unwrap();
        });
        let group = resource(&t, "App");
        assert_eq!(group["Type"], "AWS::EC2::SecurityGroup");
        assert!(group["Properties"].get("SecurityGroupIngress").is_none());
        assert_eq!(prop(&t, "App", "/VpcId"), &json!({ "Ref": "Net" }));
        assert_eq!(
            prop(&t, "App", "/SecurityGroupEgress"),
            &json!([{
                "IpProtocol": "icmp",
                "FromPort": 252,
                "ToPort": 86,
                "CidrIp": "255.255.255.255/32",
                "Description": "no outbound traffic (a rule that matches nothing)"
            }])
        );
        assert_eq!(
            prop(&t, "App", "/GroupDescription"),
            "t/App: admits only the peers its rules name"
        );
    }

    #[test]
    fn rules_name_their_peers_and_reasons() {
        let t = template_with(|stack, key, _| {
            let net = vpc(stack, key);
            let lb = stack
                .add(
                    SecurityGroup::new("Web", &net)
                        .description("the load balancer")
                        .ingress(Https, Internet::IPV4, "HTTPS from browsers")
                        .ingress(Http, cidr!("::/0"), "HTTP redirects to HTTPS"),
                )
                .unwrap();
            stack
                .add(
                    SecurityGroup::new("App", &net)
                        .ingress(Tcp::<8443>, &lb, "from the load balancer")
                        .ingress(TcpRange::<9000, 9010>, cidr!("10.20.1.0/24"), "metrics")
                        .ingress(Https, PrefixList::id("pl-0123456789abcdef0"), "partners")
                        .egress(Https, PrefixList::id("pl-63a5400a"), "S3")
                        .egress(AllTraffic, &lb, "anything to the load balancer"),
                )
                .unwrap();
        });
        assert_eq!(prop(&t, "Web", "/GroupDescription"), "the load balancer");
        assert_eq!(
            prop(&t, "Web", "/SecurityGroupIngress"),
            &json!([
                { "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0", "Description": "HTTPS from browsers" },
                { "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIpv6": "::/0", "Description": "HTTP redirects to HTTPS" }
            ])
        );
        assert_eq!(
            prop(&t, "App", "/SecurityGroupIngress"),
            &json!([
                { "IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, "SourceSecurityGroupId": { "Fn::GetAtt": ["Web", "GroupId"] }, "Description": "from the load balancer" },
                { "IpProtocol": "tcp", "FromPort": 9000, "ToPort": 9010, "CidrIp": "10.20.1.0/24", "Description": "metrics" },
                { "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "SourcePrefixListId": "pl-0123456789abcdef0", "Description": "partners" }
            ])
        );
        assert_eq!(
            prop(&t, "App", "/SecurityGroupEgress"),
            &json!([
                { "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "DestinationPrefixListId": "pl-63a5400a", "Description": "S3" },
                { "IpProtocol": "-1", "DestinationSecurityGroupId": { "Fn::GetAtt": ["Web", "GroupId"] }, "Description": "anything to the load balancer" }
            ])
        );
    }

    fn refusal(group: impl FnOnce(Handle<SecureVpc>) -> SecurityGroup) -> String {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = vpc(&stack, key);
        stack.add(group(net)).unwrap_err().to_string()
    }

    #[test]
    fn the_internet_parsed_at_run_time_is_refused_when_added() {
        let internet = Cidr::parse("0.0.0.0/0").unwrap();
        let ssh =
            refusal(|net| SecurityGroup::new("App", &net).ingress(Tcp::<22>, internet, "SSH"));
        assert!(
            ssh.starts_with("construct `t/App` is invalid: ingress rule 1 opens tcp port 22 to the internet (`0.0.0.0/0`)"),
            "{ssh}"
        );
        assert!(ssh.contains("E10"), "{ssh}");
        let ipv6 = Cidr::parse("::/0").unwrap();
        let all = refusal(|net| SecurityGroup::new("App", &net).ingress(AllTraffic, ipv6, "all"));
        assert!(
            all.contains("opens every protocol and port to the internet (`::/0`)"),
            "{all}"
        );
        let mysql = refusal(|net| {
            SecurityGroup::new("App", &net).ingress(TcpRange::<3000, 3400>, internet, "range")
        });
        assert!(
            mysql.contains("opens tcp port 3306 to the internet"),
            "{mysql}"
        );
        let https = refusal(|net| SecurityGroup::new("App", &net).ingress(Https, internet, "web"));
        assert!(https.contains("`Internet::IPV4`"), "{https}");
        let out = refusal(|net| SecurityGroup::new("App", &net).egress(Https, ipv6, "out"));
        assert!(
            out.contains("egress rule 1 names `::/0`, the internet"),
            "{out}"
        );
    }

    /// Half the internet is the internet: a block parsed at run time that holds any public
    /// address gets what the internet gets, HTTPS and HTTP, in either direction; a literal
    /// one is a `PublicCidr`, whose other ports do not compile.
    #[test]
    fn blocks_holding_public_addresses_get_only_https_and_http() {
        let half = Cidr::parse("0.0.0.0/1").unwrap();
        let other_half = Cidr::parse("128.0.0.0/1").unwrap();
        let ssh = refusal(|net| SecurityGroup::new("App", &net).ingress(Tcp::<22>, half, "SSH"));
        assert!(
            ssh.starts_with("construct `t/App` is invalid: ingress rule 1 opens tcp port 22 to `0.0.0.0/1`, a block that holds addresses of the internet"),
            "{ssh}"
        );
        assert!(ssh.contains("E10"), "{ssh}");
        let out = refusal(|net| {
            SecurityGroup::new("App", &net)
                .egress(Https, half, "web")
                .egress(AllTraffic, other_half, "everything")
        });
        assert!(
            out.contains("egress rule 2 opens every protocol and port to `128.0.0.0/1`"),
            "{out}"
        );
        let postgres = refusal(|net| {
            SecurityGroup::new("App", &net).egress(
                Tcp::<5432>,
                Cidr::parse("203.0.113.7/32").unwrap(),
                "a partner database",
            )
        });
        assert!(
            postgres.contains("opens tcp port 5432 to `203.0.113.7/32`"),
            "{postgres}"
        );
        let ipv6 = refusal(|net| {
            SecurityGroup::new("App", &net).egress(
                TcpRange::<1000, 2000>,
                Cidr::parse("2001:db8::/32").unwrap(),
                "ipv6",
            )
        });
        assert!(
            ipv6.contains("opens tcp ports 1000-2000 to `2001:db8::/32`"),
            "{ipv6}"
        );

        // As a source, a public block is outside the VPC, whatever the port: HTTPS from
        // the internet is `Internet`.
        let source = refusal(|net| {
            SecurityGroup::new("App", &net).ingress(Https, cidr!("203.0.113.0/24"), "partner")
        });
        assert!(
            source.contains(
                "ingress rule 1 admits `203.0.113.0/24`, which is outside the VPC's block"
            ),
            "{source}"
        );

        // HTTPS and HTTP out to a public block, literal or parsed, as to the internet; other
        // ports to private and link-local blocks.
        let t = template_with(|stack, key, _| {
            let net = vpc(stack, key);
            stack
                .add(
                    SecurityGroup::new("Partner", &net)
                        .egress(Https, cidr!("198.51.100.0/24"), "HTTPS to the partner")
                        .egress(Http, Cidr::parse("0.0.0.0/1").unwrap(), "HTTP out")
                        .egress(
                            Tcp::<53>,
                            cidr!("169.254.169.253/32"),
                            "the Amazon resolver",
                        ),
                )
                .unwrap();
        });
        assert_eq!(
            prop(&t, "Partner", "/SecurityGroupEgress"),
            &json!([
                { "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "198.51.100.0/24", "Description": "HTTPS to the partner" },
                { "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/1", "Description": "HTTP out" },
                { "IpProtocol": "tcp", "FromPort": 53, "ToPort": 53, "CidrIp": "169.254.169.253/32", "Description": "the Amazon resolver" }
            ])
        );
    }

    #[test]
    fn descriptions_ports_and_peers_are_checked_when_added() {
        for (group, needle) in [
            (
                (|net: Handle<SecureVpc>| {
                    SecurityGroup::new("App", &net).ingress(Https, Internet::IPV4, " ")
                }) as fn(Handle<SecureVpc>) -> SecurityGroup,
                "ingress rule 1 has an empty description",
            ),
            (
                |net| SecurityGroup::new("App", &net).egress(Https, Internet::IPV4, "it's"),
                "contains `'`",
            ),
            (
                |net| {
                    SecurityGroup::new("App", &net).ingress(Https, Internet::IPV4, "x".repeat(256))
                },
                "256 characters",
            ),
            (
                |net| SecurityGroup::new("App", &net).description(""),
                "the security group has an empty description",
            ),
            (
                |net| {
                    SecurityGroup::new("App", &net).ingress(
                        TcpRange::<9, 8>,
                        cidr!("10.20.0.0/16"),
                        "r",
                    )
                },
                "ports 9-8",
            ),
            (
                |net| SecurityGroup::new("App", &net).ingress(Https, PrefixList::id("pl-xyz"), "p"),
                "`pl-xyz`, which is not a prefix list id",
            ),
            (
                |net| SecurityGroup::new("App", &net).ingress(Https, cidr!("fd00::/8"), "v6"),
                "an IPv6 block",
            ),
        ] {
            let err = refusal(group);
            assert!(err.starts_with("construct `t/App` is invalid"), "{err}");
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }

    #[test]
    fn a_block_outside_the_vpc_is_refused_when_added() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = vpc(&stack, key);
        let err = stack
            .add(SecurityGroup::new("App", &net).ingress(Https, cidr!("10.0.0.0/8"), "too wide"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("construct `t/App` is invalid: ingress rule 1 admits `10.0.0.0/8`, which is outside the VPC's block `10.20.0.0/16`"),
            "{err}"
        );
    }

    #[test]
    fn a_database_grant_opens_exactly_the_engine_port_to_one_group() {
        let t = template_with(|stack, key, _| {
            let net = vpc(stack, key);
            let ehr = stack
                .add(
                    EncryptedDatabase::mysql("Ehr")
                        .encryption(&key)
                        .network(&net),
                )
                .unwrap();
            let app_sg = stack.add(SecurityGroup::new("App", &net)).unwrap();
            stack.add(ehr.allow_from("AppToEhr", &app_sg)).unwrap();
        });
        let grant = resource(&t, "AppToEhr");
        assert_eq!(grant["Type"], "AWS::EC2::SecurityGroupIngress");
        assert_eq!(
            grant["Properties"],
            json!({
                "GroupId": { "Fn::GetAtt": ["EhrSecurityGroup", "GroupId"] },
                "IpProtocol": "tcp",
                "FromPort": 3306,
                "ToPort": 3306,
                "SourceSecurityGroupId": { "Fn::GetAtt": ["App", "GroupId"] },
                "Description": "port 3306 of t/Ehr from t/App"
            })
        );
    }

    #[test]
    fn a_grant_across_stacks_imports_both_groups() {
        let app = App::new("test");
        let data = app.stack("data").unwrap();
        let key = data.add(KmsKey::new("PhiKey")).unwrap();
        let net = vpc(&data, key);
        let ehr = data
            .add(
                EncryptedDatabase::postgres("Ehr")
                    .encryption(&key)
                    .network(&net),
            )
            .unwrap();
        let compute = app.stack("compute").unwrap();
        let app_sg = compute.add(SecurityGroup::new("App", &net)).unwrap();
        compute.add(ehr.allow_from("AppToEhr", &app_sg)).unwrap();
        let t = template_of(&app, "compute");
        assert_eq!(
            prop(&t, "AppToEhr", "/GroupId"),
            &json!({ "Fn::ImportValue": "data:EhrSecurityGroup:GroupId" })
        );
        assert_eq!(prop(&t, "AppToEhr", "/FromPort"), 5432);
        assert_eq!(
            prop(&t, "App", "/VpcId"),
            &json!({ "Fn::ImportValue": "data:Net:Ref" })
        );
    }

    #[test]
    fn a_grant_on_a_database_in_an_existing_vpc_to_a_group_of_a_secure_vpc_is_refused() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = vpc(&stack, key);
        let existing = DbNetwork::existing(
            "vpc-0123456789abcdef0",
            &["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
        )
        .unwrap();
        let ehr = stack
            .add(
                EncryptedDatabase::postgres("Ehr")
                    .encryption(&key)
                    .network(existing),
            )
            .unwrap();
        let app_sg = stack.add(SecurityGroup::new("App", &net)).unwrap();
        let err = stack
            .add(ehr.allow_from("AppToEhr", &app_sg))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("construct `t/AppToEhr` is invalid: the security group `t/App` is in another VPC than the database `t/Ehr`"),
            "{err}"
        );
    }

    #[test]
    fn a_prefix_list_is_named_only_with_https_and_http() {
        // Any other port with a prefix list does not compile (trybuild case
        // `security_group_ssh_from_a_prefix_list`).
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = vpc(&stack, key);
        let list = || PrefixList::id("pl-0123456789abcdef0");
        stack
            .add(
                SecurityGroup::new("E", &net)
                    .ingress(Https, list(), "partners")
                    .ingress(Http, list(), "partners, redirected")
                    .egress(Https, list(), "a service behind the list"),
            )
            .unwrap();
    }

    #[test]
    fn a_grant_to_a_group_of_another_vpc_is_refused() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = vpc(&stack, key);
        let other = stack
            .add(SecureVpc::new("Other", cidr!("10.30.0.0/16")).encryption(&key))
            .unwrap();
        let ehr = stack
            .add(
                EncryptedDatabase::postgres("Ehr")
                    .encryption(&key)
                    .network(&net),
            )
            .unwrap();
        let app_sg = stack.add(SecurityGroup::new("App", &other)).unwrap();
        let err = stack
            .add(ehr.allow_from("AppToEhr", &app_sg))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("construct `t/AppToEhr` is invalid: the security group `t/App` is in another VPC than the database `t/Ehr`"),
            "{err}"
        );
    }
}
