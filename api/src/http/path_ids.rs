//! Ids from the path, as extractors. Each one answers the 404 problem naming what the caller
//! asked for when its segment cannot be such an id, and documents its own parameter: a handler
//! takes `cohort: CohortId` and its `#[utoipa::path]` says `params(CohortId)`.
//!
//! The one idiom for "not found" after a lookup is [`OrNotFound::or_not_found`] on the
//! result, with the detail the id gives: `.await.or_not_found(cohort.missing())?`.

use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_router::Quoter;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{KnownFormat, ObjectBuilder, Required, SchemaFormat, Type};
use uuid::Uuid;

use super::error::ApiError;

/// What a path segment names: its parameter, the noun a 404 uses, whether it is a UUID or
/// an id-or-slug key, and the parameter's description in the contract.
pub trait Noun {
    const PARAM: &'static str;
    const NOUN: &'static str;
    const DESCRIPTION: &'static str;
    const EXAMPLE: Option<&'static str>;
}

/// A UUID from the path segment `N::PARAM`.
pub struct PathId<N> {
    pub id: Uuid,
    raw: String,
    noun: PhantomData<N>,
}

/// An id-or-slug key from the path segment `N::PARAM`, resolved by the store.
pub struct PathKey<N> {
    raw: String,
    noun: PhantomData<N>,
}

impl<N: Noun> PathId<N> {
    /// The 404 detail for this id: "no cohort has id '…'".
    pub fn missing(&self) -> String {
        format!("no {} has id '{}'", N::NOUN, self.raw)
    }
}

/// What a path segment names, for a 404 that names its parent: "cohort '…'".
pub trait Named {
    fn named(&self) -> String;
}

impl<N: Noun> Named for PathId<N> {
    fn named(&self) -> String {
        format!("{} '{}'", N::NOUN, self.raw)
    }
}

impl<N: Noun> Named for PathKey<N> {
    fn named(&self) -> String {
        format!("{} '{}'", N::NOUN, self.raw)
    }
}

impl<N: Noun> PathId<N> {
    /// The 404 detail for this id under `parent`: "cohort '…' has no session '…'".
    pub fn missing_in(&self, parent: &impl Named) -> String {
        format!("{} has no {} '{}'", parent.named(), N::NOUN, self.raw)
    }
}

impl<N: Noun> PathKey<N> {
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The 404 detail for this key: "no programme has id or slug '…'".
    pub fn missing(&self) -> String {
        format!("no {} has id or slug '{}'", N::NOUN, self.raw)
    }
}

/// The segment, percent-decoded exactly as `web::Path` decodes it.
fn segment(req: &HttpRequest, name: &str) -> String {
    let raw = req.match_info().get(name).unwrap_or_default();
    match Quoter::new(b"", b"").requote(raw.as_bytes()) {
        Some(decoded) => String::from_utf8_lossy(&decoded).into_owned(),
        None => raw.to_owned(),
    }
}

impl<N: Noun> FromRequest for PathId<N> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let raw = segment(req, N::PARAM);
        ready(match Uuid::parse_str(&raw) {
            Ok(id) => Ok(Self {
                id,
                raw,
                noun: PhantomData,
            }),
            Err(_) => Err(ApiError::not_found(format!(
                "no {} has id '{raw}'",
                N::NOUN
            ))),
        })
    }
}

impl<N: Noun> FromRequest for PathKey<N> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self {
            raw: segment(req, N::PARAM),
            noun: PhantomData,
        }))
    }
}

fn path_parameter(
    name: &str,
    description: &str,
    example: Option<&str>,
    uuid: bool,
) -> Vec<Parameter> {
    let mut schema = ObjectBuilder::new().schema_type(Type::String);
    if uuid {
        schema = schema.format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)));
    }
    vec![
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some(description))
            .schema(Some(schema))
            .example(example.map(Into::into))
            .build(),
    ]
}

impl<N: Noun> IntoParams for PathId<N> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        path_parameter(N::PARAM, N::DESCRIPTION, N::EXAMPLE, true)
    }
}

impl<N: Noun> IntoParams for PathKey<N> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        path_parameter(N::PARAM, N::DESCRIPTION, N::EXAMPLE, false)
    }
}

/// A 404 from the store, reworded to name what the caller asked for; any other error as is.
pub trait OrNotFound<T> {
    fn or_not_found(self, detail: impl Into<String>) -> Result<T, ApiError>;

    /// A 404 as `None`: for a list filter naming something that does not exist, which
    /// matches nothing rather than failing the list.
    fn or_none(self) -> Result<Option<T>, ApiError>;
}

impl<T> OrNotFound<T> for Result<T, ApiError> {
    fn or_not_found(self, detail: impl Into<String>) -> Result<T, ApiError> {
        self.map_err(|e| e.or_not_found(detail))
    }

