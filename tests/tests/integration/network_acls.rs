//! Rule E16 by the construct: a `SecureVpc` deployed to the local endpoint puts every subnet on
//! a network ACL of its own (none on the VPC's default ACL, which lets everything in), whose
//! entries, evaluated as EC2 evaluates them (lowest rule number first, `*` denies the rest),
//! keep SSH, RDP and FTP out from outside the VPC and let in what the tiers serve; `destroy`
//! removes the ACLs before the VPC, as AWS requires.
//!
//! moto has no CloudFormation model for network ACLs: the harness creates them in moto's EC2
//! backend (`tests/moto/hipaa_moto_acls.py`), so `DescribeNetworkAcls` answers as on AWS.

use std::net::Ipv4Addr;

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_sdk_ec2::types::{Filter, NetworkAcl};
use hipaa_stack::Assembly;
use hipaa_stack::deploy::{Deployer, PlanState};
use hipaa_stack::prelude::*;

use crate::deploy::{connection, options};
use crate::moto::Moto;

fn network_stack() -> Assembly {
    let app = App::new("e16");
    let net = app.stack("net").unwrap();
    let key = net.add(KmsKey::new("PhiKey")).unwrap();
    let vpc = net
        .add(
            SecureVpc::new("Net", cidr!("10.41.0.0/16"))
                .encryption(&key)
                .public_tier(),
        )
        .unwrap();
    net.output("VpcId", vpc.vpc_id()).unwrap();
    app.synth().unwrap()
}

/// Whether `acl` lets a TCP packet from `source` in on `port`, as EC2 evaluates an ACL: its
/// inbound entries in rule-number order, the first that matches decides, none denies.
fn lets_in(acl: &NetworkAcl, source: Ipv4Addr, port: i32) -> bool {
    let mut entries: Vec<_> = acl
        .entries()
        .iter()
        .filter(|e| e.egress() == Some(false))
        .collect();
    entries.sort_by_key(|e| e.rule_number());
    for e in entries {
        let protocol = e.protocol().unwrap_or_default();
        let ports = e
            .port_range()
            .is_none_or(|r| r.from() <= Some(port) && Some(port) <= r.to());
        let (address, prefix) = e
            .cidr_block()
            .and_then(|c| c.split_once('/'))
            .unwrap_or_default();
        let (Ok(address), Ok(prefix)) = (address.parse::<Ipv4Addr>(), prefix.parse::<u32>()) else {
            continue;
        };
        let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
        let inside = u32::from(source) & mask == u32::from(address) & mask;
        if (protocol == "-1" || protocol == "6") && ports && inside {
            return e.rule_action().is_some_and(|a| a.as_str() == "allow");
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn every_subnet_gets_an_acl_that_keeps_ssh_rdp_and_ftp_out_and_destroy_removes_it() {
    let moto = Moto::start();
    let assembly = network_stack();
    let c = connection(&moto.endpoint).await;
    let d = Deployer::new(c.cloudformation, &assembly, options(), Some(c.staging));
    let deployed = d.up().await.unwrap();
    assert_eq!(deployed[0].state, PlanState::Create);
    let vpc = deployed[0]
        .outputs
        .iter()
        .find(|(k, _)| k == "VpcId")
        .map(|(_, v)| v.clone())
        .unwrap();

    let config = moto.config().await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let cfn = aws_sdk_cloudformation::Client::new(&config);
    let physical = |logical: &'static str| {
        let cfn = cfn.clone();
        async move {
            cfn.describe_stack_resource()
                .stack_name("net")
                .logical_resource_id(logical)
                .send()
                .await
                .unwrap()
                .stack_resource_detail()
                .and_then(|r| r.physical_resource_id())
                .unwrap()
                .to_owned()
        }
    };
    let by_vpc = Filter::builder().name("vpc-id").values(&vpc).build();
    let acls = ec2
        .describe_network_acls()
        .filters(by_vpc.clone())
        .send()
        .await
        .unwrap()
        .network_acls()
        .to_vec();
    let subnets = ec2
        .describe_subnets()
        .filters(by_vpc.clone())
        .send()
        .await
        .unwrap()
        .subnets()
        .to_vec();
    assert_eq!(subnets.len(), 4, "two private and two public subnets");

    let private = physical("NetPrivateAcl").await;
    let public = physical("NetPublicAcl").await;
    let acl = |id: &str| {
        acls.iter()
            .find(|a| a.network_acl_id() == Some(id))
            .unwrap()
    };
    for subnet in &subnets {
        let id = subnet.subnet_id().unwrap();
        let on: Vec<&NetworkAcl> = acls
            .iter()
            .filter(|a| a.associations().iter().any(|s| s.subnet_id() == Some(id)))
            .collect();
        assert_eq!(on.len(), 1, "{id} is on {on:?}");
        assert_eq!(
            on[0].is_default(),
            Some(false),
            "{id} is on the default ACL"
        );
    }
    let held = |acl: &NetworkAcl| acl.associations().len();
    assert_eq!((held(acl(&private)), held(acl(&public))), (2, 2));

    let outside = Ipv4Addr::new(203, 0, 113, 9);
    let inside = Ipv4Addr::new(10, 41, 200, 7);
    for id in [&private, &public] {
        for port in [20, 21, 22, 3389] {
            assert!(!lets_in(acl(id), outside, port), "{id} lets {port} in");
            assert!(lets_in(acl(id), inside, port), "{id} keeps the VPC out");
        }
    }
    assert!(lets_in(acl(&public), outside, 443));
    assert!(lets_in(acl(&public), outside, 80));
    assert!(!lets_in(acl(&private), outside, 443));
    assert!(
        lets_in(acl(&private), outside, 40_000),
        "gateway endpoint replies"
    );

    // The VPC's own ACLs go with the stack, before the VPC (which EC2 refuses to delete
    // while one is left).
    let destroyed = d.destroy().await.unwrap();
    assert_eq!(destroyed.deleted, ["net"]);
    let left = ec2
        .describe_network_acls()
        .filters(by_vpc)
        .send()
        .await
        .unwrap();
    assert!(
        left.network_acls()
            .iter()
            .all(|a| a.is_default() == Some(true)),
        "{left:?}"
    );
    let vpcs = ec2.describe_vpcs().vpc_ids(&vpc).send().await;
    assert!(
        vpcs.is_err() || vpcs.unwrap().vpcs().is_empty(),
        "the VPC is left"
    );
}

/// The harness refuses, as EC2 does, to delete a VPC that still has a network ACL of its
/// own (`DeleteVpc`: every resource associated with the VPC goes first), and to delete an
/// ACL a subnet uses (`DeleteNetworkAcl`).
#[tokio::test(flavor = "multi_thread")]
async fn a_vpc_with_an_acl_of_its_own_is_not_deleted_before_the_acl() {
    let moto = Moto::start();
    let ec2 = aws_sdk_ec2::Client::new(&moto.config().await);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.42.0.0/16")
        .send()
        .await
        .unwrap()
        .vpc()
        .and_then(|v| v.vpc_id())
        .unwrap()
        .to_owned();
    let acl = ec2
        .create_network_acl()
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .network_acl()
        .and_then(|a| a.network_acl_id())
        .unwrap()
        .to_owned();
    let err = ec2.delete_vpc().vpc_id(&vpc).send().await.unwrap_err();
    assert_eq!(err.code(), Some("DependencyViolation"), "{err:?}");
    ec2.delete_network_acl()
        .network_acl_id(&acl)
        .send()
        .await
        .unwrap();
    ec2.delete_vpc().vpc_id(&vpc).send().await.unwrap();
}
