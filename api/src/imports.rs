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

/// The file as a whole is unusable (no header, unknown or missing columns).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub String);

fn rejected(line: usize, why: String) -> RowResult {
    RowResult {
        line,
        outcome: RowOutcome::Rejected(why),
        id: None,
        status: None,
    }
}

/// A row of a CSV file: its line and its `column → value`.
type Record = (usize, HashMap<String, String>);

/// Rows of a CSV with a header, as `(line, column → value)`.
fn records(csv: &[u8], allowed: &[&str], required: &[&str]) -> Result<Vec<Record>, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(csv);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| FileError(format!("the file has no readable header row: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let unknown: Vec<&String> = header
        .iter()
        .filter(|h| !allowed.contains(&h.as_str()))
        .collect();
    if !unknown.is_empty() {
        return Err(FileError(format!(
            "unknown column(s) {}; expected {}",
            unknown
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", "),
            allowed.join(", ")
        )));
    }
    let missing: Vec<&&str> = required
        .iter()
        .filter(|r| !header.iter().any(|h| h == *r))
        .collect();
    if !missing.is_empty() {
        return Err(FileError(format!(
            "missing column(s): {}",
            missing.iter().map(|s| **s).collect::<Vec<_>>().join(", ")
        )));
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| FileError(format!("line {line}: {e}")))?;
        let map = header
            .iter()
            .cloned()
            .zip(record.iter().map(str::to_owned))
            .collect();
        rows.push((line, map));
    }
    Ok(rows)
}

/// People rows: valid ones to decide on, invalid ones already rejected with the reason.
pub fn people(csv: &[u8]) -> Result<(Vec<PersonLine>, Vec<RowResult>), FileError> {
    let mut lines = Vec::new();
    let mut bad = Vec::new();
    for (line, mut row) in records(csv, &PEOPLE_COLUMNS, &PEOPLE_REQUIRED)? {
        let mut take = |k: &str| row.remove(k).filter(|v| !v.is_empty());
        let flag = take("expert_by_experience");
        let expert = match flag.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("false") | Some("no") | Some("0") => false,
            Some("true") | Some("yes") | Some("1") => true,
            Some(other) => {
                bad.push(rejected(
                    line,
                    format!("expert_by_experience: '{other}' is not true or false"),
                ));
                continue;
            }
        };
        let input = PersonInput {
            given_name: take("given_name"),
            family_name: take("family_name"),
            email: take("email"),
            has_organisation: true,
            job_role: take("job_role"),
            external_ref: take("external_ref"),
            expert_by_experience: expert,
        };
        if input.external_ref.is_none() {
            bad.push(rejected(line, "external_ref: is required".into()));
            continue;
        }
        match Person::parse(input) {
            Ok(person) => lines.push(PersonLine { line, person }),
            Err(e) => bad.push(rejected(line, e.to_string())),
        }
    }
    Ok((lines, bad))
}

/// Roster rows: each names a person by `person_id`, or by `external_ref` within the
/// organisation whose staff numbers `by_ref` maps.
pub fn roster(
    csv: &[u8],
    by_ref: &HashMap<String, Uuid>,
) -> Result<(Vec<EnrolmentLine>, Vec<RowResult>), FileError> {
    let rows = records(csv, &ROSTER_COLUMNS, &[])?;
    let mut lines = Vec::new();
    let mut bad = Vec::new();
    for (line, row) in rows {
        let id = row.get("person_id").filter(|v| !v.is_empty());
        let reference = row.get("external_ref").filter(|v| !v.is_empty());
        match (id, reference) {
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
    }
    Ok((lines, bad))
}

/// One row of an import's answer.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"line": 3, "outcome": "rejected", "id": null, "status": null, "reason": "email: must be an email address such as name@nhs.net"}))]
pub struct RowDto {
    /// Line in the file (the header is line 1).
    pub line: usize,
    /// `created`, `updated`, `unchanged` or `rejected`.
    pub outcome: &'static str,
    /// The person or enrolment.
    pub id: Option<Uuid>,
    /// For enrolments: `enrolled` or `waitlisted`.
    pub status: Option<domain::EnrolmentStatus>,
    pub reason: Option<String>,
}

#[derive(Debug, Default, Serialize, ToSchema)]
#[schema(example = json!({"created": 120, "updated": 3, "unchanged": 877, "rejected": 0}))]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"dry_run": false, "committed": true, "summary": {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0},
    "rows": [{"line": 2, "outcome": "created", "id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "status": null, "reason": null}]}))]
pub struct ImportResult {
    pub dry_run: bool,
    /// Whether the rows were written.
    pub committed: bool,
    pub summary: Summary,
    pub rows: Vec<RowDto>,
}

impl ImportResult {
    pub fn new(report: ImportReport, dry_run: bool) -> Self {
        let mut summary = Summary::default();
        let rows = report
            .rows
            .into_iter()
            .map(|r| {
                let (outcome, reason) = match r.outcome {
                    RowOutcome::Created => {
                        summary.created += 1;
                        ("created", None)
                    }
                    RowOutcome::Updated => {
                        summary.updated += 1;
                        ("updated", None)
                    }
                    RowOutcome::Unchanged => {
                        summary.unchanged += 1;
                        ("unchanged", None)
                    }
                    RowOutcome::Rejected(why) => {
                        summary.rejected += 1;
                        ("rejected", Some(why))
                    }
                };
                RowDto {
                    line: r.line,
                    outcome,
                    id: r.id,
                    status: r.status,
                    reason,
                }
            })
            .collect();
        Self {
            dry_run,
            committed: report.committed,
            summary,
            rows,
        }
    }
}
