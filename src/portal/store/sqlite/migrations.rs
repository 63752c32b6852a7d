//! Numbered schema migrations, applied at start. The applied count is kept in
//! `PRAGMA user_version`, so a migration runs exactly once per store file.

use super::StoreError;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

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
    // 4: the change feed (GET /changes, docs/DESIGN.md §6.4). `changes` holds exactly one
    // row per object: the position of its latest change. Every write moves the object's row
    // to a fresh, higher seq (AUTOINCREMENT never reuses one), so a reader paging by seq
    // sees each object once, in its current state. A NULL organization_id means every
    // token may see the object (products, prices).
    //
    // The triggers are all named `track_…`: the mirror drops `track_%` in its replica.
    // They DELETE then INSERT rather than INSERT OR REPLACE: a conflict clause on the
    // statement that fires a trigger overrides the one inside it, so an `UPDATE OR
    // IGNORE seats …` would silently turn the trigger's REPLACE into IGNORE and the
    // change would never move. Deletes record the same row; the feed then finds no
    // object and reports it deleted. An activation's lines are part of the activation
    // (a line whose activation is gone records nothing: the activation's delete did);
    // an emergency license is part of its organization's capacity of the product.
    r#"
    CREATE TABLE changes (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        kind            TEXT NOT NULL,
        key             TEXT NOT NULL,
        organization_id INTEGER,
        UNIQUE (kind, key)
    );

    -- epoch: identifies this store (a mirror of another epoch starts over);
    -- changes_floor: cursors below it are gone (pruning deleted objects raises it).
    CREATE TABLE store_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO store_meta (key, value) VALUES
        ('epoch', lower(hex(randomblob(8)))),
        ('changes_floor', '0');

    CREATE TRIGGER track_organizations_insert AFTER INSERT ON organizations BEGIN
        DELETE FROM changes WHERE kind = 'organization' AND key = CAST(NEW.id AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('organization', CAST(NEW.id AS TEXT), NEW.id);
    END;
    CREATE TRIGGER track_organizations_update AFTER UPDATE ON organizations BEGIN
        DELETE FROM changes WHERE kind = 'organization' AND key = CAST(NEW.id AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('organization', CAST(NEW.id AS TEXT), NEW.id);
    END;
    CREATE TRIGGER track_organizations_delete AFTER DELETE ON organizations BEGIN
        DELETE FROM changes WHERE kind = 'organization' AND key = CAST(OLD.id AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('organization', CAST(OLD.id AS TEXT), OLD.id);
    END;

    CREATE TRIGGER track_products_insert AFTER INSERT ON products BEGIN
        DELETE FROM changes WHERE kind = 'product' AND key = NEW.id;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('product', NEW.id, NULL);
    END;
    CREATE TRIGGER track_products_update AFTER UPDATE ON products BEGIN
        DELETE FROM changes WHERE kind = 'product' AND key = NEW.id;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('product', NEW.id, NULL);
    END;
    CREATE TRIGGER track_products_delete AFTER DELETE ON products BEGIN
        DELETE FROM changes WHERE kind = 'product' AND key = OLD.id;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('product', OLD.id, NULL);
    END;

    CREATE TRIGGER track_models_insert AFTER INSERT ON models BEGIN
        DELETE FROM changes WHERE kind = 'price' AND key = CAST(NEW.id AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('price', CAST(NEW.id AS TEXT), NULL);
    END;
    CREATE TRIGGER track_models_update AFTER UPDATE ON models BEGIN
        DELETE FROM changes WHERE kind = 'price' AND key = CAST(NEW.id AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('price', CAST(NEW.id AS TEXT), NULL);
    END;
    CREATE TRIGGER track_models_delete AFTER DELETE ON models BEGIN
        DELETE FROM changes WHERE kind = 'price' AND key = CAST(OLD.id AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('price', CAST(OLD.id AS TEXT), NULL);
    END;

    CREATE TRIGGER track_activations_insert AFTER INSERT ON activations BEGIN
        DELETE FROM changes WHERE kind = 'activation' AND key = CAST(NEW.number AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('activation', CAST(NEW.number AS TEXT), NEW.organization_id);
    END;
    CREATE TRIGGER track_activations_update AFTER UPDATE ON activations BEGIN
        DELETE FROM changes WHERE kind = 'activation' AND key = CAST(NEW.number AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('activation', CAST(NEW.number AS TEXT), NEW.organization_id);
    END;
    CREATE TRIGGER track_activations_delete AFTER DELETE ON activations BEGIN
        DELETE FROM changes WHERE kind = 'activation' AND key = CAST(OLD.number AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('activation', CAST(OLD.number AS TEXT), OLD.organization_id);
    END;

    CREATE TRIGGER track_activation_lines_insert AFTER INSERT ON activation_lines
    WHEN EXISTS (SELECT 1 FROM activations WHERE number = NEW.activation_number) BEGIN
        DELETE FROM changes
         WHERE kind = 'activation' AND key = CAST(NEW.activation_number AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        SELECT 'activation', CAST(number AS TEXT), organization_id
          FROM activations WHERE number = NEW.activation_number;
    END;
    CREATE TRIGGER track_activation_lines_update AFTER UPDATE ON activation_lines
    WHEN EXISTS (SELECT 1 FROM activations WHERE number = NEW.activation_number) BEGIN
        DELETE FROM changes
         WHERE kind = 'activation' AND key = CAST(NEW.activation_number AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        SELECT 'activation', CAST(number AS TEXT), organization_id
          FROM activations WHERE number = NEW.activation_number;
    END;
    CREATE TRIGGER track_activation_lines_delete AFTER DELETE ON activation_lines
    WHEN EXISTS (SELECT 1 FROM activations WHERE number = OLD.activation_number) BEGIN
        DELETE FROM changes
         WHERE kind = 'activation' AND key = CAST(OLD.activation_number AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        SELECT 'activation', CAST(number AS TEXT), organization_id
          FROM activations WHERE number = OLD.activation_number;
    END;

    CREATE TRIGGER track_seats_insert AFTER INSERT ON seats BEGIN
        DELETE FROM changes WHERE kind = 'seat' AND key = CAST(NEW.id AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('seat', CAST(NEW.id AS TEXT), NEW.organization_id);
    END;
    CREATE TRIGGER track_seats_update AFTER UPDATE ON seats BEGIN
        DELETE FROM changes WHERE kind = 'seat' AND key = CAST(NEW.id AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('seat', CAST(NEW.id AS TEXT), NEW.organization_id);
    END;
    CREATE TRIGGER track_seats_delete AFTER DELETE ON seats BEGIN
        DELETE FROM changes WHERE kind = 'seat' AND key = CAST(OLD.id AS TEXT);
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('seat', CAST(OLD.id AS TEXT), OLD.organization_id);
    END;

    CREATE TRIGGER track_capacity_insert AFTER INSERT ON capacity BEGIN
        DELETE FROM changes
         WHERE kind = 'capacity' AND key = NEW.organization_id || ':' || NEW.product_id;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('capacity', NEW.organization_id || ':' || NEW.product_id, NEW.organization_id);
    END;
    CREATE TRIGGER track_capacity_update AFTER UPDATE ON capacity BEGIN
        DELETE FROM changes
         WHERE kind = 'capacity' AND key = NEW.organization_id || ':' || NEW.product_id;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('capacity', NEW.organization_id || ':' || NEW.product_id, NEW.organization_id);
    END;
    CREATE TRIGGER track_capacity_delete AFTER DELETE ON capacity BEGIN
        DELETE FROM changes
         WHERE kind = 'capacity' AND key = OLD.organization_id || ':' || OLD.product_id;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('capacity', OLD.organization_id || ':' || OLD.product_id, OLD.organization_id);
    END;

    CREATE TRIGGER track_emergency_licenses_insert AFTER INSERT ON emergency_licenses BEGIN
        DELETE FROM changes
         WHERE kind = 'capacity' AND key = NEW.organization_id || ':' || NEW.product_id;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('capacity', NEW.organization_id || ':' || NEW.product_id, NEW.organization_id);
    END;
    CREATE TRIGGER track_emergency_licenses_update AFTER UPDATE ON emergency_licenses BEGIN
        DELETE FROM changes
         WHERE kind = 'capacity' AND key = NEW.organization_id || ':' || NEW.product_id;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('capacity', NEW.organization_id || ':' || NEW.product_id, NEW.organization_id);
    END;
    CREATE TRIGGER track_emergency_licenses_delete AFTER DELETE ON emergency_licenses BEGIN
        DELETE FROM changes
         WHERE kind = 'capacity' AND key = OLD.organization_id || ':' || OLD.product_id;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('capacity', OLD.organization_id || ':' || OLD.product_id, OLD.organization_id);
    END;


    -- Backfill: every existing object once, referenced objects (organizations,
    -- products, prices) before the objects that refer to them.
    INSERT INTO changes (kind, key, organization_id)
        SELECT 'organization', CAST(id AS TEXT), id FROM organizations ORDER BY id;
    INSERT INTO changes (kind, key, organization_id)
        SELECT 'product', id, NULL FROM products ORDER BY id;
    INSERT INTO changes (kind, key, organization_id)
        SELECT 'price', CAST(id AS TEXT), NULL FROM models ORDER BY id;
    INSERT INTO changes (kind, key, organization_id)
        SELECT 'capacity', organization_id || ':' || product_id, organization_id
          FROM capacity ORDER BY organization_id, product_id;
    INSERT INTO changes (kind, key, organization_id)
        SELECT 'seat', CAST(id AS TEXT), organization_id FROM seats ORDER BY id;
    INSERT INTO changes (kind, key, organization_id)
        SELECT 'activation', CAST(number AS TEXT), organization_id
          FROM activations ORDER BY number;
    "#,
    // 5: lists that do not grow with the store (docs/DESIGN.md §4.4). Totals come from
    // `activation_counts`, one row per organization × status × vendor kept by the
    // `count_…` triggers in the same transaction as each write (plain INSERT and
    // UPDATE, no conflict clause a firing statement could override). Every filter ×
    // sort pair has an index that yields its rows in order: organization, status, both
    // or neither, then the sort key and the number; the vendor (two values) rides in
    // the index and halves a walk at most.
    r#"
    CREATE TABLE activation_counts (
        organization_id INTEGER NOT NULL,
        status          TEXT NOT NULL,
        vendor          TEXT NOT NULL,
        n               INTEGER NOT NULL,
        PRIMARY KEY (organization_id, status, vendor)
    ) WITHOUT ROWID;

    CREATE TRIGGER count_activation_insert AFTER INSERT ON activations BEGIN
        INSERT INTO activation_counts (organization_id, status, vendor, n)
            SELECT NEW.organization_id, NEW.status, NEW.vendor, 0
            WHERE NOT EXISTS (SELECT 1 FROM activation_counts WHERE organization_id = NEW.organization_id
                              AND status = NEW.status AND vendor = NEW.vendor);
        UPDATE activation_counts SET n = n + 1 WHERE organization_id = NEW.organization_id
            AND status = NEW.status AND vendor = NEW.vendor;
    END;
    CREATE TRIGGER count_activation_delete AFTER DELETE ON activations BEGIN
        UPDATE activation_counts SET n = n - 1 WHERE organization_id = OLD.organization_id
            AND status = OLD.status AND vendor = OLD.vendor;
    END;
    CREATE TRIGGER count_activation_update AFTER UPDATE OF organization_id, status, vendor ON activations
    WHEN OLD.organization_id IS NOT NEW.organization_id OR OLD.status IS NOT NEW.status
         OR OLD.vendor IS NOT NEW.vendor BEGIN
        UPDATE activation_counts SET n = n - 1 WHERE organization_id = OLD.organization_id
            AND status = OLD.status AND vendor = OLD.vendor;
        INSERT INTO activation_counts (organization_id, status, vendor, n)
            SELECT NEW.organization_id, NEW.status, NEW.vendor, 0
            WHERE NOT EXISTS (SELECT 1 FROM activation_counts WHERE organization_id = NEW.organization_id
                              AND status = NEW.status AND vendor = NEW.vendor);
        UPDATE activation_counts SET n = n + 1 WHERE organization_id = NEW.organization_id
            AND status = NEW.status AND vendor = NEW.vendor;
    END;
    INSERT INTO activation_counts (organization_id, status, vendor, n)
        SELECT organization_id, status, vendor, COUNT(*) FROM activations GROUP BY 1, 2, 3;

    DROP INDEX activations_organization;
    DROP INDEX activations_status;
    DROP INDEX activations_vendor;
    DROP INDEX activations_filters;
    CREATE INDEX activations_org_number ON activations(organization_id, number, status, vendor);
    CREATE INDEX activations_org_cost
        ON activations(organization_id, total_cost, number, status, vendor);
    CREATE INDEX activations_org_created
        ON activations(organization_id, created_at, number, status, vendor);
    CREATE INDEX activations_org_status_number
        ON activations(organization_id, status, number, vendor);
    CREATE INDEX activations_org_status_cost
        ON activations(organization_id, status, total_cost, number, vendor);
    CREATE INDEX activations_org_status_created
        ON activations(organization_id, status, created_at, number, vendor);
    CREATE INDEX activations_status_number ON activations(status, number, organization_id, vendor);
    CREATE INDEX activations_status_cost
        ON activations(status, total_cost, number, organization_id, vendor);
    CREATE INDEX activations_status_created
        ON activations(status, created_at, number, organization_id, vendor);
    -- Cost follows the vendor (their devices have their own prices), so a vendor filter
    -- on a cost order is not the halving it is on number or date: it gets its own.
    CREATE INDEX activations_vendor_cost
        ON activations(vendor, total_cost, number, organization_id, status);
    CREATE INDEX activations_org_vendor_cost
        ON activations(organization_id, vendor, total_cost, number, status);
    CREATE INDEX activations_status_vendor_cost
        ON activations(status, vendor, total_cost, number, organization_id);
    CREATE INDEX activations_org_status_vendor_cost
        ON activations(organization_id, status, vendor, total_cost, number);

    -- Lines are inserted only in the transaction that inserts their activation, whose
    -- own change row (not yet visible to any reader) already covers them; moving it
    -- again for every line tripled the cost of creating 10 000 lines.
    DROP TRIGGER track_activation_lines_insert;
    "#,
    // 6: the vendor's `operator` role and the signing key out of the store (issue 15).
    // SQLite cannot alter a CHECK, so the tokens table is rebuilt (`apply` runs migrations with foreign keys off, so dropping the
    // old table cascades to nothing; the children's `REFERENCES tokens` then name the
    // new one).
    r#"
    CREATE TABLE tokens_new (
        id         INTEGER PRIMARY KEY,
        hash       TEXT NOT NULL UNIQUE,
        role       TEXT NOT NULL CHECK (role IN ('admin', 'support', 'viewer', 'operator')),
        label      TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    INSERT INTO tokens_new (id, hash, role, label, created_at)
        SELECT id, hash, role, label, created_at FROM tokens;
    DROP TABLE tokens;
    ALTER TABLE tokens_new RENAME TO tokens;

    -- The signing key leaves the store for a private key file (issue 15): the store
    -- keeps only the public key, so a portal started with another key is refused. The
    -- secret in `signing_key` is deleted once the start-up has written it to the file.
    CREATE TABLE signing_public_key (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        public_key TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    "#,
    // 7: accounts and the token lifecycle (issue 15). An account logs in with its
    // e-mail (trimmed, lower case) and password (an argon2id PHC string; NULL while an
    // invitation waits for the invitee to set it; the invitation code is kept only as
    // its SHA-256). A login token names its account and has an expiry; any token may be
    // revoked (never deleted: idempotency keys and the token list refer to it) and
    // knows when it was last used (written at most about once a minute).
    r#"
    CREATE TABLE accounts (
        id                    INTEGER PRIMARY KEY,
        email                 TEXT NOT NULL UNIQUE,
        role                  TEXT NOT NULL CHECK (role IN ('admin', 'support', 'viewer', 'operator')),
        password_hash         TEXT,
        invitation_hash       TEXT UNIQUE,
        invitation_expires_at TEXT,
        created_at            TEXT NOT NULL,
        created_by            TEXT NOT NULL,
        disabled_at           TEXT
    );

    CREATE TABLE account_organizations (
        account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        organization_id INTEGER NOT NULL REFERENCES organizations(id),
        PRIMARY KEY (account_id, organization_id)
    ) WITHOUT ROWID;

    ALTER TABLE tokens ADD COLUMN account_id INTEGER REFERENCES accounts(id);
    ALTER TABLE tokens ADD COLUMN expires_at TEXT;
    ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
    ALTER TABLE tokens ADD COLUMN revoked_at TEXT;
    CREATE INDEX tokens_account ON tokens(account_id) WHERE account_id IS NOT NULL;
    "#,
    // 8: key ids and rotation, and refusals remembered under an idempotency key
    // (issue 15). `signing_keys` lists every public key the portal signed with, oldest
    // first (`position`); the last one signs now. A key id is derived from its public key
    // (`domain::signing::key_id`), which SQL cannot compute, so the start-up copies the
    // key of `signing_public_key` (migration 6) in as the first. `status` is NULL for a
    // stored success and the HTTP status of a stored refusal, whose `response` is then
    // the error body (docs/DESIGN.md §4.5).
    r#"
    CREATE TABLE signing_keys (
        position   INTEGER PRIMARY KEY,
        key_id     TEXT NOT NULL UNIQUE,
        public_key TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    ALTER TABLE idempotency_keys ADD COLUMN status INTEGER;
    "#,
    // 9: the activity log across the account (issue 16; docs/DESIGN.md §4.4). Each
    // audit record names the request that made it (`X-Request-Id`; NULL for the worker
    // and for records older than this migration). `GET /events` reads newest first by
    // (at, id), over every record or over one organization's: an index for each, so a
    // page walks the index from its cursor instead of sorting the table. Self-contained,
    // so it can be renumbered when branches merge.
    r#"
    ALTER TABLE audit ADD COLUMN request_id TEXT;
    CREATE INDEX audit_at ON audit(at, id);
    CREATE INDEX audit_organization_at ON audit(organization_id, at, id);
    "#,
    // 10: unused (its branch needed no schema change); kept so the numbers after it
    // stay what the stores that ran them recorded.
    "",
    // 11: renewals and the mirror's devices and events (issue 16 part A; docs/DESIGN.md
    // §4.8, §6). `organization_devices` is the device registry as each organization
    // knows it: a row per device an activation of the organization completed, with the
    // device's model and current subscription end, kept by the `owned_…` triggers in
    // the transaction that changes either (a device renewed by another organization
    // moves in every list). `GET /devices` pages it by (current_until or serial, serial,
    // organization) on an index per filter, as the activation list does. The feed
    // carries these rows (`device`, key `ORG:SERIAL`) and the audit records of an
    // organization (`event`, key its id), so a mirror holds them; an audit record is
    // never changed, so its change row is written once. The actor and action indexes
    // let `GET /events` with those filters walk only matching records.
    r#"
    CREATE TABLE organization_devices (
        organization_id INTEGER NOT NULL REFERENCES organizations(id),
        serial          TEXT NOT NULL,
        model_id        INTEGER NOT NULL REFERENCES models(id),
        vendor          TEXT NOT NULL,
        current_until   TEXT NOT NULL,
        PRIMARY KEY (organization_id, serial)
    ) WITHOUT ROWID;
    CREATE INDEX organization_devices_serial ON organization_devices(serial, organization_id);
    CREATE INDEX organization_devices_until
        ON organization_devices(current_until, serial, organization_id);
    CREATE INDEX organization_devices_org_until
        ON organization_devices(organization_id, current_until, serial);
    CREATE INDEX organization_devices_vendor_until
        ON organization_devices(vendor, current_until, serial, organization_id);
    CREATE INDEX organization_devices_org_vendor_until
        ON organization_devices(organization_id, vendor, current_until, serial);
    CREATE INDEX organization_devices_model_until
        ON organization_devices(model_id, current_until, serial, organization_id);
    CREATE INDEX organization_devices_org_model_until
        ON organization_devices(organization_id, model_id, current_until, serial);

    -- A completed activation adds its devices to its organization's list (no conflict
    -- clause: an outer statement's would override it).
    CREATE TRIGGER owned_activation_done AFTER UPDATE OF status ON activations
    WHEN NEW.status = 'done' AND OLD.status <> 'done' BEGIN
        UPDATE organization_devices
           SET current_until = (SELECT COALESCE(d.current_until, l.new_until)
                                  FROM activation_lines l LEFT JOIN devices d ON d.serial = l.serial
                                 WHERE l.activation_number = NEW.number
                                   AND l.serial = organization_devices.serial)
         WHERE organization_id = NEW.organization_id
           AND serial IN (SELECT serial FROM activation_lines WHERE activation_number = NEW.number);
        INSERT INTO organization_devices (organization_id, serial, model_id, vendor, current_until)
            SELECT NEW.organization_id, l.serial, m.id, m.vendor, COALESCE(d.current_until, l.new_until)
              FROM activation_lines l
              JOIN models m ON m.name = l.model
              LEFT JOIN devices d ON d.serial = l.serial
             WHERE l.activation_number = NEW.number
               AND NOT EXISTS (SELECT 1 FROM organization_devices o
                                WHERE o.organization_id = NEW.organization_id
                                  AND o.serial = l.serial);
    END;
    -- A device renewed (by any organization) shows its new end in every list.
    CREATE TRIGGER owned_device_until AFTER UPDATE OF current_until ON devices
    WHEN NEW.current_until IS NOT NULL BEGIN
        UPDATE organization_devices SET current_until = NEW.current_until
         WHERE serial = NEW.serial AND current_until <> NEW.current_until;
    END;

    CREATE TRIGGER track_organization_devices_insert AFTER INSERT ON organization_devices BEGIN
        DELETE FROM changes WHERE kind = 'device' AND key = NEW.organization_id || ':' || NEW.serial;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('device', NEW.organization_id || ':' || NEW.serial, NEW.organization_id);
    END;
    CREATE TRIGGER track_organization_devices_update AFTER UPDATE ON organization_devices BEGIN
        DELETE FROM changes WHERE kind = 'device' AND key = NEW.organization_id || ':' || NEW.serial;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('device', NEW.organization_id || ':' || NEW.serial, NEW.organization_id);
    END;
    CREATE TRIGGER track_audit_insert AFTER INSERT ON audit
    WHEN NEW.organization_id IS NOT NULL BEGIN
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('event', CAST(NEW.id AS TEXT), NEW.organization_id);
    END;

    CREATE INDEX audit_actor_at ON audit(actor, at, id);
    CREATE INDEX audit_action_at ON audit(action, at, id);
    CREATE INDEX audit_organization_actor_at ON audit(organization_id, actor, at, id);
    CREATE INDEX audit_organization_action_at ON audit(organization_id, action, at, id);

    -- Backfill: the devices completed activations hold (their insert trigger records
    -- each in the feed), then every existing audit record of an organization.
    INSERT INTO organization_devices (organization_id, serial, model_id, vendor, current_until)
        SELECT a.organization_id, l.serial, MAX(m.id), MAX(m.vendor),
               MAX(COALESCE(d.current_until, l.new_until))
          FROM activation_lines l
          JOIN activations a ON a.number = l.activation_number AND a.status = 'done'
          JOIN models m ON m.name = l.model
          LEFT JOIN devices d ON d.serial = l.serial
         GROUP BY a.organization_id, l.serial;
    INSERT OR REPLACE INTO changes (kind, key, organization_id)
        SELECT 'event', CAST(id AS TEXT), organization_id
          FROM audit WHERE organization_id IS NOT NULL ORDER BY id;
    "#,
    // 12: monthly invoices (issue 17; docs/DESIGN.md §3.11). One invoice per
    // organization and month (`UNIQUE (organization_id, period)`), one line per
    // activation completed in that month. `invoice_runs` holds the months issued: a run
    // claims its month there in the same transaction as the invoices it writes, so a
    // month is issued once however many portals try, and a portal that was down
    // issues every month after the last claimed one. Invoices are in the change feed
    // (kind `invoice`, lines as part of it: they are written once, with the invoice).
    // The partial index finds a month's completed activations without walking the rest.
    r#"
    CREATE TABLE invoices (
        number           TEXT PRIMARY KEY,
        organization_id  INTEGER NOT NULL REFERENCES organizations(id),
        period           TEXT NOT NULL,
        issued_on        TEXT NOT NULL,
        due_on           TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('issued', 'overdue', 'paid')),
        total            INTEGER NOT NULL,
        license_count    INTEGER NOT NULL,
        activation_count INTEGER NOT NULL,
        paid_at          TEXT,
        UNIQUE (organization_id, period)
    ) WITHOUT ROWID;
    CREATE INDEX invoices_status_due ON invoices(status, due_on);
    CREATE INDEX invoices_period ON invoices(period, number);
    CREATE INDEX invoices_organization_status ON invoices(organization_id, status, due_on);

    CREATE TABLE invoice_lines (
        invoice_number    TEXT NOT NULL REFERENCES invoices(number),
        activation_number INTEGER NOT NULL REFERENCES activations(number),
        vendor            TEXT NOT NULL,
        license_count     INTEGER NOT NULL,
        amount            INTEGER NOT NULL,
        completed_at      TEXT NOT NULL,
        PRIMARY KEY (invoice_number, activation_number)
    ) WITHOUT ROWID;

    CREATE TABLE invoice_runs (
        period  TEXT PRIMARY KEY,
        ran_at  TEXT NOT NULL,
        issued  INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE INDEX activations_completed_done ON activations(completed_at, organization_id)
        WHERE status = 'done';

    CREATE TRIGGER track_invoices_insert AFTER INSERT ON invoices BEGIN
        DELETE FROM changes WHERE kind = 'invoice' AND key = NEW.number;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('invoice', NEW.number, NEW.organization_id);
    END;
    CREATE TRIGGER track_invoices_update AFTER UPDATE ON invoices BEGIN
        DELETE FROM changes WHERE kind = 'invoice' AND key = NEW.number;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('invoice', NEW.number, NEW.organization_id);
    END;
    CREATE TRIGGER track_invoices_delete AFTER DELETE ON invoices BEGIN
        DELETE FROM changes WHERE kind = 'invoice' AND key = OLD.number;
        INSERT INTO changes (kind, key, organization_id)
        VALUES ('invoice', OLD.number, OLD.organization_id);
    END;
    "#,
    // 13: webhooks (issue 17; docs/DESIGN.md §4.10). Endpoints with their subscriptions
    // (a JSON array) and secret; the outbox of deliveries, written by `audit::record` in
    // the transaction of the change. A pending delivery is claimed with a lease
    // (`lease_until`, `leased_by`) so a portal that dies mid-delivery loses nothing;
    // the partial indexes are what the claim walks: due pending rows in order, and the
    // earlier pending row of the same endpoint and object that holds a later one back.
    r#"
    CREATE TABLE webhook_endpoints (
        id              INTEGER PRIMARY KEY,
        url             TEXT NOT NULL,
        events          TEXT NOT NULL,
        organization_id INTEGER REFERENCES organizations(id),
        secret          TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        created_by      TEXT NOT NULL
    );
    CREATE INDEX webhook_endpoints_organization ON webhook_endpoints(organization_id);
    CREATE TABLE webhook_deliveries (
        id              INTEGER PRIMARY KEY,
        endpoint_id     INTEGER NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        event_id        TEXT NOT NULL,
        event_type      TEXT NOT NULL,
        object          TEXT NOT NULL,
        organization_id INTEGER,
        payload         TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        status          TEXT NOT NULL DEFAULT 'pending',
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        lease_until     TEXT,
        leased_by       TEXT,
        response_status INTEGER,
        last_error      TEXT,
        delivered_at    TEXT,
        redelivery_of   INTEGER
    );
    CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, id);
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at, id)
        WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_object ON webhook_deliveries(endpoint_id, object, id)
        WHERE status = 'pending';
    "#,
    // 14: a one-time code's use is remembered for the idempotency lifetime (issue 15;
    // docs/DESIGN.md §4.5): `POST /invitations/accept` and `/password/reset` carry no
    // token, so the code is their idempotency key; a resend of the same code and
    // password answers the account again instead of "unknown code".
    r#"
    ALTER TABLE accounts ADD COLUMN used_code_hash TEXT;
    ALTER TABLE accounts ADD COLUMN used_code_at TEXT;
    CREATE INDEX accounts_used_code ON accounts(used_code_hash) WHERE used_code_hash IS NOT NULL;
    "#,
    // 15: `GET /events` with an actor and an action together (issue 16; docs/DESIGN.md
    // §4.8): the single-column indexes of migration 11 left the other condition to be
    // checked row by row down the whole history when nothing matched both (35–651 ms at
    // 1 M records). One index for every event, one per organization for scoped tokens.
    r#"
    CREATE INDEX audit_actor_action_at ON audit(actor, action, at, id);
    CREATE INDEX audit_organization_actor_action_at ON audit(organization_id, actor, action, at, id);
    "#,
    // 16: the open activations (in progress or in error) alone, for precheck (issue 13;
    // docs/DESIGN.md §4.3): whether a serial's line is open is one probe of this small
    // index (~5% of the activations, always cached) instead of two into the status
    // index's ranges; 13 → 5 ms for 10 000 serials at 1 000 000 activations.
    r#"
    CREATE INDEX activations_open ON activations(number) WHERE status IN ('in_progress', 'error');
    "#,
    // 17: the lines of open activations (in progress or in error) as a table of their
    // own, for precheck (issue 13; docs/DESIGN.md §3.4): 10 000 serials probe its ~90 000
    // keys instead of the 2.3 M of every line at 1 000 000 activations (scattered serials
    // 13 → 3 ms). A new activation's lines are added by the statement that follows
    // their insert (`activations::insert`; a trigger per line made a 10 000-line create
    // 42 → 163 ms); the `owned_` triggers, like those of `organization_devices`, remove
    // a deleted line and an activation's lines once it is done (done is final; a retry
    // moves an error back to in progress, both open).
    r#"
    CREATE TABLE open_lines (
        serial            TEXT NOT NULL,
        activation_number INTEGER NOT NULL,
        PRIMARY KEY (serial, activation_number)
    ) WITHOUT ROWID;
    CREATE INDEX open_lines_activation ON open_lines(activation_number);
    INSERT INTO open_lines (serial, activation_number)
        SELECT l.serial, l.activation_number FROM activation_lines l
          JOIN activations a ON a.number = l.activation_number
         WHERE a.status IN ('in_progress', 'error');
    CREATE TRIGGER owned_open_line_removed AFTER DELETE ON activation_lines BEGIN
        DELETE FROM open_lines
         WHERE serial = OLD.serial AND activation_number = OLD.activation_number;
    END;
    CREATE TRIGGER owned_open_lines_closed AFTER UPDATE OF status ON activations
    WHEN NEW.status NOT IN ('in_progress', 'error') BEGIN
        DELETE FROM open_lines WHERE activation_number = NEW.number;
    END;
    "#,
];

/// The backfill statements at the end of migration 4, for the test that the store's
/// own "record every object" agrees with them.
#[cfg(test)]
pub fn backfill_of_migration_4() -> String {
    let sql = MIGRATIONS[3];
    sql.find("-- Backfill:")
        .map(|at| sql[at..].to_string())
        .unwrap_or_default()
}

/// Brings the store up to the newest schema. Each migration runs in its own
/// IMMEDIATE transaction and re-reads the version inside it, so two processes opening
/// the same fresh file do not both apply it.
pub fn apply(conn: &mut Connection) -> Result<(), StoreError> {
    // Off while migrating (the pragma is ignored inside a transaction): a table rebuilt
    // the documented way must not cascade its drop to its children. Checked after.
    let enforced: bool = conn.query_row("PRAGMA foreign_keys", [], |row| row.get(0))?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let applied = apply_each(conn);
    if enforced {
        conn.pragma_update(None, "foreign_keys", "ON")?;
    }
    applied?;
    let broken: Option<String> = conn
        .query_row("PRAGMA foreign_key_check", [], |row| row.get(0))
        .optional()?;
    match broken {
        Some(table) => Err(StoreError::Invalid(format!(
            "after migrating, {table} refers to rows that do not exist"
        ))),
        None => Ok(()),
    }
}

fn apply_each(conn: &mut Connection) -> Result<(), StoreError> {
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

    /// A store from before the change feed gets one change per existing object,
    /// organizations, products and prices first, and a random epoch.
    #[test]
    fn the_feed_migration_backfills_existing_objects() {
        let mut conn = Connection::open_in_memory().expect("in-memory db");
        for sql in &MIGRATIONS[..3] {
            conn.execute_batch(sql).expect("older migration");
        }
        conn.pragma_update(None, "user_version", 3)
            .expect("version 3");
        conn.execute_batch(
            "INSERT INTO organizations (id, name, inn) VALUES (2, 'B', '7743058902');
             INSERT INTO organizations (id, name, inn) VALUES (1, 'A', '7842175621');
             INSERT INTO activations (number, organization_id, vendor, status, license_count,
                                      total_cost, created_at)
                 VALUES (7, 2, 'pay-kiosk', 'done', 0, 0, '2026-11-01T10:00:00Z');
             INSERT INTO products (id, name) VALUES ('orangeuce', 'Orange[uc]e');
             INSERT INTO seats (organization_id, product_id, valid_from, valid_until)
                 VALUES (1, 'orangeuce', '2026-01-01', '2027-01-01');
             INSERT INTO models (id, vendor, name, price_kopecks, retail_kopecks)
                 VALUES (4, 'pay-kiosk', 'aQsi 5', 1, 2);
             INSERT INTO capacity (organization_id, product_id, accounts_max,
                                   external_connections_max)
                 VALUES (2, 'orangeuce', 5, 1);",
        )
        .expect("data of an older store");
        apply(&mut conn).expect("upgrade");
        let mut stmt = conn
            .prepare("SELECT kind || ':' || key, organization_id FROM changes ORDER BY seq")
            .expect("changes");
        let rows: Vec<(String, Option<i64>)> = stmt
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let expected: Vec<(String, Option<i64>)> = [
            ("organization:1", Some(1)),
            ("organization:2", Some(2)),
            ("product:orangeuce", None),
            ("price:4", None),
            ("capacity:2:orangeuce", Some(2)),
            ("seat:1", Some(1)),
            ("activation:7", Some(2)),
        ]
        .into_iter()
        .map(|(key, org)| (key.to_string(), org))
        .collect();
        assert_eq!(rows, expected);
        let epoch: String = conn
            .query_row(
                "SELECT value FROM store_meta WHERE key = 'epoch'",
                [],
                |row| row.get(0),
            )
            .expect("epoch");
        assert!(epoch.len() == 16 && epoch.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
