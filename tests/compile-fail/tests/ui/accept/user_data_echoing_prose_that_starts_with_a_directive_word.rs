//! Prose that starts with a directive's word (`rocommunity is disabled`), shown by `echo` or
//! `logger` and written into no file, is no configuration line; settings read at boot and settings
//! that are not secrets pass the setting tools.

use hipaa_stack::{UserData, user_data};

fn main() {
    let boot = UserData::script(user_data!(
        "#!/bin/bash\necho \"rocommunity is disabled\"\nlogger -t boot \"createUser was not run\"\necho \"snmp-server community is not set\"\n"
    ))
    .text(user_data!(
        "PW=$(aws secretsmanager get-secret-value --secret-id ehr/db --query SecretString --output text)\ncrudini --set /etc/ehr/app.ini database password \"$PW\"\ncrudini --set /etc/nova/nova.conf keystone_authtoken auth_url http://keystone:5000\nxmlstarlet sel -t -v //password /opt/ehr/app.xml\ngit config --global credential.helper store\ncat > /etc/ehr/app.conf <<EOF\npassword $PW\nEOF\n"
    ));
    let _ = boot;
}
