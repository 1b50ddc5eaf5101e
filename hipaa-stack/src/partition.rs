//! AWS partitions: which one a region belongs to, and the DNS suffix of its endpoints.
//!
//! One table for every module that writes an ARN or a URL, or asks whether two regions can
//! share a copy. It is the SDK's own partition data (`aws-sdk-s3` 1.157.0,
//! `src/endpoint_lib.rs`, the `partitions` JSON given to `PartitionResolver`, version 1.1):
//! each partition's `id`, its `outputs.dnsSuffix`, and its `regionRegex`, which every
//! partition writes as fixed leading words, then one word and a number
//! (`^us\-gov\-\w+\-\d+$`). A region that matches no partition is not guessed to be `aws`:
//! [`of`] answers `None`, and the deploy engine refuses the region before any call.

/// A partition of AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// The partition, as ARNs write it: `aws`, `aws-cn`, `aws-us-gov`, ….
    pub id: &'static str,
    /// The DNS suffix of its endpoints: `amazonaws.com`, `amazonaws.com.cn`, ….
    pub dns_suffix: &'static str,
    /// The fixed start of its regions' names (each ends in `-`), which the SDK's
    /// `regionRegex` follows with `\w+\-\d+$`.
    heads: &'static [&'static str],
}

/// The partitions, as the SDK's table gives them.
pub const PARTITIONS: &[Partition] = &[
    // "regionRegex":"^(us|eu|ap|sa|ca|me|af|il|mx)\\-\\w+\\-\\d+$"
    Partition {
        id: "aws",
        dns_suffix: "amazonaws.com",
        heads: &[
            "us-", "eu-", "ap-", "sa-", "ca-", "me-", "af-", "il-", "mx-",
        ],
    },
    // "regionRegex":"^cn\\-\\w+\\-\\d+$"
    Partition {
        id: "aws-cn",
        dns_suffix: "amazonaws.com.cn",
        heads: &["cn-"],
    },
    // "regionRegex":"^eusc\\-(de)\\-\\w+\\-\\d+$" (AWS European Sovereign Cloud)
    Partition {
        id: "aws-eusc",
        dns_suffix: "amazonaws.eu",
        heads: &["eusc-de-"],
    },
    // "regionRegex":"^us\\-iso\\-\\w+\\-\\d+$"
    Partition {
        id: "aws-iso",
        dns_suffix: "c2s.ic.gov",
        heads: &["us-iso-"],
    },
    // "regionRegex":"^us\\-isob\\-\\w+\\-\\d+$"
    Partition {
        id: "aws-iso-b",
        dns_suffix: "sc2s.sgov.gov",
        heads: &["us-isob-"],
    },
    // "regionRegex":"^eu\\-isoe\\-\\w+\\-\\d+$"
    Partition {
        id: "aws-iso-e",
        dns_suffix: "cloud.adc-e.uk",
        heads: &["eu-isoe-"],
    },
    // "regionRegex":"^us\\-isof\\-\\w+\\-\\d+$"
    Partition {
        id: "aws-iso-f",
        dns_suffix: "csp.hci.ic.gov",
        heads: &["us-isof-"],
    },
    // "regionRegex":"^us\\-gov\\-\\w+\\-\\d+$"
    Partition {
        id: "aws-us-gov",
        dns_suffix: "amazonaws.com",
        heads: &["us-gov-"],
    },
];

/// The partition of `region`, or `None` when the name matches none of them.
pub fn of(region: &str) -> Option<&'static Partition> {
    PARTITIONS.iter().find(|p| {
        p.heads
            .iter()
            .any(|h| region.strip_prefix(h).is_some_and(word_then_number))
    })
}

/// `\w+\-\d+`, the whole of `rest`: one word (letters, digits, `_`), a hyphen, a number.
fn word_then_number(rest: &str) -> bool {
    let Some((word, number)) = rest.split_once('-') else {
        return false;
    };
    !word.is_empty()
        && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(region: &str) -> Option<&'static str> {
        of(region).map(|p| p.id)
    }

    #[test]
    fn every_partition_of_the_sdk_is_known_by_its_regions() {
        for (region, partition, suffix) in [
            ("us-east-1", "aws", "amazonaws.com"),
            ("mx-central-1", "aws", "amazonaws.com"),
            ("il-central-1", "aws", "amazonaws.com"),
            ("cn-northwest-1", "aws-cn", "amazonaws.com.cn"),
            ("eusc-de-east-1", "aws-eusc", "amazonaws.eu"),
            ("us-iso-east-1", "aws-iso", "c2s.ic.gov"),
            ("us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"),
            ("eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk"),
            ("us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov"),
            ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
        ] {
            let p = of(region).unwrap_or_else(|| panic!("{region}: no partition"));
            assert_eq!((p.id, p.dns_suffix), (partition, suffix), "{region}");
        }
    }

    #[test]
    fn a_region_of_no_partition_is_not_taken_for_aws() {
        for region in [
            "xx-east-1",
            "eusc-fr-east-1",
            "us-east",
            "us-east-1a",
            "us-gov-west",
            "local",
            "",
            "us--1",
        ] {
            assert_eq!(id(region), None, "{region}");
        }
    }
}
