//! The store contract, written once over `&dyn Store<String>` (the context is
//! the user id) and run against every built-in store.
//!
//! The first group follows the reference server's `tests/test_store.py`; the
//! rest pins pagination edges, stable ordering of equal timestamps, upserts,
//! deletes and isolation between users.

use std::collections::HashSet;
use std::fmt::Debug;

use chatkit_runtime::protocol::{
    AssistantMessageContent, AssistantMessageItem, Attachment, AttachmentBase, FileAttachment,
    ImageAttachment, InferenceOptions, ItemBase, Order, Page, ThreadItem, ThreadMetadata,
    ThreadStatus, Timestamp, UploadDescriptor, UploadMethod, UserMessageContent, UserMessageItem,
};
use chatkit_runtime::store::{DEFAULT_PAGE_SIZE, IdKind, Store, StoreError};
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

/// `secs` seconds after a fixed instant with a microsecond part (what the
/// wire and the stores keep).
fn at(secs: i64) -> Timestamp {
    chrono::DateTime::from_timestamp_micros(1_735_787_045_123_456 + secs * 1_000_000)
        .expect("a valid time")
}

fn alice() -> String {
    "alice".to_owned()
}

fn bob() -> String {
    "bob".to_owned()
}

fn thread(id: &str, created_at: Timestamp) -> ThreadMetadata {
    ThreadMetadata {
        created_at,
        ..ThreadMetadata::new(id)
    }
}

fn base(id: &str, thread_id: &str, created_at: Timestamp) -> ItemBase {
    ItemBase {
        id: id.to_owned(),
        thread_id: thread_id.to_owned(),
        created_at,
    }
}

fn user_message(id: &str, thread_id: &str, created_at: Timestamp, text: &str) -> ThreadItem {
    ThreadItem::UserMessage(UserMessageItem {
        base: base(id, thread_id, created_at),
        content: vec![UserMessageContent::InputText {
            text: text.to_owned(),
        }],
        attachments: Vec::new(),
        quoted_text: None,
        inference_options: InferenceOptions::default(),
    })
}

fn assistant_message(id: &str, thread_id: &str, created_at: Timestamp, text: &str) -> ThreadItem {
    ThreadItem::AssistantMessage(AssistantMessageItem {
        base: base(id, thread_id, created_at),
        content: vec![AssistantMessageContent::text(text)],
    })
}

fn file_attachment(id: &str) -> Attachment {
    Attachment::File(FileAttachment {
        base: AttachmentBase {
            id: id.to_owned(),
            name: "report.pdf".to_owned(),
            mime_type: "application/pdf".to_owned(),
            upload_descriptor: None,
            thread_id: None,
            metadata: None,
        },
    })
}

fn image_attachment(id: &str) -> Attachment {
    Attachment::Image(ImageAttachment {
        base: AttachmentBase {
            id: id.to_owned(),
            name: "cat.png".to_owned(),
            mime_type: "image/png".to_owned(),
            upload_descriptor: None,
            thread_id: None,
            metadata: None,
        },
        preview_url: "https://example.com/previews/cat.png".to_owned(),
    })
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// Saves `thread_id` for `user` with `count` user messages `{prefix}{1..=count}`,
/// one second apart; returns their ids in insertion order.
async fn thread_with_items(
    store: &dyn Store<String>,
    user: &String,
    thread_id: &str,
    prefix: &str,
    count: usize,
) -> Vec<String> {
    store
        .save_thread(&thread(thread_id, at(0)), user)
        .await
        .expect("save_thread");
    let mut ids = Vec::new();
    for n in 1..=count {
        let id = format!("{prefix}{n}");
        let secs = i64::try_from(n).expect("a small count");
        let item = user_message(&id, thread_id, at(secs), &format!("message {n}"));
        store
            .add_thread_item(thread_id, &item, user)
            .await
            .expect("add_thread_item");
        ids.push(id);
    }
    ids
}

fn ids<T>(page: &Page<T>, id: impl Fn(&T) -> &str) -> Vec<String> {
    page.data.iter().map(|entry| id(entry).to_owned()).collect()
}

fn item_ids(page: &Page<ThreadItem>) -> Vec<String> {
    ids(page, ThreadItem::id)
}

fn thread_ids(page: &Page<ThreadMetadata>) -> Vec<String> {
    ids(page, |thread| thread.id.as_str())
}

fn strs(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

#[track_caller]
fn assert_not_found<T: Debug>(result: Result<T, StoreError>, expected_kind: &str) {
    match result {
        Err(StoreError::NotFound { kind, .. }) => {
            assert_eq!(kind, expected_kind, "NotFound of the wrong kind");
        }
        other => panic!("expected NotFound {{ kind: {expected_kind:?} }}, got {other:?}"),
    }
}

/// All of a thread's items, page by page of `page_size`, checking each page's cursor.
async fn all_items(
    store: &dyn Store<String>,
    user: &String,
    thread_id: &str,
    page_size: u32,
    order: Order,
) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .load_thread_items(thread_id, after.as_deref(), page_size, order, user)
            .await
            .expect("load_thread_items");
        assert!(
            page.data.len() <= page_size as usize,
            "page larger than the limit"
        );
        seen.extend(item_ids(&page));
        if !page.has_more {
            assert_eq!(page.after, None, "a last page has no cursor");
            return seen;
        }
        assert_eq!(
            page.data.len(),
            page_size as usize,
            "a page with more after it is full"
        );
        assert_eq!(
            page.after.as_deref(),
            page.data.last().map(ThreadItem::id),
            "cursor = last id"
        );
        after = page.after;
    }
}

/// All of a user's threads, page by page of `page_size`.
async fn all_threads(
    store: &dyn Store<String>,
    user: &String,
    page_size: u32,
    order: Order,
) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .load_threads(page_size, after.as_deref(), order, user)
            .await
            .expect("load_threads");
        seen.extend(thread_ids(&page));
        if !page.has_more {
            assert_eq!(page.after, None, "a last page has no cursor");
            return seen;
        }
        assert_eq!(
            page.data.len(),
            page_size as usize,
            "a page with more after it is full"
        );
        assert_eq!(
            page.after.as_deref(),
            page.data.last().map(|thread| thread.id.as_str())
        );
        after = page.after;
    }
}

// ---------------------------------------------------------------------------
// The reference's test_store.py
// ---------------------------------------------------------------------------

async fn save_and_load_thread_metadata(store: &dyn Store<String>) {
    let user = alice();
    let saved = ThreadMetadata {
        title: Some("Trip to Lisbon".to_owned()),
        status: ThreadStatus::Locked {
            reason: Some("read only".to_owned()),
        },
        allowed_image_domains: Some(strs(&["images.example.com"])),
        metadata: object(json!({"topic": "travel"})),
        ..thread("thr_1", at(0))
    };
    store.save_thread(&saved, &user).await.unwrap();
    assert_eq!(store.load_thread("thr_1", &user).await.unwrap(), saved);
}

