//! `/taxonomy` gives every vocabulary the API uses, each exactly as the contract enumerates it.

use serde_json::Value;

use crate::conformance::CONTRACT;
use crate::helpers::spawn_app;

/// The taxonomy's key for each vocabulary schema of the contract.
const KEYS: &[(&str, &str)] = &[
    ("themes", "Theme"),
    ("levels", "SystemLevel"),
    ("strands", "Strand"),
    ("stems", "VenusStem"),
    ("delivery_modes", "DeliveryMode"),
    ("availabilities", "Availability"),
    ("statuses", "ProgrammeStatus"),
    ("duration_units", "DurationUnit"),
    ("cohort_statuses", "CohortStatus"),
    ("enrolment_statuses", "EnrolmentStatus"),
    ("attendance_statuses", "AttendanceStatus"),
    ("organisation_kinds", "OrganisationKind"),
    ("organisation_statuses", "OrganisationStatus"),
    ("community_kinds", "CommunityKind"),
    ("community_statuses", "CommunityStatus"),
    ("join_policies", "JoinPolicy"),
    ("member_roles", "MemberRole"),
    ("session_formats", "SessionFormat"),
    ("resource_kinds", "ResourceKind"),
    ("client_statuses", "ClientStatus"),
    ("scopes", "Scope"),
];

#[tokio::test]
async fn every_vocabulary_is_listed_with_the_contracts_values_and_labels() {
    let app = spawn_app().await;
    let taxonomy = app.get_json("/api/v1/taxonomy", 200).await;
    let schemas = &CONTRACT.doc()["components"]["schemas"];
    let keys: Vec<&str> = taxonomy
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), KEYS.len(), "{keys:?}");
    for (key, schema) in KEYS {
        let terms = taxonomy[key].as_array().unwrap_or_else(|| panic!("{key}"));
        let values: Vec<&Value> = terms.iter().map(|t| &t["value"]).collect();
        let enumerated: Vec<&Value> = schemas[schema]["enum"].as_array().unwrap().iter().collect();
        assert_eq!(values, enumerated, "{key}: values in the contract's order");
        let labels: Vec<&Value> = terms.iter().map(|t| &t["label"]).collect();
        let described: Vec<&Value> = schemas[schema]["x-enum-descriptions"]
            .as_array()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(labels, described, "{key}: labels");
    }
}
