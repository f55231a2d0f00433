//! The OpenAPI document: top-level information here; every path comes from the handlers
//! registered in [`crate::routes::configure`] (utoipa-actix-web), so none can be missing.

use actix_web::App;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::http::problem::{
    BadRequest, InternalError, MethodNotAllowed, NotFound, Problem, ProblemField,
    ServiceUnavailable,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Workforce Transformation Academy API",
        description = "The system of record and integration hub of the Collaborative Workforce Transformation \
Academy (WTxA): its portfolio of programmes across three themes and three system levels, tagged with the \
Venus model stems they develop and the seven Leeds One Workforce strategic workforce priorities they serve.\n\n\
Conventions: JSON with `snake_case` fields; timestamps RFC 3339 UTC; lists take `limit` (1–100, default 20) \
and an opaque `cursor`, return `{\"data\": [...], \"next_cursor\": ...}` and a `Link: <...>; rel=\"next\"` header; \
repeat a filter parameter to OR its values, combine parameters to AND them; unknown parameters are refused. \
Every error is an RFC 9457 `application/problem+json` document with a `request_id` to quote. Single resources \
carry an `ETag`; send `If-None-Match` to get `304 Not Modified`.",
        license(name = "MIT", identifier = "MIT"),
    ),
    tags(
        (name = "catalogue", description = "The academy's portfolio: programmes, the Leeds workforce priorities and the taxonomy. Public."),
        (name = "operations", description = "Liveness and readiness probes."),
    ),
    components(
        schemas(Problem, ProblemField),
        responses(BadRequest, NotFound, MethodNotAllowed, InternalError, ServiceUnavailable),
    )
)]
pub struct ApiDoc;

/// The complete document, as served at `/api-docs/openapi.json` and committed as `openapi.yaml`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    doc
}

/// The document as YAML, exactly as `openapi.yaml` holds it.
pub fn yaml() -> anyhow::Result<String> {
    Ok(document().to_yaml()?)
}
