//! Rule E14 by the engine: after `up` creates a stack with a VPC, every rule of the VPC's
//! default security group is revoked, the stack's notes say which (the evidence), an
//! unchanged stack costs no EC2 call, and `drift` reports a rule that came back.
//!
//! moto creates each VPC's default group with EC2's default rules and implements
//! `RevokeSecurityGroupIngress`/`Egress` and `AuthorizeSecurityGroupIngress` on it, so this
//! runs against the local endpoint; only CloudFormation's own drift detection, which moto
//! lacks, is injected (as "nothing drifted").

use aws_sdk_ec2::types::{Filter, IpPermission, IpRange};
use hipaa_stack::Assembly;
use hipaa_stack::deploy::{Deployer, PlanState, Regional};
use hipaa_stack::prelude::*;

use crate::deploy::{connection, options};
use crate::faults::{Faults, Faulty};
use crate::moto::Moto;

fn network_stack() -> Assembly {
    let app = App::new("e14");
    let net = app.stack("net").unwrap();
    let key = net.add(KmsKey::new("PhiKey")).unwrap();
    let vpc = net
        .add(SecureVpc::new("Net", cidr!("10.40.0.0/16")).encryption(&key))
        .unwrap();
    net.output("VpcId", vpc.vpc_id()).unwrap();
    app.synth().unwrap()
}

async fn default_group(ec2: &aws_sdk_ec2::Client, vpc: &str) -> aws_sdk_ec2::types::SecurityGroup {
    ec2.describe_security_groups()
        .filters(Filter::builder().name("vpc-id").values(vpc).build())
        .filters(
            Filter::builder()
                .name("group-name")
                .values("default")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn up_closes_the_default_security_group_and_drift_sees_rules_come_back() {
    let moto = Moto::start();
    let assembly = network_stack();
    let d = Deployer::with_regions(
        vec![connection(&moto.endpoint).await.into_regional()],
        &assembly,
        options(),
    );
    let deployed = d.up().await.unwrap();
    assert_eq!(deployed[0].state, PlanState::Create);
    let vpc = deployed[0]
        .outputs
        .iter()
        .find(|(k, _)| k == "VpcId")
        .map(|(_, v)| v.clone())
        .unwrap();
    let note = deployed[0]
        .notes
        .iter()
        .find(|n| n.contains("(rule E14)"))
        .unwrap_or_else(|| panic!("no E14 note in {:?}", deployed[0].notes));
    assert!(
        note.contains(&format!("of Net ({vpc}) closed: revoked")),
        "{note}"
    );
    assert!(note.contains("all traffic to 0.0.0.0/0"), "{note}");

    let ec2 = aws_sdk_ec2::Client::new(&moto.config().await);
    let group = default_group(&ec2, &vpc).await;
    assert!(group.ip_permissions().is_empty(), "{group:?}");
    assert!(group.ip_permissions_egress().is_empty(), "{group:?}");

    // An unchanged stack: one read, and no EC2 call at all.
    let again = Deployer::with_regions(
        vec![connection(&moto.endpoint).await.into_regional()],
        &assembly,
        options(),
    );
    let deployed = again.up().await.unwrap();
    assert_eq!(deployed[0].state, PlanState::Unchanged);
    assert!(
        !again
            .staging_calls()
            .by_operation()
            .contains_key("DescribeSecurityGroups"),
        "{:?}",
        again.staging_calls().by_operation()
    );

    // Someone opens SSH in the default group: `drift` names the group, the rule, rule E14.
    ec2.authorize_security_group_ingress()
        .group_id(group.group_id().unwrap())
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let c = connection(&moto.endpoint).await;
    let regional = Regional {
        region: Some(c.region.clone()),
        api: Faulty::new(
            c.cloudformation,
            Faults {
                drifts: Some(Vec::new()),
                ..Faults::default()
            },
        ),
        staging: Some(c.staging),
        network: Some(c.network),
        databases: Some(c.databases),
    };
    let drifts = Deployer::with_regions(vec![regional], &assembly, options())
        .drift()
        .await
        .unwrap();
    assert_eq!(drifts[0].status, "DRIFTED");
    let group_drift = &drifts[0].resources[0];
    assert_eq!(group_drift.logical_id, "NetDefaultSecurityGroup");
    assert_eq!(group_drift.status, "MODIFIED");
    assert_eq!(group_drift.differences[0].1, "no rules");
    assert_eq!(group_drift.differences[0].2, "tcp 22 from 0.0.0.0/0");
    assert!(
        group_drift.differences[0].0.contains("rule E14"),
        "{:?}",
        group_drift.differences
    );
}
