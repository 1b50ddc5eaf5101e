//! A password reader fed a variable that a setter after it gives written text (a function,
//! a loop or a trap runs the reader later), programs named by a pattern (a password tool
//! given a written flag, a reader run, linked or copied by one), and a command that feeds a
//! reader redefined (a function named `aws`, a file named `jq` the script writes), and a
//! whole flag carried by a variable `read` gave it. Each is refused. (Hostile review 27.)

use hipaa_stack::{UserData, user_data};

fn main() {
    // The function runs after the setter below it.
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\nf() { echo \"root:$X\" | chpasswd; }\nX=hunter2\nf\n"
    ));
    // The loop's second pass reads what its first set.
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nfor i in 1 2; do\necho \"root:$X\" | chpasswd\nX=hunter2\ndone\n"
    ));
    // The trap's text runs when the script ends.
    let _s2 = UserData::script(user_data!(
        "#!/bin/bash\ntrap 'echo \"root:$X\" | chpasswd' EXIT\nX=hunter2\n"
    ));
    // A password tool named by a pattern, given a written flag.
    let _s3 = UserData::script(user_data!(
        "#!/bin/bash\n/usr/bin/mysq? -u root -phunter2 -e 'select 1'\n"
    ));
    // A reader linked under another name through a pattern.
    let _s4 = UserData::script(user_data!(
        "#!/bin/bash\nln -sf /usr/sbin/chpass?d /run/setpw\necho root:hunter2 | /run/setpw\n"
    ));
    // `aws` redefined by a function prints what the script says.
    let _s5 = UserData::script(user_data!(
        "#!/bin/bash\naws() { echo root:hunter2; }\naws secretsmanager get-secret-value --secret-id a | chpasswd\n"
    ));
    // A file named `jq` linked to one the script wrote.
    let _s6 = UserData::script(user_data!(
        "#!/bin/bash\necho 'echo root:hunter2' | tee /tmp/e2 >/dev/null\nln -sf /tmp/e2 /usr/local/bin/jq\n"
    ));
    // A whole flag read into an array, given to `mysql`.
    let _s7 = UserData::script(user_data!(
        "#!/bin/bash\nread -rac <<< -phunter2\nmysql -u root \"$c\" -e 'select 1'\n"
    ));
}
