//! Serving a [`ChatKit`] with axum: one POST endpoint answering with
//! `text/event-stream` or `application/json`.

use std::future::Future;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};

use super::{ChatKit, ChatKitServer, ProcessResult, ServerError};

/// The largest request body accepted by default (2 MiB).
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, self.to_json().to_string()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

impl IntoResponse for ProcessResult {
    fn into_response(self) -> Response {
        match self {
            Self::Json(body) => {
                let mut response = Response::new(Body::from(body));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            }
            Self::Stream(events) => {
                let mut response = Response::new(Body::from_stream(events));
                let headers = response.headers_mut();
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/event-stream"),
                );
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                // Ask proxies such as nginx not to buffer the stream.
                headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
                response
            }
        }
    }
}

impl<S, C> ChatKit<S, C>
where
    S: ChatKitServer<C>,
    C: Send + Sync + 'static,
{
    /// A POST route for the ChatKit endpoint whose request context is built
    /// by `context` from the request's head (headers, extensions set by an
    /// auth layer, ...). A context error is returned as the response.
    ///
    /// ```no_run
    /// # use chatkit_runtime::server::{ChatKit, ServerError};
    /// # fn demo<S: chatkit_runtime::server::ChatKitServer<String>>(chatkit: ChatKit<S, String>) {
    /// let route = chatkit.into_route_with(|parts: &axum::http::request::Parts| {
    ///     let user = parts.headers.get("x-user-id").and_then(|v| v.to_str().ok());
    ///     async move { user.map(str::to_owned).ok_or_else(|| ServerError::bad_request("missing x-user-id")) }
    /// });
    /// let app: axum::Router = axum::Router::new().route("/chatkit", route);
    /// # }
    /// ```
    pub fn into_route_with<F, Fut, E>(self, context: F) -> MethodRouter
    where
        F: Fn(&Parts) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<C, E>> + Send + 'static,
        E: IntoResponse + 'static,
    {
        post(move |request: Request| {
            let chatkit = self.clone();
            let context = context.clone();
            async move {
                let (parts, body) = request.into_parts();
                let ctx = match context(&parts).await {
                    Ok(ctx) => ctx,
                    Err(error) => return error.into_response(),
                };
                let body = match axum::body::to_bytes(body, DEFAULT_BODY_LIMIT).await {
                    Ok(body) => body,
                    Err(_) => {
                        return ServerError::payload_too_large(format!(
                            "the request body is larger than {DEFAULT_BODY_LIMIT} bytes"
                        ))
                        .into_response();
                    }
                };
                respond(&chatkit, &body, ctx).await
            }
        })
    }

    /// A POST route for the ChatKit endpoint whose request context is
    /// extracted with axum's [`FromRequestParts`] (for `C = ()`, none).
    pub fn into_route(self) -> MethodRouter
    where
        C: FromRequestParts<()> + 'static,
        <C as FromRequestParts<()>>::Rejection: 'static,
    {
        post(move |request: Request| {
            let chatkit = self.clone();
            async move {
                let (mut parts, body) = request.into_parts();
                let ctx = match C::from_request_parts(&mut parts, &()).await {
                    Ok(ctx) => ctx,
                    Err(rejection) => return rejection.into_response(),
                };
                let body = match axum::body::to_bytes(body, DEFAULT_BODY_LIMIT).await {
                    Ok(body) => body,
                    Err(_) => {
                        return ServerError::payload_too_large(format!(
                            "the request body is larger than {DEFAULT_BODY_LIMIT} bytes"
                        ))
                        .into_response();
                    }
                };
                respond(&chatkit, &body, ctx).await
            }
        })
    }
}

async fn respond<S, C>(chatkit: &ChatKit<S, C>, body: &Bytes, ctx: C) -> Response
where
    S: ChatKitServer<C>,
    C: Send + Sync + 'static,
{
    match chatkit.process(body, ctx).await {
        Ok(result) => result.into_response(),
        Err(error) => error.into_response(),
    }
}
