//! The catalogue: priorities, programmes and the portfolio seed.

pub mod listener;
pub mod priorities;
pub mod programme_rows;
pub mod programme_writes;
pub mod programmes;
pub mod seed;
pub mod snapshot;
pub mod version;
