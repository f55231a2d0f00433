//! What a community session and a shared resource must be before they are stored. The
//! commitment rule (how many, how long) is `community::check_session`, run against the
//! sessions already scheduled.

use chrono::NaiveDateTime;

use crate::cohort::is_web_link;
use crate::community::{ResourceKind, SessionFormat};
use crate::validation::ValidationErrors;
use crate::validation::{required, text, vocabulary};

/// A session as a caller describes it; every field optional so all errors are reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionInput {
    pub title: Option<String>,
    pub starts_at: Option<NaiveDateTime>,
    pub duration_minutes: Option<u32>,
    pub format: Option<String>,
    pub location: Option<String>,
    pub joining_link: Option<String>,
}

/// A well-formed session, not yet checked against the community's commitment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub duration_minutes: u32,
    pub format: SessionFormat,
    pub location: Option<String>,
    pub joining_link: Option<String>,
}

fn link(e: &mut ValidationErrors, field: &str, raw: Option<String>) -> Option<String> {
    let l = raw.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty())?;
    if is_web_link(&l) {
        Some(l)
    } else {
        e.add(field, "must be an http:// or https:// link");
        None
    }
}

impl NewSession {
    pub fn parse(input: SessionInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let title =
            required(&mut e, "title", input.title).and_then(|t| text(&mut e, "title", t, 1..=200));
        let starts_at = required(&mut e, "starts_at", input.starts_at);
        if starts_at.is_some_and(|t| !crate::validation::date_in_range(t.date())) {
            e.add("starts_at", crate::validation::date_range_message());
        }
        let minutes = required(&mut e, "duration_minutes", input.duration_minutes);
        if minutes == Some(0) {
            e.add("duration_minutes", "must be at least 1 minute");
        }
        let format = vocabulary::<SessionFormat>(&mut e, "format", input.format);
        let location = input
            .location
            .and_then(|l| text(&mut e, "location", l, 1..=500));
        let joining_link = link(&mut e, "joining_link", input.joining_link);
        match (title, starts_at, minutes, format) {
            (Some(title), Some(starts_at), Some(duration_minutes), Some(format))
                if e.is_empty() =>
            {
                Ok(Self {
                    title,
                    starts_at,
                    duration_minutes,
                    format,
                    location,
                    joining_link,
                })
            }
            _ => Err(e),
        }
    }
}

/// A resource to share with a community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResource {
    pub title: String,
    pub link: String,
    pub kind: ResourceKind,
}

impl NewResource {
    pub fn parse(
        title: Option<String>,
        link_raw: Option<String>,
        kind: Option<String>,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let title =
            required(&mut e, "title", title).and_then(|t| text(&mut e, "title", t, 1..=300));
        // A blank link is no link: "is required", not silently nothing.
        let link_raw = link_raw.filter(|l| !l.trim().is_empty());
        let link = required(&mut e, "link", link_raw).and_then(|l| link(&mut e, "link", Some(l)));
        let kind = vocabulary::<ResourceKind>(&mut e, "kind", kind);
        match (title, link, kind) {
            (Some(title), Some(link), Some(kind)) if e.is_empty() => Ok(Self { title, link, kind }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_reports_every_missing_or_malformed_field() {
        let err = NewSession::parse(SessionInput {
            joining_link: Some("ftp://x".into()),
            duration_minutes: Some(0),
            ..Default::default()
        })
        .unwrap_err();
        let mut fields: Vec<&str> = err.errors().iter().map(|f| f.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "duration_minutes",
                "format",
                "joining_link",
                "starts_at",
                "title"
            ]
        );
    }

    fn session() -> SessionInput {
        SessionInput {
            title: Some(" Spring gathering ".into()),
            starts_at: chrono::NaiveDate::from_ymd_opt(2027, 4, 20)
                .and_then(|d| d.and_hms_opt(14, 0, 0)),
            duration_minutes: Some(120),
            format: Some("virtual".into()),
            location: None,
            joining_link: Some("https://teams.example/cop".into()),
        }
    }

    #[test]
    fn a_good_session_parses_and_keeps_its_fields() {
        let s = NewSession::parse(session()).unwrap();
        assert_eq!(s.title, "Spring gathering");
        assert_eq!(s.duration_minutes, 120);
        assert_eq!(s.joining_link.as_deref(), Some("https://teams.example/cop"));
    }

    #[test]
    fn one_bad_field_fails_an_otherwise_good_session() {
        let far = chrono::NaiveDate::from_ymd_opt(2300, 1, 1).and_then(|d| d.and_hms_opt(9, 0, 0));
        let cases = [
            (
                SessionInput {
                    starts_at: far,
                    ..session()
                },
                "starts_at",
            ),
            (
                SessionInput {
                    location: Some(" ".into()),
                    ..session()
                },
                "location",
            ),
            (
                SessionInput {
                    joining_link: Some("ftp://files.example".into()),
                    ..session()
                },
                "joining_link",
            ),
        ];
        for (input, field) in cases {
            let err = NewSession::parse(input).unwrap_err();
            assert_eq!(err.errors().len(), 1, "{field}");
            assert_eq!(err.errors()[0].field, field);
        }
    }

    #[test]
    fn a_resource_with_a_bad_link_alone_is_refused() {
        let err = NewResource::parse(
            Some("Tool".into()),
            Some("ftp://files.example".into()),
            Some("tool".into()),
        )
        .unwrap_err();
        assert_eq!(err.errors()[0].field, "link");
        let err = NewResource::parse(Some("Tool".into()), Some("  ".into()), Some("tool".into()))
            .unwrap_err();
        assert_eq!(err.errors()[0].message, "is required");
    }

    #[test]
    fn a_resource_needs_a_web_link_and_a_known_kind() {
        let ok = NewResource::parse(
            Some(" Tool ".into()),
            Some("https://example.org".into()),
            Some("tool".into()),
        )
        .unwrap();
        assert_eq!((ok.title.as_str(), ok.kind), ("Tool", ResourceKind::Tool));
        let err = NewResource::parse(
            Some(" ".into()),
            Some("javascript:alert(1)".into()),
            Some("meme".into()),
        )
        .unwrap_err();
        assert_eq!(err.errors().len(), 3);
    }
}
