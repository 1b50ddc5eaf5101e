//! Rules on every resource, whatever its type: a type no rule reads (`U1`), nested stacks
//! whose template no rule reads (`U2`), services outside AWS's HIPAA Eligible Services list
//! (`H1`), and plaintext secrets in any string property (`P1`).

use serde_json::Value;

use super::meaning::text;
use super::{Cx, Outcome, Packs, Proof, RuleSpec, rules};

/// The marker of a rule that reads every resource type.
pub(crate) const EVERY_TYPE: &[&str] = &["*"];

pub(crate) static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "U1",
        title: "every resource is of a type that a rule reads",
        types: EVERY_TYPE,
        controls: &["164.308(a)(1)(ii)(B)", "164.312(a)(1)"],
        fix: "use a typed construct, or a type the rules read; otherwise waive `U1` on the construct with the reason its resources hold no PHI and grant no access",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: u1,
    },
    RuleSpec {
        id: "U2",
        title: "no nested stack, no macro (`Fn::Transform`), and no type spelled unlike AWS spells it: the rules would never read it",
        types: EVERY_TYPE,
        controls: &["164.308(a)(1)(ii)(B)", "164.312(a)(1)"],
        fix: "declare the nested stack's resources as a stack of the app (`app.stack(..)`), where every rule reads them; write resource types exactly as AWS does (`AWS::S3::Bucket`); test at most six conditions (`Fn::If`) in the whole app, whose every combination the rules read; write a value itself, not `Fn::Select` of a list written in the template (a list of values, or `Fn::Split` of written text) nor `Fn::FindInMap` (the templates declare no `Mappings`), return `AWS::NoValue` only from an `Fn::If`, never inside `Fn::Join` or `Fn::Sub`, and write a pseudo parameter whole (`${AWS::AccountId}` in one `Fn::Sub` text, or its `Ref`), never across the pieces of an `Fn::Join` or an `Fn::Sub`'s variables; in JSON text, write each key of an object once, and each condition key of a condition block in one spelling",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: u2,
    },
    RuleSpec {
        id: "H1",
        title: "every resource belongs to a service on AWS's HIPAA Eligible Services list",
        types: EVERY_TYPE,
        controls: &["164.308(b)(1)", "164.314(a)(1)"],
        fix: "use a HIPAA-eligible service for anything that may hold PHI; give a custom resource a `ServiceToken` that is a Lambda function or SNS topic of the app or an ARN in `${AWS::AccountId}` (its handler receives its properties); a resource that never holds PHI takes `Waiver::never_holds_phi(&construct, reason)`",
        packs: Packs {
            cdk_nag: None,
            checkov: None,
            guard: None,
        },
        check: h1,
    },
    RuleSpec {
        id: "P1",
        title: "no secret is written in plain text in any property",
        types: EVERY_TYPE,
        controls: &["164.312(a)(2)(iv)", "164.312(d)", "164.308(a)(5)(ii)(D)"],
        fix: "keep secrets in Secrets Manager (`Secret`, `ManageMasterUserPassword`, `GenerateSecretString`) and pass their ARN; never a literal password, a literal environment variable named like a secret, or a password or `{{resolve:…}}` in user data (anyone with ec2:DescribeInstanceAttribute reads it) or in a script kept as text (a build specification, an SSM or Image Builder document, a SageMaker lifecycle script, an App Runner command, cfn-init's commands and files), which the service shows as written",
        packs: Packs {
            cdk_nag: Some("HIPAA.Security-SecretsManagerUsingDynamicReference"),
            checkov: Some("CKV_AWS_46"),
            guard: None,
        },
        check: p1,
    },
];

// ---------------------------------------------------------------------------------------
// U1 and U2.
// ---------------------------------------------------------------------------------------

/// Types that hold no PHI and grant no access on their own: network plumbing, attachments
/// and associations whose effect the rules judge on the resources they connect, and the
/// account's detective controls. Each is read by the rules of the resources it serves.
const INERT: &[&str] = &[
    "AWS::EC2::RouteTable",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::NatGateway",
    "AWS::EC2::FlowLog",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::RDS::DBSubnetGroup",
    "AWS::RDS::DBParameterGroup",
    "AWS::RDS::DBClusterParameterGroup",
    "AWS::RDS::OptionGroup",
    // An EMR security configuration is read where a cluster names it (`E4` its metadata
    // service, `EMR1` its encryption): "Each security configuration that you create is
    // stored in Amazon EMR rather than in the cluster configuration, so you can easily
    // reuse a configuration" (Amazon EMR Management Guide, "Encryption options"); one no
    // cluster names configures nothing.
    "AWS::EMR::SecurityConfiguration",
    // DocumentDB's and Neptune's subnet groups, Neptune's instance parameter groups (query
    // timeouts and caches, none of the settings of security, which are the cluster's), and
    // DocumentDB's event subscriptions (notices of cluster events, no data, to a topic
    // that its own rules read): read where the clusters are (DD1–DD4).
    "AWS::DocDB::DBSubnetGroup",
    "AWS::DocDB::EventSubscription",
    "AWS::Neptune::DBSubnetGroup",
    "AWS::Neptune::DBParameterGroup",
    // The subnet groups of the other stores that `STORES_IN_SUBNETS` (network rules) reads
    // as placing PHI in their subnets, as it reads RDS's, DocumentDB's and Neptune's above:
    // a list of subnets and a description (CloudFormation reference,
    // `AWS::Redshift::ClusterSubnetGroup`, `AWS::ElastiCache::SubnetGroup`,
    // `AWS::MemoryDB::SubnetGroup`), no data and no grant. A cluster in a VPC needs one.
    "AWS::Redshift::ClusterSubnetGroup",
    "AWS::ElastiCache::SubnetGroup",
    "AWS::MemoryDB::SubnetGroup",
    // A Redshift snapshot copy grant names the key that encrypts a cluster's snapshots
    // copied to its region ("permits Amazon Redshift to use an encrypted symmetric key from
    // Key Management Service (KMS) to encrypt copied snapshots in a destination region",
    // Redshift API reference, `CreateSnapshotCopyGrant`): RS1 reads its `KmsKeyId` where a
    // cluster names it, and asks it of every cluster that copies snapshots; a grant no
    // cluster names encrypts nothing.
    "AWS::Redshift::SnapshotCopyGrant",
    "AWS::IAM::InstanceProfile",
    "AWS::Logs::MetricFilter",
    "AWS::Backup::BackupSelection",
    "AWS::SecretsManager::RotationSchedule",
    "AWS::KMS::Alias",
    "AWS::Config::ConfigRule",
    "AWS::Config::ConfigurationRecorder",
    "AWS::Config::DeliveryChannel",
    "AWS::Config::ConformancePack",
    "AWS::GuardDuty::Detector",
    "AWS::SecurityHub::Hub",
    "AWS::SecurityHub::Standard",
    "AWS::ApiGateway::Resource",
    // The account's settings name the role API Gateway writes execution logs with (read by
    // I1, I2, I8). (An API's authorizer is read by X2: whose user pool, function or issuer.)
    "AWS::ApiGateway::Account",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::ElasticLoadBalancingV2::ListenerCertificate",
    // A trust store holds the CA certificates (and, as `TrustStoreRevocation`, the
    // revocation lists) that a listener in mutual TLS verify mode checks clients'
    // certificates against (CloudFormation reference, `AWS::ElasticLoadBalancingV2::TrustStore`:
    // `CaCertificatesBundleS3Bucket`, `CaCertificatesBundleS3Key`, `Name`, `Tags`): public
    // certificates, no PHI. It only narrows who completes the TLS handshake ("your load
    // balancer can manage client authentication to help ensure that only trusted clients
    // communicate with your backend applications", Elastic Load Balancing user guide,
    // "Mutual authentication with TLS in Application Load Balancer"), on a listener whose
    // `MutualAuthentication.Mode` is otherwise off by default: it grants no access a listener
    // without it would not, and the listener is read by the front-door rules (F1, F2).
    "AWS::ElasticLoadBalancingV2::TrustStore",
    "AWS::ElasticLoadBalancingV2::TrustStoreRevocation",
    "AWS::WAFv2::WebACL",
    "AWS::WAFv2::WebACLAssociation",
    "AWS::WAFv2::LoggingConfiguration",
    // hostile review 21: a VPC Lattice access log subscription is read by F3 where the
    // service network or service it names is judged (`lattice.rs`): it logs, holds no PHI
    // and grants no access.
    "AWS::VpcLattice::AccessLogSubscription",
    // hostile review 23: a VPC Lattice resource gateway is the resource configurations' way
    // into their VPC (its subnets and security groups, read by their own rules); it holds
    // no PHI and logs nothing of its own: F3 reads the connections through its
    // configurations in the RESOURCE logs of the service networks that associate them.
    "AWS::VpcLattice::ResourceGateway",
    // A rule group of the program's own is read where a web ACL applies it (F4, A4W, CF3).
    "AWS::WAFv2::RuleGroup",
    "AWS::CertificateManager::Certificate",
    // A queue that triggers a function: the queue (A2, A2D, A2T), the function (A1, A1K,
    // A1T) and the role's policies (I1, I2, K4) are read by their own rules.
    "AWS::Lambda::EventSourceMapping",
    // An EFS mount target gives the file system an address in a subnet, behind its security
    // groups (Amazon EFS user guide, "Working with access points": "Mount targets provide
    // the network connectivity to your EFS file system"); the subnet is read as one holding
    // PHI (`STORES_IN_SUBNETS`), the groups and the file system's policy by their own rules.
    "AWS::EFS::MountTarget",
    // An EFS access point narrows what a client reaches: it replaces the NFS client's user
    // and group with its `PosixUser` and its root with `RootDirectory` (Amazon EFS user
    // guide, "Enforcing a user identity using an access point": "Amazon EFS replaces the
    // NFS client's user and group IDs with the identity configured on the access point";
    // "Enforcing a user identity is subject to the ClientRootAccess IAM permission").
    // A client that mounts without it sends the user and group it likes, so it grants no
    // access beyond what the file system's policy (`X2`, `P2`) and IAM already grant.
    "AWS::EFS::AccessPoint",
    // A stream consumer registers a name that may call `SubscribeToShard` (CloudFormation
    // reference, `AWS::Kinesis::StreamConsumer`: `ConsumerName`, `StreamARN`, `Tags`); it
    // holds no records and grants no one: who may read is the IAM policies' and the
    // stream's or consumer's `AWS::Kinesis::ResourcePolicy` (`X2`, `P2`).
    "AWS::Kinesis::StreamConsumer",
];

/// The rules that do not make a type verified: those that read every type, and `X1`,
/// which reads only where a resource sends copies (an event rule or a log subscription
/// whose destinations are the app's is still of a type no rule reads otherwise).
const EVERYWHERE: &[&str] = &["U1", "U2", "H1", "P1", "X1"];

/// The rules that read a store only for whether it lasts, not for how it protects what it
/// holds: `D1` (kept when removed from the stack) and `D2` (copied to another region). A
/// type they list is not made verified by them: hostile review 11 added MSK clusters to
/// `D1`, and `U1` took them as read though no rule read their encryption, authentication
/// or public access (probe 14a #1). Every type they list has a rule of its own
/// (`every_type_kept_or_copied_is_read_by_a_rule_of_its_own`).
const RETENTION_ONLY: &[&str] = &["D1", "D2"];

/// Types that deploy a template of their own, which the rules never read: nested stacks,
/// stack sets (`TemplateBody`/`TemplateURL` deployed to accounts and regions), and Service
/// Catalog products provisioned from a template of the catalogue.
/// So does a SageMaker project: it provisions a Service Catalog product
/// (`ServiceCatalogProvisioningDetails`) or a CloudFormation template of its own
/// (`TemplateProviderDetails`, "Details about a CloudFormation template provider
/// configuration and associated provisioning information", whose `CfnTemplateProviderDetail`
/// names a `TemplateURL`: CloudFormation reference, `AWS::SageMaker::Project`).
const NESTED: &[&str] = &[
    "AWS::CloudFormation::Stack",
    "AWS::CloudFormation::StackSet",
    "AWS::Serverless::Application",
    "AWS::ServiceCatalog::CloudFormationProvisionedProduct",
    "AWS::SageMaker::Project",
];

/// Where in a resource a macro rewrites it after the rules have read it: `Fn::Transform`
/// (for example `AWS::Include`, which pastes a snippet from S3 in its place), anywhere
/// below the properties. A template with a transform deploys only with
/// `CAPABILITY_AUTO_EXPAND`, which hipaa-stack's deploy passes.
fn transform_at(value: &Value, pointer: &str) -> Option<String> {
    // Almost no resource holds one: look before writing the pointer of every value.
    if !holds_key(value, "Fn::Transform") {
        return None;
    }
    let mut pending = vec![(value, pointer.to_owned())];
    while let Some((v, at)) = pending.pop() {
        match v {
            Value::Object(map) => {
                if map.contains_key("Fn::Transform") {
                    return Some(at);
                }
                for (k, child) in map {
                    let escaped = k.replace('~', "~0").replace('/', "~1");
                    pending.push((child, format!("{at}/{escaped}")));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    pending.push((child, format!("{at}/{i}")));
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether an object at or below `value` has the property `key`.
pub(super) fn holds_key(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(map) => {
            map.keys().any(|k| k == key) || map.values().any(|v| holds_key(v, key))
        }
        Value::Array(items) => items.iter().any(|v| holds_key(v, key)),
        _ => false,
    }
}

/// Types a rule reads for one control, though they make resources that no rule reads: an
/// Elastic Beanstalk environment (and the configuration template it takes its settings
/// from) is read for its listeners (`F1`), not for the instances, volumes, load balancer and
/// database it makes from its option settings and its source bundle's `.ebextensions`.
const PARTLY_READ: &[(&str, &str)] = &[
    ("AWS::ElasticBeanstalk::Environment", "its listeners (F1)"),
    (
        "AWS::ElasticBeanstalk::ConfigurationTemplate",
        "its listeners (F1)",
    ),
];

fn u1(cx: &Cx<'_>) -> Outcome {
    let t = cx.resource.type_name();
    if let Some((_, read)) = PARTLY_READ.iter().find(|(partly, _)| *partly == t) {
        return Outcome::Fail(format!(
            "the rules of hipaa-stack read `{t}` only for {read}: the instances, volumes and databases it makes are read by none, so nothing shows that they protect what they hold"
        ));
    }
    // The types some rule reads (other than the rules that read every type), gathered once:
    // asked of every resource, the rules' lists were 2% of `scale synth`'s instructions.
    static READ: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| {
            rules()
                .filter(|r| !EVERYWHERE.contains(&r.id) && !RETENTION_ONLY.contains(&r.id))
                .flat_map(|r| r.types.iter().copied())
                .collect()
        });
    if INERT.contains(&t) || READ.contains(t) {
        return Outcome::NotApplicable;
    }
    Outcome::Fail(format!(
        "no rule of hipaa-stack reads `{t}`, so nothing shows that it protects what it holds"
    ))
}

fn u2(cx: &Cx<'_>) -> Outcome {
    let t = cx.resource.type_name();
    if let Some(at) = transform_at(cx.resource.properties(), "/Properties") {
        return Outcome::Fail(format!(
            "`{at}` holds `Fn::Transform`: a macro rewrites the resource after the rules have read it"
        ));
    }
    if let Some((at, why)) = super::branches::unreadable(cx.resource.properties(), "/Properties") {
        use super::branches::Unreadable;
        return Outcome::Fail(match why {
            Unreadable::BesideKeys(key) => format!(
                "`{at}` writes `{key}` beside other keys: CloudFormation writes an intrinsic function as an object of its one key and does not say which of them it deploys, so the rules cannot read it"
            ),
            Unreadable::MalformedIf => format!(
                "`{at}` writes `Fn::If` otherwise than `[condition_name, value_if_true, value_if_false]` with the condition's name as text: the rules cannot read which value CloudFormation deploys"
            ),
            Unreadable::WrittenList => format!(
                "`{at}` picks its value by `Fn::Select` from a list written in the template: CloudFormation deploys that one entry, which the rules do not read where it is written; write the entry itself (or an `Fn::If` per choice, whose every branch the rules read)"
            ),
            Unreadable::NoValueInText => format!(
                "`{at}` writes `AWS::NoValue` inside text (`Fn::Join`, `Fn::Sub`): AWS documents it only as a value `Fn::If` returns, which removes the property, so the rules cannot read what CloudFormation deploys; return it from an `Fn::If` in place of the whole property or list item"
            ),
            Unreadable::SplitPlaceholder => format!(
                "`{at}` writes `${{AWS::…}}` across the pieces of its text (`Fn::Join`, or an `Fn::Sub`'s text and a variable): CloudFormation substitutes only what an `Fn::Sub`'s own text writes, so AWS receives those characters, not the account, region or stack, while the rules would read the placeholder; write `${{AWS::…}}` whole in an `Fn::Sub`, or `Ref` the pseudo parameter"
            ),
            Unreadable::KeyTwice(key) => format!(
                "`{at}` is JSON text whose object writes the key `{key}` twice: JSON leaves open which of the two a reader takes (RFC 8259, section 4: \"the behavior of software that receives such an object is unpredictable\"), so the rules cannot read what the service reads; write each key once"
            ),
            Unreadable::ConditionKeyInTwoCases(a, b) => format!(
                "`{at}` writes the condition key `{a}` and `{b}` in one condition block: condition keys are not case sensitive, so both name one key, and AWS does not say which value IAM compares (IAM Access Analyzer reports \"Duplicate keys with different case\"); write the key once"
            ),
            Unreadable::FindInMap => format!(
                "`{at}` reads `Fn::FindInMap`, but a template of hipaa-stack declares no `Mappings`, so CloudFormation refuses it and the rules cannot read the value; write the value itself (or an `Fn::If` per choice)"
            ),
        });
    }
    // The engine reads an app whose resources test at most `MOST_CONDITIONS` conditions
    // once per combination, every resource of every stack without `Fn::If`: a condition
    // left is one too many, in this resource or in the app.
    let conditions = super::branches::conditions(cx.resource.properties());
    if !conditions.is_empty() {
        return Outcome::Fail(format!(
            "the properties test {} conditions (`Fn::If`) and the app {}; the rules read every combination of at most {} in the app",
            conditions.len(),
            cx.index.conditions.max(conditions.len()),
            super::branches::MOST_CONDITIONS
        ));
    }
    if NESTED.iter().any(|n| n.eq_ignore_ascii_case(t)) {
        return Outcome::Fail(format!(
            "`{t}` deploys a template that the rules never read"
        ));
    }
    if let Some(problem) = unread_type(t) {
        return Outcome::Fail(problem);
    }
    // An Automation document's `aws:createStack` step creates a stack from a template
    // (Systems Manager user guide, "aws:createStack – Create a CloudFormation stack"),
    // in JSON or YAML content alike.
    if cx.resource.type_name() == "AWS::SSM::Document"
        && cx.prop("/Content").is_some_and(|c| {
            text(c)
                .unwrap_or_else(|| c.to_string())
                .contains("aws:createStack")
        })
    {
        return Outcome::Fail(
            "`Content` runs `aws:createStack`, which deploys a template that the rules never read: declare its resources as a stack of the app"
                .to_owned(),
        );
    }
    if let Some(what) = command_deploying_a_template(cx) {
        return Outcome::Fail(format!(
            "{what} deploys a CloudFormation template, which the rules never read: declare its resources as a stack of the app"
        ));
    }
    if let Some(at) = pipeline_deploying_a_template(cx) {
        return Outcome::Fail(format!(
            "`{at}` deploys a CloudFormation template of a pipeline artifact, which the rules never read: declare its resources as a stack of the app"
        ));
    }
    let known = spellings(t).iter().find(|k| **k != t);
    match known {
        Some(k) => Outcome::Fail(format!(
            "`{t}` is `{k}` spelled otherwise: the rules of `{k}` would not read it"
        )),
        None => Outcome::NotApplicable,
    }
}

/// Why the rules never read what a resource of type `t` deploys, when it is not a type
/// written as CloudFormation writes one. Types are
/// `service-provider::service-name::data-type-name` (CloudFormation Template Reference, "AWS
/// resource and property types reference"), each part letters and digits (the
/// CloudFormation API Reference's pattern of a type name, `RequiredActivatedType`:
/// `[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}(::MODULE){0,1}`), and a custom
/// resource's `Custom::` and a name of letters, digits and `_@-`, at most 60 characters in
/// all ("AWS::CloudFormation::CustomResource"). A type of another form (`AWS::S3::Bucket `
/// with a space, letters outside ASCII) is one that no rule's list can match; a module
/// (`Org::Service::Thing::MODULE`) is expanded by CloudFormation into the resources of its
/// template ("Create reusable resource configurations … with CloudFormation modules"), and
/// an `AWS::Serverless::…` type by the `AWS::Serverless` transform, "a macro hosted by
/// CloudFormation" that "transforms and expands" it into other resources (CloudFormation
/// User Guide, "AWS::Serverless transform"): both after the rules have read the template.
fn unread_type(t: &str) -> Option<String> {
    let parts: Vec<&str> = t.split("::").collect();
    let alphanumeric = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric());
    match parts.as_slice() {
        [first, ..] if first.eq_ignore_ascii_case("Custom") => {
            let name = t.get("Custom::".len()..).unwrap_or_default();
            let well_formed = parts.len() == 2
                && *first == "Custom"
                && t.len() <= 60
                && !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_@-".contains(&b));
            (!well_formed).then(|| format!(
                "`{t}` is not a custom resource type as CloudFormation writes one (`Custom::` and a name of letters, digits and `_@-`): no rule's list matches it"
            ))
        }
        [_, _, _, module] if module.eq_ignore_ascii_case("MODULE") => Some(format!(
            "`{t}` is a module, which CloudFormation expands into the resources of its own template after the rules have read this one: declare its resources in the app"
        )),
        [provider, service, _]
            if provider.eq_ignore_ascii_case("AWS")
                && service.eq_ignore_ascii_case("Serverless") =>
        {
            Some(format!(
                "`{t}` is a type of the `AWS::Serverless` transform, which expands it into other resources after the rules have read the template: declare those resources with constructs"
            ))
        }
        [provider, _, _] if provider.eq_ignore_ascii_case("AWS") && *provider != "AWS" => {
            Some(format!(
                "`{t}` writes AWS's namespace otherwise than `AWS::`: no rule's list matches it"
            ))
        }
        [_, _, _] if parts.iter().all(alphanumeric) => None,
        _ => Some(format!(
            "`{t}` is not written as CloudFormation writes a resource type (three names of ASCII letters and digits, such as `AWS::S3::Bucket`): no rule's list matches it"
        )),
    }
}

/// What deploys a template by a command written in the template: a Systems Manager
/// document, association or maintenance window task, a CodeBuild project's inline build
/// specification or an Amplify app's or branch's, a pipeline's `Commands` action, an Image
/// Builder component, a Batch job's or an ECS task's command, an instance's user data (or
/// any launch script [`user_data`] reads: a Lightsail instance's, an EC2 Fleet's, a Deadline
/// Cloud fleet's host configuration) or a Lambda function's inline code that runs the AWS CLI (`aws cloudformation deploy`,
/// `create-stack`, `update-stack`, `create-change-set`, `execute-change-set`,
/// `create-stack-set`, `create-stack-instances`, `import-stacks-to-stack-set`), the AWS
/// Tools for PowerShell (`New-CFNStack`, …), an SDK call of the same CloudFormation
/// operations (`CreateStack`, `create_stack`, …; a state machine's or a schedule's
/// `aws-sdk:cloudformation:createStack` integration), an Automation step `aws:executeAwsApi`
/// of them or `aws:createStack` (Systems Manager user guide, "aws:executeAwsApi – Call and
/// run AWS API operations"), `sam deploy`, `cdk deploy`, or Amplify's `amplifyPush`,
/// `amplify push` and `ampx pipeline-deploy` (which deploy an app's backend as
/// CloudFormation stacks): a nested stack by another road, whose template the rules never
/// read. (Code and build specifications kept outside the template cannot be read here.)
fn command_deploying_a_template(cx: &Cx<'_>) -> Option<String> {
    /// CloudFormation's operations that create or change a stack or stack set from a
    /// template, written without `-` or `_` (as the CLI, SDKs and API name them alike).
    const OPERATIONS: &[&str] = &[
        "createstack",
        "updatestack",
        "createchangeset",
        "executechangeset",
        "importstackstostackset",
    ];
    /// The AWS Tools for PowerShell's cmdlets of the same operations, which name
    /// CloudFormation (`CFN`) themselves.
    const CMDLETS: &[&str] = &[
        "newcfnstack",
        "updatecfnstack",
        "newcfnchangeset",
        "startcfnchangeset",
    ];
    let read = match cx.resource.type_name() {
        "AWS::SSM::Document"
        | "AWS::SSM::Association"
        | "AWS::SSM::MaintenanceWindowTask"
        | "AWS::EC2::Instance"
        | "AWS::EC2::LaunchTemplate"
        | "AWS::AutoScaling::LaunchConfiguration"
        | "AWS::EC2::SpotFleet"
        | "AWS::EC2::EC2Fleet"
        | "AWS::Lightsail::Instance"
        | "AWS::Deadline::Fleet"
        | "AWS::ImageBuilder::ImageRecipe"
        | "AWS::CodePipeline::Pipeline"
        | "AWS::ImageBuilder::Component"
        | "AWS::Batch::JobDefinition"
        | "AWS::ECS::TaskDefinition"
        | "AWS::StepFunctions::StateMachine"
        | "AWS::Scheduler::Schedule" => cx.resource.properties(),
        "AWS::CodeBuild::Project" => cx.prop("/Source/BuildSpec")?,
        "AWS::Amplify::App" | "AWS::Amplify::Branch" => cx.prop("/BuildSpec")?,
        "AWS::Lambda::Function" => cx.prop("/Code/ZipFile")?,
        // What a rule starts (an Automation runbook among its targets), not the events it
        // matches: a rule that watches for `CreateStack` calls deploys nothing.
        "AWS::Events::Rule" => cx.prop("/Targets")?,
        "AWS::Config::RemediationConfiguration" | "AWS::SSMIncidents::ResponsePlan" => {
            cx.resource.properties()
        }
        _ => return None,
    };
    let mut texts: Vec<String> = Vec::new();
    gather_text(read, &mut texts);
    // User data as the instance runs it: decoded where it is written as base64 text.
    texts.extend(user_data(cx).into_iter().map(|(_, v)| user_data_text(v)));
    // One line of words: case, runs of white space and line continuations (`\`, `` ` ``,
    // `^`) do not matter to a shell, nor `-` and `_` to the names of an operation.
    let mut joined = String::new();
    for t in &texts {
        let mut space = true;
        for c in t.chars() {
            if c.is_whitespace() || matches!(c, '\\' | '`' | '^') {
                if !space {
                    joined.push(' ');
                    space = true;
                }
            } else {
                joined.extend(c.to_lowercase());
                space = false;
            }
        }
        joined.push(' ');
    }
    let squashed: String = joined.chars().filter(|c| !matches!(c, '-' | '_')).collect();
    // AWS's own Automation runbook `AWS-UpdateCloudFormationStack`, "Update an AWS
    // CloudFormation stack by using an AWS CloudFormation template stored in an Amazon S3
    // bucket" (its `TemplateUrl`; Systems Manager Automation runbook reference), run by an
    // association, a maintenance window task, a rule's target
    // (`…:automation-definition/AWS-UpdateCloudFormationStack`), a Config remediation
    // (`TargetId`) or an incident response plan.
    let operation = (squashed.contains("cloudformation")
        && OPERATIONS.iter().any(|o| squashed.contains(o)))
        || CMDLETS.iter().any(|c| squashed.contains(c))
        || squashed.contains("awsupdatecloudformationstack");
    let tool = [
        "cloudformation deploy",
        "sam deploy",
        "cdk deploy",
        "aws:createstack",
        "amplifypush",
        "amplify push",
        "ampx pipeline-deploy",
    ]
    .iter()
    .any(|t| holds_words(&joined, t));
    (operation || tool).then(|| {
        let what = match cx.resource.type_name() {
            "AWS::CodeBuild::Project" => "`Source.BuildSpec`",
            "AWS::Amplify::App" | "AWS::Amplify::Branch" => "`BuildSpec`",
            "AWS::Lambda::Function" => "`Code.ZipFile`",
            "AWS::EC2::Instance"
            | "AWS::EC2::LaunchTemplate"
            | "AWS::AutoScaling::LaunchConfiguration"
            | "AWS::EC2::SpotFleet"
            | "AWS::ImageBuilder::ImageRecipe" => "the user data",
            _ => "a command written in the resource",
        };
        what.to_owned()
    })
}

/// Whether `text` holds `words` with no letter or digit just before or after them
/// (`sam deploy`, not `sam deployed`).
fn holds_words(text: &str, words: &str) -> bool {
    text.match_indices(words).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + words.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Every text below `value`, in the order written (the text an `Fn::Base64` or `Fn::Sub`
/// writes around what it reads, too); an intrinsic whose text is known before deploy
/// ([`text`]) as the one text it makes, so that a word written across the pieces of an
/// `Fn::Join` (`["aws:cre", "ateStack"]`) or between an `Fn::Sub`'s text and its variables
/// is read whole, as AWS receives it.
fn gather_text(value: &Value, texts: &mut Vec<String>) {
    if let Some(made) = value.is_object().then(|| text(value)).flatten() {
        return texts.push(made);
    }
    match value {
        Value::String(s) => texts.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| gather_text(v, texts)),
        Value::Object(map) => map.values().for_each(|v| gather_text(v, texts)),
        _ => {}
    }
}

/// Where a pipeline deploys a template: an action whose provider is CloudFormation
/// (`CREATE_UPDATE`, `CHANGE_SET_REPLACE`, … of a template in an artifact, per the
/// CloudFormation user guide's "CloudFormation configuration properties reference" for
/// CodePipeline), `CloudFormationStackSet` or `CloudFormationStackInstances` (a stack set's
/// template), or `ServiceCatalog` (a product's template): a nested stack by another road.
fn pipeline_deploying_a_template(cx: &Cx<'_>) -> Option<String> {
    const DEPLOYS: &[&str] = &[
        "CloudFormation",
        "CloudFormationStackSet",
        "CloudFormationStackInstances",
        "ServiceCatalog",
    ];
    if !cx
        .resource
        .type_name()
        .eq_ignore_ascii_case("AWS::CodePipeline::Pipeline")
    {
        return None;
    }
    let Some(Value::Array(stages)) = cx.prop("/Stages") else {
        return None;
    };
    stages.iter().enumerate().find_map(|(s, stage)| {
        let Value::Array(actions) = &stage["Actions"] else {
            return None;
        };
        actions.iter().enumerate().find_map(|(a, action)| {
            text(&action["ActionTypeId"]["Provider"])
                .filter(|p| DEPLOYS.iter().any(|d| d.eq_ignore_ascii_case(p.trim())))
                .map(|_| format!("Stages/{s}/Actions/{a}"))
        })
    })
}

/// The types that the rules read or know to be inert spelled as `t` is in any ASCII case,
/// in the order of the rules then [`INERT`]: found once for every type.
fn spellings(t: &str) -> &'static [&'static str] {
    static SPELLINGS: std::sync::LazyLock<std::collections::HashMap<String, Vec<&'static str>>> =
        std::sync::LazyLock::new(|| {
            let mut spellings: std::collections::HashMap<String, Vec<&'static str>> =
                std::collections::HashMap::new();
            // The custom resource's own type too, which `H1` reads by its name alone.
            for k in rules()
                .flat_map(|r| r.types.iter())
                .chain(INERT.iter())
                .chain(&["AWS::CloudFormation::CustomResource"])
            {
                let same = spellings.entry(k.to_ascii_lowercase()).or_default();
                if !same.contains(k) {
                    same.push(k);
                }
            }
            spellings
        });
    SPELLINGS
        .get(&t.to_ascii_lowercase())
        .map_or(&[], Vec::as_slice)
}

// ---------------------------------------------------------------------------------------
// H1: HIPAA-eligible services.
// ---------------------------------------------------------------------------------------

/// The CloudFormation namespaces (`AWS::<namespace>::…`) of the services on AWS's list of
/// HIPAA Eligible Services, with the service's name on the list.
///
/// Source: AWS, "HIPAA Eligible Services Reference",
/// <https://aws.amazon.com/compliance/hipaa-eligible-services-reference/>.
///
/// - First transcribed from the page as it stood in September 2024.
/// - Compared again on 2026-12-01. The page itself could not be fetched from this build's
///   environment, so it was compared with AWS's own copy of the list dated 2022-04-18 (the
///   healthcare sample configuration of AWS Labs' Landing Zone Accelerator,
///   `reference/sample-configurations/aws-best-practices-healthcare/service-control-policies/Readme.md`),
///   which named services missing here (App Mesh, Cloud Map, Elemental MediaConnect,
///   MediaConvert and MediaLive, Firewall Manager, Forecast, Global Accelerator, Glue
///   DataBrew, Lake Formation, IoT Core, IoT Events, IoT Greengrass, Keyspaces, Location
///   Service, OpsWorks, Personalize, QLDB, RoboMaker, Service Catalog, Serverless Application
///   Repository, X-Ray), added here; and with reports of the page's 2026 revision naming
///   Amazon Bedrock and Amazon Bedrock AgentCore, added too.
///
/// AWS adds services over time and has not removed one: add the CloudFormation namespace
/// of a newly listed service here, and compare the whole list with the page before a
/// release. A namespace that is not listed is treated as not eligible (the strict reading).
pub const ELIGIBLE: &[(&str, &str)] = &[
    ("AmazonMQ", "Amazon MQ"),
    ("Amplify", "AWS Amplify"),
    ("ApiGateway", "Amazon API Gateway"),
    ("ApiGatewayV2", "Amazon API Gateway"),
    ("AppConfig", "AWS AppConfig"),
    ("AppFlow", "Amazon AppFlow"),
    ("ApplicationAutoScaling", "Application Auto Scaling"),
    ("AppMesh", "AWS App Mesh"),
    ("AppStream", "Amazon AppStream 2.0"),
    ("AppSync", "AWS AppSync"),
    ("Athena", "Amazon Athena"),
    ("AutoScaling", "Amazon EC2 Auto Scaling"),
    ("Backup", "AWS Backup"),
    ("Batch", "AWS Batch"),
    ("Bedrock", "Amazon Bedrock"),
    ("BedrockAgentCore", "Amazon Bedrock AgentCore"),
    ("Cassandra", "Amazon Keyspaces (for Apache Cassandra)"),
    ("CertificateManager", "AWS Certificate Manager"),
    ("Cloud9", "AWS Cloud9"),
    ("CloudFront", "Amazon CloudFront"),
    ("CloudHSM", "AWS CloudHSM"),
    ("CloudTrail", "AWS CloudTrail"),
    ("CloudWatch", "Amazon CloudWatch"),
    ("CodeBuild", "AWS CodeBuild"),
    ("CodeCommit", "AWS CodeCommit"),
    ("CodeDeploy", "AWS CodeDeploy"),
    ("CodePipeline", "AWS CodePipeline"),
    ("Cognito", "Amazon Cognito"),
    ("Comprehend", "Amazon Comprehend"),
    ("Config", "AWS Config"),
    ("Connect", "Amazon Connect"),
    ("DataBrew", "AWS Glue DataBrew"),
    ("DataSync", "AWS DataSync"),
    ("Detective", "Amazon Detective"),
    ("DirectoryService", "AWS Directory Service"),
    ("DMS", "AWS Database Migration Service"),
    ("DocDB", "Amazon DocumentDB"),
    ("DynamoDB", "Amazon DynamoDB"),
    ("EC2", "Amazon EC2 (with Amazon EBS and Amazon VPC)"),
    ("ECR", "Amazon Elastic Container Registry"),
    ("ECS", "Amazon Elastic Container Service"),
    ("EFS", "Amazon Elastic File System"),
    ("EKS", "Amazon Elastic Kubernetes Service"),
    ("ElastiCache", "Amazon ElastiCache"),
    ("ElasticBeanstalk", "AWS Elastic Beanstalk"),
    ("ElasticLoadBalancing", "Elastic Load Balancing"),
    ("ElasticLoadBalancingV2", "Elastic Load Balancing"),
    ("Elasticsearch", "Amazon OpenSearch Service"),
    ("EMR", "Amazon EMR"),
    ("Events", "Amazon EventBridge"),
    ("FMS", "AWS Firewall Manager"),
    ("Forecast", "Amazon Forecast"),
    ("FSx", "Amazon FSx"),
    ("GlobalAccelerator", "AWS Global Accelerator"),
    ("Glue", "AWS Glue"),
    ("Greengrass", "AWS IoT Greengrass"),
    ("GreengrassV2", "AWS IoT Greengrass"),
    ("GuardDuty", "Amazon GuardDuty"),
    ("HealthLake", "AWS HealthLake"),
    ("Inspector", "Amazon Inspector"),
    ("InspectorV2", "Amazon Inspector"),
    ("IoT", "AWS IoT Core"),
    ("IoTEvents", "AWS IoT Events"),
    ("Kendra", "Amazon Kendra"),
    ("Kinesis", "Amazon Kinesis Data Streams"),
    (
        "KinesisAnalytics",
        "Amazon Managed Service for Apache Flink",
    ),
    (
        "KinesisAnalyticsV2",
        "Amazon Managed Service for Apache Flink",
    ),
    ("KinesisFirehose", "Amazon Data Firehose"),
    ("KinesisVideo", "Amazon Kinesis Video Streams"),
    ("KMS", "AWS Key Management Service"),
    ("LakeFormation", "AWS Lake Formation"),
    ("Lambda", "AWS Lambda"),
    ("Lex", "Amazon Lex"),
    ("Location", "Amazon Location Service"),
    ("Logs", "Amazon CloudWatch Logs"),
    ("Macie", "Amazon Macie"),
    ("MediaConnect", "AWS Elemental MediaConnect"),
    ("MediaConvert", "AWS Elemental MediaConvert"),
    ("MediaLive", "AWS Elemental MediaLive"),
    ("MemoryDB", "Amazon MemoryDB"),
    ("MSK", "Amazon Managed Streaming for Apache Kafka"),
    ("Neptune", "Amazon Neptune"),
    ("NetworkFirewall", "AWS Network Firewall"),
    ("OpenSearchService", "Amazon OpenSearch Service"),
    ("OpsWorks", "AWS OpsWorks Stacks"),
    (
        "OpsWorksCM",
        "AWS OpsWorks for Chef Automate and Puppet Enterprise",
    ),
    ("Personalize", "Amazon Personalize"),
    ("Pinpoint", "Amazon Pinpoint"),
    ("QLDB", "Amazon Quantum Ledger Database"),
    ("QuickSight", "Amazon QuickSight"),
    ("RDS", "Amazon RDS (and Amazon Aurora)"),
    ("Redshift", "Amazon Redshift"),
    // Redshift Serverless is Amazon Redshift's serverless deployment option (the Amazon
    // Redshift management guide, "Amazon Redshift Serverless"), not a service the list names
    // apart: "Unless specifically excluded, generally available features of each of the
    // HIPAA eligible services listed are also considered HIPAA eligible" (the page's note,
    // as AWS Samples' Landing Zone Accelerator for healthcare copies it with the list of
    // 2024-12-08, `config/service-control-policies/Readme.md`), and that sample's policy of
    // the eligible services' actions allows `redshift-serverless:*` beside `redshift:*`.
    ("RedshiftServerless", "Amazon Redshift"),
    ("Rekognition", "Amazon Rekognition"),
    ("RoboMaker", "AWS RoboMaker"),
    ("Route53", "Amazon Route 53"),
    ("Route53Resolver", "Amazon Route 53"),
    ("S3", "Amazon S3"),
    ("SageMaker", "Amazon SageMaker"),
    ("SecretsManager", "AWS Secrets Manager"),
    ("SecurityHub", "AWS Security Hub"),
    ("ServerlessRepo", "AWS Serverless Application Repository"),
    ("ServiceCatalog", "AWS Service Catalog"),
    ("ServiceDiscovery", "AWS Cloud Map"),
    ("SES", "Amazon Simple Email Service"),
    ("Shield", "AWS Shield"),
    ("SNS", "Amazon SNS"),
    ("SQS", "Amazon SQS"),
    ("SSM", "AWS Systems Manager"),
    ("StepFunctions", "AWS Step Functions"),
    ("StorageGateway", "AWS Storage Gateway"),
    ("Timestream", "Amazon Timestream"),
    ("Transfer", "AWS Transfer Family"),
    ("WAF", "AWS WAF"),
    ("WAFRegional", "AWS WAF"),
    ("WAFv2", "AWS WAF"),
    ("WorkSpaces", "Amazon WorkSpaces"),
    ("XRay", "AWS X-Ray"),
];

/// Namespaces that configure the account and hold no customer content, which the list does
/// not name because no PHI passes through them: identity, CloudFormation itself (stack
/// plumbing, custom resources run by Lambda, which is eligible).
const CONTROL_PLANE: &[&str] = &["IAM", "CloudFormation", "SSO", "Organizations"];

/// The namespace of a type: `S3` of `AWS::S3::Bucket`; `CloudFormation` for `Custom::…`.
fn namespace(type_name: &str) -> Option<&str> {
    if type_name.starts_with("Custom::") {
        return Some("CloudFormation");
    }
    let mut parts = type_name.split("::");
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("AWS"), Some(ns), Some(_), None) => Some(ns),
        _ => None,
    }
}

