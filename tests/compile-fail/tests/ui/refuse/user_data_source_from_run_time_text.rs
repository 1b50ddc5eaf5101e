//! The hidden way in that `user_data!` expands to takes its text from an associated
//! constant: text made at run time (a leaked `String`) cannot be one, so it cannot reach a
//! template through it.

use hipaa_stack::UserDataText;

struct FromTheEnvironment;

impl hipaa_stack::__private::UserDataSource for FromTheEnvironment {
    const TEXT: &'static str = std::env::var("DB_PASSWORD").unwrap_or_default().leak();
}

fn main() {
    let _text = UserDataText::__from_source::<FromTheEnvironment>();
}
