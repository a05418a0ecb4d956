//! The `studio` binary end to end: every command with `--json` prints one JSON document,
//! errors exit non-zero with the message on stderr.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

struct Cli {
    home: tempfile::TempDir,
}

impl Cli {
    fn new() -> Cli {
        Cli { home: tempfile::tempdir().expect("temp dir") }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_studio"));
        command
            .args(args)
            .env("STUDIO_HOME", self.home.path())
            .env_remove("STUDIO_DB")
            .env_remove("STUDIO_USER")
            .env_remove("STUDIO_SMTP_URL");
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("studio runs")
    }

    /// Runs with `--json`, expects success and exactly one JSON document.
    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.run(&all);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("{args:?} printed no single JSON document ({e}): {}", String::from_utf8_lossy(&out.stdout))
        })
    }

    /// Runs with `--json` (a command that follows tasks), expects success; one JSON value a line.
    fn json_lines(&self, args: &[&str]) -> Vec<Value> {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.run(&all);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
    }

    /// Runs, expects failure; returns stderr.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} should have failed");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

#[test]
fn a_project_through_the_command_line() {
    let cli = Cli::new();
    let state = cli.json(&["project", "new", "--name", "Heat pumps", "--description", "adoption by 2031"]);
    let id = state["project_id"].as_str().expect("project_id").to_string();
    assert_eq!(state["status"], "draft");
    assert_eq!(state["version"], 1);
    let user = state["user_id"].as_str().unwrap().to_string();
    // The local identity is made once and kept.
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(cli.home.path().join("config.json")).unwrap()).unwrap();
    assert_eq!(config["user_id"], user.as_str());

    let listed = cli.json(&["project", "list"]);
    assert_eq!(listed[0]["project_id"], id.as_str());
    // Projects can be named by name as well as by id.
    assert_eq!(cli.json(&["project", "show", "Heat pumps"])["project_id"], id.as_str());

    let payload = r#"{"override": {"field": "price", "value": 0.8, "reason": "tariff cut"}}"#;
    let response = cli.json(&["action", &id, "data", "override_value", "--payload", payload]);
    assert_eq!(response["success"], true);
    assert_eq!(response["updated_project_state"]["workbench_states"]["data"]["overrides"][0]["reason"], "tariff cut");

    let scenario = r#"{"scenario_config": {"name": "Low prices", "description": "-20%", "variable_overrides": []}}"#;
    std::fs::write(cli.home.path().join("scenario.json"), scenario).unwrap();
    let at_file = format!("@{}", cli.home.path().join("scenario.json").display());
    cli.json(&["action", &id, "scenario", "create_scenario", "--payload", &at_file]);
    assert_eq!(cli.json(&["save", &id])["version"], 2);

    let undone = cli.json(&["undo", &id]);
    assert_eq!(undone["entry"]["action"], "create_scenario");
    assert_eq!(undone["updated_project_state"]["scenarios"].as_array().unwrap().len(), 1, "the baseline stays");
    let redone = cli.json(&["redo", &id]);
    assert_eq!(redone["updated_project_state"]["scenarios"][1]["name"], "Low prices");

    let log = cli.json(&["log", &id]);
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["create", "override_value", "create_scenario", "undo", "redo"]);

    cli.json(&["project", "rename", &id, "Heat pumps 2031"]);
    assert_eq!(cli.json(&["save", &id])["version"], 3);
    let versions = cli.json(&["versions", &id]);
    assert_eq!(versions.as_array().unwrap().len(), 3);
    assert_eq!(cli.json(&["load", &id, "--version", "1"])["project_name"], "Heat pumps");
    let restored = cli.json(&["restore", &id, "--version", "2"]);
    assert_eq!((restored["version"].as_u64(), restored["project_name"].as_str()), (Some(4), Some("Heat pumps")));

    let template = cli.json(&["template", "save", &id, "--name", "Energy"]);
    assert_eq!(cli.json(&["template", "list"])[0]["name"], "Energy");
    let from =
        cli.json(&["project", "new", "--name", "Second", "--template", template["template_id"].as_str().unwrap()]);
    assert_eq!(from["workbench_states"]["data"]["overrides"][0]["field"], "price");

    let copy = cli.json(&["project", "duplicate", &id]);
    assert_eq!(copy["project_name"], "Heat pumps (copy)");

    let file = cli.home.path().join("heat.studio");
    let lines = cli.json_lines(&["export", &id, file.to_str().unwrap(), "--wait"]);
    assert_eq!(lines[0]["task"]["status"], "PENDING", "the first line is the task as submitted");
    let done = &lines.last().unwrap()["tasks"][0];
    assert_eq!(done["status"], "COMPLETED");
    assert!(done["result"]["outputs"]["bytes"].as_u64().unwrap() > 0);
    let imported = cli.json(&["import", file.to_str().unwrap()]);
    assert_ne!(imported["project_id"], id.as_str(), "the original is still here, so the import gets a new id");
    assert_eq!(imported["scenarios"][1]["name"], "Low prices");

    let deleted = cli.json(&["project", "delete", &id]);
    assert_eq!(deleted["deleted"], id.as_str());
    assert_eq!(cli.json(&["project", "list"]).as_array().unwrap().len(), 3);
}

