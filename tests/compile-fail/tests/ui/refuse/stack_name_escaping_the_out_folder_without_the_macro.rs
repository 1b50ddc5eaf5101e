//! `stack_name!`'s hidden constructor called directly with `../escaped`, which would make
//! `synth` write outside `--out`: refused in const evaluation.

use hipaa_stack::StackName;

fn main() {
    let _name = StackName::__from_checked(const {
        match StackName::__from_macro("../escaped") {
            Ok(checked) => checked,
            Err(rule) => panic!("{}", rule),
        }
    });
}
