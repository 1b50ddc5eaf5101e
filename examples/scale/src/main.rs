//! The synth benchmark, shaped like the peer benchmark of the AWS CDK: one shared stack with
//! a KMS key and an access-log bucket, and N compliant buckets (customer-key encryption,
//! versioning, access logging to the shared bucket, public access blocked, TLS-only policy),
//! 50 buckets per stack. Every compliance check runs.
//!
//! `cargo run --release -p scale -- synth --buckets 5000 --out out/scale --timings`

// The program's own arguments are a `clap::Args`; hipaa-stack re-exports clap, and its derive
// names `clap::…`, hence this `use`.
use hipaa_stack::clap;

/// The program's allocator: mimalloc (its 2.x line), as a program that synthesizes large
/// apps may choose (these two lines in its `main.rs`, and the `mimalloc` crate). A synth
/// allocates and frees many small trees on two threads at once; with glibc's allocator
/// about a quarter of `scale synth --buckets 5000`'s time went to `malloc`, `free` and
/// `malloc_consolidate` (`perf`). Without transparent huge pages (`no_thp`): with them a
/// page fault cleared 2 MiB, a quarter of the run's time, and held more memory. mimalloc
/// 3.x was as quick and held more at N=50,000 (151 MiB, above issue 18's 150; 2.x 139
/// MiB, glibc 128 MiB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use hipaa_stack::compliance::{Waiver, rule};
use hipaa_stack::prelude::*;
use hipaa_stack::{Certificate, KeyType, PublicLoadBalancer, SecureQueue, SecureTable, TlsPolicy};

/// How many buckets to declare, and how.
#[derive(Debug, clap::Args)]
struct Scale {
    /// The number of secure buckets.
    #[arg(long, default_value_t = 1000)]
    buckets: usize,
    /// Buckets per stack.
    #[arg(long, default_value_t = 50)]
    per_stack: usize,
    /// Give every stack its own key and access-log bucket instead of the shared stack's,
    /// so that the stacks are independent and deploy in one wave.
    #[arg(long)]
    independent: bool,
    /// Waive rule S10 (no copy in a second region) on every bucket, with its reason: the
    /// buckets then carry the suppression that cdk-nag, checkov and cfn-guard read, as a
    /// program that accepts single-region storage in writing would.
    #[arg(long)]
    accept_single_region: bool,
    /// Give every stack a private network and a database in it (a security group whose
    /// ingress the rules judge against the app's store ports), encrypted with the stack's
    /// key.
    #[arg(long)]
    databases: bool,
    /// Give every stack a backup plan of its own that protects its buckets (and its
    /// database), encrypted with the stack's key.
    #[arg(long)]
    backups: bool,
    /// Give every stack a queue, a table and an alarm topic, encrypted with the
    /// stack's key (the table in the stack's backup plan, with `--backups`).
    #[arg(long)]
    services: bool,
    /// Give every stack a stack of its own in us-west-2 with a bucket to which each of its
    /// buckets replicates (with its own key and access-log bucket there).
    #[arg(long)]
    replicate: bool,
    /// Give every stack an HTTPS front door: a network with a public tier, a certificate
    /// and a public load balancer behind its own web ACL, its logs encrypted with the
    /// stack's key.
    #[arg(long)]
    front_door: bool,
}

#[hipaa_stack::main]
fn scale(app: &mut App, args: Scale) -> Result<()> {
    let per_stack = args.per_stack.max(1);
    let shared = if args.independent {
        None
    } else {
        let shared = app.stack(stack_name!("scale-shared"))?;
        let key = shared.add(KmsKey::new("PhiKey").description("encrypts every bucket"))?;
        let logs = shared.add(AccessLogBucket::new("AccessLogs"))?;
        Some((key, logs))
    };
    for (index, first) in (0..args.buckets).step_by(per_stack).enumerate() {
        let stack = app.stack(format!("scale-{:04}", index + 1).as_str())?;
        let (key, logs) = match shared {
            Some(shared) => shared,
            None => (
                stack.add(KmsKey::new("PhiKey"))?,
                stack.add(AccessLogBucket::new("AccessLogs"))?,
            ),
        };
        let copy = if args.replicate {
            let dr = app.stack_in(
                format!("scale-{:04}-dr", index + 1).as_str(),
                region!("us-west-2"),
            )?;
            let dr_key = dr.add(KmsKey::new("DrKey"))?;
            let dr_logs = dr.add(AccessLogBucket::new("DrLogs"))?;
            Some(
                dr.add(
                    SecureBucket::new("Copy")
                        .encryption(&dr_key)
                        .access_logs(&dr_logs),
                )?,
            )
        } else {
            None
        };
        let mut plan = BackupPlan::new("Daily").encryption(&key);
        if args.databases {
            let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
            let db = stack.add(
                EncryptedDatabase::postgres("Db")
                    .encryption(&key)
                    .network(&net)
                    .backup_retention(days!(35)),
            )?;
            plan = plan.protect(&db);
        }
        if args.front_door {
            let edge = stack.add(
                SecureVpc::new("Edge", cidr!("10.30.0.0/16"))
                    .encryption(&key)
                    .public_tier(),
            )?;
            let cert = stack.add(
                Certificate::dns("Cert", format!("s{index}.example.org"))
                    .hosted_zone("Z0123456789ABCDEFGHIJ"),
            )?;
            stack.add(
                PublicLoadBalancer::new("Front", &edge)
                    .encryption(&key)
                    .access_logs(&logs)
                    .https(&cert, TlsPolicy::Tls13Tls12_2021_06)
                    .redirect_http(),
            )?;
        }
        if args.services {
            stack.add(SecureQueue::new("Jobs").encryption(&key))?;
            let table = stack.add(
                SecureTable::new("Results", "DocumentKey", KeyType::String).encryption(&key),
            )?;
            plan = plan.protect(&table);
            stack.add(AlarmTopic::new("Alarms").encryption(&key))?;
        }
        for n in first..(first + per_stack).min(args.buckets) {
            let mut bucket = SecureBucket::new(format!("Records{n}"))
                .encryption(&key)
                .access_logs(&logs);
            if let Some(copy) = &copy {
                bucket = bucket.replicate_to(copy);
            }
            let bucket = stack.add(bucket)?;
            plan = plan.protect(&bucket);
            if args.accept_single_region {
                app.waive(Waiver::new(
                    rule::S10,
                    &bucket,
                    "a bucket of the synth benchmark: it is measured, never deployed with PHI, \
                     so it needs no copy in a second region",
                ))?;
            }
        }
        if args.backups {
            stack.add(plan)?;
        }
    }
    Ok(())
}
