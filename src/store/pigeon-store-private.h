/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <sqlite3.h>

#include "pigeon-store.h"

G_BEGIN_DECLS

/* pigeon-store-db.c: one SQLite connection and its prepared statements. A
 * connection is used by one thread only. */
typedef struct _PigeonDb PigeonDb;

PigeonDb *pigeon_db_open (const char *path, GError **error);
void pigeon_db_free (PigeonDb *db);
sqlite3 *pigeon_db_handle (PigeonDb *db);
/* A cached prepared statement, reset and with its bindings cleared. @sql
 * must be a string literal: its address is the cache's key. */
sqlite3_stmt *pigeon_db_prepare (PigeonDb *db, const char *sql, GError **error);
gboolean pigeon_db_exec (PigeonDb *db, const char *sql, GError **error);
/* Steps @stmt to SQLITE_DONE and resets it. */
gboolean pigeon_db_run (PigeonDb *db, sqlite3_stmt *stmt, GError **error);
/* Sets @error from the connection's last error. Returns FALSE. */
gboolean pigeon_db_fail (PigeonDb *db, int rc, GError **error);
/* Runs "PRAGMA quick_check": FALSE with PIGEON_STORE_ERROR_CORRUPT when damaged. */
gboolean pigeon_db_check (PigeonDb *db, GError **error);
const char *pigeon_db_text (sqlite3_stmt *stmt, int column);
void pigeon_db_bind_text (sqlite3_stmt *stmt, int index, const char *text);
void pigeon_db_bind_bytes (sqlite3_stmt *stmt, int index, GBytes *bytes);
GBytes *pigeon_db_column_bytes (sqlite3_stmt *stmt, int column);
/* A JSON array of the ids, for "IN (SELECT value FROM json_each (?))". */
char *pigeon_db_ids_json (const gint64 *ids, guint n_ids);
/* Compares two sort keys as the PIGEON collation does in SQL. */
int pigeon_db_collate (const char *a, const char *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonDb, pigeon_db_free)

/* pigeon-store-migrate.c */
int pigeon_store_schema_version (void);
gboolean pigeon_store_migrate (PigeonDb *db, GError **error);

/* pigeon-store-recover.c: sets a damaged database aside and rebuilds it.
 * Returns the notice to show, or NULL with @error. */
char *pigeon_store_recover (const char *path, const GError *damage, GError **error);

/* What one committed write changed; applied on the main context. */
typedef enum
{
  PIGEON_CHANGE_ADDED = 1,
  PIGEON_CHANGE_CHANGED,
  PIGEON_CHANGE_REMOVED,
} PigeonChangeKind;

typedef struct
{
  gint64 message_id;
  gint64 folder_id; /* the location that changed, or 0 for the message itself */
  PigeonChangeKind kind;
} PigeonMessageChange;

typedef struct
{
  GArray *messages;     /* PigeonMessageChange */
  GHashTable *folders;  /* set of folder ids whose row changed or went away */
  GHashTable *accounts; /* set of account ids, likewise */
  gint64 new_id;        /* the row a write created, for pigeon_store_write_finish() */
  /* A new account whose object becomes the live one; the job's data owns it. */
  PigeonAccount *adopt_account;
} PigeonChanges;

void pigeon_changes_init (PigeonChanges *changes);
void pigeon_changes_clear (PigeonChanges *changes);
void pigeon_changes_add_message (PigeonChanges *changes, gint64 message_id, gint64 folder_id, PigeonChangeKind kind);
void pigeon_changes_add_folder (PigeonChanges *changes, gint64 folder_id);
void pigeon_changes_add_account (PigeonChanges *changes, gint64 account_id);
/* Adds every folder @message_id lives in (their counts follow its flags). */
gboolean pigeon_changes_add_folders_of (PigeonChanges *changes, PigeonDb *db, gint64 message_id, GError **error);

/* A write: runs on the writer thread inside one transaction. */
typedef gboolean (*PigeonWriteFunc) (PigeonDb *db, gpointer data, PigeonChanges *changes, GError **error);

