//! [`BackupPlan`] and [`BackupVault`]: AWS Backup for the stores of PHI.

use crate::app::node::IntoNode;
use crate::app::node::{Node, RenderCx, Used, resolve_target};
use crate::app::{Arena, Arn, Attr, Handle, Id, Name, Reference};
use crate::cfn::backup::{
    BackupPlan as CfnBackupPlan, BackupSelection, BackupVault as CfnBackupVault, CopyAction,
    Lifecycle, PlanBody, PlanRule, SelectionBody,
};
use crate::cfn::iam::Role;
use crate::cfn::policy::{PolicyDocument, Principal, Statement};
use crate::cfn::{Expr, Keep, Resource};
use crate::constructs::copy_place::check_copy_place;
use crate::constructs::{
    Construct, EncryptedDatabase, EncryptionKey, KeyChosen, KmsKey, NoKey, SecureBucket,
    SecureInstance, SecureTable,
};
use crate::literal::Days;

/// What a vault's access policy denies to every principal, so that no one can delete a
/// recovery point, shorten its life, or rewrite or remove the policy (rule B2 of
/// `docs/CONTROLS.md`; `DeleteBackupVaultAccessPolicy` "deletes the policy document that
/// manages permissions on a backup vault", AWS Backup API reference, after which nothing
/// denies the rest).
const GUARDED_ACTIONS: &[&str] = &[
    "backup:DeleteRecoveryPoint",
    "backup:UpdateRecoveryPointLifecycle",
    "backup:PutBackupVaultAccessPolicy",
    "backup:DeleteBackupVaultAccessPolicy",
];

/// The AWS managed policies of the role AWS Backup assumes, and those it also needs for S3.
const BACKUP_POLICIES: [&str; 2] = [
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
];
const S3_BACKUP_POLICIES: [&str; 2] = [
    "arn:${AWS::Partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:${AWS::Partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
];

/// The longest name AWS Backup accepts for a vault, a plan or a selection.
const MAX_NAME: usize = 50;

/// A fixed AWS name for a resource of hipaa-stack: `STACK-LOGICALID`, shortened to
/// `MAX_NAME` characters with a hash of the whole when it is longer. The same stack and
/// logical id always give the same name, so another stack can name the resource without
/// importing anything.
pub(crate) fn fixed_name(stack: &str, logical_id: &str) -> String {
    let full = format!("{stack}-{logical_id}");
    if full.len() <= MAX_NAME {
        return full;
    }
    // FNV-1a: stable across Rust versions, unlike `DefaultHasher`.
    let hash = full.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    let head: String = full.chars().take(MAX_NAME - 9).collect();
    format!("{head}-{hash:08x}")
}

/// The vault of the construct being rendered, as its part `part`.
fn vault_resource(
    cx: &mut RenderCx<'_>,
    part: &str,
    key: Expr,
) -> Result<Resource, serde_json::Error> {
    let stack = cx.arena.stacks[cx.stack as usize].name.to_string();
    let vault = CfnBackupVault {
        backup_vault_name: fixed_name(&stack, &cx.logical(part)),
        encryption_key_arn: key,
        access_policy: PolicyDocument::new(vec![Statement::deny_everyone(
            "KeepRecoveryPoints",
            GUARDED_ACTIONS,
            vec!["*".into()],
        )]),
    };
    Ok(Resource::new(cx.logical(part), vault)?.keep(Keep::Retain))
}

// ---------------------------------------------------------------------------------------
// Retention
// ---------------------------------------------------------------------------------------

/// A retention for recovery points of PHI: at least 35 days, from a curated list.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an allowed retention for backups of PHI",
    label = "use one of days!(35), days!(45), days!(60), days!(90), days!(180), days!(365), days!(730), days!(1095), days!(1825), days!(2190), days!(2557), days!(3653)",
    note = "HIPAA 45 CFR §164.308(a)(7)(ii)(A) (hipaa-stack control B1): retrievable exact copies of PHI are kept at least 35 days; longer retentions come from a list of round numbers up to ten years"
)]
pub trait RecoveryPointRetention: crate::constructs::sealed::DaysKind {}

macro_rules! recovery_point_retentions {
    ($($n:literal),*) => { $(impl RecoveryPointRetention for Days<$n> {})* };
}
recovery_point_retentions!(35, 45, 60, 90, 180, 365, 730, 1095, 1825, 2190, 2557, 3653);

// ---------------------------------------------------------------------------------------
// What a plan can protect
// ---------------------------------------------------------------------------------------

/// The sealed side of [`Backupable`]: how a plan lists a construct in its selection.
pub(crate) mod backupable {
    use crate::app::{Handle, Target};

    /// Implemented by the constructs a backup plan can protect.
    pub trait Protectable {
        /// How a plan lists `handle` in its selection.
        fn protected(handle: &Handle<Self>) -> Protected
        where
            Self: Sized;
    }

