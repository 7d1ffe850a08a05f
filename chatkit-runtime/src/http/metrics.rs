//! [`Metrics`]: counters and histograms, rendered in the Prometheus text
//! format at `GET /metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::sync::lock;

/// Upper bounds of the stream duration buckets, in seconds.
const STREAM_BUCKETS: &[f64] = &[
    0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0,
];
/// Upper bounds of the model and tool latency buckets, in seconds.
const LATENCY_BUCKETS: &[f64] = &[0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0];

#[derive(Debug, Clone)]
struct Histogram {
    bounds: &'static [f64],
    /// Per bucket, not cumulative; one more for `+Inf`.
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            counts: vec![0; bounds.len() + 1],
            sum: 0.0,
            count: 0,
        }
    }

    fn observe(&mut self, seconds: f64) {
        let bucket = self
            .bounds
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(self.bounds.len());
        self.counts[bucket] += 1;
        self.sum += seconds;
        self.count += 1;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0;
        for (bound, count) in self.bounds.iter().zip(&self.counts) {
            cumulative += count;
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}"
            );
        }
        cumulative += self.counts[self.bounds.len()];
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {cumulative}"
        );
        let braces = |labels: &str| {
            if labels.is_empty() {
                String::new()
            } else {
                format!("{{{labels}}}")
            }
        };
        let _ = writeln!(out, "{name}_sum{} {}", braces(labels), self.sum);
        let _ = writeln!(out, "{name}_count{} {}", braces(labels), self.count);
    }
}

#[derive(Debug, Default)]
struct Inner {
    /// `(request type, status)`.
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    /// Requests refused before they ran, by reason.
    rejected: Mutex<BTreeMap<&'static str, u64>>,
    active_streams: AtomicI64,
    /// By outcome: `completed`, `client_closed`, `idle_timeout`.
    streams: Mutex<BTreeMap<&'static str, Histogram>>,
    /// `(tool, outcome)`.
    tool_calls: Mutex<BTreeMap<(String, &'static str), u64>>,
    tool_latency: Mutex<BTreeMap<String, Histogram>>,
    /// `(model, outcome)`.
    model_calls: Mutex<BTreeMap<(String, &'static str), u64>>,
    model_latency: Mutex<BTreeMap<String, Histogram>>,
}

/// The server's counters, shared by clones: requests by type and status,
/// streams (active, and their durations), requests refused by the limits,
/// and the agent runtime's tool calls and model latency.
///
/// [`App`](super::App) keeps one and serves it at `GET /metrics`; hand a
/// clone to whatever runs tools or calls models:
///
/// ```
/// use std::time::Duration;
/// use chatkit_runtime::http::Metrics;
///
/// let metrics = Metrics::new();
/// metrics.record_model_call("gpt-4.1-mini", Duration::from_millis(850), true);
/// metrics.record_tool_call("add_task", Duration::from_millis(12), true);
/// assert!(metrics.render().contains("chatkit_tool_calls_total{tool=\"add_task\",outcome=\"ok\"} 1"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    inner: Arc<Inner>,
}

fn outcome(ok: bool) -> &'static str {
    if ok { "ok" } else { "error" }
}

impl Metrics {
    /// Empty counters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts a request of `kind` (a ChatKit request type, or `unknown`)
    /// answered with `status` (200 for a stream that started).
    pub fn record_request(&self, kind: &'static str, status: u16) {
        *lock(&self.inner.requests)
            .entry((kind, status))
            .or_default() += 1;
    }

    /// Counts a request refused before it ran (`unauthorized`,
    /// `rate_limited`, `too_many_streams`, `payload_too_large`).
    pub fn record_rejected(&self, reason: &'static str) {
        *lock(&self.inner.rejected).entry(reason).or_default() += 1;
    }

    /// Counts a tool call of the agent runtime, with how long it took.
    pub fn record_tool_call(&self, tool: &str, duration: Duration, ok: bool) {
        *lock(&self.inner.tool_calls)
            .entry((tool.to_owned(), outcome(ok)))
            .or_default() += 1;
        lock(&self.inner.tool_latency)
            .entry(tool.to_owned())
            .or_insert_with(|| Histogram::new(LATENCY_BUCKETS))
            .observe(duration.as_secs_f64());
    }

    /// Counts a model call of the agent runtime, with its latency (to the
    /// end of its response).
    pub fn record_model_call(&self, model: &str, latency: Duration, ok: bool) {
        *lock(&self.inner.model_calls)
            .entry((model.to_owned(), outcome(ok)))
            .or_default() += 1;
        lock(&self.inner.model_latency)
            .entry(model.to_owned())
            .or_insert_with(|| Histogram::new(LATENCY_BUCKETS))
            .observe(latency.as_secs_f64());
    }

    /// How many streams are open now.
    pub fn active_streams(&self) -> i64 {
        self.inner.active_streams.load(Ordering::Relaxed)
    }

    /// How many requests of `kind` were answered with `status`.
    pub fn requests(&self, kind: &str, status: u16) -> u64 {
        lock(&self.inner.requests)
            .iter()
            .filter(|((k, s), _)| *k == kind && *s == status)
            .map(|(_, n)| *n)
            .sum()
    }

