//! The deploy engine: `preview`, `up`, `destroy`, `outputs` and `drift` through
//! CloudFormation change sets.
//!
//! CloudFormation is the engine and holds the state; this module drives it through
//! `aws-sdk-cloudformation`, configured by `aws-config` from the standard environment
//! (profiles, `AWS_REGION`, `AWS_ENDPOINT_URL` for a local endpoint). It reads the assembly
//! that `synth` produced and never re-derives what synthesis decided: the waves, the
//! dependencies and the templates come from it.

mod api;
mod engine;
mod error;
mod guard;
mod images;
mod logs;
mod network;
pub mod plan;
mod retry;
mod staging;
mod trace;

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;

pub use api::{
    ApiError, ApiErrorKind, ChangeDetail, ChangeSetInfo, ChangeSetRequest, ChangeSetSummary,
    CloudFormationApi, CreatedChangeSet, MAX_PAGES, ResourceChange, ResourceDrift, SdkApi,
    StackEvent, StackInfo, StackResource, TemplateSource,
};
pub use engine::{
    Deployed, Deployer, Destroyed, Options, PlanState, PlannedChange, Progress, ProgressSink,
    Regional, Retained, StackDrift, StackPlan, billing, describe_plan,
};
pub use error::DeployError;
pub use logs::{
    DATABASE_TYPES, DatabaseLogs, DatabaseReading, GroupChange, GroupReading, RETENTION_DAYS,
    SecuredGroup, note as log_group_note, retention_keeping_every_event,
};
pub use network::{DefaultGroup, DefaultGroups};
pub use retry::{CallCounts, RetryPolicy};
pub use staging::Staging;
pub use trace::TARGET as TRACE_TARGET;

/// Clients for the account and region of the environment.
#[derive(Debug)]
pub struct Connection {
    /// CloudFormation.
    pub cloudformation: SdkApi,
    /// The S3 staging area for large templates.
    pub staging: Staging,
    /// EC2, to close the default security groups of the VPCs the stacks create, and to read
    /// the images that instances launch before a stack with them is created or updated.
    pub network: DefaultGroups,
    /// RDS and CloudWatch Logs, to give the log groups of databases' exported logs the
    /// databases' keys.
    pub databases: DatabaseLogs,
    /// The region.
    pub region: String,
    /// The endpoint, as shown in messages.
    pub endpoint: String,
}

/// Loads the AWS configuration from the environment (profiles, `AWS_REGION`,
/// `AWS_ENDPOINT_URL`). Retries are the engine's own; connections time out after 3 s so
/// that an unreachable endpoint is reported within seconds.
pub async fn connect() -> Result<Connection, DeployError> {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::disabled())
        .timeout_config(timeouts())
        .load()
        .await;
    Connection::from_config(&config)
}

/// Connections time out after 3 s, an attempt that gets no answer after 20 s, a call after
/// 50 s: an endpoint that accepts connections and never answers is reported (after a second
/// attempt) within about 40 s. The engine's [`RetryPolicy::deadline`] bounds the retries.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .read_timeout(Duration::from_secs(20))
        .operation_attempt_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_secs(50))
        .build()
}

impl Connection {
    /// Clients for an explicit configuration (tests, tools that load it their own way).
    pub fn from_config(config: &aws_config::SdkConfig) -> Result<Connection, DeployError> {
        connection(config)
    }

    /// Clients for the same account and endpoint in another region.
    pub fn in_region(
        config: &aws_config::SdkConfig,
        region: &str,
    ) -> Result<Connection, DeployError> {
        let config = config
            .to_builder()
            .region(aws_config::Region::new(region.to_owned()))
            .build();
        connection(&config)
    }

    /// This connection's clients as the engine's clients for its region.
    pub fn into_regional(self) -> Regional<SdkApi> {
        Regional {
            region: Some(self.region),
            api: self.cloudformation,
            staging: Some(self.staging),
            network: Some(self.network),
            databases: Some(self.databases),
        }
    }
}

/// Clients for the environment's region first, then one for each other region that a stack
/// of the assembly is pinned to.
pub fn regional_clients(
    config: &aws_config::SdkConfig,
    assembly: &crate::compliance::Assembly,
) -> Result<Vec<Regional<SdkApi>>, DeployError> {
    let first = Connection::from_config(config)?;
    let home = first.region.clone();
    let mut out = vec![first.into_regional()];
    let mut seen = std::collections::BTreeSet::from([home]);
    for s in assembly.stacks() {
        if let Some(r) = s.region()
            && seen.insert(r.to_owned())
        {
            out.push(Connection::in_region(config, r)?.into_regional());
        }
    }
    Ok(out)
}

/// Loads the AWS configuration from the environment and makes the clients of every region
/// the assembly uses (see [`regional_clients`]).
pub async fn connect_regions(
    assembly: &crate::compliance::Assembly,
) -> Result<Vec<Regional<SdkApi>>, DeployError> {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::disabled())
        .timeout_config(timeouts())
        .load()
        .await;
    regional_clients(&config, assembly)
}

/// Whether `region` can be sent. AWS's regions are named as `us-east-1`
/// ([`hipaa_stack_syntax::is_region`]); a local endpoint (`AWS_ENDPOINT_URL`) may take other
/// names, but the SDK still puts the region in the endpoint's parameters and refuses one that
/// is not a host label (letters, digits and inner hyphens, at most 63; RFC 1123), with a
/// message about interceptors: refused here, it is named as the region.
fn region_can_be_sent(region: &str, local: bool) -> bool {
    if hipaa_stack_syntax::is_region(region) {
        return true;
    }
    let b = region.as_bytes();
    local
        && !b.is_empty()
        && b.len() <= 63
        && b.first() != Some(&b'-')
        && b.last() != Some(&b'-')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
}