/// The service on AWS's list that a type belongs to, if it is on the list.
pub(crate) fn eligible_service(type_name: &str) -> Option<&'static str> {
    let ns = namespace(type_name)?;
    ELIGIBLE
        .iter()
        .find(|(n, _)| *n == ns)
        .map(|(_, service)| *service)
        .or_else(|| {
            CONTROL_PLANE
                .iter()
                .find(|n| **n == ns)
                .map(|_| "account configuration (no customer content)")
        })
}

fn h1(cx: &Cx<'_>) -> Outcome {
    let t = cx.resource.type_name();
    // A custom resource in any case of its type (`U2` refuses a spelling other than AWS's):
    // its handler is what holds the data.
    if t.get(.."Custom::".len())
        .is_some_and(|p| p.eq_ignore_ascii_case("Custom::"))
        || t.eq_ignore_ascii_case("AWS::CloudFormation::CustomResource")
    {
        return custom_handler(cx);
    }
    match eligible_service(t) {
        Some(_) => Outcome::Pass(vec![Proof {
            logical_id: cx.id().to_owned(),
            path: "/Type".to_owned(),
        }]),
        None => Outcome::Fail(format!(
            "`{t}` belongs to a service that is not on AWS's list of HIPAA Eligible Services: no PHI may be stored in or pass through it"
        )),
    }
}

/// A custom resource sends its properties to whatever its `ServiceToken` names (a Lambda
/// function or an SNS topic, in the stack's region: CloudFormation's custom resource
/// reference), which runs the handler. That is eligible (Lambda, SNS) only as a service of
/// the app's own account, under its business associate agreement: a function or topic of
/// the app, or an ARN in `${AWS::AccountId}`. An ARN that writes its account as a number,
/// or a token known only at deploy, may be a vendor's handler in another account.
fn custom_handler(cx: &Cx<'_>) -> Outcome {
    const HANDLERS: &[&str] = &[
        "AWS::Lambda::Function",
        "AWS::Lambda::Alias",
        "AWS::Lambda::Version",
        "AWS::SNS::Topic",
    ];
    let proof = || {
        Outcome::Pass(vec![Proof {
            logical_id: cx.id().to_owned(),
            path: "/Properties/ServiceToken".to_owned(),
        }])
    };
    let Some(token) = cx.prop("/ServiceToken") else {
        return Outcome::Fail(
            "`ServiceToken` is not set: the custom resource names no handler".to_owned(),
        );
    };
    // The token must be the handler as a whole (its `Ref` or `Fn::GetAtt`, alone or as the
    // entry an `Fn::Select` picks, `${Id.Arn}` alone in an `Fn::Sub`): text built around
    // a reference to it (`arn:aws:lambda:…:999999999999:function:${Fn}`, joined onto its
    // `Ref`, which is the function's name) names a function of that name in another
    // account.
    let named = super::compute::Mentioned::of(token);
    let handlers = cx.resources_named(&named);
    if handlers
        .iter()
        .any(|r| HANDLERS.contains(&r.type_name()) && super::meaning::names(token, r.logical_id()))
    {
        return proof();
    }
    // Hipaa-stack refuses an import of an export that no stack of the app makes: an import
    // as a whole is a value of the app, one joined into other text is not.
    if super::meaning::imported(token) {
        return proof();
    }
    if let Some(arn) = text(token) {
        // The pseudo parameters that `text` keeps hold `::`: read them as one field each.
        let arn = arn
            .trim()
            .replace("${AWS::AccountId}", "\u{0}account")
            .replace("${AWS::Region}", "\u{0}region");
        let fields: Vec<&str> = arn.splitn(6, ':').collect();
        let own_account = fields.get(4) == Some(&"\u{0}account");
        let service = fields.get(2).copied().unwrap_or_default();
        if own_account && (service == "lambda" || service == "sns") {
            return proof();
        }
    }
    Outcome::Gap(format!(
        "the custom resource sends its properties to `ServiceToken` {}, which is no Lambda function or SNS topic of the app, nor an ARN in the stack's own account (`${{AWS::AccountId}}`): its handler may run in another account, outside the app's business associate agreement",
        super::meaning::text_or_json(token)
    ))
}

// ---------------------------------------------------------------------------------------
// P1: plaintext secrets.
// ---------------------------------------------------------------------------------------

/// Whether a name (of an environment variable or a parameter) is that of a secret: a
/// password, passphrase, token, API or private key, credential or secret (not an ARN, id or
/// name of one).
fn secret_name(name: &str) -> bool {
    let n = squash(name);
    // Abbreviations that are secrets only as a word of their own (`DB_PW`, `DB_PASS`,
    // `dbPass`), not inside another word (`PASSENGER`, `COMPASS`).
    let abbreviation = words(name)
        .iter()
        .any(|w| ["pw", "pass", "pword", "pswd", "psw"].contains(&w.as_str()));
    !reference_name(&n)
        && (abbreviation
            || [
                "password",
                "passwd",
                "passphrase",
                "pwd",
                "secret",
                "token",
                "apikey",
                "privatekey",
                "credential",
                "accesskey",
            ]
            .iter()
            .any(|s| n.contains(s)))
}

/// Whether an application's dotted setting name (`fs.s3a.secret.key`,
/// `webserver.secret_key`, `core.fernet_key`) names a secret: its last word is a secret's
/// name (see [`secret_name`]), or its last two are a secret key or a Fernet key. Only the
/// last words are read: `secrets.backend` names where secrets are, and
/// `hadoop.security.credential.provider.path` a file.
fn configured_secret(name: &str) -> bool {
    let mut segments = name.rsplit('.');
    let last = segments.next().unwrap_or_default();
    let last_two = format!("{}{last}", segments.next().unwrap_or_default());
    let squashed = squash(&last_two);
    secret_name(last)
        || ["secretkey", "fernetkey"]
            .iter()
            .any(|k| squashed.ends_with(k))
}

/// The words of a name, lower-cased: split at every character that is not a letter or a
/// digit, and where a lower-case letter is followed by an upper-case one (`dbPass`).
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if (!c.is_ascii_alphanumeric() || (previous_lower && c.is_ascii_uppercase()))
            && !current.is_empty()
        {
            out.push(std::mem::take(&mut current));
        }
        if c.is_ascii_alphanumeric() {
            current.push(c.to_ascii_lowercase());
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether a resource property (any type) holds a secret by its name: a password, an auth
/// token, a secret string or access key, a private or API key, a client secret.
fn secret_property(name: &str) -> bool {
    // Property names repeat across the resources of an app (every bucket has the same
    // ones): each thread keeps the answer for the first few thousand names it reads.
    thread_local! {
        static READ: std::cell::RefCell<Kept> = std::cell::RefCell::new(Kept::new(4096));
    }
    READ.with(|read| {
        read.borrow_mut()
            .get(name, |name| with_squashed(name, secret_property_squashed))
    })
}

/// The answers of a function of a name, kept for the first `most` names asked.
struct Kept {
    read: foldhash::HashMap<Box<str>, bool>,
    most: usize,
}

impl Kept {
    fn new(most: usize) -> Self {
        Kept {
            read: foldhash::HashMap::default(),
            most,
        }
    }

    /// `answer(name)`, kept if there is room.
    fn get(&mut self, name: &str, answer: impl FnOnce(&str) -> bool) -> bool {
        if let Some(&kept) = self.read.get(name) {
            return kept;
        }
        let answered = answer(name);
        if self.read.len() < self.most {
            self.read.insert(name.into(), answered);
        }
        answered
    }
}

/// [`secret_property`] of a name already squashed.
fn secret_property_squashed(n: &str) -> bool {
    static SECRETS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| aho_corasick::AhoCorasick::new(SECRET_PROPERTY_WORDS).ok());
    let secret = match SECRETS.as_ref() {
        Some(words) => words.is_match(n),
        None => SECRET_PROPERTY_WORDS.iter().any(|s| n.contains(s)),
    } || SECRET_PROPERTY_NAMES.contains(&n)
        || (n.ends_with("token") && !NOT_SECRET_TOKENS.contains(&n))
        || n.ends_with("tokenvalue")
        || (n.ends_with("secret") && !NOT_SECRETS.contains(&n));
    // A name that ends in `Param` names the parameter that holds the secret: MediaLive's
    // `PasswordParam`, "The key used to extract the password from EC2 Parameter store"
    // (CloudFormation reference, `AWS::MediaLive::Input InputSourceRequest`, and the
    // channel's output destinations alike).
    secret && !reference_name(n) && !n.ends_with("param")
}

/// Squashed property names that end in `token` and hold no secret: a custom resource's
/// `ServiceToken` (the handler's ARN), a Lambda permission's `EventSourceToken` (an Alexa
/// skill's ID, Lambda API reference, `AddPermission`), and the idempotency and paging
/// tokens of the APIs (`ClientToken`, `IdempotencyToken`, `NextToken`). Every other name
/// that ends in `token` names one: a CodePipeline webhook's
/// `AuthenticationConfiguration.SecretToken` (CloudFormation reference,
/// `AWS::CodePipeline::Webhook WebhookAuthConfiguration`: "The property used to configure
/// GitHub authentication"), an `OAuthToken`, a `SessionToken`, an `ApiToken`, a
/// `PersonalAccessToken`, a `BearerToken`.
const NOT_SECRET_TOKENS: [&str; 5] = [
    "servicetoken",
    "eventsourcetoken",
    "clienttoken",
    "idempotencytoken",
    "nexttoken",
];

/// Squashed property names that end in `secret` and hold none: a Cognito app client's
/// `GenerateSecret` and an EventBridge connection parameter's `IsValueSecret` (booleans),
/// and a CodePipeline custom action's configuration property `Secret` ("Whether the
/// configuration property is secret", a boolean). Every other name that ends in `secret`
/// (or in `token` followed by `Value`) holds one: `ClientSecret`, an Invoicing procurement
/// portal's `ProcurementPortalSharedSecret`, a Bedrock AgentCore payment provider's
/// `AppSecret` and `WalletSecret`, a DevOps Agent's GitHub or GitLab `TokenValue` ("GitHub
/// personal access token (PAT) value"); one whose value is a secret's ARN (MediaPackage's
/// `CdnIdentifierSecret`, FSx's `DomainJoinServiceAccountSecret`) names it, and is not
/// read as one (see `arn_shaped`).
const NOT_SECRETS: [&str; 3] = ["generatesecret", "isvaluesecret", "secret"];

/// Squashed property names that are a secret as a whole, though the words in them are not
/// secrets inside other names (`AccessTokenValidity` is a number of minutes): CodeBuild's
/// `AWS::CodeBuild::SourceCredential` `Token` (a personal access token or app password,
/// which its reference asks never to write in plain text), Amplify's and AppFlow's
/// `AccessToken` and `RefreshToken`, DataSync's `AWS::DataSync::LocationObjectStorage`
/// `SecretKey` ("the secret key (for example, a password)") and Azure Blob `SasToken`s, and
/// a `Pwd` of a custom resource; AppFlow's `ApiSecretKey` ("The Secret Access Key portion of
/// the credentials", `AWS::AppFlow::ConnectorProfile TrendmicroConnectorProfileCredentials`
/// and `ApiKeyCredentials`), and DataSync's `KerberosKeytab` of an HDFS or SMB location
/// ("The Kerberos key table (keytab) that contains mappings between the defined Kerberos
/// principal and the encrypted keys", DataSync API reference, `CreateLocationHdfs`): a key
/// that authenticates as the principal; and DMS's `OracleSettings.SecurityDbEncryption`,
/// "the transparent data encryption (TDE) password required by AWS DMS to access Oracle
/// redo logs encrypted by TDE" (DMS API reference, `OracleSettings`), whose name says
/// nothing of a password. So are a Site-to-Site VPN tunnel's `PreSharedKey`, "The
/// pre-shared key (PSK) to establish initial authentication between the virtual private
/// gateway and customer gateway" (CloudFormation reference, `AWS::EC2::VPNConnection
/// VpnTunnelOptionsSpecification`; its `PreSharedKeyStorage`, `Standard` or
/// `SecretsManager`, says where it is kept, and is no secret), and an Amazon Pinpoint APNs
/// channel's `TokenKey`, "The authentication key to use for APNs tokens"
/// (`AWS::Pinpoint::APNSChannel`, and the sandbox and VoIP channels alike).
const SECRET_PROPERTY_NAMES: [&str; 12] = [
    "presharedkey",
    "tokenkey",
    "token",
    "accesstoken",
    "refreshtoken",
    "secretkey",
    "sastoken",
    "azureblobsastoken",
    "pwd",
    "apisecretkey",
    "kerberoskeytab",
    "securitydbencryption",
];

/// Property names that are a secret in one type only: a Firehose HTTP endpoint's
/// `AccessKey`, "The access key required for Kinesis Firehose to authenticate with the HTTP
/// endpoint selected as the destination" (Firehose API reference,
/// `HttpEndpointConfiguration`), where DataSync's `AccessKey` of an object storage location
/// is "for example, a user name" (`AWS::DataSync::LocationObjectStorage`); and an AppFlow
/// connector profile's Datadog `ApplicationKey` ("Application keys, in conjunction with
/// your API key, give you full access to Datadog's programmatic API", CloudFormation
/// reference, `AWS::AppFlow::ConnectorProfile DatadogConnectorProfileCredentials`) and
/// Infor Nexus `Datakey` ("The encryption key used to encrypt data",
/// `InforNexusConnectorProfileCredentials`); and a LoRaWAN device's root and session keys
/// (`AWS::IoTWireless::WirelessDevice` `OtaaV10x`, `OtaaV11`, `SessionKeysAbpV10x`,
/// `SessionKeysAbpV11`: "The AppKey is a secret key, which you should handle in a similar
/// way as you would an application password", and the `NwkKey`, `AppSKey`, `NwkSKey`
/// alike).
const SECRET_PROPERTY_OF_TYPE: [(&str, &str); 10] = [
    ("AWS::KinesisFirehose::DeliveryStream", "AccessKey"),
    ("AWS::AppFlow::ConnectorProfile", "ApplicationKey"),
    ("AWS::AppFlow::ConnectorProfile", "Datakey"),
    ("AWS::IoTWireless::WirelessDevice", "AppKey"),
    ("AWS::IoTWireless::WirelessDevice", "NwkKey"),
    ("AWS::IoTWireless::WirelessDevice", "AppSKey"),
    ("AWS::IoTWireless::WirelessDevice", "NwkSKey"),
    ("AWS::IoTWireless::WirelessDevice", "FNwkSIntKey"),
    ("AWS::IoTWireless::WirelessDevice", "SNwkSIntKey"),
    ("AWS::IoTWireless::WirelessDevice", "NwkSEncKey"),
];

/// Maps whose every value is a credential, whatever its name (the program's, or the
/// connector's): an AppFlow custom connector's `CustomAuthCredentials.CredentialsMap`, "A
/// map that holds custom authentication credentials" (CloudFormation reference,
/// `AWS::AppFlow::ConnectorProfile CustomAuthCredentials`), and a Glue connection's
/// `AuthenticationConfiguration.CustomAuthenticationCredentials` (also written in a
/// DataZone connection's `GlueConnectionInput`: "Credential Map"), with the types that
/// hold them, read first (the type's name is cheaper to test than a place).
const CREDENTIAL_MAPS: [(&str, &str); 3] = [
    ("AWS::AppFlow::ConnectorProfile", "CredentialsMap"),
    ("AWS::Glue::Connection", "CustomAuthenticationCredentials"),
    (
        "AWS::DataZone::Connection",
        "CustomAuthenticationCredentials",
    ),
];

/// Configuration documents kept as text, with whether they are written in base64: an
/// AppConfig hosted configuration's `Content` ("The configuration data, as bytes",
/// CloudFormation reference, `AWS::AppConfig::HostedConfigurationVersion`; YAML or text as
/// often as JSON, and `GetHostedConfigurationVersion` returns it as written), and an Amazon
/// MQ configuration's `Data` ("The base64-encoded XML configuration",
/// `AWS::AmazonMQ::Configuration`), whose ActiveMQ `simpleAuthenticationPlugin` writes
/// each user's `password="…"`. Read as user data is, for `name: value` too.
const CONFIGURATION_TEXT: [(&str, &str, bool); 2] = [
    (
        "AWS::AppConfig::HostedConfigurationVersion",
        "/Content",
        false,
    ),
    ("AWS::AmazonMQ::Configuration", "/Data", true),
];

/// Types whose `Parameters` (ElastiCache: `Properties`; DAX: `ParameterNameValues`) are the
/// settings of a database engine, named by the engine: `password_encryption`,
/// `rds.accepted_password_auth_method`, `validate_password.mixed_case_count` or
/// `default_password_lifetime` configure how passwords are kept and checked, and hold none
/// (RDS user guide, "Parameter groups for Amazon RDS": "A DB parameter group acts as a
/// container for engine configuration values"). Their names are not read as a secret's;
/// their values still are read for a credential (a key, SQL that sets a password, an
/// assignment).
const ENGINE_SETTINGS: [(&str, &str); 8] = [
    ("AWS::RDS::DBParameterGroup", "Parameters"),
    ("AWS::RDS::DBClusterParameterGroup", "Parameters"),
    ("AWS::DocDB::DBClusterParameterGroup", "Parameters"),
    ("AWS::Neptune::DBParameterGroup", "Parameters"),
    ("AWS::Neptune::DBClusterParameterGroup", "Parameters"),
    ("AWS::ElastiCache::ParameterGroup", "Properties"),
    ("AWS::MemoryDB::ParameterGroup", "Parameters"),
    ("AWS::DAX::ParameterGroup", "ParameterNameValues"),
];

/// What a squashed property name holds when it names a secret (see [`secret_property`]).
const SECRET_PROPERTY_WORDS: [&str; 9] = [
    "password",
    "passwd",
    "passphrase",
    "secretstring",
    "authtoken",
    "secretaccesskey",
    "privatekey",
    "apikey",
    "clientsecret",
];

/// `read` of the name squashed (see [`squash`]), in a buffer on the stack when the name is
/// short, as property names are: every string of every resource is read with its name.
fn with_squashed<R>(name: &str, read: impl FnOnce(&str) -> R) -> R {
    let mut buffer = [0u8; 64];
    let mut len = 0;
    for b in name.bytes().filter(u8::is_ascii_alphanumeric) {
        let Some(slot) = buffer.get_mut(len) else {
            return read(&squash(name));
        };
        *slot = b.to_ascii_lowercase();
        len += 1;
    }
    read(std::str::from_utf8(&buffer[..len]).unwrap_or_default())
}

/// A name lower-cased, letters and digits only.
fn squash(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Whether a squashed name names a reference to a secret or a setting about one, not one
/// (a password policy's `MaxPasswordAge`, `PasswordReusePrevention`, `MinimumPasswordLength`).
fn reference_name(n: &str) -> bool {
    [
        "arn",
        "id",
        "name",
        "ref",
        "length",
        "template",
        "policy",
        "rotation",
        "kmskey",
        "version",
        "stage",
        "tokens",
        "type",
        "mode",
        "enabled",
        "required",
        "url",
        "uri",
        "endpoint",
        "host",
        "age",
        "prevention",
        "days",
        // A Cognito user pool's `PasswordHistorySize`, "The number of previous passwords
        // that you want Amazon Cognito to restrict each user from reusing" (CloudFormation
        // reference, `AWS::Cognito::UserPool PasswordPolicy`).
        "size",
    ]
    .iter()
    .any(|s| n.ends_with(s))
}

/// A dynamic reference: `{{resolve:secretsmanager:…}}` or `{{resolve:ssm-secure:…}}`.
fn dynamic_reference(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("{{resolve:secretsmanager:") || t.starts_with("{{resolve:ssm-secure:")
}

/// Whether text under a name like a secret's holds the secret itself: written (not blank),
/// no dynamic reference that keeps the secret out of the template, and no ARN that names it.
fn written_secret(text: &str) -> bool {
    let value = text.trim();
    !value.is_empty() && !dynamic_reference(value) && !arn_shaped(value)
}

/// Text that holds a dynamic reference to a secret (`{{resolve:secretsmanager:…}}`,
/// `{{resolve:ssm-secure:…}}`) anywhere in it.
trait SecretReference {
    fn contains_secret_reference(&self) -> bool;
}

impl SecretReference for String {
    fn contains_secret_reference(&self) -> bool {
        self.contains("{{resolve:secretsmanager:") || self.contains("{{resolve:ssm-secure:")
    }
}

/// Tokens of well-known services, by the prefixes their issuers publish, with the fewest
/// characters that follow the prefix in a real token.
const SERVICE_TOKENS: &[(&str, usize, &str)] = &[
    ("ghp_", 36, "a GitHub token"),
    ("gho_", 36, "a GitHub token"),
    ("ghu_", 36, "a GitHub token"),
    ("ghs_", 36, "a GitHub token"),
    ("ghr_", 36, "a GitHub token"),
    ("github_pat_", 22, "a GitHub token"),
    ("glpat-", 20, "a GitLab token"),
    ("xoxb-", 10, "a Slack token"),
    ("xoxp-", 10, "a Slack token"),
    ("xoxa-", 10, "a Slack token"),
    ("xapp-", 10, "a Slack token"),
    ("sk_live_", 16, "a Stripe secret key"),
    ("rk_live_", 16, "a Stripe secret key"),
    ("AIza", 35, "a Google API key"),
    ("Bearer ", 16, "an HTTP bearer token"),
    ("Basic ", 16, "HTTP basic credentials"),
];

/// A token of a well-known service, or a JSON Web Token (`eyJ…` header and payload), in
/// `text`.
fn service_token(text: &str) -> Option<&'static str> {
    let token_char =
        |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'/' | b'=' | b'.');
    for (prefix, fewest, what) in SERVICE_TOKENS {
        let mut from = 0;
        while let Some(at) = find_bytes(&text.as_bytes()[from..], prefix.as_bytes()) {
            let start = from + at + prefix.len();
            if text.as_bytes()[start..]
                .iter()
                .take_while(|b| token_char(b))
                .count()
                >= *fewest
            {
                return Some(what);
            }
            from = start;
        }
    }
    // A token's header and claims both begin `eyJ` (`{"` in base64).
    let jwt = find_bytes(text.as_bytes(), b"eyJ").is_some()
        && text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
            .any(|word| {
                let mut parts = word.split('.');
                match (parts.next(), parts.next(), parts.next(), parts.next()) {
                    (Some(header), Some(claims), Some(signature), None) => {
                        header.starts_with("eyJ")
                            && claims.starts_with("eyJ")
                            && signature.len() >= 8
                    }
                    _ => false,
                }
            });
    jwt.then_some("a JSON Web Token")
}

/// Where `needle` first begins in `hay`: a plain scan, which costs nothing to set up (the
/// rules look for a dozen short prefixes in every string of a large app, most of them short).
fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    let mut from = 0;
    while let Some(i) = hay.get(from..)?.iter().position(|&b| b == first) {
        let at = from + i;
        if hay[at + 1..].starts_with(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// What [`credential_text`] calls a password that SQL sets.
const SQL_PASSWORD: &str =
    "a password set by SQL (`IDENTIFIED BY '…'`, `PASSWORD '…'`), kept and shown as written";

/// Text that is a credential whatever property holds it: a private key block, an AWS
/// access key id, a token of a well-known service, a password set by SQL.
fn credential_text(text: &str) -> Option<&'static str> {
    // Each reading below looks for one of these first: text without any of them (most
    // text) is read only for a command line.
    static MARKS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| {
            let marks = SERVICE_TOKENS.iter().map(|(prefix, _, _)| *prefix).chain([
                "PRIVATE KEY-----",
                "eyJ",
                "AKIA",
                "ASIA",
                "://",
                "oracle:thin:",
                "oracle:oci:",
            ]);
            aho_corasick::AhoCorasick::new(marks).ok()
        });
    if MARKS.as_ref().is_some_and(|marks| !marks.is_match(text)) {
        if sql_password(text) {
            return Some(SQL_PASSWORD);
        }
        return hipaa_stack_syntax::command_secret(text)
            .map(|_| "a password passed to a command as a flag (`mysql -p…`, `curl -u user:…`, `sshpass -p …`)");
    }
    if find_bytes(text.as_bytes(), b"PRIVATE KEY-----").is_some() {
        return Some("a private key");
    }
    if let Some(token) = service_token(text) {
        return Some(token);
    }
    let bytes = text.as_bytes();
    let key_id = bytes.windows(20).any(|w| {
        (w.starts_with(b"AKIA") || w.starts_with(b"ASIA"))
            && w[4..]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    });
    if key_id {
        return Some("an AWS access key id");
    }
    if url_password(text) {
        return Some("a password in a URL (`scheme://user:password@host`)");
    }
    if oracle_url_password(text) {
        return Some("a password in an Oracle JDBC URL (`jdbc:oracle:thin:user/password@host`)");
    }
    if sql_password(text) {
        return Some(SQL_PASSWORD);
    }
    hipaa_stack_syntax::command_secret(text)
        .map(|_| "a password passed to a command as a flag (`mysql -p…`, `curl -u user:…`, `sshpass -p …`)")
}

/// Whether text holds an Oracle JDBC URL that writes a password: the thin and OCI drivers
/// take `jdbc:oracle:thin:[user/password]@[host][:port]:SID` (and `@//host:port/service`),
/// the credentials before the `@`, without the `://` of other schemes (Oracle JDBC
/// developer's guide, "Data Sources and URLs"), as a Glue connection's
/// `JDBC_CONNECTION_URL` or an environment variable may hold. A password read at run time
/// (`${…}`, `{{…}}`, `%…%`) is none. The drivers' names are read in lower case, as they
/// are written.
fn oracle_url_password(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["oracle:thin:", "oracle:oci:"].iter().any(|driver| {
        lower.match_indices(driver).any(|(i, _)| {
            let rest = text.get(i + driver.len()..).unwrap_or_default();
            rest.split_once('@')
                .and_then(|(credentials, _)| credentials.split_once('/'))
                .is_some_and(|(user, password)| {
                    !user.trim().is_empty()
                        && !password.trim().is_empty()
                        && !user.contains(char::is_whitespace)
                        && !password.contains(char::is_whitespace)
                        && !password.starts_with(['$', '{', '%'])
                })
        })
    })
}

