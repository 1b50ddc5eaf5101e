//! A `SecureApi` whose access logs are kept 30 days: access logs are kept at least a year.
//! (Hostile review 23.)

use hipaa_stack::prelude::*;
use hipaa_stack::{Auth, Code, Function, HttpMethod, SecureApi, Waf};

fn main() -> hipaa_stack::Result<()> {
    let app = App::new("t");
    let stack = app.stack("t")?;
    let key = stack.add(KmsKey::new("PhiKey"))?;
    let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    let reader = stack.add(
        Function::new("Reader", Code::cargo_bin("reader"))
            .encryption(&key)
            .network(&net),
    )?;
    stack.add(
        SecureApi::new("Docs")
            .encryption(&key)
            .waf(Waf::managed_rules())
            .route(HttpMethod::Get, "/docs/{id}", &reader, Auth::iam())
            .log_retention(days!(30)),
    )?;
    Ok(())
}
