//! User data made at run time and leaked into a `&'static str`: it could carry a secret
//! into the template, so only `user_data!` text is accepted.

use hipaa_stack::UserData;

fn main() {
    let password = std::env::var("DB_PASSWORD").unwrap_or_default();
    let text: &'static str = format!("#!/bin/bash\nexport PGPASSWORD={password}\n").leak();
    let _boot = UserData::script(text);
}
