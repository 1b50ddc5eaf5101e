//! Unit tests for every rule: valid values, each way to break a rule, and
//! the boundary lengths.

use super::*;

/// Calls `check` on `count` texts made of `pieces` at random (a linear congruential
/// generator from `seed`, so each run reads the same texts), each of fewer than
/// `2^(64 - shift)` pieces: the fuzzing of the tests that the check never panics.
fn each_random_text(
    pieces: &[&str],
    seed: u64,
    shift: u32,
    count: usize,
    mut check: impl FnMut(&str),
) {
    let mut state = seed;
    for _ in 0..count {
        let mut text = String::new();
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        let len = (state >> shift) as usize;
        for _ in 0..len {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
        }
        check(&text);
    }
}

/// Eight copies of a literal, for the long scripts of the const-evaluation tests:
/// `eight!(block!())` in a `concat!`.
macro_rules! eight {
    ($($piece:tt)*) => {
        concat!(
            $($piece)*,
            $($piece)*,
            $($piece)*,
            $($piece)*,
            $($piece)*,
            $($piece)*,
            $($piece)*,
            $($piece)*
        )
    };
}

/// The rule text of the violation, or a panic naming the value that passed.
fn rule_of(result: Result<(), Violation>, value: &str) -> String {
    match result {
        Ok(()) => panic!("`{value}` was accepted"),
        Err(v) => v.rule().to_owned(),
    }
}

/// Every rule text is one lower-case sentence: no capital first letter, no
/// full stop at the end, no line break.
fn assert_sentence(v: &Violation) {
    let rule = v.rule();
    assert!(
        rule.starts_with(|c: char| c.is_lowercase() || c == '`' || c.is_ascii_digit()),
        "rule does not start in lower case: {rule}"
    );
    assert!(!rule.ends_with('.'), "rule ends with a full stop: {rule}");
    assert!(!rule.contains('\n'), "rule spans lines: {rule}");
    assert!(!rule.contains("  "), "rule has a double space: {rule}");
}

mod violation {
    use super::*;

    #[test]
    fn accessors_and_display() {
        let v = check_bucket_name("My_Bucket").unwrap_err();
        assert_eq!(v.what(), "bucket name");
        assert_eq!(v.value(), "My_Bucket");
        assert_eq!(
            v.rule(),
            "bucket names use only lower-case letters, digits and hyphens"
        );
        assert_eq!(
            v.to_string(),
            "invalid bucket name `My_Bucket`: bucket names use only lower-case letters, \
             digits and hyphens"
        );
    }

    #[test]
    fn display_escapes_control_characters_and_odd_white_space() {
        let v = check_stack_name("a\nb\tc\u{a0}d e").unwrap_err();
        assert_eq!(v.value(), "a\nb\tc\u{a0}d e");
        assert_eq!(
            v.to_string(),
            "invalid stack name `a\\nb\\tc\\u{a0}d e`: stack names use only ASCII letters, \
             digits and hyphens"
        );
    }

    #[test]
    fn is_an_error_and_clone_eq() {
        let v = check_days(0).unwrap_err();
        let boxed: Box<dyn std::error::Error> = Box::new(v.clone());
        assert_eq!(boxed.to_string(), v.to_string());
        assert_eq!(v.clone(), v);
        assert_ne!(v, check_days(40_000).unwrap_err());
    }

    #[test]
    fn every_rule_text_is_a_lower_case_sentence() {
        let long = "a".repeat(300);
        let violations = [
            check_stack_name(""),
            check_stack_name(&long),
            check_stack_name("1a"),
            check_stack_name("a_b"),
            check_bucket_name(""),
            check_bucket_name("ab"),
            check_bucket_name(&long),
            check_bucket_name("AB_C"),
            check_bucket_name("a.b.c"),
            check_bucket_name("-abc"),
            check_bucket_name("xn--abc"),
            check_bucket_name("abc--x-s3"),
            check_construct_id(""),
            check_construct_id(&long),
            check_construct_id("1a"),
            check_construct_id("a-b"),
            check_logical_id(""),
            check_logical_id(&long),
            check_logical_id("a-b"),
            check_export_name(""),
            check_export_name(&long),
            check_export_name("a/b"),
            parse_cidr("10.0.0.0").map(drop),
            parse_cidr("10.0.0.256/8").map(drop),
            parse_cidr("010.0.0.0/8").map(drop),
            parse_cidr("10.0.0.0/33").map(drop),
            parse_cidr("10.0.0.0/x").map(drop),
            parse_cidr("10.0.0.1/8").map(drop),
            check_days(0).map(drop),
            check_days(36_501).map(drop),
        ];
        for result in violations {
            assert_sentence(&result.unwrap_err());
        }
    }
}

mod stack_name {
    use super::*;

    #[test]
    fn valid() {
        for name in [
            "a",
            "Z",
            "clinic-data",
            "ClinicData2",
            "a-",
            "a--b",
            "x1-2-3",
            &format!("a{}", "-".repeat(127)),
            &"s".repeat(128),
        ] {
            assert_eq!(check_stack_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn length() {
        assert_eq!(
            rule_of(check_stack_name(""), ""),
            "stack names cannot be empty"
        );
        let long = "s".repeat(129);
        assert_eq!(
            rule_of(check_stack_name(&long), &long),
            "stack names are at most 128 characters long, and this one has 129"
        );
    }

    #[test]
    fn first_character_is_a_letter() {
        for name in ["1stack", "-stack", "0", "-"] {
            assert_eq!(
                rule_of(check_stack_name(name), name),
                "stack names start with an ASCII letter",
                "{name}"
            );
        }
    }

    #[test]
    fn characters() {
        for name in [
            "clinic_data",
            "clinic.data",
            "clinic data",
            "clinic/data",
            "clïnic",
            "_stack",
            "stack:1",
        ] {
            assert_eq!(
                rule_of(check_stack_name(name), name),
                "stack names use only ASCII letters, digits and hyphens",
                "{name}"
            );
        }
    }

    #[test]
    fn display() {
        assert_eq!(
            check_stack_name("1st").unwrap_err().to_string(),
            "invalid stack name `1st`: stack names start with an ASCII letter"
        );
    }
}

mod bucket_name {
    use super::*;

    #[test]
    fn valid() {
        for name in [
            "abc",
            "123",
            "patient-records",
            "a-b",
            "a--b",
            "0bucket9",
            "xn-abc",
            "sthree",
            "amzn-s3-demo",
            "abc-s3alia",
            "abc-ol-s3",
            "abc-x-s3",
            "abc-table-s3",
            "s3alias",
            &"b".repeat(63),
        ] {
            assert_eq!(check_bucket_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn length() {
        assert_eq!(
            rule_of(check_bucket_name(""), ""),
            "bucket names cannot be empty"
        );
        for (name, len) in [("a", 1), ("ab", 2)] {
            assert_eq!(
                rule_of(check_bucket_name(name), name),
                format!("bucket names are 3 to 63 characters long, and this one has {len}")
            );
        }
        let long = "b".repeat(64);
        assert_eq!(
            rule_of(check_bucket_name(&long), &long),
            "bucket names are at most 63 characters long, and this one has 64"
        );
    }

    #[test]
    fn characters() {
        for name in [
            "My_Bucket",
            "Bucket",
            "bucket_name",
            "bucket name",
            "bücket",
            "bucket/1",
            "Bucket.name",
        ] {
            assert_eq!(
                rule_of(check_bucket_name(name), name),
                "bucket names use only lower-case letters, digits and hyphens",
                "{name}"
            );
        }
    }

    #[test]
    fn dots_are_refused_for_tls() {
        for name in [
            "patient.records",
            "a.b",
            "abc.",
            ".abc",
            "192.168.1.1",
            "a..b",
        ] {
            let rule = rule_of(check_bucket_name(name), name);
            assert!(
                rule.starts_with("bucket names may not contain dots"),
                "{rule}"
            );
            assert!(rule.contains("HTTPS"), "{rule}");
            assert!(rule.contains("TLS only"), "{rule}");
        }
    }

    #[test]
    fn starts_and_ends_with_letter_or_digit() {
        for name in ["-abc", "abc-", "-a-", "---"] {
            assert_eq!(
                rule_of(check_bucket_name(name), name),
                "bucket names start and end with a lower-case letter or digit",
                "{name}"
            );
        }
    }

    #[test]
    fn reserved_prefixes() {
        for (name, prefix) in [
            ("xn--abc", "xn--"),
            ("sthree-bucket", "sthree-"),
            ("sthree-configurator", "sthree-"),
            ("amzn-s3-demo-bucket", "amzn-s3-demo-"),
        ] {
            let rule = rule_of(check_bucket_name(name), name);
            assert!(
                rule.starts_with(&format!(
                    "bucket names may not start with `{prefix}`, which "
                )),
                "{name}: {rule}"
            );
        }
    }

    #[test]
    fn reserved_suffixes() {
        for (name, suffix) in [
            ("abc-s3alias", "-s3alias"),
            ("abc--ol-s3", "--ol-s3"),
            ("abc--x-s3", "--x-s3"),
            ("abc--table-s3", "--table-s3"),
        ] {
            let rule = rule_of(check_bucket_name(name), name);
            assert!(
                rule.starts_with(&format!("bucket names may not end with `{suffix}`, which ")),
                "{name}: {rule}"
            );
        }
    }

    #[test]
    fn directory_bucket_suffix_text() {
        assert_eq!(
            check_bucket_name("data--x-s3").unwrap_err().to_string(),
            "invalid bucket name `data--x-s3`: bucket names may not end with `--x-s3`, \
             which S3 reserves for directory buckets"
        );
    }
}

mod construct_id {
    use super::*;

    #[test]
    fn valid() {
        for id in [
            "A",
            "z",
            "PatientRecords",
            "Bucket1",
            "a1b2",
            &"C".repeat(64),
        ] {
            assert_eq!(check_construct_id(id), Ok(()), "{id}");
        }
    }

    #[test]
    fn length() {
        assert_eq!(
            rule_of(check_construct_id(""), ""),
            "construct ids cannot be empty"
        );
        let long = "C".repeat(65);
        assert_eq!(
            rule_of(check_construct_id(&long), &long),
            "construct ids are at most 64 characters long, and this one has 65"
        );
    }

    #[test]
    fn first_character_is_a_letter() {
        for id in ["1Bucket", "0"] {
            assert_eq!(
                rule_of(check_construct_id(id), id),
                "construct ids start with an ASCII letter",
                "{id}"
            );
        }
    }

    #[test]
    fn characters() {
        for id in [
            "Patient-Records",
            "Patient_Records",
            "Patient Records",
            "Ünique",
            "-A",
            "a:b",
        ] {
            assert_eq!(
                rule_of(check_construct_id(id), id),
                "construct ids use only ASCII letters and digits, because they become \
                 CloudFormation logical ids",
                "{id}"
            );
        }
    }
}

mod logical_id {
    use super::*;

    #[test]
    fn valid() {
        for id in [
            "A",
            "1",
            "0Bucket",
            "PatientRecordsB1C2D3",
            &"L".repeat(255),
        ] {
            assert_eq!(check_logical_id(id), Ok(()), "{id}");
        }
    }

    #[test]
    fn length() {
        assert_eq!(
            rule_of(check_logical_id(""), ""),
            "logical ids cannot be empty"
        );
        let long = "L".repeat(256);
        assert_eq!(
            rule_of(check_logical_id(&long), &long),
            "logical ids are at most 255 characters long, and this one has 256"
        );
    }

    #[test]
    fn characters() {
        for id in ["Bucket-1", "Bucket_1", "Bucket 1", "Bücket", "a:b", "a.b"] {
            assert_eq!(
                rule_of(check_logical_id(id), id),
                "logical ids use only ASCII letters and digits",
                "{id}"
            );
        }
    }
}

mod export_name {
    use super::*;

    #[test]
    fn valid() {
        for name in [
            "a",
            ":",
            "-",
            "clinic-security:KeyArn",
            "Stack1:Output-2",
            &"e".repeat(255),
        ] {
            assert_eq!(check_export_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn length() {
        assert_eq!(
            rule_of(check_export_name(""), ""),
            "export names cannot be empty"
        );
        let long = "e".repeat(256);
        assert_eq!(
            rule_of(check_export_name(&long), &long),
            "export names are at most 255 characters long, and this one has 256"
        );
    }

    #[test]
    fn characters() {
        for name in ["a/b", "a_b", "a b", "a.b", "é", "a::b/c"] {
            assert_eq!(
                rule_of(check_export_name(name), name),
                "export names use only ASCII letters, digits, colons and hyphens",
                "{name}"
            );
        }
    }
}

mod cidr {
    use super::*;

    fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(a, b, c, d))
    }

    fn rule(text: &str) -> String {
        match parse_cidr(text) {
            Ok(parsed) => panic!("`{text}` was accepted as {parsed:?}"),
            Err(v) => {
                assert_eq!(v.what(), "CIDR block");
                assert_eq!(v.value(), text);
                v.rule().to_owned()
            }
        }
    }

    #[test]
    fn valid_ipv4() {
        for (text, addr, prefix) in [
            ("10.20.0.0/16", v4(10, 20, 0, 0), 16),
            ("0.0.0.0/0", v4(0, 0, 0, 0), 0),
            ("10.0.0.0/8", v4(10, 0, 0, 0), 8),
            ("192.168.1.128/25", v4(192, 168, 1, 128), 25),
            ("10.1.2.3/32", v4(10, 1, 2, 3), 32),
            ("255.255.255.255/32", v4(255, 255, 255, 255), 32),
            ("128.0.0.0/1", v4(128, 0, 0, 0), 1),
            ("172.16.0.0/12", v4(172, 16, 0, 0), 12),
        ] {
            assert_eq!(parse_cidr(text), Ok((addr, prefix)), "{text}");
        }
    }

    #[test]
    fn valid_ipv6() {
        for (text, addr, prefix) in [
            ("::/0", Ipv6Addr::UNSPECIFIED, 0),
            (
                "fd00:10::/48",
                Ipv6Addr::new(0xfd00, 0x10, 0, 0, 0, 0, 0, 0),
                48,
            ),
            (
                "2001:db8::/32",
                Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
                32,
            ),
            (
                "2001:DB8:0:1::/64",
                Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 0, 0, 0, 0),
                64,
            ),
            ("::1/128", Ipv6Addr::LOCALHOST, 128),
            (
                "::ffff:10.0.0.0/104",
                Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0x0a00, 0),
                104,
            ),
        ] {
            assert_eq!(parse_cidr(text), Ok((IpAddr::V6(addr), prefix)), "{text}");
        }
    }

    #[test]
    fn prefix_is_required() {
        assert_eq!(
            rule("10.20.0.0"),
            "a CIDR block needs a prefix length after a `/`, e.g. `10.20.0.0/16`"
        );
        assert_eq!(
            rule("fd00::"),
            "a CIDR block needs a prefix length after a `/`, e.g. `fd00:10::/48`"
        );
        assert_eq!(
            rule(""),
            "a CIDR block needs a prefix length after a `/`, e.g. `10.20.0.0/16`"
        );
    }

    #[test]
    fn address_must_parse() {
        for (text, address) in [
            ("10.0.0.256/8", "10.0.0.256"),
            ("10.0.0/8", "10.0.0"),
            ("10.0.0.0.0/8", "10.0.0.0.0"),
            ("/8", ""),
            (" 10.0.0.0/8", " 10.0.0.0"),
            ("10.0.0.0 /8", "10.0.0.0 "),
            ("fe80::1%eth0/64", "fe80::1%eth0"),
            ("fd00:::/48", "fd00:::"),
            ("::ffff:010.0.0.0/104", "::ffff:010.0.0.0"),
            ("example.com/24", "example.com"),
            ("0x0a.0.0.0/8", "0x0a.0.0.0"),
            ("10.-1.0.0/16", "10.-1.0.0"),
        ] {
            assert_eq!(
                rule(text),
                format!("`{address}` is not an IPv4 or IPv6 address"),
                "{text}"
            );
        }
    }

    #[test]
    fn leading_zeros_in_octets_are_refused() {
        for (text, octet) in [
            ("010.0.0.0/8", "010"),
            ("10.00.0.0/16", "00"),
            ("10.0.0.01/32", "01"),
            ("192.168.001.0/24", "001"),
        ] {
            assert_eq!(
                rule(text),
                format!(
                    "the octet `{octet}` has a leading zero, which some tools read as octal, \
                     so write it without one"
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn prefix_length_range() {
        assert_eq!(
            rule("10.0.0.0/33"),
            "the prefix length of an IPv4 block is at most 32, not 33"
        );
        assert_eq!(
            rule("10.0.0.0/255"),
            "the prefix length of an IPv4 block is at most 32, not 255"
        );
        assert_eq!(
            rule("10.0.0.0/1000"),
            "the prefix length of an IPv4 block is at most 32, not 1000"
        );
        assert_eq!(
            rule("fd00::/129"),
            "the prefix length of an IPv6 block is at most 128, not 129"
        );
    }

    #[test]
    fn prefix_length_is_plain_decimal() {
        for (text, prefix, max) in [
            ("10.0.0.0/", "", 32),
            ("10.0.0.0/x", "x", 32),
            ("10.0.0.0/+8", "+8", 32),
            ("10.0.0.0/-8", "-8", 32),
            ("10.0.0.0/08", "08", 32),
            ("10.0.0.0/00", "00", 32),
            ("10.0.0.0/8 ", "8 ", 32),
            ("10.0.0.0/99999999999", "99999999999", 32),
            ("10.0.0.0/16/8", "16/8", 32),
            ("fd00::/048", "048", 128),
            ("fd00::/4.8", "4.8", 128),
        ] {
            assert_eq!(
                rule(text),
                format!(
                    "the prefix length `{prefix}` must be a whole number from 0 to {max}, \
                     without sign or leading zeros"
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn host_bits_must_be_zero() {
        for (text, meant) in [
            ("10.20.1.0/16", "10.20.0.0/16"),
            ("10.20.0.1/16", "10.20.0.0/16"),
            ("10.0.0.1/0", "0.0.0.0/0"),
            ("192.168.1.129/25", "192.168.1.128/25"),
            ("10.1.2.3/31", "10.1.2.2/31"),
            ("255.255.255.255/1", "128.0.0.0/1"),
            ("fd00:10::1/48", "fd00:10::/48"),
            ("fd00:10:0:1::/48", "fd00:10::/48"),
            ("::1/0", "::/0"),
            ("::1/127", "::/127"),
        ] {
            let prefix = meant.rsplit('/').next().unwrap_or_default();
            assert_eq!(
                rule(text),
                format!(
                    "the host bits after a /{prefix} prefix must be zero; did you mean `{meant}`?"
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn display() {
        assert_eq!(
            parse_cidr("10.20.1.0/16").unwrap_err().to_string(),
            "invalid CIDR block `10.20.1.0/16`: the host bits after a /16 prefix must be zero; \
             did you mean `10.20.0.0/16`?"
        );
    }
}

mod days {
    use super::*;

    #[test]
    fn valid() {
        for days in [1, 7, 35, 365, 2190, 2557, 36_499, 36_500] {
            assert_eq!(check_days(days), Ok(u16::try_from(days).unwrap()));
        }
    }

    #[test]
    fn zero_keeps_nothing() {
        let v = check_days(0).unwrap_err();
        assert_eq!(v.what(), "number of days");
        assert_eq!(v.value(), "0");
        assert_eq!(
            v.to_string(),
            "invalid number of days `0`: a retention of 0 days keeps nothing"
        );
    }

    #[test]
    fn at_most_a_hundred_years() {
        for days in [
            36_501,
            65_535,
            65_536,
            100_000,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let v = check_days(days).unwrap_err();
            assert_eq!(v.value(), days.to_string());
            assert_eq!(v.rule(), "a retention is at most 36500 days (100 years)");
        }
    }
}

/// The const rules agree with the `check_*` functions, on hand-picked and random input.
mod const_rules_agree {
    use super::*;

    /// Random strings over the characters the rules care about (a small LCG: no
    /// dependency, same cases on every run).
    fn samples() -> Vec<String> {
        const ALPHABET: &[u8] = b"abcdez0189-.-_A/xn-s3aliasthree";
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        let mut out: Vec<String> = [
            "",
            "a",
            "ab",
            "abc",
            "-ab",
            "ab-",
            "xn--abc",
            "sthree-abc",
            "amzn-s3-demo-x",
            "abc-s3alias",
            "abc--ol-s3",
            "abc--x-s3",
            "abc--table-s3",
            "us-east-1",
            "us-gov-west-1",
            "us--east-1",
            "-us-east-1",
            "us-east-",
            "us-east",
            "US-EAST-1",
            "us-east-1a",
            "ab-cd-12",
            "abcdefg-hij-1",
            "../escaped",
            "a.b",
            "é-east-1",
            "clinic-data",
            "9lives",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        out.push("a".repeat(63));
        out.push("a".repeat(64));
        out.push("a".repeat(128));
        out.push("a".repeat(129));
        for _ in 0..20_000 {
            let len = next() % 40;
            let s: String = (0..len)
                .map(|_| char::from(ALPHABET[next() % ALPHABET.len()]))
                .collect();
            out.push(s);
        }
        out
    }

    #[test]
    fn names() {
        for s in samples() {
            assert_eq!(is_stack_name(&s), check_stack_name(&s).is_ok(), "{s:?}");
            assert_eq!(is_bucket_name(&s), check_bucket_name(&s).is_ok(), "{s:?}");
            assert_eq!(is_region(&s), check_region(&s).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn networks() {
        for text in [
            "10.0.0.0/8",
            "10.0.0.1/8",
            "10.0.0.1/32",
            "0.0.0.0/0",
            "::/0",
            "fd00::/8",
            "fd00::1/8",
            "fd00::1/128",
            "128.0.0.0/1",
            "8000::/1",
            "255.255.255.255/32",
        ] {
            let (address, prefix) = text.split_once('/').unwrap();
            let address: IpAddr = address.parse().unwrap();
            let prefix: u8 = prefix.parse().unwrap();
            let parsed = parse_cidr(text).is_ok() && prefix > 0;
            assert_eq!(is_network(address, prefix), parsed, "{text}");
        }
        assert!(!is_network(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 33));
        assert!(!is_network(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 129));
    }

    /// A block is off the internet only when all of it is in a private, shared, loopback
    /// or link-local range; one public address makes it a block of the internet.
    #[test]
    fn is_off_internet_reads_the_whole_block() {
        for (text, off) in [
            ("10.0.0.0/8", true),
            ("10.20.0.0/16", true),
            ("172.16.0.0/12", true),
            ("172.31.255.0/24", true),
            ("172.32.0.0/16", false),
            ("172.0.0.0/8", false),
            ("192.168.1.0/24", true),
            ("192.0.0.0/8", false),
            ("100.64.0.0/10", true),
            ("100.128.0.0/10", false),
            ("169.254.169.254/32", true),
            ("127.0.0.1/32", true),
            ("8.0.0.0/7", false),
            ("0.0.0.0/1", false),
            ("128.0.0.0/1", false),
            ("203.0.113.0/24", false),
            ("11.0.0.0/8", false),
            ("fd00::/8", true),
            ("fc00::/7", true),
            ("fe80::/10", true),
            ("::1/128", true),
            ("::/1", false),
            ("8000::/1", false),
            ("2001:db8::/32", false),
            ("::/0", false),
            ("0.0.0.0/0", false),
        ] {
            let (address, prefix) = text.split_once('/').unwrap();
            let address: IpAddr = address.parse().unwrap();
            let prefix: u8 = prefix.parse().unwrap();
            assert_eq!(is_off_internet(address, prefix), off, "{text}");
        }
    }

    #[test]
    fn dates_and_days() {
        for year in [1999, 2000, 2024, 2027, 2100, 2999, 3000] {
            for month in 0..=13u8 {
                for day in 0..=32u8 {
                    let text = format!("{year:04}-{month:02}-{day:02}");
                    assert_eq!(
                        is_date(year, month, day),
                        parse_date(&text).is_ok(),
                        "{text}"
                    );
                }
            }
        }
        for days in [0u16, 1, 35, 36_500, 36_501, u16::MAX] {
            assert_eq!(is_days(days), check_days(u64::from(days)).is_ok(), "{days}");
        }
    }
}

mod user_data {
    use super::*;

    #[test]
    fn scripts_without_secrets_pass() {
        for text in [
            "#!/bin/bash\nset -euo pipefail\ndnf -y update\n",
            "TOKEN=$(curl -X PUT http://169.254.169.254/latest/api/token -H \"X-aws-ec2-metadata-token-ttl-seconds: 21600\")\n",
            "curl -H \"X-aws-ec2-metadata-token: $TOKEN\" http://169.254.169.254/\n",
            "export PGPASSWORD=$(aws secretsmanager get-secret-value --secret-id db --query SecretString)\n",
            "export PGPASSWORD=`fetch`\n",
            "aws secretsmanager get-secret-value --secret-id=arn:aws:secretsmanager:x\n",
            "echo 'records bucket: ",
            "password=\n",
            "AWS_ACCESS_KEY_ID_FILE=/x\n",
            "COMPASS=north\nBYPASS=1\nPASSES: 3\n",
            "DB_PW=$(fetch)\nPGPASS=`fetch`\nPW_FILE=/run/pw\n",
            "pass\npw",
            "curl https://example.com/a:b@c\n",
            "psql postgres://app@db/ehr\n",
            "psql postgres://app:$DB_PASSWORD@db/ehr\n",
            "psql \"postgres://app:${PW}@db/ehr\"\n",
            "echo ://:@\n",
            "curl https://host?x=a:b@c\n",
            "curl https://host#a:b@c\n",
            "curl https://host a:b@c\n",
            "curl \"https://host\"a:b@c\n",
            "curl 'https://host'a:b@c\n",
            "psql postgres://app:`fetch`@db/ehr\n",
            "psql postgres://app:<password>@db/ehr\n",
            // Passwords read at boot or prompted for, and flags of the same letter that
            // take no password.
            "mysql -u admin -p\"$DB_PASSWORD\" ehr\n",
            "mysql -u admin -p ehr\n",
            "mysql -u admin -p`vault kv get -field=password secret/db` ehr\n",
            "mysql --password=\"$PW\" ehr\n",
            "mysql-client -phunter2\n",
            "curl -u admin https://example.com\n",
            "curl -u \"$USER:$PASSWORD\" https://example.com\n",
            "curl -u admin: https://example.com\n",
            "sshpass -e ssh host\n",
            "sshpass -f /run/pw ssh host\n",
            "mkdir -p /var/lib/app\n",
            "docker run -p 443:8443 app\n",
            "openssl enc -pass env:PW -in x\n",
            "openssl enc -pass file:/run/pw -in x\n",
            "ssh -p 2222 host\n",
            "mysql\n-phunter2\n",
            "sqlcmd -p 1433\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
            assert!(check_user_data(text).is_ok());
        }
    }

    #[test]
    fn secrets_are_refused() {
        for text in [
            "export PGPASSWORD=hunter2\n",
            "DB_PASSWORD = 'hunter2'\n",
            "password: hunter2\n",
            "{\"password\": \"hunter2\"}",
            "API_KEY=abc123\n",
            "client_secret=xyz\n",
            "GITHUB_TOKEN=ghp_abc\n",
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n",
            "echo {{resolve:secretsmanager:prod/db:SecretString:password}}\n",
            "x={{RESOLVE:ssm-secure:p}}",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n",
            "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n",
            "AKIAIOSFODNN7EXAMPLE",
            "export DB_PW=hunter2\n",
            "MYSQL_PASS='hunter2'\n",
            "dbPass: hunter2\n",
            "db2Pwd=hunter2",
            "psql postgres://app:hunter2@db.internal/ehr\n",
            "redis-cli -u redis://:s3cret@cache:6379\n",
            // A password passed to a command as a flag, in each tool's spellings.
            "mysql -u admin -phunter2 ehr\n",
            "mysql -uadmin -p'hunter2' ehr\n",
            "/usr/bin/mysqldump -p\"hunter2\" ehr > dump.sql\n",
            "mysql --password=hunter2 ehr\n",
            "MARIADB -phunter2\n",
            "curl -u admin:hunter2 https://example.com\n",
            "curl -uadmin:hunter2 https://example.com\n",
            "curl --user \"admin:hunter2\" https://example.com\n",
            "curl --user=admin:hunter2 https://example.com\n",
            "curl -sS --proxy-user p:hunter2 https://example.com\n",
            "wget --http-password hunter2 https://example.com\n",
            "sshpass -p hunter2 ssh host\n",
            "sshpass -phunter2 ssh host\n",
            "sh -c 'sshpass -p hunter2 scp a host:'\n",
            "redis-cli -a hunter2 ping\n",
            "redis-cli -h cache --pass hunter2 ping\n",
            "mongosh --password hunter2 ehr\n",
            "sqlcmd -S db -U sa -P hunter2\n",
            "ldapsearch -x -D cn=admin -w hunter2\n",
            "smbclient //files/share -U admin%hunter2\n",
            "docker login -u admin -p hunter2 registry\n",
            "openssl pkcs12 -export -passout pass:hunter2 -out k.p12\n",
            "echo ok && mysql -phunter2\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
            let v = check_user_data(text).unwrap_err();
            assert!(v.rule().starts_with("user data may not"), "{}", v.rule());
        }
    }
}

/// Shell that hides a command the check refuses inside one literal: each is read as the
/// shell reads it, or refused because it cannot be read.
mod user_data_shell_tricks {
    use super::*;

    fn refused_with(text: &str, start: &str) {
        let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
        assert!(rule.starts_with(start), "{text:?}: {rule}");
    }

    #[test]
    fn hidden_commands_are_read_as_the_shell_reads_them() {
        for text in [
            // Line continuations between words, right after the name, before a value.
            "mysql -u admin \\\n  -phunter2 ehr\n",
            "mysql \\\n-phunter2\n",
            "mysql\\\n -phunter2\n",
            "sshpass -p \\\n  hunter2 ssh host\n",
            "curl -sS \\\r\n  -u admin:hunter2 https://example.com\r\n",
            // A carriage return is part of a word, not the end of a command.
            "mysql -u admin\r -phunter2\n",
            "mysql -u admin -phunter2\r\n",
            // `$IFS` as the space between words.
            "mysql${IFS}-phunter2\n",
            "curl$IFS-u$IFS'admin:hunter2' https://example.com\n",
            "mysql${IFS%?}-phunter2\n",
            // Quotes and backslashes inside a word.
            "c\"u\"rl -u admin:hunter2 https://example.com\n",
            "my''sql -phunter2\n",
            "\"mysql\" -phunter2\n",
            "m\\ysql -phunter2\n",
            "mysql -\"p\"hunter2\n",
            "mysql -p''hunter2\n",
            "mysql -p\"\"hunter2\n",
            "mysql --pass\"word\"=hunter2\n",
            "curl -u 'admin':hunter2 https://example.com\n",
            "curl -u \"admin\":'hunter2' https://example.com\n",
            "openssl pkcs12 -export -passout 'pass':hunter2\n",
            "docker  login -p hunter2 registry\n",
            "docker \\\n  login -p hunter2 registry\n",
            // ANSI-C and locale quoting of a literal.
            "$'mysql' -phunter2\n",
            "mysql -p$'hunter2'\n",
            "mysql -p$\"hunter2\"\n",
            // Brace expansion, redirections and operators without spaces.
            "{mysql,-phunter2}\n",
            "mysql<<<'select 1' -phunter2\n",
            "true;mysql -phunter2\n",
            "true&&mysql -phunter2\n",
            "false||mysql -phunter2\n",
            "echo x|mysql -phunter2\n",
            "X=$(mysql -phunter2 -e 'select 1')\n",
            // Here-documents, `sh -c`, `eval`: the command is in the text.
            "bash <<'EOF'\nmysql -phunter2\nEOF\n",
            "cat <<EOF | sh\nmysql -phunter2\nEOF\n",
            "sh -c 'mysql -phunter2'\n",
            "eval \"mysql -phunter2\"\n",
            "eval 'my''sql -phunter2'\n",
            // A comment is text of the user data too.
            "# mysql -phunter2\n",
            // A substitution or a default that makes written text is not fetched at boot.
            "mysql -p$(echo hunter2) ehr\n",
            "mysql -p\"$(printf hunter2)\" ehr\n",
            "mysql -p`echo hunter2` ehr\n",
            "mysql -p\"$(cat <<< hunter2)\" ehr\n",
            "mysql -p${DB_PW:-hunter2} ehr\n",
            "curl -u \"admin:${PW:=hunter2}\" https://example.com\n",
            // A password in a variable of any name, given written text.
            "X=hunter2\nmysql -u admin -p\"$X\" ehr\n",
            "export DB='hunter2'; mysql -p${DB} ehr\n",
            "read -r X <<< hunter2\nmysql -p\"$X\" ehr\n",
            "X=$(echo hunter2)\ncurl -u \"admin:$X\" https://example.com\n",
            // A flag stored in a variable for a later command.
            "OPTS=-phunter2\nmysql $OPTS ehr\n",
            "ARGS=\"-u admin --password=hunter2\"\nmysql $ARGS ehr\n",
            "args=(-u admin -phunter2)\nmysql \"${args[@]}\" ehr\n",
        ] {
            refused_with(
                text,
                "user data may not pass a password to a command as a flag",
            );
        }
    }

    #[test]
    fn what_cannot_be_read_is_refused_saying_so() {
        for (text, start) in [
            (
                "ec\\\nho ok\n",
                "user data may not break a word across lines",
            ),
            (
                "curl -u ad\\\nmin:x https://example.com\n",
                "user data may not break a word",
            ),
            (
                "$'\\x6dysql' -phunter2\n",
                "user data may not spell printable characters with escapes",
            ),
            (
                "$'\\155ysql' -phunter2\n",
                "user data may not spell printable characters",
            ),
            (
                "printf '\\155ysql -phunter2' | sh\n",
                "user data may not spell printable characters",
            ),
            (
                "echo -e '\\x6d\\x79sql -phunter2' | sh\n",
                "user data may not spell printable characters",
            ),
            (
                "echo -e '\\0155ysql -phunter2' | sh\n",
                "user data may not spell printable characters",
            ),
            (
                "printf '\\u006dysql -phunter2' | sh\n",
                "user data may not spell printable characters",
            ),
            (
                "a=mysql; $a -phunter2\n",
                "user data may not run a command named by a variable",
            ),
            (
                "a=curl\n${a} -u admin:hunter2 https://example.com\n",
                "user data may not run a command named",
            ),
            (
                "\"$a\" -phunter2\n",
                "user data may not run a command named",
            ),
            (
                "$(echo mysql) -phunter2\n",
                "user data may not run a command named",
            ),
            (
                "`echo mysql` -phunter2\n",
                "user data may not run a command named",
            ),
            (
                "a=my; b=sql; eval \"$a$b -phunter2\"\n",
                "user data may not run a command named",
            ),
            (
                "sudo $TOOL -u admin:hunter2 https://example.com\n",
                "user data may not run a command named",
            ),
            (
                "export PGPASSWORD=$(echo hunter2)\n",
                "user data may not assign a literal",
            ),
            (
                "export DB_PASSWORD=${DB_PASSWORD:-hunter2}\n",
                "user data may not assign a literal",
            ),
            (
                "psql postgres://app:${PW:-hunter2}@db/ehr\n",
                "user data may not hold a URL with a password",
            ),
            (
                "echo bXlzcWwgLXBodW50ZXIy | base64 -d | sh\n",
                "user data may not decode or transform text it holds",
            ),
            (
                "export PGPASSWORD=$(echo aHVudGVyMg== | base64 --decode)\n",
                "user data may not decode or transform",
            ),
            (
                "my${x}sql -phunter2\n",
                "user data may not run a command named",
            ),
            (
                "/usr/bin/$tool -u admin:hunter2 https://example.com\n",
                "user data may not run a command named",
            ),
            (
                "my$()sql -phunter2\n",
                "user data may not run a command named",
            ),
            (
                "eval \"$(echo bXlzcWwgLXBodW50ZXIy | base64 -d)\"\n",
                "user data may not decode or transform",
            ),
            (
                "sh -c \"echo bXlzcWwgLXBodW50ZXIy | base64 -d | sh\"\n",
                "user data may not decode or transform",
            ),
            (
                "echo 2retnuhp- lqsym | rev | sh\n",
                "user data may not decode or transform",
            ),
            (
                "echo zlfdy | tr a-y b-z | sh\n",
                "user data may not decode or transform",
            ),
            (
                "printf 'bXlz' | sudo base64 -d | bash\n",
                "user data may not decode or transform",
            ),
            (
                "base64 -d <<< bXlzcWwgLXBodW50ZXIy | sh\n",
                "user data may not decode or transform",
            ),
            (
                "base64 -d <<EOF | sh\nbXlzcWwgLXBodW50ZXIy\nEOF\n",
                "user data may not decode or transform",
            ),
            (
                "echo LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t | base64 -d > /etc/key.pem\n",
                "user data may not decode or transform",
            ),
        ] {
            refused_with(text, start);
            assert!(
                user_data_problem(text).is_some_and(|rule| rule.contains("; ")),
                "{text:?}: the message names no fix"
            );
        }
    }

    #[test]
    fn random_shell_never_panics() {
        const PIECES: [&str; 24] = [
            "\\",
            "\n",
            "\r",
            " ",
            "$IFS",
            "${IFS",
            "}",
            "$'",
            "'",
            "\"",
            "|",
            "||",
            "<<<",
            "<<",
            "echo ",
            "base64 -d",
            "mysql",
            "-p",
            "hunter2",
            "\\x6d",
            "\\155",
            "$a",
            "eval ",
            "(",
        ];
        each_random_text(&PIECES, 11, 59, 20_000, |text| {
            let _ = user_data_problem(text);
            let _ = command_secret(text);
        });
    }

    #[test]
    fn ordinary_shell_passes() {
        for text in [
            "mysql -u admin \\\n  -p\"$DB_PASSWORD\" ehr\n",
            "yum install -y \\\n  jq \\\n  amazon-cloudwatch-agent\n",
            "dnf -y install jq\r\nsystemctl enable --now app\r\n",
            "IFS=$'\\n'\nOLDIFS=$IFS\nIFS=,\n",
            "while IFS= read -r line; do echo \"$line\"; done < /etc/hosts\n",
            "printf '%s\\n' ok\n",
            "echo -e '\\033[31mred\\033[0m'\n",
            "sed 's/\\x27//g' /etc/app.conf\n",
            "sed -E 's/(a)(b)/\\2\\1/' f\n",
            "$SUDO yum -y update\n",
            "\"$PYTHON\" -m venv /opt/app\n",
            "$(command -v python3) -m pip install app\n",
            "REGION=$(echo \"$AZ\" | sed 's/.$//')\n",
            "echo \"$CERT_B64\" | base64 -d > /etc/ssl/ca.pem\n",
            "aws ssm get-parameter --name ca --query Parameter.Value --output text | base64 -d > ca.pem\n",
            "curl -fsSL https://example.com/install.sh | sh\n",
            "echo 'vm.max_map_count=262144' | tee -a /etc/sysctl.conf\n",
            "echo ok | logger -t boot\n",
            "echo hello || exit 1\n",
            "cat <<'EOF' > /etc/app.conf\nmode=prod\nEOF\n",
            "base64 -d /run/cert.b64 > /etc/ssl/cert.pem\n",
            "tar -xzf app.tgz -C /opt\n",
            "export PGPASSWORD=$(aws secretsmanager get-secret-value --secret-id db)\n",
            "export DB_PASSWORD=${DB_PASSWORD:-}\n",
            "TOKEN=${TOKEN:-$(curl -s http://169.254.169.254/latest/api/token)}\n",
            "mysql -p\"$(cat /run/pw)\" ehr\n",
            "MKDIR_FLAGS=-p\nmkdir $MKDIR_FLAGS /opt/app\n",
            "SSH_OPTS=\"-p 2222\"\nDOCKER_OPTS=\"-p 443:8443\"\n",
            "COUNT=$(echo 3)\n",
            "X=$(aws secretsmanager get-secret-value --secret-id db --output text)\nmysql -u admin -p\"$X\" ehr\n",
            "read -r X < /run/pw\nmysql -p\"$X\" ehr\n",
            "X=\nX=$(vault read -field=pw db)\nmysql -p\"$X\" ehr\n",
            "A=$x docker run -p 443:8443 app\n",
            "docker run -p 443:8443 $IMAGE\n",
            "echo \"$HOME\" -p 8080\n",
            "echo ok\\\\\nnext line\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// Written text fed to a command that reads a password from its input is a written
/// password: `echo 'ec2-user:…' | chpasswd` in user data sets a password anyone who may
/// describe the instance can read. A value fetched at boot is not written.
mod user_data_fed_passwords {
    use super::*;

    #[test]
    fn written_text_fed_to_a_password_reader_is_refused() {
        for text in [
            "echo 'admin:hunter2' | chpasswd\n",
            "echo ec2-user:Passw0rd | sudo chpasswd\n",
            "chpasswd <<< 'admin:hunter2'\n",
            "echo hunter2 | passwd --stdin admin\n",
            "echo hunter2 | docker login -u admin --password-stdin registry\n",
            "printf 'hunter2' | podman login -u admin --password-stdin registry\n",
            "echo hunter2 | sudo -S systemctl restart app\n",
            "chpasswd <<EOF\nadmin:hunter2\nEOF\n",
            "chpasswd <<'EOF'\nadmin:hunter2\nEOF\necho $HOME\n",
            "chpasswd <<-EOF\n\tadmin:hunter2\n\tEOF\necho $HOME\n",
            "docker login --password-stdin -u admin registry <<< hunter2\n",
        ] {
            let problem = user_data_problem(text);
            assert!(
                problem.is_some_and(|p| p.contains("reads a password from its input")),
                "{text:?}: {problem:?}"
            );
        }
    }

    #[test]
    fn values_fetched_at_boot_and_other_pipes_pass() {
        for text in [
            "echo \"admin:$PW\" | chpasswd\n",
            "aws ecr get-login-password | docker login --username AWS --password-stdin 1.dkr.ecr.us-east-1.amazonaws.com\n",
            "echo \"$DB_PASSWORD\" | docker login -u admin --password-stdin registry\n",
            "chpasswd <<EOF\nadmin:$PW\nEOF\n",
            "chpasswd <<< \"admin:$PW\"\n",
            "echo done | tee /var/log/boot\n",
            "echo hello\nsudo -S true < /dev/null\n",
            "echo 'installing' | logger\npasswd --stdin admin < /run/pw\n",
            "echo 'admin:x' | grep admin\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// A secret written after its name in other spellings than `NAME=value`: appended
/// (`+=`), numbered (`PASSWORD1`, `DB_PASSWORD_2`), or separated by white space where a
/// format or command reads it so (`.netrc`, `aws configure set`).
mod user_data_other_spellings_of_a_secret {
    use super::*;

    #[test]
    fn are_refused() {
        for text in [
            "machine example.com login admin password hunter2\n",
            "cat > ~/.netrc <<'EOF'\nmachine git.example.com\n  login deploy\n  password s3cr3t\nEOF\n",
            "default login anonymous password guest@example.com\n",
            "aws configure set aws_secret_access_key wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n",
            "aws configure set profile.ops.aws_session_token FwoGZXIvYXdzEXAMPLE\n",
            "DB_PASSWORD+=hunter2\n",
            "PASSWORD1=hunter2\n",
            "DB_PASSWORD_2=hunter2\n",
            "api-token-3: abc\n",
            "DB_PW_1=hunter2\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
    }

    #[test]
    fn names_that_go_on_and_values_fetched_at_boot_pass() {
        for text in [
            "machine example.com login admin password $NETRC_PW\n",
            "printf 'machine h login deploy password %s\\n' \"$PW\" > /root/.netrc\n",
            "aws configure set region us-east-1\n",
            "aws configure set aws_secret_access_key \"$KEY\"\n",
            "PASSWORD_FILE=/run/pw\n",
            "PASSWORD_2FA=on\n",
            "TOKEN_URL=https://x\n",
            "DB_PASSWORD+=$(fetch-secret db)\n",
            "docker login -u admin --password-stdin registry < /run/pw\n",
            "echo 'login failed, password reset'\n",
            "# login as admin\n# password is fetched at boot\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

mod user_data_secret_arns {
    use super::*;

    /// The recommended way: the secret's ARN in user data, its value fetched at boot. The
    /// ARN's `secret:` is its resource type, not an assignment.
    #[test]
    fn a_secrets_manager_arn_names_the_secret_and_passes() {
        for text in [
            "DB_SECRET=arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf\n",
            "export SECRET_ARN='arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:prod/db'\n",
            "aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:eu-west-1:123456789012:secret:x\n",
            "X=arn:aws:secretsmanager:us-east-1:123456789012:secret:db\nPGPASSWORD=$(fetch \"$X\")\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    /// Only that place of that service's ARN: a secret written after `secret:` elsewhere, or
    /// assigned inside an ARN-shaped word, is still a secret.
    #[test]
    fn other_secret_words_in_arn_shaped_text_are_refused() {
        for text in [
            "X=arn:aws:ssm:us-east-1:123456789012:secret:hunter2\n",
            "X=arn:aws:secretsmanager:us-east-1:secret:hunter2\n",
            "X=arn:aws:secretsmanager:us-east-1:123456789012:x:secret:hunter2\n",
            "X=arn:aws:secretsmanager:us-east-1:123456789012:password=hunter2\n",
            "secret: hunter2\n",
            "DB_SECRET=hunter2\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
    }
}

mod user_data_never_panics {
    use super::*;

    #[test]
    fn on_random_text() {
        const PIECES: [&str; 18] = [
            "://",
            "@",
            "Pw",
            "pass",
            "password",
            "=",
            ":",
            " ",
            "'",
            "\"",
            "$",
            "AKIA",
            "ABCDEFGHIJKLMNOP",
            "{{resolve:",
            "é",
            "\n",
            "-----BEGIN ",
            "token",
        ];
        each_random_text(&PIECES, 7, 60, 20_000, |text| {
            let _ = user_data_problem(text);
        });
    }
}

#[test]
fn every_flag_of_a_tool_begins_with_a_dash() {
    // `command_secret` skips text without a `-`, which holds only while this does (but for
    // FreeRDP's `/p:` and `db2`'s `using`, which it looks for by name).
    for (tool, flags) in super::TOOLS {
        for f in *flags {
            assert!(
                f.name.starts_with('-') || tool.contains("freerdp") || *tool == "db2",
                "{tool} {}",
                f.name
            );
        }
    }
    assert_eq!(command_secret("mysql phunter2"), None);
    assert_eq!(command_secret("mysql -phunter2"), Some("mysql"));
}

/// User data is at most 16 KiB (EC2's limit): a script that long, shell of every kind the
/// check reads, is checked in const evaluation (as `user_data!(include_str!(..))` does)
/// within the compiler's budget for it.
mod user_data_in_const_evaluation {
    use super::*;

    macro_rules! block {
        () => {
            "#!/bin/bash\nset -euo pipefail\nexport AWS_REGION=us-east-1 \\\n  APP=portal\nTOKEN=$(curl -sS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')\nPGPASSWORD=$(aws secretsmanager get-secret-value --secret-id \"$DB_SECRET\" --query SecretString --output text)\nmysql -u admin -p\"$PGPASSWORD\" -h db -e 'select 1' ehr || true\nfor f in /etc/app/*.conf; do sed -i \"s/x/$APP/\" \"$f\"; done\necho \"$CERT\" | base64 -d > /etc/ssl/app.pem\nIFS=$'\\n'\n"
        };
    }

    const SCRIPT: &str = concat!(
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!())
    );
    const PROBLEM: Option<&str> = user_data_problem(SCRIPT);

    #[test]
    fn a_script_of_16_kib_is_checked_in_const_evaluation() {
        assert!(SCRIPT.len() > 15_000, "{}", SCRIPT.len());
        assert_eq!(PROBLEM, None);
    }
}

/// Credentials written in formats of their own, without a secret's name before `=`: an
/// HTTP `Authorization` header, a line of a PostgreSQL password file, an array element of a
/// variable named like a secret.
mod user_data_credentials_in_other_formats {
    use super::*;

    #[test]
    fn are_refused() {
        for text in [
            "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig' https://ehr.example\n",
            "curl -H \"Authorization: Basic dXNlcjpodW50ZXIy\" https://ehr.example\n",
            "wget --header='Authorization: token ghp_abcdef0123456789' https://x\n",
            "curl -H 'Proxy-Authorization: Basic dXNlcjpodW50ZXIy' https://x\n",
            "printf '{\"Authorization\": \"Bearer abc\"}' > /etc/app.json\n",
            "AUTHORIZATION=Bearer abc\n",
            "cat > /root/.pgpass <<'EOF'\nehr.example:5432:ehr:app:Winter2026\nEOF\n",
            "echo 'localhost:5432:*:postgres:hunter2' >> ~/.pgpass\n",
            "echo *:*:*:app:hunter2 > $PGPASSFILE\n",
            "#cloud-config\nwrite_files:\n  - path: /root/.pgpass\n    content: 'db:5432:ehr:app:hunter2'\n",
            "export PGPASSWORD[0]=hunter2\n",
            "DB_PASSWORDS[primary]=hunter2\n",
            "DB_PW_1[0]=hunter2\n",
            "export DB_PASSWORDS=hunter2\n",
            "API_TOKENS='abc def'\n",
            "APP_SECRETS=s3cr3t\n",
            "read -r PGPASSWORD <<< hunter2\n",
            "read -r DB_PW <<< 'hunter2'\n",
            "printf -v PGPASSWORD hunter2\n",
            "printf -v DB_TOKEN '%s' abc123\n",
            "read -r -s DB_SECRET <<< s3cr3t\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
    }

    #[test]
    fn credentials_read_at_boot_and_look_alikes_pass() {
        for text in [
            "curl -H \"Authorization: Bearer $TOKEN\" https://x\n",
            "curl -H 'Authorization: Bearer '\"$TOKEN\" https://x\n",
            "curl -H \"Authorization: Bearer $(cat /run/token)\" https://x\n",
            "printf 'Authorization: Bearer %s\\n' \"$TOKEN\"\n",
            "curl -H 'Authorization: Bearer {{ token }}' https://x\n",
            "curl -H 'Authorization: Bearer' https://x\n",
            "# the Authorization: header is set by the proxy\n",
            "echo \"ehr.example:5432:ehr:app:$DB_PASSWORD\" > /root/.pgpass\n",
            "docker run -v /srv/a:/a:ro app\n",
            "root:x:0:0:root:/root:/bin/bash\n",
            "docker:x:999:ec2-user\n",
            "echo 10.0.0.5:5432 > /etc/app/db\n",
            "arn:aws:iam::123456789012:role/app\n",
            "PASSWORDS[0]=$(fetch-secret db)\n",
            "PASSWORD_FILES[0]=/run/pw\n",
            "docker run -v /run/secrets:/run/secrets:ro app\n",
            "docker run -v /etc/app/secret:/etc/app/secret:ro app\n",
            "volumes:\n  - ./secrets:/run/secrets\n",
            "docker run -v /srv/pass:/pass app\n",
            "read -r PGPASSWORD <<< \"$(aws secretsmanager get-secret-value --secret-id db)\"\n",
            "printf -v PGPASSWORD '%s' \"$FETCHED\"\n",
            "printf -v DB_PASSWORD \"$FETCHED\"\n",
            "chpasswd <<< \"admin:$PW\"\n",
            "printf -v now '%(%s)T' -1\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// A literal reaches a secret's variable through another variable, a name built at boot,
/// or a command that takes a password as an operand; `auth` names a credential; Redis's
/// own settings. Each is refused; the shapes that fetch the value at boot pass.
mod user_data_literals_that_reach_a_secret {
    use super::*;

    fn refused_with(text: &str, start: &str) {
        let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
        assert!(rule.starts_with(start), "{text:?}: {rule}");
        assert!(
            rule.contains("§164.312"),
            "{text:?}: the message cites no control"
        );
    }

    #[test]
    fn a_literal_copied_into_a_secret_name_is_refused() {
        for text in [
            "X=hunter2; PASSWORD=$X\n",
            "X=hunter2\nexport DB_PASS=\"$X\"\n",
            "X=hunter2\nexport DB_PASSWORD=\"${X}\"\n",
            "X=hunter2; Y=$X; Z=\"$Y\"; PASSWORD=$Z\n",
            "read -r X <<< hunter2; PASSWORD=$X\n",
            "X=$(echo hunter2); API_TOKEN=$X\n",
            "PASSWORD=\"${PREFIX}hunter2\"\n",
            "PASSWORD=\"$PREFIX\"hunter2\n",
            "X=hunter2\ncat > /etc/app.env <<EOF\nDB_PASSWORD=$X\nEOF\n",
        ] {
            refused_with(text, "user data may not assign a literal");
        }
    }

    #[test]
    fn a_literal_copied_into_another_credential_is_refused() {
        for text in [
            "X=hunter2\ncurl -H \"Authorization: Bearer $X\" https://x\n",
            "X=hunter2\npsql postgres://app:$X@db/ehr\n",
            "X=hunter2\necho \"db:5432:ehr:app:$X\" > /root/.pgpass\n",
            "X=hunter2\nprintf 'machine h login a password %s\\n' x; echo \"machine h login a password $X\"\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
    }

    #[test]
    fn auth_names_and_redis_settings_are_refused() {
        for text in [
            "REDISCLI_AUTH=hunter2 redis-cli ping\n",
            "export REDISCLI_AUTH=hunter2\n",
            "echo '_auth=dXNlcjpodW50ZXIy' >> /root/.npmrc\n",
            "echo '//registry.example.org/:_authToken=abc123' > /root/.npmrc\n",
            "echo '//registry.example.org/:_password=aHVudGVyMg==' > /root/.npmrc\n",
        ] {
            refused_with(text, "user data may not assign a literal");
        }
        for text in [
            "echo 'requirepass hunter2' >> /etc/redis/redis.conf\n",
            "echo 'masterauth hunter2' >> /etc/redis/redis.conf\n",
            "redis-cli CONFIG SET requirepass hunter2\n",
            "psql -c \"ALTER USER app WITH PASSWORD 'hunter2'\"\n",
            "mysql -e \"CREATE USER 'app'@'%' IDENTIFIED BY 'hunter2'\"\n",
            "echo \"alter role app password 'hunter2';\" | psql\n",
        ] {
            refused_with(text, "user data may not write a password");
        }
    }

    #[test]
    fn passwords_given_as_operands_are_refused() {
        for text in [
            "htpasswd -b /etc/nginx/htpasswd admin hunter2\n",
            "htpasswd -bc /etc/nginx/htpasswd admin hunter2\n",
            "htpasswd -bB -C 12 /etc/nginx/htpasswd admin hunter2\n",
            "htpasswd -nb admin hunter2 > /etc/nginx/htpasswd\n",
            "/usr/bin/htpasswd -b /etc/h admin 'hunter2'\n",
            "X=hunter2; htpasswd -b /etc/h admin \"$X\"\n",
            "rabbitmqctl add_user admin hunter2\n",
            "rabbitmqctl -n rabbit@mq change_password admin hunter2\n",
            "rabbitmqctl authenticate_user admin hunter2\n",
            "mysqladmin -u root password hunter2\n",
        ] {
            refused_with(text, "user data may not pass a password to a command");
        }
        assert_eq!(
            command_secret("rabbitmqctl add_user admin hunter2"),
            Some("rabbitmqctl")
        );
        assert_eq!(
            command_secret("htpasswd -b f admin hunter2"),
            Some("htpasswd")
        );
        for text in [
            "h=htpasswd; $h -b /etc/h admin hunter2\n",
            "r=rabbitmqctl; $r add_user admin hunter2\n",
        ] {
            refused_with(text, "user data may not run a command named");
        }
    }

    #[test]
    fn names_made_at_boot_given_literals_are_refused() {
        for text in [
            "eval \"DB_PASS\"WORD=hunter2\n",
            "N=DB_PASSWORD; eval \"$N=hunter2\"\n",
            "N=DB_PASSWORD; declare \"$N=hunter2\"\n",
            "N=DB_PASSWORD; export \"$N\"=hunter2\n",
            "E=PASSWORD; export DB_${E}=hunter2\n",
            "E=PASSWORD; DB_${E}=hunter2\n",
            "export DB_\"PASS\"WORD=hunter2\n",
            "N=DB_PASSWORD; printf -v \"$N\" hunter2\n",
            "N=DB_PASSWORD; printf -v \"$N\" '%s' hunter2\n",
            "N=DB_PASSWORD; read -r \"$N\" <<< hunter2\n",
            "declare -n ref=DB_PASSWORD; ref=hunter2\n",
            "local -rn ref=\"DB_PASSWORD\"\n",
        ] {
            refused_with(
                text,
                "user data may not give written text to a variable whose name",
            );
        }
    }

    #[test]
    fn values_fetched_at_boot_and_settings_pass() {
        for text in [
            "SECRET_ARN=arn:aws:secretsmanager:us-east-1:123456789012:secret:db\nX=$(aws secretsmanager get-secret-value --secret-id \"$SECRET_ARN\" --query SecretString --output text)\nexport DB_PASSWORD=\"$X\"\n",
            "SECRET_ARN=arn:aws:secretsmanager:us-east-1:123456789012:secret:db\nDB_SECRET=$SECRET_ARN\n",
            "export PGPASSWORD=\"$(aws ssm get-parameter --with-decryption --name /app/db --query Parameter.Value --output text)\"\n",
            "X=placeholder\nX=$(fetch)\nPASSWORD=$X\n",
            "PASSWORD=$X\n",
            "PATH=$PATH:/opt/bin\nPASSWORD=\"$PW\"\n",
            "{\"password\": \"$PW\", \"user\": \"app\"}\n",
            "export REDISCLI_AUTH=\"$(aws secretsmanager get-secret-value --secret-id cache --query SecretString --output text)\"\n",
            "echo \"//registry.example.org/:_authToken=${NPM_TOKEN}\" > /root/.npmrc\n",
            "MONGO_AUTH=true\nENABLE_AUTH=yes\nAUTH=iam\nauth: required\nauth: {type: x}\nOAUTH=1\n",
            "echo \"requirepass $REDIS_PASSWORD\" >> /etc/redis/redis.conf\n",
            "htpasswd -B /etc/nginx/htpasswd admin\n",
            "htpasswd -b /etc/nginx/htpasswd admin \"$PW\" > /dev/null 2>&1\n",
            "htpasswd -D /etc/nginx/htpasswd admin\n",
            "rabbitmqctl add_user admin \"$PW\"\n",
            "rabbitmqctl set_user_tags admin administrator\n",
            "eval \"$N=\\$(fetch)\"\n",
            "declare \"$N=$(fetch)\"\n",
            "printf -v \"$N\" '%s' \"$(fetch)\"\n",
            "read -r \"$N\" <<< \"$(fetch)\"\n",
            "[ \"$a\" = \"b\" ] && echo ok\n",
            "echo \"${KEY}=$(fetch)\" >> /etc/app.conf\n",
            "curl \"https://x/?${A}=$B\"\n",
            "for k in A B; do echo \"$k=$(fetch \"$k\")\"; done >> /etc/app.env\n",
            "awk -F= '{print $1}' /etc/os-release\n",
            "[[ $a == b ]] && echo \"$((i=1))\"\n",
            "declare -n ref=CONFIG; ref=1\n",
            "declare -A m; m[$k]=1\n",
            "export \"A=1\"\nenv \"X=1\" cmd\n",
            "psql -c \"ALTER USER app WITH PASSWORD '$DB_PASSWORD'\"\n",
            "mysql -e \"CREATE USER 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'\"\n",
            "mysqladmin -u root password \"$PW\"\nmysqladmin -u root status\n",
            "echo 'password reset is done by the operator'\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// Every refusal of user data names the HIPAA control and the hipaa-stack rule.
#[test]
fn every_user_data_message_cites_the_control() {
    let mut seen = Vec::new();
    for text in [
        "echo {{resolve:secretsmanager:db}}\n",
        "-----BEGIN RSA PRIVATE KEY-----\n",
        "AKIAIOSFODNN7EXAMPLE\n",
        "mysql -phunter2\n",
        "psql postgres://app:hunter2@db/ehr\n",
        "machine h login a password hunter2\n",
        "curl -H 'Authorization: Bearer abc' https://x\n",
        "echo 'db:5432:ehr:app:hunter2' > /root/.pgpass\n",
        "DB_PASSWORD=hunter2\n",
        "echo my\\\nsql\n",
        "X=$'\\x6d'\n",
        "a=mysql; $a -phunter2\n",
        "echo bXlzcWw= | base64 -d | sh\n",
        "echo 'admin:hunter2' | chpasswd\n",
        "eval \"$N=hunter2\"\n",
        "echo hunter2 > /etc/app/db_password\n",
        "git config --global credential.password hunter2\n",
    ] {
        let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
        assert!(
            rule.contains("HIPAA 45 CFR §164.312(") && rule.contains("hipaa-stack rule P1"),
            "{text:?}: {rule}"
        );
        seen.push(rule);
    }
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 17, "each text shows another message");
}

/// Secrets that reach user data through a shell function's or the script's arguments, a
/// line whose name is made at boot, a password hash, a command that reads a password from
/// its input, a placeholder replaced by `sed`, or a loop or here-document: each is refused,
/// and the shapes that fetch the value at boot pass.
mod user_data_arguments_lines_and_hashes {
    use super::*;

    fn refused_with(text: &str, start: &str) {
        let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
        assert!(rule.starts_with(start), "{text:?}: {rule}");
        assert!(
            rule.contains("§164.312(a)(2)(iv)")
                && rule.contains("§164.312(d)")
                && rule.contains("rule P1"),
            "{text:?}: the message cites no control"
        );
    }

    #[test]
    fn arguments_given_to_a_secret_are_refused() {
        for text in [
            "f() { PASSWORD=$1; }; f hunter2\n",
            "setpw() { export DB_PASSWORD=\"$1\"; }\nsetpw hunter2\n",
            "set -- hunter2; PASSWORD=$1\n",
            "f() { local api_token=\"${2}\"; }\n",
            "PASSWORD=\"$@\"\n",
            "while getopts p: o; do DB_PASSWORD=$OPTARG; done\n",
            "N=SRC; SRC=hunter2; PASSWORD=${!N}\n",
            "f() { X=$1; DB_PASSWORD=$X; }\n",
            "for PASSWORD in \"$@\"; do :; done\n",
        ] {
            refused_with(text, "user data may not assign a literal");
        }
        for text in [
            "f() { mysql -u app -p\"$1\" ehr; }; f hunter2\n",
            "f() { curl -u \"admin:$1\" https://x; }\n",
            "f() { htpasswd -b /etc/h admin \"$2\"; }\n",
        ] {
            refused_with(text, "user data may not pass a password to a command");
        }
    }

    #[test]
    fn lines_whose_name_is_made_at_boot_are_refused() {
        for text in [
            "k=DB_PASSWORD; v=hunter2; echo \"$k=$v\" >> /etc/app.env\n",
            "echo \"$k=hunter2\" >> /etc/app.env\n",
            "echo \"${KEY}=value\" >> /etc/app.conf\n",
            "curl \"https://x/?${A}=1\"\n",
            "f() { echo \"$1=$2\" >> /etc/app.env; }; f DB_PASSWORD hunter2\n",
            "echo \"$(printf 'DB_%s' PASSWORD)=hunter2\" >> /etc/app.env\n",
            "export $(printf 'DB_%s' PASSWORD)=hunter2\n",
            "printf '%s=%s\\n' \"$k\" hunter2 >> /etc/app.env\n",
            "printf '%s=%s\\n' DB_PASSWORD hunter2 >> /etc/app.env\n",
            "printf -- '%s: %s\\n' api_token abc >> /etc/app.yml\n",
        ] {
            refused_with(
                text,
                "user data may not give written text to a variable whose name",
            );
        }
    }

    #[test]
    fn password_hashes_and_hashed_passwords_are_refused() {
        for text in [
            "useradd -m -p '$6$abc$xyz' admin\n",
            "useradd -m -p'$6$abc$xyz' admin\n",
            "usermod --password '$6$abc$xyz' admin\n",
            "sudo usermod -p \"$6$abc$xyz\" root\n",
            "openssl passwd -6 hunter2\n",
            "openssl passwd -6 -salt xyz hunter2 > /tmp/h\n",
            "mkpasswd -m sha-512 hunter2\n",
        ] {
            refused_with(text, "user data may not pass a password to a command");
        }
        assert_eq!(command_secret("useradd -p $6$abc admin"), Some("useradd"));
        assert_eq!(command_secret("mkpasswd hunter2"), Some("mkpasswd"));
        assert_eq!(
            command_secret("openssl passwd hunter2"),
            Some("openssl passwd")
        );
    }

    #[test]
    fn written_text_fed_to_other_password_readers_is_refused() {
        for text in [
            "echo -e \"hunter2\\nhunter2\" | passwd root\n",
            "printf 'hunter2\\nhunter2\\n' | passwd root\n",
            "yes hunter2 | passwd root\n",
            "passwd root <<< 'hunter2'\n",
            "smbpasswd -a user <<< $'hunter2\\nhunter2'\n",
            "echo hunter2 | kinit admin@EXAMPLE.COM\n",
            "echo hunter2 | realm join -U admin example.com\n",
            "echo hunter2 | vncpasswd -f > /root/.vnc/passwd\n",
            "echo hunter2 | htpasswd -i /etc/h admin\n",
            "echo hunter2 | sudo passwd root\n",
            "echo hunter2 | adcli join --stdin-password example.com\n",
            "echo 'x:hunter2' | chgpasswd\n",
            "ansible-vault decrypt --vault-password-file <(echo hunter2) x\n",
            "app --passphrase-file=<(printf '%s' hunter2)\n",
        ] {
            refused_with(text, "user data may not feed written text");
        }
    }

    #[test]
    fn placeholders_named_like_secrets_replaced_by_text_are_refused() {
        for text in [
            "sed -i \"s/PASSWORD_PLACEHOLDER/hunter2/\" /etc/app.conf\n",
            "sed -i -e 's/a/b/' -e 's|%%API_TOKEN%%|abc123|' /etc/app.conf\n",
            "sed -i 's/x/y/; s/__DB_PW__/hunter2/' /etc/app.conf\n",
            "perl -pi -e 's|%%API_TOKEN%%|abc123|' /etc/app.conf\n",
            "X=hunter2; sed -i \"s/__DB_PASS__/$X/\" /etc/app.conf\n",
            "f() { sed -i \"s/@SECRET@/$1/\" /etc/app.conf; }\n",
        ] {
            refused_with(text, "user data may not assign a literal");
        }
    }

    #[test]
    fn loops_and_here_documents_into_a_secret_are_refused() {
        for text in [
            "for PASSWORD in hunter2; do app; done\n",
            "read PASSWORD <<EOF\nhunter2\nEOF\n",
            "read -r DB_PASSWORD <<-'EOF'\n\thunter2\n\tEOF\n",
            "mapfile -t TOKENS <<< abc\n",
            "readarray SECRETS <<< abc\n",
        ] {
            refused_with(text, "user data may not assign a literal");
        }
    }

    #[test]
    fn flags_named_like_secrets_given_written_values_are_refused() {
        for text in [
            "aws secretsmanager create-secret --name db --secret-string hunter2\n",
            "aws secretsmanager put-secret-value --secret-id db --secret-string '{\"password\":\"hunter2\"}'\n",
            "aws ssm put-parameter --name /app/db --type SecureString --value hunter2\n",
            "aws rds create-db-instance --db-instance-identifier x --master-user-password hunter2\n",
            "aws iam create-login-profile --user-name bob --password hunter2\n",
            "gpg --batch --passphrase hunter2 -c f\n",
            "keytool -genkey -storepass hunter2 -keypass hunter2 -keystore k.jks\n",
            "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef\n",
            "app --api-key=abc123\n",
            "jq -n --arg password hunter2 '{password:$password}' > /etc/app.json\n",
            "ssh-keygen -q -N hunter2 -f /root/.ssh/id\n",
            "zip -P hunter2 a.zip f\n",
        ] {
            refused_with(text, "user data may not pass a password to a command");
        }
    }

    #[test]
    fn written_text_into_files_named_like_secrets_is_refused() {
        for text in [
            "echo hunter2 > /etc/app/db_password\n",
            "echo -n 'hunter2' > /run/secrets/token\n",
            "printf '%s' hunter2 >> /etc/app/api-key.txt\n",
            "cat > /etc/app/secret <<EOF\nhunter2\nEOF\n",
            "tee /etc/app/password <<< hunter2\n",
            "tee -a /etc/app/password <<'EOF'\nhunter2\nEOF\n",
        ] {
            refused_with(text, "user data may not write text it holds into a file");
        }
    }

    #[test]
    fn other_spellings_of_a_written_secret_are_refused() {
        for text in [
            "echo \"<password>hunter2</password>\" >> /etc/app.xml\n",
            "echo '<apiKey>abc</apiKey>' > /etc/app.xml\n",
            "PASSWORD=$(cat <<EOF\nhunter2\nEOF\n)\n",
            "read -r user PASSWORD rest <<< \"admin hunter2 x\"\n",
        ] {
            refused_with(text, "user data may not assign a literal");
        }
    }

    #[test]
    fn ordinary_shell_and_values_fetched_at_boot_pass() {
        for text in [
            "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text\n",
            "aws ssm put-parameter --name /app/mode --type String --value prod\n",
            "aws secretsmanager create-secret --name db --secret-string \"$(head -c 32 /dev/urandom | base64)\"\n",
            "aws rds create-db-instance --db-instance-identifier x --manage-master-user-password\n",
            "psql --password -h db ehr\nmysql --password ehr\npsql --no-password ehr\n",
            "docker build --secret id=npm,src=/run/npmrc .\n",
            "docker login --password-stdin r.example < /run/pw\n",
            "echo \"$PW\" | adcli join --stdin-password example.com\n",
            "gpg --batch --passphrase-file /run/pw -c f\n",
            "ssh-keygen -q -N '' -f /root/.ssh/id\n",
            "curl --token-file /run/t https://x\n",
            "echo \"$TOKEN\" > /run/secrets/token\n",
            "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text > /etc/app/db_password\n",
            "echo > /etc/app/token\n",
            "cat > /etc/app/secret <<EOF\n$DB_SECRET\nEOF\n",
            "echo hunter2 > /etc/app/motd\n",
            "psql postgres://app:<password>@db/ehr\n",
            "echo '<password>${DB_PASSWORD}</password>' > /etc/app.xml\n",
            "jq -n --arg password \"$PW\" '{password:$password}' > /etc/app.json\n",
            "read -r user rest <<< \"admin x\"\n",
            "ansible-vault decrypt --vault-password-file <(echo \"$PW\") x\n",
            "diff <(echo a) <(echo b)\n",
            "install_pkg() { PKG=$1; dnf install -y \"$PKG\"; }; install_pkg jq\n",
            "log() { echo \"$(date) $*\" >> /var/log/boot.log; }\n",
            "retry() { local n=$1; shift; for i in $(seq \"$n\"); do \"$@\" && return; done; }\n",
            "f() { local secret_arn=$1; aws secretsmanager get-secret-value --secret-id \"$secret_arn\"; }\n",
            "for TOKEN in $(fetch-tokens); do use \"$TOKEN\"; done\n",
            "for f in /etc/app/*.conf; do echo \"$f\"; done\n",
            "read -r PASSWORD <<EOF\n$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\nEOF\n",
            "mapfile -t lines < /etc/hosts\n",
            "echo \"$KEY=$VALUE\" >> /etc/app.env\n",
            "echo \"${KEY}=${VAL}\" >> /etc/app.env\n",
            "printf '%s=%s\\n' \"$k\" \"$v\" >> /etc/app.env\n",
            "printf 'A=%s\\n' \"$X\"\n",
            "env | grep -q \"^$NAME=\" || echo missing\n",
            "aws ec2 describe-tags --filters \"Name=resource-id,Values=$ID\"\n",
            "useradd -m -s /bin/bash app\nusermod -aG docker ec2-user\n",
            "useradd -p \"$HASH\" admin\n",
            "passwd -l root\n",
            "echo \"$PW\" | passwd --stdin root\n",
            "echo \"$PW\" | realm join -U admin example.com\n",
            "realm join --user=admin example.com < /run/pw\n",
            "kinit -k -t /etc/krb5.keytab host/x\n",
            "yes | dnf install x\nyes y | ssh-keygen -q -N '' -f /root/.ssh/id\n",
            "openssl passwd -6 -stdin < /run/pw\nopenssl passwd -6 \"$PW\"\n",
            "openssl req -new -key k.pem -out r.csr\n",
            "mkpasswd -m sha-512 \"$PW\"\n",
            "sed -i 's/^#\\?PasswordAuthentication.*/PasswordAuthentication no/' /etc/ssh/sshd_config\n",
            "sed -i 's/^PasswordAuthentication/#&/' /etc/ssh/sshd_config\n",
            "sed -i \"s/__DB_PASSWORD__/$PW/\" /etc/app.conf\n",
            "sed -i 's/password_encryption = md5/password_encryption = scram-sha-256/' pg.conf\n",
            "sed -i '/password/d' /etc/app.conf\nsed -i 's/ident/md5/' pg_hba.conf\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// Hostile review 15: secrets given as operands of `vault login`, `rclone config` and an
/// `expect` script, written after their names in configuration formats (keepalived,
/// PgBouncer), fed to a password reader from a file the script wrote, and written into a
/// YAML file after a key made at boot; and the shapes that read them at boot.
mod user_data_operands_configurations_and_files {
    use super::*;

    fn refused_with(text: &str, start: &str) {
        let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
        assert!(rule.starts_with(start), "{text:?}: {rule}");
        assert!(
            rule.contains("§164.312(a)(2)(iv)")
                && rule.contains("§164.312(d)")
                && rule.contains("rule P1"),
            "{text:?}: the message cites no control"
        );
    }

    #[test]
    fn operands_of_login_and_configuration_commands_are_refused() {
        for (text, tool) in [
            ("vault login s.abcdef\n", "vault login"),
            ("vault login -no-print hvs.CAES\n", "vault login"),
            ("vault login -format json hvs.CAES\n", "vault login"),
            (
                "vault login -address=https://v:8200 'hvs.CAES'\n",
                "vault login",
            ),
            (
                "rclone config create s3r s3 access_key_id AKIDEXAMPLE secret_access_key abc\n",
                "rclone config",
            ),
            (
                "rclone config create r sftp host h user u pass hunter2\n",
                "rclone config",
            ),
            (
                "rclone config create c crypt remote s3r:b password=hunter2\n",
                "rclone config",
            ),
            ("rclone config update r key hunter2\n", "rclone config"),
            (
                "expect -c 'spawn passwd app; expect \"word:\"; send \"hunter2\\r\"'\n",
                "expect",
            ),
        ] {
            refused_with(text, "user data may not pass a password to a command");
            assert_eq!(command_secret(text), Some(tool), "{text:?}");
        }
    }

    #[test]
    fn passwords_after_their_names_in_configuration_formats_are_refused() {
        for text in [
            "cat > /etc/keepalived/keepalived.conf <<'EOF'\nvrrp_instance V {\n  authentication {\n    auth_type PASS\n    auth_pass 1234\n  }\n}\nEOF\n",
            "echo '    auth_pass s3cret' >> /etc/keepalived/keepalived.conf\n",
        ] {
            refused_with(
                text,
                "user data may not write a password, secret, token or key after",
            );
        }
        for text in [
            "echo 'machine h password hunter2 login app' > /root/.netrc\n",
            "printf 'machine h\\nport 443\\npassword hunter2\\nlogin app\\n' > /root/.netrc\n",
            "printf 'account default\\nhost smtp.example\\nuser app\\npassword hunter2\\n' > /root/.msmtprc\n",
            "cat > /root/.msmtprc <<'EOF'\naccount default\nhost smtp.example\nuser app\npassword hunter2\nEOF\n",
            "echo 'poll mail.example user app password hunter2' >> /root/.fetchmailrc\n",
            "echo 'bindpw hunter2' >> /etc/nslcd.conf\n",
            "echo 'rootpw {SSHA}abcdef' >> /etc/openldap/slapd.conf\n",
            "echo 'user app on >hunter2 ~* +@all' >> /etc/redis/users.acl\n",
            "redis-cli ACL SETUSER app on '>hunter2' '~*' '+@all'\n",
        ] {
            refused_with(
                text,
                "user data may not write a password, secret, token or key after",
            );
        }
        for text in [
            "echo \"SECRET_KEY = 'abc123'\" >> /srv/app/settings.py\n",
            "echo 'secret_key = abc123' >> /root/.s3cfg\n",
            "echo 'ldap_default_authtok = hunter2' >> /etc/sssd/sssd.conf\n",
        ] {
            refused_with(text, "user data may not assign a literal");
        }
        for text in [
            "cat > /etc/pgbouncer/userlist.txt <<'EOF'\n\"app\" \"hunter2\"\nEOF\n",
            "echo '\"app\" \"md5d5f2c0e1\"' > /etc/pgbouncer/userlist.txt\n",
        ] {
            refused_with(
                text,
                "user data may not write a line of a PgBouncer user list",
            );
        }
    }

    #[test]
    fn password_files_written_from_text_and_keys_made_at_boot_are_refused() {
        for text in [
            "echo 'app:hunter2' > /tmp/p; chpasswd < /tmp/p\n",
            "printf 'app:hunter2\\n' > /tmp/p\nchpasswd < /tmp/p\n",
            "cat > /tmp/p <<'EOF'\napp:hunter2\nEOF\nchpasswd < /tmp/p\n",
            "echo hunter2 >> /root/init\npasswd --stdin root < /root/init\n",
        ] {
            refused_with(text, "user data may not feed written text");
        }
        for text in [
            "k=$(hostname); echo \"$k: hunter2\" >> /etc/app/config.yml\n",
            "echo \"${KEY}: hunter2\" | tee -a /etc/app/app.yaml\n",
        ] {
            refused_with(text, "user data may not give written text to a variable");
        }
    }

    #[test]
    fn values_read_at_boot_and_look_alikes_pass() {
        for text in [
            "vault login -method=userpass username=app\n",
            "vault login -method userpass username=app\n",
            "vault login -no-print \"$VAULT_TOKEN\"\n",
            "vault kv get secret/app\n",
            "rclone config create s3r s3 env_auth true region us-east-1\n",
            "rclone config create s3r s3 secret_access_key \"$KEY\"\n",
            "rclone copy /data s3r:bucket\n",
            "expect -c 'spawn passwd app; expect \"word:\"; send \"$env(PW)\\r\"'\n",
            "expect -c 'spawn ssh h; expect \"$ \"; send \"\\r\"'\n",
            "    auth_pass ${VRRP_PASS}\n",
            "auth_type PASS\n",
            "cat > /etc/pgbouncer/userlist.txt <<EOF\n\"app\" \"$DB_PASSWORD\"\nEOF\n",
            "echo '\"app\" \"\"' > /etc/pgbouncer/userlist.txt\n",
            "run \"a\" \"b\"\n",
            "echo \"app:$PW\" > /tmp/p; chpasswd < /tmp/p\n",
            "aws secretsmanager get-secret-value --secret-id x --query SecretString --output text > /tmp/p\nchpasswd < /tmp/p\n",
            "chpasswd < /etc/app/users\n",
            "echo \"$(date): started\" >> /etc/app/boot.conf\n",
            "echo \"$k: $V\" >> /etc/app/config.yml\n",
            "echo \"$name: starting\"\n",
            "echo \"$k: v\" >> /var/log/boot.log\n",
            "echo 'machine h login app' > /root/.netrc\n",
            "echo 'user app, password reset by the service' > /etc/motd\n",
            "echo 'user app password changed' > /etc/motd\n",
            "sudo -u app bash -c 'id'\n",
            "echo \"bindpw $(aws secretsmanager get-secret-value --secret-id ldap --query SecretString --output text)\" >> /etc/nslcd.conf\n",
            "redis-cli ACL SETUSER app on \">$REDIS_PASSWORD\" '~*' '+@all'\n",
            "echo 'user default off' >> /etc/redis/users.acl\n",
            "user app on >/tmp/out\n",
            "SECRET_KEY=$(aws secretsmanager get-secret-value --secret-id django --query SecretString --output text)\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// Credentials written as words of configuration lines (`.properties`, SNMP, routers,
/// HAProxy), and prose that names a mail client, which is no password line.
mod user_data_configuration_lines {
    use super::*;

    fn refused_with(text: &str, start: &str) {
        let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
        assert!(rule.starts_with(start), "{text:?}: {rule}");
        assert!(
            rule.contains("§164.312(a)(2)(iv)")
                && rule.contains("§164.312(d)")
                && rule.contains("P1"),
            "{rule}"
        );
    }

    #[test]
    fn java_properties_separated_by_white_space_are_refused() {
        for text in [
            "cat > /opt/app/app.properties <<'EOF'\ndb.password hunter2\nEOF\n",
            "echo 'spring.datasource.password hunter2' >> /opt/app/application.properties\n",
            "printf 'db.user app\\ndb.password\\thunter2\\n' > /opt/app/db.properties\n",
            "echo 'mail.smtp.pass   hunter2' >> /opt/app/mail.properties\n",
            "echo 'db.password:hunter2' >> /opt/app/app.properties\n",
        ] {
            refused_with(text, "user data may not assign a literal");
        }
    }

    #[test]
    fn snmp_communities_and_pass_phrases_are_refused() {
        for text in [
            "echo 'rocommunity public' >> /etc/snmp/snmpd.conf\n",
            "echo 'rocommunity s3cr3t 10.0.0.0/8' >> /etc/snmp/snmpd.conf\n",
            "echo 'rwcommunity6 private' >> /etc/snmp/snmpd.conf\n",
            "echo 'com2sec notConfigUser default public' >> /etc/snmp/snmpd.conf\n",
            "echo 'com2sec -Cn ctx ro default public' >> /etc/snmp/snmpd.conf\n",
            "cat >> /etc/snmp/snmpd.conf <<'EOF'\n  trap2sink 10.0.0.5 s3cr3t\nEOF\n",
            "printf 'sysLocation here\\nROCOMMUNITY public\\n' > /etc/snmp/snmpd.conf\n",
            "echo 'createUser admin SHA authpass123 AES privpass123' >> /var/lib/net-snmp/snmpd.conf\n",
            "echo 'defAuthPassphrase authpass123' >> /etc/snmp/snmp.conf\n",
            "snmp-server community s3cr3t RO\n",
            "ios-config-1=\"snmp-server community s3cr3t RO\"\n",
            "ios-config-1=\"username admin privilege 15 secret 0 Hunter2!\"\n",
            "ios-config-1=\"enable secret level 15 5 $1$abc$def\"\n",
            "ios-config-1=\"enable password cisco\"\n",
            "set service snmp community public authorization ro\n",
            "cat >> /etc/haproxy/haproxy.cfg <<'EOF'\nuserlist admins\n  user admin insecure-password hunter2\nEOF\n",
            "cat >> /etc/haproxy/haproxy.cfg <<'EOF'\nlisten stats\n  stats auth admin:hunter2\nEOF\n",
        ] {
            refused_with(text, "user data may not write a community string");
        }
        for (text, tool) in [
            ("snmpwalk -v2c -c public 10.0.0.1\n", "snmp"),
            (
                "snmpset -v2c -cprivate 10.0.0.1 sysContact.0 s ops\n",
                "snmp",
            ),
            (
                "snmpget -v3 -u admin -l authPriv -a SHA -A authpass123 -X priv123 h sysUpTime.0\n",
                "snmp",
            ),
        ] {
            refused_with(text, "user data may not pass a password to a command");
            assert_eq!(command_secret(text), Some(tool), "{text:?}");
        }
        for (text, tool) in [
            (
                "ipmitool -I lanplus -H 10.0.0.9 -U admin -P Winter2026 power status\n",
                "ipmitool",
            ),
            (
                "net-snmp-create-v3-user -ro -A Winter2026 -X Winter2026 -a SHA -x AES ehr\n",
                "net-snmp-create-v3-user",
            ),
            ("cqlsh -u cassandra -p Winter2026 10.0.0.4\n", "cqlsh"),
            ("cqlsh --password=Winter2026 10.0.0.4\n", "cqlsh"),
            (
                "mosquitto_pub -h broker -u ehr -P Winter2026 -t t -m hi\n",
                "mosquitto_pub",
            ),
            (
                "mosquitto_sub -h broker -u ehr --pw Winter2026 -t t\n",
                "mosquitto_sub",
            ),
            (
                "influx -username admin -password Winter2026 -execute 'SHOW DATABASES'\n",
                "influx",
            ),
            ("sqlplus system/Winter2026@ORCL @setup.sql\n", "sqlplus"),
            (
                "sqlplus -s -L ehr/Winter2026@//db:1521/ORCL <<EOF\nselect 1 from dual;\nEOF\n",
                "sqlplus",
            ),
        ] {
            refused_with(text, "user data may not pass a password to a command");
            assert_eq!(command_secret(text), Some(tool), "{text:?}");
        }
        for text in [
            "echo '[smtp.example.com]:587 ehr:Winter2026' > /etc/postfix/sasl_passwd\n",
            "printf '[smtp.example.com]:587 ehr:Winter2026\\n' > /etc/postfix/relay\npostconf -e smtp_sasl_password_maps=hash:/etc/postfix/relay\n",
        ] {
            refused_with(text, "user data may not write a community string");
        }
        for text in [
            "echo 'secret \"c2VjcmV0a2V5\";' >> /etc/bind/rndc.key\n",
            "cat >> /etc/bind/named.conf <<'EOF'\nkey \"xfer\" { algorithm hmac-sha256; secret \"c2VjcmV0a2V5\"; };\nEOF\n",
        ] {
            refused_with(text, "user data may not write a community string");
        }
        for text in [
            "echo 'DB_PASSWD Winter2026' >> /etc/app/app.conf\n",
            "sed -i 's/^rocommunity .*/rocommunity s3cr3t/' /etc/snmp/snmpd.conf\n",
            "printf 'user ehr\\napi_token abc123\\n' > /etc/app/client.cfg\n",
        ] {
            refused_with(text, "user data may not assign a literal");
        }
        for text in [
            "-----BEGIN OpenVPN Static key V1-----\nabc\n",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIE\n",
            "-----BEGIN CERTIFICATEX-----\nMIIB\n",
            "cat > /etc/ssl/b.pem <<'EOF'\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\nEOF\n",
        ] {
            refused_with(text, "user data may not hold a private key");
        }
        for text in [
            "git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/ehr/app.git\n",
            "gitlab-runner register --url https://gitlab.example -r glpat-abcdefghij0123456789\n",
            "echo 'slack: xoxb-1234567890-abcdefghij' >> /etc/app/alerts.yml\n",
            "export MAPS=AIzaSyA1234567890abcdefghijklmnopqrstuv\n",
        ] {
            refused_with(
                text,
                "user data may not hold the token or key of a well-known service",
            );
        }
        // HAProxy's `user NAME password HASH` in a `userlist`.
        refused_with(
            "cat >> /etc/haproxy/haproxy.cfg <<'EOF'\nuserlist admins\n  user admin password $6$salt$hash\nEOF\n",
            "user data may not write a password, secret, token or key after",
        );
        // msmtp given its file by name.
        refused_with(
            "cat > /etc/mail.conf <<'EOF'\nuser app password hunter2\nEOF\nmsmtp -C /etc/mail.conf -t < m\n",
            "user data may not write a password, secret, token or key after",
        );
    }

    #[test]
    fn values_read_at_boot_and_prose_pass() {
        for text in [
            // Prose naming msmtp or fetchmail names none of their files.
            "# install msmtp\ndnf install -y msmtp\necho \"user app password set later\"\n",
            "echo \"install msmtp\"\nlogger \"user app password rotated\"\n",
            "dnf install -y msmtp fetchmail\n# the user app password comes from Secrets Manager\n",
            "apt-get install -y msmtp-mta\necho 'user ops password reset requested' | logger\n",
            // Values read at boot.
            "echo \"db.password ${DB_PASSWORD}\" >> /opt/app/app.properties\n",
            "echo 'db.password.file /run/secrets/db' >> /opt/app/app.properties\n",
            "echo 'password.encoder bcrypt' >> /opt/app/app.properties\n",
            "echo \"rocommunity $COMMUNITY 10.0.0.0/8\" >> /etc/snmp/snmpd.conf\n",
            "echo \"com2sec ro default $C\" >> /etc/snmp/snmpd.conf\n",
            "echo \"createUser admin SHA $AUTH AES $PRIV\" >> /var/lib/net-snmp/snmpd.conf\n",
            "snmpwalk -v2c -c \"$COMMUNITY\" 10.0.0.1\n",
            "snmptrapd -c /etc/snmp/snmptrapd.conf\n",
            "snmpd -c /etc/snmp/snmpd.conf\n",
            "  user admin insecure-password \"$HAPROXY_PW\"\n",
            "  stats auth admin:${STATS_PASSWORD}\n",
            "echo 'rouser admin authpriv' >> /etc/snmp/snmpd.conf\n",
            "systemctl enable snmpd\nenable password-sync\n",
            "username admin password hunter2 is the default, change it\n",
            "db.password hunter2\n",
            "ipmitool -I lanplus -H h -U admin -E power status\n",
            "influx -username admin -password '' -execute 'SHOW DATABASES'\n",
            "mosquitto_sub -h broker -t t -v\n",
            "cqlsh -u cassandra 10.0.0.4\n",
            "sqlplus -s /nolog @setup.sql\n",
            "sqlplus / as sysdba\n",
            "sqlplus \"$DB_USER/$DB_PASSWORD@ORCL\"\n",
            "sqlplus ehr@ORCL\n",
            "echo \"[smtp.example.com]:587 ehr:$SMTP_PASSWORD\" > /etc/postfix/sasl_passwd\n",
            "postconf -e 'relayhost = [smtp.example.com]:587' 'smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd'\n",
            "echo '[mysqld]' >> /etc/my.cnf\n",
            // Public PEM blocks: a CA certificate, a public key, parameters.
            "cat > /etc/pki/ca-trust/source/anchors/corp.pem <<'EOF'\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\nEOF\nupdate-ca-trust\n",
            "echo '-----BEGIN PUBLIC KEY-----' > /etc/app/verify.pem\n",
            "printf -- '-----BEGIN DH PARAMETERS-----\\nMIIB\\n' > /etc/ssl/dh.pem\n",
            "echo 'secret \"$TSIG\";' >> /etc/bind/rndc.key\n",
            "echo \"the secret \\\"x\\\"; is here\"\n",
            "echo 'DB_PASSWD $(cat /run/pw)' >> /etc/app/app.conf\n",
            "echo \"token refresh done\" >> /var/log/app.log\n",
            "sh -c 'passwd -l ec2-user'; echo x >> /etc/app.conf\n",
            "git clone https://github.com/ehr/app.git\n",
            "sed -i 's/^#rocommunity/rocommunity/' /etc/snmp/snmpd.conf\n",
            "sed -i \"s/^rocommunity .*/rocommunity $COMMUNITY/\" /etc/snmp/snmpd.conf\n",
            "net-snmp-create-v3-user -ro -A \"$AUTH\" -X \"$PRIV\" -a SHA -x AES ehr\n",
            "echo 'ghp_ is the prefix of a GitHub token' > /dev/null\n",
            "TOKEN=$(aws secretsmanager get-secret-value --secret-id gh --query SecretString --output text)\ngit clone \"https://$TOKEN@github.com/ehr/app.git\"\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// Hostile review 17: the lines of a here-document written into a settings file, settings
/// tools given a secret's value on their command line, a debconf answer of type
/// `password`, and prose that starts with a directive's word.
mod user_data_here_documents_and_setting_tools {
    use super::*;

    fn refused_with(text: &str, start: &str) {
        let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
        assert!(rule.starts_with(start), "{text:?}: {rule}");
        assert!(
            rule.contains("§164.312(a)(2)(iv)")
                && rule.contains("§164.312(d)")
                && rule.contains("P1"),
            "{rule}"
        );
    }

    #[test]
    fn here_document_lines_of_settings_files_are_refused() {
        for text in [
            "cat > /etc/app.conf <<EOF\ndb_password hunter2\nEOF\n",
            "cat <<-EOF > /etc/app.conf\n\tpassword hunter2\n\tEOF\n",
            "tee /etc/app.conf <<\"EOF\"\nsecret hunter2\nEOF\n",
            "cat <<'EOF' | sudo tee /etc/app/app.ini > /dev/null\n[db]\nauth_token hunter2\nEOF\n",
            "cat > /etc/app.conf <<\\EOF\nlog_level info\n  password    hunter2\nEOF\n",
            "cat > \"$CONF\" <<EOF\npassword hunter2\nEOF\nCONF=/etc/app.conf\n",
            // Quoted text that an earlier line opened is written as it is, too.
            "echo \"log_level info\npassword hunter2\" >> /etc/app.conf\n",
            "echo '[db]\npassword hunter2' > /etc/app.ini\n",
        ] {
            refused_with(text, "user data may not assign a literal");
        }
    }

    #[test]
    fn settings_given_on_a_command_line_are_refused() {
        for text in [
            "crudini --set /etc/app.ini db password hunter2\n",
            "crudini --set --existing /etc/app.ini db db_password 'hunter2'\n",
            "crudini --set /etc/nova/nova.conf keystone_authtoken password hunter2\n",
            "xmlstarlet ed -L -u //password -v hunter2 /etc/app.xml\n",
            "xmlstarlet ed -u \"/config/db/password\" -v 'hunter2' app.xml\n",
            "xmlstarlet ed -L -s /config -t elem -n password -v hunter2 app.xml\n",
            "augtool set /files/etc/app.conf/password hunter2\n",
            "augtool <<EOF\nset /files/etc/app.conf/password hunter2\nsave\nEOF\n",
            "git config --global credential.password hunter2\n",
            "git config --file /etc/gitconfig credential.password hunter2\n",
            "npm config set _auth dXNlcjpwYXNz\n",
            "npm config set //registry.example.com/:_password aHVudGVyMg==\n",
            "pip config set global.password hunter2\n",
            "etcdctl put /app/db/password hunter2\n",
            "wp config set DB_PASSWORD hunter2 --allow-root\n",
            "setenv DB_PASSWORD hunter2\n",
            "xmlstarlet ed --inplace --update \"//add[@key='password']/@value\" --value hunter2 web.config\n",
            "poetry config pypi-token.pypi pypi-AgEIcHlwaS5vcmc\n",
            "poetry config http-basic.pypi user hunter2\n",
            "composer config --global http-basic.repo.example.com user hunter2\n",
            "composer config --global github-oauth.github.com abc123\n",
            "nmcli dev wifi connect Clinic password hunter2\n",
            "nmcli con modify eth0 802-1x.password hunter2\n",
            "nmcli con modify wlan wifi-sec.psk hunter2\n",
            "dconf write /org/app/password \"'hunter2'\"\n",
        ] {
            refused_with(text, "user data may not give a setting named like");
        }
        // A tool's name in quotes, or with a backslash, is the same command.
        for text in [
            "\"git\" config --global credential.password hunter2\n",
            "g\"it\" config credential.password hunter2\n",
            "'npm' config set _auth abc\n",
            "\\git config --global credential.password hunter2\n",
        ] {
            refused_with(text, "user data may not give a setting named like");
        }
        for text in [
            "\"htpasswd\" -b /etc/h admin hunter2\n",
            "\"rabbitmqctl\" add_user admin hunter2\n",
        ] {
            refused_with(text, "user data may not pass a password to a command");
        }
        refused_with(
            "wpa_passphrase Clinic hunter2 > /etc/wpa.conf\n",
            "user data may not pass a password to a command",
        );
        refused_with(
            "sed -i 's/^password.*/password hunter2/' /etc/app.conf\n",
            "user data may not assign a literal",
        );
        refused_with(
            "mysql -e \"SET PASSWORD FOR 'app'@'%' = 'hunter2'\"\n",
            "user data may not write a password, secret, token or key after",
        );
        refused_with(
            "echo \"mysql-server mysql-server/root_password password hunter2\" | debconf-set-selections\n",
            "user data may not write a password, secret, token or key after",
        );
    }

    #[test]
    fn directives_written_into_files_stay_refused() {
        for text in [
            "rocommunity public\n",
            "echo \"rocommunity public\"\n",
            "echo \"rocommunity is disabled\" >> /etc/snmp/snmpd.conf\n",
            "echo 'rocommunity is' | tee -a /etc/snmp/snmpd.conf\n",
        ] {
            refused_with(text, "user data may not write a community string");
        }
    }

    #[test]
    fn prose_values_read_at_boot_and_other_settings_pass() {
        for text in [
            "echo \"rocommunity is disabled\"\n",
            "logger \"rocommunity disabled by policy\"\n",
            "echo \"createUser is not used here\"\n",
            "echo -e \"com2sec is not used here\"\n",
            "echo \"snmp-server community is not set\"; echo done\n",
            "logger -t boot \"rocommunity was removed\"\n",
            "echo \"enable secret is set in the image\"\n",
            "cat > /etc/app.conf <<EOF\npassword = $DB_PASSWORD\nEOF\n",
            "cat > /etc/app.conf <<EOF\npassword $DB_PASSWORD\nEOF\n",
            "cat > /etc/motd <<EOF\nPassword resets go through the helpdesk\nEOF\necho x > /etc/app.conf\n",
            "cat > /etc/app.conf <<EOF\nx\nEOF\necho password reset\n",
            "crudini --set /etc/app.ini db password \"$PW\"\n",
            "crudini --set /etc/nova/nova.conf keystone_authtoken auth_url http://keystone:5000\n",
            "xmlstarlet sel -t -v //password /etc/app.xml\n",
            "xmlstarlet ed -L -u //password -v \"$DB_PASSWORD\" app.xml\n",
            "git config --global http.emptyAuth true\n",
            "git config --global user.name \"Boot Script\"\n",
            "git config --global credential.helper store\n",
            "npm config set //registry.npmjs.org/:_authToken \"$NPM_TOKEN\"\n",
            "pip config set global.index-url https://pypi.example.com/simple\n",
            "augtool -s set /files/etc/ssh/sshd_config/PasswordAuthentication no\n",
            "echo \"set password now\"\n",
            "cat > /etc/openvpn/server.conf <<EOF\nauth SHA256\ntls-auth ta.key 0\nauth-user-pass /etc/openvpn/creds\nEOF\n",
            "echo \"auth SHA256\" >> /etc/openvpn/server.conf\n",
            "cat > /etc/app.conf <<EOF\ntoken_file /run/token\nPasswordAuthentication no\nEOF\n",
            "nmcli con modify wlan wifi-sec.psk-flags 1 wifi-sec.psk \"$PSK\"\n",
            "wpa_passphrase Clinic < /run/psk > /etc/wpa.conf\n",
            "mysql -e \"SET PASSWORD FOR 'app'@'%' = '$PW'\"\n",
            "sed -i \"s/^password .*/password $PW/\" /etc/app.conf\n",
            "poetry config http-basic.pypi \"$PYPI_USER\" \"$PYPI_PASSWORD\"\n",
            "composer config --global github-oauth.github.com \"$GH_TOKEN\"\n",
            "echo \"# it's done\"\n# don't\necho ok\npassword reset\n",
            "echo 'a\nb' > /etc/app.conf\nlogger password reset\n",
            "echo \"mysql-server mysql-server/root_password password $PW\" | debconf-set-selections\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// Hostile review 17, round 2: settings files without a settings extension, Redis's own
/// commands, and prose after the escape of a new line.
mod user_data_settings_files_redis_and_escaped_prose {
    use super::*;

    fn refused_with(text: &str, start: &str) {
        let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
        assert!(rule.starts_with(start), "{text:?}: {rule}");
    }

    #[test]
    fn settings_lines_into_files_without_a_settings_extension_are_refused() {
        for text in [
            "cat > /etc/app/config <<'EOF'\ndb_password hunter2\nEOF\n",
            "cat > /etc/default/app <<EOF\nDB_PASSWORD hunter2\nEOF\n",
            "cat > /etc/sysconfig/app <<EOF\nAPI_TOKEN abc123\nEOF\n",
            "echo 'password hunter2' > /etc/app/config\n",
            "echo 'db_password hunter2' | tee /etc/app/config\n",
            "printf 'user app\\npassword hunter2\\n' > /etc/app/config\n",
            "echo 'password hunter2' > /etc/app/app.cnf\n",
            "cat > /etc/app/app.toml <<'EOF'\ndb_password hunter2\nEOF\n",
            // A tab around `=` or `:` is as much a separator as a space.
            "cat > /etc/app/config <<'EOF'\npassword\t= hunter2\nEOF\n",
            "cat > /etc/app/config <<'EOF'\npassword\thunter2\nEOF\n",
            "cat > /opt/app/app.json <<'EOF'\n{\"password\"\t:\t\"hunter2\"}\nEOF\n",
            "printf 'password\\t= hunter2\\n' >> /etc/app.ini\n",
            "printf 'password\\t=hunter2\\n' > /etc/app/config\n",
            "printf 'password\\t: hunter2\\n' > /etc/app/config\n",
            "echo -e 'password\\thunter2' > /etc/app/config\n",
        ] {
            refused_with(text, "user data may not assign a literal");
        }
    }

    #[test]
    fn values_on_the_next_line_of_a_settings_file_are_refused() {
        for text in [
            "cat > /etc/app/app.yml <<'EOF'\npassword:\n  hunter2\nEOF\n",
            "cat > /etc/app/app.yml <<'EOF'\ndb:\n  passwords:\n    - hunter2\nEOF\n",
            "cat > /etc/app/app.yml <<'EOF'\napi_token:\n  # the token\n\n  abc123\nEOF\n",
            "cat > /etc/app/app.toml <<'EOF'\npassword = \"\"\"\nhunter2\"\"\"\nEOF\n",
            "cat > /etc/app/app.toml <<'EOF'\nsecret = '''\nhunter2'''\nEOF\n",
            "printf 'db:\\n  password:\\n    hunter2\\n' > /etc/app/app.yml\n",
        ] {
            refused_with(text, "user data may not assign a literal");
        }
        for text in [
            "cat > /etc/app/app.yml <<'EOF'\npassword:\n  file: /run/secrets/db\nEOF\n",
            "cat > /etc/app/app.yml <<EOF\npassword:\n  $DB_PASSWORD\nEOF\n",
            "cat > /opt/app/compose.yml <<'EOF'\nservices:\n  app:\n    secrets:\n      - db_password\nsecrets:\n  db_password:\n    file: /run/db_password.txt\nEOF\n",
            "cat > /etc/app/app.yml <<'EOF'\ntoken:\nlevel: info\nEOF\n",
            "PASSWORD=\n  echo hi\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn text_files_under_etc_and_fetched_values_pass() {
        for text in [
            "cat > /etc/motd <<'EOF'\nYour password expires soon\nEOF\n",
            "cat > /etc/issue <<'EOF'\nPasswords expire every 90 days.\nEOF\n",
            "echo 'password reset is done' > /etc/motd\n",
            "echo \"Password required\" | tee -a /etc/issue\n",
            "echo \"password $PW\" > /etc/app/config\n",
            "cat > /etc/app/config <<EOF\npassword ${DB_PASSWORD}\nEOF\n",
            "cat > /etc/app/config <<'EOF'\npassword_file /run/secrets/db\n# password for the db\nEOF\n",
            "echo 'token hunter2' > /tmp/notes\n",
            // A value that chooses how to log on, in a script that names a settings file.
            "echo \"Password required\" | tee -a /etc/issue\necho 'x: 1' > /etc/app.yml\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn redis_commands_that_pass_a_secret_are_refused() {
        for text in [
            "redis-cli AUTH hunter2 ping\n",
            "redis-cli -h db auth default hunter2\n",
            "valkey-cli Auth hunter2\n",
            "keydb-cli -h cache auth default hunter2\n",
            "keydb-cli <<'EOF'\nAUTH hunter2\nEOF\n",
            "redis-cli <<'EOF'\nAUTH hunter2\nEOF\n",
            "printf 'AUTH default hunter2\\nPING\\n' | redis-cli\n",
        ] {
            refused_with(text, "user data may not pass a password to a command");
        }
        for text in [
            "redis-cli SET db_password hunter2\n",
            "redis-cli -n 0 set api_token abc\n",
            "redis-cli HSET app:config password hunter2\n",
            "redis-cli MSET x 1 password hunter2\n",
            "redis-cli SETEX session_token 60 abc\n",
            // Commands that the client reads from its input.
            "echo 'SET db_password hunter2' | redis-cli\n",
            "redis-cli <<'EOF'\nHSET app:config password hunter2\nEOF\n",
            "printf 'SET db_password hunter2\\n' | valkey-cli\n",
            "keydb-cli SET db_password hunter2\n",
            "echo 'HSET app:config password hunter2' | keydb-cli\n",
        ] {
            refused_with(
                text,
                "user data may not give a setting named like a password",
            );
        }
        for text in [
            "redis-cli CONFIG SET requirepass hunter2\n",
            "redis-cli config set masterauth hunter2\n",
            "redis-cli -a hunter2 ping\n",
            "keydb-cli -a hunter2 ping\n",
            "keydb-cli --pass hunter2 ping\n",
            "\"keydb\"-cli -a hunter2 ping\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
    }

    #[test]
    fn redis_commands_with_fetched_secrets_pass() {
        for text in [
            "redis-cli SET counter 1\n",
            "redis-cli -a \"$REDIS_PASSWORD\" ping\n",
            "redis-cli AUTH default \"$PW\"\n",
            "redis-cli CONFIG SET requirepass \"$REDIS_PASSWORD\"\n",
            "echo 'AUTH \"$U\" \"$P\"' | redis-cli\n",
            "redis-cli HSET app:config owner team-a\n",
            "echo 'SET counter 1' | redis-cli\n",
            "redis-cli <<EOF\nSET db_password $PW\nEOF\n",
            "redis-cli ping\nset -euo pipefail\n",
            "redis-cli ping\necho \"auth failed for app\"\n",
            "redis-cli ping\necho \"auth is required\"\n",
            "keydb-cli -a \"$KEYDB_PASSWORD\" ping\n",
            "keydb-cli SET counter 1\n",
            "echo 'SET db_password hunter2' > /tmp/notes.txt\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn prose_after_an_escaped_new_line_passes_and_a_directive_is_refused() {
        for text in [
            "printf 'x\\nrocommunity is disabled'\n",
            "printf 'Note:\\nrocommunity is not used here\\n'\n",
            "echo -e 'x\\nrocommunity is disabled'\n",
            "printf \"status:\\n  createUser was not run\\n\"\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
        for text in [
            "printf 'x\\nrocommunity public\\n' >> /etc/snmp/snmpd.conf\n",
            "printf 'x\\nrocommunity is disabled\\n' >> /etc/snmp/snmpd.conf\n",
            "printf 'rocommunity is disabled\\nrocommunity public\\n'\n",
            "printf 'x\\nrocommunity public\\n'\n",
        ] {
            refused_with(text, "user data may not write a community string");
        }
    }
}

/// Hostile review 18: secrets given through ANSI-C quoting, a command substitution or a
/// pipe of written text, fish's `set`, and two more tools' password flags; each is refused,
/// and the same shapes that fetch the value at boot pass.
mod user_data_hostile_review_18 {
    use super::*;

    fn refused_with(text: &str, start: &str) {
        let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
        assert!(rule.starts_with(start), "{text:?}: {rule}");
    }

    const LITERAL: &str = "user data may not assign a literal";
    const COMMAND: &str = "user data may not pass a password to a command";

    #[test]
    fn ansi_c_and_locale_quoting_is_read_as_quoting() {
        for text in [
            "PGPASSWORD=$'hunter2'\n",
            "export PGPASSWORD=$'hunter2'\n",
            "export PGPASSWORD=$\"hunter2\"\n",
            "PGPASSWORD=$'hunter2' psql -h db\n",
            "DB_PASSWORD=$'hun''ter2'\n",
        ] {
            refused_with(text, LITERAL);
        }
    }

    #[test]
    fn a_substitution_that_prints_written_text_is_written() {
        for text in [
            "PGPASSWORD=$(<<< hunter2 cat)\n",
            "PGPASSWORD=$(xargs <<< hunter2)\n",
            "PGPASSWORD=$(xargs echo <<< hunter2)\n",
            "PGPASSWORD=$(head -c 7 <<< hunter2)\n",
            "PGPASSWORD=$(sed s/x/y/ <<< hunter2)\n",
            "DB_PASSWORD=$(jq -r .password <<< '{\"password\":\"hunter2\"}')\n",
            "export PGPASSWORD=$(cat /dev/null; echo hunter2)\n",
            "export PGPASSWORD=$(true && echo -n hunter2)\n",
            "API_TOKEN=`xargs <<< abcd1234`\n",
            "PGPASSWORD=$(echo $'hunter2')\n",
        ] {
            refused_with(text, LITERAL);
        }
        refused_with("mysql -uadmin -p\"$(xargs <<< hunter2)\"\n", COMMAND);
    }

    #[test]
    fn read_fed_written_text_through_a_pipe_or_a_process_substitution() {
        for text in [
            "echo hunter2 | read PGPASSWORD\n",
            "printf '%s' hunter2 | { read -r PGPASSWORD; psql; }\n",
            "echo hunter2 | while read PGPASSWORD; do psql; done\n",
            "yes hunter2 | read -r DB_PASSWORD\n",
            "IFS= read -r PGPASSWORD < <(echo hunter2)\n",
            "read PGPASSWORD < <(printf hunter2)\n",
            "read PGPASSWORD < /dev/stdin <<< hunter2\n",
            "echo $'hunter2' | read PGPASSWORD\n",
        ] {
            refused_with(text, LITERAL);
        }
    }

    #[test]
    fn fish_set_of_a_secret_name() {
        for text in [
            "set -gx PGPASSWORD hunter2\n",
            "set -x PGPASSWORD hunter2\n",
            "set -Ux API_TOKEN abcd1234\n",
            "set DB_PASSWORD 'hunter2'\n",
            "set -gx PGPASSWORD (echo hunter2)\n",
        ] {
            refused_with(text, LITERAL);
        }
    }

    #[test]
    fn openssl_enc_k_and_az_login_p() {
        for text in [
            "openssl enc -aes-256-cbc -k hunter2 -in a -out b\n",
            "az login -u admin -p hunter2\n",
            "az login --username admin --password hunter2\n",
        ] {
            refused_with(text, COMMAND);
        }
    }

    #[test]
    fn values_fetched_at_boot_pass() {
        for text in [
            "TOKEN=$(curl -sS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')\n",
            "DB_PASSWORD=$(jq -r .password <<< \"$SECRET_JSON\")\n",
            "DB_PASSWORD=$(echo \"$SECRET_JSON\" | jq -r .password)\n",
            "TOKEN=$(printf '%s' \"$RAW\")\n",
            "aws secretsmanager get-secret-value --secret-id x --query SecretString --output text | read -r DB_PASSWORD\n",
            "IFS= read -r DB_PASSWORD < <(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\n",
            "read -r DB_PASSWORD < /run/secrets/db\n",
            "set -gx DB_PASSWORD (aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\n",
            "set -euo pipefail\n",
            "IFS=$'\\n'\n",
            "echo 'password prompt' | read -r REPLY\n",
            "az login --identity\n",
            "az login --service-principal -u \"$APP_ID\" -p \"$SECRET\" --tenant \"$T\"\n",
            "openssl enc -aes-256-cbc -kfile /run/secrets/k -in a -out b\n",
            "openssl enc -aes-256-cbc -k \"$KEY\" -in a -out b\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// Hostile review 19: keys of associative arrays, plain stages of a pipeline, copies of
/// substitutions, `az` after a tab, files written by `sudo tee`, `dd`, `install` and `cp`,
/// quoted file names, grouped `read`, Windows' `setx` and PowerShell.
mod user_data_hostile_review_19 {
    use super::*;

    fn refused_with(text: &str, start: &str) {
        let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
        assert!(rule.starts_with(start), "{text:?}: {rule}");
    }

    const LITERAL: &str = "user data may not assign a literal";
    const COMMAND: &str = "user data may not pass a password to a command";
    const FILE: &str = "user data may not write text it holds into a file";

    #[test]
    fn a_key_of_an_array_named_like_a_secret_is_a_secret() {
        for text in [
            "creds[password]=hunter2\n",
            "declare -A creds; creds[password]=hunter2\n",
            "creds[db_password]='hunter2'\n",
            "creds[\"password\"]=hunter2\n",
            "declare -A creds=([password]=hunter2)\n",
            "creds=([password]=hunter2 [user]=admin)\n",
            "creds+=([password]=hunter2)\n",
            "creds[password]+=hunter2\n",
            "declare -A cfg=([api_token]=abc123)\n",
        ] {
            refused_with(text, LITERAL);
        }
    }

    #[test]
    fn other_keys_and_fetched_values_pass() {
        for text in [
            "declare -A ports=([http]=80 [https]=443)\n",
            "ports[http]=80\n",
            "creds[user]=admin\n",
            "declare -A creds; creds[password]=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\n",
            "if [[ \"$x\" == \"[password]\" ]]; then echo y; fi\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn plain_stages_of_a_pipeline_pass_written_text_on() {
        for text in [
            "echo hunter2 | cat | read PW\n",
            "echo hunter2 | cat | read -r PGPASSWORD\n",
            "echo hunter2 | head -n1 | read -r PGPASSWORD\n",
            "echo hunter2 | cat | cat | read -r PGPASSWORD\n",
            "echo hunter2 | sudo tee /dev/null | read -r PGPASSWORD\n",
            "echo hunter2 | xargs | read -r PGPASSWORD\n",
            "echo hunter2 | xargs -n 1 | read -r PGPASSWORD\n",
            "echo '{\"password\":\"hunter2\"}' | jq -r .password | read -r PGPASSWORD\n",
            "X=hunter2; echo \"$X\" | cat | read -r PGPASSWORD\n",
            "{ read -r PGPASSWORD; } <<< hunter2\n",
            "{ read -r PGPASSWORD; } <<'EOF'\nhunter2\nEOF\n",
        ] {
            refused_with(text, LITERAL);
        }
    }

    #[test]
    fn pipelines_of_fetched_text_pass() {
        for text in [
            "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | cat | read -r PGPASSWORD\n",
            "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | jq -r .password | read -r PGPASSWORD\n",
            "echo db | xargs -I{} aws secretsmanager get-secret-value --secret-id {} --query SecretString --output text | read -r PGPASSWORD\n",
            "echo \"$X\" | cat | read -r PGPASSWORD\n",
            "echo hello | cat | read -r GREETING\n",
            "{ read -r PGPASSWORD; } < /run/secrets/db\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_copy_of_a_substitution_that_prints_written_text_is_written() {
        for text in [
            "X=$(xargs <<< hunter2); PGPASSWORD=$X\n",
            "X=$(cat <<< hunter2); export PGPASSWORD=\"$X\"\n",
            "X=$(echo hunter2)\nexport PGPASSWORD=\"${X}\"\n",
        ] {
            refused_with(text, LITERAL);
        }
        for text in [
            "X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | xargs); PGPASSWORD=$X\n",
            "X=$(aws ssm get-parameter --name /app/pw --with-decryption --query Parameter.Value --output text)\nexport PGPASSWORD=\"$X\"\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn az_is_read_after_any_blank_and_through_quotes() {
        for text in [
            "az\tlogin -u admin -p Winter2026\n",
            "az\tlogin\t-u admin -p hunter2\n",
            "\"az\" login -u admin -p hunter2\n",
            "a'z' login -u admin -p hunter2\n",
        ] {
            refused_with(text, COMMAND);
        }
        for text in ["az\tlogin --identity\n", "azcopy copy x y\n"] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn files_written_by_other_commands_and_spellings_are_read() {
        for text in [
            "install -m 600 /dev/stdin /etc/app/db_password <<< hunter2\n",
            "echo hunter2 | sudo tee /etc/app/db_password\n",
            "echo hunter2 | sudo tee /etc/app/db_password > /dev/null\n",
            "echo hunter2 | sudo -u app tee /etc/app/db_password\n",
            "echo hunter2 | tee -a /etc/app/db_password\n",
            "echo hunter2 | dd of=/etc/app/db_password\n",
            "echo hunter2 | cp /dev/stdin /etc/app/db_password\n",
            "echo hunter2 | install /dev/stdin /etc/app/api_token\n",
            "cp /dev/stdin /etc/app/api_token <<< abc123\n",
            "echo hunter2 | cat > /etc/app/db_password\n",
            "echo hunter2 >| /etc/app/db_password\n",
            "echo hunter2 &> /etc/app/db_password\n",
            "cat > /etc/app/db_pass''word <<'EOF'\nhunter2\nEOF\n",
            "cat > /etc/app/\"db_password\" <<'EOF'\nhunter2\nEOF\n",
        ] {
            refused_with(text, FILE);
        }
        for text in [
            "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | sudo tee /etc/app/db_password > /dev/null\n",
            "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | sudo -u app tee /etc/app/db_password > /dev/null\n",
            "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | install -m 600 /dev/stdin /etc/app/db_password\n",
            "aws ssm get-parameter --name /app/pw --with-decryption --query Parameter.Value --output text | dd of=/etc/app/db_password status=none\n",
            "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | cat > /etc/app/db_password\n",
            "echo hunter2 | dd if=/etc/app/fetched of=/etc/app/db_password\n",
            "dd if=/dev/zero of=/swapfile bs=1M count=1024\n",
            "cp /dev/stdin /etc/app/config.json <<< \"$CONFIG\"\n",
            "echo ready | sudo tee -a /etc/app/settings.conf\n",
            "cat /etc/app/token | sudo tee /etc/app/token2\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn windows_and_powershell_assignments_are_read() {
        refused_with(
            "setx DB_PASSWORD hunter2\n",
            "user data may not give a setting",
        );
        refused_with(
            "setx /M DB_PASSWORD hunter2\n",
            "user data may not give a setting",
        );
        for text in [
            "[Environment]::SetEnvironmentVariable(\"DB_PASSWORD\", \"hunter2\", \"Machine\")\n",
            "[Environment]::SetEnvironmentVariable('API_TOKEN', 'abc123', 'Machine')\n",
            "$env:PGPASSWORD = ('hunter2')\n",
            "$env:PGPASSWORD = (Write-Output hunter2)\n",
            "$env:PGPASSWORD = (echo hunter2)\n",
            "$DbPassword = \"hunter2\"\n",
            "PGPASSWORD=(hunter2)\n",
        ] {
            refused_with(text, LITERAL);
        }
        // A command in parentheses runs at boot: what it prints is fetched (a false
        // refusal before hostile review 19).
        for text in [
            "$env:PGPASSWORD = (aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\n",
            "$DbPassword = (Get-SECSecretValue -SecretId db).SecretString\n",
            "[Environment]::SetEnvironmentVariable(\"DB_PASSWORD\", $secret, \"Machine\")\n",
            "[Environment]::SetEnvironmentVariable(\"DB_PASSWORD\", \"$secret\", \"Machine\")\n",
            "setx PATH \"%PATH%;C:\\tools\"\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn loops_here_documents_and_commands_in_quotes_are_read() {
        for text in [
            "while read -r PGPASSWORD; do :; done <<< hunter2\n",
            "while read -r PGPASSWORD; do\n  psql -c 'select 1'\ndone <<'EOF'\nhunter2\nEOF\n",
            "cat <<'EOF' | read -r PGPASSWORD\nhunter2\nEOF\n",
            "read -r PGPASSWORD <<< \"$(echo hunter2)\"\n",
        ] {
            refused_with(text, LITERAL);
        }
        for text in [
            "sudo sh -c 'echo hunter2 > /etc/app/db_password'\n",
            "echo hunter2 | tee /etc/app/other /etc/app/secret\n",
        ] {
            refused_with(text, FILE);
        }
        for text in [
            "while read -r PGPASSWORD; do :; done < /run/secrets/db\n",
            "while read -r line; do echo \"$line\"; done <<< \"$LIST\"\n",
            "read -r PGPASSWORD <<< \"$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\"\n",
            "cat <<EOF | read -r PGPASSWORD\n$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nEOF\n",
            "sudo sh -c 'aws secretsmanager get-secret-value --secret-id db --query SecretString --output text > /etc/app/db_password'\n",
            "echo ready | tee /var/log/a /var/log/b\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn other_declarers_and_environments_are_read() {
        for text in [
            "export -n PGPASSWORD=hunter2\n",
            "typeset -x PGPASSWORD=hunter2\n",
            "local PGPASSWORD=hunter2\n",
            "readonly PGPASSWORD=hunter2\n",
            "env -S 'PGPASSWORD=hunter2 psql'\n",
            "env -i PGPASSWORD=hunter2 psql\n",
            "systemctl set-environment PGPASSWORD=hunter2\n",
            "mapfile -t PGPASSWORD <<< hunter2\n",
            ": ${PGPASSWORD:=hunter2}\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
    }
}

/// Hostile review 19, round 2: other languages' boot scripts (cloud-config, PowerShell,
/// Python), MIME multi-part user data and encoded payloads, quoted file names with blanks
/// and `xargs` stages.
mod user_data_hostile_review_19_round_2 {
    use super::*;

    fn refused_with(text: &str, start: &str) {
        let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
        assert!(rule.starts_with(start), "{text:?}: {rule}");
    }

    const ENCODED_PART: &str = "user data may not carry an encoded part";
    const CLOUD_INIT: &str = "user data may not give cloud-init a password";
    const WINDOWS: &str = "user data may not give a Windows or PowerShell command";
    const FILE: &str = "user data may not write text it holds into a file";
    const LITERAL: &str = "user data may not assign a literal";
    const FED: &str = "user data may not feed written text";
    const TRANSFORM: &str = "user data may not decode or transform";

    #[test]
    fn encoded_parts_cannot_be_read_and_are_refused() {
        for text in [
            "Content-Type: multipart/mixed; boundary=\"X\"\nMIME-Version: 1.0\n\n--X\nContent-Type: text/x-shellscript\nContent-Transfer-Encoding: base64\n\nbXlzcWwgLXBodW50ZXIy\n--X--\n",
            "--X\nContent-Type: text/x-shellscript\ncontent-transfer-encoding: Quoted-Printable\n\nmysql -u admin -p=68unter2\n--X--\n",
            "#cloud-config\nwrite_files:\n  - path: /etc/app/run.sh\n    encoding: gz+b64\n    content: H4sIAAAAAAAAA8utLC5O\n",
            "#cloud-config\nwrite_files:\n  - path: /etc/app/run.sh\n    encoding: 'b64'\n    content: bXlzcWw=\n",
            "<powershell>\npowershell -EncodedCommand ZQBjAGgAbwAgAGgAaQA=\n</powershell>\n",
            "<powershell>\n& powershell.exe -enc ZQBjAGgAbwAgAGgAaQA=\n</powershell>\n",
            "pwsh -NoProfile -e ZQBjAGgAbwAgAGgAaQA=\n",
            "<powershell>\n$s = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String(\"aHVudGVyMg==\"))\n</powershell>\n",
            "python3 -c \"import base64,os; os.system(base64.b64decode('bXlzcWwgLXBodW50ZXIy'))\"\n",
            "#!/usr/bin/env python3\nexec(zlib.decompress(b'x\\x9c'))\n",
            "#!/usr/bin/env python3\nexec(codecs.decode('zlfdy -cuhagre2', 'rot13'))\n",
            "ruby -e 'system(Base64.decode64(\"bXlzcWw=\"))'\n",
            "#cloud-config\nwrite_files:\n  - path: /opt/app/run.sh\n    content: !!binary |\n      bXlzcWwgLXBodW50ZXIy\n",
            "{\"ignition\":{\"version\":\"3.3.0\"},\"storage\":{\"files\":[{\"path\":\"/opt/run.sh\",\"contents\":{\"source\":\"data:;base64,bXlzcWw=\"}}]}}\n",
            "<powershell>\nStart-Process powershell -ArgumentList '-EncodedCommand', 'ZQBjAGgAbwA='\n</powershell>\n",
        ] {
            refused_with(text, ENCODED_PART);
        }
        // Piped through `xargs` into a word or after a password flag, text is spliced into
        // a command the check cannot read.
        for text in [
            "echo hunter2 | xargs -I{} mysql -u admin -p{} ehr\n",
            "echo hunter2 | xargs -I{} curl -u admin:{} https://example.com\n",
            "echo hunter2 | xargs sshpass -p\n",
        ] {
            refused_with(text, TRANSFORM);
        }
    }

    #[test]
    fn cloud_config_passwords_and_secret_files_are_refused() {
        for text in [
            "#cloud-config\nchpasswd:\n  list: |\n    root:hunter2\n    admin:RANDOM\n  expire: False\n",
            "#cloud-config\nchpasswd:\n  list:\n    - root:hunter2\n",
            "#cloud-config\nchpasswd: {list: \"root:hunter2\", expire: false}\n",
            "#cloud-config\nchpasswd:\n  list: |\n    admin:$6$rounds=4096$abc$Xyz\n",
            "#cloud-config\nwrite_files:\n  - path: /etc/app/db_password\n    content: hunter2\n",
            "#cloud-config\nwrite_files:\n  - content: hunter2\n    path: /etc/app/api_token\n    permissions: '0600'\n",
            "#cloud-config\nwrite_files:\n- path: \"/run/secrets/token\"\n  owner: app:app\n  content: |\n    hunter2\n",
            "#cloud-config\nwrite_files:\n  - path: /etc/app/db_password\n    content: aHVudGVyMgo=\n",
            "variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: /etc/app/db_password\n      contents:\n        inline: hunter2\n",
            "{\"ignition\":{\"version\":\"3.3.0\"},\"storage\":{\"files\":[{\"path\":\"/etc/app/db_password\",\"contents\":{\"source\":\"data:,hunter2\"}}]}}\n",
            "#cloud-config\nwrite_files: [{path: /etc/app/db_password, content: hunter2}]\n",
            "#cloud-config\nwrite_files:\n  - {path: /etc/app/db_password, content: hunter2, permissions: '0600'}\n",
            "#cloud-config\n{\"write_files\": [{\"path\": \"/etc/app/db_password\", \"content\": \"hunter2\"}]}\n",
        ] {
            refused_with(text, CLOUD_INIT);
        }
        // Commands of `runcmd` and `bootcmd`, in a block or a flow sequence.
        for (text, start) in [
            (
                "#cloud-config\nbootcmd:\n  - echo hunter2 > /etc/app/db_password\n",
                FILE,
            ),
            (
                "#cloud-config\nruncmd:\n  - echo hunter2 | passwd --stdin admin\n",
                FED,
            ),
            (
                "#cloud-config\nruncmd:\n  - [ sh, -c, \"echo hunter2 | passwd --stdin admin\" ]\n",
                FED,
            ),
            (
                "#cloud-config\nruncmd:\n  - [ bash, -c, 'echo admin:hunter2 | chpasswd' ]\n",
                FED,
            ),
            ("bash -c 'echo admin:hunter2 | chpasswd'\n", FED),
            (
                "#cloud-config\nusers:\n  - name: admin\n    plain_text_passwd: hunter2\n",
                LITERAL,
            ),
            ("#cloud-config\npassword: hunter2\n", LITERAL),
            (
                "#cloud-config\nusers:\n  - name: admin\n    lock_passwd: hunter2\n",
                LITERAL,
            ),
            ("DB_PASSWORD: RANDOM\n", LITERAL),
            ("export PASSWORD=RANDOM\n", LITERAL),
        ] {
            refused_with(text, start);
        }
    }

    #[test]
    fn powershell_and_windows_passwords_are_refused() {
        for text in [
            "<powershell>\n$pw = ConvertTo-SecureString \"hunter2\" -AsPlainText -Force\n</powershell>\n",
            "<powershell>\n$s = ConvertTo-SecureString -String 'hunter2' -AsPlainText -Force\n</powershell>\n",
            "<powershell>\nNew-LocalUser -Name admin -Password (ConvertTo-SecureString hunter2 -AsPlainText -Force)\n</powershell>\n",
            "<powershell>\nnet user admin hunter2 /add\n</powershell>\n",
            "<script>\nNET.EXE USER admin \"Hunter2!\" /add /y\n</script>\n",
            "cmd /c \"net user admin hunter2\"\n",
            "<powershell>\n$admin = [adsi]\"WinNT://./administrator,user\"\n$admin.SetPassword(\"hunter2\")\n</powershell>\n",
            "$u.ChangePassword($old, 'hunter2')\n",
            "<powershell>\n$secure = 'hunter2' | ConvertTo-SecureString -AsPlainText -Force\n</powershell>\n",
        ] {
            refused_with(text, WINDOWS);
        }
        for text in [
            "<powershell>\nSet-Item -Path Env:DB_PASSWORD -Value 'hunter2'\n</powershell>\n",
            "<powershell>\nNew-Item -Path Env:\\DB_PASSWORD -Value hunter2\n</powershell>\n",
        ] {
            refused_with(text, LITERAL);
        }
        for text in [
            "<powershell>\nSet-Content -Path C:\\app\\db_password.txt -Value \"hunter2\"\n</powershell>\n",
            "<powershell>\n\"hunter2\" | Out-File C:\\app\\db_password.txt\n</powershell>\n",
            "Add-Content C:\\app\\api_token 'abc123'\n",
        ] {
            refused_with(text, FILE);
        }
    }

    #[test]
    fn python_environments_and_file_names_with_blanks_are_refused() {
        for text in [
            "#!/usr/bin/env python3\nimport os\nos.putenv(\"DB_PASSWORD\", \"hunter2\")\n",
            "#!/usr/bin/env python3\nimport os\nos.environ.setdefault('DB_PASSWORD', 'hunter$2')\n",
            "#!/usr/bin/env python3\ndb_password = get_secret_value(SecretId=\"db\") + \"x\"\n",
            "#!/usr/bin/env python3\ndb_password = \"hunter2\" if get_secret_value(SecretId=\"db\") else \"\"\n",
            "#!/bin/bash\nDB_PASSWORD=\"boto3 get_secret_value(x)\"\n",
        ] {
            refused_with(text, LITERAL);
        }
        for text in [
            "echo hunter2 > \"/etc/app/db password\"\n",
            "echo hunter2 > '/etc/app/api token'\n",
            "echo hunter2 > /etc/app/db\\ password\n",
            "echo hunter2 | tee \"/etc/app/db password\"\n",
            "#!/usr/bin/env python3\nopen(\"/etc/app/db_password\", \"w\").write(\"hunter2\")\n",
            "#!/usr/bin/env python3\nPath(\"/run/secrets/api_token\").write_text('abc123')\n",
            "#!/usr/bin/env python3\nwith open(\"/etc/app/db_password\", \"w\") as f:\n    f.write(\"hunter2\")\n",
            "<powershell>\n[IO.File]::WriteAllText(\"C:\\app\\db_password.txt\", \"hunter2\")\n</powershell>\n",
            "<powershell>\n[System.IO.File]::AppendAllText('C:\\app\\api_token', 'abc123')\n</powershell>\n",
        ] {
            refused_with(text, FILE);
        }
    }

    /// Forms that fetch their values at boot, or that carry no secret, pass (some were
    /// false refusals before round 2 of hostile review 19: `NOPASSWD:ALL`, `chpasswd:`,
    /// `lock_passwd: true`, `password: RANDOM`, a PowerShell assignment of
    /// `ConvertTo-SecureString`, boto3's `get_secret_value`).
    #[test]
    fn fetched_values_and_settings_without_secrets_pass() {
        for text in [
            "echo 'app ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/app\n",
            "#cloud-config\nusers:\n  - default\n  - name: app\n    lock_passwd: true\n    sudo: ALL=(ALL) NOPASSWD:ALL\n",
            "#cloud-config\nchpasswd: { expire: False }\nssh_pwauth: false\n",
            "#cloud-config\npassword: RANDOM\n",
            "#cloud-config\nchpasswd:\n  expire: false\n  users:\n    - name: admin\n      password: RANDOM\n      type: RANDOM\n",
            "#cloud-config\nchpasswd:\n  list: |\n    root:RANDOM\n    admin:R\n",
            "#cloud-config\nwrite_files:\n  - path: /etc/motd\n    content: |\n      Welcome\n  - path: /etc/app/db_password\n    source:\n      uri: https://example.com/x\n",
            "#cloud-config\nwrite_files:\n  - path: /etc/app/app.yaml\n    encoding: text/plain\n    content: |\n      log: info\n",
            "#cloud-config\nruncmd:\n  - [ sh, -c, \"echo ready\" ]\n  - export DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\n",
            "Content-Type: multipart/mixed; boundary=\"X\"\nMIME-Version: 1.0\n\n--X\nContent-Type: text/cloud-config; charset=\"us-ascii\"\nContent-Transfer-Encoding: 7bit\n\n#cloud-config\nruncmd:\n  - [ sh, -c, \"echo ready\" ]\n--X--\n",
            "cat > /srv/app/config/database.yml <<'EOF'\nproduction:\n  adapter: postgresql\n  encoding: unicode\nEOF\n",
            "<powershell>\n$pw = ConvertTo-SecureString (Get-SECSecretValue -SecretId db).SecretString -AsPlainText -Force\nNew-LocalUser -Name admin -Password $pw\n</powershell>\n",
            "<powershell>\n$DbPassword = Get-SECSecretValue -SecretId db | Select-Object -ExpandProperty SecretString\n$u = [adsi]\"WinNT://./admin,user\"; $u.SetPassword($DbPassword)\nnet user admin $DbPassword /add\nnet user admin /add\nnet user admin * /add\nnet use Z: \\\\server\\share\n</powershell>\n",
            "<powershell>\npowershell -ExecutionPolicy Bypass -File C:\\boot.ps1\npwsh -NoProfile -Command \"Write-Host hi\"\n$bytes = [Convert]::FromBase64String($b64)\n</powershell>\n",
            "<powershell>\n(Get-SECSecretValue -SecretId db).SecretString | Set-Content -Path C:\\app\\db_password.txt\n\"done\" | Out-File C:\\logs\\boot.log\n</powershell>\n",
            "#!/usr/bin/env python3\nimport boto3, os\nos.environ[\"DB_PASSWORD\"] = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")[\"SecretString\"]\nkey = base64.b64decode(resp[\"SecretBinary\"])\n",
            "ls /tmp/*.log | xargs -I{} cp {} /backup/\necho httpd | xargs dnf install -y\nfind /tmp -name '*.tmp' | xargs -I % rm -f %\n",
            "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text > \"/etc/app/db password\"\n",
            "echo \"$CERT_B64\" | base64 -d > /etc/pki/app.crt\n",
            "#!/usr/bin/env python3\nwith open(\"/var/log/boot.log\", \"a\") as f:\n    f.write(\"password reset\\n\")\nsys.stdout.write(\"done\")\n",
            "#!/usr/bin/env python3\nwith open(\"/etc/app/db_password\", \"w\") as f:\n    f.write(boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")[\"SecretString\"])\n",
            "{\"ignition\":{\"version\":\"3.3.0\"},\"storage\":{\"files\":[{\"path\":\"/etc/app/db_password\",\"contents\":{\"source\":\"https://example.com/x\"}},{\"path\":\"/etc/motd\",\"contents\":{\"source\":\"data:,hi\"}}]}}\n",
            "<powershell>\n[IO.File]::WriteAllText(\"C:\\app\\db_password.txt\", $secret)\n[IO.File]::WriteAllText(\"C:\\app\\motd.txt\", \"hi\")\n</powershell>\n",
            "#cloud-config\nwrite_files:\n  - {path: /etc/motd, content: hi}\n  - {path: /etc/app/db_password, source: {uri: \"https://example.com/x\"}}\n",
            "<powershell>\nSet-Item -Path Env:DB_PASSWORD -Value (Get-SECSecretValue -SecretId db).SecretString\nNew-Item -Path C:\\app -ItemType Directory\nSet-Item -Path Env:APP_MODE -Value 'prod'\n</powershell>\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// A boot script of 16 KiB that fetches its secrets the way `user_data_boot.sh` does (an
/// assignment of a command substitution with many flags, whose words the check reads for
/// a stored password flag), checked in const evaluation: before hostile review 19 such a
/// script stopped compiling at about 10 KiB.
mod user_data_fetching_script_in_const_evaluation {
    use super::*;

    macro_rules! block {
        () => {
            "#!/bin/bash\nset -euo pipefail\nTOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token -H \"X-aws-ec2-metadata-token-ttl-seconds: 21600\")\nexport PGPASSWORD=\"$(aws secretsmanager get-secret-value --secret-id clinic/db --query SecretString --output text)\"\naws secretsmanager get-secret-value --secret-id clinic/api --query SecretString --output text | sudo -u app tee /etc/app/api_token > /dev/null\ndeclare -A creds; creds[password]=$(aws ssm get-parameter --name /clinic/pw --with-decryption --query Parameter.Value --output text)\n"
        };
    }

    const SCRIPT: &str = concat!(
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        block!(),
        block!(),
        block!(),
        block!(),
        block!(),
        block!()
    );
    const PROBLEM: Option<&str> = user_data_problem(SCRIPT);

    #[test]
    fn a_fetching_script_of_16_kib_is_checked_in_const_evaluation() {
        assert!(
            (15_000..=16_384).contains(&SCRIPT.len()),
            "{}",
            SCRIPT.len()
        );
        assert_eq!(PROBLEM, None);
    }
}

/// Hostile review 20: PowerShell here-strings and variables into any writer, Python's
/// f-strings and followed variables, decoders of written files, and other shells'
/// spellings.
mod user_data_hostile_review_20 {
    use super::*;

    const SECRET_FILE_PREFIX: &str = "user data may not write text it holds into a file";

    /// Text PowerShell holds (a here-string, a quoted string, a number), copied through
    /// variables into any writer, is written.
    #[test]
    fn powershell_text_through_variables_into_any_writer_is_refused() {
        for text in [
            "<powershell>\n$p = @'\nhunter2\n'@\n$p | Out-File C:\\app\\db_password.txt\n</powershell>\n",
            "<powershell>\n$p = @\"\nhunter2\n\"@\n$p | Set-Content -Path C:\\app\\db_password.txt\n</powershell>\n",
            "<powershell>\n$p = @'\nhunter2\n'@\nAdd-Content -Path C:\\app\\db_password.txt -Value $p\n</powershell>\n",
            "<powershell>\n$p = @'\nhunter2\n'@\nSet-Content C:\\app\\db_password.txt $p\n</powershell>\n",
            "<powershell>\n$p = @'\nhunter2\n'@\n[IO.File]::WriteAllText('C:\\app\\db_password.txt', $p)\n</powershell>\n",
            "<powershell>\n$a = 'hunter2'\n$p = $a\n$p | Out-File C:\\app\\db_password.txt\n</powershell>\n",
            "<powershell>\n$p = \"x\"\n$p = \"$p$p\"\n$p | Out-File C:\\app\\db_password.txt\n</powershell>\n",
            "<powershell>\n$p = 'hunter2'\n$p > C:\\app\\db_password.txt\n</powershell>\n",
            "<powershell>\n'hunter2' > C:\\app\\db_password.txt\n</powershell>\n",
            "<powershell>\n$p = 'hunter2'\nWrite-Output $p | Out-File C:\\app\\db_password.txt\n</powershell>\n",
            "<powershell>\nWrite-Output 'hunter2' | Out-File C:\\app\\db_password.txt\n</powershell>\n",
        ] {
            let problem = user_data_problem(text);
            assert!(
                problem.is_some_and(|p| p.starts_with(SECRET_FILE_PREFIX)),
                "{text:?}: {problem:?}"
            );
        }
        for text in [
            "<powershell>\n$p = @'\nhunter2\n'@\n$env:DB_PASSWORD = $p\n</powershell>\n",
            "<powershell>\n$p = 'hunter2'\n[Environment]::SetEnvironmentVariable(\"DB_PASSWORD\", $p, \"Machine\")\n</powershell>\n",
            "<powershell>\n$DbPassword = (aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | ForEach-Object { 'hunter2' })\n</powershell>\n",
            "<powershell>\n$env:DB_PASSWORD = (aws secretsmanager get-secret-value --secret-id db --query SecretString --output text; 'hunter2')\n</powershell>\n",
            "<powershell>\n$env:DB_PASSWORD = (Get-SECSecretValue -SecretId db).SecretString + 'x'\n</powershell>\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
        // A secret fetched at boot, copied through variables and here-strings, or a value
        // made at boot, is not written.
        for text in [
            "<powershell>\n$s = (Get-SECSecretValue -SecretId db).SecretString\n$p = @\"\n$s\n\"@\n$p | Set-Content C:\\app\\db_password.txt\n$s > C:\\app\\api_token.txt\nWrite-Output $s | Out-File C:\\app\\db_secret.txt\n</powershell>\n",
            "<powershell>\n$DbPassword = (aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | ConvertFrom-Json).password\n</powershell>\n",
            "<powershell>\n$p = [System.Web.Security.Membership]::GeneratePassword(32, 4)\n$p | Out-File C:\\app\\db_password.txt\n</powershell>\n",
            "<powershell>\n$motd = @'\nWelcome\n'@\n$motd | Out-File C:\\app\\motd.txt\n</powershell>\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    /// A Python f-string writes its text and the fields the check cannot follow to a
    /// fetched value; a variable fetched by boto3 is not written.
    #[test]
    fn python_f_strings_and_variables_are_read_by_what_they_hold() {
        for text in [
            "open('/etc/app/db_password', 'w').write(f\"hunter2\")\n",
            "open('/etc/app/db_password', 'w').write(f'{\"hunter2\"}')\n",
            "x = \"hunter2\"\nopen('/etc/app/db_password', 'w').write(f\"{x}\")\n",
            "x = \"hunter2\"\nopen('/etc/app/db_password', 'w').write(x)\n",
            "Path('/etc/app/db_password').write_text(f\"hunter2\")\n",
            "import os\nx = \"hunter2\"\nos.environ[\"DB_PASSWORD\"] = x\n",
            "import os\nos.environ[\"DB_PASSWORD\"] = get_secret()\n",
            "import os\ndef f(x):\n    os.environ[\"DB_PASSWORD\"] = x\n",
            "import os\nx = \"hunter2\"\nos.putenv(\"DB_PASSWORD\", x)\n",
            "import os\nos.environ[\"DB_PASSWORD\"] = [boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\"), \"hunter2\"][1]\n",
            "import os\nx = {\"a\": get_secret_value(SecretId=\"db\"), \"b\": \"hunter2\"}[\"b\"]\nos.environ[\"DB_PASSWORD\"] = x\n",
            "import boto3\ns = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")[\"SecretString\"]\nopen('/etc/app/app.conf', 'w').write(f\"password={s}hunter2\\n\")\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
        for text in [
            "import boto3\ns = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")[\"SecretString\"]\nopen('/etc/app/app.conf', 'w').write(f\"password={s}\\n\")\nopen('/etc/app/db_password', 'w').write(f\"{s}\")\n",
            "import os, boto3\nx = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")[\"SecretString\"]\nos.environ[\"DB_PASSWORD\"] = x\n",
            "import os, json, boto3\nsecret = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")\nos.environ[\"DB_PASSWORD\"] = secret[\"SecretString\"]\nos.environ[\"API_TOKEN\"] = json.loads(secret[\"SecretString\"])[\"token\"]\n",
            "import os, secrets\nos.environ[\"SESSION_SECRET\"] = secrets.token_hex(32)\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    /// A decoder given a file that the script wrote from its own text is refused as a
    /// decoder of that text is; a downloaded file, or one never decoded, is not.
    #[test]
    fn a_decoder_of_a_file_written_from_text_is_refused() {
        for text in [
            "echo aHVudGVyMg== > C:\\tmp\\p.b64\ncertutil -decode C:\\tmp\\p.b64 C:\\app\\db_password.txt\n",
            "'aHVudGVyMg==' > C:\\tmp\\p.b64\ncertutil -decode C:\\tmp\\p.b64 C:\\app\\db_password.txt\n",
            "echo aHVudGVyMg== > /tmp/p.b64\nbase64 -d /tmp/p.b64 > /etc/app/db_password\n",
            "echo aHVudGVyMg== > /tmp/p.b64\nbase64 --decode < /tmp/p.b64 > /etc/app/db_password\n",
            "echo aHVudGVyMg== > /tmp/p.b64\nopenssl base64 -d -in /tmp/p.b64 -out /etc/app/db_password\n",
            "echo 68756e74657232 > /tmp/p.hex\nxxd -r -p /tmp/p.hex > /etc/app/db_password\n",
            "echo H4sIAAAA > /tmp/p.gz\nzcat /tmp/p.gz > /etc/app/db_password\n",
        ] {
            assert_eq!(user_data_problem(text), Some(TRANSFORMED), "{text:?}");
        }
        for text in [
            "certutil -urlcache -f https://example.com/p.b64 C:\\tmp\\p.b64\ncertutil -decode C:\\tmp\\p.b64 C:\\app\\db_password.txt\n",
            "echo aHVudGVyMg== > /tmp/p.b64\nbase64 /tmp/p.b64\n",
            "echo hello > /tmp/x.txt\ngzip /tmp/x.txt\n",
            "curl -o /tmp/a.gz https://example.com/a.gz\ngunzip /tmp/a.gz\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    /// Other shells' spellings: zsh's `=(…)`, a process substitution copied, `$'…'` in
    /// double quotes (no quoting there), a subshell, `cmd /c "…"`, `set /p`, the registry.
    #[test]
    fn other_spellings_of_writing_a_secret_are_refused() {
        for text in [
            "cp =(echo hunter2) /etc/app/db_password\n",
            "cp <(echo hunter2) /etc/app/db_password\n",
            "cat <(echo hunter2) > /etc/app/db_password\n",
            "echo \"$'hunter2'\" > /etc/app/db_password\n",
            "(echo hunter2) > C:\\app\\db_password.txt\n",
            "cmd /c \"echo hunter2 > C:\\app\\db_password.txt\"\n",
            "echo|set /p=\"hunter2\" > C:\\app\\db_password.txt\n",
            "reg add HKLM\\Software\\App /v DbPassword /t REG_SZ /d hunter2 /f\n",
            "reg add \"HKLM\\Software\\App\" /v Password /d \"hunter2\"\n",
            "Set-ItemProperty -Path HKLM:\\Software\\App -Name DbPassword -Value \"hunter2\"\n",
            "New-ItemProperty HKLM:\\Software\\App DbPassword hunter2\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
        for text in [
            "cp <(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text) /etc/app/db_password\n",
            "diff <(echo a) /etc/app/db_password\n",
            "reg add HKLM\\Software\\App /v LogLevel /d debug /f\n",
            "Set-ItemProperty -Path HKLM:\\Software\\App -Name DbPassword -Value $s\n",
            "cmd /c \"echo ready > C:\\logs\\boot.log\"\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    /// A file named like a secret through a variable, PowerShell's `Tee-Object`, and
    /// Python's `print(…, file=…)` are writers as much as `>` and `Out-File`.
    #[test]
    fn writers_through_variables_tee_object_and_print_are_read() {
        for text in [
            "F=/etc/app/db_password\necho hunter2 > $F\n",
            "F=/etc/app/db_password\necho hunter2 > \"${F}\"\n",
            "<powershell>\n$f = 'C:\\app\\db_password.txt'\n'hunter2' | Out-File $f\n</powershell>\n",
            "<powershell>\n$p = @'\nhunter2\n'@\n$p | Tee-Object -FilePath C:\\app\\db_password.txt\n</powershell>\n",
            "<powershell>\necho hunter2 | Tee-Object C:\\app\\db_password.txt\n</powershell>\n",
            "with open('/etc/app/db_password', 'w') as f:\n    print(\"hunter2\", file=f)\n",
            "print(f\"hunter2\", file=open('/etc/app/db_password', 'w'))\n",
            "echo hunter2 | sponge /etc/app/db_password\n",
            "<powershell>\n$p = $args[0]\n$p | Out-File C:\\app\\db_password.txt\n</powershell>\n",
            "<powershell>\nfunction Save-It([string]$p) { $p | Out-File C:\\app\\db_password.txt }\nSave-It 'hunter2'\n</powershell>\n",
            "<powershell>\nfunction Save-It {\n  param([string]$Path, [string]$p)\n  $p | Out-File C:\\app\\db_password.txt\n}\n</powershell>\n",
            "<powershell>\nGet-ChildItem | ForEach-Object { 'hunter2' | Out-File C:\\app\\db_password.txt }\n</powershell>\n",
        ] {
            let problem = user_data_problem(text);
            assert!(
                problem.is_some_and(|p| p.starts_with(SECRET_FILE_PREFIX)),
                "{text:?}: {problem:?}"
            );
        }
        for text in [
            "F=/etc/app/db_password\naws secretsmanager get-secret-value --secret-id db --query SecretString --output text > \"$F\"\n",
            "F=/etc/app/motd\necho hello > \"$F\"\n",
            "import boto3\ns = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")[\"SecretString\"]\nwith open('/etc/app/db_password', 'w') as f:\n    print(s, file=f)\n",
            "with open('/var/log/boot.log', 'a') as f:\n    print(\"password reset\", file=f)\n",
            "<powershell>\n'ready' | Tee-Object -FilePath C:\\logs\\boot.log\n</powershell>\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// A fetch whose stages print text of the script instead of what it fetched: a JMESPath
/// literal in `--query`, a `jq` string, a `sed` replacement (hostile review 20).
mod user_data_fetches_that_print_written_text {
    use super::*;

    const FETCH: &str = "aws secretsmanager get-secret-value --secret-id db";

    #[test]
    fn are_refused_and_reading_stages_pass() {
        for tail in [
            " --query \"'hunter2'\" --output text",
            " --query '`\"hunter2\"`' --output text",
            " --query \"SecretString || 'hunter2'\" --output text",
            " --query SecretString --output text | jq -r '\"hunter2\"'",
            " --query SecretString --output text | sed 's/.*/hunter2/'",
        ] {
            let text = format!("DB_PASSWORD=$({FETCH}{tail})\n");
            assert_eq!(user_data_problem(&text), Some(LITERAL_SECRET), "{text:?}");
            let text = format!("<powershell>\n$env:DB_PASSWORD = ({FETCH}{tail})\n</powershell>\n");
            assert!(user_data_problem(&text).is_some(), "{text:?}");
        }
        for tail in [
            " --query SecretString --output text | jq -r '.password'",
            " --query SecretString --output text | jq -r '.[\"db-password\"]'",
            " --query SecretString --output text | jq -r '.items[0].password'",
            " --query SecretString --output text | sed 's/\\r$//'",
        ] {
            let text = format!("DB_PASSWORD=$({FETCH}{tail})\n");
            assert_eq!(user_data_problem(&text), None, "{text:?}");
        }
        for text in [
            "DB_SECRET_ARN=$(aws secretsmanager list-secrets --query \"SecretList[?Name=='db'].ARN\" --output text)\n",
            "DB_CONFIG=$(jq -n --arg p \"$DB_PASSWORD\" '{\"user\":\"app\",\"password\":$p}')\necho \"$DB_CONFIG\" > /etc/app/db_secret.json\n",
            "API_TOKEN=$(echo \"$RAW\" | sed \"s/PLACEHOLDER/$TOKEN/\")\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// A PowerShell and Python boot script of 16 KiB (EC2's limit for user data) that copies
/// fetched values through variables and here-strings, checked in const evaluation within
/// the compiler's budget (hostile review 20: variables are followed back through the text).
mod user_data_powershell_script_in_const_evaluation {
    use super::*;

    macro_rules! block {
        () => {
            "$s = (Get-SECSecretValue -SecretId arn:aws:secretsmanager:us-east-1:123456789012:secret:db).SecretString\n$p = @\"\n$s\n\"@\n$p | Set-Content -Path C:\\app\\db_password.txt\n$motd = @'\nWelcome to the clinic\n'@\n$motd | Out-File C:\\app\\motd.txt\n$env:DB_PASSWORD = (aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | ConvertFrom-Json).password\nWrite-Output $s | Out-File C:\\app\\db_secret.txt\npython -c \"import os, boto3; x = 1\"\n"
        };
    }

    const SCRIPT: &str = concat!(
        "<powershell>\n",
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        block!(),
        block!(),
        block!(),
        block!(),
        "</powershell>\n"
    );
    const PROBLEM: Option<&str> = user_data_problem(SCRIPT);

    #[test]
    fn a_powershell_script_of_16_kib_is_checked_in_const_evaluation() {
        assert!(
            (15_000..=16_384).contains(&SCRIPT.len()),
            "{}",
            SCRIPT.len()
        );
        assert_eq!(PROBLEM, None);
    }
}

/// Hostile review 21: a Python container that picks written text beside a fetch, written
/// text fed to a password reader by `subprocess`, PowerShell's `Set-Variable` and its
/// spellings, and written text mixed in with a fetched variable in a double-quoted string.
mod user_data_hostile_review_21 {
    use super::*;

    const PS_FETCH: &str = "$s = (Get-SECSecretValue -SecretId db).SecretString\n";

    /// A dict, list or call that holds a fetch and written text, then picked by a key,
    /// gives the written text: it is not read as fetched.
    #[test]
    fn python_containers_picking_written_text_are_refused() {
        for value in [
            "{\"a\": get_secret_value(SecretId=\"db\"), \"b\": \"hunter2\"}[\"b\"]",
            "dict(a=get_secret_value(SecretId=\"db\"), b=\"hunter2\")[\"b\"]",
            "dict(a=get_secret_value(SecretId=\"db\"), b=\"hunter2\").get(\"b\")",
            "dict(b=\"hunter2\", a=boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\"))[\"b\"]",
            "max(get_secret_value(SecretId=\"db\")[\"SecretString\"], \"zzz\")",
            "json.loads(get_secret_value(SecretId=\"db\")[\"SecretString\"]).get(\"password\", \"hunter2\")",
            "dict(a=get_secret_value(SecretId=\"db\"), b=1234)[\"b\"]",
        ] {
            for text in [
                format!("import os\nx = {value}\nos.environ[\"DB_PASSWORD\"] = x\n"),
                format!("import os\nos.environ[\"DB_PASSWORD\"] = {value}\n"),
            ] {
                assert!(user_data_problem(&text).is_some(), "{text:?}");
            }
        }
        for text in [
            "import os\ny = \"hunter2\"\nos.environ[\"DB_PASSWORD\"] = dict(a=get_secret_value(SecretId=\"db\"), b=y)[\"b\"]\n",
            "import os, json, boto3\nr = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")\nos.environ[\"DB_PASSWORD\"] = json.loads(r[\"SecretString\"]).get(\"password\", \"hunter2\")\n",
            "import os, boto3\nr = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")\nos.environ[\"DB_PASSWORD\"] = r[\"SecretString\"].replace(\"x\", \"hunter2\")\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
    }

    /// What a fetch gives, through keys, `get`, `decode`, `json.loads` and `str`, passes.
    #[test]
    fn python_fetches_picked_by_keys_pass() {
        for text in [
            "import os, json, boto3\nos.environ[\"DB_PASSWORD\"] = json.loads(boto3.client(\"secretsmanager\", region_name=\"us-east-1\").get_secret_value(SecretId=\"db\")[\"SecretString\"]).get(\"password\")\n",
            "import os, boto3\nx = boto3.session.Session().client(\"secretsmanager\").get_secret_value(SecretId=\"db\")[\"SecretBinary\"].decode(\"utf-8\")\nos.environ[\"DB_PASSWORD\"] = x\n",
            "import os, boto3\nssm = boto3.client(\"ssm\")\nos.environ[\"DB_PASSWORD\"] = ssm.get_parameter(Name=\"/clinic/db\", WithDecryption=True)[\"Parameter\"][\"Value\"]\n",
            "import os, json, boto3\nr = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")\nos.environ[\"DB_PASSWORD\"] = str(json.loads(r[\"SecretString\"])[\"password\"])\n",
            "import os, boto3\narn = \"arn:aws:secretsmanager:us-east-1:123456789012:secret:db\"\nos.environ[\"DB_PASSWORD\"] = boto3.client(\"secretsmanager\").get_secret_value(SecretId=arn)[\"SecretString\"]\n",
            "import os, json, boto3\nr = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")\nos.environ[\"DB_PASSWORD\"] = json.loads(r[\"SecretString\"]).get(\"password\")\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    /// Written text given to `subprocess` as a password reader's input (`input=`,
    /// `communicate(…)`) is fed to it as `echo … | chpasswd` is.
    #[test]
    fn python_written_input_to_password_readers_is_refused() {
        for text in [
            "import subprocess\nsubprocess.run([\"passwd\", \"--stdin\", \"admin\"], input=\"hunter2\", text=True)\n",
            "import subprocess\nsubprocess.run([\"chpasswd\"], input=b\"admin:hunter2\")\n",
            "import subprocess\nsubprocess.run([\"/usr/sbin/chpasswd\"], check=True, input=b\"admin:hunter2\\n\")\n",
            "import subprocess\nsubprocess.run([\"docker\", \"login\", \"-u\", \"AWS\", \"--password-stdin\", \"x.dkr.ecr\"], input=\"hunter2\", text=True)\n",
            "import subprocess\np = subprocess.Popen([\"mysql\", \"-u\", \"admin\", \"--password\"], stdin=subprocess.PIPE)\np.communicate(input=b\"hunter2\\n\")\n",
            "import subprocess\nsubprocess.Popen([\"kinit\", \"admin\"], stdin=subprocess.PIPE).communicate(\"hunter2\")\n",
            "import subprocess\nsubprocess.check_output(\n    [\"psql\", \"-h\", \"db\", \"-U\", \"app\", \"-W\"],\n    input=\"hunter2\",\n)\n",
            "import subprocess\nsubprocess.run(\"sudo -S systemctl restart app\", shell=True, input=\"hunter2\\n\", text=True)\n",
            "import subprocess\nwith subprocess.Popen([\"sudo\", \"chpasswd\"], stdin=subprocess.PIPE) as p:\n    p.communicate(b\"admin:hunter2\")\n",
            "import subprocess\nsubprocess.run([\"chpasswd\"], input=\"admin:%s\" % \"hunter2\")\n",
            "import subprocess\nsubprocess.run([\"chpasswd\"], input=f\"admin:hunter2\")\n",
            "import subprocess\nx = \"admin:hunter2\"\nsubprocess.run([\"chpasswd\"], input=x)\n",
        ] {
            assert_eq!(user_data_problem(text), Some(FED_PASSWORD), "{text:?}");
        }
    }

    /// A fetched value fed to a password reader, and written text fed to other commands,
    /// pass.
    #[test]
    fn python_fetched_input_and_other_commands_pass() {
        for text in [
            "import subprocess, boto3\npw = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")[\"SecretString\"]\nsubprocess.run([\"chpasswd\"], input=f\"admin:{pw}\\n\", text=True)\nsubprocess.run([\"passwd\", \"--stdin\", \"admin\"], input=pw.encode())\nsubprocess.run([\"docker\", \"login\", \"-u\", \"AWS\", \"--password-stdin\", \"x.dkr.ecr\"], input=pw, text=True)\nsubprocess.Popen([\"kinit\", \"admin\"], stdin=subprocess.PIPE).communicate(pw.encode(\"utf-8\"))\nsubprocess.run([\"chpasswd\"], input=\"admin:%s\" % pw)\n",
            "import subprocess\nsubprocess.run([\"psql\", \"-d\", \"ehr\"], input=\"CREATE TABLE visits (id int);\")\nsubprocess.run([\"tee\", \"/etc/motd\"], input=\"Welcome\")\np = subprocess.Popen([\"mysql\", \"ehr\"], stdin=subprocess.PIPE)\np.communicate(b\"SELECT 1;\")\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    /// `Set-Variable`, `New-Variable` and their aliases give a variable its value as `$p =`
    /// does, in any order of their parameters, abbreviated, with a colon, positional or
    /// piped.
    #[test]
    fn powershell_set_variable_spellings_are_read() {
        for setter in [
            "Set-Variable -Name p -Value 'hunter2'",
            "New-Variable -Name p -Value 'hunter2'",
            "Set-Variable -Value \"hunter2\" -Scope Script -Name 'p'",
            "sv p hunter2",
            "SV -Na p -Va hunter2 -Force",
            "nv -Name:p -Value:hunter2",
            "set p 'hunter2'",
            "Set-Variable p (\"hunter2\")",
            "'hunter2' | Set-Variable p",
            "Set-Variable -Option ReadOnly p 'hunter2'",
        ] {
            for (use_, start) in [
                ("$p | Out-File C:\\app\\db_password.txt", SECRET_FILE),
                ("Set-Content C:\\app\\db_password.txt $p", SECRET_FILE),
                ("$env:DB_PASSWORD = $p", LITERAL_SECRET),
                (
                    "[Environment]::SetEnvironmentVariable(\"DB_PASSWORD\", $p, \"Machine\")",
                    LITERAL_SECRET,
                ),
            ] {
                let text = format!("<powershell>\n{setter}\n{use_}\n</powershell>\n");
                assert_eq!(user_data_problem(&text), Some(start), "{text:?}");
            }
        }
        for text in [
            "<powershell>\nSet-Variable -Name DbPassword -Value 'hunter2'\n</powershell>\n",
            "<powershell>\nSV DbPassword hunter2\n</powershell>\n",
        ] {
            assert_eq!(user_data_problem(text), Some(LITERAL_SECRET), "{text:?}");
        }
        for text in [
            "<powershell>\nSet-Variable -Name p -Value (Get-SECSecretValue -SecretId db).SecretString\n$p | Out-File C:\\app\\db_password.txt\n$env:DB_PASSWORD = $p\nSet-Variable -Name DbPassword -Value $p\n</powershell>\n",
            "<powershell>\nsv p (Get-SECSecretValue -SecretId db).SecretString\n$env:DB_PASSWORD = $p\n</powershell>\n",
            &format!(
                "<powershell>\n{PS_FETCH}New-Variable -Name p -Value $s -Option ReadOnly\n$env:DB_PASSWORD = \"$p\"\n</powershell>\n"
            ),
            "<powershell>\nSet-Variable -Name motd -Value 'Welcome'\n$motd | Out-File C:\\app\\motd.txt\n</powershell>\n",
            "#!/bin/bash\nset -euo pipefail\nsv restart nginx\necho \"$p\"\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    /// Written text mixed in with a fetched variable in a double-quoted here-string or
    /// string makes it written, as `f"password={s}hunter2"` is in Python; the fetched
    /// variable alone (with new lines and tabs) is not.
    #[test]
    fn powershell_text_mixed_with_a_fetched_variable_is_written() {
        for value in [
            "@\"\n$s-hunter2\n\"@",
            "@\"\nhunter2$s\n\"@",
            "@\"\n${s}hunter2\n\"@",
            "@\"\n$($s)hunter2\n\"@",
            "\"$s-hunter2\"",
            "\"hunter2$($s.Trim())\"",
        ] {
            for (use_, start) in [
                (
                    "$p = VALUE\n$p | Out-File C:\\app\\db_password.txt",
                    SECRET_FILE,
                ),
                ("$p = VALUE\n$env:DB_PASSWORD = $p", LITERAL_SECRET),
                ("$env:DB_PASSWORD = VALUE", LITERAL_SECRET),
                (
                    "Set-Content -Path C:\\app\\db_password.txt -Value VALUE",
                    SECRET_FILE,
                ),
                (
                    "$p = VALUE\n[Environment]::SetEnvironmentVariable(\"DB_PASSWORD\", $p, \"Machine\")",
                    LITERAL_SECRET,
                ),
            ] {
                let text = format!(
                    "<powershell>\n{PS_FETCH}{}\n</powershell>\n",
                    use_.replace("VALUE", value)
                );
                assert_eq!(user_data_problem(&text), Some(start), "{text:?}");
            }
        }
        for value in [
            "@\"\n$s\n\"@",
            "@\"\n  $s`r`n\n\"@",
            "@\"\n${s}\n\"@",
            "\"$s\"",
            "\"$($s.Trim())\"",
        ] {
            for use_ in [
                "$p = VALUE\n$p | Out-File C:\\app\\db_password.txt",
                "$p = VALUE\n$env:DB_PASSWORD = $p",
                "$env:DB_PASSWORD = VALUE",
                "Set-Content -Path C:\\app\\db_password.txt -Value VALUE",
            ] {
                let text = format!(
                    "<powershell>\n{PS_FETCH}{}\n</powershell>\n",
                    use_.replace("VALUE", value)
                );
                assert_eq!(user_data_problem(&text), None, "{text:?}");
            }
        }
    }
}

/// Hostile review 21: in the shell too, written text mixed in with a fetched variable in
/// the word assigned to a secret makes it written, after any character (`"$S-hunter2"`);
/// the variable alone, or followed by the escape of a new line, passes.
mod user_data_shell_text_mixed_with_a_fetched_variable {
    use super::*;

    const FETCH: &str = "S=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\n";

    #[test]
    fn is_written_and_the_variable_alone_passes() {
        for line in [
            "DB_PASSWORD=\"$S-hunter2\"",
            "export DB_PASSWORD=\"${S}_hunter2\"",
            "DB_PASSWORD=$S.hunter2",
            "DB_PASSWORD=\"$S\"'-x1'",
        ] {
            let text = format!("{FETCH}{line}\n");
            assert_eq!(user_data_problem(&text), Some(LITERAL_SECRET), "{text:?}");
        }
        for line in [
            "DB_PASSWORD=\"$S\"",
            "export DB_PASSWORD=\"${S}\" API_TOKEN=\"$S\"",
            "printf \"DB_PASSWORD=$S\\n\" >> /etc/app.env",
            "echo \"password=$S\" >> /etc/app/app.conf",
            "cat > /etc/app/app.yml <<EOF\ndb_password: \"$S\", user: app\nEOF",
        ] {
            let text = format!("{FETCH}{line}\n");
            assert_eq!(user_data_problem(&text), None, "{text:?}");
        }
    }
}

/// A PowerShell and Python boot script of 16 KiB that gives fetched values through
/// `Set-Variable`, here-strings and `subprocess` input (hostile review 21), checked in
/// const evaluation within the compiler's budget.
mod user_data_setters_and_fed_input_in_const_evaluation {
    use super::*;

    macro_rules! block {
        () => {
            "$s = (Get-SECSecretValue -SecretId arn:aws:secretsmanager:us-east-1:123456789012:secret:db).SecretString\nSet-Variable -Name p -Value $s -Scope Script\n$env:DB_PASSWORD = @\"\n$p\n\"@\nsv q (Get-SECSecretValue -SecretId db).SecretString\n\"$q\" | Set-Content -Path C:\\app\\db_password.txt\npw = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")[\"SecretString\"]\nsubprocess.run([\"chpasswd\"], input=f\"admin:{pw}\", text=True)\n"
        };
    }

    const SCRIPT: &str = concat!(
        "<powershell>\n",
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        block!(),
        block!(),
        block!(),
        block!(),
        block!(),
        "</powershell>\n"
    );
    const PROBLEM: Option<&str> = user_data_problem(SCRIPT);

    #[test]
    fn a_setter_script_of_16_kib_is_checked_in_const_evaluation() {
        assert!(
            (15_000..=16_384).contains(&SCRIPT.len()),
            "{}",
            SCRIPT.len()
        );
        assert_eq!(PROBLEM, None);
    }
}

/// Hostile review 22: false refusals of Python (`mysql -p` as a list element, blanks and
/// their escapes around a fetched value) and shell writes of a word mixing a fetched
/// variable with written text into a file named like a secret.
mod user_data_hostile_review_22 {
    use super::*;

    const PY_FETCH: &str = "import subprocess, boto3\npw = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"db\")[\"SecretString\"]\n";
    const SH_FETCH: &str = "S=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\n";

    /// `"-p"` alone as an element of a Python list makes mysql read the password, as
    /// `mysql -p` does in the shell; a value attached or joined to it is passed by flag.
    #[test]
    fn python_mysql_p_without_a_value_passes_and_with_one_is_refused() {
        for line in [
            "p = subprocess.Popen([\"mysql\", \"-u\", \"app\", \"-p\"], stdin=subprocess.PIPE)\np.communicate(input=pw.encode())",
            "subprocess.run([\"mysql\", \"-p\", \"ehr\"], input=pw, text=True)",
            "subprocess.run(['mysql','-p','ehr'], input=pw, text=True)",
            "subprocess.run([\"mysqldump\", \"-u\", \"app\", \"--password\", \"ehr\"], input=pw, text=True)",
            "subprocess.run((\"mariadb\", \"-p\"), input=pw, text=True)",
            "subprocess.run([\"mysql\", \"-p\" + pw, \"ehr\"])",
        ] {
            let text = format!("{PY_FETCH}{line}\n");
            assert_eq!(user_data_problem(&text), None, "{text:?}");
        }
        for line in [
            "subprocess.run([\"mysql\", \"-phunter2\", \"ehr\"])",
            "subprocess.run([\"mysql\", \"--password=hunter2\", \"ehr\"])",
            "subprocess.run([\"mysql\", \"-p\" \"hunter2\", \"ehr\"])",
            "subprocess.run([\"mysql\", \"-p\" + \"hunter2\", \"ehr\"])",
            "subprocess.run(['mysql', '-p''hunter2'])",
            "subprocess.run([\"sshpass\", \"-p\", \"hunter2\", \"ssh\", \"db\"])",
        ] {
            let text = format!("{PY_FETCH}{line}\n");
            assert_eq!(user_data_problem(&text), Some(COMMAND_PASSWORD), "{text:?}");
        }
        // Written text fed to the prompt is still refused.
        let text = format!(
            "{PY_FETCH}subprocess.run([\"mysql\", \"-p\", \"ehr\"], input=\"hunter2\", text=True)\n"
        );
        assert_eq!(user_data_problem(&text), Some(FED_PASSWORD), "{text:?}");
        // In the shell, `"mysql",` names no tool: the shell reading stands.
        assert_eq!(
            user_data_problem("mysql -u app -p\",hunter2\" ehr\n"),
            Some(COMMAND_PASSWORD)
        );
    }

    /// Blanks and the escapes of blanks around a fetched value, in an f-string, a `%` or
    /// `format` template or a `+` concatenation, are no written text; a letter is.
    #[test]
    fn python_blanks_around_a_fetched_value_pass_and_text_is_refused() {
        for value in [
            "f\"{pw}\\n\"",
            "f'{pw}\\r\\n'",
            "f\"\\t{pw} \\n\"",
            "\"%s\\n\" % pw",
            "\"%s\\n\" % (pw,)",
            "\"{}\\n\".format(pw)",
            "\"{0}\\n\".format(pw.strip())",
            "pw + \"\\n\"",
            "pw.strip() + '\\n'",
            "\"\\n\" + pw + \"\\n\"",
        ] {
            for use_ in [
                "open('/etc/app/db_password', 'w').write(VALUE)",
                "with open(\"/etc/app/db_password\", \"w\") as f:\n    f.write(VALUE)",
                "pathlib.Path(\"/run/secrets/token\").write_text(VALUE)",
                "print(VALUE, file=open(\"/etc/app/db_password\", \"w\"))",
            ] {
                let text = format!("{PY_FETCH}{}\n", use_.replace("VALUE", value));
                assert_eq!(user_data_problem(&text), None, "{text:?}");
            }
        }
        for value in [
            "f\"{pw}x\\n\"",
            "rf\"{pw}\\n\"",
            "\"%sx\\n\" % pw",
            "\"%s\\n\" % \"hunter2\"",
            "\"{}-hunter2\\n\".format(pw)",
            "pw + \"hunter2\"",
            "f\"{pw}\" + \"hunter2\"",
            "\"hunter2\\n\"",
            "\"%s%s\" % (pw, \"x\")",
        ] {
            for use_ in [
                "open('/etc/app/db_password', 'w').write(VALUE)",
                "print(VALUE, file=open(\"/etc/app/db_password\", \"w\"))",
            ] {
                let text = format!("{PY_FETCH}{}\n", use_.replace("VALUE", value));
                assert_eq!(user_data_problem(&text), Some(SECRET_FILE), "{text:?}");
            }
        }
    }

    /// A word that mixes a fetched variable with written text, written into a file named
    /// like a secret by `echo`, `printf`, `tee` or a here-document, is written text.
    #[test]
    fn shell_writes_of_text_mixed_with_a_fetched_variable_are_refused() {
        for line in [
            "echo \"$S-hunter2\" > /etc/app/db_password",
            "echo \"hunter2${S}\" > /etc/app/db_password",
            "echo -n \"${S}_x\" >> /etc/app/db_password",
            "echo \"$(cat /run/x)-hunter2\" > /etc/app/db_password",
            "printf \"$S-hunter2\" > /etc/app/db_password",
            "printf '%s-hunter2\\n' \"$S\" > /etc/app/db_password",
            "printf 'x%s' \"$S\" > /run/secrets/token",
            "echo \"$S-hunter2\" | sudo tee /etc/app/db_password > /dev/null",
            "printf '%shunter2' \"$S\" | tee -a /etc/app/api_key",
            "tee /etc/app/db_password <<< \"$S-hunter2\"",
            "cat > /etc/app/db_password <<EOF\n$S-hunter2\nEOF",
            "cat > /run/secrets/token <<-EOF\n\thunter2${S}\n\tEOF",
        ] {
            let text = format!("{SH_FETCH}{line}\n");
            assert_eq!(user_data_problem(&text), Some(SECRET_FILE), "{text:?}");
        }
        for line in [
            "echo \"$S\" > /etc/app/db_password",
            "echo \"$S\\n\" > /etc/app/db_password",
            "echo -n \"${S}\" > /etc/app/db_password",
            "printf '%s\\n' \"$S\" > /etc/app/db_password",
            "printf \"%s\" \"$S\" | tee /etc/app/db_password",
            "tee /etc/app/db_password <<< \"$S\"",
            "cat > /etc/app/db_password <<EOF\n$S\nEOF",
            "cat > /etc/app/db_password <<EOF\n[client]\npassword=$S\nEOF",
            "cat > /etc/app/db_password <<EOF\npassword: $S\nEOF",
            "cat > /etc/app/db_password <<EOF\npassword=$S\nEOF",
            "echo \"$S-hunter2\" > /etc/app/app.conf",
            "echo \"admin:$S\" | chpasswd",
            "echo password: \"$S\" > /etc/app/db_password",
        ] {
            let text = format!("{SH_FETCH}{line}\n");
            assert_eq!(user_data_problem(&text), None, "{text:?}");
        }
    }
}

/// Hostile review 23: words read as the shell splits them (quotes group, `\ ` escapes a
/// blank), every line of a here-document, a settings line `key=$FETCHED` alike in `printf`
/// and in a here-document, and Python's list elements followed to their values.
mod user_data_hostile_review_23 {
    use super::*;

    const SH_FETCH: &str = "S=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\n";
    const PY_FETCH: &str = "import subprocess, boto3\npw = boto3.client(\"secretsmanager\").get_secret_value(SecretId=\"x\")[\"SecretString\"]\n";

    fn refused(lines: &[&str], fetch: &str, message: &str) {
        for line in lines {
            let text = format!("{fetch}{line}\n");
            assert_eq!(user_data_problem(&text), Some(message), "{text:?}");
        }
    }

    fn passes(lines: &[&str], fetch: &str) {
        for line in lines {
            let text = format!("{fetch}{line}\n");
            assert_eq!(user_data_problem(&text), None, "{text:?}");
        }
    }

    /// A word mixing a fetched value with written text, however it is quoted, is written
    /// into a secret's file; the fetched value alone, or after a key, passes.
    #[test]
    fn quoted_words_mixing_text_into_a_secrets_file_are_refused() {
        refused(
            &[
                "echo \"$S hunter2\" > /etc/app/db_password",
                "echo \"$S\"hunter2 > /etc/app/db_password",
                "echo \"$S \"'hunter2' > /etc/app/db_password",
                "echo $S\\ hunter2 > /etc/app/db_password",
                "echo \"${S} hunter2\" > /etc/app/db_password",
                "echo \"$S\" hunter2 > /etc/app/db_password",
                "echo \"$S\"$'hunter2' > /etc/app/db_password",
                "printf '%s\\n' \"$S hunter2\" > /etc/app/db_password",
                "printf '%s\\n' \"$S\" hunter2 > /etc/app/db_password",
                "tee /etc/app/db_password <<< \"$S hunter2\"",
                "echo \"$S hunter2\" | sudo tee /etc/app/db_password",
                "X=\"$S hunter2\"\necho \"$X\" > /etc/app/db_password",
                "export X=\"$S\"hunter2\necho \"$X\" > /etc/app/db_password",
                "cat > /etc/app/db_password <<EOF\n$S hunter2\nEOF",
                "cat > /etc/app/db_password <<EOF\n$S\nhunter2\nEOF",
                "cat > /run/secrets/token <<-EOF\n\t${S}\n\thunter2\n\tEOF",
                "cat <<EOF > /etc/app/db_password\n${S} hunter2\nEOF",
                "printf \"%s %s\" \"$S\" x > /etc/app/db_password",
                "echo \"$(cat /run/s) hunter2\" > /etc/app/db_password",
                "echo \"$S\" \\\n  hunter2 > /etc/app/db_password",
                "printf '%s hunter2\\n' \"$S\" | sudo tee /etc/app/db_password > /dev/null",
            ],
            SH_FETCH,
            SECRET_FILE,
        );
        passes(
            &[
                "echo \"$S\" > /etc/app/db_password",
                "echo \"${S}\" > /etc/app/db_password",
                "echo -n \"$S\" > /etc/app/db_password",
                "echo password: \"$S\" > /etc/app/db_password",
                "printf '%s\\n' \"$S\" > /etc/app/db_password",
                "printf 'password=%s\\n' \"$S\" > /etc/app/db_password",
                "tee /etc/app/db_password <<< \"$S\"",
                "X=\"$S\"\necho \"$X\" > /etc/app/db_password",
                "cat > /etc/app/db_password <<EOF\n$S\nEOF",
                "cat > /etc/app/db_password <<EOF\n[client]\nuser=app\npassword=$S\nEOF",
                "cat > /etc/app/db_secret.json <<EOF\n{\n  \"user\": \"app\",\n  \"password\": \"$S\"\n}\nEOF",
            ],
            SH_FETCH,
        );
    }

    /// A settings line `key=$FETCHED` is a fetched value put in place in both spellings,
    /// `printf` and a here-document; text after the value, or a written value, is refused
    /// in both.
    #[test]
    fn settings_lines_read_alike_in_printf_and_here_documents() {
        passes(
            &[
                "printf 'password=%s\\n' \"$S\" > /etc/app.conf",
                "printf \"password=%s\\n\" \"$S\" > /etc/app.conf",
                "printf 'user=app\\npassword=%s\\nhost=db\\n' \"$S\" > /etc/app.conf",
                "printf 'user=%s\\npassword=%s\\n' app \"$S\" > /etc/app.conf",
                "cat > /etc/app.conf <<EOF\npassword=$S\nEOF",
                "cat > /etc/app.conf <<EOF\nhost=db\ndb_password=${S}\nuser=app\nEOF",
                "cat > /etc/app/app.yml <<EOF\ndb:\n  password: \"$S\"\n  user: app\nEOF",
                "cat > /etc/app/app.yml <<EOF\ndb_password: \"$S\", user: app\nEOF",
                "echo \"password=$S\" > /etc/app.conf",
                "echo -e \"password=$S\\nhost=db\" > /etc/app.conf",
                "echo \"DB_PASSWORD='$S'\" >> /etc/environment",
                "echo \"DB_PASSWORD=\\\"$S\\\"\" >> /etc/environment",
                "export DB_PASSWORD=\"$S\"",
                "export PGPASSWORD=\"$S\" PGUSER=app",
                "DB_PASSWORD=\"${S}\" ./run.sh --host db",
                "jq -n --arg password \"$S\" '{password:$password}' > /etc/app.json",
                "sed -i \"s/^password=.*/password=$S/\" /etc/app.conf",
                "sed -i \"s/^password=.*/password=${S}/\" /etc/app.conf",
                "sudo sed -i \"s/^db_password: .*/db_password: $S/\" /etc/app/app.yml",
                "cat > /etc/app.env <<EOF\nDB_PASSWORD=$S # fetched at boot\nEOF",
            ],
            SH_FETCH,
        );
        refused(
            &[
                "printf 'password=%s-hunter2\\n' \"$S\" > /etc/app.conf",
                "printf 'password=%s %s\\n' \"$S\" hunter2 > /etc/app.conf",
                "printf 'password=%s\\n' \"$S hunter2\" > /etc/app.conf",
                "printf 'password=%s\\n' hunter2 > /etc/app.conf",
                "printf 'user=%s\\npassword=%s\\n' \"$S\" hunter2 > /etc/app.conf",
                "cat > /etc/app.conf <<EOF\npassword=$S-hunter2\nEOF",
                "cat > /etc/app.conf <<EOF\nhost=db\ndb_password=${S}hunter2\nEOF",
                "cat > /etc/app.conf <<EOF\nhost=db\ndb_password=$S hunter2\nEOF",
                "cat > /etc/app.conf <<-EOF\n\tpassword = $S hunter2\n\tEOF",
                "cat > /etc/app/app.yml <<EOF\ndb:\n  password: $S hunter2\nEOF",
                "cat <<EOF | sudo tee /etc/app.ini\n[db]\npassword = ${S}hunter2\nEOF",
                "echo \"password=$S hunter2\" > /etc/app.conf",
                "echo \"password=$S\" hunter2 > /etc/app.conf",
                "echo \"DB_PASSWORD='$S hunter2'\" >> /etc/environment",
                "echo \"DB_PASSWORD=\\\"$S hunter2\\\"\" >> /etc/environment",
                "export DB_PASSWORD=\"$S hunter2\"",
                "export DB_PASSWORD=\"$S\"' hunter2'",
                "DB_PASSWORD=$S\\ hunter2",
                "read -r DB_PASSWORD <<< \"$S hunter2\"",
                "printf -v DB_PASSWORD '%s' \"$S hunter2\"",
                "sed -i \"s/^password=.*/password=hunter2/\" /etc/app.conf",
                "sed -i \"s/^password=.*/password=$S hunter2/\" /etc/app.conf",
                "sed -i \"s/^password=.*/password=$S-x/\" /etc/app.conf",
                "X=hunter2\nsed -i \"s/^password=.*/password=$X/\" /etc/app.conf",
                "echo \"password=$S # x\" > /etc/app.conf",
                "export DB_PASSWORD=${S}\\ hunter2",
            ],
            SH_FETCH,
            LITERAL_SECRET,
        );
    }

    /// A password flag or a password reader given a word that mixes a fetched value with
    /// written text is given written text.
    #[test]
    fn flags_and_readers_given_mixed_words_are_refused() {
        refused(
            &[
                "mysql -u app -p\"$S hunter2\" ehr",
                "mysql --password=\"$S \"'x' ehr",
            ],
            SH_FETCH,
            COMMAND_PASSWORD,
        );
        refused(
            &[
                "echo \"$S hunter2\" | docker login -u app --password-stdin registry",
                "docker login -u app --password-stdin registry <<< \"$S hunter2\"",
                "chpasswd <<< \"admin:$S x\"",
            ],
            SH_FETCH,
            FED_PASSWORD,
        );
        passes(
            &[
                "mysql -u app -p\"$S\" -h db -e 'select 1'",
                "echo \"$S\" | docker login -u app --password-stdin registry",
                "docker login -u app --password-stdin registry <<< \"$S\"",
                "echo \"admin:$S\" | chpasswd",
                "chpasswd <<< \"admin:$S\"",
                "docker run -e DB_PASSWORD=\"$S\" -e USER=app image",
            ],
            SH_FETCH,
        );
    }

    /// Python: a variable in a list element is followed to its value; a fetched one
    /// passes, a written one (or text joined to it) is refused; a triple-quoted f-string
    /// holding only a fetched value writes nothing.
    #[test]
    fn python_list_elements_are_followed_to_their_values() {
        passes(
            &[
                "subprocess.run([\"sshpass\", \"-p\", pw, \"ssh\", \"host\"])",
                "subprocess.run((\"sshpass\", \"-p\", pw.strip(), \"ssh\", \"host\"))",
                "subprocess.run([\"mysql\", \"-u\", \"app\", \"-p\" + pw])",
                "subprocess.run([\"mysql\", f\"-p{pw}\"])",
                "subprocess.run([\"sshpass\", \"-p\", f\"\"\"{pw}\"\"\", \"ssh\", \"host\"])",
                "open(\"/etc/app/db_password\", \"w\").write(f\"\"\"{pw}\"\"\")",
                "with open(\"/etc/app/db_password\", \"w\") as f:\n    f.write(f\"\"\"{pw}\"\"\")",
            ],
            PY_FETCH,
        );
        refused(
            &[
                "X = \"hunter2\"\nsubprocess.run([\"mysql\", \"-u\", \"app\", \"-p\" + X])",
                "X = \"hunter2\"\nsubprocess.run([\"sshpass\", \"-p\", X, \"ssh\", \"host\"])",
                "X = \"hunter2\"\nsubprocess.run((\"sshpass\", \"-p\", X, \"ssh\", \"host\"))",
                "X = \"hunter2\"\nsubprocess.run([\"mysql\", f\"-p{X}\"])",
                "subprocess.run([\"mysql\", \"-p\" + pw + \"x\"])",
                "subprocess.run([\"sshpass\", \"-p\", pw + \"x\", \"ssh\", \"host\"])",
                "subprocess.run([\"sshpass\", \"-p\", f\"\"\"{pw} x\"\"\", \"ssh\", \"host\"])",
            ],
            PY_FETCH,
            COMMAND_PASSWORD,
        );
        refused(
            &["open(\"/etc/app/db_password\", \"w\").write(f\"\"\"{pw}hunter2\"\"\")"],
            PY_FETCH,
            SECRET_FILE,
        );
    }

    /// Every message that covers Python or PowerShell spellings names them, and the fix.
    #[test]
    fn messages_name_the_languages_they_cover() {
        for message in [FED_PASSWORD, SECRET_FILE, COMMAND_PASSWORD, LITERAL_SECRET] {
            assert!(message.contains("in the shell"), "{message}");
            assert!(message.contains("Python"), "{message}");
            assert!(message.contains("fetch the value at boot"), "{message}");
        }
        for message in [SECRET_FILE, COMMAND_PASSWORD, LITERAL_SECRET] {
            assert!(message.contains("PowerShell"), "{message}");
        }
    }
}

/// A shell boot script of 16 KiB of the spellings hostile review 23 reads (quoted words,
/// every line of here-documents, `printf` settings lines, fetched values fed alone),
/// checked in const evaluation within the compiler's budget.
mod user_data_hostile_review_23_script_in_const_evaluation {
    use super::*;

    macro_rules! block {
        () => {
            "S=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nprintf 'user=app\\npassword=%s\\n' \"$S\" > /etc/app.conf\ncat > /etc/app/app.yml <<EOF\ndb:\n  password: \"$S\"\n  user: app\nEOF\ncat > /etc/app/db_password <<EOF\n$S\nEOF\necho \"DB_PASSWORD=\\\"$S\\\"\" >> /etc/environment\nexport PGPASSWORD=\"$S\" PGUSER=app\necho \"$S\" | docker login -u app --password-stdin registry\nX=\"$S\"\necho \"$X\" > /etc/app/db_secret\nmysql -u app -p\"$S\" -h db -e 'select 1'\n"
        };
    }

    const SCRIPT: &str = concat!(
        "#!/bin/bash\n",
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        block!()
    );
    const PROBLEM: Option<&str> = user_data_problem(SCRIPT);

    #[test]
    fn a_shell_script_of_16_kib_is_checked_in_const_evaluation() {
        assert!(
            (15_000..=16_384).contains(&SCRIPT.len()),
            "{}",
            SCRIPT.len()
        );
        assert_eq!(PROBLEM, None);
    }
}

/// Hostile review 24: operators inside the quotes of a text command (`sed "s|a|$S|"`, `echo
/// "a;b"`, `printf '%s|%s'`, `grep -q "x && y"`) end no command, but real ones hidden by a
/// quote opened on an earlier line, by a substitution or by `ssh`'s remote command still do;
/// `printf` conversions read by what they print; a key then a blank then a fetched value
/// alone (`requirepass $S`) is a fetched value put in place, text after it is written.
mod user_data_hostile_review_24 {
    use super::*;

    const SH_FETCH: &str = "S=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\n";

    fn refused(lines: &[&str], message: &str) {
        for line in lines {
            let text = format!("{SH_FETCH}{line}\n");
            assert_eq!(user_data_problem(&text), Some(message), "{text:?}");
        }
    }

    fn passes(lines: &[&str]) {
        for line in lines {
            let text = format!("{SH_FETCH}{line}\n");
            assert_eq!(user_data_problem(&text), None, "{text:?}");
        }
    }

    /// Operators inside the quotes of `sed`, `echo`, `printf`, `grep` and `logger` are text:
    /// the command around them is read whole, and its fetched values pass.
    #[test]
    fn operators_inside_the_quotes_of_text_commands_end_no_command() {
        passes(&[
            "sed -i \"s|^password=.*|password=$S|\" /etc/app.conf",
            "sed -i \"s|^password=.*|password=${S}|\" /etc/app.conf",
            "sed -i 's|^password=.*|password='\"$S\"'|' /etc/app.conf",
            "sudo sed -i \"s|^password=.*|password=$S|\" /etc/app.conf && systemctl restart app",
            "sed -i \"s#^password=.*#password=$S#\" /etc/app.conf",
            "if grep -q \"a|b\" /etc/x; then sed -i \"s|^password=.*|password=$S|\" /etc/app.conf; fi",
            "echo \"a;b\" && echo \"password=$S\" > /etc/app.conf",
            "echo \"step 1; step 2\" && printf 'password=%s\\n' \"$S\" > /etc/app.conf",
            "printf '%s|%s\\n' a b > /tmp/x && printf 'password=%s\\n' \"$S\" > /etc/app.conf",
            "grep -q \"x && y\" /etc/hosts || echo \"password=$S\" > /etc/app.conf",
            "grep -q '^password=' /etc/app.conf || echo \"password=$S\" >> /etc/app.conf",
            "grep -q \"^password=\" /etc/app.conf || printf 'password=%s\\n' \"$S\" >> /etc/app.conf",
            "if true; then printf 'password=%s\\n' \"$S\" > /etc/app.conf; fi",
            "logger \"boot: a|b; c && d\" && echo \"password=$S\" > /etc/app.conf",
            "echo 'a|b' | tee /tmp/x; mysql -u app -p\"$S\" -e 'select 1|2'",
        ]);
    }

    /// Operators the shell does run stay operators: after a quote closed, inside a
    /// substitution, in the quoted script of `sh -c` or `ssh HOST`, in the quotes of a
    /// command that is not a text command, on a line that names a shell, in what `echo` or
    /// `printf` write into a file or a pipe, and on a line that may start inside a quote
    /// opened earlier.
    /// A quote of another command than a text command (`sh -c "x; echo 'a"`) is read to its
    /// close: its operators end no command after it, so a text command's quote inside it
    /// hides no operator of the line; a quote left open up to three lines before is seen.
    #[test]
    fn a_quote_of_another_command_hides_no_operator_after_it() {
        refused(
            &[
                "sh -c \"x; echo 'a\" ; echo root:hunter2 | chpasswd",
                "bash -c 'x; echo \"a' ; echo root:hunter2 | chpasswd",
                "X=\"a\n1\n2\necho 'b\" ; echo root:hunter2 | chpasswd # '",
                "X='a\n1\necho \"b' ; echo hunter2 | passwd --stdin root # \"",
            ],
            FED_PASSWORD,
        );
        passes(&[
            "# Don't edit: it's generated\nsed -i \"s|^password=.*|password=$S|\" /etc/app.conf",
            "sh -c 'systemctl restart app'; sed -i \"s|^password=.*|password=$S|\" /etc/app.conf",
        ]);
    }

    #[test]
    fn operators_the_shell_runs_still_end_commands() {
        refused(
            &[
                "echo \"echo hunter2 | passwd --stdin root\" | sh",
                "sh -c \"echo hunter2 | passwd --stdin root\"",
                "ssh host \"echo hunter2 | passwd --stdin root\"",
                "ssh -p 22 admin@host 'echo hunter2 | passwd --stdin root'",
                "su -c \"echo hunter2 | passwd --stdin root\"",
                "echo \"$(echo hunter2 | passwd --stdin root)\"",
                "echo \"x|\" | passwd --stdin root",
                "grep -q \"x\" /etc/hosts && echo 'admin:hunter2' | chpasswd",
                "echo \"a|b\"; echo 'admin:hunter2' | chpasswd",
                "printf '%s|%s\\n' admin hunter2 | chpasswd",
                "sed -n \"p\" f; echo hunter2 | passwd --stdin root",
                "X=\"\necho \"; echo hunter2 | passwd --stdin root; echo \"\n\"",
                "X=\"\na \"b\" c\necho \"; echo hunter2 | passwd --stdin root; echo \"\n\"",
                // What `echo` and `printf` print into a file or a pipe may be a script.
                "echo \"echo hunter2 | passwd --stdin root\" > /etc/rc.local",
                "echo \"echo hunter2 | passwd --stdin root\" | tee -a /etc/rc.local",
                "printf '%s\\n' \"echo hunter2 | passwd --stdin root\" >> /etc/cron.d/reset",
                "echo \"echo hunter2 | passwd --stdin root\" | su -",
                "echo \"echo hunter2 | passwd --stdin root\" | sudo -i",
            ],
            FED_PASSWORD,
        );
        refused(
            &[
                "X=$(echo a; DB_PASSWORD=hunter2)",
                "true && DB_PASSWORD=hunter2",
                "echo a#b; DB_PASSWORD=hunter2",
                "echo \"a;b\"; DB_PASSWORD=hunter2",
                "sed -i \"s|^password=.*|password=hunter2|\" /etc/app.conf",
                "sed -i \"s|^password=.*|password=$S-x|\" /etc/app.conf",
                "sed -i 's|^password=.*|password='\"$S\"'x|' /etc/app.conf",
                "grep -q \"^password=\" /etc/app.conf || echo \"password=hunter2\" >> /etc/app.conf",
                "echo \"password=\" hunter2 > /etc/app.conf",
                "DB_PASSWORD=\" hunter2\"",
                "if true; then printf 'password=%s\\n' hunter2 > /etc/app.conf; fi",
                "if true; then sed -i \"s|^password=.*|password=hunter2|\" /etc/app.conf; fi",
            ],
            LITERAL_SECRET,
        );
        refused(
            &[
                "echo \"a|b\" | mysql -u app -phunter2",
                "sed \"s|x|y|\" f | mysql -u app -phunter2",
            ],
            COMMAND_PASSWORD,
        );
    }

    /// `%s`, `%b` and `%q` (quoted for the shell) put a fetched value in place, with a
    /// width too; a precision cuts it and the numeric and character conversions print
    /// something else: written by the format, as `%%` is.
    #[test]
    fn printf_conversions_read_by_what_they_print() {
        passes(&[
            "printf 'password=%s\\n' \"$S\" > /etc/app.conf",
            "printf 'password=%b\\n' \"$S\" > /etc/app.conf",
            "printf 'password=%q\\n' \"$S\" > /etc/app.conf",
            "printf 'password=%5s\\n' \"$S\" > /etc/app.conf",
            "printf 'password=%-10s\\n' \"$S\" > /etc/app.conf",
            "printf 'x=100%%\\npassword=%s\\n' \"$S\" > /etc/app.conf",
        ]);
        refused(
            &[
                "printf 'password=%.3s\\n' \"$S\" > /etc/app.conf",
                "printf 'password=%d\\n' \"$S\" > /etc/app.conf",
                "printf 'password=%i\\n' \"$S\" > /etc/app.conf",
                "printf 'password=%u\\n' \"$S\" > /etc/app.conf",
                "printf 'password=%x\\n' \"$S\" > /etc/app.conf",
                "printf 'password=%c\\n' \"$S\" > /etc/app.conf",
                "printf 'password=%s%%\\n' \"$S\" > /etc/app.conf",
                "printf 'password=%%s\\n' \"$S\" > /etc/app.conf",
                "printf 'password=%q\\n' hunter2 > /etc/app.conf",
            ],
            LITERAL_SECRET,
        );
    }

    /// A key, a blank, then a fetched value alone is a setting put in place, in
    /// `redis.conf`, keepalived's and LDAP's files and a secret's file, in a here-document
    /// and in `echo … >> FILE`; written text, or text after the value, is refused.
    #[test]
    fn blank_separated_settings_pass_a_fetched_value_alone() {
        passes(&[
            "cat > /etc/redis.conf <<EOF\nrequirepass $S\nEOF",
            "cat > /etc/redis.conf <<EOF\nrequirepass \"$S\"\nEOF",
            "cat > /etc/redis.conf <<EOF\nmasterauth \"$S\"\nEOF",
            "echo \"requirepass $S\" >> /etc/redis/redis.conf",
            "echo \"requirepass ${S}\" >> /etc/redis/redis.conf",
            "echo \"masterauth \\\"$S\\\"\" >> /etc/redis/redis.conf",
            "echo \"requirepass $S\" | sudo tee -a /etc/redis/redis.conf",
            "echo \"requirepass $S # from secrets manager\" >> /etc/redis/redis.conf",
            "printf 'requirepass %s\\n' \"$S\" >> /etc/redis/redis.conf",
            "echo \"bindpw $S\" >> /etc/nslcd.conf",
            "cat > /etc/keepalived/keepalived.conf <<EOF\nvrrp_instance VI_1 {\n  authentication {\n    auth_type PASS\n    auth_pass $S\n  }\n}\nEOF",
            "echo \"password $S\" > /etc/app/db_password",
            "cat > /etc/app/db_password <<EOF\npassword $S\nEOF",
        ]);
        refused(
            &[
                "echo \"requirepass hunter2\" >> /etc/redis/redis.conf",
                "echo \"requirepass $S-x\" >> /etc/redis/redis.conf",
                "echo \"requirepass $S x\" >> /etc/redis/redis.conf",
                "cat > /etc/redis.conf <<EOF\nrequirepass hunter2\nEOF",
                "cat > /etc/redis.conf <<EOF\nrequirepass $S-x\nEOF",
                "cat > /etc/redis.conf <<EOF\nrequirepass \"$S x\"\nEOF",
                "cat > /etc/redis.conf <<EOF\nmasterauth ${S}x\nEOF",
                "printf 'requirepass %s\\n' hunter2 >> /etc/redis/redis.conf",
                "printf 'requirepass %s-x\\n' \"$S\" >> /etc/redis/redis.conf",
                "echo \"bindpw $S x\" >> /etc/nslcd.conf",
                "cat > /etc/keepalived/keepalived.conf <<EOF\n    auth_pass ${S}x\nEOF",
                "echo \"machine db login app password $S-x\" > ~/.netrc",
            ],
            "user data may not write a password, secret, token or key after its name (`login admin password …` in a `.netrc`, `aws configure set aws_secret_access_key …`, `user NAME password …` for msmtp or fetchmail, `requirepass …` or an ACL's `>…` for Redis, `auth_pass …` for keepalived, `bindpw …` or `rootpw …` for LDAP, `PASSWORD '…'` or `IDENTIFIED BY '…'` in SQL): it is readable by anyone who may describe the instance (HIPAA 45 CFR §164.312(a)(2)(iv) and §164.312(d), hipaa-stack rule P1); give the instance a role, or fetch the value at boot from Secrets Manager, by ARN, into a variable",
        );
        refused(
            &[
                "echo \"hunter2 $S\" > /etc/app/db_password",
                "cat > /etc/app/db_password <<EOF\nhunter2 $S\nEOF",
                "cat > /etc/app/db_password <<EOF\npassword $S x\nEOF",
                "echo \"password $S\" x > /etc/app/db_password",
                "echo \"password hunter2 $S\" > /etc/app/db_password",
            ],
            SECRET_FILE,
        );
    }
}

/// A shell boot script of 16 KiB whose commands hold operators inside quotes (`sed
/// "s|…|$S|"`, `logger "a; b && c"`, `grep -q "x && y"`, `printf '%s|%s'`) and blank-separated
/// settings, checked in const evaluation within the compiler's budget (hostile review 24).
mod user_data_hostile_review_24_script_in_const_evaluation {
    use super::*;

    macro_rules! block {
        () => {
            "S=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nsed -i \"s|^password=.*|password=$S|\" /etc/app.conf\nlogger \"boot: step 1; step 2 && done\"\ngrep -q \"x && y\" /etc/hosts || echo \"password=$S\" > /etc/app.conf\nprintf '%s|%s\\n' a b > /tmp/x\necho \"requirepass $S\" | sudo tee -a /etc/redis/redis.conf\ncat > /etc/redis.conf <<EOF\nmasterauth \"$S\"\nEOF\necho \"password $S\" > /etc/app/db_password\n"
        };
    }

    const SCRIPT: &str = concat!(
        "#!/bin/bash\n",
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        block!(),
        block!(),
        block!(),
        block!()
    );
    const PROBLEM: Option<&str> = user_data_problem(SCRIPT);

    #[test]
    fn a_shell_script_of_16_kib_is_checked_in_const_evaluation() {
        assert!(
            (15_000..=16_384).contains(&SCRIPT.len()),
            "{}",
            SCRIPT.len()
        );
        assert_eq!(PROBLEM, None);
    }
}

/// A line the shell starts inside a quote opened more than three lines before is read from
/// its start by the checks that end commands, which then read the operators after a quote
/// closed there as text (`X="a`, four lines, `echo 'b" ; echo root:hunter2 | chpasswd # '`:
/// the shell runs `chpasswd`). The script is read once as the shell reads it, and such a
/// line with an operator read as text is refused (hostile review 25).
mod user_data_quotes_across_lines {
    use super::*;

    const QUOTE_ACROSS_LINES: &str = "user data may not hold `;`, `|` or `&` that the check reads as quoted text on a line the shell starts inside a quote opened more than three lines before";
    const LINES: &str = "1\n2\n3\n4\n";

    fn refused(texts: &[String]) {
        for text in texts {
            let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
            assert!(rule.starts_with(QUOTE_ACROSS_LINES), "{text:?}: {rule}");
            assert!(
                rule.contains("§164.312(d)") && rule.contains("rule P1"),
                "{rule}"
            );
        }
    }

    fn passes(texts: &[String]) {
        for text in texts {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_quote_opened_lines_before_hides_no_operator() {
        refused(&[
            // Double, single and ANSI-C quotes closed on the line by a text command's quote.
            format!("X=\"a\n{LINES}echo 'b\" ; echo root:hunter2 | chpasswd # '\n"),
            format!("X='a\n{LINES}echo \"b' ; echo root:hunter2 | chpasswd # \"\n"),
            format!("X=$'a\n{LINES}echo \"b' ; echo root:hunter2 | chpasswd # \"\n"),
            format!("X=\"a\n{LINES}sed -n 'p\" ; echo hunter2 | passwd --stdin root # '\n"),
            format!("X=\"a\n{LINES}logger '\" && echo admin:hunter2 | chpasswd # '\n"),
            // `$'…'` escapes its quote with a backslash; after `$$` (the process id) the
            // quote is a plain one, and `'\\'` closes it.
            format!("X=$'a\\'\n{LINES}echo \"b' ; echo root:hunter2 | chpasswd # \"\n"),
            format!("X=$$'\\'\nY='a\n{LINES}echo \"b' ; echo root:hunter2 | chpasswd # \"\n"),
            format!("X=\\$'\\'\nY='a\n{LINES}echo \"b' ; echo root:hunter2 | chpasswd # \"\n"),
            // Opened before a line continuation.
            format!("X=\"a \\\nb\n{LINES}echo 'b\" ; echo root:hunter2 | chpasswd # '\n"),
            // A script of its own: a here-document read by bash, a quote of `sh -c`.
            format!(
                "bash <<'EOF'\nX=\"a\n{LINES}echo 'b\" ; echo root:hunter2 | chpasswd # '\nEOF\n"
            ),
            format!(
                "sh -c \"\nX='a\n{LINES}echo \\\"b' ; echo root:hunter2 | chpasswd # \\\"\n\"\n"
            ),
            // After a here-document, the state before it goes on.
            format!(
                "X=\"$(cat <<EOF\nbody\nEOF\n)\n{LINES}echo 'b\" ; echo root:hunter2 | chpasswd # '\n"
            ),
            // An expanded body turns `\\\\` into `\\`, which escapes the quote after it.
            format!(
                "bash <<EOF\necho \\\\\"\nX=\"a\n{LINES}echo 'b\" ; echo root:hunter2 | chpasswd # '\nEOF\n"
            ),
            // A shift is no here-document (`((a<<b))`, `$((1<<b))`): the lines after it are
            // the script's, and a comment after `)` holds no quote.
            format!("((a<<b))\nX=\"x\nb\n{LINES}echo 'q\" ; echo root:hunter2 | chpasswd # '\n"),
            format!("Y=$((1<<b))\nX=\"x\nb\n{LINES}echo 'q\" ; echo root:hunter2 | chpasswd # '\n"),
            format!("(true)#\"\nX=\"a\n{LINES}echo 'b\" ; echo root:hunter2 | chpasswd # '\n"),
            // A delimiter that starts with a digit.
            format!("bash <<9\nX=\"a\n{LINES}echo 'b\" ; echo root:hunter2 | chpasswd # '\n9\n"),
            // A delimiter the check cannot follow: every line after it is read.
            format!(
                "bash <<\"E\nOF\"\nX=\"a\n{LINES}echo 'b\" ; echo root:hunter2 | chpasswd # '\n"
            ),
            format!(
                "bash <<E\\\nOF\nX=\"a\n{LINES}echo 'b\" ; echo root:hunter2 | chpasswd # '\nEOF\n"
            ),
        ]);
    }

    /// A hostile reviewer's scripts (hostile review 25), each run by bash: a `#` after
    /// `$(…)`, arithmetic or process substitution is no comment, backquotes end at the first
    /// backquote not escaped whatever they hold, a `case` pattern's `)` ends no
    /// substitution, `$[…]` and a shift in a subscript open no here-document, a delimiter
    /// ends with its carriage return, an expanded body (`bash <<EOF`) turns `\\`` into a
    /// backquote and joins a line ended by `\\`, a here-document inside a body; and the
    /// quoted script of `bash -c '…'` whose own quote spans the lines. A second reviewer's:
    /// the script that `sh -c "…"` holds, with its own quotes, comments and here-documents
    /// (every line inside a quote is checked), a quoted `c''ase`, a `case` after a line
    /// continuation or `elif`, `a=(…)#`, `@(…)#`, a body that starts after a substitution
    /// opened on its line, a here-document inside `$(…)` within arithmetic, `\\$$'…'`, a `#`
    /// inside `((…))`, an alias.
    #[test]
    fn the_shell_s_own_reading_of_quotes_is_followed() {
        refused(&[
            // A group opened after `<<` does not put the body off, as `$(…)` does.
            format!(
                "bash <<EOF; ( true\n\"\nEOF\n)\nX=\"a\n{LINES}echo 'b\" ; echo root:hunter2 | chpasswd # '\n"
            ),
            // m1_escaped_20
            "X=a\\ #\"\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // m3_escaped_lt_heredoc
            "cat \\<<<EOF\n\"\nEOF\nX=\"\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // m4_escaped_case_3b
            "X=\"$(true x\\;case a in a)\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // a1_inner_reset_comsub
            "sh -c \"X=\\\"a $(echo \"b\")\n1\n2\n3\n4\necho 'b\\\" ; echo root:hunter2 | chpasswd # '\n\"\n".to_string(),
            // a11_sq_in_brace
            "sh -c \"X=\\\"a ${y:-'b'}\n1\n2\n3\n4\necho 'b\\\" ; echo root:hunter2 | chpasswd # '\n\"\n".to_string(),
            // a4b_sq_idiom
            "bash -c 'X=\"a'\\''\n1\n2\n3\n4\necho \"b ; echo root:hunter2 | chpasswd # \"\n'\n".to_string(),
            // a5b_inner_comment_apostrophe
            "sh -c \"# it's done\nY='b\n1\n2\n3\n4\necho \\\"b' ; echo root:hunter2 | chpasswd # \\\"\n\"\n".to_string(),
            // a6_inner_sq_backslash
            "sh -c \"X='a\\' Y='b\n1\n2\n3\n4\necho \\\"b' ; echo root:hunter2 | chpasswd # \\\"\n\"\n".to_string(),
            // a7_dq_close_reopen
            "sh -c \"X=\\\"a\"\"\n1\n2\n3\n4\necho 'b\\\" ; echo root:hunter2 | chpasswd # '\n\"\n".to_string(),
            // a10_inner_heredoc_body
            "sh -c \"cat <<EOF\nit's\nEOF\nY='b\n1\n2\n3\n4\necho \\\"b' ; echo root:hunter2 | chpasswd # \\\"\n\"\n".to_string(),
            // a8_extglob_hash
            "shopt -s extglob\necho @(a)#\"\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // h_array
            "a=(1 2)#\"\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // b2_quoted_case
            "X=\"$(c''ase a)\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // b4_case_after_cont
            "X=\"$(true;\\\ncase a in a) echo \"\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\n;; esac)\"\n".to_string(),
            // b5_case_after_elif
            "X=\"$(if false; then :; elif case a in a) echo \"\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\n;; esac; then :; fi)\"\n".to_string(),
            // e1_heredoc_then_bq
            "cat <<'EOF'; X=`true\nY=\\\\\\\"\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\nEOF\n`\nhello\nEOF\n".to_string(),
            // e3_heredoc_then_comsub
            "cat <<EOF; X=$(true\nY=\\\\\"\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\nEOF\n)\nhello\nEOF\n".to_string(),
            // k1_heredoc_in_arith
            "echo $(( $(cat <<EOF\n1\"\nEOF\n) )); X=\"\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // g1_escaped_dollar_ansic
            "X=\\$$'a\\'\n1\n2\n3\n4\necho \"b' ; echo root:hunter2 | chpasswd # \"\n".to_string(),
            // g2_arith_comment
            "(( x = 1 #\"\n1\n2\n3\n4\necho 'b\" )); echo root:hunter2 | chpasswd # '\n".to_string(),
            // g3_alias
            "shopt -s expand_aliases\nalias q='X=\"'\nq\n1\n2\n3\n4\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // c1_comment_after_comsub.sh
            "X=$(true)#\"\na\nb\nc\nd\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // c2_comment_in_backquote.sh
            "X=`echo a #` ; echo \"x\na\nb\nc\nd\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // c3_sq_in_backquote.sh
            "X=`echo '` ; echo \"x\na\nb\nc\nd\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // c4_heredoc_in_backquote.sh
            "X=`cat <<EOF\na`; echo \"x\nEOF\nb\nc\nd\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // c5_sq_in_backquote_flip.sh
            "X=`echo '` ; Y='\na\nb\nc\nd\necho \"b' ; echo root:hunter2 | chpasswd # \"\n".to_string(),
            // c6_comment_after_procsubst.sh
            "cat <(true)#\"\na\nb\nc\nd\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // c7_comment_after_arith.sh
            "X=$((1))#\"\na\nb\nc\nd\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // c9_case_in_comsub.sh
            "X=\"$(case a in a) echo \"\na\nb\nc\nd\necho 'b\" ; echo root:hunter2 | chpasswd # '\n;; esac)\"\n".to_string(),
            // c10_old_arith.sh
            "X=$[1<<2]\nY=\\\\\"\na\nb\nc\nd\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // c11_heredoc_backquote.sh
            "bash <<EOF\nX=\\`echo \"\\` \"\na\nb\nc\nd\necho 'b\" ; echo root:hunter2 | chpasswd # '\nEOF\n".to_string(),
            // c12_crlf_heredoc.sh
            "cat <<EOF\r\nhi\r\nEOF\r\nY=\\\\\"\r\na\r\nb\r\nc\r\nd\r\necho 'b\" ; echo root:hunter2 | chpasswd # '\r\n".to_string(),
            // c13_subscript_shift.sh
            "a[1<<2]=3\nY=\\\\\"\na\nb\nc\nd\necho 'b\" ; echo root:hunter2 | chpasswd # '\n".to_string(),
            // c15_continued_delimiter.sh
            "bash <<EOF\necho a \\\nEOF\nY=\\\\\" Z=\"\na\nb\nc\nd\necho 'b\" ; echo root:hunter2 | chpasswd # '\nEOF\n".to_string(),
            // c16_nested_heredoc.sh
            "bash <<'EOF'\ncat <<'X'\nit's\nX\nY='\na\nb\nc\nd\necho \"b' ; echo root:hunter2 | chpasswd # \"\nEOF\n".to_string(),
            // n1.sh
            "bash -c '\nX=\"a\n1\n2\n3\n4\necho \" ; echo root:hunter2 | chpasswd ; \"\n\"\n'\n".to_string(),
            // d3.sh
            "#!/bin/bash\nX=$$'\\'\nY='a\n1\n2\n3\n4\necho \"b' ; echo root:hunter2 | chpasswd # \"\n".to_string(),
        ]);
    }

    /// Ordinary boot scripts with quotes spanning lines: `su -c "…"` and `bash -c '…'` over
    /// many lines whose own quotes close on their lines, long messages, JSON, here-documents
    /// of prose with apostrophes, cloud-config (hostile review 25: false refusals).
    #[test]
    fn scripts_inside_long_quotes_pass() {
        passes(&[
            // f12_msg.sh
            "#!/bin/bash\nMSG=\"Provisioned\nby user data\non first boot\nat startup\nfor the app\"; echo 'logged; done'\n".to_string(),
            // f1_long_msg.sh
            "#!/bin/bash\nMSG=\"Welcome\nThis host is managed.\nContact ops.\nThanks\n\"; echo \"setup: starting; please wait\"\nyum install -y httpd\n".to_string(),
            // f2_motd_apostrophe_in_body.sh
            "#!/bin/bash\ncat > /opt/app/notes.txt <<'EOF'\nDon't edit this file by hand.\necho \"run: a; b\"\nEOF\nsystemctl enable httpd\n".to_string(),
            // f2b_readme_in_body.sh
            "#!/bin/bash\ncat > /opt/app/README <<'EOF'\nThis box's app lives in /opt/app.\nRestart it:\n  sudo systemctl restart app\nCheck it:\n  echo \"status; see journalctl -u app\"\nEOF\nsystemctl enable app\n".to_string(),
            // f3_backquote_comment.sh
            "#!/bin/bash\nHOST=`hostname # it's the name`\necho \"host is $HOST; ok\"\n".to_string(),
            // f4_multiline_json.sh
            "#!/bin/bash\naws ec2 create-tags --resources i-1 --tags '[\n  {\"Key\": \"a\", \"Value\": \"b\"},\n  {\"Key\": \"c\", \"Value\": \"d\"},\n  {\"Key\": \"e\", \"Value\": \"f\"}\n]' && echo \"tagged; done\"\n".to_string(),
            // f5_heredoc_prose.sh
            "#!/bin/bash\ncat > /etc/motd <<EOF\nWelcome to $(hostname). Don't store data here.\nEOF\necho \"motd; written\"\n".to_string(),
            // f6_sq_then_dq_on_closing_line.sh
            "#!/bin/bash\npython3 -c '\nimport sys\nprint(1)\nprint(2)\n' ; echo \"python; ok\" | logger\n".to_string(),
            // f7_comsub_case.sh
            "#!/bin/bash\nARCH=$(case \"$(uname -m)\" in x86_64) echo amd64;; aarch64) echo arm64;; esac)\necho \"arch $ARCH; ok\"\n".to_string(),
            // f9_comment_apostrophe_then_far.sh
            "#!/bin/bash\nX=$(hostname)#it's\nyum install -y httpd\nsystemctl enable httpd\nsystemctl start httpd\necho \"web; ready\"\n".to_string(),
        ]);
    }

    /// Every line inside a quote is checked, the text of the quote being perhaps a script of
    /// its own: a long `su -c "…"` or `bash -c '…'` holding a text command's quoted
    /// operator, a long string of that, and the lines of an expanded body after a value is
    /// spliced in are refused with the message that says how to write them (a here-document
    /// with a quoted delimiter, or the quote closed within three lines; hostile review 25).
    #[test]
    fn lines_inside_long_quotes_are_checked() {
        refused(&[
            // fr1_su_sed
            "#!/bin/bash\nsu - app -c \"\n  set -e\n  cd /opt/app\n  git pull --ff-only\n  npm ci --omit=dev\n  sed -i 's/^debug=.*/debug=false/; s/^port=.*/port=8080/' config.ini\n  npm run build\n\"\n".to_string(),
            // fr2_bashc_grep
            "#!/bin/bash\nsudo -u ec2-user bash -c '\n  set -e\n  cd ~\n  mkdir -p logs\n  touch logs/app.log\n  grep -qE \"ready|started\" logs/app.log || echo \"app not ready; retrying\"\n'\n".to_string(),
            // f10_su_multiline
            "#!/bin/bash\nsu - ec2-user -c \"\ncd /opt/app\n./autogen.sh\n./configure\nmake\necho 'build: ok; installing'\nmake install\n\"\n".to_string(),
            // f11_bash_c_sq
            "#!/bin/bash\nsudo -u app bash -c '\nset -e\ncd /opt/app\nnpm ci\nnpm run build\necho \"deps installed; starting\"\n'\n".to_string(),
            // a5_sed_in_long_quote
            "A=\"x\"\nB=\"y\n1\n2\n3\n4\n5\nsed -i 's|a|b|' f\"\necho done\n".to_string(),
            // fr1_su_comment_apostrophe
            "#!/bin/bash\nsu - app -c \"\n  set -e\n  cd /opt/app\n  # install the app's dependencies\n  npm ci --omit=dev\n  npm run build\n  npm run migrate\n  npm run seed\n  grep -q 'ready|started' logs/app.log || echo 'not ready yet'\n\"\n".to_string(),
            // fr2_expanded_body_script
            "#!/bin/bash\nREGION=$(curl -s http://169.254.169.254/latest/meta-data/placement/region)\ncat > /usr/local/bin/start-app.sh <<EOF\n#!/bin/bash\nexport AWS_REGION=$REGION\necho \"starting app; region \\$AWS_REGION\"\nexec /opt/app/bin/app\nEOF\nchmod +x /usr/local/bin/start-app.sh\n".to_string(),
        ]);
        // Written as the message says, they pass.
        passes(&[
            "#!/bin/bash\nsu - ec2-user <<'EOF'\ncd /opt/app\n./autogen.sh\n./configure\nmake\necho 'build: ok; installing'\nmake install\nEOF\n".to_string(),
            "#!/bin/bash\ncat > /usr/local/bin/start-app.sh <<'EOF'\n#!/bin/bash\nexport AWS_REGION=$(cat /etc/app/region)\necho \"starting app; region $AWS_REGION\"\nexec /opt/app/bin/app\nEOF\n".to_string(),
        ]);
    }

    /// Cloud-config and MIME parts are no one script: a text command's quoted operator in
    /// them is refused with a message of its own, and the rest passes (hostile review 25).
    #[test]
    fn quoted_operators_in_cloud_config_are_refused() {
        for text in [
            "#cloud-config\nwrite_files:\n  - path: /etc/motd\n    content: It's a PHI host\nruncmd:\n  - |\n    X='a\n    1\n    2\n    3\n    4\n    echo \"b' ; echo root:hunter2 | chpasswd # \"\n".to_string(),
            "#cloud-config\nruncmd:\n  - |\n    sed -i \"s|a|b|\" /etc/x\n".to_string(),
            "Content-Type: multipart/mixed; boundary=\"b\"\nMIME-Version: 1.0\n\n--b\nContent-Type: text/x-shellscript\n\n#!/bin/bash\necho 'a; b'\n--b--\n".to_string(),
        ] {
            let rule = user_data_problem(&text).unwrap_or_else(|| panic!("passed: {text:?}"));
            assert!(
                rule.starts_with("user data in cloud-config or MIME parts may not hold"),
                "{text:?}: {rule}"
            );
        }
        passes(&[
            "#cloud-config\nruncmd:\n  - |\n    sed -i \"s#a#b#\" /etc/x\n    systemctl restart app\n".to_string(),
            "#cloud-config\nwrite_files:\n  - path: /etc/motd\n    content: It's a PHI host\n".to_string(),
        ]);
    }

    /// A script that redefines a text command (a function, an alias, `enable -n`, `hash
    /// -p`, a file of that name it makes) is refused: its quotes could then run (hostile
    /// review 25); running one by its path, or installing the package, passes.
    #[test]
    fn a_redefined_text_command_is_refused() {
        for text in [
            // r3_eval_fn
            "eval 'ech''o() { eval \"$*\"; }'\necho 'printf root:hunter2 | chpasswd'\n",
            // r4_escaped_name
            "mkdir -p /opt/x/pd; cp /bin/bash /opt/x/pd/s\\ed\nPATH=/opt/x/pd:$PATH\nsed -c 'echo root:hunter2 | chpasswd'\n",
            // s5_sed_e
            "sed -n '1e echo root:hunter2 | chpasswd' /etc/hostname\n",
            // s6_bash_aliases
            "shopt -s expand_aliases\nBASH_ALIASES[echo]=eval\necho 'printf root:hunter2 | chpasswd'\n",
            // s7_bash_cmds
            "BASH_CMDS[sed]=/bin/bash\nsed -c 'echo root:hunter2 | chpasswd'\n",
            // s9_quoted_path
            "mkdir -p /opt/x/pb; cp /bin/bash \"/opt/x/pb/\"sed\nPATH=/opt/x/pb:$PATH\nsed -c 'echo root:hunter2 | chpasswd'\n",
            "echo() { unset -f echo; eval \"$*\"; }\necho 'echo root:hunter2 | chpasswd'\n",
            "mkdir -p /opt/x/tbin && ln -sf /bin/bash /opt/x/tbin/logger\nPATH=/opt/x/tbin:$PATH\nlogger -c 'echo root:hunter2 | chpasswd'\n",
            "alias echo=eval\necho 'echo root:hunter2 | chpasswd'\n",
            "function logger { eval \"$2\"; }\nlogger -c 'echo root:hunter2 | chpasswd'\n",
            "enable -n echo\necho 'echo root:hunter2 | chpasswd'\n",
            "hash -p /bin/sh sed\nsed 'echo root:hunter2 | chpasswd'\n",
            "cp /bin/sh /usr/local/bin/sed\nsed -c 'echo root:hunter2 | chpasswd'\n",
            "cp /bin/sh sed\nPATH=.:$PATH sed -c 'echo root:hunter2 | chpasswd'\n",
            "printf '#!/bin/sh\\neval \"$1\"' > logger\nchmod +x logger\n",
        ] {
            let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
            assert!(
                rule.starts_with("user data may not redefine `echo`"),
                "{text:?}: {rule}"
            );
        }
        passes(&[
            "/usr/bin/sed -i 's|a|b|' /etc/x\nsudo /usr/bin/logger 'boot; done'\n".to_string(),
            "dnf install -y sed grep\nlogger -t boot 'a|b'\n".to_string(),
        ]);
    }

    /// A line continued by `\` then `| bash` runs what `echo` printed, `\` before a
    /// carriage return continues no line, a quote or a `case` inside `"$(…)"` ends no
    /// substitution, and what a process substitution prints may be run (`. <(echo …)`,
    /// `bash <(echo …)`): each refused (hostile review 25).
    #[test]
    fn a_text_command_continued_into_a_shell_is_read_whole() {
        for text in [
            // s1_sq_in_comsub
            "echo \"$(echo ')' ; echo root:hunter2 | chpasswd)\"\n",
            // s2_case_in_comsub
            "echo \"$(case a in a) echo ; echo root:hunter2 | chpasswd ;; esac)\"\n",
            // s3_dot_procsub
            ". <(echo 'echo root:hunter2 | chpasswd')\n",
            // w1_bash_procsub
            "bash <(echo 'echo root:hunter2 | chpasswd')\n",
            "echo a \\\r\nbash -c 'echo root:hunter2 | chpasswd'\n",
            "echo 'echo root:hunter2 | chpasswd' \\\n  | bash\n",
        ] {
            assert!(user_data_problem(text).is_some(), "passed: {text:?}");
        }
    }

    #[test]
    fn quotes_the_shell_closes_pass() {
        passes(&[
            // Apostrophes in comments and here-documents are no quotes of the script.
            format!(
                "#!/bin/bash\n# it's fine\n# don't\n{LINES}sed -i 's|a|b|' /etc/x\necho \"a; b\" > /dev/null\n"
            ),
            format!(
                "cat > /etc/motd <<'EOF'\nDon't panic\n{LINES}EOF\nsed -i 's|a|b|' /etc/x\nlogger \"a; b\"\n"
            ),
            format!(
                "cat <<-\"END\" > /etc/x\n\tit's\n\tEND\n{LINES}grep -q \"a|b\" /etc/x && echo ok\n"
            ),
            format!("cat <<A <<B\n\"\nA\n'\nB\n{LINES}sed -i \"s|a|b|\" /etc/x\n"),
            format!("X=\"$(cat <<EOF\na\nEOF\n)\"\n{LINES}sed -i \"s|a|b|\" /etc/x\n"),
            // In a body that is not expanded, `\\\\` escapes itself, and the quote after it is one.
            format!(
                "bash <<'EOF'\necho \\\\\"\nX=\"a\n{LINES}echo 'b\" ; echo done # '\nEOF\nsed -i \"s|a|b|\" /etc/x\n"
            ),
            // A quote spanning lines that holds no text command's quoted operator.
            format!(
                "PY=$(python3 -c \"\nimport os\n{LINES}print('a|b')\n\")\nsed -i \"s|a|$PY|\" /etc/x\necho \"x | y\"\n"
            ),
            format!("X=$((1<<2))\n{LINES}sed -i \"s|a|b|\" /etc/x\n"),
            // A quote closed within three lines is read by the line's own reading.
            "X=\"a\n1\necho 'b\" ; echo done\n".to_string(),
        ]);
    }
}

/// A script of 16 KiB whose lines start inside quotes opened lines before (a Python program
/// given to `python3 -c`, quoted operators on every line) is read in const evaluation
/// within the compiler's budget: the whole script is read once (hostile review 25).
mod user_data_hostile_review_25_script_in_const_evaluation {
    use super::*;

    macro_rules! block {
        () => {
            "python3 -c \"\nimport subprocess\nprint('a|b; c && d')\nprint('e|f')\nsubprocess.run(['logger', 'x|y'])\nprint('g;h')\n\"\nsed -i \"s|a|b|\" /etc/x; echo \"a; b\" | logger\n"
        };
    }

    const SCRIPT: &str = concat!(
        "#!/bin/bash\n",
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        eight!(block!()),
        block!(),
        block!(),
        block!(),
        block!()
    );
    const PROBLEM: Option<&str> = user_data_problem(SCRIPT);

    #[test]
    fn a_shell_script_of_16_kib_is_checked_in_const_evaluation() {
        assert!(
            (15_000..=16_384).contains(&SCRIPT.len()),
            "{}",
            SCRIPT.len()
        );
        assert_eq!(PROBLEM, None);
    }
}

/// Written text reaches a password reader or a shell through data flow the readers did not
/// follow (hostile review 26, each attack confirmed with bash): a variable set by another of
/// bash's setters (`printf -v`, `${C:=…}`, `mapfile`, `read` from a here-document or a
/// process substitution, `for C in …`, `C+=`, `C[0]=`), a here-string or here-document
/// passed through later stages (`cat <<< 'root:…' | chpasswd`), a stage inside `bash -c
/// '…'`, a reader named by a variable, a file written by `tee`; text run as commands
/// (`eval "$c"`, `bash -c "$c"`, `cat <<< '…' | bash`, `sed … | . /dev/stdin`); and a text
/// command's file named by a variable.
mod user_data_data_flow {
    use super::*;

    fn refused_with(texts: &[&str], message: &str) {
        for text in texts {
            assert_eq!(user_data_problem(text), Some(message), "{text:?}");
        }
    }

    fn refused(texts: &[&str]) {
        for text in texts {
            let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
            assert!(rule.contains("rule P1"), "{rule}");
        }
    }

    #[test]
    fn variables_set_by_every_setter_carry_written_text() {
        refused_with(
            &[
                "printf -v c '%s' 'root:hunter2'\necho \"$c\" | chpasswd\n",
                "printf -vc 'root:%s' hunter2\necho \"$c\" | chpasswd\n",
                ": \"${c:=root:hunter2}\"\necho \"$c\" | chpasswd\n",
                "mapfile -t c <<<'root:hunter2'\necho \"${c[0]}\" | chpasswd\n",
                "readarray c <<<'root:hunter2'\necho \"$c\" | chpasswd\n",
                "readarray -t a < <(printf 'root:hunter2')\necho \"${a[0]}\" | chpasswd\n",
                "read -r c <<'EOF'\nroot:hunter2\nEOF\necho \"$c\" | chpasswd\n",
                "IFS= read -r c < <(echo root:hunter2)\necho \"$c\" | chpasswd\n",
                "IFS=: read -r u p <<< 'root:hunter2'\necho \"$u:$p\" | chpasswd\n",
                "while read -r l; do echo \"$l\" | chpasswd; done <<< 'root:hunter2'\n",
                "c+=root:hunter2\necho \"$c\" | chpasswd\n",
                "c=(root:hunter2)\necho \"${c[0]}\" | chpasswd\n",
                "c[0]=root:hunter2\necho \"${c[0]}\" | chpasswd\n",
                "for c in root:hunter2; do echo \"$c\" | chpasswd; done\n",
                "echo root:hunter2 > /tmp/p\nread -r c < /tmp/p\necho \"$c\" | chpasswd\n",
            ],
            FED_PASSWORD,
        );
    }

    #[test]
    fn written_text_through_later_stages_files_and_named_readers_is_fed() {
        refused_with(
            &[
                "cat <<<'root:hunter2' | chpasswd\n",
                "cat <<'EOF' | chpasswd\nroot:hunter2\nEOF\n",
                "cat <<< 'root:hunter2' | tee /dev/null | chpasswd\n",
                "bash -c 'chpasswd <<< root:hunter2'\n",
                "p=chpasswd\necho root:hunter2 | $p\n",
                "c=root:hunter2\necho \"$c\" | \"$(which chpasswd)\"\n",
                "echo 'root:hunter2' | tee /tmp/x >/dev/null\nchpasswd < /tmp/x\n",
                "cp /dev/null /tmp/p; echo root:hunter2 >> /tmp/p; cat /tmp/p | chpasswd\n",
                // Script text in a variable's value or in what `printf -v` and a
                // substitution's `echo` print is read as script.
                "c='echo root:hunter2 | chpasswd'\n",
                "printf -v c 'echo root:hunter2 | chpasswd'\necho \"$c\" > /tmp/x.sh\nbash /tmp/x.sh\n",
                "c=$(printf '%s' 'echo root:hunter2 | chpasswd')\necho \"$c\" >> /etc/rc.local\n",
                "c=$(echo 'echo root:hunter2 | chpasswd')\n",
            ],
            FED_PASSWORD,
        );
    }

    #[test]
    fn text_made_by_the_script_is_not_run_as_commands() {
        // Refused whatever the text holds: the check cannot read it as script.
        refused_with(
            &[
                "printf -v c 'uptime'\neval \"$c\"\n",
                "c=$(echo uptime)\nbash -c \"$c\"\n",
                "c=$(echo uptime)\nsudo -u app bash -lc \"cd /opt && $c\"\n",
                "sed -n '1s#.*#echo root:hunter2 | chpasswd#p' /etc/hostname | . /dev/stdin\n",
                "curl -fsS https://example.com/x | sed 's/^/x/' | sh\n",
                "echo uptime | bash\n",
                "printf 'uptime' | sudo -u root /bin/bash\n",
                "cat <<< uptime | env bash -s\n",
                "bash <<<'uptime'\n",
                ". <(echo uptime)\n",
                "c=uptime\nsource <(echo \"$c\")\n",
                "printf -v c 'uptime'\nbash <<EOF\n$c\nEOF\n",
                "printf -v c '* * * * * uptime'\necho \"$c\" | crontab -\n",
            ],
            RUN_TEXT,
        );
        refused(&[
            "printf -v c '%s' 'echo root:hunter2 | chpasswd'\neval \"$c\"\n",
            "c=$(echo 'echo root:hunter2 | chpasswd')\nbash -c \"$c\"\n",
            "cat <<<'echo root:hunter2 | chpasswd' | bash\n",
            "echo 'chpasswd <<< root:hunter2' | bash\n",
            "c='echo root:hunter2 | chpasswd'\neval \"$c\"\n",
            "c='echo root:hunter2 | chpasswd'\nbash -c \"$c\"\n",
            "c='chpasswd<<<root:hunter2'\n. <(echo \"$c\")\n",
        ]);
    }

    #[test]
    fn a_text_command_is_not_made_through_a_variable() {
        refused_with(
            &[
                "mkdir -p /tmp/pc; n=logger; ln -sf /bin/bash /tmp/pc/$n\nPATH=/tmp/pc:$PATH\nlogger -c 'echo root:hunter2 | chpasswd'\n",
                "D=/tmp/pc/sed\ncp /bin/bash \"$D\"\n",
                "printf -v n sed\ncp /bin/bash \"/usr/local/bin/${n}\"\n",
            ],
            TEXT_COMMAND_REDEFINED,
        );
    }

    /// The fourth probe's attacks (hostile review 26), each confirmed with bash: readers in
    /// groups, functions and wrappers, fed through file descriptors, process substitutions,
    /// implicit variables, files and the environment, text run through `trap`, escapes and
    /// shells reached in other ways.
    #[test]
    fn the_fourth_probes_attacks_are_refused() {
        for text in [
            // A_wrapped_reader_r03_group_herestring
            r#"{ chpasswd; } <<< 'root:hunter2'
"#,
            // A_wrapped_reader_r04_while_herestring
            r#"while :; do chpasswd; break; done <<< 'root:hunter2'
"#,
            // A_wrapped_reader_r05_func_herestring
            r#"f() { chpasswd; }
f <<< 'root:hunter2'
"#,
            // A_wrapped_reader_r06_subshell_herestring
            r#"( chpasswd ) <<< 'root:hunter2'
"#,
            // A_wrapped_reader_r07_if_herestring
            r#"if true; then chpasswd; fi <<< 'root:hunter2'
"#,
            // A_wrapped_reader_r08_pipe_group
            r#"echo root:hunter2 | { chpasswd; }
"#,
            // A_wrapped_reader_r09_pipe_subshell
            r#"echo root:hunter2 | ( chpasswd )
"#,
            // A_wrapped_reader_r10_pipe_func
            r#"f() { chpasswd; }
echo root:hunter2 | f
"#,
            // A_wrapped_reader_r11_pipe_command
            r#"echo root:hunter2 | command chpasswd
"#,
            // A_wrapped_reader_r12_pipe_exec
            r#"echo root:hunter2 | exec chpasswd
"#,
            // A_wrapped_reader_r13_pipe_nice
            r#"echo root:hunter2 | nice chpasswd
"#,
            // A_wrapped_reader_r14_pipe_timeout
            r#"echo root:hunter2 | timeout 5 chpasswd
"#,
            // A_wrapped_reader_r15_pipe_env
            r#"echo root:hunter2 | env chpasswd
"#,
            // A_wrapped_reader_r16_pipe_if
            r#"echo root:hunter2 | if true; then chpasswd; fi
"#,
            // A_wrapped_reader_r17_pipe_while
            r#"echo root:hunter2 | while :; do chpasswd; break; done
"#,
            // A_wrapped_reader_s02_path
            r#"echo root:hunter2 | /tmp/h26/probe4/bin/chpasswd
"#,
            // A_wrapped_reader_s03_quoted_name
            r#"echo root:hunter2 | 'chpasswd'
"#,
            // A_wrapped_reader_s05_pipe_amp
            r#"echo root:hunter2 |& chpasswd
"#,
            // A_wrapped_reader_s06_pipe_newline
            r#"echo root:hunter2 |
  chpasswd
"#,
            // A_wrapped_reader_s07_pipe_comment
            r#"echo root:hunter2 | # feed it
  chpasswd
"#,
            // A_wrapped_reader_s13_herestring_first
            r#"<<< root:hunter2 chpasswd
"#,
            // A_wrapped_reader_s16_passwd_group
            r#"echo hunter2 | { passwd --stdin root; }
"#,
            // A_wrapped_reader_s19_time
            r#"echo root:hunter2 | time chpasswd
"#,
            // A_wrapped_reader_s21_heredoc_group
            r#"{ chpasswd; } <<'EOF'
root:hunter2
EOF
"#,
            // A_wrapped_reader_s23_xargs
            r#"echo root:hunter2 | xargs -I{} bash -c 'chpasswd <<< "$1"' _ {}
"#,
            // A_wrapped_reader_s25_stdbuf
            r#"echo root:hunter2 | stdbuf -i0 chpasswd
"#,
            // A_wrapped_reader_t10_alias
            r#"shopt -s expand_aliases
alias p=chpasswd
echo root:hunter2 | p
"#,
            // A_wrapped_reader_t12_symlink
            r#"ln -sf /tmp/h26/probe4/bin/chpasswd /tmp/h26/probe4/run/p
echo root:hunter2 | /tmp/h26/probe4/run/p
"#,
            // A_wrapped_reader_x06_sudo_S_group
            r#"echo hunter2 | { sudo -S true; }
"#,
            // B_writer_unseen_r23_ansic
            r#"echo $'root:hunter2' | chpasswd
"#,
            // B_writer_unseen_r25_default_here
            r#"chpasswd <<< "${x:-root:hunter2}"
"#,
            // B_writer_unseen_r26_default_echo
            r#"echo ${x:-root:hunter2} | chpasswd
"#,
            // B_writer_unseen_s08_redir_first
            r#"2>/dev/null echo root:hunter2 | chpasswd
"#,
            // B_writer_unseen_s09_assign_prefix
            r#"LC_ALL=C echo root:hunter2 | chpasswd
"#,
            // B_writer_unseen_s12_escaped_echo
            r#"\echo root:hunter2 | chpasswd
"#,
            // B_writer_unseen_s17_passwd_ansic
            r#"echo $'hunter2' | passwd --stdin root
"#,
            // B_writer_unseen_s18_printf_ansic
            r#"printf $'root:hunter2' | chpasswd
"#,
            // C_fd_procsub_r01_exec_fd
            r#"exec 3<<<'root:hunter2'
chpasswd <&3
"#,
            // C_fd_procsub_r02_exec_stdin
            r#"exec 0<<<'root:hunter2'
chpasswd
"#,
            // C_fd_procsub_r35_read_u
            r#"exec 3<<<'root:hunter2'
read -u3 c
echo "$c" | chpasswd
"#,
            // C_fd_procsub_r36_coproc
            r#"coproc cat
echo root:hunter2 >&"${COPROC[1]}"
exec {COPROC[1]}>&-
chpasswd <&"${COPROC[0]}"
"#,
            // C_fd_procsub_s14_procsub
            r#"chpasswd < <(printf root:hunter2)
"#,
            // C_fd_procsub_t06_devfd_exec
            r#"exec 3<<<'root:hunter2'
chpasswd < /dev/fd/3
"#,
            // C_fd_procsub_t07_procsub_out
            r#"printf %s root:hunter2 > >(chpasswd)
wait
"#,
            // C_fd_procsub_t08_echo_procsub_out
            r#"echo root:hunter2 > >(chpasswd)
sleep 1
"#,
            // C_fd_procsub_t09_tee_procsub
            r#"tee >(chpasswd) >/dev/null <<< root:hunter2
sleep 1
"#,
            // C_fd_procsub_t14_mapfile_procsub
            r#"mapfile -t < <(echo root:hunter2)
chpasswd <<< "${MAPFILE[0]}"
"#,
            // C_fd_procsub_t24_fd_dup
            r#"{ echo root:hunter2 >&3; } 3>&1 | chpasswd
"#,
            // D_implicit_var_r18_underscore
            r#": root:hunter2
echo "$_" | chpasswd
"#,
            // D_implicit_var_r19_reply
            r#"read <<< 'root:hunter2'
echo "$REPLY" | chpasswd
"#,
            // D_implicit_var_r20_mapfile_default
            r#"mapfile <<< 'root:hunter2'
printf %s "${MAPFILE[0]}" | chpasswd
"#,
            // D_implicit_var_r21_rematch
            r#"[[ root:hunter2 =~ .* ]]
echo "${BASH_REMATCH[0]}" | chpasswd
"#,
            // D_implicit_var_r22_dollar0
            r#"bash -c 'echo "$0" | chpasswd' root:hunter2
"#,
            // D_implicit_var_s22_underscore_herestring
            r#"true root:hunter2
chpasswd <<< "$_"
"#,
            // D_implicit_var_t01_nameref
            r#"declare -n r=c
r=root:hunter2
echo "$c" | chpasswd
"#,
            // D_implicit_var_t13_reply_loop
            r#"while read; do chpasswd <<< "$REPLY"; done <<< root:hunter2
"#,
            // D_implicit_var_t15_declare_p
            r#"declare -n r=c
read -r r <<< root:hunter2
chpasswd <<< "$c"
"#,
            // D_implicit_var_t16_local_fn
            r#"f() { local c; read -r c; chpasswd <<< "$c"; }
echo root:hunter2 | f
"#,
            // D_implicit_var_t17_fn_stdin_var
            r#"f() { c=$(cat); echo "$c" | chpasswd; }
f <<< root:hunter2
"#,
            // D_implicit_var_x02_mysql_underscore
            r#": -phunter2
mysql -u root "$_" -e 'select 1'
"#,
            // D_implicit_var_x08_mysql_reply
            r#"read <<< -phunter2
mysql -u root "$REPLY" -e 'select 1'
"#,
            // E_file_r27_file_var
            r#"f=/tmp/h26/probe4/run/p
echo root:hunter2 > "$f"
chpasswd < "$f"
"#,
            // E_file_r28_file_cat_subst
            r#"echo root:hunter2 > /tmp/h26/probe4/run/p
chpasswd <<< "$(</tmp/h26/probe4/run/p)"
"#,
            // E_file_r29_cp_file
            r#"echo root:hunter2 > /tmp/h26/probe4/run/a
cp /tmp/h26/probe4/run/a /tmp/h26/probe4/run/b
chpasswd < /tmp/h26/probe4/run/b
"#,
            // E_file_r30_exec_fd_file
            r#"exec 4>/tmp/h26/probe4/run/p
echo root:hunter2 >&4
chpasswd < /tmp/h26/probe4/run/p
"#,
            // E_file_t04_cat_file_subst
            r#"echo root:hunter2 > /tmp/h26/probe4/run/p
c=$(cat /tmp/h26/probe4/run/p)
echo "$c" | chpasswd
"#,
            // E_file_t05_env_sed
            r#"export c=root:hunter2
env | sed -n 's/^c=//p' | chpasswd
"#,
            // E_file_t18_bash_env
            r#"printf '%s\n' 'exec 0<<<root:hunter2' > /tmp/h26/probe4/run/env.sh
BASH_ENV=/tmp/h26/probe4/run/env.sh bash -c chpasswd
"#,
            // E_file_t19_read_from_var_file
            r#"f=/tmp/h26/probe4/run/p
echo root:hunter2 > $f
read -r c < $f
echo "$c" | chpasswd
"#,
            // F_run_text_r33_printf_file_run
            r#"printf 'echo root:hunter2 \x7c chpasswd\n' > /tmp/h26/probe4/run/x.sh
bash /tmp/h26/probe4/run/x.sh
"#,
            // F_run_text_r34_printf_parts_file
            r#"printf '%s | %s\n' 'echo root:hunter2' chpasswd > /tmp/h26/probe4/run/x.sh
. /tmp/h26/probe4/run/x.sh
"#,
            // F_run_text_u01_group_bash
            r#"printf 'echo root:hunter2 \x7c chpasswd\n' | { bash; }
"#,
            // F_run_text_u03_pipeamp_bash
            r#"printf 'echo root:hunter2 \x7c chpasswd\n' |& bash
"#,
            // F_run_text_u04_newline_bash
            r#"printf 'echo root:hunter2 \x7c chpasswd\n' |
  bash
"#,
            // F_run_text_u05_quoted_bash
            r#"printf 'echo root:hunter2 \x7c chpasswd\n' | 'bash'
"#,
            // F_run_text_u11_procsub_out_bash
            r#"printf 'echo root:hunter2 \x7c chpasswd\n' > >(bash)
sleep 1
"#,
            // F_run_text_u13_assign_prefix_printf
            r#"LC_ALL=C printf 'echo root:hunter2 \x7c chpasswd\n' | bash
"#,
            // F_run_text_u14_time_bash
            r#"printf 'echo root:hunter2 \x7c chpasswd\n' | time bash
"#,
            // F_run_text_u15_nice_bash
            r#"printf 'echo root:hunter2 \x7c chpasswd\n' | nice bash
"#,
            // F_run_text_u18_underscore_eval
            r#": 'echo root:hunter2 | chpasswd'
eval "$_"
"#,
            // F_run_text_u19_file_var_source
            r#"f=/tmp/h26/probe4/run/x.sh
printf 'echo root:hunter2 \x7c chpasswd\n' > "$f"
. "$f"
"#,
            // F_run_text_u23_trap_eval
            r#"trap 'echo root:hunter2 | chpasswd' EXIT
"#,
            // F_run_text_v06_exec3_bash
            r#"exec 3<<<$'echo root:hunter2 \x7c chpasswd'
bash <&3
"#,
            // F_run_text_v07_group_herestr_bash
            r#"{ bash; } <<< $'echo root:hunter2 \x7c chpasswd'
"#,
            // F_run_text_v10_herestr_first
            r#"<<< $'echo root:hunter2 \x7c chpasswd' bash
"#,
            // F_run_text_v16_var_nameref_eval
            r#"declare -n r=c
r=$'echo root:hunter2 \x7c chpasswd'
eval "$c"
"#,
            // F_run_text_v17_read_exec3_eval
            r#"exec 3<<<$'echo root:hunter2 \x7c chpasswd'
read -r -u3 c
eval "$c"
"#,
            // F_run_text_v21_reply_eval
            r#"read <<< $'echo root:hunter2 \x7c chpasswd'
eval "$REPLY"
"#,
            // F_run_text_v26_ansic_bash_c
            r#"bash -c $'echo root:hunter2 \x7c chpasswd'
"#,
            // F_run_text_v27_ansic_eval
            r#"eval $'echo root:hunter2 \x7c chpasswd'
"#,
        ] {
            let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
            assert!(rule.contains("rule P1"), "{rule}");
        }
    }

    #[test]
    fn a_password_reader_is_fed_only_in_the_shapes_the_check_reads() {
        refused_with(
            &[
                "{ chpasswd; } <<< 'root:hunter2'\n",
                "while :; do chpasswd; break; done <<< 'root:hunter2'\n",
                "if true; then chpasswd; fi <<< 'root:hunter2'\n",
                "echo root:hunter2 | { chpasswd; }\n",
                "echo root:hunter2 | command chpasswd\n",
                "echo root:hunter2 | timeout 5 chpasswd\n",
                "echo root:hunter2 |& chpasswd\n",
                "echo root:hunter2 |\n  chpasswd\n",
                "echo root:hunter2 | # feed it\n  chpasswd\n",
                "exec 3<<<'root:hunter2'\nchpasswd <&3\n",
                "exec 0<<<'root:hunter2'\nchpasswd\n",
                "exec 3<<<'root:hunter2'\nchpasswd < /dev/fd/3\n",
                "chpasswd < <(printf root:hunter2)\n",
                "echo root:hunter2 > >(chpasswd)\n",
                "f=/tmp/p\necho root:hunter2 > \"$f\"\nchpasswd < \"$f\"\n",
                "cp /tmp/a /tmp/b\nchpasswd < /tmp/b\n",
                "LC_ALL=C echo root:hunter2 | chpasswd\n",
                "\\echo root:hunter2 | chpasswd\n",
                "echo ${x:-root:hunter2} | chpasswd\n",
                "declare -n r=c\nr=root:hunter2\necho \"$c\" | chpasswd\n",
                "bash -c 'echo \"$0\" | chpasswd' root:hunter2\n",
                "env | sed -n 's/^c=//p' | chpasswd\n",
                "echo hunter2 | { passwd --stdin root; }\n",
                "echo hunter2 | { sudo -S true; }\n",
            ],
            READER_SHAPE,
        );
        refused(&["getopts a: o -a root:hunter2\necho \"$OPTARG\" | chpasswd\n"]);
        // A reader with no input of its own reads one it inherits (a group's, a function's, a
        // loop's, a shell's script: `bash <<'EOF'` then `chpasswd` and the text), which the
        // check does not follow; in user data it reads nothing (cloud-init gives no input).
        // These passed before hostile review 26.
        refused_with(
            &[
                "docker login --password-stdin registry\n",
                "rabbitmqctl add_user admin\n",
                "vault login\n",
                "vault login -\n",
                "bash <<'EOF'\nchpasswd\nroot:hunter2\nEOF\n",
                "f() {\nchpasswd\n}\necho root:hunter2 | f\n",
                "{\nchpasswd\n} <<< root:hunter2\n",
            ],
            READER_SHAPE,
        );
    }

    /// The fifth probe's attacks (hostile review 26), each confirmed with bash: readers
    /// spelled through brace expansion, paths and flag clusters, readers of other programs
    /// (`newusers`, `sshpass`, `gpg`, `cryptsetup`, `vault login`, `sudo -A`), values bash
    /// sets itself (`BASH_ALIASES`, `DIRSTACK`, `PWD`), fetches that send the script's own
    /// text or read a local file, and files spelled otherwise.
    #[test]
    fn the_fifth_probes_attacks_are_refused() {
        for text in [
            // A01_reader_brace_chpasswd
            r#"{,chpasswd} <<< root:hunter2
"#,
            // A02_reader_brace_passwd
            r#"{,passwd} --stdin root <<< hunter2
"#,
            // A03_reader_brace_sudo
            r#"echo hunter2 | {,sudo} -S true
"#,
            // A04_reader_dot_path
            r#"cd /tmp/h26/probe5/bin && echo root:hunter2 | ./chpasswd
"#,
            // A05_reader_double_slash
            r#"{ /tmp/h26/probe5/bin//chpasswd; } <<< root:hunter2
"#,
            // A06_reader_dot_dir
            r#"{ /tmp/h26/probe5/bin/./chpasswd; } <<< root:hunter2
"#,
            // A07_reader_realm_flag_first
            r#"echo hunter2 | realm -v join -U admin example.com
"#,
            // A08_reader_sudo_clustered_S
            r#"echo hunter2 | sudo -kS true
"#,
            // A09_reader_htpasswd_group
            r#"{ htpasswd -i -c /tmp/h26/probe5/run/h admin; } <<< hunter2
"#,
            // A10_reader_mkpasswd_group
            r#"{ mkpasswd -s -m sha-512; } <<< hunter2
"#,
            // A11_reader_openssl_group
            r#"{ openssl passwd -6 -stdin; } <<< hunter2
"#,
            // A12_reader_newusers
            r#"newusers <<< root:hunter2:0:0::/root:/bin/bash
"#,
            // A13_reader_cryptsetup
            r#"echo -n hunter2 | cryptsetup luksFormat --key-file=- /dev/xvdf
"#,
            // A14_reader_docker_secret
            r#"echo hunter2 | docker secret create db_pw -
"#,
            // A15_reader_pdbedit
            r#"printf 'hunter2\nhunter2\n' | pdbedit -a -u bob -t
"#,
            // A16_reader_sshpass_fd
            r#"echo hunter2 | sshpass -d0 ssh root@host true
"#,
            // A17_reader_sshpass_env
            r#"SSHPASS=hunter2 sshpass -e ssh root@host true
"#,
            // A18_reader_sudo_askpass
            r#"printf '#!/bin/sh\necho hunter2\n' > /tmp/h26/probe5/run/ask
chmod +x /tmp/h26/probe5/run/ask
SUDO_ASKPASS=/tmp/h26/probe5/run/ask sudo -A true
"#,
            // A19_reader_kinit_password_file
            r#"echo hunter2 > /tmp/h26/probe5/run/kp
kinit --password-file=/tmp/h26/probe5/run/kp admin
"#,
            // A20_reader_gpg_fd
            r#"echo hunter2 | gpg --batch --yes --passphrase-fd 0 -c /etc/hostname
"#,
            // A21_reader_vault_login
            r#"echo s.hunter2 | vault login -
"#,
            // A22_reader_gh_token
            r#"echo abc123hunter2 | gh auth login --with-token
"#,
            // B01_var_bash_aliases
            r#"alias x=root:hunter2
echo "${BASH_ALIASES[x]}" | chpasswd
"#,
            // B02_var_bash_aliases_copy
            r#"alias x=root:hunter2
c=${BASH_ALIASES[x]}
echo "$c" | chpasswd
"#,
            // B03_var_bash_aliases_here
            r#"alias p=hunter2
passwd --stdin root <<< "${BASH_ALIASES[p]}"
"#,
            // B04_var_read_ac_pipe
            r#"read -rac <<< 'root:hunter2'
echo "$c" | chpasswd
"#,
            // B05_var_read_ac_here
            r#"read -rac <<< 'root:hunter2'
chpasswd <<< "$c"
"#,
            // B06_var_read_ac_docker
            r#"read -rac <<< hunter2
echo "$c" | docker login -u admin --password-stdin reg.example.com
"#,
            // B07_var_pushd_dirstack
            r#"pushd -n hunter2 >/dev/null
echo "${DIRSTACK[1]}" | passwd --stdin root
"#,
            // B08_var_pwd
            r#"mkdir -p /tmp/h26/probe5/run/hunter2 && cd /tmp/h26/probe5/run/hunter2
echo "$PWD" | passwd --stdin root
"#,
            // B09_var_oldpwd
            r#"cd /tmp/h26/probe5/run && mkdir -p hunter2 && cd hunter2 && cd ..
echo "$OLDPWD" | passwd --stdin root
"#,
            // C01_fetch_curl_file
            r#"echo hunter2 > /tmp/h26/probe5/run/p
PW=$(curl -s file:///tmp/h26/probe5/run/p)
echo "root:$PW" | chpasswd
"#,
            // C02_fetch_colon_aws
            r#"echo hunter2 > /tmp/h26/probe5/run/p
PW=$(cat /tmp/h26/probe5/run/p; : aws)
echo "root:$PW" | chpasswd
"#,
            // C03_fetch_function_arg
            r#"f() { aws --version >/dev/null 2>&1; basename "$1"; }
f root:hunter2 | chpasswd
"#,
            // C04_fetch_jq_arg
            r#"jq -rn --arg p root:hunter2 '$p' | chpasswd
"#,
            // C05_fetch_jq_args
            r#"jq -rn '$ARGS.positional[0]' --args root:hunter2 | chpasswd
"#,
            // C06_fetch_aws_configure
            r#"export HOME=/tmp/h26/probe5/run
aws configure set default.x root:hunter2
aws configure get default.x | chpasswd
"#,
            // D01_file_cat_double_slash
            r#"echo root:hunter2 > /tmp/h26/probe5/run/p
cat /tmp/h26/probe5/run//p | chpasswd
"#,
            // D02_file_redirect_double_slash
            r#"echo root:hunter2 > /tmp/h26/probe5/run/p
chpasswd < /tmp/h26/probe5/run//p
"#,
            // D03_file_cd_relative
            r#"cd /tmp/h26/probe5/run && echo root:hunter2 > p
chpasswd < /tmp/h26/probe5/run/p
"#,
            // D04_file_curl_copy
            r#"echo root:hunter2 > /tmp/h26/probe5/run/src
curl -so /tmp/h26/probe5/run/p file:///tmp/h26/probe5/run/src
chpasswd < /tmp/h26/probe5/run/p
"#,
            // D05_file_jq_raw
            r#"echo root:hunter2 > /tmp/h26/probe5/run/p
jq -rR . /tmp/h26/probe5/run/p | chpasswd
"#,
            // D06_file_tee_double_slash
            r#"echo root:hunter2 | tee /tmp/h26/probe5/run/q >/dev/null
chpasswd < /tmp/h26/probe5/run//q
"#,
            // E02_mysql_bash_aliases
            r#"alias x=hunter2
mysql -u root --password="${BASH_ALIASES[x]}" -e 'select 1'
"#,
            // E03_mysql_pwd
            r#"mkdir -p /tmp/h26/probe5/run/hunter2 && cd /tmp/h26/probe5/run/hunter2
mysql -u root -p"${PWD##*/}" -e 'select 1'
"#,
        ] {
            let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
            assert!(rule.contains("rule P1"), "{rule}");
        }
    }

    /// The sixth probe's attacks (hostile review 26) that are closed, each confirmed with
    /// bash: readers without an input of their own (in a here-document run by a shell, a
    /// function, a group, a loop), files spelled through `//`, `/./` or braces, fetches that
    /// print text of their own (`awk`, `curl -w`, `curl -K`, `jq env`, `jq -f`) or read a
    /// local file, readers behind wrappers or patterns, more readers (`openssl passwd -in`),
    /// names made by brace expansion (`export {PW,X}=…`) and `expand_aliases`.
    #[test]
    fn the_sixth_probes_attacks_are_refused() {
        for text in [
            // A1_stdin_bash_heredoc
            r#"bash <<'EOF'
chpasswd
root:hunter2
EOF
"#,
            // A2_stdin_sudo_bash_heredoc
            r#"sudo bash <<'EOF'
chpasswd
root:hunter2
EOF
"#,
            // A3_stdin_bash_s_heredoc
            r#"bash -s <<'EOF'
passwd --stdin root
hunter2
EOF
"#,
            // A4_stdin_cat_heredoc_pipe_bash
            r#"cat <<'EOF' | sudo bash
chpasswd
root:hunter2
EOF
"#,
            // A5_stdin_function_body
            r#"f() {
chpasswd
}
echo root:hunter2 | f
"#,
            // A6_stdin_group_body
            r#"{
chpasswd
} <<< root:hunter2
"#,
            // A7_stdin_while_body
            r#"echo root:hunter2 | while true; do
chpasswd
break
done
"#,
            // A8_stdin_if_body
            r#"if true; then
chpasswd
fi <<< root:hunter2
"#,
            // A9_stdin_cat_in_group
            r#"{ cat | chpasswd; } <<< root:hunter2
"#,
            // B1_file_double_slash_devstdin
            r#"{ chpasswd < //dev/stdin; } <<< root:hunter2
"#,
            // B2_file_dot_devstdin
            r#"{ chpasswd < /./dev/stdin; } <<< root:hunter2
"#,
            // B3_file_devstdin_loop
            r#"while read -r _; do
  chpasswd < //dev/stdin
done <<'EOF'
skip
root:hunter2
EOF
"#,
            // B4_file_cp_brace
            r#"echo root:hunter2 > /tmp/h26/probe6/run/aw
cp /tmp/h26/probe6/run/{a,p}w
chpasswd < /tmp/h26/probe6/run/pw
"#,
            // B5_file_tee_brace
            r#"echo root:hunter2 | tee /tmp/h26/probe6/run/{pw,x} >/dev/null
chpasswd < /tmp/h26/probe6/run/pw
"#,
            // C6_var_brace_export
            r#"export {PW,X}=root:hunter2
echo "$PW" | chpasswd
"#,
            // C7_var_brace_declare
            r#"declare {X,Y}=root:hunter2
chpasswd <<< "$X"
"#,
            // C8_var_nameref_element
            r#"declare -n r=X[0]
r=root:hunter2
echo "$X" | chpasswd
"#,
            // D10_fetch_jq_program_file
            r#"echo '"root:hunter2"' > /tmp/h26/probe6/run/prog
aws sts get-caller-identity --output json | jq -r -f /tmp/h26/probe6/run/prog | chpasswd
"#,
            // D11_fetch_curl_proto_default_file
            r#"echo root:hunter2 > /tmp/h26/probe6/run/p
X=$(curl -s --proto-default file /tmp/h26/probe6/run/p)
echo "$X" | chpasswd
"#,
            // D12_fetch_curl_quoted_file_scheme
            r#"echo root:hunter2 > /tmp/h26/probe6/run/p
X=$(curl -s "fi"le:///tmp/h26/probe6/run/p)
echo "$X" | chpasswd
"#,
            // D1_fetch_awk_stage
            r#"PW=$(aws sts get-caller-identity --output json | awk '{print "root:hunter2"}')
echo "$PW" | chpasswd
"#,
            // D2_fetch_curl_writeout
            r#"PW=$(curl -s -o /dev/null -w root:hunter2 http://127.0.0.1:9/)
echo "$PW" | chpasswd
"#,
            // D3_fetch_function_curl_writeout
            r#"f() { curl -s -o /dev/null -w "$1" http://127.0.0.1:9/; }
f root:hunter2 | chpasswd
"#,
            // D4_fetch_curl_config_file
            r#"echo 'url = "file:///tmp/h26/probe6/run/p"' > /tmp/h26/probe6/run/cfg
echo root:hunter2 > /tmp/h26/probe6/run/p
PW=$(curl -s -K /tmp/h26/probe6/run/cfg)
echo "$PW" | chpasswd
"#,
            // D5_fetch_function_url_arg
            r#"f() { curl -s "$1"; }
echo root:hunter2 > /tmp/h26/probe6/run/p
f file:///tmp/h26/probe6/run/p | chpasswd
"#,
            // D7_fetch_head_stderr_urandom
            r#"echo hunter2 > /tmp/h26/probe6/run/p
PW=$(head -n1 /tmp/h26/probe6/run/p 2>/dev/urandom)
echo "$PW" | passwd --stdin root
"#,
            // D8_fetch_jq_env
            r#"export PWX=root:hunter2
aws sts get-caller-identity --output json | jq -r env.PWX | chpasswd
"#,
            // D9_fetch_jq_ENV
            r#"export V=root:hunter2
aws sts get-caller-identity --output json | jq -r '$ENV.V' | chpasswd
"#,
            // E10_reader_stdbuf_realm
            r#"echo hunter2 | stdbuf -i0 realm join -U admin example.com
"#,
            // E11_reader_flock
            r#"echo hunter2 | flock /tmp/h26/probe6/run/l passwd --stdin root
"#,
            // E12_reader_chroot
            r#"echo hunter2 | chroot / passwd --stdin root
"#,
            // E1_reader_glob_question
            r#"echo root:hunter2 | /tmp/h26/probe6/bin/chpass?d
"#,
            // E2_reader_glob_bracket
            r#"echo root:hunter2 | /tmp/h26/probe6/bin/chpass[w]d
"#,
            // E3_reader_glob_passwd
            r#"echo hunter2 | /tmp/h26/probe6/bin/pass?d --stdin root
"#,
            // E4_reader_glob_star_cd
            r#"cd /tmp/h26/probe6/bin && chpas*d <<< root:hunter2
"#,
            // E5_reader_alias_quoted
            r#"shopt -s expand_aliases
alias setpw=chp"asswd"
echo root:hunter2 | setpw
"#,
            // E7_reader_nice
            r#"echo hunter2 | nice -n 5 passwd --stdin root
"#,
            // E8_reader_timeout
            r#"echo hunter2 | timeout 10 passwd --stdin root
"#,
            // E9_reader_setsid_kinit
            r#"echo hunter2 | setsid kinit admin@EXAMPLE.COM
"#,
            // F1_unknown_openssl_passwd_in
            r#"echo hunter2 > /tmp/h26/probe6/run/p
usermod -p "$(openssl passwd -6 -in /tmp/h26/probe6/run/p)" root
"#,
            // F2_unknown_cryptsetup_keyfile_operand
            r#"echo -n hunter2 | cryptsetup luksFormat -q /dev/xvdf -
"#,
            // F3_unknown_cryptsetup_d
            r#"echo -n hunter2 | cryptsetup luksFormat -q -d - /dev/xvdf
"#,
            // F4_unknown_glab_stdin
            r#"echo glpat-hunter2 | glab auth login --stdin --hostname gitlab.com
"#,
            // F5_unknown_rabbitmqctl_stdin
            r#"echo hunter2 | rabbitmqctl add_user bob
"#,
            // F6_unknown_ldappasswd_y
            r#"echo -n hunter2 > /tmp/h26/probe6/run/bindpw
ldappasswd -x -D cn=admin,dc=ex -y /tmp/h26/probe6/run/bindpw uid=bob,dc=ex
"#,
            // G2_flag_mysql_brace_export
            r#"export {X,Y}=hunter2
mysql -u root -p"$X" -e 'select 1'
"#,
            // G4_flag_mysql_pwd_brace_export
            r#"export {MYSQL_PWD,Y}=hunter2
mysql -u root -e 'select 1'
"#,
            // H1_traced_cat_written_file
            r#"echo root:hunter2 > /tmp/h26/probe6/run/p
X=$(cat /tmp/h26/probe6/run/p "$HOME" 2>/dev/null)
echo "$X" | chpasswd
"#,
            // H2_traced_basename
            r#"X=$(basename "$HOME/root:hunter2")
echo "$X" | chpasswd
"#,
            // H3_traced_date_format
            r#"X=$(date -r "$HOME" +root:hunter2)
echo "$X" | chpasswd
"#,
            // H4_traced_stat_format
            r#"X=$(stat -c root:hunter2 "$HOME")
echo "$X" | chpasswd
"#,
        ] {
            let rule = user_data_problem(text).unwrap_or_else(|| panic!("passed: {text:?}"));
            assert!(rule.contains("rule P1"), "{rule}");
        }
    }

    #[test]
    fn fetched_values_loops_and_plain_names_pass() {
        for text in [
            "curl -fsSL https://get.docker.com | sh\n",
            "curl -fsSL https://deb.nodesource.com/setup_18.x | sudo -E bash -\n",
            "VERSION=1.2.3\ncurl -L https://example.com/$VERSION/install.sh | bash\n",
            "eval \"$(ssh-agent -s)\"\n",
            "source <(kubectl completion bash)\n",
            "sudo -u ec2-user bash -c 'cd /home/ec2-user && git clone https://example.com/app.git'\n",
            "cat <<'EOF' | sudo bash\nyum install -y nginx\nsystemctl enable --now nginx\nEOF\n",
            "for pkg in nginx git jq; do yum install -y \"$pkg\"; done\n",
            "while IFS= read -r line; do echo \"$line\"; done < /etc/hosts\n",
            "mapfile -t hosts < /etc/hosts\nprintf '%s\\n' \"${hosts[@]}\"\n",
            "BIN=app\ninstall -m 0755 /tmp/app /usr/local/bin/$BIN\n",
            "OUT=$(mktemp)\ncurl -o \"$OUT\" https://example.com/x\necho done > \"$OUT.log\"\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\nprintf -v line 'admin:%s' \"$PW\"\necho \"$line\" | chpasswd\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\nread -r user pass <<< \"$PW\"\necho \"$user:$pass\" | chpasswd\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\necho \"admin:$PW\" | chpasswd\n",
            "echo \"0 3 * * * /opt/backup.sh\" | crontab -\n",
            "echo \"export PATH=\\$PATH:/usr/local/go/bin\" | sudo tee -a /etc/profile\n",
            "HOST=$(echo \"$URL\" | sed 's|https://||')\n",
            // Password readers fed in the shapes the check reads.
            "PW=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\nsudo chpasswd <<< \"admin:$PW\"\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\necho \"app:$PW\" > /tmp/p\nchpasswd < /tmp/p\n",
            "aws secretsmanager get-secret-value --secret-id x --query SecretString --output text > /root/pw\nchpasswd < /root/pw\n",
            "aws ecr get-login-password | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com\n",
            "J=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\nPW=$(jq -r .password <<< \"$J\")\necho \"admin:$PW\" | chpasswd\n",
            "source /etc/app/secrets.env\necho \"admin:$PW\" | chpasswd\n",
            "passwd -l root\ngetent passwd app\ngrep app /etc/passwd\n",
            "kinit -kt /etc/krb5.keytab host/app\n",
            "#cloud-config\nchpasswd: { expire: False }\n",
            "for u in alice bob; do\n  useradd -m \"$u\"\n  echo \"$u ALL=(ALL) NOPASSWD:ALL\" > \"/etc/sudoers.d/$u\"\ndone\n",
            "cat <<'EOF' > /etc/nginx/conf.d/app.conf\nserver { location / { proxy_pass http://127.0.0.1:8080; } }\nEOF\n",
            "until aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin 1.dkr.ecr.us-east-1.amazonaws.com; do sleep 5; done\n",
            "if ! aws ecr get-login-password | docker login --username AWS --password-stdin r; then exit 1; fi\n",
            "sudo -u ec2-user bash -c 'aws ecr get-login-password | docker login -u AWS --password-stdin r'\n",
            "ecr_login() { aws ecr get-login-password | docker login --username AWS --password-stdin r; }\necr_login\n",
            "PW=$(aws ssm get-parameter --name /vnc --with-decryption --query Parameter.Value --output text)\necho \"$PW\" | vncpasswd -f > /home/ec2-user/.vnc/passwd\n",
            "echo \"app:$(openssl rand -base64 12)\" | chpasswd\n",
            "SECRET=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\nU=$(echo \"$SECRET\" | jq -r .username)\nP=$(echo \"$SECRET\" | jq -r .password)\necho \"$U:$P\" | chpasswd\n",
            "read -r PW < <(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\necho \"app:$PW\" | chpasswd\n",
            "IFS= read -r PW <<< \"$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\"\necho \"app:$PW\" | chpasswd\n",
            "fetch() { aws secretsmanager get-secret-value --secret-id \"$1\" --query SecretString --output text; }\nDB_PW=$(fetch db)\necho \"app:$DB_PW\" | chpasswd\nfetch root | passwd --stdin root\n",
            "{ echo \"app:$PW\" | chpasswd; } 2>>/var/log/setup.log\n",
            "echo \"set the passwd later with: sudo passwd app\"\nuseradd app # then passwd it later\n",
            "sshpass -e ssh host true\ngpg --batch --passphrase-file /run/pw -c f\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\necho \"admin:$PW\" | /usr/sbin/chpasswd\necho \"admin:$PW\" | sudo /usr/sbin/chpasswd\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\nexport PW\nreadonly PW\nPW=${PW%$'\\n'}\necho \"admin:$PW\" | chpasswd\n",
            "aws secretsmanager get-secret-value --secret-id x --query SecretString --output text > /root/pw\nchmod 600 /root/pw\nchpasswd < /root/pw\nrm -f /root/pw\n",
            "yum install -y sshpass\ncommand -v sshpass || apt-get install -y sshpass\nwhich chpasswd\nchmod 4755 /usr/bin/passwd\nls -l /etc/passwd /usr/bin/passwd\n",
            "REGION=us-east-1\nSECRET_ID=db\nPW=$(aws secretsmanager get-secret-value --region \"$REGION\" --secret-id \"$SECRET_ID\" --query SecretString --output text)\necho \"app:$PW\" | chpasswd\n",
            "AWS_REGION=us-east-1\naws ecr get-login-password --region \"$AWS_REGION\" | docker login --username AWS --password-stdin r\n",
            "get_secret() {\n  aws secretsmanager get-secret-value --secret-id \"$1\" --query SecretString --output text\n}\nfunction fetch_pw {\n  aws secretsmanager get-secret-value --secret-id root --query SecretString --output text\n}\nfetch_pw | passwd --stdin root\nget_secret app | sed 's/x/y/' > /dev/null\n",
            "TOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token -H \"X-aws-ec2-metadata-token-ttl-seconds: 60\")\nREGION=$(curl -s -H \"X-aws-ec2-metadata-token: $TOKEN\" http://169.254.169.254/latest/meta-data/placement/region)\naws ecr get-login-password --region \"$REGION\" | docker login --username AWS --password-stdin \"1.dkr.ecr.$REGION.amazonaws.com\"\n",
            "realm join example.com\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// Hostile review 27: the commands a password reader may be fed by (`aws`, `curl`, `jq`,
/// `cat`, `tr`, …) redefined by a function, an alias or a file the script makes, which would
/// print what the script says.
mod user_data_feeders_redefined {
    use super::*;

    #[test]
    fn a_feeder_redefined_is_refused() {
        for text in [
            "aws() { echo root:hunter2; }\nPW=$(aws secretsmanager get-secret-value --secret-id a --query SecretString --output text)\necho \"$PW\" | chpasswd\n",
            "aws() { echo root:hunter2; }\naws secretsmanager get-secret-value --secret-id a | chpasswd\n",
            "curl() { echo root:hunter2; }\ncurl -s http://169.254.169.254/latest/x | chpasswd\n",
            "tr() { echo root:hunter2; }\nPW=$(aws secretsmanager get-secret-value --secret-id a --query SecretString --output text | tr -d \"\\n\")\necho \"$PW\" | chpasswd\n",
            "function c\\at { echo root:hunter2; }\n",
            "function jq { echo root:hunter2; }\n",
            "alias aws=\"echo root:hunter2\"\n",
            "printf \"#!/bin/sh\\necho root:hunter2\\n\" > /usr/local/bin/aws\nchmod +x /usr/local/bin/aws\naws secretsmanager get-secret-value --secret-id a | chpasswd\n",
            "printf \"#!/bin/sh\\necho root:hunter2\\n\" > /tmp/evil\ncp /tmp/evil /usr/local/bin/aws\n",
            "echo \"echo root:hunter2\" | tee /tmp/e2 >/dev/null\nln -sf /tmp/e2 /usr/local/bin/jq\n",
            "install -m 755 /dev/stdin /usr/local/bin/aws <<< \"echo root:hunter2\"\n",
            "echo x | tee /usr/local/bin/curl\n",
        ] {
            assert_eq!(
                user_data_problem(text),
                Some(TEXT_COMMAND_REDEFINED),
                "{text:?}"
            );
        }
    }

    #[test]
    fn installing_the_tools_passes() {
        for text in [
            "curl \"https://awscli.amazonaws.com/awscli-exe-linux-x86_64.zip\" -o \"awscliv2.zip\"\nunzip -q awscliv2.zip\n./aws/install --bin-dir /usr/local/bin --install-dir /usr/local/aws-cli --update\nln -sf /usr/local/bin/aws /usr/bin/aws\nrm -rf aws awscliv2.zip\naws --version\n",
            "cat /etc/os-release | head -n 2 > /tmp/os\nsort -u /tmp/a > /tmp/b\ncurl -fsSL https://example.com/x.tar.gz | tar xz -C /opt\nwget -q -O /tmp/jq https://example.com/jq && install -m 755 /tmp/jq /usr/local/bin/jq\n",
            "wget -q -O jq-linux64 https://example.com/jq-linux64\nchmod +x jq-linux64\nmv jq-linux64 /usr/local/bin/jq\nunzip -q vault.zip && install -m 755 vault /usr/local/bin/vault\n",
            "cat > /usr/local/bin/cat-logs <<'EOF'\n#!/bin/sh\ntail -n 50 /var/log/app.log\nEOF\nchmod +x /usr/local/bin/cat-logs\n",
            "echo 'deb https://apt.example.com stable main' | tee /etc/apt/sources.list.d/vault.list\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// Hostile review 27 (the attacks left open by review 26, confirmed with bash): a variable
/// fed to a password reader that a setter after the use gives written text, which a
/// function's body, a loop or a trap's text reads when it runs later; a mysql flag in a
/// variable set by `read -a`; a password tool or reader named by a pattern.
mod user_data_set_after_the_use {
    use super::*;

    #[test]
    fn a_reader_fed_a_variable_set_after_it_is_refused() {
        for text in [
            "f() { echo \"root:$X\" | chpasswd; }\nX=hunter2\nf\n",
            "setpw() {\n  echo \"$NEWPW\" | passwd --stdin root\n}\nNEWPW=hunter2\nsetpw\n",
            "for i in 1 2; do\necho \"root:$X\" | chpasswd\nX=hunter2\ndone\n",
            "while :; do\n  [ -n \"$NEWPW\" ] && { echo \"$NEWPW\" | passwd --stdin root; break; }\n  NEWPW=hunter2\ndone\n",
            "trap 'echo \"root:$X\" | chpasswd' EXIT\nX=hunter2\n",
            "until [ -n \"$D\" ]; do echo \"root:$X\" | chpasswd; X=hunter2; D=1; done\n",
            "f ( ) { echo \"root:$X\" | chpasswd; }\nX=hunter2\nf\n",
            "function f { echo \"root:$X\" | chpasswd; }\nX=hunter2\nf\n",
            // Every setter of the name, and a copy's source.
            "f() { Y=$X; echo \"root:$Y\" | chpasswd; }\nX=hunter2\nf\n",
            "f() { echo \"root:$X\" | chpasswd; }\nread -r X <<< hunter2\nf\n",
            "f() { echo \"root:$X\" | chpasswd; }\nprintf -v X %s hunter2\nf\n",
            "f() { echo \"root:$X\" | chpasswd; }\nX=$(echo hunter2)\nf\n",
            "f() { echo \"root:$X\" | chpasswd; }\n: ${X:=hunter2}\nf\n",
            "f() { echo \"root:$X\" | chpasswd; }\nmapfile -t X <<< hunter2\nf\n",
            "f() { echo \"root:$X\" | chpasswd; }\nX=\"\" ;X+=hunter2\nf\n",
            "X=$(aws secretsmanager get-secret-value --secret-id a --query SecretString --output text)\nf() { echo \"root:$X\" | chpasswd; }\nX=hunter2\nf\n",
            // Its here-string, its here-document, a flag's reader.
            "f() { chpasswd <<< \"root:$X\"; }\nX=hunter2\nf\n",
            "f() {\nchpasswd <<EOF\nroot:$X\nEOF\n}\nX=hunter2\nf\n",
            "f() { echo \"$X\" | docker login -u u --password-stdin r; }\nexport X=hunter2\nf\n",
            // A fetching function's variable, set after it.
            "fetch() { curl -s \"$U\"; }\necho root:hunter2 > /tmp/p\nU=file:///tmp/p\nfetch | chpasswd\n",
            // Text kept for a file the script runs later.
            "cat > /r.sh <<\"EOF\"\necho \"root:$X\" | chpasswd\nEOF\nexport X=hunter2\nbash /r.sh\n",
        ] {
            assert_eq!(user_data_problem(text), Some(READER_SHAPE), "{text:?}");
        }
    }

    #[test]
    fn a_reader_fed_values_fetched_by_every_setter_passes() {
        for text in [
            // The function defined before the fetch it reads.
            "#!/bin/bash\nsetpw() { echo \"app:$PW\" | chpasswd; }\nPW=$(aws secretsmanager get-secret-value --secret-id app/pw --query SecretString --output text)\nsetpw\n",
            // Emptied after, in a script with loops.
            "#!/bin/bash\nPW=$(aws secretsmanager get-secret-value --secret-id app/pw --query SecretString --output text)\necho \"app:$PW\" | chpasswd\nunset PW\nfor f in /etc/app/*.conf; do chmod 600 \"$f\"; done\n",
            "#!/bin/bash\nTOKEN=$(aws ecr get-login-password --region us-east-1)\necho \"$TOKEN\" | docker login -u AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com\nfor img in api web; do docker pull \"123456789012.dkr.ecr.us-east-1.amazonaws.com/$img\"; done\nTOKEN=\"\"\n",
            // Fetched again after, in a loop and at the end, with a trap.
            "#!/bin/bash\ntrap 'rm -f /tmp/boot.lock' EXIT\nfor i in 1 2 3; do\n  PW=$(aws secretsmanager get-secret-value --secret-id \"app/pw$i\" --query SecretString --output text) && break\n  sleep 5\ndone\necho \"app:$PW\" | chpasswd\nPW=$(aws secretsmanager get-secret-value --secret-id app/other --query SecretString --output text)\n",
            // A fetching function, and a file of a quoted here-document that holds no reader.
            "#!/bin/bash\nfetch() { aws secretsmanager get-secret-value --secret-id \"$1\" --query SecretString --output text; }\nPW=$(fetch app/pw)\nchpasswd <<EOF2\napp:$PW\nEOF2\ncat > /usr/local/bin/rotate <<'EOF2'\n#!/bin/bash\necho rotate\nEOF2\n",
            // `X= cmd` gives the command an empty variable, not the shell a value.
            "f() { echo \"root:$X\" | chpasswd; }\nX= hunter2\nf\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_flag_in_a_variable_read_into_an_array_is_refused() {
        for text in [
            "read -rac <<< -phunter2\nmysql -u root -p\"$c\"\n",
            "read -ra c <<< hunter2\nmysql -u root -p\"${c[0]}\"\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
    }

    #[test]
    fn a_whole_flag_carried_by_a_variable_is_refused() {
        // Rounds 4 and 5 (`x01`, `E01`), and every setter whose text no other check reads.
        for text in [
            "exec 3<<<'-phunter2'\nread -r -u3 o\nmysql -u root \"$o\" -e 'select 1'\n",
            "read -rac <<< -phunter2\nmysql -u root \"$c\" -e 'select 1'\n",
            "for c in -phunter2; do mysql -u root \"$c\"; done\n",
            "printf -v c -- -phunter2\nmysql -u root \"$c\"\n",
            "read -r c <<EOF\n-phunter2\nEOF\nmysql -u root \"$c\"\n",
            "c=$(echo -phunter2)\nmysql -u root \"$c\"\n",
            "mapfile -t c <<< -phunter2\nmysql -u root \"${c[@]}\"\n",
            "IFS=, read -r u p <<< \"root,-phunter2\"\nmysql -u \"$u\" \"$p\"\n",
            "read -r c <<< --password=hunter2\nmysql -u root \"$c\"\n",
            "while read -r c; do mysql -u root \"$c\"; done <<< -phunter2\n",
            "while read -r c; do\n  mysql -u root \"$c\"\ndone <<EOF\n-phunter2\nEOF\n",
            // A line that starts like the delimiter does not end the document.
            "mapfile -t c <<EOF\nEOFX\n-phunter2\nEOF\nmysql -u root \"${c[1]}\"\n",
        ] {
            assert_eq!(user_data_problem(text), Some(COMMAND_PASSWORD), "{text:?}");
        }
        // Written words that hold no flag, and fetched values.
        for text in [
            "PW=$(aws secretsmanager get-secret-value --secret-id a --query SecretString --output text)\nfor db in app audit; do mysqldump -u root -p\"$PW\" \"$db\" > /backup/$db.sql; done\n",
            "for url in https://my-host.example.com/a https://b.example.com/x; do curl -fsSL \"$url\" -o /tmp/x; done\n",
            "DB=ehr\nmysql -u admin -p\"$PW\" \"$DB\" -e \"select 1\"\n",
            "while read -r u; do curl -fsS \"$u\" -o /dev/null; done <<EOF\nhttps://a.example.com\nhttps://b-c.example.com\nEOF\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_password_tool_named_by_a_pattern_is_refused() {
        for text in [
            "/usr/bin/mysq? -u root -phunter2 -e 'select 1'\n",
            "/usr/bin/sshpas? -p hunter2 ssh root@h true\n",
            "/usr/bin/mysq[l] -u root -phunter2\n",
        ] {
            assert_eq!(user_data_problem(text), Some(DYNAMIC_COMMAND), "{text:?}");
        }
        // A pattern elsewhere, a `case` pattern, a test, a pattern command without a
        // password flag.
        for text in [
            "for f in /etc/app/*.conf; do chmod 600 \"$f\"; done\n",
            "case \"$1\" in\n  mysql*) mkdir -p /var/lib/app ;;\nesac\n",
            "[ -f /etc/app.conf ] && cp /etc/app.conf /tmp/\n",
            "/opt/app-*/bin/start --config /etc/app.conf\n",
            "rm -rf /var/lib/apt/lists/*\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_reader_named_by_a_pattern_is_refused() {
        for text in [
            // Linked or copied under another name, then fed.
            "ln -sf /usr/sbin/chpass?d /run/setpw\necho root:hunter2 | /run/setpw\n",
            "cp /usr/sbin/[c]hpasswd /run/setpw\n",
            "install /usr/bin/sshpas* /usr/local/bin/s\n",
            // Run by a pattern, fed fetched values or its own input.
            "PW=$(aws secretsmanager get-secret-value --secret-id a --query SecretString --output text)\necho \"root:$PW\" | /usr/sbin/chpass?d\n",
            "/usr/sbin/chpass*d < /tmp/f\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id a --query SecretString --output text)\necho \"$PW\" | /usr/bin/sud? -S true\n",
        ] {
            assert_eq!(user_data_problem(text), Some(READER_SHAPE), "{text:?}");
        }
        // Patterns of every name, of other names, in a text command's quotes, in a
        // here-document's configuration.
        for text in [
            "rm -rf /var/lib/apt/lists/*\ncp /etc/skel/.bash* /home/app/\n",
            "cat > /etc/logrotate.d/app <<EOF\n/var/log/app/*.log {\n  daily\n}\nEOF\n",
            "ls /opt/app-*/bin | sort\ncp /usr/share/zoneinfo/America/New_Y* /etc/localtime\n",
            "echo \"*/5 * * * * root /usr/local/bin/backup\" > /etc/cron.d/backup\n",
            "S=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nsed -i \"s|^password=.*|password=$S|\" /etc/app.conf\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// Hostile review 27, the seventh probe (each attack confirmed with bash, stand-ins for the
/// readers and tools): setters after the use that the first pass missed (`+=`, `${X=…}`,
/// a brace-bodied `for`, a copy's source, a name reference made at boot, a function defined
/// again), programs named by extended, class, quoted or word-start patterns, and feeders
/// made by `dd of=`, `curl -o … file:`, or linked from another program; and the ordinary
/// scripts it found refused, which pass.
mod user_data_hostile_review_27_probe {
    use super::*;

    #[test]
    fn the_probes_attacks_are_refused() {
        for text in [
            // L1_later_for_brace_loop
            "for i in 1 2; { echo \"$X\" | chpasswd; X=root:hunter2; }\n",
            // L2_later_append_setter
            "f() { echo \"$X\" | chpasswd; }\nX+=root:hunter2\nf\n",
            // L3_later_nameref_default_word
            "f() { echo \"$X\" | chpasswd; }\ndeclare -n r=${U:-X}\nr=root:hunter2\nf\n",
            // L4_nameref_default_word_before
            "declare -n r=${U:-X}\nr=root:hunter2\necho \"$X\" | chpasswd\n",
            // L5_later_assign_default_nocolon
            "f() { echo \"$X\" | chpasswd; }\n: ${X=root:hunter2}\nf\n",
            // L6_later_copy_source_set_later
            "f() { echo \"$X\" | chpasswd; }\ng() { X=$Y; }\nY=root:hunter2\ng\nf\n",
            // L7_later_append_fetch_function_url
            "fetch() { curl -s \"$U\"; }\ng() { fetch | chpasswd; }\necho root:hunter2 > /tmp/s27/probe7/run/p\nU+=file:///tmp/s27/probe7/run/p\ng\n",
            // L8_dedupe_line_after_function_redefined
            "get() { aws secretsmanager get-secret-value --secret-id x --query SecretString --output text; }\nf() { echo \"$X\" | chpasswd; }\nX=$(get)\nf\nget() { echo root:hunter2; }\nX=$(get)\nf\n",
            // P10_wordstart_bracket_tool
            "cd /tmp/s27/probe7/bin && [m]ysql -u root -phunter2 -e \"select 1\"\n",
            // P1_extglob_reader_fed
            "shopt -s extglob\necho root:hunter2 | /tmp/s27/probe7/bin/chpas@(s)wd\n",
            // P2_extglob_tool_flag
            "shopt -s extglob\n/tmp/s27/probe7/bin/mysq@(l) -u root -phunter2 -e \"select 1\"\n",
            // P3_posix_class_ln_reader
            "ln -sf /tmp/s27/probe7/bin/chpass[[:alpha:]]d /tmp/s27/probe7/run/setpw\necho root:hunter2 | /tmp/s27/probe7/run/setpw\n",
            // P4_posix_class_cp_reader
            "cp /tmp/s27/probe7/bin/[[:lower:]]hpasswd /tmp/s27/probe7/run/setpw\necho root:hunter2 | /tmp/s27/probe7/run/setpw\n",
            // P5_extglob_ln_reader
            "shopt -s extglob\nln -sf /tmp/s27/probe7/bin/chpas@(s)wd /tmp/s27/probe7/run/setpw\necho root:hunter2 | /tmp/s27/probe7/run/setpw\n",
            // P6_quoted_pattern_ln_reader
            "ln -sf /tmp/s27/probe7/bin/\"chpass\"?d /tmp/s27/probe7/run/setpw\necho root:hunter2 | /tmp/s27/probe7/run/setpw\n",
            // P7_quoted_pattern_tool
            "/tmp/s27/probe7/bin/my\"s\"q? -u root -phunter2 -e \"select 1\"\n",
            // P8_quoted_star_tool
            "/tmp/s27/probe7/bin/\"mys\"* -u root -phunter2 -e \"select 1\"\n",
            // P9_wordstart_question_tool
            "cd /tmp/s27/probe7/bin && ?ysql -u root -phunter2 -e \"select 1\"\n",
            // S1_dd_of_aws
            "mkdir -p /tmp/s27/probe7/run/bin\nprintf '#!/bin/sh\\necho root:hunter2\\n' | dd of=/tmp/s27/probe7/run/bin/aws 2>/dev/null\nchmod +x /tmp/s27/probe7/run/bin/aws\nPATH=/tmp/s27/probe7/run/bin:$PATH\nPW=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\necho \"$PW\" | chpasswd\n",
            // S2_ln_env_aws
            "mkdir -p /tmp/s27/probe7/run/bin\necho 'echo root:hunter2' > /tmp/s27/probe7/run/bin/secretsmanager\nchmod +x /tmp/s27/probe7/run/bin/secretsmanager\nln -s /usr/bin/env /tmp/s27/probe7/run/bin/aws\nPATH=/tmp/s27/probe7/run/bin:$PATH\nPW=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\necho \"$PW\" | chpasswd\n",
            // S4_curl_o_aws
            "echo 'echo root:hunter2' > /tmp/s27/probe7/run/src\nmkdir -p /tmp/s27/probe7/run/bin\ncurl -s -o /tmp/s27/probe7/run/bin/aws file:///tmp/s27/probe7/run/src\nchmod +x /tmp/s27/probe7/run/bin/aws\nPATH=/tmp/s27/probe7/run/bin:$PATH\nPW=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\necho \"$PW\" | chpasswd\n",
            // S5_cp_dir_target_aws
            "mkdir -p /tmp/s27/probe7/run/src /tmp/s27/probe7/run/bin\necho 'echo root:hunter2' | dd of=/tmp/s27/probe7/run/src/aws 2>/dev/null\nchmod +x /tmp/s27/probe7/run/src/aws\ncp /tmp/s27/probe7/run/src/aws /tmp/s27/probe7/run/bin/\nPATH=/tmp/s27/probe7/run/bin:$PATH\nPW=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text)\necho \"$PW\" | chpasswd\n",
            // S7_fetching_function_redefined
            "get() { aws secretsmanager get-secret-value --secret-id x --query SecretString --output text; }\nget() { echo root:hunter2; }\nX=$(get)\necho \"$X\" | chpasswd\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
    }

    #[test]
    fn the_probes_ordinary_scripts_pass() {
        for text in [
            // f03_glob_server_port
            "#!/bin/bash\ntar xzf /tmp/myapp-*.tar.gz -C /opt\n/opt/myapp-*/bin/server -p 8080 &\n",
            // f05_curl_pipe_glob
            "#!/bin/bash\ncurl -fsSL https://example.com/schema.sql | /opt/db-*/bin/load\n",
            // f07_pw_reused_later
            "#!/bin/bash\nPW=$(aws secretsmanager get-secret-value --secret-id app --query SecretString --output text)\necho \"app:$PW\" | chpasswd\nfor f in /etc/app/*.conf; do\n  echo \"$f\"\ndone\nPW=\nunset PW\n",
            // f13_docker_ecr_fn
            "#!/bin/bash\nlogin_ecr() {\n  aws ecr get-login-password --region \"$AWS_REGION\" | docker login --username AWS --password-stdin \"$ECR\"\n}\nAWS_REGION=us-east-1\nECR=123456789012.dkr.ecr.us-east-1.amazonaws.com\nlogin_ecr\n",
            // f16_backup_passwd_glob
            "#!/bin/bash\nmkdir -p /root/backup\ncp -a /etc/*passwd /etc/*shadow /root/backup/\n",
            // f19_glob_java_opts
            "#!/bin/bash\n/opt/jdk-*/bin/java -Xmx512m -jar /opt/app/app.jar -p 8080 &\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

mod user_data_flags_made_at_boot {
    use super::*;

    #[test]
    fn a_word_that_may_become_a_password_flag_at_boot_is_refused() {
        for text in [
            "c=-; c+=phunter2; mysql -u root \"$c\"\n",
            "c=x-phunter2; mysql -u root \"${c#x}\"\n",
            "c=xx; mysql -u root \"${c/xx/-phunter2}\"\n",
            "c=phunter2; mysql -u root \"-$c\"\n",
            "a=-p; b=hunter2; mysql -u root \"$a$b\"\n",
            "IFS=x; c=x-phunter2; mysql -u root $c\n",
            "printf -v c \"%%s%%s\" - phunter2; mysql -u root \"$c\"\n",
            "mysql -u root \"${U:--}phunter2\"\n",
            "set -- -phunter2; mysql -u root \"$1\"\n",
            "mysql -u root \"$UNSET-phunter2\"\n",
            "c=-p; mysql -u root $c\"hunter2\"\n",
            "c=-; mysql -u root \"${c}phunter2\"\n",
            "f() { mysql \"$@\"; }; f -u root -phunter2\n",
            "c=p; mysql -u root -\"$c\"hunter2\n",
            "login() { docker login -u AWS \"$1\"; }\nlogin -phunter2\n",
            "R=-phunter2; login() { docker login -u AWS \"$1\"; }\nlogin \"$R\"\n",
            "f() { x=\"}\"; mysql -u root \"$1\"; }; f -phunter2\n",
            "f() { mysql -u root \"$@\"; }; export -f f; bash -c \"f -phunter2\"\n",
            "f() { mysql -u root {x,$1}; }; f -phunter2\n",
        ] {
            assert_eq!(user_data_problem(text), Some(COMMAND_PASSWORD), "{text:?}");
        }
    }

    #[test]
    fn review_27s_flags_made_of_parts_are_refused() {
        for text in [
            // F10_braced_dash_var
            "d=-\nc=\"${d}phunter2\"\nmysql -u root \"$c\" -e \"select 1\"\n",
            // F1_dash_then_append
            "c=-\nc+=phunter2\nmysql -u root \"$c\" -e \"select 1\"\n",
            // F2_strip_prefix
            "c=x-phunter2\nmysql -u root \"${c#x}\" -e \"select 1\"\n",
            // F3_dash_outside_quote
            "c=phunter2\nmysql -u root \"-$c\" -e \"select 1\"\n",
            // F4_ifs_split
            "IFS=x\nc=x-phunter2\nmysql -u root $c -e \"select 1\"\n",
            // F5_pattern_substitution
            "c=xhunter2\nmysql -u root \"${c/x/-p}\" -e \"select 1\"\n",
            // F6_concat_two_vars
            "a=-\nb=phunter2\nmysql -u root \"$a$b\" -e \"select 1\"\n",
            // F7_printf_v_parts
            "printf -v c '%s%s' - phunter2\nmysql -u root \"$c\" -e \"select 1\"\n",
            // F8_default_dash
            "c=${U:--}phunter2\nmysql -u root \"$c\" -e \"select 1\"\n",
            // F9_read_from_written_file
            "echo -phunter2 > /tmp/s27/probe7/run/f\nread -r c < /tmp/s27/probe7/run/f\nmysql -u root \"$c\" -e \"select 1\"\n",
        ] {
            assert_eq!(user_data_problem(text), Some(COMMAND_PASSWORD), "{text:?}");
        }
    }

    #[test]
    fn variables_that_hold_no_flag_and_function_calls_that_pass_none_pass() {
        for text in [
            // Arguments passed on: the calls that give them are read.
            "f() { mysql -u root \"$E$1\"; f \"$E$1\"; f x{a,$1}; }; f ehr\n",
            "read -r c < /etc/x; mysql -u root \"$c\"\n",
            "BACKUP=/var/backups/ehr; zip -r \"$BACKUP-$(date +%F).zip\" /data\n",
            "for db in ehr audit; do mysqldump -u root \"$db\" > /tmp/$db.sql; done\n",
            "URL=https://example.com/a-b; curl -fsS $URL -o /tmp/x\n",
            "set -euo pipefail; IFS=$'\\n\\t'; URL=https://example.com/a-b; curl -fsS $URL -o /tmp/x\n",
            "DB_HOST=$(aws rds describe-db-instances --query \"DBInstances[0].Endpoint.Address\" --output text); mysql -h \"$DB_HOST\" -u admin ehr\n",
            "DIR=/opt/app; DEST=\"$DIR/backup.zip\"; zip -r \"$DEST\" /data\n",
            "run_sql() { mysql -u admin -p\"$PW\" \"$@\"; }; PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text); run_sql -e \"select 1\"\n",
            "for f in /etc/app/*.conf; do curl -T \"$f\" https://example.com/up/; done\n",
            "NAME=web; ssh-keygen -t ed25519 -N \"\" -f \"/root/.ssh/$NAME\"\n",
            "KEY=/root/.ssh/id; ssh-keygen -t ed25519 -N \"\" -f \"$KEY\"\n",
            "U=app; useradd -m -s /bin/bash \"$U\"\n",
            "login() { aws ecr get-login-password | docker login -u AWS --password-stdin \"$1\"; }\nlogin 1.dkr.ecr.us-east-1.amazonaws.com\n",
            "R=1.dkr.ecr.us-east-1.amazonaws.com; login() { aws ecr get-login-password | docker login -u AWS --password-stdin \"$1\"; }\nlogin \"$R\"\n",
            "run_sql() { mysql -u admin -p\"$PW\" \"$@\"; }\nPW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nrun_sql ehr\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// Hostile review 28's probe (one helper, report only, every attack run through bash with
/// logging stand-ins for the tools): flags made of parts that the first version of the rule
/// missed, flags after a redirection's `&`, clusters of short flags, `xargs` fed written
/// text, flag values set after the use; and ordinary scripts it refused.
mod user_data_hostile_review_28_probe {
    use super::*;

    #[test]
    fn the_probes_attacks_are_refused() {
        for text in [
            // A_empty_ansi_prefix_g03_ansi_empty_then_flag
            "mysql -u root $''-phunter2\n",
            // A_empty_ansi_prefix_h01_locale_empty_then_flag
            "mysql -u root $\"\"-phunter2\n",
            // A_empty_ansi_prefix_h08_redis_ansi_empty
            "redis-cli $''-ahunter2 ping\n",
            // A_empty_ansi_prefix_h09_sshpass_ansi_empty
            "sshpass $''-phunter2 ssh admin@10.0.0.5 true\n",
            // A_empty_ansi_prefix_h10_curl_ansi_empty
            "curl -fsS $''-uadmin:hunter2 https://example.com/\n",
            // A_empty_ansi_prefix_m01_zip_ansi_empty
            "zip $''-Phunter2 -r /tmp/s28/probe8/run/o.zip /tmp/s28/probe8/bin\n",
            // A_empty_ansi_prefix_m03_smb_ansi_empty
            "smbclient //fs/share $''-Uadmin%hunter2 -c ls\n",
            // A_empty_ansi_prefix_m05_ipmi_ansi_empty
            "ipmitool -I lanplus -H 10.0.0.9 -U admin $''-Phunter2 power status\n",
            // B_brace_expansion_c19_for_brace
            "for c in {-,}phunter2; do mysql -u root \"$c\"; done\n",
            // B_brace_expansion_d08_brace_direct
            "mysql -u root {-phunter2,}\n",
            // B_brace_expansion_d09_brace_direct2
            "mysql -u root {-p,}hunter2\n",
            // B_brace_expansion_e02_sshpass_brace
            "sshpass {-phunter2,} ssh admin@10.0.0.5 true\n",
            // B_brace_expansion_e03_redis_brace
            "redis-cli {-ahunter2,} ping\n",
            // B_brace_expansion_e04_curl_brace
            "curl -fsS {-uadmin:hunter2,} https://example.com/\n",
            // B_brace_expansion_e05_mysql_brace_nested
            "mysql -u root {{-phunter2,},}\n",
            // B_brace_expansion_j02_brace_empty_pair
            "mysql -u root {,}-phunter2\n",
            // B_brace_expansion_m02_ldap_brace
            "ldapsearch -x -D cn=admin,dc=example,dc=com {-whunter2,} -b dc=example,dc=com\n",
            // B_brace_expansion_m04_sqlcmd_brace
            "sqlcmd -S db -U sa {-Phunter2,} -Q \"select 1\"\n",
            // C_glob_c04_glob_star
            "mkdir -p /tmp/s28/probe8/run/g && cd /tmp/s28/probe8/run/g; : > -phunter2; mysql -u root *\n",
            // C_glob_c05_glob_q
            "mkdir -p /tmp/s28/probe8/run/g && cd /tmp/s28/probe8/run/g; : > -phunter2; mysql -u root ?phunter2\n",
            // C_glob_d01_glob_bracket
            "mkdir -p /tmp/s28/probe8/run/g && cd /tmp/s28/probe8/run/g; : > -phunter2; mysql -u root [-]p*\n",
            // C_glob_d07_extglob_value
            "shopt -s extglob; mkdir -p /tmp/s28/probe8/run/g && cd /tmp/s28/probe8/run/g; : > -phunter2; c=\"@(-)phunter2\"; mysql -u root $c\n",
            // D_newline_value_c13_newline_value
            "c=\"x\n-phunter2\"; mysql -u root $c\n",
            // D_newline_value_d02_newline_sq
            "c='x\n-phunter2'; mysql -u root $c\n",
            // D_newline_value_e07_curl_newline
            "c=\"https://example.com/\n-uadmin:hunter2\"; curl -fsS $c\n",
            // E_ifs_spelling_c10_ifs_append
            "IFS+=x; c=rootx-phunter2; mysql -u $c\n",
            // E_ifs_spelling_c11_for_ifs
            "for IFS in x; do :; done; c=rootx-phunter2; mysql -u $c\n",
            // E_ifs_spelling_c12_printf_ifs
            "printf -v IFS x; c=rootx-phunter2; mysql -u $c\n",
            // E_ifs_spelling_d17_redis_ifs_append
            "IFS+=x; c=localhostx-ahunter2; redis-cli -h $c ping\n",
            // E_ifs_spelling_g16_ifs_read
            "read -r IFS <<< x; c=rootx-phunter2; mysql -u $c\n",
            // F_heredoc_expansion_c18_read_heredoc_var
            "D=-; read -r c <<EOF\n${D}phunter2\nEOF\nmysql -u root \"$c\"\n",
            // F_heredoc_expansion_d13_heredoc_subst
            "read -r c <<EOF\n$(printf %s -)phunter2\nEOF\nmysql -u root \"$c\"\n",
            // F_heredoc_expansion_d14_mapfile_heredoc_var
            "D=-; mapfile -t c <<EOF\n${D}phunter2\nEOF\nmysql -u root \"$c\"\n",
            // F_heredoc_expansion_d15_while_read_heredoc
            "D=-; while read -r c; do mysql -u root \"$c\"; done <<EOF\n${D}phunter2\nEOF\n",
            // G_empty_subst_prefix_k05_empty_subst_dash_var
            "d=-; c=\"$(true)${d}phunter2\"; mysql -u root \"$c\"\n",
            // H_subst_written_file_i01_subst_redirect_file
            "printf %s -phunter2 > /tmp/s28/probe8/run/f; c=$(< /tmp/s28/probe8/run/f); mysql -u root \"$c\"\n",
            // H_subst_written_file_i02_subst_cat_file
            "printf %s -phunter2 > /tmp/s28/probe8/run/f; c=$(cat /tmp/s28/probe8/run/f); mysql -u root \"$c\"\n",
            // H_subst_written_file_l03_subst_file_direct
            "printf %s -phunter2 > /tmp/s28/probe8/run/f; mysql -u root \"$(< /tmp/s28/probe8/run/f)\"\n",
            // I_xargs_l01_xargs_echo
            "echo -phunter2 | xargs mysql -u root\n",
            // I_xargs_l05_xargs_printf
            "printf \"%s\\n\" -u root -phunter2 | xargs mysql\n",
            // J_inside_quotes_ansi_j06_ansi_quote_sql
            "c=-; c+=phunter2; mysql -u root -e $'select \\'1\\'' \"$c\"\n",
            // J_inside_quotes_ansi_j07_ansi_quote_fnarg
            "f() { mysql -u root -e $'select \\'1\\'' \"$1\"; }; f -phunter2\n",
            // J_inside_quotes_ansi_j08_ansi_quote_dollar1_top
            "set -- -phunter2; mysql -u root -e $'select \\'1\\'' \"$1\"\n",
            // K_fn_name_chars_g06_dotted_fn
            "db.run() { mysql -u root \"$1\"; }; db.run -phunter2\n",
            // K_fn_name_chars_g08_colon_fn
            "db:q() { mysql -u root \"$@\"; }; db:q -phunter2\n",
            // L_call_forms_c07_eval_f
            "f() { mysql -u root \"$1\"; }; eval f -phunter2\n",
            // L_call_forms_c08_backslash_f
            "f() { mysql -u root \"$1\"; }; \\f -phunter2\n",
            // L_call_forms_g09_case_call
            "f() { mysql -u root \"$1\"; }; case x in x) f -phunter2;; esac\n",
            // L_call_forms_g13_coproc_call
            "f() { mysql -u root \"$1\"; }; coproc f -phunter2; wait\n",
            // M_wrong_enclosing_fn_d03_fn_wrong_enclosing
            "f() { echo \"g() {\"; mysql -u root \"$1\"; }; g() { :; }; f -phunter2\n",
            // M_wrong_enclosing_fn_d04_fn_comment_brace
            "f() {\n  # like g() {\n  mysql -u root \"$1\"\n}\nf -phunter2\n",
            // M_wrong_enclosing_fn_e08_fn_wrong_enclosing_curl
            "fetch() {\n  # see also g() {\n  curl -fsS \"$@\"\n}\nfetch -u admin:hunter2 https://example.com/\n",
            // M_wrong_enclosing_fn_l04_braces_in_quotes_prior_fn
            "g() { echo \"{\"; }; f() { echo \"}\"; mysql -u root \"$1\"; }; f -phunter2\n",
            // N_set_in_fn_h06_set_in_fn
            "f() { set -- -phunter2; mysql -u root \"$1\"; }; f\n",
            // N_set_in_fn_h07_set_in_fn_args
            "f() { set -- -phunter2 \"$@\"; mysql -u root \"$@\"; }; f ehr\n",
            // R1_redirect_amp_o01_after_dup
            "mysql -u root 2>&1 -phunter2\n",
            // R1_redirect_amp_o02_after_amp_redirect
            "mysql -u root &>/dev/null -phunter2\n",
            // R1_redirect_amp_o03_after_gt_amp
            "mysql -u root >&2 -phunter2\n",
            // R1_redirect_amp_o05_after_lt_amp
            "mysql -u root <&0 -phunter2\n",
            // R1_redirect_amp_o07_after_dup_var
            "d=-; c=\"${d}phunter2\"; mysql -u root 2>&1 \"$c\"\n",
            // R1_redirect_amp_o08_curl_after_dup
            "curl -fsS 2>&1 -u admin:hunter2 https://example.com/\n",
            // R1_redirect_amp_o09_redis_after_dup
            "redis-cli 2>/dev/null >&2 -a hunter2 ping\n",
            // R1_redirect_amp_o10_sshpass_after_dup
            "sshpass 2>&1 -p hunter2 ssh admin@10.0.0.5 true\n",
            // R1_redirect_amp_o11_docker_after_dup
            "docker login 2>&1 -u admin -p hunter2 registry.example.com\n",
            // R1_redirect_amp_o12_docker_after_dup_long
            "docker login >&2 -u admin --password hunter2 registry.example.com\n",
            // R1_redirect_amp_o14_fn_call_after_dup
            "f() { mysql -u root \"$1\"; }; f 2>&1 -phunter2\n",
        ] {
            assert_eq!(user_data_problem(text), Some(COMMAND_PASSWORD), "{text:?}");
        }
    }

    #[test]
    fn clusters_of_short_flags_and_flag_values_set_later_are_refused() {
        for text in [
            "mysql -u root -vphunter2 -e \"select 1\"\n",
            "zip -rP hunter2 /tmp/out.zip /data\n",
            "sshpass -vphunter2 ssh admin@10.0.0.5 true\n",
            "curl -su admin:hunter2 https://example.com\n",
            "ldapsearch -xwhunter2 -D cn=admin -b dc=x\n",
            "ssh-keygen -qN hunter2 -t ed25519 -f /root/.ssh/id\n",
            "useradd -mp \"$(openssl passwd -6 hunter2)\" app\n",
            "xargs mysql -u root <<< -phunter2\n",
            "f() { mysql -p\"$X\"; }; X=hunter2; f\n",
            "mysql -u root -vphunter2\n",
            "X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nf() { mysql -u root -p\"$X\" -e \"select 1\"; }\nf\nX=hunter2\nf\n",
            "for i in 1 2; do mysql -u root -p\"$X\" -e \"select 1\"; X=hunter2; done\n",
            "f() { sshpass -p \"$X\" ssh host true; }; X=hunter2; f\n",
            "f() { curl -u \"admin:$X\" https://example.com; }; X=hunter2; f\n",
        ] {
            assert_eq!(user_data_problem(text), Some(COMMAND_PASSWORD), "{text:?}");
        }
    }

    #[test]
    fn ordinary_scripts_pass() {
        for text in [
            // fr01_local_arg
            "backup() { local db=$1; mysqldump -u root \"$db\" > /tmp/s28/probe8/run/$db.sql; }\nbackup ehr\n",
            // fr02_unquoted_fetched
            "DB_HOST=$(aws rds describe-db-instances --query \"DBInstances[0].Endpoint.Address\" --output text)\nmysql -h $DB_HOST -u admin ehr\n",
            // fr03_array_loop
            "URLS=(https://example.com/a.tgz https://example.com/b.tgz)\nfor u in \"${URLS[@]}\"; do curl -fsSLO \"$u\"; done\n",
            // fr05_zip_unquoted
            "OUT=/tmp/s28/probe8/run/backup-$(date +%F).zip; zip -r $OUT /tmp/s28/probe8/bin\n",
            // fr06_ifs_prefix
            "HOST=db-1.example.com; IFS=, read -r a b <<< \"x,y\"; mysql -h $HOST -u admin ehr\n",
            // fr07_default_copy
            "HOST=${DB_HOST:-localhost}; mysql -h \"$HOST\" -u admin ehr\n",
            // fr08_self_default
            "KEY=${KEY:-/root/.ssh/id}; ssh-keygen -t ed25519 -N \"\" -f \"$KEY\"\n",
            // fr10_ecr_unquoted
            "ACCOUNT=$(aws sts get-caller-identity --query Account --output text)\nREGION=$(curl -s http://169.254.169.254/latest/meta-data/placement/region)\naws ecr get-login-password --region $REGION | docker login --username AWS --password-stdin $ACCOUNT.dkr.ecr.$REGION.amazonaws.com\n",
            // fr11_glob_loop
            "cd /var/log && for f in *.log; do zip -q /tmp/s28/probe8/run/logs.zip \"$f\"; done\n",
            // fr21_main_args
            "main() {\n  local url=${1:-https://example.com/app.tgz}\n  curl -fsSL \"$url\" -o /tmp/s28/probe8/run/app.tgz\n}\nmain \"$@\"\n",
            // fr24_loop_hosts_var
            "DB_HOSTS=\"db1.example.com db2.example.com\"\nfor host in $DB_HOSTS; do mysql -h \"$host\" -u monitor -e \"select 1\"; done\n",
            // fr26_appuser_default
            "APP_USER=${APP_USER:-app}; useradd -m -s /bin/bash \"$APP_USER\"\n",
            "mysql -uapp -hdb ehr -e \"select 1\"\n",
            "mysql -uphil -hpostgres ehr\n",
            "curl -sSLo /tmp/x https://example.com/x\n",
            "ldapsearch -x -H ldap://x -b dc=x\n",
            "zip -rq /tmp/out.zip /data\n",
            "ssh-keygen -q -t ed25519 -N \"\" -f /root/.ssh/id\n",
            "curl -fsSL https://example.com/install.sh -o /tmp/i.sh\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text); mysql -uapp -vp\"$PW\" ehr\n",
            "cat /etc/app/urls.txt | xargs -n1 curl -fsSLO\n",
            "aws s3 ls s3://bucket/ | awk \"{print \\$4}\" | xargs -I{} curl -fsSLO https://x/{}\n",
            "X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nmysql -u root -p\"$X\" -e \"select 1\"\nunset X\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// Hostile review 29 (ninth probe): function calls the argument rule did not read as calls,
/// text given to a function's or a group's input, command substitutions the check cannot
/// trace to a fetch, command names made by brace expansion, a command right after a `case`
/// pattern's `)`; and the fetches that still pass.
mod user_data_hostile_review_29_probe {
    use super::*;

    /// Each was confirmed with bash: the password reaches the tool's flag.
    #[test]
    fn probe_attacks_are_refused() {
        for text in [
            "# -phunter2 reaches mysql's argv through f's $1: a call starting with a redirection is not read as a call\nf() { mysql -u root \"$1\"; }\n2>/dev/null f -phunter2\n",
            "# -phunter2 reaches mysql's argv through f's $1: a call inside $(...) is not read as a call\nf() { mysql -u root \"$1\"; }\nx=$(f -phunter2)\n",
            "# -phunter2 reaches mysql's argv through f's $1: a call after `time -p` is not read as a call\nf() { mysql -u root \"$1\"; }\ntime -p f -phunter2\n",
            "# -phunter2 reaches mysql's argv through f's $1: `function<TAB>f` is not read as a definition\nfunction\tf { mysql -u root \"$1\"; }\nf -phunter2\n",
            "# hunter2 reaches mysql's -p flag: read inside a function whose call is given a here-string\nf() { read -r X; mysql -u root -p\"$X\"; }; f <<< hunter2\n",
            "# hunter2 reaches mysql's -p flag: read inside a function fed by `echo hunter2 |`\nf() { read -r X; mysql -u root -p\"$X\"; }; echo hunter2 | f\n",
            "# hunter2 reaches mysql's -p flag: read inside a function whose call reads a file the script wrote\necho hunter2 > ./p\nf() { read -r X; mysql -u root -p\"$X\"; }\nf < ./p\n",
            "# hunter2 reaches mysql's -p flag: read -u3 inside a function called with 3<<< hunter2\nf() { read -r -u3 X; mysql -u root -p\"$X\"; }; f 3<<< hunter2\n",
            "# hunter2 reaches mysql's -p flag: read inside case...esac redirected from a here-string\ncase 1 in 1) read -r X; mysql -u root -p\"$X\";; esac <<< hunter2\n",
            "# hunter2 reaches mysql's -p flag: $(cat) inside a { } group redirected from a here-string\n{ mysql -u root -p\"$(cat)\" -e 'select 1'; } <<< hunter2\n",
            "# hunter2 reaches mysql's -p flag: exec <<< hunter2 then -p\"$(cat)\"\nexec <<< hunter2\nmysql -u root -p\"$(cat)\"\n",
            "# hunter2 reaches the ssh password tool's p flag: read inside a function given a here-string\nf() { read -r X; sshpass -p \"$X\" ssh admin@10.0.0.5 true; }; f <<< hunter2\n",
            "# hunter2 reaches mysql's -p flag: $(pw) of a function that echoes written text\npw() { echo hunter2; }\nmysql -u root -p\"$(pw)\"\n",
            "# admin:hunter2 reaches curl -u: $(pw) of a function that echoes written text\npw() { echo hunter2; }\ncurl -u \"admin:$(pw)\" https://example.com/\n",
            "# hunter2 reaches mysql's -p flag: $(< FILE) of a file the script wrote\nprintf hunter2 > ./p\nmysql -u root -p\"$(< ./p)\"\n",
            "# hunter2 reaches mysql's -p flag: X=$(cat FILE) of a file the script wrote\necho hunter2 > ./p\nX=$(cat ./p)\nmysql -u root -p\"$X\"\n",
            "# admin:hunter2 reaches curl -u: $(cat FILE) of a file the script wrote\necho hunter2 > ./p\ncurl -u \"admin:$(cat ./p)\" https://example.com/\n",
            "# hunter2 reaches mysql's -p flag: $(tail -n1 FILE) of a file the script wrote\necho hunter2 > ./h\nX=$(tail -n1 ./h)\nmysql -u root -p\"$X\"\n",
            "# hunter2 reaches mysql's -p flag: $(date +hunter2) prints its written format\nmysql -u root -p\"$(date +hunter2)\"\n",
            "# hunter2 reaches mysql's -p flag: $(basename /x/hunter2)\nmysql -u root -p\"$(basename /x/hunter2)\"\n",
            "# hunter2 reaches mysql's -p flag: X=$(awk 'BEGIN{print ...}')\nX=$(awk 'BEGIN{print \"hunter2\"}')\nmysql -u root -p\"$X\"\n",
            "# hunter2 reaches mysql's -p flag: $(printenv Y) of an exported written value\nexport Y=hunter2\nmysql -u root -p\"$(printenv Y)\"\n",
            "# hunter2 reaches mysql's -p flag: $(ls) lists a file the script named hunter2\n: > ./hunter2\nmysql -u root -p\"$(ls)\"\n",
            "# -phunter2 reaches mysql: the command right after a case pattern's ) is not read as a command\ncase x in x)mysql -u root -phunter2;; esac\n",
            "# hunter2 reaches mysql's p flag: mapfile inside a function given a here-string\nf() { mapfile -t A; mysql -u root -p\"${A[0]}\"; }; f <<< hunter2\n",
            "f() { mysql -u root \"$1\"; }\n! f -phunter2\n",
            "f() { mysql -u root \"$1\"; }\nif f -phunter2; then :; fi\n",
            "f() { mysql -u root \"$1\"; }\nx=1 f -phunter2\n",
            "f() { mysql -u root \"$1\"; }\ncat <(f -phunter2)\n",
            "function  f { mysql -u root \"$1\"; }\n{ f -phunter2; }\n",
            "f() { mysql -u root -p\"$(cat)\"; }\nf <<EOF\nhunter2\nEOF\n",
            "while read -r X; do mysql -p\"$X\"; done <<< hunter2\n",
            "mysql -u root -p\"$(env echo hunter2)\"\n",
            "mkdir -p /tmp/s && echo hunter2 > /tmp/s/x\n(cd /tmp/s && python3 -m http.server 8000 &)\nmysql -p\"$(curl -s http://localhost:8000/x)\"\n",
            "mysql -p\"$(curl -s \"http://$(hostname -I | cut -d\" \" -f1):8000/x\")\"\n",
            "curl -u \"admin:$(printenv Y)\" https://x\n",
            "X=$(basename /x/hunter2)\nsshpass -p \"$X\" ssh host\n",
            "mysql -p\"$(cat /etc/app/pw; echo hunter2)\"\n",
            "mysql -p\"$(sed 1ihunter2 /etc/hostname)\"\n",
            "pw() { printf hunter2; }\nX=$(pw)\nmysql -p\"$X\"\n",
            "mysql -u root -p\"$(timeout 5 echo hunter2)\"\n",
            "mysql -u root -p\"$(stat -c hunter2 /)\"\n",
            "mysql -u root -p\"$(uuidgen --sha1 -n @dns -N hunter2)\"\n",
            "echo hunter2 > /etc/app/pw\nmysql -u root -p\"$(cat /etc/app/pw)\"\n",
            "install -m 600 /dev/stdin /etc/app/pw <<< hunter2\nread -r X < /etc/app/pw\nmysql -p\"$X\"\n",
            "echo hunter2 > p\nread -r X < p\nmysql -p\"$X\"\n",
            "mysql -u root -p\"$(head -v /etc/hostname)\"\n",
            "echo \"{\\\"password\\\":\\\"hunter2\\\"}\" > /etc/app/s.json\nmysql -p\"$(jq -r .password /etc/app/s.json)\"\n",
            "(x)mysql -phunter2\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    /// A command whose name is a brace expansion may be any tool: refused as a command
    /// named at boot when it is given a flag that can pass a written password.
    #[test]
    fn brace_expanded_command_names_are_refused() {
        for text in [
            "/usr/bin/mysq{l,} -u root -phunter2\n",
            "{m..m}ysql -u root -phunter2\n",
            "sshpas{s,} -p hunter2 ssh host\n",
            "# -phunter2 reaches mysql: the command word {,mysql} is brace-expanded to mysql\n{,mysql} -u root -phunter2\n",
            "# -phunter2 reaches mysql: the command word mysq{l,} is brace-expanded to mysql\nmysq{l,} -u root -phunter2\n",
        ] {
            assert_eq!(user_data_problem(text), Some(DYNAMIC_COMMAND), "{text}");
        }
    }

    /// A helper the check does not know is no fetch it can read (an earlier test passed
    /// `$(fetch-secret db)`): since this review a password flag is given only what is
    /// traced to `aws`, `curl`, `wget`, `vault`, `openssl rand`, `pwgen`, `uuidgen`, a
    /// function of the script that runs one, or a file that only they write, as a password
    /// reader's input is.
    #[test]
    fn unknown_helpers_are_no_fetch() {
        for text in [
            "mysql -u admin -p`fetch-secret db` ehr\n",
            "X=$(fetch-secret db)\nmysql -u admin -p\"$X\" ehr\n",
            "curl -u \"admin:$(fetch-secret db)\" https://example.com\n",
            "mysql -p\"$(uuidgen --sha1 --namespace @dns --name hunter2)\"\n",
            "mysql -p\"$(pwgen -H /etc/hostname#hunter2 1 1)\"\n",
            "mysql -p\"$(curl -s http://127.0.0.1:8000/x)\"\n",
            "mysql -p\"$(curl -s http://[::1]:8000/x)\"\n",
        ] {
            assert_eq!(user_data_problem(text), Some(COMMAND_PASSWORD), "{text}");
        }
    }

    /// Fetches, files only a fetch writes, the environment, the metadata service, and
    /// brace expansions and `case` patterns that name no tool.
    #[test]
    fn ordinary_scripts_pass() {
        for text in [
            "PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nmysql -u root -p\"$PW\" -e \"select 1\"\n",
            "PW=$(head -n 1 /etc/app/pw)\nmysql -u root -p\"$PW\"\n",
            "read -r PW < /etc/app/pw\nmysql -u root -p\"$PW\"\n",
            "PW=$(cut -d: -f2 /etc/app/creds)\nsshpass -p \"$PW\" ssh host\n",
            "PW=$(vault kv get -field=password secret/db)\nmysql -p\"$PW\"\n",
            "PW=$(openssl rand -base64 24)\nuseradd -m app\necho \"app:$PW\" | chpasswd\nmysql -p\"$PW\"\n",
            "TOKEN=$(curl -s -X PUT http://169.254.169.254/latest/api/token -H \"X-aws-ec2-metadata-token-ttl-seconds: 60\")\nPW=$(aws ssm get-parameter --name /db/pw --with-decryption --query Parameter.Value --output text)\nmysqldump -u backup -p\"$PW\" ehr > /backup/ehr.sql\n",
            "PW=$(tr -dc A-Za-z0-9 < /dev/urandom | head -c 32)\nmysql -p\"$PW\"\n",
            "PW=$(cat /etc/app/pw | tr -d \"\\n\")\nmysql -p\"$PW\"\n",
            "PW=`aws secretsmanager get-secret-value --secret-id db --query SecretString --output text`\nmysql -p\"$PW\"\n",
            "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text > /etc/app/pw\nchmod 600 /etc/app/pw\nmysql -u root -p\"$(cat /etc/app/pw)\" -e \"select 1\"\n",
            "mysql -u root -p\"$(< /run/secrets/db)\" -e \"select 1\"\n",
            "PW=$(jq -r .password /etc/app/secret.json)\nmysql -u root -p\"$PW\"\n",
            "get_pw() { aws secretsmanager get-secret-value --secret-id db --query SecretString --output text; }\nmysql -u root -p\"$(get_pw)\"\n",
            "SECRET=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nPW=$(echo \"$SECRET\" | jq -r .password)\nmysql -u root -p\"$PW\"\n",
            "SECRET=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nPW=$(jq -r .password <<< \"$SECRET\")\ncurl -u \"admin:$PW\" https://x\n",
            "mysql -u root -p\"$DB_PASSWORD\"\n",
            "source /etc/app/env\nmysql -u root -p\"${DB_PASSWORD}\" -e \"select 1\"\n",
            "mkdir -p /opt/app/{bin,conf,logs}\ncp /etc/app/config.{yml,bak}\nfor f in /etc/{a,b}.conf; do echo \"$f\"; done\n{ echo a; echo b; } > /tmp/f\n",
            "case \"$1\" in start)systemctl start app;; stop)systemctl stop app;; esac\n",
            "TOKEN=$(curl -s -X PUT \"http://169.254.169.254/latest/api/token\" -H \"X-aws-ec2-metadata-token-ttl-seconds: 21600\")\nREGION=$(curl -s -H \"X-aws-ec2-metadata-token: $TOKEN\" http://169.254.169.254/latest/meta-data/placement/region)\nPW=$(aws secretsmanager get-secret-value --region \"$REGION\" --secret-id db --query SecretString --output text)\nmysql -u root -p\"$PW\" -e \"select 1\"\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nrun_sql() { mysql -u root -p\"$PW\" \"$@\"; }\nrun_sql -e \"select 1\"\n2>/dev/null run_sql -e \"select 2\"\nX=$(run_sql -N -e \"select 3\")\n",
            "ID=$(curl -s -H \"X-aws-ec2-metadata-token: $(curl -s -X PUT http://169.254.169.254/latest/api/token -H \"X-aws-ec2-metadata-token-ttl-seconds: 60\")\" http://169.254.169.254/latest/meta-data/instance-id)\nPW=$(aws ssm get-parameter --name \"/app/$ID/pw\" --with-decryption --query Parameter.Value --output text)\nmysql -p\"$PW\"\n",
            "PW=$(curl -s https://vault.internal:8200/v1/secret/data/db -H \"X-Vault-Token: $(cat /run/vault-token)\" | jq -r .data.data.password)\nmysql -p\"$PW\"\n",
            "curl -sSL https://example.com/install.sh -o /tmp/i.sh\necho $(date)-backup > /tmp/name\n",
            "mysql -u root -p\"$(uuidgen)\"\n",
            "mysql -u root -p\"$(pwgen -s 32 1)\"\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
    }
}

/// Hostile review 29: false refusals of the probe (PAM files, sudo tags, credentials loaded
/// from files, lock markers, `xargs` and `set` arguments), each beside the attacks nearest to it.
mod user_data_hostile_review_29_ordinary {
    use super::*;

    /// A file of `/etc/pam.d/` is a PAM service's configuration, not a secret store; a secret's
    /// file elsewhere, or named otherwise than a service there, stays refused.
    #[test]
    fn pam_files_are_configuration() {
        for text in [
            // false_refusals/01-pam-system-auth.sh
            "#!/bin/bash\necho 'password requisite pam_pwquality.so retry=3' >> /etc/pam.d/system-auth\n",
            // false_refusals/02-pam-common-auth.sh
            "#!/bin/bash\necho 'auth required pam_tally2.so deny=5' >> /etc/pam.d/common-auth\n",
            // false_refusals/03-pam-password-auth.sh
            "#!/bin/bash\necho 'account required pam_faillock.so' >> /etc/pam.d/password-auth\n",
            "echo 'password sufficient pam_unix.so sha512' >> /etc/pam.d/common-password\n",
            "sed -i 's/^auth.*pam_faillock/#&/' /etc/pam.d/system-auth-ac\necho 'auth include system-auth' > /etc/pam.d/passwd\n",
            "cat > /etc/pam.d/sshd <<'EOF'\nauth required pam_env.so\nEOF\ntee -a /etc/pam.d/password-auth <<< 'session optional pam_umask.so'\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
        for text in [
            "echo hunter2 > /etc/app/db_password\n",
            "echo hunter2 > /etc/pam.d/db_password\n",
            "echo hunter2 > /etc/pam.d.bak/system-auth\n",
            "echo hunter2 > /etc/xpam.d/common-auth\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    /// `NOPASSWD:` and `PASSWD:` before blanks, more tags and the commands are sudo tags; the same
    /// names before a word are assignments.
    #[test]
    fn sudoers_tags_are_no_assignments() {
        for text in [
            // false_refusals/04-sudoers-nopasswd-echo.sh
            "#!/bin/bash\necho 'app ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/app\nchmod 440 /etc/sudoers.d/app\n",
            // false_refusals/05-sudoers-nopasswd-heredoc.sh
            "#!/bin/bash\ncat > /etc/sudoers.d/app <<'EOF'\napp ALL=(ALL) NOPASSWD: /usr/bin/systemctl restart app\nEOF\n",
            "echo 'deploy ALL=(root) NOPASSWD: SETENV: /usr/bin/systemctl' > /etc/sudoers.d/deploy\n",
            "echo '%wheel ALL=(ALL) PASSWD: ALL' >> /etc/sudoers.d/wheel\necho 'ops ALL=(ALL) NOPASSWD:   NOEXEC: !/usr/bin/su' > /etc/sudoers.d/ops\n",
            "cat > /etc/sudoers.d/ci <<EOF\nci ALL=(ALL) SETENV: NOPASSWD: sudoedit /etc/app.conf\nEOF\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
        for text in [
            "echo 'NOPASSWD: hunter2' > /etc/app.conf\n",
            "DB_PASSWD: hunter2\n",
            "echo 'passwd: hunter2' > /etc/app.yml\n",
            "echo 'NOPASSWD: SETENV: hunter2' > /etc/app.yml\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    /// A secret's name given a file's absolute path by `LoadCredential=`,
    /// `LoadCredentialEncrypted=` or `--from-file=`; `SetCredential=`, `--from-literal=`, a device
    /// or a word stay refused.
    #[test]
    fn credentials_loaded_from_files() {
        for text in [
            // false_refusals/06-systemd-loadcredential-unit.sh
            "#!/bin/bash\ncat > /etc/systemd/system/app.service <<'EOF'\n[Service]\nExecStart=/opt/app/bin/app\nLoadCredential=db_password:/etc/app/db_password\nEOF\n",
            // false_refusals/07-systemd-run-loadcredential.sh
            "#!/bin/bash\nmkdir -p /etc/credstore\naws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text > /etc/credstore/db_password\nsystemd-run -p LoadCredential=db_password:/etc/credstore/db_password /opt/app/bin/migrate\n",
            // false_refusals/08-kubectl-from-file.sh
            "#!/bin/bash\nkubectl create secret generic db --from-file=password=/etc/app/db_password\n",
            "systemd-run --property=LoadCredentialEncrypted=api_token:/etc/credstore.encrypted/api_token /opt/app/bin/sync\n",
            "oc create secret generic db --from-file=db_password=/run/secrets/db_password --from-file=api-key=/etc/app/api_key\n",
            "cat > /etc/systemd/system/app.service.d/creds.conf <<'EOF'\n[Service]\nLoadCredential=secret:/etc/app/secret\nLoadCredential=tls_key:/etc/pki/app.key\nEOF\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
        for text in [
            "systemd-run -p SetCredential=db_password:hunter2 /opt/app/bin/migrate\n",
            "kubectl create secret generic db --from-literal=password=hunter2\n",
            "cat > /etc/systemd/system/app.service <<'EOF'\n[Service]\nSetCredential=db_password:hunter2\nEOF\n",
            "echo hunter2 | kubectl create secret generic db --from-file=password=/dev/stdin\n",
            "kubectl create secret generic db --from-file=password=hunter2\n",
            "LoadCredential=db_password:hunter2\n",
            "echo hunter2 | kubectl create secret generic db --from-file=password=/tmp/../dev/stdin\n",
            "echo hunter2 > /tmp/pw.txt\nkubectl create secret generic db --from-file=password=/tmp/pw.txt\n",
            "ln -s /dev/stdin /tmp/in; echo hunter2 | kubectl create secret generic db --from-file=password=/tmp/in\n",
            "printf hunter2 > /etc/credstore/db\nsystemd-run -p LoadCredential=db_password:/etc/credstore/db /opt/app/bin/migrate\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    /// `usermod -p '*'`, `'!'`, `'!!'`, `'!*'` lock the account; a hash (locked or not), a password
    /// or an unquoted pattern stay refused.
    #[test]
    fn lock_markers_are_no_hash() {
        for text in [
            // false_refusals/18-usermod-lock-star.sh
            "#!/bin/bash\nusermod -p \"*\" ec2-user\n",
            "usermod -p '!' ec2-user\n",
            "usermod -p '!!' app; useradd -M -p '!*' svc\n",
            "useradd --password '*' -s /sbin/nologin batch\nusermod -p ! ops\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
        for text in [
            "usermod -p '$6$salt$abcdefghijklmnop' ec2-user\n",
            "usermod -p '!hunter2' ec2-user\n",
            "usermod -p * ec2-user\n",
            "useradd -p hunter2 app\n",
            "usermod -p '!$6$salt$abcdefghij' ec2-user\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    /// Plain words fed to `xargs` are operands of a tool that takes no password as one; a flag fed,
    /// text after a spaced password flag, or anything fed to a tool taking a password as an operand
    /// stays refused.
    #[test]
    fn xargs_operands_and_flags() {
        for text in [
            // false_refusals/10-xargs-curl-urls.sh
            "#!/bin/bash\necho 'https://example.com/a.tgz https://example.com/b.tgz' | xargs -n1 curl -fsSLO\n",
            // false_refusals/11-xargs-mysqldump-dbs.sh
            "#!/bin/bash\nPW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nprintf '%s\\n' ehr audit | xargs -n1 mysqldump -u backup -p\"$PW\" --result-file=/backup/db.sql\n",
            "echo nginx redis | xargs -n1 systemctl enable --now\n",
            "printf '%s\\n' https://example.com/a.tgz | xargs -n1 wget -q\n",
            "echo ehr audit | xargs -n1 mysql -u backup -p\"$PW\" -e 'select 1'\n",
            "echo app-a app-b | xargs -n1 systemctl restart\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
        for text in [
            // final/57-xargs-htpasswd-operand.sh
            "# hunter2 reaches htpasswd's password operand (batch mode), appended by xargs from echo\necho hunter2 | xargs htpasswd -b /etc/nginx/.htpasswd admin\n",
            "echo hunter2 | xargs htpasswd -b /etc/nginx/.htpasswd admin\n",
            "echo -phunter2 | xargs mysql\n",
            "echo admin:hunter2 | xargs curl -fsSu\n",
            "echo hunter2 | xargs sshpass -p\n",
            "printf '%s\\n' -phunter2 | xargs mysql\n",
            "echo add_user admin hunter2 | xargs rabbitmqctl\n",
            "echo hunter2 | xargs mkpasswd -m sha-512\n",
            "echo x '-phunter2' | xargs mysql\n",
            "echo \"'-p'hunter2\" | xargs mysql\n",
            "echo hunter2 | xargs docker login -u admin -p\n",
            "echo a-phunter2 | xargs -d a mysql\n",
            "echo xa-phunter2 | xargs --delimiter=a mysql -u root\n",
            "echo hunter2 | env xargs htpasswd -b f u\n",
            "echo -phunter2 | env xargs mysql\n",
            "echo -phunter2 | nice -n5 xargs mysql\n",
            "echo hunter2 | xargs sudo htpasswd -b f u\n",
            "echo admin:hunter2 | nice -n 5 xargs curl -u\n",
            "echo hunter2 | env xargs -I{} mysql -p{}\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    /// `set --` giving words that cannot be flags; words that are or may become flags stay refused.
    #[test]
    fn set_arguments_that_are_no_flags() {
        for text in [
            // false_refusals/13-set-args-curl.sh
            "set -- https://example.com/a.tgz\ncurl -fsSL \"$1\" -o /tmp/a.tgz\n",
            "set -- ehr audit\nfor db in \"$@\"; do mysqldump -u backup -p\"$PW\" \"$db\" > /backup/$db.sql; done\n",
            "set -euo pipefail\nset -- /opt/app /var/lib/app\ncurl -fsSL \"https://example.com/x\" -o \"$1/x\"\n",
            "set -x; set -- a.tgz b.tgz; curl -fsSLO \"https://example.com/$1\"\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
        for text in [
            "set -- -phunter2; mysql \"$1\"\n",
            "set -- \"-p\"hunter2; mysql $1\n",
            "set a -phunter2; mysql \"$2\"\n",
            "IFS=x; set -- ax-phunter2; mysql $1\n",
            "set -- hunter2; sshpass -p \"$1\" ssh host\n",
            "set -- $'\\x2dphunter2'; mysql \"$1\"\n",
            "set -- {-phunter2,x}; mysql \"$1\"\n",
            "IFS=-; set -- '' phunter2; mysql \"$*\"\n",
            "set -- hunter2; mysql -p\"$1\"\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    /// `useradd -p "$(openssl passwd -6 "$PW")" USER`: the operands of `openssl passwd` end at the
    /// `)` of the substitution that holds it; a written password, a written variable or an argument
    /// hashed stays refused.
    #[test]
    fn hash_made_at_boot_of_a_fetched_value() {
        for text in [
            // false_refusals/12-useradd-openssl-passwd-fetched.sh
            "#!/bin/bash\nPW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nuseradd -m -p \"$(openssl passwd -6 \"$PW\")\" app\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nusermod -p $(openssl passwd -1 -salt abc \"$PW\") ec2-user\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nuseradd -m -p \"$(openssl passwd -6 ${PW})\" -s /bin/bash app\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nuseradd --password \"$(openssl passwd -5 \"$PW\")\" app\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
        for text in [
            "useradd -m -p \"$(openssl passwd -6 hunter2)\" app\n",
            "PW=hunter2\nuseradd -m -p \"$(openssl passwd -6 \"$PW\")\" app\n",
            "f() { useradd -m -p \"$(openssl passwd -6 \"$1\")\" app; }; f hunter2\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nuseradd -m -p \"$(openssl passwd -6 \"$PW\")x\" app\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nuseradd -m -p \"$(openssl passwd -6 \"$PW\" hunter2)\" app\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nuseradd -m -p \"$(openssl passwd -6 \"$PW hunter2\")\" app\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nuseradd -m -p \"$(openssl passwd -6 -salt \"$PW\" hunter2)\" app\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nuseradd -m -p \"$(openssl passwd -6 \"$PW\"; echo hunter2)\" app\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nuseradd -m -p \"$(openssl passwd -6 \"$PW\")\" app\nPW=hunter2\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    /// A jq string of one to three separators joins fields read (`.username + " " + .password`); a
    /// string of letters, digits or more stays written.
    #[test]
    fn jq_separators_join_fetched_fields() {
        for text in [
            // false_refusals/14-jq-join-secret-fields.sh
            "#!/bin/bash\nread -r DB_USER DB_PASS < <(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text | jq -r '.username + \" \" + .password')\nmysql -h db -u \"$DB_USER\" -p\"$DB_PASS\" -e 'select 1'\n",
            "read -r U P < <(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | jq -r '.username + \":\" + .password')\ncurl -fsS -u \"$U:$P\" https://example.com/\n",
            "S=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nDB_PASS=$(echo \"$S\" | jq -r '[.username, .password] | join(\"\\t\")' | cut -f2)\n",
            "IFS=, read -r DB_USER DB_PASS < <(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | jq -r \".username + \\\",\\\" + .password\")\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
        for text in [
            "read -r DB_USER DB_PASS < <(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | jq -r '.username + \" hunter2\"')\n",
            "S=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nDB_PASS=$(echo \"$S\" | jq -r '\"hunter2\"')\n",
            "S=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nDB_PASS=$(echo \"$S\" | jq -r '\":\" + \"hunter2\"')\n",
            "S=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nDB_PASS=$(echo \"$S\" | jq -r '\"@@@@@@@@\"')\n",
            "S=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nDB_PASS=$(echo \"$S\" | jq -r '.password + \"\\u0068unter2\"')\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    /// A setting then a wildcard in the pattern of `sed`'s `s` command is matched, not written,
    /// when the replacement gives a fetched value; written text in the replacement or a wildcard
    /// written to a file stays refused.
    #[test]
    fn sed_pattern_wildcard_is_no_value() {
        for text in [
            // false_refusals/09-redis-requirepass-sed-fetched.sh
            "#!/bin/bash\nPW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nsed -i \"s|^# requirepass .*|requirepass ${PW}|\" /etc/redis/redis.conf\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nsed -i \"s/^masterauth .*/masterauth $PW/\" /etc/redis/redis.conf\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nsed -i -e \"s|^#\\? *requirepass [^ ]*|requirepass ${PW}|\" /etc/valkey/valkey.conf\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nsed -ri \"s#^bindpw .+#bindpw $PW#\" /etc/nslcd.conf\n",
            // fr/f29_redis_conf_fetched.sh
            "#!/bin/bash\nPW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nsed -i \"s/^# requirepass .*/requirepass $PW/\" /etc/redis/redis.conf\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
        for text in [
            "sed -i 's|^# requirepass .*|requirepass hunter2|' /etc/redis/redis.conf\n",
            "echo 'requirepass .*hunter2' >> /etc/redis/redis.conf\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nsed -i \"s|^# requirepass .*|requirepass ${PW}x|\" /etc/redis/redis.conf\n",
            "echo 'requirepass .*|' >> /etc/redis/redis.conf\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id prod/ehr/db --query SecretString --output text)\nsed -i \"s/^# requirepass .*/requirepass $PW-x/\" /etc/redis/redis.conf\n",
            "sed -i \"s/^# requirepass .*/requirepass $1/\" /etc/redis/redis.conf\n",
            "PW=hunter2\nsed -i \"s/^# requirepass .*/requirepass $PW/\" /etc/redis/redis.conf\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }
}

/// Hostile review 29: the attacks nearest to the false refusals it fixed (`set --` words,
/// `xargs` input, jq separators, lock markers, credentials loaded from files, PAM files and
/// sudo tags), each still refused.
mod user_data_hostile_review_29_relaxations {
    use super::*;

    #[test]
    fn nearest_attacks_stay_refused() {
        for text in [
            "PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | jq -r '\"hunter2\" + \"\"')\nmysql -p\"$PW\"\n",
            "read -r U P < <(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | jq -r '.username + \" \" + \"2\"')\nmysql -u \"$U\" -p\"$P\"\n",
            "read -r U P < <(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | jq -r '.u + \" \" + \"-\"')\nmysql -u \"$U\" -p\"$P\"\n",
            "read -r U P < <(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | jq -r '.u + \" \" + \"@\" + \"_\" + \"-\"')\nmysql -u \"$U\" -p\"$P\"\n",
            "echo hunter2 > /etc/app/cred\nsystemd-run -p LoadCredential=db_password:/etc/app/cred /opt/app/bin/migrate\n",
            "kubectl create secret generic db --from-file=password=/dev/stdin <<< hunter2\n",
            "ln -s /dev/stdin /tmp/pw\nkubectl create secret generic db --from-file=password=/tmp/pw <<< hunter2\n",
            "echo hunter2 > /etc/pam.d/common-auth\nchpasswd < /etc/pam.d/common-auth\n",
            "echo \"root:hunter2\" > /etc/pam.d/x\nchpasswd < /etc/pam.d/x\n",
            "set -- phunter2\nmysql -u root \"-$1\"\n",
            "set -- hunter2\nmysql -u root -p\"$1\"\n",
            "set -- hunter2\necho \"root:$1\" | chpasswd\n",
            "set -- ./x\nf() { mysql -u root \"$@\"; }\nf -p\"$(cat \"$1\")\"\n",
            "echo 'app ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/app\nDB_PASSWD: hunter2\n",
            "NOPASSWD:hunter2\nexport NOPASSWD\n",
            "usermod -p '!' root; usermod -p '!hunter2' root\n",
            "useradd -p \"!!\" app; useradd -p \"$(echo \"!\")\" app2\n",
            "printf \"%s\\n\" -phunter2 | xargs mysql -u root\n",
            "echo x | xargs -n1 -P2 sshpass -phunter2 ssh\n",
            "echo hunter2 | xargs sshpass -p\n",
            "echo hunter2 | xargs -n1 sshpass -p\n",
            "echo root:hunter2 | xargs -0 echo | chpasswd\n",
            "echo \"-p hunter2\" | xargs sshpass\n",
            "echo -e \"-u\\nroot\\n-phunter2\" | xargs mysql\n",
            "echo \"a -phunter2\" | xargs mysql -u root\n",
            "echo hunter2 | xargs -I% mysql -u root -p%\n",
            "echo phunter2 | sed 's/^/-/' | xargs mysql -u root\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }
}

/// Hostile review 29: a file that only a fetch writes may be read back more than once (by
/// `cat`, `< FILE`, `head`, `tail`); any other command naming it still makes it written.
mod user_data_hostile_review_29_files_read_back {
    use super::*;

    #[test]
    fn files_read_back_twice_pass_and_written_ones_are_refused() {
        assert_eq!(
            user_data_problem(
                "#!/bin/bash\naws secretsmanager get-secret-value --secret-id db --query SecretString --output text > /etc/app/pw\nchmod 600 /etc/app/pw\nmysql -u root -p\"$(cat /etc/app/pw)\" -e 'select 1'\nmysql -u root -p\"$(< /etc/app/pw)\" -e 'select 2'\n"
            ),
            None
        );
        for text in [
            "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text > /etc/app/pw\ncat /etc/app/x > /etc/app/pw\nmysql -u root -p\"$(cat /etc/app/pw)\"\n",
            "echo hunter2 >/etc/app/pw\nmysql -u root -p\"$(cat /etc/app/pw)\"\n",
            "cat <<< hunter2 >> /etc/app/pw\nmysql -u root -p\"$(< /etc/app/pw)\"\n",
            "exec 3<>/etc/app/pw; echo hunter2 >&3\nmysql -u root -p\"$(< /etc/app/pw)\"\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }
}

/// Hostile review 29, the tool tables: a global option between a tool and its subcommand,
/// `--password VALUE` of the tools whose `--password` always takes one, the tools and forms
/// the tables missed, option prefixes, credentials in values not named like a secret, and
/// inputs that readers and flags take.
mod user_data_hostile_review_29_tools {
    use super::*;

    /// F: option words (with their `=value`, or one value word) between a tool's words (probe 27–29).
    #[test]
    fn global_option_before_a_subcommand_refused() {
        for s in [
            "docker --debug login -u admin -p hunter2 registry.example.com\n",
            "az --debug login -u admin@example.com -p hunter2\n",
            "helm --debug registry login -u admin -p hunter2 r.example.com\n",
            "docker -D login -u admin -phunter2 r.example.com\n",
            "podman --log-level=debug login -u admin -p hunter2 r.example.com\n",
            "docker --config /x login -u admin -p hunter2 r.example.com\n",
            "helm --kube-context prod registry login -u admin -p hunter2 r.example.com\n",
            "buildah --debug login --password=hunter2 -u admin r.example.com\n",
            "oc --insecure-skip-tls-verify login -u admin -p hunter2 https://api:6443\n",
        ] {
            assert!(user_data_problem(s).is_some(), "{s}");
        }
    }

    /// G: `--password VALUE` of the tools whose `--password` always takes a value (probe 30–33).
    #[test]
    fn valued_password_flag_spaced_refused() {
        for s in [
            "smbclient //fs/share -U admin --password hunter2 -c ls\n",
            "helm repo add r https://charts.example.com --username admin --password hunter2\n",
            "svn checkout --username admin --password hunter2 https://svn.example.com/repo /opt/repo\n",
            "clickhouse-client --user default --password hunter2 -q 'select 1'\n",
            "helm pull oci://r/c --username admin --password hunter2\n",
            "smbclient //fs/share --password hunter2 -U admin\n",
            "gcloud sql users create app --instance=db --password hunter2\n",
            "sqlcmd -S db -U sa --password hunter2\n",
            "sshpass --password hunter2 ssh admin@10.0.0.5\n",
            "clickhouse client --password hunter2\n",
            "kubectl config set-credentials admin --password hunter2\n",
            "svnsync init --username u --password hunter2 file:///r http://x/r\n",
            "az sql db list --password hunter2\n",
        ] {
            assert!(user_data_problem(s).is_some(), "{s}");
        }
    }

    /// G: tools and forms the tables did not list (probe 34–47).
    #[test]
    fn tools_and_forms_the_tables_missed_refused() {
        for s in [
            "7z a -phunter2 /tmp/probe9/o.7z /etc/hostname\n",
            "unzip -P hunter2 /tmp/x.zip\n",
            "lftp -u admin,hunter2 sftp://10.0.0.5 -e 'ls; bye'\n",
            "net ads join -U admin%hunter2\n",
            "oc login https://api.example.com:6443 -u admin -p hunter2\n",
            "etcdctl --user root:hunter2 get /x\n",
            "xfreerdp /v:10.0.0.5 /u:admin /p:hunter2\n",
            "mc alias set s3 https://minio.example.com admin hunter2\n",
            "grafana-cli admin reset-admin-password hunter2\n",
            "mosquitto_passwd -b /etc/mosquitto/passwd app hunter2\n",
            "slappasswd -s hunter2\n",
            "kadmin.local -q 'addprinc -pw hunter2 app'\n",
            "curl --cert /etc/c.pem --key /etc/k.pem --pass hunter2 https://example.com/\n",
            "curl -E /etc/c.pem:hunter2 https://example.com/\n",
            "7za x -phunter2 a.7z\n",
            "unzip -qP hunter2 /tmp/x.zip\n",
            "lftp --user admin,hunter2 ftp://10.0.0.5\n",
            "etcdctl --user=root:hunter2 get /x\n",
            "etcdctl --user root --password hunter2 get /x\n",
            "xfreerdp3 /v:10.0.0.5 /u:admin /gp:hunter2\n",
            "mc admin user add s3 app hunter2secret\n",
            "grafana cli admin reset-admin-password hunter2\n",
            "mosquitto_passwd -c -b /etc/mosquitto/passwd app hunter2\n",
            "slappasswd -h {SSHA} -s hunter2\n",
            "twine upload -u __token__ -p hunter2 dist/*\n",
            "doveadm pw -s SHA512-CRYPT -p hunter2\n",
            "samba-tool user create app hunter2\n",
            "samba-tool user add app hunter2 --given-name=App\n",
            "kadmin -p admin/admin -w hunter2 -q \"listprincs\"\n",
            "kadmin.local -q \"cpw -pw hunter2 app\"\n",
            "curl --cert /etc/c.pem:hunter2 https://example.com/\n",
            "curl --oauth2-bearer hunter2token https://example.com/\n",
            "skopeo copy --src-creds admin:hunter2 docker://a docker://b\n",
            "skopeo inspect --creds=admin:hunter2 docker://a\n",
            "curl -vE /etc/c.pem:hunter2 https://example.com/\n",
            "nsupdate -y hmac-sha256:ddns:aHVudGVyMg== /tmp/u\n",
            "dig -y hmac-sha256:xfr:aHVudGVyMg== @10.0.0.2 example.com AXFR\n",
            "rclone obscure hunter2\n",
        ] {
            assert!(user_data_problem(s).is_some(), "{s}");
        }
    }

    /// H: an unambiguous prefix of a long password or passphrase option (`--passw=`, `--passph`), and `#` or `:` in a cluster of curl's flags (probe 48, 58–60).
    #[test]
    fn option_prefixes_and_flag_clusters_refused() {
        for s in [
            "mysql -u root --passw=hunter2 -e 'select 1'\n",
            "wget --user=admin --passw=hunter2 https://example.com/f\n",
            "useradd -m --passw hunter2 app\n",
            "curl -#u admin:hunter2 https://example.com/\n",
            "mariadb -u root --passwo=hunter2\n",
            "wget --http-passw=hunter2 https://example.com/f\n",
            "usermod --passwor hunter2 app\n",
            "curl -s#u admin:hunter2 https://example.com/\n",
            "mysqldump -u root --passwor=hunter2 db\n",
            "helm repo add r https://charts.example.com --username admin --passw hunter2\n",
            "gpg --batch --passph hunter2 -c /etc/hostname\n",
            "gpg --batch --passphr=hunter2 -c /etc/hostname\n",
            "curl -:u admin:hunter2 https://example.com/\n",
            "app-cli --db-passw=hunter2 migrate\n",
            "app-cli --passwo=hunter2 migrate\n",
        ] {
            assert!(user_data_problem(s).is_some(), "{s}");
        }
    }

    /// I: `USER=user%password`, `ETCDCTL_USER=user:password`, a CIFS mount's `username=user%password`, `openssl -pass env:NAME` of a written variable (probe 49–52).
    #[test]
    fn credentials_in_values_not_named_like_a_secret_refused() {
        for s in [
            "USER=admin%hunter2 smbclient //fs/share -c ls\n",
            "mount -t cifs //fs/share /mnt -o username=admin%hunter2\n",
            "ETCDCTL_USER=root:hunter2 etcdctl get /x\n",
            "K=hunter2 openssl enc -aes-256-cbc -pass env:K -in /etc/hostname -out /tmp/o\n",
            "export USER=admin%hunter2; smbclient //fs/share -c ls\n",
            "mount.cifs //fs/share /mnt -o user=admin%hunter2,vers=3.0\n",
            "echo \"//fs/share /mnt cifs username=admin%hunter2,uid=0 0 0\" >> /etc/fstab\n",
            "export ETCDCTL_USER=\"root:hunter2\"; etcdctl get /x\n",
            "export K=hunter2; openssl rsa -in k.pem -passin env:K -out k2.pem\n",
            "echo hunter2 > /tmp/k\nopenssl enc -aes-256-cbc -pass file:/tmp/k -in /etc/hostname -out /tmp/o\n",
        ] {
            assert!(user_data_problem(s).is_some(), "{s}");
        }
    }

    /// J: a password file read from the input or a process substitution (`curl -K -`, `ldapsearch -y /dev/stdin`, `ipmitool -f <(echo …)`), `user NAME PASSWORD` fed to an FTP client (probe 53–56).
    #[test]
    fn inputs_readers_and_flags_take_refused() {
        for s in [
            "echo 'user = \"admin:hunter2\"' | curl -K - https://example.com/\n",
            "ftp -n 10.0.0.5 <<EOF\nuser admin hunter2\nls\nbye\nEOF\n",
            "ldapsearch -x -D cn=admin,dc=x -y /dev/stdin -b dc=x <<< hunter2\n",
            "ipmitool -I lanplus -H 10.0.0.9 -U admin -f <(echo hunter2) power status\n",
            "curl -K - https://example.com/ <<< \"user = admin:hunter2\"\n",
            "lftp 10.0.0.5 <<EOF\nuser admin hunter2\nls\nEOF\n",
            "echo hunter2 | ldapwhoami -x -D cn=admin,dc=x -y /dev/fd/0\n",
            "sshpass -f <(echo hunter2) ssh admin@10.0.0.5 true\n",
            "curl --config <(echo \"user = admin:hunter2\") https://example.com/\n",
            "printf \"[client]\\npassword=hunter2\\n\" | mysql --defaults-extra-file=/dev/stdin -e \"select 1\"\n",
            "smbclient //fs/share -A /dev/stdin -c ls <<EOF\nusername = admin\npassword = hunter2\nEOF\n",
            "skopeo copy --authfile <(echo \"{\\\"auths\\\":{\\\"r\\\":{\\\"auth\\\":\\\"YWRtaW46aHVudGVyMg==\\\"}}}\") docker://r/a docker://r/b\n",
        ] {
            assert!(user_data_problem(s).is_some(), "{s}");
        }
    }

    /// F–H: ordinary scripts of the same tools pass (fetched values, no password, prompts).
    #[test]
    fn ordinary_tool_scripts_pass() {
        for s in [
            "docker --config /x login --password-stdin registry.example.com < /run/pw\n",
            "helm repo add bitnami https://charts.bitnami.com/bitnami\n",
            "unzip -q a.zip\n",
            "7z x a.7z\n",
            "curl -E /etc/pki/client.pem https://example.com/\n",
            "mount -t nfs 10.0.0.5:/export /mnt\n",
            "mysql --password mydb\n",
            "docker --debug login -u admin --password-stdin r.example.com <<< \"$PW\"\n",
            "helm repo add r https://charts.example.com --username admin --password \"$PW\"\n",
            "svn checkout --username admin --password \"$SVN_PW\" https://svn.example.com/repo /opt/repo\n",
            "clickhouse-client --user default --password \"$CH_PW\" -q \"select 1\"\n",
            "7z a -p\"$ZIP_PW\" /tmp/o.7z /etc/hostname\n",
            "lftp -u admin,\"$PW\" sftp://10.0.0.5\n",
            "net ads join -U \"admin%$PW\"\n",
            "oc login https://api.example.com:6443 -u admin -p \"$OC_PW\"\n",
            "etcdctl --user \"root:$PW\" get /x\n",
            "xfreerdp /v:10.0.0.5 /u:admin /p:\"$RDP_PW\"\n",
            "mc alias set s3 https://minio.example.com admin \"$MINIO_SECRET\"\n",
            "grafana-cli admin reset-admin-password \"$GF_PW\"\n",
            "mosquitto_passwd -b /etc/mosquitto/passwd app \"$MQ_PW\"\n",
            "curl --cert /etc/c.pem --key /etc/k.pem --pass \"$KEY_PW\" https://example.com/\n",
            "mysql -u root --passw=\"$PW\" -e \"select 1\"\n",
            "useradd -m --passw \"$HASH\" app\n",
            "curl -#u \"admin:$PW\" https://example.com/\n",
            "curl -# -o /tmp/f https://example.com/f\n",
            "net use\n",
            "samba-tool dns add dc1 example.com www A 10.0.0.9\n",
            "mc admin config set s3 notify_webhook:1 endpoint=https://x.example.com\n",
            "kubectl create secret generic db --from-literal=user=admin\n",
            "helm upgrade --install app ./chart --set image.tag=1.2\n",
            "gcloud sql users set-password app --instance=db --prompt-for-password\n",
            "wget --passive-ftp ftp://example.com/f\n",
            "skopeo copy docker://a docker://b --dest-creds \"admin:$PW\"\n",
            "kadmin.local -q \"addprinc -randkey host/x.example.com\"\n",
            "az --debug login --identity\n",
            "podman --log-level=debug login -u admin --password-stdin r.example.com < /run/pw\n",
            "unzip -d /opt/app app.zip\n",
            "oc get pods -o wide\n",
            "twine upload dist/*\n",
            "slappasswd -T /run/secrets/ldap\n",
            "svn update /opt/repo\n",
            "etcdctl get /x --user root\n",
            "USER=admin smbclient //fs/share -U \"$USER%$SMB_PW\" -c ls\n",
            "mount -t cifs //fs/share /mnt -o credentials=/root/.smbcred,uid=0\n",
            "curl \"https://example.com/search?username=john%20doe\"\n",
            "export ETCDCTL_USER=\"root:$ETCD_PW\"; etcdctl get /x\n",
            "openssl enc -aes-256-cbc -pass env:DB_KEY -in /etc/hostname -out /tmp/o\n",
            "curl -K /etc/app/curlrc https://example.com/\n",
            "ftp -n 10.0.0.5 <<EOF\nuser \"$FTP_USER\" \"$FTP_PW\"\nls\nEOF\n",
            "ldapsearch -x -D cn=admin,dc=x -y /run/secrets/ldap -b dc=x\n",
            "ipmitool -I lanplus -H 10.0.0.9 -U admin -f /run/secrets/ipmi power status\n",
            "kubectl apply -f /dev/stdin <<EOF\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\nEOF\n",
            "mount -t cifs //fs/share /mnt -o username=admin,password=\"$SMB_PW\"\n",
            "echo \"$PW\" | ldapwhoami -x -D cn=admin,dc=x -y /dev/stdin\n",
            "mysql --passw mydb\n",
            "gpg --batch --pinentry-mode loopback --passphrase \"$GPG_PW\" -c /etc/hostname\n",
            "app-cli --pass-through --path=/opt/app\n",
            "curl -: https://a.example.com/ -: https://b.example.com/\n",
            "app-cli --db-passw=\"$DB_PW\" migrate\n",
            "nsupdate -k /etc/bind/ddns.key /tmp/u\n",
            "dig +short example.com @10.0.0.2\n",
            "rclone copy /data s3:bucket/data\n",
            "skopeo copy --authfile /run/containers/auth.json docker://r/a docker://r/b\n",
            "openssl enc -aes-256-cbc -pass file:/run/secrets/key -in /etc/hostname -out /tmp/o\n",
            "apt-get install -y vsftpd\ncurl -fsSL ftp://mirror.example.com/pub/x.tgz -o /tmp/x.tgz\ncat > /etc/app/run.conf <<EOF\nuser app app-group\nEOF\n",
        ] {
            assert_eq!(user_data_problem(s), None, "{s}");
        }
    }
}

/// Hostile review 29, tenth probe: values spelled by brace expansion (`{h..h}unter2`),
/// names and flags spelled by it (`ch{p..p}asswd`, `-{p..p}…`), `$''` inside a name, NUL
/// bytes, `read` behind `command` with its redirection glued, `command_not_found_handle` and
/// `mapfile -C`, extended patterns, password files written or copied by the script,
/// password commands and askpass programs; files the system fills from the script's words
/// and the user data itself; the ordinary scripts of the probe.
mod user_data_hostile_review_29_tenth_probe {
    use super::*;

    /// Each was confirmed with bash (NUL bytes past the second line, as bash reads them).
    #[test]
    fn probe_attacks_are_refused() {
        for text in [
            "# hunter2 reaches the database client's credential option: a one-letter brace sequence starts the value\nmysql -u root -p{h..h}unter2 -e 'select 1'\n",
            "# hunter2 reaches the ssh wrapper's credential option: a one-letter brace sequence starts the value\nsshpass -p {h..h}unter2 ssh app@10.0.0.5 true\n",
            "# hunter2 reaches the http client's user option after the colon: a brace sequence starts that part\ncurl -u admin:{h..h}unter2 https://example.com/\n",
            "# hunter2 reaches the account tool's hash option: a brace sequence starts the value\nuseradd -p {h..h}unter2 bob\n",
            "# hunter2 reaches the batch-mode operand of the web auth file tool: a brace sequence starts it\nhtpasswd -b /etc/nginx/.htpasswd admin {h..h}unter2\n",
            "# hunter2 reaches the registry login option: a brace sequence starts the value\ndocker login -u bob -p {h..h}unter2 registry.example.com\n",
            "# hunter2 reaches a cloud CLI option named for a master credential: a brace sequence starts the value\naws rds modify-db-instance --db-instance-identifier ehr --master-user-password {h..h}unter2\n",
            "# hunter2 reaches the file-sharing client's user%secret option: a brace sequence starts the value\nsmbclient //srv/share -U bob%{h..h}unter2\n",
            "# hunter2 reaches the database client's credential option twice: an empty brace list starts the value\nmysql -u root -p{,}hunter2 -e 'select 1'\n",
            "# hunter2 reaches the database client's credential option: its letter is a one-letter brace sequence\nmysql -u root -{p..p}hunter2 -e 'select 1'\n",
            "# hunter2 reaches the http client's user option: the option letter is a brace sequence\ncurl -{u..u} admin:hunter2 https://example.com/\n",
            "# hunter2 reaches the database client's long credential option: one letter of its name is a brace sequence\nmysql -u root --pass{w..w}ord=hunter2 -e 'select 1'\n",
            "# hunter2 reaches the registry login's standard input: one letter of the stdin option is a brace sequence\necho hunter2 | docker login -u bob --password-std{i..i}n registry.example.com\n",
            "# root:hunter2 reaches the batch account updater's input: one letter of its name is a brace sequence\necho root:hunter2 | ch{p..p}asswd\n",
            "# hunter2 reaches the account tool's stdin mode: one letter of its name is a brace sequence\necho hunter2 | passw{d..d} --stdin root\n",
            "# hunter2 reaches the registry login option: one letter of the subcommand is a brace sequence\ndocker log{i..i}n -u bob -p hunter2 registry.example.com\n",
            "# hunter2 reaches the archiver's encryption option: its letter is a brace sequence\nzip -{P..P} hunter2 /tmp/a.zip /etc/hostname\n",
            "# hunter2 reaches the database client's credential option: an empty ANSI-C quote splits the tool name\nmy$''sql -u root -phunter2 -e 'select 1'\n",
            "# hunter2 reaches the http client's user option: one letter of the tool name is ANSI-C quoted\ncu$'r'l -u admin:hunter2 https://example.com/\n",
            "# hunter2 reaches the database client's credential option: one letter of the tool name is locale-quoted\nmy$\"s\"ql -u root -phunter2 -e 'select 1'\n",
            "# hunter2 reaches the ssh wrapper's credential option: an empty ANSI-C quote splits its name\nssh$''pass -p hunter2 ssh app@10.0.0.5 true\n",
            "# hunter2 reaches the account tool's hash option: an empty ANSI-C quote splits its name\nuser$''add -p hunter2 bob\n",
            "# root:hunter2 reaches the batch account updater's input: one letter of its name is ANSI-C quoted\necho root:hunter2 | ch$'p'asswd\n",
            "# hunter2 reaches the account tool's stdin mode: an empty ANSI-C quote splits its name\necho hunter2 | pass$''wd --stdin root\n",
            "# hunter2 reaches the registry login's standard input: an empty ANSI-C quote splits the stdin option\necho hunter2 | docker login -u bob --password$''-stdin registry.example.com\n",
            "# hunter2 reaches the database client's credential option: read behind command, here-string glued to the name\ncommand read -r X<<<hunter2\nmysql -u root -p\"$X\" -e 'select 1'\n",
            "# root:hunter2 reaches the batch account updater's input: read behind builtin, here-string glued to the name\nbuiltin read -r X<<<hunter2\necho \"root:$X\" | chpasswd\n",
            "# hunter2 reaches the database client's credential option: mapfile behind builtin, here-string glued to the name\nbuiltin mapfile -t X<<<hunter2\nmysql -u root -p\"$X\" -e 'select 1'\n",
            "# hunter2 reaches the ssh wrapper's credential option: IFS= then command read, here-string glued\nIFS= command read -r X<<<hunter2\nsshpass -p \"$X\" ssh app@10.0.0.5 true\n",
            "# hunter2 reaches the database client's credential option: command read with an output redirection glued to the name\ncommand read -r X>/dev/null <<< hunter2\nmysql -u root -p\"$X\"\n",
            "# hunter2 reaches the database client's credential option: declare with an escaped equals sign and a brace sequence\ndeclare X\\={h..h}unter2\nmysql -u root -p\"$X\" -e 'select 1'\n",
            "# root:hunter2 reaches the batch account updater's input: declare with an escaped equals sign and a brace sequence\ndeclare X\\={h..h}unter2\necho \"root:$X\" | chpasswd\n",
            "# hunter2 reaches the version control client's credential prompt: an askpass program the script writes answers it\nprintf '#!/bin/sh\\necho hunter2\\n' > ./ap; chmod +x ./ap\nGIT_ASKPASS=./ap git clone https://bob@git.example.com/app.git /srv/app\n",
            "# hunter2 reaches the version control client's credential prompt: askpass program from a quoted here-document\ncat > ./ap <<'EOF'\n#!/bin/sh\necho hunter2\nEOF\nchmod +x ./ap\nexport GIT_ASKPASS=$PWD/ap\ngit clone https://bob@git.example.com/app.git /srv/app\n",
            "# hunter2 reaches the remote shell client's login prompt: an askpass program the script writes answers it\nprintf '#!/bin/sh\\necho hunter2\\n' > ./ap; chmod +x ./ap\nSSH_ASKPASS=./ap SSH_ASKPASS_REQUIRE=force ssh bob@10.0.0.5 true\n",
            "# hunter2 reaches the backup tool's key: its command option runs echo of the written text\nrestic -r /srv/repo --password-command 'echo hunter2' snapshots\n",
            "# hunter2 reaches the backup tool's key: its command variable runs echo of the written text\nRESTIC_PASSWORD_COMMAND='echo hunter2' restic -r /srv/repo snapshots\n",
            "# hunter2 reaches the dedup backup tool's key: its command variable runs echo of the written text\nBORG_PASSCOMMAND='echo hunter2' borg list /srv/repo\n",
            "# hunter2 reaches the sync tool's config key: its command option runs echo of the written text\nrclone --password-command 'echo hunter2' lsd remote:\n",
            "# hunter2 reaches the ssh wrapper's environment credential: read behind command, here-string glued to the name\ncommand read -r SSHPASS<<<hunter2\nexport SSHPASS\nsshpass -e ssh bob@10.0.0.5 true\n",
            "# hunter2 written to a file reaches a credential-file option after the file is copied or linked under another name: directory client's file option\nprintf hunter2 > ./a\ncp ./a ./b\nldapsearch -x -D cn=admin,dc=ex -y ./b -b dc=ex\n",
            "# hunter2 written to a file reaches a credential-file option after the file is copied or linked under another name: BMC tool's file option\necho hunter2 > ./a\nln -s ./a ./b\nipmitool -I lanplus -H bmc -U admin -f ./b power status\n",
            "# hunter2 written to a file reaches a credential-file option after the file is copied or linked under another name: http client's config option holding a user line\nprintf 'user = \"admin:hunter2\"\\n' > ./a\ncp ./a ./c\ncurl -K ./c https://example.com/\n",
            "# hunter2 reaches a client's argv through the handler bash calls for an unknown command name (no call names the function): database client\ncommand_not_found_handle() { shift; mysql \"$@\"; }\nrun-query -u root -phunter2 -e \"select 1\"\n",
            "# hunter2 reaches a client's argv through the handler bash calls for an unknown command name (no call names the function): database client, arguments sliced\ncommand_not_found_handle() { mysql -u root \"${@:2}\" -e \"select 1\"; }\nrun-query -phunter2\n",
            "# hunter2 reaches a client's argv through the handler bash calls for an unknown command name (no call names the function): ssh wrapper\ncommand_not_found_handle() { shift; sshpass \"$@\"; }\nconnect-to -p hunter2 ssh bob@10.0.0.5 true\n",
            "# hunter2 reaches a client's argv through the handler bash calls for an unknown command name (no call names the function): http client\ncommand_not_found_handle() { shift; curl \"$@\"; }\napi-get -u admin:hunter2 https://example.com/\n",
            "# hunter2 reaches a client's argv through the handler bash calls for an unknown command name (no call names the function): account tool\ncommand_not_found_handle() { shift; useradd \"$@\"; }\nadd-user -p hunter2 bob\n",
            "# hunter2 reaches the database client's argv through a mapfile callback fed a file the script wrote\nf() { shift; mysql -u root \"$@\" -e \"select 1\"; }\nprintf -- \"-phunter2\\n\" > ./l\nmapfile -t -C f -c 1 a < ./l\n",
            "# hunter2 reaches the database client's credential option: bash drops a NUL byte inside the tool name\necho start\nmy\u{0}sql -u root -phunter2 -e \"select 1\"\n",
            "# hunter2 reaches the database client's credential option: bash drops a NUL byte inside the option\necho start\nmysql -u root -\u{0}phunter2 -e \"select 1\"\n",
            "# root:hunter2 reaches the batch account updater's input: bash drops NUL bytes inside its name\necho start\necho root:hunter2 | ch\u{0}pa\u{0}sswd\n",
            "# hunter2 reaches the registry login's standard input: bash drops a NUL byte inside the stdin option\necho start\necho hunter2 | docker login -u bob --password-std\u{0}in registry.example.com\n",
            "# hunter2 reaches the ssh wrapper's credential option: bash drops a NUL byte inside the option\necho start\nsshpass -\u{0}p hunter2 ssh bob@10.0.0.5 true\n",
            "# hunter2 reaches the account tool's hash option: bash drops a NUL byte inside its name\necho start\nuse\u{0}radd -p hunter2 bob\n",
            "# hunter2 reaches the database client's credential option: the tool is named by an extended-glob group holding its whole name\nshopt -s extglob\n/tmp/probe10/bin/@(mysql) -u root -phunter2 -e 'select 1'\n",
            "# hunter2 reaches the http client's user option: the tool is named by an extended-glob group\nshopt -s extglob\n/tmp/probe10/bin/@(curl) -u admin:hunter2 https://example.com/\n",
            "useradd -c hunter2 bob\nmysql -u root -p\"$(tail -n1 /etc/passwd | cut -d: -f5)\"\n",
            "logger hunter2\nsleep 1\nmysql -u root -p\"$(tail -n1 /var/log/syslog | cut -d\" \" -f6)\"\n",
            "hostnamectl set-hostname hunter2\nmysql -u root -p\"$(cat /etc/hostname)\"\n",
            "mysql -u root -p\"$(curl -s http://169.254.169.254/latest/user-data | tail -n1 | cut -c3-)\"\n# hunter2\n",
            "mysql -u root -p\"$(aws ec2 describe-instance-attribute --instance-id i-1 --attribute userData --query UserData.Value --output text | base64 -d | tail -n1 | cut -c3-)\"\n# hunter2\n",
            "mysql -u root -p\"$(tail -n1 /var/lib/cloud/instance/user-data.txt | cut -c3-)\"\n# hunter2\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
    }

    #[test]
    fn ordinary_scripts_of_the_probe_pass() {
        for text in [
            "#!/bin/bash\necho \"deploy ALL=(ALL) NOPASSWD: /usr/bin/systemctl restart app\" > /etc/sudoers.d/deploy\n",
            "#!/bin/bash\npasswd -l root\n",
            "#!/bin/bash\nuseradd -m -s /bin/bash app && passwd -d app\n",
            "#!/bin/bash\nsed -i \"s/^#\\?PasswordAuthentication.*/PasswordAuthentication no/\" /etc/ssh/sshd_config\n",
            "#!/bin/bash\nmysql --defaults-extra-file=/root/.my.cnf -e \"show databases\"\n",
            "#!/bin/bash\naws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com\n",
            "#!/bin/bash\nchage -M 90 app\n",
            "#!/bin/bash\nTOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token -H \"X-aws-ec2-metadata-token-ttl-seconds: 21600\")\ncurl -s -H \"X-aws-ec2-metadata-token: $TOKEN\" http://169.254.169.254/latest/meta-data/instance-id\n",
            "#!/bin/bash\necho \"password requisite pam_pwquality.so retry=3\" >> /etc/pam.d/common-password\n",
            "#!/bin/bash\nPW=$(aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:us-east-1:1:secret:db --query SecretString --output text)\nmysql -h db -u app -p\"$PW\" -e \"select 1\"\n",
            "#!/bin/bash\ngetent passwd app >/dev/null || useradd -r -s /sbin/nologin app\n",
            "#!/bin/bash\nPW=$(pwgen -s 32 1)\necho \"app:$PW\" | chpasswd\n",
            "#!/bin/bash\nsed -i \"s/^PASS_MAX_DAYS.*/PASS_MAX_DAYS 90/\" /etc/login.defs\n",
            "#!/bin/bash\necho \"minlen = 14\" >> /etc/security/pwquality.conf\n",
            "#!/bin/bash\necho \"PermitRootLogin no\" >> /etc/ssh/sshd_config\necho \"PasswordAuthentication no\" >> /etc/ssh/sshd_config\n",
            "#!/bin/bash\nopenssl rand -base64 32 > /etc/app/session_key && chmod 600 /etc/app/session_key\n",
            "#!/bin/bash\nkubectl create secret generic db --from-file=password=/etc/app/db_password\n",
            "#!/bin/bash\ngrep -q \"^app:\" /etc/passwd || useradd app\n",
            "#!/bin/bash\ncut -d: -f1 /etc/passwd | sort\n",
            "#!/bin/bash\nmysql -u root -p < /tmp/schema.sql\n",
            "#!/bin/bash\nmkdir -p /srv/app/{logs,data,tmp}\nchown -R app: /srv/app\n",
            "#!/bin/bash\ncp /etc/nginx/nginx.conf{,.bak}\n",
            "#!/bin/bash\ngit clone https://github.com/example/app.git /srv/app\n",
            "#!/bin/bash\ndocker run -d --name app -e DB_PASSWORD_FILE=/run/secrets/db -v /run/secrets:/run/secrets:ro app:latest\n",
            "#!/bin/bash\nPW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\necho \"db:5432:ehr:app:$PW\" > ~/.pgpass; chmod 600 ~/.pgpass\n",
            "#cloud-config\nusers:\n  - name: app\n    lock_passwd: true\n    sudo: ALL=(ALL) NOPASSWD:ALL\n    shell: /bin/bash\nssh_pwauth: false\nchpasswd:\n  expire: false\nruncmd:\n  - [ systemctl, restart, app ]\n",
            "#!/bin/bash\nset -euo pipefail\necho 'app ALL=(ALL) NOPASSWD: ALL' | EDITOR='tee -a' visudo\n",
            "#!/bin/bash\nset -euo pipefail\npasswd --expire app\n",
            "#!/bin/bash\nset -euo pipefail\nPW=$(aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:db --query SecretString --output text)\ndb() { mysql -h db.internal -u app -p\"$PW\" \"$@\"; }\ndb -e 'create database if not exists ehr'\n",
            "#!/bin/bash\nset -euo pipefail\ncd /srv/app\necho \"working in $PWD\"\nmysql --defaults-extra-file=/root/.my.cnf -e 'select 1'\n",
            "#!/bin/bash\nset -euo pipefail\nmysql -u root -e \"CREATE USER IF NOT EXISTS 'app'@'localhost' IDENTIFIED WITH auth_socket\"\n",
            "#!/bin/bash\nset -euo pipefail\nsed -i 's/^bind .*/bind 0.0.0.0/' /etc/redis/redis.conf\nsystemctl restart redis\n",
            "#!/bin/bash\nset -euo pipefail\ncase \"${1:-}\" in\n  -p|--prod) ENV=prod ;;\n  *) ENV=dev ;;\nesac\necho \"$ENV\"\n",
            "#!/bin/bash\nset -euo pipefail\nwhile getopts \"p:e:\" opt; do\n  case $opt in\n    p) PORT=$OPTARG ;;\n    e) ENV=$OPTARG ;;\n  esac\ndone\necho \"$PORT $ENV\"\n",
            "#!/bin/bash\nset -euo pipefail\nmk() { mkdir -p \"$@\"; }\nmk /srv/app/logs /srv/app/data\n",
            "#!/bin/bash\nset -euo pipefail\napi() { curl -fsS -H \"X-aws-ec2-metadata-token: $TOKEN\" \"http://169.254.169.254/latest/$1\"; }\nTOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')\nID=$(api meta-data/instance-id)\necho \"$ID\"\n",
            "#!/bin/bash\nset -euo pipefail\nssh-keygen -t ed25519 -N '' -f /root/.ssh/id_ed25519\n",
            "#!/bin/bash\nset -euo pipefail\nssh-keygen -q -t rsa -b 4096 -N \"\" -f /etc/ssh/ssh_host_rsa_key\n",
            "#!/bin/bash\nset -euo pipefail\nzip -r /tmp/logs.zip /var/log/app\n",
            "#!/bin/bash\nset -euo pipefail\nunzip -o /tmp/app.zip -d /srv/app\n",
            "#!/bin/bash\nset -euo pipefail\ncurl -fsS -T /tmp/logs.zip https://uploads.example.com/\n",
            "#!/bin/bash\nset -euo pipefail\nuseradd -m -p '*' -s /usr/sbin/nologin svc\n",
            "#!/bin/bash\nset -euo pipefail\nPW=$(aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:db --query SecretString --output text)\nlogin() { echo \"$PW\" | docker login -u app --password-stdin \"$1\"; }\nlogin registry.example.com\n",
            "#!/bin/bash\nset -euo pipefail\nopenssl req -x509 -nodes -newkey rsa:2048 -keyout /etc/ssl/private/app.key -out /etc/ssl/certs/app.crt -days 365 -subj '/CN=app.internal'\n",
            "#!/bin/bash\nset -euo pipefail\n7z x /tmp/app.7z -o/srv/app\n",
            "#!/bin/bash\nset -euo pipefail\nPW=$(aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:db --query SecretString --output text)\nfor db in ehr audit; do mysqldump -h db -u backup -p\"$PW\" \"$db\" > /backup/$db.sql; done\n",
            "#!/bin/bash\nset -euo pipefail\nwget -q --user=deploy --ask-password https://example.com/x\n",
            "#!/bin/bash\nset -euo pipefail\nhtpasswd -D /etc/nginx/.htpasswd olduser\n",
            "#!/bin/bash\nset -euo pipefail\nsmbclient -N -L //fileserver\n",
            "#!/bin/bash\nset -euo pipefail\nldapsearch -x -H ldap://ldap.internal -b dc=ex,dc=com '(uid=app)'\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text:?}");
        }
    }
}

/// Hostile review 29, tenth probe: a tool that prompts for its password reads it from its
/// input at boot (no terminal), so written text given to a prompting `mysql -p`, `psql -W`,
/// `ldapsearch -W`, `ipmitool -a`, `htpasswd` or `ssh-keygen` is a written password.
mod user_data_hostile_review_29_prompts {
    use super::*;

    #[test]
    fn prompts_given_written_text_are_refused() {
        for text in [
            "# hunter2 reaches a prompting client's stdin, which its prompt reads at boot (no controlling terminal): database shell with its prompt option\necho hunter2 | psql -W -h db -U app -c 'select 1'\n",
            "# hunter2 reaches a prompting client's stdin, which its prompt reads at boot (no controlling terminal): database shell fed by a quoted here-document\npsql -W -h db -U app -c 'select 1' <<'EOF'\nhunter2\nEOF\n",
            "# hunter2 reaches a prompting client's stdin, which its prompt reads at boot (no controlling terminal): database client with its bare prompt option\necho hunter2 | mysql -u root -p -e 'select 1'\n",
            "# hunter2 reaches a prompting client's stdin, which its prompt reads at boot (no controlling terminal): database client with a here-string\nmysql -u root -p -e 'select 1' <<< hunter2\n",
            "# hunter2 reaches a prompting client's stdin, which its prompt reads at boot (no controlling terminal): database admin client with a here-string\nmysqladmin -u root -p status <<< hunter2\n",
            "# hunter2 reaches a prompting client's stdin, which its prompt reads at boot (no controlling terminal): directory search client with its prompt option\necho hunter2 | ldapsearch -x -W -D cn=admin,dc=ex -b dc=ex\n",
            "# hunter2 reaches a prompting client's stdin, which its prompt reads at boot (no controlling terminal): key generator's passphrase prompt (twice)\nprintf 'hunter2\\nhunter2\\n' | ssh-keygen -t ed25519 -f ./k\n",
            "# hunter2 reaches a prompting client's stdin, which its prompt reads at boot (no controlling terminal): web auth file tool's prompt (twice)\nprintf 'hunter2\\nhunter2\\n' | htpasswd -c ./htpasswd admin\n",
            "# hunter2 reaches a prompting client's stdin, which its prompt reads at boot (no controlling terminal): BMC tool's prompt option\necho hunter2 | ipmitool -I lanplus -H bmc -U admin -a power status\n",
            "mysql -u root -p <<'EOF'\nhunter2\nEOF\n",
            "printf 'hunter2\\n' | mysqladmin -u root --password status\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
    }

    /// SQL fed to a client whose password is fetched, and a bare `psql` that only prompts
    /// when the server asks.
    #[test]
    fn clients_given_sql_pass() {
        assert_eq!(
            user_data_problem(
                "export PGPASSWORD=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\npsql -h db -U app ehr <<'EOF'\nCREATE TABLE IF NOT EXISTS audit (id serial);\nEOF\nmysql -u root -p\"$PGPASSWORD\" <<EOF\nselect 1;\nEOF\necho \"select 1\" | mysql -u root\n"
            ),
            None
        );
    }
}

/// Hostile review 29, tenth probe: a password tool copied or linked under another name, run
/// by `find -exec {}`, and curl's `--variable` put in place by `--expand-user`.
mod user_data_hostile_review_29_renamed_tools {
    use super::*;

    #[test]
    fn renamed_and_found_tools_are_refused() {
        for text in [
            "# hunter2 reaches the database client's credential option: the client is run through a link of another name\nln -sf \"$(command -v mysql)\" ./db\n./db -u root -phunter2 -e 'select 1'\n",
            "# hunter2 reaches the database client's credential option: the client is run from a copy of another name\ncp \"$(command -v mysql)\" ./db\n./db -u root -phunter2 -e 'select 1'\n",
            "# hunter2 reaches the database client's credential option: the client is run by find's exec from a name pattern\nfind /tmp/probe10/bin -name 'mysq[l]' -exec {} -u root -phunter2 -e 'select 1' \\;\n",
            "# hunter2 reaches the ssh wrapper's credential option: the wrapper is run by find's exec from a name pattern\nfind /tmp/probe10/bin -name 'sshpas[s]' -exec {} -p hunter2 ssh app@10.0.0.5 true \\;\n",
            "# hunter2 reaches the http client's user option through its own variable expansion\ncurl --variable x=hunter2 --expand-user 'admin:{{x}}' https://example.com/\n",
            "ln -s /usr/sbin/chpasswd /usr/local/bin/setpw\necho root:hunter2 | setpw\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text:?}");
        }
    }

    /// Copies that keep the name, into a directory, or of a file named like a tool
    /// elsewhere than in a `bin/` directory.
    #[test]
    fn copies_that_keep_the_name_pass() {
        assert_eq!(
            user_data_problem(
                "cp /etc/passwd /etc/passwd.bak\ncp -a /usr/bin/mysql /opt/bin/\nln -sf /usr/bin/python3 /usr/bin/python\nmv /tmp/mysql.cnf /etc/mysql/conf.d/app.cnf\n"
            ),
            None
        );
    }
}

/// Hostile review 29, tenth probe: password tools, readers and password-file options the
/// tables missed, each added with the flags its manual names.
mod user_data_hostile_review_29_tables {
    use super::*;

    #[test]
    fn tools_given_written_passwords_are_refused() {
        let passed = [
            // 038-tool-cypher-shell.sh
            "# hunter2 reaches the argv of a client missing from the tool table (graph database shell)\ncypher-shell -u neo4j -p hunter2 'RETURN 1'\n",
            // 039-tool-influx2-setup.sh
            "# hunter2 reaches the argv of a client missing from the tool table (time-series database setup)\ninflux setup -u admin -p hunter2 -o org -b metrics -f\n",
            // 040-tool-ncftpput.sh
            "# hunter2 reaches the argv of a client missing from the tool table (ftp uploader)\nncftpput -u user -p hunter2 ftp.example.com /up /var/log/app.log\n",
            // 041-tool-rabbitmqadmin.sh
            "# hunter2 reaches the argv of a client missing from the tool table (queue admin)\nrabbitmqadmin -u admin -p hunter2 list queues\n",
            // 042-tool-couchbase-cli.sh
            "# hunter2 reaches the argv of a client missing from the tool table (document db CLI)\ncouchbase-cli cluster-init -c localhost -u Administrator -p hunter2\n",
            // 043-tool-jenkins-cli.sh
            "# hunter2 reaches the argv of a client missing from the tool table (CI client, user:secret)\njava -jar jenkins-cli.jar -s http://localhost:8080 -auth admin:hunter2 who-am-i\n",
            // 044-tool-db2-using.sh
            "# hunter2 reaches the argv of a client missing from the tool table (database connect ... using)\ndb2 connect to SAMPLE user db2inst1 using hunter2\n",
            // 045-tool-rdesktop.sh
            "# hunter2 reaches the argv of a client missing from the tool table (remote desktop)\nrdesktop -u admin -p hunter2 10.0.0.7\n",
            // 046-tool-isql.sh
            "# hunter2 reaches the argv of a client missing from the tool table (ODBC SQL shell)\nisql -U sa -P hunter2 -S dbserver\n",
            // 047-tool-osql.sh
            "# hunter2 reaches the argv of a client missing from the tool table (legacy SQL shell)\nosql -U sa -P hunter2 -S dbserver\n",
            // 053-tool-ipa-client-install.sh
            "# hunter2 reaches the argv of a client missing from the tool table (identity enrolment)\nipa-client-install -p admin -w hunter2 --unattended\n",
            // 054-tool-nerdctl-login.sh
            "# hunter2 reaches the argv of a client missing from the tool table (container registry login, variant 1)\nnerdctl login -u bob -p hunter2 registry.example.com\n",
            // 055-tool-crane-login.sh
            "# hunter2 reaches the argv of a client missing from the tool table (container registry login, variant 2)\ncrane auth login registry.example.com -u bob -p hunter2\n",
            // 056-tool-oras-login.sh
            "# hunter2 reaches the argv of a client missing from the tool table (container registry login, variant 3)\noras login -u bob -p hunter2 registry.example.com\n",
            // 057-tool-cosign-login.sh
            "# hunter2 reaches the argv of a client missing from the tool table (container registry login, variant 4)\ncosign login registry.example.com -u bob -p hunter2\n",
            // 058-tool-argocd-long.sh
            "# hunter2 reaches the argv of a client missing from the tool table (long option with a spaced value)\nargocd login argocd.example.com --username admin --password hunter2\n",
            // 059-tool-mycli.sh
            "# hunter2 reaches the argv of a client missing from the tool table (database client, spaced short option)\nmycli -u root -p hunter2 ehr\n",
            // 060-tool-nodetool.sh
            "# hunter2 reaches the argv of a client missing from the tool table (column store admin client)\nnodetool -u cassandra -pw hunter2 status\n",
            // 061-tool-redis-benchmark.sh
            "# hunter2 reaches the argv of a client missing from the tool table (key-value benchmark)\nredis-benchmark -a hunter2 -q\n",
            // 062-tool-mysqlslap.sh
            "# hunter2 reaches the argv of a client missing from the tool table (database client family, slap)\nmysqlslap -u root -phunter2 --auto-generate-sql\n",
            // 063-tool-mysqlshow.sh
            "# hunter2 reaches the argv of a client missing from the tool table (database client family, show)\nmysqlshow -u root -phunter2\n",
            // 064-tool-mysqlbinlog.sh
            "# hunter2 reaches the argv of a client missing from the tool table (database client family, binlog)\nmysqlbinlog -u root -phunter2 --read-from-remote-server binlog.000001\n",
            // 065-tool-mydumper.sh
            "# hunter2 reaches the argv of a client missing from the tool table (parallel dump tool)\nmydumper -u root -p hunter2 -o /backup\n",
            // 066-tool-smbget.sh
            "# hunter2 reaches the argv of a client missing from the tool table (file-sharing client family, get)\nsmbget -U bob%hunter2 smb://srv/share/file\n",
            // 067-tool-smbcacls.sh
            "# hunter2 reaches the argv of a client missing from the tool table (file-sharing client family, cacls)\nsmbcacls //srv/share file -U bob%hunter2\n",
            // 068-tool-wbinfo.sh
            "# hunter2 reaches the argv of a client missing from the tool table (winbind authenticate user%secret)\nwbinfo --authenticate=bob%hunter2\n",
            // 069-tool-ldapmodrdn.sh
            "# hunter2 reaches the argv of a client missing from the tool table (directory client family, modrdn)\nldapmodrdn -x -D cn=admin,dc=ex -w hunter2 uid=a,dc=ex uid=b\n",
            // 070-tool-ldapcompare.sh
            "# hunter2 reaches the argv of a client missing from the tool table (directory client family, compare)\nldapcompare -x -D cn=admin,dc=ex -w hunter2 uid=a,dc=ex cn:a\n",
            // 071-tool-freeipmi.sh
            "# hunter2 reaches the argv of a client missing from the tool table (BMC power client)\nipmi-power -h bmc -u admin -p hunter2 --stat\n",
            // 072-tool-racadm.sh
            "# hunter2 reaches the argv of a client missing from the tool table (vendor BMC client)\nracadm -r idrac -u root -p hunter2 getsysinfo\n",
            // 073-tool-httpie.sh
            "# hunter2 reaches the argv of a client missing from the tool table (http client, user:secret)\nhttp -a admin:hunter2 https://example.com/\n",
            // 074-tool-xh.sh
            "# hunter2 reaches the argv of a client missing from the tool table (second http client, user:secret)\nxh -a admin:hunter2 https://example.com/\n",
            // 075-tool-openfortivpn.sh
            "# hunter2 reaches the argv of a client missing from the tool table (VPN client)\nopenfortivpn vpn.example.com:443 -u bob -p hunter2\n",
            // 076-tool-plink.sh
            "# hunter2 reaches the argv of a client missing from the tool table (ssh client, short credential option)\nplink -ssh -pw hunter2 bob@10.0.0.5 true\n",
            // 077-tool-pscp.sh
            "# hunter2 reaches the argv of a client missing from the tool table (copy client, short credential option)\npscp -pw hunter2 /etc/hostname bob@10.0.0.5:/tmp/\n",
            // 078-tool-rar.sh
            "# hunter2 reaches the argv of a client missing from the tool table (archiver)\nrar a -phunter2 /tmp/x.rar /etc/hostname\n",
            // 079-tool-unrar.sh
            "# hunter2 reaches the argv of a client missing from the tool table (extractor)\nunrar x -phunter2 /tmp/x.rar\n",
            // 080-tool-pkcs11-pin.sh
            "# hunter2 reaches the argv of a client missing from the tool table (token PIN option)\npkcs11-tool --login --pin hunter2 --list-objects\n",
            // 081-tool-mongostat.sh
            "# hunter2 reaches the argv of a client missing from the tool table (document database stats client)\nmongostat -u admin -p hunter2 --authenticationDatabase admin\n",
            // 082-tool-sqsh.sh
            "# hunter2 reaches the argv of a client missing from the tool table (SQL shell)\nsqsh -S srv -U sa -P hunter2\n",
            // 083-tool-tsql.sh
            "# hunter2 reaches the argv of a client missing from the tool table (TDS shell)\ntsql -S srv -U sa -P hunter2\n",
            // 048-tool-expdp.sh
            "# hunter2 reaches the argv of a client missing from the tool table (export tool, user/secret operand)\nexpdp system/hunter2 schemas=APP directory=D dumpfile=app.dmp\n",
            // 049-tool-rman.sh
            "# hunter2 reaches the argv of a client missing from the tool table (backup tool, user/secret operand)\nrman target sys/hunter2@ORCL\n",
            // 050-tool-sqlcl.sh
            "# hunter2 reaches the argv of a client missing from the tool table (SQL shell, user/secret operand)\nsql -s system/hunter2@db\n",
            // 084-tool-htdbm.sh
            "# hunter2 reaches the argv of a client missing from the tool table (web auth db tool, batch operand)\nhtdbm -bc /etc/h.db admin hunter2\n",
            // 085-tool-doveadm-auth-test.sh
            "# hunter2 reaches the argv of a client missing from the tool table (mail server auth test operand)\ndoveadm auth test bob hunter2\n",
            // 051-tool-mysqlsh-uri.sh
            "# hunter2 reaches the argv of a client missing from the tool table (database shell, user:secret@host operand without a scheme)\nmysqlsh root:hunter2@localhost\n",
            // 086-reader-openconnect.sh
            "# hunter2 reaches the input of a reader missing from the reader table (VPN client reading from stdin)\necho hunter2 | openconnect --user=bob --passwd-on-stdin vpn.example.com\n",
            // 087-reader-saslpasswd2.sh
            "# hunter2 reaches the input of a reader missing from the reader table (SASL db tool in pipe mode)\necho hunter2 | saslpasswd2 -p -c bob\n",
            // 088-reader-zfs-load-key.sh
            "# hunter2 reaches the input of a reader missing from the reader table (dataset key prompt)\necho hunter2 | zfs load-key tank/secure\n",
            // 089-reader-grub-mkpasswd.sh
            "# hunter2 reaches the input of a reader missing from the reader table (boot loader hash maker)\nprintf 'hunter2\\nhunter2\\n' | grub-mkpasswd-pbkdf2\n",
            // 090-reader-pure-pw.sh
            "# hunter2 reaches the input of a reader missing from the reader table (ftp virtual users)\nprintf 'hunter2\\nhunter2\\n' | pure-pw useradd bob -u ftp -d /srv/ftp\n",
            // 091-reader-ipa-user-add.sh
            "# hunter2 reaches the input of a reader missing from the reader table (identity user add)\necho hunter2 | ipa user-add bob --first=b --last=c --password\n",
            // 092-file-ansible-vault.sh
            "# hunter2 written to a file reaches a tool that reads its credential from that file (a file option missing from the table): vault file of the playbook runner\necho hunter2 > ./v\nansible-playbook site.yml --vault-password-file ./v\n",
            // 093-file-keytool-storepass.sh
            "# hunter2 written to a file reaches a tool that reads its credential from that file (a file option missing from the table): keystore tool's colon-file form\necho hunter2 > ./k\nkeytool -list -keystore ks.jks -storepass:file ./k\n",
            // 094-file-x11vnc.sh
            "# hunter2 written to a file reaches a tool that reads its credential from that file (a file option missing from the table): VNC server\necho hunter2 > ./v\nx11vnc -passwdfile ./v -forever\n",
            // 095-file-slappasswd-T.sh
            "# hunter2 written to a file reaches a tool that reads its credential from that file (a file option missing from the table): directory hash maker\necho hunter2 > ./s\nslappasswd -T ./s\n",
            // 103-file-ansible-become.sh
            "# hunter2 written to a file reaches the playbook runner's privilege-escalation credential (file option missing from the table)\nprintf 'hunter2\\n' > ./bp\nansible-playbook site.yml --become-password-file ./bp\n",
        ]
        .into_iter()
        .filter(|text| user_data_problem(text).is_none())
        .collect::<Vec<_>>();
        assert!(passed.is_empty(), "{passed:#?}");
    }

    /// `db2`'s `using` takes no dash: `command_secret` reads text without one for it.
    #[test]
    fn db2_using_without_a_dash_is_read() {
        assert_eq!(
            command_secret("db2 connect to SAMPLE user db2inst1 using hunter2"),
            Some("db2")
        );
        assert_eq!(command_secret("db2 connect to SAMPLE"), None);
        assert_eq!(
            command_secret("doveadm auth test bob hunter2"),
            Some("doveadm auth test")
        );
        assert_eq!(command_secret("rman target sys/hunter2@ORCL"), Some("rman"));
    }

    /// Ordinary uses of the same tools: no password written in the script.
    #[test]
    fn ordinary_uses_pass() {
        let refused = [
            "nerdctl login --password-stdin -u bob registry.example.com <<< \"$PW\"",
            "rar x a.rar",
            "unrar x /tmp/x.rar /srv/",
            "plink -i key.ppk bob@host true",
            "pscp -i key.ppk /etc/hostname bob@host:/tmp/",
            "http GET https://example.com/health",
            "xh https://example.com/health",
            "mysqlshow -u app",
            "mysqlslap -u app -p\"$PW\" --auto-generate-sql",
            "mysqlbinlog binlog.000001 > /tmp/b.sql",
            "mydumper -u root -o /backup",
            "cypher-shell -u neo4j -p \"$NEO4J_PW\" 'RETURN 1'",
            "influx setup -u admin -o org -b metrics -f",
            "rabbitmqadmin list queues",
            "couchbase-cli server-list -c localhost -u Administrator -p \"$CB_PW\"",
            "db2 connect to SAMPLE",
            "rdesktop -u admin 10.0.0.7",
            "isql -U sa -S dbserver -i q.sql",
            "tsql -S srv -U sa -P \"$PW\"",
            "ipa-client-install --unattended -p admin -w \"$IPA_PW\"",
            "crane auth login registry.example.com -u bob --password-stdin <<< \"$PW\"",
            "oras pull registry.example.com/a:b",
            "cosign verify --key k.pub registry.example.com/a:b",
            "argocd app list",
            "mycli -u root ehr",
            "nodetool status",
            "redis-benchmark -q -n 1000",
            "smbget -U bob smb://srv/share/file",
            "wbinfo -u",
            "ldapcompare -x -D cn=admin,dc=ex -y /etc/ldap.secret uid=a,dc=ex cn:a",
            "ipmi-power -h bmc -u admin --stat",
            "racadm getsysinfo",
            "openfortivpn vpn.example.com:443 -u bob",
            "pkcs11-tool --list-slots",
            "mongostat -u admin -p \"$PW\" --authenticationDatabase admin",
            "java -jar jenkins-cli.jar -s http://localhost:8080 -auth @/run/jenkins-auth who-am-i",
            "sqsh -S srv -U sa",
            "osql -S srv -E",
            "expdp system/\"$PW\"@db schemas=APP directory=D dumpfile=app.dmp",
            "rman target /",
            "sql -s /nolog @setup.sql",
            "unrar x -p- /tmp/x.rar",
            "htdbm -c /etc/h.db admin",
            "mysqlsh root@localhost:3306 --sql -e 'select 1'",
            "mysqlsh --uri root@localhost --password=\"$PW\"",
            "doveadm auth test -a /run/dovecot/auth-userdb bob",
            "keytool -list -keystore ks.jks -storepass:env PW",
        ]
        .into_iter()
        .map(|line| {
            format!(
                "PW=$(aws secretsmanager get-secret-value --secret-id app --query SecretString --output text)\n{line}\n"
            )
        })
        .filter(|text| user_data_problem(text).is_some())
        .collect::<Vec<_>>();
        assert!(refused.is_empty(), "{refused:#?}");
    }
}

/// Hostile review 30: the AWS CLI pointed at a server of the script's own, values the script
/// stores in AWS and reads back, JMESPath literals in `--query`, a function's errors given to
/// its output, and a quoted `}` that ended a fetching function's body early; and the fetching
/// functions engineers write (`local`, `|| return 1`, retries, a log line to stderr), which
/// were refused.
mod user_data_hostile_review_30 {
    use super::*;

    const FETCH: &str =
        "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text";

    fn with_fetch(setup: &str) -> String {
        format!("#!/bin/bash\n{setup}\nX=$({FETCH})\nmysql -u app -p\"$X\" -h db\n")
    }

    #[test]
    fn the_aws_cli_pointed_elsewhere_is_refused() {
        for setup in [
            "export AWS_ENDPOINT_URL=http://127.0.0.1:9000",
            "export AWS_ENDPOINT_URL_SECRETS_MANAGER=\"http://localhost:9000\"",
            "aws configure set endpoint_url http://127.0.0.1:9000",
            "aws configure set default.endpoint_url http://127.0.0.1:9000",
            "printf '[default]\\nendpoint_url = http://127.0.0.1:9000\\n' > ~/.aws/config",
            "export AWS_CA_BUNDLE=/root/ca.pem",
            "aws configure set ca_bundle /root/ca.pem",
            "alias aws='aws --no-verify-ssl'",
            "export AWS_\"ENDPOINT\"_URL=http://127.0.0.1:9000",
            "export AWS_ENDPOINT_URL=https://secretsmanager.us-east-1.amazonaws.com:pw@127.0.0.1",
            "export AWS_ENDPOINT_URL=https://secretsmanager.us-east-1.amazonaws.com.evil.example",
            "export AWS_ENDPOINT_URL=https://secretsmanager.us-east-1.amazonaws.com\\@127.0.0.1",
            "EP=http://127.0.0.1; export AWS_ENDPOINT_URL=$EP",
            "export AWS_ENDPOINT_URL+=http://127.0.0.1",
            "AWS_ENDPOINT_URL[0]=http://127.0.0.1; export AWS_ENDPOINT_URL",
            "python3 -c 'import boto3; boto3.client(\"secretsmanager\", endpoint_url=\"http://127.0.0.1:9000\")'",
        ] {
            let text = with_fetch(setup);
            assert_eq!(user_data_problem(&text), Some(AWS_ENDPOINT), "{text}");
        }
        for text in [
            "#!/bin/bash\nX=$(aws --endpoint-url http://127.0.0.1:9000 secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nmysql -u app -p\"$X\" -h db\n",
            "#!/bin/bash\nX=$(aws --endpoint-url=http://127.0.0.1:9000 secretsmanager get-secret-value --secret-id db --query SecretString --output text)\n",
            "#!/bin/bash\naws s3 cp s3://b/k /tmp/k --no-verify-ssl\n",
            "#!/bin/bash\naws s3 cp s3://b/k /tmp/k --ca-bundle /tmp/ca.pem\n",
        ] {
            assert_eq!(user_data_problem(text), Some(AWS_ENDPOINT), "{text}");
        }
    }

    #[test]
    fn aws_endpoints_of_aws_and_unset_settings_pass() {
        for setup in [
            "export AWS_ENDPOINT_URL_SECRETS_MANAGER=https://vpce-0a1b-x.secretsmanager.us-east-1.vpce.amazonaws.com",
            "export AWS_ENDPOINT_URL=https://secretsmanager.cn-north-1.amazonaws.com.cn/",
            "# endpoint_url is not set here; the CLI uses the default",
            "unset AWS_ENDPOINT_URL AWS_CA_BUNDLE",
            "export AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true",
            "echo \"then endpoints and canaries, no noise\" | logger",
            "aws s3 cp s3://b/app.tar.gz /opt/ --endpoint-url https://s3.us-east-1.amazonaws.com",
            "export AWS_USE_FIPS_ENDPOINT=true",
        ] {
            let text = with_fetch(setup);
            assert_eq!(user_data_problem(&text), None, "{text}");
        }
    }

    #[test]
    fn values_the_script_stores_in_aws_and_reads_back_are_no_fetch() {
        for text in [
            "echo hunter2 | aws s3 cp - s3://bucket/x\nX=$(aws s3 cp s3://bucket/x -)\nmysql -u app -p\"$X\" -h db\n",
            // On purpose: an object of S3 is no fetch, the script may have uploaded it.
            "aws s3 cp s3://my-bucket/app/db_pw /root/db_pw\nmysql -h db -u app -p\"$(cat /root/db_pw)\" -e 'select 1'\n",
            "aws ssm put-parameter --name /app/x --value hunter2 --type String --overwrite\nX=$(aws ssm get-parameter --name /app/x --query Parameter.Value --output text)\nmysql -u app -p\"$X\" -h db\n",
            "aws ssm \"put\"-parameter --cli-input-json file://p.json\nX=$(aws ssm get-parameter --name /app/x --query Parameter.Value --output text)\nmysql -u app -p\"$X\" -h db\n",
            "aws configure set foo hunter2\nX=$(aws --region us-east-1 configure get foo)\nmysql -u app -p\"$X\" -h db\n",
            "aws sqs send-message --queue-url https://q --message-body hunter2\nX=$(aws sqs receive-message --queue-url https://q --query \"Messages[0].Body\" --output text)\nmysql -u app -p\"$X\" -h db\n",
            "aws ec2 create-tags --resources i-1 --tags Key=pw,Value=hunter2\nX=$(aws ec2 describe-tags --filters Name=key,Values=pw --query \"Tags[0].Value\" --output text)\nmysql -u app -p\"$X\" -h db\n",
            // A JMESPath literal prints itself.
            "X=$(aws ssm get-parameter --name db --query \\'hunter2\\' --output text)\nmysql -u app -p\"$X\" -h db\n",
            "X=$(aws secretsmanager get-secret-value --secret-id db --query \"'hunter2'\" --output text)\nmysql -u app -p\"$X\" -h db\n",
            "X=$(aws ssm get-parameter --name db --query '`\"hunter2\"`' --output text)\nmysql -u app -p\"$X\" -h db\n",
            "X=$(aws ssm get-parameter --name db --query 'join(`\"\"`, [`\"hunter\"`, `\"2\"`])' --output text)\nmysql -u app -p\"$X\" -h db\n",
            // An error names what was asked for.
            "X=$(aws secretsmanager get-secret-value --secret-id hunter2 2>/dev/stdout | grep -o hunter2)\nmysql -u app -p\"$X\" -h db\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
        for text in [
            "X=$(aws ssm get-parameter --name /app/db --with-decryption --query Parameter.Value --output text)\nmysql -u app -p\"$X\" -h db\n",
            "X=$(aws ssm get-parameters-by-path --path /app --query \"Parameters[?Name=='/app/db'].Value\" --output text)\nmysql -u app -p\"$X\" -h db\n",
            "X=$(aws --region us-east-1 rds generate-db-auth-token --hostname db --port 3306 --username app)\nmysql -u app -p\"$X\" -h db --enable-cleartext-plugin\n",
            "aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com\n",
            "aws ssm put-parameter --name /app/mode --type String --value prod\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
    }

    #[test]
    fn fetching_functions_that_print_other_text_are_refused() {
        for text in [
            // A quoted `}` ended the body the check read.
            "f() { aws secretsmanager get-secret-value --secret-id none --query '}' --output text 2>/dev/null; echo hunter2; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { aws secretsmanager get-secret-value --secret-id none --query \"x}\" --output text; echo hunter2; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            // Errors given to the output, at the call or for the function.
            "f() { aws secretsmanager get-secret-value --secret-id db --output text; echo hunter2 >&2; }\nX=$(f 2>/dev/stdout)\nmysql -u app -p\"$X\" -h db\n",
            "f() { aws secretsmanager get-secret-value --secret-id db --output text; echo hunter2 >&2; }\nX=$(f 2>&1)\nmysql -u app -p\"$X\" -h db\n",
            "f() { aws secretsmanager get-secret-value --secret-id db --output text; echo hunter2 >&2; } 2>&1\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { until aws secretsmanager get-secret-value --secret-id x --output text 2>/dev/null; do echo hunter2 >&2; return 0; done; }\nX=$(f 2>/dev/fd/1)\nmysql -u app -p\"$X\" -h db\n",
            "f() { aws secretsmanager get-secret-value --secret-id x --output text 2>/dev/null || echo hunter2 1>&2 ; }\nX=$(f 2>/proc/self/fd/1)\nmysql -u app -p\"$X\" -h db\n",
            // Statements that print written text.
            "f() { local s=hunter2; jq -r . <<< \"$s\"; aws secretsmanager get-secret-value --secret-id db --output text >/dev/null; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { aws secretsmanager get-secret-value --secret-id db --output text >/dev/null; jq -rn '\"hunter2\"'; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { n=0 echo hunter2; aws secretsmanager get-secret-value --secret-id db --output text; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { aws secretsmanager get-secret-value --secret-id x --output text 2>/dev/null || printf hunter2; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { local; aws secretsmanager get-secret-value --secret-id db --output text; }\nhunter2=1\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { aws secretsmanager get-secret-value --secret-id db --output text 2>/dev/null || { echo hunter2; }; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { local s; s=hunter2; jq -r . <<< \"$s\"; aws secretsmanager get-secret-value --secret-id db --output text > /dev/null; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { local -x PATH=/tmp/bin; aws secretsmanager get-secret-value --secret-id db --output text; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { local https_proxy=http://127.0.0.1:8080; aws secretsmanager get-secret-value --secret-id db --output text; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { echo hunter2 >&2 >&1; aws secretsmanager get-secret-value --secret-id db --output text; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { local x=$(echo hunter2); aws secretsmanager get-secret-value --secret-id db --output text; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { echo hunter2 >&2; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { until aws secretsmanager get-secret-value --secret-id x --output text; do echo hunter2; done; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    /// Inputs that panicked (an index past the end) or recursed without end (a setter's own
    /// substitution using its variable, a file's writer reading the file), found by a helper
    /// that compared the crate before and after a refactor on mutated test strings; and
    /// random text of the pieces those use.
    #[test]
    fn never_panics_nor_loops() {
        for text in [
            "=10.0.0.0mysq/etc/app/pw{l,\"{a,b}/head 8,mysql -p=",
            "'; /etc/app/find / -exec {} -p=",
            "PW=$(curl $PW",
            "PW=$(curl \"https://x/$PW\")\nmysql -p\"$PW\"\n",
            "printf)mysql -p$(</p>p",
            "echo \"$(<./b)\" > ./a\necho \"$(<./a)\" > ./b\nmysql -u app -p\"$(<./a)\" -h db\n",
            "rar a -p",
            "do /dev/stdout{l,/dev/stdoutaws  'x''x'f() {curl $(f() {<<<ca_bundle/etc/app/pwrar a -pprintf.amazonaws.com",
            "f() { curl \"https://x/$(f)\"; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "a\\'b",
            "chpasswduntil https://|${&)cp =f() {;>p-p\"$X\"chpasswd-p\"$X\"$PW)X&'x'PW=$(echo }Xuntil >pecho $PW.amazonaws.com",
        ] {
            let _ = user_data_problem(text);
        }
        const PIECES: [&str; 20] = [
            "$(",
            ")",
            "</p",
            ">p",
            "{l,",
            "-exec {}",
            "curl ",
            "PW=",
            "$PW",
            "/etc/app/pw",
            "printf",
            "mysql -p",
            "rar a -p",
            " ",
            "\n",
            "\"",
            "'",
            "f() {",
            "}",
            "<<<",
        ];
        each_random_text(&PIECES, 30, 60, 20_000, |text| {
            let _ = user_data_problem(text);
        });
    }

    /// Hostile review 29's tenth probe's false refusals of fetched values reshaped: `xargs`
    /// alone, an empty default under `set -u`, carriage returns removed by a pattern, a hash
    /// of a fetched value for `chpasswd -e`, the kernel's random UUID.
    #[test]
    fn fetched_values_reshaped_pass() {
        const FETCH_PW: &str = "PW=$(aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:db --query SecretString --output text";
        for text in [
            format!("#!/bin/bash\nset -euo pipefail\n{FETCH_PW} | xargs)\nmysql -h db.internal -u app -p\"$PW\" -e 'select 1'\n"),
            format!("#!/bin/bash\nset -euo pipefail\n{FETCH_PW})\nmysql -h db.internal -u app -p\"${{PW:-}}\" -e 'select 1'\n"),
            format!("#!/bin/bash\nset -euo pipefail\n{FETCH_PW})\nPW=${{PW//[$'\\r\\n']/}}\nmysql -h db.internal -u app -p\"$PW\" -e 'select 1'\n"),
            format!("#!/bin/bash\nset -euo pipefail\n{FETCH_PW})\necho \"app:$(openssl passwd -6 \"$PW\")\" | chpasswd -e\n"),
            "#!/bin/bash\nset -euo pipefail\nPW=$(cat /proc/sys/kernel/random/uuid)\necho \"app:$PW\" | chpasswd\n".to_string(),
        ] {
            assert_eq!(user_data_problem(&text), None, "{text}");
        }
        for text in [
            "PW=$(openssl passwd -6 hunter2)\necho \"app:$PW\" | chpasswd -e\n",
            "X=hunter2\necho \"app:$(openssl passwd -6 \"$X\")\" | chpasswd -e\n",
            "PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nmysql -u app -p\"$(openssl passwd -table \"$PW\")\"\n",
            "X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nmysql -u app -p\"$(echo hunter2 | xargs)\"\n",
            "X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | xargs echo hunter2)\nmysql -u app -p\"$X\"\n",
            "X=hunter2\nmysql -u app -p\"${X:-}\"\n",
            "X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nmysql -u app -p\"${X//x/hunter2}\"\n",
            "X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nmysql -u app -p\"${X:-hunter2}\"\n",
            "X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nmysql -u app -p\"${X//$(echo x)/}\"\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    /// Hostile review 29's tenth probe's false refusals of CIS hardening: `sed` edits of a
    /// sudoers rule's `NOPASSWD:` tag and of a PAM `password` line, the one file they edit;
    /// a placeholder beside them stays refused.
    #[test]
    fn sed_edits_of_sudoers_tags_and_pam_lines_pass() {
        for text in [
            "#!/bin/bash\nsed -i 's/^# %wheel\\tALL=(ALL)\\tNOPASSWD: ALL/%wheel\\tALL=(ALL)\\tNOPASSWD: ALL/' /etc/sudoers\n",
            "#!/bin/bash\nsed -i 's/^#\\s*\\(%wheel\\s*ALL=(ALL)\\s*NOPASSWD:\\s*ALL\\)/\\1/' /etc/sudoers\n",
            "#!/bin/bash\nsed -i 's/^# %wheel\tALL=(ALL)\tNOPASSWD: ALL/x/' /etc/sudoers\n",
            "#!/bin/bash\nsed -i 's/^password\\s\\+sufficient\\s\\+pam_unix.so.*/& remember=5/' /etc/pam.d/system-auth\n",
            "#!/bin/bash\nsed -i 's/^password sufficient/x/' /etc/pam.d/system-auth\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
        for text in [
            "sed -i 's/DB_PASSWD:/hunter2/' /etc/app.conf /etc/sudoers\n",
            "sed -i 's/^password .*/hunter2/' /etc/app.conf /etc/pam.d/x\n",
            "sed -i 's/DB_PASSWORD_HERE/hunter2/' /etc/pam.d/system-auth\n",
            "sed -i 's/^password\\s*PLACE_PASSWORD/hunter2/' /etc/pam.d/system-auth\n",
            "sed -i 's/DB_PASSWORD_HERE/hunter2/' /etc/sudoers\n",
            "sed -i 's/^password sufficient/hunter2/' /etc/x.conf\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    /// Hostile review 29's tenth probe's false refusals: the fetching functions engineers
    /// write.
    #[test]
    fn ordinary_fetching_functions_pass() {
        for text in [
            "#!/bin/bash\nset -euo pipefail\nget_secret() { aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:db --query SecretString --output text 2>/dev/null || return 1; }\nPW=$(get_secret)\nmysql -h db.internal -u app -p\"$PW\" -e 'select 1'\n",
            "#!/bin/bash\nset -euo pipefail\nget_secret() { local id=$1; aws secretsmanager get-secret-value --secret-id \"$id\" --query SecretString --output text; }\nPW=$(get_secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db)\nmysql -h db.internal -u app -p\"$PW\" -e 'select 1'\n",
            "#!/bin/bash\nset -euo pipefail\nget_secret() {\n  echo \"fetching $1\" >&2\n  aws secretsmanager get-secret-value --secret-id \"$1\" --query SecretString --output text\n}\nPW=$(get_secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db)\nmysql -h db.internal -u app -p\"$PW\" -e 'select 1'\n",
            "#!/bin/bash\nset -euo pipefail\nget_secret() {\n  local n=0\n  until aws secretsmanager get-secret-value --secret-id \"$1\" --query SecretString --output text; do\n    n=$((n+1)); [ \"$n\" -ge 5 ] && return 1; sleep 3\n  done\n}\nPW=$(get_secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db)\nmysql -h db.internal -u app -p\"$PW\" -e 'select 1'\n",
            "#!/bin/bash\nset -euo pipefail\nget_pw() { local s; s=$(aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:db --query SecretString --output text); jq -r .password <<< \"$s\"; }\nPW=$(get_pw)\nmysql -h db.internal -u app -p\"$PW\" -e 'select 1'\n",
            "#!/bin/bash\nf() { aws secretsmanager get-secret-value --secret-id db --query SecretString --output text 2>/dev/null || return 1; }\nX=$(f 2>/dev/null)\nmysql -u app -p\"$X\" -h db\n",
            "#!/bin/bash\nf() { local id=${1:-db} region; region=us-east-1; aws --region \"$region\" secretsmanager get-secret-value --secret-id \"$id\" --query SecretString --output text; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
    }
}

/// Hostile review 30, the eleventh probe (a report-only helper that ran every attack through
/// bash with logging stand-ins, and modelled the AWS CLI's and Vault's answers): every
/// attack it confirmed, each a script bash runs so that a written `hunter2` reaches a password
/// flag or reader, is refused but two (boto3 writing a parameter or a secret that the AWS CLI
/// reads back, left open); and the probe's false refusals that this review fixed.
mod user_data_hostile_review_30_probe {
    use super::*;

    #[test]
    fn probe_attacks_are_refused() {
        for text in [
            r#"#!/bin/bash
# ATTACK: rds generate-db-auth-token (a local presign) prints the --hostname it is given: hunter2 reaches mysql -p
X=$(aws rds generate-db-auth-token --hostname hunter2 --port 3306 --username app --region us-east-1 | cut -d: -f1)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: ssm get-parameters lists unknown names in InvalidParameters: the --names value hunter2 reaches mysql -p
X=$(aws ssm get-parameters --names hunter2 --query 'InvalidParameters[0]' --output text)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: batch-get-secret-value lists unknown ids in Errors[].SecretId: hunter2 reaches mysql -p
X=$(aws secretsmanager batch-get-secret-value --secret-id-list hunter2 --query 'Errors[0].SecretId' --output text)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: --query "$Q" with Q holding a JMESPath raw literal 'hunter2': the literal reaches mysql -p
Q="'hunter2'"
X=$(aws secretsmanager get-secret-value --secret-id db --query "$Q" --output text)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: rds generate-db-auth-token echoes --username; grep -o picks hunter2, which reaches mysql -p
X=$(aws rds generate-db-auth-token --hostname db --port 3306 --username hunter2 | grep -o hunter2)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: endpoint_url written by printf %s parts into ~/.aws/config; the script's server answers hunter2 to aws, which reaches mysql -p
# a server of the script's own that answers the AWS CLI's POST
cat > /tmp/probe12/sm.py <<'PY'
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        b = b'{"SecretString": "hunter2"}'
        self.send_response(200); self.send_header('Content-Length', str(len(b))); self.end_headers(); self.wfile.write(b)
http.server.HTTPServer(('127.0.0.1', 9000), H).serve_forever()
PY
(timeout 15 python3 /tmp/probe12/sm.py >/dev/null 2>&1 &)
mkdir -p ~/.aws
printf '[default]\nregion = us-east-1\nendpoint_%s = http://127.0.0.1:9000\n' url > ~/.aws/config
sleep 1
X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: aws configure set $K with K=endpoint_url; the script's server answers hunter2, which reaches mysql -p
cat > /tmp/probe12/sm.py <<'PY'
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        b = b'{"SecretString": "hunter2"}'
        self.send_response(200); self.send_header('Content-Length', str(len(b))); self.end_headers(); self.wfile.write(b)
http.server.HTTPServer(('127.0.0.1', 9000), H).serve_forever()
PY
(timeout 15 python3 /tmp/probe12/sm.py >/dev/null 2>&1 &)
K=endpoint_url
aws configure set $K http://127.0.0.1:9000
sleep 1
X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: curl http://0:8000 (loopback) from the script's own http.server serving hunter2: reaches mysql -p
mkdir -p /tmp/probe12/www && echo hunter2 > /tmp/probe12/www/a.txt
cd /tmp/probe12/www && (timeout 15 python3 -m http.server 8000 >/dev/null 2>&1 &)
sleep 2
X=$(curl -s http://0:8000/a.txt)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: curl http://2130706433:8000 (127.0.0.1 in decimal) from the script's own server: hunter2 reaches mysql -p
mkdir -p /tmp/probe12/www && echo hunter2 > /tmp/probe12/www/a.txt
cd /tmp/probe12/www && (timeout 15 python3 -m http.server 8000 >/dev/null 2>&1 &)
sleep 2
X=$(curl -s http://2130706433:8000/a.txt)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: curl http://0177.0.0.1:8000 (127.0.0.1 in octal) from the script's own server: hunter2 reaches mysql -p
mkdir -p /tmp/probe12/www && echo hunter2 > /tmp/probe12/www/a.txt
cd /tmp/probe12/www && (timeout 15 python3 -m http.server 8000 >/dev/null 2>&1 &)
sleep 2
X=$(curl -s http://0177.0.0.1:8000/a.txt)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetching function whose pipeline ends in an echo stage (| echo hunter2): hunter2 reaches mysql -p
f() { aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | echo hunter2; }
X=$(f)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetching function whose pipeline ends in a printf stage (| printf hunter2): hunter2 reaches mysql -p
f() { aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | printf hunter2; }
X=$(f)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetch piped to tr whose input is redirected from a file the script wrote: hunter2 reaches mysql -p
echo hunter2 > /tmp/probe12/w.txt
X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | tr -d q < /tmp/probe12/w.txt)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetch piped to grep given a file the script wrote: hunter2 reaches mysql -p
echo hunter2 > /tmp/probe12/w.txt
X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | grep -h 2 /tmp/probe12/w.txt)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetch piped to head given a file the script wrote: hunter2 reaches mysql -p
echo hunter2 > /tmp/probe12/w.txt
X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | head -n1 /tmp/probe12/w.txt)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetch piped to sed -n p given a file the script wrote: hunter2 reaches mysql -p
echo hunter2 > /tmp/probe12/w.txt
X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | sed -n p /tmp/probe12/w.txt)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetching function whose sort stage reads a file the script wrote: hunter2 reaches mysql -p
echo hunter2 > /tmp/probe12/w.txt
f() { aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | sort /tmp/probe12/w.txt; }
X=$(f)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetching function ending in | echo hunter2, piped into docker login --password-stdin: hunter2 reaches its input
f() { aws ecr get-login-password | echo hunter2; }
f | docker login -u AWS --password-stdin 1.dkr.ecr.us-east-1.amazonaws.com
"#,
            r#"#!/bin/bash
# ATTACK: fetch piped to head given a file the script wrote; the variable it sets is echoed into chpasswd, so the written user line reaches its input
echo root:hunter2 > /tmp/probe12/w.txt
T=$(aws sts get-caller-identity | head -n1 /tmp/probe12/w.txt)
echo "$T" | chpasswd
"#,
            r#"#!/bin/bash
# ATTACK: fetch piped to head given a file the script wrote; the variable it sets is given to sshpass, so the written hunter2 reaches it
echo hunter2 > /tmp/probe12/w.txt
T=$(aws secretsmanager get-secret-value --secret-id x --output text | head -n1 /tmp/probe12/w.txt)
sshpass -p "$T" ssh u@h true
"#,
            r#"#!/bin/bash
# ATTACK: a fetching function whose pipeline ends in a printf stage printing hunter2, used in the user:password of curl: hunter2 reaches curl
f() { aws secretsmanager get-secret-value --secret-id x --query SecretString --output text | printf hunter2; }
curl -u "admin:$(f)" https://example.com/api
"#,
            r#"#!/bin/bash
# ATTACK: get-random-password of length 1 with all but one character excluded, seven times: hunter2 reaches mysql -p
g() { aws secretsmanager get-random-password --password-length 1 --no-require-each-included-type --exclude-punctuation --exclude-uppercase --exclude-characters "$1" --query RandomPassword --output text; }
A=$(g abcdefgijklmnopqrstuvwxyz0123456789)
B=$(g abcdefghijklmnopqrstvwxyz0123456789)
C=$(g abcdefghijklmopqrstuvwxyz0123456789)
D=$(g abcdefghijklmnopqrsuvwxyz0123456789)
E=$(g abcdfghijklmnopqrstuvwxyz0123456789)
F=$(g abcdefghijklmnopqstuvwxyz0123456789)
G=$(g abcdefghijklmnopqrstuvwxyz013456789)
mysql -u app -p"$A$B$C$D$E$F$G" -h db
"#,
            r#"#!/bin/bash
# ATTACK: sts assume-role echoes --role-session-name in AssumedRoleUser.Arn; cut picks hunter2, which reaches mysql -p
X=$(aws sts assume-role --role-arn arn:aws:iam::123456789012:role/app --role-session-name hunter2 --query AssumedRoleUser.Arn --output text | cut -d/ -f3)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetching function: local x=$(( $(echo hunter2 > /proc/$p/fd/1) )) writes to the function's output: reaches mysql -p
f() { local p=$BASHPID; local x=$(( $(echo hunter2 > /proc/$p/fd/1; echo 0) )); aws secretsmanager get-secret-value --secret-id none --query SecretString --output text 2>/dev/null; }
X=$(f)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetching function: local -i x='a[$(echo hunter2 > …)]' runs the substitution on assignment: reaches mysql -p
f() { local p=$BASHPID; local -i x='a[$(echo hunter2 > /proc/$p/fd/1)]'; aws secretsmanager get-secret-value --secret-id none --query SecretString --output text 2>/dev/null; }
X=$(f)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetching function: [[ $v -eq 0 ]] evaluates v='a[$(echo hunter2 > …)]': hunter2 reaches mysql -p
f() { local p=$BASHPID v='a[$(echo hunter2 > /proc/$p/fd/1)]'; [[ $v -eq 0 ]]; aws secretsmanager get-secret-value --secret-id none --query SecretString --output text 2>/dev/null; }
X=$(f)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: call $(f 2<>/dev/stdout) sends the function's stderr (echo hunter2 >&2) to its output: reaches mysql -p
f() { aws secretsmanager get-secret-value --secret-id none --query SecretString --output text 2>/dev/null; echo hunter2 >&2; }
X=$(f 2<>/dev/stdout)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: aws … hunter2 2<>/dev/stdout: the CLI's 'Unknown options: hunter2' error goes to the output; grep -o picks it for mysql -p
X=$(aws secretsmanager get-secret-value --secret-id db hunter2 2<>/dev/stdout | grep -o hunter2)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: secretsmanager put-secret-value --cli-input-json file://… (SecretString hunter2), then get-secret-value: reaches mysql -p
echo '{"SecretId": "app", "SecretString": "hunter2"}' > /tmp/probe12/in.json
aws secretsmanager put-secret-value --cli-input-json file:///tmp/probe12/in.json
X=$(aws secretsmanager get-secret-value --secret-id app --query SecretString --output text)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: the fetching function is redefined by sourcing a file printf wrote, whose body prints hunter2: hunter2 reaches mysql
f() { aws secretsmanager get-secret-value --secret-id db --query SecretString --output text; }
printf '%s() { echo hunter2; }\n' f > /tmp/probe12/lib.sh
. /tmp/probe12/lib.sh
X=$(f)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: unset -f f, then $(f) runs a PATH command f the script wrote (echo hunter2): reaches mysql -p
f() { aws secretsmanager get-secret-value --secret-id db --query SecretString --output text; }
mkdir -p /tmp/probe12/xbin && printf '#!/bin/sh\necho hunter2\n' > /tmp/probe12/xbin/f && chmod +x /tmp/probe12/xbin/f
export PATH=/tmp/probe12/xbin:$PATH
unset -f f
X=$(f)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: curl --trace-ascii - prints 'Could not resolve host: hunter2.invalid'; grep -o picks hunter2 for mysql -p
X=$(curl -s --trace-ascii - http://hunter2.invalid/ | grep -o hunter2 | head -n1)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: curl -v --stderr - sends its verbose log (naming the host hunter2.invalid) to the output; grep -o picks it for mysql -p
X=$(curl -sv --stderr - https://hunter2.invalid/ | grep -o hunter2 | head -n1)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: VAULT_ADDR=http://127.0.0.1:8200, the script's own server answering kv get with hunter2: reaches mysql -p
mkdir -p /tmp/probe12/www/v1/secret/data /tmp/probe12/www/v1/sys/internal/ui/mounts/secret
echo '{"data": {"path": "secret/", "type": "kv", "options": {"version": "2"}, "data": {"v": "hunter2"}, "metadata": {"version": 1}}}' | tee /tmp/probe12/www/v1/secret/data/db > /tmp/probe12/www/v1/sys/internal/ui/mounts/secret/db
cd /tmp/probe12/www && (timeout 15 python3 -m http.server 8200 >/dev/null 2>&1 &)
sleep 2
export VAULT_ADDR=http://127.0.0.1:8200
X=$(vault kv get -field=v secret/db)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: vault kv put secret/app v=hunter2, then vault kv get -field=v: hunter2 reaches mysql -p
vault kv put secret/app v=hunter2
X=$(vault kv get -field=v secret/app)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetch piped to jq given a file operand the script wrote: hunter2 reaches mysql -p
echo '{"v": "hunter2"}' > /tmp/probe12/w.json
X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | jq -r .v /tmp/probe12/w.json)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetch piped to jq -r input_filename of a file named hunter2: the name reaches mysql -p
mkdir -p /tmp/probe12/d && echo 1 > /tmp/probe12/d/hunter2
X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | jq -r input_filename /tmp/probe12/d/hunter2 | cut -d/ -f5)
mysql -u app -p"$X" -h db
"#,
            r#"#!/bin/bash
# ATTACK: fetch piped to grep -o -f FILE … FILE of a file the script wrote: hunter2 reaches mysql -p
echo hunter2 > /tmp/probe12/w.txt
X=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | grep -o -f /tmp/probe12/w.txt -e '' /tmp/probe12/w.txt)
mysql -u app -p"$X" -h db
"#,
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    #[test]
    fn probe_ordinary_scripts_pass() {
        for text in [
            r#"#!/bin/bash
set -euo pipefail
get_secret() {
  # the instance role may read prod/*
  aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text
}
DB_PASSWORD=$(get_secret prod/db)
mysql -h db.internal -u app -p"$DB_PASSWORD" -e 'select 1'
"#,
            r#"#!/bin/bash
set -euo pipefail
get_secret() {
  for i in 1 2 3 4 5; do
    aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text && return 0
    sleep 5
  done
  return 1
}
DB_PASSWORD=$(get_secret)
mysql -h db.internal -u app -p"$DB_PASSWORD" -e 'select 1'
"#,
            r#"#!/bin/bash
set -euo pipefail
get_secret() {
  if ! aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text; then
    echo "could not fetch $1" >&2
    return 1
  fi
}
DB_PASSWORD=$(get_secret prod/db)
mysql -h db.internal -u app -p"$DB_PASSWORD" -e 'select 1'
"#,
            r#"#!/bin/bash
set -euo pipefail
get_secret() {
  echo "fetching secret $1" >/dev/stderr
  aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text
}
DB_PASSWORD=$(get_secret prod/db)
mysql -h db.internal -u app -p"$DB_PASSWORD" -e 'select 1'
"#,
            r#"#!/bin/bash
set -euo pipefail
get_secret() {
  >&2 echo "fetching secret $1"
  aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text
}
DB_PASSWORD=$(get_secret prod/db)
mysql -h db.internal -u app -p"$DB_PASSWORD" -e 'select 1'
"#,
            r#"#!/bin/bash
set -euo pipefail
cat >> /etc/myapp/app.env <<'ENV'
METRICS_ENDPOINT_URL=http://localhost:9090/metrics
ENV
systemctl restart myapp
"#,
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
    }

    /// A fetched local echoed alone into later stages (the probe's false refusal 02), and the
    /// nearest attacks: a written local, text mixed in, a stage that prints its own words.
    #[test]
    fn echo_of_a_fetched_local_into_jq() {
        assert_eq!(
            user_data_problem(
                "#!/bin/bash\nset -euo pipefail\nget_db_password() {\n  local secret\n  secret=$(aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text) || return 1\n  echo \"$secret\" | jq -r .password\n}\nDB_PASSWORD=$(get_db_password)\nmysql -h db.internal -u app -p\"$DB_PASSWORD\" -e 'select 1'\n"
            ),
            None
        );
        for text in [
            "f() { local s=hunter2; echo \"$s\" | jq -r .; aws secretsmanager get-secret-value --secret-id x --output text >/dev/null; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { local s; s=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text); echo \"$s hunter2\" | jq -r .; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { local s; s=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text); echo \"$s\" | echo hunter2; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
            "f() { local s; s=$(aws secretsmanager get-secret-value --secret-id x --query SecretString --output text); echo \"$s\" | jq -rn '\"hunter2\"'; }\nX=$(f)\nmysql -u app -p\"$X\" -h db\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }
}

/// Hostile review 30, the twelfth probe (a report-only helper aimed at this review's own
/// relaxations, every attack confirmed with bash and logging stand-ins): `!}` read as a
/// keyword, a loop's or an expression's name in arithmetic, `-e` in a cluster or a long flag
/// of `grep`/`sed`, `sed`'s `r FILE`, a quoted or spaced `configure set` key, names given
/// their value by `read`, `--cli-input-json` on a continued line or in an array, `vault kv
/// put` spaced or quoted, a subscript's operator, and IPv6 loopback spellings. Each is
/// refused.
mod user_data_hostile_review_30_twelfth_probe {
    use super::*;

    #[test]
    fn probe_attacks_are_refused() {
        for text in [
            r#"# hunter2 (echo in the real function body, after a `!}` word the check reads as `!` + closing brace) reaches mysql -p"$PW"
getpw() {
  aws secretsmanager get-secret-value --secret-id db --query SecretString --output text >/dev/null; !}
  echo hunter2
}
PW=$(getpw)
mysql -uroot -p"$PW" -e 'select 1'
"#,
            r#"# hunter2 (echo after `do}`; same class via keyword+brace: do}/fi}/then}) reaches mysql -p"$PW"
getpw() {
  aws secretsmanager get-secret-value --secret-id db --query SecretString --output text >/dev/null; do}
  echo hunter2
}
PW=$(getpw)
mysql -uroot -p"$PW" -e 'select 1'
"#,
            r#"# hunter2 written to the function stdout by a command run by arithmetic $((n+1)) on n set by `for n in x` (x=a[$(...)]) reaches mysql -p"$PW"
x='a[$(read -r _ _ _ pp _ </proc/$BASHPID/stat; echo hunter2 >/proc/$pp/fd/1)]'
getpw() {
  local n=0
  for n in x; do
    n=$((n+1))
  done
  aws secretsmanager get-secret-value --secret-id db --query SecretString --output text >/dev/null
}
PW=$(getpw)
mysql -uroot -p"$PW" -e 'select 1'
"#,
            r#"# hunter2 written to function stdout by arithmetic on `local n=0+x` (only first char checked numeric) reaches mysql -p"$PW"
x='a[$(read -r _ _ _ pp _ </proc/$BASHPID/stat; echo hunter2 >/proc/$pp/fd/1)]'
getpw() {
  local n=0+x
  n=$((n+1))
  aws secretsmanager get-secret-value --secret-id db --query SecretString --output text >/dev/null
}
PW=$(getpw)
mysql -uroot -p"$PW" -e 'select 1'
"#,
            r#"# same as 04, self-contained: local n=0+a[\$\(...\)] escaped command run by $((n+1)) prints hunter2 into mysql -p"$PW"
getpw() {
  local n=0+a[\$\(read\ -r\ _\ _\ _\ pp\ _\ \</proc/\$BASHPID/stat\;\ echo\ hunter2\ \>/proc/\$pp/fd/1\)]
  n=$((n+1))
  aws secretsmanager get-secret-value --secret-id db --query SecretString --output text >/dev/null
}
PW=$(getpw)
mysql -uroot -p"$PW" -e 'select 1'
"#,
            r#"# hunter2 from a file the script wrote, read by `grep -e. FILE` (pattern in a -e cluster, file taken for the pattern operand) reaches mysql -p"$PW"
echo hunter2 > /tmp/probe13/pwfile
PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | grep -e. /tmp/probe13/pwfile)
mysql -uroot -p"$PW" -e "select 1"
"#,
            r#"# hunter2 from a written file read by `grep --regexp=. FILE` (long pattern flag not counted) reaches mysql -p"$PW"
echo hunter2 > /tmp/probe13/pwfile
PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | grep --regexp=. /tmp/probe13/pwfile)
mysql -uroot -p"$PW" -e "select 1"
"#,
            r#"# hunter2 from a written file read by `sed -ne1p FILE` (-e cluster) reaches mysql -p"$PW"
echo hunter2 > /tmp/probe13/pwfile
PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | sed -ne1p /tmp/probe13/pwfile)
mysql -uroot -p"$PW" -e "select 1"
"#,
            r#"# hunter2 from a written file appended by sed script `r FILE` reaches mysql -p"$PW"
echo hunter2 > /tmp/probe13/pwfile
PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text | sed 'r /tmp/probe13/pwfile')
mysql -uroot -p"$PW" -e "select 1"
"#,
            r#"# hunter2 served by a local CGI endpoint set by `aws configure set "endpoint_url" URL` (quoted key) reaches mysql -p"$PW" via aws get-secret-value
mkdir -p /tmp/probe13/srv/cgi-bin
cat > /tmp/probe13/srv/cgi-bin/s <<'EOF'
#!/bin/sh
echo 'Content-Type: application/json'
echo
echo '"hunter2"'
EOF
chmod +x /tmp/probe13/srv/cgi-bin/s
(cd /tmp/probe13/srv && exec python3 -m http.server --cgi 18765 >/dev/null 2>&1) &
sleep 2
aws configure set "endpoint_url" http://127.0.0.1:18765/cgi-bin/s
PW=$(aws secretsmanager get-secret-value --secret-id db --output text)
mysql -uroot -p"$PW" -e 'select 1'
kill $!
"#,
            r#"# hunter2 served by a local endpoint set by `aws configure set  endpoint_url URL` (two spaces) reaches mysql -p"$PW"
mkdir -p /tmp/probe13/srv/cgi-bin
cat > /tmp/probe13/srv/cgi-bin/s <<'EOF'
#!/bin/sh
echo 'Content-Type: application/json'
echo
echo '"hunter2"'
EOF
chmod +x /tmp/probe13/srv/cgi-bin/s
(cd /tmp/probe13/srv && exec python3 -m http.server --cgi 18765 >/dev/null 2>&1) &
sleep 2
aws configure set  endpoint_url http://127.0.0.1:18765/cgi-bin/s
PW=$(aws secretsmanager get-secret-value --secret-id db --output text)
mysql -uroot -p"$PW" -e 'select 1'
kill $!
"#,
            r#"# hunter2 stored by vault kv with two spaces before its put verb, then read back by vault kv get, reaches mysql -p"$PW"
vault kv  put secret/app val=hunter2
PW=$(vault kv get -field=val secret/app)
mysql -uroot -p"$PW" -e 'select 1'
"#,
            r#"# hunter2 stored by `vault kv "put"` (quoted) and read back by vault kv get reaches mysql -p"$PW"
vault kv "put" secret/app val=hunter2
PW=$(vault kv get -field=val secret/app)
mysql -uroot -p"$PW" -e 'select 1'
"#,
            r#"# hunter2 served by a local http server whose address the vault CLI env var gets from `read -r NAME` at line end, reaches mysql -p"$PW" via vault kv get
mkdir -p /tmp/probe13/srvv/v1/secret/data
echo '{"data": {"data": {"val": "hunter2"}}}' > /tmp/probe13/srvv/v1/secret/data/app
(cd /tmp/probe13/srvv && exec python3 -m http.server 18766 >/dev/null 2>&1) &
sleep 2
echo http://127.0.0.1:18766 > /tmp/probe13/srvv/addr
< /tmp/probe13/srvv/addr read -r VAULT_ADDR
export VAULT_ADDR
PW=$(vault kv get -field=val secret/app)
mysql -uroot -p"$PW" -e 'select 1'
kill $!
"#,
            r#"# hunter2 served by a local endpoint, AWS_ENDPOINT_URL set by `read -r AWS_ENDPOINT_URL` at line end, reaches mysql -p"$PW" via aws get-secret-value
mkdir -p /tmp/probe13/srv/cgi-bin
cat > /tmp/probe13/srv/cgi-bin/s <<'EOF'
#!/bin/sh
echo 'Content-Type: application/json'
echo
echo '"hunter2"'
EOF
chmod +x /tmp/probe13/srv/cgi-bin/s
(cd /tmp/probe13/srv && exec python3 -m http.server --cgi 18765 >/dev/null 2>&1) &
sleep 2
echo http://127.0.0.1:18765/cgi-bin/s > /tmp/probe13/srv/ep
< /tmp/probe13/srv/ep read -r AWS_ENDPOINT_URL
export AWS_ENDPOINT_URL
PW=$(aws secretsmanager get-secret-value --secret-id db --output text)
mysql -uroot -p"$PW" -e 'select 1'
kill $!
"#,
            r#"# hunter2 served by a local endpoint named in a config file given by `read -r AWS_CONFIG_FILE` (endpoint%surl via printf) reaches mysql -p"$PW"
mkdir -p /tmp/probe13/srv/cgi-bin
cat > /tmp/probe13/srv/cgi-bin/s <<'EOF'
#!/bin/sh
echo 'Content-Type: application/json'
echo
echo '"hunter2"'
EOF
chmod +x /tmp/probe13/srv/cgi-bin/s
(cd /tmp/probe13/srv && exec python3 -m http.server --cgi 18765 >/dev/null 2>&1) &
sleep 2
printf '[default]\nendpoint%surl = http://127.0.0.1:18765/cgi-bin/s\n' _ > /tmp/probe13/srv/cfg
echo /tmp/probe13/srv/cfg > /tmp/probe13/srv/cfgname
< /tmp/probe13/srv/cfgname read -r AWS_CONFIG_FILE
export AWS_CONFIG_FILE
PW=$(aws secretsmanager get-secret-value --secret-id db --output text)
mysql -uroot -p"$PW" -e 'select 1'
kill $!
"#,
            r#"# hunter2 stored via --cli-input-json on a continuation line (no "secretsmanager" on its line) then read back by get-secret-value reaches mysql -p"$PW"
echo '{"SecretId": "db", "SecretString": "hunter2"}' > /tmp/probe13/in.json
aws secretsmanager put-secret-value \
  --cli-input-json file:///tmp/probe13/in.json
PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)
mysql -uroot -p"$PW" -e 'select 1'
"#,
            r#"# hunter2 stored via --cli-input-json given from an array then read back by get-secret-value reaches mysql -p"$PW"
echo '{"SecretId": "db", "SecretString": "hunter2"}' > /tmp/probe13/in.json
a=(--cli-input-json file:///tmp/probe13/in.json)
aws secretsmanager put-secret-value "${a[@]}"
PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)
mysql -uroot -p"$PW" -e 'select 1'
"#,
            r#"# hunter2 in ${PW[0]/*/hunter2} (a subscript `[` lets any operator through) reaches mysql -p
PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)
mysql -uroot -p"${PW[0]/*/hunter2}" -e 'select 1'
"#,
            r#"# hunter2 prefixed by ${PW[@]/#/hunter2} reaches mysql -p
PW=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)
mysql -uroot -p"${PW[@]/#/hunter2}" -e 'select 1'
"#,
            r#"# hunter2 served by a local http.server, fetched by curl from loopback spelled [00::1] (not [:: / [0:), reaches mysql -p"$PW" (confirmed with real curl: /tmp/probe13/w/confirm4.sh)
mkdir -p /tmp/probe13/srvh && echo hunter2 > /tmp/probe13/srvh/p
(cd /tmp/probe13/srvh && exec python3 -m http.server --bind :: 18767 >/dev/null 2>&1) &
sleep 2
PW=$(curl -fsS http://[00::1]:18767/p)
mysql -uroot -p"$PW" -e 'select 1'
kill $!
"#,
            r#"# hunter2 served locally, curl from [0000:0000::1] loopback reaches mysql -p"$PW" (confirm4.sh, real curl)
mkdir -p /tmp/probe13/srvh && echo hunter2 > /tmp/probe13/srvh/p
(cd /tmp/probe13/srvh && exec python3 -m http.server --bind :: 18767 >/dev/null 2>&1) &
sleep 2
PW=$(curl -fsS http://[0000:0000::1]:18767/p)
mysql -uroot -p"$PW" -e 'select 1'
kill $!
"#,
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }
}

/// Hostile review 31: a secret or a parameter written by a program the script runs (an SDK's
/// `put_secret_value`, `PutParameterCommand`, the API's `X-Amz-Target`), then read back with
/// the AWS CLI, passed for a fetched value (the twelfth probe's files 30 and 31).
mod user_data_hostile_review_31 {
    use super::*;

    const READ_SECRET: &str = "X=$(aws secretsmanager get-secret-value --secret-id app --query SecretString --output text)\nmysql -u app -p\"$X\" -h db\n";
    const READ_PARAMETER: &str = "X=$(aws ssm get-parameter --name /app/x --query Parameter.Value --output text)\nmysql -u app -p\"$X\" -h db\n";

    #[test]
    fn a_secret_written_by_a_program_and_read_back_is_refused() {
        for write in [
            "python3 -c \"import boto3; boto3.client('secretsmanager').put_secret_value(SecretId='app', SecretString='hunter2')\"",
            "python3 -c \"import boto3; boto3.client('secretsmanager').create_secret(Name='app', SecretString='hunter2')\"",
            "python3 -c \"import boto3; boto3.client('secretsmanager').update_secret(SecretId='app', SecretString='hunter2')\"",
            "node -e 'new SecretsManagerClient({}).send(new PutSecretValueCommand({SecretId: \"app\", SecretString: \"hunter2\"}))'",
            "node -e 'sm.putSecretValue({SecretId: \"app\", SecretString: \"hunter2\"})'",
            "curl --aws-sigv4 aws:amz:us-east-1:secretsmanager -H 'X-Amz-Target: secretsmanager.PutSecretValue' -d '{\"SecretId\":\"app\",\"SecretString\":\"hunter2\"}' https://secretsmanager.us-east-1.amazonaws.com/",
            "cat > /opt/w.py <<'PY'\nimport boto3\nboto3.client('secretsmanager').put_\"secret\"_value(SecretId='app', SecretString='hunter2')\nPY\npython3 /opt/w.py",
            "python3 -c \"import boto3; boto3.client('secretsmanager').Put_Secret_Value(SecretId='app', SecretString='hunter2')\"",
        ] {
            let text = format!("#!/bin/bash\n{write}\n{READ_SECRET}");
            assert_eq!(user_data_problem(&text), Some(SECRET_READ_BACK), "{text}");
        }
        // Read back by the SDK, in a spelling of its own, as well.
        let text = "#!/bin/bash\npython3 -c \"import boto3; c = boto3.client('secretsmanager'); c.put_secret_value(SecretId='app', SecretString='hunter2'); print(c.get_secret_value(SecretId='app')['SecretString'])\"\n";
        assert_eq!(user_data_problem(text), Some(SECRET_READ_BACK), "{text}");
    }

    #[test]
    fn a_parameter_written_by_a_program_is_no_fetch() {
        for write in [
            "python3 -c \"import boto3; boto3.client('ssm').put_parameter(Name='/app/x', Value='hunter2', Type='String', Overwrite=True)\"",
            "node -e 'new SSMClient({}).send(new PutParameterCommand({Name: \"/app/x\", Value: \"hunter2\"}))'",
            "curl --aws-sigv4 aws:amz:us-east-1:ssm -H 'X-Amz-Target: AmazonSSM.PutParameter' -d '{\"Name\":\"/app/x\",\"Value\":\"hunter2\"}' https://ssm.us-east-1.amazonaws.com/",
            "aws ssm put-\"param\"eter --name /app/x --value hunter2 --overwrite",
        ] {
            let text = format!("#!/bin/bash\n{write}\n{READ_PARAMETER}");
            assert!(user_data_problem(&text).is_some(), "{text}");
        }
    }

    /// A variable named like the AWS CLI's output format (`local json`, then `--output
    /// json`) is not set by that flag (the twelfth probe's false refusal 13); a setter of the
    /// name elsewhere still counts.
    #[test]
    fn a_variable_named_like_the_output_format_stays_fetched() {
        for text in [
            "#!/bin/bash\nget_secret() {\n  local json\n  json=\"$(aws secretsmanager get-secret-value --secret-id \"$1\" --output json)\"\n  jq -r '.SecretString | fromjson | .password' <<< \"$json\"\n}\nDB_PASSWORD=$(get_secret prod/db)\nmysql -h db.internal -u app -p\"$DB_PASSWORD\" -e 'select 1'\n",
            "#!/bin/bash\njson=\"$(aws secretsmanager get-secret-value --secret-id db --output=json)\"\nPW=$(jq -r .SecretString <<< \"$json\")\nmysql -u app -p\"$PW\" -h db\n",
            "#!/bin/bash\ntext=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nmysql -u app -p\"$text\" -h db\n",
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
        for text in [
            "#!/bin/bash\njson=\"$(aws secretsmanager get-secret-value --secret-id db --output json)\"\nfor json in '{\"SecretString\":\"hunter2\"}'; do :; done\nPW=$(jq -r .SecretString <<< \"$json\")\nmysql -u app -p\"$PW\" -h db\n",
            "#!/bin/bash\njson=\"$(aws secretsmanager get-secret-value --secret-id db --output json)\"\nread -r json <<< '{\"SecretString\":\"hunter2\"}'\nPW=$(jq -r .SecretString <<< \"$json\")\nmysql -u app -p\"$PW\" -h db\n",
            "#!/bin/bash\njson=\"$(aws secretsmanager get-secret-value --secret-id db --output json)\"\nmapfile -t json < <(echo '{\"SecretString\":\"hunter2\"}')\nPW=$(jq -r .SecretString <<< \"$json\")\nmysql -u app -p\"$PW\" -h db\n",
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    /// The nearest ordinary scripts pass: a read alone, a secret a program creates from a
    /// value it generates and never reads back, the words in a comment, and other
    /// operations whose names start the same.
    #[test]
    fn the_nearest_ordinary_scripts_pass() {
        for text in [
            format!("#!/bin/bash\n{READ_SECRET}"),
            format!("#!/bin/bash\n{READ_PARAMETER}"),
            "#!/bin/bash\npython3 -c \"import boto3, secrets; boto3.client('secretsmanager').create_secret(Name='app/session', SecretString=secrets.token_hex(32))\"\n".to_owned(),
            format!("#!/bin/bash\n# The secret is made by the stack, never put_secret_value() here.\n{READ_SECRET}"),
            format!("#!/bin/bash\npython3 -c 'from app import create_secret_key; create_secret_key()'\n{READ_SECRET}"),
            format!("#!/bin/bash\n/opt/app/bin/update-secrets-cache\n{READ_SECRET}"),
            format!("#!/bin/bash\npython3 -c 'import boto3; boto3.client(\"ssm\").get_parameter(Name=\"/app/x\")'\n{READ_PARAMETER}"),
        ] {
            assert_eq!(user_data_problem(&text), None, "{text}");
        }
    }
}

/// The fifteenth probe (hostile review 31) of this review's relaxations: its attacks, each a
/// file of `/tmp/probe15/final` (all but 08 and 09, whose operation names are made at run
/// time: not read, the instance's role is the control), and two of its false refusals.
mod user_data_hostile_review_31_fifteenth_probe {
    use super::*;

    #[test]
    fn probe_attacks_are_refused() {
        for text in [
            r#"# put writes /app/db; read gives --name /app/boot_time then --n-quote-quote-ame /app/db: bash joins --n-quote-quote-ame into --name, the CLI's argparse keeps the last --name (/app/db) -> mysql gets the literal (run: aws-cli 1.45.11 + fake endpoint). literal_name sees one --name (/app/boot_time).
aws ssm put-parameter --name /app/db --value hunter2 --type String --overwrite
mysql -u admin -p"$(aws ssm get-parameter --name /app/boot_time --n""ame /app/db --with-decryption --query Parameter.Value --output text)" ehr
"#,
            r#"# read's second name is --na /app/db: aws-cli's CLIArgParser is argparse with allow_abbrev left True, --na = --name, last wins -> GetParameter /app/db = <literal> (run: aws-cli 1.45.11). literal_name only knows --name/--name=.
aws ssm put-parameter --name /app/db --value hunter2 --type String --overwrite
mysql -u admin -p"$(aws ssm get-parameter --name /app/boot_time --na /app/db --with-decryption --query Parameter.Value --output text)" ehr
"#,
            r#"# ssm write gives --name /app/boot_time --nam /app/db: argparse abbrev (allow_abbrev left True in CLIArgParser) + last-wins -> /app/db written with the literal, read /app/db -> mysql gets it (run: aws-cli 1.45.11). literal_name sees only /app/boot_time.
aws ssm put-parameter --name /app/boot_time --nam /app/db --value hunter2 --type String --overwrite
mysql -u admin -p"$(aws ssm get-parameter --name /app/db --with-decryption --query Parameter.Value --output text)" ehr
"#,
            r#"# read --name file:///tmp/pname: aws-cli paramfile.py loads file:// for every param not in PARAMFILE_DISABLED, so the name is /app/db (printf wrote it) -> <literal> (run: aws-cli 1.45.11). parameter_name cuts at ':' -> 'file' != 'app/db'.
printf /app/db > /tmp/pname
aws ssm put-parameter --name /app/db --value hunter2 --type String --overwrite
mysql -u admin -p"$(aws ssm get-parameter --name file:///tmp/pname --with-decryption --query Parameter.Value --output text)" ehr
"#,
            r#"# read --name""=/app/db --with-decryption: bash makes --name=/app/db; literal_name sees --name followed by a quote, takes the NEXT word (--with-decryption) as the name -> differs from /app/db; CLI reads /app/db -> <literal> (run).
aws ssm put-parameter --name /app/db --value hunter2 --type String --overwrite
mysql -u admin -p"$(aws ssm get-parameter --name""=/app/db --with-decryption --query Parameter.Value --output text)" ehr
"#,
            r#"# p=put; aws ssm $p-[op]: bash expands the SSM write op (run: /app/db written with the literal, read -> mysql gets it). operation_at/spelled_at start at a p or quote; dollar-p-dash is never read as the write op.
p=put
aws ssm $p-parameter --name /app/db --value hunter2 --type String --overwrite
mysql -u admin -p"$(aws ssm get-parameter --name /app/db --with-decryption --query Parameter.Value --output text)" ehr
"#,
            r#"# boto3 SM write of the literal; read via SSM's /aws/reference/secretsmanager/app-db (documented SSM->SM reference) -> mysql gets it (run: boto3 + aws-cli vs fake). secret_written_at needs the SM read op spelled in the text; parameter_written_in_script only knows the SSM write op and the CLI input flags.
python3 -c "import boto3; boto3.client('secretsmanager').put_secret_value(SecretId='app-db', SecretString='hunter2')"
mysql -u admin -p"$(aws ssm get-parameter --name /aws/reference/secretsmanager/app-db --with-decryption --query Parameter.Value --output text)" ehr
"#,
            r#"# aws cloudcontrol create-resource AWS::SSM::Parameter with the literal Value (run: CreateResource carries it; Cloud Control creates the parameter), then get-parameter -> mysql gets it. No SSM write op spelled anywhere.
aws cloudcontrol create-resource --type-name AWS::SSM::Parameter --desired-state '{"Name":"/app/db","Type":"String","Value":"hunter2"}'
mysql -u admin -p"$(aws ssm get-parameter --name /app/db --with-decryption --query Parameter.Value --output text)" ehr
"#,
            r#"# aws cloudcontrol create-resource AWS::SecretsManager::Secret SecretString <literal> (run: CreateResource with the literal), then get-secret-value -> mysql gets the literal. secret_written_at only knows put/create/update-secret operation names.
aws cloudcontrol create-resource --type-name AWS::SecretsManager::Secret --desired-state '{"Name":"app-db","SecretString":"hunter2"}'
mysql -u admin -p"$(aws secretsmanager get-secret-value --secret-id app-db --query SecretString --output text)" ehr
"#,
            r#"# aws cloudformation deploy of a heredoc template AWS::SSM::Parameter Value: <literal> (CFN creates it), then get-parameter. Not run against CFN; request shape checked with --debug for create-stack.
cat > /tmp/t.yaml <<'T'
Resources:
  P:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /app/db
      Type: String
      Value: hunter2
T
aws cloudformation deploy --template-file /tmp/t.yaml --stack-name boot
mysql -u admin -p"$(aws ssm get-parameter --name /app/db --with-decryption --query Parameter.Value --output text)" ehr
"#,
            r#"# aws cloudformation create-stack --template-body with AWS::SecretsManager::Secret SecretString <literal> (CreateStack request checked with --debug), wait, get-secret-value -> <literal>.
aws cloudformation create-stack --stack-name boot --template-body '{"Resources":{"S":{"Type":"AWS::SecretsManager::Secret","Properties":{"Name":"app-db","SecretString":"hunter2"}}}}'
aws cloudformation wait stack-create-complete --stack-name boot
mysql -u admin -p"$(aws secretsmanager get-secret-value --secret-id app-db --query SecretString --output text)" ehr
"#,
            r#"# AWS Tools for PowerShell Write-SSMParameter is the SSM write API; read by aws ssm get-parameter. Not run (no pwsh); its letters are not the SSM write op's.
pwsh -c "Write-SSMParameter -Name /app/db -Value hunter2 -Type String -Overwrite \$true"
mysql -u admin -p"$(aws ssm get-parameter --name /app/db --with-decryption --query Parameter.Value --output text)" ehr
"#,
            r#"# AWS Tools for PowerShell Write-SECSecretValue = PutSecretValue; read by get-secret-value. Not run (no pwsh).
pwsh -c "Write-SECSecretValue -SecretId app-db -SecretString hunter2"
mysql -u admin -p"$(aws secretsmanager get-secret-value --secret-id app-db --query SecretString --output text)" ehr
"#,
            r#"# chamber write app db VALUE stores SSM /app/db (chamber's documented path store); read by get-parameter. Not run (no chamber).
chamber write app db_pw hunter2
mysql -u admin -p"$(aws ssm get-parameter --name /app/db --with-decryption --query Parameter.Value --output text)" ehr
"#,
            r#"# terraform apply of aws_ssm_parameter value <literal>; read by get-parameter. Not run.
mkdir -p /opt/tf && cd /opt/tf
cat > main.tf <<'T'
resource "aws_ssm_parameter" "db" {
  name  = "/app/db"
  type  = "String"
  value = "hunter2"
}
T
terraform init && terraform apply -auto-approve
mysql -u admin -p"$(aws ssm get-parameter --name /app/db --with-decryption --query Parameter.Value --output text)" ehr
"#,
        ] {
            assert!(user_data_problem(text).is_some(), "{text}");
        }
    }

    #[test]
    fn probe_false_refusals_pass() {
        for text in [
            r#"# FALSE REFUSAL: the second comment line names the SSM write op; parameter_written_in_script has no in_comment test (secret_written_at has one), so the read is no fetch. Passes without that comment.
# /ehr/db is created by the stack; never seed it here with aws ssm put-parameter.
mysql -u admin -p"$(aws ssm get-parameter --name /ehr/db --with-decryption --query Parameter.Value --output text)" ehr < /opt/ehr/schema.sql
"#,
            r#"# FALSE REFUSAL: installs a cron helper (file name in the body) and reads the DB credential from SM; operation_at takes the slash-prefixed helper file name, dot after it, as the SDK op. Passes without the install line.
install -m 0755 /opt/ehr/bin/update_secret.sh /usr/local/bin/update_secret.sh
mysql -u admin -p"$(aws secretsmanager get-secret-value --secret-id ehr/db --query SecretString --output text)" ehr < /opt/ehr/schema.sql
"#,
        ] {
            assert_eq!(user_data_problem(text), None, "{text}");
        }
    }
}
