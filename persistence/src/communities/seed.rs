//! The seeded Communities of Practice (`persistence/seed/communities.toml`): inserted once by
//! seed key, never overwritten or brought back after an operator's change.

use diesel::prelude::*;
use domain::community::{Community, CommunityInput};
use serde::Deserialize;

use super::community as communities;
use crate::access::audit::AuditEntry;
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{communities as table, seed_log};

const COMMUNITIES: &str = include_str!("../../seed/communities.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    community: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    slug: String,
    name: String,
    purpose: String,
    kind: String,
    stem: Option<String>,
    status: String,
}

/// The seeded communities as the file describes them.
pub fn seeded() -> Result<Vec<Community>, String> {
    let file: File =
        toml::from_str(COMMUNITIES).map_err(|e| format!("seed/communities.toml: {e}"))?;
    file.community
        .into_iter()
        .map(|e| {
            Community::parse(CommunityInput {
                name: Some(e.name),
                slug: Some(e.slug.clone()),
                purpose: Some(e.purpose),
                kind: Some(e.kind),
                stem: e.stem,
                status: Some(e.status),
                ..Default::default()
            })
            .map_err(|err| format!("seed community '{}': {err}", e.slug))
        })
        .collect()
}

/// Inserts each seeded community whose key was never seeded; returns how many.
pub fn run(conn: &mut DbConnection) -> StoreResult<usize> {
    let audit = AuditEntry::by(None, None, "seed");
    let mut inserted = 0;
    for c in seeded().map_err(StoreError::Corrupt)? {
        let key = format!("community:{}", c.slug());
        let logged = seed_log::table.find(&key).count().get_result::<i64>(conn)? > 0;
        let taken = table::table
            .filter(table::slug.eq(c.slug().as_str()))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if logged || taken {
            continue;
        }
        communities::create(conn, &c, Some(&key), &audit)?;
        diesel::insert_into(seed_log::table)
            .values((
                seed_log::seed_key.eq(&key),
                seed_log::first_seeded_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
        inserted += 1;
    }
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    #[test]
    fn six_communities_one_per_stem_and_health_and_wellbeing() {
        let all = super::seeded().unwrap();
        assert_eq!(all.len(), 6);
        let stems: std::collections::BTreeSet<_> = all.iter().filter_map(|c| c.stem()).collect();
        assert_eq!(stems.len(), 5);
        assert!(
            all.iter()
                .any(|c| c.slug().as_str() == "leeds-health-and-wellbeing")
        );
    }
}
