//! The offline mirror: sync state on the status line, the outbox and its conflicts.

use super::Tr;
use crate::domain::Lang;
use crate::mirror::OutboxAction;

pub const ONLINE: Tr = Tr::new("в сети", "online");
pub const OFFLINE: Tr = Tr::new("нет связи", "offline");
pub const CONNECTING: Tr = Tr::new("подключение…", "connecting…");
pub const NEVER_SYNCED: Tr = Tr::new("не синхронизировано", "not synced yet");

/// "12 s" / "3 min" / "2 h" / "4 d": coarse, so the line does not churn.
pub fn age(lang: Lang, seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (value, ru, en) = if seconds < 60 {
        (seconds, "с", "s")
    } else if seconds < 3600 {
        (seconds / 60, "мин", "min")
    } else if seconds < 86_400 {
        (seconds / 3600, "ч", "h")
    } else {
        (seconds / 86_400, "дн", "d")
    };
    match lang {
        Lang::Ru => format!("{value} {ru}"),
        Lang::En => format!("{value} {en}"),
    }
}

/// "online · synced 12 s ago" (the connection word comes separately).
pub fn synced_ago(lang: Lang, seconds: i64) -> String {
    match lang {
        Lang::Ru => format!("синхр. {} назад", age(lang, seconds)),
        Lang::En => format!("synced {} ago", age(lang, seconds)),
    }
}

/// The mirror holds a window: older activations come from the portal on demand.
pub fn window(lang: Lang, from: chrono::DateTime<chrono::Utc>) -> String {
    let date = from.format("%d.%m.%Y");
    match lang {
        Lang::Ru => format!("окно с {date}"),
        Lang::En => format!("window from {date}"),
    }
}

pub fn first_sync(lang: Lang, received: u64) -> String {
    match lang {
        Lang::Ru => format!(
            "первая синхронизация… {}",
            super::ru_plural(
                usize::try_from(received).unwrap_or(usize::MAX),
                "объект",
                "объекта",
                "объектов"
            )
        ),
        Lang::En => format!(
            "first sync… {}",
            super::en_plural(
                usize::try_from(received).unwrap_or(usize::MAX),
                "object",
                "objects"
            )
        ),
    }
}

/// The outbox count on the status line: "⇡2 в очереди", "1 конфликт".
pub fn outbox_counts(lang: Lang, pending: usize, conflicts: usize) -> String {
    let mut parts = Vec::new();
    if pending > 0 {
        parts.push(match lang {
            Lang::Ru => format!("в очереди: {pending}"),
            Lang::En => format!("queued: {pending}"),
        });
    }
    if conflicts > 0 {
        parts.push(match lang {
            Lang::Ru => format!("конфликтов: {conflicts} (O)"),
            Lang::En => format!("conflicts: {conflicts} (O)"),
        });
    }
    parts.join(", ")
}

/// What a queued action is, in a few words.
pub fn action(lang: Lang, action: &OutboxAction) -> String {
    match (lang, action) {
        (Lang::Ru, OutboxAction::Bind { seat, email }) => {
            format!("привязка места {seat} к {email}")
        }
        (Lang::En, OutboxAction::Bind { seat, email }) => format!("bind seat {seat} to {email}"),
        (Lang::Ru, OutboxAction::Unbind { seat }) => format!("отвязка места {seat}"),
        (Lang::En, OutboxAction::Unbind { seat }) => format!("unbind seat {seat}"),
        (Lang::Ru, OutboxAction::Retry { number }) => format!("повтор активации {number}"),
        (Lang::En, OutboxAction::Retry { number }) => format!("retry activation {number}"),
        (Lang::Ru, OutboxAction::Emergency { request }) => format!(
            "экстренная лицензия {} (+{})",
            request.product, request.accounts
        ),
        (Lang::En, OutboxAction::Emergency { request }) => format!(
            "emergency license {} (+{})",
            request.product, request.accounts
        ),
        (Lang::Ru, OutboxAction::Activate { serials, .. }) => {
            // Genitive: «активация 1 серийного номера», «… 2 серийных номеров».
            let n = serials.len();
            let noun = if n % 10 == 1 && n % 100 != 11 {
                "серийного номера"
            } else {
                "серийных номеров"
            };
            format!("активация {n} {noun}")
        }
        (Lang::En, OutboxAction::Activate { serials, .. }) => {
            format!(
                "activation of {}",
                super::serial_numbers(lang, serials.len())
            )
        }
    }
}

