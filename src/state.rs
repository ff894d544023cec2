//! The section's state, one capability per module, each a `Copy` handle provided at the root of
//! the section. (The rest of it still lives in `store`.)

pub mod history;
