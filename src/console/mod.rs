//! The terminal console: a one-direction loop (`Msg` → `update` → `Command`s → `Msg`s;
//! `view` draws `State`). See `app` for the state machine and `runtime` for the loop.

pub mod app;
pub mod backend;
pub mod columns;
pub mod data;
pub mod glyphs;
pub mod i18n;
pub mod keymap;
pub mod runtime;
pub mod screens;
pub mod terminal;
pub mod theme;
pub mod ui_state;
pub mod widgets;

use crate::domain::Lang;

pub struct ConsoleOptions {
    pub lang: Lang,
    /// `NO_COLOR` set or `TERM=dumb`: the `mono` theme, no color escapes.
    pub no_color: bool,
    /// `--theme` or the config's `theme`; `None` = `dark`.
    pub theme: Option<String>,
    /// ASCII only: `--ascii` or a locale that is not UTF-8.
    pub ascii: bool,
    /// Mirror mode: how often the background sync runs.
    pub sync_interval: std::time::Duration,
}

/// Runs the console until the user quits. Sets up and always restores the terminal.
pub async fn run(source: data::DataSource, options: ConsoleOptions) -> anyhow::Result<()> {
    let (mut theme, theme_error) = theme::Theme::resolve(
        options.theme.as_deref(),
        options.no_color,
        theme::Theme::user_dir().as_deref(),
    );
    theme.glyphs = glyphs::Glyphs::new(options.ascii);
    let today = chrono::Local::now().date_naive();
    let mut state = app::State::new(options.lang, theme, source.label(), today);
    if let Some(mirror) = source.mirror() {
        // Read before the first frame: an offline start says at once how old the data is.
        let synced_at = mirror.mirror.state().ok().and_then(|s| s.synced_at);
        state.sync = Some(app::SyncView::new(synced_at, chrono::Utc::now()));
    }
    if let Some(path) = ui_state::default_path() {
        state.apply_ui_state(ui_state::load(&path));
    }
    if let Some(e) = theme_error {
        // Before the alternate screen, so it stays in the scrollback; and on the
        // status line, so it is seen.
        eprintln!("licadm: {e}; using the default theme");
        state.notice = Some(e.to_string());
    }
    runtime::run_loop(source, state, options.no_color, options.sync_interval).await
}
