//! A weather assistant on ChatKit: the pieces of `example-weather`, public
//! so the tests build the same app the binary serves.
//!
//! - [`get_weather`] shows a weather card (title, temperature, condition,
//!   icon) with a Refresh button; its `weather.refresh` action is handled by
//!   [`WeatherServer`]'s `action` hook, which re-renders the card in place.
//! - [`switch_theme`] is a client tool: the turn ends with a pending
//!   `client_tool_call` item, and the client's result resumes the run.
//! - [`weekly_forecast`] is a long-running tool: it streams progress updates
//!   and a card whose rows appear day by day.
//!
//! The weather data is **not real**: [`weather_for`] and [`forecast_for`]
//! compute it deterministically from the city's name (a small table of
//! known cities, a hash for the rest), so the example needs no network and
//! no weather API key.

use std::sync::Arc;
use std::time::Duration;

use chatkit_runtime::agent::{Agent, AgentServer, Runner};
use chatkit_runtime::http::{App, Authenticator, HttpConfig, User};
use chatkit_runtime::model::{CommandModel, Model};
use chatkit_runtime::protocol::{Action, ThreadStreamEvent, UserMessageItem, WidgetItem};
use chatkit_runtime::server::{ChatKit, ChatKitServer, EventSender, StreamError, ThreadHandle};
use chatkit_runtime::store::Store;
use chatkit_runtime::widgets::{ActionConfig, Card, IconName};
use chatkit_runtime::{AgentContext, async_trait, function_tool, widget};
use futures::StreamExt as _;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The action type of the card's Refresh button; its payload is `{"city": ..}`.
pub const REFRESH_ACTION: &str = "weather.refresh";

/// How long [`weekly_forecast`] "works" on each day.
pub const FORECAST_STEP: Duration = Duration::from_millis(150);

/// The agent's instructions.
pub const INSTRUCTIONS: &str = "You are a weather assistant. Use get_weather to show the current \
weather of a city as a card (the card is shown to the user: do not repeat its contents), \
weekly_forecast for a 7-day forecast, and switch_theme when the user asks for a light or dark \
page theme.";

/// The weather in a city at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weather {
    /// The city, as asked.
    pub city: String,
    /// Degrees Celsius.
    pub temperature: i32,
    /// Sunny, Cloudy, ...
    pub condition: &'static str,
}

const CONDITIONS: [&str; 5] = ["Sunny", "Partly cloudy", "Cloudy", "Rain", "Thunderstorms"];

/// Known cities: (name, base temperature, condition index).
const TABLE: &[(&str, i32, usize)] = &[
    ("london", 14, 2),
    ("paris", 18, 1),
    ("tokyo", 22, 0),
    ("new york", 20, 1),
    ("san francisco", 17, 2),
    ("sydney", 24, 0),
    ("oslo", 6, 3),
    ("singapore", 31, 4),
];

fn seed(city: &str) -> u64 {
    // FNV-1a: stable across runs and platforms.
    city.to_lowercase()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
}

fn base(city: &str) -> (i32, usize) {
    let key = city.trim().to_lowercase();
    match TABLE.iter().find(|(name, ..)| *name == key) {
        Some(&(_, temperature, condition)) => (temperature, condition),
        None => {
            let seed = seed(&key);
            ((seed % 35) as i32 - 5, (seed / 35 % 5) as usize)
        }
    }
}

/// Today's (made-up, deterministic) weather in `city`.
pub fn weather_for(city: &str) -> Weather {
    let (temperature, condition) = base(city);
    Weather {
        city: city.trim().to_owned(),
        temperature,
        condition: CONDITIONS[condition],
    }
}

/// The (made-up, deterministic) next seven days in `city`.
pub fn forecast_for(city: &str) -> Vec<(String, Weather)> {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let (temperature, condition) = base(city);
    let seed = seed(city.trim());
    DAYS.iter()
        .enumerate()
        .map(|(i, day)| {
            let wobble = ((seed >> (i * 4)) % 7) as i32 - 3;
            let weather = Weather {
                city: city.trim().to_owned(),
                temperature: temperature + wobble,
                condition: CONDITIONS[(condition + (seed >> (i * 3)) as usize % 3) % 5],
            };
            ((*day).to_owned(), weather)
        })
        .collect()
}

fn icon(condition: &str) -> IconName {
    let name = match condition {
        "Sunny" => "lucide:sun",
        "Partly cloudy" => "lucide:cloud-sun",
        "Cloudy" => "lucide:cloud",
        "Rain" => "lucide:cloud-rain",
        _ => "lucide:cloud-lightning",
    };
    name.parse().unwrap_or(IconName::Sparkle)
}

