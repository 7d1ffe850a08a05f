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

use chatkit_runtime::http::{Anonymous, Auth, ServerEnv};
use chatkit_runtime::model::{self, ModelSource};
use chatkit_runtime::store::display_url;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn invalid(err: impl std::fmt::Display) -> String {
    format!("invalid configuration: {err}")
}

async fn run() -> Result<(), String> {
    if let Err(err) = dotenvy::dotenv()
        && !err.not_found()
    {
        return Err(format!("cannot read the .env file: {err}"));
    }
    // Every setting is checked before anything starts.
    let env = ServerEnv::from_env().map_err(invalid)?;
    let (model, source) =
        model::from_env_or_offline(|| Arc::new(example_todo::offline_model())).map_err(invalid)?;
    let model_name = match source {
        ModelSource::Offline => "offline commands".to_owned(),
        ModelSource::Configured => model.name().to_owned(),
    };
    let store_url = display_url(&env.database_url);
    let auth = env
        .auth
        .unwrap_or_else(|| Auth::Anonymous(Anonymous::new()));
    let app = example_todo::app(&env.database_url, model, auth, env.http)
        .await
        .map_err(|err| format!("cannot open the store at {store_url}: {err}"))?;
    env.logs.init().map_err(invalid)?;
    let listener = TcpListener::bind(&env.addr)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", env.addr))?;
    let local = listener
        .local_addr()
        .map_or(env.addr, |addr| addr.to_string());
    println!(
        "chatkit todo assistant: model={model_name}, store={store_url}, listening on http://{local}/chatkit"
    );
    if source == ModelSource::Offline {
        println!(
            "offline mode: no API key is configured (OPENAI_API_KEY, GEMINI_API_KEY or LLM_PROVIDER), \
             so the assistant only understands commands: add <title> [- <description>], \
             list [all|pending|completed], complete <id>, delete <id>, update <id> <new title>"
        );
    }
    app.serve(listener).await.map_err(|err| err.to_string())
}
