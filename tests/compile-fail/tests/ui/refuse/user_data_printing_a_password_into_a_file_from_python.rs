//! Python's `print(…, file=f)`, `f` opened on a file named like a password, writes written text into it. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/usr/bin/env python3\nwith open('/etc/app/db_password', 'w') as f:\n    print(\"hunter2\", file=f)\n"
    ));
}
