//! [`Role`]: an IAM role with managed policies only, trusted by principals it names; and
//! [`Grant`]: least-privilege access to a bucket, a database or a key, made by a verb on the
//! resource (`records.grant_read(..)`) and added to a stack like any construct.

use crate::app::node::IntoNode;
use crate::app::node::{Node, RenderCx, Used};
use crate::app::{Arn, Attr, Handle, Id, Name, Reference};
use crate::cfn::iam::{ManagedPolicy, Role as CfnRole};
use crate::cfn::policy::{PolicyDocument, Principal, Statement};
use crate::cfn::{Expr, Pseudo, Resource};
use crate::constructs::security_group::refused;
use crate::constructs::{
    Construct, EncryptedDatabase, Function, KmsKey, SecureBucket, SecureQueue, SecureTable,
};

/// The `Sid`s of the statements that trust accounts and roles, in order.
const PRINCIPAL_SIDS: [&str; 10] = [
    "TrustPrincipal1",
    "TrustPrincipal2",
    "TrustPrincipal3",
    "TrustPrincipal4",
    "TrustPrincipal5",
    "TrustPrincipal6",
    "TrustPrincipal7",
    "TrustPrincipal8",
    "TrustPrincipal9",
    "TrustPrincipal10",
];

/// An AWS service that may assume a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServicePrincipal {
    /// EC2 instances, through an instance profile (`ec2.amazonaws.com`); what a
    /// [`SecureInstance`](crate::SecureInstance) needs.
    Ec2,
    /// Lambda functions (`lambda.amazonaws.com`).
    Lambda,
    /// ECS tasks of this account (`ecs-tasks.amazonaws.com`, bound to the account by
    /// `aws:SourceAccount` and `aws:SourceArn`).
    EcsTasks,
}

impl ServicePrincipal {
    fn host(self) -> &'static str {
        match self {
            ServicePrincipal::Ec2 => "ec2.amazonaws.com",
            ServicePrincipal::Lambda => "lambda.amazonaws.com",
            ServicePrincipal::EcsTasks => "ecs-tasks.amazonaws.com",
        }
    }

    fn sid(self) -> &'static str {
        match self {
            ServicePrincipal::Ec2 => "TrustEc2",
            ServicePrincipal::Lambda => "TrustLambda",
            ServicePrincipal::EcsTasks => "TrustEcsTasks",
        }
    }
}

/// A principal that a [`Role`] trusts: an AWS service, an AWS account, or a role by ARN.
/// Never every principal (`*`). Accounts and ARNs are checked when the role is added.
///
/// ```
/// use hipaa_stack::{ServicePrincipal, Trusted};
/// let ec2: Trusted = ServicePrincipal::Ec2.into();
/// let audit = Trusted::account("123456789012");
/// let deployer = Trusted::role_arn("arn:aws:iam::123456789012:role/deployer");
/// # let _ = (ec2, audit, deployer);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Trusted(TrustedKind);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum TrustedKind {
    Service(ServicePrincipal),
    Account(String),
    RoleArn(String),
}

impl Trusted {
    /// An AWS service.
    pub fn service(service: ServicePrincipal) -> Self {
        Trusted(TrustedKind::Service(service))
    }

    /// Every IAM principal of the account `account_id` (12 digits) whose own policies allow
    /// `sts:AssumeRole` on the role. Another account's access fails rule `X2` unless waived
    /// with the agreement named in the reason. The account of the stack's
    /// [environment](crate::App::environment) is the stack's own (the deploy engine deploys
    /// it with that account's credentials only): the trust policy writes it
    /// `${AWS::AccountId}`, which `X2` holds.
    pub fn account(account_id: impl Into<String>) -> Self {
        Trusted(TrustedKind::Account(account_id.into()))
    }

    /// One IAM role, by ARN (`arn:aws:iam::123456789012:role/name`): a role of another
    /// account fails rule `X2` unless waived; a role of the account of the stack's
    /// environment is written with `${AWS::AccountId}`, as [`Trusted::account`] is.
    pub fn role_arn(arn: impl Into<String>) -> Self {
        Trusted(TrustedKind::RoleArn(arn.into()))
    }
}

impl From<ServicePrincipal> for Trusted {
    fn from(service: ServicePrincipal) -> Self {
        Trusted::service(service)
    }
}

mod sealed {
    pub trait IntoTrusted {
        fn into_trusted(self) -> super::Trusted;
    }

    impl IntoTrusted for super::ServicePrincipal {
        fn into_trusted(self) -> super::Trusted {
            self.into()
        }
    }

    impl IntoTrusted for super::Trusted {
        fn into_trusted(self) -> super::Trusted {
            self
        }
    }
}

/// What a role's trust policy may name: a [`ServicePrincipal`] or a [`Trusted`] account or
/// role.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a principal that a role can trust",
    label = "name a `ServicePrincipal`, `Trusted::account(..)` or `Trusted::role_arn(..)`",
    note = "HIPAA 45 CFR §164.312(a)(1) (hipaa-stack rule I8): a trust policy names the services, accounts or roles that may assume the role, never every principal (`*`)"
)]
pub trait TrustedPrincipal: sealed::IntoTrusted {}

impl TrustedPrincipal for ServicePrincipal {}
impl TrustedPrincipal for Trusted {}

/// The permissions of an AWS agent that runs on a role's instances, which the role carries in
/// a managed policy of the app (`AWS::IAM::ManagedPolicy`) that hipaa-stack writes: the actions
/// of AWS's managed policy for that agent, without the grants on every resource that rule I2
/// refuses. AWS's own policies are not attached: `AmazonSSMManagedInstanceCore` lets every
/// program of the instances read every SSM parameter of the account, SecureString ones
/// decrypted, and `CloudWatchAgentServerPolicy` lets them shorten the retention of every log
/// group (hostile review 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AgentPermissions {
    /// The Systems Manager agent, so that instances are reached through Session Manager
    /// without SSH, and take Run Command, State Manager associations, inventory and patching:
    /// the actions of AWS's `AmazonSSMManagedInstanceCore` (version 2, the default: AWS
    /// Managed Policy Reference, `AmazonSSMManagedInstanceCore`) on `*`, without
    /// `ssm:GetParameter` and `ssm:GetParameters`, which read every parameter. The agent's
    /// own channels (`ssmmessages:*Channel`, `ec2messages:*`) are named one by one (Systems
    /// Manager user guide, "Reference: ec2messages, ssmmessages, and other API operations").
    /// A document that reads parameters (`{{ssm:name}}`) needs a grant of those parameters,
    /// by name.
    SsmAgent,
    /// The CloudWatch agent's metrics, logs and traces: the actions of AWS's
    /// `CloudWatchAgentServerPolicy` (AWS Managed Policy Reference,
    /// `CloudWatchAgentServerPolicy`, statements `CWACloudWatchServerPermissions` and
    /// `CWASSMServerPermissions`), without `logs:PutRetentionPolicy` on every log group: the
    /// agent's `retention_in_days` setting is refused, and a log group's retention is set by
    /// the [`LogGroup`](crate::LogGroup) it writes to.
    CloudWatchAgent,
}

