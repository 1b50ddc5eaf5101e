//! A literal given to an innocent name, then copied into a password's variable: the value
//! is in the text whatever the variable that holds it first is called.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nX=Winter2026\nexport DB_PASSWORD=\"$X\"\npsql -h ehr.internal -U reporting ehr\n"
    ));
}
