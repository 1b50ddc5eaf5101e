//! `cidr!`'s hidden constructor called directly with a prefix of 0, as the macro's
//! expansion would: refused in const evaluation (the internet is `Internet`, never a `Cidr`).

use std::net::{IpAddr, Ipv4Addr};

use hipaa_stack::Cidr;

fn main() {
    let _internet: Cidr = const {
        match Cidr::__from_macro(IpAddr::V4(Ipv4Addr::new(0, 0, 0, 0)), 0) {
            Ok(block) => block,
            Err(rule) => panic!("{}", rule),
        }
    };
}
