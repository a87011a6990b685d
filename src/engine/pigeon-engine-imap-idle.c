/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-engine-imap-private.h"

/* The Inbox watch: a session of its own, apart from the account's sync,
 * that syncs the Inbox (pigeon-engine-imap-folder.c) and then waits in
 * IDLE (RFC 2177) until the server reports a change (EXISTS, EXPUNGE,
 * FETCH, VANISHED), then syncs it again. A server without IDLE is asked
 * again every POLL_SECONDS (the sync's EXAMINE is the NOOP). After a
 * failure it reconnects after BACKOFF_MIN seconds, doubling up to
 * BACKOFF_MAX; its cancellable ends it. */

#define POLL_SECONDS 60
#define BACKOFF_MIN 5
#define BACKOFF_MAX (30 * 60)

typedef struct
{
  PigeonEngine *engine;
  PigeonAccount *account;
  GCancellable *cancellable;
  gulong cancelled_handler;
  PigeonImapSession *session;
  PigeonFolder *inbox;
  PigeonEngineImapProgress progress;
  guint backoff;
  guint timer;
  gboolean reported; /* a failure was reported since the last success */
} Watch;

static void
watch_free (Watch *watch)
{
  g_cancellable_disconnect (watch->cancellable, watch->cancelled_handler);
  g_clear_handle_id (&watch->timer, g_source_remove);
  g_object_unref (watch->engine);
  g_object_unref (watch->account);
  g_object_unref (watch->cancellable);
  g_clear_object (&watch->session);
  g_clear_object (&watch->inbox);
  g_free (watch);
}

static void watch_connect (Watch *watch);
static void watch_sync (Watch *watch);

static gboolean
retry_fired (gpointer user_data)
{
  Watch *watch = user_data;

  watch->timer = 0;
  /* Cancelled: cancelled_cb has queued the end of the watch. */
  if (g_cancellable_is_cancelled (watch->cancellable))
    return G_SOURCE_REMOVE;
  if (watch->session != NULL)
    watch_sync (watch);
  else
    watch_connect (watch);
  return G_SOURCE_REMOVE;
}

/* Ends the watch when cancelled; else tries again later. The first
 * failure after a success is reported, not each retry. */
static void
watch_failed (Watch *watch, const GError *error)
{
  PigeonStore *store = pigeon_engine_get_store (watch->engine);

  /* Stopped, or the account was removed meanwhile. */
  if (g_cancellable_is_cancelled (watch->cancellable) ||
      pigeon_store_lookup_account (store, pigeon_account_get_id (watch->account)) == NULL)
    {
      watch_free (watch);
      return;
    }
  if (!watch->reported)
    {
      g_autoptr (GError) explained = pigeon_engine_explain (
          watch->engine, watch->account, PIGEON_ENGINE_INCOMING,
          watch->session != NULL ? pigeon_imap_session_get_connection (watch->session) : NULL, error);

      pigeon_engine_emit_error (watch->engine, watch->account, explained);
    }
  watch->reported = TRUE;
  g_clear_object (&watch->session);
  watch->backoff = watch->backoff == 0 ? BACKOFF_MIN : MIN (watch->backoff * 2, BACKOFF_MAX);
  watch->timer = g_timeout_add_seconds (watch->backoff, retry_fired, watch);
}

static void
idle_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Watch *watch = user_data;
  g_autoptr (GError) error = NULL;

  if (pigeon_imap_session_command_finish (PIGEON_IMAP_SESSION (source), result, &error))
    watch_sync (watch);
  else if (g_error_matches (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_UNSUPPORTED) &&
           !g_cancellable_is_cancelled (watch->cancellable))
    watch->timer = g_timeout_add_seconds (POLL_SECONDS, retry_fired, watch);
  else
    watch_failed (watch, error);
}

static void
inbox_synced_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Watch *watch = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_imap_sync_folder_finish (PIGEON_ENGINE (source), result, &error))
    {
      watch_failed (watch, error);
      return;
    }
  watch->backoff = 0;
  watch->reported = FALSE;
  pigeon_imap_session_idle_async (watch->session, watch->cancellable, idle_done_cb, watch);
}

static void
watch_sync (Watch *watch)
{
  pigeon_engine_imap_sync_folder_async (watch->engine, watch->account, watch->session, watch->inbox, FALSE,
                                        &watch->progress, watch->cancellable, inbox_synced_cb, watch);
}

static void
inbox_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Watch *watch = user_data;
  g_autoptr (GError) error = NULL;

  g_clear_object (&watch->inbox);
  watch->inbox = pigeon_engine_ensure_folder_finish (PIGEON_ENGINE (source), result, &error);
  if (watch->inbox == NULL)
    watch_failed (watch, error);
  else
    watch_sync (watch);
}

static void
opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Watch *watch = user_data;
  g_autoptr (GError) error = NULL;
  PigeonFolder *inbox;

  watch->session = pigeon_engine_open_imap_finish (PIGEON_ENGINE (source), result, &error);
  if (watch->session == NULL)
    {
      watch_failed (watch, error);
      return;
    }
  inbox = pigeon_engine_find_role (watch->engine, watch->account, PIGEON_FOLDER_ROLE_INBOX);
  pigeon_engine_ensure_folder_async (watch->engine, watch->account,
                                     inbox != NULL ? pigeon_folder_get_path (inbox) : "INBOX", PIGEON_FOLDER_ROLE_INBOX,
                                     watch->cancellable, inbox_cb, watch);
}

static void
watch_connect (Watch *watch)
{
  pigeon_engine_open_imap_async (watch->engine, watch->account, watch->cancellable, opened_cb, watch);
}

/* A retry timer has no callback to see the cancellation: end it here. */
static void
cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  Watch *watch = user_data;

  if (watch->timer != 0)
    g_idle_add_once ((GSourceOnceFunc) watch_free, watch);
}

void
pigeon_engine_imap_watch (PigeonEngine *self, PigeonAccount *account, GCancellable *cancellable)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->engine = g_object_ref (self);
  watch->account = g_object_ref (account);
  watch->cancellable = g_object_ref (cancellable);
  watch->cancelled_handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), watch, NULL);
  watch_connect (watch);
}
