//! The `:` command palette: a one-line prompt at the bottom with fuzzy matching over
//! the actions of the screen in front (by their help text in the UI language and by
//! name) and jumps: `act 28`, `sn 0239110138900130`, `1`–`4` or `seats`, `q`.
//!
//! This module holds the prompt's state, what the typed text means and the drawing;
//! the app runs what is chosen (it needs the whole state).

use super::Tab;
use super::activations::ListAction;
use super::capacity::CapacityAction;
use super::detail::DetailAction;
use super::outbox::MirrorKey;
use super::seats::SeatsAction;
use crate::config_views::ViewKind;
use crate::console::fuzzy;
use crate::console::i18n::{Tr, palette as tr};
use crate::console::keymap::Key::{Down, Enter, Esc, Tab as TabKey, Up};
use crate::console::keymap::{Binding, Keymap, bind};
use crate::console::theme::Theme;
use crate::console::widgets::display_width;
use crate::domain::{Lang, Serial};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaletteKey {
    Run,
    Complete,
    Next,
    Previous,
    Close,
}

/// Letters type into the prompt, so its actions are these keys only.
#[rustfmt::skip]
pub const BINDINGS: &[Binding<PaletteKey>] = &[
    bind("palette.run", &[Enter], PaletteKey::Run, Tr::new("выполнить выбранное", "run the chosen one"), Some(Tr::new("выполнить", "run"))),
    bind("palette.complete", &[TabKey], PaletteKey::Complete, Tr::new("дополнить выбранным", "complete with the chosen one"), Some(Tr::new("дополнить", "complete"))),
    bind("palette.next", &[Down], PaletteKey::Next, Tr::new("следующий вариант", "next match"), Some(Tr::new("выбор", "choose"))),
    bind("palette.previous", &[Up], PaletteKey::Previous, Tr::new("предыдущий вариант", "previous match"), None),
    bind("palette.close", &[Esc], PaletteKey::Close, Tr::new("закрыть", "close"), Some(Tr::new("закрыть", "close"))),
];

/// Matches shown above the prompt at most.
pub const MAX_SHOWN: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Palette {
    /// What follows the `:`.
    pub input: String,
    /// Index into the matches.
    pub selected: usize,
}

/// An action of one of the screens the palette is opened on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaletteAction {
    List(ListAction),
    Detail(DetailAction),
    Seats(SeatsAction),
    Capacity(CapacityAction),
    Tab(Tab),
    Mirror(MirrorKey),
}

/// An action as the palette lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionEntry {
    pub name: &'static str,
    pub help: Tr,
    /// Its keys now (after overrides), for the list.
    pub keys: String,
    pub action: PaletteAction,
}

/// The entries of a binding table, each action wrapped for the palette (the palette's
/// own key is left out: opening it from itself means nothing).
pub fn entries<A: Copy>(
    keymap: &Keymap,
    bindings: &[Binding<A>],
    wrap: impl Fn(A) -> PaletteAction,
) -> Vec<ActionEntry> {
    bindings
        .iter()
        .filter(|b| !b.name.ends_with(".palette"))
        .map(|b| ActionEntry {
            name: b.name,
            help: b.help,
            keys: keymap.keys_label(b),
            action: wrap(b.action),
        })
        .collect()
}

/// A saved view (the config's `[views.NAME]`) as the palette offers it: choosing it
/// runs `:view NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewEntry {
    pub name: String,
    /// The list it was saved on (`None`: a `list` no screen has; opening it says so).
    pub kind: Option<ViewKind>,
}

/// Somewhere to go, typed as a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Jump {
    /// `act 28`: the activation's detail, on the list's page or not.
    Activation(i64),
    /// `sn 0239110138900130`: every activation with this serial.
    Serial(Serial),
    /// `1`–`4`, `activations`, `seats`, `capacity`, `keys`.
    Tab(Tab),
    /// `why 0239110138900130`: the serial's story (issue 16).
    Why(Serial),
    /// `q`.
    Quit,
    /// `messages`: the message log.
    Messages,
    /// `export FILE`: the current view, every page, to CSV (issue 16 b).
    Export(String),
    /// `view save NAME`: the current view into the config's `[views]`.
    ViewSave(String),
    /// `view NAME`: a saved view.
    ViewOpen(String),
    /// `errors`: the triage of errors.
    Errors,
}

