//! Values checked when the program is compiled: retention periods, CIDR blocks, names.
//!
//! Each is made by a macro that refuses a literal that breaks its rule, so a program with
//! `days!(3)` as a backup retention or `cidr!("10.0.0.1/16")` does not build. Names can also be
//! made at run time, with a [`Result`](crate::Result).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;

use hipaa_stack_syntax::{
    Violation, check_account_id, check_bucket_name, check_region, check_stack_name, is_account_id,
    is_bucket_name, is_region, is_stack_name, parse_cidr, parse_date,
};

/// A number of days known when the program is compiled, written `days!(35)`.
///
/// Each setting that takes a `Days` accepts only the values that are compliant for it,
/// so a retention below a floor is a compile error, not a finding after deploy.
///
/// ```
/// use hipaa_stack::prelude::*;
/// let retention = days!(35);
/// assert_eq!(retention.get(), 35);
/// ```
///
/// Only the macro makes one: `Days::<0>` is not a value, and a number outside 1 to 36500
/// given to the hidden constructor is refused when the program is compiled.
///
/// ```compile_fail
/// let _ = hipaa_stack::Days::<0>;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Days<const N: u16>(());

impl<const N: u16> Days<N> {
    /// Evaluated wherever a `Days<N>` is made or read: a compile error unless `N` is 1 to
    /// 36500, the rule of `days!`.
    const CHECKED: () = assert!(
        hipaa_stack_syntax::is_days(N),
        "invalid number of days: a retention is from 1 to 36500 days; write it with `days!(..)`"
    );

    #[doc(hidden)]
    pub const fn __from_macro() -> Self {
        // Refused in const evaluation, so a bad `N` does not build.
        #[allow(clippy::let_unit_value)]
        let () = Self::CHECKED;
        Days(())
    }

    /// The number of days.
    ///
    /// ```
    /// assert_eq!(hipaa_stack::days!(365).get(), 365);
    /// ```
    pub const fn get(self) -> u16 {
        #[allow(clippy::let_unit_value)]
        let () = Self::CHECKED;
        N
    }
}

/// An IPv4 or IPv6 network in CIDR notation, written `cidr!("10.20.0.0/16")`.
///
/// The macro refuses a malformed block, a prefix longer than the address, and host bits
/// that are not zero. [`Cidr::parse`] does the same at run time. The internet,
/// `cidr!("0.0.0.0/0")` or `cidr!("::/0")`, is an [`Internet`] rather than a `Cidr`, and a
/// literal block that holds any address of the internet (`cidr!("0.0.0.0/1")`,
/// `cidr!("203.0.113.0/24")`) is a [`PublicCidr`]: only a block of private, shared,
/// loopback or link-local addresses is a `Cidr` when the program is compiled. A block
/// parsed at run time may hold public addresses, and is checked where it is used (a
/// security group opens only HTTPS and HTTP to it, a VPC refuses it).
///
/// ```
/// use hipaa_stack::prelude::*;
/// let net = cidr!("10.20.0.0/16");
/// assert_eq!(net.to_string(), "10.20.0.0/16");
/// assert_eq!(net.prefix(), 16);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    address: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// The hidden constructor `cidr!` expands to, inside `const { .. }`: it refuses what
    /// [`Cidr::parse`] refuses, a prefix of 0 (the internet is an [`Internet`]) and a block
    /// that holds any address of the internet (a [`PublicCidr`]).
    #[doc(hidden)]
    pub const fn __from_macro(address: IpAddr, prefix: u8) -> Result<Self, &'static str> {
        if !hipaa_stack_syntax::is_network(address, prefix) {
            Err(
                "invalid CIDR block: the prefix is 1 to 32 (IPv4) or 128 (IPv6) and the host bits are zero; write it with `cidr!(..)`",
            )
        } else if !hipaa_stack_syntax::is_off_internet(address, prefix) {
            Err(
                "invalid CIDR block: it holds addresses of the internet, which only HTTPS and HTTP may face (HIPAA 45 CFR §164.312(e)(1), hipaa-stack rule E10); write it with `cidr!(..)`, which makes it a `PublicCidr`",
            )
        } else {
            Ok(Cidr { address, prefix })
        }
    }

    /// Parses a CIDR block known only at run time.
    ///
    /// ```
    /// use hipaa_stack::Cidr;
    /// assert!(Cidr::parse("10.0.0.0/8").is_ok());
    /// let err = Cidr::parse("10.0.0.1/8").unwrap_err();
    /// assert!(err.to_string().contains("10.0.0.0/8"));
    /// ```
    pub fn parse(text: &str) -> Result<Self, Violation> {
        parse_cidr(text).map(|(address, prefix)| Cidr { address, prefix })
    }

    /// The network address.
    ///
    /// ```
    /// assert!(hipaa_stack::cidr!("10.0.0.0/8").address().is_ipv4());
    /// ```
    pub const fn address(&self) -> IpAddr {
        self.address
    }

    /// The prefix length.
    ///
    /// ```
    /// assert_eq!(hipaa_stack::cidr!("fd00::/8").prefix(), 8);
    /// ```
    pub const fn prefix(&self) -> u8 {
        self.prefix
    }
}

