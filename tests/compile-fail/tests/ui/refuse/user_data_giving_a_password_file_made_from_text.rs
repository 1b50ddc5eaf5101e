//! A password file made by process substitution from written text (`<(echo …)`), given
//! to a flag that reads a password from a file.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nansible-vault decrypt --vault-password-file <(echo Winter2026) /etc/ehr/vars.yml\n"
    ));
}
