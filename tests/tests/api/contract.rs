//! The contract: the served OpenAPI document equals the committed `openapi.yaml`; every
//! operation has a unique `verb_resource` id, a declared tag, a summary and its problems;
//! every enumeration lists the wire values of its vocabulary; every example in the
//! contract is valid against its own schema. (That every response of every test matches
//! the contract is checked in `conformance.rs`.)

use std::collections::BTreeMap;

use domain::Vocabulary;
use serde_json::Value;

use crate::conformance::CONTRACT;
use crate::helpers::spawn_app;

fn committed() -> &'static Value {
    CONTRACT.doc()
}

#[tokio::test]
async fn the_served_contract_equals_the_committed_openapi_yaml() {
    let app = spawn_app().await;
    let served = app.get_json("/api-docs/openapi.json", 200).await;
    assert!(
        &served == committed(),
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
fn operation_ids_are_unique_and_say_verb_and_resource() {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let ops = operations(committed());
    assert!(ops.len() >= 68, "{} operations", ops.len());
    for (method, path, op) in ops {
        let name = format!("{method} {path}");
        let id = op["operationId"].as_str().unwrap_or_default().to_owned();
        let words: Vec<&str> = id.split('_').collect();
        assert!(
            words.len() >= 2
                && words
                    .iter()
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
            "{name}: operationId '{id}' is not verb_resource"
        );
        if let Some(other) = seen.insert(id.clone(), name.clone()) {
            panic!("operationId '{id}' is used by {other} and {name}");
        }
    }
}

#[test]
fn every_operation_has_a_declared_tag_a_summary_and_its_problems() {
    let doc = committed();
    let declared: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for (method, path, op) in operations(doc) {
        let name = format!("{method} {path}");
        let tags = op["tags"].as_array().expect("tags");
        assert!(!tags.is_empty(), "{name}: tag");
        for tag in tags {
            assert!(
                declared.contains(&tag.as_str().unwrap()),
                "{name}: tag {tag} is not declared"
            );
        }
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{name}: summary"
        );
        let responses = op["responses"].as_object().unwrap();
        let has = |s: &str| responses.contains_key(s);
        assert!(has("500"), "{name}: 500");
        let api = path.starts_with("/api/");
        // Secured by a scope (the 403 is a missing scope; `/metrics` takes a token of none).
        let secured = op["security"].as_array().is_some_and(|s| {
            s.iter().any(|r| {
                r.as_object().is_some_and(|o| {
                    o.values()
                        .any(|v| v.as_array().is_some_and(|a| !a.is_empty()))
                })
            })
        });
        let body = op.get("requestBody").is_some();
        let path_params = op["parameters"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["in"] == "path"));
        assert!(!api || (has("401") && has("429")), "{name}: 401, 429");
        assert!(!secured || has("403"), "{name}: 403");
        assert!(!path_params || has("404"), "{name}: 404");
        let form = op["requestBody"]["content"]["application/x-www-form-urlencoded"].is_object();
        assert!(
            !body || (has("400") && has("413") && (form || (has("415") && has("422")))),
            "{name}: 400, 413, 415, 422"
        );
        assert!(
            method != "PATCH" || (has("412") && has("428")),
            "{name}: 412, 428"
        );
        let refs = |component: &str| {
            op["parameters"].as_array().is_some_and(|p| {
                p.iter()
                    .any(|p| p["$ref"] == format!("#/components/parameters/{component}").as_str())
            })
        };
        assert!(
            !(secured && method == "POST") || refs("IdempotencyKey"),
            "{name}: Idempotency-Key"
        );
        assert!(method != "PATCH" || refs("IfMatch"), "{name}: If-Match");
        for (status, response) in responses {
            let response = CONTRACT.resolve(response);
            let error = status.starts_with('4') || status.starts_with('5');
            // The token endpoint answers its own errors in RFC 6749's shape (application/json).
            let oauth = path == "/api/v1/oauth/token"
                && response["content"]["application/json"].is_object();
            if oauth && error {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(schema, "#/components/schemas/OAuthError", "{name} {status}");
            } else if error {
                let problem = &response["content"]["application/problem+json"];
                assert!(problem.is_object(), "{name} {status}: problem+json");
                assert!(problem["example"].is_object(), "{name} {status}: example");
            }
            if status == "204" || status == "304" {
                assert!(
                    response.get("content").is_none(),
                    "{name} {status} declares a body"
                );
            }
        }
    }
}

