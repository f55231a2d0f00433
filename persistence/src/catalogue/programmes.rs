//! Programme queries: filtered, sorted, keyset-paginated lists with facet counts, and
//! lookups by id or slug.

use diesel::dsl::count_star;
use diesel::prelude::*;
use domain::{
    Availability, DeliveryMode, Priority, ProgrammeStatus, SystemLevel, Theme, VenusStem,
    Vocabulary,
};
use uuid::Uuid;

use super::programme_rows::{ProgrammeRecord, ProgrammeRow, records};
use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{self, Cursor, CursorError, Page, timestamp_key};
use crate::schema::{programme_priorities, programme_stems, programmes};
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
    pub statuses: Vec<ProgrammeStatus>,
    /// Case-insensitive text searched in title, what and who; `%` and `_` are literal.
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
}

impl ProgrammeSort {
    pub const ALL: [ProgrammeSort; 6] = [
        Self::Title,
        Self::TitleDesc,
        Self::UpdatedAt,
        Self::UpdatedAtDesc,
        Self::CreatedAt,
        Self::CreatedAtDesc,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::TitleDesc => "-title",
            Self::UpdatedAt => "updated_at",
            Self::UpdatedAtDesc => "-updated_at",
            Self::CreatedAt => "created_at",
            Self::CreatedAtDesc => "-created_at",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Decodes a client's cursor for this sort, checking its key has the right shape.
    pub fn decode_cursor(self, raw: &str) -> Result<Cursor, CursorError> {
        match self {
            Self::Title | Self::TitleDesc => Cursor::decode(raw, self.as_str()),
            _ => page::decode_timestamp_cursor(raw, self.as_str()),
        }
    }

    fn key_of(self, r: &ProgrammeRecord) -> String {
        match self {
            Self::Title | Self::TitleDesc => r.programme.title_key(),
            Self::UpdatedAt | Self::UpdatedAtDesc => timestamp_key(r.updated_at),
            Self::CreatedAt | Self::CreatedAtDesc => timestamp_key(r.created_at),
        }
    }
}

type Boxed<'a> = programmes::BoxedQuery<'a, MultiBackend>;

fn values<T: Vocabulary>(v: &[T]) -> Vec<&'static str> {
    v.iter().map(Vocabulary::value).collect()
}

// The stem and priority filters' subqueries name their tables apart from an outer join.
diesel::alias! {
    const STEM_FILTER: Alias<StemFilter> = programme_stems as stem_filter;
    const PRIORITY_FILTER: Alias<PriorityFilter> = programme_priorities as priority_filter;
}

/// Adds the WHERE clauses of `f` to a boxed query whose FROM clause includes `programmes`.
macro_rules! apply_filters {
    ($query:expr, $f:expr) => {{
        let f: &ProgrammeFilter = $f;
        let mut q = $query;
        if !f.themes.is_empty() {
            q = q.filter(programmes::theme.eq_any(values(&f.themes)));
        }
        if !f.levels.is_empty() {
            q = q.filter(programmes::level.eq_any(values(&f.levels)));
        }
        if !f.delivery_modes.is_empty() {
            q = q.filter(programmes::delivery_mode.eq_any(values(&f.delivery_modes)));
        }
        if !f.availabilities.is_empty() {
            q = q.filter(programmes::availability.eq_any(values(&f.availabilities)));
        }
        if !f.statuses.is_empty() {
            q = q.filter(programmes::status.eq_any(values(&f.statuses)));
        }
        if !f.stems.is_empty() {
            q = q.filter(
                programmes::id.eq_any(
                    STEM_FILTER
                        .filter(
                            STEM_FILTER
                                .field(programme_stems::stem)
                                .eq_any(values(&f.stems)),
                        )
                        .select(STEM_FILTER.field(programme_stems::programme_id)),
                ),
            );
        }
        if !f.priorities.is_empty() {
            let codes: Vec<i32> = f.priorities.iter().map(|p| i32::from(p.code())).collect();
            q = q.filter(
                programmes::id.eq_any(
                    PRIORITY_FILTER
                        .filter(
                            PRIORITY_FILTER
                                .field(programme_priorities::priority_code)
                                .eq_any(codes),
                        )
                        .select(PRIORITY_FILTER.field(programme_priorities::programme_id)),
                ),
            );
        }
        if let Some(text) = f.q.as_deref().filter(|t| !t.is_empty()) {
            q = q.filter(
                programmes::search_text
                    .like(crate::text::contains_pattern(text))
                    .escape('\\'),
            );
        }
        q
    }};
}

/// The programmes matching `f`, as a boxed query to select from and sort.
fn filtered(f: &ProgrammeFilter) -> Boxed<'static> {
    apply_filters!(programmes::table.into_boxed::<MultiBackend>(), f)
}

/// Applies the keyset condition "strictly after `(key, id)` in this order" and the order.
macro_rules! keyset {
    ($q:expr, $column:expr, $key:expr, $after:expr, $desc:expr) => {{
        let mut q = $q;
        if let Some((key, id)) = $after {
            q = if $desc {
                q.filter(
                    $column
                        .lt(key.clone())
                        .or($column.eq(key).and(programmes::id.lt(id))),
                )
            } else {
                q.filter(
                    $column
                        .gt(key.clone())
                        .or($column.eq(key).and(programmes::id.gt(id))),
                )
            };
        }
        if $desc {
            q.order(($column.desc(), programmes::id.desc()))
        } else {
            q.order(($column.asc(), programmes::id.asc()))
        }
    }};
}

