//! The query budget (issue 12): the SQL statements a request sends, as `/metrics` reports
//! them (`db_client_statements_per_request`, by route template), on both backends. Each
//! budget is read as the change of the histogram's sum across exactly one request.

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use crate::fixtures::learning::{enrolled, id, open_cohort, person, world};
use crate::helpers::{TestApp, spawn_app_with};

const METRICS_TOKEN: &str = "scraper-secret-for-the-tests-0123";

/// As in production by default: tokens checked against revocation once a minute, delta
/// sync settling for a second (one statement more: where it may read up to).
async fn app() -> TestApp {
    spawn_app_with(|s| {
        s.metrics.token = Some(METRICS_TOKEN.to_owned());
        s.auth.revocation_check = Duration::from_secs(60);
        s.sync_settle = Duration::from_secs(1);
    })
    .await
}

async fn scrape(app: &TestApp) -> String {
    let res = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

/// The value of `name{labels…}` where every wanted label matches.
pub fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            let (metric, rest) = series.split_once('{').unwrap_or((series, "}"));
            (metric == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\""))))
            .then(|| value.parse().ok())?
        })
        .reduce(|a, b| a + b)
}

fn statements(text: &str, method: &str, route: &str) -> (f64, f64) {
    let labels = [("http_request_method", method), ("http_route", route)];
    (
        sample(text, "db_client_statements_per_request_sum", &labels).unwrap_or(0.0),
        sample(text, "db_client_statements_per_request_count", &labels).unwrap_or(0.0),
    )
}

/// Statements one GET of `path` (whose route template is `route`) sent.
async fn budget_of(app: &TestApp, token: Option<&str>, path: &str, route: &str) -> f64 {
    let before = statements(&scrape(app).await, "GET", route);
    let res = app.send(Method::GET, path, token, None).await;
    assert_eq!(res.status(), 200, "GET {path}");
    let after = statements(&scrape(app).await, "GET", route);
    assert_eq!(after.1 - before.1, 1.0, "one request of {route} counted");
    after.0 - before.0
}

#[tokio::test]
async fn the_main_reads_stay_within_their_statement_budgets() {
    let app = app().await;
    let w = world(&app).await;
    let cohort = open_cohort(&app, &w.admin, 1, true).await;
    let first = person(&app, &w.org_token, 1, Some(&w.org)).await;
    let second = person(&app, &w.org_token, 2, Some(&w.org)).await;
    let seated = enrolled(&app, &w.org_token, &id(&cohort), &id(&first)).await;
    let waiting = enrolled(&app, &w.org_token, &id(&cohort), &id(&second)).await;
    assert_eq!(waiting["status"], "waitlisted");

    let budgets: Vec<(String, &str, &str, f64)> = vec![
        (
            format!("/api/v1/people/{}", id(&first)),
            "/api/v1/people/{id}",
            "org",
            2.0,
        ),
        (
            format!("/api/v1/cohorts/{}", id(&cohort)),
            "/api/v1/cohorts/{id}",
            "admin",
            2.0,
        ),
        (
            format!("/api/v1/enrolments/{}", id(&seated)),
            "/api/v1/enrolments/{id}",
            "org",
            2.0,
        ),
        (
            format!("/api/v1/enrolments/{}", id(&waiting)),
            "/api/v1/enrolments/{id}",
            "org",
            2.0,
        ),
        (
            "/api/v1/enrolments?limit=1".to_owned(),
            "/api/v1/enrolments",
            "org",
            4.0,
        ),
        (
            "/api/v1/programmes?q=leadership".to_owned(),
            "/api/v1/programmes",
            "none",
            0.0,
        ),
        (
            "/api/v1/programmes/vital-signs".to_owned(),
            "/api/v1/programmes/{id_or_slug}",
            "none",
            0.0,
        ),
        (
            "/api/v1/priorities".to_owned(),
            "/api/v1/priorities",
            "none",
            0.0,
        ),
        (
            "/api/v1/communities".to_owned(),
            "/api/v1/communities",
            "none",
            0.0,
        ),
        (
            "/api/v1/taxonomy".to_owned(),
            "/api/v1/taxonomy",
            "none",
            0.0,
        ),
    ];
    for (path, route, who, most) in budgets {
        let token = match who {
            "org" => Some(w.org_token.as_str()),
            "admin" => Some(w.admin.as_str()),
            _ => None,
        };
        let n = steady_budget(&app, token, &path, route).await;
        assert!(n <= most, "GET {path}: {n} statements, budget {most}");
    }
}

/// Twice: the first may refresh the catalogue after writes, or read the token's revocation
/// state; the budget is that of the steady state.
async fn steady_budget(app: &TestApp, token: Option<&str>, path: &str, route: &str) -> f64 {
    budget_of(app, token, path, route).await;
    budget_of(app, token, path, route).await
}

