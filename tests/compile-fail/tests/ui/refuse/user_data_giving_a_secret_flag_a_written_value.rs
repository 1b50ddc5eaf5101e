//! A written password given to a flag named like one (`--master-user-password`) of a
//! command that is not a known tool: the AWS CLI.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _boot = UserData::script(user_data!(
        "#!/bin/bash\naws rds modify-db-instance --db-instance-identifier ehr --master-user-password Winter2026\n"
    ));
}
