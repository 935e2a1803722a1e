//! Resource families: the operations on one kind of object under one path prefix, whose
//! objects the mock keeps, so that what a test made is what it reads back. Decided from the
//! structure of each member's types (no Plaid path is named):
//!
//! - **The family.** `<prefix>create` makes the object: a top-level struct field of its answer
//!   with a text id (`transfer` with `id`), named by the other members as `<field>_id`; or,
//!   when there is none, the answer itself, named by the one required text field ending in
//!   `_id` or `_token` that its get (or update) sends (`recipient_id`, `link_token`,
//!   `watchlist_screening_id` for an answer whose id is `id`). Members are siblings of the
//!   create (`get`, `update`, `list`, `cancel`), `/sandbox<prefix>simulate`, and the event list
//!   and sync (`<prefix>event/list`, `<prefix>event/sync`).
//! - **Create** gives the object a fresh id (in the example id's form: `<kind>-sandbox-<uuid>`
//!   stays so) and keeps it; the object takes the request's fields of the same JSON name and
//!   type, nested objects included (`pairs`), and starts in the status its enum documents
//!   for a new object (`initial_status`). What the request says that the object has no field
//!   for (a recipient's `name` and `bacs`) is kept beside it.
//! - **Get** answers the kept object of the id asked for: the same type whole, else field by
//!   field (`pairs`), from the object and then from the create's request.
//! - **Update** (naming the object the same way) changes the kept object with the request's
//!   fields of the same name and type, and answers as get does.
//! - **List** answers the kept objects once there are any, built as get builds its answer,
//!   keeping those that match the request's text, number and enum fields the object also has
//!   (`client_user_id`, `search_terms.watchlist_program_id`) and whose creation time (or the
//!   field `<x>`) falls within the request's `start_<x>` and `end_<x>` (`range_rule`), and
//!   honouring `count` and `offset` over them when the pagination pass found the list paged so.
//!   A create sets the object's creation time (`created`, `created_at`) to now.
//! - **Cancel** and **simulate** change a kept object's state: cancel sets `cancelled` and fails
//!   as Plaid does, `<FAMILY>_NOT_CANCELLABLE` of type `<FAMILY>_ERROR`, once its `cancellable`
//!   is false; simulate (with an `event_type`) sets `status` to the event when the status's
//!   values list it, `cancellable` true only while `pending`.
//! - **Events** record what was done to the kept objects: created (in its initial status),
//!   simulated and cancelled. An event list or sync answer lists them (items with an integer
//!   `event_id`, an `event_type`, a `timestamp`, the object's id, and the object's fields of the
//!   same name or prefixed with the family's name: `bank_transfer_amount` from `amount`),
//!   filtered by the request's fields the events have (`bank_transfer_id`, `account_id`) and
//!   its `<field>s` lists (`event_types`), from `after_id`, `offset` and `count`.

use serde_json::{json, Value};

use super::follow::{offset_at, paging_pointers};
use super::shape::{echoable, enum_values, pairs, pairs_json, struct_fields, top_pointer, Pair};
use crate::graph::TypeIndex;
use crate::ir::{Field, Operation, TypeKind, TypeRef};

/// The status a new object starts in, of its status enum's values. Looking at Plaid's
/// families: a transfer's `pending` is documented as "a new transfer was created", a payment's
/// `PAYMENT_STATUS_INPUT_NEEDED` as "the initial state", a hit's states "begin in"
/// `pending_review`, an identity verification's first value is `active`, and a screening's
/// values (`rejected`, `pending_review`, `cleared`) list the rejection first. So: the value
/// that a line of the docs both names (in backticks) and calls initial, new, created or where
/// objects begin; else the first value named `pending…`, `active`, `created` or `new`; else
/// the first value.
pub(super) fn initial_status(docs: &str, values: &[String]) -> Option<String> {
    const SAYS_NEW: [&str; 6] = ["initial", "new", "created", "begin", "begins", "starts"];
    for line in docs.lines() {
        let lower = line.to_ascii_lowercase();
        let says_new = lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| SAYS_NEW.contains(&w));
        if !says_new {
            continue;
        }
        let named = line.split('`').skip(1).step_by(2).find(|quoted| values.iter().any(|v| v == quoted));
        if let Some(value) = named {
            return Some(value.to_string());
        }
    }
    let is_new = |v: &&String| {
        let lower = v.to_ascii_lowercase();
        lower.starts_with("pending") || ["active", "created", "new"].contains(&lower.as_str())
    };
    values.iter().find(is_new).or(values.first()).cloned()
}

