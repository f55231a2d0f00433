use chrono::NaiveDate;

use super::*;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn group_by_takes_one_or_two_distinct_dimensions() {
    assert_eq!(parse_group_by("programme"), Ok(vec![Dimension::Programme]));
    assert_eq!(
        parse_group_by("organisation_kind, quarter"),
        Ok(vec![Dimension::OrganisationKind, Dimension::Quarter])
    );
    assert!(parse_group_by("programme,programme").is_err());
    assert!(parse_group_by("programme,theme,level").is_err());
    let unknown = parse_group_by("staff").unwrap_err();
    assert!(unknown.contains("organisation_kind"), "{unknown}");
    assert!(Dimension::OrganisationKind.of_learners());
    assert!(!Dimension::Cohort.of_learners());
}

#[test]
fn quarters_are_named_by_year_and_number() {
    assert_eq!(quarter_of(day("2026-01-01")), "2026-Q1");
    assert_eq!(quarter_of(day("2026-06-30")), "2026-Q2");
    assert_eq!(quarter_of(day("2026-12-31")), "2026-Q4");
}

fn counts() -> Counts {
    Counts {
        learners: 12,
        enrolments: 20,
        waitlisted: 5,
        withdrawn: 3,
        completed: 8,
        not_completed: 0,
        seated: 12,
        present: 30,
        absent: 10,
        cohorts: 2,
        seats_offered: Some(24),
    }
}

#[test]
fn figures_and_their_rates() {
    let f = counts().figures(0);
    assert_eq!(f.learners, Some(12));
    assert_eq!(f.withdrawn, Some(3));
    assert_eq!(f.completion_rate, Some(1.0));
    assert_eq!(f.attendance_rate, Some(0.75));
    assert_eq!(f.seat_fill_rate, Some(0.5));
    assert!(f.suppressed.is_empty());
    let none = Counts::default().figures(5);
    assert_eq!((none.completion_rate, none.attendance_rate), (None, None));
    assert!(none.suppressed.is_empty(), "zero singles nobody out");
    assert_eq!(rate(1, 3), Some(0.3333));
}

#[test]
fn counts_below_the_threshold_and_rates_built_on_them_are_suppressed() {
    let f = counts().figures(5);
    // 3 withdrawn is suppressed; 5 waitlisted, at the threshold, is not.
    assert_eq!((f.withdrawn, f.waitlisted), (None, Some(5)));
    assert_eq!(f.suppressed, vec!["withdrawn"]);
    let mut c = counts();
    c.not_completed = 2;
    let f = c.figures(5);
    assert_eq!(f.not_completed, None);
    assert_eq!(f.completion_rate, None, "8 of 10 would tell the 2");
    assert_eq!(
        f.suppressed,
        vec!["withdrawn", "not_completed", "completion_rate"]
    );
    let mut c = counts();
    c.learners = 4;
    c.seated = 4;
    let f = c.figures(5);
    assert_eq!(
        (f.learners, f.attendance_rate, f.seat_fill_rate),
        (None, None, None)
    );
    assert_eq!(
        f.suppressed,
        vec!["learners", "withdrawn", "attendance_rate", "seat_fill_rate"]
    );
    assert_eq!(f.cohorts_run, 2, "cohorts are not people");
    assert_eq!(f.seats_offered, Some(24));
}

#[test]
fn vocabulary_dimensions_have_labels() {
    assert_eq!(
        label_of(Dimension::Priority, "3"),
        crate::Priority::ALL[2].title()
    );
    assert_eq!(
        label_of(Dimension::OrganisationKind, "nhs_trust"),
        "NHS trust"
    );
    assert_eq!(label_of(Dimension::Month, "2026-11"), "2026-11");
}

#[test]
fn attendance_of_a_few_withdrawn_people_is_withheld_though_nobody_is_seated() {
    let c = Counts {
        enrolments: 2,
        withdrawn: 2,
        present: 3,
        absent: 1,
        ..Counts::default()
    };
    let f = c.figures(5);
    assert_eq!(f.learners, Some(0));
    assert_eq!(f.attendance_rate, None);
    assert_eq!(
        f.suppressed,
        vec!["enrolments", "withdrawn", "attendance_rate"]
    );
    assert_eq!(c.figures(0).attendance_rate, Some(0.75));
}

#[test]
fn attendance_is_withheld_by_the_people_marked_not_the_marks() {
    // One person at six sessions: six marks, but one person.
    let one = AttendanceCounts {
        members: 8,
        present: 6,
        absent: 0,
        present_people: 1,
        absent_people: 0,
        minutes_given: 720,
    };
    let mut s = Suppressor::new(5);
    let f = one.figures(&mut s);
    assert_eq!(f.members, Some(8));
    assert_eq!(
        (f.attendance_rate, f.commitment_hours, f.hours_per_member),
        (None, None, None)
    );
    assert_eq!(
        s.withheld,
        vec!["attendance_rate", "commitment_hours", "hours_per_member"]
    );
    let many = AttendanceCounts {
        present_people: 5,
        ..one
    };
    let f = many.figures(&mut Suppressor::new(5));
    assert_eq!(
        (f.attendance_rate, f.commitment_hours, f.hours_per_member),
        (Some(1.0), Some(12.0), Some(1.5))
    );
}
