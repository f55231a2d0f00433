//! One connection type over two databases, chosen by the URL scheme of `DATABASE_URL`,
//! and an r2d2 pool of them.

use std::fmt;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};

pub mod listener;
pub mod statements;

/// Inserts `rows` (a `Vec` of insertable values) into `table`: on PostgreSQL one multi-row
/// statement per thousand rows, on SQLite one statement a row (multi-row inserts are not
/// available through the multi-backend connection; inside a transaction they are cheap).
/// Evaluates to the number of rows inserted; `?` propagates diesel's error.
#[macro_export]
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        let mut inserted = 0usize;
        match $conn {
            $crate::db::DbConnection::Postgresql(pg) => {
                for chunk in rows.chunks(1_000) {
                    inserted += diesel::insert_into($table)
                        .values(chunk.to_vec())
                        .execute(pg)?;
                }
            }
            $crate::db::DbConnection::Sqlite(lite) => {
                for row in rows {
                    inserted += diesel::insert_into($table).values(row).execute(lite)?;
                }
            }
        }
        inserted
    }};
}

/// A connection to either backend. diesel's derive implements `Connection` for the enum
/// over the SQL both understand; `MultiBackend` is the backend type it generates.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// Applied to every SQLite connection the pool opens.
const SQLITE_PRAGMAS: &str = "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; \
     PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// A parsed `DATABASE_URL`: `sqlite://PATH` or `postgres://…` / `postgresql://…`.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    /// What the driver receives: the file path for SQLite, the whole URL for PostgreSQL.
    target: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "DATABASE_URL '{0}' is not supported: use sqlite://PATH (e.g. sqlite://wtxa.db) or postgres://USER@HOST:PORT/DATABASE"
)]
pub struct UnsupportedDatabaseUrl(String);

impl DatabaseUrl {
    pub const DEFAULT: &'static str = "sqlite://wtxa.db";

    pub fn parse(url: &str) -> Result<Self, UnsupportedDatabaseUrl> {
        let unsupported = || UnsupportedDatabaseUrl(redact(url));
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(unsupported());
            }
            Ok(Self {
                backend: Backend::Sqlite,
                target: path.to_owned(),
            })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self {
                backend: Backend::Postgres,
                target: url.to_owned(),
            })
        } else {
            Err(unsupported())
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL as given, for drivers and tools.
    pub fn as_str(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite://{}", self.target),
            Backend::Postgres => self.target.clone(),
        }
    }

    /// Opens one connection, configured as the pool would, its statements counted
    /// ([`statements`]).
    pub fn connect(&self) -> ConnectionResult<DbConnection> {
        let mut conn = match self.backend {
            Backend::Postgres => {
                DbConnection::Postgresql(diesel::PgConnection::establish(&self.target)?)
            }
            Backend::Sqlite => {
                let mut conn = diesel::SqliteConnection::establish(&self.target)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
                DbConnection::Sqlite(conn)
            }
        };
        conn.set_instrumentation(statements::CountStatements::default());
        Ok(conn)
    }
}

/// Hides a password in `scheme://user:password@host`.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(colon) => format!("{}://{}:***{}", &url[..s], &creds[..colon], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.as_str()))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.as_str()))
    }
}

/// r2d2 manager that opens the backend the URL names (never guessing, unlike the derived
/// `establish`, which would turn an unreachable `postgres:` URL into a SQLite file).
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
    queue_worker: bool,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = ConnectionError;

    fn connect(&self) -> Result<DbConnection, ConnectionError> {
        let mut conn = self.url.connect()?;
        if self.queue_worker && matches!(conn, DbConnection::Postgresql(_)) {
            conn.batch_execute("SET synchronous_commit = off")
                .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
        }
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectionError> {
        conn.batch_execute("SELECT 1")
            .map_err(|e| ConnectionError::BadConnection(e.to_string()))
    }

    /// Never called on checkout (no `SELECT 1` per request): a connection is dropped when it
    /// is returned broken — a statement on it found the server gone, or a transaction could
    /// not be ended. The request that found it out failed or retried (`api::http::db`).
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken() || statements::lost(conn.instrumentation())
    }
}

/// On PostgreSQL, makes the rest of the caller's transaction find rows by their indexes
/// (`SET LOCAL enable_seqscan = off`), for lookups of a batch of keys in a queue table that
/// can grow faster than its statistics: planned from stale statistics that describe it near
/// empty, `id = ANY($1)` becomes a sequential scan of a backlog of thousands of rows.
pub fn by_index(conn: &mut DbConnection) -> crate::StoreResult<()> {
    if matches!(conn, DbConnection::Postgresql(_)) {
        conn.batch_execute("SET LOCAL enable_seqscan = off")?;
    }
    Ok(())
}

