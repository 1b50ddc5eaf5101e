//! Many settings files take `NAME VALUE`: `DB_PASSWD VALUE` echoed into one sets a password.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho 'DB_PASSWD Winter2026' >> /etc/ehr/app.conf\n"
    ));
}
