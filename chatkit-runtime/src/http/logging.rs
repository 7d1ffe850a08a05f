//! Logs: `tracing` to stderr, as text or JSON lines.

use std::str::FromStr as _;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use super::config::{ConfigError, Lookup, non_empty};

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line, with the request's span fields
    /// (`request_type`, `thread_id`, `user_id`): for log pipelines.
    Json,
}

/// What to log, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogConfig {
    /// The format.
    pub format: LogFormat,
    /// A filter such as `info` or `info,chatkit_runtime=debug,sqlx=warn`.
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            filter: "info".to_owned(),
        }
    }
}

impl LogConfig {
    /// `LOG_FORMAT` (`text` or `json`) and `RUST_LOG` (a filter such as
    /// `info,chatkit_runtime=debug`; `info` by default).
    ///
    /// # Errors
    /// An unknown format or a filter that does not parse.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with variables from `lookup`.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        let format = match non_empty(lookup, "LOG_FORMAT") {
            None => LogFormat::Text,
            Some(value) => match value.trim().to_ascii_lowercase().as_str() {
                "text" | "pretty" | "plain" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => {
                    return Err(ConfigError::invalid(
                        "LOG_FORMAT",
                        &value,
                        "expected json or text",
                    ));
                }
            },
        };
        let filter = non_empty(lookup, "RUST_LOG").unwrap_or_else(|| "info".to_owned());
        Targets::from_str(&filter).map_err(|err| {
            ConfigError::invalid(
                "RUST_LOG",
                &filter,
                &format!("expected a filter such as info,chatkit_runtime=debug ({err})"),
            )
        })?;
        Ok(Self { format, filter })
    }

    /// Installs the global `tracing` subscriber: lines to stderr. Does
    /// nothing if one is installed already (by the app, or a test).
    ///
    /// # Errors
    /// A filter that does not parse.
    pub fn init(&self) -> Result<(), ConfigError> {
        let targets = Targets::from_str(&self.filter)
            .map_err(|err| ConfigError::invalid("RUST_LOG", &self.filter, &err.to_string()))?;
        let registry = tracing_subscriber::registry().with(targets);
        let _already_set = match self.format {
            LogFormat::Text => registry
                .with(
                    tracing_subscriber::fmt::layer()
                        .with_writer(std::io::stderr)
                        .with_ansi(false),
                )
                .try_init(),
            LogFormat::Json => registry
                .with(
                    tracing_subscriber::fmt::layer()
                        .json()
                        .with_current_span(true)
                        .with_span_list(false)
                        .with_writer(std::io::stderr),
                )
                .try_init(),
        };
        Ok(())
    }
}

/// [`LogConfig::from_env`], then [`LogConfig::init`].
///
/// # Errors
/// As [`LogConfig::from_env`].
pub fn init_logging_from_env() -> Result<(), ConfigError> {
    LogConfig::from_env()?.init()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_format_and_filter() {
        let config = LogConfig::from_lookup(&|name| match name {
            "LOG_FORMAT" => Some("JSON".to_owned()),
            "RUST_LOG" => Some("warn,chatkit_runtime=debug".to_owned()),
            _ => None,
        })
        .unwrap();
        assert_eq!(config.format, LogFormat::Json);
        assert_eq!(config.filter, "warn,chatkit_runtime=debug");
        let error =
            LogConfig::from_lookup(&|name| (name == "LOG_FORMAT").then(|| "yaml".to_owned()))
                .unwrap_err();
        assert_eq!(error.var(), "LOG_FORMAT");
        assert_eq!(
            LogConfig::from_lookup(&|_| None).unwrap(),
            LogConfig::default()
        );
    }
}
