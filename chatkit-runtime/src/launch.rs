//! [`Launch`]: a whole server binary's `main` in one call.
//!
//! Every ChatKit server binary does the same things before it answers a
//! request: read `.env` and the environment and check every setting, pick
//! the model (or an offline stand-in when no provider is configured), open
//! the store, choose the authentication, bind the listener, install the
//! logs, print where it is, and serve until SIGTERM. [`Launch`] does them in
//! that order, and the app gives only what is its own: how to build its
//! [`ChatKit`] from a [`Setup`]. The build step can also serve routes of its
//! own next to ChatKit's, behind the same authenticator, such as an MCP
//! service ([`Setup::merge`], [`Setup::auth`], and [`Setup::addr`] for a
//! tool server on the same process; see `examples/todo-mcp`).
//!
//! ```no_run
//! use std::sync::Arc;
//! use chatkit_runtime::launch::Launch;
//! use chatkit_runtime::model::CommandModel;
//! use chatkit_runtime::server::ChatKit;
//! # use chatkit_runtime::{async_trait, protocol::UserMessageItem, server::*, http::User};
//! # struct Assistant;
//! # impl Assistant { fn new(_: Arc<dyn chatkit_runtime::model::Model>) -> Self { Assistant } }
//! # #[async_trait] impl ChatKitServer<User> for Assistant {
//! #     async fn respond(&self, _: &ThreadHandle, _: Option<&UserMessageItem>, _: &EventSender, _: &User)
//! #         -> Result<(), StreamError> { Ok(()) } }
//! # fn offline_model() -> CommandModel { CommandModel::new("offline") }
//!
//! #[tokio::main]
//! async fn main() -> std::process::ExitCode {
//!     Launch::new("my assistant")
//!         .offline_model(|| Arc::new(offline_model()), "hello, help")
//!         .run(|setup| async move {
//!             let store = setup.store().await?;
//!             Ok(ChatKit::with_store(Assistant::new(setup.model()), store))
//!         })
//!         .await
//! }
//! ```
//!
//! It prints one line when it is ready, then serves:
//!
//! ```text
//! my assistant: model=offline commands, store=sqlite://chatkit.db, listening on http://127.0.0.1:8000/chatkit, playground on http://127.0.0.1:8000/
//! ```
//!
//! The settings are those of [`ServerEnv`] (`CHATKIT_ADDR`, `DATABASE_URL`,
//! the logs, authentication and HTTP layer) and of
//! [`model::from_env`](crate::model::from_env). With no authentication
//! configured, every request is one [`Anonymous`] user, with a warning. The
//! [playground](crate::playground) is on unless `CHATKIT_PLAYGROUND=false`:
//! `Launch` is for development servers and demos first. A mistake in any
//! setting stops the process before it starts, with exit code 1 and a line
//! naming the variable.

use std::fmt;
use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::http::{Anonymous, App, Authenticator, ServerEnv, User};
use crate::model::{self, Model, ModelSource};
use crate::server::{ChatKit, ChatKitServer};
use crate::store::{self, Store, StoreError, display_url};
use crate::sync::lock;

/// Any error an app's build step returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

type OfflineModel = Box<dyn FnOnce() -> Arc<dyn Model> + Send>;

/// Why a server did not start (or stopped): printed by [`Launch::run`].
#[derive(Debug)]
pub struct LaunchError(String);

impl LaunchError {
    fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    fn invalid(err: impl fmt::Display) -> Self {
        Self(format!("invalid configuration: {err}"))
    }
}

impl fmt::Display for LaunchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LaunchError {}

/// A server binary: its name, its model, its playground; see the
/// [module docs](self). `M` is whether the app has a model: `()` until
/// [`offline_model`](Launch::offline_model) or
/// [`model_from_env`](Launch::model_from_env) says how to choose one, so
/// that [`Setup::model`] exists only for apps that have one.
#[must_use = "a Launch does nothing until `run`"]
pub struct Launch<M = ()> {
    name: String,
    model: M,
    dotenv: bool,
    #[cfg(feature = "playground")]
    playground: crate::playground::Playground,
}

/// How a [`Launch`] with a model chooses it.
pub struct ModelChoice {
    offline: Option<(OfflineModel, String)>,
}

/// What the app's build step gets: the checked settings and, when the
/// [`Launch`] has one, the model.
pub struct Setup<M = ()> {
    database_url: String,
    model: M,
    offline: bool,
    addr: String,
    auth: Arc<dyn Authenticator<User>>,
    routes: Arc<std::sync::Mutex<axum::Router>>,
}

