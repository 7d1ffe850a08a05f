//! A todo assistant in chat: an agent with five tools (`add_task`,
//! `list_tasks`, `complete_task`, `delete_task`, `update_task`) over tasks
//! kept in the same database as the threads (SQLite or PostgreSQL), scoped
//! by user. `list_tasks` shows a `ListView` widget whose Complete and Delete
//! buttons are widget actions, handled by [`TodoServer`]'s action hook,
//! which updates the list in place.
//!
//! Without an API key the agent answers with [`offline_model`], a
//! [`CommandModel`] that maps commands ("add buy milk", "list",
//! "complete 3") to the same tools.

use std::sync::Arc;

use chatkit_runtime::agent::{Agent, AgentServer, Runner};
use chatkit_runtime::http::{App, Authenticator, HttpConfig, User};
use chatkit_runtime::model::{CommandModel, Model};
use chatkit_runtime::protocol::{UserMessageItem, WidgetItem};
use chatkit_runtime::server::{ChatKit, ChatKitServer, EventSender, StreamError, ThreadHandle};
use chatkit_runtime::store::{PostgresStore, SqliteStore, Store, StoreError};
use chatkit_runtime::widgets::{ActionConfig, Card, IconName, ListView, WidgetStatus};
use chatkit_runtime::{AgentContext, async_trait, function_tool, widget};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::{PgPool, SqlitePool};

/// The instructions of the todo agent.
pub const INSTRUCTIONS: &str = "\
You are a friendly, concise task assistant. You manage the user's todo list \
with your tools: add_task, list_tasks, complete_task, delete_task and update_task.

- Always use the tools to read or change tasks; never invent tasks or ids.
- When the user refers to a task by its title, call list_tasks first to find its id.
- list_tasks and add_task already show the result to the user as a widget: \
do not repeat, re-list or re-format the tasks in your answer; reply with one short sentence at most.
- If a tool says a task does not exist, tell the user and offer to show the list.
- Ask a short question when a request is ambiguous (for example, which task to delete).";

/// Which tasks to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    /// Every task.
    #[default]
    All,
    /// Tasks not done yet.
    Pending,
    /// Tasks done.
    Completed,
}

impl TaskStatus {
    fn heading(self) -> &'static str {
        match self {
            Self::All => "Tasks",
            Self::Pending => "Pending tasks",
            Self::Completed => "Completed tasks",
        }
    }
}

/// A task of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    /// Its id, unique in the database.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its optional description.
    pub description: Option<String>,
    /// Whether it is done.
    pub completed: bool,
}

type Row = (i64, String, Option<String>, bool);