/// The actions of `AmazonSSMManagedInstanceCore` v2 but `ssm:GetParameter` and
/// `ssm:GetParameters`, in the order AWS writes them.
const SSM_AGENT_ACTIONS: &[&str] = &[
    "ssm:DescribeAssociation",
    "ssm:GetDeployablePatchSnapshotForInstance",
    "ssm:GetDocument",
    "ssm:DescribeDocument",
    "ssm:GetManifest",
    "ssm:ListAssociations",
    "ssm:ListInstanceAssociations",
    "ssm:PutInventory",
    "ssm:PutComplianceItems",
    "ssm:PutConfigurePackageResult",
    "ssm:UpdateAssociationStatus",
    "ssm:UpdateInstanceAssociationStatus",
    "ssm:UpdateInstanceInformation",
];
const SSM_MESSAGES_ACTIONS: &[&str] = &[
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];
const EC2_MESSAGES_ACTIONS: &[&str] = &[
    "ec2messages:AcknowledgeMessage",
    "ec2messages:DeleteMessage",
    "ec2messages:FailMessage",
    "ec2messages:GetEndpoint",
    "ec2messages:GetMessages",
    "ec2messages:SendReply",
];
/// The actions of `CloudWatchAgentServerPolicy`'s statement on `*` but
/// `logs:PutRetentionPolicy`.
const CLOUDWATCH_AGENT_ACTIONS: &[&str] = &[
    "cloudwatch:PutMetricData",
    "ec2:DescribeVolumes",
    "ec2:DescribeTags",
    "logs:PutLogEvents",
    "logs:DescribeLogStreams",
    "logs:DescribeLogGroups",
    "logs:CreateLogStream",
    "logs:CreateLogGroup",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
];

/// Every agent, in the order their policies are written.
const AGENTS: [AgentPermissions; 2] = [
    AgentPermissions::SsmAgent,
    AgentPermissions::CloudWatchAgent,
];

impl AgentPermissions {
    /// The suffix of the logical id of the policy.
    fn part(self) -> &'static str {
        match self {
            AgentPermissions::SsmAgent => "SsmAgentPolicy",
            AgentPermissions::CloudWatchAgent => "CloudWatchAgentPolicy",
        }
    }

    fn what(self) -> &'static str {
        match self {
            AgentPermissions::SsmAgent => {
                "the Systems Manager agent (AmazonSSMManagedInstanceCore without ssm:GetParameter and ssm:GetParameters)"
            }
            AgentPermissions::CloudWatchAgent => {
                "the CloudWatch agent (CloudWatchAgentServerPolicy without logs:PutRetentionPolicy)"
            }
        }
    }

    /// Why the policy's writes on `*` are accepted, for checkov's CKV_AWS_111.
    fn unconstrained_writes(self) -> &'static str {
        match self {
            AgentPermissions::SsmAgent => {
                "the Systems Manager agent's actions as AWS's AmazonSSMManagedInstanceCore grants them on every resource: ssmmessages and ec2messages take no resource, and the ssm writes record the calling instance's own inventory, compliance and association status; rule I2 reads the statements and finds no data action"
            }
            AgentPermissions::CloudWatchAgent => {
                "the CloudWatch agent's actions as AWS's CloudWatchAgentServerPolicy grants them on every resource, without logs:PutRetentionPolicy: metrics, log events and traces the instance writes; rule I2 reads the statements and finds no data action"
            }
        }
    }

    fn statements(self) -> Vec<Statement> {
        let every = || vec![Expr::lit("*")];
        match self {
            AgentPermissions::SsmAgent => vec![
                Statement::allow_identity("SsmAgent", SSM_AGENT_ACTIONS, every()),
                Statement::allow_identity("SessionChannels", SSM_MESSAGES_ACTIONS, every()),
                Statement::allow_identity("AgentMessages", EC2_MESSAGES_ACTIONS, every()),
            ],
            AgentPermissions::CloudWatchAgent => vec![
                Statement::allow_identity("CloudWatchAgent", CLOUDWATCH_AGENT_ACTIONS, every()),
                Statement::allow_identity(
                    "AgentConfiguration",
                    &["ssm:GetParameter"],
                    vec![Expr::sub_pseudo(
                        "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/AmazonCloudWatch-*",
                    )],
                ),
            ],
        }
    }
}

/// An IAM role whose permissions come only from managed policies, assumed only by the
/// principals it names.
///
/// A role starts with no permissions. Permissions are granted as verbs on the resource, each
/// a construct that adds one least-privilege managed policy to the role:
/// `records.grant_read(id, &role)` and `records.grant_write(..)` on a [`SecureBucket`],
/// `ehr.grant_connect(id, &role, "app_user")` on an [`EncryptedDatabase`],
/// `key.grant_decrypt(id, &role)` on a [`KmsKey`] (see [`Grant`]).
///
/// # Secure defaults
/// - No inline policies and no `AWS::IAM::Policy`: every permission is an
///   `AWS::IAM::ManagedPolicy` (I1, §164.308(a)(4), §164.312(a)(1)).
/// - The trust policy names each principal: services of a closed list, accounts and roles
///   by id; there is no way to trust every principal (`*`) (I8). ECS tasks are bound to this
///   account by `aws:SourceAccount` and `aws:SourceArn`.
/// - No AWS-managed policy: an agent's permissions ([`AgentPermissions`]) are a managed
///   policy of the app that names its actions, without the grants on every resource that I2
///   refuses (`ssm:GetParameter` of AWS's `AmazonSSMManagedInstanceCore`).
///
/// # Options
/// - [`trust`](Role::trust): more principals. Default: only the one given to `new`.
/// - [`agent_permissions`](Role::agent_permissions). Default: none.
/// - [`description`](Role::description). Default: a description naming the construct's path.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{AgentPermissions, Role, ServicePrincipal, Trusted};
/// let app = App::new("clinic");
/// let stack = app.stack("clinic")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
/// let records = stack.add(SecureBucket::new("Records").encryption(&key).access_logs(&logs))?;
/// let role = stack.add(
///     Role::new("App", ServicePrincipal::Ec2)
///         .trust(Trusted::account("123456789012"))
///         .agent_permissions(AgentPermissions::SsmAgent),
/// )?;
/// stack.add(records.grant_read("AppReadsRecords", &role))?;
/// stack.output("AppRole", role.arn())?;
/// // Another account acting as the role reads the records: rule X2 asks for the agreement.
/// app.waive(hipaa_stack::compliance::Waiver::new(
///     hipaa_stack::compliance::rule::X2,
///     &role,
///     "the operations account, under the business associate agreement BAA-2026-07",
/// ))?;
/// # app.synth()?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// A role cannot trust every principal:
///
/// ```compile_fail
/// use hipaa_stack::Role;
/// let _ = Role::new("App", "*");
/// ```
#[derive(Debug, Clone)]
pub struct Role {
    id: String,
    trusted: Vec<Trusted>,
    description: Option<String>,
    agents: Vec<AgentPermissions>,
}