/// A command typed with a wrong argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JumpError {
    NeedsNumber,
    BadNumber,
    NeedsSerial,
    BadSerial,
    NeedsFile,
    /// `view` alone: the saved views and `view save NAME` are listed to choose from.
    NeedsViewName,
    BadViewName,
}

/// What the typed text means when it is a command (`None`: it is a search).
pub fn parse_jump(input: &str) -> Option<Result<Jump, JumpError>> {
    let input = input.trim();
    let (word, rest) = match input.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim()),
        None => (input, ""),
    };
    let word = word.to_lowercase();
    let alone = |jump: Jump| rest.is_empty().then_some(Ok(jump));
    match word.as_str() {
        "q" | "quit" => alone(Jump::Quit),
        "messages" | "msg" | "log" | "сообщения" => alone(Jump::Messages),
        "1" | "activations" => alone(Jump::Tab(Tab::Activations)),
        "2" | "seats" => alone(Jump::Tab(Tab::Seats)),
        "3" | "capacity" => alone(Jump::Tab(Tab::Capacity)),
        "4" | "keys" => alone(Jump::Tab(Tab::Keys)),
        "5" | "access" | "доступ" => alone(Jump::Tab(Tab::Access)),
        "6" | "activity" | "журнал" => alone(Jump::Tab(Tab::Activity)),
        "8" | "invoices" | "счета" => alone(Jump::Tab(Tab::Invoices)),
        "9" | "webhooks" | "вебхуки" => alone(Jump::Tab(Tab::Webhooks)),
        "7" | "renewals" | "продления" => alone(Jump::Tab(Tab::Renewals)),
        "act" | "activation" if rest.is_empty() => Some(Err(JumpError::NeedsNumber)),
        "act" | "activation" => Some(
            rest.trim_start_matches(['#', '№'])
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .map(Jump::Activation)
                .ok_or(JumpError::BadNumber),
        ),
        "why" | "почему" if rest.is_empty() => Some(Err(JumpError::NeedsSerial)),
        "why" | "почему" => Some(
            Serial::parse(rest)
                .map(Jump::Why)
                .map_err(|_| JumpError::BadSerial),
        ),
        "errors" | "ошибки" => alone(Jump::Errors),
        "export" | "выгрузка" if rest.is_empty() => Some(Err(JumpError::NeedsFile)),
        "export" | "выгрузка" => Some(Ok(Jump::Export(rest.to_string()))),
        "view" | "вид" if rest.is_empty() => Some(Err(JumpError::NeedsViewName)),
        "view" | "вид" => {
            let (first, name) = match rest.split_once(char::is_whitespace) {
                Some((first, name)) => (first, name.trim()),
                None => (rest, ""),
            };
            let named = |name: &str| {
                crate::config_views::valid_name(name)
                    .then(|| name.to_string())
                    .ok_or(JumpError::BadViewName)
            };
            Some(match (first, name) {
                ("save" | "сохранить", name) => named(name).map(Jump::ViewSave),
                (name, "") => named(name).map(Jump::ViewOpen),
                _ => Err(JumpError::BadViewName),
            })
        }
        "sn" | "serial" if rest.is_empty() => Some(Err(JumpError::NeedsSerial)),
        "sn" | "serial" => Some(
            Serial::parse(rest)
                .map(Jump::Serial)
                .map_err(|_| JumpError::BadSerial),
        ),
        _ => None,
    }
}

/// What choosing a match does.
#[derive(Debug, Clone, PartialEq)]
pub enum Run {
    Action(PaletteAction),
    Jump(Jump),
    /// A command that needs its argument: Enter completes it, like Tab.
    Complete,
    /// The argument is wrong: Enter says why.
    Refuse(JumpError),
}

/// One line of the match list.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// `list.refresh`, `act N`.
    pub name: String,
    /// The help text in the UI language (or what the command does).
    pub text: String,
    pub keys: String,
    pub run: Run,
    /// What Tab puts in the prompt.
    pub completion: String,
}

