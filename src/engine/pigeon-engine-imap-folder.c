/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-engine-imap-private.h"

#include <string.h>

/* One folder's sync (RFC 3501, RFC 7162), in this order:
 *   1. EXAMINE, with QRESYNC and what the store knows when it can: the
 *      changed flags and the VANISHED (EARLIER) UIDs come with it;
 *   2. otherwise the changes since the last HIGHESTMODSEQ (CONDSTORE), or
 *      every UID's flags compared with the store (neither);
 *   3. the new UIDs (UID SEARCH UID next:*), their summaries fetched and
 *      stored PIGEON_ENGINE_IMAP_BATCH at a time, newest first;
 *   4. bodies for offline reading;
 *   5. UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ recorded. Recorded last, a
 *      killed sync starts from the old state again, and what it stored
 *      already is skipped (the store's UIDs). */

/* Bytes of the known-UIDs set sent with QRESYNC: servers cap a command
 * line (Dovecot at 64 KiB). */
#define MAX_KNOWN_UIDS 16384
/* UIDs a VANISHED set may name beyond the known ones. */
#define VANISHED_SLACK 10000

typedef struct
{
  PigeonAccount *account;
  PigeonImapSession *session;
  PigeonFolder *folder;
  gboolean all_bodies;
  PigeonEngineImapProgress *progress;
  GArray *known;         /* the store's UIDs, ascending */
  GHashTable *pending;   /* UIDs with a local change not replayed yet */
  GArray *updates;       /* PigeonFlagUpdate */
  GHashTable *on_server; /* UIDs the server listed (the comparison path) */
  GArray *vanished;      /* guint32 */
  GArray *fresh;         /* new UIDs, ascending; fetched from the end */
  GPtrArray *batch;      /* PigeonMessageInfo of the batch in flight */
  GArray *bodies;        /* UIDs without a body, newest first */
  GArray *body_sizes;    /* their sizes (guint64) */
  guint next_body;       /* the first of bodies not asked for yet */
  guint writes;          /* store writes in flight */
  GError *write_error;   /* the first failure while writes were in flight */
  gboolean fetching;     /* a summary or body batch is being fetched */
  gboolean summaries_done;
  guint32 uidvalidity;
  guint32 uidnext;
  guint64 highestmodseq;
  guint32 exists;
} FolderSync;

static void
folder_sync_free (FolderSync *data)
{
  g_object_unref (data->account);
  g_object_unref (data->session);
  g_object_unref (data->folder);
  g_clear_pointer (&data->known, g_array_unref);
  g_clear_pointer (&data->pending, g_hash_table_unref);
  g_clear_pointer (&data->updates, g_array_unref);
  g_clear_pointer (&data->on_server, g_hash_table_unref);
  g_clear_pointer (&data->vanished, g_array_unref);
  g_clear_pointer (&data->fresh, g_array_unref);
  g_clear_pointer (&data->batch, g_ptr_array_unref);
  g_clear_pointer (&data->bodies, g_array_unref);
  g_clear_pointer (&data->body_sizes, g_array_unref);
  g_clear_error (&data->write_error);
  g_free (data);
}

static PigeonStore *
store_of (GTask *task)
{
  return pigeon_engine_get_store (g_task_get_source_object (task));
}

static void
fail (GTask *task, const GError *error)
{
  PigeonEngine *self = g_task_get_source_object (task);
  FolderSync *data = g_task_get_task_data (task);

  g_task_return_error (task, pigeon_engine_explain (self, data->account, PIGEON_ENGINE_INCOMING,
                                                    pigeon_imap_session_get_connection (data->session), error));
}

static gboolean
known_contains (GArray *known, guint32 uid)
{
  guint lo = 0, hi = known->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      guint32 value = g_array_index (known, guint32, mid);

      if (value == uid)
        return TRUE;
      if (value < uid)
        lo = mid + 1;
      else
        hi = mid;
    }
  return FALSE;
}

/* Summaries */