impl Cidr {
    /// Whether this block is the whole address space of its family, `0.0.0.0/0` or `::/0`:
    /// the internet.
    ///
    /// ```
    /// use hipaa_stack::Cidr;
    /// assert!(Cidr::parse("0.0.0.0/0")?.is_internet());
    /// assert!(Cidr::parse("::/0")?.is_internet());
    /// assert!(!Cidr::parse("10.0.0.0/8")?.is_internet());
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub const fn is_internet(&self) -> bool {
        self.prefix == 0
    }

    /// Whether every address of `other` is inside this block (both of one family).
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// assert!(cidr!("10.20.0.0/16").contains(&cidr!("10.20.3.0/24")));
    /// assert!(!cidr!("10.20.0.0/16").contains(&cidr!("10.0.0.0/8")));
    /// assert!(!cidr!("10.20.0.0/16").contains(&cidr!("fd00::/8")));
    /// ```
    pub fn contains(&self, other: &Cidr) -> bool {
        if other.prefix < self.prefix {
            return false;
        }
        match (self.address, other.address) {
            (IpAddr::V4(outer), IpAddr::V4(inner)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(outer) & mask == u32::from(inner) & mask
            }
            (IpAddr::V6(outer), IpAddr::V6(inner)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(outer) & mask == u128::from(inner) & mask
            }
            _ => false,
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

/// A block that holds addresses of the internet, written `cidr!("203.0.113.0/24")`: any
/// block with an address outside the private, shared, loopback and link-local ranges
/// (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16,
/// fc00::/7, fe80::/10, ::1/128).
///
/// `0.0.0.0/1` is as much the internet as `0.0.0.0/0`, so `cidr!` gives such a block this
/// type rather than a [`Cidr`]: like the [`Internet`], a security group rule opens only
/// HTTPS and HTTP to it, and a rule that would open SSH, RDP, a database port or every port
/// to it does not compile (HIPAA §164.312(e)(1), hipaa-stack rule E10). As the source of
/// an ingress rule it is refused when the group is added, as any block outside the VPC is
/// (HTTPS from the internet is [`Internet`]). Nor is it the block of a VPC, which is private
/// ([`VpcBlock`](crate::VpcBlock)).
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::PublicCidr;
/// let partner: PublicCidr = cidr!("203.0.113.0/24");
/// assert_eq!(partner.to_string(), "203.0.113.0/24");
/// assert_eq!(partner.prefix(), 24);
/// ```
///
/// Half the internet is not an address range inside a VPC:
///
/// ```compile_fail
/// use hipaa_stack::prelude::*;
/// let block: Cidr = cidr!("0.0.0.0/1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicCidr(Cidr);

impl PublicCidr {
    /// The hidden constructor `cidr!` expands to for a block that holds addresses of the
    /// internet, inside `const { .. }`: it refuses what [`Cidr::parse`] refuses, a prefix of
    /// 0 (an [`Internet`]) and a block that holds none (a [`Cidr`]).
    #[doc(hidden)]
    pub const fn __from_macro(address: IpAddr, prefix: u8) -> Result<Self, &'static str> {
        if !hipaa_stack_syntax::is_network(address, prefix) {
            Err(
                "invalid CIDR block: the prefix is 1 to 32 (IPv4) or 128 (IPv6) and the host bits are zero; write it with `cidr!(..)`",
            )
        } else if hipaa_stack_syntax::is_off_internet(address, prefix) {
            Err(
                "invalid public CIDR block: every address of it is private; it is a `Cidr`, written with `cidr!(..)`",
            )
        } else {
            Ok(PublicCidr(Cidr { address, prefix }))
        }
    }

    /// The network address.
    ///
    /// ```
    /// assert!(hipaa_stack::cidr!("2001:db8::/32").address().is_ipv6());
    /// ```
    pub const fn address(&self) -> IpAddr {
        self.0.address
    }

    /// The prefix length.
    pub const fn prefix(&self) -> u8 {
        self.0.prefix
    }

    /// The block as a [`Cidr`].
    pub(crate) const fn block(self) -> Cidr {
        self.0
    }
}

impl fmt::Display for PublicCidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The whole address space of one IP family: `0.0.0.0/0` or `::/0`, the internet.
///
/// `cidr!("0.0.0.0/0")` and `cidr!("::/0")` give an `Internet`, not a [`Cidr`], so that the
/// internet cannot be passed where an address range is expected: a security group rule
/// opens only HTTPS and HTTP to it, and a rule that would open SSH, RDP, a database port or
/// every port to it does not compile (HIPAA §164.312(e)(1), hipaa-stack rule E10; see
/// [`SecurityGroup::ingress`](crate::SecurityGroup::ingress)).
///
/// ```
/// use hipaa_stack::prelude::*;
/// use hipaa_stack::Internet;
/// assert_eq!(cidr!("0.0.0.0/0"), Internet::IPV4);
/// assert_eq!(cidr!("::/0").to_string(), "::/0");
/// assert_eq!(Internet::IPV4.prefix(), 0);
/// ```
///
/// The internet is not an address range inside a VPC:
///
/// ```compile_fail
/// use hipaa_stack::prelude::*;
/// let block: Cidr = cidr!("0.0.0.0/0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Internet {
    ipv6: bool,
}

impl Internet {
    /// Every IPv4 address, `0.0.0.0/0`.
    pub const IPV4: Internet = Internet { ipv6: false };
    /// Every IPv6 address, `::/0`.
    pub const IPV6: Internet = Internet { ipv6: true };

