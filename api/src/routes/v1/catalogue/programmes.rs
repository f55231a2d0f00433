//! The programme catalogue (read side): list with filters, facets and keyset pagination;
//! get by id or slug with ETag.

use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::{
    Availability, DeliveryMode, Priority, ProgrammeStatus, Scope, Strand, SystemLevel, Theme,
    VenusStem, Vocabulary,
};
use persistence::catalogue::programme_rows::ProgrammeRecord;
use persistence::catalogue::programmes::{self, ProgrammeFilter, ProgrammeKey, ProgrammeSort};
use persistence::{Cursor, Store};

use crate::http::rendered::Rendered;
use crate::snapshot::Catalogue;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use uuid::Uuid;

use super::programme_dto::{ProgrammeDto, ProgrammeList};
use crate::auth::principal::{MaybePrincipal, permits, require};
use crate::http::path_ids::{OrNotFound, ProgrammeRef};
use crate::http::problem::ProblemField;
use crate::http::query::invalid_query;
use crate::http::{ApiError, StrictQuery, db, etag, paging, respond};
use crate::openapi::rules::PriorityRefInput;

fn sort_schema() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(ProgrammeSort::ALL.iter().map(|s| s.as_str())))
        .default(Some(serde_json::json!("title")))
        .description(Some(
            "Order of the list; `-` sorts descending. Ties are broken by id.",
        ))
        .build()
        .into()
}

/// Query parameters of `GET /api/v1/programmes`. Repeat a parameter to match any of its
/// values; different parameters must all match.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeQuery {
    /// Theme(s).
    #[serde(default)]
    #[param(value_type = Option<Vec<Theme>>, explode, style = Form)]
    pub theme: Vec<String>,
    /// System level(s): `macro` (system), `meso` (organisation/partner), `micro` (team).
    #[serde(default)]
    #[param(value_type = Option<Vec<SystemLevel>>, explode, style = Form)]
    pub level: Vec<String>,
    /// Venus stem(s) the programme develops.
    #[serde(default)]
    #[param(value_type = Option<Vec<VenusStem>>, explode, style = Form)]
    pub stem: Vec<String>,
    /// Leeds priority code(s) (1–7) or slug(s) the programme serves.
    #[serde(default)]
    #[param(value_type = Option<Vec<PriorityRefInput>>, explode, style = Form, example = json!(["learning-together", "3"]))]
    pub priority: Vec<String>,
    #[serde(default)]
    #[param(value_type = Option<Vec<DeliveryMode>>, explode, style = Form)]
    pub delivery_mode: Vec<String>,
    #[serde(default)]
    #[param(value_type = Option<Vec<Availability>>, explode, style = Form)]
    pub availability: Vec<String>,
    /// Prospectus strand(s): theme × level cells (see `/taxonomy`).
    #[serde(default)]
    #[param(value_type = Option<Vec<Strand>>, explode, style = Form)]
    pub strand: Vec<String>,
    /// Status(es); `published` when absent.
    #[serde(default)]
    #[param(value_type = Option<Vec<ProgrammeStatus>>, explode, style = Form)]
    pub status: Vec<String>,
    /// Words searched in title, what and who: every word must occur, in any order, ignoring
    /// case and accents (`q=leadership care`). `%` and `_` match literally.
    #[param(value_type = Option<String>, max_length = 200, example = "research")]
    pub q: Option<String>,
    #[param(schema_with = sort_schema)]
    pub sort: Option<String>,
    /// Page size, 1–100.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    /// `next_cursor` from the previous page.
    #[param(value_type = Option<String>)]
    pub cursor: Option<String>,
}

struct ListRequest {
    filter: ProgrammeFilter,
    sort: ProgrammeSort,
    limit: i64,
    cursor: Option<Cursor>,
}

fn each<T>(
    errors: &mut Vec<ProblemField>,
    field: &str,
    raw: &[String],
    parse: impl Fn(&str) -> Result<T, domain::UnknownValue>,
) -> Vec<T> {
    let mut out = Vec::new();
    for r in raw {
        match parse(r) {
            Ok(v) => out.push(v),
            Err(e) => errors.push(ProblemField {
                field: field.to_owned(),
                message: e.to_string(),
            }),
        }
    }
    out
}

