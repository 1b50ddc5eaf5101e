//! `$'…'` quotes a literal as `'…'` does (bash(1), QUOTING): the password is in the text
//! whichever quotes hold it.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nexport PGPASSWORD=$'Winter2026'\npsql -h ehr.internal -U reporting ehr\n"
    ));
}
