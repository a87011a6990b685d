/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-engine-imap-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Server search for what the cache lacks: in each folder the sync knows,
 * one UID SEARCH per word (RFC 3501 6.4.4, CHARSET UTF-8 or UTF8=ACCEPT),
 * the UID sets intersected, and the summaries of the matches not cached
 * fetched into the store, newest first, at most MAX_ADDED per folder. The
 * accounts are searched one after another. */

#define MAX_WORDS 16
#define MAX_ADDED 1000

typedef struct
{
  GStrv keys; /* "TEXT", "FROM", ... per word */
  GStrv words;
  GPtrArray *accounts; /* PigeonAccount still to search */
  PigeonAccount *account;
  PigeonImapSession *session;
  GPtrArray *folders; /* PigeonFolder of the account still to search */
  PigeonFolder *folder;
  GArray *matches; /* guint32, the intersection so far */
  guint word;
  GPtrArray *batch; /* PigeonMessageInfo */
  guint added;
} Search;

static void
search_free (Search *data)
{
  g_strfreev (data->keys);
  g_strfreev (data->words);
  g_ptr_array_unref (data->accounts);
  g_clear_object (&data->account);
  g_clear_object (&data->session);
  g_clear_pointer (&data->folders, g_ptr_array_unref);
  g_clear_object (&data->folder);
  g_clear_pointer (&data->matches, g_array_unref);
  g_clear_pointer (&data->batch, g_ptr_array_unref);
  g_free (data);
}

static void
fail (GTask *task, const GError *error)
{
  PigeonEngine *self = g_task_get_source_object (task);
  Search *data = g_task_get_task_data (task);

  g_task_return_error (
      task, pigeon_engine_explain (self, data->account, PIGEON_ENGINE_INCOMING,
                                   data->session ? pigeon_imap_session_get_connection (data->session) : NULL, error));
}

/* The store's search terms that IMAP has too; the others (is:, has:)
 * are left to the local search. */
static gboolean
parse_query (Search *data, const char *query)
{
  static const struct
  {
    const char *prefix;
    const char *key;
  } terms[] = { { "from:", "FROM" }, { "to:", "TO" }, { "subject:", "SUBJECT" } };
  g_auto (GStrv) tokens = g_strsplit_set (query, " \t\r\n\"", -1);
  g_autoptr (GStrvBuilder) keys = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) words = g_strv_builder_new ();
  guint n = 0;

  for (guint i = 0; tokens[i] != NULL && n < MAX_WORDS; i++)
    {
      const char *key = "TEXT";
      const char *word = tokens[i];

      for (gsize t = 0; t < G_N_ELEMENTS (terms); t++)
        if (g_str_has_prefix (word, terms[t].prefix))
          key = terms[t].key, word += strlen (terms[t].prefix);
      if (*word == '\0' || g_str_has_prefix (word, "is:") || g_str_has_prefix (word, "has:"))
        continue;
      g_strv_builder_add (keys, key);
      g_strv_builder_add (words, word);
      n++;
    }
  data->keys = g_strv_builder_end (keys);
  data->words = g_strv_builder_end (words);
  return n > 0;
}

static void next_account (GTask *task);
static void next_folder (GTask *task);

static void
batch_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Search *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      fail (task, error);
      return;
    }
  data->added += data->batch->len;
  next_folder (g_steal_pointer (&task));
}

static void
summary_fetched (PigeonImapFetch *fetch, gpointer user_data)
{
  Search *data = user_data;

  if ((fetch->present & PIGEON_IMAP_FETCH_UID) && (fetch->present & PIGEON_IMAP_FETCH_ENVELOPE))
    g_ptr_array_add (data->batch, pigeon_engine_imap_info_from_fetch (fetch));
}

static void
summaries_fetched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = g_task_get_source_object (task);
  Search *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  pigeon_imap_session_fetch_finish (PIGEON_IMAP_SESSION (source), result, &error);
  if (error != NULL)
    {
      fail (task, error);
      return;
    }
  pigeon_store_add_messages_async (pigeon_engine_get_store (self), data->folder, data->batch,
                                   g_task_get_cancellable (task), batch_stored_cb, g_object_ref (task));
}

/* The newest MAX_ADDED matches the store lacks. */
static void
fetch_matches (GTask *task)
{
  PigeonEngine *self = g_task_get_source_object (task);
  Search *data = g_task_get_task_data (task);
  g_autoptr (GArray) missing = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree char *set = NULL;

  for (guint i = data->matches->len; i > 0 && missing->len < MAX_ADDED; i--)
    {
      guint32 uid = g_array_index (data->matches, guint32, i - 1);

      if (pigeon_store_lookup_uid (pigeon_engine_get_store (self), data->folder, uid) == 0)
        g_array_append_val (missing, uid);
    }
  if (missing->len == 0)
    {
      next_folder (task);
      return;
    }
  set = pigeon_imap_uid_set_format ((guint32 *) missing->data, missing->len);
  g_clear_pointer (&data->batch, g_ptr_array_unref);
  data->batch = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  pigeon_imap_session_fetch_async (data->session, set, PIGEON_IMAP_FETCH_SUMMARY, pigeon_engine_imap_summary_sections,
                                   0, summary_fetched, data, g_task_get_cancellable (task), summaries_fetched_cb, task);
}

