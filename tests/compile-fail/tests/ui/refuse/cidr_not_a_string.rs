//! `cidr!(10.20)`: the block is written as a string literal.

use hipaa_stack::prelude::*;

fn main() {
    let vpc: Cidr = cidr!(10.20);
    println!("{vpc}");
}
