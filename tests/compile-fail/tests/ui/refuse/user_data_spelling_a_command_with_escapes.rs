//! A command spelled with `printf` escapes and piped to a shell: the check cannot read it.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!("#!/bin/bash\nprintf '\\155ysql -phunter2' | sh\n"));
}
