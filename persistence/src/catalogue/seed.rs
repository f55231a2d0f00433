//! Reference data (the seven priorities, the five Venus stems) and the prospectus
//! portfolio from `persistence/seed/portfolio.toml`, compiled in.
//!
//! Idempotent: reference rows are upserted; a programme is inserted when its slug is new,
//! refreshed when the seed entry changed and nobody edited the row since it was seeded,
//! and otherwise left alone — an operator's edit (which clears `seed_digest`) always wins.

use diesel::prelude::*;
use domain::{
    DurationInput, Priority, Programme, ProgrammeInput, ProgrammeStatus, VenusStem, Vocabulary,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::programme_rows::{ProgrammeValues, replace_children};
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{priorities, programmes, seed_log, venus_stems};
use crate::sql_types::DbUuid;

const PORTFOLIO: &str = include_str!("../../seed/portfolio.toml");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    programme: Vec<SeedProgramme>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedDuration {
    min: Option<i64>,
    max: Option<i64>,
    unit: Option<String>,
    cadence: Option<String>,
}

/// One `[[programme]]` of the seed file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedProgramme {
    slug: String,
    title: String,
    theme: String,
    level: String,
    what: String,
    how: Option<String>,
    who: Option<String>,
    when: Option<String>,
    /// Left out where the prospectus does not say ("not stated").
    delivery_mode: Option<String>,
    availability: Option<String>,
    partners: Vec<String>,
    stems: Vec<String>,
    priorities: Vec<i64>,
    /// Why the programme serves those priorities: for the people who maintain the file.
    priorities_reason: String,
    duration: Option<SeedDuration>,
}

impl SeedProgramme {
    fn digest(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        format!("{:x}", Sha256::digest(bytes))
    }

    fn programme(&self) -> Result<Programme, String> {
        let s = self.clone();
        Programme::parse(ProgrammeInput {
            slug: Some(s.slug),
            title: Some(s.title),
            theme: Some(s.theme),
            level: Some(s.level),
            what: Some(s.what),
            how: s.how,
            who: s.who,
            when: s.when,
            duration: s.duration.map(|d| DurationInput {
                min: d.min,
                max: d.max,
                unit: d.unit,
                cadence: d.cadence,
            }),
            delivery_mode: s.delivery_mode,
            availability: s.availability,
            partners: s.partners,
            stems: s.stems,
            priorities: s.priorities.iter().map(ToString::to_string).collect(),
            status: Some(ProgrammeStatus::Published.value().to_owned()),
        })
        .map_err(|e| format!("seed programme '{}': {e}", self.slug))
    }
}

/// The portfolio as the seed file describes it, each entry with its digest.
pub fn portfolio() -> Result<Vec<(Programme, String)>, String> {
    let file: SeedFile =
        toml::from_str(PORTFOLIO).map_err(|e| format!("seed/portfolio.toml: {e}"))?;
    file.programme
        .iter()
        .map(|p| Ok((p.programme()?, p.digest())))
        .collect()
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub inserted: usize,
    pub refreshed: usize,
    pub unchanged: usize,
    /// Seeded programmes an operator has edited since: left as the operator made them.
    pub operator_edited: usize,
    /// Seeded programmes an operator deleted: not brought back.
    pub operator_deleted: usize,
    /// Seed entries whose slug an operator's own programme already uses: not inserted.
    pub slug_taken: usize,
    /// Communities of Practice inserted (the seeded ones, the first time).
    pub communities: usize,
}

