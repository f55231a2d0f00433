//! Enrolments: enrol (seat, waitlist or refusal), withdraw, complete; the HR pull and its
//! streaming export; attendance registers. A client of an organisation sees only its own
//! people's enrolments.

use std::time::Duration;

use actix_web::http::header::{ACCEPT, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use domain::EnrolmentStatus;
use persistence::Store;
use persistence::learning::enrolments::{self, EnrolmentFilter, EnrolmentRecord};
use persistence::learning::sessions;
use persistence::visibility::Visibility;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::cohorts::{find as find_cohort, programme_filter};
use super::enrolment_dto::{
    AttendanceMark, EnrolmentCreate, EnrolmentDto, EnrolmentRow, Outcome, Register,
};
use crate::auth::Authorized;
use crate::auth::principal::{audit_entry, scope};
use crate::http::body::Json;
use crate::http::problem::{Problem, ProblemField};
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, paging, respond};
use crate::openapi::problems::Conflict;

/// How long delta sync leaves recent changes for the next call.
pub struct SyncSettle(pub Duration);

fn missing(raw: &str) -> impl Fn(ApiError) -> ApiError + '_ {
    move |e| match e {
        ApiError::Problem(p) if p.status == 404 => {
            ApiError::not_found(format!("no enrolment has id '{raw}'"))
        }
        other => other,
    }
}

async fn find(
    store: &Store,
    raw: &str,
    visibility: Visibility,
) -> Result<EnrolmentRecord, ApiError> {
    let id = Uuid::parse_str(raw)
        .map_err(|_| ApiError::not_found(format!("no enrolment has id '{raw}'")))?;
    db(store, move |conn| enrolments::get(conn, id, visibility))
        .await
        .map_err(missing(raw))
}

/// Enrol a person on a cohort: a seat while seats remain, otherwise a place on the waitlist.
///
/// 409 when the cohort is not open, it is full and has no waitlist, or the person is already
/// enrolled or waitlisted on it. Capacity holds however many requests arrive at once, on
/// however many API processes: the seat count and the insert share one transaction under the
/// cohort's lock.
#[utoipa::path(
    tag = "enrolments",
    request_body = EnrolmentCreate,
    params(("id" = Uuid, Path, description = "The cohort's id.")),
    security(("oauth2" = ["enrolments:write"]), ("bearer" = ["enrolments:write"])),
    responses(
        (status = 201, description = "Enrolled, or waitlisted with a position.", body = EnrolmentDto,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = Conflict),
    )
)]
#[post("/cohorts/{id}/enrolments")]
pub async fn create_enrolment(
    auth: Authorized<scope::EnrolmentsWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: Json<EnrolmentCreate>,
) -> Result<HttpResponse, ApiError> {
    let raw = path.into_inner();
    let cohort_id = Uuid::parse_str(&raw)
        .map_err(|_| ApiError::not_found(format!("no cohort has id '{raw}'")))?;
    let person_id = body.person_id;
    let (visibility, audit) = (auth.principal.visibility(), audit_entry(&req));
    let record = db(&store, move |conn| {
        enrolments::enrol(conn, cohort_id, person_id, visibility, &audit)
    })
    .await
    .map_err(|e| match e {
        ApiError::Problem(p) if p.status == 404 => ApiError::not_found(format!(
            "no cohort '{raw}', or no person '{person_id}' you may enrol"
        )),
        other => other,
    })?;
    Ok(respond::created(
        format!("/api/v1/enrolments/{}", record.id),
        record.id,
        record.version,
        &EnrolmentDto::from(record),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": []}))]
pub struct CohortEnrolments {
    /// In the order people joined; waitlisted ones carry their position.
    pub data: Vec<EnrolmentDto>,
}

/// The enrolments of a cohort (a partner organisation's client sees its own people's).
#[utoipa::path(
    tag = "enrolments",
    params(("id" = Uuid, Path, description = "The cohort's id.")),
    security(("oauth2" = ["enrolments:read"]), ("bearer" = ["enrolments:read"])),
    responses(
        (status = 200, description = "The cohort's enrolments.", body = CohortEnrolments),
    )
)]
#[get("/cohorts/{id}/enrolments")]
pub async fn list_cohort_enrolments(
    auth: Authorized<scope::EnrolmentsRead>,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let cohort = find_cohort(&store, &path).await?;
    let (id, visibility) = (cohort.id, auth.principal.visibility());
    let rows = db(&store, move |conn| {
        enrolments::of_cohort(conn, id, visibility)
    })
    .await?;
    Ok(HttpResponse::Ok().json(CohortEnrolments {
        data: rows.into_iter().map(Into::into).collect(),
    }))
}

/// Filters of the HR pull.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnrolmentQuery {
    /// The people's organisation (a partner organisation's client always gets its own).
    #[param(value_type = Option<Uuid>)]
    pub organisation: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub cohort: Option<String>,
    /// Programme id or slug.
    pub programme: Option<String>,
    #[serde(default)]
    #[param(value_type = Option<Vec<EnrolmentStatus>>, explode, style = Form)]
    pub status: Vec<String>,
    /// The employer's staff number of the person.
    pub person_external_ref: Option<String>,
    /// Changes at or after this instant (RFC 3339): withdrawals, cancellations and erasures
    /// included.
    #[param(value_type = Option<crate::openapi::rules::Instant>)]
    pub updated_since: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

/// Filters of the export: those of the HR pull, without paging (it streams every row).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct ExportQuery(pub EnrolmentQuery);

impl IntoParams for ExportQuery {
    fn into_params(
        place: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        crate::http::query::without(EnrolmentQuery::into_params(place), &["limit", "cursor"])
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [], "next_cursor": null}))]
pub struct EnrolmentList {
    /// In change order (`updated_at`, then id).
    pub data: Vec<EnrolmentRow>,
    pub next_cursor: Option<String>,
}

