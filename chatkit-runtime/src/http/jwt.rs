//! Bearer JWTs: HS256 with a shared secret, or RS256/ES256 (and the rest
//! of their families) with a PEM public key, a JWKS file, or the key set an
//! identity provider publishes at a URL.
//!
//! | variable | meaning |
//! |---|---|
//! | `JWT_SECRET` | an HS256 secret of at least [`MIN_SECRET_LEN`] bytes |
//! | `JWT_PUBLIC_KEY_FILE` | a PEM public key (RSA, EC or Ed25519) |
//! | `JWT_JWKS_FILE` | a JSON Web Key Set file |
//! | `JWT_JWKS_URL` | the identity provider's key set (its `jwks_uri`), fetched at startup and again, at most once a minute, when a token names a `kid` it does not hold; `https://`, or `http://` to a loopback address |
//! | `JWT_ISSUER`, `JWT_AUDIENCE` | accepted `iss` and `aud` values, comma-separated |
//! | `JWT_ALGORITHMS` | accepted algorithms, such as `RS256,PS256` |
//! | `JWT_LEEWAY` | clock skew tolerated on `exp` and `nbf`, such as `30s` |
//!
//! Set one key source only.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::auth::{AuthError, Authenticator, MAX_USER_ID_LEN, User};
use super::config::{ConfigError, Lookup, non_empty, parse_duration};

/// The longest token accepted, in bytes: larger ones are refused unread.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// The shortest HS256 secret accepted: 256 bits, as RFC 7518 requires.
pub const MIN_SECRET_LEN: usize = 32;

/// The longest a key set fetch may take.
const JWKS_FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest key set read, in bytes.
const MAX_JWKS_LEN: usize = 1024 * 1024;

#[derive(Clone)]
enum Keys {
    Secret(Vec<u8>),
    Pem(Vec<u8>),
    Jwks(JwkSet),
    Url(JwksUrl),
}

/// Where a key set is fetched from, and how.
#[derive(Clone)]
struct JwksUrl {
    url: reqwest::Url,
    http: Option<reqwest::Client>,
    refetch_interval: Duration,
}

/// How to check tokens; [`build`](Self::build) makes the [`JwtAuthenticator`].
///
/// ```
/// use chatkit_runtime::http::JwtConfig;
///
/// let auth = JwtConfig::hs256("a shared secret of at least 32 bytes!!")
///     .issuer("https://auth.example.com/")
///     .audience("chatkit")
///     .build()
///     .unwrap();
/// ```
#[derive(Clone)]
pub struct JwtConfig {
    keys: Keys,
    algorithms: Option<Vec<Algorithm>>,
    issuers: Vec<String>,
    audiences: Vec<String>,
    leeway: u64,
}

impl fmt::Debug for JwtConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = match &self.keys {
            Keys::Secret(_) => "secret (hidden)".to_owned(),
            Keys::Pem(_) => "PEM public key".to_owned(),
            Keys::Jwks(set) => format!("JWKS of {} keys", set.keys.len()),
            Keys::Url(remote) => format!("JWKS at {}", remote.url),
        };
        f.debug_struct("JwtConfig")
            .field("keys", &keys)
            .field("algorithms", &self.algorithms)
            .field("issuers", &self.issuers)
            .field("audiences", &self.audiences)
            .field("leeway", &self.leeway)
            .finish()
    }
}

impl JwtConfig {
    /// The default shortest time between two fetches of a
    /// [`jwks_url`](Self::jwks_url) key set prompted by tokens naming an
    /// unknown `kid`: a minute.
    pub const DEFAULT_JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(60);

    fn with(keys: Keys) -> Self {
        Self {
            keys,
            algorithms: None,
            issuers: Vec::new(),
            audiences: Vec::new(),
            leeway: 30,
        }
    }

    /// Tokens signed with HMAC (HS256 unless [`algorithms`](Self::algorithms)
    /// says otherwise) with `secret`, of at least [`MIN_SECRET_LEN`] bytes.
    pub fn hs256(secret: impl Into<Vec<u8>>) -> Self {
        Self::with(Keys::Secret(secret.into()))
    }

    /// Tokens signed with the private key of this PEM public key: RSA
    /// (RS256 by default) or EC (ES256 by default).
    pub fn public_key_pem(pem: impl Into<Vec<u8>>) -> Self {
        Self::with(Keys::Pem(pem.into()))
    }

    /// [`public_key_pem`](Self::public_key_pem) from a file.
    ///
    /// # Errors
    /// When the file cannot be read.
    pub fn public_key_file(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let pem = std::fs::read(path).map_err(|err| {
            ConfigError::new(
                "JWT_PUBLIC_KEY_FILE",
                format!("cannot read {}: {err}", path.display()),
            )
        })?;
        Ok(Self::public_key_pem(pem))
    }

