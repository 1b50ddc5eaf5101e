//! The VPC's default security group, closed by the engine (rule E14).
//!
//! EC2 creates every VPC with a default security group that admits all traffic from its own
//! members and lets everything out, and no CloudFormation property removes those rules. So
//! after `up` creates or updates a stack with a VPC, the engine revokes every rule of that
//! VPC's default group (`RevokeSecurityGroupIngress` / `RevokeSecurityGroupEgress` with the
//! exact permissions `DescribeSecurityGroups` returned), says so as a note of the stack (the
//! evidence, kept in the deployed report), and `drift` reports rules that came back. Every
//! `up` of such a stack whose template is unchanged does it again (one read of the group,
//! and a revocation only of rules that are there), so a step that an earlier run could not
//! finish is retried.
//!
//! AWS's references: the default group "cannot be deleted", its default rules can be
//! removed (Amazon VPC User Guide, "Default security groups for your VPCs"); a group's rules
//! are revoked by giving the same `IpPermissions` that describe them (EC2 API Reference,
//! `RevokeSecurityGroupIngress`: "the values that you specify in the revoke request … must
//! match the existing rule's values").

use aws_sdk_ec2::types::{Filter, IpPermission, SecurityGroup};

use super::api::{ApiError, classify};
use super::error::DeployError;
use super::retry::{CallCounts, RetryPolicy, with_retry};

/// What a VPC's default security group holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultGroup {
    /// The group's id.
    pub group_id: String,
    /// Its inbound rules, described (`tcp 443 from sg-…`).
    pub ingress: Vec<String>,
    /// Its outbound rules, described.
    pub egress: Vec<String>,
}

impl DefaultGroup {
    /// Whether the group has no rule left.
    pub fn is_closed(&self) -> bool {
        self.ingress.is_empty() && self.egress.is_empty()
    }
}

/// Which rules of a group.
#[derive(Debug, Clone, Copy)]
enum Direction {
    Ingress,
    Egress,
}

/// EC2 in one region: reads and closes the default security groups of VPCs.
#[derive(Debug, Clone)]
pub struct DefaultGroups {
    ec2: aws_sdk_ec2::Client,
    endpoint: String,
}

impl DefaultGroups {
    /// Wraps an EC2 client; `endpoint` names where it goes, for error messages.
    pub fn new(ec2: aws_sdk_ec2::Client, endpoint: String) -> Self {
        DefaultGroups { ec2, endpoint }
    }

    /// The EC2 client.
    pub(crate) fn ec2(&self) -> &aws_sdk_ec2::Client {
        &self.ec2
    }

    /// Where its calls go, for messages.
    pub(crate) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The region its client sends its calls to, by service, when the client knows it.
    pub(crate) fn sends_to(&self) -> Vec<(&'static str, Option<String>)> {
        vec![("EC2", self.ec2.config().region().map(ToString::to_string))]
    }

