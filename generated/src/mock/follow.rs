//! The `testing` mock's default answers follow the request, by rules the generator decided from
//! each operation's types (`passes::mock::follow`, written into `gen::testing::RULES`): optional
//! data filled in when an `include_*` option asks for it and left out when it is off, fields
//! and lists echoed from the request, one answer item per request item, lists filtered by the
//! ids asked for, and `count` and `offset` honoured over a pool of items made from the example.

use serde_json::Value;

/// Where `operation` rotates a token, if it does: the request's pointer to the old token and
/// the answer's to the new one.
pub(crate) fn rotation(operation: &str) -> Option<(&'static str, &'static str)> {
    let rotate = crate::mock::check::rules()?.answers(operation)?.get("rotate")?;
    Some((rotate.get("old")?.as_str()?, rotate.get("new")?.as_str()?))
}

/// The answer with every optional field filled, decided at regen, when the request asks for
/// optional data; it replaces the default answer, so it comes before every other rule.
/// Then what an option that is off would add is left out (`primary_color` without
/// `include_optional_metadata`).
pub(crate) fn include(operation: &str, request: &Value, answer: &mut Value) {
    let Some(include) = crate::mock::check::rules().and_then(|r| r.answers(operation)).and_then(|rules| rules.get("include")) else { return };
    let on = |pointer: &str| request.pointer(pointer) == Some(&Value::Bool(true));
    let asked = include.get("flags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).any(on);
    if let (true, Some(full)) = (asked, include.get("answer")) {
        *answer = full.clone();
    }
    for option in include.get("leave_out").and_then(Value::as_array).into_iter().flatten() {
        if option.get("flag").and_then(Value::as_str).is_some_and(on) {
            continue;
        }
        for pattern in option.get("fields").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            let segments: Vec<&str> = pattern.split('/').skip(1).collect();
            remove_at(answer, &segments);
        }
    }
}

/// Removes the field at a pointer pattern (`*` for every item of a list).
fn remove_at(value: &mut Value, segments: &[&str]) {
    match (segments, value) {
        ([last], Value::Object(object)) => {
            object.remove(&last.replace("~1", "/").replace("~0", "~"));
        }
        (["*", rest @ ..], Value::Array(items)) => items.iter_mut().for_each(|item| remove_at(item, rest)),
        ([first, rest @ ..], Value::Object(object)) => {
            if let Some(child) = object.get_mut(&first.replace("~1", "/").replace("~0", "~")) {
                remove_at(child, rest);
            }
        }
        _ => {}
    }
}

/// One answer item per request item (`transactions` in, `enriched_transactions` out): the
/// example's items in turn, each with the request item's fields of the same name and type.
fn each(rule: &Value, request: &Value, answer: &mut Value) {
    let (Some(from), Some(to)) = (rule.get("from").and_then(Value::as_str), rule.get("to").and_then(Value::as_str)) else { return };
    let Some(asked) = request.pointer(from).and_then(Value::as_array) else { return };
    let Some(Value::Array(items)) = answer.pointer_mut(to) else { return };
    if items.is_empty() {
        return;
    }
    let example = std::mem::take(items);
    for (i, source) in asked.iter().enumerate() {
        let mut item = example[i % example.len()].clone();
        for pair in rule.get("fields").and_then(Value::as_array).into_iter().flatten() {
            let (Some(field_from), Some(field_to)) = (pair.get(0).and_then(Value::as_str), pair.get(1).and_then(Value::as_str)) else { continue };
            if let Some(value) = source.pointer(field_from) {
                set_at(&mut item, field_to, value.clone());
            }
        }
        items.push(item);
    }
}

/// Applies `operation`'s rules that shape an answer by the request: fields echoed, lists
/// filtered by the ids asked for, pages.
pub(crate) fn apply(operation: &str, request: &Value, answer: &mut Value) {
    let Some(rules) = crate::mock::check::rules().and_then(|r| r.answers(operation)) else { return };
    for pair in rules.get("echo").and_then(Value::as_array).into_iter().flatten() {
        let (Some(from), Some(to)) = (pair.get(0).and_then(Value::as_str), pair.get(1).and_then(Value::as_str)) else { continue };
        if let Some(value) = request.pointer(from).filter(|v| !v.is_null()) {
            set_at(answer, to, value.clone());
        }
    }
    for rule in rules.get("each").and_then(Value::as_array).into_iter().flatten() {
        each(rule, request, answer);
    }
    for filter in rules.get("filter").and_then(Value::as_array).into_iter().flatten() {
        let text = |key: &str| filter.get(key).and_then(Value::as_str);
        let (Some(ids), Some(list), Some(key)) = (text("ids"), text("list"), text("key")) else { continue };
        let Some(wanted) = request.pointer(ids).and_then(Value::as_array).filter(|ids| !ids.is_empty()) else { continue };
        if let Some(Value::Array(items)) = answer.pointer_mut(list) {
            items.retain(|item| item.get(key).is_some_and(|id| wanted.contains(id)));
        }
    }
    if let Some(page) = rules.get("page") {
        paginate(page, request, answer);
    }
}

