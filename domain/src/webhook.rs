//! Webhooks: the events partners hear about, the endpoints they register, and what happens
//! after each delivery attempt (the Standard Webhooks retry schedule, `410 Gone`, giving up).

use std::net::IpAddr;

use crate::validation::ValidationErrors;
use crate::vocabulary::{Vocabulary, vocabulary_enum};

mod address;
pub mod endpoint;

pub use address::{EndpointUrl, UrlPolicy, forbidden_address};
pub use endpoint::{EndpointInput, EndpointSpec};

vocabulary_enum! {
    /// What happened. Dot-separated: the resource, then what became of it.
    EventType {
        /// A person was given a seat or a place on the waitlist.
        EnrolmentCreated = "enrolment.created": "A person was enrolled or waitlisted",
        /// A waitlisted person was given a seat.
        EnrolmentPromoted = "enrolment.promoted": "A waitlisted person got a seat",
        EnrolmentWithdrawn = "enrolment.withdrawn": "A person withdrew",
        EnrolmentCompleted = "enrolment.completed": "A person completed the programme",
        EnrolmentNotCompleted = "enrolment.not_completed": "A person took part but did not complete",
        /// The place ended because its cohort was cancelled.
        EnrolmentCancelled = "enrolment.cancelled": "A place was cancelled with its cohort",
        CohortOpened = "cohort.opened": "A cohort opened for enrolment",
        CohortStarted = "cohort.started": "A cohort started running",
        CohortCompleted = "cohort.completed": "A cohort completed",
        CohortCancelled = "cohort.cancelled": "A cohort was cancelled",
        /// Its dates, capacity, location or other details changed.
        CohortUpdated = "cohort.updated": "A cohort's dates, capacity or place (location or joining link) changed",
        /// The person's personal data was erased; only the id remains.
        PersonErased = "person.erased": "A person was erased",
        CommunitySessionScheduled = "community.session.scheduled": "A community session was scheduled",
        CommunitySessionCancelled = "community.session.cancelled": "A community session was cancelled",
        ProgrammePublished = "programme.published": "A programme was published",
        ProgrammeRetired = "programme.retired": "A programme was retired",
        /// A partner submitted a commissioning request (or a co-creation brief).
        CommissioningSubmitted = "commissioning.submitted": "A commissioning request was submitted",
        /// Reviewed, agreed, declined, withdrawn or delivered.
        CommissioningStatusChanged = "commissioning.status_changed": "A commissioning request changed status",
        CommissioningMessagePosted = "commissioning.message_posted": "A message was posted on a commissioning request",
        LearningNeedRecorded = "learning_need.recorded": "An organisation recorded a learning need",
        /// Sent only when the endpoint's owner asks (`POST /webhooks/{id}/ping`).
        WebhookPing = "webhook.ping": "A test event",
    }
}

impl EventType {
    /// The types an endpoint may subscribe to: all but `webhook.ping`, which is sent only
    /// when asked for.
    pub fn subscribable() -> impl Iterator<Item = EventType> {
        Self::all()
            .iter()
            .copied()
            .filter(|t| *t != Self::WebhookPing)
    }
}

vocabulary_enum! {
    /// `active ⇄ paused` by the owner; `disabled` by the academy when the receiver answers
    /// `410 Gone` or keeps failing; the owner re-enables it by setting `active`.
    EndpointStatus {
        /// Receives events.
        Active = "active": "Active",
        /// Events are kept for it and sent once it is active again.
        Paused = "paused": "Paused",
        /// Receives nothing until its owner sets it active; `disabled_reason` says why.
        Disabled = "disabled": "Disabled",
    }
}

vocabulary_enum! {
    /// Where one event's delivery to one endpoint stands.
    DeliveryStatus {
        /// Not yet accepted by the receiver; `next_attempt_at` says when it is tried.
        Pending = "pending": "Pending",
        /// The receiver answered 2xx.
        Delivered = "delivered": "Delivered",
        /// Every attempt of the schedule failed, or the endpoint answered 410.
        Failed = "failed": "Failed",
    }
}

/// Seconds to wait before each attempt, the first immediately: the Standard Webhooks
/// specification's example schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
/// 20 h, 24 h). After the last attempt fails, the delivery has failed.
pub const RETRY_SCHEDULE_SECONDS: [i64; 10] = [
    0, 5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400,
];

