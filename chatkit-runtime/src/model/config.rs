//! Choosing a model from environment variables.

use std::fmt;
use std::sync::Arc;

use super::Model;
#[cfg(feature = "openai")]
use super::chat_completions::ChatCompletionsModel;
#[cfg(feature = "openai")]
use super::connection::ApiKey;
#[cfg(feature = "openai")]
use super::openai::OpenAiResponsesModel;

/// The model [`from_env`] uses with OpenAI when `CHATKIT_MODEL` is unset.
pub const DEFAULT_OPENAI_MODEL: &str = "gpt-4.1-mini";
/// The model [`from_env`] uses with Gemini when `CHATKIT_MODEL` is unset.
pub const DEFAULT_GEMINI_MODEL: &str = "gemini-2.5-flash";

/// Every variable [`from_env`] reads. Without the `openai` feature, any of
/// them set asks for a provider that this build does not have.
#[cfg(any(test, not(feature = "openai")))]
const PROVIDER_VARIABLES: &[&str] = &[
    "LLM_PROVIDER",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "GEMINI_API_KEY",
    "GEMINI_BASE_URL",
    "AZURE_OPENAI_ENDPOINT",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_DEPLOYMENT",
    "OPENAI_API_VERSION",
    "CHATKIT_MODEL",
];

/// A model configuration that cannot work. Its text names the variable at
/// fault and never holds an API key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required variable is unset or empty.
    Missing {
        /// The variable.
        variable: &'static str,
        /// Why it is needed.
        reason: String,
    },
    /// A variable has a value that cannot be used.
    Invalid {
        /// The variable.
        variable: &'static str,
        /// What is wrong with it (never the value of a secret).
        reason: String,
    },
    /// A model provider is asked for, but this build of chatkit-runtime
    /// has none: the Cargo feature the providers need is off.
    FeatureDisabled {
        /// The variable that asks for a provider (`LLM_PROVIDER` when
        /// [`from_env`] is called with none set).
        variable: &'static str,
        /// The feature of chatkit-runtime the providers need: `openai`.
        feature: &'static str,
    },
}

