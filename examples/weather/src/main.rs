//! Run with: cargo run -p example-weather
//!
//! Serves the weather assistant on `CHATKIT_ADDR` (default
//! `127.0.0.1:8000`), storing threads in `DATABASE_URL` (default
//! `sqlite://chatkit.db`; a `postgres://` URL works as well), with the
//! playground at `/`.
//!
//! Configuration comes from the environment and an optional `.env` file;
//! see `chatkit_runtime::launch`. Invalid values are reported at startup
//! with a non-zero exit. Without any API key it runs offline, and says so: a
//! scripted model maps `weather <city>`, `theme <light|dark>` and
//! `forecast <city>` to the real tools. The weather data is always made up
//! (deterministic, no network).

use std::process::ExitCode;
use std::sync::Arc;

use chatkit_runtime::launch::Launch;
use chatkit_runtime::playground::Playground;

#[tokio::main]
async fn main() -> ExitCode {
    let offline = example_weather::offline_model();
    let commands = offline.commands();
    Launch::new("chatkit weather assistant")
        .offline_model(move || Arc::new(offline), commands)
        .playground(Playground::new().gallery(example_widgets::gallery()))
        .run(|setup| async move {
            let store = setup.store().await?;
            Ok(example_weather::chatkit(store, setup.model()))
        })
        .await
}
