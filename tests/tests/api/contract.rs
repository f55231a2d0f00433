//! The contract: the served OpenAPI document equals the committed `openapi.yaml`, and
//! every operation documents its problems and examples.

use serde_json::Value;

use crate::helpers::spawn_app;

fn committed() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml");
    let text = std::fs::read_to_string(&path).expect("openapi.yaml at the repository root");
    serde_norway::from_str(&text).expect("openapi.yaml parses")
}

#[tokio::test]
async fn the_served_contract_equals_the_committed_openapi_yaml() {
    let app = spawn_app().await;
    let served = app.get_json("/api-docs/openapi.json", 200).await;
    assert!(
        served == committed(),
        "openapi.yaml is out of date: regenerate it with `cargo run -p api -- openapi --output openapi.yaml`"
    );
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    ops
}

#[test]
fn every_operation_documents_its_problems_a_tag_and_a_summary() {
    let doc = committed();
    let ops = operations(&doc);
    assert!(ops.len() >= 7);
    for (method, path, op) in ops {
        let name = format!("{method} {path}");
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{name}: tag"
        );
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{name}: summary"
        );
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.contains_key("500"), "{name}: documents 500");
        for (status, response) in responses {
            // The token endpoint answers in RFC 6749's own error shape (application/json).
            let error = status.starts_with('4') || status.starts_with('5');
            let oauth = path == "/api/v1/oauth/token" && error && status != "500";
            if oauth {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(schema, "#/components/schemas/OAuthError", "{name} {status}");
            } else if error {
                let reference = response["$ref"].as_str().unwrap_or_default();
                let name_ = reference.rsplit('/').next().unwrap_or_default();
                let content = &doc["components"]["responses"][name_]["content"];
                assert!(
                    content["application/problem+json"].is_object(),
                    "{name} {status}: problem+json"
                );
                assert!(
                    content["application/problem+json"]["example"].is_object(),
                    "{name} {status}: example"
                );
            }
        }
        if path.starts_with("/api/v1/programmes")
            || path.starts_with("/api/v1/priorities")
            || path == "/health/ready"
        {
            assert!(responses.contains_key("503"), "{name}: documents 503");
        }
    }
}

#[test]
fn every_schema_carries_an_example_or_is_an_enumeration() {
    let doc = committed();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        let ok = schema.get("example").is_some()
            || schema.get("examples").is_some()
            || schema.get("enum").is_some();
        assert!(ok, "schema {name} has no example");
    }
}
