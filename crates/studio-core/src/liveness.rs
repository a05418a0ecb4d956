//! Is the program that wrote a session still running? Decides whether a session's unsaved
//! edits belong to a live editor or are a crash to recover from.

use std::time::Duration;

use studio_store::SessionRow;

/// This process's identity as the sessions table records it.
pub fn this_process() -> (i64, String, String) {
    let pid = std::process::id();
    (pid as i64, process_start(pid).unwrap_or_default(), host_name())
}

pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// When a process started, in clock ticks since boot (Linux), so a reused pid is told apart.
fn process_start(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Field 22 (starttime); the fields after the command name start at field 3.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19).map(str::to_string)
}

/// True if the session's program may still be running and editing.
pub fn session_alive(session: &SessionRow, heartbeat_timeout: Duration) -> bool {
    if session.closed_at.is_some() {
        return false;
    }
    if cfg!(target_os = "linux") && session.host == host_name() && !session.process_start.is_empty() {
        let pid = u32::try_from(session.pid).unwrap_or(0);
        return process_start(pid).as_deref() == Some(session.process_start.as_str());
    }
    let Ok(beat) = chrono::DateTime::parse_from_rfc3339(&session.heartbeat_at) else { return false };
    let age = chrono::Utc::now().signed_duration_since(beat);
    age.to_std().map(|age| age < heartbeat_timeout).unwrap_or(true)
}
