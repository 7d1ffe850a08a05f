//! Who is asking: [`Authenticator`] turns a request's head into the
//! request context; [`User`] is the context the built-in ones produce.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::config::{ConfigError, Lookup};
#[cfg(feature = "jwt")]
use super::jwt::JwtAuthenticator;
use crate::store::ScopedContext;

/// The longest user id accepted (a JWT's `sub`, a development header).
pub const MAX_USER_ID_LEN: usize = 256;

/// The signed-in user: the request context of the built-in authenticators.
///
/// Stores scope every thread, item and attachment by [`id`](Self::id), so
/// one user never reaches another's data.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// The user id: a JWT's `sub`.
    pub id: String,
    /// The token's claims, `sub` included; empty in the development modes.
    pub claims: Map<String, Value>,
}

impl User {
    /// A user with no claims.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            claims: Map::new(),
        }
    }

    /// A claim of the token, such as `email` or `org_id`.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.claims.get(name)
    }
}

impl ScopedContext for User {
    fn scope(&self) -> &str {
        &self.id
    }
}

/// Why a request is not authenticated. The client always gets the same
/// `401` (see [`IntoResponse`]); the reason is only logged, at debug level,
/// and never holds the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    reason: String,
}

impl AuthError {
    /// No credentials in the request.
    pub fn missing() -> Self {
        Self {
            reason: "no credentials".to_owned(),
        }
    }

    /// Credentials that are not accepted, and why (for the log only).
    pub fn invalid(reason: impl fmt::Display) -> Self {
        Self {
            reason: reason.to_string(),
        }
    }

    /// Why, for the log.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not authenticated: {}", self.reason)
    }
}

impl std::error::Error for AuthError {}

/// `401` with `WWW-Authenticate: Bearer` and
/// `{"error": {"code": "unauthorized", "message": "..."}}`, the same for
/// every reason.
impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let mut response = super::error_response(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication is required.",
        );
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        response
    }
}

/// Turns a request's head into the request context `C`, before the body
/// is read. `JwtAuthenticator` (feature `jwt`) is the one for production;
/// [`DevHeaderAuth`] and [`Anonymous`] are for development.
#[async_trait]
pub trait Authenticator<C>: Send + Sync + 'static {
    /// The context of the request, or why there is none.
    async fn authenticate(&self, parts: &Parts) -> Result<C, AuthError>;

    /// The request headers a browser must be allowed to send (for CORS).
    fn request_headers(&self) -> Vec<HeaderName> {
        vec![AUTHORIZATION]
    }

    /// One line for the startup log, such as `JWT (RS256), issuer ...`.
    fn describe(&self) -> String {
        "custom authenticator".to_owned()
    }

    /// A warning for the startup log when this is not fit for production.
    fn startup_warning(&self) -> Option<String> {
        None
    }

    /// What a browser client (the [playground](crate::playground)) must
    /// send for this authenticator: a bearer token unless it says otherwise.
    fn credentials(&self) -> Credentials {
        Credentials::BearerToken
    }
}

/// What a browser client sends to be authenticated, as an
/// [`Authenticator`] asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// Nothing: every request is the same user.
    None,
    /// A user id in this header (development only).
    UserHeader(HeaderName),
    /// `Authorization: Bearer <token>`.
    BearerToken,
}

#[async_trait]
impl<C: 'static> Authenticator<C> for Arc<dyn Authenticator<C>> {
    async fn authenticate(&self, parts: &Parts) -> Result<C, AuthError> {
        self.as_ref().authenticate(parts).await
    }

    fn request_headers(&self) -> Vec<HeaderName> {
        self.as_ref().request_headers()
    }

    fn describe(&self) -> String {
        self.as_ref().describe()
    }

    fn startup_warning(&self) -> Option<String> {
        self.as_ref().startup_warning()
    }

    fn credentials(&self) -> Credentials {
        self.as_ref().credentials()
    }
}

/// [`Authenticator::map`](AuthenticatorExt::map): for an app whose context
/// is built from the [`User`] (or whatever another authenticator yields).
pub trait AuthenticatorExt<A>: Authenticator<A> + Sized {
    /// An authenticator whose context is `f` of this one's.
    ///
    /// ```
    /// use chatkit_runtime::http::{AuthenticatorExt, DevHeaderAuth, User};
    ///
    /// struct Ctx { user_id: String, admin: bool }
    /// # impl chatkit_runtime::store::ScopedContext for Ctx { fn scope(&self) -> &str { &self.user_id } }
    /// let auth = DevHeaderAuth::new("x-user-id").unwrap().map(|user: User| Ctx {
    ///     admin: user.claim("role").and_then(|r| r.as_str()) == Some("admin"),
    ///     user_id: user.id,
    /// });
    /// ```
    fn map<C, F>(self, f: F) -> MapAuth<Self, F, A>
    where
        F: Fn(A) -> C + Send + Sync + 'static,
    {
        MapAuth {
            inner: self,
            f,
            from: PhantomData,
        }
    }
}

