//! Every response a test receives is checked against the committed `openapi.yaml`, in the
//! HTTP client every test uses (a `reqwest-middleware` layer): the operation exists for the
//! method and path, the status is documented for it, every header sent is declared (but the
//! generic ones of HTTP itself), the content type is declared, and the body is valid against
//! the response's schema (JSON Schema 2020-12, with `jsonschema`). Objects are checked as
//! closed (`unevaluatedProperties: false`), so a field the contract does not list fails too.
//! A response that breaks the contract fails the test that received it.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};
use serde_json::{Map, Value, json};

use closed::{closed, closed_schemas};
use routes::{Segment, segments};

/// The committed contract, as JSON.
pub static CONTRACT: LazyLock<Contract> = LazyLock::new(|| {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml");
    let text = std::fs::read_to_string(path).expect("read openapi.yaml");
    Contract::new(serde_norway::from_str(&text).expect("openapi.yaml is YAML"))
});

/// Headers of HTTP itself (framing, CORS, content negotiation), which the contract need not list.
const GENERIC_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "content-encoding",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "date",
    "vary",
    "x-content-type-options",
];

/// Paths served beside the API that are not operations: the contract itself and Swagger UI.
fn is_documentation(path: &str) -> bool {
    path == "/docs" || path.starts_with("/docs/") || path == "/api-docs/openapi.json"
}

pub struct Contract {
    doc: Value,
    routes: Vec<(Vec<Segment>, String)>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
    closed_components: Value,
}

impl Contract {
    fn new(doc: Value) -> Self {
        let routes = doc["paths"]
            .as_object()
            .expect("paths")
            .keys()
            .map(|p| (segments(p), p.clone()))
            .collect();
        let closed_components = json!({"schemas": closed_schemas(&doc)});
        Self {
            doc,
            routes,
            validators: Mutex::new(HashMap::new()),
            closed_components,
        }
    }

    pub fn doc(&self) -> &Value {
        &self.doc
    }

    /// The contract path (template) that `path` is an instance of: literal segments win
    /// over parameters (`/enrolments/export` over `/enrolments/{id}`).
    pub fn route(&self, path: &str) -> Option<&str> {
        routes::route(&self.routes, path)
    }

    /// Resolves a local `$ref` (`#/components/...`).
    pub fn resolve<'a>(&'a self, v: &'a Value) -> &'a Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => self
                .doc
                .pointer(r.trim_start_matches('#'))
                .map(|t| self.resolve(t))
                .unwrap_or(&Value::Null),
            None => v,
        }
    }

    /// A validator for `schema` (inline or a `$ref`), with every component reachable.
    pub fn validator(&self, key: &str, schema: &Value) -> Arc<jsonschema::Validator> {
        let mut cache = self.validators.lock().unwrap();
        if let Some(v) = cache.get(key) {
            return v.clone();
        }
        let mut root = match closed(schema) {
            Value::Object(m) => m,
            other => {
                let mut m = Map::new();
                m.insert("allOf".into(), json!([other]));
                m
            }
        };
        root.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        root.insert("components".into(), self.closed_components.clone());
        let v = Arc::new(
            jsonschema::options()
                .should_validate_formats(true)
                .build(&Value::Object(root))
                .unwrap_or_else(|e| panic!("schema {key} does not compile: {e}")),
        );
        cache.insert(key.to_owned(), v.clone());
        v
    }

    /// Checks one response; `Err` says how it breaks the contract.
    /// (`OPTIONS` is CORS preflight, answered by the CORS layer, not an operation.)
    pub fn check(
        &self,
        method: &str,
        path: &str,
        status: u16,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
    ) -> Result<(), String> {
        if is_documentation(path) || method == "OPTIONS" {
            return Ok(());
        }
        let Some(template) = self.route(path) else {
            return self.check_problem(
                method,
                status,
                404,
                headers,
                body,
                "a path not in the contract",
            );
        };
        let item = &self.doc["paths"][template];
        let lookup = if method == "HEAD" { "get" } else { method };
        let op = &item[lookup.to_ascii_lowercase()];
        if op.is_null() {
            if headers.get("allow").is_none() {
                return Err(format!(
                    "{method} {template} is not an operation and the 405 has no Allow header"
                ));
            }
            return self.check_problem(
                method,
                status,
                405,
                headers,
                body,
                "a method the path does not serve",
            );
        }
        let name = op["operationId"].as_str().unwrap_or("?");
        let responses = &op["responses"];
        let response = [
            status.to_string(),
            format!("{}XX", status / 100),
            "default".into(),
        ]
        .iter()
        .map(|k| &responses[k])
        .find(|r| !r.is_null())
        .ok_or_else(|| format!("{name}: status {status} is not documented"))?;
        let response = self.resolve(response);
        check_headers(name, status, response, headers)?;
        if method == "HEAD" {
            return if body.is_empty() {
                Ok(())
            } else {
                Err(format!("{name}: HEAD answered with a body"))
            };
        }
        let content = response["content"].as_object();
        // An NDJSON stream of no rows is empty.
        let empty_stream = content.is_some_and(|c| c.contains_key("application/x-ndjson"))
            && headers
                .get("content-type")
                .is_some_and(|v| v.as_bytes().starts_with(b"application/x-ndjson"));
        if body.is_empty() && !empty_stream {
            return match content {
                Some(c) if !c.is_empty() => Err(format!(
                    "{name}: {status} has no body, but the contract declares {:?}",
                    c.keys().collect::<Vec<_>>()
                )),
                _ => Ok(()),
            };
        }
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().trim().to_owned())
            .ok_or_else(|| format!("{name}: {status} has a body but no Content-Type"))?;
        let Some(media) = content.and_then(|c| c.get(&content_type)) else {
            return Err(format!(
                "{name}: {status} answered {content_type}, which the contract does not declare ({:?})",
                content.map(|c| c.keys().collect::<Vec<_>>())
            ));
        };
        let schema = &media["schema"];
        if schema.is_null() {
            return Ok(());
        }
        let key = format!("{template} {lookup} {status} {content_type}");
        let validator = self.validator(&key, schema);
        let documents: Vec<Value> = if content_type == "application/x-ndjson" {
            let text = std::str::from_utf8(body).map_err(|e| format!("{name}: {e}"))?;
            text.lines()
                .filter(|l| !l.is_empty())
                .map(|l| {
                    serde_json::from_str(l)
                        .map_err(|e| format!("{name}: NDJSON line is not JSON: {e}"))
                })
                .collect::<Result<_, _>>()?
        } else if content_type.ends_with("json") {
            vec![
                serde_json::from_slice(body)
                    .map_err(|e| format!("{name}: {status} body is not JSON: {e}"))?,
            ]
        } else {
            return Ok(());
        };
        for doc in &documents {
            let errors: Vec<String> = validator
                .iter_errors(doc)
                .take(5)
                .map(|e| format!("at '{}': {e}", e.instance_path()))
                .collect();
            if !errors.is_empty() {
                return Err(format!(
                    "{name}: {status} body does not match its schema:\n  {}\nbody: {}",
                    errors.join("\n  "),
                    excerpt(&doc.to_string())
                ));
            }
        }
        Ok(())
    }

    fn check_problem(
        &self,
        method: &str,
        status: u16,
        expected: u16,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
        what: &str,
    ) -> Result<(), String> {
        if status != expected {
            return Err(format!("{what} answered {status}, not {expected}"));
        }
        let ct = headers.get("content-type").and_then(|v| v.to_str().ok());
        if ct != Some("application/problem+json") {
            return Err(format!(
                "{what}: {status} is not a problem document ({ct:?})"
            ));
        }
        if method == "HEAD" {
            return Ok(());
        }
        let v = self.validator("Problem", &json!({"$ref": "#/components/schemas/Problem"}));
        let doc: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        if v.is_valid(&doc) {
            Ok(())
        } else {
            Err(format!("{what}: not a valid Problem: {doc}"))
        }
    }
}

