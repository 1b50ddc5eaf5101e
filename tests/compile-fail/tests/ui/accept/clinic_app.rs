//! A clinic-like app that uses every construct, across two stacks, and synthesizes.

use hipaa_stack::prelude::*;

fn clinic(app: &mut App) -> Result<()> {
    let security = app
        .stack(stack_name!("clinic-security"))?
        .description("clinic: encryption key, access logs and the account's audit trail");
    let key = security.add(KmsKey::new("PhiKey").description("encrypts all PHI at rest"))?;
    let logs = security.add(
        AccessLogBucket::new("AccessLogs")
            .name(bucket_name!("acme-clinic-access-logs"))
            .noncurrent_version_retention(days!(90)),
    )?;
    let trail = security.add(
        AuditTrail::new("Audit")
            .encryption(&key)
            .access_logs(&logs)
            .log_retention(days!(731)),
    )?;
    security.output("AuditLogGroup", trail.log_group_name())?;
    security.output("PhiKeyArn", key.arn())?;

    let data = app
        .stack("clinic-data")?
        .description("clinic: patient records, application logs and the EHR databases");
    let records = data.add(
        SecureBucket::new("PatientRecords")
            .encryption(&key)
            .access_logs(&logs)
            .name(bucket_name!("acme-patient-records"))
            .noncurrent_version_retention(days!(2557)),
    )?;
    let app_logs = data.add(
        LogGroup::new("AppLogs")
            .encryption(&key)
            .retention(days!(2192)),
    )?;
    let network = DbNetwork::existing(
        "vpc-0123456789abcdef0",
        &["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
    )?;
    let ehr = data.add(
        EncryptedDatabase::postgres("Ehr")
            .encryption(&key)
            .network(network.clone())
            .backup_retention(days!(35))
            .instance_class("db.r6g.xlarge")
            .storage_gib(200),
    )?;
    let billing = data.add(
        EncryptedDatabase::mysql("Billing")
            .network(network)
            .encryption(&key),
    )?;
    data.output("RecordsBucket", records.name())?;
    data.output("AppLogGroup", app_logs.name())?;
    data.output("EhrEndpoint", ehr.endpoint_address())?;
    data.output("EhrMasterSecret", ehr.master_secret_arn())?;
    data.output("BillingArn", billing.arn())?;
    Ok(())
}

fn main() -> Result<()> {
    let mut app = App::new("clinic");
    clinic(&mut app)?;
    let assembly = app.synth()?;
    assert_eq!(assembly.stacks().len(), 2);
    Ok(())
}
