//! `tee` writes every file it is given: the second is named like a secret.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho hunter2 | tee /var/log/app/boot /etc/app/db_password > /dev/null\n"
    ));
}
