//! A type of the program's own posing as a construct: `Construct` is sealed, so no type
//! outside hipaa-stack can reach a template without the checks of a construct.

struct MyBucket;

impl hipaa_stack::Construct<hipaa_stack::SecureBucket> for MyBucket {}

fn main() {}
