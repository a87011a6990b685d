-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Addresses collected from received mail (From) and sent mail (To, Cc),
-- for address completion in the composer.

CREATE TABLE contacts (
  address TEXT PRIMARY KEY COLLATE NOCASE,
  name TEXT NOT NULL DEFAULT '',
  received_count INTEGER NOT NULL DEFAULT 0,
  sent_count INTEGER NOT NULL DEFAULT 0,
  last_seen INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX contacts_by_name ON contacts (name COLLATE NOCASE);
