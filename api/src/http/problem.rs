//! RFC 9457 problem details: the body of every non-2xx response.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::{ToResponse, ToSchema};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One problem with one input field (a query parameter, a path segment or a body field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"field": "limit", "message": "must be a whole number from 1 to 100 (the maximum); got '500'"}))]
pub struct ProblemField {
    /// The field, e.g. `theme`, `limit`, `duration.max`, `stems[1]`.
    #[schema(example = "theme")]
    pub field: String,
    /// What is wrong and what was expected.
    #[schema(
        example = "unknown value 'science'; expected one of: leadership, facilitation, best_practice"
    )]
    pub message: String,
}

impl From<FieldError> for ProblemField {
    fn from(e: FieldError) -> Self {
        Self {
            field: e.field,
            message: e.message,
        }
    }
}

/// An RFC 9457 problem details object (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/invalid-query",
    "title": "Invalid query parameters",
    "status": 400,
    "detail": "1 query parameter is invalid",
    "instance": "/api/v1/programmes",
    "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b",
    "errors": [{"field": "theme", "message": "unknown value 'science'; expected one of: leadership, facilitation, best_practice"}]
}))]
pub struct Problem {
    /// A URI reference naming the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request path this problem is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The request id (also in the `X-Request-Id` header): quote it when reporting a problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field errors, for validation problems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

impl Problem {
    /// A problem whose type is fully described by its status code.
    pub fn status_only(status: StatusCode, detail: Option<String>) -> Self {
        Self {
            type_: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail,
            instance: None,
            request_id: None,
            errors: Vec::new(),
        }
    }

    pub fn typed(
        status: StatusCode,
        type_slug: &str,
        title: &str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            type_: format!("/problems/{type_slug}"),
            title: title.into(),
            status: status.as_u16(),
            detail: Some(detail.into()),
            instance: None,
            request_id: None,
            errors: Vec::new(),
        }
    }

    pub fn with_errors(mut self, errors: Vec<ProblemField>) -> Self {
        self.errors = errors;
        self
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn to_response(&self) -> HttpResponse {
        let body = serde_json::to_vec(self).unwrap_or_default();
        HttpResponse::build(self.status_code())
            .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)))
            .body(body)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.title)?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        Problem::status_code(self)
    }
    fn error_response(&self) -> HttpResponse {
        self.to_response()
    }
}

