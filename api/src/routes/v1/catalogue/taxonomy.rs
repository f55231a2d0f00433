//! The vocabularies a client needs to draw filters, forms and statuses: every one the API
//! uses, each value with its human label.

use actix_web::{HttpRequest, HttpResponse, get};
use domain::community::{
    CommunityKind, CommunityStatus, JoinPolicy, MemberRole, ResourceKind, SessionFormat,
};
use domain::{
    AttendanceStatus, Availability, ClientStatus, CohortStatus, DeliveryMode, DurationUnit,
    EnrolmentStatus, OrganisationKind, OrganisationStatus, ProgrammeStatus, Scope, Strand,
    SystemLevel, Theme, VenusStem, Vocabulary,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::{ApiError, respond};

/// A value of a vocabulary and its human label.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"value": "best_practice", "label": "Developing and Evaluating Best Practice"}))]
pub struct Term {
    /// The machine value, as used in JSON bodies and query parameters.
    pub value: &'static str,
    pub label: &'static str,
}

/// A Venus model stem with what it develops.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"value": "facilitation", "label": "Facilitation",
    "description": "Enabling individuals, teams and systems to learn, develop and improve: the skills of the transformational facilitator."}))]
pub struct StemTerm {
    pub value: &'static str,
    pub label: &'static str,
    pub description: &'static str,
}

fn terms<T: Vocabulary>() -> Vec<Term> {
    T::all()
        .iter()
        .map(|v| Term {
            value: v.value(),
            label: v.label(),
        })
        .collect()
}

/// Every vocabulary of the catalogue, values in presentation order.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "themes": [{"value": "leadership", "label": "Leadership Development and Culture Change for Transformation"}],
    "levels": [{"value": "macro", "label": "Macro — system development"}],
    "strands": [{"value": "systems_leadership", "label": "Systems Leadership"}],
    "stems": [{"value": "facilitation", "label": "Facilitation", "description": "Enabling individuals, teams and systems to learn, develop and improve: the skills of the transformational facilitator."}],
    "delivery_modes": [{"value": "online", "label": "Online"}],
    "availabilities": [{"value": "on_demand", "label": "On demand"}],
    "statuses": [{"value": "published", "label": "Published"}],
    "duration_units": [{"value": "months", "label": "months"}],
    "cohort_statuses": [{"value": "open", "label": "Open for enrolment"}],
    "enrolment_statuses": [{"value": "waitlisted", "label": "Waitlisted"}],
    "attendance_statuses": [{"value": "present", "label": "Present"}],
    "organisation_kinds": [{"value": "nhs_trust", "label": "NHS trust"}],
    "organisation_statuses": [{"value": "active", "label": "Active"}],
    "community_kinds": [{"value": "venus_stem", "label": "Venus stem community"}],
    "community_statuses": [{"value": "active", "label": "Active"}],
    "join_policies": [{"value": "open", "label": "Open: anyone may join"}],
    "member_roles": [{"value": "ics_lead", "label": "ICS lead"}],
    "session_formats": [{"value": "virtual", "label": "Virtual"}],
    "resource_kinds": [{"value": "tool", "label": "Tool"}],
    "client_statuses": [{"value": "active", "label": "Active"}],
    "scopes": [{"value": "people:read", "label": "Read people of the client's organisation"}]
}))]
pub struct Taxonomy {
    /// The three themes of the portfolio.
    pub themes: Vec<Term>,
    /// The three system levels: macro (system), meso (organisation/partner), micro (team).
    pub levels: Vec<Term>,
    /// The prospectus' nine strands: one per theme × level cell, in the prospectus' words.
    pub strands: Vec<Term>,
    /// The five stems of the Venus model.
    pub stems: Vec<StemTerm>,
    pub delivery_modes: Vec<Term>,
    pub availabilities: Vec<Term>,
    /// Programme statuses.
    pub statuses: Vec<Term>,
    /// Units of a programme's duration.
    pub duration_units: Vec<Term>,
    /// A cohort's life cycle.
    pub cohort_statuses: Vec<Term>,
    /// An enrolment's life cycle.
    pub enrolment_statuses: Vec<Term>,
    /// Attendance at a session.
    pub attendance_statuses: Vec<Term>,
    /// Kinds of partner organisation.
    pub organisation_kinds: Vec<Term>,
    pub organisation_statuses: Vec<Term>,
    /// Kinds of Community of Practice.
    pub community_kinds: Vec<Term>,
    pub community_statuses: Vec<Term>,
    /// Who may join a community.
    pub join_policies: Vec<Term>,
    /// Roles in a community (the tripartite leadership and members).
    pub member_roles: Vec<Term>,
    /// How a community session is held.
    pub session_formats: Vec<Term>,
    /// Kinds of resource shared with a community.
    pub resource_kinds: Vec<Term>,
    /// API client statuses.
    pub client_statuses: Vec<Term>,
    /// The scopes an API client may hold.
    pub scopes: Vec<Term>,
}

/// Get every vocabulary the API uses, with labels: the catalogue's themes, levels, Venus
/// stems, delivery modes and availabilities, and the statuses, kinds, roles, formats and
/// scopes of cohorts, enrolments, attendance, organisations, communities and clients.
///
/// Static reference data: the values here are exactly the ones bodies and filters take.
#[utoipa::path(
    tag = "catalogue",
    responses(
        (status = 200, description = "Every vocabulary with labels.", body = Taxonomy,
            headers(("ETag" = String))),
    )
)]
#[get("/taxonomy")]
pub async fn get_taxonomy(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let taxonomy = Taxonomy {
        themes: terms::<Theme>(),
        strands: terms::<Strand>(),
        levels: terms::<SystemLevel>(),
        stems: VenusStem::all()
            .iter()
            .map(|s| StemTerm {
                value: s.value(),
                label: s.label(),
                description: s.description(),
            })
            .collect(),
        delivery_modes: terms::<DeliveryMode>(),
        availabilities: terms::<Availability>(),
        statuses: terms::<ProgrammeStatus>(),
        duration_units: terms::<DurationUnit>(),
        cohort_statuses: terms::<CohortStatus>(),
        enrolment_statuses: terms::<EnrolmentStatus>(),
        attendance_statuses: terms::<AttendanceStatus>(),
        organisation_kinds: terms::<OrganisationKind>(),
        organisation_statuses: terms::<OrganisationStatus>(),
        community_kinds: terms::<CommunityKind>(),
        community_statuses: terms::<CommunityStatus>(),
        join_policies: terms::<JoinPolicy>(),
        member_roles: terms::<MemberRole>(),
        session_formats: terms::<SessionFormat>(),
        resource_kinds: terms::<ResourceKind>(),
        client_statuses: terms::<ClientStatus>(),
        scopes: terms::<Scope>(),
    };
    respond::public(&req, &taxonomy)
}
