//! The `:` palette in the app: the actions it offers on the screen in front, its keys,
//! and running what was chosen — an action through the same code its key runs, or a
//! jump (`act 28`, `sn …`, a screen, quit).

use super::{Command, Front, State};
use crate::console::i18n::palette as tr;
use crate::console::screens::detail::DetailScreen;
use crate::console::screens::dialog::{Dialog, StoryDialog};
use crate::console::screens::palette::{
    ActionEntry, BINDINGS, Jump, Palette, PaletteAction, PaletteKey, Run, entries,
};
use crate::console::screens::{Tab, activations, capacity, detail, outbox, seats, tabs};
use crate::domain::Serial;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub(super) fn open(state: &mut State) -> Vec<Command> {
    state.palette = Some(Palette::default());
    Vec::new()
}

/// The actions of the screen in front, with the screen keys and mirror keys where
/// those work (as the help lists them).
pub(super) fn actions(state: &State) -> Vec<ActionEntry> {
    let keymap = &*state.keymap;
    if state.bulk.triage.is_some() {
        // Over the triage only the commands (`export`, `view save`, a screen…): the
        // screen's actions would act on the list hidden under it.
        return Vec::new();
    }
    let mut out = match state.front() {
        Front::List => entries(keymap, activations::BINDINGS, PaletteAction::List),
        Front::Detail => entries(keymap, detail::BINDINGS, PaletteAction::Detail),
        Front::Seats => entries(keymap, seats::BINDINGS, PaletteAction::Seats),
        Front::Capacity => entries(keymap, capacity::BINDINGS, PaletteAction::Capacity),
        Front::NewActivation
        | Front::Keys
        | Front::Access
        | Front::Activity
        | Front::Invoices
        | Front::Webhooks
        | Front::Renewals => Vec::new(),
    };
    if state.globals_active() {
        out.extend(entries(keymap, tabs::TAB_BINDINGS, PaletteAction::Tab));
        if state.sync.is_some() {
            out.extend(entries(
                keymap,
                outbox::MIRROR_BINDINGS,
                PaletteAction::Mirror,
            ));
        }
    }
    out
}

/// A key while the palette is open: its own keys act, the rest type.
pub(super) fn on_key(state: &mut State, event: &KeyEvent) -> Vec<Command> {
    let items = state.palette_items();
    let lang = state.lang;
    let Some(palette) = state.palette.as_mut() else {
        return Vec::new();
    };
    let chosen = items.get(palette.selected);
    match state.keymap.lookup(BINDINGS, event) {
        Some(PaletteKey::Close) => state.palette = None,
        Some(PaletteKey::Next) => {
            palette.selected = (palette.selected + 1).min(items.len().saturating_sub(1));
        }
        Some(PaletteKey::Previous) => palette.selected = palette.selected.saturating_sub(1),
        Some(PaletteKey::Complete) => {
            if let Some(item) = chosen {
                palette.input = item.completion.clone();
                palette.selected = 0;
            }
        }
        Some(PaletteKey::Run) => match chosen.map(|item| (item.run.clone(), &item.completion)) {
            Some((Run::Complete, completion)) => {
                palette.input = completion.clone();
                palette.selected = 0;
            }
            Some((Run::Refuse(error), _)) => {
                state.set_error(tr::jump_error(lang, error));
            }
            Some((run, _)) => {
                state.palette = None;
                return match run {
                    Run::Action(action) => run_action(state, action),
                    Run::Jump(jump) => run_jump(state, jump),
                    Run::Complete | Run::Refuse(_) => Vec::new(),
                };
            }
            None => {}
        },
        None => match event.code {
            // Backspace on an empty prompt closes it, as in vim.
            KeyCode::Backspace if palette.input.is_empty() => state.palette = None,
            KeyCode::Backspace => {
                palette.input.pop();
                palette.selected = 0;
            }
            KeyCode::Char(c)
                if !event
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                palette.input.push(c);
                palette.selected = 0;
            }
            _ => {}
        },
    }
    Vec::new()
}

/// Pasted text goes into the prompt (one line).
pub(super) fn on_paste(state: &mut State, text: &str) {
    if let Some(palette) = state.palette.as_mut() {
        let line: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        palette.input.push_str(line.trim_end());
        palette.selected = 0;
    }
}

fn run_action(state: &mut State, action: PaletteAction) -> Vec<Command> {
    match action {
        PaletteAction::List(action) => super::input::list_action(state, action),
        PaletteAction::Detail(action) => super::input::detail_action(state, action),
        PaletteAction::Seats(action) => super::tabbed::seats_action(state, action),
        PaletteAction::Capacity(action) => super::tabbed::capacity_action(state, action),
        PaletteAction::Tab(tab) => super::tabbed::switch_tab(state, tab),
        PaletteAction::Mirror(key) => super::mirror::on_mirror_key(state, key),
    }
}

fn run_jump(state: &mut State, jump: Jump) -> Vec<Command> {
    match jump {
        Jump::Quit => super::dialogs::request_quit(state),
        Jump::Messages => super::messages::open(state),
        Jump::Tab(tab) => {
            state.bulk.triage = None;
            super::tabbed::switch_tab(state, tab)
        }
        Jump::Activation(number) => open_activation(state, number, None),
        Jump::Serial(serial) => find_serial(state, serial),
        Jump::Export(path) => super::views::export(state, path),
        Jump::ViewSave(name) => super::views::save_view(state, name),
        Jump::ViewOpen(name) => super::views::open_view(state, name),
        Jump::Errors => {
            state.tab = Tab::Activations;
            state.detail = None;
            super::bulk::open_triage(state)
        }
        Jump::Why(serial) => {
            let dialog = StoryDialog::loading(state.lang, serial.as_str());
            state.dialogs.push(Dialog::Story(dialog));
            vec![Command::Why {
                serial: serial.as_str().to_string(),
            }]
        }
    }
}

/// The detail of activation `number`, over the Activations list, whether or not it is
/// on the list's page (then only its number shows until it arrives); `search` presets
/// the serial filter of its lines.
pub(super) fn open_activation(
    state: &mut State,
    number: i64,
    search: Option<String>,
) -> Vec<Command> {
    state.tab = Tab::Activations;
    let row = state
        .list
        .rows()
        .iter()
        .find(|a| a.number == number)
        .cloned();
    let (mut screen, command) = DetailScreen::open_number(number, row, &mut state.request_ids);
    if let Some(search) = search {
        screen.search = search;
    }
    state.detail = Some(screen);
    vec![command]
}

/// Every activation with `serial`, whatever the filters were: the list shows them; if
/// there is exactly one, its detail opens (see `results::on_activations_loaded`).
fn find_serial(state: &mut State, serial: Serial) -> Vec<Command> {
    state.tab = Tab::Activations;
    state.detail = None;
    let list = &mut state.list;
    list.search_input = None;
    list.highlighted.clear();
    list.query.organization = None;
    list.query.status = None;
    list.query.vendor = None;
    list.query.q = Some(serial.as_str().to_string());
    list.query.page = 1;
    let command = list.fetch(&mut state.request_ids);
    state.serial_jump = list.pending.as_ref().map(|(id, _)| (*id, serial));
    vec![command]
}
