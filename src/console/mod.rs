//! The terminal console: a one-direction loop (`Msg` → `update` → `Command`s → `Msg`s;
//! `view` draws `State`). See `app` for the state machine and `runtime` for the loop.

pub mod app;
pub mod data;
pub mod i18n;
pub mod keymap;
pub mod runtime;
pub mod screens;
pub mod terminal;
pub mod theme;
pub mod widgets;

use crate::domain::Lang;

pub struct ConsoleOptions {
    pub lang: Lang,
    pub no_color: bool,
}

/// Runs the console until the user quits. Sets up and always restores the terminal.
pub async fn run(source: data::DataSource, options: ConsoleOptions) -> anyhow::Result<()> {
    let theme = theme::Theme::for_options(options.no_color);
    let today = chrono::Local::now().date_naive();
    let state = app::State::new(options.lang, theme, source.label(), today);
    runtime::run_loop(source, state, options.no_color).await
}
