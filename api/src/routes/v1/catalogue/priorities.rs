//! The seven Leeds One Workforce strategic workforce priorities.

use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::Priority;
use persistence::catalogue::priorities::PriorityUsage;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::path_ids::PriorityRef;
use crate::http::rendered::Rendered;
use crate::http::{ApiError, etag, respond};
use crate::snapshot::Catalogue;

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
    catalogue: web::Data<Catalogue>,
) -> Result<HttpResponse, ApiError> {
    let live = catalogue.live().await;
    live.respond(&req, "priorities", respond::PUBLIC_MAX_AGE, |snapshot| {
        let list = PriorityList {
            data: snapshot
                .priority_usage()
                .into_iter()
                .map(PriorityDto::from)
                .collect(),
        };
        Rendered::json(&list, etag::of_bytes, None)
    })
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
    catalogue: web::Data<Catalogue>,
) -> Result<HttpResponse, ApiError> {
    let raw = code_or_slug.as_str();
    let priority = Priority::parse(raw).map_err(|e| {
        ApiError::not_found(format!(
            "no priority has code or slug '{raw}'; expected a code from 1 to 7 or one of: {}",
            e.allowed[..7].join(", ")
        ))
    })?;
    let live = catalogue.live().await;
    live.respond(
        &req,
        &format!("priority:{}", priority.code()),
        respond::PUBLIC_MAX_AGE,
        |snapshot| {
            let usage = snapshot
                .priority_usage()
                .into_iter()
                .find(|u| u.priority == priority)
                .ok_or_else(|| {
                    ApiError::not_found(format!("no priority has code or slug '{raw}'"))
                })?;
            Rendered::json(&PriorityDto::from(usage), etag::of_bytes, None)
        },
    )
}
