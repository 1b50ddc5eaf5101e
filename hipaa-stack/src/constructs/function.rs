//! [`Function`]: an AWS Lambda function that may handle PHI, with its code as an asset.

use std::path::PathBuf;

use crate::app::node::IntoNode;
use crate::app::node::{KeyService, Node, RenderCx, Used, resolve_target};
use crate::app::{Arn, Attr, Handle, Name, Reference, Target};
use crate::cfn::ec2::{SecurityGroup, SecurityGroupEntry};
use crate::cfn::iam::{ManagedPolicy, Role as CfnRole};
use crate::cfn::lambda::{
    Code as CfnCode, DeadLetterConfig, Environment, Function as CfnFunction, LoggingConfig,
    Permission, TracingConfig, VpcConfig,
};
use crate::cfn::policy::{PolicyDocument, Principal, Statement, deny_insecure_queue_transport};
use crate::cfn::sqs::{Queue, QueuePolicy};
use crate::cfn::{Expr, Keep, Pseudo, Resource};
use crate::constructs::log_group::{DEFAULT_LOG_RETENTION, LogRetention, encrypted_log_group};
use crate::constructs::secure_instance::sealed::ChosenVpc;
use crate::constructs::secure_queue::notified;
use crate::constructs::{
    Construct, EncryptionKey, KeyChosen, KmsKey, NoKey, NoNetwork, SecureVpc, VpcTier,
};
use crate::literal::Days;

/// The parts of a function, after its construct id.
const PARTS: &[&str] = &[
    "",
    "Role",
    "Policy",
    "SecurityGroup",
    "Logs",
    "DeadLetters",
    "DeadLettersPolicy",
    "S3Permission",
];

/// Where a function's code comes from: a binary crate of the user's workspace, built at
/// `synth`, or a zip built elsewhere. Either way the code is an asset of the cloud
/// assembly, named by the hash of its content, that `up` uploads to the staging bucket
/// only when that bucket does not hold it yet.
///
/// ```
/// use hipaa_stack::Code;
/// let built_here = Code::cargo_bin("worker");
/// let prebuilt = Code::zip("target/lambda/worker.zip");
/// # let _ = (built_here, prebuilt);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Code(pub(crate) CodeSource);

/// The source of a function's code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum CodeSource {
    /// A zip file, read at `synth`.
    Zip(PathBuf),
    /// A binary target of the workspace, built at `synth` for `provided.al2023` and packed
    /// as `bootstrap`.
    CargoBin(String),
}

impl Code {
    /// The binary `name` of the workspace that runs the program (`cargo run -- synth`),
    /// built during `synth` (and `up`, `preview`) for Lambda's `provided.al2023` runtime
    /// and packed as `bootstrap` in a zip whose bytes depend only on the binary. `check`,
    /// `graph` and `report` never build it. The binary runs a Lambda runtime client (for
    /// example the `lambda_runtime` crate).
    pub fn cargo_bin(name: impl Into<String>) -> Self {
        Code(CodeSource::CargoBin(name.into()))
    }

    /// A zip built elsewhere, holding `bootstrap` at its root, read during `synth` (and
    /// `up`, `preview`) with the `zip` crate as an unzip tool would unpack it: a file that is
    /// not a zip, or whose code Lambda could not start, is refused naming the function (see
    /// the README's "Functions built from the workspace").
    pub fn zip(path: impl Into<PathBuf>) -> Self {
        Code(CodeSource::Zip(path.into()))
    }
}

/// The instruction set a function runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Architecture {
    /// x86-64 (`x86_64`). The default.
    #[default]
    X86_64,
    /// AWS Graviton (`arm64`); `Code::cargo_bin` needs the Rust standard library of
    /// `aarch64-unknown-linux-gnu` installed to build for it.
    Arm64,
}

impl Architecture {
    pub(crate) fn lambda_name(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }

    /// The Rust target a `cargo_bin` function is built for: glibc 2.34, Amazon Linux 2023's.
    pub(crate) fn rust_target(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64-unknown-linux-gnu",
            Architecture::Arm64 => "aarch64-unknown-linux-gnu",
        }
    }
}

/// Implemented by a chosen VPC: the state of a [`Function`] after `.network(&vpc)`.
#[diagnostic::on_unimplemented(
    message = "`{C}` runs in no VPC",
    label = "call `.network(&vpc)` with a `SecureVpc` on this `{C}` before adding it to a stack",
    note = "HIPAA 45 CFR §164.312(a)(1) and §164.312(e)(1) (hipaa-stack rule A1): a function that may handle PHI runs in the private subnets of a VPC, behind a security group of its own; create the network with `stack.add(SecureVpc::new(\"Net\", cidr!(\"10.20.0.0/16\")).encryption(&key))?`"
)]
pub trait VpcChosen<C>: ChosenVpc {}

impl<C> VpcChosen<C> for Handle<SecureVpc> {}

