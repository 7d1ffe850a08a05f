//! The playground in a real Chromium (Debian's `chromium` and
//! `chromium-driver`), against the example servers' real binaries on
//! loopback: what a person sees and clicks.
//!
//! Each scenario saves a screenshot of its final state under
//! `target/tmp/playground/`. Without Chromium the tests say so and pass,
//! except in CI (`CI` set), where `.ci/run` installs it and its absence
//! fails them.

use std::io::BufRead as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use example_support::Killed;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::response::IntoResponse as _;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// How long a page may take to show what a step waits for.
const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// One browser at a time: two cores run one Chromium well, not four.
static BROWSER_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// An example server, started from its binary in a directory of its own.
struct Server {
    playground: String,
    _process: Killed,
}

impl Server {
    fn start(binary: &str, name: &str, env: &[(&str, &str)]) -> Self {
        let dir = example_support::temp_dir(&format!("browser-{name}"));
        let mut command = example_support::binary(binary, &dir);
        command
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.join("chatkit.db").display()),
            )
            .env("CHATKIT_DEV_USER_HEADER", "x-user-id")
            // A person clicking quickly is not a flood.
            .env("CHATKIT_STREAMS_PER_MINUTE", "0")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = command.spawn().expect("the example server starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let process = Killed(child);
        let mut stdout = std::io::BufReader::new(stdout);
        let mut line = String::new();
        stdout.read_line(&mut line).expect("the startup line");
        // The rest is read and dropped, as a terminal would show it.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let playground = line
            .split("playground on ")
            .nth(1)
            .unwrap_or_else(|| panic!("no playground URL in {line:?}"))
            .trim()
            .to_owned();
        Self {
            playground,
            _process: process,
        }
    }
}

/// chromedriver and one Chromium session.
struct Browser {
    client: Client,
    _driver: Killed,
    _lock: tokio::sync::MutexGuard<'static, ()>,
}

/// `None` when Chromium is not installed (outside CI).
async fn browser() -> Option<Browser> {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{CHROMEDRIVER} is missing: `apt-get install chromium chromium-driver`"
        );
        eprintln!(
            "skipped: {CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)"
        );
        return None;
    }
    let lock = BROWSER_LOCK.lock().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let driver = Killed(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--no-first-run", "--disable-extensions"],
        }),
    );
    capabilities.insert("goog:loggingPrefs".to_owned(), json!({ "browser": "ALL" }));
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let client = loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => break client,
            Err(_) if started.elapsed() < Duration::from_secs(20) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => panic!("no WebDriver session: {error}"),
        }
    };
    Some(Browser {
        client,
        _driver: driver,
        _lock: lock,
    })
}

/// `GET /session/{id}/se/log` for the browser's console: chromedriver's
/// log endpoint, which WebDriver itself does not have.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

