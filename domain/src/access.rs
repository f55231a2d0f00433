//! Who may do what: API clients, their scopes and their status.

use std::collections::BTreeSet;
use std::fmt;

use crate::organisation::name;
use crate::validation::ValidationErrors;
use crate::vocabulary::{UnknownValue, Vocabulary, vocabulary_enum};

vocabulary_enum! {
    /// A permission an API client may be granted. `admin` implies every other scope.
    Scope {
        CatalogueWrite = "catalogue:write": "Create and edit programmes (academy clients only)",
        PeopleRead = "people:read": "Read people of the client's organisation",
        PeopleWrite = "people:write": "Create, edit and erase people of the client's organisation",
        CohortsWrite = "cohorts:write": "Create and run cohorts, and decide on commissioning requests and run cohorts for them (academy clients only)",
        EnrolmentsRead = "enrolments:read": "Read enrolments of the client's organisation",
        EnrolmentsWrite = "enrolments:write": "Enrol, withdraw and record attendance",
        CommunitiesWrite = "communities:write": "Create and run communities of practice: their sessions and resources, and anyone's memberships (academy clients only)",
        /// For a partner organisation's client: its own people only.
        MembershipsWrite = "memberships:write": "Add, move and remove the client's organisation's people in communities, and record their attendance",
        CommissioningRead = "commissioning:read": "Read commissioning requests, their messages and learning needs (an organisation's client: its own)",
        CommissioningWrite = "commissioning:write": "Submit and withdraw the client's organisation's commissioning requests, post on them, and record its learning needs",
        ReportsRead = "reports:read": "Read the impact reports (an organisation's client counts its own staff only)",
        WebhooksManage = "webhooks:manage": "Register and run webhook endpoints that hear about the client's organisation's people, its commissioned cohorts and the public catalogue",
        Admin = "admin": "Everything, across all organisations (academy clients only)",
    }
}

impl Scope {
    /// Scopes over the academy's shared data — the catalogue, cohorts, communities — or over
    /// everything: only a client without an organisation (the academy's) may hold one. A
    /// partner organisation's client manages its own people, their enrolments, memberships
    /// and attendance; it never changes what other organisations or the academy own.
    pub fn is_academy_only(self) -> bool {
        matches!(
            self,
            Scope::Admin | Scope::CatalogueWrite | Scope::CohortsWrite | Scope::CommunitiesWrite
        )
    }
}

/// A set of scopes; written as space-separated names (RFC 6749 §3.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ScopeSet(BTreeSet<Scope>);

impl ScopeSet {
    /// Parses `"people:read enrolments:read"`; every unknown name is an error.
    pub fn parse(raw: &str) -> Result<Self, UnknownValue> {
        raw.split_whitespace()
            .map(Scope::parse)
            .collect::<Result<BTreeSet<_>, _>>()
            .map(Self)
    }

    pub fn from_scopes(scopes: impl IntoIterator<Item = Scope>) -> Self {
        Self(scopes.into_iter().collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when these scopes permit `scope`: `admin` permits everything, and running
    /// communities (`communities:write`) includes everyone's memberships.
    pub fn permits(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
            || self.0.contains(&Scope::Admin)
            || (scope == Scope::MembershipsWrite && self.0.contains(&Scope::CommunitiesWrite))
    }

    pub fn is_subset(&self, of: &ScopeSet) -> bool {
        self.0.is_subset(&of.0)
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|s| s.value()).collect();
        f.write_str(&names.join(" "))
    }
}
vocabulary_enum! {
    /// Whether an API client may get and use tokens.
    ClientStatus {
        Active = "active": "Active",
        /// Its tokens stop working within 60 seconds and it can get no new ones.
        Revoked = "revoked": "Revoked",
    }
}

/// Raw client fields; `organisation` says whether the client belongs to one (the id is
/// checked by the store).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInput {
    pub name: Option<String>,
    pub has_organisation: bool,
    pub scopes: Vec<String>,
    pub status: Option<String>,
}

/// A valid API client description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSpec {
    name: String,
    scopes: ScopeSet,
    status: ClientStatus,
}

