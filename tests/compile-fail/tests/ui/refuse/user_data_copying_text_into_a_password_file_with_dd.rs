//! Written text piped into `dd of=FILE`, a file named like a secret.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho hunter2 | dd of=/etc/app/db_password status=none\n"
    ));
}