/// A kept object's top-level `status` enum: its values, and its docs with each value's own.
fn status_of(index: &TypeIndex<'_>, object: &TypeRef) -> Option<(Vec<String>, String)> {
    let field = struct_fields(index, Some(object)).iter().find(|f| f.wire == "status")?;
    let def = index.definition(&field.ty)?;
    let TypeKind::Enum(e) = &def.kind else { return None };
    let mut docs = def.docs.clone().unwrap_or_default();
    for v in &e.variants {
        if let Some(d) = &v.docs {
            docs.push_str(&format!("\n`{}`: {d}", v.wire));
        }
    }
    Some((e.variants.iter().map(|v| v.wire.clone()).collect(), docs))
}

/// Where a family's object is and how the members name it.
struct Object<'a> {
    /// Its pointer in the create's answer (`/transfer`, or `` for the answer itself).
    at: String,
    ty: &'a TypeRef,
    /// Its id field.
    id: String,
    /// The request field that names it (`transfer_id`).
    key: String,
}

/// The families of `ops`, as `(operation id, rule)`.
pub fn families(index: &TypeIndex<'_>, ops: &[&Operation]) -> Vec<(String, Value)> {
    let top = |ty: Option<&TypeRef>| struct_fields(index, ty).iter();
    let text = |f: &Field| *index.underlying(&f.ty) == TypeRef::String;
    let mut out = Vec::new();
    for create in ops.iter().filter(|o| o.path.ends_with("/create")) {
        let (Some(asked), Some(answer)) = (create.request.as_ref(), create.response.as_ref()) else { continue };
        let prefix = &create.path[..create.path.len() - "create".len()];
        let sibling = |last: &str| ops.iter().find(|o| o.path == format!("{prefix}{last}"));
        let Some(object) = find_object(index, answer, &[sibling("get"), sibling("update")].into_iter().flatten().copied().collect::<Vec<_>>()) else { continue };
        let family = prefix.trim_end_matches('/').to_string();
        let names_it = |o: &&&Operation| top(o.request.as_ref()).any(|f| f.wire == object.key && text(f));
        let by = top_pointer(&object.key);
        let status = status_of(index, object.ty);
        let take = pairs(index, asked, object.ty, "", &[]);
        let initial = status.as_ref().and_then(|(values, docs)| initial_status(docs, values));
        let now = creation_time(index, object.ty);
        let mut members = vec![(
            create.id.clone(),
            json!({ "create": { "family": family, "object": object.at, "id": object.id, "key": object.key, "take": pairs_json(&take), "status": initial, "now": now } }),
        )];
        // What get, update and list answer: the object's fields, then what only the create's
        // request said.
        let answer_rule = |to: &TypeRef, at: &str| {
            if index.underlying(to) == index.underlying(object.ty) {
                return json!({ "fields": [["", at]], "asked": [] });
            }
            let from_object: Vec<Pair> = pairs(index, object.ty, to, "", &[]).into_iter().map(|(f, t)| (f, format!("{at}{t}"))).collect();
            let covered = |t: &str| from_object.iter().any(|(_, c)| t == c || t.starts_with(&format!("{c}/")));
            let from_asked: Vec<Pair> = pairs(index, asked, to, "", &[]).into_iter().map(|(f, t)| (f, format!("{at}{t}"))).filter(|(_, t)| !covered(t)).collect();
            json!({ "fields": pairs_json(&from_object), "asked": pairs_json(&from_asked) })
        };
        let answered_at = |o: &Operation| -> Option<(String, TypeRef)> {
            let response = o.response.as_ref()?;
            if object.at.is_empty() {
                return Some((String::new(), response.clone()));
            }
            let field = top(Some(response)).find(|f| index.underlying(&f.ty) == index.underlying(object.ty))?;
            Some((top_pointer(&field.wire), field.ty.clone()))
        };
        if let Some(get) = sibling("get").filter(names_it) {
            if let Some((at, ty)) = answered_at(get) {
                let mut rule = answer_rule(&ty, &at);
                rule["family"] = json!(family);
                rule["by"] = json!(by);
                members.push((get.id.clone(), json!({ "get": rule })));
            }
        }
        if let Some(update) = sibling("update").filter(names_it) {
            if let (Some(request), Some((at, ty))) = (update.request.as_ref(), answered_at(update)) {
                let mut rule = answer_rule(&ty, &at);
                rule["family"] = json!(family);
                rule["by"] = json!(by);
                rule["take"] = pairs_json(&pairs(index, request, object.ty, "", std::slice::from_ref(&by)));
                members.push((update.id.clone(), json!({ "update": rule })));
            }
        }
        if let Some(list) = sibling("list") {
            if let Some(mut rule) = list_rule(index, list, &object, &answer_rule) {
                rule["family"] = json!(family);
                members.push((list.id.clone(), json!({ "list": rule })));
            }
        }
        let object_fields = struct_fields(index, Some(object.ty));
        let flag = object_fields.iter().any(|f| f.wire == "cancellable" && *index.underlying(&f.ty) == TypeRef::Bool).then_some("cancellable");
        let values = status.map(|(values, _)| values).unwrap_or_default();
        let upper = family.rsplit('/').next().unwrap_or_default().to_ascii_uppercase();
        if let Some(cancel) = sibling("cancel").filter(names_it) {
            let cancelled = values.iter().any(|v| v == "cancelled").then_some("cancelled");
            members.push((
                cancel.id.clone(),
                json!({ "cancel": { "family": family, "by": by, "flag": flag, "status": cancelled,
                    "error_type": format!("{upper}_ERROR"), "error_code": format!("{upper}_NOT_CANCELLABLE") } }),
            ));
        }
        let simulate = ops.iter().find(|o| o.path == format!("/sandbox{prefix}simulate")).filter(names_it);
        let says_event = |f: &Field| text(f) || enum_values(index, &f.ty).is_some();
        if let Some(simulate) = simulate.filter(|o| top(o.request.as_ref()).any(|f| f.wire == "event_type" && says_event(f))) {
            members.push((
                simulate.id.clone(),
                json!({ "simulate": { "family": family, "by": by, "event": "/event_type", "statuses": values, "flag": flag } }),
            ));
        }
        for last in ["event/list", "event/sync"] {
            if let Some(events) = sibling(last) {
                if let Some(mut rule) = events_rule(index, events, &object, &family) {
                    rule["family"] = json!(family);
                    members.push((events.id.clone(), json!({ "events": rule })));
                }
            }
        }
        // A create alone keeps nothing anyone reads.
        if members.len() > 1 {
            out.extend(members);
        }
    }
    out
}

