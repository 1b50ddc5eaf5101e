//! The high-level constructs: one file each.
//!
//! Every construct emits exactly the settings of `docs/CONTROLS.md` for its resources,
//! always. Those that hold PHI cannot be added to a stack until they have their customer
//! key and their log destination: leaving one out is a compile error that names the method
//! to call and the HIPAA citation.

mod access_log_bucket;
mod account_baseline;
mod alarm_topic;
mod audit_trail;
mod backup_plan;
mod certificate;
mod copy_place;
mod encrypted_database;
pub(crate) mod function;
mod kms_key;
mod log_group;
mod own_account;
mod public_load_balancer;
mod raw_resource;
mod replica_key;
mod role;
mod secret;
mod secure_api;
mod secure_bucket;
mod secure_instance;
mod secure_instance_group;
mod secure_queue;
mod secure_table;
mod secure_vpc;
mod security_group;
mod session_manager;

pub use access_log_bucket::AccessLogBucket;
pub use audit_trail::AuditTrail;
pub use encrypted_database::{
    BackupRetention, DbNetwork, EncryptedDatabase, Engine, NetworkChosen, NoNetwork,
};
pub use function::{Architecture, Code, Function, VpcChosen};
pub use kms_key::KmsKey;
#[cfg(feature = "deploy")]
pub(crate) use log_group::DEFAULT_LOG_RETENTION;
pub use log_group::{LogGroup, LogRetention};
pub use raw_resource::{RawReference, RawResource, RawValue};
pub use replica_key::ReplicaKey;
pub use secure_bucket::{NotificationTarget, SecureBucket};
pub(crate) use secure_bucket::{REPLICA_NOT_REPLICATED, replica_reason};
pub use secure_vpc::{PrivateOnly, PublicVpc, SecureVpc, VpcBlock, VpcTier, WithPublicTier};

// The constructs of the network, compute, identity, alarm, backup, secret and account
// baseline families: every `pub` item of these modules is part of the API.
pub use account_baseline::*;
pub use alarm_topic::*;
pub use backup_plan::*;
pub use certificate::*;
pub use public_load_balancer::*;
pub use role::*;
pub use secret::*;
pub use secure_api::*;
pub use secure_instance::*;
pub use secure_instance_group::*;
pub use secure_queue::*;
pub use secure_table::*;
pub use security_group::*;
pub use session_manager::*;

use crate::app::Handle;

pub use crate::app::node::Construct;

pub(crate) mod sealed {
    use crate::app::Handle;
    use crate::constructs::{AccessLogBucket, KmsKey};

    /// The handle of a chosen key.
    pub trait ChosenKey {
        fn key(&self) -> Handle<KmsKey>;
    }

    /// The handle of a chosen access-log bucket.
    pub trait ChosenLogs {
        fn logs(&self) -> Handle<AccessLogBucket>;
    }

    impl ChosenKey for Handle<KmsKey> {
        fn key(&self) -> Handle<KmsKey> {
            *self
        }
    }

    impl ChosenLogs for Handle<AccessLogBucket> {
        fn logs(&self) -> Handle<AccessLogBucket> {
            *self
        }
    }

    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a customer-managed KMS key of hipaa-stack",
        label = "only `KmsKey` encrypts PHI",
        note = "`EncryptionKey` is sealed: HIPAA 45 CFR §164.312(a)(2)(iv) asks for a key the account controls and rotates; use the handle returned by `stack.add(KmsKey::new(..))?`"
    )]
    pub trait KeyKind {}
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not an access-log destination of hipaa-stack",
        label = "only `AccessLogBucket` receives S3 server access logs",
        note = "`AccessLogDestination` is sealed: HIPAA 45 CFR §164.312(b); use the handle returned by `stack.add(AccessLogBucket::new(..))?`"
    )]
    pub trait LogDestinationKind {}
    impl KeyKind for KmsKey {}
    impl KeyKind for super::ReplicaKey {}
    impl LogDestinationKind for AccessLogBucket {}

    /// The sealed half of the retention and interval traits (`LogRetention`,
    /// `BackupRetention`, `RecoveryPointRetention`, `QueueRetention`, `RotationInterval`):
    /// only a [`Days`](crate::Days), which only `days!(..)` makes, is a number of days.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a number of days of hipaa-stack",
        label = "only `days!(..)` makes a retention or an interval",
        note = "the retention and interval traits are sealed: which numbers of days are compliant is decided by hipaa-stack (HIPAA 45 CFR §164.308(a)(7)(ii)(A), §164.308(a)(4)(ii)(B), §164.312(b)); write the number with `days!(..)`"
    )]
    pub trait DaysKind {}
    impl<const N: u16> DaysKind for crate::literal::Days<N> {}
}

