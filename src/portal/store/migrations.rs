//! Numbered schema migrations, applied at start. The applied count is kept in
//! `PRAGMA user_version`, so a migration runs exactly once per store file.

use super::StoreError;
use rusqlite::{Connection, TransactionBehavior};

/// Migration N (1-based) is `MIGRATIONS[N - 1]`. Append only; never edit a shipped one.
const MIGRATIONS: &[&str] = &[
    // 1: organizations, catalog, device registry, activations, tokens.
    r#"
    CREATE TABLE organizations (
        id                 INTEGER PRIMARY KEY,
        name               TEXT NOT NULL,
        inn                TEXT NOT NULL UNIQUE,
        kpp                TEXT,
        offer_accepted_at  TEXT,
        offer_accepted_by  TEXT,
        activation_blocked INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE models (
        id             INTEGER PRIMARY KEY,
        vendor         TEXT NOT NULL CHECK (vendor IN ('pay-kiosk', 'pp-electro')),
        name           TEXT NOT NULL UNIQUE,
        price_kopecks  INTEGER NOT NULL CHECK (price_kopecks >= 0),
        retail_kopecks INTEGER NOT NULL CHECK (retail_kopecks >= 0)
    );

    -- The vendor registry: serial -> model and current subscription end.
    CREATE TABLE devices (
        serial           TEXT PRIMARY KEY CHECK (length(serial) = 16),
        model_id         INTEGER NOT NULL REFERENCES models(id),
        current_until    TEXT,
        -- The vendor registry will refuse this serial when the worker activates it.
        registry_refuses INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE INDEX devices_model ON devices(model_id);

    CREATE TABLE activations (
        number          INTEGER PRIMARY KEY,
        organization_id INTEGER NOT NULL REFERENCES organizations(id),
        vendor          TEXT NOT NULL CHECK (vendor IN ('pay-kiosk', 'pp-electro')),
        status          TEXT NOT NULL CHECK (status IN ('done', 'in_progress', 'error')),
        license_count   INTEGER NOT NULL,
        total_cost      INTEGER NOT NULL,
        created_at      TEXT NOT NULL,
        completed_at    TEXT,
        error           TEXT
    );
    -- One index per filter and sort of GET /activations. `number` follows the key so
    -- ties come out of the index already ordered; the sort indexes also carry the
    -- filter columns, so a filtered, sorted page is read from the index alone and
    -- only the rows on the page touch the table.
    CREATE INDEX activations_organization ON activations(organization_id, number);
    CREATE INDEX activations_status ON activations(status, number);
    CREATE INDEX activations_vendor ON activations(vendor, number);
    CREATE INDEX activations_total_cost
        ON activations(total_cost, number, organization_id, status, vendor);
    CREATE INDEX activations_created_at
        ON activations(created_at, number, organization_id, status, vendor);
    -- Counts (`total`) of any organization/status/vendor mix, from the index alone.
    CREATE INDEX activations_filters ON activations(organization_id, status, vendor);

    CREATE TABLE activation_lines (
        activation_number INTEGER NOT NULL REFERENCES activations(number),
        serial            TEXT NOT NULL,
        model             TEXT NOT NULL,
        current_until     TEXT,
        new_until         TEXT NOT NULL,
        price             INTEGER NOT NULL,
        PRIMARY KEY (activation_number, serial)
    ) WITHOUT ROWID;
    -- Serial search (`q`): a prefix range on this index, covering activation_number.
    CREATE INDEX activation_lines_serial ON activation_lines(serial);

    CREATE TABLE tokens (
        id         INTEGER PRIMARY KEY,
        hash       TEXT NOT NULL UNIQUE,
        role       TEXT NOT NULL CHECK (role IN ('admin', 'support', 'viewer')),
        label      TEXT NOT NULL,
        created_at TEXT NOT NULL
    );

    CREATE TABLE token_organizations (
        token_id        INTEGER NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
        organization_id INTEGER NOT NULL REFERENCES organizations(id),
        PRIMARY KEY (token_id, organization_id)
    ) WITHOUT ROWID;
    "#,
    // 2: new activations (issue 3): the worker queue, stored license files, the
    // portal's signing key and idempotency keys. `devices.registry_refuses` now holds a
    // kind: 0 = accepted, 1 = refused for good, 2 = refused once (transient outage).
    r#"
    ALTER TABLE activations ADD COLUMN queued_at TEXT;
    ALTER TABLE activations ADD COLUMN license_text TEXT;
    UPDATE activations SET queued_at = strftime('%Y-%m-%dT%H:%M:%S.000Z', created_at)
     WHERE status = 'in_progress';
    -- The worker's queue: only in-progress rows, oldest first.
    CREATE INDEX activations_queue ON activations(queued_at) WHERE status = 'in_progress';

    CREATE TABLE signing_key (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        secret     BLOB NOT NULL CHECK (length(secret) = 32),
        created_at TEXT NOT NULL
    );

    CREATE TABLE idempotency_keys (
        token_id     INTEGER NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
        key          TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        response     TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        PRIMARY KEY (token_id, key)
    ) WITHOUT ROWID;
    "#,
    // 3: seats, registered users, capacity and emergency licenses, product keys, audit
    // (issue 4). E-mails are stored trimmed and lower case. A seat's status is not
    // stored: it follows from `valid_until` and `email` at read time (nothing renews).
    r#"
    CREATE TABLE products (
        id   TEXT PRIMARY KEY,
        name TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE users (
        email           TEXT PRIMARY KEY CHECK (email = lower(trim(email))),
        organization_id INTEGER NOT NULL REFERENCES organizations(id),
        name            TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX users_organization ON users(organization_id, email);

    CREATE TABLE seats (
        id              INTEGER PRIMARY KEY,
        organization_id INTEGER NOT NULL REFERENCES organizations(id),
        product_id      TEXT NOT NULL REFERENCES products(id),
        email           TEXT CHECK (email = lower(trim(email))),
        valid_from      TEXT NOT NULL,
        valid_until     TEXT NOT NULL
    );
    -- One per filter and sort of GET /seats; `id` breaks ties.
    CREATE INDEX seats_organization ON seats(organization_id, product_id, id);
    CREATE INDEX seats_valid_until ON seats(valid_until, id);
    CREATE INDEX seats_email ON seats(email, id);
    -- "Does this user already hold a seat of this product?"
    CREATE INDEX seats_holder ON seats(organization_id, product_id, email, valid_until);

    CREATE TABLE capacity (
        organization_id          INTEGER NOT NULL REFERENCES organizations(id),
        product_id               TEXT NOT NULL REFERENCES products(id),
        support_until            TEXT,
        accounts_max             INTEGER NOT NULL CHECK (accounts_max >= 0),
        external_connections_max INTEGER NOT NULL CHECK (external_connections_max >= 0),
        -- When a permanent purchase last raised accounts_max (null: never recorded).
        max_raised_at            TEXT,
        PRIMARY KEY (organization_id, product_id)
    ) WITHOUT ROWID;

    CREATE TABLE emergency_licenses (
        id              INTEGER PRIMARY KEY,
        organization_id INTEGER NOT NULL REFERENCES organizations(id),
        product_id      TEXT NOT NULL REFERENCES products(id),
        requested_at    TEXT NOT NULL,
        valid_from      TEXT NOT NULL,
        valid_until     TEXT NOT NULL,
        accounts        INTEGER NOT NULL CHECK (accounts BETWEEN 1 AND 10)
    );
    CREATE INDEX emergency_licenses_product
        ON emergency_licenses(organization_id, product_id, requested_at);

    CREATE TABLE product_keys (
        key                 TEXT PRIMARY KEY,
        organization_id     INTEGER NOT NULL REFERENCES organizations(id),
        product_id          TEXT NOT NULL REFERENCES products(id),
        seats               INTEGER NOT NULL CHECK (seats >= 0),
        installation_serial TEXT,
        installation_hash   TEXT,
        issued_at           TEXT
    ) WITHOUT ROWID;
    CREATE INDEX product_keys_organization ON product_keys(organization_id, product_id);

    CREATE TABLE audit (
        id              INTEGER PRIMARY KEY,
        at              TEXT NOT NULL,
        actor           TEXT NOT NULL,
        action          TEXT NOT NULL,
        object          TEXT NOT NULL,
        organization_id INTEGER REFERENCES organizations(id),
        before          TEXT,
        after           TEXT
    );
    CREATE INDEX audit_object ON audit(object, id);
    "#,
];

/// Brings the store up to the newest schema. Each migration runs in its own
/// IMMEDIATE transaction and re-reads the version inside it, so two processes opening
/// the same fresh file do not both apply it.
pub fn apply(conn: &mut Connection) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as i64;
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if current > known {
            return Err(StoreError::Invalid(format!(
                "the store has schema version {current}, newer than this licadm knows ({known}); upgrade licadm"
            )));
        }
        if current >= version {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_once_and_records_the_version() {
        let mut conn = Connection::open_in_memory().expect("in-memory db");
        apply(&mut conn).expect("first apply");
        apply(&mut conn).expect("second apply is a no-op");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .expect("version");
        assert_eq!(version, MIGRATIONS.len() as i64);
    }
}
