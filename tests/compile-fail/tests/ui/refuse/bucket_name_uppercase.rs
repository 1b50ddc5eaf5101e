//! An upper-case bucket name: S3 bucket names are lower-case.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    stack.add(
        SecureBucket::new("Records")
            .encryption(&key)
            .access_logs(&logs)
            .name(bucket_name!("PatientRecords")),
    )?;
    Ok(())
}
