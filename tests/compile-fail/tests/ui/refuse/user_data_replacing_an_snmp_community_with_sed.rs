//! A `sed` replacement that is a configuration line writes its credential as `echo` would.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nsed -i 's/^rocommunity .*/rocommunity Winter2026 10.0.0.0\\/8/' /etc/snmp/snmpd.conf\n"
    ));
}
