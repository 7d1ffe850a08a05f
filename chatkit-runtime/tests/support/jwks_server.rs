//! An identity provider's key set over real HTTP on loopback
//! (`127.0.0.1:0`): `GET /jwks.json` answers what the test set last
//! ([`JwksServer::serve`], [`JwksServer::fail`]) and counts the requests.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

#[derive(Default)]
struct Shared {
    answer: Mutex<(u16, String)>,
    requests: AtomicUsize,
}

/// The running server; stops when dropped.
pub(crate) struct JwksServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl JwksServer {
    /// Starts a server on a free loopback port, answering `body` with 200.
    pub(crate) async fn start(body: impl Into<String>) -> Self {
        let shared = Arc::new(Shared::default());
        *shared.answer.lock().unwrap() = (200, body.into());
        let app = Router::new()
            .route("/jwks.json", get(jwks))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Self { addr, shared, task }
    }

    /// `http://127.0.0.1:<port>/jwks.json`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}/jwks.json", self.addr)
    }

    /// From now on, answers `body` with 200 (a rotation).
    pub(crate) fn serve(&self, body: impl Into<String>) {
        *self.shared.answer.lock().unwrap() = (200, body.into());
    }

    /// From now on, answers `body` with `status`.
    pub(crate) fn fail(&self, status: u16, body: &str) {
        *self.shared.answer.lock().unwrap() = (status, body.to_owned());
    }

    /// The requests received so far.
    pub(crate) fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }
}

async fn jwks(State(shared): State<Arc<Shared>>) -> Response {
    shared.requests.fetch_add(1, Ordering::SeqCst);
    let (status, body) = shared.answer.lock().unwrap().clone();
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json")],
        body,
    )
        .into_response()
}
