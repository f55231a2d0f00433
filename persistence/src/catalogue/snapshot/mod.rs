//! The catalogue as an immutable in-memory snapshot: every programme with its stems,
//! priorities and partners, indexed for lists (filters, word search, disjunctive facets,
//! sorts, keyset pages) and single reads, plus each programme's next cohorts. Built from a
//! few statements in one read transaction ([`Snapshot::load`]); answering from it needs no
//! database at all. The API holds one per process and swaps in a new one when the
//! catalogue's version (or a cohort's seats) changes.

mod entry;
mod query;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use domain::{CohortStatus, DeliveryMode, Priority, ProgrammeStatus};
use uuid::Uuid;

use self::entry::Entry;
use super::priorities::PriorityUsage;
use super::programme_rows::{ProgrammeRecord, all_records};
use super::programmes::ProgrammeKey;
use crate::communities::community::{self, CommunityRecord};
use crate::db::{DbConnection, read_snapshot};
use crate::error::StoreResult;
use crate::learning::cohorts::{self, CohortRecord};

/// How many upcoming cohorts a programme carries.
pub const NEXT_COHORTS: usize = 3;

/// A planned or open cohort as a catalogue card shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextCohort {
    pub id: Uuid,
    pub label: String,
    pub status: CohortStatus,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub delivery_mode: DeliveryMode,
    pub capacity: i64,
    pub seats_left: i64,
    pub waitlist_enabled: bool,
    pub commissioning_organisation_id: Option<Uuid>,
}

/// Each programme's next cohorts (at most [`NEXT_COHORTS`], soonest first).
pub type NextCohorts = HashMap<Uuid, Vec<NextCohort>>;

/// What changes without a catalogue version bump (with every enrolment and membership): the
/// next cohorts' seats and the communities' public view (member counts, leadership). The
/// watcher reloads it on each tick and swaps the snapshot only when it differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volatile {
    pub next_cohorts: NextCohorts,
    /// Every community, by name.
    pub communities: Vec<CommunityRecord>,
}

impl Volatile {
    /// Reads it in one read transaction.
    pub fn load(conn: &mut DbConnection) -> StoreResult<Self> {
        read_snapshot(conn, Self::load_in)
    }

    fn load_in(conn: &mut DbConnection) -> StoreResult<Self> {
        Ok(Self {
            next_cohorts: next_cohorts(cohorts::upcoming(conn)?),
            communities: community::list(conn, None)?,
        })
    }
}

fn next_cohorts(upcoming: Vec<CohortRecord>) -> NextCohorts {
    let mut by_programme: NextCohorts = HashMap::new();
    // `cohorts::upcoming` orders by programme, then start date.
    for c in upcoming {
        let next = by_programme.entry(c.programme_id).or_default();
        if next.len() < NEXT_COHORTS {
            next.push(NextCohort {
                id: c.id,
                label: c.spec.label().to_owned(),
                status: c.status,
                start_date: c.spec.start_date(),
                end_date: c.spec.end_date(),
                delivery_mode: c.spec.delivery_mode(),
                capacity: c.spec.capacity(),
                seats_left: (c.spec.capacity() - c.seats.taken()).max(0),
                waitlist_enabled: c.spec.waitlist_enabled(),
                commissioning_organisation_id: c.commissioning_organisation_id,
            });
        }
    }
    by_programme
}

/// The programmes and their orders; shared by snapshots that differ only in seats.
struct Index {
    entries: Vec<Entry>,
    by_id: HashMap<Uuid, u32>,
    by_slug: HashMap<String, u32>,
    /// Entry positions in ascending (key, id) order, for each keyed sort.
    by_title: Vec<u32>,
    by_updated: Vec<u32>,
    by_created: Vec<u32>,
}