impl From<Row> for Task {
    fn from((id, title, description, completed): Row) -> Self {
        Self {
            id,
            title,
            description,
            completed,
        }
    }
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The tasks table (`todo_tasks`), in the database of the threads. Every
/// operation is scoped by a user id. Cloning is cheap.
#[derive(Clone)]
pub struct Tasks {
    pool: Pool,
}

/// The columns of a [`Row`].
macro_rules! columns {
    () => {
        "id, title, description, completed"
    };
}

/// Runs `sqlx::query_as::<_, Row>(sql)` with the binds of `$bind` on whichever pool.
macro_rules! on_pool {
    ($tasks:expr, $sql:expr, |$query:ident| $bind:expr, $fetch:ident) => {
        match &$tasks.pool {
            Pool::Sqlite(pool) => {
                let $query = sqlx::query_as::<_, Row>($sql);
                $bind.$fetch(pool).await
            }
            Pool::Postgres(pool) => {
                let $query = sqlx::query_as::<_, Row>($sql);
                $bind.$fetch(pool).await
            }
        }
    };
}

impl Tasks {
    /// The tasks of an SQLite database (the table is created if missing).
    ///
    /// # Errors
    /// When the table cannot be created.
    pub async fn sqlite(pool: SqlitePool) -> Result<Self, sqlx::Error> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS todo_tasks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id TEXT NOT NULL,
                title TEXT NOT NULL,
                description TEXT,
                completed BOOLEAN NOT NULL DEFAULT FALSE,
                created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
            )",
        )
        .execute(&pool)
        .await?;
        sqlx::query("CREATE INDEX IF NOT EXISTS todo_tasks_user ON todo_tasks (user_id, id)")
            .execute(&pool)
            .await?;
        Ok(Self {
            pool: Pool::Sqlite(pool),
        })
    }

    /// The tasks of a PostgreSQL database (the table is created if missing).
    ///
    /// # Errors
    /// When the table cannot be created.
    pub async fn postgres(pool: PgPool) -> Result<Self, sqlx::Error> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS todo_tasks (
                id BIGSERIAL PRIMARY KEY,
                user_id TEXT NOT NULL,
                title TEXT NOT NULL,
                description TEXT,
                completed BOOLEAN NOT NULL DEFAULT FALSE,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )",
        )
        .execute(&pool)
        .await?;
        sqlx::query("CREATE INDEX IF NOT EXISTS todo_tasks_user ON todo_tasks (user_id, id)")
            .execute(&pool)
            .await?;
        Ok(Self {
            pool: Pool::Postgres(pool),
        })
    }

    /// Adds a pending task for `user`.
    ///
    /// # Errors
    /// A database error.
    pub async fn add(
        &self,
        user: &str,
        title: &str,
        description: Option<&str>,
    ) -> Result<Task, sqlx::Error> {
        let sql = concat!(
            "INSERT INTO todo_tasks (user_id, title, description) VALUES ($1, $2, $3) RETURNING ",
            columns!()
        );
        let row: Row = on_pool!(
            self,
            sql,
            |q| q.bind(user).bind(title).bind(description),
            fetch_one
        )?;
        Ok(row.into())
    }

    /// The tasks of `user` with `status`, oldest first.
    ///
    /// # Errors
    /// A database error.
    pub async fn list(&self, user: &str, status: TaskStatus) -> Result<Vec<Task>, sqlx::Error> {
        let sql = match status {
            TaskStatus::All => concat!(
                "SELECT ",
                columns!(),
                " FROM todo_tasks WHERE user_id = $1 ORDER BY id"
            ),
            TaskStatus::Pending => concat!(
                "SELECT ",
                columns!(),
                " FROM todo_tasks WHERE user_id = $1 AND completed = FALSE ORDER BY id"
            ),
            TaskStatus::Completed => concat!(
                "SELECT ",
                columns!(),
                " FROM todo_tasks WHERE user_id = $1 AND completed = TRUE ORDER BY id"
            ),
        };
        let rows: Vec<Row> = on_pool!(self, sql, |q| q.bind(user), fetch_all)?;
        Ok(rows.into_iter().map(Task::from).collect())
    }

    /// Marks the task `id` of `user` done; `None` if `user` has no such task.
    ///
    /// # Errors
    /// A database error.
    pub async fn complete(&self, user: &str, id: i64) -> Result<Option<Task>, sqlx::Error> {
        let sql = concat!(
            "UPDATE todo_tasks SET completed = TRUE WHERE user_id = $1 AND id = $2 RETURNING ",
            columns!()
        );
        let row: Option<Row> = on_pool!(self, sql, |q| q.bind(user).bind(id), fetch_optional)?;
        Ok(row.map(Task::from))
    }

    /// Deletes the task `id` of `user`; `None` if `user` has no such task.
    ///
    /// # Errors
    /// A database error.
    pub async fn delete(&self, user: &str, id: i64) -> Result<Option<Task>, sqlx::Error> {
        let sql = concat!(
            "DELETE FROM todo_tasks WHERE user_id = $1 AND id = $2 RETURNING ",
            columns!()
        );
        let row: Option<Row> = on_pool!(self, sql, |q| q.bind(user).bind(id), fetch_optional)?;
        Ok(row.map(Task::from))
    }

    /// Changes the title and/or description of the task `id` of `user`
    /// (`None` keeps the current value); `None` if `user` has no such task.
    ///
    /// # Errors
    /// A database error.
    pub async fn update(
        &self,
        user: &str,
        id: i64,
        title: Option<&str>,
        description: Option<&str>,
    ) -> Result<Option<Task>, sqlx::Error> {
        let sql = concat!(
            "UPDATE todo_tasks SET title = COALESCE($1, title), description = COALESCE($2, description) \
             WHERE user_id = $3 AND id = $4 RETURNING ",
            columns!()
        );
        let row: Option<Row> = on_pool!(
            self,
            sql,
            |q| q.bind(title).bind(description).bind(user).bind(id),
            fetch_optional
        )?;
        Ok(row.map(Task::from))
    }
}

