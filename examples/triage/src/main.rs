//! Run with: cargo run -p example-triage
//!
//! Serves the triage router on `CHATKIT_ADDR` (default `127.0.0.1:8000`),
//! storing threads in `DATABASE_URL` (default `sqlite://chatkit.db`), with
//! the playground at `/`. A triage agent hands each request off to the
//! support, sales or general agent.
//!
//! Configuration comes from the environment and an optional `.env` file;
//! see `chatkit_runtime::launch`. Without any API key, scripted models
//! answer `support order <number>`, `sales quote <product> <quantity>` and
//! `general faq <topic>`, and the startup says so.

use std::process::ExitCode;
use std::sync::Arc;

use chatkit_runtime::launch::Launch;
use example_triage::Models;

#[tokio::main]
async fn main() -> ExitCode {
    Launch::new("chatkit triage router")
        .offline_model(
            || Arc::new(example_triage::offline_triage_model()),
            "support order <number>, sales quote <product> <quantity>, general faq <topic>",
        )
        .run(|setup| async move {
            let models = if setup.is_offline() {
                Models::Offline
            } else {
                Models::Shared(setup.model())
            };
            let store = setup.store().await?;
            Ok(example_triage::chatkit(store, &models))
        })
        .await
}