static PigeonMessageFlags
flags_from_fetch (PigeonImapFetch *fetch)
{
  static const struct
  {
    const char *name;
    PigeonMessageFlags flag;
  } names[] = {
    { "\\Seen", PIGEON_MESSAGE_SEEN },       { "\\Answered", PIGEON_MESSAGE_ANSWERED },
    { "\\Flagged", PIGEON_MESSAGE_FLAGGED }, { "\\Deleted", PIGEON_MESSAGE_DELETED },
    { "\\Draft", PIGEON_MESSAGE_DRAFT },     { "$Forwarded", PIGEON_MESSAGE_FORWARDED },
    { "$Junk", PIGEON_MESSAGE_JUNK },
  };
  PigeonMessageFlags flags = PIGEON_MESSAGE_FLAGS_NONE;

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (pigeon_imap_fetch_has_flag (fetch, names[i].name))
      flags |= names[i].flag;
  return flags;
}

/* "<a@b>" -> "a@b": the store keeps msg-ids without angle brackets. */
static char *
strip_msg_id (const char *value)
{
  const char *open, *close;

  if (value == NULL)
    return NULL;
  open = strchr (value, '<');
  close = open != NULL ? strchr (open, '>') : NULL;
  if (close == NULL)
    return *value != '\0' ? g_strstrip (g_strdup (value)) : NULL;
  return close > open + 1 ? g_strndup (open + 1, close - open - 1) : NULL;
}

/* A part a person would call an attachment: named, or with an
 * "attachment" disposition (RFC 2183), and not a multipart container. */
static gboolean
has_attachments (PigeonImapBody *body)
{
  if (body == NULL)
    return FALSE;
  if (body->children != NULL && g_strcmp0 (body->type, "message") != 0)
    {
      for (guint i = 0; i < body->children->len; i++)
        if (has_attachments (g_ptr_array_index (body->children, i)))
          return TRUE;
      return FALSE;
    }
  return g_strcmp0 (body->disposition, "attachment") == 0 || body->filename != NULL;
}

static char *
format_addresses (GPtrArray *addresses)
{
  return addresses != NULL && addresses->len > 0 ? pigeon_mime_address_list_format (addresses) : NULL;
}

#define REFERENCES_SECTION "HEADER.FIELDS (REFERENCES IN-REPLY-TO)"

const char *const pigeon_engine_imap_summary_sections[] = { REFERENCES_SECTION, NULL };

static GStrv
references_from_fetch (PigeonImapFetch *fetch)
{
  GBytes *fields = pigeon_imap_fetch_get_section (fetch, REFERENCES_SECTION);
  g_autofree char *value = NULL;
  gsize len;
  const char *block;

  if (fields == NULL)
    return NULL;
  block = g_bytes_get_data (fields, &len);
  value = pigeon_mime_header_block_dup_field (block, len, "References");
  return value != NULL ? pigeon_mime_header_parse_msg_ids (value) : NULL;
}

PigeonMessageInfo *
pigeon_engine_imap_info_from_fetch (PigeonImapFetch *fetch)
{
  PigeonMessageInfo *info = pigeon_message_info_new ();
  PigeonImapEnvelope *envelope = fetch->envelope;

  info->uid = fetch->uid;
  info->flags = flags_from_fetch (fetch);
  info->size = fetch->size;
  info->has_attachments = has_attachments (fetch->body_structure);
  info->date = fetch->internal_time;
  if (envelope == NULL)
    return info;
  /* The Date field says when it was written; INTERNALDATE (when it
   * arrived) stands in when the field is missing or unreadable. */
  if (envelope->unix_time != 0)
    info->date = envelope->unix_time;
  info->subject = g_strdup (envelope->subject);
  info->message_id = strip_msg_id (envelope->message_id);
  info->in_reply_to = strip_msg_id (envelope->in_reply_to);
  info->references = references_from_fetch (fetch);
  info->from = format_addresses (envelope->from);
  info->to = format_addresses (envelope->to);
  info->cc = format_addresses (envelope->cc);
  return info;
}

/* 5. The state, recorded last */

