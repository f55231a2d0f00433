//! All SQL lives here: the diesel schema shared by SQLite and PostgreSQL, the pool, the
//! embedded migrations, the seed and one module per aggregate.

pub mod access;
pub mod catalogue;
pub mod clock;
pub mod commissioning;
pub mod communities;
pub mod db;
pub mod demo;
pub mod error;
pub mod learning;
pub mod migrations;
pub mod page;
pub mod reports;
pub mod schema;
pub mod sql_types;
pub mod store;
pub mod text;
pub mod visibility;
pub mod webhooks;

pub use db::{Backend, DatabaseUrl, DbConnection, Pool, PoolOptions};
pub use error::{Refused, StoreError, StoreResult};
pub use page::{Cursor, CursorError, Page};
pub use store::Store;
