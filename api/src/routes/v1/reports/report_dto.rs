//! What the reports look like on the wire: figures with their suppression markers, groups
//! keyed by dimension, and the same rows as CSV.

use chrono::NaiveDate;
use domain::report::{Dimension, FIGURES, Figures};
use persistence::reports::learning::KeyPart;
use serde::Serialize;
use utoipa::ToSchema;

/// The dates a report covers: cohorts starting from `from` to `to`, both included.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"from": "2025-12-02", "to": "2026-12-02"}))]
pub struct ReportPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// One dimension of a group's key.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"dimension": "organisation_kind", "value": "nhs_trust", "label": "NHS trust"}))]
pub struct GroupKey {
    pub dimension: Dimension,
    /// The programme's slug, the organisation's or cohort's id, the theme, level or kind,
    /// the priority's code, `2026-11` for a month, `2026-Q4` for a quarter; `null` for
    /// people of no organisation.
    pub value: Option<String>,
    /// What people call it: the programme's title, the organisation's name, the label of a
    /// theme, level, kind or priority.
    pub label: Option<String>,
}

impl From<KeyPart> for GroupKey {
    fn from(k: KeyPart) -> Self {
        Self {
            dimension: k.dimension,
            value: k.value,
            label: k.label,
        }
    }
}

/// A group's figures. A count of people below the suppression threshold is `null` and named
/// in `suppressed`, and so is a rate built on one; a figure that does not apply (seats, for
/// groups of learners or an organisation's own report) is `null` and not named.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"learners": 42, "enrolments": 51, "waitlisted": 6, "withdrawn": null,
    "completed": 30, "not_completed": 5, "completion_rate": 0.8571, "attendance_rate": 0.9125,
    "cohorts_run": 3, "seats_offered": 60, "seat_fill_rate": 0.7, "suppressed": true, "suppressed_figures": ["withdrawn"]}))]
pub struct LearningFigures {
    /// Distinct people who held a seat (enrolled, completed or not completed): people, not
    /// enrolments; erased people count, anonymously.
    pub learners: Option<i64>,
    /// Every enrolment: seats, waiting places, withdrawals, outcomes.
    pub enrolments: Option<i64>,
    pub waitlisted: Option<i64>,
    pub withdrawn: Option<i64>,
    pub completed: Option<i64>,
    pub not_completed: Option<i64>,
    /// Completed of those who finished (completed or not completed), to 4 decimals.
    #[schema(minimum = 0, maximum = 1)]
    pub completion_rate: Option<f64>,
    /// Sessions attended of the attendance marks recorded (present or absent; excused
    /// absences count as neither), to 4 decimals.
    #[schema(minimum = 0, maximum = 1)]
    pub attendance_rate: Option<f64>,
    /// Cohorts offered (open, running or completed) in the group; for an organisation's
    /// client, those with its staff's enrolments.
    #[schema(minimum = 0)]
    pub cohorts_run: i64,
    /// Their capacity: for groupings by cohorts alone, in the academy's reports.
    #[schema(minimum = 0)]
    pub seats_offered: Option<i64>,
    /// Seats taken of seats offered, to 4 decimals.
    #[schema(minimum = 0)]
    pub seat_fill_rate: Option<f64>,
    /// True when any figure of the group is withheld: it, or a count it is built on, is
    /// below the suppression threshold.
    pub suppressed: bool,
    /// The figures withheld, by name.
    #[schema(value_type = Vec<String>, example = json!(["withdrawn"]))]
    pub suppressed_figures: Vec<&'static str>,
}

impl From<Figures> for LearningFigures {
    fn from(f: Figures) -> Self {
        Self {
            learners: f.learners,
            enrolments: f.enrolments,
            waitlisted: f.waitlisted,
            withdrawn: f.withdrawn,
            completed: f.completed,
            not_completed: f.not_completed,
            completion_rate: f.completion_rate,
            attendance_rate: f.attendance_rate,
            cohorts_run: f.cohorts_run,
            seats_offered: f.seats_offered,
            seat_fill_rate: f.seat_fill_rate,
            suppressed: !f.suppressed.is_empty(),
            suppressed_figures: f.suppressed,
        }
    }
}

