//! The `talentlib` binary: see `talentlib --help`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    talentlib::cli::run().await
}
