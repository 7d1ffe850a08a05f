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
    ///     let user = parts.headers.get("x-user-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    ///     async move { user.ok_or_else(|| ServerError::bad_request("missing x-user-id")) }
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
                respond(&chatkit, body, ctx).await
            }
        })
    }

    /// A POST route for the ChatKit endpoint whose request context is
    /// extracted with axum's [`FromRequestParts`] (for `C = ()`, none).
    ///
    /// Serve it on a listener with `TCP_NODELAY`, or every streamed response
    /// waits tens of milliseconds for the client's delayed ACKs
    /// ([`App::serve`](crate::http::App::serve) does this for you):
    ///
    /// ```no_run
    /// # async fn run(chatkit: chatkit_runtime::server::ChatKit<impl chatkit_runtime::server::ChatKitServer<()>, ()>) -> std::io::Result<()> {
    /// use axum::serve::ListenerExt as _;
    /// let app = axum::Router::new().route("/chatkit", chatkit.into_route());
    /// let listener = tokio::net::TcpListener::bind("0.0.0.0:8000").await?
    ///     .tap_io(|tcp| { let _ = tcp.set_nodelay(true); });
    /// axum::serve(listener, app).await
    /// # }
    /// ```
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
                respond(&chatkit, body, ctx).await
            }
        })
    }
}

/// Reads the body (at most [`DEFAULT_BODY_LIMIT`]) and answers it.
async fn respond<S, C>(chatkit: &ChatKit<S, C>, body: Body, ctx: C) -> Response
where
    S: ChatKitServer<C>,
    C: Send + Sync + 'static,
{
    let Ok(body) = axum::body::to_bytes(body, DEFAULT_BODY_LIMIT).await else {
        return ServerError::payload_too_large(format!(
            "the request body is larger than {DEFAULT_BODY_LIMIT} bytes"
        ))
        .into_response();
    };
    match chatkit.process(&body, ctx).await {
        Ok(result) => result.into_response(),
        Err(error) => error.into_response(),
    }
}

