//! Demo data for trying the API: the Leeds partners the One Workforce report names, some
//! of their staff, and cohorts with enrolments. Only on request (`api seed --demo`); a
//! normal start never adds it. Running it twice adds nothing the second time.

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::{
    CohortInput, CohortSpec, CohortStatus, Organisation, OrganisationInput, Person, PersonInput,
};

use crate::access::audit::AuditEntry;
use crate::access::organisations;
use crate::catalogue::programmes::{self, ProgrammeKey};
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::learning::cohorts::{self, CohortWrite};
use crate::learning::{enrolments, people};
use crate::schema::organisations as org_t;
use crate::visibility::Visibility;

/// The partners of the Leeds One Workforce Strategic Board (name, kind, ODS code).
pub const PARTNERS: [(&str, &str, Option<&str>); 8] = [
    (
        "Leeds Teaching Hospitals NHS Trust",
        "nhs_trust",
        Some("RR8"),
    ),
    (
        "Leeds and York Partnership NHS Foundation Trust",
        "nhs_trust",
        Some("RGD"),
    ),
    (
        "Leeds Community Healthcare NHS Trust",
        "nhs_trust",
        Some("RY6"),
    ),
    ("Leeds City Council", "local_authority", None),
    (
        "NHS West Yorkshire Integrated Care Board",
        "integrated_care_board",
        Some("QWO"),
    ),
    ("Forum Central", "third_sector", None),
    ("Leeds GP Confederation", "primary_care", None),
    ("Leeds Beckett University", "education", None),
];

const GIVEN: [&str; 10] = [
    "Aisha", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Grace", "Hamza", "Isla", "Jack",
];
const FAMILY: [&str; 5] = ["Khan", "Smith", "Okafor", "Patel", "Walker"];
const ROLES: [&str; 5] = [
    "Staff nurse",
    "Ward manager",
    "Occupational therapist",
    "Social worker",
    "Healthcare assistant",
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub organisations: usize,
    pub people: usize,
    pub cohorts: usize,
    pub enrolments: usize,
}

fn invalid(e: domain::ValidationErrors) -> StoreError {
    StoreError::Corrupt(format!("demo data: {e}"))
}

fn date(y: i32, m: u32, d: u32) -> StoreResult<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| StoreError::Corrupt("demo date".into()))
}

pub fn seed(conn: &mut DbConnection) -> StoreResult<DemoReport> {
    let mut report = DemoReport::default();
    let audit = AuditEntry::by(None, None, "demo-seed");
    let already: i64 = org_t::table
        .filter(org_t::name.eq(PARTNERS[0].0))
        .count()
        .get_result(conn)?;
    if already > 0 {
        return Ok(report);
    }
    let mut staff = Vec::new();
    for (i, (name, kind, ods)) in PARTNERS.iter().enumerate() {
        let org = Organisation::parse(OrganisationInput {
            name: Some((*name).into()),
            kind: Some((*kind).into()),
            ods_code: ods.map(str::to_owned),
            status: None,
        })
        .map_err(invalid)?;
        let record = organisations::create(conn, &org, &audit)?;
        report.organisations += 1;
        for n in 0..6 {
            let (given, family) = (
                GIVEN[(i + n) % GIVEN.len()],
                FAMILY[(i * 3 + n) % FAMILY.len()],
            );
            let person = Person::parse(PersonInput {
                given_name: Some(given.into()),
                family_name: Some(family.into()),
                email: Some(format!(
                    "{}.{}.{i}{n}@demo.wtxa.example",
                    given.to_lowercase(),
                    family.to_lowercase()
                )),
                has_organisation: true,
                job_role: Some(ROLES[n % ROLES.len()].into()),
                external_ref: Some(format!("{}-{:05}", ods.unwrap_or("ORG"), 100 + n)),
                expert_by_experience: false,
            })
            .map_err(invalid)?;
            staff.push(people::create(conn, Some(record.id), &person, &audit)?);
            report.people += 1;
        }
    }
    let citizen = Person::parse(PersonInput {
        given_name: Some("Sam".into()),
        family_name: Some("Rivers".into()),
        email: Some("sam.rivers@demo.wtxa.example".into()),
        has_organisation: false,
        job_role: None,
        external_ref: None,
        expert_by_experience: true,
    })
    .map_err(invalid)?;
    staff.push(people::create(conn, None, &citizen, &audit)?);
    report.people += 1;

    let cohorts_to_make = [
        (
            "vital-signs",
            "Leeds spring 2027",
            date(2027, 3, 1)?,
            date(2027, 6, 30)?,
            12,
            CohortStatus::Open,
        ),
        (
            "champions4change",
            "Leeds 2027",
            date(2027, 1, 15)?,
            date(2027, 12, 15)?,
            20,
            CohortStatus::Running,
        ),
        (
            "evaluating-is-everything",
            "Autumn 2027",
            date(2027, 9, 6)?,
            date(2027, 11, 29)?,
            15,
            CohortStatus::Planned,
        ),
    ];
    for (slug, label, start, end, capacity, status) in cohorts_to_make {
        let programme = programmes::get(conn, &ProgrammeKey::Slug(slug.into()))?;
        let spec = CohortSpec::parse(CohortInput {
            label: Some(label.into()),
            start_date: Some(start),
            end_date: Some(end),
            capacity: Some(capacity),
            waitlist_enabled: Some(true),
            delivery_mode: Some("blended".into()),
            location: Some("Leeds Health and Care Academy".into()),
            joining_link: None,
        })
        .map_err(invalid)?;
        let w = CohortWrite {
            spec: &spec,
            commissioning_organisation_id: None,
            priorities: programme.programme.priorities(),
        };
        let cohort = cohorts::create(conn, programme.id, &w, &audit)?;
        report.cohorts += 1;
        if status != CohortStatus::Planned {
            cohorts::transition(conn, cohort.id, CohortStatus::Open, &audit)?;
            for p in staff
                .iter()
                .step_by(3)
                .take(usize::try_from(capacity).unwrap_or(0) + 2)
            {
                enrolments::enrol(conn, cohort.id, p.id, Visibility::All, &audit)?;
                report.enrolments += 1;
            }
            if status == CohortStatus::Running {
                cohorts::transition(conn, cohort.id, CohortStatus::Running, &audit)?;
            }
        }
    }
    Ok(report)
}
