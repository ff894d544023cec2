//! `memo`: a `Memo` whose computation is boxed, so that the section's memos of one value type
//! share one copy of reactive_graph's memo code instead of one per closure (Leptos's `Memo::new`
//! is generic over the closure; 35 memos over 18 value types cost their own copies). Behaviour
//! is `Memo::new`'s: the value is recomputed when what it read changes, and its readers hear of
//! it only when it differs from the last one.

use leptos::prelude::*;

/// A memo's computation: the previous value in, the new one out.
type Computation<T> = Box<dyn Fn(Option<&T>) -> T + Send + Sync>;

/// `Memo::new(compute)`, sharing its code with every other memo of a `T`.
pub fn memo<T>(compute: impl Fn(Option<&T>) -> T + Send + Sync + 'static) -> Memo<T>
where
    T: PartialEq + Send + Sync + 'static,
{
    Memo::new(Box::new(compute) as Computation<T>)
}
