//! Resource families: the objects a test made, kept by the mock so that get, update, list,
//! cancel, simulate and the event feeds answer about them. The generator decided each member's
//! rule from the spec's structure (`passes::mock::families`, written into
//! `gen::testing::RULES`); this file only carries them out.

use std::collections::HashMap;

use serde_json::Value;

use crate::mock::follow::set_at;

/// A kept object: its id, the object as answered, and the request that made it (for what the
/// object has no field for).
struct Kept {
    id: String,
    /// The request field that names it (`transfer_id`).
    key: Option<String>,
    object: Value,
    asked: Value,
}

impl Kept {
    /// Writes the object into an answer (or a list item) as a get, update or list rule says:
    /// its fields, then what only the create's request said.
    fn show(&self, rule: &Value, target: &mut Value) {
        copy(pairs(rule, "fields"), &self.object, target);
        copy(pairs(rule, "asked"), &self.asked, target);
    }
}

/// Something done to a kept object, for the family's event feeds.
struct Event {
    seq: u64,
    id: String,
    kind: String,
    secs: i64,
}

/// What a refused state change answers: Plaid's error type and code.
pub(crate) struct Refusal {
    pub(crate) error_type: String,
    pub(crate) error_code: String,
}

/// Every family's kept objects and events.
#[derive(Default)]
pub(crate) struct Families {
    kept: HashMap<String, Vec<Kept>>,
    events: HashMap<String, Vec<Event>>,
    seq: u64,
}

fn text(rule: &Value, key: &str) -> Option<String> {
    rule.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A rule's `[[from, to], ...]` pointer pairs.
fn pairs<'r>(rule: &'r Value, key: &str) -> impl Iterator<Item = (&'r str, &'r str)> {
    rule.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(|pair| Some((pair.get(0)?.as_str()?, pair.get(1)?.as_str()?)))
}

/// Copies each pair's value that `source` has into `target`.
fn copy<'r>(pairs: impl Iterator<Item = (&'r str, &'r str)>, source: &Value, target: &mut Value) {
    for (from, to) in pairs {
        if let Some(value) = source.pointer(from) {
            set_at(target, to, value.clone());
        }
    }
}

/// The first item of a list in `operation`'s default answer: what an answer's items are made
/// from when the kept objects are not of the item type.
fn template(operation: &str, list: &str) -> Option<Value> {
    let answer: Value = serde_json::from_str(crate::testing::default_answer(operation)?).ok()?;
    answer.pointer(list)?.as_array()?.first().cloned()
}

/// `count` items from `offset` (each read from the request where the rule says), or all.
fn page(items: Vec<Value>, request: &Value, count: Option<String>, offset: Option<String>) -> Vec<Value> {
    let number = |at: Option<String>| at.and_then(|p| request.pointer(&p)?.as_u64()).and_then(|n| usize::try_from(n).ok());
    let skip = number(offset).unwrap_or(0);
    let take = number(count).unwrap_or(usize::MAX);
    items.into_iter().skip(skip).take(take).collect()
}

/// Whether `object` has every value the request asks for at the rule's `[asked, field]` pairs
/// under `key` (a field the request leaves out or sends as `null` asks for nothing).
fn asked_for(rule: &Value, key: &str, request: &Value, object: &Value) -> bool {
    pairs(rule, key).all(|(asked, field)| request.pointer(asked).filter(|v| !v.is_null()).is_none_or(|v| object.pointer(field) == Some(v)))
}

/// Whether `object`'s time (the rule's `range.at`) is within the request's start and end, each
/// when given; times compare as instants, a date as its first instant.
fn within(rule: &Value, request: &Value, object: &Value) -> bool {
    let Some(range) = rule.get("range").filter(|r| r.is_object()) else { return true };
    let time = |value: Option<&Value>| value.and_then(Value::as_str).and_then(instant);
    let Some(at) = text(range, "at").and_then(|p| time(object.pointer(&p))) else { return true };
    let bound = |key: &str| text(range, key).and_then(|p| time(request.pointer(&p)));
    bound("start").is_none_or(|start| at >= start) && bound("end").is_none_or(|end| at <= end)
}

