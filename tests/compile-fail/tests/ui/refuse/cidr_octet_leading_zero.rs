//! `cidr!("10.020.0.0/16")`: an octet with a leading zero reads as octal to some tools.

use hipaa_stack::prelude::*;

fn main() {
    let vpc: Cidr = cidr!("10.020.0.0/16");
    println!("{vpc}");
}
