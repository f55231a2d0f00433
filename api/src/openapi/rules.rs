//! The contract's schemas for the text rules of the domain (names, titles, slugs, links,
//! staff numbers, …), built from the domain's own limits so the two cannot differ. Request
//! fields refer to them with `#[schema(value_type = Name)]`.
//!
//! Lengths are what the server counts: at most `max` characters as sent, at least `min` once
//! surrounding whitespace is trimmed — which `pattern` says (for two, a first and a last
//! non-space character, …), because `minLength` alone would let `"  "` through. No text holds
//! a control character but tab and line breaks (the server refuses them, with a 422).

use domain::Priority;
use domain::organisation::NAME_CHARS;
use domain::person::{MAX_EMAIL, MAX_REF, MAX_ROLE};
use domain::programme::{PARTNER_CHARS, SLUG_CHARS, TEXT_MAX_CHARS, TITLE_CHARS};
use domain::{Scope, VenusStem};
use serde_json::json;
use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::{Ref, RefOr};

// Surrounding space, which the server trims: whitespace but the control characters (form
// feed and vertical tab are both).
// (Written out in each pattern below as `[^\S\x00-\x08\x0b\x0c\x0e-\x1f]*`.)

/// The control characters no text may hold (see `domain::validation::control_character`):
/// the C0 set but tab, line feed and carriage return.
pub const CONTROL: &str = r"\x00-\x08\x0b\x0c\x0e-\x1f";

/// A pattern that holds for text without control characters of which at least `min`
/// characters remain once it is trimmed (a first and a last non-space character, `min - 2`
/// characters apart or more). Anchored, and without lookaround, so every generator reads it.
pub fn clean_text(min: usize) -> String {
    let any = format!("[^{CONTROL}]");
    let solid = format!(r"[^\s{CONTROL}]");
    match min {
        0 => format!("^{any}*$"),
        1 => format!("^{any}*{solid}{any}*$"),
        n => format!("^{any}*{solid}{any}{{{},}}{solid}{any}*$", n - 2),
    }
}

/// A string of `min`..=`max` characters (trimmed for the minimum).
pub fn text(min: usize, max: usize, description: &str, example: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(min))
        .max_length(Some(max))
        .pattern(Some(clean_text(min)))
        .description(Some(description))
        .examples([json!(example)])
}

macro_rules! rule {
    ($(#[$doc:meta])* $name:ident => $schema:expr $(, items $item:ty)?) => {
        $(#[$doc])*
        pub struct $name;
        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                $schema.into()
            }
        }
        impl utoipa::ToSchema for $name {
            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                $(
                    schemas.push((<$item as utoipa::ToSchema>::name().into(), <$item as utoipa::PartialSchema>::schema()));
                    <$item as utoipa::ToSchema>::schemas(schemas);
                )?
                let _ = schemas;
            }
        }
    };
}

/// A list of `item`s: `min`..=`max` of them, each once when `unique`.
fn list<T: utoipa::ToSchema>(
    min: usize,
    max: Option<usize>,
    unique: bool,
    description: &str,
    example: serde_json::Value,
) -> ArrayBuilder {
    ArrayBuilder::new()
        .items(Ref::from_schema_name(T::name()))
        .min_items((min > 0).then_some(min))
        .max_items(max)
        .unique_items(unique)
        .description(Some(description))
        .examples([example])
}

