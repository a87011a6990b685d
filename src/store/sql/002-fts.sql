-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Full-text search over subject, from, to + cc and the body text. The
-- rowid is messages.id. Prefix indexes of 2 and 3 characters make the
-- as-you-type prefix queries cheap.

CREATE VIRTUAL TABLE messages_fts USING fts5 (
  subject, sender, recipients, body,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

INSERT INTO messages_fts (rowid, subject, sender, recipients, body)
  SELECT id, subject, sender, recipients || ' ' || cc, '' FROM messages;

-- Bodies kept before this version have their text indexed by the store
-- after the upgrade (their text comes from the MIME engine, not SQL).
ALTER TABLE bodies ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
BEGIN
  INSERT INTO messages_fts (rowid, subject, sender, recipients, body)
    VALUES (new.id, new.subject, new.sender, new.recipients || ' ' || new.cc, '');
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
BEGIN
  DELETE FROM messages_fts WHERE rowid = old.id;
END;
