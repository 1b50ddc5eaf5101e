//! A type of the program's own posing as a customer-managed key: `EncryptionKey` is sealed.

struct MyKey;

impl hipaa_stack::EncryptionKey for MyKey {}

fn main() {}
