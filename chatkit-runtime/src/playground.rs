//! The playground: a chat UI and a widget preview, in the browser, served
//! by [`App`](crate::http::App) next to the ChatKit endpoint.
//!
//! It is a small web app (HTML, CSS and JavaScript, embedded in the
//! binary; no CDN, no external fonts or scripts) that speaks the ChatKit
//! protocol to the app's own endpoint, as ChatKit JS does: threads, history,
//! streamed answers, every widget of the catalogue with its actions and
//! streamed updates, workflows, client tools, stop and retry, feedback and
//! attachments. Its `#/preview` page renders pasted widget JSON and the
//! app's [gallery](Playground::gallery).
//!
//! It is off unless asked for: `CHATKIT_PLAYGROUND=true` (with
//! `CHATKIT_PLAYGROUND_PATH`, `/` by default) or
//! [`HttpConfig::playground`](crate::http::HttpConfig::playground). The page
//! itself is static; every request it makes goes to the ChatKit endpoint
//! through the app's [`Authenticator`](crate::http::Authenticator), so it
//! asks for what that authenticator needs ([`Credentials`]): a bearer
//! token for JWT, a user id in the development header mode, nothing when
//! authentication is off.
//!
//! ```no_run
//! use chatkit_runtime::http::{App, HttpConfig};
//! use chatkit_runtime::playground::Playground;
//! use chatkit_runtime::widgets::{Card, widget};
//! # use chatkit_runtime::{async_trait, protocol::UserMessageItem, server::*, http::{User, Anonymous}};
//! # struct Assistant;
//! # #[async_trait] impl ChatKitServer<User> for Assistant {
//! #     async fn respond(&self, _: &ThreadHandle, _: Option<&UserMessageItem>, _: &EventSender, _: &User)
//! #         -> Result<(), StreamError> { Ok(()) } }
//!
//! # async fn run(chatkit: ChatKit<Assistant, User>) -> std::io::Result<()> {
//! let greeting: Card = widget! { Card { Text { value: "Hello" } } };
//! let playground = Playground::new().title("My assistant").gallery([("Greeting", greeting)]);
//! let app = App::new(chatkit, Anonymous::new()).config(HttpConfig::default().playground(playground));
//! // The chat at http://127.0.0.1:8000/, the preview at http://127.0.0.1:8000/#/preview
//! app.serve(tokio::net::TcpListener::bind("127.0.0.1:8000").await?).await
//! # }
//! ```
//!
//! [`Credentials`]: crate::http::Credentials

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::http::Credentials;
use crate::widgets::WidgetRoot;

mod assets {
    include!(concat!(env!("OUT_DIR"), "/playground_assets.rs"));
}

/// What the page is allowed to load: its own files, and the ChatKit
/// endpoint on the same origin. Widget images may come from anywhere, as
/// in ChatKit. Inline styles carry the widgets' props.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src * data: blob:; connect-src 'self'; \
     form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The playground's settings: where it is served, its title, and the
/// widgets of its gallery.
#[derive(Debug, Clone)]
pub struct Playground {
    path: String,
    title: Option<String>,
    gallery: Option<Arc<str>>,
}

impl Default for Playground {
    fn default() -> Self {
        Self::new()
    }
}

impl Playground {
    /// The playground at `/`, titled "ChatKit playground" (or, when
    /// [`Launch`](crate::launch::Launch) serves it, by the server's name),
    /// with no gallery.
    pub fn new() -> Self {
        Self {
            path: "/".to_owned(),
            title: None,
            gallery: None,
        }
    }

    /// Serves the page at `path` (such as `/ui`; a trailing `/` is added)
    /// and its files under `{path}/playground/`.
    #[must_use]
    pub fn path(mut self, path: impl AsRef<str>) -> Self {
        self.path = normalize_path(path.as_ref());
        self
    }

    /// The title shown in the page's header and tab.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// This playground, titled `title` unless it has a title of its own.
    #[must_use]
    pub(crate) fn title_or(mut self, title: &str) -> Self {
        self.title.get_or_insert_with(|| title.to_owned());
        self
    }

