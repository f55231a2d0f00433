//! The audit log: who did what to which resource, when, under which request, and how it
//! ended. Successful writes are recorded in the same transaction as the write; failures
//! and refusals on their own. Ids only: no secrets, no personal data.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use crate::clock::now;
use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{self, Cursor, CursorError, Page, timestamp_key};
use crate::schema::audit_events;
use crate::sql_types::DbUuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// The request was refused (401/403/429).
    Denied,
    /// The request was invalid or failed (other 4xx, 5xx).
    Failure,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Success, Outcome::Denied, Outcome::Failure];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Denied => "denied",
            Self::Failure => "failure",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == raw)
    }
}

/// An event to record. Build one per request with [`AuditEntry::by`], then name the action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub client_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub request_id: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub outcome: Outcome,
    pub status: u16,
}

impl AuditEntry {
    /// The actor of a request.
    pub fn by(
        client_id: Option<Uuid>,
        organisation_id: Option<Uuid>,
        request_id: impl Into<String>,
    ) -> Self {
        Self {
            client_id,
            organisation_id,
            request_id: request_id.into(),
            action: String::new(),
            resource_type: String::new(),
            resource_id: None,
            outcome: Outcome::Success,
            status: 200,
        }
    }

    /// A successful `action` on a resource, answered with HTTP `status`.
    pub fn succeeded(
        &self,
        action: &str,
        resource_type: &str,
        resource_id: Option<String>,
        status: u16,
    ) -> Self {
        self.recorded(action, resource_type, resource_id, status, Outcome::Success)
    }

    /// An `action` on a resource and how it ended (the caller knows what the status means).
    pub fn recorded(
        &self,
        action: &str,
        resource_type: &str,
        resource_id: Option<String>,
        status: u16,
        outcome: Outcome,
    ) -> Self {
        Self {
            action: action.into(),
            resource_type: resource_type.into(),
            resource_id,
            outcome,
            status,
            ..self.clone()
        }
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct AuditRow {
    pub id: DbUuid,
    pub occurred_at: NaiveDateTime,
    pub client_id: Option<DbUuid>,
    pub organisation_id: Option<DbUuid>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub request_id: String,
    pub outcome: String,
    pub status: i32,
}

/// A recorded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: Uuid,
    pub occurred_at: NaiveDateTime,
    pub entry: AuditEntry,
}

impl AuditRow {
    fn record(self) -> StoreResult<AuditRecord> {
        let outcome = Outcome::parse(&self.outcome).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "audit event {}: outcome {}",
                self.id.0, self.outcome
            ))
        })?;
        Ok(AuditRecord {
            id: self.id.0,
            occurred_at: self.occurred_at,
            entry: AuditEntry {
                client_id: self.client_id.map(|c| c.0),
                organisation_id: self.organisation_id.map(|o| o.0),
                request_id: self.request_id,
                action: self.action,
                resource_type: self.resource_type,
                resource_id: self.resource_id,
                outcome,
                status: u16::try_from(self.status).unwrap_or(0),
            },
        })
    }
}

pub fn record(conn: &mut DbConnection, e: &AuditEntry) -> StoreResult<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(DbUuid(Uuid::now_v7())),
            audit_events::occurred_at.eq(now()),
            audit_events::client_id.eq(e.client_id.map(DbUuid)),
            audit_events::organisation_id.eq(e.organisation_id.map(DbUuid)),
            audit_events::action.eq(&e.action),
            audit_events::resource_type.eq(&e.resource_type),
            audit_events::resource_id.eq(&e.resource_id),
            audit_events::request_id.eq(&e.request_id),
            audit_events::outcome.eq(e.outcome.as_str()),
            audit_events::status.eq(i32::from(e.status)),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub client_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub action: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub outcome: Option<Outcome>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

pub const SORT: &str = "-occurred_at";

pub fn decode_cursor(raw: &str) -> Result<Cursor, CursorError> {
    page::decode_timestamp_cursor(raw, SORT)
}

/// Events matching `f`, newest first.
pub fn list(
    conn: &mut DbConnection,
    f: &AuditFilter,
    limit: i64,
    after: Option<&Cursor>,
) -> StoreResult<Page<AuditRecord>> {
    let mut q = audit_events::table
        .select(audit_events::all_columns)
        .into_boxed::<MultiBackend>();
    if let Some(c) = f.client_id {
        q = q.filter(audit_events::client_id.eq(DbUuid(c)));
    }
    if let Some(o) = f.organisation_id {
        q = q.filter(audit_events::organisation_id.eq(DbUuid(o)));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_events::action.eq(a.clone()));
    }
    if let Some(t) = &f.resource_type {
        q = q.filter(audit_events::resource_type.eq(t.clone()));
    }
    if let Some(r) = &f.resource_id {
        q = q.filter(audit_events::resource_id.eq(r.clone()));
    }
    if let Some(o) = f.outcome {
        q = q.filter(audit_events::outcome.eq(o.as_str()));
    }
    if let Some(s) = f.since {
        q = q.filter(audit_events::occurred_at.ge(s));
    }
    if let Some(u) = f.until {
        q = q.filter(audit_events::occurred_at.lt(u));
    }
    if let Some(c) = after {
        let key = c.timestamp()?;
        q = q.filter(
            audit_events::occurred_at
                .lt(key)
                .or(audit_events::occurred_at
                    .eq(key)
                    .and(audit_events::id.lt(DbUuid(c.id)))),
        );
    }
    let rows: Vec<AuditRow> = q
        .order((audit_events::occurred_at.desc(), audit_events::id.desc()))
        .limit(limit + 1)
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(AuditRow::record)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_overfetch(items, limit, |last| Cursor {
        sort: SORT.into(),
        key: timestamp_key(last.occurred_at),
        id: last.id,
    }))
}
