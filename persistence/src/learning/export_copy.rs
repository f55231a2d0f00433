//! The HR export as CSV on PostgreSQL, at the database's streaming speed: one
//! `COPY (SELECT …) TO STDOUT (FORMAT csv, HEADER)` in which PostgreSQL joins, formats and
//! quotes every row, and the API only forwards the bytes. The cells are those of the
//! portable path (`api`'s CSV writer over [`super::enrolment_sync::list`]): the same
//! columns, the same text for dates, instants and rates, spreadsheet formulas neutralised
//! with a leading `'`, empty cells for nothing; the tests compare the two on both backends.
//!
//! `COPY` takes no bind parameters. The query is built here from typed values only (ids,
//! instants, vocabulary words); the one free text a caller filters on (a staff number)
//! travels as a transaction-local setting, set with a bound parameter.

use std::cell::RefCell;
use std::io::BufRead;

use chrono::NaiveDateTime;
use diesel::pg::{CopyFormat, CopyTarget, Pg};
use diesel::prelude::*;
use diesel::query_builder::AstPass;
use domain::Vocabulary;
use uuid::Uuid;

use super::enrolment_sync::EnrolmentFilter;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::enrolments;
use crate::visibility::Visibility;

thread_local! {
    /// The query of the `COPY` being built on this thread (diesel asks a copy target for its
    /// SQL through a function without arguments).
    static QUERY: RefCell<String> = const { RefCell::new(String::new()) };
}

struct ExportRows;

impl CopyTarget for ExportRows {
    type Table = enrolments::table;
    type SqlType = diesel::sql_types::Text;

    fn walk_target(mut pass: AstPass<'_, '_, Pg>) -> QueryResult<()> {
        QUERY.with(|q| pass.push_sql(&q.borrow()));
        Ok(())
    }
}

/// A text cell as the CSV writer makes it (`domain::validation::neutralised`): a leading
/// formula character quoted away; nothing (empty) as no cell.
fn neutralised(expr: &str) -> String {
    let prefixes: Vec<String> = domain::validation::FORMULA_PREFIXES
        .iter()
        .map(|c| format!("chr({})", u32::from(*c)))
        .collect();
    format!(
        "CASE WHEN left({expr}, 1) IN ({}) THEN '''' || {expr} ELSE NULLIF({expr}, '') END",
        prefixes.join(", ")
    )
}

