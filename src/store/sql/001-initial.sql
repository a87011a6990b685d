-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The first schema: accounts, folders, messages and where they live, raw
-- bodies, attachments, the outbox, drafts and pending operations.
-- Enumerations are stored as the integer values of the C enums.

-- No password column, ever: secrets live in the Secret Service.
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  display_name TEXT NOT NULL DEFAULT '',
  real_name TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL,
  incoming_protocol INTEGER NOT NULL DEFAULT 1,
  incoming_host TEXT NOT NULL DEFAULT '',
  incoming_port INTEGER NOT NULL DEFAULT 0,
  incoming_security INTEGER NOT NULL DEFAULT 1,
  incoming_username TEXT NOT NULL DEFAULT '',
  outgoing_host TEXT NOT NULL DEFAULT '',
  outgoing_port INTEGER NOT NULL DEFAULT 0,
  outgoing_security INTEGER NOT NULL DEFAULT 1,
  outgoing_username TEXT NOT NULL DEFAULT '',
  pop3_leave_on_server INTEGER NOT NULL DEFAULT 1,
  sync_interval INTEGER NOT NULL DEFAULT 300
);

CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES folders (id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  name TEXT NOT NULL,
  delimiter TEXT NOT NULL DEFAULT '',
  role INTEGER NOT NULL DEFAULT 0,
  uidvalidity INTEGER NOT NULL DEFAULT 0,
  uidnext INTEGER NOT NULL DEFAULT 0,
  highestmodseq INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  unread INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, path)
);
CREATE INDEX folders_by_parent ON folders (parent_id);

-- One row per message, whatever the number of folders it lives in.
-- message_id, in_reply_to and refs are msg-ids without angle brackets
-- (refs space-separated); dates are Unix times. AUTOINCREMENT: an id is
-- never given again, so a thread id or a list row never names a new message.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  message_id TEXT,
  in_reply_to TEXT,
  refs TEXT,
  thread_id INTEGER NOT NULL DEFAULT 0,
  subject TEXT NOT NULL DEFAULT '',
  sender TEXT NOT NULL DEFAULT '',
  recipients TEXT NOT NULL DEFAULT '',
  cc TEXT NOT NULL DEFAULT '',
  date INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL DEFAULT 0,
  flags INTEGER NOT NULL DEFAULT 0,
  has_attachments INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_by_message_id ON messages (account_id, message_id);
CREATE INDEX messages_by_thread ON messages (thread_id, date);

-- Where a message lives: a folder and the server's UID (IMAP) or UIDL
-- (POP3). Both are NULL while a local move waits for the server to name
-- the copy. sort_date repeats messages.date so that a folder's list,
-- sorted by date, is one scan of one index.
CREATE TABLE message_locations (
  id INTEGER PRIMARY KEY,
  folder_id INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  uid INTEGER,
  uidl TEXT,
  sort_date INTEGER NOT NULL DEFAULT 0,
  UNIQUE (folder_id, message_id)
);
CREATE UNIQUE INDEX locations_by_uid ON message_locations (folder_id, uid) WHERE uid IS NOT NULL;
CREATE UNIQUE INDEX locations_by_uidl ON message_locations (folder_id, uidl) WHERE uidl IS NOT NULL;
CREATE INDEX locations_by_date ON message_locations (folder_id, sort_date, message_id);
CREATE INDEX locations_by_message ON message_locations (message_id);

-- A msg-id seen in Message-ID, In-Reply-To or References, and the thread
-- it belongs to (JWZ threading, kept incrementally).
CREATE TABLE thread_links (
  account_id INTEGER NOT NULL,
  msgid TEXT NOT NULL,
  thread_id INTEGER NOT NULL,
  PRIMARY KEY (account_id, msgid)
) WITHOUT ROWID;
CREATE INDEX thread_links_by_thread ON thread_links (thread_id);

CREATE TABLE bodies (
  message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  raw BLOB NOT NULL,
  fetched INTEGER NOT NULL
);

CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  part TEXT NOT NULL,
  filename TEXT,
  mime_type TEXT NOT NULL,
  size INTEGER NOT NULL DEFAULT 0,
  content_id TEXT
);
CREATE INDEX attachments_by_message ON attachments (message_id);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  raw BLOB NOT NULL,
  state INTEGER NOT NULL DEFAULT 1,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  queued INTEGER NOT NULL
);

CREATE TABLE drafts (
  id INTEGER PRIMARY KEY,
  account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  raw BLOB NOT NULL,
  saved INTEGER NOT NULL
);

-- User actions applied locally and waiting to be replayed to the server.
CREATE TABLE pending_ops (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  kind INTEGER NOT NULL,
  -- the local message, to follow a move not replayed yet (no foreign key:
  -- the operation outlives a local delete)
  message_id INTEGER,
  folder_id INTEGER REFERENCES folders (id) ON DELETE CASCADE,
  uid INTEGER,
  target_folder_id INTEGER REFERENCES folders (id) ON DELETE CASCADE,
  flags_set INTEGER NOT NULL DEFAULT 0,
  flags_clear INTEGER NOT NULL DEFAULT 0,
  raw BLOB,
  created INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX pending_ops_by_account ON pending_ops (account_id, id);

-- Folder counts follow the rows, in the same transaction, whoever writes.
CREATE TRIGGER locations_count_insert AFTER INSERT ON message_locations
BEGIN
  UPDATE folders SET total = total + 1,
    unread = unread + ((SELECT flags FROM messages WHERE id = new.message_id) & 1 = 0)
  WHERE id = new.folder_id;
END;

CREATE TRIGGER locations_count_delete AFTER DELETE ON message_locations
BEGIN
  UPDATE folders SET total = total - 1,
    unread = unread - ((SELECT flags FROM messages WHERE id = old.message_id) & 1 = 0)
  WHERE id = old.folder_id;
END;

CREATE TRIGGER messages_count_seen AFTER UPDATE OF flags ON messages
WHEN (old.flags & 1) != (new.flags & 1)
BEGIN
  UPDATE folders SET unread = unread + (CASE WHEN new.flags & 1 THEN -1 ELSE 1 END)
  WHERE id IN (SELECT folder_id FROM message_locations WHERE message_id = new.id);
END;