/// One group of the report.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"key": [{"dimension": "programme", "value": "vital-signs", "label": "VITAL Signs"}],
    "figures": {"learners": 42, "enrolments": 51, "waitlisted": 6, "withdrawn": null, "completed": 30,
    "not_completed": 5, "completion_rate": 0.8571, "attendance_rate": 0.9125, "cohorts_run": 3,
    "seats_offered": 60, "seat_fill_rate": 0.7, "suppressed": true, "suppressed_figures": ["withdrawn"]}}))]
pub struct LearningGroup {
    /// One part for each `group_by` dimension, in the order given.
    pub key: Vec<GroupKey>,
    pub figures: LearningFigures,
}

/// The learning report: who learned what, over a period.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"period": {"from": "2025-12-02", "to": "2026-12-02"}, "group_by": ["programme"],
    "suppression_threshold": 5,
    "totals": {"learners": 42, "enrolments": 51, "waitlisted": 6, "withdrawn": null, "completed": 30,
        "not_completed": 5, "completion_rate": 0.8571, "attendance_rate": 0.9125, "cohorts_run": 3,
        "seats_offered": 60, "seat_fill_rate": 0.7, "suppressed": true, "suppressed_figures": ["withdrawn"]},
    "groups": [{"key": [{"dimension": "programme", "value": "vital-signs", "label": "VITAL Signs"}],
        "figures": {"learners": 42, "enrolments": 51, "waitlisted": 6, "withdrawn": null, "completed": 30,
        "not_completed": 5, "completion_rate": 0.8571, "attendance_rate": 0.9125, "cohorts_run": 3,
        "seats_offered": 60, "seat_fill_rate": 0.7, "suppressed": true, "suppressed_figures": ["withdrawn"]}}]}))]
pub struct LearningReport {
    pub period: ReportPeriod,
    pub group_by: Vec<Dimension>,
    /// Counts of people below this are suppressed; 0: none is.
    #[schema(minimum = 0)]
    pub suppression_threshold: i64,
    /// The whole period (distinct learners over all groups, not their sum).
    pub totals: LearningFigures,
    /// In key order; a group with nothing to count is left out.
    pub groups: Vec<LearningGroup>,
}

/// The report as CSV (RFC 4180, CRLF): a header row, then one row per group: each
/// dimension's value and label, then the figures; a suppressed figure reads `<5` (the
/// threshold), a figure that does not apply is empty.
pub fn csv(report: &LearningReport) -> Result<Vec<u8>, csv::Error> {
    let mut w = super::csv_writer();
    let mut header: Vec<String> = Vec::new();
    for d in &report.group_by {
        let d = domain::Vocabulary::value(d);
        header.extend([d.to_owned(), format!("{d}_label")]);
    }
    header.extend(FIGURES.iter().map(|f| (*f).to_owned()));
    w.write_record(&header)?;
    for g in &report.groups {
        let mut row: Vec<String> = Vec::new();
        for k in &g.key {
            row.push(domain::validation::neutralised(
                k.value.clone().unwrap_or_default(),
            ));
            row.push(domain::validation::neutralised(
                k.label.clone().unwrap_or_default(),
            ));
        }
        let f = &g.figures;
        let cell =
            |name, v| super::cell(&f.suppressed_figures, report.suppression_threshold, name, v);
        let count = |n: Option<i64>| n.map(|n| n.to_string());
        let ratio = |r: Option<f64>| r.map(|r| format!("{r:.4}"));
        row.extend([
            cell("learners", count(f.learners)),
            cell("enrolments", count(f.enrolments)),
            cell("waitlisted", count(f.waitlisted)),
            cell("withdrawn", count(f.withdrawn)),
            cell("completed", count(f.completed)),
            cell("not_completed", count(f.not_completed)),
            cell("completion_rate", ratio(f.completion_rate)),
            cell("attendance_rate", ratio(f.attendance_rate)),
            f.cohorts_run.to_string(),
            cell("seats_offered", count(f.seats_offered)),
            cell("seat_fill_rate", ratio(f.seat_fill_rate)),
        ]);
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
