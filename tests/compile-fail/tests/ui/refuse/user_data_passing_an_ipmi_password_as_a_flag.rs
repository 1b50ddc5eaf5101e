//! `ipmitool -P PASSWORD` passes the BMC's password on the command line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nipmitool -I lanplus -H 10.0.0.9 -U admin -P Winter2026 power status\n"
    ));
}
