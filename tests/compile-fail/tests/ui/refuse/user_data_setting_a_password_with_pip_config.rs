//! `pip config set global.password VALUE` writes a setting named like a password from the command
//! line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\npip config set global.password Winter2026\n"
    ));
}
