//! `bucket_name!`'s hidden constructor called directly with a dotted name, as the macro's
//! expansion would: refused in const evaluation.

use hipaa_stack::BucketName;

fn main() {
    let _name = BucketName::__from_checked(const {
        match BucketName::__from_macro("patient.records") {
            Ok(checked) => checked,
            Err(rule) => panic!("{}", rule),
        }
    });
}
