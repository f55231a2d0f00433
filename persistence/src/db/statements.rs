//! Counting the SQL statements a unit of work sends (the query budget): every connection
//! carries [`CountStatements`], diesel's instrumentation, which adds each statement it
//! starts to the counter the current thread works for, if any. The API sets that counter
//! per request around each blocking database call ([`counting`]).

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::connection::{Instrumentation, InstrumentationEvent};

/// Statements sent on behalf of one unit of work (a request), on any thread.
#[derive(Debug, Clone, Default)]
pub struct StatementCount(Arc<AtomicU32>);

impl StatementCount {
    pub fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }
}

thread_local! {
    static CURRENT: RefCell<Option<StatementCount>> = const { RefCell::new(None) };
}

/// Runs `f` with the statements this thread sends counted in `count`.
pub fn counting<T>(count: Option<&StatementCount>, f: impl FnOnce() -> T) -> T {
    let Some(count) = count else {
        return f();
    };
    let previous = CURRENT.with(|c| c.replace(Some(count.clone())));
    // Restored even if `f` panics, so a pooled thread never counts for a finished request.
    struct Restore(Option<StatementCount>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = previous);
        }
    }
    let _restore = Restore(previous);
    f()
}

/// diesel instrumentation that counts each statement a connection starts (`BEGIN` and
/// `COMMIT` included: each is a round trip), and remembers whether one found the connection
/// lost (the pool then drops it: connections are not tested on checkout).
#[derive(Debug, Default)]
pub struct CountStatements {
    lost: bool,
}

impl CountStatements {
    /// Whether a statement on this connection found the server gone.
    pub fn lost(&self) -> bool {
        self.lost
    }
}

fn is_lost(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        // PostgreSQL's FATAL as it closes a session (administrator command, shutdown).
        Error::DatabaseError(_, info) => info.message().contains("terminating connection"),
        _ => false,
    }
}

impl Instrumentation for CountStatements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => CURRENT.with(|c| {
                if let Some(count) = c.borrow().as_ref() {
                    count.0.fetch_add(1, Ordering::Relaxed);
                }
            }),
            InstrumentationEvent::FinishQuery { error: Some(e), .. } if is_lost(e) => {
                self.lost = true
            }
            _ => {}
        }
    }
}

/// Whether `instrumentation` (a connection's) saw the connection lost.
pub fn lost(instrumentation: &dyn Instrumentation) -> bool {
    instrumentation
        .downcast_ref::<CountStatements>()
        .or_else(|| {
            instrumentation
                .downcast_ref::<Box<dyn Instrumentation>>()
                .and_then(|b| b.downcast_ref::<CountStatements>())
        })
        .is_some_and(CountStatements::lost)
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::Connection;
    use diesel::connection::SimpleConnection;

    #[test]
    fn counts_the_statements_of_the_counted_work_only() {
        let mut conn = diesel::SqliteConnection::establish(":memory:").unwrap();
        conn.set_instrumentation(CountStatements::default());
        let count = StatementCount::default();
        conn.batch_execute("SELECT 1").unwrap();
        counting(Some(&count), || {
            conn.transaction(|c| c.batch_execute("SELECT 1")).unwrap();
        });
        conn.batch_execute("SELECT 1").unwrap();
        assert_eq!(count.get(), 3, "BEGIN, the statement, COMMIT");
    }
}
