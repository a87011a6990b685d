/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-engine-private.h"

G_BEGIN_DECLS

/* Summaries are fetched this many UIDs at a time, one store transaction
 * each: a killed sync loses at most one batch. */
#define PIGEON_ENGINE_IMAP_BATCH 500
/* Bodies per UID FETCH BODY.PEEK[] for offline reading: at most this
 * many UIDs (the command line stays short) and this many bytes (one store
 * transaction each), or a single larger body. */
#define PIGEON_ENGINE_IMAP_BODY_BATCH 1000
#define PIGEON_ENGINE_IMAP_BODY_BATCH_BYTES (1024 * 1024)
/* The largest body downloaded (and the session's literal limit): a
 * larger message stays on the server until it is opened. */
#define PIGEON_ENGINE_IMAP_MAX_BODY (50 * 1024 * 1024)

/* pigeon-engine-imap.c: one sync of an IMAP account (folders, then each
 * folder); with @all_bodies, every body is downloaded, else those within
 * the account's offline period. */
void pigeon_engine_imap_sync_async (PigeonEngine *self,
                                    PigeonAccount *account,
                                    gboolean all_bodies,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean pigeon_engine_imap_sync_finish (PigeonEngine *self, GAsyncResult *result, GError **error);

/* pigeon-engine-imap-folder.c: syncs @folder over @session (signed in):
 * SELECT (EXAMINE), flag changes and expunges, new summaries newest
 * first, then bodies (see above); the folder's state is recorded last,
 * so a killed sync starts again from the state before. @progress counts
 * the account's messages across folders (done, total). */
typedef struct
{
  guint done;
  guint total;
} PigeonEngineImapProgress;

void pigeon_engine_imap_sync_folder_async (PigeonEngine *self,
                                           PigeonAccount *account,
                                           PigeonImapSession *session,
                                           PigeonFolder *folder,
                                           gboolean all_bodies,
                                           PigeonEngineImapProgress *progress,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
gboolean pigeon_engine_imap_sync_folder_finish (PigeonEngine *self, GAsyncResult *result, GError **error);

/* The sections fetched with PIGEON_IMAP_FETCH_SUMMARY: References, which
 * ENVELOPE lacks (RFC 3501 7.4.2) and threading needs. */
extern const char *const pigeon_engine_imap_summary_sections[];

/* A summary for the store from a FETCH of PIGEON_IMAP_FETCH_SUMMARY and
 * pigeon_engine_imap_summary_sections. */
PigeonMessageInfo *pigeon_engine_imap_info_from_fetch (PigeonImapFetch *fetch);

/* pigeon-engine-imap-idle.c: keeps the account's Inbox in IDLE (RFC 2177)
 * over a session of its own and syncs it when it changes; reconnects with
 * a growing delay after a failure, until @cancellable is cancelled. */
void pigeon_engine_imap_watch (PigeonEngine *self, PigeonAccount *account, GCancellable *cancellable);

G_END_DECLS
