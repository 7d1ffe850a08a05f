//! Multi-agent routing on ChatKit: the pieces of `example-triage`, public
//! so the tests build the same app the binary serves.
//!
//! A `triage` agent reads the request and hands the conversation off (the
//! `transfer_to_<agent>` tools) to one of three specialists, each with its
//! own instructions and tools:
//!
//! - `support`: [`lookup_order`] (order status);
//! - `sales`: [`quote`] (price quotes);
//! - `general`: [`faq`] (shipping, returns, hours, ...).
//!
//! The data (orders, prices, answers) is a small made-up table: the example
//! needs no network beyond the model.

use std::sync::Arc;

use chatkit_runtime::agent::{Agent, AgentServer, Runner};
use chatkit_runtime::http::{App, Authenticator, HttpConfig, User};
use chatkit_runtime::model::{
    CommandModel, ContentPart, InputItem, Model, ModelError, ModelRequest, ModelStream, Role,
};
use chatkit_runtime::protocol::UserMessageItem;
use chatkit_runtime::server::{ChatKit, ChatKitServer, EventSender, StreamError, ThreadHandle};
use chatkit_runtime::store::Store;
use chatkit_runtime::{async_trait, function_tool};
use serde_json::json;

/// The triage agent's instructions.
pub const TRIAGE_INSTRUCTIONS: &str = "You are the front desk of an online shop. Do not answer \
questions yourself: hand the conversation to `support` for orders, deliveries and problems, to \
`sales` for prices, quotes and buying, and to `general` for anything else (shipping policy, \
returns, opening hours).";

/// The support agent's instructions.
pub const SUPPORT_INSTRUCTIONS: &str = "You are the support agent of an online shop. Look up \
orders with lookup_order and explain their status plainly. Be brief and kind.";

/// The sales agent's instructions.
pub const SALES_INSTRUCTIONS: &str = "You are the sales agent of an online shop. Give price \
quotes with the quote tool (products: widget, gadget, gizmo). Mention volume discounts.";

/// The general agent's instructions.
pub const GENERAL_INSTRUCTIONS: &str = "You answer general questions about an online shop. Use \
the faq tool (topics: shipping, returns, hours, payment) and quote its answer.";

/// The made-up orders: (id, status, item).
const ORDERS: &[(u64, &str, &str)] = &[
    (42, "shipped on Monday, arriving Thursday", "2 widgets"),
    (7, "being packed", "1 gadget"),
    (1001, "delivered yesterday", "5 gizmos"),
];

/// The made-up price list, in cents.
const PRICES: &[(&str, u64)] = &[("widget", 1250), ("gadget", 4999), ("gizmo", 799)];

/// The made-up FAQ.
const FAQ: &[(&str, &str)] = &[
    (
        "shipping",
        "Orders ship within 2 business days; delivery takes 3-5 days. Shipping is free over $50.",
    ),
    (
        "returns",
        "You can return anything within 30 days for a full refund.",
    ),
    ("hours", "Support is open Monday to Friday, 9:00-17:00 CET."),
    ("payment", "We accept cards, PayPal and bank transfers."),
];

/// Look up an order's status by its number.
#[function_tool]
pub async fn lookup_order(order_id: u64) -> String {
    match ORDERS.iter().find(|(id, ..)| *id == order_id) {
        Some((id, status, item)) => format!("Order #{id} ({item}) is {status}."),
        None => format!("There is no order #{order_id}. Please check the number."),
    }
}

/// Quote a price for a quantity of a product (10% off from 10 units).
#[function_tool]
pub async fn quote(product: String, quantity: u32) -> Result<String, String> {
    let name = product.trim().to_lowercase();
    let name = name.strip_suffix('s').unwrap_or(&name);
    let Some((name, cents)) = PRICES.iter().find(|(p, _)| *p == name) else {
        let known: Vec<&str> = PRICES.iter().map(|(p, _)| *p).collect();
        return Err(format!(
            "unknown product `{product}`; we sell {}",
            known.join(", ")
        ));
    };
    if quantity == 0 {
        return Err("the quantity must be at least 1".to_owned());
    }
    let mut total = cents * u64::from(quantity);
    let discount = quantity >= 10;
    if discount {
        total = total * 9 / 10;
    }
    Ok(format!(
        "Quote: {quantity} × {name} = ${}.{:02}{}.",
        total / 100,
        total % 100,
        if discount {
            " (10% volume discount included)"
        } else {
            ""
        }
    ))
}

/// Answer a frequently asked question by topic.
#[function_tool]
pub async fn faq(topic: String) -> String {
    let topic = topic.trim().to_lowercase();
    match FAQ.iter().find(|(t, _)| topic.contains(t)) {
        Some((_, answer)) => (*answer).to_owned(),
        None => {
            let topics: Vec<&str> = FAQ.iter().map(|(t, _)| *t).collect();
            format!("No FAQ entry for `{topic}`. Topics: {}.", topics.join(", "))
        }
    }
}

/// The offline triage model: `support ...`, `sales ...` and `general ...`
/// hand off to that agent, which handles the rest of the message.
pub fn offline_triage_model() -> CommandModel {
    let handoff = |_: &str| Some(json!({}));
    CommandModel::new("offline-triage")
        .command(
            &["support"],
            "support <order N>",
            "transfer_to_support",
            handoff,
        )
        .command(
            &["sales"],
            "sales <quote PRODUCT QUANTITY>",
            "transfer_to_sales",
            handoff,
        )
        .command(
            &["general"],
            "general <faq TOPIC>",
            "transfer_to_general",
            handoff,
        )
}

