//! The HR pull: delta sync of enrolments in change order, as pages of JSON or as one
//! streamed CSV / NDJSON export. A client of an organisation gets only its own people's.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::EnrolmentStatus;
use persistence::Store;
use persistence::learning::enrolment_sync::{self as enrolments, EnrolmentFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::enrolment_dto::EnrolmentRow;
use crate::auth::Authorized;
use crate::auth::principal::scope;
use crate::http::problem::ProblemField;
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

pub(super) async fn filter_of(
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
