//! The patient portal example (`examples/portal`): its HTTPS front door synthesizes, `check`
//! finds nothing, and it deploys on the local endpoint, where the load balancer's
//! attributes, its listeners, its targets, the Auto Scaling group of the servers, the
//! certificate and the WAF association and logging read back through the service APIs (boto3, from the harness's Python) with the
//! settings of `PublicLoadBalancer`.

use std::process::Command;

use hipaa_stack::prelude::*;
use serde_json::Value;

use crate::deploy::{deployer, options};
use crate::moto::Moto;
use crate::support::{python, python_json, run_example, run_example_with_env};

/// Reads the portal's front door back from `endpoint` through the ELB, WAFv2, ACM and
/// CloudFormation APIs, as JSON.
const READ_BACK: &str = r#"
import json, sys, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1",
          aws_access_key_id="test", aws_secret_access_key="test")
cfn = boto3.client("cloudformation", **kw)
stack = cfn.describe_stacks(StackName="staging-portal-web")["Stacks"][0]
outs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
elb = boto3.client("elbv2", **kw)
arn = outs["LoadBalancerArn"]
lb = elb.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]
attrs = elb.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
listeners = elb.describe_listeners(LoadBalancerArn=arn)["Listeners"]
groups = elb.describe_target_groups(LoadBalancerArn=arn)["TargetGroups"]
health = elb.describe_target_health(TargetGroupArn=groups[0]["TargetGroupArn"])
waf = boto3.client("wafv2", **kw)
acl = waf.get_web_acl_for_resource(ResourceArn=arn).get("WebACL")
logging = waf.get_logging_configuration(ResourceArn=outs["WebAclArn"])["LoggingConfiguration"]
cert = boto3.client("acm", **kw).describe_certificate(CertificateArn=outs["CertificateArn"])
asg = boto3.client("autoscaling", **kw).describe_auto_scaling_groups(
    AutoScalingGroupNames=[outs["ServerGroup"]])["AutoScalingGroups"][0]
ec2 = boto3.client("ec2", **kw)
session = boto3.client("ssm", **kw).get_document(Name="SSM-SessionManagerRunShell")
template = ec2.describe_launch_template_versions(
    LaunchTemplateId=asg["LaunchTemplate"]["LaunchTemplateId"])["LaunchTemplateVersions"][0]
print(json.dumps({
    "outputs": outs,
    "balancer": lb,
    "attributes": {a["Key"]: a["Value"] for a in attrs},
    "listeners": sorted(listeners, key=lambda l: l["Port"]),
    "groups": groups,
    "targets": sorted(h["Target"]["Id"] for h in health["TargetHealthDescriptions"]),
    "acl": acl,
    "logging": logging,
    "certificate": cert["Certificate"],
    "group": asg,
    "template": template["LaunchTemplateData"],
    "session": {"type": session["DocumentType"], "content": json.loads(session["Content"])},
}, default=str))
"#;

fn read_back(moto: &Moto) -> Value {
    python_json(READ_BACK, &[&moto.endpoint])
}

#[test]
fn check_finds_nothing_in_the_portal() {
    let check = run_example("portal", &["check"]);
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(stdout.contains("0 finding(s)"), "{stdout}");
    // Nothing of the front door is even a gap.
    for line in stdout.lines().filter(|l| l.starts_with("gap:")) {
        assert!(!line.contains("portal-web/Front"), "{line}");
        assert!(!line.contains("PortalCert"), "{line}");
    }
}

