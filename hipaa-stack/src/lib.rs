#![doc = include_str!("../../README.md")]

// The macros expand to `::hipaa_stack::…`; this lets them work inside the crate too.
extern crate self as hipaa_stack;

pub mod app;
pub mod cfn;
pub mod cli;
pub mod compliance;
pub mod constructs;
#[cfg(feature = "deploy")]
pub mod deploy;
pub mod error;
pub mod graph;
pub mod literal;
pub mod synth;
#[cfg(test)]
mod testing;

pub use app::{App, Arn, Handle, Id, IntoStackName, Name, Reference, Stack};
pub use cfn::Keep;
pub use constructs::{
    AccessLogBucket, AccessLogDestination, AccessLogsChosen, AuditTrail, BackupRetention,
    Construct, DbNetwork, EncryptedDatabase, EncryptionKey, Engine, KeyChosen, KmsKey, LogGroup,
    LogRetention, NetworkChosen, NoAccessLogs, NoKey, NoNetwork, RawResource, SecureBucket,
    SecureVpc,
};
// Every construct, including those of the families re-exported by glob in `constructs`.
pub use constructs::*;
pub use error::{Error, Result};
pub use hipaa_stack_macros::{bucket_name, cidr, date, days, main, stack_name, user_data};
pub use literal::{BucketName, Cidr, Date, Days, Region, StackName};
pub use synth::{Assembly, SynthesizedStack};

/// Everything a program usually needs: `use hipaa_stack::prelude::*;`.
pub mod prelude {
    pub use crate::literal::Days;
    pub use crate::{
        AccessLogBucket, AccountBaseline, Alarm, AlarmMetric, AlarmTopic, AllTraffic, Ami, App,
        AuditTrail, AwsManagedPolicy, BackupPlan, BackupVault, BucketName, Cidr, Date, DbNetwork,
        EncryptedDatabase, Handle, Http, Https, Keep, KmsKey, LogGroup, PrefixList, RawResource,
        Region, Result, Role, Secret, SecureBucket, SecureInstance, SecureVpc, SecurityGroup,
        ServicePrincipal, Stack, StackName, Tcp, TcpRange, Trusted, Udp, UserData, UserDataText,
        bucket_name, cidr, date, days, stack_name, user_data,
    };
}

/// The command-line parser, for programs with arguments of their own
/// (`#[derive(hipaa_stack::clap::Args)]`).
pub use clap;

#[doc(hidden)]
pub mod __private {
    pub use crate::cli::{Program, run, run_with_args};
    pub use crate::constructs::__UserDataSource as UserDataSource;
}
