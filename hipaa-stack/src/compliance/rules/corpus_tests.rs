//! The spelling corpus (`tests/corpora/spellings.json`), run by the library's own tests so
//! that mutation testing of the rules (`scripts/mutants`) needs no integration build: every
//! non-compliant spelling is caught, and the typed constructs still produce no finding.

use serde_json::Value;

use crate::compliance::{Evaluation, Status};
use crate::prelude::*;
use crate::testing::evaluate;

const CORPUS: &str = include_str!("../../../../tests/corpora/spellings.json");
const COMPLIANT: &str = include_str!("../../../../tests/corpora/compliant.json");

fn evaluation_of(case: &Value) -> Evaluation {
    assembly_of(case).evaluation().clone()
}

fn assembly_of(case: &Value) -> crate::Assembly {
    let app = App::new("corpus");
    {
        let stack = app.stack("corpus").expect("a valid stack name");
        for (id, spec) in case["resources"].as_object().expect("resources") {
            let mut raw = RawResource::new(
                id.as_str(),
                spec["Type"].as_str().expect("a type").to_owned(),
            );
            for (name, value) in spec["Properties"].as_object().into_iter().flatten() {
                raw = raw.property(name, value.clone());
            }
            match spec["Keep"].as_str() {
                Some("Retain") => raw = raw.keep(Keep::Retain),
                Some("Snapshot") => raw = raw.keep(Keep::Snapshot),
                _ => {}
            }
            stack.add(raw).expect("a valid raw resource");
        }
    }
    app.check().expect("check returns the assembly")
}

#[test]
fn every_spelling_of_the_corpus_is_caught() {
    let cases: Value = crate::cfn::tree::from_str(CORPUS).expect("the corpus is JSON");
    let mut missed = Vec::new();
    for case in cases.as_array().expect("a list of cases") {
        let (rule, target) = (&case["rule"], &case["target"]);
        let evaluation = evaluation_of(case);
        // Where a case says what the finding must say, it must say it.
        let says = |text: &str| case["says"].as_str().is_none_or(|s| text.contains(s));
        let caught = evaluation.results.iter().any(|c| {
            *rule == c.rule
                && *target == *c.logical_id
                && match (&c.status, case["expect"].as_str()) {
                    (Status::Gap { reason }, Some("gap")) => says(reason),
                    (Status::Failed { finding }, Some("fail") | None) => says(finding),
                    _ => false,
                }
        });
        if !caught {
            missed.push(format!("{rule} on {target}: {}", case["why"]));
        }
    }
    assert!(missed.is_empty(), "not caught:\n{}", missed.join("\n"));
}

#[test]
fn a_typed_app_with_every_construct_has_no_finding() {
    let app = typed_app();
    let assembly = app.check().expect("check returns the assembly");
    let failed: Vec<String> = assembly
        .evaluation()
        .results
        .iter()
        .filter(|c| matches!(c.status, Status::Failed { .. }))
        .map(|c| format!("{} on {}: {:?}", c.rule, c.logical_id, c.status))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    let enforced = assembly
        .evaluation()
        .results
        .iter()
        .filter(|c| matches!(c.status, Status::Enforced { .. }))
        .count();
    assert!(enforced > 100, "only {enforced} rules enforced");
}

/// A policy resource that guards a store the app keeps (a bucket's TLS-only policy, a
/// queue's) is kept with it: without a `DeletionPolicy` CloudFormation deletes it with the
/// stack, and `destroy` would leave the store it keeps open to requests without TLS (probe
/// 17d's F3).
#[test]
fn every_policy_of_a_kept_store_is_kept_with_it() {
    let app = typed_app();
    let assembly = app.check().expect("check returns the assembly");
    let mut read = 0;
    for stack in assembly.stacks() {
        let template = stack.template();
        for policy in template.resources() {
            let guarded = match policy.type_name() {
                "AWS::S3::BucketPolicy" => vec![&policy.properties()["Bucket"]],
                "AWS::SQS::QueuePolicy" => policy.properties()["Queues"]
                    .as_array()
                    .map(|q| q.iter().collect())
                    .unwrap_or_default(),
                _ => continue,
            };
            for target in guarded {
                let kept = target["Ref"]
                    .as_str()
                    .and_then(|id| template.resource(id))
                    .and_then(crate::cfn::Resource::kept);
                if let Some(keep) = kept {
                    read += 1;
                    assert_eq!(
                        policy.kept(),
                        Some(keep),
                        "{}/{} guards a kept store",
                        stack.name(),
                        policy.logical_id()
                    );
                }
            }
        }
    }
    // The records, audit, baseline and access-log buckets; the queue and its dead letters;
    // the function's dead letters.
    assert!(read >= 7, "{read} kept stores with a policy");
}