#[test]
fn the_portal_deploys_and_its_front_door_reads_back_with_its_settings() {
    let moto = Moto::start();
    let out = tempfile::tempdir().unwrap();
    let up = run_example_with_env(
        "portal",
        &[
            "up",
            "--yes",
            "--env",
            "staging",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &moto.env(),
    );
    let stdout = String::from_utf8_lossy(&up.stdout);
    assert!(
        up.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&up.stderr)
    );
    for stack in ["staging-portal-security", "staging-portal-web"] {
        assert!(stdout.contains(&format!("{stack}: created")), "{stdout}");
    }
    assert!(!stdout.contains("production-portal"), "{stdout}");

    let state = read_back(&moto);
    let balancer = &state["balancer"];
    assert_eq!(balancer["Scheme"], "internet-facing");
    assert_eq!(balancer["Type"], "application");
    assert_eq!(balancer["AvailabilityZones"].as_array().unwrap().len(), 2);
    assert_eq!(
        balancer["DNSName"], state["outputs"]["PortalDns"],
        "the output is the load balancer's name"
    );

    let attributes = &state["attributes"];
    for (key, value) in [
        ("access_logs.s3.enabled", "true"),
        ("access_logs.s3.prefix", "Front"),
        ("deletion_protection.enabled", "true"),
        ("routing.http.drop_invalid_header_fields.enabled", "true"),
        ("routing.http.desync_mitigation_mode", "strictest"),
        ("load_balancing.cross_zone.enabled", "true"),
        ("waf.fail_open.enabled", "false"),
    ] {
        assert_eq!(attributes[key], value, "{key} in {attributes}");
    }
    assert!(
        attributes["access_logs.s3.bucket"]
            .as_str()
            .is_some_and(|b| b.starts_with("staging-portal-security-accesslogs")),
        "{attributes}"
    );

    let listeners = state["listeners"].as_array().unwrap();
    assert_eq!(listeners.len(), 2, "{listeners:?}");
    let (http, https) = (&listeners[0], &listeners[1]);
    assert_eq!(http["Port"], 80);
    assert_eq!(http["Protocol"], "HTTP");
    assert_eq!(http["DefaultActions"][0]["Type"], "redirect");
    assert_eq!(
        http["DefaultActions"][0]["RedirectConfig"]["Protocol"],
        "HTTPS"
    );
    assert_eq!(
        http["DefaultActions"][0]["RedirectConfig"]["StatusCode"],
        "HTTP_301"
    );
    assert_eq!(https["Port"], 443);
    assert_eq!(https["Protocol"], "HTTPS");
    assert_eq!(https["SslPolicy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
    assert_eq!(
        https["Certificates"][0]["CertificateArn"],
        state["outputs"]["CertificateArn"]
    );
    assert_eq!(https["DefaultActions"][0]["Type"], "forward");

    let group = &state["groups"][0];
    assert_eq!(group["Protocol"], "HTTPS");
    assert_eq!(group["Port"], 8443);
    assert_eq!(group["HealthCheckProtocol"], "HTTPS");
    assert_eq!(group["HealthCheckPath"], "/health");

    let acl = &state["acl"];
    assert_eq!(acl["ARN"], state["outputs"]["WebAclArn"]);
    let rules: Vec<&str> = acl["Rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["Name"].as_str())
        .collect();
    for group in hipaa_stack::MANAGED_RULE_GROUPS {
        assert!(rules.contains(&group), "{group} in {rules:?}");
    }
    assert!(rules.contains(&"RateLimitPerAddress"), "{rules:?}");
    assert_eq!(
        state["logging"]["LogDestinationConfigs"][0],
        "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-staging-portal-web-Front"
    );

    // The servers: an Auto Scaling group across both private subnets, registered with the
    // load balancer's target group, replaced on the load balancer's health checks, from
    // the hardened launch template.
    let group = &state["group"];
    assert_eq!(group["MinSize"], 2);
    assert_eq!(group["DesiredCapacity"], 2);
    assert_eq!(group["MaxSize"], 4);
    assert_eq!(group["HealthCheckType"], "ELB");
    assert_eq!(
        group["TargetGroupARNs"][0], state["groups"][0]["TargetGroupArn"],
        "the group registers with the load balancer's target group"
    );
    assert_eq!(
        group["VPCZoneIdentifier"]
            .as_str()
            .unwrap()
            .split(',')
            .count(),
        2,
        "{group}"
    );
    assert_eq!(group["Instances"].as_array().unwrap().len(), 2, "{group}");
    let mut registered: Vec<&str> = group["Instances"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["InstanceId"].as_str())
        .collect();
    registered.sort_unstable();
    let targets: Vec<&str> = state["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(registered, targets, "the group's instances are the targets");
    assert!(
        group["EnabledMetrics"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["Metric"] == "GroupInServiceInstances")),
        "{group}"
    );
    let template = &state["template"];
    assert_eq!(template["MetadataOptions"]["HttpTokens"], "required");
    assert_eq!(template["BlockDeviceMappings"][0]["Ebs"]["Encrypted"], true);
    assert!(
        template["IamInstanceProfile"]["Arn"].is_string(),
        "{template}"
    );
    assert!(template.get("NetworkInterfaces").is_none(), "{template}");

    // Administrators: Session Manager sessions encrypted with the key, logged encrypted.
    let session = &state["session"];
    assert_eq!(session["type"], "Session");
    let inputs = &session["content"]["inputs"];
    assert!(
        inputs["kmsKeyId"]
            .as_str()
            .is_some_and(|k| k.starts_with("arn:aws:kms:")),
        "{inputs}"
    );
    assert_eq!(inputs["cloudWatchEncryptionEnabled"], true);
    assert!(
        inputs["cloudWatchLogGroupName"]
            .as_str()
            .is_some_and(|g| g.starts_with("staging-portal-security-SessionsLogs")),
        "{inputs}"
    );

    let certificate = &state["certificate"];
    assert_eq!(
        certificate["Status"], "ISSUED",
        "validated in the hosted zone"
    );
    assert_eq!(certificate["DomainName"], "staging.portal.example.org");

    // Deletion protection holds, as on AWS: `destroy` deletes the stacks, keeps the load
    // balancer (retained, with AWS's reason) and says so.
    let destroy = run_example_with_env(
        "portal",
        &["destroy", "--yes", "--env", "staging"],
        &moto.env(),
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&destroy.stdout),
        String::from_utf8_lossy(&destroy.stderr)
    );
    assert!(destroy.status.success(), "{said}");
    assert!(
        said.contains("staging-portal-web: deleting again, keeping Front"),
        "{said}"
    );
    assert!(
        said.contains("cannot be deleted because deletion protection is enabled"),
        "{said}"
    );
    let still = Command::new(python())
        .args([
            "-c",
            "import sys, boto3; print(boto3.client('elbv2', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='t', aws_secret_access_key='t').describe_load_balancers(LoadBalancerArns=[sys.argv[2]])['LoadBalancers'][0]['State']['Code'])",
            &moto.endpoint,
            balancer["LoadBalancerArn"].as_str().unwrap(),
        ])
        .output()
        .expect("python runs");
    assert!(
        still.status.success(),
        "the load balancer is gone: {}",
        String::from_utf8_lossy(&still.stderr)
    );
}

/// The portal declares staging (account 123456789012, moto's default) and production
/// (111122223333): production with the staging account's credentials is refused before any
/// change, and without `--env` the program does not guess.
#[test]
fn production_with_the_staging_account_s_credentials_is_refused_before_any_change() {
    let moto = Moto::start();
    let up = run_example_with_env(
        "portal",
        &["up", "--yes", "--env", "production", "-v"],
        &moto.env(),
    );
    let stderr = String::from_utf8_lossy(&up.stderr);
    assert_eq!(up.status.code(), Some(12), "{stderr}");
    assert!(
        stderr.contains(
            "environment `production` deploys to account 111122223333, but the credentials are of account 123456789012; nothing was changed"
        ),
        "{stderr}"
    );
    // `-v` lists the calls made: no CloudFormation call at all, one GetCallerIdentity.
    assert!(stderr.contains("API calls to"), "{stderr}");
    assert!(!stderr.contains("CreateChangeSet"), "{stderr}");
    assert!(stderr.contains("GetCallerIdentity"), "{stderr}");

    let up = run_example_with_env("portal", &["up", "--yes"], &moto.env());
    let stderr = String::from_utf8_lossy(&up.stderr);
    assert_eq!(up.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("declares the environments staging, production; pass `--env NAME`"),
        "{stderr}"
    );

    let cfn = Command::new(python())
    .args([
        "-c",
        "import sys, boto3; print(len(boto3.client('cloudformation', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='t', aws_secret_access_key='t').describe_stacks()['Stacks']))",
        &moto.endpoint,
    ])
    .output()
    .expect("python runs");
    assert_eq!(String::from_utf8_lossy(&cfn.stdout).trim(), "0");
}

// ---------------------------------------------------------------------------------------
// What the harness refuses as AWS does (tests/moto/hipaa_moto_frontdoor.py).
// ---------------------------------------------------------------------------------------

/// A stack `edge` with a key, an access-log bucket, a private VPC and `build`'s resources.
fn edge(
    build: impl FnOnce(&Stack<'_>, Handle<SecureVpc>, Handle<AccessLogBucket>, Handle<KmsKey>),
) -> hipaa_stack::Assembly {
    let app = App::new("edge");
    {
        let stack = app.stack("edge").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let logs = stack.add(AccessLogBucket::new("AccessLogs")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.60.0.0/16")).encryption(&key))
            .unwrap();
        build(&stack, net, logs, key);
    }
    app.synth().expect("the app is compliant")
}

/// Deploys `assembly` and returns the error `up` ends with.
async fn refusal(assembly: &hipaa_stack::Assembly) -> String {
    let moto = Moto::start();
    let err = deployer(&moto, assembly, options())
        .await
        .up()
        .await
        .expect_err("the endpoint refuses the stack");
    err.to_string()
}

#[tokio::test]
async fn access_logs_to_a_bucket_that_does_not_admit_elb_are_refused_as_on_aws() {
    // An internal load balancer of the escape hatch, logging to an `AccessLogBucket` that no
    // `PublicLoadBalancer` uses: its policy admits S3's log delivery only.
    let assembly = edge(|stack, net, logs, _| {
        let group = stack.add(SecurityGroup::new("LbSg", &net)).unwrap();
        stack
            .add(
                RawResource::new("Lb", "AWS::ElasticLoadBalancingV2::LoadBalancer")
                    .property("Scheme", "internal")
                    .property("/Subnets/0", net.private_subnet_id(0))
                    .property("/Subnets/1", net.private_subnet_id(1))
                    .property("/SecurityGroups/0", group.group_id())
                    .property("/LoadBalancerAttributes/0/Key", "access_logs.s3.enabled")
                    .property("/LoadBalancerAttributes/0/Value", "true")
                    .property("/LoadBalancerAttributes/1/Key", "access_logs.s3.bucket")
                    .property("/LoadBalancerAttributes/1/Value", logs.name())
                    .property(
                        "/LoadBalancerAttributes/2/Key",
                        "routing.http.drop_invalid_header_fields.enabled",
                    )
                    .property("/LoadBalancerAttributes/2/Value", "true")
                    .property(
                        "/LoadBalancerAttributes/3/Key",
                        "deletion_protection.enabled",
                    )
                    .property("/LoadBalancerAttributes/3/Value", "true"),
            )
            .unwrap();
    });
    let err = refusal(&assembly).await;
    assert!(err.contains("Access Denied for bucket"), "{err}");
}

#[tokio::test]
async fn waf_logs_to_a_log_group_without_the_prefix_are_refused_as_on_aws() {
    let assembly = edge(|stack, _, _, key| {
        let logs = stack
            .add(LogGroup::new("AclLogs").encryption(&key))
            .unwrap();
        let acl = stack
            .add(
                RawResource::new("Acl", "AWS::WAFv2::WebACL")
                    .property("Scope", "REGIONAL")
                    .property("/DefaultAction/Allow", serde_json::json!({}))
                    .property("/VisibilityConfig/SampledRequestsEnabled", true)
                    .property("/VisibilityConfig/CloudWatchMetricsEnabled", true)
                    .property("/VisibilityConfig/MetricName", "acl"),
            )
            .unwrap();
        stack
            .add(
                RawResource::new("AclLogging", "AWS::WAFv2::LoggingConfiguration")
                    .property("ResourceArn", acl.attribute("Arn"))
                    .property("/LogDestinationConfigs/0", logs.arn()),
            )
            .unwrap();
    });
    let err = refusal(&assembly).await;
    assert!(err.contains("must start with aws-waf-logs-"), "{err}");
}

#[test]
fn the_report_shows_the_front_door_rules_enforced_with_evidence() {
    let out = tempfile::tempdir().unwrap();
    let report = run_example(
        "portal",
        &["report", "--full", "--out", out.path().to_str().unwrap()],
    );
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("report.json")).expect("report.json"),
    )
    .expect("the report is JSON");
    let evidence = |rule: &str| -> Vec<(String, String)> {
        json["controls"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["rules"].as_array().unwrap())
            .filter(|r| r["id"] == rule)
            .flat_map(|r| r["enforced"].as_array().cloned().unwrap_or_default())
            .map(|e| {
                (
                    e["logicalId"].as_str().unwrap_or("").to_owned(),
                    e["path"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    for (rule, logical_id, path) in [
        ("F1", "FrontHttps", "/Properties/SslPolicy"),
        ("F1", "FrontHttpRedirect", "/Properties/DefaultActions"),
        (
            "F2",
            "FrontHttps",
            "/Properties/Certificates/0/CertificateArn",
        ),
        ("F3", "Front", "/Properties/LoadBalancerAttributes/1/Value"),
        ("F4", "FrontWebAclAssociation", "/Properties/ResourceArn"),
        ("F4", "FrontWafLogging", "/Properties/LogDestinationConfigs"),
        ("F5", "Web", "/Properties/HealthCheckType"),
        ("F6", "FrontTargets", "/Properties/Protocol"),
        ("F7", "Front", "/Properties/LoadBalancerAttributes/0/Value"),
        ("SM1", "Sessions", "/Properties/Content/inputs/kmsKeyId"),
    ] {
        let found = evidence(rule);
        assert!(
            found.contains(&(logical_id.to_owned(), path.to_owned())),
            "{rule}: no evidence at {logical_id}{path} in {found:?}"
        );
    }
}
