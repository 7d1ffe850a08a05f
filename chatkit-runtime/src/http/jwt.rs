//! Bearer JWTs: HS256 with a shared secret, or RS256/ES256 (and the rest
//! of their families) with a PEM public key or a JWKS file.

use std::fmt;
use std::path::Path;

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

#[derive(Clone)]
enum Keys {
    Secret(Vec<u8>),
    Pem(Vec<u8>),
    Jwks(JwkSet),
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

    /// Reads `JWT_SECRET`, `JWT_PUBLIC_KEY_FILE` or `JWT_JWKS_FILE` (one of
    /// them), then `JWT_ISSUER`, `JWT_AUDIENCE` (comma-separated lists),
    /// `JWT_ALGORITHMS` (such as `RS256,PS256`) and `JWT_LEEWAY` (a
    /// duration). `None` when no key is configured.
    ///
    /// # Errors
    /// Several key sources, an unreadable file, or an invalid value.
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Option<Self>, ConfigError> {
        let secret = non_empty(lookup, "JWT_SECRET");
        let pem = non_empty(lookup, "JWT_PUBLIC_KEY_FILE");
        let jwks = non_empty(lookup, "JWT_JWKS_FILE");
        let sources = [secret.is_some(), pem.is_some(), jwks.is_some()];
        if sources.iter().filter(|set| **set).count() > 1 {
            return Err(ConfigError::new(
                "JWT_SECRET",
                "set only one of JWT_SECRET, JWT_PUBLIC_KEY_FILE and JWT_JWKS_FILE",
            ));
        }
        let mut config = match (secret, pem, jwks) {
            (Some(secret), _, _) => Self::hs256(secret),
            (_, Some(path), _) => Self::public_key_file(path.trim())?,
            (_, _, Some(path)) => Self::jwks_file(path.trim())?,
            _ => {
                for var in ["JWT_ISSUER", "JWT_AUDIENCE", "JWT_ALGORITHMS"] {
                    if non_empty(lookup, var).is_some() {
                        return Err(ConfigError::new(
                            var,
                            "is set, but no key is: set JWT_SECRET, JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE",
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
                for jwk in &set.keys {
                    match self.jwk_key(jwk) {
                        Ok(Some(key)) => keys.push(key),
                        Ok(None) => {}
                        Err(why) => {
                            let kid = jwk.common.key_id.as_deref().unwrap_or("(no kid)");
                            return Err(ConfigError::new(source, format!("key {kid}: {why}")));
                        }
                    }
                }
                if keys.is_empty() {
                    return Err(ConfigError::new(
                        source,
                        "the key set has no public signing key",
                    ));
                }
            }
        }
        let mut algorithms: Vec<String> = keys
            .iter()
            .flat_map(|key| key.validation.algorithms.iter().map(|a| format!("{a:?}")))
            .collect();
        algorithms.sort();
        algorithms.dedup();
        let mut description = format!("JWT bearer tokens ({}", algorithms.join(", "));
        if let Keys::Jwks(_) = self.keys {
            description.push_str(&format!(", {} keys from a JWKS file", keys.len()));
        }
        description.push(')');
        if !self.issuers.is_empty() {
            description.push_str(&format!(", issuer {}", self.issuers.join(" or ")));
        }
        if !self.audiences.is_empty() {
            description.push_str(&format!(", audience {}", self.audiences.join(" or ")));
        }
        let warning = self.audiences.is_empty().then(|| {
            "JWT_AUDIENCE is not set: tokens issued for any audience are accepted".to_owned()
        });
        Ok(JwtAuthenticator {
            keys,
            description,
            warning,
        })
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

/// Checks `Authorization: Bearer <jwt>`: the signature with the configured
/// key, `exp` and `nbf` (with leeway), `iss` and `aud` when configured, and
/// a `sub`, which becomes the [`User`] id. The token's `alg` must be one of
/// the key's algorithms: `none`, and an HMAC token "signed" with a public
/// key, are refused.
#[derive(Clone)]
pub struct JwtAuthenticator {
    keys: Vec<Key>,
    description: String,
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
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

impl JwtAuthenticator {
    /// The user a token stands for.
    ///
    /// # Errors
    /// Why the token is refused (for logs, not for the client).
    pub fn verify(&self, token: &str) -> Result<User, AuthError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(AuthError::invalid("the token is too long"));
        }
        let header = jsonwebtoken::decode_header(token)
            .map_err(|err| AuthError::invalid(format!("malformed token: {err}")))?;
        let candidates: Vec<&Key> = match &header.kid {
            Some(kid) if self.keys.iter().any(|key| key.kid.is_some()) => self
                .keys
                .iter()
                .filter(|key| key.kid.as_deref() == Some(kid))
                .collect(),
            _ => self.keys.iter().collect(),
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
        self.verify(bearer_token(parts)?)
    }

    fn describe(&self) -> String {
        self.description.clone()
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
