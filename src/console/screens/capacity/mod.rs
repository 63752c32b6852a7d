//! «Лицензионная информация»: per organization and product, support until, user accounts
//! X/Z, external connections, Lite, and the emergency license with its request.

mod view;

pub use view::{ViewContext, panel_lines, view};

use super::dialog::{ConfirmDialog, Confirmed, Dialog};
use super::{Ctx, Reply, Tab, error_text};
use crate::client::wire::{EmergencyRequest, LicenseInfo, ProductCapacity, ProductRef};
use crate::console::app::{Command, RequestIds};
use crate::console::data::DataError;
use crate::console::i18n::{Tr, capacity as tr, dialogs as dialogs_tr};
use crate::console::keymap::Key::{Char, Down, Enter, Esc, Left, Right, Up};
use crate::console::keymap::{Binding, Keymap, bind};
use crate::domain::Lang;
use crossterm::event::KeyEvent;

/// Extra accounts an emergency license may add.
pub const EMERGENCY_MAX: u32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapacityAction {
    Down,
    Up,
    /// The organization picker.
    FilterOrganization,
    Emergency,
    Refresh,
    Palette,
    Help,
    Back,
    Quit,
    // The emergency modal's.
    More,
    Fewer,
    /// On to the confirmation (a dialog on the app's stack).
    Next,
    Cancel,
}

