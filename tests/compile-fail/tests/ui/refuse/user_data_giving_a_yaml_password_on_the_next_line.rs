//! A YAML key takes its value on the next, more indented line as well as on its own:
//! `password:` then `  VALUE` sets the password.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncat > /etc/ehr/app.yml <<'EOF'\ndatabase:\n  password:\n    Winter2026\nEOF\n"
    ));
}
