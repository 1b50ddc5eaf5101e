//! Written text piped through a stage that passes it on (`| cat |`) into `read`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho hunter2 | cat | read -r PGPASSWORD\n"
    ));
}
