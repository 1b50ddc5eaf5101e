//! A file under `/etc/` without an extension (`/etc/default/ehr`) is read as a settings file: a line of a key named like a secret and one value sets it.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncat > /etc/default/ehr <<'EOF'\nDB_PASSWORD Winter2026\nEOF\n"
    ));
}
