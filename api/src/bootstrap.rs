//! Operator tasks run from the command line: creating the first admin client.

use domain::{ClientInput, ClientSpec, ValidationErrors};
use persistence::Store;
use persistence::access::audit::AuditEntry;
use persistence::access::{clients, organisations};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::secret;

#[derive(Debug, Serialize)]
pub struct CreatedClient {
    pub client_id: Uuid,
    pub client_secret: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub organisation_id: Option<Uuid>,
}

pub fn create_client(
    store: &Store,
    name: &str,
    scopes: Vec<String>,
    organisation_id: Option<Uuid>,
) -> anyhow::Result<CreatedClient> {
    let spec = ClientSpec::parse(ClientInput {
        name: Some(name.to_owned()),
        has_organisation: organisation_id.is_some(),
        scopes,
        status: None,
    })
    .map_err(|e: ValidationErrors| anyhow::anyhow!("{e}"))?;
    if let Some(o) = organisation_id
        && !store.with(|conn| organisations::exists(conn, o))?
    {
        anyhow::bail!("organisation: no organisation has id {o}");
    }
    let (client_secret, hash) = secret::generate()?;
    let audit = AuditEntry::by(None, None, "cli");
    let record = store.with(|conn| clients::create(conn, &spec, organisation_id, &hash, &audit))?;
    Ok(CreatedClient {
        client_id: record.id,
        client_secret,
        name: record.spec.name().to_owned(),
        scopes: record
            .spec
            .scopes()
            .to_string()
            .split(' ')
            .map(str::to_owned)
            .collect(),
        organisation_id,
    })
}