    /// A construct listed in a plan's selection.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Protected {
        /// The reference to resolve: the ARN, or an id that `arn_prefix` turns into one.
        pub(crate) target: Target,
        /// `Fn::Sub` text (pseudo parameters only) written before the resolved id.
        pub(crate) arn_prefix: Option<&'static str>,
        /// Whether AWS Backup needs its S3 policies for it.
        pub(crate) s3: bool,
        /// The construct type, for error messages.
        pub(crate) what: &'static str,
    }

    impl Protected {
        /// A construct listed by its ARN.
        pub(crate) fn arn(target: Target, what: &'static str) -> Self {
            Protected {
                target,
                arn_prefix: None,
                s3: false,
                what,
            }
        }

        /// A construct listed by an ARN made of `prefix` and its id.
        pub(crate) fn id_in_arn(prefix: &'static str, target: Target, what: &'static str) -> Self {
            Protected {
                target,
                arn_prefix: Some(prefix),
                s3: false,
                what,
            }
        }

        /// A bucket, which AWS Backup backs up with its S3 policies.
        pub(crate) fn bucket(target: Target) -> Self {
            Protected {
                target,
                arn_prefix: None,
                s3: true,
                what: "SecureBucket",
            }
        }
    }
}

use backupable::{Protectable, Protected};

/// A construct whose data a [`BackupPlan`] can protect: an [`EncryptedDatabase`], a
/// [`SecureBucket`] or a [`SecureInstance`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be protected by a backup plan",
    label = "expected a handle to a store of PHI that AWS Backup can back up",
    note = "HIPAA 45 CFR §164.308(a)(7)(ii)(A) (hipaa-stack controls R4, E3): a plan protects the databases, buckets, tables and instances that hold PHI; pass the handle returned by `stack.add(..)` for one of them"
)]
pub trait Backupable: Protectable {}

impl Protectable for EncryptedDatabase {
    fn protected(handle: &Handle<Self>) -> Protected {
        Protected::arn(handle.arn().target, "EncryptedDatabase")
    }
}

impl Backupable for EncryptedDatabase {}

impl Protectable for SecureBucket {
    fn protected(handle: &Handle<Self>) -> Protected {
        Protected::bucket(handle.arn().target)
    }
}

impl Backupable for SecureBucket {}

impl Protectable for SecureInstance {
    fn protected(handle: &Handle<Self>) -> Protected {
        // An instance's ARN is no attribute of `AWS::EC2::Instance`: it is made of its id.
        Protected::id_in_arn(
            "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/",
            handle.instance_id().target,
            "SecureInstance",
        )
    }
}

impl Backupable for SecureInstance {}

impl Protectable for SecureTable {
    fn protected(handle: &Handle<Self>) -> Protected {
        Protected::arn(handle.arn().target, "SecureTable")
    }
}

impl Backupable for SecureTable {}

// ---------------------------------------------------------------------------------------
// BackupVault
// ---------------------------------------------------------------------------------------

/// An AWS Backup vault that receives copies of recovery points, typically in a stack
/// pinned to another region (`app.stack_in`) for disaster recovery.
///
/// A [`BackupPlan`] has a vault of its own; this construct is the destination of
/// [`BackupPlan::copy_to`]. It needs a customer-managed key of its own region
/// ([`encryption`](BackupVault::encryption)); without it, [`Stack::add`](crate::Stack::add)
/// does not compile.
///
/// Its name is fixed: `STACK-ID` (for the construct `DrVault` of the stack `clinic-dr`,
/// `clinic-dr-DrVault`; shortened with a hash past 50 characters), so that a plan in another
/// region can name it without a cross-region reference.
///
/// # Secure defaults
/// - Recovery points encrypted with the customer key (`EncryptionKeyArn`, control B4,
///   §164.312(a)(2)(iv)).
/// - An access policy that denies every principal `backup:DeleteRecoveryPoint`,
///   `backup:UpdateRecoveryPointLifecycle`, `backup:PutBackupVaultAccessPolicy` and
///   `backup:DeleteBackupVaultAccessPolicy` (B2): recovery points leave only when their
///   lifecycle ends.
/// - `DeletionPolicy` and `UpdateReplacePolicy` `Retain`.
///
/// # Options
/// None: the name, the key and the policy are all fixed.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::BackupVault;
/// let app = App::new("clinic");
/// let dr = app.stack_in("clinic-dr", region!("us-west-2"))?;
/// let dr_key = dr.add(KmsKey::new("DrKey"))?;
/// let vault = dr.add(BackupVault::new("DrVault").encryption(&dr_key))?;
/// dr.output("DrVaultArn", vault.arn())?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BackupVault<K = Handle<KmsKey>> {
    id: String,
    key: K,
}

impl BackupVault<NoKey> {
    /// A vault with the construct id `id` (a letter, then letters and digits).
    pub fn new(id: impl Into<String>) -> Self {
        BackupVault {
            id: id.into(),
            key: NoKey,
        }
    }
}

impl<K> BackupVault<K> {
    /// Encrypts the recovery points with this customer-managed key.
    pub fn encryption<E: EncryptionKey>(self, key: &Handle<E>) -> BackupVault<Handle<KmsKey>> {
        BackupVault {
            id: self.id,
            key: key.cast(),
        }
    }
}

impl Handle<BackupVault> {
    /// The vault's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("BackupVaultArn"))
    }

    /// The vault's name.
    pub fn name(&self) -> Reference<Name> {
        self.attr_ref("", Attr::Ref)
    }
}

impl<K: KeyChosen<BackupVault>> Construct<BackupVault> for BackupVault<K> {}

impl<K: KeyChosen<BackupVault>> IntoNode<BackupVault> for BackupVault<K> {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(VaultNode {
            id: self.id,
            key: self.key.key(),
        })
    }
}

