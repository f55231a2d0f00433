//! The printable board report (`GET /reports/impact.html`) and its charts alone
//! (`GET /reports/charts/{chart}.svg`): one self-contained page, no script, no external
//! asset, print CSS for A4, headline figures in words, tables and inline SVG charts, built
//! from the same reports as the JSON endpoints (so the same suppression).

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpResponse, get, web};
use domain::report::Dimension;
use futures_util::future::{try_join, try_join5};
use persistence::Store;
use persistence::reports::learning::LearningFilter;
use serde::Deserialize;
use utoipa::ToSchema;

use super::charts::{Bar, BarChart};
use super::communities::{CommunitiesReport, communities_report};
use super::learning::learning_report;
use super::needs::{LearningNeedsReport, learning_needs_report};
use super::priorities::{PrioritiesReport, priorities_report};
use super::report_dto::LearningReport;
use super::together::{LearningTogetherReport, learning_together};
use super::{PeriodQuery, ReportScope};
use crate::auth::Authorized;
use crate::auth::principal::scope;
use crate::config::ReportSettings;
use crate::http::{ApiError, StrictQuery};

/// Everything the board report shows, for one caller and period.
pub struct Impact {
    pub scope: ReportScope,
    pub together: LearningTogetherReport,
    pub priorities: PrioritiesReport,
    pub communities: CommunitiesReport,
    pub by_kind: LearningReport,
    pub by_quarter: LearningReport,
    /// Supply and demand for the year the period ends in.
    pub needs: LearningNeedsReport,
}

/// The learning report grouped by one dimension, of everyone the caller sees.
async fn learning_by(
    store: &Store,
    scope: &ReportScope,
    d: Dimension,
) -> Result<LearningReport, ApiError> {
    learning_report(store, scope, vec![d], LearningFilter::default()).await
}

impl Impact {
    pub async fn gather(store: &Store, scope: ReportScope) -> Result<Self, ApiError> {
        // Six reports on up to six pooled connections at once, each in its own snapshot.
        let ((together, priorities, communities, by_kind, by_quarter), needs) = try_join(
            try_join5(
                learning_together(store, &scope),
                priorities_report(store, &scope),
                communities_report(store, &scope),
                learning_by(store, &scope, Dimension::OrganisationKind),
                learning_by(store, &scope, Dimension::Quarter),
            ),
            learning_needs_report(store, &scope, false),
        )
        .await?;
        Ok(Self {
            scope,
            together,
            priorities,
            communities,
            by_kind,
            by_quarter,
            needs,
        })
    }
}

/// The charts of a scope's reports: titled with its period, withheld below its threshold.
impl ReportScope {
    fn chart(
        &self,
        chart: Chart,
        value_axis: &'static str,
        category_axis: &'static str,
        bars: Vec<Bar>,
    ) -> BarChart {
        let when = format!("{} to {}", self.period.from, self.period.to);
        self.chart_of(chart, &when, value_axis, category_axis, bars)
    }

    fn chart_of(
        &self,
        chart: Chart,
        when: &str,
        value_axis: &'static str,
        category_axis: &'static str,
        bars: Vec<Bar>,
    ) -> BarChart {
        BarChart {
            id: chart.id(),
            title: format!("{}, {when}", chart.title()),
            value_axis,
            category_axis,
            bars,
            threshold: self.threshold,
        }
    }

    pub fn priorities(&self, r: &PrioritiesReport) -> BarChart {
        let bars = r.priorities.iter().map(|p| Bar {
            label: p.priority.title.to_owned(),
            value: p.learners,
        });
        self.chart(
            Chart::LearnersByPriority,
            "Learners",
            "Leeds priority",
            bars.collect(),
        )
    }

    pub fn kinds(&self, r: &LearningReport) -> BarChart {
        let bars = r.groups.iter().map(|g| Bar {
            label: key_label(g.key.first().and_then(|k| k.label.clone())),
            value: g.figures.learners,
        });
        self.chart(
            Chart::LearnersByOrganisationKind,
            "Learners",
            "Kind of organisation",
            bars.collect(),
        )
    }

    pub fn quarters(&self, r: &LearningReport) -> BarChart {
        let bars = r.groups.iter().map(|g| Bar {
            label: key_label(g.key.first().and_then(|k| k.value.clone())),
            value: g.figures.completed,
        });
        self.chart(
            Chart::CompletionsByQuarter,
            "Completions",
            "Quarter the cohort started",
            bars.collect(),
        )
    }

    pub fn communities(&self, r: &CommunitiesReport) -> BarChart {
        let bars = r.communities.iter().map(|c| Bar {
            label: c.name.clone(),
            value: c.members,
        });
        self.chart(
            Chart::CommunityMembership,
            "Current members",
            "Community of Practice",
            bars.collect(),
        )
    }

