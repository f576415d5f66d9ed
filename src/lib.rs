//! tidings: a terminal reader for news article cards. The binary is a thin shell over this
//! library, so tests drive everything it does.

pub mod action;
pub mod cli;
pub mod commands;
pub mod corpus;
pub mod keymap;
pub mod text;
