//! A `.netrc` written by user data with its password after the word `password`: no `=`
//! or `:`, but a written password all the same, which curl and git read.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\ncat > /root/.netrc <<'EOF'\nmachine artifacts.example.com\n  login deploy\n  password Winter2026\nEOF\nchmod 600 /root/.netrc\n"
    ));
}