/// Puts `value` at `pointer`, adding the last key when its object is there (an optional field
/// the default answer leaves out is still the answer's).
pub(crate) fn set_at(answer: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = answer.pointer_mut(pointer) {
        *slot = value;
        return;
    }
    let Some((parent, key)) = pointer.rsplit_once('/') else { return };
    if let Some(Value::Object(object)) = answer.pointer_mut(parent) {
        object.insert(key.replace("~1", "/").replace("~0", "~"), value);
    }
}

/// `count` items from `offset` of the pool: the example's items, then copies of them with
/// their own id suffixed `-<n>`; the total is the pool's size. Only when the request pages.
fn paginate(page: &Value, request: &Value, answer: &mut Value) {
    let number = |key: &str| page.get(key).and_then(Value::as_str).and_then(|p| request.pointer(p)).and_then(Value::as_u64);
    let (count, offset) = (number("count"), number("offset"));
    if count.is_none() && offset.is_none() {
        return;
    }
    let Some(list) = page.get("list").and_then(Value::as_str) else { return };
    let total_at = page.get("total").and_then(Value::as_str);
    let example_total = total_at.and_then(|t| answer.pointer(t)).and_then(Value::as_u64).unwrap_or(0);
    let Some(Value::Array(items)) = answer.pointer_mut(list) else { return };
    let example = std::mem::take(items);
    let pool_size = page.get("pool").and_then(Value::as_u64).unwrap_or(0);
    // An empty example (or one the filters emptied) has nothing to copy: the pool is empty.
    let size = if example.is_empty() { 0 } else { pool_size.max(example_total).max(example.len() as u64) };
    let id = page.get("id").and_then(Value::as_str);
    let offset = offset.unwrap_or(0);
    let end = count.map_or(size, |c| offset.saturating_add(c).min(size));
    for n in offset..end {
        let Some(mut item) = usize::try_from(n).ok().and_then(|i| example.get(i % example.len().max(1))).cloned() else { break };
        if n >= example.len() as u64 {
            if let Some(slot) = id.and_then(|key| item.get_mut(key)).filter(|v| v.is_string()) {
                *slot = Value::String(format!("{}-{n}", slot.as_str().unwrap_or_default()));
            }
        }
        items.push(item);
    }
    if let Some(total) = total_at.and_then(|t| answer.pointer_mut(t)).filter(|v| v.is_number()) {
        *total = size.into();
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn a_page_is_count_items_from_offset_of_the_pool_and_the_total_its_size() {
        let page = json!({ "count": "/options/count", "offset": "/options/offset", "list": "/things", "total": "/total", "id": "thing_id", "pool": 5 });
        let example = json!({ "things": [{ "thing_id": "a", "kind": "x" }, { "thing_id": "b", "kind": "y" }], "total": 2 });
        let mut answer = example.clone();
        super::paginate(&page, &json!({ "options": { "count": 3, "offset": 1 } }), &mut answer);
        let ids: Vec<&str> = answer["things"].as_array().map(|l| l.iter().filter_map(|t| t["thing_id"].as_str()).collect()).unwrap_or_default();
        assert_eq!((ids, &answer["total"]), (vec!["b", "a-2", "b-3"], &json!(5)));
        // Past the end: a short page, then an empty one.
        let mut answer = example.clone();
        super::paginate(&page, &json!({ "options": { "count": 3, "offset": 4 } }), &mut answer);
        assert_eq!(answer["things"].as_array().map(Vec::len), Some(1));
        let mut answer = example.clone();
        super::paginate(&page, &json!({ "options": { "offset": 9 } }), &mut answer);
        assert_eq!(answer["things"], json!([]));
        // A request that does not page gets the example.
        let mut answer = example.clone();
        super::paginate(&page, &json!({}), &mut answer);
        assert_eq!(answer, example);
    }
}
