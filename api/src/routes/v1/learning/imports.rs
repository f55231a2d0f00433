//! Bulk imports over HTTP: `text/csv` in, a per-row report out.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;
use persistence::Store;
use persistence::access::organisations;
use persistence::learning::imports::{self, ImportReport, Mode, RowOutcome, Run};
use persistence::learning::people;
use persistence::visibility::Visibility;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::config::ImportLimits;
use crate::csv_import::{FileError, ImportResult, people as people_rows, roster};
use crate::http::path_ids::{CohortId, OrganisationId};
use crate::http::problem::{Problem, ProblemField};
use crate::http::{ApiError, StrictQuery, db, paging};

/// Options of a roster import.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Validate and report only; write nothing.
    #[param(value_type = Option<bool>, default = false)]
    pub dry_run: Option<String>,
    /// Write the accepted rows even if some are rejected (otherwise one rejected row means
    /// nothing is written).
    #[param(value_type = Option<bool>, default = false)]
    pub partial: Option<String>,
    /// For rosters naming people by `external_ref`: their organisation (a partner
    /// organisation's client: its own, the default).
    #[param(value_type = Option<Uuid>)]
    pub organisation_id: Option<String>,
}

/// Options of a people import: those of a roster import but the organisation, which is the
/// path's.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct PeopleImportQuery(pub ImportQuery);

impl IntoParams for PeopleImportQuery {
    fn into_params(
        place: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        crate::http::query::without(ImportQuery::into_params(place), &["organisation_id"])
    }
}

/// Rejected rows an answer lists, at most; the summary counts them all.
pub const LISTED_REJECTIONS: usize = 100;