    fn or_none(self) -> Result<Option<T>, ApiError> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

macro_rules! example {
    () => {
        None
    };
    ($e:literal) => {
        Some($e)
    };
}

macro_rules! nouns {
    ($($alias:ident = $kind:ident < $noun:ident > ($param:literal, $what:literal, $description:literal $(, $example:literal)?);)*) => {
        $(
            #[doc = $description]
            pub enum $noun {}
            impl Noun for $noun {
                const PARAM: &'static str = $param;
                const NOUN: &'static str = $what;
                const DESCRIPTION: &'static str = $description;
                const EXAMPLE: Option<&'static str> = example!($($example)?);
            }
            #[doc = $description]
            pub type $alias = $kind<$noun>;
        )*
    };
}

nouns! {
    CohortId = PathId<Cohort>("id", "cohort", "The cohort's id.");
    CohortSessionId = PathId<CohortSession>("session_id", "session", "The session's id.");
    EnrolmentId = PathId<Enrolment>("id", "enrolment", "The enrolment's id.");
    PersonId = PathId<Person>("id", "person", "The person's id.");
    MemberId = PathId<Member>("person_id", "person", "The member's person id.");
    OrganisationId = PathId<Organisation>("id", "organisation", "The organisation's id.");
    ClientId = PathId<Client>("id", "client", "The client's id.");
    CommunitySessionId = PathId<CommunitySession>("session_id", "session", "The session's id.");
    WebhookId = PathId<Webhook>("id", "webhook endpoint", "The webhook endpoint's id.");
    DeliveryId = PathId<Delivery>("delivery_id", "delivery", "The delivery's id.");
    CommissioningRequestId = PathId<CommissioningRequest>("id", "commissioning request", "The commissioning request's id.");
    LinkedCohortId = PathId<LinkedCohort>("cohort_id", "cohort", "The cohort's id.");
    LearningNeedId = PathId<LearningNeed>("id", "learning need", "The learning need's id.");
    ProgrammeRef = PathKey<Programme>("id_or_slug", "programme", "The programme's id (UUID) or slug.", "vital-signs");
    PriorityRef = PathKey<PriorityKey>("code_or_slug", "priority", "The priority's code (1–7) or slug.", "learning-together");
    StaffNumber = PathKey<StaffNumberOf>("external_ref", "person", "The employer's staff number.");
    CommunityRef = PathKey<Community>("id_or_slug", "community", "The community's id or slug.", "facilitation");
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn extract<T: FromRequest>(param: &str, value: &str) -> Result<T, T::Error> {
        let req = TestRequest::default().param(param.to_owned(), value.to_owned());
        let (req, mut payload) = req.to_http_parts();
        futures_util::FutureExt::now_or_never(T::from_request(&req, &mut payload))
            .unwrap_or_else(|| unreachable!("path ids are ready at once"))
    }

    #[test]
    fn a_uuid_segment_is_the_id() {
        let id = Uuid::now_v7();
        let cohort = extract::<CohortId>("id", &id.to_string()).map(|c| c.id);
        assert_eq!(cohort.ok(), Some(id));
    }

    #[test]
    fn anything_else_is_the_404_naming_it() {
        let err = extract::<CohortId>("id", "nope")
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("no cohort has id 'nope'")),
            "{err:?}"
        );
        let session = extract::<CohortSessionId>("id", &Uuid::now_v7().to_string());
        assert!(session.is_err(), "a session id is read from `session_id`");
    }

    #[test]
    fn a_child_id_is_missing_in_its_parent() {
        let id = Uuid::now_v7();
        let cohort = extract::<CohortId>("id", &id.to_string()).ok();
        let session = extract::<CohortSessionId>("session_id", "s1");
        assert!(session.is_err(), "not a UUID");
        let session = extract::<CohortSessionId>("session_id", &id.to_string()).ok();
        let detail = cohort.zip(session).map(|(c, s)| s.missing_in(&c));
        assert_eq!(detail, Some(format!("cohort '{id}' has no session '{id}'")));
    }

    #[test]
    fn keys_are_percent_decoded_as_web_path_decodes_them() {
        let key = extract::<CommunityRef>("id_or_slug", "a%20b%2Fc").map(|k| k.raw);
        assert_eq!(key.ok().as_deref(), Some("a b/c"));
    }

    #[test]
    fn each_documents_its_own_parameter() {
        let json = |p: Vec<Parameter>| serde_json::to_value(p).unwrap_or_default();
        assert_eq!(
            json(CohortId::into_params(|| None)),
            serde_json::json!([{"name": "id", "in": "path", "required": true,
                "description": "The cohort's id.",
                "schema": {"type": "string", "format": "uuid"}}])
        );
        assert_eq!(
            json(ProgrammeRef::into_params(|| None)),
            serde_json::json!([{"name": "id_or_slug", "in": "path", "required": true,
                "description": "The programme's id (UUID) or slug.",
                "schema": {"type": "string"}, "example": "vital-signs"}])
        );
    }
}
