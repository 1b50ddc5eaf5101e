//! keepalived's `auth_pass` takes the VRRP password after a space.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho '    auth_pass Winter26' >> /etc/keepalived/keepalived.conf\n"
    ));
}
