//! Values checked when the program is compiled: retention periods, CIDR blocks, names.
//!
//! Each is made by a macro that refuses a literal that breaks its rule, so a program with
//! `days!(3)` as a backup retention or `cidr!("10.0.0.1/16")` does not build. Names can also be
//! made at run time, with a [`Result`](crate::Result).

use std::fmt;
use std::net::IpAddr;

use hipaa_stack_syntax::{
    Violation, check_bucket_name, check_region, check_stack_name, parse_cidr,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Days<const N: u16>;

impl<const N: u16> Days<N> {
    /// The number of days.
    ///
    /// ```
    /// assert_eq!(hipaa_stack::days!(365).get(), 365);
    /// ```
    pub const fn get(self) -> u16 {
        N
    }
}

/// An IPv4 or IPv6 network in CIDR notation, written `cidr!("10.20.0.0/16")`.
///
/// The macro refuses a malformed block, a prefix longer than the address, and host bits
/// that are not zero. [`Cidr::parse`] does the same at run time.
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
    #[doc(hidden)]
    pub const fn __from_macro(address: IpAddr, prefix: u8) -> Self {
        Cidr { address, prefix }
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

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

macro_rules! checked_name {
    ($(#[$doc:meta])* $name:ident, $check:path, $example:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            #[doc(hidden)]
            pub fn __from_macro(name: &'static str) -> Self {
                $name(name.to_owned())
            }

            /// Checks a name known only at run time.
            ///
            /// ```
            #[doc = concat!("assert!(hipaa_stack::", stringify!($name), "::new(\"", $example, "\").is_ok());")]
            #[doc = concat!("assert!(hipaa_stack::", stringify!($name), "::new(\"-\").is_err());")]
            /// ```
            pub fn new(name: &str) -> Result<Self, Violation> {
                $check(name).map(|()| $name(name.to_owned()))
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
    "acme-patient-records"
);

checked_name!(
    /// An AWS region, such as `us-east-1`, for a stack that must live in a given region
    /// (see [`App::stack_in`](crate::App::stack_in)).
    ///
    /// ```
    /// let dr = hipaa_stack::Region::new("us-west-2")?;
    /// assert_eq!(dr.as_str(), "us-west-2");
    /// # Ok::<(), hipaa_stack_syntax::Violation>(())
    /// ```
    Region,
    check_region,
    "us-west-2"
);
