//! The shared problem responses (`#/components/responses/…`) and the headers every response
//! may carry (`#/components/headers/…`). Their examples are generic — they never name
//! another operation's path or scope — because one component serves every operation.

use serde_json::{Value, json};
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};

use crate::http::problem::PROBLEM_JSON;

/// A header component: `(name, description, is the value an integer)`.
pub const HEADERS: &[(&str, &str, bool)] = &[
    (
        "X-Request-Id",
        "The request's id: the client's own (1–128 visible ASCII characters) or one generated. Quote it when reporting a problem.",
        false,
    ),
    (
        "RateLimit-Limit",
        "Requests allowed in each window for this caller (per API process).",
        true,
    ),
    (
        "RateLimit-Remaining",
        "Requests left in the current window.",
        true,
    ),
    ("RateLimit-Reset", "Seconds until the window resets.", true),
    (
        "RateLimit-Policy",
        "The policy, e.g. `600;w=60` (600 requests in 60 seconds).",
        false,
    ),
    ("Retry-After", "Seconds to wait before retrying.", true),
    (
        "WWW-Authenticate",
        "How to authenticate: `Bearer realm=\"wtxa\"`, with `error` and `error_description` when a token was refused.",
        false,
    ),
    (
        "ETag",
        "Strong entity tag of this version of the resource, `\"<id>.<version>\"`: send it in `If-None-Match` (304 when unchanged) or `If-Match` (to update this version).",
        false,
    ),
    ("Location", "The URL of the resource created.", false),
    (
        "Link",
        "`<…>; rel=\"next\"`: the next page, when there is one (a relative reference).",
        false,
    ),
    (
        "Idempotent-Replayed",
        "`true` when this is the stored response to an earlier request with the same `Idempotency-Key`.",
        false,
    ),
    ("Cache-Control", "How the response may be cached.", false),
];

pub fn header(description: &str, integer: bool) -> Header {
    let schema =
        ObjectBuilder::new().schema_type(if integer { Type::Integer } else { Type::String });
    HeaderBuilder::new()
        .schema(Some(schema))
        .description(Some(description))
        .build()
}

pub fn header_ref(name: &str) -> Ref {
    Ref::new(format!("#/components/headers/{name}"))
}

/// A shared problem response: `(component name, status, description, extra headers, example)`.
pub struct ProblemResponse {
    pub name: &'static str,
    pub status: u16,
    pub description: &'static str,
    pub headers: &'static [&'static str],
    pub example: fn() -> Value,
}

fn example(
    status: u16,
    type_: &str,
    title: &str,
    detail: &str,
    instance: &str,
    errors: Option<Value>,
) -> Value {
    let mut v = json!({
        "type": type_, "title": title, "status": status, "detail": detail,
        "instance": instance, "request_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b",
    });
    if let (Some(errors), Some(obj)) = (errors, v.as_object_mut()) {
        obj.insert("errors".into(), errors);
    }
    v
}