rule!(
    /// Names of organisations, clients, cohorts and communities.
    Name => text(
        *NAME_CHARS.start(),
        *NAME_CHARS.end(),
        "A name: at most 200 characters, at least 2 once surrounding spaces are trimmed (they are).",
        "Leeds Teaching Hospitals NHS Trust",
    )
);
rule!(
    /// A person's given or family name (one letter is a name).
    PersonName => text(
        1,
        *NAME_CHARS.end(),
        "A person's name: at most 200 characters, at least 1 once surrounding spaces are trimmed (they are).",
        "Aisha",
    )
);
rule!(
    /// A programme title.
    Title => text(
        *TITLE_CHARS.start(),
        *TITLE_CHARS.end(),
        "A title: at most 200 characters, at least 3 once surrounding spaces are trimmed (they are).",
        "Compassionate Leadership for Care Homes",
    )
);
rule!(
    /// Long text of a programme (what, how, who, when).
    Prose => text(
        1,
        TEXT_MAX_CHARS,
        "Text of at most 10,000 characters, not blank; surrounding spaces are trimmed.",
        "Registered managers and deputies",
    )
);
rule!(
    /// A delivery partner's name.
    PartnerName => text(
        *PARTNER_CHARS.start(),
        *PARTNER_CHARS.end(),
        "A delivery partner: at most 200 characters, at least 2 once trimmed.",
        "Care England",
    )
);
rule!(
    /// How often a programme meets.
    Cadence => text(1, domain::duration::MAX_CADENCE_CHARS, "How often, e.g. \"1 day a month\": at most 100 characters, not blank.", "1 day a month")
);
rule!(
    /// A job role; blank means none.
    JobRole => ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(MAX_ROLE))
        .pattern(Some(clean_text(0)))
        .description(Some("At most 200 characters; blank means none."))
        .examples([json!("Staff nurse")])
);
rule!(
    /// A human slug.
    Slug => ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(*SLUG_CHARS.start()))
        .max_length(Some(*SLUG_CHARS.end()))
        .pattern(Some("^[a-z0-9]+(-[a-z0-9]+)*$"))
        .description(Some(
            "Lower-case letters and digits in words joined by hyphens, 3 to 80 characters, \
             not shaped like a UUID (so a slug and an id never clash in a URL).",
        ))
        .examples([json!("vital-signs")])
);
rule!(
    /// An email address.
    Email => ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(MAX_EMAIL))
        .pattern(Some(r"^[^\S\x00-\x08\x0b\x0c\x0e-\x1f]*[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s.\x00-\x1f\x7f-\x9f][^@\s\x00-\x1f\x7f-\x9f]*\.[^@\s\x00-\x1f\x7f-\x9f]*[^@\s.\x00-\x1f\x7f-\x9f][^\S\x00-\x08\x0b\x0c\x0e-\x1f]*$"))
        // The pattern, not `format: email`: validators differ on what that format admits,
        // and the contract must say exactly what this server does.
        .description(Some(
            "An email address (stored lower-cased; surrounding spaces are trimmed): one `@`, \
             a domain with a dot, no spaces; at most 254 characters.",
        ))
        .examples([json!("aisha.khan@nhs.net")])
);
rule!(
    /// An employer's staff number.
    ExternalRef => ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(MAX_REF))
        .pattern(Some(r"^[^\S\x00-\x08\x0b\x0c\x0e-\x1f]*[^\s\x00-\x1f\x7f-\x9f]([^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?[^\S\x00-\x08\x0b\x0c\x0e-\x1f]*$"))
        .description(Some(
            "The employer's own id for the person (a staff number): 1 to 64 characters, no control \
             characters; surrounding spaces are trimmed. Unique within the organisation.",
        ))
        .examples([json!("LTH-004211")])
);
rule!(
    /// An ODS code.
    OdsCode => ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(r"^[^\S\x00-\x08\x0b\x0c\x0e-\x1f]*[A-Za-z0-9]{3,10}[^\S\x00-\x08\x0b\x0c\x0e-\x1f]*$"))
        .description(Some(
            "The NHS Organisation Data Service code: 3 to 10 letters and digits (stored upper-cased).",
        ))
        .examples([json!("RR8")])
);
rule!(
    /// An http(s) link.
    WebLink => ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(2000))
        .pattern(Some(r"^[^\S\x00-\x08\x0b\x0c\x0e-\x1f]*https?://[^/?#\[\]\s\x00-\x1f\x7f-\x9f]+([/?#][^\s\x00-\x1f\x7f-\x9f]*)?[^\S\x00-\x08\x0b\x0c\x0e-\x1f]*$"))
        .description(Some(
            "An `http://` or `https://` link with a host, no spaces; at most 2000 characters.",
        ))
        .examples([json!("https://meet.example.org/cop-facilitation")])
);

rule!(
    /// Where webhooks are sent.
    WebhookUrl => ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(2000))
        .pattern(Some(r"^https?://[^/?#@:\[\]\s\x00-\x1f\x7f-\x9f]+(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?([/?][^#\s\x00-\x1f\x7f-\x9f]*)?$"))
        .description(Some(
            "An `https://` URL with a host and no user name, password or `#fragment`, at most 2000 characters; its host must resolve only to public addresses. `http://` and private or loopback addresses only when the server runs with `WEBHOOKS_ALLOW_INSECURE=1` (tests, development).",
        ))
        .examples([json!("https://hr.example.org/hooks/wtxa")])
);
rule!(
    /// A webhook endpoint's note to its owner.
    WebhookDescription => text(0, domain::webhook::endpoint::MAX_DESCRIPTION, "At most 500 characters; blank means none.", "HR system")
);

rule!(
    /// An http(s) link, or blank for none.
    LinkOrBlank => ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(2000))
        .pattern(Some(r"^[^\S\x00-\x08\x0b\x0c\x0e-\x1f]*(https?://[^/?#\[\]\s\x00-\x1f\x7f-\x9f]+([/?#][^\s\x00-\x1f\x7f-\x9f]*)?)?[^\S\x00-\x08\x0b\x0c\x0e-\x1f]*$"))
        .description(Some(
            "An `http://` or `https://` link with a host, no spaces, at most 2000 characters; blank means none.",
        ))
        .examples([json!("https://meet.example.org/cop-facilitation")])
);
rule!(
    /// Where something takes place; blank means nowhere in particular.
    Location => ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(300))
        .pattern(Some(clean_text(0)))
        .description(Some("At most 300 characters; blank means none."))
        .examples([json!("St James's University Hospital")])
);
rule!(
    /// A community's purpose.
    Purpose => text(1, 5000, "What the community is for: at most 5000 characters, not blank.", "Supporting the health and wellbeing of the Leeds health and care workforce.")
);
rule!(
    /// Where a community session meets.
    Venue => text(1, 500, "Where it meets: at most 500 characters, not blank.", "Leeds Civic Hall")
);
rule!(
    /// A staff group, as organisations name them.
    StaffGroup => text(2, 100, "A staff group: 2 to 100 characters, not blank.", "Healthcare support workers")
);
rule!(
    /// A learning need's notes.
    NeedNotes => text(1, 2000, "Notes: at most 2000 characters, not blank.", "Band 2–4, across three wards.")
);
rule!(
    /// Where a request's cohorts would meet.
    Place => text(1, 300, "Where it would meet: at most 300 characters, not blank.", "St James's University Hospital")
);
rule!(
    /// A resource's title.
    ResourceTitle => text(1, 300, "A title: at most 300 characters, not blank.", "Claims, concerns and issues: a facilitation tool")
);
rule!(
    /// A community named by id or slug.
    CommunityKey => ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .pattern(Some(clean_text(1)))
        .description(Some("A community's id or slug."))
        .examples([json!("facilitation")])
);
rule!(
    /// A session's title.
    SessionTitle => text(1, 200, "A title: at most 200 characters, not blank.", "Workshop 1: culture")
);

