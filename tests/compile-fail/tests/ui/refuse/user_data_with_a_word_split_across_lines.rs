//! A word split by a line continuation (`ad\` then `min:…`): the check cannot read the word
//! the shell joins, so it is refused.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!("#!/bin/bash\ncurl -u ad\\\nmin:hunter2 https://example.com\n"));
}