typedef enum
{
  PIGEON_WRITE_NORMAL = 0,
  /* Commit with synchronous=FULL: outbox, drafts, pending operations. */
  PIGEON_WRITE_DURABLE = 1 << 0,
} PigeonWriteFlags;

void pigeon_store_write_async (PigeonStore *self,
                               PigeonWriteFunc func,
                               gpointer data,
                               GDestroyNotify destroy,
                               PigeonWriteFlags flags,
                               gpointer source_tag,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);

/* The main thread's reading connection. It reads one snapshot, which
 * moves on when the main context takes in committed writes: a write is
 * seen from its callback on, together with its changes to the models. */
PigeonDb *pigeon_store_get_reader (PigeonStore *self);
/* Live objects */
PigeonMessage *pigeon_store_ensure_message (PigeonStore *self, sqlite3_stmt *summary_row);
void pigeon_store_add_list (PigeonStore *self, PigeonMessageList *list);
void pigeon_store_remove_list (PigeonStore *self, PigeonMessageList *list);

/* Columns of a message summary, in the order pigeon_message_update() reads. */
#define PIGEON_SUMMARY_COLUMNS \
  "id, account_id, message_id, thread_id, subject, sender, recipients, cc, date, size, flags, has_attachments"

/* pigeon-message.c */
PigeonMessage *pigeon_message_new_from_row (sqlite3_stmt *row);
PigeonMessage *pigeon_message_new_placeholder (gint64 id);
void pigeon_message_update (PigeonMessage *self, sqlite3_stmt *row);

/* pigeon-folder.c */
#define PIGEON_FOLDER_COLUMNS \
  "id, account_id, parent_id, path, name, delimiter, role, uidvalidity, uidnext, highestmodseq, total, unread"
PigeonFolder *pigeon_folder_new_from_row (sqlite3_stmt *row);
void pigeon_folder_update (PigeonFolder *self, sqlite3_stmt *row);
GListStore *pigeon_folder_get_children_store (PigeonFolder *self);
int pigeon_folder_compare (gconstpointer a, gconstpointer b, gpointer user_data);

/* pigeon-account.c */
#define PIGEON_ACCOUNT_COLUMNS_NO_ID                                                        \
  "display_name, real_name, address, incoming_protocol, incoming_host, incoming_port, "     \
  "incoming_security, incoming_username, outgoing_host, outgoing_port, outgoing_security, " \
  "outgoing_username, pop3_leave_on_server, sync_interval"
#define PIGEON_ACCOUNT_COLUMNS "id, " PIGEON_ACCOUNT_COLUMNS_NO_ID
PigeonAccount *pigeon_account_new_from_row (sqlite3_stmt *row);
void pigeon_account_update (PigeonAccount *self, sqlite3_stmt *row);
/* Binds the account's settings to ?1..?14 in column order (without id). */
void pigeon_account_bind (PigeonAccount *self, sqlite3_stmt *stmt);
/* A copy of the settings that the writer thread can read. */
PigeonAccount *pigeon_account_snapshot (PigeonAccount *self);
void pigeon_account_set_id (PigeonAccount *self, gint64 id);
GListStore *pigeon_account_get_folder_store (PigeonAccount *self);

/* pigeon-message-list.c */
typedef struct _PigeonListQuery PigeonListQuery;
PigeonMessageList *pigeon_message_list_new (PigeonStore *store, PigeonListQuery *query, GError **error);
/* Called with the reader still on the snapshot before @changes, then
 * pigeon_message_list_apply() with the reader on the snapshot after. */
void pigeon_message_list_prepare (PigeonMessageList *self, const PigeonChanges *changes);
void pigeon_message_list_apply (PigeonMessageList *self, const PigeonChanges *changes);

/* pigeon-list-query.c: the rows a list model shows, as SQL. */
PigeonListQuery *pigeon_list_query_new_folder (gint64 folder_id, PigeonSortKey sort, gboolean descending);
PigeonListQuery *pigeon_list_query_new_thread (gint64 thread_id);
/* NULL with PIGEON_STORE_ERROR_BAD_QUERY when @text cannot be read. */
PigeonListQuery *pigeon_list_query_new_search (gint64 account_id, const char *text, GError **error);
void pigeon_list_query_free (PigeonListQuery *query);
PigeonSortKey pigeon_list_query_get_sort (PigeonListQuery *query);
gboolean pigeon_list_query_get_descending (PigeonListQuery *query);
/* TRUE when the sort key is text (compared with pigeon_db_collate()). */
gboolean pigeon_list_query_has_text_key (PigeonListQuery *query);
/* TRUE when a change of @change may concern this query. */
gboolean pigeon_list_query_concerns (PigeonListQuery *query, const PigeonMessageChange *change);
/* TRUE when the rows come in order from an index: a list pages them
 * instead of holding them all. */