/// Where delta sync stops reading now (`None`: no settle window configured).
pub async fn settled_before(
    store: &Store,
    settle: Duration,
) -> Result<Option<chrono::NaiveDateTime>, ApiError> {
    if settle.is_zero() {
        return Ok(None);
    }
    let settle = chrono::Duration::from_std(settle).unwrap_or_default();
    Ok(Some(
        db(store, move |conn| {
            persistence::db::sync_horizon(conn, settle)
        })
        .await?,
    ))
}

async fn filter_of(
    store: &Store,
    q: &EnrolmentQuery,
    settle: Duration,
) -> Result<(EnrolmentFilter, Vec<ProblemField>), ApiError> {
    let mut e = Vec::new();
    let mut statuses = Vec::new();
    for s in &q.status {
        match domain::Vocabulary::parse(s.as_str()) {
            Ok(s) => statuses.push(s),
            Err(err) => e.push(ProblemField {
                field: "status".into(),
                message: format!("{err}"),
            }),
        }
    }
    let programme = match &q.programme {
        Some(p) => Some(programme_filter(store, p).await?),
        None => None,
    };
    let settled_before = settled_before(store, settle).await?;
    let filter = EnrolmentFilter {
        organisation_id: paging::uuid("organisation", q.organisation.as_deref(), &mut e),
        cohort_id: paging::uuid("cohort", q.cohort.as_deref(), &mut e),
        programme_id: programme,
        statuses,
        person_external_ref: q.person_external_ref.clone(),
        updated_since: paging::instant("updated_since", q.updated_since.as_deref(), &mut e),
        settled_before,
    };
    Ok((filter, e))
}

/// The HR pull: enrolments with each person's staff number, programme, cohort, dates,
/// status, outcome, attendance rate and priorities, in change order.
///
/// For delta sync pass the `updated_since` of your last sync; withdrawals, cancellations and
/// erasures come as rows like any other. The cursor never skips or repeats a row while others
/// write: changes from the last second are left for the next call.
#[utoipa::path(
    tag = "enrolments",
    params(EnrolmentQuery),
    security(("oauth2" = ["enrolments:read"]), ("bearer" = ["enrolments:read"])),
    responses(
        (status = 200, description = "One page of enrolments.", body = EnrolmentList),
    )
)]
#[get("/enrolments")]
pub async fn list_enrolments(
    auth: Authorized<scope::EnrolmentsRead>,
    req: HttpRequest,
    store: web::Data<Store>,
    settle: web::Data<SyncSettle>,
    StrictQuery(q): StrictQuery<EnrolmentQuery>,
) -> Result<HttpResponse, ApiError> {
    let (filter, mut e) = filter_of(&store, &q, settle.0).await?;
    let limit = paging::limit(q.limit.as_deref(), &mut e);
    let cursor = paging::cursor(q.cursor.as_deref(), &mut e, enrolments::decode_cursor);
    if !e.is_empty() {
        return Err(invalid_query(e));
    }
    let visibility = auth.principal.visibility();
    let page = db(&store, move |conn| {
        enrolments::list(conn, &filter, visibility, limit, cursor.as_ref())
    })
    .await?;
    Ok(respond::listed(&req, page.next_cursor, |next_cursor| {
        EnrolmentList {
            data: page.items.into_iter().map(Into::into).collect(),
            next_cursor,
        }
    }))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Ndjson,
}