struct VaultNode {
    id: String,
    key: Handle<KmsKey>,
}

impl Node for VaultNode {
    fn kind(&self) -> &'static str {
        "BackupVault"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &[""]
    }

    fn uses(&self) -> Vec<Used> {
        vec![self.key.used("KmsKey")]
    }

    fn encryption_key(&self) -> Option<u32> {
        Some(self.key.index)
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let key = cx.resolve(self.key.arn());
        Ok(vec![vault_resource(cx, "", key)?])
    }
}

// ---------------------------------------------------------------------------------------
// BackupPlan
// ---------------------------------------------------------------------------------------

/// When a plan backs up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schedule {
    /// Once a day at this hour (UTC).
    Daily(u8),
    /// Every this many hours, from midnight UTC.
    EveryHours(u8),
}

impl Schedule {
    fn expression(self) -> String {
        match self {
            Schedule::Daily(hour) => format!("cron(0 {hour} ? * * *)"),
            Schedule::EveryHours(hours) => format!("cron(0 */{hours} ? * * *)"),
        }
    }

    fn rule_name(self) -> String {
        match self {
            Schedule::Daily(_) => "Daily".to_owned(),
            Schedule::EveryHours(hours) => format!("Every{hours}Hours"),
        }
    }
}

/// An AWS Backup plan for PHI: its own encrypted vault that keeps recovery points, a rule
/// that backs up at least daily and keeps recovery points at least 35 days, and a selection
/// that names the constructs it protects by reference.
///
/// It needs a customer-managed key for its vault ([`encryption`](BackupPlan::encryption));
/// without it, [`Stack::add`](crate::Stack::add) does not compile. A retention under 35 days
/// does not compile either. It protects the constructs given to
/// [`protect`](BackupPlan::protect) (at least one, checked when the plan is added): an
/// [`EncryptedDatabase`] or a [`SecureBucket`], of this stack or of another stack of the same
/// region. Because the selection lists each one by reference, the rule engine proves
/// "in a backup plan" (R4 for databases, E3 for instances) wherever the plan is.
///
/// What it creates (logical ids after the construct id `Daily`): `Daily` (the plan),
/// `DailyVault`, `DailyRole` (the role AWS Backup assumes) and `DailySelection`.
///
/// # Secure defaults
/// - A vault encrypted with the customer key (B4, §164.312(a)(2)(iv)) whose access policy
///   denies every principal deleting recovery points, changing their lifecycle or rewriting
///   the policy (B2); `DeletionPolicy` and `UpdateReplacePolicy` `Retain`.
/// - A rule that backs up at least once a day, starts within an hour and keeps every
///   recovery point at least 35 days (B1, §164.308(a)(7)(ii)(A)).
/// - The role AWS Backup assumes is trusted by `backup.amazonaws.com` only and has only the
///   AWS managed backup and restore policies (and the S3 ones when it protects a bucket); no
///   inline policy (I1).
/// - The vault, plan and selection have fixed names, `STACK-ID`, `STACK-IDVault` and
///   `STACK-IDSelection` (shortened with a hash past 50 characters).
///
/// # Options
/// - [`retention`](BackupPlan::retention). Default: 35 days.
/// - [`daily_at`](BackupPlan::daily_at) or [`every_hours`](BackupPlan::every_hours).
///   Default: daily at 05:00 UTC.
/// - [`copy_to`](BackupPlan::copy_to): a [`BackupVault`] that receives a copy of every
///   recovery point, kept as long. Default: none (no copy in another region).
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{BackupPlan, BackupVault};
/// let app = App::new("clinic");
/// let data = app.stack_in("clinic-data", Region::new("us-east-1")?)?;
/// let key = data.add(KmsKey::new("PhiKey"))?;
/// let logs = data.add(AccessLogBucket::new("AccessLogs"))?;
/// let records = data.add(SecureBucket::new("Records").encryption(&key).access_logs(&logs))?;
///
/// let dr = app.stack_in("clinic-dr", region!("us-west-2"))?;
/// let dr_key = dr.add(KmsKey::new("DrKey"))?;
/// let dr_vault = dr.add(BackupVault::new("DrVault").encryption(&dr_key))?;
///
/// data.add(
///     BackupPlan::new("Daily")
///         .encryption(&key)
///         .retention(days!(90))
///         .daily_at(3)
///         .copy_to(&dr_vault)
///         .protect(&records),
/// )?;
/// app.synth()?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// A retention under 35 days does not compile:
///
/// ```compile_fail
/// use hipaa_stack::prelude::*;
/// let _ = hipaa_stack::BackupPlan::new("Daily").retention(days!(30));
/// ```
#[derive(Debug, Clone)]
pub struct BackupPlan<K = Handle<KmsKey>> {
    id: String,
    key: K,
    retention: u16,
    schedule: Schedule,
    copy_to: Option<Handle<BackupVault>>,
    protected: Vec<Protected>,
}

impl BackupPlan<NoKey> {
    /// A plan with the construct id `id` (a letter, then letters and digits).
    pub fn new(id: impl Into<String>) -> Self {
        BackupPlan {
            id: id.into(),
            key: NoKey,
            retention: 35,
            schedule: Schedule::Daily(5),
            copy_to: None,
            protected: Vec::new(),
        }
    }
}

