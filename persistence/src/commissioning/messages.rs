//! The co-creation dialogue: messages between the requesting organisation and the academy
//! on one request, in the order they were written. Each records its author client and
//! organisation (none for the academy).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::webhook::{Audience, EventType};
use serde_json::json;
use uuid::Uuid;

use super::request_rows::organisation_of;
use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::page::{self, Cursor, CursorError, Page, timestamp_key};
use crate::schema::commissioning_messages as m;
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;
use crate::webhooks::{self, Event, outbox::instant};

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct MessageRecord {
    pub id: DbUuid,
    pub request_id: DbUuid,
    pub author_client_id: DbUuid,
    /// `None` when the academy wrote it.
    pub author_organisation_id: Option<DbUuid>,
    pub text: String,
    pub created_at: NaiveDateTime,
}

/// Who writes a message.
#[derive(Debug, Clone, Copy)]
pub struct Author {
    pub client_id: Uuid,
    pub organisation_id: Option<Uuid>,
}

/// Posts a message on a request the caller may see.
pub fn post(
    conn: &mut DbConnection,
    request_id: Uuid,
    visibility: Visibility,
    author: Author,
    text: &str,
    audit: &AuditEntry,
) -> StoreResult<MessageRecord> {
    conn.transaction(|conn| {
        let organisation_id = organisation_of(conn, request_id, visibility)?;
        let id = DbUuid(Uuid::now_v7());
        let at = now();
        diesel::insert_into(m::table)
            .values((
                m::id.eq(id),
                m::request_id.eq(DbUuid(request_id)),
                m::author_client_id.eq(DbUuid(author.client_id)),
                m::author_organisation_id.eq(author.organisation_id.map(DbUuid)),
                m::text.eq(text),
                m::created_at.eq(at),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &audit.succeeded(
                "commissioning_message.create",
                "commissioning_message",
                Some(id.0.to_string()),
                201,
            ),
        )?;
        webhooks::emit_one(
            conn,
            Event {
                event_type: EventType::CommissioningMessagePosted,
                audience: Audience::Organisation(organisation_id),
                person_id: None,
                data: json!({
                    "id": id.0,
                    "request_id": request_id,
                    "organisation_id": organisation_id,
                    "author_organisation_id": author.organisation_id,
                    "created_at": instant(at),
                    "href": format!("/api/v1/commissioning-requests/{request_id}/messages"),
                }),
            },
        )?;
        Ok(m::table
            .filter(m::id.eq(id))
            .select(m::all_columns)
            .first(conn)?)
    })
}

pub const SORT: &str = "created_at";

pub fn decode_cursor(raw: &str) -> Result<Cursor, CursorError> {
    page::decode_timestamp_cursor(raw, SORT)
}

/// A request's messages, oldest first.
pub fn list(
    conn: &mut DbConnection,
    request_id: Uuid,
    visibility: Visibility,
    limit: i64,
    after: Option<&Cursor>,
) -> StoreResult<Page<MessageRecord>> {
    organisation_of(conn, request_id, visibility)?;
    let mut q = m::table
        .filter(m::request_id.eq(DbUuid(request_id)))
        .select(m::all_columns)
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(c) = after {
        let key = c.timestamp()?;
        q = q.filter(crate::after_cursor!(m::created_at, m::id, key, c));
    }
    let rows: Vec<MessageRecord> = q
        .order((m::created_at.asc(), m::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    Ok(Page::from_overfetch(rows, limit, |last| Cursor {
        sort: SORT.into(),
        key: timestamp_key(last.created_at),
        id: last.id.0,
    }))
}
