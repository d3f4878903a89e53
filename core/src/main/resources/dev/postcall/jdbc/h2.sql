-- postcall delivery store, H2 2.x. JdbcDeliveryStore runs this when createSchema(true) is set;
-- otherwise run it yourself with ${delivery}, ${chunk}, ${backfill} and ${name} replaced (defaults:
-- postcall_delivery, postcall_body_chunk, postcall_backfill, postcall_).
-- One row per delivery: the write-ahead record and the cluster-wide claim of its key at once.
CREATE TABLE IF NOT EXISTS ${delivery} (
    id                  BIGINT       NOT NULL,
    event_type          VARCHAR(128) NOT NULL,
    conversation_id     VARCHAR(255),
    event_timestamp     BIGINT       NOT NULL,
    state               VARCHAR(16)  NOT NULL,
    attempts            INTEGER      NOT NULL,
    failure_class       VARCHAR(255),
    owner_node          VARCHAR(64),
    claim_token         VARCHAR(64),
    received_at         BIGINT       NOT NULL,
    updated_at          BIGINT       NOT NULL,
    done_at             BIGINT,
    signature_timestamp BIGINT       NOT NULL,
    content_type        VARCHAR(255),
    body_length         BIGINT,
    CONSTRAINT ${name}delivery_pk PRIMARY KEY (id),
    CONSTRAINT ${name}delivery_key UNIQUE (event_type, conversation_id, event_timestamp)
);
CREATE INDEX IF NOT EXISTS ${name}delivery_state ON ${delivery} (state, updated_at);
-- The body in chunks of 1 MiB: every driver reads and writes one chunk at a time, so a 100 MB body never has to fit
-- in the heap (as on PostgreSQL and MySQL).
CREATE TABLE IF NOT EXISTS ${chunk} (
    delivery_id BIGINT  NOT NULL,
    chunk_no    INTEGER NOT NULL,
    chunk_data  VARBINARY(1048576) NOT NULL,
    CONSTRAINT ${name}body_chunk_pk PRIMARY KEY (delivery_id, chunk_no)
);
-- Backfill's state (only when backfill is on; JdbcDeliveryStore refuses backfill without it): the scheduled runs'
-- watermark and the lease that lets one node run them at a time. Times in milliseconds since the epoch; the lease by
-- the database's clock.
CREATE TABLE IF NOT EXISTS ${backfill} (
    name        VARCHAR(64) NOT NULL,
    watermark   BIGINT,
    known_since BIGINT      NOT NULL,
    lease_owner VARCHAR(64),
    lease_until BIGINT      NOT NULL,
    CONSTRAINT ${name}backfill_pk PRIMARY KEY (name)
);
