//! Type definitions: structs, enums and aliases. Their trait impls (`Debug`, serde, and an
//! enum's `as_str`/`FromStr`) are not printed out but tabled: one row per field or variant for
//! a macro of the runtime's `codec`, which writes them the same way for every type. A struct
//! reads a map through `codec::Object` (unknown properties kept without serde's `flatten`
//! buffering), an enum goes through `as_str` and `FromStr`. This costs the compiler far less
//! than `serde_derive`'s output, and the generator far less text to check and print.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, raw_docs, sanitize_docs, type_tokens, Table};
use crate::ir::{Derive, Enum, Extra, Field, Presence, Read, Show, Struct, TypeDef, TypeKind, Wrapping};

/// A type's code: its definition and inherent impls, and the table of the runtime macro that
/// writes its trait impls.
pub(super) struct Emitted {
    pub code: TokenStream,
    pub table: Option<Table>,
}

/// One named type.
pub(super) fn type_def(def: &TypeDef, here: &str) -> Emitted {
    let doc = match &def.docs {
        Some(text) => docs(text),
        // The spec says nothing; a line restating the name would say nothing either.
        None => quote!(#[allow(missing_docs)]),
    };
    let deprecated = def.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Alias(target) => {
            let target = super::type_tokens(target, here);
            let code = quote! {
                #doc
                #deprecated
                pub type #name = #target;
            };
            Emitted { code, table: None }
        }
        TypeKind::Enum(e) => Emitted {
            code: enum_tokens(e, &name, derives(&def.derives), doc, deprecated),
            table: Some(enum_table(e, &name, &def.derives)),
        },
        TypeKind::Struct(s) => Emitted {
            code: struct_tokens(s, &def.name, here, derives(&def.derives), doc, deprecated),
            table: Some(struct_table(s, &name, &def.derives)),
        },
    }
}

/// `#[derive(...)]` for the IR's list; serde's traits come from the type's table instead (see
/// the module docs).
pub(super) fn derives(list: &[Derive]) -> TokenStream {
    let paths = list.iter().filter_map(|d| match d {
        Derive::Clone => Some(quote!(Clone)),
        Derive::Debug => Some(quote!(Debug)),
        Derive::Default => Some(quote!(Default)),
        Derive::PartialEq => Some(quote!(PartialEq)),
        Derive::Eq => Some(quote!(Eq)),
        Derive::Hash => Some(quote!(Hash)),
        Derive::PartialOrd => Some(quote!(PartialOrd)),
        Derive::Ord => Some(quote!(Ord)),
        Derive::Serialize | Derive::Deserialize => None,
    });
    quote!(#[derive(#(#paths),*)])
}

fn enum_tokens(e: &Enum, name: &proc_macro2::Ident, derives: TokenStream, doc: TokenStream, deprecated: Option<TokenStream>) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let ident = ident(&v.name);
        let wire = v.wire.replace('`', "'");
        let vdoc = match &v.docs {
            Some(meaning) => raw_docs(&format!("`{wire}`: {}", sanitize_docs(meaning))),
            None => raw_docs(&format!("`{wire}`")),
        };
        quote! {
            #vdoc
            #ident
        }
    });
    let fallback = ident(&e.fallback);
    quote! {
        #doc
        #deprecated
        #derives
        #[non_exhaustive]
        pub enum #name {
            #(#variants,)*
            /// A value this version of the SDK does not list; kept as received and sent back
            /// unchanged.
            #fallback(String),
        }
    }
}

