//! Retries with backoff, and a count of every call made, per operation.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::api::{ApiError, ApiErrorKind, is_clock_skew};

/// How long to wait between attempts and how often to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The first wait; each next one doubles, with jitter, up to `max_delay`.
    pub base_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
    /// Attempts for throttling and server errors.
    pub attempts: u32,
    /// Attempts when the endpoint cannot be reached at all: few, so that a wrong endpoint
    /// is reported within seconds.
    pub unreachable_attempts: u32,
    /// The longest time one call may take, retries included: no retry starts after it.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
            attempts: 8,
            unreachable_attempts: 2,
            deadline: Duration::from_secs(60),
        }
    }
}

/// Every call made, by operation.
#[derive(Debug, Default)]
pub struct CallCounts {
    counts: Mutex<BTreeMap<&'static str, u64>>,
    retries: AtomicU64,
}

impl CallCounts {
    fn record(&self, operation: &'static str) {
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry(operation).or_default() += 1;
        }
    }

    /// Calls per operation, attempts included.
    pub fn by_operation(&self) -> BTreeMap<&'static str, u64> {
        self.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// All calls.
    pub fn total(&self) -> u64 {
        self.by_operation().values().sum()
    }

    /// Calls that were retries of a failed attempt.
    pub fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }
}

/// Runs `call` until it succeeds, fails for good, or runs out of attempts.
pub(crate) async fn with_retry<T, F, Fut>(
    policy: RetryPolicy,
    counts: &CallCounts,
    operation: &'static str,
    mut call: F,
) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let start = std::time::Instant::now();
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        counts.record(operation);
        let span =
            tracing::debug_span!(target: super::trace::TARGET, "aws_call", operation, attempt);
        let mut err = match tracing::Instrument::instrument(call(), span).await {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        let limit = match err.kind {
            ApiErrorKind::Throttled | ApiErrorKind::Transient => policy.attempts,
            ApiErrorKind::Unreachable => policy.unreachable_attempts,
            // A request signed at a time AWS takes as too far from its own: the SDK client
            // took AWS's time from the answer, so a second attempt is signed right when the
            // clock of this machine is off; wrong credentials fail it the same way.
            _ if is_clock_skew(&err) => 2,
            ApiErrorKind::Client
            | ApiErrorKind::Credentials
            | ApiErrorKind::Denied
            | ApiErrorKind::Unsupported => 1,
        };
        let factor = if err.kind == ApiErrorKind::Throttled {
            2
        } else {
            1
        };
        let wait = delay(policy, attempt, factor);
        if attempt >= limit || start.elapsed() + wait >= policy.deadline {
            if attempt > 1 && is_clock_skew(&err) {
                err.message = format!(
                    "{} (signed again with the time of AWS's answer, and refused again: the answer gave no time to correct the clock by, or the credentials are wrong)",
                    err.message
                );
            } else if attempt > 1 {
                err.message = format!(
                    "{} ({attempt} attempts in {:.0} s)",
                    err.message,
                    start.elapsed().as_secs_f64()
                );
            }
            return Err(err);
        }
        counts.retries.fetch_add(1, Ordering::Relaxed);
        tracing::info!(
            target: super::trace::TARGET,
            operation,
            attempt,
            kind = ?err.kind,
            code = err.code.as_deref().unwrap_or_default(),
            wait_ms = wait.as_millis() as u64,
            "retrying"
        );
        tokio::time::sleep(wait).await;
    }
}

/// Exponential backoff with "equal jitter": half the delay fixed, half random.
fn delay(policy: RetryPolicy, attempt: u32, factor: u32) -> Duration {
    let exp = policy
        .base_delay
        .saturating_mul(factor)
        .saturating_mul(1 << attempt.min(16).saturating_sub(1))
        .min(policy.max_delay);
    let half = exp / 2;
    half + half.mul_f64(jitter())
}

