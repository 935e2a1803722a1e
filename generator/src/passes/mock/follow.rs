//! How the mock's default answers follow the request, decided from the structure of each
//! operation's request and answer types (no Plaid path is named):
//!
//! - **echo**: a text, number, boolean, date or enum field of the answer (outside its lists)
//!   takes the value of the request field of the same JSON name and type: the id looked up
//!   (`institution_id` into `institution.institution_id`), the URL set (`webhook`), the token
//!   asked about (`link_token`), the terms searched. A request field at the same place as the
//!   answer field is preferred; otherwise the name must be unambiguous in the request. What
//!   paging reads or writes, and cursors, are never echoed;
//! - **filter**: a request list of texts named `<key>s` (`account_ids`, in the body or its
//!   options) keeps, of each answer list whose items have a text field `<key>`, the items
//!   whose `<key>` it lists;
//! - **page**: an operation the pagination pass found paged by `count` and `offset` answers
//!   exactly `count` items from `offset` of a pool of [`POOL`] items (the example's, then
//!   copies of them whose own id, `<singular of the list>_id` or `id`, gets a `-<n>` suffix),
//!   and its total says the pool's size; only when the request carries `count` or `offset`;
//! - **rotate**: a request text field `<token>` and an answer text field `new_<token>`
//!   (`access_token`, `new_access_token`) make the call a rotation: the mock issues a new token
//!   for the same Item, answers it, and refuses the old one from then on;
//! - **include**: a request boolean named `include_*` (`options.include_optional_metadata`)
//!   asks for optional data: when one is true, the answer is the default one with every
//!   optional field it leaves out filled with a sample, in its objects and its lists' items;
//! - **resources**: operations under one path prefix whose last segments are `create`, `get`
//!   and `list` (`/transfer/create`, `/transfer/get`, `/transfer/list`) are a family when the
//!   create answer holds an object (`transfer`) with a text id (`id` or `transfer_id`), the
//!   get request names it by `<object>_id` and answers the same object type, and the list
//!   answers a list of it. The mock gives each created object a fresh id (a UUID) and keeps it;
//!   get answers the kept object of the id asked for, and list the kept objects once there
//!   are any. Two more members change a kept object's state: `<prefix>cancel` (naming it by
//!   `<object>_id`) cancels it, and fails as Plaid does, `<FAMILY>_NOT_CANCELLABLE` of type
//!   `<FAMILY>_ERROR` (`TRANSFER_NOT_CANCELLABLE`), once its `cancellable` is false; and
//!   `/sandbox<prefix>simulate` (naming it the same way, with an `event_type`) sets its
//!   `status` to the event when the status's values list it, `cancellable` true only while
//!   `pending`.
//!
//! The runtime applies them to the default answer only (a stub answers as written): include,
//! echo, filter and page (`mock::follow`), then the resource families and a rotated token
//! (`mock::server`), and last the Item's id.

use serde_json::{json, Map, Value};

use crate::diag::pointer_segment;
use crate::graph::TypeIndex;
use crate::ir::{Field, Operation, Pagination, TypeKind, TypeRef};
use crate::sample::Sampler;

/// How many items a paged operation's pool holds (or the example's total, when larger).
pub const POOL: usize = 25;

/// How deep into nested objects a field is looked for.
const MAX_DEPTH: usize = 3;

/// A field reachable from a type's root without going through a list: its JSON pointer, JSON
/// name and type under aliases and `Option`s.
struct Reached<'a> {
    pointer: String,
    wire: &'a str,
    ty: &'a TypeRef,
}

/// The fields of a struct type and of the structs it holds (not through lists), to
/// [`MAX_DEPTH`].
fn reach<'a>(index: &TypeIndex<'a>, ty: &'a TypeRef, at: &str, depth: usize, out: &mut Vec<Reached<'a>>) {
    let Some(def) = index.definition(ty) else { return };
    let TypeKind::Struct(s) = &def.kind else { return };
    for f in &s.fields {
        let pointer = format!("{at}/{}", pointer_segment(&f.wire));
        let under = index.underlying(&f.ty);
        out.push(Reached { pointer: pointer.clone(), wire: &f.wire, ty: under });
        if depth < MAX_DEPTH && matches!(index.definition(under).map(|d| &d.kind), Some(TypeKind::Struct(_))) {
            reach(index, under, &pointer, depth + 1, out);
        }
    }
}