impl ProgrammeQuery {
    fn parse(self) -> Result<ListRequest, ApiError> {
        let mut e = Vec::new();
        let mut filter = ProgrammeFilter {
            themes: each(&mut e, "theme", &self.theme, Theme::parse),
            levels: each(&mut e, "level", &self.level, SystemLevel::parse),
            stems: each(&mut e, "stem", &self.stem, VenusStem::parse),
            priorities: each(&mut e, "priority", &self.priority, Priority::parse),
            delivery_modes: each(
                &mut e,
                "delivery_mode",
                &self.delivery_mode,
                DeliveryMode::parse,
            ),
            availabilities: each(
                &mut e,
                "availability",
                &self.availability,
                Availability::parse,
            ),
            strands: each(&mut e, "strand", &self.strand, Strand::parse),
            statuses: each(&mut e, "status", &self.status, ProgrammeStatus::parse),
            q: None,
        };
        if filter.statuses.is_empty() {
            filter.statuses.push(ProgrammeStatus::Published);
        }
        if let Some(q) = self.q {
            let sent = q.chars().count();
            // Control characters carry no meaning in a search and are dropped.
            let q: String = q
                .chars()
                .filter(|c| !c.is_control())
                .collect::<String>()
                .trim()
                .to_owned();
            if sent > 200 {
                e.push(ProblemField {
                    field: "q".into(),
                    message: "must be at most 200 characters".into(),
                });
            }
            filter.q = (!q.is_empty()).then_some(q);
        }
        let sort = match self.sort.as_deref() {
            None => ProgrammeSort::default(),
            Some(raw) => ProgrammeSort::parse(raw).unwrap_or_else(|| {
                let allowed: Vec<_> = ProgrammeSort::ALL.iter().map(|s| s.as_str()).collect();
                e.push(ProblemField {
                    field: "sort".into(),
                    message: format!(
                        "unknown value '{raw}'; expected one of: {}",
                        allowed.join(", ")
                    ),
                });
                ProgrammeSort::default()
            }),
        };
        let limit = paging::limit(self.limit.as_deref(), &mut e);
        let cursor = paging::cursor(self.cursor.as_deref(), &mut e, |raw| {
            sort.decode_cursor(raw)
        });
        if e.is_empty() {
            Ok(ListRequest {
                filter,
                sort,
                limit,
                cursor,
            })
        } else {
            Err(invalid_query(e))
        }
    }
}

/// List programmes, with filters, word search, facet counts and keyset pagination.
///
/// Published programmes by default, sorted by title. `q` finds programmes containing every
/// word (in any order, ignoring case and accents) in their title, what or who;
/// `sort=relevance` puts title matches first. The body's `facets` count programmes per
/// theme, level, stem, priority, delivery mode, availability and strand, each ignoring its own
/// filter (disjunctive facets, for OR choices); `total` counts the programmes matching every
/// filter. Each programme carries its next cohorts with their seats left. Follow
/// `next_cursor` (or the `Link: rel="next"` header) for the next page. Answered from the
/// process's catalogue snapshot; carries an `ETag` (`If-None-Match` → 304) and may be
/// cached publicly for a minute.
#[utoipa::path(
    tag = "catalogue",
    params(ProgrammeQuery),
    responses(
        (status = 200, description = "One page of programmes.", body = ProgrammeList,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page."), ("ETag" = String))),
    )
)]
#[get("/programmes")]
pub async fn list_programmes(
    req: HttpRequest,
    caller: MaybePrincipal,
    catalogue: web::Data<Catalogue>,
    StrictQuery(query): StrictQuery<ProgrammeQuery>,
) -> Result<HttpResponse, ApiError> {
    let ListRequest {
        filter,
        sort,
        limit,
        cursor,
    } = query.parse()?;
    if filter.statuses.contains(&ProgrammeStatus::Draft) {
        require(caller.0.as_ref(), Scope::CatalogueWrite)?;
    }
    let live = catalogue.live().await;
    // The same query gives the same answer from one snapshot, to whoever may ask it.
    let key = format!("list?{}", req.query_string());
    live.respond(&req, &key, respond::PUBLIC_MAX_AGE, |snapshot| {
        let (page, facets) = snapshot.list(&filter, sort, limit, cursor.as_ref());
        let next_cursor = page.next_cursor.map(|c| c.encode());
        let link = next_cursor.as_ref().map(|c| paging::next_link(&req, c));
        let list = ProgrammeList {
            data: page
                .items
                .into_iter()
                .map(|r| {
                    let next = snapshot.next_cohorts(r.id);
                    ProgrammeDto::new(r, next)
                })
                .collect(),
            next_cursor,
            total: facets.total,
            facets: facets.into(),
        };
        Rendered::json(&list, etag::of_bytes, link)
    })
}

