//! The team server under a team's load, for `studio bench team`: how soon an edit made
//! through one instance is seen through another (10 projects × 10 collaborators on two
//! instances sharing PostgreSQL and Redis, in this process), and how many queued tasks 1 and 4
//! workers claim and finish a second (`FOR UPDATE SKIP LOCKED`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use serde_json::json;
use studio_core::model::{CollaboratorChange, NewCollaborator, ProjectCreate, ProjectLoad, Role};
use studio_core::{Studio, StudioConfig, StudioEvent, TaskQueue};

use crate::bench_team::{Timed, USER, act_as, timed};

const PROJECTS: usize = 10;
const COLLABORATORS: usize = 10;
/// Each collaborator edits about once a second: 100 edits a second across the two instances.
const PACE: Duration = Duration::from_secs(1);

/// Visibility across instances: p50/p99 from the edit's request to the other instance's
/// notice, and how many edits were never seen there.
pub struct Crossing {
    pub seen: Timed,
    pub edits: usize,
    pub unseen: usize,
}

type Heard = Arc<Mutex<HashMap<String, Instant>>>;

/// Records when each edit's notice reached `studio`'s clients, by the field it overrode.
fn listen(studio: &Studio) -> Heard {
    let heard: Heard = Arc::default();
    let mut events = studio.subscribe();
    let into = heard.clone();
    tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(StudioEvent::StateChanged { summary, .. }) => {
                    // "Overrode 'edit-…' with 1 (bench)"
                    if let Some(field) = summary.split('\'').find(|w| w.starts_with("edit-")) {
                        into.lock().unwrap_or_else(|p| p.into_inner()).insert(field.to_string(), Instant::now());
                    }
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => break,
            }
        }
    });
    heard
}

async fn instance(dir: &std::path::Path, name: &str, database: &str, redis: &str) -> Result<Arc<Studio>> {
    let mut config = StudioConfig::new(dir.join(name).join("library.db"));
    config.team_database = Some(database.to_string());
    let studio = Arc::new(Studio::open(config).await?);
    studio.join_team_bus(redis).await?;
    Ok(studio)
}

pub async fn cross_instance(database: &str, redis: &str, rounds: usize) -> Result<Crossing> {
    let dir = tempfile::tempdir()?;
    let a = instance(dir.path(), "a", database, redis).await?;
    let b = instance(dir.path(), "b", database, redis).await?;
    let users: Vec<String> = std::iter::once(USER.to_string())
        .chain((1..COLLABORATORS).map(|i| format!("5eed0000-0000-4000-8000-{i:012x}")))
        .collect();
    let mut projects = Vec::new();
    for p in 0..PROJECTS {
        let create = ProjectCreate {
            user_id: USER.into(),
            team_id: None,
            project_name: format!("Live {p}"),
            description: None,
            initial_query: None,
            template_id: None,
        };
        let id = a.create_project(&create).await?.project_id;
        for user in &users[1..] {
            let add = NewCollaborator {
                user_id: user.clone(),
                role: Role::Editor,
                display_name: None,
                color: None,
                public_key: None,
            };
            a.change_collaborators(&id, USER, &CollaboratorChange::Add(add)).await?;
        }
        // Both instances hold every project, as when clients of each have it open.
        for studio in [&a, &b] {
            studio.get_project(&ProjectLoad { project_id: id.clone(), user_id: USER.into(), version: None }).await?;
        }
        projects.push(id);
    }
    let heard = [listen(&a), listen(&b)];
    let sent: Arc<Mutex<Vec<(String, usize, Instant)>>> = Arc::default();
    let mut clients = Vec::new();
    for (p, project) in projects.iter().enumerate() {
        for (c, user) in users.iter().enumerate() {
            // Half the collaborators on each instance; each edit is looked for on the other.
            let (here, other) = if c % 2 == 0 { (a.clone(), 1) } else { (b.clone(), 0) };
            let (project, user, sent) = (project.clone(), user.clone(), sent.clone());
            // Spread the clients' edits over the second.
            let offset = PACE * u32::try_from(p * COLLABORATORS + c).unwrap_or(0) / (PROJECTS * COLLABORATORS) as u32;
            clients.push(tokio::spawn(async move {
                tokio::time::sleep(offset).await;
                let mut tick = tokio::time::interval(PACE);
                for r in 0..rounds {
                    tick.tick().await;
                    let field = format!("edit-{p}-{c}-{r}");
                    let started = Instant::now();
                    here.workbench_action(&act_as(&project, &user, &field)).await?;
                    sent.lock().unwrap_or_else(|e| e.into_inner()).push((field, other, started));
                }
                Ok::<_, anyhow::Error>(())
            }));
        }
    }
    for client in clients {
        client.await??;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let sent = std::mem::take(&mut *sent.lock().unwrap_or_else(|e| e.into_inner()));
    let mut samples = Vec::new();
    for (field, other, started) in &sent {
        if let Some(at) = heard[*other].lock().unwrap_or_else(|e| e.into_inner()).get(field) {
            samples.push(at.duration_since(*started).as_secs_f64() * 1000.0);
        }
    }
    let crossing = Crossing { edits: sent.len(), unseen: sent.len() - samples.len(), seen: timed(samples) };
    for project in &projects {
        a.delete_project(project, USER).await?;
    }
    a.close().await?;
    b.close().await?;
    Ok(crossing)
}

/// Tasks a second that `workers` workers, each on its own connections, claim and finish.
pub async fn queue_throughput(database: &str, tasks: usize, workers: usize) -> Result<f64> {
    let db = TaskQueue::connect(database).await?;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let kind = format!("bench-{workers}-{nanos}");
    for i in 0..tasks {
        db.enqueue(&kind, None, &json!({"i": i})).await?;
    }
    let started = Instant::now();
    let mut running = Vec::new();
    for w in 0..workers {
        let (kind, url) = (kind.clone(), database.to_string());
        running.push(tokio::spawn(async move {
            let db = TaskQueue::connect(&url).await?;
            let worker = format!("bench-worker-{w}");
            let mut done = 0usize;
            while let Some(task) = db.claim(&worker, &[kind.as_str()]).await? {
                db.finish(&task.task_id, &worker, Ok(&json!({"done": task.payload}))).await?;
                done += 1;
            }
            Ok::<_, anyhow::Error>(done)
        }));
    }
    let mut done = 0;
    for worker in running {
        done += worker.await??;
    }
    let rate = done as f64 / started.elapsed().as_secs_f64();
    if done != tasks {
        return Err(anyhow!("{workers} workers finished {done} of {tasks} tasks"));
    }
    Ok(rate)
}