#[tokio::test]
async fn the_commissioning_reads_stay_within_their_statement_budgets() {
    use crate::commissioning::{brief, need, parties, recorded_need, submitted};
    let app = app().await;
    let p = parties(&app).await;
    let r = id(&submitted(&app, &p.a, brief()).await);
    let need = recorded_need(&app, &p.a, need(30, Some("vital-signs"))).await;
    let reports = app.token_with(&p.w.admin, &["reports:read"]).await;
    let budgets = [
        // The request, its priorities and its cohorts.
        (
            format!("/api/v1/commissioning-requests/{r}"),
            "/api/v1/commissioning-requests/{id}",
            &p.a,
            3.0,
        ),
        (
            "/api/v1/commissioning-requests?limit=5".to_owned(),
            "/api/v1/commissioning-requests",
            &p.a,
            3.0,
        ),
        (
            format!("/api/v1/commissioning-requests/{r}/messages"),
            "/api/v1/commissioning-requests/{id}/messages",
            &p.a,
            2.0,
        ),
        (
            format!("/api/v1/learning-needs/{}", id(&need)),
            "/api/v1/learning-needs/{id}",
            &p.a,
            1.0,
        ),
        (
            "/api/v1/learning-needs?limit=5".to_owned(),
            "/api/v1/learning-needs",
            &p.a,
            1.0,
        ),
        // Needs, seats and learners by priority, then by the programmes named: five
        // statements, in a read snapshot (three more on PostgreSQL, two on SQLite).
        (
            "/api/v1/reports/learning-needs?year=2027".to_owned(),
            "/api/v1/reports/learning-needs",
            &reports,
            8.0,
        ),
    ];
    for (path, route, token, most) in budgets {
        let n = steady_budget(&app, Some(token), &path, route).await;
        assert!(n <= most, "GET {path}: {n} statements, budget {most}");
    }
}

#[tokio::test]
async fn metrics_need_the_token_and_describe_routes_without_ids() {
    let app = app().await;
    let w = world(&app).await;
    let p = person(&app, &w.org_token, 1, Some(&w.org)).await;
    let res = app
        .send(
            Method::GET,
            &format!("/api/v1/people/{}", id(&p)),
            Some(&w.org_token),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);

    for token in [
        None,
        Some("wrong-token-of-enough-length"),
        Some(w.org_token.as_str()),
    ] {
        let mut req = app.client.get(app.url("/metrics"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        assert_eq!(
            res.status(),
            401,
            "an access token is not the metrics token"
        );
        assert!(res.headers().contains_key("www-authenticate"));
    }
    let text = scrape(&app).await;
    for family in [
        "http_server_request_duration_seconds_bucket",
        "http_server_active_requests",
        "db_client_statements_per_request_sum",
        "db_client_connection_count",
        "db_client_connection_max",
        "db_client_connection_wait_time_seconds_count",
        "db_client_connection_timeouts_total",
        "catalogue_snapshot_version",
        "catalogue_snapshot_age_seconds",
    ] {
        assert!(sample(&text, family, &[]).is_some(), "{family} in {text}");
    }
    // OpenTelemetry's boundaries, by route template, method and status.
    let ok = [
        ("http_route", "/api/v1/people/{id}"),
        ("http_request_method", "GET"),
        ("http_response_status_code", "200"),
    ];
    assert_eq!(
        sample(&text, "http_server_request_duration_seconds_count", &ok),
        Some(1.0)
    );
    for le in ["0.005", "0.075", "2.5", "10", "+Inf"] {
        let mut labels = ok.to_vec();
        labels.push(("le", le));
        assert!(
            sample(
                &text,
                "http_server_request_duration_seconds_bucket",
                &labels
            )
            .is_some(),
            "bucket {le}"
        );
    }
    assert!(!text.contains(&id(&p)), "no ids in labels");
    assert!(sample(&text, "catalogue_snapshot_version", &[]).unwrap() >= 1.0);
    let max = sample(&text, "db_client_connection_max", &[]).unwrap();
    assert_eq!(max, 4.0, "the tests' pool size");
    let open: f64 = ["used", "idle"]
        .iter()
        .map(|s| {
            sample(
                &text,
                "db_client_connection_count",
                &[("db_client_connection_state", s)],
            )
            .unwrap()
        })
        .sum();
    assert!((1.0..=max).contains(&open), "{open} connections open");
}

#[tokio::test]
async fn without_a_metrics_token_the_api_listener_serves_no_metrics() {
    let app = spawn_app_with(|_| {}).await;
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("METRICS_ADDR"));
}

#[tokio::test]
async fn metrics_addr_serves_them_on_a_listener_of_their_own() {
    let db = crate::helpers::TestDb::create().await;
    let mut settings = crate::helpers::settings_for(db.url());
    settings.metrics.address = Some("127.0.0.1:0".to_owned());
    let app = api::startup::Application::build(settings).await.unwrap();
    let (port, metrics_port) = (app.port(), app.metrics_port().unwrap());
    tokio::spawn(app.run_until_stopped());
    let http = crate::helpers::client();
    let own = http
        .get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    assert!(
        own.text()
            .await
            .unwrap()
            .contains("http_server_active_requests")
    );
    let api = http
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 404, "not on the API's listener");
}

/// No connection is tested on checkout: one the database dropped is found out by the first
/// statement it is given, dropped, and that request carried on another connection.
#[tokio::test]
async fn connections_the_database_dropped_are_replaced_without_a_failed_request() {
    use diesel::{Connection, RunQueryDsl};
    let db = crate::helpers::TestDb::create().await;
    if !db.is_postgres() {
        eprintln!("PostgreSQL-only test: SQLite has no server to drop a connection");
        return;
    }
    let address = crate::helpers::start(crate::helpers::settings_for(db.url())).await;
    let http = crate::helpers::client();
    let cohorts = || http.get(format!("{address}/api/v1/cohorts")).send();
    let warm = futures_util::future::join_all((0..4).map(|_| cohorts())).await;
    assert!(warm.iter().all(|r| r.as_ref().unwrap().status() == 200));
    let url = db.url().to_owned();
    let dropped = tokio::task::spawn_blocking(move || {
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        diesel::sql_query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .execute(&mut conn)
        .unwrap()
    })
    .await
    .unwrap();
    assert!(dropped >= 1, "the pool had connections to drop");
    for n in 0..8 {
        let res = cohorts().await.unwrap();
        assert_eq!(
            res.status(),
            200,
            "request {n} after the database dropped the pool"
        );
    }
}
