-- postcall delivery store, MariaDB 10.5 or later (InnoDB); tested on MariaDB 10.11. Written for MySQL 8 too, which
-- is not tested. JdbcDeliveryStore runs this when createSchema(true) is set; otherwise run it yourself with
-- ${delivery}, ${chunk}, ${backfill} and ${name} replaced (defaults: postcall_delivery, postcall_body_chunk,
-- postcall_backfill, postcall_). The binary collation keeps the key exact: under the default case- and
-- accent-insensitive collation two different conversation ids could count as one delivery. It still ignores trailing
-- spaces (PAD SPACE), so the store never uses an id that ends in one as a key.
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
    PRIMARY KEY (id),
    UNIQUE KEY ${name}delivery_key (event_type, conversation_id, event_timestamp),
    KEY ${name}delivery_state (state, updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- The body in chunks of 1 MiB (MEDIUMBLOB holds up to 16 MiB): each chunk is one statement, well under the
-- server's max_allowed_packet, and the driver never reads more than one chunk at a time.
CREATE TABLE IF NOT EXISTS ${chunk} (
    delivery_id BIGINT     NOT NULL,
    chunk_no    INTEGER    NOT NULL,
    chunk_data  MEDIUMBLOB NOT NULL,
    PRIMARY KEY (delivery_id, chunk_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- Backfill's state (only when backfill is on; JdbcDeliveryStore refuses backfill without it): the scheduled runs'
-- watermark and the lease that lets one node run them at a time. Times in milliseconds since the epoch; the lease by
-- the database's clock.
CREATE TABLE IF NOT EXISTS ${backfill} (
    name        VARCHAR(64) NOT NULL,
    watermark   BIGINT,
    known_since BIGINT      NOT NULL,
    lease_owner VARCHAR(64),
    lease_until BIGINT      NOT NULL,
    PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
