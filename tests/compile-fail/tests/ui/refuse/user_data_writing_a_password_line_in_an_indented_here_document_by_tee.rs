//! `<<-` strips the body's leading tabs, and `tee` writes the body into the file: `password VALUE`
//! there sets a password.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nsudo tee /etc/ehr/app.ini > /dev/null <<-\"EOF\"\n\t[db]\n\tpassword Winter2026\n\tEOF\n"
    ));
}
