//! `sqlplus USER/PASSWORD@DB` writes the password in its logon.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nsqlplus -s ehr/Winter2026@//db:1521/ORCL @/opt/ehr/setup.sql\n"
    ));
}
