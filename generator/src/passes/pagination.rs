//! Which operations page their results, read from the structure of their request and response
//! types, never from a list of names:
//!
//! - **cursor and `has_more`**: the request has a `cursor`, the response a `next_cursor` of the
//!   same type (text or a date-time) and a boolean `has_more` (`/transactions/sync`); the
//!   response's lists are what merging pages concatenates;
//! - **cursor**: the request has a `cursor`, the response a `next_cursor` of the same type that
//!   is absent, `null` or empty after the last page;
//! - **offset**: the request, or an object field of it named `options`, has integer `count`
//!   and `offset`; the response has the list the offset counts: the one a `total_<list>`
//!   integer names, else its only list; a `total*` integer, when there is one, ends the pages,
//!   else a short or empty page does. A response with several lists and no total naming one is
//!   not paged (a warning says so).

use crate::diag::Code;
use crate::finding::{At, Finding};
use crate::graph::TypeIndex;
use crate::ir::{Api, Field, PageField, Pagination, Paging, Struct, TypeKind, TypeRef, Wrapping};
use crate::naming::Scope;

/// How many operations of each style.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Cursor and `has_more`.
    pub cursor_has_more: usize,
    /// Cursor only.
    pub cursor: usize,
    /// Count and offset.
    pub offset: usize,
}

impl Counts {
    /// The counts in an API.
    pub fn of(api: &Api) -> Counts {
        let mut counts = Counts::default();
        for p in api.modules.iter().flat_map(|m| &m.operations).filter_map(|op| op.pagination.as_ref()) {
            match p.style {
                Pagination::CursorHasMore { .. } => counts.cursor_has_more += 1,
                Pagination::Cursor { .. } => counts.cursor += 1,
                Pagination::Offset { .. } => counts.offset += 1,
            }
        }
        counts
    }
}

/// Sets [`Operation::pagination`](crate::ir::Operation::pagination) on every paged operation,
/// with the names of its extra methods (`<method>_pages`, and `<method>_all` for a `has_more`
/// update).
/// Returns a warning per operation that looks paged but cannot be.
pub fn settle(api: &mut Api) -> Vec<Finding> {
    let index = TypeIndex::new(api);
    let mut decided = Vec::new();
    let mut warnings = Vec::new();
    for (m, module) in api.modules.iter().enumerate() {
        // A method with parameters takes them before its body; paging walks the body only.
        for (o, op) in module.operations.iter().enumerate().filter(|(_, op)| op.params.is_none()) {
            let (Some(request), Some(response)) = (op.request.as_ref().and_then(|t| struct_of(&index, t)), op.response.as_ref().and_then(|t| struct_of(&index, t)))
            else {
                continue;
            };
            match decide(&index, request, response) {
                Ok(Some(p)) => decided.push((m, o, p)),
                Ok(None) => {}
                Err(why) => warnings.push(Finding::warning(Code::Unsupported, At::Run, format!("`{}` looks paged but is not: {why}", op.id))),
            }
        }
    }
    drop(index);
    // The methods of every group share one `impl Client`: the new names must not clash.
    let mut methods = Scope::default();
    for op in api.modules.iter().flat_map(|m| &m.operations) {
        methods.claim(op.method_name.clone());
    }
    for (m, o, style) in decided {
        let op = &mut api.modules[m].operations[o];
        let pages_method = methods.claim(format!("{}_pages", op.method_name));
        let all_method = matches!(style, Pagination::CursorHasMore { .. }).then(|| methods.claim(format!("{}_all", op.method_name)));
        op.pagination = Some(Paging { style, pages_method, all_method });
    }
    warnings
}

fn decide(index: &TypeIndex<'_>, request: &Struct, response: &Struct) -> Result<Option<Pagination>, String> {
    let page_field = |f: &Field| PageField { field: f.name.clone(), wrapping: f.wrapping(), base: index.underlying(&f.ty).clone() };
    let field = |s: &Struct, wire: &str, kind: Kind| s.fields.iter().find(|f| f.wire == wire && kind.fits(index, &f.ty)).map(page_field);
    let lists: Vec<PageField> = response.fields.iter().filter(|f| Kind::List.fits(index, &f.ty)).map(page_field).collect();
    if let (Some(cursor), Some(next_cursor)) = (field(request, "cursor", Kind::Cursor), field(response, "next_cursor", Kind::Cursor)) {
        if cursor.base == next_cursor.base {
            return Ok(Some(match field(response, "has_more", Kind::Bool) {
                Some(has_more) => Pagination::CursorHasMore { cursor, next_cursor, has_more, lists },
                None => Pagination::Cursor { cursor, next_cursor },
            }));
        }
    }
    let (holder, counter) = match (field(request, "count", Kind::Integer), field(request, "offset", Kind::Integer)) {
        (Some(_), Some(_)) => (None, request),
        _ => match request.fields.iter().find(|f| f.wire == "options").and_then(|f| struct_of(index, &f.ty).map(|s| (f, s))) {
            Some((f, options)) if field(options, "count", Kind::Integer).is_some() && field(options, "offset", Kind::Integer).is_some() => {
                // The options are made when the request has none: they must have nothing to
                // require, and be one `Option` deep at most.
                if options.fields.iter().any(|o| !o.is_optional()) || f.wrapping() == Wrapping::DoubleOption {
                    return Err("its `options` cannot be made empty".to_string());
                }
                (Some(page_field(f)), options)
            }
            _ => return Ok(None),
        },
    };
    let (Some(count), Some(offset)) = (field(counter, "count", Kind::Integer), field(counter, "offset", Kind::Integer)) else { return Ok(None) };
    let total = response.fields.iter().find(|f| f.wire.starts_with("total") && Kind::Integer.fits(index, &f.ty));
    let named = total.and_then(|t| t.wire.strip_prefix("total_")).and_then(|list| lists.iter().find(|l| response.fields.iter().any(|f| f.name == l.field && f.wire == list)));
    let items = match (named, lists.as_slice()) {
        (Some(items), _) => items.clone(),
        (None, [only]) => only.clone(),
        (None, []) => return Err("the response has no list".to_string()),
        (None, _) => return Err("the response has several lists and no `total_<list>` says which one the offset counts".to_string()),
    };
    Ok(Some(Pagination::Offset { holder, count, offset, items, total: total.map(page_field) }))
}

/// The struct a type is, through aliases.
fn struct_of<'a>(index: &TypeIndex<'a>, ty: &TypeRef) -> Option<&'a Struct> {
    match &index.definition(ty)?.kind {
        TypeKind::Struct(s) => Some(s),
        _ => None,
    }
}

/// The kinds of field paging reads.
#[derive(Clone, Copy)]
enum Kind {
    /// Text or a date-time.
    Cursor,
    Bool,
    Integer,
    List,
}

impl Kind {
    fn fits(self, index: &TypeIndex<'_>, ty: &TypeRef) -> bool {
        matches!(
            (self, index.underlying(ty)),
            (Kind::Cursor, TypeRef::String | TypeRef::DateTime)
                | (Kind::Bool, TypeRef::Bool)
                | (Kind::Integer, TypeRef::I32 | TypeRef::I64)
                | (Kind::List, TypeRef::List(_))
        )
    }
}
