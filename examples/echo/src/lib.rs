//! A ChatKit backend that echoes each message back, streamed word by word,
//! with a widget card showing what was said. It needs no API key: it is the
//! smallest complete server, on the embedded SQLite store.

use chatkit_runtime::async_trait;
use chatkit_runtime::attachments::LocalAttachmentStore;
use chatkit_runtime::protocol::UserMessageItem;
use chatkit_runtime::server::{ChatKit, ChatKitServer, EventSender, StreamError, ThreadHandle};
use chatkit_runtime::store::StoreError;
use chatkit_runtime::widget;

/// Echoes user messages.
pub struct Echo;

#[async_trait]
impl ChatKitServer<()> for Echo {
    async fn respond(
        &self,
        thread: &ThreadHandle,
        input: Option<&UserMessageItem>,
        events: &EventSender,
        _ctx: &(),
    ) -> Result<(), StreamError> {
        let Some(message) = input else { return Ok(()) };
        let text = message.text();
        if thread.get().title.is_none() {
            thread.update(|thread| thread.title = Some(text.chars().take(40).collect()));
        }
        let words: Vec<String> = text.split_inclusive(' ').map(str::to_owned).collect();
        events
            .stream_text(std::iter::once("You said: ".to_owned()).chain(words))
            .await?;
        let card = widget! {
            Card {
                size: "sm",
                Row {
                    gap: 2,
                    Icon { name: "sparkle" }
                    Text { value: text.clone(), weight: "semibold" }
                    Spacer {}
                    Badge { label: format!("{} chars", text.chars().count()), color: "info" }
                }
            }
        };
        events.widget(card, Some(text)).await?;
        Ok(())
    }
}

/// The app: the ChatKit endpoint at `/chatkit`, attachments at
/// `/chatkit/attachments` (stored under `uploads_dir`), threads in the store
/// at `database_url` (`sqlite://...` or `postgres://...`).
///
/// # Errors
/// When the database cannot be opened.
pub async fn app(database_url: &str, uploads_dir: &str) -> Result<axum::Router, StoreError> {
    let store = chatkit_runtime::store::open(database_url).await?;
    let chatkit = ChatKit::with_store(Echo, store).attachments(LocalAttachmentStore::new(
        uploads_dir,
        "/chatkit/attachments",
    ));
    let no_context =
        |_: &axum::http::request::Parts| async { Ok::<(), std::convert::Infallible>(()) };
    Ok(axum::Router::new()
        .route("/chatkit", chatkit.clone().into_route())
        .nest(
            "/chatkit/attachments",
            chatkit.into_attachment_routes_with(no_context),
        ))
}
