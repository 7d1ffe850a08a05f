//! `JWT_JWKS_URL`: the key set fetched at startup from a loopback identity
//! provider, cached, refetched for an unknown `kid` at most once per
//! interval (rotation), and kept when a refetch fails.

mod support {
    pub(crate) mod jwks_server;
}

use std::path::PathBuf;
use std::time::Duration;

use chatkit_runtime::http::{Auth, Authenticator, JwtAuthenticator, JwtConfig};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use support::jwks_server::JwksServer;

const AUDIENCE: &str = "chatkit";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jwt")
        .join(name)
}

/// A signing key of the fixtures, with the `kid` it is published under.
struct SigningKey {
    kid: &'static str,
    alg: Algorithm,
    key: EncodingKey,
}

impl SigningKey {
    fn new(kid: &'static str, file: &str) -> Self {
        let pem = std::fs::read(fixture(file)).unwrap();
        let (alg, key) = if file.starts_with("ec") {
            (Algorithm::ES256, EncodingKey::from_ec_pem(&pem).unwrap())
        } else {
            (Algorithm::RS256, EncodingKey::from_rsa_pem(&pem).unwrap())
        };
        Self { kid, alg, key }
    }

    /// Its public half, as a key set publishes it.
    fn jwk(&self) -> Jwk {
        let mut jwk = Jwk::from_encoding_key(&self.key, self.alg).unwrap();
        jwk.common.key_id = Some(self.kid.to_owned());
        jwk
    }

    /// A token for `sub`, signed by this key, naming `kid`.
    fn token_as(&self, kid: &str, sub: &str) -> String {
        let mut header = Header::new(self.alg);
        header.kid = Some(kid.to_owned());
        let exp = chrono::Utc::now().timestamp() + 600;
        let claims = json!({"sub": sub, "aud": AUDIENCE, "exp": exp});
        jsonwebtoken::encode(&header, &claims, &self.key).unwrap()
    }

    fn token(&self, sub: &str) -> String {
        self.token_as(self.kid, sub)
    }
}

fn set(keys: &[&SigningKey]) -> String {
    let keys: Vec<Jwk> = keys.iter().map(|key| key.jwk()).collect();
    json!({ "keys": keys }).to_string()
}

fn keys() -> (SigningKey, SigningKey, SigningKey) {
    (
        SigningKey::new("key-a", "rsa_private.pem"),
        SigningKey::new("key-b", "rsa_other_private.pem"),
        SigningKey::new("key-c", "ec_private.pem"),
    )
}

/// Who `token` authenticates as, through the authenticator (which may
/// refetch), as a request would.
async fn user(auth: &JwtAuthenticator, token: &str) -> Option<String> {
    let (parts, ()) = axum::http::Request::builder()
        .header("authorization", format!("Bearer {token}"))
        .body(())
        .unwrap()
        .into_parts();
    auth.authenticate(&parts).await.ok().map(|user| user.id)
}

fn config(server: &JwksServer) -> JwtConfig {
    JwtConfig::jwks_url(&server.url())
        .unwrap()
        .audience(AUDIENCE)
}

