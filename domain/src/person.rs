//! People who learn with the academy: staff of partner organisations, and citizens or
//! experts by experience, who need not belong to any organisation.

use crate::organisation::{NAME_CHARS, name};
use crate::validation::ValidationErrors;

pub const MAX_EMAIL: usize = 254;
pub const MAX_REF: usize = 64;
pub const MAX_ROLE: usize = 200;

/// An email address, trimmed and lower-cased so each one is unique however it is typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be an email address such as name@nhs.net")]
pub struct EmailError;

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let e = raw.trim().to_lowercase();
        let (local, domain) = e.split_once('@').ok_or(EmailError)?;
        let ok = raw.chars().count() <= MAX_EMAIL
            && !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !e.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok { Ok(Self(e)) } else { Err(EmailError) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An employer's own identifier for a person (a staff number), unique within the employer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExternalRef(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be 1 to 64 visible characters (no spaces at either end)")]
pub struct ExternalRefError;

impl ExternalRef {
    pub fn parse(raw: &str) -> Result<Self, ExternalRefError> {
        let r = raw.trim();
        let ok =
            !r.is_empty() && raw.chars().count() <= MAX_REF && !r.chars().any(char::is_control);
        if ok {
            Ok(Self(r.to_owned()))
        } else {
            Err(ExternalRefError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonInput {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<String>,
    pub has_organisation: bool,
    pub job_role: Option<String>,
    pub external_ref: Option<String>,
    pub expert_by_experience: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    given_name: String,
    family_name: String,
    email: Email,
    job_role: Option<String>,
    external_ref: Option<ExternalRef>,
    expert_by_experience: bool,
}

impl Person {
    pub fn parse(input: PersonInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let given_name = short_name(&mut e, "given_name", input.given_name);
        let family_name = short_name(&mut e, "family_name", input.family_name);
        let email = match input.email {
            None => {
                e.add("email", "is required");
                None
            }
            Some(raw) => e.check("email", Email::parse(&raw)),
        };
        if input
            .job_role
            .as_ref()
            .is_some_and(|r| r.chars().count() > MAX_ROLE)
        {
            e.add("job_role", format!("must be at most {MAX_ROLE} characters"));
        }
        let job_role = input
            .job_role
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        let external_ref = match input.external_ref {
            None => Some(None),
            Some(raw) => e.check("external_ref", ExternalRef::parse(&raw)).map(Some),
        };
        if matches!(external_ref, Some(Some(_))) && !input.has_organisation {
            e.add(
                "external_ref",
                "is an employer's staff number: give organisation_id too, or leave it out",
            );
        }
        match (given_name, family_name, email, external_ref) {
            (Some(given_name), Some(family_name), Some(email), Some(external_ref))
                if e.is_empty() =>
            {
                Ok(Self {
                    given_name,
                    family_name,
                    email,
                    job_role,
                    external_ref,
                    expert_by_experience: input.expert_by_experience,
                })
            }
            _ => Err(e),
        }
    }

    pub fn given_name(&self) -> &str {
        &self.given_name
    }
    pub fn family_name(&self) -> &str {
        &self.family_name
    }
    pub fn email(&self) -> &Email {
        &self.email
    }
    pub fn job_role(&self) -> Option<&str> {
        self.job_role.as_deref()
    }
    pub fn external_ref(&self) -> Option<&ExternalRef> {
        self.external_ref.as_ref()
    }
    pub fn expert_by_experience(&self) -> bool {
        self.expert_by_experience
    }

    pub fn to_input(&self, has_organisation: bool) -> PersonInput {
        PersonInput {
            given_name: Some(self.given_name.clone()),
            family_name: Some(self.family_name.clone()),
            email: Some(self.email.as_str().to_owned()),
            has_organisation,
            job_role: self.job_role.clone(),
            external_ref: self.external_ref.as_ref().map(|r| r.as_str().to_owned()),
            expert_by_experience: self.expert_by_experience,
        }
    }
}

fn short_name(e: &mut ValidationErrors, field: &str, raw: Option<String>) -> Option<String> {
    // Names of one character exist (and a family name may be a single letter).
    match raw {
        Some(n) if n.trim().chars().count() == 1 && n.chars().count() <= *NAME_CHARS.end() => {
            Some(n.trim().to_owned())
        }
        other => name(e, field, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PersonInput {
        PersonInput {
            given_name: Some(" Aisha ".into()),
            family_name: Some("Khan".into()),
            email: Some(" Aisha.Khan@NHS.net ".into()),
            has_organisation: true,
            job_role: Some("Staff nurse".into()),
            external_ref: Some("LTH-004211".into()),
            expert_by_experience: false,
        }
    }

    #[test]
    fn normalises_email_and_names() {
        let p = Person::parse(input()).unwrap();
        assert_eq!(p.email().as_str(), "aisha.khan@nhs.net");
        assert_eq!(p.given_name(), "Aisha");
        assert_eq!(Person::parse(p.to_input(true)).unwrap(), p);
    }

    #[test]
    fn citizens_need_no_organisation_but_then_no_staff_number() {
        let citizen = PersonInput {
            has_organisation: false,
            external_ref: None,
            expert_by_experience: true,
            ..input()
        };
        assert!(
            Person::parse(citizen.clone())
                .unwrap()
                .expert_by_experience()
        );
        let err = Person::parse(PersonInput {
            external_ref: Some("X1".into()),
            ..citizen
        })
        .unwrap_err();
        assert_eq!(err.errors()[0].field, "external_ref");
    }

    #[test]
    fn rejects_bad_emails() {
        for bad in [
            "",
            "a",
            "a@b",
            "@nhs.net",
            "a@@nhs.net",
            "a b@nhs.net",
            "a@nhs.net.",
            "a@.net",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse("j.o'neil+academy@leeds.gov.uk").is_ok());
    }

    #[test]
    fn keeps_every_field_it_was_given() {
        let p = Person::parse(PersonInput {
            expert_by_experience: true,
            ..input()
        })
        .unwrap();
        assert_eq!(p.family_name(), "Khan");
        assert_eq!(p.job_role(), Some("Staff nurse"));
        assert_eq!(
            p.external_ref().map(ExternalRef::as_str),
            Some("LTH-004211")
        );
        assert!(p.expert_by_experience());
        assert!(!Person::parse(input()).unwrap().expert_by_experience());
        let blank_role = Person::parse(PersonInput {
            job_role: Some("  ".into()),
            ..input()
        })
        .unwrap();
        assert_eq!(blank_role.job_role(), None);
    }

    #[test]
    fn a_job_role_is_at_most_200_characters_as_sent() {
        let with = |r: String| {
            Person::parse(PersonInput {
                job_role: Some(r),
                ..input()
            })
        };
        assert!(with("x".repeat(MAX_ROLE)).is_ok());
        let err = with("x".repeat(MAX_ROLE + 1)).unwrap_err();
        assert_eq!(err.errors()[0].field, "job_role");
    }

    #[test]
    fn a_staff_number_is_one_to_64_visible_characters() {
        assert_eq!(
            ExternalRef::parse(" RR8-1 ").map(|r| r.as_str().to_owned()),
            Ok("RR8-1".into())
        );
        assert!(ExternalRef::parse(&"9".repeat(MAX_REF)).is_ok());
        for bad in [
            String::new(),
            "   ".into(),
            "9".repeat(MAX_REF + 1),
            "RR8\u{7}1".into(),
        ] {
            assert_eq!(ExternalRef::parse(&bad), Err(ExternalRefError), "{bad:?}");
        }
    }

    #[test]
    fn a_one_letter_name_is_a_name_but_not_a_blank_or_an_overlong_one() {
        let with = |given: &str| {
            Person::parse(PersonInput {
                given_name: Some(given.into()),
                ..input()
            })
        };
        assert_eq!(with(" J ").unwrap().given_name(), "J");
        assert!(with("Jo").is_ok());
        for bad in ["", " ", &format!("J{}", " ".repeat(200))] {
            let err = with(bad).unwrap_err();
            assert_eq!(err.errors()[0].field, "given_name", "{bad:?}");
        }
    }
}
