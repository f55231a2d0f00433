//! Communities of Practice (prospectus: "What is the WTxA architecture for enhanced
//! collaboration?"): one per Venus stem, and topic communities; anyone may join as many as
//! they like; each is led by a tripartite group; it meets at most six times a year, two hours
//! a session.

use chrono::{Months, NaiveDateTime};

use crate::organisation::name;
use crate::programme::Slug;
use crate::taxonomy::VenusStem;
use crate::validation::ValidationErrors;
use crate::vocabulary::{Vocabulary, vocabulary_enum};

vocabulary_enum! {
    /// What a community is organised around.
    CommunityKind {
        /// One of the five Venus model stems.
        VenusStem = "venus_stem": "Venus stem community",
        /// A topic of its own (e.g. health and wellbeing).
        Topic = "topic": "Topic community",
    }
}

vocabulary_enum! {
    CommunityStatus {
        /// Gathering members and leaders.
        Forming = "forming": "Forming",
        Active = "active": "Active",
        Closed = "closed": "Closed",
    }
}

vocabulary_enum! {
    /// How people join. The prospectus: "People are free to join".
    JoinPolicy {
        Open = "open": "Open: anyone may join",
        ByInvitation = "by_invitation": "By invitation of its leaders",
    }
}

vocabulary_enum! {
    /// A member's part in a community. The three leadership roles make up the tripartite
    /// group every community needs.
    MemberRole {
        Member = "member": "Member",
        Facilitator = "facilitator": "Facilitator",
        /// A lead from the integrated care system.
        IcsLead = "ics_lead": "ICS lead",
        /// A citizen representative or expert by experience (needs no organisation).
        CitizenRepresentative = "citizen_representative": "Citizen representative / expert by experience",
        /// A system leader or innovator.
        SystemLeader = "system_leader": "System leader / innovator",
    }
}

vocabulary_enum! {
    SessionFormat {
        Virtual = "virtual": "Virtual",
        InPerson = "in_person": "In person",
        Hybrid = "hybrid": "Hybrid",
    }
}

vocabulary_enum! {
    /// What a shared resource is: the prospectus's "repository of resources".
    ResourceKind {
        CaseStudy = "case_study": "Case study",
        Tool = "tool": "Tool",
        Publication = "publication": "Publication",
        EventRecording = "event_recording": "Event recording",
    }
}

/// The three roles of a community's tripartite leadership.
pub const LEADERSHIP: [MemberRole; 3] = [
    MemberRole::IcsLead,
    MemberRole::CitizenRepresentative,
    MemberRole::SystemLeader,
];

/// The leadership roles no current member holds (empty: the tripartite group is complete).
pub fn missing_leadership(roles: &[MemberRole]) -> Vec<MemberRole> {
    LEADERSHIP
        .into_iter()
        .filter(|r| !roles.contains(r))
        .collect()
}

/// The time a community asks of its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commitment {
    /// Sessions in any rolling twelve months.
    pub max_sessions_per_year: u32,
    /// Longest session.
    pub max_session_minutes: u32,
}

impl Default for Commitment {
    /// The prospectus: "a maximum of six sessions a year (@2 hours per session)".
    fn default() -> Self {
        Self {
            max_sessions_per_year: 6,
            max_session_minutes: 120,
        }
    }
}

pub const SESSIONS_PER_YEAR: std::ops::RangeInclusive<i64> = 1..=52;
pub const SESSION_MINUTES: std::ops::RangeInclusive<i64> = 15..=480;

/// A session already scheduled (not cancelled), as the rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheduled<Id> {
    pub id: Id,
    pub starts_at: NaiveDateTime,
}

/// Why a session cannot be scheduled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitmentBreach<Id> {
    #[error("a session may last at most {max} minutes")]
    TooLong { max: u32 },
    /// Twelve months from `window_start` would hold more than `max` sessions; `sessions` are
    /// those already in that window.
    #[error("at most {max} sessions in any twelve months: the twelve months from {window_start} already hold {}", sessions.len())]
    WindowFull {
        max: u32,
        window_start: NaiveDateTime,
        sessions: Vec<Id>,
    },
}

