//! Run with: cargo run -p example-echo
//!
//! Serves a ChatKit backend on `CHATKIT_ADDR` (default `127.0.0.1:8000`)
//! that echoes every message, storing threads in `DATABASE_URL` (default
//! `sqlite://chatkit.db` in the working directory; a `postgres://` URL
//! works as well).
//!
//! Everything else comes from the environment too (see
//! `chatkit_runtime::http`): `JWT_SECRET`, `JWT_PUBLIC_KEY_FILE` or
//! `JWT_JWKS_FILE` (with `JWT_ISSUER`, `JWT_AUDIENCE`) for authentication,
//! `CORS_ORIGINS`, the `CHATKIT_*` limits, `LOG_FORMAT=json` and `RUST_LOG`.
//! With no authentication configured, the echo server runs without any, as
//! one anonymous user, and says so; `CHATKIT_DEV_USER_HEADER=x-user-id`
//! takes the user from a header instead. SIGTERM or ctrl-c shut it down
//! gracefully.

use std::process::ExitCode;

use chatkit_runtime::http::{Anonymous, Auth, ServerEnv};
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
    // Every setting is checked before anything starts.
    let env = ServerEnv::from_env().map_err(invalid)?;
    let store_url = display_url(&env.database_url);
    let auth = env
        .auth
        .unwrap_or_else(|| Auth::Anonymous(Anonymous::new()));
    let app = example_echo::app(&env.database_url, "uploads", auth, env.http)
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
        "chatkit echo server: model=none (echo), store={store_url}, listening on http://{local}/chatkit"
    );
    app.serve(listener).await.map_err(|err| err.to_string())
}
