//! The ChatKit server end to end through its HTTP route: every request
//! type, exact event sequences, what is stored afterwards, errors, bad input
//! and cancellation. In the spirit of the reference's server tests.

#[path = "support/harness.rs"]
mod harness;
#[path = "support/protocol_oracle.rs"]
mod protocol_oracle;

use std::time::Duration;

use axum::http::StatusCode;
use chatkit_runtime::protocol::*;
use chatkit_runtime::server::StreamError;
use chatkit_runtime::store::{IdKind, Store};
use chatkit_runtime::widget;
use harness::{Harness, input, types};
use serde_json::{Value, json};

const ALICE: &str = "alice";
const BOB: &str = "bob";

#[tokio::test]
async fn create_streams_thread_message_options_and_response() {
    create_streams_thread_message_options_and_response_flow(&Harness::new()).await;
}

async fn create_streams_thread_message_options_and_response_flow(h: &Harness) {
    let (thread_id, reply) = h.create_thread(ALICE, "Hello").await;
    assert_eq!(reply.content_type, "text/event-stream");
    assert_eq!(
        types(&reply.events),
        [
            "thread.created",
            "thread.item.done",
            "stream_options",
            "thread.item.done"
        ]
    );
    let thread = &reply.events[0]["thread"];
    assert!(thread_id.starts_with("thr_"));
    assert_eq!(thread["metadata"], json!({}));
    assert_eq!(thread["status"], json!({"type": "active"}));
    assert_eq!(thread["items"], json!({"data": [], "has_more": false}));
    assert!(thread.get("title").is_none(), "None is left out");
    let user_message = &reply.events[1]["item"];
    assert_eq!(user_message["type"], "user_message");
    assert_eq!(user_message["thread_id"], thread_id.as_str());
    assert!(user_message["id"].as_str().unwrap().starts_with("msg_"));
    assert_eq!(
        user_message["content"],
        json!([{"type": "input_text", "text": "Hello"}])
    );
    assert_eq!(user_message["attachments"], json!([]));
    assert_eq!(user_message["inference_options"], json!({}));
    assert_eq!(
        reply.events[2]["stream_options"],
        json!({"allow_cancel": true})
    );
    assert_eq!(reply.events[3]["item"]["content"][0]["text"], "Hi");

    // The responder saw the stored user message and the context.
    {
        let recorded = h.recorded();
        assert_eq!(recorded.responds.len(), 1);
        assert_eq!(recorded.responds[0].0, thread_id);
        assert_eq!(recorded.responds[0].1.as_ref().unwrap().text(), "Hello");
        assert_eq!(recorded.responds[0].2, ALICE);
    }

    let items = h.items(ALICE, &thread_id).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0], reply.events[1]["item"]);
    assert_eq!(items[1], reply.events[3]["item"]);
}

#[tokio::test]
async fn every_event_kind_is_stored_or_forwarded_by_the_rules() {
    every_event_kind_is_stored_or_forwarded_by_the_rules_flow(&Harness::new()).await;
}

