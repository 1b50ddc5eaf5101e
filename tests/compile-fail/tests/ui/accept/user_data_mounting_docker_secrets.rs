//! A path ending in a secret word is a file, not a variable: a volume mount of Docker's
//! secrets folder (`/run/secrets:/run/secrets:ro`) names two paths, not a value, and an
//! `Authorization` header whose token is read at boot writes no credential.

use hipaa_stack::{UserData, user_data};

fn main() {
    let boot = UserData::script(user_data!(
        "#!/bin/bash\ndocker run -d -v /run/secrets:/run/secrets:ro -v /etc/app/secret:/etc/app/secret:ro app\n"
    ))
    .text(user_data!(
        "TOKEN=$(aws secretsmanager get-secret-value --secret-id api --query SecretString --output text)\ncurl -fsS -H \"Authorization: Bearer $TOKEN\" https://ehr.example.org/register\n"
    ))
    .text(user_data!(
        "echo \"ehr.internal:5432:ehr:reporting:$DB_PASSWORD\" > /root/.pgpass\n"
    ));
    let _ = boot;
}
