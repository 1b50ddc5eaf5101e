//! Password flags given values traced to a fetch at boot: a file that only the AWS CLI
//! writes, read back by `cat`, `< FILE`, `read` or `jq`; a value from the metadata service's
//! token; a function that runs the AWS CLI. Each builds.

use hipaa_stack::{UserData, user_data};

fn main() {
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\naws secretsmanager get-secret-value --secret-id db --query SecretString --output text > /etc/app/pw\nchmod 600 /etc/app/pw\nmysql -u root -p\"$(cat /etc/app/pw)\" -e 'select 1'\nmysql -u root -p\"$(< /etc/app/pw)\" -e 'select 2'\n"
    ));
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nread -r PW < /run/secrets/db\nsshpass -p \"$PW\" ssh backup@host\n"
    ));
    let _s2 = UserData::script(user_data!(
        "#!/bin/bash\nPW=$(jq -r .password /etc/app/secret.json)\ncurl -u \"admin:$PW\" https://example.com\n"
    ));
    let _s3 = UserData::script(user_data!(
        "#!/bin/bash\nTOKEN=$(curl -s -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')\nREGION=$(curl -s -H \"X-aws-ec2-metadata-token: $TOKEN\" http://169.254.169.254/latest/meta-data/placement/region)\nget_pw() { aws secretsmanager get-secret-value --region \"$REGION\" --secret-id db --query SecretString --output text; }\nmysql -u root -p\"$(get_pw)\" -e 'select 1'\n"
    ));
}
