//! The protocol types against the literal JSON of the Python reference server
//! (`openai-chatkit` 1.6.5), as recorded in §3.3, §4 and §5 of
//! `/work/shared/reference/chatkit-protocol.md` and copied into
//! `tests/fixtures/protocol/` (see the README there).
//!
//! - Every fixture parses as its type (requests with [`ChatKitRequest::parse`])
//!   and serializes back to the same JSON, up to the normalizations below.
//! - What we write is checked by the reference itself: every fixture, after
//!   our round trip, goes through `oracles/python/check_protocol.py`.
//! - The error side of [`ChatKitRequest::parse`].
//!
//! Normalizations of the round trip, and why:
//! - `created_at` is compared as an instant. The reference writes naive local
//!   times (`2026-11-21T05:30:12.028750`, read as UTC here); we write UTC with
//!   microseconds and `Z` (`2026-11-21T05:30:12.028750Z`), and the test checks
//!   that exact format.
//! - A request's `metadata` is returned beside the parsed request (the
//!   reference parses and ignores it), so the re-serialized request is
//!   `{"type", "params"}` only.
//! - Keys in [`WRITTEN_DEFAULTS`] may appear in our output when the original
//!   left them out: we write those defaults explicitly, as the reference's own
//!   dump does (the oracle test proves it).

#[path = "support/protocol_oracle.rs"]
mod protocol_oracle;

use std::path::Path;

use chatkit_runtime::protocol::{
    Annotation, AssistantMessageContent, AssistantMessageItem, Attachment, ChatKitRequest,
    ItemBase, OutputText, Page, REQUEST_TYPES, Source, StructuredInput, StructuredInputAnswer,
    StructuredInputItem, StructuredInputStatus, SyncCustomActionResponse, Thread, ThreadItem,
    ThreadStreamEvent, TranscriptionResult, Workflow, WorkflowItem,
};
use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// `(key, value)` pairs we may write where the reference's JSON left the key
/// out: the value is the reference's default for that key, and the
/// reference's own dump writes it too.
/// - `skipped: false`: `StructuredInputAnswerSubmission.skipped` of a
///   `threads.add_structured_input` request (§3.3.4's request omits it).
const WRITTEN_DEFAULTS: &[(&str, Value)] = &[("skipped", Value::Bool(false))];

/// One literal JSON of the reference document.
struct Fixture {
    /// `<file>:<line> [<section>] <kind>`.
    name: String,
    /// What it is: a kind of `check_protocol.py`, or `source`, `workflow`,
    /// `answer` (parts of items).
    kind: String,
    /// The JSON as written in the file.
    text: String,
    value: Value,
}

/// Reads every `tests/fixtures/protocol/*.txt`: lines `<kind> <json>`; `#`
/// lines are comments, and a `## ...` line names the section of the lines
/// below it.
fn fixtures() -> Vec<Fixture> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/protocol");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the fixture directory")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    let mut fixtures = Vec::new();
    for file in files {
        let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
        let content = std::fs::read_to_string(&file).expect("a fixture file");
        let mut section = String::from("?");
        for (index, line) in content.lines().enumerate() {
            if let Some(heading) = line.strip_prefix("## ") {
                section = heading.to_owned();
                continue;
            }
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (kind, text) = line
                .split_once(' ')
                .unwrap_or_else(|| panic!("{file_name}:{}: expected `<kind> <json>`", index + 1));
            let value: Value = serde_json::from_str(text)
                .unwrap_or_else(|err| panic!("{file_name}:{}: bad JSON: {err}", index + 1));
            fixtures.push(Fixture {
                name: format!("{file_name}:{} [{section}] {kind}", index + 1),
                kind: kind.to_owned(),
                text: text.to_owned(),
                value,
            });
        }
    }
    assert!(
        fixtures.len() > 80,
        "only {} fixtures found",
        fixtures.len()
    );
    fixtures
}