/// The task database, attached to every run by [`TodoServer`] (tools only
/// receive an `AgentContext<User>`).
fn tasks(ctx: &AgentContext<User>) -> Result<Tasks, String> {
    ctx.extension::<Tasks>().cloned().ok_or_else(|| {
        "the task database is not available outside a TodoServer response".to_owned()
    })
}

fn db_error(err: sqlx::Error) -> String {
    format!("database error: {err}")
}

fn not_found(id: i64) -> String {
    format!("There is no task #{id}. Call list_tasks to see the ids of the user's tasks.")
}

/// The list widget: a header with the count, one item per task (status
/// icon, title struck through when done, description, `#id` badge,
/// Complete and Delete buttons), or an empty state.
pub fn list_widget(tasks: &[Task], status: TaskStatus) -> ListView {
    let header = WidgetStatus::with_icon(
        format!("{} ({})", status.heading(), tasks.len()),
        IconName::Notebook,
    );
    let empty = match status {
        TaskStatus::All => "No tasks yet. Add one, like \u{201c}add buy milk\u{201d}.",
        TaskStatus::Pending => "No pending tasks: all done!",
        TaskStatus::Completed => "No completed tasks yet.",
    };
    widget! {
        ListView {
            status: header,
            if tasks.is_empty() {
                ListViewItem {
                    gap: 2,
                    Icon { name: "sparkle", color: "secondary" }
                    Text { value: empty, color: "secondary" }
                }
            }
            for task in tasks {
                ListViewItem {
                    gap: 3,
                    Icon {
                        name: if task.completed { IconName::CheckCircleFilled } else { IconName::EmptyCircle },
                        color: if task.completed { "success" } else { "secondary" },
                    }
                    Col {
                        gap: 1,
                        Text { value: task.title.clone(), weight: "semibold", line_through: task.completed }
                        if let Some(description) = &task.description {
                            Caption { value: description.clone() }
                        }
                    }
                    Spacer {}
                    Badge { label: format!("#{}", task.id), color: "secondary" }
                    if !task.completed {
                        Button {
                            label: "Complete",
                            style: "secondary",
                            color: "success",
                            on_click_action: ActionConfig::new("task.complete")
                                .payload(json!({ "id": task.id, "status": status })),
                        }
                    }
                    Button {
                        label: "Delete",
                        style: "secondary",
                        color: "danger",
                        on_click_action: ActionConfig::new("task.delete")
                            .payload(json!({ "id": task.id, "status": status })),
                    }
                }
            }
        }
    }
}

/// The list as text, for copying and for the model's history.
pub fn list_text(tasks: &[Task], status: TaskStatus) -> String {
    let mut text = format!("{} ({})", status.heading(), tasks.len());
    for task in tasks {
        let mark = if task.completed { "x" } else { " " };
        text.push_str(&format!("\n[{mark}] #{} {}", task.id, task.title));
        if let Some(description) = &task.description {
            text.push_str(&format!(" - {description}"));
        }
    }
    text
}

