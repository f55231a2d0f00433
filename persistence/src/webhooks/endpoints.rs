//! Webhook endpoints: where a client's organisation wants its events sent, and the secret
//! they are signed with (kept to sign, never read back out through the API).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::Vocabulary;
use domain::webhook::{EndpointInput, EndpointSpec, EndpointStatus, EventType, UrlPolicy};
use uuid::Uuid;

use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{self, Cursor, CursorError, Page};
use crate::schema::webhook_endpoints as e;
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointRecord {
    pub id: Uuid,
    /// Whose events it hears; `None` for the academy's (every event).
    pub organisation_id: Option<Uuid>,
    /// The client that registered it.
    pub client_id: Uuid,
    pub spec: EndpointSpec,
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<NaiveDateTime>,
    /// The first failure of the current run of failures.
    pub failing_since: Option<NaiveDateTime>,
    /// Until when the previous secret still signs (after a rotation).
    pub previous_secret_until: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

type Row = (
    DbUuid,
    Option<DbUuid>,
    DbUuid,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    i32,
    NaiveDateTime,
    NaiveDateTime,
);

/// Every column but the secrets: `COLUMNS`, whose type is the same tuple.
macro_rules! columns {
    ($($column:ident),* $(,)?) => {
        #[allow(clippy::type_complexity)]
        const COLUMNS: ($(e::$column,)*) = ($(e::$column,)*);
    };
}
columns!(
    id,
    organisation_id,
    client_id,
    url,
    description,
    event_types,
    status,
    disabled_reason,
    disabled_at,
    failing_since,
    previous_secret_until,
    version,
    created_at,
    updated_at,
);

/// The stored form of a subscription: ` a b ` (so `LIKE '% a %'` finds a type), or empty
/// for every type.
pub fn encode_types(types: &[EventType]) -> String {
    if types.is_empty() {
        String::new()
    } else {
        format!(
            " {} ",
            types
                .iter()
                .map(|t| t.value())
                .collect::<Vec<_>>()
                .join(" ")
        )
    }
}

fn record(r: Row) -> StoreResult<EndpointRecord> {
    let corrupt = |what: String| StoreError::Corrupt(format!("webhook endpoint {}: {what}", r.0.0));
    let status = EndpointStatus::parse(&r.6).map_err(|x| corrupt(x.to_string()))?;
    let input = EndpointInput {
        url: Some(r.3.clone()),
        event_types: Some(r.5.split_whitespace().map(str::to_owned).collect()),
        description: r.4.clone(),
        status: Some(r.6.clone()),
    };
    // Stored endpoints were checked under the policy of their day; read them as they are.
    let spec = EndpointSpec::parse(input, UrlPolicy::AllowInsecure, Some(status))
        .map_err(|x| corrupt(format!("{x:?}")))?;
    Ok(EndpointRecord {
        id: r.0.0,
        organisation_id: r.1.map(|o| o.0),
        client_id: r.2.0,
        spec,
        disabled_reason: r.7,
        disabled_at: r.8,
        failing_since: r.9,
        previous_secret_until: r.10,
        version: r.11,
        created_at: r.12,
        updated_at: r.13,
    })
}

/// Registers an endpoint of the client (and its organisation) signed with `secret`.
pub fn create(
    conn: &mut DbConnection,
    owner: (Uuid, Option<Uuid>),
    spec: &EndpointSpec,
    secret: &str,
    audit: &AuditEntry,
) -> StoreResult<EndpointRecord> {
    conn.transaction(|conn| {
        let id = Uuid::now_v7();
        let at = now();
        diesel::insert_into(e::table)
            .values((
                e::id.eq(DbUuid(id)),
                e::organisation_id.eq(owner.1.map(DbUuid)),
                e::client_id.eq(DbUuid(owner.0)),
                e::url.eq(spec.url.as_str()),
                e::description.eq(&spec.description),
                e::event_types.eq(encode_types(&spec.event_types)),
                e::status.eq(spec.status.value()),
                e::secret.eq(secret),
                e::created_at.eq(at),
                e::updated_at.eq(at),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &audit.succeeded("webhook.create", "webhook", Some(id.to_string()), 201),
        )?;
        get(conn, id, Visibility::All)
    })
}

/// The endpoint, if the caller may see it (its organisation's, or any for the academy).
pub fn get(
    conn: &mut DbConnection,
    id: Uuid,
    visibility: Visibility,
) -> StoreResult<EndpointRecord> {
    let row: Row = e::table
        .filter(e::id.eq(DbUuid(id)))
        .select(COLUMNS)
        .first(conn)?;
    if !visibility.sees(row.1.map(|o| o.0)) {
        return Err(StoreError::NotFound);
    }
    record(row)
}

pub const SORT: &str = "created_at";

pub fn decode_cursor(raw: &str) -> Result<Cursor, CursorError> {
    page::decode_timestamp_cursor(raw, SORT)
}

/// The caller's endpoints, oldest first.
pub fn list(
    conn: &mut DbConnection,
    visibility: Visibility,
    limit: i64,
    after: Option<&Cursor>,
) -> StoreResult<Page<EndpointRecord>> {
    let mut q = e::table.select(COLUMNS).into_boxed::<MultiBackend>();
    if let Visibility::Organisation(own) = visibility {
        q = q.filter(e::organisation_id.eq(DbUuid(own)));
    }
    if let Some(c) = after {
        let t = c.timestamp()?;
        q = q.filter(
            e::created_at
                .gt(t)
                .or(e::created_at.eq(t).and(e::id.gt(DbUuid(c.id)))),
        );
    }
    let rows: Vec<Row> = q
        .order((e::created_at.asc(), e::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(record)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_overfetch(items, limit, |last| Cursor {
        sort: SORT.into(),
        key: page::timestamp_key(last.created_at),
        id: last.id,
    }))
}

/// Replaces the endpoint's description if it is still at `expected_version`. Setting a
/// disabled endpoint active again clears why it was disabled and its run of failures.
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i32,
    spec: &EndpointSpec,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<EndpointRecord> {
    conn.transaction(|conn| {
        let current = get(conn, id, visibility)?;
        let enabled = spec.status != EndpointStatus::Disabled;
        // Resuming (from paused or disabled) starts the run of failures afresh: time spent
        // paused, when nothing is sent, is not time spent failing.
        let resumed =
            current.spec.status != EndpointStatus::Active && spec.status == EndpointStatus::Active;
        let n = diesel::update(
            e::table
                .filter(e::id.eq(DbUuid(id)))
                .filter(e::version.eq(expected_version)),
        )
        .set((
            e::url.eq(spec.url.as_str()),
            e::description.eq(&spec.description),
            e::event_types.eq(encode_types(&spec.event_types)),
            e::status.eq(spec.status.value()),
            e::disabled_reason.eq(current.disabled_reason.filter(|_| !enabled)),
            e::disabled_at.eq(current.disabled_at.filter(|_| !enabled)),
            e::failing_since.eq(current.failing_since.filter(|_| !resumed)),
            e::updated_at.eq(now()),
            e::version.eq(e::version + 1),
        ))
        .execute(conn)?;
        if n == 0 {
            return Err(StoreError::Stale);
        }
        audit::record(
            conn,
            &audit.succeeded("webhook.update", "webhook", Some(id.to_string()), 200),
        )?;
        get(conn, id, Visibility::All)
    })
}

/// Removes the endpoint, its deliveries and their attempts (events stay for others).
pub fn delete(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: Option<i32>,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<()> {
    conn.transaction(|conn| {
        let current = get(conn, id, visibility)?;
        if expected_version.is_some_and(|v| v != current.version) {
            return Err(StoreError::Stale);
        }
        diesel::delete(e::table.filter(e::id.eq(DbUuid(id)))).execute(conn)?;
        audit::record(
            conn,
            &audit.succeeded("webhook.delete", "webhook", Some(id.to_string()), 204),
        )?;
        Ok(())
    })
}

/// Signs with `secret` from now on; the current secret keeps signing too until
/// `overlap_until`, so receivers can switch without losing a delivery.
pub fn rotate_secret(
    conn: &mut DbConnection,
    id: Uuid,
    secret: &str,
    overlap_until: NaiveDateTime,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<EndpointRecord> {
    conn.transaction(|conn| {
        get(conn, id, visibility)?;
        diesel::update(e::table.filter(e::id.eq(DbUuid(id))))
            .set((
                e::previous_secret.eq(e::secret.nullable()),
                e::previous_secret_until.eq(Some(overlap_until)),
                e::secret.eq(secret),
                e::updated_at.eq(now()),
                e::version.eq(e::version + 1),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &audit.succeeded(
                "webhook.rotate_secret",
                "webhook",
                Some(id.to_string()),
                200,
            ),
        )?;
        get(conn, id, Visibility::All)
    })
}
