//! What can go wrong in the store, in terms the API can map to HTTP.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use domain::Refusal;
use domain::cohort::{CapacityBelowEnrolled, CohortTransitionError};
use domain::commissioning::TransitionRefused;
use domain::enrolment::EnrolmentTransitionError;

/// A change the domain's rules refused, as the rule gave it: callers match on the kind,
/// never on the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error(transparent)]
    Admission(#[from] Refusal),
    #[error(transparent)]
    CohortTransition(#[from] CohortTransitionError),
    #[error(transparent)]
    EnrolmentTransition(#[from] EnrolmentTransitionError),
    #[error(transparent)]
    Capacity(#[from] CapacityBelowEnrolled),
    #[error(transparent)]
    Commissioning(#[from] TransitionRefused),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write (e.g. a slug already taken).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The resource's state forbids the change (a domain rule, e.g. a transition the state
    /// machine does not allow, or capacity below the number enrolled).
    #[error("{0}")]
    StateConflict(String),
    /// A domain rule refused the change (a transition the state machine does not allow,
    /// an admission to a cohort that is not open or full, capacity below the seats taken).
    #[error(transparent)]
    Refused(Refused),
    /// A field refers to something that does not exist (checked inside the write's
    /// transaction): `(field, message)`.
    #[error("{0}: {1}")]
    Invalid(String, String),
    /// SQLite's single writer was busy and the statement could not wait for it: retry.
    #[error("database busy: {0}")]
    Busy(String),
    /// The row changed since the client read it (`If-Match` no longer matches).
    #[error("the resource has changed since it was read")]
    Stale,
    /// The database cannot be reached right now (pool timed out, connection lost).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Stored data broke a domain rule: someone wrote to the database behind our back.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(DieselError),
}

impl StoreError {
    /// What kind of error this is, for logs: the messages may carry what a client sent.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Conflict(_) => "conflict",
            Self::StateConflict(_) | Self::Refused(_) => "state_conflict",
            Self::Invalid(..) => "invalid",
            Self::Busy(_) => "busy",
            Self::Stale => "stale",
            Self::Unavailable(_) => "unavailable",
            Self::Corrupt(_) => "corrupt",
            Self::Database(_) => "database",
        }
    }
}

impl From<Refused> for StoreError {
    fn from(r: Refused) -> Self {
        Self::Refused(r)
    }
}

impl StoreError {
    /// A domain rule's refusal, as a store error (`.map_err(StoreError::refused)`).
    pub fn refused(r: impl Into<Refused>) -> Self {
        Self::Refused(r.into())
    }
}

impl From<DieselError> for StoreError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Self::Conflict(info.message().to_owned())
            }
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => Self::Unavailable(info.message().to_owned()),
            DieselError::BrokenTransactionManager => Self::Unavailable(e.to_string()),
            DieselError::DatabaseError(_, info)
                if info.message().contains("database is locked") =>
            {
                Self::Busy(info.message().to_owned())
            }
            other => Self::Database(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(e.to_string())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
