//! Commissioning and co-creation: partners' requests, the cohorts run for them, the
//! dialogue on each, and the learning needs organisations record per year.

pub mod cohorts;
pub mod messages;
pub mod needs;
pub mod request_rows;
pub mod requests;
pub mod supply;

use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::{commissioning_requests, learning_needs};
use crate::sql_types::DbUuid;

/// True when a request or a learning need names the programme (it is then retired, not
/// deleted, as when it has cohorts).
pub fn programme_referenced(conn: &mut DbConnection, programme_id: Uuid) -> StoreResult<bool> {
    let id = DbUuid(programme_id);
    let requests: i64 = commissioning_requests::table
        .filter(commissioning_requests::programme_id.eq(id))
        .count()
        .get_result(conn)?;
    let needs: i64 = learning_needs::table
        .filter(learning_needs::programme_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(requests + needs > 0)
}

/// A programme a request, a need or a cohort for a request may name: a published one, by
/// id or slug; `field` is the input that named it.
pub(crate) fn published_programme(
    conn: &mut DbConnection,
    key: &str,
    field: &str,
) -> StoreResult<Uuid> {
    Ok(published(conn, key, field)?.id)
}

/// The same, with the programme.
pub fn published(
    conn: &mut DbConnection,
    key: &str,
    field: &str,
) -> StoreResult<crate::catalogue::programme_rows::ProgrammeRecord> {
    use crate::catalogue::programmes::{self, ProgrammeKey};
    use crate::error::StoreError;
    match programmes::get(conn, &ProgrammeKey::parse(key)) {
        Ok(p) if p.programme.status() == domain::ProgrammeStatus::Published => Ok(p),
        Ok(_) | Err(StoreError::NotFound) => Err(StoreError::Invalid(
            field.into(),
            format!("no published programme has id or slug '{key}'"),
        )),
        Err(e) => Err(e),
    }
}