/// An app with every construct, each written as the README shows.
fn typed_app() -> App {
    let app = App::new("typed");
    let security = app.stack("security").unwrap();
    let key = security.add(KmsKey::new("PhiKey")).unwrap();
    let logs = security.add(AccessLogBucket::new("AccessLogs")).unwrap();
    let trail = security
        .add(AuditTrail::new("Audit").encryption(&key).access_logs(&logs))
        .unwrap();
    let oncall = security
        .add(
            AlarmTopic::new("OnCall")
                .encryption(&key)
                .email("oncall@example.com"),
        )
        .unwrap();
    security.add(trail.security_alarms(&oncall)).unwrap();
    security
        .add(
            AccountBaseline::new("Baseline")
                .encryption(&key)
                .access_logs(&logs),
        )
        .unwrap();
    let data = app.stack("data").unwrap();
    let records = data
        .add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs),
        )
        .unwrap();
    let net = data
        .add(
            SecureVpc::new("Net", cidr!("10.20.0.0/16"))
                .encryption(&key)
                .public_tier(),
        )
        .unwrap();
    let web = data
        .add(
            SecurityGroup::new("Web", &net)
                .description("the load balancer")
                .ingress(Https, cidr!("0.0.0.0/0"), "HTTPS from patients"),
        )
        .unwrap();
    let servers = data
        .add(
            SecurityGroup::new("Servers", &net)
                .description("the servers")
                .ingress(Tcp::<8443>, &web, "TLS from the load balancer"),
        )
        .unwrap();
    let ehr = data
        .add(
            EncryptedDatabase::mysql("Ehr")
                .encryption(&key)
                .network(&net)
                .backup_retention(days!(35)),
        )
        .unwrap();
    data.add(ehr.allow_from("ServersToEhr", &servers)).unwrap();
    let role = data
        .add(Role::new("App", ServicePrincipal::Ec2).agent_permissions(AgentPermissions::SsmAgent))
        .unwrap();
    data.add(records.grant_read("Read", &role)).unwrap();
    data.add(ehr.grant_connect("Connect", &role, "app"))
        .unwrap();
    let server = data
        .add(
            SecureInstance::new("Server", Ami::ssm_parameter("/aws/service/ami"))
                .encryption(&key)
                .network(&net)
                .role(&role)
                .security_group(&servers),
        )
        .unwrap();
    security
        .add(crate::SessionManagerPreferences::new("Sessions").encryption(&key))
        .unwrap();
    let cert = data
        .add(crate::Certificate::dns("PortalCert", "portal.example.org"))
        .unwrap();
    data.add(
        crate::PublicLoadBalancer::new("Front", &net)
            .encryption(&key)
            .access_logs(&logs)
            .https(&cert, crate::TlsPolicy::default())
            .redirect_http()
            .target(&server)
            .target_port(8443),
    )
    .unwrap();
    data.add(
        LogGroup::new("AppLogs")
            .encryption(&key)
            .retention(days!(731)),
    )
    .unwrap();
    data.add(
        BackupPlan::new("Daily")
            .encryption(&key)
            .protect(&ehr)
            .protect(&server)
            .protect(&records),
    )
    .unwrap();
    let reader = data
        .add(
            crate::Function::new("Reader", crate::Code::zip("reader.zip"))
                .encryption(&key)
                .network(&net),
        )
        .unwrap();
    data.add(
        crate::SecureApi::new("Docs")
            .encryption(&key)
            .waf(crate::Waf::managed_rules())
            .route(
                crate::HttpMethod::Get,
                "/docs/{id}",
                &reader,
                crate::Auth::iam(),
            ),
    )
    .unwrap();
    data.add(crate::SecureQueue::new("Jobs").encryption(&key))
        .unwrap();
    app
}

/// No case of either corpus is another's again (the same rule, target and resources): a
/// case written twice proves nothing more, and a changed case that became another hides
/// the spelling it was written for.
#[test]
fn no_case_of_either_corpus_is_written_twice() {
    for (name, corpus) in [("spellings", CORPUS), ("compliant", COMPLIANT)] {
        let cases: Value = crate::cfn::tree::from_str(corpus).expect("the corpus is JSON");
        let cases = cases.as_array().expect("a list of cases");
        let mut twice = Vec::new();
        // The cases of each rule and target so far, compared among themselves.
        let mut of: std::collections::HashMap<(String, String), Vec<usize>> =
            std::collections::HashMap::new();
        for (at, case) in cases.iter().enumerate() {
            let earlier = of
                .entry((case["rule"].to_string(), case["target"].to_string()))
                .or_default();
            if let Some(&first) = earlier
                .iter()
                .find(|&&first| cases[first]["resources"] == case["resources"])
            {
                twice.push(format!(
                    "{} on {}: case {at} ({}) is case {first} ({})",
                    case["rule"], case["target"], case["why"], cases[first]["why"]
                ));
            }
            earlier.push(at);
        }
        assert!(
            twice.is_empty(),
            "{name}: written twice:\n{}",
            twice.join("\n")
        );
    }
}

