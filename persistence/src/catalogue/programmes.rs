//! Programme queries: what a list asks for (filters, sorts, the facet counts it answers;
//! the catalogue snapshot answers lists in memory), and lookups by id or slug.

use diesel::prelude::*;
use domain::{
    Availability, DeliveryMode, Priority, ProgrammeStatus, Strand, SystemLevel, Theme, VenusStem,
};
use uuid::Uuid;

use super::programme_rows::{ProgrammeRecord, ProgrammeRow, records};
use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{self, Cursor, CursorError};
use crate::schema::programmes;
use crate::sql_types::DbUuid;

/// Filters of the programme list: values within one facet are ORed, facets are ANDed.
/// An empty facet does not filter.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeFilter {
    pub themes: Vec<Theme>,
    pub levels: Vec<SystemLevel>,
    pub stems: Vec<VenusStem>,
    pub priorities: Vec<Priority>,
    pub delivery_modes: Vec<DeliveryMode>,
    pub availabilities: Vec<Availability>,
    pub strands: Vec<Strand>,
    pub statuses: Vec<ProgrammeStatus>,
    /// Words searched in title, what and who: every word must occur (case- and
    /// accent-insensitive, in any order); `%` and `_` are literal.
    pub q: Option<String>,
}

/// The orders the programme list supports; `-` means descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProgrammeSort {
    #[default]
    Title,
    TitleDesc,
    UpdatedAt,
    UpdatedAtDesc,
    CreatedAt,
    CreatedAtDesc,
    /// Best match of the search words first (title matches weigh most), then by title.
    Relevance,
}

impl ProgrammeSort {
    pub const ALL: [ProgrammeSort; 7] = [
        Self::Title,
        Self::TitleDesc,
        Self::UpdatedAt,
        Self::UpdatedAtDesc,
        Self::CreatedAt,
        Self::CreatedAtDesc,
        Self::Relevance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::TitleDesc => "-title",
            Self::UpdatedAt => "updated_at",
            Self::UpdatedAtDesc => "-updated_at",
            Self::CreatedAt => "created_at",
            Self::CreatedAtDesc => "-created_at",
            Self::Relevance => "relevance",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Decodes a client's cursor for this sort, checking its key has the right shape.
    pub fn decode_cursor(self, raw: &str) -> Result<Cursor, CursorError> {
        match self {
            Self::Title | Self::TitleDesc | Self::Relevance => Cursor::decode(raw, self.as_str()),
            _ => page::decode_timestamp_cursor(raw, self.as_str()),
        }
    }

    /// True for the orders that run from the greatest key down.
    pub fn descending(self) -> bool {
        matches!(
            self,
            Self::TitleDesc | Self::UpdatedAtDesc | Self::CreatedAtDesc
        )
    }
}

/// How many programmes matching a filter fall under each value of a facet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// The programmes matching every filter.
    pub total: i64,
    pub themes: Vec<(Theme, i64)>,
    pub levels: Vec<(SystemLevel, i64)>,
    pub stems: Vec<(VenusStem, i64)>,
    pub priorities: Vec<(Priority, i64)>,
    pub delivery_modes: Vec<(DeliveryMode, i64)>,
    pub availabilities: Vec<(Availability, i64)>,
    pub strands: Vec<(Strand, i64)>,
}

/// How a client names a programme in a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgrammeKey {
    Id(Uuid),
    Slug(String),
}

impl ProgrammeKey {
    pub fn parse(raw: &str) -> Self {
        match Uuid::parse_str(raw) {
            Ok(id) => Self::Id(id),
            Err(_) => Self::Slug(raw.to_owned()),
        }
    }
}

pub fn get(conn: &mut DbConnection, key: &ProgrammeKey) -> StoreResult<ProgrammeRecord> {
    let q = programmes::table
        .select(programmes::all_columns)
        .into_boxed::<MultiBackend>();
    let q = match key {
        ProgrammeKey::Id(id) => q.filter(programmes::id.eq(DbUuid(*id))),
        ProgrammeKey::Slug(slug) => q.filter(programmes::slug.eq(slug.clone())),
    };
    let row: ProgrammeRow = q.first(conn)?;
    records(conn, vec![row])?.pop().ok_or(StoreError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_names_round_trip() {
        for s in ProgrammeSort::ALL {
            assert_eq!(ProgrammeSort::parse(s.as_str()), Some(s));
        }
        assert_eq!(ProgrammeSort::parse("slug"), None);
    }
}
