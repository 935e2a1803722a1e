//! The named types of the IR as a graph, for the passes that walk it (feature gates, cycles,
//! samples, credentials): one index from (module, name) to definition, one walk of what a type
//! refers to, and strongly connected components.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::Hash;

use crate::ir::{Api, Extra, TypeDef, TypeKind, TypeRef};

/// How many aliases deep a type is followed.
const MAX_ALIASES: usize = 32;

/// Every named type of an API by (module, name).
#[derive(Debug, Clone)]
pub struct TypeIndex<'a> {
    types: HashMap<(&'a str, &'a str), &'a TypeDef>,
}

impl<'a> TypeIndex<'a> {
    /// Indexes every type of `api`.
    pub fn new(api: &'a Api) -> Self {
        let types = api.modules.iter().flat_map(|m| m.types.iter().map(move |t| ((m.name.as_str(), t.name.as_str()), t))).collect();
        TypeIndex { types }
    }

    /// The definition of a named type.
    pub fn get(&self, module: &str, name: &str) -> Option<&'a TypeDef> {
        self.types.get(&(module, name)).copied()
    }

    /// The type under aliases and `Option`s: a primitive, a list, a map, or a named struct or
    /// enum. A ring of aliases (an error of its own, reported by `cycles`) stops after a bounded
    /// walk instead of recursing forever.
    pub fn underlying<'t>(&self, ty: &'t TypeRef) -> &'t TypeRef
    where
        'a: 't,
    {
        self.unwrap(ty, true)
    }

    /// The type under aliases only: unlike [`TypeIndex::underlying`], an `Option` stops the walk.
    pub fn through_aliases<'t>(&self, ty: &'t TypeRef) -> &'t TypeRef
    where
        'a: 't,
    {
        self.unwrap(ty, false)
    }

    /// The bounded walk both of the above take, through `Option`s too when `options` is set.
    fn unwrap<'t>(&self, ty: &'t TypeRef, options: bool) -> &'t TypeRef
    where
        'a: 't,
    {
        let mut ty = ty;
        for _ in 0..MAX_ALIASES {
            ty = match ty {
                TypeRef::Nullable(inner) if options => inner,
                TypeRef::Named { module, name } => match self.get(module, name).map(|d| &d.kind) {
                    Some(TypeKind::Alias(target)) => target,
                    _ => return ty,
                },
                _ => return ty,
            };
        }
        ty
    }

    /// The definition of the named struct or enum a type is, under aliases and `Option`s.
    pub fn definition(&self, ty: &TypeRef) -> Option<&'a TypeDef> {
        match self.underlying(ty) {
            TypeRef::Named { module, name } => self.get(module, name),
            _ => None,
        }
    }

    /// Every named type reachable from `roots` (the roots' own named types included), as
    /// `(module, name)`.
    pub fn reach<'r>(&self, roots: impl IntoIterator<Item = &'r TypeRef>) -> BTreeSet<(String, String)> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&TypeRef> = roots.into_iter().collect();
        while let Some(ty) = stack.pop() {
            for (module, name) in named_in(ty) {
                if !seen.insert((module.to_string(), name.to_string())) {
                    continue;
                }
                if let Some(def) = self.get(module, name) {
                    stack.extend(refs_of(&def.kind));
                }
            }
        }
        seen
    }
}

/// The type references a definition holds directly: its fields' types, its unknown
/// properties' value type, an alias's target.
pub fn refs_of(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct(s) => {
            let mut refs: Vec<&TypeRef> = s.fields.iter().map(|f| &f.ty).collect();
            if let Extra::Keep { value, .. } = &s.extra {
                refs.push(value);
            }
            refs
        }
        TypeKind::Alias(target) => vec![target],
        TypeKind::Enum(_) => Vec::new(),
    }
}

/// The named types a reference mentions, through lists, maps and `Option`s.
pub fn named_in(ty: &TypeRef) -> Vec<(&str, &str)> {
    match ty {
        TypeRef::Named { module, name } => vec![(module.as_str(), name.as_str())],
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => named_in(inner),
        _ => Vec::new(),
    }
}

/// Strongly connected components (Tarjan), as a component number per node. Iterative, so a long
/// chain of types cannot overflow the stack.
pub fn strongly_connected<'k, K: Eq + Hash>(nodes: &[&'k K], next: impl Fn(&K) -> Vec<&'k K>) -> HashMap<&'k K, usize> {
    let mut index: HashMap<&K, usize> = HashMap::new();
    let mut low: HashMap<&K, usize> = HashMap::new();
    let mut on_stack = HashSet::new();
    let mut stack: Vec<&K> = Vec::new();
    let mut component: HashMap<&'k K, usize> = HashMap::new();
    let mut counter = 0;
    for &root in nodes {
        if index.contains_key(root) {
            continue;
        }
        // Each frame: a node and the successors still to visit.
        let mut frames: Vec<(&'k K, Vec<&'k K>)> = vec![(root, next(root))];
        index.insert(root, counter);
        low.insert(root, counter);
        counter += 1;
        stack.push(root);
        on_stack.insert(root);
        while let Some((node, todo)) = frames.last_mut() {
            let node = *node;
            if let Some(succ) = todo.pop() {
                if !index.contains_key(succ) {
                    index.insert(succ, counter);
                    low.insert(succ, counter);
                    counter += 1;
                    stack.push(succ);
                    on_stack.insert(succ);
                    frames.push((succ, next(succ)));
                } else if on_stack.contains(succ) {
                    let l = low[node].min(index[succ]);
                    low.insert(node, l);
                }
                continue;
            }
            frames.pop();
            if let Some((parent, _)) = frames.last() {
                let l = low[*parent].min(low[node]);
                low.insert(*parent, l);
            }
            if low[node] == index[node] {
                let id = component.len();
                while let Some(top) = stack.pop() {
                    on_stack.remove(top);
                    component.insert(top, id);
                    if top == node {
                        break;
                    }
                }
            }
        }
    }
    component
}
