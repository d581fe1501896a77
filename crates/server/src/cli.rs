//! The operators' command line (API.md "The command line"): `serve`, `migrate`, `user create`,
//! `demo`. Every command that takes `--data` creates the folder and migrates on first use.

use crate::config::{CliOverrides, Config};
use crate::service::accounts::{self, NewStaff};
use crate::startup::{open_state, Application};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "talentlib",
    version,
    about = "Chongqing's Thousand Talents Library of outstanding industrial designers"
)]
struct Cli {
    /// Configuration file (TOML); read if it exists.
    #[arg(
        long,
        global = true,
        default_value = "talentlib.toml",
        env = "TALENTLIB_CONFIG"
    )]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
struct Place {
    /// Folder for the SQLite database, uploaded files and the encryption key.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Use PostgreSQL instead of the embedded SQLite (postgres://user@host/db).
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        addr: Option<String>,
        #[command(flatten)]
        place: Place,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        place: Place,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Rebuild the library's search index from the current ratings and exit.
    Reindex {
        #[command(flatten)]
        place: Place,
    },
    /// Fill the database with N realistic rated designers and exit (benchmarks, demos).
    Seed {
        #[command(flatten)]
        place: Place,
        /// How many designers.
        #[arg(long)]
        designers: usize,
        /// Applications per batch.
        #[arg(long, default_value_t = crate::seed::SeedOptions::DEFAULT_BATCH_SIZE)]
        batch_size: usize,
        /// Experts who score each application (at most 30).
        #[arg(long, default_value_t = crate::seed::SeedOptions::DEFAULT_EXPERTS_PER_APPLICATION)]
        experts_per_application: usize,
        /// Leave the batches in `scoring` with every score in and no rating published (to
        /// benchmark finalizing).
        #[arg(long)]
        unfinalized: bool,
    },
    /// Serve with realistic demo data, printing the demo accounts.
    Demo {
        #[arg(long)]
        addr: Option<String>,
        #[command(flatten)]
        place: Place,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff account.
    Create {
        #[command(flatten)]
        place: Place,
        #[arg(long)]
        email: String,
        /// At least 10 characters.
        #[arg(long)]
        password: String,
        #[arg(long)]
        name: String,
        /// designer, district_officer, reviewer, expert, service_staff or admin; repeat or
        /// separate with commas for several.
        #[arg(long, required = true, value_delimiter = ',')]
        role: Vec<String>,
        /// District code (required for a district officer).
        #[arg(long)]
        district: Option<String>,
        /// Employer (experts are never assigned applicants of their own employer).
        #[arg(long)]
        employer: Option<String>,
    },
}

fn load(config: &std::path::Path, addr: Option<String>, place: Place) -> Result<Config, String> {
    let cli = CliOverrides {
        addr,
        data_dir: place.data,
        database_url: place.database_url,
    };
    Config::load(config, &cli).map_err(|e| e.to_string())
}

pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("talentlib: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve { addr, place } => {
            let config = load(&cli.config, addr, place)?;
            crate::telemetry::init(&config.log_format);
            serve(config).await
        }
        Command::Migrate { place } => {
            let config = load(&cli.config, None, place)?;
            open_state(config).await.map_err(|e| format!("{e:#}"))?;
            println!("database is up to date");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    place,
                    email,
                    password,
                    name,
                    role,
                    district,
                    employer,
                },
        } => {
            let config = load(&cli.config, None, place)?;
            let state = open_state(config).await.map_err(|e| format!("{e:#}"))?;
            let staff = NewStaff {
                email,
                password,
                name,
                roles: role,
                district_code: district,
                employer,
            };
            let account = accounts::create_staff(&state, None, staff, "cli")
                .await
                .map_err(|e| crate::cli_error::describe(&e))?;
            println!(
                "created {} ({}) with roles {}",
                account.email,
                account.id,
                account.roles.to_csv()
            );
            Ok(())
        }
        Command::Reindex { place } => {
            let config = load(&cli.config, None, place)?;
            let state = open_state(config).await.map_err(|e| format!("{e:#}"))?;
            let started = std::time::Instant::now();
            crate::service::library::reindex(&state)
                .await
                .map_err(|e| format!("{e:#}"))?;
            println!(
                "search index rebuilt in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Seed {
            place,
            designers,
            batch_size,
            experts_per_application,
            unfinalized,
        } => {
            let opts = crate::seed::SeedOptions {
                designers,
                batch_size,
                experts_per_application,
                unfinalized,
            };
            opts.check()?;
            let config = load(&cli.config, None, place)?;
            let state = open_state(config).await.map_err(|e| format!("{e:#}"))?;
            let report = crate::seed::seed(&state, opts)
                .await
                .map_err(|e| format!("{e:#}"))?;
            println!(
                "seeded {} designers in {} {} batches in {:.1} s",
                report.designers,
                report.batches,
                if unfinalized {
                    "scored, unfinalized"
                } else {
                    "finalized"
                },
                report.millis as f64 / 1000.0
            );
            Ok(())
        }
        Command::Demo { addr, place } => {
            let config = load(&cli.config, addr, place)?;
            crate::telemetry::init(&config.log_format);
            let app = Application::build(config)
                .await
                .map_err(|e| format!("{e:#}"))?;
            let logins = crate::demo::populate(&app.state())
                .await
                .map_err(|e| format!("{e:#}"))?;
            println!("TalentLib demo at http://{}/", app.local_addr());
            println!("{logins}");
            app.run_until_stopped().await.map_err(|e| e.to_string())
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let app = Application::build(config)
        .await
        .map_err(|e| format!("{e:#}"))?;
    tracing::info!(addr = %app.local_addr(), "TalentLib listening");
    app.run_until_stopped().await.map_err(|e| e.to_string())
}
