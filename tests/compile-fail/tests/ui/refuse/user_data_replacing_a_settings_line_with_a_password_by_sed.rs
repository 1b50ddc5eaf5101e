//! A `sed` replacement that is a settings line, `password VALUE`, writes a password into a settings
//! file.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nsed -i 's/^password .*/password Winter2026/' /etc/ehr/app.conf\n"
    ));
}