/// The first dotted setting of an application named like a secret (see
/// [`configured_secret`]) that text sets to a written value: `name=value` words, as Spark's
/// `--conf spark.hadoop.fs.s3a.secret.key=…` (a Glue job's `--conf` argument, an EMR
/// step's), or Java's `-Djavax.jdo.option.ConnectionPassword=…`. A value read at run time
/// (`$…`, `{{…}}`), an ARN, a flag or a number sets none.
fn configured_assignment(text: &str) -> Option<&str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '"' | '\''))
        .filter_map(|word| word.trim_start_matches("-D").split_once('='))
        .find(|(name, value)| {
            let value = value.trim();
            name.contains('.')
                && !value.is_empty()
                && !value.starts_with(['$', '{'])
                && !arn_shaped(value)
                && !value.eq_ignore_ascii_case("true")
                && !value.eq_ignore_ascii_case("false")
                && value.parse::<f64>().is_err()
                && configured_secret(name)
        })
        .map(|(name, _)| name)
}

/// Every list below `value` that [`command_line`] reads as a command line or a script,
/// with its pointer: a list of two items or more (a container's `Command`, a document's
/// `runCommand`) as one command line, its items joined by spaces, and a list held by a
/// property that names a command or a script ([`ScriptList`]), of one item too. An item
/// whose text cannot be known is a variable (`${…}`), read at run time. P1 reads the lines
/// in the same walk as the strings ([`walk`] with [`command_line`]); this reads them alone.
#[cfg(test)]
fn command_lines<'v>(
    value: &'v Value,
    trail: &mut Trail<'v>,
    at: usize,
    found: &mut impl FnMut(&Trail<'v>, usize, String),
) {
    walk(
        value,
        trail,
        at,
        "",
        &mut |_, _, _, _| {},
        &mut |trail, at, items| {
            if let Some(line) = command_line(items, ScriptList::of(trail.key(at))) {
                found(trail, at, line);
            }
        },
    );
}

/// The readings of the list `items` at place `at` as a command line ([`command_line`]):
/// the list as its property names it ([`ScriptList::of`]); a list an intrinsic stands for
/// in a property of a script or a command, read as that property's: a branch of an
/// `Fn::If` (`"runCommand": {"Fn::If": [C, [...], [...]]}`), and the items of an
/// `Fn::Split` of written text (`"Command": {"Fn::Split": [" ", "mysql -p…"]}`); and,
/// where items are an `Fn::If` (`"Command": ["sh", "-c", {"Fn::If": [C, "…", "…"]}]`), the
/// list with the first branch of each and with the second, either of which may be
/// deployed.
fn script_readings<'i>(
    trail: &Trail<'_>,
    at: usize,
    items: &'i [Value],
) -> Vec<(ScriptList, std::borrow::Cow<'i, [Value]>)> {
    use std::borrow::Cow;
    let parent = |place: usize| trail.steps.get(place).map(|&(p, _)| p);
    let mut readings = vec![(ScriptList::of(trail.key(at)), Cow::Borrowed(items))];
    match trail.steps.get(at).map(|&(_, step)| step) {
        Some(Step::Key("Fn::Split")) => {
            let owner = parent(at).and_then(|p| trail.key(p));
            let kind = ScriptList::of(owner);
            if kind != ScriptList::Other
                && let [separator, written] = items
                && let (Some(separator), Some(written)) = (text(separator), text(written))
                && !separator.is_empty()
            {
                let parts: Vec<Value> = written
                    .split(separator.as_str())
                    .map(|p| Value::String(p.to_owned()))
                    .collect();
                readings.push((kind, Cow::Owned(parts)));
            }
        }
        Some(Step::Index(1 | 2)) => {
            let intrinsic = parent(at).filter(|&p| trail.key(p) == Some("Fn::If"));
            let owner = intrinsic.and_then(parent).and_then(|p| trail.key(p));
            if let Some(owner) = owner.filter(|_| intrinsic.is_some()) {
                let kind = ScriptList::of(Some(owner));
                if kind != ScriptList::Other {
                    readings.push((kind, Cow::Borrowed(items)));
                }
            }
        }
        _ => {}
    }
    let branch = |v: &Value, i: usize| match v.get("Fn::If").and_then(Value::as_array) {
        Some(args) if args.len() == 3 && v.as_object().is_some_and(|m| m.len() == 1) => {
            args[i].clone()
        }
        _ => v.clone(),
    };
    let mut branches = Vec::new();
    for (kind, list) in &readings {
        if list.iter().any(|v| v.get("Fn::If").is_some()) {
            for i in [1, 2] {
                branches.push((
                    *kind,
                    Cow::Owned(list.iter().map(|v| branch(v, i)).collect()),
                ));
            }
        }
    }
    readings.extend(branches);
    readings
}

/// What a list is, by the property that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScriptList {
    /// The lines of a script, each item a line: an SSM document's `runCommand` (the
    /// `aws:runShellScript` and `aws:runPowerShellScript` plugins: "the commands to run",
    /// one a line, SSM document plugin reference), a build's `commands`.
    Lines,
    /// The words of one command, as a container runs it without a shell (exec form): ECS's
    /// and Batch's `Command` and `EntryPoint` (ECS `ContainerDefinition`: "`Command`: the
    /// command that's passed to the container", `["CMD-SHELL", "…"]` for a health check),
    /// Lambda's `ImageConfig` `Command` and `EntryPoint`, an EMR step's `Args`,
    /// SageMaker's `ContainerEntrypoint` and `ContainerArguments`.
    Words,
    /// Any other list: read as a command line only for a password flag.
    Other,
}

impl ScriptList {
    /// The kind of a list held by the property `key`.
    fn of(key: Option<&str>) -> Self {
        match key {
            Some("runCommand" | "RunCommand" | "commands" | "Commands") => ScriptList::Lines,
            Some(
                "Command"
                | "command"
                | "EntryPoint"
                | "entryPoint"
                | "Entrypoint"
                | "Args"
                | "args"
                | "ContainerEntrypoint"
                | "ContainerArguments",
            ) => ScriptList::Words,
            _ => ScriptList::Other,
        }
    }
}

/// The list `items` read as a command line (see [`command_lines`]), if it is one: a list of
/// a script or a command ([`ScriptList::Lines`], [`ScriptList::Words`]) always, its lines
/// joined by line ends or its words by spaces, to be read as user data is (the script it
/// stands for: `["sh", "-c", "echo 'admin:…' | chpasswd"]`, `["mkpasswd", "…"]`); any other
/// list of two items or more only where [`hipaa_stack_syntax::command_secret`] could find a
/// password in it: an item with a `-` (every flag it knows begins with one, a test of
/// `hipaa-stack-syntax` holds it) or a word of a tool given a password as an operand
/// (`rabbitmqctl`, `mkpasswd`, `openssl passwd`, `vault`, `rclone`). Most lists (actions,
/// ARNs, names) are read no further.
fn command_line(items: &[Value], kind: ScriptList) -> Option<String> {
    if items.is_empty() || (kind == ScriptList::Other && items.len() < 2) {
        return None;
    }
    if kind == ScriptList::Other {
        let plain = items.iter().all(|v| {
            v.as_str()
                .is_some_and(|w| !w.contains('-') && !operand_tool_word(w))
        });
        if plain {
            return None;
        }
    }
    let words: Vec<std::borrow::Cow<'_, str>> = items
        .iter()
        .map(|v| match v {
            Value::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
            v => text(v).map_or(std::borrow::Cow::Borrowed("${…}"), Into::into),
        })
        .collect();
    match kind {
        ScriptList::Lines => Some(words.join("\n")),
        ScriptList::Words => Some(words.join(" ")),
        ScriptList::Other => words
            .iter()
            .any(|w| w.contains('-') || operand_tool_word(w))
            .then(|| words.join(" ")),
    }
}

/// Whether `word` holds the name of a tool given a password as an operand (see
/// [`command_line`]).
fn operand_tool_word(word: &str) -> bool {
    ["rabbitmqctl", "passwd", "vault", "rclone"]
        .iter()
        .any(|tool| word.contains(tool))
}

/// The places a walk below a resource's properties (or its metadata) has passed, each as
/// its parent and its own step, written out as a JSON pointer only for a finding: a large
/// app's walks pass millions of values and report none.
#[derive(Debug)]
struct Trail<'v> {
    steps: Vec<(usize, Step<'v>)>,
}

#[derive(Debug, Clone, Copy)]
enum Step<'v> {
    /// The top of the walk, with the pointer it stands for (`""` or `"/Metadata"`).
    Top(&'static str),
    /// A property of an object.
    Key(&'v str),
    /// An item of an array.
    Index(usize),
}

impl<'v> Trail<'v> {
    /// The place of the top of the walk is `0`.
    fn new(top: &'static str) -> Self {
        let mut steps = Vec::with_capacity(32);
        steps.push((0, Step::Top(top)));
        Trail { steps }
    }

    /// Forgets place `place` and every place pushed after it: a depth-first walk that has
    /// left a subtree keeps only the path to where it is, so that the trail of a walk below
    /// a large resource stays as short as the resource is deep.
    fn back_to(&mut self, place: usize) {
        self.steps.truncate(place.max(1));
    }

    /// The place of `step` below `parent`.
    fn push(&mut self, parent: usize, step: Step<'v>) -> usize {
        self.steps.push((parent, step));
        self.steps.len() - 1
    }

    /// The property that place `at` is, if it is one (not an item of a list).
    fn key(&self, at: usize) -> Option<&'v str> {
        match self.steps.get(at) {
            Some(&(_, Step::Key(k))) => Some(k),
            _ => None,
        }
    }

    /// The JSON pointer (RFC 6901) of place `at`, with `~` and `/` of keys escaped.
    fn pointer(&self, mut at: usize) -> String {
        let mut steps = Vec::new();
        while let Some(&(parent, step)) = self.steps.get(at) {
            steps.push(step);
            if at == 0 {
                break;
            }
            at = parent;
        }
        let mut out = String::new();
        for step in steps.into_iter().rev() {
            match step {
                Step::Top(top) => out.push_str(top),
                Step::Key(key) => {
                    out.push('/');
                    for c in key.chars() {
                        match c {
                            '~' => out.push_str("~0"),
                            '/' => out.push_str("~1"),
                            c => out.push(c),
                        }
                    }
                }
                Step::Index(i) => {
                    out.push('/');
                    out.push_str(&i.to_string());
                }
            }
        }
        out
    }

    /// Whether place `at` is a variable of an `Fn::Sub`'s map of variables
    /// (`{"Fn::Sub": [text, {"V": at}]}`).
    fn sub_variable(&self, at: usize) -> bool {
        let parent = |place: usize| self.steps.get(place).map(|&(parent, step)| (parent, step));
        match parent(at) {
            Some((map, Step::Key(_))) if at != 0 => match parent(map) {
                Some((sub, Step::Index(1))) => {
                    matches!(parent(sub), Some((_, Step::Key("Fn::Sub"))))
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether a place above `at` (not `at` itself) is the property `key`.
    fn below(&self, at: usize, key: &str) -> bool {
        self.keys_above(at).any(|k| k == key)
    }

    /// The properties above `at` (not `at` itself), nearest first.
    fn keys_above(&self, at: usize) -> impl Iterator<Item = &'v str> + '_ {
        let mut at = at;
        std::iter::from_fn(move || {
            while at != 0 {
                at = self.steps[at].0;
                if let Step::Key(k) = self.steps[at].1 {
                    return Some(k);
                }
            }
            None
        })
    }
}

/// Which of the properties that P1 reads a string by the place of (a container's
/// `Environment`, a map of `Tags`, a script's `Commands`, … see [`Above::place`]) are
/// above a string, found in one climb of its trail: asked of each one in turn, the climbs
/// cost more than the rest of P1 (most strings are below none of them).
#[derive(Clone, Copy)]
struct Above(u32);

impl Above {
    /// The properties of [`Above::place`] above place `at` of `trail` (not `at` itself).
    fn of(trail: &Trail<'_>, at: usize) -> Self {
        Above(
            trail
                .keys_above(at)
                .fold(0, |above, key| above | Self::place(key)),
        )
    }

    /// Whether the property `key`, one of [`Above::place`], is above the string, as
    /// [`Trail::below`] says.
    fn has(self, key: &str) -> bool {
        let place = Self::place(key);
        debug_assert_ne!(place, 0, "`{key}` is no property that `Above` finds");
        self.0 & place != 0
    }

    /// The bit of a property that P1 reads a string by the place of, `0` for any other.
    fn place(key: &str) -> u32 {
        match key {
            "Definition" => 1,
            "DefinitionSubstitutions" => 1 << 1,
            "Environment" => 1 << 2,
            "Variables" => 1 << 3,
            "EnvironmentVariables" => 1 << 4,
            "PropertyMap" => 1 << 5,
            "Tags" => 1 << 6,
            "DockerLabels" => 1 << 7,
            "DefaultArguments" => 1 << 8,
            "NonOverridableArguments" => 1 << 9,
            "LogConfiguration" => 1 << 10,
            "Options" => 1 << 11,
            "HeaderParameters" => 1 << 12,
            "QueryStringParameters" => 1 << 13,
            "StageVariables" => 1 << 14,
            "Parameters" => 1 << 15,
            "Arguments" => 1 << 16,
            "ConfigurationProperties" => 1 << 17,
            "Properties" => 1 << 18,
            "AirflowConfigurationOptions" => 1 << 19,
            "Headers" => 1 << 20,
            "RequestParameters" => 1 << 21,
            "UserData" => 1 << 22,
            "runCommand" => 1 << 23,
            "RunCommand" => 1 << 24,
            "commands" => 1 << 25,
            "Commands" => 1 << 26,
            "Content" => 1 << 27,
            "Data" => 1 << 28,
            _ => 0,
        }
    }
}

/// Whether a value of a state machine's definition is read when it runs, not written: the
/// value of a name ending in `.$` is a path into the state's input or the context
/// (Step Functions developer guide, "Processing input and output": "the key name must end
/// in `.$`"), `{% … %}` is a JSONata expression, and `${Name}` alone is a placeholder that
/// `DefinitionSubstitutions` fills (whose values P1 reads).
fn read_at_run_time(name: &str, value: &str) -> bool {
    let v = value.trim();
    let placeholder = v
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .is_some_and(|inner| !inner.is_empty() && !inner.contains(['{', '}']));
    name.ends_with(".$") || (v.starts_with("{%") && v.ends_with("%}")) || placeholder
}

/// What JSON written as text (an object or a list) holds of a secret: a value written
/// under a name like a secret's, or a dynamic reference to a secret, which CloudFormation
/// resolves into the text the service then keeps and shows. A state machine's values read
/// at run time are not written ([`read_at_run_time`]). `None` for text that is not JSON.
fn secret_in_json_text(text: &str, state_machine: bool) -> Option<String> {
    let t = text.trim_start();
    if !(t.starts_with('[') || (t.starts_with('{') && !t.starts_with("{{"))) {
        return None;
    }
    let json: Value = crate::cfn::tree::from_str(t).ok()?;
    let mut found = None;
    let mut trail = Trail::new("");
    strings_below(&json, &mut trail, 0, "", &mut |trail, at, name, s| {
        if found.is_some() || (state_machine && read_at_run_time(name, s)) {
            return;
        }
        let value = s.trim();
        if s.to_owned().contains_secret_reference() {
            found = Some(format!(
                "writes a dynamic reference to a secret at `{}` of its JSON: CloudFormation resolves it into the text, which the service shows; pass the secret's ARN and read it at run time",
                trail.pointer(at)
            ));
        } else if (secret_name(name) || credential_header(name))
            && !value.is_empty()
            && !arn_shaped(value)
        {
            found = Some(format!(
                "writes `{name}` (`{}` of its JSON) in plain text; pass the secret's ARN and read it at run time",
                trail.pointer(at)
            ));
        }
    });
    found
}

/// Whether text holds SQL that sets a written password: `CREATE USER … IDENTIFIED BY 'pw'`
/// (MySQL and MariaDB; Oracle writes it unquoted, `IDENTIFIED BY pw`, and MySQL a hash
/// after `IDENTIFIED BY PASSWORD`), `CREATE ROLE … PASSWORD 'pw'` (PostgreSQL),
/// `CREATE LOGIN … WITH PASSWORD = 'pw'` (SQL Server) and `SET PASSWORD FOR … = 'pw'`
/// (MySQL). An RDS proxy's `InitQuery` (its SQL is shown by
/// `DescribeDBProxyTargetGroups`), a custom resource's statements and the text of a
/// document are kept as written. A value read at run time (`${…}`, `:name`, `?`, `$1`), a
/// placeholder (`<…>`) or a dynamic reference is not written, and `IDENTIFIED WITH
/// AWSAuthenticationPlugin AS 'RDS'` (IAM authentication) sets no password.
fn sql_password(text: &str) -> bool {
    static STATEMENTS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(["identified", "password"])
                .ok()
        });
    // A statement that sets a password is no shorter than `set password='x'`, and has
    // words apart (most text of a template, names and ARNs, has none).
    if text.len() < "set password='x'".len()
        || !text.bytes().any(|b| b.is_ascii_whitespace())
        || STATEMENTS
            .as_ref()
            .is_none_or(|statements| !statements.is_match(text))
    {
        return false;
    }
    // In lower case, its words one space apart (`CREATE\tUSER` is `create user`).
    let lower = text
        .split_ascii_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    let word_at = |at: usize, word: &str| {
        lower[at..].starts_with(word)
            && !lower[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && !lower[at + word.len()..]
                .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    };
    // The value written at the start of `rest` (after blanks), if it is a written one.
    let written = |rest: &str, quoted_only: bool| -> bool {
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(quote @ ('\'' | '"')) => rest[1..].split(quote).next().unwrap_or_default(),
            Some(_) if !quoted_only => rest
                .split(|c: char| c.is_whitespace() || c == ';' || c == ',' || c == ')')
                .next()
                .unwrap_or_default(),
            _ => return false,
        };
        !value.trim().is_empty()
            && !value.starts_with(['$', ':', '?', '&', '<', '%'])
            && !value.contains("{{resolve:")
    };
    // A statement that makes or changes a user, role or login, or grants to one (MySQL
    // 5.7's `GRANT … IDENTIFIED BY`): prose that says "identified by" sets nothing.
    let statement = ["user", "role", "login"].iter().any(|kind| {
        ["create ", "alter "]
            .iter()
            .any(|verb| lower.contains(&format!("{verb}{kind} ")))
    }) || lower.contains("set password")
        || lower.contains("grant ");
    if !statement {
        return false;
    }
    for (at, _) in lower.match_indices("identified") {
        if !word_at(at, "identified") {
            continue;
        }
        // `IDENTIFIED BY …` or `IDENTIFIED WITH plugin BY …`, up to the statement's end.
        let clause = lower[at..].split(';').next().unwrap_or_default();
        let Some(by) = clause
            .match_indices("by")
            .map(|(b, _)| b)
            .find(|&b| word_at(at + b, "by"))
        else {
            continue;
        };
        let mut rest = clause[by + 2..].trim_start();
        // MySQL's hash (`BY PASSWORD '*…'`) and Oracle's (`BY VALUES '…'`) are credentials
        // as much: quoted.
        let hashed = ["password", "values"]
            .iter()
            .find(|w| rest.starts_with(*w))
            .map(|w| w.len());
        if let Some(len) = hashed {
            rest = &rest[len..];
        }
        // Oracle's unquoted password follows `CREATE USER` or `ALTER USER` only.
        let oracle = lower.contains("create user ") || lower.contains("alter user ");
        if written(rest, hashed.is_some() || !oracle) {
            return true;
        }
    }
    for (at, _) in lower.match_indices("password") {
        if !word_at(at, "password") {
            continue;
        }
        let after = lower[at + "password".len()..].trim_start();
        // `PASSWORD 'pw'`, `PASSWORD = 'pw'`, and `SET PASSWORD [FOR 'u'@'h'] = 'pw'`.
        let value = match after.strip_prefix('=') {
            Some(value) => value,
            None if lower[..at].trim_end().ends_with("set") => after
                .split(';')
                .next()
                .and_then(|s| s.split_once('='))
                .map_or("", |(_, value)| value),
            None => after,
        };
        if written(value, true) {
            return true;
        }
    }
    false
}

/// Whether text holds a URL with a written password in its user information
/// (`postgres://app:hunter2@db:5432/ehr`); a password read at run time (`$…`, `${…}`) or a
/// placeholder (`<…>`) is not written.
fn url_password(text: &str) -> bool {
    let mut from = 0;
    while let Some(at) = find_bytes(&text.as_bytes()[from..], b"://") {
        let start = from + at + 3;
        from = start;
        let authority = text[start..]
            .split(|c: char| {
                c == '/' || c == '?' || c == '#' || c.is_whitespace() || c == '"' || c == '\''
            })
            .next()
            .unwrap_or_default();
        let Some((userinfo, _host)) = authority.rsplit_once('@') else {
            continue;
        };
        if let Some((_user, password)) = userinfo.split_once(':')
            && !password.is_empty()
            && !password.starts_with(['$', '<', '{'])
        {
            return true;
        }
    }
    false
}

/// The names that [`assignment`] looks for, in lower case.
const ASSIGNMENT_KEYWORDS: [&str; 7] = [
    "password", "passwd", "pwd", "secret", "token", "apikey", "api_key",
];

/// A password-like assignment in free text (`DB_PASSWORD=hunter2`, `password: s3cret`,
/// `--password hunter2`) whose value is written, not read from the environment or a
/// command (`$…`).
fn assignment(text: &str) -> Option<String> {
    // Most text names no keyword: find that out in one pass, without lower-casing a copy.
    static KEYWORDS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(ASSIGNMENT_KEYWORDS)
                .ok()
        });
    if KEYWORDS
        .as_ref()
        .is_some_and(|keywords| !keywords.is_match(text))
    {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    for keyword in ASSIGNMENT_KEYWORDS {
        let mut from = 0;
        while let Some(at) = lower[from..].find(keyword) {
            let start = from + at;
            from = start + keyword.len();
            let rest = &text[from..];
            let name_end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            let after = &rest[name_end..];
            // A name whose last word is `id`, `arn` or `name` names a secret, never holds it:
            // boto3's `get_secret_value(SecretId="db")`, `SECRET_ARN=arn:…`,
            // `TOKEN_NAME=api` (as `reference_name` reads property names; hostile review 19).
            let name_start = text[..start]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .map_or(0, |p| p + 1);
            let identifies = words(&text[name_start..from + name_end])
                .last()
                .is_some_and(|w| ["id", "arn", "name"].contains(&w.as_str()));
            // sudoers' `NOPASSWD:` tag is no setting of a password: it says none is asked.
            let sudoers_tag = lower[name_start..].starts_with("nopasswd:");
            if identifies || sudoers_tag {
                continue;
            }
            // A quote that closes the word right after the `=` (`grep -q "^password=" FILE`,
            // a quote opened before the name on its line) gives no value, as `user_data!`
            // reads it (hostile review 24).
            let line = &text[text[..start].rfind('\n').map_or(0, |p| p + 1)..start];
            if let Some(q) = after.strip_prefix('=').and_then(|v| v.chars().next())
                && (q == '"' || q == '\'')
                && after[2..].starts_with([' ', '\t', '\n', ';', '|', '&', ')'])
                && line.matches(q).count() % 2 == 1
            {
                continue;
            }
            let trimmed = after.trim_start_matches([' ', '\t', '"', '\'']);
            // A field of an ARN is no name of a setting: `arn:aws:secretsmanager:us-east-1:…`
            // and `…:secret:db-AbCdEf` name a secret, never hold it (see `arn_shaped`).
            let arn_field = lower[..start].ends_with(':') && after.starts_with(':');
            let Some(value) = trimmed
                .strip_prefix('=')
                .or_else(|| trimmed.strip_prefix(':').filter(|_| !arn_field))
                .or_else(|| {
                    (name_end == 0
                        && after.starts_with(' ')
                        && lower[..start].ends_with("--")
                        && !names_a_build_secret(keyword, trimmed))
                    .then_some(trimmed)
                })
            else {
                continue;
            };
            // A written value: not empty, not read from the environment or a command (`$…`),
            // not a placeholder (`<…>`).
            let value = value.trim_start_matches([' ', '\t', '"', '\'']);
            // A flag or a keyword is no secret: cloud-config's `lock_passwd: true`, `password:
            // RANDOM` (cloud-init makes one up) and `chpasswd: {expire: False}` (a YAML
            // mapping, whose keys this reads in turn), as `user_data!` passes them.
            let yaml_mapping = trimmed.starts_with(':') && value.starts_with('{');
            if setting_word(value) || yaml_mapping {
                continue;
            }
            if let Some(first) = value
                .chars()
                .next()
                .filter(|c| !c.is_whitespace() && *c != '$' && *c != '<')
            {
                return Some(format!("{keyword}…={first}…"));
            }
        }
    }
    None
}

/// Whether `value` (what follows `=` or `:`) starts with a word that sets a flag or names a
/// keyword rather than a secret: `true`, `false`, `yes`, `no` (any case), or cloud-init's
/// `RANDOM`, then the end of the value.
fn setting_word(value: &str) -> bool {
    let end = value
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(value.len());
    let (word, rest) = value.split_at(end);
    let ends =
        rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r', '"', '\'', ',', ';', '}']);
    ends && (["true", "false", "yes", "no"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
        || word == "RANDOM")
}

/// [`assignment`] over user data, statement by statement (lines, and `;` within them),
/// except that a PowerShell variable (`$NAME`, `$env:NAME`) given, in parentheses, a command
/// that fetches a secret at boot (`$env:PGPASSWORD = (aws secretsmanager get-secret-value
/// …)`, `$DbPassword = (Get-SECSecretValue -SecretId db).SecretString`: see
/// [`powershell_fetched`]) is read from its parenthesis on: PowerShell runs the command
/// ("Grouping operator `( )`", about_Operators: it returns the result of the enclosed
/// pipeline), so the variable's name is no assignment of written text, and what is written
/// inside is still read. Any other value in parentheses (`('hunter2')`, `(Write-Output
/// 'x')`, `(echo hunter2)`) is read as the assignment of what it gives. The whole user data
/// is also read as `user_data!` reads it ([`hipaa_stack_syntax::user_data_problem`]) when
/// this finds nothing (hostile review 19: the two fetches were refused here although
/// `user_data!` passes them).
fn user_data_assignment(data: &str) -> Option<String> {
    user_data_statements(data, false)
}

/// [`user_data_assignment`], or with `equals` only those written `NAME=value` (as
/// [`equals_assignment`] reads free text), each statement read after what a PowerShell
/// variable is given is set apart.
///
/// A value that is a field of a Python f-string (`f"password={s}\n"`) is read as
/// `user_data!` reads it ([`hipaa_stack_syntax::user_data_problem`], which follows the field
/// to what it was given: a literal fails, `get_secret_value(…)` passes; hostile review 20:
/// such a field was read as written text here).
fn user_data_statements(data: &str, equals: bool) -> Option<String> {
    let syntax_passes = std::cell::OnceCell::new();
    data.split(['\n', ';']).find_map(|statement| {
        let read = powershell_fetched(statement).unwrap_or(statement);
        let found = if equals {
            assignment(&read.replace(':', " "))
        } else {
            assignment(read)
        }?;
        // A PowerShell here-string (`@"` to `"@` on lines of their own) is read as
        // `user_data!` reads it too: its lines, not the `@` (hostile review 21: `$env:NAME =
        // @"` / `$s` / `"@` of a fetched `$s` failed here).
        let here_string = found.ends_with("=@…") && read.trim_end().ends_with("@\"");
        // So are a `printf` conversion (`printf 'password=%s\n' "$S"`), an escaped quote
        // before a value (`echo "DB_PASSWORD=\"$S\""`) and the `.*` of a `sed` pattern
        // (`sed -i "s/^password=.*/password=$S/"`), which `user_data!` reads as a fetched
        // value put in place, or as text after it (hostile review 23).
        let field = here_string
            || (found.ends_with("={…") && (read.contains("f\"") || read.contains("f'")))
            || (found.ends_with("=%…") && read.contains("printf"))
            || (found.ends_with("=\\…") && read.contains("\\\"$"))
            || (found.ends_with("=.…") && read.contains("sed "));
        if field
            && *syntax_passes.get_or_init(|| hipaa_stack_syntax::user_data_problem(data).is_none())
        {
            return None;
        }
        Some(found)
    })
}

/// The commands that fetch a secret at boot, in lower case: the AWS CLI's reads of Secrets
/// Manager and Parameter Store (`aws secretsmanager get-secret-value` and
/// `get-random-password`, `aws ssm get-parameter`, `get-parameters` and
/// `get-parameters-by-path`), and the AWS Tools for PowerShell's cmdlets of the same
/// operations. Any other command in parentheses may give text written in the script
/// (`(Write-Output 'x')`, `(ConvertTo-SecureString 'pw' -AsPlainText -Force)`): what it
/// gives is read as written.
const FETCHING_CLI: [(&str, &[&str]); 2] = [
    (
        "secretsmanager",
        &["get-secret-value", "get-random-password"],
    ),
    (
        "ssm",
        &["get-parameter", "get-parameters", "get-parameters-by-path"],
    ),
];
const FETCHING_CMDLETS: [&str; 5] = [
    "get-secsecretvalue",
    "get-secrandompassword",
    "get-ssmparameter",
    "get-ssmparametervalue",
    "get-ssmparametersbypath",
];

/// The subexpression (from its `(` on) that a PowerShell statement `$NAME = (command …)` or
/// `$env:NAME = (command …)` gives its variable, when the command fetches a secret at boot
/// ([`FETCHING_CLI`], [`FETCHING_CMDLETS`]) and nothing in or after the parenthesis writes
/// what it gives ([`powershell_stages_write`]); `None` for any other statement.
fn powershell_fetched(statement: &str) -> Option<&str> {
    // After the `- ` of an item of a YAML list (a document's `runCommand` written as text).
    let statement = statement.trim_start();
    let statement = statement
        .strip_prefix("- ")
        .map_or(statement, str::trim_start);
    let rest = statement.strip_prefix('$')?;
    let rest = match rest.get(..4) {
        Some(env) if env.eq_ignore_ascii_case("env:") => &rest[4..],
        _ => rest,
    };
    let name_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    if name_end == 0 {
        return None;
    }
    let value = rest[name_end..]
        .trim_start_matches([' ', '\t'])
        .strip_prefix('=')?
        .trim_start_matches([' ', '\t']);
    // The command's first words, up to the parenthesis' end, in lower case.
    let words: Vec<String> = value
        .strip_prefix('(')?
        .split(')')
        .next()
        .unwrap_or_default()
        .split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .take(3)
        .map(str::to_ascii_lowercase)
        .collect();
    let fetches = match words.as_slice() {
        [aws, service, operation] if aws == "aws" => FETCHING_CLI
            .iter()
            .any(|(s, ops)| s == service && ops.contains(&operation.as_str())),
        [cmdlet, ..] => FETCHING_CMDLETS.contains(&cmdlet.as_str()),
        [] => false,
    };
    (fetches && !powershell_stages_write(value)).then_some(value)
}

/// Whether the PowerShell subexpression `value` (from its `(` on, to the end of its
/// statement) may give text written in the script rather than what its first command
/// fetches (hostile review 20: `$x = (aws secretsmanager get-secret-value … |
/// ForEach-Object { 'hunter2' })` passed): the grouping operator returns what its whole
/// pipeline gives (about_Operators, "Grouping operator `( )`"), so a later stage or
/// statement inside it with quoted text, a number in a script block (`{ 1234 }`) or a `+`
/// writes it; after the parenthesis only `.Name` accessors (`.SecretString`) may follow.
/// A parenthesis that does not close on the statement (`(aws …; 'hunter2')`, which the
/// statements' split at `;` cuts) is not read: it writes.
fn powershell_stages_write(value: &str) -> bool {
    let bytes = value.as_bytes();
    let (mut depth, mut quote, mut first_end, mut close) = (0usize, None, None, None);
    for (k, &c) in bytes.iter().enumerate() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(c),
            (None, b'(') => depth += 1,
            (None, b')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    close = Some(k);
                    break;
                }
            }
            (None, b'|' | b';') if depth == 1 && first_end.is_none() => first_end = Some(k),
            _ => {}
        }
    }
    let Some(close) = close else {
        return true;
    };
    let after = value[close + 1..]
        .trim_start_matches(|c: char| c == '.' || c == '_' || c.is_ascii_alphanumeric());
    if !after.trim().is_empty() && !after.trim_start().starts_with('#') {
        return true;
    }
    let Some(first_end) = first_end else {
        return false;
    };
    let stages = &value[first_end..close];
    let mut block = 0usize;
    let mut previous = ' ';
    for c in stages.chars() {
        match c {
            '\'' | '"' | '+' => return true,
            '{' => block += 1,
            '}' => block = block.saturating_sub(1),
            d if d.is_ascii_digit()
                && block > 0
                && !(previous.is_alphanumeric() || previous == '_') =>
            {
                return true;
            }
            _ => {}
        }
        previous = c;
    }
    false
}

/// Whether `value`, given to a flag `--secret`, is BuildKit's description of where a
/// build reads a secret (`docker build --secret id=npm,src=/run/npmrc`, `env=`, `type=`):
/// names of a file or a variable, never the secret itself (Docker's reference for `docker
/// buildx build --secret`).
fn names_a_build_secret(keyword: &str, value: &str) -> bool {
    keyword == "secret"
        && ["id=", "type=", "src=", "source=", "env="]
            .iter()
            .any(|key| {
                value
                    .get(..key.len())
                    .is_some_and(|v| v.eq_ignore_ascii_case(key))
            })
}

/// Whether an assignment in text is written `NAME=value` (with `=`), not `name: value`.
fn equals_assignment(text: &str) -> bool {
    assignment(&text.replace(':', " ")).is_some()
}