    /// Tokens signed with one of the keys of a JSON Web Key Set (as an
    /// identity provider publishes at its `jwks_uri`), chosen by the
    /// token's `kid`.
    ///
    /// # Errors
    /// When `json` is not a key set.
    pub fn jwks(json: &str) -> Result<Self, ConfigError> {
        let set: JwkSet = serde_json::from_str(json).map_err(|err| {
            ConfigError::new("JWT_JWKS_FILE", format!("not a JSON Web Key Set: {err}"))
        })?;
        Ok(Self::with(Keys::Jwks(set)))
    }

    /// [`jwks`](Self::jwks) from a file.
    ///
    /// # Errors
    /// When the file cannot be read or is not a key set.
    pub fn jwks_file(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let json = std::fs::read_to_string(path).map_err(|err| {
            ConfigError::new(
                "JWT_JWKS_FILE",
                format!("cannot read {}: {err}", path.display()),
            )
        })?;
        Self::jwks(&json)
    }

    /// Tokens signed with one of the keys of the key set at `url`, the
    /// identity provider's `jwks_uri` (such as
    /// `https://login.example.com/.well-known/jwks.json`), chosen by the
    /// token's `kid`.
    ///
    /// The set is fetched when the authenticator is built by
    /// [`build_async`](Self::build_async) (or by
    /// [`JwtAuthenticator::fetch_keys`]), so that an unreachable URL stops the
    /// server at startup, then kept. A token whose `kid` is not in it
    /// prompts a new fetch, at most once per
    /// [`jwks_refetch_interval`](Self::jwks_refetch_interval) (a minute by
    /// default), which is how a rotated key is picked up; when that fetch
    /// fails, the keys already held keep working.
    ///
    /// The URL must be `https://`, or `http://` to a loopback address (for
    /// tests and a local identity provider): over plain HTTP anyone on the
    /// path could hand the server keys of their own.
    ///
    /// ```no_run
    /// use chatkit_runtime::http::JwtConfig;
    ///
    /// # async fn run() -> Result<(), chatkit_runtime::http::ConfigError> {
    /// let auth = JwtConfig::jwks_url("https://login.example.com/.well-known/jwks.json")?
    ///     .issuer("https://login.example.com/")
    ///     .audience("chatkit")
    ///     .build_async()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// When `url` is not an `https://` URL (or `http://` to loopback).
    pub fn jwks_url(url: &str) -> Result<Self, ConfigError> {
        let url = url.trim();
        let parsed = reqwest::Url::parse(url)
            .map_err(|_| ConfigError::invalid("JWT_JWKS_URL", url, "expected an https:// URL"))?;
        let host = parsed.host_str().unwrap_or_default();
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        match parsed.scheme() {
            "https" if parsed.has_host() => {}
            "http" if loopback => {}
            "http" => {
                return Err(ConfigError::invalid(
                    "JWT_JWKS_URL",
                    url,
                    "the key set must be fetched over https:// (plain http:// only from a \
                     loopback address): whoever can alter it can sign tokens",
                ));
            }
            _ => {
                return Err(ConfigError::invalid(
                    "JWT_JWKS_URL",
                    url,
                    "expected an https:// URL",
                ));
            }
        }
        Ok(Self::with(Keys::Url(JwksUrl {
            url: parsed,
            http: None,
            refetch_interval: Self::DEFAULT_JWKS_REFETCH_INTERVAL,
        })))
    }

    /// The shortest time between two fetches of a [`jwks_url`](Self::jwks_url)
    /// key set prompted by an unknown `kid`
    /// ([`DEFAULT_JWKS_REFETCH_INTERVAL`](Self::DEFAULT_JWKS_REFETCH_INTERVAL)
    /// by default): tokens with made-up `kid`s cannot make the server hammer
    /// the identity provider. No effect on other key sources.
    #[must_use]
    pub fn jwks_refetch_interval(mut self, interval: Duration) -> Self {
        if let Keys::Url(remote) = &mut self.keys {
            remote.refetch_interval = interval;
        }
        self
    }

    /// The HTTP client that fetches a [`jwks_url`](Self::jwks_url) key set,
    /// instead of the shared [`outbound::client`](crate::outbound::client)
    /// (one with a proxy, say, from [`outbound::builder`](crate::outbound::builder)).
    /// No effect on other key sources.
    #[must_use]
    pub fn jwks_http_client(mut self, http: reqwest::Client) -> Self {
        if let Keys::Url(remote) = &mut self.keys {
            remote.http = Some(http);
        }
        self
    }

