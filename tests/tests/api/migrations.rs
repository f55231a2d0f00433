//! Both migration folders hold the same migrations; every migration reverts cleanly.

use std::collections::BTreeSet;
use std::path::Path;

use crate::helpers::TestDb;

fn names(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(backend);
    std::fs::read_dir(dir)
        .expect("migrations folder")
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| {
            for f in ["up.sql", "down.sql"] {
                assert!(
                    e.path().join(f).is_file(),
                    "{backend}/{:?} lacks {f}",
                    e.file_name()
                );
            }
            e.file_name().to_string_lossy().into_owned()
        })
        .collect()
}

#[test]
fn both_backends_have_the_same_migration_names() {
    let pg = names("postgres");
    assert!(!pg.is_empty());
    assert_eq!(pg, names("sqlite"));
}

#[tokio::test]
async fn every_migration_reverts_cleanly_and_applies_again() {
    let db = TestDb::create().await;
    let url = db.url().to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = persistence::DatabaseUrl::parse(&url)
            .unwrap()
            .connect()
            .unwrap();
        // Templates arrive migrated; make sure, then go down and up again.
        persistence::migrations::run_pending(&mut conn).unwrap();
        let expected = names("postgres").len();
        let reverted = persistence::migrations::revert_all(&mut conn).unwrap();
        assert_eq!(reverted.len(), expected);
        let applied = persistence::migrations::run_pending(&mut conn).unwrap();
        assert_eq!(applied.len(), expected);
        persistence::migrations::verify_schema(&mut conn).unwrap();
        persistence::catalogue::seed::run(&mut conn).unwrap();
    })
    .await
    .unwrap();
}
