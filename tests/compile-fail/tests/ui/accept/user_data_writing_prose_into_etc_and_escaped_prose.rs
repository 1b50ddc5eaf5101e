//! Prose in a text file under `/etc/` (`/etc/motd`, `/etc/issue`) and prose after the escape
//! of a new line (`printf 'x\nrocommunity is disabled'`) is no settings line, nor is the list
//! of secrets' names of a Compose service; Redis commands given fetched secrets, and keys
//! that are no secret, pass.

use hipaa_stack::{UserData, user_data};

fn main() {
    let boot = UserData::script(user_data!(
        "#!/bin/bash\ncat > /etc/motd <<'EOF'\nYour password expires soon\nEOF\necho \"Password required\" | tee -a /etc/issue\nprintf 'SNMP:\\nrocommunity is disabled\\n'\ncat > /opt/ehr/compose.yml <<'EOF'\nservices:\n  ehr:\n    secrets:\n      - db_password\nEOF\n"
    ))
    .text(user_data!(
        "PW=$(aws secretsmanager get-secret-value --secret-id ehr/cache --query SecretString --output text)\nredis-cli -h cache.internal AUTH default \"$PW\"\nredis-cli SET ehr:owner team-a\necho \"password $PW\" > /etc/ehr/config\n"
    ));
    let _ = boot;
}