impl Browser {
    async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("the page loads");
        self.wait_for(
            "document.querySelector('#composer-input, #signin-input') !== null",
            "the page",
        )
        .await;
    }

    /// Waits until the JavaScript expression `condition` is true.
    async fn wait_for(&self, condition: &str, what: &str) {
        let script = format!("return Boolean({condition});");
        let started = Instant::now();
        loop {
            if let Ok(Value::Bool(true)) = self.client.execute(&script, vec![]).await {
                return;
            }
            if started.elapsed() > STEP_TIMEOUT {
                self.screenshot(&format!("timeout-{}", slug(what))).await;
                panic!(
                    "timed out waiting for {what} ({condition}); console: {:?}",
                    self.console().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for the page to be idle: no request or stream in flight.
    async fn idle(&self) {
        self.wait_for(
            "document.body.dataset.busy === 'false'",
            "the stream to end",
        )
        .await;
    }

    async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|error| panic!("{script}: {error}"))
    }

    /// Types `text` into the composer and sends it.
    async fn say(&self, text: &str) {
        let input = self
            .client
            .find(Locator::Css("#composer-input"))
            .await
            .expect("the composer");
        input.send_keys(text).await.expect("typing");
        self.client
            .find(Locator::Css("#send"))
            .await
            .expect("the send button")
            .click()
            .await
            .expect("clicking send");
        // The request starts, then ends.
        self.wait_for(
            "document.body.dataset.busy === 'true' || document.querySelector('#composer-input').value === ''",
            "the message to be sent",
        )
        .await;
        self.idle().await;
    }

    /// The console's warnings and errors (`SEVERE`, `WARNING`) so far.
    async fn console(&self) -> Vec<String> {
        let Ok(Value::Array(entries)) = self.client.issue_cmd(BrowserLog).await else {
            return Vec::new();
        };
        entries
            .iter()
            .filter(|entry| matches!(entry["level"].as_str(), Some("SEVERE" | "WARNING")))
            .filter_map(|entry| entry["message"].as_str().map(str::to_owned))
            .collect()
    }

    /// Fails on any console error (`SEVERE`: an exception, a failed
    /// request, `console.error`). Warnings are the page's notices about
    /// unknown widget parts, which tests check for themselves.
    async fn no_console_errors(&self) {
        let Ok(Value::Array(entries)) = self.client.issue_cmd(BrowserLog).await else {
            panic!("chromedriver did not return the console log");
        };
        let errors: Vec<&Value> = entries
            .iter()
            .filter(|entry| entry["level"] == "SEVERE")
            .collect();
        assert!(errors.is_empty(), "console errors: {errors:#?}");
    }

    async fn screenshot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("playground");
        std::fs::create_dir_all(&dir).expect("the screenshot folder");
        if let Ok(png) = self.client.screenshot().await {
            std::fs::write(dir.join(format!("{name}.png")), png).expect("the screenshot");
        }
    }

    async fn close(self) {
        let _ = self.client.close().await;
    }
}

fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// A JavaScript string literal.
fn js(text: &str) -> String {
    Value::from(text).to_string()
}

/// `document.querySelectorAll(selector)` as a count.
fn count(selector: &str) -> String {
    format!("document.querySelectorAll({}).length", js(selector))
}

/// Whether some element matching `selector` has `text` in its text.
fn has_text(selector: &str, text: &str) -> String {
    format!(
        "[...document.querySelectorAll({})].some(e => e.textContent.includes({}))",
        js(selector),
        js(text)
    )
}

