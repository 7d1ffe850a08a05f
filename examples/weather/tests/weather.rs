//! The weather assistant over real HTTP on loopback, with the offline
//! model and a SQLite file: the card and its refresh action, the client
//! tool round trip, the forecast's progress and widget updates, and the
//! binary's startup errors.

use std::sync::Arc;

use chatkit_runtime::http::{Anonymous, HttpConfig};
use chatkit_runtime::model::Model;
use example_support::{Loopback, done_items, no_errors};
use serde_json::{Value, json};

/// The weather app with the offline model, on loopback.
async fn start(name: &str) -> Loopback {
    Loopback::start(&format!("weather-{name}"), |store| {
        let model: Arc<dyn Model> = Arc::new(example_weather::offline_model());
        example_weather::app(store, model, Anonymous::new(), HttpConfig::default()).router()
    })
    .await
}

/// Every value of a key anywhere in a JSON tree.
fn find_all<'a>(value: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == key {
                    out.push(v);
                }
                find_all(v, key, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| find_all(v, key, out)),
        _ => {}
    }
}

fn texts(widget: &Value) -> Vec<String> {
    let mut values = Vec::new();
    find_all(widget, "value", &mut values);
    values
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_weather_card_refreshes_in_place() {
    let server = start("card").await;
    let (thread_id, events) = server.ask("weather Paris").await;
    no_errors(&events);
    let done = done_items(&events);
    let card = done
        .iter()
        .find(|item| item["type"] == "widget")
        .expect("a weather card");
    let widget = &card["widget"];
    assert_eq!(widget["type"], "Card");
    let values = texts(widget);
    assert!(values.contains(&"Paris".to_owned()), "{values:?}");
    assert!(values.contains(&"18°C".to_owned()), "{values:?}");
    assert!(values.contains(&"Partly cloudy".to_owned()), "{values:?}");
    let mut icons = Vec::new();
    find_all(widget, "name", &mut icons);
    assert!(icons.contains(&&json!("lucide:cloud-sun")), "{icons:?}");
    let mut actions = Vec::new();
    find_all(widget, "onClickAction", &mut actions);
    assert_eq!(
        actions,
        [&json!({"type": "weather.refresh", "payload": {"city": "Paris"}})]
    );
    assert_eq!(card["copy_text"], "Paris: 18°C, Partly cloudy");
    // The model's answer follows the card.
    let answer = done.last().unwrap();
    assert_eq!(answer["type"], "assistant_message");
    assert!(
        answer["content"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Paris: 18°C, Partly cloudy.")
    );

    // The Refresh button re-renders the same item.
    let card_id = card["id"].as_str().unwrap().to_owned();
    let events = server
        .stream(json!({"type": "threads.custom_action", "params": {
            "thread_id": thread_id, "item_id": card_id, "action": actions[0]}}))
        .await;
    no_errors(&events);
    let update = events
        .iter()
        .find(|e| e["type"] == "thread.item.updated")
        .expect("an update of the card");
    assert_eq!(update["item_id"], card_id.as_str());
    assert_eq!(update["update"]["type"], "widget.root.updated");
    let refreshed = &update["update"]["widget"];
    let values = texts(refreshed);
    assert!(values.contains(&"Paris".to_owned()));
    assert!(
        values.iter().any(|v| v.starts_with("Refreshed at ")),
        "{values:?}"
    );
    assert!(
        !events.iter().any(|e| e["type"] == "thread.item.done"),
        "no new item: the card is updated in place"
    );
    // The stored card is the refreshed one, still a single widget item.
    let items = server.items(&thread_id).await;
    let widgets: Vec<&Value> = items.iter().filter(|i| i["type"] == "widget").collect();
    assert_eq!(widgets.len(), 1);
    assert_eq!(widgets[0]["id"], card_id.as_str());
    assert_eq!(&widgets[0]["widget"], refreshed);

    // An unknown action is refused with an error event.
    let events = server
        .stream(json!({"type": "threads.custom_action", "params": {
            "thread_id": thread_id, "item_id": card_id, "action": {"type": "weather.nope"}}}))
        .await;
    assert!(events.iter().any(|e| e["type"] == "error"), "{events:#?}");
    server.stop();
}

#[tokio::test]
async fn switch_theme_is_a_client_tool_round_trip() {
    let server = start("theme").await;
    let (thread_id, events) = server.ask("theme dark").await;
    no_errors(&events);
    let pending = &done_items(&events).last().copied().unwrap().clone();
    assert_eq!(pending["type"], "client_tool_call");
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["name"], "switch_theme");
    assert_eq!(pending["arguments"], json!({"theme": "dark"}));
    assert!(
        !events
            .iter()
            .any(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "assistant_message"),
        "the turn ends with the pending call"
    );

    let events = server
        .stream(json!({"type": "threads.add_client_tool_output", "params": {
            "thread_id": thread_id, "result": {"theme": "dark", "applied": true}}}))
        .await;
    no_errors(&events);
    let answer = done_items(&events).last().copied().unwrap().clone();
    assert_eq!(answer["type"], "assistant_message");
    assert_eq!(answer["content"][0]["text"], "Switched to the dark theme.");
    let items = server.items(&thread_id).await;
    let call = items
        .iter()
        .find(|i| i["type"] == "client_tool_call")
        .unwrap();
    assert_eq!(call["status"], "completed");
    assert_eq!(call["output"], json!({"theme": "dark", "applied": true}));

    // A theme that does not exist never reaches the tool.
    let (_, events) = server.ask("theme purple").await;
    let answer = done_items(&events).last().copied().unwrap().clone();
    assert_eq!(answer["content"][0]["text"], "Usage: `theme <light|dark>`");
    server.stop();
}

#[tokio::test]
async fn the_forecast_streams_progress_and_a_growing_widget() {
    let server = start("forecast").await;
    let (thread_id, events) = server.ask("forecast Oslo").await;
    no_errors(&events);
    let progress: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "progress_update")
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(progress.len(), 7, "{progress:?}");
    assert_eq!(progress[0], "Forecasting Mon (1/7)…");
    assert_eq!(progress[6], "Forecasting Sun (7/7)…");

    // The card is added empty, then updated as the days come in.
    let added = events
        .iter()
        .find(|e| e["type"] == "thread.item.added" && e["item"]["type"] == "widget")
        .expect("the forecast card is added");
    let card_id = added["item"]["id"].as_str().unwrap();
    assert!(texts(&added["item"]["widget"]).contains(&"Forecasting… 0/7 days".to_owned()));
    let updates: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "thread.item.updated" && e["item_id"] == card_id)
        .map(|e| &e["update"])
        .collect();
    assert!(updates.len() >= 7, "{updates:#?}");
    assert!(updates.iter().all(|u| {
        matches!(
            u["type"].as_str().unwrap(),
            "widget.root.updated"
                | "widget.component.updated"
                | "widget.streaming_text.value_delta"
        )
    }));
    // Progress and updates interleave: the first update comes before the last progress line.
    let position = |pred: &dyn Fn(&Value) -> bool| events.iter().position(pred).unwrap();
    let first_update = position(&|e| e["type"] == "thread.item.updated" && e["item_id"] == card_id);
    let last_progress = events
        .iter()
        .rposition(|e| e["type"] == "progress_update")
        .unwrap();
    assert!(first_update < last_progress);

    // The final widget is done and stored, with all seven days.
    let done = done_items(&events);
    let card = done.iter().find(|i| i["id"] == card_id).unwrap();
    let values = texts(&card["widget"]);
    for day in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] {
        assert!(values.contains(&day.to_owned()), "{day} in {values:?}");
    }
    assert!(values.contains(&"7-day forecast".to_owned()));
    let items = server.items(&thread_id).await;
    let stored = items.iter().find(|i| i["id"] == card_id).unwrap();
    assert_eq!(stored["widget"], card["widget"]);
    let answer = done.last().unwrap();
    assert_eq!(answer["type"], "assistant_message");
    assert_eq!(
        answer["content"][0]["text"],
        "Here is the week ahead in Oslo."
    );
    server.stop();
}

