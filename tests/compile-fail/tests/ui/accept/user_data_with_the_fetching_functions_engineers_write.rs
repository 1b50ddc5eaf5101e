//! Fetching functions as engineers write them: the secret's id named by `local`, `|| return
//! 1`, a retry loop, a log line sent to the errors, the JSON kept in a local and a field
//! picked by `jq`; and the AWS CLI pointed at a VPC endpoint of AWS. Each builds. (Hostile
//! review 30.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\nset -euo pipefail\nget_secret() {\n  local id=$1 n=0\n  echo \"fetching $id\" >&2\n  until aws secretsmanager get-secret-value --secret-id \"$id\" --query SecretString --output text; do\n    n=$((n+1)); [ \"$n\" -ge 5 ] && return 1; sleep 3\n  done\n}\nPW=$(get_secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db)\nmysql -h db.internal -u app -p\"$PW\" -e 'select 1'\n"
    ));
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nexport AWS_ENDPOINT_URL_SECRETS_MANAGER=https://vpce-0a1b-x.secretsmanager.us-east-1.vpce.amazonaws.com\nget_pw() { local s; s=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text) || return 1; jq -r .password <<< \"$s\"; }\nPW=$(get_pw)\nmysql -h db.internal -u app -p\"$PW\" -e 'select 1'\n"
    ));
}