/// The object a create makes: a top-level struct field of its answer with a text id, named
/// `<field>_id`; else the answer itself when `namers` (its get and update) name it by one
/// required text `*_id` or `*_token` field that the answer has, or `id`.
fn find_object<'a>(index: &TypeIndex<'a>, answer: &'a TypeRef, namers: &[&Operation]) -> Option<Object<'a>> {
    let text = |f: &Field| *index.underlying(&f.ty) == TypeRef::String;
    let fields = struct_fields(index, Some(answer));
    let candidates: Vec<Object<'a>> = fields
        .iter()
        .filter_map(|object| {
            let inner = struct_fields(index, Some(&object.ty));
            let id = [format!("{}_id", object.wire), "id".to_string()].into_iter().find(|w| inner.iter().any(|f| f.wire == *w && text(f)))?;
            Some(Object { at: top_pointer(&object.wire), ty: &object.ty, id, key: format!("{}_id", object.wire) })
        })
        .collect();
    let named = |key: &str| namers.iter().any(|o| struct_fields(index, o.request.as_ref()).iter().any(|f| f.wire == key && text(f)));
    // A nested object the members name; else the answer itself, by the one key they send;
    // else the first nested object with an id (a family of create and list).
    let root = || {
        let namer = namers.first()?;
        let keys: Vec<&Field> = struct_fields(index, namer.request.as_ref()).iter().filter(|f| f.required && text(f) && (f.wire.ends_with("_id") || f.wire.ends_with("_token"))).collect();
        let [key] = keys.as_slice() else { return None };
        let id = [key.wire.clone(), "id".to_string()].into_iter().find(|w| fields.iter().any(|f| f.wire == *w && text(f)))?;
        Some(Object { at: String::new(), ty: answer, id, key: key.wire.clone() })
    };
    let mut candidates = candidates.into_iter();
    let first = candidates.next();
    match first {
        Some(object) if named(&object.key) => Some(object),
        first => candidates.find(|o| named(&o.key)).or_else(root).or(first),
    }
}

