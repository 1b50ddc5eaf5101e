//! net-snmp's `com2sec [-Cn CONTEXT] SECNAME SOURCE COMMUNITY` writes the community third.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho 'com2sec -Cn ehr notConfigUser default Winter2026' >> /etc/snmp/snmpd.conf\n"
    ));
}