fn round_trip_as<T: DeserializeOwned + Serialize>(fixture: &Fixture) -> (T, Value) {
    let parsed: T = serde_json::from_str(&fixture.text)
        .unwrap_or_else(|err| panic!("{}: does not parse: {err}", fixture.name));
    let ours = serde_json::to_value(&parsed)
        .unwrap_or_else(|err| panic!("{}: does not serialize: {err}", fixture.name));
    (parsed, ours)
}

fn type_tag(value: &Value) -> &str {
    value["type"].as_str().expect("a `type` tag")
}

/// Parses a fixture as its type and serializes it back. Returns what the
/// result must equal (the fixture, less a request's `metadata`) and our JSON.
fn round_trip(fixture: &Fixture) -> (Value, Value) {
    let name = &fixture.name;
    let mut expected = fixture.value.clone();
    let ours = match fixture.kind.as_str() {
        "request" => {
            let (request, metadata) = ChatKitRequest::parse(fixture.text.as_bytes())
                .unwrap_or_else(|err| panic!("{name}: does not parse: {err}"));
            assert_eq!(
                request.type_name(),
                type_tag(&expected),
                "{name}: wrong variant"
            );
            let sent_metadata = expected
                .as_object_mut()
                .unwrap()
                .remove("metadata")
                .unwrap_or_else(|| json!({}));
            assert_eq!(Value::Object(metadata), sent_metadata, "{name}: metadata");
            serde_json::to_value(&request).unwrap()
        }
        "event" => {
            let (event, ours) = round_trip_as::<ThreadStreamEvent>(fixture);
            assert_eq!(
                event.type_name(),
                type_tag(&expected),
                "{name}: wrong variant"
            );
            ours
        }
        "item" => {
            let (item, ours) = round_trip_as::<ThreadItem>(fixture);
            assert_eq!(
                item.type_name(),
                type_tag(&expected),
                "{name}: wrong variant"
            );
            ours
        }
        "thread" => round_trip_as::<Thread>(fixture).1,
        "thread_page" => round_trip_as::<Page<Thread>>(fixture).1,
        "item_page" => round_trip_as::<Page<ThreadItem>>(fixture).1,
        "attachment" => round_trip_as::<Attachment>(fixture).1,
        "sync_action_response" => round_trip_as::<SyncCustomActionResponse>(fixture).1,
        "transcription" => round_trip_as::<TranscriptionResult>(fixture).1,
        "empty" => {
            assert_eq!(expected, json!({}), "{name}: not an empty body");
            // The one empty body of our own types: a sync action that changed nothing.
            serde_json::to_value(SyncCustomActionResponse::default()).unwrap()
        }
        "source" => round_trip_as::<Source>(fixture).1,
        "workflow" => round_trip_as::<Workflow>(fixture).1,
        "answer" => round_trip_as::<StructuredInputAnswer>(fixture).1,
        other => panic!("{name}: unknown fixture kind `{other}`"),
    };
    (expected, ours)
}

/// Our timestamp format: UTC, microseconds, `Z`.
fn is_our_timestamp(text: &str) -> bool {
    DateTime::parse_from_rfc3339(text).is_ok_and(|time| {
        time.with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Micros, true)
            == text
    })
}

/// An ISO 8601 date-time as an instant; without an offset it is UTC.
fn instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|naive| naive.and_utc())
        })
}

