//! A compound assignment keyed by a secret's name (`declare -A creds=([password]=…)`).

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ndeclare -A creds=([user]=admin [password]=hunter2)\n"
    ));
}
