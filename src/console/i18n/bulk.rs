//! Texts of many rows at once (issue 16 b): marks, bulk actions and their progress,
//! the triage of errors, exports and saved views.

use super::Tr;
use crate::domain::{Kopecks, Lang, format_rub};

/// «1 активацию», «3 активации», «1 000 активаций»: the count grouped, the noun agreeing.
fn counted(lang: Lang, n: usize, ru: [&str; 3], en: [&str; 2]) -> String {
    let digits = super::group_digits(n as u64);
    match lang {
        Lang::Ru => {
            let form = match (n % 10, n % 100) {
                (_, 11..=14) => ru[2],
                (1, _) => ru[0],
                (2..=4, _) => ru[1],
                _ => ru[2],
            };
            format!("{digits} {form}")
        }
        Lang::En => format!("{digits} {}", if n == 1 { en[0] } else { en[1] }),
    }
}

pub const IN_RUN: Tr = Tr::new("окне массового действия", "the bulk action window");
pub const IN_TRIAGE: Tr = Tr::new("разборе ошибок", "the error triage");

pub fn marked(lang: Lang, count: usize) -> String {
    let count = super::group_digits(count as u64);
    match lang {
        Lang::Ru => format!("отмечено: {count}"),
        Lang::En => format!("marked: {count}"),
    }
}

pub const MARKING_ALL: Tr = Tr::new("отмечаю все по фильтру…", "marking every match…");

pub fn marked_all(lang: Lang, count: usize, capped: bool) -> String {
    let n = super::group_digits(count as u64);
    match (lang, capped) {
        (Lang::Ru, false) => format!("отмечены все по фильтру: {n}"),
        (Lang::En, false) => format!("marked every match: {n}"),
        (Lang::Ru, true) => {
            format!("отмечены первые {n} по фильтру — сузьте фильтр, чтобы взять остальные")
        }
        (Lang::En, true) => {
            format!("marked the first {n} matches — narrow the filter to reach the rest")
        }
    }
}

pub fn copied_many(lang: Lang, count: usize) -> String {
    let n = super::group_digits(count as u64);
    match lang {
        Lang::Ru => format!("скопировано строк: {n}"),
        Lang::En => format!("copied {n} rows"),
    }
}

pub const MARKS_CLEARED: Tr = Tr::new("отметки сняты", "marks cleared");

// ---- confirmations ----
pub const RETRY_TITLE: Tr = Tr::new("Повторить отмеченные", "Retry the marked");
pub const RETRY_BUTTON: Tr = Tr::new("Повторить", "Retry");
pub const SAVE_TITLE: Tr = Tr::new("Скачать файлы лицензий", "Save the license files");
pub const SAVE_BUTTON: Tr = Tr::new("Скачать", "Save");
pub const UNBIND_TITLE: Tr = Tr::new("Отвязать отмеченные места", "Unbind the marked seats");
pub const UNBIND_BUTTON: Tr = Tr::new("Отвязать", "Unbind");

fn activations(lang: Lang, count: usize) -> String {
    counted(
        lang,
        count,
        ["активацию", "активации", "активаций"],
        ["activation", "activations"],
    )
}

pub fn retry_question(lang: Lang, count: usize, total: Kopecks, ascii: bool) -> String {
    let n = activations(lang, count);
    let sum = format_rub(total, ascii);
    match lang {
        Lang::Ru => format!("Повторить {n} с ошибкой на сумму {sum}?"),
        Lang::En => format!("Retry {n} in error, {sum} in all?"),
    }
}

pub fn save_question(lang: Lang, count: usize, folder: &str) -> String {
    let n = counted(
        lang,
        count,
        ["файл лицензий", "файла лицензий", "файлов лицензий"],
        ["license file", "license files"],
    );
    match lang {
        Lang::Ru => format!("Скачать {n} в папку {folder}?"),
        Lang::En => format!("Save {n} into {folder}?"),
    }
}

pub fn unbind_question(lang: Lang, count: usize) -> String {
    let n = counted(lang, count, ["место", "места", "мест"], ["seat", "seats"]);
    match lang {
        Lang::Ru => format!("Отвязать {n}? Пользователи потеряют доступ."),
        Lang::En => format!("Unbind {n}? Their users lose access."),
    }
}

/// The marked rows an action leaves out, and why.
pub fn skipped(lang: Lang, count: usize, why: Tr) -> String {
    let n = super::group_digits(count as u64);
    match lang {
        Lang::Ru => format!("Пропускаются: {n} — {}.", why.get(lang)),
        Lang::En => format!("Left out: {n} — {}.", why.get(lang)),
    }
}

