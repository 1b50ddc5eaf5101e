//! The JSON events of `preview --json`, `up --json` and `destroy --json`: one object per line
//! of standard output, each with an `event` field, the last one `result` (with the exit
//! code). Human messages stay on standard error.
//!
//! | event | fields |
//! |---|---|
//! | `started` | `stack`, `action` (`plan`, `deploy`, `destroy`): the engine starts on the stack, as it happens |
//! | `status` | `stack`, `status`: the stack's CloudFormation status changed, while the engine waits |
//! | `resource` | `stack`, `logicalId`, `type`, `status`, `reason`: one CloudFormation event of a resource of the stack, as the engine reads it |
//! | `finished` | `stack`, `action`, `ok`: the engine is done with the stack |
//! | `plan` (`preview`) | `stack`, `state`, `note`, `changes` (`action`, `logicalId`, `construct`, `type`, `replacement`, `cause`), `endangered` |
//! | `deployed` (`up`) | `stack`, `state` (`created`, `updated`, `unchanged`), `region`, `stackId`, `updatedAt`, `outputs` (the program's, or all with `--all`), `notes` |
//! | `written` (`up`) | `out`: the folder of the deployed assembly and its report |
//! | `deleted`, `absent` (`destroy`) | `stack` |
//! | `retained` (`destroy`) | `stack`, `logicalId`, `construct`, `type`, `physicalId`, `phi`, `kept`, `why`, `billing` |
//! | `warning` (`destroy`) | `message` |
//! | `error` | `command`, `message`, `exit` |
//! | `result` | `command`, `exit` |

#![cfg(feature = "deploy")]

use serde_json::{Value, json};

/// A step of the engine, as it happens.
pub(crate) fn progress(p: &crate::deploy::Progress) -> Value {
    use crate::deploy::Progress as P;
    match p {
        P::Started { stack, action } => {
            json!({ "event": "started", "stack": stack, "action": action })
        }
        P::Status { stack, status } => {
            json!({ "event": "status", "stack": stack, "status": status })
        }
        P::Resource {
            stack,
            logical_id,
            resource_type,
            status,
            reason,
        } => json!({
            "event": "resource",
            "stack": stack,
            "logicalId": logical_id,
            "type": resource_type,
            "status": status,
            "reason": reason,
        }),
        P::Finished { stack, action, ok } => {
            json!({ "event": "finished", "stack": stack, "action": action, "ok": ok })
        }
    }
}

/// The plan of one stack (`plan_json` of the command line), as an event.
pub(crate) fn plan(mut plan: Value) -> Value {
    if let Some(map) = plan.as_object_mut() {
        map.insert("event".to_owned(), json!("plan"));
    }
    plan
}

/// One stack `up` deployed (or found unchanged).
pub(crate) fn deployed(d: &crate::deploy::Deployed, state: &str) -> Value {
    let outputs: serde_json::Map<String, Value> = d
        .outputs
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    json!({
        "event": "deployed",
        "stack": d.stack,
        "state": state,
        "region": d.region,
        "stackId": d.stack_id,
        "updatedAt": d.updated_at,
        "outputs": outputs,
        "notes": d.notes,
    })
}

/// The folder `up` wrote the deployed assembly and its report to.
pub(crate) fn written(out: &std::path::Path) -> Value {
    json!({ "event": "written", "out": out.display().to_string() })
}

/// A stack `destroy` deleted (`deleted`) or found absent (`absent`).
pub(crate) fn stack(event: &str, stack: &str) -> Value {
    json!({ "event": event, "stack": stack })
}

/// What `destroy` could not check.
pub(crate) fn warning(message: &str) -> Value {
    json!({ "event": "warning", "message": message })
}

/// A resource `destroy` kept.
pub(crate) fn retained(r: &crate::deploy::Retained) -> Value {
    json!({
        "event": "retained",
        "stack": r.stack,
        "logicalId": r.logical_id,
        "construct": r.construct,
        "type": r.resource_type,
        "physicalId": r.physical_id,
        "phi": r.phi,
        "kept": r.kept,
        "why": r.why,
        "billing": r.billing,
    })
}

/// The command failed: its message and exit code (also on standard error).
pub(crate) fn error(command: &str, message: &str, exit: u8) -> Value {
    json!({ "event": "error", "command": command, "message": message, "exit": exit })
}

/// The last event: the exit code.
pub(crate) fn result(command: &str, exit: u8) -> Value {
    json!({ "event": "result", "command": command, "exit": exit })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_is_one_line_with_its_name() {
        for event in [
            plan(json!({ "stack": "a", "state": "create" })),
            written(std::path::Path::new("hipaa.out")),
            stack("deleted", "a"),
            warning("two\nlines"),
            error("up", "it failed", 7),
            result("up", 0),
        ] {
            let line = event.to_string();
            assert!(!line.contains('\n'), "{line}");
            assert!(event["event"].is_string(), "{line}");
        }
        assert_eq!(plan(json!({ "stack": "a" }))["event"], "plan");
        assert_eq!(result("destroy", 11)["exit"], 11);
    }
}