/// One page of programmes matching `f` in `sort` order, starting after `cursor`.
pub fn list(
    conn: &mut DbConnection,
    f: &ProgrammeFilter,
    sort: ProgrammeSort,
    limit: i64,
    cursor: Option<&Cursor>,
) -> StoreResult<Page<ProgrammeRecord>> {
    let after_id = cursor.map(|c| DbUuid(c.id));
    let q = filtered(f).select(programmes::all_columns);
    let q = match sort {
        ProgrammeSort::Title | ProgrammeSort::TitleDesc => {
            let after = cursor.map(|c| c.key.clone()).zip(after_id);
            keyset!(
                q,
                programmes::title_key,
                key,
                after,
                sort == ProgrammeSort::TitleDesc
            )
        }
        ProgrammeSort::UpdatedAt | ProgrammeSort::UpdatedAtDesc => {
            let after = cursor.map(Cursor::timestamp).transpose()?;
            keyset!(
                q,
                programmes::updated_at,
                key,
                after.zip(after_id),
                sort == ProgrammeSort::UpdatedAtDesc
            )
        }
        ProgrammeSort::CreatedAt | ProgrammeSort::CreatedAtDesc => {
            let after = cursor.map(Cursor::timestamp).transpose()?;
            keyset!(
                q,
                programmes::created_at,
                key,
                after.zip(after_id),
                sort == ProgrammeSort::CreatedAtDesc
            )
        }
    };
    let rows: Vec<ProgrammeRow> = q.limit(limit + 1).load(conn)?;
    let items = records(conn, rows)?;
    Ok(Page::from_overfetch(items, limit, |last| Cursor {
        sort: sort.as_str().to_owned(),
        key: sort.key_of(last),
        id: last.id,
    }))
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
}

fn every<T: Vocabulary + PartialEq>(counts: &[(String, i64)]) -> Vec<(T, i64)> {
    T::all()
        .iter()
        .map(|v| {
            (
                *v,
                counts
                    .iter()
                    .find(|(k, _)| k == v.value())
                    .map_or(0, |(_, n)| *n),
            )
        })
        .collect()
}

/// Facet counts over everything matching `f` (all pages), every value listed, zeros included.
pub fn facets(conn: &mut DbConnection, f: &ProgrammeFilter) -> StoreResult<Facets> {
    // Disjunctive: each facet counts what every other filter leaves, ignoring its own, so a
    // front end can offer the other values of a facet as OR choices (as Algolia and
    // Elasticsearch do). GROUP BY before boxing: diesel cannot add one to a boxed query.
    let without = |clear: fn(&mut ProgrammeFilter)| {
        let mut g = f.clone();
        clear(&mut g);
        g
    };
    macro_rules! by_column {
        ($column:expr, $clear:expr) => {{
            let rows: Vec<(String, i64)> = apply_filters!(
                programmes::table
                    .group_by($column)
                    .select(($column, count_star()))
                    .into_boxed::<MultiBackend>(),
                &without($clear)
            )
            .load(conn)?;
            rows
        }};
    }
    let themes = by_column!(programmes::theme, |g| g.themes.clear());
    let levels = by_column!(programmes::level, |g| g.levels.clear());
    let delivery_modes = by_column!(programmes::delivery_mode, |g| g.delivery_modes.clear());
    let availabilities = by_column!(programmes::availability, |g| g.availabilities.clear());
    let stems: Vec<(String, i64)> = apply_filters!(
        programme_stems::table
            .inner_join(programmes::table)
            .group_by(programme_stems::stem)
            .select((programme_stems::stem, count_star()))
            .into_boxed::<MultiBackend>(),
        &without(|g| g.stems.clear())
    )
    .load(conn)?;
    let priorities: Vec<(i32, i64)> = apply_filters!(
        programme_priorities::table
            .inner_join(programmes::table)
            .group_by(programme_priorities::priority_code)
            .select((programme_priorities::priority_code, count_star()))
            .into_boxed::<MultiBackend>(),
        &without(|g| g.priorities.clear())
    )
    .load(conn)?;
    let themes: Vec<(Theme, i64)> = every(&themes);
    // Every programme has one theme, so the programmes matching every filter are those the
    // theme facet counts under the chosen themes (all of them when none is chosen).
    let total = themes
        .iter()
        .filter(|(t, _)| f.themes.is_empty() || f.themes.contains(t))
        .map(|(_, n)| n)
        .sum();
    Ok(Facets {
        total,
        themes,
        levels: every(&levels),
        stems: every(&stems),
        delivery_modes: every(&delivery_modes),
        availabilities: every(&availabilities),
        priorities: Priority::ALL
            .iter()
            .map(|p| {
                let n = priorities
                    .iter()
                    .find(|(c, _)| *c == i32::from(p.code()))
                    .map_or(0, |(_, n)| *n);
                (*p, n)
            })
            .collect(),
    })
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