impl<M> Setup<M> {
    /// `DATABASE_URL` (`sqlite://chatkit.db` when unset, which needs the
    /// `sqlite` feature).
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// The store at [`database_url`](Self::database_url), opened (and
    /// migrated).
    ///
    /// # Errors
    /// When it cannot be opened.
    pub async fn store(&self) -> Result<Arc<dyn Store<User>>, StoreError> {
        store::open(&self.database_url).await
    }

    /// The address the server listens on (`CHATKIT_ADDR`, bound already:
    /// with port 0, the port chosen), such as `127.0.0.1:8000`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The authenticator of the ChatKit endpoint (from `JWT_SECRET`, ...),
    /// to put other routes, such as an MCP service, behind the same one.
    pub fn auth(&self) -> Arc<dyn Authenticator<User>> {
        Arc::clone(&self.auth)
    }

    /// Serves `router`'s routes next to the ChatKit endpoint (behind the
    /// same CORS settings), such as an `McpService` at `/api/mcp`.
    ///
    /// # Panics
    /// When the server starts, as axum's `Router::merge` does, if one of
    /// them is a route the app serves already (`/chatkit`, `/health`, ...).
    pub fn merge(&self, router: axum::Router) {
        let mut routes = lock(&self.routes);
        *routes = std::mem::take(&mut *routes).merge(router);
    }
}

impl Setup<Arc<dyn Model>> {
    /// The model the environment configures, or the
    /// [offline model](Launch::offline_model) when it configures none.
    pub fn model(&self) -> Arc<dyn Model> {
        Arc::clone(&self.model)
    }

    /// Whether [`model`](Self::model) is the offline model.
    pub fn is_offline(&self) -> bool {
        self.offline
    }
}

impl Launch {
    /// A server called `name` in its startup line.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            model: (),
            dotenv: true,
            #[cfg(feature = "playground")]
            playground: crate::playground::Playground::new(),
        }
    }

    /// The app has a model: the one the environment configures
    /// ([`model::from_env`](crate::model::from_env)), or `offline` when it
    /// configures none (no `LLM_PROVIDER`, `OPENAI_API_KEY` or
    /// `GEMINI_API_KEY`), such as a [`CommandModel`](crate::model::CommandModel).
    /// `commands`, what the offline model understands, is printed at
    /// startup. A half-configured provider is still an error.
    pub fn offline_model(
        self,
        offline: impl FnOnce() -> Arc<dyn Model> + Send + 'static,
        commands: impl Into<String>,
    ) -> Launch<ModelChoice> {
        self.with_model(ModelChoice {
            offline: Some((Box::new(offline), commands.into())),
        })
    }

    /// The app has a model, which the environment must configure: without
    /// one the server does not start.
    pub fn model_from_env(self) -> Launch<ModelChoice> {
        self.with_model(ModelChoice { offline: None })
    }

    fn with_model(self, model: ModelChoice) -> Launch<ModelChoice> {
        Launch {
            name: self.name,
            model,
            dotenv: self.dotenv,
            #[cfg(feature = "playground")]
            playground: self.playground,
        }
    }
}

/// How a [`Launch`] turns its `M` into what [`Setup`] holds.
pub trait ChooseModel: Send {
    /// What the build step's [`Setup`] holds: `()` or the model.
    type Model;

    /// The model, how the startup line names it, and the offline commands
    /// when it is the offline model.
    #[doc(hidden)]
    fn choose(self) -> Result<(Self::Model, String, Option<String>), LaunchError>;
}

impl ChooseModel for () {
    type Model = ();

    fn choose(self) -> Result<((), String, Option<String>), LaunchError> {
        Ok(((), "none".to_owned(), None))
    }
}

impl ChooseModel for ModelChoice {
    type Model = Arc<dyn Model>;

    fn choose(self) -> Result<(Arc<dyn Model>, String, Option<String>), LaunchError> {
        match self.offline {
            Some((offline, commands)) => {
                let (model, source) =
                    model::from_env_or_offline(offline).map_err(LaunchError::invalid)?;
                Ok(match source {
                    ModelSource::Offline => (model, "offline commands".to_owned(), Some(commands)),
                    ModelSource::Configured => {
                        let name = model.name().to_owned();
                        (model, name, None)
                    }
                })
            }
            None => {
                let model = model::from_env().map_err(LaunchError::invalid)?;
                let name = model.name().to_owned();
                Ok((model, name, None))
            }
        }
    }
}

impl<M: ChooseModel> Launch<M> {
    /// Whether to read a `.env` file from the working directory first (yes
    /// by default; the environment wins over it).
    pub fn dotenv(mut self, read: bool) -> Self {
        self.dotenv = read;
        self
    }

    /// The playground's title and gallery (it is titled with the server's
    /// name by default).
    #[cfg(feature = "playground")]
    pub fn playground(mut self, playground: crate::playground::Playground) -> Self {
        self.playground = playground;
        self
    }

