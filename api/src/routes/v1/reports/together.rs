//! `GET /reports/learning-together`: the board's headline, people who learned with staff of
//! other organisations, cohort by cohort, and the kinds of organisation that learned
//! together.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use domain::OrganisationKind;
use domain::report::Suppressor;
use persistence::Store;
use persistence::reports::learning::LearningFilter;
use persistence::reports::together::{self, CohortMix, Headline};
use serde::Serialize;
use utoipa::ToSchema;

use super::report_dto::ReportPeriod;
use super::{Format, PeriodQuery, ReportScope, respond};
use crate::auth::Authorized;
use crate::auth::principal::scope;
use crate::config::ReportSettings;
use crate::http::{ApiError, StrictQuery};

/// The headline. Counts of people below the threshold are `null` and named.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"learners": 1180, "learners_together": 1012, "organisations": 41,
    "organisations_together": 39, "cohorts": 64, "cohorts_mixed": 57, "suppressed": false,
    "suppressed_figures": []}))]
pub struct TogetherHeadline {
    /// Distinct people seated (enrolled, completed or not completed) in the period's cohorts.
    pub learners: Option<i64>,
    /// Of them, the people whose cohort mixed staff of two or more organisations.
    pub learners_together: Option<i64>,
    /// Organisations with staff seated.
    #[schema(minimum = 0)]
    pub organisations: i64,
    /// Of them, organisations with staff in a mixed cohort.
    #[schema(minimum = 0)]
    pub organisations_together: i64,
    #[schema(minimum = 0)]
    pub cohorts: i64,
    /// Cohorts that mixed staff of two or more organisations.
    #[schema(minimum = 0)]
    pub cohorts_mixed: i64,
    pub suppressed: bool,
    #[schema(value_type = Vec<String>, example = json!([]))]
    pub suppressed_figures: Vec<&'static str>,
}

/// One cohort of the period and the organisations it mixed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"cohort_id": "0193a1b4-0000-7000-8000-0000000000c1",
    "label": "Spring 2027", "programme_slug": "vital-signs", "programme_title": "VITAL Signs",
    "start_date": "2027-03-01", "learners": 18, "organisations": 5,
    "organisation_kinds": ["local_authority", "nhs_trust", "third_sector"], "mixed": true,
    "suppressed": false, "suppressed_figures": []}))]
pub struct TogetherCohort {
    pub cohort_id: uuid::Uuid,
    pub label: String,
    pub programme_slug: String,
    pub programme_title: String,
    pub start_date: NaiveDate,
    /// People seated (the caller's own staff, for an organisation's client).
    pub learners: Option<i64>,
    /// Organisations with staff seated in the cohort (everyone's).
    #[schema(minimum = 0)]
    pub organisations: i64,
    pub organisation_kinds: Vec<OrganisationKind>,
    /// Two or more organisations learned together in it.
    pub mixed: bool,
    pub suppressed: bool,
    #[schema(value_type = Vec<String>, example = json!([]))]
    pub suppressed_figures: Vec<&'static str>,
}

/// Staff of one kind of organisation learned with staff of another organisation of a kind.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"kind": "nhs_trust", "with_kind": "third_sector", "cohorts": 12}))]
pub struct KindPair {
    pub kind: OrganisationKind,
    pub with_kind: OrganisationKind,
    /// Cohorts in which they did.
    #[schema(minimum = 1)]
    pub cohorts: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"period": {"from": "2025-12-02", "to": "2026-12-02"},
    "suppression_threshold": 5,
    "headline": {"learners": 1180, "learners_together": 1012, "organisations": 41,
        "organisations_together": 39, "cohorts": 64, "cohorts_mixed": 57, "suppressed": false,
        "suppressed_figures": []},
    "cohorts": [{"cohort_id": "0193a1b4-0000-7000-8000-0000000000c1", "label": "Spring 2027",
        "programme_slug": "vital-signs", "programme_title": "VITAL Signs",
        "start_date": "2027-03-01", "learners": 18, "organisations": 5,
        "organisation_kinds": ["local_authority", "nhs_trust", "third_sector"], "mixed": true,
        "suppressed": false, "suppressed_figures": []}],
    "kind_matrix": [{"kind": "nhs_trust", "with_kind": "third_sector", "cohorts": 12}]}))]
pub struct LearningTogetherReport {
    pub period: ReportPeriod,
    #[schema(minimum = 0)]
    pub suppression_threshold: i64,
    pub headline: TogetherHeadline,
    /// The cohorts with learners counted, by start date.
    pub cohorts: Vec<TogetherCohort>,
    /// Every pair of kinds that learned together, both ways round, in kind order; a kind
    /// pairs with itself when two organisations of it shared a cohort. An organisation's
    /// client sees the rows of its own kind.
    pub kind_matrix: Vec<KindPair>,
}