/// The card confirming a new task.
pub fn added_card(task: &Task) -> Card {
    widget! {
        Card {
            size: "sm",
            Row {
                gap: 3,
                Icon { name: "check-circle-filled", color: "success" }
                Col {
                    gap: 1,
                    Text { value: format!("Added: {}", task.title), weight: "semibold" }
                    if let Some(description) = &task.description {
                        Caption { value: description.clone() }
                    }
                }
                Spacer {}
                Badge { label: format!("#{}", task.id), color: "info" }
            }
        }
    }
}

/// Add a task to the user's todo list; a confirmation card is shown.
#[function_tool]
pub async fn add_task(
    ctx: &AgentContext<User>,
    /// Short title of the task, such as "Buy milk"
    title: String,
    /// Optional longer description
    description: Option<String>,
) -> Result<String, String> {
    let title = title.trim();
    if title.is_empty() {
        return Ok("The title is empty: ask the user what the task is.".to_owned());
    }
    let description = description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let task = tasks(ctx)?
        .add(&ctx.context().id, title, description)
        .await
        .map_err(db_error)?;
    ctx.stream_widget(
        added_card(&task),
        Some(format!("Added #{}: {}", task.id, task.title)),
    )
    .await
    .map_err(|err| err.to_string())?;
    Ok(format!(
        "Added task #{}: {}. A confirmation card is already shown to the user.",
        task.id, task.title
    ))
}

/// List the user's tasks. The list is shown to the user as a widget.
#[function_tool]
pub async fn list_tasks(
    ctx: &AgentContext<User>,
    /// Which tasks: all, pending or completed
    status: TaskStatus,
) -> Result<String, String> {
    let list = tasks(ctx)?
        .list(&ctx.context().id, status)
        .await
        .map_err(db_error)?;
    let text = list_text(&list, status);
    ctx.stream_widget(list_widget(&list, status), Some(text.clone()))
        .await
        .map_err(|err| err.to_string())?;
    Ok(format!(
        "The list below is already shown to the user as a widget; do not repeat or re-format it, \
         answer in one short sentence at most.\n{text}"
    ))
}

/// Mark a task as done.
#[function_tool]
pub async fn complete_task(
    ctx: &AgentContext<User>,
    /// The task's id (the number after `#`)
    task_id: i64,
) -> Result<String, String> {
    match tasks(ctx)?
        .complete(&ctx.context().id, task_id)
        .await
        .map_err(db_error)?
    {
        Some(task) => Ok(format!("Completed task #{}: {}.", task.id, task.title)),
        None => Ok(not_found(task_id)),
    }
}

/// Delete a task.
#[function_tool]
pub async fn delete_task(
    ctx: &AgentContext<User>,
    /// The task's id (the number after `#`)
    task_id: i64,
) -> Result<String, String> {
    match tasks(ctx)?
        .delete(&ctx.context().id, task_id)
        .await
        .map_err(db_error)?
    {
        Some(task) => Ok(format!("Deleted task #{}: {}.", task.id, task.title)),
        None => Ok(not_found(task_id)),
    }
}

/// Change a task's title and/or description.
#[function_tool]
pub async fn update_task(
    ctx: &AgentContext<User>,
    /// The task's id (the number after `#`)
    task_id: i64,
    /// The new title, or null to keep it
    title: Option<String>,
    /// The new description, or null to keep it
    description: Option<String>,
) -> Result<String, String> {
    let title = title.as_deref().map(str::trim).filter(|t| !t.is_empty());
    match tasks(ctx)?
        .update(&ctx.context().id, task_id, title, description.as_deref())
        .await
        .map_err(db_error)?
    {
        Some(task) => Ok(format!("Updated task #{}: {}.", task.id, task.title)),
        None => Ok(not_found(task_id)),
    }
}

fn task_id(text: &str) -> Option<i64> {
    text.trim().trim_start_matches('#').parse().ok()
}