/// The commands that take an argument, offered while the text is not one yet.
fn command_items(lang: Lang) -> Vec<Item> {
    vec![
        Item {
            name: tr::ACT_TEMPLATE.get(lang).into(),
            text: tr::CMD_ACTIVATION.get(lang).into(),
            keys: String::new(),
            run: Run::Complete,
            completion: "act ".into(),
        },
        Item {
            name: tr::SN_TEMPLATE.get(lang).into(),
            text: tr::CMD_SERIAL.get(lang).into(),
            keys: String::new(),
            run: Run::Complete,
            completion: "sn ".into(),
        },
        Item {
            name: crate::console::i18n::bulk::EXPORT_TEMPLATE.get(lang).into(),
            text: crate::console::i18n::bulk::CMD_EXPORT.get(lang).into(),
            keys: String::new(),
            run: Run::Complete,
            completion: "export ".into(),
        },
        Item {
            name: crate::console::i18n::bulk::VIEW_TEMPLATE.get(lang).into(),
            text: crate::console::i18n::bulk::CMD_VIEW.get(lang).into(),
            keys: String::new(),
            run: Run::Complete,
            completion: "view ".into(),
        },
        Item {
            name: "errors".into(),
            text: crate::console::i18n::bulk::CMD_ERRORS.get(lang).into(),
            keys: String::new(),
            run: Run::Jump(Jump::Errors),
            completion: "errors".into(),
        },
        Item {
            name: "messages".into(),
            text: tr::CMD_MESSAGES.get(lang).into(),
            keys: String::new(),
            run: Run::Jump(Jump::Messages),
            completion: "messages".into(),
        },
        Item {
            name: "q".into(),
            text: tr::CMD_QUIT.get(lang).into(),
            keys: String::new(),
            run: Run::Jump(Jump::Quit),
            completion: "q".into(),
        },
    ]
}

/// The saved views, each opened as `:view NAME` would open it.
fn view_items(views: &[ViewEntry], lang: Lang) -> impl Iterator<Item = Item> {
    views.iter().map(move |view| Item {
        name: format!("view {}", view.name),
        text: tr::saved_view(lang, &view.name, view.kind),
        keys: String::new(),
        run: Run::Jump(Jump::ViewOpen(view.name.clone())),
        completion: format!("view {}", view.name),
    })
}

/// The matches for `input`: a command on its own when the text is one, else the
/// commands, saved views and actions that match it fuzzily, best first (in that
/// declared order when nothing is typed).
pub fn items(input: &str, actions: &[ActionEntry], views: &[ViewEntry], lang: Lang) -> Vec<Item> {
    match parse_jump(input) {
        Some(Ok(jump)) => {
            return vec![Item {
                name: input.trim().to_string(),
                text: tr::jump(lang, &jump),
                keys: String::new(),
                run: Run::Jump(jump),
                completion: input.to_string(),
            }];
        }
        Some(Err(
            error @ (JumpError::BadNumber | JumpError::BadSerial | JumpError::BadViewName),
        )) => {
            return vec![Item {
                name: input.trim().to_string(),
                text: tr::jump_error(lang, error).into(),
                keys: String::new(),
                run: Run::Refuse(error),
                completion: input.to_string(),
            }];
        }
        _ => {}
    }
    let query = input.trim();
    let candidates = command_items(lang)
        .into_iter()
        .chain(view_items(views, lang))
        .chain(actions.iter().map(|a| Item {
            name: a.name.to_string(),
            text: a.help.get(lang).to_string(),
            keys: a.keys.clone(),
            run: Run::Action(a.action),
            completion: a.name.to_string(),
        }));
    let mut scored: Vec<(u32, Item)> = candidates
        .filter_map(|item| {
            let best = fuzzy::score(query, &item.text).max(fuzzy::score(query, &item.name))?;
            Some((best, item))
        })
        .collect();
    // Stable: equal scores keep the declared order.
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    scored.into_iter().map(|(_, item)| item).collect()
}

