//! The todo assistant end to end, over real HTTP on loopback, with the
//! offline command model and a SQLite file; and the binary's startup.

use std::sync::Arc;

use chatkit_runtime::http::{DevHeaderAuth, HttpConfig};
use example_todo::{TaskStatus, Tasks};
use serde_json::{Value, json};

/// A todo server on a free port, with users from the `x-user-id` header.
struct Server {
    url: String,
    client: reqwest::Client,
    tasks: Tasks,
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
    dir: std::path::PathBuf,
}

impl Server {
    async fn start(name: &str) -> Self {
        let dir = example_support::temp_dir(&format!("todo-{name}"));
        let database = format!("sqlite://{}", dir.join("chatkit.db").display());
        let app = example_todo::app(
            &database,
            Arc::new(example_todo::offline_model()),
            DevHeaderAuth::new("x-user-id").unwrap(),
            // The flow sends more streams than the default per-user burst.
            HttpConfig::default().stream_rate(None),
        )
        .await
        .unwrap();
        // The same database, opened again, to check what the actions stored.
        let (_, tasks) = example_todo::open(&database).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app.router();
        let handle = tokio::spawn(async move { axum::serve(listener, router).await });
        Self {
            url: format!("http://{addr}/chatkit"),
            client: chatkit_runtime::outbound::client().expect("the outbound client"),
            tasks,
            handle,
            dir,
        }
    }

    async fn post(&self, user: &str, body: &Value) -> reqwest::Response {
        let response = self
            .client
            .post(&self.url)
            .header("x-user-id", user)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{body}");
        response
    }

    /// A streamed request's events.
    async fn stream(&self, user: &str, body: Value) -> Vec<Value> {
        let text = self.post(user, &body).await.text().await.unwrap();
        text.split_terminator("\n\n")
            .filter_map(|frame| frame.strip_prefix("data: "))
            .map(|data| serde_json::from_str(data).unwrap())
            .collect()
    }

    /// A JSON request's answer.
    async fn json(&self, user: &str, body: Value) -> Value {
        serde_json::from_str(&self.post(user, &body).await.text().await.unwrap()).unwrap()
    }

    /// Starts a thread with `text`; returns its id and the events.
    async fn create(&self, user: &str, text: &str) -> (String, Vec<Value>) {
        let events = self
            .stream(
                user,
                json!({"type": "threads.create", "params": {"input": input(text)}}),
            )
            .await;
        let thread = events[0]["thread"]["id"].as_str().unwrap().to_owned();
        (thread, events)
    }

    async fn say(&self, user: &str, thread: &str, text: &str) -> Vec<Value> {
        self.stream(
            user,
            json!({"type": "threads.add_user_message",
                   "params": {"thread_id": thread, "input": input(text)}}),
        )
        .await
    }