pub const NOT_ERRORED: Tr = Tr::new("не в статусе «Ошибка»", "not in error");
pub const REFUSED_FOR_GOOD: Tr = Tr::new(
    "реестр отказал навсегда, повтор не поможет",
    "refused by the registry for good, a retry fails again",
);
pub const NOT_DONE: Tr = Tr::new("не выполнены, файла ещё нет", "not done, no file yet");
pub const NOT_BOUND: Tr = Tr::new("не привязаны", "not bound");

pub const NOTHING_TO_RETRY: Tr = Tr::new(
    "среди отмеченных нет активаций, повтор которых может пройти",
    "none of the marked activations can succeed on a retry",
);
pub const NOTHING_TO_SAVE: Tr = Tr::new(
    "среди отмеченных нет выполненных активаций",
    "none of the marked activations is done",
);
pub const NOTHING_TO_UNBIND: Tr = Tr::new(
    "среди отмеченных нет привязанных мест",
    "none of the marked seats is bound",
);

// ---- the run ----
pub fn run_title(lang: Lang, kind: Tr, done: usize, total: usize) -> String {
    let (done, total) = (
        super::group_digits(done as u64),
        super::group_digits(total as u64),
    );
    match lang {
        Lang::Ru => format!("{} — {done} из {total}", kind.get(lang)),
        Lang::En => format!("{} — {done} of {total}", kind.get(lang)),
    }
}

pub const RUN_RETRY: Tr = Tr::new("Повтор активаций", "Retrying activations");
pub const RUN_SAVE: Tr = Tr::new("Файлы лицензий", "License files");
pub const RUN_UNBIND: Tr = Tr::new("Отвязка мест", "Unbinding seats");

pub const ROW_WAITING: Tr = Tr::new("ждёт", "waiting");
pub const ROW_SENDING: Tr = Tr::new("отправлено…", "sent…");
pub const ROW_QUEUED: Tr = Tr::new("в очереди (нет связи)", "queued (offline)");
pub const ROW_RETRIED: Tr = Tr::new("повторена, в работе", "retried, in progress");
pub const ROW_UNBOUND: Tr = Tr::new("отвязано", "unbound");

pub fn run_done(lang: Lang, ok: usize, queued: usize, failed: usize) -> String {
    match lang {
        Lang::Ru => format!("Готово: успешно {ok}, в очереди {queued}, не удалось {failed}"),
        Lang::En => format!("Done: {ok} succeeded, {queued} queued, {failed} failed"),
    }
}

pub const RUN_RUNNING_HINT: Tr = Tr::new(
    "идёт… результат по каждой строке — ниже",
    "running… each row's result below",
);

// ---- triage ----
pub const TRIAGE_TITLE: Tr = Tr::new("Разбор ошибок", "Error triage");
pub const PERIOD_DAY: Tr = Tr::new("за 24 ч", "last 24 h");
pub const PERIOD_WEEK: Tr = Tr::new("за 7 дней", "last 7 days");
pub const PERIOD_MONTH: Tr = Tr::new("за 30 дней", "last 30 days");
pub const TRIAGE_EMPTY: Tr = Tr::new(
    "Ошибок за период нет (ни заказанных, ни упавших в нём)",
    "No errors in the period (none ordered or failed in it)",
);
pub const RETRYABLE: Tr = Tr::new("повтор может пройти", "a retry can succeed");
pub const FINAL: Tr = Tr::new("отказ навсегда", "refused for good");

pub fn triage_summary(lang: Lang, total: u64, groups: usize, period: Tr) -> String {
    let count = super::group_digits(total);
    match lang {
        Lang::Ru => format!("{} · ошибок {count} · групп {groups}", period.get(lang)),
        Lang::En => format!(
            "{} · {count} {} · {}",
            period.get(lang),
            if total == 1 { "error" } else { "errors" },
            super::en_plural(groups, "group", "groups")
        ),
    }
}

pub fn group_line(lang: Lang, count: u64, organizations: usize) -> String {
    let count = super::group_digits(count);
    match lang {
        Lang::Ru => format!("{count} шт. · организаций: {organizations}"),
        Lang::En => format!("{count} · organizations: {organizations}"),
    }
}

pub const GROUP_FINAL_REFUSED: Tr = Tr::new(
    "реестр отказал навсегда: повтор этой группы не пройдёт",
    "the registry refused for good: a retry of this group fails again",
);

pub fn retry_group_question(lang: Lang, count: usize, error: &str) -> String {
    let n = activations(lang, count);
    match lang {
        Lang::Ru => format!("Повторить {n} с ошибкой «{error}»?"),
        Lang::En => format!("Retry {n} failing with “{error}”?"),
    }
}