#[test]
fn every_compliant_spelling_holds_with_evidence_in_the_template() {
    let cases: Value = crate::cfn::tree::from_str(COMPLIANT).expect("the corpus is JSON");
    let mut wrong = Vec::new();
    for case in cases.as_array().expect("a list of cases") {
        let (rule, target) = (&case["rule"], &case["target"]);
        let assembly = assembly_of(case);
        let found: Vec<&Status> = assembly
            .evaluation()
            .results
            .iter()
            .filter(|c| *rule == c.rule && *target == *c.logical_id)
            .map(|c| &c.status)
            .collect();
        if case["expect"] == "absent" {
            if !found.is_empty() {
                wrong.push(format!(
                    "{rule} on {target} ({}): {found:?}, not absent",
                    case["why"]
                ));
            }
            continue;
        }
        match found.as_slice() {
            [Status::Enforced { evidence }] if !evidence.is_empty() => {
                if let Some(n) = case["evidence_count"].as_u64()
                    && evidence.len() as u64 != n
                {
                    wrong.push(format!(
                        "{rule} on {target} ({}): {} proofs, not {n}: {evidence:?}",
                        case["why"],
                        evidence.len()
                    ));
                }
                // Where a case names its evidence, the rule must point there.
                for expected in case["evidence"].as_array().into_iter().flatten() {
                    let named = evidence
                        .iter()
                        .any(|p| expected[0] == *p.logical_id && expected[1] == *p.path);
                    if !named {
                        wrong.push(format!(
                            "{rule} on {target} ({}): no evidence at {expected} in {evidence:?}",
                            case["why"]
                        ));
                    }
                }
                for proof in evidence {
                    if assembly.evidence("corpus", proof).is_none() {
                        wrong.push(format!(
                            "{rule} on {target} ({}): no value at {}{}",
                            case["why"], proof.logical_id, proof.path
                        ));
                    }
                }
            }
            other => wrong.push(format!("{rule} on {target} ({}): {other:?}", case["why"])),
        }
    }
    assert!(wrong.is_empty(), "not held:\n{}", wrong.join("\n"));
}

#[test]
fn only_the_never_holds_phi_waiver_waives_h1() {
    use crate::compliance::{Waiver, rule, rule_spec};
    assert!(!rule_spec("H1").unwrap().waivable());
    assert!(!rule_spec("S1").unwrap().waivable());
    assert!(!rule_spec("P1").unwrap().waivable());
    assert!(rule_spec("U1").unwrap().waivable());
    assert!(rule_spec("S9").unwrap().waivable());
    assert!(rule_spec("H1").unwrap().applies_to("AWS::Anything::AtAll"));
    assert!(rule_spec("S1").unwrap().applies_to("AWS::S3::Bucket"));
    assert!(!rule_spec("S1").unwrap().applies_to("AWS::SQS::Queue"));

    let app = App::new("waivers");
    let stack = app.stack("s").unwrap();
    let fleet = stack
        .add(RawResource::new("Fleet", "AWS::GameLift::Fleet"))
        .unwrap();
    let queue = stack
        .add(RawResource::new("Queue", "AWS::SQS::Queue"))
        .unwrap();
    let reason = "the waiting-room game servers never see patient data";
    app.waive(Waiver::never_holds_phi(&fleet, reason)).unwrap();
    app.waive(Waiver::new(rule::U1, &fleet, reason)).unwrap();
    app.waive(Waiver::never_holds_phi(&queue, reason)).unwrap();
    let assembly = app.check().unwrap();
    let status = |rule: &str, id: &str| crate::testing::status_of(&assembly, rule, id).unwrap();
    assert!(
        matches!(status("H1", "Fleet"), Status::Waived { ref reason, .. } if reason.starts_with("never holds PHI: ")),
        "{:?}",
        status("H1", "Fleet")
    );
    assert!(matches!(status("U1", "Fleet"), Status::Waived { .. }));
    assert!(matches!(status("A2", "Queue"), Status::Failed { .. }));
    assert!(matches!(status("H1", "Queue"), Status::Enforced { .. }));
}

#[test]
fn a_bucket_policy_of_another_stack_without_the_tls_denial_is_found() {
    let app = App::new("split");
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
    let other = app.stack("other").unwrap();
    // A policy of another stack on another bucket, by name, says nothing about `Records`.
    other
        .add(
            RawResource::new("Elsewhere", "AWS::S3::BucketPolicy")
                .property("Bucket", "some-other-bucket")
                .property(
                    "PolicyDocument",
                    serde_json::json!({ "Statement": [{ "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*" }] }),
                ),
        )
        .unwrap();
    let before = app.check().unwrap();
    assert!(before.evaluation().results.iter().any(|c| c.rule == "S8"
        && &*c.logical_id == "Records"
        && matches!(c.status, Status::Enforced { .. })));
    other
        .add(
            RawResource::new("Loose", "AWS::S3::BucketPolicy")
                .property("Bucket", records.name())
                .property(
                    "PolicyDocument",
                    serde_json::json!({
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Effect": "Allow",
                            "Principal": { "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } },
                            "Action": "s3:GetObject",
                            "Resource": "*",
                        }],
                    }),
                ),
        )
        .unwrap();
    let assembly = app.check().unwrap();
    let s8 = crate::testing::status_of(&assembly, "S8", "Records").unwrap();
    match s8 {
        Status::Failed { finding } => assert!(finding.contains("`other/Loose`"), "{finding}"),
        other => panic!("S8 is {other:?}"),
    }
}

