//! `$'…'` in double quotes is no expansion: `echo` writes the text into a file named like a password. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho \"$'hunter2'\" > /etc/app/db_password\n"
    ));
}
