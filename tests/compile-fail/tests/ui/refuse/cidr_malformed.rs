//! `cidr!("10.20.0/16")`: three octets are not an IPv4 address.

use hipaa_stack::prelude::*;

fn main() {
    let vpc: Cidr = cidr!("10.20.0/16");
    println!("{vpc}");
}
