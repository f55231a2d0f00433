//! The handle the API holds: a pool plus start-up (migrations and seed).

use diesel::connection::SimpleConnection;

use crate::catalogue::seed::{self, SeedReport};
use crate::db::{self, DatabaseUrl, DbConnection, Pool, PoolOptions, PooledConnection};
use crate::error::{StoreError, StoreResult};
use crate::migrations;

/// Cheap to clone; every clone shares the pool.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    url: DatabaseUrl,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Pool(#[from] db::PoolError),
    #[error("running migrations on {url}: {message}")]
    Migrations { url: String, message: String },
    #[error("seeding the catalogue: {0}")]
    Seed(StoreError),
}

/// Key of the PostgreSQL advisory lock that serialises start-up work across processes.
const STARTUP_LOCK: i64 = 0x5754_7841; // "WTxA"

impl Store {
    /// Connects (failing within `connect_timeout` when the database is unreachable).
    pub fn connect(url: &DatabaseUrl, options: &PoolOptions) -> Result<Self, StartupError> {
        let pool = db::build_pool(url, options)?;
        Ok(Self {
            pool,
            url: url.clone(),
        })
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A pooled connection; `Unavailable` when none can be had in time.
    pub fn conn(&self) -> StoreResult<PooledConnection> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` with a pooled connection.
    pub fn with<T>(&self, f: impl FnOnce(&mut DbConnection) -> StoreResult<T>) -> StoreResult<T> {
        let mut conn = self.conn()?;
        f(&mut conn)
    }

    /// Connections open, idle and at most.
    pub fn pool_state(&self) -> db::PoolState {
        let state = self.pool.state();
        db::PoolState {
            connections: state.connections,
            idle: state.idle_connections,
            max_size: self.pool.max_size(),
        }
    }

    /// Checks the database answers.
    pub fn ping(&self) -> StoreResult<()> {
        self.with(db::ping)
    }

    /// Applies pending migrations; several processes may call it at once.
    pub fn migrate(&self) -> Result<Vec<String>, StartupError> {
        let err = |message: String| StartupError::Migrations {
            url: self.url.to_string(),
            message,
        };
        let mut conn = self.conn().map_err(|e| err(e.to_string()))?;
        with_startup_lock(&mut conn, |c| {
            migrations::run_pending(c).map_err(|e| err(e.to_string()))
        })
    }

    /// Writes reference data and the portfolio (idempotent).
    pub fn seed(&self) -> Result<SeedReport, StartupError> {
        let mut conn = self.conn().map_err(StartupError::Seed)?;
        with_startup_lock(&mut conn, |c| seed::run(c).map_err(StartupError::Seed))
    }
}

/// On PostgreSQL, holds a session advisory lock around `f` so that API processes starting
/// together do not migrate or seed at the same time. SQLite serialises writers itself.
fn with_startup_lock<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, StartupError>,
) -> Result<T, StartupError> {
    let is_pg = matches!(conn, DbConnection::Postgresql(_));
    let lock_err = |e: diesel::result::Error| StartupError::Migrations {
        url: String::from("(advisory lock)"),
        message: e.to_string(),
    };
    if is_pg {
        conn.batch_execute(&format!("SELECT pg_advisory_lock({STARTUP_LOCK})"))
            .map_err(lock_err)?;
    }
    let result = f(conn);
    if is_pg {
        conn.batch_execute(&format!("SELECT pg_advisory_unlock({STARTUP_LOCK})"))
            .map_err(lock_err)?;
    }
    result
}
