//! `GET /reports/communities`: each Community of Practice's members by role and kind of
//! organisation, its tripartite leadership, its sessions against the yearly cap, and the
//! attendance and hours its members gave.

use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::community::{CommunityKind, CommunityStatus, MemberRole, missing_leadership};
use domain::report::Suppressor;
use domain::{OrganisationKind, Vocabulary};
use persistence::Store;
use persistence::reports::communities::{self, CommunityCounts, CommunityRow};
use serde::Serialize;
use utoipa::ToSchema;

use super::report_dto::ReportPeriod;
use super::{Format, PeriodQuery, ReportScope, cell, csv_writer, respond};
use crate::auth::Authorized;
use crate::auth::principal::scope;
use crate::config::ReportSettings;
use crate::http::{ApiError, StrictQuery};

/// Members holding one role, or of one kind of organisation (`null`: of none).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"value": "ics_lead", "members": null, "suppressed": true}))]
pub struct MemberCount {
    /// The role, or the kind of organisation (`null`: people of no organisation, such as
    /// citizen representatives).
    pub value: Option<String>,
    pub members: Option<i64>,
    pub suppressed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"slug": "leadership", "name": "Leadership Community of Practice",
    "kind": "venus_stem", "status": "active", "members": 48,
    "members_by_role": [{"value": "member", "members": 45, "suppressed": false},
        {"value": "ics_lead", "members": null, "suppressed": true}],
    "members_by_organisation_kind": [{"value": "nhs_trust", "members": 30, "suppressed": false}],
    "leadership_complete": true, "missing_leadership": [], "sessions_held": 4,
    "sessions_to_come": 2, "sessions_cancelled": 0, "max_sessions_per_year": 6,
    "attendance_rate": 0.82, "commitment_hours": 260.0, "hours_per_member": 5.42,
    "suppressed": true, "suppressed_figures": ["members_by_role"]}))]
pub struct CommunityFigures {
    pub slug: String,
    pub name: String,
    pub kind: CommunityKind,
    pub status: CommunityStatus,
    /// Current members (the caller's own staff, for an organisation's client).
    pub members: Option<i64>,
    /// In the order of the roles' vocabulary; roles nobody holds are left out.
    pub members_by_role: Vec<MemberCount>,
    /// In the order of the kinds' vocabulary, people of no organisation last.
    pub members_by_organisation_kind: Vec<MemberCount>,
    /// Someone holds each of the three leadership roles now (everyone's members).
    pub leadership_complete: bool,
    pub missing_leadership: Vec<MemberRole>,
    /// Sessions in the period not cancelled that have started, by now.
    #[schema(minimum = 0)]
    pub sessions_held: i64,
    /// Sessions in the period not cancelled still to start.
    #[schema(minimum = 0)]
    pub sessions_to_come: i64,
    #[schema(minimum = 0)]
    pub sessions_cancelled: i64,
    /// The cap on sessions in any twelve months.
    #[schema(minimum = 1)]
    pub max_sessions_per_year: i64,
    /// Present of the attendance marks of the period's sessions (present or absent).
    #[schema(minimum = 0, maximum = 1)]
    pub attendance_rate: Option<f64>,
    /// Hours of sessions attended, summed over the people marked present (members then, or
    /// now), to 2 decimals.
    #[schema(minimum = 0)]
    pub commitment_hours: Option<f64>,
    /// Commitment hours per current member, to 2 decimals.
    #[schema(minimum = 0)]
    pub hours_per_member: Option<f64>,
    pub suppressed: bool,
    #[schema(value_type = Vec<String>, example = json!(["members_by_role"]))]
    pub suppressed_figures: Vec<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"period": {"from": "2025-12-02", "to": "2026-12-02"},
    "suppression_threshold": 5,
    "communities": [{"slug": "leadership", "name": "Leadership Community of Practice",
        "kind": "venus_stem", "status": "active", "members": 48,
        "members_by_role": [{"value": "member", "members": 45, "suppressed": false}],
        "members_by_organisation_kind": [{"value": "nhs_trust", "members": 30, "suppressed": false}],
        "leadership_complete": true, "missing_leadership": [], "sessions_held": 4,
        "sessions_to_come": 2, "sessions_cancelled": 0, "max_sessions_per_year": 6,
        "attendance_rate": 0.82, "commitment_hours": 260.0, "hours_per_member": 5.42,
        "suppressed": false, "suppressed_figures": []}]}))]
