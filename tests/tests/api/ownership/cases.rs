//! The cases of the ownership matrix that need no set-up of their own: the academy's shared
//! data a partner may not change, and what the academy's client changes.

use reqwest::Method;
use serde_json::json;

use super::{Case, case};

/// Writes to the academy's shared data (catalogue, cohorts, communities, organisations,
/// clients): 403 for any partner, who cannot hold the scope.
pub fn shared(c: &str, community_session: &str, other_org: &str) -> Vec<Case> {
    vec![
        case(
            "create a programme",
            Method::POST,
            "/api/v1/programmes".into(),
            Some(json!({"title": "Mine"})),
        ),
        case(
            "edit a programme",
            Method::PATCH,
            "/api/v1/programmes/vital-signs".into(),
            Some(json!({"status": "published"})),
        ),
        case(
            "delete a programme",
            Method::DELETE,
            "/api/v1/programmes/vital-signs".into(),
            None,
        ),
        case(
            "schedule a cohort",
            Method::POST,
            "/api/v1/programmes/vital-signs/cohorts".into(),
            Some(json!({"label": "Ours"})),
        ),
        case(
            "edit a cohort",
            Method::PATCH,
            format!("/api/v1/cohorts/{c}"),
            Some(json!({"capacity": 1})),
        ),
        case(
            "cancel a cohort",
            Method::POST,
            format!("/api/v1/cohorts/{c}/cancel"),
            None,
        ),
        case(
            "start a cohort",
            Method::POST,
            format!("/api/v1/cohorts/{c}/start"),
            None,
        ),
        case(
            "add a cohort session",
            Method::POST,
            format!("/api/v1/cohorts/{c}/sessions"),
            Some(json!({"title": "x"})),
        ),
        case(
            "create a community",
            Method::POST,
            "/api/v1/communities".into(),
            Some(json!({"name": "Ours", "purpose": "x"})),
        ),
        case(
            "close a community",
            Method::PATCH,
            "/api/v1/communities/facilitation".into(),
            Some(json!({"status": "closed"})),
        ),
        case(
            "schedule a community session",
            Method::POST,
            "/api/v1/communities/facilitation/sessions".into(),
            Some(json!({"title": "x"})),
        ),
        case(
            "cancel a community session",
            Method::POST,
            format!("/api/v1/communities/facilitation/sessions/{community_session}/cancel"),
            None,
        ),
        case(
            "add a community resource",
            Method::POST,
            "/api/v1/communities/facilitation/resources".into(),
            Some(json!({"title": "x"})),
        ),
        case(
            "create an organisation",
            Method::POST,
            "/api/v1/organisations".into(),
            Some(json!({"name": "Ours", "kind": "other"})),
        ),
        case(
            "edit an organisation",
            Method::PATCH,
            format!("/api/v1/organisations/{other_org}"),
            Some(json!({"status": "inactive"})),
        ),
        case(
            "create a client",
            Method::POST,
            "/api/v1/clients".into(),
            Some(json!({"name": "x", "scopes": ["admin"]})),
        ),
    ]
}

/// What the academy's client changes: the shared data and anyone's people.
pub fn academy(
    c: &str,
    community_session: &str,
    theirs: &str,
    citizen: &str,
    their_enrolment: &str,
) -> Vec<Case> {
    vec![
        case(
            "edit a programme",
            Method::PATCH,
            "/api/v1/programmes/vital-signs".into(),
            Some(json!({"who": "Teams"})),
        ),
        case(
            "edit a cohort",
            Method::PATCH,
            format!("/api/v1/cohorts/{c}"),
            Some(json!({"capacity": 12})),
        ),
        case(
            "close a community",
            Method::PATCH,
            "/api/v1/communities/culture-change".into(),
            Some(json!({"status": "closed"})),
        ),
        case(
            "cancel a community session",
            Method::POST,
            format!("/api/v1/communities/facilitation/sessions/{community_session}/cancel"),
            None,
        ),
        case(
            "edit another organisation's person",
            Method::PATCH,
            format!("/api/v1/people/{}", theirs),
            Some(json!({"job_role": "Matron"})),
        ),
        case(
            "take anyone out of a community",
            Method::DELETE,
            format!("/api/v1/communities/facilitation/members/{}", citizen),
            None,
        ),
        case(
            "withdraw anyone's enrolment",
            Method::POST,
            format!("/api/v1/enrolments/{their_enrolment}/withdraw"),
            None,
        ),
        case(
            "cancel a cohort",
            Method::POST,
            format!("/api/v1/cohorts/{c}/cancel"),
            None,
        ),
    ]
}
