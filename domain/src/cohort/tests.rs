use super::*;

fn d(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn input() -> CohortInput {
    CohortInput {
        label: Some("Leeds spring 2027".into()),
        start_date: Some(d(2027, 3, 1)),
        end_date: Some(d(2027, 8, 31)),
        capacity: Some(20),
        waitlist_enabled: None,
        delivery_mode: Some("blended".into()),
        location: Some("St James's University Hospital".into()),
        joining_link: Some("https://teams.example/meet/abc".into()),
    }
}

#[test]
fn the_state_machine() {
    use CohortStatus::*;
    assert_eq!(Planned.transition(Open), Ok(Open));
    assert_eq!(Open.transition(Running), Ok(Running));
    assert_eq!(Running.transition(Completed), Ok(Completed));
    for s in [Planned, Open, Running] {
        assert_eq!(s.transition(Cancelled), Ok(Cancelled));
    }
    for (from, to) in [
        (Planned, Running),
        (Open, Completed),
        (Completed, Cancelled),
        (Cancelled, Open),
        (Running, Open),
        (Open, Open),
    ] {
        let err = from.transition(to).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("a {} cohort cannot become {}", from.value(), to.value())
        );
    }
}

#[test]
fn parses_with_defaults_and_rules() {
    let c = CohortSpec::parse(input()).unwrap();
    assert!(c.waitlist_enabled());
    assert_eq!(CohortSpec::parse(c.to_input()).unwrap(), c);
    let err = CohortSpec::parse(CohortInput {
        end_date: Some(d(2027, 2, 28)),
        capacity: Some(0),
        joining_link: Some("javascript:alert(1)".into()),
        ..input()
    })
    .unwrap_err();
    let fields: Vec<_> = err.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["end_date", "capacity", "joining_link"]);
    assert!(
        CohortSpec::parse(CohortInput {
            end_date: Some(d(2027, 3, 1)),
            ..input()
        })
        .is_ok(),
        "one-day cohort"
    );
}

#[test]
fn what_is_parsed_is_what_is_kept() {
    let c = CohortSpec::parse(CohortInput {
        waitlist_enabled: Some(false),
        ..input()
    })
    .unwrap();
    assert_eq!(c.label(), "Leeds spring 2027");
    assert_eq!(
        (c.start_date(), c.end_date()),
        (d(2027, 3, 1), d(2027, 8, 31))
    );
    assert_eq!(c.capacity(), 20);
    assert!(!c.waitlist_enabled());
    assert_eq!(c.delivery_mode(), DeliveryMode::Blended);
    assert_eq!(c.location(), Some("St James's University Hospital"));
    assert_eq!(c.joining_link(), Some("https://teams.example/meet/abc"));
    let bare = CohortSpec::parse(CohortInput {
        location: Some("   ".into()),
        joining_link: Some(" ".into()),
        ..input()
    })
    .unwrap();
    assert_eq!((bare.location(), bare.joining_link()), (None, None));
}

#[test]
fn the_end_may_be_the_start_but_not_before_it() {
    let on = |end| {
        CohortSpec::parse(CohortInput {
            end_date: Some(end),
            ..input()
        })
    };
    assert!(on(d(2027, 3, 1)).is_ok());
    assert!(on(d(2027, 3, 2)).is_ok());
    let err = on(d(2027, 2, 28)).unwrap_err();
    assert_eq!(err.errors()[0].field, "end_date");
}

#[test]
fn a_location_is_at_most_300_characters_and_fails_the_whole_cohort() {
    let with = |n: usize| {
        CohortSpec::parse(CohortInput {
            location: Some("x".repeat(n)),
            ..input()
        })
    };
    assert!(with(299).is_ok());
    assert!(with(300).is_ok());
    let err = with(301).unwrap_err();
    assert_eq!(err.errors()[0].field, "location");
}

#[test]
fn a_web_link_is_http_or_https_with_a_host_and_no_spaces() {
    for good in [
        "https://teams.example/meet/abc",
        "http://intranet.example",
        "https://h?x=1",
        "https://h.example/a[1]",
    ] {
        assert!(is_web_link(good), "{good}");
    }
    for bad in [
        "ftp://files.example",
        "https://",
        "https:///path",
        "http://?q",
        "https://a b.example",
        "https://host/\u{7}",
        "teams.example/meet",
        "javascript:alert(1)",
        "http://[x",
        "https://a]b.example/",
    ] {
        assert!(!is_web_link(bad), "{bad}");
    }
    let long = format!("https://h.example/{}", "a".repeat(1982));
    assert_eq!(long.chars().count(), 2000);
    assert!(is_web_link(&long));
    assert!(!is_web_link(&format!("{long}a")));
}

#[test]
fn capacity_cannot_drop_below_enrolled() {
    assert!(check_capacity(20, 20).is_ok());
    assert_eq!(
        check_capacity(19, 20),
        Err(CapacityBelowEnrolled {
            requested: 19,
            enrolled: 20
        })
    );
}

#[test]
fn learners_hear_of_new_dates_capacity_or_place_and_of_nothing_else() {
    let spec = |label: &str, capacity: i64, location: Option<&str>| {
        CohortSpec::parse(CohortInput {
            label: Some(label.into()),
            capacity: Some(capacity),
            location: location.map(str::to_owned),
            ..input()
        })
        .unwrap()
    };
    let before = spec("Spring", 20, Some("St James's"));
    assert!(!spec("Spring, renamed", 20, Some("St James's")).moves_for_learners(&before));
    assert!(spec("Spring", 25, Some("St James's")).moves_for_learners(&before));
    assert!(spec("Spring", 20, Some("Civic Hall")).moves_for_learners(&before));
    assert!(spec("Spring", 20, None).moves_for_learners(&before));
}
