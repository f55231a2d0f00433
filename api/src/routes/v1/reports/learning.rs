//! `GET /reports/learning`: learners, enrolments, outcomes, attendance and seats over a
//! period, grouped by one or two dimensions.

use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::report::{Dimension, parse_group_by};
use domain::{Priority, SystemLevel, Theme, Vocabulary};
use persistence::Store;
use persistence::reports::learning::{self, LearningFilter};
use serde::Deserialize;
use utoipa::IntoParams;

use super::report_dto::{self, LearningGroup, LearningReport};
use super::{Format, ReportScope, respond};
use crate::auth::Authorized;
use crate::auth::principal::scope;
use crate::config::ReportSettings;
use crate::http::problem::ProblemField;
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, paging};
use crate::openapi::rules::PriorityRefInput;
use crate::routes::v1::catalogue::programmes;

/// Query parameters of the learning report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LearningQuery {
    /// First day of the period (cohorts starting on or after it); twelve months before `to`
    /// when absent.
    #[param(value_type = Option<crate::openapi::rules::Day>, example = "2025-12-01")]
    pub from: Option<String>,
    /// Last day of the period (cohorts starting on or before it); twelve months after
    /// `from`, or today, when absent.
    #[param(value_type = Option<crate::openapi::rules::Day>, example = "2026-11-30")]
    pub to: Option<String>,
    /// What the figures are grouped by: one or two dimensions (repeat the parameter, or
    /// separate them with commas), each once; `programme` when absent.
    #[serde(default)]
    #[param(value_type = Option<std::collections::BTreeSet<Dimension>>, explode, style = Form, max_items = 2, example = json!(["programme", "organisation_kind"]))]
    pub group_by: Vec<String>,
    /// Only this programme: id or slug.
    #[param(example = "vital-signs")]
    pub programme: Option<String>,
    /// Only cohorts serving this Leeds priority: code (1–7) or slug.
    #[param(value_type = Option<PriorityRefInput>)]
    pub priority: Option<String>,
    /// Only learners of this organisation (a partner's client always counts its own).
    #[param(value_type = Option<Uuid>)]
    pub organisation: Option<String>,
    #[param(value_type = Option<domain::Theme>)]
    pub theme: Option<String>,
    #[param(value_type = Option<domain::SystemLevel>)]
    pub level: Option<String>,
}

/// The learning report: for the cohorts starting in the period (offered: open, running or
/// completed), distinct learners, enrolments, waitlisted, withdrawn, completed and not
/// completed, completion and attendance rates, cohorts run, seats offered and seat fill
/// rate, in total and per group.
///
/// A cohort serving several priorities counts in each, so groups by priority may add up to
/// more than the totals; learners are people, so groups add up to at least the totals.
/// Counts of people below the suppression threshold are withheld (`suppressed`). An
/// organisation's client counts its own staff only, and sees no seats.
#[utoipa::path(
    tag = "reports",
    params(LearningQuery),
    security(("oauth2" = ["reports:read"]), ("bearer" = ["reports:read"])),
    responses(
        (status = 200, description = "The report.",
            content((LearningReport = "application/json"), (String = "text/csv")),
            headers(("Content-Disposition" = String, description = "With CSV: `attachment`, with a file name of the report and its period."))),
        (status = 406, response = crate::openapi::problems::NotAcceptable),
    )
)]
#[get("/reports/learning")]
pub async fn get_learning_report(
    auth: Authorized<scope::ReportsRead>,
    req: HttpRequest,
    store: web::Data<Store>,
    settings: web::Data<ReportSettings>,
    StrictQuery(q): StrictQuery<LearningQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = Format::of(&req)?;
    let mut e = Vec::new();
    let period = paging::period(q.from.as_deref(), q.to.as_deref(), false, &mut e);
    let group_by = if q.group_by.is_empty() {
        vec![Dimension::Programme]
    } else {
        parse_group_by(&q.group_by.join(",")).unwrap_or_else(|message| {
            e.push(ProblemField {
                field: "group_by".into(),
                message,
            });
            Vec::new()
        })
    };
    let mut filter = LearningFilter {
        programme_id: None,
        organisation_id: paging::uuid("organisation", q.organisation.as_deref(), &mut e),
        theme: paging::parsed("theme", q.theme.as_deref(), Theme::parse, &mut e),
        level: paging::parsed("level", q.level.as_deref(), SystemLevel::parse, &mut e),
        priority: paging::parsed("priority", q.priority.as_deref(), Priority::parse, &mut e),
    };
    let Some(period) = period.filter(|_| e.is_empty()) else {
        return Err(invalid_query(e));
    };
    if let Some(p) = &q.programme {
        filter.programme_id = Some(programmes::filter_id(&store, p).await?);
    }
    let scope = ReportScope::new(&auth, &settings, period);
    let report = learning_report(&store, &scope, group_by, filter).await?;
    respond(format, &report, "learning", &period, report_dto::csv)
}

/// The report, for the impact page too.
pub async fn learning_report(
    store: &Store,
    scope: &ReportScope,
    group_by: Vec<Dimension>,
    filter: LearningFilter,
) -> Result<LearningReport, ApiError> {
    let (dims, days, visibility) = (group_by.clone(), scope.days(), scope.visibility);
    let counts = scope
        .count(store, move |conn| {
            learning::counts(conn, &dims, days, &filter, visibility)
        })
        .await?;
    let threshold = scope.threshold;
    Ok(LearningReport {
        period: scope.report_period(),
        group_by,
        suppression_threshold: threshold,
        totals: counts.totals.figures(threshold).into(),
        groups: counts
            .groups
            .into_iter()
            .map(|g| LearningGroup {
                key: g.key.into_iter().map(Into::into).collect(),
                figures: g.counts.figures(threshold).into(),
            })
            .collect(),
    })
}
