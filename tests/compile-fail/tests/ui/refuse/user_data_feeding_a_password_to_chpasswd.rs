//! `echo 'user:password' | chpasswd` in user data: the password is written in the script,
//! fed to a command that reads it from its input rather than passed as a flag.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho 'ec2-user:Winter2026!' | chpasswd\n"
    ));
}
