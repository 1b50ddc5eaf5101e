//! A hand-written source of user data text is checked in const evaluation like
//! `user_data!`: a literal password does not build.

use hipaa_stack::UserDataText;

struct Boot;

impl hipaa_stack::__private::UserDataSource for Boot {
    const TEXT: &'static str = "#!/bin/bash\nexport PGPASSWORD=hunter2\n";
}

fn main() {
    let _text = UserDataText::__from_source::<Boot>();
}
