//! Run with: cargo run -p example-echo
//!
//! Serves a ChatKit backend on `CHATKIT_ADDR` (default `127.0.0.1:8000`)
//! that echoes every message, storing threads in `DATABASE_URL` (default
//! `sqlite://chatkit.db` in the working directory; a `postgres://` URL
//! works as well).

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let addr = std::env::var("CHATKIT_ADDR").unwrap_or_else(|_| "127.0.0.1:8000".to_owned());
    let database_url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://chatkit.db".to_owned());
    let app = match example_echo::app(&database_url, "uploads").await {
        Ok(app) => app,
        Err(err) => {
            eprintln!(
                "error: cannot open the store at {}: {err}",
                chatkit_runtime::store::display_url(&database_url)
            );
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot listen on {addr}: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "chatkit echo server: model=none (echo), store={database_url}, listening on http://{addr}/chatkit"
    );
    match axum::serve(listener, app).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
