//! `TestApp`: the real application on a free port with a database of its own — a
//! temporary SQLite file, or, when `TEST_DATABASE_URL` names a PostgreSQL server, a fresh
//! database copied from a migrated and seeded template, dropped when the test ends.

use std::time::Duration;

use api::config::{LogFormat, RateLimits, Settings};
use api::startup::Application;
use diesel::{Connection, PgConnection, RunQueryDsl};
use persistence::{DatabaseUrl, PoolOptions};
use reqwest::Response;
use reqwest_middleware::ClientWithMiddleware as Client;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;
use uuid::Uuid;

pub use crate::fixtures::auth::Credentials;

/// The PostgreSQL server to test against, when set (e.g. `postgres://postgres@127.0.0.1:5432/postgres`).
pub fn postgres_server() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    format!("{}/{name}{query}", &base[..host_end])
}

/// A database of one test.
pub enum TestDb {
    Sqlite {
        _dir: tempfile::TempDir,
        url: String,
    },
    Postgres {
        server: String,
        name: String,
        url: String,
    },
}

impl TestDb {
    pub async fn create() -> TestDb {
        match postgres_server() {
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("wtxa.db").display());
                TestDb::Sqlite { _dir: dir, url }
            }
            Some(server) => {
                let template = template(&server).await;
                let name = format!("wtxa_t_{}", Uuid::new_v4().simple());
                let admin = server.clone();
                let create = format!("CREATE DATABASE {name} TEMPLATE {template}");
                tokio::task::spawn_blocking(move || {
                    let mut conn =
                        PgConnection::establish(&admin).expect("connect to TEST_DATABASE_URL");
                    // Copies of one template are serialised by PostgreSQL; retry if it is busy.
                    for attempt in 0..20 {
                        match diesel::sql_query(&create).execute(&mut conn) {
                            Ok(_) => return,
                            Err(e) if attempt < 19 && e.to_string().contains("being accessed") => {
                                std::thread::sleep(Duration::from_millis(100))
                            }
                            Err(e) => panic!("{create}: {e}"),
                        }
                    }
                })
                .await
                .expect("create database");
                let url = with_database(&server, &name);
                TestDb::Postgres { server, name, url }
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }

    /// A direct connection, for tests that arrange data the API cannot (yet) write.
    pub fn connect(&self) -> persistence::DbConnection {
        DatabaseUrl::parse(self.url())
            .expect("url")
            .connect()
            .expect("connect")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { server, name, .. } = self
            && let Ok(mut conn) = PgConnection::establish(server)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn);
        }
    }
}

/// Name of the template database for the current migrations and seed, built once.
async fn template(server: &str) -> String {
    static TEMPLATE: OnceCell<String> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| {
            let server = server.to_owned();
            async move {
                tokio::task::spawn_blocking(move || build_template(&server))
                    .await
                    .expect("template")
            }
        })
        .await
        .clone()
}

fn fingerprint() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut hasher = Sha256::new();
    let mut files = Vec::new();
    for dir in ["migrations/postgres", "persistence/seed", "domain/src"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
                let p = entry.path();
                if p.is_dir() {
                    stack.push(p)
                } else {
                    files.push(p)
                }
            }
        }
    }
    files.sort();
    for f in files {
        hasher.update(f.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&f).expect("read file"));
    }
    format!("{:x}", hasher.finalize())[..16].to_owned()
}

fn build_template(server: &str) -> String {
    let name = format!("wtxa_tpl_{}", fingerprint());
    let mut conn = PgConnection::establish(server).expect("connect to TEST_DATABASE_URL");
    diesel::sql_query("SELECT pg_advisory_lock(4242)")
        .execute(&mut conn)
        .expect("lock");
    let exists = diesel::sql_query(format!(
        "SELECT 1 FROM pg_database WHERE datname = '{name}'"
    ))
    .execute(&mut conn)
    .expect("query")
        > 0;
    if !exists {
        let building = format!("{name}_build");
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
            .execute(&mut conn)
            .expect("drop");
        diesel::sql_query(format!("CREATE DATABASE {building}"))
            .execute(&mut conn)
            .expect("create");
        {
            let url = DatabaseUrl::parse(&with_database(server, &building)).expect("url");
            let store = persistence::Store::connect(&url, &PoolOptions::default())
                .expect("connect template");
            store.migrate().expect("migrate template");
            store.seed().expect("seed template");
        }
        diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
            .execute(&mut conn)
            .expect("rename");
    }
    diesel::sql_query("SELECT pg_advisory_unlock(4242)")
        .execute(&mut conn)
        .expect("unlock");
    name
}