/// A secret written in source code as an entry of a map or object literal: a key named
/// like a secret (or an `Authorization` header), quoted or not, then `:` or `=>`, then a
/// string literal (`{"password": "…"}`, `{apiKey: '…'}`, `'Authorization' => '…'`).
/// Only a quoted value is read, so that a type annotation (`password: str`) or a value
/// read at run time (`os.environ["DB_PASSWORD"]`, `${…}`, `<…>`) is none. Returns the
/// key. Source code is kept as written where the template holds it inline: a Lambda
/// function's `Code.ZipFile`, a Synthetics canary's `Code.Script`, a CloudFront
/// function's `FunctionCode`, an AppSync resolver's or function's `Code` (JavaScript) or
/// `RequestMappingTemplate` (VTL, whose HTTP resolvers write the request's `headers`:
/// AppSync developer guide, "Resolver mapping template reference for HTTP") (`GetTemplate`
/// shows them, and the services hand them out as written).
fn literal_entry_secret(code: &str) -> Option<String> {
    let bytes = code.as_bytes();
    let mut at = 0;
    while let Some(i) = memchr::memchr2(b':', b'=', &bytes[at..]).map(|i| at + i) {
        at = i + 1;
        // `:` or `=>`, never `::`, `:=`, `==` or a lone `=` (an assignment, read elsewhere).
        let separator_end = match bytes[i] {
            b':' if bytes.get(i + 1) != Some(&b':')
                && bytes.get(i + 1) != Some(&b'=')
                && (i == 0 || bytes[i - 1] != b':') =>
            {
                i + 1
            }
            b'=' if bytes.get(i + 1) == Some(&b'>') => i + 2,
            _ => continue,
        };
        // The key, read backwards on its line: a quoted string or an identifier.
        let before = code[..i].trim_end_matches([' ', '\t']);
        let key = match before.chars().next_back() {
            Some(q @ ('"' | '\'')) => {
                let inner = &before[..before.len() - 1];
                let Some(open) = inner.rfind(q) else { continue };
                let key = &inner[open + 1..];
                if key.contains('\n') {
                    continue;
                }
                key
            }
            Some(c) if c.is_ascii_alphanumeric() || c == '_' => {
                let start = before
                    .char_indices()
                    .rev()
                    .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
                    .map_or(0, |(p, c)| p + c.len_utf8());
                &before[start..]
            }
            _ => continue,
        };
        if key.is_empty() || !(secret_name(key) || credential_header(key)) {
            continue;
        }
        // The value: a string literal on the same line.
        let after = code[separator_end..].trim_start_matches([' ', '\t']);
        let Some(q @ ('"' | '\'' | '`')) = after.chars().next() else {
            continue;
        };
        let rest = &after[1..];
        let Some(close) = rest.find(q) else { continue };
        let value = &rest[..close];
        let v = value.trim();
        // The literal is the whole value (`"Bearer " + token` reads the token at run time),
        // writes no interpolation (`${token}`), and an `Authorization` header's holds more
        // than its scheme.
        let complete = rest[close + 1..]
            .trim_start_matches([' ', '\t'])
            .chars()
            .next()
            .is_none_or(|c| matches!(c, ',' | '}' | ']' | ')' | ';' | '\n' | '\r'));
        let credential =
            !credential_header(key) || v.split_whitespace().any(|word| word.len() >= 8);
        if value.contains('\n')
            || v.len() < 4
            || v.starts_with(['$', '<', '%', '#'])
            || v.contains("${")
            || !complete
            || !credential
            || arn_shaped(v)
        {
            continue;
        }
        return Some(key.to_owned());
    }
    None
}

/// Every value below `value` that is the value of a named property (not an intrinsic's
/// argument) and that `keep` keeps, with its pointer and name. [`Objects`] reads them with
/// the rest.
#[cfg(test)]
fn named_values<'v>(
    value: &'v Value,
    keep: impl Fn(&str, &Value) -> bool,
) -> (Trail<'v>, Vec<(usize, &'v str, &'v Value)>) {
    let mut trail = Trail::new("");
    let mut out = Vec::new();
    let mut pending = vec![(value, 0)];
    while let Some((v, at)) = pending.pop() {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let here = trail.push(at, Step::Key(k));
                    if !(k == "Ref" || k.starts_with("Fn::")) && keep(k, child) {
                        out.push((here, k.as_str(), child));
                    }
                    pending.push((child, here));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    pending.push((child, trail.push(at, Step::Index(i))));
                }
            }
            _ => {}
        }
    }
    (trail, out)
}

/// The text an intrinsic writes itself, as opposed to what it reads from elsewhere (`Ref`,
/// `Fn::GetAtt`, `Fn::ImportValue`, the `${…}` of `Fn::Sub`): the pieces of a value that are
/// in the template.
fn literal_parts(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = vec![value];
    while let Some(v) = pending.pop() {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Number(n) => out.push(n.to_string()),
            Value::Array(items) => pending.extend(items),
            Value::Object(map) if map.len() == 1 => {
                let (name, arg) = map.iter().next().expect("one entry");
                match (name.as_str(), arg) {
                    ("Ref" | "Fn::GetAtt" | "Fn::ImportValue" | "Fn::GetAZs", _) => {}
                    ("Fn::Sub", Value::String(t)) => out.push(without_variables(t)),
                    ("Fn::Sub", Value::Array(a)) => {
                        if let Some(t) = a.first().and_then(Value::as_str) {
                            out.push(without_variables(t));
                        }
                        if let Some(Value::Object(vars)) = a.get(1) {
                            pending.extend(vars.values());
                        }
                    }
                    // The delimiter of a join or a split is not written into the value alone.
                    ("Fn::Join" | "Fn::Split", Value::Array(a)) => pending.extend(a.iter().skip(1)),
                    // The condition's name is not part of the value.
                    ("Fn::If", Value::Array(a)) => pending.extend(a.iter().skip(1)),
                    ("Fn::Select", Value::Array(a)) => pending.extend(a.iter().skip(1)),
                    (_, arg) => pending.push(arg),
                }
            }
            Value::Object(map) => pending.extend(map.values()),
            _ => {}
        }
    }
    out
}

/// Whether every value an `Fn::If` may deploy is a boolean spelling (`true`, `"false"`,
/// `"True"`, an `Fn::Sub` of one) or `AWS::NoValue`, its branches read down through nested
/// `Fn::If`s: a switch about a secret, never one (RDS's `ManageMasterUserPassword` is a
/// Boolean, which CloudFormation also takes as `"true"`, as the string walk reads it). A
/// branch that is anything else (text, a reference, another intrinsic) may be the secret.
fn boolean_switch(value: &Value) -> bool {
    fn boolean(value: &Value, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        match value {
            Value::Bool(_) => true,
            v if super::meaning::no_value(v) => true,
            Value::Object(map) if map.len() == 1 && map.contains_key("Fn::If") => {
                match map
                    .get("Fn::If")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                {
                    Some([_, yes, no]) => boolean(yes, depth + 1) && boolean(no, depth + 1),
                    _ => false,
                }
            }
            v => text(v).is_some_and(|t| {
                let t = t.trim();
                t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false")
            }),
        }
    }
    value.get("Fn::If").is_some() && boolean(value, 0)
}

/// Whether an intrinsic writes text of its own into the value (not only what it reads from
/// elsewhere), other than a dynamic reference to Secrets Manager or a SecureString
/// parameter (`{{resolve:secretsmanager:…}}`, in one piece or joined around a `Ref`).
fn writes_text(value: &Value) -> bool {
    if dynamic_reference(&super::meaning::text_or_json(value)) {
        return false;
    }
    let parts = literal_parts(value);
    if parts.iter().any(|p| dynamic_reference(p)) {
        return false;
    }
    parts.iter().any(|p| !p.trim().is_empty())
}

/// Whether a value names a secret rather than holds it, so that a property named like a
/// secret (`PasswordSecret`, `DB_PASSWORD`) may carry it: an ARN, written or built by
/// `Fn::Sub` or `Fn::Join` around references; a `Ref` of an `AWS::SecretsManager::Secret`
/// or its `Fn::GetAtt … Id` (CloudFormation's reference of the resource, "Return values":
/// both return the secret's ARN, not its value); or an `Fn::ImportValue` (an export another
/// stack names the secret by). A `Ref` of anything else (a template parameter, whose value
/// may be the password itself) names nothing.
fn names_a_secret(value: &Value, template: &crate::cfn::Template) -> bool {
    let secret = |id: &str| {
        template
            .resource(id)
            .is_some_and(|r| r.type_name() == "AWS::SecretsManager::Secret")
    };
    match value {
        Value::String(s) => arn_shaped(s),
        Value::Object(map) if map.len() == 1 => match map.iter().next() {
            Some((k, Value::String(id))) if k == "Ref" => secret(id),
            Some((k, Value::Array(a))) if k == "Fn::GetAtt" => {
                a.first().and_then(Value::as_str).is_some_and(secret)
                    && a.get(1).and_then(Value::as_str) == Some("Id")
            }
            Some((k, Value::String(t))) if k == "Fn::GetAtt" => t
                .split_once('.')
                .is_some_and(|(id, attribute)| secret(id) && attribute == "Id"),
            Some((k, _)) if k == "Fn::ImportValue" => true,
            Some((k, Value::String(t))) if k == "Fn::Sub" => arn_shaped(&marked_variables(t)),
            Some((k, Value::Array(a))) if k == "Fn::Sub" => a
                .first()
                .and_then(Value::as_str)
                .is_some_and(|t| arn_shaped(&marked_variables(t))),
            Some((k, Value::Array(a))) if k == "Fn::Join" => {
                let (Some(delimiter), Some(Value::Array(items))) =
                    (a.first().and_then(Value::as_str), a.get(1))
                else {
                    return false;
                };
                let pieces: Vec<&str> = items
                    .iter()
                    .map(|i| i.as_str().unwrap_or(READ_AT_DEPLOY))
                    .collect();
                arn_shaped(&pieces.join(delimiter))
            }
            _ => false,
        },
        _ => false,
    }
}

/// What [`names_a_secret`] writes for a piece of an ARN that CloudFormation reads when it
/// deploys (a `${AWS::Partition}`, a `Ref`): a character no ARN holds.
const READ_AT_DEPLOY: &str = "\u{1}";

/// `Fn::Sub` text with each `${…}` variable replaced by [`READ_AT_DEPLOY`].
pub(super) fn marked_variables(template: &str) -> String {
    variables_replaced(template, READ_AT_DEPLOY)
}

/// Whether text has the shape of an ARN, `arn:partition:service:region:account:resource`
/// (the IAM user guide's "Amazon Resource Names"), each field written or read at deploy
/// time: a password is not written in that shape, and an ARN names a secret, never holds it.
fn arn_shaped(text: &str) -> bool {
    // A pseudo parameter as the resolved text of an intrinsic gives it (`${AWS::Region}`,
    // see [`text`]) is a field read at deploy.
    let marked;
    let text = if text.contains("${AWS::") {
        marked = variables_replaced(text, READ_AT_DEPLOY);
        marked.as_str()
    } else {
        text
    };
    let fields: Vec<&str> = text.trim().splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = fields.as_slice() else {
        return false;
    };
    let deploy = |f: &str| f == READ_AT_DEPLOY;
    let word = |f: &str| {
        f.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    *arn == "arn"
        && (deploy(partition) || (partition.starts_with("aws") && word(partition)))
        && (deploy(service) || (!service.is_empty() && word(service)))
        && (deploy(region) || word(region))
        && (deploy(account)
            || account.is_empty()
            || *account == "aws"
            || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())))
        && !resource.trim().is_empty()
}

/// `Fn::Sub` text without its `${…}` variables.
fn without_variables(template: &str) -> String {
    variables_replaced(template, "")
}

/// `Fn::Sub` text with each `${…}` variable replaced by `by` (an unclosed one dropped with
/// what follows it); `${!Literal}` writes `${Literal}`.
fn variables_replaced(template: &str, by: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        if rest[at + 2..].starts_with('!') {
            out.push_str("${");
            rest = &rest[at + 3..];
            continue;
        }
        match rest[at..].find('}') {
            Some(end) => {
                out.push_str(by);
                rest = &rest[at + end + 1..];
            }
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// Whether an attribute name is that of a secret's value, not of a reference to one.
fn secret_attribute(name: &str) -> bool {
    let n = squash(name);
    !reference_name(&n)
        && [
            "secretaccesskey",
            "password",
            "secretstring",
            "privatekey",
            "clientsecret",
            "authtoken",
        ]
        .iter()
        .any(|s| n.contains(s))
}

/// The first use of a secret attribute below `value`: `Fn::GetAtt [X, SecretAccessKey]`,
/// `"Fn::GetAtt": "X.SecretAccessKey"` or `${X.SecretAccessKey}` in `Fn::Sub`. [`Objects`]
/// reads it with the rest.
#[cfg(test)]
fn secret_attribute_use(value: &Value) -> Option<(String, String)> {
    // The places passed are kept as a trail; only the one found is written as a pointer.
    let mut trail = Trail::new("");
    let mut pending = vec![(value, 0)];
    while let Some((v, at)) = pending.pop() {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    if let Some(a) = attribute_used(k, child) {
                        return Some((trail.pointer(at), a.to_owned()));
                    }
                    let here = trail.push(at, Step::Key(k));
                    pending.push((child, here));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let here = trail.push(at, Step::Index(i));
                    pending.push((child, here));
                }
            }
            _ => {}
        }
    }
    None
}

/// Decodes standard base64 (user data written pre-encoded); `None` for text that is not.
fn base64(text: &str) -> Option<String> {
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if clean.is_empty() || !clean.len().is_multiple_of(4) {
        return None;
    }
    let value = |b: u8| -> Option<u32> {
        Some(match b {
            b'A'..=b'Z' => u32::from(b - b'A'),
            b'a'..=b'z' => u32::from(b - b'a') + 26,
            b'0'..=b'9' => u32::from(b - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    for chunk in clean.chunks(4) {
        let pad = chunk.iter().rev().take_while(|b| **b == b'=').count();
        let mut n = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            let v = if i >= 4 - pad { 0 } else { value(*b)? };
            n = (n << 6) + v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad.min(2)]);
    }
    String::from_utf8(out).ok()
}

/// Scripts, and documents of scripts, that a service keeps as one text and shows as
/// written, which P1 reads as it reads user data (`assignment` and `user_data!`'s reading,
/// [`hipaa_stack_syntax::user_data_problem`]), with where each is (a pointer below the
/// properties, or the metadata): a CodeBuild project's `BuildSpec` ("The build
/// specification for the project", YAML text: CloudFormation's `AWS::CodeBuild::Project
/// Source`; `BatchGetProjects` shows it), an Amplify app's or branch's `BuildSpec`, an SSM
/// document's `Content` written as text (`DocumentFormat` YAML or JSON: "The content for
/// the new SSM document in JSON or YAML", `AWS::SSM::Document`; `GetDocument` shows it),
/// an Image Builder component's `Data` (its YAML document, `GetComponent`), the shell
/// scripts of a SageMaker notebook's lifecycle configuration (`OnCreate`, `OnStart`:
/// "A base64-encoded string that contains a shell script", `NotebookInstanceLifecycleHook`)
/// and of a Studio lifecycle configuration (`StudioLifecycleConfigContent`, base64), App
/// Runner's `BuildCommand` and `StartCommand`, and, on any resource, the commands and
/// files of `AWS::CloudFormation::Init` metadata, which cfn-init runs and writes
/// (`commands.NAME.command`, `files.PATH.content`: CloudFormation's `AWS::CloudFormation::Init`
/// reference), a file read as a script that writes it, so that its name is read too
/// (`.properties`, `.msmtprc`).
fn script_texts(cx: &Cx<'_>) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    let count = |pointer: &str| {
        cx.prop(pointer)
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    let mut read = |pointer: String, encoded: bool, document: bool| {
        let Some(script) = cx.prop(&pointer).and_then(|v| script_text(v, encoded)) else {
            return;
        };
        let script = if document {
            document_script(&script)
        } else {
            script
        };
        found.push((pointer.trim_start_matches('/').to_owned(), script));
    };
    match cx.resource.type_name() {
        "AWS::CodeBuild::Project" => {
            read("/Source/BuildSpec".to_owned(), false, true);
            for i in 0..count("/SecondarySources") {
                read(format!("/SecondarySources/{i}/BuildSpec"), false, true);
            }
        }
        "AWS::Amplify::App" => {
            read("/BuildSpec".to_owned(), false, true);
            read(
                "/AutoBranchCreationConfig/BuildSpec".to_owned(),
                false,
                true,
            );
        }
        "AWS::Amplify::Branch" => read("/BuildSpec".to_owned(), false, true),
        // Text, or an intrinsic that builds it (`Fn::Sub`, `Fn::Join`); an object is the
        // document itself, which the walk of the properties reads.
        "AWS::SSM::Document"
            if cx.prop("/Content").is_some_and(|c| {
                c.as_object()
                    .is_none_or(|m| m.len() == 1 && m.keys().all(|k| k.starts_with("Fn::")))
            }) =>
        {
            read("/Content".to_owned(), false, true);
        }
        "AWS::ImageBuilder::Component" => read("/Data".to_owned(), false, true),
        "AWS::SageMaker::NotebookInstanceLifecycleConfig" => {
            for hook in ["OnCreate", "OnStart"] {
                for i in 0..count(&format!("/{hook}")) {
                    read(format!("/{hook}/{i}/Content"), true, false);
                }
            }
        }
        "AWS::SageMaker::StudioLifecycleConfig" => {
            read("/StudioLifecycleConfigContent".to_owned(), true, false);
        }
        "AWS::AppRunner::Service" => {
            let code =
                "/SourceConfiguration/CodeRepository/CodeConfiguration/CodeConfigurationValues";
            read(format!("{code}/BuildCommand"), false, false);
            read(format!("{code}/StartCommand"), false, false);
            read(
                "/SourceConfiguration/ImageRepository/ImageConfiguration/StartCommand".to_owned(),
                false,
                false,
            );
        }
        _ => {}
    }
    // cfn-init's configuration, in any resource's metadata.
    let init = cx
        .resource
        .metadata()
        .iter()
        .find(|(k, _)| k.as_str() == "AWS::CloudFormation::Init");
    if let Some((_, init)) = init
        && let Some(configs) = init.as_object()
    {
        for (config, body) in configs {
            let at = format!("Metadata/AWS::CloudFormation::Init/{config}");
            for (name, command) in body["commands"].as_object().into_iter().flatten() {
                let line = match &command["command"] {
                    Value::Array(words) => words
                        .iter()
                        .map(|w| text(w).unwrap_or_else(|| super::meaning::skeleton(w)))
                        .collect::<Vec<_>>()
                        .join(" "),
                    v if v.is_null() => continue,
                    v => text(v).unwrap_or_else(|| super::meaning::skeleton(v)),
                };
                found.push((format!("{at}/commands/{name}/command"), line));
            }
            for (path, file) in body["files"].as_object().into_iter().flatten() {
                let content = match &file["content"] {
                    Value::Null => continue,
                    // A JSON file written as an object: its text.
                    v @ Value::Object(m)
                        if !m.keys().any(|k| k == "Ref" || k.starts_with("Fn::")) =>
                    {
                        v.to_string()
                    }
                    v => text(v).unwrap_or_else(|| super::meaning::skeleton(v)),
                };
                found.push((
                    format!("{at}/files/{path}/content"),
                    format!("cat > {path} <<'EOF'\n{content}\nEOF\n"),
                ));
            }
        }
    }
    found
}

/// The text of a script property: resolved intrinsics (the literal parts of what cannot be
/// resolved, [`super::meaning::skeleton`]), decoded from base64 where the property takes
/// it so. `None` where `AWS::NoValue` removes it.
fn script_text(value: &Value, encoded: bool) -> Option<String> {
    if super::meaning::no_value(value) {
        return None;
    }
    let (value, encoded) = match value.get("Fn::Base64") {
        // `Fn::Base64` encodes text that is written plain.
        Some(inner) => (inner, false),
        None => (value, encoded),
    };
    let written = text(value).unwrap_or_else(|| super::meaning::skeleton(value));
    Some(if encoded {
        base64(&written).unwrap_or(written)
    } else {
        written
    })
}

/// A document of scripts (a build specification, an SSM or Image Builder document, as YAML
/// or JSON text) as the script it runs, one line a value: the items of its lists (the
/// commands) as they are, its other values as `name: value`; a list item's `- ` and the
/// quotes around a whole line dropped. Values that name a secret rather than hold it are
/// left out: CodeBuild's `secrets-manager` and `parameter-store` maps ("The environment
/// variable's value is the … secret-id … / the name of the parameter stored in Parameter
/// Store", CodeBuild user guide, "Build specification reference"), and descriptions (prose).
/// A document's own parameters (`{{ Name }}`, filled when it runs: SSM user guide,
/// "Parameters"; Image Builder's component parameters) read as variables (`$Name`); a
/// dynamic reference (`{{resolve:…}}`, which CloudFormation resolves into the document)
/// stays as written.
fn document_script(document: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let trimmed = document.trim_start();
    let json = (trimmed.starts_with('{') || trimmed.starts_with('['))
        .then(|| crate::cfn::tree::from_str(trimmed).ok())
        .flatten();
    if let Some(json) = json {
        flatten_document(&json, None, &mut lines);
    } else {
        // The indentation of a block whose lines are left out, while in it.
        let mut skipping: Option<usize> = None;
        for line in document.lines() {
            let indent = line.len() - line.trim_start().len();
            let body = line.trim();
            if let Some(depth) = skipping {
                if body.is_empty() || indent > depth {
                    continue;
                }
                skipping = None;
            }
            let item = body.strip_prefix("- ").unwrap_or(body).trim_start();
            let key = item
                .split(':')
                .next()
                .unwrap_or_default()
                .trim()
                .trim_matches(['"', '\'']);
            if LEFT_OUT.iter().any(|k| key.eq_ignore_ascii_case(k)) {
                skipping = Some(indent);
                continue;
            }
            lines.push(unquoted(item).to_owned());
        }
    }
    let script = lines.join("\n");
    parameters_as_variables(&script)
}

/// The keys of a document whose values name a secret or are prose (see
/// [`document_script`]).
const LEFT_OUT: [&str; 3] = ["secrets-manager", "parameter-store", "description"];

/// [`document_script`] of a document written as JSON.
fn flatten_document(value: &Value, key: Option<&str>, lines: &mut Vec<String>) {
    if key.is_some_and(|k| LEFT_OUT.iter().any(|l| k.eq_ignore_ascii_case(l))) {
        return;
    }
    match value {
        Value::String(s) => lines.push(match key {
            Some(k) => format!("{k}: {s}"),
            None => s.clone(),
        }),
        Value::Array(items) => items.iter().for_each(|v| flatten_document(v, None, lines)),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| flatten_document(v, Some(k), lines)),
        _ => {}
    }
}

/// A line without the quotes around it whole (`"echo … | chpasswd"`).
fn unquoted(line: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = line.strip_prefix(q).and_then(|l| l.strip_suffix(q))
            && !inner.contains(q)
        {
            return inner;
        }
    }
    line
}

/// `{{ Name }}` as `$Name`, except a dynamic reference (`{{resolve:…}}`).
fn parameters_as_variables(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    let mut rest = script;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) if !after[..end].trim_start().starts_with("resolve:") => {
                out.push('$');
                out.push_str(&after[..end].trim().replace(char::is_whitespace, "_"));
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// What P1 finds in a script written as text, read as user data is: a dynamic reference
/// to a secret (resolved into the text the service shows), a written assignment
/// (`DB_PASSWORD=…`, `password: …`), or what `user_data!` refuses.
fn script_problem(script: &str) -> Option<String> {
    if script.to_owned().contains_secret_reference() {
        return Some(
            "holds a dynamic reference to a secret, which CloudFormation resolves into the script the service shows in plain text; read the secret at run time by its ARN".to_owned(),
        );
    }
    if let Some(a) = assignment(&powershell_read(script)) {
        return Some(format!("assigns a secret in plain text ({a})"));
    }
    hipaa_stack_syntax::user_data_problem(script).map(|rule| rule.to_string())
}

/// `script` with each PowerShell statement that fetches a secret into a variable
/// ([`powershell_fetched`]) read from its parenthesis on, as user data is read
/// ([`user_data_assignment`]), and every other statement as it is (hostile review 20: the
/// scripts of SSM documents written as text did not get the reading user data gets).
fn powershell_read(script: &str) -> std::borrow::Cow<'_, str> {
    if !script.contains('$') {
        return std::borrow::Cow::Borrowed(script);
    }
    let mut out = String::with_capacity(script.len());
    let mut rest = script;
    while !rest.is_empty() {
        let end = rest.find(['\n', ';']).map_or(rest.len(), |e| e + 1);
        let (statement, tail) = rest.split_at(end);
        let body = statement.trim_end_matches(['\n', ';']);
        match powershell_fetched(body) {
            Some(read) => {
                out.push_str(read);
                out.push_str(&statement[body.len()..]);
            }
            None => out.push_str(statement),
        }
        rest = tail;
    }
    std::borrow::Cow::Owned(out)
}

/// Every property of the resource that holds user data, with its pointer below the
/// properties: each is base64 text as written in a template (read by [`user_data_text`]).
/// An instance's and a launch configuration's `UserData` ("The parameters or scripts to
/// store as user data. Any scripts in the user data are run when you launch the instance.
/// User data is limited to 16 KB. You must provide base64-encoded text",
/// `AWS::EC2::Instance`; "The Base64-encoded user data to make available to the launched
/// EC2 instances", `AWS::AutoScaling::LaunchConfiguration`, CloudFormation template
/// reference), a launch template's `LaunchTemplateData.UserData` ("The user data to make
/// available to the instance. ... must be base64-encoded text"), the `UserData` of every
/// launch specification of a Spot Fleet (`SpotFleetRequestConfigData.LaunchSpecifications`:
/// "The base64-encoded user data that instances use when starting up"), and an Image
/// Builder recipe's `AdditionalInstanceConfiguration.UserDataOverride` ("commands or a
/// command script to run when you launch your build instance. ... The user data is always
/// base 64 encoded", Image Builder API reference, `AdditionalInstanceConfiguration`).
///
/// So are the scripts other services run on the machines they launch: a Lightsail
/// instance's `UserData`, plain text ("A launch script you can create that configures a
/// server with additional user data. For example, you might want to run apt-get -y
/// update.", `AWS::Lightsail::Instance`), the `LaunchTemplateSpecificationUserData` of each
/// launch template of an EC2 Fleet ("The base64-encoded user data for instances launched by
/// the fleet", EC2 API reference, `FleetLaunchTemplateSpecificationRequest`), and a
/// Deadline Cloud fleet's `HostConfiguration.ScriptBody`, plain text ("The text of the
/// script that runs as a worker is starting up ... The script runs as an administrative
/// user (sudo root on Linux, as an Administrator on Windows)", CloudFormation reference,
/// `AWS::Deadline::Fleet HostConfiguration`). Text that is not base64 is read as written
/// ([`user_data_text`]), so a plain script is read whole.
fn user_data<'a>(cx: &Cx<'a>) -> Vec<(String, &'a Value)> {
    let mut found: Vec<(String, &'a Value)> = Vec::new();
    for pointer in [
        "/UserData",
        "/LaunchTemplateData/UserData",
        "/AdditionalInstanceConfiguration/UserDataOverride",
        "/HostConfiguration/ScriptBody",
    ] {
        if let Some(v) = cx.prop(pointer) {
            found.push((pointer.to_owned(), v));
        }
    }
    for (list, key) in [
        (
            "/SpotFleetRequestConfigData/LaunchSpecifications",
            "/UserData",
        ),
        (
            "/LaunchTemplateConfigs",
            "/LaunchTemplateSpecification/LaunchTemplateSpecificationUserData",
        ),
    ] {
        if let Some(Value::Array(items)) = cx.prop(list) {
            for (i, item) in items.iter().enumerate() {
                if let Some(v) = item.pointer(key) {
                    found.push((format!("{list}/{i}{key}"), v));
                }
            }
        }
    }
    found
}

/// The text of user data: resolved intrinsics (the literal parts of what cannot be
/// resolved), decoded when written as base64.
fn user_data_text(value: &Value) -> String {
    match text(value) {
        // EC2 takes user data base64-encoded ("If you are using an AWS SDK or command line
        // tool, Base64-encoding is performed for you [...] Otherwise, you must provide
        // Base64-encoded text", EC2 API Reference, `UserData`): text that `Fn::Base64`
        // does not encode (a string, or an `Fn::Sub` or `Fn::Join` that writes one) is
        // sent encoded already.
        Some(t) if value.get("Fn::Base64").is_none() => base64(&t).unwrap_or(t),
        Some(t) => t,
        None => value.to_string(),
    }
}

/// Every string below `value`, where it is, and the name of the property that holds it.
fn strings_below<'v>(
    value: &'v Value,
    trail: &mut Trail<'v>,
    at: usize,
    name: &str,
    found: &mut impl FnMut(&Trail<'v>, usize, &str, &str),
) {
    walk(value, trail, at, name, found, &mut |_, _, _| {});
}

/// One depth-first walk below `value`, in the order of its properties and items: `strings`
/// is told of every string (where it is, and the name of the property that holds it) and
/// `lists` of every list, before its items. The trail holds the path to where the walk is:
/// a place is valid while the walk is told of it.
fn walk<'v>(
    value: &'v Value,
    trail: &mut Trail<'v>,
    at: usize,
    name: &str,
    strings: &mut impl FnMut(&Trail<'v>, usize, &str, &str),
    lists: &mut impl FnMut(&Trail<'v>, usize, &'v [Value]),
) {
    match value {
        Value::String(s) => strings(trail, at, name, s),
        Value::Array(items) => {
            lists(trail, at, items);
            for (i, v) in items.iter().enumerate() {
                let here = trail.push(at, Step::Index(i));
                walk(v, trail, here, name, strings, lists);
                trail.back_to(here);
            }
        }
        Value::Object(map) => {
            // Text that an intrinsic writes whole (`Fn::Sub` with its variables, `Fn::Join`,
            // `Fn::Base64`): CloudFormation deploys the text, which is read where the
            // property is, by the property's name, as the text written plain would be
            // (`{"Fn::Sub": ["${V}", {"V": "…"}]}` or `{"Fn::Join": ["", ["…"]]}` change
            // nothing of it); its pieces are read below as well, except pieces that are all
            // in that text (an `Fn::Sub` of one string, an `Fn::Join` of strings), read in
            // it: read again apart, a piece of a dynamic reference (`{"Fn::Join": ["",
            // ["{{resolve:secretsmanager:db", ":SecretString:pw}}"]]}`) is no reference,
            // and a piece sits under the intrinsic's name, not the property's. Their lists
            // are still walked. What the text leaves out (a variable an `Fn::Sub` does not
            // use, an entry `Fn::Select` does not pick) is still read below.
            let mut in_the_text = false;
            if let Some(text) = written_whole(value) {
                strings(trail, at, name, &text);
                in_the_text = pieces_all_in_the_text(value);
            }
            for (k, v) in map {
                let here = trail.push(at, Step::Key(k));
                if in_the_text {
                    walk(v, trail, here, k, &mut read_in_the_text, lists);
                } else {
                    walk(v, trail, here, k, strings, lists);
                }
                trail.back_to(here);
            }
        }
        _ => {}
    }
}

/// What the walk is told of a piece already read in the text it makes: nothing.
fn read_in_the_text(_: &Trail<'_>, _: usize, _: &str, _: &str) {}

/// Whether every piece of `value`, an intrinsic that builds text, is written whole into the
/// text it makes: an `Fn::Sub` of one string (no variable map), or an `Fn::Join` of a list
/// of strings ("Fn::Join: Appends a set of values into a single value, separated by the
/// specified delimiter", CloudFormation Template Reference).
fn pieces_all_in_the_text(value: &Value) -> bool {
    match value
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.iter().next())
    {
        Some((k, Value::String(_))) => k == "Fn::Sub",
        Some((k, Value::Array(a))) if k == "Fn::Join" => match a.as_slice() {
            [Value::String(_), Value::Array(items)] => items.iter().all(Value::is_string),
            _ => false,
        },
        _ => false,
    }
}

/// The text that `value`, an intrinsic function that builds text (`Fn::Sub`, `Fn::Join`,
/// `Fn::Base64`, `Fn::Select`), stands for where it can be known before deploy
/// ([`text`]): the text CloudFormation deploys ("Fn::Sub", "Fn::Join", CloudFormation
/// Template Reference, "Intrinsic function reference").
fn written_whole(value: &Value) -> Option<String> {
    let map = value.as_object().filter(|m| m.len() == 1)?;
    if !map.keys().all(|k| {
        matches!(
            k.as_str(),
            "Fn::Sub" | "Fn::Join" | "Fn::Base64" | "Fn::Select"
        )
    }) {
        return None;
    }
    text(value)
}

/// What P1 reads of the objects below a resource's properties, found in one walk (depth
/// first, with a stack: the properties of an object are pushed in order, so read last
/// first), with the places of what it finds in one trail. It reads what the three walks
/// it replaced read (`environment`, `named_values` and `secret_attribute_use`, kept for
/// the tests), in the same order and at the same places: a property test holds it to
/// them.
struct Objects<'v> {
    trail: Trail<'v>,
    /// The environment variables (`Environment.Variables`) and every other name/value
    /// pair: `(place, name, value)`.
    pairs: Vec<(usize, String, &'v Value)>,
    /// The pairs that the program itself says are secret (`IsValueSecret` true: see
    /// [`declared_secret`]), kept apart from `pairs`: `(place, value)`.
    declared: Vec<(usize, &'v Value)>,
    /// Every value of a named property (not an intrinsic's argument) that `keep` kept:
    /// `(place, name, value)`.
    named: Vec<(usize, &'v str, &'v Value)>,
    /// The first use of a secret attribute: the place of the object that holds it, and
    /// the attribute.
    secret_attribute: Option<(usize, &'v str)>,
}

impl<'v> Objects<'v> {
    fn read(properties: &'v Value, keep: impl Fn(&str, &Value) -> bool) -> Self {
        let mut trail = Trail::new("");
        let mut pairs = environment_variables(properties, &mut trail);
        let mut declared = Vec::new();
        let mut named = Vec::new();
        let mut secret_attribute = None;
        let mut pending = vec![(properties, 0)];
        while let Some((v, at)) = pending.pop() {
            match v {
                Value::Object(map) => {
                    if let Some((name, key, value)) = name_and_value(map) {
                        let place = trail.push(at, Step::Key(key));
                        if declared_secret(map) {
                            declared.push((place, value));
                        } else {
                            pairs.push((place, name, value));
                        }
                    }
                    for (k, child) in map {
                        if secret_attribute.is_none()
                            && let Some(attribute) = attribute_used(k, child)
                        {
                            secret_attribute = Some((at, attribute));
                        }
                        let here = trail.push(at, Step::Key(k));
                        if !(k == "Ref" || k.starts_with("Fn::")) && keep(k, child) {
                            named.push((here, k.as_str(), child));
                        }
                        pending.push((child, here));
                    }
                }
                Value::Array(items) => {
                    for (i, child) in items.iter().enumerate() {
                        pending.push((child, trail.push(at, Step::Index(i))));
                    }
                }
                _ => {}
            }
        }
        Objects {
            trail,
            pairs,
            declared,
            named,
            secret_attribute,
        }
    }
}

/// The environment variables of a resource (`Environment.Variables`), their places pushed
/// on `trail`: `(place, name, value)`.
fn environment_variables<'v>(
    properties: &'v Value,
    trail: &mut Trail<'v>,
) -> Vec<(usize, String, &'v Value)> {
    let mut out = Vec::new();
    if let Some(Value::Object(vars)) =
        crate::cfn::pointer::lookup(properties, "/Environment/Variables")
            .filter(|v| !super::meaning::no_value(v))
    {
        let environment = trail.push(0, Step::Key("Environment"));
        let variables = trail.push(environment, Step::Key("Variables"));
        for (k, v) in vars {
            out.push((trail.push(variables, Step::Key(k)), k.clone(), v));
        }
    }
    out
}

/// Whether a name/value pair says its value is a secret: an EventBridge connection's
/// header, query string and body parameters with `IsValueSecret` true, whose values
/// EventBridge keeps in the Secrets Manager secret it makes for the connection ("When you
/// create a connection and add authorization parameters, EventBridge creates a secret in
/// AWS Secrets Manager", EventBridge user guide, "Connections for HTTP endpoint targets";
/// API reference, `ConnectionHeaderParameter` `IsValueSecret`: "Specifies whether the value
/// is a secret"). Such a value may be a dynamic reference to a secret, which is resolved
/// into that secret and shown nowhere else; written in the template, it is a secret in
/// plain text whatever its name.
fn declared_secret(map: &serde_json::Map<String, Value>) -> bool {
    map.get("IsValueSecret").is_some_and(|v| {
        v.as_bool() == Some(true) || text(v).is_some_and(|t| t.trim().eq_ignore_ascii_case("true"))
    })
}

/// Whether the name of an HTTP header is one whose value is the credential itself:
/// `Authorization` ("allows a user agent to authenticate itself with an origin server",
/// RFC 9110, section 11.6.2) and `Proxy-Authorization` (section 11.7.2), whatever the
/// scheme written before the credential (`Token …`, `ApiKey …`, `SSWS …`, not only the
/// `Bearer` and `Basic` that [`service_token`] knows). Read only where a header is: the
/// header maps EventBridge rules and pipes send (`HeaderParameters`), a connection's
/// header parameters, and the `Headers` of a state machine's HTTP task.
fn credential_header(name: &str) -> bool {
    with_squashed(name, |n| n == "authorization" || n == "proxyauthorization")
}

/// Whether an API Gateway request parameter's value is a static value, not a mapping
/// expression: quoted (`'…'`, REST APIs), or for HTTP APIs anything but `$…`; a REST API's
/// unquoted value reads the request (`method.request.…`, `context.…`, `stageVariables.…`).
fn static_parameter(value: &str) -> bool {
    let v = value.trim();
    let inner = v.trim_matches('\'').trim();
    !inner.is_empty()
        && (v.starts_with('\'')
            || !(v.starts_with('$')
                || v.starts_with("method.")
                || v.starts_with("context.")
                || v.starts_with("stageVariables.")
                || v.starts_with("integration.")))
}

/// The name and value of an object that is a name/value pair: ECS and Batch containers'
/// `Environment`, CodeBuild's `EnvironmentVariables`, App Runner's
/// `RuntimeEnvironmentVariables`, Elastic Beanstalk's `OptionSettings`, tags:
/// `{"Name"|"Key"|"OptionName": n, "Value": v}`; a Lightsail container's `Environment`,
/// `{"Variable": n, "Value": v}` (CloudFormation reference, `AWS::Lightsail::Container
/// EnvironmentVariable`: "The environment variable key"; `GetContainerServices` shows it);
/// and a CloudFront origin's `OriginCustomHeaders`, `{"HeaderName": n, "HeaderValue": v}`
/// ("Specifies the value for the header", `AWS::CloudFront::Distribution OriginCustomHeader`;
/// CloudFront sends it to the origin with every request, and `GetDistributionConfig`
/// shows it), an API key or an `Authorization` header among them. With the key the value
/// is at. A CodeBuild variable of type `PARAMETER_STORE` or `SECRETS_MANAGER` holds a
/// reference, and is none.
fn name_and_value(map: &serde_json::Map<String, Value>) -> Option<(String, &'static str, &Value)> {
    // The properties read, found in one pass over the object's keys (every object of every
    // resource is read here).
    let [
        mut name,
        mut key,
        mut option,
        mut variable,
        mut header,
        mut kind,
        mut value,
        mut header_value,
    ] = [None; 8];
    for (k, v) in map {
        let slot = match k.as_str() {
            "Name" => &mut name,
            "Key" => &mut key,
            "OptionName" => &mut option,
            "Variable" => &mut variable,
            "HeaderName" => &mut header,
            "Type" => &mut kind,
            "Value" => &mut value,
            "HeaderValue" => &mut header_value,
            _ => continue,
        };
        *slot = Some(v);
    }
    let name = [name, key, option, variable, header]
        .into_iter()
        .flatten()
        .find_map(text);
    let reference = kind
        .and_then(text)
        .is_some_and(|t| !t.eq_ignore_ascii_case("PLAINTEXT"));
    let value = value
        .map(|v| ("Value", v))
        .or(header_value.map(|v| ("HeaderValue", v)));
    match (name, value) {
        (Some(name), Some((key, value))) if !reference => Some((name, key, value)),
        _ => None,
    }
}

/// The secret attribute that property `key` of an object uses, if it does:
/// `Fn::GetAtt [X, SecretAccessKey]`, `"Fn::GetAtt": "X.SecretAccessKey"` or
/// `${X.SecretAccessKey}` in `Fn::Sub`.
fn attribute_used<'v>(key: &str, value: &'v Value) -> Option<&'v str> {
    let attribute = match (key, value) {
        ("Fn::GetAtt", Value::Array(a)) => a.get(1).and_then(Value::as_str),
        ("Fn::GetAtt", Value::String(s)) => s.split_once('.').map(|(_, a)| a),
        ("Fn::Sub", sub) => {
            let t = match sub {
                Value::Array(a) => a.first().and_then(Value::as_str),
                other => other.as_str(),
            };
            t.and_then(|t| {
                t.split("${")
                    .skip(1)
                    .filter_map(|v| v.split('}').next())
                    .filter_map(|v| v.split_once('.'))
                    .map(|(_, a)| a)
                    .find(|a| secret_attribute(a) || secret_name(a))
            })
        }
        _ => None,
    };
    // An attribute named like a secret (a custom resource's `DbPass`) holds one as much as
    // AWS's own secret attributes do.
    attribute.filter(|a| secret_attribute(a) || secret_name(a))
}

