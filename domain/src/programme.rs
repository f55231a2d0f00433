//! A programme of the academy's portfolio. `Programme::parse` is the only way to make one,
//! so a `Programme` that exists satisfies every rule below.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::duration::{Duration, DurationInput};
use crate::priority::Priority;
use crate::taxonomy::{Availability, DeliveryMode, Strand, SystemLevel, Theme, VenusStem};
use crate::validation::{ValidationErrors, required, text, vocabulary};
use crate::vocabulary::{Vocabulary, vocabulary_enum};

pub const TITLE_CHARS: std::ops::RangeInclusive<usize> = 3..=200;
pub const SLUG_CHARS: std::ops::RangeInclusive<usize> = 3..=80;
pub const TEXT_MAX_CHARS: usize = 10_000;
pub const PARTNER_CHARS: std::ops::RangeInclusive<usize> = 2..=200;
pub const MAX_PARTNERS: usize = 20;
vocabulary_enum! {
    /// Where a programme is in its life.
    ProgrammeStatus {
        /// Being prepared; not shown in the public catalogue.
        Draft = "draft": "Draft",
        /// In the catalogue.
        Published = "published": "Published",
        /// No longer offered; kept because cohorts and reports refer to it.
        Retired = "retired": "Retired",
    }
}

/// A URL-safe identifier people can type: lowercase ASCII letters and digits in groups
/// joined by single hyphens, 3–80 characters, never shaped like a UUID.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("must be {min} to {max} characters", min = SLUG_CHARS.start(), max = SLUG_CHARS.end())]
    Length,
    #[error(
        "must be lowercase letters and digits in groups joined by single hyphens, e.g. 'vital-signs'"
    )]
    Shape,
    #[error("must not look like a UUID (ids and slugs share the same URLs)")]
    LooksLikeUuid,
}

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        if !SLUG_CHARS.contains(&raw.len()) {
            return Err(SlugError::Length);
        }
        let well_formed = raw.split('-').all(|g| {
            !g.is_empty()
                && g.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
        if !well_formed {
            return Err(SlugError::Shape);
        }
        if looks_like_uuid(raw) {
            return Err(SlugError::LooksLikeUuid);
        }
        Ok(Self(raw.to_owned()))
    }

    /// Derives a slug from a title: "VITAL Signs: Developing teams" → "vital-signs-developing-teams".
    pub fn from_title(title: &str) -> Result<Self, SlugError> {
        let mut slug = String::new();
        for c in title.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        // ASCII only, so the byte length is the character count (a no-op when shorter).
        slug.truncate(*SLUG_CHARS.end());
        Self::parse(slug.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A programme as a client, an operator or the seed file describes it: raw values,
/// checked by [`Programme::parse`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ProgrammeInput {
    /// Derived from the title when absent.
    pub slug: Option<String>,
    pub title: Option<String>,
    pub theme: Option<String>,
    pub level: Option<String>,
    pub what: Option<String>,
    pub how: Option<String>,
    pub who: Option<String>,
    pub when: Option<String>,
    pub duration: Option<DurationInput>,
    pub delivery_mode: Option<String>,
    pub availability: Option<String>,
    #[serde(default)]
    pub partners: Vec<String>,
    #[serde(default)]
    pub stems: Vec<String>,
    /// Codes (`"6"`) or slugs (`"learning-together"`).
    #[serde(default)]
    pub priorities: Vec<String>,
    /// `draft` when absent.
    pub status: Option<String>,
}

/// A valid programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programme {
    slug: Slug,
    title: String,
    theme: Theme,
    level: SystemLevel,
    what: String,
    how: Option<String>,
    who: Option<String>,
    when: Option<String>,
    duration: Option<Duration>,
    /// `None`: the prospectus does not say (a front end shows "not stated", never a guess).
    delivery_mode: Option<DeliveryMode>,
    availability: Option<Availability>,
    partners: Vec<String>,
    stems: BTreeSet<VenusStem>,
    priorities: BTreeSet<Priority>,
    status: ProgrammeStatus,
}

fn optional_text(
    errors: &mut ValidationErrors,
    field: &str,
    raw: Option<String>,
) -> Option<String> {
    raw.and_then(|r| text(errors, field, r, 1..=TEXT_MAX_CHARS))
}

impl Programme {
    pub fn parse(input: ProgrammeInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();

        let title = required(&mut e, "title", input.title)
            .and_then(|t| text(&mut e, "title", t, TITLE_CHARS));
        let slug = match (&input.slug, &title) {
            (Some(s), _) => e.check("slug", Slug::parse(s)),
            (None, Some(t)) => e.check("slug", Slug::from_title(t)),
            (None, None) => None,
        };
        let theme = vocabulary::<Theme>(&mut e, "theme", input.theme);
        let level = vocabulary::<SystemLevel>(&mut e, "level", input.level);
        let what = required(&mut e, "what", input.what)
            .and_then(|t| text(&mut e, "what", t, 1..=TEXT_MAX_CHARS));
        let how = optional_text(&mut e, "how", input.how);
        let who = optional_text(&mut e, "who", input.who);
        let when = optional_text(&mut e, "when", input.when);
        let duration = input.duration.and_then(|d| match Duration::parse(d) {
            Ok(d) => Some(d),
            Err(errs) => {
                e.nest("duration", errs);
                None
            }
        });
        // Absent means "not stated"; a value must be one of the vocabulary's.
        let delivery_mode = input
            .delivery_mode
            .and_then(|raw| e.check("delivery_mode", DeliveryMode::parse(&raw)));
        let availability = input
            .availability
            .and_then(|raw| e.check("availability", Availability::parse(&raw)));
        let status = match input.status {
            None => Some(ProgrammeStatus::Draft),
            Some(s) => e.check("status", ProgrammeStatus::parse(&s)),
        };

        if input.partners.len() > MAX_PARTNERS {
            e.add(
                "delivery_partners",
                format!("at most {MAX_PARTNERS} delivery partners"),
            );
        }
        let mut partners: Vec<String> = Vec::new();
        for (i, p) in input.partners.into_iter().enumerate() {
            let field = format!("delivery_partners[{i}]");
            if let Some(p) = text(&mut e, &field, p, PARTNER_CHARS) {
                if partners.iter().any(|q| q.eq_ignore_ascii_case(&p)) {
                    e.add(field, format!("'{p}' is listed twice"));
                } else {
                    partners.push(p);
                }
            }
        }

        let mut stems = BTreeSet::new();
        if input.stems.is_empty() {
            e.add("stems", "at least one Venus stem is required");
        }
        for (i, s) in input.stems.iter().enumerate() {
            if let Some(stem) = e.check(format!("stems[{i}]"), VenusStem::parse(s))
                && !stems.insert(stem)
            {
                e.add(format!("stems[{i}]"), format!("'{s}' is listed twice"));
            }
        }

        let mut priorities = BTreeSet::new();
        if input.priorities.is_empty() {
            e.add(
                "priorities",
                "at least one Leeds workforce priority (code 1–7) is required",
            );
        }
        // A priority named twice (by code and by slug, say) is served once: a set.
        for (i, raw) in input.priorities.iter().enumerate() {
            if let Some(p) = e.check(format!("priorities[{i}]"), Priority::parse(raw)) {
                priorities.insert(p);
            }
        }

        match (slug, title, theme, level, what, status) {
            (Some(slug), Some(title), Some(theme), Some(level), Some(what), Some(status))
                if e.is_empty() =>
            {
                Ok(Programme {
                    slug,
                    title,
                    theme,
                    level,
                    what,
                    how,
                    who,
                    when,
                    duration,
                    delivery_mode,
                    availability,
                    partners,
                    stems,
                    priorities,
                    status,
                })
            }
            _ => Err(e),
        }
    }

    pub fn slug(&self) -> &Slug {
        &self.slug
    }
    pub fn title(&self) -> &str {
        &self.title
    }
    pub fn theme(&self) -> Theme {
        self.theme
    }
    pub fn level(&self) -> SystemLevel {
        self.level
    }
    pub fn what(&self) -> &str {
        &self.what
    }
    pub fn how(&self) -> Option<&str> {
        self.how.as_deref()
    }
    pub fn who(&self) -> Option<&str> {
        self.who.as_deref()
    }
    pub fn when(&self) -> Option<&str> {
        self.when.as_deref()
    }
    pub fn duration(&self) -> Option<&Duration> {
        self.duration.as_ref()
    }
    pub fn delivery_mode(&self) -> Option<DeliveryMode> {
        self.delivery_mode
    }
    pub fn availability(&self) -> Option<Availability> {
        self.availability
    }
    /// The prospectus strand: the heading of its theme × level cell.
    pub fn strand(&self) -> Strand {
        Strand::of(self.theme, self.level)
    }
    /// Delivery partners in the order given.
    pub fn partners(&self) -> &[String] {
        &self.partners
    }
    pub fn stems(&self) -> &BTreeSet<VenusStem> {
        &self.stems
    }
    pub fn priorities(&self) -> &BTreeSet<Priority> {
        &self.priorities
    }
    pub fn status(&self) -> ProgrammeStatus {
        self.status
    }

    /// The raw fields, for applying a partial update.
    pub fn to_input(&self) -> ProgrammeInput {
        ProgrammeInput {
            slug: Some(self.slug.to_string()),
            title: Some(self.title.clone()),
            theme: Some(self.theme.value().to_owned()),
            level: Some(self.level.value().to_owned()),
            what: Some(self.what.clone()),
            how: self.how.clone(),
            who: self.who.clone(),
            when: self.when.clone(),
            duration: self.duration.as_ref().map(Duration::to_input),
            delivery_mode: self.delivery_mode.map(|d| d.value().to_owned()),
            availability: self.availability.map(|a| a.value().to_owned()),
            partners: self.partners.clone(),
            stems: self.stems.iter().map(|s| s.value().to_owned()).collect(),
            priorities: self
                .priorities
                .iter()
                .map(|p| p.code().to_string())
                .collect(),
            status: Some(self.status.value().to_owned()),
        }
    }

    /// A short summary for a card: the first sentence of `what`, or — when that is longer than
    /// [`SUMMARY_CHARS`] — its first words up to that length, ending in `…`.
    pub fn summary(&self) -> String {
        summary(&self.what)
    }

    /// The lower-cased text that `q` searches: title, what and who. Lower-casing happens
    /// here, in Rust, so both databases compare exactly the same strings.
    pub fn search_text(&self) -> String {
        [
            Some(self.title.as_str()),
            Some(self.what.as_str()),
            self.who.as_deref(),
        ]
        .into_iter()
        .flatten()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("\n")
    }

    /// The key the catalogue sorts titles by: case-insensitive, then code point order.
    pub fn title_key(&self) -> String {
        self.title.to_lowercase()
    }
}

mod summary;
pub use summary::SUMMARY_CHARS;
use summary::summary;

#[cfg(test)]
mod tests;
