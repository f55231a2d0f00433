//! `api`: serve the API (the default), apply migrations, or print the OpenAPI contract.

use std::path::PathBuf;
use std::process::ExitCode;

use api::config::Settings;
use api::startup::{Application, prepare_store};
use api::{openapi, telemetry};
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
    /// Print the OpenAPI contract as YAML (or write it to a file).
    Openapi {
        /// Write to this file instead of standard output, e.g. `openapi.yaml`.
        #[arg(long)]
        output: Option<PathBuf>,
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
