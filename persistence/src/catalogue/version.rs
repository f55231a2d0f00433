//! The catalogue's version: bumped by every catalogue write in the writer's transaction, read
//! by every API process to tell whether its in-memory snapshot is stale. On PostgreSQL the
//! bump also sends `NOTIFY academy_catalogue`, delivered to listeners when the write commits
//! (and never when it rolls back).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::catalogue_version;

/// The PostgreSQL channel a catalogue write notifies.
pub const CHANNEL: &str = "academy_catalogue";

/// Marks the catalogue changed; call inside the write's transaction.
pub fn bump(conn: &mut DbConnection) -> StoreResult<()> {
    diesel::update(catalogue_version::table.filter(catalogue_version::id.eq(1)))
        .set(catalogue_version::version.eq(catalogue_version::version + 1))
        .execute(conn)?;
    if matches!(conn, DbConnection::Postgresql(_)) {
        // Several writes in one transaction still give one notification: PostgreSQL folds
        // identical notifications of a transaction.
        conn.batch_execute(&format!("NOTIFY {CHANNEL}"))?;
    }
    Ok(())
}

/// The current version: one indexed single-row read.
pub fn current(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(catalogue_version::table
        .filter(catalogue_version::id.eq(1))
        .select(catalogue_version::version)
        .first(conn)?)
}