fn headline(h: Headline, threshold: i64) -> TogetherHeadline {
    let mut s = Suppressor::new(threshold);
    TogetherHeadline {
        learners: s.count("learners", h.learners),
        learners_together: s.count("learners_together", h.learners_together),
        organisations: h.organisations,
        organisations_together: h.organisations_together,
        cohorts: h.cohorts,
        cohorts_mixed: h.cohorts_mixed,
        suppressed: !s.withheld.is_empty(),
        suppressed_figures: s.withheld,
    }
}

fn cohort(c: CohortMix, threshold: i64) -> Result<TogetherCohort, ApiError> {
    let mut s = Suppressor::new(threshold);
    let kinds = c
        .kinds
        .iter()
        .map(|k| domain::Vocabulary::parse(k))
        .collect::<Result<_, _>>()
        .map_err(|e: domain::vocabulary::UnknownValue| ApiError::Internal(e.into()))?;
    Ok(TogetherCohort {
        cohort_id: c
            .cohort_id
            .parse()
            .map_err(|e: uuid::Error| ApiError::Internal(e.into()))?,
        learners: s.count("learners", c.learners),
        organisations: c.organisations,
        organisation_kinds: kinds,
        mixed: c.organisations >= 2,
        label: c.label,
        programme_slug: c.programme_slug,
        programme_title: c.programme_title,
        start_date: c.start_date,
        suppressed: !s.withheld.is_empty(),
        suppressed_figures: s.withheld,
    })
}

/// The learning-together report: the people seated in the period's cohorts (offered:
/// open, running or completed, starting in the period) who shared a cohort with staff of
/// another organisation, the cohorts and what they mixed, and the matrix of kinds.
///
/// A cohort is mixed when staff of two or more organisations hold seats in it; its people
/// of no organisation count among those who learned together. An organisation's client
/// counts its own staff (the organisations a cohort mixed are everyone's).
#[utoipa::path(
    tag = "reports",
    params(PeriodQuery),
    security(("oauth2" = ["reports:read"]), ("bearer" = ["reports:read"])),
    responses(
        (status = 200, description = "The report; as CSV, one row per cohort.",
            content((LearningTogetherReport = "application/json"), (String = "text/csv")),
            headers(("Content-Disposition" = String, description = "With CSV: `attachment`, with a file name of the report and its period."))),
        (status = 406, response = crate::openapi::problems::NotAcceptable),
    )
)]
#[get("/reports/learning-together")]
pub async fn get_learning_together_report(
    auth: Authorized<scope::ReportsRead>,
    req: HttpRequest,
    store: web::Data<Store>,
    settings: web::Data<ReportSettings>,
    StrictQuery(q): StrictQuery<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = Format::of(&req)?;
    let period = q.period()?;
    let report = learning_together(&store, &ReportScope::new(&auth, &settings, period)).await?;
    respond(format, &report, "learning-together", &period, csv)
}

/// The report, for the impact page too.
pub async fn learning_together(
    store: &Store,
    scope: &ReportScope,
) -> Result<LearningTogetherReport, ApiError> {
    let (days, visibility, threshold) = (scope.days(), scope.visibility, scope.threshold);
    let counts = scope
        .count(store, move |conn| {
            together::counts(conn, days, &LearningFilter::default(), visibility)
        })
        .await?;
    let mut kind_matrix = Vec::new();
    for ((a, b), cohorts) in counts.kinds {
        let parse = |k: &str| {
            domain::Vocabulary::parse(k)
                .map_err(|e: domain::vocabulary::UnknownValue| ApiError::Internal(e.into()))
        };
        kind_matrix.push(KindPair {
            kind: parse(&a)?,
            with_kind: parse(&b)?,
            cohorts,
        });
    }
    Ok(LearningTogetherReport {
        period: scope.report_period(),
        suppression_threshold: threshold,
        headline: headline(counts.headline, threshold),
        cohorts: counts
            .cohorts
            .into_iter()
            .map(|c| cohort(c, threshold))
            .collect::<Result<_, _>>()?,
        kind_matrix,
    })
}

/// One row per cohort: id, label, programme, start, learners (`<5` when withheld),
/// organisations, kinds (space-separated), mixed.
fn csv(report: &LearningTogetherReport) -> Result<Vec<u8>, csv::Error> {
    let mut w = super::csv_writer();
    w.write_record([
        "cohort_id",
        "label",
        "programme_slug",
        "programme_title",
        "start_date",
        "learners",
        "organisations",
        "organisation_kinds",
        "mixed",
    ])?;
    let withheld = format!("<{}", report.suppression_threshold);
    for c in &report.cohorts {
        let kinds: Vec<&str> = c
            .organisation_kinds
            .iter()
            .map(|k| domain::Vocabulary::value(k))
            .collect();
        w.write_record([
            c.cohort_id.to_string(),
            domain::validation::neutralised(c.label.clone()),
            c.programme_slug.clone(),
            domain::validation::neutralised(c.programme_title.clone()),
            c.start_date.to_string(),
            c.learners
                .map_or_else(|| withheld.clone(), |n| n.to_string()),
            c.organisations.to_string(),
            kinds.join(" "),
            c.mixed.to_string(),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
