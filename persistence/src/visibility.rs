//! Whose records a caller may see. A client of an organisation sees only that
//! organisation's people and enrolments; anything else is "not found" (never "forbidden",
//! which would confirm it exists).

use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Academy admins.
    All,
    /// A partner organisation's clients.
    Organisation(Uuid),
}

impl Visibility {
    /// True when a record of `organisation` is visible.
    pub fn sees(&self, organisation: Option<Uuid>) -> bool {
        match self {
            Visibility::All => true,
            Visibility::Organisation(own) => organisation == Some(*own),
        }
    }
}
