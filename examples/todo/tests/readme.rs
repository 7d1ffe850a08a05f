//! The README's curl session, run against the real `example-todo` binary:
//! the request body is read from README.md itself, so the README stays true.

use std::io::{BufRead as _, BufReader};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

/// The JSON body of the README's `curl ... -d '<body>'` command.
fn readme_request() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let session = &readme[readme
        .find("### A session with curl")
        .expect("the README has a curl session")..];
    let start = session.find("-d '").expect("a curl -d argument") + 4;
    let end = start + session[start..].find('\'').unwrap();
    session[start..end].to_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn the_readme_curl_session_works_as_printed() {
    let dir = example_support::temp_dir("todo-readme");
    let port = free_port();
    // As on a fresh machine: no configuration, so the defaults.
    let mut child = example_support::binary(env!("CARGO_BIN_EXE_example-todo"), &dir)
        .env("CHATKIT_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _server = example_support::Killed(child);
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    assert_eq!(
        first,
        format!(
            "chatkit todo assistant: model=offline commands, store=sqlite://chatkit.db, listening on http://127.0.0.1:{port}/chatkit, playground on http://127.0.0.1:{port}/"
        )
    );
    assert!(
        lines
            .next()
            .unwrap()
            .unwrap()
            .starts_with("offline mode: no API key is configured")
    );

    let client = chatkit_runtime::outbound::client().expect("the outbound client");
    let url = format!("http://127.0.0.1:{port}/chatkit");
    let mut response = None;
    for _ in 0..50 {
        match client
            .post(&url)
            .header("content-type", "application/json")
            .body(readme_request())
            .send()
            .await
        {
            Ok(ok) => {
                response = Some(ok);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let response = response.expect("the server answers");
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let text = response.text().await.unwrap();
    let events: Vec<Value> = text
        .split_terminator("\n\n")
        .map(|frame| serde_json::from_str(frame.strip_prefix("data: ").unwrap()).unwrap())
        .collect();
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    // As printed in the README (deltas may come in several events).
    assert_eq!(
        kinds[..6],
        [
            "thread.created",
            "thread.item.done",
            "stream_options",
            "thread.item.done",
            "thread.updated",
            "thread.item.added"
        ]
    );
    assert_eq!(events[1]["item"]["content"][0]["text"], "add buy milk");
    assert_eq!(events[3]["item"]["type"], "widget");
    assert_eq!(events[3]["item"]["widget"]["type"], "Card");
    assert_eq!(events[4]["thread"]["title"], "add buy milk");
    let last = events.last().unwrap();
    assert_eq!(last["type"], "thread.item.done");
    assert_eq!(
        last["item"]["content"][0]["text"],
        "Added “buy milk” as task #1."
    );
    assert!(
        dir.join("chatkit.db").exists(),
        "the embedded default store is a file in the working directory"
    );
    drop(_server);
    let _ = std::fs::remove_dir_all(&dir);
}
