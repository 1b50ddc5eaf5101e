//! A tab around `=` separates a key from its value as a space does: `password<TAB>= VALUE`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncat > /etc/ehr/app.conf <<'EOF'\n[database]\npassword\t= Winter2026\nEOF\n"
    ));
}