/// The most a receiver's `Retry-After` may defer an attempt.
pub const MAX_RETRY_AFTER_SECONDS: i64 = 86_400;

/// At most this share of a delay is added to it at random, so receivers recovering from an
/// outage are not hit by every retry at the same instant.
pub const JITTER: f64 = 0.1;

/// How an attempt ended, as far as the schedule cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    /// The receiver answered with this status (and, on 429 or 503, perhaps `Retry-After`
    /// in seconds).
    Status { code: u16, retry_after: Option<i64> },
    /// No answer: timeout, refused connection, refused address, TLS failure.
    NoAnswer,
}

/// What happens next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    Delivered,
    /// Try again after this many seconds.
    RetryIn(f64),
    /// Every attempt failed.
    GiveUp,
    /// `410 Gone`: the receiver wants no more; the endpoint is disabled.
    Gone,
}

/// What follows attempt number `attempts_made` (1 for the first) that ended in `response`;
/// `jitter` in `[0, 1)` picks the random share of [`JITTER`] added to the delay.
pub fn after_attempt(attempts_made: u32, response: Response, jitter: f64) -> Next {
    let retry_after = match response {
        Response::Status {
            code: 200..=299, ..
        } => return Next::Delivered,
        Response::Status { code: 410, .. } => return Next::Gone,
        Response::Status {
            code: 429 | 503,
            retry_after,
        } => retry_after.map(|s| s.clamp(0, MAX_RETRY_AFTER_SECONDS)),
        _ => None,
    };
    let Some(&delay) = RETRY_SCHEDULE_SECONDS.get(attempts_made as usize) else {
        return Next::GiveUp;
    };
    let scheduled = delay as f64 * (1.0 + JITTER * jitter.clamp(0.0, 1.0));
    Next::RetryIn(scheduled.max(retry_after.unwrap_or(0) as f64))
}

/// The seconds a receiver's `Retry-After` asks us to wait: delay-seconds, or an HTTP-date
/// (RFC 9110 §10.2.3) counted from `now` (a date already past is 0); `None` when the value
/// is neither.
pub fn retry_after_seconds(value: &str, now: std::time::SystemTime) -> Option<i64> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<i64>() {
        return Some(seconds.max(0));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(now)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
    )
}

/// The event types an endpoint subscribes to, parsed from `raw` (field `event_types`);
/// empty means every type it may see. Duplicates are removed; the order is the catalogue's.
pub fn parse_event_types(raw: &[String], errors: &mut ValidationErrors) -> Vec<EventType> {
    let mut types = Vec::new();
    for (i, value) in raw.iter().enumerate() {
        match EventType::parse(value) {
            Ok(EventType::WebhookPing) => errors.add(
                format!("event_types[{i}]"),
                "webhook.ping is sent only when asked for (POST /webhooks/{id}/ping); it cannot be subscribed to",
            ),
            Ok(t) => types.push(t),
            Err(e) => errors.add(format!("event_types[{i}]"), e.to_string()),
        }
    }
    types.sort();
    types.dedup();
    types
}

/// Who may hear an event: the same visibility as reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience<O> {
    /// The public catalogue and communities: every endpoint.
    Public,
    /// About an organisation's people or its commissioned cohort: that organisation's
    /// endpoints and the academy's.
    Organisation(O),
    /// About no organisation's business (a person of none): the academy's endpoints only.
    Academy,
}

impl<O: PartialEq> Audience<O> {
    /// True when an endpoint of `organisation` (`None`: the academy's) hears the event.
    pub fn includes(&self, organisation: Option<&O>) -> bool {
        match (self, organisation) {
            (Self::Public, _) | (_, None) => true,
            (Self::Organisation(o), Some(own)) => o == own,
            (Self::Academy, Some(_)) => false,
        }
    }
}

/// True for an address a webhook may not be sent to unless insecure endpoints are allowed.
pub fn refused(ip: IpAddr, policy: UrlPolicy) -> bool {
    policy == UrlPolicy::PublicHttpsOnly && forbidden_address(ip)
}

#[cfg(test)]
mod tests;
