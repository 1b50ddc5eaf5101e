//! `sudo sh -c 'echo … > FILE'`: the quoted command writes text into a file named like a secret.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nsudo sh -c 'echo hunter2 > /etc/app/db_password'\n"
    ));
}
