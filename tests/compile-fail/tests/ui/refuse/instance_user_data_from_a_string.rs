//! User data made at run time: it could carry a secret into the template.

use hipaa_stack::UserData;

fn main() {
    let password = std::env::var("DB_PASSWORD").unwrap_or_default();
    let _boot = UserData::script(format!("#!/bin/bash\nexport PGPASSWORD={password}\n"));
}
