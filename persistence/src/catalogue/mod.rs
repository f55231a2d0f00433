//! The catalogue: priorities, programmes and the portfolio seed.

/// The catalogue's `LISTEN` ([`crate::db::listener`]).
pub mod listener {
    use crate::DatabaseUrl;

    /// The `application_name` of the listener's connection.
    pub const APPLICATION_NAME: &str = "academy-catalogue-listener";

    pub fn run(url: &DatabaseUrl, alive: impl Fn() -> bool, wake: impl Fn()) {
        crate::db::listener::run(
            url,
            (super::version::CHANNEL, APPLICATION_NAME),
            alive,
            wake,
        )
    }
}
pub mod priorities;
pub mod programme_rows;
pub mod programme_writes;
pub mod programmes;
pub mod seed;
pub mod snapshot;
pub mod version;
