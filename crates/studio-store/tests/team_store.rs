//! The core's store on the team database (a real PostgreSQL): one sequence of operations run
//! on a library file and on a team database reads back the same, snapshots byte for byte.

use studio_store::team::TeamDb;
use studio_store::team::testing::FreshDatabase;
use studio_store::{
    ExportOptions, JournalEntry, NewVersion, ProjectRow, ReportRow, ScenarioRow, SessionRow, Store, StoreError,
    TaskBoardRow, TaskRow, TemplateRow, WorkingCopy,
};

const P: &str = "5f0c1c1e-8d1a-4c59-9d0e-1f9e0c6d2a01";
const Q: &str = "5f0c1c1e-8d1a-4c59-9d0e-1f9e0c6d2a02";
const USER: &str = "0d3c7a52-3f4b-4b8e-a8a6-6a0f4d2b7c11";
const SESSION: &str = "9a1b2c3d-0000-4000-8000-000000000001";
const T0: &str = "2026-12-07T05:00:00.000Z";

fn project(id: &str, name: &str) -> ProjectRow {
    ProjectRow {
        project_id: id.into(),
        user_id: USER.into(),
        team_id: None,
        project_name: name.into(),
        description: Some("Heat pumps in Freiburg".into()),
        status: "draft".into(),
        version: 1,
        prediction_task_id: None,
        data_package_id: None,
        population_id: None,
        workbench_states: r#"{"data":"complete"}"#.into(),
        modification_log: "[]".into(),
        document: vec![0x85, 0x6f, 0x4a, 0x83, 1, 2, 3],
        created_at: T0.into(),
        updated_at: T0.into(),
        deleted_at: None,
    }
}

fn version(project_id: &str, n: i64) -> NewVersion {
    NewVersion {
        version_id: format!("00000000-0000-4000-8000-{}{n:08}", &project_id[32..]),
        project_id: project_id.into(),
        version_number: n,
        // Key order and spacing as the core writes them: they must come back unchanged.
        state_snapshot: format!("{{\"z\": {n}, \"a\": [1.50, 2e-7], \"name\": \"v{n} — ünïcode\"}}"),
        heads: r#"["ab12"]"#.into(),
        created_by: USER.into(),
        created_at: format!("2026-12-07T05:{n:02}:00.000Z"),
    }
}

