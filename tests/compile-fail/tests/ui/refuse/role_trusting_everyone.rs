//! A role whose trust policy would name every principal (`*`).

use hipaa_stack::Role;

fn main() {
    let _role = Role::new("App", "*");
}