    /// The default security group of `vpc` and its rules.
    pub async fn read(
        &self,
        stack: &str,
        vpc: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<DefaultGroup, DeployError> {
        let group = self.find(stack, vpc, retry, counts).await?;
        Ok(describe(&group))
    }

    /// Revokes every rule of `vpc`'s default security group; returns the group as it was.
    pub async fn close(
        &self,
        stack: &str,
        vpc: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<DefaultGroup, DeployError> {
        let group = self.find(stack, vpc, retry, counts).await?;
        let before = describe(&group);
        let id = before.group_id.clone();
        self.revoke(
            stack,
            &id,
            Direction::Ingress,
            group.ip_permissions(),
            retry,
            counts,
        )
        .await?;
        self.revoke(
            stack,
            &id,
            Direction::Egress,
            group.ip_permissions_egress(),
            retry,
            counts,
        )
        .await?;
        Ok(before)
    }

    /// Revokes `rules` of the group `id` in one direction, exactly as described.
    async fn revoke(
        &self,
        stack: &str,
        id: &str,
        direction: Direction,
        rules: &[IpPermission],
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<(), DeployError> {
        if rules.is_empty() {
            return Ok(());
        }
        let endpoint = &self.endpoint;
        let operation = match direction {
            Direction::Ingress => "RevokeSecurityGroupIngress",
            Direction::Egress => "RevokeSecurityGroupEgress",
        };
        with_retry(retry, counts, operation, || async {
            match direction {
                Direction::Ingress => self
                    .ec2
                    .revoke_security_group_ingress()
                    .group_id(id)
                    .set_ip_permissions(Some(rules.to_vec()))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| classify(e, endpoint)),
                Direction::Egress => self
                    .ec2
                    .revoke_security_group_egress()
                    .group_id(id)
                    .set_ip_permissions(Some(rules.to_vec()))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| classify(e, endpoint)),
            }
        })
        .await
        .map_err(|e| failed(stack, operation, e))
    }

    async fn find(
        &self,
        stack: &str,
        vpc: &str,
        retry: RetryPolicy,
        counts: &CallCounts,
    ) -> Result<SecurityGroup, DeployError> {
        let endpoint = &self.endpoint;
        // The EC2 API is eventually consistent ("Eventual consistency in the Amazon EC2
        // API": a resource just created "will eventually be visible to other commands";
        // "Run the appropriate Describe command using an exponential backoff algorithm"): a
        // VPC that CloudFormation has just created may not yet show its default group to this
        // client. It is asked again with backoff, within the run's retry policy, before the
        // VPC is said to have none.
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let found = with_retry(retry, counts, "DescribeSecurityGroups", || async {
                self.ec2
                    .describe_security_groups()
                    .filters(Filter::builder().name("vpc-id").values(vpc).build())
                    .filters(
                        Filter::builder()
                            .name("group-name")
                            .values("default")
                            .build(),
                    )
                    .send()
                    .await
                    .map_err(|e| classify(e, endpoint))
            })
            .await
            .map_err(|e| failed(stack, "DescribeSecurityGroups", e))?;
            if let Some(group) = found
                .security_groups()
                .iter()
                .find(|g| g.group_name() == Some("default"))
            {
                return Ok(group.clone());
            }
            if attempt >= retry.attempts.max(1) {
                return Err(DeployError::StackState {
                    stack: stack.to_owned(),
                    status: format!(
                        "VPC {vpc} has no default security group (asked {attempt} times)"
                    ),
                    hint:
                        "EC2 gives every VPC one; check that the VPC still exists, then run `up` again, which retries this step even when the template is unchanged"
                            .to_owned(),
                });
            }
            tokio::time::sleep(
                retry
                    .base_delay
                    .saturating_mul(1 << attempt.min(10))
                    .min(retry.max_delay),
            )
            .await;
        }
    }
}

fn failed(stack: &str, operation: &'static str, source: ApiError) -> DeployError {
    DeployError::api(stack, operation, source)
}

fn describe(group: &SecurityGroup) -> DefaultGroup {
    DefaultGroup {
        group_id: group.group_id().unwrap_or_default().to_owned(),
        ingress: group
            .ip_permissions()
            .iter()
            .map(|p| rule(p, "from"))
            .collect(),
        egress: group
            .ip_permissions_egress()
            .iter()
            .map(|p| rule(p, "to"))
            .collect(),
    }
}

/// One permission in words: `all traffic from sg-1`, `tcp 443 to 0.0.0.0/0`.
fn rule(p: &IpPermission, direction: &str) -> String {
    let protocol = match p.ip_protocol() {
        Some("-1") | None => "all traffic".to_owned(),
        Some(proto) => match (p.from_port(), p.to_port()) {
            (Some(from), Some(to)) if from == to => format!("{proto} {from}"),
            (Some(from), Some(to)) => format!("{proto} {from}-{to}"),
            _ => proto.to_owned(),
        },
    };
    let mut peers: Vec<String> = Vec::new();
    peers.extend(
        p.ip_ranges()
            .iter()
            .filter_map(|r| r.cidr_ip().map(str::to_owned)),
    );
    peers.extend(
        p.ipv6_ranges()
            .iter()
            .filter_map(|r| r.cidr_ipv6().map(str::to_owned)),
    );
    peers.extend(
        p.user_id_group_pairs()
            .iter()
            .filter_map(|g| g.group_id().map(str::to_owned)),
    );
    peers.extend(
        p.prefix_list_ids()
            .iter()
            .filter_map(|l| l.prefix_list_id().map(str::to_owned)),
    );
    if peers.is_empty() {
        peers.push("nowhere".to_owned());
    }
    format!("{protocol} {direction} {}", peers.join(", "))
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{IpRange, UserIdGroupPair};

    use super::*;

    #[test]
    fn rules_read_as_words() {
        let all_from_self = IpPermission::builder()
            .ip_protocol("-1")
            .user_id_group_pairs(UserIdGroupPair::builder().group_id("sg-1").build())
            .build();
        assert_eq!(rule(&all_from_self, "from"), "all traffic from sg-1");
        let https_out = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(443)
            .to_port(443)
            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .build();
        assert_eq!(rule(&https_out, "to"), "tcp 443 to 0.0.0.0/0");
        let range = IpPermission::builder()
            .ip_protocol("udp")
            .from_port(1000)
            .to_port(2000)
            .build();
        assert_eq!(rule(&range, "from"), "udp 1000-2000 from nowhere");
    }
}