static void
state_recorded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    fail (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
record_state (GTask *task)
{
  FolderSync *data = g_task_get_task_data (task);

  pigeon_store_set_folder_state_async (store_of (task), data->folder, data->uidvalidity, data->uidnext,
                                       data->highestmodseq, g_task_get_cancellable (task), state_recorded_cb, task);
}

/* 4. Bodies: the UIDs still without one are listed once, newest first,
 * and walked in batches capped by their size. Pipelined like the
 * summaries: the next batch is fetched while the store writes the one
 * before (one transaction a batch), at most two waiting for the store,
 * which bounds memory to about three batches. */

typedef struct
{
  GTask *task;
  GArray *ids;     /* gint64 message ids */
  GPtrArray *raws; /* GBytes, same order */
} BodyBatch;

static BodyBatch *
body_batch_new (GTask *task)
{
  BodyBatch *batch = g_new0 (BodyBatch, 1);

  batch->task = g_object_ref (task);
  batch->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  batch->raws = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  return batch;
}

static void
body_batch_free (BodyBatch *batch)
{
  g_object_unref (batch->task);
  g_array_unref (batch->ids);
  g_ptr_array_unref (batch->raws);
  g_free (batch);
}

static void pump_bodies (GTask *task);

static void
bodies_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BodyBatch *batch = user_data;
  g_autoptr (GTask) task = g_object_ref (batch->task);
  FolderSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  body_batch_free (batch);
  data->writes--;
  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error) && data->write_error == NULL)
    data->write_error = g_steal_pointer (&error);
  pump_bodies (task);
}

static void
body_fetched (PigeonImapFetch *fetch, gpointer user_data)
{
  BodyBatch *batch = user_data;
  FolderSync *data = g_task_get_task_data (batch->task);
  GBytes *raw = pigeon_imap_fetch_get_section (fetch, "");
  gint64 id;

  if (raw == NULL || !(fetch->present & PIGEON_IMAP_FETCH_UID))
    return;
  id = pigeon_store_lookup_uid (store_of (batch->task), data->folder, fetch->uid);
  if (id == 0)
    return;
  g_array_append_val (batch->ids, id);
  g_ptr_array_add (batch->raws, g_bytes_ref (raw));
}

static void
bodies_fetched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BodyBatch *batch = user_data;
  g_autoptr (GTask) task = g_object_ref (batch->task);
  FolderSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->fetching = FALSE;
  pigeon_imap_session_fetch_finish (PIGEON_IMAP_SESSION (source), result, &error);
  /* What arrived before a failure is stored all the same. */
  if (error != NULL && data->write_error == NULL)
    data->write_error = g_steal_pointer (&error);
  if (batch->ids->len == 0)
    {
      body_batch_free (batch);
      pump_bodies (task);
      return;
    }
  data->writes++;
  pigeon_store_set_raw_batch_async (store_of (task), batch->ids, batch->raws, g_task_get_cancellable (task),
                                    bodies_stored_cb, batch);
  pump_bodies (task);
}

/* The next batch: up to PIGEON_ENGINE_IMAP_BODY_BATCH_BYTES of bodies
 * (always at least one), at most PIGEON_ENGINE_IMAP_BODY_BATCH UIDs. */
static void
fetch_next_bodies (GTask *task)
{
  FolderSync *data = g_task_get_task_data (task);
  guint start = data->next_body, end = start;
  guint64 bytes = 0;
  g_autofree char *set = NULL;
  BodyBatch *batch;

  while (end < data->bodies->len && end - start < PIGEON_ENGINE_IMAP_BODY_BATCH)
    {
      guint64 size = g_array_index (data->body_sizes, guint64, end);

      if (end > start && bytes + size > PIGEON_ENGINE_IMAP_BODY_BATCH_BYTES)
        break;
      bytes += size;
      end++;
    }
  data->next_body = end;
  set = pigeon_imap_uid_set_format ((guint32 *) data->bodies->data + start, end - start);
  batch = body_batch_new (task);
  data->fetching = TRUE;
  pigeon_imap_session_fetch_async (data->session, set, PIGEON_IMAP_FETCH_UID | PIGEON_IMAP_FETCH_BODY, NULL, 0,
                                   body_fetched, batch, g_task_get_cancellable (task), bodies_fetched_cb, batch);
}

/* Called after each fetch and each write, like pump_summaries(). A body
 * the server did not send (expunged meanwhile) is asked for once per sync,
 * never in a loop: each UID of the list is asked for once. */
static void
pump_bodies (GTask *task)
{
  FolderSync *data = g_task_get_task_data (task);

  if (data->fetching)
    return;
  if (data->write_error == NULL && data->next_body < data->bodies->len)
    {
      if (data->writes < 2)
        fetch_next_bodies (task);
      return;
    }
  if (data->writes > 0)
    return;
  if (data->write_error != NULL)
    fail (task, data->write_error);
  else
    record_state (g_object_ref (task));
}

