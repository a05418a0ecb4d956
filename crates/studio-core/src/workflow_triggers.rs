//! Workflows that start by themselves: on a schedule's beat (as report schedules are written,
//! from the trigger's `since`), when an event of a topic is published (and its condition, CEL
//! on `event`, holds), or when a linked data source changes on disk (the bus's
//! `studio.data.source_changed`). A program that runs tasks looks every second; each beat and
//! each event fires once however many programs look, claimed by compare-and-set on the
//! trigger's index. A workflow never fires on the events of its own runs.

use std::sync::Arc;

use serde_json::{Map, Value, json};
use studio_model::Trigger;
use studio_store::TriggerRow;

use crate::automation::{latest_beat, stamp};
use crate::bus::{EventFilter, SOURCE_CHANGED};
use crate::error::Result;
use crate::studio::Studio;
use crate::workflow_exprs as exprs;

/// Events a trigger takes in one look, at most.
const EVENTS_A_LOOK: usize = 100;

impl Studio {
    /// One look at every trigger: fires what is due.
    pub(crate) async fn fire_triggers(self: &Arc<Self>) -> Result<()> {
        let rows = self.store.workflow_triggers().await?;
        if rows.is_empty() {
            return Ok(());
        }
        let now = chrono::Utc::now();
        let head = self.store.bus_head().await?;
        for row in rows {
            let Ok(trigger) = serde_json::from_str::<Trigger>(&row.trigger) else { continue };
            match &trigger {
                Trigger::Manual => {}
                Trigger::Schedule { frequency, .. } => {
                    let Some(beat) = latest_beat(&trigger, now).map(stamp) else { continue };
                    if row.last_fired_at.as_deref().is_some_and(|last| last >= beat.as_str()) {
                        continue;
                    }
                    if self.store.claim_trigger_beat(&row, row.last_fired_at.as_deref(), &beat).await? {
                        let fired = json!({"type": "schedule", "frequency": frequency, "beat": beat});
                        self.fire(&row, fired).await;
                    }
                }
                Trigger::Event { topic, condition } => {
                    let filter = EventFilter { topics: vec![topic.clone()], project_id: None };
                    self.fire_on_events(&row, head, filter, condition.as_deref(), None).await?;
                }
                Trigger::SourceChanged { source } => {
                    let filter =
                        EventFilter { topics: vec![SOURCE_CHANGED.into()], project_id: Some(row.project_id.clone()) };
                    self.fire_on_events(&row, head, filter, None, source.as_deref()).await?;
                }
            }
        }
        Ok(())
    }

    /// The events after the trigger's last that it wants, claimed, each a run.
    async fn fire_on_events(
        self: &Arc<Self>,
        row: &TriggerRow,
        head: i64,
        filter: EventFilter,
        condition: Option<&str>,
        source: Option<&str>,
    ) -> Result<()> {
        if row.last_seq >= head {
            return Ok(());
        }
        let (events, _) = self.bus.read(row.last_seq, &filter, EVENTS_A_LOOK).await?;
        // Read up to the head unless the page filled first.
        let to = if events.len() == EVENTS_A_LOOK { events.last().map_or(head, |e| e.seq) } else { head };
        if !self.store.claim_trigger_events(row, row.last_seq, to).await? {
            return Ok(());
        }
        for event in events.into_iter().filter(|e| e.seq <= to) {
            // Its own runs' events never start it again.
            if event.data.get("workflow_id").and_then(Value::as_str) == Some(row.workflow_id.as_str()) {
                continue;
            }
            if let Some(source) = source
                && event.data.get("source").and_then(Value::as_str) != Some(source)
            {
                continue;
            }
            let seen = serde_json::to_value(&event).unwrap_or_default();
            if let Some(condition) = condition {
                let mut scope = Map::new();
                scope.insert("event".into(), seen.clone());
                match exprs::holds(condition, &scope) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(e) => {
                        tracing::warn!(workflow = row.workflow_id, "a trigger's condition failed: {e}");
                        continue;
                    }
                }
            }
            let fired = json!({"type": "event", "topic": event.topic, "seq": event.seq, "event": seen});
            self.fire(row, fired).await;
        }
        Ok(())
    }

    /// Starts a run for a trigger, as the one who saved its workflow.
    async fn fire(&self, row: &TriggerRow, trigger: Value) {
        let started =
            self.execute_workflow(&row.project_id, &row.workflow_id, &row.user_id, &json!({}), &trigger).await;
        if let Err(e) = started {
            tracing::warn!(workflow = row.workflow_id, "a triggered run could not start: {}", e.message);
        }
    }
}
