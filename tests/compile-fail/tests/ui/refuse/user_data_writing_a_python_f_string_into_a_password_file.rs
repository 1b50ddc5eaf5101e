//! A Python f-string of written text written into a file named like a password. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/usr/bin/env python3\nopen('/etc/app/db_password', 'w').write(f\"hunter2\")\n"
    ));
}