/// A value of an environment variable: text, or a typed reference (a table's name).
#[derive(Debug, Clone)]
enum EnvValue {
    Text(String),
    Reference(Target),
}

/// An AWS Lambda function that may handle PHI: in private subnets of a [`SecureVpc`], with
/// its environment encrypted by a customer-managed key, its own role, security group, log
/// group and dead-letter queue.
///
/// It needs a customer-managed key ([`encryption`](Function::encryption)) and a network
/// ([`network`](Function::network)); without either, [`Stack::add`](crate::Stack::add)
/// does not compile.
///
/// What it creates (logical ids after the construct id `Worker`): `Worker` (the function),
/// `WorkerRole` (its execution role), `WorkerPolicy` (what the function itself needs: its
/// dead-letter queue and key), `WorkerSecurityGroup`, `WorkerLogs` (its log group),
/// `WorkerDeadLetters` and `WorkerDeadLettersPolicy`; with a bucket that notifies it,
/// `WorkerS3Permission` (S3 of this account may invoke it: the bucket waits for the
/// permission, so the permission cannot name the bucket's ARN without a cycle).
///
/// # Secure defaults
/// - In the private subnets of the VPC, behind a security group of its own that admits
///   nothing and lets out only HTTPS (A1, §164.312(a)(1), §164.312(e)(1)). The VPC gains a
///   gateway endpoint for DynamoDB (its endpoints for S3, KMS, CloudWatch Logs, Secrets
///   Manager and STS are there already); the private subnets have no route to the internet.
/// - Environment variables encrypted with the customer key (`KmsKeyArn`, A1K,
///   §164.312(a)(2)(iv)).
/// - Its log group, encrypted with the customer key and kept at least a year (L1, L2,
///   §164.312(b)), set as the function's `LoggingConfig`.
/// - A dead-letter queue encrypted with the customer key, TLS only (A1, A2, A2T), retained
///   with the stack: asynchronous events that keep failing are kept 14 days rather than
///   lost.
/// - Reserved concurrency (A1): a runaway function cannot take the account's whole pool.
/// - Active X-Ray tracing (A1T, §164.312(b)).
/// - A role of its own, trusted by Lambda only, holding the AWS-managed policies for a
///   function in a VPC (`AWSLambdaVPCAccessExecutionRole`) and X-Ray
///   (`AWSXRayDaemonWriteAccess`), its dead-letter queue and key, and what is granted to it
///   (`queue.grant_consume(id, &function)`, `table.grant_write(id, &function)`, …).
///
/// # Options
/// - [`memory_mb`](Function::memory_mb). Default: 512 MB.
/// - [`timeout_seconds`](Function::timeout_seconds). Default: 30 seconds.
/// - [`reserved_concurrency`](Function::reserved_concurrency). Default: 10.
/// - [`architecture`](Function::architecture). Default: x86-64.
/// - [`env`](Function::env), [`env_reference`](Function::env_reference). Default: none.
/// - [`log_retention`](Function::log_retention). Default: 365 days.
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{Code, Function, KeyType, SecureQueue, SecureTable};
/// let app = App::new("docproc");
/// let stack = app.stack("docproc")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
/// let results = stack.add(SecureTable::new("Results", "Id", KeyType::String).encryption(&key))?;
/// let worker = stack.add(
///     Function::new("Worker", Code::zip("worker.zip"))
///         .encryption(&key)
///         .network(&net)
///         .timeout_seconds(60)
///         .env_reference("RESULTS_TABLE", results.name()),
/// )?;
/// stack.add(results.grant_write("WorkerWrites", &worker))?;
/// stack.output("WorkerFunction", worker.name())?;
/// # app.check()?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
///
/// A function outside a VPC does not compile:
///
/// ```compile_fail
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::{Code, Function};
/// let app = App::new("docproc");
/// let stack = app.stack("docproc")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// stack.add(Function::new("Worker", Code::cargo_bin("worker")).encryption(&key))?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Function<K = Handle<KmsKey>, N = Handle<SecureVpc>> {
    id: String,
    pub(crate) code: Code,
    key: K,
    network: N,
    memory_mb: u32,
    timeout_seconds: u32,
    concurrency: u32,
    pub(crate) architecture: Architecture,
    environment: Vec<(String, EnvValue)>,
    log_retention: u16,
}

impl Function<NoKey, NoNetwork> {
    /// A function with the construct id `id` that runs `code`.
    pub fn new(id: impl Into<String>, code: Code) -> Self {
        Function {
            id: id.into(),
            code,
            key: NoKey,
            network: NoNetwork,
            memory_mb: 512,
            timeout_seconds: 30,
            concurrency: 10,
            architecture: Architecture::X86_64,
            environment: Vec::new(),
            log_retention: DEFAULT_LOG_RETENTION,
        }
    }
}