/// The first difference between the reference's JSON and ours, up to the
/// normalizations of the module docs.
fn difference(reference: &Value, ours: &Value, path: &str, key: &str) -> Option<String> {
    if key == "created_at"
        && let (Value::String(theirs), Value::String(mine)) = (reference, ours)
    {
        return match instant(theirs) {
            _ if !is_our_timestamp(mine) => Some(format!("{path}: {mine:?} is not our format")),
            Some(time) if Some(time) == instant(mine) => None,
            _ => Some(format!("{path}: {theirs:?} became {mine:?}")),
        };
    }
    match (reference, ours) {
        (Value::Object(theirs), Value::Object(mine)) => {
            for (k, value) in theirs {
                let at = format!("{path}.{k}");
                match mine.get(k) {
                    None => return Some(format!("{at}: missing (was {value})")),
                    Some(other) => {
                        if let Some(diff) = difference(value, other, &at, k) {
                            return Some(diff);
                        }
                    }
                }
            }
            mine.iter()
                .filter(|(k, _)| !theirs.contains_key(*k))
                .find(|(k, v)| !WRITTEN_DEFAULTS.iter().any(|(dk, dv)| dk == k && dv == *v))
                .map(|(k, v)| format!("{path}.{k}: added {v}"))
        }
        (Value::Array(theirs), Value::Array(mine)) if theirs.len() == mine.len() => theirs
            .iter()
            .zip(mine)
            .enumerate()
            .find_map(|(i, (a, b))| difference(a, b, &format!("{path}[{i}]"), "")),
        _ if reference == ours => None,
        _ => Some(format!("{path}: {reference} became {ours}")),
    }
}

