//! Liveness and readiness.

use actix_web::{HttpResponse, get, web};
use persistence::Store;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::{ApiError, db};

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// Always `ok` when the response is 200.
    pub status: &'static str,
}

/// Liveness: the process is up and serving HTTP. Never touches the database.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "The process is alive.", body = Health),
    )
)]
#[get("/health/live")]
pub async fn get_liveness() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness: the database answers. Load balancers route traffic only to ready processes.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "The database answers; ready for traffic.", body = Health),
    )
)]
#[get("/health/ready")]
pub async fn get_readiness(store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    db(&store, persistence::db::ping).await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}
