//! The notifier commands of Tautulli's API v2 as 2.17 answers them (all but `notify`, which
//! sends, in `notify.rs`). Each returns the envelope's message and data, or the error
//! message; `mod.rs` wraps them.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::notifier::{agent, default_conditions, Notifier, ALL_TRIGGERS, MASKED};
use super::FakeState;

/// What a command answered: success with a message and data, or an error message.
pub enum Answer {
    Success(Option<String>, Value),
    Error(Option<String>),
}

fn ok(message: Option<&str>, data: Value) -> Answer {
    Answer::Success(message.map(str::to_string), data)
}

fn failed(message: &str) -> Answer {
    Answer::Error(Some(message.to_string()))
}

/// The commands the fake knows (for the "Unknown command" answer).
pub const KNOWN: [&str; 9] = [
    "add_notifier_config",
    "delete_notifier",
    "get_history",
    "get_notifier_config",
    "get_notifiers",
    "get_tautulli_info",
    "notify",
    "set_notifier_config",
    "status",
];

pub fn run(state: &mut FakeState, cmd: &str, form: &BTreeMap<String, String>) -> Answer {
    let digits = |key: &str| form.get(key).and_then(|v| v.trim().parse::<u32>().ok());
    match cmd {
        "status" => ok(Some("Ok"), json!({})),
        "get_history" => ok(
            None,
            super::history::answer(&state.history, &mut state.history_order, form),
        ),
        "get_tautulli_info" => ok(
            None,
            json!({"tautulli_install_type": "source", "tautulli_version": state.version,
                   "tautulli_branch": "master", "tautulli_commit": null,
                   "tautulli_platform": "Linux", "tautulli_python_version": "3.11.7"}),
        ),
        "get_notifiers" => ok(
            None,
            Value::Array(state.notifiers.iter().map(|(id, n)| n.row(*id)).collect()),
        ),
        // Tautulli answers a missing notifier with an error without a message.
        "get_notifier_config" => match digits("notifier_id")
            .and_then(|id| state.notifiers.get(&id).map(|n| n.shown(id)))
        {
            Some(shown) => ok(None, shown),
            None => Answer::Error(None),
        },
        "add_notifier_config" => match digits("agent_id").and_then(Notifier::of_agent) {
            Some(notifier) => {
                let id = state.next_id;
                state.next_id += 1;
                state.notifiers.insert(id, notifier);
                ok(
                    Some("Added notification agent."),
                    json!({"notifier_id": id}),
                )
            }
            None => failed("Failed to add notification agent."),
        },
        "set_notifier_config" => match set_config(state, form) {
            Some(()) => ok(Some("Saved notification agent."), json!({})),
            None => failed("Failed to save notification agent."),
        },
        // Any numeric id is "deleted", whether it existed or not.
        "delete_notifier" => match digits("notifier_id") {
            Some(id) => {
                state.notifiers.remove(&id);
                ok(Some("Notifier deleted successfully."), json!({}))
            }
            None => failed("Failed to delete notifier."),
        },
        _ => Answer::Error(Some(format!(
            "Unknown command: {cmd}. Possible commands are: {}",
            KNOWN.join(", ")
        ))),
    }
}

/// `set_notifier_config` as 2.17 stores it: the friendly name, the whole agent config
/// (keys not given fall back to the agent's defaults; a masked password keeps the old one)
/// and the custom conditions (default when absent) are rewritten; trigger switches and texts
/// change only where given. An unknown notifier id is created with that id.
fn set_config(state: &mut FakeState, form: &BTreeMap<String, String>) -> Option<()> {
    let notifier_id: u32 = form.get("notifier_id")?.trim().parse().ok()?;
    let agent = agent(form.get("agent_id")?.trim().parse().ok()?)?;
    let conditions = match form.get("custom_conditions") {
        None => default_conditions(),
        Some(text) => match serde_json::from_str::<Value>(text).ok()? {
            Value::Array(items) if items.iter().all(Value::is_object) => {
                if items.is_empty() {
                    default_conditions()
                } else {
                    Value::Array(items)
                }
            }
            _ => return None,
        },
    };
    let previous = state.notifiers.get(&notifier_id).cloned();
    let mut notifier = match previous.clone() {
        Some(existing) => existing,
        None => Notifier::of_agent(agent.id)?,
    };
    notifier.agent_id = agent.id;
    let prefix = format!("{}_", agent.name);
    let mut config = Map::new();
    for (key, default) in agent.defaults() {
        let given = form.get(&format!("{prefix}{key}"));
        let value = match (given, &default) {
            (Some(text), _) if key.contains("password") && text == MASKED => previous
                .as_ref()
                .and_then(|p| p.config.get(&key).cloned())
                .unwrap_or(default),
            (Some(text), Value::Number(_)) => Value::from(text.trim().parse::<i64>().unwrap_or(0)),
            (Some(text), Value::Array(_)) => Value::Array(vec![Value::from(text.as_str())]),
            (Some(text), _) => Value::from(text.as_str()),
            (None, _) => default,
        };
        config.insert(key, value);
    }
    notifier.config = config;
    notifier.friendly_name = form.get("friendly_name").cloned().unwrap_or_default();
    notifier.custom_conditions = conditions;
    notifier.custom_conditions_logic = form
        .get("custom_conditions_logic")
        .cloned()
        .unwrap_or_default();
    for trigger in ALL_TRIGGERS {
        if let Some(on) = form.get(trigger) {
            let on = on.trim().parse().unwrap_or(0);
            notifier.actions.insert(trigger.to_string(), on);
        }
        let texts = notifier.texts.entry(trigger.to_string()).or_default();
        if let Some(subject) = form.get(&format!("{trigger}_subject")) {
            texts.0 = subject.clone();
        }
        if let Some(body) = form.get(&format!("{trigger}_body")) {
            texts.1 = body.clone();
        }
    }
    state.next_id = state.next_id.max(notifier_id + 1);
    state.notifiers.insert(notifier_id, notifier);
    Some(())
}
