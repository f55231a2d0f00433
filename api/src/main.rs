//! `api`: serve the API (the default), apply migrations, or print the OpenAPI contract.

use std::path::PathBuf;
use std::process::ExitCode;

use api::config::Settings;
use api::startup::{Application, prepare_store};
use api::{bootstrap, openapi, telemetry};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "api",
    version,
    about = "Workforce Transformation Academy API. Configured by environment variables (see README)."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply pending migrations and seed reference data, then exit.
    Migrate,
    /// Manage API clients (honours DATABASE_URL).
    Clients {
        #[command(subcommand)]
        command: ClientsCommand,
    },
    /// Apply migrations and the catalogue seed; with --demo, add demo partners, people and cohorts.
    Seed {
        /// Add the Leeds demo partners, their staff and some cohorts (never done otherwise).
        #[arg(long)]
        demo: bool,
    },
    /// Bulk-import a CSV file (honours DATABASE_URL).
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Print the OpenAPI contract as YAML (or write it to a file).
    Openapi {
        /// Write to this file instead of standard output, e.g. `openapi.yaml`.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ClientsCommand {
    /// Create a client and print its id and secret (shown once).
    Create {
        /// A name people recognise, e.g. "Academy admin" or "LTHT HR system".
        #[arg(long)]
        name: String,
        /// Scopes, space- or comma-separated, e.g. `admin` or `people:read,enrolments:read`.
        #[arg(long)]
        scopes: String,
        /// The organisation the client belongs to (omit for an academy client).
        #[arg(long)]
        organisation: Option<uuid::Uuid>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// An organisation's people: external_ref, given_name, family_name, email[, job_role, expert_by_experience].
    People {
        /// The CSV file.
        file: PathBuf,
        /// The organisation the people work for.
        #[arg(long)]
        organisation: uuid::Uuid,
        /// Validate and report only.
        #[arg(long)]
        dry_run: bool,
        /// Write the accepted rows even if some are rejected.
        #[arg(long)]
        partial: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command.unwrap_or(Command::Serve)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Openapi { output } => {
            let yaml = openapi::yaml()?;
            match output {
                Some(path) => std::fs::write(&path, yaml)?,
                None => print!("{yaml}"),
            }
            Ok(())
        }
        Command::Clients {
            command:
                ClientsCommand::Create {
                    name,
                    scopes,
                    organisation,
                    json,
                },
        } => {
            let settings = Settings::from_env()?;
            let store = prepare_store(&settings)?;
            let scopes: Vec<String> = scopes
                .split([',', ' '])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let created = bootstrap::create_client(&store, &name, scopes, organisation)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&created)?);
            } else {
                println!("client_id:     {}", created.client_id);
                println!("client_secret: {}", created.client_secret);
                println!("scopes:        {}", created.scopes.join(" "));
                println!("The secret is shown only now; store it safely. Get a token with:");
                println!(
                    "  curl -s -u {}:{} -d grant_type=client_credentials http://127.0.0.1:8080/api/v1/oauth/token",
                    created.client_id, created.client_secret
                );
            }
            Ok(())
        }
        Command::Seed { demo } => {
            let settings = Settings::from_env()?;
            telemetry::init(settings.log_format);
            let store = prepare_store(&settings)?;
            if demo {
                let report = store.with(persistence::demo::seed)?;
                println!(
                    "demo data: {} organisations, {} people, {} cohorts, {} enrolments added",
                    report.organisations, report.people, report.cohorts, report.enrolments
                );
            }
            Ok(())
        }
        Command::Import {
            command:
                ImportCommand::People {
                    file,
                    organisation,
                    dry_run,
                    partial,
                },
        } => {
            let settings = Settings::from_env()?;
            let store = prepare_store(&settings)?;
            let csv =
                std::fs::read(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let report = bootstrap::import_people(&store, &csv, organisation, dry_run, partial)?;
            println!("{}", serde_json::to_string_pretty(&report.summary)?);
            for row in &report.rejected_rows {
                println!("line {}: {}", row.line, row.reason);
            }
            match (report.committed, dry_run) {
                (true, _) => println!("written."),
                (false, true) => println!("dry run: nothing written."),
                (false, false) => anyhow::bail!(
                    "rejected rows: nothing written (use --partial to write the others)"
                ),
            }
            Ok(())
        }
        Command::Migrate => {
            let settings = Settings::from_env()?;
            telemetry::init(settings.log_format);
            prepare_store(&settings)?;
            Ok(())
        }
        Command::Serve => {
            let settings = Settings::from_env()?;
            telemetry::init(settings.log_format);
            actix_web::rt::System::new().block_on(async move {
                let (host, database) = (settings.host.clone(), settings.database_url.to_string());
                let app = Application::build(settings).await?;
                tracing::info!(address = %format!("http://{host}:{}", app.port()), database = %database, "serving; API docs at /docs");
                app.run_until_stopped().await?;
                tracing::info!("stopped");
                Ok(())
            })
        }
    }
}
