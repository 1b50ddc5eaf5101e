//! [`EncryptedDatabase`]: an RDS PostgreSQL or MySQL instance for PHI.

use std::collections::BTreeMap;

use crate::app::node::IntoNode;
use crate::app::node::{KeyService, Node, RenderCx, Used};
use crate::app::{Arn, Attr, Handle, Id, Name, Reference};
use crate::cfn::ec2::{SecurityGroup, SecurityGroupEntry};
use crate::cfn::iam::Role;
use crate::cfn::policy::{PolicyDocument, Principal, Statement};
use crate::cfn::rds::{
    BackupReplication, DbInstance, DbParameterGroup, DbSubnetGroup, MasterUserSecret,
    OptionConfiguration, OptionGroup, OptionSetting,
};
use crate::cfn::{Expr, Keep, Pseudo, Resource};
use crate::constructs::copy_place::check_copy_place;
use crate::constructs::{Construct, EncryptionKey, KeyChosen, KmsKey, NoKey, SecureVpc, VpcTier};
use crate::error::{Error, Result, shown};
use crate::literal::Days;

/// The database engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// PostgreSQL 17.
    Postgres,
    /// MySQL 8.4.
    Mysql,
}

struct EngineSpec {
    engine: &'static str,
    version: &'static str,
    major: &'static str,
    family: &'static str,
    port: u16,
    log_exports: &'static [&'static str],
    parameters: &'static [(&'static str, &'static str)],
    parts: &'static [&'static str],
}

impl Engine {
    fn spec(self) -> EngineSpec {
        match self {
            Engine::Postgres => EngineSpec {
                engine: "postgres",
                version: "17.6",
                major: "17",
                family: "postgres17",
                port: 5432,
                log_exports: &["postgresql", "upgrade"],
                parameters: &[
                    ("log_connections", "1"),
                    ("log_disconnections", "1"),
                    ("rds.force_ssl", "1"),
                ],
                parts: &[
                    "",
                    "SubnetGroup",
                    "SecurityGroup",
                    "Parameters",
                    "MonitoringRole",
                ],
            },
            Engine::Mysql => EngineSpec {
                engine: "mysql",
                version: "8.4.6",
                major: "8.4",
                family: "mysql8.4",
                port: 3306,
                log_exports: &["audit", "error", "general", "slowquery"],
                parameters: &[
                    ("general_log", "1"),
                    ("log_output", "FILE"),
                    ("require_secure_transport", "1"),
                    ("slow_query_log", "1"),
                ],
                parts: &[
                    "",
                    "SubnetGroup",
                    "SecurityGroup",
                    "Parameters",
                    "MonitoringRole",
                    "Options",
                ],
            },
        }
    }

    /// The port the engine listens on.
    ///
    /// ```
    /// assert_eq!(hipaa_stack::Engine::Postgres.port(), 5432);
    /// ```
    pub fn port(self) -> u16 {
        self.spec().port
    }
}

/// The private network of a database: the private subnets of a [`SecureVpc`], or existing
/// subnets (in at least two availability zones) of an existing VPC. Either way the database
/// gets a security group of its own, open to no one until a grant
/// ([`allow_from`](crate::Handle::allow_from)): no security group made elsewhere, whose
/// rules hipaa-stack cannot see, ever guards it.
///
/// A database is never publicly accessible whatever the subnets are. The only ways to make
/// a `DbNetwork` are `(&vpc).into()` and [`DbNetwork::existing`], which checks the ids.
///
/// ```
/// use hipaa_stack::DbNetwork;
/// let net = DbNetwork::existing(
///     "vpc-0123456789abcdef0",
///     &["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
/// )?;
/// assert!(DbNetwork::existing("vpc-0123456789abcdef0", &["subnet-0a1b2c3d4e5f60718"]).is_err());
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// A network is not built from parts, which would skip the checks:
///
/// ```compile_fail
/// let _ = hipaa_stack::DbNetwork::Existing {
///     subnets: vec!["subnet-1".to_owned()],
///     security_group: "sg-open-to-the-world".to_owned(),
/// };
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbNetwork(NetworkKind);

#[derive(Debug, Clone, PartialEq, Eq)]
enum NetworkKind {
    /// The private subnets of a `SecureVpc` of this app.
    Vpc(Handle<SecureVpc>),
    /// Existing subnets of an existing VPC, by id (checked, sorted, at least two).
    Existing { vpc: String, subnets: Vec<String> },
}

