/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pigeon-engine-private.h"

/* Drafts are saved in the store first (durable before the composer is
 * told), so a crash never loses more than the last few seconds of typing.
 * An IMAP account's drafts then go to the server's Drafts folder with the
 * next replay: the new copy is APPENDed first, and only once the server
 * has it is the older copy deleted (STORE \Deleted, UID EXPUNGE of that
 * UID), so that the server never has none.
 *
 * Which server copy belongs to which draft is kept in the engine's state
 * file ACCOUNT-drafts (a key file, replaced atomically):
 *
 *   [Drafts]
 *   UidValidity=...      of the server's Drafts folder (RFC 3501 2.3.1.1)
 *   Delete=7;9;          server copies to delete (replaced or discarded)
 *   [Draft 12]           the local draft 12
 *   Uid=8                its copy on the server (0: none known)
 *   Hash=...             SHA-256 of the content that copy has
 */

#define STATE_GROUP "Drafts"

/* The state file */

static GKeyFile *
state_load (PigeonAccount *account)
{
  g_autofree char *path = pigeon_engine_state_path (account, "drafts");
  GKeyFile *state = g_key_file_new ();

  g_key_file_load_from_file (state, path, G_KEY_FILE_NONE, NULL);
  return state;
}

/* g_key_file_save_to_file() writes a new file and renames it over the
 * old one: a crash leaves the old or the new state, never half of it. */
static gboolean
state_save (PigeonAccount *account, GKeyFile *state, GError **error)
{
  g_autofree char *path = pigeon_engine_state_path (account, "drafts");
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  return g_key_file_save_to_file (state, path, error);
}

static char *
draft_group (gint64 draft_id)
{
  return g_strdup_printf ("Draft %" G_GINT64_FORMAT, draft_id);
}

/* Moves draft @draft_id's server copy (if any) to the Delete list. */
static void
state_forget_copy (GKeyFile *state, gint64 draft_id)
{
  g_autofree char *group = draft_group (draft_id);
  guint64 uid = g_key_file_get_uint64 (state, group, "Uid", NULL);
  g_auto (GStrv) list = g_key_file_get_string_list (state, STATE_GROUP, "Delete", NULL, NULL);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) updated = NULL;
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, uid);

  g_key_file_remove_group (state, group, NULL);
  if (uid == 0)
    return;
  if (list != NULL)
    g_strv_builder_addv (builder, (const char **) list);
  g_strv_builder_add (builder, text);
  updated = g_strv_builder_end (builder);
  g_key_file_set_string_list (state, STATE_GROUP, "Delete", (const char *const *) updated, g_strv_length (updated));
}

void
pigeon_engine_drafts_forget (PigeonAccount *account)
{
  g_autofree char *path = pigeon_engine_state_path (account, "drafts");

  g_unlink (path);
}

/* The local side */

static void
draft_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  gint64 id = 0;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, &id, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pigeon_engine_replay_soon (g_task_get_source_object (task), g_task_get_task_data (task));
  g_task_return_int (task, id);
}

void
pigeon_engine_save_draft_async (PigeonEngine *self,
                                PigeonAccount *account,
                                gint64 draft_id,
                                GBytes *raw,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pigeon_engine_save_draft_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);
  pigeon_store_save_draft_async (pigeon_engine_get_store (self), account, draft_id, raw, cancellable, draft_saved_cb,
                                 task);
}

gboolean
pigeon_engine_save_draft_finish (PigeonEngine *self, GAsyncResult *result, gint64 *out_id, GError **error)
{
  gint64 id;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  id = g_task_propagate_int (G_TASK (result), error);
  if (out_id != NULL)
    *out_id = id;
  return id > 0;
}

static void
draft_deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pigeon_engine_replay_soon (g_task_get_source_object (task), g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
}

/* The account of draft @draft_id (a new reference), or NULL when there
 * is no such draft (any more). */
static PigeonAccount *
account_of_draft (PigeonEngine *self, gint64 draft_id)
{
  PigeonStore *store = pigeon_engine_get_store (self);
  g_autoptr (GPtrArray) drafts = pigeon_store_list_drafts (store, NULL);

  for (guint i = 0; drafts != NULL && i < drafts->len; i++)
    {
      PigeonDraft *draft = g_ptr_array_index (drafts, i);

      if (draft->id == draft_id)
        {
          PigeonAccount *account = pigeon_store_lookup_account (store, draft->account_id);

          return account ? g_object_ref (account) : NULL;
        }
    }
  return NULL;
}