fn connection(config: &aws_config::SdkConfig) -> Result<Connection, DeployError> {
    let Some(region) = config.region().map(ToString::to_string) else {
        return Err(DeployError::NoRegion);
    };
    if !region_can_be_sent(&region, config.endpoint_url().is_some()) {
        return Err(DeployError::BadRegion { region });
    }
    if config.endpoint_url().is_none() && crate::partition::of(&region).is_none() {
        return Err(DeployError::UnknownPartition {
            region,
            known: crate::partition::PARTITIONS
                .iter()
                .map(|p| p.id)
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let endpoint = config
        .endpoint_url()
        .map_or_else(|| format!("AWS in {region}"), str::to_owned);
    let local = config.endpoint_url().is_some();
    // Every client logs its calls (`trace`): service, operation, latency, request id.
    let cfn = aws_sdk_cloudformation::Client::from_conf(
        aws_sdk_cloudformation::config::Builder::from(config)
            .interceptor(trace::ApiTrace)
            .build(),
    );
    // S3-compatible local endpoints want path-style addresses, and checksums computed only
    // when an operation requires them (they often refuse streamed, chunked checksums).
    let mut s3_config = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(local)
        .interceptor(trace::ApiTrace);
    if local {
        s3_config = s3_config.request_checksum_calculation(
            aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired,
        );
    }
    let s3 = aws_sdk_s3::Client::from_conf(s3_config.build());
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(config)
            .interceptor(trace::ApiTrace)
            .build(),
    );
    let ec2 = aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(config)
            .interceptor(trace::ApiTrace)
            .build(),
    );
    let rds = aws_sdk_rds::Client::from_conf(
        aws_sdk_rds::config::Builder::from(config)
            .interceptor(trace::ApiTrace)
            .build(),
    );
    let logs = aws_sdk_cloudwatchlogs::Client::from_conf(
        aws_sdk_cloudwatchlogs::config::Builder::from(config)
            .interceptor(trace::ApiTrace)
            .build(),
    );
    Ok(Connection {
        cloudformation: SdkApi::new(cfn, endpoint.clone()),
        network: DefaultGroups::new(ec2, endpoint.clone()),
        databases: DatabaseLogs::new(rds, logs, endpoint.clone()),
        staging: Staging::new(s3, sts, region.clone(), endpoint.clone()),
        region,
        endpoint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_that_cannot_be_one_is_refused_before_anything_is_sent() {
        let config = |region: &str, endpoint: Option<&str>| {
            let mut b = aws_config::SdkConfig::builder()
                .region(aws_config::Region::new(region.to_owned()))
                .behavior_version(BehaviorVersion::latest());
            if let Some(e) = endpoint {
                b = b.endpoint_url(e);
            }
            b.build()
        };
        for (region, endpoint) in [
            ("us east 1", None),
            ("us east 1", Some("http://127.0.0.1:5000")),
            ("US-EAST-1", None),
            ("local", None),
            ("us-east-1.", Some("http://127.0.0.1:5000")),
            ("-local", Some("http://127.0.0.1:5000")),
        ] {
            let err = Connection::from_config(&config(region, endpoint))
                .err()
                .unwrap_or_else(|| panic!("{region:?} was accepted"));
            assert!(
                matches!(&err, DeployError::BadRegion { region: r } if r == region),
                "{err}"
            );
            let message = err.to_string();
            assert!(message.contains(&format!("`{region}`")), "{message}");
            assert!(message.contains("AWS_REGION"), "{message}");
        }
        // AWS's names anywhere; another host label only on a local endpoint.
        for (region, local) in [
            ("us-east-1", false),
            ("us-gov-west-1", false),
            ("local", true),
        ] {
            assert!(region_can_be_sent(region, local), "{region}");
        }
    }

    /// A region named like AWS's but of no partition of the SDK's table is refused for AWS
    /// (its ARNs and URLs would be guessed), and taken on a local endpoint; every region of
    /// a known partition, the newer ones included, is taken.
    #[test]
    fn a_region_of_no_known_partition_is_refused_for_aws() {
        let config = |region: &str, endpoint: Option<&str>| {
            let mut b = aws_config::SdkConfig::builder()
                .region(aws_config::Region::new(region.to_owned()))
                .behavior_version(BehaviorVersion::latest());
            if let Some(e) = endpoint {
                b = b.endpoint_url(e);
            }
            b.build()
        };
        for region in ["xx-east-1", "eusc-fr-east-1", "us-isoz-east-1"] {
            let err = Connection::from_config(&config(region, None))
                .err()
                .unwrap_or_else(|| panic!("{region:?} was accepted"));
            assert!(
                matches!(&err, DeployError::UnknownPartition { region: r, .. } if r == region),
                "{err}"
            );
            let message = err.to_string();
            assert!(message.contains(&format!("`{region}`")), "{message}");
            assert!(
                message.contains("aws-eusc") && message.contains("AWS_REGION"),
                "{message}"
            );
            assert!(
                Connection::from_config(&config(region, Some("http://127.0.0.1:5000"))).is_ok(),
                "{region} refused on a local endpoint"
            );
        }
        for region in [
            "eusc-de-east-1",
            "eu-isoe-west-1",
            "us-isof-south-1",
            "us-gov-west-1",
            "cn-north-1",
        ] {
            assert!(
                Connection::from_config(&config(region, None)).is_ok(),
                "{region} refused"
            );
        }
    }
}