#[test]
fn an_instance_of_a_cluster_of_another_stack_is_judged_on_that_cluster() {
    let app = App::new("aurora");
    let data = app.stack("data").unwrap();
    let cluster = data
        .add(RawResource::new("Ehr", "AWS::RDS::DBCluster").property("Engine", "aurora-postgresql"))
        .unwrap();
    let readers = app.stack("readers").unwrap();
    readers
        .add(
            RawResource::new("Reader", "AWS::RDS::DBInstance")
                .property("Engine", "aurora-postgresql")
                .property("/DBClusterIdentifier", cluster.reference()),
        )
        .unwrap();
    readers
        .add(
            RawResource::new("Stray", "AWS::RDS::DBInstance")
                .property("Engine", "aurora-postgresql")
                .property("DBClusterIdentifier", "legacy"),
        )
        .unwrap();
    let assembly = app.check().unwrap();
    let r1 = |id: &str| crate::testing::status_of(&assembly, "R1", id);
    // The imported cluster is the app's: R1 judges the cluster, not its member.
    assert_eq!(r1("Reader"), None);
    assert!(matches!(r1("Ehr"), Some(Status::Failed { .. })));
    assert!(
        matches!(r1("Stray"), Some(Status::Failed { ref finding }) if finding.contains("no cluster of the app"))
    );
}

#[test]
fn a_topic_policy_of_another_stack_without_the_tls_denial_is_found() {
    let app = App::new("split");
    let alarms = app.stack("alarms").unwrap();
    let key = alarms.add(KmsKey::new("PhiKey")).unwrap();
    let topic = alarms
        .add(AlarmTopic::new("OnCall").encryption(&key))
        .unwrap();
    let n2 = |app: &App| {
        app.check()
            .unwrap()
            .evaluation()
            .results
            .iter()
            .find(|c| c.rule == "N2" && &*c.logical_id == "OnCall")
            .map(|c| c.status.clone())
            .unwrap()
    };
    assert!(
        matches!(n2(&app), Status::Enforced { .. }),
        "{:?}",
        n2(&app)
    );
    let other = app.stack("other").unwrap();
    // A policy of another stack that names the topic by import replaces its policy.
    other
        .add(
            RawResource::new("Loose", "AWS::SNS::TopicPolicy")
                .property("/Topics/0", topic.arn())
                .property(
                    "PolicyDocument",
                    serde_json::json!({
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Effect": "Allow",
                            "Principal": { "Service": "events.amazonaws.com" },
                            "Action": "sns:Publish",
                            "Resource": "*",
                        }],
                    }),
                ),
        )
        .unwrap();
    match n2(&app) {
        Status::Failed { finding } => assert!(finding.contains("`other/Loose`"), "{finding}"),
        other => panic!("N2 is {other:?}"),
    }
}

/// Run-time text of the typed API (descriptions) that carries a secret reaches the template
/// as a plain string: P1 reads it there, as in any escape-hatch property.
#[test]
fn typed_descriptions_that_carry_a_secret_fail_p1() {
    let app = App::new("typed");
    let stack = app.stack("s").unwrap();
    let key = stack
        .add(KmsKey::new("PhiKey").description("for postgres://app:hunter2@ehr.internal/ehr"))
        .unwrap();
    let net = stack
        .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
        .unwrap();
    stack
        .add(SecurityGroup::new("Web", &net).description("web tier; DB_PASSWORD=hunter2"))
        .unwrap();
    stack
        .add(
            Secret::new("Db")
                .encryption(&key)
                .rotation(
                    "arn:aws:lambda:us-east-1:${AWS::AccountId}:function:rotate",
                    days!(30),
                )
                .description("rotated monthly; old api_key=abc123"),
        )
        .unwrap();
    let assembly = app.check().unwrap();
    let p1 = |id: &str| crate::testing::status_of(&assembly, "P1", id).unwrap();
    for (id, says) in [
        ("PhiKey", "password in a URL"),
        ("Web", "GroupDescription"),
        ("Db", "Description"),
    ] {
        match p1(id) {
            Status::Failed { finding } => assert!(finding.contains(says), "{id}: {finding}"),
            other => panic!("P1 on {id}: {other:?}"),
        }
    }
    // Prose about secrets is not a secret.
    let app = App::new("prose");
    let stack = app.stack("s").unwrap();
    stack
        .add(KmsKey::new("PhiKey").description("the password: rotated by Secrets Manager"))
        .unwrap();
    let assembly = app.check().unwrap();
    assert!(
        assembly
            .evaluation()
            .results
            .iter()
            .any(|c| c.rule == "P1" && matches!(c.status, Status::Enforced { .. }))
    );
}

