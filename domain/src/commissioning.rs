//! Commissioning and co-creation (prospectus: "The different programmes will be run on
//! demand or as commissioned"; "If you do not see what you need … we work to co-create with
//! you"): a partner asks for an existing programme or brings a brief of its own, the academy
//! reviews it and agrees or declines, and an agreed request is delivered once every cohort
//! run for it has completed.

use chrono::NaiveDate;

use crate::cohort::CohortStatus;
use crate::validation::{ValidationErrors, text};
use crate::vocabulary::{Vocabulary, vocabulary_enum};

mod cohort_for;
mod need;
#[cfg(test)]
mod tests;

pub use cohort_for::{RequestedCohort, cohort_programme};
pub use need::{HEADCOUNT, NEED_YEARS, NOTES_CHARS, Need, NeedInput, gap};

vocabulary_enum! {
    /// Where a request is. `submitted → in_review → agreed | declined`; the partner (or the
    /// academy on its behalf) may withdraw it before a decision; `agreed → delivered` once every cohort linked to it
    /// has completed.
    RequestStatus {
        Submitted = "submitted": "Submitted",
        InReview = "in_review": "In review",
        Agreed = "agreed": "Agreed",
        Declined = "declined": "Declined",
        Withdrawn = "withdrawn": "Withdrawn by the partner",
        Delivered = "delivered": "Delivered",
    }
}

/// Who asks for a change of state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The requesting organisation's client.
    Partner,
    /// The academy (admin).
    Academy,
}

/// Why a change of state is refused: a 409 naming the current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionRefused {
    #[error("a {from} request cannot become {to}")]
    NotFrom {
        from: &'static str,
        to: &'static str,
    },
    #[error("only the academy may move a request to {0}")]
    AcademyOnly(&'static str),
    #[error(
        "a request is delivered once a cohort linked to it has completed and every other has completed or was cancelled"
    )]
    NotDelivered,
    #[error("the request is {0}: cohorts are run for an agreed request only")]
    NoCohorts(&'static str),
}

/// The cohorts linked to an agreed request, as the delivery rule sees them: delivered once
/// at least one has completed and every other has completed or was cancelled (a cancelled
/// cohort delivers nothing, and the academy may run another in its place).
pub fn all_delivered(linked: &[CohortStatus]) -> bool {
    linked.contains(&CohortStatus::Completed)
        && linked
            .iter()
            .all(|s| matches!(s, CohortStatus::Completed | CohortStatus::Cancelled))
}

/// Who may move a request to `to`: the academy decides; the partner withdraws (and the
/// academy may withdraw on its behalf).
pub fn check_actor(to: RequestStatus, actor: Actor) -> Result<(), TransitionRefused> {
    match (to, actor) {
        (RequestStatus::Withdrawn, _) | (_, Actor::Academy) => Ok(()),
        (_, Actor::Partner) => Err(TransitionRefused::AcademyOnly(to.value())),
    }
}

impl RequestStatus {
    /// True once the academy has decided, or the partner has withdrawn.
    pub fn is_settled(self) -> bool {
        !matches!(self, Self::Submitted | Self::InReview)
    }

    /// The state after `actor` moves the request to `to`, if the state machine allows it;
    /// `linked` are the statuses of the cohorts linked to it (for `delivered`).
    pub fn transition(
        self,
        to: RequestStatus,
        actor: Actor,
        linked: &[CohortStatus],
    ) -> Result<RequestStatus, TransitionRefused> {
        use RequestStatus::*;
        let not_from = || TransitionRefused::NotFrom {
            from: self.value(),
            to: to.value(),
        };
        check_actor(to, actor)?;
        let allowed = matches!(
            (self, to),
            (Submitted, InReview) | (InReview, Agreed) | (InReview, Declined) | (Agreed, Delivered)
        ) || (to == Withdrawn && !self.is_settled());
        if !allowed {
            return Err(not_from());
        }
        if to == Delivered && !all_delivered(linked) {
            return Err(TransitionRefused::NotDelivered);
        }
        Ok(to)
    }

