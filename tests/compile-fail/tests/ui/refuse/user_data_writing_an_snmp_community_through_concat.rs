//! Text that `concat!` joins is checked in const evaluation, joined: the community is read
//! across the two literals.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(concat!(
        "#!/bin/bash\necho 'rwcommunity ",
        "Winter2026' >> /etc/snmp/snmpd.conf\n"
    )));
}
