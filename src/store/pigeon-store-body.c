/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include <string.h>

#include "pigeon-mime-address.h"
#include "pigeon-mime-message.h"
#include "pigeon-store-private.h"

/* Bodies: kept raw, and read once by the MIME engine for the search
 * index and the attachment list. */

/* Text beyond this is not indexed: long logs and pasted dumps would grow
 * the index more than they help a search. */
#define MAX_INDEXED_TEXT (256 * 1024)
#define OLD_BODIES_BATCH 50

typedef struct
{
  GString *text;
  GString *html;          /* used only when the message has no plain text */
  GPtrArray *attachments; /* PigeonAttachment */
} Walk;

static void walk_body (Walk *walk, PigeonMimePart *root, const char *prefix);

/* Tags out, a few entities decoded: enough for an index, not for display. */
static void
append_html_text (GString *out, const char *html)
{
  gboolean in_tag = FALSE;

  for (const char *p = html; *p && out->len < MAX_INDEXED_TEXT; p++)
    {
      if (*p == '<' || in_tag)
        {
          in_tag = *p != '>';
          if (!in_tag)
            g_string_append_c (out, ' ');
          continue;
        }
      if (g_str_has_prefix (p, "&amp;"))
        {
          g_string_append_c (out, '&');
          p += 4;
        }
      else if (g_str_has_prefix (p, "&nbsp;"))
        {
          g_string_append_c (out, ' ');
          p += 5;
        }
      else
        g_string_append_c (out, *p);
    }
}

static void
add_attachment (Walk *walk, PigeonMimePart *part, const char *number)
{
  PigeonAttachment *attachment = g_new0 (PigeonAttachment, 1);
  g_autoptr (GBytes) decoded = pigeon_mime_part_decode (part);

  attachment->part = g_strdup (number);
  attachment->filename = g_strdup (pigeon_mime_part_get_filename (part));
  attachment->mime_type = g_strdup (pigeon_mime_part_get_mime_type (part));
  attachment->size = decoded ? g_bytes_get_size (decoded) : 0;
  attachment->content_id = pigeon_mime_part_dup_content_id (part);
  g_ptr_array_add (walk->attachments, attachment);
}

static void
add_text (Walk *walk, PigeonMimePart *part)
{
  g_autofree char *text = pigeon_mime_part_get_text (part, NULL);
  GString *out = pigeon_mime_part_is_type (part, "text", "html") ? walk->html : walk->text;

  if (text == NULL || out->len >= MAX_INDEXED_TEXT)
    return;
  if (out->len > 0)
    g_string_append_c (out, '\n');
  if (out == walk->html)
    append_html_text (out, text);
  else
    g_string_append_len (out, text, MIN (strlen (text), MAX_INDEXED_TEXT - out->len));
}

/* One entity, numbered as IMAP numbers parts (RFC 3501 6.4.5). */
static void
walk_entity (Walk *walk, PigeonMimePart *part, const char *number)
{
  guint n = pigeon_mime_part_get_n_children (part);
  PigeonMimeMessage *embedded;

  if (n > 0)
    {
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *child = g_strdup_printf ("%s.%u", number, i + 1);

          walk_entity (walk, pigeon_mime_part_get_child (part, i), child);
        }
      return;
    }
  if (pigeon_mime_part_is_attachment (part))
    add_attachment (walk, part, number);
  else if ((embedded = pigeon_mime_part_get_message (part)) != NULL)
    walk_body (walk, pigeon_mime_message_get_root (embedded), number);
  else if (pigeon_mime_part_is_type (part, "text", "plain") || pigeon_mime_part_is_type (part, "text", "html"))
    add_text (walk, part);
}

/* The parts of a message body: a multipart's children are PREFIX.1,
 * PREFIX.2, ...; a single part is PREFIX.1 (or "1" at the top). */
static void
walk_body (Walk *walk, PigeonMimePart *root, const char *prefix)
{
  guint n = pigeon_mime_part_get_n_children (root);
  g_autofree char *single = *prefix ? g_strconcat (prefix, ".1", NULL) : g_strdup ("1");

  if (n == 0)
    {
      walk_entity (walk, root, single);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *number = *prefix ? g_strdup_printf ("%s.%u", prefix, i + 1) : g_strdup_printf ("%u", i + 1);

      walk_entity (walk, pigeon_mime_part_get_child (root, i), number);
    }
}

