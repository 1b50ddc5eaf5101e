//! `htpasswd -b FILE USER PASSWORD` takes the password as an operand, not a flag: it is on
//! the command line as much as `mysql -pPASSWORD`.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nhtpasswd -bc /etc/nginx/.htpasswd admin Winter2026\nsystemctl reload nginx\n"
    ));
}
