//! The production HTTP layer over real HTTP on loopback: authentication,
//! CORS, limits, keep-alive, health, metrics and graceful shutdown.

#[path = "support/http_server.rs"]
mod http_server;

use std::time::Duration;

use base64::Engine as _;
use chatkit_runtime::http::{
    Anonymous, CorsConfig, DevHeaderAuth, HttpConfig, JwtConfig, KEEP_ALIVE_COMMENT, RateLimit,
};
use chatkit_runtime::protocol::ThreadItem;
use chatkit_runtime::server::CANCELLED_MARKER;
use http_server::*;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

fn jwt() -> JwtConfig {
    JwtConfig::hs256(SECRET).issuer(ISSUER).audience(AUDIENCE)
}

/// No limits in the way, unless a test sets them.
fn relaxed() -> HttpConfig {
    HttpConfig::default()
        .stream_rate(None)
        .max_streams_per_user(None)
}

const LIST: &str = r#"{"type": "threads.list", "params": {}}"#;

fn list() -> Value {
    serde_json::from_str(LIST).unwrap()
}

fn b64(json: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string())
}

#[tokio::test]
async fn a_valid_token_is_the_user_of_its_sub() {
    let server = TestServer::start(jwt().build().unwrap(), relaxed()).await;
    let alice = token("alice");
    let (thread_id, reply) = server.create_thread(&alice, "hello").await;
    assert_eq!(reply.events[3]["item"]["content"][0]["text"], "Hi alice");
    // Stored under alice's scope.
    assert_eq!(server.stored_items("alice", &thread_id).await.len(), 2);
    let listed = server.send(Some(&alice), &list()).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json["data"][0]["id"], thread_id.as_str());
    // The scheme is case-insensitive.
    let response = server
        .client
        .post(server.url("/chatkit"))
        .header("authorization", format!("bearer {alice}"))
        .body(LIST)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn bad_tokens_all_get_the_same_401() {
    let server = TestServer::start(jwt().build().unwrap(), relaxed()).await;
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    let with = |change: &dyn Fn(&mut Value)| {
        let mut claims = claims("alice");
        change(&mut claims);
        sign(Algorithm::HS256, &key, None, &claims)
    };
    let valid = token("alice");
    let (head, rest) = valid.split_once('.').unwrap();
    let (payload, _signature) = rest.split_once('.').unwrap();
    let unsigned = format!("{}.{payload}.", b64(&json!({"alg": "none", "typ": "JWT"})));
    let unsigned_upper = format!("{}.{payload}.", b64(&json!({"alg": "NONE"})));
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing header", None),
        ("empty", Some(String::new())),
        ("garbage", Some("not-a-jwt".to_owned())),
        (
            "expired",
            Some(with(&|c| {
                c["exp"] = json!(now() - 3600);
            })),
        ),
        (
            "not yet valid",
            Some(with(&|c| {
                c["nbf"] = json!(now() + 3600);
            })),
        ),
        (
            "no exp",
            Some(with(&|c| {
                c.as_object_mut().unwrap().remove("exp");
            })),
        ),
        (
            "wrong signature",
            Some(sign(
                Algorithm::HS256,
                &EncodingKey::from_secret(b"another secret that is 32 bytes long!!"),
                None,
                &claims("alice"),
            )),
        ),
        (
            "tampered payload",
            Some(format!(
                "{head}.{}.{}",
                b64(&claims("mallory")),
                valid.rsplit('.').next().unwrap()
            )),
        ),
        (
            "wrong audience",
            Some(with(&|c| {
                c["aud"] = json!("another-service");
            })),
        ),
        (
            "no audience",
            Some(with(&|c| {
                c.as_object_mut().unwrap().remove("aud");
            })),
        ),
        (
            "wrong issuer",
            Some(with(&|c| {
                c["iss"] = json!("https://evil.example/");
            })),
        ),
        (
            "no sub",
            Some(with(&|c| {
                c.as_object_mut().unwrap().remove("sub");
            })),
        ),
        (
            "empty sub",
            Some(with(&|c| {
                c["sub"] = json!("");
            })),
        ),
        (
            "numeric sub",
            Some(with(&|c| {
                c["sub"] = json!(42);
            })),
        ),
        ("alg none", Some(unsigned)),
        ("alg NONE", Some(unsigned_upper)),
        (
            "HS512 when only HS256 is allowed",
            Some(sign(Algorithm::HS512, &key, None, &claims("alice"))),
        ),
    ];
    let mut bodies = Vec::new();
    for (case, token) in &cases {
        let mut request = server.client.post(server.url("/chatkit")).body(LIST);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let reply = read(request.send().await.unwrap()).await;
        assert_eq!(reply.status, 401, "{case}: {reply:?}");
        assert_eq!(reply.headers["www-authenticate"], "Bearer", "{case}");
        assert_eq!(reply.headers["content-type"], "application/json", "{case}");
        bodies.push(reply.text);
    }
    // Basic auth is not a bearer token.
    let reply = read(
        server
            .client
            .post(server.url("/chatkit"))
            .basic_auth("alice", Some("password"))
            .body(LIST)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 401);
    bodies.push(reply.text);
    // Nothing tells an attacker which check failed.
    bodies.dedup();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let body: Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(
        body,
        json!({"error": {"code": "unauthorized", "message": "Authentication is required."}})
    );
    assert_eq!(
        server.metrics.requests("unknown", 401),
        cases.len() as u64 + 1
    );
    // Nothing was created for anyone.
    let listed = server.send(Some(&valid), &list()).await;
    assert_eq!(listed.json["data"], json!([]));
}