    pub fn needs(&self, r: &LearningNeedsReport) -> BarChart {
        let bars = r.priorities.iter().map(|p| Bar {
            label: p.priority.title.to_owned(),
            value: Some(p.figures.gap),
        });
        self.chart_of(
            Chart::LearningNeeds,
            &r.year.to_string(),
            "Staff needing learning beyond the seats offered",
            "Leeds priority",
            bars.collect(),
        )
    }
}

fn key_label(label: Option<String>) -> String {
    label.unwrap_or_else(|| "No organisation".to_owned())
}

/// The board report's charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Chart {
    LearnersByPriority,
    LearnersByOrganisationKind,
    CompletionsByQuarter,
    CommunityMembership,
    LearningNeeds,
}

impl Chart {
    pub const ALL: [Self; 5] = [
        Self::LearnersByPriority,
        Self::LearnersByOrganisationKind,
        Self::CompletionsByQuarter,
        Self::CommunityMembership,
        Self::LearningNeeds,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::LearnersByPriority => "learners-by-priority",
            Self::LearnersByOrganisationKind => "learners-by-organisation-kind",
            Self::CompletionsByQuarter => "completions-by-quarter",
            Self::CommunityMembership => "community-membership",
            Self::LearningNeeds => "learning-needs",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::LearnersByPriority => "Learners by Leeds priority",
            Self::LearnersByOrganisationKind => "Learners by kind of organisation",
            Self::CompletionsByQuarter => "Completions by quarter",
            Self::CommunityMembership => "Community of Practice membership",
            Self::LearningNeeds => "Learning needs beyond the seats offered, by Leeds priority",
        }
    }
}

/// The printable board report over a period: headline figures in words ("N people from M
/// organisations learned together"), tables of learning by priority, by kind of
/// organisation and by quarter, the Communities of Practice, the learning needs of the
/// year the period ends in against the seats offered, and five SVG charts. One
/// self-contained page: no script, no external asset, print CSS for A4.
///
/// The figures are those of the JSON reports for the same caller: an organisation's client
/// sees its own staff, and small counts read `<5`.
#[utoipa::path(
    tag = "reports",
    params(PeriodQuery),
    security(("oauth2" = ["reports:read"]), ("bearer" = ["reports:read"])),
    responses(
        (status = 200, description = "The page.", content_type = "text/html", body = String),
    )
)]
#[get("/reports/impact.html")]
pub async fn get_impact_report(
    auth: Authorized<scope::ReportsRead>,
    store: web::Data<Store>,
    settings: web::Data<ReportSettings>,
    StrictQuery(q): StrictQuery<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let scope = ReportScope::new(&auth, &settings, q.period()?);
    let impact = Impact::gather(&store, scope).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(super::impact_page::page(&impact).into_string()))
}

/// One chart of the board report alone, as SVG: `learners-by-priority`,
/// `learners-by-organisation-kind`, `completions-by-quarter`, `community-membership`, or
/// `learning-needs` (for the year the period ends in).
#[utoipa::path(
    tag = "reports",
    params(
        ("chart" = inline(Chart), Path, description = "Which chart."),
        PeriodQuery,
    ),
    security(("oauth2" = ["reports:read"]), ("bearer" = ["reports:read"])),
    responses(
        (status = 200, description = "The chart, with its title and text alternative.",
            content_type = "image/svg+xml", body = String),
    )
)]
#[get("/reports/charts/{chart}.svg")]
pub async fn get_report_chart(
    auth: Authorized<scope::ReportsRead>,
    chart: web::Path<String>,
    store: web::Data<Store>,
    settings: web::Data<ReportSettings>,
    StrictQuery(q): StrictQuery<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let Some(chart) = Chart::ALL.into_iter().find(|c| c.id() == chart.as_str()) else {
        let names: Vec<&str> = Chart::ALL.iter().map(|c| c.id()).collect();
        return Err(ApiError::not_found(format!(
            "no chart '{chart}': the charts are {}",
            names.join(", ")
        )));
    };
    let (scope, store) = (ReportScope::new(&auth, &settings, q.period()?), &store);
    let svg = match chart {
        Chart::LearnersByPriority => scope.priorities(&priorities_report(store, &scope).await?),
        Chart::LearnersByOrganisationKind => {
            scope.kinds(&learning_by(store, &scope, Dimension::OrganisationKind).await?)
        }
        Chart::CompletionsByQuarter => {
            scope.quarters(&learning_by(store, &scope, Dimension::Quarter).await?)
        }
        Chart::CommunityMembership => scope.communities(&communities_report(store, &scope).await?),
        Chart::LearningNeeds => scope.needs(&learning_needs_report(store, &scope, false).await?),
    };
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "image/svg+xml; charset=utf-8"))
        .body(svg.svg().into_string()))
}