impl<K, N> Function<K, N> {
    /// Encrypts the environment, the log group and the dead-letter queue with this
    /// customer-managed key.
    pub fn encryption<E: EncryptionKey>(self, key: &Handle<E>) -> Function<Handle<KmsKey>, N> {
        let network = self.network;
        let key = key.cast();
        Function {
            id: self.id,
            code: self.code,
            key,
            network,
            memory_mb: self.memory_mb,
            timeout_seconds: self.timeout_seconds,
            concurrency: self.concurrency,
            architecture: self.architecture,
            environment: self.environment,
            log_retention: self.log_retention,
        }
    }

    /// Runs the function in the private subnets of `vpc`.
    pub fn network<T: VpcTier>(
        self,
        vpc: &Handle<SecureVpc<Handle<KmsKey>, T>>,
    ) -> Function<K, Handle<SecureVpc>> {
        let vpc = vpc.any_tier();
        let key = self.key;
        Function {
            id: self.id,
            code: self.code,
            key,
            network: vpc,
            memory_mb: self.memory_mb,
            timeout_seconds: self.timeout_seconds,
            concurrency: self.concurrency,
            architecture: self.architecture,
            environment: self.environment,
            log_retention: self.log_retention,
        }
    }

    /// Memory, 128 to 10,240 MB (checked when the function is added). Default: 512.
    pub fn memory_mb(mut self, mb: u32) -> Self {
        self.memory_mb = mb;
        self
    }

    /// How long one call may run, 1 to 900 seconds (checked when the function is added).
    /// Default: 30.
    pub fn timeout_seconds(mut self, seconds: u32) -> Self {
        self.timeout_seconds = seconds;
        self
    }

    /// How many calls may run at once, 1 to 1,000 (checked when the function is added).
    /// Default: 10.
    pub fn reserved_concurrency(mut self, calls: u32) -> Self {
        self.concurrency = calls;
        self
    }

    /// The instruction set. Default: x86-64.
    pub fn architecture(mut self, architecture: Architecture) -> Self {
        self.architecture = architecture;
        self
    }

    /// Sets an environment variable to text. A name like a secret's (`DB_PASSWORD`,
    /// `API_TOKEN`) given a written value, or a value that is a credential (an access key
    /// id, a password in a URL), is refused when the function is added (and is a finding of
    /// rule P1): pass a secret's ARN with [`env_reference`](Function::env_reference) and
    /// read the secret at run time. Names and values take at most 4 KB, Lambda's quota.
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// use hipaa_stack::{Code, Function};
    /// let app = App::new("docproc");
    /// let stack = app.stack("docproc")?;
    /// let key = stack.add(KmsKey::new("PhiKey"))?;
    /// let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    /// let worker = Function::new("Worker", Code::zip("worker.zip")).encryption(&key).network(&net);
    /// let err = stack.add(worker.env("DB_PASSWORD", "hunter2")).unwrap_err().to_string();
    /// assert!(err.contains("docproc/Worker") && !err.contains("hunter2"), "{err}");
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.environment
            .push((name.into(), EnvValue::Text(value.into())));
        self
    }

    /// Sets an environment variable to a typed reference (a table's name, a queue's URL).
    pub fn env_reference<T>(mut self, name: impl Into<String>, value: Reference<T>) -> Self {
        self.environment
            .push((name.into(), EnvValue::Reference(value.target)));
        self
    }

    /// How long its log events are kept. Default: 365 days.
    pub fn log_retention<const D: u16>(mut self, days: Days<D>) -> Self
    where
        Days<D>: LogRetention,
    {
        self.log_retention = days.get();
        self
    }
}

impl Handle<Function> {
    /// The function's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("Arn"))
    }

    /// The function's name.
    pub fn name(&self) -> Reference<Name> {
        self.attr_ref("", Attr::Ref)
    }

    /// The ARN of the function's execution role.
    pub fn role_arn(&self) -> Reference<Arn> {
        self.attr_ref("Role", Attr::Get("Arn"))
    }

    /// The ARN of the function's dead-letter queue.
    pub fn dead_letter_arn(&self) -> Reference<Arn> {
        self.attr_ref("DeadLetters", Attr::Get("Arn"))
    }

    /// The name of the function's log group.
    pub fn log_group_name(&self) -> Reference<Name> {
        self.attr_ref("Logs", Attr::Ref)
    }
}

impl<K: KeyChosen<Function>, N: VpcChosen<Function>> Construct<Function> for Function<K, N> {}

impl<K: KeyChosen<Function>, N: VpcChosen<Function>> IntoNode<Function> for Function<K, N> {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(FunctionNode {
            key: self.key.key(),
            vpc: self.network.vpc(),
            id: self.id,
            code: self.code,
            memory_mb: self.memory_mb,
            timeout_seconds: self.timeout_seconds,
            concurrency: self.concurrency,
            architecture: self.architecture,
            environment: self.environment,
            log_retention: self.log_retention,
        })
    }
}

pub(crate) struct FunctionNode {
    id: String,
    pub(crate) code: Code,
    key: Handle<KmsKey>,
    vpc: Handle<SecureVpc>,
    memory_mb: u32,
    timeout_seconds: u32,
    concurrency: u32,
    pub(crate) architecture: Architecture,
    environment: Vec<(String, EnvValue)>,
    log_retention: u16,
}

