//! `augtool set PATH VALUE` (on its command line or in a here-document) writes the value of a
//! setting named like a password.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\naugtool <<EOF\nset /files/etc/ehr/app.conf/password Winter2026\nsave\nEOF\n"
    ));
}
