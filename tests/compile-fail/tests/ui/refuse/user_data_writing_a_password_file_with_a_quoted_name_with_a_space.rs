//! A quoted file name with a space, named like a password, written from text. (Hostile review 19.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho hunter2 > \"/etc/app/db password\"\n"
    ));
}