/// An enum's `codec::enum_impls!` table: the name, the fallback variant and the serde impls the
/// IR lists, a row per variant, and after them the variants written as JSON numbers or booleans
/// (`literal { True False }`), when there are any.
fn enum_table(e: &Enum, name: &proc_macro2::Ident, derives: &[Derive]) -> Table {
    let fallback = ident(&e.fallback);
    let impls = serde_impls(derives);
    let literals: Vec<proc_macro2::Ident> = e.variants.iter().filter(|v| v.literal).map(|v| ident(&v.name)).collect();
    let tail = (!literals.is_empty()).then(|| quote!(literal { #(#literals)* }));
    let rows = e
        .variants
        .iter()
        .map(|v| {
            let (variant, wire) = (ident(&v.name), &v.wire);
            quote!(#variant #wire)
        })
        .collect();
    Table { path: quote!(crate::codec::enum_impls), head: quote!(#name #fallback [#(#impls)*]), rows, tail }
}

/// The serde traits among the IR's derives, by the names the runtime's tables take.
fn serde_impls(derives: &[Derive]) -> Vec<proc_macro2::Ident> {
    let mut impls = Vec::new();
    if derives.contains(&Derive::Serialize) {
        impls.push(ident("Serialize"));
    }
    if derives.contains(&Derive::Deserialize) {
        impls.push(ident("Deserialize"));
    }
    impls
}

/// A struct's `codec::struct_impls!` table: `Debug` always, serde as the IR lists, the field
/// that keeps unknown properties, and a row per field (see the runtime's `codec` for what
/// each impl does with it).
fn struct_table(s: &Struct, name: &proc_macro2::Ident, derives: &[Derive]) -> Table {
    let impls = std::iter::once(ident("Debug")).chain(serde_impls(derives));
    let rest = match &s.extra {
        Extra::Keep { field, .. } => Some(ident(field)),
        Extra::Drop => None,
    };
    let rows = s
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (i, field, wire) = (proc_macro2::Literal::usize_unsuffixed(i), ident(&f.name), &f.wire);
            let presence = ident(match f.presence() {
                Presence::Required => "req",
                Presence::RequiredNullable => "req_null",
                Presence::Optional => "opt",
                Presence::OptionalNullable => "opt_null",
            });
            let show = ident(match f.show {
                Show::Plain => "plain",
                Show::Json => "json",
                Show::Redacted => "redacted",
                Show::Partial => "partial",
            });
            let read = ident(match f.read {
                Read::Value => "Value",
                Read::Text => "Text",
                Read::Texts => "Texts",
            });
            quote!(#i #field #wire #presence #show #read)
        })
        .collect();
    Table { path: quote!(crate::codec::struct_impls), head: quote!(#name [#(#impls)*] [#rest]), rows, tail: None }
}

fn struct_tokens(s: &Struct, rust_name: &str, here: &str, derives: TokenStream, doc: TokenStream, deprecated: Option<TokenStream>) -> TokenStream {
    let name = ident(rust_name);
    let fields = s.fields.iter().map(|f| {
        // A field the spec says nothing about gets no filler line.
        let fdoc = match &f.shown_docs {
            Some(text) => raw_docs(&sanitize_docs(text)),
            None => quote!(#[allow(missing_docs)]),
        };
        let fident = ident(&f.name);
        let base = field_base(f, here);
        let ty = match f.wrapping() {
            Wrapping::Plain => base,
            Wrapping::Option => quote!(Option<#base>),
            Wrapping::DoubleOption => quote!(crate::Nullable<#base>),
        };
        let deprecated = f.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
        quote! {
            #fdoc
            #deprecated
            pub #fident: #ty
        }
    });
    let extra = match &s.extra {
        Extra::Keep { field, value } => {
            let fident = ident(field);
            let value = type_tokens(value, here);
            Some(quote! {
                /// Properties the spec does not list, kept as received and written back when
                /// this value is serialized.
                pub #fident: ::std::collections::BTreeMap<String, #value>
            })
        }
        Extra::Drop => None,
    };
    let all_fields = fields.chain(extra);

    let taken: Vec<&Field> = s.constructor.iter().filter_map(|n| s.fields.iter().find(|f| &f.name == n)).collect();
    let inits = s.fields.iter().map(|f| {
        let fident = ident(&f.name);
        if let Some(key) = &f.idempotency_key {
            let min = key.min_length.unwrap_or(0);
            let max = match key.max_length {
                Some(max) => quote!(Some(#max)),
                None => quote!(None),
            };
            let fresh = quote!(crate::retry::fresh_key(#min, #max));
            match f.wrapping() {
                Wrapping::Plain => quote!(#fident: #fresh),
                Wrapping::Option => quote!(#fident: Some(#fresh)),
                Wrapping::DoubleOption => quote!(#fident: crate::Nullable::Value(#fresh)),
            }
        } else if !s.constructor.contains(&f.name) {
            let empty = match f.wrapping() {
                Wrapping::DoubleOption => quote!(crate::Nullable::Absent),
                _ => quote!(None),
            };
            quote!(#fident: #empty)
        } else if s.named_args.is_some() {
            quote!(#fident: required.#fident)
        } else {
            quote!(#fident: #fident.into())
        }
    });
    let extra_init = match &s.extra {
        Extra::Keep { field, .. } => {
            let fident = ident(field);
            Some(quote!(#fident: ::std::collections::BTreeMap::new()))
        }
        Extra::Drop => None,
    };
    let inits = inits.chain(extra_init);
    let (params, named_args) = match &s.named_args {
        None => {
            let params = taken.iter().map(|f| {
                let fident = ident(&f.name);
                let ty = arg_type(f, here);
                quote!(#fident: impl Into<#ty>)
            });
            (quote!(#(#params),*), None)
        }
        Some(args) => {
            let args_ident = ident(args);
            (quote!(required: #args_ident), Some(named_args_tokens(&taken, rust_name, args, here)))
        }
    };
    let new_doc = raw_docs(match &s.named_args {
        None => "Creates a value from its required fields; optional fields start empty.",
        Some(_) => "Creates a value from its required fields, named in one struct; optional fields start empty.",
    });
    let key_doc = s.fields.iter().find_map(|f| f.idempotency_key.as_ref()).map(|key| {
        raw_docs(&format!("\n\n`{}` starts as a fresh random idempotency key, so each value made with `new` is one request to Plaid however often it is sent; set your own with its setter to reconcile with your records.", key.field))
    });
    let setters = s.fields.iter().flat_map(|f| setter(f, here));
    quote! {
        #doc
        #deprecated
        #derives
        #[non_exhaustive]
        pub struct #name {
            #(#all_fields,)*
        }

        impl #name {
            #new_doc
            #key_doc
            // Not generic when it takes no value or a struct of them: `#[inline]` leaves its
            // code to the crates that call it, as for the generic setters.
            #[inline]
            pub fn new(#params) -> Self {
                Self { #(#inits,)* }
            }

            #(#setters)*
        }

        #named_args
    }
}

/// The struct of a constructor's named values: a public field each, of the type `new` stores
/// (the plain type an alias stands for), so a literal of it names every value.
fn named_args_tokens(taken: &[&Field], owner: &str, args: &str, here: &str) -> TokenStream {
    let doc = raw_docs(&format!(
        "The required values of [`{owner}::new`], each named, so that two of one type cannot trade places unnoticed."
    ));
    let fields = taken.iter().map(|f| {
        let fident = ident(&f.name);
        let ty = arg_type(f, here);
        let fdoc = match &f.shown_docs {
            Some(text) => raw_docs(&format!("{}\n\nSets [`{owner}::{1}`].", sanitize_docs(text), f.name)),
            None => raw_docs(&format!("Sets [`{owner}::{0}`].", f.name)),
        };
        quote! {
            #fdoc
            pub #fident: #ty
        }
    });
    let args = ident(args);
    quote! {
        #doc
        pub struct #args {
            #(#fields,)*
        }
    }
}

/// What `new` and a setter take: the field's type, or the plain type its alias stands for;
/// boxed on a recursive cycle.
fn arg_type(f: &Field, here: &str) -> TokenStream {
    boxed(f, type_tokens(f.arg.as_ref().unwrap_or(&f.ty), here))
}

/// A field's type without the `Option`s of `required`/`nullable`: boxed on a recursive cycle.
fn field_base(f: &Field, here: &str) -> TokenStream {
    boxed(f, type_tokens(&f.ty, here))
}

fn boxed(f: &Field, ty: TokenStream) -> TokenStream {
    if f.boxed {
        quote!(Box<#ty>)
    } else {
        ty
    }
}

/// The setters of an optional field, for building requests in one expression: one that takes
/// a value, and for an optional nullable field one that sends an explicit `null`.
fn setter(f: &Field, here: &str) -> Vec<TokenStream> {
    let Some(method) = f.setter.as_deref() else { return Vec::new() };
    let (fident, method) = (ident(&f.name), ident(method));
    let ty = arg_type(f, here);
    let deprecated = f.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
    let set = match f.wrapping() {
        Wrapping::Plain => quote!(value.into()),
        Wrapping::Option => quote!(Some(value.into())),
        Wrapping::DoubleOption => quote!(crate::Nullable::Value(value.into())),
    };
    let doc = raw_docs(&format!("Sets [`{0}`](Self::{0}).", f.name));
    let mut out = vec![quote! {
        #doc
        #deprecated
        pub fn #method(mut self, value: impl Into<#ty>) -> Self {
            self.#fident = #set;
            self
        }
    }];
    if let Some(null) = f.null_setter.as_deref() {
        let null = ident(null);
        let doc = raw_docs(&format!("Sets [`{0}`](Self::{0}) to an explicit `null` (which is not the same as leaving it out).", f.name));
        out.push(quote! {
            #doc
            #deprecated
            #[inline]
            pub fn #null(mut self) -> Self {
                self.#fident = crate::Nullable::Null;
                self
            }
        });
    }
    out
}
