//! Shell functions given values fetched at boot, `NAME=VALUE` lines whose values are
//! fetched, accounts made without a written password, `sed` hardening of sshd, and
//! `passwd` fed a fetched password, a database whose password RDS manages, a password file
//! filled from Secrets Manager, a key without a passphrase: nothing secret is written in
//! the text. (A function that feeds a password reader is defined in the same text: each
//! `user_data!` text is checked alone, since hostile review 26.)

use hipaa_stack::{UserData, user_data};

fn main() {
    let boot = UserData::script(user_data!(
        "#!/bin/bash\nset -euo pipefail\nfetch() { aws secretsmanager get-secret-value --secret-id \"$1\" --query SecretString --output text; }\ninstall_pkg() { PKG=$1; dnf install -y \"$PKG\"; }\ninstall_pkg jq\nfetch ehr/root | passwd --stdin root\n"
    ))
    .text(user_data!(
        "for k in DB_HOST DB_NAME; do echo \"$k=$(fetch \"ehr/$k\")\"; done >> /etc/app.env\nprintf '%s=%s\\n' \"$K\" \"$V\" >> /etc/app.env\n"
    ))
    .text(user_data!(
        "useradd -m -s /bin/bash app\nusermod -aG docker ec2-user\nopenssl passwd -6 -stdin < /run/pw > /run/hash\n"
    ))
    .text(user_data!(
        "sed -i 's/^#\\?PasswordAuthentication.*/PasswordAuthentication no/' /etc/ssh/sshd_config\nsed -i \"s/__DB_PASSWORD__/$DB_PASSWORD/\" /etc/app/config.ini\n"
    ))
    .text(user_data!(
        "aws rds create-db-instance --db-instance-identifier ehr --manage-master-user-password\nfetch ehr/db > /etc/ehr/db_password\nssh-keygen -q -N '' -f /root/.ssh/id\ndocker build --secret id=npm,src=/run/npmrc .\n"
    ));
    let _ = boot;
}
