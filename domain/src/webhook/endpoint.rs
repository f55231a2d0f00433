//! A webhook endpoint as its owner describes it.

use super::{EndpointStatus, EndpointUrl, EventType, UrlPolicy, parse_event_types};
use crate::validation::{ValidationErrors, control_character, control_character_message};
use crate::vocabulary::Vocabulary;

/// The longest description accepted.
pub const MAX_DESCRIPTION: usize = 500;

/// An endpoint as received (every field optional, so that each missing one is reported).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointInput {
    pub url: Option<String>,
    /// `None` or empty: every type the owner may see.
    pub event_types: Option<Vec<String>>,
    pub description: Option<String>,
    /// `active` (the default) or `paused`; `disabled` is the academy's to set.
    pub status: Option<String>,
}

/// A valid endpoint description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSpec {
    pub url: EndpointUrl,
    /// Empty: every type the owner may see.
    pub event_types: Vec<EventType>,
    pub description: Option<String>,
    pub status: EndpointStatus,
}

impl EndpointSpec {
    /// Validates `input`; `current` is the endpoint's status before a change (`None` when
    /// it is created), since only a disabled endpoint may stay disabled.
    pub fn parse(
        input: EndpointInput,
        policy: UrlPolicy,
        current: Option<EndpointStatus>,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let url = match input.url {
            None => {
                e.add("url", "is required: the https URL events are sent to");
                None
            }
            Some(raw) => e.check("url", EndpointUrl::parse(raw.trim(), policy)),
        };
        let event_types = parse_event_types(&input.event_types.unwrap_or_default(), &mut e);
        let description = input
            .description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty());
        if let Some(d) = &description {
            if d.chars().count() > MAX_DESCRIPTION {
                e.add(
                    "description",
                    format!("must be at most {MAX_DESCRIPTION} characters"),
                );
            } else if let Some(c) = control_character(d) {
                e.add("description", control_character_message(c));
            }
        }
        let status = match input.status.as_deref() {
            None => Some(current.unwrap_or(EndpointStatus::Active)),
            Some(raw) => match EndpointStatus::parse(raw) {
                Ok(EndpointStatus::Disabled) if current != Some(EndpointStatus::Disabled) => {
                    e.add("status", "disabled is set by the academy when deliveries keep failing; set paused to stop deliveries");
                    None
                }
                Ok(s) => Some(s),
                Err(err) => {
                    e.add("status", err.to_string());
                    None
                }
            },
        };
        match (url, status) {
            (Some(url), Some(status)) if e.is_empty() => Ok(Self {
                url,
                event_types,
                description,
                status,
            }),
            _ => Err(e),
        }
    }

    /// The input that parses back to this endpoint (the base a merge patch applies to).
    pub fn to_input(&self) -> EndpointInput {
        EndpointInput {
            url: Some(self.url.as_str().to_owned()),
            event_types: Some(
                self.event_types
                    .iter()
                    .map(|t| t.value().to_owned())
                    .collect(),
            ),
            description: self.description.clone(),
            status: Some(self.status.value().to_owned()),
        }
    }

    /// True when the endpoint wants events of `event_type`.
    pub fn wants(&self, event_type: EventType) -> bool {
        self.event_types.is_empty() || self.event_types.contains(&event_type)
    }
}