impl<K> BackupPlan<K> {
    /// Encrypts the plan's vault with this customer-managed key.
    pub fn encryption<E: EncryptionKey>(self, key: &Handle<E>) -> BackupPlan<Handle<KmsKey>> {
        BackupPlan {
            id: self.id,
            key: key.cast(),
            retention: self.retention,
            schedule: self.schedule,
            copy_to: self.copy_to,
            protected: self.protected,
        }
    }

    /// How long recovery points (and their copies) are kept. Default: 35 days.
    pub fn retention<const N: u16>(mut self, days: Days<N>) -> Self
    where
        Days<N>: RecoveryPointRetention,
    {
        self.retention = days.get();
        self
    }

    /// Backs up once a day at `hour_utc` (0 to 23, checked when the plan is added). Default:
    /// 5.
    pub fn daily_at(mut self, hour_utc: u8) -> Self {
        self.schedule = Schedule::Daily(hour_utc);
        self
    }

    /// Backs up every `hours` hours from midnight UTC (1 to 12, checked when the plan is
    /// added). Default: once a day.
    pub fn every_hours(mut self, hours: u8) -> Self {
        self.schedule = Schedule::EveryHours(hours);
        self
    }

    /// Copies every recovery point to `vault`, kept as long as the original. Default: no
    /// copy.
    ///
    /// A vault of a stack pinned to another region (`app.stack_in`) is named by its fixed
    /// name and region, with no reference between the stacks; a vault in the plan's own
    /// region is referenced (imported from another stack). A plan of a stack pinned to no
    /// region reads a pinned vault's ARN through a template parameter, and `up` refuses a run
    /// that would deploy the two into one region. Adding the plan fails when the vault is in a
    /// stack pinned to no region while the plan's is pinned (the vault would deploy to the
    /// region of the credentials, which may be the plan's), in a region of another AWS
    /// partition (AWS Backup copies within a partition only), or in a stack of another
    /// environment (the ARN names the plan's own account, where that vault is not).
    ///
    /// A [`SecureTable`]'s recovery points are copied to another region only with AWS
    /// Backup's advanced DynamoDB backup features turned on in the account and region
    /// ("After you enable AWS Backup's advanced features in your AWS Region, you unlock …
    /// cross-Region and cross-account copy", AWS Backup developer guide, "Advanced
    /// DynamoDB backup"; on by default only for accounts that created no backup vault
    /// before November 21, 2021). That is a setting of the account, which no template
    /// shows: without it, AWS Backup backs the table up but makes no copy, so rule D2
    /// reads no copy of the table in another region. Turn the features on (`aws backup
    /// update-region-settings --resource-type-management-preference DynamoDB=true`) and
    /// say so in a waiver of D2, or give the table a replica in another region:
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// use hipaa_stack::compliance::{Waiver, rule};
    /// use hipaa_stack::{BackupPlan, BackupVault, KeyType, SecureTable};
    /// let app = App::new("records");
    /// let data = app.stack_in("records-data", region!("us-east-1"))?;
    /// let key = data.add(KmsKey::new("PhiKey"))?;
    /// let table = data.add(SecureTable::new("Visits", "VisitId", KeyType::String).encryption(&key))?;
    /// let dr = app.stack_in("records-dr", region!("us-west-2"))?;
    /// let dr_key = dr.add(KmsKey::new("DrKey"))?;
    /// let dr_vault = dr.add(BackupVault::new("DrVault").encryption(&dr_key))?;
    /// data.add(BackupPlan::new("Daily").encryption(&key).copy_to(&dr_vault).protect(&table))?;
    ///
    /// // The copy action is there, but no template shows the account's setting: a gap of D2.
    /// let assembly = app.check()?;
    /// let d2 = assembly
    ///     .evaluation()
    ///     .results
    ///     .iter()
    ///     .find(|c| c.rule == "D2" && &*c.logical_id == "Visits")
    ///     .expect("rule D2 reads the table");
    /// assert!(format!("{:?}", d2.status).contains("advanced DynamoDB backup"));
    ///
    /// // Once the features are on in us-east-1, a waiver says so, and the report carries it.
    /// app.waive(Waiver::new(
    ///     rule::D2,
    ///     &table,
    ///     "advanced DynamoDB backup features are on in us-east-1 (update-region-settings, DynamoDB=true), so the Daily plan copies the table to records-dr's vault in us-west-2",
    /// ))?;
    /// app.synth()?;
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn copy_to(mut self, vault: &Handle<BackupVault>) -> Self {
        self.copy_to = Some(*vault);
        self
    }

    /// Backs up this construct: lists it, by reference, in the plan's selection.
    pub fn protect<P: Backupable>(mut self, resource: &Handle<P>) -> Self {
        let protected = P::protected(resource);
        if !self.protected.contains(&protected) {
            self.protected.push(protected);
        }
        self
    }
}

impl Handle<BackupPlan> {
    /// The plan's id.
    pub fn plan_id(&self) -> Reference<Id> {
        self.attr_ref("", Attr::Ref)
    }

    /// The plan's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("BackupPlanArn"))
    }

    /// The name of the plan's vault.
    pub fn vault_name(&self) -> Reference<Name> {
        self.attr_ref("Vault", Attr::Ref)
    }

    /// The ARN of the plan's vault.
    pub fn vault_arn(&self) -> Reference<Arn> {
        self.attr_ref("Vault", Attr::Get("BackupVaultArn"))
    }
}

