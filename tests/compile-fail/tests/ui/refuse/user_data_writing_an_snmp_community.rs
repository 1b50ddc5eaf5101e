//! An SNMP community is the agent's password: `rocommunity VALUE` in `snmpd.conf`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho 'rocommunity public 10.0.0.0/8' >> /etc/snmp/snmpd.conf\n"
    ));
}
