use std::net::IpAddr;

use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn the_schedule_is_the_specifications_example_with_bounded_jitter() {
    let failed = Response::Status {
        code: 500,
        retry_after: None,
    };
    for (made, &delay) in RETRY_SCHEDULE_SECONDS.iter().enumerate().skip(1) {
        let made = made as u32;
        assert_eq!(
            after_attempt(made, failed, 0.0),
            Next::RetryIn(delay as f64)
        );
        match after_attempt(made, failed, 0.999) {
            Next::RetryIn(s) => {
                assert!(
                    s >= delay as f64 && s <= delay as f64 * (1.0 + JITTER),
                    "{s}"
                )
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(after_attempt(10, failed, 0.5), Next::GiveUp);
    assert_eq!(
        after_attempt(1, Response::NoAnswer, 0.0),
        Next::RetryIn(5.0)
    );
    assert_eq!(RETRY_SCHEDULE_SECONDS[0], 0);
    assert_eq!(RETRY_SCHEDULE_SECONDS.iter().sum::<i64>(), 272_105);
}

#[test]
fn success_gone_and_retry_after() {
    for code in [200, 201, 204, 299] {
        assert_eq!(
            after_attempt(
                3,
                Response::Status {
                    code,
                    retry_after: None
                },
                0.0
            ),
            Next::Delivered
        );
    }
    assert_eq!(
        after_attempt(
            1,
            Response::Status {
                code: 410,
                retry_after: None
            },
            0.0
        ),
        Next::Gone
    );
    for code in [300, 301, 400, 404, 500] {
        assert_eq!(
            after_attempt(
                1,
                Response::Status {
                    code,
                    retry_after: Some(600)
                },
                0.0
            ),
            Next::RetryIn(5.0),
            "Retry-After counts on 429 and 503 only ({code})"
        );
    }
    for code in [429, 503] {
        let r = |s| Response::Status {
            code,
            retry_after: Some(s),
        };
        assert_eq!(after_attempt(1, r(600), 0.0), Next::RetryIn(600.0));
        assert_eq!(
            after_attempt(2, r(60), 0.0),
            Next::RetryIn(300.0),
            "never sooner than the schedule"
        );
        assert_eq!(
            after_attempt(1, r(10_000_000), 0.0),
            Next::RetryIn(86_400.0)
        );
        assert_eq!(after_attempt(10, r(1), 0.0), Next::GiveUp);
    }
}

#[test]
fn addresses_that_are_refused() {
    for a in [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "100.64.0.1",
        "255.255.255.255",
        "224.0.0.1",
        "192.0.2.1",
        "198.18.0.1",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2001:db8::1",
        "64:ff9b::a00:1",
        "ff02::1",
        "192.0.0.8",
        "::127.0.0.1",
        "::a00:1",
        "2002:a00:1::1",
        "2002:808:808::1",
        "fec0::1",
    ] {
        assert!(forbidden_address(ip(a)), "{a}");
    }
    for a in [
        "8.8.8.8",
        "1.1.1.1",
        "100.128.0.1",
        "172.32.0.1",
        "2606:4700::1111",
        "::ffff:8.8.8.8",
        "192.0.1.1",
        "2003::1",
    ] {
        assert!(!forbidden_address(ip(a)), "{a}");
    }
    assert!(refused(ip("10.0.0.1"), UrlPolicy::PublicHttpsOnly));
    assert!(!refused(ip("10.0.0.1"), UrlPolicy::AllowInsecure));
}

#[test]
fn urls_by_policy() {
    let strict = UrlPolicy::PublicHttpsOnly;
    let loose = UrlPolicy::AllowInsecure;
    assert!(EndpointUrl::parse("https://hr.example.org/hooks", strict).is_ok());
    // Only a name is resolved; an address literal (IPv6 in brackets too) is checked as is.
    let host = |u: &str| EndpointUrl::parse(u, strict).map(|u| u.host());
    assert_eq!(
        host("https://hr.example.org/x"),
        Ok(Some("hr.example.org".into()))
    );
    assert_eq!(host("https://[2606:4700::1111]/x"), Ok(None));
    assert_eq!(host("https://8.8.8.8/x"), Ok(None));
    for bad in [
        "http://hr.example.org/hooks",
        "ftp://hr.example.org",
        "https://127.0.0.1/x",
        "https://[::1]/x",
        "https://[::ffff:10.0.0.1]/x",
        "https://[2002:a00:1::1]/x",
        "https://localhost/x",
        "https://api.localhost/x",
        "https://intranet/x",
        "https://169.254.169.254/latest",
        "https://user:pw@hr.example.org/",
        "https://hr.example.org/#a",
        "hooks",
        "",
    ] {
        assert!(EndpointUrl::parse(bad, strict).is_err(), "{bad}");
    }
    let long = format!(
        "https://hr.example.org/{}",
        "a".repeat(address::MAX_URL_LENGTH)
    );
    assert!(
        EndpointUrl::parse(&long, strict)
            .unwrap_err()
            .contains("at most")
    );
    assert!(EndpointUrl::parse("http://127.0.0.1:8080/x", loose).is_ok());
    assert!(EndpointUrl::parse("ftp://127.0.0.1/x", loose).is_err());
    assert!(EndpointUrl::parse("http://u:p@127.0.0.1/x", loose).is_err());
    assert_eq!(
        EndpointUrl::parse("https://HR.example.org/a", strict)
            .unwrap()
            .host()
            .as_deref(),
        Some("hr.example.org")
    );
}

#[test]
fn event_types_are_checked_deduplicated_and_ordered() {
    let mut e = ValidationErrors::new();
    let raw = ["cohort.opened", "enrolment.created", "cohort.opened"].map(String::from);
    let types = parse_event_types(&raw, &mut e);
    assert!(e.is_empty());
    assert_eq!(
        types,
        vec![EventType::EnrolmentCreated, EventType::CohortOpened]
    );
    let raw = ["webhook.ping", "enrolment.deleted"].map(String::from);
    parse_event_types(&raw, &mut e);
    let fields: Vec<_> = e.errors().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["event_types[0]", "event_types[1]"]);
    assert_eq!(
        EventType::subscribable().count(),
        EventType::all().len() - 1
    );
    assert!(EventType::subscribable().all(|t| t != EventType::WebhookPing));
}

fn input(url: &str) -> EndpointInput {
    EndpointInput {
        url: Some(url.into()),
        ..EndpointInput::default()
    }
}

#[test]
fn an_endpoint_is_active_by_default_and_disabled_only_by_the_academy() {
    let spec = EndpointSpec::parse(
        input("https://hr.example.org/h"),
        UrlPolicy::PublicHttpsOnly,
        None,
    )
    .unwrap();
    assert_eq!(spec.status, EndpointStatus::Active);
    assert!(spec.wants(EventType::PersonErased));
    assert_eq!(
        EndpointSpec::parse(spec.to_input(), UrlPolicy::PublicHttpsOnly, None).unwrap(),
        spec
    );

    let disabled = EndpointInput {
        status: Some("disabled".into()),
        ..input("https://hr.example.org/h")
    };
    let err = EndpointSpec::parse(
        disabled.clone(),
        UrlPolicy::PublicHttpsOnly,
        Some(EndpointStatus::Active),
    )
    .unwrap_err();
    assert_eq!(err.errors()[0].field, "status");
    let kept = EndpointSpec::parse(
        disabled,
        UrlPolicy::PublicHttpsOnly,
        Some(EndpointStatus::Disabled),
    )
    .unwrap();
    assert_eq!(kept.status, EndpointStatus::Disabled);
    let unchanged = EndpointSpec::parse(
        input("https://hr.example.org/h"),
        UrlPolicy::PublicHttpsOnly,
        Some(EndpointStatus::Paused),
    )
    .unwrap();
    assert_eq!(unchanged.status, EndpointStatus::Paused);
}

#[test]
fn every_problem_of_an_endpoint_is_named() {
    let bad = EndpointInput {
        url: None,
        event_types: Some(vec!["nope".into()]),
        description: Some("x".repeat(endpoint::MAX_DESCRIPTION + 1)),
        status: Some("sleeping".into()),
    };
    let err = EndpointSpec::parse(bad, UrlPolicy::PublicHttpsOnly, None).unwrap_err();
    let fields: Vec<_> = err.errors().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["url", "event_types[0]", "description", "status"]);
    let wants = EndpointSpec::parse(
        EndpointInput {
            event_types: Some(vec!["cohort.opened".into()]),
            description: Some("  ".into()),
            ..input("https://a.example/h")
        },
        UrlPolicy::PublicHttpsOnly,
        None,
    )
    .unwrap();
    assert!(wants.wants(EventType::CohortOpened) && !wants.wants(EventType::CohortStarted));
    assert_eq!(wants.description, None);
    let ctl = EndpointInput {
        description: Some("a\u{7}b".into()),
        ..input("https://a.example/h")
    };
    assert_eq!(
        EndpointSpec::parse(ctl, UrlPolicy::PublicHttpsOnly, None)
            .unwrap_err()
            .errors()[0]
            .field,
        "description"
    );
}

#[test]
fn who_hears_what() {
    let (a, b) = (1, 2);
    assert!(Audience::Public.includes(Some(&a)));
    assert!(Audience::<i32>::Public.includes(None));
    assert!(Audience::Organisation(a).includes(Some(&a)));
    assert!(
        !Audience::Organisation(b).includes(Some(&a)),
        "B's event never reaches A"
    );
    assert!(
        Audience::Organisation(b).includes(None),
        "the academy hears everything"
    );
    assert!(!Audience::<i32>::Academy.includes(Some(&a)));
    assert!(Audience::<i32>::Academy.includes(None));
}

#[test]
fn retry_after_is_seconds_or_an_http_date() {
    use std::time::{Duration, UNIX_EPOCH};
    // Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example date.
    let now = UNIX_EPOCH + Duration::from_secs(784_111_777);
    assert_eq!(retry_after_seconds(" 120 ", now), Some(120));
    assert_eq!(retry_after_seconds("-5", now), Some(0));
    assert_eq!(
        retry_after_seconds("Sun, 06 Nov 1994 08:51:37 GMT", now),
        Some(120)
    );
    // The obsolete RFC 850 and asctime forms, which recipients must still accept.
    assert_eq!(
        retry_after_seconds("Sunday, 06-Nov-94 08:50:37 GMT", now),
        Some(60)
    );
    assert_eq!(
        retry_after_seconds("Sun Nov  6 08:49:47 1994", now),
        Some(10)
    );
    assert_eq!(
        retry_after_seconds("Sun, 06 Nov 1994 08:00:00 GMT", now),
        Some(0)
    );
    assert_eq!(retry_after_seconds("soon", now), None);
}
