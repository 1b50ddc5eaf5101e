//! A `SecureApi` added without a route.
use hipaa_stack::prelude::*;
use hipaa_stack::{Code, Function, SecureApi, Waf};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    let reader = stack.add(Function::new("Reader", Code::cargo_bin("reader")).encryption(&key).network(&net))?;
    let _ = reader;
    stack.add(SecureApi::new("Docs").encryption(&key).waf(Waf::managed_rules()))?;
    Ok(())
}