#[tokio::test]
async fn rs256_with_a_public_key_refuses_algorithm_confusion() {
    let public_pem = std::fs::read(fixture("rsa_public.pem")).unwrap();
    let auth = JwtConfig::public_key_file(fixture("rsa_public.pem"))
        .unwrap()
        .audience(AUDIENCE)
        .build()
        .unwrap();
    let server = TestServer::start(auth, relaxed()).await;
    let private =
        EncodingKey::from_rsa_pem(&std::fs::read(fixture("rsa_private.pem")).unwrap()).unwrap();
    let valid = sign(Algorithm::RS256, &private, None, &claims("alice"));
    assert_eq!(server.send(Some(&valid), &list()).await.status, 200);

    let other =
        EncodingKey::from_rsa_pem(&std::fs::read(fixture("rsa_other_private.pem")).unwrap())
            .unwrap();
    let wrong_key = sign(Algorithm::RS256, &other, None, &claims("alice"));
    // The classic confusion: HS256 "signed" with the public key's bytes.
    let confused = sign(
        Algorithm::HS256,
        &EncodingKey::from_secret(&public_pem),
        None,
        &claims("alice"),
    );
    let (_, rest) = valid.split_once('.').unwrap();
    let (payload, _) = rest.split_once('.').unwrap();
    let none = format!("{}.{payload}.", b64(&json!({"alg": "none"})));
    // An RS256 signature relabelled as PS256 (same family, not allowed).
    let relabelled = format!("{}.{rest}", b64(&json!({"alg": "PS256", "typ": "JWT"})));
    let expired = sign(
        Algorithm::RS256,
        &private,
        None,
        &json!({"sub": "alice", "aud": AUDIENCE, "exp": now() - 600}),
    );
    for (case, token) in [
        ("wrong key", wrong_key),
        ("HS256 with the public key", confused),
        ("alg none", none),
        ("relabelled alg", relabelled),
        ("expired", expired),
    ] {
        let reply = server.send(Some(&token), &list()).await;
        assert_eq!(reply.status, 401, "{case}");
    }
}

#[tokio::test]
async fn es256_and_jwks_keys_are_chosen_by_kid() {
    // A key set as an identity provider publishes it, built from the test keys.
    let rsa_private = std::fs::read(fixture("rsa_private.pem")).unwrap();
    let ec_private = std::fs::read(fixture("ec_private.pem")).unwrap();
    let rsa = EncodingKey::from_rsa_pem(&rsa_private).unwrap();
    let ec = EncodingKey::from_ec_pem(&ec_private).unwrap();
    let mut rsa_jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&rsa, Algorithm::RS256).unwrap();
    rsa_jwk.common.key_id = Some("rsa-1".into());
    let mut ec_jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&ec, Algorithm::ES256).unwrap();
    ec_jwk.common.key_id = Some("ec-1".into());
    let set = json!({"keys": [rsa_jwk, ec_jwk]});
    // No private parts in what the server reads.
    assert!(set["keys"][0].get("d").is_none() && set["keys"][1].get("d").is_none());
    let file = std::env::temp_dir().join(format!("chatkit-jwks-{}.json", std::process::id()));
    std::fs::write(&file, set.to_string()).unwrap();
    let auth = JwtConfig::jwks_file(&file)
        .unwrap()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .build()
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    let server = TestServer::start(auth, relaxed()).await;

    let by_rsa = sign(Algorithm::RS256, &rsa, Some("rsa-1"), &claims("alice"));
    let by_ec = sign(Algorithm::ES256, &ec, Some("ec-1"), &claims("bob"));
    assert_eq!(server.send(Some(&by_rsa), &list()).await.status, 200);
    assert_eq!(server.send(Some(&by_ec), &list()).await.status, 200);

    let unknown_kid = sign(Algorithm::RS256, &rsa, Some("rsa-2"), &claims("alice"));
    let mismatched = sign(Algorithm::RS256, &rsa, Some("ec-1"), &claims("alice"));
    let jwk_public = serde_json::to_vec(&set).unwrap();
    let confused = sign(
        Algorithm::HS256,
        &EncodingKey::from_secret(&jwk_public),
        Some("rsa-1"),
        &claims("alice"),
    );
    for (case, token) in [
        ("unknown kid", unknown_kid),
        ("kid of another key type", mismatched),
        ("HS256 with public material", confused),
    ] {
        assert_eq!(
            server.send(Some(&token), &list()).await.status,
            401,
            "{case}"
        );
    }

    // A single ES256 PEM key works the same way.
    let auth = JwtConfig::public_key_file(fixture("ec_public.pem"))
        .unwrap()
        .build()
        .unwrap();
    let server = TestServer::start(auth, relaxed()).await;
    let token = sign(Algorithm::ES256, &ec, None, &claims("carol"));
    assert_eq!(server.send(Some(&token), &list()).await.status, 200);
    let rs = sign(Algorithm::RS256, &rsa, None, &claims("carol"));
    assert_eq!(server.send(Some(&rs), &list()).await.status, 401);
}

