/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-engine-imap-private.h"

#include <glib/gi18n-lib.h>

/* IMAP sync of one account: sign in, replay the user's queued changes
 * (so that the server's state read next already has them), LIST the
 * folders with their roles, drop the local folders the server no longer
 * has, then sync each folder, the Inbox first
 * (pigeon-engine-imap-folder.c). */

/* Folders of an account the sync keeps (and the Inbox): a bound on what
 * a server's LIST costs locally. */
#define MAX_FOLDERS 5000

typedef struct
{
  PigeonAccount *account;
  PigeonImapSession *session;
  gboolean all_bodies;
  GPtrArray *mailboxes; /* PigeonImapMailbox, selectable ones */
  GPtrArray *gone;      /* PigeonFolder */
  GPtrArray *folders;   /* PigeonFolder to sync, the Inbox first */
  guint next;
  PigeonEngineImapProgress progress;
  gboolean working;
  gboolean truncated; /* the server listed more than MAX_FOLDERS */
} AccountSync;

static void
account_sync_free (AccountSync *data)
{
  g_object_unref (data->account);
  g_clear_object (&data->session);
  g_clear_pointer (&data->mailboxes, g_ptr_array_unref);
  g_clear_pointer (&data->gone, g_ptr_array_unref);
  g_clear_pointer (&data->folders, g_ptr_array_unref);
  g_free (data);
}

