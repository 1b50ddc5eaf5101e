//! moreutils' `sponge FILE` writes its input, here written text, into a file named like a password, as `tee` does. (Hostile review 20.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho hunter2 | sponge /etc/app/db_password\n"
    ));
}
