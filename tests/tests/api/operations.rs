use std::time::{Duration, Instant};

use api::startup::Application;

use crate::helpers::{settings_for, spawn_app};

#[tokio::test]
async fn liveness_and_readiness_answer_ok() {
    let app = spawn_app().await;
    assert_eq!(app.get_json("/health/live", 200).await["status"], "ok");
    assert_eq!(app.get_json("/health/ready", 200).await["status"], "ok");
}

#[tokio::test]
async fn swagger_ui_and_the_contract_are_served() {
    let app = spawn_app().await;
    let res = app.get("/docs").await;
    assert_eq!(res.status(), 308);
    assert_eq!(res.headers()["location"], "/docs/");
    let res = app.get("/docs/").await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("swagger"));
    let doc = app.get_json("/api-docs/openapi.json", 200).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
}

#[tokio::test]
async fn an_unreachable_postgres_fails_start_up_within_seconds_with_a_clear_error() {
    let started = Instant::now();
    // Port 1 on loopback: nothing listens there, so every connection is refused.
    let result = Application::build(settings_for("postgres://postgres@127.0.0.1:1/wtxa")).await;
    let elapsed = started.elapsed();
    let err = format!("{:#}", result.err().expect("start-up must fail"));
    assert!(elapsed < Duration::from_secs(8), "took {elapsed:?}");
    assert!(
        err.contains("cannot connect to the database at postgres://postgres@127.0.0.1:1/wtxa"),
        "{err}"
    );
}

mod database_outage {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use tokio::net::{TcpListener, TcpStream};
    use tokio::sync::Mutex;
    use tokio::task::JoinHandle;

    use crate::helpers::{TestDb, assert_problem, client, settings_for, start};

    /// A TCP proxy in front of PostgreSQL that the test can cut and restore.
    struct Proxy {
        port: u16,
        down: Arc<AtomicBool>,
        links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    }

    impl Proxy {
        async fn start(upstream: String) -> Proxy {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let down = Arc::new(AtomicBool::new(false));
            let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
            let (d, l) = (down.clone(), links.clone());
            tokio::spawn(async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    if d.load(Ordering::SeqCst) {
                        continue; // dropped: the connection is closed at once
                    }
                    let upstream = upstream.clone();
                    l.lock().await.push(tokio::spawn(async move {
                        if let Ok(mut outbound) = TcpStream::connect(&upstream).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    }));
                }
            });
            Proxy { port, down, links }
        }

        async fn cut(&self) {
            self.down.store(true, Ordering::SeqCst);
            for link in self.links.lock().await.drain(..) {
                link.abort();
            }
        }

        fn restore(&self) {
            self.down.store(false, Ordering::SeqCst);
        }
    }

    /// `postgres://user@HOST:PORT/db` → (`HOST:PORT`, the URL with `replacement` instead).
    fn split_host(url: &str, replacement: &str) -> (String, String) {
        let after_scheme = url.find("://").unwrap() + 3;
        let start = url[after_scheme..]
            .find('@')
            .map_or(after_scheme, |i| after_scheme + i + 1);
        let end = start + url[start..].find('/').unwrap();
        (
            url[start..end].to_owned(),
            format!("{}{replacement}{}", &url[..start], &url[end..]),
        )
    }

    #[tokio::test]
    async fn a_database_outage_gives_503_problems_and_the_api_recovers_by_itself() {
        let db = TestDb::create().await;
        if !db.is_postgres() {
            eprintln!(
                "PostgreSQL-only test: set TEST_DATABASE_URL to run it (SQLite is in-process and cannot go down)"
            );
            return;
        }
        let (upstream, _) = split_host(db.url(), "");
        let proxy = Proxy::start(upstream).await;
        let (_, via_proxy) = split_host(db.url(), &format!("127.0.0.1:{}", proxy.port));
        let mut settings = settings_for(&via_proxy);
        settings.pool.connect_timeout = Duration::from_secs(2);
        let address = start(settings).await;
        let http = client();
        let get = |path: &str| http.get(format!("{address}{path}")).send();

        assert_eq!(get("/api/v1/cohorts").await.unwrap().status(), 200);

        proxy.cut().await;
        // The catalogue is answered from the process's snapshot: it outlives the outage.
        let catalogue = get("/api/v1/programmes?q=leadership").await.unwrap();
        assert_eq!(catalogue.status(), 200, "the catalogue needs no database");
        for path in [
            "/api/v1/programmes/vital-signs",
            "/api/v1/priorities",
            "/api/v1/communities",
        ] {
            assert_eq!(
                get(path).await.unwrap().status(),
                200,
                "{path} during the outage"
            );
        }
        let res = get("/api/v1/cohorts").await.unwrap();
        assert_eq!(
            res.headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap()),
            Some("5")
        );
        let p = assert_problem(res, 503).await;
        assert_eq!(p["type"], "/problems/database-unavailable");
        assert!(
            !p.to_string().contains("127.0.0.1"),
            "no connection details in the body: {p}"
        );
        assert_problem(get("/health/ready").await.unwrap(), 503).await;
        assert_eq!(
            get("/health/live").await.unwrap().status(),
            200,
            "liveness does not depend on the database"
        );

        proxy.restore();
        let mut recovered = false;
        for _ in 0..20 {
            if get("/api/v1/cohorts").await.unwrap().status() == 200 {
                recovered = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        assert!(
            recovered,
            "the API did not recover once the database returned"
        );
        assert_eq!(get("/health/ready").await.unwrap().status(), 200);
    }
}
