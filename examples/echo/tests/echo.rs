//! The echo server over real HTTP on loopback, with a SQLite file.

use serde_json::{Value, json};

#[tokio::test]
async fn echoes_over_http_and_keeps_threads_in_sqlite() {
    let dir = std::env::temp_dir().join(format!("example-echo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let database = format!("sqlite://{}", dir.join("chatkit.db").display());
    let app = example_echo::app(&database, dir.join("uploads").to_str().unwrap())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let url = format!("http://{addr}/chatkit");
    let client = reqwest::Client::new();

    let create = json!({"type": "threads.create", "params": {"input": {
        "content": [{"type": "input_text", "text": "hello there"}], "attachments": [], "inference_options": {}}}});
    let response = client
        .post(&url)
        .body(create.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let text = response.text().await.unwrap();
    let events: Vec<Value> = text
        .split_terminator("\n\n")
        .map(|frame| serde_json::from_str(frame.strip_prefix("data: ").unwrap()).unwrap())
        .collect();
    let thread_id = events[0]["thread"]["id"].as_str().unwrap().to_owned();
    let done: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "thread.item.done")
        .collect();
    assert_eq!(
        done[1]["item"]["content"][0]["text"],
        "You said: hello there"
    );
    assert_eq!(
        done[2]["item"]["widget"]["children"][0]["children"][1]["value"],
        "hello there"
    );
    let updated = events
        .iter()
        .find(|e| e["type"] == "thread.updated")
        .unwrap();
    assert_eq!(updated["thread"]["title"], "hello there");

    let get = json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}});
    let thread: Value = serde_json::from_str(
        &client
            .post(&url)
            .body(get.to_string())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(thread["items"]["data"].as_array().unwrap().len(), 3);

    server.abort();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreachable_database_is_a_clear_error_and_a_failed_exit() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_example-echo"))
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/test")
        .env("CHATKIT_ADDR", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: cannot open the store"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
