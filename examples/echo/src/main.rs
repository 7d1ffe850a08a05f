//! Run with: cargo run -p example-echo
//!
//! Serves the echo server (no model: it repeats each message and lists its
//! attachments) on `CHATKIT_ADDR` (default `127.0.0.1:8000`), with threads in
//! `DATABASE_URL` (default `sqlite://chatkit.db`), attachments under
//! `./uploads`, and the playground at `/`. See `chatkit_runtime::launch`
//! for the configuration.

use std::process::ExitCode;

use chatkit_runtime::launch::Launch;

#[tokio::main]
async fn main() -> ExitCode {
    Launch::new("chatkit echo server")
        .run(|setup| async move { Ok(example_echo::chatkit(setup.database_url(), "uploads").await?) })
        .await
}
