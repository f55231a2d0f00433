//! Access control: organisations, API clients, the audit log and failed-login throttling.

pub mod audit;
pub mod clients;
pub mod idempotency;
pub mod organisations;
pub mod throttle;
