//! Type definitions: structs, enums and aliases with their serde attributes.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, raw_docs, sanitize_docs, type_tokens};
use crate::ir::{Enum, Extra, Field, Sensitivity, Struct, TypeDef, TypeKind, TypeRef, Wrapping};


/// One named type.
pub(super) fn type_def(def: &TypeDef, here: &str) -> TokenStream {
    let doc_text = def.docs.clone().unwrap_or_else(|| format!("The `{}` schema.", def.origin));
    let doc = docs(&doc_text);
    let deprecated = def.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Alias(target) => {
            let target = super::type_tokens(target, here);
            quote! {
                #doc
                #deprecated
                pub type #name = #target;
            }
        }
        TypeKind::Enum(e) => enum_tokens(e, &name, doc, deprecated),
        TypeKind::Struct(s) => struct_tokens(s, &def.name, here, doc, deprecated),
    }
}

fn enum_tokens(e: &Enum, name: &proc_macro2::Ident, doc: TokenStream, deprecated: Option<TokenStream>) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let ident = ident(&v.name);
        let wire = &v.wire;
        let vdoc = raw_docs(&format!("`{}`", wire.replace('`', "'")));
        quote! {
            #vdoc
            #[serde(rename = #wire)]
            #ident
        }
    });
    let arms = e.variants.iter().map(|v| {
        let ident = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#ident => #wire)
    });
    let fallback = ident(&e.fallback);
    quote! {
        #doc
        #deprecated
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants,)*
            /// A value this version of the SDK does not list; kept as received and sent back
            /// unchanged.
            #[serde(untagged)]
            #fallback(String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#arms,)*
                    Self::#fallback(other) => other,
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

/// Field docs: the spec's text, or a pointer to the field's type, plus format and default.
fn field_doc(f: &Field) -> String {
    let mut text = match (&f.docs, &f.ty) {
        (Some(d), _) => sanitize_docs(d),
        // Every type is re-exported at the crate root, so the link resolves from any module.
        (None, TypeRef::Named { name, .. }) => format!("See [`{name}`](crate::{name})."),
        (None, _) => format!("The `{}` property.", f.wire),
    };
    if let Some(format) = &f.format {
        text.push_str(&format!("\n\nFormat: `{format}`."));
    }
    if let Some(default) = &f.default {
        text.push_str(&format!("\n\nDefault: `{default}`."));
    }
    text
}