/// The weather card, with a Refresh button; `note` is a caption under it.
pub fn weather_card(weather: &Weather, note: &str) -> Card {
    let city = weather.city.clone();
    widget! {
        Card {
            size: "sm",
            Row {
                gap: 3,
                Icon { name: icon(weather.condition), size: "xl" }
                Col {
                    Title { value: city.clone(), size: "md" }
                    Caption { value: weather.condition }
                }
                Spacer {}
                Text { value: format!("{}°C", weather.temperature), size: "xl", weight: "semibold" }
            }
            Row {
                Caption { value: note }
                Spacer {}
                Button {
                    label: "Refresh",
                    size: "sm",
                    variant: "outline",
                    on_click_action: ActionConfig::new(REFRESH_ACTION).payload(json!({ "city": city })),
                }
            }
        }
    }
}

/// The forecast card after `days` of the week are known.
pub fn forecast_card(city: &str, days: &[(String, Weather)], done: bool) -> Card {
    let status = if done {
        "7-day forecast".to_owned()
    } else {
        format!("Forecasting… {}/7 days", days.len())
    };
    widget! {
        Card {
            size: "md",
            Title { id: "title", value: format!("{city}: the week ahead"), size: "md" }
            Caption { id: "status", value: status }
            Col {
                id: "days",
                gap: 1,
                for (day, weather) in days {
                    Row {
                        gap: 2,
                        Text { value: day.clone(), weight: "semibold" }
                        Icon { name: icon(weather.condition) }
                        Caption { value: weather.condition }
                        Spacer {}
                        Text { value: format!("{}°C", weather.temperature) }
                    }
                }
            }
        }
    }
}

fn copy_text(weather: &Weather) -> String {
    format!(
        "{}: {}°C, {}",
        weather.city, weather.temperature, weather.condition
    )
}