#[test]
fn long_actions_run_here_unless_a_program_runs_tasks() {
    let cli = Cli::new();
    let id = cli.json(&["project", "new", "--name", "Tasks"])["project_id"].as_str().unwrap().to_string();
    // Nothing else runs tasks on this library: the command runs the export itself, and says so.
    let here = cli.home.path().join("here.studio");
    let out = cli.run(&["export", &id, here.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("No Studio app or `studio serve` is running on this library"), "{stderr}");
    assert!(here.exists(), "the export was written before the command returned");

    // A run follows its tasks; a stage that cannot run (no marginals yet) fails it, non-zero.
    let stderr = cli.fails(&["run", &id, "--wait"]);
    assert!(stderr.contains("did not complete") && stderr.contains("no marginals"), "{stderr}");

    // With `studio serve` running on the library, the export is left to it, named.
    let mut serve = cli.command(&["serve", "--json"]).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    // Stopped whatever happens below, so no server outlives the test.
    let serve_pid = serve.id();
    let _stop = Defer(move || {
        let _ = Command::new("kill").args(["-KILL", &serve_pid.to_string()]).status();
    });
    // It prints one JSON document (over several lines) once it listens.
    let mut said = String::new();
    let mut lines = BufReader::new(serve.stdout.take().unwrap());
    while serde_json::from_str::<Value>(&said).is_err() {
        assert!(lines.read_line(&mut said).unwrap() > 0, "studio serve ended: {said}");
    }
    assert!(said.contains("\"url\""), "studio serve started: {said}");
    let later = cli.home.path().join("later.studio");
    let queued = cli.json(&["export", &id, later.to_str().unwrap()]);
    assert_eq!(queued["queued_for"]["program"], "studio serve", "{queued}");
    assert_eq!(queued["queued_for"]["pid"], serve.id());
    let task = queued["tasks"][0]["id"].as_str().unwrap().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while cli.json(&["task", "show", &task])["status"] != "COMPLETED" {
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not run the queued export: {}",
            cli.json(&["task", "show", &task])
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(later.exists());
    let stderr = cli.fails(&["task", "cancel", &task]);
    assert!(stderr.contains("cannot move from COMPLETED to CANCELLED"), "{stderr}");
    assert!(cli.fails(&["task", "show", "nope"]).contains("no task with id 'nope'"));

    // SIGTERM: the server stops cleanly (its session closed, nothing left to recover).
    let stopped = Command::new("kill").args(["-TERM", &serve.id().to_string()]).status().unwrap();
    assert!(stopped.success());
    let status = serve.wait().unwrap();
    assert!(status.success(), "studio serve on SIGTERM: {status}");
    let out = cli.run(&["export", &id, later.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("runs it now"), "no runner any more");
}

/// Runs its closure when dropped (a test that panics included).
struct Defer<F: FnMut()>(F);

impl<F: FnMut()> Drop for Defer<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}

/// `studio --json action … | true`: the reader is gone before anything is printed. The edit is
/// kept and folded all the same, with no panic and nothing left to recover.
#[test]
fn a_closed_stdout_neither_panics_nor_strands_the_edit() {
    let cli = Cli::new();
    let id = cli.json(&["project", "new", "--name", "Piped"])["project_id"].as_str().unwrap().to_string();
    let payload = r#"{"override": {"field": "price", "value": 0.8, "reason": "tariff cut"}}"#;
    let mut child = cli
        .command(&["--json", "action", &id, "data", "override_value", "--payload", payload])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status.code());
    assert!(!stderr.contains("panicked"), "{stderr}");
    let shown = cli.run(&["project", "show", &id, "--json"]);
    let shown_err = String::from_utf8_lossy(&shown.stderr);
    assert!(!shown_err.contains("can be recovered"), "the edit was stranded: {shown_err}");
    let state: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(state["workbench_states"]["data"]["overrides"][0]["field"], "price");
}

#[test]
fn errors_exit_non_zero_with_a_message() {
    let cli = Cli::new();
    let id = cli.json(&["project", "new", "--name", "P"])["project_id"].as_str().unwrap().to_string();
    let cases: [(&[&str], &str); 6] = [
        (&["project", "show", "no-such-project"], "project 'no-such-project' does not exist"),
        (&["action", &id, "weather", "forecast"], "unknown workbench 'weather'; valid workbenches are"),
        (&["action", &id, "data", "override_value", "--payload", "{not json"], "--payload is not valid JSON"),
        (&["action", &id, "simulation", "step_forward"], "no simulation is open in the console"),
        (&["project", "new", "--name", ""], "project_name must not be empty"),
        (&["undo", &id], "cannot be undone: it is not reversible"),
    ];
    for (args, message) in cases {
        let stderr = cli.fails(args);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let out = cli.run(&["project", "show", "nope", "--json"]);
    let error: Value = serde_json::from_slice(&out.stdout).expect("an error is one JSON document too");
    assert_eq!(error["error"]["code"], "not_found");

    let bad = cli.home.path().join("bad.studio");
    std::fs::write(&bad, "not a studio file at all, but long enough to look like one if you squint hard..........")
        .unwrap();
    assert!(cli.fails(&["import", bad.to_str().unwrap()]).contains("is not a SQLite database"));
}

#[test]
fn version_and_example() {
    let cli = Cli::new();
    let out = cli.run(&["--version"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("studio "));
    // `--out` relative to where the command is typed, as the README's main command gives it.
    let out = cli.command(&["example", "--out", "example", "--json"]).current_dir(cli.home.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["project"]["scenarios"].as_array().unwrap().len(), 2);
    assert_eq!(result["project"]["version"], 3);
    let file = result["studio_file"].as_str().unwrap();
    assert!(Path::new(file).is_absolute() && Path::new(file).exists(), "{file}");
    assert!(Path::new(file).starts_with(std::fs::canonicalize(cli.home.path()).unwrap().join("example")));
    // The example's data is imported and its population built, both stored by hash.
    let states = &result["project"]["workbench_states"];
    assert_eq!(
        (states["data"]["status"].as_str(), states["population"]["status"].as_str()),
        (Some("complete"), Some("complete"))
    );
    assert_eq!(result["project"]["population_id"].as_str().map(str::len), Some(64));
    assert_eq!(states["data"]["sources"]["marginals"]["linked"], false, "imported, not linked");
    // Its report, in four formats, read by real readers.
    let reports = &result["reports"];
    let pdf = reports["pdf"].as_str().unwrap();
    let text = Command::new("pdftotext").args([pdf, "-"]).output().expect("pdftotext (Debian poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    for heading in ["Summary", "Population", "Results", "Calibration", "Appendix — Caveats"] {
        assert!(text.contains(heading), "the PDF has '{heading}'");
    }
    for format in ["pptx", "html", "docx"] {
        let path = reports[format].as_str().unwrap();
        assert!(std::fs::metadata(path).unwrap().len() > 10_000, "{format}: {path}");
    }
    // The deck of the example's detailed report: one idea a slide, at most twenty.
    let count = "import pptx, sys; print(len(pptx.Presentation(sys.argv[1]).slides))";
    let slides = Command::new("python3").args(["-c", count, reports["pptx"].as_str().unwrap()]).output().unwrap();
    let slides: usize = String::from_utf8_lossy(&slides.stdout).trim().parse().expect("python-pptx reads the deck");
    assert!((10..=20).contains(&slides), "the example's deck has {slides} slides");
    let report_id = result["report_id"].as_str().unwrap();
    let project = result["project"]["project_id"].as_str().unwrap();
    let shown = cli.json(&["report", "list", project]);
    assert_eq!(shown[0]["report_id"], report_id);
    assert_eq!(shown[0]["export_urls"].as_object().unwrap().len(), 4);
    let again = cli.json(&["report", "generate", project, "--template", "comparison"]);
    let sections: Vec<&str> =
        again["content"]["sections"].as_array().unwrap().iter().map(|s| s["type"].as_str().unwrap()).collect();
    assert_eq!(&sections[..3], ["summary", "comparison", "results"]);
    let out = cli.home.path().join("comparison.html");
    let written = cli.json(&[
        "report",
        "export",
        project,
        again["report_id"].as_str().unwrap(),
        "--format",
        "html",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(written["path"].as_str(), Some(out.to_str().unwrap()));
    assert!(std::fs::read_to_string(&out).unwrap().contains("<svg"));
    assert!(
        cli.fails(&["report", "generate", project, "--sections", "summary,horoscope"])
            .contains("unknown section 'horoscope'")
    );
    assert!(
        cli.fails(&["report", "export", project, report_id, "--format", "odt"])
            .contains("not one of: pdf, pptx, html, docx")
    );

    // On a schedule: sent now, with no mail server, as a ready-to-send .eml in the outbox.
    let set =
        cli.json(&["report", "schedule", project, "--frequency", "weekly", "--to", "ana@example.org,bo@example.org"]);
    assert_eq!(set["schedule"]["frequency"], "weekly");
    assert_eq!(set["delivery"], "outbox");
    let sent = cli.json(&["report", "send", project]);
    assert_eq!(sent["status"], "outbox", "{sent}");
    let eml = std::fs::read_to_string(sent["eml"].as_str().unwrap()).unwrap();
    assert!(eml.starts_with("X-Unsent: 1\r\n"), "marked as a draft to send");
    assert!(eml.contains("To: ana@example.org, bo@example.org"), "{eml}");
    assert!(
        cli.fails(&["report", "schedule", project, "--frequency", "fortnightly", "--to", "ana@example.org"])
            .contains("'fortnightly' is not understood")
    );
    assert!(cli.json(&["report", "schedule", project, "--frequency", "off"])["schedule"].is_null());

    let again = cli.json(&["example", "--out", cli.home.path().join("again").to_str().unwrap()]);
    assert_eq!(again["project"]["population_id"], result["project"]["population_id"], "seeded: the same population");
}

#[test]
fn data_and_population_from_the_command_line() {
    let cli = Cli::new();
    let id = cli.json(&["project", "new", "--name", "Region"])["project_id"].as_str().unwrap().to_string();
    let marginals = cli.home.path().join("marginals.csv");
    std::fs::write(
        &marginals,
        "dimension,category,share\nage,young,0.4\nage,old,0.6\narea,urban,0.7\narea,rural,0.3\n",
    )
    .unwrap();
    let config = format!(
        r#"{{"source_name": "marginals", "configuration": {{"path": "{}", "role": "marginal"}}}}"#,
        marginals.display()
    );
    cli.json(&["action", &id, "data", "configure_source", "--payload", &config]);
    cli.json(&["action", &id, "population", "resize_population", "--payload", r#"{"target_size": 3000}"#]);
    let lines = cli.json_lines(&[
        "action",
        &id,
        "population",
        "regenerate",
        "--payload",
        r#"{"edits": {"seed": 5}}"#,
        "--wait",
    ]);
    let done = &lines.last().unwrap()["tasks"][0];
    assert_eq!((done["kind"].as_str(), done["status"].as_str()), (Some("regenerate_population"), Some("COMPLETED")));
    let view = cli.json(&["action", &id, "population", "view_archetypes"]);
    assert_eq!(view["result"]["size"], 3000);
    assert_eq!(view["result"]["seed"], 5);
    let stderr = cli.fails(&[
        "action",
        &id,
        "population",
        "adjust_distribution",
        "--payload",
        r#"{"adjustment": {"dimension": "income", "target": {"shift": 0.1}}}"#,
    ]);
    assert!(stderr.contains("no marginal named 'income'; the marginals are age, area"), "{stderr}");
}

const OVERRIDE: &str = r#"{"override": {"field": "price", "value": 0.8, "reason": "tariff cut"}}"#;

/// Each command is a request through the core's dispatch, like HTTP's and the desktop's: the
/// dispatch's log line (target `studio::request`) names it.
#[test]
fn commands_are_requests_through_the_cores_dispatch() {
    let cli = Cli::new();
    let logged = |args: &[&str]| {
        let out = cli.command(args).arg("--json").env("STUDIO_LOG", "studio::request=info").output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let stdout: Value = serde_json::from_slice(&out.stdout).expect("one JSON document on stdout");
        (stdout, String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (state, log) = logged(&["project", "new", "--name", "Logged"]);
    assert!(log.contains("request=\"create_project\""), "{log}");
    let id = state["project_id"].as_str().unwrap().to_string();
    for (args, requests) in [
        (vec!["project", "show", "Logged"], vec!["list_projects", "recovery_offer", "get_project"]),
        (vec!["action", &id, "data", "override_value", "--payload", OVERRIDE], vec!["workbench_action"]),
        (vec!["save", &id], vec!["save_project"]),
        (vec!["undo", &id], vec!["undo"]),
        (vec!["log", &id], vec!["log"]),
        (vec!["versions", &id], vec!["list_versions"]),
        (vec!["tasks", &id], vec!["list_tasks"]),
        (vec!["library"], vec!["library_info"]),
        (vec!["template", "list"], vec!["list_templates"]),
    ] {
        let (_, log) = logged(&args);
        for request in requests {
            assert!(log.contains(&format!("request=\"{request}\"")), "{args:?} did not dispatch {request}: {log}");
        }
    }
    // The action's own name is in its line, as for HTTP.
    let (_, log) = logged(&["action", &id, "data", "override_value", "--payload", OVERRIDE]);
    assert!(log.contains("action=\"data/override_value\""), "{log}");
}

#[test]
fn settings_come_in_layers_and_say_where_they_came_from() {
    let cli = Cli::new();
    let home = cli.home.path();
    std::fs::write(home.join("studio.yaml"), "workflow:\n  retry_attempts: 2\nagents:\n  max_total_instances: 7\n")
        .unwrap();
    let show = |extra: &[&str], env: &[(&str, &str)]| -> Vec<Value> {
        let mut args = vec!["config", "show", "--json"];
        args.extend_from_slice(extra);
        let out = cli.command(&args).envs(env.iter().copied()).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap().as_array().unwrap().clone()
    };
    let of = |entries: &[Value], key: &str| -> (Value, String) {
        let e = entries.iter().find(|e| e["key"] == key).unwrap_or_else(|| panic!("no {key}"));
        (e["value"].clone(), e["source"].as_str().unwrap().to_string())
    };
    let yaml = format!("file {}", home.join("studio.yaml").display());
    let shown = show(&[], &[("STUDIO_AGENTS_MAX_TOTAL_INSTANCES", "9")]);
    assert_eq!(of(&shown, "workflow.retry_attempts"), (2.into(), yaml.clone()));
    assert_eq!(
        of(&shown, "agents.max_total_instances"),
        (9.into(), "environment STUDIO_AGENTS_MAX_TOTAL_INSTANCES".into())
    );
    assert_eq!(of(&shown, "workflow.max_concurrent_executions"), (5.into(), "default".into()));

    // A file named on the command line instead of the settings directory's.
    let json_file = home.join("other.json");
    std::fs::write(&json_file, r#"{"workflow": {"retry_attempts": 6}}"#).unwrap();
    let shown = show(&["--config", json_file.to_str().unwrap()], &[]);
    assert_eq!(of(&shown, "workflow.retry_attempts"), (6.into(), format!("file {}", json_file.display())));
    assert_eq!(of(&shown, "agents.max_total_instances"), (50.into(), "default".into()));

    // Runtime changes are kept in the library, over every other layer, until reset.
    let set = cli.json(&["config", "set", "workflow.retry_attempts", "4"]);
    assert_eq!((set["value"].clone(), set["source"].as_str()), (4.into(), Some("runtime")));
    assert_eq!(of(&show(&[], &[]), "workflow.retry_attempts"), (4.into(), "runtime".into()));
    let text = String::from_utf8(cli.run(&["config", "show"]).stdout).unwrap();
    assert!(text.lines().any(|l| l.starts_with("* workflow.retry_attempts") && l.ends_with("runtime")), "{text}");
    cli.json(&["config", "reset", "workflow.retry_attempts"]);
    assert_eq!(of(&show(&[], &[]), "workflow.retry_attempts"), (2.into(), yaml));

    // What is wrong is named, with where it came from.
    let e = cli.fails(&["config", "set", "team.database", "postgres://x/y"]);
    assert!(e.contains("read when Studio starts"), "{e}");
    std::fs::write(home.join("bad.toml"), "[workflow]\nretry_attempts = \"twice\"\n").unwrap();
    let e = cli.fails(&["config", "show", "--config", home.join("bad.toml").to_str().unwrap()]);
    assert!(e.contains("workflow.retry_attempts") && e.contains("bad.toml"), "{e}");
    let out = cli.command(&["config", "show"]).env("STUDIO_WORKFLOW_RETRY_ATTEMPTS", "0").output().unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && e.contains("STUDIO_WORKFLOW_RETRY_ATTEMPTS"), "{e}");
}

#[test]
fn agents_their_teams_and_the_audit_log_from_the_command_line() {
    let cli = Cli::new();
    // No program that runs tasks is open: a spawned agent waits for one.
    let a =
        cli.json(&["agent", "spawn", "assistant", "--name", "Ana's helper", "--agent-config", r#"{"style": "brief"}"#]);
    let b = cli.json(&["agent", "spawn", "data_processor"]);
    assert_eq!((a["status"].as_str(), a["name"].as_str()), (Some("requested"), Some("Ana's helper")));
    let (a, b) = (a["agent_id"].as_str().unwrap().to_string(), b["agent_id"].as_str().unwrap().to_string());
    let listed = cli.json(&["agent", "list"]);
    assert_eq!(listed["agents"].as_array().unwrap().len(), 2, "{listed}");
    let e = cli.fails(&["agent", "spawn", "oracle"]);
    assert!(e.contains("data_processor"), "names the types: {e}");
    let e = cli.fails(&["agent", "spawn", "api", "--agent-config", "{not json"]);
    assert!(e.contains("--agent-config is not JSON"), "{e}");

    let team = cli.json(&["entanglement", "create", "Refreshers", &a, &b]);
    let team_id = team["entanglement_id"].as_str().unwrap().to_string();
    let sent = cli.json(&["entanglement", "send", &team_id, "new data is in", "--from", &a]);
    assert_eq!(sent.as_array().unwrap().len(), 1, "to every other member: {sent}");
    assert_eq!(sent[0]["receiver_id"].as_str(), Some(b.as_str()));
    let messages = cli.json(&["entanglement", "messages", &team_id]);
    assert_eq!(messages[0]["content"], "new data is in");
    let shown = cli.json(&["agent", "show", &b]);
    assert_eq!(shown["entanglements"][0].as_str(), Some(team_id.as_str()));
    let left = cli.json(&["entanglement", "remove", &team_id, &b]);
    assert_eq!(left["agents"].as_array().unwrap().len(), 1);
    cli.json(&["entanglement", "delete", &team_id]);
    assert!(cli.json(&["entanglement", "list"]).as_array().unwrap().is_empty());
    assert_eq!(cli.json(&["agent", "terminate", &a])["agent_id"].as_str(), Some(a.as_str()));

    // Every one of those requests is in the audit log, the refused spawn too.
    let spawns = cli.json(&["audit", "search", "--action", "spawn_agent"]);
    let outcomes: Vec<&str> = spawns.as_array().unwrap().iter().map(|r| r["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["failed", "allowed", "allowed"], "newest first: {spawns}");
    let file = cli.home.path().join("audit.csv");
    let wrote = cli.json(&["audit", "export", "--text", "entanglement", "--out", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("seq,at,user_id,session_id"), "{text}");
    assert_eq!(text.lines().count() as u64 - 1, wrote["rows"].as_u64().unwrap());
    assert!(wrote["rows"].as_u64().unwrap() >= 1);
}
