//! The program's vital signs: a Prometheus registry that the one dispatch times every request
//! into, the beats of its background loops, the team bus's link, and the process's own CPU,
//! memory and disk, read when asked. `health.rs` turns them into the health check and the
//! `/metrics` text; nothing here decides what is healthy.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use prometheus::{
    Counter, Encoder, Gauge, GaugeVec, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec,
    Opts, Registry, TextEncoder,
};

/// Request latency buckets, in seconds: half a millisecond to half a minute.
const BUCKETS: [f64; 14] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 30.0];

/// The team bus's link, as `join_team_bus` last heard it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BusLink {
    /// Not a team server, or one without Redis.
    None,
    Up,
    Lost,
}

/// What the registry holds; set when scraped, observed by the dispatch.
pub(crate) struct Gauges {
    pub tasks: IntGaugeVec,
    pub queue: IntGauge,
    pub agents: IntGaugeVec,
    pub open_projects: IntGauge,
    pub health: GaugeVec,
    pub uptime: Gauge,
    pub cpu_seconds: Counter,
    pub cpu_usage: Gauge,
    pub resident: IntGauge,
    pub memory_total: IntGauge,
    pub memory_used: IntGauge,
    pub disk_total: IntGauge,
    pub disk_available: IntGauge,
    /// Workflow runs ended, by how; those running now; steps ended, by kind and how.
    pub runs: IntCounterVec,
    pub runs_active: IntGauge,
    pub steps: IntCounterVec,
    /// Events written to the bus.
    pub events: IntCounter,
}

/// The process's resources at one reading.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Resources {
    /// CPU seconds this process has used.
    pub cpu_seconds: f64,
    /// Share of one core used since the previous reading (may exceed 1 on several cores).
    pub cpu_usage: f64,
    pub resident_bytes: u64,
    pub memory_total: u64,
    pub memory_used: u64,
    /// The file system holding the library: its size and what is free.
    pub disk_total: u64,
    pub disk_available: u64,
}

pub(crate) struct Vitals {
    registry: Registry,
    requests: HistogramVec,
    pub(crate) gauges: Gauges,
    started: Instant,
    /// When the report scheduler last looked (unix milliseconds; 0: not yet).
    scheduler_beat: AtomicI64,
    bus: AtomicU8,
    system: Mutex<sysinfo::System>,
    /// CPU seconds at the previous reading, for the counter's increment.
    cpu_seen: Mutex<f64>,
}

impl Default for Vitals {
    fn default() -> Self {
        Vitals::new()
    }
}

/// Registers a metric made from this file's constant names and labels.
// A bad name or a clash is a programming error that the first test constructing `Vitals`
// shows; it cannot come from input.
#[allow(clippy::expect_used)]
fn registered<M: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    metric: prometheus::Result<M>,
) -> M {
    let metric = metric.expect("a metric's constant name and labels are valid");
    registry.register(Box::new(metric.clone())).expect("each metric is registered once");
    metric
}

impl Vitals {
    pub(crate) fn new() -> Self {
        let r = &Registry::new();
        let int_vec =
            |name: &str, help: &str, label: &str| registered(r, IntGaugeVec::new(Opts::new(name, help), &[label]));
        let int = |name: &str, help: &str| registered(r, IntGauge::new(name, help));
        let gauge = |name: &str, help: &str| registered(r, Gauge::new(name, help));
        let requests = registered(
            r,
            HistogramVec::new(
                HistogramOpts::new(
                    "studio_request_duration_seconds",
                    "Time to answer a request, by request and outcome",
                )
                .buckets(BUCKETS.to_vec()),
                &["request", "outcome"],
            ),
        );
        let gauges = Gauges {
            tasks: int_vec("studio_tasks", "Tasks on this program's boards, by status", "status"),
            queue: int("studio_task_queue_length", "Tasks waiting for an agent"),
            agents: int_vec("studio_agents", "This program's agents, by state", "state"),
            open_projects: int("studio_open_projects", "Projects held in memory"),
            health: registered(
                r,
                GaugeVec::new(
                    Opts::new("studio_health_score", "Health of each component, 0 (down) to 1"),
                    &["component"],
                ),
            ),
            uptime: gauge("studio_uptime_seconds", "Seconds since the program started"),
            cpu_seconds: registered(
                r,
                Counter::new("studio_process_cpu_seconds_total", "CPU time this process has used"),
            ),
            cpu_usage: gauge("studio_process_cpu_usage_ratio", "Cores' worth of CPU used since the previous scrape"),
            resident: int("studio_process_resident_memory_bytes", "Memory this process holds"),
            memory_total: int("studio_system_memory_total_bytes", "The machine's memory"),
            memory_used: int("studio_system_memory_used_bytes", "The machine's memory in use"),
            disk_total: int("studio_disk_total_bytes", "Size of the file system holding the library"),
            disk_available: int("studio_disk_available_bytes", "Free space on the file system holding the library"),
            runs: registered(
                r,
                IntCounterVec::new(
                    Opts::new("studio_workflow_runs_total", "Workflow runs ended, by outcome"),
                    &["outcome"],
                ),
            ),
            runs_active: int("studio_workflow_runs_active", "Workflow runs this program is driving"),
            steps: registered(
                r,
                IntCounterVec::new(
                    Opts::new("studio_workflow_steps_total", "Workflow steps ended, by kind and outcome"),
                    &["kind", "outcome"],
                ),
            ),
            events: registered(r, IntCounter::new("studio_events_published_total", "Events written to the bus")),
        };
        Vitals {
            registry: r.clone(),
            requests,
            gauges,
            started: Instant::now(),
            scheduler_beat: AtomicI64::new(0),
            bus: AtomicU8::new(0),
            system: Mutex::new(sysinfo::System::new()),
            cpu_seen: Mutex::new(0.0),
        }
    }

