//! How the mock's default answers follow the request, decided from the structure of each
//! operation's request and answer types (no Plaid path is named):
//!
//! - **echo**: a field of the answer (outside its lists) takes the value of the request field
//!   of the same JSON name and type, as the shape module pairs them (`shape::pairs`): the id
//!   looked up (`institution_id` into `institution.institution_id`), the URL set (`webhook`),
//!   the token asked about (`link_token`), the terms searched, the country codes asked for, an
//!   object of the same type whole (a transfer's `user`). A request field at the same place
//!   as the answer field is preferred; otherwise the name must be unambiguous among the fields
//!   not yet used, so `description` is not also a failure reason's `description`. What paging
//!   reads or writes, and cursors, are never echoed;
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
//! - **families**: the create, get, update, list, cancel, simulate and events of one kind of
//!   resource keep what was made; [`families`](super::families) has their rules.
//!
//! The runtime applies them to the default answer only (a stub answers as written): include,
//! echo, filter and page (`mock::follow`), then the resource families and a rotated token
//! (`mock::server`), and last the Item's id.

use serde_json::{json, Map, Value};

use super::shape::{item_fields, pairs, reach, struct_fields, Reached};
use crate::diag::pointer_segment;
use crate::graph::TypeIndex;
use crate::ir::{Field, Operation, Pagination, TypeKind, TypeRef};
use crate::sample::Sampler;

/// How many items a paged operation's pool holds (or the example's total, when larger).
pub const POOL: usize = 25;

/// Where an `Offset` operation's paging fields are, as JSON pointers (the pagination pass
/// names Rust fields): `count`, `offset` (in the request or its options holder), the answer's
/// list and its total.
pub(super) struct OffsetAt {
    pub(super) count: String,
    pub(super) offset: String,
    pub(super) items: String,
    pub(super) total: Option<String>,
}

