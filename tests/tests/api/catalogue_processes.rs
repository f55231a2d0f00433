//! Two API processes on one database: a catalogue write on one is served by the other within
//! `CATALOGUE_MAX_STALENESS_MS` (both backends), at once by notification on PostgreSQL, and
//! after the other's listening connection drops and returns.

use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use serde_json::{Value, json};

use crate::fixtures::learning::{enrolled, id, open_cohort, person, world};
use crate::helpers::{TestApp, TestDb, client, settings_for, start};

/// A second process on `db`, checking the catalogue's version every `staleness`.
async fn second_process(db: &TestDb, staleness: Duration) -> String {
    let mut settings = settings_for(db.url());
    settings.catalogue_max_staleness = staleness;
    start(settings).await
}

/// Polls `address` + `path` until `done` holds of the JSON; returns how long it took.
async fn until(
    address: &str,
    path: &str,
    within: Duration,
    done: impl Fn(&Value) -> bool,
) -> Duration {
    let started = Instant::now();
    loop {
        let res = client()
            .get(format!("{address}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "GET {path}");
        if done(&res.json().await.unwrap()) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "{path}: not served by the other process within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn retitle(app: &TestApp, admin: &str, title: &str) {
    let tag = app
        .etag_as("/api/v1/programmes/spheres-of-influence", admin)
        .await;
    let res = app
        .patch_if_match(
            "/api/v1/programmes/spheres-of-influence",
            admin,
            &tag,
            &json!({"title": title}),
        )
        .await;
    assert_eq!(res.status(), 200);
}

fn titled(title: &'static str) -> impl Fn(&Value) -> bool {
    move |p: &Value| p["title"] == title
}

#[tokio::test]
async fn a_write_on_one_process_is_served_by_the_other_within_the_staleness_bound() {
    let a = crate::helpers::spawn_app().await;
    let b = second_process(&a._db, Duration::from_millis(300)).await;
    let admin = a.admin_token().await;
    let path = "/api/v1/programmes/spheres-of-influence";
    // B has its snapshot already.
    until(
        &b,
        path,
        Duration::from_secs(1),
        titled("Spheres of Influence"),
    )
    .await;

    retitle(&a, &admin, "Spheres of Influence (renewed)").await;
    // A reads its own write at once; B within the bound (and a margin for this busy machine).
    assert_eq!(
        a.get_json(path, 200).await["title"],
        "Spheres of Influence (renewed)"
    );
    until(
        &b,
        path,
        Duration::from_millis(1500),
        titled("Spheres of Influence (renewed)"),
    )
    .await;
    until(
        &b,
        "/api/v1/programmes?q=renewed",
        Duration::from_millis(1500),
        |l| l["total"] == 1,
    )
    .await;
}

#[tokio::test]
async fn seats_taken_through_one_process_show_in_the_others_next_cohorts() {
    let a = crate::helpers::spawn_app().await;
    let b = second_process(&a._db, Duration::from_millis(300)).await;
    let w = world(&a).await;
    let cohort = id(&open_cohort(&a, &w.admin, 3, false).await);
    let seats_left = |n: i64| {
        let cohort = cohort.clone();
        move |p: &Value| {
            p["next_cohorts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == cohort.as_str() && c["seats_left"] == n)
        }
    };
    let path = "/api/v1/programmes/vital-signs";
    until(&b, path, Duration::from_millis(1500), seats_left(3)).await;
    let p = person(&a, &w.org_token, 1, Some(&w.org)).await;
    enrolled(&a, &w.org_token, &cohort, &id(&p)).await;
    until(&b, path, Duration::from_millis(1500), seats_left(2)).await;
}

/// Ends every catalogue listener's connection to the test's database, as a network cut or
/// a database restart would.
fn cut_listeners(db: &TestDb) -> usize {
    #[derive(diesel::QueryableByName)]
    struct Cut {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = db.connect();
    let persistence::DbConnection::Postgresql(pg) = &mut conn else {
        unreachable!("PostgreSQL only")
    };
    let cut: Cut = diesel::sql_query(format!(
        "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = '{}'",
        persistence::catalogue::listener::APPLICATION_NAME
    ))
    .get_result(pg)
    .unwrap();
    cut.n as usize
}

#[tokio::test]
async fn postgres_notifies_the_other_process_at_once_and_it_resynchronises_after_a_cut() {
    let a = crate::helpers::spawn_app().await;
    if !a._db.is_postgres() {
        eprintln!("PostgreSQL-only test: LISTEN/NOTIFY (set TEST_DATABASE_URL to run it)");
        return;
    }
    // B polls only once a minute: only a notification can make it fresh sooner.
    let b = second_process(&a._db, Duration::from_secs(60)).await;
    let admin = a.admin_token().await;
    let path = "/api/v1/programmes/spheres-of-influence";
    tokio::time::sleep(Duration::from_millis(300)).await; // both listeners connected

    retitle(&a, &admin, "Spheres, notified").await;
    until(
        &b,
        path,
        Duration::from_secs(2),
        titled("Spheres, notified"),
    )
    .await;

    // Cut the listening connections, then write while B cannot hear: its notification is
    // lost, and B resynchronises when its listener reconnects (within about a second).
    assert!(cut_listeners(&a._db) >= 2, "both processes were listening");
    retitle(&a, &admin, "Spheres, missed").await;
    until(&b, path, Duration::from_secs(5), titled("Spheres, missed")).await;

    // And it listens again.
    tokio::time::sleep(Duration::from_millis(300)).await;
    retitle(&a, &admin, "Spheres, heard again").await;
    until(
        &b,
        path,
        Duration::from_secs(2),
        titled("Spheres, heard again"),
    )
    .await;
}

#[tokio::test]
async fn a_member_joining_through_one_process_shows_in_the_others_community() {
    let a = crate::helpers::spawn_app().await;
    let b = second_process(&a._db, Duration::from_millis(300)).await;
    let w = world(&a).await;
    let path = "/api/v1/communities/leadership";
    let before = a.get(path).await;
    let tag = before.headers()["etag"].to_str().unwrap().to_owned();
    let before: Value = before.json().await.unwrap();
    let members = before["member_count"].as_i64().unwrap();
    let p = person(&a, &w.org_token, 1, Some(&w.org)).await;
    let res = crate::fixtures::communities::join(&a, &w.admin, "leadership", &p, "member").await;
    assert_eq!(res.status(), 201);
    // This process at once; the other within the bound; the tag names the new count.
    assert_eq!(a.get_json(path, 200).await["member_count"], members + 1);
    let again = a.get(path).await;
    assert_ne!(again.headers()["etag"].to_str().unwrap(), tag);
    until(&b, path, Duration::from_millis(1500), |c| {
        c["member_count"] == members + 1
    })
    .await;
    until(
        &b,
        "/api/v1/communities",
        Duration::from_millis(1500),
        |l| {
            l["data"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["slug"] == "leadership" && c["member_count"] == members + 1)
        },
    )
    .await;
}
