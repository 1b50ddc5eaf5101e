//! A here-document written into a settings file is read as the file's lines: `db_password VALUE`
//! there sets a password, as it does echoed.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncat > /etc/ehr/app.conf <<'EOF'\nlog_level info\ndb_password Winter2026\nEOF\n"
    ));
}
