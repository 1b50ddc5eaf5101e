//! `dconf write KEY VALUE` with a key named like a password writes it from the command line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ndconf write /org/ehr/db/password \"'Winter2026'\"\n"
    ));
}
