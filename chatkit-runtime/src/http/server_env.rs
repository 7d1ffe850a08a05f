//! [`ServerEnv`]: what a server binary reads from its environment at startup.

use super::config::non_empty;
use super::{Auth, ConfigError, HttpConfig, LogConfig, Lookup};

/// Where a server listens when `CHATKIT_ADDR` is unset.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8000";

/// Everything a ChatKit server binary reads from its environment, checked
/// together before anything starts, so that a mistake stops the process
/// at once with the variable's name:
///
/// - `CHATKIT_ADDR`: where to listen, `host:port` ([`DEFAULT_ADDR`] when unset);
/// - `DATABASE_URL`: the store for [`store::open`](crate::store::open)
///   (`sqlite://chatkit.db` when unset);
/// - [`LogConfig::from_env`], [`Auth::from_env`] and [`HttpConfig::from_env`].
///
/// The model is chosen separately, by [`model::from_env`](crate::model::from_env)
/// or [`model::from_env_or_offline`](crate::model::from_env_or_offline).
///
/// ```no_run
/// use chatkit_runtime::http::{Anonymous, App, Auth, ServerEnv};
/// use chatkit_runtime::server::ChatKit;
/// # use chatkit_runtime::{async_trait, protocol::UserMessageItem, server::*, http::User};
/// # struct Assistant;
/// # #[async_trait] impl ChatKitServer<User> for Assistant {
/// #     async fn respond(&self, _: &ThreadHandle, _: Option<&UserMessageItem>, _: &EventSender, _: &User)
/// #         -> Result<(), StreamError> { Ok(()) } }
///
/// #[tokio::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let env = ServerEnv::from_env()?;
///     env.logs.init()?;
///     let store = chatkit_runtime::store::open(&env.database_url).await?;
///     // No JWT_* or CHATKIT_DEV_USER_HEADER: a single anonymous user, for a demo.
///     let auth = env.auth.unwrap_or_else(|| Auth::Anonymous(Anonymous::new()));
///     let app = App::new(ChatKit::with_store(Assistant, store), auth).config(env.http);
///     app.serve(tokio::net::TcpListener::bind(&env.addr).await?).await?;
///     Ok(())
/// }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerEnv {
    /// `CHATKIT_ADDR`, such as `0.0.0.0:8000`.
    pub addr: String,
    /// `DATABASE_URL`, such as `postgres://app@db/chat`.
    pub database_url: String,
    /// `LOG_FORMAT` and `RUST_LOG`; not installed yet (see [`LogConfig::init`]).
    pub logs: LogConfig,
    /// The authentication configured, if any: the app decides what `None`
    /// means (refuse to start, or [`Anonymous`](super::Anonymous) for a demo).
    pub auth: Option<Auth>,
    /// CORS, limits and timeouts.
    pub http: HttpConfig,
}

impl ServerEnv {
    /// Reads and checks every variable.
    ///
    /// # Errors
    /// The first variable whose value cannot be used, named with what was
    /// expected.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with variables from `lookup`.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        let addr = non_empty(lookup, "CHATKIT_ADDR")
            .map_or_else(|| DEFAULT_ADDR.to_owned(), |addr| addr.trim().to_owned());
        check_addr(&addr)?;
        let database_url = non_empty(lookup, "DATABASE_URL").map_or_else(
            || crate::store::DEFAULT_URL.to_owned(),
            |url| url.trim().to_owned(),
        );
        Ok(Self {
            addr,
            database_url,
            logs: LogConfig::from_lookup(lookup)?,
            auth: Auth::from_lookup(lookup)?,
            http: HttpConfig::from_lookup(lookup)?,
        })
    }
}

/// A listen address is `host:port`; the host may be a name, resolved when
/// the server binds.
fn check_addr(addr: &str) -> Result<(), ConfigError> {
    let valid = addr
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    if valid {
        Ok(())
    } else {
        Err(ConfigError::invalid(
            "CHATKIT_ADDR",
            addr,
            "expected host:port, such as 127.0.0.1:8000",
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<ServerEnv, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        ServerEnv::from_lookup(&|name| vars.get(name).cloned())
    }

    #[test]
    fn unset_or_blank_variables_take_the_defaults() {
        for vars in [&[][..], &[("CHATKIT_ADDR", " "), ("DATABASE_URL", "")][..]] {
            let env = read(vars).unwrap();
            assert_eq!(env.addr, "127.0.0.1:8000");
            assert_eq!(env.database_url, "sqlite://chatkit.db");
            assert!(env.auth.is_none());
        }
    }

    #[test]
    fn set_variables_are_read() {
        let env = read(&[
            ("CHATKIT_ADDR", "0.0.0.0:9000"),
            ("DATABASE_URL", " postgres://app@db/chat "),
            ("CHATKIT_DEV_USER_HEADER", "x-user-id"),
        ])
        .unwrap();
        assert_eq!(env.addr, "0.0.0.0:9000");
        assert_eq!(env.database_url, "postgres://app@db/chat");
        assert!(matches!(env.auth, Some(Auth::DevHeader(_))));
    }

    #[test]
    fn addresses_need_a_host_and_a_port() {
        for addr in ["localhost:8000", "[::1]:8000", "chat.internal:443"] {
            assert_eq!(read(&[("CHATKIT_ADDR", addr)]).unwrap().addr, addr);
        }
        for addr in [
            "nowhere",
            ":8000",
            "localhost:",
            "localhost:http",
            "host:70000",
        ] {
            let err = read(&[("CHATKIT_ADDR", addr)]).unwrap_err();
            assert_eq!(err.var(), "CHATKIT_ADDR", "{addr}");
            assert!(
                err.to_string().contains(&format!("`{addr}` is invalid")),
                "{err}"
            );
        }
    }

    #[test]
    fn every_other_setting_is_checked_too() {
        for (var, value) in [
            ("LOG_FORMAT", "xml"),
            ("CORS_ORIGINS", "app.example.com"),
            ("JWT_SECRET", "short"),
        ] {
            let err = read(&[(var, value)]).unwrap_err();
            assert_eq!(err.var(), var);
        }
    }

    /// Without the `jwt` feature, JWT settings stop the start, naming the
    /// feature: never a server without the authentication it was given.
    #[cfg(not(feature = "jwt"))]
    #[test]
    fn jwt_settings_need_the_jwt_feature() {
        for var in ["JWT_SECRET", "JWT_JWKS_URL", "JWT_AUDIENCE", "JWT_LEEWAY"] {
            for vars in [
                &[(var, "a-secret-value")][..],
                &[
                    (var, "a-secret-value"),
                    ("CHATKIT_DEV_USER_HEADER", "x-user-id"),
                ][..],
            ] {
                let err = read(vars).unwrap_err();
                assert_eq!(err.var(), var);
                assert!(err.message().contains("the `jwt` feature"), "{err}");
                assert!(!err.to_string().contains("a-secret-value"), "{err}");
            }
        }
        assert!(read(&[("JWT_SECRET", " ")]).unwrap().auth.is_none());
    }
}