/// Every vocabulary of the domain, by its schema name.
fn vocabularies() -> Vec<(&'static str, Vec<&'static str>, Vec<&'static str>)> {
    fn of<V: Vocabulary>(
        name: &'static str,
    ) -> (&'static str, Vec<&'static str>, Vec<&'static str>) {
        (name, V::values(), V::all().iter().map(V::label).collect())
    }
    use domain::community::{
        CommunityKind, CommunityStatus, JoinPolicy, MemberRole, ResourceKind, SessionFormat,
    };
    use domain::organisation::{OrganisationKind, OrganisationStatus};
    vec![
        of::<domain::Theme>("Theme"),
        of::<domain::SystemLevel>("SystemLevel"),
        of::<domain::VenusStem>("VenusStem"),
        of::<domain::DeliveryMode>("DeliveryMode"),
        of::<domain::Availability>("Availability"),
        of::<domain::ProgrammeStatus>("ProgrammeStatus"),
        of::<domain::DurationUnit>("DurationUnit"),
        of::<domain::Scope>("Scope"),
        of::<domain::ClientStatus>("ClientStatus"),
        of::<domain::CohortStatus>("CohortStatus"),
        of::<domain::EnrolmentStatus>("EnrolmentStatus"),
        of::<domain::AttendanceStatus>("AttendanceStatus"),
        of::<OrganisationKind>("OrganisationKind"),
        of::<OrganisationStatus>("OrganisationStatus"),
        of::<CommunityKind>("CommunityKind"),
        of::<CommunityStatus>("CommunityStatus"),
        of::<JoinPolicy>("JoinPolicy"),
        of::<MemberRole>("MemberRole"),
        of::<SessionFormat>("SessionFormat"),
        of::<ResourceKind>("ResourceKind"),
    ]
}

#[test]
fn every_enumeration_lists_the_wire_values_and_labels_of_its_vocabulary() {
    let schemas = &committed()["components"]["schemas"];
    let vocabularies = vocabularies();
    assert_eq!(vocabularies.len(), 20);
    for (name, values, labels) in vocabularies {
        let schema = &schemas[name];
        let listed: Vec<&str> = schema["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is not an enumeration in the contract"))
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(listed, values, "{name}: enum");
        let described: Vec<&str> = schema["x-enum-descriptions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(described, labels, "{name}: labels");
        for (value, label) in values.iter().zip(&labels) {
            let description = schema["description"].as_str().unwrap();
            assert!(
                description.contains(&format!("`{value}`: {label}")),
                "{name}: description lists {value}"
            );
        }
    }
}

/// Every `example` in the document with the schema it illustrates.
fn examples(v: &Value, schema: Option<&Value>, at: &str, out: &mut Vec<(String, Value, Value)>) {
    let Value::Object(m) = v else {
        if let Value::Array(a) = v {
            for (i, x) in a.iter().enumerate() {
                examples(x, None, &format!("{at}/{i}"), out);
            }
        }
        return;
    };
    // A schema object carries its own example; a parameter or a media type, its schema's.
    let own_schema = if m.contains_key("type") || m.contains_key("$ref") || m.contains_key("oneOf")
    {
        Some(v)
    } else {
        m.get("schema").or(schema)
    };
    if let (Some(example), Some(schema)) = (m.get("example"), own_schema) {
        out.push((at.to_owned(), schema.clone(), example.clone()));
    }
    for (k, x) in m {
        if k != "example" && k != "examples" {
            examples(x, None, &format!("{at}/{k}"), out);
        }
    }
}

#[test]
fn every_example_in_the_contract_is_valid_against_its_own_schema() {
    let mut found = Vec::new();
    examples(committed(), None, "#", &mut found);
    assert!(found.len() > 100, "{} examples", found.len());
    for (at, schema, example) in found {
        let validator = CONTRACT.validator(&format!("example {at}"), &schema);
        let errors: Vec<String> = validator
            .iter_errors(&example)
            .take(3)
            .map(|e| format!("'{}': {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "example at {at}: {}", errors.join("; "));
    }
}

#[test]
fn every_schema_carries_an_example_or_is_an_enumeration() {
    for (name, schema) in committed()["components"]["schemas"].as_object().unwrap() {
        let ok = schema.get("example").is_some()
            || schema.get("examples").is_some()
            || schema.get("enum").is_some();
        assert!(ok, "schema {name} has no example");
    }
}
