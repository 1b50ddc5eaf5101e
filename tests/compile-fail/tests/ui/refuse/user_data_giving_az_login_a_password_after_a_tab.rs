//! `az`, a tab, then `login -p PASSWORD`: the shell splits words at tabs too.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\naz\tlogin -u admin@example.com -p Winter2026\n"
    ));
}
