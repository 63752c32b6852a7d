//! Screen names for the tab line and titles.

use super::Tr;

pub const SEATS_SHORT: Tr = Tr::new("Подписки", "Seats");
pub const CAPACITY_SHORT: Tr = Tr::new("Лицензии", "License info");
pub const KEYS_SHORT: Tr = Tr::new("Ключи", "Keys");
pub const SEATS_TITLE: Tr = Tr::new("Управление подпиской", "Subscription management");
pub const CAPACITY_TITLE: Tr = Tr::new("Лицензионная информация", "License information");
pub const KEYS_TITLE: Tr = Tr::new("Ключи и офлайн-активация", "Keys & offline activation");
pub const HISTORY_TITLE: Tr = Tr::new("История", "History");
