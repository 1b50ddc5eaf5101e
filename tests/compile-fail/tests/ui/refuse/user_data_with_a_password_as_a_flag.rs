//! A password passed to a command as a flag (`mysql -p…`) in user data: as readable by
//! anyone who may describe the instance as one assigned to a variable.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\nmysql -h ehr.internal -u admin -phunter2 ehr < /opt/schema.sql\n"
    ));
}
