//! `git config NAME VALUE` with a name ending in a secret's word writes a secret from the command
//! line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ngit config --global credential.password Winter2026\n"
    ));
}
