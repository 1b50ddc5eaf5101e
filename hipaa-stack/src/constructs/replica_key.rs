//! [`ReplicaKey`]: the copy of a multi-Region key in another region.

use crate::app::node::IntoNode;
use crate::app::node::{Node, RenderCx, Used};
use crate::app::{Arena, Arn, Attr, Handle, Id, Reference};
use crate::cfn::kms::ReplicaKey as ReplicaKeyResource;
use crate::cfn::{Keep, Resource};
use crate::constructs::copy_place::check_partition;
use crate::constructs::kms_key::key_policy;
use crate::constructs::{Construct, KmsKey};

/// The replica, in a stack of another region, of a multi-Region [`KmsKey`]
/// ([`KmsKey::multi_region`]): the same key material, so that what the primary encrypted can
/// be decrypted in this region after an outage of the primary's (§164.308(a)(7)(ii)(B)), and
/// a customer-managed key of this region for the constructs here (`.encryption(&replica)`).
///
/// The primary's ARN reaches this stack as a template parameter that `up` fills from the
/// primary's stack (deployed first). Adding the replica fails when the primary is not
/// multi-Region, or when this stack is in the primary's region or pinned to none.
///
/// # Secure defaults
/// - The key policy of a [`KmsKey`]: the account root and exactly the services that the
///   constructs using the replica need (K3).
/// - Rotation is the primary's: replicas share its key material and its rotation (K1 on the
///   primary).
/// - A 30-day waiting period before deletion; `DeletionPolicy` and `UpdateReplacePolicy`
///   `Retain` (D1).
///
/// ```
/// use hipaa_stack::prelude::*;
/// let app = App::new("clinic");
/// let security = app.stack("clinic-security")?;
/// let key = security.add(KmsKey::new("PhiKey").multi_region())?;
/// let dr = app.stack_in("clinic-dr", region!("us-west-2"))?;
/// let replica = dr.add(ReplicaKey::new("PhiKeyWest", &key).description("PhiKey in us-west-2"))?;
/// let logs = dr.add(AccessLogBucket::new("DrLogs"))?;
/// dr.add(SecureBucket::new("Restored").encryption(&replica).access_logs(&logs))?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReplicaKey {
    id: String,
    primary: Handle<KmsKey>,
    description: Option<String>,
}

impl ReplicaKey {
    /// A replica of `primary` with the construct id `id`.
    pub fn new(id: impl Into<String>, primary: &Handle<KmsKey>) -> Self {
        ReplicaKey {
            id: id.into(),
            primary: *primary,
            description: None,
        }
    }

    /// Describes what the replica protects, shown in the KMS console.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }
}

impl Handle<ReplicaKey> {
    /// The replica's ARN.
    pub fn arn(&self) -> Reference<Arn> {
        self.attr_ref("", Attr::Get("Arn"))
    }

    /// The replica's id (a multi-Region key id, `mrk-…`, the primary's).
    pub fn key_id(&self) -> Reference<Id> {
        self.attr_ref("", Attr::Get("KeyId"))
    }
}

impl Construct<ReplicaKey> for ReplicaKey {}

impl IntoNode<ReplicaKey> for ReplicaKey {
    fn into_node(self) -> Box<dyn Node + Send + Sync> {
        Box::new(self)
    }
}

impl Node for ReplicaKey {
    fn kind(&self) -> &'static str {
        "ReplicaKey"
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn parts(&self) -> &'static [&'static str] {
        &[""]
    }

    fn uses(&self) -> Vec<Used> {
        vec![self.primary.used("KmsKey")]
    }

    /// The primary is multi-Region, and of another region than this replica.
    fn check_in(&self, arena: &Arena, stack: u32) -> Result<(), String> {
        let Some(primary) = arena.constructs.get(self.primary.index as usize) else {
            return Err("its primary key is not part of this app".to_owned());
        };
        if !primary.node.multi_region_key() {
            return Err(format!(
                "`{}` is a single-region key, which no key of another region can copy; declare it `KmsKey::new(..).multi_region()`",
                arena.path(self.primary.index)
            ));
        }
        let here = &arena.stacks[stack as usize].region;
        let there = &arena.stacks[primary.stack as usize].region;
        match here {
            None => Err(
                "a replica lives in a region of its own: declare its stack with `app.stack_in(name, region)`"
                    .to_owned(),
            ),
            Some(region) if Some(region) == there.as_ref() => Err(format!(
                "it is in {region}, the region of its primary `{}`; a replica lives in another region",
                arena.path(self.primary.index)
            )),
            // A primary of the deploy region is the usual layout: only the partition is read.
            Some(_) => check_partition(arena, stack, self.primary.index, "its primary key"),
        }
    }

    fn render(&self, cx: &mut RenderCx<'_>) -> Result<Vec<Resource>, serde_json::Error> {
        let key = ReplicaKeyResource {
            primary_key_arn: cx.resolve_anywhere(self.primary.arn()),
            description: self.description.clone(),
            enabled: true,
            pending_window_in_days: 30,
            key_policy: key_policy(cx),
        };
        Ok(vec![Resource::new(cx.logical(""), key)?.keep(Keep::Retain)])
    }
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    #[test]
    fn a_replica_in_another_partition_than_its_primary_is_refused() {
        let app = App::new("a");
        let security = app.stack_in("security", region!("us-east-1")).unwrap();
        let key = security.add(KmsKey::new("PhiKey").multi_region()).unwrap();
        let china = app
            .stack_in("china", crate::Region::new("cn-north-1").unwrap())
            .unwrap();
        let err = china
            .add(crate::ReplicaKey::new("PhiKeyChina", &key))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("construct `china/PhiKeyChina` is invalid: `security/PhiKey`, its primary key, is in us-east-1, of the AWS partition `aws`, and this construct in cn-north-1, of `aws-cn`: AWS copies nothing across partitions"),
            "{err}"
        );
        let west = app.stack_in("west", region!("us-west-2")).unwrap();
        west.add(crate::ReplicaKey::new("PhiKeyWest", &key))
            .unwrap();
    }
}
