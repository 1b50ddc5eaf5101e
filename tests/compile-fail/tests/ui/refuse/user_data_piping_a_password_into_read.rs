//! `echo … | read NAME` gives the name the written text as much as `read NAME <<< …` does.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho Winter2026 | while read -r PGPASSWORD; do psql -h ehr.internal ehr; done\n"
    ));
}
