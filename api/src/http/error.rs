//! The error type handlers return, and how store errors become HTTP problems.

use actix_web::http::StatusCode;
use actix_web::http::header::RETRY_AFTER;
use actix_web::{HttpResponse, ResponseError};
use persistence::{DbConnection, Store, StoreError, StoreResult};

use super::problem::Problem;

/// Seconds a client should wait before retrying when the database is unavailable.
pub const RETRY_AFTER_UNAVAILABLE: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A problem fully described for the client (4xx).
    #[error("{0}")]
    Problem(Box<Problem>),
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
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        Self::Problem(Box::new(p))
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::not_found("the resource does not exist"),
            StoreError::Conflict(detail) => {
                Problem::typed(StatusCode::CONFLICT, "conflict", "Conflict", detail).into()
            }
            StoreError::Unavailable(detail) => Self::Unavailable(detail),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Problem(p) => p.status_code(),
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Problem(p) => p.to_response(),
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

/// The body of every 500: nothing about the internals.
pub fn internal_error() -> Problem {
    Problem::status_only(
        StatusCode::INTERNAL_SERVER_ERROR,
        Some("an unexpected error occurred; it has been logged — quote the request id when reporting it".into()),
    )
}

/// Runs a store operation on the blocking pool (diesel is synchronous), inside the
/// caller's tracing span.
pub async fn db<T, F>(store: &Store, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
{
    let store = store.clone();
    let span = tracing::Span::current();
    let result = actix_web::web::block(move || span.in_scope(|| store.with(f)))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?;
    Ok(result?)
}
