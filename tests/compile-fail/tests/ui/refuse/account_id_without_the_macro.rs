//! `account!`'s hidden constructor called directly with a short id, as the macro's
//! expansion would: refused in const evaluation.

use hipaa_stack::AccountId;

fn main() {
    let _id = AccountId::__from_checked(const {
        match AccountId::__from_macro("12345") {
            Ok(checked) => checked,
            Err(rule) => panic!("{}", rule),
        }
    });
}
