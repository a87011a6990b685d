-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- A database as Pigeon's schema 1 (sql/001-initial.sql) left it, with data:
-- the fixture of the upgrade test. Made with sqlite3's .dump.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
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
INSERT INTO accounts VALUES(1,'Work','Ada Lovelace','ada@example.org',1,'imap.example.org',993,1,'','smtp.example.org',465,1,'',1,300);
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
INSERT INTO folders VALUES(1,1,NULL,'INBOX','INBOX','/',1,1700000000,4,0,2,1);
INSERT INTO folders VALUES(2,1,NULL,'Sent','Sent','/',3,1700000001,2,0,1,0);
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
INSERT INTO messages VALUES(1,1,'one@example.org',NULL,NULL,1,'Analytical engine notes','Charles Babbage <cb@example.org>','ada@example.org','',1700000100,1200,1,0);
INSERT INTO messages VALUES(2,1,'two@example.org','one@example.org','one@example.org',1,'Re: Analytical engine notes','Ada Lovelace <ada@example.org>','cb@example.org','',1700000200,900,1,0);
INSERT INTO messages VALUES(3,1,'three@example.org',NULL,NULL,3,'Bernoulli numbers','Charles Babbage <cb@example.org>','ada@example.org','',1700000300,5000,0,0);
CREATE TABLE message_locations (
  id INTEGER PRIMARY KEY,
  folder_id INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  uid INTEGER,
  uidl TEXT,
  sort_date INTEGER NOT NULL DEFAULT 0,
  UNIQUE (folder_id, message_id)
);
INSERT INTO message_locations VALUES(1,1,1,1,NULL,1700000100);
INSERT INTO message_locations VALUES(2,2,2,1,NULL,1700000200);
INSERT INTO message_locations VALUES(3,1,3,3,NULL,1700000300);
CREATE TABLE thread_links (
  account_id INTEGER NOT NULL,
  msgid TEXT NOT NULL,
  thread_id INTEGER NOT NULL,
  PRIMARY KEY (account_id, msgid)
) WITHOUT ROWID;
INSERT INTO thread_links VALUES(1,'one@example.org',1);
INSERT INTO thread_links VALUES(1,'two@example.org',1);
INSERT INTO thread_links VALUES(1,'three@example.org',3);
CREATE TABLE bodies (
  message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  raw BLOB NOT NULL,
  fetched INTEGER NOT NULL
);
INSERT INTO bodies VALUES(3,X'46726f6d3a20436861726c65732042616262616765203c6362406578616d706c652e6f72673e0a546f3a20616461406578616d706c652e6f72670a5375626a6563743a204265726e6f756c6c69206e756d626572730a4d6573736167652d49443a203c7468726565406578616d706c652e6f72673e0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d7574662d380a0a546865207461626c6520666f7220746865207a616e7a6962617220636f6d7075746174696f6e20697320617474616368656420696e207370697269742e0a',1700000400);
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  part TEXT NOT NULL,
  filename TEXT,
  mime_type TEXT NOT NULL,
  size INTEGER NOT NULL DEFAULT 0,
  content_id TEXT
);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  raw BLOB NOT NULL,
  state INTEGER NOT NULL DEFAULT 1,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  queued INTEGER NOT NULL
);
INSERT INTO outbox VALUES(1,1,X'46726f6d3a20616461406578616d706c652e6f72670a546f3a206362406578616d706c652e6f72670a5375626a6563743a20717565756564206265666f72652074686520757067726164650a0a48656c6c6f2e0a',1,0,NULL,1700000500);
CREATE TABLE drafts (
  id INTEGER PRIMARY KEY,
  account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  raw BLOB NOT NULL,
  saved INTEGER NOT NULL
);
INSERT INTO drafts VALUES(1,1,X'5375626a6563743a20612064726166740a0a556e66696e69736865642e0a',1700000600);
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
INSERT INTO pending_ops VALUES(1,1,1,3,1,3,NULL,4,0,NULL,1700000700,0,NULL);
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('messages',3);
CREATE INDEX folders_by_parent ON folders (parent_id);
CREATE INDEX messages_by_message_id ON messages (account_id, message_id);
CREATE INDEX messages_by_thread ON messages (thread_id, date);
CREATE UNIQUE INDEX locations_by_uid ON message_locations (folder_id, uid) WHERE uid IS NOT NULL;
CREATE UNIQUE INDEX locations_by_uidl ON message_locations (folder_id, uidl) WHERE uidl IS NOT NULL;
CREATE INDEX locations_by_date ON message_locations (folder_id, sort_date, message_id);
CREATE INDEX locations_by_message ON message_locations (message_id);
CREATE INDEX thread_links_by_thread ON thread_links (thread_id);
CREATE INDEX attachments_by_message ON attachments (message_id);
CREATE INDEX pending_ops_by_account ON pending_ops (account_id, id);
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
COMMIT;
PRAGMA user_version = 1;
