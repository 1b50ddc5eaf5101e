//! A tool's name in quotes (`"htpasswd" -b FILE USER PASSWORD`) runs the same tool: its written
//! password is refused as it is without the quotes.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\n\"htpasswd\" -b /etc/nginx/.htpasswd ehr Winter2026\n"
    ));
}
