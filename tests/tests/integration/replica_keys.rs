//! Multi-Region keys: `KmsKey::multi_region()` and a `ReplicaKey` in a stack of another
//! region, deployed on the local endpoint to two regions. The replica's primary key ARN
//! crosses regions as a template parameter; KMS in the replica's region describes it as a
//! REPLICA of the primary, and a bucket there is encrypted with it.

use hipaa_stack::Assembly;
use hipaa_stack::deploy::{Connection, Deployer};
use hipaa_stack::prelude::*;

use crate::deploy::options;
use crate::moto::{Moto, config_for};

fn replicated_key() -> Assembly {
    let app = App::new("mrk");
    let keys = app.stack_in("keys", region!("us-east-1")).unwrap();
    let key = keys.add(KmsKey::new("PhiKey").multi_region()).unwrap();
    keys.output("PhiKeyArn", key.arn()).unwrap();
    let dr = app.stack_in("dr", region!("us-west-2")).unwrap();
    let replica = dr
        .add(ReplicaKey::new("PhiKeyWest", &key).description("PhiKey in us-west-2"))
        .unwrap();
    let logs = dr.add(AccessLogBucket::new("DrLogs")).unwrap();
    let restored = dr
        .add(
            SecureBucket::new("Restored")
                .encryption(&replica)
                .access_logs(&logs),
        )
        .unwrap();
    dr.output("ReplicaArn", replica.arn()).unwrap();
    dr.output("RestoredBucket", restored.name()).unwrap();
    app.synth().unwrap()
}

async fn config_in(moto: &Moto, region: &'static str) -> aws_config::SdkConfig {
    config_for(&moto.endpoint)
        .await
        .to_builder()
        .region(aws_config::Region::new(region))
        .build()
}

#[test]
fn a_replica_reads_its_primary_through_a_parameter_and_no_rule_finds_anything() {
    let assembly = replicated_key();
    let dr: serde_json::Value =
        serde_json::from_str(assembly.stack("dr").unwrap().template_json()).unwrap();
    let replica = &dr["Resources"]["PhiKeyWest"];
    assert_eq!(replica["Type"], "AWS::KMS::ReplicaKey");
    assert_eq!(
        replica["Properties"]["PrimaryKeyArn"],
        serde_json::json!({"Ref": "Xrkeys6PhiKeyArn"})
    );
    assert_eq!(replica["DeletionPolicy"], "Retain");
    let keys: serde_json::Value =
        serde_json::from_str(assembly.stack("keys").unwrap().template_json()).unwrap();
    assert_eq!(
        keys["Resources"]["PhiKey"]["Properties"]["MultiRegion"],
        true
    );
    assert!(
        assembly.evaluation().findings().is_empty(),
        "{:?}",
        assembly.evaluation().findings()
    );
}

#[test]
fn a_replica_of_a_single_region_key_or_in_its_primarys_region_is_refused() {
    let app = App::new("mrk");
    let keys = app.stack_in("keys", region!("us-east-1")).unwrap();
    let single = keys.add(KmsKey::new("Single")).unwrap();
    let multi = keys.add(KmsKey::new("Multi").multi_region()).unwrap();
    let dr = app.stack_in("dr", region!("us-west-2")).unwrap();
    let err = dr
        .add(ReplicaKey::new("SingleWest", &single))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`keys/Single` is a single-region key"),
        "{err}"
    );
    let east = app.stack_in("east", region!("us-east-1")).unwrap();
    let err = east
        .add(ReplicaKey::new("MultiEast", &multi))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("it is in us-east-1, the region of its primary"),
        "{err}"
    );
    let unpinned = app.stack("unpinned").unwrap();
    assert!(
        unpinned
            .add(ReplicaKey::new("MultiAnywhere", &multi))
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replica_key_deploys_in_its_region_as_a_replica_of_the_primary() {
    let moto = Moto::start();
    let assembly = replicated_key();
    let east = Connection::from_config(&config_in(&moto, "us-east-1").await).unwrap();
    let west = Connection::in_region(&config_in(&moto, "us-east-1").await, "us-west-2").unwrap();
    let d = Deployer::with_regions(
        vec![east.into_regional(), west.into_regional()],
        &assembly,
        options(),
    );
    let deployed = d.up().await.unwrap();
    let output = |stack: &str, name: &str| {
        deployed
            .iter()
            .find(|d| d.stack == stack)
            .and_then(|d| d.outputs.iter().find(|(k, _)| k == name))
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let primary = output("keys", "PhiKeyArn");
    let replica = output("dr", "ReplicaArn");
    assert!(replica.contains(":us-west-2:"), "{replica}");

    let kms_west = aws_sdk_kms::Client::new(&config_in(&moto, "us-west-2").await);
    let described = kms_west
        .describe_key()
        .key_id(&replica)
        .send()
        .await
        .unwrap();
    let metadata = described.key_metadata().unwrap();
    assert_eq!(metadata.multi_region(), Some(true));
    let config = metadata.multi_region_configuration().unwrap();
    assert_eq!(
        config.multi_region_key_type().map(|t| t.as_str()),
        Some("REPLICA")
    );
    assert_eq!(
        config.primary_key().and_then(|k| k.arn()),
        Some(primary.as_str())
    );
    assert!(metadata.key_id().starts_with("mrk-"), "{metadata:?}");
    let kms_east = aws_sdk_kms::Client::new(&config_in(&moto, "us-east-1").await);
    let primary_config = kms_east
        .describe_key()
        .key_id(&primary)
        .send()
        .await
        .unwrap();
    let replicas = primary_config
        .key_metadata()
        .and_then(|m| m.multi_region_configuration())
        .map(|c| c.replica_keys().to_vec())
        .unwrap_or_default();
    assert!(
        replicas.iter().any(|r| r.region() == Some("us-west-2")),
        "{replicas:?}"
    );
}
