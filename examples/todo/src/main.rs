//! Run with: cargo run -p example-todo
//!
//! Serves the todo assistant on `CHATKIT_ADDR` (default `127.0.0.1:8000`),
//! with threads and tasks in `DATABASE_URL` (default `sqlite://chatkit.db`
//! in the working directory; a `postgres://` URL works as well).
//!
//! Configuration comes from the environment and an optional `.env` file
//! (the environment wins):
//!
//! - the model: `LLM_PROVIDER`, `OPENAI_API_KEY`, `OPENAI_BASE_URL`,
//!   `GEMINI_API_KEY`, `CHATKIT_MODEL` (see `chatkit_runtime::model::from_env`).
//!   With none of them set, an offline model answers simple commands
//!   ("add buy milk", "list", "complete 1"), and says so at startup;
//! - `DATABASE_URL`, `CHATKIT_ADDR`;
//! - the HTTP layer (see `chatkit_runtime::http`): `JWT_SECRET`,
//!   `JWT_PUBLIC_KEY_FILE` or `JWT_JWKS_FILE` (with `JWT_ISSUER`,
//!   `JWT_AUDIENCE`), `CHATKIT_DEV_USER_HEADER`, `CORS_ORIGINS`, the
//!   `CHATKIT_*` limits, `LOG_FORMAT=json` and `RUST_LOG`. With no
//!   authentication configured, it runs as one anonymous user, and warns.
//!
//! SIGTERM or ctrl-c shut it down gracefully.

use std::process::ExitCode;
use std::sync::Arc;

use chatkit_runtime::http::{Anonymous, Auth, HttpConfig, LogConfig};
use chatkit_runtime::model::{self, ModelSource};
use chatkit_runtime::store::display_url;

/// The variable, set and not blank.
fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// `CHATKIT_ADDR` must be `host:port`.
fn check_addr(addr: &str) -> Result<(), String> {
    let valid = addr
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    if valid {
        Ok(())
    } else {
        Err(format!(
            "CHATKIT_ADDR: `{addr}` is invalid; expected host:port, such as 127.0.0.1:8000"
        ))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match dotenvy::dotenv() {
        Ok(_) => {}
        Err(err) if err.not_found() => {}
        Err(err) => {
            eprintln!("error: invalid configuration: .env: {err}");
            return ExitCode::FAILURE;
        }
    }
    let addr = var("CHATKIT_ADDR").unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let database_url = var("DATABASE_URL").unwrap_or_else(|| "sqlite://chatkit.db".to_owned());
    // Every setting is checked before anything starts.
    let settings = check_addr(&addr).and_then(|()| {
        let (model, source) =
            model::from_env_or_offline(|| Arc::new(example_todo::offline_model()))
                .map_err(|err| err.to_string())?;
        let logs = LogConfig::from_env().map_err(|err| err.to_string())?;
        let auth = Auth::from_env()
            .map_err(|err| err.to_string())?
            .unwrap_or(Auth::Anonymous(Anonymous::new()));
        let config = HttpConfig::from_env().map_err(|err| err.to_string())?;
        Ok((model, source, logs, auth, config))
    });
    let (model, source, logs, auth, config) = match settings {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("error: invalid configuration: {err}");
            return ExitCode::FAILURE;
        }
    };
    let model_name = match source {
        ModelSource::Offline => "offline commands".to_owned(),
        ModelSource::Configured => model.name().to_owned(),
    };
    let app = match example_todo::app(&database_url, model, auth, config).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!(
                "error: cannot open the store at {}: {err}",
                display_url(&database_url)
            );
            return ExitCode::FAILURE;
        }
    };
    if let Err(err) = logs.init() {
        eprintln!("error: invalid configuration: {err}");
        return ExitCode::FAILURE;
    }
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot listen on {addr}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let local = listener.local_addr().map_or(addr, |addr| addr.to_string());
    println!(
        "chatkit todo assistant: model={model_name}, store={}, listening on http://{local}/chatkit",
        display_url(&database_url)
    );
    if source == ModelSource::Offline {
        println!(
            "offline mode: no API key is configured (OPENAI_API_KEY, GEMINI_API_KEY or LLM_PROVIDER), \
             so the assistant only understands commands: add <title> [- <description>], \
             list [all|pending|completed], complete <id>, delete <id>, update <id> <new title>"
        );
    }
    match app.serve(listener).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