fn check_headers(
    name: &str,
    status: u16,
    response: &Value,
    headers: &reqwest::header::HeaderMap,
) -> Result<(), String> {
    let declared: Vec<String> = response["headers"]
        .as_object()
        .map(|h| h.keys().map(|k| k.to_ascii_lowercase()).collect())
        .unwrap_or_default();
    for header in headers.keys() {
        let h = header.as_str();
        if GENERIC_HEADERS.contains(&h) || h.starts_with("access-control-") {
            continue;
        }
        if !declared.iter().any(|d| d == h) {
            return Err(format!(
                "{name}: {status} sent the header '{h}', which the contract does not declare"
            ));
        }
    }
    Ok(())
}

fn excerpt(s: &str) -> String {
    if s.chars().count() > 600 {
        format!("{}…", s.chars().take(600).collect::<String>())
    } else {
        s.to_owned()
    }
}

/// The client layer that checks every response against the contract.
pub struct Conformance;

#[async_trait::async_trait]
impl Middleware for Conformance {
    async fn handle(
        &self,
        req: Request,
        extensions: &mut http::Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let method = req.method().as_str().to_owned();
        let path = req.url().path().to_owned();
        let url = req.url().clone();
        let res = next.run(req, extensions).await?;
        let status = res.status();
        let headers = res.headers().clone();
        let version = res.version();
        let body = res
            .bytes()
            .await
            .map_err(reqwest_middleware::Error::Reqwest)?;
        // The contract describes the representation; a content coding only wraps it.
        let decoded = decoded(&headers, &body);
        if let Err(e) = CONTRACT.check(&method, &path, status.as_u16(), &headers, &decoded) {
            panic!("contract broken by {method} {path} → {status}: {e}");
        }
        let mut rebuilt = http::Response::builder().status(status).version(version);
        if let Some(h) = rebuilt.headers_mut() {
            *h = headers;
        }
        use reqwest::ResponseBuilderExt;
        let rebuilt = rebuilt
            .url(url)
            .body(body)
            .map_err(|e| reqwest_middleware::Error::Middleware(e.into()))?;
        Ok(Response::from(rebuilt))
    }
}

/// The body without its `Content-Encoding` (gzip or br), as the client will read it.
pub fn decoded(headers: &reqwest::header::HeaderMap, body: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let coding = headers
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut out = Vec::new();
    match coding {
        "gzip" => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .unwrap_or_else(|e| panic!("a gzip body that does not decode: {e}"));
        }
        "br" => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .unwrap_or_else(|e| panic!("a br body that does not decode: {e}"));
        }
        "" => out.extend_from_slice(body),
        other => panic!("a content coding no client asked for: {other}"),
    }
    out
}

/// The checker itself: each way a response can break the contract is caught.
mod checks;
mod closed;
mod routes;