impl<S, C> ChatKit<S, C>
where
    S: ChatKitServer<C>,
    C: Send + Sync + 'static,
{
    /// Routes that receive and serve attachment bytes, for an
    /// [`AttachmentStore`](crate::attachments::AttachmentStore) that takes
    /// uploads (such as [`LocalAttachmentStore`](crate::attachments::LocalAttachmentStore)).
    /// Mount them where the store's upload URLs point:
    ///
    /// - `PUT /{id}` or `POST /{id}`: the bytes of a two-phase upload (raw
    ///   body, or a multipart form with a `file` field);
    /// - `POST /`: a direct upload, a multipart form with a `file` field;
    ///   answers with the attachment;
    /// - `GET /{id}`: the bytes, for previews.
    ///
    /// Every route builds the request context with `context`, like the
    /// ChatKit route: users only reach their own attachments.
    pub fn into_attachment_routes_with<F, Fut, E>(self, context: F) -> axum::Router
    where
        F: Fn(&Parts) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<C, E>> + Send + 'static,
        E: IntoResponse + 'static,
    {
        let upload = {
            let chatkit = self.clone();
            let context = context.clone();
            move |axum::extract::Path(id): axum::extract::Path<String>, request: Request| {
                let chatkit = chatkit.clone();
                let context = context.clone();
                async move {
                    let (parts, body) = request.into_parts();
                    let ctx = match context(&parts).await {
                        Ok(ctx) => ctx,
                        Err(error) => return error.into_response(),
                    };
                    match chatkit.receive_upload(&id, &parts, body, ctx).await {
                        Ok(()) => (StatusCode::NO_CONTENT, ()).into_response(),
                        Err(error) => error.into_response(),
                    }
                }
            }
        };
        let direct = {
            let chatkit = self.clone();
            let context = context.clone();
            move |request: Request| {
                let chatkit = chatkit.clone();
                let context = context.clone();
                async move {
                    let (parts, body) = request.into_parts();
                    let ctx = match context(&parts).await {
                        Ok(ctx) => ctx,
                        Err(error) => return error.into_response(),
                    };
                    match chatkit.receive_direct_upload(&parts, body, ctx).await {
                        Ok(attachment) => axum::Json(attachment.for_client()).into_response(),
                        Err(error) => error.into_response(),
                    }
                }
            }
        };
        let download = {
            let chatkit = self;
            move |axum::extract::Path(id): axum::extract::Path<String>, request: Request| {
                let chatkit = chatkit.clone();
                let context = context.clone();
                async move {
                    let (parts, _body) = request.into_parts();
                    let ctx = match context(&parts).await {
                        Ok(ctx) => ctx,
                        Err(error) => return error.into_response(),
                    };
                    match chatkit.serve_attachment(&id, ctx).await {
                        Ok((mime_type, bytes)) => {
                            let mut response = Response::new(Body::from(bytes));
                            let headers = response.headers_mut();
                            if let Ok(value) = HeaderValue::from_str(&mime_type) {
                                headers.insert(header::CONTENT_TYPE, value);
                            }
                            headers.insert(
                                "x-content-type-options",
                                HeaderValue::from_static("nosniff"),
                            );
                            response
                        }
                        Err(error) => error.into_response(),
                    }
                }
            }
        };
        axum::Router::new()
            .route("/", post(direct))
            .route(
                "/{id}",
                axum::routing::put(upload.clone())
                    .post(upload)
                    .get(download),
            )
            .layer(axum::extract::DefaultBodyLimit::disable())
    }

    /// The bytes of a two-phase upload for an attachment the caller created.
    async fn receive_upload(
        &self,
        id: &str,
        parts: &Parts,
        body: Body,
        ctx: C,
    ) -> Result<(), ServerError> {
        let attachments = self.attachment_store()?;
        let mut attachment = self.store.load_attachment(id, &ctx).await?;
        let bytes = read_upload(parts, body, attachments.max_size()).await?.1;
        attachments.upload(&attachment, bytes, &ctx).await?;
        // The upload is done: the descriptor has served its purpose.
        attachment.base_mut().upload_descriptor = None;
        self.store.save_attachment(&attachment, &ctx).await?;
        Ok(())
    }

    /// A direct upload: a new attachment with its bytes.
    async fn receive_direct_upload(
        &self,
        parts: &Parts,
        body: Body,
        ctx: C,
    ) -> Result<crate::protocol::Attachment, ServerError> {
        let attachments = self.attachment_store()?;
        let (file, bytes) = read_upload(parts, body, attachments.max_size()).await?;
        let Some((name, mime_type)) = file else {
            return Err(ServerError::bad_request(
                "a direct upload is a multipart form with a `file` field",
            ));
        };
        let params = crate::protocol::AttachmentsCreateParams {
            name,
            size: bytes.len() as u64,
            mime_type,
        };
        let mut attachment = attachments.create_attachment(&params, &ctx).await?;
        attachments.upload(&attachment, bytes, &ctx).await?;
        attachment.base_mut().upload_descriptor = None;
        self.store.save_attachment(&attachment, &ctx).await?;
        Ok(attachment)
    }

    async fn serve_attachment(&self, id: &str, ctx: C) -> Result<(String, Bytes), ServerError> {
        let attachments = self.attachment_store()?;
        let attachment = self.store.load_attachment(id, &ctx).await?;
        let bytes = attachments.download(&attachment, &ctx).await?;
        Ok((attachment.base().mime_type.clone(), bytes))
    }
}

/// The bytes of an upload, at most `limit`: the raw body, or the `file`
/// field of a multipart form (with its file name and type).
async fn read_upload(
    parts: &Parts,
    body: Body,
    limit: u64,
) -> Result<(Option<(String, String)>, Bytes), ServerError> {
    let too_large = || ServerError::payload_too_large(format!("the limit is {limit} bytes"));
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("multipart/form-data") {
        let bytes = axum::body::to_bytes(body, limit)
            .await
            .map_err(|_| too_large())?;
        return Ok((None, bytes));
    }
    let boundary = multer::parse_boundary(content_type)
        .map_err(|err| ServerError::bad_request(format!("bad multipart form: {err}")))?;
    let stream = http_body_util::BodyDataStream::new(body);
    let mut form = multer::Multipart::new(stream, boundary);
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|err| ServerError::bad_request(format!("bad multipart form: {err}")))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload").to_owned();
        let mime_type = field.content_type().map_or_else(
            || "application/octet-stream".to_owned(),
            ToString::to_string,
        );
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|err| ServerError::bad_request(format!("bad multipart form: {err}")))?
        {
            if bytes.len() + chunk.len() > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((Some((name, mime_type)), Bytes::from(bytes)));
    }
    Err(ServerError::bad_request(
        "the multipart form has no `file` field",
    ))
}
