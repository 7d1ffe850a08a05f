//! Run with: cargo run -p example-triage
//!
//! Serves the triage router (a triage agent handing off to `support`,
//! `sales` and `general` agents) on `CHATKIT_ADDR` (default
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
//! Without any API key it runs offline, and says so: scripted models route
//! `support ...`, `sales ...` and `general ...` to that agent (the real
//! handoff), which handles the rest: `support order 42`,
//! `sales quote widget 3`, `general faq shipping`. The orders, prices and
//! FAQ are a small made-up table.

use std::process::ExitCode;
use std::sync::Arc;

use chatkit_runtime::http::{Anonymous, Auth, ServerEnv};
use chatkit_runtime::model::{self, ModelSource};
use chatkit_runtime::store::{self, display_url};
use example_triage::Models;
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
        model::from_env_or_offline(|| Arc::new(example_triage::offline_triage_model()))
            .map_err(invalid)?;
    let store_url = display_url(&env.database_url);
    let store = store::open(&env.database_url)
        .await
        .map_err(|err| format!("cannot open the store at {store_url}: {err}"))?;
    let offline = source == ModelSource::Offline;
    let model_name = if offline {
        "offline-triage+offline-support+offline-sales+offline-general".to_owned()
    } else {
        model.name().to_owned()
    };
    let models = if offline {
        Models::Offline
    } else {
        Models::Shared(model)
    };
    let auth = env
        .auth
        .unwrap_or_else(|| Auth::Anonymous(Anonymous::new()));
    let app = example_triage::app(store, &models, auth, env.http);
    env.logs.init().map_err(invalid)?;
    let listener = TcpListener::bind(&env.addr)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", env.addr))?;
    let local = listener
        .local_addr()
        .map_or(env.addr, |addr| addr.to_string());
    println!(
        "chatkit triage server: model={model_name}{}, store={store_url}, listening on http://{local}/chatkit",
        if offline { " (offline)" } else { "" },
    );
    if offline {
        println!(
            "OFFLINE MODE: no LLM_PROVIDER, OPENAI_API_KEY or GEMINI_API_KEY is set, so scripted \
             models answer. They understand only: `support order <number>`, \
             `sales quote <product> <quantity>`, `general faq <topic>`. Set OPENAI_API_KEY \
             (or see the README) for a real model."
        );
    }
    app.serve(listener).await.map_err(|err| err.to_string())
}
