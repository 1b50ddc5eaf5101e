//! zsh's `=(echo …)` makes a file of written text, which `cp` copies into a file named like a password. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/zsh\ncp =(echo hunter2) /etc/app/db_password\n"
    ));
}