/// An RFC 3339 time or a `YYYY-MM-DD` date (its first instant, UTC) as seconds.
fn instant(text: &str) -> Option<i64> {
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(time.timestamp());
    }
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
}

impl Families {
    /// Applies `operation`'s family rule to its default answer: a create keeps the object it
    /// answers, get and update answer a kept object, list and the event feeds answer what is
    /// kept. `fresh_id` makes an id in the form of the example's.
    pub(crate) fn answer(&mut self, operation: &str, rules: &Value, request: &Value, answer: &mut Value, now_secs: i64, fresh_id: impl Fn(&str) -> String) {
        if let Some(rule) = rules.get("create") {
            self.create(rule, request, answer, now_secs, fresh_id);
        } else if let Some(rule) = rules.get("get") {
            self.get(rule, request, answer, false);
        } else if let Some(rule) = rules.get("update") {
            self.get(rule, request, answer, true);
        } else if let Some(rule) = rules.get("list") {
            self.list(operation, rule, request, answer);
        } else if let Some(rule) = rules.get("events") {
            self.events(operation, rule, request, answer);
        }
    }

    fn create(&mut self, rule: &Value, request: &Value, answer: &mut Value, now_secs: i64, fresh_id: impl Fn(&str) -> String) {
        let (Some(family), Some(at), Some(id_field)) = (text(rule, "family"), text(rule, "object"), text(rule, "id")) else { return };
        let Some(object) = answer.pointer_mut(&at).filter(|o| o.is_object()) else { return };
        copy(pairs(rule, "take"), request, object);
        if let (Some(status), Some(fields)) = (text(rule, "status"), object.as_object_mut()) {
            fields.insert("status".into(), status.into());
        }
        if let (Some(at), Some(now)) = (text(rule, "now"), crate::mock::story::rfc3339(now_secs)) {
            set_at(object, &at, now.into());
        }
        let id = fresh_id(object.get(&id_field).and_then(Value::as_str).unwrap_or_default());
        if let Some(fields) = object.as_object_mut() {
            fields.insert(id_field, id.clone().into());
        }
        let kind = object.get("status").and_then(Value::as_str).unwrap_or("created").to_string();
        let kept = Kept { id: id.clone(), key: text(rule, "key"), object: object.clone(), asked: request.clone() };
        self.kept.entry(family.clone()).or_default().push(kept);
        self.record(&family, &id, &kind, now_secs);
    }

    /// Get, or update (which first changes the kept object): the answer takes the kept
    /// object's fields, then what only the create's request said.
    fn get(&mut self, rule: &Value, request: &Value, answer: &mut Value, update: bool) {
        let (Some(family), Some(by)) = (text(rule, "family"), text(rule, "by")) else { return };
        let Some(wanted) = request.pointer(&by).and_then(Value::as_str) else { return };
        let Some(kept) = self.kept.get_mut(&family).and_then(|all| all.iter_mut().find(|k| k.id == wanted)) else { return };
        if update {
            copy(pairs(rule, "take"), request, &mut kept.object);
        }
        kept.show(rule, answer);
    }

    /// The kept objects, once there are any, that match the request's filters, paged.
    fn list(&self, operation: &str, rule: &Value, request: &Value, answer: &mut Value) {
        let (Some(family), Some(at)) = (text(rule, "family"), text(rule, "list")) else { return };
        let Some(all) = self.kept.get(&family).filter(|all| !all.is_empty()) else { return };
        let base = template(operation, &at).unwrap_or(Value::Object(Default::default()));
        let items: Vec<Value> = all
            .iter()
            .filter(|kept| asked_for(rule, "filters", request, &kept.object) && within(rule, request, &kept.object))
            .map(|kept| {
                let mut item = base.clone();
                kept.show(rule, &mut item);
                item
            })
            .collect();
        let total = items.len();
        let paging = rule.get("page").filter(|p| p.is_object());
        let items = match paging {
            Some(p) => page(items, request, text(p, "count"), text(p, "offset")),
            None => items,
        };
        set_at(answer, &at, Value::Array(items));
        if let Some(total_at) = paging.and_then(|p| text(p, "total")) {
            set_at(answer, &total_at, total.into());
        }
    }