#[tokio::test]
async fn development_modes_are_explicit() {
    let server = TestServer::start(DevHeaderAuth::new("x-user-id").unwrap(), relaxed()).await;
    let reply = read(
        server
            .client
            .post(server.url("/chatkit"))
            .header("x-user-id", "dev-user")
            .body(json!({"type": "threads.create", "params": {"input": input("hi")}}).to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.events[3]["item"]["content"][0]["text"], "Hi dev-user");
    let reply = server.send(None, &list()).await;
    assert_eq!(reply.status, 401);
    // A bearer token means nothing in this mode.
    assert_eq!(
        server.send(Some(&token("alice")), &list()).await.status,
        401
    );

    let server = TestServer::start(Anonymous::new(), relaxed()).await;
    let (_, reply) = server.create_thread("ignored", "hi").await;
    assert_eq!(
        reply.events[3]["item"]["content"][0]["text"],
        "Hi anonymous"
    );
}

#[tokio::test]
async fn cors_preflight_answers_allowed_origins_only() {
    let cors = CorsConfig::origins(["https://app.example.com", "http://localhost:3000"]).unwrap();
    let server = TestServer::start(jwt().build().unwrap(), relaxed().cors(cors)).await;
    let preflight = |origin: &'static str| {
        server
            .client
            .request(reqwest::Method::OPTIONS, server.url("/chatkit"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
    };
    let allowed = preflight("https://app.example.com").await.unwrap();
    assert!(allowed.status().is_success(), "{allowed:?}");
    let headers = allowed.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://app.example.com"
    );
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    assert!(methods.contains("POST"), "{methods}");
    let allowed_headers = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed_headers.contains("authorization") && allowed_headers.contains("content-type"),
        "{allowed_headers}"
    );
    assert!(headers.get("access-control-allow-credentials").is_none());

    let denied = preflight("https://evil.example.com").await.unwrap();
    assert!(
        denied
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "{denied:?}"
    );
    // A near miss is a miss.
    let denied = preflight("https://app.example.com.evil.example")
        .await
        .unwrap();
    assert!(
        denied
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    // Actual requests: the allowed origin can read answers, 401s included.
    let response = server
        .client
        .post(server.url("/chatkit"))
        .header("origin", "http://localhost:3000")
        .bearer_auth(token("alice"))
        .body(LIST)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://localhost:3000"
    );
    let response = server
        .client
        .post(server.url("/chatkit"))
        .header("origin", "http://localhost:3000")
        .body(LIST)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://localhost:3000"
    );
    let response = server
        .client
        .post(server.url("/chatkit"))
        .header("origin", "https://evil.example.com")
        .bearer_auth(token("alice"))
        .body(LIST)
        .send()
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    // Credentials are allowed only when configured, and then never with `*`.
    let cors = CorsConfig::origins(["https://app.example.com"])
        .unwrap()
        .allow_credentials(true)
        .unwrap();
    let server = TestServer::start(jwt().build().unwrap(), relaxed().cors(cors)).await;
    let response = server
        .client
        .request(reqwest::Method::OPTIONS, server.url("/chatkit"))
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["access-control-allow-credentials"],
        "true"
    );
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    assert!(CorsConfig::any_origin().allow_credentials(true).is_err());
    let server = TestServer::start(
        jwt().build().unwrap(),
        relaxed().cors(CorsConfig::any_origin()),
    )
    .await;
    let response = server
        .client
        .request(reqwest::Method::OPTIONS, server.url("/chatkit"))
        .header("origin", "https://anywhere.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert!(
        response
            .headers()
            .get("access-control-allow-credentials")
            .is_none()
    );
}