rule!(
    /// What became of an audited request.
    AuditOutcome => ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(persistence::access::audit::Outcome::ALL.map(|o| o.as_str())))
        .description(Some(
            "`success`; `denied` (refused: 401, 403 or 429); `failure` (invalid or failed: other 4xx, 5xx).",
        ))
);

/// A date of the years 1900 to 2200, `YYYY-MM-DD` (the whole value, so a generator draws
/// dates from it rather than filtering random text).
const DATE: &str = r"(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";
/// A time of day with its offset, as RFC 3339 writes it after the date.
const TIME: &str = r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])";

rule!(
    /// A calendar date the academy records.
    Day => ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(format!("^{DATE}$")))
        .description(Some("A date, `YYYY-MM-DD`, in the years 1900 to 2200."))
        .examples([json!("2027-03-01")])
);
rule!(
    /// An instant the academy records.
    Instant => ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .pattern(Some(format!("^{DATE}{TIME}$")))
        .description(Some(
            "An RFC 3339 date and time with its offset, e.g. `2027-03-01T09:30:00Z`, in the years 1900 to 2200.",
        ))
        .examples([json!("2027-03-01T09:30:00Z")])
);

/// A Leeds priority in a request: its code (`6`, or `"6"`) or its slug.
pub struct PriorityRefInput;

impl utoipa::PartialSchema for PriorityRefInput {
    fn schema() -> RefOr<Schema> {
        let slugs: Vec<&str> = Priority::ALL.iter().map(|p| p.slug()).collect();
        let code = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .maximum(Some(7));
        let spelled = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(format!(r"^(\+?0*[1-7]|{})$", slugs.join("|"))));
        OneOfBuilder::new()
            .item(code)
            .item(spelled)
            .description(Some(format!(
                "A Leeds strategic workforce priority: its code 1–7 or its slug ({}).",
                slugs.join(", ")
            )))
            .examples([json!("learning-together")])
            .into()
    }
}

rule!(
    /// The Venus model stems a programme develops: at least one, each once.
    Stems => list::<VenusStem>(1, None, true, "At least one Venus model stem, each once.", json!(["leadership", "culture_change"])), items VenusStem
);
rule!(
    /// The Leeds priorities a programme serves: at least one.
    Priorities => list::<PriorityRefInput>(1, None, false, "At least one Leeds priority, by code or slug (one named twice counts once).", json!([6, "improving-health-and-wellbeing"])), items PriorityRefInput
);
rule!(
    /// The Leeds priorities a cohort serves (none: the programme's).
    CohortPriorities => list::<PriorityRefInput>(0, None, false, "Leeds priorities by code or slug (one named twice counts once).", json!(["learning-together"])), items PriorityRefInput
);
rule!(
    /// A programme's delivery partners.
    Partners => list::<PartnerName>(0, Some(domain::programme::MAX_PARTNERS), true, "At most 20 delivery partners, each named once (ignoring case).", json!(["Care England"])), items PartnerName
);
rule!(
    /// The scopes of an API client.
    Scopes => list::<Scope>(1, None, true, "At least one scope, each once; `admin` only for an academy client (no organisation).", json!(["people:read", "enrolments:read"])), items Scope
);

impl utoipa::ToSchema for PriorityRefInput {
    fn name() -> std::borrow::Cow<'static, str> {
        "PriorityInput".into()
    }
}
rule!(
    /// A commissioning brief's or message's text.
    BriefText => text(*domain::commissioning::TEXT_CHARS.start(), *domain::commissioning::TEXT_CHARS.end(), "Text of at most 4,000 characters, not blank; surrounding spaces are trimmed.", "A half-day for ward teams on handovers with families.")
);
rule!(
    /// Why a request was decided so.
    Reason => text(*domain::commissioning::REASON_CHARS.start(), *domain::commissioning::REASON_CHARS.end(), "At most 2,000 characters, at least 2 once trimmed.", "Agreed with the ward managers: two cohorts in the spring.")
);
