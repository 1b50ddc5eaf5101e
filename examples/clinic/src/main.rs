//! A small clinic: a security stack with the key, the access-log bucket and the audit trail,
//! and a data stack with the patient-records bucket, a private network, the EHR database and
//! the daily backup plan of both, which use the security stack's key and log bucket. The
//! records and the database stay in one region, waivers of rules S10 and D2 with their
//! reason.
//!
//! `cargo run -p clinic -- synth --out out/clinic`

use hipaa_stack::compliance::{Waiver, rule};
use hipaa_stack::prelude::*;

#[hipaa_stack::main]
fn clinic(app: &mut App) -> Result<()> {
    let security = app
        .stack(stack_name!("clinic-security"))?
        .description("clinic: encryption key, access logs and the account's audit trail");
    let key = security.add(KmsKey::new("PhiKey").description("encrypts all PHI at rest"))?;
    let logs = security.add(AccessLogBucket::new("AccessLogs"))?;
    let trail = security.add(
        AuditTrail::new("Audit")
            .encryption(&key)
            .access_logs(&logs)
            .log_retention(days!(731)),
    )?;
    security.output("AuditLogGroup", trail.log_group_name())?;

    let data = app
        .stack(stack_name!("clinic-data"))?
        .description("clinic: patient records and the EHR database");
    let records = data.add(
        SecureBucket::new("PatientRecords")
            .encryption(&key)
            .access_logs(&logs)
            .noncurrent_version_retention(days!(2557)),
    )?;
    let net = data.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    let ehr = data.add(
        EncryptedDatabase::postgres("Ehr")
            .encryption(&key)
            .network(&net)
            .backup_retention(days!(35)),
    )?;
    // Every store of PHI is in a backup plan: daily recovery points kept 35 days, encrypted
    // with the key, in a vault whose recovery points no one can delete early.
    data.add(
        BackupPlan::new("Daily")
            .encryption(&key)
            .protect(&ehr)
            .protect(&records),
    )?;
    // A single-region clinic accepts, in writing, that a regional outage delays access to
    // its records; the telehealth example copies its recordings to a second region instead
    // (`SecureBucket::replicate_to`). The reason goes into the report and into the metadata
    // that cdk-nag, checkov and cfn-guard read.
    app.waive(Waiver::new(
        rule::S10,
        &records,
        "single-region clinic: the records are versioned and copied daily into the Daily \
         backup plan's vault; a regional outage delays access to them until the region \
         returns, a risk the clinic accepts in its contingency plan",
    ))?;
    app.waive(Waiver::new(
        rule::D2,
        &ehr,
        "single-region clinic: the database's automated backups (35 days) and the Daily \
         backup plan's recovery points stay in this region; a regional outage delays access \
         to the health records until the region returns, a risk the clinic accepts in its \
         contingency plan",
    ))?;
    data.output("RecordsBucket", records.name())?;
    data.output("EhrEndpoint", ehr.endpoint_address())?;
    data.output("EhrMasterSecret", ehr.master_secret_arn())?;
    Ok(())
}
