//! «Цены» / "Prices" (issue 17; `P` on the Activations list): every model's price for
//! the partner («Ваша цена») and the recommended retail price, as the vendor portal's
//! «Цены» button shows them. Read-only; it holds the keyboard until Enter or Esc.

use crate::client::wire::Price;
use crate::console::i18n::Tr;
use crate::console::keymap::Key::{Char, Down, Enter, Esc, Up};
use crate::console::keymap::{Binding, Keymap, bind};
use crate::console::screens::Reply;
use crate::domain::{Lang, format_rub};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PricesKey {
    Close,
    Down,
    Up,
}

#[rustfmt::skip]
pub const PRICES_BINDINGS: &[Binding<PricesKey>] = &[
    bind("prices.close", &[Enter, Esc], PricesKey::Close, Tr::new("закрыть", "close"), Some(Tr::new("закрыть", "close"))),
    bind("prices.down", &[Char('j'), Down], PricesKey::Down, Tr::new("прокрутить вниз", "scroll down"), None),
    bind("prices.up", &[Char('k'), Up], PricesKey::Up, Tr::new("прокрутить вверх", "scroll up"), None),
];

pub const TITLE: Tr = Tr::new("Цены", "Prices");
pub const COLUMNS: [Tr; 4] = [
    Tr::new("Вендор", "Vendor"),
    Tr::new("Модель", "Model"),
    Tr::new("Ваша цена", "Your price"),
    Tr::new("Розничная", "Retail"),
];
pub const NOTE: Tr = Tr::new(
    "Цена за лицензию на 12 месяцев; розничная — рекомендуемая.",
    "Per 12-month license; retail is the recommended price.",
);

#[derive(Debug, Clone, PartialEq)]
pub struct PricesDialog {
    pub title: String,
    pub prices: Vec<Price>,
    pub scroll: usize,
}

impl PricesDialog {
    pub fn new(lang: Lang, prices: Vec<Price>) -> PricesDialog {
        PricesDialog {
            title: TITLE.get(lang).to_string(),
            prices,
            scroll: 0,
        }
    }

    pub(super) fn on_key(&mut self, event: &KeyEvent, keymap: &Keymap) -> Reply {
        match keymap.lookup(PRICES_BINDINGS, event) {
            Some(PricesKey::Close) => {
                return Reply {
                    close: true,
                    ..Reply::default()
                };
            }
            Some(PricesKey::Down) => {
                self.scroll = (self.scroll + 1).min(self.prices.len().saturating_sub(1));
            }
            Some(PricesKey::Up) => self.scroll = self.scroll.saturating_sub(1),
            None => {}
        }
        Reply::default()
    }

    /// The table as lines of text: a header, then one row per model.
    pub fn lines(&self, lang: Lang, ascii: bool) -> Vec<String> {
        let pad = |text: &str, width: usize, right: bool| {
            let count = text.chars().count();
            let text: String = if count > width {
                let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
                cut.push('…');
                cut
            } else {
                text.to_string()
            };
            if right {
                format!("{text:>width$}")
            } else {
                format!("{text:<width$}")
            }
        };
        let row = |cells: [&str; 4]| {
            format!(
                "{} {} {} {}",
                pad(cells[0], 11, false),
                pad(cells[1], 17, false),
                pad(cells[2], 10, true),
                pad(cells[3], 10, true)
            )
        };
        let mut out = vec![row(COLUMNS.map(|c| c.get(lang)))];
        for p in &self.prices {
            out.push(row([
                &p.vendor.name,
                &p.model,
                &format_rub(p.price, ascii),
                &format_rub(p.retail_price, ascii),
            ]));
        }
        out
    }
}