/// The commitment rule for a new session of `minutes` at `starts_at`, against the sessions
/// already scheduled (cancelled ones excluded by the caller: cancelling frees a slot).
///
/// No rolling twelve-month window may hold more than `max_sessions_per_year` sessions. Any
/// window that overflows can be slid to start at one of its sessions, so it is enough to try
/// the windows starting at each session from twelve months before the new one up to it.
pub fn check_session<Id: Copy + PartialEq>(
    commitment: Commitment,
    starts_at: NaiveDateTime,
    minutes: u32,
    scheduled: &[Scheduled<Id>],
) -> Result<(), CommitmentBreach<Id>> {
    if minutes > commitment.max_session_minutes {
        return Err(CommitmentBreach::TooLong {
            max: commitment.max_session_minutes,
        });
    }
    let year = |t: NaiveDateTime| {
        t.checked_add_months(Months::new(12))
            .unwrap_or(NaiveDateTime::MAX)
    };
    let mut starts: Vec<NaiveDateTime> = scheduled
        .iter()
        .map(|s| s.starts_at)
        .filter(|t| *t <= starts_at && year(*t) > starts_at)
        .collect();
    starts.push(starts_at);
    starts.sort();
    for window_start in starts {
        let end = year(window_start);
        let inside: Vec<Id> = scheduled
            .iter()
            .filter(|s| s.starts_at >= window_start && s.starts_at < end)
            .map(|s| s.id)
            .collect();
        if inside.len() as u64 >= u64::from(commitment.max_sessions_per_year) {
            return Err(CommitmentBreach::WindowFull {
                max: commitment.max_sessions_per_year,
                window_start,
                sessions: inside,
            });
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommunityInput {
    pub name: Option<String>,
    /// Derived from the name when absent.
    pub slug: Option<String>,
    pub purpose: Option<String>,
    pub kind: Option<String>,
    pub stem: Option<String>,
    pub status: Option<String>,
    pub join_policy: Option<String>,
    pub max_sessions_per_year: Option<i64>,
    pub max_session_minutes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Community {
    name: String,
    slug: Slug,
    purpose: String,
    kind: CommunityKind,
    stem: Option<VenusStem>,
    status: CommunityStatus,
    join_policy: JoinPolicy,
    commitment: Commitment,
}

fn bounded(
    e: &mut ValidationErrors,
    field: &str,
    raw: Option<i64>,
    range: std::ops::RangeInclusive<i64>,
    default: u32,
) -> u32 {
    match raw {
        None => default,
        Some(v) if range.contains(&v) => u32::try_from(v).unwrap_or(default),
        Some(_) => {
            e.add(
                field,
                format!(
                    "must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            );
            default
        }
    }
}

impl Community {
    pub fn parse(input: CommunityInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let name = name(&mut e, "name", input.name);
        let slug = match (&input.slug, &name) {
            (Some(s), _) => e.check("slug", Slug::parse(s)),
            (None, Some(n)) => e.check("slug", Slug::from_title(n)),
            (None, None) => None,
        };
        let purpose = match input.purpose {
            Some(p) if !p.trim().is_empty() && p.chars().count() <= 5_000 => {
                Some(p.trim().to_owned())
            }
            Some(_) => {
                e.add("purpose", "must be 1 to 5000 characters");
                None
            }
            None => {
                e.add("purpose", "is required");
                None
            }
        };
        let stem = match input.stem {
            None => Some(None),
            Some(s) => e.check("stem", VenusStem::parse(&s)).map(Some),
        };
        let kind = match input.kind {
            None => Some(if matches!(stem, Some(Some(_))) {
                CommunityKind::VenusStem
            } else {
                CommunityKind::Topic
            }),
            Some(k) => e.check("kind", CommunityKind::parse(&k)),
        };
        if kind == Some(CommunityKind::VenusStem) && matches!(stem, Some(None)) {
            e.add("stem", "a Venus stem community needs its stem");
        }
        let status = match input.status {
            None => Some(CommunityStatus::Forming),
            Some(s) => e.check("status", CommunityStatus::parse(&s)),
        };
        let join_policy = match input.join_policy {
            None => Some(JoinPolicy::Open),
            Some(j) => e.check("join_policy", JoinPolicy::parse(&j)),
        };
        let defaults = Commitment::default();
        let commitment = Commitment {
            max_sessions_per_year: bounded(
                &mut e,
                "max_sessions_per_year",
                input.max_sessions_per_year,
                SESSIONS_PER_YEAR,
                defaults.max_sessions_per_year,
            ),
            max_session_minutes: bounded(
                &mut e,
                "max_session_minutes",
                input.max_session_minutes,
                SESSION_MINUTES,
                defaults.max_session_minutes,
            ),
        };
        match (name, slug, purpose, kind, stem, status, join_policy) {
            (
                Some(name),
                Some(slug),
                Some(purpose),
                Some(kind),
                Some(stem),
                Some(status),
                Some(join_policy),
            ) if e.is_empty() => Ok(Self {
                name,
                slug,
                purpose,
                kind,
                stem,
                status,
                join_policy,
                commitment,
            }),
            _ => Err(e),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn slug(&self) -> &Slug {
        &self.slug
    }
    pub fn purpose(&self) -> &str {
        &self.purpose
    }
    pub fn kind(&self) -> CommunityKind {
        self.kind
    }
    pub fn stem(&self) -> Option<VenusStem> {
        self.stem
    }
    pub fn status(&self) -> CommunityStatus {
        self.status
    }
    pub fn join_policy(&self) -> JoinPolicy {
        self.join_policy
    }
    /// The input that parses back to this community (the base a merge patch applies to).
    pub fn to_input(&self) -> CommunityInput {
        CommunityInput {
            name: Some(self.name.clone()),
            slug: Some(self.slug.as_str().to_owned()),
            purpose: Some(self.purpose.clone()),
            kind: Some(self.kind.value().to_owned()),
            stem: self.stem.map(|s| s.value().to_owned()),
            status: Some(self.status.value().to_owned()),
            join_policy: Some(self.join_policy.value().to_owned()),
            max_sessions_per_year: Some(i64::from(self.commitment.max_sessions_per_year)),
            max_session_minutes: Some(i64::from(self.commitment.max_session_minutes)),
        }
    }

    /// Whether people may join: not once the community is closed.
    pub fn admits_members(&self) -> bool {
        self.status != CommunityStatus::Closed
    }

    pub fn commitment(&self) -> Commitment {
        self.commitment
    }
}

#[cfg(test)]
mod tests;
