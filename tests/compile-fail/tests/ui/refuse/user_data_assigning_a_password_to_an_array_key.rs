//! A key of an associative array named like a secret holds the secret (`creds[password]=…`).

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ndeclare -A creds\ncreds[password]=hunter2\n"
    ));
}