/// Sends `body` with chunked transfer encoding (no `Content-Length`), over a
/// raw connection; returns the status line and the response text.
async fn chunked_request(
    base: &str,
    method: &str,
    path: &str,
    headers: &str,
    body: &[u8],
) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let addr = base.strip_prefix("http://").unwrap();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n{headers}\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.chunks(64 * 1024) {
        let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
        frame.extend_from_slice(chunk);
        frame.extend_from_slice(b"\r\n");
        // The server may answer and close before reading everything.
        if stream.write_all(&frame).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn oversized_json_and_upload_bodies_get_413() {
    let config = relaxed()
        .max_json_bytes(16 * 1024)
        .max_upload_bytes(64 * 1024);
    let server = TestServer::start(jwt().build().unwrap(), config).await;
    let alice = token("alice");

    // JSON: a little under the limit is fine, over it is 413.
    let text = "x".repeat(12 * 1024);
    let (_, reply) = server.create_thread(&alice, &text).await;
    assert_eq!(reply.status, 200);
    let big = json!({"type": "threads.create", "params": {"input": input(&"x".repeat(20 * 1024))}});
    let reply = server.send(Some(&alice), &big).await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.json["error"]["code"], "payload_too_large");
    // Without a Content-Length, the body is cut at the limit all the same.
    let response = chunked_request(
        &server.base,
        "POST",
        "/chatkit",
        &format!("authorization: Bearer {alice}\r\ncontent-type: application/json\r\n"),
        big.to_string().as_bytes(),
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    // Nothing was stored for the refused requests.
    assert_eq!(
        server.send(Some(&alice), &list()).await.json["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Uploads have their own, larger limit.
    let create = json!({"type": "attachments.create", "params": {"name": "a.bin", "size": 100000, "mime_type": "application/octet-stream"}});
    let attachment = server.send(Some(&alice), &create).await.json;
    let upload_url = server.url(attachment["upload_descriptor"]["url"].as_str().unwrap());
    let put = |bytes: Vec<u8>| {
        server
            .client
            .put(&upload_url)
            .bearer_auth(&alice)
            .body(bytes)
            .send()
    };
    // Over the JSON limit but under the upload limit: accepted.
    assert_eq!(put(vec![1; 32 * 1024]).await.unwrap().status(), 204);
    let reply = read(put(vec![1; 100 * 1024]).await.unwrap()).await;
    assert_eq!(reply.status, 413, "{reply:?}");
    assert_eq!(reply.json["error"]["code"], "payload_too_large");
    // A chunked multipart upload that grows past the limit.
    let mut form = b"--XyZ\r\ncontent-disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\ncontent-type: application/octet-stream\r\n\r\n".to_vec();
    form.extend(vec![7u8; 100 * 1024]);
    form.extend_from_slice(b"\r\n--XyZ--\r\n");
    let response = chunked_request(
        &server.base,
        "POST",
        "/chatkit/attachments",
        &format!(
            "authorization: Bearer {alice}\r\ncontent-type: multipart/form-data; boundary=XyZ\r\n"
        ),
        &form,
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    // The upload that fit is still there.
    let download = server
        .client
        .get(&upload_url)
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().len(), 32 * 1024);
    assert!(
        server
            .metrics
            .render()
            .contains("reason=\"payload_too_large\"} 4")
    );
}

#[tokio::test]
async fn streaming_requests_are_rate_limited_per_user_with_retry_after() {
    let config = relaxed().stream_rate(Some(RateLimit::per_minute(2)));
    let server = TestServer::start(jwt().build().unwrap(), config).await;
    let alice = token("alice");
    let (thread_id, _) = server.create_thread(&alice, "one").await;
    let add = json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": input("two")}});
    assert_eq!(server.send(Some(&alice), &add).await.status, 200);
    let reply = server.send(Some(&alice), &add).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.json["error"]["code"], "rate_limited");
    let retry_after: u64 = reply.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    // The refused message was not stored.
    assert_eq!(server.stored_items("alice", &thread_id).await.len(), 4);
    // Reading is not limited, and other users have their own budget.
    assert_eq!(server.send(Some(&alice), &list()).await.status, 200);
    server.create_thread(&token("bob"), "hi").await;
    assert!(
        server
            .metrics
            .render()
            .contains("chatkit_requests_total{type=\"threads.add_user_message\",status=\"429\"} 1")
    );
}

#[tokio::test]
async fn concurrent_streams_are_capped_per_user() {
    let config = relaxed().max_streams_per_user(Some(1));
    let server = TestServer::start(jwt().build().unwrap(), config).await;
    let alice = token("alice");
    let hang = json!({"type": "threads.create", "params": {"input": input("hang")}});
    let open = server.post(Some(&alice), &hang).await;
    assert_eq!(open.status(), 200);
    tokio::time::timeout(Duration::from_secs(5), server.bot.hanging.notified())
        .await
        .unwrap();
    let second = json!({"type": "threads.create", "params": {"input": input("hi")}});
    let reply = server.send(Some(&alice), &second).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.json["error"]["code"], "too_many_streams");
    assert!(reply.headers.contains_key("retry-after"));
    // Only the stream that ran created a thread.
    assert_eq!(
        server.send(Some(&alice), &list()).await.json["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Bob is not affected; JSON requests never are.
    server.create_thread(&token("bob"), "hi").await;
    // Closing the stream frees the slot.
    drop(open);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let reply = server.send(Some(&alice), &second).await;
        if reply.status == 200 {
            break;
        }
        assert_eq!(reply.status, 429);
        assert!(
            tokio::time::Instant::now() < deadline,
            "the slot was not freed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn slow_streams_get_keep_alive_comments_and_still_parse() {
    let config = relaxed().keep_alive(Some(Duration::from_millis(40)));
    let server = TestServer::start(jwt().build().unwrap(), config).await;
    let (_, reply) = server.create_thread(&token("alice"), "slow").await;
    assert!(reply.comments >= 3, "{} comments", reply.comments);
    assert!(
        reply
            .text
            .contains(std::str::from_utf8(KEEP_ALIVE_COMMENT).unwrap())
    );
    assert_eq!(
        reply.types(),
        [
            "thread.created",
            "thread.item.done",
            "stream_options",
            "thread.item.added",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.done",
        ]
    );
    assert_eq!(
        reply.events[7]["item"]["content"][0]["text"],
        "one two three"
    );
    // Fast streams get none.
    let (_, reply) = server.create_thread(&token("alice"), "hi").await;
    assert_eq!(reply.comments, 0);
}

async fn wait_for_items(
    server: &TestServer,
    user: &str,
    thread_id: &str,
    count: usize,
) -> Vec<ThreadItem> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let stored = server.stored_items(user, thread_id).await;
        if stored.len() >= count {
            return stored;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not stored in time: {stored:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn assert_partial_and_marker(stored: &[ThreadItem]) {
    assert_eq!(stored.len(), 3, "{stored:?}");
    let ThreadItem::AssistantMessage(partial) = &stored[1] else {
        panic!("{stored:?}")
    };
    assert_eq!(partial.text(), "Hello, World!");
    let ThreadItem::SdkHiddenContext(marker) = &stored[2] else {
        panic!("{stored:?}")
    };
    assert_eq!(marker.content, CANCELLED_MARKER);
}

#[tokio::test]
async fn an_idle_stream_times_out_and_keeps_its_partial_answer() {
    let config = relaxed()
        .idle_timeout(Some(Duration::from_millis(300)))
        .keep_alive(Some(Duration::from_millis(100)));
    let server = TestServer::start(jwt().build().unwrap(), config).await;
    let started = std::time::Instant::now();
    let (thread_id, reply) = server.create_thread(&token("alice"), "hang").await;
    assert!(started.elapsed() < Duration::from_secs(5));
    // Keep-alive comments do not keep a silent response alive.
    assert!(reply.comments >= 1);
    let last = reply.events.last().unwrap();
    assert_eq!(
        last,
        &json!({"type": "error", "code": "stream.error", "allow_retry": true})
    );
    let stored = wait_for_items(&server, "alice", &thread_id, 3).await;
    assert_partial_and_marker(&stored);
    assert!(
        server
            .metrics
            .render()
            .contains("chatkit_stream_duration_seconds_count{outcome=\"idle_timeout\"} 1")
    );
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let server = TestServer::start(jwt().build().unwrap(), relaxed()).await;
    let get = |path: &str| server.client.get(server.url(path)).send();
    let health = get("/health").await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(
        health.json::<Value>().await.unwrap(),
        json!({"status": "ok"})
    );
    let ready = get("/ready").await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.json::<Value>().await.unwrap(),
        json!({"status": "ready", "checks": {"store": "ok"}})
    );

    // Some traffic for the counters.
    let alice = token("alice");
    server.create_thread(&alice, "hi").await;
    server.send(Some(&alice), &list()).await;
    server.send(None, &list()).await;
    server
        .send(
            Some(&alice),
            &json!({"type": "threads.get_by_id", "params": {"thread_id": "thr_missing"}}),
        )
        .await;
    server
        .send(
            Some(&alice),
            &json!({"type": "threads.explode", "params": {}}),
        )
        .await;

    // The store goes down: not ready, and requests say so with 503.
    server
        .store
        .down
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let ready = get("/ready").await.unwrap();
    assert_eq!(ready.status(), 503);
    assert_eq!(
        ready.json::<Value>().await.unwrap(),
        json!({"status": "unavailable", "checks": {"store": "unavailable"}})
    );
    assert_eq!(get("/health").await.unwrap().status(), 200);
    assert_eq!(server.send(Some(&alice), &list()).await.status, 503);
    server
        .store
        .down
        .store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(get("/ready").await.unwrap().status(), 200);

    let metrics = get("/metrics").await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert_eq!(
        metrics.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = metrics.text().await.unwrap();
    for expected in [
        "chatkit_requests_total{type=\"threads.create\",status=\"200\"} 1\n",
        "chatkit_requests_total{type=\"threads.list\",status=\"200\"} 1\n",
        "chatkit_requests_total{type=\"threads.list\",status=\"503\"} 1\n",
        "chatkit_requests_total{type=\"threads.get_by_id\",status=\"404\"} 1\n",
        "chatkit_requests_total{type=\"invalid\",status=\"400\"} 1\n",
        "chatkit_requests_total{type=\"unknown\",status=\"401\"} 1\n",
        "chatkit_requests_rejected_total{reason=\"unauthorized\"} 1\n",
        "chatkit_active_streams 0\n",
        "chatkit_stream_duration_seconds_count{outcome=\"completed\"} 1\n",
        "# TYPE chatkit_stream_duration_seconds histogram\n",
        "# TYPE chatkit_tool_calls_total counter\n",
        "# TYPE chatkit_model_latency_seconds histogram\n",
    ] {
        assert!(text.contains(expected), "{expected} not in\n{text}");
    }
    // The agent runtime's counters appear once it counts.
    server
        .metrics
        .record_tool_call("add_task", Duration::from_millis(30), true);
    server
        .metrics
        .record_model_call("test-model", Duration::from_millis(1200), true);
    let text = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(text.contains("chatkit_tool_calls_total{tool=\"add_task\",outcome=\"ok\"} 1\n"));
    assert!(
        text.contains("chatkit_model_latency_seconds_bucket{model=\"test-model\",le=\"2.5\"} 1\n")
    );

    // The endpoint can be turned off.
    let server = TestServer::start(jwt().build().unwrap(), relaxed().metrics(false)).await;
    let response = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn graceful_shutdown_cancels_open_streams_and_stores_their_partial_answers() {
    let config = relaxed()
        .shutdown_grace(Duration::from_millis(1000))
        .keep_alive(None);
    let mut server = TestServer::start(jwt().build().unwrap(), config).await;
    let alice = token("alice");
    let hang = json!({"type": "threads.create", "params": {"input": input("hang")}});
    let mut open = server.post(Some(&alice), &hang).await;
    assert_eq!(open.status(), 200);
    tokio::time::timeout(Duration::from_secs(5), server.bot.hanging.notified())
        .await
        .unwrap();
    // Another stream that finishes within the grace period.
    let finishing = {
        let request = server
            .client
            .post(server.url("/chatkit"))
            .bearer_auth(token("bob"))
            .body(
                json!({"type": "threads.create", "params": {"input": input("wait:100")}})
                    .to_string(),
            );
        tokio::spawn(async move { read(request.send().await.unwrap()).await })
    };
    while server.chatkit.running_responses() < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let started = std::time::Instant::now();
    let reading = tokio::spawn(async move {
        let mut text = String::new();
        while let Some(chunk) = open.chunk().await.unwrap() {
            text.push_str(std::str::from_utf8(&chunk).unwrap());
        }
        text
    });
    server.shutdown(Duration::from_secs(10)).await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");

    // The open stream ended with a retryable error, after its partial text.
    let text = tokio::time::timeout(Duration::from_secs(5), reading)
        .await
        .unwrap()
        .unwrap();
    let (events, _) = parse_sse(&text);
    let thread_id = events[0]["thread"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        events.last().unwrap(),
        &json!({"type": "error", "code": "stream.error", "allow_retry": true})
    );
    // Stored before the server exited: no waiting needed.
    assert_partial_and_marker(&server.stored_items("alice", &thread_id).await);

    // The stream that could finish did.
    let finished = finishing.await.unwrap();
    assert_eq!(finished.status, 200);
    assert_eq!(
        finished.events.last().unwrap()["item"]["content"][0]["text"],
        "Hi bob"
    );
    // The port is closed.
    assert!(
        server
            .client
            .get(server.url("/health"))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_draining_chatkit_refuses_new_streams_then_cancels_running_ones() {
    use chatkit_runtime::http::User;
    use chatkit_runtime::server::{ChatKit, ProcessResult};
    use futures::StreamExt as _;

    let bot = Bot::default();
    let chatkit = ChatKit::new(bot.clone(), chatkit_runtime::store::MemoryStore::new());
    let alice = || User::new("alice");
    let body = |text: &str| {
        json!({"type": "threads.create", "params": {"input": input(text)}}).to_string()
    };
    let Ok(ProcessResult::Stream(mut events)) =
        chatkit.process(body("hang").as_bytes(), alice()).await
    else {
        panic!("not a stream")
    };
    bot.hanging.notified().await;
    assert_eq!(chatkit.running_responses(), 1);
    let draining = tokio::spawn({
        let chatkit = chatkit.clone();
        async move { chatkit.shutdown(Duration::from_millis(200)).await }
    });
    while !chatkit.is_shutting_down() {
        tokio::task::yield_now().await;
    }
    // No new response starts, and nothing is written for it.
    let error = chatkit
        .process(body("hi").as_bytes(), alice())
        .await
        .unwrap_err();
    assert_eq!(error.status(), 503);
    let Ok(ProcessResult::Json(page)) = chatkit.process(LIST.as_bytes(), alice()).await else {
        panic!("JSON requests are still answered")
    };
    let page: Value = serde_json::from_slice(&page).unwrap();
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    // After the grace period the running response is cancelled and stored.
    tokio::time::timeout(Duration::from_secs(5), draining)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(chatkit.running_responses(), 0);
    let mut text = String::new();
    while let Some(Ok(frame)) = events.next().await {
        text.push_str(std::str::from_utf8(&frame).unwrap());
    }
    let (events, _) = parse_sse(&text);
    assert_eq!(events.last().unwrap()["type"], "error");
    let thread_id = events[0]["thread"]["id"].as_str().unwrap();
    let items = chatkit_runtime::store::Store::load_thread_items(
        chatkit.store().as_ref(),
        thread_id,
        None,
        10,
        chatkit_runtime::protocol::Order::Asc,
        &alice(),
    )
    .await
    .unwrap();
    assert_partial_and_marker(&items.data);
}

/// Everything Alice owns, and every way Bob might reach it: the 16 request
/// types and the attachment routes, each authenticated by a real JWT.
#[tokio::test]
async fn an_authenticated_user_cannot_reach_another_users_data() {
    let server = TestServer::start(jwt().build().unwrap(), relaxed()).await;
    let alice = token("alice");
    let bob = token("bob");

    // Alice: a thread with a message and an answer, and an uploaded attachment.
    let (thread_id, reply) = server.create_thread(&alice, "private").await;
    let message_id = reply.events[1]["item"]["id"].as_str().unwrap().to_owned();
    let answer_id = reply.events[3]["item"]["id"].as_str().unwrap().to_owned();
    let attachment = server
        .send(
            Some(&alice),
            &json!({"type": "attachments.create", "params": {"name": "notes.txt", "size": 5, "mime_type": "text/plain"}}),
        )
        .await
        .json;
    let attachment_id = attachment["id"].as_str().unwrap().to_owned();
    let upload_url = server.url(attachment["upload_descriptor"]["url"].as_str().unwrap());
    let uploaded = server
        .client
        .put(&upload_url)
        .bearer_auth(&alice)
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 204);

    // Bob, through every request type that names something of Alice's.
    let requests = [
        json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        json!({"type": "threads.update", "params": {"thread_id": thread_id, "title": "pwned"}}),
        json!({"type": "threads.delete", "params": {"thread_id": thread_id}}),
        json!({"type": "items.list", "params": {"thread_id": thread_id}}),
        json!({"type": "items.feedback", "params": {"thread_id": thread_id, "item_ids": [answer_id], "kind": "negative"}}),
        json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": input("hi")}}),
        json!({"type": "threads.add_client_tool_output", "params": {"thread_id": thread_id, "result": {}}}),
        json!({"type": "threads.add_structured_input", "params": {"thread_id": thread_id, "item_id": answer_id, "input": {}}}),
        json!({"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": message_id}}),
        json!({"type": "threads.custom_action", "params": {"thread_id": thread_id, "item_id": answer_id, "action": {"type": "x"}}}),
        json!({"type": "threads.sync_custom_action", "params": {"thread_id": thread_id, "item_id": answer_id, "action": {"type": "x"}}}),
        json!({"type": "attachments.delete", "params": {"attachment_id": attachment_id}}),
        json!({"type": "threads.create", "params": {"input": {
            "content": [{"type": "input_text", "text": "look"}], "attachments": [attachment_id], "inference_options": {}}}}),
    ];
    for request in &requests {
        let reply = server.send(Some(&bob), request).await;
        assert_eq!(reply.status, 404, "{request}: {reply:?}");
        assert!(!reply.text.contains("private"), "{request}");
    }
    // The remaining types only ever see Bob's own data.
    let listed = server.send(Some(&bob), &list()).await;
    assert_eq!((listed.status, &listed.json["data"]), (200, &json!([])));
    let (bob_thread, _) = server.create_thread(&bob, "mine").await;
    let bob_attachment = server
        .send(
            Some(&bob),
            &json!({"type": "attachments.create", "params": {"name": "b.txt", "size": 1, "mime_type": "text/plain"}}),
        )
        .await;
    assert_eq!(bob_attachment.status, 200);
    let transcribed = server
        .send(
            Some(&bob),
            &json!({"type": "input.transcribe", "params": {"audio_base64": "AAAA", "mime_type": "audio/webm"}}),
        )
        .await;
    assert_eq!(transcribed.status, 501, "this server does not transcribe");
    let listed = server.send(Some(&bob), &list()).await;
    assert_eq!(listed.json["data"].as_array().unwrap().len(), 1);
    assert_eq!(listed.json["data"][0]["id"], bob_thread.as_str());

    // The attachment routes: Bob can neither overwrite nor read Alice's bytes.
    let put = server
        .client
        .put(&upload_url)
        .bearer_auth(&bob)
        .body("evil!")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 404);
    let post = server
        .client
        .post(&upload_url)
        .bearer_auth(&bob)
        .body("evil!")
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 404);
    let get = server
        .client
        .get(&upload_url)
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 404);
    // Nor without a token at all.
    for response in [
        server.client.get(&upload_url).send().await.unwrap(),
        server
            .client
            .put(&upload_url)
            .body("x")
            .send()
            .await
            .unwrap(),
        server
            .client
            .post(server.url("/chatkit/attachments"))
            .body("x")
            .send()
            .await
            .unwrap(),
    ] {
        assert_eq!(response.status(), 401);
    }

    // Alice's data is untouched.
    let thread = server
        .send(
            Some(&alice),
            &json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        )
        .await;
    assert_eq!(thread.status, 200);
    assert!(thread.json.get("title").is_none());
    assert_eq!(thread.json["items"]["data"].as_array().unwrap().len(), 2);
    let bytes = server
        .client
        .get(&upload_url)
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(bytes.status(), 200);
    assert_eq!(bytes.text().await.unwrap(), "hello");
    assert_eq!(server.stored_items("alice", &thread_id).await.len(), 2);
    let still_there = chatkit_runtime::store::Store::load_attachment(
        &server.store.inner,
        &attachment_id,
        &chatkit_runtime::http::User::new("alice"),
    )
    .await;
    assert!(still_there.is_ok());
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn readiness_queries_a_real_sqlite_store() {
    use std::future::IntoFuture as _;

    use chatkit_runtime::http::App;
    use chatkit_runtime::server::ChatKit;
    use chatkit_runtime::store::SqliteStore;

    let store = SqliteStore::open("sqlite::memory:").await.unwrap();
    let pool = store.pool().clone();
    let app = App::new(ChatKit::new(Bot::default(), store), jwt().build().unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/ready", listener.local_addr().unwrap());
    let server = tokio::spawn(axum::serve(listener, app.router()).into_future());
    let client = chatkit_runtime::outbound::client().expect("the outbound client");
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
    // The database goes away.
    pool.close().await;
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.json::<Value>().await.unwrap()["checks"]["store"],
        "unavailable"
    );
    server.abort();
}

#[cfg(feature = "playground")]
#[tokio::test]
async fn the_playground_is_served_where_asked_with_what_the_authenticator_needs() {
    use chatkit_runtime::playground::Playground;
    use chatkit_runtime::widgets::{Card, widget};

    let card: Card = widget! { Card { Text { value: "Hello" } } };
    let playground = Playground::new()
        .path("ui")
        .title("Test bench")
        .gallery([("Greeting", card)]);
    let server = TestServer::start(
        DevHeaderAuth::new("x-user-id").unwrap(),
        relaxed().playground(playground),
    )
    .await;
    let client = chatkit_runtime::outbound::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |path: &str| client.get(server.url(path)).send();

    let redirect = get("/ui").await.unwrap();
    assert_eq!(redirect.status(), 308);
    assert_eq!(redirect.headers()["location"], "/ui/");
    let page = get("/ui/").await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
    assert!(page.text().await.unwrap().contains("playground/app.js"));

    let script = get("/ui/playground/app.js").await.unwrap();
    assert_eq!(script.status(), 200);
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    for missing in [
        "/ui/playground/nope.js",
        "/ui/playground/..%2FCargo.toml",
        "/playground/app.js",
    ] {
        let response = get(missing).await.unwrap();
        assert_eq!(response.status(), 404, "{missing}");
    }

    let config: Value = get("/ui/playground/config.json")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        config,
        json!({"title": "Test bench", "chatkit_url": "/chatkit",
               "auth": {"mode": "dev_header", "header": "x-user-id"},
               "attachments": true, "gallery": true})
    );
    let gallery: Value = get("/ui/playground/gallery.json")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(gallery[0]["name"], "Greeting");
    assert_eq!(gallery[0]["widget"]["children"][0]["value"], "Hello");

    // The page is static; the data behind it needs the same credentials as ever.
    assert_eq!(server.send(None, &list()).await.status, 401);
}

#[cfg(feature = "playground")]
#[tokio::test]
async fn the_playground_is_off_unless_asked_for_and_asks_jwt_users_for_a_token() {
    let server = TestServer::start(jwt().build().unwrap(), relaxed()).await;
    let page = server.client.get(server.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 404);
    drop(server);

    let config = HttpConfig::from_lookup(&|name| match name {
        "CHATKIT_PLAYGROUND" => Some("true".into()),
        "CHATKIT_PLAYGROUND_PATH" => Some("/bench".into()),
        _ => None,
    })
    .unwrap();
    let server = TestServer::start(jwt().build().unwrap(), config).await;
    let config: Value = server
        .client
        .get(server.url("/bench/playground/config.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["auth"], json!({"mode": "jwt"}));
    assert_eq!(config["gallery"], false);

    // `playground_by_default` serves it unless the environment said no.
    let off =
        HttpConfig::from_lookup(&|name| (name == "CHATKIT_PLAYGROUND").then(|| "false".into()))
            .unwrap()
            .playground_by_default(chatkit_runtime::playground::Playground::new());
    assert!(off.playground_settings().is_none());
    let on =
        HttpConfig::default().playground_by_default(chatkit_runtime::playground::Playground::new());
    assert_eq!(on.playground_settings().map(|p| p.served_at()), Some("/"));
    let bad =
        HttpConfig::from_lookup(&|name| (name == "CHATKIT_PLAYGROUND_PATH").then(|| "ui".into()));
    assert_eq!(bad.unwrap_err().var(), "CHATKIT_PLAYGROUND_PATH");
}