/// The offline model: commands mapped to the tools.
///
/// - `add <title>` or `add <title> - <description>`
/// - `list [all|pending|completed]`
/// - `complete <id>`, `delete <id>`
/// - `update <id> <new title>`
pub fn offline_model() -> CommandModel {
    CommandModel::new("offline commands")
        .command(
            &["add", "new"],
            "add <title> [- <description>]",
            "add_task",
            |rest| {
                let (title, description) = match rest.split_once(" - ") {
                    Some((title, description)) => (title.trim(), Some(description.trim())),
                    None => (rest.trim(), None),
                };
                (!title.is_empty()).then(|| json!({ "title": title, "description": description }))
            },
        )
        .reply(|arguments, output| {
            let title = arguments["title"].as_str().unwrap_or_default();
            // "Added task #3: ..." is the tool's wording for the model.
            match output
                .strip_prefix("Added task #")
                .and_then(|rest| rest.split_once(':'))
            {
                Some((id, _)) => format!("Added “{title}” as task #{id}."),
                None => offline_reply(output),
            }
        })
        .command(
            &["list", "show"],
            "list [all|pending|completed]",
            "list_tasks",
            |rest| {
                let status = match rest.to_lowercase().as_str() {
                    "" | "all" => "all",
                    "pending" | "todo" | "open" => "pending",
                    "completed" | "done" => "completed",
                    _ => return None,
                };
                Some(json!({ "status": status }))
            },
        )
        .reply(|_, output| {
            if output.starts_with("The list below") {
                "Here are your tasks.".to_owned()
            } else {
                offline_reply(output)
            }
        })
        .command(
            &["complete", "done", "finish"],
            "complete <id>",
            "complete_task",
            |rest| task_id(rest).map(|id| json!({ "task_id": id })),
        )
        .reply(|_, output| offline_reply(output))
        .command(
            &["delete", "remove"],
            "delete <id>",
            "delete_task",
            |rest| task_id(rest).map(|id| json!({ "task_id": id })),
        )
        .reply(|_, output| offline_reply(output))
        .command(
            &["update", "rename"],
            "update <id> <new title>",
            "update_task",
            |rest| {
                let (id, title) = rest.split_once(char::is_whitespace)?;
                let title = title.trim();
                (!title.is_empty()).then_some(())?;
                Some(json!({ "task_id": task_id(id)?, "title": title, "description": null }))
            },
        )
        .reply(|_, output| offline_reply(output))
}

/// A tool's output as the offline model tells it to the user: the tools
/// write for a model ("Call list_tasks to see the ids"), a person reads
/// "say “list”".
fn offline_reply(output: &str) -> String {
    match output.split_once(" Call list_tasks") {
        Some((first, _)) => format!("{first} Say “list” to see your tasks."),
        None => output.to_owned(),
    }
}

/// The todo agent answering with `model`.
pub fn agent(model: Arc<dyn Model>) -> Agent<User> {
    Agent::with_model("todo", model)
        .instructions(INSTRUCTIONS)
        .tool(add_task::tool())
        .tool(list_tasks::tool())
        .tool(complete_task::tool())
        .tool(delete_task::tool())
        .tool(update_task::tool())
}

/// The ChatKit server: the agent answers messages; the list widgets'
/// `task.complete` and `task.delete` actions are handled here.
pub struct TodoServer {
    agent: AgentServer<User>,
    tasks: Tasks,
}

impl TodoServer {
    /// The server: `agent` with history from `store`, tasks in `tasks`.
    pub fn new(agent: Agent<User>, store: Arc<dyn Store<User>>, tasks: Tasks) -> Self {
        Self {
            agent: AgentServer::new(agent, store)
                .runner(Runner::new().max_turns(8))
                .extension(tasks.clone()),
            tasks,
        }
    }

    /// The tasks.
    pub fn tasks(&self) -> &Tasks {
        &self.tasks
    }
}

#[derive(Deserialize)]
struct TaskAction {
    id: i64,
    #[serde(default)]
    status: TaskStatus,
}

