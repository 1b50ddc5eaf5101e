//! A `SecureVpc` added without `.encryption(&key)`: its flow logs would go to a log group
//! without a customer-managed key.

use hipaa_stack::prelude::*;

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")))?;
    Ok(())
}