impl<T: VpcTier> From<&Handle<SecureVpc<Handle<KmsKey>, T>>> for DbNetwork {
    fn from(vpc: &Handle<SecureVpc<Handle<KmsKey>, T>>) -> Self {
        DbNetwork(NetworkKind::Vpc(vpc.any_tier()))
    }
}

impl DbNetwork {
    /// Existing private subnets (at least two, for Multi-AZ) of the existing VPC `vpc_id`.
    /// The database gets a security group of its own in that VPC, which admits no one.
    pub fn existing(vpc_id: &str, subnet_ids: &[&str]) -> Result<Self> {
        let invalid = |reason: String| Error::InvalidNetwork { reason };
        if !aws_id(vpc_id, "vpc-") {
            return Err(invalid(format!(
                "`{}` is not a VPC id; VPC ids look like `vpc-0123456789abcdef0`",
                shown(vpc_id)
            )));
        }
        for id in subnet_ids {
            if !aws_id(id, "subnet-") {
                return Err(invalid(format!(
                    "`{}` is not a subnet id; subnet ids look like `subnet-0a1b2c3d4e5f60718`",
                    shown(id)
                )));
            }
        }
        let mut subnets: Vec<String> = subnet_ids.iter().map(|s| (*s).to_owned()).collect();
        subnets.sort();
        subnets.dedup();
        if subnets.len() < 2 {
            return Err(invalid(
                "a Multi-AZ database needs subnets in at least two availability zones; give two or more subnet ids".to_owned(),
            ));
        }
        Ok(DbNetwork(NetworkKind::Existing {
            vpc: vpc_id.to_owned(),
            subnets,
        }))
    }
}

fn aws_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17)
            && hex
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    })
}

/// The state of a database whose network has not been chosen yet.
///
/// Call `.network(..)`; until then the database cannot be added to a stack.
#[derive(Debug, Clone, Copy)]
pub struct NoNetwork;

/// Implemented by a chosen network: the state after `.network(..)`.
#[diagnostic::on_unimplemented(
    message = "`{C}` has no private network",
    label = "call `.network(&vpc)` with a `SecureVpc` on this `{C}` before adding it to a stack",
    note = "HIPAA 45 CFR §164.312(a)(1) and §164.312(e)(1) (hipaa-stack control R2): a database of PHI lives in private subnets behind a security group that names who may connect"
)]
pub trait NetworkChosen<C>: sealed::ChosenNetwork {}

impl<C> NetworkChosen<C> for DbNetwork {}

mod sealed {
    pub trait ChosenNetwork {
        fn network(self) -> super::DbNetwork;
    }

    impl ChosenNetwork for super::DbNetwork {
        fn network(self) -> super::DbNetwork {
            self
        }
    }
}

/// A backup retention that RDS accepts and that keeps at least a week of backups.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an allowed backup retention for a database of PHI",
    label = "use a value from days!(7) to days!(35)",
    note = "HIPAA 45 CFR §164.308(a)(7)(ii)(A) (hipaa-stack control R3): automated backups are kept at least 7 days; RDS keeps them at most 35"
)]
pub trait BackupRetention: crate::constructs::sealed::DaysKind {}

macro_rules! backup_retentions {
    ($($n:literal),*) => { $(impl BackupRetention for Days<$n> {})* };
}
backup_retentions!(
    7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
    31, 32, 33, 34, 35
);

