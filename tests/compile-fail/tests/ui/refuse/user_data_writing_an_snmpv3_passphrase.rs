//! net-snmp's `createUser NAME SHA PASSPHRASE AES PASSPHRASE` writes an SNMPv3 user's pass phrases.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nnet-snmp-config --version\necho 'createUser ehr SHA Winter2026 AES Winter2026' >> /var/lib/net-snmp/snmpd.conf\n"
    ));
}
