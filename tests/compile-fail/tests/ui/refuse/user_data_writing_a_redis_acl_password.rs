//! A Redis ACL rule `>VALUE` adds a password to a user.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nredis-cli ACL SETUSER ehr on '>Winter2026' '~*' '+@all'\n"
    ));
}
