//! CSV files for bulk imports, read into rows the store can decide on. Used by the HTTP
//! import endpoints and by `api import`.

use std::collections::HashMap;

use domain::{Person, PersonInput};
use persistence::learning::imports::{
    EnrolmentLine, ImportReport, PersonLine, RowOutcome, RowResult,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub const PEOPLE_COLUMNS: [&str; 6] = [
    "external_ref",
    "given_name",
    "family_name",
    "email",
    "job_role",
    "expert_by_experience",
];
pub const PEOPLE_REQUIRED: [&str; 4] = ["external_ref", "given_name", "family_name", "email"];
pub const ROSTER_COLUMNS: [&str; 2] = ["person_id", "external_ref"];

/// The file as a whole is unusable: no header, unknown or missing columns, a malformed row
/// (400), or more rows than the limit (413).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{0}")]
    Invalid(String),
    #[error("the file has more than the maximum of {0} data rows (IMPORT_MAX_ROWS)")]
    TooManyRows(usize),
}

fn rejected(line: usize, why: String) -> RowResult {
    RowResult {
        line,
        outcome: RowOutcome::Rejected(why),
        id: None,
        status: None,
    }
}

/// A data row of a CSV file: its line, and each column's value by the header's position.
pub struct Row<'a> {
    pub line: usize,
    header: &'a [String],
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    /// The value of `column`, when the file has it and the cell is not empty.
    pub fn get(&self, column: &str) -> Option<String> {
        let i = self.header.iter().position(|h| h == column)?;
        self.record
            .get(i)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// The first cell holding a control character, as a reason to reject the row.
    fn control_character(&self) -> Option<String> {
        self.header
            .iter()
            .zip(self.record.iter())
            .find_map(|(h, v)| {
                domain::validation::control_character(v)
                    .map(|c| format!("{h}: {}", domain::validation::control_character_message(c)))
            })
    }
}

/// About how many data rows `csv` has (its line breaks), to size the rows' vector once
/// rather than doubling it as it grows.
fn rows_in(csv: &[u8], max_rows: usize) -> usize {
    csv.iter().filter(|b| **b == b'\n').count().min(max_rows)
}

