//! `account!` with an id written as the console shows it: `up` could never match it with
//! the credentials' account, so the environment's guard would refuse every deploy.

use hipaa_stack::prelude::*;

fn main() {
    let app = App::new("portal");
    let _ = app.environment("production", account!("1111-2222-3333"), region!("us-east-1"));
}