/// An RDS database instance (PostgreSQL 17 or MySQL 8.4) that stores PHI.
///
/// It needs a customer-managed key ([`encryption`](EncryptedDatabase::encryption)) and a
/// private network ([`network`](EncryptedDatabase::network)); without either,
/// [`Stack::add`](crate::Stack::add) does not compile.
///
/// What it creates (logical ids after the construct id `Ehr`): `Ehr` (the instance),
/// `EhrSubnetGroup`, `EhrParameters` (the parameter group that forces TLS),
/// `EhrMonitoringRole` (the enhanced-monitoring role) and, for MySQL, `EhrOptions` (the
/// option group that turns on the audit log).
///
/// # Secure defaults
/// - Storage encrypted with the customer key (R1, §164.312(a)(2)(iv)); so are the
///   Performance Insights data and the master password's secret (R13).
/// - Never publicly accessible, written explicitly (R2, §164.312(a)(1)).
/// - Automated backups kept 35 days (R3, §164.308(a)(7)), and kept after the instance is
///   deleted; Multi-AZ (R5).
/// - Deletion protection; `DeletionPolicy` and `UpdateReplacePolicy` `Snapshot` (R6).
/// - Enhanced monitoring every 60 seconds with its own role (R7, §164.312(b)).
/// - The engine's full set of log exports to CloudWatch Logs (R8): PostgreSQL `postgresql`
///   and `upgrade`, with connections and disconnections logged; MySQL `audit`, `error`,
///   `general` and `slowquery`, with the MariaDB audit plugin on.
/// - Minor version upgrades (R9), IAM database authentication (R11).
/// - TLS forced by the parameter group (R12, §164.312(e)(1)): `rds.force_ssl` for
///   PostgreSQL, `require_secure_transport` for MySQL.
/// - No password in the template: RDS manages it in Secrets Manager (R13).
///
/// # What it leaves open
/// RDS writes the exported logs to log groups it creates itself (`/aws/rds/instance/<name>/
/// <log>`), encrypted with CloudWatch Logs' own key and kept until deleted: the database is
/// named by CloudFormation at deploy, so that it can be replaced when an update needs it, and
/// no template can declare groups of a name it does not know. The report shows this as a gap
/// of rule L4, which `up` closes after it creates or updates the stack: it gives each group
/// the database's key (whose policy lets CloudWatch Logs use it, for that reason) and a
/// retention of a year, and notes it as the evidence; events written before that stay under
/// CloudWatch Logs' key. Deployed by other means, associate the key with each group (`aws
/// logs associate-kms-key`) and set its retention.
///
/// # Options
/// - [`backup_retention`](EncryptedDatabase::backup_retention). Default: 35 days.
/// - [`instance_class`](EncryptedDatabase::instance_class). Default: `db.m6g.large`.
/// - [`storage_gib`](EncryptedDatabase::storage_gib). Default: 100 GiB of gp3.
///
/// ```
/// use hipaa_stack::prelude::*;
/// let app = App::new("clinic");
/// let stack = app.stack("clinic-data")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let net = DbNetwork::existing(
///     "vpc-0123456789abcdef0",
///     &["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
/// )?;
/// let ehr = stack.add(
///     EncryptedDatabase::postgres("Ehr")
///         .encryption(&key)
///         .network(net)
///         .backup_retention(days!(35)),
/// )?;
/// stack.output("EhrEndpoint", ehr.endpoint_address())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// A backup retention under a week does not compile:
///
/// ```compile_fail
/// use hipaa_stack::prelude::*;
/// let _ = EncryptedDatabase::postgres("Ehr").backup_retention(days!(3));
/// ```
#[derive(Debug, Clone)]
pub struct EncryptedDatabase<K = Handle<KmsKey>, N = DbNetwork> {
    id: String,
    engine: Engine,
    key: K,
    network: N,
    backup_days: u16,
    instance_class: String,
    storage_gib: u32,
    backup_copy_key: Option<Handle<KmsKey>>,
}

impl EncryptedDatabase<NoKey, NoNetwork> {
    /// A PostgreSQL 17 database with the construct id `id`.
    pub fn postgres(id: impl Into<String>) -> Self {
        Self::with_engine(id.into(), Engine::Postgres)
    }

    /// A MySQL 8.4 database with the construct id `id`.
    pub fn mysql(id: impl Into<String>) -> Self {
        Self::with_engine(id.into(), Engine::Mysql)
    }

    fn with_engine(id: String, engine: Engine) -> Self {
        EncryptedDatabase {
            id,
            engine,
            key: NoKey,
            network: NoNetwork,
            backup_days: 35,
            instance_class: "db.m6g.large".to_owned(),
            storage_gib: 100,
            backup_copy_key: None,
        }
    }
}

impl<K, N> EncryptedDatabase<K, N> {
    /// Encrypts storage, Performance Insights and the master password's secret with this key.
    pub fn encryption<E: EncryptionKey>(
        self,
        key: &Handle<E>,
    ) -> EncryptedDatabase<Handle<KmsKey>, N> {
        EncryptedDatabase {
            id: self.id,
            engine: self.engine,
            key: key.cast(),
            network: self.network,
            backup_days: self.backup_days,
            instance_class: self.instance_class,
            storage_gib: self.storage_gib,
            backup_copy_key: self.backup_copy_key,
        }
    }

    /// Places the database in private subnets: `.network(&vpc)` for a [`SecureVpc`], or
    /// `.network(DbNetwork::existing(..)?)`.
    pub fn network(self, network: impl Into<DbNetwork>) -> EncryptedDatabase<K, DbNetwork> {
        EncryptedDatabase {
            id: self.id,
            engine: self.engine,
            key: self.key,
            network: network.into(),
            backup_days: self.backup_days,
            instance_class: self.instance_class,
            storage_gib: self.storage_gib,
            backup_copy_key: self.backup_copy_key,
        }
    }

