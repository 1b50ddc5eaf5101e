//! A variable given what a here-string prints (`X=$(xargs <<< …)`), copied into a password.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nX=$(xargs <<< hunter2)\nPGPASSWORD=$X\n"
    ));
}
