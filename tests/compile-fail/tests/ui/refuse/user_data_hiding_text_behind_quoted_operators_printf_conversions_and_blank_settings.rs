//! Operators the shell runs though a line's own quotes seem to hide them (a quote opened on
//! one of the three lines before, a quote of `sh -c` read to its close, `ssh HOST "…"`),
//! `printf` conversions that cut or convert a fetched value or are given written text, and
//! blank-separated settings (`requirepass VALUE`) given written text or a fetched value
//! with text after it: each is refused. (Hostile review 24.)

use hipaa_stack::{UserData, user_data};

fn main() {
    // A quote opened on the line before: the `;` and `|` after `echo "` are the shell's.
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\nX=\"\necho \"; echo hunter2 | passwd --stdin root; echo \"\n\"\n"
    ));
    // The remote command of `ssh`, a script of its own.
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nssh admin@db \"echo hunter2 | passwd --stdin root\"\n"
    ));
    // A precision cuts the fetched value: the format writes the setting.
    let _s2 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\nprintf 'password=%.3s\\n' \"$S\" > /etc/app.conf\n"
    ));
    // Written text after a blank-separated key, through a `printf` conversion.
    let _s3 = UserData::script(user_data!(
        "#!/bin/bash\nprintf 'requirepass %s\\n' hunter2 >> /etc/redis/redis.conf\n"
    ));
    // A fetched value with written text after it, in `echo` and in a here-document.
    let _s4 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\necho \"requirepass $S-x\" >> /etc/redis/redis.conf\n"
    ));
    let _s5 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\ncat > /etc/redis/redis.conf <<EOF\nmasterauth \"$S x\"\nEOF\n"
    ));
    // Written text before a fetched value in a secret's file is no key.
    let _s6 = UserData::script(user_data!(
        "#!/bin/bash\nS=$(aws secretsmanager get-secret-value --secret-id ehr-db --query SecretString --output text)\necho \"hunter2 $S\" > /etc/app/db_password\n"
    ));
    // A quote of `sh -c` holding a text command's quote: the `;` after it is the shell's.
    let _s7 = UserData::script(user_data!(
        "#!/bin/bash\nsh -c \"x; echo 'a\" ; echo root:hunter2 | chpasswd\n"
    ));
    // A quote opened three lines before, closed on the line: its operators are the shell's.
    let _s8 = UserData::script(user_data!(
        "#!/bin/bash\nX=\"a\n1\n2\necho 'b\" ; echo root:hunter2 | chpasswd # '\n"
    ));
}
