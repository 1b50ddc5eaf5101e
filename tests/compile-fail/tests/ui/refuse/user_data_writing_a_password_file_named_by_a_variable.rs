//! `echo … > $F`, `F` last given a path named like a password, writes written text into it. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nF=/etc/app/db_password\necho hunter2 > \"$F\"\n"
    ));
}
