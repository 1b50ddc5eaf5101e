//! A written password fed to `passwd`, which reads it from an input that is not a terminal
//! (with or without `--stdin`).

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nprintf 'Winter2026\\nWinter2026\\n' | passwd root\n"
    ));
}