async fn save_and_load_thread_metadata_null_title(store: &dyn Store<String>) {
    let user = alice();
    let saved = thread("thr_1", at(0));
    assert_eq!(saved.title, None);
    store.save_thread(&saved, &user).await.unwrap();
    let loaded = store.load_thread("thr_1", &user).await.unwrap();
    assert_eq!(loaded.title, None);
    assert_eq!(loaded, saved);
}

async fn update_thread_metadata(store: &dyn Store<String>) {
    let user = alice();
    let mut saved = thread("thr_1", at(0));
    store.save_thread(&saved, &user).await.unwrap();
    saved.title = Some("Renamed".to_owned());
    saved.status = ThreadStatus::Closed { reason: None };
    store.save_thread(&saved, &user).await.unwrap();
    assert_eq!(store.load_thread("thr_1", &user).await.unwrap(), saved);
    let page = store
        .load_threads(10, None, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(
        thread_ids(&page),
        strs(&["thr_1"]),
        "an update is not a second thread"
    );
}

async fn overwrite_thread_metadata(store: &dyn Store<String>) {
    let user = alice();
    let first = ThreadMetadata {
        title: Some("First".to_owned()),
        allowed_image_domains: Some(strs(&["a.example.com"])),
        metadata: object(json!({"a": 1})),
        ..thread("thr_1", at(0))
    };
    store.save_thread(&first, &user).await.unwrap();
    // A different value under the same id replaces every field.
    let second = thread("thr_1", at(5));
    store.save_thread(&second, &user).await.unwrap();
    assert_eq!(store.load_thread("thr_1", &user).await.unwrap(), second);
}

async fn save_and_load_thread_items(store: &dyn Store<String>) {
    let user = alice();
    store
        .save_thread(&thread("thr_1", at(0)), &user)
        .await
        .unwrap();
    let mut items = vec![
        user_message("msg_1", "thr_1", at(1), "Hello"),
        assistant_message("msg_2", "thr_1", at(2), "Hi! How can I help?"),
    ];
    // Every other kind of item, from its wire JSON.
    let t = "2025-01-02T03:04:08.123456Z";
    let more = [
        json!({"type": "client_tool_call", "id": "tc_1", "thread_id": "thr_1", "created_at": t,
               "status": "completed", "call_id": "call_1", "name": "get_location",
               "arguments": {"precise": true}, "output": {"city": "Lisbon"}}),
        json!({"type": "workflow", "id": "wf_1", "thread_id": "thr_1", "created_at": "2025-01-02T03:04:09.123456Z",
               "workflow": {"type": "reasoning", "tasks": [{"type": "thought", "content": "Hmm", "status_indicator": "complete"}],
                            "summary": {"duration": 3}, "expanded": false}}),
        json!({"type": "task", "id": "tsk_1", "thread_id": "thr_1", "created_at": "2025-01-02T03:04:10.123456Z",
               "task": {"type": "custom", "title": "Searching", "status_indicator": "loading"}}),
        json!({"type": "hidden_context_item", "id": "msg_3", "thread_id": "thr_1",
               "created_at": "2025-01-02T03:04:11.123456Z", "content": {"page": "/settings"}}),
        json!({"type": "sdk_hidden_context", "id": "shcx_1", "thread_id": "thr_1",
               "created_at": "2025-01-02T03:04:12.123456Z", "content": "The user cancelled the stream."}),
        json!({"type": "end_of_turn", "id": "msg_4", "thread_id": "thr_1", "created_at": "2025-01-02T03:04:13.123456Z"}),
    ];
    for value in more {
        items.push(serde_json::from_value(value).expect("a thread item"));
    }
    for item in &items {
        store.add_thread_item("thr_1", item, &user).await.unwrap();
    }
    let page = store
        .load_thread_items("thr_1", None, 10, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(page.data, items);
    assert!(!page.has_more);
    assert_eq!(page.after, None);
}

async fn save_and_load_file(store: &dyn Store<String>) {
    let user = alice();
    let file = file_attachment("atc_file");
    store.save_attachment(&file, &user).await.unwrap();
    assert_eq!(
        store.load_attachment("atc_file", &user).await.unwrap(),
        file
    );
}

async fn save_and_load_image(store: &dyn Store<String>) {
    let user = alice();
    let image = image_attachment("atc_image");
    store.save_attachment(&image, &user).await.unwrap();
    assert_eq!(
        store.load_attachment("atc_image", &user).await.unwrap(),
        image
    );
}

async fn load_threads(store: &dyn Store<String>) {
    let user = alice();
    for (n, id) in ["thread1", "thread2", "thread3"].into_iter().enumerate() {
        let secs = i64::try_from(n).unwrap();
        store
            .save_thread(&thread(id, at(secs)), &user)
            .await
            .unwrap();
    }
    let page = store
        .load_threads(2, None, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(thread_ids(&page), strs(&["thread1", "thread2"]));
    assert!(page.has_more);
    assert_eq!(page.after.as_deref(), Some("thread2"));

    let page = store
        .load_threads(2, Some("thread2"), Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(thread_ids(&page), strs(&["thread3"]));
    assert!(!page.has_more);
    assert_eq!(page.after, None);
}

async fn thread_items_ordering(store: &dyn Store<String>) {
    let user = alice();
    store
        .save_thread(&thread("thr_1", at(0)), &user)
        .await
        .unwrap();
    // Added out of time order: the listing follows `created_at`, not insertion.
    for (id, secs) in [("msg_b", 2), ("msg_a", 1), ("msg_c", 3)] {
        store
            .add_thread_item("thr_1", &user_message(id, "thr_1", at(secs), id), &user)
            .await
            .unwrap();
    }
    let asc = store
        .load_thread_items("thr_1", None, 10, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&asc), strs(&["msg_a", "msg_b", "msg_c"]));
    let desc = store
        .load_thread_items("thr_1", None, 10, Order::Desc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&desc), strs(&["msg_c", "msg_b", "msg_a"]));
}

async fn thread_items_offset(store: &dyn Store<String>) {
    let user = alice();
    thread_with_items(store, &user, "thr_1", "msg", 4).await;

    let first = store
        .load_thread_items("thr_1", None, 1, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&first), strs(&["msg1"]));
    assert!(first.has_more);
    assert_eq!(first.after.as_deref(), Some("msg1"));

    let rest = store
        .load_thread_items("thr_1", Some("msg1"), 3, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&rest), strs(&["msg2", "msg3", "msg4"]));
    assert!(!rest.has_more);
    assert_eq!(rest.after, None);

    let two = store
        .load_thread_items("thr_1", Some("msg1"), 2, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&two), strs(&["msg2", "msg3"]));
    assert!(two.has_more);
    assert_eq!(two.after.as_deref(), Some("msg3"));
}

