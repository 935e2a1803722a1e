//! Type definitions: structs, enums and aliases. Their trait impls (`Debug`, serde, and an
//! enum's `as_str`/`FromStr`) are not printed out but tabled: one row per field or variant for
//! a macro of the runtime's `codec`, which writes them the same way for every type. A struct
//! reads a map through `codec::Object` (unknown properties kept without serde's `flatten`
//! buffering), an enum goes through `as_str` and `FromStr`. This costs the compiler far less
//! than `serde_derive`'s output, and the generator far less text to check and print.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, raw_docs, sanitize_docs, type_tokens, Table};
use crate::ir::{Derive, Enum, Extra, Field, Presence, Read, Show, Struct, TypeDef, TypeKind, TypeRef, Wrapping};

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

/// Field docs: the spec's text, or a link to the field's type; then what the spec adds that
/// the Rust type does not say (the default, an example). `None` when the spec says nothing.
fn field_doc(f: &Field) -> Option<String> {
    let mut parts = Vec::new();
    match (&f.docs, &f.ty) {
        (Some(d), _) => parts.push(sanitize_docs(d)),
        // Every type is re-exported at the crate root, so the link resolves from any module.
        (None, TypeRef::Named { name, .. }) => parts.push(format!("See [`{name}`](crate::{name}).")),
        (None, _) => {}
    }
    if let Some(default) = &f.default {
        parts.push(format!("Default: `{}`.", default.replace('`', "'")));
    }
    if f.docs.is_none() && f.show == Show::Plain {
        if let Some(example) = f.example.as_ref().filter(|e| e.len() <= 80) {
            parts.push(format!("Example: `{}`.", example.replace('`', "'")));
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

fn struct_tokens(s: &Struct, rust_name: &str, here: &str, derives: TokenStream, doc: TokenStream, deprecated: Option<TokenStream>) -> TokenStream {
    let name = ident(rust_name);
    let fields = s.fields.iter().map(|f| {
        // A field the spec says nothing about gets no filler line.
        let fdoc = match field_doc(f) {
            Some(text) => raw_docs(&text),
            None => quote!(#[allow(missing_docs)]),
        };
        let fident = ident(&f.name);
        let base = field_base(f, here);
        let ty = match f.wrapping() {
            Wrapping::Plain => base,
            Wrapping::Option => quote!(Option<#base>),
            Wrapping::DoubleOption => quote!(Option<Option<#base>>),
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
    let params = taken.iter().map(|f| {
        let fident = ident(&f.name);
        let ty = field_base(f, here);
        quote!(#fident: impl Into<#ty>)
    });
    let inits = s.fields.iter().map(|f| {
        let fident = ident(&f.name);
        if s.constructor.contains(&f.name) {
            quote!(#fident: #fident.into())
        } else {
            quote!(#fident: None)
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
    let new_doc = raw_docs("Creates a value from its required fields; optional fields start as `None`.");
    let setters = s.fields.iter().filter_map(|f| setter(f, here));
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
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* }
            }

            #(#setters)*
        }
    }
}

/// A field's type without the `Option`s of `required`/`nullable`: boxed on a recursive cycle.
fn field_base(f: &Field, here: &str) -> TokenStream {
    let ty = type_tokens(&f.ty, here);
    if f.boxed {
        quote!(Box<#ty>)
    } else {
        ty
    }
}

/// The setter of an optional field, for building requests in one expression. For an optional
/// nullable field the value is an `Option`: `None` sends an explicit `null`.
fn setter(f: &Field, here: &str) -> Option<TokenStream> {
    let fident = ident(&f.name);
    let method = ident(f.setter.as_deref()?);
    let base = field_base(f, here);
    let (ty, value, doc) = match f.wrapping() {
        Wrapping::DoubleOption => (
            quote!(Option<#base>),
            quote!(value),
            format!("Sets [`{0}`](Self::{0}); `None` sends an explicit `null`.", f.name),
        ),
        _ => (quote!(impl Into<#base>), quote!(value.into()), format!("Sets [`{0}`](Self::{0}).", f.name)),
    };
    let doc = raw_docs(&doc);
    let deprecated = f.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
    Some(quote! {
        #doc
        #deprecated
        pub fn #method(mut self, value: #ty) -> Self {
            self.#fident = Some(#value);
            self
        }
    })
}
