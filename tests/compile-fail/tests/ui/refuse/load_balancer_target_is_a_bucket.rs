//! A `PublicLoadBalancer` forwarding to a bucket: only secured compute constructs
//! (`SecureInstance`) are targets.

use hipaa_stack::prelude::*;
use hipaa_stack::PublicLoadBalancer;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key).public_tier())?;
    let records = stack.add(SecureBucket::new("Records").encryption(&key).access_logs(&logs))?;
    let _ = PublicLoadBalancer::new("Front", &net).target(&records);
    Ok(())
}
