//! A ChatKit backend that echoes each message back, streamed word by word,
//! with a widget card showing what was said. It needs no API key: it is the
//! smallest complete server, on the embedded SQLite store (or PostgreSQL),
//! behind the production HTTP layer (`chatkit_runtime::http`): JWT
//! authentication, CORS, limits, health checks, metrics and graceful
//! shutdown, all configured from the environment.

use chatkit_runtime::async_trait;
use chatkit_runtime::attachments::LocalAttachmentStore;
use chatkit_runtime::http::{App, Authenticator, HttpConfig, User};
use chatkit_runtime::protocol::UserMessageItem;
use chatkit_runtime::server::{ChatKit, ChatKitServer, EventSender, StreamError, ThreadHandle};
use chatkit_runtime::store::StoreError;
use chatkit_runtime::widget;

/// Echoes user messages.
pub struct Echo;

#[async_trait]
impl ChatKitServer<User> for Echo {
    async fn respond(
        &self,
        thread: &ThreadHandle,
        input: Option<&UserMessageItem>,
        events: &EventSender,
        _user: &User,
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

/// The ChatKit service: threads in the store at `database_url`
/// (`sqlite://...` or `postgres://...`), attachments stored under
/// `uploads_dir` and served at `/chatkit/attachments`.
///
/// # Errors
/// When the database cannot be opened.
pub async fn chatkit(
    database_url: &str,
    uploads_dir: &str,
) -> Result<ChatKit<Echo, User>, StoreError> {
    let store = chatkit_runtime::store::open(database_url).await?;
    Ok(
        ChatKit::with_store(Echo, store).attachments(LocalAttachmentStore::new(
            uploads_dir,
            "/chatkit/attachments",
        )),
    )
}

/// The app: [`chatkit`] behind `auth` with `config`. Its router serves
/// `POST /chatkit`, `/chatkit/attachments`, `GET /health`, `GET /ready` and
/// `GET /metrics`.
///
/// # Errors
/// When the database cannot be opened.
pub async fn app(
    database_url: &str,
    uploads_dir: &str,
    auth: impl Authenticator<User>,
    config: HttpConfig,
) -> Result<App<Echo, User>, StoreError> {
    Ok(App::new(chatkit(database_url, uploads_dir).await?, auth).config(config))
}
