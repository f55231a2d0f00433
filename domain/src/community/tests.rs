//! Tests of the `community` rules.

use chrono::NaiveDate;

use super::*;

fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

fn sessions(dates: &[(i32, u32, u32)]) -> Vec<Scheduled<usize>> {
    dates
        .iter()
        .enumerate()
        .map(|(id, (y, m, d))| Scheduled {
            id,
            starts_at: at(*y, *m, *d),
        })
        .collect()
}

#[test]
fn six_sessions_fit_in_a_year_and_the_seventh_is_refused_naming_the_six() {
    let six = sessions(&[
        (2027, 1, 10),
        (2027, 3, 10),
        (2027, 5, 10),
        (2027, 7, 10),
        (2027, 9, 10),
        (2027, 11, 10),
    ]);
    let c = Commitment::default();
    assert!(check_session(c, at(2027, 11, 10), 120, &six[..5]).is_ok());
    match check_session(c, at(2027, 12, 10), 120, &six) {
        Err(CommitmentBreach::WindowFull {
            max,
            window_start,
            sessions,
        }) => {
            assert_eq!(max, 6);
            assert_eq!(window_start, at(2027, 1, 10));
            assert_eq!(sessions, vec![0, 1, 2, 3, 4, 5]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_window_rolls_and_cancelled_sessions_free_a_slot() {
    let six = sessions(&[
        (2027, 1, 10),
        (2027, 3, 10),
        (2027, 5, 10),
        (2027, 7, 10),
        (2027, 9, 10),
        (2027, 11, 10),
    ]);
    let c = Commitment::default();
    // Twelve months after the first session, its slot is free again.
    assert!(check_session(c, at(2028, 1, 10), 120, &six).is_ok());
    assert!(check_session(c, at(2028, 1, 9), 120, &six).is_err());
    // Before the first one, a window ending before the sixth may still have room… but not here:
    // Dec 2026 → Dec 2027 would hold all six.
    assert!(check_session(c, at(2026, 12, 10), 120, &six).is_err());
    assert!(
        check_session(c, at(2026, 11, 9), 120, &six).is_ok(),
        "the window from it ends before the sixth"
    );
    // The caller leaves cancelled sessions out: one fewer, and there is room.
    assert!(check_session(c, at(2027, 12, 10), 120, &six[1..]).is_ok());
}

#[test]
fn a_session_longer_than_allowed_is_refused() {
    let c = Commitment::default();
    assert_eq!(
        check_session::<usize>(c, at(2027, 1, 1), 121, &[]),
        Err(CommitmentBreach::TooLong { max: 120 })
    );
    assert!(check_session::<usize>(c, at(2027, 1, 1), 120, &[]).is_ok());
    let custom = Commitment {
        max_sessions_per_year: 2,
        max_session_minutes: 90,
    };
    let two = sessions(&[(2027, 1, 1), (2027, 6, 1)]);
    assert!(check_session(custom, at(2027, 8, 1), 90, &two).is_err());
}

#[test]
fn tripartite_leadership() {
    assert_eq!(missing_leadership(&[]), LEADERSHIP.to_vec());
    assert_eq!(
        missing_leadership(&[
            MemberRole::IcsLead,
            MemberRole::Member,
            MemberRole::Facilitator
        ]),
        vec![MemberRole::CitizenRepresentative, MemberRole::SystemLeader]
    );
    assert!(
        missing_leadership(&[
            MemberRole::SystemLeader,
            MemberRole::CitizenRepresentative,
            MemberRole::IcsLead
        ])
        .is_empty()
    );
}

#[test]
fn communities_parse_with_the_prospectus_defaults() {
    let c = Community::parse(CommunityInput {
        name: Some("Culture Change Community of Practice".into()),
        purpose: Some("Growing effective workplace cultures.".into()),
        stem: Some("culture_change".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(c.slug().as_str(), "culture-change-community-of-practice");
    assert!(c.admits_members());
    let mut closed = c.to_input();
    closed.status = Some("closed".into());
    assert!(!Community::parse(closed).unwrap().admits_members());
    assert_eq!(
        Community::parse(c.to_input()).unwrap(),
        c,
        "to_input round-trips"
    );
    assert_eq!(
        (c.kind(), c.status(), c.join_policy()),
        (
            CommunityKind::VenusStem,
            CommunityStatus::Forming,
            JoinPolicy::Open
        )
    );
    assert_eq!(
        c.commitment(),
        Commitment {
            max_sessions_per_year: 6,
            max_session_minutes: 120
        }
    );
    let err = Community::parse(CommunityInput {
        name: Some("X".into()),
        kind: Some("venus_stem".into()),
        max_sessions_per_year: Some(0),
        max_session_minutes: Some(600),
        ..Default::default()
    })
    .unwrap_err();
    let fields: Vec<_> = err.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "name",
            "purpose",
            "stem",
            "max_sessions_per_year",
            "max_session_minutes"
        ]
    );
}

#[test]
fn a_window_ends_just_before_twelve_months_from_its_start() {
    // Five from 10 January 2027, and one exactly twelve months after the first: the window
    // from the first does not hold that one, so a sixth fits on 10 November.
    let scheduled = sessions(&[
        (2027, 1, 10),
        (2027, 3, 10),
        (2027, 5, 10),
        (2027, 7, 10),
        (2027, 9, 10),
        (2028, 1, 10),
    ]);
    assert!(check_session(Commitment::default(), at(2027, 11, 10), 120, &scheduled).is_ok());
}

fn valid() -> CommunityInput {
    CommunityInput {
        name: Some("  Facilitation Community of Practice ".into()),
        purpose: Some("  Skilled facilitation across Leeds. ".into()),
        stem: Some("facilitation".into()),
        ..Default::default()
    }
}

#[test]
fn a_community_keeps_what_it_was_given_trimmed() {
    let c = Community::parse(valid()).unwrap();
    assert_eq!(c.name(), "Facilitation Community of Practice");
    assert_eq!(c.purpose(), "Skilled facilitation across Leeds.");
    assert_eq!(c.stem(), Some(VenusStem::Facilitation));
}

#[test]
fn a_purpose_is_one_to_five_thousand_characters() {
    let with = |p: String| {
        Community::parse(CommunityInput {
            purpose: Some(p),
            ..valid()
        })
    };
    assert!(with("x".repeat(5_000)).is_ok());
    for bad in ["   ".to_owned(), "x".repeat(5_001)] {
        let err = with(bad).unwrap_err();
        assert_eq!(err.errors()[0].field, "purpose");
    }
}

#[test]
fn an_out_of_range_commitment_fails_an_otherwise_valid_community() {
    for (per_year, minutes, field) in [
        (Some(0), None, "max_sessions_per_year"),
        (None, Some(0), "max_session_minutes"),
    ] {
        let err = Community::parse(CommunityInput {
            max_sessions_per_year: per_year,
            max_session_minutes: minutes,
            ..valid()
        })
        .unwrap_err();
        assert_eq!(err.errors().len(), 1);
        assert_eq!(err.errors()[0].field, field);
    }
}

#[test]
fn a_community_keeps_its_own_commitment() {
    let c = Community::parse(CommunityInput {
        max_sessions_per_year: Some(4),
        max_session_minutes: Some(90),
        ..valid()
    })
    .unwrap();
    assert_eq!(
        c.commitment(),
        Commitment {
            max_sessions_per_year: 4,
            max_session_minutes: 90
        }
    );
}