impl Role {
    /// A role with the construct id `id`, assumed by `principal`.
    pub fn new(id: impl Into<String>, principal: impl TrustedPrincipal) -> Self {
        Role {
            id: id.into(),
            trusted: vec![principal.into_trusted()],
            description: None,
            agents: Vec::new(),
        }
    }

    /// Lets `principal` assume the role too. Default: only the principal given to `new`.
    pub fn trust(mut self, principal: impl TrustedPrincipal) -> Self {
        let principal = principal.into_trusted();
        if !self.trusted.contains(&principal) {
            self.trusted.push(principal);
        }
        self
    }

    /// Gives the role the permissions of an AWS agent that runs on its instances, in a
    /// managed policy of the app (logical id `<id>SsmAgentPolicy` or
    /// `<id>CloudWatchAgentPolicy`). Default: none.
    pub fn agent_permissions(mut self, agent: AgentPermissions) -> Self {
        if !self.agents.contains(&agent) {
            self.agents.push(agent);
        }
        self
    }

    /// Describes the role (at most 1,000 characters). Default: a description naming the
    /// construct's path.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }
}

impl Handle<Role> {
    /// The role's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("Arn"))
    }

    /// The role's name.
    pub fn name(&self) -> Reference<Name> {
        self.attr_ref("", Attr::Ref)
    }
}

impl Construct<Role> for Role {}

impl IntoNode<Role> for Role {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(self)
    }
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The stack's own account, as `Fn::Sub` writes it.
const OWN_ACCOUNT: &str = "${AWS::AccountId}";

/// A role's ARN (checked by [`is_role_arn`]) as a trust policy names it: with the account
/// `${AWS::AccountId}` in an `Fn::Sub` when it is `own`, the account of the stack's
/// environment; as written otherwise.
fn role_arn_in(arn: &str, own: Option<&str>) -> Expr {
    let mut fields: Vec<&str> = arn.splitn(6, ':').collect();
    match fields.get(4) {
        Some(account) if own == Some(*account) => {
            fields[4] = OWN_ACCOUNT;
            Expr::sub_pseudo(&fields.join(":"))
        }
        _ => Expr::lit(arn),
    }
}

/// `arn:<partition>:iam::<account>:role/<path/><name>` with IAM's characters.
fn is_role_arn(text: &str) -> bool {
    let mut pieces = text.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        pieces.next(),
        pieces.next(),
        pieces.next(),
        pieces.next(),
        pieces.next(),
        pieces.next(),
    ) else {
        return false;
    };
    let name_ok = resource.strip_prefix("role/").is_some_and(|rest| {
        !rest.is_empty()
            && !rest.ends_with('/')
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b))
    });
    matches!(partition, "aws" | "aws-cn" | "aws-us-gov") && is_account_id(account) && name_ok
}