impl<A, T: Authenticator<A>> AuthenticatorExt<A> for T {}

/// See [`AuthenticatorExt::map`].
#[derive(Debug, Clone)]
pub struct MapAuth<T, F, A> {
    inner: T,
    f: F,
    from: PhantomData<fn() -> A>,
}

#[async_trait]
impl<A, C, T, F> Authenticator<C> for MapAuth<T, F, A>
where
    A: Send + 'static,
    T: Authenticator<A>,
    F: Fn(A) -> C + Send + Sync + 'static,
{
    async fn authenticate(&self, parts: &Parts) -> Result<C, AuthError> {
        self.inner.authenticate(parts).await.map(&self.f)
    }

    fn request_headers(&self) -> Vec<HeaderName> {
        self.inner.request_headers()
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn startup_warning(&self) -> Option<String> {
        self.inner.startup_warning()
    }

    fn credentials(&self) -> Credentials {
        self.inner.credentials()
    }
}

/// Development only: the user id is read from a request header, unchecked.
/// Anyone who can reach the server can be anyone; it says so at startup.
#[derive(Debug, Clone)]
pub struct DevHeaderAuth {
    header: HeaderName,
}

impl DevHeaderAuth {
    /// Reads the user id from `header` (such as `x-user-id`).
    ///
    /// # Errors
    /// When `header` is not a valid header name.
    pub fn new(header: &str) -> Result<Self, ConfigError> {
        let header = HeaderName::try_from(header.trim()).map_err(|_| {
            ConfigError::invalid(
                "CHATKIT_DEV_USER_HEADER",
                header,
                "expected a header name such as x-user-id",
            )
        })?;
        Ok(Self { header })
    }

    /// The header.
    pub fn header(&self) -> &HeaderName {
        &self.header
    }
}

#[async_trait]
impl Authenticator<User> for DevHeaderAuth {
    async fn authenticate(&self, parts: &Parts) -> Result<User, AuthError> {
        let value = parts
            .headers
            .get(&self.header)
            .ok_or_else(AuthError::missing)?;
        let id = value
            .to_str()
            .map_err(|_| AuthError::invalid("the user header is not text"))?
            .trim();
        if id.is_empty() || id.len() > MAX_USER_ID_LEN {
            return Err(AuthError::invalid("the user header is empty or too long"));
        }
        Ok(User::new(id))
    }

    fn request_headers(&self) -> Vec<HeaderName> {
        vec![self.header.clone()]
    }

    fn describe(&self) -> String {
        format!("development: user id from the `{}` header", self.header)
    }

    fn startup_warning(&self) -> Option<String> {
        Some(format!(
            "DEVELOPMENT MODE: the user id is taken from the `{}` request header without any \
             check, so any client can act as any user. Configure JWT_SECRET, \
             JWT_PUBLIC_KEY_FILE, JWT_JWKS_FILE or JWT_JWKS_URL for production.",
            self.header
        ))
    }

    fn credentials(&self) -> Credentials {
        Credentials::UserHeader(self.header.clone())
    }
}

/// No authentication: every request is the same user. For demos on a
/// trusted machine only; it says so at startup.
#[derive(Debug, Clone)]
pub struct Anonymous {
    id: String,
}

impl Anonymous {
    /// Every request is the user `"anonymous"`.
    pub fn new() -> Self {
        Self::as_user("anonymous")
    }

    /// Every request is the user `id`.
    pub fn as_user(id: impl Into<String>) -> Self {
        Self { id: id.into() }
    }
}

impl Default for Anonymous {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl Authenticator<User> for Anonymous {
    async fn authenticate(&self, _parts: &Parts) -> Result<User, AuthError> {
        Ok(User::new(self.id.clone()))
    }

    fn request_headers(&self) -> Vec<HeaderName> {
        Vec::new()
    }

    fn describe(&self) -> String {
        format!("none: every request is the user `{}`", self.id)
    }

    fn credentials(&self) -> Credentials {
        Credentials::None
    }

    fn startup_warning(&self) -> Option<String> {
        Some(format!(
            "AUTHENTICATION IS OFF: every request is the user `{}` and shares its threads. \
             Configure JWT_SECRET, JWT_PUBLIC_KEY_FILE, JWT_JWKS_FILE or JWT_JWKS_URL before exposing this server.",
            self.id
        ))
    }
}

/// The built-in authenticators, as [`from_env`](Self::from_env) chooses them.
///
/// Non-exhaustive: `Jwt` exists with the Cargo feature `jwt` only.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Auth {
    /// Bearer JWTs (feature `jwt`).
    #[cfg(feature = "jwt")]
    Jwt(JwtAuthenticator),
    /// Development: the user id from a header.
    DevHeader(DevHeaderAuth),
    /// No authentication.
    Anonymous(Anonymous),
}

impl Auth {
    /// The authenticator the environment configures, if any:
    ///
    /// - `JWT_SECRET`, `JWT_PUBLIC_KEY_FILE`, `JWT_JWKS_FILE` or `JWT_JWKS_URL` (one of them),
    ///   with `JWT_ISSUER`, `JWT_AUDIENCE`, `JWT_ALGORITHMS` and
    ///   `JWT_LEEWAY`: a `JwtAuthenticator`;
    /// - otherwise `CHATKIT_DEV_USER_HEADER`: a [`DevHeaderAuth`].
    ///
    /// `None` when neither is set: the app decides (refuse to start, or
    /// [`Anonymous`] for a demo).
    ///
    /// JWTs need the Cargo feature `jwt`. Without it, any `JWT_*` variable
    /// set is an error naming the feature: a server never starts without
    /// the authentication it was configured with.
    ///
    /// # Errors
    /// An invalid value, an unreadable key file, both modes at once, or
    /// `JWT_*` variables without the `jwt` feature.
    pub fn from_env() -> Result<Option<Self>, ConfigError> {
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with variables from `lookup`.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Option<Self>, ConfigError> {
        let dev = super::config::non_empty(lookup, "CHATKIT_DEV_USER_HEADER");
        #[cfg(feature = "jwt")]
        if let Some(jwt) = super::jwt::JwtConfig::from_lookup(lookup)? {
            if dev.is_some() {
                return Err(ConfigError::new(
                    "CHATKIT_DEV_USER_HEADER",
                    "cannot be combined with JWT authentication; unset one of them",
                ));
            }
            return Ok(Some(Self::Jwt(jwt.build()?)));
        }
        #[cfg(not(feature = "jwt"))]
        refuse_jwt_variables(lookup)?;
        match dev {
            Some(header) => Ok(Some(Self::DevHeader(DevHeaderAuth::new(&header)?))),
            None => Ok(None),
        }
    }
}

/// The variables of JWT authentication, each of which asks for it.
#[cfg(not(feature = "jwt"))]
const JWT_VARIABLES: &[&str] = &[
    "JWT_SECRET",
    "JWT_PUBLIC_KEY_FILE",
    "JWT_JWKS_FILE",
    "JWT_JWKS_URL",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "JWT_ALGORITHMS",
    "JWT_LEEWAY",
];

/// Without the `jwt` feature, a `JWT_*` variable is an error: ignored, it
/// would leave a server its operator meant to protect with less
/// authentication than configured (or none).
#[cfg(not(feature = "jwt"))]
fn refuse_jwt_variables(lookup: Lookup<'_>) -> Result<(), ConfigError> {
    match JWT_VARIABLES
        .iter()
        .find(|var| super::config::non_empty(lookup, var).is_some())
    {
        Some(var) => Err(ConfigError::new(
            *var,
            "is set, but JWT authentication needs the `jwt` feature of chatkit-runtime, which \
             this build leaves out: add \"jwt\" to chatkit-runtime's `features` in Cargo.toml",
        )),
        None => Ok(()),
    }
}

#[async_trait]
impl Authenticator<User> for Auth {
    async fn authenticate(&self, parts: &Parts) -> Result<User, AuthError> {
        match self {
            #[cfg(feature = "jwt")]
            Self::Jwt(auth) => auth.authenticate(parts).await,
            Self::DevHeader(auth) => auth.authenticate(parts).await,
            Self::Anonymous(auth) => auth.authenticate(parts).await,
        }
    }

    fn request_headers(&self) -> Vec<HeaderName> {
        match self {
            #[cfg(feature = "jwt")]
            Self::Jwt(auth) => auth.request_headers(),
            Self::DevHeader(auth) => auth.request_headers(),
            Self::Anonymous(auth) => auth.request_headers(),
        }
    }

    fn describe(&self) -> String {
        match self {
            #[cfg(feature = "jwt")]
            Self::Jwt(auth) => auth.describe(),
            Self::DevHeader(auth) => auth.describe(),
            Self::Anonymous(auth) => auth.describe(),
        }
    }

    fn startup_warning(&self) -> Option<String> {
        match self {
            #[cfg(feature = "jwt")]
            Self::Jwt(auth) => auth.startup_warning(),
            Self::DevHeader(auth) => auth.startup_warning(),
            Self::Anonymous(auth) => auth.startup_warning(),
        }
    }

    fn credentials(&self) -> Credentials {
        match self {
            #[cfg(feature = "jwt")]
            Self::Jwt(auth) => auth.credentials(),
            Self::DevHeader(auth) => auth.credentials(),
            Self::Anonymous(auth) => auth.credentials(),
        }
    }
}

#[cfg(feature = "jwt")]
impl From<JwtAuthenticator> for Auth {
    fn from(auth: JwtAuthenticator) -> Self {
        Self::Jwt(auth)
    }
}

impl From<DevHeaderAuth> for Auth {
    fn from(auth: DevHeaderAuth) -> Self {
        Self::DevHeader(auth)
    }
}

impl From<Anonymous> for Auth {
    fn from(auth: Anonymous) -> Self {
        Self::Anonymous(auth)
    }
}