#[tokio::test]
async fn the_key_set_is_fetched_once_at_startup_and_rotation_is_picked_up() {
    let (a, b, c) = keys();
    let server = JwksServer::start(set(&[&a])).await;
    let auth = config(&server)
        .jwks_refetch_interval(Duration::from_secs(1))
        .build_async()
        .await
        .unwrap();
    assert_eq!(server.requests(), 1);
    assert_eq!(
        user(&auth, &a.token("alice")).await.as_deref(),
        Some("alice")
    );
    assert_eq!(
        user(&auth, &a.token("alice")).await.as_deref(),
        Some("alice")
    );
    assert_eq!(server.requests(), 1, "the key set is cached");
    assert!(
        auth.describe().contains("1 keys from http://127.0.0.1"),
        "{}",
        auth.describe()
    );

    // The provider rotates to B. Right after the startup fetch, the
    // interval holds the refetch back.
    server.serve(set(&[&b]));
    assert_eq!(user(&auth, &b.token("bob")).await, None);
    assert_eq!(server.requests(), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(user(&auth, &b.token("bob")).await.as_deref(), Some("bob"));
    assert_eq!(server.requests(), 2);
    // A was rotated out; asking for it again is held back by the interval.
    assert_eq!(user(&auth, &a.token("alice")).await, None);
    assert_eq!(server.requests(), 2);

    // Concurrent tokens with a new kid make one request between them.
    server.serve(set(&[&b, &c]));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let token = c.token("carol");
    let attempts: Vec<_> = (0..8)
        .map(|_| {
            let auth = auth.clone();
            let token = token.clone();
            tokio::spawn(async move { user(&auth, &token).await })
        })
        .collect();
    for attempt in attempts {
        assert_eq!(attempt.await.unwrap().as_deref(), Some("carol"));
    }
    assert_eq!(server.requests(), 3);
    assert_eq!(user(&auth, &b.token("bob")).await.as_deref(), Some("bob"));
}

#[tokio::test]
async fn a_failed_refetch_keeps_the_cached_keys() {
    let (a, b, _) = keys();
    let server = JwksServer::start(set(&[&a])).await;
    let auth = config(&server)
        .jwks_refetch_interval(Duration::from_millis(100))
        .build_async()
        .await
        .unwrap();
    for (status, body) in [(503, "down"), (200, "{not json"), (200, r#"{"keys": []}"#)] {
        server.fail(status, body);
        tokio::time::sleep(Duration::from_millis(150)).await;
        let before = server.requests();
        assert_eq!(user(&auth, &a.token_as("key-new", "mallory")).await, None);
        assert_eq!(server.requests(), before + 1, "{status} {body}: refetched");
        assert_eq!(
            user(&auth, &a.token("alice")).await.as_deref(),
            Some("alice"),
            "{status} {body}: the cached key still works"
        );
        assert_eq!(server.requests(), before + 1, "a known kid fetches nothing");
    }
    server.serve(set(&[&b]));
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(user(&auth, &b.token("bob")).await.as_deref(), Some("bob"));
}

#[tokio::test]
async fn by_default_unknown_kids_refetch_at_most_once_a_minute() {
    assert_eq!(
        JwtConfig::DEFAULT_JWKS_REFETCH_INTERVAL,
        Duration::from_secs(60)
    );
    let (a, b, _) = keys();
    let server = JwksServer::start(set(&[&a])).await;
    let auth = config(&server).build_async().await.unwrap();
    server.serve(set(&[&b]));
    for n in 0..5 {
        assert_eq!(
            user(&auth, &b.token_as(&format!("made-up-{n}"), "x")).await,
            None
        );
    }
    assert_eq!(user(&auth, &b.token("bob")).await, None);
    assert_eq!(server.requests(), 1, "the startup fetch only");
    assert_eq!(
        user(&auth, &a.token("alice")).await.as_deref(),
        Some("alice")
    );
}

#[tokio::test]
async fn an_unusable_key_set_at_startup_is_a_clear_error() {
    // Nothing listens there.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let url = format!("http://{addr}/jwks.json");
    let error = JwtConfig::jwks_url(&url)
        .unwrap()
        .build_async()
        .await
        .unwrap_err();
    assert_eq!(error.var(), "JWT_JWKS_URL");
    assert!(
        error.message().contains("cannot fetch the key set"),
        "{error}"
    );
    assert!(error.message().contains(&url), "{error}");

    let server = JwksServer::start("").await;
    for (status, body, expected) in [
        (404, "no such page", "HTTP 404"),
        (200, "<html>", "not a JSON Web Key Set"),
        (
            200,
            r#"{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}"#,
            "symmetric",
        ),
        (200, r#"{"keys": []}"#, "no public signing key"),
    ] {
        server.fail(status, body);
        let error = config(&server).build_async().await.unwrap_err();
        assert_eq!(error.var(), "JWT_JWKS_URL");
        assert!(error.message().contains(expected), "{expected}: {error}");
    }
    server.fail(
        200,
        &format!(r#"{{"keys": [], "pad": "{}"}}"#, "x".repeat(2 << 20)),
    );
    let error = config(&server).build_async().await.unwrap_err();
    assert!(error.message().contains("larger than"), "{error}");
}

#[tokio::test]
async fn the_environment_configures_it_and_the_fetch_is_the_callers_step() {
    let (a, _, _) = keys();
    let server = JwksServer::start(set(&[&a])).await;
    let url = server.url();
    let env = |name: &str| match name {
        "JWT_JWKS_URL" => Some(url.clone()),
        "JWT_AUDIENCE" => Some(AUDIENCE.to_owned()),
        _ => None,
    };
    // Reading the environment fetches nothing (it is not async)...
    let Some(Auth::Jwt(jwt)) = Auth::from_lookup(&env).unwrap() else {
        panic!("expected JWT authentication");
    };
    assert_eq!(server.requests(), 0);
    assert!(
        jwt.describe().contains("not fetched yet"),
        "{}",
        jwt.describe()
    );
    // ... `fetch_keys` does, at startup.
    jwt.fetch_keys().await.unwrap();
    assert_eq!(server.requests(), 1);
    assert_eq!(
        user(&jwt, &a.token("alice")).await.as_deref(),
        Some("alice")
    );
    assert_eq!(jwt.verify(&a.token("alice")).unwrap().id, "alice");

    // Without it, the first token fetches the set.
    let lazy = config(&server).build().unwrap();
    assert!(lazy.verify(&a.token("alice")).is_err(), "no keys yet");
    assert_eq!(
        user(&lazy, &a.token("alice")).await.as_deref(),
        Some("alice")
    );
    assert_eq!(server.requests(), 2);

    // Other key sources have nothing to fetch.
    let secret = JwtConfig::hs256("0123456789abcdef0123456789abcdef")
        .build()
        .unwrap();
    secret.fetch_keys().await.unwrap();
}

#[test]
fn the_url_must_be_https_or_loopback() {
    for ok in [
        "https://login.example.com/.well-known/jwks.json",
        "http://localhost:8080/jwks.json",
        "http://127.0.0.1:9/jwks.json",
        "http://[::1]:9/jwks.json",
    ] {
        assert!(JwtConfig::jwks_url(ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://login.example.com/jwks.json",
        "ftp://login.example.com/jwks.json",
        "not a url",
    ] {
        let error = JwtConfig::jwks_url(bad).unwrap_err();
        assert_eq!(error.var(), "JWT_JWKS_URL", "{bad}");
    }
    let error = JwtConfig::from_lookup(&|name| match name {
        "JWT_JWKS_URL" => Some("https://login.example.com/jwks.json".to_owned()),
        "JWT_SECRET" => Some("0123456789abcdef0123456789abcdef".to_owned()),
        _ => None,
    })
    .unwrap_err();
    assert!(error.message().contains("only one"), "{error}");
    let error = JwtConfig::jwks_url("https://login.example.com/jwks.json")
        .unwrap()
        .algorithms(&[Algorithm::HS256])
        .build()
        .unwrap_err();
    assert_eq!(error.var(), "JWT_ALGORITHMS");
}
