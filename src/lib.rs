//! tidings: a terminal reader for news article cards. The binary is a thin shell over this
//! library, so tests drive everything it does.

pub mod action;
pub mod allocator;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod corpus;
pub mod effects;
pub mod event;
pub mod runtime;
pub mod search;
pub mod text;
pub mod tui;
pub mod ui;
pub mod view;
