//! API clients: who may ask for tokens, with which scopes, for which organisation. Only the
//! argon2 hash of a secret is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::{ClientInput, ClientSpec, ClientStatus, Scope, ScopeSet, Vocabulary};
use uuid::Uuid;

use super::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{self, Cursor, CursorError, Page, timestamp_key};
use crate::schema::{api_client_scopes, api_clients};
use crate::sql_types::DbUuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRecord {
    pub id: Uuid,
    pub spec: ClientSpec,
    pub organisation_id: Option<Uuid>,
    /// Tokens carry this; only tokens of the current generation are honoured.
    pub token_generation: i32,
    pub last_token_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct ClientRow {
    id: DbUuid,
    name: String,
    organisation_id: Option<DbUuid>,
    _secret_hash: String,
    status: String,
    token_generation: i32,
    last_token_at: Option<NaiveDateTime>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn scopes_of(conn: &mut DbConnection, ids: &[DbUuid]) -> StoreResult<Vec<(DbUuid, String)>> {
    Ok(api_client_scopes::table
        .filter(api_client_scopes::client_id.eq_any(ids))
        .select((api_client_scopes::client_id, api_client_scopes::scope))
        .load(conn)?)
}

fn records(conn: &mut DbConnection, rows: Vec<ClientRow>) -> StoreResult<Vec<ClientRecord>> {
    let ids: Vec<DbUuid> = rows.iter().map(|r| r.id).collect();
    let scopes = scopes_of(conn, &ids)?;
    rows.into_iter()
        .map(|r| {
            let spec = ClientSpec::parse(ClientInput {
                name: Some(r.name),
                has_organisation: r.organisation_id.is_some(),
                scopes: scopes
                    .iter()
                    .filter(|(id, _)| *id == r.id)
                    .map(|(_, s)| s.clone())
                    .collect(),
                status: Some(r.status),
            })
            .map_err(|e| StoreError::Corrupt(format!("client {}: {e}", r.id.0)))?;
            Ok(ClientRecord {
                id: r.id.0,
                spec,
                organisation_id: r.organisation_id.map(|o| o.0),
                token_generation: r.token_generation,
                last_token_at: r.last_token_at,
                version: r.version,
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
        })
        .collect()
}

fn write_scopes(conn: &mut DbConnection, id: DbUuid, scopes: &ScopeSet) -> StoreResult<()> {
    diesel::delete(api_client_scopes::table.filter(api_client_scopes::client_id.eq(id)))
        .execute(conn)?;
    for scope in scopes.iter() {
        diesel::insert_into(api_client_scopes::table)
            .values((
                api_client_scopes::client_id.eq(id),
                api_client_scopes::scope.eq(scope.value()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Creates a client with `secret_hash`; the caller shows the secret once.
pub fn create(
    conn: &mut DbConnection,
    spec: &ClientSpec,
    organisation_id: Option<Uuid>,
    secret_hash: &str,
    audit: &AuditEntry,
) -> StoreResult<ClientRecord> {
    conn.transaction(|conn| {
        if let Some(o) = organisation_id
            && !super::organisations::exists(conn, o)?
        {
            return Err(StoreError::Invalid(
                "organisation_id".into(),
                "no organisation has this id".into(),
            ));
        }
        let id = DbUuid(Uuid::now_v7());
        let at = now();
        diesel::insert_into(api_clients::table)
            .values((
                api_clients::id.eq(id),
                api_clients::name.eq(spec.name()),
                api_clients::organisation_id.eq(organisation_id.map(DbUuid)),
                api_clients::secret_hash.eq(secret_hash),
                api_clients::status.eq(spec.status().value()),
                api_clients::created_at.eq(at),
                api_clients::updated_at.eq(at),
            ))
            .execute(conn)?;
        write_scopes(conn, id, spec.scopes())?;
        audit::record(
            conn,
            &audit.succeeded("client.create", "client", Some(id.0.to_string()), 201),
        )?;
        get(conn, id.0)
    })
}

/// Replaces name, scopes and status if the client is still at `expected_version`.
/// Revoking (or changing scopes) starts a new token generation: tokens already issued stop
/// working.
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i32,
    spec: &ClientSpec,
    audit: &AuditEntry,
) -> StoreResult<ClientRecord> {
    conn.transaction(|conn| {
        let current = get(conn, id)?;
        if current.version != expected_version {
            return Err(StoreError::Stale);
        }
        let at = now();
        let revoking = spec.status() == ClientStatus::Revoked
            && current.spec.status() != ClientStatus::Revoked;
        let narrowed = !current.spec.scopes().is_subset(spec.scopes());
        let generation = current.token_generation + i32::from(revoking || narrowed);
        let n = diesel::update(
            api_clients::table
                .filter(api_clients::id.eq(DbUuid(id)))
                .filter(api_clients::version.eq(expected_version)),
        )
        .set((
            api_clients::name.eq(spec.name()),
            api_clients::status.eq(spec.status().value()),
            api_clients::token_generation.eq(generation),
            api_clients::updated_at.eq(at),
            api_clients::version.eq(api_clients::version + 1),
        ))
        .execute(conn)?;
        if n == 0 {
            return Err(StoreError::Stale);
        }
        write_scopes(conn, DbUuid(id), spec.scopes())?;
        let action = if revoking {
            "client.revoke"
        } else {
            "client.update"
        };
        audit::record(
            conn,
            &audit.succeeded(action, "client", Some(id.to_string()), 200),
        )?;
        get(conn, id)
    })
}

/// Replaces the secret; tokens issued with the old one stop working.
pub fn rotate_secret(
    conn: &mut DbConnection,
    id: Uuid,
    secret_hash: &str,
    audit: &AuditEntry,
) -> StoreResult<ClientRecord> {
    conn.transaction(|conn| {
        let at = now();
        let n = diesel::update(api_clients::table.filter(api_clients::id.eq(DbUuid(id))))
            .set((
                api_clients::secret_hash.eq(secret_hash),
                api_clients::token_generation.eq(api_clients::token_generation + 1),
                api_clients::updated_at.eq(at),
                api_clients::version.eq(api_clients::version + 1),
            ))
            .execute(conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::record(
            conn,
            &audit.succeeded("client.rotate_secret", "client", Some(id.to_string()), 200),
        )?;
        get(conn, id)
    })
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<ClientRecord> {
    let row: ClientRow = api_clients::table
        .filter(api_clients::id.eq(DbUuid(id)))
        .select(api_clients::all_columns)
        .first(conn)?;
    records(conn, vec![row])?.pop().ok_or(StoreError::NotFound)
}

/// What the token endpoint needs to check a client's credentials.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub client: ClientRecord,
    pub secret_hash: String,
}

pub fn credentials(conn: &mut DbConnection, id: Uuid) -> StoreResult<Option<Credentials>> {
    let hash: Option<String> = api_clients::table
        .filter(api_clients::id.eq(DbUuid(id)))
        .select(api_clients::secret_hash)
        .first(conn)
        .optional()?;
    match hash {
        None => Ok(None),
        Some(secret_hash) => Ok(Some(Credentials {
            client: get(conn, id)?,
            secret_hash,
        })),
    }
}

pub fn touch_last_token(conn: &mut DbConnection, id: Uuid) -> StoreResult<()> {
    diesel::update(api_clients::table.filter(api_clients::id.eq(DbUuid(id))))
        .set(api_clients::last_token_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

/// Whether tokens of a client are still honoured, and of which generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenPolicy {
    pub active: bool,
    pub token_generation: i32,
}

pub fn token_policy(conn: &mut DbConnection, id: Uuid) -> StoreResult<Option<TokenPolicy>> {
    let row: Option<(String, i32)> = api_clients::table
        .filter(api_clients::id.eq(DbUuid(id)))
        .select((api_clients::status, api_clients::token_generation))
        .first(conn)
        .optional()?;
    Ok(row.map(|(status, token_generation)| TokenPolicy {
        active: status == ClientStatus::Active.value(),
        token_generation,
    }))
}

pub const SORT: &str = "created_at";

pub fn decode_cursor(raw: &str) -> Result<Cursor, CursorError> {
    page::decode_timestamp_cursor(raw, SORT)
}

/// Clients in creation order, optionally of one organisation.
pub fn list(
    conn: &mut DbConnection,
    organisation_id: Option<Uuid>,
    limit: i64,
    after: Option<&Cursor>,
) -> StoreResult<Page<ClientRecord>> {
    let mut q = api_clients::table
        .select(api_clients::all_columns)
        .into_boxed::<MultiBackend>();
    if let Some(o) = organisation_id {
        q = q.filter(api_clients::organisation_id.eq(DbUuid(o)));
    }
    if let Some(c) = after {
        let key = c.timestamp()?;
        q = q.filter(crate::after_cursor!(
            api_clients::created_at,
            api_clients::id,
            key,
            c
        ));
    }
    let rows: Vec<ClientRow> = q
        .order((api_clients::created_at.asc(), api_clients::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    let items = records(conn, rows)?;
    Ok(Page::from_overfetch(items, limit, |last| Cursor {
        sort: SORT.into(),
        key: timestamp_key(last.created_at),
        id: last.id,
    }))
}

/// The scopes a client may be granted, for error messages.
pub fn all_scopes() -> Vec<&'static str> {
    Scope::values()
}