const CSV_HEADER: [&str; 19] = [
    "id",
    "person_id",
    "person_external_ref",
    "person_erased",
    "organisation_id",
    "programme_id",
    "programme_slug",
    "programme_title",
    "cohort_id",
    "cohort_label",
    "cohort_start_date",
    "cohort_end_date",
    "status",
    "outcome_date",
    "enrolled_at",
    "ended_at",
    "attendance_rate",
    "priorities",
    "updated_at",
];

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab or carriage
/// return first) is prefixed with `'`, as OWASP's CSV injection guidance says; the JSON and
/// NDJSON carry the value as stored.
pub fn neutralised(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

fn csv_record(r: &EnrolmentRow) -> [String; 19] {
    csv_cells(r).map(neutralised)
}

fn csv_cells(r: &EnrolmentRow) -> [String; 19] {
    let opt = |o: Option<String>| o.unwrap_or_default();
    [
        r.id.to_string(),
        r.person_id.to_string(),
        opt(r.person_external_ref.clone()),
        r.person_erased.to_string(),
        opt(r.organisation_id.map(|o| o.to_string())),
        r.programme_id.to_string(),
        r.programme_slug.clone(),
        r.programme_title.clone(),
        r.cohort_id.to_string(),
        r.cohort_label.clone(),
        r.cohort_start_date.to_string(),
        r.cohort_end_date.to_string(),
        domain::Vocabulary::value(&r.status).to_owned(),
        opt(r.outcome_date.map(|d| d.to_string())),
        opt(r
            .enrolled_at
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))),
        opt(r
            .ended_at
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))),
        opt(r.attendance_rate.map(|x| format!("{x:.4}"))),
        r.priorities
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(" "),
        r.updated_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
    ]
}

fn encode(rows: Vec<EnrolmentRow>, format: Format, header: bool) -> Result<web::Bytes, String> {
    let mut out = Vec::with_capacity(rows.len() * 256);
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            if header {
                w.write_record(CSV_HEADER).map_err(|e| e.to_string())?;
            }
            for r in &rows {
                w.write_record(csv_record(r)).map_err(|e| e.to_string())?;
            }
            w.flush().map_err(|e| e.to_string())?;
        }
        Format::Ndjson => {
            for r in &rows {
                serde_json::to_writer(&mut out, r).map_err(|e| e.to_string())?;
                out.push(b'\n');
            }
        }
    }
    Ok(web::Bytes::from(out))
}

const EXPORT_BATCH: i64 = 10_000;