async fn csv_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limits: &ImportLimits,
) -> Result<web::Bytes, ApiError> {
    let is_csv = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/csv"))
        });
    if !is_csv {
        return Err(Problem::typed(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "send the file as Content-Type: text/csv",
        )
        .into());
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::from(Problem::typed(
                StatusCode::BAD_REQUEST,
                "invalid-body",
                "Invalid request body",
                e.to_string(),
            ))
        })?;
        if body.len() + chunk.len() > limits.max_bytes {
            return Err(too_large(format!(
                "the file is larger than the maximum of {} bytes (IMPORT_MAX_BYTES)",
                limits.max_bytes
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn too_large(detail: String) -> ApiError {
    Problem::typed(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        "Payload too large",
        detail,
    )
    .into()
}

fn file_error(e: FileError) -> ApiError {
    match e {
        FileError::Invalid(detail) => Problem::typed(
            StatusCode::BAD_REQUEST,
            "invalid-csv",
            "Invalid CSV file",
            detail,
        )
        .into(),
        too_many @ FileError::TooManyRows(_) => too_large(too_many.to_string()),
    }
}

/// 200 with the report when written (or a dry run); 422 naming each rejected line when a
/// rejected row kept the file from being written.
fn answer(report: ImportReport, mode: Mode) -> Result<HttpResponse, ApiError> {
    if !report.committed && !mode.dry_run {
        let n = report.rejected();
        let errors: Vec<ProblemField> = report
            .rows
            .iter()
            .filter_map(|r| match &r.outcome {
                RowOutcome::Rejected(why) => Some(ProblemField {
                    field: format!("line {}", r.line),
                    message: why.clone(),
                }),
                _ => None,
            })
            .take(LISTED_REJECTIONS)
            .collect();
        let listed = if n > errors.len() {
            format!(" (the first {} are listed)", errors.len())
        } else {
            String::new()
        };
        return Err(Problem::typed(
            StatusCode::UNPROCESSABLE_ENTITY,
            "import-rejected",
            "Import rejected",
            format!("{n} row(s) rejected{listed}, so nothing was written; fix them, or send partial=true to write the others"),
        )
        .with_errors(errors)
        .into());
    }
    Ok(HttpResponse::Ok().json(ImportResult::new(report, mode.dry_run, LISTED_REJECTIONS)))
}

/// Import an organisation's people from CSV, matched by staff number: new ones created,
/// changed ones updated, the rest unchanged.
///
/// Columns (header row required): `external_ref`, `given_name`, `family_name`, `email`
/// (required); `job_role`, `expert_by_experience` (`true`/`false`).
#[utoipa::path(
    tag = "people",
    request_body(content = String, content_type = "text/csv",
        example = "external_ref,given_name,family_name,email,job_role\nLTH-004211,Aisha,Khan,aisha.khan@nhs.net,Staff nurse\n"),
    params(OrganisationId, PeopleImportQuery),
    security(("oauth2" = ["people:write"]), ("bearer" = ["people:write"])),
    responses(
        (status = 200, description = "What was (or, on a dry run, would be) done: counts, and the rejected rows.", body = ImportResult),
    )
)]
#[post("/organisations/{id}/people/import")]
pub async fn import_people(
    auth: Authorized<scope::PeopleWrite>,
    organisation: OrganisationId,
    req: HttpRequest,
    store: web::Data<Store>,
    StrictQuery(PeopleImportQuery(q)): StrictQuery<PeopleImportQuery>,
    limits: web::Data<ImportLimits>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let organisation_id = organisation.id;
    if !auth.principal.visibility().sees(Some(organisation_id))
        || !db(&store, move |c| organisations::exists(c, organisation_id)).await?
    {
        return Err(ApiError::not_found(organisation.missing()));
    }
    let mut e = Vec::new();
    let mode = Mode {
        dry_run: paging::flag("dry_run", q.dry_run.as_deref(), &mut e),
        partial: paging::flag("partial", q.partial.as_deref(), &mut e),
    };
    if !e.is_empty() {
        return Err(crate::http::query::invalid_query(e));
    }
    let body = csv_body(&req, payload, &limits).await?;
    let (lines, rejected) = people_rows(&body, limits.max_rows).map_err(file_error)?;
    drop(body);
    let audit = audit_entry(&req);
    let report = db(&store, move |conn| {
        imports::import_people(
            conn,
            organisation_id,
            &lines,
            rejected.clone(),
            &Run {
                mode,
                audit: &audit,
                progress: &|_| {},
            },
        )
    })
    .await?;
    answer(report, mode)
}

/// Enrol a roster on a cohort from CSV, in file order: seats while they last, then the
/// waitlist. People already on the cohort are unchanged.
///
/// Columns: `person_id`, or `external_ref` (with `organisation_id`, or the client's own
/// organisation).
#[utoipa::path(
    tag = "enrolments",
    request_body(content = String, content_type = "text/csv", example = "external_ref\nLTH-004211\nLTH-004212\n"),
    params(CohortId, ImportQuery),
    security(("oauth2" = ["enrolments:write"]), ("bearer" = ["enrolments:write"])),
    responses(
        (status = 200, description = "What was (or, on a dry run, would be) done: counts, and the rejected rows.", body = ImportResult),
    )
)]
#[post("/cohorts/{id}/enrolments/import")]
pub async fn import_cohort_enrolments(
    auth: Authorized<scope::EnrolmentsWrite>,
    cohort: CohortId,
    req: HttpRequest,
    store: web::Data<Store>,
    StrictQuery(q): StrictQuery<ImportQuery>,
    limits: web::Data<ImportLimits>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let cohort = super::cohorts::find(&store, &cohort).await?;
    let visibility = auth.principal.visibility();
    let mut e = Vec::new();
    let mode = Mode {
        dry_run: paging::flag("dry_run", q.dry_run.as_deref(), &mut e),
        partial: paging::flag("partial", q.partial.as_deref(), &mut e),
    };
    let organisation =
        crate::http::paging::uuid("organisation_id", q.organisation_id.as_deref(), &mut e).or(
            match visibility {
                Visibility::Organisation(o) => Some(o),
                Visibility::All => None,
            },
        );
    if !e.is_empty() {
        return Err(crate::http::query::invalid_query(e));
    }
    let body = csv_body(&req, payload, &limits).await?;
    let by_ref: HashMap<String, Uuid> = match organisation.filter(|o| visibility.sees(Some(*o))) {
        Some(o) => db(&store, move |conn| people::by_refs(conn, o))
            .await?
            .into_iter()
            .filter_map(|r| Some((r.person?.external_ref()?.as_str().to_owned(), r.id)))
            .collect(),
        None => HashMap::new(),
    };
    let (lines, rejected) = roster(&body, &by_ref, limits.max_rows).map_err(file_error)?;
    drop(body);
    let (cohort_id, audit) = (cohort.id, audit_entry(&req));
    let report = db(&store, move |conn| {
        imports::import_enrolments(
            conn,
            cohort_id,
            &lines,
            rejected.clone(),
            visibility,
            &Run {
                mode,
                audit: &audit,
                progress: &|_| {},
            },
        )
    })
    .await?;
    answer(report, mode)
}
