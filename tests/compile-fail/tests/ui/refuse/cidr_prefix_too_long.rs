//! `cidr!("10.20.0.0/33")`: an IPv4 prefix is at most 32 bits.

use hipaa_stack::prelude::*;

fn main() {
    let vpc: Cidr = cidr!("10.20.0.0/33");
    println!("{vpc}");
}
