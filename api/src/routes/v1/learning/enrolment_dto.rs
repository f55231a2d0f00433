//! JSON shapes of enrolments, the HR pull and attendance.

use chrono::{DateTime, NaiveDate, Utc};
use domain::enrolment::attendance_rate;
use domain::{AttendanceStatus, EnrolmentStatus};
use persistence::learning::enrolment_sync::EnrolmentView;
use persistence::learning::enrolments::EnrolmentRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Attendance so far: present ÷ (present + absent); excused sessions are not counted.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"present": 5, "absent": 1, "excused": 1, "rate": 0.8333}))]
pub struct AttendanceSummary {
    pub present: i64,
    pub absent: i64,
    pub excused: i64,
    /// Null until a session is recorded.
    pub rate: Option<f64>,
}

impl AttendanceSummary {
    fn of(e: &EnrolmentRecord) -> Self {
        Self {
            present: e.present,
            absent: e.absent,
            excused: e.excused,
            rate: attendance_rate(e.present, e.absent),
        }
    }
}

/// A person's place on a cohort.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "cohort_id": "0193a1b4-0000-7000-8000-0000000000cc",
    "person_id": "0193a1b4-0000-7000-8000-0000000000dd", "organisation_id": "0193a1b4-0000-7000-8000-000000000001",
    "status": "waitlisted", "waitlist_position": 3, "enrolled_at": null, "ended_at": null, "outcome_date": null,
    "attendance": {"present": 0, "absent": 0, "excused": 0, "rate": null}, "version": 1,
    "created_at": "2026-11-23T09:00:00Z", "updated_at": "2026-11-23T09:00:00Z"}))]
pub struct EnrolmentDto {
    pub id: Uuid,
    pub cohort_id: Uuid,
    pub person_id: Uuid,
    /// The person's organisation when they enrolled.
    pub organisation_id: Option<Uuid>,
    pub status: EnrolmentStatus,
    /// 1-based place in the queue, for waitlisted enrolments.
    pub waitlist_position: Option<i64>,
    pub enrolled_at: Option<DateTime<Utc>>,
    /// When it was withdrawn, completed, not completed or cancelled.
    pub ended_at: Option<DateTime<Utc>>,
    /// The date of the outcome, for completed and not completed enrolments.
    pub outcome_date: Option<NaiveDate>,
    pub attendance: AttendanceSummary,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<EnrolmentRecord> for EnrolmentDto {
    fn from(e: EnrolmentRecord) -> Self {
        Self {
            attendance: AttendanceSummary::of(&e),
            id: e.id,
            cohort_id: e.cohort_id,
            person_id: e.person_id,
            organisation_id: e.organisation_id,
            status: e.status,
            waitlist_position: e.waitlist_position,
            enrolled_at: e.enrolled_at.map(|t| t.and_utc()),
            ended_at: e.ended_at.map(|t| t.and_utc()),
            outcome_date: e.outcome_date,
            version: e.version,
            created_at: e.created_at.and_utc(),
            updated_at: e.updated_at.and_utc(),
        }
    }
}

/// One row of the HR pull: what an employer's system needs about one enrolment.
/// Withdrawals, cancellations and erasures are rows like any other (tombstones).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "person_id": "0193a1b4-0000-7000-8000-0000000000dd",
    "person_external_ref": "LTH-004211", "person_erased": false, "organisation_id": "0193a1b4-0000-7000-8000-000000000001",
    "programme_id": "0193a1b4-0000-7000-8000-0000000000aa", "programme_slug": "vital-signs",
    "programme_title": "VITAL Signs", "cohort_id": "0193a1b4-0000-7000-8000-0000000000cc", "cohort_label": "Leeds spring 2027",
    "cohort_start_date": "2027-03-01", "cohort_end_date": "2027-08-31", "status": "completed", "outcome_date": "2027-08-31",
    "enrolled_at": "2026-11-23T09:00:00Z", "ended_at": "2027-08-31T17:00:00Z", "attendance_rate": 0.9,
    "priorities": [3, 6], "updated_at": "2027-08-31T17:00:00Z"}))]
pub struct EnrolmentRow {
    pub id: Uuid,
    pub person_id: Uuid,
    /// The employer's staff number; null when the person has none or was erased.
    pub person_external_ref: Option<String>,
    /// True when the person's personal data has been erased.
    pub person_erased: bool,
    pub organisation_id: Option<Uuid>,
    pub programme_id: Uuid,
    pub programme_slug: String,
    pub programme_title: String,
    pub cohort_id: Uuid,
    pub cohort_label: String,
    pub cohort_start_date: NaiveDate,
    pub cohort_end_date: NaiveDate,
    pub status: EnrolmentStatus,
    pub outcome_date: Option<NaiveDate>,
    pub enrolled_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub attendance_rate: Option<f64>,
    /// Leeds priority codes of the cohort.
    pub priorities: Vec<u8>,
    pub updated_at: DateTime<Utc>,
}

impl From<EnrolmentView> for EnrolmentRow {
    fn from(v: EnrolmentView) -> Self {
        let e = v.enrolment;
        Self {
            attendance_rate: attendance_rate(e.present, e.absent),
            id: e.id,
            person_id: e.person_id,
            person_external_ref: v.person_external_ref,
            person_erased: v.person_erased,
            organisation_id: e.organisation_id,
            programme_id: v.programme_id,
            programme_slug: v.programme_slug,
            programme_title: v.programme_title,
            cohort_id: e.cohort_id,
            cohort_label: v.cohort_label,
            cohort_start_date: v.cohort_start_date,
            cohort_end_date: v.cohort_end_date,
            status: e.status,
            outcome_date: e.outcome_date,
            enrolled_at: e.enrolled_at.map(|t| t.and_utc()),
            ended_at: e.ended_at.map(|t| t.and_utc()),
            priorities: v.priorities.iter().map(|p| p.code()).collect(),
            updated_at: e.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"person_id": "0193a1b4-0000-7000-8000-0000000000dd"}))]
pub struct EnrolmentCreate {
    pub person_id: Uuid,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome_date": "2027-08-31"}))]
pub struct Outcome {
    /// Today when absent.
    #[schema(value_type = Option<crate::openapi::rules::Day>)]
    pub outcome_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enrolment_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "status": "present"}))]
pub struct AttendanceMark {
    pub enrolment_id: Uuid,
    pub status: AttendanceStatus,
}

/// A session's register: the whole of it, or the part the caller may see.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"records": [{"enrolment_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b", "status": "present"}]}))]
pub struct Register {
    pub records: Vec<AttendanceMark>,
}
