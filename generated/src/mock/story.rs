//! One Item, one story: the mock's answers about one Item agree with each other, as Plaid's
//! sandbox does, although each comes from a different example of the spec.
//!
//! - **Accounts.** An Item's accounts are issued once, when an answer about it first names
//!   accounts: as many as the largest `accounts` list among the spec's default answers, with
//!   fresh ids, and that example's names, masks and official names. Every later answer about
//!   the Item has exactly those accounts (the i-th account of an answer's own example becomes
//!   the Item's i-th, wrapping around; its other fields stay the example's), and every
//!   `account_id` (or `account_ids` item) elsewhere in the answer is renamed the same way, so
//!   numbers, holdings and transactions point at accounts the Item has.
//! - **Institutions.** An institution id names one institution: the first name the mock
//!   answered for it (`name` or `institution_name` beside `institution_id`) is the name every
//!   later answer gives it.
//! - **Dates follow the request**: with a `start_date` and an `end_date`, the answer's dates
//!   fall between them.
//! - **A create follows what it names**: a request naming an object a family keeps
//!   (`authorization_id`) creates an object with that object's fields (amount, type, network).
//! - **Issued values are fresh**: request ids in every answer, a token an answer issues
//!   (`link_token`), and its `expiration`, 4 hours from now.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

/// The fields of an account that are its identity in every answer.
const ACCOUNT_IDENTITY: &[&str] = &["account_id", "name", "mask", "official_name"];

/// The template every Item's accounts are issued from: of the top-level `accounts` lists
/// (objects with an `account_id`) among the default answers, the one with the most kinds of
/// account (`type`), then the most accounts, so an Item looks like a bank's customer (checking,
/// card, loan) rather than one product's example.
fn template() -> &'static [Value] {
    static TEMPLATE: OnceLock<Vec<Value>> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let score = |accounts: &[Value]| {
            let kinds: std::collections::BTreeSet<&str> = accounts.iter().filter_map(|a| a.get("type").and_then(Value::as_str)).collect();
            (kinds.len(), accounts.len())
        };
        let mut best: Vec<Value> = Vec::new();
        for op in crate::operations() {
            let Some(answer) = crate::testing::default_answer(op.id).and_then(|text| serde_json::from_str::<Value>(text).ok()) else { continue };
            if let Some(Value::Array(accounts)) = answer.get("accounts") {
                if score(accounts) > score(&best) && accounts.iter().all(|a| a.get("account_id").is_some_and(Value::is_string)) {
                    best = accounts.clone();
                }
            }
        }
        best
    })
}

/// An Item's accounts: the template's identity fields, with fresh ids.
pub(crate) fn issue_accounts(fresh_id: impl Fn() -> String) -> Vec<Map<String, Value>> {
    template()
        .iter()
        .map(|account| {
            let mut identity = Map::new();
            for key in ACCOUNT_IDENTITY {
                if let Some(value) = account.get(*key) {
                    identity.insert(key.to_string(), value.clone());
                }
            }
            identity.insert("account_id".into(), Value::String(fresh_id()));
            identity
        })
        .collect()
}

/// Makes `answer` tell the Item's story: its `accounts` lists become the Item's accounts, and
/// every account id in it is renamed to the Item's.
pub(crate) fn tell_accounts(answer: &mut Value, accounts: &[Map<String, Value>]) {
    if accounts.is_empty() {
        return;
    }
    let mut renamed: HashMap<String, String> = HashMap::new();
    replace_account_lists(answer, accounts, &mut renamed);
    if !renamed.is_empty() {
        rename_ids(answer, &renamed);
    }
}

/// Every `accounts` list of objects with an `account_id`, at any depth, becomes one object per
/// Item account; `renamed` learns which example id became which.
fn replace_account_lists(value: &mut Value, accounts: &[Map<String, Value>], renamed: &mut HashMap<String, String>) {
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                let is_account_list = key == "accounts"
                    && matches!(child, Value::Array(list) if !list.is_empty() && list.iter().all(|a| a.get("account_id").is_some_and(Value::is_string)));
                if is_account_list {
                    if let Value::Array(list) = child {
                        *list = told(list, accounts, renamed);
                    }
                } else {
                    replace_account_lists(child, accounts, renamed);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| replace_account_lists(item, accounts, renamed)),
        _ => {}
    }
}