/// Whether a value of the type can be echoed: a scalar or an enum.
fn echoable(index: &TypeIndex<'_>, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String | TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Date | TypeRef::DateTime => true,
        TypeRef::Named { .. } => matches!(index.definition(ty).map(|d| &d.kind), Some(TypeKind::Enum(_))),
        _ => false,
    }
}

/// The fields of a struct type (under aliases and `Option`s); none for any other type.
fn struct_fields<'a>(index: &TypeIndex<'a>, ty: Option<&TypeRef>) -> &'a [Field] {
    match ty.and_then(|t| index.definition(t)).map(|d| &d.kind) {
        Some(TypeKind::Struct(s)) => &s.fields,
        _ => &[],
    }
}

/// The struct fields of a list's items, when the list holds objects.
fn item_fields<'a>(index: &TypeIndex<'a>, list: &TypeRef) -> Option<&'a [Field]> {
    let TypeRef::List(item) = list else { return None };
    Some(struct_fields(index, Some(item))).filter(|f| !f.is_empty())
}

/// Where an `Offset` operation's paging fields are, as JSON pointers (the pagination pass
/// names Rust fields): `count`, `offset` (in the request or its options holder), the answer's
/// list and its total.
struct OffsetAt {
    count: String,
    offset: String,
    items: String,
    total: Option<String>,
}

fn offset_at(index: &TypeIndex<'_>, op: &Operation, style: &Pagination) -> Option<OffsetAt> {
    let Pagination::Offset { holder, count, offset, items, total } = style else { return None };
    let request = struct_fields(index, op.request.as_ref());
    let answer = struct_fields(index, op.response.as_ref());
    let holder = holder.as_ref().and_then(|h| request.iter().find(|f| f.name == h.field));
    let (inner, prefix) = match holder {
        Some(h) => (struct_fields(index, Some(&h.ty)), format!("/{}", pointer_segment(&h.wire))),
        None => (request, String::new()),
    };
    let at = |fields: &[Field], prefix: &str, rust: &str| fields.iter().find(|f| f.name == rust).map(|f| format!("{prefix}/{}", pointer_segment(&f.wire)));
    Some(OffsetAt {
        count: at(inner, &prefix, &count.field)?,
        offset: at(inner, &prefix, &offset.field)?,
        items: at(answer, "", &items.field)?,
        total: total.as_ref().and_then(|t| at(answer, "", &t.field)),
    })
}

