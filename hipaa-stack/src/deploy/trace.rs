//! Logs of the AWS API calls, through `tracing`: one event per HTTP attempt, at `debug`,
//! with the service, the operation, the region, the latency, the HTTP status and the
//! request id. The engine's own retries add the attempt number (the span `aws_call` around
//! each call, see `retry::with_retry`).
//!
//! Nothing of a request or a response is logged but those: never the credentials, the
//! signature, the parameters or the bodies.

use std::time::Instant;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

/// The target of the API-call events, for `RUST_LOG=hipaa_stack::aws=debug`.
pub const TARGET: &str = "hipaa_stack::aws";

/// The interceptor every client of the engine carries.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ApiTrace;

/// When the current attempt started.
#[derive(Debug, Clone, Copy)]
struct Started(Instant);

impl Storable for Started {
    type Storer = StoreReplace<Self>;
}

impl Intercept for ApiTrace {
    fn name(&self) -> &'static str {
        "hipaa-stack api trace"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().store_put(Started(Instant::now()));
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !tracing::enabled!(target: TARGET, tracing::Level::DEBUG) {
            return Ok(());
        }
        let (service, operation) = cfg
            .load::<Metadata>()
            .map_or(("?", "?"), |m| (m.service(), m.name()));
        let region = cfg
            .load::<aws_config::Region>()
            .map_or_else(String::new, ToString::to_string);
        let latency_ms = cfg
            .load::<Started>()
            .map_or(0.0, |s| (s.0.elapsed().as_secs_f64() * 1e4).round() / 10.0);
        let response = context.response();
        let status = response.map_or(0, |r| r.status().as_u16());
        let request_id = response
            .and_then(|r| {
                let headers = r.headers();
                headers
                    .get("x-amzn-requestid")
                    .or_else(|| headers.get("x-amz-request-id"))
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        let failed = matches!(context.output_or_error(), Some(Err(_)) | None);
        tracing::debug!(
            target: TARGET,
            service,
            operation,
            region,
            latency_ms,
            status,
            request_id,
            failed,
            "aws call"
        );
        Ok(())
    }
}
