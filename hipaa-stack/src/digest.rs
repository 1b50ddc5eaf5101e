//! Content hashes, shared by the report (which records each template's hash for the
//! auditor) and the deploy engine (which names uploads and skips unchanged stacks by them).

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// SHA-256 of a text, as lower-case hex.
///
/// ```
/// use hipaa_stack::digest::sha256_hex;
/// assert_eq!(sha256_hex("").len(), 64);
/// ```
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_of_a_text_is_its_sha256_in_lower_case_hex() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(sha256_hex("").len(), 64);
    }
}