    /// True when moving to this state needs a reason (a decision carries one).
    pub fn needs_reason(self) -> bool {
        matches!(self, Self::Agreed | Self::Declined)
    }

    /// Cohorts are run for an agreed request only.
    pub fn runs_cohorts(self) -> Result<(), TransitionRefused> {
        match self {
            Self::Agreed => Ok(()),
            other => Err(TransitionRefused::NoCohorts(other.value())),
        }
    }

    /// The reason a request keeps on entering this state: the one given with the change;
    /// on delivery, which nobody decides, the one it `had` (the agreement's).
    pub fn reason_kept<'a>(self, given: Option<&'a str>, had: Option<&'a str>) -> Option<&'a str> {
        if self == Self::Delivered { had } else { given }
    }
}

/// Bounds of a request's fields.
pub const TITLE_CHARS: std::ops::RangeInclusive<usize> = 2..=200;
pub const TEXT_CHARS: std::ops::RangeInclusive<usize> = 1..=4000;
pub const REASON_CHARS: std::ops::RangeInclusive<usize> = 2..=2000;
pub const EXPECTED_LEARNERS: std::ops::RangeInclusive<i64> = 1..=10_000;
pub const MAX_STAFF_GROUPS: usize = 20;
pub const STAFF_GROUP_CHARS: std::ops::RangeInclusive<usize> = 2..=100;

/// What a partner asks for: an existing programme, or a co-creation brief (a title and
/// what is needed) when there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// A programme, by id or slug, as given (the store resolves it).
    Programme(String),
    CoCreation {
        title: String,
        needs: String,
    },
}

/// The preferred window: from one day to another, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The brief's free-text and counted fields, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BriefInput {
    pub programme: Option<String>,
    pub title: Option<String>,
    pub needs: Option<String>,
    pub expected_learners: Option<i64>,
    pub staff_groups: Vec<String>,
    pub window_from: Option<NaiveDate>,
    pub window_to: Option<NaiveDate>,
    pub workplace_context: Option<String>,
}

/// A brief that keeps the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brief {
    pub ask: Ask,
    pub expected_learners: Option<i64>,
    pub staff_groups: Vec<String>,
    pub window: Option<Window>,
    pub workplace_context: Option<String>,
}

impl Brief {
    pub fn parse(input: BriefInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let ask = match (input.programme, input.title, input.needs) {
            (Some(p), None, None) => Some(Ask::Programme(p.trim().to_owned())),
            (Some(_), _, _) => {
                e.add(
                    "programme",
                    "give a programme, or a co-creation brief (title and needs), not both",
                );
                None
            }
            (None, title, needs) => {
                let title = required_text(&mut e, "title", title, TITLE_CHARS);
                let needs = required_text(&mut e, "needs", needs, TEXT_CHARS);
                title
                    .zip(needs)
                    .map(|(title, needs)| Ask::CoCreation { title, needs })
            }
        };
        if let Some(n) = input.expected_learners
            && !EXPECTED_LEARNERS.contains(&n)
        {
            e.add(
                "expected_learners",
                format!(
                    "must be {} to {}",
                    EXPECTED_LEARNERS.start(),
                    EXPECTED_LEARNERS.end()
                ),
            );
        }
        if input.staff_groups.len() > MAX_STAFF_GROUPS {
            e.add("staff_groups", format!("at most {MAX_STAFF_GROUPS}"));
        }
        let mut staff_groups = Vec::new();
        for (i, g) in input.staff_groups.into_iter().enumerate() {
            if let Some(g) = text(&mut e, &format!("staff_groups[{i}]"), g, STAFF_GROUP_CHARS)
                && !staff_groups.contains(&g)
            {
                staff_groups.push(g);
            }
        }
        let mut dates_in_range = true;
        for (field, day) in [
            ("window_from", input.window_from),
            ("window_to", input.window_to),
        ] {
            if day.is_some_and(|d| !crate::validation::date_in_range(d)) {
                e.add(field, crate::validation::date_range_message());
                dates_in_range = false;
            }
        }
        let window = match (input.window_from, input.window_to) {
            _ if !dates_in_range => None,
            (Some(from), Some(to)) if from <= to => Some(Window { from, to }),
            (Some(_), Some(to)) => {
                e.add("window_from", format!("must not be after window_to ({to})"));
                None
            }
            (None, None) => None,
            (Some(_), None) => {
                e.add("window_to", "is required with window_from");
                None
            }
            (None, Some(_)) => {
                e.add("window_from", "is required with window_to");
                None
            }
        };
        let workplace_context = input
            .workplace_context
            .and_then(|t| text(&mut e, "workplace_context", t, TEXT_CHARS));
        e.into_result(|| Brief {
            ask: ask.unwrap_or(Ask::Programme(String::new())),
            expected_learners: input.expected_learners,
            staff_groups,
            window,
            workplace_context,
        })
    }
}