/// Show the current weather of a city as a card.
#[function_tool]
pub async fn get_weather(ctx: &AgentContext<User>, city: String) -> Result<String, String> {
    if city.trim().is_empty() {
        return Err("a city is required".to_owned());
    }
    let weather = weather_for(&city);
    ctx.stream_widget(
        weather_card(&weather, "Offline demo data"),
        Some(copy_text(&weather)),
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(format!(
        "{}. The card is shown to the user; do not repeat it.",
        copy_text(&weather)
    ))
}

/// A page theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// Switch the page between the light and the dark theme (runs in the browser).
#[function_tool]
pub async fn switch_theme(ctx: &AgentContext<User>, theme: Theme) -> String {
    ctx.client_tool_call("switch_theme", json!({ "theme": theme }));
    format!("Asked the page to switch to the {theme:?} theme.")
}

/// Compute a 7-day forecast for a city (takes a few seconds; shows its progress).
#[function_tool]
pub async fn weekly_forecast(ctx: &AgentContext<User>, city: String) -> Result<String, String> {
    let city = city.trim().to_owned();
    if city.is_empty() {
        return Err("a city is required".to_owned());
    }
    let forecast = forecast_for(&city);
    let total = forecast.len();
    // Each state of the card is produced after a day's "work", with a
    // progress line sent before it.
    let states = futures::stream::iter(0..=total).then(|known| {
        let forecast = &forecast;
        let city = &city;
        async move {
            if known > 0 {
                let _ = ctx
                    .stream(ThreadStreamEvent::ProgressUpdate {
                        icon: Some(IconName::Calendar),
                        text: format!("Forecasting {} ({known}/{total})…", forecast[known - 1].0),
                    })
                    .await;
                tokio::time::sleep(FORECAST_STEP).await;
            }
            forecast_card(city, &forecast[..known], known == total)
        }
    });
    ctx.stream_widget_updates(states, Some(format!("{city}: 7-day forecast")))
        .await
        .map_err(|e| e.to_string())?;
    let summary: Vec<String> = forecast
        .iter()
        .map(|(day, w)| format!("{day} {}°C {}", w.temperature, w.condition))
        .collect();
    Ok(format!(
        "Forecast for {city}: {}. The card is shown to the user.",
        summary.join(", ")
    ))
}

/// The offline model: `weather <city>`, `theme <light|dark>` and
/// `forecast <city>` call the real tools.
pub fn offline_model() -> CommandModel {
    let city = |rest: &str| (!rest.is_empty()).then(|| json!({ "city": rest }));
    CommandModel::new("offline-weather")
        .command(&["weather"], "weather <city>", "get_weather", city)
        .reply(|_, output| first_sentence(output))
        .command(
            &["theme"],
            "theme <light|dark>",
            "switch_theme",
            |rest: &str| {
                let theme = rest.to_lowercase();
                matches!(theme.as_str(), "light" | "dark").then(|| json!({ "theme": theme }))
            },
        )
        // The page answers with JSON; a person reads a sentence.
        .reply(|arguments, output| {
            let switched = serde_json::from_str::<Value>(output)
                .is_ok_and(|result| result["success"] == true || result["applied"] == true);
            match arguments["theme"].as_str() {
                Some(theme) if switched => format!("Switched to the {theme} theme."),
                _ => format!("The page could not switch its theme: {output}"),
            }
        })
        .command(&["forecast"], "forecast <city>", "weekly_forecast", city)
        .reply(|arguments, _| {
            format!(
                "Here is the week ahead in {}.",
                arguments["city"].as_str().unwrap_or("that city")
            )
        })
}

/// "Paris: 18°C, sunny. The card is shown…" reads "Paris: 18°C, sunny."
/// to a person.
fn first_sentence(output: &str) -> String {
    match output.split_once(". ") {
        Some((first, _)) => format!("{first}."),
        None => output.to_owned(),
    }
}

/// The weather agent, answering with `model`.
pub fn agent(model: Arc<dyn Model>) -> Agent<User> {
    Agent::with_model("weather", model)
        .instructions(INSTRUCTIONS)
        .tool(get_weather::tool())
        .tool(switch_theme::tool())
        .tool(weekly_forecast::tool())
}

/// The ChatKit server: answers with the weather agent and handles the
/// card's Refresh action.
pub struct WeatherServer {
    agent: AgentServer<User>,
}

impl WeatherServer {
    /// The server on `store`, answering with `model`.
    pub fn new(store: Arc<dyn Store<User>>, model: Arc<dyn Model>) -> Self {
        Self {
            agent: AgentServer::new(agent(model), store).runner(Runner::new().max_turns(6)),
        }
    }
}

#[async_trait]
impl ChatKitServer<User> for WeatherServer {
    async fn respond(
        &self,
        thread: &ThreadHandle,
        input: Option<&UserMessageItem>,
        events: &EventSender,
        user: &User,
    ) -> Result<(), StreamError> {
        if let Some(message) = input
            && thread.get().title.is_none()
        {
            let title: String = message.text().chars().take(40).collect();
            thread.update(|thread| thread.title = Some(title));
        }
        self.agent.respond(thread, input, events, user).await
    }

    async fn action(
        &self,
        _thread: &ThreadHandle,
        action: &Action,
        sender: Option<&WidgetItem>,
        events: &EventSender,
        _user: &User,
    ) -> Result<(), StreamError> {
        if action.kind != REFRESH_ACTION {
            return Err(StreamError::custom(
                format!("The action `{}` is not supported.", action.kind),
                false,
            ));
        }
        let city = action
            .payload
            .as_ref()
            .and_then(|payload| payload.get("city"))
            .and_then(Value::as_str)
            .filter(|city| !city.trim().is_empty())
            .ok_or_else(|| StreamError::custom("The refresh action needs a city.", false))?;
        let Some(sender) = sender else {
            return Err(StreamError::custom(
                "The refresh action must come from a weather card.",
                false,
            ));
        };
        let weather = weather_for(city);
        let card = weather_card(&weather, &format!("Refreshed at {}", clock()));
        // In place for the client, and stored, so a reload shows it.
        events
            .update_widget_with_copy_text(sender, card, Some(copy_text(&weather)))
            .await?;
        Ok(())
    }
}

/// The time of day, UTC, as `HH:MM:SS`.
fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "{:02}:{:02}:{:02} UTC",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60
    )
}

/// The ChatKit service: the weather server on `store` with `model`.
pub fn chatkit(store: Arc<dyn Store<User>>, model: Arc<dyn Model>) -> ChatKit<WeatherServer, User> {
    let server = WeatherServer::new(Arc::clone(&store), model);
    ChatKit::with_store(server, store)
}

/// The app: [`chatkit`] behind `auth` with `config`. Its router serves
/// `POST /chatkit`, `GET /health`, `GET /ready` and `GET /metrics`.
pub fn app(
    store: Arc<dyn Store<User>>,
    model: Arc<dyn Model>,
    auth: impl Authenticator<User>,
    config: HttpConfig,
) -> App<WeatherServer, User> {
    App::new(chatkit(store, model), auth).config(config)
}
