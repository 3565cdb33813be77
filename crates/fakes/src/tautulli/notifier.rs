//! A Tautulli notifier as Tautulli 2.17 stores it: its agent, friendly name, agent config,
//! per-trigger switch and texts, and custom conditions — and how `get_notifier_config` and
//! `get_notifiers` show it (only config keys containing "password" are masked).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// Every trigger Tautulli 2.17 knows, in its order.
pub const ALL_TRIGGERS: [&str; 22] = [
    "on_play",
    "on_stop",
    "on_pause",
    "on_resume",
    "on_change",
    "on_buffer",
    "on_error",
    "on_intro",
    "on_credits",
    "on_commercial",
    "on_watched",
    "on_created",
    "on_extdown",
    "on_intdown",
    "on_extup",
    "on_intup",
    "on_pmsupdate",
    "on_concurrent",
    "on_newdevice",
    "on_plexpyupdate",
    "on_plexpydbcorrupt",
    "on_tokenexpired",
];

/// Tautulli's id of the webhook agent.
pub const WEBHOOK_AGENT: u32 = 25;
/// Tautulli's id of the email agent.
pub const EMAIL_AGENT: u32 = 10;
/// Tautulli's id of the Discord agent.
pub const DISCORD_AGENT: u32 = 20;

/// What a notifier's masked password reads as (four spaces, like Tautulli's form).
pub const MASKED: &str = "    ";

/// The agents the fake knows: id, name (the config keys' prefix), label, default config.
pub struct Agent {
    pub id: u32,
    pub name: &'static str,
    pub label: &'static str,
    defaults: fn() -> Map<String, Value>,
}

impl Agent {
    pub fn defaults(&self) -> Map<String, Value> {
        (self.defaults)()
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub const AGENTS: [Agent; 3] = [
    Agent {
        id: WEBHOOK_AGENT,
        name: "webhook",
        label: "Webhook",
        defaults: || object(json!({"hook": "", "method": "POST"})),
    },
    Agent {
        id: EMAIL_AGENT,
        name: "email",
        label: "Email",
        defaults: || {
            object(
                json!({"from_name": "Tautulli", "from": "", "to": [], "smtp_server": "",
                          "smtp_port": 465, "smtp_user": "", "smtp_password": "",
                          "tls": 2, "html_support": 1}),
            )
        },
    },
    Agent {
        id: DISCORD_AGENT,
        name: "discord",
        label: "Discord",
        defaults: || object(json!({"hook": "", "username": "", "incl_subject": 1})),
    },
];

pub fn agent(id: u32) -> Option<&'static Agent> {
    AGENTS.iter().find(|agent| agent.id == id)
}

/// `[{"parameter":"","operator":"","value":[],"type":null}]`, Tautulli's default conditions.
pub fn default_conditions() -> Value {
    json!([{"parameter": "", "operator": "", "value": [], "type": null}])
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notifier {
    pub agent_id: u32,
    pub friendly_name: String,
    /// The agent's config without its prefix (`hook`, `method` for the webhook agent).
    pub config: Map<String, Value>,
    pub actions: BTreeMap<String, u32>,
    /// Per trigger: (subject, body). For the webhook agent the subject is the JSON headers.
    pub texts: BTreeMap<String, (String, String)>,
    pub custom_conditions: Value,
    pub custom_conditions_logic: String,
    /// Unix time of the last notification sent through it, and whether it succeeded.
    pub last_triggered: Option<i64>,
    pub last_success: Option<bool>,
}

impl Notifier {
    /// A new notifier of `agent_id`, as `add_notifier_config` makes it: default config,
    /// every trigger off, empty texts. None for an agent the fake does not know.
    pub fn of_agent(agent_id: u32) -> Option<Self> {
        agent(agent_id).map(Self::new)
    }

    fn new(agent: &Agent) -> Self {
        Self {
            agent_id: agent.id,
            friendly_name: String::new(),
            config: agent.defaults(),
            actions: ALL_TRIGGERS.iter().map(|t| (t.to_string(), 0)).collect(),
            texts: ALL_TRIGGERS
                .iter()
                .map(|t| (t.to_string(), (String::new(), String::new())))
                .collect(),
            custom_conditions: default_conditions(),
            custom_conditions_logic: String::new(),
            last_triggered: None,
            last_success: None,
        }
    }

    /// Another app's webhook notifier, as a user would have made it: on play, posting a
    /// small template to `hook`.
    pub fn webhook(friendly_name: &str, hook: &str) -> Self {
        let mut notifier = Self::new(&AGENTS[0]);
        notifier.friendly_name = friendly_name.to_string();
        notifier.config.insert("hook".into(), Value::from(hook));
        notifier.actions.insert("on_play".into(), 1);
        notifier.texts.insert(
            "on_play".into(),
            ("{}".into(), r#"{"text":"{title} started"}"#.into()),
        );
        notifier
    }

    /// An email notifier with an SMTP password (which Tautulli masks when showing it).
    pub fn email(friendly_name: &str, smtp_password: &str) -> Self {
        let mut notifier = Self::new(&AGENTS[1]);
        notifier.friendly_name = friendly_name.to_string();
        notifier
            .config
            .insert("smtp_password".into(), Value::from(smtp_password));
        notifier.actions.insert("on_stop".into(), 1);
        notifier
    }

    fn config_text(&self, key: &str) -> &str {
        self.config.get(key).and_then(Value::as_str).unwrap_or("")
    }

    /// The webhook agent's URL.
    pub fn hook(&self) -> &str {
        self.config_text("hook")
    }

    /// The webhook agent's HTTP method.
    pub fn method(&self) -> &str {
        self.config_text("method")
    }

    fn agent(&self) -> (&'static str, &'static str) {
        agent(self.agent_id).map_or(("unknown", "Unknown"), |a| (a.name, a.label))
    }

    /// One row of `get_notifiers`.
    pub fn row(&self, id: u32) -> Value {
        let (name, label) = self.agent();
        json!({"id": id, "agent_id": self.agent_id, "agent_name": name, "agent_label": label,
               "friendly_name": self.friendly_name, "last_triggered": self.last_triggered,
               "last_success": self.last_success.map(i32::from),
               "active": i32::from(self.actions.values().any(|on| *on == 1))})
    }

    /// `get_notifier_config`'s data: passwords masked, nothing else (the hook shows).
    pub fn shown(&self, id: u32) -> Value {
        let (name, label) = self.agent();
        let mut config = self.config.clone();
        for (key, value) in config.iter_mut() {
            let has_value = value.as_str().is_none_or(|text| !text.is_empty());
            if key.contains("password") && has_value {
                *value = Value::from(MASKED);
            }
        }
        let options: Vec<Value> = config
            .iter()
            .map(|(key, value)| json!({"label": key, "value": value, "name": format!("{name}_{key}")}))
            .collect();
        let texts: Map<String, Value> = self
            .texts
            .iter()
            .map(|(t, (s, b))| (t.clone(), json!({"subject": s, "body": b})))
            .collect();
        json!({"id": id, "agent_id": self.agent_id, "agent_name": name, "agent_label": label,
               "friendly_name": self.friendly_name, "custom_conditions": self.custom_conditions,
               "custom_conditions_logic": self.custom_conditions_logic, "config": config,
               "config_options": options, "actions": self.actions, "notify_text": texts})
    }
}
