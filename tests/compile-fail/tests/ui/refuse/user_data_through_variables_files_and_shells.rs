//! Written text that reaches a password reader or a shell through data flow: a variable set
//! by `printf -v` or `mapfile`, a here-string passed through `cat`, a reader in a group, fed
//! through a file descriptor or named by a variable, text run by `eval` or piped into a
//! shell, a text command's file named by a variable, names made by a brace expansion and
//! `expand_aliases`: each is refused. (Hostile review 26.)

use hipaa_stack::{UserData, user_data};

fn main() {
    // `printf -v` gives the variable written text.
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\nprintf -v c '%s' 'root:hunter2'\necho \"$c\" | chpasswd\n"
    ));
    // `mapfile` reads a here-string of written text.
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nmapfile -t c <<<'root:hunter2'\necho \"${c[0]}\" | chpasswd\n"
    ));
    // A here-string through `cat` into the reader.
    let _s2 = UserData::script(user_data!("#!/bin/bash\ncat <<<'root:hunter2' | chpasswd\n"));
    // The reader in a group, fed by the group's here-string.
    let _s3 = UserData::script(user_data!("#!/bin/bash\n{ chpasswd; } <<< 'root:hunter2'\n"));
    // The reader fed through a file descriptor.
    let _s4 = UserData::script(user_data!(
        "#!/bin/bash\nexec 3<<<'root:hunter2'\nchpasswd <&3\n"
    ));
    // Text the script made, run by `eval`.
    let _s5 = UserData::script(user_data!("#!/bin/bash\nprintf -v c 'uptime'\neval \"$c\"\n"));
    // Text piped into a shell.
    let _s6 = UserData::script(user_data!(
        "#!/bin/bash\nsed -n '1s#.*#echo root:hunter2 | chpasswd#p' /etc/hostname | . /dev/stdin\n"
    ));
    // A file named `logger` through a variable.
    let _s7 = UserData::script(user_data!(
        "#!/bin/bash\nn=logger\nln -sf /bin/bash /usr/local/bin/$n\n"
    ));
    // Names made by a brace expansion, given written text.
    let _s8 = UserData::script(user_data!(
        "#!/bin/bash\nexport {PW,X}=root:hunter2\necho \"$PW\" | chpasswd\n"
    ));
    // An alias of any name may run a reader.
    let _s9 = UserData::script(user_data!(
        "#!/bin/bash\nshopt -s expand_aliases\nalias setpw=chp\"asswd\"\necho root:hunter2 | setpw\n"
    ));
}
