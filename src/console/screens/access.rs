//! «Доступ» / "Access": the tokens the console's account may manage (its own; a
//! partner admin's organizations'; every one for an operator), with label, account,
//! role, organizations, expiry, last use and revocation; `d` revokes the selected one
//! after a confirmation that opens on Cancel. For admins and operators: other roles
//! see why not, and nothing is fetched.
//!
//! The screen's network work is two commands (`AccessCommand`), run by the runtime in
//! a tokio task through [`run`], and answered by one message (`AccessMsg`). The list
//! is read a page at a time (`GET /tokens` by cursor): moving onto the last token read
//! asks for the next page, so the screen follows the pages without reading them all.

use super::dialog::{ConfirmDialog, Confirmed, Dialog};
use super::{Ctx, Reply, Tab, error_text};
use crate::client::access::CursorPage;
use crate::client::wire::{Role, TokenInfo};
use crate::console::app::{Command, Msg, RequestIds};
use crate::console::data::{DataError, DataSource};
use crate::console::i18n::{Tr, access as tr};
use crate::console::keymap::Key::{Char, Down, Esc, Up};
use crate::console::keymap::{Binding, bind};
use crate::console::theme::Theme;
use crate::domain::Lang;
use crate::domain::text::inert;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessAction {
    Down,
    Up,
    Revoke,
    Refresh,
    Palette,
    Help,
    Back,
    Quit,
}

#[rustfmt::skip]
pub const BINDINGS: &[Binding<AccessAction>] = &[
    bind("access.down", &[Char('j'), Down], AccessAction::Down, Tr::new("следующий токен", "next token"), None),
    bind("access.up", &[Char('k'), Up], AccessAction::Up, Tr::new("предыдущий токен", "previous token"), None),
    bind("access.revoke", &[Char('d')], AccessAction::Revoke, Tr::new("отозвать токен (с подтверждением)", "revoke the token (asks first)"), Some(Tr::new("отозвать", "revoke"))),
    bind("access.refresh", &[Char('r')], AccessAction::Refresh, Tr::new("обновить список токенов", "refresh the token list"), Some(Tr::new("обновить", "refresh"))),
    bind("access.palette", &[Char(':')], AccessAction::Palette, Tr::new("команды: поиск действия, act №, sn СН, 1–9, q", "commands: find an action, act N, sn SERIAL, 1–9, q"), None),
    bind("access.help", &[Char('?')], AccessAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind("access.back", &[Esc], AccessAction::Back, Tr::new("назад к активациям", "back to the activations"), Some(Tr::new("назад", "back"))),
    bind("access.quit", &[Char('q')], AccessAction::Quit, Tr::new("выход (спросит, если что-то не отправлено)", "quit (asks when something is unsent)"), None),
];

/// What the screen asks the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessCommand {
    /// `GET /tokens` (the page after `cursor`; the first without) → `AccessMsg::Loaded`.
    Fetch {
        request_id: u64,
        cursor: Option<String>,
    },
    /// `DELETE /tokens/{id}` → `AccessMsg::Revoked`.
    Revoke { id: i64 },
}

/// The answers.
#[derive(Debug, Clone, PartialEq)]
pub enum AccessMsg {
    Loaded {
        request_id: u64,
        /// A later page, to be added to those read; else the first.
        more: bool,
        result: Result<CursorPage<TokenInfo>, DataError>,
    },
    Revoked {
        id: i64,
        result: Result<TokenInfo, DataError>,
    },
}