macro_rules! problem_response {
    ($(#[$doc:meta])* $name:ident, $example:expr) => {
        $(#[$doc])*
        #[derive(ToResponse)]
        #[response(content_type = "application/problem+json", example = $example)]
        #[allow(dead_code)]
        pub struct $name(Problem);
    };
}

problem_response!(
    /// The query string, a path segment or the body is malformed; `errors` names each field.
    BadRequest,
    json!({"type": "/problems/invalid-query", "title": "Invalid query parameters", "status": 400,
           "detail": "2 query parameters are invalid", "instance": "/api/v1/programmes",
           "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b",
           "errors": [{"field": "colour", "message": "unknown query parameter; expected one of: theme, level, stem, priority, delivery_mode, availability, status, q, sort, limit, cursor"},
                      {"field": "limit", "message": "must be a whole number from 1 to 100 (the maximum)"}]})
);
problem_response!(
    /// Nothing exists at this URL (or it is not yours to see).
    NotFound,
    json!({"type": "about:blank", "title": "Not Found", "status": 404,
           "detail": "no programme has id or slug 'no-such-programme'",
           "instance": "/api/v1/programmes/no-such-programme", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"})
);
problem_response!(
    /// The resource exists but does not accept this method; the `Allow` header lists those it does.
    MethodNotAllowed,
    json!({"type": "about:blank", "title": "Method Not Allowed", "status": 405,
           "detail": "DELETE is not allowed here; allowed: GET",
           "instance": "/api/v1/priorities", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"})
);
problem_response!(
    /// Something unexpected failed on the server; it has been logged with the request id.
    InternalError,
    json!({"type": "about:blank", "title": "Internal Server Error", "status": 500,
           "detail": "an unexpected error occurred; it has been logged — quote the request id when reporting it",
           "instance": "/api/v1/programmes", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"})
);
problem_response!(
    /// The database cannot be reached; retry after the `Retry-After` seconds.
    ServiceUnavailable,
    json!({"type": "/problems/database-unavailable", "title": "Database unavailable", "status": 503,
           "detail": "the database cannot be reached right now; retry shortly",
           "instance": "/api/v1/programmes", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"})
);
problem_response!(
    /// No access token, or one that does not verify; `WWW-Authenticate` says which.
    Unauthorized,
    json!({"type": "/problems/unauthorized", "title": "Unauthorized", "status": 401,
           "detail": "the token has expired; request a new one",
           "instance": "/api/v1/programmes", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"})
);
problem_response!(
    /// The token does not carry the scope this operation needs.
    Forbidden,
    json!({"type": "/problems/insufficient-scope", "title": "Insufficient scope", "status": 403,
           "detail": "this operation needs the scope 'catalogue:write', which the token does not carry",
           "instance": "/api/v1/programmes", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"})
);
problem_response!(
    /// Another resource already has this value, or the resource's state forbids the change.
    Conflict,
    json!({"type": "/problems/conflict", "title": "Conflict", "status": 409,
           "detail": "a programme with slug 'vital-signs' already exists",
           "instance": "/api/v1/programmes", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b",
           "errors": [{"field": "slug", "message": "a programme with slug 'vital-signs' already exists"}]})
);
problem_response!(
    /// The resource changed since the `ETag` in `If-Match`: GET it again and retry.
    PreconditionFailed,
    json!({"type": "/problems/stale", "title": "Precondition failed", "status": 412,
           "detail": "the resource has changed since you read it: GET it again for the current ETag, then retry",
           "instance": "/api/v1/programmes/vital-signs", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"})
);
problem_response!(
    /// The body is larger than the server accepts.
    PayloadTooLarge,
    json!({"type": "/problems/payload-too-large", "title": "Payload too large", "status": 413,
           "detail": "the body is larger than the maximum of 1048576 bytes",
           "instance": "/api/v1/programmes", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"})
);
problem_response!(
    /// The body is not JSON (`Content-Type: application/json` is required).
    UnsupportedMediaType,
    json!({"type": "/problems/unsupported-media-type", "title": "Unsupported media type", "status": 415,
           "detail": "the body must be JSON, sent with Content-Type: application/json",
           "instance": "/api/v1/programmes", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"})
);
problem_response!(
    /// Valid JSON that breaks the rules; `errors` names each field and what was expected.
    Unprocessable,
    json!({"type": "/problems/validation-error", "title": "Validation failed", "status": 422,
           "detail": "2 fields are invalid", "instance": "/api/v1/programmes",
           "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b",
           "errors": [{"field": "theme", "message": "unknown value 'science'; expected one of: leadership, facilitation, best_practice"},
                      {"field": "duration.max", "message": "must not be less than min"}]})
);
problem_response!(
    /// `If-Match` is required for this change.
    PreconditionRequired,
    json!({"type": "/problems/if-match-required", "title": "Precondition required", "status": 428,
           "detail": "send If-Match with the ETag of the version you are changing (GET the resource to read it)",
           "instance": "/api/v1/programmes/vital-signs", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"})
);
problem_response!(
    /// Too many requests; retry after `Retry-After` seconds.
    TooManyRequests,
    json!({"type": "/problems/rate-limited", "title": "Too many requests", "status": 429,
           "detail": "at most 600 requests per 60 s; retry after 2 s",
           "instance": "/api/v1/programmes", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"})
);
problem_response!(
    /// None of the representations this operation offers is acceptable to the client (`Accept`).
    NotAcceptable,
    json!({"type": "/problems/not-acceptable", "title": "Not acceptable", "status": 406,
           "detail": "the export is available as text/csv or application/x-ndjson",
           "instance": "/api/v1/enrolments/export", "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b"})
);