async fn create_thread_stores_its_first_items_in_order(store: &dyn Store<String>) {
    let user = alice();
    let new = thread("thr_1", at(0));
    // Equal times: the order given is the order kept.
    let items = [
        user_message("msg1", "thr_1", at(1), "earlier"),
        assistant_message("msg2", "thr_1", at(1), "reply"),
        user_message("msg3", "thr_1", at(2), "now"),
    ];
    store.create_thread(&new, &items, &user).await.unwrap();
    assert_eq!(store.load_thread("thr_1", &user).await.unwrap(), new);
    assert_eq!(
        all_items(store, &user, "thr_1", 2, Order::Asc).await,
        strs(&["msg1", "msg2", "msg3"])
    );
    assert_eq!(
        store.load_item("thr_1", "msg2", &user).await.unwrap(),
        items[1]
    );

    // Without items, the thread alone.
    store
        .create_thread(&thread("thr_2", at(5)), &[], &user)
        .await
        .unwrap();
    assert!(
        all_items(store, &user, "thr_2", 10, Order::Asc)
            .await
            .is_empty()
    );

    // Another user's thread id: not found, and nothing of theirs changes.
    let theirs = [user_message("msg9", "thr_1", at(9), "not yours")];
    assert_not_found(
        store
            .create_thread(&thread("thr_1", at(9)), &theirs, &bob())
            .await,
        "thread",
    );
    assert_eq!(store.load_thread("thr_1", &user).await.unwrap(), new);
    assert_eq!(
        all_items(store, &user, "thr_1", 10, Order::Asc).await,
        strs(&["msg1", "msg2", "msg3"])
    );
}

async fn save_and_load_item(store: &dyn Store<String>) {
    let user = alice();
    store
        .save_thread(&thread("thr_1", at(0)), &user)
        .await
        .unwrap();
    let item = assistant_message("msg_1", "thr_1", at(1), "Hello");
    store.add_thread_item("thr_1", &item, &user).await.unwrap();
    assert_eq!(
        store.load_item("thr_1", "msg_1", &user).await.unwrap(),
        item
    );
}

async fn load_nonexistent_item(store: &dyn Store<String>) {
    let user = alice();
    store
        .save_thread(&thread("thr_1", at(0)), &user)
        .await
        .unwrap();
    assert_not_found(store.load_item("thr_1", "msg_missing", &user).await, "item");
    assert_not_found(
        store.load_item("thr_missing", "msg_missing", &user).await,
        "thread",
    );
}

async fn thread_isolation_by_user(store: &dyn Store<String>) {
    store
        .save_thread(&thread("thr_1", at(0)), &alice())
        .await
        .unwrap();
    assert!(store.load_thread("thr_1", &alice()).await.is_ok());
    assert_not_found(store.load_thread("thr_1", &bob()).await, "thread");
}

async fn thread_items_isolation_by_user(store: &dyn Store<String>) {
    thread_with_items(store, &alice(), "thr_1", "msg", 2).await;
    // The reference's sample store answers an empty page; ours says the
    // thread does not exist for this user.
    assert_not_found(
        store
            .load_thread_items("thr_1", None, 10, Order::Asc, &bob())
            .await,
        "thread",
    );
    let page = store
        .load_thread_items("thr_1", None, 10, Order::Asc, &alice())
        .await
        .unwrap();
    assert_eq!(item_ids(&page), strs(&["msg1", "msg2"]));
}

// ---------------------------------------------------------------------------
// Pagination edges
// ---------------------------------------------------------------------------

async fn empty_pages(store: &dyn Store<String>) {
    let user = alice();
    let threads = store
        .load_threads(10, None, Order::Desc, &user)
        .await
        .unwrap();
    assert_eq!(threads, Page::default());
    store
        .save_thread(&thread("thr_1", at(0)), &user)
        .await
        .unwrap();
    for order in [Order::Asc, Order::Desc] {
        let items = store
            .load_thread_items("thr_1", None, 10, order, &user)
            .await
            .unwrap();
        assert_eq!(items, Page::default());
    }
}

async fn page_of_exactly_limit(store: &dyn Store<String>) {
    let user = alice();
    let ids = thread_with_items(store, &user, "thr_1", "msg", 5).await;
    let page = store
        .load_thread_items("thr_1", None, 5, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&page), ids);
    assert!(!page.has_more, "exactly `limit` entries: nothing more");
    assert_eq!(page.after, None);
}

async fn page_of_limit_plus_one(store: &dyn Store<String>) {
    let user = alice();
    let ids = thread_with_items(store, &user, "thr_1", "msg", 6).await;
    let page = store
        .load_thread_items("thr_1", None, 5, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&page), ids[..5]);
    assert!(page.has_more);
    assert_eq!(page.after.as_deref(), Some("msg5"));

    let last = store
        .load_thread_items("thr_1", Some("msg5"), 5, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&last), strs(&["msg6"]));
    assert!(!last.has_more);
    assert_eq!(last.after, None);

    // After the last entry: an empty last page.
    let past = store
        .load_thread_items("thr_1", Some("msg6"), 5, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(past, Page::default());
    let past = store
        .load_thread_items("thr_1", Some("msg1"), 5, Order::Desc, &user)
        .await
        .unwrap();
    assert_eq!(past, Page::default());
}

async fn unknown_cursor_is_not_found(store: &dyn Store<String>) {
    let user = alice();
    thread_with_items(store, &user, "thr_1", "msg", 3).await;
    thread_with_items(store, &user, "thr_2", "other", 3).await;
    for order in [Order::Asc, Order::Desc] {
        assert_not_found(
            store
                .load_thread_items("thr_1", Some("msg_missing"), 10, order, &user)
                .await,
            "item",
        );
        // A cursor must be an item of the same thread.
        assert_not_found(
            store
                .load_thread_items("thr_1", Some("other1"), 10, order, &user)
                .await,
            "item",
        );
        assert_not_found(
            store
                .load_threads(10, Some("thr_missing"), order, &user)
                .await,
            "thread",
        );
    }
}

async fn limit_zero_is_default_page_size(store: &dyn Store<String>) {
    assert_eq!(DEFAULT_PAGE_SIZE, 20);
    let user = alice();
    // The reference server's test_list_items_response / test_list_threads_response: 25 entries.
    let ids = thread_with_items(store, &user, "thr_1", "msg", 25).await;
    let page = store
        .load_thread_items("thr_1", None, 0, Order::Desc, &user)
        .await
        .unwrap();
    assert_eq!(page.data.len(), 20);
    assert!(page.has_more);
    assert_eq!(page.after.as_deref(), Some("msg6"));
    let rest = store
        .load_thread_items("thr_1", Some("msg6"), 0, Order::Desc, &user)
        .await
        .unwrap();
    let mut expected = ids[..5].to_vec();
    expected.reverse();
    assert_eq!(item_ids(&rest), expected);
    assert!(!rest.has_more);

    for n in 1..25 {
        let id = format!("thr_{n:02}");
        store.save_thread(&thread(&id, at(n)), &user).await.unwrap();
    }
    let page = store
        .load_threads(0, None, Order::Desc, &user)
        .await
        .unwrap();
    assert_eq!(page.data.len(), 20);
    assert!(page.has_more);
    assert_eq!(page.after.as_deref(), Some("thr_05"));
    let rest = store
        .load_threads(0, Some("thr_05"), Order::Desc, &user)
        .await
        .unwrap();
    assert_eq!(
        thread_ids(&rest),
        strs(&["thr_04", "thr_03", "thr_02", "thr_01", "thr_1"])
    );
    assert!(!rest.has_more);
}

