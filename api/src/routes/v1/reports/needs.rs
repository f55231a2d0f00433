//! `GET /reports/learning-needs?year=`: supply and demand. The headcount organisations say
//! needs learning in a year, per Leeds priority and per programme named, against the seats
//! the year's cohorts offer and the people seated in them: the gap the academy must close.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::Datelike;
use domain::Priority;
use domain::report::Suppressor;
use persistence::Store;
use persistence::commissioning::supply::{self, SupplyCounts};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::report_dto::ReportPeriod;
use super::{Format, ReportScope, cell, csv_writer, respond};
use crate::auth::Authorized;
use crate::auth::principal::scope;
use crate::config::ReportSettings;
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, paging};
use crate::routes::v1::catalogue::programme_dto::PriorityRef;
use crate::routes::v1::commissioning::needs::year;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year of the needs and of the cohorts starting in it; this year when absent.
    #[param(value_type = Option<i32>, minimum = 2020, maximum = 2100, example = 2026)]
    pub year: Option<String>,
}

impl YearQuery {
    /// The year asked for as a report's period (1 January to 31 December), or the 400.
    pub fn period(&self) -> Result<paging::Period, ApiError> {
        let mut e = Vec::new();
        let y = paging::parsed("year", self.year.as_deref(), year, &mut e);
        if !e.is_empty() {
            return Err(invalid_query(e));
        }
        let y = y.unwrap_or_else(|| chrono::Utc::now().year());
        Ok(paging::Period::year(y))
    }
}

/// Demand against supply. `learners` below the threshold is `null` and named.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"needs": 4, "headcount": 260, "cohorts": 6, "seats_offered": 120,
    "learners": 97, "gap": 140, "suppressed": false, "suppressed_figures": []}))]
pub struct SupplyFigures {
    /// Learning needs recorded for the year.
    #[schema(minimum = 0)]
    pub needs: i64,
    /// The staff those needs count.
    #[schema(minimum = 0)]
    pub headcount: i64,
    /// The year's cohorts (every one starting in it but the cancelled).
    #[schema(minimum = 0)]
    pub cohorts: i64,
    /// Their capacity.
    #[schema(minimum = 0)]
    pub seats_offered: i64,
    /// Distinct people seated in them (enrolled, completed or not completed); for an
    /// organisation's client, its own staff.
    pub learners: Option<i64>,
    /// Staff needing learning beyond the seats offered: headcount less seats, or 0.
    #[schema(minimum = 0)]
    pub gap: i64,
    pub suppressed: bool,
    #[schema(value_type = Vec<String>, example = json!([]))]
    pub suppressed_figures: Vec<&'static str>,
}

impl SupplyFigures {
    fn of(c: SupplyCounts, threshold: i64, counted: bool) -> Self {
        let mut s = Suppressor::new(threshold);
        let learners = if counted {
            s.count("learners", c.learners)
        } else {
            None
        };
        Self {
            needs: c.needs,
            headcount: c.headcount,
            cohorts: c.cohorts,
            seats_offered: c.seats_offered,
            learners,
            gap: domain::commissioning::gap(c.headcount, c.seats_offered),
            suppressed: !s.withheld.is_empty(),
            suppressed_figures: s.withheld,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"priority": {"code": 6, "slug": "learning-together", "title": "Learning together"},
    "figures": {"needs": 4, "headcount": 260, "cohorts": 6, "seats_offered": 120, "learners": 97,
    "gap": 140, "suppressed": false, "suppressed_figures": []}}))]
pub struct PrioritySupply {
    pub priority: PriorityRef,
    pub figures: SupplyFigures,
}

/// A programme a need names.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-0000-7000-8000-000000000001", "slug": "vital-signs", "title": "VITAL Signs"}))]
pub struct ProgrammeLabel {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"programme": {"id": "0193a1b4-0000-7000-8000-000000000001", "slug": "vital-signs", "title": "VITAL Signs"},
    "figures": {"needs": 2, "headcount": 47, "cohorts": 2, "seats_offered": 30, "learners": null,
    "gap": 17, "suppressed": true, "suppressed_figures": ["learners"]}}))]
pub struct ProgrammeSupply {
    pub programme: ProgrammeLabel,
    pub figures: SupplyFigures,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"year": 2026, "period": {"from": "2026-01-01", "to": "2026-12-31"},
    "suppression_threshold": 5,
    "priorities": [{"priority": {"code": 6, "slug": "learning-together", "title": "Learning together"},
        "figures": {"needs": 4, "headcount": 260, "cohorts": 6, "seats_offered": 120, "learners": 97,
        "gap": 140, "suppressed": false, "suppressed_figures": []}}],
    "programmes": []}))]