static void
finish (GTask *task, GError *error)
{
  PigeonEngine *self = g_task_get_source_object (task);
  AccountSync *data = g_task_get_task_data (task);

  if (data->working)
    pigeon_engine_end_work (self, data->account);
  data->working = FALSE;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
fail (GTask *task, const GError *error)
{
  PigeonEngine *self = g_task_get_source_object (task);
  AccountSync *data = g_task_get_task_data (task);

  if (error->domain == PIGEON_ENGINE_ERROR || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    finish (task, g_error_copy (error));
  else
    finish (task, pigeon_engine_explain (self, data->account, PIGEON_ENGINE_INCOMING,
                                         pigeon_imap_session_get_connection (data->session), error));
}

/* Roles */

static PigeonFolderRole
role_from_imap (PigeonImapRole role)
{
  switch (role)
    {
    case PIGEON_IMAP_ROLE_INBOX:
      return PIGEON_FOLDER_ROLE_INBOX;
    case PIGEON_IMAP_ROLE_ALL:
      return PIGEON_FOLDER_ROLE_ALL;
    case PIGEON_IMAP_ROLE_ARCHIVE:
      return PIGEON_FOLDER_ROLE_ARCHIVE;
    case PIGEON_IMAP_ROLE_DRAFTS:
      return PIGEON_FOLDER_ROLE_DRAFTS;
    case PIGEON_IMAP_ROLE_FLAGGED:
      return PIGEON_FOLDER_ROLE_FLAGGED;
    case PIGEON_IMAP_ROLE_JUNK:
      return PIGEON_FOLDER_ROLE_JUNK;
    case PIGEON_IMAP_ROLE_SENT:
      return PIGEON_FOLDER_ROLE_SENT;
    case PIGEON_IMAP_ROLE_TRASH:
      return PIGEON_FOLDER_ROLE_TRASH;
    case PIGEON_IMAP_ROLE_NONE:
    default:
      return PIGEON_FOLDER_ROLE_NONE;
    }
}

/* Servers without SPECIAL-USE (RFC 6154) name their folders the way
 * common clients do. */
static PigeonFolderRole
role_from_name (const char *name)
{
  static const struct
  {
    const char *name;
    PigeonFolderRole role;
  } names[] = {
    { "Sent", PIGEON_FOLDER_ROLE_SENT },           { "Sent Items", PIGEON_FOLDER_ROLE_SENT },
    { "Sent Messages", PIGEON_FOLDER_ROLE_SENT },  { "Sent Mail", PIGEON_FOLDER_ROLE_SENT },
    { "Drafts", PIGEON_FOLDER_ROLE_DRAFTS },       { "Trash", PIGEON_FOLDER_ROLE_TRASH },
    { "Deleted Items", PIGEON_FOLDER_ROLE_TRASH }, { "Deleted Messages", PIGEON_FOLDER_ROLE_TRASH },
    { "Junk", PIGEON_FOLDER_ROLE_JUNK },           { "Spam", PIGEON_FOLDER_ROLE_JUNK },
    { "Junk E-mail", PIGEON_FOLDER_ROLE_JUNK },    { "Archive", PIGEON_FOLDER_ROLE_ARCHIVE },
    { "Archives", PIGEON_FOLDER_ROLE_ARCHIVE },
  };

  /* RFC 3501 5.1: INBOX is case-insensitive, the other names are not. */
  if (g_ascii_strcasecmp (name, "INBOX") == 0)
    return PIGEON_FOLDER_ROLE_INBOX;
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (name, names[i].name) == 0)
      return names[i].role;
  return PIGEON_FOLDER_ROLE_NONE;
}

/* The special-use roles first; a name gives a role no folder has. */
static PigeonFolderRole *
assign_roles (GPtrArray *mailboxes)
{
  PigeonFolderRole *roles = g_new0 (PigeonFolderRole, mailboxes->len);
  gboolean taken[PIGEON_FOLDER_ROLE_FLAGGED + 1] = { FALSE };

  for (guint i = 0; i < mailboxes->len; i++)
    {
      PigeonImapMailbox *mailbox = g_ptr_array_index (mailboxes, i);

      roles[i] = role_from_imap (mailbox->role);
      if (roles[i] == PIGEON_FOLDER_ROLE_NONE && g_ascii_strcasecmp (mailbox->name, "INBOX") == 0)
        roles[i] = PIGEON_FOLDER_ROLE_INBOX;
      taken[roles[i]] = TRUE;
    }
  for (guint i = 0; i < mailboxes->len; i++)
    {
      PigeonFolderRole role = role_from_name (((PigeonImapMailbox *) g_ptr_array_index (mailboxes, i))->name);

      if (roles[i] == PIGEON_FOLDER_ROLE_NONE && role != PIGEON_FOLDER_ROLE_NONE && !taken[role])
        {
          roles[i] = role;
          taken[role] = TRUE;
        }
    }
  return roles;
}

/* Folders, one after another */

static void
logged_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;

  /* The work is stored; a failed LOGOUT changes nothing. */
  pigeon_imap_session_command_finish (PIGEON_IMAP_SESSION (source), result, NULL);
  finish (task, NULL);
}

static void sync_next_folder (GTask *task);

static void
folder_synced_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = PIGEON_ENGINE (source);
  AccountSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_imap_sync_folder_finish (self, result, &error))
    {
      /* One folder the server refuses (NO) is reported and skipped; a
       * lost connection ends the sync. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          !pigeon_connection_is_connected (pigeon_imap_session_get_connection (data->session)))
        {
          fail (task, error);
          return;
        }
      pigeon_engine_emit_error (self, data->account, error);
    }
  sync_next_folder (g_steal_pointer (&task));
}

static void
sync_next_folder (GTask *task)
{
  PigeonEngine *self = g_task_get_source_object (task);
  AccountSync *data = g_task_get_task_data (task);

  if (data->next >= data->folders->len)
    {
      pigeon_imap_session_logout_async (data->session, NULL, logged_out_cb, task);
      return;
    }
  pigeon_engine_imap_sync_folder_async (self, data->account, data->session,
                                        g_ptr_array_index (data->folders, data->next++), data->all_bodies,
                                        &data->progress, g_task_get_cancellable (task), folder_synced_cb, task);
}

static void
plan_folders (GTask *task)
{
  PigeonEngine *self = g_task_get_source_object (task);
  AccountSync *data = g_task_get_task_data (task);
  PigeonStore *store = pigeon_engine_get_store (self);

  data->folders = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < data->mailboxes->len; i++)
    {
      PigeonImapMailbox *mailbox = g_ptr_array_index (data->mailboxes, i);
      PigeonFolder *folder = pigeon_store_find_folder (store, data->account, mailbox->name);

      if (folder == NULL)
        continue;
      if (pigeon_folder_get_role (folder) == PIGEON_FOLDER_ROLE_INBOX)
        g_ptr_array_insert (data->folders, 0, g_object_ref (folder));
      else
        g_ptr_array_add (data->folders, g_object_ref (folder));
    }
  sync_next_folder (task);
}

static void remove_next_gone (GTask *task);

static void
gone_removed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  /* A sub-folder may have gone with its parent already. */
  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error) &&
      !g_error_matches (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_NOT_FOUND))
    {
      fail (task, error);
      return;
    }
  remove_next_gone (g_steal_pointer (&task));
}