    /// The network address, `0.0.0.0` or `::`.
    ///
    /// ```
    /// assert!(hipaa_stack::Internet::IPV6.address().is_ipv6());
    /// ```
    pub const fn address(&self) -> IpAddr {
        if self.ipv6 {
            IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)
        }
    }

    /// The prefix length: always 0.
    pub const fn prefix(&self) -> u8 {
        0
    }

    /// Whether this is `::/0`.
    pub const fn is_ipv6(&self) -> bool {
        self.ipv6
    }
}

impl fmt::Display for Internet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.ipv6 { "::/0" } else { "0.0.0.0/0" })
    }
}

/// A name that passed its check in const evaluation: only the hidden `__from_macro` of a
/// name type makes one (its fields are private), so it cannot carry an unchecked name.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Checked<T> {
    text: &'static str,
    _kind: PhantomData<fn() -> T>,
}

macro_rules! checked_name {
    ($(#[$doc:meta])* $name:ident, $check:path, $is:path, $what:literal, $rule:literal, $example:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Cow<'static, str>);

        impl $name {
            /// The hidden check the literal macro expands to, inside `const { .. }`: it
            /// refuses what `new` refuses, so a bad name does not build. What it returns
            /// is a proof of the check, which [`Self::__from_checked`] turns into the name.
            #[doc(hidden)]
            pub const fn __from_macro(name: &'static str) -> Result<Checked<Self>, &'static str> {
                if $is(name) {
                    Ok(Checked { text: name, _kind: PhantomData })
                } else {
                    Err(concat!("invalid ", $what, ": ", $rule))
                }
            }

            #[doc(hidden)]
            pub fn __from_checked(checked: Checked<Self>) -> Self {
                $name(Cow::Borrowed(checked.text))
            }

            /// Checks a name known only at run time.
            ///
            /// ```
            #[doc = concat!("assert!(hipaa_stack::", stringify!($name), "::new(\"", $example, "\").is_ok());")]
            #[doc = concat!("assert!(hipaa_stack::", stringify!($name), "::new(\"-\").is_err());")]
            /// ```
            pub fn new(name: &str) -> Result<Self, Violation> {
                $check(name).map(|()| $name(Cow::Owned(name.to_owned())))
            }

            /// The name as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

checked_name!(
    /// A CloudFormation stack name, written `stack_name!("clinic-data")`: a letter, then up to
    /// 127 letters, digits and hyphens.
    ///
    /// ```
    /// let name = hipaa_stack::stack_name!("clinic-data");
    /// assert_eq!(name.as_str(), "clinic-data");
    /// ```
    StackName,
    check_stack_name,
    is_stack_name,
    "stack name",
    "a letter, then up to 127 letters, digits and hyphens; write it with `stack_name!(..)`",
    "clinic-data"
);

checked_name!(
    /// An S3 bucket name, written `bucket_name!("acme-patient-records")`: 3 to 63 lower-case
    /// letters, digits and hyphens (no dots: a dotted name breaks TLS to the bucket).
    ///
    /// ```
    /// let name = hipaa_stack::bucket_name!("acme-patient-records");
    /// assert_eq!(name.as_str(), "acme-patient-records");
    /// ```
    BucketName,
    check_bucket_name,
    is_bucket_name,
    "bucket name",
    "3 to 63 lower-case letters, digits and hyphens, no dots, no reserved prefix or suffix; write it with `bucket_name!(..)`",
    "acme-patient-records"
);

checked_name!(
    /// An AWS region, written `region!("us-west-2")`, for a stack that must live in a given
    /// region (see [`App::stack_in`](crate::App::stack_in)); `Region::new` checks a region
    /// known only at run time, and `?` turns its error into a [`crate::Error`].
    ///
    /// ```
    /// use hipaa_stack::prelude::*;
    /// fn clinic(app: &mut App) -> Result<()> {
    ///     let dr = region!("us-west-2");
    ///     assert_eq!(dr.as_str(), "us-west-2");
    ///     let backup = Region::new(&std::env::var("BACKUP_REGION").unwrap_or("us-east-2".into()))?;
    ///     app.stack_in("clinic-dr", dr)?;
    ///     app.stack_in("clinic-backup", backup)?;
    ///     Ok(())
    /// }
    /// # clinic(&mut App::new("clinic"))?;
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    Region,
    check_region,
    is_region,
    "region",
    "lower-case words joined by hyphens, ending in a number, like `us-east-1`; write it with `region!(..)`",
    "us-west-2"
);

checked_name!(
    /// An AWS account id, written `account!("123456789012")`: the account an
    /// [`Environment`](crate::Environment) deploys to, which `up` compares with the account of
    /// the credentials before it changes anything. `AccountId::new` checks an id known only at
    /// run time.
    ///
    /// ```
    /// let production = hipaa_stack::account!("123456789012");
    /// assert_eq!(production.as_str(), "123456789012");
    /// assert!(hipaa_stack::AccountId::new("1234-5678-9012").is_err());
    /// ```
    AccountId,
    check_account_id,
    is_account_id,
    "account id",
    "exactly twelve digits; write it with `account!(..)`",
    "123456789012"
);

/// A calendar day (UTC), written `date!("2027-03-31")`: the expiry of a waiver.
///
/// ```
/// use hipaa_stack::prelude::*;
/// let expiry = date!("2027-03-31");
/// assert_eq!(expiry.to_string(), "2027-03-31");
/// assert!(expiry < date!("2027-04-01"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The hidden constructor `date!` expands to, inside `const { .. }`: it refuses what
    /// [`Date::parse`] refuses.
    #[doc(hidden)]
    pub const fn __from_macro(year: u16, month: u8, day: u8) -> Result<Self, &'static str> {
        if hipaa_stack_syntax::is_date(year, month, day) {
            Ok(Date { year, month, day })
        } else {
            Err("invalid date: a real day from 2000-01-01 to 2999-12-31; write it with `date!(..)`")
        }
    }

    /// Parses `YYYY-MM-DD` known only at run time.
    ///
    /// ```
    /// assert!(hipaa_stack::Date::parse("2027-02-29").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, Violation> {
        parse_date(text).map(|(year, month, day)| Date { year, month, day })
    }

    /// Today, in UTC, from the system clock.
    pub fn today() -> Self {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_days_since_epoch(i64::try_from(seconds / 86_400).unwrap_or(0))
    }

    /// The civil date of a day counted from 1970-01-01 (H. Hinnant's algorithm).
    fn from_days_since_epoch(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: u16::try_from(year).unwrap_or(u16::MAX),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::{BucketName, Cidr, Date, PublicCidr, Region, StackName};
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    /// The hidden constructors the macros expand to refuse at run time what the macros
    /// refuse at compile time: called directly, they never trust their caller.
    #[test]
    fn hidden_constructors_check_their_input() {
        for bad in [
            "../escaped",
            "a/b",
            "",
            "9lives",
            "clinic_data",
            "x".repeat(129).leak(),
        ] {
            assert!(StackName::__from_macro(bad).is_err(), "{bad}");
        }
        for bad in [
            "patient.records",
            "Records",
            "ab",
            "xn--abc",
            "abc-s3alias",
            "-abc",
        ] {
            assert!(BucketName::__from_macro(bad).is_err(), "{bad}");
        }
        assert!(Region::__from_macro("us-east").is_err());
        let v4 = |a, b, c, d| IpAddr::V4(Ipv4Addr::new(a, b, c, d));
        for (address, prefix) in [
            (v4(0, 0, 0, 0), 0),
            (v4(10, 0, 0, 0), 0),
            (v4(10, 0, 0, 1), 8),
            (v4(10, 0, 0, 0), 33),
            (IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0),
            (IpAddr::V6(Ipv6Addr::UNSPECIFIED), 129),
            // Blocks holding addresses of the internet are `PublicCidr`s.
            (v4(0, 0, 0, 0), 1),
            (v4(203, 0, 113, 0), 24),
            (
                IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0)),
                32,
            ),
        ] {
            assert!(
                Cidr::__from_macro(address, prefix).is_err(),
                "{address}/{prefix}"
            );
        }
        for (address, prefix) in [
            (v4(0, 0, 0, 0), 0),
            (v4(10, 0, 0, 0), 8),
            (v4(203, 0, 113, 1), 24),
            (IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 0)), 8),
        ] {
            assert!(
                PublicCidr::__from_macro(address, prefix).is_err(),
                "{address}/{prefix}"
            );
        }
        assert_eq!(
            PublicCidr::__from_macro(v4(0, 0, 0, 0), 1)
                .unwrap()
                .to_string(),
            "0.0.0.0/1"
        );
        for (y, m, d) in [(2027, 2, 29), (1999, 1, 1), (2027, 13, 1), (2027, 4, 31)] {
            assert!(Date::__from_macro(y, m, d).is_err(), "{y}-{m}-{d}");
        }
        let name = StackName::__from_checked(StackName::__from_macro("clinic-data").unwrap());
        assert_eq!(name, StackName::new("clinic-data").unwrap());
        assert_eq!(
            Cidr::__from_macro(v4(10, 20, 0, 0), 16).unwrap(),
            Cidr::parse("10.20.0.0/16").unwrap()
        );
    }

    #[test]
    fn days_since_the_epoch_become_civil_dates() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(11_016).to_string(),
            "2000-02-29"
        );
        assert_eq!(
            Date::from_days_since_epoch(11_017).to_string(),
            "2000-03-01"
        );
        assert_eq!(
            Date::from_days_since_epoch(20_786).to_string(),
            "2026-11-29"
        );
        assert_eq!(
            Date::from_days_since_epoch(20_878).to_string(),
            "2027-03-01"
        );
        assert!(Date::today() > Date::__from_macro(2025, 1, 1).unwrap());
    }
}