    /// Accepts tokens whose `iss` is `issuer` (may be given several times);
    /// by default any issuer is accepted.
    #[must_use]
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuers.push(issuer.into());
        self
    }

    /// Accepts tokens whose `aud` holds `audience` (may be given several
    /// times). Without one, tokens that carry an `aud` are still accepted:
    /// set it whenever the identity provider issues tokens for other services.
    #[must_use]
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// The algorithms accepted; all of one family (HMAC, RSA or EC), the
    /// key's. By default HS256, RS256 or ES256 as the key says.
    #[must_use]
    pub fn algorithms(mut self, algorithms: &[Algorithm]) -> Self {
        self.algorithms = Some(algorithms.to_vec());
        self
    }

    /// The clock skew tolerated on `exp` and `nbf` (30 s by default).
    #[must_use]
    pub fn leeway(mut self, leeway: std::time::Duration) -> Self {
        self.leeway = leeway.as_secs();
        self
    }

    /// Reads `JWT_SECRET`, `JWT_PUBLIC_KEY_FILE`, `JWT_JWKS_FILE` or
    /// `JWT_JWKS_URL` (one of them), then `JWT_ISSUER`, `JWT_AUDIENCE`
    /// (comma-separated lists), `JWT_ALGORITHMS` (such as `RS256,PS256`) and
    /// `JWT_LEEWAY` (a duration). `None` when no key is configured.
    ///
    /// Nothing is fetched here: see [`build_async`](Self::build_async).
    ///
    /// # Errors
    /// Several key sources, an unreadable file, or an invalid value.
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Option<Self>, ConfigError> {
        let secret = non_empty(lookup, "JWT_SECRET");
        let pem = non_empty(lookup, "JWT_PUBLIC_KEY_FILE");
        let jwks = non_empty(lookup, "JWT_JWKS_FILE");
        let jwks_url = non_empty(lookup, "JWT_JWKS_URL");
        let sources = [
            secret.is_some(),
            pem.is_some(),
            jwks.is_some(),
            jwks_url.is_some(),
        ];
        if sources.iter().filter(|set| **set).count() > 1 {
            return Err(ConfigError::new(
                "JWT_SECRET",
                "set only one of JWT_SECRET, JWT_PUBLIC_KEY_FILE, JWT_JWKS_FILE and JWT_JWKS_URL",
            ));
        }
        let mut config = match (secret, pem, jwks, jwks_url) {
            (Some(secret), _, _, _) => Self::hs256(secret),
            (_, Some(path), _, _) => Self::public_key_file(path.trim())?,
            (_, _, Some(path), _) => Self::jwks_file(path.trim())?,
            (_, _, _, Some(url)) => Self::jwks_url(&url)?,
            _ => {
                for var in ["JWT_ISSUER", "JWT_AUDIENCE", "JWT_ALGORITHMS"] {
                    if non_empty(lookup, var).is_some() {
                        return Err(ConfigError::new(
                            var,
                            "is set, but no key is: set JWT_SECRET, JWT_PUBLIC_KEY_FILE, \
                             JWT_JWKS_FILE or JWT_JWKS_URL",
                        ));
                    }
                }
                return Ok(None);
            }
        };
        for issuer in list(lookup, "JWT_ISSUER") {
            config = config.issuer(issuer);
        }
        for audience in list(lookup, "JWT_AUDIENCE") {
            config = config.audience(audience);
        }
        if let Some(value) = non_empty(lookup, "JWT_ALGORITHMS") {
            let mut algorithms = Vec::new();
            for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                algorithms.push(name.parse::<Algorithm>().map_err(|_| {
                    ConfigError::invalid(
                        "JWT_ALGORITHMS",
                        name,
                        "expected algorithms such as HS256, RS256, PS256, ES256 or EdDSA",
                    )
                })?);
            }
            config.algorithms = Some(algorithms);
        }
        if let Some(value) = non_empty(lookup, "JWT_LEEWAY") {
            let leeway = parse_duration(value.trim())
                .map_err(|expected| ConfigError::invalid("JWT_LEEWAY", &value, expected))?;
            config = config.leeway(leeway);
        }
        Ok(Some(config))
    }

    /// The authenticator.
    ///
    /// A [`jwks_url`](Self::jwks_url) key set is not fetched here: the
    /// authenticator fetches it on its first token. Prefer
    /// [`build_async`](Self::build_async), or call
    /// [`JwtAuthenticator::fetch_keys`] at startup, so that an unreachable
    /// identity provider stops the server with a clear error.
    ///
    /// # Errors
    /// A secret that is too short, a key that cannot be read, algorithms
    /// of another family than the key's, or a key set with no usable key.
    pub fn build(self) -> Result<JwtAuthenticator, ConfigError> {
        let mut keys = Vec::new();
        let source;
        match &self.keys {
            Keys::Secret(secret) => {
                source = "JWT_SECRET";
                if secret.len() < MIN_SECRET_LEN {
                    return Err(ConfigError::new(
                        source,
                        format!(
                            "must be at least {MIN_SECRET_LEN} bytes (256 bits); \
                             generate one with `openssl rand -base64 48`"
                        ),
                    ));
                }
                let algorithms = self
                    .key_algorithms(AlgorithmFamily::Hmac)
                    .map_err(|why| ConfigError::new("JWT_ALGORITHMS", why))?;
                keys.push(self.key(None, DecodingKey::from_secret(secret), algorithms));
            }
            Keys::Pem(pem) => {
                source = "JWT_PUBLIC_KEY_FILE";
                let (key, family) = if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
                    (key, AlgorithmFamily::Rsa)
                } else if let Ok(key) = DecodingKey::from_ec_pem(pem) {
                    (key, AlgorithmFamily::Ec)
                } else if let Ok(key) = DecodingKey::from_ed_pem(pem) {
                    (key, AlgorithmFamily::Ed)
                } else {
                    return Err(ConfigError::new(
                        source,
                        "not a PEM public key (RSA, EC or Ed25519): expected \
                         -----BEGIN PUBLIC KEY-----",
                    ));
                };
                let algorithms = self
                    .key_algorithms(family)
                    .map_err(|why| ConfigError::new("JWT_ALGORITHMS", why))?;
                keys.push(self.key(None, key, algorithms));
            }
            Keys::Jwks(set) => {
                source = "JWT_JWKS_FILE";
                keys = self
                    .set_keys(set)
                    .map_err(|why| ConfigError::new(source, why))?;
            }
            Keys::Url(remote) => {
                // Checked now, so that a wrong setting fails before any fetch.
                if let Some(configured) = &self.algorithms
                    && configured
                        .iter()
                        .any(|a| a.family() == AlgorithmFamily::Hmac)
                {
                    return Err(ConfigError::new(
                        "JWT_ALGORITHMS",
                        "a key set holds public keys: HMAC algorithms cannot be used with \
                         JWT_JWKS_URL",
                    ));
                }
                let remote = RemoteKeys {
                    remote: remote.clone(),
                    config: self.clone(),
                    keys: RwLock::new(Arc::new(Vec::new())),
                    last_fetch: Mutex::new(None),
                    fetching: tokio::sync::Mutex::new(()),
                };
                return Ok(self.authenticator(KeySet::Remote(Arc::new(remote))));
            }
        }
        Ok(self.authenticator(KeySet::Fixed(Arc::new(keys))))
    }

    /// [`build`](Self::build), and for a [`jwks_url`](Self::jwks_url) key
    /// set its first fetch: an identity provider that cannot be reached, or
    /// a key set without a usable key, is an error now rather than a refused
    /// token later.
    ///
    /// ```
    /// use chatkit_runtime::http::JwtConfig;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// // Nothing listens on port 9 of the loopback address.
    /// let error = JwtConfig::jwks_url("http://127.0.0.1:9/jwks.json")
    ///     .unwrap()
    ///     .build_async()
    ///     .await
    ///     .unwrap_err();
    /// assert_eq!(error.var(), "JWT_JWKS_URL");
    /// # }
    /// ```
    ///
    /// # Errors
    /// As [`build`](Self::build), and a key set that cannot be fetched.
    pub async fn build_async(self) -> Result<JwtAuthenticator, ConfigError> {
        let authenticator = self.build()?;
        authenticator.fetch_keys().await?;
        Ok(authenticator)
    }

    fn authenticator(&self, keys: KeySet) -> JwtAuthenticator {
        let mut policy = String::new();
        if !self.issuers.is_empty() {
            policy.push_str(&format!(", issuer {}", self.issuers.join(" or ")));
        }
        if !self.audiences.is_empty() {
            policy.push_str(&format!(", audience {}", self.audiences.join(" or ")));
        }
        let warning = self.audiences.is_empty().then(|| {
            "JWT_AUDIENCE is not set: tokens issued for any audience are accepted".to_owned()
        });
        JwtAuthenticator {
            keys,
            from_file: matches!(self.keys, Keys::Jwks(_)),
            policy,
            warning,
        }
    }

    /// The signing keys of a key set.
    fn set_keys(&self, set: &JwkSet) -> Result<Vec<Key>, String> {
        let mut keys = Vec::new();
        for jwk in &set.keys {
            match self.jwk_key(jwk) {
                Ok(Some(key)) => keys.push(key),
                Ok(None) => {}
                Err(why) => {
                    let kid = jwk.common.key_id.as_deref().unwrap_or("(no kid)");
                    return Err(format!("key {kid}: {why}"));
                }
            }
        }
        if keys.is_empty() {
            return Err("the key set has no public signing key".to_owned());
        }
        Ok(keys)
    }

    /// The algorithms a PEM key or secret of `family` verifies.
    fn key_algorithms(&self, family: AlgorithmFamily) -> Result<Vec<Algorithm>, String> {
        match &self.algorithms {
            None => Ok(vec![default_algorithm(family)]),
            Some(configured)
                if !configured.is_empty() && configured.iter().all(|a| a.family() == family) =>
            {
                Ok(configured.clone())
            }
            Some(_) => Err(format!(
                "JWT_ALGORITHMS must all be {family:?} algorithms for this key, such as {:?}",
                default_algorithm(family)
            )),
        }
    }

    /// The algorithms a JWK of `family` (whose `alg` is `alg`) verifies;
    /// none when the configured algorithms leave it out.
    fn jwk_algorithms(&self, family: AlgorithmFamily, alg: Option<Algorithm>) -> Vec<Algorithm> {
        match (alg, &self.algorithms) {
            (Some(alg), Some(configured)) if configured.contains(&alg) => vec![alg],
            (Some(_), Some(_)) => Vec::new(),
            (Some(alg), None) => vec![alg],
            (None, Some(configured)) => configured
                .iter()
                .copied()
                .filter(|a| a.family() == family)
                .collect(),
            (None, None) => vec![default_algorithm(family)],
        }
    }

    fn key(&self, kid: Option<String>, key: DecodingKey, algorithms: Vec<Algorithm>) -> Key {
        let mut validation = Validation::new(algorithms[0]);
        validation.algorithms = algorithms;
        validation.leeway = self.leeway;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        let mut required = vec!["exp", "sub"];
        if self.issuers.is_empty() {
            validation.iss = None;
        } else {
            validation.set_issuer(&self.issuers);
            required.push("iss");
        }
        if self.audiences.is_empty() {
            validation.validate_aud = false;
        } else {
            validation.set_audience(&self.audiences);
            required.push("aud");
        }
        validation.set_required_spec_claims(&required);
        Key {
            kid,
            key,
            validation,
        }
    }

    /// The key of a JWK, `None` for keys not meant for signatures.
    fn jwk_key(&self, jwk: &Jwk) -> Result<Option<Key>, String> {
        use jsonwebtoken::jwk::{KeyOperations, PublicKeyUse};
        if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption))
            || jwk.common.key_operations.as_ref().is_some_and(|ops| {
                !ops.is_empty() && !ops.iter().any(|op| matches!(op, KeyOperations::Verify))
            })
        {
            return Ok(None);
        }
        let family = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => AlgorithmFamily::Rsa,
            AlgorithmParameters::EllipticCurve(params) => {
                if !matches!(params.curve, EllipticCurve::P256 | EllipticCurve::P384) {
                    return Ok(None);
                }
                AlgorithmFamily::Ec
            }
            AlgorithmParameters::OctetKeyPair(_) => AlgorithmFamily::Ed,
            // A public key set never holds shared secrets; refuse to treat one as such.
            AlgorithmParameters::OctetKey(_) => {
                return Err("symmetric keys (kty oct) are not accepted in a key set".to_owned());
            }
            _ => return Ok(None),
        };
        let jwk_alg = match jwk.common.key_algorithm {
            None => match &jwk.algorithm {
                AlgorithmParameters::EllipticCurve(params)
                    if params.curve == EllipticCurve::P384 =>
                {
                    Some(Algorithm::ES384)
                }
                _ => None,
            },
            Some(alg) => match Algorithm::try_from(alg) {
                Ok(alg) if alg.family() == family => Some(alg),
                Ok(alg) => return Err(format!("`alg` {alg:?} does not fit a {family:?} key")),
                Err(_) => return Ok(None),
            },
        };
        let algorithms = self.jwk_algorithms(family, jwk_alg);
        if algorithms.is_empty() {
            return Ok(None);
        }
        let key = DecodingKey::from_jwk(jwk).map_err(|err| format!("unusable: {err}"))?;
        Ok(Some(self.key(jwk.common.key_id.clone(), key, algorithms)))
    }
}

