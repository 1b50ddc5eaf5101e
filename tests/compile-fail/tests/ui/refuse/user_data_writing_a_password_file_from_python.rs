//! Python writing a literal into a file named like a password (`open(…).write('…')`). (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/usr/bin/env python3\nwith open(\"/etc/app/db_password\", \"w\") as f:\n    f.write(\"hunter2\")\n"
    ));
}