/// The stack's description is text made at run time that DescribeStacks shows.
#[test]
fn a_stack_description_that_carries_a_secret_fails_p1() {
    for (description, says) in [
        ("ehr; DB_PASSWORD=hunter2", "assigns a secret"),
        ("ehr at postgres://app:hunter2@db/ehr", "password in a URL"),
    ] {
        let app = App::new("described");
        let stack = app.stack("s").unwrap().description(description);
        stack.add(KmsKey::new("First")).unwrap();
        stack.add(KmsKey::new("Second")).unwrap();
        let assembly = app.check().unwrap();
        let failed: Vec<(&str, String)> = assembly
            .evaluation()
            .results
            .iter()
            .filter(|c| c.rule == "P1")
            .filter_map(|c| match &c.status {
                Status::Failed { finding } => Some((&*c.logical_id, finding.clone())),
                _ => None,
            })
            .collect();
        // Once, with the first resource of the template.
        assert_eq!(failed.len(), 1, "{failed:?}");
        assert_eq!(failed[0].0, "First");
        assert!(failed[0].1.contains(says), "{}", failed[0].1);
    }
    let app = App::new("described");
    let stack = app
        .stack("s")
        .unwrap()
        .description("the EHR; passwords: managed by RDS");
    stack.add(KmsKey::new("First")).unwrap();
    let assembly = app.check().unwrap();
    assert!(assembly.evaluation().findings().is_empty());
}

#[test]
fn a_web_acl_of_another_stack_proves_f4_and_the_template_searched_is_its_own() {
    use serde_json::json;
    let app = App::new("edge");
    // A stack before the others, with resources of the same logical ids as the web ACL's:
    // the rule must read the stack that holds the association, not the first one.
    let first = app.stack("first").unwrap();
    first
        .add(RawResource::new("Acl", "AWS::WAFv2::WebACL").property("Rules", json!([])))
        .unwrap();
    let web = app.stack("web").unwrap();
    let balancer = crate::testing::public_balancer;
    let lb = web.add(balancer("Lb")).unwrap();
    let waf = app.stack("waf").unwrap();
    let acl = waf.add(crate::testing::blocking_web_acl("Acl")).unwrap();
    waf.add(
        RawResource::new("Association", "AWS::WAFv2::WebACLAssociation")
            .property("ResourceArn", lb.reference())
            .property("WebACLArn", acl.attribute("Arn")),
    )
    .unwrap();
    // The web ACL logs to a log group of its own template (an ARN written as text that no
    // template declares would leave a gap: nothing shows its key or retention).
    let logs = waf.add(crate::testing::waf_log_group("Logs")).unwrap();
    waf.add(
        RawResource::new("Logging", "AWS::WAFv2::LoggingConfiguration")
            .property("ResourceArn", acl.attribute("Arn"))
            .property("/LogDestinationConfigs/0", logs.attribute("Arn")),
    )
    .unwrap();
    // A load balancer of the ACL's own stack, after `first`.
    let own = waf.add(balancer("OwnLb")).unwrap();
    waf.add(
        RawResource::new("OwnAssociation", "AWS::WAFv2::WebACLAssociation")
            .property("ResourceArn", own.reference())
            .property("WebACLArn", acl.attribute("Arn")),
    )
    .unwrap();
    let assembly = app.check().unwrap();
    let f4 = |stack: &str, id: &str| {
        assembly
            .evaluation()
            .results
            .iter()
            .find(|c| c.rule == "F4" && &*c.stack == stack && &*c.logical_id == id)
            .map(|c| c.status.clone())
            .unwrap()
    };
    match f4("web", "Lb") {
        Status::Enforced { evidence } => {
            let ids: Vec<&str> = evidence.iter().map(|p| p.logical_id.as_str()).collect();
            assert_eq!(ids, ["waf/Association", "waf/Acl", "waf/Logging"]);
        }
        other => panic!("F4 on web/Lb: {other:?}"),
    }
    match f4("waf", "OwnLb") {
        Status::Enforced { evidence } => {
            let ids: Vec<&str> = evidence.iter().map(|p| p.logical_id.as_str()).collect();
            assert_eq!(ids, ["OwnAssociation", "Acl", "Logging"]);
        }
        other => panic!("F4 on waf/OwnLb: {other:?}"),
    }
}

use crate::testing::template;

fn raw(id: &str, type_name: &str, properties: Value) -> crate::cfn::Resource {
    crate::cfn::Resource::raw(id.to_owned(), type_name.to_owned(), properties)
}

fn status_of<'e>(evaluation: &'e Evaluation, rule: &str, stack: &str, id: &str) -> &'e Status {
    let found: Vec<&Status> = evaluation
        .results
        .iter()
        .filter(|c| c.rule == rule && &*c.stack == stack && &*c.logical_id == id)
        .map(|c| &c.status)
        .collect();
    assert_eq!(found.len(), 1, "{rule} on {stack}/{id}: {found:?}");
    found[0]
}

/// Stack `data`'s template: bucket `B`, exported as `data:B:Ref`.
fn exported_bucket() -> crate::cfn::Template {
    template(
        vec![raw("B", "AWS::S3::Bucket", serde_json::json!({}))],
        vec![crate::cfn::Output {
            name: "B".to_owned(),
            value: crate::cfn::Expr::reference("B"),
            description: None,
            export: Some("data:B:Ref".to_owned()),
        }],
    )
}