/// Runs `f` in one read-only snapshot: REPEATABLE READ on PostgreSQL (every statement sees
/// the same data); SQLite transactions are snapshots already.
pub fn read_snapshot<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> crate::StoreResult<T>,
) -> crate::StoreResult<T> {
    conn.transaction(|conn| {
        if matches!(conn, DbConnection::Postgresql(_)) {
            conn.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        f(conn)
    })
}

/// The instant before which delta sync may read: `settle` ago, and on PostgreSQL no later
/// than the start of the oldest write transaction still open (rows it writes will carry a
/// later time than its start, but may commit long after: an import of a large file).
pub fn sync_horizon(
    conn: &mut DbConnection,
    settle: chrono::Duration,
) -> crate::StoreResult<chrono::NaiveDateTime> {
    #[derive(diesel::QueryableByName)]
    struct Oldest {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
        oldest: Option<chrono::NaiveDateTime>,
    }
    let horizon = crate::clock::now() - settle;
    let oldest = match conn {
        DbConnection::Postgresql(pg) => diesel::sql_query(
            "SELECT (min(xact_start) AT TIME ZONE 'UTC')::timestamp AS oldest FROM pg_stat_activity \
             WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
        )
        .get_result::<Oldest>(pg)?
        .oldest,
        // One writer at a time, stamping rows inside its write lock: nothing commits out of order.
        DbConnection::Sqlite(_) => None,
    };
    Ok(oldest.map_or(horizon, |o| o.min(horizon)))
}

/// Checks the database answers on this connection.
pub fn ping(conn: &mut DbConnection) -> crate::StoreResult<()> {
    Ok(conn.batch_execute("SELECT 1")?)
}

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: u32,
    /// How long a caller waits for a connection (and start-up waits for the first one).
    pub connect_timeout: Duration,
    /// Who hears of each checkout and its wait (the API's metrics).
    pub events: PoolEvents,
    /// Connections of a queue worker (the webhook deliveries'), on PostgreSQL: commits that
    /// do not wait for their WAL flush (`synchronous_commit = off`: a database crash may lose
    /// the last ones committed, never half of one, and the worker's work is redone at least
    /// once).
    pub queue_worker: bool,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            connect_timeout: Duration::from_secs(5),
            events: PoolEvents::default(),
            queue_worker: false,
        }
    }
}

/// Told of every checkout from the pool: how long the caller waited, and whether it gave up.
pub trait PoolObserver: Send + Sync + 'static {
    fn checked_out(&self, waited: Duration);
    fn timed_out(&self, waited: Duration);
}

/// The pool's event handler: forwards to an observer, if one was given.
#[derive(Clone, Default)]
pub struct PoolEvents(Option<std::sync::Arc<dyn PoolObserver>>);

impl PoolEvents {
    pub fn to(observer: std::sync::Arc<dyn PoolObserver>) -> Self {
        Self(Some(observer))
    }
}

impl fmt::Debug for PoolEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "PoolEvents(observed)"
        } else {
            "PoolEvents(none)"
        })
    }
}

impl r2d2::HandleEvent for PoolEvents {
    fn handle_checkout(&self, event: r2d2::event::CheckoutEvent) {
        if let Some(o) = &self.0 {
            o.checked_out(event.duration());
        }
    }

    fn handle_timeout(&self, event: r2d2::event::TimeoutEvent) {
        if let Some(o) = &self.0 {
            o.timed_out(event.timeout());
        }
    }
}

/// Connections of the pool now: open, idle (the rest are in use) and the most it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolState {
    pub connections: u32,
    pub idle: u32,
    pub max_size: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot connect to the database at {url}: {source}")]
pub struct PoolError {
    url: String,
    #[source]
    source: r2d2::PoolError,
}

/// Builds the pool and waits (at most `connect_timeout`) for a first working connection,
/// so an unreachable database fails start-up quickly with a clear message.
pub fn build_pool(url: &DatabaseUrl, options: &PoolOptions) -> Result<Pool, PoolError> {
    r2d2::Pool::builder()
        .max_size(options.max_size)
        .min_idle(Some(1))
        .connection_timeout(options.connect_timeout)
        // Health comes from errors and /health/ready, not from a round trip per checkout.
        .test_on_check_out(false)
        .event_handler(Box::new(options.events.clone()))
        .build(ConnectionManager {
            url: url.clone(),
            queue_worker: options.queue_worker,
        })
        .map_err(|source| PoolError {
            url: url.to_string(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_two_schemes() {
        let s = DatabaseUrl::parse("sqlite://data/wtxa.db").unwrap();
        assert_eq!(s.backend(), Backend::Sqlite);
        assert_eq!(s.as_str(), "sqlite://data/wtxa.db");
        let p = DatabaseUrl::parse("postgres://postgres@127.0.0.1:5432/wtxa").unwrap();
        assert_eq!(p.backend(), Backend::Postgres);
        assert_eq!(
            DatabaseUrl::parse("postgresql://h/db").unwrap().backend(),
            Backend::Postgres
        );
    }

    #[test]
    fn rejects_other_schemes_naming_the_accepted_ones() {
        for bad in [
            "mysql://root@localhost/db",
            "wtxa.db",
            "postgres:x",
            "sqlite://",
            "",
        ] {
            let err = DatabaseUrl::parse(bad).unwrap_err().to_string();
            assert!(
                err.contains("sqlite://PATH") && err.contains("postgres://"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn never_prints_a_password() {
        let p = DatabaseUrl::parse("postgres://app:s3cret@db:5432/wtxa").unwrap();
        assert_eq!(p.to_string(), "postgres://app:***@db:5432/wtxa");
        let err = DatabaseUrl::parse("mysql://app:s3cret@db/wtxa")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("s3cret"));
    }
}
