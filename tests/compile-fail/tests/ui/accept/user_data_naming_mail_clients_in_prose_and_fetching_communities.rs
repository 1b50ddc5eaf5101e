//! Prose that names msmtp or fetchmail (a comment, an `echo`, a package install) names none
//! of their configuration files, so a `user … password …` phrase in a log line is no
//! password line; SNMP communities, `.properties` passwords and HAProxy passwords fetched at
//! boot are not written in the text.

use hipaa_stack::{UserData, user_data};

fn main() {
    let boot = UserData::script(user_data!(
        "#!/bin/bash\n# install msmtp and fetchmail for the alert mails\ndnf install -y msmtp fetchmail\necho \"install msmtp\"\nlogger \"user ehr password rotation requested\"\n"
    ))
    .text(user_data!(
        "COMMUNITY=$(aws secretsmanager get-secret-value --secret-id ehr/snmp --query SecretString --output text)\necho \"rocommunity $COMMUNITY 10.0.0.0/8\" >> /etc/snmp/snmpd.conf\nsnmpwalk -v2c -c \"$COMMUNITY\" 10.0.0.5 system\nsnmpd -c /etc/snmp/snmpd.conf\n"
    ))
    .text(user_data!(
        "echo \"db.password $DB_PASSWORD\" >> /opt/ehr/app.properties\necho 'db.password.file /run/secrets/db' >> /opt/ehr/app.properties\nprintf '  user ops insecure-password %s\\n' \"$HAPROXY_PASSWORD\" >> /etc/haproxy/haproxy.cfg\n"
    ));
    let _ = boot;
}