    /// One request answered: its time, by name and outcome (`ok` or the error's code).
    pub(crate) fn observe_request(&self, request: &str, outcome: &str, took: Duration) {
        self.requests.with_label_values(&[request, outcome]).observe(took.as_secs_f64());
    }

    /// How long the program has run.
    pub(crate) fn uptime(&self) -> Duration {
        self.started.elapsed()
    }

    /// The report scheduler looked at the schedules now.
    pub(crate) fn scheduler_beat(&self) {
        self.scheduler_beat.store(chrono::Utc::now().timestamp_millis(), Ordering::Relaxed);
    }

    /// How long ago the scheduler last looked; `None`: not yet.
    pub(crate) fn since_scheduler(&self) -> Option<Duration> {
        match self.scheduler_beat.load(Ordering::Relaxed) {
            0 => None,
            at => Some(Duration::from_millis((chrono::Utc::now().timestamp_millis() - at).max(0) as u64)),
        }
    }

    pub(crate) fn set_bus(&self, link: BusLink) {
        self.bus.store(link as u8, Ordering::Relaxed);
    }

    pub(crate) fn bus(&self) -> BusLink {
        match self.bus.load(Ordering::Relaxed) {
            1 => BusLink::Up,
            2 => BusLink::Lost,
            _ => BusLink::None,
        }
    }

    /// Reads the process's CPU and memory and the disk holding `place`; the CPU counter moves
    /// by what was used since the previous reading.
    pub(crate) fn read_resources(&self, place: &Path) -> Resources {
        let mut resources = Resources::default();
        let mut system = lock(&self.system);
        system.refresh_memory();
        resources.memory_total = system.total_memory();
        resources.memory_used = system.used_memory();
        if let Ok(pid) = sysinfo::get_current_pid() {
            let what = sysinfo::ProcessRefreshKind::nothing().with_cpu().with_memory();
            system.refresh_processes_specifics(sysinfo::ProcessesToUpdate::Some(&[pid]), false, what);
            if let Some(process) = system.process(pid) {
                resources.cpu_seconds = process.accumulated_cpu_time() as f64 / 1000.0;
                resources.cpu_usage = f64::from(process.cpu_usage()) / 100.0;
                resources.resident_bytes = process.memory();
            }
        }
        drop(system);
        let disks = sysinfo::Disks::new_with_refreshed_list();
        let holding = disks
            .list()
            .iter()
            .filter(|d| place.starts_with(d.mount_point()))
            .max_by_key(|d| d.mount_point().as_os_str().len());
        if let Some(disk) = holding {
            resources.disk_total = disk.total_space();
            resources.disk_available = disk.available_space();
        }
        let mut seen = lock(&self.cpu_seen);
        if resources.cpu_seconds > *seen {
            self.gauges.cpu_seconds.inc_by(resources.cpu_seconds - *seen);
            *seen = resources.cpu_seconds;
        }
        resources
    }

    /// The registry as Prometheus's text format (version 0.0.4).
    pub(crate) fn encode(&self) -> String {
        let mut text = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut text) {
            tracing::error!("metrics could not be written: {e}");
        }
        String::from_utf8(text).unwrap_or_default()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_is_registered_and_written() {
        let vitals = Vitals::new();
        vitals.observe_request("get_project", "ok", Duration::from_millis(3));
        vitals.gauges.tasks.with_label_values(&["PENDING"]).set(2);
        let text = vitals.encode();
        assert!(
            text.contains(
                "studio_request_duration_seconds_bucket{outcome=\"ok\",request=\"get_project\",le=\"0.005\"} 1"
            ),
            "{text}"
        );
        assert!(text.contains("studio_tasks{status=\"PENDING\"} 2"), "{text}");
        assert!(text.contains("# TYPE studio_process_cpu_seconds_total counter"), "{text}");
    }

    #[test]
    fn resources_are_read() {
        let vitals = Vitals::new();
        let here = std::env::current_dir().expect("a working directory");
        let read = vitals.read_resources(&here);
        assert!(read.resident_bytes > 0 && read.memory_total >= read.memory_used, "{read:?}");
        assert!(read.disk_total >= read.disk_available && read.disk_total > 0, "{read:?}");
    }
}