async fn descending_cursors(store: &dyn Store<String>) {
    let user = alice();
    thread_with_items(store, &user, "thr_1", "msg", 7).await;
    let first = store
        .load_thread_items("thr_1", None, 3, Order::Desc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&first), strs(&["msg7", "msg6", "msg5"]));
    assert_eq!(first.after.as_deref(), Some("msg5"));
    let second = store
        .load_thread_items("thr_1", Some("msg5"), 3, Order::Desc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&second), strs(&["msg4", "msg3", "msg2"]));
    assert!(second.has_more);
    assert_eq!(second.after.as_deref(), Some("msg2"));
    let third = store
        .load_thread_items("thr_1", Some("msg2"), 3, Order::Desc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&third), strs(&["msg1"]));
    assert!(!third.has_more);
    assert_eq!(third.after, None);

    // A cursor from the middle reads the same way either direction.
    let asc = store
        .load_thread_items("thr_1", Some("msg4"), 10, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&asc), strs(&["msg5", "msg6", "msg7"]));
    let desc = store
        .load_thread_items("thr_1", Some("msg4"), 10, Order::Desc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&desc), strs(&["msg3", "msg2", "msg1"]));

    for n in 1..=5 {
        store
            .save_thread(&thread(&format!("thr_t{n}"), at(n)), &user)
            .await
            .unwrap();
    }
    let page = store
        .load_threads(2, Some("thr_t4"), Order::Desc, &user)
        .await
        .unwrap();
    assert_eq!(thread_ids(&page), strs(&["thr_t3", "thr_t2"]));
    assert!(page.has_more);
    assert_eq!(page.after.as_deref(), Some("thr_t2"));
}

async fn equal_created_at_keeps_insertion_order(store: &dyn Store<String>) {
    let user = alice();
    let same = at(1);
    store
        .save_thread(&thread("thr_1", at(0)), &user)
        .await
        .unwrap();
    // Ids that sort differently from insertion order, all at the same instant.
    let inserted: Vec<String> = (0..30)
        .map(|n| format!("msg_{:02}", (n * 7) % 30))
        .collect();
    for id in &inserted {
        store
            .add_thread_item("thr_1", &user_message(id, "thr_1", same, id), &user)
            .await
            .unwrap();
    }
    for page_size in [1, 7, 10, 29, 30] {
        let asc = all_items(store, &user, "thr_1", page_size, Order::Asc).await;
        assert_eq!(asc, inserted, "asc pages of {page_size}");
        let desc = all_items(store, &user, "thr_1", page_size, Order::Desc).await;
        let mut reversed = inserted.clone();
        reversed.reverse();
        assert_eq!(desc, reversed, "desc pages of {page_size}");
        assert_eq!(
            desc.iter().collect::<HashSet<_>>().len(),
            30,
            "no duplicates"
        );
    }

    // Threads too.
    let threads: Vec<String> = (0..12)
        .map(|n| format!("thr_x{:02}", (n * 5) % 12))
        .collect();
    for id in &threads {
        store.save_thread(&thread(id, same), &bob()).await.unwrap();
    }
    assert_eq!(all_threads(store, &bob(), 5, Order::Asc).await, threads);
    let mut reversed = threads.clone();
    reversed.reverse();
    assert_eq!(all_threads(store, &bob(), 5, Order::Desc).await, reversed);
}

// ---------------------------------------------------------------------------
// Upserts and deletes
// ---------------------------------------------------------------------------

async fn add_thread_item_twice_replaces_in_place(store: &dyn Store<String>) {
    let user = alice();
    thread_with_items(store, &user, "thr_1", "msg", 3).await;
    // A workflow continued across a client tool call is added twice.
    let replacement = assistant_message("msg2", "thr_1", at(2), "new content");
    store
        .add_thread_item("thr_1", &replacement, &user)
        .await
        .unwrap();
    let page = store
        .load_thread_items("thr_1", None, 10, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&page), strs(&["msg1", "msg2", "msg3"]));
    assert_eq!(page.data[1], replacement);
    assert_eq!(
        store.load_item("thr_1", "msg2", &user).await.unwrap(),
        replacement
    );
}

async fn add_thread_item_twice_keeps_position_among_equal_times(store: &dyn Store<String>) {
    let user = alice();
    store
        .save_thread(&thread("thr_1", at(0)), &user)
        .await
        .unwrap();
    for id in ["msg_a", "msg_b", "msg_c"] {
        store
            .add_thread_item("thr_1", &user_message(id, "thr_1", at(1), id), &user)
            .await
            .unwrap();
    }
    let replacement = user_message("msg_a", "thr_1", at(1), "edited");
    store
        .add_thread_item("thr_1", &replacement, &user)
        .await
        .unwrap();
    let page = store
        .load_thread_items("thr_1", None, 10, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&page), strs(&["msg_a", "msg_b", "msg_c"]));
    assert_eq!(page.data[0], replacement);
}

async fn save_item_upserts(store: &dyn Store<String>) {
    let user = alice();
    thread_with_items(store, &user, "thr_1", "msg", 3).await;
    // An existing id: replaced in place.
    let updated = user_message("msg1", "thr_1", at(1), "updated");
    store.save_item("thr_1", &updated, &user).await.unwrap();
    // A new id: inserted.
    let added = assistant_message("msg4", "thr_1", at(4), "added");
    store.save_item("thr_1", &added, &user).await.unwrap();
    let page = store
        .load_thread_items("thr_1", None, 10, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&page), strs(&["msg1", "msg2", "msg3", "msg4"]));
    assert_eq!(page.data[0], updated);
    assert_eq!(page.data[3], added);
    // The thread must exist.
    assert_not_found(
        store.save_item("thr_missing", &added, &user).await,
        "thread",
    );
    assert_not_found(
        store.add_thread_item("thr_missing", &added, &user).await,
        "thread",
    );
}

async fn delete_item(store: &dyn Store<String>) {
    let user = alice();
    thread_with_items(store, &user, "thr_1", "msg", 3).await;
    store
        .delete_thread_item("thr_1", "msg2", &user)
        .await
        .unwrap();
    let page = store
        .load_thread_items("thr_1", None, 10, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&page), strs(&["msg1", "msg3"]));
    assert_not_found(store.load_item("thr_1", "msg2", &user).await, "item");
    // Deleting a missing item is fine, twice too.
    store
        .delete_thread_item("thr_1", "msg2", &user)
        .await
        .unwrap();
    store
        .delete_thread_item("thr_1", "msg_missing", &user)
        .await
        .unwrap();
    // A deleted cursor is unknown.
    assert_not_found(
        store
            .load_thread_items("thr_1", Some("msg2"), 10, Order::Asc, &user)
            .await,
        "item",
    );
}

