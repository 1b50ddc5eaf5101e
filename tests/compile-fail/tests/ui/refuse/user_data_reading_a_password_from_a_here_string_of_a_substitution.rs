//! A here-string of a substitution that prints written text (`<<< "$(echo …)"`).

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nread -r PGPASSWORD <<< \"$(echo hunter2)\"\n"
    ));
}
