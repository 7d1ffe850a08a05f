//! The one configuration of outbound HTTP: the model providers
//! ([`model`](crate::model)), the identity provider's key set
//! (`JWT_JWKS_URL`, see `JwtConfig::jwks_url`), MCP servers over HTTP and
//! any other server this crate calls. It is compiled with the Cargo
//! features that call out: `openai`, `jwt` or `mcp`.
//!
//! - TLS is rustls with the *ring* provider, handed to reqwest as a ready
//!   [`rustls::ClientConfig`]. Nothing installs a process-wide crypto
//!   provider, and neither aws-lc-rs nor OpenSSL is in the build.
//! - The trusted roots are Mozilla's, compiled in (`webpki-roots`): the same
//!   on every machine, and no dependence on the system's certificate store.
//! - TLS 1.2 and 1.3; HTTP/1.1. Connecting may take [`CONNECT_TIMEOUT`];
//!   idle pooled connections are closed after [`POOL_IDLE_TIMEOUT`]. Callers
//!   set their own request timeouts (a streamed model answer can last minutes).
//!
//! This crate builds reqwest with `rustls-no-provider`. In the same build,
//! a client made by `reqwest::Client::new()` (or a plain
//! `reqwest::Client::builder()`) therefore has no TLS provider and panics
//! unless the application installs a process-wide one; use [`client`] or
//! [`builder`] instead, for tests too.
//!
//! [`client`] is shared: every caller that uses it shares one connection pool.
//! [`builder`] starts from the same settings for a client of your own, such as
//! one that goes through a proxy:
//!
//! ```no_run
//! # #[cfg(feature = "openai")] mod doc {
//! use chatkit_runtime::model::OpenAiResponsesModel;
//! use chatkit_runtime::outbound;
//!
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let http = outbound::builder()
//!     .proxy(reqwest::Proxy::https("http://proxy.internal:3128")?)
//!     .build()?;
//! let model = OpenAiResponsesModel::new(std::env::var("OPENAI_API_KEY")?, "gpt-4.1-mini")
//!     .http_client(http);
//! # Ok(())
//! # }
//! # }
//! ```

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The longest wait for a TCP connection and TLS handshake.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long an unused pooled connection is kept open.
pub const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The `User-Agent` sent with every request.
pub const USER_AGENT: &str = concat!("chatkit-rs/", env!("CARGO_PKG_VERSION"));

/// Why the outbound client could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundError(String);

impl fmt::Display for OutboundError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot set up outbound HTTPS: {}", self.0)
    }
}

impl std::error::Error for OutboundError {}

/// The TLS settings of every outbound connection: ring, TLS 1.2 and 1.3,
/// the `webpki-roots` trust anchors, ALPN `http/1.1`.
///
/// # Errors
/// Only if ring lacks the default protocol versions, which it does not;
/// an error rather than a panic all the same.
pub fn tls_config() -> Result<rustls::ClientConfig, OutboundError> {
    // The provider goes to this config only: `builder_with_provider`, never
    // `CryptoProvider::install_default`, so other TLS users in the process
    // keep their own choice.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| OutboundError(err.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// A reqwest client builder with these settings, for a client of your own
/// (a proxy, other timeouts). Build it with [`reqwest::ClientBuilder::build`].
pub fn builder() -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .tcp_nodelay(true)
        .user_agent(USER_AGENT);
    match tls_config() {
        Ok(tls) => builder.tls_backend_preconfigured(tls),
        // A value reqwest does not know as a TLS backend makes `build` fail
        // with an error (never fall back to a provider we did not choose).
        Err(_) => builder.tls_backend_preconfigured(()),
    }
}

/// The shared outbound client, built on first use. Cloning it is cheap and
/// shares its connection pool.
///
/// ```
/// let http = chatkit_runtime::outbound::client()?;
/// # let _ = http;
/// # Ok::<(), chatkit_runtime::outbound::OutboundError>(())
/// ```
///
/// # Errors
/// When the client cannot be built (see [`tls_config`]).
pub fn client() -> Result<reqwest::Client, OutboundError> {
    static CLIENT: OnceLock<Result<reqwest::Client, OutboundError>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            builder()
                .build()
                .map_err(|err| OutboundError(error_chain(&err)))
        })
        .clone()
}

/// An error's text and its sources', `: `-separated, without repeats.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_process_wide_provider_is_installed() {
        let config = tls_config().expect("tls config");
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
        client().expect("client");
        builder().build().expect("builder");
        // Building the clients chose ring for them alone.
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
    }

    #[tokio::test]
    async fn the_shared_client_speaks_plain_http_to_loopback() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = tokio::spawn(async move {
            use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut request = vec![0; 4096];
            let read = socket.read(&mut request).await.expect("read");
            socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                .await
                .expect("write");
            String::from_utf8_lossy(&request[..read]).to_lowercase()
        });
        let body = client()
            .expect("client")
            .get(format!("http://{addr}/"))
            .send()
            .await
            .expect("send")
            .text()
            .await
            .expect("text");
        assert_eq!(body, "ok");
        let request = server.await.expect("server");
        assert!(
            request.contains(&format!("user-agent: {USER_AGENT}")),
            "{request}"
        );
    }
}