static void
remove_next_gone (GTask *task)
{
  PigeonEngine *self = g_task_get_source_object (task);
  AccountSync *data = g_task_get_task_data (task);
  g_autoptr (PigeonFolder) folder = NULL;

  if (data->gone->len == 0)
    {
      plan_folders (task);
      return;
    }
  folder = g_ptr_array_steal_index (data->gone, data->gone->len - 1);
  pigeon_store_remove_folder_async (pigeon_engine_get_store (self), folder, g_task_get_cancellable (task),
                                    gone_removed_cb, task);
}

/* A local folder the server no longer lists goes, if the sync ever saw it
 * on the server (a UIDVALIDITY): a folder made here for a queued move
 * waits for the replay to create it. */
static void
collect_gone (AccountSync *data, GHashTable *listed, GListModel *folders)
{
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr (PigeonFolder) folder = g_list_model_get_item (folders, i);

      if (!g_hash_table_contains (listed, pigeon_folder_get_path (folder)) &&
          pigeon_folder_get_uidvalidity (folder) != 0)
        g_ptr_array_add (data->gone, g_object_ref (folder));
      else
        collect_gone (data, listed, pigeon_folder_get_children (folder));
    }
}

static void
find_gone (GTask *task, GHashTable *listed)
{
  PigeonEngine *self = g_task_get_source_object (task);
  AccountSync *data = g_task_get_task_data (task);

  data->gone = g_ptr_array_new_with_free_func (g_object_unref);
  if (!data->truncated)
    collect_gone (data, listed, pigeon_store_get_folders (pigeon_engine_get_store (self), data->account));
  remove_next_gone (task);
}

static void add_next_folder (GTask *task, guint index, PigeonFolderRole *roles);

typedef struct
{
  GTask *task;
  guint index;
  PigeonFolderRole *roles;
} AddStep;

static void
folder_added_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AddStep *step = user_data;
  g_autoptr (GTask) task = step->task;
  g_autoptr (GError) error = NULL;
  guint index = step->index;
  PigeonFolderRole *roles = step->roles;

  g_free (step);
  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      g_free (roles);
      fail (task, error);
      return;
    }
  add_next_folder (g_steal_pointer (&task), index + 1, roles);
}

static gboolean
folder_is_current (PigeonStore *store, PigeonAccount *account, PigeonImapMailbox *mailbox, PigeonFolderRole role)
{
  PigeonFolder *folder = pigeon_store_find_folder (store, account, mailbox->name);
  char delimiter[2] = { mailbox->delimiter, '\0' };

  return folder != NULL && pigeon_folder_get_role (folder) == role &&
         g_strcmp0 (pigeon_folder_get_delimiter (folder), delimiter) == 0;
}

/* Each listed folder is added, or its role and delimiter updated; one
 * the store has as it is costs no write. */