fn default_algorithm(family: AlgorithmFamily) -> Algorithm {
    match family {
        AlgorithmFamily::Hmac => Algorithm::HS256,
        AlgorithmFamily::Rsa => Algorithm::RS256,
        AlgorithmFamily::Ec => Algorithm::ES256,
        AlgorithmFamily::Ed => Algorithm::EdDSA,
    }
}

fn list(lookup: Lookup<'_>, var: &str) -> Vec<String> {
    non_empty(lookup, var)
        .map(|value| {
            value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

struct Key {
    kid: Option<String>,
    key: DecodingKey,
    validation: Validation,
}

/// The keys tokens are checked with.
#[derive(Clone)]
enum KeySet {
    /// A secret, a PEM key or a key set file: fixed.
    Fixed(Arc<Vec<Key>>),
    /// A key set at a URL: cached, refetched.
    Remote(Arc<RemoteKeys>),
}

/// A key set at a URL and what is known of it.
struct RemoteKeys {
    remote: JwksUrl,
    /// Turns the fetched keys into [`Key`]s.
    config: JwtConfig,
    /// The keys of the last good fetch (none before the first).
    keys: RwLock<Arc<Vec<Key>>>,
    /// When the last fetch started, good or not: refetches wait
    /// `refetch_interval` after it.
    last_fetch: Mutex<Option<Instant>>,
    /// Held while fetching, so that concurrent tokens with a new `kid`
    /// make one request.
    fetching: tokio::sync::Mutex<()>,
}

impl RemoteKeys {
    fn current(&self) -> Arc<Vec<Key>> {
        Arc::clone(&self.keys.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Whether `refetch_interval` has passed since the last fetch began.
    fn due(&self) -> bool {
        let last = self
            .last_fetch
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        last.is_none_or(|at| at.elapsed() >= self.remote.refetch_interval)
    }

    /// Fetches now, replacing the keys held when it works.
    async fn fetch(&self) -> Result<usize, String> {
        let _one_at_a_time = self.fetching.lock().await;
        self.fetch_locked().await
    }

    /// Fetches unless another fetch began within `refetch_interval`
    /// (perhaps the one this call waited for: a token that arrives during a
    /// fetch waits for its keys). Failures are logged and the keys held kept.
    async fn refetch_if_due(&self) {
        let _one_at_a_time = self.fetching.lock().await;
        if !self.due() {
            return;
        }
        if let Err(why) = self.fetch_locked().await {
            tracing::warn!(
                url = %self.remote.url,
                error = %why,
                "cannot refetch the JWT key set; the keys already held stay in use"
            );
        }
    }

    async fn fetch_locked(&self) -> Result<usize, String> {
        *self
            .last_fetch
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
        let keys = self.download().await?;
        let count = keys.len();
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(keys);
        Ok(count)
    }

    async fn download(&self) -> Result<Vec<Key>, String> {
        let http = match &self.remote.http {
            Some(http) => http.clone(),
            None => crate::outbound::client().map_err(|err| err.to_string())?,
        };
        let mut response = http
            .get(self.remote.url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(JWKS_FETCH_TIMEOUT)
            .send()
            .await
            .map_err(|err| crate::outbound::error_chain(&err))?;
        if !response.status().is_success() {
            return Err(format!("it answered HTTP {}", response.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| crate::outbound::error_chain(&err))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_JWKS_LEN {
                return Err(format!("the key set is larger than {MAX_JWKS_LEN} bytes"));
            }
        }
        let set: JwkSet = serde_json::from_slice(&body)
            .map_err(|err| format!("not a JSON Web Key Set: {err}"))?;
        self.config.set_keys(&set)
    }
}

/// Checks `Authorization: Bearer <jwt>`: the signature with the configured
/// key, `exp` and `nbf` (with leeway), `iss` and `aud` when configured, and
/// a `sub`, which becomes the [`User`] id. The token's `alg` must be one of
/// the key's algorithms: `none`, and an HMAC token "signed" with a public
/// key, are refused.
///
/// With a [`JwtConfig::jwks_url`] key set, a token whose `kid` is not among
/// the keys held prompts a refetch (at most once per
/// [`JwtConfig::jwks_refetch_interval`]); see [`fetch_keys`](Self::fetch_keys).
#[derive(Clone)]
pub struct JwtAuthenticator {
    keys: KeySet,
    from_file: bool,
    /// The issuer and audience part of the description.
    policy: String,
    warning: Option<String>,
}

impl Clone for Key {
    fn clone(&self) -> Self {
        Self {
            kid: self.kid.clone(),
            key: self.key.clone(),
            validation: self.validation.clone(),
        }
    }
}

impl fmt::Debug for JwtAuthenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtAuthenticator")
            .field("description", &self.description())
            .finish_non_exhaustive()
    }
}

impl JwtAuthenticator {
    /// Fetches a [`JwtConfig::jwks_url`] key set now and keeps its keys (a
    /// no-op for other key sources). Call it at startup when the
    /// authenticator came from [`JwtConfig::build`] or
    /// [`Auth::from_env`](super::Auth::from_env), which fetch nothing:
    ///
    /// ```no_run
    /// use chatkit_runtime::http::Auth;
    ///
    /// # async fn run() -> Result<(), chatkit_runtime::http::ConfigError> {
    /// if let Some(Auth::Jwt(jwt)) = Auth::from_env()? {
    ///     jwt.fetch_keys().await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// `JWT_JWKS_URL` when the set cannot be fetched or holds no usable
    /// key; the keys held before, if any, are kept.
    pub async fn fetch_keys(&self) -> Result<(), ConfigError> {
        let KeySet::Remote(remote) = &self.keys else {
            return Ok(());
        };
        remote.fetch().await.map(drop).map_err(|why| {
            ConfigError::new(
                "JWT_JWKS_URL",
                format!("cannot fetch the key set from {}: {why}", remote.remote.url),
            )
        })
    }

    /// The user a token stands for, checked with the keys held now: no
    /// fetch (the [`Authenticator`] does refetch a `JWT_JWKS_URL` key set
    /// for an unknown `kid`).
    ///
    /// # Errors
    /// Why the token is refused (for logs, not for the client).
    pub fn verify(&self, token: &str) -> Result<User, AuthError> {
        let header = decode_header(token)?;
        let keys = match &self.keys {
            KeySet::Fixed(keys) => Arc::clone(keys),
            KeySet::Remote(remote) => remote.current(),
        };
        verify_with(&keys, token, &header)
    }

    /// [`verify`](Self::verify), refetching a remote key set first when the
    /// token's `kid` is unknown (or nothing was fetched yet) and the refetch
    /// interval allows.
    async fn verify_fetching(&self, token: &str) -> Result<User, AuthError> {
        let KeySet::Remote(remote) = &self.keys else {
            return self.verify(token);
        };
        let header = decode_header(token)?;
        let mut keys = remote.current();
        let unknown = keys.is_empty()
            || header
                .kid
                .as_deref()
                .is_some_and(|kid| !keys.iter().any(|key| key.kid.as_deref() == Some(kid)));
        if unknown {
            remote.refetch_if_due().await;
            keys = remote.current();
        }
        verify_with(&keys, token, &header)
    }

    fn description(&self) -> String {
        let keys = match &self.keys {
            KeySet::Fixed(keys) => Arc::clone(keys),
            KeySet::Remote(remote) => remote.current(),
        };
        let mut algorithms: Vec<String> = keys
            .iter()
            .flat_map(|key| key.validation.algorithms.iter().map(|a| format!("{a:?}")))
            .collect();
        algorithms.sort();
        algorithms.dedup();
        let mut description = format!("JWT bearer tokens ({}", algorithms.join(", "));
        match &self.keys {
            KeySet::Remote(remote) if keys.is_empty() => {
                description = format!(
                    "JWT bearer tokens (key set at {}, not fetched yet",
                    remote.remote.url
                );
            }
            KeySet::Remote(remote) => {
                description.push_str(&format!(", {} keys from {}", keys.len(), remote.remote.url));
            }
            KeySet::Fixed(_) if self.from_file => {
                description.push_str(&format!(", {} keys from a JWKS file", keys.len()));
            }
            KeySet::Fixed(_) => {}
        }
        description.push(')');
        description.push_str(&self.policy);
        description
    }
}

fn decode_header(token: &str) -> Result<jsonwebtoken::Header, AuthError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(AuthError::invalid("the token is too long"));
    }
    jsonwebtoken::decode_header(token)
        .map_err(|err| AuthError::invalid(format!("malformed token: {err}")))
}

fn verify_with(
    keys: &[Key],
    token: &str,
    header: &jsonwebtoken::Header,
) -> Result<User, AuthError> {
    let candidates: Vec<&Key> = match &header.kid {
        Some(kid) if keys.iter().any(|key| key.kid.is_some()) => keys
            .iter()
            .filter(|key| key.kid.as_deref() == Some(kid))
            .collect(),
        _ => keys.iter().collect(),
    };
    let candidates: Vec<&Key> = candidates
        .into_iter()
        .filter(|key| key.validation.algorithms.contains(&header.alg))
        .collect();
    if candidates.is_empty() {
        return Err(AuthError::invalid(format!(
            "no key accepts alg {:?} and kid {:?}",
            header.alg, header.kid
        )));
    }
    let mut last = None;
    for key in candidates {
        match jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &key.validation) {
            Ok(data) => return user_of(data.claims),
            Err(err) => last = Some(err),
        }
    }
    Err(AuthError::invalid(format!(
        "token refused: {}",
        last.map(|err| err.to_string()).unwrap_or_default()
    )))
}

fn user_of(claims: Map<String, Value>) -> Result<User, AuthError> {
    let id = match claims.get("sub") {
        Some(Value::String(sub)) if !sub.is_empty() && sub.len() <= MAX_USER_ID_LEN => sub.clone(),
        _ => return Err(AuthError::invalid("`sub` is not a usable user id")),
    };
    Ok(User { id, claims })
}

/// The token of `Authorization: Bearer <token>`.
pub(crate) fn bearer_token(parts: &Parts) -> Result<&str, AuthError> {
    let value = parts
        .headers
        .get(AUTHORIZATION)
        .ok_or_else(AuthError::missing)?;
    let value = value
        .to_str()
        .map_err(|_| AuthError::invalid("the Authorization header is not text"))?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| AuthError::invalid("the Authorization header is not `Bearer <token>`"))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(AuthError::invalid(
            "the Authorization header is not `Bearer <token>`",
        ));
    }
    Ok(token.trim())
}

