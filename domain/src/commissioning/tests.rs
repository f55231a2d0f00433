use super::*;
use CohortStatus::{Completed, Running};
use RequestStatus::*;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn the_academy_reviews_then_decides_and_a_decision_is_final() {
    let a = Actor::Academy;
    assert_eq!(Submitted.transition(InReview, a, &[]), Ok(InReview));
    assert_eq!(InReview.transition(Agreed, a, &[]), Ok(Agreed));
    assert_eq!(InReview.transition(Declined, a, &[]), Ok(Declined));
    for (from, to) in [
        (Submitted, Agreed),
        (Submitted, Declined),
        (Agreed, Declined),
        (Declined, InReview),
        (Delivered, InReview),
    ] {
        assert_eq!(
            from.transition(to, a, &[]),
            Err(TransitionRefused::NotFrom {
                from: from.value(),
                to: to.value()
            }),
            "{from:?} → {to:?}"
        );
    }
    let refused = Submitted
        .transition(Agreed, a, &[])
        .unwrap_err()
        .to_string();
    assert_eq!(refused, "a submitted request cannot become agreed");
}

#[test]
fn the_partner_withdraws_before_a_decision_and_only_the_partner_does() {
    let p = Actor::Partner;
    assert_eq!(Submitted.transition(Withdrawn, p, &[]), Ok(Withdrawn));
    assert_eq!(InReview.transition(Withdrawn, p, &[]), Ok(Withdrawn));
    for from in [Agreed, Declined, Withdrawn, Delivered] {
        assert!(
            matches!(
                from.transition(Withdrawn, p, &[]),
                Err(TransitionRefused::NotFrom { .. })
            ),
            "{from:?}"
        );
    }
    assert_eq!(
        Submitted.transition(Withdrawn, Actor::Academy, &[]),
        Ok(Withdrawn),
        "the academy may withdraw a request on its organisation's behalf"
    );
    for to in [InReview, Agreed, Declined, Delivered] {
        assert_eq!(
            InReview.transition(to, p, &[]),
            Err(TransitionRefused::AcademyOnly(to.value()))
        );
    }
}

#[test]
fn an_agreed_request_is_delivered_once_every_linked_cohort_has_completed() {
    let a = Actor::Academy;
    assert_eq!(
        Agreed.transition(Delivered, a, &[]),
        Err(TransitionRefused::NotDelivered)
    );
    assert_eq!(
        Agreed.transition(Delivered, a, &[Completed, Running]),
        Err(TransitionRefused::NotDelivered)
    );
    assert_eq!(
        Agreed.transition(Delivered, a, &[Completed, Completed]),
        Ok(Delivered)
    );
    assert_eq!(
        InReview.transition(Delivered, a, &[Completed]),
        Err(TransitionRefused::NotFrom {
            from: "in_review",
            to: "delivered"
        })
    );
    assert!(
        all_delivered(&[Completed])
            && !all_delivered(&[])
            && !all_delivered(&[CohortStatus::Cancelled])
            && all_delivered(&[Completed, CohortStatus::Cancelled])
            && !all_delivered(&[Completed, CohortStatus::Running])
    );
}

#[test]
fn a_decision_carries_a_reason() {
    assert!(Agreed.needs_reason() && Declined.needs_reason() && !InReview.needs_reason());
    let e = reason(Declined, None).unwrap_err();
    assert_eq!(e.errors()[0].field, "reason");
    assert_eq!(
        reason(Agreed, Some("  Fits priority 3  ".into())),
        Ok(Some("Fits priority 3".into()))
    );
    assert_eq!(reason(InReview, None), Ok(None));
    assert!(reason(Agreed, Some("x".into())).is_err(), "too short");
}

fn brief() -> BriefInput {
    BriefInput {
        title: Some("Compassionate leadership for care homes".into()),
        needs: Some("Managers of small homes want a short, practical course.".into()),
        expected_learners: Some(40),
        staff_groups: vec![
            "Registered managers".into(),
            "Registered managers".into(),
            "Senior carers".into(),
        ],
        window_from: Some(day("2027-04-01")),
        window_to: Some(day("2027-09-30")),
        ..BriefInput::default()
    }
}

#[test]
fn a_brief_asks_for_a_programme_or_brings_its_own_title_and_needs() {
    let b = Brief::parse(brief()).unwrap();
    assert!(matches!(&b.ask, Ask::CoCreation { title, .. } if title.starts_with("Compassionate")));
    assert_eq!(
        b.staff_groups,
        vec!["Registered managers", "Senior carers"],
        "repeats dropped"
    );
    assert_eq!(
        b.window,
        Some(Window {
            from: day("2027-04-01"),
            to: day("2027-09-30")
        })
    );
    let p = Brief::parse(BriefInput {
        programme: Some(" vital-signs ".into()),
        ..BriefInput::default()
    })
    .unwrap();
    assert_eq!(p.ask, Ask::Programme("vital-signs".into()));
    let both = Brief::parse(BriefInput {
        programme: Some("vital-signs".into()),
        ..brief()
    })
    .unwrap_err();
    assert_eq!(both.errors()[0].field, "programme");
    let neither = Brief::parse(BriefInput::default()).unwrap_err();
    let fields: Vec<&str> = neither.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["title", "needs"]);
}

