//! Request limits per authenticated client, and per IP address for anonymous callers.
//!
//! Per process by design: limits protect each process from overload, and a GCRA check in
//! memory costs nothing, while a shared counter would add a database round trip to every
//! request. With N processes behind a load balancer a caller gets at most N × the limit.
//! (What must be shared — revocation, token-failure throttling, idempotency — is in the
//! database.) Every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and
//! `RateLimit-Reset`; a refused request gets a 429 problem with `Retry-After`.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue, RETRY_AFTER};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError, web};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::error::ApiError;
use super::problem::Problem;
use crate::auth::Principal;
use crate::config::RateLimits;

type Limiter =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

pub struct RateLimiters {
    clients: Limiter,
    anonymous: Limiter,
    client_limit: u32,
    anonymous_limit: u32,
    window: Duration,
    checks: AtomicU64,
}

const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");
const POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

fn quota(requests: u32, window: Duration) -> Quota {
    let n = NonZeroU32::new(requests).unwrap_or(NonZeroU32::MIN);
    let period = window / n.get();
    Quota::with_period(period.max(Duration::from_nanos(1)))
        .unwrap_or_else(|| Quota::per_second(n))
        .allow_burst(n)
}

impl RateLimiters {
    pub fn new(limits: &RateLimits) -> Self {
        Self {
            clients: RateLimiter::keyed(quota(limits.client_requests, limits.window))
                .with_middleware(),
            anonymous: RateLimiter::keyed(quota(limits.anonymous_requests, limits.window))
                .with_middleware(),
            client_limit: limits.client_requests,
            anonymous_limit: limits.anonymous_requests,
            window: limits.window,
            checks: AtomicU64::new(0),
        }
    }

    /// Charges a request to an IP address's anonymous budget; the 429 to answer when it is
    /// spent. (Requests with a bad token are charged here, so they cannot flood the audit log.)
    pub fn charge_anonymous(&self, ip: &str) -> Option<ApiError> {
        match self.check(format!("ip:{ip}"), false) {
            (_, Ok(_)) => None,
            (limit, Err(wait)) => Some(refusal(limit, self.window.as_secs().max(1), wait)),
        }
    }

    /// `Ok(remaining)` when the request may go on, `Err(seconds to wait)` otherwise.
    fn check(&self, key: String, authenticated: bool) -> (u32, Result<u32, u64>) {
        // Forget idle keys now and then, so the maps do not grow without bound.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
            self.clients.retain_recent();
            self.anonymous.retain_recent();
        }
        let (limiter, limit) = if authenticated {
            (&self.clients, self.client_limit)
        } else {
            (&self.anonymous, self.anonymous_limit)
        };
        let outcome = match limiter.check_key(&key) {
            Ok(snapshot) => Ok(snapshot.remaining_burst_capacity()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
            }
        };
        (limit, outcome)
    }
}

fn header(v: impl ToString) -> HeaderValue {
    HeaderValue::from_str(&v.to_string()).unwrap_or_else(|_| HeaderValue::from_static("0"))
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let limiters = match req.app_data::<web::Data<RateLimiters>>() {
        Some(l) if req.path().starts_with("/api/") => l.clone(),
        _ => {
            return next
                .call(req)
                .await
                .map(ServiceResponse::map_into_left_body);
        }
    };
    let principal = req.extensions().get::<Principal>().map(|p| p.client_id);
    let key = match principal {
        Some(id) => format!("client:{id}"),
        None => format!(
            "ip:{}",
            req.peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default()
        ),
    };
    let (limit, outcome) = limiters.check(key, principal.is_some());
    let window = limiters.window.as_secs().max(1);
    match outcome {
        Ok(remaining) => {
            let mut res = next.call(req).await?;
            let h = res.headers_mut();
            h.insert(LIMIT, header(limit));
            h.insert(REMAINING, header(remaining));
            h.insert(
                RESET,
                header(
                    (u64::from(limit - remaining.min(limit)) * window)
                        .div_ceil(u64::from(limit.max(1))),
                ),
            );
            h.insert(POLICY, header(format!("{limit};w={window}")));
            Ok(res.map_into_left_body())
        }
        Err(wait) => {
            let e = refusal(limit, window, wait);
            Ok(req.into_response(e.error_response()).map_into_right_body())
        }
    }
}

/// The 429 problem for a caller over `limit` requests per `window` seconds.
fn refusal(limit: u32, window: u64, wait: u64) -> ApiError {
    let problem = Problem::typed(
        StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        "Too many requests",
        format!("at most {limit} requests per {window} s; retry after {wait} s"),
    );
    ApiError::WithHeaders(
        Box::new(problem),
        vec![
            (RETRY_AFTER, wait.to_string()),
            (LIMIT, limit.to_string()),
            (REMAINING, "0".into()),
            (RESET, wait.to_string()),
            (POLICY, format!("{limit};w={window}")),
        ],
    )
}