/// Writes reference data and the portfolio, in one transaction. Seeded rows are matched by
/// their seed key (the entry's slug in the seed file), not by their current slug, so an
/// operator may rename them; every key ever seeded is logged, so a deleted one stays deleted.
pub fn run(conn: &mut DbConnection) -> StoreResult<SeedReport> {
    let portfolio = portfolio().map_err(StoreError::Corrupt)?;
    conn.transaction(|conn| {
        reference_data(conn)?;
        let mut report = SeedReport::default();
        for (programme, digest) in &portfolio {
            let key = programme.slug().as_str();
            let existing: Option<(DbUuid, Option<String>)> = programmes::table
                .filter(programmes::seed_key.eq(key))
                .select((programmes::id, programmes::seed_digest))
                .first(conn)
                .optional()?;
            let logged = seed_log::table.find(key).count().get_result::<i64>(conn)? > 0;
            let at = now();
            match existing {
                None if logged => report.operator_deleted += 1,
                None => {
                    let taken = programmes::table
                        .filter(programmes::slug.eq(key))
                        .count()
                        .get_result::<i64>(conn)?
                        > 0;
                    if taken {
                        report.slug_taken += 1;
                        continue;
                    }
                    let id = DbUuid(Uuid::now_v7());
                    diesel::insert_into(programmes::table)
                        .values((
                            programmes::id.eq(id),
                            ProgrammeValues::new(programme, Some(digest.clone()), at),
                            programmes::seed_key.eq(key),
                            programmes::created_at.eq(at),
                        ))
                        .execute(conn)?;
                    replace_children(conn, id, programme)?;
                    diesel::insert_into(seed_log::table)
                        .values((seed_log::seed_key.eq(key), seed_log::first_seeded_at.eq(at)))
                        .execute(conn)?;
                    report.inserted += 1;
                }
                Some((_, Some(seeded))) if &seeded == digest => report.unchanged += 1,
                Some((id, Some(_))) => {
                    diesel::update(programmes::table.find(id))
                        .set((
                            ProgrammeValues::new(programme, Some(digest.clone()), at),
                            programmes::version.eq(programmes::version + 1),
                        ))
                        .execute(conn)?;
                    replace_children(conn, id, programme)?;
                    report.refreshed += 1;
                }
                Some((_, None)) => report.operator_edited += 1,
            }
        }
        report.communities = crate::communities::seed::run(conn)?;
        if report.inserted + report.refreshed > 0 {
            super::version::bump(conn)?;
        }
        Ok(report)
    })
}

fn reference_data(conn: &mut DbConnection) -> StoreResult<()> {
    for p in Priority::ALL {
        let values = (
            priorities::slug.eq(p.slug()),
            priorities::title.eq(p.title()),
            priorities::description.eq(p.description()),
        );
        let updated = diesel::update(priorities::table.find(i32::from(p.code())))
            .set(values)
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(priorities::table)
                .values((priorities::code.eq(i32::from(p.code())), values))
                .execute(conn)?;
        }
    }
    for s in VenusStem::all() {
        let values = (
            venus_stems::title.eq(s.label()),
            venus_stems::description.eq(s.description()),
        );
        let updated = diesel::update(venus_stems::table.find(s.value()))
            .set(values)
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(venus_stems::table)
                .values((venus_stems::slug.eq(s.value()), values))
                .execute(conn)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{SystemLevel, Theme};

    #[test]
    fn the_portfolio_has_23_valid_programmes_with_unique_slugs() {
        let portfolio = portfolio().unwrap();
        assert_eq!(portfolio.len(), 23);
        let mut slugs: Vec<_> = portfolio.iter().map(|(p, _)| p.slug().as_str()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), 23);
    }

    #[test]
    fn facilitation_at_team_level_is_champions4change_and_vital_signs() {
        let mut titles: Vec<_> = portfolio()
            .unwrap()
            .into_iter()
            .filter(|(p, _)| p.theme() == Theme::Facilitation && p.level() == SystemLevel::Micro)
            .map(|(p, _)| p.slug().to_string())
            .collect();
        titles.sort();
        assert_eq!(titles, vec!["champions4change", "vital-signs"]);
    }

    #[test]
    fn every_theme_level_cell_and_every_priority_is_used() {
        let portfolio = portfolio().unwrap();
        for t in Theme::all() {
            for l in SystemLevel::all() {
                assert!(
                    portfolio
                        .iter()
                        .any(|(p, _)| p.theme() == *t && p.level() == *l),
                    "{t:?} {l:?}"
                );
            }
        }
        for pr in Priority::ALL {
            let used = portfolio.iter().any(|(p, _)| p.priorities().contains(&pr));
            // Priorities 4 and 5 concern prevention and inclusion; the prospectus touches them lightly.
            assert!(
                used || matches!(
                    pr,
                    Priority::PreventingIllHealth | Priority::NarrowInequalities
                ),
                "{pr:?}"
            );
        }
    }

    #[test]
    fn digests_are_stable_and_distinct() {
        let a = portfolio().unwrap();
        let b = portfolio().unwrap();
        assert_eq!(
            a.iter().map(|x| &x.1).collect::<Vec<_>>(),
            b.iter().map(|x| &x.1).collect::<Vec<_>>()
        );
        let mut d: Vec<_> = a.iter().map(|x| x.1.clone()).collect();
        d.sort();
        d.dedup();
        assert_eq!(d.len(), 23);
    }
}
