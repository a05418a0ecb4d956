//! Tasks on the command line: list, show, cancel, and following long actions — progress bars
//! on a terminal, a line per change otherwise, one JSON line per update with `--json`.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde_json::json;
use studio_core::task_engine::{Task, TaskStatus};
use studio_core::{CoreError, Request, Studio, StudioEvent, TaskRunner};

use crate::call::call;
use crate::output::Printer;

/// One line about a task: status, progress, name, and why it failed if it did.
pub fn describe(t: &Task) -> String {
    let progress = match (&t.progress, t.status) {
        (Some(p), TaskStatus::InProgress) => format!(" {:>3.0}% {}", p.fraction * 100.0, p.message),
        _ => String::new(),
    };
    let reason = t.reason().map(|r| format!(" — {r}")).unwrap_or_default();
    format!("{}  {:<11} {}{progress}{reason}", t.id, t.status, t.name)
}

impl Printer {
    pub fn tasks(&self, list: &[Task]) -> Result<()> {
        self.emit(&list, || {
            if list.is_empty() {
                return "No tasks yet: long actions (export, `studio run`) show up here".into();
            }
            list.iter().map(describe).collect::<Vec<_>>().join("\n")
        })
    }

    pub fn task(&self, t: &Task) -> Result<()> {
        self.emit(t, || {
            let mut text = describe(t);
            if let Some(result) = t.result.as_ref().filter(|r| !r.outputs.is_empty()) {
                text.push_str(&format!("\n  outputs: {}", serde_json::Value::Object(result.outputs.clone())));
            }
            for attempt in &t.failed_attempts {
                text.push_str(&format!("\n  attempt {} failed: {}", attempt.attempt, attempt.reason));
            }
            text
        })
    }

    /// Tasks queued for another program to run.
    pub fn queued(&self, tasks: &[Task], runner: &TaskRunner) -> Result<()> {
        self.emit(&json!({"tasks": tasks, "queued_for": runner}), || {
            let mut lines: Vec<String> = tasks.iter().map(describe).collect();
            lines.push(format!(
                "Queued for {runner}, which runs it within two seconds: follow it with `studio task show ID`, \
                 or add --wait to run it here."
            ));
            lines.join("\n")
        })
    }
}

/// Carries out long actions started from the terminal: left to the app or `studio serve` when
/// one runs on this library (unless `wait`), else run here and followed to the end. A command
/// never reports success for work that nothing will do.
pub async fn carry_out(studio: &Arc<Studio>, tasks: Vec<Task>, wait: bool, out: &Printer) -> Result<()> {
    if !wait && let Some(runner) = studio.task_runner().await? {
        return out.queued(&tasks, &runner);
    }
    if !wait {
        crate::errln!(
            "No Studio app or `studio serve` is running on this library, so this command runs it now (Ctrl-C stops it)."
        );
    }
    studio.start_tasks().await?;
    follow(studio, tasks, out).await.map(|_| ())
}

/// Follows tasks until every one has finished; an error if any failed or was cancelled.
pub async fn follow(studio: &Studio, tasks: Vec<Task>, out: &Printer) -> Result<Vec<Task>> {
    let mut events = studio.subscribe();
    let mut latest: HashMap<String, Task> = tasks.iter().map(|t| (t.id.clone(), t.clone())).collect();
    let order: Vec<String> = tasks.iter().map(|t| t.id.clone()).collect();
    let view = View::new(out, &tasks);
    for task in &tasks {
        view.show(task);
    }
    while latest.values().any(|t| !t.status.is_finished()) {
        match tokio::time::timeout(Duration::from_millis(500), events.recv()).await {
            Ok(Ok(StudioEvent::TaskChanged { task, .. })) => {
                if latest.contains_key(&task.id) {
                    view.show(&task);
                    latest.insert(task.id.clone(), *task);
                }
            }
            Ok(Ok(_)) => {}
            // Quiet, lagged or closed: read every task afresh.
            _ => {
                for id in &order {
                    let task: Task = call(studio, Request::GetTask { task_id: id.clone() }).await?;
                    if latest.get(id) != Some(&task) {
                        view.show(&task);
                        latest.insert(id.clone(), task);
                    }
                }
            }
        }
    }
    view.done();
    let finished: Vec<Task> = order.iter().filter_map(|id| latest.remove(id)).collect();
    if out.json {
        crate::outln!("{}", json!({ "tasks": finished }));
    } else {
        for task in &finished {
            crate::outln!("{}", describe(task));
        }
    }
    let failed: Vec<&Task> = finished.iter().filter(|t| t.status != TaskStatus::Completed).collect();
    if let Some(first) = failed.first() {
        let what = if failed.len() == 1 { "a task".to_string() } else { format!("{} tasks", failed.len()) };
        let message =
            format!("{what} did not complete: '{}' {}: {}", first.name, first.status, first.reason().unwrap_or("-"));
        return Err(CoreError::new("task_failed", message).into());
    }
    Ok(finished)
}

/// How progress is shown: bars on a terminal, JSON lines with `--json`, else a line per
/// change of status.
enum View {
    Bars(MultiProgress, HashMap<String, ProgressBar>),
    JsonLines,
    Lines(std::sync::Mutex<HashMap<String, TaskStatus>>),
}

impl View {
    fn new(out: &Printer, tasks: &[Task]) -> View {
        if out.json {
            return View::JsonLines;
        }
        if !std::io::stderr().is_terminal() {
            return View::Lines(Default::default());
        }
        let multi = MultiProgress::new();
        let style = ProgressStyle::with_template("{prefix:<28.bold} [{bar:30}] {percent:>3}% {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bars = tasks
            .iter()
            .map(|t| {
                let bar = multi.add(ProgressBar::new(1000).with_style(style.clone()));
                bar.set_prefix(t.name.clone());
                (t.id.clone(), bar)
            })
            .collect();
        View::Bars(multi, bars)
    }

    fn show(&self, task: &Task) {
        match self {
            View::JsonLines => {
                // A reader that went away (`| head`) is not an error worth a panic.
                let _ = writeln!(std::io::stdout().lock(), "{}", json!({ "task": task }));
            }
            View::Lines(seen) => {
                let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                if seen.insert(task.id.clone(), task.status) != Some(task.status) {
                    crate::errln!("{}", describe(task));
                }
            }
            View::Bars(_, bars) => {
                let Some(bar) = bars.get(&task.id) else { return };
                let fraction = task.progress.as_ref().map_or(0.0, |p| p.fraction);
                bar.set_position((fraction * 1000.0) as u64);
                let message = task.progress.as_ref().map(|p| p.message.clone()).unwrap_or_default();
                match task.status {
                    TaskStatus::Completed => bar.finish_with_message("done"),
                    TaskStatus::Failed | TaskStatus::Cancelled => {
                        bar.abandon_with_message(format!("{}: {}", task.status, task.reason().unwrap_or("-")))
                    }
                    status => bar.set_message(format!("{status} {message}")),
                }
            }
        }
    }

    fn done(&self) {
        if let View::Bars(multi, _) = self {
            let _ = multi.clear();
        }
    }
}
