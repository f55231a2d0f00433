//! `GET /reports/priorities`: which of the seven Leeds priorities the academy's work is
//! actually serving.

use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::Priority;
use domain::report::Suppressor;
use persistence::Store;
use persistence::reports::priorities;
use serde::Serialize;
use utoipa::ToSchema;

use super::report_dto::ReportPeriod;
use super::{Format, PeriodQuery, ReportScope, cell, csv_writer, respond};
use crate::auth::Authorized;
use crate::auth::principal::scope;
use crate::config::ReportSettings;
use crate::http::{ApiError, StrictQuery};
use crate::routes::v1::catalogue::programme_dto::PriorityRef;

/// One priority: the work that serves it. Counts of people below the threshold are `null`
/// and named.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"priority": {"code": 6, "slug": "learning-together", "title": "Learning together"},
    "programmes_published": 18, "cohorts_run": 40, "learners": 812, "completed": 530,
    "completion_rate": 0.88, "communities": 5, "community_members": 214, "suppressed": false,
    "suppressed_figures": []}))]
pub struct PriorityFigures {
    pub priority: PriorityRef,
    /// Published programmes serving it (now).
    #[schema(minimum = 0)]
    pub programmes_published: i64,
    /// The period's cohorts serving it (offered: open, running or completed); for an
    /// organisation's client, those with its staff's enrolments.
    #[schema(minimum = 0)]
    pub cohorts_run: i64,
    /// Distinct people seated in those cohorts.
    pub learners: Option<i64>,
    pub completed: Option<i64>,
    /// Completed of those who finished, to 4 decimals.
    #[schema(minimum = 0, maximum = 1)]
    pub completion_rate: Option<f64>,
    /// Communities serving it through their Venus stem (not closed).
    #[schema(minimum = 0)]
    pub communities: i64,
    /// Their distinct current members.
    pub community_members: Option<i64>,
    pub suppressed: bool,
    #[schema(value_type = Vec<String>, example = json!([]))]
    pub suppressed_figures: Vec<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"period": {"from": "2025-12-02", "to": "2026-12-02"},
    "suppression_threshold": 5,
    "priorities": [{"priority": {"code": 6, "slug": "learning-together", "title": "Learning together"},
        "programmes_published": 18, "cohorts_run": 40, "learners": 812, "completed": 530,
        "completion_rate": 0.88, "communities": 5, "community_members": 214, "suppressed": false,
        "suppressed_figures": []}]}))]
pub struct PrioritiesReport {
    pub period: ReportPeriod,
    #[schema(minimum = 0)]
    pub suppression_threshold: i64,
    /// All seven, by code; a work may serve several, so figures overlap.
    pub priorities: Vec<PriorityFigures>,
}

/// The priorities report: for each of the seven Leeds priorities, the published programmes
/// serving it, the period's cohorts serving it with their learners and completions, and
/// the communities serving it with their members.
///
/// A community serves a priority through its Venus stem, when a published programme of that
/// stem serves the priority. An organisation's client counts its own staff.
#[utoipa::path(
    tag = "reports",
    params(PeriodQuery),
    security(("oauth2" = ["reports:read"]), ("bearer" = ["reports:read"])),
    responses(
        (status = 200, description = "The report; as CSV, one row per priority.",
            content((PrioritiesReport = "application/json"), (String = "text/csv")),
            headers(("Content-Disposition" = String, description = "With CSV: `attachment`, with a file name of the report and its period."))),
        (status = 406, response = crate::openapi::problems::NotAcceptable),
    )
)]
#[get("/reports/priorities")]
pub async fn get_priorities_report(
    auth: Authorized<scope::ReportsRead>,
    req: HttpRequest,
    store: web::Data<Store>,
    settings: web::Data<ReportSettings>,
    StrictQuery(q): StrictQuery<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = Format::of(&req)?;
    let period = q.period()?;
    let report = priorities_report(&store, &ReportScope::new(&auth, &settings, period)).await?;
    respond(format, &report, "priorities", &period, csv)
}

/// The report, for the impact page too.
pub async fn priorities_report(
    store: &Store,
    scope: &ReportScope,
) -> Result<PrioritiesReport, ApiError> {
    let (days, visibility, threshold) = (scope.days(), scope.visibility, scope.threshold);
    let mut counts = scope
        .count(store, move |conn| {
            priorities::counts(conn, days, visibility)
        })
        .await?;
    let rows = Priority::ALL
        .into_iter()
        .map(|p| {
            let c = counts.remove(&i32::from(p.code())).unwrap_or_default();
            // The learning figures and their withholding are the learning report's.
            let f = c.learning.figures(threshold);
            let mut s = Suppressor::new(threshold);
            let community_members = s.count("community_members", c.members);
            let shown = ["learners", "completed", "completion_rate"];
            let mut suppressed: Vec<&'static str> = f
                .suppressed
                .into_iter()
                .filter(|n| shown.contains(n))
                .collect();
            suppressed.extend(s.withheld);
            PriorityFigures {
                priority: p.into(),
                programmes_published: c.programmes_published,
                cohorts_run: c.learning.cohorts,
                learners: f.learners,
                completed: f.completed,
                completion_rate: f.completion_rate,
                communities: c.communities,
                community_members,
                suppressed: !suppressed.is_empty(),
                suppressed_figures: suppressed,
            }
        })
        .collect();
    Ok(PrioritiesReport {
        period: scope.report_period(),
        suppression_threshold: threshold,
        priorities: rows,
    })
}

/// One row per priority; a withheld count reads `<5` (the threshold).
fn csv(report: &PrioritiesReport) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv_writer();
    w.write_record([
        "priority_code",
        "priority_slug",
        "priority_title",
        "programmes_published",
        "cohorts_run",
        "learners",
        "completed",
        "completion_rate",
        "communities",
        "community_members",
    ])?;
    for r in &report.priorities {
        let cell = |name, v| cell(&r.suppressed_figures, report.suppression_threshold, name, v);
        let n = |v: Option<i64>| v.map(|n| n.to_string());
        w.write_record([
            r.priority.code.to_string(),
            r.priority.slug.to_owned(),
            r.priority.title.to_owned(),
            r.programmes_published.to_string(),
            r.cohorts_run.to_string(),
            cell("learners", n(r.learners)),
            cell("completed", n(r.completed)),
            cell(
                "completion_rate",
                r.completion_rate.map(|x| format!("{x:.4}")),
            ),
            r.communities.to_string(),
            cell("community_members", n(r.community_members)),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
