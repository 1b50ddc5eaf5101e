//! `net-snmp-create-v3-user -A PASSPHRASE -X PASSPHRASE` passes the pass phrases on the command line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nnet-snmp-create-v3-user -ro -A Winter2026 -X Winter2026 -a SHA -x AES ehr\n"
    ));
}