#[async_trait]
impl ChatKitServer<User> for TodoServer {
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
            let text = message.text();
            thread.update(|thread| thread.title = Some(text.chars().take(40).collect()));
        }
        self.agent.respond(thread, input, events, user).await
    }

    async fn action(
        &self,
        _thread: &ThreadHandle,
        action: &chatkit_runtime::protocol::Action,
        sender: Option<&WidgetItem>,
        events: &EventSender,
        user: &User,
    ) -> Result<(), StreamError> {
        let payload = action.payload.clone().unwrap_or(Value::Null);
        let parse = || {
            serde_json::from_value::<TaskAction>(payload.clone()).map_err(|_| {
                StreamError::custom(
                    format!("The action `{}` needs a task id.", action.kind),
                    false,
                )
            })
        };
        let TaskAction { status, .. } = match action.kind.as_str() {
            "task.complete" => {
                let target = parse()?;
                self.tasks.complete(&user.id, target.id).await?;
                target
            }
            "task.delete" => {
                let target = parse()?;
                self.tasks.delete(&user.id, target.id).await?;
                target
            }
            other => {
                return Err(StreamError::custom(
                    format!("The action `{other}` is not supported."),
                    false,
                ));
            }
        };
        let Some(sender) = sender else {
            return Ok(());
        };
        let list = self.tasks.list(&user.id, status).await?;
        let widget = list_widget(&list, status);
        // In place for the client, and stored, so a reload shows it.
        events
            .update_widget_with_copy_text(sender, widget, Some(list_text(&list, status)))
            .await?;
        Ok(())
    }
}

/// Opens the store at `database_url` (`sqlite://...`, `sqlite::memory:`,
/// `postgres://...`) and the tasks table in the same database.
///
/// # Errors
/// When the database cannot be opened, or the table created.
pub async fn open(database_url: &str) -> Result<(Arc<dyn Store<User>>, Tasks), StoreError> {
    let scheme = database_url
        .split_once(':')
        .map_or("", |(scheme, _)| scheme)
        .to_ascii_lowercase();
    let unavailable = |err: sqlx::Error| StoreError::Unavailable(Box::new(err));
    match scheme.as_str() {
        "sqlite" => {
            let store = SqliteStore::open(database_url).await?;
            let tasks = Tasks::sqlite(store.pool().clone())
                .await
                .map_err(unavailable)?;
            Ok((Arc::new(store), tasks))
        }
        "postgres" | "postgresql" => {
            let store = PostgresStore::connect(database_url).await?;
            let tasks = Tasks::postgres(store.pool().clone())
                .await
                .map_err(unavailable)?;
            Ok((Arc::new(store), tasks))
        }
        // Only the scheme: the rest of a URL may hold a password.
        _ => Err(StoreError::Config(format!(
            "unsupported store URL ({}); expected `sqlite://<file>`, `sqlite::memory:`, \
             `postgres://...` or `postgresql://...`",
            if scheme.is_empty() {
                "no scheme".to_owned()
            } else {
                format!("scheme `{scheme}:`")
            }
        ))),
    }
}

/// The ChatKit service: the todo agent on `model`, threads and tasks in the
/// database at `database_url`.
///
/// # Errors
/// When the database cannot be opened.
pub async fn chatkit(
    database_url: &str,
    model: Arc<dyn Model>,
) -> Result<ChatKit<TodoServer, User>, StoreError> {
    let (store, tasks) = open(database_url).await?;
    let server = TodoServer::new(agent(model), Arc::clone(&store), tasks);
    Ok(ChatKit::with_store(server, store))
}

/// The app: [`chatkit`] behind `auth` with `config`. Its router serves
/// `POST /chatkit`, `GET /health`, `GET /ready` and `GET /metrics`.
///
/// # Errors
/// When the database cannot be opened.
pub async fn app(
    database_url: &str,
    model: Arc<dyn Model>,
    auth: impl Authenticator<User>,
    config: HttpConfig,
) -> Result<App<TodoServer, User>, StoreError> {
    Ok(App::new(chatkit(database_url, model).await?, auth).config(config))
}