void
pigeon_engine_discard_draft_async (
    PigeonEngine *self, gint64 draft_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (PigeonAccount) account = account_of_draft (self, draft_id);
  g_autoptr (GKeyFile) state = NULL;
  g_autoptr (GError) error = NULL;

  g_task_set_source_tag (task, pigeon_engine_discard_draft_async);
  if (account != NULL)
    {
      /* The server copy is named for deletion before the draft goes here. */
      state = state_load (account);
      state_forget_copy (state, draft_id);
      if (!state_save (account, state, &error))
        g_warning ("Cannot keep the drafts' state: %s", error->message);
      g_task_set_task_data (task, g_object_ref (account), g_object_unref);
    }
  pigeon_store_delete_draft_async (pigeon_engine_get_store (self), draft_id, cancellable, draft_deleted_cb, task);
}

gboolean
pigeon_engine_discard_draft_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The server side, during a replay. The state file is read and written
 * around each step, never held: a draft saved or discarded meanwhile
 * (on the main context too) changes it between the steps. */

typedef struct
{
  PigeonAccount *account;
  PigeonImapSession *session;
  GPtrArray *changed; /* PigeonDraft whose content the server lacks */
  guint next;
  char *folder;
  gboolean created;
  GError *create_error; /* why CREATE failed, if the folder is still missing */
  GArray *deleting;     /* the UIDs being deleted (guint32) */
} DraftSync;

static void
draft_sync_free (DraftSync *data)
{
  g_object_unref (data->account);
  g_object_unref (data->session);
  g_clear_pointer (&data->changed, g_ptr_array_unref);
  g_clear_pointer (&data->deleting, g_array_unref);
  g_clear_error (&data->create_error);
  g_free (data->folder);
  g_free (data);
}

static char *
draft_hash (const PigeonDraft *draft)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, draft->raw);
}

/* The account's drafts whose content differs from their server copy,
 * oldest first. */
static GPtrArray *
changed_drafts (PigeonEngine *self, PigeonAccount *account, GError **error)
{
  g_autoptr (GKeyFile) state = state_load (account);
  g_autoptr (GPtrArray) drafts = pigeon_store_list_drafts (pigeon_engine_get_store (self), error);
  g_autoptr (GPtrArray) changed = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_draft_free);

  if (drafts == NULL)
    return NULL;
  for (guint i = drafts->len; i > 0; i--)
    {
      PigeonDraft *draft = g_ptr_array_index (drafts, i - 1);
      g_autofree char *group = draft_group (draft->id);
      g_autofree char *hash = draft_hash (draft);
      g_autofree char *known = g_key_file_get_string (state, group, "Hash", NULL);

      if (draft->account_id == pigeon_account_get_id (account) && g_strcmp0 (hash, known) != 0)
        g_ptr_array_add (changed, g_ptr_array_steal_index (drafts, i - 1));
    }
  return g_steal_pointer (&changed);
}

static gboolean
is_refusal (const GError *error)
{
  return g_error_matches (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_NO) ||
         g_error_matches (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_BAD);
}

/* A refusal by the server is reported, and the replay goes on (the
 * drafts stay here); anything else stops it. */
static void
finish_sync (GTask *task, const GError *error)
{
  DraftSync *data = g_task_get_task_data (task);

  if (is_refusal (error))
    {
      g_autofree char *reason = pigeon_engine_server_reason (error);
      g_autoptr (GError) reported =
          g_error_new (PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_REJECTED,
                       _ ("The server refused to keep your drafts in “%s” (%s). They are kept on this computer."),
                       data->folder, reason);

      pigeon_engine_emit_error (g_task_get_source_object (task), data->account, reported);
      g_task_return_boolean (task, TRUE);
    }
  else if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static int
uid_compare (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

/* The Delete list's UIDs, ascending (guint32). */
static GArray *
delete_list (PigeonAccount *account)
{
  g_autoptr (GKeyFile) state = state_load (account);
  g_auto (GStrv) list = g_key_file_get_string_list (state, STATE_GROUP, "Delete", NULL, NULL);
  GArray *uids = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    {
      guint64 uid = 0;

      if (g_ascii_string_to_unsigned (list[i], 10, 1, G_MAXUINT32, &uid, NULL))
        g_array_append_vals (uids, &(guint32){ uid }, 1);
    }
  g_array_sort (uids, uid_compare);
  return uids;
}

/* Takes the UIDs of data->deleting off the Delete list (a discard may
 * have added others meanwhile). */
static void
forget_deleted (GTask *task)
{
  DraftSync *data = g_task_get_task_data (task);
  g_autoptr (GKeyFile) state = state_load (data->account);
  g_auto (GStrv) list = g_key_file_get_string_list (state, STATE_GROUP, "Delete", NULL, NULL);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) kept = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    {
      guint32 uid = g_ascii_strtoull (list[i], NULL, 10);

      if (g_array_binary_search (data->deleting, &uid, uid_compare, NULL) == FALSE)
        g_strv_builder_add (builder, list[i]);
    }
  kept = g_strv_builder_end (builder);
  g_key_file_set_string_list (state, STATE_GROUP, "Delete", (const char *const *) kept, g_strv_length (kept));
  state_save (data->account, state, &error);
  finish_sync (task, error);
}

static void
expunged_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_imap_session_command_finish (PIGEON_IMAP_SESSION (source), result, &error))
    finish_sync (task, error);
  else
    forget_deleted (task);
}