    async fn action(
        &self,
        user: &str,
        thread: &str,
        item: &str,
        kind: &str,
        id: i64,
    ) -> Vec<Value> {
        self.stream(
            user,
            json!({"type": "threads.custom_action", "params": {
                "thread_id": thread, "item_id": item,
                "action": {"type": kind, "payload": {"id": id, "status": "all"}}}}),
        )
        .await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.handle.abort();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn input(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

/// The items completed in `events`.
fn done(events: &[Value]) -> Vec<&Value> {
    events
        .iter()
        .filter(|e| e["type"] == "thread.item.done")
        .map(|e| &e["item"])
        .collect()
}

/// The widget items completed in `events`.
fn widgets(events: &[Value]) -> Vec<&Value> {
    done(events)
        .into_iter()
        .filter(|item| item["type"] == "widget")
        .collect()
}

/// The assistant's text in `events`.
fn assistant_text(events: &[Value]) -> String {
    done(events)
        .into_iter()
        .filter(|item| item["type"] == "assistant_message")
        .map(|item| item["content"][0]["text"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The one list widget item of `events`.
fn list_item(events: &[Value]) -> Value {
    let lists: Vec<&Value> = widgets(events)
        .into_iter()
        .filter(|item| item["widget"]["type"] == "ListView")
        .collect();
    assert_eq!(lists.len(), 1, "{events:#?}");
    lists[0].clone()
}

/// (id badge, title, struck through, description) of each row of a ListView.
fn rows(list: &Value) -> Vec<(String, String, bool, Option<String>)> {
    list["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["children"][0]["type"] == "Icon" && row["children"][1]["type"] == "Col")
        .map(|row| {
            let col = &row["children"][1]["children"];
            (
                row["children"][3]["label"].as_str().unwrap().to_owned(),
                col[0]["value"].as_str().unwrap().to_owned(),
                col[0]["lineThrough"].as_bool().unwrap_or(false),
                col[1]["value"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_todo_flow_with_widgets_actions_and_users() {
    let server = Server::start("flow").await;

    // add: a confirmation card, and the model's report.
    let (thread, events) = server.create("alice", "add buy milk - 2 liters").await;
    let cards = widgets(&events);
    assert_eq!(cards.len(), 1, "{events:#?}");
    let card = &cards[0]["widget"];
    assert_eq!(card["type"], "Card");
    let card_text = card.to_string();
    assert!(card_text.contains("Added: buy milk"), "{card_text}");
    assert!(card_text.contains("2 liters"), "{card_text}");
    assert!(card_text.contains("#1"), "{card_text}");
    assert!(
        assistant_text(&events) == "Added “buy milk” as task #1.",
        "{events:#?}"
    );
    let events = server.say("alice", &thread, "add call mom").await;
    assert_eq!(widgets(&events).len(), 1);

    // list: a ListView with a header count and one row per task.
    let events = server.say("alice", &thread, "list").await;
    let list = list_item(&events);
    let widget = &list["widget"];
    assert_eq!(widget["status"]["text"], "Tasks (2)");
    assert_eq!(widget["status"]["icon"], "notebook");
    assert_eq!(
        rows(widget),
        vec![
            (
                "#1".into(),
                "buy milk".into(),
                false,
                Some("2 liters".into())
            ),
            ("#2".into(), "call mom".into(), false, None),
        ]
    );
    assert_eq!(widget["children"][0]["children"][0]["name"], "empty-circle");
    assert_eq!(
        widget["children"][0]["children"][4]["onClickAction"],
        json!({"type": "task.complete", "payload": {"id": 1, "status": "all"}})
    );
    // The offline model answers the person, not a model.
    assert_eq!(
        assistant_text(&events),
        "Here are your tasks.",
        "{events:#?}"
    );

    // complete through the widget's action: updated in place, then stored.
    let list_id = list["id"].as_str().unwrap().to_owned();
    let events = server
        .action("alice", &thread, &list_id, "task.complete", 1)
        .await;
    let updated = events
        .iter()
        .find(|e| e["type"] == "thread.item.updated")
        .unwrap_or_else(|| panic!("{events:#?}"));
    assert_eq!(updated["item_id"], list_id.as_str());
    assert_eq!(updated["update"]["type"], "widget.root.updated");
    let fresh = &updated["update"]["widget"];
    assert!(rows(fresh)[0].2, "{fresh:#}");
    assert_eq!(
        fresh["children"][0]["children"][0]["name"],
        "check-circle-filled"
    );
    // Stored without a second copy to the client (`update_widget`).
    assert!(!events.iter().any(|e| e["type"] == "thread.item.replaced"));
    let stored = server
        .tasks
        .list("alice", TaskStatus::Completed)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].title, "buy milk");
    // A reload shows the new widget.
    let items = server
        .json(
            "alice",
            json!({"type": "items.list", "params": {"thread_id": thread, "limit": 50}}),
        )
        .await;
    let reloaded = items["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == list_id.as_str())
        .unwrap();
    assert!(rows(&reloaded["widget"])[0].2, "{reloaded:#}");
    assert!(
        reloaded["copy_text"]
            .as_str()
            .unwrap()
            .contains("[x] #1 buy milk"),
        "{reloaded:#}"
    );

    // delete through the widget's action.
    let events = server
        .action("alice", &thread, &list_id, "task.delete", 2)
        .await;
    let updated = events
        .iter()
        .find(|e| e["type"] == "thread.item.updated")
        .unwrap();
    assert_eq!(updated["update"]["widget"]["status"]["text"], "Tasks (1)");
    assert_eq!(rows(&updated["update"]["widget"]).len(), 1);
    assert!(
        server
            .tasks
            .list("alice", TaskStatus::All)
            .await
            .unwrap()
            .len()
            == 1
    );

    // update and delete by command.
    let events = server.say("alice", &thread, "add walk the dog").await;
    assert!(assistant_text(&events).contains("#3"), "{events:#?}");
    let events = server.say("alice", &thread, "update 3 walk the cat").await;
    assert!(
        assistant_text(&events).contains("Updated task #3: walk the cat"),
        "{events:#?}"
    );
    let events = server.say("alice", &thread, "list pending").await;
    let widget = list_item(&events)["widget"].clone();
    assert_eq!(widget["status"]["text"], "Pending tasks (1)");
    assert_eq!(rows(&widget)[0].1, "walk the cat");
    let events = server.say("alice", &thread, "delete 1").await;
    assert!(
        assistant_text(&events).contains("Deleted task #1: buy milk"),
        "{events:#?}"
    );
    let events = server.say("alice", &thread, "complete 99").await;
    assert!(
        assistant_text(&events).contains("There is no task #99"),
        "{events:#?}"
    );

    // A second thread of the same user sees the same tasks.
    let (_, events) = server.create("alice", "list").await;
    let widget = list_item(&events)["widget"].clone();
    assert_eq!(widget["status"]["text"], "Tasks (1)");
    assert_eq!(rows(&widget)[0].1, "walk the cat");

    // Another user sees none, and cannot touch alice's.
    let (bob_thread, events) = server.create("bob", "list").await;
    let bob_list = list_item(&events);
    assert_eq!(bob_list["widget"]["status"]["text"], "Tasks (0)");
    assert!(rows(&bob_list["widget"]).is_empty());
    assert!(bob_list["widget"].to_string().contains("No tasks yet"));
    let events = server.say("bob", &bob_thread, "complete 3").await;
    assert!(assistant_text(&events).contains("There is no task #3"));
    let events = server
        .action(
            "bob",
            &bob_thread,
            bob_list["id"].as_str().unwrap(),
            "task.delete",
            3,
        )
        .await;
    // Nothing of Bob's changed, so his list gets no update.
    assert!(
        !events.iter().any(|e| e["type"] == "thread.item.updated"),
        "{events:#?}"
    );
    assert_eq!(
        server
            .tasks
            .list("alice", TaskStatus::All)
            .await
            .unwrap()
            .len(),
        1
    );

    // Anything else gets the commands.
    let events = server.say("alice", &thread, "what can you do?").await;
    assert!(assistant_text(&events).contains("offline"), "{events:#?}");
}

#[tokio::test]
async fn an_unknown_action_is_refused() {
    let server = Server::start("unknown-action").await;
    let (thread, events) = server.create("alice", "list").await;
    let list_id = list_item(&events)["id"].as_str().unwrap().to_owned();
    let events = server
        .action("alice", &thread, &list_id, "task.explode", 1)
        .await;
    let error = events
        .iter()
        .find(|e| e["type"] == "error")
        .unwrap_or_else(|| panic!("{events:#?}"));
    assert!(error.to_string().contains("task.explode"), "{error}");
}

/// The binary, configured by `env` only (no `.env` in its directory).
fn command(dir: &std::path::Path, env: &[(&str, &str)]) -> std::process::Command {
    let mut command = example_support::binary(env!("CARGO_BIN_EXE_example-todo"), dir);
    command.envs(env.iter().copied());
    command
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    example_support::temp_dir(&format!("todo-bin-{name}"))
}

#[test]
fn the_startup_line_names_the_model_store_and_address() {
    let dir = temp_dir("startup");
    let database = format!("sqlite://{}", dir.join("chatkit.db").display());
    let lines = example_support::first_lines(command(&dir, &[("DATABASE_URL", &database)]), 2);
    let (first, second) = (&lines[0], &lines[1]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        first.starts_with(&format!(
            "chatkit todo assistant: model=offline commands, store={database}, listening on http://127.0.0.1:"
        )),
        "{first}"
    );
    assert!(
        first.contains("/chatkit, playground on http://127.0.0.1:") && first.ends_with('/'),
        "{first}"
    );
    assert!(
        second.starts_with("offline mode: no API key is configured"),
        "{second}"
    );
    assert!(second.contains("add <title>"), "{second}");
}

#[test]
fn a_bad_database_url_is_a_clear_error_and_a_failed_exit() {
    let dir = temp_dir("bad-db");
    for (url, expected) in [
        ("mysql://root:hunter2@localhost/db", "unsupported store URL"),
        ("postgres://postgres:hunter2@127.0.0.1:1/test", ""),
    ] {
        let output = command(&dir, &[("DATABASE_URL", url)]).output().unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("error: cannot open the store"),
            "{stderr}"
        );
        assert!(stderr.contains(expected), "{stderr}");
        assert!(!stderr.contains("hunter2"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invalid_configuration_is_a_clear_error_and_a_failed_exit() {
    let dir = temp_dir("bad-config");
    for (env, expected) in [
        (
            &[("CHATKIT_ADDR", "nowhere")][..],
            "error: invalid configuration: CHATKIT_ADDR: `nowhere` is invalid",
        ),
        (
            &[("LLM_PROVIDER", "gemini")][..],
            "error: invalid configuration: GEMINI_API_KEY is not set",
        ),
        (
            &[("CORS_ORIGINS", "app.example.com")][..],
            "error: invalid configuration: CORS_ORIGINS: `app.example.com` is invalid",
        ),
    ] {
        let mut env = env.to_vec();
        env.push(("DATABASE_URL", "sqlite::memory:"));
        let output = command(&dir, &env).output().unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with(expected), "{stderr}");
    }
    // A `.env` file is read too.
    std::fs::write(dir.join(".env"), "CHATKIT_ADDR=nowhere\n").unwrap();
    let output = command(&dir, &[("DATABASE_URL", "sqlite::memory:")])
        .env_remove("CHATKIT_ADDR")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("CHATKIT_ADDR: `nowhere` is invalid"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_serves_its_playground_and_outlives_a_closed_stdout() {
    use std::io::BufRead as _;

    let dir = temp_dir("stdout");
    let database = format!("sqlite://{}", dir.join("chatkit.db").display());
    let mut child = command(&dir, &[("DATABASE_URL", &database)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is gone: the offline-mode line meets a closed pipe.
    let playground = first
        .split("playground on ")
        .nth(1)
        .unwrap()
        .trim()
        .to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let client = chatkit_runtime::outbound::client().expect("the outbound client");
    let page = client.get(&playground).send().await;
    let config = client
        .get(format!("{playground}playground/config.json"))
        .send()
        .await;
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let page = page.expect("the server is still up");
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert!(page.headers().contains_key("content-security-policy"));
    let html = page.text().await.unwrap();
    assert!(html.contains("playground/app.js"), "{html}");
    let config: Value = serde_json::from_str(&config.unwrap().text().await.unwrap()).unwrap();
    assert_eq!(
        config,
        json!({"title": "chatkit todo assistant", "chatkit_url": "/chatkit",
               "auth": {"mode": "anonymous"}, "attachments": false, "gallery": true})
    );
}
