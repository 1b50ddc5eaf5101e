//! A debconf answer of type `password` preseeds a package's password.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho \"mysql-server mysql-server/root_password password Winter2026\" | debconf-set-selections\n"
    ));
}
