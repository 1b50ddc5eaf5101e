//! `wpa_passphrase SSID PASSPHRASE` takes the pass phrase as its second operand.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nwpa_passphrase ClinicWifi Winter2026 > /etc/wpa_supplicant.conf\n"
    ));
}
