//! Quoted text that spans lines is written as it is: its line `password VALUE` in a settings file
//! sets a password.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho \"[db]\npassword Winter2026\" > /etc/ehr/app.ini\n"
    ));
}