static GArray *
intersect (GArray *a, GArray *b)
{
  GArray *both = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint i = 0, j = 0;

  while (i < a->len && j < b->len)
    {
      guint32 x = g_array_index (a, guint32, i), y = g_array_index (b, guint32, j);

      if (x == y)
        g_array_append_val (both, x);
      i += x <= y;
      j += y <= x;
    }
  return both;
}

static void search_word (GTask *task);

static void
searched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Search *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) found = pigeon_imap_session_search_finish (PIGEON_IMAP_SESSION (source), result, &error);

  if (found == NULL)
    {
      fail (task, error);
      return;
    }
  if (data->matches == NULL)
    data->matches = g_steal_pointer (&found);
  else
    {
      GArray *both = intersect (data->matches, found);

      g_array_unref (data->matches);
      data->matches = both;
    }
  data->word++;
  search_word (g_steal_pointer (&task));
}

static void
search_word (GTask *task)
{
  Search *data = g_task_get_task_data (task);

  if (data->words[data->word] == NULL || (data->matches != NULL && data->matches->len == 0))
    {
      fetch_matches (task);
      return;
    }
  pigeon_imap_session_search_async (data->session, data->keys[data->word], data->words[data->word],
                                    g_task_get_cancellable (task), searched_cb, task);
}

static void
examined_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Search *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSelected) selected =
      pigeon_imap_session_select_finish (PIGEON_IMAP_SESSION (source), result, &error);

  /* A folder made again since the sync: its UIDs are the sync's to
   * sort out; a folder gone meanwhile has nothing to find. */
  if (selected == NULL && pigeon_connection_is_connected (pigeon_imap_session_get_connection (data->session)) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      next_folder (g_steal_pointer (&task));
      return;
    }
  if (selected == NULL)
    {
      fail (task, error);
      return;
    }
  data->word = 0;
  g_clear_pointer (&data->matches, g_array_unref);
  search_word (g_steal_pointer (&task));
}

static void
next_folder (GTask *task)
{
  Search *data = g_task_get_task_data (task);
  PigeonImapKnownState known = { 0 };

  g_clear_object (&data->folder);
  if (data->folders->len == 0)
    {
      next_account (task);
      return;
    }
  data->folder = g_ptr_array_steal_index (data->folders, 0);
  known.uidvalidity = pigeon_folder_get_uidvalidity (data->folder);
  pigeon_imap_session_select_async (data->session, pigeon_folder_get_path (data->folder), TRUE, &known, NULL, NULL,
                                    g_task_get_cancellable (task), examined_cb, task);
}

/* The folders the sync has seen on the server (they have a UIDVALIDITY). */
static void
collect_folders (GPtrArray *into, GListModel *folders)
{
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr (PigeonFolder) folder = g_list_model_get_item (folders, i);

      if (pigeon_folder_get_uidvalidity (folder) != 0)
        g_ptr_array_add (into, g_object_ref (folder));
      collect_folders (into, pigeon_folder_get_children (folder));
    }
}

static void
opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = PIGEON_ENGINE (source);
  Search *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->session = pigeon_engine_open_imap_finish (self, result, &error);
  if (data->session == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&data->folders, g_ptr_array_unref);
  data->folders = g_ptr_array_new_with_free_func (g_object_unref);
  collect_folders (data->folders, pigeon_store_get_folders (pigeon_engine_get_store (self), data->account));
  next_folder (g_steal_pointer (&task));
}

static void
next_account (GTask *task)
{
  PigeonEngine *self = g_task_get_source_object (task);
  Search *data = g_task_get_task_data (task);

  g_clear_object (&data->account);
  g_clear_object (&data->session);
  if (data->accounts->len == 0)
    {
      g_task_return_int (task, data->added);
      g_object_unref (task);
      return;
    }
  data->account = g_ptr_array_steal_index (data->accounts, 0);
  pigeon_engine_open_imap_async (self, data->account, g_task_get_cancellable (task), opened_cb, task);
}

void
pigeon_engine_search_server_async (PigeonEngine *self,
                                   PigeonAccount *account,
                                   const char *query,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GListModel *accounts;
  Search *data;

  g_return_if_fail (PIGEON_IS_ENGINE (self));
  g_return_if_fail (query != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_engine_search_server_async);
  data = g_new0 (Search, 1);
  data->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, data, (GDestroyNotify) search_free);
  if (!parse_query (data, query))
    {
      g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NOT_SUPPORTED,
                               _ ("Give words to search for on the server"));
      return;
    }
  accounts = pigeon_engine_get_accounts (self);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) each = g_list_model_get_item (accounts, i);

      if ((account == NULL || each == account) && pigeon_account_get_incoming_protocol (each) == PIGEON_PROTOCOL_IMAP)
        g_ptr_array_add (data->accounts, g_steal_pointer (&each));
    }
  next_account (g_steal_pointer (&task));
}

gboolean
pigeon_engine_search_server_finish (PigeonEngine *self, GAsyncResult *result, guint *out_added, GError **error)
{
  gssize added;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  added = g_task_propagate_int (G_TASK (result), error);
  if (out_added != NULL)
    *out_added = MAX (added, 0);
  return added >= 0;
}
