//! A `SecureVpc` whose flow logs are kept 30 days: the network's audit records are kept at
//! least a year. (Hostile review 23.)

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    stack.add(
        SecureVpc::new("Net", cidr!("10.20.0.0/16"))
            .encryption(&key)
            .flow_log_retention(days!(30)),
    )?;
    Ok(())
}