impl<K: KeyChosen<BackupPlan>> Construct<BackupPlan> for BackupPlan<K> {}

impl<K: KeyChosen<BackupPlan>> IntoNode<BackupPlan> for BackupPlan<K> {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(PlanNode {
            id: self.id,
            key: self.key.key(),
            retention: self.retention,
            schedule: self.schedule,
            copy_to: self.copy_to,
            protected: self.protected,
        })
    }
}

struct PlanNode {
    id: String,
    key: Handle<KmsKey>,
    retention: u16,
    schedule: Schedule,
    copy_to: Option<Handle<BackupVault>>,
    protected: Vec<Protected>,
}

impl PlanNode {
    /// The ARN of the copy destination: built from its fixed name when both stacks are
    /// pinned to different regions, a reference otherwise (a parameter filled in by `up`
    /// when the regions may differ).
    fn destination(cx: &mut RenderCx<'_>, vault: Handle<BackupVault>) -> Expr {
        let arena = cx.arena;
        let there = arena.constructs[vault.index as usize].stack;
        match (
            &arena.stacks[cx.stack as usize].region,
            &arena.stacks[there as usize].region,
        ) {
            (Some(here), Some(region)) if here != region => {
                let name = fixed_name(
                    arena.stacks[there as usize].name.as_str(),
                    &arena.logical_id(vault.index, ""),
                );
                Expr::sub_pseudo(&format!(
                    "arn:${{AWS::Partition}}:backup:{region}:${{AWS::AccountId}}:backup-vault:{name}"
                ))
            }
            // The same region, or a region known only at deploy: a reference, carried
            // across regions by a parameter that `up` fills in.
            _ => cx.resolve_anywhere(vault.arn()),
        }
    }

    /// A protected construct's ARN, as the selection lists it.
    fn listed(cx: &mut RenderCx<'_>, protected: &Protected) -> Expr {
        let reference =
            resolve_target(cx.arena, cx.stack, protected.target, cx.construct, cx.cross);
        match protected.arn_prefix {
            Some(prefix) => Expr::join([Expr::sub_pseudo(prefix), reference]),
            None => reference,
        }
    }
}

