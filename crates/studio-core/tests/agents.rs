//! Spawned agents and their teams in the core: spawned within max_instances_per_type and
//! max_total_instances, terminated, announced on the bus; a spawn made where no program runs
//! tasks waits for one and is handed on when its host ends; messages to one agent or to the
//! whole team are kept until the host delivers them, in order, each once it is delivered.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{USER, fixture_with};
use serde_json::json;
use studio_core::{AgentMessage, EventFilter, SpawnedAgent, Studio, StudioConfig};

fn limits(per_type: usize, total: usize) -> impl FnOnce(&mut StudioConfig) {
    move |config| {
        config.agents.max_instances_per_type = per_type;
        config.agents.max_total_instances = total;
    }
}

async fn spawn(studio: &Studio, agent_type: &str) -> studio_core::Result<SpawnedAgent> {
    studio.spawn_agent(agent_type, None, &json!({"style": "brief"}), USER).await
}

/// Waits until `check` holds of the agent.
async fn agent_until(studio: &Studio, id: &str, check: impl Fn(&SpawnedAgent) -> bool) -> SpawnedAgent {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let agent = studio.get_agent(id).await.unwrap().agent;
        if check(&agent) {
            return agent;
        }
        assert!(Instant::now() < deadline, "agent never got there: {agent:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn agents_are_spawned_within_their_limits_terminated_and_announced() {
    let f = fixture_with(limits(2, 3)).await;
    let studio = Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    let a1 = spawn(&studio, "assistant").await.unwrap();
    assert_eq!((a1.status.as_str(), a1.capabilities.clone()), ("running", vec!["assistant".to_string()]));
    assert!(a1.host.as_deref().is_some_and(|h| h.contains(&std::process::id().to_string())), "{:?}", a1.host);
    spawn(&studio, "assistant").await.unwrap();
    let refused = spawn(&studio, "assistant").await.unwrap_err();
    assert_eq!(refused.code, "limit_reached");
    assert!(refused.message.contains("max_instances_per_type is 2"), "{}", refused.message);
    spawn(&studio, "api").await.unwrap();
    let full = spawn(&studio, "report").await.unwrap_err();
    assert!(full.message.contains("max_total_instances is 3"), "{}", full.message);
    let unknown = spawn(&studio, "oracle").await.unwrap_err();
    assert!(unknown.message.contains("data_processor"), "names the types: {}", unknown.message);
    let bad = studio.spawn_agent("api", None, &json!([1, 2]), USER).await.unwrap_err();
    assert!(bad.message.contains("JSON object"), "{}", bad.message);

    // In the engine's pool beside its own agents, pinned.
    let pool = studio.list_agents(false).await.unwrap().pool.unwrap();
    let pinned: Vec<_> = pool.agents.iter().filter(|a| a.pinned).map(|a| a.agent.agent_type.as_str()).collect();
    assert_eq!(pinned.len(), 3, "{pinned:?}");

    let ended = studio.terminate_agent(&a1.agent_id).await.unwrap();
    assert_eq!(ended.status, "terminated");
    assert!(ended.terminated_at.is_some());
    assert_eq!(studio.terminate_agent(&a1.agent_id).await.unwrap().status, "terminated", "again: nothing changes");
    spawn(&studio, "report").await.unwrap();
    let listed = studio.list_agents(false).await.unwrap();
    assert_eq!(listed.agents.len(), 3);
    assert!(listed.agents.iter().all(|a| a.agent_id != a1.agent_id));
    assert_eq!(studio.list_agents(true).await.unwrap().agents.len(), 4);
    let missing = studio.terminate_agent("assistant_nothere").await.unwrap_err();
    assert_eq!(missing.code, "not_found");

    let filter = EventFilter { topics: vec!["studio.agent.*".into()], project_id: None };
    let deadline = Instant::now() + Duration::from_secs(5);
    let topics = loop {
        let page = studio.list_events(0, &filter, None).await.unwrap();
        let topics: Vec<String> = page.events.iter().map(|e| e.topic.clone()).collect();
        if topics.len() >= 5 || Instant::now() > deadline {
            break topics;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let spawned = topics.iter().filter(|t| *t == "studio.agent.spawned").count();
    let terminated = topics.iter().filter(|t| *t == "studio.agent.terminated").count();
    assert_eq!((spawned, terminated), (4, 1), "{topics:?}");
}

#[tokio::test]
async fn a_spawn_waits_for_a_program_that_runs_tasks_and_is_handed_on_when_it_ends() {
    let f = fixture_with(limits(10, 50)).await;
    let asked = spawn(&f.studio, "data_processor").await.unwrap();
    assert_eq!((asked.status.as_str(), asked.host.as_deref()), ("requested", None));

    let host = Arc::new(Studio::open(f.config()).await.unwrap());
    host.start_tasks().await.unwrap();
    let hosted = agent_until(&f.studio, &asked.agent_id, |a| a.status == "running").await;
    assert!(hosted.host.is_some());
    let report = host.list_agents(false).await.unwrap().pool.unwrap();
    assert!(report.agents.iter().any(|a| a.agent.id == asked.agent_id && a.pinned));
    host.close().await.unwrap();

    let next = Arc::new(Studio::open(f.config()).await.unwrap());
    next.start_tasks().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while !next.list_agents(false).await.unwrap().pool.unwrap().agents.iter().any(|a| a.agent.id == asked.agent_id) {
        assert!(Instant::now() < deadline, "the next program never took the agent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Terminated from a program that does not host it: its host stops it.
    let asked_to = f.studio.terminate_agent(&asked.agent_id).await.unwrap();
    assert_eq!(asked_to.status, "terminating");
    agent_until(&f.studio, &asked.agent_id, |a| a.status == "terminated").await;
    assert!(next.list_agents(false).await.unwrap().pool.unwrap().agents.iter().all(|a| a.agent.id != asked.agent_id));
}

#[tokio::test]
async fn messages_wait_for_their_agents_host_and_are_delivered_in_order() {
    let f = fixture_with(limits(10, 50)).await;
    let lead = spawn(&f.studio, "workflow").await.unwrap().agent_id;
    let worker = spawn(&f.studio, "data_processor").await.unwrap().agent_id;
    let other = spawn(&f.studio, "report").await.unwrap().agent_id;
    let team =
        f.studio.create_entanglement("Data team", Some("refresh and check"), std::slice::from_ref(&lead), USER).await;
    let team = team.unwrap();
    let team = f.studio.change_entanglement(&team.entanglement_id, &worker, true).await.unwrap();
    let team = f.studio.change_entanglement(&team.entanglement_id, &other, true).await.unwrap();
    assert_eq!(team.agents, vec![lead.clone(), worker.clone(), other.clone()]);
    let team = f.studio.change_entanglement(&team.entanglement_id, &other, false).await.unwrap();
    assert_eq!(team.agents.len(), 2);
    let id = team.entanglement_id.clone();

    let send = |sender: Option<&str>, receiver: Option<&str>, content: &str| {
        let (studio, id) = (&f.studio, id.clone());
        let (sender, receiver, content) =
            (sender.map(str::to_string), receiver.map(str::to_string), content.to_string());
        async move {
            studio.send_agent_message(&id, sender.as_deref(), receiver.as_deref(), &content, Some("task"), USER).await
        }
    };
    let one = send(Some(&lead), Some(&worker), "process segment 1").await.unwrap();
    assert_eq!(one.len(), 1);
    let all = send(None, None, "team meeting in 5 minutes").await.unwrap();
    assert_eq!(all.iter().map(|m| m.receiver_id.clone()).collect::<Vec<_>>(), vec![lead.clone(), worker.clone()]);
    assert_eq!(all[0].sender_id, format!("user:{USER}"));
    let from_lead = send(Some(&lead), None, "process segment 2").await.unwrap();
    assert_eq!(from_lead.len(), 1, "a broadcast skips its sender");
    for (sender, receiver, why) in [
        (Some(other.as_str()), None, "not in entanglement"),
        (Some(lead.as_str()), Some(other.as_str()), "not in entanglement"),
    ] {
        let refused = send(sender, receiver, "x").await.unwrap_err();
        assert!(refused.message.contains(why), "{}", refused.message);
    }
    let huge = send(None, None, &"x".repeat(70_000)).await.unwrap_err();
    assert!(huge.message.contains("64 KB"), "{}", huge.message);
    let typed = f.studio.send_agent_message(&id, None, None, "x", Some("DROP TABLE"), USER).await.unwrap_err();
    assert!(typed.message.contains("message_type"), "{}", typed.message);

    // Nobody runs tasks: kept, undelivered.
    let waiting = f.studio.entanglement_messages(&id, 0, None).await.unwrap();
    assert_eq!(waiting.len(), 4);
    assert!(waiting.iter().all(|m| m.delivered_at.is_none() && m.attempts == 0));

    let mut heard = f
        .studio
        .subscribe_events(Some(0), EventFilter { topics: vec!["studio.agent.message".into()], project_id: None })
        .await
        .unwrap();
    let host = Arc::new(Studio::open(f.config()).await.unwrap());
    host.start_tasks().await.unwrap();
    let mut delivered: Vec<AgentMessage> = Vec::new();
    while delivered.len() < 4 {
        let event = tokio::time::timeout(Duration::from_secs(15), heard.next()).await.expect("delivered").unwrap();
        delivered.push(serde_json::from_value(serde_json::Value::Object(event.data)).unwrap());
    }
    let to_worker: Vec<&str> =
        delivered.iter().filter(|m| m.receiver_id == worker).map(|m| m.content.as_str()).collect();
    assert_eq!(to_worker, ["process segment 1", "team meeting in 5 minutes", "process segment 2"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let kept = f.studio.entanglement_messages(&id, 0, None).await.unwrap();
        if kept.iter().all(|m| m.delivered_at.is_some()) {
            assert!(kept.iter().all(|m| m.attempts == 1), "{kept:?}");
            break;
        }
        assert!(Instant::now() < deadline, "not marked delivered: {kept:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let detail = f.studio.get_agent(&worker).await.unwrap();
    assert_eq!((detail.entanglements.clone(), detail.messages.len()), (vec![id.clone()], 3));
    assert_eq!(f.studio.entanglement_messages(&id, all[1].message_id, None).await.unwrap().len(), 1);

    f.studio.delete_entanglement(&id).await.unwrap();
    assert_eq!(f.studio.delete_entanglement(&id).await.unwrap_err().code, "not_found");
    let gone = f.studio.create_entanglement("Ghosts", None, &["api_nothere".to_string()], USER).await.unwrap_err();
    assert_eq!(gone.code, "not_found");
}
