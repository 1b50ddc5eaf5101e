//! The raw resources of the cases of the rules for the types that only `U1` read before
//! (DMS1, DMS2, DD1–DD4, ML1–ML3, CF1–CF3, AS1, AS2, E16, I9, I10, I11, CG1, CG2, CG3, CG4), and of MSK1, whose types
//! only `D1` listed before, which `rules.rs` runs:
//! one app that breaks each rule and one that holds it.

use hipaa_stack::prelude::*;
use serde_json::{Value, json};

fn add(stack: &Stack<'_>, resource: RawResource) -> Handle<RawResource> {
    stack.add(resource).expect("a valid raw resource")
}

fn cmk(stack: &Stack<'_>) -> Handle<KmsKey> {
    stack.add(KmsKey::new("Cmk")).expect("a valid key")
}

// ---------------------------------------------------------------------------------------
// DMS.
// ---------------------------------------------------------------------------------------

fn replicator() -> RawResource {
    RawResource::new("Replicator", "AWS::DMS::ReplicationInstance")
        .property("ReplicationInstanceClass", "dms.t3.medium")
}

pub(crate) fn dms1_broken(s: &Stack<'_>) {
    let key = cmk(s);
    add(s, replicator().property("KmsKeyId", key.arn()));
}

pub(crate) fn dms1_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        replicator()
            .property("KmsKeyId", key.arn())
            .property("PubliclyAccessible", false),
    );
}

fn source(ssl: &str) -> RawResource {
    RawResource::new("Source", "AWS::DMS::Endpoint")
        .property("EndpointType", "source")
        .property("EngineName", "postgres")
        .property("ServerName", "ehr.internal")
        .property("SslMode", ssl)
}

pub(crate) fn dms2_broken(s: &Stack<'_>) {
    add(s, source("none"));
}

pub(crate) fn dms2_held(s: &Stack<'_>) {
    add(s, source("verify-full"));
}

// ---------------------------------------------------------------------------------------
// MSK.
// ---------------------------------------------------------------------------------------

fn kafka() -> RawResource {
    RawResource::new("Kafka", "AWS::MSK::Cluster")
        .property("ClusterName", "events")
        .property("KafkaVersion", "3.6.0")
        .property("NumberOfBrokerNodes", 3)
        .property(
            "BrokerNodeGroupInfo",
            json!({
                "InstanceType": "kafka.m5.large",
                "ClientSubnets": ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719", "subnet-0a1b2c3d4e5f60720"],
            }),
        )
}

/// Probe 14a #1: plaintext, unauthenticated, under the AWS managed key.
pub(crate) fn msk1_broken(s: &Stack<'_>) {
    add(
        s,
        kafka()
            .property(
                "EncryptionInfo",
                json!({ "EncryptionInTransit": { "ClientBroker": "PLAINTEXT", "InCluster": false } }),
            )
            .property(
                "ClientAuthentication",
                json!({ "Unauthenticated": { "Enabled": true } }),
            ),
    );
}

pub(crate) fn msk1_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(
        s,
        kafka()
            .property(
                "/EncryptionInfo/EncryptionAtRest/DataVolumeKMSKeyId",
                key.arn(),
            )
            .property("/ClientAuthentication/Sasl/Iam/Enabled", true),
    );
}

// ---------------------------------------------------------------------------------------
// SageMaker.
// ---------------------------------------------------------------------------------------

fn notebook() -> RawResource {
    RawResource::new("Notebook", "AWS::SageMaker::NotebookInstance")
        .property("InstanceType", "ml.t3.medium")
        .property("RoleArn", "arn:aws:iam::123456789012:role/notebooks")
}

pub(crate) fn ml1_broken(s: &Stack<'_>) {
    add(s, notebook());
}

pub(crate) fn ml1_held(s: &Stack<'_>) {
    let key = cmk(s);
    add(s, notebook().property("KmsKeyId", key.arn()));
}

pub(crate) fn ml2_broken(s: &Stack<'_>) {
    add(s, notebook().property("DirectInternetAccess", "Enabled"));
}

pub(crate) fn ml2_held(s: &Stack<'_>) {
    add(
        s,
        notebook()
            .property("DirectInternetAccess", "Disabled")
            .property("SubnetId", "subnet-0a1b2c3d4e5f60718"),
    );
}

pub(crate) fn ml3_broken(s: &Stack<'_>) {
    add(s, notebook().property("RootAccess", "Enabled"));
}