/// The rules of one operation, or `None` when it has none.
pub fn rules(index: &TypeIndex<'_>, op: &Operation) -> Option<Value> {
    let (request, response) = (op.request.as_ref()?, op.response.as_ref()?);
    let (mut asked, mut answered) = (Vec::new(), Vec::new());
    reach(index, request, "", 0, &mut asked);
    reach(index, response, "", 0, &mut answered);
    let mut out = Map::new();
    // What paging reads and writes is the paging rule's, never an echo: a request's cursor
    // echoed into the next one would page forever.
    let paging = paging_pointers(index, op);

    let echo: Vec<Value> = answered
        .iter()
        // A cursor in an answer is where the next page starts, never the one asked with.
        .filter(|a| echoable(index, a.ty) && !paging.contains(&a.pointer) && !a.wire.contains("cursor"))
        .filter_map(|a| {
            let same: Vec<&Reached> = asked.iter().filter(|q| q.wire == a.wire && q.ty == a.ty && !paging.contains(&q.pointer)).collect();
            let source = same.iter().find(|q| q.pointer == a.pointer).or(match same.as_slice() {
                [only] => Some(only),
                _ => None,
            })?;
            Some(json!([source.pointer, a.pointer]))
        })
        .collect();
    if !echo.is_empty() {
        out.insert("echo".into(), Value::Array(echo));
    }

    let filter: Vec<Value> = asked
        .iter()
        .filter(|q| matches!(q.ty, TypeRef::List(item) if *index.underlying(item) == TypeRef::String))
        .filter_map(|q| Some((q, q.wire.strip_suffix('s')?)))
        .flat_map(|(q, key)| {
            answered.iter().filter_map(move |a| {
                let fields = item_fields(index, a.ty)?;
                fields.iter().any(|f| f.wire == key && *index.underlying(&f.ty) == TypeRef::String).then(|| json!({ "ids": q.pointer, "list": a.pointer, "key": key }))
            })
        })
        .collect();
    if !filter.is_empty() {
        out.insert("filter".into(), Value::Array(filter));
    }

    let rotate = asked.iter().filter(|q| !q.pointer[1..].contains('/') && *q.ty == TypeRef::String).find_map(|q| {
        let new = format!("/new_{}", q.wire);
        answered.iter().any(|a| a.pointer == new && *a.ty == TypeRef::String).then(|| json!({ "old": q.pointer, "new": new }))
    });
    if let Some(rotate) = rotate {
        out.insert("rotate".into(), rotate);
    }
    if let Some(page) = op.pagination.as_ref().and_then(|p| page_rule(index, op, &p.style, &answered)) {
        out.insert("page".into(), page);
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// The JSON pointers of the request and answer fields an operation's paging reads or writes
/// (top level and, for the request, its options holder).
fn paging_pointers(index: &TypeIndex<'_>, op: &Operation) -> Vec<String> {
    let Some(paging) = &op.pagination else { return Vec::new() };
    let (request, response) = (struct_fields(index, op.request.as_ref()), struct_fields(index, op.response.as_ref()));
    let at = |fields: &[Field], rust: &str| fields.iter().find(|f| f.name == rust).map(|f| format!("/{}", pointer_segment(&f.wire)));
    match &paging.style {
        Pagination::CursorHasMore { cursor, next_cursor, has_more, lists } => {
            let answer = [next_cursor, has_more].into_iter().chain(lists).filter_map(|f| at(response, &f.field));
            at(request, &cursor.field).into_iter().chain(answer).collect()
        }
        Pagination::Cursor { cursor, next_cursor } => at(request, &cursor.field).into_iter().chain(at(response, &next_cursor.field)).collect(),
        Pagination::Offset { .. } => offset_at(index, op, &paging.style).map(|o| [o.count, o.offset, o.items].into_iter().chain(o.total).collect()).unwrap_or_default(),
    }
}

/// The request's `include_*` booleans, as JSON pointers.
pub fn include_flags(index: &TypeIndex<'_>, op: &Operation) -> Vec<String> {
    let Some(request) = &op.request else { return Vec::new() };
    let mut asked = Vec::new();
    reach(index, request, "", 0, &mut asked);
    asked.into_iter().filter(|q| q.wire.starts_with("include_") && *q.ty == TypeRef::Bool).map(|q| q.pointer).collect()
}

/// Fills every field of `ty` that `value` leaves out with a sample, in objects and list
/// items, to a bounded depth.
pub fn fill(index: &TypeIndex<'_>, sampler: &Sampler<'_>, ty: &TypeRef, value: &mut Value, depth: usize) {
    if depth > MAX_FILL_DEPTH {
        return;
    }
    match (index.underlying(ty), value) {
        (TypeRef::List(item), Value::Array(items)) => items.iter_mut().for_each(|v| fill(index, sampler, item, v, depth + 1)),
        (under, Value::Object(map)) => {
            let Some(TypeKind::Struct(s)) = index.definition(under).map(|d| &d.kind) else { return };
            for f in &s.fields {
                match map.get_mut(&f.wire) {
                    Some(Value::Null) => {}
                    Some(present) => fill(index, sampler, &f.ty, present, depth + 1),
                    None => {
                        map.insert(f.wire.clone(), sampler.value(&f.ty));
                    }
                }
            }
        }
        _ => {}
    }
}

/// How deep [`fill`] looks into an answer.
const MAX_FILL_DEPTH: usize = 12;

/// A family of operations on one kind of resource: the create, get and list of one path
/// prefix, as the module docs say.
pub fn families(index: &TypeIndex<'_>, ops: &[&Operation]) -> Vec<(String, Value)> {
    let top = |ty: Option<&TypeRef>| struct_fields(index, ty).iter();
    let text = |f: &Field| *index.underlying(&f.ty) == TypeRef::String;
    let mut out = Vec::new();
    for create in ops.iter().filter(|o| o.path.ends_with("/create")) {
        let prefix = &create.path[..create.path.len() - "create".len()];
        let sibling = |last: &str| ops.iter().find(|o| o.path == format!("{prefix}{last}"));
        // The created object: a struct field of the answer with a text id.
        let found = top(create.response.as_ref()).into_iter().find_map(|object| {
            let fields = struct_fields(index, Some(&object.ty));
            let id = [format!("{}_id", object.wire), "id".to_string()].into_iter().find(|w| fields.iter().any(|f| f.wire == *w && text(f)))?;
            Some((object, id))
        });
        let Some((object, id)) = found else { continue };
        let family = prefix.trim_end_matches('/').to_string();
        let same_object = |f: &&Field| index.underlying(&f.ty) == index.underlying(&object.ty);
        let mut members = vec![(create.id.clone(), json!({ "create": { "family": family, "object": format!("/{}", object.wire), "id": id } }))];
        if let Some(get) = sibling("get") {
            let key = format!("{}_id", object.wire);
            let asks = top(get.request.as_ref()).into_iter().any(|f| f.wire == key && text(f));
            if let Some(answer) = top(get.response.as_ref()).into_iter().find(same_object).filter(|_| asks) {
                members.push((get.id.clone(), json!({ "get": { "family": family, "object": format!("/{}", answer.wire), "by": format!("/{key}") } })));
            }
        }
        if let Some(list) = sibling("list") {
            let of_object = |f: &&Field| matches!(index.underlying(&f.ty), TypeRef::List(item) if index.underlying(item) == index.underlying(&object.ty));
            if let Some(answer) = top(list.response.as_ref()).into_iter().find(of_object) {
                members.push((list.id.clone(), json!({ "list": { "family": family, "list": format!("/{}", answer.wire) } })));
            }
        }
        let object_fields = struct_fields(index, Some(&object.ty));
        let key = format!("{}_id", object.wire);
        let names_it = |o: &&&Operation| top(o.request.as_ref()).into_iter().any(|f| f.wire == key && text(f));
        let status_values: Vec<String> = object_fields
            .iter()
            .find(|f| f.wire == "status")
            .and_then(|f| match index.definition(&f.ty).map(|d| &d.kind) {
                Some(TypeKind::Enum(e)) => Some(e.variants.iter().map(|v| v.wire.clone()).collect()),
                _ => None,
            })
            .unwrap_or_default();
        let flag = object_fields.iter().any(|f| f.wire == "cancellable" && *index.underlying(&f.ty) == TypeRef::Bool).then_some("cancellable");
        let upper = family.rsplit('/').next().unwrap_or_default().to_ascii_uppercase();
        if let Some(cancel) = sibling("cancel").filter(names_it) {
            let cancelled = status_values.iter().any(|v| v == "cancelled").then_some("cancelled");
            members.push((
                cancel.id.clone(),
                json!({ "cancel": { "family": family, "by": format!("/{key}"), "flag": flag, "status": cancelled,
                    "error_type": format!("{upper}_ERROR"), "error_code": format!("{upper}_NOT_CANCELLABLE") } }),
            ));
        }
        let simulate = ops.iter().find(|o| o.path == format!("/sandbox{prefix}simulate")).filter(names_it);
        let says_event = |f: &Field| text(f) || matches!(index.definition(&f.ty).map(|d| &d.kind), Some(TypeKind::Enum(_)));
        if let Some(simulate) = simulate.filter(|o| top(o.request.as_ref()).into_iter().any(|f| f.wire == "event_type" && says_event(f))) {
            members.push((
                simulate.id.clone(),
                json!({ "simulate": { "family": family, "by": format!("/{key}"), "event": "/event_type", "statuses": status_values, "flag": flag } }),
            ));
        }
        // A create alone keeps nothing anyone reads.
        if members.len() > 1 {
            out.extend(members);
        }
    }
    out
}

/// The paging rule of a `count` and `offset` operation: where the request says them, the
/// answer's list and total, and the items' own id field.
fn page_rule(index: &TypeIndex<'_>, op: &Operation, style: &Pagination, answered: &[Reached<'_>]) -> Option<Value> {
    let OffsetAt { count, offset, items, total } = offset_at(index, op, style)?;
    let list = answered.iter().find(|a| a.pointer == items)?;
    // Items that are objects get their own id suffixed in copies; others are copied as they are.
    let fields = item_fields(index, list.ty).unwrap_or_default();
    let singular = list.wire.strip_suffix('s').unwrap_or(list.wire);
    let id = [format!("{singular}_id"), "id".to_string()].into_iter().find(|w| fields.iter().any(|f| f.wire == *w && *index.underlying(&f.ty) == TypeRef::String));
    Some(json!({ "count": count, "offset": offset, "list": items, "total": total, "id": id, "pool": POOL }))
}
