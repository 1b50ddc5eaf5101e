#![doc = include_str!("../../README.md")]

// The macros expand to `::hipaa_stack::…`; this lets them work inside the crate too.
extern crate self as hipaa_stack;

pub mod app;
pub mod asset;
pub mod cfn;
pub mod cli;
mod cli_events;
pub mod compliance;
pub mod constructs;
#[cfg(feature = "deploy")]
pub mod deploy;
pub mod digest;
pub mod error;
pub mod graph;
#[cfg(test)]
mod layers;
pub mod literal;
mod logging;
mod outdir;
mod parallel;
mod partition;
mod reason;
pub mod stack_tags;
pub mod synth;
#[cfg(test)]
mod testing;

pub use app::{App, Arn, Environment, Handle, Id, IntoStackName, Name, Reference, Stack};
pub use cfn::Keep;
pub use constructs::{
    AccessLogBucket, AccessLogDestination, AccessLogsChosen, AuditTrail, BackupRetention,
    Construct, DbNetwork, EncryptedDatabase, EncryptionKey, Engine, KeyChosen, KmsKey, LogGroup,
    LogRetention, NetworkChosen, NoAccessLogs, NoKey, NoNetwork, RawResource, SecureBucket,
    SecureVpc,
};
// Every construct, including those of the families re-exported by glob in `constructs`.
pub use compliance::Assembly;
pub use constructs::*;
pub use error::{Error, Result, Violation};
pub use hipaa_stack_macros::{
    account, bucket_name, cidr, date, days, main, region, stack_name, user_data,
};
pub use literal::{AccountId, BucketName, Cidr, Date, Days, Region, StackName};
pub use synth::SynthesizedStack;

/// Everything a program usually needs: `use hipaa_stack::prelude::*;`.
pub mod prelude {
    pub use crate::literal::Days;
    pub use crate::{
        AccessLogBucket, AccountBaseline, AccountId, AgentPermissions, Alarm, AlarmMetric,
        AlarmTopic, AllTraffic, Ami, App, AuditTrail, BackupPlan, BackupVault, BucketName, Cidr,
        Date, DbNetwork, EncryptedDatabase, Environment, Handle, Http, Https, Keep, KmsKey,
        LogGroup, PrefixList, RawResource, Region, ReplicaKey, Result, Role, Secret, SecureBucket,
        SecureInstance, SecureVpc, SecurityGroup, ServicePrincipal, Stack, StackName, Tcp,
        TcpRange, Trusted, Udp, UserData, UserDataText, account, bucket_name, cidr, date, days,
        region, stack_name, user_data,
    };
}

/// The command-line parser, for programs with arguments of their own
/// (`#[derive(hipaa_stack::clap::Args)]`).
pub use clap;

/// JSON, for the escape hatch: the properties of a [`RawResource`] (`json::json!({..})`)
/// and what [`Assembly`] and the report hold. It is `serde_json`, re-exported so that a
/// program needs no dependency of its own to match the version hipaa-stack uses.
///
/// ```
/// use hipaa_stack::json::json;
/// use hipaa_stack::prelude::*;
/// let app = App::new("clinic");
/// let stack = app.stack("clinic")?;
/// let key = stack.add(KmsKey::new("PhiKey"))?;
/// stack.add(
///     RawResource::new("Jobs", "AWS::SQS::Queue")
///         .property("KmsMasterKeyId", key.arn())
///         .property("RedrivePolicy", json!({ "maxReceiveCount": 5 })),
/// )?;
/// # Ok::<(), hipaa_stack::Error>(())
/// ```
pub use serde_json as json;

#[doc(hidden)]
pub mod __private {
    pub use crate::cli::{Program, run, run_with_args};
    pub use crate::constructs::__UserDataSource as UserDataSource;
}