/// One account object per Item account: the example's i-th (wrapping) with the Item's identity.
fn told(example: &[Value], accounts: &[Map<String, Value>], renamed: &mut HashMap<String, String>) -> Vec<Value> {
    for (i, account) in example.iter().enumerate() {
        if let (Some(Value::String(from)), Some(Value::String(to))) = (account.get("account_id"), accounts[i % accounts.len()].get("account_id")) {
            renamed.entry(from.clone()).or_insert_with(|| to.clone());
        }
    }
    accounts
        .iter()
        .enumerate()
        .map(|(i, identity)| {
            let mut account = example[i % example.len()].clone();
            if let Value::Object(object) = &mut account {
                for (key, value) in identity {
                    if key == "account_id" || object.contains_key(key) {
                        object.insert(key.clone(), value.clone());
                    }
                }
            }
            account
        })
        .collect()
}

/// Renames every `account_id` value and `account_ids` item found in `renamed`.
fn rename_ids(value: &mut Value, renamed: &HashMap<String, String>) {
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                match (key.as_str(), &mut *child) {
                    ("account_id", Value::String(id)) => {
                        if let Some(to) = renamed.get(id.as_str()) {
                            *id = to.clone();
                        }
                    }
                    ("account_ids", Value::Array(ids)) => {
                        for id in ids.iter_mut() {
                            if let Some(to) = id.as_str().and_then(|s| renamed.get(s)) {
                                *id = Value::String(to.clone());
                            }
                        }
                    }
                    _ => rename_ids(child, renamed),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rename_ids(item, renamed)),
        _ => {}
    }
}

/// Gives every institution the answer names (an object with `institution_id` and `name` or
/// `institution_name`) the name `names` has for it, or records the answer's as its name.
pub(crate) fn tell_institutions(value: &mut Value, names: &mut HashMap<String, String>) {
    match value {
        Value::Object(object) => {
            if let Some(id) = object.get("institution_id").and_then(Value::as_str).map(str::to_string) {
                for key in ["name", "institution_name"] {
                    if let Some(Value::String(name)) = object.get_mut(key) {
                        match names.get(&id) {
                            Some(known) => *name = known.clone(),
                            None => {
                                names.insert(id.clone(), name.clone());
                            }
                        }
                    }
                }
            }
            object.values_mut().for_each(|child| tell_institutions(child, names));
        }
        Value::Array(items) => items.iter_mut().for_each(|item| tell_institutions(item, names)),
        _ => {}
    }
}

/// How long a token the mock issues lives: Plaid's link tokens expire after 4 hours.
pub(crate) const TOKEN_LIFETIME_SECS: i64 = 4 * 60 * 60;

/// Issued values are fresh: a top-level `*_token` the answer issues (one the request did not
/// send, shaped like Plaid's `link-sandbox-<uuid>`) gets a new uuid, and a top-level
/// `expiration` becomes `now` plus [`TOKEN_LIFETIME_SECS`], where the example's date is long past.
pub(crate) fn fresh_issued(answer: &mut Value, request: &Value, now_secs: i64, uuid: impl Fn() -> String) {
    let Value::Object(object) = answer else { return };
    for (key, value) in object.iter_mut() {
        let Value::String(text) = value else { continue };
        if key.ends_with("_token") && request.get(key).is_none() && environment_end(text).is_some() {
            let fresh = fresh_like(text, &uuid);
            *text = fresh;
        } else if key == "expiration" {
            if let Some(at) = rfc3339(now_secs.saturating_add(TOKEN_LIFETIME_SECS)) {
                *text = at;
            }
        }
    }
}

/// Where an example id's environment marker ends (`link-sandbox-`), if it has one.
fn environment_end(text: &str) -> Option<usize> {
    ["-sandbox-", "-production-", "-development-"].iter().find_map(|e| text.find(e).map(|at| at + e.len()))
}

