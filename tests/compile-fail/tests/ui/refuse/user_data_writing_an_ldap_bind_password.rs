//! nslcd's `bindpw` takes the LDAP bind password after a space.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho 'bindpw Winter2026' >> /etc/nslcd.conf\nsystemctl restart nslcd\n"
    ));
}
