//! A password in the user information of a URL (`scheme://user:password@host`) in user data.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\npsql postgres://app:hunter2@ehr.internal:5432/ehr -c 'select 1'\n"
    ));
}