pub struct LearningNeedsReport {
    pub year: i32,
    /// The year's first and last days: the cohorts starting in it.
    pub period: ReportPeriod,
    #[schema(minimum = 0)]
    pub suppression_threshold: i64,
    /// All seven, by code. A cohort serving several priorities offers its seats to each.
    pub priorities: Vec<PrioritySupply>,
    /// The programmes the year's needs name, by title: the needs naming each, and its
    /// cohorts of the year.
    pub programmes: Vec<ProgrammeSupply>,
}

/// Supply and demand for a year: per Leeds priority, and per programme the needs name, the
/// learning needs recorded and their headcount against the cohorts starting in the year,
/// their seats and the people seated in them, and the gap (headcount beyond the seats).
///
/// An organisation's client counts its own needs and its own staff seated; the seats are
/// every cohort's, as the catalogue shows them.
#[utoipa::path(
    tag = "reports",
    params(YearQuery),
    security(("oauth2" = ["reports:read"]), ("bearer" = ["reports:read"])),
    responses(
        (status = 200, description = "The report; as CSV, one row per priority, then one per programme.",
            content((LearningNeedsReport = "application/json"), (String = "text/csv")),
            headers(("Content-Disposition" = String, description = "With CSV: `attachment`, with a file name of the report and its period."))),
        (status = 406, response = crate::openapi::problems::NotAcceptable),
    )
)]
#[get("/reports/learning-needs")]
pub async fn get_learning_needs_report(
    auth: Authorized<scope::ReportsRead>,
    req: HttpRequest,
    store: web::Data<Store>,
    settings: web::Data<ReportSettings>,
    StrictQuery(q): StrictQuery<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = Format::of(&req)?;
    let period = q.period()?;
    let scope = ReportScope::new(&auth, &settings, period);
    let report = learning_needs_report(&store, &scope, true).await?;
    respond(format, &report, "learning-needs", &period, csv)
}

/// The report for the year the scope's period ends in, for the board report too (which
/// shows needs against seats, and leaves `learners` uncounted: `null`).
pub async fn learning_needs_report(
    store: &Store,
    scope: &ReportScope,
    count_learners: bool,
) -> Result<LearningNeedsReport, ApiError> {
    let (year, visibility, t) = (scope.period.to.year(), scope.visibility, scope.threshold);
    let mut counts = scope
        .count(store, move |conn| {
            supply::counts(conn, year, visibility, count_learners)
        })
        .await?;
    let priorities = Priority::ALL
        .into_iter()
        .map(|p| PrioritySupply {
            priority: p.into(),
            figures: SupplyFigures::of(
                counts
                    .priorities
                    .remove(&i32::from(p.code()))
                    .unwrap_or_default(),
                t,
                count_learners,
            ),
        })
        .collect();
    let mut programmes: Vec<ProgrammeSupply> = counts
        .programmes
        .into_iter()
        .map(|(id, p)| ProgrammeSupply {
            programme: ProgrammeLabel {
                id,
                slug: p.slug,
                title: p.title,
            },
            figures: SupplyFigures::of(p.counts, t, count_learners),
        })
        .collect();
    programmes.sort_by(|a, b| a.programme.title.cmp(&b.programme.title));
    let year_period = paging::Period::year(year);
    Ok(LearningNeedsReport {
        year,
        period: ReportPeriod {
            from: year_period.from,
            to: year_period.to,
        },
        suppression_threshold: t,
        priorities,
        programmes,
    })
}

/// One row per priority, then one per programme; a withheld count reads `<5`.
fn csv(report: &LearningNeedsReport) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv_writer();
    w.write_record([
        "year",
        "line",
        "key",
        "title",
        "needs",
        "headcount",
        "cohorts",
        "seats_offered",
        "learners",
        "gap",
    ])?;
    let lines = report
        .priorities
        .iter()
        .map(|p| {
            let (code, title) = (p.priority.code.to_string(), p.priority.title.to_owned());
            ("priority", code, title, &p.figures)
        })
        .chain(report.programmes.iter().map(|p| {
            let (slug, title) = (p.programme.slug.clone(), p.programme.title.clone());
            ("programme", slug, title, &p.figures)
        }));
    for (line, key, title, f) in lines {
        let learners = f.learners.map(|n| n.to_string());
        w.write_record([
            report.year.to_string(),
            line.to_owned(),
            domain::validation::neutralised(key),
            domain::validation::neutralised(title),
            f.needs.to_string(),
            f.headcount.to_string(),
            f.cohorts.to_string(),
            f.seats_offered.to_string(),
            cell(
                &f.suppressed_figures,
                report.suppression_threshold,
                "learners",
                learners,
            ),
            f.gap.to_string(),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
