//! A streamed response on its way to the client: SSE keep-alive comments
//! in its silences, an idle timeout, and its bookkeeping (metrics, the
//! user's stream permit, the log line when it ends). An [`Encoder`] says
//! what the client reads: the ChatKit frames as they are, or the chunks of
//! the [simple chat protocol](super::simple_chat).

use std::convert::Infallible;
use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::Stream;
use tokio::time::Sleep;
use tracing::Span;

use super::limits::StreamPermit;
use super::metrics::Metrics;
use crate::server::{EventStream, Frame, StreamError, ToolCallDone};

/// The SSE comment sent in a stream's silences: clients ignore it,
/// proxies see traffic.
pub const KEEP_ALIVE: &[u8] = b": keep-alive\n\n";

struct Timer {
    every: Duration,
    sleep: Pin<Box<Sleep>>,
}

impl Timer {
    fn new(every: Duration) -> Self {
        Self {
            every,
            sleep: Box::pin(tokio::time::sleep(every)),
        }
    }

    fn restart(&mut self) {
        let deadline = tokio::time::Instant::now() + self.every;
        self.sleep.as_mut().reset(deadline);
    }

    fn poll_expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.sleep.as_mut().poll(cx).is_ready()
    }
}

/// Ends with the stream, whichever way: counts and logs it.
struct Finish {
    metrics: Metrics,
    started: Instant,
    span: Span,
    outcome: &'static str,
    events: u64,
    _permit: Option<StreamPermit>,
}

impl Drop for Finish {
    fn drop(&mut self) {
        let duration = self.started.elapsed();
        self.metrics.stream_ended(self.outcome, duration);
        let _entered = self.span.enter();
        tracing::info!(
            outcome = self.outcome,
            events = self.events,
            duration_ms = duration.as_millis() as u64,
            "stream finished"
        );
    }
}

/// What the client reads of a response.
pub(crate) trait Encoder: Send + Unpin + 'static {
    /// What to write for an event, given as its ChatKit SSE frame
    /// (`data: <json>\n\n`), if anything.
    fn event(&mut self, frame: Bytes) -> Option<Bytes>;

    /// What to write for a finished tool call, if anything.
    fn tool_call(&mut self, call: ToolCallDone) -> Option<Bytes>;

    /// What to write after the last event, when the response ended by
    /// itself (not for an idle timeout or a client that went away).
    fn end(&mut self) -> Option<Bytes>;
}

/// The ChatKit protocol: every event frame as it is, nothing else.
pub(crate) struct ChatKitFrames;

impl Encoder for ChatKitFrames {
    fn event(&mut self, frame: Bytes) -> Option<Bytes> {
        Some(frame)
    }

    fn tool_call(&mut self, _call: ToolCallDone) -> Option<Bytes> {
        None
    }

    fn end(&mut self) -> Option<Bytes> {
        None
    }
}

pub(crate) struct ManagedStream<E> {
    inner: Option<EventStream>,
    keep_alive: Option<Timer>,
    idle: Option<Timer>,
    /// Whether the thread id is still to be read from `thread.created`.
    want_thread_id: bool,
    encoder: E,
    finish: Finish,
}

pub(crate) struct StreamSettings {
    pub(crate) keep_alive: Option<Duration>,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) metrics: Metrics,
    pub(crate) span: Span,
    pub(crate) permit: Option<StreamPermit>,
    pub(crate) want_thread_id: bool,
}

impl<E: Encoder> ManagedStream<E> {
    /// `inner`, as `encoder` writes it.
    pub(crate) fn new(inner: EventStream, settings: StreamSettings, encoder: E) -> Self {
        settings.metrics.stream_started();
        Self {
            inner: Some(inner),
            keep_alive: settings.keep_alive.map(Timer::new),
            idle: settings.idle_timeout.map(Timer::new),
            want_thread_id: settings.want_thread_id,
            encoder,
            finish: Finish {
                metrics: settings.metrics,
                started: Instant::now(),
                span: settings.span,
                // Until it ends by itself, a stream that is dropped was closed by the client.
                outcome: "client_closed",
                events: 0,
                _permit: settings.permit,
            },
        }
    }

    /// Records the id of a thread the stream created in the request's span.
    fn note_thread(&mut self, frame: &[u8]) {
        self.want_thread_id = false;
        let Some(json) = frame.strip_prefix(b"data: ") else {
            return;
        };
        if let Ok(event) = serde_json::from_slice::<serde_json::Value>(json)
            && event["type"] == "thread.created"
            && let Some(id) = event["thread"]["id"].as_str()
        {
            self.finish.span.record("thread_id", id);
        }
    }
}

impl<E: Encoder> Stream for ManagedStream<E> {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            let Some(inner) = this.inner.as_mut() else {
                return Poll::Ready(None);
            };
            let written = match inner.poll_frame(cx) {
                Poll::Ready(Some(Frame::Event(frame))) => {
                    this.finish.events += 1;
                    if this.want_thread_id {
                        this.note_thread(&frame);
                    }
                    this.encoder.event(frame)
                }
                Poll::Ready(Some(Frame::ToolCall(call))) => this.encoder.tool_call(*call),
                Poll::Ready(None) => {
                    this.inner = None;
                    this.finish.outcome = "completed";
                    return Poll::Ready(this.encoder.end().map(Ok));
                }
                Poll::Pending => break,
            };
            // The response is alive, whatever the client reads of it.
            if let Some(timer) = &mut this.idle {
                timer.restart();
            }
            if let Some(bytes) = written {
                if let Some(timer) = &mut this.keep_alive {
                    timer.restart();
                }
                return Poll::Ready(Some(Ok(bytes)));
            }
        }
        if let Some(timer) = &mut this.idle
            && timer.poll_expired(cx)
        {
            // Dropping the events cancels the response like a client that
            // went away: its partial answer is stored.
            this.inner = None;
            this.finish.outcome = "idle_timeout";
            {
                let _entered = this.finish.span.enter();
                tracing::warn!(
                    timeout_ms = timer.every.as_millis() as u64,
                    "response cancelled: no event within the idle timeout"
                );
            }
            let event = StreamError::failed(true).to_event();
            let mut frame = b"data: ".to_vec();
            if serde_json::to_writer(&mut frame, &event).is_ok() {
                frame.extend_from_slice(b"\n\n");
                return Poll::Ready(this.encoder.event(Bytes::from(frame)).map(Ok));
            }
            return Poll::Ready(None);
        }
        if let Some(timer) = &mut this.keep_alive
            && timer.poll_expired(cx)
        {
            timer.restart();
            return Poll::Ready(Some(Ok(Bytes::from_static(KEEP_ALIVE))));
        }
        Poll::Pending
    }
}