/// Runs a command of the screen (in a tokio task of the runtime).
pub async fn run(command: AccessCommand, source: DataSource) -> Msg {
    Msg::Access(match command {
        AccessCommand::Fetch { request_id, cursor } => AccessMsg::Loaded {
            request_id,
            more: cursor.is_some(),
            result: source.tokens_page(cursor.as_deref()).await,
        },
        AccessCommand::Revoke { id } => AccessMsg::Revoked {
            id,
            result: source.revoke_token(id).await,
        },
    })
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AccessScreen {
    pub tokens: Option<Vec<TokenInfo>>,
    /// The cursor of the page after those read; None when the last page is read.
    pub next: Option<String>,
    pub pending: Option<u64>,
    pub selected: usize,
    /// Why the list could not be read (the portal's words).
    pub error: Option<String>,
}

/// Whether the role may use the screen (unknown yet: yes; the portal decides).
fn allowed(role: Option<Role>) -> bool {
    !matches!(role, Some(Role::Support | Role::Viewer))
}

impl AccessScreen {
    pub fn bindings(&self) -> &'static [Binding<AccessAction>] {
        BINDINGS
    }

    pub fn loading(&self) -> bool {
        self.pending.is_some()
    }

    fn fetch(&mut self, ids: &mut RequestIds) -> Command {
        let request_id = ids.next_id();
        self.pending = Some(request_id);
        Command::Access(AccessCommand::Fetch {
            request_id,
            cursor: None,
        })
    }

    /// The next page, when the selection is on the last token read and there is one.
    fn fetch_more(&mut self, ids: &mut RequestIds) -> Option<Command> {
        let read = self.tokens.as_ref()?.len();
        if self.pending.is_some() || self.selected + 1 < read {
            return None;
        }
        let cursor = self.next.clone()?;
        let request_id = ids.next_id();
        self.pending = Some(request_id);
        Some(Command::Access(AccessCommand::Fetch {
            request_id,
            cursor: Some(cursor),
        }))
    }

    /// Coming to the screen: the list, read again each time (tokens come and go).
    pub fn enter(&mut self, ctx: &Ctx, ids: &mut RequestIds) -> Vec<Command> {
        if !allowed(ctx.role) {
            return Vec::new();
        }
        vec![self.fetch(ids)]
    }

    pub fn selected_token(&self) -> Option<&TokenInfo> {
        self.tokens.as_ref()?.get(self.selected)
    }

    pub fn on_key(&mut self, event: &KeyEvent, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        if let Some(shared) = Reply::shared_key(ctx.keymap, event) {
            return shared;
        }
        match ctx.keymap.lookup(BINDINGS, event) {
            Some(action) => self.apply(action, ctx, ids),
            None => Reply::default(),
        }
    }

    /// Runs one of the screen's actions (from its key or the `:` palette).
    pub fn apply(&mut self, action: AccessAction, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        let last = self
            .tokens
            .as_ref()
            .map_or(0, |t| t.len().saturating_sub(1));
        match action {
            AccessAction::Down => {
                self.selected = (self.selected + 1).min(last);
                if let Some(more) = self.fetch_more(ids) {
                    return Reply::command(more);
                }
            }
            AccessAction::Up => self.selected = self.selected.saturating_sub(1),
            AccessAction::Refresh if allowed(ctx.role) => return Reply::command(self.fetch(ids)),
            AccessAction::Refresh => {}
            AccessAction::Revoke => return self.ask_revoke(ctx),
            AccessAction::Help => {
                return Reply::help();
            }
            AccessAction::Palette => {
                return Reply::palette();
            }
            AccessAction::Back => {
                return Reply::tab(Tab::Activations);
            }
            AccessAction::Quit => {
                return Reply::quit();
            }
        }
        Reply::default()
    }

    fn ask_revoke(&self, ctx: &Ctx) -> Reply {
        if let Some(role) = ctx.role.filter(|r| !allowed(Some(*r))) {
            return Reply::refused(
                ctx.lang,
                crate::console::i18n::role_denied(ctx.lang, role, tr::ACTION_MANAGE),
            );
        }
        let Some(token) = self.selected_token() else {
            return Reply::default();
        };
        if token.revoked_at.is_some() {
            return Reply::notice(tr::ALREADY_REVOKED.get(ctx.lang));
        }
        let account = token.account.as_deref().unwrap_or("—");
        Reply::open(Dialog::Confirm(ConfirmDialog::new(
            tr::REVOKE_TITLE.get(ctx.lang),
            tr::revoke_question(
                ctx.lang,
                &inert(&token.label),
                &inert(account),
                token.current,
            ),
            tr::REVOKE_BUTTON.get(ctx.lang),
            Confirmed::RevokeToken { id: token.id },
        )))
    }

    /// The confirmation's Revoke button.
    pub fn revoke_confirmed(id: i64) -> Vec<Command> {
        vec![Command::Access(AccessCommand::Revoke { id })]
    }

    pub fn on_msg(&mut self, msg: AccessMsg, lang: Lang) -> Reply {
        match msg {
            AccessMsg::Loaded {
                request_id,
                more,
                result,
            } => {
                if self.pending != Some(request_id) {
                    return Reply::default();
                }
                self.pending = None;
                match result {
                    Ok(page) => {
                        let mut tokens = if more {
                            self.tokens.take().unwrap_or_default()
                        } else {
                            Vec::new()
                        };
                        tokens.extend(page.items);
                        self.selected = self.selected.min(tokens.len().saturating_sub(1));
                        self.tokens = Some(tokens);
                        self.next = page.next;
                        self.error = None;
                    }
                    Err(e) if more => return Reply::error(error_text(lang, &e)),
                    Err(e) => self.error = Some(error_text(lang, &e)),
                }
                Reply::default()
            }
            AccessMsg::Revoked { id, result } => match result {
                Ok(revoked) => {
                    let label = inert(&revoked.label).into_owned();
                    if let Some(token) = self
                        .tokens
                        .as_mut()
                        .and_then(|all| all.iter_mut().find(|t| t.id == id))
                    {
                        token.revoked_at = revoked.revoked_at;
                    }
                    Reply::notice(tr::revoked(lang, &label))
                }
                Err(e) => Reply::error(error_text(lang, &e)),
            },
        }
    }
}

