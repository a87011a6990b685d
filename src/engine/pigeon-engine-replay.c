/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-engine-private.h"

/* Replay of pending operations to the IMAP server. */

void
pigeon_engine_replay_async (PigeonEngine *self,
                            PigeonAccount *account,
                            PigeonImapSession *session,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pigeon_engine_replay_async);
  g_task_return_boolean (task, TRUE);
}

gboolean
pigeon_engine_replay_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
