//! Run with: cargo run -p example-todo
//!
//! Serves the todo assistant on `CHATKIT_ADDR` (default `127.0.0.1:8000`),
//! with threads and tasks in `DATABASE_URL` (default `sqlite://chatkit.db`
//! in the working directory; a `postgres://` URL works as well), and the
//! playground at `/` (open http://127.0.0.1:8000/ in a browser).
//!
//! Configuration comes from the environment and an optional `.env` file
//! (the environment wins); see `chatkit_runtime::launch`. Without an API
//! key, an offline model answers simple commands ("add buy milk", "list",
//! "complete 1"), and says so at startup. SIGTERM or ctrl-c shut it down
//! gracefully.

use std::process::ExitCode;
use std::sync::Arc;

use chatkit_runtime::launch::Launch;
use chatkit_runtime::playground::Playground;

#[tokio::main]
async fn main() -> ExitCode {
    let offline = example_todo::offline_model();
    let commands = offline.commands();
    Launch::new("chatkit todo assistant")
        .offline_model(move || Arc::new(offline), commands)
        .playground(Playground::new().gallery(example_widgets::gallery()))
        .run(|setup| async move {
            Ok(example_todo::chatkit(setup.database_url(), setup.model()).await?)
        })
        .await
}