gboolean pigeon_list_query_is_indexed (PigeonListQuery *query);
/* "SELECT id, k ... ORDER BY ..." with its parameters bound. */
sqlite3_stmt *pigeon_list_query_prepare_all (PigeonListQuery *query, PigeonDb *db, GError **error);
/* Up to :limit rows from :offset, in the list's order or, when @reverse,
 * the other way; when @after, only the rows after (:key, :id) in that
 * direction. The caller binds those. */
sqlite3_stmt *
pigeon_list_query_prepare_page (PigeonListQuery *query, PigeonDb *db, gboolean reverse, gboolean after, GError **error);
/* The number of rows before (:key, :id) in the list's order; when @from,
 * only those from (:key_from, :id_from) on. The caller binds those. */
sqlite3_stmt *pigeon_list_query_prepare_count (PigeonListQuery *query, PigeonDb *db, gboolean from, GError **error);
/* One row: the number of rows. */
sqlite3_stmt *pigeon_list_query_prepare_total (PigeonListQuery *query, PigeonDb *db, GError **error);
void pigeon_list_query_bind (PigeonListQuery *query, sqlite3_stmt *stmt);
/* The (id, k) rows among @ids_json that the query matches now. */
sqlite3_stmt *
pigeon_list_query_prepare_some (PigeonListQuery *query, PigeonDb *db, const char *ids_json, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonListQuery, pigeon_list_query_free)

/* pigeon-store-messages.c: drops one location; a message left in no folder
 * goes too, with its body. */
gboolean
pigeon_store_drop_location (PigeonDb *db, gint64 folder_id, gint64 message_id, PigeonChanges *changes, GError **error);
/* Drops every location of the folder (a new UIDVALIDITY, a removal). */
gboolean pigeon_store_empty_folder (PigeonDb *db, gint64 folder_id, PigeonChanges *changes, GError **error);
/* Adds @infos to the folder as pigeon_store_add_messages_async() does, but
 * on @db in the caller's transaction (the rebuild of a damaged database). */
gboolean
pigeon_store_insert_messages (PigeonDb *db, gint64 account_id, gint64 folder_id, GPtrArray *infos, GError **error);

/* pigeon-thread.c: JWZ threading, kept up to date one message at a time. */
gboolean pigeon_thread_assign (PigeonDb *db,
                               gint64 account_id,
                               gint64 message_id,
                               const PigeonMessageInfo *info,
                               PigeonChanges *changes,
                               GError **error);

/* pigeon-store-body.c: keeps a body with its attachment rows and indexes
 * its text; or, when @text is given, hands the text back for the caller to
 * index with the message's row (pigeon_store_index_message()). */
gboolean pigeon_store_body_index (
    PigeonDb *db, gint64 message_id, GBytes *raw, char **text, PigeonChanges *changes, GError **error);
gboolean pigeon_store_index_message (
    PigeonDb *db, gint64 message_id, const PigeonMessageInfo *info, const char *body, GError **error);
/* The addresses of a batch's messages, for address completion: gathered
 * message by message, written once per address. */
typedef struct _PigeonContacts PigeonContacts;
PigeonContacts *pigeon_contacts_new (void);
void pigeon_contacts_free (PigeonContacts *contacts);
void pigeon_contacts_add (PigeonContacts *contacts, const PigeonMessageInfo *info, gboolean sent);
gboolean pigeon_contacts_write (PigeonContacts *contacts, PigeonDb *db, GError **error);
/* Indexes bodies stored before the search index existed, a batch at a
 * time, on the writer. */
void pigeon_store_index_old_bodies (PigeonStore *self);

G_END_DECLS