static void
fetch_bodies (GTask *task)
{
  PigeonEngine *self = g_task_get_source_object (task);
  FolderSync *data = g_task_get_task_data (task);
  guint days = pigeon_engine_get_offline_days (self, data->account);
  gint64 since = data->all_bodies ? 0 : g_get_real_time () / G_USEC_PER_SEC - (gint64) days * 24 * 3600;
  g_autoptr (GError) error = NULL;

  if (!data->all_bodies && days == 0)
    {
      record_state (task);
      return;
    }
  data->bodies = pigeon_store_get_uids_without_body (store_of (task), data->folder, since, PIGEON_ENGINE_IMAP_MAX_BODY,
                                                     &data->body_sizes, &error);
  if (data->bodies == NULL)
    {
      fail (task, error);
      g_object_unref (task);
      return;
    }
  data->next_body = 0;
  /* Each batch in flight holds the task. */
  pump_bodies (task);
  g_object_unref (task);
}

/* 3. New summaries: pipelined, the next batch is fetched while the store
 * writes the one before; at most two batches wait for the store, which
 * bounds memory. The store's writer commits them in order, so what a
 * killed sync leaves is always the newest UIDs. */

typedef struct
{
  GTask *task;
  guint n;
} BatchWrite;

static void pump_summaries (GTask *task);

static void
batch_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BatchWrite *write = user_data;
  g_autoptr (GTask) task = write->task;
  PigeonEngine *self = g_task_get_source_object (task);
  FolderSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  guint n = write->n;

  g_free (write);
  data->writes--;
  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      if (data->write_error == NULL)
        data->write_error = g_steal_pointer (&error);
    }
  else
    {
      data->progress->done += n;
      pigeon_engine_emit_progress (self, data->account, data->progress->done, data->progress->total);
    }
  pump_summaries (task);
}

static void
summary_fetched (PigeonImapFetch *fetch, gpointer user_data)
{
  FolderSync *data = user_data;

  /* An unsolicited FETCH (a flag change) may come in between. */
  if ((fetch->present & PIGEON_IMAP_FETCH_UID) && (fetch->present & PIGEON_IMAP_FETCH_ENVELOPE))
    g_ptr_array_add (data->batch, pigeon_engine_imap_info_from_fetch (fetch));
}

static void
summaries_fetched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FolderSync *data = g_task_get_task_data (task);
  g_autoptr (GPtrArray) batch = g_steal_pointer (&data->batch);
  g_autoptr (GError) error = NULL;
  BatchWrite *write;

  data->fetching = FALSE;
  pigeon_imap_session_fetch_finish (PIGEON_IMAP_SESSION (source), result, &error);
  if (error != NULL)
    {
      if (data->write_error == NULL)
        data->write_error = g_steal_pointer (&error);
      pump_summaries (task);
      return;
    }
  /* The server sends a batch oldest first; stored newest first, as the
   * batches are, a reply links its parent's msg-id before the parent comes,
   * and the parent joins that thread: no thread is started at the old end
   * of a batch and merged into the newer one at its new end. */
  for (guint i = 0, j = batch->len; i + 1 < j; i++, j--)
    {
      gpointer info = batch->pdata[i];

      batch->pdata[i] = batch->pdata[j - 1];
      batch->pdata[j - 1] = info;
    }
  write = g_new0 (BatchWrite, 1);
  write->task = g_object_ref (task);
  write->n = batch->len;
  data->writes++;
  pigeon_store_add_messages_async (store_of (task), data->folder, batch, g_task_get_cancellable (task), batch_stored_cb,
                                   write);
  pump_summaries (task);
}

static void
fetch_next_batch (GTask *task)
{
  FolderSync *data = g_task_get_task_data (task);
  guint n = MIN (data->fresh->len, PIGEON_ENGINE_IMAP_BATCH);
  guint start = data->fresh->len - n;
  g_autofree char *set = pigeon_imap_uid_set_format ((guint32 *) data->fresh->data + start, n);

  g_array_set_size (data->fresh, start);
  data->batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  data->fetching = TRUE;
  pigeon_imap_session_fetch_async (data->session, set, PIGEON_IMAP_FETCH_SUMMARY, pigeon_engine_imap_summary_sections,
                                   0, summary_fetched, data, g_task_get_cancellable (task), summaries_fetched_cb,
                                   g_object_ref (task));
}

