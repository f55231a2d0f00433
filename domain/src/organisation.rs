//! Partner organisations of the Leeds health and care system: the organisations API
//! clients belong to and people work for.

use serde::Serialize;

use crate::validation::ValidationErrors;
use crate::vocabulary::{Vocabulary, vocabulary_enum};

pub const NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=200;
vocabulary_enum! {
    /// What kind of partner an organisation is.
    OrganisationKind {
        NhsTrust = "nhs_trust": "NHS trust",
        IntegratedCareBoard = "integrated_care_board": "Integrated care board",
        LocalAuthority = "local_authority": "Local authority",
        PrimaryCare = "primary_care": "Primary care / primary care network",
        CareHome = "care_home": "Care home",
        IndependentProvider = "independent_provider": "Independent provider",
        ThirdSector = "third_sector": "Third sector",
        Education = "education": "Education",
        Other = "other": "Other",
    }
}
vocabulary_enum! {
    /// Whether an organisation is a current partner.
    OrganisationStatus {
        Active = "active": "Active",
        /// No longer a partner; kept for history and reports.
        Inactive = "inactive": "Inactive",
    }
}

/// An NHS Organisation Data Service code, e.g. `RR8` (Leeds Teaching Hospitals) or `B86001`
/// (a GP practice): 3–10 letters and digits, kept in upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct OdsCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be an ODS code: 3 to 10 letters and digits, e.g. 'RR8' or 'B86001'")]
pub struct OdsCodeError;

impl OdsCode {
    pub fn parse(raw: &str) -> Result<Self, OdsCodeError> {
        let code = raw.trim().to_ascii_uppercase();
        let ok = (3..=10).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric());
        if ok {
            Ok(Self(code))
        } else {
            Err(OdsCodeError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Raw organisation fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganisationInput {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub ods_code: Option<String>,
    /// `active` when absent.
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    name: String,
    kind: OrganisationKind,
    ods_code: Option<OdsCode>,
    status: OrganisationStatus,
}

/// Trims and checks a required human name.
pub(crate) fn name(
    errors: &mut ValidationErrors,
    field: &str,
    raw: Option<String>,
) -> Option<String> {
    // At most 200 characters as sent, at least 2 once trimmed (see `programme::text`).
    match raw {
        None => {
            errors.add(field, "is required");
            None
        }
        Some(n)
            if n.trim().chars().count() < *NAME_CHARS.start()
                || n.chars().count() > *NAME_CHARS.end() =>
        {
            errors.add(
                field,
                format!(
                    "must be {} to {} characters",
                    NAME_CHARS.start(),
                    NAME_CHARS.end()
                ),
            );
            None
        }
        Some(n) => Some(n.trim().to_owned()),
    }
}

impl Organisation {
    pub fn parse(input: OrganisationInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let name = name(&mut e, "name", input.name);
        let kind = match input.kind {
            None => {
                e.add("kind", "is required");
                None
            }
            Some(k) => e.check("kind", OrganisationKind::parse(&k)),
        };
        let ods_code = match input.ods_code {
            None => Some(None),
            Some(c) => e.check("ods_code", OdsCode::parse(&c)).map(Some),
        };
        let status = match input.status {
            None => Some(OrganisationStatus::Active),
            Some(s) => e.check("status", OrganisationStatus::parse(&s)),
        };
        match (name, kind, ods_code, status) {
            (Some(name), Some(kind), Some(ods_code), Some(status)) if e.is_empty() => Ok(Self {
                name,
                kind,
                ods_code,
                status,
            }),
            _ => Err(e),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn kind(&self) -> OrganisationKind {
        self.kind
    }
    pub fn ods_code(&self) -> Option<&OdsCode> {
        self.ods_code.as_ref()
    }
    pub fn status(&self) -> OrganisationStatus {
        self.status
    }

    /// The raw fields, for applying a partial update.
    pub fn to_input(&self) -> OrganisationInput {
        OrganisationInput {
            name: Some(self.name.clone()),
            kind: Some(self.kind.value().to_owned()),
            ods_code: self.ods_code.as_ref().map(|c| c.as_str().to_owned()),
            status: Some(self.status.value().to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> OrganisationInput {
        OrganisationInput {
            name: Some("  Leeds Teaching Hospitals NHS Trust ".into()),
            kind: Some("nhs_trust".into()),
            ods_code: Some("rr8".into()),
            status: None,
        }
    }

    #[test]
    fn parses_and_normalises() {
        let o = Organisation::parse(input()).unwrap();
        assert_eq!(o.name(), "Leeds Teaching Hospitals NHS Trust");
        assert_eq!(o.ods_code().unwrap().as_str(), "RR8");
        assert_eq!(o.status(), OrganisationStatus::Active);
        assert_eq!(Organisation::parse(o.to_input()).unwrap(), o);
    }

    #[test]
    fn rejects_bad_fields_together() {
        let err = Organisation::parse(OrganisationInput {
            name: Some("X".into()),
            kind: Some("hospital".into()),
            ods_code: Some("R-8".into()),
            status: Some("closed".into()),
        })
        .unwrap_err();
        let fields: Vec<_> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "kind", "ods_code", "status"]);
        assert!(err.errors()[1].message.contains("integrated_care_board"));
    }

    #[test]
    fn ods_codes() {
        for ok in ["RR8", "rgd", "B86001", "QWO", "8JW49"] {
            assert!(OdsCode::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "R8", "RR8 X", "ABCDEFGHIJK", "RÉ8"] {
            assert!(OdsCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_name_is_two_to_two_hundred_characters() {
        let with = |n: String| {
            Organisation::parse(OrganisationInput {
                name: Some(n),
                ..input()
            })
        };
        assert!(with("AB".into()).is_ok());
        assert!(with("x".repeat(200)).is_ok());
        for bad in ["A".to_owned(), "x".repeat(201)] {
            let err = with(bad).unwrap_err();
            assert_eq!(err.errors()[0].field, "name");
        }
    }

    #[test]
    fn one_bad_field_fails_an_otherwise_valid_organisation() {
        let err = Organisation::parse(OrganisationInput {
            status: Some("closed".into()),
            ..input()
        })
        .unwrap_err();
        assert_eq!(err.errors().len(), 1);
        assert_eq!(err.errors()[0].field, "status");
    }
}
