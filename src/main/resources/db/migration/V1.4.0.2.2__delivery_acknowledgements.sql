-- EventGate's own table (not the upstream's): the shared record of retry-safe delivery (README,
-- "Retry-safe delivery"), used with delivery.repository=jdbc. One row per sink (processorName) and
-- event (messageId = '<topic>/<event id>', or '<topic>/sha256:<hex>' for an id longer than 64
-- characters) that the sink acknowledged; a client's retry of that event skips the sink. The columns
-- are those of camel-sql's JdbcMessageIdRepository, which reads and writes them. A row older than
-- delivery.expiry_seconds no longer counts, and EventGate deletes it every
-- delivery.jdbc.cleanup_seconds (the index on createdAt serves that).

CREATE TABLE IF NOT EXISTS eventgate_delivery_acks (
    processorName VARCHAR(255) NOT NULL,
    messageId TEXT NOT NULL,
    createdAt TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (processorName, messageId)
);
CREATE INDEX IF NOT EXISTS eventgate_delivery_acks_created_at ON eventgate_delivery_acks (createdAt);