/// The state of a construct whose customer-managed key has not been chosen yet.
///
/// Call `.encryption(&key)`; until then the construct cannot be added to a stack.
#[derive(Debug, Clone, Copy)]
pub struct NoKey;

/// The state of a construct whose access-log destination has not been chosen yet.
///
/// Call `.access_logs(&log_bucket)`; until then the construct cannot be added to a stack.
#[derive(Debug, Clone, Copy)]
pub struct NoAccessLogs;

/// Implemented by a chosen key: the state a construct is in after `.encryption(&key)`.
#[diagnostic::on_unimplemented(
    message = "`{C}` has no customer-managed KMS key",
    label = "call `.encryption(&key)` on this `{C}` before adding it to a stack",
    note = "HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(e)(2)(ii): what may hold PHI is encrypted at rest with a customer-managed key (hipaa-stack controls S1, R1, L1, T2, E1, N1, B4, M2, A1K, A2, A3); create one with `stack.add(KmsKey::new(\"PhiKey\"))?`"
)]
pub trait KeyChosen<C>: sealed::ChosenKey {}

impl<C> KeyChosen<C> for Handle<KmsKey> {}

/// Implemented by a chosen access-log bucket: the state after `.access_logs(&log_bucket)`.
#[diagnostic::on_unimplemented(
    message = "`{C}` has no destination for its S3 server access logs",
    label = "call `.access_logs(&log_bucket)` on this `{C}` before adding it to a stack",
    note = "HIPAA 45 CFR §164.312(b) and §164.308(a)(3)(ii)(A): every access to a bucket of PHI is logged (hipaa-stack control S7); create the destination with `stack.add(AccessLogBucket::new(\"AccessLogs\"))?`"
)]
pub trait AccessLogsChosen<C>: sealed::ChosenLogs {}

impl<C> AccessLogsChosen<C> for Handle<AccessLogBucket> {}

/// A construct that can encrypt PHI: a customer-managed [`KmsKey`], or the [`ReplicaKey`] of
/// one in another region.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a customer-managed KMS key",
    label = "expected a handle to a `KmsKey` (or a `ReplicaKey` of one)",
    note = "HIPAA 45 CFR §164.312(a)(2)(iv): PHI is encrypted with a customer-managed key that the account controls and rotates; pass the handle returned by `stack.add(KmsKey::new(..))?`"
)]
pub trait EncryptionKey: sealed::KeyKind {}

impl EncryptionKey for KmsKey {}

impl EncryptionKey for ReplicaKey {}

/// A construct that can receive S3 server access logs: only an [`AccessLogBucket`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot receive S3 server access logs",
    label = "expected a handle to an `AccessLogBucket`",
    note = "S3 writes server access logs only to a bucket with SSE-S3 encryption and a policy for the logging service; HIPAA 45 CFR §164.312(b) (hipaa-stack control S7): pass the handle returned by `stack.add(AccessLogBucket::new(..))?`"
)]
pub trait AccessLogDestination: sealed::LogDestinationKind {}

impl AccessLogDestination for AccessLogBucket {}
