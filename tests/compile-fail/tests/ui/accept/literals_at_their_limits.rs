//! Every literal macro at the edges of what it accepts.

use hipaa_stack::prelude::*;

fn main() -> Result<()> {
    let app = App::new("t");
    let stack = app.stack(stack_name!("a"))?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(
        AccessLogBucket::new("AccessLogs")
            .name(bucket_name!("abc"))
            .noncurrent_version_retention(days!(7)),
    )?;
    let network = DbNetwork::existing(
        "vpc-0123456789abcdef0",
        &["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
    )?;

    // Backup retention: 7 to 35 days.
    stack.add(
        EncryptedDatabase::postgres("Shortest")
            .encryption(&key)
            .network(network.clone())
            .backup_retention(days!(7)),
    )?;
    stack.add(
        EncryptedDatabase::mysql("Longest")
            .encryption(&key)
            .network(network)
            .backup_retention(days!(35)),
    )?;

    // Log retention: CloudWatch's allowed values from one year to ten.
    stack.add(
        LogGroup::new("OneYear")
            .encryption(&key)
            .retention(days!(365)),
    )?;
    stack.add(
        LogGroup::new("TenYears")
            .encryption(&key)
            .retention(days!(3653)),
    )?;
    stack.add(
        AuditTrail::new("Audit")
            .encryption(&key)
            .access_logs(&logs)
            .log_retention(days!(3653)),
    )?;

    // Bucket names: 3 to 63 characters; days: up to 100 years, with an unsigned suffix.
    let longest_name =
        bucket_name!("acme-patient-records-0123456789-0123456789-0123456789-012345678");
    assert_eq!(longest_name.as_str().len(), 63);
    stack.add(
        SecureBucket::new("Records")
            .encryption(&key)
            .access_logs(&logs)
            .name(longest_name)
            .noncurrent_version_retention(days!(36500u16)),
    )?;
    app.synth()?;

    // CIDR blocks: the whole IPv4 space and a /8 of IPv6 unique local addresses.
    assert_eq!(cidr!("0.0.0.0/0").prefix(), 0);
    assert_eq!(cidr!("10.20.0.1/32").prefix(), 32);
    assert_eq!(cidr!("fd00::/8").to_string(), "fd00::/8");
    assert_eq!(cidr!("fd00::1/128").prefix(), 128);

    // Regions: the shortest and one of GovCloud's, the same as at run time.
    assert_eq!(region!("me-south-1"), Region::new("me-south-1")?);
    assert_eq!(region!("us-gov-west-1").as_str(), "us-gov-west-1");
    Ok(())
}
