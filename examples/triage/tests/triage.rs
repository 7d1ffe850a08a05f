//! The triage router over real HTTP on loopback, with the offline models
//! and a SQLite file: handoffs to each specialist, the specialist's tool
//! call and answer, and the binary's startup errors.

use chatkit_runtime::http::{Anonymous, HttpConfig};
use example_support::{Loopback, done_items, no_errors};
use example_triage::Models;
use serde_json::Value;

/// The triage app with the offline models, on loopback.
async fn start(name: &str) -> Loopback {
    start_with(name, Models::Offline).await
}

/// The triage app with `models`, on loopback.
async fn start_with(name: &str, models: Models) -> Loopback {
    Loopback::start(&format!("triage-{name}"), |store| {
        example_triage::app(store, &models, Anonymous::new(), HttpConfig::default()).router()
    })
    .await
}

/// Asks `text` in a new thread: the handoff goes to `agent`, which calls
/// `tool` and answers; returns the answer.
async fn handoff(server: &Loopback, text: &str, agent: &str, tool: &str) -> String {
    let (thread_id, events) = server.ask(text).await;
    no_errors(&events);
    // The specialist's tool ran, shown as a task item.
    let tasks: Vec<&Value> = done_items(&events)
        .into_iter()
        .filter(|item| item["type"] == "task")
        .collect();
    let titles: Vec<String> = tasks.iter().map(|t| t["task"].to_string()).collect();
    assert!(
        titles.iter().any(|t| t.contains(tool)),
        "{tool} in {titles:?}"
    );
    let answer = done_items(&events).last().copied().unwrap().clone();
    assert_eq!(answer["type"], "assistant_message", "{events:#?}");
    let text = answer["content"][0]["text"].as_str().unwrap().to_owned();
    assert!(
        !text.contains("Transferred to"),
        "{agent} answers, not the handoff: {text}"
    );
    // The answer is stored, once.
    let items = server.items(&thread_id).await;
    let answers: Vec<&Value> = items
        .iter()
        .filter(|i| i["type"] == "assistant_message")
        .collect();
    assert_eq!(answers.len(), 1, "{items:#?}");
    text
}

#[tokio::test]
async fn support_looks_up_orders() {
    let server = start("support").await;
    let answer = handoff(&server, "support order 42", "support", "lookup_order").await;
    assert_eq!(
        answer,
        "Order #42 (2 widgets) is shipped on Monday, arriving Thursday."
    );
    let answer = handoff(&server, "support order #9", "support", "lookup_order").await;
    assert_eq!(answer, "There is no order #9. Please check the number.");
    server.stop();
}

#[tokio::test]
async fn sales_quotes_prices() {
    let server = start("sales").await;
    let answer = handoff(&server, "sales quote widget 3", "sales", "quote").await;
    assert_eq!(answer, "Quote: 3 × widget = $37.50.");
    let answer = handoff(&server, "sales quote gizmos 10", "sales", "quote").await;
    assert_eq!(
        answer,
        "Quote: 10 × gizmo = $71.91 (10% volume discount included)."
    );
    server.stop();
}

#[tokio::test]
async fn general_answers_from_the_faq() {
    let server = start("general").await;
    let answer = handoff(&server, "general faq shipping", "general", "faq").await;
    assert!(
        answer.starts_with("Orders ship within 2 business days"),
        "{answer}"
    );
    server.stop();
}

#[tokio::test]
async fn each_agent_explains_its_commands() {
    let server = start("help").await;
    // Triage: anything but a routing word gets the help.
    let (_, events) = server.ask("hello").await;
    let text = done_items(&events).last().copied().unwrap()["content"][0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(text.contains("running offline"), "{text}");
    assert!(text.contains("`support <order N>`"), "{text}");
    // A specialist reached without a command explains its own.
    let (_, events) = server.ask("sales").await;
    no_errors(&events);
    let text = done_items(&events).last().copied().unwrap()["content"][0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(text.contains("`quote <product> <quantity>`"), "{text}");
    server.stop();
}

#[tokio::test]
async fn a_configured_model_drives_every_agent() {
    use std::sync::Arc;

    use chatkit_runtime::model::{InputItem, Model, ScriptedModel, ScriptedResponse};
    // One shared model, as with an API key: scripted as a real model would
    // answer (hand off, call the specialist's tool, answer).
    let model = Arc::new(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_call("c1", "transfer_to_sales", "{}"))
            .with_response(ScriptedResponse::tool_call(
                "c2",
                "quote",
                r#"{"product":"gadget","quantity":2}"#,
            ))
            .with_response(ScriptedResponse::text("Two gadgets come to $99.98.")),
    );
    let shared: Arc<dyn Model> = model.clone();
    let server = start_with("shared", Models::Shared(shared)).await;
    let answer = handoff(&server, "how much are two gadgets?", "sales", "quote").await;
    assert_eq!(answer, "Two gadgets come to $99.98.");
    let requests = model.requests();
    assert_eq!(requests.len(), 3);
    // Triage first, with the three handoffs; then sales, with its tool.
    assert!(
        requests[0]
            .instructions
            .starts_with("You are the front desk")
    );
    let tools =
        |i: usize| -> Vec<String> { requests[i].tools.iter().map(|t| t.name.clone()).collect() };
    assert_eq!(
        tools(0),
        [
            "transfer_to_support",
            "transfer_to_sales",
            "transfer_to_general"
        ]
    );
    assert!(
        requests[1]
            .instructions
            .starts_with("You are the sales agent")
    );
    assert_eq!(tools(1), ["quote"]);
    // The quote's real output reached the model.
    assert!(requests[2].input.iter().any(|item| matches!(
        item,
        InputItem::FunctionCallOutput { output, .. }
            if format!("{output:?}").contains("Quote: 2 × gadget = $99.98.")
    )));
    server.stop();
}

fn binary(dir: &std::path::Path) -> std::process::Command {
    example_support::binary(env!("CARGO_BIN_EXE_example-triage"), dir)
}

#[test]
fn a_bad_database_url_is_a_clear_error_and_a_failed_exit() {
    let output = binary(&std::env::temp_dir())
        .env("DATABASE_URL", "mysql://nowhere/db")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: cannot open the store at mysql://"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn offline_startup_is_announced() {
    let dir = example_support::temp_dir("triage-bin");
    let database = format!("sqlite://{}", dir.join("chatkit.db").display());
    let mut command = binary(&dir);
    command.env("DATABASE_URL", database);
    let lines = example_support::first_lines(command, 2);
    let (first, second) = (&lines[0], &lines[1]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        first.starts_with("chatkit triage router: model=offline commands, store=sqlite://"),
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
    assert!(second.contains("support order <number>"), "{second}");
}
