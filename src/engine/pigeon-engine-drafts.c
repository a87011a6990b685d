/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-engine-private.h"

/* Drafts are saved in the store first (durable before the composer is
 * told), so a crash never loses more than the last few seconds of typing. */

static void
draft_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  gint64 id = 0;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, &id, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
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
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
pigeon_engine_discard_draft_async (
    PigeonEngine *self, gint64 draft_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pigeon_engine_discard_draft_async);
  pigeon_store_delete_draft_async (pigeon_engine_get_store (self), draft_id, cancellable, draft_deleted_cb, task);
}

gboolean
pigeon_engine_discard_draft_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