impl Node for Role {
    fn kind(&self) -> &'static str {
        "Role"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        let has = |agent| self.agents.contains(&agent);
        match (
            has(AgentPermissions::SsmAgent),
            has(AgentPermissions::CloudWatchAgent),
        ) {
            (false, false) => &[""],
            (true, false) => &["", "SsmAgentPolicy"],
            (false, true) => &["", "CloudWatchAgentPolicy"],
            (true, true) => &["", "SsmAgentPolicy", "CloudWatchAgentPolicy"],
        }
    }

    fn uses(&self) -> Vec<Used> {
        Vec::new()
    }

    fn check(&self) -> Result<(), String> {
        for trusted in &self.trusted {
            match &trusted.0 {
                TrustedKind::Service(_) => {}
                TrustedKind::Account(id) if !is_account_id(id) => {
                    return Err(format!(
                        "`{id}` is not an AWS account id (12 digits); a role trusts named accounts, never every principal (rule I8)"
                    ));
                }
                TrustedKind::RoleArn(arn) if !is_role_arn(arn) => {
                    return Err(format!(
                        "`{arn}` is not the ARN of one role (`arn:aws:iam::123456789012:role/name`); a role trusts named roles, never every principal (rule I8)"
                    ));
                }
                _ => {}
            }
        }
        let named = self
            .trusted
            .iter()
            .filter(|t| !matches!(t.0, TrustedKind::Service(_)))
            .count();
        if named > PRINCIPAL_SIDS.len() {
            return Err(format!(
                "the role trusts {named} accounts and roles; hipaa-stack names at most {} in one trust policy",
                PRINCIPAL_SIDS.len()
            ));
        }
        if let Some(text) = &self.description {
            if text.chars().count() > 1000 {
                return Err(format!(
                    "the role's description has {} characters; IAM accepts at most 1000",
                    text.chars().count()
                ));
            }
            if text.chars().any(char::is_control) {
                return Err(
                    "the role's description contains a control character; IAM refuses it"
                        .to_owned(),
                );
            }
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let account = || Expr::pseudo(Pseudo::AccountId);
        // The account of the stack's environment is the stack's own: the deploy engine
        // deploys the stack with credentials of that account only (`DeployError::
        // WrongAccount`), so it is written `${AWS::AccountId}`, which the rules and the peers
        // read as this account's, not another's.
        let own = cx.arena.account_of(cx.stack).map(|a| a.as_str());
        let mut named = PRINCIPAL_SIDS.iter();
        let mut statements = Vec::with_capacity(self.trusted.len());
        for trusted in &self.trusted {
            let statement = match &trusted.0 {
                TrustedKind::Service(service) => {
                    let statement = Statement::allow(
                        service.sid(),
                        Principal::Service(service.host().into()),
                        &["sts:AssumeRole"],
                        Vec::new(),
                    );
                    if *service == ServicePrincipal::EcsTasks {
                        statement
                            .when("StringEquals", "aws:SourceAccount", account())
                            .when(
                                "ArnLike",
                                "aws:SourceArn",
                                Expr::sub_pseudo(
                                    "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*",
                                ),
                            )
                    } else {
                        statement
                    }
                }
                TrustedKind::Account(id) => {
                    let id = if own == Some(id.as_str()) {
                        OWN_ACCOUNT
                    } else {
                        id.as_str()
                    };
                    Statement::allow(
                        named.next().copied().unwrap_or("TrustPrincipal"),
                        Principal::Aws(Expr::sub_pseudo(&format!(
                            "arn:${{AWS::Partition}}:iam::{id}:root"
                        ))),
                        &["sts:AssumeRole"],
                        Vec::new(),
                    )
                }
                TrustedKind::RoleArn(arn) => Statement::allow(
                    named.next().copied().unwrap_or("TrustPrincipal"),
                    Principal::Aws(role_arn_in(arn, own)),
                    &["sts:AssumeRole"],
                    Vec::new(),
                ),
            };
            statements.push(statement);
        }
        let role = CfnRole {
            description: self.description.clone().unwrap_or_else(|| {
                format!("{}: permissions from its managed policies only", cx.path())
            }),
            assume_role_policy_document: PolicyDocument::new(statements),
            managed_policy_arns: Vec::new(),
        };
        let mut out = vec![Resource::new(cx.logical(""), role)?];
        for agent in AGENTS.into_iter().filter(|a| self.agents.contains(a)) {
            let policy = ManagedPolicy {
                description: format!("{}: the permissions of {}", cx.path(), agent.what()),
                policy_document: PolicyDocument::new(agent.statements()),
                roles: vec![cx.own_ref("")],
            };
            let mut resource = Resource::new(cx.logical(agent.part()), policy)?;
            // checkov asks every write action to name its resources (CKV_AWS_111); the
            // agents' actions are AWS's own grants on `*`, and I2 reads them.
            resource.metadata_mut().insert(
                "checkov".to_owned(),
                serde_json::json!({ "skip": [{
                    "id": "CKV_AWS_111",
                    "comment": agent.unconstrained_writes(),
                }] }),
            );
            out.push(resource);
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------
// Grants.
// ---------------------------------------------------------------------------------------

/// Least-privilege access for a [`Role`] to one resource: one `AWS::IAM::ManagedPolicy`
/// attached to the role, naming the resource and, where the data is encrypted, its KMS key.
///
/// Made by a verb on the resource's handle, and added to a stack (any stack of the app)
/// like any construct; the construct id becomes the policy's logical id:
///
/// | verb | allows |
/// |---|---|
/// | `bucket.grant_read(id, &role)` | `s3:ListBucket` on the bucket; `s3:GetObject`, `s3:GetObjectVersion` on its objects; `kms:Decrypt` with the bucket's key, through S3 only |
/// | `bucket.grant_write(id, &role)` | `s3:PutObject`, `s3:AbortMultipartUpload` on its objects; `kms:GenerateDataKey`, `kms:Decrypt` with the bucket's key, through S3 only |
/// | `database.grant_connect(id, &role, "user")` | `rds-db:connect` as that database user of that instance (IAM database authentication) |
/// | `key.grant_decrypt(id, &role)` | `kms:Decrypt` with that key |
/// | `queue.grant_send(id, &role)` | `sqs:SendMessage`, `sqs:GetQueueAttributes`, `sqs:GetQueueUrl` on the queue; `kms:GenerateDataKey`, `kms:Decrypt` with its key, through SQS only |
/// | `queue.grant_consume(id, &role)` | `sqs:ReceiveMessage`, `sqs:DeleteMessage`, `sqs:ChangeMessageVisibility`, `sqs:GetQueueAttributes`, `sqs:GetQueueUrl` on the queue; `kms:Decrypt` with its key, through SQS only |
/// | `table.grant_read(id, &role)` | `dynamodb:GetItem`, `BatchGetItem`, `Query`, `Scan`, `ConditionCheckItem`, `DescribeTable` on the table and its indexes; `kms:Decrypt`, `kms:DescribeKey` with its key, through DynamoDB only |
/// | `table.grant_write(id, &role)` | `dynamodb:PutItem`, `UpdateItem`, `BatchWriteItem`, `DescribeTable` on the table; `kms:Decrypt`, `kms:DescribeKey`, `kms:GenerateDataKey` with its key, through DynamoDB only |
/// | `function.grant_invoke(id, &role)` | `lambda:InvokeFunction` on the function |
///
/// `role` is a [`Role`], or a [`Function`]: the grant goes to the function's own execution
/// role.
///
/// # Secure defaults
/// - Every statement names its resources: no `*` action, no `service:*`, no data action on
///   every resource (I2), no KMS action on every key (K4); the key statements of bucket
///   grants hold only through S3 (`kms:ViaService`) and for that bucket
///   (`kms:EncryptionContext:aws:s3:arn`).
/// - A managed policy, never an inline one (I1).
/// - No grant deletes: writing to a bucket is `s3:PutObject`, never `s3:DeleteObject`.
/// - A database grant needs no key: the instance decrypts its own storage.
///
/// # Options
/// None: each verb grants exactly the actions above.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{Role, ServicePrincipal};
/// let app = App::new("clinic");
/// let stack = app.stack("clinic")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
/// let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
/// let records = stack.add(SecureBucket::new("Records").encryption(&key).access_logs(&logs))?;
/// let ehr = stack.add(EncryptedDatabase::postgres("Ehr").encryption(&key).network(&net))?;
/// let role = stack.add(Role::new("App", ServicePrincipal::Ec2))?;
/// stack.add(records.grant_read("AppReadsRecords", &role))?;
/// stack.add(records.grant_write("AppWritesRecords", &role))?;
/// stack.add(ehr.grant_connect("AppConnectsToEhr", &role, "app_user"))?;
/// let grant = stack.add(key.grant_decrypt("AppDecrypts", &role))?;
/// stack.output("DecryptPolicy", grant.policy_arn())?;
/// # app.synth()?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Grant {
    id: String,
    role: GranteeRef,
    access: Access,
}

/// The role a [`Grant`] adds its policy to: a [`Role`], or the role a construct made for
/// itself (a [`Function`]'s execution role).
///
/// Opaque: made only by hipaa-stack, from a handle of the app.
#[derive(Debug, Clone, Copy)]
pub struct GranteeRef {
    role: Handle<Role>,
    part: &'static str,
    what: &'static str,
}

mod grantee {
    pub trait Sealed {
        fn grantee(&self) -> super::GranteeRef;
    }
}

/// What a grant gives its permissions to: a [`Role`], or a [`Function`] (its execution role).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be granted permissions",
    label = "pass the handle of a `Role` or of a `Function`",
    note = "HIPAA 45 CFR §164.308(a)(4) and §164.312(a)(1): permissions go to one role, each a managed policy naming its resources; create one with `stack.add(Role::new(..))?` or grant to a function's handle"
)]
pub trait Grantee: grantee::Sealed {}

impl grantee::Sealed for Handle<Role> {
    fn grantee(&self) -> GranteeRef {
        GranteeRef {
            role: *self,
            part: "",
            what: "Role",
        }
    }
}

impl Grantee for Handle<Role> {}

impl grantee::Sealed for Handle<Function> {
    fn grantee(&self) -> GranteeRef {
        GranteeRef {
            role: self.cast(),
            part: "Role",
            what: "Function",
        }
    }
}

impl Grantee for Handle<Function> {}

#[derive(Debug, Clone)]
enum Access {
    Read(Handle<SecureBucket>),
    Write(Handle<SecureBucket>),
    Connect(Handle<EncryptedDatabase>, String),
    Decrypt(Handle<KmsKey>),
    Send(Handle<SecureQueue>),
    Consume(Handle<SecureQueue>),
    ReadTable(Handle<SecureTable>),
    WriteTable(Handle<SecureTable>),
    Invoke(Handle<Function>),
}