    /// How long automated backups are kept: 7 to 35 days. Default: 35 days.
    pub fn backup_retention<const D: u16>(mut self, days: Days<D>) -> Self
    where
        Days<D>: BackupRetention,
    {
        self.backup_days = days.get();
        self
    }

    /// The instance class, e.g. `db.r6g.xlarge`. Default: `db.m6g.large`. Checked when the
    /// database is added: it must be a `db.` class that supports Multi-AZ and encryption.
    pub fn instance_class(mut self, class: impl Into<String>) -> Self {
        self.instance_class = class.into();
        self
    }

    /// Allocated gp3 storage, 20 to 65,536 GiB. Default: 100. Checked when the database is
    /// added.
    pub fn storage_gib(mut self, gib: u32) -> Self {
        self.storage_gib = gib;
        self
    }

    /// Replicates the automated backups (snapshots and transaction logs, for point-in-time
    /// restore) to the region of `key`, a key of a stack pinned to another region, which
    /// encrypts them there; they are kept as long as at home. The key's ARN reaches this
    /// stack as a template parameter that `up` fills from the key's stack. Adding the
    /// database fails when the key's stack is in the database's region or pinned to none
    /// (§164.308(a)(7)(ii)(B)). Default: no copy.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// let app = App::new("clinic");
    /// let dr = app.stack_in("clinic-dr", region!("us-west-2"))?;
    /// let dr_key = dr.add(KmsKey::new("DrKey"))?;
    /// let data = app.stack("clinic-data")?;
    /// let key = data.add(KmsKey::new("PhiKey"))?;
    /// let net = data.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    /// data.add(
    ///     EncryptedDatabase::postgres("Ehr")
    ///         .encryption(&key)
    ///         .network(&net)
    ///         .replicate_backups_to(&dr_key),
    /// )?;
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn replicate_backups_to<E: EncryptionKey>(mut self, key: &Handle<E>) -> Self {
        self.backup_copy_key = Some(key.cast());
        self
    }
}

impl Handle<EncryptedDatabase> {
    /// The instance identifier.
    pub fn instance_id(&self) -> Reference<Id> {
        self.attr_ref("", Attr::Ref)
    }

    /// The instance's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("DBInstanceArn"))
    }

    /// The host name clients connect to.
    pub fn endpoint_address(&self) -> Reference<Name> {
        self.attr_ref("", Attr::Get("Endpoint.Address"))
    }

    /// The ARN of the Secrets Manager secret that holds the master password.
    pub fn master_secret_arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("MasterUserSecret.SecretArn"))
    }
}

impl<K: KeyChosen<EncryptedDatabase>, N: NetworkChosen<EncryptedDatabase>>
    Construct<EncryptedDatabase> for EncryptedDatabase<K, N>
{
}

impl<K: KeyChosen<EncryptedDatabase>, N: NetworkChosen<EncryptedDatabase>>
    IntoNode<EncryptedDatabase> for EncryptedDatabase<K, N>
{
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(DatabaseNode {
            id: self.id,
            engine: self.engine,
            key: self.key.key(),
            network: self.network.network(),
            backup_days: self.backup_days,
            instance_class: self.instance_class,
            storage_gib: self.storage_gib,
            backup_copy_key: self.backup_copy_key,
        })
    }
}

struct DatabaseNode {
    id: String,
    engine: Engine,
    key: Handle<KmsKey>,
    network: DbNetwork,
    backup_days: u16,
    instance_class: String,
    storage_gib: u32,
    backup_copy_key: Option<Handle<KmsKey>>,
}