#[tokio::test]
async fn other_messages_get_the_offline_help() {
    let server = start("help").await;
    let (_, events) = server.ask("what's the weather like?").await;
    let answer = done_items(&events).last().copied().unwrap().clone();
    let text = answer["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("running offline"), "{text}");
    assert!(text.contains("`weather <city>`"), "{text}");
    assert!(text.contains("`forecast <city>`"), "{text}");
    server.stop();
}

#[test]
fn the_weather_data_is_deterministic() {
    let (a, b) = (
        example_weather::weather_for("Springfield"),
        example_weather::weather_for("springfield "),
    );
    assert_eq!((a.temperature, a.condition), (b.temperature, b.condition));
    assert_eq!(a.city, "Springfield");
    assert_eq!(
        example_weather::forecast_for("Lyon"),
        example_weather::forecast_for("Lyon")
    );
    assert_eq!(example_weather::forecast_for("Lyon").len(), 7);
}

fn binary() -> std::process::Command {
    example_support::binary(env!("CARGO_BIN_EXE_example-weather"), &std::env::temp_dir())
}

#[test]
fn a_bad_database_url_is_a_clear_error_and_a_failed_exit() {
    let output = binary()
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/test")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: cannot open the store at postgres://"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_half_configured_provider_is_a_clear_error() {
    let output = binary()
        .env("LLM_PROVIDER", "gemini")
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: invalid configuration: GEMINI_API_KEY is not set"),
        "{stderr}"
    );
}

#[test]
fn offline_startup_is_announced() {
    let dir = example_support::temp_dir("weather-bin");
    let database = format!("sqlite://{}", dir.join("chatkit.db").display());
    let mut command = binary();
    command.current_dir(&dir).env("DATABASE_URL", database);
    let lines = example_support::first_lines(command, 2);
    let (first, second) = (&lines[0], &lines[1]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        first.starts_with("chatkit weather assistant: model=offline commands, store=sqlite://"),
        "{first}"
    );
    assert!(first.contains("listening on http://127.0.0.1:"), "{first}");
    assert!(
        first.contains("/chatkit, playground on http://127.0.0.1:"),
        "{first}"
    );
    assert!(
        second.starts_with("offline mode: no API key is configured"),
        "{second}"
    );
    assert!(second.contains("forecast <city>"), "{second}");
}
