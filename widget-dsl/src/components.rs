//! The typed components, generated from the widget catalogue of
//! `chatkit-macros` (the same data `widget!` checks against).

chatkit_macros::__define_widgets!(crate);