static gboolean
store_attachments (PigeonDb *db, gint64 message_id, GPtrArray *attachments, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db, "DELETE FROM attachments WHERE message_id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  for (guint i = 0; i < attachments->len; i++)
    {
      PigeonAttachment *attachment = attachments->pdata[i];

      stmt = pigeon_db_prepare (db,
                                "INSERT INTO attachments (message_id, part, filename, mime_type, size, content_id) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, message_id);
      pigeon_db_bind_text (stmt, 2, attachment->part);
      pigeon_db_bind_text (stmt, 3, attachment->filename);
      pigeon_db_bind_text (stmt, 4, attachment->mime_type);
      sqlite3_bind_int64 (stmt, 5, (gint64) attachment->size);
      pigeon_db_bind_text (stmt, 6, attachment->content_id);
      if (!pigeon_db_run (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
store_index (
    PigeonDb *db, gint64 message_id, const char *text, gboolean has_attachments, PigeonChanges *changes, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db, "UPDATE messages_fts SET body = ?2 WHERE rowid = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  pigeon_db_bind_text (stmt, 2, text);
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  stmt =
      pigeon_db_prepare (db, "UPDATE messages SET has_attachments = ?2 WHERE id = ?1 AND has_attachments != ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int (stmt, 2, has_attachments);
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (pigeon_db_handle (db)) > 0)
    pigeon_changes_add_message (changes, message_id, 0, PIGEON_CHANGE_CHANGED);
  return TRUE;
}

static gboolean
store_body (PigeonDb *db, gint64 message_id, GBytes *raw, GError **error)
{
  sqlite3_stmt *stmt =
      pigeon_db_prepare (db,
                         "INSERT INTO bodies (message_id, raw, fetched, indexed) VALUES (?1, ?2, ?3, 1) "
                         "ON CONFLICT DO UPDATE SET raw = ?2, fetched = ?3, indexed = 1",
                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  pigeon_db_bind_bytes (stmt, 2, raw);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  return pigeon_db_run (db, stmt, error);
}

gboolean
pigeon_store_body_index (
    PigeonDb *db, gint64 message_id, GBytes *raw, char **text, PigeonChanges *changes, GError **error)
{
  g_autoptr (PigeonMimeMessage) message = pigeon_mime_message_new_from_bytes (raw, NULL);
  g_autoptr (GString) plain = g_string_new (NULL);
  g_autoptr (GString) html = g_string_new (NULL);
  g_autoptr (GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_attachment_free);
  Walk walk = { plain, html, attachments };
  const char *body;

  walk_body (&walk, pigeon_mime_message_get_root (message), "");
  body = plain->len ? plain->str : html->str;
  if (!store_body (db, message_id, raw, error) || !store_attachments (db, message_id, attachments, error))
    return FALSE;
  if (text != NULL)
    {
      *text = g_strdup (body);
      return TRUE;
    }
  return store_index (db, message_id, body, attachments->len > 0, changes, error);
}

gboolean
pigeon_store_index_message (
    PigeonDb *db, gint64 message_id, const PigeonMessageInfo *info, const char *body, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "INSERT INTO messages_fts (rowid, subject, sender, recipients, body) "
                                          "VALUES (?1, ?2, ?3, ?4 || ' ' || ?5, ?6)",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  pigeon_db_bind_text (stmt, 2, info->subject ? info->subject : "");
  pigeon_db_bind_text (stmt, 3, info->from ? info->from : "");
  pigeon_db_bind_text (stmt, 4, info->to ? info->to : "");
  pigeon_db_bind_text (stmt, 5, info->cc ? info->cc : "");
  pigeon_db_bind_text (stmt, 6, body ? body : "");
  return pigeon_db_run (db, stmt, error);
}

typedef struct
{
  gint64 message_id;
  GBytes *raw;
} SetRaw;

static void
set_raw_free (SetRaw *data)
{
  g_bytes_unref (data->raw);
  g_free (data);
}

static gboolean
set_raw (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  SetRaw *data = user_data;
  sqlite3_stmt *stmt = pigeon_db_prepare (db, "SELECT 1 FROM messages WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->message_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_NOT_FOUND, "No message %" G_GINT64_FORMAT,
                   data->message_id);
      return FALSE;
    }
  return pigeon_store_body_index (db, data->message_id, data->raw, NULL, changes, error);
}

void
pigeon_store_set_raw_async (PigeonStore *self,
                            gint64 message_id,
                            GBytes *raw,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  SetRaw *data;

  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (raw != NULL);

  data = g_new0 (SetRaw, 1);
  data->message_id = message_id;
  data->raw = g_bytes_ref (raw);
  pigeon_store_write_async (self, set_raw, data, (GDestroyNotify) set_raw_free, PIGEON_WRITE_NORMAL,
                            pigeon_store_set_raw_async, cancellable, callback, user_data);
}

typedef struct
{
  GArray *message_ids; /* gint64 */
  GPtrArray *raws;     /* GBytes */
} SetRawBatch;

static void
set_raw_batch_free (SetRawBatch *data)
{
  g_array_unref (data->message_ids);
  g_ptr_array_unref (data->raws);
  g_free (data);
}

/* One transaction for the whole batch: the commit (and its fsync of the
 * WAL) is paid once, not once per body. */
static gboolean
set_raw_batch (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  SetRawBatch *data = user_data;
  sqlite3_stmt *stmt = pigeon_db_prepare (db, "SELECT 1 FROM messages WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < data->message_ids->len; i++)
    {
      gint64 message_id = g_array_index (data->message_ids, gint64, i);
      int rc;

      sqlite3_bind_int64 (stmt, 1, message_id);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        continue;
      if (rc != SQLITE_ROW)
        {
          pigeon_db_fail (db, rc, error);
          return FALSE;
        }
      if (!pigeon_store_body_index (db, message_id, g_ptr_array_index (data->raws, i), NULL, changes, error))
        return FALSE;
    }
  return TRUE;
}

void
pigeon_store_set_raw_batch_async (PigeonStore *self,
                                  GArray *message_ids,
                                  GPtrArray *raws,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  SetRawBatch *data;

  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (message_ids != NULL && raws != NULL);
  g_return_if_fail (message_ids->len == raws->len);

  data = g_new0 (SetRawBatch, 1);
  data->message_ids = g_array_ref (message_ids);
  data->raws = g_ptr_array_ref (raws);
  pigeon_store_write_async (self, set_raw_batch, data, (GDestroyNotify) set_raw_batch_free, PIGEON_WRITE_NORMAL,
                            pigeon_store_set_raw_batch_async, cancellable, callback, user_data);
}

GBytes *
pigeon_store_load_raw (PigeonStore *self, gint64 message_id, GError **error)
{
  PigeonDb *db;
  sqlite3_stmt *stmt;
  GBytes *raw = NULL;
  int rc;

  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);

  db = pigeon_store_get_reader (self);
  stmt = pigeon_db_prepare (db, "SELECT raw FROM bodies WHERE message_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    raw = pigeon_db_column_bytes (stmt, 0);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_NOT_FOUND, "The body was never fetched");
  else if (rc != SQLITE_ROW)
    pigeon_db_fail (db, rc, error);
  return raw;
}

static PigeonAttachment *
attachment_from_row (sqlite3_stmt *row)
{
  PigeonAttachment *attachment = g_new0 (PigeonAttachment, 1);

  attachment->part = g_strdup (pigeon_db_text (row, 0));
  attachment->filename = g_strdup ((const char *) sqlite3_column_text (row, 1));
  attachment->mime_type = g_strdup (pigeon_db_text (row, 2));
  attachment->size = sqlite3_column_int64 (row, 3);
  attachment->content_id = g_strdup ((const char *) sqlite3_column_text (row, 4));
  return attachment;
}

GPtrArray *
pigeon_store_get_attachments (PigeonStore *self, gint64 message_id, GError **error)
{
  g_autoptr (GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_attachment_free);
  PigeonDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);

  db = pigeon_store_get_reader (self);
  stmt = pigeon_db_prepare (db,
                            "SELECT part, filename, mime_type, size, content_id FROM attachments "
                            "WHERE message_id = ?1 ORDER BY id",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (attachments, attachment_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      pigeon_db_fail (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&attachments);
}

/* Contacts: the senders of received mail, the recipients of sent mail. A
 * sync batch gathers them first, so that an address seen in many messages
 * of the batch costs one write. */

typedef struct
{
  char *address;
  char *name; /* the last one seen, or NULL */
  guint received;
  guint sent;
  gint64 last_seen;
} Contact;

static void
contact_free (Contact *contact)
{
  g_free (contact->address);
  g_free (contact->name);
  g_free (contact);
}

struct _PigeonContacts
{
  GHashTable *by_address; /* case-folded address -> Contact */
  GPtrArray *order;       /* Contact, first seen first */
};

PigeonContacts *
pigeon_contacts_new (void)
{
  PigeonContacts *contacts = g_new0 (PigeonContacts, 1);

  contacts->by_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  contacts->order = g_ptr_array_new_with_free_func ((GDestroyNotify) contact_free);
  return contacts;
}

void
pigeon_contacts_free (PigeonContacts *contacts)
{
  g_hash_table_unref (contacts->by_address);
  g_ptr_array_unref (contacts->order);
  g_free (contacts);
}

static void
gather_list (PigeonContacts *contacts, const char *list, gboolean sent, gint64 date)
{
  g_autoptr (GPtrArray) addresses = NULL;

  if (list == NULL || *list == '\0')
    return;
  addresses = pigeon_mime_address_list_parse (list, -1);
  for (guint i = 0; i < addresses->len; i++)
    {
      PigeonMimeAddress *address = addresses->pdata[i];
      g_autofree char *key = NULL;
      Contact *contact;

      if (address->address == NULL || strchr (address->address, '@') == NULL)
        continue;
      /* The table's NOCASE: ASCII case only. */
      key = g_ascii_strdown (address->address, -1);
      contact = g_hash_table_lookup (contacts->by_address, key);
      if (contact == NULL)
        {
          contact = g_new0 (Contact, 1);
          contact->address = g_strdup (address->address);
          contact->last_seen = date;
          g_hash_table_insert (contacts->by_address, g_steal_pointer (&key), contact);
          g_ptr_array_add (contacts->order, contact);
        }
      if (address->name != NULL && *address->name != '\0')
        {
          g_free (contact->name);
          contact->name = g_strdup (address->name);
        }
      contact->received += !sent;
      contact->sent += sent != FALSE;
      contact->last_seen = MAX (contact->last_seen, date);
    }
}

void
pigeon_contacts_add (PigeonContacts *contacts, const PigeonMessageInfo *info, gboolean sent)
{
  if (!sent)
    {
      gather_list (contacts, info->from, FALSE, info->date);
      return;
    }
  gather_list (contacts, info->to, TRUE, info->date);
  gather_list (contacts, info->cc, TRUE, info->date);
}

gboolean
pigeon_contacts_write (PigeonContacts *contacts, PigeonDb *db, GError **error)
{
  for (guint i = 0; i < contacts->order->len; i++)
    {
      Contact *contact = contacts->order->pdata[i];
      sqlite3_stmt *stmt =
          pigeon_db_prepare (db,
                             "INSERT INTO contacts (address, name, received_count, sent_count, last_seen) "
                             "VALUES (?1, ifnull (?2, ''), ?3, ?4, ?5) ON CONFLICT DO UPDATE SET "
                             "name = CASE WHEN excluded.name != '' THEN excluded.name ELSE name END, "
                             "received_count = received_count + ?3, sent_count = sent_count + ?4, "
                             "last_seen = max (last_seen, ?5)",
                             error);

      if (stmt == NULL)
        return FALSE;
      pigeon_db_bind_text (stmt, 1, contact->address);
      pigeon_db_bind_text (stmt, 2, contact->name);
      sqlite3_bind_int (stmt, 3, contact->received);
      sqlite3_bind_int (stmt, 4, contact->sent);
      sqlite3_bind_int64 (stmt, 5, contact->last_seen);
      if (!pigeon_db_run (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Bodies kept before the index existed (schema 1): a batch per write, so
 * that the sync's writes interleave. */
static gboolean
index_old_bodies (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db, "SELECT message_id, raw FROM bodies WHERE indexed = 0 LIMIT ?1", error);
  g_autoptr (GPtrArray) raws = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, OLD_BODIES_BATCH);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
      g_ptr_array_add (raws, pigeon_db_column_bytes (stmt, 1));
    }
  sqlite3_reset (stmt);
  for (guint i = 0; i < ids->len; i++)
    if (!pigeon_store_body_index (db, g_array_index (ids, gint64, i), raws->pdata[i], NULL, changes, error))
      return FALSE;
  /* new_id carries "more to do" back to the callback. */
  changes->new_id = ids->len == OLD_BODIES_BATCH;
  return TRUE;
}

static void
index_old_bodies_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  gint64 more = 0;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, &more, &error))
    {
      if (!g_error_matches (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_CLOSED))
        g_warning ("Indexing stored bodies: %s", error->message);
      return;
    }
  if (more)
    pigeon_store_index_old_bodies (PIGEON_STORE (source));
}

void
pigeon_store_index_old_bodies (PigeonStore *self)
{
  sqlite3_stmt *stmt =
      pigeon_db_prepare (pigeon_store_get_reader (self), "SELECT 1 FROM bodies WHERE indexed = 0 LIMIT 1", NULL);
  gboolean any;

  if (stmt == NULL)
    return;
  any = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (any)
    pigeon_store_write_async (self, index_old_bodies, NULL, NULL, PIGEON_WRITE_NORMAL, pigeon_store_index_old_bodies,
                              NULL, index_old_bodies_done, NULL);
}
