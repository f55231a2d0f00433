//! The error type handlers return, and how store errors become HTTP problems.

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue, RETRY_AFTER};
use actix_web::{HttpResponse, ResponseError};
use persistence::db::statements::counting;
use persistence::{DbConnection, Store, StoreError, StoreResult};

use super::problem::Problem;

/// Seconds a client should wait before retrying when the database is unavailable.
pub const RETRY_AFTER_UNAVAILABLE: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A problem fully described for the client (4xx).
    #[error("{0}")]
    Problem(Box<Problem>),
    /// A problem with response headers (a `WWW-Authenticate` challenge, `Retry-After`, …).
    #[error("{0}")]
    WithHeaders(Box<Problem>, Vec<(HeaderName, String)>),
    /// The database cannot be reached: 503, logged as a warning.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything else: 500 with no internals in the body; the cause chain is logged.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn not_found(detail: impl Into<String>) -> Self {
        Problem::status_only(StatusCode::NOT_FOUND, Some(detail.into())).into()
    }

    /// True for a 404 problem.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Problem(p) if p.status == 404)
    }

    /// This error, with a 404's detail replaced by `detail` (naming what the caller asked
    /// for, where the store only knows that a row was missing).
    pub fn or_not_found(self, detail: impl Into<String>) -> Self {
        match self {
            Self::Problem(p) if p.status == 404 => Self::not_found(detail),
            other => other,
        }
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        Self::Problem(Box::new(p))
    }
}

/// 409 `state-conflict`: the resource's state forbids the change; `detail` names the state.
pub fn state_conflict(detail: String) -> ApiError {
    Problem::typed(
        StatusCode::CONFLICT,
        "state-conflict",
        "Conflict with the resource's state",
        detail,
    )
    .into()
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::not_found("the resource does not exist"),
            StoreError::Conflict(detail) => conflict(detail),
            StoreError::Unavailable(detail) | StoreError::Busy(detail) => Self::Unavailable(detail),
            StoreError::StateConflict(detail) => state_conflict(detail),
            StoreError::Refused(refusal) => state_conflict(refusal.to_string()),
            StoreError::Invalid(field, message) => {
                let mut errors = domain::ValidationErrors::new();
                errors.add(field, message);
                unprocessable(errors)
            }
            StoreError::Stale => Problem::typed(
                StatusCode::PRECONDITION_FAILED,
                "stale",
                "Precondition failed",
                "the resource has changed since you read it: GET it again for the current ETag, then retry",
            )
            .into(),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Problem(p) | Self::WithHeaders(p, _) => p.status_code(),
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Problem(p) => p.to_response(),
            Self::WithHeaders(p, headers) => {
                let mut res = p.to_response();
                for (name, value) in headers {
                    if let Ok(v) = HeaderValue::from_str(value) {
                        res.headers_mut().insert(name.clone(), v);
                    }
                }
                res
            }
            Self::Unavailable(cause) => {
                tracing::warn!(cause = %cause, "database unavailable");
                let mut res = Problem::typed(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database-unavailable",
                    "Database unavailable",
                    "the database cannot be reached right now; retry shortly",
                )
                .to_response();
                res.headers_mut()
                    .insert(RETRY_AFTER, RETRY_AFTER_UNAVAILABLE.into());
                res
            }
            Self::Internal(cause) => {
                tracing::error!(error = %format!("{cause:#}"), "request failed");
                internal_error().to_response()
            }
        }
    }
}

/// 422: valid JSON that breaks the domain's rules, field by field.
pub fn unprocessable(errors: domain::ValidationErrors) -> ApiError {
    let n = errors.errors().len();
    Problem::typed(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation-error",
        "Validation failed",
        if n == 1 {
            "1 field is invalid".to_owned()
        } else {
            format!("{n} fields are invalid")
        },
    )
    .with_errors(errors.into_errors().into_iter().map(Into::into).collect())
    .into()
}

/// 409 for a value another resource already has (a slug, a name, an ODS code), naming the
/// field when the store's message starts with it (`"slug: …"`).
pub fn conflict(message: String) -> ApiError {
    let (field, detail) = match message.split_once(": ") {
        Some((field, detail)) if !field.contains(' ') => {
            (Some(field.to_owned()), detail.to_owned())
        }
        _ => (None, message.clone()),
    };
    let mut p = Problem::typed(StatusCode::CONFLICT, "conflict", "Conflict", detail.clone());
    if let Some(field) = field {
        p = p.with_errors(vec![super::problem::ProblemField {
            field,
            message: detail,
        }]);
    }
    p.into()
}

/// The body of every 500: nothing about the internals.
pub fn internal_error() -> Problem {
    Problem::status_only(
        StatusCode::INTERNAL_SERVER_ERROR,
        Some("an unexpected error occurred; it has been logged — quote the request id when reporting it".into()),
    )
}

/// Runs a store operation on the blocking pool (diesel is synchronous), inside the
/// caller's tracing span, its statements counted for the request (`/metrics`, the log).
/// A SQLite write that found the single writer busy is retried with a short back-off
/// before the caller gets a 503. So is an operation whose *first* statement found its
/// pooled connection dead (the database restarted; connections are not tested on
/// checkout): nothing was done, and the dead connection is dropped, so the retry takes
/// another — at most once per connection the pool can hold.
pub async fn db<T, F>(store: &Store, mut f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnMut(&mut DbConnection) -> StoreResult<T> + Send + 'static,
{
    let store = store.clone();
    let span = tracing::Span::current();
    let count = crate::metrics::current_statements().unwrap_or_default();
    let result = actix_web::web::block(move || {
        span.in_scope(|| {
            let (mut busy, mut dead) = (0u64, 0u32);
            loop {
                let before = count.get();
                let outcome = counting(Some(&count), || store.with(&mut f));
                match outcome {
                    Err(StoreError::Busy(_)) if busy < 25 => {
                        busy += 1;
                        std::thread::sleep(std::time::Duration::from_millis(2 * busy));
                    }
                    Err(StoreError::Unavailable(_))
                        if count.get() - before == 1 && dead < store.pool_state().max_size =>
                    {
                        dead += 1;
                    }
                    other => return other,
                }
            }
        })
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?;
    Ok(result?)
}
