//! `nmcli connection modify NAME wifi-sec.psk VALUE` writes a Wi-Fi key from the command line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nnmcli connection modify clinic-wifi wifi-sec.psk Winter2026\n"
    ));
}