/// Development settings on a free port; limits high enough that only the tests about
/// limits meet them; revocation checked on every request.
pub fn settings_for(url: &str) -> Settings {
    let mut s = Settings::development(DatabaseUrl::parse(url).expect("database url"));
    s.port = 0;
    s.workers = Some(1);
    s.pool = PoolOptions {
        max_size: 4,
        connect_timeout: Duration::from_secs(5),
        ..PoolOptions::default()
    };
    s.max_body_bytes = 64 * 1024;
    s.auth.revocation_check = Duration::ZERO;
    s.sync_settle = Duration::ZERO;
    s.rate_limits = RateLimits {
        client_requests: 1_000_000,
        anonymous_requests: 1_000_000,
        window: Duration::from_secs(60),
    };
    s
}

pub struct TestApp {
    pub address: String,
    pub client: Client,
    /// Kept alive for the test: dropping it deletes the database.
    pub _db: TestDb,
}

/// The application on a fresh database, with the test settings changed by `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let db = TestDb::create().await;
    let mut settings = settings_for(db.url());
    adjust(&mut settings);
    let address = start(settings).await;
    TestApp {
        address,
        client: client(),
        _db: db,
    }
}

/// The application on a fresh database.
pub async fn spawn_app() -> TestApp {
    let db = TestDb::create().await;
    let address = start(settings_for(db.url())).await;
    TestApp {
        address,
        client: client(),
        _db: db,
    }
}

/// The HTTP client of every test: each response it receives is checked against the
/// committed contract (see `conformance.rs`), and a response that breaks it fails the test.
pub fn client() -> Client {
    client_from("127.0.0.1")
}

/// As [`client`], calling from another loopback address (`127.0.0.2`: all of 127/8 is
/// loopback), as a caller elsewhere on the network would.
pub fn client_from(address: &str) -> Client {
    let inner = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(address.parse::<std::net::IpAddr>().expect("address"))
        .build()
        .expect("client");
    reqwest_middleware::ClientBuilder::new(inner)
        .with(crate::conformance::Conformance)
        .build()
}

/// GETs `address` + `path`, expecting 200 and JSON.
pub async fn fetch_json(address: &str, path: &str) -> Value {
    let res = client()
        .get(format!("{address}{path}"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200, "GET {path}");
    res.json().await.expect("json body")
}

/// Builds and starts the application; returns its base URL.
pub async fn start(settings: Settings) -> String {
    if std::env::var("TEST_LOG").is_ok() {
        api::telemetry::init(LogFormat::Text);
    }
    let app = Application::build(settings)
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    address
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// GET expecting `status`; returns the JSON body.
    pub async fn get_json(&self, path: &str, status: u16) -> Value {
        let res = self.get(path).await;
        assert_eq!(res.status().as_u16(), status, "GET {path}");
        res.json().await.expect("json body")
    }

    /// GET expecting a problem document with `status`; returns it.
    pub async fn get_problem(&self, path: &str, status: u16) -> Value {
        let res = self.get(path).await;
        assert_problem(res, status).await
    }

    /// Every programme matching `query` (all pages), in order.
    pub async fn all_programmes(&self, query: &str) -> Vec<Value> {
        let body = self
            .get_json(&format!("/api/v1/programmes?limit=100&{query}"), 200)
            .await;
        assert!(body["next_cursor"].is_null(), "more than 100 programmes");
        body["data"].as_array().expect("data").clone()
    }
}

/// Asserts `res` is an RFC 9457 problem with `status`, and returns it.
pub async fn assert_problem(res: Response, status: u16) -> Value {
    assert_eq!(res.status().as_u16(), status);
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(ct, "application/problem+json");
    let request_id = res
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: Value = res.json().await.expect("problem body");
    assert_eq!(body["status"], status);
    assert!(
        body["type"].is_string() && body["title"].is_string(),
        "{body}"
    );
    assert_eq!(
        body["request_id"].as_str(),
        request_id.as_deref(),
        "request id in body and header"
    );
    body
}

pub fn slugs(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|p| p["slug"].as_str().unwrap_or_default().to_owned())
        .collect()
}

pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|x| x["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}
