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
