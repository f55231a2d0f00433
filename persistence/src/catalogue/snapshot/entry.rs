//! A programme as the snapshot indexes it: its sort keys, one bit mask per facet and its
//! text folded for word search, all computed once when the snapshot is built.

use domain::{
    Availability, DeliveryMode, Priority, ProgrammeStatus, Strand, SystemLevel, Theme, VenusStem,
    Vocabulary,
};

use crate::catalogue::programme_rows::ProgrammeRecord;
use crate::page::timestamp_key;
use crate::text::fold;

/// The facets, in the order of [`Entry::masks`].
pub const THEME: usize = 0;
pub const LEVEL: usize = 1;
pub const STEM: usize = 2;
pub const PRIORITY: usize = 3;
pub const DELIVERY_MODE: usize = 4;
pub const AVAILABILITY: usize = 5;
pub const STRAND: usize = 6;
pub const FACETS: usize = 7;

/// The bit of `value` among a vocabulary's values (every vocabulary has fewer than 32).
pub fn bit<T: Vocabulary + PartialEq>(value: T) -> u32 {
    T::all()
        .iter()
        .position(|v| *v == value)
        .map_or(0, |i| 1 << i)
}

pub fn priority_bit(p: Priority) -> u32 {
    Priority::ALL
        .iter()
        .position(|v| *v == p)
        .map_or(0, |i| 1 << i)
}

/// The union of the bits of `values`.
pub fn mask<T: Copy>(values: impl IntoIterator<Item = T>, bit: impl Fn(T) -> u32) -> u32 {
    values.into_iter().map(bit).fold(0, |m, b| m | b)
}

pub struct Entry {
    pub record: ProgrammeRecord,
    pub title_key: String,
    pub updated_key: String,
    pub created_key: String,
    /// One bit per value the programme carries, per facet.
    pub masks: [u32; FACETS],
    pub status: ProgrammeStatus,
    /// Title, what and who, folded (see [`fold`]), one per line: the title is the first
    /// `title_len` bytes.
    text: String,
    title_len: usize,
}

impl Entry {
    pub fn new(record: ProgrammeRecord) -> Self {
        let p = &record.programme;
        let mut masks = [0; FACETS];
        masks[THEME] = bit::<Theme>(p.theme());
        masks[LEVEL] = bit::<SystemLevel>(p.level());
        masks[STEM] = mask(p.stems().iter().copied(), bit::<VenusStem>);
        masks[PRIORITY] = mask(p.priorities().iter().copied(), priority_bit);
        // "Not stated" carries no value: it matches no filter of that facet.
        masks[DELIVERY_MODE] = p.delivery_mode().map_or(0, bit::<DeliveryMode>);
        masks[AVAILABILITY] = p.availability().map_or(0, bit::<Availability>);
        masks[STRAND] = bit::<Strand>(p.strand());
        let title = fold(p.title());
        let title_len = title.len();
        let text = [Some(p.what()), p.who()]
            .into_iter()
            .flatten()
            .map(fold)
            .fold(title, |mut text, part| {
                text.push('\n');
                text.push_str(&part);
                text
            });
        Self {
            title_key: p.title_key(),
            updated_key: timestamp_key(record.updated_at),
            created_key: timestamp_key(record.created_at),
            masks,
            status: p.status(),
            text,
            title_len,
            record,
        }
    }

    /// How well the entry matches every one of `words`: `None` when one is missing, else a
    /// score (3 for a word in the title, 1 in what or who, summed). Most entries miss a word:
    /// one scan of the whole text rejects them; only matches are scored.
    pub fn score(&self, words: &[String]) -> Option<u32> {
        if !words.iter().all(|w| self.text.contains(w.as_str())) {
            return None;
        }
        let (title, body) = self.text.split_at(self.title_len);
        Some(
            words
                .iter()
                .map(|w| {
                    3 * u32::from(title.contains(w.as_str())) + u32::from(body.contains(w.as_str()))
                })
                .sum(),
        )
    }
}
