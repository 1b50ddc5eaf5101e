//! `cidr!`'s hidden constructor called directly with half the internet, as the macro's
//! expansion would for a private block: refused in const evaluation (a block holding
//! addresses of the internet is a `PublicCidr`, never a `Cidr`).

use std::net::{IpAddr, Ipv4Addr};

use hipaa_stack::Cidr;

fn main() {
    let _half: Cidr = const {
        match Cidr::__from_macro(IpAddr::V4(Ipv4Addr::new(0, 0, 0, 0)), 1) {
            Ok(block) => block,
            Err(rule) => panic!("{}", rule),
        }
    };
}
