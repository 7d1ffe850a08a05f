//! Helpers shared by the macros.

pub(crate) mod ctxt;
pub(crate) mod suggest;