/// A family's list: its answer's list of the objects (items of the object's type, or with its
/// id field), the filters, and the paging.
fn list_rule(index: &TypeIndex<'_>, list: &Operation, object: &Object<'_>, answer_rule: &dyn Fn(&TypeRef, &str) -> Value) -> Option<Value> {
    let field = struct_fields(index, list.response.as_ref()).iter().find(|f| match index.underlying(&f.ty) {
        TypeRef::List(item) => {
            index.underlying(item) == index.underlying(object.ty) || struct_fields(index, Some(item)).iter().any(|i| i.wire == object.id && *index.underlying(&i.ty) == TypeRef::String)
        }
        _ => false,
    })?;
    let TypeRef::List(item) = index.underlying(&field.ty) else { return None };
    let mut rule = answer_rule(item, "");
    rule["list"] = json!(top_pointer(&field.wire));
    let paging = list.pagination.as_ref().and_then(|p| offset_at(index, list, &p.style));
    let skip: Vec<String> = paging.iter().flat_map(|p| [p.count.clone(), p.offset.clone()]).chain(paging_pointers(index, list)).collect();
    rule["filters"] = pairs_json(&filters(index, list, object.ty, &skip));
    rule["range"] = range_rule(index, list, object.ty);
    rule["page"] = paging.map_or(Value::Null, |p| json!({ "count": p.count, "offset": p.offset, "total": p.total }));
    Some(rule)
}

/// The request's text, number, boolean and enum fields that `ty` has too (same name and
/// type): an answer keeps only the items that have the value asked for.
fn filters(index: &TypeIndex<'_>, op: &Operation, ty: &TypeRef, skip: &[String]) -> Vec<Pair> {
    let Some(request) = op.request.as_ref() else { return Vec::new() };
    pairs(index, ty, request, "", &[])
        .into_iter()
        .filter(|(_, asked)| !skip.contains(asked) && asked.get(1..).is_some_and(|rest| !rest.contains('/')))
        .filter(|(_, asked)| struct_fields(index, Some(request)).iter().any(|f| top_pointer(&f.wire) == *asked && echoable(index, index.underlying(&f.ty))))
        .map(|(at, asked)| (asked, at))
        .collect()
}

/// Where an object says when it was made: its top-level date-time `created`, `created_at` or
/// `timestamp`. A create sets it to now.
fn creation_time(index: &TypeIndex<'_>, ty: &TypeRef) -> Option<String> {
    let fields = struct_fields(index, Some(ty));
    ["created", "created_at", "timestamp"]
        .into_iter()
        .find(|w| fields.iter().any(|f| f.wire == *w && *index.underlying(&f.ty) == TypeRef::DateTime))
        .map(|w| format!("/{w}"))
}

/// A request's time range over the objects a list answers: top-level `start_<x>` and
/// `end_<x>` (dates or date-times) bound the objects' creation time when `<x>` is `date` or
/// `time` (a transfer list's `start_date` and its transfers' `created`), else the object's
/// date-time field `<x>` (`start_virtual_time`, `virtual_time`).
fn range_rule(index: &TypeIndex<'_>, op: &Operation, ty: &TypeRef) -> Value {
    let request = struct_fields(index, op.request.as_ref());
    let fields = struct_fields(index, Some(ty));
    let timely = |t: &TypeRef| matches!(index.underlying(t), TypeRef::DateTime | TypeRef::Date);
    let found = request.iter().filter(|f| timely(&f.ty)).find_map(|start| {
        let x = start.wire.strip_prefix("start_")?;
        let end = request.iter().find(|f| f.wire == format!("end_{x}") && timely(&f.ty))?;
        let at = match x {
            "date" | "time" => creation_time(index, ty)?,
            other => fields.iter().find(|f| f.wire == other && timely(&f.ty)).map(|f| top_pointer(&f.wire))?,
        };
        Some(json!({ "start": top_pointer(&start.wire), "end": top_pointer(&end.wire), "at": at }))
    });
    found.unwrap_or(Value::Null)
}