/// Every attribute an `Fn::GetAtt` (a list or `Id.Attribute`) or an `Fn::Sub`
/// (`${Id.Attribute}`) reads below `value`.
fn find_attribute(value: &Value, found: &mut impl FnMut(&str)) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("Fn::GetAtt", Value::Array(a)) => {
                        a.get(1)
                            .and_then(Value::as_str)
                            .into_iter()
                            .for_each(&mut *found);
                    }
                    ("Fn::GetAtt", Value::String(s)) => {
                        s.split_once('.').into_iter().for_each(|(_, a)| found(a));
                    }
                    ("Fn::Sub", sub) => {
                        let t = match sub {
                            Value::Array(a) => a.first().and_then(Value::as_str),
                            other => other.as_str(),
                        };
                        t.into_iter()
                            .flat_map(|t| t.split("${").skip(1))
                            .filter_map(|v| v.split('}').next())
                            .filter_map(|v| v.split_once('.'))
                            .for_each(|(_, a)| found(a));
                    }
                    _ => {}
                }
                find_attribute(v, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| find_attribute(v, found)),
        _ => {}
    }
}

/// The environment variables of a resource and every other name/value pair of its
/// properties: `(pointer, name, value)`. [`Objects`] reads them with the rest.
#[cfg(test)]
fn environment<'v>(properties: &'v Value) -> (Trail<'v>, Vec<(usize, String, &'v Value)>) {
    let mut trail = Trail::new("");
    let mut out = environment_variables(properties, &mut trail);
    // Name/value pairs anywhere: ECS and Batch containers' `Environment`, CodeBuild's
    // `EnvironmentVariables`, App Runner's `RuntimeEnvironmentVariables`, Elastic
    // Beanstalk's `OptionSettings`, tags: `{"Name"|"Key"|"OptionName": n, "Value": v}`. A
    // CodeBuild variable of type `PARAMETER_STORE` or `SECRETS_MANAGER` holds a reference.
    let mut pending = vec![(properties, 0)];
    while let Some((v, at)) = pending.pop() {
        match v {
            Value::Object(map) => {
                let name = ["Name", "Key", "OptionName", "Variable", "HeaderName"]
                    .iter()
                    .find_map(|k| crate::cfn::pointer::get(map, k).and_then(text));
                let reference = crate::cfn::pointer::get(map, "Type")
                    .and_then(text)
                    .is_some_and(|t| !t.eq_ignore_ascii_case("PLAINTEXT"));
                // A pair marked secret (`IsValueSecret`) is read apart (see `declared_secret`).
                let value = ["Value", "HeaderValue"]
                    .iter()
                    .find_map(|k| crate::cfn::pointer::get(map, k).map(|v| (*k, v)));
                if let (Some(name), Some((key, value))) = (name, value)
                    && !reference
                    && !declared_secret(map)
                {
                    out.push((trail.push(at, Step::Key(key)), name, value));
                }
                for (k, child) in map {
                    pending.push((child, trail.push(at, Step::Key(k))));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    pending.push((child, trail.push(at, Step::Index(i))));
                }
            }
            _ => {}
        }
    }
    (trail, out)
}

fn p1(cx: &Cx<'_>) -> Outcome {
    let mut problems: Vec<String> = Vec::new();
    let t = cx.resource.type_name();
    // User data: plain text to anyone who may describe the instance.
    for (pointer, v) in user_data(cx) {
        let data = user_data_text(v);
        if data.contains("{{resolve:") {
            problems.push(format!(
                "`{}` holds a dynamic reference: CloudFormation writes the resolved secret into user data, which anyone with ec2:DescribeInstanceAttribute reads",
                &pointer[1..]
            ));
        }
        if let Some(a) = user_data_assignment(&data) {
            problems.push(format!(
                "`{}` assigns a secret in plain text ({a})",
                &pointer[1..]
            ));
        } else if let Some(rule) = hipaa_stack_syntax::user_data_problem(&data) {
            // The check `user_data!` makes when a program is compiled, on the user
            // data of every resource: abbreviated names (`DB_PW=`), URL passwords, keys.
            problems.push(format!("`{}`: {rule}", &pointer[1..]));
        }
    }
    // A configuration document kept as text, which the service stores and hands out as
    // written: read as user data is, for `name: value` as well as `NAME=value` (see
    // `CONFIGURATION_TEXT`).
    for (kind, pointer, encoded) in CONFIGURATION_TEXT {
        if t != kind {
            continue;
        }
        let Some(written) = cx.prop(pointer).and_then(text) else {
            continue;
        };
        let document = if encoded {
            base64(&written).unwrap_or(written)
        } else {
            written
        };
        if let Some(a) = assignment(&document) {
            problems.push(format!(
                "`{}` assigns a secret in plain text ({a}); keep it in Secrets Manager",
                &pointer[1..]
            ));
        }
    }
    // What P1 reads of every object, in one walk: the name/value pairs, the values an
    // intrinsic builds (read below), the first use of a secret attribute (read below).
    let intrinsic = |_: &str, value: &Value| {
        value
            .as_object()
            .is_some_and(|m| m.len() == 1 && m.keys().all(|k| k.starts_with("Fn::")))
    };
    let Objects {
        trail: places,
        pairs,
        declared,
        named,
        secret_attribute,
    } = Objects::read(cx.resource.properties(), intrinsic);
    // A value the program says is secret (`IsValueSecret`): a dynamic reference to a secret
    // keeps it out of the template; any text written around none is the secret itself.
    for (at, value) in declared {
        let written = text(value).unwrap_or_else(|| literal_parts(value).concat());
        if !written.trim().is_empty()
            && !written.contains_secret_reference()
            && !names_a_secret(value, cx.template)
        {
            problems.push(format!(
                "`{}` is a value marked secret (`IsValueSecret`) written in plain text in the template; write a `{{{{resolve:secretsmanager:…}}}}` dynamic reference",
                places.pointer(at).trim_start_matches('/')
            ));
        }
    }
    // Environment variables: stored and shown in plain text by the service's describe calls.
    for (at, name, value) in pairs {
        let pointer = || places.pointer(at);
        let literal = text(value);
        // Text that is written in the template: a resolved literal, or the pieces an
        // intrinsic writes around what it reads (`Fn::Join ["", ["hunter", {"Ref": X}]]`),
        // a dynamic reference included: CloudFormation writes the resolved secret into the
        // function's configuration, which its describe calls show.
        // (An ARN, or a reference to a secret, names the secret: see `names_a_secret`.)
        let written = !names_a_secret(value, cx.template)
            && (literal.as_deref().is_some_and(|v| {
                let v = v.trim();
                !v.is_empty() && !arn_shaped(v)
            }) || (literal.is_none()
                && value.is_object()
                && literal_parts(value).iter().any(|p| !p.trim().is_empty())));
        // A secret's dynamic reference is resolved into the variable, whatever its name.
        let resolved_secret = literal
            .clone()
            .unwrap_or_else(|| literal_parts(value).concat())
            .contains_secret_reference();
        let header = credential_header(&name)
            && (places.below(at, "HeaderParameters")
                || places.below(at, "Headers")
                || places.below(at, "OriginCustomHeaders"));
        if written
            && (resolved_secret
                || secret_name(&name)
                || header
                || literal.as_deref().is_some_and(|v| assignment(v).is_some()))
        {
            let pointer = pointer();
            let what = if pointer.contains("Environment") || pointer.contains("Variables") {
                "environment variable"
            } else {
                "setting"
            };
            problems.push(format!(
                "{what} `{name}` (`{}`) holds a secret in plain text; pass the secret's ARN and read it at run time",
                pointer.trim_start_matches('/')
            ));
        }
    }
    // An SSM `String` parameter is plain text.
    if t == "AWS::SSM::Parameter" {
        let kind = cx.prop("/Type").and_then(text).unwrap_or_default();
        let name = cx.prop("/Name").and_then(text).unwrap_or_default();
        let value = cx.prop("/Value").and_then(text).unwrap_or_default();
        if !kind.eq_ignore_ascii_case("SecureString")
            && (secret_name(&name) || assignment(&value).is_some() || secret_name(cx.id()))
            // A parameter whose value is the secret's ARN (or a reference to the secret)
            // names it for a program that reads it at run time; it does not hold it.
            && !cx
                .prop("/Value")
                .is_some_and(|v| names_a_secret(v, cx.template))
        {
            problems.push(format!(
                "SSM parameter `{name}` of type `{kind}` holds a secret in plain text; keep it in Secrets Manager"
            ));
        }
    }
    // A custom resource's properties are all named by the program.
    let custom = t.starts_with("Custom::") || t == "AWS::CloudFormation::CustomResource";
    // A state machine's definition is stored and shown as one text (`DescribeStateMachine`),
    // its names are the program's, and its substitutions are written into it.
    let state_machine = t == "AWS::StepFunctions::StateMachine";
    // The settings of a database engine, named by the engine (see `ENGINE_SETTINGS`).
    let engine_settings = ENGINE_SETTINGS
        .iter()
        .find(|(kind, _)| *kind == t)
        .map(|(_, key)| *key);
    // Whether a property's name says it holds a secret, where it is: not an engine's
    // setting, and not a unit of time (a Cognito app client's `TokenValidityUnits`, whose
    // `AccessToken`, `IdToken` and `RefreshToken` are `seconds`, `minutes`, `hours` or
    // `days`: CloudFormation reference, `AWS::Cognito::UserPoolClient TokenValidityUnits`).
    let credential_map = CREDENTIAL_MAPS
        .iter()
        .find(|(kind, _)| *kind == t)
        .map(|(_, key)| *key);
    // The names that are a secret in this type only, found once for the resource.
    let of_type: Vec<&str> = SECRET_PROPERTY_OF_TYPE
        .iter()
        .filter(|(kind, _)| *kind == t)
        .map(|(_, n)| *n)
        .collect();
    let named_secret = |trail: &Trail<'_>, at: usize, name: &str| {
        (secret_property(name)
            || of_type.contains(&name)
            || credential_map.is_some_and(|key| trail.below(at, key)))
            && !engine_settings.is_some_and(|key| trail.below(at, key))
            && !(t == "AWS::Cognito::UserPoolClient" && trail.below(at, "TokenValidityUnits"))
    };
    // Every string property: a property named like a secret with a written value, or text
    // that is a credential wherever it is; and, in the same walk, every command line
    // written as a list of words (a password flag in an item of its own), whose findings
    // come after the metadata's.
    let mut trail = Trail::new("");
    let mut lines: Vec<String> = Vec::new();
    walk(
        cx.resource.properties(),
        &mut trail,
        0,
        "",
        &mut |trail, at, name, s| {
            if let Some(what) = credential_text(s) {
                problems.push(format!(
                    "`{}` holds {what}",
                    trail.pointer(at).trim_start_matches('/')
                ));
                return;
            }
            // A variable of an `Fn::Sub` is named by the program and written in the template,
            // which CloudFormation keeps and shows as written (`GetTemplate`), whether or not
            // the text uses it: one named like a secret (`DB_PASSWORD`) holds it in plain
            // text, even where the text it fills is judged by another name (an environment
            // variable's), or leaves it out (`{"Fn::Sub": ["prod", {"DB_PASSWORD": "…"}]}`).
            if trail.sub_variable(at) && secret_name(name) && written_secret(s) {
                problems.push(format!(
                    "`{}` is a variable of an `Fn::Sub` named like a secret and holds it in plain text, which the template shows; pass the secret's ARN or a `{{{{resolve:secretsmanager:…}}}}` dynamic reference",
                    trail.pointer(at).trim_start_matches('/')
                ));
                return;
            }
            // Names the program chooses, not AWS, read as environment variables' names are
            // (`DB_PW`, `token`): a container's environment written as a map (SageMaker's
            // `ContainerDefinition.Environment`, whose reference says to put no sensitive
            // data in it: `DescribeModel` shows it), tags written as a map, a Glue job's
            // arguments (`GetJob` shows them), and every property of a custom resource (in
            // the template, and sent to its handler).
            // So is a Bedrock flow's: "you can use the `DefinitionSubstitutions` property to
            // define key-value pairs to replace" in its `DefinitionString` or
            // `DefinitionS3Location` (CloudFormation reference, `AWS::Bedrock::Flow`), and
            // `GetFlow` shows the definition.
            let above = Above::of(trail, at);
            let definition = (state_machine
                && (above.has("Definition") || above.has("DefinitionSubstitutions")))
                || (t == "AWS::Bedrock::Flow" && above.has("DefinitionSubstitutions"));
            if definition && read_at_run_time(name, s) {
                return;
            }
            // An `EnvironmentVariables` map too (a Bedrock AgentCore runtime's: "Environment
            // variables to set in the agent runtime environment", a map of names to values,
            // CloudFormation reference, `AWS::BedrockAgentCore::Runtime`; `GetAgentRuntime`
            // shows them).
            let environment_map = (above.has("Environment") && !above.has("Variables"))
                || above.has("EnvironmentVariables");
            // A container's `DockerLabels` too, "a key/value map of labels to add to the
            // container" (CloudFormation reference, `AWS::ECS::TaskDefinition
            // ContainerDefinition`), which `DescribeTaskDefinition` shows.
            // And a Managed Service for Apache Flink application's runtime properties
            // (`EnvironmentProperties.PropertyGroups[].PropertyMap`, "Describes the value
            // of an application execution property key-value pair", CloudFormation
            // reference, `AWS::KinesisAnalyticsV2::Application PropertyGroup`), which
            // `DescribeApplication` shows.
            let chosen = environment_map
                || (t == "AWS::KinesisAnalyticsV2::Application" && above.has("PropertyMap"))
                || definition
                || above.has("Tags")
                || above.has("DockerLabels")
                || above.has("DefaultArguments")
                || above.has("NonOverridableArguments")
                || custom;
            let value = s.trim();
            // Maps of settings whose names the program (or a tool it runs) chooses, which
            // the service keeps and shows as written: a log driver's `Options` (ECS
            // developer guide, "Pass sensitive data to a container": a log configuration
            // takes a secret in `SecretOptions`, never `Options`, as Splunk's
            // `splunk-token`), the headers and query parameters EventBridge rules and pipes
            // send (`HttpParameters`), an API stage's variables (`GetStage` shows them), a
            // Batch job definition's `Parameters`, and the arguments of a Glue trigger's
            // actions and of a development endpoint (read as a job's `DefaultArguments`).
            // A flag or a number there is a setting, not a secret.
            let settings = (above.has("LogConfiguration") && above.has("Options"))
                || above.has("HeaderParameters")
                || above.has("QueryStringParameters")
                || above.has("StageVariables")
                || (above.has("Variables") && !above.has("Environment"))
                || (t == "AWS::Batch::JobDefinition" && above.has("Parameters"))
                || (t.starts_with("AWS::Glue::") && above.has("Arguments"));
            let setting_word = value.eq_ignore_ascii_case("true")
                || value.eq_ignore_ascii_case("false")
                || value.parse::<f64>().is_ok();
            // The configuration of an application a service runs for the program, in the
            // application's own dotted names, which the service keeps and shows
            // (`DescribeCluster`, `GetEnvironment`): EMR's `ConfigurationProperties` (and
            // EMR Serverless's `RuntimeConfiguration` `Properties`), Hadoop's
            // `fs.s3a.secret.key` or Hive's `javax.jdo.option.ConnectionPassword` among
            // them, and MWAA's `AirflowConfigurationOptions` (Airflow's
            // `webserver.secret_key`, `core.fernet_key`, `smtp.smtp_password`). Read by
            // the last words of the name (see `configured_secret`).
            let configuration = (above.has("ConfigurationProperties")
                || (t == "AWS::EMRServerless::Application" && above.has("Properties"))
                || above.has("AirflowConfigurationOptions"))
                && !setting_word
                && configured_secret(name);
            if configuration && written_secret(value) {
                problems.push(format!(
                    "`{}` is an application's setting named like a secret and holds it in plain text, which the service shows; keep it in Secrets Manager and let the application read it at run time",
                    trail.pointer(at).trim_start_matches('/')
                ));
                return;
            }
            // The credential of an `Authorization` header, whatever its scheme (the places
            // read first: most strings are in no header, and reading a name costs more).
            let header =
                (above.has("HeaderParameters") || above.has("Headers")) && credential_header(name);
            // An API Gateway integration that sends a fixed `Authorization` header to its
            // backend: a request parameter named `integration.request.header.Authorization`
            // whose value is a static value, "enclosed within a pair of single quotes"
            // (API Gateway developer guide, "Parameter mapping source reference for REST
            // APIs"), or an HTTP API's `overwrite:header.Authorization` whose value is no
            // `$…` mapping expression ("Transform API requests and responses for HTTP
            // APIs"); `GetIntegration` shows it as written.
            if above.has("RequestParameters")
                && let Some((_, header_name)) = name.rsplit_once("header.")
                && credential_header(header_name)
                && static_parameter(value)
            {
                problems.push(format!(
                    "`{}` sends a fixed `{header_name}` header, a credential written in the template, which the integration shows; let an authorizer or the backend read the secret at run time",
                    trail.pointer(at).trim_start_matches('/')
                ));
                return;
            }
            if (chosen || (settings && !setting_word))
                && name != "ServiceToken"
                && (secret_name(name) || header)
                && written_secret(value)
            {
                problems.push(format!(
                    "`{}` is named like a secret and holds it in plain text; pass the secret's ARN and read it at run time",
                    trail.pointer(at).trim_start_matches('/')
                ));
                return;
            }
            // A container's environment map and a state machine's definition are shown as
            // they are deployed: a secret's dynamic reference is resolved into them. So are
            // the maps of settings named by the program (`settings` above, a Glue job's
            // arguments, tags written as a map): CloudFormation "pulls the secret value into
            // the CloudFormation resource" (Secrets Manager user guide, "Get an AWS Secrets
            // Manager secret in an AWS CloudFormation resource"), and the service keeps and
            // shows the headers and query parameters of a rule's targets
            // (`ListTargetsByRule`) and a pipe's (`DescribePipe`), a stage's variables
            // (`GetStage`), a job's arguments (`GetJob`: "Job arguments may be logged. Do
            // not pass plaintext secrets as arguments", Glue API reference, `Job`
            // `DefaultArguments`). A pair's `Value` is read with its name, above, where a
            // connection's parameter marked secret keeps it in a secret.
            let named_map = (settings || (chosen && !custom)) && name != "Value";
            if (environment_map || definition || named_map)
                && s.to_owned().contains_secret_reference()
            {
                problems.push(format!(
                    "`{}` holds a dynamic reference to a secret, which CloudFormation resolves into a setting the service shows in plain text; pass the secret's ARN and read it at run time",
                    trail.pointer(at).trim_start_matches('/')
                ));
                return;
            }
            // Environment variables are judged above, by the variables' names.
            if above.has("Environment") {
                return;
            }
            // JSON written as text (a state machine's `DefinitionString`, an EventBridge
            // target's `Input`, a policy given as a string): the service keeps the text and
            // shows it, and its names are the program's.
            if !named_secret(trail, at, name)
                && let Some(problem) = secret_in_json_text(s, state_machine)
            {
                problems.push(format!(
                    "`{}` {problem}",
                    trail.pointer(at).trim_start_matches('/')
                ));
                return;
            }
            // A password assigned in free text (a description, a tag, a command): `NAME=value`.
            // (Only user data and environment variables are read for `name: value` as well,
            // which descriptions write in prose.)
            // User data written inside an intrinsic (`Fn::Base64`) is read statement by
            // statement, as the user data of an instance is (see `user_data_assignment`).
            // So are the lines of a script an SSM document or association runs
            // (`runCommand`, `commands`: `aws:runPowerShellScript` runs them as PowerShell,
            // as EC2Launch runs user data), and the text of an SSM document or an Image
            // Builder component that holds such lines (`Content`, `Data`; hostile review 20:
            // a PowerShell fetch there was refused although user data passes it).
            let user_data = above.has("UserData")
                || above.has("runCommand")
                || above.has("RunCommand")
                || above.has("commands")
                || above.has("Commands")
                || (t == "AWS::SSM::Document" && (name == "Content" || above.has("Content")))
                || (t == "AWS::ImageBuilder::Component" && (name == "Data" || above.has("Data")));
            if !name.eq_ignore_ascii_case("UserData")
                && s.contains('=')
                && let Some(a) = if user_data {
                    user_data_assignment(s)
                } else {
                    assignment(s)
                }
                && (if user_data {
                    user_data_statements(s, true).is_some()
                } else {
                    equals_assignment(s)
                })
            {
                problems.push(format!(
                    "`{}` assigns a secret in plain text ({a})",
                    trail.pointer(at).trim_start_matches('/')
                ));
                return;
            }
            // An application's dotted setting named like a secret, set in free text
            // (`--conf spark.hadoop.fs.s3a.secret.key=…`).
            if s.contains('=')
                && s.contains('.')
                && let Some(setting) = configured_assignment(s)
            {
                problems.push(format!(
                    "`{}` sets `{setting}`, an application's setting named like a secret, to a value written in plain text; let the application read the secret at run time",
                    trail.pointer(at).trim_start_matches('/')
                ));
                return;
            }
            // Source code written inline: a secret in a map or object literal.
            let code = name == "ZipFile"
                || (t == "AWS::Synthetics::Canary" && name == "Script")
                || (t == "AWS::CloudFront::Function" && name == "FunctionCode")
                || ((t == "AWS::AppSync::Resolver" || t == "AWS::AppSync::FunctionConfiguration")
                    && (name == "Code" || name == "RequestMappingTemplate"));
            if code && let Some(key) = literal_entry_secret(s) {
                problems.push(format!(
                    "`{}` writes `{key}` with a written value in its source code, which the template and the service keep as written; read the secret at run time by its ARN",
                    trail.pointer(at).trim_start_matches('/')
                ));
                return;
            }
            // A boolean written as text is a switch about a secret (RDS's and DocumentDB's
            // `ManageMasterUserPassword`, Redshift's `ManageMasterPassword`, a listener
            // action's `UseExistingClientSecret`: Boolean properties, which CloudFormation
            // also takes as `"true"`), never one.
            if named_secret(trail, at, name)
                && !value.is_empty()
                && !value.eq_ignore_ascii_case("true")
                && !value.eq_ignore_ascii_case("false")
                && !dynamic_reference(s)
                && !arn_shaped(s)
            {
                problems.push(format!(
                "`{}` is a secret written in plain text; use a `{{{{resolve:secretsmanager:…}}}}` dynamic reference or let the service manage it",
                trail.pointer(at).trim_start_matches('/')
            ));
            }
        },
        &mut |trail, at, items| {
            for (kind, items) in script_readings(trail, at, items) {
                let Some(line) = command_line(&items, kind) else {
                    continue;
                };
                if let Some(tool) = hipaa_stack_syntax::command_secret(&line) {
                    lines.push(format!(
                        "`{}` passes a password to `{tool}` as a flag, in plain text",
                        trail.pointer(at).trim_start_matches('/')
                    ));
                    return;
                } else if kind != ScriptList::Other
                    && let Some(rule) = hipaa_stack_syntax::user_data_problem(&line)
                {
                    // The script a command list stands for, read as `user_data!` reads user
                    // data: a password fed to `chpasswd`, a password file written from
                    // text, a secret after its name (`auth_pass …`), a key made at boot.
                    lines.push(format!(
                        "`{}` is a script, read as user data is: {rule}",
                        trail.pointer(at).trim_start_matches('/')
                    ));
                    return;
                }
            }
        },
    );
    // The resource's metadata (waiver reasons, text a program writes at run time) is in the
    // template as much as its properties, and as readable (GetTemplate).
    let mut trail = Trail::new("/Metadata");
    for (key, value) in cx.resource.metadata() {
        let at = trail.push(0, Step::Key(key));
        strings_below(value, &mut trail, at, key, &mut |trail, at, name, s| {
            let value = s.trim();
            if let Some(what) = credential_text(s) {
                problems.push(format!("`{}` holds {what}", &trail.pointer(at)[1..]));
            } else if secret_name(name) && written_secret(value) {
                // The metadata's names are the program's, or cfn-init's: the basic
                // credentials of `AWS::CloudFormation::Authentication` (`password`, an S3
                // `secretKey`: "Specifies the password for basic authentication", the
                // CloudFormation template reference), which GetTemplate shows.
                problems.push(format!(
                    "`{}` is named like a secret and holds it in plain text; use a role (`roleName`) or read the secret at run time by its ARN",
                    &trail.pointer(at)[1..]
                ));
            } else if let Some(a) = assignment(s).filter(|_| equals_assignment(s)) {
                problems.push(format!(
                    "`{}` assigns a secret in plain text ({a})",
                    &trail.pointer(at)[1..]
                ));
            }
        });
    }
    problems.append(&mut lines);
    // Scripts written as one text, read as user data is, where nothing above found them.
    for (pointer, script) in script_texts(cx) {
        let at = format!("`{pointer}`");
        if problems.iter().any(|p| p.starts_with(&at)) {
            continue;
        }
        if let Some(problem) = script_problem(&script) {
            problems.push(format!("{at} is a script, read as user data is: {problem}"));
        }
    }
    // A property named like a secret whose value an intrinsic builds from written text
    // (`{"Fn::Sub": "hunter2${AWS::Region}"}`, `Fn::Join`, `Fn::Select`, …): the text is in
    // the template as much as a plain string.
    for (at, name, value) in named {
        // A value that names a secret, or that only switches one on or off, holds none.
        // So does text an intrinsic makes whole that is a switch (`{"Fn::Sub": "true"}`)
        // or a state machine's path read at run time (`Password.$` `{"Fn::Sub": "$.pw"}`),
        // as the same text written plain is read.
        let whole = written_whole(value);
        let holds_none = names_a_secret(value, cx.template)
            || boolean_switch(value)
            || whole.as_deref().is_some_and(|w| {
                let w = w.trim();
                w.eq_ignore_ascii_case("true")
                    || w.eq_ignore_ascii_case("false")
                    || (state_machine && read_at_run_time(name, w))
            });
        if named_secret(&places, at, name)
            && !(t == "AWS::SecretsManager::Secret" && name == "SecretString")
            && !holds_none
            && writes_text(value)
        {
            problems.push(format!(
                "`{}` builds a secret from text written in the template; use a `{{{{resolve:secretsmanager:…}}}}` dynamic reference or let the service manage it",
                places.pointer(at).trim_start_matches('/')
            ));
        }
    }
    // A secret attribute of another resource (an access key's `SecretAccessKey`, …) copied
    // into a property: CloudFormation writes its value in plain text where the property is
    // shown. Only a Secrets Manager secret may hold it.
    if t != "AWS::SecretsManager::Secret"
        && let Some((at, attribute)) = secret_attribute
    {
        problems.push(format!(
            "`{}` copies the attribute `{attribute}`, a secret, in plain text; store it in a Secrets Manager secret and pass the secret's ARN",
            places.pointer(at).trim_start_matches('/')
        ));
    }
    // The stack's description (`Stack::description`, text made at run time) is shown by
    // DescribeStacks: read with the first resource of its template.
    let first = cx
        .template
        .resources()
        .first()
        .is_some_and(|r| r.logical_id() == cx.id());
    // So are its outputs, and `up` copies them into the parameters of stacks in other
    // regions: an output of an attribute named like a secret (a custom resource's
    // `DbPass`, an access key's `SecretAccessKey`) writes the secret where anyone who may
    // describe the stack reads it.
    if first {
        for output in &cx.template.outputs {
            let value = serde_json::to_value(&output.value).unwrap_or_default();
            let mut found = None;
            find_attribute(&value, &mut |a| {
                if found.is_none() && (self::secret_attribute(a) || secret_name(a)) {
                    found = Some(a.to_owned());
                }
            });
            if let Some(attribute) = found {
                problems.push(format!(
                    "the stack's output `{}` is the attribute `{attribute}`, named like a secret, which DescribeStacks shows in plain text; output the secret's ARN and read it where it is needed",
                    output.name()
                ));
            }
        }
    }
    if first {
        let description = &cx.template.description;
        if let Some(what) = credential_text(description) {
            problems.push(format!("the stack's `Description` holds {what}"));
        } else if let Some(a) = assignment(description).filter(|_| equals_assignment(description)) {
            problems.push(format!(
                "the stack's `Description` assigns a secret in plain text ({a})"
            ));
        }
    }
    // A generated secret's template is written in the template: a password in it is not
    // generated (`{"username": "app", "password": "hunter2"}`, generating another key).
    if t == "AWS::SecretsManager::Secret"
        && let Some(template) = cx
            .prop("/GenerateSecretString/SecretStringTemplate")
            .and_then(text)
        && let Ok(Value::Object(fields)) = crate::cfn::tree::from_str(&template)
    {
        let generated = cx
            .prop("/GenerateSecretString/GenerateStringKey")
            .and_then(text)
            .unwrap_or_default();
        for (k, v) in &fields {
            if *k != generated && secret_name(k) && v.as_str().is_some_and(|v| !v.trim().is_empty())
            {
                problems.push(format!(
                    "`GenerateSecretString.SecretStringTemplate` writes `{k}` in plain text; let Secrets Manager generate it (`GenerateStringKey`)"
                ));
            }
        }
    }
    // A secret string built by intrinsics is in the template as much as a written one.
    if t == "AWS::SecretsManager::Secret"
        && let Some(v) = cx.prop("/SecretString").filter(|v| !v.is_string())
        && writes_text(v)
    {
        problems.push(
            "`SecretString` writes the secret into the template; use `GenerateSecretString`"
                .to_owned(),
        );
    }
    if problems.is_empty() {
        Outcome::Pass(vec![Proof {
            logical_id: cx.id().to_owned(),
            path: "/Properties".to_owned(),
        }])
    } else {
        Outcome::Fail(problems.join("; "))
    }
}

