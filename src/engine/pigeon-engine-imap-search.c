/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-engine-imap-private.h"

#include <glib/gi18n-lib.h>

void
pigeon_engine_search_server_async (PigeonEngine *self,
                                   PigeonAccount *account,
                                   const char *query,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pigeon_engine_search_server_async);
  g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NOT_SUPPORTED,
                           _ ("Searching on the server is not available yet."));
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
