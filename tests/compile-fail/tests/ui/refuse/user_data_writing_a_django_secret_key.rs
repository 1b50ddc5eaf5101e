//! Django's `SECRET_KEY` is a secret named `…secret_key`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho \"SECRET_KEY = 'k3y-Winter2026'\" >> /srv/ehr/settings.py\n"
    ));
}