#[cfg(test)]
mod tests {

    /// sudoers' `NOPASSWD:ALL`, cloud-config's `lock_passwd: true`, `password: RANDOM` and
    /// `chpasswd: {expire: False}` set no password, and `user_data!` passes them; P1 refused
    /// them in a template's user data (hostile review 19). A written value beside them still
    /// fails.
    #[test]
    fn flags_and_keywords_beside_password_names_assign_none() {
        for passes in [
            "echo 'app ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/app",
            "  lock_passwd: true",
            "password: RANDOM",
            "chpasswd: {expire: False}",
            "ssh_pwauth: no",
        ] {
            assert_eq!(assignment(passes), None, "{passes}");
        }
        for fails in [
            "password: RANDOMLY",
            "password: Random",
            "DB_PASSWORD={hunter2}",
            "chpasswd: {expire: False, password: Winter2026xyz}",
            "lock_passwd: true\npassword: Winter2026xyz",
        ] {
            assert!(assignment(fails).is_some(), "{fails}");
        }
    }

    /// A field of an ARN (`arn:aws:secretsmanager:…`, `…:secret:db`) is no setting named
    /// like a secret; a setting written `name: value` or `NAME=value` still is.
    #[test]
    fn an_arn_names_a_secret_and_assigns_none() {
        for named in [
            "aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
            "credentials_arn: arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-token-AbCdEf",
        ] {
            assert_eq!(assignment(named), None, "{named}");
        }
        for assigned in [
            "db_password: Winter2026xyz",
            "DB_PASSWORD=Winter2026xyz",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db password: Winter2026xyz",
            "<authenticationUser username=\"app\" password=\"Hunter2-mq\"/>",
        ] {
            assert!(assignment(assigned).is_some(), "{assigned}");
        }
    }

    /// Names of application settings read by their last words: a secret key or a Fernet
    /// key, a password, a secret; not where secrets are kept, nor a file of credentials.
    #[test]
    fn an_application_setting_is_read_by_its_last_words() {
        for secret in [
            "fs.s3a.secret.key",
            "webserver.secret_key",
            "core.fernet_key",
            "spark.authenticate.secret",
            "javax.jdo.option.ConnectionPassword",
        ] {
            assert!(configured_secret(secret), "{secret}");
        }
        for setting in [
            "secrets.backend",
            "secrets.backend_kwargs",
            "hadoop.security.credential.provider.path",
            "yarn.resourcemanager.delegation.token.max-lifetime",
            "fs.s3a.access.key",
        ] {
            assert!(!configured_secret(setting), "{setting}");
        }
    }

    /// A name that ends in `token` is a secret's, but for the handler's, the skill's and
    /// the APIs' idempotency tokens.
    #[test]
    fn a_name_ending_in_token_is_a_secret_but_for_the_known_others() {
        for secret in [
            "SecretToken",
            "SessionToken",
            "splunk-token",
            "PersonalAccessToken",
        ] {
            assert!(secret_property(secret), "{secret}");
        }
        for other in [
            "ServiceToken",
            "EventSourceToken",
            "ClientToken",
            "AccessTokenValidity",
        ] {
            assert!(!secret_property(other), "{other}");
        }
    }

    /// Pairs and maps whose names are the program's, read for a secret by their names: a
    /// Lightsail container's `Variable`/`Value`, a CloudFront origin's
    /// `HeaderName`/`HeaderValue`, a Flink application's `PropertyMap`.
    #[test]
    fn pairs_and_property_maps_are_read_by_their_names() {
        use crate::compliance::rules::dms::tests::outcome_of;
        use serde_json::json;
        let failure = |t: &str, properties: serde_json::Value| match outcome_of(p1, t, properties) {
            Outcome::Fail(why) => why,
            other => panic!("{t}: {other:?}"),
        };
        let container = |variable: &str| json!({ "ServiceName": "web", "Power": "nano", "Scale": 1, "ContainerServiceDeployment": { "Containers": [{ "ContainerName": "web", "Environment": [{ "Variable": variable, "Value": "Winter2026ehr" }] }] } });
        for variable in ["DB_PASSWORD", "DB_PW"] {
            let why = failure("AWS::Lightsail::Container", container(variable));
            assert!(why.contains("Containers/0/Environment/0/Value"), "{why}");
        }
        let origin = |name: &str, value: &str| json!({ "DistributionConfig": { "Origins": [{ "Id": "api", "OriginCustomHeaders": [{ "HeaderName": name, "HeaderValue": value }] }] } });
        for (name, value) in [
            ("X-Api-Key", "9f8e7d6c5b4a39281706f5e4"),
            ("Authorization", "Token 9f8e7d6c5b4a39281706f5e4"),
            (
                "X-Origin-Verify",
                "{{resolve:secretsmanager:ehr/origin:SecretString:v}}",
            ),
        ] {
            let why = failure("AWS::CloudFront::Distribution", origin(name, value));
            assert!(why.contains("OriginCustomHeaders/0/HeaderValue"), "{why}");
        }
        assert!(matches!(
            outcome_of(
                p1,
                "AWS::CloudFront::Distribution",
                origin("X-Forwarded-Host", "clinic.example.com")
            ),
            Outcome::Pass(_)
        ));
        let flink = |name: &str| json!({ "ApplicationConfiguration": { "EnvironmentProperties": { "PropertyGroups": [{ "PropertyGroupId": "db", "PropertyMap": { name: "Winter2026ehr" } }] } } });
        let why = failure("AWS::KinesisAnalyticsV2::Application", flink("db_pass"));
        assert!(why.contains("PropertyMap/db_pass"), "{why}");
        assert!(matches!(
            outcome_of(p1, "AWS::KinesisAnalyticsV2::Application", flink("db_host")),
            Outcome::Pass(_)
        ));
    }

    /// An Oracle JDBC URL's `user/password@`, and a dotted setting named like a secret set
    /// in free text, are credentials; the URLs and settings that write none are not.
    #[test]
    fn oracle_urls_and_dotted_settings_are_read_for_a_password() {
        for url in [
            "jdbc:oracle:thin:app/Hunter22x@db.internal:1521/ORCL",
            "jdbc:oracle:thin:app/Hunter22x@//db.internal:1521/ehr",
            "url=jdbc:oracle:oci:app/Hunter22x@ehr_tns",
        ] {
            assert!(oracle_url_password(url), "{url}");
            assert!(credential_text(url).is_some(), "{url}");
        }
        for url in [
            "jdbc:oracle:thin:@db.internal:1521:ORCL",
            "jdbc:oracle:thin:@//db.internal:1521/ehr",
            "jdbc:oracle:thin:app/${DB_PASSWORD}@db.internal:1521/ORCL",
            "jdbc:oracle:thin:@tcps://db.internal:2484/ehr?wallet_location=/opt/wallet",
        ] {
            assert!(!oracle_url_password(url), "{url}");
        }
        for text in [
            "spark.hadoop.fs.s3a.secret.key=AbCdEf123456789xyz",
            "spark.executor.memory=4g --conf spark.hadoop.fs.s3a.secret.key=AbCdEf123456789xyz",
            "-Djavax.jdo.option.ConnectionPassword=Hunter22x",
        ] {
            assert!(configured_assignment(text).is_some(), "{text}");
        }
        for text in [
            "spark.hadoop.fs.s3a.secret.key=${SECRET_KEY}",
            "spark.authenticate.secret=true",
            "spark.hadoop.fs.s3a.access.key=AKIDEXAMPLE",
            "spark.executor.memory=4g",
        ] {
            assert_eq!(configured_assignment(text), None, "{text}");
        }
        assert!(!secret_property("PasswordParam"));
    }

    /// A name that ends in `secret` or in `token` and `Value` is a secret's, and so are a
    /// VPN tunnel's pre-shared key and an APNs channel's token key; the booleans that say
    /// whether a secret is made or kept, and where a pre-shared key is stored, are not.
    #[test]
    fn a_name_ending_in_secret_is_a_secret_but_for_the_booleans() {
        for secret in [
            "ProcurementPortalSharedSecret",
            "WalletSecret",
            "AppSecret",
            "TokenValue",
            "PreSharedKey",
            "TokenKey",
        ] {
            assert!(secret_property(secret), "{secret}");
        }
        for other in [
            "GenerateSecret",
            "IsValueSecret",
            "Secret",
            "PreSharedKeyStorage",
            "TokenKeyId",
            "CdnIdentifierSecretArn",
        ] {
            assert!(!secret_property(other), "{other}");
        }
    }

    /// SQL that sets a written password, in each engine's words, is a credential; SQL that
    /// sets none (IAM authentication, a value read at run time, prose) is not.
    #[test]
    fn a_password_set_by_sql_is_a_credential() {
        for sql in [
            "CREATE USER 'app'@'%' IDENTIFIED BY 'S3cret-pw';",
            "create user app identified by tiger",
            "ALTER USER app IDENTIFIED WITH mysql_native_password BY 'hunter22'",
            "CREATE USER app IDENTIFIED BY PASSWORD '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'",
            "CREATE ROLE app WITH LOGIN PASSWORD 'hunter22'",
            "alter role app password 'hunter22'",
            "CREATE LOGIN app WITH PASSWORD = 'Hunter22!'",
            "SET PASSWORD FOR 'app'@'%' = 'hunter22'",
            "SET PASSWORD='x'",
            "SET SESSION x = 1; CREATE USER bob IDENTIFIED BY \"S3cret\"",
            "CREATE\tUSER\n  bob\n  IDENTIFIED BY 'S3cret'",
        ] {
            assert!(sql_password(sql), "{sql}");
            assert_eq!(credential_text(sql), Some(SQL_PASSWORD), "{sql}");
        }
        for text in [
            "CREATE USER app IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'",
            "CREATE USER app IDENTIFIED BY '${Password}'",
            "CREATE USER app IDENTIFIED BY :password",
            "CREATE ROLE app WITH LOGIN PASSWORD NULL",
            "CREATE ROLE app LOGIN; GRANT rds_iam TO app;",
            "ALTER ROLE app PASSWORD '{{resolve:secretsmanager:db:SecretString:password}}'",
            "the password 'rotates' every 30 days",
            "Users are identified by their badge",
            "Create users identified by their badge; grant them roles",
            "SET SESSION app.timeout = 30",
        ] {
            assert!(!sql_password(text), "{text}");
        }
    }
    use super::*;