/* Called after each fetch and each write: starts what can start, and
 * moves on (or fails) once nothing is in flight. */
static void
pump_summaries (GTask *task)
{
  FolderSync *data = g_task_get_task_data (task);

  if (data->summaries_done || data->fetching)
    return;
  if (data->write_error == NULL && data->fresh->len > 0)
    {
      if (data->writes < 2)
        fetch_next_batch (task);
      return;
    }
  if (data->writes > 0)
    return;
  data->summaries_done = TRUE;
  if (data->write_error != NULL)
    fail (task, data->write_error);
  else
    fetch_bodies (g_object_ref (task));
}

static void
new_uids_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = g_task_get_source_object (task);
  FolderSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) found = pigeon_imap_session_search_finish (PIGEON_IMAP_SESSION (source), result, &error);

  if (found == NULL)
    {
      fail (task, error);
      return;
    }
  /* "UID n:*" always matches the last message (RFC 3501 6.4.8), and a
   * killed sync stored some already: only what the store lacks. */
  data->fresh = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < found->len; i++)
    if (!known_contains (data->known, g_array_index (found, guint32, i)))
      g_array_append_val (data->fresh, g_array_index (found, guint32, i));
  data->progress->total += data->fresh->len;
  pigeon_engine_emit_progress (self, data->account, data->progress->done, data->progress->total);
  pump_summaries (task);
}

static void
search_new (GTask *task)
{
  FolderSync *data = g_task_get_task_data (task);
  guint32 next = pigeon_folder_get_uidvalidity (data->folder) == data->uidvalidity
                     ? MAX (pigeon_folder_get_uidnext (data->folder), 1)
                     : 1;
  g_autofree char *criteria = g_strdup_printf ("UID %u:*", next);

  if (data->exists == 0)
    {
      data->fresh = g_array_new (FALSE, FALSE, sizeof (guint32));
      pump_summaries (task);
      g_object_unref (task);
      return;
    }
  pigeon_imap_session_search_async (data->session, criteria, NULL, g_task_get_cancellable (task), new_uids_cb, task);
}

/* 2. Flag changes and expunges */

static void
removed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      fail (task, error);
      return;
    }
  search_new (g_steal_pointer (&task));
}

static void
remove_vanished (GTask *task)
{
  FolderSync *data = g_task_get_task_data (task);

  if (data->vanished == NULL || data->vanished->len == 0)
    {
      search_new (task);
      return;
    }
  pigeon_store_remove_uids_async (store_of (task), data->folder, (guint32 *) data->vanished->data, data->vanished->len,
                                  g_task_get_cancellable (task), removed_cb, task);
}

static void
flags_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      fail (task, error);
      return;
    }
  remove_vanished (g_steal_pointer (&task));
}

static void
apply_changes (GTask *task)
{
  FolderSync *data = g_task_get_task_data (task);

  if (data->updates->len == 0)
    {
      remove_vanished (task);
      return;
    }
  pigeon_store_update_flags_async (store_of (task), data->folder, (PigeonFlagUpdate *) data->updates->data,
                                   data->updates->len, g_task_get_cancellable (task), flags_stored_cb, task);
}

/* A FETCH with FLAGS of a known message: its flags as the server has
 * them, unless a local change waits to be replayed (it would be undone). */
static void
flags_fetched (PigeonImapFetch *fetch, gpointer user_data)
{
  FolderSync *data = user_data;
  PigeonFlagUpdate update;

  if (!(fetch->present & PIGEON_IMAP_FETCH_UID) || !(fetch->present & PIGEON_IMAP_FETCH_FLAGS))
    return;
  if (data->on_server != NULL)
    g_hash_table_add (data->on_server, GUINT_TO_POINTER (fetch->uid));
  if (!known_contains (data->known, fetch->uid) || g_hash_table_contains (data->pending, GUINT_TO_POINTER (fetch->uid)))
    return;
  update.uid = fetch->uid;
  update.flags = flags_from_fetch (fetch);
  g_array_append_val (data->updates, update);
}

static void
vanished_from (FolderSync *data, GHashTable *on_server)
{
  data->vanished = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < data->known->len; i++)
    if (!g_hash_table_contains (on_server, GUINT_TO_POINTER (g_array_index (data->known, guint32, i))))
      g_array_append_val (data->vanished, g_array_index (data->known, guint32, i));
}