// ---- export and views ----
/// The status line's progress; `total` 0: not known (the activity log counts no
/// total), then only the rows read so far.
pub fn exporting(lang: Lang, done: u64, total: u64, bar: &str) -> String {
    let unknown = total == 0;
    let (done, total) = (super::group_digits(done), super::group_digits(total));
    if unknown {
        return match lang {
            Lang::Ru => format!("экспорт… строк: {done}"),
            Lang::En => format!("exporting… {done} rows"),
        };
    }
    match lang {
        Lang::Ru => format!("экспорт {bar} {done} из {total}"),
        Lang::En => format!("exporting {bar} {done} of {total}"),
    }
}

pub fn exported(lang: Lang, rows: u64, path: &str) -> String {
    let rows = super::group_digits(rows);
    match lang {
        Lang::Ru => format!("выгружено строк: {rows} → {path}"),
        Lang::En => format!("exported {rows} rows → {path}"),
    }
}

/// An export that reached its row limit: the list may hold more than the file.
pub fn exported_to_the_limit(lang: Lang, rows: u64, path: &str) -> String {
    let rows = super::group_digits(rows);
    match lang {
        Lang::Ru => format!(
            "выгружены первые {rows} строк — это предел выгрузки, в списке может быть больше; сузьте фильтры → {path}"
        ),
        Lang::En => format!(
            "exported the first {rows} rows, the export's limit: the list may hold more; narrow the filters → {path}"
        ),
    }
}

pub const EXPORT_HERE_ONLY: Tr = Tr::new(
    "выгрузка — из списков: откройте список (1, 2, 5–9) или разбор ошибок",
    "export works on the lists: open one (1, 2, 5–9) or the error triage",
);
pub const VIEWS_HERE_ONLY: Tr = Tr::new(
    "вид сохраняется со списка: откройте список (1, 2, 5–9) или разбор ошибок",
    "a view is saved from a list: open one (1, 2, 5–9) or the error triage",
);
/// The triage's groups as CSV columns.
pub const TRIAGE_COLUMNS: [Tr; 5] = [
    Tr::new("Ошибок", "Errors"),
    Tr::new("Организации", "Organizations"),
    Tr::new("Повтор", "Retry"),
    Tr::new("Текст ошибки", "Error text"),
    Tr::new("Активации", "Activations"),
];
pub const EXPORT_BUSY: Tr = Tr::new(
    "выгрузка уже идёт — дождитесь её",
    "an export is under way — wait for it",
);

pub fn view_saved(lang: Lang, name: &str, file: &str) -> String {
    match lang {
        Lang::Ru => format!("вид «{name}» сохранён в {file}"),
        Lang::En => format!("view “{name}” saved in {file}"),
    }
}

pub fn view_opened(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Ru => format!("открыт вид «{name}»"),
        Lang::En => format!("opened view “{name}”"),
    }
}

pub fn no_view(lang: Lang, name: &str, known: &[String]) -> String {
    let known = if known.is_empty() {
        "—".to_string()
    } else {
        known.join(", ")
    };
    match lang {
        Lang::Ru => format!("вида «{name}» нет; сохранённые: {known}"),
        Lang::En => format!("no view “{name}”; saved: {known}"),
    }
}

pub const CMD_EXPORT: Tr = Tr::new(
    "выгрузить текущий вид (все страницы) в таблицу: export ФАЙЛ",
    "export the current view (all pages) to CSV: export FILE",
);
pub const CMD_VIEW: Tr = Tr::new(
    "вид: view save ИМЯ — сохранить, view ИМЯ — открыть",
    "views: view save NAME to save, view NAME to open",
);
pub const CMD_ERRORS: Tr = Tr::new(
    "разбор ошибок: группы по тексту",
    "error triage: groups by text",
);
pub const NEEDS_FILE: Tr = Tr::new(
    "нужно имя файла: export активации.csv",
    "a file name is needed: export activations.csv",
);
pub const NEEDS_NAME: Tr = Tr::new(
    "имя вида — буквы, цифры, - и _ (до 40): view save ошибки",
    "a view name is letters, digits, - and _ (up to 40): view save errors",
);
pub const NO_CONFIG: Tr = Tr::new(
    "нет файла настроек, куда сохранить вид (--config или LICADM_CONFIG)",
    "no config file to save the view in (--config or LICADM_CONFIG)",
);
pub const EXPORT_TEMPLATE: Tr = Tr::new("export ФАЙЛ", "export FILE");
pub const VIEW_TEMPLATE: Tr = Tr::new("view save ИМЯ", "view save NAME");
