//! Webhooks: endpoints, the transactional outbox, the delivery workers' shared state and
//! the owner's delivery log.

pub mod endpoints;
pub mod log;
pub mod outbox;
pub mod outcomes;
pub mod worker;

pub use outbox::{Event, emit, emit_one};

/// The PostgreSQL channel a committed event notifies (by a trigger on `webhook_events`).
pub const CHANNEL: &str = "academy_webhooks";
