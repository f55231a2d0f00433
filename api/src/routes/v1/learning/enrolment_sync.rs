//! The HR pull: delta sync of enrolments in change order, as pages of JSON or as one
//! streamed CSV / NDJSON export. A client of an organisation gets only its own people's.

use std::time::Duration;

use actix_web::http::header::{ACCEPT, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::EnrolmentStatus;
use persistence::Store;
use persistence::learning::enrolment_sync::{self as enrolments, EnrolmentFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::enrolment_dto::EnrolmentRow;
use crate::auth::Authorized;
use crate::auth::principal::scope;
use crate::http::problem::{Problem, ProblemField};
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, paging, respond};
use crate::routes::v1::catalogue::programmes;

/// How long delta sync leaves recent changes for the next call.
pub struct SyncSettle(pub Duration);

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
        Some(p) => Some(programmes::filter_id(store, p).await?),
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
