//! Numbered schema migrations of the PostgreSQL store, applied at start under a
//! session advisory lock, so N portals starting together apply each exactly once: the
//! first takes the lock and applies, the others wait for it and then find every
//! migration recorded in `schema_migrations`.
//!
//! The schema means what SQLite's does (`sqlite/migrations.rs`): the same tables and
//! columns. Times and dates are text of one fixed width (`store::text`) and every text
//! column is `COLLATE "C"`, so ordering, ranges and prefix searches behave byte for
//! byte as on SQLite whatever the database's locale.

use super::{Client, MIGRATION_LOCK, StoreError};

/// Migration N (1-based) is `MIGRATIONS[N - 1]`. Append only; never edit a shipped one.
const MIGRATIONS: &[&str] = &[
    // 1: the whole schema of SQLite's migrations 1–4, the worker's claims and the
    // sequences that replace MAX + 1.
    r#"
    CREATE TABLE organizations (
        id                 BIGINT PRIMARY KEY,
        name               TEXT COLLATE "C" NOT NULL,
        inn                TEXT COLLATE "C" NOT NULL UNIQUE,
        kpp                TEXT COLLATE "C",
        offer_accepted_at  TEXT COLLATE "C",
        offer_accepted_by  TEXT COLLATE "C",
        activation_blocked BOOLEAN NOT NULL DEFAULT FALSE
    );

    CREATE TABLE models (
        id             BIGINT PRIMARY KEY,
        vendor         TEXT COLLATE "C" NOT NULL CHECK (vendor IN ('pay-kiosk', 'pp-electro')),
        name           TEXT COLLATE "C" NOT NULL UNIQUE,
        price_kopecks  BIGINT NOT NULL CHECK (price_kopecks >= 0),
        retail_kopecks BIGINT NOT NULL CHECK (retail_kopecks >= 0)
    );

    CREATE TABLE devices (
        serial           TEXT COLLATE "C" PRIMARY KEY CHECK (length(serial) = 16),
        model_id         BIGINT NOT NULL REFERENCES models(id),
        current_until    TEXT COLLATE "C",
        -- 0 = accepted, 1 = refused for good, 2 = refused once (transient outage).
        registry_refuses BIGINT NOT NULL DEFAULT 0
    );
    CREATE INDEX devices_model ON devices(model_id);

    CREATE SEQUENCE activation_numbers;
    CREATE TABLE activations (
        number          BIGINT PRIMARY KEY DEFAULT nextval('activation_numbers'),
        organization_id BIGINT NOT NULL REFERENCES organizations(id),
        vendor          TEXT COLLATE "C" NOT NULL CHECK (vendor IN ('pay-kiosk', 'pp-electro')),
        status          TEXT COLLATE "C" NOT NULL CHECK (status IN ('done', 'in_progress', 'error')),
        license_count   BIGINT NOT NULL,
        total_cost      BIGINT NOT NULL,
        created_at      TEXT COLLATE "C" NOT NULL,
        completed_at    TEXT COLLATE "C",
        error           TEXT COLLATE "C",
        queued_at       TEXT COLLATE "C",
        license_text    TEXT COLLATE "C"
    );
    ALTER SEQUENCE activation_numbers OWNED BY activations.number;
    CREATE INDEX activations_organization ON activations(organization_id, number);
    CREATE INDEX activations_status ON activations(status, number);
    CREATE INDEX activations_vendor ON activations(vendor, number);
    CREATE INDEX activations_total_cost
        ON activations(total_cost, number, organization_id, status, vendor);
    CREATE INDEX activations_created_at
        ON activations(created_at, number, organization_id, status, vendor);
    CREATE INDEX activations_filters ON activations(organization_id, status, vendor);
    CREATE INDEX activations_queue ON activations(queued_at, number) WHERE status = 'in_progress';

    CREATE TABLE activation_lines (
        activation_number BIGINT NOT NULL REFERENCES activations(number),
        serial            TEXT COLLATE "C" NOT NULL,
        model             TEXT COLLATE "C" NOT NULL,
        current_until     TEXT COLLATE "C",
        new_until         TEXT COLLATE "C" NOT NULL,
        price             BIGINT NOT NULL,
        PRIMARY KEY (activation_number, serial)
    );
    CREATE INDEX activation_lines_serial ON activation_lines(serial, activation_number);

    -- The worker's claims: which portal is completing an activation, until when.
    CREATE TABLE activation_claims (
        number      BIGINT PRIMARY KEY REFERENCES activations(number) ON DELETE CASCADE,
        claimed_by  TEXT COLLATE "C" NOT NULL,
        lease_until TIMESTAMPTZ NOT NULL
    );

    CREATE TABLE tokens (
        id         BIGSERIAL PRIMARY KEY,
        hash       TEXT COLLATE "C" NOT NULL UNIQUE,
        role       TEXT COLLATE "C" NOT NULL CHECK (role IN ('admin', 'support', 'viewer')),
        label      TEXT COLLATE "C" NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL
    );

    CREATE TABLE token_organizations (
        token_id        BIGINT NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
        organization_id BIGINT NOT NULL REFERENCES organizations(id),
        PRIMARY KEY (token_id, organization_id)
    );

    CREATE TABLE signing_key (
        id         BIGINT PRIMARY KEY CHECK (id = 1),
        secret     BYTEA NOT NULL CHECK (length(secret) = 32),
        created_at TEXT COLLATE "C" NOT NULL
    );

    -- response is NULL while the first request holding the key is still running.
    CREATE TABLE idempotency_keys (
        token_id     BIGINT NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
        key          TEXT COLLATE "C" NOT NULL,
        request_hash TEXT COLLATE "C" NOT NULL,
        response     TEXT COLLATE "C",
        created_at   TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (token_id, key)
    );

    CREATE TABLE products (
        id   TEXT COLLATE "C" PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL
    );

    CREATE TABLE users (
        email           TEXT COLLATE "C" PRIMARY KEY,
        organization_id BIGINT NOT NULL REFERENCES organizations(id),
        name            TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX users_organization ON users(organization_id, email);

    CREATE TABLE seats (
        id              BIGSERIAL PRIMARY KEY,
        organization_id BIGINT NOT NULL REFERENCES organizations(id),
        product_id      TEXT COLLATE "C" NOT NULL REFERENCES products(id),
        email           TEXT COLLATE "C",
        valid_from      TEXT COLLATE "C" NOT NULL,
        valid_until     TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX seats_organization ON seats(organization_id, product_id, id);
    CREATE INDEX seats_valid_until ON seats(valid_until, id);
    CREATE INDEX seats_email ON seats(email, id);
    CREATE INDEX seats_holder ON seats(organization_id, product_id, email, valid_until);
    -- One e-mail never holds two seats of a product with the same validity (two binds
    -- racing past the checks would collide here); "unexpired" depends on today, which
    -- an index cannot say, so bind also locks the user's row (see mod.rs).
    CREATE UNIQUE INDEX seats_holder_once
        ON seats(organization_id, product_id, email, valid_until) WHERE email IS NOT NULL;

    CREATE TABLE capacity (
        organization_id          BIGINT NOT NULL REFERENCES organizations(id),
        product_id               TEXT COLLATE "C" NOT NULL REFERENCES products(id),
        support_until            TEXT COLLATE "C",
        accounts_max             BIGINT NOT NULL CHECK (accounts_max >= 0),
        external_connections_max BIGINT NOT NULL CHECK (external_connections_max >= 0),
        max_raised_at            TEXT COLLATE "C",
        PRIMARY KEY (organization_id, product_id)
    );

    CREATE TABLE emergency_licenses (
        id              BIGSERIAL PRIMARY KEY,
        organization_id BIGINT NOT NULL REFERENCES organizations(id),
        product_id      TEXT COLLATE "C" NOT NULL REFERENCES products(id),
        requested_at    TEXT COLLATE "C" NOT NULL,
        valid_from      TEXT COLLATE "C" NOT NULL,
        valid_until     TEXT COLLATE "C" NOT NULL,
        accounts        BIGINT NOT NULL CHECK (accounts BETWEEN 1 AND 10)
    );
    CREATE INDEX emergency_licenses_product
        ON emergency_licenses(organization_id, product_id, requested_at);

    CREATE TABLE product_keys (
        key                 TEXT COLLATE "C" PRIMARY KEY,
        organization_id     BIGINT NOT NULL REFERENCES organizations(id),
        product_id          TEXT COLLATE "C" NOT NULL REFERENCES products(id),
        seats               BIGINT NOT NULL CHECK (seats >= 0),
        installation_serial TEXT COLLATE "C",
        installation_hash   TEXT COLLATE "C",
        issued_at           TEXT COLLATE "C"
    );
    CREATE INDEX product_keys_organization ON product_keys(organization_id, product_id);

    CREATE TABLE audit (
        id              BIGSERIAL PRIMARY KEY,
        at              TEXT COLLATE "C" NOT NULL,
        actor           TEXT COLLATE "C" NOT NULL,
        action          TEXT COLLATE "C" NOT NULL,
        object          TEXT COLLATE "C" NOT NULL,
        organization_id BIGINT REFERENCES organizations(id),
        before          TEXT COLLATE "C",
        after           TEXT COLLATE "C"
    );
    CREATE INDEX audit_object ON audit(object, id);

    -- The change feed (docs/DESIGN.md §6.4): one row per object at the seq of its latest
    -- change, as on SQLite. Seqs are drawn under the feed lock (mod.rs), so they become
    -- visible in commit order.
    CREATE SEQUENCE changes_seq;
    CREATE TABLE changes (
        seq             BIGINT PRIMARY KEY DEFAULT nextval('changes_seq'),
        kind            TEXT COLLATE "C" NOT NULL,
        key             TEXT COLLATE "C" NOT NULL,
        organization_id BIGINT,
        UNIQUE (kind, key)
    );
    ALTER SEQUENCE changes_seq OWNED BY changes.seq;

    CREATE TABLE store_meta (
        key   TEXT COLLATE "C" PRIMARY KEY,
        value TEXT COLLATE "C" NOT NULL
    );
    INSERT INTO store_meta (key, value) VALUES
        ('epoch', substr(md5(random()::text || clock_timestamp()::text), 1, 16)),
        ('changes_floor', '0');

    -- Records (moves) one object in the feed. A bulk load sets licadm.untracked = 'on'
    -- for its transaction and records every object itself afterwards.
    CREATE FUNCTION track(k TEXT, object_key TEXT, org BIGINT) RETURNS VOID
    LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('licadm.untracked', true) = 'on' THEN
            RETURN;
        END IF;
        PERFORM pg_advisory_xact_lock(7811884298598678529);
        INSERT INTO changes (kind, key, organization_id) VALUES (k, object_key, org)
        ON CONFLICT (kind, key) DO UPDATE
            SET seq = nextval('changes_seq'), organization_id = EXCLUDED.organization_id;
    END $$;

    CREATE FUNCTION track_row() RETURNS TRIGGER LANGUAGE plpgsql AS $$
    DECLARE
        r RECORD;
        org BIGINT;
    BEGIN
        IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
        CASE TG_TABLE_NAME
        WHEN 'organizations' THEN PERFORM track('organization', r.id::text, r.id);
        WHEN 'products' THEN PERFORM track('product', r.id, NULL);
        WHEN 'models' THEN PERFORM track('price', r.id::text, NULL);
        WHEN 'activations' THEN PERFORM track('activation', r.number::text, r.organization_id);
        WHEN 'activation_lines' THEN
            SELECT organization_id INTO org FROM activations WHERE number = r.activation_number;
            IF FOUND THEN
                PERFORM track('activation', r.activation_number::text, org);
            END IF;
        WHEN 'seats' THEN PERFORM track('seat', r.id::text, r.organization_id);
        WHEN 'capacity', 'emergency_licenses' THEN
            PERFORM track('capacity', r.organization_id::text || ':' || r.product_id,
                          r.organization_id);
        END CASE;
        RETURN NULL;
    END $$;

    CREATE TRIGGER track_organizations AFTER INSERT OR UPDATE OR DELETE ON organizations
        FOR EACH ROW EXECUTE FUNCTION track_row();
    CREATE TRIGGER track_products AFTER INSERT OR UPDATE OR DELETE ON products
        FOR EACH ROW EXECUTE FUNCTION track_row();
    CREATE TRIGGER track_models AFTER INSERT OR UPDATE OR DELETE ON models
        FOR EACH ROW EXECUTE FUNCTION track_row();
    -- license_text and queued_at are not part of the feed's activation, but SQLite's
    -- trigger fires on any update too: same moves, same feed.
    CREATE TRIGGER track_activations AFTER INSERT OR UPDATE OR DELETE ON activations
        FOR EACH ROW EXECUTE FUNCTION track_row();
    CREATE TRIGGER track_activation_lines AFTER INSERT OR UPDATE OR DELETE ON activation_lines
        FOR EACH ROW EXECUTE FUNCTION track_row();
    CREATE TRIGGER track_seats AFTER INSERT OR UPDATE OR DELETE ON seats
        FOR EACH ROW EXECUTE FUNCTION track_row();
    CREATE TRIGGER track_capacity AFTER INSERT OR UPDATE OR DELETE ON capacity
        FOR EACH ROW EXECUTE FUNCTION track_row();
    CREATE TRIGGER track_emergency_licenses AFTER INSERT OR UPDATE OR DELETE ON emergency_licenses
        FOR EACH ROW EXECUTE FUNCTION track_row();
    "#,
    // 2: lists that do not grow with the store, as SQLite's migration 5
    // (docs/DESIGN.md §4.4): totals from `activation_counts`, kept per statement from
    // its transition tables (one upsert per statement, rows in key order so two
    // writers lock counter rows in the same order), and an index for every filter ×
    // sort pair.
    r#"
    CREATE TABLE activation_counts (
        organization_id BIGINT NOT NULL,
        status          TEXT COLLATE "C" NOT NULL,
        vendor          TEXT COLLATE "C" NOT NULL,
        n               BIGINT NOT NULL,
        PRIMARY KEY (organization_id, status, vendor)
    );
    INSERT INTO activation_counts (organization_id, status, vendor, n)
        SELECT organization_id, status, vendor, COUNT(*) FROM activations GROUP BY 1, 2, 3;

    CREATE FUNCTION count_activations() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO activation_counts AS c (organization_id, status, vendor, n)
                SELECT organization_id, status, vendor, COUNT(*) FROM new_rows
                GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                ON CONFLICT (organization_id, status, vendor) DO UPDATE SET n = c.n + excluded.n;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO activation_counts AS c (organization_id, status, vendor, n)
                SELECT organization_id, status, vendor, -COUNT(*) FROM old_rows
                GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                ON CONFLICT (organization_id, status, vendor) DO UPDATE SET n = c.n + excluded.n;
        ELSE
            INSERT INTO activation_counts AS c (organization_id, status, vendor, n)
                SELECT organization_id, status, vendor, SUM(d) FROM (
                    SELECT organization_id, status, vendor, -1 AS d FROM old_rows
                    UNION ALL SELECT organization_id, status, vendor, 1 FROM new_rows) m
                GROUP BY 1, 2, 3 HAVING SUM(d) <> 0 ORDER BY 1, 2, 3
                ON CONFLICT (organization_id, status, vendor) DO UPDATE SET n = c.n + excluded.n;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER count_activations_insert AFTER INSERT ON activations
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_activations();
    CREATE TRIGGER count_activations_delete AFTER DELETE ON activations
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_activations();
    CREATE TRIGGER count_activations_update AFTER UPDATE ON activations
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION count_activations();

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
    -- own change row already covers them (SQLite's migration 5 says why).
    DROP TRIGGER track_activation_lines ON activation_lines;
    CREATE TRIGGER track_activation_lines AFTER UPDATE OR DELETE ON activation_lines
        FOR EACH ROW EXECUTE FUNCTION track_row();
    "#,
    // 3: the vendor's `operator` role (issue 15).
    r#"
    ALTER TABLE tokens DROP CONSTRAINT tokens_role_check;
    ALTER TABLE tokens ADD CONSTRAINT tokens_role_check
        CHECK (role IN ('admin', 'support', 'viewer', 'operator'));
    "#,
    // 4: accounts and the token lifecycle (issue 15; SQLite's migration 7 says what
    // each column means).
    r#"
    CREATE TABLE accounts (
        id                    BIGSERIAL PRIMARY KEY,
        email                 TEXT COLLATE "C" NOT NULL UNIQUE,
        role                  TEXT COLLATE "C" NOT NULL
                              CHECK (role IN ('admin', 'support', 'viewer', 'operator')),
        password_hash         TEXT COLLATE "C",
        invitation_hash       TEXT COLLATE "C" UNIQUE,
        invitation_expires_at TEXT COLLATE "C",
        created_at            TEXT COLLATE "C" NOT NULL,
        created_by            TEXT COLLATE "C" NOT NULL,
        disabled_at           TEXT COLLATE "C"
    );

    CREATE TABLE account_organizations (
        account_id      BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        organization_id BIGINT NOT NULL REFERENCES organizations(id),
        PRIMARY KEY (account_id, organization_id)
    );

    ALTER TABLE tokens ADD COLUMN account_id BIGINT REFERENCES accounts(id);
    ALTER TABLE tokens ADD COLUMN expires_at TEXT COLLATE "C";
    ALTER TABLE tokens ADD COLUMN last_used_at TEXT COLLATE "C";
    ALTER TABLE tokens ADD COLUMN revoked_at TEXT COLLATE "C";
    CREATE INDEX tokens_account ON tokens(account_id) WHERE account_id IS NOT NULL;
    "#,
    // 5: key ids and rotation, refusals remembered under an idempotency key (issue 15;
    // SQLite's migration 8 says what each column means). The secret leaves the
    // database for a key file (`portal::key_ring`): `signing_key` keeps a legacy
    // secret only until a portal started with the matching file deletes it.
    r#"
    CREATE TABLE signing_keys (
        position   BIGINT PRIMARY KEY,
        key_id     TEXT COLLATE "C" NOT NULL UNIQUE,
        public_key TEXT COLLATE "C" NOT NULL UNIQUE,
        created_at TEXT COLLATE "C" NOT NULL
    );
    ALTER TABLE idempotency_keys ADD COLUMN status INTEGER;
    "#,
    // 6: the activity log (issue 16), as SQLite's migration 9: the request that made
    // each audit record, and the indexes `GET /events` walks newest first.
    r#"
    ALTER TABLE audit ADD COLUMN request_id TEXT COLLATE "C";
    CREATE INDEX audit_at ON audit(at, id);
    CREATE INDEX audit_organization_at ON audit(organization_id, at, id);
    "#,
    // 7: unused (its branch needed no schema change); kept so the numbers after it
    // stay what the stores that ran them recorded.
    "",
    // 8: renewals and the mirror's devices and events (issue 16 part A), as SQLite's
    // migration 11 (which says what each part is for).
    r#"
    CREATE TABLE organization_devices (
        organization_id BIGINT NOT NULL REFERENCES organizations(id),
        serial          TEXT COLLATE "C" NOT NULL,
        model_id        BIGINT NOT NULL REFERENCES models(id),
        vendor          TEXT COLLATE "C" NOT NULL,
        current_until   TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (organization_id, serial)
    );
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

    CREATE FUNCTION owned_activation_done() RETURNS TRIGGER LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO organization_devices (organization_id, serial, model_id, vendor, current_until)
            SELECT NEW.organization_id, l.serial, m.id, m.vendor, COALESCE(d.current_until, l.new_until)
              FROM activation_lines l
              JOIN models m ON m.name = l.model
              LEFT JOIN devices d ON d.serial = l.serial
             WHERE l.activation_number = NEW.number
             ORDER BY l.serial
        ON CONFLICT (organization_id, serial) DO UPDATE
            SET current_until = EXCLUDED.current_until;
        RETURN NULL;
    END $$;
    CREATE TRIGGER owned_activation_done AFTER UPDATE OF status ON activations
        FOR EACH ROW WHEN (NEW.status = 'done' AND OLD.status <> 'done')
        EXECUTE FUNCTION owned_activation_done();

    CREATE FUNCTION owned_device_until() RETURNS TRIGGER LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE organization_devices SET current_until = NEW.current_until
         WHERE serial = NEW.serial AND current_until <> NEW.current_until;
        RETURN NULL;
    END $$;
    CREATE TRIGGER owned_device_until AFTER UPDATE OF current_until ON devices
        FOR EACH ROW WHEN (NEW.current_until IS NOT NULL)
        EXECUTE FUNCTION owned_device_until();

    CREATE FUNCTION track_feed_row() RETURNS TRIGGER LANGUAGE plpgsql AS $$
    BEGIN
        CASE TG_TABLE_NAME
        WHEN 'organization_devices' THEN
            PERFORM track('device', NEW.organization_id::text || ':' || NEW.serial,
                          NEW.organization_id);
        WHEN 'audit' THEN
            IF NEW.organization_id IS NOT NULL THEN
                PERFORM track('event', NEW.id::text, NEW.organization_id);
            END IF;
        END CASE;
        RETURN NULL;
    END $$;
    CREATE TRIGGER track_organization_devices AFTER INSERT OR UPDATE ON organization_devices
        FOR EACH ROW EXECUTE FUNCTION track_feed_row();
    CREATE TRIGGER track_audit AFTER INSERT ON audit
        FOR EACH ROW EXECUTE FUNCTION track_feed_row();

    CREATE INDEX audit_actor_at ON audit(actor, at, id);
    CREATE INDEX audit_action_at ON audit(action, at, id);
    CREATE INDEX audit_organization_actor_at ON audit(organization_id, actor, at, id);
    CREATE INDEX audit_organization_action_at ON audit(organization_id, action, at, id);

    INSERT INTO organization_devices (organization_id, serial, model_id, vendor, current_until)
        SELECT a.organization_id, l.serial, MAX(m.id), MAX(m.vendor),
               MAX(COALESCE(d.current_until, l.new_until))
          FROM activation_lines l
          JOIN activations a ON a.number = l.activation_number AND a.status = 'done'
          JOIN models m ON m.name = l.model
          LEFT JOIN devices d ON d.serial = l.serial
         GROUP BY a.organization_id, l.serial
         ORDER BY a.organization_id, l.serial;
    SELECT track('event', id::text, organization_id)
      FROM (SELECT id, organization_id FROM audit WHERE organization_id IS NOT NULL ORDER BY id) e;
    "#,
    // 9: monthly invoices (issue 17), as SQLite's migration 12 (which says what each
    // table is for). Two portals issuing the same month both insert its
    // `invoice_runs` row: the second waits for the first to commit, then finds the
    // conflict and issues nothing (and the feed lock serializes them anyway).
    r#"
    CREATE TABLE invoices (
        number           TEXT COLLATE "C" PRIMARY KEY,
        organization_id  BIGINT NOT NULL REFERENCES organizations(id),
        period           TEXT COLLATE "C" NOT NULL,
        issued_on        TEXT COLLATE "C" NOT NULL,
        due_on           TEXT COLLATE "C" NOT NULL,
        status           TEXT COLLATE "C" NOT NULL CHECK (status IN ('issued', 'overdue', 'paid')),
        total            BIGINT NOT NULL,
        license_count    BIGINT NOT NULL,
        activation_count BIGINT NOT NULL,
        paid_at          TEXT COLLATE "C",
        UNIQUE (organization_id, period)
    );
    CREATE INDEX invoices_status_due ON invoices(status, due_on);
    CREATE INDEX invoices_period ON invoices(period, number);
    CREATE INDEX invoices_organization_status ON invoices(organization_id, status, due_on);

    CREATE TABLE invoice_lines (
        invoice_number    TEXT COLLATE "C" NOT NULL REFERENCES invoices(number),
        activation_number BIGINT NOT NULL REFERENCES activations(number),
        vendor            TEXT COLLATE "C" NOT NULL,
        license_count     BIGINT NOT NULL,
        amount            BIGINT NOT NULL,
        completed_at      TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (invoice_number, activation_number)
    );

    CREATE TABLE invoice_runs (
        period  TEXT COLLATE "C" PRIMARY KEY,
        ran_at  TEXT COLLATE "C" NOT NULL,
        issued  BIGINT NOT NULL
    );

    CREATE INDEX activations_completed_done ON activations(completed_at, organization_id)
        WHERE status = 'done';

    CREATE FUNCTION track_invoice() RETURNS TRIGGER LANGUAGE plpgsql AS $$
    DECLARE
        r RECORD;
    BEGIN
        IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
        PERFORM track('invoice', r.number, r.organization_id);
        RETURN NULL;
    END $$;
    CREATE TRIGGER track_invoices AFTER INSERT OR UPDATE OR DELETE ON invoices
        FOR EACH ROW EXECUTE FUNCTION track_invoice();
    "#,
    // 10: webhooks (issue 17), as SQLite's migration 13; the queue's times are
    // TIMESTAMPTZ so leases and retries are read against the database's clock, the
    // one clock every portal shares.
    r#"
    CREATE TABLE webhook_endpoints (
        id              BIGSERIAL PRIMARY KEY,
        url             TEXT COLLATE "C" NOT NULL,
        events          TEXT COLLATE "C" NOT NULL,
        organization_id BIGINT REFERENCES organizations(id),
        secret          TEXT COLLATE "C" NOT NULL,
        created_at      TEXT COLLATE "C" NOT NULL,
        created_by      TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX webhook_endpoints_organization ON webhook_endpoints(organization_id);
    CREATE TABLE webhook_deliveries (
        id              BIGSERIAL PRIMARY KEY,
        endpoint_id     BIGINT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        event_id        TEXT COLLATE "C" NOT NULL,
        event_type      TEXT COLLATE "C" NOT NULL,
        object          TEXT COLLATE "C" NOT NULL,
        organization_id BIGINT,
        payload         TEXT NOT NULL,
        created_at      TEXT COLLATE "C" NOT NULL,
        status          TEXT COLLATE "C" NOT NULL DEFAULT 'pending',
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TIMESTAMPTZ,
        lease_until     TIMESTAMPTZ,
        leased_by       TEXT COLLATE "C",
        response_status INTEGER,
        last_error      TEXT,
        delivered_at    TIMESTAMPTZ,
        redelivery_of   BIGINT
    );
    CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, id);
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at, id)
        WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_object ON webhook_deliveries(endpoint_id, object, id)
        WHERE status = 'pending';
    "#,
    // 11: a one-time code's use is remembered, as SQLite's migration 14.
    r#"
    ALTER TABLE accounts ADD COLUMN used_code_hash TEXT;
    ALTER TABLE accounts ADD COLUMN used_code_at TEXT COLLATE "C";
    CREATE INDEX accounts_used_code ON accounts(used_code_hash) WHERE used_code_hash IS NOT NULL;
    "#,
    // 12: events by actor and action together, as SQLite's migration 15.
    r#"
    CREATE INDEX audit_actor_action_at ON audit(actor, action, at, id);
    CREATE INDEX audit_organization_actor_action_at ON audit(organization_id, actor, action, at, id);
    "#,
    // 13: the open activations alone, for precheck's lines, as SQLite's migration 16.
    r#"
    CREATE INDEX activations_open ON activations(number) WHERE status IN ('in_progress', 'error');
    "#,
    // 14: the lines of open activations as a table of their own, as SQLite's migration
    // 17. A new activation's lines are added by the statement that writes them
    // (`writes::create`; a trigger over the statement's transition table cost a third
    // more); the triggers remove a deleted line and a done activation's lines.
    r#"
    CREATE TABLE open_lines (
        serial            TEXT COLLATE "C" NOT NULL,
        activation_number BIGINT NOT NULL,
        PRIMARY KEY (serial, activation_number)
    );
    CREATE INDEX open_lines_activation ON open_lines(activation_number);
    INSERT INTO open_lines (serial, activation_number)
        SELECT l.serial, l.activation_number FROM activation_lines l
          JOIN activations a ON a.number = l.activation_number
         WHERE a.status IN ('in_progress', 'error');

    CREATE FUNCTION owned_open_lines_removed() RETURNS TRIGGER LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM open_lines o USING removed r
         WHERE o.serial = r.serial AND o.activation_number = r.activation_number;
        RETURN NULL;
    END $$;
    CREATE TRIGGER owned_open_lines_removed AFTER DELETE ON activation_lines
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
        EXECUTE FUNCTION owned_open_lines_removed();

    CREATE FUNCTION owned_open_lines_closed() RETURNS TRIGGER LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM open_lines WHERE activation_number = NEW.number;
        RETURN NULL;
    END $$;
    CREATE TRIGGER owned_open_lines_closed AFTER UPDATE OF status ON activations
        FOR EACH ROW WHEN (NEW.status NOT IN ('in_progress', 'error'))
        EXECUTE FUNCTION owned_open_lines_closed();
    "#,
    // 15: migration 13's partial index goes: the precheck reads `open_lines` now, and
    // the planner took this small index for the list `status=in_progress` by number,
    // reading past every errored activation to reach the first in progress (39 524 at
    // 1 000 000: 27 ms instead of 1.5 through the status index; docs/BENCHMARKS.md).
    r#"
    DROP INDEX activations_open;
    "#,
];

/// Brings the database up to the newest schema under the migration lock. The lock is
/// taken before anything else — even creating `schema_migrations` — because two
/// portals running `CREATE TABLE IF NOT EXISTS` at the same instant can both miss the
/// table and the loser fails on the catalog ("type … already exists").
pub async fn apply(client: &mut Client) -> Result<(), StoreError> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let applied = create_and_apply(client).await;
    let unlocked = client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await;
    applied?;
    unlocked?;
    Ok(())
}

async fn create_and_apply(client: &mut Client) -> Result<(), StoreError> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    BIGINT PRIMARY KEY,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await?;
    apply_locked(client).await
}

async fn apply_locked(client: &mut Client) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as i64;
    let current: i64 = client
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .await?
        .try_get(0)?;
    if current > known {
        return Err(StoreError::Invalid(format!(
            "the store has schema version {current}, newer than this licadm knows ({known}); upgrade licadm"
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        if version <= current {
            continue;
        }
        let tx = client.transaction().await?;
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&version],
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The trigger's lock key is the Rust constant (the SQL cannot name it).
    #[test]
    fn the_trigger_takes_the_feed_lock() {
        assert!(super::MIGRATIONS[0].contains(&super::super::FEED_LOCK.to_string()));
    }
}