pub(crate) fn ml3_held(s: &Stack<'_>) {
    add(s, notebook().property("RootAccess", "Disabled"));
}

// ---------------------------------------------------------------------------------------
// CloudFront.
// ---------------------------------------------------------------------------------------

/// A distribution in front of `api.example.org`, with its certificate, and with `viewer`
/// its default behavior's viewer protocol policy, writing logs to a bucket of the app
/// (`logged`), behind a web ACL of the app (`filtered`).
fn edge(s: &Stack<'_>, viewer: &str, logged: bool, filtered: bool) {
    let cert = add(
        s,
        RawResource::new("Cert", "AWS::CertificateManager::Certificate")
            .property("DomainName", "portal.example.org")
            .property("ValidationMethod", "DNS"),
    );
    let config = "/DistributionConfig";
    let mut edge = RawResource::new("Edge", "AWS::CloudFront::Distribution")
        .property(&format!("{config}/Enabled"), true)
        .property(
            &format!("{config}/DefaultCacheBehavior"),
            json!({
                "TargetOriginId": "api",
                "ViewerProtocolPolicy": viewer,
                "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
            }),
        )
        .property(
            &format!("{config}/Origins"),
            json!([{
                "Id": "api",
                "DomainName": "api.example.org",
                "CustomOriginConfig": { "OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"] }
            }]),
        )
        .property(
            &format!("{config}/ViewerCertificate/AcmCertificateArn"),
            cert.reference(),
        )
        .property(
            &format!("{config}/ViewerCertificate/SslSupportMethod"),
            "sni-only",
        )
        .property(
            &format!("{config}/ViewerCertificate/MinimumProtocolVersion"),
            "TLSv1.2_2021",
        );
    if logged {
        let logs = add(s, RawResource::new("EdgeLogs", "AWS::S3::Bucket"));
        edge = edge.property(
            &format!("{config}/Logging/Bucket"),
            logs.attribute("RegionalDomainName"),
        );
    }
    if filtered {
        let acl = add(
            s,
            RawResource::new("EdgeAcl", "AWS::WAFv2::WebACL")
                .property("Scope", "CLOUDFRONT")
                .property("/DefaultAction/Allow", json!({}))
                .property(
                    "Rules",
                    json!([{
                        "Name": "common",
                        "Priority": 0,
                        "OverrideAction": { "None": {} },
                        "Statement": { "ManagedRuleGroupStatement": { "VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet" } },
                        "VisibilityConfig": { "SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "common" }
                    }]),
                )
                .property(
                    "VisibilityConfig",
                    json!({ "SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "edge" }),
                ),
        );
        edge = edge.property(&format!("{config}/WebACLId"), acl.attribute("Arn"));
    }
    add(s, edge);
}

pub(crate) fn cf1_broken(s: &Stack<'_>) {
    edge(s, "allow-all", true, true);
}

pub(crate) fn cf_held(s: &Stack<'_>) {
    edge(s, "redirect-to-https", true, true);
}

pub(crate) fn cf2_broken(s: &Stack<'_>) {
    edge(s, "redirect-to-https", false, true);
}

pub(crate) fn cf3_broken(s: &Stack<'_>) {
    edge(s, "redirect-to-https", true, false);
}

// ---------------------------------------------------------------------------------------
// AppSync.
// ---------------------------------------------------------------------------------------

fn graph(s: &Stack<'_>, authentication: &str, field_logs: &str) {
    let role = add(
        s,
        RawResource::new("GraphLogs", "AWS::IAM::Role").property(
            "AssumeRolePolicyDocument",
            json!({ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Principal": { "Service": "appsync.amazonaws.com" }, "Action": "sts:AssumeRole" }] }),
        ),
    );
    add(
        s,
        RawResource::new("Graph", "AWS::AppSync::GraphQLApi")
            .property("Name", "records")
            .property("AuthenticationType", authentication)
            .property("/LogConfig/CloudWatchLogsRoleArn", role.attribute("Arn"))
            .property("/LogConfig/FieldLogLevel", field_logs),
    );
}

pub(crate) fn as1_broken(s: &Stack<'_>) {
    graph(s, "API_KEY", "ERROR");
}

pub(crate) fn as_held(s: &Stack<'_>) {
    graph(s, "AWS_IAM", "ERROR");
}

pub(crate) fn as2_broken(s: &Stack<'_>) {
    graph(s, "AWS_IAM", "ALL");
}

// ---------------------------------------------------------------------------------------
// Network ACLs.
// ---------------------------------------------------------------------------------------

fn entry(s: &Stack<'_>, cidr: &str, from: i64, to: i64) {
    let acl = add(
        s,
        RawResource::new("Acl", "AWS::EC2::NetworkAcl").property("VpcId", "vpc-0123456789abcdef0"),
    );
    add(
        s,
        RawResource::new("Entry", "AWS::EC2::NetworkAclEntry")
            .property("NetworkAclId", acl.reference())
            .property("RuleNumber", 100)
            .property("RuleAction", "allow")
            .property("Protocol", 6)
            .property("CidrBlock", cidr)
            .property("/PortRange/From", from)
            .property("/PortRange/To", to),
    );
}

pub(crate) fn e16_broken(s: &Stack<'_>) {
    entry(s, "0.0.0.0/1", 22, 22);
}

pub(crate) fn e16_held(s: &Stack<'_>) {
    entry(s, "0.0.0.0/0", 443, 443);
}

// ---------------------------------------------------------------------------------------
// IAM users and access keys.
// ---------------------------------------------------------------------------------------

fn user(s: &Stack<'_>, groups: Value) -> Handle<RawResource> {
    add(
        s,
        RawResource::new("Alice", "AWS::IAM::User").property("Groups", groups),
    )
}

fn access_key(s: &Stack<'_>, status: &str) {
    let alice = user(s, json!(["readers"]));
    add(
        s,
        RawResource::new("CiKey", "AWS::IAM::AccessKey")
            .property("UserName", alice.reference())
            .property("Status", status),
    );
}

pub(crate) fn i9_broken(s: &Stack<'_>) {
    access_key(s, "Active");
}

pub(crate) fn i9_held(s: &Stack<'_>) {
    access_key(s, "Inactive");
}

pub(crate) fn i10_broken(s: &Stack<'_>) {
    user(s, json!([]));
}

pub(crate) fn i10_held(s: &Stack<'_>) {
    user(s, json!(["readers"]));
}

/// A person who signs in to the console with a password, in the group `clinicians`, whose
/// policy denies or not what the person does without MFA.
fn console_user(s: &Stack<'_>, deny_without_mfa: bool) {
    let mut statements = vec![json!({"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::records/*"})];
    if deny_without_mfa {
        statements.push(json!({"Effect": "Deny",
            "NotAction": ["iam:EnableMFADevice", "iam:ListMFADevices", "sts:GetSessionToken"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}));
    }
    let group = add(
        s,
        RawResource::new("Clinicians", "AWS::IAM::Group").property(
            "Policies",
            json!([{"PolicyName": "records", "PolicyDocument":
                {"Version": "2012-10-17", "Statement": statements}}]),
        ),
    );
    add(
        s,
        RawResource::new("Alice", "AWS::IAM::User")
            .property("/Groups/0", group.reference())
            .property(
                "LoginProfile",
                json!({"Password": "{{resolve:secretsmanager:alice:SecretString:password}}",
                    "PasswordResetRequired": true}),
            ),
    );
}

pub(crate) fn i11_broken(s: &Stack<'_>) {
    console_user(s, false);
}

pub(crate) fn i11_held(s: &Stack<'_>) {
    console_user(s, true);
}

fn user_pool(s: &Stack<'_>, mfa: &str) {
    add(
        s,
        RawResource::new("Patients", "AWS::Cognito::UserPool")
            .property("UserPoolName", "patients")
            .property("MfaConfiguration", mfa)
            .property("EnabledMfas", json!(["SOFTWARE_TOKEN_MFA"])),
    );
}

pub(crate) fn cg1_broken(s: &Stack<'_>) {
    user_pool(s, "OPTIONAL");
}

pub(crate) fn cg1_held(s: &Stack<'_>) {
    user_pool(s, "ON");
}

fn password_policy(s: &Stack<'_>, policy: serde_json::Value) {
    add(
        s,
        RawResource::new("Patients", "AWS::Cognito::UserPool")
            .property("UserPoolName", "patients")
            .property("MfaConfiguration", "ON")
            .property("EnabledMfas", json!(["SOFTWARE_TOKEN_MFA"]))
            .property("Policies", json!({"PasswordPolicy": policy})),
    );
}

pub(crate) fn cg2_broken(s: &Stack<'_>) {
    password_policy(s, json!({"MinimumLength": 6}));
}

pub(crate) fn cg2_held(s: &Stack<'_>) {
    password_policy(
        s,
        json!({"MinimumLength": 12, "TemporaryPasswordValidityDays": 3}),
    );
}

fn threat_protection(s: &Stack<'_>, tier: &str) {
    add(
        s,
        RawResource::new("Patients", "AWS::Cognito::UserPool")
            .property("UserPoolName", "patients")
            .property("UserPoolTier", tier)
            .property(
                "UserPoolAddOns",
                json!({"AdvancedSecurityMode": "ENFORCED"}),
            ),
    );
}

pub(crate) fn cg4_broken(s: &Stack<'_>) {
    threat_protection(s, "ESSENTIALS");
}

pub(crate) fn cg4_held(s: &Stack<'_>) {
    threat_protection(s, "PLUS");
}

fn app_client(s: &Stack<'_>, refresh_days: u32) {
    add(
        s,
        RawResource::new("Web", "AWS::Cognito::UserPoolClient")
            .property("UserPoolId", "us-east-1_abcdefghi")
            .property("EnableTokenRevocation", true)
            .property("RefreshTokenValidity", refresh_days),
    );
}

pub(crate) fn cg3_broken(s: &Stack<'_>) {
    app_client(s, 3650);
}

pub(crate) fn cg3_held(s: &Stack<'_>) {
    app_client(s, 7);
}

/// The client `Web` of [`app_client`], its sign-in flows `flows`.
fn app_client_signing_in(s: &Stack<'_>, flows: Value) {
    add(
        s,
        RawResource::new("Web", "AWS::Cognito::UserPoolClient")
            .property("UserPoolId", "us-east-1_abcdefghi")
            .property("EnableTokenRevocation", true)
            .property("ExplicitAuthFlows", flows),
    );
}

pub(crate) fn cg3_password_sent(s: &Stack<'_>) {
    app_client_signing_in(
        s,
        json!(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]),
    );
}

pub(crate) fn cg3_srp_only(s: &Stack<'_>) {
    app_client_signing_in(
        s,
        json!(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]),
    );
}

// ---------------------------------------------------------------------------------------
// DocumentDB and Neptune.
// ---------------------------------------------------------------------------------------

/// A DocumentDB cluster named `Records` with its key and its cluster parameter group
/// (`audit_logs` and `tls` as given), whose other settings hold every rule.
/// A DocumentDB cluster `Records` with its parameter group; `managed`: its master password
/// is managed by DocumentDB under the customer key, or else written in the template.
fn records(
    s: &Stack<'_>,
    (encrypted, retention, managed): (bool, u32, bool),
    audit_logs: &str,
    tls: &str,
) {
    let key = cmk(s);
    let group = add(
        s,
        RawResource::new("RecordsParams", "AWS::DocDB::DBClusterParameterGroup")
            .property("Family", "docdb5.0")
            .property("Description", "the records cluster's parameters")
            .property(
                "Parameters",
                json!({ "audit_logs": audit_logs, "tls": tls }),
            ),
    );
    let cluster = RawResource::new("Records", "AWS::DocDB::DBCluster")
        .property("StorageEncrypted", encrypted)
        .property("KmsKeyId", key.arn())
        .property("BackupRetentionPeriod", retention)
        .property("DeletionProtection", true)
        .property("EnableCloudwatchLogsExports", json!(["audit"]))
        .property("DBClusterParameterGroupName", group.reference())
        .property("MasterUsername", "clinician");
    let cluster = if managed {
        cluster
            .property("ManageMasterUserPassword", true)
            .property("MasterUserSecretKmsKeyId", key.arn())
    } else {
        cluster.property("MasterUserPassword", "Sup3rS3cret!")
    };
    add(s, cluster);
}

pub(crate) fn dd1_broken(s: &Stack<'_>) {
    records(s, (false, 14, true), "enabled", "tls1.2+");
}

pub(crate) fn dd_held(s: &Stack<'_>) {
    records(s, (true, 14, true), "enabled", "tls1.2+");
}

pub(crate) fn dd2_broken(s: &Stack<'_>) {
    records(s, (true, 1, true), "enabled", "tls1.2+");
}

pub(crate) fn dd3_broken(s: &Stack<'_>) {
    records(s, (true, 14, true), "disabled", "tls1.2+");
}

pub(crate) fn dd4_broken(s: &Stack<'_>) {
    records(s, (true, 14, true), "enabled", "disabled");
}

pub(crate) fn dd5_broken(s: &Stack<'_>) {
    records(s, (true, 14, false), "enabled", "tls1.2+");
}
