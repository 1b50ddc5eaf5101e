//! Secrets fetched at boot from Secrets Manager and SSM, then copied into other variables
//! and given to commands that take a password as an operand: nothing is written in the
//! text. A setting that chooses how to authenticate (`MONGO_AUTH=true`) is no credential.

use hipaa_stack::{UserData, user_data};

fn main() {
    let boot = UserData::script(user_data!(
        "#!/bin/bash\nset -euo pipefail\nSECRET_ARN=arn:aws:secretsmanager:us-east-1:123456789012:secret:ehr-db\nDB_SECRET=$SECRET_ARN\nX=$(aws secretsmanager get-secret-value --secret-id \"$SECRET_ARN\" --query SecretString --output text)\nexport DB_PASSWORD=\"$X\"\n"
    ))
    .text(user_data!(
        "export REDISCLI_AUTH=\"$(aws ssm get-parameter --with-decryption --name /ehr/cache --query Parameter.Value --output text)\"\nMONGO_AUTH=true\n"
    ))
    .text(user_data!(
        "htpasswd -b /etc/nginx/.htpasswd admin \"$DB_PASSWORD\" > /dev/null 2>&1\nrabbitmqctl add_user ehr \"$DB_PASSWORD\"\necho \"requirepass $REDISCLI_AUTH\" >> /etc/redis/redis.conf\n"
    ));
    let _ = boot;
}
