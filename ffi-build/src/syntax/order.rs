//! Ordering `#[ffi_type]`s so that each comes after the types it contains.

use crate::ir::TypeDef;

/// Depth-first, in source order: each type is placed right after the types
/// it contains, which are pulled forward only as far as needed. Types on a
/// cycle (already reported as errors) keep their source order.
pub(crate) fn topological(types: Vec<TypeDef>) -> Vec<TypeDef> {
    let deps: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match t {
            TypeDef::Struct(s) => s
                .fields
                .iter()
                .flat_map(|f| f.ty.named_types())
                .filter_map(|n| types.iter().position(|t| t.name() == n))
                .collect(),
            TypeDef::Enum(_) => Vec::new(),
        })
        .collect();
    let mut state = vec![Mark::New; types.len()];
    let mut order = Vec::with_capacity(types.len());
    for i in 0..types.len() {
        visit(i, &deps, &mut state, &mut order);
    }
    let mut slots: Vec<Option<TypeDef>> = types.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    New,
    InProgress,
    Done,
}

fn visit(i: usize, deps: &[Vec<usize>], state: &mut [Mark], order: &mut Vec<usize>) {
    if state[i] != Mark::New {
        return;
    }
    state[i] = Mark::InProgress;
    for &d in &deps[i] {
        visit(d, deps, state, order);
    }
    state[i] = Mark::Done;
    order.push(i);
}
