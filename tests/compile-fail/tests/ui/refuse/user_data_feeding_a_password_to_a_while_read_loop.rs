//! A here-string after `done` is the input of the loop's `read`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nwhile read -r PGPASSWORD; do psql -c 'select 1'; done <<< hunter2\n"
    ));
}
