//! `install … /dev/stdin FILE` fed a here-string: the file named like a secret holds written text.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ninstall -m 600 /dev/stdin /etc/app/db_password <<< hunter2\n"
    ));
}