static void
all_uids_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FolderSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) uids = pigeon_imap_session_search_finish (PIGEON_IMAP_SESSION (source), result, &error);
  g_autoptr (GHashTable) on_server = g_hash_table_new (NULL, NULL);

  if (uids == NULL)
    {
      fail (task, error);
      return;
    }
  for (guint i = 0; i < uids->len; i++)
    g_hash_table_add (on_server, GUINT_TO_POINTER (g_array_index (uids, guint32, i)));
  vanished_from (data, on_server);
  apply_changes (g_steal_pointer (&task));
}

/* CONDSTORE without QRESYNC says what changed, not what was expunged:
 * when the server counts fewer known messages than the store has, the
 * UIDs are compared. */
static void
changed_flags_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FolderSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  guint32 next = pigeon_folder_get_uidnext (data->folder);
  guint32 newer = data->uidnext > next ? data->uidnext - next : 0;

  pigeon_imap_session_fetch_finish (PIGEON_IMAP_SESSION (source), result, &error);
  if (error != NULL)
    {
      fail (task, error);
      return;
    }
  if (data->exists >= data->known->len + newer && data->exists > 0)
    {
      apply_changes (g_steal_pointer (&task));
      return;
    }
  pigeon_imap_session_search_async (data->session, "ALL", NULL, g_task_get_cancellable (task), all_uids_cb,
                                    g_object_ref (task));
}

static void
compared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FolderSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  pigeon_imap_session_fetch_finish (PIGEON_IMAP_SESSION (source), result, &error);
  if (error != NULL)
    {
      fail (task, error);
      return;
    }
  vanished_from (data, data->on_server);
  apply_changes (g_steal_pointer (&task));
}

static void
find_changes (GTask *task, gboolean qresync_done)
{
  FolderSync *data = g_task_get_task_data (task);
  guint64 since = pigeon_folder_get_highestmodseq (data->folder);
  guint32 last = data->known->len > 0 ? g_array_index (data->known, guint32, data->known->len - 1) : 0;
  g_autofree char *set = g_strdup_printf ("1:%u", last);

  if (data->known->len == 0 || qresync_done)
    {
      apply_changes (task);
      return;
    }
  if (data->exists == 0)
    {
      data->vanished = g_array_ref (data->known);
      apply_changes (task);
      return;
    }
  if (since > 0 && data->highestmodseq > 0)
    {
      pigeon_imap_session_fetch_async (data->session, set, PIGEON_IMAP_FETCH_FLAGS, NULL, since, flags_fetched, data,
                                       g_task_get_cancellable (task), changed_flags_cb, task);
      return;
    }
  /* No CONDSTORE: every known UID's flags, compared (RFC 4549 4.3.1). */
  data->on_server = g_hash_table_new (NULL, NULL);
  pigeon_imap_session_fetch_async (data->session, set, PIGEON_IMAP_FETCH_FLAGS, NULL, 0, flags_fetched, data,
                                   g_task_get_cancellable (task), compared_cb, task);
}

/* 1. EXAMINE */

static void
dropped_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FolderSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      fail (task, error);
      return;
    }
  g_array_set_size (data->known, 0);
  g_array_set_size (data->updates, 0);
  find_changes (g_steal_pointer (&task), FALSE);
}

static void
take_selected (FolderSync *data, const PigeonImapSelected *selected)
{
  data->uidvalidity = selected->uidvalidity;
  data->uidnext = selected->uidnext;
  data->highestmodseq = selected->highestmodseq;
  data->exists = selected->exists;
}

/* A new UIDVALIDITY voids every UID the store knows (RFC 3501 2.3.1.1);
 * the first sync of a folder records it at once, so that the UIDs it
 * stores before a kill are checked against it the next time. */
static void
new_uidvalidity (GTask *task)
{
  FolderSync *data = g_task_get_task_data (task);

  pigeon_store_set_folder_state_async (store_of (task), data->folder, data->uidvalidity, 0, 0,
                                       g_task_get_cancellable (task), dropped_cb, task);
}

