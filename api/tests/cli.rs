//! The `api` binary as an operator runs it.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn api() -> Command {
    Command::new(env!("CARGO_BIN_EXE_api"))
}

#[test]
fn an_unsupported_database_url_stops_start_up_with_one_line_naming_the_schemes() {
    for url in ["mysql://root@localhost/wtxa", "wtxa.db", "postgres:wtxa"] {
        let out = api().env("DATABASE_URL", url).output().unwrap();
        assert!(!out.status.success(), "{url}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("sqlite://PATH") && stderr.contains("postgres://"),
            "{stderr}"
        );
    }
}

#[test]
fn invalid_settings_are_refused_naming_the_variable() {
    let out = api().env("PORT", "eighty").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("PORT='eighty'"));
}

#[test]
fn the_committed_openapi_yaml_is_what_the_code_generates() {
    let out = api().arg("openapi").output().unwrap();
    assert!(out.status.success());
    let generated = String::from_utf8(out.stdout).unwrap();
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml")).unwrap();
    assert!(
        generated == committed,
        "openapi.yaml differs from the code: run `cargo run -p api -- openapi --output openapi.yaml`"
    );
}

#[test]
fn migrate_applies_migrations_and_seeds_then_exits() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    for _ in 0..2 {
        let out = api()
            .arg("migrate")
            .env("DATABASE_URL", &url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(dir.path().join("m.db").exists());
}

/// True when `GET /health/live` answers 200 on `port`.
fn is_live(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let mut answer = String::new();
    stream
        .write_all(b"GET /health/live HTTP/1.0\r\n\r\n")
        .and_then(|_| stream.read_to_string(&mut answer))
        .is_ok()
        && answer.starts_with("HTTP/1.")
        && answer.get(8..13) == Some(" 200 ")
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = api()
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("s.db").display()),
        )
        .env("PORT", port.to_string())
        .env("WORKERS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    // Serving (not only bound): the signal handlers are installed once the server runs.
    while !is_live(port) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let stopping = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(15),
            "did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn production_refuses_a_missing_or_short_signing_secret() {
    let out = api()
        .env("APP_ENV", "production")
        .env_remove("JWT_SECRET")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("APP_ENV=production needs a signing key"),
        "{stderr}"
    );

    let out = api()
        .env("APP_ENV", "production")
        .env("JWT_SECRET", "too-short")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("JWT_SECRET is 9 bytes; it must be at least 32"),
        "{stderr}"
    );

    // Short secrets are refused in development too: only a missing one falls back.
    let out = api()
        .env("APP_ENV", "development")
        .env("JWT_SECRET", "too-short")
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn clients_create_prints_credentials_once_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    let out = api()
        .args([
            "clients",
            "create",
            "--name",
            "Academy admin",
            "--scopes",
            "admin",
            "--json",
        ])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(uuid::Uuid::parse_str(created["client_id"].as_str().unwrap()).is_ok());
    assert!(
        created["client_secret"]
            .as_str()
            .unwrap()
            .starts_with("wtxa_cs_")
    );
    assert_eq!(created["scopes"], serde_json::json!(["admin"]));

    let out = api()
        .args([
            "clients",
            "create",
            "--name",
            "HR",
            "--scopes",
            "people:read,root",
        ])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("scopes[1]"));
}

#[test]
fn import_people_and_demo_seed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("i.db").display());
    let out = api()
        .args(["seed", "--demo"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.contains("8 organisations"), "{said}");
    let again = api()
        .args(["seed", "--demo"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("0 organisations"),
        "the demo seed is idempotent"
    );

    let mut conn = persistence::DatabaseUrl::parse(&url)
        .unwrap()
        .connect()
        .unwrap();
    let partners =
        persistence::access::organisations::list(&mut conn, Some("forum"), 5, None).unwrap();
    let forum = partners.items[0].id.to_string();
    let file = dir.path().join("staff.csv");
    std::fs::write(
        &file,
        "external_ref,given_name,family_name,email\nX1,Ann,Lee,ann@nhs.net\nX2,Bo,Yu,bad-email\n",
    )
    .unwrap();
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "people",
            file.to_str().unwrap(),
            "--organisation",
            forum.as_str(),
        ];
        args.extend_from_slice(extra);
        api().args(args).env("DATABASE_URL", &url).output().unwrap()
    };
    let out = import(&[]);
    assert!(!out.status.success(), "a rejected row: nothing written");
    assert!(String::from_utf8_lossy(&out.stdout).contains("line 3:"));
    let out = import(&["--partial"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        said.contains("\"created\": 1") && said.contains("written."),
        "{said}"
    );
    let bogus = uuid::Uuid::now_v7().to_string();
    let out = api()
        .args([
            "import",
            "people",
            file.to_str().unwrap(),
            "--organisation",
            &bogus,
        ])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no organisation"));
}
