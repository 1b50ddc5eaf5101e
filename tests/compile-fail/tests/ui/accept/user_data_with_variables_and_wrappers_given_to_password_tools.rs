//! Variables and function wrappers given to tools that take a password flag, which hold no
//! flag: a literal host and database, a loop over literal names, a path built from a
//! literal, a fetched host, and a wrapper whose calls pass only other flags. Each builds.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\nset -euo pipefail\nIFS=$'\\n\\t'\nHOST=db-1.internal\nDB=ehr\nPW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nmysql -h \"$HOST\" -u app -p\"$PW\" \"$DB\" -e 'select 1'\n"
    ));
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nfor db in ehr audit; do mysqldump -u root \"$db\" > \"/backup/$db.sql\"; done\n"
    ));
    let _s2 = UserData::script(user_data!(
        "#!/bin/bash\nDIR=/opt/app\nDEST=\"$DIR/backup.zip\"\nzip -r \"$DEST\" /data\n"
    ));
    let _s3 = UserData::script(user_data!(
        "#!/bin/bash\nrun_sql() { mysql -u admin -p\"$PW\" \"$@\"; }\nPW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nrun_sql -e 'select 1'\nrun_sql ehr\n"
    ));
    let _s4 = UserData::script(user_data!(
        "#!/bin/bash\nlogin() { aws ecr get-login-password | docker login -u AWS --password-stdin \"$1\"; }\nlogin 1.dkr.ecr.us-east-1.amazonaws.com\n"
    ));
}
