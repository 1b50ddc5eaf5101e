//! `{ read -r NAME; } <<< …`: the group's here-string is the input of its `read`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\n{ read -r PGPASSWORD; } <<< hunter2\n"
    ));
}