async fn every_event_kind_is_stored_or_forwarded_by_the_rules_flow(h: &Harness) {
    h.script(|call| async move {
        let e = &call.events;
        e.progress("Searching...", Some(widget_dsl::IconName::Search))
            .await?;
        e.stream_text(["Hel", "lo"]).await?;
        let workflow_id = e.new_item_id(IdKind::Workflow);
        let mut workflow = WorkflowItem {
            base: ItemBase::new(&workflow_id, e.thread_id()),
            workflow: Workflow {
                kind: WorkflowKind::Reasoning,
                tasks: Vec::new(),
                summary: None,
                expanded: false,
            },
        };
        e.send(ThreadStreamEvent::ThreadItemAdded {
            item: ThreadItem::Workflow(workflow.clone()),
        })
        .await?;
        let thought = Task::Thought {
            status_indicator: StatusIndicator::None,
            title: None,
            content: "Think".into(),
        };
        e.send(ThreadStreamEvent::ThreadItemUpdated {
            item_id: workflow_id.clone(),
            update: ThreadItemUpdate::WorkflowTaskAdded {
                task_index: 0,
                task: thought.clone(),
            },
        })
        .await?;
        workflow.workflow.tasks.push(thought);
        workflow.workflow.summary = Some(WorkflowSummary::Duration { duration: 3 });
        e.item_done(ThreadItem::Workflow(workflow)).await?;
        e.send(ThreadStreamEvent::ClientEffect {
            name: "highlight".into(),
            data: Default::default(),
        })
        .await?;
        e.send(ThreadStreamEvent::Notice {
            level: NoticeLevel::Info,
            message: "FYI".into(),
            title: Some("Note".into()),
        })
        .await?;
        e.item_done(ThreadItem::HiddenContext(HiddenContextItem {
            base: e.new_item_base(IdKind::Message),
            content: json!("secret"),
        }))
        .await?;
        e.item_done(ThreadItem::EndOfTurn(EndOfTurnItem {
            base: e.new_item_base(IdKind::Message),
        }))
        .await?;
        call.thread
            .update(|thread| thread.title = Some("Greeting".into()));
        Ok(())
    });
    let (thread_id, reply) = h.create_thread(ALICE, "Hello").await;
    assert_eq!(
        types(&reply.events),
        [
            "thread.created",
            "thread.item.done",
            "stream_options",
            "progress_update",
            "thread.item.added",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.done",
            "thread.item.added",
            "thread.item.updated",
            "thread.item.done",
            "client_effect",
            "notice",
            "thread.item.done",
            "thread.updated",
        ]
    );
    assert_eq!(
        reply.events[3],
        json!({"type": "progress_update", "icon": "search", "text": "Searching..."})
    );
    assert_eq!(reply.events[9]["item"]["content"][0]["text"], "Hello");
    assert_eq!(reply.events[15]["item"]["type"], "end_of_turn");
    assert_eq!(reply.events[16]["thread"]["title"], "Greeting");

    // Hidden items are stored but neither sent nor listed.
    let stored = h.stored_items(ALICE, &thread_id).await;
    let kinds: Vec<_> = stored.iter().map(ThreadItem::type_name).collect();
    assert_eq!(
        kinds,
        [
            "user_message",
            "assistant_message",
            "workflow",
            "hidden_context_item",
            "end_of_turn"
        ]
    );
    let listed: Vec<_> = h
        .items(ALICE, &thread_id)
        .await
        .iter()
        .map(|i| i["type"].clone())
        .collect();
    assert_eq!(
        listed,
        [
            "user_message",
            "assistant_message",
            "workflow",
            "end_of_turn"
        ]
    );
    let thread = h
        .send(
            ALICE,
            json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        )
        .await;
    assert_eq!(thread.json["title"], "Greeting");
    assert_eq!(thread.json["items"]["data"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn thread_changes_are_sent_right_after_the_event_that_made_them() {
    thread_changes_are_sent_right_after_the_event_that_made_them_flow(&Harness::new()).await;
}

async fn thread_changes_are_sent_right_after_the_event_that_made_them_flow(h: &Harness) {
    h.script(|call| async move {
        call.events.assistant_message("one").await?;
        call.thread.update(|thread| {
            thread.status = ThreadStatus::Locked {
                reason: Some("busy".into()),
            };
            thread.metadata.insert("secret".into(), json!(1));
            thread.allowed_image_domains = Some(vec!["example.com".into()]);
        });
        call.events.assistant_message("two").await?;
        call.events.assistant_message("three").await?;
        Ok(())
    });
    let (thread_id, reply) = h.create_thread(ALICE, "go").await;
    assert_eq!(
        types(&reply.events)[3..],
        [
            "thread.item.done",
            "thread.item.done",
            "thread.updated",
            "thread.item.done"
        ]
    );
    let updated = &reply.events[5]["thread"];
    assert_eq!(
        updated["status"],
        json!({"type": "locked", "reason": "busy"})
    );
    assert_eq!(updated["allowed_image_domains"], json!(["example.com"]));
    assert_eq!(
        updated["metadata"],
        json!({}),
        "server-side metadata never reaches the client"
    );
    let stored = Store::<String>::load_thread(h.store.as_ref(), &thread_id, &ALICE.to_owned())
        .await
        .unwrap();
    assert_eq!(stored.metadata["secret"], 1);
}

#[tokio::test]
async fn add_user_message_continues_a_thread() {
    add_user_message_continues_a_thread_flow(&Harness::new()).await;
}

async fn add_user_message_continues_a_thread_flow(h: &Harness) {
    let (thread_id, _) = h.create_thread(ALICE, "Hello").await;
    let reply = h
        .send(ALICE, json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": input("Again")}}))
        .await;
    assert_eq!(
        types(&reply.events),
        ["thread.item.done", "stream_options", "thread.item.done"]
    );
    assert_eq!(h.items(ALICE, &thread_id).await.len(), 4);
}

#[tokio::test]
async fn client_tool_call_round_trip() {
    client_tool_call_round_trip_flow(&Harness::new()).await;
}

async fn client_tool_call_round_trip_flow(h: &Harness) {
    h.script(|call| async move {
        if call.input.is_some() {
            let item = ThreadItem::ClientToolCall(ClientToolCallItem {
                base: call.events.new_item_base(IdKind::ToolCall),
                status: ClientToolCallStatus::Pending,
                call_id: "call_1".into(),
                name: "get_selection".into(),
                arguments: serde_json::Map::from_iter([("project".to_owned(), json!("p"))]),
                output: None,
            });
            call.events.item_done(item).await?;
        } else {
            call.events.assistant_message("Got it").await?;
        }
        Ok(())
    });
    let (thread_id, reply) = h.create_thread(ALICE, "select").await;
    assert_eq!(reply.events[3]["item"]["status"], "pending");
    let reply = h
        .send(
            ALICE,
            json!({"type": "threads.add_client_tool_output", "params": {"thread_id": thread_id, "result": {"nodes": [1, 2]}}}),
        )
        .await;
    assert_eq!(types(&reply.events), ["stream_options", "thread.item.done"]);
    assert_eq!(reply.events[1]["item"]["content"][0]["text"], "Got it");
    assert!(
        h.recorded().responds[1].1.is_none(),
        "the continuation has no user message"
    );
    let items = h.items(ALICE, &thread_id).await;
    assert_eq!(items[1]["status"], "completed");
    assert_eq!(items[1]["output"], json!({"nodes": [1, 2]}));

    // No pending call any more: a clear 400, nothing runs.
    let reply = h
        .send(ALICE, json!({"type": "threads.add_client_tool_output", "params": {"thread_id": thread_id, "result": 1}}))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no pending client tool call")
    );
    assert_eq!(h.recorded().responds.len(), 2);
}

#[tokio::test]
async fn structured_input_is_answered_then_the_turn_resumes() {
    structured_input_is_answered_then_the_turn_resumes_flow(&Harness::new()).await;
}

async fn structured_input_is_answered_then_the_turn_resumes_flow(h: &Harness) {
    h.script(|call| async move {
        if call.input.is_some() {
            let item = ThreadItem::StructuredInput(StructuredInputItem {
                base: call.events.new_item_base(IdKind::Message),
                status: StructuredInputStatus::Pending,
                inputs: vec![
                    StructuredInput::MultipleChoice {
                        id: "priority".into(),
                        question: "Priority?".into(),
                        answer: None,
                        options: vec![
                            ChoiceOption {
                                value: "Low".into(),
                            },
                            ChoiceOption {
                                value: "High".into(),
                            },
                        ],
                        multiple: false,
                    },
                    StructuredInput::Freeform {
                        id: "notes".into(),
                        question: "Notes?".into(),
                        answer: None,
                        description: Some("optional".into()),
                    },
                ],
            });
            call.events.item_done(item).await?;
        } else {
            call.events.assistant_message("Thanks").await?;
        }
        Ok(())
    });
    let (thread_id, reply) = h.create_thread(ALICE, "ask me").await;
    let item_id = reply.events[3]["item"]["id"].as_str().unwrap().to_owned();
    let submit = json!({"type": "threads.add_structured_input", "params": {
        "thread_id": thread_id, "item_id": item_id,
        "input": {"status": "answered", "answers": {"priority": {"values": ["Custom", "Low"]}, "unknown": {"values": ["x"]}}}
    }});
    let reply = h.send(ALICE, submit.clone()).await;
    assert_eq!(
        types(&reply.events),
        ["stream_options", "thread.item.replaced", "thread.item.done"]
    );
    let replaced = &reply.events[1]["item"];
    assert_eq!(replaced["status"], "answered");
    assert_eq!(
        replaced["inputs"][0]["answer"],
        json!({"values": ["Custom"], "skipped": false})
    );
    assert_eq!(
        replaced["inputs"][1]["answer"],
        json!({"values": [], "skipped": true})
    );
    assert_eq!(h.items(ALICE, &thread_id).await[1], *replaced);
    // Answered already.
    assert_eq!(h.send(ALICE, submit).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn retry_after_item_deletes_newer_items_and_answers_again() {
    retry_after_item_deletes_newer_items_and_answers_again_flow(&Harness::new()).await;
}

async fn retry_after_item_deletes_newer_items_and_answers_again_flow(h: &Harness) {
    let (thread_id, _) = h.create_thread(ALICE, "first").await;
    let second = h
        .send(ALICE, json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": input("second")}}))
        .await;
    let second_id = second.events[0]["item"]["id"].as_str().unwrap().to_owned();
    let first_answer = h.items(ALICE, &thread_id).await[1]["id"].clone();
    let reply = h
        .send(ALICE, json!({"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": second_id}}))
        .await;
    assert_eq!(types(&reply.events), ["stream_options", "thread.item.done"]);
    let items = h.items(ALICE, &thread_id).await;
    assert_eq!(items.len(), 4);
    assert_eq!(items[2]["id"], second_id.as_str());
    assert_ne!(
        items[3]["id"], second.events[2]["item"]["id"],
        "the old answer is gone"
    );
    {
        let recorded = h.recorded();
        assert_eq!(
            recorded.responds[2].1.as_ref().unwrap().base.id,
            second_id,
            "respond gets the stored message"
        );
    }

    let not_user = h
        .send(ALICE, json!({"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": first_answer}}))
        .await;
    assert_eq!(not_user.status, StatusCode::BAD_REQUEST);
    let unknown = h
        .send(ALICE, json!({"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": "msg_nope"}}))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        h.items(ALICE, &thread_id).await.len(),
        4,
        "failed retries change nothing"
    );
}

#[tokio::test]
async fn custom_actions_reach_the_action_hook_with_the_sender() {
    custom_actions_reach_the_action_hook_with_the_sender_flow(&Harness::new()).await;
}

async fn custom_actions_reach_the_action_hook_with_the_sender_flow(h: &Harness) {
    h.script(|call| async move {
        match call.action {
            None => {
                call.events.widget(widget! { Card { Text { value: "Archive?" } } }, Some("Archive?".into())).await?;
            }
            Some((action, sender)) => {
                let sender = sender.expect("sender");
                call.events
                    .send(ThreadStreamEvent::ThreadItemUpdated {
                        item_id: sender.base.id.clone(),
                        update: ThreadItemUpdate::WidgetRootUpdated {
                            widget: widget! { Card { Text { value: format!("Done: {}", action.kind) } } }.into(),
                        },
                    })
                    .await?;
            }
        }
        Ok(())
    });
    let (thread_id, reply) = h.create_thread(ALICE, "show").await;
    let widget_id = reply.events[3]["item"]["id"].as_str().unwrap().to_owned();
    assert_eq!(reply.events[3]["item"]["copy_text"], "Archive?");
    let reply = h
        .send(ALICE, json!({"type": "threads.custom_action", "params": {
            "thread_id": thread_id, "item_id": widget_id, "action": {"type": "archive", "payload": {"id": 1}}}}))
        .await;
    assert_eq!(
        types(&reply.events),
        ["stream_options", "thread.item.updated"]
    );
    assert_eq!(
        reply.events[1]["update"]["widget"]["children"][0]["value"],
        "Done: archive"
    );
    assert_eq!(
        h.recorded().actions[0].1.as_deref(),
        Some(widget_id.as_str())
    );
    // The stored widget follows the update its client got.
    let stored = h.items(ALICE, &thread_id).await;
    assert_eq!(stored[1]["widget"]["children"][0]["value"], "Done: archive");

    // An action from an item that is not a widget is refused before streaming.
    let user_message = h.items(ALICE, &thread_id).await[0]["id"].clone();
    let reply = h
        .send(
            ALICE,
            json!({"type": "threads.custom_action", "params": {
            "thread_id": thread_id, "item_id": user_message, "action": {"type": "archive"}}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn update_widget_sends_the_smallest_updates_and_stores_the_result() {
    update_widget_sends_the_smallest_updates_and_stores_the_result_flow(&Harness::new()).await;
}

async fn update_widget_sends_the_smallest_updates_and_stores_the_result_flow(h: &Harness) {
    h.script(|call| async move {
        match call.action {
            None => {
                let card = widget! { Card {
                    Text { id: "status", value: "Pending" }
                    Badge { id: "count", label: "1" }
                } };
                call.events.widget(card, Some("Pending".into())).await?;
            }
            Some((_, sender)) => {
                let sender = sender.expect("sender");
                let card = widget! { Card {
                    Text { id: "status", value: "Pending approval" }
                    Badge { id: "count", label: "1" }
                } };
                let item = call
                    .events
                    .update_widget_with_copy_text(
                        &sender,
                        card.clone(),
                        Some("Pending approval".into()),
                    )
                    .await?;
                assert_eq!(item.copy_text.as_deref(), Some("Pending approval"));
                // The same widget again changes nothing.
                call.events.update_widget(&item, card).await?;
            }
        }
        Ok(())
    });
    let (thread_id, reply) = h.create_thread(ALICE, "show").await;
    let widget_id = reply.events[3]["item"]["id"].as_str().unwrap().to_owned();
    let reply = h
        .send(
            ALICE,
            json!({"type": "threads.custom_action", "params": {
            "thread_id": thread_id, "item_id": widget_id, "action": {"type": "approve"}}}),
        )
        .await;
    // One text delta, no replacement: the store is updated without the client.
    assert_eq!(
        types(&reply.events),
        ["stream_options", "thread.item.updated"]
    );
    assert_eq!(
        reply.events[1]["update"],
        json!({"type": "widget.streaming_text.value_delta", "component_id": "status",
               "delta": " approval", "done": true})
    );
    let stored = h.items(ALICE, &thread_id).await;
    assert_eq!(stored[1]["id"], widget_id.as_str());
    assert_eq!(
        stored[1]["widget"]["children"][0]["value"],
        "Pending approval"
    );
    assert_eq!(stored[1]["copy_text"], "Pending approval");
}

#[tokio::test]
async fn sync_custom_action_answers_with_json_and_stores_the_update() {
    sync_custom_action_answers_with_json_and_stores_the_update_flow(&Harness::new()).await;
}

async fn sync_custom_action_answers_with_json_and_stores_the_update_flow(h: &Harness) {
    h.script(|call| async move {
        call.events
            .widget(widget! { Card { Text { value: "Off" } } }, None)
            .await?;
        Ok(())
    });
    let (thread_id, reply) = h.create_thread(ALICE, "toggle").await;
    let widget_id = reply.events[3]["item"]["id"].as_str().unwrap().to_owned();
    let reply = h
        .send(
            ALICE,
            json!({"type": "threads.sync_custom_action", "params": {
            "thread_id": thread_id, "item_id": widget_id, "action": {"type": "toggle"}}}),
        )
        .await;
    assert_eq!(reply.content_type, "application/json");
    assert_eq!(
        reply.json["updated_item"]["widget"]["children"][0]["value"],
        "Synced: toggle"
    );
    // Unlike the reference, the change survives a reload.
    assert_eq!(
        h.items(ALICE, &thread_id).await[1],
        reply.json["updated_item"]
    );
    let reply = h
        .send(ALICE, json!({"type": "threads.sync_custom_action", "params": {"thread_id": thread_id, "action": {"type": "noop"}}}))
        .await;
    assert_eq!(reply.json, json!({}));
}

#[tokio::test]
async fn pagination_of_threads_and_items() {
    pagination_of_threads_and_items_flow(&Harness::new()).await;
}

async fn pagination_of_threads_and_items_flow(h: &Harness) {
    let mut threads = Vec::new();
    for i in 0..25 {
        threads.push(h.create_thread(ALICE, &format!("thread {i}")).await.0);
    }
    let page = h
        .send(ALICE, json!({"type": "threads.list", "params": {}}))
        .await;
    let data = page.json["data"].as_array().unwrap();
    assert_eq!(data.len(), 20);
    assert_eq!(
        data[0]["id"],
        threads[24].as_str(),
        "newest first by default"
    );
    assert_eq!(page.json["has_more"], true);
    assert_eq!(page.json["after"], data[19]["id"]);
    let rest = h
        .send(
            ALICE,
            json!({"type": "threads.list", "params": {"after": page.json["after"]}}),
        )
        .await;
    assert_eq!(rest.json["data"].as_array().unwrap().len(), 5);
    assert_eq!(rest.json["has_more"], false);
    assert!(rest.json.get("after").is_none());
    assert_eq!(
        rest.json["data"][0]["items"],
        json!({"data": [], "has_more": false})
    );

    let asc = h
        .send(
            ALICE,
            json!({"type": "threads.list", "params": {"limit": 2, "order": "asc"}}),
        )
        .await;
    assert_eq!(asc.json["data"][0]["id"], threads[0].as_str());

    let thread_id = &threads[0];
    for i in 0..12 {
        h.send(ALICE, json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": input(&i.to_string())}}))
            .await;
    }
    let page = h
        .send(
            ALICE,
            json!({"type": "items.list", "params": {"thread_id": thread_id}}),
        )
        .await;
    assert_eq!(page.json["data"].as_array().unwrap().len(), 20);
    assert_eq!(
        page.json["data"][0]["content"][0]["text"], "Hi",
        "newest first"
    );
    let rest = h
        .send(ALICE, json!({"type": "items.list", "params": {"thread_id": thread_id, "after": page.json["after"]}}))
        .await;
    assert_eq!(rest.json["data"].as_array().unwrap().len(), 6);
    assert_eq!(rest.json["has_more"], false);
    assert_eq!(rest.json["data"][5]["content"][0]["text"], "thread 0");
}

#[tokio::test]
async fn update_and_delete_threads() {
    update_and_delete_threads_flow(&Harness::new()).await;
}

async fn update_and_delete_threads_flow(h: &Harness) {
    let (thread_id, _) = h.create_thread(ALICE, "hi").await;
    let reply = h
        .send(ALICE, json!({"type": "threads.update", "params": {"thread_id": thread_id, "title": "Renamed"}}))
        .await;
    assert_eq!(reply.json["title"], "Renamed");
    assert_eq!(reply.json["items"], json!({"data": [], "has_more": false}));
    let reply = h
        .send(
            ALICE,
            json!({"type": "threads.delete", "params": {"thread_id": thread_id}}),
        )
        .await;
    assert_eq!(reply.json, json!({}));
    let reply = h
        .send(
            ALICE,
            json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json["error"]["code"], "not_found");
}

#[tokio::test]
async fn feedback_reaches_the_hook() {
    feedback_reaches_the_hook_flow(&Harness::new()).await;
}

async fn feedback_reaches_the_hook_flow(h: &Harness) {
    let (thread_id, reply) = h.create_thread(ALICE, "hi").await;
    let answer = reply.events[3]["item"]["id"].as_str().unwrap().to_owned();
    let reply = h
        .send(ALICE, json!({"type": "items.feedback", "params": {"thread_id": thread_id, "item_ids": [answer], "kind": "positive"}}))
        .await;
    assert_eq!(reply.json, json!({}));
    let recorded = h.recorded();
    assert_eq!(
        recorded.feedback,
        [(
            thread_id.clone(),
            vec![answer],
            FeedbackKind::Positive,
            ALICE.to_owned()
        )]
    );
}

#[tokio::test]
async fn attachments_are_created_attached_and_deleted() {
    attachments_are_created_attached_and_deleted_flow(&Harness::new()).await;
}

async fn attachments_are_created_attached_and_deleted_flow(h: &Harness) {
    let reply = h
        .send(ALICE, json!({"type": "attachments.create", "params": {"name": "cat.png", "size": 1234, "mime_type": "image/png"}}))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json["type"], "image");
    assert!(
        reply.json.get("metadata").is_none(),
        "metadata stays on the server"
    );
    assert_eq!(reply.json["upload_descriptor"]["method"], "PUT");
    let attachment_id = reply.json["id"].as_str().unwrap().to_owned();
    let stored =
        Store::<String>::load_attachment(h.store.as_ref(), &attachment_id, &ALICE.to_owned())
            .await
            .unwrap();
    assert_eq!(stored.base().metadata.as_ref().unwrap()["bucket"], "secret");

    let mut message = input("look");
    message["attachments"] = json!([attachment_id]);
    let reply = h
        .send(
            ALICE,
            json!({"type": "threads.create", "params": {"input": message.clone()}}),
        )
        .await;
    let thread_id = reply.events[0]["thread"]["id"].as_str().unwrap().to_owned();
    let attached = &reply.events[1]["item"]["attachments"][0];
    assert_eq!(attached["id"], attachment_id.as_str());
    assert_eq!(attached["thread_id"], thread_id.as_str());
    assert!(attached.get("metadata").is_none());
    assert!(
        h.items(ALICE, &thread_id).await[0]["attachments"][0]
            .get("metadata")
            .is_none()
    );

    // Bob cannot attach or delete Alice's attachment.
    let reply = h
        .send(
            BOB,
            json!({"type": "threads.create", "params": {"input": message}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = h
        .send(
            BOB,
            json!({"type": "attachments.delete", "params": {"attachment_id": attachment_id}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = h
        .send(
            ALICE,
            json!({"type": "attachments.delete", "params": {"attachment_id": attachment_id}}),
        )
        .await;
    assert_eq!(reply.json, json!({}));
    assert!(
        Store::<String>::load_attachment(h.store.as_ref(), &attachment_id, &ALICE.to_owned())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn transcription_decodes_audio() {
    transcription_decodes_audio_flow(&Harness::new()).await;
}

async fn transcription_decodes_audio_flow(h: &Harness) {
    let reply = h
        .send(ALICE, json!({"type": "input.transcribe", "params": {"audio_base64": "YWJj", "mime_type": "audio/webm;codecs=opus"}}))
        .await;
    assert_eq!(reply.json, json!({"text": "heard 3 bytes of audio/webm"}));
    let reply = h
        .send(ALICE, json!({"type": "input.transcribe", "params": {"audio_base64": "not base64!", "mime_type": "audio/webm"}}))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn errors_in_respond_become_error_events() {
    errors_in_respond_become_error_events_flow(&Harness::new()).await;
}

async fn errors_in_respond_become_error_events_flow(h: &Harness) {
    h.script(|call| async move {
        let text = call
            .input
            .as_ref()
            .map(UserMessageItem::text)
            .unwrap_or_default();
        call.thread
            .update(|thread| thread.title = Some(format!("failed: {text}")));
        match text.as_str() {
            "custom" => Err(StreamError::custom("Quota exceeded", false)),
            "io" => Err(std::io::Error::other("disk on fire").into()),
            "panic" => panic!("bug in respond"),
            _ => Err(StreamError::failed(false)),
        }
    });
    let cases = [
        (
            "custom",
            json!({"type": "error", "code": "custom", "message": "Quota exceeded", "allow_retry": false}),
        ),
        (
            "io",
            json!({"type": "error", "code": "stream.error", "allow_retry": true}),
        ),
        (
            "panic",
            json!({"type": "error", "code": "stream.error", "allow_retry": true}),
        ),
        (
            "plain",
            json!({"type": "error", "code": "stream.error", "allow_retry": false}),
        ),
    ];
    for (text, expected) in cases {
        let (thread_id, reply) = h.create_thread(ALICE, text).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(
            types(&reply.events),
            [
                "thread.created",
                "thread.item.done",
                "stream_options",
                "error",
                "thread.updated"
            ],
            "{text}"
        );
        assert_eq!(reply.events[3], expected, "{text}");
        // The thread change made before the error is kept.
        let thread = Store::<String>::load_thread(h.store.as_ref(), &thread_id, &ALICE.to_owned())
            .await
            .unwrap();
        assert_eq!(
            thread.title.as_deref(),
            Some(format!("failed: {text}").as_str())
        );
        // The server is still fine.
        let reply = h
            .send(
                ALICE,
                json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn adding_an_item_twice_keeps_one_copy() {
    adding_an_item_twice_keeps_one_copy_flow(&Harness::new()).await;
}

async fn adding_an_item_twice_keeps_one_copy_flow(h: &Harness) {
    h.script(|call| async move {
        let base = call.events.new_item_base(IdKind::Workflow);
        for duration in [1, 2] {
            call.events
                .item_done(ThreadItem::Workflow(WorkflowItem {
                    base: base.clone(),
                    workflow: Workflow {
                        kind: WorkflowKind::Reasoning,
                        tasks: Vec::new(),
                        summary: Some(WorkflowSummary::Duration { duration }),
                        expanded: false,
                    },
                }))
                .await?;
        }
        Ok(())
    });
    let (thread_id, _) = h.create_thread(ALICE, "think").await;
    let items = h.items(ALICE, &thread_id).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["workflow"]["summary"], json!({"duration": 2}));
}

#[tokio::test]
async fn a_disconnected_client_cancels_the_response_and_the_partial_answer_is_kept() {
    a_disconnected_client_cancels_the_response_and_the_partial_answer_is_kept_flow(&Harness::new())
        .await;
}

async fn a_disconnected_client_cancels_the_response_and_the_partial_answer_is_kept_flow(
    h: &Harness,
) {
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let started_tx = std::sync::Mutex::new(Some(started_tx));
    h.script(move |call| {
        let started = started_tx.lock().unwrap().take();
        async move {
            let e = &call.events;
            let id = e.new_item_id(IdKind::Message);
            let item = ThreadItem::AssistantMessage(AssistantMessageItem {
                base: ItemBase::new(&id, e.thread_id()),
                content: vec![],
            });
            e.send(ThreadStreamEvent::ThreadItemAdded { item }).await?;
            for delta in ["Hello, ", "World!"] {
                e.send(ThreadStreamEvent::ThreadItemUpdated {
                    item_id: id.clone(),
                    update: ThreadItemUpdate::ContentPartTextDelta {
                        content_index: 0,
                        delta: delta.into(),
                    },
                })
                .await?;
            }
            if let Some(started) = started {
                let _ = started.send(());
            }
            // The model "thinks" forever; only cancellation ends this.
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        }
    });
    let request = axum::http::Request::post("/chatkit")
        .header("x-user", ALICE)
        .body(axum::body::Body::from(
            json!({"type": "threads.create", "params": {"input": input("tell me")}}).to_string(),
        ))
        .unwrap();
    let response = tower::ServiceExt::oneshot(h.router.clone(), request)
        .await
        .unwrap();
    let mut body = response.into_body();
    // Read the first frames, then hang up.
    let first = http_body_util::BodyExt::frame(&mut body)
        .await
        .unwrap()
        .unwrap()
        .into_data()
        .unwrap();
    let thread: Value = serde_json::from_slice(&first[6..]).unwrap();
    let thread_id = thread["thread"]["id"].as_str().unwrap().to_owned();
    tokio::time::timeout(Duration::from_secs(5), started_rx)
        .await
        .unwrap()
        .unwrap();
    drop(body);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let stored = h.stored_items(ALICE, &thread_id).await;
        if stored.len() == 3 {
            let ThreadItem::AssistantMessage(partial) = &stored[1] else {
                panic!("{stored:?}")
            };
            assert_eq!(partial.text(), "Hello, World!");
            let ThreadItem::SdkHiddenContext(marker) = &stored[2] else {
                panic!("{stored:?}")
            };
            assert_eq!(marker.content, chatkit_runtime::server::CANCELLED_MARKER);
            assert!(marker.base.id.starts_with("shcx_"));
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "cancellation was not handled: {stored:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn users_cannot_reach_each_others_threads() {
    users_cannot_reach_each_others_threads_flow(&Harness::new()).await;
}

async fn users_cannot_reach_each_others_threads_flow(h: &Harness) {
    let (thread_id, reply) = h.create_thread(ALICE, "private").await;
    let item_id = reply.events[3]["item"]["id"].as_str().unwrap().to_owned();
    let requests = [
        json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        json!({"type": "threads.update", "params": {"thread_id": thread_id, "title": "mine"}}),
        json!({"type": "threads.delete", "params": {"thread_id": thread_id}}),
        json!({"type": "items.list", "params": {"thread_id": thread_id}}),
        json!({"type": "items.feedback", "params": {"thread_id": thread_id, "item_ids": [item_id], "kind": "negative"}}),
        json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": input("hi")}}),
        json!({"type": "threads.add_client_tool_output", "params": {"thread_id": thread_id, "result": 1}}),
        json!({"type": "threads.add_structured_input", "params": {"thread_id": thread_id, "item_id": item_id, "input": {}}}),
        json!({"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": item_id}}),
        json!({"type": "threads.custom_action", "params": {"thread_id": thread_id, "item_id": item_id, "action": {"type": "x"}}}),
        json!({"type": "threads.sync_custom_action", "params": {"thread_id": thread_id, "item_id": item_id, "action": {"type": "x"}}}),
    ];
    for request in requests {
        let reply = h.send(BOB, request.clone()).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{request}");
    }
    let list = h
        .send(BOB, json!({"type": "threads.list", "params": {}}))
        .await;
    assert_eq!(list.json["data"], json!([]));
    // Nothing changed for Alice.
    let reply = h
        .send(
            ALICE,
            json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}}),
        )
        .await;
    assert!(reply.json.get("title").is_none());
    assert_eq!(h.items(ALICE, &thread_id).await.len(), 2);
    assert!(h.recorded().feedback.is_empty());
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_and_changes_nothing() {
    bad_input_gets_a_clear_4xx_and_changes_nothing_flow(&Harness::new()).await;
}

async fn bad_input_gets_a_clear_4xx_and_changes_nothing_flow(h: &Harness) {
    let (thread_id, _) = h.create_thread(ALICE, "hi").await;
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            json!("{\"type\": \"threads.create\", \"params\": {"),
            StatusCode::BAD_REQUEST,
            "not valid JSON",
        ),
        (
            json!("[]"),
            StatusCode::BAD_REQUEST,
            "not a ChatKit request",
        ),
        (json!("{}"), StatusCode::BAD_REQUEST, "type"),
        (
            json!(r#"{"type":"threads.explode","params":{}}"#),
            StatusCode::BAD_REQUEST,
            "unknown request type",
        ),
        (
            json!(r#"{"type":"threads.list"}"#),
            StatusCode::BAD_REQUEST,
            "needs `params`",
        ),
        (
            json!(r#"{"type":"threads.create","params":{"input":{"content":"hi"}}}"#),
            StatusCode::BAD_REQUEST,
            "params.input",
        ),
        (
            json!(r#"{"type":"threads.list","params":{"limit":-1}}"#),
            StatusCode::BAD_REQUEST,
            "params.limit",
        ),
        (
            json!(
                r#"{"type":"items.feedback","params":{"thread_id":"x","item_ids":[],"kind":"meh"}}"#
            ),
            StatusCode::BAD_REQUEST,
            "kind",
        ),
        (
            json!(r#"{"type":"threads.get_by_id","params":{"thread_id":"thr_missing"}}"#),
            StatusCode::NOT_FOUND,
            "not found",
        ),
        (
            json!(r#"{"type":"items.list","params":{"thread_id":"thr_missing"}}"#),
            StatusCode::NOT_FOUND,
            "not found",
        ),
    ];
    for (body, status, needle) in cases {
        let body = body.as_str().unwrap().to_owned();
        let reply = h.raw(ALICE, body.clone()).await;
        assert_eq!(reply.status, status, "{body}");
        assert_eq!(reply.content_type, "application/json", "{body}");
        let message = reply.json["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(needle), "{body}: {message}");
    }
    let huge = "x".repeat(3 * 1024 * 1024);
    let reply = h
        .raw(
            ALICE,
            format!(r#"{{"type":"threads.create","params":{{"input":"{huge}"}}}}"#),
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(h.items(ALICE, &thread_id).await.len(), 2);
    let list = h
        .send(ALICE, json!({"type": "threads.list", "params": {}}))
        .await;
    assert_eq!(list.json["data"].as_array().unwrap().len(), 1);
}

/// Every event and JSON body the flows above produce, checked by the
/// reference server's own pydantic types.
#[tokio::test]
async fn every_output_matches_the_reference_types() {
    let mut seen = Vec::new();
    seen.extend(outputs_of(create_streams_thread_message_options_and_response_flow).await);
    seen.extend(outputs_of(every_event_kind_is_stored_or_forwarded_by_the_rules_flow).await);
    seen.extend(
        outputs_of(thread_changes_are_sent_right_after_the_event_that_made_them_flow).await,
    );
    seen.extend(outputs_of(add_user_message_continues_a_thread_flow).await);
    seen.extend(outputs_of(client_tool_call_round_trip_flow).await);
    seen.extend(outputs_of(structured_input_is_answered_then_the_turn_resumes_flow).await);
    seen.extend(outputs_of(retry_after_item_deletes_newer_items_and_answers_again_flow).await);
    seen.extend(outputs_of(custom_actions_reach_the_action_hook_with_the_sender_flow).await);
    seen.extend(outputs_of(sync_custom_action_answers_with_json_and_stores_the_update_flow).await);
    seen.extend(outputs_of(pagination_of_threads_and_items_flow).await);
    seen.extend(outputs_of(update_and_delete_threads_flow).await);
    seen.extend(outputs_of(feedback_reaches_the_hook_flow).await);
    seen.extend(outputs_of(attachments_are_created_attached_and_deleted_flow).await);
    seen.extend(outputs_of(transcription_decodes_audio_flow).await);
    seen.extend(outputs_of(errors_in_respond_become_error_events_flow).await);
    seen.extend(outputs_of(adding_an_item_twice_keeps_one_copy_flow).await);
    seen.extend(outputs_of(users_cannot_reach_each_others_threads_flow).await);
    assert!(seen.len() > 200, "only {} outputs", seen.len());
    println!("{}", protocol_oracle::check_with_reference(&seen));
}

/// What a flow sends to the client, run on a fresh harness.
async fn outputs_of<F, Fut>(flow: F) -> Vec<(String, &'static str, Value)>
where
    F: FnOnce(&'static Harness) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let h: &'static Harness = Box::leak(Box::new(Harness::new()));
    flow(h).await;
    h.seen.lock().unwrap().clone()
}

#[tokio::test]
async fn a_busy_thread_refuses_a_second_response_without_writing() {
    let h = Harness::new();
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let gate = release.clone();
    h.script(move |call| {
        let gate = gate.clone();
        async move {
            if call.input.as_ref().is_some_and(|m| m.text() == "slow") {
                gate.notified().await;
            }
            call.events.assistant_message("done").await?;
            Ok(())
        }
    });
    let (thread_id, _) = h.create_thread(ALICE, "hi").await;
    let slow = json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": input("slow")}});
    let request = axum::http::Request::post("/chatkit")
        .header("x-user", ALICE)
        .body(axum::body::Body::from(slow.to_string()))
        .unwrap();
    let response = tower::ServiceExt::oneshot(h.router.clone(), request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // While the slow response runs, the thread takes no other.
    let second = json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": input("fast")}});
    let reply = h.send(ALICE, second.clone()).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.json["error"]["code"], "thread_busy");
    let retry = json!({"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": "msg_x"}});
    assert_eq!(h.send(ALICE, retry).await.status, StatusCode::CONFLICT);
    // Other threads are not held up.
    h.create_thread(ALICE, "elsewhere").await;

    release.notify_one();
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("done"));
    let texts: Vec<_> = h
        .items(ALICE, &thread_id)
        .await
        .iter()
        .map(|i| i["content"][0]["text"].clone())
        .collect();
    assert_eq!(
        texts,
        [json!("hi"), json!("done"), json!("slow"), json!("done")],
        "nothing from the refused request"
    );
    // Free again.
    assert_eq!(h.send(ALICE, second).await.status, StatusCode::OK);
}
