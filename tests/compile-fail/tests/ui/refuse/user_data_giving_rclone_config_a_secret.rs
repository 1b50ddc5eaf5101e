//! `rclone config create NAME TYPE KEY VALUE` writes a secret into rclone's configuration
//! when the key names one (`pass`, `secret_access_key`, `token`).

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nrclone config create backup sftp host files.example user ehr pass Winter2026\n"
    ));
}
