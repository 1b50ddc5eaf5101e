//! A type of the program's own posing as a certificate, which ACM would not issue nor renew: `ServerCertificate` is sealed.

struct MyCert;

impl hipaa_stack::ServerCertificate for MyCert {}

fn main() {}
