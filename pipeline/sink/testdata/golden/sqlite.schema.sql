CREATE VIEW errors AS SELECT id, status, error, source, row, page, attempts, model, finished FROM records WHERE status != 'ok';
CREATE TABLE "evidence" (
  "record_id" TEXT NOT NULL,
  "index" INTEGER NOT NULL,
  "pointer" TEXT,
  "value" TEXT,
  "quote" TEXT,
  "page" INTEGER,
  "start" INTEGER,
  "end" INTEGER,
  "match" TEXT,
  "score" REAL,
  "verdict" TEXT,
  "reason" TEXT,
  "boxes" TEXT,
  PRIMARY KEY ("record_id", "index"),
  FOREIGN KEY (record_id) REFERENCES records (id) ON DELETE CASCADE
) STRICT;
CREATE TABLE "lines" (
  "record_id" TEXT NOT NULL,
  "index" INTEGER NOT NULL,
  "description" TEXT,
  "qty" INTEGER,
  "unit_price" REAL,
  PRIMARY KEY ("record_id", "index"),
  FOREIGN KEY (record_id) REFERENCES records (id) ON DELETE CASCADE
) STRICT;
CREATE TABLE "lines.taxes" (
  "record_id" TEXT NOT NULL,
  "lines.index" INTEGER NOT NULL,
  "index" INTEGER NOT NULL,
  "name" TEXT,
  "rate" REAL,
  PRIMARY KEY ("record_id", "lines.index", "index"),
  FOREIGN KEY ("record_id", "lines.index") REFERENCES "lines" ("record_id", "index") ON DELETE CASCADE
) STRICT;
CREATE TABLE quarry_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;
CREATE TABLE records (
  "id" TEXT PRIMARY KEY NOT NULL,
  "status" TEXT NOT NULL,
  "error" TEXT,
  "source" TEXT,
  "row" INTEGER,
  "page" INTEGER,
  "attempts" INTEGER NOT NULL,
  "input_tokens" INTEGER NOT NULL,
  "cached_tokens" INTEGER NOT NULL,
  "output_tokens" INTEGER NOT NULL,
  "reasoning_tokens" INTEGER NOT NULL,
  "model" TEXT,
  "started" TEXT,
  "finished" TEXT,
  "simulated" INTEGER NOT NULL,
  "vendor" TEXT,
  "address.street" TEXT,
  "address.city" TEXT,
  "issued" TEXT,
  "created_at" TEXT,
  "total" REAL,
  "paid" INTEGER,
  "tags" TEXT,
  "customer.name" TEXT,
  "customer.vat_id" TEXT,
  "raw_value" TEXT,
  "unfit" TEXT,
  "input" TEXT,
  "meta" TEXT
) STRICT;
CREATE TABLE runs (
  run INTEGER PRIMARY KEY AUTOINCREMENT,
  model TEXT, instructions TEXT, schema TEXT, simulated INTEGER NOT NULL,
  started TEXT, ended TEXT, wall_seconds REAL,
  documents INTEGER NOT NULL, ok INTEGER NOT NULL, invalid INTEGER NOT NULL, refused INTEGER NOT NULL,
  incomplete INTEGER NOT NULL, error INTEGER NOT NULL, skipped INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL, requests INTEGER NOT NULL, rate_limited INTEGER NOT NULL,
  cost_usd REAL
) STRICT;
CREATE TABLE sqlite_sequence(name,seq);
