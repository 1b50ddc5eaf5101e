//! A database network written as a literal, with subnets and a security group nobody
//! checked: `DbNetwork` has no public variant or field.

use hipaa_stack::DbNetwork;

fn main() {
    let _ = DbNetwork::Existing {
        vpc: "vpc-0123456789abcdef0".to_owned(),
        subnets: vec!["subnet-0123456789abcdef0".to_owned()],
    };
}
