//! An `expect` script that answers a prompt with written text (`send "…\r"`) types a
//! password into the command it spawns.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nexpect -c 'spawn passwd ehr; expect \"word:\"; send \"Winter2026\\r\"; expect eof'\n"
    ));
}
