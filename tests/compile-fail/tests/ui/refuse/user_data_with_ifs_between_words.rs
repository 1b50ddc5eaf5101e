//! `${IFS}` as the space between a tool and its password flag: read as a space.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!("#!/bin/bash\nmysql${IFS}-phunter2 ehr\n"));
}
