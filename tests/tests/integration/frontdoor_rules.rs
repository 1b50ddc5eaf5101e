//! The raw resources of the front-door rules' cases (F2, F4, F5, F6, F7), which `rules.rs`
//! runs: one app that breaks each rule and one that holds it.

use hipaa_stack::prelude::*;
use serde_json::{Value, json};

const LB_ARN: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1";
const TG_ARN: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/1";

fn add(stack: &Stack<'_>, resource: RawResource) -> Handle<RawResource> {
    stack.add(resource).expect("a valid raw resource")
}

fn https_listener(certificate: Value) -> RawResource {
    RawResource::new("Listener", "AWS::ElasticLoadBalancingV2::Listener")
        .property("LoadBalancerArn", LB_ARN)
        .property("Port", 443)
        .property("Protocol", "HTTPS")
        .property("SslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06")
        .property("/Certificates/0/CertificateArn", certificate)
        .property("/DefaultActions/0/Type", "forward")
        .property("/DefaultActions/0/TargetGroupArn", TG_ARN)
}

pub(crate) fn f2_broken(s: &Stack<'_>) {
    add(
        s,
        https_listener(json!("arn:aws:iam::123456789012:server-certificate/portal")),
    );
}

pub(crate) fn f2_held(s: &Stack<'_>) {
    let cert = add(
        s,
        RawResource::new("Cert", "AWS::CertificateManager::Certificate")
            .property("DomainName", "portal.example.org")
            .property("ValidationMethod", "DNS"),
    );
    add(
        s,
        https_listener(json!(null)).property("/Certificates/0/CertificateArn", cert.reference()),
    );
}

/// An internet-facing application load balancer, `Lb`.
fn load_balancer(attributes: Value) -> RawResource {
    RawResource::new("Lb", "AWS::ElasticLoadBalancingV2::LoadBalancer")
        .property("Scheme", "internet-facing")
        .property(
            "Subnets",
            json!(["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]),
        )
        .property("LoadBalancerAttributes", attributes)
}

fn web_acl() -> RawResource {
    RawResource::new("Acl", "AWS::WAFv2::WebACL")
        .property("Scope", "REGIONAL")
        .property("DefaultAction", json!({ "Allow": {} }))
        .property(
            "VisibilityConfig",
            json!({ "SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "acl" }),
        )
        .property(
            "Rules",
            json!([{
                "Name": "common", "Priority": 0, "OverrideAction": { "None": {} },
                "Statement": { "ManagedRuleGroupStatement": { "VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet" } },
                "VisibilityConfig": { "SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "common" }
            }]),
        )
}

pub(crate) fn f4_broken(s: &Stack<'_>) {
    // Associated, but the ACL logs nowhere.
    let lb = add(s, load_balancer(json!([])));
    let acl = add(s, web_acl());
    add(
        s,
        RawResource::new("Association", "AWS::WAFv2::WebACLAssociation")
            .property("ResourceArn", lb.reference())
            .property("WebACLArn", acl.attribute("Arn")),
    );
}

pub(crate) fn f4_held(s: &Stack<'_>) {
    let lb = add(s, load_balancer(json!([])));
    let acl = add(s, web_acl());
    add(
        s,
        RawResource::new("Association", "AWS::WAFv2::WebACLAssociation")
            .property("ResourceArn", lb.reference())
            .property("WebACLArn", acl.attribute("Arn")),
    );
    // WAF logs only to a group whose name starts with `aws-waf-logs-`, which the typed
    // `LogGroup` (named by CloudFormation) cannot give: a group of the app, written whole.
    let logs = add(
        s,
        RawResource::new("WafLogs", "AWS::Logs::LogGroup")
            .property("LogGroupName", "aws-waf-logs-portal")
            .property("RetentionInDays", 365),
    );
    add(
        s,
        RawResource::new("Logging", "AWS::WAFv2::LoggingConfiguration")
            .property("ResourceArn", acl.attribute("Arn"))
            .property("/LogDestinationConfigs/0", logs.attribute("Arn")),
    );
}

fn launch_template(s: &Stack<'_>) -> Handle<RawResource> {
    add(
        s,
        RawResource::new("Template", "AWS::EC2::LaunchTemplate")
            .property("/LaunchTemplateData/ImageId", "ami-0123456789abcdef0")
            .property("/LaunchTemplateData/MetadataOptions/HttpTokens", "required"),
    )
}

fn group(s: &Stack<'_>, health_check: &str) {
    let template = launch_template(s);
    add(
        s,
        RawResource::new("Group", "AWS::AutoScaling::AutoScalingGroup")
            .property("MinSize", "2")
            .property("MaxSize", "4")
            .property("VPCZoneIdentifier", json!(["subnet-0a1b2c3d4e5f60718"]))
            .property("/LaunchTemplate/LaunchTemplateId", template.reference())
            .property(
                "/LaunchTemplate/Version",
                template.attribute("LatestVersionNumber"),
            )
            .property("TargetGroupARNs", json!([TG_ARN]))
            .property("HealthCheckType", health_check),
    );
}

pub(crate) fn f5_broken(s: &Stack<'_>) {
    group(s, "EC2");
}

pub(crate) fn f5_held(s: &Stack<'_>) {
    group(s, "ELB");
}

fn target_group(protocol: &str) -> RawResource {
    RawResource::new("Targets", "AWS::ElasticLoadBalancingV2::TargetGroup")
        .property("VpcId", "vpc-0123456789abcdef0")
        .property("Port", 8443)
        .property("Protocol", protocol)
}

pub(crate) fn f6_broken(s: &Stack<'_>) {
    add(s, target_group("HTTP"));
}

pub(crate) fn f6_held(s: &Stack<'_>) {
    add(s, target_group("HTTPS"));
}

pub(crate) fn f7_broken(s: &Stack<'_>) {
    add(
        s,
        load_balancer(json!([
            { "Key": "deletion_protection.enabled", "Value": "true" },
            { "Key": "routing.http.desync_mitigation_mode", "Value": "monitor" },
        ])),
    );
}

pub(crate) fn f7_held(s: &Stack<'_>) {
    add(
        s,
        load_balancer(json!([
            { "Key": "deletion_protection.enabled", "Value": "true" },
            { "Key": "routing.http.desync_mitigation_mode", "Value": "strictest" },
        ])),
    );
}

fn session_document(kms_key: Value) -> RawResource {
    RawResource::new("Prefs", "AWS::SSM::Document")
        .property("Name", "SSM-SessionManagerRunShell")
        .property("DocumentType", "Session")
        .property("DocumentFormat", "JSON")
        .property(
            "Content",
            json!({
                "schemaVersion": "1.0",
                "sessionType": "Standard_Stream",
                "inputs": {
                    "cloudWatchLogGroupName": "session-logs",
                    "cloudWatchEncryptionEnabled": true,
                    "kmsKeyId": kms_key,
                }
            }),
        )
}

pub(crate) fn sm1_broken(s: &Stack<'_>) {
    add(s, session_document(json!("")));
}

pub(crate) fn sm1_held(s: &Stack<'_>) {
    add(
        s,
        session_document(json!({
            "Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        })),
    );
    // The log group the document names, declared: one of no template is a gap.
    add(
        s,
        RawResource::new("SessionLogs", "AWS::Logs::LogGroup")
            .property("LogGroupName", "session-logs")
            .property("RetentionInDays", 400),
    );
}
