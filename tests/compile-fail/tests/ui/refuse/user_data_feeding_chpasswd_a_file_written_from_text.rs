//! A file the script wrote from its own text, fed to `chpasswd`, holds the password as
//! much as `echo … | chpasswd` does.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nprintf 'ehr:Winter2026\\n' > /tmp/users\nchpasswd < /tmp/users\nrm /tmp/users\n"
    ));
}