/// Every enrolment matching the filters, streamed as CSV (`Accept: text/csv`, the default)
/// or NDJSON (`Accept: application/x-ndjson`), in change order. Rows are read and written in
/// batches, so memory stays flat however many there are.
#[utoipa::path(
    tag = "enrolments",
    params(ExportQuery),
    security(("oauth2" = ["enrolments:read"]), ("bearer" = ["enrolments:read"])),
    responses(
        (status = 200, description = "The rows, streamed.",
            content((String = "text/csv"), (EnrolmentRow = "application/x-ndjson"))),
        (status = 406, response = crate::openapi::problems::NotAcceptable),
    )
)]
#[get("/enrolments/export")]
pub async fn export_enrolments(
    auth: Authorized<scope::EnrolmentsRead>,
    req: HttpRequest,
    store: web::Data<Store>,
    settle: web::Data<SyncSettle>,
    StrictQuery(q): StrictQuery<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let accept = req
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("*/*")
        .to_ascii_lowercase();
    let format = if accept.contains("application/x-ndjson") {
        Format::Ndjson
    } else if accept.contains("text/csv") || accept.contains("*/*") || accept.contains("text/*") {
        Format::Csv
    } else {
        return Err(Problem::typed(
            actix_web::http::StatusCode::NOT_ACCEPTABLE,
            "not-acceptable",
            "Not acceptable",
            "the export is available as text/csv or application/x-ndjson",
        )
        .into());
    };
    let (filter, e) = filter_of(&store, &q, settle.0).await?;
    if !e.is_empty() {
        return Err(invalid_query(e));
    }
    let visibility = auth.principal.visibility();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<web::Bytes, std::io::Error>>(4);
    let (pages_tx, pages_rx) = std::sync::mpsc::sync_channel::<Vec<EnrolmentRow>>(2);
    let store = store.get_ref().clone();
    let span = tracing::Span::current();
    // Two blocking tasks in a pipeline: one reads batch after batch (keyset pagination), the
    // other encodes; the bounded channels keep a few batches in memory however many rows.
    let failed = tx.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let _entered = span.enter();
        // One read snapshot for the whole export: a row changed meanwhile is neither missed
        // nor written twice.
        let outcome = store.with(|conn| {
            persistence::db::read_snapshot(conn, |conn| {
                let mut cursor = None;
                loop {
                    let page =
                        enrolments::list(conn, &filter, visibility, EXPORT_BATCH, cursor.as_ref())?;
                    if pages_tx
                        .send(page.items.into_iter().map(Into::into).collect())
                        .is_err()
                    {
                        return Ok(()); // the client went away
                    }
                    match page.next_cursor {
                        Some(c) => cursor = Some(c),
                        None => return Ok(()),
                    }
                }
            })
        });
        if let Err(e) = outcome {
            tracing::error!(error = %e, "export stopped");
            let _ = failed.blocking_send(Err(std::io::Error::other("export failed")));
        }
    });
    actix_web::rt::task::spawn_blocking(move || {
        let mut first = true;
        while let Ok(rows) = pages_rx.recv() {
            let chunk = encode(rows, format, first).map_err(std::io::Error::other);
            first = false;
            if tx.blocking_send(chunk).is_err() {
                return; // the client went away
            }
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let content_type = match format {
        Format::Csv => "text/csv; charset=utf-8",
        Format::Ndjson => "application/x-ndjson",
    };
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .streaming(body))
}

/// Get one enrolment.
#[utoipa::path(
    tag = "enrolments",
    params(("id" = Uuid, Path, description = "The enrolment's id.")),
    security(("oauth2" = ["enrolments:read"]), ("bearer" = ["enrolments:read"])),
    responses(
        (status = 200, description = "The enrolment.", body = EnrolmentDto, headers(("ETag" = String))),
    )
)]
#[get("/enrolments/{id}")]
pub async fn get_enrolment(
    auth: Authorized<scope::EnrolmentsRead>,
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let record = find(&store, &path, auth.principal.visibility()).await?;
    Ok(respond::conditional(
        &req,
        record.id,
        record.version,
        &EnrolmentDto::from(record),
    ))
}

async fn transition(
    auth: &crate::auth::Principal,
    req: &HttpRequest,
    store: &Store,
    raw: &str,
    to: EnrolmentStatus,
    outcome: Option<chrono::NaiveDate>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(raw)
        .map_err(|_| ApiError::not_found(format!("no enrolment has id '{raw}'")))?;
    let (visibility, audit) = (auth.visibility(), audit_entry(req));
    let record = db(store, move |conn| {
        enrolments::transition(conn, id, to, outcome, visibility, &audit)
    })
    .await
    .map_err(missing(raw))?;
    Ok(respond::resource(
        record.id,
        record.version,
        &EnrolmentDto::from(record),
    ))
}

macro_rules! enrolment_action {
    ($fn:ident, $path:literal, $to:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "enrolments",
            request_body(content = Option<Outcome>, description = "For `complete` and `not-complete`: the outcome date (today when absent)."),
            params(("id" = Uuid, Path, description = "The enrolment's id.")),
            security(("oauth2" = ["enrolments:write"]), ("bearer" = ["enrolments:write"])),
            responses(
                (status = 200, description = "The enrolment in its new state.", body = EnrolmentDto, headers(("ETag" = String))),
                (status = 409, response = Conflict),
            )
        )]
        #[post($path)]
        pub async fn $fn(
            auth: Authorized<scope::EnrolmentsWrite>,
            req: HttpRequest,
            store: web::Data<Store>,
            path: web::Path<String>,
            body: web::Bytes,
        ) -> Result<HttpResponse, ApiError> {
            let outcome = outcome_of(&body)?;
            transition(&auth.principal, &req, &store, &path, $to, outcome).await
        }
    };
}

enrolment_action!(
    withdraw_enrolment,
    "/enrolments/{id}/withdraw",
    EnrolmentStatus::Withdrawn,
    "Withdraw an enrolled or waitlisted person. A freed seat goes to the first person waiting, in the same transaction."
);
enrolment_action!(
    complete_enrolment,
    "/enrolments/{id}/complete",
    EnrolmentStatus::Completed,
    "Record that an enrolled person completed the programme."
);
enrolment_action!(
    not_complete_enrolment,
    "/enrolments/{id}/not-complete",
    EnrolmentStatus::NotCompleted,
    "Record that an enrolled person took part but did not complete."
);