/// A number in [0, 1) that differs from call to call (not for cryptography).
fn jitter() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> RetryPolicy {
        RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(4),
            attempts: 5,
            unreachable_attempts: 2,
            deadline: Duration::from_secs(60),
        }
    }

    fn error(kind: ApiErrorKind) -> ApiError {
        ApiError {
            kind,
            code: None,
            message: "no".to_owned(),
        }
    }

    #[tokio::test]
    async fn throttling_is_retried_until_it_passes() {
        let counts = CallCounts::default();
        let mut left = 3;
        let result = with_retry(fast(), &counts, "DescribeStacks", || {
            left -= 1;
            let out = if left > 0 {
                Err(error(ApiErrorKind::Throttled))
            } else {
                Ok(7)
            };
            async move { out }
        })
        .await;
        assert_eq!(result, Ok(7));
        assert_eq!(counts.by_operation()["DescribeStacks"], 3);
        assert_eq!(counts.retries(), 2);
    }

    #[tokio::test]
    async fn client_errors_are_not_retried_and_unreachable_only_briefly() {
        let counts = CallCounts::default();
        let r: Result<(), _> = with_retry(fast(), &counts, "A", || async {
            Err(error(ApiErrorKind::Client))
        })
        .await;
        assert!(r.is_err());
        let r: Result<(), _> = with_retry(fast(), &counts, "B", || async {
            Err(error(ApiErrorKind::Unreachable))
        })
        .await;
        assert!(r.is_err());
        let r: Result<(), _> = with_retry(fast(), &counts, "C", || async {
            Err(error(ApiErrorKind::Transient))
        })
        .await;
        assert!(r.is_err());
        let by = counts.by_operation();
        assert_eq!((by["A"], by["B"], by["C"]), (1, 2, 5));
    }

    #[tokio::test]
    async fn no_retry_starts_after_the_deadline() {
        let counts = CallCounts::default();
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(40),
            max_delay: Duration::from_millis(40),
            attempts: 100,
            unreachable_attempts: 100,
            deadline: Duration::from_millis(100),
        };
        let start = std::time::Instant::now();
        let r: Result<(), _> = with_retry(policy, &counts, "A", || async {
            Err(error(ApiErrorKind::Transient))
        })
        .await;
        let err = r.unwrap_err();
        assert!(start.elapsed() < Duration::from_millis(400));
        assert!(
            counts.by_operation()["A"] < 10,
            "{:?}",
            counts.by_operation()
        );
        assert!(err.message.contains("attempts in"), "{err}");
    }

    #[tokio::test]
    async fn a_missing_permission_is_not_retried() {
        let counts = CallCounts::default();
        let r: Result<(), _> = with_retry(fast(), &counts, "A", || async {
            Err(error(ApiErrorKind::Denied))
        })
        .await;
        assert!(r.is_err());
        assert_eq!(counts.by_operation()["A"], 1);
    }

    fn coded(kind: ApiErrorKind, code: &str) -> ApiError {
        ApiError {
            kind,
            code: Some(code.to_owned()),
            message: "Signature expired".to_owned(),
        }
    }

    #[tokio::test]
    async fn an_error_of_a_skewed_clock_gets_one_more_attempt_and_no_other_credential_error_does() {
        let counts = CallCounts::default();
        let mut left = 2;
        let passed = with_retry(fast(), &counts, "Skewed", || {
            left -= 1;
            let out = if left > 0 {
                Err(coded(ApiErrorKind::Credentials, "SignatureDoesNotMatch"))
            } else {
                Ok(1)
            };
            async move { out }
        })
        .await;
        assert_eq!(passed, Ok(1));
        for code in ["AuthFailure", "RequestExpired", "InvalidSignatureException"] {
            let err = with_retry(fast(), &counts, "Refused", || async move {
                Err::<(), _>(coded(ApiErrorKind::Credentials, code))
            })
            .await
            .unwrap_err();
            assert!(err.message.contains("refused again"), "{err}");
        }
        let r: Result<(), _> = with_retry(fast(), &counts, "Expired", || async {
            Err(ApiError {
                message: "The security token included in the request is expired".to_owned(),
                ..coded(ApiErrorKind::Credentials, "ExpiredToken")
            })
        })
        .await;
        assert!(r.is_err());
        // A refusal for the signing time under a permission's code (classified a credential
        // error by `api::classify`) gets its second attempt too; a missing permission not.
        let timed = ApiError {
            kind: ApiErrorKind::Credentials,
            code: Some("AccessDeniedException".to_owned()),
            message: "Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T003000Z - 15 min.)".to_owned(),
        };
        let err = with_retry(fast(), &counts, "Timed", || {
            let timed = timed.clone();
            async move { Err::<(), _>(timed) }
        })
        .await
        .unwrap_err();
        assert!(err.message.contains("refused again"), "{err}");
        let by = counts.by_operation();
        assert_eq!(
            (by["Skewed"], by["Refused"], by["Expired"], by["Timed"]),
            (2, 6, 1, 2)
        );
    }

    #[test]
    fn delays_grow_and_stay_under_the_cap() {
        let policy = RetryPolicy::default();
        for attempt in 1..20 {
            let d = delay(policy, attempt, 2);
            assert!(d <= policy.max_delay, "{d:?}");
            assert!(d >= delay_floor(policy, attempt, 2), "{d:?}");
        }
    }

    fn delay_floor(policy: RetryPolicy, attempt: u32, factor: u32) -> Duration {
        policy
            .base_delay
            .saturating_mul(factor)
            .saturating_mul(1 << attempt.min(16).saturating_sub(1))
            .min(policy.max_delay)
            / 2
    }
}