/// Get one programme by id or slug, with its next cohorts.
///
/// Carries an `ETag` naming this version of the programme and of its next cohorts; send it
/// back in `If-None-Match` to get `304 Not Modified` when neither has changed, or in
/// `If-Match` to change the programme (a change of its cohorts' seats does not conflict).
#[utoipa::path(
    tag = "catalogue",
    params(ProgrammeRef),
    responses(
        (status = 200, description = "The programme.", body = ProgrammeDto,
            headers(("ETag" = String, description = "Strong entity tag of this version."))),
        (status = 304, description = "Not modified since the `ETag` in `If-None-Match`."),
    )
)]
#[get("/programmes/{id_or_slug}")]
pub async fn get_programme(
    programme: ProgrammeRef,
    req: HttpRequest,
    caller: MaybePrincipal,
    catalogue: web::Data<Catalogue>,
) -> Result<HttpResponse, ApiError> {
    let live = catalogue.live().await;
    let record = live
        .snapshot
        .get(&ProgrammeKey::parse(programme.as_str()))
        .ok_or_else(|| ApiError::not_found(not_found_message(programme.as_str())))?;
    // Drafts are seen only by those who may edit the catalogue.
    if record.programme.status() == ProgrammeStatus::Draft
        && !permits(caller.0.as_ref(), Scope::CatalogueWrite)
    {
        return Err(ApiError::not_found(programme.missing()));
    }
    let (id, version) = (record.id, record.version);
    live.respond(&req, &format!("one:{id}"), "no-cache", |snapshot| {
        let dto = ProgrammeDto::new(record.clone(), snapshot.next_cohorts(id));
        Rendered::json(&dto, |bytes| etag::derived(id, version, bytes), None)
    })
}

/// The programme as the catalogue shows it after this process changed it: with its next
/// cohorts from the refreshed snapshot.
pub async fn as_shown(
    catalogue: &Catalogue,
    record: ProgrammeRecord,
) -> Result<ProgrammeDto, ApiError> {
    catalogue.mark_dirty();
    let live = catalogue.live().await;
    let next = live.snapshot.next_cohorts(record.id);
    Ok(ProgrammeDto::new(record, next))
}

fn not_found_message(raw: &str) -> String {
    format!("no programme has id or slug '{raw}'")
}

/// The one programme lookup, by id or slug and whatever its status (callers decide who
/// sees drafts): the programme, or the 404 naming what was asked for.
pub async fn find(store: &Store, raw: &str) -> Result<ProgrammeRecord, ApiError> {
    let key = ProgrammeKey::parse(raw);
    db(store, move |conn| programmes::get(conn, &key))
        .await
        .or_not_found(not_found_message(raw))
}

/// The id of a programme named in a list filter. A slug or id that no programme has gives
/// the nil id, which nothing carries: a filter on a programme that does not exist matches
/// nothing, as a filter on any other value that nobody has.
pub async fn filter_id(store: &Store, raw: &str) -> Result<Uuid, ApiError> {
    Ok(find(store, raw)
        .await
        .or_none()?
        .map_or(Uuid::nil(), |r| r.id))
}
