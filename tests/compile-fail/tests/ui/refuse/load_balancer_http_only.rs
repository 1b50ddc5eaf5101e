//! A `PublicLoadBalancer` with only the HTTP listener (`.redirect_http()`) and no HTTPS
//! listener: plain HTTP from the internet.

use hipaa_stack::prelude::*;
use hipaa_stack::PublicLoadBalancer;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let logs = stack.add(AccessLogBucket::new("AccessLogs"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key).public_tier())?;
    stack.add(
        PublicLoadBalancer::new("Front", &net)
            .encryption(&key)
            .access_logs(&logs)
            .redirect_http(),
    )?;
    Ok(())
}
