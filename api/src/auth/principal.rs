//! The authenticated caller, and the extractor that demands a scope.

use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, WWW_AUTHENTICATE};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use domain::{Scope, ScopeSet, Vocabulary};
use persistence::access::audit::AuditEntry;
use uuid::Uuid;

use crate::http::error::ApiError;
use crate::http::problem::Problem;
use crate::http::request_id;

pub const REALM: &str = "wtxa";

/// A client whose token verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub client_id: Uuid,
    /// `None` for academy clients.
    pub organisation_id: Option<Uuid>,
    pub scopes: ScopeSet,
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.scopes.permits(Scope::Admin)
    }

    /// Whose people and enrolments this caller may see: a partner organisation's clients see
    /// only their own; academy clients see everyone's.
    pub fn visibility(&self) -> persistence::visibility::Visibility {
        match self.organisation_id {
            Some(o) if !self.is_admin() => persistence::visibility::Visibility::Organisation(o),
            _ => persistence::visibility::Visibility::All,
        }
    }

    /// The organisation a record is written for: a partner organisation's client writes for
    /// its own (naming another is refused as if it did not exist, which it does not for this
    /// caller); an academy client names one, which must be given when `required`. A refusal is
    /// added to `errors` under `organisation_id`.
    pub fn organisation_for(
        &self,
        named: Option<Uuid>,
        required: bool,
        errors: &mut domain::ValidationErrors,
    ) -> Option<Uuid> {
        use persistence::visibility::Visibility;
        match (self.visibility(), named) {
            (Visibility::Organisation(own), Some(o)) if o != own => {
                errors.add("organisation_id", "no organisation has this id");
                None
            }
            (Visibility::Organisation(own), _) => Some(own),
            (Visibility::All, None) if required => {
                errors.add("organisation_id", "is required for an academy client");
                None
            }
            (Visibility::All, named) => named,
        }
    }
}

/// The caller, if any, as the audit log names it.
pub fn audit_entry(req: &HttpRequest) -> AuditEntry {
    let principal = req.extensions().get::<Principal>().cloned();
    AuditEntry::by(
        principal.as_ref().map(|p| p.client_id),
        principal.and_then(|p| p.organisation_id),
        request_id::of(req).unwrap_or_default(),
    )
}

/// 401 with a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3).
pub fn unauthorized(error: Option<(&str, &str)>) -> ApiError {
    let (challenge, detail) = match error {
        None => (
            format!("Bearer realm=\"{REALM}\""),
            "this operation needs an access token: send `Authorization: Bearer <token>` (get one at POST /api/v1/oauth/token)".to_owned(),
        ),
        Some((code, description)) => (
            format!("Bearer realm=\"{REALM}\", error=\"{code}\", error_description=\"{}\"", description.replace('"', "'")),
            description.to_owned(),
        ),
    };
    let problem = Problem::typed(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "Unauthorized",
        detail,
    );
    ApiError::WithHeaders(Box::new(problem), vec![(WWW_AUTHENTICATE, challenge)])
}

/// 400 for a malformed `Authorization: Bearer` header (RFC 6750 §3.1 `invalid_request`).
pub fn bad_request(description: &str) -> ApiError {
    let challenge = format!(
        "Bearer realm=\"{REALM}\", error=\"invalid_request\", error_description=\"{description}\""
    );
    let problem = Problem::typed(
        StatusCode::BAD_REQUEST,
        "invalid-authorization",
        "Invalid Authorization header",
        description,
    );
    ApiError::WithHeaders(Box::new(problem), vec![(WWW_AUTHENTICATE, challenge)])
}

pub fn insufficient_scope(scope: Scope) -> ApiError {
    let challenge = format!(
        "Bearer realm=\"{REALM}\", error=\"insufficient_scope\", scope=\"{}\"",
        scope.value()
    );
    let problem = Problem::typed(
        StatusCode::FORBIDDEN,
        "insufficient-scope",
        "Insufficient scope",
        format!(
            "this operation needs the scope '{}', which the token does not carry",
            scope.value()
        ),
    );
    ApiError::WithHeaders(Box::new(problem), vec![(WWW_AUTHENTICATE, challenge)])
}

/// True when `principal` may act with `scope`.
pub fn permits(principal: Option<&Principal>, scope: Scope) -> bool {
    principal.is_some_and(|p| p.scopes.permits(scope))
}

/// The principal if it carries `scope`: 401 for none, 403 for a token without it — or for a
/// partner organisation's client asking for a scope over the academy's shared data (which no
/// such client can be given; this holds for any it was given before that rule).
pub fn require(principal: Option<&Principal>, scope: Scope) -> Result<&Principal, ApiError> {
    match principal {
        None => Err(unauthorized(None)),
        Some(p) if !p.scopes.permits(scope) => Err(insufficient_scope(scope)),
        Some(p) if scope.is_academy_only() && p.organisation_id.is_some() => {
            Err(insufficient_scope(scope))
        }
        Some(p) => Ok(p),
    }
}

/// A scope an operation requires, as a type.
pub trait RequiredScope {
    const SCOPE: Scope;
}

macro_rules! scopes {
    ($($name:ident => $scope:ident),+ $(,)?) => {
        $(
            #[doc = concat!("Requires `", stringify!($scope), "`.")]
            pub struct $name;
            impl RequiredScope for $name {
                const SCOPE: Scope = Scope::$scope;
            }
        )+
    };
}

pub mod scope {
    use super::{RequiredScope, Scope};
    scopes! {
        CatalogueWrite => CatalogueWrite,
        PeopleRead => PeopleRead,
        PeopleWrite => PeopleWrite,
        CohortsWrite => CohortsWrite,
        EnrolmentsRead => EnrolmentsRead,
        EnrolmentsWrite => EnrolmentsWrite,
        CommunitiesWrite => CommunitiesWrite,
        MembershipsWrite => MembershipsWrite,
        WebhooksManage => WebhooksManage,
        ReportsRead => ReportsRead,
        CommissioningRead => CommissioningRead,
        CommissioningWrite => CommissioningWrite,
        Admin => Admin,
    }
}

/// Extracts the principal, answering 401 when there is none and 403 when its token lacks
/// `S::SCOPE`. Put it first among a handler's arguments, so no other input is read (or
/// reported on) for a caller who may not call.
pub struct Authorized<S: RequiredScope> {
    pub principal: Principal,
    _scope: PhantomData<S>,
}

impl<S: RequiredScope> FromRequest for Authorized<S> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let principal = req.extensions().get::<Principal>().cloned();
        std::future::ready(require(principal.as_ref(), S::SCOPE).map(|p| Self {
            principal: p.clone(),
            _scope: PhantomData,
        }))
    }
}

/// The principal when there is one; never fails.
pub struct MaybePrincipal(pub Option<Principal>);

impl FromRequest for MaybePrincipal {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Self(req.extensions().get::<Principal>().cloned())))
    }
}

pub fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
}
