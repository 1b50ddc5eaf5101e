//! A command substitution prints what its here-string holds, whatever the command
//! (`xargs`, `head`, `sed`): the password is in the text, not fetched at boot.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nexport PGPASSWORD=$(xargs <<< Winter2026)\npsql -h ehr.internal -U reporting ehr\n"
    ));
}
