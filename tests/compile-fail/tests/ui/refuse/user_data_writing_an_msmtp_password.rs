//! msmtp's configuration writes `user NAME` and `password VALUE` one a line.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nprintf 'account default\\nhost smtp.example\\nuser ehr\\npassword Winter2026\\n' > /root/.msmtprc\n"
    ));
}