fn working(n: i64) -> WorkingCopy {
    WorkingCopy {
        project_id: P.into(),
        team_id: None,
        project_name: "Heat pumps".into(),
        description: None,
        status: "active".into(),
        workbench_states: r#"{"data":"complete","population":"stale"}"#.into(),
        modification_log: r#"[{"action":"x"}]"#.into(),
        document: vec![n as u8; 64],
        updated_at: format!("2026-12-07T05:{n:02}:30.000Z"),
        scenarios: vec![ScenarioRow {
            scenario_id: "s-1".into(),
            name: "Subsidy".into(),
            description: None,
            config: r#"{"subsidy":0.3}"#.into(),
            status: "defined".into(),
            simulation_id: None,
            ensemble_id: Some("e".repeat(64)),
        }],
        folds_journal: Some((SESSION.into(), 1_000_000)),
        expected_stamp: None,
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// Runs every kind of operation and writes down what it reads back.
async fn transcript(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    let mut note = |s: String| out.push(s);
    store.create_project(&project(P, "Heat pumps"), &version(P, 1)).await.unwrap();
    store.create_project(&project(Q, "Other"), &version(Q, 1)).await.unwrap();
    let again = store.create_project(&project(P, "Twice"), &version(P, 1)).await.unwrap_err();
    note(format!("duplicate: {}", again.code()));

    let session = SessionRow {
        session_id: SESSION.into(),
        pid: 42,
        process_start: "123".into(),
        host: "h".into(),
        started_at: T0.into(),
        heartbeat_at: T0.into(),
        closed_at: None,
        program: "serve".into(),
        runs_tasks_since: None,
    };
    store.open_session(&session).await.unwrap();
    for i in 0..3 {
        let entry = JournalEntry {
            seq: 0,
            project_id: P.into(),
            session_id: SESSION.into(),
            change: vec![i; 10],
            summary: format!("edit {i}"),
            created_at: T0.into(),
        };
        store.append_journal(&entry).await.unwrap();
    }
    note(format!("journal: {:?}", store.journal(P).await.unwrap().iter().map(|e| &e.summary).collect::<Vec<_>>()));
    note(format!("with journal: {}", store.sessions_with_journal("x").await.unwrap().len()));

    for n in 2..=5 {
        store.save_version(&working(n), &version(P, n), 2).await.unwrap();
    }
    note(format!("journal after save: {}", store.journal(P).await.unwrap().len()));
    let conflict = store.save_version(&working(6), &version(P, 5), 2).await.unwrap_err();
    note(format!("same number twice: {}", conflict.code()));
    // A writer that read the row before someone else wrote it is refused, and nothing changes.
    let late = WorkingCopy { expected_stamp: Some(T0.into()), document: vec![9; 9], ..working(7) };
    let stale = store.write_working(&late).await.unwrap_err();
    note(format!("stale: {} {}", stale.code(), matches!(stale, StoreError::Stale(_))));
    let stamp = store.project_stamp(P).await.unwrap().0;
    store.write_working(&WorkingCopy { expected_stamp: Some(stamp), ..working(6) }).await.unwrap();
    note(format!("packed: {}", store.pack_archived(10).await.unwrap()));
    for v in store.versions(P).await.unwrap() {
        note(format!("{} {} {} archived={} size={}", v.version_number, v.created_by, v.created_at, v.archived, v.size));
    }
    for n in [1, 3, 5] {
        let v = store.version(P, n).await.unwrap();
        assert_eq!(v.state_snapshot, version(P, n).state_snapshot, "version {n} comes back byte for byte");
        note(format!("v{n}: {} {}", v.state_snapshot, v.heads.replace(' ', "")));
    }
    note(format!("no v9: {}", store.version(P, 9).await.unwrap_err().code()));

    let row = store.project(P).await.unwrap();
    note(format!(
        "row: {} v{} {} {} {:?} {}",
        row.project_name,
        row.version,
        row.status,
        row.updated_at,
        row.document.len(),
        row.created_at
    ));
    note(format!("row json: {} {}", json(&row.workbench_states), json(&row.modification_log)));
    note(format!("stamp: {:?}", store.project_stamp(P).await.unwrap()));
    // JSONB columns hold the same JSON, spaced their own way.
    for sc in store.scenarios(P).await.unwrap() {
        note(format!(
            "scenario: {} {} {} {} {:?}",
            sc.scenario_id,
            sc.name,
            json(&sc.config),
            sc.status,
            sc.ensemble_id
        ));
    }
    let listed = store.list_projects(Some(USER), None).await.unwrap();
    note(format!("list: {:?}", listed.iter().map(|p| (&p.project_name, p.document.len())).collect::<Vec<_>>()));
    note(format!(
        "nobody's: {}",
        store.list_projects(Some("11111111-1111-4111-8111-111111111111"), None).await.unwrap().len()
    ));

    let report = ReportRow {
        report_id: "7b0e3f9c-1111-4222-8333-444455556666".into(),
        project_id: P.into(),
        template: Some("executive".into()),
        content: r#"{"title":"Heat pumps"}"#.into(),
        export_urls: "{}".into(),
        generated_at: T0.into(),
    };
    store.put_report(&report).await.unwrap();
    let (a, b) = tokio::join!(
        store.set_export_url(&report.report_id, "pdf", "file:///a.pdf"),
        store.set_export_url(&report.report_id, "pptx", "file:///a.pptx")
    );
    a.unwrap();
    b.unwrap();
    let got = store.report(P, &report.report_id).await.unwrap();
    let urls: serde_json::Value = serde_json::from_str(&got.export_urls).unwrap();
    note(format!("report: {} {} {} {}", got.template.unwrap(), got.generated_at, urls, json(&got.content)));
    note(format!("reports: {}", store.reports(P).await.unwrap().len()));
    note(format!("other's report: {}", store.report(Q, &report.report_id).await.unwrap_err().code()));

    let hash = store.put_artifact(P, "population", b"agents").await.unwrap();
    assert_eq!(store.put_artifact(Q, "population", b"agents").await.unwrap(), hash);
    note(format!("artifact: {} {:?}", hash, store.artifact_kind(&hash).await.unwrap()));
    note(format!(
        "links: {:?} {}",
        store.project_artifacts(Q).await.unwrap(),
        store.project_has_artifact(Q, &hash).await.unwrap()
    ));
    let export = store.put_artifact(P, "export_pdf", b"%PDF-1.7 a report").await.unwrap();
    assert_eq!(store.prune_exports("2000-01-01T00:00:00.000Z").await.unwrap(), (0, 0), "none is that old");
    assert_eq!(store.prune_exports("2100-01-01T00:00:00.000Z").await.unwrap(), (1, 17), "the export alone");
    assert!(store.artifact(&export).await.is_err(), "the export is gone");
    note(format!("left after pruning: {:?}", store.project_artifacts(P).await.unwrap()));
    let art = store.artifact(&hash).await.unwrap();
    note(format!("bytes: {:?} {}", String::from_utf8(art.content).unwrap(), art.size));

    // The event bus's log and a webhook with its lease.
    let event = |topic: &str, n: u32| studio_store::NewBusEvent {
        topic: topic.into(),
        project_id: n.is_multiple_of(2).then(|| P.to_string()),
        payload: format!(r#"{{"n": {n}, "ok": true}}"#),
        published_at: format!("2026-12-07T05:00:0{n}.000Z"),
    };
    let first = store.append_bus_events(&[event("custom.a", 1), event("custom.b", 2)]).await.unwrap();
    let second = store.append_bus_events(&[event("custom.c", 3)]).await.unwrap();
    note(format!("seqs ascend: {}", first[0] < first[1] && first[1] < second[0]));
    note(format!("head is the last: {}", store.bus_head().await.unwrap() == second[0]));
    for row in store.bus_events(first[0], 10).await.unwrap() {
        note(format!("event: {} {:?} {} {}", row.topic, row.project_id, json(&row.payload), row.published_at));
    }
    note(format!("page: {}", store.bus_events(0, 1).await.unwrap().len()));
    let hook = studio_store::WebhookRow {
        webhook_id: "c0ffee00-0000-4000-8000-0000000000aa".into(),
        url: "http://127.0.0.1:9/hook".into(),
        topics: r#"["custom.*"]"#.into(),
        project_id: Some(P.into()),
        secret: "s".repeat(32),
        created_by: USER.into(),
        created_at: T0.into(),
        delivered_seq: 0,
        failures: 0,
        last_error: None,
        last_attempt_at: None,
    };
    store.add_webhook(&hook).await.unwrap();
    let (soon, later) = ("2026-12-07T06:00:30.000Z", "2026-12-07T06:01:00.000Z");
    let leases = [
        store.lease_webhook(&hook.webhook_id, "a", soon, T0).await.unwrap(),
        store.lease_webhook(&hook.webhook_id, "b", soon, T0).await.unwrap(),
        store.lease_webhook(&hook.webhook_id, "a", soon, T0).await.unwrap(),
        store.lease_webhook(&hook.webhook_id, "b", later, "2026-12-07T06:00:31.000Z").await.unwrap(),
    ];
    note(format!("leases: {leases:?}"));
    store.record_webhook(&hook.webhook_id, 2, 1, Some("the receiver answered 500"), soon).await.unwrap();
    for w in store.webhooks().await.unwrap() {
        note(format!(
            "webhook: {} {} {} {:?} {} {} {:?} {:?}",
            w.webhook_id,
            w.url,
            json(&w.topics),
            w.project_id,
            w.delivered_seq,
            w.failures,
            w.last_error,
            w.last_attempt_at
        ));
    }
    note(format!(
        "removed: {} {}",
        store.remove_webhook(&hook.webhook_id).await.unwrap(),
        store.remove_webhook(&hook.webhook_id).await.unwrap()
    ));

    // A workflow run and its steps; a program takes it over only from the one it expects.
    let run = studio_store::WorkflowRunRow {
        run_id: "c0ffee00-0000-4000-8000-0000000000bb".into(),
        project_id: P.into(),
        workflow_id: "weekly".into(),
        workflow: r#"{"workflow_id": "weekly", "name": "Weekly", "steps": []}"#.into(),
        status: "running".into(),
        trigger: r#"{"type": "manual"}"#.into(),
        input: r#"{"x": 1}"#.into(),
        user_id: USER.into(),
        session_id: Some("a".into()),
        error: None,
        created_at: T0.into(),
        started_at: Some(T0.into()),
        finished_at: None,
        updated_at: T0.into(),
    };
    store.put_workflow_run(&run).await.unwrap();
    for (path, position, status) in [("b", 2, "running"), ("a", 1, "completed")] {
        let step = studio_store::WorkflowStepRow {
            run_id: run.run_id.clone(),
            path: path.into(),
            step_id: path.into(),
            kind: "task".into(),
            status: status.into(),
            attempt: 1,
            output: (status == "completed").then(|| r#"{"n": 1}"#.into()),
            error: None,
            started_at: T0.into(),
            finished_at: (status == "completed").then(|| T0.to_string()),
            position,
        };
        store.put_workflow_step(&step).await.unwrap();
    }
    let mut updated = run.clone();
    updated.status = "paused".into();
    store.put_workflow_run(&updated).await.unwrap();
    let claims = [
        store.claim_workflow_run(&run.run_id, "b", Some("x")).await.unwrap(),
        store.claim_workflow_run(&run.run_id, "b", Some("a")).await.unwrap(),
        store.claim_workflow_run(&run.run_id, "c", None).await.unwrap(),
    ];
    note(format!("run claims: {claims:?}"));
    let read = store.workflow_run(&run.run_id).await.unwrap().unwrap();
    note(format!(
        "run: {} {} {} {:?} {}",
        read.status,
        json(&read.workflow)["name"],
        json(&read.input),
        read.session_id,
        read.started_at.unwrap_or_default()
    ));
    for step in store.workflow_steps(&run.run_id).await.unwrap() {
        note(format!(
            "step: {} {} {} {:?} {}",
            step.path,
            step.status,
            step.position,
            step.output.as_deref().map(json),
            step.attempt
        ));
    }
    note(format!(
        "runs: {} {} {}",
        store.workflow_runs(P, None, 10).await.unwrap().len(),
        store.workflow_runs(P, Some("other"), 10).await.unwrap().len(),
        store.unfinished_workflow_runs().await.unwrap().len()
    ));

    // Spawned agents within their limits, handed between programs by compare-and-set; a team of
    // them, and messages leased, handed on when a lease runs out, and kept once delivered.
    let agent = |id: &str, agent_type: &str| studio_store::AgentRow {
        agent_id: id.into(),
        agent_type: agent_type.into(),
        name: format!("{agent_type} {id}"),
        config: r#"{"style": "brief"}"#.into(),
        status: "requested".into(),
        session_id: None,
        spawned_by: USER.into(),
        spawned_at: T0.into(),
        terminated_at: None,
        updated_at: T0.into(),
    };
    let rooms = [
        store.add_agent(&agent("a1", "api"), 2, 3).await.unwrap(),
        store.add_agent(&agent("a2", "api"), 2, 3).await.unwrap(),
        store.add_agent(&agent("a3", "api"), 2, 3).await.unwrap(),
        store.add_agent(&agent("r1", "report"), 2, 3).await.unwrap(),
        store.add_agent(&agent("r2", "report"), 2, 3).await.unwrap(),
    ];
    use studio_store::SpawnRoom::{Full, Made, TypeFull};
    assert_eq!(rooms, [Made, Made, TypeFull(2), Made, Full(3)]);
    let moves = [
        store.move_agent("a1", None, "running", Some("s1"), T0).await.unwrap(),
        store.move_agent("a1", None, "running", Some("s2"), T0).await.unwrap(),
        store.move_agent("a2", None, "terminated", None, T0).await.unwrap(),
        store.move_agent("a2", None, "running", Some("s2"), T0).await.unwrap(),
    ];
    assert_eq!(moves, [true, false, true, false]);
    note(format!("rooms: {rooms:?} moves: {moves:?}"));
    for a in store.agent_rows(true).await.unwrap() {
        note(format!(
            "agent: {} {} {} {:?} {} {:?}",
            a.agent_id,
            a.status,
            json(&a.config),
            a.session_id,
            a.name,
            a.terminated_at
        ));
    }
    note(format!("live agents: {}", store.agent_rows(false).await.unwrap().len()));
    let team = studio_store::EntanglementRow {
        entanglement_id: "ent_1".into(),
        name: "Analysts".into(),
        description: "".into(),
        created_by: USER.into(),
        created_at: T0.into(),
        members: "a1,r1".into(),
    };
    store.add_entanglement(&team).await.unwrap();
    let changes = [
        store.set_entanglement_member("ent_1", "r1", true, T0).await.unwrap(),
        store.set_entanglement_member("ent_1", "a3", true, "2026-12-07T06:00:01.000Z").await.unwrap(),
        store.set_entanglement_member("ent_1", "r1", false, T0).await.unwrap(),
        store.set_entanglement_member("ent_1", "r1", false, T0).await.unwrap(),
    ];
    assert_eq!(changes, [false, true, true, false]);
    let teams = store.entanglements(None).await.unwrap();
    assert_eq!(teams[0].members, "a1,a3");
    note(format!("teams: {teams:?}"));
    let sent: Vec<studio_store::NewAgentMessage> = ["first", "second"]
        .iter()
        .map(|content| studio_store::NewAgentMessage {
            entanglement_id: "ent_1".into(),
            sender_id: "a3".into(),
            receiver_id: "a1".into(),
            content: content.to_string(),
            message_type: "task".into(),
            created_at: T0.into(),
        })
        .collect();
    let seqs = store.add_agent_messages(&sent).await.unwrap();
    assert!(seqs[0] < seqs[1]);
    let until = "2026-12-07T06:00:30.000Z";
    let leased = store.lease_agent_messages("a1", until, T0, 10).await.unwrap();
    assert_eq!(leased.iter().map(|m| m.content.as_str()).collect::<Vec<_>>(), ["first", "second"]);
    // Leased and not delivered: nobody else gets them until the lease runs out, then they are
    // handed on (the holder died), counted again.
    assert!(store.lease_agent_messages("a1", until, "2026-12-07T06:00:10.000Z", 10).await.unwrap().is_empty());
    let again = store.lease_agent_messages("a1", "2026-12-07T06:01:31.000Z", "2026-12-07T06:01:00.000Z", 1).await;
    let again = again.unwrap();
    assert_eq!((again.len(), again[0].content.as_str(), again[0].attempts), (1, "first", 2));
    store.mark_messages_delivered(&[seqs[0]], "2026-12-07T06:01:02.000Z").await.unwrap();
    let rest = store.lease_agent_messages("a1", "2026-12-07T06:03:00.000Z", "2026-12-07T06:02:00.000Z", 10).await;
    assert_eq!(rest.unwrap().iter().map(|m| m.content.as_str()).collect::<Vec<_>>(), ["second"]);
    // An agent's newest messages, oldest first: the tail of all of them.
    let all = store.agent_messages(None, Some("a1"), 0, 100).await.unwrap();
    let latest = store.latest_agent_messages("a1", 2).await.unwrap();
    assert_eq!(latest, all[all.len().saturating_sub(2)..], "{all:?}");
    assert!(!latest.is_empty());
    for m in store.agent_messages(Some("ent_1"), None, 0, 10).await.unwrap() {
        note(format!(
            "message: {} {} {} {} {} {:?}",
            m.sender_id, m.receiver_id, m.content, m.message_type, m.attempts, m.delivered_at
        ));
    }
    note(format!(
        "messages of a3 after the first: {} removed: {} {}",
        store.agent_messages(None, Some("a3"), seqs[0], 10).await.unwrap().len(),
        store.remove_entanglement("ent_1").await.unwrap(),
        store.remove_entanglement("ent_1").await.unwrap()
    ));

    // A workflow's triggers, each beat and event claimed once.
    let trigger = |position: i64, last_fired_at: Option<&str>| studio_store::TriggerRow {
        project_id: P.into(),
        workflow_id: "weekly".into(),
        position,
        trigger: format!(r#"{{"type": "schedule", "frequency": "weekly", "n": {position}}}"#),
        user_id: USER.into(),
        last_fired_at: last_fired_at.map(str::to_string),
        last_seq: 7,
    };
    store.set_workflow_triggers(P, "weekly", &[trigger(0, None), trigger(1, Some(T0))]).await.unwrap();
    store.set_workflow_triggers(P, "weekly", &[trigger(0, None)]).await.unwrap();
    let armed = store.workflow_triggers().await.unwrap();
    note(format!("triggers: {}", armed.len()));
    let beat = "2026-12-07T07:00:00.000Z";
    let beats = [
        store.claim_trigger_beat(&armed[0], None, beat).await.unwrap(),
        store.claim_trigger_beat(&armed[0], None, beat).await.unwrap(),
    ];
    let events = [
        store.claim_trigger_events(&armed[0], 7, 9).await.unwrap(),
        store.claim_trigger_events(&armed[0], 7, 9).await.unwrap(),
    ];
    let now = &store.workflow_triggers().await.unwrap()[0];
    note(format!("claimed: {beats:?} {events:?} {:?} {} {}", now.last_fired_at, now.last_seq, json(&now.trigger)["n"]));

    let template = TemplateRow {
        template_id: "c0ffee00-0000-4000-8000-000000000001".into(),
        name: "Base".into(),
        description: None,
        content: r#"{"data":{}}"#.into(),
        created_by: USER.into(),
        created_at: T0.into(),
    };
    store.save_template(&template).await.unwrap();
    let content = store.template(&template.template_id).await.unwrap().content;
    note(format!("templates: {} {}", store.templates().await.unwrap().len(), json(&content)));

    store.set_report_schedule(P, Some(r#"{"frequency":"weekly"}"#), T0).await.unwrap();
    let seen = store.report_schedule(P).await.unwrap().unwrap().last_run_at;
    let first = store.claim_schedule_run(P, seen.as_deref(), "2026-12-07T06:00:00.000Z").await.unwrap();
    let second = store.claim_schedule_run(P, seen.as_deref(), "2026-12-07T06:00:00.001Z").await.unwrap();
    note(format!("claims: {first} {second}"));
    store.record_schedule_outcome(P, r#"{"sent":true}"#).await.unwrap();
    for sc in store.report_schedules().await.unwrap() {
        let outcome = sc.last_outcome.as_deref().map(json);
        note(format!("schedule: {} {} {:?} {:?}", sc.project_id, json(&sc.schedule), sc.last_run_at, outcome));
    }

    store
        .put_task_board(&TaskBoardRow {
            board_id: "b1".into(),
            project_id: Some(P.into()),
            session_id: "other".into(),
            info: r#"{"name":"b"}"#.into(),
            created_at: T0.into(),
        })
        .await
        .unwrap();
    let task = |status: &str| TaskRow {
        task_id: "t1".into(),
        board_id: "b1".into(),
        project_id: Some(P.into()),
        kind: "simulate".into(),
        status: status.into(),
        task: r#"{"id":"t1"}"#.into(),
        cancel_requested_at: None,
        created_at: T0.into(),
        updated_at: T0.into(),
    };
    store.put_tasks(&[task("RUNNING")]).await.unwrap();
    note(format!("open boards: {}", store.open_task_boards(SESSION).await.unwrap().len()));
    let first = store.adopt_task_board("b1", "other", "adopter").await.unwrap();
    let again = store.adopt_task_board("b1", "other", "late").await.unwrap();
    note(format!("adopted: {first} {again}"));
    store.adopt_task_board("b1", "adopter", "other").await.unwrap();
    note(format!("cancel: {}", store.request_task_cancel("t1", T0).await.unwrap()));
    note(format!("requests: {:?}", store.cancel_requests("other").await.unwrap()));
    store.put_tasks(&[task("COMPLETED")]).await.unwrap();
    note(format!("task: {:?}", store.task("t1").await.unwrap().map(|t| (t.status, t.cancel_requested_at))));
    note(format!("counts: {:?}", store.task_counts().await.unwrap()));
    note(format!("pruned: {}", store.prune_task_boards("2026-12-08T00:00:00.000Z").await.unwrap()));

    store.soft_delete(Q, T0).await.unwrap();
    note(format!("deleted: {} {}", store.is_deleted(Q).await.unwrap(), store.project(Q).await.unwrap_err().code()));
    store.undelete(Q).await.unwrap();
    note(format!("back: {}", store.project(Q).await.unwrap().project_name));
    store.close_session(SESSION, T0).await.unwrap();
    note(format!("purged: {}", store.purge_journal("2030-01-01T00:00:00.000Z").await.unwrap()));
    out
}

#[tokio::test]
async fn the_team_database_reads_back_what_the_library_file_does() {
    let dir = tempfile::tempdir().unwrap();
    let local = Store::open(&dir.path().join("library.db")).await.unwrap();
    let fresh = FreshDatabase::new().await;
    let team = Store::team(TeamDb::connect(&fresh.url).await.unwrap());
    let on_file = transcript(&local).await;
    let on_team = transcript(&team).await;
    for (a, b) in on_file.iter().zip(&on_team) {
        assert_eq!(a, b);
    }
    assert_eq!(on_file.len(), on_team.len());
    team.close().await;
    fresh.drop().await;
}

#[tokio::test]
async fn text_that_is_not_an_id_finds_nothing_and_sharing_is_the_desktops() {
    let fresh = FreshDatabase::new().await;
    let team = Store::team(TeamDb::connect(&fresh.url).await.unwrap());
    assert!(matches!(team.project("nope").await, Err(StoreError::NotFound { .. })));
    assert!(!team.is_deleted("nope").await.unwrap());
    let bad = team.create_project(&project("nope", "x"), &version(P, 1)).await.unwrap_err();
    assert!(bad.to_string().contains("project 'nope' is not a UUID"), "{bad}");
    let invite = studio_store::InviteRow {
        invite_id: "i".into(),
        project_id: P.into(),
        role: "editor".into(),
        token: "t".into(),
        expires_at: T0.into(),
        created_by: USER.into(),
        created_at: T0.into(),
        revoked_at: None,
    };
    assert!(team.add_invite(&invite).await.unwrap_err().to_string().contains("not on the team server"));
    assert_eq!(team.shares().await.unwrap(), vec![]);
    team.close().await;
    fresh.drop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn instances_adopting_one_board_at_once_leave_it_to_exactly_one() {
    let fresh = FreshDatabase::new().await;
    let team = Store::team(TeamDb::connect(&fresh.url).await.unwrap());
    let board = TaskBoardRow {
        board_id: "left".into(),
        project_id: None,
        session_id: "dead".into(),
        info: "{}".into(),
        created_at: T0.into(),
    };
    team.put_task_board(&board).await.unwrap();
    let adopters: Vec<_> = (0..8)
        .map(|i| {
            let team = team.clone();
            tokio::spawn(async move { team.adopt_task_board("left", "dead", &format!("instance-{i}")).await.unwrap() })
        })
        .collect();
    let mut won = Vec::new();
    for adopter in adopters {
        won.push(adopter.await.unwrap());
    }
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
    team.close().await;
    fresh.drop().await;
}

/// What a project file carries, to compare two stores' copies.
async fn contents(store: &Store, id: &str) -> Vec<String> {
    let row = store.project(id).await.unwrap();
    let mut out = vec![format!("{} {} {:?} {}", row.project_name, row.version, row.document, row.updated_at)];
    for v in store.versions(id).await.unwrap() {
        let full = store.version(id, v.version_number).await.unwrap();
        out.push(format!("{} {} {} {}", v.version_number, v.archived, v.created_at, full.state_snapshot));
    }
    for r in store.reports(id).await.unwrap() {
        out.push(json(&store.report(id, &r.report_id).await.unwrap().content).to_string());
    }
    out.push(format!("{:?}", store.project_artifacts(id).await.unwrap()));
    out
}

#[tokio::test]
async fn a_studio_file_moves_between_a_library_and_the_team_database_whole() {
    let dir = tempfile::tempdir().unwrap();
    let local = Store::open(&dir.path().join("library.db")).await.unwrap();
    let fresh = FreshDatabase::new().await;
    let team = Store::team(TeamDb::connect(&fresh.url).await.unwrap());
    transcript(&local).await;
    local.pack_archived(10).await.unwrap();
    let before = contents(&local, P).await;
    assert!(before.iter().any(|l| l.starts_with("2 true")), "an archived version travels too: {before:?}");

    // Published: the library's file into the team database, under the project's own id.
    let file = dir.path().join("published.studio");
    local.export_project(P, &file, ExportOptions { with_artifacts: true }).await.unwrap();
    assert_eq!(team.import_project(&file, Q).await.unwrap(), P);
    assert_eq!(contents(&team, P).await, before);
    assert_eq!(
        team.artifact_kind(&team.project_artifacts(P).await.unwrap()[0]).await.unwrap().as_deref(),
        Some("population")
    );

    // Opened from the team: the team's file into another library, whole.
    let opened = dir.path().join("opened.studio");
    team.export_project(P, &opened, ExportOptions { with_artifacts: true }).await.unwrap();
    let check = Store::check_file(&opened).await.unwrap();
    assert_eq!((check.project_id.as_str(), check.project_name.as_str()), (P, "Heat pumps"));
    let elsewhere = Store::open(&dir.path().join("elsewhere.db")).await.unwrap();
    assert_eq!(elsewhere.import_project(&opened, Q).await.unwrap(), P);
    assert_eq!(contents(&elsewhere, P).await, before);

    // Published twice: the second copy is a new project with new version ids.
    let again = "5f0c1c1e-8d1a-4c59-9d0e-1f9e0c6d2a09";
    assert_eq!(team.import_project(&file, again).await.unwrap(), again);
    let (one, two) = (team.version(P, 1).await.unwrap(), team.version(again, 1).await.unwrap());
    assert_ne!(one.info.version_id, two.info.version_id);
    assert_eq!(one.state_snapshot, two.state_snapshot);

    // A file that is not a project is refused, and nothing is written.
    let junk = dir.path().join("junk.studio");
    std::fs::write(
        &junk,
        b"not sqlite at all, just text that is long enough to have a header of a hundred bytes...........",
    )
    .unwrap();
    let err = team.import_project(&junk, "5f0c1c1e-8d1a-4c59-9d0e-1f9e0c6d2a0a").await.unwrap_err();
    assert_eq!(err.code(), "invalid_file");
    assert_eq!(team.list_projects(None, None).await.unwrap().len(), 2);
    team.close().await;
    fresh.drop().await;
}

#[tokio::test]
async fn artifacts_can_live_in_a_directory_the_instances_share() {
    let fresh = FreshDatabase::new().await;
    let shared = tempfile::tempdir().unwrap();
    let with_dir = |url: String, dir: std::path::PathBuf| async move {
        Store::team(TeamDb::connect(&url).await.unwrap().with_blob_dir(&dir).unwrap())
    };
    let a = with_dir(fresh.url.clone(), shared.path().to_path_buf()).await;
    a.create_project(&project(P, "Heat pumps"), &version(P, 1)).await.unwrap();
    let bytes = b"a population of 1,000 agents".to_vec();
    let hash = a.put_artifact(P, "population", &bytes).await.unwrap();
    let file = shared.path().join(&hash[..2]).join(&hash);
    assert_eq!(std::fs::read(&file).unwrap(), bytes, "the bytes are in the shared directory");
    let pool = a.team_db().unwrap().pool().clone();
    let in_row: Option<Vec<u8>> = sqlx::query_scalar("SELECT content FROM studio_artifacts WHERE hash = $1")
        .bind(&hash)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(in_row, None, "not in the row");

    // Another instance on the same directory reads it; one without it says what it lacks.
    let b = with_dir(fresh.url.clone(), shared.path().to_path_buf()).await;
    assert_eq!(b.artifact(&hash).await.unwrap().content, bytes);
    let alone = Store::team(TeamDb::connect(&fresh.url).await.unwrap());
    let lacking = alone.artifact(&hash).await.unwrap_err().to_string();
    assert!(lacking.contains("shared directory") && lacking.contains("blob_dir"), "{lacking}");

    // A file changed behind the store's back is refused, not served.
    std::fs::write(&file, b"something else").unwrap();
    let changed = b.artifact(&hash).await.unwrap_err().to_string();
    assert!(changed.contains("does not hold the artifact"), "{changed}");
    for store in [a, b, alone] {
        store.close().await;
    }
    fresh.drop().await;
}