/// Every shared problem response. `instance` in the examples is a placeholder path.
pub const PROBLEMS: &[ProblemResponse] = &[
    ProblemResponse {
        name: "BadRequest",
        status: 400,
        description: "The query string, a header or the body is malformed; `errors` names each field and what was expected. A malformed `Authorization` header is also a 400, with `WWW-Authenticate` (RFC 6750 `invalid_request`).",
        headers: &["WWW-Authenticate"],
        example: || {
            example(
                400,
                "/problems/invalid-query",
                "Invalid query parameters",
                "1 query parameter is invalid",
                "/api/v1/…",
                Some(
                    json!([{"field": "limit", "message": "must be a whole number from 1 to 100 (the maximum); got '500'"}]),
                ),
            )
        },
    },
    ProblemResponse {
        name: "Unauthorized",
        status: 401,
        description: "No access token where one is needed, or a token that does not verify (even on a public operation); `WWW-Authenticate` says which.",
        headers: &["WWW-Authenticate"],
        example: || {
            example(
                401,
                "/problems/unauthorized",
                "Unauthorized",
                "the token has expired; request a new one",
                "/api/v1/…",
                None,
            )
        },
    },
    ProblemResponse {
        name: "Forbidden",
        status: 403,
        description: "The token does not carry the scope this operation needs (see the operation's security requirement); `WWW-Authenticate` names it (RFC 6750 `insufficient_scope`).",
        headers: &["WWW-Authenticate"],
        example: || {
            example(
                403,
                "/problems/insufficient-scope",
                "Insufficient scope",
                "this operation needs a scope the token does not carry",
                "/api/v1/…",
                None,
            )
        },
    },
    ProblemResponse {
        name: "NotFound",
        status: 404,
        description: "Nothing exists at this URL, or it is not yours to see (another organisation's resource is 404, never 403).",
        headers: &[],
        example: || {
            example(
                404,
                "about:blank",
                "Not Found",
                "no resource has that id",
                "/api/v1/…",
                None,
            )
        },
    },
    ProblemResponse {
        name: "NotAcceptable",
        status: 406,
        description: "None of the representations this operation offers is acceptable (`Accept`).",
        headers: &[],
        example: || {
            example(
                406,
                "/problems/not-acceptable",
                "Not acceptable",
                "none of the offered media types is acceptable",
                "/api/v1/…",
                None,
            )
        },
    },
    ProblemResponse {
        name: "Conflict",
        status: 409,
        description: "The resource's state forbids this change, another resource already holds a unique value, or a request with the same `Idempotency-Key` is still being processed.",
        headers: &[],
        example: || {
            example(
                409,
                "/problems/conflict",
                "Conflict",
                "the resource's current state does not allow this",
                "/api/v1/…",
                None,
            )
        },
    },
    ProblemResponse {
        name: "PreconditionFailed",
        status: 412,
        description: "The resource changed since the `ETag` sent in `If-Match`: GET it again and retry.",
        headers: &[],
        example: || {
            example(
                412,
                "/problems/stale",
                "Precondition failed",
                "the resource has changed since you read it: GET it again for the current ETag, then retry",
                "/api/v1/…",
                None,
            )
        },
    },
    ProblemResponse {
        name: "PayloadTooLarge",
        status: 413,
        description: "The body is larger than the server accepts: `MAX_BODY_BYTES` for JSON; `IMPORT_MAX_BYTES`, or more rows than `IMPORT_MAX_ROWS`, for a CSV import.",
        headers: &[],
        example: || {
            example(
                413,
                "/problems/payload-too-large",
                "Payload too large",
                "the body is larger than the maximum of 1048576 bytes",
                "/api/v1/…",
                None,
            )
        },
    },
    ProblemResponse {
        name: "UnsupportedMediaType",
        status: 415,
        description: "The body is not of the media type this operation takes (see its request body).",
        headers: &[],
        example: || {
            example(
                415,
                "/problems/unsupported-media-type",
                "Unsupported media type",
                "the body must be JSON, sent with Content-Type: application/json",
                "/api/v1/…",
                None,
            )
        },
    },
    ProblemResponse {
        name: "Unprocessable",
        status: 422,
        description: "Well-formed input that breaks a rule (`errors` names each field and what was expected), or an `Idempotency-Key` reused with a different request.",
        headers: &[],
        example: || {
            example(
                422,
                "/problems/validation-error",
                "Validation failed",
                "1 field is invalid",
                "/api/v1/…",
                Some(json!([{"field": "end_date", "message": "must not be before start_date"}])),
            )
        },
    },
    ProblemResponse {
        name: "PreconditionRequired",
        status: 428,
        description: "`If-Match` is required for this change.",
        headers: &[],
        example: || {
            example(
                428,
                "/problems/if-match-required",
                "Precondition required",
                "send If-Match with the ETag of the version you are changing (GET the resource to read it)",
                "/api/v1/…",
                None,
            )
        },
    },
    ProblemResponse {
        name: "TooManyRequests",
        status: 429,
        description: "Too many requests from this client or address; retry after `Retry-After` seconds.",
        headers: &["Retry-After"],
        example: || {
            example(
                429,
                "/problems/rate-limited",
                "Too many requests",
                "at most 600 requests per 60 s; retry after 2 s",
                "/api/v1/…",
                None,
            )
        },
    },
    ProblemResponse {
        name: "InternalError",
        status: 500,
        description: "Something unexpected failed on the server; it has been logged with the request id.",
        headers: &[],
        example: || {
            example(
                500,
                "about:blank",
                "Internal Server Error",
                "an unexpected error occurred; it has been logged — quote the request id when reporting it",
                "/api/v1/…",
                None,
            )
        },
    },
    ProblemResponse {
        name: "ServiceUnavailable",
        status: 503,
        description: "The database cannot be reached; retry after `Retry-After` seconds.",
        headers: &["Retry-After"],
        example: || {
            example(
                503,
                "/problems/database-unavailable",
                "Database unavailable",
                "the database cannot be reached right now; retry shortly",
                "/api/v1/…",
                None,
            )
        },
    },
];

/// Headers on every response of the API (`/api/…`), whatever its status.
pub const EVERY_API_RESPONSE: &[&str] = &[
    "X-Request-Id",
    "Cache-Control",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
];

impl ProblemResponse {
    pub fn by_status(status: u16) -> Option<&'static ProblemResponse> {
        PROBLEMS.iter().find(|p| p.status == status)
    }

    pub fn reference(&self) -> RefOr<Response> {
        RefOr::Ref(Ref::from_response_name(self.name))
    }

    pub fn component(&self) -> Response {
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .example(Some((self.example)()))
            .build();
        let mut builder = ResponseBuilder::new()
            .description(self.description)
            .content(PROBLEM_JSON, content);
        for name in EVERY_API_RESPONSE.iter().chain(self.headers) {
            builder = builder.header_ref(*name, header_ref(name));
        }
        if self.status < 500 {
            // A POST's 4xx is stored with its Idempotency-Key and replayed like a success.
            builder = builder.header_ref("Idempotent-Replayed", header_ref("Idempotent-Replayed"));
        }
        builder.build()
    }
}

impl ProblemResponse {
    pub fn by_name(name: &str) -> Option<&'static ProblemResponse> {
        PROBLEMS.iter().find(|p| p.name == name)
    }
}

/// Names a shared problem response in a handler's `#[utoipa::path]` responses, for the
/// statuses whose meaning belongs to the operation (a state conflict, a rule broken, an
/// `Accept` refused); the statuses every operation of a kind shares are added by
/// [`super::conventions`].
macro_rules! problem_markers {
    ($($name:ident),+) => {$(
        pub struct $name;
        impl<'s> utoipa::ToResponse<'s> for $name {
            fn response() -> (&'s str, RefOr<Response>) {
                let component = ProblemResponse::by_name(stringify!($name))
                    .map(ProblemResponse::component)
                    .unwrap_or_default();
                (stringify!($name), RefOr::T(component))
            }
        }
    )+};
}

problem_markers!(
    Conflict,
    Unprocessable,
    NotAcceptable,
    Unauthorized,
    NotFound
);
