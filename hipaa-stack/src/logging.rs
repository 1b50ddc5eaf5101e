//! The logs of a hipaa-stack program, through `tracing`, on standard error: `-v`, `-vv`,
//! `-vvv` or `RUST_LOG`, as text or as JSON lines (`--log-format json`).
//!
//! Whatever the filter asks for, the logs of the AWS SDK, of the HTTP and of the TLS stack
//! stop at `debug`, and those of request signing and endpoint resolution at `info`: at
//! `trace` they print requests, with their signed headers (the session token) and bodies
//! (every parameter), and at `debug` the endpoint resolver prints the access key id. The
//! program's own calls are logged by hipaa-stack instead (`hipaa_stack::aws`): service,
//! operation, region, attempt, latency, HTTP status and request id, nothing else.

use tracing_subscriber::filter::{EnvFilter, LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// The format of the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum LogFormat {
    /// One line of text per event.
    #[default]
    Text,
    /// One JSON object per line, for CI.
    Json,
}

/// The filter for `-v` repeated `verbose` times, when `RUST_LOG` is not set; `None` for no
/// logs at all.
fn level_filter(verbose: u8) -> Option<&'static str> {
    match verbose {
        0 => None,
        1 => Some("warn,hipaa_stack=info"),
        2 => Some("info,hipaa_stack=debug"),
        _ => Some("debug,hipaa_stack=trace"),
    }
}

/// What no filter may open: crates whose logs at a finer level print requests.
fn guard() -> Targets {
    Targets::new()
        .with_default(LevelFilter::DEBUG)
        .with_target("hipaa_stack", LevelFilter::TRACE)
        .with_target("aws_sigv4", LevelFilter::INFO)
        // At `debug` the endpoint resolver prints its parameters with the resolved identity:
        // the access key id (the secret is redacted, the id is not).
        .with_target(
            "aws_smithy_runtime::client::orchestrator::endpoints",
            LevelFilter::INFO,
        )
}

/// Installs the subscriber; whether logs are on. `RUST_LOG` (when set and not empty) wins
/// over `-v`; a `RUST_LOG` that does not parse is reported and `-v` used instead.
pub(crate) fn init(verbose: u8, format: LogFormat) -> bool {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let filter = match from_env.map(|spec| EnvFilter::try_new(&spec).map_err(|e| (spec, e))) {
        Some(Ok(filter)) => filter,
        Some(Err((spec, error))) => {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "warning: RUST_LOG=`{spec}` is not a filter ({error}); using -v instead"
            );
            match level_filter(verbose) {
                Some(spec) => EnvFilter::new(spec),
                None => return false,
            }
        }
        None => match level_filter(verbose) {
            Some(spec) => EnvFilter::new(spec),
            None => return false,
        },
    };
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let registry = tracing_subscriber::registry().with(guard()).with(filter);
    let installed = match format {
        LogFormat::Text => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_ansi(ansi),
            )
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(true)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
    installed.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn more_v_more_logs() {
        assert_eq!(level_filter(0), None);
        assert_eq!(level_filter(1), Some("warn,hipaa_stack=info"));
        assert_eq!(level_filter(2), Some("info,hipaa_stack=debug"));
        assert_eq!(level_filter(9), Some("debug,hipaa_stack=trace"));
    }

    #[test]
    fn the_guard_keeps_what_prints_requests_out_of_trace() {
        let guard = guard();
        let allows = |target: &str, level: Level| guard.would_enable(target, &level);
        assert!(allows("hipaa_stack::aws", Level::TRACE));
        assert!(allows(
            "aws_smithy_runtime::client::orchestrator",
            Level::DEBUG
        ));
        assert!(!allows(
            "aws_smithy_runtime::client::orchestrator",
            Level::TRACE
        ));
        assert!(!allows("hyper_util::client", Level::TRACE));
        assert!(!allows("aws_sigv4::http_request::sign", Level::DEBUG));
        assert!(allows("aws_sigv4::http_request::sign", Level::INFO));
        assert!(!allows(
            "aws_smithy_runtime::client::orchestrator::endpoints",
            Level::DEBUG
        ));
    }
}