#[test]
fn every_fixture_round_trips_to_the_reference_json() {
    let mut failures = Vec::new();
    for fixture in fixtures() {
        let (expected, ours) = round_trip(&fixture);
        if let Some(diff) = difference(&expected, &ours, "$", "") {
            failures.push(format!("{}: {diff}\n  ours: {ours}", fixture.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixtures_cover_every_request_and_event_type() {
    let fixtures = fixtures();
    let tags = |kind: &str| -> Vec<String> {
        fixtures
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| type_tag(&f.value).to_owned())
            .collect()
    };
    let requests = tags("request");
    for request_type in REQUEST_TYPES {
        assert!(
            requests.iter().any(|t| t == request_type),
            "no fixture for {request_type}"
        );
    }
    let events = tags("event");
    for event_type in [
        "thread.created",
        "thread.updated",
        "thread.item.added",
        "thread.item.updated",
        "thread.item.done",
        "thread.item.removed",
        "thread.item.replaced",
        "stream_options",
        "progress_update",
        "client_effect",
        "error",
        "notice",
    ] {
        assert!(
            events.iter().any(|t| t == event_type),
            "no fixture for {event_type}"
        );
    }
    for fixture in &fixtures {
        assert!(
            protocol_oracle::KINDS
                .iter()
                .any(|(kind, _)| *kind == fixture.kind)
                || ["source", "workflow", "answer"].contains(&fixture.kind.as_str()),
            "{}: unknown kind",
            fixture.name
        );
    }
}

#[test]
fn requests_parse_into_the_right_variant() {
    let streaming = [
        "threads.create",
        "threads.add_user_message",
        "threads.add_client_tool_output",
        "threads.add_structured_input",
        "threads.retry_after_item",
        "threads.custom_action",
    ];
    for fixture in fixtures().iter().filter(|f| f.kind == "request") {
        let (request, _) = ChatKitRequest::parse(fixture.text.as_bytes()).unwrap();
        let tag = type_tag(&fixture.value);
        assert_eq!(request.type_name(), tag);
        assert_eq!(request.is_streaming(), streaming.contains(&tag), "{tag}");
        if !fixture.name.starts_with("s3.3-") {
            continue;
        }
        // The params of §3.3's requests land in the right fields.
        let matches = match &request {
            ChatKitRequest::ThreadsCreate(p) => {
                tag == "threads.create"
                    && p.input.attachments == ["atc_demo1"]
                    && p.input.quoted_text.as_deref() == Some("quoted")
                    && p.input.inference_options.model.as_deref() == Some("gpt-4.1")
            }
            ChatKitRequest::ThreadsAddUserMessage(p) => p.thread_id == "thr_986370f7",
            ChatKitRequest::ThreadsAddClientToolOutput(p) => p.result == json!({"nodes": [1, 2]}),
            ChatKitRequest::ThreadsAddStructuredInput(p) => {
                p.input.status == StructuredInputStatus::Answered
                    && p.input.answers["priority"].values == ["High", "Low"]
                    && !p.input.answers["priority"].skipped
            }
            ChatKitRequest::ThreadsRetryAfterItem(p) => p.item_id == "msg_e06432b7",
            ChatKitRequest::ThreadsCustomAction(p) => {
                tag == "threads.custom_action"
                    && p.action.kind == "archive"
                    && p.item_id.as_deref() == Some("msg_w1")
            }
            ChatKitRequest::ThreadsSyncCustomAction(p) => {
                tag == "threads.sync_custom_action" && p.action.kind == "toggle"
            }
            ChatKitRequest::ThreadsGetById(p) => {
                tag == "threads.get_by_id" && !p.thread_id.is_empty()
            }
            ChatKitRequest::ThreadsList(p) => p.limit == Some(2),
            ChatKitRequest::ThreadsUpdate(p) => p.title == "Renamed",
            ChatKitRequest::ThreadsDelete(p) => {
                tag == "threads.delete" && p.thread_id == "thr_3d6b24a0"
            }
            ChatKitRequest::ItemsList(p) => p.limit == Some(3) && p.after.is_none(),
            ChatKitRequest::ItemsFeedback(p) => p.item_ids == ["msg_a1"],
            ChatKitRequest::AttachmentsCreate(p) => p.size == 1234 && p.mime_type == "image/png",
            ChatKitRequest::AttachmentsDelete(p) => p.attachment_id == "atc_demo2",
            ChatKitRequest::InputTranscribe(p) => p.audio_base64 == "YWJj",
            _ => false,
        };
        assert!(matches, "{}: parsed as {request:?}", fixture.name);
    }
}

// ------------------------------------------------------------------ the reference

/// A fixture that is a part of an item, as an item the oracle can check:
/// built with our types and serialized by us.
fn wrap_part(fixture: &Fixture, ours: Value) -> Value {
    let base = ItemBase {
        id: "part".into(),
        thread_id: "thr_part".into(),
        created_at: instant("2026-01-01T00:00:00").unwrap(),
    };
    let item = match fixture.kind.as_str() {
        "source" => ThreadItem::AssistantMessage(AssistantMessageItem {
            base,
            content: vec![AssistantMessageContent {
                annotations: vec![Annotation::new(
                    serde_json::from_value(ours.clone()).unwrap(),
                    Some(1),
                )],
                text: "x".into(),
                kind: OutputText,
            }],
        }),
        "workflow" => ThreadItem::Workflow(WorkflowItem {
            base,
            workflow: serde_json::from_value(ours.clone()).unwrap(),
        }),
        "answer" => ThreadItem::StructuredInput(StructuredInputItem {
            base,
            status: StructuredInputStatus::Skipped,
            inputs: vec![StructuredInput::Freeform {
                id: "q".into(),
                question: "Q?".into(),
                answer: Some(serde_json::from_value(ours.clone()).unwrap()),
                description: None,
            }],
        }),
        other => panic!("{other} is not a part"),
    };
    let wrapped = serde_json::to_value(&item).unwrap();
    // The part must be in the item as we serialized it on its own.
    let inner = match fixture.kind.as_str() {
        "source" => &wrapped["content"][0]["annotations"][0]["source"],
        "workflow" => &wrapped["workflow"],
        _ => &wrapped["inputs"][0]["answer"],
    };
    assert_eq!(inner, &ours, "{}", fixture.name);
    wrapped
}

#[test]
fn our_serialization_of_every_fixture_satisfies_the_reference() {
    let entries: Vec<(String, &'static str, Value)> = fixtures()
        .iter()
        .map(|fixture| {
            let (_, ours) = round_trip(fixture);
            let kind = protocol_oracle::KINDS
                .iter()
                .map(|(kind, _)| *kind)
                .find(|kind| *kind == fixture.kind);
            match kind {
                Some(kind) => (fixture.name.clone(), kind, ours),
                None => (fixture.name.clone(), "item", wrap_part(fixture, ours)),
            }
        })
        .collect();
    let output = protocol_oracle::check_with_reference(&entries);
    println!("{output}");
}

#[test]
fn the_oracle_fails_json_the_reference_would_not_send() {
    let thread = json!({"id": "t", "created_at": "2026-01-01T00:00:00.000000Z",
        "status": {"type": "active"}, "metadata": {}, "items": {"data": [], "has_more": false}});
    let mut secret_thread = thread.clone();
    secret_thread["metadata"] = json!({"secret": 1});
    let bad = [
        (
            "unknown field",
            "event",
            json!({"type": "notice", "level": "info", "message": "m", "extra": 1}),
        ),
        (
            "explicit null",
            "event",
            json!({"type": "notice", "level": "info", "message": "m", "title": null}),
        ),
        ("missing default", "thread", {
            let mut t = thread.clone();
            t.as_object_mut().unwrap().remove("metadata");
            t
        }),
        ("thread metadata", "thread", secret_thread),
        (
            "bad enum",
            "event",
            json!({"type": "notice", "level": "loud", "message": "m"}),
        ),
        (
            "no inference_options",
            "request",
            json!({"type": "threads.create", "params": {"input":
            {"content": [], "attachments": []}}}),
        ),
        ("not empty", "empty", json!({"ok": true})),
    ];
    let entries: Vec<(String, &'static str, Value)> = bad
        .iter()
        .map(|(name, kind, value)| (name.to_string(), *kind, value.clone()))
        .collect();
    let panic = std::panic::catch_unwind(|| protocol_oracle::check_with_reference(&entries))
        .expect_err("the oracle passed JSON the reference rejects");
    let message = panic
        .downcast_ref::<String>()
        .expect("a panic message")
        .clone();
    if let Some((_, rest)) = message.split_once("(corpus: ")
        && let Some((path, _)) = rest.split_once("):")
    {
        let _ = std::fs::remove_file(path);
    }
    for (name, _, _) in &bad {
        assert!(message.contains(&format!("FAIL {name}: ")), "{message}");
    }
    assert!(
        message.contains("$.params.input.inference_options"),
        "{message}"
    );
    assert!(
        message.contains(&format!("protocol oracle: 0 passed, {} failed", bad.len())),
        "{message}"
    );
}

// ------------------------------------------------------------------ parse errors

fn parse_error(body: &str) -> String {
    match ChatKitRequest::parse(body.as_bytes()) {
        Ok((request, _)) => panic!("{body} parsed as {request:?}"),
        Err(err) => err.to_string(),
    }
}

fn assert_error(body: &str, needles: &[&str]) {
    let message = parse_error(body);
    for needle in needles {
        assert!(
            message.contains(needle),
            "error for {body}\n  is {message:?}\n  and does not mention {needle:?}"
        );
    }
}

const INPUT: &str =
    r#"{"content":[{"type":"input_text","text":"Hi"}],"attachments":[],"inference_options":{}}"#;

#[test]
fn bad_json_is_an_error() {
    assert_error("", &["not valid JSON"]);
    assert_error(r#"{"type":"threads.list","params":{}"#, &["not valid JSON"]);
    assert_error("threads.list", &["not valid JSON"]);
}

#[test]
fn an_empty_object_or_a_non_object_is_an_error() {
    assert_error("{}", &["type"]);
    assert_error("[]", &["not a ChatKit request"]);
    assert_error(r#""threads.list""#, &["not a ChatKit request"]);
    assert_error(r#"{"type":7,"params":{}}"#, &["not a ChatKit request"]);
}

#[test]
fn an_unknown_type_is_an_error_that_lists_the_known_ones() {
    assert_error(
        r#"{"type":"threads.stop","params":{}}"#,
        &["threads.stop", "threads.create", "input.transcribe"],
    );
}

#[test]
fn params_are_required_even_when_every_param_is_optional() {
    // The reference: `{"type":"threads.list"}` fails, `"params":{}` is fine.
    assert_error(r#"{"type":"threads.list"}"#, &["threads.list", "params"]);
    assert_error(r#"{"type":"threads.list","params":null}"#, &["params"]);
    let (request, metadata) =
        ChatKitRequest::parse(br#"{"type":"threads.list","params":{}}"#).unwrap();
    assert!(metadata.is_empty());
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"type": "threads.list", "params": {"order": "desc"}})
    );
}

#[test]
fn params_of_the_wrong_shape_name_their_path() {
    let cases = [
        (
            r#"{"type":"threads.create","params":{"input":{"content":"Hi","attachments":[],"inference_options":{}}}}"#,
            "params.input.content",
        ),
        (
            r#"{"type":"threads.create","params":{"input":{"content":[{"type":"input_text"}],"attachments":[],"inference_options":{}}}}"#,
            "params.input.content[0]",
        ),
        (
            r#"{"type":"threads.create","params":{"input":{"content":[{"type":"input_image","url":"u"}],"attachments":[],"inference_options":{}}}}"#,
            "params.input.content[0].type",
        ),
        (
            r#"{"type":"threads.create","params":{"input":{"content":[],"attachments":[7],"inference_options":{}}}}"#,
            "params.input.attachments[0]",
        ),
        (
            r#"{"type":"threads.create","params":{"input":{"content":[],"attachments":[],"inference_options":{"tool_choice":"search"}}}}"#,
            "params.input.inference_options.tool_choice",
        ),
        (
            r#"{"type":"threads.list","params":{"order":"sideways"}}"#,
            "params.order",
        ),
        (
            r#"{"type":"threads.list","params":{"limit":"five"}}"#,
            "params.limit",
        ),
        (
            r#"{"type":"items.feedback","params":{"thread_id":"t","item_ids":["a"],"kind":"meh"}}"#,
            "params.kind",
        ),
        (
            r#"{"type":"threads.add_structured_input","params":{"thread_id":"t","item_id":"i","input":{"answers":{"q":{"values":"x"}}}}}"#,
            "params.input.answers.q.values",
        ),
        (
            r#"{"type":"threads.custom_action","params":{"thread_id":"t","action":{"payload":{}}}}"#,
            "params.action",
        ),
        (
            r#"{"type":"attachments.create","params":{"name":"n","size":"big","mime_type":"m"}}"#,
            "params.size",
        ),
    ];
    for (body, path) in cases {
        assert_error(body, &[&format!("`{path}`")]);
    }
    // Params that are not an object at all: the message names the request.
    assert_error(
        r#"{"type":"threads.get_by_id","params":[]}"#,
        &["threads.get_by_id"],
    );
}

#[test]
fn fields_the_reference_requires_are_required() {
    let without = |field: &str| {
        let mut input: Map<String, Value> = serde_json::from_str(INPUT).unwrap();
        input.remove(field);
        json!({"type": "threads.create", "params": {"input": input}}).to_string()
    };
    assert_error(
        &without("inference_options"),
        &["inference_options", "`params.input`"],
    );
    assert_error(&without("attachments"), &["attachments", "`params.input`"]);
    assert_error(&without("content"), &["content", "`params.input`"]);
    assert_error(r#"{"type":"threads.create","params":{}}"#, &["input"]);
    assert_error(
        &format!(r#"{{"type":"threads.add_user_message","params":{{"input":{INPUT}}}}}"#),
        &["thread_id"],
    );
    // A tag needs its `data`.
    assert_error(
        r#"{"type":"threads.create","params":{"input":{"content":[{"type":"input_tag","id":"i","text":"t"}],"attachments":[],"inference_options":{}}}}"#,
        &["data", "params.input.content[0]"],
    );
    // `result` of a client tool output is required (it may be null).
    assert_error(
        r#"{"type":"threads.add_client_tool_output","params":{"thread_id":"t"}}"#,
        &["result"],
    );
    let (request, _) = ChatKitRequest::parse(
        br#"{"type":"threads.add_client_tool_output","params":{"thread_id":"t","result":null}}"#,
    )
    .unwrap();
    assert!(matches!(request, ChatKitRequest::ThreadsAddClientToolOutput(p) if p.result.is_null()));
    assert_error(
        r#"{"type":"threads.custom_action","params":{"thread_id":"t"}}"#,
        &["action"],
    );
    assert_error(
        r#"{"type":"items.feedback","params":{"thread_id":"t","kind":"positive"}}"#,
        &["item_ids"],
    );
    assert_error(
        r#"{"type":"attachments.create","params":{"name":"n","mime_type":"m"}}"#,
        &["size"],
    );
    assert_error(
        r#"{"type":"input.transcribe","params":{"audio_base64":"YWJj"}}"#,
        &["mime_type"],
    );
}

#[test]
fn unknown_fields_are_ignored() {
    let body = json!({
        "type": "threads.create",
        "metadata": {"tenant": "a"},
        "future_envelope_field": true,
        "params": {
            "future_param": 1,
            "input": {
                "content": [
                    {"type": "input_text", "text": "Hi", "style": "bold"},
                    {"type": "input_tag", "id": "i", "text": "t", "data": {}, "new": [1]},
                ],
                "attachments": [],
                "inference_options": {"model": "m", "reasoning": "high", "tool_choice": {"id": "x", "v": 2}},
                "extra": {"nested": true},
            },
        },
    });
    let (request, metadata) = ChatKitRequest::parse(body.to_string().as_bytes()).unwrap();
    assert_eq!(Value::Object(metadata), json!({"tenant": "a"}));
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"type": "threads.create", "params": {"input": {
            "content": [
                {"type": "input_text", "text": "Hi"},
                {"type": "input_tag", "id": "i", "text": "t", "data": {}, "interactive": false},
            ],
            "attachments": [],
            "inference_options": {"tool_choice": {"id": "x"}, "model": "m"},
        }}})
    );

    // The fields of a widget's ActionConfig that only the client reads.
    let (request, _) = ChatKitRequest::parse(
        br#"{"type":"threads.custom_action","params":{"thread_id":"t","action":{"type":"go","payload":{"a":1},"handler":"server","loadingBehavior":"self","streaming":true}}}"#,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&request).unwrap()["params"]["action"],
        json!({"type": "go", "payload": {"a": 1}})
    );
}

#[test]
fn an_action_without_payload_is_accepted() {
    for body in [
        r#"{"type":"threads.custom_action","params":{"thread_id":"t","action":{"type":"refresh"}}}"#,
        r#"{"type":"threads.sync_custom_action","params":{"thread_id":"t","item_id":null,"action":{"type":"refresh","payload":null}}}"#,
    ] {
        let (request, _) = ChatKitRequest::parse(body.as_bytes()).unwrap();
        let params = match &request {
            ChatKitRequest::ThreadsCustomAction(p) | ChatKitRequest::ThreadsSyncCustomAction(p) => {
                p
            }
            other => panic!("parsed as {other:?}"),
        };
        assert_eq!(params.action.kind, "refresh");
        assert_eq!(params.action.payload, None);
        assert_eq!(params.item_id, None);
        assert_eq!(
            serde_json::to_value(&request).unwrap()["params"],
            json!({"thread_id": "t", "action": {"type": "refresh"}})
        );
    }
    // Any JSON payload is accepted, not only objects.
    let (request, _) = ChatKitRequest::parse(
        br#"{"type":"threads.custom_action","params":{"thread_id":"t","action":{"type":"pick","payload":[1,"two"]}}}"#,
    )
    .unwrap();
    assert!(
        matches!(&request, ChatKitRequest::ThreadsCustomAction(p) if p.action.payload == Some(json!([1, "two"])))
    );
}

#[test]
fn metadata_is_returned_beside_the_request() {
    let (_, metadata) = ChatKitRequest::parse(
        br#"{"type":"threads.get_by_id","params":{"thread_id":"t"},"metadata":{"user":"u1"}}"#,
    )
    .unwrap();
    assert_eq!(Value::Object(metadata), json!({"user": "u1"}));
}
