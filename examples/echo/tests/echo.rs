//! The echo server over real HTTP on loopback, with a SQLite file.

use std::io::BufRead as _;
use std::time::Duration;

use chatkit_runtime::http::{Anonymous, HttpConfig};
use serde_json::{Value, json};

#[tokio::test]
async fn echoes_over_http_and_keeps_threads_in_sqlite() {
    let dir = example_support::temp_dir("echo");
    let database = format!("sqlite://{}", dir.join("chatkit.db").display());
    let app = example_echo::app(
        &database,
        dir.join("uploads").to_str().unwrap(),
        Anonymous::new(),
        HttpConfig::default(),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app.router()).await });
    let url = format!("http://{addr}/chatkit");
    let client = chatkit_runtime::outbound::client().expect("the outbound client");

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

fn binary(dir: &std::path::Path) -> std::process::Command {
    example_support::binary(env!("CARGO_BIN_EXE_example-echo"), dir)
}

#[test]
fn an_unreachable_database_is_a_clear_error_and_a_failed_exit() {
    let output = binary(&std::env::temp_dir())
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/test")
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

/// The echo binary, started with `env` on a free port; its stderr goes to a file.
struct Running {
    child: std::process::Child,
    base: String,
    stderr: std::path::PathBuf,
    dir: std::path::PathBuf,
}

impl Running {
    fn start(name: &str, env: &[(&str, &str)]) -> Self {
        let dir = example_support::temp_dir(&format!("echo-{name}"));
        let stderr = dir.join("stderr.log");
        let mut command = binary(&dir);
        command
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.join("chatkit.db").display()),
            )
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap());
        command.envs(env.iter().copied());
        let mut child = command.spawn().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| {
                panic!(
                    "no address in {line:?}: {}",
                    std::fs::read_to_string(&stderr).unwrap()
                )
            });
        let base = url
            .trim_end_matches(',')
            .trim_end_matches("/chatkit")
            .to_owned();
        Self {
            child,
            base,
            stderr,
            dir,
        }
    }

    /// Sends SIGTERM and waits for a clean exit; returns stderr.
    fn terminate(mut self) -> String {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let exit = loop {
            if let Some(exit) = self.child.try_wait().unwrap() {
                break exit;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no exit after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let stderr = std::fs::read_to_string(&self.stderr).unwrap();
        assert!(exit.success(), "{exit:?}: {stderr}");
        stderr
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An HS256 token, as an identity provider would sign it.
fn hs256_token(secret: &str, claims: &Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_from_the_environment_with_jwt_json_logs_and_sigterm() {
    const SECRET: &str = "echo test secret, at least 32 bytes long";
    let server = tokio::task::spawn_blocking(|| {
        Running::start(
            "jwt",
            &[
                ("JWT_SECRET", SECRET),
                ("JWT_AUDIENCE", "echo"),
                ("CORS_ORIGINS", "https://app.example.com"),
                ("LOG_FORMAT", "json"),
                ("RUST_LOG", "info"),
            ],
        )
    })
    .await
    .unwrap();
    let client = chatkit_runtime::outbound::client().expect("the outbound client");
    let create = json!({"type": "threads.create", "params": {"input": {
        "content": [{"type": "input_text", "text": "hello"}], "attachments": [], "inference_options": {}}}});
    let url = format!("{}/chatkit", server.base);

    let refused = client
        .post(&url)
        .body(create.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 600;
    let token = hs256_token(SECRET, &json!({"sub": "alice", "aud": "echo", "exp": exp}));
    let response = client
        .post(&url)
        .bearer_auth(&token)
        .body(create.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(text.contains("You said: "), "{text}");
    let other_audience = hs256_token(
        SECRET,
        &json!({"sub": "alice", "aud": "billing", "exp": exp}),
    );
    let refused = client
        .post(&url)
        .bearer_auth(&other_audience)
        .body(create.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let preflight = client
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    let health = client
        .get(format!("{}/health", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let ready = client
        .get(format!("{}/ready", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let metrics = client
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("chatkit_requests_total{type=\"threads.create\",status=\"200\"} 1"));

    let stderr = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    // Structured logs: every line is JSON; requests carry their type and
    // user; neither the token nor the secret is ever written.
    let lines: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    assert!(
        lines
            .iter()
            .any(|line| line["span"]["request_type"] == "threads.create"
                && line["span"]["user_id"] == "alice"
                && line["fields"]["message"] == "stream finished"),
        "{stderr}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line["fields"]["message"] == "SIGTERM received"),
        "{stderr}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line["fields"]["message"] == "shut down"),
        "{stderr}"
    );
    let signature = token.rsplit('.').next().unwrap();
    assert!(
        !stderr.contains(signature) && !stderr.contains(SECRET),
        "{stderr}"
    );
    assert!(!stderr.contains("AUTHENTICATION IS OFF"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_authentication_it_runs_as_one_anonymous_user_and_says_so() {
    let server = tokio::task::spawn_blocking(|| Running::start("anonymous", &[]))
        .await
        .unwrap();
    let response = chatkit_runtime::outbound::client()
        .expect("the outbound client")
        .post(format!("{}/chatkit", server.base))
        .body(r#"{"type":"threads.list","params":{}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let stderr = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(
        stderr.contains("WARN") && stderr.contains("AUTHENTICATION IS OFF"),
        "{stderr}"
    );
}

#[test]
fn invalid_configuration_is_a_clear_error_and_a_failed_exit() {
    for (var, value, expected) in [
        (
            "CHATKIT_KEEP_ALIVE",
            "soon",
            "CHATKIT_KEEP_ALIVE: `soon` is invalid",
        ),
        (
            "JWT_SECRET",
            "short",
            "JWT_SECRET: must be at least 32 bytes",
        ),
        (
            "CORS_ORIGINS",
            "app.example.com",
            "CORS_ORIGINS: `app.example.com` is invalid",
        ),
        ("LOG_FORMAT", "xml", "LOG_FORMAT: `xml` is invalid"),
    ] {
        let output = binary(&std::env::temp_dir())
            .env(var, value)
            .env("DATABASE_URL", "sqlite::memory:")
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with(&format!("error: invalid configuration: {expected}")),
            "{stderr}"
        );
        if var == "JWT_SECRET" {
            assert!(!stderr.contains("short"), "{stderr}");
        }
    }
}
