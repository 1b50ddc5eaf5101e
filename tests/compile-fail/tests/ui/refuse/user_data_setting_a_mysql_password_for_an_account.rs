//! MySQL's `SET PASSWORD FOR ACCOUNT = 'VALUE'` sets a password written in the text.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nmysql -e \"SET PASSWORD FOR 'ehr'@'%' = 'Winter2026'\"\n"
    ));
}