static void
add_next_folder (GTask *task, guint index, PigeonFolderRole *roles)
{
  PigeonEngine *self = g_task_get_source_object (task);
  AccountSync *data = g_task_get_task_data (task);
  g_autoptr (GHashTable) listed = NULL;
  PigeonImapMailbox *mailbox;
  AddStep *step;
  char delimiter[2] = { 0 };

  while (index < data->mailboxes->len && folder_is_current (pigeon_engine_get_store (self), data->account,
                                                            g_ptr_array_index (data->mailboxes, index), roles[index]))
    index++;
  if (index >= data->mailboxes->len)
    {
      g_free (roles);
      listed = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < data->mailboxes->len; i++)
        g_hash_table_add (listed, ((PigeonImapMailbox *) g_ptr_array_index (data->mailboxes, i))->name);
      find_gone (task, listed);
      return;
    }
  mailbox = g_ptr_array_index (data->mailboxes, index);
  delimiter[0] = mailbox->delimiter;
  step = g_new0 (AddStep, 1);
  step->task = task;
  step->index = index;
  step->roles = roles;
  pigeon_store_add_folder_async (pigeon_engine_get_store (self), data->account, mailbox->name, delimiter, roles[index],
                                 g_task_get_cancellable (task), folder_added_cb, step);
}

static void
listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AccountSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) mailboxes = pigeon_imap_session_list_finish (PIGEON_IMAP_SESSION (source), result, &error);

  if (mailboxes == NULL)
    {
      fail (task, error);
      return;
    }
  data->mailboxes = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_imap_mailbox_free);
  for (guint i = 0; i < mailboxes->len; i++)
    {
      PigeonImapMailbox *mailbox = g_ptr_array_index (mailboxes, i);

      if (mailbox->noselect)
        continue;
      /* Past the limit, only the Inbox; and no local folder is "gone". */
      if (data->mailboxes->len >= MAX_FOLDERS && g_ascii_strcasecmp (mailbox->name, "INBOX") != 0)
        data->truncated = TRUE;
      else
        g_ptr_array_add (data->mailboxes, g_ptr_array_steal_index (mailboxes, i--));
    }
  add_next_folder (g_steal_pointer (&task), 0, assign_roles (data->mailboxes));
}

static void
replayed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AccountSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  /* The replay reports its own refusals; only a lost session stops here. */
  if (!pigeon_engine_replay_finish (PIGEON_ENGINE (source), result, &error) &&
      !pigeon_connection_is_connected (pigeon_imap_session_get_connection (data->session)))
    {
      fail (task, error);
      return;
    }
  pigeon_imap_session_list_async (data->session, FALSE, g_task_get_cancellable (task), listed_cb, g_object_ref (task));
}

static void
opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = PIGEON_ENGINE (source);
  AccountSync *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->session = pigeon_engine_open_imap_finish (self, result, &error);
  if (data->session == NULL)
    {
      finish (task, g_steal_pointer (&error));
      return;
    }
  pigeon_imap_session_set_max_literal (data->session, PIGEON_ENGINE_IMAP_MAX_BODY);
  pigeon_engine_replay_async (self, data->account, data->session, g_task_get_cancellable (task), replayed_cb,
                              g_object_ref (task));
}

void
pigeon_engine_imap_sync_async (PigeonEngine *self,
                               PigeonAccount *account,
                               gboolean all_bodies,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *status = NULL;
  AccountSync *data = g_new0 (AccountSync, 1);

  g_task_set_source_tag (task, pigeon_engine_imap_sync_async);
  g_object_set_data_full (G_OBJECT (task), "account", g_object_ref (account), g_object_unref);
  data->account = g_object_ref (account);
  data->all_bodies = all_bodies;
  g_task_set_task_data (task, data, (GDestroyNotify) account_sync_free);
  status = g_strdup_printf (_ ("Getting mail for %s"), pigeon_account_get_display_name (account));
  /* Already syncing: that sync gets what this one would. */
  if (!pigeon_engine_begin_work (self, account, status))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  data->working = TRUE;
  pigeon_engine_open_imap_async (self, account, cancellable, opened_cb, g_steal_pointer (&task));
}

gboolean
pigeon_engine_imap_sync_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
