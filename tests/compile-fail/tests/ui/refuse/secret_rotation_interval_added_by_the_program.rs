//! A program that adds a yearly rotation to the allowed intervals: the trait and `Days` are
//! hipaa-stack's, so the program cannot implement one for the other.

impl hipaa_stack::RotationInterval for hipaa_stack::Days<365> {}

fn main() {}