static void
selected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FolderSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSelected) selected =
      pigeon_imap_session_select_finish (PIGEON_IMAP_SESSION (source), result, &error);
  const PigeonImapSelected *current = pigeon_imap_session_get_selected (data->session);

  if (selected == NULL && !g_error_matches (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_UIDVALIDITY_CHANGED))
    {
      fail (task, error);
      return;
    }
  take_selected (data, selected != NULL ? selected : current);
  if (pigeon_folder_get_uidvalidity (data->folder) != data->uidvalidity)
    {
      new_uidvalidity (g_steal_pointer (&task));
      return;
    }
  /* VANISHED (EARLIER) names at most the known UIDs (RFC 7162 3.2.5.1,
   * they were sent); a longer or malformed set is not expanded: the UIDs
   * are compared instead. */
  if (selected->vanished != NULL)
    {
      data->vanished = pigeon_imap_uid_set_parse (selected->vanished, data->known->len + VANISHED_SLACK);
      if (data->vanished == NULL)
        {
          pigeon_imap_session_search_async (data->session, "ALL", NULL, g_task_get_cancellable (task), all_uids_cb,
                                            g_object_ref (task));
          return;
        }
    }
  find_changes (g_steal_pointer (&task), pigeon_imap_session_is_enabled (data->session, "QRESYNC") &&
                                             pigeon_folder_get_highestmodseq (data->folder) > 0);
}

static GHashTable *
pending_uids (PigeonStore *store, PigeonAccount *account, PigeonFolder *folder, GError **error)
{
  g_autoptr (GPtrArray) ops = pigeon_store_list_pending_ops (store, account, error);
  GHashTable *uids;

  if (ops == NULL)
    return NULL;
  uids = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < ops->len; i++)
    {
      PigeonPendingOp *op = g_ptr_array_index (ops, i);

      if (op->folder_id == pigeon_folder_get_id (folder) && op->uid != 0)
        g_hash_table_add (uids, GUINT_TO_POINTER (op->uid));
    }
  return uids;
}

static void
examine (GTask *task)
{
  FolderSync *data = g_task_get_task_data (task);
  g_autofree char *known_uids = NULL;
  PigeonImapKnownState known = { 0 };

  known.uidvalidity = pigeon_folder_get_uidvalidity (data->folder);
  known.highestmodseq = pigeon_folder_get_highestmodseq (data->folder);
  if (data->known->len > 0)
    known_uids = pigeon_imap_uid_set_format ((guint32 *) data->known->data, data->known->len);
  /* The known UIDs are optional (RFC 7162 3.2.5): a set too long for a
   * command line is left out, and the server reports every expunge
   * since the known HIGHESTMODSEQ. */
  known.known_uids = known_uids != NULL && strlen (known_uids) <= MAX_KNOWN_UIDS ? known_uids : NULL;
  /* EXAMINE: the sync only reads, and leaves \Recent and \Seen alone. */
  pigeon_imap_session_select_async (data->session, pigeon_folder_get_path (data->folder), TRUE,
                                    known.uidvalidity != 0 ? &known : NULL, flags_fetched, data,
                                    g_task_get_cancellable (task), selected_cb, task);
}

void
pigeon_engine_imap_sync_folder_async (PigeonEngine *self,
                                      PigeonAccount *account,
                                      PigeonImapSession *session,
                                      PigeonFolder *folder,
                                      gboolean all_bodies,
                                      PigeonEngineImapProgress *progress,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  PigeonStore *store = pigeon_engine_get_store (self);
  FolderSync *data = g_new0 (FolderSync, 1);
  g_autoptr (GError) error = NULL;

  g_task_set_source_tag (task, pigeon_engine_imap_sync_folder_async);
  data->account = g_object_ref (account);
  data->session = g_object_ref (session);
  data->folder = g_object_ref (folder);
  data->all_bodies = all_bodies;
  data->progress = progress;
  data->updates = g_array_new (FALSE, FALSE, sizeof (PigeonFlagUpdate));
  g_task_set_task_data (task, data, (GDestroyNotify) folder_sync_free);
  data->known = pigeon_store_get_uids (store, folder, &error);
  if (data->known != NULL)
    data->pending = pending_uids (store, account, folder, &error);
  if (data->pending == NULL)
    {
      g_task_return_error (task, pigeon_engine_error_explain (error, NULL));
      return;
    }
  examine (g_steal_pointer (&task));
}

gboolean
pigeon_engine_imap_sync_folder_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