    #[test]
    fn an_arn_or_a_reference_to_a_secret_names_it_and_text_or_a_parameter_does_not() {
        let template = crate::cfn::Template {
            description: String::new(),
            parameters: Vec::new(),
            resources: vec![
                crate::cfn::Resource::raw(
                    "S".to_owned(),
                    "AWS::SecretsManager::Secret".to_owned(),
                    serde_json::json!({}),
                ),
                crate::cfn::Resource::raw(
                    "Q".to_owned(),
                    "AWS::SQS::Queue".to_owned(),
                    serde_json::json!({}),
                ),
            ],
            outputs: Vec::new(),
        };
        for names in [
            serde_json::json!("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"),
            serde_json::json!("arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/db"),
            serde_json::json!({"Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:db"}),
            serde_json::json!({"Fn::Sub": ["arn:aws:secretsmanager:${R}:${A}:secret:db", {"R": "us-east-1", "A": "123456789012"}]}),
            serde_json::json!({"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "secretsmanager", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}, "secret:db"]]}),
            serde_json::json!({"Ref": "S"}),
            serde_json::json!({"Fn::GetAtt": ["S", "Id"]}),
            serde_json::json!({"Fn::GetAtt": "S.Id"}),
            serde_json::json!({"Fn::ImportValue": "shared-db-secret"}),
        ] {
            assert!(names_a_secret(&names, &template), "{names}");
        }
        for holds in [
            serde_json::json!("hunter2"),
            serde_json::json!("arn:Winter2026!"),
            serde_json::json!("arn:aws:secretsmanager"),
            serde_json::json!("arn:aws:Secrets Manager:x:y:z"),
            serde_json::json!("arn:aws:secretsmanager:us-east-1:1234:secret:db"),
            serde_json::json!({"Fn::Join": [":", ["arn", "Winter2026!"]]}),
            serde_json::json!({"Fn::Sub": "hunter2${AWS::Region}"}),
            // A template parameter's value may be the password itself; a queue's URL is
            // no secret's name.
            serde_json::json!({"Ref": "DbPassword"}),
            serde_json::json!({"Ref": "Q"}),
            serde_json::json!({"Fn::GetAtt": ["S", "SecretString"]}),
            serde_json::json!({"Fn::If": ["C", "hunter2", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"]}),
        ] {
            assert!(!names_a_secret(&holds, &template), "{holds}");
        }
    }

    /// Random properties built from what [`Objects`] reads: name/value pairs (with a
    /// reference's `Type`), environment variables, secret attributes in each spelling,
    /// intrinsics, `AWS::NoValue`, nested in lists and objects.
    fn object_values() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let key = prop_oneof![
            1 => Just("Name"),
            1 => Just("Key"),
            1 => Just("OptionName"),
            1 => Just("Type"),
            1 => Just("Value"),
            1 => Just("Environment"),
            1 => Just("Variables"),
            // Weighted, so that a value often uses two secret attributes: the first is
            // the one found.
            4 => Just("Fn::GetAtt"),
            4 => Just("Fn::Sub"),
            1 => Just("Fn::Join"),
            1 => Just("Ref"),
            1 => Just("Password"),
        ];
        let leaf = prop_oneof![
            "PLAINTEXT|SECRETS_MANAGER|x|K\\.SecretAccessKey|K\\.Arn"
                .prop_map(|t| serde_json::json!(t)),
            "\\$\\{K\\.(SecretAccessKey|Arn)\\}[a-z]{0,2}".prop_map(|t| serde_json::json!(t)),
            "SecretAccessKey|Arn|Password".prop_map(|a| serde_json::json!(["K", a])),
            Just(serde_json::json!({ "Ref": "AWS::NoValue" })),
            Just(serde_json::json!({ "Ref": "K" })),
            (0u32..3).prop_map(|n| serde_json::json!(n)),
        ];
        leaf.prop_recursive(4, 32, 5, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((key.clone(), inner), 0..5).prop_map(|entries| {
                    Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect(),
                    )
                }),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The one walk of P1 over a resource's objects finds what the three walks it
        /// replaced find, in the same order and at the same places: the name/value pairs,
        /// the named values kept, and the first use of a secret attribute.
        #[test]
        fn one_walk_reads_the_objects_as_three_did(
            properties in object_values(),
            all in proptest::prelude::any::<bool>(),
        ) {
            let keep = |name: &str, value: &Value| {
                all || (name.len() > 4 && value.as_object().is_some_and(|m| m.len() == 1))
            };
            let objects = Objects::read(&properties, keep);
            fn read<'v, N: ToString>(
                trail: &Trail<'v>,
                found: Vec<(usize, N, &'v Value)>,
            ) -> Vec<(String, String, *const Value)> {
                found
                    .into_iter()
                    .map(|(at, name, value)| {
                        (trail.pointer(at), name.to_string(), std::ptr::from_ref(value))
                    })
                    .collect()
            }
            let (trail, pairs) = environment(&properties);
            proptest::prop_assert_eq!(read(&objects.trail, objects.pairs), read(&trail, pairs));
            let (trail, named) = named_values(&properties, keep);
            proptest::prop_assert_eq!(read(&objects.trail, objects.named), read(&trail, named));
            proptest::prop_assert_eq!(
                objects
                    .secret_attribute
                    .map(|(at, a)| (objects.trail.pointer(at), a.to_owned())),
                secret_attribute_use(&properties)
            );
        }
    }

    #[test]
    fn answers_are_kept_for_the_first_names_only() {
        let asked = std::cell::Cell::new(0);
        let mut kept = Kept::new(3);
        let get = |kept: &mut Kept, name: &str| {
            kept.get(name, |n| {
                asked.set(asked.get() + 1);
                n.len() > 1
            })
        };
        assert!(!get(&mut kept, "a") && !get(&mut kept, "a"));
        assert_eq!(asked.get(), 1, "a kept answer is not asked again");
        for name in ["bb", "c", "dd", "e"] {
            get(&mut kept, name);
        }
        assert_eq!(kept.read.len(), 3);
        assert!(get(&mut kept, "dd"));
        assert_eq!(
            asked.get(),
            6,
            "a name past the first three is asked each time"
        );
    }

    #[test]
    fn find_bytes_agrees_with_str_find() {
        for (hay, needle) in [
            ("", ""),
            ("abc", ""),
            ("", "a"),
            ("ghp_ghp_x", "ghp_"),
            ("xx://y", "://"),
            ("a:/", "://"),
            ("aaab", "aab"),
            ("-----BEGIN RSA PRIVATE KEY-----", "PRIVATE KEY-----"),
            ("PRIVATE KEY----", "PRIVATE KEY-----"),
        ] {
            assert_eq!(
                find_bytes(hay.as_bytes(), needle.as_bytes()),
                hay.find(needle),
                "{hay:?} {needle:?}"
            );
        }
    }

    #[test]
    fn a_key_is_held_where_an_object_below_has_it_and_nowhere_else() {
        let v = serde_json::json!({
            "A": [{ "B": 1 }, [{ "Fn::Transform": { "Name": "AWS::Include" } }]],
            "C": "Fn::Transform",
        });
        assert!(holds_key(&v, "Fn::Transform"));
        assert!(holds_key(&v, "B") && holds_key(&v, "Name") && holds_key(&v, "A"));
        // A string, an array index or a value is not a key.
        for absent in ["Fn::Include", "AWS::Include", "0", "1", "b", ""] {
            assert!(!holds_key(&v, absent), "{absent}");
        }
        assert!(!holds_key(
            &serde_json::json!("Fn::Transform"),
            "Fn::Transform"
        ));
        assert!(!holds_key(&serde_json::json!({}), ""));
        assert_eq!(
            transform_at(&v, "/Properties").as_deref(),
            Some("/Properties/A/1/0")
        );
        assert_eq!(transform_at(&v["A"][0], "/Properties"), None);
    }

    /// The walk reads text an intrinsic makes whole at the property's place, by its name;
    /// pieces that are all in that text (an `Fn::Sub` of one string, an `Fn::Join` of
    /// strings) are not read again apart, and what the text leaves out still is.
    #[test]
    fn pieces_written_whole_into_a_text_are_read_in_it() {
        let read = |v: Value| {
            let mut seen = Vec::new();
            strings_below(&v, &mut Trail::new(""), 0, "", &mut |trail, at, name, s| {
                seen.push((trail.pointer(at), name.to_owned(), s.to_owned()));
            });
            seen
        };
        let whole = |s: &str| vec![("/Value".to_owned(), "Value".to_owned(), s.to_owned())];
        let reference = "{{resolve:secretsmanager:api:SecretString:extra}}";
        assert_eq!(
            read(serde_json::json!({"Value": {"Fn::Sub": reference}})),
            whole(reference)
        );
        assert_eq!(
            read(
                serde_json::json!({"Value": {"Fn::Join": ["", ["{{resolve:secretsmanager:ap", "i:SecretString:extra}}"]]}})
            ),
            whole(reference)
        );
        assert!(pieces_all_in_the_text(
            &serde_json::json!({"Fn::Join": [":", ["a", "b"]]})
        ));
        assert!(!pieces_all_in_the_text(
            &serde_json::json!({"Fn::Join": ["", ["a", {"Ref": "X"}]]})
        ));
        assert!(!pieces_all_in_the_text(
            &serde_json::json!({"Fn::Sub": ["${V}", {"V": "a"}]})
        ));
        assert!(!pieces_all_in_the_text(
            &serde_json::json!({"Fn::Select": [0, ["a", "b"]]})
        ));
        // A variable the text does not use, an entry `Fn::Select` does not pick: still read.
        let unused =
            read(serde_json::json!({"Value": {"Fn::Sub": ["x", {"Password": "hunter2"}]}}));
        assert!(
            unused.contains(&(
                "/Value/Fn::Sub/1/Password".to_owned(),
                "Password".to_owned(),
                "hunter2".to_owned()
            )),
            "{unused:?}"
        );
        let unpicked = read(serde_json::json!({"Value": {"Fn::Select": [0, ["a", "hunter2"]]}}));
        assert!(
            unpicked.iter().any(|(_, _, s)| s == "hunter2"),
            "{unpicked:?}"
        );
    }

    #[test]
    fn a_place_is_written_as_the_json_pointer_that_serde_json_reads() {
        let v = serde_json::json!({ "a/b": { "Environment": [ { "c~d": "x" } ] } });
        let mut seen = Vec::new();
        let mut trail = Trail::new("");
        strings_below(&v, &mut trail, 0, "", &mut |trail, at, name, s| {
            seen.push((
                trail.pointer(at),
                name.to_owned(),
                s.to_owned(),
                trail.below(at, "Environment"),
            ));
        });
        assert_eq!(
            seen,
            [(
                "/a~1b/Environment/0/c~0d".to_owned(),
                "c~d".to_owned(),
                "x".to_owned(),
                true
            )]
        );
        assert_eq!(v.pointer(&seen[0].0), Some(&serde_json::json!("x")));
        let mut trail = Trail::new("/Metadata");
        let env = trail.push(0, Step::Key("Environment"));
        assert!(
            !trail.below(env, "Environment"),
            "a place is not below itself"
        );
        let item = trail.push(env, Step::Index(12));
        assert!(trail.below(item, "Environment"));
        assert_eq!(trail.pointer(item), "/Metadata/Environment/12");
        assert_eq!(trail.pointer(0), "/Metadata");
    }

    #[test]
    fn the_properties_above_a_string_are_those_the_trail_climbs_to() {
        // Every property `Above` finds, at the top, in the middle and at the string itself
        // (which is not above it), with other properties and items between.
        let v = serde_json::json!({
            "Tags": [{"Value": "a"}],
            "ContainerDefinitions": [{"Environment": {"LogConfiguration": {"Options": {
                "Definition": "b",
                "Other": {"UserData": ["c"], "commands": "d"}
            }}}}],
            "Data": "e",
            "data": "f"
        });
        let places = [
            "Definition",
            "DefinitionSubstitutions",
            "Environment",
            "Variables",
            "EnvironmentVariables",
            "PropertyMap",
            "Tags",
            "DockerLabels",
            "DefaultArguments",
            "NonOverridableArguments",
            "LogConfiguration",
            "Options",
            "HeaderParameters",
            "QueryStringParameters",
            "StageVariables",
            "Parameters",
            "Arguments",
            "ConfigurationProperties",
            "Properties",
            "AirflowConfigurationOptions",
            "Headers",
            "RequestParameters",
            "UserData",
            "runCommand",
            "RunCommand",
            "commands",
            "Commands",
            "Content",
            "Data",
        ];
        let bits: Vec<u32> = places.iter().map(|p| Above::place(p)).collect();
        assert!(
            bits.iter().all(|b| b.is_power_of_two()),
            "one bit each: {bits:?}"
        );
        assert_eq!(
            bits.iter().fold(0, |all, b| all | b).count_ones() as usize,
            places.len(),
            "a bit of its own each"
        );
        assert_eq!(Above::place("data"), 0, "read as written, case and all");
        let mut read = 0;
        let mut trail = Trail::new("");
        strings_below(&v, &mut trail, 0, "", &mut |trail, at, _, s| {
            read += 1;
            let above = Above::of(trail, at);
            for place in places {
                assert_eq!(
                    above.has(place),
                    trail.below(at, place),
                    "`{place}` above `{s}`"
                );
            }
        });
        assert_eq!(read, 6);
    }

    #[test]
    fn text_an_intrinsic_writes_whole_is_read_where_its_property_is_by_its_name() {
        let v = serde_json::json!({
            "ZipFile": { "Fn::Sub": ["${V}", { "V": "password = 'x'" }] },
            "Header": { "Fn::Join": ["", ["Token abc"]] },
            "Unknown": { "Fn::Join": ["", ["a", { "Ref": "Bucket" }]] },
        });
        let mut seen = Vec::new();
        strings_below(&v, &mut Trail::new(""), 0, "", &mut |trail, at, name, s| {
            seen.push((trail.pointer(at), name.to_owned(), s.to_owned()));
        });
        let at = |pointer: &str, name: &str, s: &str| {
            seen.contains(&(pointer.to_owned(), name.to_owned(), s.to_owned()))
        };
        assert!(at("/ZipFile", "ZipFile", "password = 'x'"), "{seen:?}");
        assert!(
            at("/ZipFile/Fn::Sub/1/V", "V", "password = 'x'"),
            "{seen:?}"
        );
        assert!(at("/Header", "Header", "Token abc"), "{seen:?}");
        // Text known only at deploy is read in its pieces only.
        assert!(!seen.iter().any(|(p, _, _)| p == "/Unknown"), "{seen:?}");
        assert!(at("/Unknown/Fn::Join/1/0", "Fn::Join", "a"), "{seen:?}");
        // User data written whole by an intrinsic is sent as written: base64 already.
        let encoded = "IyEvYmluL2Jhc2gKcGFzc3dvcmQ9aHVudGVyMjIK";
        let plain = "#!/bin/bash\npassword=hunter22\n";
        for data in [
            serde_json::json!(encoded),
            serde_json::json!({ "Fn::Sub": ["${V}", { "V": encoded }] }),
            serde_json::json!({ "Fn::Join": ["", [encoded]] }),
            serde_json::json!({ "Fn::Base64": plain }),
        ] {
            assert_eq!(user_data_text(&data), plain, "{data}");
        }
        // An ARN whose region and account a pseudo parameter gives names a secret.
        assert!(arn_shaped(
            "arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:db-AbCdEf"
        ));
        assert!(!arn_shaped("hunter2${AWS::Region}"));
    }

    #[test]
    fn a_walk_keeps_only_the_path_to_where_it_is_and_each_pointer_reads_its_value() {
        let v = serde_json::json!({
            "A": { "B": ["one", { "C": "two", "D": ["three", "four"] }], "E": "five" },
            "F": [[["six"]], "seven"],
            "G": { "H": { "I": { "J": "eight" } } },
        });
        let (mut seen, mut longest) = (Vec::new(), 0);
        strings_below(&v, &mut Trail::new(""), 0, "", &mut |trail, at, _, s| {
            longest = longest.max(trail.steps.len());
            seen.push((trail.pointer(at), s.to_owned()));
        });
        assert_eq!(seen.len(), 8, "{seen:?}");
        for (pointer, s) in &seen {
            assert_eq!(v.pointer(pointer), Some(&serde_json::json!(s)), "{pointer}");
        }
        // The deepest string (`/A/B/1/D/0`) is five steps below the top: the trail never
        // held more than those and the top.
        assert_eq!(longest, 6);
        let (mut lines, mut longest) = (Vec::new(), 0);
        command_lines(&v, &mut Trail::new(""), 0, &mut |trail, at, line| {
            longest = longest.max(trail.steps.len());
            lines.push((trail.pointer(at), line));
        });
        // `["three", "four"]` has no dash, nor has any other list: no command line.
        assert!(lines.is_empty(), "{lines:?}");
        assert_eq!(longest, 0, "no line was read");
        let v = serde_json::json!({
            "A": { "B": ["one", { "C": "two", "D": ["three", "-four"] }], "E": "five" },
            "F": [[["six"]], { "Fn::Join": ["", ["sev", "-en"]] }],
        });
        let (mut lines, mut longest) = (Vec::new(), 0);
        command_lines(&v, &mut Trail::new(""), 0, &mut |trail, at, line| {
            longest = longest.max(trail.steps.len());
            lines.push((trail.pointer(at), line));
        });
        // An item an intrinsic writes is read as its text; one that cannot be known is a
        // variable, without a dash.
        assert_eq!(
            lines,
            [
                ("/A/B/1/D".to_owned(), "three -four".to_owned()),
                ("/F".to_owned(), "${…} sev-en".to_owned()),
                ("/F/1/Fn::Join/1".to_owned(), "sev -en".to_owned())
            ]
        );
        assert_eq!(longest, 5, "a line is read where it is, below the top");
    }

    #[test]
    fn command_lists_and_scripts_are_read_as_lines() {
        let mut lines = Vec::new();
        command_lines(
            &serde_json::json!({
                "Command": ["curl", "-u", { "Fn::Sub": "admin:hunter2" }, { "Ref": "Url" }],
                "One": ["mysql -p"],
                "Nested": [{ "Args": ["sshpass", "-p"] }],
                // Every word with a dash: read as a line all the same.
                "Dashed": ["redis-cli", "-a", "s3-cret"],
                // Plain words without a dash pass no flag: not read.
                "Actions": ["s3:GetObject", "s3:PutObject"],
                // A tool given a password as an operand, without a dash: read.
                "Cmd": ["mkpasswd", "hunter2"],
                "Vault": ["vault", "login", "s.token"],
                // A script's lines, of one item too, joined by line ends.
                "runCommand": ["echo 'app:hunter2' > /tmp/p", "chpasswd < /tmp/p"],
                "EntryPoint": ["/start"],
                // One item of any other list: not a line.
                "Names": ["a b"],
            }),
            &mut Trail::new(""),
            0,
            &mut |trail, at, line| lines.push((trail.pointer(at), line)),
        );
        lines.sort();
        assert_eq!(
            lines,
            [
                ("/Cmd".to_owned(), "mkpasswd hunter2".to_owned()),
                (
                    "/Command".to_owned(),
                    "curl -u admin:hunter2 ${…}".to_owned()
                ),
                ("/Dashed".to_owned(), "redis-cli -a s3-cret".to_owned()),
                ("/EntryPoint".to_owned(), "/start".to_owned()),
                ("/Nested/0/Args".to_owned(), "sshpass -p".to_owned()),
                ("/Vault".to_owned(), "vault login s.token".to_owned()),
                (
                    "/runCommand".to_owned(),
                    "echo 'app:hunter2' > /tmp/p\nchpasswd < /tmp/p".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn secrets_are_recognised_in_their_spellings() {
        assert!(assignment("export DB_PASSWORD=hunter2").is_some());
        assert!(assignment("password: 's3cret'").is_some());
        assert!(assignment("mysql --password hunter2").is_some());
        assert!(assignment("export DB_PASSWORD=$(aws secretsmanager get-secret-value)").is_none());
        // A name whose last word is an id, an ARN or a name names a secret (hostile review 19).
        for named in [
            "get_secret_value(SecretId=\"db\")",
            "SECRET_ARN=arn:aws:secretsmanager:us-east-1:111122223333:secret:db",
            "token-name: api",
        ] {
            assert!(assignment(named).is_none(), "{named}");
        }
        for written in [
            "DB_SECRET=hunter2",
            "SecretIdentity=hunter2",
            "ID_TOKEN=abc123",
        ] {
            assert!(assignment(written).is_some(), "{written}");
        }
        // PowerShell: a fetch at boot is read from its parenthesis on; anything else in
        // parentheses is an assignment of what it gives.
        for fetched in [
            "$env:PGPASSWORD = (aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)",
            "$DbPassword = (Get-SECSecretValue -SecretId db).SecretString",
            "$ENV:API_TOKEN=(AWS  SSM  get-parameters-by-path --path /app)",
        ] {
            assert!(powershell_fetched(fetched).is_some(), "{fetched}");
            assert!(user_data_assignment(fetched).is_none(), "{fetched}");
        }
        for written in [
            "$env:PGPASSWORD = ('hunter2')",
            "$env:PGPASSWORD = (Write-Output 'x')",
            "$env:PGPASSWORD = (ConvertTo-SecureString 'hunter2' -AsPlainText -Force)",
            "$env:PGPASSWORD = (aws secretsmanager create-secret --secret-string hunter2)",
            "PGPASSWORD=(aws secretsmanager get-secret-value)",
        ] {
            assert!(powershell_fetched(written).is_none(), "{written}");
            assert!(user_data_assignment(written).is_some(), "{written}");
        }
        // What the fetch is given is still read.
        assert!(
            user_data_assignment("$X = (Get-SECSecretValue -SecretId db password=hunter2)")
                .is_some()
        );
        assert!(assignment("yum install -y nginx").is_none());
        assert!(secret_name("DB_PASSWORD"));
        assert!(secret_name("ApiToken"));
        assert!(!secret_name("DB_SECRET_ARN"));
        assert!(!secret_name("SecretId"));
        assert!(!secret_property("HttpTokens"));
        assert!(secret_property("MasterUserPassword"));
        assert!(secret_property("AuthToken"));
        assert!(credential_text("AKIAABCDEFGHIJKLMNOP").is_some());
        assert!(credential_text("-----BEGIN RSA PRIVATE KEY-----").is_some());
        assert_eq!(
            base64("cGFzc3dvcmQ9aHVudGVyMg==").as_deref(),
            Some("password=hunter2")
        );
        assert_eq!(base64("YWJj").as_deref(), Some("abc"));
        assert_eq!(base64("not base64!"), None);
    }

    #[test]
    fn credentials_assignments_and_encodings_are_read_exactly() {
        assert!(credential_text("ASIAABCDEFGHIJKLMNOP").is_some());
        assert!(credential_text("key AKIA0123456789ABCDEF end").is_some());
        assert!(credential_text("AKIAabcdefghijklmnop").is_none());
        assert_eq!(
            credential_text("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            Some("a GitHub token")
        );
        assert_eq!(credential_text("ghp_short"), None);
        assert_eq!(
            credential_text("x ghp_ then ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            Some("a GitHub token")
        );
        assert_eq!(
            credential_text("pay with sk_live_abcdefghijklmnop"),
            Some("a Stripe secret key")
        );
        assert_eq!(credential_text("sk_live_abcdefghijklmno"), None);
        assert_eq!(
            credential_text("Authorization: Bearer abcdefghij0123456789"),
            Some("an HTTP bearer token")
        );
        assert_eq!(credential_text("Basic monitoring of the servers"), None);
        assert_eq!(
            credential_text("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123def456 end"),
            Some("a JSON Web Token")
        );
        assert_eq!(
            credential_text("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.short"),
            None
        );
        // Base64url writes `-` and `_`: a token with both is one word.
        assert_eq!(
            credential_text("(eyJhbGci-OiJIUzI1NiJ9.eyJzdWIi_OiIxIn0.abc-123_def456)"),
            Some("a JSON Web Token")
        );
        assert_eq!(
            credential_text("eyJhbGciOiJIUzI1NiJ9.notjson.abc123def456"),
            None
        );
        assert_eq!(credential_text("a.eyJx.eyJy.abc123def456"), None);
        assert!(credential_text("AKIA0123").is_none());
        assert!(credential_text("-----BEGIN CERTIFICATE-----").is_none());
        assert!(assignment("password=<placeholder>").is_none());
        assert!(assignment("password=$DB").is_none());
        assert!(assignment("password=").is_none());
        assert!(assignment("password = ''").is_none());
        assert!(assignment("token: abc").is_some());
        assert!(assignment("PASSWD=x").is_some());
        assert!(assignment("--token abc").is_some());
        assert!(assignment("--token-file /x").is_none());
        assert!(assignment("token abc").is_none());
        assert!(assignment("the password is long").is_none());
        assert!(assignment("secret_key = \"abc\"").is_some());
        assert!(dynamic_reference("{{resolve:secretsmanager:db}}"));
        assert!(dynamic_reference(" {{resolve:ssm-secure:/db:1}}"));
        assert!(!dynamic_reference("{{resolve:ssm:/db}}"));
        assert!(!dynamic_reference("hunter2"));
        assert_eq!(base64("YQ==").as_deref(), Some("a"));
        assert_eq!(base64("YWI=").as_deref(), Some("ab"));
        assert_eq!(base64("YW Jj").as_deref(), Some("abc"));
        assert_eq!(base64("YW!="), None);
        assert_eq!(base64("YWJ"), None);
        assert_eq!(base64(""), None);
        assert_eq!(base64("Pz8/").as_deref(), Some("???"));
        assert_eq!(base64("Pj4+").as_deref(), Some(">>>"));
        assert!(assignment("password=\nhunter").is_none());
        assert!(assignment("password=<x> token=$Y").is_none());
        assert_eq!(
            assignment("password=hunter2").as_deref(),
            Some("password…=h…")
        );
        assert_eq!(user_data_text(&serde_json::json!("YWJj")), "abc");
        assert_eq!(user_data_text(&serde_json::json!("#!/bin/sh")), "#!/bin/sh");
        assert_eq!(
            user_data_text(&serde_json::json!({ "Fn::Base64": "x=1" })),
            "x=1"
        );
        for name in [
            "DB_PASSWD",
            "PASSPHRASE",
            "MYSQL_PWD",
            "CLIENT_SECRET",
            "API_TOKEN",
            "APIKEY",
            "PRIVATE_KEY",
            "CREDENTIALS",
            "ACCESS_KEY",
        ] {
            assert!(secret_name(name), "{name}");
        }
        for name in [
            "SECRET_ARN",
            "TOKEN_NAME",
            "PASSWORD_LENGTH",
            "KEY_ID",
            "MODE",
        ] {
            assert!(!secret_name(name), "{name}");
        }
        for name in [
            "Password",
            "Passwd",
            "Passphrase",
            "SecretString",
            "AuthToken",
            "SecretAccessKey",
            "PrivateKey",
            "ApiKey",
            "ClientSecret",
        ] {
            assert!(secret_property(name), "{name}");
        }
        for name in [
            "SecretStringTemplate",
            "PasswordPolicy",
            "HttpTokens",
            "TokenType",
            "AuthTokenEnabled",
            "ApiKeyRequired",
            "Secret",
        ] {
            assert!(!secret_property(name), "{name}");
        }
        assert_eq!(squash("Db_Pass-Word"), "dbpassword");
        // A name longer than the buffer on the stack is read whole all the same.
        let long = format!("{}_Pass-Word", "Setting".repeat(10));
        assert!(secret_property(&long) && secret_property(&format!("{long}s")));
        assert!(!secret_property(&format!("{long}_Arn")));
        assert_eq!(
            with_squashed(&format!("{}Pass_Word", "x".repeat(61)), str::to_owned),
            format!("{}password", "x".repeat(61))
        );
        assert!(reference_name("secretarn"));
        assert!(!reference_name("password"));
    }

    #[test]
    fn secrets_spelled_otherwise_are_recognised() {
        // Abbreviations count as words of their own only.
        assert_eq!(words("dbPass_WORD-x"), ["db", "pass", "word", "x"]);
        assert_eq!(words("DB_PW"), ["db", "pw"]);
        assert!(secret_name("DB_PW") && secret_name("dbPass") && secret_name("PG_PSWD"));
        for name in [
            "PASSENGER",
            "COMPASS",
            "PW_POLICY_URL",
            "DB_HOST",
            "SECRET_URI",
        ] {
            assert!(!secret_name(name), "{name}");
        }
        // Passwords in the user information of a URL.
        assert!(url_password("postgres://app:hunter2@db:5432/ehr"));
        assert!(url_password("x redis://:s3cret@cache:6379 y"));
        assert!(url_password("see https://example.com then mysql://u:p@h/d"));
        for text in [
            "postgres://app@db/ehr",
            "https://example.com/a:b@c",
            "postgres://app:${DB_PASSWORD}@db/ehr",
            "postgres://app:$PW@db/ehr",
            "postgres://app:<password>@db/ehr",
            "postgres://app:@db/ehr",
            "no url",
            // Where the authority ends: a path, a query, a fragment, white space, a quote.
            "https://host?x=a:b@c",
            "https://host#a:b@c",
            "https://host and a:b@c",
            "https://host\"a:b@c",
            "https://host'a:b@c",
        ] {
            assert!(!url_password(text), "{text}");
        }
        assert_eq!(
            credential_text("amqp://u:pw@h"),
            Some("a password in a URL (`scheme://user:password@host`)")
        );
        // `NAME=value` in prose, not `name: value`.
        assert!(equals_assignment("servers; DB_PASSWORD=hunter2"));
        assert!(!equals_assignment("rotate the password: every 30 days"));
        // The text an intrinsic writes itself.
        assert_eq!(without_variables("a${B}c${!D}e${F"), "ac${D}e");
        let parts = |v: Value| {
            let mut p = literal_parts(&v);
            p.sort();
            p
        };
        assert_eq!(
            parts(serde_json::json!({"Fn::Sub": ["x${A}y", {"A": "z", "B": {"Ref": "R"}}]})),
            ["xy", "z"]
        );
        assert_eq!(
            parts(serde_json::json!({"Fn::Join": ["-", ["a", {"Fn::GetAtt": ["R", "Arn"]}]]})),
            ["a"]
        );
        assert_eq!(
            parts(
                serde_json::json!({"Fn::If": ["C", {"Fn::Select": [0, ["s"]]}, {"Fn::Split": [",", "t"]}]})
            ),
            ["s", "t"]
        );
        assert_eq!(
            parts(serde_json::json!({"Fn::Base64": {"Fn::ImportValue": "x"}})),
            Vec::<String>::new()
        );
        assert_eq!(parts(serde_json::json!({"a": 1, "b": ["c"]})), ["1", "c"]);
        assert!(writes_text(
            &serde_json::json!({"Fn::Sub": "pw${AWS::Region}"})
        ));
        assert!(!writes_text(
            &serde_json::json!({"Fn::Sub": "${AWS::Region}"})
        ));
        assert!(!writes_text(
            &serde_json::json!({"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": "S"}, "}}"]]})
        ));
        assert!(!writes_text(
            &serde_json::json!({"Fn::Sub": "{{resolve:ssm-secure:/p}}"})
        ));
        // Secret attributes, by name and in each spelling of a reference.
        assert!(secret_attribute("SecretAccessKey") && !secret_attribute("SecretArn"));
        for v in [
            serde_json::json!({"V": {"Fn::GetAtt": ["K", "SecretAccessKey"]}}),
            serde_json::json!({"V": [{"Fn::GetAtt": "K.SecretAccessKey"}]}),
            serde_json::json!({"V": {"Fn::Sub": ["a${K.SecretAccessKey}", {}]}}),
            serde_json::json!({"V": {"Fn::Sub": "${X.Arn}${K.SecretAccessKey}"}}),
        ] {
            let (pointer, attribute) = secret_attribute_use(&v).expect("found");
            assert!(pointer.starts_with("/V"), "{pointer}");
            assert_eq!(attribute, "SecretAccessKey");
        }
        assert_eq!(
            secret_attribute_use(
                &serde_json::json!({"V": {"Fn::GetAtt": ["K", "Arn"]}, "W": {"Fn::Sub": "${K.Arn}"}})
            ),
            None
        );
        // Named values are those of properties, not of intrinsics' arguments.
        let v = serde_json::json!({"A": {"Fn::Sub": "x"}, "B": [{"C~/": 1}]});
        let (trail, named) = named_values(&v, |_, _| true);
        let mut names: Vec<(String, String)> = named
            .into_iter()
            .map(|(at, n, _)| (trail.pointer(at), n.to_owned()))
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ("/A".to_owned(), "A".to_owned()),
                ("/B".to_owned(), "B".to_owned()),
                ("/B/0/C~0~1".to_owned(), "C~/".to_owned())
            ]
        );
        // Only the values kept.
        let (trail, named) = named_values(&v, |name, value| name != "A" && value.is_number());
        let named: Vec<(String, &str)> = named
            .into_iter()
            .map(|(at, n, _)| (trail.pointer(at), n))
            .collect();
        assert_eq!(named, [("/B/0/C~0~1".to_owned(), "C~/")]);
        // A transform anywhere, with the pointer of the object that holds it.
        assert_eq!(
            transform_at(
                &serde_json::json!({"A": [{"Fn::Transform": {}}]}),
                "/Properties"
            ),
            Some("/Properties/A/0".to_owned())
        );
        assert_eq!(
            transform_at(&serde_json::json!({"A": ["Fn::Transform"]}), ""),
            None
        );
    }

    #[test]
    fn namespaces_are_read_from_types() {
        assert_eq!(namespace("Custom::Seeder"), Some("CloudFormation"));
        assert_eq!(namespace("AWS::S3::Bucket"), Some("S3"));
        assert_eq!(namespace("AWS::S3"), None);
        assert_eq!(namespace("AWS::S3::Bucket::Extra"), None);
        assert_eq!(namespace("Foo::S3::Bucket"), None);
        assert_eq!(
            eligible_service("AWS::Organizations::Account"),
            Some("account configuration (no customer content)")
        );
        assert_eq!(
            eligible_service("AWS::Lambda::Function"),
            Some("AWS Lambda")
        );
    }

    #[test]
    fn eligible_services_are_found_by_namespace() {
        assert_eq!(eligible_service("AWS::S3::Bucket"), Some("Amazon S3"));
        assert!(eligible_service("AWS::IAM::Role").is_some());
        assert!(eligible_service("Custom::Thing").is_some());
        assert_eq!(eligible_service("AWS::GameLift::Fleet"), None);
        assert_eq!(eligible_service("AWS::GroundStation::Config"), None);
        assert_eq!(eligible_service("AWS::S3"), None);
    }
}

#[cfg(test)]
mod hostile_review_10 {
    use crate::compliance::Status;
    use crate::prelude::*;
    use serde_json::{Value, json};

    /// The status of `rule` on `target` in an app of `resources` (raw resources), or
    /// `None` where the rule gives none.
    fn status(resources: Value, rule: &str, target: &str) -> Option<Status> {
        let resources: Vec<(&str, &str, Value)> = resources
            .as_object()
            .unwrap()
            .iter()
            .map(|(id, spec)| {
                let properties = spec.get("Properties").cloned().unwrap_or(json!({}));
                (id.as_str(), spec["Type"].as_str().unwrap(), properties)
            })
            .collect();
        crate::testing::status_of(&crate::testing::checked_raw(&resources), rule, target)
    }

    fn function() -> Value {
        json!({"Type": "AWS::Lambda::Function", "Properties": {
            "Role": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/seed"},
            "Runtime": "python3.12", "Handler": "index.handler",
            "Code": {"ZipFile": "def handler(e, c): pass"}}})
    }

    #[test]
    fn a_service_token_is_the_apps_handler_only_as_a_whole() {
        for token in [
            json!({"Fn::Join": [":", ["arn:aws:lambda:us-east-1:999999999999:function", {"Ref": "Fn"}]]}),
            json!({"Fn::Sub": "arn:aws:lambda:${AWS::Region}:999999999999:function:${Fn}"}),
            json!({"Fn::Select": [1, [{"Fn::GetAtt": ["Fn", "Arn"]}, "arn:aws:lambda:us-east-1:999999999999:function:x"]]}),
            json!({"Fn::Sub": ["arn:aws:lambda:us-east-1:${AWS::AccountId}:function:x", {"AWS::AccountId": "999999999999"}]}),
        ] {
            let resources = json!({"Fn": function(), "C": {"Type": "Custom::Seed", "Properties": {"ServiceToken": token}}});
            assert!(
                matches!(status(resources, "H1", "C"), Some(Status::Gap { .. })),
                "{token}"
            );
        }
        for token in [
            json!({"Fn::GetAtt": ["Fn", "Arn"]}),
            json!({"Fn::Sub": "${Fn.Arn}"}),
            json!({"Fn::Select": [0, [{"Fn::GetAtt": ["Fn", "Arn"]}, "arn:aws:lambda:us-east-1:999999999999:function:x"]]}),
            json!({"Fn::Sub": "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:seed"}),
        ] {
            let resources = json!({"Fn": function(), "C": {"Type": "Custom::Seed", "Properties": {"ServiceToken": token}}});
            assert!(
                matches!(status(resources, "H1", "C"), Some(Status::Enforced { .. })),
                "{token}"
            );
        }
        // The custom resource's type in another case is still read as one.
        let resources = json!({"C": {"Type": "AWS::CloudFormation::customResource",
            "Properties": {"ServiceToken": "arn:aws:sns:us-east-1:999999999999:vendor"}}});
        assert!(matches!(
            status(resources.clone(), "H1", "C"),
            Some(Status::Gap { .. })
        ));
        assert!(matches!(
            status(resources, "U2", "C"),
            Some(Status::Failed { .. })
        ));
    }

    #[test]
    fn types_that_deploy_what_the_rules_never_read_are_named() {
        for t in [
            "AWS::Serverless::Function",
            "AWS::serverless::SimpleTable",
            "MyOrg::Storage::Bucket::MODULE",
            "MyOrg::Storage::Bucket::module",
            "AWS::S3::Bucket ",
            " AWS::S3::Bucket",
            "AWS::S3::Bucket\u{200b}",
            "AWS::S3::Buckеt",
            "aws::Foo::Bar",
            "AWS::S3",
            "custom::Seed",
            "Custom::Seed::Inner",
            "Custom::a b",
        ] {
            assert!(super::unread_type(t).is_some(), "{t:?}");
        }
        for t in [
            "AWS::S3::Bucket",
            "AWS::CloudFormation::CustomResource",
            "Custom::Seed_v2@team-a",
            "MyOrg::Storage::Bucket",
        ] {
            assert_eq!(super::unread_type(t), None, "{t:?}");
        }
        for t in ["AWS::Serverless::Function", "AWS::Serverless::Api"] {
            let resources = json!({"R": {"Type": t, "Properties": {"Name": "x"}}});
            let Some(Status::Failed { finding }) = status(resources, "U2", "R") else {
                panic!("{t}: U2 does not fail");
            };
            assert!(finding.contains("`AWS::Serverless` transform"), "{finding}");
        }
    }

    #[test]
    fn an_intrinsic_function_beside_other_keys_is_unreadable() {
        for properties in [
            json!({"/BucketEncryption/Fn::If": ["C", {"Ref": "AWS::NoValue"}, {"Ref": "AWS::NoValue"}],
                   "/BucketEncryption/ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}),
            json!({"/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/KMSMasterKeyID":
                   {"Ref": "K", "Fn::Sub": "alias/aws/s3"}}),
        ] {
            let resources = json!({"B": {"Type": "AWS::S3::Bucket", "Properties": properties}});
            let Some(Status::Failed { finding }) = status(resources, "U2", "B") else {
                panic!("{properties}: U2 does not fail");
            };
            assert!(
                finding.starts_with("`/Properties/BucketEncryption"),
                "{finding}"
            );
            assert!(finding.contains("beside other keys"), "{finding}");
        }
        assert_eq!(
            super::super::branches::intrinsic_beside_keys(
                &json!({"a/b": [{"x": 1}, {"Ref": "Q", "y": 2}]}),
                "/P"
            ),
            Some(("/P/a~1b/1".to_owned(), "Ref".to_owned()))
        );
        for malformed in [
            json!({"A": [{"Fn::If": ["C", 1]}]}),
            json!({"A": {"Fn::If": [{"Ref": "C"}, 1, 2]}}),
            json!({"A": {"Fn::If": "C"}}),
        ] {
            assert_eq!(
                super::super::branches::malformed_if(&malformed, "/P").as_deref(),
                Some(if malformed["A"].is_array() {
                    "/P/A/0"
                } else {
                    "/P/A"
                }),
                "{malformed}"
            );
        }
        assert_eq!(
            super::super::branches::malformed_if(&json!({"A": {"Fn::If": ["C", 1, 2]}}), ""),
            None
        );
        let resources = json!({"B": {"Type": "AWS::S3::Bucket", "Properties": {
            "/VersioningConfiguration/Status": {"Fn::If": ["Prod", "Enabled"]}}}});
        let Some(Status::Failed { finding }) = status(resources, "U2", "B") else {
            panic!("U2 does not fail a malformed Fn::If");
        };
        assert!(
            finding.contains("`/Properties/VersioningConfiguration/Status`"),
            "{finding}"
        );
        assert_eq!(
            super::super::branches::intrinsic_beside_keys(
                &json!({"A": {"Fn::Transform": {"Name": "AWS::Include"}, "B": 1}, "C": {"Ref": "X"}}),
                ""
            ),
            None
        );
    }

    #[test]
    fn an_output_of_an_attribute_named_like_a_secret_is_a_plain_text_secret() {
        for (attribute, secret) in [
            ("DbPass", true),
            ("Passphrase", true),
            ("AdminPwd", true),
            ("Arn", false),
            ("Endpoint.Address", false),
        ] {
            let app = App::new("hostile");
            let stack = app.stack("hostile").unwrap();
            let seed = stack
                .add(
                    RawResource::new("Seed", "Custom::Seed")
                        .property(
                            "ServiceToken",
                            json!({"Fn::Sub": "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:seed"}),
                        ),
                )
                .unwrap();
            stack.output("Out", seed.attribute(attribute)).unwrap();
            let assembly = app.check().unwrap();
            let p1 = assembly
                .evaluation()
                .results
                .iter()
                .find(|c| c.rule == "P1" && &*c.logical_id == "Seed")
                .map(|c| c.status.clone());
            match p1 {
                Some(Status::Failed { finding }) if secret => {
                    assert!(finding.contains("output `Out`"), "{finding}");
                }
                Some(Status::Enforced { .. }) if !secret => {}
                other => panic!("{attribute}: {other:?}"),
            }
        }
    }

    #[test]
    fn an_attribute_named_like_a_secret_copied_into_a_property_is_a_plain_text_secret() {
        let seed = json!({"Type": "Custom::Seed", "Properties": {"ServiceToken": {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:seed"}}});
        for (value, secret) in [
            (json!({"Fn::GetAtt": ["Seed", "DbPass"]}), true),
            (
                json!({"Fn::Sub": "postgres://app:${Seed.AdminPwd}@db"}),
                true,
            ),
            (json!({"Fn::GetAtt": ["Seed", "Endpoint"]}), false),
            (json!({"Fn::GetAtt": ["Seed", "SecretArn"]}), false),
        ] {
            let resources = json!({"Seed": seed, "Q": {"Type": "AWS::SQS::Queue",
                "Properties": {"Tags": [{"Key": "db", "Value": value}]}}});
            let found = status(resources, "P1", "Q");
            match found {
                Some(Status::Failed { finding }) if secret => {
                    assert!(finding.contains("copies the attribute"), "{finding}");
                }
                Some(Status::Enforced { .. }) if !secret => {}
                other => panic!("{value}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_command_that_deploys_a_template_is_a_nested_stack() {
        for (t, properties) in [
            (
                "AWS::SSM::Document",
                json!({"DocumentType": "Command", "Content": {"schemaVersion": "2.2", "mainSteps": [{"action": "aws:runShellScript", "name": "d", "inputs": {"runCommand": ["AWS   CloudFormation \\\n deploy --template-file t.yaml --stack-name x"]}}]}}),
            ),
            (
                "AWS::SSM::Document",
                json!({"DocumentType": "Automation", "Content": {"schemaVersion": "0.3", "mainSteps": [{"action": "aws:executeAwsApi", "name": "d", "inputs": {"Service": "cloudformation", "Api": "CreateStack", "StackName": "x"}}]}}),
            ),
            (
                "AWS::SSM::Document",
                json!({"DocumentType": "Command", "Content": "mainSteps:\n- action: aws:runPowerShellScript\n  inputs:\n    runCommand:\n    - New-CFNStack -StackName x -TemplateURL $u"}),
            ),
            (
                "AWS::CodeBuild::Project",
                json!({"Source": {"Type": "NO_SOURCE", "BuildSpec": "phases:\n  build:\n    commands:\n      - sam deploy --no-confirm-changeset"}}),
            ),
            (
                "AWS::CodeBuild::Project",
                json!({"Source": {"Type": "NO_SOURCE", "BuildSpec": "phases:\n  build:\n    commands:\n      - npx cdk deploy --all"}}),
            ),
            (
                "AWS::Lambda::Function",
                json!({"Code": {"ZipFile": "cf = boto3.client('cloudformation')\ncf.create_change_set(StackName='x')"}}),
            ),
            (
                "AWS::Amplify::App",
                json!({"Name": "portal", "BuildSpec": "version: 1\nbackend:\n  phases:\n    build:\n      commands:\n        - amplifyPush --simple"}),
            ),
            (
                "AWS::SSM::Association",
                json!({"Name": "AWS-RunShellScript", "Parameters": {"commands": ["aws cloudformation update-stack-set --stack-set-name x"]}}),
            ),
            (
                "AWS::StepFunctions::StateMachine",
                json!({"RoleArn": "arn:aws:iam::123456789012:role/sfn", "Definition": {"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:cloudformation:createStack", "Parameters": {"StackName": "x", "TemplateUrl": "https://x"}, "End": true}}}}),
            ),
            (
                "AWS::Scheduler::Schedule",
                json!({"ScheduleExpression": "rate(1 day)", "FlexibleTimeWindow": {"Mode": "OFF"}, "Target": {"Arn": "arn:aws:scheduler:::aws-sdk:cloudformation:updateStack", "RoleArn": "arn:aws:iam::123456789012:role/s", "Input": "{}"}}),
            ),
            (
                "AWS::ECS::TaskDefinition",
                json!({"ContainerDefinitions": [{"Name": "d", "Image": "amazon/aws-cli", "Command": ["cloudformation", "deploy", "--template-file", "t.yaml", "--stack-name", "x"]}]}),
            ),
            (
                "AWS::EC2::Instance",
                json!({"UserData": {"Fn::Base64": {"Fn::Sub": "#!/bin/sh\naws cloudformation create-stack --stack-name ${AWS::StackName}-side"}}}),
            ),
            // User data written as base64 text, as EC2 takes it, is read decoded.
            (
                "AWS::EC2::Instance",
                json!({"UserData": "IyEvYmluL3NoCmF3cyBjbG91ZGZvcm1hdGlvbiBjcmVhdGUtc3RhY2sgLS1zdGFjay1uYW1lIHNpZGUgLS10ZW1wbGF0ZS11cmwgaHR0cHM6Ly94Cg=="}),
            ),
            (
                "AWS::AutoScaling::LaunchConfiguration",
                json!({"UserData": "IyEvYmluL3NoCmF3cyBjbG91ZGZvcm1hdGlvbiBjcmVhdGUtc3RhY2sgLS1zdGFjay1uYW1lIHNpZGUgLS10ZW1wbGF0ZS11cmwgaHR0cHM6Ly94Cg=="}),
            ),
            (
                "AWS::EC2::SpotFleet",
                json!({"SpotFleetRequestConfigData": {"LaunchSpecifications": [{"UserData": "IyEvYmluL3NoCmF3cyBjbG91ZGZvcm1hdGlvbiBjcmVhdGUtc3RhY2sgLS1zdGFjay1uYW1lIHNpZGUgLS10ZW1wbGF0ZS11cmwgaHR0cHM6Ly94Cg=="}]}}),
            ),
        ] {
            let resources = json!({"R": {"Type": t, "Properties": properties}});
            let Some(Status::Failed { finding }) = status(resources, "U2", "R") else {
                panic!("{t} {properties}: U2 does not fail");
            };
            assert!(
                finding.contains("deploys a CloudFormation template"),
                "{finding}"
            );
        }
        for (t, properties) in [
            (
                "AWS::CodeBuild::Project",
                json!({"Source": {"Type": "NO_SOURCE", "BuildSpec": "phases:\n  build:\n    commands:\n      - aws cloudformation describe-stacks # Sam deployed it"}}),
            ),
            (
                "AWS::Lambda::Function",
                json!({"Code": {"ZipFile": "def create_stack(items): return list(items)"}}),
            ),
            (
                "AWS::SQS::Queue",
                json!({"QueueName": "aws-cloudformation-deploy"}),
            ),
        ] {
            let resources = json!({"R": {"Type": t, "Properties": properties}});
            assert_eq!(status(resources, "U2", "R"), None, "{t} {properties}");
        }
    }
}

#[cfg(test)]
mod scripts_as_text {
    use super::*;
    use serde_json::json;

    fn p1_of(id: &str, type_name: &str, properties: Value) -> Outcome {
        Cx::check_first(p1, &[(id, type_name, properties)])
    }

    fn build(spec: &str) -> Value {
        json!({"Source": {"Type": "NO_SOURCE", "BuildSpec": spec}})
    }

    #[test]
    fn a_script_written_as_one_text_is_read_as_user_data_is() {
        let ssm_yaml = |line: &str| json!({"DocumentType": "Command", "DocumentFormat": "YAML", "Content": format!("schemaVersion: '2.2'\nmainSteps:\n- action: aws:runShellScript\n  name: run\n  inputs:\n    runCommand:\n    - {line}\n")});
        let failing: Vec<(&str, &str, Value)> = vec![
            (
                "A",
                "AWS::CodeBuild::Project",
                build(
                    "version: 0.2\nphases:\n  build:\n    commands:\n      - echo 'admin:Hunter2pw' | chpasswd\n",
                ),
            ),
            (
                "B",
                "AWS::CodeBuild::Project",
                build(
                    "version: 0.2\nenv:\n  variables:\n    DB_PASSWORD: Hunter2pw\nphases:\n  build:\n    commands:\n      - make\n",
                ),
            ),
            (
                "B2",
                "AWS::CodeBuild::Project",
                json!({"Source": {"Type": "NO_SOURCE", "BuildSpec": "version: 0.2"}, "SecondarySources": [{"Type": "NO_SOURCE", "SourceIdentifier": "s", "BuildSpec": "phases:\n  build:\n    commands:\n      - \"echo 'admin:Hunter2pw' | chpasswd\"\n"}]}),
            ),
            (
                "C",
                "AWS::SSM::Document",
                ssm_yaml("echo 'admin:Hunter2pw' | chpasswd"),
            ),
            (
                "C2",
                "AWS::SSM::Document",
                json!({"DocumentType": "Command", "Content": {"Fn::Sub": "{\"schemaVersion\": \"2.2\", \"mainSteps\": [{\"action\": \"aws:runShellScript\", \"name\": \"run\", \"inputs\": {\"runCommand\": [\"echo 'admin:Hunter2pw' | chpasswd\"]}}]}"}}),
            ),
            (
                "C3",
                "AWS::SSM::Document",
                ssm_yaml(
                    "echo '{{resolve:secretsmanager:db:SecretString:password}}' | docker login -u admin --password-stdin",
                ),
            ),
            (
                "H",
                "AWS::ImageBuilder::Component",
                json!({"Name": "c", "Platform": "Linux", "Version": "1.0.0", "Data": "name: c\nschemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: s\n        action: ExecuteBash\n        inputs:\n          commands:\n            - echo 'admin:Hunter2pw' | chpasswd\n"}),
            ),
            (
                "K",
                "AWS::SageMaker::NotebookInstanceLifecycleConfig",
                json!({"OnStart": [{"Content": {"Fn::Base64": "#!/bin/bash\necho 'admin:Hunter2pw' | chpasswd\n"}}]}),
            ),
            (
                "K2",
                "AWS::SageMaker::NotebookInstanceLifecycleConfig",
                json!({"OnCreate": [{"Content": "IyEvYmluL2Jhc2gKZWNobyAnYWRtaW46SHVudGVyMnB3JyB8IGNocGFzc3dkCg=="}]}),
            ),
            (
                "L",
                "AWS::Amplify::App",
                json!({"Name": "a", "BuildSpec": "version: 1\nfrontend:\n  phases:\n    build:\n      commands:\n        - echo 'admin:Hunter2pw' | chpasswd\n"}),
            ),
            (
                "N",
                "AWS::AppRunner::Service",
                json!({"SourceConfiguration": {"CodeRepository": {"RepositoryUrl": "https://github.com/x/y", "SourceCodeVersion": {"Type": "BRANCH", "Value": "main"}, "CodeConfiguration": {"ConfigurationSource": "API", "CodeConfigurationValues": {"Runtime": "PYTHON_3", "BuildCommand": "echo 'admin:Hunter2pw' | chpasswd"}}}}}),
            ),
        ];
        for (id, t, p) in failing {
            let found = p1_of(id, t, p);
            assert!(
                matches!(&found, Outcome::Fail(why) if why.contains("is a script")),
                "{id}: {found:?}"
            );
        }
        // What names a secret, a document's own parameters and prose hold none.
        let passing: Vec<(&str, &str, Value)> = vec![
            (
                "P",
                "AWS::CodeBuild::Project",
                build(
                    "version: 0.2\nenv:\n  secrets-manager:\n    DB_PASSWORD: prod/db:password\n  parameter-store:\n    API_TOKEN: /prod/api/token\nphases:\n  build:\n    commands:\n      - echo \"$DB_PASSWORD\" | docker login -u app --password-stdin\n",
                ),
            ),
            (
                "Q",
                "AWS::SSM::Document",
                json!({"DocumentType": "Command", "DocumentFormat": "YAML", "Content": "schemaVersion: '2.2'\ndescription: 'password: rotated by this document'\nparameters:\n  Password:\n    type: String\n    description: the new password\nmainSteps:\n- action: aws:runShellScript\n  name: run\n  inputs:\n    runCommand:\n    - echo \"admin:{{ Password }}\" | chpasswd\n"}),
            ),
            (
                "R",
                "AWS::CodeBuild::Project",
                build(
                    "version: 0.2\nphases:\n  build:\n    commands:\n      - echo \"install msmtp\"\n      - dnf install -y msmtp fetchmail\n",
                ),
            ),
        ];
        for (id, t, p) in passing {
            let found = p1_of(id, t, p);
            assert!(matches!(found, Outcome::Pass(_)), "{id}: {found:?}");
        }
    }

    #[test]
    fn a_list_an_intrinsic_stands_for_is_read_as_its_property_s() {
        let task = |command: Value| json!({"ContainerDefinitions": [{"Name": "a", "Image": "x", "Command": command}]});
        let document = |commands: Value| json!({"DocumentType": "Command", "Content": {"schemaVersion": "2.2", "mainSteps": [{"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": commands}}]}});
        for (t, p) in [
            (
                "AWS::ECS::TaskDefinition",
                task(
                    json!(["sh", "-c", {"Fn::Join": ["", ["echo 'admin:", "Hunter2pw' | chpasswd"]]}]),
                ),
            ),
            (
                "AWS::ECS::TaskDefinition",
                task(json!(["mysql", "-u", "root", {"Fn::Join": ["", ["-p", "Hunter2pw"]]}])),
            ),
            (
                "AWS::ECS::TaskDefinition",
                task(json!({"Fn::Split": [" ", "mysql -u root -pHunter2pw"]})),
            ),
            (
                "AWS::ECS::TaskDefinition",
                task(
                    json!(["sh", "-c", {"Fn::If": ["Prod", "true", "echo 'admin:Hunter2pw' | chpasswd"]}]),
                ),
            ),
            (
                "AWS::SSM::Document",
                document(
                    json!({"Fn::Split": ["\n", "useradd app\necho 'admin:Hunter2pw' | chpasswd"]}),
                ),
            ),
            (
                "AWS::SSM::Document",
                document(
                    json!({"Fn::If": ["Prod", ["true"], ["echo 'admin:Hunter2pw' | chpasswd"]]}),
                ),
            ),
            (
                "AWS::SSM::Document",
                document(
                    json!(["useradd app", {"Fn::If": ["Prod", "echo 'admin:Hunter2pw' | chpasswd", {"Ref": "AWS::NoValue"}]}]),
                ),
            ),
        ] {
            let found = p1_of("R", t, p.clone());
            assert!(matches!(found, Outcome::Fail(_)), "{p}: {found:?}");
        }
        for (t, p) in [
            (
                "AWS::ECS::TaskDefinition",
                task(json!({"Fn::Split": [" ", "python -m app --port 8080"]})),
            ),
            (
                "AWS::SSM::Document",
                document(json!({"Fn::If": ["Prod", ["useradd app"], ["true"]]})),
            ),
        ] {
            let found = p1_of("R", t, p.clone());
            assert!(matches!(found, Outcome::Pass(_)), "{p}: {found:?}");
        }
    }

    #[test]
    fn cfn_init_authentication_written_in_plain_text_is_a_secret() {
        let instance = |key: &str, auth: Value| {
            let mut template = crate::testing::raw_template(&[(
                "Box",
                "AWS::EC2::Instance",
                json!({"ImageId": "ami-12345678"}),
            )]);
            template.resources[0]
                .metadata_mut()
                .insert(key.to_owned(), auth);
            let stacks = [("s", &template)];
            let index = super::super::Index::new(&stacks);
            p1(&Cx::in_first(&stacks, &template.resources()[0], &index))
        };
        const AUTH: &str = "AWS::CloudFormation::Authentication";
        for auth in [
            json!({"Basic": {"type": "basic", "username": "deploy", "password": "Hunter2pw", "uris": ["https://repo.example.com"]}}),
            json!({"S3": {"type": "S3", "accessKeyId": "AKIDEXAMPLE", "secretKey": "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", "buckets": ["b"]}}),
        ] {
            let found = instance(AUTH, auth.clone());
            assert!(
                matches!(&found, Outcome::Fail(why) if why.contains("Metadata/")),
                "{auth}: {found:?}"
            );
        }
        for (key, auth) in [
            (
                AUTH,
                json!({"S3": {"type": "S3", "roleName": "box-role", "buckets": ["b"]}}),
            ),
            (
                AUTH,
                json!({"Basic": {"type": "basic", "username": "deploy", "password": "{{resolve:secretsmanager:repo:SecretString:password}}"}}),
            ),
            (
                "Notes",
                json!({"secretArn": "arn:aws:secretsmanager:us-east-1:111122223333:secret:repo-AbCdEf", "tokenRefresh": ""}),
            ),
        ] {
            let found = instance(key, auth.clone());
            assert!(matches!(found, Outcome::Pass(_)), "{auth}: {found:?}");
        }
    }

    #[test]
    fn cfn_init_commands_and_files_are_read_as_scripts() {
        let instance = |init: Value| {
            let mut template = crate::testing::raw_template(&[(
                "Box",
                "AWS::EC2::Instance",
                json!({"ImageId": "ami-12345678"}),
            )]);
            template.resources[0]
                .metadata_mut()
                .insert("AWS::CloudFormation::Init".to_owned(), init);
            let stacks = [("s", &template)];
            let index = super::super::Index::new(&stacks);
            p1(&Cx::in_first(&stacks, &template.resources()[0], &index))
        };
        for init in [
            json!({"config": {"commands": {"1-users": {"command": "echo 'admin:Hunter2pw' | chpasswd"}}}}),
            json!({"config": {"commands": {"db": {"command": ["mysql", "-u", "root", "-pHunter2pw"]}}}}),
            json!({"config": {"files": {"/opt/app/app.properties": {"content": "db.user app\ndb.password Hunter2pw\n"}}}}),
            json!({"config": {"files": {"/etc/app.env": {"content": {"Fn::Join": ["", ["DB_PASSWORD=", "Hunter2pw\n"]]}}}}}),
        ] {
            let found = instance(init.clone());
            assert!(matches!(found, Outcome::Fail(_)), "{init}: {found:?}");
        }
        for init in [
            json!({"config": {"commands": {"1-users": {"command": "useradd app"}}}}),
            json!({"config": {"files": {"/opt/app/app.properties": {"content": "db.user app\ndb.url jdbc:postgresql://db/app\n"}}}}),
        ] {
            let found = instance(init.clone());
            assert!(matches!(found, Outcome::Pass(_)), "{init}: {found:?}");
        }
    }
}

#[cfg(test)]
mod hostile_review_17 {
    use super::*;
    use serde_json::json;

    fn p1_of(id: &str, type_name: &str, properties: Value) -> Outcome {
        Cx::check_first(p1, &[(id, type_name, properties)])
    }

    fn rule_target(headers: Value) -> Value {
        json!({"Targets": [{"Id": "t", "Arn": "arn:aws:events:us-east-1:111111111111:api-destination/x/y",
            "HttpParameters": headers}]})
    }

    fn connection(parameter: Value) -> Value {
        json!({"AuthorizationType": "API_KEY", "AuthParameters": {
            "ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "{{resolve:secretsmanager:api:SecretString:key}}"},
            "InvocationHttpParameters": {"HeaderParameters": [parameter]}}})
    }

    #[test]
    fn a_secrets_dynamic_reference_in_a_map_of_settings_the_service_shows_fails() {
        let reference = "{{resolve:secretsmanager:api:SecretString:token}}";
        let failing: Vec<(&str, Value)> = vec![
            (
                "AWS::Events::Rule",
                rule_target(json!({"HeaderParameters": {"X-Upstream": reference}})),
            ),
            (
                "AWS::Events::Rule",
                rule_target(json!({"QueryStringParameters": {"code": reference}})),
            ),
            (
                "AWS::Pipes::Pipe",
                json!({"Source": "s", "Target": "t", "RoleArn": "r",
                "EnrichmentParameters": {"HttpParameters": {"QueryStringParameters": {"sig": reference}}}}),
            ),
            (
                "AWS::ApiGateway::Stage",
                json!({"RestApiId": "a", "Variables": {"upstream": reference}}),
            ),
            (
                "AWS::Glue::Job",
                json!({"Command": {"Name": "glueetl"}, "Role": "r",
                "DefaultArguments": {"--conn": "{{resolve:ssm-secure:/db/conn}}"}}),
            ),
        ];
        for (t, properties) in failing {
            let outcome = p1_of("R", t, properties.clone());
            assert!(
                matches!(&outcome, Outcome::Fail(why) if why.contains("dynamic reference")),
                "{t} {properties}: {outcome:?}"
            );
        }
        // Names and ARNs of secrets are not the secrets.
        let outcome = p1_of(
            "R",
            "AWS::Glue::Job",
            json!({"Command": {"Name": "glueetl"}, "Role": "r",
                "DefaultArguments": {"--secret-id": "arn:aws:secretsmanager:us-east-1:111111111111:secret:db"}}),
        );
        assert!(matches!(outcome, Outcome::Pass(_)), "{outcome:?}");
    }

    #[test]
    fn an_authorization_header_holds_a_credential_whatever_its_scheme() {
        let failing: Vec<(&str, Value)> = vec![
            (
                "AWS::Events::Rule",
                rule_target(json!({"HeaderParameters": {"Authorization": "ApiKey s3cr3tvalue"}})),
            ),
            (
                "AWS::Pipes::Pipe",
                json!({"Source": "s", "Target": "t", "RoleArn": "r",
                "TargetParameters": {"HttpParameters": {"HeaderParameters": {"proxy-authorization": "Token abcd1234"}}}}),
            ),
            (
                "AWS::Events::Connection",
                connection(
                    json!({"Key": "Authorization", "Value": "SSWS 00abcdef", "IsValueSecret": false}),
                ),
            ),
            (
                "AWS::StepFunctions::StateMachine",
                json!({"RoleArn": "r", "DefinitionString":
                "{\"StartAt\":\"C\",\"States\":{\"C\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::http:invoke\",\"Parameters\":{\"ApiEndpoint\":\"https://x\",\"Method\":\"GET\",\"Headers\":{\"Authorization\":\"Token abcdef123\"}},\"End\":true}}}"}),
            ),
        ];
        for (t, properties) in failing {
            let outcome = p1_of("R", t, properties.clone());
            assert!(
                matches!(&outcome, Outcome::Fail(why) if why.contains("uthorization")),
                "{t} {properties}: {outcome:?}"
            );
        }
        // Elsewhere `Authorization` is a word like any other (a tag, a header that is not).
        for (t, properties) in [
            (
                "AWS::SQS::Queue",
                json!({"Tags": [{"Key": "Authorization", "Value": "change-1234"}]}),
            ),
            (
                "AWS::Events::Rule",
                rule_target(json!({"HeaderParameters": {"X-Authorization-Scheme": "none"}})),
            ),
        ] {
            let outcome = p1_of("R", t, properties.clone());
            assert!(
                matches!(outcome, Outcome::Pass(_)),
                "{t} {properties}: {outcome:?}"
            );
        }
    }

    #[test]
    fn an_environment_variables_map_is_read_as_an_environment() {
        for variables in [
            json!({"DB_PW": "hunter2x"}),
            json!({"UPSTREAM": "{{resolve:secretsmanager:api:SecretString:token}}"}),
        ] {
            let outcome = p1_of(
                "R",
                "AWS::BedrockAgentCore::Runtime",
                json!({"AgentRuntimeName": "r", "EnvironmentVariables": variables}),
            );
            assert!(
                matches!(outcome, Outcome::Fail(_)),
                "{variables}: {outcome:?}"
            );
        }
        let outcome = p1_of(
            "R",
            "AWS::BedrockAgentCore::Runtime",
            json!({"AgentRuntimeName": "r", "EnvironmentVariables": {"LOG_LEVEL": "info",
                "DB_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:111111111111:secret:db"}}),
        );
        assert!(matches!(outcome, Outcome::Pass(_)), "{outcome:?}");
    }

    #[test]
    fn a_bedrock_flows_substitutions_are_read_as_a_state_machines_are() {
        for substitutions in [
            json!({"DB_PW": "hunter2x"}),
            json!({"Upstream": "{{resolve:secretsmanager:api:SecretString:token}}"}),
        ] {
            let outcome = p1_of(
                "F",
                "AWS::Bedrock::Flow",
                json!({"Name": "f", "ExecutionRoleArn": "r", "DefinitionSubstitutions": substitutions}),
            );
            assert!(
                matches!(outcome, Outcome::Fail(_)),
                "{substitutions}: {outcome:?}"
            );
        }
        let outcome = p1_of(
            "F",
            "AWS::Bedrock::Flow",
            json!({"Name": "f", "ExecutionRoleArn": "r",
                "DefinitionSubstitutions": {"ModelId": "anthropic.claude", "Threshold": 3}}),
        );
        assert!(matches!(outcome, Outcome::Pass(_)), "{outcome:?}");
    }

    #[test]
    fn a_secret_in_a_literal_of_inline_source_code_fails() {
        let function = |code: &str| {
            json!({"Role": "r", "Runtime": "python3.12", "Handler": "index.handler",
                "Code": {"ZipFile": code}})
        };
        for code in [
            "creds = {\"user\": \"app\", \"password\": \"Hunter2pw\"}\ndef handler(e, c):\n    return 1\n",
            "headers = {'Authorization': 'Token abcdef123456'}\n",
            "const cfg = { apiKey: `abc123def456` };\n",
            "résumé_password: 'Hunter2pw'\n",
            "export function request(ctx) { return { method: 'GET', params: { headers: { 'x-api-key': 'abc123def456' } } }; }\n",
            "$db = ['user' => 'app', 'db_pass' => 'Hunter2pw'];\n",
        ] {
            let outcome = p1_of("F", "AWS::Lambda::Function", function(code));
            assert!(
                matches!(&outcome, Outcome::Fail(why) if why.contains("source code")),
                "{code}: {outcome:?}"
            );
        }
        for code in [
            "def handler(password: str, token: str = None):\n    return 1\n",
            "creds = {\"password\": os.environ[\"DB_PASSWORD\"]}\n",
            "creds = {\"password\": \"\", \"token\": \"${TOKEN}\"}\n",
            "m = {\"secret_arn\": \"arn:aws:secretsmanager:us-east-1:111111111111:secret:db\"}\n",
            "x = a if b else {'kind': 'password'}\nlabel = {'password': 'pw'}\n",
            "h = {\"Authorization\": \"Bearer \" + token, \"token\": `${t}`}\n",
            "h = {'Authorization': 'Basic'}\n",
            "é: 'x'\nnamé: 'okay1234'\n",
        ] {
            let outcome = p1_of("F", "AWS::Lambda::Function", function(code));
            assert!(matches!(outcome, Outcome::Pass(_)), "{code}: {outcome:?}");
        }
        let outcome = p1_of(
            "R",
            "AWS::AppSync::Resolver",
            json!({"ApiId": "a", "TypeName": "Query", "FieldName": "f", "DataSourceName": "Http",
                "RequestMappingTemplate": "{\"version\": \"2018-05-29\", \"method\": \"GET\", \"resourcePath\": \"/x\", \"params\": {\"headers\": {\"Authorization\": \"Token abcdef123456\"}, \"query\": $util.toJson($ctx.args)}}"}),
        );
        assert!(
            matches!(&outcome, Outcome::Fail(why) if why.contains("source code")),
            "{outcome:?}"
        );
        let outcome = p1_of(
            "T",
            "AWS::ECS::TaskDefinition",
            json!({"ContainerDefinitions": [{"Name": "c", "Image": "i", "DockerLabels": {"DB_PW": "hunter2x"}}]}),
        );
        assert!(matches!(outcome, Outcome::Fail(_)), "{outcome:?}");
        let outcome = p1_of(
            "C",
            "AWS::CloudFront::Function",
            json!({"Name": "f", "AutoPublish": true, "FunctionConfig": {"Comment": "c", "Runtime": "cloudfront-js-2.0"},
                "FunctionCode": "function handler(event) { var auth = { token: 'abc123def456' }; return event.request; }"}),
        );
        assert!(matches!(outcome, Outcome::Fail(_)), "{outcome:?}");
    }

    #[test]
    fn an_integration_that_sends_a_fixed_authorization_header_fails() {
        for (t, parameters) in [
            (
                "AWS::ApiGateway::Method",
                json!({"HttpMethod": "GET", "ResourceId": "r", "RestApiId": "a",
                "Integration": {"Type": "HTTP", "IntegrationHttpMethod": "GET", "Uri": "https://backend.example.com",
                    "RequestParameters": {"integration.request.header.Authorization": "'Token abcdef123456'"}}}),
            ),
            (
                "AWS::ApiGatewayV2::Integration",
                json!({"ApiId": "a", "IntegrationType": "HTTP_PROXY",
                "IntegrationUri": "https://backend.example.com", "PayloadFormatVersion": "1.0",
                "RequestParameters": {"overwrite:header.Authorization": "Token abcdef123456"}}),
            ),
        ] {
            let outcome = p1_of("I", t, parameters.clone());
            assert!(
                matches!(&outcome, Outcome::Fail(why) if why.contains("fixed `Authorization`")),
                "{parameters}: {outcome:?}"
            );
        }
        // Mapping expressions pass the caller's header on; they write nothing.
        for (t, parameters) in [
            (
                "AWS::ApiGateway::Method",
                json!({"HttpMethod": "GET", "ResourceId": "r", "RestApiId": "a",
                "Integration": {"Type": "HTTP", "IntegrationHttpMethod": "GET", "Uri": "https://backend.example.com",
                    "RequestParameters": {"integration.request.header.Authorization": "method.request.header.Authorization"}}}),
            ),
            (
                "AWS::ApiGatewayV2::Integration",
                json!({"ApiId": "a", "IntegrationType": "HTTP_PROXY",
                "IntegrationUri": "https://backend.example.com", "PayloadFormatVersion": "1.0",
                "RequestParameters": {"overwrite:header.Authorization": "$request.header.X-Upstream-Auth", "overwrite:header.X-Trace": "fixed"}}),
            ),
        ] {
            let outcome = p1_of("I", t, parameters.clone());
            assert!(
                matches!(outcome, Outcome::Pass(_)),
                "{parameters}: {outcome:?}"
            );
        }
    }

    #[test]
    fn the_subnet_groups_and_copy_grants_that_rules_read_elsewhere_are_inert() {
        for t in [
            "AWS::Redshift::ClusterSubnetGroup",
            "AWS::Redshift::SnapshotCopyGrant",
            "AWS::ElastiCache::SubnetGroup",
            "AWS::MemoryDB::SubnetGroup",
        ] {
            let outcome = Cx::check_first(u1, &[("R", t, json!({}))]);
            assert!(
                matches!(outcome, Outcome::NotApplicable),
                "{t}: {outcome:?}"
            );
        }
        // A type beside them that no rule reads is still refused: an endpoint of this
        // account to a cluster, which may be another account's (`ResourceOwner`). An
        // endpoint authorization, which lets another account create endpoints to a cluster
        // of the app, was one until `X2` read its `Account`.
        let outcome = Cx::check_first(
            u1,
            &[(
                "R",
                "AWS::Redshift::EndpointAccess",
                json!({"ClusterIdentifier": "warehouse", "EndpointName": "e", "ResourceOwner": "999999999999",
                    "SubnetGroupName": "g", "VpcSecurityGroupIds": ["sg-0123456789abcdef0"]}),
            )],
        );
        assert!(matches!(outcome, Outcome::Fail(_)), "{outcome:?}");
        let outcome = Cx::check_first(
            u1,
            &[(
                "R",
                "AWS::Redshift::EndpointAuthorization",
                json!({"Account": "999999999999"}),
            )],
        );
        assert!(matches!(outcome, Outcome::NotApplicable), "{outcome:?}");
    }

    #[test]
    fn trust_stores_are_inert_and_redshift_serverless_is_eligible_and_its_workgroup_read() {
        // A trust store and its revocation lists only narrow which clients a listener in
        // mutual TLS verify mode accepts.
        for t in [
            "AWS::ElasticLoadBalancingV2::TrustStore",
            "AWS::ElasticLoadBalancingV2::TrustStoreRevocation",
        ] {
            let outcome = Cx::check_first(
                u1,
                &[(
                    "T",
                    t,
                    json!({"CaCertificatesBundleS3Bucket": "ca", "CaCertificatesBundleS3Key": "ca.pem"}),
                )],
            );
            assert!(
                matches!(outcome, Outcome::NotApplicable),
                "{t}: {outcome:?}"
            );
        }
        // Redshift Serverless is Amazon Redshift on the list; its workgroup is read (RS4,
        // E15), and so is its namespace (RS1 its keys, RS3 its logs, L4, X2 and P2 its policy).
        for t in [
            "AWS::RedshiftServerless::Workgroup",
            "AWS::RedshiftServerless::Namespace",
        ] {
            let outcome = Cx::check_first(h1, &[("R", t, json!({}))]);
            assert!(matches!(outcome, Outcome::Pass(_)), "{t}: {outcome:?}");
        }
        let outcome = Cx::check_first(
            u1,
            &[(
                "W",
                "AWS::RedshiftServerless::Workgroup",
                json!({"WorkgroupName": "w"}),
            )],
        );
        assert!(matches!(outcome, Outcome::NotApplicable), "{outcome:?}");
        let outcome = Cx::check_first(
            u1,
            &[(
                "N",
                "AWS::RedshiftServerless::Namespace",
                json!({"NamespaceName": "n"}),
            )],
        );
        assert!(matches!(outcome, Outcome::NotApplicable), "{outcome:?}");
        // A service of no list stays refused.
        let outcome = Cx::check_first(h1, &[("R", "AWS::Lightsail::Instance", json!({}))]);
        assert!(matches!(outcome, Outcome::Fail(_)), "{outcome:?}");
    }

    /// The hostile review p2: an EMR security configuration is read through the clusters
    /// that name it (E4, EMR1), so U1 passes it, as it passes an RDS parameter group.
    #[test]
    fn an_emr_security_configuration_is_read_through_its_clusters() {
        let t = "AWS::EMR::SecurityConfiguration";
        assert!(INERT.contains(&t));
        assert!(
            rules().all(|r| !r.types.contains(&t)),
            "{t} is listed INERT and read"
        );
        let outcome = Cx::check_first(u1, &[("Sec", t, json!({"SecurityConfiguration": {}}))]);
        assert!(matches!(outcome, Outcome::NotApplicable), "{outcome:?}");
    }

    /// Probe 17b #7 and #1: API authorizers, REST and V2, are read (by X2, whose user pool,
    /// function or issuer they admit), so U1 passes them; so is a Cognito identity pool
    /// (probe 17b #6: I8 reads `AllowUnauthenticatedIdentities`).
    #[test]
    fn api_authorizers_and_identity_pools_are_read() {
        for (t, reader) in [
            ("AWS::ApiGateway::Authorizer", "X2"),
            ("AWS::ApiGatewayV2::Authorizer", "X2"),
            ("AWS::Cognito::IdentityPool", "I8"),
            // Probe 19b R1: the user pool's clients and federated providers, and IAM's
            // identity providers, whose issuers X2 reads.
            ("AWS::Cognito::UserPoolClient", "X2"),
            ("AWS::Cognito::UserPoolIdentityProvider", "X2"),
            ("AWS::IAM::OIDCProvider", "X2"),
            ("AWS::IAM::SAMLProvider", "X2"),
        ] {
            assert!(
                rules().any(|r| r.id == reader && r.types.contains(&t)),
                "{t} is not read by {reader}"
            );
            assert!(!INERT.contains(&t), "{t} is listed INERT and read");
            let outcome = Cx::check_first(u1, &[("R", t, json!({}))]);
            assert!(
                matches!(outcome, Outcome::NotApplicable),
                "{t}: {outcome:?}"
            );
        }
    }

    /// Probe 14a #1: the rules that read a store only for whether it lasts (`D1`, `D2`) do
    /// not make its type read; every type they list is read by a rule of its own, so that a
    /// store added to them alone (as MSK clusters were to `D1`) is still refused by `U1`.
    #[test]
    fn every_type_kept_or_copied_is_read_by_a_rule_of_its_own() {
        for retention in RETENTION_ONLY {
            let spec = rules()
                .find(|r| r.id == *retention)
                .expect("a retention rule of the catalogue");
            for t in spec.types {
                let readers: Vec<&str> = rules()
                    .filter(|r| {
                        !EVERYWHERE.contains(&r.id)
                            && !RETENTION_ONLY.contains(&r.id)
                            && r.types.contains(t)
                    })
                    .map(|r| r.id)
                    .collect();
                assert!(
                    !readers.is_empty(),
                    "`{t}` is listed by {retention} and read by no other rule"
                );
                let outcome = Cx::check_first(u1, &[("R", t, json!({}))]);
                assert!(
                    matches!(outcome, Outcome::NotApplicable),
                    "{t}: {outcome:?}"
                );
            }
        }
        // MSK clusters are read by MSK1 now, not by D1.
        for t in ["AWS::MSK::Cluster", "AWS::MSK::ServerlessCluster"] {
            let readers: Vec<&str> = rules()
                .filter(|r| r.types.contains(&t) && !RETENTION_ONLY.contains(&r.id))
                .map(|r| r.id)
                .collect();
            assert!(readers.contains(&"MSK1"), "{t}: {readers:?}");
        }
    }

    #[test]
    fn a_connection_parameter_marked_secret_is_read_from_a_secret_or_fails() {
        // Marked secret and a dynamic reference: EventBridge keeps it in the connection's
        // secret.
        let outcome = p1_of(
            "C",
            "AWS::Events::Connection",
            connection(
                json!({"Key": "X-Extra", "Value": "{{resolve:secretsmanager:k2}}", "IsValueSecret": true}),
            ),
        );
        assert!(matches!(outcome, Outcome::Pass(_)), "{outcome:?}");
        // Not marked secret, the reference is resolved where DescribeConnection shows it.
        let outcome = p1_of(
            "C",
            "AWS::Events::Connection",
            connection(
                json!({"Key": "X-Extra", "Value": "{{resolve:secretsmanager:k2}}", "IsValueSecret": false}),
            ),
        );
        assert!(matches!(outcome, Outcome::Fail(_)), "{outcome:?}");
        // Marked secret and written in the template, whatever its name.
        for value in [
            json!("0a1b2c3d4e"),
            json!({"Fn::Sub": "v1-${AWS::Region}-0a1b2c"}),
        ] {
            let outcome = p1_of(
                "C",
                "AWS::Events::Connection",
                connection(json!({"Key": "X-Extra", "Value": value, "IsValueSecret": "true"})),
            );
            assert!(
                matches!(&outcome, Outcome::Fail(why) if why.contains("IsValueSecret")),
                "{value}: {outcome:?}"
            );
        }
    }
}

#[cfg(test)]
mod hostile_review_19 {
    use super::*;
    use serde_json::json;

    fn p1_of(properties: Value) -> Outcome {
        Cx::check_first(p1, &[("Db", "AWS::RDS::DBCluster", properties)])
    }

    #[test]
    fn a_condition_between_boolean_spellings_is_a_switch_and_any_other_branch_may_be_the_secret() {
        let cluster = |managed: Value| {
            json!({"Engine": "aurora-postgresql", "StorageEncrypted": true,
                "MasterUsername": "app", "ManageMasterUserPassword": managed})
        };
        for switch in [
            json!({"Fn::If": ["Prod", "true", "false"]}),
            json!({"Fn::If": ["Prod", true, false]}),
            json!({"Fn::If": ["Prod", "True", {"Ref": "AWS::NoValue"}]}),
            json!({"Fn::If": ["Prod", {"Fn::Sub": "true"}, {"Fn::If": ["Dev", "false", true]}]}),
        ] {
            let found = p1_of(cluster(switch.clone()));
            assert!(matches!(found, Outcome::Pass(_)), "{switch}: {found:?}");
        }
        for secret in [
            json!({"Fn::If": ["Prod", "true", "Hunter2pw"]}),
            json!({"Fn::If": ["Prod", {"Fn::If": ["Dev", "false", "Hunter2pw"]}, "true"]}),
            json!({"Fn::If": ["Prod", "true", {"Fn::Join": ["", ["Hunter", {"Ref": "AWS::Region"}]]}]}),
            json!({"Fn::If": ["Prod", "false", {"Fn::Sub": "Hunter2${Suffix}"}]}),
        ] {
            let found = p1_of(cluster(secret.clone()));
            assert!(matches!(found, Outcome::Fail(_)), "{secret}: {found:?}");
        }
    }
}

#[cfg(test)]
mod hostile_review_20 {
    use super::*;
    use serde_json::json;

    fn p1_of(type_name: &str, properties: Value) -> Outcome {
        Cx::check_first(p1, &[("R", type_name, properties)])
    }

    fn instance(script: &str) -> Value {
        json!({"ImageId": "ami-12345678", "UserData": {"Fn::Base64": format!("<powershell>\n{script}\n</powershell>\n")}})
    }

    /// An SSM Command document whose `aws:runPowerShellScript` step runs `line`, written
    /// as an object and as YAML text.
    fn documents(line: &str) -> [Value; 2] {
        [
            json!({"DocumentType": "Command", "Content": {"schemaVersion": "2.2", "mainSteps": [
                {"action": "aws:runPowerShellScript", "name": "run", "inputs": {"runCommand": [line]}}]}}),
            json!({"DocumentType": "Command", "DocumentFormat": "YAML", "Content": format!(
                "schemaVersion: '2.2'\nmainSteps:\n- action: aws:runPowerShellScript\n  name: run\n  inputs:\n    runCommand:\n    - {line}\n")}),
        ]
    }

    const FETCH: &str =
        "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text";

    /// A pipeline or a statement inside the fetch's parenthesis, or text after it, gives
    /// what the variable holds: written text, in user data as in an SSM document.
    #[test]
    fn a_fetch_whose_pipeline_writes_text_is_written() {
        for line in [
            format!("$DbPassword = ({FETCH} | ForEach-Object {{ 'hunter2' }})"),
            format!("$env:DB_PASSWORD = ({FETCH} | % {{ 12345678 }})"),
            format!("$DbPassword = ({FETCH}; 'hunter2')"),
            format!("$DbPassword = ({FETCH}) + 'x'"),
            format!("$DbPassword = ({FETCH}) | ForEach-Object {{ 'hunter2' }}"),
            "$DbPassword = (Get-SECSecretValue -SecretId db | ForEach-Object { \"hunter2\" })"
                .to_owned(),
        ] {
            let found = p1_of("AWS::EC2::Instance", instance(&line));
            assert!(matches!(found, Outcome::Fail(_)), "{line}: {found:?}");
            for document in documents(&line) {
                let found = p1_of("AWS::SSM::Document", document.clone());
                assert!(matches!(found, Outcome::Fail(_)), "{document}: {found:?}");
            }
        }
    }

    /// A PowerShell fetch in an SSM document's `runCommand` (or an association's
    /// `commands`) reads as it does in user data: it passes.
    #[test]
    fn a_powershell_fetch_in_a_document_passes_as_in_user_data() {
        for line in [
            format!("$env:DB_PASSWORD = ({FETCH})"),
            format!("$DbPassword = ({FETCH} | ConvertFrom-Json).password"),
            "$DbPassword = (Get-SECSecretValue -SecretId db).SecretString".to_owned(),
        ] {
            let found = p1_of("AWS::EC2::Instance", instance(&line));
            assert!(matches!(found, Outcome::Pass(_)), "{line}: {found:?}");
            for document in documents(&line) {
                let found = p1_of("AWS::SSM::Document", document.clone());
                assert!(matches!(found, Outcome::Pass(_)), "{document}: {found:?}");
            }
            let association = json!({"Name": "AWS-RunPowerShellScript",
                "Parameters": {"commands": [line.clone()]}, "Targets": [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}]});
            let found = p1_of("AWS::SSM::Association", association);
            assert!(matches!(found, Outcome::Pass(_)), "{line}: {found:?}");
        }
        // A written value there is still a secret in plain text.
        for document in documents("$env:DB_PASSWORD = ('hunter2')") {
            let found = p1_of("AWS::SSM::Document", document.clone());
            assert!(matches!(found, Outcome::Fail(_)), "{document}: {found:?}");
        }
    }
}

#[cfg(test)]
mod sub_variables {
    use super::*;
    use serde_json::json;

    fn p1_of(properties: Value) -> Outcome {
        Cx::check_first(p1, &[("Fn", "AWS::Lambda::Function", properties)])
    }

    fn function(stage: Value) -> Value {
        json!({"Role": "arn:aws:iam::111122223333:role/r", "Runtime": "python3.12",
            "Handler": "index.handler", "Code": {"S3Bucket": "b", "S3Key": "k"},
            "Environment": {"Variables": {"STAGE": stage}}})
    }

    #[test]
    fn a_variable_of_a_sub_named_like_a_secret_fails_whether_the_text_uses_it_or_not() {
        for secret in [
            json!({"Fn::Sub": ["prod", {"DB_PASSWORD": "hunter2hunter2"}]}),
            json!({"Fn::Sub": ["${Stage}", {"Stage": "prod", "ApiToken": "abc123def456"}]}),
            json!({"Fn::Sub": ["prod-${DbPw}", {"DbPw": "12345678"}]}),
            json!({"Fn::Join": ["", [{"Fn::Sub": ["p", {"db_pass": "x"}]}, "rod"]]}),
        ] {
            let found = p1_of(function(secret.clone()));
            let Outcome::Fail(message) = &found else {
                panic!("{secret}: {found:?}");
            };
            assert!(message.contains("a variable of an `Fn::Sub`"), "{message}");
        }
    }

    #[test]
    fn a_variable_that_names_a_secret_or_holds_no_secret_passes() {
        for stage in [
            json!({"Fn::Sub": ["prod", {"Stage": "prod"}]}),
            json!({"Fn::Sub": ["${S}", {"S": "prod", "DB_PASSWORD": "{{resolve:secretsmanager:db:SecretString:password}}"}]}),
            json!({"Fn::Sub": ["prod", {"DbPasswordArn": "arn:aws:secretsmanager:us-east-1:111122223333:secret:db"}]}),
            json!({"Fn::Sub": ["prod", {"DB_PASSWORD": {"Ref": "DbSecret"}}]}),
            json!({"Fn::Sub": ["prod", {"DB_PASSWORD": " "}]}),
            // A key of the map that is no variable of an `Fn::Sub` (a list's second item
            // elsewhere) is read as before.
            json!({"Fn::Join": ["", ["prod", {"Password": "x"}]]}),
        ] {
            let found = p1_of(function(stage.clone()));
            assert!(
                !matches!(&found, Outcome::Fail(m) if m.contains("`Fn::Sub`")),
                "{stage}: {found:?}"
            );
        }
    }
}
