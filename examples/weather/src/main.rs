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

use chatkit_runtime::http::{Anonymous, Auth, HttpConfig, LogConfig};
use chatkit_runtime::model::{self, Model, ModelSource};

#[tokio::main]
async fn main() -> ExitCode {
    if let Err(err) = dotenvy::dotenv()
        && !err.not_found()
    {
        eprintln!("error: cannot read the .env file: {err}");
        return ExitCode::FAILURE;
    }
    let addr = std::env::var("CHATKIT_ADDR").unwrap_or_else(|_| "127.0.0.1:8000".to_owned());
    let database_url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://chatkit.db".to_owned());
    // Every setting is checked before anything starts.
    let settings = LogConfig::from_env().and_then(|logs| {
        let auth = Auth::from_env()?.unwrap_or(Auth::Anonymous(Anonymous::new()));
        Ok((logs, auth, HttpConfig::from_env()?))
    });
    let (logs, auth, config) = match settings {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("error: invalid configuration: {err}");
            return ExitCode::FAILURE;
        }
    };
    let (model, source) = match model::from_env_or_offline(|| -> Arc<dyn Model> {
        Arc::new(example_weather::offline_model())
    }) {
        Ok(chosen) => chosen,
        Err(err) => {
            eprintln!("error: invalid configuration: {err}");
            return ExitCode::FAILURE;
        }
    };
    let store = match chatkit_runtime::store::open(&database_url).await {
        Ok(store) => store,
        Err(err) => {
            eprintln!(
                "error: cannot open the store at {}: {err}",
                chatkit_runtime::store::display_url(&database_url)
            );
            return ExitCode::FAILURE;
        }
    };
    let model_name = model.name().to_owned();
    let app = example_weather::app(store, model, auth, config);
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
    let offline = source == ModelSource::Offline;
    println!(
        "chatkit weather server: model={model_name}{}, store={}, listening on http://{local}/chatkit",
        if offline { " (offline)" } else { "" },
        chatkit_runtime::store::display_url(&database_url)
    );
    if offline {
        println!(
            "OFFLINE MODE: no LLM_PROVIDER, OPENAI_API_KEY or GEMINI_API_KEY is set, so a scripted \
             model answers. It understands only: `weather <city>`, `theme <light|dark>`, \
             `forecast <city>`. Set OPENAI_API_KEY (or see the README) for a real model."
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
