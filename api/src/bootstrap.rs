//! Operator tasks run from the command line: creating the first admin client, importing.

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

/// Imports an organisation's people from a CSV file, showing a progress bar on the terminal.
pub fn import_people(
    store: &Store,
    csv: &[u8],
    organisation_id: Uuid,
    dry_run: bool,
    partial: bool,
) -> anyhow::Result<crate::csv_import::ImportResult> {
    use persistence::learning::imports::{self, Mode, Run};

    if !store.with(|conn| organisations::exists(conn, organisation_id))? {
        anyhow::bail!("organisation: no organisation has id {organisation_id}");
    }
    // The operator's own file: no row limit.
    let (lines, rejected) =
        crate::csv_import::people(csv, usize::MAX).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bar = indicatif::ProgressBar::new(lines.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {bar:40} {pos}/{len} rows ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let audit = AuditEntry::by(None, Some(organisation_id), "cli-import");
    let mode = Mode { dry_run, partial };
    let progress = |n: usize| {
        if n.is_multiple_of(100) || n == lines.len() {
            bar.set_position(n as u64);
        }
    };
    let run = Run {
        mode,
        audit: &audit,
        progress: &progress,
    };
    let report = store.with(|conn| {
        imports::import_people(conn, organisation_id, &lines, rejected.clone(), &run)
    })?;
    bar.finish_and_clear();
    // The operator's own terminal: every rejected row.
    Ok(crate::csv_import::ImportResult::new(
        report,
        dry_run,
        usize::MAX,
    ))
}