    pub(crate) fn stream_started(&self) {
        self.inner.active_streams.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn stream_ended(&self, outcome: &'static str, duration: Duration) {
        self.inner.active_streams.fetch_sub(1, Ordering::Relaxed);
        lock(&self.inner.streams)
            .entry(outcome)
            .or_insert_with(|| Histogram::new(STREAM_BUCKETS))
            .observe(duration.as_secs_f64());
    }

    /// Everything, in the Prometheus text exposition format (0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        header(
            &mut out,
            "chatkit_requests_total",
            "counter",
            "ChatKit requests by type and HTTP status.",
        );
        for ((kind, status), count) in lock(&self.inner.requests).iter() {
            let _ = writeln!(
                out,
                "chatkit_requests_total{{type=\"{}\",status=\"{status}\"}} {count}",
                escape(kind)
            );
        }
        header(
            &mut out,
            "chatkit_requests_rejected_total",
            "counter",
            "Requests refused before they ran, by reason.",
        );
        for (reason, count) in lock(&self.inner.rejected).iter() {
            let _ = writeln!(
                out,
                "chatkit_requests_rejected_total{{reason=\"{reason}\"}} {count}"
            );
        }
        header(
            &mut out,
            "chatkit_active_streams",
            "gauge",
            "Streamed responses open now.",
        );
        let _ = writeln!(out, "chatkit_active_streams {}", self.active_streams());
        header(
            &mut out,
            "chatkit_stream_duration_seconds",
            "histogram",
            "How long streamed responses lasted, by outcome.",
        );
        for (outcome, histogram) in lock(&self.inner.streams).iter() {
            histogram.render(
                &mut out,
                "chatkit_stream_duration_seconds",
                &format!("outcome=\"{outcome}\""),
            );
        }
        header(
            &mut out,
            "chatkit_tool_calls_total",
            "counter",
            "Tool calls by tool and outcome.",
        );
        for ((tool, outcome), count) in lock(&self.inner.tool_calls).iter() {
            let _ = writeln!(
                out,
                "chatkit_tool_calls_total{{tool=\"{}\",outcome=\"{outcome}\"}} {count}",
                escape(tool)
            );
        }
        header(
            &mut out,
            "chatkit_tool_call_duration_seconds",
            "histogram",
            "How long tool calls took, by tool.",
        );
        for (tool, histogram) in lock(&self.inner.tool_latency).iter() {
            histogram.render(
                &mut out,
                "chatkit_tool_call_duration_seconds",
                &format!("tool=\"{}\"", escape(tool)),
            );
        }
        header(
            &mut out,
            "chatkit_model_calls_total",
            "counter",
            "Model calls by model and outcome.",
        );
        for ((model, outcome), count) in lock(&self.inner.model_calls).iter() {
            let _ = writeln!(
                out,
                "chatkit_model_calls_total{{model=\"{}\",outcome=\"{outcome}\"}} {count}",
                escape(model)
            );
        }
        header(
            &mut out,
            "chatkit_model_latency_seconds",
            "histogram",
            "Model call latency, by model.",
        );
        for (model, histogram) in lock(&self.inner.model_latency).iter() {
            histogram.render(
                &mut out,
                "chatkit_model_latency_seconds",
                &format!("model=\"{}\"", escape(model)),
            );
        }
        out
    }
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A label value with `\`, `"` and newlines escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let metrics = Metrics::new();
        metrics.record_request("threads.list", 200);
        metrics.record_request("threads.list", 200);
        metrics.record_request("threads.create", 429);
        metrics.stream_started();
        metrics.stream_started();
        metrics.stream_ended("completed", Duration::from_millis(700));
        metrics.record_model_call("m\"1", Duration::from_secs(2), false);
        let text = metrics.render();
        assert!(text.contains("chatkit_requests_total{type=\"threads.list\",status=\"200\"} 2\n"));
        assert!(
            text.contains("chatkit_requests_total{type=\"threads.create\",status=\"429\"} 1\n")
        );
        assert!(text.contains("chatkit_active_streams 1\n"));
        assert!(text.contains(
            "chatkit_stream_duration_seconds_bucket{outcome=\"completed\",le=\"0.5\"} 0\n"
        ));
        assert!(text.contains(
            "chatkit_stream_duration_seconds_bucket{outcome=\"completed\",le=\"1\"} 1\n"
        ));
        assert!(text.contains(
            "chatkit_stream_duration_seconds_bucket{outcome=\"completed\",le=\"+Inf\"} 1\n"
        ));
        assert!(text.contains("chatkit_stream_duration_seconds_count{outcome=\"completed\"} 1\n"));
        assert!(text.contains("chatkit_model_calls_total{model=\"m\\\"1\",outcome=\"error\"} 1\n"));
        assert!(text.contains("chatkit_model_latency_seconds_sum{model=\"m\\\"1\"} 2\n"));
        assert!(text.contains("# TYPE chatkit_tool_calls_total counter\n"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, value) = line.rsplit_once(' ').unwrap();
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
    }
}
