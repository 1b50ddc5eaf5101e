//! A tool's name split by quotes (`c"u"rl`), which the shell removes: read as `curl`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!("#!/bin/bash\nc\"u\"rl -u admin:hunter2 https://example.com\n"));
}