/// Record the register of a session: the attendance of each listed enrolment (present,
/// absent or excused), replacing what was recorded for them. All or nothing.
#[utoipa::path(
    tag = "enrolments",
    request_body = Register,
    params(
        ("id" = Uuid, Path, description = "The cohort's id."),
        ("session_id" = Uuid, Path, description = "The session's id."),
    ),
    security(("oauth2" = ["enrolments:write"]), ("bearer" = ["enrolments:write"])),
    responses(
        (status = 200, description = "The register as recorded (the part the caller may see).", body = Register),
        (status = 409, response = Conflict),
    )
)]
#[put("/cohorts/{id}/sessions/{session_id}/attendance")]
pub async fn record_session_attendance(
    auth: Authorized<scope::EnrolmentsWrite>,
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<(String, String)>,
    body: Json<Register>,
) -> Result<HttpResponse, ApiError> {
    let (cohort_id, session_id) = session_path(&path)?;
    let marks: Vec<_> = body
        .into_inner()
        .records
        .into_iter()
        .map(|m| (m.enrolment_id, m.status))
        .collect();
    let (visibility, audit) = (auth.principal.visibility(), audit_entry(&req));
    let register = db(&store, move |conn| {
        sessions::record(conn, cohort_id, session_id, &marks, visibility, &audit)
    })
    .await
    .map_err(session_missing)?;
    Ok(HttpResponse::Ok().json(to_register(register)))
}

/// The register of a session (the part the caller may see).
#[utoipa::path(
    tag = "enrolments",
    params(
        ("id" = Uuid, Path, description = "The cohort's id."),
        ("session_id" = Uuid, Path, description = "The session's id."),
    ),
    security(("oauth2" = ["enrolments:read"]), ("bearer" = ["enrolments:read"])),
    responses(
        (status = 200, description = "The register.", body = Register),
    )
)]
#[get("/cohorts/{id}/sessions/{session_id}/attendance")]
pub async fn get_session_attendance(
    auth: Authorized<scope::EnrolmentsRead>,
    store: web::Data<Store>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (cohort_id, session_id) = session_path(&path)?;
    let visibility = auth.principal.visibility();
    let register = db(&store, move |conn| {
        sessions::register(conn, cohort_id, session_id, visibility)
    })
    .await
    .map_err(session_missing)?;
    Ok(HttpResponse::Ok().json(to_register(register)))
}

/// The optional body of a transition: nothing, or `{"outcome_date": "YYYY-MM-DD"}` parsed
/// strictly (a date that does not parse is a 400, never silently today).
fn outcome_of(body: &[u8]) -> Result<Option<chrono::NaiveDate>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    // `null` is "no outcome given", as the contract's nullable body says.
    let date = serde_json::from_slice::<Option<Outcome>>(body)
        .map(|o| o.and_then(|o| o.outcome_date))
        .map_err(crate::http::body::deserialize_problem)?;
    if date.is_some_and(|d| !domain::validation::date_in_range(d)) {
        let mut errors = domain::ValidationErrors::new();
        errors.add("outcome_date", domain::validation::date_range_message());
        return Err(crate::http::error::unprocessable(errors));
    }
    Ok(date)
}

fn session_path(path: &(String, String)) -> Result<(Uuid, Uuid), ApiError> {
    match (Uuid::parse_str(&path.0), Uuid::parse_str(&path.1)) {
        (Ok(c), Ok(s)) => Ok((c, s)),
        _ => Err(ApiError::not_found("no such cohort session")),
    }
}

fn session_missing(e: ApiError) -> ApiError {
    match e {
        ApiError::Problem(p) if p.status == 404 => ApiError::not_found("no such cohort session"),
        other => other,
    }
}

fn to_register(rows: Vec<(Uuid, domain::AttendanceStatus)>) -> Register {
    Register {
        records: rows
            .into_iter()
            .map(|(enrolment_id, status)| AttendanceMark {
                enrolment_id,
                status,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::neutralised;

    #[test]
    fn cells_a_spreadsheet_would_run_are_quoted() {
        for formula in [
            "=cmd|' /C calc'!A0",
            "+1+1",
            "-2",
            "@SUM(1+1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"x\")",
        ] {
            assert_eq!(neutralised(formula.into()), format!("'{formula}"));
        }
        for plain in ["Aisha", "RR8-00100", "2027-03-01", "", "a=b", "0.5000"] {
            assert_eq!(neutralised(plain.into()), plain);
        }
    }
}