fn required_text(
    e: &mut ValidationErrors,
    field: &str,
    raw: Option<String>,
    chars: std::ops::RangeInclusive<usize>,
) -> Option<String> {
    match raw {
        None => {
            e.add(
                field,
                "is required for a co-creation brief (or give a programme)",
            );
            None
        }
        Some(t) => text(e, field, t, chars),
    }
}

/// A decision's reason, when the new state needs one.
pub fn reason(to: RequestStatus, raw: Option<String>) -> Result<Option<String>, ValidationErrors> {
    let mut e = ValidationErrors::new();
    let reason = match raw {
        Some(r) => text(&mut e, "reason", r, REASON_CHARS),
        None if to.needs_reason() => {
            e.add(
                "reason",
                format!("is required to make a request {}", to.value()),
            );
            None
        }
        None => None,
    };
    e.into_result(|| reason)
}

/// A message of the co-creation dialogue: bounded text whose links are all `http` or
/// `https` (no `javascript:`, `data:` or `file:` links; no attachments).
pub fn message(raw: Option<String>) -> Result<String, ValidationErrors> {
    let mut e = ValidationErrors::new();
    let text = match raw {
        None => {
            e.add("text", "is required");
            None
        }
        Some(t) => text(&mut e, "text", t, TEXT_CHARS),
    };
    if let Some(t) = &text
        && let Some(bad) = foreign_link(t)
    {
        e.add(
            "text",
            format!("links must be http or https; '{bad}' is not"),
        );
    }
    e.into_result(|| text.unwrap_or_default())
}

/// The first link whose scheme is not http(s), wherever it stands (a bare word, inside
/// Markdown's `[text](link)` or an HTML attribute): a listed scheme at the start of a word
/// with something after its colon, or any `scheme://` but http(s).
fn foreign_link(t: &str) -> Option<String> {
    const SCHEMES: [&str; 6] = [
        "javascript:",
        "data:",
        "file:",
        "vbscript:",
        "ftp:",
        "blob:",
    ];
    // ASCII lowering keeps every byte where it was, so positions in it are positions in `t`.
    let lower = t.to_ascii_lowercase();
    let lower = lower.as_str();
    let word_starts = |i: usize| {
        lower[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    };
    let token = |i: usize| {
        t[i..]
            .split(|c: char| c.is_whitespace() || "\"'<>".contains(c))
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let listed = SCHEMES.iter().flat_map(|s| {
        let word_starts = &word_starts;
        lower.match_indices(s).filter_map(move |(i, _)| {
            let after = lower[i + s.len()..].chars().next();
            (after.is_some_and(|c| !c.is_whitespace()) && word_starts(i)).then_some(i)
        })
    });
    let other = lower.match_indices("://").filter_map(|(i, _)| {
        let start = lower[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || "+.-".contains(c)))
            .map_or(0, |p| p + 1);
        (!matches!(&lower[start..i], "http" | "https")).then_some(start)
    });
    listed.chain(other).min().map(token)
}

/// Where a request's cohorts would meet: 1 to 300 characters once trimmed (a cohort's
/// location, which it becomes).
pub fn location(errors: &mut ValidationErrors, raw: Option<String>) -> Option<String> {
    raw.and_then(|t| text(errors, "location", t, 1..=crate::cohort::LOCATION_CHARS))
}