pub(super) fn offset_at(index: &TypeIndex<'_>, op: &Operation, style: &Pagination) -> Option<OffsetAt> {
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

    // A cursor in an answer is where the next page starts, never the one asked with.
    let echo: Vec<Value> = pairs(index, request, response, "", &paging)
        .into_iter()
        .filter(|(_, to)| !paging.contains(to))
        .filter(|(_, to)| answered.iter().any(|a| a.pointer == *to && !a.wire.contains("cursor")))
        .map(|(from, to)| json!([from, to]))
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

    let each = each_rules(index, &asked, &answered);
    if !each.is_empty() {
        out.insert("each".into(), Value::Array(each));
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
pub(super) fn paging_pointers(index: &TypeIndex<'_>, op: &Operation) -> Vec<String> {
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

/// One answer item per request item: a request list of objects and an answer list of objects
/// correspond when their items are of one type, or both have a text `id` (`transactions` and
/// `enriched_transactions`); the answer then has one item per request item, each taking the
/// request item's fields of the same name and type.
fn each_rules<'a>(index: &TypeIndex<'a>, asked: &[Reached<'a>], answered: &[Reached<'a>]) -> Vec<Value> {
    let item = |r: &Reached<'a>| -> Option<&'a TypeRef> { match r.ty {
        TypeRef::List(item) if item_fields(index, r.ty).is_some() => Some(index.underlying(item)),
        _ => None,
    } };
    let has_id = |ty: &TypeRef| struct_fields(index, Some(ty)).iter().any(|f| f.wire == "id" && *index.underlying(&f.ty) == TypeRef::String);
    let mut out = Vec::new();
    for a in answered {
        let Some(answer_item) = item(a) else { continue };
        let corresponding: Vec<(&Reached, &TypeRef)> = asked
            .iter()
            .filter_map(|q| Some((q, item(q)?)))
            .filter(|(_, asked_item)| *asked_item == answer_item || (has_id(asked_item) && has_id(answer_item)))
            .collect();
        if let [(q, asked_item)] = corresponding.as_slice() {
            let fields: Vec<Value> = pairs(index, asked_item, answer_item, "", &[]).into_iter().map(|(from, to)| json!([from, to])).collect();
            out.push(json!({ "from": q.pointer, "to": a.pointer, "fields": fields }));
        }
    }
    out
}

/// What each `include_*` option adds, to leave out when it is off: the optional answer fields
/// it names (`include_status` names `status`), or, for an option that names no field
/// (`include_optional_metadata`), the optional fields of the objects those options concern
/// whose names' words its description uses ("return an institution's logo, brand color, and
/// URL": `logo`, `primary_color`, `url`). An option that is deprecated, or whose description
/// says the data is returned by default, adds nothing. As JSON pointer patterns, `*` for every
/// list item.
pub fn leave_out(index: &TypeIndex<'_>, op: &Operation) -> Vec<(String, Vec<String>)> {
    let (Some(request), Some(response)) = (&op.request, &op.response) else { return Vec::new() };
    let mut asked = Vec::new();
    reach(index, request, "", 0, &mut asked);
    let flags: Vec<&Reached> = asked.iter().filter(|q| q.wire.starts_with("include_") && *q.ty == TypeRef::Bool).collect();
    if flags.is_empty() {
        return Vec::new();
    }
    let mut optional = Vec::new();
    optional_fields(index, response, "", 0, &mut optional);
    let subject = |flag: &Reached<'_>| flag.wire.trim_start_matches("include_").to_string();
    let named_by_some = |wire: &str| flags.iter().any(|f| subject(f) == wire);
    let mut out = Vec::new();
    for flag in &flags {
        let docs = flag.field.docs.as_deref().unwrap_or_default();
        // "Personal finance categories are now returned by default": the option adds nothing.
        if flag.field.deprecated.is_some() || docs.to_lowercase().contains("by default") {
            continue;
        }
        let own = subject(flag);
        let exact: Vec<String> = optional.iter().filter(|(_, f)| f.wire == own).map(|(p, _)| p.clone()).collect();
        let patterns = if exact.is_empty() {
            let words: Vec<String> = flag.field.docs.as_deref().unwrap_or_default().to_lowercase().split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect();
            let concerned: Vec<&str> = optional.iter().filter(|(_, f)| named_by_some(&f.wire)).map(|(p, _)| parent(p)).collect();
            optional
                .iter()
                .filter(|(p, f)| !named_by_some(&f.wire) && (concerned.is_empty() || concerned.contains(&parent(p))))
                .filter(|(_, f)| f.wire.split('_').any(|w| w.len() >= 3 && !COMMON_WORDS.contains(&w) && words.iter().any(|d| d == w)))
                .map(|(p, _)| p.clone())
                .collect()
        } else {
            exact
        };
        // What lies under a field left out goes with it.
        let outermost: Vec<String> = patterns.iter().filter(|p| !patterns.iter().any(|q| p.starts_with(&format!("{q}/")))).cloned().collect();
        if !outermost.is_empty() {
            out.push((flag.pointer.clone(), outermost));
        }
    }
    out
}

/// Words of a field name too common to say that a description speaks of it.
const COMMON_WORDS: [&str; 8] = ["the", "and", "for", "type", "name", "data", "date", "value"];

fn parent(pattern: &str) -> &str {
    pattern.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// The optional fields of a type and of the objects it holds (through lists as `*`).
fn optional_fields<'a>(index: &TypeIndex<'a>, ty: &'a TypeRef, at: &str, depth: usize, out: &mut Vec<(String, &'a Field)>) {
    if depth > MAX_FILL_DEPTH {
        return;
    }
    match index.underlying(ty) {
        TypeRef::List(item) => optional_fields(index, item, &format!("{at}/*"), depth + 1, out),
        under => {
            for f in struct_fields(index, Some(under)) {
                let pointer = format!("{at}/{}", pointer_segment(&f.wire));
                if !f.required {
                    out.push((pointer.clone(), f));
                }
                optional_fields(index, &f.ty, &pointer, depth + 1, out);
            }
        }
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