impl Handle<Function> {
    /// Lets `role` call the function (`lambda:InvokeFunction` on this function only). A
    /// [`Grant`] with the construct id `id`.
    pub fn grant_invoke(&self, id: impl Into<String>, role: &impl Grantee) -> Grant {
        Grant {
            id: id.into(),
            role: role.grantee(),
            access: Access::Invoke(*self),
        }
    }
}

impl Handle<SecureQueue> {
    /// Lets `role` send messages to the queue, encrypting them with the queue's key through
    /// SQS. A [`Grant`] with the construct id `id`.
    pub fn grant_send(&self, id: impl Into<String>, role: &impl Grantee) -> Grant {
        Grant {
            id: id.into(),
            role: role.grantee(),
            access: Access::Send(*self),
        }
    }

    /// Lets `role` receive, delete and hide messages of the queue, decrypting them with the
    /// queue's key through SQS (what a function triggered by the queue needs). A [`Grant`]
    /// with the construct id `id`.
    pub fn grant_consume(&self, id: impl Into<String>, role: &impl Grantee) -> Grant {
        Grant {
            id: id.into(),
            role: role.grantee(),
            access: Access::Consume(*self),
        }
    }
}

impl Handle<SecureTable> {
    /// Lets `role` read items of the table and its indexes (get, query, scan), decrypting
    /// with the table's key through DynamoDB. A [`Grant`] with the construct id `id`.
    pub fn grant_read(&self, id: impl Into<String>, role: &impl Grantee) -> Grant {
        Grant {
            id: id.into(),
            role: role.grantee(),
            access: Access::ReadTable(*self),
        }
    }

    /// Lets `role` put and update items (never delete them), with the table's key through
    /// DynamoDB. A [`Grant`] with the construct id `id`.
    pub fn grant_write(&self, id: impl Into<String>, role: &impl Grantee) -> Grant {
        Grant {
            id: id.into(),
            role: role.grantee(),
            access: Access::WriteTable(*self),
        }
    }
}

impl Handle<SecureBucket> {
    /// Lets `role` list the bucket and read its objects (every version), decrypting them
    /// with the bucket's key through S3. A [`Grant`] with the construct id `id`.
    pub fn grant_read(&self, id: impl Into<String>, role: &impl Grantee) -> Grant {
        Grant {
            id: id.into(),
            role: role.grantee(),
            access: Access::Read(*self),
        }
    }

    /// Lets `role` write objects (never delete them), encrypting them with the bucket's key
    /// through S3. A [`Grant`] with the construct id `id`.
    pub fn grant_write(&self, id: impl Into<String>, role: &impl Grantee) -> Grant {
        Grant {
            id: id.into(),
            role: role.grantee(),
            access: Access::Write(*self),
        }
    }
}

impl Handle<EncryptedDatabase> {
    /// Lets `role` connect to the database as the database user `user` with IAM database
    /// authentication (`rds-db:connect`). A [`Grant`] with the construct id `id`.
    ///
    /// The user is created in the database (`CREATE USER app_user; GRANT rds_iam TO
    /// app_user;` on PostgreSQL, `IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'` on
    /// MySQL); its name is a letter, then up to 62 letters, digits and underscores (checked
    /// when the grant is added). The role still needs a network path: see `allow_from`.
    pub fn grant_connect(
        &self,
        id: impl Into<String>,
        role: &impl Grantee,
        user: impl Into<String>,
    ) -> Grant {
        Grant {
            id: id.into(),
            role: role.grantee(),
            access: Access::Connect(*self, user.into()),
        }
    }
}

impl Handle<KmsKey> {
    /// Lets `role` decrypt with the key (`kms:Decrypt` on this key only). A [`Grant`] with
    /// the construct id `id`.
    pub fn grant_decrypt(&self, id: impl Into<String>, role: &impl Grantee) -> Grant {
        Grant {
            id: id.into(),
            role: role.grantee(),
            access: Access::Decrypt(*self),
        }
    }
}

impl Handle<Grant> {
    /// The ARN of the grant's managed policy.
    pub fn policy_arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Ref)
    }
}

impl Construct<Grant> for Grant {}

impl IntoNode<Grant> for Grant {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(self)
    }
}

