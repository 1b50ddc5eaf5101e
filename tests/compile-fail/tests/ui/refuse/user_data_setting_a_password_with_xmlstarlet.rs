//! `xmlstarlet ed -u XPATH -v VALUE` writes the value of an element named like a password from the
//! command line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nxmlstarlet ed -L -u /config/db/password -v Winter2026 /opt/ehr/app.xml\n"
    ));
}
