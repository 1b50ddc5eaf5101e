//! `snmpwalk -c COMMUNITY` passes the community on the command line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nsnmpwalk -v2c -c Winter2026 10.0.0.5 system\n"
    ));
}
