//! fish's `set -gx NAME VALUE` assigns as `export NAME=VALUE` does (fish(1), `set`).

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/usr/bin/fish\nset -gx PGPASSWORD Winter2026\npsql -h ehr.internal -U reporting ehr\n"
    ));
}