impl Node for PlanNode {
    fn kind(&self) -> &'static str {
        "BackupPlan"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &["", "Vault", "Role", "Selection"]
    }

    fn uses(&self) -> Vec<Used> {
        let mut used = vec![self.key.used("KmsKey")];
        used.extend(self.copy_to.map(|v| v.used("BackupVault")));
        used.extend(self.protected.iter().map(|p| Used {
            app: p.target.app,
            what: p.what,
        }));
        used
    }

    fn encryption_key(&self) -> Option<u32> {
        Some(self.key.index)
    }

    /// The copy's vault, named by its fixed name in another region ([`PlanNode::destination`]).
    fn named(&self) -> Vec<(u32, &'static str)> {
        self.copy_to
            .iter()
            .map(|vault| (vault.index, "copies its recovery points to"))
            .collect()
    }

    /// The copy's vault is of a region known apart from the plan's, in its partition.
    fn check_in(&self, arena: &Arena, stack: u32) -> Result<(), String> {
        self.copy_to.map_or(Ok(()), |vault| {
            check_copy_place(arena, stack, vault.index, "the vault it copies to")
        })
    }

    fn check(&self) -> Result<(), String> {
        match self.schedule {
            Schedule::Daily(hour) if hour > 23 => {
                return Err(format!(
                    "`daily_at({hour})` is not an hour of the day; give 0 to 23 (UTC)"
                ));
            }
            Schedule::EveryHours(hours) if !(1..=12).contains(&hours) => {
                return Err(format!(
                    "`every_hours({hours})` is not allowed; give 1 to 12, or back up once a day with `daily_at(..)`"
                ));
            }
            _ => {}
        }
        if self.protected.is_empty() {
            return Err(
                "the plan protects nothing; list what it backs up with `.protect(&db)` or `.protect(&bucket)`"
                    .to_owned(),
            );
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let stack = cx.arena.stacks[cx.stack as usize].name.to_string();
        let path = cx.path();
        let key = cx.resolve(self.key.arn());
        let mut resources = vec![vault_resource(cx, "Vault", key)?];

        let lifecycle = || Lifecycle {
            delete_after_days: self.retention,
        };
        let copy_actions = match self.copy_to {
            Some(vault) => vec![CopyAction {
                destination_backup_vault_arn: Self::destination(cx, vault),
                lifecycle: lifecycle(),
            }],
            None => Vec::new(),
        };
        let plan = CfnBackupPlan {
            backup_plan: PlanBody {
                backup_plan_name: fixed_name(&stack, &cx.logical("")),
                backup_plan_rule: vec![PlanRule {
                    rule_name: self.schedule.rule_name(),
                    target_backup_vault: cx.own_ref("Vault"),
                    schedule_expression: self.schedule.expression(),
                    start_window_minutes: 60,
                    completion_window_minutes: 10_080,
                    lifecycle: lifecycle(),
                    copy_actions,
                }],
            },
        };
        resources.push(Resource::new(cx.logical(""), plan)?);

        let mut policies: Vec<Expr> = BACKUP_POLICIES
            .iter()
            .map(|p| Expr::sub_pseudo(p))
            .collect();
        if self.protected.iter().any(|p| p.s3) {
            policies.extend(S3_BACKUP_POLICIES.iter().map(|p| Expr::sub_pseudo(p)));
        }
        let role = Role {
            description: format!("lets AWS Backup back up and restore what {path} protects"),
            assume_role_policy_document: PolicyDocument::new(vec![Statement::allow(
                "TrustAwsBackup",
                Principal::Service("backup.amazonaws.com".into()),
                &["sts:AssumeRole"],
                Vec::new(),
            )]),
            managed_policy_arns: policies,
        };
        resources.push(Resource::new(cx.logical("Role"), role)?);

        let listed: Vec<Expr> = self.protected.iter().map(|p| Self::listed(cx, p)).collect();
        let selection = BackupSelection {
            backup_plan_id: cx.own_ref(""),
            backup_selection: SelectionBody {
                selection_name: fixed_name(&stack, &cx.logical("Selection")),
                iam_role_arn: cx.own_att("Role", "Arn"),
                resources: listed,
            },
        };
        resources.push(Resource::new(cx.logical("Selection"), selection)?);
        Ok(resources)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Backupable, fixed_name};
    use crate::constructs::{BackupPlan, BackupVault};
    use crate::prelude::*;
    use crate::testing::{
        assert_kept, prop, resource, sids, statement, template_of, template_with,
    };

    fn network() -> DbNetwork {
        DbNetwork::existing(
            "vpc-0123456789abcdef0",
            &["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
        )
        .unwrap()
    }

    fn plan_template() -> serde_json::Value {
        template_with(|stack, key, logs| {
            let db = stack
                .add(
                    EncryptedDatabase::postgres("Ehr")
                        .encryption(&key)
                        .network(network()),
                )
                .unwrap();
            let records = stack
                .add(
                    SecureBucket::new("Records")
                        .encryption(&key)
                        .access_logs(&logs),
                )
                .unwrap();
            stack
                .add(
                    BackupPlan::new("Daily")
                        .encryption(&key)
                        .protect(&db)
                        .protect(&records)
                        .protect(&db),
                )
                .unwrap();
        })
    }

    #[test]
    fn the_vault_is_encrypted_retained_and_keeps_recovery_points() {
        let t = plan_template();
        assert_eq!(
            resource(&t, "DailyVault")["Type"],
            "AWS::Backup::BackupVault"
        );
        assert_eq!(
            prop(&t, "DailyVault", "/EncryptionKeyArn"),
            &json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
        );
        assert_eq!(prop(&t, "DailyVault", "/BackupVaultName"), "t-DailyVault");
        assert_kept(&t, "DailyVault", "Retain");
        let policy = prop(&t, "DailyVault", "/AccessPolicy");
        assert_eq!(sids(policy), ["KeepRecoveryPoints"]);
        let deny = statement(policy, "KeepRecoveryPoints");
        assert_eq!(deny["Effect"], "Deny");
        assert_eq!(deny["Principal"], "*");
        assert_eq!(
            deny["Action"],
            json!([
                "backup:DeleteRecoveryPoint",
                "backup:UpdateRecoveryPointLifecycle",
                "backup:PutBackupVaultAccessPolicy",
                "backup:DeleteBackupVaultAccessPolicy"
            ])
        );
        assert_eq!(deny["Resource"], json!(["*"]));
    }

    #[test]
    fn the_plan_backs_up_daily_and_keeps_35_days_by_default() {
        let t = plan_template();
        assert_eq!(resource(&t, "Daily")["Type"], "AWS::Backup::BackupPlan");
        assert_eq!(prop(&t, "Daily", "/BackupPlan/BackupPlanName"), "t-Daily");
        let rule = prop(&t, "Daily", "/BackupPlan/BackupPlanRule/0");
        assert_eq!(rule["RuleName"], "Daily");
        assert_eq!(rule["ScheduleExpression"], "cron(0 5 ? * * *)");
        assert_eq!(rule["TargetBackupVault"], json!({ "Ref": "DailyVault" }));
        assert_eq!(rule["Lifecycle"], json!({ "DeleteAfterDays": 35 }));
        assert_eq!(rule["StartWindowMinutes"], 60);
        assert!(rule.get("CopyActions").is_none());
    }

    #[test]
    fn the_selection_lists_each_protected_construct_once_through_a_managed_policy_role() {
        let t = plan_template();
        assert_eq!(
            resource(&t, "DailySelection")["Type"],
            "AWS::Backup::BackupSelection"
        );
        assert_eq!(
            prop(&t, "DailySelection", "/BackupPlanId"),
            &json!({ "Ref": "Daily" })
        );
        let selection = prop(&t, "DailySelection", "/BackupSelection");
        assert_eq!(selection["SelectionName"], "t-DailySelection");
        assert_eq!(
            selection["IamRoleArn"],
            json!({ "Fn::GetAtt": ["DailyRole", "Arn"] })
        );
        assert_eq!(
            selection["Resources"],
            json!([
                { "Fn::GetAtt": ["Ehr", "DBInstanceArn"] },
                { "Fn::GetAtt": ["Records", "Arn"] }
            ])
        );
        let role = resource(&t, "DailyRole");
        assert!(role["Properties"].get("Policies").is_none());
        let trust = statement(
            &role["Properties"]["AssumeRolePolicyDocument"],
            "TrustAwsBackup",
        );
        assert_eq!(
            trust["Principal"],
            json!({ "Service": "backup.amazonaws.com" })
        );
        assert_eq!(
            role["Properties"]["ManagedPolicyArns"],
            json!([
                { "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup" },
                { "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores" },
                { "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup" },
                { "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore" }
            ])
        );
    }

    #[test]
    fn a_plan_of_databases_only_gets_no_s3_policies() {
        let t = template_with(|stack, key, _| {
            let db = stack
                .add(
                    EncryptedDatabase::postgres("Ehr")
                        .encryption(&key)
                        .network(network()),
                )
                .unwrap();
            stack
                .add(BackupPlan::new("Daily").encryption(&key).protect(&db))
                .unwrap();
        });
        assert_eq!(
            prop(&t, "DailyRole", "/ManagedPolicyArns")
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn options_set_the_retention_and_schedule() {
        let t = template_with(|stack, key, logs| {
            let records = stack
                .add(
                    SecureBucket::new("Records")
                        .encryption(&key)
                        .access_logs(&logs),
                )
                .unwrap();
            stack
                .add(
                    BackupPlan::new("Hourly")
                        .retention(days!(2190))
                        .every_hours(6)
                        .encryption(&key)
                        .protect(&records),
                )
                .unwrap();
        });
        let rule = prop(&t, "Hourly", "/BackupPlan/BackupPlanRule/0");
        assert_eq!(rule["RuleName"], "Every6Hours");
        assert_eq!(rule["ScheduleExpression"], "cron(0 */6 ? * * *)");
        assert_eq!(rule["Lifecycle"]["DeleteAfterDays"], 2190);
    }

    fn dr_app(plan_region: Option<&str>) -> App {
        let app = App::new("test");
        let data = match plan_region {
            Some(r) => app.stack_in("data", Region::new(r).unwrap()).unwrap(),
            None => app.stack("data").unwrap(),
        };
        let key = data.add(KmsKey::new("PhiKey")).unwrap();
        let logs = data.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let records = data
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        let dr = app
            .stack_in("clinic-dr", Region::new("us-west-2").unwrap())
            .unwrap();
        let dr_key = dr.add(KmsKey::new("DrKey")).unwrap();
        let vault = dr
            .add(BackupVault::new("DrVault").encryption(&dr_key))
            .unwrap();
        data.add(
            BackupPlan::new("Daily")
                .encryption(&key)
                .copy_to(&vault)
                .retention(days!(90))
                .protect(&records),
        )
        .unwrap();
        app
    }

    #[test]
    fn a_copy_to_another_region_names_the_vault_without_a_reference() {
        let app = dr_app(Some("us-east-1"));
        let t = template_of(&app, "data");
        assert_eq!(
            prop(&t, "Daily", "/BackupPlan/BackupPlanRule/0/CopyActions"),
            &json!([{
                "DestinationBackupVaultArn": { "Fn::Sub": "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:clinic-dr-DrVault" },
                "Lifecycle": { "DeleteAfterDays": 90 }
            }])
        );
        let dr = template_of(&app, "clinic-dr");
        assert_eq!(
            prop(&dr, "DrVault", "/BackupVaultName"),
            "clinic-dr-DrVault"
        );
        assert_eq!(
            prop(&dr, "DrVault", "/EncryptionKeyArn"),
            &json!({ "Fn::GetAtt": ["DrKey", "Arn"] })
        );
        assert_kept(&dr, "DrVault", "Retain");
        assert!(dr.get("Outputs").is_none(), "no export: {dr:#}");
        let assembly = app.synth().unwrap();
        assert!(assembly.stack("data").unwrap().dependencies().is_empty());
    }

    #[test]
    fn a_copy_from_an_unpinned_stack_to_a_pinned_one_reads_the_vault_through_a_parameter() {
        // The plan's region is known only at deploy: the vault's ARN is a value of the other
        // region's stack, which `up` passes in as a template parameter.
        let assembly = dr_app(None).synth().unwrap();
        let t: serde_json::Value =
            crate::cfn::tree::from_str(assembly.stack("data").unwrap().template_json()).unwrap();
        let name = "Xrclinicdr7DrVaultBackupVaultArn";
        assert_eq!(
            t["Resources"]["Daily"]["Properties"]["BackupPlan"]["BackupPlanRule"][0]["CopyActions"]
                [0]["DestinationBackupVaultArn"],
            json!({ "Ref": name })
        );
        assert_eq!(t["Parameters"][name]["Type"], "String");
        assert_eq!(
            assembly.stack("data").unwrap().dependencies(),
            ["clinic-dr"]
        );
    }

    /// A plan of `data` (us-west-2, or of environment `prod` there) protecting a bucket
    /// and copying to a vault of `dr`, made by `dr_stack`: what adding the plan says.
    fn copy_to_vault_of(dr_stack: impl Fn(&App) -> crate::Stack<'_>) -> Result<()> {
        let app = App::new("test");
        let dr = dr_stack(&app);
        let dr_key = dr.add(KmsKey::new("DrKey")).unwrap();
        let vault = dr
            .add(BackupVault::new("DrVault").encryption(&dr_key))
            .unwrap();
        let data = if dr.name().starts_with("staging-") {
            app.environment("prod", account!("222222222222"), region!("us-west-2"))
                .unwrap()
                .stack("data")
                .unwrap()
        } else {
            app.stack_in("data", region!("us-west-2")).unwrap()
        };
        let key = data.add(KmsKey::new("PhiKey")).unwrap();
        let logs = data.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let records = data
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        data.add(
            BackupPlan::new("Daily")
                .encryption(&key)
                .copy_to(&vault)
                .protect(&records),
        )
        .map(drop)
    }

    #[test]
    fn a_copy_to_a_vault_of_another_environment_is_refused() {
        // Its ARN was built with the plan's own account: a vault that does not exist, which
        // rule D2 read as the staging vault.
        let err = copy_to_vault_of(|app| {
            app.environment("staging", account!("111111111111"), region!("us-east-1"))
                .unwrap()
                .stack("dr")
                .unwrap()
        })
        .unwrap_err();
        assert!(matches!(err, crate::Error::Environment { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "construct `prod-data/Daily`: it copies its recovery points to `staging-dr/DrVault` of environment `staging` from environment `prod`, and names it in its own account, where it does not exist; an environment deploys with the credentials of its own account and reaches only its own constructs: declare one in environment `prod` and use that"
        );
    }

    #[test]
    fn a_copy_to_a_vault_of_an_unpinned_stack_or_another_partition_is_refused() {
        let err = copy_to_vault_of(|app| app.stack("clinic-dr").unwrap())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("construct `data/Daily` is invalid: `clinic-dr/DrVault`, the vault it copies to, is in stack `clinic-dr`, which is pinned to no region and deploys to the region of the credentials, us-west-2 as much as any"),
            "{err}"
        );
        let err = copy_to_vault_of(|app| {
            app.stack_in("clinic-dr", Region::new("cn-north-1").unwrap())
                .unwrap()
        })
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("construct `data/Daily` is invalid: `clinic-dr/DrVault`, the vault it copies to, is in cn-north-1, of the AWS partition `aws-cn`, and this construct in us-west-2, of `aws`: AWS copies nothing across partitions"),
            "{err}"
        );
        copy_to_vault_of(|app| app.stack_in("clinic-dr", region!("us-east-1")).unwrap()).unwrap();
    }

    #[test]
    fn a_plan_in_another_stack_imports_what_it_protects() {
        let app = App::new("test");
        let data = app.stack("data").unwrap();
        let key = data.add(KmsKey::new("PhiKey")).unwrap();
        let db = data
            .add(
                EncryptedDatabase::postgres("Ehr")
                    .encryption(&key)
                    .network(network()),
            )
            .unwrap();
        let backup = app.stack("backup").unwrap();
        let backup_key = backup.add(KmsKey::new("BackupKey")).unwrap();
        backup
            .add(
                BackupPlan::new("Daily")
                    .encryption(&backup_key)
                    .protect(&db),
            )
            .unwrap();
        let t = template_of(&app, "backup");
        assert_eq!(
            prop(&t, "DailySelection", "/BackupSelection/Resources"),
            &json!([{ "Fn::ImportValue": "data:Ehr:DBInstanceArn" }])
        );
    }

    #[test]
    fn impossible_plans_are_errors_naming_the_construct() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let logs = stack.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let records = stack
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        for (plan, needle) in [
            (BackupPlan::new("Bad").encryption(&key), "protects nothing"),
            (
                BackupPlan::new("Bad")
                    .encryption(&key)
                    .protect(&records)
                    .daily_at(24),
                "`daily_at(24)` is not an hour",
            ),
            (
                BackupPlan::new("Bad")
                    .encryption(&key)
                    .protect(&records)
                    .every_hours(0),
                "`every_hours(0)` is not allowed",
            ),
            (
                BackupPlan::new("Bad")
                    .encryption(&key)
                    .protect(&records)
                    .every_hours(24),
                "`every_hours(24)` is not allowed",
            ),
        ] {
            let err = stack.add(plan).unwrap_err().to_string();
            assert!(err.starts_with("construct `t/Bad` is invalid"), "{err}");
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn fixed_names_fit_aws_backup() {
        assert_eq!(fixed_name("clinic-dr", "DrVault"), "clinic-dr-DrVault");
        let long = fixed_name(&"a".repeat(60), "Vault");
        assert_eq!(long.len(), 50);
        assert_eq!(long, fixed_name(&"a".repeat(60), "Vault"));
        assert_ne!(long, fixed_name(&"a".repeat(61), "Vault"));
        assert!(
            long.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn databases_and_buckets_are_listed_by_arn() {
        fn protected<P: Backupable>(h: &Handle<P>) -> super::Protected {
            P::protected(h)
        }
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let db = stack
            .add(
                EncryptedDatabase::postgres("Ehr")
                    .encryption(&key)
                    .network(network()),
            )
            .unwrap();
        assert_eq!(protected(&db).target, db.arn().target);
        assert!(!protected(&db).s3);
    }

    #[test]
    fn a_plan_protects_a_table() {
        let t = template_with(|stack, key, _| {
            let table = stack
                .add(
                    crate::SecureTable::new("Results", "Id", crate::KeyType::String)
                        .encryption(&key),
                )
                .unwrap();
            stack
                .add(BackupPlan::new("Daily").encryption(&key).protect(&table))
                .unwrap();
        });
        assert_eq!(
            prop(&t, "DailySelection", "/BackupSelection/Resources"),
            &json!([{ "Fn::GetAtt": ["Results", "Arn"] }])
        );
    }
}
