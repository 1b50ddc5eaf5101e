//! A line the shell starts inside a quote opened more than three lines before, whose text
//! command's quote seems to hide the `;` and `|` after the quote closes (`X="a`, four lines,
//! then `echo 'b" ; echo root:hunter2 | chpasswd # '`), in the script, in a here-document
//! that `bash` runs and in the quote of `sh -c`; a quoted operator of a text command in
//! cloud-config, and a script that redefines a text command: each is refused. (Hostile
//! review 25.)

use hipaa_stack::{UserData, user_data};

fn main() {
    // A double quote opened five lines before: the shell runs `chpasswd`.
    let _s0 = UserData::script(user_data!(
        "#!/bin/bash\nX=\"a\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\n"
    ));
    // A single quote, the same way.
    let _s1 = UserData::script(user_data!(
        "#!/bin/bash\nX='a\n1\n2\n3\n4\necho \"b' ; echo root:hunter2 | chpasswd # \"\n"
    ));
    // The body of a here-document that `bash` runs is a script of its own.
    let _s2 = UserData::script(user_data!(
        "#!/bin/bash\nbash <<'EOF'\nX=\"a\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\nEOF\n"
    ));
    // The quote of `sh -c` holds a script whose own quote spans the lines.
    let _s3 = UserData::script(user_data!(
        "#!/bin/bash\nsh -c \"\nX='a\n1\n2\n3\n4\necho \\\"b' ; echo root:hunter2 | chpasswd # \\\"\n\"\n"
    ));
    // Cloud-config is no one script: a quote of an entry before may leave the shell inside.
    let _s4 = UserData::script(user_data!(
        "#cloud-config\nruncmd:\n  - |\n    sed -i \"s|a|b|\" /etc/app.conf\n"
    ));
    // `echo` made to run what it is given.
    let _s5 = UserData::script(user_data!(
        "#!/bin/bash\necho() { eval \"$*\"; }\necho 'echo root:hunter2 | chpasswd'\n"
    ));
}
