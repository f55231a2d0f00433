//! The seven Leeds One Workforce strategic workforce priorities.

use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::Priority;
use persistence::Store;
use persistence::catalogue::priorities::{self, PriorityUsage};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::path_ids::PriorityRef;
use crate::http::{ApiError, db, respond};

/// A Leeds strategic workforce priority with the number of published programmes serving it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "code": 6,
    "slug": "learning-together",
    "title": "Learning together",
    "description": "precisely focussing on cross-cutting skills gaps including systems leadership at middle management and digital skills, ensuring our current and future workforce is equipped with the skills and knowledge required to deliver high quality care.",
    "published_programmes": 21
}))]
pub struct PriorityDto {
    /// The report's number for the priority, 1–7. Stable.
    #[schema(minimum = 1, maximum = 7)]
    pub code: u8,
    /// Stable URL name; accepted wherever a priority code is.
    pub slug: &'static str,
    /// The report's heading.
    pub title: &'static str,
    /// The report's wording after the heading.
    pub description: &'static str,
    /// How many published programmes are tagged with this priority.
    pub published_programmes: i64,
}

impl From<PriorityUsage> for PriorityDto {
    fn from(u: PriorityUsage) -> Self {
        let p = u.priority;
        Self {
            code: p.code(),
            slug: p.slug(),
            title: p.title(),
            description: p.description(),
            published_programmes: u.published_programmes,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"data": [{"code": 1, "slug": "integrated-workforce-design", "title": "Integrated Workforce Design",
    "description": "through jointly developing and designing an integrated workforce to connect care closer to home, …",
    "published_programmes": 2}]}))]
pub struct PriorityList {
    /// All seven priorities in code order.
    pub data: Vec<PriorityDto>,
}

/// List the seven Leeds strategic workforce priorities.
///
/// Every programme and cohort is tagged with the priorities it serves. The list is short
/// and fixed, so it is not paginated.
#[utoipa::path(
    tag = "catalogue",
    responses(
        (status = 200, description = "The seven priorities, in code order.", body = PriorityList,
            headers(("ETag" = String))),
    )
)]
#[get("/priorities")]
pub async fn list_priorities(
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let data = db(&store, priorities::list).await?;
    let list = PriorityList {
        data: data.into_iter().map(PriorityDto::from).collect(),
    };
    respond::public(&req, HttpResponse::Ok(), &list)
}

/// Get one priority by code (`6`) or slug (`learning-together`).
#[utoipa::path(
    tag = "catalogue",
    params(PriorityRef),
    responses(
        (status = 200, description = "The priority.", body = PriorityDto, headers(("ETag" = String))),
    )
)]
#[get("/priorities/{code_or_slug}")]
pub async fn get_priority(
    code_or_slug: PriorityRef,
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let raw = code_or_slug.as_str();
    let priority = Priority::parse(raw).map_err(|e| {
        ApiError::not_found(format!(
            "no priority has code or slug '{raw}'; expected a code from 1 to 7 or one of: {}",
            e.allowed[..7].join(", ")
        ))
    })?;
    let usage = db(&store, move |conn| priorities::get(conn, priority)).await?;
    respond::public(&req, HttpResponse::Ok(), &PriorityDto::from(usage))
}