#[test]
fn a_brief_names_each_field_that_breaks_a_rule() {
    let bad = BriefInput {
        expected_learners: Some(0),
        staff_groups: vec!["x".into()],
        window_from: Some(day("2027-10-01")),
        workplace_context: Some("   ".into()),
        ..brief()
    };
    let e = Brief::parse(bad).unwrap_err();
    let fields: Vec<&str> = e.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "expected_learners",
            "staff_groups[0]",
            "window_from",
            "workplace_context"
        ]
    );
    let only_to = Brief::parse(BriefInput {
        window_from: None,
        ..brief()
    })
    .unwrap_err();
    assert_eq!(only_to.errors()[0].field, "window_from");
    // The window becomes a cohort's dates, so it keeps to their years.
    let far = Brief::parse(BriefInput {
        window_to: Some(day("2300-01-01")),
        ..brief()
    })
    .unwrap_err();
    assert_eq!(far.errors().len(), 1);
    assert_eq!(far.errors()[0].field, "window_to");
    let many = BriefInput {
        staff_groups: vec!["Nurses".into(); MAX_STAFF_GROUPS + 1],
        ..brief()
    };
    assert_eq!(
        Brief::parse(many).unwrap_err().errors()[0].field,
        "staff_groups"
    );
}

#[test]
fn a_message_is_bounded_text_whose_links_are_web_links() {
    assert_eq!(
        message(Some(
            " See https://example.org/plan and http://x.test ".into()
        )),
        Ok("See https://example.org/plan and http://x.test".into())
    );
    for bad in [
        "click javascript:alert(1)",
        "(data:text/html;base64,AAAA)",
        "see ftp://files.example.org",
        "file:///etc/passwd",
        "the [plan](javascript:alert(1))",
        "<a href=\"javascript:x\">plan</a>",
        "<a href='JavaScript:x'>plan</a>",
        "see x-custom://thing",
    ] {
        let e = message(Some(bad.into())).unwrap_err();
        assert!(
            e.errors()[0].message.contains("http or https"),
            "{bad}: {e}"
        );
    }
    let e = message(Some("the [plan](javascript:alert(1)) now".into())).unwrap_err();
    assert!(
        e.errors()[0].message.contains("'javascript:alert(1))'"),
        "names the link: {e}"
    );
    for fine in [
        "Data: the figures are attached to the minutes",
        "Our metadata:schema is fine, and the [plan](https://example.org/plan) too",
        "<a href=\"https://example.org\">plan</a>",
    ] {
        assert!(message(Some(fine.into())).is_ok(), "{fine}");
    }
    assert!(message(None).is_err());
    assert!(message(Some("x".repeat(4001))).is_err());
    assert!(message(Some("Ratio 3:1 is fine, and so is 10:30.".into())).is_ok());
}

#[test]
fn a_learning_need_has_a_year_a_staff_group_and_a_headcount() {
    let ok = Need::parse(NeedInput {
        year: Some(2027),
        priority: Some("learning-together".into()),
        system_level: Some("micro".into()),
        staff_group: Some(" Healthcare assistants ".into()),
        headcount: Some(120),
        notes: None,
    })
    .unwrap();
    assert_eq!(
        (ok.year, ok.staff_group.as_str(), ok.headcount),
        (2027, "Healthcare assistants", 120)
    );
    assert_eq!(
        (ok.priority, ok.system_level),
        (crate::Priority::LearningTogether, crate::SystemLevel::Micro)
    );
    let e = Need::parse(NeedInput::default()).unwrap_err();
    let fields: Vec<&str> = e.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "year",
            "priority",
            "system_level",
            "staff_group",
            "headcount"
        ]
    );
    let e = Need::parse(NeedInput {
        year: Some(1999),
        priority: Some("8".into()),
        system_level: Some("mega".into()),
        staff_group: Some("Nurses".into()),
        headcount: Some(0),
        notes: Some(" ".into()),
    })
    .unwrap_err();
    let fields: Vec<&str> = e.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec!["year", "priority", "system_level", "headcount", "notes"]
    );
}

#[test]
fn cohorts_run_for_an_agreed_request_only_and_delivery_keeps_the_agreements_reason() {
    use RequestStatus::*;
    assert_eq!(Agreed.runs_cohorts(), Ok(()));
    for s in [Submitted, InReview, Declined, Withdrawn, Delivered] {
        let e = s.runs_cohorts().unwrap_err();
        assert!(e.to_string().contains(s.value()), "{e}");
    }
    assert_eq!(Withdrawn.reason_kept(None, Some("Looking")), None);
    assert_eq!(
        Declined.reason_kept(Some("No"), Some("Looking")),
        Some("No")
    );
    assert_eq!(Delivered.reason_kept(None, Some("Yes")), Some("Yes"));
}

#[test]
fn the_gap_is_the_headcount_beyond_the_seats() {
    assert_eq!(super::gap(47, 15), 32);
    assert_eq!(super::gap(3, 8), 0);
}