/// The TLS denial of bucket `B`.
fn tls_denial() -> Value {
    serde_json::json!({
        "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [{ "Fn::GetAtt": ["B", "Arn"] }, { "Fn::Sub": "${B.Arn}/*" }],
        "Condition": { "Bool": { "aws:SecureTransport": "false" } },
    })
}

#[test]
fn a_branch_of_a_neighbour_in_another_stack_is_read_in_every_combination() {
    use serde_json::json;
    // The bucket's only policy is in another stack, and names the bucket (by the import of
    // its stack's export) only when that stack's `C` is true.
    let data = exported_bucket();
    let mut denial = tls_denial();
    denial["Resource"] = json!("*");
    let policy = |bucket: Value| {
        raw(
            "P",
            "AWS::S3::BucketPolicy",
            json!({ "Bucket": bucket, "PolicyDocument": { "Statement": [denial.clone()] } }),
        )
    };
    let hidden = template(
        vec![policy(
            json!({ "Fn::If": ["C", { "Fn::ImportValue": "data:B:Ref" }, "another-bucket"] }),
        )],
        Vec::new(),
    );
    let evaluation = evaluate(&[("data", &data), ("edge", &hidden)]);
    match status_of(&evaluation, "S8", "data", "B") {
        Status::Failed { finding } => assert!(
            finding.starts_with("when `edge/C` is false: no `AWS::S3::BucketPolicy`"),
            "{finding}"
        ),
        other => panic!("S8 on data/B: {other:?}"),
    }
    // Named in both branches, the policy holds, with evidence where it is written.
    let both = template(
        vec![policy(
            json!({ "Fn::If": ["C", { "Fn::ImportValue": "data:B:Ref" }, { "Fn::ImportValue": "data:B:Ref" }] }),
        )],
        Vec::new(),
    );
    let evaluation = evaluate(&[("data", &data), ("edge", &both)]);
    match status_of(&evaluation, "S8", "data", "B") {
        Status::Enforced { evidence } => {
            assert_eq!(evidence.len(), 1, "{evidence:?}");
            assert_eq!(evidence[0].logical_id, "edge/P");
            assert_eq!(evidence[0].path, "/Properties/PolicyDocument/Statement/0");
        }
        other => panic!("S8 on data/B: {other:?}"),
    }
}

#[test]
fn evidence_in_a_neighbour_s_branch_points_at_the_branch_as_written() {
    use serde_json::json;
    let stack = template(
        vec![
            raw("B", "AWS::S3::Bucket", json!({})),
            raw(
                "P",
                "AWS::S3::BucketPolicy",
                json!({
                    "Bucket": { "Ref": "B" },
                    "PolicyDocument": { "Statement": [
                        { "Fn::If": ["C", tls_denial(), { "Ref": "AWS::NoValue" }] },
                        tls_denial(),
                    ] },
                }),
            ),
        ],
        Vec::new(),
    );
    let stacks = [("s", &stack)];
    let evaluation = evaluate(&stacks);
    match status_of(&evaluation, "S8", "s", "B") {
        Status::Enforced { evidence } => {
            let paths: Vec<&str> = evidence.iter().map(|p| p.path.as_str()).collect();
            // When `C` is true the first denial is found, in its branch; when it is
            // false, the second, moved up to the first place in that reading.
            assert_eq!(
                paths,
                [
                    "/Properties/PolicyDocument/Statement/1",
                    "/Properties/PolicyDocument/Statement/0/Fn::If/1"
                ]
            );
            for proof in evidence {
                let value = stack
                    .resource("P")
                    .and_then(|p| p.value_at(&proof.path))
                    .expect("the evidence is in the template");
                assert_eq!(value["Effect"], "Deny");
            }
        }
        other => panic!("S8 on s/B: {other:?}"),
    }
}

#[test]
fn more_conditions_in_the_app_than_are_read_fail_every_resource_that_tests_one() {
    use serde_json::json;
    // Four conditions in one stack and three in another: no resource tests more than six,
    // but the app does, and its neighbours would be read with their `Fn::If` left in.
    let queue = |id: &str, conditions: &[&str]| {
        let mut properties = serde_json::Map::new();
        for (i, c) in conditions.iter().enumerate() {
            properties.insert(format!("P{i}"), json!({ "Fn::If": [c, 1, 2] }));
        }
        raw(id, "AWS::SQS::Queue", Value::Object(properties))
    };
    let one = template(vec![queue("Q", &["A", "B", "C", "D"])], Vec::new());
    let two = template(
        vec![queue("R", &["A", "B", "C"]), queue("Plain", &[])],
        Vec::new(),
    );
    let evaluation = evaluate(&[("one", &one), ("two", &two)]);
    for (stack, id, own) in [("one", "Q", 4), ("two", "R", 3)] {
        match status_of(&evaluation, "U2", stack, id) {
            Status::Failed { finding } => assert!(
                finding.contains(&format!("test {own} conditions (`Fn::If`) and the app 7;")),
                "{finding}"
            ),
            other => panic!("U2 on {stack}/{id}: {other:?}"),
        }
    }
    assert!(
        !evaluation
            .results
            .iter()
            .any(|c| c.rule == "U2" && &*c.logical_id == "Plain"),
        "a resource without conditions is not a finding of U2"
    );
    // Six in the app are read: no U2 finding.
    let two = template(vec![queue("R", &["A", "B"])], Vec::new());
    let evaluation = evaluate(&[("one", &one), ("two", &two)]);
    assert!(
        !evaluation
            .results
            .iter()
            .any(|c| c.rule == "U2" && matches!(c.status, Status::Failed { .. })),
        "six conditions in the app are read"
    );
}

#[test]
fn bucket_policies_of_stacks_before_and_after_the_bucket_s_are_read_in_stack_order() {
    use serde_json::json;
    let exported = |stack: &str| crate::cfn::Output {
        name: "B".to_owned(),
        value: crate::cfn::Expr::reference("B"),
        description: None,
        export: Some(format!("{stack}:B:Ref")),
    };
    let policy = |id: &str, bucket: Value| {
        let mut denial = tls_denial();
        denial["Resource"] = json!("*");
        raw(
            id,
            "AWS::S3::BucketPolicy",
            json!({ "Bucket": bucket, "PolicyDocument": { "Statement": [denial] } }),
        )
    };
    let import = json!({ "Fn::ImportValue": "data:B:Ref" });
    let early = template(vec![policy("Early", import.clone())], Vec::new());
    let data = template(
        vec![
            raw("B", "AWS::S3::Bucket", json!({})),
            policy("Own", json!({ "Ref": "B" })),
        ],
        vec![exported("data")],
    );
    let late = template(vec![policy("Late", import)], Vec::new());
    let evaluation = evaluate(&[("early", &early), ("data", &data), ("late", &late)]);
    match status_of(&evaluation, "S8", "data", "B") {
        Status::Enforced { evidence } => {
            let ids: Vec<&str> = evidence.iter().map(|p| p.logical_id.as_str()).collect();
            assert_eq!(ids, ["early/Early", "Own", "late/Late"]);
        }
        other => panic!("S8 on data/B: {other:?}"),
    }
    // The policy of an earlier stack alone holds the bucket too.
    let alone = template(
        vec![raw("B", "AWS::S3::Bucket", json!({}))],
        vec![exported("data")],
    );
    let evaluation = evaluate(&[("early", &early), ("data", &alone)]);
    assert!(
        matches!(
            status_of(&evaluation, "S8", "data", "B"),
            Status::Enforced { .. }
        ),
        "{:?}",
        status_of(&evaluation, "S8", "data", "B")
    );
}

#[test]
fn a_policy_of_another_bucket_or_of_a_resource_that_is_none_is_told_apart() {
    use serde_json::json;
    let loose = |bucket: Value| {
        raw(
            "Loose",
            "AWS::S3::BucketPolicy",
            json!({ "Bucket": bucket, "PolicyDocument": { "Statement": [{
                "Effect": "Allow", "Principal": { "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } },
                "Action": "s3:GetObject", "Resource": "*",
            }] } }),
        )
    };
    let guarded = |id: &str, bucket: &str| {
        let mut denial = tls_denial();
        denial["Resource"] = json!("*");
        raw(
            id,
            "AWS::S3::BucketPolicy",
            json!({ "Bucket": { "Ref": bucket }, "PolicyDocument": { "Statement": [denial] } }),
        )
    };
    let s8_of_b = |bucket: Value| {
        let stack = template(
            vec![
                raw("B", "AWS::S3::Bucket", json!({})),
                raw("Other", "AWS::S3::Bucket", json!({})),
                raw(
                    "Custom",
                    "Custom::Picker",
                    json!({ "ServiceToken": "arn:aws:lambda:us-east-1:111122223333:function:p" }),
                ),
                guarded("PB", "B"),
                guarded("POther", "Other"),
                loose(bucket),
            ],
            Vec::new(),
        );
        let evaluation = evaluate(&[("s", &stack)]);
        status_of(&evaluation, "S8", "s", "B").clone()
    };
    // Another bucket of the template, through an intrinsic: not this bucket's policy, even
    // though the template holds a resource that is no bucket.
    assert!(matches!(
        s8_of_b(json!({ "Fn::Join": ["", [{ "Ref": "Other" }]] })),
        Status::Enforced { .. }
    ));
    // An object that is no plain `Ref` (a second key names the custom resource): known
    // only at deploy, so read as this bucket's policy.
    match s8_of_b(json!({ "Ref": "Other", "Pick": { "Ref": "Custom" } })) {
        Status::Failed { finding } => assert!(finding.contains("`Loose`"), "{finding}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_finding_of_every_reading_says_no_condition_and_one_of_a_launch_template_is_said_once() {
    use serde_json::json;
    let stack = template(
        vec![
            raw(
                "T",
                "AWS::EC2::LaunchTemplate",
                json!({ "LaunchTemplateData": { "ImageId": "ami-0123456789abcdef0" } }),
            ),
            // Two overrides of one launch template, and a condition that changes nothing
            // E4 reads: the finding is the same in both readings, said once, with no
            // condition.
            raw(
                "F",
                "AWS::EC2::EC2Fleet",
                json!({
                    "TargetCapacitySpecification": { "TotalTargetCapacity": { "Fn::If": ["C", 1, 2] } },
                    "LaunchTemplateConfigs": [{
                        "LaunchTemplateSpecification": { "LaunchTemplateId": { "Ref": "T" }, "Version": "1" },
                        "Overrides": [{ "InstanceType": "m5.large" }, { "InstanceType": "m6i.large" }],
                    }],
                }),
            ),
        ],
        Vec::new(),
    );
    let evaluation = evaluate(&[("s", &stack)]);
    match status_of(&evaluation, "E4", "s", "F") {
        Status::Failed { finding } => assert_eq!(
            finding,
            "launch template `T`: `LaunchTemplateData.MetadataOptions.HttpTokens` is not set (it must be \"required\")"
        ),
        other => panic!("E4 on s/F: {other:?}"),
    }
}

#[test]
fn evidence_in_a_branch_of_another_stack_points_at_it_as_written() {
    use serde_json::json;
    let data = exported_bucket();
    let mut denial = tls_denial();
    denial["Resource"] = json!("*");
    let edge = template(
        vec![raw(
            "P",
            "AWS::S3::BucketPolicy",
            json!({
                "Bucket": { "Fn::ImportValue": "data:B:Ref" },
                "PolicyDocument": { "Statement": [{ "Fn::If": ["C", denial.clone(), denial] }] },
            }),
        )],
        Vec::new(),
    );
    let evaluation = evaluate(&[("data", &data), ("edge", &edge)]);
    match status_of(&evaluation, "S8", "data", "B") {
        Status::Enforced { evidence } => {
            let paths: Vec<(&str, &str)> = evidence
                .iter()
                .map(|p| (p.logical_id.as_str(), p.path.as_str()))
                .collect();
            assert_eq!(
                paths,
                [
                    ("edge/P", "/Properties/PolicyDocument/Statement/0/Fn::If/2"),
                    ("edge/P", "/Properties/PolicyDocument/Statement/0/Fn::If/1"),
                ]
            );
        }
        other => panic!("S8 on data/B: {other:?}"),
    }
}

#[test]
fn f2_and_a4e_trust_an_import_only_as_an_export_of_what_they_need() {
    use serde_json::json;
    let output = |name: &str, value: crate::cfn::Expr| crate::cfn::Output {
        name: name.to_owned(),
        value,
        description: None,
        export: Some(format!("shared:{name}")),
    };
    let shared = template(
        vec![
            raw(
                "Cert",
                "AWS::CertificateManager::Certificate",
                json!({"DomainName": "portal.example.com", "ValidationMethod": "DNS"}),
            ),
            raw(
                "Logs",
                "AWS::Logs::LogGroup",
                json!({"RetentionInDays": 365, "KmsKeyId": {"Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/k"}}),
            ),
            // A log group under no key: its export is a log group's ARN, whose key A4E
            // reads where it is declared.
            raw(
                "Plain",
                "AWS::Logs::LogGroup",
                json!({"RetentionInDays": 365}),
            ),
        ],
        vec![
            output("Cert", crate::cfn::Expr::reference("Cert")),
            // An IAM server certificate, exported by name: no certificate of ACM.
            output(
                "Legacy",
                crate::cfn::Expr::lit("arn:aws:iam::111122223333:server-certificate/portal"),
            ),
            output("LogsName", crate::cfn::Expr::reference("Logs")),
            output("LogsArn", crate::cfn::Expr::get_att("Logs", "Arn")),
            output("PlainArn", crate::cfn::Expr::get_att("Plain", "Arn")),
        ],
    );
    let listener = |id: &str, export: &str| {
        raw(
            id,
            "AWS::ElasticLoadBalancingV2::Listener",
            json!({
                "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/x/1",
                "Protocol": "HTTPS", "Port": 443, "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "Certificates": [{"CertificateArn": {"Fn::ImportValue": export}}],
                "DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}]
            }),
        )
    };
    let stage = |id: &str, destination: Value| {
        raw(
            id,
            "AWS::ApiGatewayV2::Stage",
            json!({"ApiId": "a", "StageName": id, "AccessLogSettings": {"DestinationArn": destination}}),
        )
    };
    let web = template(
        vec![
            listener("Acm", "shared:Cert"),
            listener("Iam", "shared:Legacy"),
            // The log group's name is no access-log destination, and nothing of the app's.
            stage("ByName", json!({"Fn::ImportValue": "shared:LogsName"})),
            stage("Foreign", json!({"Fn::ImportValue": "another-app:Logs"})),
            stage("ByArn", json!({"Fn::ImportValue": "shared:LogsArn"})),
            stage("Unencrypted", json!({"Fn::ImportValue": "shared:PlainArn"})),
        ],
        Vec::new(),
    );
    let evaluation = evaluate(&[("shared", &shared), ("web", &web)]);
    for (rule, id) in [("F2", "Acm"), ("A4E", "ByArn")] {
        assert!(
            matches!(
                status_of(&evaluation, rule, "web", id),
                Status::Enforced { .. }
            ),
            "{rule} on {id}: {:?}",
            status_of(&evaluation, rule, "web", id)
        );
    }
    for (rule, id) in [
        ("F2", "Iam"),
        ("A4E", "ByName"),
        ("A4E", "Foreign"),
        ("A4E", "Unencrypted"),
    ] {
        assert!(
            matches!(
                status_of(&evaluation, rule, "web", id),
                Status::Failed { .. }
            ),
            "{rule} on {id}: {:?}",
            status_of(&evaluation, rule, "web", id)
        );
    }
}