/// A fresh id in the form of `example`: its `<kind>-sandbox-` part and a new UUID, or a bare
/// UUID when it has no environment marker.
pub(crate) fn fresh_like(example: &str, uuid: impl Fn() -> String) -> String {
    match environment_end(example) {
        Some(end) => format!("{}{}", &example[..end], uuid()),
        None => uuid(),
    }
}

/// A time as RFC 3339 in UTC, to the second.
pub(crate) fn rfc3339(secs: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(secs, 0).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Dates follow the request: when it names a `start_date` and an `end_date`, every date of the
/// answer (a `YYYY-MM-DD` text at a key `date` or `*_date`) outside that range is moved into
/// it, keeping its place in the example's cycle (`start + (date - start) mod span`), so
/// transactions asked for this month are this month's.
pub(crate) fn dates_within_request(answer: &mut Value, request: &Value) {
    let day = |key: &str| request.get(key).and_then(Value::as_str).and_then(|t| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok());
    let (Some(start), Some(end)) = (day("start_date"), day("end_date")) else { return };
    let span = (end - start).num_days().saturating_add(1);
    if span <= 0 {
        return;
    }
    move_dates(answer, start, end, span);
}

fn move_dates(value: &mut Value, start: chrono::NaiveDate, end: chrono::NaiveDate, span: i64) {
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                let is_date_key = key == "date" || key.ends_with("_date");
                match child {
                    Value::String(text) if is_date_key => {
                        let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") else { continue };
                        if date < start || date > end {
                            let offset = (date - start).num_days().rem_euclid(span);
                            if let Some(moved) = start.checked_add_signed(chrono::TimeDelta::days(offset)) {
                                *text = moved.format("%Y-%m-%d").to_string();
                            }
                        }
                    }
                    other => move_dates(other, start, end, span),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| move_dates(item, start, end, span)),
        _ => {}
    }
}

/// Fields never taken from a named object: its own identity and time.
fn taken(field: &str) -> bool {
    field != "id" && field != "created" && (field == "account_id" || !field.ends_with("_id"))
}

/// A create that follows an object takes its fields: when the request names, by `<key>_id`, an
/// object kept earlier (`authorization_id` of an `authorization`: `named` looks it up among the
/// families' kept objects, `mock::families`), every other top-level object of the answer takes
/// the values of the fields of the same name and JSON type that the named object has, at its
/// top level or one level down (`proposed_transfer.amount`).
pub(crate) fn take_named(answer: &mut Value, request: &Value, named: impl Fn(&str, &str) -> Option<Value>) {
    let Value::Object(object) = answer else { return };
    let named: Vec<(String, Value)> = request
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(field, value)| {
            let key = field.strip_suffix("_id")?;
            Some((key.to_string(), named(field, value.as_str()?)?))
        })
        .collect();
    for (key, kept) in &named {
        let find = |field: &str| -> Option<&Value> {
            kept.get(field).or_else(|| kept.as_object()?.values().filter_map(Value::as_object).find_map(|nested| nested.get(field)))
        };
        for (_, target) in object.iter_mut().filter(|(k, _)| *k != key) {
            let Value::Object(target) = target else { continue };
            for (field, value) in target.iter_mut().filter(|(f, _)| taken(f)) {
                if let Some(source) = find(field).filter(|s| std::mem::discriminant(*s) == std::mem::discriminant(&*value)) {
                    *value = source.clone();
                }
            }
        }
    }
}

