//! One serial's story as text (`:why SERIAL` in the console, `licadm why SERIAL` on
//! the command line; issue 16): the same lines in both, in the UI's language.

use super::activity::action;
use crate::client::serials::Why;
use crate::domain::text::inert;
use crate::domain::{Lang, format_date};

fn moment(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono::Local)
        .format("%d.%m.%Y %H:%M:%S")
        .to_string()
}

pub fn title(lang: Lang, serial: &str) -> String {
    match lang {
        Lang::Ru => format!("История СН {serial}"),
        Lang::En => format!("Serial {serial}"),
    }
}

pub fn loading(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => "Загрузка…",
        Lang::En => "Loading…",
    }
}

/// The device, each activation line with its history, and the license file check.
pub fn lines(lang: Lang, why: &Why) -> Vec<String> {
    let ru = lang == Lang::Ru;
    let mut out = Vec::new();
    if why.offline {
        out.push(
            if ru {
                "Нет связи с порталом: из локальной копии (устройства ваших организаций, активации, их история); проверка файла лицензии — когда связь вернётся."
            } else {
                "The portal is unreachable: from the local copy (your organizations' devices, activations, their history); the license file check when it is back."
            }
            .to_string(),
        );
    }
    match &why.story.device {
        Some(device) => {
            let until = device
                .subscription_until
                .map(format_date)
                .unwrap_or_else(|| if ru { "нет" } else { "none" }.to_string());
            out.push(if ru {
                format!(
                    "Устройство: {} {} · подписка до {until}",
                    device.vendor.id.name(lang),
                    device.model
                )
            } else {
                format!(
                    "Device: {} {} · subscription until {until}",
                    device.vendor.id.name(lang),
                    device.model
                )
            });
        }
        // Offline the mirror holds only its organizations' devices: a missing one says
        // nothing about the registry.
        None if why.offline => {}
        None => out.push(
            if ru {
                "Устройство: нет в реестре вендора"
            } else {
                "Device: not in the vendor registry"
            }
            .to_string(),
        ),
    }
    if why.story.lines.is_empty() {
        out.push(
            if ru {
                "Активаций с этим СН в ваших организациях нет."
            } else {
                "No activation of your organizations has this serial."
            }
            .to_string(),
        );
    }
    for line in &why.story.lines {
        out.push(String::new());
        let retries = match (ru, line.retries) {
            (_, 0) => String::new(),
            (true, n) => format!(" · повторов: {n}"),
            (false, n) => format!(" · retried {n}×"),
        };
        out.push(if ru {
            format!(
                "Активация № {} · {} · {} · до {}{retries}",
                line.activation,
                line.organization.name,
                line.status.label(lang),
                format_date(line.new_until)
            )
        } else {
            format!(
                "Activation {} · {} · {} · until {}{retries}",
                line.activation,
                line.organization.name,
                line.status.label(lang),
                format_date(line.new_until)
            )
        });
        if let Some(error) = &line.error {
            out.push(format!(
                "  {}: {error}",
                if ru { "ошибка" } else { "error" }
            ));
        }
        for event in &line.history {
            let request = event
                .request_id
                .as_ref()
                .map(|id| format!(" · {} {id}", if ru { "запрос" } else { "request" }))
                .unwrap_or_default();
            out.push(format!(
                "  {} · {} · {}{request}",
                moment(event.at),
                event.actor,
                action(lang, &event.action)
            ));
        }
    }
    if why.offline {
        return out.into_iter().map(|l| inert(&l).into_owned()).collect();
    }
    out.push(String::new());
    out.push(match &why.license {
        None => if ru {
            "Файл лицензии: нет выполненной активации с этим СН."
        } else {
            "License file: no done activation has this serial."
        }
        .to_string(),
        Some(check) => {
            let state = match (check.verified, check.valid_until, &check.problem, ru) {
                (true, Some(until), _, true) => {
                    format!("подпись верна, действует до {}", format_date(until))
                }
                (true, Some(until), _, false) => {
                    format!("signature verified, valid until {}", format_date(until))
                }
                (true, None, problem, true) => {
                    format!(
                        "подпись верна, но {}",
                        problem.as_deref().unwrap_or("СН в нём нет")
                    )
                }
                (true, None, problem, false) => format!(
                    "signature verified, but {}",
                    problem.as_deref().unwrap_or("the serial is not in it")
                ),
                (false, _, problem, true) => {
                    format!("НЕ ПРОВЕРЕН: {}", problem.as_deref().unwrap_or(""))
                }
                (false, _, problem, false) => {
                    format!("NOT VERIFIED: {}", problem.as_deref().unwrap_or(""))
                }
            };
            if ru {
                format!(
                    "Файл лицензии {} (активация № {}): {state}",
                    check.file_name, check.activation
                )
            } else {
                format!(
                    "License file {} (activation {}): {state}",
                    check.file_name, check.activation
                )
            }
        }
    });
    // Portal data may hold control characters: drawn inert, like every table.
    out.into_iter().map(|l| inert(&l).into_owned()).collect()
}