fn struct_tokens(s: &Struct, rust_name: &str, here: &str, doc: TokenStream, deprecated: Option<TokenStream>) -> TokenStream {
    let name = ident(rust_name);
    let fields = s.fields.iter().map(|f| {
        let fdoc = raw_docs(&field_doc(f));
        let fident = ident(&f.name);
        let base = field_base(f, here);
        let ty = match f.wrapping() {
            Wrapping::Plain => base,
            Wrapping::Option => quote!(Option<#base>),
            Wrapping::DoubleOption => quote!(Option<Option<#base>>),
        };
        let rename = (f.name != f.wire).then(|| {
            let wire = &f.wire;
            quote!(#[serde(rename = #wire)])
        });
        let skip = match f.wrapping() {
            _ if f.required => None,
            Wrapping::DoubleOption => Some(quote!(#[serde(
                default,
                deserialize_with = "crate::nullable::deserialize",
                skip_serializing_if = "Option::is_none"
            )])),
            _ => Some(quote!(#[serde(default, skip_serializing_if = "Option::is_none")])),
        };
        let deprecated = f.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
        quote! {
            #fdoc
            #deprecated
            #rename
            #skip
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
                #[serde(flatten)]
                pub #fident: ::std::collections::BTreeMap<String, #value>
            })
        }
        Extra::Drop => None,
    };
    let all_fields = fields.chain(extra);

    // `new` takes the fields that must have a value; everything else starts empty.
    let needed: Vec<&Field> = s.fields.iter().filter(|f| !f.is_optional()).collect();
    let params = needed.iter().map(|f| {
        let fident = ident(&f.name);
        let ty = field_base(f, here);
        quote!(#fident: #ty)
    });
    let inits = s.fields.iter().map(|f| {
        let fident = ident(&f.name);
        if f.is_optional() {
            quote!(#fident: None)
        } else {
            quote!(#fident)
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
    let (derive_default, many_args) = (needed.is_empty(), needed.len() > 7);
    let default = derive_default.then(|| quote!(Default,));
    let allow_many = many_args.then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let setters = s.fields.iter().filter(|f| f.is_optional()).map(|f| setter(f, here));
    let debug = debug_impl(s, rust_name);
    quote! {
        #doc
        #deprecated
        #[derive(Clone, #default PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#all_fields,)*
        }

        impl #name {
            #new_doc
            #allow_many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* }
            }

            #(#setters)*
        }

        #debug
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

/// `with_<field>(value)`: sets an optional field, for building requests in one expression.
/// For an optional nullable field the value is an `Option`: `None` sends an explicit `null`.
fn setter(f: &Field, here: &str) -> TokenStream {
    let fident = ident(&f.name);
    let method = ident(&format!("with_{}", f.name.as_str()));
    let base = field_base(f, here);
    let (ty, doc) = match f.wrapping() {
        Wrapping::DoubleOption => (
            quote!(Option<#base>),
            format!("Sets [`{0}`](Self::{0}); `None` sends an explicit `null`.", f.name),
        ),
        _ => (base, format!("Sets [`{0}`](Self::{0}).", f.name)),
    };
    let doc = raw_docs(&doc);
    let deprecated = f.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
    quote! {
        #doc
        #deprecated
        pub fn #method(mut self, value: #ty) -> Self {
            self.#fident = Some(value);
            self
        }
    }
}

/// `Debug` that hides sensitive fields and applies the redaction rule inside free-form JSON
/// and unknown properties, whose keys are only known at run time.
fn debug_impl(s: &Struct, rust_name: &str) -> TokenStream {
    let name = ident(rust_name);
    let fields = s.fields.iter().map(|f| {
        let fident = ident(&f.name);
        let label = f.name.as_str();
        let shown = match (f.sensitivity, f.wrapping()) {
            (Some(Sensitivity::Secret), Wrapping::Plain) => quote!(&crate::redact::Redacted),
            (Some(Sensitivity::Secret), Wrapping::Option) => quote!(&self.#fident.as_ref().map(|_| crate::redact::Redacted)),
            (Some(Sensitivity::Secret), Wrapping::DoubleOption) => {
                quote!(&self.#fident.as_ref().map(|v| v.as_ref().map(|_| crate::redact::Redacted)))
            }
            (Some(Sensitivity::Partial), Wrapping::Plain) => quote!(&crate::redact::Partial(&self.#fident)),
            (Some(Sensitivity::Partial), Wrapping::Option) => quote!(&self.#fident.as_deref().map(crate::redact::Partial)),
            (Some(Sensitivity::Partial), Wrapping::DoubleOption) => {
                quote!(&self.#fident.as_ref().map(|v| v.as_deref().map(crate::redact::Partial)))
            }
            (None, _) if holds_free_json(&f.ty) => quote!(&crate::redact::Json(&self.#fident)),
            (None, _) => quote!(&self.#fident),
        };
        quote!(.field(#label, #shown))
    });
    let extra = match &s.extra {
        Extra::Keep { field, .. } => {
            let fident = ident(field);
            let label = field.as_str();
            Some(quote!(.field(#label, &crate::redact::Json(&self.#fident))))
        }
        Extra::Drop => None,
    };
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#rust_name)
                    #(#fields)*
                    #extra
                    .finish()
            }
        }
    }
}

/// Whether a type contains values whose keys the spec does not name (any JSON, maps).
fn holds_free_json(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Any | TypeRef::Map(_) => true,
        TypeRef::List(inner) | TypeRef::Nullable(inner) => holds_free_json(inner),
        _ => false,
    }
}
