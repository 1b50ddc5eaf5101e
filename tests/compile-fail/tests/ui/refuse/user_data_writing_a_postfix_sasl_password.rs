//! Postfix's SASL password map holds `[HOST]:PORT USER:PASSWORD` lines.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\necho '[smtp.example.com]:587 ehr:Winter2026' > /etc/postfix/sasl_passwd\npostmap /etc/postfix/sasl_passwd\n"
    ));
}