/// A database user name that both engines accept and an IAM ARN can hold unescaped.
fn is_db_user(name: &str) -> bool {
    name.len() <= 63
        && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl Grant {
    /// `kms:ViaService` S3 in the stack's region, for the bucket `bucket_arn`.
    fn through_s3(statement: Statement, bucket_arn: &Expr) -> Statement {
        statement
            .when(
                "StringEquals",
                "kms:ViaService",
                Expr::sub_pseudo("s3.${AWS::Region}.amazonaws.com"),
            )
            .when(
                "StringEquals",
                "kms:EncryptionContext:aws:s3:arn",
                bucket_arn.clone(),
            )
    }

    /// `kms:ViaService` of `service` (`sqs`, `dynamodb`) in the stack's region.
    fn through(service: &str, statement: Statement) -> Statement {
        statement.when(
            "StringEquals",
            "kms:ViaService",
            Expr::sub_pseudo(&format!("{service}.${{AWS::Region}}.amazonaws.com")),
        )
    }

    /// The ARN of the key the construct `index` encrypts with.
    fn key_of<C>(cx: &mut RenderCx<'_>, bucket: Handle<C>) -> Result<Expr, serde_json::Error> {
        let index = cx.arena.constructs[bucket.index as usize]
            .node
            .encryption_key();
        match index {
            Some(index) => {
                let key: Handle<KmsKey> = Handle::new(bucket.app, index);
                Ok(cx.resolve(key.arn()))
            }
            None => Err(refused(
                cx,
                &format!(
                    "`{}` has no customer-managed key to grant",
                    cx.arena.path(bucket.index)
                ),
            )),
        }
    }
}

impl Node for Grant {
    fn kind(&self) -> &'static str {
        "Grant"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &[""]
    }

    fn uses(&self) -> Vec<Used> {
        let target = match &self.access {
            Access::Read(bucket) | Access::Write(bucket) => bucket.used("SecureBucket"),
            Access::Connect(database, _) => database.used("EncryptedDatabase"),
            Access::Decrypt(key) => key.used("KmsKey"),
            Access::Send(queue) | Access::Consume(queue) => queue.used("SecureQueue"),
            Access::ReadTable(table) | Access::WriteTable(table) => table.used("SecureTable"),
            Access::Invoke(function) => function.used("Function"),
        };
        vec![
            Used {
                app: self.role.role.app,
                what: self.role.what,
            },
            target,
        ]
    }

    fn check(&self) -> Result<(), String> {
        match &self.access {
            Access::Connect(_, user) if !is_db_user(user) => Err(format!(
                "`{user}` is not a database user name hipaa-stack grants: a letter, then up to 62 letters, digits and underscores"
            )),
            _ => Ok(()),
        }
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let role_path = cx.arena.path(self.role.role.index);
        let (what, statements) = match &self.access {
            Access::Read(bucket) => {
                let arn = cx.resolve(bucket.arn());
                let key = Self::key_of(cx, *bucket)?;
                let statements = vec![
                    Statement::allow_identity("ListBucket", &["s3:ListBucket"], vec![arn.clone()]),
                    Statement::allow_identity(
                        "ReadObjects",
                        &["s3:GetObject", "s3:GetObjectVersion"],
                        vec![Expr::join([arn.clone(), "/*".into()])],
                    ),
                    Self::through_s3(
                        Statement::allow_identity("DecryptObjects", &["kms:Decrypt"], vec![key]),
                        &arn,
                    ),
                ];
                (
                    format!("read access to {}", cx.arena.path(bucket.index)),
                    statements,
                )
            }
            Access::Write(bucket) => {
                let arn = cx.resolve(bucket.arn());
                let key = Self::key_of(cx, *bucket)?;
                let statements = vec![
                    Statement::allow_identity(
                        "WriteObjects",
                        &["s3:PutObject", "s3:AbortMultipartUpload"],
                        vec![Expr::join([arn.clone(), "/*".into()])],
                    ),
                    Self::through_s3(
                        Statement::allow_identity(
                            "EncryptObjects",
                            &["kms:GenerateDataKey", "kms:Decrypt"],
                            vec![key],
                        ),
                        &arn,
                    ),
                ];
                (
                    format!("write access to {}", cx.arena.path(bucket.index)),
                    statements,
                )
            }
            Access::Connect(database, user) => {
                let resource_id =
                    cx.resolve(database.attr_ref::<Id>("", Attr::Get("DbiResourceId")));
                let user_arn = Expr::join([
                    Expr::sub_pseudo(
                        "arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:",
                    ),
                    resource_id,
                    Expr::lit(format!("/{user}")),
                ]);
                (
                    format!(
                        "connections to {} as the database user {user}",
                        cx.arena.path(database.index)
                    ),
                    vec![Statement::allow_identity(
                        "ConnectAsUser",
                        &["rds-db:connect"],
                        vec![user_arn],
                    )],
                )
            }
            Access::Decrypt(key) => {
                let arn = cx.resolve(key.arn());
                (
                    format!("decryption with {}", cx.arena.path(key.index)),
                    vec![Statement::allow_identity(
                        "Decrypt",
                        &["kms:Decrypt"],
                        vec![arn],
                    )],
                )
            }
            Access::Invoke(function) => {
                let arn = cx.resolve(function.arn());
                (
                    format!("calls to {}", cx.arena.path(function.index)),
                    vec![Statement::allow_identity(
                        "InvokeFunction",
                        &["lambda:InvokeFunction"],
                        vec![arn],
                    )],
                )
            }
            Access::Send(queue) => {
                let arn = cx.resolve(queue.arn());
                let key = Self::key_of(cx, *queue)?;
                (
                    format!("sending to {}", cx.arena.path(queue.index)),
                    vec![
                        Statement::allow_identity(
                            "SendMessages",
                            &[
                                "sqs:SendMessage",
                                "sqs:GetQueueAttributes",
                                "sqs:GetQueueUrl",
                            ],
                            vec![arn],
                        ),
                        Self::through(
                            "sqs",
                            Statement::allow_identity(
                                "EncryptMessages",
                                &["kms:GenerateDataKey", "kms:Decrypt"],
                                vec![key],
                            ),
                        ),
                    ],
                )
            }
            Access::Consume(queue) => {
                let arn = cx.resolve(queue.arn());
                let key = Self::key_of(cx, *queue)?;
                (
                    format!("consuming {}", cx.arena.path(queue.index)),
                    vec![
                        Statement::allow_identity(
                            "ConsumeMessages",
                            &[
                                "sqs:ReceiveMessage",
                                "sqs:DeleteMessage",
                                "sqs:ChangeMessageVisibility",
                                "sqs:GetQueueAttributes",
                                "sqs:GetQueueUrl",
                            ],
                            vec![arn],
                        ),
                        Self::through(
                            "sqs",
                            Statement::allow_identity(
                                "DecryptMessages",
                                &["kms:Decrypt"],
                                vec![key],
                            ),
                        ),
                    ],
                )
            }
            Access::ReadTable(table) | Access::WriteTable(table) => {
                let arn = cx.resolve(table.arn());
                let key = Self::key_of(cx, *table)?;
                let read = matches!(self.access, Access::ReadTable(_));
                let (sid, actions, resources): (&'static str, &[&'static str], Vec<Expr>) = if read
                {
                    (
                        "ReadItems",
                        &[
                            "dynamodb:GetItem",
                            "dynamodb:BatchGetItem",
                            "dynamodb:Query",
                            "dynamodb:Scan",
                            "dynamodb:ConditionCheckItem",
                            "dynamodb:DescribeTable",
                        ],
                        vec![arn.clone(), Expr::join([arn, "/index/*".into()])],
                    )
                } else {
                    (
                        "WriteItems",
                        &[
                            "dynamodb:PutItem",
                            "dynamodb:UpdateItem",
                            "dynamodb:BatchWriteItem",
                            "dynamodb:DescribeTable",
                        ],
                        vec![arn],
                    )
                };
                let key_actions: &[&'static str] = if read {
                    &["kms:Decrypt", "kms:DescribeKey"]
                } else {
                    &["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
                };
                (
                    format!(
                        "{} {}",
                        if read { "reading" } else { "writing" },
                        cx.arena.path(table.index)
                    ),
                    vec![
                        Statement::allow_identity(sid, actions, resources),
                        Self::through(
                            "dynamodb",
                            Statement::allow_identity("UseTheTablesKey", key_actions, vec![key]),
                        ),
                    ],
                )
            }
        };
        let policy = ManagedPolicy {
            description: format!("{what} for the role {role_path} ({})", cx.path()),
            policy_document: PolicyDocument::new(statements),
            roles: vec![cx.resolve(self.role.role.attr_ref::<Name>(self.role.part, Attr::Ref))],
        };
        Ok(vec![Resource::new(cx.logical(""), policy)?])
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::{prop, resource, sids, statement, template_of, template_with};
    use crate::{AgentPermissions, Role, ServicePrincipal, Trusted};

    /// Both agents' policies pass every rule (I2 among them: no data action, no control-off
    /// action on `*`), each a managed policy of the app attached to the role.
    #[test]
    fn the_agents_permissions_pass_every_rule() {
        let t = template_with(|stack, _, _| {
            stack
                .add(
                    Role::new("Server", ServicePrincipal::Ec2)
                        .agent_permissions(AgentPermissions::CloudWatchAgent)
                        .agent_permissions(AgentPermissions::SsmAgent)
                        .agent_permissions(AgentPermissions::SsmAgent),
                )
                .unwrap();
        });
        for part in ["ServerSsmAgentPolicy", "ServerCloudWatchAgentPolicy"] {
            assert_eq!(resource(&t, part)["Type"], "AWS::IAM::ManagedPolicy");
            assert_eq!(prop(&t, part, "/Roles"), &json!([{ "Ref": "Server" }]));
        }
        for part in ["ServerSsmAgentPolicy", "ServerCloudWatchAgentPolicy"] {
            assert_eq!(
                resource(&t, part)["Metadata"]["checkov"]["skip"][0]["id"],
                "CKV_AWS_111"
            );
        }
        let cloudwatch = prop(&t, "ServerCloudWatchAgentPolicy", "/PolicyDocument");
        assert_eq!(sids(cloudwatch), ["CloudWatchAgent", "AgentConfiguration"]);
        assert!(
            !statement(cloudwatch, "CloudWatchAgent")["Action"]
                .as_array()
                .unwrap()
                .contains(&json!("logs:PutRetentionPolicy"))
        );
    }

    #[test]
    fn the_account_of_the_stacks_environment_is_trusted_as_its_own() {
        let app = App::new("test");
        let staging = app
            .environment("staging", account!("123456789012"), region!("us-east-1"))
            .unwrap();
        let stack = staging.stack("t").unwrap();
        let role = stack
            .add(
                Role::new("App", ServicePrincipal::Ec2)
                    .trust(Trusted::account("123456789012"))
                    .trust(Trusted::role_arn(
                        "arn:aws:iam::123456789012:role/ci/deployer",
                    ))
                    .trust(Trusted::role_arn(
                        "arn:aws:iam::210987654321:role/123456789012",
                    )),
            )
            .unwrap();
        // The environment's account is the stack's own, written as CloudFormation names
        // it; another account stays a finding of X2, even where its role's name holds the
        // digits of this one.
        let findings = match app.synth() {
            Err(crate::Error::Noncompliant { findings }) => findings,
            other => panic!("the role of another account is refused: {other:?}"),
        };
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!((findings[0].rule, &*findings[0].logical_id), ("X2", "App"));
        assert!(
            findings[0].what.contains("210987654321")
                && !findings[0].what.contains("the account 123456789012"),
            "{}",
            findings[0].what
        );
        app.waive(crate::testing::Waiver::new(
            crate::testing::rule::X2,
            &role,
            "the CI account deploys under the agreement BAA-2026-07",
        ))
        .unwrap();
        let t = template_of(&app, "staging-t");
        let trust = prop(&t, "App", "/AssumeRolePolicyDocument");
        let principals: Vec<&serde_json::Value> = trust["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| &s["Principal"]["AWS"])
            .filter(|p| !p.is_null())
            .collect();
        assert_eq!(
            principals,
            [
                &json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}),
                &json!({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/ci/deployer"}),
                &json!("arn:aws:iam::210987654321:role/123456789012"),
            ]
        );
        // A stack of no environment deploys to whatever account its credentials are of:
        // the same account written as digits may be another.
        let unpinned = App::new("test");
        unpinned
            .stack("t")
            .unwrap()
            .add(Role::new("App", ServicePrincipal::Ec2).trust(Trusted::account("123456789012")))
            .unwrap();
        assert!(matches!(
            unpinned.synth(),
            Err(crate::Error::Noncompliant { findings }) if findings[0].rule == "X2"
        ));
    }

    #[test]
    fn a_role_has_managed_policies_only_and_names_whom_it_trusts() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let role = stack
            .add(
                Role::new("App", ServicePrincipal::Ec2)
                    .trust(ServicePrincipal::EcsTasks)
                    .trust(Trusted::account("123456789012"))
                    .trust(Trusted::role_arn(
                        "arn:aws:iam::210987654321:role/ci/deployer",
                    ))
                    .trust(ServicePrincipal::Ec2)
                    .agent_permissions(AgentPermissions::SsmAgent),
            )
            .unwrap();
        // Other accounts acting as the role is access granted to another account (X2):
        // synth refuses it until the agreement is named.
        let findings = match app.synth() {
            Err(crate::Error::Noncompliant { findings }) => findings,
            other => panic!("the role is refused: {other:?}"),
        };
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!((findings[0].rule, &*findings[0].logical_id), ("X2", "App"));
        assert!(
            findings[0].what.contains("the account 123456789012")
                && findings[0].what.contains("the account 210987654321"),
            "{}",
            findings[0].what
        );
        app.waive(crate::testing::Waiver::new(
            crate::testing::rule::X2,
            &role,
            "the CI account deploys under the agreement BAA-2026-07",
        ))
        .unwrap();
        let t = template_of(&app, "t");
        let role = resource(&t, "App");
        assert_eq!(role["Type"], "AWS::IAM::Role");
        assert!(role["Properties"].get("Policies").is_none());
        // No AWS-managed policy: the SSM agent's actions in a policy of the app, without
        // `ssm:GetParameter(s)` on every parameter (hostile review 11).
        assert!(role["Properties"].get("ManagedPolicyArns").is_none());
        let agent = resource(&t, "AppSsmAgentPolicy");
        assert_eq!(agent["Type"], "AWS::IAM::ManagedPolicy");
        assert_eq!(
            prop(&t, "AppSsmAgentPolicy", "/Roles"),
            &json!([{ "Ref": "App" }])
        );
        let document = prop(&t, "AppSsmAgentPolicy", "/PolicyDocument");
        assert_eq!(
            sids(document),
            ["SsmAgent", "SessionChannels", "AgentMessages"]
        );
        let actions: Vec<&str> = document["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["Action"].as_array().unwrap())
            .map(|a| a.as_str().unwrap())
            .collect();
        assert!(actions.contains(&"ssm:UpdateInstanceInformation"));
        assert!(actions.contains(&"ssmmessages:OpenDataChannel"));
        assert!(
            !actions.iter().any(|a| a.starts_with("ssm:GetParameter")),
            "{actions:?}"
        );
        let trust = prop(&t, "App", "/AssumeRolePolicyDocument");
        assert_eq!(
            sids(trust),
            [
                "TrustEc2",
                "TrustEcsTasks",
                "TrustPrincipal1",
                "TrustPrincipal2"
            ]
        );
        assert_eq!(
            statement(trust, "TrustEc2"),
            &json!({
                "Sid": "TrustEc2",
                "Effect": "Allow",
                "Principal": { "Service": "ec2.amazonaws.com" },
                "Action": ["sts:AssumeRole"]
            })
        );
        assert_eq!(
            statement(trust, "TrustEcsTasks")["Condition"]["StringEquals"]["aws:SourceAccount"],
            json!({ "Ref": "AWS::AccountId" })
        );
        assert_eq!(
            statement(trust, "TrustPrincipal1")["Principal"],
            json!({ "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::123456789012:root" } })
        );
        assert_eq!(
            statement(trust, "TrustPrincipal2")["Principal"],
            json!({ "AWS": "arn:aws:iam::210987654321:role/ci/deployer" })
        );
        assert_eq!(
            prop(&t, "App", "/Description"),
            "t/App: permissions from its managed policies only"
        );
    }

    #[test]
    fn principals_are_checked_when_added() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        for (principal, needle) in [
            (Trusted::account("*"), "`*` is not an AWS account id"),
            (Trusted::account("12345678901"), "not an AWS account id"),
            (Trusted::role_arn("*"), "`*` is not the ARN of one role"),
            (
                Trusted::role_arn("arn:aws:iam::123456789012:role/*"),
                "is not the ARN of one role",
            ),
            (
                Trusted::role_arn("arn:aws:iam::123456789012:user/alice"),
                "is not the ARN of one role",
            ),
        ] {
            let err = stack
                .add(Role::new("App", ServicePrincipal::Lambda).trust(principal))
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("construct `t/App` is invalid"), "{err}");
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }

    fn granted() -> serde_json::Value {
        template_with(|stack, key, logs| {
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
            let ehr = stack
                .add(
                    EncryptedDatabase::postgres("Ehr")
                        .encryption(&key)
                        .network(&net),
                )
                .unwrap();
            let role = stack.add(Role::new("App", ServicePrincipal::Ec2)).unwrap();
            stack.add(records.grant_read("AppReads", &role)).unwrap();
            stack.add(records.grant_write("AppWrites", &role)).unwrap();
            stack
                .add(ehr.grant_connect("AppConnects", &role, "app_user"))
                .unwrap();
            stack.add(key.grant_decrypt("AppDecrypts", &role)).unwrap();
        })
    }

    #[test]
    fn bucket_grants_name_the_bucket_its_objects_and_its_key_through_s3() {
        let t = granted();
        let read = resource(&t, "AppReads");
        assert_eq!(read["Type"], "AWS::IAM::ManagedPolicy");
        assert_eq!(read["Properties"]["Roles"], json!([{ "Ref": "App" }]));
        let document = &read["Properties"]["PolicyDocument"];
        assert_eq!(
            document["Statement"],
            json!([
                { "Sid": "ListBucket", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [{ "Fn::GetAtt": ["Records", "Arn"] }] },
                { "Sid": "ReadObjects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": [{ "Fn::Sub": "${Records.Arn}/*" }] },
                {
                    "Sid": "DecryptObjects",
                    "Effect": "Allow",
                    "Action": ["kms:Decrypt"],
                    "Resource": [{ "Fn::GetAtt": ["PhiKey", "Arn"] }],
                    "Condition": { "StringEquals": {
                        "kms:EncryptionContext:aws:s3:arn": { "Fn::GetAtt": ["Records", "Arn"] },
                        "kms:ViaService": { "Fn::Sub": "s3.${AWS::Region}.amazonaws.com" }
                    } }
                }
            ])
        );
        let write = prop(&t, "AppWrites", "/PolicyDocument");
        assert_eq!(
            statement(write, "WriteObjects")["Action"],
            json!(["s3:PutObject", "s3:AbortMultipartUpload"])
        );
        assert_eq!(
            statement(write, "EncryptObjects")["Action"],
            json!(["kms:GenerateDataKey", "kms:Decrypt"])
        );
        assert_eq!(
            statement(write, "EncryptObjects")["Condition"]["StringEquals"]["kms:ViaService"],
            json!({ "Fn::Sub": "s3.${AWS::Region}.amazonaws.com" })
        );
    }

    #[test]
    fn database_and_key_grants_name_the_user_and_the_key() {
        let t = granted();
        assert_eq!(
            prop(&t, "AppConnects", "/PolicyDocument/Statement"),
            &json!([{
                "Sid": "ConnectAsUser",
                "Effect": "Allow",
                "Action": ["rds-db:connect"],
                "Resource": [{ "Fn::Sub": "arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${Ehr.DbiResourceId}/app_user" }]
            }])
        );
        assert_eq!(
            prop(&t, "AppDecrypts", "/PolicyDocument/Statement"),
            &json!([{
                "Sid": "Decrypt",
                "Effect": "Allow",
                "Action": ["kms:Decrypt"],
                "Resource": [{ "Fn::GetAtt": ["PhiKey", "Arn"] }]
            }])
        );
        assert_eq!(
            prop(&t, "AppDecrypts", "/Description"),
            "decryption with t/PhiKey for the role t/App (t/AppDecrypts)"
        );
    }

    #[test]
    fn no_grant_allows_a_wildcard() {
        let t = granted();
        for id in ["AppReads", "AppWrites", "AppConnects", "AppDecrypts"] {
            for s in prop(&t, id, "/PolicyDocument/Statement")
                .as_array()
                .unwrap()
            {
                for action in s["Action"].as_array().unwrap() {
                    assert!(!action.as_str().unwrap().contains('*'), "{id}: {action}");
                }
                for r in s["Resource"].as_array().unwrap() {
                    assert_ne!(r, "*", "{id}");
                }
            }
        }
    }

    #[test]
    fn grants_across_stacks_import_the_role_and_the_resource() {
        let app = App::new("test");
        let data = app.stack("data").unwrap();
        let key = data.add(KmsKey::new("PhiKey")).unwrap();
        let logs = data.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let records = data
            .add(
                SecureBucket::new("Records")
                    .encryption(&key)
                    .access_logs(&logs),
            )
            .unwrap();
        let compute = app.stack("compute").unwrap();
        let role = compute
            .add(Role::new("App", ServicePrincipal::Ec2))
            .unwrap();
        compute.add(records.grant_read("AppReads", &role)).unwrap();
        let t = template_of(&app, "compute");
        assert_eq!(prop(&t, "AppReads", "/Roles"), &json!([{ "Ref": "App" }]));
        assert_eq!(
            prop(&t, "AppReads", "/PolicyDocument/Statement/2/Resource"),
            &json!([{ "Fn::ImportValue": "data:PhiKey:Arn" }])
        );
        assert_eq!(
            prop(&t, "AppReads", "/PolicyDocument/Statement/1/Resource"),
            &json!([{ "Fn::Sub": ["${V0}/*", { "V0": { "Fn::ImportValue": "data:Records:Arn" } }] }])
        );
    }

    #[test]
    fn a_database_user_is_checked_when_the_grant_is_added() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let ehr = stack
            .add(
                EncryptedDatabase::postgres("Ehr")
                    .encryption(&key)
                    .network(&net),
            )
            .unwrap();
        let role = stack.add(Role::new("App", ServicePrincipal::Ec2)).unwrap();
        for user in ["*", "app-user", "", "1app"] {
            let err = stack
                .add(ehr.grant_connect("Connect", &role, user))
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("construct `t/Connect` is invalid: `"),
                "{err}"
            );
        }
    }
}
