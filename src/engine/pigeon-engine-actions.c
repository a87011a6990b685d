/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pigeon-engine-private.h"

/* What the user does to messages goes through here: the store applies it
 * at once and queues it durably as a pending operation (replayed to the
 * server by the sync), and the last move or delete can be undone. */

struct _PigeonEngineUndo
{
  GPtrArray *messages;
  PigeonFolder *from;
  PigeonFolder *to;
};

void
pigeon_engine_undo_free (PigeonEngineUndo *undo)
{
  g_ptr_array_unref (undo->messages);
  g_object_unref (undo->from);
  g_object_unref (undo->to);
  g_free (undo);
}

static PigeonEngineUndo *
undo_new (GPtrArray *messages, PigeonFolder *from, PigeonFolder *to)
{
  PigeonEngineUndo *undo = g_new0 (PigeonEngineUndo, 1);

  undo->messages = g_ptr_array_new_full (messages->len, g_object_unref);
  for (guint i = 0; i < messages->len; i++)
    g_ptr_array_add (undo->messages, g_object_ref (messages->pdata[i]));
  undo->from = g_object_ref (from);
  undo->to = g_object_ref (to);
  return undo;
}

static void
store_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngineUndo *undo = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (undo != NULL)
    pigeon_engine_set_undo (g_task_get_source_object (task), g_steal_pointer (&undo));
  g_task_set_task_data (task, NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

gboolean
pigeon_engine_action_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
pigeon_engine_set_flags_async (PigeonEngine *self,
                               GPtrArray *messages,
                               PigeonMessageFlags set,
                               PigeonMessageFlags clear,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pigeon_engine_set_flags_async);
  pigeon_store_set_flags_async (pigeon_engine_get_store (self), messages, set, clear, cancellable, store_written_cb,
                                task);
}

/* Moves, and remembers how to move back. */
static void
move_with_undo (PigeonEngine *self, GTask *task, GPtrArray *messages, PigeonFolder *from, PigeonFolder *to)
{
  g_task_set_task_data (task, undo_new (messages, from, to), (GDestroyNotify) pigeon_engine_undo_free);
  pigeon_store_move_messages_async (pigeon_engine_get_store (self), messages, from, to, g_task_get_cancellable (task),
                                    store_written_cb, task);
}

void
pigeon_engine_move_messages_async (PigeonEngine *self,
                                   GPtrArray *messages,
                                   PigeonFolder *from,
                                   PigeonFolder *to,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pigeon_engine_move_messages_async);
  move_with_undo (self, task, messages, from, to);
}

static PigeonAccount *
account_of (PigeonEngine *self, PigeonFolder *folder)
{
  return pigeon_store_lookup_account (pigeon_engine_get_store (self), pigeon_folder_get_account_id (folder));
}

void
pigeon_engine_archive_messages_async (PigeonEngine *self,
                                      GPtrArray *messages,
                                      PigeonFolder *from,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  PigeonFolder *archive = pigeon_engine_find_role (self, account_of (self, from), PIGEON_FOLDER_ROLE_ARCHIVE);

  g_task_set_source_tag (task, pigeon_engine_archive_messages_async);
  if (archive == NULL)
    {
      g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NOT_SUPPORTED,
                               _ ("This account has no Archive folder."));
      g_object_unref (task);
      return;
    }
  move_with_undo (self, task, messages, from, archive);
}

typedef struct
{
  GPtrArray *messages;
  PigeonFolder *from;
} DeleteData;

static void
delete_data_free (DeleteData *data)
{
  g_ptr_array_unref (data->messages);
  g_object_unref (data->from);
  g_free (data);
}

static void
trash_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonEngine *self = PIGEON_ENGINE (source);
  DeleteData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonFolder) trash = pigeon_engine_ensure_folder_finish (self, result, &error);
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (PigeonFolder) from = NULL;

  if (trash == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  messages = g_ptr_array_ref (data->messages);
  from = g_object_ref (data->from);
  move_with_undo (self, task, messages, from, trash);
}

void
pigeon_engine_delete_messages_async (PigeonEngine *self,
                                     GPtrArray *messages,
                                     PigeonFolder *from,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  DeleteData *data;

  g_task_set_source_tag (task, pigeon_engine_delete_messages_async);
  if (pigeon_folder_get_role (from) == PIGEON_FOLDER_ROLE_TRASH)
    {
      pigeon_store_delete_messages_async (pigeon_engine_get_store (self), messages, from, cancellable, store_written_cb,
                                          task);
      return;
    }
  data = g_new0 (DeleteData, 1);
  data->messages = g_ptr_array_ref (messages);
  data->from = g_object_ref (from);
  g_task_set_task_data (task, data, (GDestroyNotify) delete_data_free);
  pigeon_engine_ensure_folder_async (self, account_of (self, from), "Trash", PIGEON_FOLDER_ROLE_TRASH, cancellable,
                                     trash_ready_cb, task);
}

void
pigeon_engine_undo_async (PigeonEngine *self,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  PigeonEngineUndo *undo = pigeon_engine_take_undo (self);

  g_task_set_source_tag (task, pigeon_engine_undo_async);
  if (undo == NULL)
    {
      g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NOT_SUPPORTED, _ ("Nothing to undo."));
      g_object_unref (task);
      return;
    }
  /* The undo is the reverse move; it is not itself undoable. */
  pigeon_store_move_messages_async (pigeon_engine_get_store (self), undo->messages, undo->to, undo->from, cancellable,
                                    store_written_cb, task);
  pigeon_engine_undo_free (undo);
}

gboolean
pigeon_engine_undo_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  return pigeon_engine_action_finish (self, result, error);
}

/* Reading */

void
pigeon_engine_load_body_async (PigeonEngine *self,
                               PigeonMessage *message,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) raw =
      pigeon_store_load_raw (pigeon_engine_get_store (self), pigeon_message_get_id (message), &error);

  g_task_set_source_tag (task, pigeon_engine_load_body_async);
  if (raw != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&raw), (GDestroyNotify) g_bytes_unref);
      return;
    }
  g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NOT_SUPPORTED,
                           _ ("This message has not been downloaded yet."));
}

GBytes *
pigeon_engine_load_body_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