    /// A family's event list or sync: what was done to its kept objects, once there is
    /// anything, filtered and paged as the request asks.
    fn events(&self, operation: &str, rule: &Value, request: &Value, answer: &mut Value) {
        let (Some(family), Some(at), Some(id_at)) = (text(rule, "family"), text(rule, "list"), text(rule, "id")) else { return };
        let Some(events) = self.events.get(&family).filter(|e| !e.is_empty()) else { return };
        let Some(base) = template(operation, &at) else { return };
        let kinds: Vec<&str> = rule.get("kinds").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let after = text(rule, "after").and_then(|p| request.pointer(&p)?.as_u64());
        let kept = self.kept.get(&family);
        let items: Vec<Value> = events
            .iter()
            .filter(|e| kinds.is_empty() || kinds.contains(&e.kind.as_str()))
            .filter(|e| after.is_none_or(|after| e.seq > after))
            .filter_map(|e| {
                let mut item = base.clone();
                if let Some(object) = kept.and_then(|all| all.iter().find(|k| k.id == e.id)) {
                    copy(pairs(rule, "fields"), &object.object, &mut item);
                }
                set_at(&mut item, "/event_id", e.seq.into());
                set_at(&mut item, "/event_type", e.kind.clone().into());
                set_at(&mut item, "/timestamp", crate::mock::story::rfc3339(e.secs)?.into());
                set_at(&mut item, &id_at, e.id.clone().into());
                Some(item)
            })
            .filter(|item| asked_for(rule, "equal", request, item) && within(rule, request, item))
            .filter(|item| {
                pairs(rule, "within").all(|(asked, field)| match request.pointer(asked).and_then(Value::as_array).filter(|l| !l.is_empty()) {
                    Some(listed) => item.pointer(field).is_some_and(|v| listed.contains(v)),
                    None => true,
                })
            })
            .collect();
        let total = items.len();
        let items = page(items, request, text(rule, "count"), text(rule, "offset"));
        if let Some(more) = text(rule, "has_more") {
            let skipped = text(rule, "offset").and_then(|p| request.pointer(&p)?.as_u64()).unwrap_or(0);
            let shown = u64::try_from(items.len()).unwrap_or(u64::MAX).saturating_add(skipped);
            set_at(answer, &more, (u64::try_from(total).unwrap_or(u64::MAX) > shown).into());
        }
        set_at(answer, &at, Value::Array(items));
    }

    /// The kept object that a request field (`authorization_id`) names by its id.
    pub(crate) fn named(&self, key: &str, id: &str) -> Option<Value> {
        self.kept.values().flatten().find(|k| k.id == id && k.key.as_deref() == Some(key)).map(|k| k.object.clone())
    }

    /// The state changes (`cancel`, `simulate`) of `operation`, on the kept object the request
    /// names; a refusal when Plaid would refuse. An object the mock does not keep is left alone.
    pub(crate) fn change_state(&mut self, rules: &Value, request: &Value, now_secs: i64) -> Option<Refusal> {
        let (rule, cancel) = match (rules.get("cancel"), rules.get("simulate")) {
            (Some(rule), _) => (rule, true),
            (None, Some(rule)) => (rule, false),
            (None, None) => return None,
        };
        let (family, by) = (text(rule, "family")?, text(rule, "by")?);
        let wanted = request.pointer(&by).and_then(Value::as_str)?.to_string();
        let flag = text(rule, "flag");
        let kept = self.kept.get_mut(&family)?.iter_mut().find(|k| k.id == wanted)?;
        let object = kept.object.as_object_mut()?;
        let kind = if cancel {
            if flag.as_ref().and_then(|f| object.get(f)).and_then(Value::as_bool) == Some(false) {
                return Some(Refusal { error_type: text(rule, "error_type")?, error_code: text(rule, "error_code")? });
            }
            let status = text(rule, "status");
            if let Some(status) = &status {
                object.insert("status".into(), status.clone().into());
            }
            if let Some(flag) = flag {
                object.insert(flag, false.into());
            }
            status.unwrap_or_else(|| "cancelled".into())
        } else {
            let event = text(rule, "event").and_then(|at| request.pointer(&at)?.as_str().map(str::to_string))?;
            let known = rule.get("statuses").and_then(Value::as_array).is_some_and(|all| all.iter().any(|s| s.as_str() == Some(event.as_str())));
            if known {
                object.insert("status".into(), event.clone().into());
                if let Some(flag) = flag {
                    object.insert(flag, (event == "pending").into());
                }
            }
            event
        };
        self.record(&family, &wanted, &kind, now_secs);
        None
    }

