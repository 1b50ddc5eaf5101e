//! A `.toml` or `.cnf` file is a settings file: `db_password VALUE` echoed into one sets a password.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho 'db_password Winter2026' >> /etc/ehr/app.toml\n"
    ));
}
