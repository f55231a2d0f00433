//! Impact reports (`/reports/...`, scope `reports:read`): what the academy tells its board.
//! JSON by default, CSV by `Accept: text/csv`.

pub mod charts;
pub mod communities;
pub mod impact;
pub mod impact_page;
pub mod learning;
pub mod needs;
pub mod priorities;
pub mod report_dto;
pub mod together;

use actix_web::http::header::{Accept, CONTENT_DISPOSITION, CONTENT_TYPE, Header};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use persistence::db::DbConnection;
use persistence::visibility::Visibility;
use persistence::{Store, StoreResult};

use crate::auth::Authorized;
use crate::auth::principal::scope;
use crate::config::ReportSettings;
use crate::http::problem::Problem;
use crate::http::query::invalid_query;
use crate::http::{ApiError, db, paging};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(learning::get_learning_report)
        .service(together::get_learning_together_report)
        .service(priorities::get_priorities_report)
        .service(communities::get_communities_report)
        .service(needs::get_learning_needs_report)
        .service(impact::get_impact_report)
        .service(impact::get_report_chart);
}

/// Whom a report is for and what it covers: what the caller may see, the threshold its
/// small numbers are withheld below, and the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportScope {
    pub visibility: Visibility,
    pub threshold: i64,
    pub period: paging::Period,
}

impl ReportScope {
    pub fn new(
        auth: &Authorized<scope::ReportsRead>,
        settings: &ReportSettings,
        period: paging::Period,
    ) -> Self {
        Self {
            visibility: auth.principal.visibility(),
            threshold: settings.threshold_for(auth.principal.is_admin()),
            period,
        }
    }

    /// The period's first and last days.
    pub fn days(&self) -> (chrono::NaiveDate, chrono::NaiveDate) {
        (self.period.from, self.period.to)
    }

    /// The period as a report states it.
    pub fn report_period(&self) -> report_dto::ReportPeriod {
        report_dto::ReportPeriod {
            from: self.period.from,
            to: self.period.to,
        }
    }

    /// Runs a report's counting in one read snapshot, off the async threads.
    pub async fn count<T: Send + 'static>(
        &self,
        store: &Store,
        f: impl Fn(&mut DbConnection) -> StoreResult<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        db(store, move |conn| persistence::db::read_snapshot(conn, &f)).await
    }
}

/// The period of a report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day of the period; twelve months before `to` when absent.
    #[param(value_type = Option<crate::openapi::rules::Day>, example = "2025-12-01")]
    pub from: Option<String>,
    /// Last day of the period; twelve months after `from`, or today, when absent.
    #[param(value_type = Option<crate::openapi::rules::Day>, example = "2026-11-30")]
    pub to: Option<String>,
}

impl PeriodQuery {
    /// The period asked for, or the 400 naming what is wrong with it.
    pub fn period(&self) -> Result<paging::Period, ApiError> {
        let mut e = Vec::new();
        paging::period(self.from.as_deref(), self.to.as_deref(), false, &mut e)
            .filter(|_| e.is_empty())
            .ok_or_else(|| invalid_query(e))
    }
}

/// A CSV writer as RFC 4180 has it: records end in CRLF.
pub fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// A figure's CSV cell: its value; `<5` (the threshold) when withheld; empty when it does
/// not apply.
pub fn cell(suppressed: &[&str], threshold: i64, name: &str, value: Option<String>) -> String {
    value.unwrap_or_else(|| {
        if suppressed.contains(&name) {
            format!("<{threshold}")
        } else {
            String::new()
        }
    })
}

/// A report in the format asked for: JSON, or CSV as an attachment named after the report
/// and its period.
pub fn respond<T: Serialize>(
    format: Format,
    report: &T,
    name: &str,
    period: &paging::Period,
    csv: impl FnOnce(&T) -> Result<Vec<u8>, csv::Error>,
) -> Result<HttpResponse, ApiError> {
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(report)),
        Format::Csv => {
            let body = csv(report).map_err(|e| ApiError::Internal(e.into()))?;
            Ok(HttpResponse::Ok()
                .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
                .insert_header((
                    CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{name}-{}-{}.csv\"",
                        period.from, period.to
                    ),
                ))
                .body(body))
        }
    }
}

/// The representations a report comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

impl Format {
    /// The caller's preferred one by `Accept` (JSON when it says nothing, or anything);
    /// 406 when it accepts neither.
    pub fn of(req: &HttpRequest) -> Result<Self, ApiError> {
        let Ok(accept) = Accept::parse(req) else {
            return Ok(Self::Json);
        };
        if accept.is_empty() {
            return Ok(Self::Json);
        }
        for mime in accept.ranked() {
            match (mime.type_().as_str(), mime.subtype().as_str()) {
                ("application", "json" | "*") | ("*", "*") => return Ok(Self::Json),
                ("text", "csv" | "*") => return Ok(Self::Csv),
                _ => {}
            }
        }
        Err(Problem::typed(
            actix_web::http::StatusCode::NOT_ACCEPTABLE,
            "not-acceptable",
            "Not acceptable",
            "reports are available as application/json or text/csv",
        )
        .into())
    }
}
