//! Written text piped into `sudo -u USER tee FILE`, a file named like a secret.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho hunter2 | sudo -u app tee /etc/app/db_password > /dev/null\n"
    ));
}
