//! The vocabularies a client needs to draw filters and forms.

use actix_web::{get, web};
use domain::{
    Availability, DeliveryMode, DurationUnit, ProgrammeStatus, SystemLevel, Theme, VenusStem,
    Vocabulary,
};
use serde::Serialize;
use utoipa::ToSchema;

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
    "stems": [{"value": "facilitation", "label": "Facilitation", "description": "Enabling individuals, teams and systems to learn, develop and improve: the skills of the transformational facilitator."}],
    "delivery_modes": [{"value": "online", "label": "Online"}],
    "availabilities": [{"value": "on_demand", "label": "On demand"}],
    "statuses": [{"value": "published", "label": "Published"}],
    "duration_units": [{"value": "months", "label": "months"}]
}))]
pub struct Taxonomy {
    /// The three themes of the portfolio.
    pub themes: Vec<Term>,
    /// The three system levels: macro (system), meso (organisation/partner), micro (team).
    pub levels: Vec<Term>,
    /// The five stems of the Venus model.
    pub stems: Vec<StemTerm>,
    pub delivery_modes: Vec<Term>,
    pub availabilities: Vec<Term>,
    /// Programme statuses.
    pub statuses: Vec<Term>,
    /// Units of a programme's duration.
    pub duration_units: Vec<Term>,
}

/// Get the catalogue's taxonomy: themes, levels, Venus stems, delivery modes, availabilities.
///
/// Static reference data: the values here are the ones the programme filters accept.
#[utoipa::path(
    tag = "catalogue",
    responses(
        (status = 200, description = "Every vocabulary with labels.", body = Taxonomy),
    )
)]
#[get("/taxonomy")]
pub async fn get_taxonomy() -> web::Json<Taxonomy> {
    web::Json(Taxonomy {
        themes: terms::<Theme>(),
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
    })
}
