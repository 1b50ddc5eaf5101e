//! Python's `os.putenv` gives a variable named like a password a written value. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/usr/bin/env python3\nimport os\nos.putenv(\"DB_PASSWORD\", \"hunter2\")\n"
    ));
}
