//! Lists from the snapshot: filters, word search, disjunctive facets, sorts and keyset
//! pages, in memory. A page walks a presorted order from the cursor's position (found by
//! binary search); the facets take one pass over every programme.

use domain::{
    Availability, DeliveryMode, Priority, ProgrammeStatus, Strand, SystemLevel, Theme, VenusStem,
    Vocabulary,
};
use uuid::Uuid;

use super::Snapshot;
use super::entry::{
    AVAILABILITY, DELIVERY_MODE, Entry, FACETS, LEVEL, PRIORITY, STEM, STRAND, THEME, bit, mask,
    priority_bit,
};
use crate::catalogue::programme_rows::ProgrammeRecord;
use crate::catalogue::programmes::{Facets, ProgrammeFilter, ProgrammeSort};
use crate::page::{Cursor, Page};
use crate::text::search_words;

/// A filter compiled to bit masks (0: the facet does not filter) and folded words.
struct Compiled {
    masks: [u32; FACETS],
    statuses: u32,
    words: Vec<String>,
}

impl Compiled {
    fn new(f: &ProgrammeFilter) -> Self {
        let mut masks = [0; FACETS];
        masks[THEME] = mask(f.themes.iter().copied(), bit::<Theme>);
        masks[LEVEL] = mask(f.levels.iter().copied(), bit::<SystemLevel>);
        masks[STEM] = mask(f.stems.iter().copied(), bit::<VenusStem>);
        masks[PRIORITY] = mask(f.priorities.iter().copied(), priority_bit);
        masks[DELIVERY_MODE] = mask(f.delivery_modes.iter().copied(), bit::<DeliveryMode>);
        masks[AVAILABILITY] = mask(f.availabilities.iter().copied(), bit::<Availability>);
        masks[STRAND] = mask(f.strands.iter().copied(), bit::<Strand>);
        Self {
            masks,
            statuses: mask(f.statuses.iter().copied(), bit::<ProgrammeStatus>),
            words: f.q.as_deref().map(search_words).unwrap_or_default(),
        }
    }

    /// The facets whose filter `e` fails, one bit per facet.
    fn failing(&self, e: &Entry) -> u32 {
        (0..FACETS)
            .filter(|&i| self.masks[i] != 0 && e.masks[i] & self.masks[i] == 0)
            .fold(0, |m, i| m | 1 << i)
    }

    /// The search score of `e` when its status and every search word match.
    fn score(&self, e: &Entry) -> Option<u32> {
        if self.statuses != 0 && bit(e.status) & self.statuses == 0 {
            return None;
        }
        e.score(&self.words)
    }
}

fn counted<T: Vocabulary>(counts: &[i64; 32]) -> Vec<(T, i64)> {
    T::all()
        .iter()
        .zip(counts.iter())
        .map(|(v, n)| (*v, *n))
        .collect()
}

/// The relevance sort key: the higher the score the earlier, then by title.
fn relevance_key(score: u32, e: &Entry) -> String {
    format!("{:05}{}", 99_999u32.saturating_sub(score), e.title_key)
}

impl Snapshot {
    /// One page of programmes matching `f` in `sort` order after `cursor`, and the facet
    /// counts over every programme matching `f`.
    pub fn list(
        &self,
        f: &ProgrammeFilter,
        sort: ProgrammeSort,
        limit: i64,
        cursor: Option<&Cursor>,
    ) -> (Page<ProgrammeRecord>, Facets) {
        let c = Compiled::new(f);
        let want = usize::try_from(limit).unwrap_or(0).saturating_add(1);
        let entries = &self.index.entries;
        // One pass decides status and words for every entry; the page and the facets share it.
        let scores: Vec<Option<u32>> = entries.iter().map(|e| c.score(e)).collect();
        let matches = |i: usize| scores[i].filter(|_| c.failing(&entries[i]) == 0);
        let after = cursor.map(|c| (c.key.as_str(), c.id));
        let picked: Vec<(String, &Entry)> = if sort == ProgrammeSort::Relevance {
            let mut all: Vec<(String, &Entry)> = (0..entries.len())
                .filter_map(|i| matches(i).map(|s| (relevance_key(s, &entries[i]), &entries[i])))
                .collect();
            all.sort_by(|a, b| (&a.0, a.1.record.id).cmp(&(&b.0, b.1.record.id)));
            all.into_iter()
                .filter(|(k, e)| after.is_none_or(|a| (k.as_str(), e.record.id) > a))
                .take(want)
                .collect()
        } else {
            let (order, key): (&[u32], fn(&Entry) -> &str) = match sort {
                ProgrammeSort::UpdatedAt | ProgrammeSort::UpdatedAtDesc => {
                    (&self.index.by_updated, |e| &e.updated_key)
                }
                ProgrammeSort::CreatedAt | ProgrammeSort::CreatedAtDesc => {
                    (&self.index.by_created, |e| &e.created_key)
                }
                _ => (&self.index.by_title, |e| &e.title_key),
            };
            let at = |i: &u32| -> (&str, Uuid) {
                let e = &entries[*i as usize];
                (key(e), e.record.id)
            };
            let hit = |i: &u32| {
                let e = &entries[*i as usize];
                matches(*i as usize).map(|_| (key(e).to_owned(), e))
            };
            if sort.descending() {
                let end = after.map_or(order.len(), |a| order.partition_point(|i| at(i) < a));
                order[..end]
                    .iter()
                    .rev()
                    .filter_map(hit)
                    .take(want)
                    .collect()
            } else {
                let start = after.map_or(0, |a| order.partition_point(|i| at(i) <= a));
                order[start..].iter().filter_map(hit).take(want).collect()
            }
        };
        let page = Page::from_overfetch(picked, limit, |(key, e)| Cursor {
            sort: sort.as_str().to_owned(),
            key: key.clone(),
            id: e.record.id,
        });
        let page = Page {
            items: page
                .items
                .into_iter()
                .map(|(_, e)| e.record.clone())
                .collect(),
            next_cursor: page.next_cursor,
        };
        (page, self.facets(&c, &scores))
    }

    /// Disjunctive facet counts: a programme failing no filter counts under every value it
    /// carries; one failing exactly one facet's filter counts under that facet only (it is
    /// what choosing one more value there would add).
    fn facets(&self, c: &Compiled, scores: &[Option<u32>]) -> Facets {
        let mut counts = [[0i64; 32]; FACETS];
        let mut total = 0;
        for (e, score) in self.index.entries.iter().zip(scores) {
            if score.is_none() {
                continue;
            }
            let failing = c.failing(e);
            let counted_in: u32 = match failing.count_ones() {
                0 => {
                    total += 1;
                    (1 << FACETS) - 1
                }
                1 => failing,
                _ => continue,
            };
            for (facet, facet_counts) in counts.iter_mut().enumerate() {
                if counted_in & (1 << facet) == 0 {
                    continue;
                }
                let mut values = e.masks[facet];
                while values != 0 {
                    facet_counts[values.trailing_zeros() as usize] += 1;
                    values &= values - 1;
                }
            }
        }
        Facets {
            total,
            themes: counted(&counts[THEME]),
            levels: counted(&counts[LEVEL]),
            stems: counted(&counts[STEM]),
            priorities: Priority::ALL
                .iter()
                .zip(counts[PRIORITY].iter())
                .map(|(p, n)| (*p, *n))
                .collect(),
            delivery_modes: counted(&counts[DELIVERY_MODE]),
            availabilities: counted(&counts[AVAILABILITY]),
            strands: counted(&counts[STRAND]),
        }
    }
}