    /// Widgets to show on the preview page, by name, in order.
    #[must_use]
    pub fn gallery<I, N, W>(mut self, widgets: I) -> Self
    where
        I: IntoIterator<Item = (N, W)>,
        N: Into<String>,
        W: Into<WidgetRoot>,
    {
        let entries: Vec<_> = widgets
            .into_iter()
            .map(|(name, widget)| json!({ "name": name.into(), "widget": widget.into() }))
            .collect();
        self.gallery = Some(serde_json::Value::Array(entries).to_string().into());
        self
    }

    /// Where the page is served, with a trailing `/`.
    pub fn served_at(&self) -> &str {
        &self.path
    }

    /// The page and its files, for an app whose ChatKit endpoint is
    /// `chatkit_url` and asks browsers for `credentials`.
    pub(crate) fn router(
        &self,
        chatkit_url: &str,
        credentials: &Credentials,
        attachments: bool,
    ) -> Router {
        let auth = match credentials {
            Credentials::None => json!({ "mode": "anonymous" }),
            Credentials::UserHeader(header) => {
                json!({ "mode": "dev_header", "header": header.as_str() })
            }
            Credentials::BearerToken => json!({ "mode": "jwt" }),
        };
        let config: Arc<str> = json!({
            "title": self.title.as_deref().unwrap_or("ChatKit playground"),
            "chatkit_url": chatkit_url,
            "auth": auth,
            "attachments": attachments,
            "gallery": self.gallery.is_some(),
        })
        .to_string()
        .into();
        let gallery = self.gallery.clone();
        let files = format!("{}playground/", self.path);
        let mut router = Router::new()
            .route(&self.path, get(|| async { asset("index.html") }))
            .route(
                &format!("{files}config.json"),
                get(move || async move { json_response(&config) }),
            )
            .route(
                &format!("{files}gallery.json"),
                get(
                    move || async move { gallery.as_deref().map_or_else(not_found, json_response) },
                ),
            )
            .route(
                &format!("{files}{{file}}"),
                get(|Path(file): Path<String>| async move { asset(&file) }),
            );
        if self.path != "/" {
            // `/ui` → `/ui/`, so that the page's relative URLs resolve.
            let target = HeaderValue::try_from(self.path.as_str())
                .unwrap_or_else(|_| HeaderValue::from_static("/"));
            router = router.route(
                self.path.trim_end_matches('/'),
                get(move || async move {
                    (StatusCode::PERMANENT_REDIRECT, [(LOCATION, target)]).into_response()
                }),
            );
        }
        router
    }
}

/// `ui`, `/ui` and `/ui/` are all `/ui/`; characters a URL path cannot hold
/// as they are (and `{`/`}`, which axum reads as parameters) are dropped.
fn normalize_path(path: &str) -> String {
    let segments: Vec<String> = path
        .split('/')
        .map(|segment| {
            segment
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || "-._~".contains(*c))
                .collect::<String>()
        })
        .filter(|segment| !segment.is_empty() && segment != "." && segment != "..")
        .collect();
    if segments.is_empty() {
        "/".to_owned()
    } else {
        format!("/{}/", segments.join("/"))
    }
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn asset(file: &str) -> Response {
    let Some((name, bytes)) = assets::ASSETS.iter().find(|(name, _)| *name == file) else {
        return not_found();
    };
    let mut response = Response::new(Body::from(*bytes));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type(name)));
    // The files change with the binary; a reload must never mix versions.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response
}

fn json_response(body: &str) -> Response {
    let mut response = Response::new(Body::from(body.to_owned()));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn not_found() -> Response {
    crate::http::error_response(
        StatusCode::NOT_FOUND,
        "not_found",
        "No such playground file.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized() {
        for (given, want) in [
            ("", "/"),
            ("/", "/"),
            ("ui", "/ui/"),
            ("/ui", "/ui/"),
            ("/ui/", "/ui/"),
            ("//a//b/", "/a/b/"),
            ("/../x/{y}", "/x/y/"),
        ] {
            assert_eq!(normalize_path(given), want, "{given}");
        }
    }

    #[test]
    fn the_page_and_its_scripts_are_embedded() {
        let names: Vec<_> = assets::ASSETS.iter().map(|(name, _)| *name).collect();
        assert!(names.contains(&"index.html"), "{names:?}");
        assert!(names.iter().any(|name| name.ends_with(".js")), "{names:?}");
        for (name, _) in assets::ASSETS {
            assert_ne!(content_type(name), "application/octet-stream", "{name}");
        }
    }
}