/// An instant as RFC 3339 with microseconds, in UTC (`…T08:00:00.000000Z`).
fn instant(expr: &str) -> String {
    format!("to_char({expr}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
}

fn literal_uuid(id: Uuid) -> String {
    format!("'{id}'::uuid")
}

fn literal_instant(at: NaiveDateTime) -> String {
    format!("'{}'::timestamp", at.format("%Y-%m-%d %H:%M:%S%.6f"))
}

/// The export's query: every row matching `f` that `visibility` may see, in change order,
/// in parentheses (what `COPY` takes; the benchmark gives it to `psql \copy`).
pub fn query(f: &EnrolmentFilter, visibility: Visibility) -> String {
    let mut filters = Vec::new();
    if let Visibility::Organisation(own) = visibility {
        filters.push(format!("e.organisation_id = {}", literal_uuid(own)));
    }
    if let Some(o) = f.organisation_id {
        filters.push(format!("e.organisation_id = {}", literal_uuid(o)));
    }
    if let Some(c) = f.cohort_id {
        filters.push(format!("e.cohort_id = {}", literal_uuid(c)));
    }
    if let Some(p) = f.programme_id {
        filters.push(format!("c.programme_id = {}", literal_uuid(p)));
    }
    if !f.statuses.is_empty() {
        let words: Vec<String> = f
            .statuses
            .iter()
            .map(|s| format!("'{}'", s.value()))
            .collect();
        filters.push(format!("e.status IN ({})", words.join(", ")));
    }
    if f.person_external_ref.is_some() {
        filters.push("p.external_ref = current_setting('academy.export_person_ref')".into());
    }
    if let Some(s) = f.updated_since {
        filters.push(format!("e.updated_at >= {}", literal_instant(s)));
    }
    if let Some(s) = f.settled_before {
        filters.push(format!("e.updated_at < {}", literal_instant(s)));
    }
    let filter = if filters.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", filters.join(" AND "))
    };
    let rate = "CASE WHEN e.present_count + e.absent_count > 0 THEN \
                to_char(e.present_count::float8 / (e.present_count + e.absent_count), 'FM0.0000') END";
    format!(
        "(SELECT e.id AS id, e.person_id AS person_id, \
             {external_ref} AS person_external_ref, \
             CASE WHEN p.erased_at IS NULL THEN 'false' ELSE 'true' END AS person_erased, \
             e.organisation_id AS organisation_id, \
             g.id AS programme_id, {slug} AS programme_slug, {title} AS programme_title, \
             c.id AS cohort_id, {label} AS cohort_label, \
             to_char(c.start_date, 'YYYY-MM-DD') AS cohort_start_date, \
             to_char(c.end_date, 'YYYY-MM-DD') AS cohort_end_date, \
             e.status AS status, to_char(e.outcome_date, 'YYYY-MM-DD') AS outcome_date, \
             {enrolled_at} AS enrolled_at, {ended_at} AS ended_at, \
             {rate} AS attendance_rate, pr.codes AS priorities, \
             {updated_at} AS updated_at \
         FROM enrolments e \
         JOIN people p ON p.id = e.person_id \
         JOIN cohorts c ON c.id = e.cohort_id \
         JOIN programmes g ON g.id = c.programme_id \
         LEFT JOIN (SELECT cohort_id, string_agg(priority_code::text, ' ' ORDER BY priority_code) AS codes \
                    FROM cohort_priorities GROUP BY cohort_id) pr ON pr.cohort_id = e.cohort_id \
         {filter} \
         ORDER BY e.updated_at, e.id)",
        external_ref = neutralised("p.external_ref"),
        slug = neutralised("g.slug"),
        title = neutralised("g.title"),
        label = neutralised("c.label"),
        enrolled_at = instant("e.enrolled_at"),
        ended_at = instant("e.ended_at"),
        updated_at = instant("e.updated_at"),
    )
}

/// Streams the export's CSV (header first) to `sink` in chunks of about `chunk` bytes, until
/// the rows end or `sink` says stop (`false`). Call inside a read snapshot: the setting for
/// a staff-number filter lives until the transaction ends.
pub fn csv(
    conn: &mut DbConnection,
    f: &EnrolmentFilter,
    visibility: Visibility,
    chunk: usize,
    mut sink: impl FnMut(Vec<u8>) -> bool,
) -> StoreResult<()> {
    let DbConnection::Postgresql(pg) = conn else {
        return Err(StoreError::Corrupt(
            "COPY is PostgreSQL's; SQLite exports page by page".into(),
        ));
    };
    if let Some(r) = &f.person_external_ref {
        diesel::sql_query("SELECT set_config('academy.export_person_ref', $1, true)")
            .bind::<diesel::sql_types::Text, _>(r)
            .execute(pg)?;
    }
    QUERY.with(|q| *q.borrow_mut() = query(f, visibility));
    let mut rows = diesel::copy_to(ExportRows)
        .with_format(CopyFormat::Csv)
        .with_header(true)
        .load_raw(pg)?;
    let mut out = Vec::with_capacity(chunk + 4096);
    loop {
        let data = rows
            .fill_buf()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        if data.is_empty() {
            break;
        }
        out.extend_from_slice(data);
        let n = data.len();
        rows.consume(n);
        if out.len() >= chunk
            && !sink(std::mem::replace(
                &mut out,
                Vec::with_capacity(chunk + 4096),
            ))
        {
            return Ok(()); // the client went away
        }
    }
    if !out.is_empty() {
        sink(out);
    }
    Ok(())
}
