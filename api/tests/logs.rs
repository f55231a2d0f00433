//! The logs of a real server carry no personal data: the `api` binary runs with JSON logs at
//! `debug`, is sent requests full of names, emails and staff numbers — creates, clashes (with
//! an Idempotency-Key), a CSV import with a rejected row, a lookup by staff number, an erasure —
//! and then its whole log is searched for each of them. The problem type and status of each
//! refused request are there instead.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const EMAIL: &str = "grace.hopperlogtest@nhs.example";
const OTHER_EMAIL: &str = "ada.lovelacelogtest@nhs.example";
const GIVEN: &str = "Gracelogtest";
const FAMILY: &str = "Hopperlogtest";
const STAFF_NUMBER: &str = "LOGREF-4242";

/// One HTTP/1.1 request on a fresh connection; the status and the body.
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or(Value::Null)
}

#[test]
fn no_name_email_or_staff_number_reaches_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("logs.db").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bin = env!("CARGO_BIN_EXE_api");
    let out = Command::new(bin)
        .args([
            "clients", "create", "--name", "Log test", "--scopes", "admin", "--json",
        ])
        .env("DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let creds: Value = serde_json::from_slice(&out.stdout).unwrap();
    let log_path = dir.path().join("server.log");
    let mut server = Command::new(bin)
        .env("DATABASE_URL", &db)
        .env("PORT", port.to_string())
        .env("WORKERS", "1")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        creds["client_id"].as_str().unwrap(),
        creds["client_secret"].as_str().unwrap()
    );
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/oauth/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &form,
    );
    assert_eq!(status, 200, "{body}");
    let bearer = format!(
        "Bearer {}",
        json_of(&body)["access_token"].as_str().unwrap()
    );
    let auth = ("Authorization", bearer.as_str());
    let json_type = ("Content-Type", "application/json");

    let (status, body) = http(
        port,
        "POST",
        "/api/v1/organisations",
        &[auth, json_type],
        &json!({"name": "Log Test Trust", "kind": "nhs_trust"}).to_string(),
    );
    assert_eq!(status, 201, "{body}");
    let org = json_of(&body)["id"].as_str().unwrap().to_owned();
    let person = json!({"given_name": GIVEN, "family_name": FAMILY, "email": EMAIL,
                        "organisation_id": org, "external_ref": STAFF_NUMBER});
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/people",
        &[auth, json_type],
        &person.to_string(),
    );
    assert_eq!(status, 201, "{body}");
    let id = json_of(&body)["id"].as_str().unwrap().to_owned();
    // A clash, retried with the same key: the problem is stored and replayed.
    for _ in 0..2 {
        let (status, _) = http(
            port,
            "POST",
            "/api/v1/people",
            &[auth, json_type, ("Idempotency-Key", "log-test-clash")],
            &person.to_string(),
        );
        assert_eq!(status, 409);
    }
    // A rule broken on a name (too long) and on an email.
    let bad = json!({"given_name": format!("{GIVEN}{}", "x".repeat(300)), "family_name": FAMILY, "email": "not-an-email"});
    assert_eq!(
        http(
            port,
            "POST",
            "/api/v1/people",
            &[auth, json_type],
            &bad.to_string()
        )
        .0,
        422
    );
    // A CSV import whose second row clashes on the email.
    let csv = format!(
        "external_ref,given_name,family_name,email\nLOGREF-1,{GIVEN},{FAMILY},{OTHER_EMAIL}\nLOGREF-2,{GIVEN},{FAMILY},{EMAIL}\n"
    );
    let (status, _) = http(
        port,
        "POST",
        &format!("/api/v1/organisations/{org}/people/import?dry_run=true"),
        &[auth, ("Content-Type", "text/csv")],
        &csv,
    );
    assert_eq!(status, 200);
    // A lookup by staff number, found and not found.
    assert_eq!(
        http(
            port,
            "GET",
            &format!("/api/v1/organisations/{org}/people/by-ref/{STAFF_NUMBER}"),
            &[auth],
            ""
        )
        .0,
        200
    );
    assert_eq!(
        http(
            port,
            "GET",
            &format!("/api/v1/organisations/{org}/people/by-ref/{STAFF_NUMBER}-NO"),
            &[auth],
            ""
        )
        .0,
        404
    );
    assert_eq!(
        http(
            port,
            "GET",
            &format!("/api/v1/people?email={EMAIL}"),
            &[auth],
            ""
        )
        .0,
        200
    );
    // Erasure.
    assert_eq!(
        http(port, "DELETE", &format!("/api/v1/people/{id}"), &[auth], "").0,
        204
    );

    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.lines().count() > 10, "the server logged: {log}");
    for secret in [
        EMAIL,
        OTHER_EMAIL,
        GIVEN,
        FAMILY,
        STAFF_NUMBER,
        "grace.hopperlogtest",
    ] {
        assert!(
            !log.to_lowercase().contains(&secret.to_lowercase()),
            "the log contains {secret}:\n{log}"
        );
    }
    // What is logged instead: each request's route, status and problem type.
    let lines: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let refused: Vec<&Value> = lines
        .iter()
        .filter(|l| l["status"] == 409 && l["message"] == "request completed")
        .collect();
    assert!(!refused.is_empty(), "{log}");
    assert!(
        refused
            .iter()
            .all(|l| l["problem_type"] == "/problems/conflict"),
        "{refused:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l["status"] == 422 && l["problem_type"] == "/problems/validation-error")
    );
    // And how many SQL statements it sent (the query budget), in the line and its span.
    let created = lines
        .iter()
        .find(|l| l["status"] == 201 && l["message"] == "request completed")
        .expect("a 201 was logged");
    let n = created["db_statements"].as_u64().unwrap_or_default();
    assert!(n >= 1, "{created}");
    assert_eq!(
        created["span"]["db_statements"].as_u64(),
        Some(n),
        "{created}"
    );
}
