//! The AWS CLI pointed at a server other than AWS's own, or at one whose certificate it does
//! not check, and values the script stores in AWS and reads back as if fetched. Each is
//! refused. (Hostile review 30.)

use hipaa_stack::{UserData, user_data};

fn main() {
    // A server of the script's own answers `get-secret-value`.
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\nexport AWS_ENDPOINT_URL=http://127.0.0.1:9000\nX=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nmysql -u app -p\"$X\" -h db\n"
    ));
    // A certificate authority the script may make.
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nexport AWS_CA_BUNDLE=/root/ca.pem\n"
    ));
    // An object the script uploads, read back.
    let _s2 = UserData::script(user_data!(
        "#!/bin/bash\necho hunter2 | aws s3 cp - s3://bucket/x\nX=$(aws s3 cp s3://bucket/x -)\nmysql -u app -p\"$X\" -h db\n"
    ));
    // A JMESPath literal prints itself.
    let _s3 = UserData::script(user_data!(
        "#!/bin/bash\nX=$(aws ssm get-parameter --name db --query \\'hunter2\\' --output text)\nmysql -u app -p\"$X\" -h db\n"
    ));
    // The function's errors are given to its output at the call.
    let _s4 = UserData::script(user_data!(
        "#!/bin/bash\nf() { aws secretsmanager get-secret-value --secret-id db --output text; echo hunter2 >&2; }\nX=$(f 2>/dev/stdout)\nmysql -u app -p\"$X\" -h db\n"
    ));
}
