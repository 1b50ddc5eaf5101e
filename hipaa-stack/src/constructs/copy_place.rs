//! Where a copy for disaster recovery may go: the checks that every construct making a copy
//! in another region runs when it is added (S3 replication, an AWS Backup copy, replicated
//! RDS backups, a replica of a multi-Region key).

use crate::app::Arena;

/// The copy (`copy`, the construct that receives it or its key) of a construct of the stack
/// `stack` is in a place the synthesized templates can prove apart from the original, and
/// that AWS can copy to:
/// - a stack pinned to a region (`app.stack_in`) copies only to a stack pinned to a region:
///   an unpinned stack deploys to the region of the credentials, which may be the
///   original's own (rules S10 and D2 would count a copy that a regional outage takes too);
/// - both are in one AWS partition: S3 replication, AWS Backup, RDS and KMS copy nothing
///   across partitions (`aws`, `aws-cn`, `aws-us-gov`, …), each a separate set of accounts,
///   and AWS's BAA covers the `aws` partition's eligible services only.
///
/// `what` says what the copy is, after its path: "the bucket it replicates to".
pub(crate) fn check_copy_place(
    arena: &Arena,
    stack: u32,
    copy: u32,
    what: &str,
) -> Result<(), String> {
    let there = arena.constructs[copy as usize].stack;
    let here_region = arena.stacks[stack as usize].region.as_ref();
    let there_region = arena.stacks[there as usize].region.as_ref();
    match (here_region, there_region) {
        (Some(here), None) => Err(format!(
            "`{}`, {what}, is in stack `{}`, which is pinned to no region and deploys to the region of the credentials, {here} as much as any: a copy for disaster recovery lives in a known other region; declare that stack with `app.stack_in(name, region)` in a region other than {here} (HIPAA 45 CFR §164.308(a)(7)(ii)(B))",
            arena.path(copy),
            arena.stacks[there as usize].name
        )),
        (Some(_), Some(_)) => check_partition(arena, stack, copy, what),
        // The original is in the deploy region: the deploy engine refuses a run whose region
        // is the copy's.
        (None, _) => Ok(()),
    }
}

/// A construct of the stack `stack` and `copy`, of another stack (its copy, or the original
/// it copies), are both in one AWS partition when both stacks are pinned to a region. `what`
/// says what `copy` is to the construct, after its path.
pub(crate) fn check_partition(
    arena: &Arena,
    stack: u32,
    copy: u32,
    what: &str,
) -> Result<(), String> {
    let there = arena.constructs[copy as usize].stack;
    let (Some(here), Some(there)) = (
        arena.stacks[stack as usize].region.as_ref(),
        arena.stacks[there as usize].region.as_ref(),
    ) else {
        return Ok(());
    };
    let (here, there) = (here.to_string(), there.to_string());
    match (crate::partition::of(&here), crate::partition::of(&there)) {
        (Some(a), Some(b)) if a.id != b.id => Err(format!(
            "`{}`, {what}, is in {there}, of the AWS partition `{}`, and this construct in {here}, of `{}`: AWS copies nothing across partitions (S3 replication, AWS Backup, RDS and KMS copy within one), each a separate set of accounts and agreements; pin both stacks to regions of one partition (HIPAA 45 CFR §164.308(a)(7)(ii)(B))",
            arena.path(copy),
            b.id,
            a.id
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    /// A bucket of `source` (pinned to that region, or unpinned) replicating to a bucket
    /// of `copy`'s stack: what adding the source says.
    fn replicate(source: Option<&str>, copy: Option<&str>) -> Result<()> {
        let app = App::new("a");
        let stack = |name: &str, region: Option<&str>| match region {
            Some(r) => app.stack_in(name, crate::Region::new(r).unwrap()),
            None => app.stack(name),
        };
        let dr = stack("dr", copy).unwrap();
        let dr_key = dr.add(KmsKey::new("DrKey")).unwrap();
        let dr_logs = dr.add(AccessLogBucket::new("Logs")).unwrap();
        let copy = dr
            .add(
                SecureBucket::new("Copy")
                    .encryption(&dr_key)
                    .access_logs(&dr_logs),
            )
            .unwrap();
        let data = stack("data", source).unwrap();
        let key = data.add(KmsKey::new("PhiKey")).unwrap();
        let logs = data.add(AccessLogBucket::new("Logs")).unwrap();
        data.add(
            SecureBucket::new("Records")
                .encryption(&key)
                .access_logs(&logs)
                .replicate_to(&copy),
        )
        .map(drop)
    }

    #[test]
    fn a_copy_of_a_pinned_stack_in_an_unpinned_one_is_refused() {
        let err = replicate(Some("us-west-2"), None).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "construct `data/Records` is invalid: `dr/Copy`, the bucket it replicates to, is in stack `dr`, which is pinned to no region"
            ),
            "{err}"
        );
        assert!(
            err.contains("declare that stack with `app.stack_in(name, region)` in a region other than us-west-2"),
            "{err}"
        );
        // The original in the deploy region, its copy pinned: the deploy engine tells the
        // regions apart.
        replicate(None, Some("us-west-2")).unwrap();
    }

    #[test]
    fn a_copy_in_another_partition_is_refused() {
        for (source, copy, ours, theirs) in [
            ("us-east-1", "cn-north-1", "aws", "aws-cn"),
            ("cn-northwest-1", "us-west-2", "aws-cn", "aws"),
            ("us-gov-west-1", "us-east-1", "aws-us-gov", "aws"),
        ] {
            let err = replicate(Some(source), Some(copy)).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!(
                    "construct `data/Records` is invalid: `dr/Copy`, the bucket it replicates to, is in {copy}, of the AWS partition `{theirs}`, and this construct in {source}, of `{ours}`: AWS copies nothing across partitions"
                )),
                "{err}"
            );
            assert!(
                err.contains("pin both stacks to regions of one partition"),
                "{err}"
            );
        }
        // Two regions of one partition.
        replicate(Some("us-gov-west-1"), Some("us-gov-east-1")).unwrap();
        replicate(Some("cn-north-1"), Some("cn-northwest-1")).unwrap();
    }
}
