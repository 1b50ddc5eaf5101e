//! A literal assigned to a name ending in a plural secret word (`PASSWORDS`, `SECRETS`,
//! `TOKENS`), which holds secrets as much as the singular.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!("#!/bin/bash\nexport APP_SECRETS=s3cr3t-value\n"));
}