/// The seed's app: the assistant reaches the todo tools only through MCP,
/// and the list widget comes back through MCP into the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn todo_over_mcp_shows_the_widgets_its_tools_return() {
    let Some(browser) = browser().await else {
        return;
    };
    let server = Server::start(env!("CARGO_BIN_EXE_todo-mcp-server"), "todo-mcp", &[]);
    browser
        .open(&format!("{}?user=alice", server.playground))
        .await;
    browser.say("add buy milk").await;
    browser
        .wait_for(
            &has_text("[data-item-type=widget]", "Added: buy milk"),
            "the confirmation card, through MCP",
        )
        .await;
    browser.say("add water the plants").await;
    browser.say("list").await;
    let list = "[data-item-type=widget] [data-ck=ListView]";
    browser
        .wait_for(
            &has_text(list, "water the plants"),
            "the task list, through MCP",
        )
        .await;
    assert_eq!(
        browser
            .eval(&format!(
                "return {}",
                count(&format!("{list} [data-ck=ListViewItem]"))
            ))
            .await,
        json!(2)
    );
    assert_eq!(
        browser
            .eval(&format!("return {}", count("[data-ck-error]")))
            .await,
        json!(0)
    );
    browser.screenshot("todo-mcp-list").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn todo_add_list_complete_reload_and_a_second_user() {
    let Some(browser) = browser().await else {
        return;
    };
    let server = Server::start(env!("CARGO_BIN_EXE_todo-server"), "todo", &[]);
    let alice = format!("{}?user=alice", server.playground);
    browser.open(&alice).await;

    browser.say("add buy milk").await;
    browser
        .wait_for(
            &has_text("[data-item-type=widget]", "Added: buy milk"),
            "the confirmation card",
        )
        .await;
    browser
        .wait_for(
            &has_text(
                "[data-item-type=assistant_message]",
                "Added “buy milk” as task #1.",
            ),
            "the offline reply",
        )
        .await;
    browser.say("add call mom").await;
    browser.say("list").await;
    let list = "[data-item-type=widget] [data-ck=ListView]";
    browser
        .wait_for(&has_text(list, "call mom"), "the task list")
        .await;
    assert_eq!(
        browser
            .eval(&format!(
                "return {}",
                count(&format!("{list} [data-ck=ListViewItem]"))
            ))
            .await,
        json!(2)
    );
    browser.screenshot("todo-list").await;

    // Complete #1 from the list: the same widget changes in place.
    let widgets_before = browser
        .eval(&format!("return {}", count("[data-item-type=widget]")))
        .await;
    browser
        .eval(&format!(
            "const item = [...document.querySelectorAll({})].find(e => e.textContent.includes('buy milk'));
             [...item.querySelectorAll('[data-ck=Button]')].find(b => b.textContent.includes('Complete')).click();
             return true;",
            js(&format!("{list} [data-ck=ListViewItem]"))
        ))
        .await;
    browser.idle().await;
    let done_icon = format!(
        "[...document.querySelectorAll({})].some(e => e.textContent.includes('buy milk') && e.querySelector('[data-icon=check-circle-filled]'))",
        js(&format!("{list} [data-ck=ListViewItem]"))
    );
    browser.wait_for(&done_icon, "the task shown as done").await;
    assert_eq!(
        browser
            .eval(&format!("return {}", count("[data-item-type=widget]")))
            .await,
        widgets_before,
        "the list is updated in place, not added again"
    );

    // A reload shows the same thread, with the widget as it was last seen.
    browser.client.refresh().await.expect("reload");
    browser
        .wait_for(&has_text(list, "call mom"), "the thread after a reload")
        .await;
    browser
        .wait_for(&done_icon, "the completed task after a reload")
        .await;
    browser.screenshot("todo-after-reload").await;
    browser.no_console_errors().await;

    // Bob sees none of Alice's threads.
    browser.eval("localStorage.clear(); return true").await;
    browser
        .open(&format!("{}?user=bob", server.playground))
        .await;
    browser.idle().await;
    browser
        .wait_for(
            &format!("{} === 0", count("#threads [data-thread-id]")),
            "an empty thread list",
        )
        .await;
    assert_eq!(
        browser
            .eval(&format!("return {}", count("[data-item-type=widget]")))
            .await,
        json!(0)
    );
    browser.open(&alice).await;
    browser.idle().await;
    browser
        .wait_for(
            &format!("{} === 1", count("#threads [data-thread-id]")),
            "Alice's thread",
        )
        .await;
    browser.screenshot("todo-threads").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weather_client_tool_switches_the_theme_and_the_forecast_streams() {
    let Some(browser) = browser().await else {
        return;
    };
    let server = Server::start(env!("CARGO_BIN_EXE_weather-server"), "weather", &[]);
    browser
        .open(&format!("{}?user=alice", server.playground))
        .await;
    browser.eval("localStorage.removeItem('ck.theme'); document.documentElement.dataset.theme = 'light'; return true").await;

    browser.say("theme dark").await;
    browser
        .wait_for(
            "document.documentElement.dataset.theme === 'dark'",
            "the dark theme",
        )
        .await;
    browser.idle().await;
    browser
        .wait_for(
            &has_text(
                "[data-item-type=assistant_message]",
                "Switched to the dark theme.",
            ),
            "the answer after the client tool",
        )
        .await;
    browser.screenshot("weather-dark").await;

    // The forecast: progress lines and a growing widget while it streams.
    let input = browser
        .client
        .find(Locator::Css("#composer-input"))
        .await
        .expect("composer");
    input.send_keys("forecast Paris").await.expect("typing");
    browser
        .client
        .find(Locator::Css("#send"))
        .await
        .expect("send")
        .click()
        .await
        .expect("click");
    browser
        .wait_for(
            &has_text("body", "Forecasting…"),
            "the forecast's first state",
        )
        .await;
    browser
        .wait_for(&has_text("body", "Forecasting Mon"), "a progress line")
        .await;
    browser.idle().await;
    browser
        .wait_for(
            &has_text("[data-item-type=widget]", "the week ahead"),
            "the forecast card",
        )
        .await;
    for day in ["Mon", "Sun"] {
        browser
            .wait_for(
                &has_text("[data-item-type=widget]", day),
                "every day of the forecast",
            )
            .await;
    }
    browser.screenshot("weather-forecast").await;
    browser.no_console_errors().await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_answers_from_the_specialist() {
    let Some(browser) = browser().await else {
        return;
    };
    let server = Server::start(env!("CARGO_BIN_EXE_triage-server"), "triage", &[]);
    browser
        .open(&format!("{}?user=alice", server.playground))
        .await;
    browser.say("support order 42").await;
    browser
        .wait_for(
            &has_text("[data-item-type=assistant_message]", "42"),
            "the support agent's answer",
        )
        .await;
    browser.screenshot("triage").await;
    browser.no_console_errors().await;
    browser.close().await;
}

/// A Responses API that fails its first request and answers the next.
async fn flaky_model() -> (String, Arc<Mutex<usize>>) {
    let calls = Arc::new(Mutex::new(0usize));
    let seen = Arc::clone(&calls);
    let app = axum::Router::new().route(
        "/v1/responses",
        axum::routing::post(move || {
            let calls = Arc::clone(&seen);
            async move {
                let call = {
                    let mut calls = calls.lock().expect("the counter");
                    *calls += 1;
                    *calls
                };
                if call == 1 {
                    return (
                        axum::http::StatusCode::BAD_REQUEST,
                        [("content-type", "application/json")],
                        json!({"error": {"message": "The model is unavailable", "type": "invalid_request_error"}}).to_string(),
                    )
                        .into_response();
                }
                let events = [
                    json!({"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "Back "}),
                    json!({"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "online."}),
                    json!({"type": "response.completed", "response": {"id": "resp_1", "status": "completed", "usage": {}}}),
                ];
                let body: String = events.iter().map(|event| format!("data: {event}\n\n")).collect();
                ([("content-type", "text/event-stream")], body).into_response()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}/v1", listener.local_addr().expect("its address"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, calls)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_error_is_shown_and_retry_answers() {
    let Some(browser) = browser().await else {
        return;
    };
    let (model_url, calls) = flaky_model().await;
    let server = Server::start(
        env!("CARGO_BIN_EXE_todo-server"),
        "error",
        &[
            ("OPENAI_API_KEY", "sk-test"),
            ("OPENAI_BASE_URL", &model_url),
        ],
    );
    browser
        .open(&format!("{}?user=alice", server.playground))
        .await;
    browser.say("hello").await;
    browser
        .wait_for(
            "document.querySelector('[data-ck-error]') !== null",
            "the error",
        )
        .await;
    browser.screenshot("error").await;
    browser
        .wait_for(
            "document.querySelector('[data-ck-error] [data-action=retry]') !== null",
            "a retry button",
        )
        .await;
    browser
        .client
        .find(Locator::Css("[data-ck-error] [data-action=retry]"))
        .await
        .expect("the retry button")
        .click()
        .await
        .expect("clicking retry");
    browser.idle().await;
    browser
        .wait_for(
            &has_text("[data-item-type=assistant_message]", "Back online."),
            "the retried answer",
        )
        .await;
    assert_eq!(*calls.lock().expect("the counter"), 2);
    browser.screenshot("error-retried").await;
    browser.close().await;
}

/// Every component of the catalogue, as the gallery of `examples/widgets` uses them.
const COMPONENTS: &[&str] = &[
    "Card",
    "ListView",
    "Basic",
    "ListViewItem",
    "Box",
    "Row",
    "Col",
    "Form",
    "Text",
    "Title",
    "Caption",
    "Markdown",
    "Badge",
    "Button",
    "Image",
    "Icon",
    "Divider",
    "Spacer",
    "Select",
    "DatePicker",
    "Checkbox",
    "Input",
    "Textarea",
    "Label",
    "RadioGroup",
    "Transition",
    "Chart",
    "Table",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_gallery_widget_renders_with_its_props() {
    let Some(browser) = browser().await else {
        return;
    };
    let server = Server::start(env!("CARGO_BIN_EXE_todo-server"), "gallery", &[]);
    browser
        .open(&format!("{}?user=alice#/preview", server.playground))
        .await;
    let gallery = example_widgets::gallery();
    browser
        .wait_for(
            &format!("{} === {}", count("[data-gallery-entry]"), gallery.len()),
            "every gallery entry",
        )
        .await;
    for component in COMPONENTS {
        let found = browser
            .eval(&format!(
                "return {} > 0",
                count(&format!("[data-gallery-entry] [data-ck={component}]"))
            ))
            .await;
        assert_eq!(found, json!(true), "no {component} in the gallery");
    }
    assert_eq!(
        browser
            .eval(&format!("return {}", count("[data-ck-unknown]")))
            .await,
        json!(0),
        "a gallery widget has an unknown component or prop"
    );
    // Key props, as a person sees them.
    let checks = [
        (has_text("[data-ck=Badge]", "Admin"), "a Badge's label"),
        (has_text("[data-ck=Button]", "Book"), "a Button's label"),
        (has_text("[data-ck=Title]", "Ada Lovelace"), "a Title's value"),
        ("document.querySelector('[data-ck=Image] img, img[data-ck=Image]') !== null".to_owned(), "an Image"),
        ("document.querySelector('[data-ck=Icon][data-icon=calendar], [data-ck=Button] [data-icon=calendar]') !== null".to_owned(), "a Button's icon"),
        ("document.querySelector('[data-ck=Chart] svg, svg[data-ck=Chart]') !== null".to_owned(), "a Chart drawn as SVG"),
        ("document.querySelector('[data-ck=Markdown] strong') !== null".to_owned(), "Markdown's bold text"),
        (has_text("[data-ck=Table]", "Opens"), "a Table's cells"),
        ("[...document.querySelectorAll('[data-ck=Select] option')].some(o => o.textContent === 'Two')".to_owned(), "a Select's options"),
        ("document.querySelector('[data-ck=Checkbox] input[type=checkbox]:checked') !== null".to_owned(), "a Checkbox's default"),
        (has_text("[data-ck=RadioGroup]", "Terrace"), "a RadioGroup's options"),
    ];
    for (condition, what) in checks {
        let shown = browser.eval(&format!("return Boolean({condition})")).await;
        assert_eq!(shown, json!(true), "{what} is not shown ({condition})");
    }
    browser.screenshot("gallery").await;
    for (name, _) in &gallery {
        let entry = browser
            .client
            .find(Locator::Css(&format!(
                "[data-gallery-entry={}] .gallery-render",
                js(name)
            )))
            .await
            .unwrap_or_else(|_| panic!("the gallery entry {name}"));
        let png = entry.screenshot().await.expect("a screenshot of the entry");
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("playground");
        std::fs::write(dir.join(format!("gallery-{}.png", slug(name))), png).expect("saved");
    }
    browser.no_console_errors().await;

    // Pasted JSON renders too, and an unknown component is a visible placeholder.
    browser
        .eval(&format!(
            "const area = document.querySelector('#preview-input');
             area.value = {};
             area.dispatchEvent(new Event('input', {{bubbles: true}}));
             return true;",
            js(r#"{"type":"Card","children":[{"type":"Text","value":"Pasted"},{"type":"Sparkler","value":1}]}"#)
        ))
        .await;
    browser
        .wait_for(&has_text("#preview-output", "Pasted"), "the pasted widget")
        .await;
    browser
        .wait_for(
            "document.querySelector('#preview-output [data-ck-unknown]') !== null",
            "the placeholder",
        )
        .await;
    browser.screenshot("preview-pasted").await;
    browser.close().await;
}

/// The playground's JavaScript, type-checked with `tsc --strict` against
/// the widget types of `@openai/chatkit` (installed by `oracles/setup.sh`).
#[test]
fn the_playground_type_checks_against_the_frontend_types() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let run = |command: &mut Command, what: &str| {
        let output = command
            .output()
            .unwrap_or_else(|err| panic!("{what}: {err}"));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "{what} failed:\n{text}");
        text
    };
    run(
        Command::new("bash").arg(root.join("oracles/setup.sh")),
        "oracles/setup.sh",
    );
    let checked = run(
        Command::new("node").arg(root.join("oracles/ts/check_playground.mjs")),
        "the playground's type check",
    );
    println!("{checked}");
}
