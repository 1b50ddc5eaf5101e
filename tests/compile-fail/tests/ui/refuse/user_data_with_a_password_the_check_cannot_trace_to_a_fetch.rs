//! A password flag given a value the check cannot trace to a fetch at boot: the output of a
//! function that prints text, of a command that prints its own words, of a file the script
//! wrote, of a helper the check does not know; a variable read from a function's input; a
//! function called after a redirection; a command named by a brace expansion. Each is
//! refused. (Hostile review 29.)

use hipaa_stack::{UserData, user_data};

fn main() {
    // The function prints written text.
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\npw() { echo hunter2; }\nmysql -u root -p\"$(pw)\"\n"
    ));
    // `date` prints its format.
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nmysql -u root -p\"$(date +hunter2)\"\n"
    ));
    // The file read back is one the script wrote.
    let _s2 = UserData::script(user_data!(
        "#!/bin/bash\nprintf hunter2 > /etc/app/p\nmysql -u root -p\"$(< /etc/app/p)\"\n"
    ));
    // A helper the check does not know.
    let _s3 = UserData::script(user_data!(
        "#!/bin/bash\nX=$(fetch-secret db)\nmysql -u root -p\"$X\"\n"
    ));
    // `read` inside the function reads the here-string its call is given.
    let _s4 = UserData::script(user_data!(
        "#!/bin/bash\nf() { read -r X; mysql -u root -p\"$X\"; }\nf <<< hunter2\n"
    ));
    // A call after a redirection is a call.
    let _s5 = UserData::script(user_data!(
        "#!/bin/bash\nf() { mysql -u root \"$1\"; }\n2>/dev/null f -phunter2\n"
    ));
    // `mysq{l,}` runs `mysql`.
    let _s6 = UserData::script(user_data!(
        "#!/bin/bash\nmysq{l,} -u root -phunter2\n"
    ));
}
