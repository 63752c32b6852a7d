//! The terminal console: a one-direction loop (`Msg` → `update` → `Command`s → `Msg`s;
//! `view` draws `State`). See `app` for the state machine and `runtime` for the loop.

pub mod app;
pub mod backend;
pub mod columns;
pub mod data;
pub mod fuzzy;
pub mod glyphs;
pub mod i18n;
pub mod keymap;
pub mod liveness;
pub mod paths;
pub mod roles;
pub mod runtime;
pub mod screens;
pub mod terminal;
pub mod terminal_input;
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
    /// The config file's `[keys]` entries, and the file as messages name it.
    pub key_overrides: Vec<crate::config::KeyOverride>,
    pub config_file: String,
    /// What copying can expect of this terminal (see `app::Clipboard::detect`).
    pub clipboard: app::Clipboard,
    /// Capture the mouse (`--mouse` or `mouse = true`); off, the terminal's own text
    /// selection works.
    pub mouse: bool,
    /// The config's `[views]` and the file `:view save` writes (issue 16 b).
    pub views: std::collections::BTreeMap<String, crate::config_views::SavedView>,
    pub config_path: Option<std::path::PathBuf>,
}

/// Builds the keys in force from the defaults and the config file's `[keys]` entries
/// (`file` names the config file in messages) and puts them in `state`. What could
/// not be applied is said on the status line (the first problem, and how many more)
/// and returned for stderr; the console goes on with the default keys for those.
pub fn load_keymap(
    state: &mut app::State,
    overrides: &[crate::config::KeyOverride],
    file: &str,
) -> Vec<keymap::KeymapError> {
    let (keymap, errors) = keymap::Keymap::build(&screens::keytables::all(), overrides, file);
    state.keymap = std::sync::Arc::new(keymap);
    if let Some(first) = errors.first() {
        let mut text = first.message(state.lang);
        if errors.len() > 1 {
            text.push_str(&i18n::keymap::more(state.lang, errors.len() - 1));
        }
        // After a theme problem, if there was one: both are worth reading.
        state.notice = Some(match state.notice.take() {
            Some(before) => format!("{before}; {text}"),
            None => text,
        });
    }
    errors
}

/// Runs the console until the user quits. Sets up and always restores the terminal.
/// Why the console stopped other than by the user quitting: the terminal failed.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("terminal: {0}")]
    Terminal(#[from] std::io::Error),
}

pub async fn run(source: data::DataSource, options: ConsoleOptions) -> Result<(), ConsoleError> {
    let (mut theme, theme_error) = theme::Theme::resolve(
        options.theme.as_deref(),
        options.no_color,
        theme::Theme::user_dir().as_deref(),
    );
    theme.glyphs = glyphs::Glyphs::new(options.ascii);
    let today = chrono::Local::now().date_naive();
    let mut state = app::State::new(options.lang, theme, source.label(), today);
    state.clipboard = options.clipboard.clone();
    if let Some(mirror) = source.mirror() {
        // Read before the first frame: an offline start says at once how old the data is.
        let held = mirror.mirror.state().ok();
        let synced_at = held.as_ref().and_then(|s| s.synced_at);
        let mut view = app::SyncView::new(synced_at, chrono::Utc::now());
        view.window_from = held.and_then(|s| s.window_from);
        state.sync = Some(view);
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
    state.bulk.views = options.views.clone();
    state.bulk.config_path = options.config_path.clone();
    for e in load_keymap(&mut state, &options.key_overrides, &options.config_file) {
        eprintln!("licadm: {e}");
    }
    runtime::run_loop(
        source,
        state,
        options.no_color,
        options.mouse,
        options.sync_interval,
    )
    .await
}
