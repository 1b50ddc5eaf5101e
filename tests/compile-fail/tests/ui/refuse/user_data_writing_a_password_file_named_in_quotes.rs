//! A file named like a secret with quotes in its name (`db_pass''word`), given a here-document.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncat > /etc/app/db_pass''word <<'EOF'\nhunter2\nEOF\n"
    ));
}