pub struct CommunitiesReport {
    pub period: ReportPeriod,
    #[schema(minimum = 0)]
    pub suppression_threshold: i64,
    /// Every community, by name.
    pub communities: Vec<CommunityFigures>,
}

/// A breakdown of members, each count withheld when small; `withheld` when any is.
fn breakdown<K>(
    s: &Suppressor,
    counts: impl IntoIterator<Item = (K, i64)>,
    value: impl Fn(K) -> Option<String>,
) -> (Vec<MemberCount>, bool) {
    let mut any = false;
    let list = counts
        .into_iter()
        .map(|(k, n)| {
            let small = s.small(n);
            any |= small;
            MemberCount {
                value: value(k),
                members: (!small).then_some(n),
                suppressed: small,
            }
        })
        .collect();
    (list, any)
}

fn figures(
    row: CommunityRow,
    c: CommunityCounts,
    threshold: i64,
) -> Result<CommunityFigures, ApiError> {
    let internal = |e: domain::UnknownValue| ApiError::Internal(e.into());
    let mut s = Suppressor::new(threshold);
    let roles = MemberRole::all()
        .iter()
        .filter_map(|r| c.by_role.get(r.value()).map(|n| (*r, *n)));
    let (members_by_role, roles_small) = breakdown(&s, roles, |r| Some(r.value().to_owned()));
    let kinds = OrganisationKind::all()
        .iter()
        .filter_map(|k| {
            c.by_kind
                .get(&Some(k.value().to_owned()))
                .map(|n| (Some(*k), *n))
        })
        .chain(c.by_kind.get(&None).map(|n| (None, *n)));
    let (members_by_kind, kinds_small) = breakdown(&s, kinds, |k| k.map(|k| k.value().to_owned()));
    for (small, name) in [
        (roles_small, "members_by_role"),
        (kinds_small, "members_by_organisation_kind"),
    ] {
        if small {
            s.withheld.push(name);
        }
    }
    let attendance = c.attendance.figures(&mut s);
    let missing = missing_leadership(&c.roles_held);
    Ok(CommunityFigures {
        kind: CommunityKind::parse(&row.kind).map_err(internal)?,
        status: CommunityStatus::parse(&row.status).map_err(internal)?,
        slug: row.slug,
        name: row.name,
        members: attendance.members,
        members_by_role,
        members_by_organisation_kind: members_by_kind,
        leadership_complete: missing.is_empty(),
        missing_leadership: missing,
        sessions_held: c.sessions_held,
        sessions_to_come: c.sessions_to_come,
        sessions_cancelled: c.sessions_cancelled,
        max_sessions_per_year: i64::from(row.max_sessions_per_year),
        attendance_rate: attendance.attendance_rate,
        commitment_hours: attendance.commitment_hours,
        hours_per_member: attendance.hours_per_member,
        suppressed: !s.withheld.is_empty(),
        suppressed_figures: s.withheld,
    })
}

