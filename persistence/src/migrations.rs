//! Embedded migrations, one folder per backend with identical migration names.

use diesel::migration::MigrationVersion;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::db::DbConnection;

const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

pub type MigrationError = Box<dyn std::error::Error + Send + Sync>;

/// Runs every pending migration; returns the versions applied.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, MigrationError> {
    let applied: Vec<MigrationVersion<'static>> = match conn {
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES)?,
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE)?,
    }
    .into_iter()
    .map(|v| v.as_owned())
    .collect();
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// Reverts every applied migration, newest first (used by the migration tests).
pub fn revert_all(conn: &mut DbConnection) -> Result<Vec<String>, MigrationError> {
    let reverted = match conn {
        DbConnection::Postgresql(c) => c.revert_all_migrations(POSTGRES)?,
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE)?,
    };
    Ok(reverted.iter().map(ToString::to_string).collect())
}

/// Selects every column of every table through the hand-written `schema.rs`, so a column
/// that a migration and the schema disagree on fails here rather than in a request.
pub fn verify_schema(conn: &mut DbConnection) -> Result<(), MigrationError> {
    use diesel::prelude::*;

    use crate::schema::*;
    use crate::sql_types::DbUuid;

    priorities::table
        .select(priorities::all_columns)
        .limit(1)
        .load::<(i32, String, String, String)>(conn)?;
    venus_stems::table
        .select(venus_stems::all_columns)
        .limit(1)
        .load::<(String, String, String)>(conn)?;
    programmes::table
        .select(programmes::all_columns)
        .limit(1)
        .load::<crate::catalogue::programme_rows::ProgrammeRow>(conn)?;
    programme_stems::table
        .select(programme_stems::all_columns)
        .limit(1)
        .load::<(DbUuid, String)>(conn)?;
    programme_priorities::table
        .select(programme_priorities::all_columns)
        .limit(1)
        .load::<(DbUuid, i32)>(conn)?;
    seed_log::table
        .select(seed_log::all_columns)
        .limit(1)
        .load::<(String, chrono::NaiveDateTime)>(conn)?;
    programme_partners::table
        .select(programme_partners::all_columns)
        .limit(1)
        .load::<(DbUuid, i32, String)>(conn)?;
    organisations::table
        .select(organisations::all_columns)
        .limit(1)
        .load::<crate::access::organisations::OrganisationRow>(conn)?;
    api_clients::table
        .select(api_clients::all_columns)
        .limit(1)
        .load::<crate::access::clients::ClientRow>(conn)?;
    api_client_scopes::table
        .select(api_client_scopes::all_columns)
        .limit(1)
        .load::<(DbUuid, String)>(conn)?;
    audit_events::table
        .select(audit_events::all_columns)
        .limit(1)
        .load::<crate::access::audit::AuditRow>(conn)?;
    auth_failures::table
        .select(auth_failures::all_columns)
        .limit(1)
        .load::<(String, chrono::NaiveDateTime, i32)>(conn)?;
    people::table
        .select(people::all_columns)
        .limit(1)
        .load::<crate::learning::people::PersonRow>(conn)?;
    cohorts::table
        .select(cohorts::all_columns)
        .limit(1)
        .load::<crate::learning::cohorts::CohortRow>(conn)?;
    cohort_priorities::table
        .select(cohort_priorities::all_columns)
        .limit(1)
        .load::<(DbUuid, i32)>(conn)?;
    enrolments::table
        .select(enrolments::all_columns)
        .limit(1)
        .load::<crate::learning::enrolments::EnrolmentRow>(conn)?;
    cohort_sessions::table
        .select(cohort_sessions::all_columns)
        .limit(1)
        .load::<crate::learning::cohort_sessions::SessionRow>(conn)?;
    attendance::table
        .select(attendance::all_columns)
        .limit(1)
        .load::<(DbUuid, DbUuid, String, chrono::NaiveDateTime)>(conn)?;
    idempotency_keys::table
        .select(idempotency_keys::all_columns)
        .limit(1)
        .load::<(
            DbUuid,
            String,
            String,
            String,
            Option<i32>,
            Option<String>,
            Option<Vec<u8>>,
            chrono::NaiveDateTime,
        )>(conn)?;
    type Community = (
        DbUuid,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        i32,
        i32,
        Option<String>,
        i32,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
    );
    communities::table
        .select(communities::all_columns)
        .limit(1)
        .load::<Community>(conn)?;
    community_memberships::table
        .select(community_memberships::all_columns)
        .limit(1)
        .load::<(
            DbUuid,
            DbUuid,
            DbUuid,
            String,
            chrono::NaiveDateTime,
            Option<chrono::NaiveDateTime>,
            chrono::NaiveDateTime,
        )>(conn)?;
    type Session = (
        DbUuid,
        DbUuid,
        String,
        chrono::NaiveDateTime,
        i32,
        String,
        Option<String>,
        Option<String>,
        Option<chrono::NaiveDateTime>,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
    );
    community_sessions::table
        .select(community_sessions::all_columns)
        .limit(1)
        .load::<Session>(conn)?;
    community_attendance::table
        .select(community_attendance::all_columns)
        .limit(1)
        .load::<(DbUuid, DbUuid, String, chrono::NaiveDateTime)>(conn)?;
    community_resources::table
        .select(community_resources::all_columns)
        .limit(1)
        .load::<(
            DbUuid,
            DbUuid,
            String,
            String,
            String,
            Option<DbUuid>,
            chrono::NaiveDateTime,
        )>(conn)?;
    commissioning_requests::table
        .select(commissioning_requests::all_columns)
        .limit(1)
        .load::<crate::commissioning::request_rows::RequestRow>(conn)?;
    commissioning_request_priorities::table
        .select(commissioning_request_priorities::all_columns)
        .limit(1)
        .load::<(DbUuid, i32)>(conn)?;
    commissioning_request_cohorts::table
        .select(commissioning_request_cohorts::all_columns)
        .limit(1)
        .load::<(DbUuid, DbUuid, chrono::NaiveDateTime)>(conn)?;
    commissioning_messages::table
        .select(commissioning_messages::all_columns)
        .limit(1)
        .load::<crate::commissioning::messages::MessageRecord>(conn)?;
    learning_needs::table
        .select(learning_needs::all_columns)
        .limit(1)
        .load::<crate::commissioning::needs::NeedRecord>(conn)?;
    Ok(())
}
