//! Black-box HTTP tests. Each test starts the real application on its own database:
//! SQLite by default, PostgreSQL when `TEST_DATABASE_URL` is set (see helpers.rs).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod contract;
mod errors;
mod helpers;
mod migrations;
mod operations;
mod pagination;
mod priorities;
mod programmes;
mod seed;
