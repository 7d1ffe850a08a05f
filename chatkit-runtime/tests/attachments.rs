//! Attachment uploads end to end with `LocalAttachmentStore`: two-phase and
//! direct uploads, downloads, limits, path safety and user scoping.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chatkit_runtime::async_trait;
use chatkit_runtime::attachments::LocalAttachmentStore;
use chatkit_runtime::protocol::UserMessageItem;
use chatkit_runtime::server::{
    ChatKit, ChatKitServer, EventSender, ServerError, StreamError, ThreadHandle,
};
use chatkit_runtime::store::MemoryStore;
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

struct Silent;

#[async_trait]
impl ChatKitServer<String> for Silent {
    async fn respond(
        &self,
        _thread: &ThreadHandle,
        _input: Option<&UserMessageItem>,
        _events: &EventSender,
        _ctx: &String,
    ) -> Result<(), StreamError> {
        Ok(())
    }
}

struct Setup {
    router: axum::Router,
    dir: PathBuf,
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn setup() -> Setup {
    let dir = std::env::temp_dir().join(format!(
        "chatkit-attachments-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let chatkit = ChatKit::new(Silent, MemoryStore::new())
        .attachments(LocalAttachmentStore::new(&dir, "/files").max_size(1024));
    let context = |parts: &axum::http::request::Parts| {
        let user = parts
            .headers
            .get("x-user")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        async move { user.ok_or_else(|| ServerError::bad_request("missing x-user")) }
    };
    let router = axum::Router::new()
        .route("/chatkit", chatkit.clone().into_route_with(context))
        .nest("/files", chatkit.into_attachment_routes_with(context));
    Setup { router, dir }
}

async fn call(
    router: &axum::Router,
    method: &str,
    uri: &str,
    user: &str,
    content_type: &str,
    body: impl Into<Body>,
) -> (StatusCode, Vec<u8>) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("x-user", user)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    (
        status,
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
}

async fn chatkit(router: &axum::Router, user: &str, request: Value) -> (StatusCode, Value) {
    let (status, body) = call(
        router,
        "POST",
        "/chatkit",
        user,
        "application/json",
        request.to_string(),
    )
    .await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn two_phase_upload_then_download() {
    let s = setup();
    let (status, attachment) = chatkit(
        &s.router,
        "alice",
        json!({"type": "attachments.create", "params": {"name": "cat.png", "size": 4, "mime_type": "image/png"}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let id = attachment["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("atc_"));
    assert_eq!(
        attachment["upload_descriptor"],
        json!({"url": format!("/files/{id}"), "method": "PUT", "headers": {}})
    );
    assert_eq!(attachment["preview_url"], format!("/files/{id}"));

    // Only the owner can upload.
    let (status, _) = call(
        &s.router,
        "PUT",
        &format!("/files/{id}"),
        "bob",
        "image/png",
        "evil",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &s.router,
        "PUT",
        &format!("/files/{id}"),
        "alice",
        "image/png",
        "\u{89}PNG",
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, bytes) = call(
        &s.router,
        "GET",
        &format!("/files/{id}"),
        "alice",
        "",
        Body::empty(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, "\u{89}PNG".as_bytes());
    let (status, _) = call(
        &s.router,
        "GET",
        &format!("/files/{id}"),
        "bob",
        "",
        Body::empty(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Deleting removes the bytes and the metadata.
    let (status, body) = chatkit(
        &s.router,
        "alice",
        json!({"type": "attachments.delete", "params": {"attachment_id": id}}),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    assert!(!s.dir.join(&id).exists());
    let (status, _) = call(
        &s.router,
        "GET",
        &format!("/files/{id}"),
        "alice",
        "",
        Body::empty(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn direct_upload_with_a_multipart_form() {
    let s = setup();
    let boundary = "XyZ";
    let form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
    );
    let (status, body) = call(
        &s.router,
        "POST",
        "/files",
        "alice",
        &format!("multipart/form-data; boundary={boundary}"),
        form,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let attachment: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(attachment["type"], "file");
    assert_eq!(attachment["name"], "notes.txt");
    assert_eq!(attachment["mime_type"], "text/plain");
    assert!(
        attachment.get("upload_descriptor").is_none(),
        "uploaded already"
    );
    let id = attachment["id"].as_str().unwrap();
    let (_, bytes) = call(
        &s.router,
        "GET",
        &format!("/files/{id}"),
        "alice",
        "",
        Body::empty(),
    )
    .await;
    assert_eq!(bytes, b"hello");

    let (status, _) = call(
        &s.router,
        "POST",
        "/files",
        "alice",
        "multipart/form-data; boundary=XyZ",
        "--XyZ--\r\n",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn limits_and_unsafe_ids_are_refused() {
    let s = setup();
    let (status, body) = chatkit(
        &s.router,
        "alice",
        json!({"type": "attachments.create", "params": {"name": "big.bin", "size": 4096, "mime_type": "application/octet-stream"}}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (_, attachment) = chatkit(
        &s.router,
        "alice",
        json!({"type": "attachments.create", "params": {"name": "a.bin", "size": 10, "mime_type": "application/octet-stream"}}),
    )
    .await;
    let id = attachment["id"].as_str().unwrap().to_owned();
    let (status, _) = call(
        &s.router,
        "PUT",
        &format!("/files/{id}"),
        "alice",
        "application/octet-stream",
        vec![0u8; 2048],
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(!s.dir.join(&id).exists(), "nothing written");

    for uri in ["/files/..%2F..%2Fetc%2Fpasswd", "/files/..", "/files/a%00b"] {
        let (status, _) = call(&s.router, "PUT", uri, "alice", "text/plain", "x").await;
        assert!(status.is_client_error(), "{uri}: {status}");
    }
    // Nothing escaped the folder.
    let parent = s.dir.parent().unwrap();
    assert!(!parent.join("etc").exists());
}