impl Node for DatabaseNode {
    fn kind(&self) -> &'static str {
        "EncryptedDatabase"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        self.engine.spec().parts
    }

    fn uses(&self) -> Vec<Used> {
        let mut used = vec![self.key.used("KmsKey")];
        used.extend(self.backup_copy_key.map(|k| k.used("KmsKey")));
        if let NetworkKind::Vpc(vpc) = &self.network.0 {
            used.push(vpc.used("SecureVpc"));
        }
        used
    }

    fn port(&self) -> Option<u16> {
        Some(self.engine.port())
    }

    fn security_group_part(&self) -> Option<&'static str> {
        Some("SecurityGroup")
    }

    fn encryption_key(&self) -> Option<u32> {
        Some(self.key.index)
    }

    /// The exported logs' groups, named by RDS for the database at deploy, get the
    /// database's key from `up` (rule L4): CloudWatch Logs must be allowed to use it.
    fn key_services(&self) -> Vec<(u32, KeyService)> {
        vec![(self.key.index, KeyService::Logs)]
    }

    /// The backups' copy goes to a region of its own: a named region, not this one.
    fn check_in(&self, arena: &crate::app::Arena, stack: u32) -> Result<(), String> {
        let Some(copy_key) = self.backup_copy_key else {
            return Ok(());
        };
        let there = arena.constructs[copy_key.index as usize].stack;
        let there_region = &arena.stacks[there as usize].region;
        let here_region = &arena.stacks[stack as usize].region;
        match there_region {
            None => Err(format!(
                "its backups replicate with `{}`, a key of a stack pinned to no region; declare that stack with `app.stack_in(name, region)` in the region the copies belong in (HIPAA 45 CFR §164.308(a)(7)(ii)(B))",
                arena.path(copy_key.index)
            )),
            Some(region) if Some(region) == here_region.as_ref() => Err(format!(
                "its backups replicate to {region}, the database's own region; a copy for disaster recovery lives in another region: use a key of a stack pinned there (HIPAA 45 CFR §164.308(a)(7)(ii)(B))"
            )),
            Some(_) => check_copy_place(
                arena,
                stack,
                copy_key.index,
                "the key its replicated backups are encrypted with",
            ),
        }
    }

    fn check(&self) -> Result<(), String> {
        let class_ok = self.instance_class.strip_prefix("db.").is_some_and(|rest| {
            let mut pieces = rest.split('.');
            let family = pieces.next().unwrap_or("");
            let size = pieces.next().unwrap_or("");
            pieces.next().is_none()
                && !family.is_empty()
                && !size.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.')
        });
        if !class_ok {
            return Err(format!(
                "`{}` is not an RDS instance class; write it like `db.m6g.large`",
                self.instance_class
            ));
        }
        if self.instance_class.starts_with("db.t2.") || self.instance_class.starts_with("db.m1.") {
            return Err(format!(
                "`{}` cannot encrypt storage with a customer key and run Multi-AZ; choose a current class such as `db.m6g.large`",
                self.instance_class
            ));
        }
        if !(20..=65_536).contains(&self.storage_gib) {
            return Err(format!(
                "{} GiB of gp3 storage is outside RDS's range of 20 to 65,536 GiB",
                self.storage_gib
            ));
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let spec = self.engine.spec();
        let key = cx.resolve(self.key.arn());
        let path = cx.path();
        let mut resources = Vec::with_capacity(5);

        let (subnet_ids, vpc_id) = match &self.network.0 {
            NetworkKind::Existing { vpc, subnets } => (
                subnets.iter().map(|s| Expr::lit(s.as_str())).collect(),
                Expr::lit(vpc.as_str()),
            ),
            NetworkKind::Vpc(vpc) => {
                let zones = cx
                    .arena
                    .constructs
                    .get(vpc.index as usize)
                    .map_or(0, |c| c.node.private_subnet_count());
                let subnets: Vec<Expr> = (0..zones)
                    .map(|zone| cx.resolve(vpc.private_subnet_id(zone)))
                    .collect();
                (subnets, cx.resolve(vpc.vpc_id()))
            }
        };
        // The database's own group: no ingress until a grant, no egress.
        let group = SecurityGroup {
            group_description: format!(
                "connections to {path}: none until a construct is granted access"
            ),
            vpc_id,
            security_group_ingress: Vec::new(),
            security_group_egress: vec![SecurityGroupEntry::no_egress()],
        };
        resources.push(Resource::new(cx.logical("SecurityGroup"), group)?);
        let security_group = cx.own_att("SecurityGroup", "GroupId");
        let subnets = DbSubnetGroup {
            description: format!("private subnets of {path}"),
            subnet_ids,
        };
        resources.push(Resource::new(cx.logical("SubnetGroup"), subnets)?);

        let parameters = DbParameterGroup {
            description: format!("forces TLS and connection logging for {path}"),
            family: spec.family,
            parameters: spec.parameters.iter().copied().collect::<BTreeMap<_, _>>(),
        };
        resources.push(Resource::new(cx.logical("Parameters"), parameters)?);

        let option_group = if self.engine == Engine::Mysql {
            let options = OptionGroup {
                engine_name: spec.engine,
                major_engine_version: spec.major,
                description: format!("turns on the MariaDB audit plugin for {path}"),
                options: vec![OptionConfiguration {
                    name: "MARIADB_AUDIT_PLUGIN",
                    settings: vec![OptionSetting {
                        name: "SERVER_AUDIT_EVENTS",
                        value: "CONNECT,QUERY_DDL,QUERY_DCL",
                    }],
                }],
            };
            resources.push(Resource::new(cx.logical("Options"), options)?);
            Some(cx.own_ref("Options"))
        } else {
            None
        };

        let role = Role {
            description: format!("enhanced monitoring of {path}"),
            assume_role_policy_document: PolicyDocument::new(vec![
                Statement::allow(
                    "TrustRdsMonitoring",
                    Principal::Service("monitoring.rds.amazonaws.com".into()),
                    &["sts:AssumeRole"],
                    Vec::new(),
                )
                .when(
                    "StringEquals",
                    "aws:SourceAccount",
                    Expr::pseudo(Pseudo::AccountId),
                ),
            ]),
            managed_policy_arns: vec![Expr::sub_pseudo(
                "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
            )],
        };
        resources.push(Resource::new(cx.logical("MonitoringRole"), role)?);

        let backup_replication = match self.backup_copy_key {
            Some(copy_key) => {
                let region = cx
                    .arena
                    .constructs
                    .get(copy_key.index as usize)
                    .and_then(|c| cx.arena.stacks.get(c.stack as usize))
                    .and_then(|s| s.region.as_ref())
                    .map(ToString::to_string)
                    .unwrap_or_default();
                Some(BackupReplication {
                    region,
                    kms_key_id: cx.resolve_anywhere(copy_key.arn()),
                    retention_period: self.backup_days,
                })
            }
            None => None,
        };
        let instance = DbInstance {
            engine: spec.engine,
            engine_version: spec.version,
            instance_class: self.instance_class.clone(),
            allocated_storage: self.storage_gib.to_string(),
            storage_type: "gp3",
            storage_encrypted: true,
            kms_key_id: key.clone(),
            publicly_accessible: false,
            multi_az: true,
            subnet_group: cx.own_ref("SubnetGroup"),
            security_groups: vec![security_group],
            parameter_group: cx.own_ref("Parameters"),
            option_group,
            backup_retention_period: self.backup_days,
            backup_replication,
            copy_tags_to_snapshot: true,
            delete_automated_backups: false,
            deletion_protection: true,
            monitoring_interval: 60,
            monitoring_role_arn: cx.own_att("MonitoringRole", "Arn"),
            log_exports: spec.log_exports.to_vec(),
            performance_insights: true,
            performance_insights_key: key.clone(),
            performance_insights_retention: 7,
            auto_minor_version_upgrade: true,
            iam_authentication: true,
            master_username: "dbadmin".to_owned(),
            manage_master_user_password: true,
            master_user_secret: MasterUserSecret { kms_key_id: key },
        };
        resources.push(Resource::new(cx.logical(""), instance)?.keep(Keep::Snapshot));
        Ok(resources)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::{assert_kept, prop, resource, statement, template_with};

    fn network() -> DbNetwork {
        DbNetwork::existing(
            "vpc-0123456789abcdef0",
            &["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
        )
        .unwrap()
    }

    /// A database whose backups replicate with a key of `dr` (pinned to `dr_region`, or to
    /// none), from a stack pinned to `home`.
    fn replicated(
        home: Option<Region>,
        dr_region: Option<Region>,
    ) -> crate::Result<crate::Assembly> {
        let app = App::new("clinic");
        let dr = match dr_region {
            Some(r) => app.stack_in("clinic-dr", r)?,
            None => app.stack("clinic-dr")?,
        };
        let dr_key = dr.add(KmsKey::new("DrKey"))?;
        let data = match home {
            Some(r) => app.stack_in("clinic-data", r)?,
            None => app.stack("clinic-data")?,
        };
        let key = data.add(KmsKey::new("PhiKey"))?;
        data.add(
            EncryptedDatabase::postgres("Ehr")
                .encryption(&key)
                .network(network())
                .backup_retention(days!(14))
                .replicate_backups_to(&dr_key),
        )?;
        app.synth()
    }

    #[test]
    fn existing_network_errors_name_the_call_and_show_the_id_cut_short() {
        let long = format!("vpc-{}\u{1b}[31m", "f".repeat(5000));
        let error = DbNetwork::existing(&long, &["subnet-0a1b2c3d", "subnet-0a1b2c3e"])
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("the database network given to `DbNetwork::existing(..)`"),
            "{error}"
        );
        assert!(error.len() < 300, "{error}");
        assert!(!error.contains('\u{1b}'), "{error}");
        let error = DbNetwork::existing("vpc-0123456789abcdef0", &["subnet-\n"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("`subnet-\\n` is not a subnet id"), "{error}");
    }

    /// `up` gives the groups of the exported logs the database's key (rule L4): its policy
    /// lets CloudWatch Logs use it, for log groups of the account and region only, even
    /// when nothing else of the app writes logs with it.
    #[test]
    fn the_key_lets_cloudwatch_logs_encrypt_the_exported_logs() {
        let assembly = replicated(None, Some(region!("us-west-2"))).unwrap();
        let t: serde_json::Value =
            crate::cfn::tree::from_str(assembly.stack("clinic-data").unwrap().template_json())
                .unwrap();
        let policy = prop(&t, "PhiKey", "/KeyPolicy");
        assert!(
            crate::testing::sids(policy).contains(&"AllowCloudWatchLogs".to_owned()),
            "{policy}"
        );
        let logs = statement(policy, "AllowCloudWatchLogs");
        assert_eq!(
            logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"],
            json!({"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"})
        );
        // The recovery key of the other stack encrypts no logs.
        let dr: serde_json::Value =
            crate::cfn::tree::from_str(assembly.stack("clinic-dr").unwrap().template_json())
                .unwrap();
        let dr_policy = prop(&dr, "DrKey", "/KeyPolicy");
        assert!(
            !crate::testing::sids(dr_policy).contains(&"AllowCloudWatchLogs".to_owned()),
            "{dr_policy}"
        );
    }

    #[test]
    fn backups_replicate_to_the_key_s_region_through_a_parameter() {
        let assembly = replicated(None, Some(region!("us-west-2"))).unwrap();
        let t: serde_json::Value =
            crate::cfn::tree::from_str(assembly.stack("clinic-data").unwrap().template_json())
                .unwrap();
        assert_eq!(
            prop(&t, "Ehr", "/AutomaticBackupReplicationRegion"),
            "us-west-2"
        );
        assert_eq!(
            prop(&t, "Ehr", "/AutomaticBackupReplicationKmsKeyId"),
            &json!({"Ref": "Xrclinicdr5DrKeyArn"})
        );
        assert_eq!(
            prop(&t, "Ehr", "/AutomaticBackupReplicationRetentionPeriod"),
            14
        );
        assert_eq!(
            assembly.stack("clinic-data").unwrap().dependencies(),
            ["clinic-dr"]
        );
    }

    #[test]
    fn backups_replicating_to_their_own_region_or_no_named_region_are_refused() {
        let err = replicated(Some(region!("us-west-2")), Some(region!("us-west-2")))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("its backups replicate to us-west-2, the database's own region"),
            "{err}"
        );
        let err = replicated(Some(region!("us-west-2")), None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a key of a stack pinned to no region"),
            "{err}"
        );
        // RDS replicates backups within a partition only.
        let err = replicated(
            Some(region!("us-east-1")),
            Some(Region::new("cn-north-1").unwrap()),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("construct `clinic-data/Ehr` is invalid: `clinic-dr/DrKey`, the key its replicated backups are encrypted with, is in cn-north-1, of the AWS partition `aws-cn`, and this construct in us-east-1, of `aws`: AWS copies nothing across partitions"),
            "{err}"
        );
    }

    #[test]
    fn a_database_without_replication_has_none_of_its_properties() {
        let t = database(false);
        let props = &resource(&t, "Ehr")["Properties"];
        assert!(
            props.get("AutomaticBackupReplicationRegion").is_none(),
            "{props}"
        );
    }

    fn database(mysql: bool) -> serde_json::Value {
        template_with(|stack, key, _| {
            let db = if mysql {
                EncryptedDatabase::mysql("Ehr")
            } else {
                EncryptedDatabase::postgres("Ehr")
            };
            stack
                .add(
                    db.encryption(&key)
                        .network(network())
                        .backup_retention(days!(14)),
                )
                .unwrap();
        })
    }

    #[test]
    fn postgres_has_every_control() {
        let t = database(false);
        let key = json!({ "Fn::GetAtt": ["PhiKey", "Arn"] });
        let p = |pointer| prop(&t, "Ehr", pointer);
        assert_eq!(p("/Engine"), "postgres");
        assert_eq!(p("/StorageEncrypted"), true);
        assert_eq!(p("/KmsKeyId"), &key);
        assert_eq!(p("/PubliclyAccessible"), false);
        assert_eq!(p("/BackupRetentionPeriod"), 14);
        assert_eq!(p("/MultiAZ"), true);
        assert_eq!(p("/DeletionProtection"), true);
        assert_eq!(p("/DeleteAutomatedBackups"), false);
        assert_eq!(p("/MonitoringInterval"), 60);
        assert_eq!(
            p("/MonitoringRoleArn"),
            &json!({ "Fn::GetAtt": ["EhrMonitoringRole", "Arn"] })
        );
        assert_eq!(
            p("/EnableCloudwatchLogsExports"),
            &json!(["postgresql", "upgrade"])
        );
        assert_eq!(p("/AutoMinorVersionUpgrade"), true);
        assert_eq!(p("/EnableIAMDatabaseAuthentication"), true);
        assert_eq!(p("/ManageMasterUserPassword"), true);
        assert_eq!(p("/MasterUserSecret/KmsKeyId"), &key);
        assert_eq!(p("/PerformanceInsightsKMSKeyId"), &key);
        assert!(
            resource(&t, "Ehr")["Properties"]
                .get("MasterUserPassword")
                .is_none()
        );
        assert_eq!(
            p("/DBParameterGroupName"),
            &json!({ "Ref": "EhrParameters" })
        );
        assert_eq!(p("/DBSubnetGroupName"), &json!({ "Ref": "EhrSubnetGroup" }));
        assert_eq!(
            p("/VPCSecurityGroups"),
            &json!([{ "Fn::GetAtt": ["EhrSecurityGroup", "GroupId"] }])
        );
        // The database's own group, in the existing VPC, admits no one.
        assert_eq!(
            prop(&t, "EhrSecurityGroup", "/VpcId"),
            "vpc-0123456789abcdef0"
        );
        assert!(
            resource(&t, "EhrSecurityGroup")["Properties"]
                .get("SecurityGroupIngress")
                .is_none_or(|rules| rules.as_array().is_some_and(Vec::is_empty))
        );
        assert_kept(&t, "Ehr", "Snapshot");
        assert_eq!(prop(&t, "EhrParameters", "/Parameters/rds.force_ssl"), "1");
        assert_eq!(prop(&t, "EhrParameters", "/Family"), "postgres17");
        assert!(t["Resources"].get("EhrOptions").is_none());
    }

    #[test]
    fn mysql_forces_tls_and_turns_on_the_audit_log() {
        let t = database(true);
        assert_eq!(prop(&t, "Ehr", "/Engine"), "mysql");
        assert_eq!(
            prop(&t, "Ehr", "/EnableCloudwatchLogsExports"),
            &json!(["audit", "error", "general", "slowquery"])
        );
        assert_eq!(
            prop(&t, "EhrParameters", "/Parameters/require_secure_transport"),
            "1"
        );
        assert_eq!(
            prop(&t, "Ehr", "/OptionGroupName"),
            &json!({ "Ref": "EhrOptions" })
        );
        assert_eq!(
            prop(&t, "EhrOptions", "/OptionConfigurations/0/OptionName"),
            "MARIADB_AUDIT_PLUGIN"
        );
    }

    #[test]
    fn the_monitoring_role_uses_the_aws_managed_policy_only() {
        let t = database(false);
        let role = resource(&t, "EhrMonitoringRole");
        assert!(role["Properties"].get("Policies").is_none());
        let trust = statement(
            &role["Properties"]["AssumeRolePolicyDocument"],
            "TrustRdsMonitoring",
        );
        assert_eq!(
            trust["Principal"],
            json!({ "Service": "monitoring.rds.amazonaws.com" })
        );
        assert_eq!(
            role["Properties"]["ManagedPolicyArns"],
            json!([{ "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole" }])
        );
    }

    #[test]
    fn impossible_settings_are_errors_naming_the_construct() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let base = || {
            EncryptedDatabase::postgres("Ehr")
                .encryption(&key)
                .network(network())
        };
        for (db, needle) in [
            (
                base().instance_class("m6g.large"),
                "not an RDS instance class",
            ),
            (
                base().instance_class("db.t2.micro"),
                "cannot encrypt storage",
            ),
            (base().storage_gib(10), "outside RDS's range"),
        ] {
            let err = stack.add(db).unwrap_err().to_string();
            assert!(err.starts_with("construct `t/Ehr` is invalid"), "{err}");
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn a_network_needs_a_vpc_and_two_real_subnets() {
        let vpc = "vpc-0123456789abcdef0";
        for (group, subnets, needle) in [
            (
                vpc,
                &["subnet-0a1b2c3d4e5f60718"][..],
                "at least two availability zones",
            ),
            (
                vpc,
                &["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60718"][..],
                "at least two",
            ),
            (
                vpc,
                &["subnet-xyz", "subnet-0a1b2c3d"][..],
                "`subnet-xyz` is not a subnet id",
            ),
            (
                "sg-0123456789abcdef0",
                &["subnet-0a1b2c3d", "subnet-1a1b2c3d"][..],
                "`sg-0123456789abcdef0` is not a VPC id",
            ),
        ] {
            let err = DbNetwork::existing(group, subnets).unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        }
    }
}
