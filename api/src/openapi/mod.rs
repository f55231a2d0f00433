//! The OpenAPI document: top-level information here; every path comes from the handlers
//! registered in [`crate::routes::configure`] (utoipa-actix-web), so none can be missing.

use actix_web::App;
use domain::{Scope, Vocabulary};
use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme,
};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::http::problem::{Problem, ProblemField};

mod conventions;
pub mod problems;
pub mod rules;

use conventions::Conventions;

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
    modifiers(&SecuritySchemes),
    tags(
        (name = "access", description = "OAuth2 client credentials: the token endpoint, API clients (admin) and the audit log (admin)."),
        (name = "organisations", description = "Partner organisations: public to read, admin to write."),
        (name = "people", description = "People of partner organisations (and citizens and experts by experience): scoped to the caller's organisation."),
        (name = "cohorts", description = "Cohorts of programmes: dates, capacity, sessions and their state. Public to read."),
        (name = "enrolments", description = "Enrolments of people in cohorts, the waitlist, attendance and the HR pull (delta sync and export)."),
        (name = "catalogue", description = "The academy's portfolio: programmes, the Leeds workforce priorities and the taxonomy. Public."),
        (name = "communities", description = "Communities of Practice around the Venus model stems, each led by a tripartite group. Public to read."),
        (name = "webhooks", description = "Endpoints that hear, as they happen, of the enrolments of the client's organisation's people, its commissioned cohorts and the public catalogue and communities: Standard Webhooks, signed, retried, logged. The events and their payloads are in the `webhooks` section."),
        (name = "reports", description = "What the academy tells its board, over a period: learners by programme, organisation, priority and more; learning together across organisations; the priorities served; the Communities of Practice; as JSON or CSV, and a printable board report with SVG charts. An organisation's client counts its own staff only; small numbers are suppressed (`REPORT_SUPPRESSION_THRESHOLD`)."),
        (name = "commissioning", description = "Commissioning and co-creation: a partner asks for a programme, or brings a brief to co-create; the academy reviews, agrees or declines, and runs cohorts for an agreed request, which is delivered when they complete; the dialogue on each request; and organisations' learning needs per year. An organisation's client sees its own."),
        (name = "operations", description = "Liveness and readiness probes, and metrics for the operator."),
    ),
    components(schemas(Problem, ProblemField))
)]
pub struct ApiDoc;

/// `oauth2` (client credentials at `/api/v1/oauth/token`, so Swagger UI's "Authorize" works)
/// and `bearer` (a token obtained elsewhere); each protected operation names its scope.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let scopes = Scopes::from_iter(Scope::all().iter().map(|s| (s.value(), s.label())));
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "oauth2",
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::ClientCredentials(ClientCredentials::new("/api/v1/oauth/token", scopes))],
                "Client credentials: POST client_id and client_secret to /api/v1/oauth/token for a 15-minute bearer token.",
            )),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The operator's METRICS_TOKEN, for `/metrics` only (not an access token).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The complete document, as served at `/api-docs/openapi.json` and committed as `openapi.yaml`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    // After the paths are in: the conventions apply to every operation.
    let mut doc = doc;
    Conventions.modify(&mut doc);
    crate::webhooks::payloads::document(&mut doc);
    doc
}

/// The document as YAML, exactly as `openapi.yaml` holds it.
pub fn yaml() -> anyhow::Result<String> {
    Ok(document().to_yaml()?)
}