/// The offline support model: `order <id>`.
pub fn offline_support_model() -> Specialist {
    Specialist::new(CommandModel::new("offline-support").command(
        &["order"],
        "order <number>",
        "lookup_order",
        |rest: &str| {
            let id = rest.trim_start_matches('#').parse::<u64>().ok()?;
            Some(json!({ "order_id": id }))
        },
    ))
}

/// The offline sales model: `quote <product> <quantity>`.
pub fn offline_sales_model() -> Specialist {
    Specialist::new(CommandModel::new("offline-sales").command(
        &["quote"],
        "quote <product> <quantity>",
        "quote",
        |rest: &str| {
            let (product, quantity) = rest.rsplit_once(char::is_whitespace)?;
            let quantity = quantity.parse::<u32>().ok()?;
            Some(json!({ "product": product.trim(), "quantity": quantity }))
        },
    ))
}

/// The offline general model: `faq <topic>`.
pub fn offline_general_model() -> Specialist {
    Specialist::new(CommandModel::new("offline-general").command(
        &["faq"],
        "faq <topic>",
        "faq",
        |rest: &str| (!rest.is_empty()).then(|| json!({ "topic": rest })),
    ))
}

/// An offline specialist: a [`CommandModel`] that, after a handoff, reads
/// the user's message without its routing word (`support order 42` is
/// `order 42` to the support agent) and ignores the handoff itself.
#[derive(Debug, Clone)]
pub struct Specialist {
    inner: CommandModel,
}

impl Specialist {
    /// Wraps `inner`.
    pub fn new(inner: CommandModel) -> Self {
        Self { inner }
    }
}

#[async_trait]
impl Model for Specialist {
    fn name(&self) -> &str {
        self.inner.name()
    }

    async fn stream(&self, mut request: ModelRequest) -> Result<ModelStream, ModelError> {
        let last_user = request.input.iter().rposition(|item| {
            matches!(
                item,
                InputItem::Message {
                    role: Role::User,
                    ..
                }
            )
        });
        if let Some(index) = last_user {
            // The handoff calls of this turn, and their outputs.
            let handoffs: Vec<String> = request.input[index..]
                .iter()
                .filter_map(|item| match item {
                    InputItem::FunctionCall { call_id, name, .. }
                        if name.starts_with("transfer_to_") =>
                    {
                        Some(call_id.clone())
                    }
                    _ => None,
                })
                .collect();
            if !handoffs.is_empty() {
                request.input.retain(|item| match item {
                    InputItem::FunctionCall { call_id, .. }
                    | InputItem::FunctionCallOutput { call_id, .. } => !handoffs.contains(call_id),
                    InputItem::Message { .. } => true,
                });
                if let Some(InputItem::Message { content, .. }) = request.input.get_mut(index) {
                    for part in content.iter_mut() {
                        if let ContentPart::Text { text } = part {
                            let rest = text
                                .trim()
                                .split_once(char::is_whitespace)
                                .map_or("", |(_, rest)| rest);
                            *text = rest.trim().to_owned();
                        }
                    }
                }
            }
        }
        self.inner.stream(request).await
    }
}

/// The models of the four agents: one configured model for all, or each
/// agent's offline model.
#[derive(Clone)]
pub enum Models {
    /// A configured model, shared by every agent.
    Shared(Arc<dyn Model>),
    /// The offline command models.
    Offline,
}

/// The triage agent, with its three specialists.
pub fn triage_agent(models: &Models) -> Agent<User> {
    let pick = |offline: Arc<dyn Model>| match models {
        Models::Shared(model) => Arc::clone(model),
        Models::Offline => offline,
    };
    let support = Agent::with_model("support", pick(Arc::new(offline_support_model())))
        .instructions(SUPPORT_INSTRUCTIONS)
        .tool(lookup_order::tool());
    let sales = Agent::with_model("sales", pick(Arc::new(offline_sales_model())))
        .instructions(SALES_INSTRUCTIONS)
        .tool(quote::tool());
    let general = Agent::with_model("general", pick(Arc::new(offline_general_model())))
        .instructions(GENERAL_INSTRUCTIONS)
        .tool(faq::tool());
    Agent::with_model("triage", pick(Arc::new(offline_triage_model())))
        .instructions(TRIAGE_INSTRUCTIONS)
        .handoff(support, "orders, deliveries and problems with a purchase")
        .handoff(sales, "prices, quotes and buying")
        .handoff(
            general,
            "anything else: shipping policy, returns, opening hours",
        )
}

/// The ChatKit server: every message starts at the triage agent.
pub struct TriageServer {
    agent: AgentServer<User>,
}

impl TriageServer {
    /// The server on `store` with `models`.
    pub fn new(store: Arc<dyn Store<User>>, models: &Models) -> Self {
        Self {
            agent: AgentServer::new(triage_agent(models), store)
                .runner(Runner::new().max_turns(8).tool_progress(true)),
        }
    }
}

#[async_trait]
impl ChatKitServer<User> for TriageServer {
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
}

/// The ChatKit service: the triage server on `store` with `models`.
pub fn chatkit(store: Arc<dyn Store<User>>, models: &Models) -> ChatKit<TriageServer, User> {
    let server = TriageServer::new(Arc::clone(&store), models);
    ChatKit::with_store(server, store)
}

/// The app: [`chatkit`] behind `auth` with `config`. Its router serves
/// `POST /chatkit`, `GET /health`, `GET /ready` and `GET /metrics`.
pub fn app(
    store: Arc<dyn Store<User>>,
    models: &Models,
    auth: impl Authenticator<User>,
    config: HttpConfig,
) -> App<TriageServer, User> {
    App::new(chatkit(store, models), auth).config(config)
}
