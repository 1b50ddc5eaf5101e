//! A word given to a password tool that becomes a flag at boot, made of parts the script
//! wrote: a variable assembled with `+=`, a flag whose letters are expanded, a prefix
//! removed, an unquoted value split by `IFS`, a function's argument that its call gives,
//! and what `xargs` is fed; a flag in a cluster of short flags or after a redirection's
//! `&`; a flag's variable given written text after it. Each is refused. (Hostile reviews
//! 27 and 28.)

use hipaa_stack::{UserData, user_data};

fn main() {
    // `c` becomes `-phunter2` by appending.
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\nc=-\nc+=phunter2\nmysql -u root \"$c\" -e 'select 1'\n"
    ));
    // The flag's letters come from a variable.
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nc=phunter2\nmysql -u root \"-$c\"\n"
    ));
    // Removing a prefix leaves a flag.
    let _s2 = UserData::script(user_data!(
        "#!/bin/bash\nc=x-phunter2\nmysql -u root \"${c#x}\"\n"
    ));
    // `IFS` splits an unquoted value into a flag.
    let _s3 = UserData::script(user_data!(
        "#!/bin/bash\nIFS=x\nc=x-phunter2\nmysql -u root $c\n"
    ));
    // The function's call gives the flag its arguments carry.
    let _s4 = UserData::script(user_data!(
        "#!/bin/bash\nf() { mysql -u root \"$@\"; }\nf -phunter2\n"
    ));
    // `xargs` makes its input the tool's words.
    let _s5 = UserData::script(user_data!(
        "#!/bin/bash\necho -phunter2 | xargs mysql -u root\n"
    ));
    // `-v` takes no value: `-p` follows it in the cluster.
    let _s6 = UserData::script(user_data!(
        "#!/bin/bash\nmysql -u root -vphunter2 -e 'select 1'\n"
    ));
    // The command goes on after `2>&1`.
    let _s7 = UserData::script(user_data!(
        "#!/bin/bash\nmysql -u root 2>&1 -phunter2 -e 'select 1'\n"
    ));
    // The function runs after the setter below it.
    let _s8 = UserData::script(user_data!(
        "#!/bin/bash\nf() { mysql -u root -p\"$X\" -e 'select 1'; }\nX=hunter2\nf\n"
    ));
}