/// Calls `each` for every data row of a CSV with a header, in order, one row in memory at a
/// time. At most `max_rows` rows.
fn each_row(
    csv: &[u8],
    allowed: &[&str],
    required: &[&str],
    max_rows: usize,
    mut each: impl FnMut(Row<'_>),
) -> Result<(), FileError> {
    let invalid = |m: String| FileError::Invalid(m);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(csv);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| invalid(format!("the file has no readable header row: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let unknown: Vec<String> = header
        .iter()
        .filter(|h| !allowed.contains(&h.as_str()))
        .map(|s| format!("'{s}'"))
        .collect();
    if !unknown.is_empty() {
        return Err(invalid(format!(
            "unknown column(s) {}; expected {}",
            unknown.join(", "),
            allowed.join(", ")
        )));
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|r| !header.iter().any(|h| h == r))
        .collect();
    if !missing.is_empty() {
        return Err(invalid(format!(
            "missing column(s): {}",
            missing.join(", ")
        )));
    }
    let mut record = csv::StringRecord::new();
    let mut rows = 0;
    loop {
        let line = rows + 2;
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(invalid(format!("line {line}: {e}"))),
        }
        rows += 1;
        if rows > max_rows {
            return Err(FileError::TooManyRows(max_rows));
        }
        each(Row {
            line,
            header: &header,
            record: &record,
        });
    }
}

/// People rows: valid ones to decide on, invalid ones already rejected with the reason.
pub fn people(csv: &[u8], max_rows: usize) -> Result<(Vec<PersonLine>, Vec<RowResult>), FileError> {
    let mut lines = Vec::with_capacity(rows_in(csv, max_rows));
    let mut bad = Vec::new();
    each_row(csv, &PEOPLE_COLUMNS, &PEOPLE_REQUIRED, max_rows, |row| {
        let line = row.line;
        if let Some(why) = row.control_character() {
            return bad.push(rejected(line, why));
        }
        let expert = match row
            .get("expert_by_experience")
            .map(|f| f.to_ascii_lowercase())
            .as_deref()
        {
            None | Some("false") | Some("no") | Some("0") => false,
            Some("true") | Some("yes") | Some("1") => true,
            Some(other) => {
                return bad.push(rejected(
                    line,
                    format!("expert_by_experience: '{other}' is not true or false"),
                ));
            }
        };
        let input = PersonInput {
            given_name: row.get("given_name"),
            family_name: row.get("family_name"),
            email: row.get("email"),
            has_organisation: true,
            job_role: row.get("job_role"),
            external_ref: row.get("external_ref"),
            expert_by_experience: expert,
        };
        if input.external_ref.is_none() {
            return bad.push(rejected(line, "external_ref: is required".into()));
        }
        match Person::parse(input) {
            Ok(person) => lines.push(PersonLine { line, person }),
            Err(e) => bad.push(rejected(line, e.to_string())),
        }
    })?;
    Ok((lines, bad))
}

/// Roster rows: each names a person by `person_id`, or by `external_ref` within the
/// organisation whose staff numbers `by_ref` maps.
pub fn roster(
    csv: &[u8],
    by_ref: &HashMap<String, Uuid>,
    max_rows: usize,
) -> Result<(Vec<EnrolmentLine>, Vec<RowResult>), FileError> {
    let mut lines = Vec::with_capacity(rows_in(csv, max_rows));
    let mut bad = Vec::new();
    each_row(csv, &ROSTER_COLUMNS, &[], max_rows, |row| {
        let line = row.line;
        if let Some(why) = row.control_character() {
            return bad.push(rejected(line, why));
        }
        let (id, reference) = (row.get("person_id"), row.get("external_ref"));
        match (id.as_deref(), reference.as_deref()) {
            (Some(id), _) => match Uuid::parse_str(id) {
                Ok(person_id) => lines.push(EnrolmentLine { line, person_id }),
                Err(_) => bad.push(rejected(line, format!("person_id: '{id}' is not a UUID"))),
            },
            (None, Some(r)) => match by_ref.get(r) {
                Some(person_id) => lines.push(EnrolmentLine {
                    line,
                    person_id: *person_id,
                }),
                None => bad.push(rejected(
                    line,
                    format!("external_ref: nobody in the organisation has reference '{r}'"),
                )),
            },
            (None, None) => bad.push(rejected(
                line,
                "person_id or external_ref is required".into(),
            )),
        }
    })?;
    Ok((lines, bad))
}

#[derive(Debug, Default, Serialize, ToSchema)]
#[schema(example = json!({"created": 120, "updated": 3, "unchanged": 877, "rejected": 0}))]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
}

/// What an import did (or, on a dry run, would do): how many rows of each outcome, and the
/// rejected rows with their reasons (the first hundred; `summary.rejected` counts them all).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"dry_run": true, "committed": false, "summary": {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1},
    "rejected_rows": [{"line": 4, "reason": "email: must be an email address such as name@nhs.net"}], "rejected_rows_truncated": false}))]
pub struct ImportResult {
    pub dry_run: bool,
    /// Whether the rows were written.
    pub committed: bool,
    pub summary: Summary,
    /// The rejected rows, in file order, at most the first hundred.
    pub rejected_rows: Vec<RejectedRow>,
    /// True when there are more rejected rows than `rejected_rows` lists.
    pub rejected_rows_truncated: bool,
}

/// A row that was not (or, on a dry run, would not be) written.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"line": 3, "reason": "email: must be an email address such as name@nhs.net"}))]
pub struct RejectedRow {
    /// Line in the file (the header is line 1).
    pub line: usize,
    pub reason: String,
}

impl ImportResult {
    pub fn new(report: ImportReport, dry_run: bool, listed: usize) -> Self {
        let mut summary = Summary::default();
        let mut rejected_rows = Vec::new();
        for r in report.rows {
            match r.outcome {
                RowOutcome::Created => summary.created += 1,
                RowOutcome::Updated => summary.updated += 1,
                RowOutcome::Unchanged => summary.unchanged += 1,
                RowOutcome::Rejected(reason) => {
                    summary.rejected += 1;
                    if rejected_rows.len() < listed {
                        rejected_rows.push(RejectedRow {
                            line: r.line,
                            reason,
                        });
                    }
                }
            }
        }
        Self {
            dry_run,
            committed: report.committed,
            rejected_rows_truncated: summary.rejected > rejected_rows.len(),
            summary,
            rejected_rows,
        }
    }
}