    /// Starts the server built by `build` and serves until SIGTERM or
    /// ctrl-c; any error is printed as `error: ...` on stderr and makes the
    /// exit code 1.
    pub async fn run<S, F, Fut>(self, build: F) -> ExitCode
    where
        S: ChatKitServer<User>,
        F: FnOnce(Setup<M::Model>) -> Fut,
        Fut: Future<Output = Result<ChatKit<S, User>, BoxError>>,
    {
        match self.try_run(build).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        }
    }

    /// [`run`](Self::run), returning the error instead of printing it.
    ///
    /// # Errors
    /// A setting that cannot be used, a failed build step, an address
    /// that cannot be bound, or a failure while serving.
    pub async fn try_run<S, F, Fut>(self, build: F) -> Result<(), LaunchError>
    where
        S: ChatKitServer<User>,
        F: FnOnce(Setup<M::Model>) -> Fut,
        Fut: Future<Output = Result<ChatKit<S, User>, BoxError>>,
    {
        if self.dotenv
            && let Err(err) = dotenvy::dotenv()
            && !err.not_found()
        {
            return Err(LaunchError::new(format!(
                "cannot read the .env file: {err}"
            )));
        }
        // Every setting is checked before anything starts.
        let env = ServerEnv::from_env().map_err(LaunchError::invalid)?;
        // A key set from `JWT_JWKS_URL` is fetched now: an identity provider
        // that cannot be reached stops the start, not the first request.
        #[cfg(feature = "jwt")]
        if let Some(crate::http::Auth::Jwt(jwt)) = &env.auth {
            jwt.fetch_keys().await.map_err(LaunchError::invalid)?;
        }
        let (model, model_name, offline_commands) = self.model.choose()?;
        let store_url = display_url(&env.database_url);
        let auth: Arc<dyn Authenticator<User>> = match env.auth {
            Some(auth) => Arc::new(auth),
            None => Arc::new(Anonymous::new()),
        };
        // Bound before the build step, so that it knows the real address
        // (with `CHATKIT_ADDR=...:0`, the port is chosen here).
        let listener = TcpListener::bind(&env.addr)
            .await
            .map_err(|err| LaunchError::new(format!("cannot listen on {}: {err}", env.addr)))?;
        let local = listener
            .local_addr()
            .map_or_else(|_| env.addr.clone(), |addr| addr.to_string());
        let setup = Setup {
            database_url: env.database_url.clone(),
            model,
            offline: offline_commands.is_some(),
            addr: local.clone(),
            auth: Arc::clone(&auth),
            routes: Arc::default(),
        };
        // What the build step merges, read once it is done.
        let routes = Arc::clone(&setup.routes);
        let chatkit = build(setup)
            .await
            .map_err(|err| match err.downcast_ref::<StoreError>() {
                Some(err) => {
                    LaunchError::new(format!("cannot open the store at {store_url}: {err}"))
                }
                None => LaunchError::new(err.to_string()),
            })?;
        let routes = std::mem::take(&mut *lock(&routes));
        #[cfg(feature = "playground")]
        let http = env
            .http
            .playground_by_default(self.playground.title_or(&self.name));
        #[cfg(not(feature = "playground"))]
        let http = env.http;
        let app = App::new(chatkit, auth).config(http).merge(routes);
        env.logs.init().map_err(LaunchError::invalid)?;
        announce(&startup_line(
            &self.name,
            &model_name,
            &store_url,
            &local,
            &app,
        ));
        if let Some(commands) = offline_commands {
            announce(&format!(
                "offline mode: no API key is configured (OPENAI_API_KEY, GEMINI_API_KEY or \
                 LLM_PROVIDER), so the assistant only understands commands: {commands}"
            ));
        }
        app.serve(listener)
            .await
            .map_err(|err| LaunchError::new(format!("serving failed: {err}")))
    }
}

/// A line on stdout. A server whose stdout is closed (its supervisor read
/// the first line and left) goes on serving: `println!` would panic.
fn announce(line: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
}

fn startup_line<S, C>(name: &str, model: &str, store: &str, local: &str, app: &App<S, C>) -> String
where
    S: ChatKitServer<C>,
    C: crate::store::ScopedContext + 'static,
{
    let settings = app.settings();
    #[allow(unused_mut)]
    let mut line = format!(
        "{name}: model={model}, store={store}, listening on http://{local}{}",
        settings.chatkit_path
    );
    #[cfg(feature = "playground")]
    if let Some(playground) = settings.playground_settings() {
        line.push_str(&format!(
            ", playground on http://{local}{}",
            playground.served_at()
        ));
    }
    line
}