#[rustfmt::skip]
pub const BINDINGS: &[Binding<CapacityAction>] = &[
    bind("capacity.down", &[Char('j'), Down], CapacityAction::Down, Tr::new("следующий продукт", "next product"), None),
    bind("capacity.up", &[Char('k'), Up], CapacityAction::Up, Tr::new("предыдущий продукт", "previous product"), None),
    bind("capacity.emergency", &[Char('e')], CapacityAction::Emergency, Tr::new("запросить экстренную лицензию", "request an emergency license"), Some(Tr::new("экстренная лицензия", "emergency license"))),
    bind("capacity.refresh", &[Char('r')], CapacityAction::Refresh, Tr::new("обновить (перечитать лицензию с портала)", "refresh (re-read the license from the portal)"), Some(Tr::new("обновить", "refresh"))),
    bind("capacity.filter_organization", &[Char('o')], CapacityAction::FilterOrganization, Tr::new("организация (выбор из списка)", "organization (pick from a list)"), Some(Tr::new("орг.", "org"))),
    bind("capacity.palette", &[Char(':')], CapacityAction::Palette, Tr::new("команды: поиск действия, act №, sn СН, 1–9, q", "commands: find an action, act N, sn SERIAL, 1–9, q"), None),
    bind("capacity.help", &[Char('?')], CapacityAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind("capacity.back", &[Esc], CapacityAction::Back, Tr::new("назад к активациям", "back to the activations"), Some(Tr::new("назад", "back"))),
    bind("capacity.quit", &[Char('q')], CapacityAction::Quit, Tr::new("выход (спросит, если что-то не отправлено)", "quit (asks when something is unsent)"), None),
];

#[rustfmt::skip]
pub const EMERGENCY_BINDINGS: &[Binding<CapacityAction>] = &[
    bind("emergency.more", &[Right, Up, Char('+')], CapacityAction::More, Tr::new("больше учётных записей", "more accounts"), Some(Tr::new("больше", "more"))),
    bind("emergency.fewer", &[Left, Down, Char('-')], CapacityAction::Fewer, Tr::new("меньше учётных записей", "fewer accounts"), Some(Tr::new("меньше", "fewer"))),
    bind("emergency.next", &[Enter], CapacityAction::Next, Tr::new("далее: подтверждение запроса", "next: confirm the request"), Some(Tr::new("далее", "next"))),
    bind("emergency.cancel", &[Esc], CapacityAction::Cancel, Tr::new("отмена", "cancel"), Some(Tr::new("отмена", "cancel"))),
];

#[derive(Debug, Clone, PartialEq)]
pub struct EmergencyModal {
    pub organization: i64,
    pub product: ProductRef,
    /// 1..=10, 10 at first.
    pub accounts: u32,
    /// Confirmed and sent; the answer closes the modal (or shows the refusal).
    pub pending: bool,
    /// Why it was (or would be) refused: the portal's words, kept until the modal closes.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CapacityScreen {
    pub organization: Option<i64>,
    pub info: Option<LicenseInfo>,
    pub pending: Option<u64>,
    /// Index of the product in front.
    pub selected: usize,
    pub emergency: Option<EmergencyModal>,
}

impl CapacityScreen {
    pub fn bindings(&self) -> &'static [Binding<CapacityAction>] {
        if self.emergency.is_some() {
            EMERGENCY_BINDINGS
        } else {
            BINDINGS
        }
    }

    pub fn products(&self) -> &[ProductCapacity] {
        self.info
            .as_ref()
            .map(|i| i.products.as_slice())
            .unwrap_or(&[])
    }

    pub fn selected_product(&self) -> Option<&ProductCapacity> {
        self.products().get(self.selected)
    }

    pub fn fetch(&mut self, organization: i64, ids: &mut RequestIds) -> Command {
        let request_id = ids.next_id();
        self.pending = Some(request_id);
        Command::FetchLicenseInfo {
            request_id,
            organization,
        }
    }

    /// Coming to the screen (or the organizations arrived): the first organization's
    /// information, once.
    pub fn enter(&mut self, ctx: &Ctx, ids: &mut RequestIds) -> Vec<Command> {
        if self.organization.is_none()
            && let Some(first) = ctx.organizations.first()
        {
            self.organization = Some(first.id);
            return vec![self.fetch(first.id, ids)];
        }
        Vec::new()
    }

    pub fn on_key(&mut self, event: &KeyEvent, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        if self.emergency.is_some() {
            return self.emergency_key(event, ctx.keymap, ctx.lang);
        }
        if let Some(shared) = Reply::shared_key(ctx.keymap, event) {
            return shared;
        }
        match ctx.keymap.lookup(BINDINGS, event) {
            Some(action) => self.apply(action, ctx, ids),
            None => Reply::default(),
        }
    }

    /// Runs one of the screen's actions (from its key or the `:` palette).
    pub fn apply(&mut self, action: CapacityAction, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        let last = self.products().len().saturating_sub(1);
        match action {
            CapacityAction::Down => self.selected = (self.selected + 1).min(last),
            CapacityAction::Up => self.selected = self.selected.saturating_sub(1),
            CapacityAction::FilterOrganization => {
                return Reply::pick(super::dialog::PickTarget::CapacityOrganization);
            }
            CapacityAction::Refresh => {
                if let Some(org) = self.organization {
                    return Reply::command(self.fetch(org, ids));
                }
                return Reply::commands(self.enter(ctx, ids));
            }
            CapacityAction::Emergency => return self.open_emergency(ctx),
            CapacityAction::Help => {
                return Reply::help();
            }
            CapacityAction::Palette => {
                return Reply::palette();
            }
            CapacityAction::Back => {
                return Reply::tab(Tab::Activations);
            }
            CapacityAction::Quit => {
                return Reply::quit();
            }
            // The emergency modal's own actions.
            CapacityAction::More
            | CapacityAction::Fewer
            | CapacityAction::Next
            | CapacityAction::Cancel => {}
        }
        Reply::default()
    }

    /// Another organization's information (from the picker).
    pub fn choose_organization(&mut self, organization: i64, ids: &mut RequestIds) -> Vec<Command> {
        if Some(organization) == self.organization {
            return Vec::new();
        }
        self.organization = Some(organization);
        self.selected = 0;
        vec![self.fetch(organization, ids)]
    }

    fn open_emergency(&mut self, ctx: &Ctx) -> Reply {
        if let Some(text) = ctx.denied(tr::ACTION_EMERGENCY) {
            return Reply::refused(ctx.lang, text);
        }
        let (Some(organization), Some(product)) = (self.organization, self.selected_product())
        else {
            return Reply::default();
        };
        // Refused already by the rules: the modal explains why and sends nothing.
        let error = (!product.emergency_available).then(|| {
            product
                .emergency_refusal
                .clone()
                .unwrap_or_else(|| tr::EMERGENCY_UNAVAILABLE.get(ctx.lang).to_string())
        });
        self.emergency = Some(EmergencyModal {
            organization,
            product: product.product.clone(),
            accounts: EMERGENCY_MAX,
            pending: false,
            error,
        });
        Reply::default()
    }

    fn emergency_key(&mut self, event: &KeyEvent, keymap: &Keymap, lang: Lang) -> Reply {
        let available = self
            .selected_product()
            .is_some_and(|p| p.emergency_available);
        let Some(modal) = self.emergency.as_mut() else {
            return Reply::default();
        };
        if modal.pending {
            return Reply::default();
        }
        match keymap.lookup(EMERGENCY_BINDINGS, event) {
            Some(CapacityAction::More) => {
                modal.accounts = (modal.accounts + 1).min(EMERGENCY_MAX);
            }
            Some(CapacityAction::Fewer) => {
                modal.accounts = modal.accounts.saturating_sub(1).max(1);
            }
            Some(CapacityAction::Next) if available => {
                let request = EmergencyRequest {
                    organization: modal.organization,
                    product: modal.product.id.clone(),
                    accounts: modal.accounts,
                };
                return Reply::open(Dialog::Confirm(ConfirmDialog::new(
                    tr::MODAL_TITLE.get(lang),
                    vec![tr::confirm_question(lang, modal.accounts)],
                    dialogs_tr::EMERGENCY_BUTTON.get(lang),
                    Confirmed::Emergency(request),
                )));
            }
            Some(CapacityAction::Cancel) => self.emergency = None,
            _ => {}
        }
        Reply::default()
    }

    /// The confirmation's Confirm button: send the request.
    pub fn emergency_confirmed(&mut self, request: EmergencyRequest) -> Vec<Command> {
        match self.emergency.as_mut() {
            Some(modal) if !modal.pending => {
                modal.pending = true;
                vec![Command::RequestEmergency(request)]
            }
            _ => Vec::new(),
        }
    }

    pub fn on_loaded(&mut self, request_id: u64, result: Result<LicenseInfo, DataError>) -> bool {
        if self.pending != Some(request_id) {
            return false;
        }
        self.pending = None;
        if let Ok(info) = result {
            self.selected = self.selected.min(info.products.len().saturating_sub(1));
            self.info = Some(info);
        }
        true
    }

    pub fn on_emergency(
        &mut self,
        result: Result<ProductCapacity, DataError>,
        lang: Lang,
    ) -> Reply {
        let Some(modal) = self.emergency.as_mut() else {
            return Reply::default();
        };
        modal.pending = false;
        match result {
            Ok(capacity) => {
                let accounts = modal.accounts;
                self.emergency = None;
                if let Some(info) = self.info.as_mut()
                    && let Some(p) = info
                        .products
                        .iter_mut()
                        .find(|p| p.product.id == capacity.product.id)
                {
                    *p = capacity;
                }
                Reply::notice(tr::emergency_granted(lang, accounts))
            }
            Err(error) => {
                modal.error = Some(error_text(lang, &error));
                Reply::default()
            }
        }
    }

    /// Offline: the request was queued; the confirmation closes.
    pub fn on_emergency_queued(&mut self) {
        self.emergency = None;
    }
}
