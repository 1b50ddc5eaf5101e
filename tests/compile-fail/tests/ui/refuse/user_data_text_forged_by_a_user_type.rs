//! A type of the program's own posing as user data text, made at run time and never checked for secrets: `ScriptText` is sealed.

struct MyText;

impl hipaa_stack::ScriptText for MyText {}

fn main() {}
