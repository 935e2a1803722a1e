//! The `<op>_pages` and `<op>_all` methods of paged operations: plain functions that read and
//! write the paging fields, handed to the runtime's walkers (`pages.rs` of the runtime). What is
//! paged, and how, is the IR's [`Paging`](crate::ir::Paging); this only prints it.

use proc_macro2::TokenStream;
use quote::quote;

use super::{field_ref, ident, raw_docs, type_tokens};
use crate::ir::{Operation, PageField, Pagination, TypeRef, Wrapping};

/// The paging methods of one operation, if it is paged.
pub(super) fn methods(op: &Operation, index: usize, here: &str) -> TokenStream {
    let (Some(paging), Some(request), Some(response)) = (&op.pagination, &op.request, &op.response) else { return quote!() };
    let (req, resp) = (type_tokens(request, here), type_tokens(response, here));
    let call = ident(&op.method_name);
    let pages = ident(&paging.pages_method);
    let stream = quote!(impl ::futures_core::Stream<Item = Result<#resp, crate::Error>> + Send + '_);
    let index = proc_macro2::Literal::usize_unsuffixed(index);
    match &paging.style {
        Pagination::CursorHasMore { cursor, next_cursor, has_more, lists } => {
            let paging_value = cursor_paging(cursor, next_cursor, Some(has_more), &req, &resp);
            let merge = merge(lists, &resp);
            let pages_doc = raw_docs(&format!(
                "Every page of [`{0}`](Self::{0}) from the request's cursor on, as a stream: it ends after the page whose `has_more` is false, after the first error, or with [`Error::Pagination`](crate::Error::Pagination) when a cursor does not advance.",
                op.method_name
            ));
            let all = paging.all_method.as_deref().map(|name| {
                let all = ident(name);
                let doc = raw_docs(&format!(
                    "One complete update of [`{0}`](Self::{0}): every page until `has_more` is false, merged into one value (lists concatenated in order, the last page's `next_cursor` and other fields). When a page fails with `TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION`, the pages read so far are dropped and the update starts again from the request's cursor, as Plaid documents; after {1} restarts the error is returned.",
                    op.method_name, 3
                ));
                quote! {
                    #doc
                    pub async fn #all(&self, request: #req) -> Result<#resp, crate::Error> {
                        crate::pages::update(self, &OPERATIONS[#index], request, Self::#call, #paging_value, #merge).await
                    }
                }
            });
            quote! {
                #pages_doc
                pub fn #pages(&self, request: #req) -> #stream {
                    crate::pages::cursor_pages(self, &OPERATIONS[#index], request, Self::#call, #paging_value)
                }
                #all
            }
        }
        Pagination::Cursor { cursor, next_cursor } => {
            let paging_value = cursor_paging(cursor, next_cursor, None, &req, &resp);
            let doc = raw_docs(&format!(
                "Every page of [`{0}`](Self::{0}) from the request's cursor on, as a stream: it ends after the page without a next cursor, after the first error, or with [`Error::Pagination`](crate::Error::Pagination) when a cursor does not advance.",
                op.method_name
            ));
            quote! {
                #doc
                pub fn #pages(&self, request: #req) -> #stream {
                    crate::pages::cursor_pages(self, &OPERATIONS[#index], request, Self::#call, #paging_value)
                }
            }
        }
        Pagination::Offset { holder, count, offset, items, total } => {
            let doc = raw_docs(&format!(
                "Every page of [`{0}`](Self::{0}) from the request's offset on, as a stream: it ends after an empty page, a page shorter than the request's `count`{1}, or the first error.",
                op.method_name,
                if total.is_some() { ", the page that reaches the total" } else { "" }
            ));
            let holder_ref = |r: TokenStream| match holder {
                None => quote!(Some(&#r)),
                Some(h) => {
                    let h_ident = ident(&h.field);
                    match h.wrapping {
                        Wrapping::Plain => quote!(Some(&#r.#h_ident)),
                        _ => quote!(#r.#h_ident.as_ref()),
                    }
                }
            };
            let holder_mut = match holder {
                None => quote!(r),
                Some(h) => {
                    let h_ident = ident(&h.field);
                    match h.wrapping {
                        Wrapping::Plain => quote!((&mut r.#h_ident)),
                        _ => quote!(r.#h_ident.get_or_insert_with(Default::default)),
                    }
                }
            };
            let read_int = |f: &PageField, holder: TokenStream| {
                let value = read(f, quote!(h));
                quote!(#holder.and_then(|h| #value).and_then(|v| u64::try_from(*v).ok()))
            };
            let offset_read = read_int(offset, holder_ref(quote!(r)));
            let count_read = read_int(count, holder_ref(quote!(r)));
            let offset_field = ident(&offset.field);
            let int = int_type(&offset.base);
            let offset_value = wrap(offset.wrapping, quote!(#int::try_from(o).unwrap_or(#int::MAX)));
            let len = match items.wrapping {
                Wrapping::Plain => {
                    let f = ident(&items.field);
                    quote!(p.#f.len())
                }
                _ => {
                    let value = read(items, quote!(p));
                    quote!(#value.map_or(0, |v| v.len()))
                }
            };
            let total = match total {
                Some(t) => {
                    let value = read(t, quote!(p));
                    quote!(Some(|p: &#resp| #value.and_then(|v| u64::try_from(*v).ok())))
                }
                None => quote!(None),
            };
            quote! {
                #doc
                pub fn #pages(&self, request: #req) -> #stream {
                    crate::pages::offset_pages(self, request, Self::#call, crate::pages::OffsetPaging {
                        offset: |r: &#req| #offset_read.unwrap_or(0),
                        count: |r: &#req| #count_read,
                        set_offset: |r: &mut #req, o: u64| #holder_mut.#offset_field = #offset_value,
                        len: |p: &#resp| #len,
                        total: #total,
                    })
                }
            }
        }
    }
}

/// The runtime's `CursorPaging` for these fields.
fn cursor_paging(cursor: &PageField, next_cursor: &PageField, has_more: Option<&PageField>, req: &TokenStream, resp: &TokenStream) -> TokenStream {
    let cursor_field = ident(&cursor.field);
    let cursor_read = owned(read(cursor, quote!(r)));
    let set = wrap(cursor.wrapping, quote!(c));
    let next_read = owned(read(next_cursor, quote!(p)));
    let has_more = match has_more {
        Some(f) => {
            let value = read(f, quote!(p));
            quote!(Some(|p: &#resp| #value.copied().unwrap_or(false)))
        }
        None => quote!(None),
    };
    quote! {
        crate::pages::CursorPaging {
            cursor: |r: &#req| #cursor_read,
            set_cursor: |r: &mut #req, c| r.#cursor_field = #set,
            next_cursor: |p: &#resp| #next_read,
            has_more: #has_more,
        }
    }
}

/// An `Option<&T>` of a paging field of `of`.
fn read(f: &PageField, of: TokenStream) -> TokenStream {
    field_ref(&f.field, f.wrapping, of)
}

/// An `Option<&T>` made owned.
fn owned(read: TokenStream) -> TokenStream {
    quote!(#read.cloned())
}

/// A value wrapped as the field is.
fn wrap(wrapping: Wrapping, value: TokenStream) -> TokenStream {
    match wrapping {
        Wrapping::Plain => value,
        Wrapping::Option => quote!(Some(#value)),
        Wrapping::DoubleOption => quote!(crate::Nullable::Value(#value)),
    }
}

/// The integer type of a count or offset.
fn int_type(base: &TypeRef) -> TokenStream {
    match base {
        TypeRef::I32 => quote!(i32),
        _ => quote!(i64),
    }
}

/// `merge(earlier, later)`: the later page with each list the concatenation of both.
fn merge(lists: &[PageField], resp: &TokenStream) -> TokenStream {
    let steps = lists.iter().map(|l| {
        let f = ident(&l.field);
        match l.wrapping {
            Wrapping::Plain => quote! {
                let mut list = earlier.#f;
                list.extend(::std::mem::take(&mut later.#f));
                later.#f = list;
            },
            Wrapping::Option => quote! {
                later.#f = match (earlier.#f, later.#f.take()) {
                    (Some(mut a), Some(b)) => {
                        a.extend(b);
                        Some(a)
                    }
                    (a, b) => b.or(a),
                };
            },
            Wrapping::DoubleOption => quote! {
                later.#f = match (earlier.#f, ::std::mem::take(&mut later.#f)) {
                    (crate::Nullable::Value(mut a), crate::Nullable::Value(b)) => {
                        a.extend(b);
                        crate::Nullable::Value(a)
                    }
                    (a @ crate::Nullable::Value(_), _) => a,
                    (_, b) => b,
                };
            },
        }
    });
    quote! {
        |earlier: #resp, mut later: #resp| {
            #(#steps)*
            later
        }
    }
}