static char *
deleting_set (DraftSync *data)
{
  return pigeon_imap_uid_set_format ((const guint32 *) data->deleting->data, data->deleting->len);
}

static void
marked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  DraftSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *set = deleting_set (data);

  if (!pigeon_imap_session_command_finish (PIGEON_IMAP_SESSION (source), result, &error))
    finish_sync (task, error);
  else if (!pigeon_imap_session_has_capability (data->session, "UIDPLUS"))
    /* Without UID EXPUNGE (RFC 4315) the copies stay marked \Deleted:
     * a bare EXPUNGE would also remove what other clients marked. */
    forget_deleted (task);
  else
    pigeon_imap_session_expunge_async (data->session, set, g_task_get_cancellable (task), expunged_cb, task);
}

/* The older copies go only after the new ones are in. */
static void
delete_old_copies (GTask *task)
{
  DraftSync *data = g_task_get_task_data (task);
  g_autofree char *set = NULL;
  const char *deleted[] = { "\\Deleted", NULL };

  data->deleting = delete_list (data->account);
  if (data->deleting->len == 0)
    {
      finish_sync (task, NULL);
      return;
    }
  set = deleting_set (data);
  pigeon_imap_session_store_async (data->session, set, PIGEON_IMAP_STORE_ADD, deleted, 0, g_task_get_cancellable (task),
                                   marked_cb, task);
}

static void append_next (GTask *task);

/* Draft @draft's copy on the server is now @uid (0: unknown). */
static gboolean
record_copy (PigeonEngine *self, PigeonAccount *account, const PigeonDraft *draft, guint32 uid, GError **error)
{
  g_autoptr (GKeyFile) state = state_load (account);
  g_autofree char *group = draft_group (draft->id);
  g_autofree char *hash = draft_hash (draft);
  g_autoptr (PigeonAccount) still_here = account_of_draft (self, draft->id);

  state_forget_copy (state, draft->id);
  g_key_file_set_uint64 (state, group, "Uid", uid);
  g_key_file_set_string (state, group, "Hash", hash);
  /* Discarded while it was on its way: this copy goes too. */
  if (still_here == NULL)
    state_forget_copy (state, draft->id);
  return state_save (account, state, error);
}

static void
record_refused (PigeonAccount *account, const PigeonDraft *draft)
{
  g_autoptr (GKeyFile) state = state_load (account);
  g_autofree char *group = draft_group (draft->id);
  g_autofree char *hash = draft_hash (draft);
  g_autoptr (GError) error = NULL;

  g_key_file_set_string (state, group, "Hash", hash);
  if (!state_save (account, state, &error))
    g_warning ("Cannot keep the drafts' state: %s", error->message);
}

static void
appended_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  DraftSync *data = g_task_get_task_data (task);
  PigeonDraft *draft = g_ptr_array_index (data->changed, data->next - 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapCopyResult) copy =
      pigeon_imap_session_copy_finish (PIGEON_IMAP_SESSION (source), result, &error);
  g_autoptr (GArray) uids = NULL;

  if (copy == NULL)
    {
      /* Not tried again until the draft changes: the older copy stays. */
      if (is_refusal (error))
        record_refused (data->account, draft);
      finish_sync (task, error);
      return;
    }
  /* Without APPENDUID the new copy cannot be named later: it stays. */
  if (copy->dest_uids != NULL)
    uids = pigeon_imap_uid_set_parse (copy->dest_uids, 1);
  if (!record_copy (g_task_get_source_object (task), data->account, draft,
                    uids && uids->len == 1 ? g_array_index (uids, guint32, 0) : 0, &error))
    {
      finish_sync (task, error);
      return;
    }
  append_next (task);
}