impl Index {
    fn new(records: Vec<ProgrammeRecord>) -> Self {
        let entries: Vec<Entry> = records.into_iter().map(Entry::new).collect();
        let positions = || (0..entries.len()).filter_map(|i| u32::try_from(i).ok());
        let ordered = |key: fn(&Entry) -> &str| {
            let mut order: Vec<u32> = positions().collect();
            order.sort_by(|&a, &b| {
                let (a, b) = (&entries[a as usize], &entries[b as usize]);
                (key(a), a.record.id).cmp(&(key(b), b.record.id))
            });
            order
        };
        let by_title = ordered(|e| &e.title_key);
        let by_updated = ordered(|e| &e.updated_key);
        let by_created = ordered(|e| &e.created_key);
        let by_id = positions()
            .map(|i| (entries[i as usize].record.id, i))
            .collect();
        let by_slug = positions()
            .map(|i| (entries[i as usize].record.programme.slug().to_string(), i))
            .collect();
        Self {
            entries,
            by_id,
            by_slug,
            by_title,
            by_updated,
            by_created,
        }
    }
}

/// One immutable view of the catalogue.
#[derive(Clone)]
pub struct Snapshot {
    /// The catalogue version it was built from.
    pub version: i64,
    index: Arc<Index>,
    volatile: Arc<Volatile>,
}

impl Snapshot {
    pub fn new(version: i64, programmes: Vec<ProgrammeRecord>, volatile: Volatile) -> Self {
        Self {
            version,
            index: Arc::new(Index::new(programmes)),
            volatile: Arc::new(volatile),
        }
    }

    /// Reads the whole catalogue in one read transaction: the version, the programmes and
    /// their three kinds of child rows, the upcoming cohorts (their seats and priorities)
    /// and the communities (their leadership and member counts).
    pub fn load(conn: &mut DbConnection) -> StoreResult<Self> {
        read_snapshot(conn, |conn| {
            let version = super::version::current(conn)?;
            let programmes = all_records(conn)?;
            Ok(Self::new(version, programmes, Volatile::load_in(conn)?))
        })
    }

    /// This snapshot with another volatile part, sharing its programmes.
    pub fn with_volatile(&self, volatile: Volatile) -> Self {
        Self {
            version: self.version,
            index: Arc::clone(&self.index),
            volatile: Arc::new(volatile),
        }
    }

    pub fn volatile(&self) -> &Volatile {
        &self.volatile
    }

    /// A programme's next cohorts, soonest first.
    pub fn next_cohorts(&self, programme: Uuid) -> &[NextCohort] {
        self.volatile
            .next_cohorts
            .get(&programme)
            .map_or(&[], Vec::as_slice)
    }

    /// Every community by name, or only those whose tripartite leadership is (`true`) or
    /// is not (`false`) complete.
    pub fn communities(&self, leadership_complete: Option<bool>) -> Vec<&CommunityRecord> {
        self.volatile
            .communities
            .iter()
            .filter(|c| {
                leadership_complete.is_none_or(|want| c.missing_leadership.is_empty() == want)
            })
            .collect()
    }

    /// A community by id or slug.
    pub fn community(&self, id_or_slug: &str) -> Option<&CommunityRecord> {
        let id = Uuid::parse_str(id_or_slug).ok();
        self.volatile.communities.iter().find(|c| match id {
            Some(id) => c.id == id,
            None => c.community.slug().as_str() == id_or_slug,
        })
    }

    /// How many programmes the snapshot holds, whatever their status.
    pub fn len(&self) -> usize {
        self.index.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.entries.is_empty()
    }

    /// A programme by id or slug, whatever its status.
    pub fn get(&self, key: &ProgrammeKey) -> Option<&ProgrammeRecord> {
        let at = match key {
            ProgrammeKey::Id(id) => self.index.by_id.get(id),
            ProgrammeKey::Slug(slug) => self.index.by_slug.get(slug),
        }?;
        self.index.entries.get(*at as usize).map(|e| &e.record)
    }

    /// Every priority, in code order, with how many published programmes serve it.
    pub fn priority_usage(&self) -> Vec<PriorityUsage> {
        Priority::ALL
            .iter()
            .map(|&priority| PriorityUsage {
                priority,
                published_programmes: self
                    .index
                    .entries
                    .iter()
                    .filter(|e| {
                        e.record.programme.status() == ProgrammeStatus::Published
                            && e.record.programme.priorities().contains(&priority)
                    })
                    .count() as i64,
            })
            .collect()
    }
}