/// The communities report: for every Community of Practice, its current members by role
/// and by kind of organisation, whether its tripartite leadership (ICS lead, citizen
/// representative, system leader) is complete, its sessions in the period against the cap
/// of sessions a year, and the attendance and commitment hours of those sessions.
///
/// An organisation's client counts its own staff; the leadership and the sessions are the
/// community's.
#[utoipa::path(
    tag = "reports",
    params(PeriodQuery),
    security(("oauth2" = ["reports:read"]), ("bearer" = ["reports:read"])),
    responses(
        (status = 200, description = "The report; as CSV, one row per community.",
            content((CommunitiesReport = "application/json"), (String = "text/csv")),
            headers(("Content-Disposition" = String, description = "With CSV: `attachment`, with a file name of the report and its period."))),
        (status = 406, response = crate::openapi::problems::NotAcceptable),
    )
)]
#[get("/reports/communities")]
pub async fn get_communities_report(
    auth: Authorized<scope::ReportsRead>,
    req: HttpRequest,
    store: web::Data<Store>,
    settings: web::Data<ReportSettings>,
    StrictQuery(q): StrictQuery<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = Format::of(&req)?;
    let period = q.period()?;
    let report = communities_report(&store, &ReportScope::new(&auth, &settings, period)).await?;
    respond(format, &report, "communities", &period, csv)
}

/// The report, for the impact page too.
pub async fn communities_report(
    store: &Store,
    scope: &ReportScope,
) -> Result<CommunitiesReport, ApiError> {
    let (visibility, threshold) = (scope.visibility, scope.threshold);
    let window = (scope.period.start, scope.period.end);
    let now = chrono::Utc::now().naive_utc();
    let rows = scope
        .count(store, move |conn| {
            communities::counts(conn, window, now, visibility)
        })
        .await?;
    Ok(CommunitiesReport {
        period: scope.report_period(),
        suppression_threshold: threshold,
        communities: rows
            .into_iter()
            .map(|(row, c)| figures(row, c, threshold))
            .collect::<Result<_, _>>()?,
    })
}

/// One row per community; a member count per role and per kind of organisation (columns
/// `role_<role>`, `kind_<kind>`, `kind_none`); a withheld count reads `<5` (the threshold).
fn csv(report: &CommunitiesReport) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv_writer();
    let roles = MemberRole::all();
    let kinds = OrganisationKind::all();
    let mut header: Vec<String> = ["slug", "name", "kind", "status", "members"]
        .map(str::to_owned)
        .into();
    header.extend(roles.iter().map(|r| format!("role_{}", r.value())));
    header.extend(kinds.iter().map(|k| format!("kind_{}", k.value())));
    header.push("kind_none".into());
    header.extend(
        [
            "leadership_complete",
            "sessions_held",
            "sessions_to_come",
            "sessions_cancelled",
            "max_sessions_per_year",
            "attendance_rate",
            "commitment_hours",
            "hours_per_member",
        ]
        .map(str::to_owned),
    );
    w.write_record(&header)?;
    let t = report.suppression_threshold;
    for c in &report.communities {
        let f = |name, v| cell(&c.suppressed_figures, t, name, v);
        let of = |list: &[MemberCount], value: Option<&str>| {
            list.iter()
                .find(|m| m.value.as_deref() == value)
                .map_or_else(
                    || "0".to_owned(),
                    |m| m.members.map_or_else(|| format!("<{t}"), |n| n.to_string()),
                )
        };
        let mut row = vec![
            c.slug.clone(),
            domain::validation::neutralised(c.name.clone()),
            c.kind.value().to_owned(),
            c.status.value().to_owned(),
            f("members", c.members.map(|n| n.to_string())),
        ];
        row.extend(
            roles
                .iter()
                .map(|r| of(&c.members_by_role, Some(r.value()))),
        );
        row.extend(
            kinds
                .iter()
                .map(|k| of(&c.members_by_organisation_kind, Some(k.value()))),
        );
        row.push(of(&c.members_by_organisation_kind, None));
        row.extend([
            c.leadership_complete.to_string(),
            c.sessions_held.to_string(),
            c.sessions_to_come.to_string(),
            c.sessions_cancelled.to_string(),
            c.max_sessions_per_year.to_string(),
            f(
                "attendance_rate",
                c.attendance_rate.map(|x| format!("{x:.4}")),
            ),
            f(
                "commitment_hours",
                c.commitment_hours.map(|x| format!("{x:.2}")),
            ),
            f(
                "hours_per_member",
                c.hours_per_member.map(|x| format!("{x:.2}")),
            ),
        ]);
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
