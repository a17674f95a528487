-- For PostgresBatchTest: one row per event, n from the event; a negative n breaks the table's check.
INSERT INTO batch_probe (n) SELECT (CAST(:#${body} AS jsonb) ->> 'n')::int
