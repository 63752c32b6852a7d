//! Every text the portal answers, in English and Russian (docs/DESIGN.md §4.3). Holes
//! `{0}`, `{1}` take the values the handlers format in (numbers, serials, names,
//! allowed values); an argument that is itself a text of this catalog (a domain error,
//! a role's action) is translated too.
//!
//! The handlers keep writing the English (or, where the portal always spoke Russian,
//! the Russian or bilingual) text; a client that sends no `Accept-Language` gets
//! exactly that. A new message without an entry here still reaches the client, in the
//! words it was written in.

/// `(English, Russian)`. Where the English of one entry also matches a more general
/// one, the specific entry comes first.
pub(super) const PAIRS: &[(&str, &str)] = &[
    // routes_bulk.rs (issue 16 b)
    (
        "numbers must list 1 to {0} activation numbers (got {1}); send more in several requests",
        "numbers — от 1 до {0} номеров активаций (получено {1}); больше — несколькими запросами",
    ),
    (
        "numbers must be activation numbers from 1 (got {0})",
        "numbers — номера активаций от 1 (получено {0})",
    ),
    (
        "since must be hours or days back (24h, 7d), a date (2026-11-30) or an RFC 3339 moment, at most {0} days back (got {1})",
        "since — часы или дни назад (24h, 7d), дата (2026-11-30) или момент RFC 3339, не больше {0} дней назад (получено {1})",
    ),
    // error.rs, routes.rs
    (
        "internal error; the portal log has the details",
        "внутренняя ошибка; подробности в журнале портала",
    ),
    (
        "the portal is busy; nothing was changed: send the request again after Retry-After seconds",
        "портал занят; ничего не изменено: повторите запрос через Retry-After секунд",
    ),
    (
        "no such endpoint: {0} {1}",
        "нет такого адреса API: {0} {1}",
    ),
    (
        "{0} is not allowed on {1}",
        "метод {0} не поддерживается для {1}",
    ),
    ("activation {0} not found", "активация {0} не найдена"),
    (
        "unreadable query string: {0}",
        "строка запроса не читается: {0}",
    ),
    (
        "the body must be JSON: send `Content-Type: application/json`",
        "тело запроса должно быть JSON: отправьте `Content-Type: application/json`",
    ),
    (
        "the body is not valid JSON: {0}",
        "тело запроса — не корректный JSON: {0}",
    ),
    (
        "the body does not match the request shape: {0}",
        "тело запроса не соответствует формату запроса: {0}",
    ),
    (
        "the request body is larger than {0} MiB",
        "тело запроса больше {0} МиБ",
    ),
    (
        "unreadable request body: {0}",
        "тело запроса не читается: {0}",
    ),
    (
        "unreadable organization id: {0}",
        "номер организации не читается: {0}",
    ),
    (
        "unreadable activation number: {0}",
        "номер активации не читается: {0}",
    ),
    ("unreadable seat id: {0}", "номер места не читается: {0}"),
    (
        "{0}; start over with a full sync (since=0) and replace the local copy",
        "{0}; начните заново с полной синхронизации (since=0) и замените локальную копию",
    ),
    (
        "cursor {0} is beyond this store's history (its latest change is {1}): it is from another store or a restored copy",
        "курсор {0} дальше истории этого хранилища (последнее изменение — {1}): он из другого хранилища или из восстановленной копии",
    ),
    (
        "cursor {0} is older than the kept history (deletions up to {1} were pruned)",
        "курсор {0} старше сохранённой истории (удаления до {1} забыты)",
    ),
    // rate_limit.rs
    (
        "too many requests: send again in {0} s (Retry-After)",
        "слишком много запросов: повторите через {0} с (Retry-After)",
    ),
    (
        "too many failed authentications from this address: send again in {0} s (Retry-After)",
        "слишком много неудачных попыток входа с этого адреса: повторите через {0} с (Retry-After)",
    ),
    (
        "too many failed logins for this account: send again in {0} s (Retry-After)",
        "слишком много неудачных входов в эту учётную запись: повторите через {0} с (Retry-After)",
    ),
    // auth.rs, routes_access.rs, access_rules.rs: accounts and tokens
    (
        "the token was revoked at {0}: log in again (licadm login)",
        "токен отозван {0}: войдите снова (licadm login)",
    ),
    (
        "the token expired at {0}: log in again (licadm login)",
        "срок действия токена истёк {0}: войдите снова (licadm login)",
    ),
    ("wrong e-mail or password", "неверный e-mail или пароль"),
    (
        "{0} is not an e-mail address (name@example.com)",
        "{0}: это не адрес e-mail (name@example.com)",
    ),
    (
        "{0} must have at least {1} characters",
        "{0}: нужно не меньше {1} символов",
    ),
    (
        "organizations: name at least one organization",
        "organizations: укажите хотя бы одну организацию",
    ),
    (
        "role admin may not set another account's password: leave it out, and the invitee sets it with the invitation code",
        "роль admin не может задавать пароль чужой учётной записи: не указывайте его, приглашённый задаст пароль по коду приглашения",
    ),
    (
        "an account with e-mail {0} exists already",
        "учётная запись с e-mail {0} уже есть",
    ),
    (
        "the invitation code is unknown, used or expired: ask for a new invitation",
        "код приглашения неизвестен, уже использован или истёк: попросите новое приглашение",
    ),
    ("token {0} not found", "токен {0} не найден"),
    ("account {0} not found", "учётная запись {0} не найдена"),
    ("unreadable token id: {0}", "номер токена не читается: {0}"),
    (
        "unreadable account id: {0}",
        "номер учётной записи не читается: {0}",
    ),
    ("token id", "номер токена"),
    ("account id", "номер учётной записи"),
    ("manage accounts", "управлять учётными записями"),
    // routes_webhooks.rs, store/*/webhooks.rs (issue 17)
    ("manage webhooks", "управлять вебхуками"),
    (
        "webhook endpoint {0} not found",
        "адрес вебхука {0} не найден",
    ),
    (
        "webhook delivery {0} not found",
        "доставка вебхука {0} не найдена",
    ),
    (
        "webhook delivery {0} is still pending: it is sent again by itself",
        "доставка вебхука {0} ещё в очереди: она повторится сама",
    ),
    (
        "url must be https:// (http:// only to 127.0.0.1, ::1 or localhost, for testing); got {0}",
        "адрес должен быть https:// (http:// — только 127.0.0.1, ::1 или localhost, для проверки); получено {0}",
    ),
    (
        "url must be an absolute https:// URL (got {0})",
        "адрес должен быть полным URL https:// (получено {0})",
    ),
    (
        "url must be https:// (got the scheme {0})",
        "адрес должен быть https:// (получена схема {0})",
    ),
    (
        "url must not carry a user name or password: the signature proves the sender",
        "в адресе не должно быть имени пользователя и пароля: отправителя подтверждает подпись",
    ),
    (
        "organization is required: this token has several organizations",
        "нужна organization: у токена несколько организаций",
    ),
    (
        "unknown event {0}: use {1}",
        "неизвестное событие {0}: допустимы {1}",
    ),
    (
        "events must name at least one of: {0}",
        "events должен называть хотя бы одно из: {0}",
    ),
    // http_errors.rs
    ("the request was refused: {0}", "запрос отклонён: {0}"),
    // guard.rs
    (
        "the request URI is {0} bytes, more than {1}",
        "URI запроса — {0} байт, больше {1}",
    ),
    (
        "the request headers are {0} bytes, more than {1}",
        "заголовки запроса — {0} байт, больше {1}",
    ),
    // domain/text.rs
    (
        "{0} contains a control or invisible character (U+{1}); send printable text only",
        "{0} содержит управляющий или невидимый символ (U+{1}); отправьте только печатный текст",
    ),
    (
        "{0} is longer than {1} characters",
        "{0} длиннее {1} символов",
    ),
    // auth.rs
    ("role {0} may not {1}", "роль {0} не может {1}"),
    ("accept the offer", "принимать оферту"),
    ("create activations", "создавать активации"),
    ("retry activations", "повторять активации"),
    ("bind or unbind seats", "привязывать и отвязывать места"),
    (
        "request emergency licenses",
        "запрашивать экстренные лицензии",
    ),
    ("record purchases", "записывать покупки"),
    (
        "block or unblock organizations",
        "блокировать и разблокировать организации",
    ),
    ("activate product keys", "активировать ключи продуктов"),
    // routes_invoices.rs, store invoices (issue 17)
    ("mark invoices paid", "отмечать оплату счетов"),
    ("invoice {0} not found", "счёт {0} не найден"),
    ("invoice {0} was paid on {1}", "счёт {0} уже оплачен {1}"),
    (
        "{0} is not an invoice number (YYYYMM-NNNNN, e.g. 202610-00001)",
        "{0} — не номер счёта (ГГГГММ-NNNNN, например 202610-00001)",
    ),
    (
        "unreadable invoice number: {0}",
        "номер счёта не читается: {0}",
    ),
    (
        "status must be one of issued, overdue, paid (got {0})",
        "status — одно из issued, overdue, paid (получено {0})",
    ),
    (
        "format must be text or html (got {0})",
        "format — text или html (получено {0})",
    ),
    ("organization {0} not found", "организация {0} не найдена"),
    (
        "missing Authorization header: send `Authorization: Bearer <token>`",
        "нет заголовка Authorization: отправьте `Authorization: Bearer <token>`",
    ),
    (
        "malformed Authorization header: expected `Bearer <token>`",
        "заголовок Authorization записан неверно: ожидается `Bearer <token>`",
    ),
    (
        "unknown token: it was never issued by this portal",
        "неизвестный токен: этот портал его не выдавал",
    ),
    // params.rs
    (
        "organization must be a numeric organization id (got {0})",
        "organization — числовой номер организации (получено {0})",
    ),
    (
        "{0} must be one of {1} (got {2})",
        "{0} — одно из значений {1} (получено {2})",
    ),
    (
        "{0} must be a whole number from 1 (got {1})",
        "{0} — целое число от 1 (получено {1})",
    ),
    ("activation number", "номер активации"),
    (
        "page {0} is more than {1} rows from either end of the list; follow the next or prev cursor, or narrow the filters",
        "страница {0} дальше {1} строк от начала и от конца списка; листайте по курсорам next и prev или сузьте фильтр",
    ),
    (
        "cursor is not one this portal handed out (got {0})",
        "cursor — не курсор, выданный этим порталом (получено {0})",
    ),
    (
        "cursor was handed out for sort {0}, not {1}",
        "cursor выдан для сортировки {0}, а не {1}",
    ),
    ("organization id", "номер организации"),
    ("seat id", "номер места"),
    (
        "object is required: kind:id, e.g. activation:421, seat:17, organization:1, key:DB49-…",
        "нужен параметр object: вид:номер, например activation:421, seat:17, organization:1, key:DB49-…",
    ),
    (
        "object must be kind:id with kind one of {0} (got {1})",
        "object — вид:номер, где вид одно из {0} (получено {1})",
    ),
    (
        "since must be a cursor from an earlier answer, a whole number from 0 (got {0})",
        "since — курсор из прежнего ответа, целое число от 0 (получено {0})",
    ),
    (
        "limit must be a whole number from 1 to {0} (got {1})",
        "limit — целое число от 1 до {0} (получено {1})",
    ),
    (
        "organization is required: the token sees several organizations",
        "нужен параметр organization: токену видны несколько организаций",
    ),
    // idempotency.rs
    (
        "Idempotency-Key must be 1 to 255 visible ASCII characters",
        "Idempotency-Key — от 1 до 255 видимых символов ASCII",
    ),
    (
        "Idempotency-Key {0} was already used with a different request; use a new key for a new request",
        "Idempotency-Key {0} уже использован с другим запросом; для нового запроса нужен новый ключ",
    ),
    // activate.rs
    (
        "at most {0} serials per request (got {1}); split the list",
        "не больше {0} серийных номеров в одном запросе (получено {1}); разделите список",
    ),
    (
        "no serials: send at least one serial number",
        "нет серийных номеров: отправьте хотя бы один",
    ),
    (
        "nothing was created: {0} of {1} serials cannot be activated: {2}",
        "ничего не создано: {0} из {1} серийных номеров нельзя активировать: {2}",
    ),
    (
        "activation {0} is {1}; only an activation in error can be retried",
        "активация {0} в состоянии {1}; повторить можно только активацию с ошибкой",
    ),
    (
        "activation {0} is {1}; the license file exists once it is done",
        "активация {0} в состоянии {1}; файл лицензии появится, когда она будет выполнена",
    ),
    // seating.rs
    ("seat {0} not found", "место {0} не найдено"),
    (
        "seat {0} is not free: it expired on {1}; an expired seat is never renewed — buy a new license",
        "место {0} не свободно: оно истекло {1}; истёкшее место не продлевается — купите новую лицензию",
    ),
    (
        "seat {0} is not free (bound to {1})",
        "место {0} не свободно (привязано к {1})",
    ),
    (
        "the e-mail is empty: give the e-mail of a registered user",
        "e-mail пуст: укажите e-mail зарегистрированного пользователя",
    ),
    (
        "{0} is not registered: the user must register on the portal with this e-mail (as a user of {1}) before a seat can be bound",
        "{0} не зарегистрирован: пользователь должен зарегистрироваться на портале с этим e-mail (как пользователь {1}), прежде чем к нему можно привязать место",
    ),
    (
        "user {0} already holds seat {1} of {2}; one seat per user per product",
        "у пользователя {0} уже есть место {1} продукта {2}; одно место на пользователя в каждом продукте",
    ),
    (
        "seat {0} is {1}; only a bound seat can be unbound",
        "место {0} в состоянии {1}; отвязать можно только привязанное место",
    ),
    // capacity.rs
    (
        "an emergency license is already active until {0}; only one at a time",
        "экстренная лицензия уже действует до {0}; одновременно может действовать только одна",
    ),
    (
        "no new emergency license until a permanent purchase raises the number of user accounts after the last one ({0} – {1})",
        "новую экстренную лицензию можно запросить только после покупки, которая увеличит число учётных записей после последней ({0} – {1})",
    ),
    (
        "organization {0} has no license of product {1}",
        "у организации {0} нет лицензии продукта {1}",
    ),
    (
        "an emergency license gives 1 to {0} extra user accounts (asked for {1})",
        "экстренная лицензия даёт от 1 до {0} дополнительных учётных записей (запрошено {1})",
    ),
    (
        "a purchase adds 1 to {0} user accounts (asked for {1})",
        "покупка добавляет от 1 до {0} учётных записей (запрошено {1})",
    ),
    ("the date is out of range", "дата вне допустимого диапазона"),
    // routes_licensing.rs
    (
        "the activation request cannot be used: {0}; copy the whole request file again",
        "запрос активации не читается: {0}; скопируйте файл запроса целиком ещё раз",
    ),
    ("object key:{0}: {1}", "объект key:{0}: {1}"),
    ("object {0} not found", "объект {0} не найден"),
    // Domain errors that travel inside the messages above.
    ("serial number is empty", "серийный номер пуст"),
    (
        "serial number must have 16 digits, got {0}",
        "в серийном номере должно быть 16 цифр, а не {0}",
    ),
    (
        "serial number may contain only digits 0-9",
        "серийный номер может содержать только цифры 0-9",
    ),
    (
        "{0} must contain only digits",
        "{0}: допустимы только цифры",
    ),
    (
        "{0} must have {1} digits, got {2}",
        "{0}: нужно {1} цифр, а не {2}",
    ),
    (
        "{0} check digit does not match: the number is mistyped",
        "{0}: контрольная цифра не сходится — номер набран с ошибкой",
    ),
    (
        "KPP must be 9 characters: 4 digits, 2 digits or capital letters A-Z, 3 digits",
        "КПП — 9 знаков: 4 цифры, 2 цифры или заглавные латинские буквы A-Z, 3 цифры",
    ),
    ("INN", "ИНН"),
    ("INN prefix", "начало ИНН"),
    ("OGRN", "ОГРН"),
    (
        "10 (legal entity) or 12 (entrepreneur)",
        "10 (юридическое лицо) или 12 (индивидуальный предприниматель)",
    ),
    ("9 or 10", "9 или 10"),
    ("13 (OGRN) or 15 (OGRNIP)", "13 (ОГРН) или 15 (ОГРНИП)"),
    ("the product key is empty", "ключ продукта пуст"),
    (
        "character {0} at position {1} is not a hex digit (0-9, A-F)",
        "символ {0} в позиции {1} — не шестнадцатеричная цифра (0-9, A-F)",
    ),
    (
        "a product key has 24 hex digits, got {0}",
        "в ключе продукта 24 шестнадцатеричные цифры, а не {0}",
    ),
    (
        "dashes must separate groups of 4 digits: XXXX-XXXX-XXXX-XXXX-XXXX-XXXX",
        "дефисы разделяют группы по 4 цифры: XXXX-XXXX-XXXX-XXXX-XXXX-XXXX",
    ),
    (
        "not a licadm {0} (the first line is wrong)",
        "это не {0} licadm (первая строка неверна)",
    ),
    (
        "the text is truncated or damaged: {0}",
        "текст обрезан или повреждён: {0}",
    ),
    ("line {0}: {1}", "строка {0}: {1}"),
    // ---- operator accounts, passwords, paged access lists, strict queries (issue 15) ----
    (
        "role {0} may not create operator accounts: only an operator may",
        "роль {0} не может создавать учётные записи операторов: это может только оператор",
    ),
    (
        "organizations: an operator account has none (it sees every organization)",
        "organizations: у учётной записи оператора их нет (она видит все организации)",
    ),
    (
        "current_password is wrong",
        "current_password: текущий пароль неверен",
    ),
    (
        "account {0} is disabled: a disabled account gets no reset code",
        "учётная запись {0} отключена: отключённой учётной записи код сброса не выдаётся",
    ),
    (
        "this token belongs to no account (it was made on the server): only an account that logs in has a password",
        "этот токен не принадлежит учётной записи (он создан на сервере): пароль есть только у учётной записи, которая входит по e-mail",
    ),
    (
        "the reset code is unknown, used or expired: ask for a new one",
        "код сброса неизвестен, уже использован или истёк: попросите новый",
    ),
    (
        "per_page must be a whole number from 1 to {0} (got {1})",
        "per_page: целое число от 1 до {0} (получено {1})",
    ),
    (
        "cursor is not one this portal handed out",
        "cursor: этот курсор выдан не этим порталом",
    ),
    (
        "{0} is given more than once: give it once",
        "{0} указан несколько раз: укажите один раз",
    ),
    (
        "{0} is empty: leave it out or give a value",
        "{0} пуст: не указывайте его или задайте значение",
    ),
];

