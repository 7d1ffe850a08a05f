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

use chatkit_runtime::http::{Anonymous, Auth, HttpConfig, LogConfig};

#[tokio::main]
async fn main() -> ExitCode {
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
    let app = match example_echo::app(&database_url, "uploads", auth, config).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!(
                "error: cannot open the store at {}: {err}",
                chatkit_runtime::store::display_url(&database_url)
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
        "chatkit echo server: model=none (echo), store={}, listening on http://{local}/chatkit",
        chatkit_runtime::store::display_url(&database_url)
    );
    match app.serve(listener).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
