//! The new-activation flow's key tables, one per step and one for the confirmation.

use crate::console::i18n::Tr;
use crate::console::keymap::Key::{
    Char, Ctrl, Delete, Down, End, Enter, Esc, F, Home, PageDown, PageUp, Up,
};
use crate::console::keymap::{Binding, bind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowAction {
    Down,
    Up,
    FirstRow,
    LastRow,
    Choose,
    Accept,
    Precheck,
    Import,
    Sample,
    Toggle,
    SelectAll,
    DeleteSelected,
    DeleteErrors,
    Copy,
    Retail,
    PageDown,
    PageUp,
    Search,
    NextError,
    SaveErrors,
    SaveAll,
    ActivateSelected,
    ActivateAll,
    Confirm,
    Help,
    Back,
    Discard,
}

const DISCARD_HELP: Tr = Tr::new(
    "отменить новую активацию (список номеров будет очищен)",
    "discard the new activation (the serial list is cleared)",
);

#[rustfmt::skip]
pub const ORGANIZATION_BINDINGS: &[Binding<FlowAction>] = &[
    bind("new_org.down", &[Char('j'), Down], FlowAction::Down, Tr::new("следующая организация", "next organization"), None),
    bind("new_org.up", &[Char('k'), Up], FlowAction::Up, Tr::new("предыдущая организация", "previous organization"), None),
    bind("new_org.choose", &[Enter], FlowAction::Choose, Tr::new("выбрать организацию", "choose the organization"), Some(Tr::new("выбрать", "choose"))),
    bind("new_org.help", &[Char('?')], FlowAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind("new_org.discard", &[F(8)], FlowAction::Discard, DISCARD_HELP, Some(Tr::new("отменить", "discard"))),
    bind("new_org.back", &[Esc, Char('q')], FlowAction::Back, Tr::new("назад к списку активаций", "back to the activations"), Some(Tr::new("назад", "back"))),
];

#[rustfmt::skip]
pub const OFFER_BINDINGS: &[Binding<FlowAction>] = &[
    bind("new_offer.accept", &[Enter], FlowAction::Accept, Tr::new("принять оферту и продолжить", "accept the offer and continue"), Some(Tr::new("принять и продолжить", "accept and continue"))),
    bind("new_offer.help", &[Char('?')], FlowAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind("new_offer.discard", &[F(8)], FlowAction::Discard, DISCARD_HELP, Some(Tr::new("отменить", "discard"))),
    bind("new_offer.back", &[Esc, Char('q')], FlowAction::Back, Tr::new("назад", "back"), Some(Tr::new("назад", "back"))),
];

/// In the text area letters type text, so its actions are Ctrl chords and F keys.
#[rustfmt::skip]
pub const SERIALS_BINDINGS: &[Binding<FlowAction>] = &[
    bind("new_serials.precheck", &[F(5), Ctrl('p')], FlowAction::Precheck, Tr::new("проверить номера (ничего не меняет)", "precheck the serials (changes nothing)"), Some(Tr::new("проверить", "precheck"))),
    bind("new_serials.import", &[Ctrl('o')], FlowAction::Import, Tr::new("импорт из текстового файла (путь)", "import a .txt file (path)"), Some(Tr::new("импорт", "import .txt"))),
    bind("new_serials.sample", &[Ctrl('s')], FlowAction::Sample, Tr::new("скачать пример файла в папку загрузок", "save a sample file to the downloads folder"), Some(Tr::new("пример файла", "sample file"))),
    bind("new_serials.help", &[F(1)], FlowAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind("new_serials.discard", &[F(8)], FlowAction::Discard, DISCARD_HELP, Some(Tr::new("отменить", "discard"))),
    bind("new_serials.back", &[Esc], FlowAction::Back, Tr::new("назад (текст сохраняется)", "back (the text is kept)"), Some(Tr::new("назад", "back"))),
];

#[rustfmt::skip]
pub const PRECHECK_BINDINGS: &[Binding<FlowAction>] = &[
    bind("new_precheck.down", &[Char('j'), Down], FlowAction::Down, Tr::new("следующая строка", "next row"), None),
    bind("new_precheck.up", &[Char('k'), Up], FlowAction::Up, Tr::new("предыдущая строка", "previous row"), None),
    bind("new_precheck.first_row", &[Char('g'), Home], FlowAction::FirstRow, Tr::new("первая строка", "first row"), None),
    bind("new_precheck.last_row", &[Char('G'), End], FlowAction::LastRow, Tr::new("последняя строка", "last row"), None),
    bind("new_precheck.page_down", &[PageDown], FlowAction::PageDown, Tr::new("страница вниз", "page down"), None),
    bind("new_precheck.page_up", &[PageUp], FlowAction::PageUp, Tr::new("страница вверх", "page up"), None),
    bind("new_precheck.search", &[Char('/')], FlowAction::Search, Tr::new("поиск строки: СН, модель или текст ошибки (↓ ↑ — следующая / предыдущая)", "find a row: serial, model or error text (↓ ↑ next / previous)"), Some(Tr::new("поиск", "find"))),
    bind("new_precheck.next_error", &[Char('E')], FlowAction::NextError, Tr::new("следующая строка с ошибкой", "next row with an error"), Some(Tr::new("к ошибке", "next error"))),
    bind("new_precheck.save_errors", &[Char('w')], FlowAction::SaveErrors, Tr::new("сохранить строки с ошибками в файл (поля через табуляцию)", "save the rows with errors to a file (tab-separated)"), None),
    bind("new_precheck.save_all", &[Char('W')], FlowAction::SaveAll, Tr::new("сохранить все строки в файл (поля через табуляцию)", "save all rows to a file (tab-separated)"), None),
    bind("new_precheck.toggle", &[Char(' ')], FlowAction::Toggle, Tr::new("выбрать строку / снять выбор", "select / unselect the row"), Some(Tr::new("выбрать", "select"))),
    bind("new_precheck.select_all", &[Char('*'), Ctrl('a')], FlowAction::SelectAll, Tr::new("выбрать все / снять выбор со всех", "select all / none"), None),
    bind("new_precheck.activate_selected", &[Enter], FlowAction::ActivateSelected, Tr::new("активировать выбранные", "activate the selected rows"), Some(Tr::new("активировать", "activate"))),
    bind("new_precheck.activate_all", &[Char('A')], FlowAction::ActivateAll, Tr::new("активировать всё (все проверенные)", "activate all checked rows"), Some(Tr::new("всё", "all"))),
    bind("new_precheck.delete_selected", &[Char('d'), Delete], FlowAction::DeleteSelected, Tr::new("удалить выбранные строки", "delete the selected rows"), Some(Tr::new("удалить", "delete"))),
    bind("new_precheck.delete_errors", &[Char('D')], FlowAction::DeleteErrors, Tr::new("удалить строки с ошибками", "delete all rows with errors"), Some(Tr::new("удалить ошибки", "delete errors"))),
    bind("new_precheck.copy_serial", &[Char('y')], FlowAction::Copy, Tr::new("скопировать серийный номер в буфер обмена", "copy the serial number (OSC 52)"), None),
    bind("new_precheck.retail", &[Char('R')], FlowAction::Retail, Tr::new("показать / скрыть рекомендуемую розничную цену", "show / hide the recommended retail price"), None),
    bind("new_precheck.help", &[Char('?')], FlowAction::Help, Tr::new("справка", "help"), None),
    bind("new_precheck.discard", &[F(8)], FlowAction::Discard, DISCARD_HELP, None),
    bind("new_precheck.back", &[Esc, Char('q')], FlowAction::Back, Tr::new("назад к списку номеров", "back to the serial list"), Some(Tr::new("назад", "back"))),
];

#[rustfmt::skip]
pub const CONFIRM_BINDINGS: &[Binding<FlowAction>] = &[
    bind("new_confirm.activate", &[Enter], FlowAction::Confirm, Tr::new("активировать", "activate"), Some(Tr::new("активировать", "activate"))),
    bind("new_confirm.cancel", &[Esc, Char('n')], FlowAction::Back, Tr::new("отмена", "cancel"), Some(Tr::new("отмена", "cancel"))),
];

/// The precheck's `/` prompt: letters type the search.
#[rustfmt::skip]
pub const SEARCH_BINDINGS: &[Binding<FlowAction>] = &[
    bind("new_search.keep", &[Enter], FlowAction::Confirm, Tr::new("остаться на найденной строке", "stay on the row found"), Some(Tr::new("готово", "done"))),
    bind("new_search.next", &[Down], FlowAction::Down, Tr::new("следующее совпадение", "next match"), Some(Tr::new("следующее", "next"))),
    bind("new_search.previous", &[Up], FlowAction::Up, Tr::new("предыдущее совпадение", "previous match"), Some(Tr::new("предыдущее", "previous"))),
    bind("new_search.cancel", &[Esc], FlowAction::Back, Tr::new("закрыть поиск, вернуться к строке", "close the search, back to the row"), Some(Tr::new("отмена", "cancel"))),
];

/// The precheck's "save to a file" prompt: letters type the path.
#[rustfmt::skip]
pub const SAVE_BINDINGS: &[Binding<FlowAction>] = &[
    bind("new_save.save", &[Enter], FlowAction::Confirm, Tr::new("сохранить (без пути — в папку загрузок, ~ — домашняя папка)", "save (no path: the downloads folder; ~ is your home)"), Some(Tr::new("сохранить", "save"))),
    bind("new_save.cancel", &[Esc], FlowAction::Back, Tr::new("отмена", "cancel"), Some(Tr::new("отмена", "cancel"))),
];
