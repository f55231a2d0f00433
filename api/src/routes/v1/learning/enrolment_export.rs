//! The HR export: every enrolment matching the HR pull's filters, streamed as CSV or NDJSON
//! in change order. On PostgreSQL the CSV comes from one `COPY … TO STDOUT` (the database
//! formats the rows; this forwards bytes); elsewhere, and for NDJSON, rows are read in keyset
//! batches and written here. Both give the same cells (`enrolment_sync.rs` in the tests).

use actix_web::http::header::{ACCEPT, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, get, web};
use persistence::learning::enrolment_sync as enrolments;
use persistence::learning::export_copy;
use persistence::{Backend, Store};

use super::enrolment_dto::EnrolmentRow;
use super::enrolment_sync::{ExportQuery, SyncSettle, filter_of};
use crate::auth::Authorized;
use crate::auth::principal::scope;
use crate::http::ApiError;
use crate::http::StrictQuery;
use crate::http::problem::Problem;
use crate::http::query::invalid_query;

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

fn csv_record(r: &EnrolmentRow) -> [String; 19] {
    csv_cells(r).map(domain::validation::neutralised)
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
            // Records end in LF, as PostgreSQL's COPY ends them.
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(&mut out);
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
    let store = store.get_ref().clone();
    let span = tracing::Span::current();
    if format == Format::Csv && store.url().backend() == Backend::Postgres {
        actix_web::rt::task::spawn_blocking(move || {
            let _entered = span.enter();
            let outcome = store.with(|conn| {
                persistence::db::read_snapshot(conn, |conn| {
                    export_copy::csv(conn, &filter, visibility, COPY_CHUNK, |bytes| {
                        tx.blocking_send(Ok(web::Bytes::from(bytes))).is_ok()
                    })
                })
            });
            if let Err(e) = outcome {
                tracing::error!(error = %e, "export stopped");
                let _ = tx.blocking_send(Err(std::io::Error::other("export failed")));
            }
        });
        return Ok(streamed(rx, format));
    }
    let (pages_tx, pages_rx) = std::sync::mpsc::sync_channel::<Vec<EnrolmentRow>>(2);
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
    Ok(streamed(rx, format))
}

/// Bytes a `COPY` export gathers before it sends them on.
const COPY_CHUNK: usize = 64 * 1024;

fn streamed(
    rx: tokio::sync::mpsc::Receiver<Result<web::Bytes, std::io::Error>>,
    format: Format,
) -> HttpResponse {
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let content_type = match format {
        Format::Csv => "text/csv; charset=utf-8",
        Format::Ndjson => "application/x-ndjson",
    };
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .streaming(body)
}

#[cfg(test)]
mod tests {
    use domain::validation::neutralised;

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
