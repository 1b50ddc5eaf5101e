//! `openssl enc -k PASSWORD` (openssl-enc(1)) takes the password on its command line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nopenssl enc -d -aes-256-cbc -k Winter2026 -in /opt/app.enc -out /opt/app.tar\n"
    ));
}
