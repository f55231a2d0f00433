//! Black-box HTTP tests. Each test starts the real application on its own database:
//! SQLite by default, PostgreSQL when `TEST_DATABASE_URL` is set (see helpers.rs).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod calendar_feed;
mod catalogue_processes;
mod catalogue_snapshot;
mod clients;
mod cohorts;
mod communities;
mod community_commitment;
mod community_resources;
mod community_sessions;
mod compression;
mod conformance;
mod contract;
mod cors;
mod enrolment_export;
mod enrolment_sync;
mod enrolments;
mod errors;
mod fixtures;
mod headers;
mod helpers;
mod hostile_input;
mod http_caching;
mod idempotency;
mod imports;
mod jwt;
mod limits;
mod memberships;
mod migrations;
mod operations;
mod organisations;
mod ownership;
mod pagination;
mod people;
mod priorities;
mod programme_patches;
mod programme_search;
mod programme_writes;
mod programmes;
mod prospectus;
mod query_budget;
mod readme;
mod register;
mod request_rules;
mod scopes;
mod seed;
mod taxonomy;
mod tokens;
mod webhook_delivery;
mod webhook_events;
mod webhook_failures;
mod webhooks;
