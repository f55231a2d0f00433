//! HTTP plumbing shared by every route: problems, errors, request ids, query parsing,
//! the 404/405 fallback, body limits and caching headers.

pub mod audit_log;
pub mod body;
pub mod error;
pub mod etag;
pub mod head;
pub mod idempotency;
pub mod merge_patch;
pub mod normalise;
pub mod paging;
pub mod path_ids;
pub mod problem;
pub mod query;
pub mod rate_limit;
pub mod rendered;
pub mod request_id;
pub mod respond;
pub mod routes_table;
pub mod security_headers;

pub use error::{ApiError, db};
pub use problem::Problem;
pub use query::StrictQuery;