async fn delete_thread_items_at_once(store: &dyn Store<String>) {
    let user = alice();
    thread_with_items(store, &user, "thr_1", "msg", 5).await;
    store
        .delete_thread_items(
            "thr_1",
            &strs(&["msg1", "msg3", "msg_missing", "msg5"]),
            &user,
        )
        .await
        .unwrap();
    let page = store
        .load_thread_items("thr_1", None, 10, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&page), strs(&["msg2", "msg4"]));
    store
        .delete_thread_items("thr_1", &[], &user)
        .await
        .unwrap();
    let page = store
        .load_thread_items("thr_1", None, 10, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&page), strs(&["msg2", "msg4"]));
}

async fn delete_thread_removes_its_items_only(store: &dyn Store<String>) {
    let (user, other) = (alice(), bob());
    thread_with_items(store, &user, "thr_1", "msg", 3).await;
    thread_with_items(store, &user, "thr_2", "keep", 2).await;
    thread_with_items(store, &other, "thr_3", "theirs", 2).await;

    store.delete_thread("thr_1", &user).await.unwrap();
    assert_not_found(store.load_thread("thr_1", &user).await, "thread");
    assert_not_found(
        store
            .load_thread_items("thr_1", None, 10, Order::Asc, &user)
            .await,
        "thread",
    );
    assert_not_found(store.load_item("thr_1", "msg1", &user).await, "thread");
    let page = store
        .load_threads(10, None, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(thread_ids(&page), strs(&["thr_2"]));

    // The items are gone, not just hidden: a new thread with the same id is empty.
    store
        .save_thread(&thread("thr_1", at(9)), &user)
        .await
        .unwrap();
    let page = store
        .load_thread_items("thr_1", None, 10, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(page, Page::default());

    // The other threads are untouched.
    let page = store
        .load_thread_items("thr_2", None, 10, Order::Asc, &user)
        .await
        .unwrap();
    assert_eq!(item_ids(&page), strs(&["keep1", "keep2"]));
    let page = store
        .load_thread_items("thr_3", None, 10, Order::Asc, &other)
        .await
        .unwrap();
    assert_eq!(item_ids(&page), strs(&["theirs1", "theirs2"]));

    assert_not_found(store.delete_thread("thr_missing", &user).await, "thread");
}

// ---------------------------------------------------------------------------
// Isolation between users
// ---------------------------------------------------------------------------

async fn other_users_threads_are_out_of_reach(store: &dyn Store<String>) {
    let (owner, other) = (alice(), bob());
    let original = ThreadMetadata {
        title: Some("Alice's".to_owned()),
        ..thread("thr_1", at(0))
    };
    store.save_thread(&original, &owner).await.unwrap();

    assert_not_found(store.load_thread("thr_1", &other).await, "thread");
    // Saving under a taken id does not take the thread over.
    let hijack = ThreadMetadata {
        title: Some("Bob's".to_owned()),
        ..thread("thr_1", at(1))
    };
    assert_not_found(store.save_thread(&hijack, &other).await, "thread");
    assert_not_found(store.delete_thread("thr_1", &other).await, "thread");
    assert_eq!(
        store
            .load_threads(10, None, Order::Desc, &other)
            .await
            .unwrap(),
        Page::default()
    );
    assert_not_found(
        store
            .load_threads(10, Some("thr_1"), Order::Desc, &other)
            .await,
        "thread",
    );

    assert_eq!(store.load_thread("thr_1", &owner).await.unwrap(), original);
    let page = store
        .load_threads(10, None, Order::Desc, &owner)
        .await
        .unwrap();
    assert_eq!(thread_ids(&page), strs(&["thr_1"]));

    // Bob's own threads are listed apart.
    store
        .save_thread(&thread("thr_2", at(2)), &other)
        .await
        .unwrap();
    let page = store
        .load_threads(10, None, Order::Desc, &other)
        .await
        .unwrap();
    assert_eq!(thread_ids(&page), strs(&["thr_2"]));
    let page = store
        .load_threads(10, None, Order::Desc, &owner)
        .await
        .unwrap();
    assert_eq!(thread_ids(&page), strs(&["thr_1"]));
}

async fn other_users_items_are_out_of_reach(store: &dyn Store<String>) {
    let (owner, other) = (alice(), bob());
    let ids = thread_with_items(store, &owner, "thr_1", "msg", 3).await;
    let intruder = user_message("msg_x", "thr_1", at(9), "injected");
    let overwrite = user_message("msg1", "thr_1", at(1), "overwritten");

    assert_not_found(
        store
            .load_thread_items("thr_1", None, 10, Order::Asc, &other)
            .await,
        "thread",
    );
    assert_not_found(
        store
            .load_thread_items("thr_1", Some("msg1"), 10, Order::Asc, &other)
            .await,
        "thread",
    );
    assert_not_found(store.load_item("thr_1", "msg1", &other).await, "thread");
    assert_not_found(
        store.add_thread_item("thr_1", &intruder, &other).await,
        "thread",
    );
    assert_not_found(
        store.add_thread_item("thr_1", &overwrite, &other).await,
        "thread",
    );
    assert_not_found(store.save_item("thr_1", &overwrite, &other).await, "thread");
    assert_not_found(
        store.delete_thread_item("thr_1", "msg1", &other).await,
        "thread",
    );
    assert_not_found(
        store
            .delete_thread_items("thr_1", &strs(&["msg1", "msg2"]), &other)
            .await,
        "thread",
    );

    let page = store
        .load_thread_items("thr_1", None, 10, Order::Asc, &owner)
        .await
        .unwrap();
    assert_eq!(item_ids(&page), ids);
    assert_eq!(
        store.load_item("thr_1", "msg1", &owner).await.unwrap(),
        user_message("msg1", "thr_1", at(1), "message 1")
    );
}

async fn other_users_attachments_are_out_of_reach(store: &dyn Store<String>) {
    let (owner, other) = (alice(), bob());
    let file = file_attachment("atc_1");
    store.save_attachment(&file, &owner).await.unwrap();

    assert_not_found(store.load_attachment("atc_1", &other).await, "attachment");
    assert_not_found(
        store
            .save_attachment(&image_attachment("atc_1"), &other)
            .await,
        "attachment",
    );
    // Deleting what one cannot see is a no-op, like deleting a missing attachment.
    store.delete_attachment("atc_1", &other).await.unwrap();

    assert_eq!(store.load_attachment("atc_1", &owner).await.unwrap(), file);
}

// ---------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------

async fn attachment_metadata_round_trip(store: &dyn Store<String>) {
    let user = alice();
    let mut attachment = image_attachment("atc_1");
    {
        let base = attachment.base_mut();
        base.thread_id = Some("thr_1".to_owned());
        base.upload_descriptor = Some(UploadDescriptor {
            url: "https://uploads.example.com/atc_1".to_owned(),
            method: UploadMethod::Put,
            headers: [("x-token".to_owned(), "t0k3n".to_owned())].into(),
        });
        base.metadata = Some(object(json!({
            "s3_key": "uploads/alice/atc_1.png",
            "size": 48213,
            "checksum": {"sha256": "abc123"},
            "tags": ["cat", "png"],
        })));
    }
    store.save_attachment(&attachment, &user).await.unwrap();
    let loaded = store.load_attachment("atc_1", &user).await.unwrap();
    assert_eq!(loaded, attachment, "the store keeps server-side metadata");
    assert!(loaded.base().metadata.is_some());
    assert_eq!(loaded.for_client().base().metadata, None);

    // Save again: replaced.
    attachment.base_mut().metadata = Some(object(json!({"s3_key": "moved"})));
    store.save_attachment(&attachment, &user).await.unwrap();
    assert_eq!(
        store.load_attachment("atc_1", &user).await.unwrap(),
        attachment
    );

    store.delete_attachment("atc_1", &user).await.unwrap();
    assert_not_found(store.load_attachment("atc_1", &user).await, "attachment");
    store.delete_attachment("atc_1", &user).await.unwrap();
    store.delete_attachment("atc_missing", &user).await.unwrap();
}

async fn thread_metadata_map_round_trip(store: &dyn Store<String>) {
    let user = alice();
    let metadata = object(json!({
        "previous_response_id": "resp_123",
        "counter": 42,
        "ratio": 0.25,
        "flags": [true, false, null],
        "nested": {"deep": {"deeper": ["x", {"y": 1}]}},
        "empty": {},
        "unicode": "héllo — 世界 🎉",
    }));
    let saved = ThreadMetadata {
        metadata: metadata.clone(),
        ..thread("thr_1", at(0))
    };
    store.save_thread(&saved, &user).await.unwrap();
    let loaded = store.load_thread("thr_1", &user).await.unwrap();
    assert_eq!(loaded.metadata, metadata);
    assert_eq!(loaded, saved);
    let page = store
        .load_threads(1, None, Order::Desc, &user)
        .await
        .unwrap();
    assert_eq!(page.data, vec![saved]);
}

async fn ids_have_reference_prefixes(store: &dyn Store<String>) {
    let user = alice();
    let thread_id = store.generate_thread_id(&user);
    assert_prefixed(&thread_id, "thr");
    assert_ne!(store.generate_thread_id(&user), thread_id, "ids are random");
    let thread = thread(&thread_id, at(0));
    for (kind, prefix) in [
        (IdKind::Thread, "thr"),
        (IdKind::Message, "msg"),
        (IdKind::ToolCall, "tc"),
        (IdKind::Task, "tsk"),
        (IdKind::Workflow, "wf"),
        (IdKind::Attachment, "atc"),
        (IdKind::SdkHiddenContext, "shcx"),
    ] {
        assert_eq!(kind.prefix(), prefix);
        assert_prefixed(&store.generate_item_id(kind, &thread, &user), prefix);
    }
}

#[track_caller]
fn assert_prefixed(id: &str, prefix: &str) {
    let rest = id
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .unwrap_or_else(|| panic!("`{id}` does not start with `{prefix}_`"));
    assert!(
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_hexdigit()),
        "`{id}`: expected hex digits after the prefix"
    );
}

// ---------------------------------------------------------------------------
// Instantiation
// ---------------------------------------------------------------------------

/// Runs every contract test against each store.
macro_rules! contract_tests {
    ($($test:ident),* $(,)?) => {
        mod memory_store {
            $(
                #[tokio::test]
                async fn $test() {
                    let store = chatkit_runtime::store::MemoryStore::new();
                    super::$test(&store).await;
                }
            )*
        }

        #[cfg(feature = "sqlite")]
        mod sqlite_store {
            $(
                #[tokio::test]
                async fn $test() {
                    let store = chatkit_runtime::store::SqliteStore::in_memory()
                        .await
                        .expect("an in-memory SQLite store");
                    super::$test(&store).await;
                }
            )*
        }

        /// A file database: the store's own writer and readers, not the pool.
        #[cfg(feature = "sqlite")]
        mod sqlite_file_store {
            $(
                #[tokio::test]
                async fn $test() {
                    let dir = super::TempDir::new();
                    let url = format!("sqlite://{}", dir.0.join("chatkit.db").display());
                    let store = chatkit_runtime::store::SqliteStore::open(&url)
                        .await
                        .expect("a SQLite file store");
                    super::$test(&store).await;
                    store.close().await;
                }
            )*
        }

        #[cfg(feature = "postgres")]
        mod postgres_store {
            $(
                #[tokio::test]
                async fn $test() {
                    let schema = super::PgSchema::new().await;
                    let store = schema.store().await;
                    super::$test(&store).await;
                }
            )*
        }
    };
}

contract_tests!(
    save_and_load_thread_metadata,
    save_and_load_thread_metadata_null_title,
    update_thread_metadata,
    overwrite_thread_metadata,
    save_and_load_thread_items,
    save_and_load_file,
    save_and_load_image,
    load_threads,
    thread_items_ordering,
    thread_items_offset,
    save_and_load_item,
    load_nonexistent_item,
    thread_isolation_by_user,
    thread_items_isolation_by_user,
    empty_pages,
    page_of_exactly_limit,
    page_of_limit_plus_one,
    unknown_cursor_is_not_found,
    limit_zero_is_default_page_size,
    descending_cursors,
    equal_created_at_keeps_insertion_order,
    add_thread_item_twice_replaces_in_place,
    add_thread_item_twice_keeps_position_among_equal_times,
    save_item_upserts,
    delete_item,
    delete_thread_items_at_once,
    delete_thread_removes_its_items_only,
    other_users_threads_are_out_of_reach,
    other_users_items_are_out_of_reach,
    other_users_attachments_are_out_of_reach,
    attachment_metadata_round_trip,
    thread_metadata_map_round_trip,
    ids_have_reference_prefixes,
    create_thread_stores_its_first_items_in_order,
);

// ---------------------------------------------------------------------------
// SQLite on disk
// ---------------------------------------------------------------------------

/// A fresh directory under the system temp dir, removed on drop.
#[cfg(feature = "sqlite")]
struct TempDir(std::path::PathBuf);

#[cfg(feature = "sqlite")]
impl TempDir {
    fn new() -> Self {
        let path =
            std::env::temp_dir().join(format!("chatkit-store-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).expect("a temp dir");
        Self(path)
    }
}

#[cfg(feature = "sqlite")]
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_file_smoke() {
    use chatkit_runtime::store::SqliteStore;

    let dir = TempDir::new();
    let path = dir.0.join("chatkit.db");
    let url = format!("sqlite://{}", path.display());
    let user = alice();
    {
        let store = SqliteStore::open(&url).await.expect("a new database file");
        assert!(path.exists(), "the file is created");
        let (mode,) = sqlx::query_as::<_, (String,)>("PRAGMA journal_mode")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let (foreign_keys,) = sqlx::query_as::<_, (i64,)>("PRAGMA foreign_keys")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(foreign_keys, 1);

        thread_with_items(&store, &user, "thr_1", "msg", 5).await;
        // Concurrent writers on the pool all land.
        let mut tasks = Vec::new();
        for n in 0..16 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let item = user_message(&format!("par{n:02}"), "thr_1", at(100), "parallel");
                store.add_thread_item("thr_1", &item, &alice()).await
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        store
            .save_attachment(&file_attachment("atc_1"), &user)
            .await
            .unwrap();
        store.pool().close().await;
    }
    // Reopening runs the migrations again (a no-op) and finds everything.
    let store = SqliteStore::open(&url)
        .await
        .expect("the existing database file");
    let items = all_items(&store, &user, "thr_1", 4, Order::Asc).await;
    assert_eq!(items.len(), 21);
    assert_eq!(items[..5], strs(&["msg1", "msg2", "msg3", "msg4", "msg5"]));
    assert_eq!(
        store.load_attachment("atc_1", &user).await.unwrap(),
        file_attachment("atc_1")
    );
    let (migrations,) = sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM _chatkit_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(migrations, 1);

    // The contract holds on a file too.
    delete_thread_removes_its_items_only(&store).await;
    store.pool().close().await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_in_memory_stores_are_separate() {
    use chatkit_runtime::store::SqliteStore;

    let first = SqliteStore::in_memory().await.unwrap();
    let second = SqliteStore::in_memory().await.unwrap();
    first
        .save_thread(&thread("thr_1", at(0)), &alice())
        .await
        .unwrap();
    assert_not_found(second.load_thread("thr_1", &alice()).await, "thread");
}

// ---------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------

#[cfg(feature = "postgres")]
#[path = "support/pg_schema.rs"]
mod pg_schema;

#[cfg(feature = "postgres")]
use pg_schema::PgSchema;

#[cfg(feature = "postgres")]
impl PgSchema {
    /// A store in this schema, on a pool of its own.
    async fn store(&self) -> chatkit_runtime::store::PostgresStore {
        chatkit_runtime::store::PostgresStore::from_pool(self.pool(4))
            .await
            .expect("a PostgreSQL store")
    }
}

/// A thread id no other test uses: advisory locks are database-wide, not per schema.
#[cfg(feature = "postgres")]
fn unique_thread_id() -> String {
    format!("thr_{}", uuid::Uuid::new_v4().simple())
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_migrations_are_idempotent_and_safe_in_parallel() {
    use chatkit_runtime::store::PostgresStore;

    let schema = PgSchema::new().await;
    // Two replicas start at once on a fresh schema: one migrates, the other
    // waits for the migrator's advisory lock and then finds it done. (Pools
    // of one connection, to look at that connection's locks below.)
    let (first, second) = tokio::join!(
        PostgresStore::from_pool(schema.pool(1)),
        PostgresStore::from_pool(schema.pool(1)),
    );
    let (first, second) = (
        first.expect("first replica"),
        second.expect("second replica"),
    );
    // And again, later: a no-op.
    let third = PostgresStore::from_pool(schema.pool(1))
        .await
        .expect("third replica");

    let (migrations,) = sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM _chatkit_migrations")
        .fetch_one(third.pool())
        .await
        .unwrap();
    assert_eq!(migrations, 1);
    // The migrator's session-level lock was released, not left on the
    // pooled connection (where it would hold up every later migration).
    for store in [&first, &second, &third] {
        let (locks,) = sqlx::query_as::<_, (i64,)>(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(locks, 0, "an advisory lock is still held");
    }

    // All three work on the same tables.
    let user = alice();
    first
        .save_thread(&thread("thr_1", at(0)), &user)
        .await
        .unwrap();
    assert_eq!(
        second.load_thread("thr_1", &user).await.unwrap(),
        thread("thr_1", at(0))
    );
    for store in [first, second, third] {
        store.pool().close().await;
    }
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_lease_locks_the_thread_across_pools() {
    use chatkit_runtime::store::PostgresStore;

    let schema = PgSchema::new().await;
    // Two stores on two pools: two server replicas on one database.
    let replica_a = schema.store().await;
    let replica_b = PostgresStore::from_pool(schema.pool(2)).await.unwrap();
    let (user, other) = (alice(), bob());
    let thread_id = unique_thread_id();

    let lease = replica_a
        .try_lock_thread(&thread_id, &user)
        .await
        .unwrap()
        .expect("a free thread");
    assert!(
        replica_b
            .try_lock_thread(&thread_id, &user)
            .await
            .unwrap()
            .is_none(),
        "the other replica must see the thread busy"
    );
    assert!(
        replica_a
            .try_lock_thread(&thread_id, &user)
            .await
            .unwrap()
            .is_none(),
        "the same replica must see the thread busy"
    );
    // Other threads, and the same id in another scope, are free.
    let elsewhere = replica_b
        .try_lock_thread(&unique_thread_id(), &user)
        .await
        .unwrap();
    assert!(elsewhere.is_some());
    let other_scope = replica_b.try_lock_thread(&thread_id, &other).await.unwrap();
    assert!(other_scope.is_some());
    // The store keeps working while leases are held.
    thread_with_items(&replica_a, &user, &thread_id, "msg", 3).await;

    // Dropping the lease rolls its transaction back (in a background task)
    // and frees the thread for any connection.
    drop(lease);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    let relocked = loop {
        if let Some(lease) = replica_b.try_lock_thread(&thread_id, &user).await.unwrap() {
            break lease;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the thread stayed locked after its lease was dropped"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    };
    assert!(
        replica_a
            .try_lock_thread(&thread_id, &user)
            .await
            .unwrap()
            .is_none()
    );
    drop(relocked);
    drop((elsewhere, other_scope));
}

/// The advisory lock key `PostgresStore` documents for `thread_id` of
/// `scope`: FNV-1a 64 of the scope's length (u64, little-endian), the scope
/// and the thread id, in two halves. Written out again here: replicas of
/// different versions must agree on it.
#[cfg(feature = "postgres")]
fn lock_key(scope: &str, thread_id: &str) -> (i32, i32) {
    let length = (scope.len() as u64).to_le_bytes();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in length
        .iter()
        .chain(scope.as_bytes())
        .chain(thread_id.as_bytes())
    {
        hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    ((hash >> 32) as u32 as i32, hash as u32 as i32)
}

/// The backends holding the advisory lock of `thread_id` in `scope`.
#[cfg(feature = "postgres")]
async fn lock_holders(pool: &sqlx::PgPool, scope: &str, thread_id: &str) -> Vec<i32> {
    let (high, low) = lock_key(scope, thread_id);
    // pg_locks shows the two int4 halves as oids (unsigned).
    sqlx::query_as::<_, (i32,)>(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 \
         AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
         AND classid = ($1::bigint & 4294967295)::oid AND objid = ($2::bigint & 4294967295)::oid",
    )
    .bind(i64::from(high))
    .bind(i64::from(low))
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(pid,)| pid)
    .collect()
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_lease_is_the_documented_advisory_lock_and_ends_with_its_connection() {
    let schema = PgSchema::new().await;
    let store = schema.store().await;
    let user = alice();
    let thread_id = unique_thread_id();
    assert!(
        lock_holders(store.pool(), "alice", &thread_id)
            .await
            .is_empty()
    );
    let _lease = store
        .try_lock_thread(&thread_id, &user)
        .await
        .unwrap()
        .expect("a free thread");
    let holders = lock_holders(store.pool(), "alice", &thread_id).await;
    assert_eq!(holders.len(), 1, "one backend holds the documented key");

    // The process holding the lease dies: its session ends, and the lock with it.
    sqlx::query("SELECT pg_terminate_backend($1)")
        .bind(holders[0])
        .execute(store.pool())
        .await
        .unwrap();
    let other = schema.store().await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while other
        .try_lock_thread(&thread_id, &user)
        .await
        .unwrap()
        .is_none()
    {
        assert!(tokio::time::Instant::now() < deadline, "still locked");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_unreachable_server_is_unavailable() {
    use chatkit_runtime::store::PostgresStore;

    // Nothing listens on port 1.
    let started = std::time::Instant::now();
    let err = PostgresStore::connect("postgres://postgres@127.0.0.1:1/test")
        .await
        .expect_err("no server");
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    eprintln!("{err}");
    assert!(err.to_string().contains("cannot connect"), "{err}");
    assert!(err.to_string().contains("refused"), "says why: {err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));

    let err = PostgresStore::connect("postgres://[not a url")
        .await
        .expect_err("a bad URL");
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_open_by_url() {
    let schema = PgSchema::new().await;
    for url in [
        schema.url(),
        schema.url().replacen("postgres://", "postgresql://", 1),
    ] {
        let store = chatkit_runtime::store::open::<String>(&url)
            .await
            .expect("a PostgreSQL store");
        let user = alice();
        let thread_id = unique_thread_id();
        store
            .save_thread(&thread(&thread_id, at(0)), &user)
            .await
            .unwrap();
        assert_eq!(
            store.load_thread(&thread_id, &user).await.unwrap(),
            thread(&thread_id, at(0))
        );
    }
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_concurrent_writers_all_land_in_order() {
    let schema = PgSchema::new().await;
    let store = schema.store().await;
    let user = alice();
    thread_with_items(&store, &user, "thr_1", "msg", 5).await;
    let mut tasks = Vec::new();
    for n in 0..16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let item = user_message(&format!("par{n:02}"), "thr_1", at(100), "parallel");
            store.add_thread_item("thr_1", &item, &alice()).await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let asc = all_items(&store, &user, "thr_1", 4, Order::Asc).await;
    assert_eq!(asc.len(), 21);
    assert_eq!(asc[..5], strs(&["msg1", "msg2", "msg3", "msg4", "msg5"]));
    let mut desc = all_items(&store, &user, "thr_1", 3, Order::Desc).await;
    desc.reverse();
    assert_eq!(
        desc, asc,
        "both directions agree on the order of equal times"
    );
    // Re-adding one keeps its place among the equal times.
    let again = user_message(&asc[10], "thr_1", at(100), "again");
    store.add_thread_item("thr_1", &again, &user).await.unwrap();
    assert_eq!(all_items(&store, &user, "thr_1", 7, Order::Asc).await, asc);
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_unreadable_rows_are_corrupt() {
    let schema = PgSchema::new().await;
    let store = schema.store().await;
    let user = alice();
    // Valid JSON (the column is `jsonb`), but not a thread.
    sqlx::query(
        "INSERT INTO chatkit_threads (id, scope, created_at, data) \
         VALUES ('thr_bad', 'alice', now(), '{\"not\": \"a thread\"}')",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let err = store
        .load_thread("thr_bad", &user)
        .await
        .expect_err("corrupt");
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    let err = store
        .load_threads(10, None, Order::Asc, &user)
        .await
        .expect_err("corrupt");
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_text_cannot_hold_nul() {
    let schema = PgSchema::new().await;
    let store = schema.store().await;
    let user = alice();
    thread_with_items(&store, &user, "thr_1", "msg", 2).await;
    // Ids with U+0000 were never saved: not found, like any unknown id.
    assert_not_found(store.load_thread("thr\0", &user).await, "thread");
    assert_not_found(store.load_item("thr_1", "msg\0", &user).await, "item");
    assert_not_found(
        store
            .load_thread_items("thr_1", Some("msg\0"), 10, Order::Asc, &user)
            .await,
        "item",
    );
    assert_not_found(
        store
            .load_threads(10, Some("thr\0"), Order::Asc, &user)
            .await,
        "thread",
    );
    assert_not_found(store.load_attachment("atc\0", &user).await, "attachment");
    store
        .delete_thread_item("thr_1", "msg\0", &user)
        .await
        .unwrap();
    store
        .delete_thread_items("thr_1", &strs(&["msg1", "msg\0"]), &user)
        .await
        .unwrap();
    assert_eq!(
        all_items(&store, &user, "thr_1", 10, Order::Asc).await,
        strs(&["msg2"])
    );
    // Text with U+0000 cannot be stored (PostgreSQL's limit, not a lost connection).
    let item = user_message("msg_nul", "thr_1", at(5), "a\0b");
    let err = store
        .add_thread_item("thr_1", &item, &user)
        .await
        .expect_err("NUL in jsonb");
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert!(err.to_string().contains("msg_nul"), "{err}");
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_tls_with_sslmode_require() {
    use chatkit_runtime::store::PostgresStore;

    let schema = PgSchema::new().await;
    let plain = schema.store().await;
    let (ssl,) = sqlx::query_as::<_, (String,)>("SHOW ssl")
        .fetch_one(plain.pool())
        .await
        .unwrap();
    if ssl != "on" {
        eprintln!("*** this PostgreSQL server has ssl = {ssl}: TLS is NOT tested ***");
        return;
    }
    // As managed databases (Neon, ...) ask: TLS, with rustls.
    let store = PostgresStore::connect(&format!("{}&sslmode=require", schema.url()))
        .await
        .expect("a TLS connection");
    let (encrypted,) =
        sqlx::query_as::<_, (bool,)>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(encrypted);
    save_and_load_thread_metadata(&store).await;
    store.close().await;
}