    fn record(&mut self, family: &str, id: &str, kind: &str, secs: i64) {
        self.seq = self.seq.saturating_add(1);
        let event = Event { seq: self.seq, id: id.to_string(), kind: kind.to_string(), secs };
        self.events.entry(family.to_string()).or_default().push(event);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Families;

    fn sequential() -> impl Fn(&str) -> String {
        let n = std::cell::Cell::new(0);
        move |_| {
            n.set(n.get() + 1);
            format!("obj-{}", n.get())
        }
    }

    #[test]
    fn a_created_object_takes_the_request_and_get_list_and_update_answer_it() {
        let mut families = Families::default();
        let create = json!({ "create": { "family": "/w", "object": "", "id": "id", "key": "w_id", "take": [["/terms/name", "/terms/name"], ["/owner", "/owner"]], "status": "pending" } });
        let fresh = sequential();
        for (name, owner) in [("Ada", "u-1"), ("Bob", "u-2"), ("Cy", "u-1")] {
            let mut made = json!({ "id": "example", "terms": { "name": "Example", "program": "p-1" }, "owner": "x", "status": "cleared" });
            families.answer("c", &create, &json!({ "terms": { "name": name }, "owner": owner }), &mut made, 0, &fresh);
        }
        let get = json!({ "get": { "family": "/w", "by": "/w_id", "fields": [["/terms", "/terms"], ["/status", "/status"]], "asked": [] } });
        let mut got = json!({ "terms": { "name": "Example" }, "status": "cleared" });
        families.answer("g", &get, &json!({ "w_id": "obj-1" }), &mut got, 0, &fresh);
        assert_eq!((got["terms"]["name"].as_str(), got["status"].as_str()), (Some("Ada"), Some("pending")));
        // What a create made is there for a later request that names it.
        assert!(families.named("w_id", "obj-1").is_some_and(|kept| kept["terms"]["name"] == "Ada"));
        assert!(families.named("other_id", "obj-1").is_none());
        let update = json!({ "update": { "family": "/w", "by": "/w_id", "take": [["/terms/name", "/terms/name"]], "fields": [["/terms", "/terms"]], "asked": [] } });
        let mut updated = json!({ "terms": {} });
        families.answer("u", &update, &json!({ "w_id": "obj-1", "terms": { "name": "Ada L." } }), &mut updated, 0, &fresh);
        assert_eq!(updated["terms"]["name"], "Ada L.");
        let list = json!({ "list": { "family": "/w", "list": "/ws", "fields": [["/id", "/id"], ["/terms", "/terms"]], "asked": [],
            "filters": [["/owner", "/owner"], ["/program", "/terms/program"]], "page": { "count": "/count", "offset": "/offset", "total": "/total" } } });
        let mut listed = json!({ "ws": [], "total": 0 });
        families.answer("l", &list, &json!({ "owner": "u-1", "program": "p-1", "count": 1, "offset": 1 }), &mut listed, 0, &fresh);
        assert_eq!((listed["ws"].as_array().map(Vec::len), &listed["ws"][0]["id"], &listed["total"]), (Some(1), &json!("obj-3"), &json!(2)));
        let mut none = json!({ "ws": [] });
        families.answer("l", &list, &json!({ "owner": "u-9" }), &mut none, 0, &fresh);
        assert_eq!(none["ws"], json!([]));
    }
}
