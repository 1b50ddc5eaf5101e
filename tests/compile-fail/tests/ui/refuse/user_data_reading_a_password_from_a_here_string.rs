//! A variable named like a password given written text by a builtin rather than `=`:
//! `read -r PGPASSWORD <<< …` assigns it as much as `PGPASSWORD=…` (so does
//! `printf -v PGPASSWORD …`).

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nread -r PGPASSWORD <<< 'Winter2026'\nexport PGPASSWORD\npsql -h ehr.internal -U reporting ehr\n"
    ));
}