impl ConfigError {
    /// The variable at fault.
    pub fn variable(&self) -> &'static str {
        match self {
            Self::Missing { variable, .. }
            | Self::Invalid { variable, .. }
            | Self::FeatureDisabled { variable, .. } => variable,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { variable, reason } => write!(f, "{variable} is not set: {reason}"),
            Self::Invalid { variable, reason } => write!(f, "{variable} is invalid: {reason}"),
            Self::FeatureDisabled { variable, feature } => write!(
                f,
                "{variable}: the model providers need the `{feature}` feature of \
                 chatkit-runtime, which this build leaves out: add \"{feature}\" to \
                 chatkit-runtime's `features` in Cargo.toml"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The model the environment asks for.
///
/// | Variable | Meaning |
/// |---|---|
/// | `LLM_PROVIDER` | `openai` (the default: the Responses API), `gemini` (Gemini's OpenAI-compatible Chat Completions endpoint), `azure` (Azure OpenAI's Chat Completions, by deployment) or `openai-compatible` (Chat Completions at `OPENAI_BASE_URL`: LiteLLM, Ollama, vLLM, …) |
/// | `OPENAI_API_KEY` | required for `openai`, optional for `openai-compatible` |
/// | `OPENAI_BASE_URL` | optional for `openai` (another Responses server), required for `openai-compatible`, e.g. `http://localhost:11434/v1` |
/// | `GEMINI_API_KEY` | required for `gemini` |
/// | `GEMINI_BASE_URL` | optional for `gemini`: another endpoint speaking Gemini's OpenAI-compatible API (a gateway, a proxy) |
/// | `AZURE_OPENAI_ENDPOINT` | required for `azure`: the resource's URL, `https://<resource>.openai.azure.com` |
/// | `AZURE_OPENAI_API_KEY` | required for `azure` (sent as `api-key`) |
/// | `OPENAI_API_VERSION` | required for `azure`: the API version, such as `2024-10-21` |
/// | `AZURE_OPENAI_DEPLOYMENT` | for `azure`: the deployment to call (`CHATKIT_MODEL` when unset) |
/// | `CHATKIT_MODEL` | the model; defaults to [`DEFAULT_OPENAI_MODEL`] or [`DEFAULT_GEMINI_MODEL`], required for `openai-compatible` and (without `AZURE_OPENAI_DEPLOYMENT`) for `azure` |
///
/// Empty variables count as unset. Requests go through the shared
/// [`outbound`](crate::outbound) client. The providers need the Cargo
/// feature `openai` (a default one).
///
/// ```no_run
/// let model = chatkit_runtime::model::from_env()?;
/// println!("using {}", model.name());
/// # Ok::<(), chatkit_runtime::model::ConfigError>(())
/// ```
///
/// # Errors
/// A [`ConfigError`] naming the variable that is missing or invalid;
/// without the `openai` feature, always [`ConfigError::FeatureDisabled`].
pub fn from_env() -> Result<Arc<dyn Model>, ConfigError> {
    from_env_with(|name| std::env::var(name).ok())
}

/// [`from_env`] with the variables read from `lookup` rather than the
/// process environment (for tests, or a configuration file).
///
/// ```
/// # #[cfg(feature = "openai")] {
/// use chatkit_runtime::model::from_env_with;
/// use chatkit_runtime::tool::SchemaDialect;
///
/// let model = from_env_with(|name| match name {
///     "LLM_PROVIDER" => Some("gemini".into()),
///     "GEMINI_API_KEY" => Some("my-key".into()),
///     _ => None,
/// })
/// .unwrap();
/// assert_eq!(model.name(), "gemini-2.5-flash");
/// assert_eq!(model.schema_dialect(), SchemaDialect::Gemini);
/// # }
/// ```
///
/// # Errors
/// As [`from_env`].
pub fn from_env_with(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Arc<dyn Model>, ConfigError> {
    let get = |name: &str| {
        lookup(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    configured_model(&get)
}

/// The model of the provider `get` configures.
#[cfg(feature = "openai")]
fn configured_model(get: &impl Fn(&str) -> Option<String>) -> Result<Arc<dyn Model>, ConfigError> {
    let provider = get("LLM_PROVIDER").unwrap_or_else(|| "openai".to_owned());
    let model = get("CHATKIT_MODEL");
    match provider.to_ascii_lowercase().as_str() {
        "openai" => {
            let key = required_key(
                get("OPENAI_API_KEY"),
                "OPENAI_API_KEY",
                "LLM_PROVIDER=openai",
            )?;
            let mut built = OpenAiResponsesModel::new(
                key,
                model.unwrap_or_else(|| DEFAULT_OPENAI_MODEL.to_owned()),
            );
            if let Some(url) = get("OPENAI_BASE_URL") {
                built = built.base_url(check_url(&url, "OPENAI_BASE_URL")?);
            }
            Ok(Arc::new(built))
        }
        "gemini" => {
            let key = required_key(
                get("GEMINI_API_KEY"),
                "GEMINI_API_KEY",
                "LLM_PROVIDER=gemini",
            )?;
            let mut built = ChatCompletionsModel::gemini(
                key,
                model.unwrap_or_else(|| DEFAULT_GEMINI_MODEL.to_owned()),
            );
            if let Some(url) = get("GEMINI_BASE_URL") {
                built = built.base_url(check_url(&url, "GEMINI_BASE_URL")?);
            }
            Ok(Arc::new(built))
        }
        "azure" | "azure-openai" | "azure_openai" => azure(get, model),
        "openai-compatible" | "openai_compatible" | "compatible" => {
            let url = get("OPENAI_BASE_URL").ok_or_else(|| ConfigError::Missing {
                variable: "OPENAI_BASE_URL",
                reason: "LLM_PROVIDER=openai-compatible needs the server's API URL, such as \
                         http://localhost:11434/v1"
                    .to_owned(),
            })?;
            let url = check_url(&url, "OPENAI_BASE_URL")?;
            let model = model.ok_or_else(|| ConfigError::Missing {
                variable: "CHATKIT_MODEL",
                reason: "LLM_PROVIDER=openai-compatible needs the name of the model to use"
                    .to_owned(),
            })?;
            let key = match get("OPENAI_API_KEY") {
                Some(key) => Some(required_key(Some(key), "OPENAI_API_KEY", "")?),
                None => None,
            };
            Ok(Arc::new(ChatCompletionsModel::compatible(
                url,
                key.as_deref(),
                model,
            )))
        }
        _ => Err(ConfigError::Invalid {
            variable: "LLM_PROVIDER",
            reason: format!(
                "`{provider}` is not a provider; use `openai`, `gemini`, `azure` or \
                 `openai-compatible`"
            ),
        }),
    }
}

/// No provider in this build: whatever `get` configures is refused, naming
/// the first variable set.
#[cfg(not(feature = "openai"))]
fn configured_model(get: &impl Fn(&str) -> Option<String>) -> Result<Arc<dyn Model>, ConfigError> {
    Err(ConfigError::FeatureDisabled {
        variable: first_provider_variable(get).unwrap_or("LLM_PROVIDER"),
        feature: "openai",
    })
}

/// The first of [`PROVIDER_VARIABLES`] that is set and not blank.
#[cfg(not(feature = "openai"))]
fn first_provider_variable(lookup: &impl Fn(&str) -> Option<String>) -> Option<&'static str> {
    PROVIDER_VARIABLES
        .iter()
        .copied()
        .find(|name| lookup(name).is_some_and(|value| !value.trim().is_empty()))
}

/// Azure OpenAI: Chat Completions at `{endpoint}/openai/deployments/{deployment}`
/// with `api-version`, through async-openai's `AzureConfig`.
#[cfg(feature = "openai")]
fn azure(
    get: &impl Fn(&str) -> Option<String>,
    model: Option<String>,
) -> Result<Arc<dyn Model>, ConfigError> {
    let endpoint = get("AZURE_OPENAI_ENDPOINT").ok_or_else(|| ConfigError::Missing {
        variable: "AZURE_OPENAI_ENDPOINT",
        reason: "LLM_PROVIDER=azure needs the resource's URL, such as \
                 https://my-resource.openai.azure.com"
            .to_owned(),
    })?;
    let endpoint = check_url(&endpoint, "AZURE_OPENAI_ENDPOINT")?;
    let key = required_key(
        get("AZURE_OPENAI_API_KEY"),
        "AZURE_OPENAI_API_KEY",
        "LLM_PROVIDER=azure",
    )?;
    let version = get("OPENAI_API_VERSION").ok_or_else(|| ConfigError::Missing {
        variable: "OPENAI_API_VERSION",
        reason: "LLM_PROVIDER=azure needs the API version, such as 2024-10-21".to_owned(),
    })?;
    let deployment =
        get("AZURE_OPENAI_DEPLOYMENT")
            .or(model)
            .ok_or_else(|| ConfigError::Missing {
                variable: "AZURE_OPENAI_DEPLOYMENT",
                reason: "LLM_PROVIDER=azure needs the name of the deployment to call (or \
                     CHATKIT_MODEL)"
                    .to_owned(),
            })?;
    // The deployment is a path segment: nothing that would change the path.
    if deployment.contains(['/', '?', '#', '%']) || deployment.chars().any(char::is_whitespace) {
        return Err(ConfigError::Invalid {
            variable: "AZURE_OPENAI_DEPLOYMENT",
            reason: format!("`{deployment}` is not a deployment name"),
        });
    }
    let config = async_openai::config::AzureConfig::new()
        .with_api_base(endpoint.trim_end_matches('/'))
        .with_api_key(key)
        .with_api_version(version)
        .with_deployment_id(deployment.clone());
    Ok(Arc::new(ChatCompletionsModel::from_config(
        config, deployment,
    )))
}

#[cfg(feature = "openai")]
fn required_key(
    key: Option<String>,
    variable: &'static str,
    needed_by: &str,
) -> Result<String, ConfigError> {
    let key = key.ok_or_else(|| ConfigError::Missing {
        variable,
        reason: format!("{needed_by} needs an API key"),
    })?;
    match ApiKey::new(key.as_str()) {
        Some(api_key) if api_key.is_valid_header() => Ok(key),
        _ => Err(ConfigError::Invalid {
            variable,
            reason: "the key has characters not allowed in an HTTP header (a line break or a \
                     control character?)"
                .to_owned(),
        }),
    }
}

#[cfg(feature = "openai")]
fn check_url(url: &str, variable: &'static str) -> Result<String, ConfigError> {
    let valid = url.parse::<http::Uri>().ok().is_some_and(|uri| {
        matches!(uri.scheme_str(), Some("http" | "https")) && uri.host().is_some()
    });
    if valid {
        Ok(url.to_owned())
    } else {
        Err(ConfigError::Invalid {
            variable,
            reason: if url.contains('@') {
                "not an http:// or https:// URL".to_owned()
            } else {
                format!("`{url}` is not an http:// or https:// URL")
            },
        })
    }
}

/// Which model [`from_env_or_offline`] chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelSource {
    /// A provider configured in the environment.
    Configured,
    /// The offline model: no provider is configured at all.
    Offline,
}

/// The model configured in the environment, as [`from_env`]; when nothing
/// is configured (no `LLM_PROVIDER`, no `OPENAI_API_KEY`, no
/// `GEMINI_API_KEY`), `offline()` instead, such as a [`CommandModel`](super::CommandModel).
/// A half-configured provider is an error, never a silent fallback; so is
/// any variable of [`from_env`] set in a build without the `openai` feature.
///
/// # Errors
/// As [`from_env`], when a provider is configured.
pub fn from_env_or_offline(
    offline: impl FnOnce() -> Arc<dyn Model>,
) -> Result<(Arc<dyn Model>, ModelSource), ConfigError> {
    from_env_or_offline_with(|name| std::env::var(name).ok(), offline)
}

/// Whether the environment configures a model provider at all: any of
/// `LLM_PROVIDER`, `OPENAI_API_KEY` or `GEMINI_API_KEY` is set.
pub fn is_configured() -> bool {
    is_configured_with(&|name: &str| std::env::var(name).ok())
}

fn is_configured_with(lookup: &impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| lookup(name).is_some_and(|value| !value.trim().is_empty());
    set("LLM_PROVIDER") || set("OPENAI_API_KEY") || set("GEMINI_API_KEY")
}

/// [`from_env_or_offline`] with the variables read from `lookup`.
///
/// # Errors
/// As [`from_env_with`], when a provider is configured.
pub fn from_env_or_offline_with(
    lookup: impl Fn(&str) -> Option<String>,
    offline: impl FnOnce() -> Arc<dyn Model>,
) -> Result<(Arc<dyn Model>, ModelSource), ConfigError> {
    if !asks_for_a_provider(&lookup) {
        return Ok((offline(), ModelSource::Offline));
    }
    from_env_with(lookup).map(|model| (model, ModelSource::Configured))
}

/// Whether [`from_env_or_offline_with`] must not go offline: a provider is
/// configured.
#[cfg(feature = "openai")]
fn asks_for_a_provider(lookup: &impl Fn(&str) -> Option<String>) -> bool {
    is_configured_with(lookup)
}

/// Without providers, any of their variables set is a mistake to report
/// (an API key that would be silently ignored), not a reason to go offline.
#[cfg(not(feature = "openai"))]
fn asks_for_a_provider(lookup: &impl Fn(&str) -> Option<String>) -> bool {
    first_provider_variable(lookup).is_some()
}

#[cfg(test)]
mod offline_tests {
    use super::*;

    fn offline() -> Arc<dyn Model> {
        Arc::new(crate::model::CommandModel::new("offline"))
    }

    #[test]
    fn offline_only_when_nothing_is_configured() {
        let (model, source) = from_env_or_offline_with(|_| None, offline).unwrap();
        assert_eq!((model.name(), source), ("offline", ModelSource::Offline));
        let blank = |_: &str| Some(" ".to_owned());
        let (_, source) = from_env_or_offline_with(blank, offline).unwrap();
        assert_eq!(source, ModelSource::Offline);
        let half = |name: &str| (name == "LLM_PROVIDER").then(|| "gemini".to_owned());
        assert!(from_env_or_offline_with(half, offline).is_err());
    }

    #[cfg(feature = "openai")]
    #[test]
    fn a_key_is_a_configured_provider() {
        let env = |name: &str| (name == "OPENAI_API_KEY").then(|| "sk-test".to_owned());
        let (_, source) = from_env_or_offline_with(env, offline).unwrap();
        assert_eq!(source, ModelSource::Configured);
    }

    #[cfg(feature = "openai")]
    #[test]
    fn provider_variables_are_all_that_from_env_reads() {
        for provider in ["openai", "gemini", "azure", "openai-compatible"] {
            let read = std::sync::Mutex::new(Vec::new());
            let lookup = |name: &str| {
                read.lock().unwrap().push(name.to_owned());
                Some(match name {
                    "LLM_PROVIDER" => provider.to_owned(),
                    _ if name.ends_with("_URL") || name.ends_with("_ENDPOINT") => {
                        "http://127.0.0.1:9/v1".to_owned()
                    }
                    _ => "x".to_owned(),
                })
            };
            from_env_with(lookup).expect(provider);
            for name in read.into_inner().unwrap() {
                assert!(PROVIDER_VARIABLES.contains(&name.as_str()), "{name}");
            }
        }
    }

    /// Without providers, any of their variables is refused by name, and
    /// the message says which feature to enable.
    #[cfg(not(feature = "openai"))]
    #[test]
    fn without_the_feature_a_configured_provider_is_an_error_naming_it() {
        for &variable in PROVIDER_VARIABLES {
            let env = |name: &str| (name == variable).then(|| "sk-secret".to_owned());
            let error = from_env_or_offline_with(env, offline)
                .err()
                .expect(variable);
            assert_eq!(
                error,
                ConfigError::FeatureDisabled {
                    variable,
                    feature: "openai"
                }
            );
            let message = error.to_string();
            assert!(message.starts_with(variable), "{message}");
            assert!(message.contains("`openai` feature"), "{message}");
            assert!(!message.contains("sk-secret"), "{message}");
        }
        let error = from_env_with(|_| None).err().expect("no provider");
        assert_eq!(error.variable(), "LLM_PROVIDER");
    }

    #[cfg(feature = "openai")]
    #[test]
    fn gemini_takes_another_endpoint_and_refuses_a_bad_one() {
        let env = |base: &'static str| {
            move |name: &str| match name {
                "LLM_PROVIDER" => Some("gemini".to_owned()),
                "GEMINI_API_KEY" => Some("key".to_owned()),
                "GEMINI_BASE_URL" => Some(base.to_owned()),
                _ => None,
            }
        };
        let model = from_env_with(env("http://127.0.0.1:9/v1")).expect("a model");
        assert_eq!(model.name(), DEFAULT_GEMINI_MODEL);
        let error = from_env_with(env("not a url")).err().expect("refused");
        assert!(error.to_string().contains("GEMINI_BASE_URL"), "{error}");
    }
}
