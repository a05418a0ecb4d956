//! What the audit log says of a request: its action (the request's name, with the workbench
//! action or control it carried) and its resource (`project:ID`, `task:ID`, …).

use crate::request::Request;
use crate::secrets::mask;

/// What a request is about, for its row.
pub(crate) fn resource_of(request: &Request) -> String {
    use Request::*;
    if let Some(project) = request.project_id() {
        return format!("project:{project}");
    }
    let (kind, id) = match request {
        GetTask { task_id } | CancelTask { task_id, .. } => ("task", task_id.as_str()),
        GetWorkflowRun { execution_id } | ControlWorkflowRun { execution_id, .. } => ("run", execution_id.as_str()),
        GetAgent { agent_id } | TerminateAgent { agent_id, .. } => ("agent", agent_id.as_str()),
        GetEntanglement { entanglement_id }
        | DeleteEntanglement { entanglement_id, .. }
        | AddEntanglementAgent { entanglement_id, .. }
        | RemoveEntanglementAgent { entanglement_id, .. }
        | SendAgentMessage { entanglement_id, .. }
        | ListAgentMessages { entanglement_id, .. } => ("entanglement", entanglement_id.as_str()),
        DeleteWebhook { webhook_id } => ("webhook", webhook_id.as_str()),
        PublishEvent { project_id: Some(project), .. } => ("project", project.as_str()),
        ListEvents { filter, .. } | CreateWebhook { filter, .. } if filter.project_id.is_some() => {
            ("project", filter.project_id.as_deref().unwrap_or_default())
        }
        TeamMembers { team_id, .. }
        | InviteTeamMember { team_id, .. }
        | SetTeamRole { team_id, .. }
        | RemoveTeamMember { team_id, .. } => ("team", team_id.as_str()),
        SaveRole { name, .. } | DeleteRole { name, .. } => ("role", name.as_str()),
        SetConfig { key, .. } | ResetConfig { key, .. } => ("setting", key.as_str()),
        GrantRole { member_id, .. } | RevokeRole { member_id, .. } => ("user", member_id.as_str()),
        _ => return String::new(),
    };
    format!("{kind}:{id}")
}

/// The request's action: its name, and the workbench action or control it carried.
pub(crate) fn action_of(request: &Request) -> String {
    match request {
        Request::WorkbenchAction(a) => format!("workbench_action:{}/{}", a.workbench, a.action),
        Request::ControlWorkflowRun { control, .. } => format!("control_workflow_run:{}", mask(control)),
        other => other.name().to_string(),
    }
}
