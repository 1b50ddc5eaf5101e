//! `cidr!("10.20.1.0/16")`: the bits after the prefix must be zero.

use hipaa_stack::prelude::*;

fn main() {
    let vpc: Cidr = cidr!("10.20.1.0/16");
    println!("{vpc}");
}
