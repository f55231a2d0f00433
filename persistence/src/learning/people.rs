//! People. Erasure (GDPR) blanks every personal field but keeps the row, so enrolment and
//! attendance counts survive and delta sync can report the erasure as a tombstone.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::{Person, PersonInput};
use uuid::Uuid;

use crate::access::audit::{self, AuditEntry};
use crate::clock::now;
use crate::db::{DbConnection, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::page::{self, Cursor, CursorError, Page, timestamp_key};
use crate::schema::{enrolments, people};
use crate::sql_types::DbUuid;
use crate::visibility::Visibility;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    pub id: Uuid,
    pub organisation_id: Option<Uuid>,
    /// `None` once erased.
    pub person: Option<Person>,
    pub expert_by_experience: bool,
    pub erased_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct PersonRow {
    id: DbUuid,
    organisation_id: Option<DbUuid>,
    given_name: Option<String>,
    family_name: Option<String>,
    email: Option<String>,
    job_role: Option<String>,
    external_ref: Option<String>,
    expert_by_experience: bool,
    erased_at: Option<NaiveDateTime>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl PersonRow {
    fn record(self) -> StoreResult<PersonRecord> {
        let person = match self.erased_at {
            Some(_) => None,
            None => Some(
                Person::parse(PersonInput {
                    given_name: self.given_name,
                    family_name: self.family_name,
                    email: self.email,
                    has_organisation: self.organisation_id.is_some(),
                    job_role: self.job_role,
                    external_ref: self.external_ref,
                    expert_by_experience: self.expert_by_experience,
                })
                .map_err(|e| StoreError::Corrupt(format!("person {}: {e}", self.id.0)))?,
            ),
        };
        Ok(PersonRecord {
            id: self.id.0,
            organisation_id: self.organisation_id.map(|o| o.0),
            person,
            expert_by_experience: self.expert_by_experience,
            erased_at: self.erased_at,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(AsChangeset, Insertable)]
#[diesel(table_name = people)]
#[diesel(treat_none_as_null = true)]
struct PersonValues {
    organisation_id: Option<DbUuid>,
    given_name: Option<String>,
    family_name: Option<String>,
    email: Option<String>,
    job_role: Option<String>,
    external_ref: Option<String>,
    expert_by_experience: bool,
    updated_at: NaiveDateTime,
}

impl PersonValues {
    fn new(organisation_id: Option<Uuid>, p: &Person, at: NaiveDateTime) -> Self {
        Self {
            organisation_id: organisation_id.map(DbUuid),
            given_name: Some(p.given_name().to_owned()),
            family_name: Some(p.family_name().to_owned()),
            email: Some(p.email().as_str().to_owned()),
            job_role: p.job_role().map(str::to_owned),
            external_ref: p.external_ref().map(|r| r.as_str().to_owned()),
            expert_by_experience: p.expert_by_experience(),
            updated_at: at,
        }
    }
}

fn conflict(p: &Person) -> impl Fn(StoreError) -> StoreError + '_ {
    move |e| match e {
        // A generic answer that names no one: the person holding the address may belong to
        // an organisation the caller cannot see.
        StoreError::Conflict(msg) if msg.contains("email") => {
            StoreError::Conflict("email: this address is already in use".to_owned())
        }
        StoreError::Conflict(_) => StoreError::Conflict(format!(
            "external_ref: someone in this organisation already has the reference '{}'",
            p.external_ref().map(|r| r.as_str()).unwrap_or_default()
        )),
        other => other,
    }
}

pub fn create(
    conn: &mut DbConnection,
    organisation_id: Option<Uuid>,
    p: &Person,
    audit: &AuditEntry,
) -> StoreResult<PersonRecord> {
    conn.transaction(|conn| {
        if let Some(o) = organisation_id
            && !crate::access::organisations::exists(conn, o)?
        {
            return Err(StoreError::Invalid(
                "organisation_id".into(),
                "no organisation has this id".into(),
            ));
        }
        let id = DbUuid(Uuid::now_v7());
        let at = now();
        diesel::insert_into(people::table)
            .values((
                people::id.eq(id),
                PersonValues::new(organisation_id, p, at),
                people::created_at.eq(at),
            ))
            .execute(conn)
            .map_err(StoreError::from)
            .map_err(conflict(p))?;
        audit::record(
            conn,
            &audit.succeeded("person.create", "person", Some(id.0.to_string()), 201),
        )?;
        get(conn, id.0, Visibility::All)
    })
}

/// Replaces the person's fields if still at `expected_version` (and not erased).
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i32,
    organisation_id: Option<Uuid>,
    p: &Person,
    audit: &AuditEntry,
) -> StoreResult<PersonRecord> {
    conn.transaction(|conn| {
        let n = diesel::update(
            people::table
                .filter(people::id.eq(DbUuid(id)))
                .filter(people::version.eq(expected_version))
                .filter(people::erased_at.is_null()),
        )
        .set((
            PersonValues::new(organisation_id, p, now()),
            people::version.eq(people::version + 1),
        ))
        .execute(conn)
        .map_err(StoreError::from)
        .map_err(conflict(p))?;
        if n == 0 {
            get(conn, id, Visibility::All)?;
            return Err(StoreError::Stale);
        }
        audit::record(
            conn,
            &audit.succeeded("person.update", "person", Some(id.to_string()), 200),
        )?;
        get(conn, id, Visibility::All)
    })
}

/// Blanks every personal field; enrolments keep their counts and show the erasure in sync.
pub fn erase(
    conn: &mut DbConnection,
    id: Uuid,
    visibility: Visibility,
    audit: &AuditEntry,
) -> StoreResult<PersonRecord> {
    conn.transaction(|conn| {
        let current = get(conn, id, visibility)?;
        if current.erased_at.is_some() {
            return Ok(current);
        }
        let at = now();
        diesel::update(people::table.filter(people::id.eq(DbUuid(id))))
            .set((
                people::given_name.eq(None::<String>),
                people::family_name.eq(None::<String>),
                people::email.eq(None::<String>),
                people::job_role.eq(None::<String>),
                people::external_ref.eq(None::<String>),
                people::expert_by_experience.eq(false),
                people::erased_at.eq(Some(at)),
                people::updated_at.eq(at),
                people::version.eq(people::version + 1),
            ))
            .execute(conn)?;
        // Their enrolments change too (the person is gone from them): HR delta sync sees it.
        diesel::update(enrolments::table.filter(enrolments::person_id.eq(DbUuid(id))))
            .set((
                enrolments::updated_at.eq(at),
                enrolments::version.eq(enrolments::version + 1),
            ))
            .execute(conn)?;
        // A commissioning request keeps everything but them as its contact.
        crate::commissioning::requests::forget_contact(conn, id, at, audit)?;
        audit::record(
            conn,
            &audit.succeeded("person.erase", "person", Some(id.to_string()), 200),
        )?;
        crate::webhooks::emit_one(
            conn,
            crate::webhooks::Event::person_erased(id, current.organisation_id, at),
        )?;
        get(conn, id, Visibility::All)
    })
}

pub fn get(conn: &mut DbConnection, id: Uuid, visibility: Visibility) -> StoreResult<PersonRecord> {
    let row: PersonRow = people::table
        .filter(people::id.eq(DbUuid(id)))
        .select(people::all_columns)
        .first(conn)?;
    let record = row.record()?;
    if visibility.sees(record.organisation_id) {
        Ok(record)
    } else {
        Err(StoreError::NotFound)
    }
}

/// The person an organisation knows by `external_ref`.
pub fn by_ref(
    conn: &mut DbConnection,
    organisation_id: Uuid,
    external_ref: &str,
    visibility: Visibility,
) -> StoreResult<PersonRecord> {
    if !visibility.sees(Some(organisation_id)) {
        return Err(StoreError::NotFound);
    }
    let row: PersonRow = people::table
        .filter(people::organisation_id.eq(DbUuid(organisation_id)))
        .filter(people::external_ref.eq(external_ref))
        .select(people::all_columns)
        .first(conn)?;
    row.record()
}

/// Finds people of one organisation by reference, for imports: `ref → record`.
pub fn by_refs(conn: &mut DbConnection, organisation_id: Uuid) -> StoreResult<Vec<PersonRecord>> {
    people::table
        .filter(people::organisation_id.eq(DbUuid(organisation_id)))
        .filter(people::erased_at.is_null())
        .select(people::all_columns)
        .load::<PersonRow>(conn)?
        .into_iter()
        .map(PersonRow::record)
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    pub organisation_id: Option<Uuid>,
    pub external_ref: Option<String>,
    pub email: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
    /// Rows changed at or after this instant are left for the next call (see
    /// [`crate::db::sync_horizon`]).
    pub settled_before: Option<NaiveDateTime>,
}

pub const SORT: &str = "updated_at";

pub fn decode_cursor(raw: &str) -> Result<Cursor, CursorError> {
    page::decode_timestamp_cursor(raw, SORT)
}

/// People in change order (`updated_at`, id), erased ones as tombstones.
pub fn list(
    conn: &mut DbConnection,
    f: &PeopleFilter,
    visibility: Visibility,
    limit: i64,
    after: Option<&Cursor>,
) -> StoreResult<Page<PersonRecord>> {
    let mut q = people::table
        .select(people::all_columns)
        .into_boxed::<MultiBackend>();
    if let Visibility::Organisation(own) = visibility {
        q = q.filter(people::organisation_id.eq(DbUuid(own)));
    }
    if let Some(o) = f.organisation_id {
        q = q.filter(people::organisation_id.eq(DbUuid(o)));
    }
    if let Some(r) = &f.external_ref {
        q = q.filter(people::external_ref.eq(r.clone()));
    }
    if let Some(e) = &f.email {
        q = q.filter(people::email.eq(e.trim().to_lowercase()));
    }
    if let Some(s) = f.updated_since {
        q = q.filter(people::updated_at.ge(s));
    }
    if let Some(s) = f.settled_before {
        q = q.filter(people::updated_at.lt(s));
    }
    if let Some(c) = after {
        let key = c.timestamp()?;
        q = q.filter(crate::after_cursor!(people::updated_at, people::id, key, c));
    }
    let rows: Vec<PersonRow> = q
        .order((people::updated_at.asc(), people::id.asc()))
        .limit(limit + 1)
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(PersonRow::record)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_overfetch(items, limit, |last| Cursor {
        sort: SORT.into(),
        key: timestamp_key(last.updated_at),
        id: last.id,
    }))
}