/// A family's event list or sync: the events' list and the places of their sequence number,
/// kind, time and object id; their fields from the object; filters; paging.
fn events_rule(index: &TypeIndex<'_>, op: &Operation, object: &Object<'_>, family: &str) -> Option<Value> {
    let integer = |f: &Field| matches!(index.underlying(&f.ty), TypeRef::I32 | TypeRef::I64);
    let (list, item) = struct_fields(index, op.response.as_ref()).iter().find_map(|f| {
        let TypeRef::List(item) = index.underlying(&f.ty) else { return None };
        let fields = struct_fields(index, Some(item));
        let has = |wire: &str| fields.iter().any(|i| i.wire == wire);
        (has(&object.key) && fields.iter().any(|i| i.wire == "event_id" && integer(i)) && has("event_type")).then_some((f, item))
    })?;
    let item_fields = struct_fields(index, Some(item));
    let kinds: Vec<String> = item_fields.iter().find(|f| f.wire == "event_type").and_then(|f| enum_values(index, &f.ty)).unwrap_or_default();
    let name = family.rsplit('/').next().unwrap_or_default();
    let own = ["/event_id".to_string(), "/event_type".to_string(), "/timestamp".to_string(), top_pointer(&object.key)];
    let fields: Vec<Pair> = pairs(index, object.ty, item, &format!("{name}_"), &[]).into_iter().filter(|(_, to)| !own.contains(to)).collect();
    let request = struct_fields(index, op.request.as_ref());
    let top_integer = |wire: &str| request.iter().find(|f| f.wire == wire && integer(f)).map(|f| top_pointer(&f.wire));
    let paging: Vec<String> = ["count", "offset", "after_id"].iter().filter_map(|w| top_integer(w)).collect();
    let within: Vec<Value> = request
        .iter()
        .filter(|f| matches!(index.underlying(&f.ty), TypeRef::List(_)))
        .filter_map(|f| {
            let key = f.wire.strip_suffix('s')?;
            let TypeRef::List(of) = index.underlying(&f.ty) else { return None };
            item_fields.iter().any(|i| i.wire == key && index.underlying(&i.ty) == index.underlying(of)).then(|| json!([top_pointer(&f.wire), top_pointer(key)]))
        })
        .collect();
    let has_more = struct_fields(index, op.response.as_ref()).iter().find(|f| f.wire == "has_more" && *index.underlying(&f.ty) == TypeRef::Bool).map(|_| "/has_more");
    Some(json!({
        "list": top_pointer(&list.wire),
        "id": top_pointer(&object.key),
        "kinds": kinds,
        "fields": pairs_json(&fields),
        "equal": pairs_json(&filters(index, op, item, &paging)),
        "range": range_rule(index, op, item),
        "within": within,
        "count": top_integer("count"),
        "offset": top_integer("offset"),
        "after": top_integer("after_id"),
        "has_more": has_more,
    }))
}

#[cfg(test)]
mod tests {
    use super::initial_status;

    fn values(all: &[&str]) -> Vec<String> {
        all.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn a_new_object_starts_in_the_status_its_docs_call_new_else_a_pending_or_active_one() {
        let transfer = "The status.\n\n`pending`: A new transfer was created; it is in the pending state.\n`posted`: Sent.";
        assert_eq!(initial_status(transfer, &values(&["posted", "pending"])).as_deref(), Some("pending"));
        let hits = "All hits begin in a `pending_review` state but can be changed.";
        assert_eq!(initial_status(hits, &values(&["confirmed", "pending_review", "dismissed"])).as_deref(), Some("pending_review"));
        assert_eq!(initial_status("A screening's status.", &values(&["rejected", "pending_review", "cleared"])).as_deref(), Some("pending_review"));
        assert_eq!(initial_status("", &values(&["UNKNOWN", "ACTIVE", "CLOSED"])).as_deref(), Some("ACTIVE"));
        assert_eq!(initial_status("", &values(&["success", "failed"])).as_deref(), Some("success"));
        assert_eq!(initial_status("", &[]), None);
    }
}