/// A write was queued because the portal could not be reached.
pub fn queued(lang: Lang, action_text: &str) -> String {
    match lang {
        Lang::Ru => format!(
            "нет связи: {action_text} — в очереди, будет отправлено при восстановлении связи"
        ),
        Lang::En => {
            format!("offline: {action_text} is queued and will be sent when the link returns")
        }
    }
}

/// A queued write the portal refused when it was finally sent.
pub fn conflict(lang: Lang, action_text: &str, message: &str) -> String {
    match lang {
        Lang::Ru => format!("конфликт: {action_text} не выполнена: {message} — O: очередь"),
        Lang::En => format!("conflict: {action_text} was refused: {message} — O: outbox"),
    }
}

pub fn sent(lang: Lang, count: u32) -> String {
    match lang {
        Lang::Ru => format!("связь восстановлена: отправлено из очереди — {count}"),
        Lang::En => format!(
            "link is back: {} sent",
            super::en_plural(count as usize, "queued change", "queued changes")
        ),
    }
}

/// Under the activations list: creations waiting in the outbox (no number yet).
pub fn queued_activations(lang: Lang, lists: usize, serials: usize) -> String {
    match lang {
        Lang::Ru => {
            format!("в очереди на отправку: активаций {lists} (серийных номеров {serials})")
        }
        Lang::En => format!(
            "queued to send: {} ({})",
            super::activations_count(lang, lists),
            super::serial_numbers(lang, serials)
        ),
    }
}

pub const EMERGENCY_QUEUED: Tr = Tr::new(
    "запрос экстренной лицензии в очереди: будет отправлен при восстановлении связи",
    "the emergency license request is queued: it is sent when the link returns",
);

pub const PRECHECK_OFFLINE: Tr = Tr::new(
    "проверка номеров требует связи с порталом; список сохранён — повторите, когда связь вернётся",
    "the precheck needs the portal; your list is kept — try again when the link returns",
);

// The outbox overlay.
pub const OUTBOX_TITLE: Tr = Tr::new("Очередь отправки", "Outbox");
pub const OUTBOX_EMPTY: Tr = Tr::new(
    "Очередь пуста: всё отправлено на портал.",
    "The outbox is empty: everything reached the portal.",
);
pub const STATE_PENDING: Tr = Tr::new("ожидает", "pending");
pub const STATE_CONFLICT: Tr = Tr::new("конфликт", "conflict");
pub const PENDING_MARK: Tr = Tr::new("в очереди", "queued");

// Cancelling a queued item (the outbox's `c`).
pub const CANCEL_TITLE: Tr = Tr::new("Отменить отправку?", "Cancel sending?");
pub const CANCEL_KEEP: Tr = Tr::new("Оставить в очереди", "Keep it queued");
pub const CANCEL_CONFIRM: Tr = Tr::new("Отменить отправку", "Cancel sending");
pub const CANCEL_KEYS: Tr = Tr::new(
    "Tab — другая кнопка · Enter — нажать · Esc — оставить",
    "Tab — other button · Enter — press · Esc — keep",
);
pub const CANCEL_ONLY_PENDING: Tr = Tr::new(
    "Отменить можно только ещё не отправленную запись",
    "Only an item not sent yet can be cancelled",
);
pub const CANCELLED: Tr = Tr::new(
    "Отправка отменена: запись убрана из очереди",
    "Cancelled: the item left the outbox",
);
pub const NOT_CANCELLED: Tr = Tr::new(
    "Не отменено: запись уже отправлена или отклонена",
    "Not cancelled: the item was sent or refused meanwhile",
);

/// What cancelling means, and, when sending was tried before, that it may be too late.
pub fn cancel_question(lang: Lang, action: &str, attempts: u32) -> String {
    let base = match lang {
        Lang::Ru => format!("«{action}» не будет отправлено на портал."),
        Lang::En => format!("\"{action}\" will not be sent to the portal."),
    };
    if attempts == 0 {
        return base;
    }
    match lang {
        Lang::Ru => format!(
            "{base} Её уже пытались отправить, ответа не было: если портал её получил, изменение уже сделано."
        ),
        Lang::En => format!(
            "{base} Sending was tried before without an answer: if the portal got it, the change is already made."
        ),
    }
}
