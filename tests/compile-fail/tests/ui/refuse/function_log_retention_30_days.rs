//! A `Function` whose log group keeps events 30 days: logs that may hold PHI are kept at
//! least a year, as for a `LogGroup`. (Hostile review 23.)

use hipaa_stack::prelude::*;
use hipaa_stack::{Code, Function};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    stack.add(
        Function::new("Worker", Code::cargo_bin("worker"))
            .encryption(&key)
            .network(&net)
            .log_retention(days!(30)),
    )?;
    Ok(())
}
