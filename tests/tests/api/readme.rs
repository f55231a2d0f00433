//! The README's curl tour against the committed contract: every `curl` in it calls an
//! operation the contract has, with query parameters and request headers the operation
//! declares, and a JSON body valid against the operation's request schema. (The same tour
//! runs for real, through a generated client, in `tests/contract/client_tour.py`.)

use serde_json::Value;

use crate::conformance::CONTRACT;

/// A stand-in for a shell variable (`$COHORT`, `$PERSON`, …): a well-formed id.
const ANY_ID: &str = "0190a4b2-7c1e-7a00-8000-000000000000";

struct Call {
    line: String,
    method: String,
    path: String,
    query: Vec<String>,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

/// Every `curl … localhost:8080/…` command in the README's shell blocks.
fn calls() -> Vec<Call> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let mut commands = Vec::new();
    let (mut in_block, mut current) = (false, String::new());
    for line in readme.lines() {
        if line.starts_with("```") {
            in_block = line == "```sh";
            continue;
        }
        if !in_block {
            continue;
        }
        let line = line.split("   #").next().unwrap_or(line).trim_end();
        match line.strip_suffix('\\') {
            Some(part) => current.push_str(part),
            None => {
                current.push_str(line);
                commands.push(std::mem::take(&mut current));
            }
        }
    }
    commands
        .into_iter()
        .filter(|c| c.contains("curl") && c.contains("localhost:8080"))
        .map(|c| parse(&c))
        .collect()
}

fn parse(line: &str) -> Call {
    let words = shell_words::split(line).unwrap_or_else(|e| panic!("{line}: {e}"));
    let start = words
        .iter()
        .position(|w| w.ends_with("curl"))
        .expect("curl");
    let (mut method, mut url, mut headers, mut body) = (None, None, Vec::new(), None);
    let mut args = words[start + 1..].iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "|" | ")" => break,
            "-X" => method = args.next().cloned(),
            "-H" => {
                // `-H "$H"` (a variable) names no header here.
                let h = args.next().expect("header");
                if let Some((name, value)) = h.split_once(':') {
                    headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
                }
            }
            "-d" | "--data-binary" => body = args.next().cloned(),
            "-u" => {
                args.next();
            }
            a if a.contains("localhost:8080") => url = Some(a.to_owned()),
            _ => {}
        }
    }
    let url = url.expect("url");
    let target = url.split("localhost:8080").nth(1).unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = path
        .split('/')
        .map(|s| if s.starts_with('$') { ANY_ID } else { s })
        .collect::<Vec<_>>()
        .join("/");
    Call {
        line: line.to_owned(),
        method: method.unwrap_or_else(|| if body.is_some() { "POST" } else { "GET" }.into()),
        path,
        query: query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split('=').next().unwrap_or_default().to_owned())
            .collect(),
        headers,
        body,
    }
}

fn names(op: &Value, place: &str) -> Vec<String> {
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| CONTRACT.resolve(p))
        .filter(|p| p["in"] == place)
        .map(|p| p["name"].as_str().unwrap_or_default().to_ascii_lowercase())
        .collect()
}

#[test]
fn every_curl_in_the_readme_calls_an_operation_as_the_contract_describes_it() {
    let calls = calls();
    assert!(calls.len() >= 20, "{} curl commands", calls.len());
    for call in calls {
        let line = &call.line;
        let template = CONTRACT
            .route(&call.path)
            .unwrap_or_else(|| panic!("{line}: no path {} in the contract", call.path));
        let op = &CONTRACT.doc()["paths"][template][call.method.to_ascii_lowercase()];
        assert!(op.is_object(), "{line}: no {} {template}", call.method);
        let query = names(op, "query");
        for p in &call.query {
            assert!(
                query.contains(p),
                "{line}: {p} is not a parameter of {template}"
            );
        }
        let declared = names(op, "header");
        for (name, value) in &call.headers {
            if ["if-none-match", "if-match", "idempotency-key"].contains(&name.as_str()) {
                assert!(declared.contains(name), "{line}: {name} is not declared");
            }
            if name.starts_with("if-") && !value.starts_with('$') {
                // A literal ETag must look like the server's: "<id>.<version>".
                let tag = value.trim_matches('"');
                let (id, version) = tag.split_once('.').unwrap_or_default();
                assert!(
                    id.len() == 32 && version.parse::<u32>().is_ok(),
                    "{line}: {value} is not an ETag this API sends"
                );
            }
        }
        let json_body = call.body.as_deref().filter(|b| b.starts_with('{'));
        if let Some(body) = json_body {
            let body = body
                .split('$')
                .enumerate()
                .map(|(i, part)| {
                    if i == 0 {
                        part.to_owned()
                    } else {
                        let rest = part
                            .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
                        format!("{ANY_ID}{rest}")
                    }
                })
                .collect::<String>();
            let instance: Value =
                serde_json::from_str(&body).unwrap_or_else(|e| panic!("{line}: {e}"));
            let content = &CONTRACT.resolve(&op["requestBody"])["content"];
            let schema = ["application/json", "application/merge-patch+json"]
                .iter()
                .map(|t| &content[*t]["schema"])
                .find(|s| !s.is_null())
                .unwrap_or_else(|| panic!("{line}: {template} takes no JSON body"));
            let v = CONTRACT.validator(&format!("readme {line}"), schema);
            let errors: Vec<String> = v.iter_errors(&instance).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{line}: {}", errors.join("; "));
        }
    }
}
