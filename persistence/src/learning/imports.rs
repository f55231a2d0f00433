//! Bulk imports of people (an organisation's staff list) and of enrolments (a cohort's
//! roster). Each file is one transaction: every row is decided against the database and
//! the rows before it, then written — all of them, or (with `partial`) the accepted ones, or
//! (on a dry run, or when a row is rejected) none.

use diesel::prelude::*;
use domain::EnrolmentStatus;
use uuid::Uuid;

use crate::access::audit::AuditEntry;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};

mod roster;
mod staff;

pub use roster::{EnrolmentLine, import_enrolments};
pub use staff::{PersonLine, import_people};
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    pub dry_run: bool,
    /// Write the accepted rows even when some are rejected.
    pub partial: bool,
}

/// How an import runs: its mode, who runs it, and what to tell as rows are decided.
pub struct Run<'a> {
    pub mode: Mode,
    pub audit: &'a AuditEntry,
    /// Called with the number of rows decided so far.
    pub progress: &'a dyn Fn(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    Created,
    Updated,
    Unchanged,
    Rejected(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowResult {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    pub outcome: RowOutcome,
    /// The person or enrolment the row is about, when it is accepted.
    pub id: Option<Uuid>,
    /// For enrolments: `enrolled` or `waitlisted`.
    pub status: Option<EnrolmentStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: Vec<RowResult>,
    /// Whether anything was written.
    pub committed: bool,
}

impl ImportReport {
    pub fn rejected(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r.outcome, RowOutcome::Rejected(_)))
            .count()
    }
}

/// Runs `work` in one transaction and commits it only when `mode` and the results allow.
fn import(
    conn: &mut DbConnection,
    mode: Mode,
    work: impl FnOnce(&mut DbConnection) -> StoreResult<Vec<RowResult>>,
) -> StoreResult<ImportReport> {
    let mut decided = None;
    let outcome = conn.transaction::<(), StoreError, _>(|conn| {
        let rows = work(conn)?;
        let rejected = rows
            .iter()
            .any(|r| matches!(r.outcome, RowOutcome::Rejected(_)));
        let keep = !mode.dry_run && (!rejected || mode.partial);
        decided = Some((rows, keep));
        // Diesel's own signal to roll the transaction back.
        if keep {
            Ok(())
        } else {
            Err(StoreError::Database(
                diesel::result::Error::RollbackTransaction,
            ))
        }
    });
    match (outcome, decided) {
        (Ok(()), Some((rows, _))) => Ok(ImportReport {
            rows,
            committed: true,
        }),
        (
            Err(StoreError::Database(diesel::result::Error::RollbackTransaction)),
            Some((rows, false)),
        ) => Ok(ImportReport {
            rows,
            committed: false,
        }),
        (Err(e), _) => Err(e),
        (Ok(()), None) => Err(StoreError::Corrupt(
            "import ended without a decision".into(),
        )),
    }
}