impl ClientSpec {
    pub fn parse(input: ClientInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let name = name(&mut e, "name", input.name);
        let mut scopes = BTreeSet::new();
        if input.scopes.is_empty() {
            e.add("scopes", "at least one scope is required");
        }
        for (i, s) in input.scopes.iter().enumerate() {
            if let Some(scope) = e.check(format!("scopes[{i}]"), Scope::parse(s))
                && !scopes.insert(scope)
            {
                e.add(format!("scopes[{i}]"), format!("'{s}' is listed twice"));
            }
        }
        if input.has_organisation {
            for scope in scopes.iter().filter(|s| s.is_academy_only()) {
                e.add(
                    "scopes",
                    format!(
                        "{} is for academy clients only (a partner organisation's client manages \
                         its own people, their enrolments, memberships and attendance): leave \
                         organisation_id out, or drop it",
                        scope.value()
                    ),
                );
            }
        }
        let status = match input.status {
            None => Some(ClientStatus::Active),
            Some(s) => e.check("status", ClientStatus::parse(&s)),
        };
        match (name, status) {
            (Some(name), Some(status)) if e.is_empty() => Ok(Self {
                name,
                scopes: ScopeSet(scopes),
                status,
            }),
            _ => Err(e),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn scopes(&self) -> &ScopeSet {
        &self.scopes
    }
    pub fn status(&self) -> ClientStatus {
        self.status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_sets_parse_print_and_permit() {
        let s = ScopeSet::parse("people:read  enrolments:read").unwrap();
        assert_eq!(s.to_string(), "people:read enrolments:read");
        assert!(s.permits(Scope::PeopleRead));
        assert!(!s.permits(Scope::CatalogueWrite));
        assert!(
            ScopeSet::parse("admin")
                .unwrap()
                .permits(Scope::CatalogueWrite)
        );
        let err = ScopeSet::parse("people:read people:delete").unwrap_err();
        assert_eq!(err.given, "people:delete");
        assert!(ScopeSet::parse("").unwrap().is_empty());
        assert!(!s.is_empty());
        assert!(ScopeSet::parse("people:read").unwrap().is_subset(&s));
        assert!(!ScopeSet::parse("people:write").unwrap().is_subset(&s));
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            [Scope::PeopleRead, Scope::EnrolmentsRead]
        );
    }

    #[test]
    fn a_client_keeps_the_name_and_scopes_it_was_given() {
        let c = ClientSpec::parse(ClientInput {
            name: Some("  Leeds HR  ".into()),
            has_organisation: true,
            scopes: vec!["people:read".into(), "enrolments:write".into()],
            status: Some("revoked".into()),
        })
        .unwrap();
        assert_eq!(c.name(), "Leeds HR");
        assert_eq!(
            c.scopes().iter().collect::<Vec<_>>(),
            [Scope::PeopleRead, Scope::EnrolmentsWrite]
        );
        assert_eq!(c.status(), ClientStatus::Revoked);
    }

    #[test]
    fn admin_is_for_academy_clients_only() {
        let input = ClientInput {
            name: Some("HR".into()),
            has_organisation: true,
            scopes: vec!["admin".into()],
            status: None,
        };
        let err = ClientSpec::parse(input.clone()).unwrap_err();
        assert_eq!(err.errors()[0].field, "scopes");
        let ok = ClientSpec::parse(ClientInput {
            has_organisation: false,
            ..input
        })
        .unwrap();
        assert_eq!(ok.status(), ClientStatus::Active);
    }

    #[test]
    fn scopes_over_shared_data_are_for_academy_clients_only() {
        for scope in Scope::all() {
            let input = ClientInput {
                name: Some("Partner".into()),
                has_organisation: true,
                scopes: vec![scope.value().into()],
                status: None,
            };
            assert_eq!(
                ClientSpec::parse(input.clone()).is_err(),
                scope.is_academy_only(),
                "{scope:?}"
            );
            assert!(
                ClientSpec::parse(ClientInput {
                    has_organisation: false,
                    ..input
                })
                .is_ok()
            );
        }
        let academy_only: Vec<_> = Scope::all()
            .iter()
            .filter(|s| s.is_academy_only())
            .map(|s| s.value())
            .collect();
        assert_eq!(
            academy_only,
            vec![
                "catalogue:write",
                "cohorts:write",
                "communities:write",
                "admin"
            ]
        );
    }

    #[test]
    fn running_communities_includes_memberships_and_nothing_else_implies_scopes() {
        let run = ScopeSet::parse("communities:write").unwrap();
        assert!(run.permits(Scope::MembershipsWrite));
        assert!(!run.permits(Scope::PeopleWrite));
        let members = ScopeSet::parse("memberships:write").unwrap();
        assert!(!members.permits(Scope::CommunitiesWrite));
        for scope in Scope::all() {
            let only = ScopeSet::from_scopes([*scope]);
            for other in Scope::all() {
                let implied = other == scope
                    || *scope == Scope::Admin
                    || (*scope == Scope::CommunitiesWrite && *other == Scope::MembershipsWrite);
                assert_eq!(only.permits(*other), implied, "{scope:?} → {other:?}");
            }
        }
    }

    #[test]
    fn rejects_empty_unknown_and_repeated_scopes() {
        let err = ClientSpec::parse(ClientInput {
            name: Some("x".into()),
            scopes: vec![],
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<_> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "scopes"]);
        let err = ClientSpec::parse(ClientInput {
            name: Some("Leeds HR".into()),
            scopes: vec!["people:read".into(), "people:read".into(), "root".into()],
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<_> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["scopes[1]", "scopes[2]"]);
    }
}