fn moment(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(|at| {
        at.with_timezone(&chrono::Local)
            .format("%d.%m.%Y %H:%M")
            .to_string()
    })
    .unwrap_or_default()
}

fn day(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(|at| {
        at.with_timezone(&chrono::Local)
            .format("%d.%m.%Y")
            .to_string()
    })
    .unwrap_or_default()
}

/// The selected token in full, for the line under the list (columns may cut values).
pub fn detail_line(token: &TokenInfo, lang: Lang) -> String {
    let organizations = token
        .organizations
        .iter()
        .map(|o| o.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let text = match lang {
        Lang::Ru => format!(
            "№ {} · {} · {} · {} · создан {}",
            token.id,
            token.label,
            token.account.as_deref().unwrap_or("—"),
            organizations,
            moment(Some(token.created_at))
        ),
        Lang::En => format!(
            "ID {} · {} · {} · {} · created {}",
            token.id,
            token.label,
            token.account.as_deref().unwrap_or("—"),
            organizations,
            moment(Some(token.created_at))
        ),
    };
    let text = if token.current {
        format!("{text} · {}", tr::CURRENT.get(lang))
    } else {
        text
    };
    inert(&text).into_owned()
}

/// A cell cut to `width` display columns (with `…`) and padded to it.
fn cell(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let w = unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
        let rest_fits = i + 1 == chars.len() && used + w <= width;
        if used + w > width.saturating_sub(1) && !rest_fits {
            if width > 0 {
                out.push('…');
                used += 1;
            }
            break;
        }
        out.push(*c);
        used += w;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// The rows as the screen shows them: one line per token, columns cut to fit `width`.
pub fn lines(screen: &AccessScreen, lang: Lang, width: usize) -> Vec<String> {
    let Some(tokens) = &screen.tokens else {
        return Vec::new();
    };
    let columns = tr::COLUMNS.map(|c| c.get(lang));
    let mut cells: Vec<[String; 7]> = vec![[
        columns[0].to_string(),
        columns[1].to_string(),
        columns[2].to_string(),
        columns[3].to_string(),
        columns[4].to_string(),
        columns[5].to_string(),
        columns[6].to_string(),
    ]];
    for t in tokens {
        let mut label = inert(&t.label).into_owned();
        if t.current {
            // This console's own token; the line under the list says so in words.
            label = format!("* {label}");
        }
        let organizations = t
            .organizations
            .iter()
            .map(|o| inert(&o.name).into_owned())
            .collect::<Vec<_>>()
            .join(", ");
        cells.push([
            label,
            inert(t.account.as_deref().unwrap_or("—")).into_owned(),
            crate::console::i18n::role(lang, t.role).to_string(),
            organizations,
            t.expires_at
                .map(|at| day(Some(at)))
                .unwrap_or_else(|| tr::NEVER.get(lang).to_string()),
            moment(t.last_used_at),
            day(t.revoked_at),
        ]);
    }
    let widths = column_widths(&cells, width);
    cells
        .iter()
        .map(|row| {
            row.iter()
                .zip(widths)
                .map(|(text, w)| cell(text, w))
                .collect::<Vec<_>>()
                .join(" ")
                .trim_end()
                .to_string()
        })
        .collect()
}

/// Each column as wide as its widest cell; when that is more than `width`, the
/// role, dates and times keep theirs and label, account and organizations share the
/// rest, the narrowest first taking what it needs (water-filling).
fn column_widths(cells: &[[String; 7]], width: usize) -> [usize; 7] {
    let mut natural = [0usize; 7];
    for row in cells {
        for (i, text) in row.iter().enumerate() {
            natural[i] = natural[i].max(text.width());
        }
    }
    let fixed: usize = [2, 4, 5, 6].iter().map(|&i| natural[i]).sum();
    let mut available = width.saturating_sub(fixed + 6);
    let mut flexible = [0usize, 1, 3];
    flexible.sort_by_key(|&i| natural[i]);
    let mut widths = natural;
    for (taken, &i) in flexible.iter().enumerate() {
        let share = available / (flexible.len() - taken);
        widths[i] = natural[i].min(share).max(4);
        available = available.saturating_sub(widths[i]);
    }
    widths
}

pub struct ViewContext<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    pub role: Option<Role>,
}

/// Draws the list; the cursor sits on the selected row.
pub fn view(
    screen: &AccessScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let theme = ctx.theme;
    if area.height < 3 {
        return None;
    }
    let title = Line::from(Span::styled(tr::TITLE.get(ctx.lang), theme.header));
    frame.render_widget(
        Paragraph::new(title),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let body = Rect::new(area.x, area.y + 2, area.width, area.height - 2);
    let message = |text: &str, style| {
        Paragraph::new(Line::from(Span::styled(
            theme.glyphs.text(text).into_owned(),
            style,
        )))
    };
    if !allowed(ctx.role) {
        frame.render_widget(message(tr::ONLY_MANAGERS.get(ctx.lang), theme.muted), body);
        return None;
    }
    if let Some(error) = &screen.error {
        frame.render_widget(message(&inert(error), theme.error), body);
        return None;
    }
    let rows = lines(screen, ctx.lang, usize::from(area.width));
    if rows.is_empty() {
        let text = if screen.loading() {
            tr::LOADING
        } else {
            tr::EMPTY
        };
        frame.render_widget(message(text.get(ctx.lang), theme.muted), body);
        return None;
    }
    // The header, the rows, a blank line and the selected token in full.
    let visible = usize::from(body.height).saturating_sub(3);
    let first = screen.selected.saturating_sub(visible.saturating_sub(1));
    let mut drawn = vec![Line::from(Span::styled(
        theme.glyphs.text(&rows[0]).into_owned(),
        theme.header,
    ))];
    let mut cursor = None;
    let revoked = |i: usize| {
        screen
            .tokens
            .as_ref()
            .and_then(|t| t.get(i))
            .is_some_and(|t| t.revoked_at.is_some())
    };
    for (i, text) in rows.iter().skip(1).enumerate().skip(first).take(visible) {
        let text = theme.glyphs.text(text).into_owned();
        let style = if i == screen.selected {
            cursor = Some(Position::new(body.x, body.y + 1 + (i - first) as u16));
            theme.selection
        } else if revoked(i) {
            theme.muted
        } else {
            theme.base
        };
        let padded = format!(
            "{text:<width$}",
            width = usize::from(body.width).saturating_sub(text.width()) + text.chars().count()
        );
        drawn.push(Line::from(Span::styled(padded, style)));
    }
    frame.render_widget(Paragraph::new(drawn), body);
    if let Some(token) = screen.selected_token()
        && body.height >= 3
    {
        let line = theme
            .glyphs
            .text(&detail_line(token, ctx.lang))
            .into_owned();
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(line, theme.muted))),
            Rect::new(body.x, body.bottom() - 1, body.width, 1),
        );
    }
    cursor
}