/// A fresh top-level `request_id`, as Plaid gives every answer its own.
pub(crate) fn fresh_request_id(answer: &mut Value, id: String) {
    if let Some(slot @ Value::String(_)) = answer.get_mut("request_id") {
        *slot = Value::String(id);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn item_accounts() -> Vec<Map<String, Value>> {
        ["a-1", "a-2", "a-3"]
            .iter()
            .zip(["Checking", "Saving", "Card"])
            .map(|(id, name)| json!({ "account_id": id, "name": name, "mask": "0000" }).as_object().cloned().unwrap_or_default())
            .collect()
    }

    #[test]
    fn an_answer_gets_the_items_accounts_and_its_references_follow() {
        let mut answer = json!({
            "accounts": [{ "account_id": "ex-1", "name": "Example", "mask": "9606", "balances": { "current": 1 } }],
            "numbers": { "ach": [{ "account_id": "ex-1", "routing": "011" }] },
            "request_id": "same",
        });
        tell_accounts(&mut answer, &item_accounts());
        let ids: Vec<&str> = answer["accounts"].as_array().into_iter().flatten().filter_map(|a| a["account_id"].as_str()).collect();
        assert_eq!(ids, ["a-1", "a-2", "a-3"]);
        assert_eq!(answer["accounts"][1]["name"], "Saving");
        assert_eq!(answer["accounts"][2]["balances"]["current"], 1, "the example's other fields stay");
        assert_eq!(answer["numbers"]["ach"][0]["account_id"], "a-1");
        fresh_request_id(&mut answer, "r-9".into());
        assert_eq!(answer["request_id"], "r-9");
    }

    #[test]
    fn issued_tokens_are_fresh_and_expire_from_now() {
        let example = json!({ "link_token": "link-sandbox-af1a0311-da53-4636-b754-dd15cc058176", "expiration": "2020-03-27T12:56:34Z", "access_token": "access-sandbox-x" });
        let mut answer = example.clone();
        fresh_issued(&mut answer, &json!({ "access_token": "access-sandbox-x" }), 1_800_000_000, || "new-uuid".into());
        assert_eq!(answer["link_token"], "link-sandbox-new-uuid");
        assert_eq!(answer["expiration"], "2027-01-15T12:00:00Z");
        assert_eq!(answer["access_token"], "access-sandbox-x", "a token the request sent is not issued");
    }

    #[test]
    fn dates_fall_within_the_range_asked_for() {
        let mut answer = json!({ "investment_transactions": [{ "date": "2020-05-27", "settled_date": "2026-11-20" }, { "date": "2026-11-03" }], "start_date": "2020-01-01" });
        dates_within_request(&mut answer, &json!({ "start_date": "2026-11-01", "end_date": "2026-11-30" }));
        for date in [&answer["investment_transactions"][0]["date"], &answer["investment_transactions"][1]["date"], &answer["investment_transactions"][0]["settled_date"]] {
            let text = date.as_str().unwrap_or_default();
            assert!(("2026-11-01"..="2026-11-30").contains(&text), "{text}");
        }
        assert_eq!(answer["investment_transactions"][1]["date"], "2026-11-03", "a date in range stays");
        let mut untouched = json!({ "date": "2020-05-27" });
        dates_within_request(&mut untouched, &json!({}));
        assert_eq!(untouched["date"], "2020-05-27");
    }

    #[test]
    fn a_create_takes_the_fields_of_the_object_it_names() {
        let authorization = json!({ "id": "auth-1", "created": "2020-08-06T17:27:15Z", "proposed_transfer": { "amount": "1.00", "type": "debit", "network": "ach", "account_id": "a-1" } });
        let kept = |key: &str, id: &str| (key == "authorization_id" && id == "auth-1").then(|| authorization.clone());
        let mut transfer = json!({ "transfer": { "id": "t-1", "created": "2020-01-01T00:00:00Z", "amount": "12.34", "type": "credit", "network": "rtp", "account_id": "a-9", "authorization_id": "auth-1", "description": "Debit" } });
        take_named(&mut transfer, &json!({ "authorization_id": "auth-1", "description": "Debit" }), kept);
        let t = &transfer["transfer"];
        assert_eq!((t["amount"].as_str(), t["type"].as_str(), t["network"].as_str(), t["account_id"].as_str()), (Some("1.00"), Some("debit"), Some("ach"), Some("a-1")));
        assert_eq!((t["id"].as_str(), t["created"].as_str()), (Some("t-1"), Some("2020-01-01T00:00:00Z")), "its own id and time stay");
    }

    #[test]
    fn an_institution_keeps_its_first_name() {
        let mut names = HashMap::new();
        let mut item = json!({ "item": { "institution_id": "ins_1", "institution_name": "First Platypus Bank" } });
        tell_institutions(&mut item, &mut names);
        let mut institution = json!({ "institution": { "institution_id": "ins_1", "name": "Houndstooth Bank" } });
        tell_institutions(&mut institution, &mut names);
        assert_eq!(institution["institution"]["name"], "First Platypus Bank");
    }
}
