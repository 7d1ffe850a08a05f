//! The streamed responses running on a [`ChatKit`](super::ChatKit), and a
//! signal that cancels them for a shutdown.

use std::time::Duration;

use tokio::sync::watch;

/// Shared by every clone of a `ChatKit`.
#[derive(Debug)]
pub(crate) struct Responses {
    /// How many response tasks run (their cancellation handling included).
    running: watch::Sender<usize>,
    phase: watch::Sender<Phase>,
}

/// Where a shutdown stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Phase {
    /// Serving.
    Open,
    /// No new responses; running ones may finish.
    Draining,
    /// Running responses must stop.
    Cancelling,
}

impl Default for Responses {
    fn default() -> Self {
        Self {
            running: watch::Sender::new(0),
            phase: watch::Sender::new(Phase::Open),
        }
    }
}

/// Counts one response task while it lives.
pub(crate) struct Running(watch::Sender<usize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.send_modify(|running| *running -= 1);
    }
}

impl Responses {
    /// Counts a response task until the returned guard is dropped.
    pub(crate) fn start(&self) -> Running {
        self.running.send_modify(|running| *running += 1);
        Running(self.running.clone())
    }

    pub(crate) fn running(&self) -> usize {
        *self.running.borrow()
    }

    /// Whether a shutdown has begun: new responses are refused.
    pub(crate) fn is_closed(&self) -> bool {
        *self.phase.borrow() != Phase::Open
    }

    /// A receiver of the phase, for a response to stop when it reaches
    /// [`Phase::Cancelling`].
    pub(crate) fn phase(&self) -> watch::Receiver<Phase> {
        self.phase.subscribe()
    }

    /// Refuses new responses, waits up to `grace` for running ones to end,
    /// cancels the rest, and waits until their cancellation is handled.
    pub(crate) async fn shutdown(&self, grace: Duration) {
        self.phase.send_if_modified(|phase| {
            let open = *phase == Phase::Open;
            if open {
                *phase = Phase::Draining;
            }
            open
        });
        let mut running = self.running.subscribe();
        let _ = tokio::time::timeout(grace, running.wait_for(|n| *n == 0)).await;
        self.phase.send_replace(Phase::Cancelling);
        let _ = running.wait_for(|n| *n == 0).await;
    }
}
