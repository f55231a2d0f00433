//! The academy's language: the Leeds workforce priorities, the prospectus taxonomy
//! (themes, system levels, Venus stems, delivery modes, availability) and programmes.
//!
//! Everything here is pure: no IO, no database, no HTTP. Constructors parse raw input and
//! either return a valid value or say, field by field, what is wrong with it — so a value
//! that exists is valid.

pub mod access;
pub mod cohort;
pub mod cohort_session;
pub mod commissioning;
pub mod community;
pub mod community_session;
pub mod duration;
pub mod enrolment;
pub mod organisation;
pub mod person;
pub mod priority;
pub mod programme;
pub mod report;
pub mod taxonomy;
pub mod validation;
pub mod vocabulary;
pub mod webhook;

pub use access::{ClientInput, ClientSpec, ClientStatus, Scope, ScopeSet};
pub use cohort::{CohortInput, CohortSpec, CohortStatus};
pub use duration::{Duration, DurationInput, DurationUnit};
pub use enrolment::{Admission, AttendanceStatus, EnrolmentStatus, Refusal, Seats};
pub use organisation::{
    OdsCode, Organisation, OrganisationInput, OrganisationKind, OrganisationStatus,
};
pub use person::{Email, ExternalRef, Person, PersonInput};
pub use priority::Priority;
pub use programme::{Programme, ProgrammeInput, ProgrammeStatus, Slug};
pub use taxonomy::{Availability, DeliveryMode, Strand, SystemLevel, Theme, VenusStem};
pub use validation::{FieldError, ValidationErrors};
pub use vocabulary::{UnknownValue, Vocabulary};
