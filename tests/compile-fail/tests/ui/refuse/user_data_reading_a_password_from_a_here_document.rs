//! A secret's variable read from a here-document of written text.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nread -r DB_PASSWORD <<'EOF'\nWinter2026\nEOF\nexport DB_PASSWORD\n"
    ));
}
