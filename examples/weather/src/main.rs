//! Run with: cargo run -p example-weather
//!
//! Serves the weather assistant on `CHATKIT_ADDR` (default
//! `127.0.0.1:8000`), storing threads in `DATABASE_URL` (default
//! `sqlite://chatkit.db`; a `postgres://` URL works as well).
//!
//! Configuration comes from the environment and an optional `.env` file:
//! `LLM_PROVIDER`, `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `GEMINI_API_KEY`,
//! `CHATKIT_MODEL` choose the model (see `chatkit_runtime::model::from_env`);
//! `CORS_ORIGINS`, the `JWT_*` variables and the other `CHATKIT_*` limits
//! configure the HTTP layer (see `chatkit_runtime::http`). Invalid values are
//! reported at startup with a non-zero exit.
//!
//! Without any API key it runs offline, and says so: a scripted model maps
//! `weather <city>`, `theme <light|dark>` and `forecast <city>` to the real
//! tools. The weather data is always made up (deterministic, no network).

use std::process::ExitCode;
use std::sync::Arc;

use chatkit_runtime::http::{Anonymous, Auth, ServerEnv};
use chatkit_runtime::model::{self, ModelSource};
use chatkit_runtime::store::{self, display_url};
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
    let (model, source) = model::from_env_or_offline(|| Arc::new(example_weather::offline_model()))
        .map_err(invalid)?;
    let store_url = display_url(&env.database_url);
    let store = store::open(&env.database_url)
        .await
        .map_err(|err| format!("cannot open the store at {store_url}: {err}"))?;
    let model_name = model.name().to_owned();
    let auth = env
        .auth
        .unwrap_or_else(|| Auth::Anonymous(Anonymous::new()));
    let app = example_weather::app(store, model, auth, env.http);
    env.logs.init().map_err(invalid)?;
    let listener = TcpListener::bind(&env.addr)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", env.addr))?;
    let local = listener
        .local_addr()
        .map_or(env.addr, |addr| addr.to_string());
    let offline = source == ModelSource::Offline;
    println!(
        "chatkit weather server: model={model_name}{}, store={store_url}, listening on http://{local}/chatkit",
        if offline { " (offline)" } else { "" },
    );
    if offline {
        println!(
            "OFFLINE MODE: no LLM_PROVIDER, OPENAI_API_KEY or GEMINI_API_KEY is set, so a scripted \
             model answers. It understands only: `weather <city>`, `theme <light|dark>`, \
             `forecast <city>`. Set OPENAI_API_KEY (or see the README) for a real model."
        );
    }
    app.serve(listener).await.map_err(|err| err.to_string())
}