/* RFC 3501 6.3.11: APPEND with \Draft (and \Seen: it is the user's own). */
static void
append_next (GTask *task)
{
  DraftSync *data = g_task_get_task_data (task);
  PigeonDraft *draft;
  const char *flags[] = { "\\Seen", "\\Draft", NULL };

  if (data->next >= data->changed->len)
    {
      delete_old_copies (task);
      return;
    }
  draft = g_ptr_array_index (data->changed, data->next++);
  pigeon_imap_session_append_async (data->session, data->folder, flags, draft->saved, draft->raw,
                                    g_task_get_cancellable (task), appended_cb, task);
}

static void select_drafts (GTask *task);

static void
created_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  DraftSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  /* Another client may have made it meanwhile (NO [ALREADYEXISTS], RFC
   * 5530): the second SELECT tells, and a refusal keeps CREATE's reason. */
  if (!pigeon_imap_session_command_finish (PIGEON_IMAP_SESSION (source), result, &error) &&
      !g_error_matches (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_NO))
    {
      finish_sync (task, error);
      return;
    }
  data->create_error = g_steal_pointer (&error);
  select_drafts (task);
}

/* A new UIDVALIDITY voids the UIDs kept (RFC 3501 2.3.1.1): every draft
 * is appended again and nothing is deleted by a stale UID. */
static gboolean
check_uidvalidity (PigeonAccount *account, guint32 uidvalidity, GError **error)
{
  g_autoptr (GKeyFile) state = state_load (account);
  guint64 known = g_key_file_get_uint64 (state, STATE_GROUP, "UidValidity", NULL);
  g_auto (GStrv) groups = NULL;

  if (known == uidvalidity)
    return TRUE;
  groups = g_key_file_get_groups (state, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (!g_str_equal (groups[i], STATE_GROUP))
      g_key_file_remove_group (state, groups[i], NULL);
  g_key_file_remove_key (state, STATE_GROUP, "Delete", NULL);
  g_key_file_set_uint64 (state, STATE_GROUP, "UidValidity", uidvalidity);
  return state_save (account, state, error);
}

static void
selected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  DraftSync *data = g_task_get_task_data (task);
  PigeonEngine *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSelected) selected =
      pigeon_imap_session_select_finish (PIGEON_IMAP_SESSION (source), result, &error);

  if (selected == NULL && !data->created && g_error_matches (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_NO))
    {
      /* No Drafts folder on the server yet. */
      data->created = TRUE;
      pigeon_imap_session_create_async (data->session, data->folder, g_task_get_cancellable (task), created_cb, task);
      return;
    }
  if (selected == NULL || !check_uidvalidity (data->account, selected->uidvalidity, &error))
    {
      finish_sync (task, selected == NULL && data->create_error != NULL ? data->create_error : error);
      return;
    }
  g_clear_pointer (&data->changed, g_ptr_array_unref);
  data->changed = changed_drafts (self, data->account, &error);
  if (data->changed == NULL)
    finish_sync (task, error);
  else
    append_next (task);
}

static void
select_drafts (GTask *task)
{
  DraftSync *data = g_task_get_task_data (task);

  pigeon_imap_session_select_async (data->session, data->folder, FALSE, NULL, NULL, NULL, g_task_get_cancellable (task),
                                    selected_cb, task);
}

void
pigeon_engine_replay_drafts_async (PigeonEngine *self,
                                   PigeonAccount *account,
                                   PigeonImapSession *session,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  DraftSync *data = g_new0 (DraftSync, 1);
  PigeonFolder *drafts = pigeon_engine_find_role (self, account, PIGEON_FOLDER_ROLE_DRAFTS);
  g_autoptr (GArray) to_delete = delete_list (account);
  g_autoptr (GError) error = NULL;

  g_task_set_source_tag (task, pigeon_engine_replay_drafts_async);
  data->account = g_object_ref (account);
  data->session = g_object_ref (session);
  data->folder = g_strdup (drafts ? pigeon_folder_get_path (drafts) : "Drafts");
  g_task_set_task_data (task, data, (GDestroyNotify) draft_sync_free);
  data->changed = changed_drafts (self, account, &error);
  if (data->changed == NULL || (data->changed->len == 0 && to_delete->len == 0))
    {
      /* Nothing for the server: no SELECT. */
      finish_sync (task, error);
      return;
    }
  select_drafts (task);
}

gboolean
pigeon_engine_replay_drafts_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
