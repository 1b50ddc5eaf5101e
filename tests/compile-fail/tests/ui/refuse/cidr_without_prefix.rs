//! `cidr!("10.20.0.0")`: a CIDR block needs its prefix length.

use hipaa_stack::prelude::*;

fn main() {
    let vpc: Cidr = cidr!("10.20.0.0");
    println!("{vpc}");
}