/// Draws the match list above the prompt, and the prompt on the key-hint row; returns
/// where the cursor goes (the end of the typed text).
pub fn render(
    palette: &Palette,
    items: &[Item],
    hints: &[(String, &str)],
    lang: Lang,
    theme: &Theme,
    frame: &mut Frame,
) -> Option<Position> {
    let area = frame.area();
    if area.height < 4 {
        return None;
    }
    let g = theme.glyphs;
    let prompt_row = Rect::new(area.x, area.bottom() - 2, area.width, 1);
    let shown = items.len().clamp(1, MAX_SHOWN);
    let height = u16::try_from(shown + 2)
        .unwrap_or(u16::MAX)
        .min(prompt_row.y.saturating_sub(area.y));
    let rect = Rect::new(area.x, prompt_row.y - height, area.width, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(g.border)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" {} ", g.text(tr::TITLE.get(lang))),
            theme.header,
        ))
        .style(theme.base);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let width = usize::from(inner.width);
    let first = (palette.selected + 1).saturating_sub(shown);
    let mut lines: Vec<Line> = Vec::new();
    if items.is_empty() {
        lines.push(Line::from(Span::styled(
            g.text(tr::NO_MATCH.get(lang)).into_owned(),
            theme.muted,
        )));
    }
    for (index, item) in items.iter().enumerate().skip(first).take(shown) {
        let name = g.truncate(&item.name, 22);
        let keys = g.text(&item.keys).into_owned();
        let room = width.saturating_sub(24 + display_width(&keys) + 1);
        let text = g.truncate(&item.text, room);
        let fill = room.saturating_sub(display_width(&text));
        let style = if index == palette.selected {
            theme.selection
        } else {
            theme.base
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{name:<22}  "), style.patch(theme.accent)),
            Span::styled(format!("{text}{} ", " ".repeat(fill)), style),
            Span::styled(keys, style.patch(theme.muted)),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);

    // The prompt, and what its keys do after it.
    let typed = g.text(&palette.input).into_owned();
    let keys: Vec<String> = hints
        .iter()
        .map(|(key, label)| format!("{key} {label}"))
        .collect();
    let keys = keys.join("  ");
    let gap =
        usize::from(area.width).saturating_sub(1 + display_width(&typed) + display_width(&keys));
    let mut spans = vec![Span::styled(format!(":{typed}"), theme.input)];
    if gap >= 2 {
        spans.push(Span::raw(" ".repeat(gap)));
        spans.push(Span::styled(keys, theme.muted));
    }
    frame.render_widget(Clear, prompt_row);
    frame.render_widget(Paragraph::new(Line::from(spans)), prompt_row);
    let x = 1 + u16::try_from(display_width(&typed)).unwrap_or(u16::MAX);
    Some(Position::new(
        (prompt_row.x + x).min(prompt_row.right().saturating_sub(1)),
        prompt_row.y,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serial() -> Serial {
        Serial::parse("0239110138900130").unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn commands_parse_with_their_arguments() {
        assert_eq!(parse_jump("act 28"), Some(Ok(Jump::Activation(28))));
        assert_eq!(
            parse_jump(" activation  №28 "),
            Some(Ok(Jump::Activation(28)))
        );
        assert_eq!(parse_jump("act"), Some(Err(JumpError::NeedsNumber)));
        assert_eq!(parse_jump("act x"), Some(Err(JumpError::BadNumber)));
        assert_eq!(parse_jump("act -3"), Some(Err(JumpError::BadNumber)));
        assert_eq!(
            parse_jump("sn 0239110138900130"),
            Some(Ok(Jump::Serial(serial())))
        );
        assert_eq!(parse_jump("sn 0239"), Some(Err(JumpError::BadSerial)));
        assert_eq!(parse_jump("sn"), Some(Err(JumpError::NeedsSerial)));
        assert_eq!(parse_jump("2"), Some(Ok(Jump::Tab(Tab::Seats))));
        assert_eq!(parse_jump("Capacity"), Some(Ok(Jump::Tab(Tab::Capacity))));
        assert_eq!(parse_jump("q"), Some(Ok(Jump::Quit)));
        assert_eq!(parse_jump("messages"), Some(Ok(Jump::Messages)));
        assert_eq!(parse_jump("q now"), None);
        assert_eq!(parse_jump("refresh"), None);
        assert_eq!(parse_jump(""), None);
        assert_eq!(
            parse_jump("export ~/a b.csv"),
            Some(Ok(Jump::Export("~/a b.csv".into())))
        );
        assert_eq!(parse_jump("export"), Some(Err(JumpError::NeedsFile)));
        assert_eq!(
            parse_jump("view save errors-7d"),
            Some(Ok(Jump::ViewSave("errors-7d".into())))
        );
        assert_eq!(
            parse_jump("view errors-7d"),
            Some(Ok(Jump::ViewOpen("errors-7d".into())))
        );
        assert_eq!(
            parse_jump("view save a b"),
            Some(Err(JumpError::BadViewName))
        );
        assert_eq!(parse_jump("вид"), Some(Err(JumpError::NeedsViewName)));
        assert_eq!(parse_jump("view save"), Some(Err(JumpError::BadViewName)));
        assert_eq!(parse_jump("errors"), Some(Ok(Jump::Errors)));
    }
}
