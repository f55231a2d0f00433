//! Tests of the `programme` rules.

use super::*;

fn valid() -> ProgrammeInput {
    ProgrammeInput {
        slug: None,
        title: Some("VITAL Signs: Developing teams".into()),
        theme: Some("facilitation".into()),
        level: Some("micro".into()),
        what: Some("A co-designed programme.".into()),
        how: Some("Face to face and remote.".into()),
        who: None,
        when: None,
        duration: None,
        delivery_mode: Some("blended".into()),
        availability: Some("commissioned".into()),
        partners: vec!["Foundation of Nursing Studies".into()],
        stems: vec!["facilitation".into(), "culture_change".into()],
        priorities: vec!["6".into(), "working-across-organisations".into()],
        status: Some("published".into()),
    }
}

fn fields(err: &ValidationErrors) -> Vec<&str> {
    err.errors().iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn parses_a_valid_programme_and_derives_the_slug() {
    let p = Programme::parse(valid()).unwrap();
    assert_eq!(p.slug().as_str(), "vital-signs-developing-teams");
    assert_eq!(p.theme(), Theme::Facilitation);
    assert_eq!(
        p.priorities().iter().map(|p| p.code()).collect::<Vec<_>>(),
        vec![3, 6]
    );
    assert_eq!(p.status(), ProgrammeStatus::Published);
}

#[test]
fn to_input_round_trips() {
    let p = Programme::parse(ProgrammeInput {
        duration: Some(DurationInput {
            min: Some(6),
            max: Some(12),
            unit: Some("months".into()),
            cadence: Some("1 day a month".into()),
        }),
        ..valid()
    })
    .unwrap();
    assert_eq!(Programme::parse(p.to_input()).unwrap(), p);
}

#[test]
fn status_defaults_to_draft() {
    let p = Programme::parse(ProgrammeInput {
        status: None,
        ..valid()
    })
    .unwrap();
    assert_eq!(p.status(), ProgrammeStatus::Draft);
}

#[test]
fn reports_every_problem_at_once() {
    let err = Programme::parse(ProgrammeInput {
        title: Some("  ".into()),
        theme: Some("science".into()),
        level: None,
        what: Some("x".repeat(TEXT_MAX_CHARS + 1)),
        stems: vec![],
        priorities: vec!["0".into(), "3".into(), "3".into()],
        partners: vec!["A".into()],
        duration: Some(DurationInput {
            min: Some(3),
            max: Some(1),
            unit: Some("days".into()),
            cadence: None,
        }),
        ..valid()
    })
    .unwrap_err();
    assert_eq!(
        fields(&err),
        vec![
            "title",
            "theme",
            "level",
            "what",
            "duration.max",
            "delivery_partners[0]",
            "stems",
            "priorities[0]"
        ]
    );
    assert!(
        err.errors()[1]
            .message
            .contains("leadership, facilitation, best_practice")
    );
}

#[test]
fn rejects_bad_slugs() {
    for bad in [
        "ab",
        "Vital",
        "vital--signs",
        "-vital",
        "vital_signs",
        "0190a4b2-7c1e-7a00-8000-000000000000",
    ] {
        let err = Programme::parse(ProgrammeInput {
            slug: Some(bad.into()),
            ..valid()
        })
        .unwrap_err();
        assert_eq!(fields(&err), vec!["slug"], "{bad}");
    }
    assert!(Slug::parse("champions4change").is_ok());
}

#[test]
fn rejects_duplicates_and_unknown_stems() {
    let err = Programme::parse(ProgrammeInput {
        stems: vec!["leadership".into(), "leadership".into(), "music".into()],
        partners: vec!["IPDC".into(), "ipdc".into()],
        ..valid()
    })
    .unwrap_err();
    assert_eq!(
        fields(&err),
        vec!["delivery_partners[1]", "stems[1]", "stems[2]"]
    );
}

#[test]
fn a_priority_named_twice_is_served_once() {
    let p = Programme::parse(ProgrammeInput {
        priorities: vec!["6".into(), "learning-together".into(), "3".into()],
        ..valid()
    })
    .unwrap();
    let codes: Vec<u8> = p.priorities().iter().map(|p| p.code()).collect();
    assert_eq!(codes, vec![3, 6]);
}

#[test]
fn lengths_count_what_was_sent_and_minimums_what_is_left_once_trimmed() {
    let long = format!(" {} ", "t".repeat(*TITLE_CHARS.end() - 1));
    assert_eq!(long.chars().count(), *TITLE_CHARS.end() + 1);
    let err = Programme::parse(ProgrammeInput {
        title: Some(long),
        ..valid()
    })
    .unwrap_err();
    assert_eq!(fields(&err), vec!["title"]);
    let err = Programme::parse(ProgrammeInput {
        title: Some("  ab  ".into()),
        ..valid()
    })
    .unwrap_err();
    assert_eq!(fields(&err), vec!["title"]);
    let p = Programme::parse(ProgrammeInput {
        title: Some(" abc ".into()),
        ..valid()
    })
    .unwrap();
    assert_eq!(p.title(), "abc");
}

#[test]
fn trims_text_and_drops_nothing_silently() {
    let p = Programme::parse(ProgrammeInput {
        who: Some("  Teams  ".into()),
        ..valid()
    })
    .unwrap();
    assert_eq!(p.who(), Some("Teams"));
    let err = Programme::parse(ProgrammeInput {
        how: Some(" ".into()),
        ..valid()
    })
    .unwrap_err();
    assert_eq!(fields(&err), vec!["how"]);
}

#[test]
fn search_text_is_lower_case_title_what_who() {
    let p = Programme::parse(ProgrammeInput {
        who: Some("Change Champions".into()),
        ..valid()
    })
    .unwrap();
    assert_eq!(
        p.search_text(),
        "vital signs: developing teams\na co-designed programme.\nchange champions"
    );
    assert_eq!(p.title_key(), "vital signs: developing teams");
}

#[test]
fn a_programme_keeps_every_field_it_was_given() {
    let p = Programme::parse(ProgrammeInput {
        when: Some("Spring and autumn".into()),
        duration: Some(DurationInput {
            min: Some(6),
            max: None,
            unit: Some("months".into()),
            cadence: None,
        }),
        ..valid()
    })
    .unwrap();
    assert_eq!(p.what(), "A co-designed programme.");
    assert_eq!(p.how(), Some("Face to face and remote."));
    assert_eq!(p.when(), Some("Spring and autumn"));
    assert_eq!(p.duration().and_then(Duration::min), Some(6));
    assert_eq!(p.partners(), ["Foundation of Nursing Studies"]);
    assert_eq!(
        p.stems().iter().copied().collect::<Vec<_>>(),
        [VenusStem::Facilitation, VenusStem::CultureChange]
    );
}

#[test]
fn at_most_twenty_delivery_partners() {
    let with = |n: usize| {
        Programme::parse(ProgrammeInput {
            partners: (0..n).map(|i| format!("Partner {i}")).collect(),
            ..valid()
        })
    };
    assert!(with(MAX_PARTNERS).is_ok());
    let err = with(MAX_PARTNERS + 1).unwrap_err();
    assert_eq!(fields(&err), ["delivery_partners"]);
}

#[test]
fn a_slug_from_a_long_title_is_cut_to_eighty_characters() {
    let exactly = "a".repeat(*SLUG_CHARS.end());
    assert_eq!(Slug::from_title(&exactly).unwrap().as_str(), exactly);
    let long = format!("{exactly}bcd");
    assert_eq!(Slug::from_title(&long).unwrap().as_str(), exactly);
    // A cut that ends on a separator drops it.
    let words = format!("{} tail", "a".repeat(*SLUG_CHARS.end() - 1));
    assert_eq!(
        Slug::from_title(&words).unwrap().as_str(),
        "a".repeat(*SLUG_CHARS.end() - 1)
    );
    assert_eq!(Slug::from_title("Short").unwrap().as_str(), "short");
}

#[test]
fn a_summary_is_the_first_sentence_or_its_first_words() {
    assert_eq!(summary("One sentence. Another one."), "One sentence.");
    assert_eq!(summary("Why not?  Because."), "Why not?");
    assert_eq!(summary("No full stop at all"), "No full stop at all");
    assert_eq!(summary("Ends here."), "Ends here.");
    assert_eq!(summary("Version 2.0 is out. More."), "Version 2.0 is out.");
    assert_eq!(summary("  Spaces\n and   lines. "), "Spaces and lines.");
    let long = format!("{} end.", "word ".repeat(60));
    let s = summary(&long);
    assert!(s.ends_with('…') && !s.ends_with(" …"), "{s}");
    assert!(s.chars().count() <= SUMMARY_CHARS, "{}", s.chars().count());
    assert!(
        s.chars().count() >= SUMMARY_CHARS - 6,
        "as many words as fit: {s}"
    );
    // Exactly as many whole words as fit with their spaces and the ellipsis: 32 × "word"
    // and 31 spaces are 159 characters, and "…" makes 160.
    assert_eq!(s, format!("{}…", vec!["word"; 32].join(" ")));
    let letters = summary(&format!("{}end.", "a ".repeat(100)));
    assert_eq!(letters, format!("{}…", vec!["a"; 80].join(" ")));
    assert_eq!(letters.chars().count(), SUMMARY_CHARS);
    let exactly = format!("{}.", "a".repeat(SUMMARY_CHARS - 1));
    assert_eq!(
        summary(&exactly),
        exactly,
        "exactly the limit is kept whole"
    );
    let one_word = "x".repeat(SUMMARY_CHARS + 10);
    let cut = summary(&one_word);
    assert_eq!(cut.chars().count(), SUMMARY_CHARS);
    assert!(cut.ends_with('…'));
    assert_eq!(
        summary("Lists, commas, and; more words that go on"),
        "Lists, commas, and; more words that go on"
    );
    let p = Programme::parse(valid()).unwrap();
    assert_eq!(p.summary(), "A co-designed programme.");
}

#[test]
fn delivery_mode_and_availability_may_be_not_stated_but_not_unknown() {
    let p = Programme::parse(ProgrammeInput {
        delivery_mode: None,
        availability: None,
        ..valid()
    })
    .unwrap();
    assert_eq!((p.delivery_mode(), p.availability()), (None, None));
    assert_eq!(
        Programme::parse(p.to_input()).unwrap(),
        p,
        "round trips as not stated"
    );
    let stated = Programme::parse(valid()).unwrap();
    assert_eq!(stated.delivery_mode(), Some(DeliveryMode::Blended));
    assert_eq!(stated.availability(), Some(Availability::Commissioned));
    let err = Programme::parse(ProgrammeInput {
        delivery_mode: Some("by_post".into()),
        availability: Some("sometimes".into()),
        ..valid()
    })
    .unwrap_err();
    assert_eq!(fields(&err), vec!["delivery_mode", "availability"]);
}

#[test]
fn the_strand_is_the_heading_of_the_theme_and_level_cell() {
    let cells = [
        (Theme::Leadership, SystemLevel::Macro, "Systems Leadership"),
        (
            Theme::Leadership,
            SystemLevel::Meso,
            "Organisational Leadership for transformation",
        ),
        (Theme::Leadership, SystemLevel::Micro, "Team Leadership"),
        (
            Theme::Facilitation,
            SystemLevel::Macro,
            "systems_facilitation",
        ),
        (
            Theme::Facilitation,
            SystemLevel::Meso,
            "organisation_facilitation",
        ),
        (Theme::Facilitation, SystemLevel::Micro, "team_facilitation"),
        (
            Theme::BestPractice,
            SystemLevel::Macro,
            "Effective research for system transformation",
        ),
        (
            Theme::BestPractice,
            SystemLevel::Meso,
            "Quality safety and transformational research",
        ),
        (Theme::BestPractice, SystemLevel::Micro, "team_research"),
    ];
    let mut seen = BTreeSet::new();
    for (theme, level, named) in cells {
        let s = Strand::of(theme, level);
        assert!(
            s.label() == named || s.value() == named,
            "{theme:?} {level:?}: {s:?}"
        );
        assert!(seen.insert(s.value()), "each cell has its own strand");
        let p = Programme::parse(ProgrammeInput {
            theme: Some(theme.value().into()),
            level: Some(level.value().into()),
            ..valid()
        })
        .unwrap();
        assert_eq!(p.strand(), s);
    }
    assert_eq!(seen.len(), Strand::all().len());
}