/// Texts the portal has always written in Russian, or in Russian with an English gist
/// in parentheses: `(as written today, Russian, English)`. A client asking for no
/// language keeps getting the first.
pub(super) const WRITTEN: &[(&str, &str, &str)] = &[
    (
        "ключ {0} не найден: проверьте ключ из письма о покупке (product key not found)",
        "ключ {0} не найден: проверьте ключ из письма о покупке",
        "product key {0} not found: check the key in the purchase e-mail",
    ),
    ("ИНН {0}: {1}", "ИНН {0}: {1}", "INN {0}: {1}"),
    ("КПП {0}: {1}", "КПП {0}: {1}", "KPP {0}: {1}"),
    (
        "ключ {0} выдан другой организации: ИНН {1} не совпадает с ИНН покупателя (the key was sold to another organization)",
        "ключ {0} выдан другой организации: ИНН {1} не совпадает с ИНН покупателя",
        "key {0} was sold to another organization: INN {1} is not the buyer's INN",
    ),
    (
        "КПП не указан: ключ {0} выдан юридическому лицу, нужен его КПП (KPP required)",
        "КПП не указан: ключ {0} выдан юридическому лицу, нужен его КПП",
        "no KPP given: key {0} was sold to a legal entity, its KPP is needed",
    ),
    (
        "КПП {0} не совпадает с КПП покупателя ключа {1} (KPP mismatch)",
        "КПП {0} не совпадает с КПП покупателя ключа {1}",
        "KPP {0} does not match the KPP of the buyer of key {1}",
    ),
    (
        "КПП {0} указан, но ключ {1} выдан индивидуальному предпринимателю: у ИП КПП пустой (no KPP for an entrepreneur)",
        "КПП {0} указан, но ключ {1} выдан индивидуальному предпринимателю: у ИП КПП пустой",
        "KPP {0} given, but key {1} was sold to an individual entrepreneur, who has no KPP",
    ),
    (
        "установка не указана: нужны серийный номер и хэш установки",
        "установка не указана: нужны серийный номер и хэш установки",
        "no installation given: its serial number and hash are needed",
    ),
    (
        "ключ {0} уже активирован на другой установке (серийный номер {1}); серийный номер и хэш меняются после переустановки — обратитесь к менеджеру (key already activated on another installation)",
        "ключ {0} уже активирован на другой установке (серийный номер {1}); серийный номер и хэш меняются после переустановки — обратитесь к менеджеру",
        "key {0} is already activated on another installation (serial number {1}); the serial number and hash change after a reinstall — contact your manager",
    ),
    (
        "ключ {0} записан неверно: {1}",
        "ключ {0} записан неверно: {1}",
        "product key {0} is written wrongly: {1}",
    ),
];