/// Lambda's rule for environment variable names.
fn is_env_name(name: &str) -> bool {
    name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Names Lambda reserves for its own environment variables.
const RESERVED_ENV: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

impl Node for FunctionNode {
    fn kind(&self) -> &'static str {
        "Function"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        PARTS
    }

    fn uses(&self) -> Vec<Used> {
        let mut used = vec![self.key.used("KmsKey"), self.vpc.used("SecureVpc")];
        used.extend(self.environment.iter().filter_map(|(_, v)| match v {
            EnvValue::Reference(t) => Some(Used {
                app: t.app,
                what: "reference",
            }),
            EnvValue::Text(_) => None,
        }));
        used
    }

    fn key_services(&self) -> Vec<(u32, KeyService)> {
        vec![(self.key.index, KeyService::Logs)]
    }

    fn encryption_key(&self) -> Option<u32> {
        Some(self.key.index)
    }

    fn timeout(&self) -> Option<u32> {
        Some(self.timeout_seconds)
    }

    fn network(&self) -> Option<u32> {
        Some(self.vpc.index)
    }

    fn check(&self) -> Result<(), String> {
        if !(128..=10_240).contains(&self.memory_mb) {
            return Err(format!(
                "the function has {} MB of memory; Lambda accepts 128 to 10240",
                self.memory_mb
            ));
        }
        if !(1..=900).contains(&self.timeout_seconds) {
            return Err(format!(
                "the function's timeout is {} seconds; Lambda accepts 1 to 900",
                self.timeout_seconds
            ));
        }
        if !(1..=1000).contains(&self.concurrency) {
            return Err(format!(
                "the function reserves {} concurrent calls; hipaa-stack reserves 1 to 1000 (rule A1)",
                self.concurrency
            ));
        }
        // The name is passed to cargo as an argument (`--bin NAME`): a name that starts with
        // `-` would be read as one of cargo's own flags (`--manifest-path`, `--config`), a
        // name with `/`, `..`, spaces or other characters is no target's.
        if let CodeSource::CargoBin(name) = &self.code.0
            && !(name
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
        {
            return Err(format!(
                "`{name}` is not the name of a binary target: ASCII letters, digits, `_` and `-`, starting with a letter, a digit or `_` (rename the `[[bin]]` target)"
            ));
        }
        // Lambda's quota: "Function environment variables: 4 KB" (Developer Guide, "Lambda
        // quotas"), names and values together; a reference's value is not known here and is
        // not counted.
        let written: usize = self
            .environment
            .iter()
            .map(|(name, value)| {
                name.len()
                    + match value {
                        EnvValue::Text(text) => text.len(),
                        EnvValue::Reference(_) => 0,
                    }
            })
            .sum();
        if written > 4096 {
            return Err(format!(
                "the environment variables take {written} bytes; Lambda takes at most 4 KB of them: keep large settings in a bucket or a parameter and pass its name"
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (name, value) in &self.environment {
            if !is_env_name(name) {
                return Err(format!(
                    "`{name}` is not an environment variable name Lambda accepts: a letter, then letters, digits and `_`"
                ));
            }
            if RESERVED_ENV.contains(&name.as_str()) {
                return Err(format!(
                    "the environment variable `{name}` is reserved by Lambda; choose another name"
                ));
            }
            if !seen.insert(name.as_str()) {
                return Err(format!(
                    "the environment variable `{name}` is set twice; set it once"
                ));
            }
            // A secret written as the value, or under a name like a secret's (`DB_PASSWORD`,
            // `API_TOKEN`), read as user data and tags are (rule P1 finds the same at
            // `synth`): refused as the function is added, without repeating the value.
            if let EnvValue::Text(text) = value
                && hipaa_stack_syntax::user_data_problem(&format!("{name}={text}\n")).is_some()
            {
                return Err(format!(
                    "the environment variable `{name}` holds a secret in plain text (a name like a secret's with a written value, or a credential), which anyone who may read the function's configuration reads (HIPAA 45 CFR §164.312(a)(2)(iv), rule P1): keep it in a `Secret`, pass its ARN with `.env_reference(\"{name}_ARN\", secret.arn())` and read the value at run time"
                ));
            }
            if let EnvValue::Reference(t) = value
                && t.attr.may_hold_a_secret()
            {
                return Err(format!(
                    "the environment variable `{name}` would hold the attribute `{}`, which may hold a secret; anyone who may read the function's configuration reads its environment: pass the secret's ARN and read the value at run time",
                    t.attr.export_suffix()
                ));
            }
        }
        Ok(())
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let path = cx.path();
        let key = cx.resolve(self.key.arn());
        let zones = cx
            .arena
            .constructs
            .get(self.vpc.index as usize)
            .map_or(0, |c| c.node.private_subnet_count());
        let subnets: Vec<Expr> = (0..zones)
            .map(|zone| cx.resolve(self.vpc.private_subnet_id(zone)))
            .collect();
        let vpc_id = cx.resolve(self.vpc.vpc_id());

        let group = SecurityGroup {
            group_description: format!("{path}: no inbound traffic; outbound HTTPS only"),
            vpc_id,
            security_group_ingress: Vec::new(),
            security_group_egress: vec![SecurityGroupEntry {
                ip_protocol: "tcp",
                from_port: Some(443),
                to_port: Some(443),
                cidr_ip: Some("0.0.0.0/0".to_owned()),
                description: "HTTPS to AWS APIs through the VPC's endpoints (the private subnets have no route to the internet)".to_owned(),
                ..SecurityGroupEntry::default()
            }],
        };

        let role = CfnRole {
            description: format!(
                "{path}: the execution role of the function, trusted by Lambda only"
            ),
            assume_role_policy_document: PolicyDocument::new(vec![Statement::allow(
                "TrustLambda",
                Principal::Service("lambda.amazonaws.com".into()),
                &["sts:AssumeRole"],
                Vec::new(),
            )]),
            managed_policy_arns: vec![
                Expr::sub_pseudo(
                    "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
                ),
                Expr::sub_pseudo("arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"),
            ],
        };
        let dead_letters_arn = cx.own_att("DeadLetters", "Arn");
        let policy = ManagedPolicy {
            description: format!("{path}: its dead-letter queue and its key"),
            policy_document: PolicyDocument::new(vec![
                Statement::allow_identity(
                    "SendDeadLetters",
                    &["sqs:SendMessage"],
                    vec![dead_letters_arn.clone()],
                ),
                Statement::allow_identity(
                    "UseTheKey",
                    &["kms:Decrypt", "kms:GenerateDataKey"],
                    vec![key.clone()],
                ),
            ]),
            roles: vec![cx.own_ref("Role")],
        };
        let dead_letters = Queue {
            kms_master_key_id: key.clone(),
            kms_data_key_reuse_period_seconds: 300,
            message_retention_period: 14 * 86_400,
            visibility_timeout: 30,
            redrive_policy: None,
        };
        let dead_letters_policy = QueuePolicy {
            policy_document: PolicyDocument::new(vec![deny_insecure_queue_transport(vec![
                dead_letters_arn.clone(),
            ])]),
            queues: vec![cx.own_ref("DeadLetters")],
        };

        let s3_key = cx
            .arena
            .asset_keys
            .get(&cx.construct)
            .cloned()
            .unwrap_or_else(|| format!("assets/{}-not-built.zip", self.id));
        let bucket = match &cx.arena.staging_bucket {
            Some(name) => Expr::lit(name.as_str()),
            None => Expr::sub_pseudo("hipaa-stack-staging-${AWS::AccountId}-${AWS::Region}"),
        };
        let environment = if self.environment.is_empty() {
            None
        } else {
            let mut variables = std::collections::BTreeMap::new();
            for (name, value) in &self.environment {
                let value = match value {
                    EnvValue::Text(text) => Expr::lit(text.as_str()),
                    EnvValue::Reference(target) => {
                        resolve_target(cx.arena, cx.stack, *target, cx.construct, cx.cross)
                    }
                };
                variables.insert(name.clone(), value);
            }
            Some(Environment { variables })
        };
        let function = CfnFunction {
            description: format!("{path} (hipaa-stack)"),
            runtime: "provided.al2023",
            handler: "bootstrap",
            architectures: [self.architecture.lambda_name()],
            code: CfnCode {
                s3_bucket: bucket,
                s3_key: Expr::lit(s3_key),
            },
            role: cx.own_att("Role", "Arn"),
            memory_size: self.memory_mb,
            timeout: self.timeout_seconds,
            reserved_concurrent_executions: self.concurrency,
            vpc_config: VpcConfig {
                subnet_ids: subnets,
                security_group_ids: vec![cx.own_att("SecurityGroup", "GroupId")],
            },
            dead_letter_config: DeadLetterConfig {
                target_arn: dead_letters_arn,
            },
            kms_key_arn: key.clone(),
            environment,
            tracing_config: TracingConfig { mode: "Active" },
            logging_config: LoggingConfig {
                log_group: cx.own_ref("Logs"),
                log_format: "JSON",
            },
        };
        let mut resources = vec![
            Resource::new(cx.logical("SecurityGroup"), group)?,
            Resource::new(cx.logical("Role"), role)?,
            encrypted_log_group(cx, "Logs", key, self.log_retention)?,
            Resource::new(cx.logical("DeadLetters"), dead_letters)?.keep(Keep::Retain),
            // Kept with the dead-letter queue it guards (as a `SecureQueue`'s policy).
            Resource::new(cx.logical("DeadLettersPolicy"), dead_letters_policy)?.keep(Keep::Retain),
            Resource::new(cx.logical("Policy"), policy)?,
            // The role must hold its policy before Lambda checks that it may send to the
            // dead-letter queue and reach the VPC.
            Resource::new(cx.logical(""), function)?.depends_on(&cx.logical("Policy")),
        ];
        if notified(cx, cx.construct) {
            let permission = Permission {
                action: "lambda:InvokeFunction",
                function_name: cx.own_att("", "Arn"),
                principal: "s3.amazonaws.com",
                source_account: Expr::pseudo(Pseudo::AccountId),
                source_arn: None,
            };
            resources.push(Resource::new(cx.logical("S3Permission"), permission)?);
        }
        Ok(resources)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::prelude::*;
    use crate::testing::{assert_kept, prop, resource, statement, template_with};
    use crate::{Code, Function, KeyType, SecureQueue, SecureTable};

    fn worker() -> serde_json::Value {
        template_with(|stack, key, _| {
            let net = stack
                .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
                .unwrap();
            let results = stack
                .add(SecureTable::new("Results", "Id", KeyType::String).encryption(&key))
                .unwrap();
            let queue = stack
                .add(SecureQueue::new("Uploads").encryption(&key))
                .unwrap();
            let worker = stack
                .add(
                    Function::new("Worker", Code::zip("worker.zip"))
                        .encryption(&key)
                        .network(&net)
                        .env("MODE", "batch")
                        .env_reference("RESULTS_TABLE", results.name()),
                )
                .unwrap();
            stack.add(results.grant_write("Writes", &worker)).unwrap();
            stack.add(queue.grant_consume("Consumes", &worker)).unwrap();
        })
    }

    #[test]
    fn runs_in_private_subnets_behind_its_own_group() {
        let t = worker();
        assert_eq!(
            prop(&t, "Worker", "/VpcConfig"),
            &json!({
                "SubnetIds": [{ "Ref": "NetPrivate0" }, { "Ref": "NetPrivate1" }],
                "SecurityGroupIds": [{ "Fn::GetAtt": ["WorkerSecurityGroup", "GroupId"] }]
            })
        );
        // The VPC reaches DynamoDB through a gateway endpoint of the private route tables.
        assert_eq!(
            prop(&t, "NetDynamoDbEndpoint", "/ServiceName"),
            &json!({ "Fn::Sub": "com.amazonaws.${AWS::Region}.dynamodb" })
        );
        assert_eq!(
            prop(&t, "NetDynamoDbEndpoint", "/VpcEndpointType"),
            "Gateway"
        );
        let group = resource(&t, "WorkerSecurityGroup");
        assert!(group["Properties"].get("SecurityGroupIngress").is_none());
        assert_eq!(
            group["Properties"]["SecurityGroupEgress"][0]["FromPort"],
            443
        );
    }

    #[test]
    fn encrypts_its_environment_traces_and_reserves_concurrency() {
        let t = worker();
        let key = json!({ "Fn::GetAtt": ["PhiKey", "Arn"] });
        assert_eq!(prop(&t, "Worker", "/KmsKeyArn"), &key);
        assert_eq!(prop(&t, "Worker", "/TracingConfig/Mode"), "Active");
        assert_eq!(prop(&t, "Worker", "/ReservedConcurrentExecutions"), 10);
        assert_eq!(prop(&t, "Worker", "/Runtime"), "provided.al2023");
        assert_eq!(
            prop(&t, "Worker", "/Environment/Variables"),
            &json!({ "MODE": "batch", "RESULTS_TABLE": { "Ref": "Results" } })
        );
        assert_eq!(
            prop(&t, "Worker", "/LoggingConfig/LogGroup"),
            &json!({ "Ref": "WorkerLogs" })
        );
        assert_eq!(prop(&t, "WorkerLogs", "/KmsKeyId"), &key);
        assert_kept(&t, "WorkerLogs", "Retain");
    }

    #[test]
    fn failed_events_go_to_an_encrypted_tls_only_queue() {
        let t = worker();
        assert_eq!(
            prop(&t, "Worker", "/DeadLetterConfig/TargetArn"),
            &json!({ "Fn::GetAtt": ["WorkerDeadLetters", "Arn"] })
        );
        assert_eq!(
            prop(&t, "WorkerDeadLetters", "/KmsMasterKeyId"),
            &json!({ "Fn::GetAtt": ["PhiKey", "Arn"] })
        );
        let deny = statement(
            prop(&t, "WorkerDeadLettersPolicy", "/PolicyDocument"),
            "DenyInsecureTransport",
        );
        assert_eq!(deny["Condition"]["Bool"]["aws:SecureTransport"], "false");
    }

    #[test]
    fn its_role_holds_only_what_it_needs_and_what_is_granted() {
        let t = worker();
        assert_eq!(
            prop(&t, "Worker", "/Role"),
            &json!({ "Fn::GetAtt": ["WorkerRole", "Arn"] })
        );
        let trust = prop(&t, "WorkerRole", "/AssumeRolePolicyDocument");
        assert_eq!(
            statement(trust, "TrustLambda")["Principal"],
            json!({ "Service": "lambda.amazonaws.com" })
        );
        for grant in ["Writes", "Consumes", "WorkerPolicy"] {
            assert_eq!(
                prop(&t, grant, "/Roles"),
                &json!([{ "Ref": "WorkerRole" }]),
                "{grant}"
            );
        }
    }

    #[test]
    fn settings_out_of_range_are_refused_naming_the_function() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let base = || {
            Function::new("Worker", Code::cargo_bin("worker"))
                .encryption(&key)
                .network(&net)
        };
        for (function, needle) in [
            (base().memory_mb(64), "Lambda accepts 128 to 10240"),
            (base().timeout_seconds(901), "Lambda accepts 1 to 900"),
            (base().reserved_concurrency(0), "reserves 1 to 1000"),
            (base().env("AWS_REGION", "x"), "reserved by Lambda"),
            (base().env("1X", "x"), "not an environment variable name"),
            (base().env("A", "x").env("A", "y"), "is set twice"),
        ] {
            let err = stack.add(function).unwrap_err().to_string();
            assert!(err.contains("t/Worker"), "{err}");
            assert!(err.contains(needle), "{err}");
        }
        // Names that leave the workspace, hold spaces or other letters, or that cargo
        // would read as one of its own flags (`--bin --manifest-path …`).
        for name in [
            "../evil",
            "",
            "a b",
            "bin/x",
            "wörker",
            "--manifest-path",
            "-Zunstable-options",
            "-",
        ] {
            let bad = Function::new("Worker", Code::cargo_bin(name))
                .encryption(&key)
                .network(&net);
            let err = stack.add(bad).unwrap_err().to_string();
            assert!(
                err.contains("not the name of a binary target"),
                "{name}: {err}"
            );
        }
    }

    #[test]
    fn a_secret_in_the_environment_is_refused_when_the_function_is_added() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let base = |id: &str| {
            Function::new(id, Code::zip("worker.zip"))
                .encryption(&key)
                .network(&net)
        };
        for (i, (name, value)) in [
            ("DB_PASSWORD", "hunter2"),
            ("API_TOKEN", "3f9c1e7a"),
            ("DB_PASS", "hunter2"),
            ("AWS_KEY", "AKIAIOSFODNN7EXAMPLE"),
            (
                "DATABASE_URL",
                "postgres://admin:hunter2@db.internal:5432/ehr",
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let err = stack
                .add(base(&format!("Leaky{i}")).env(name, value))
                .unwrap_err()
                .to_string();
            assert!(err.contains(&format!("t/Leaky{i}")), "{err}");
            assert!(
                err.contains("holds a secret in plain text"),
                "{name}: {err}"
            );
            assert!(!err.contains(value), "the value is repeated: {err}");
        }
        // Settings, and the ARN of a secret, pass.
        stack
            .add(
                base("Fine")
                    .env("MODE", "batch")
                    .env("LOG_LEVEL", "info")
                    .env("TOKEN_URL", "https://auth.example.com/oauth2/token")
                    .env("PASSENGER_COUNT", "4")
                    .env("COMPASS_HEADING", "north")
                    .env("DB_URL", "postgres://app@db.internal:5432/ehr")
                    .env("PW_POLICY_URL", "https://example.com")
                    .env(
                        "DB_PASSWORD",
                        "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
                    )
                    .env(
                        "DB_SECRET_ARN",
                        "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
                    ),
            )
            .unwrap();
        // Lambda's 4 KB of environment.
        let err = stack
            .add(base("Big").env("NOTES", "x".repeat(4092)))
            .unwrap_err()
            .to_string();
        assert!(err.contains("take 4097 bytes"), "{err}");
        stack
            .add(base("Edge").env("NOTES", "x".repeat(4091)))
            .unwrap();
    }

    /// A bucket whose uploads go to a queue that triggers the function, and a second
    /// bucket that calls the function directly.
    fn pipeline() -> crate::Assembly {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let logs = stack.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let queue = stack
            .add(
                SecureQueue::new("Uploads")
                    .encryption(&key)
                    .visibility_timeout_seconds(360),
            )
            .unwrap();
        let worker = stack
            .add(
                Function::new("Worker", Code::zip("worker.zip"))
                    .encryption(&key)
                    .network(&net)
                    .timeout_seconds(60),
            )
            .unwrap();
        let direct = stack
            .add(
                Function::new("Direct", Code::zip("worker.zip"))
                    .encryption(&key)
                    .network(&net),
            )
            .unwrap();
        stack
            .add(
                SecureBucket::new("Inbox")
                    .encryption(&key)
                    .access_logs(&logs)
                    .notify(&queue),
            )
            .unwrap();
        stack
            .add(
                SecureBucket::new("Scans")
                    .encryption(&key)
                    .access_logs(&logs)
                    .notify(&direct),
            )
            .unwrap();
        stack
            .add(queue.trigger("UploadsToWorker", &worker).batch_size(5))
            .unwrap();
        let caller = stack
            .add(crate::Role::new("Caller", crate::ServicePrincipal::Lambda))
            .unwrap();
        stack
            .add(worker.grant_invoke("CallsWorker", &caller))
            .unwrap();
        app.synth().unwrap()
    }

    fn template(assembly: &crate::Assembly) -> serde_json::Value {
        crate::cfn::tree::from_str(assembly.stack("t").unwrap().template_json()).unwrap()
    }

    #[test]
    fn a_bucket_notifies_a_queue_that_s3_may_send_to_with_the_key() {
        let t = template(&pipeline());
        assert_eq!(
            prop(&t, "Inbox", "/NotificationConfiguration"),
            &json!({ "QueueConfigurations": [{
                "Event": "s3:ObjectCreated:*",
                "Queue": { "Fn::GetAtt": ["Uploads", "Arn"] }
            }] })
        );
        assert_eq!(resource(&t, "Inbox")["DependsOn"], json!(["UploadsPolicy"]));
        let allow = statement(
            prop(&t, "UploadsPolicy", "/PolicyDocument"),
            "AllowS3BucketNotifications",
        );
        assert_eq!(allow["Principal"], json!({ "Service": "s3.amazonaws.com" }));
        assert_eq!(
            allow["Condition"]["StringEquals"]["aws:SourceAccount"],
            json!({ "Ref": "AWS::AccountId" })
        );
        let key = statement(
            prop(&t, "PhiKey", "/KeyPolicy"),
            "AllowS3EventNotifications",
        );
        assert_eq!(key["Action"], json!(["kms:GenerateDataKey", "kms:Decrypt"]));
    }

    #[test]
    fn a_bucket_notifies_a_function_that_only_it_may_invoke() {
        let t = template(&pipeline());
        assert_eq!(
            prop(
                &t,
                "Scans",
                "/NotificationConfiguration/LambdaConfigurations/0/Function"
            ),
            &json!({ "Fn::GetAtt": ["Direct", "Arn"] })
        );
        assert_eq!(
            resource(&t, "Scans")["DependsOn"],
            json!(["DirectS3Permission"])
        );
        assert_eq!(
            prop(&t, "DirectS3Permission", "/SourceAccount"),
            &json!({ "Ref": "AWS::AccountId" })
        );
        assert_eq!(
            prop(&t, "DirectS3Permission", "/Principal"),
            "s3.amazonaws.com"
        );
        assert!(t["Resources"].get("WorkerS3Permission").is_none());
    }

    #[test]
    fn a_queue_triggers_the_function_which_may_consume_it() {
        let t = template(&pipeline());
        let mapping = resource(&t, "UploadsToWorker");
        assert_eq!(mapping["Type"], "AWS::Lambda::EventSourceMapping");
        assert_eq!(mapping["DependsOn"], json!(["UploadsToWorkerPolicy"]));
        assert_eq!(
            mapping["Properties"],
            json!({
                "EventSourceArn": { "Fn::GetAtt": ["Uploads", "Arn"] },
                "FunctionName": { "Fn::GetAtt": ["Worker", "Arn"] },
                "BatchSize": 5,
                "MaximumBatchingWindowInSeconds": 0,
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
                "Enabled": true
            })
        );
        assert_eq!(
            prop(&t, "UploadsToWorkerPolicy", "/Roles"),
            &json!([{ "Ref": "WorkerRole" }])
        );
        assert_eq!(
            statement(prop(&t, "CallsWorker", "/PolicyDocument"), "InvokeFunction")["Resource"],
            json!([{ "Fn::GetAtt": ["Worker", "Arn"] }])
        );
    }

    #[test]
    fn the_serverless_constructs_meet_every_rule() {
        let assembly = pipeline();
        let findings = assembly.evaluation().findings();
        assert!(findings.is_empty(), "{findings:?}");
        for rule in ["A1", "A1T", "A2", "A2D", "A2T", "P2", "X1", "X2"] {
            assert!(
                assembly.evaluation().results.iter().any(|r| r.rule == rule
                    && matches!(r.status, crate::testing::Status::Enforced { .. })),
                "{rule} has no evidence"
            );
        }
    }

    #[test]
    fn a_trigger_needs_a_visibility_timeout_as_long_as_the_function_runs() {
        let app = App::new("test");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        let queue = stack
            .add(SecureQueue::new("Uploads").encryption(&key))
            .unwrap();
        let worker = stack
            .add(
                Function::new("Worker", Code::zip("worker.zip"))
                    .encryption(&key)
                    .network(&net)
                    .timeout_seconds(120),
            )
            .unwrap();
        let err = stack
            .add(queue.trigger("Go", &worker))
            .unwrap_err()
            .to_string();
        assert!(err.contains("t/Go"), "{err}");
        assert!(err.contains("`.visibility_timeout_seconds(120)`"), "{err}");
        let err = stack
            .add(queue.trigger("Go", &worker).batch_size(11))
            .unwrap_err()
            .to_string();
        assert!(err.contains("Lambda accepts 1 to 10 without"), "{err}");
    }
}
