//! `crudini --set FILE SECTION PARAM VALUE` writes the value of a parameter named like a password
//! from the command line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncrudini --set /etc/ehr/app.ini database password Winter2026\n"
    ));
}
