//! Base64 text decoded and piped to a shell: the check cannot read what it becomes.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!("#!/bin/bash\necho bXlzcWwgLXBodW50ZXIy | base64 -d | sh\n"));
}