#[async_trait]
impl Authenticator<User> for JwtAuthenticator {
    async fn authenticate(&self, parts: &Parts) -> Result<User, AuthError> {
        self.verify_fetching(bearer_token(parts)?).await
    }

    fn describe(&self) -> String {
        self.description()
    }

    fn startup_warning(&self) -> Option<String> {
        self.warning.clone()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<Option<JwtConfig>, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        JwtConfig::from_lookup(&move |name| vars.get(name).cloned())
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn nothing_set_is_no_jwt() {
        assert!(from(&[]).unwrap().is_none());
        let error = from(&[("JWT_AUDIENCE", "x")]).unwrap_err();
        assert_eq!(error.var(), "JWT_AUDIENCE");
    }

    #[test]
    fn one_key_source_only() {
        let error = from(&[("JWT_SECRET", SECRET), ("JWT_JWKS_FILE", "/x")]).unwrap_err();
        assert!(error.message().contains("only one"), "{error}");
    }

    #[test]
    fn a_short_secret_is_refused_without_being_repeated() {
        let error = from(&[("JWT_SECRET", "hunter2")])
            .unwrap()
            .unwrap()
            .build()
            .unwrap_err();
        assert_eq!(error.var(), "JWT_SECRET");
        assert!(!error.to_string().contains("hunter2"), "{error}");
        assert!(!format!("{:?}", JwtConfig::hs256("hunter2")).contains("hunter2"));
    }

    #[test]
    fn algorithms_must_fit_the_key() {
        let error = from(&[("JWT_SECRET", SECRET), ("JWT_ALGORITHMS", "RS256")])
            .unwrap()
            .unwrap()
            .build()
            .unwrap_err();
        assert_eq!(error.var(), "JWT_ALGORITHMS");
        assert!(error.message().contains("Hmac"), "{error}");
        let error = from(&[("JWT_SECRET", SECRET), ("JWT_ALGORITHMS", "none")]).unwrap_err();
        assert_eq!(error.var(), "JWT_ALGORITHMS");
        let auth = from(&[
            ("JWT_SECRET", SECRET),
            ("JWT_ALGORITHMS", "HS256,HS512"),
            ("JWT_ISSUER", "a, b"),
            ("JWT_AUDIENCE", "chatkit"),
            ("JWT_LEEWAY", "5s"),
        ])
        .unwrap()
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(
            Authenticator::describe(&auth),
            "JWT bearer tokens (HS256, HS512), issuer a or b, audience chatkit"
        );
        assert!(Authenticator::startup_warning(&auth).is_none());
    }

    #[test]
    fn a_missing_key_file_is_a_clear_error() {
        let error = from(&[("JWT_PUBLIC_KEY_FILE", "/nonexistent/key.pem")]).unwrap_err();
        assert_eq!(error.var(), "JWT_PUBLIC_KEY_FILE");
        assert!(error.message().contains("/nonexistent/key.pem"), "{error}");
        let error = JwtConfig::public_key_pem("not a key").build().unwrap_err();
        assert!(error.message().contains("PEM"), "{error}");
        let error = JwtConfig::jwks(r#"{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}"#)
            .unwrap()
            .build()
            .unwrap_err();
        assert!(error.message().contains("symmetric"), "{error}");
    }
}
