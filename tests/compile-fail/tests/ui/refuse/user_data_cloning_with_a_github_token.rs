//! A GitHub token as the user of a clone URL is a credential without a password's name.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ngit clone https://ghp_Wint3r2026abcdefghijklmnopqrstuvwxyz@github.com/ehr/app.git /opt/ehr\n"
    ));
}
