//! `cat` given a here-document of written text, piped into `read`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncat <<'EOF' | read -r PGPASSWORD\nhunter2\nEOF\n"
    ));
}
