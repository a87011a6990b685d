/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-connection.h"
#include "pigeon-imap-fetch.h"
#include "pigeon-imap-response.h"
#include "pigeon-sasl.h"

G_BEGIN_DECLS

#define PIGEON_IMAP_DEFAULT_MAX_LITERAL (100 * 1024 * 1024)
/* RFC 2177 3: re-issue IDLE at least every 29 minutes. */
#define PIGEON_IMAP_DEFAULT_IDLE_SECONDS (25 * 60)

#define PIGEON_TYPE_IMAP_SESSION (pigeon_imap_session_get_type ())
G_DECLARE_FINAL_TYPE (PigeonImapSession, pigeon_imap_session, PIGEON, IMAP_SESSION, GObject)

/* An IMAP session (RFC 3501, RFC 9051) over @connection, which must not be
 * connected yet: open connects it.
 *
 * Commands may be started while others run: they are tagged and
 * pipelined, except those that change the session's state (SELECT,
 * STARTTLS, authentication, IDLE, ...), which wait for the others and
 * hold back the ones after them. Untagged responses are taken at any
 * time and reported through signals:
 *   "exists"   (guint count)
 *   "expunged" (guint sequence number)
 *   "vanished" (const char *uid_set, gboolean earlier)  RFC 7162 3.2.10
 *   "fetch"    (PigeonImapFetch *)  a FETCH that no command asked for
 *                                    (flags changed by another client)
 *   "flags"    (const char *const *flags) the folder's flags
 *   "alert"    (const char *text)  RFC 3501 7.1: to be shown to the
 *              person; markup-escaped, and only when it came over TLS
 *   "bye"      (const char *text)
 * A failure of the connection, a BYE or a malformed response ends the
 * session: every command then fails. */
PigeonImapSession *pigeon_imap_session_new (PigeonConnection *connection);
PigeonConnection *pigeon_imap_session_get_connection (PigeonImapSession *self);
/* The largest literal accepted (a message body). */
void pigeon_imap_session_set_max_literal (PigeonImapSession *self, guint64 max_literal);
/* How long one IDLE lasts before it is re-issued (1..1740 s). */
void pigeon_imap_session_set_idle_interval (PigeonImapSession *self, guint seconds);

/* Connects, reads the greeting (OK, or PREAUTH, which is refused unless
 * the connection is TLS from the start), asks CAPABILITY unless the
 * greeting had it, upgrades with STARTTLS when the connection's security
 * says so and asks CAPABILITY again, signs in (AUTHENTICATE with the
 * best SASL mechanism of @credentials, with SASL-IR when offered, else
 * LOGIN unless LOGINDISABLED), takes the capabilities after login, and
 * enables CONDSTORE/QRESYNC, UTF8=ACCEPT and IMAP4rev2 when offered.
 * No credential crosses a connection that is neither TLS nor loopback. */
void pigeon_imap_session_open_async (PigeonImapSession *self,
                                     PigeonSasl *credentials,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean pigeon_imap_session_open_finish (PigeonImapSession *self, GAsyncResult *result, GError **error);

gboolean pigeon_imap_session_has_capability (PigeonImapSession *self, const char *capability);
/* The last CAPABILITY list, upper-case. */
const char *const *pigeon_imap_session_get_capabilities (PigeonImapSession *self);
/* What ENABLE turned on ("CONDSTORE", "QRESYNC", "UTF8=ACCEPT", "IMAP4REV2"). */
gboolean pigeon_imap_session_is_enabled (PigeonImapSession *self, const char *extension);
/* The selected folder, or NULL. */
const PigeonImapSelected *pigeon_imap_session_get_selected (PigeonImapSession *self);

/* A command whose result is only OK (or an error with the server's text). */
gboolean pigeon_imap_session_command_finish (PigeonImapSession *self, GAsyncResult *result, GError **error);

void pigeon_imap_session_noop_async (PigeonImapSession *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
void pigeon_imap_session_create_async (PigeonImapSession *self,
                                       const char *mailbox,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
void pigeon_imap_session_delete_async (PigeonImapSession *self,
                                       const char *mailbox,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
void pigeon_imap_session_rename_async (PigeonImapSession *self,
                                       const char *mailbox,
                                       const char *new_name,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
void pigeon_imap_session_subscribe_async (PigeonImapSession *self,
                                          const char *mailbox,
                                          gboolean subscribe,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
/* UNSELECT (RFC 3691) when offered, else a SELECT of a name no server has,
 * which leaves the folder without expunging (RFC 3501 6.3.1). */
void pigeon_imap_session_unselect_async (PigeonImapSession *self,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
/* CLOSE: removes the messages marked \Deleted. Only when asked. */
void pigeon_imap_session_close_async (PigeonImapSession *self,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
void pigeon_imap_session_logout_async (PigeonImapSession *self,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
/* UID EXPUNGE (RFC 4315) of exactly @uid_set; fails with
 * PIGEON_IMAP_ERROR_UNSUPPORTED, sending nothing, without UIDPLUS. */
void pigeon_imap_session_expunge_async (PigeonImapSession *self,
                                        const char *uid_set,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);

/* NAMESPACE (RFC 2342): the personal namespace's prefix and delimiter. */
void pigeon_imap_session_namespace_async (PigeonImapSession *self,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
char *
pigeon_imap_session_namespace_finish (PigeonImapSession *self, GAsyncResult *result, char *delimiter, GError **error);

/* ID (RFC 2971): sends @client (name/value pairs, NULL-terminated) and
 * returns the server's as a GHashTable (empty when it sent NIL). */
void pigeon_imap_session_id_async (PigeonImapSession *self,
                                   const char *const *client,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
GHashTable *pigeon_imap_session_id_finish (PigeonImapSession *self, GAsyncResult *result, GError **error);

/* LIST "" "*" with SPECIAL-USE roles (RFC 6154) and, with @with_status,
 * counts from LIST-STATUS (RFC 5819) when offered, else one STATUS per
 * selectable folder (pipelined). A GPtrArray of PigeonImapMailbox. */
void pigeon_imap_session_list_async (PigeonImapSession *self,
                                     gboolean with_status,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
GPtrArray *pigeon_imap_session_list_finish (PigeonImapSession *self, GAsyncResult *result, GError **error);

/* STATUS (MESSAGES UNSEEN UIDNEXT UIDVALIDITY [HIGHESTMODSEQ]). */
void pigeon_imap_session_status_async (PigeonImapSession *self,
                                       const char *mailbox,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
PigeonImapMailbox *pigeon_imap_session_status_finish (PigeonImapSession *self, GAsyncResult *result, GError **error);

/* Called for each message a command fetched, in the order they arrive;
 * @fetch belongs to the session (copy what you keep). */
typedef void (*PigeonImapFetchFunc) (PigeonImapFetch *fetch, gpointer user_data);

/* What the caller knows of a folder, for QRESYNC (RFC 7162 3.2.5). */
typedef struct
{
  guint32 uidvalidity;
  guint64 highestmodseq;
  const char *known_uids; /* a UID set, or NULL */
} PigeonImapKnownState;

/* SELECT (or EXAMINE when @read_only) with CONDSTORE, or with QRESYNC
 * and @known: the changes since @known come as FETCH responses through
 * @func and as a vanished set in the result. When @known has a
 * uidvalidity and the folder's differs, the folder is selected but the
 * call fails with PIGEON_IMAP_ERROR_UIDVALIDITY_CHANGED: drop the cache. */
void pigeon_imap_session_select_async (PigeonImapSession *self,
                                       const char *mailbox,
                                       gboolean read_only,
                                       const PigeonImapKnownState *known,
                                       PigeonImapFetchFunc func,
                                       gpointer func_data,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
PigeonImapSelected *pigeon_imap_session_select_finish (PigeonImapSession *self, GAsyncResult *result, GError **error);

/* UID FETCH @uid_set (@items, and @sections such as "1.2", "1<0.2048>" or
 * "HEADER.FIELDS (REFERENCES)" as BODY.PEEK[...]; a section that is none
 * of these, or a field list of other than atoms, is left out); with @changed_since > 0, (CHANGEDSINCE n) and
 * MODSEQ (RFC 7162 3.1.4); with QRESYNC also VANISHED. Each message goes
 * to @func as it is parsed, nothing is kept: memory does not grow with
 * the folder. The result is the number of messages. */
void pigeon_imap_session_fetch_async (PigeonImapSession *self,
                                      const char *uid_set,
                                      PigeonImapFetchItems items,
                                      const char *const *sections,
                                      guint64 changed_since,
                                      PigeonImapFetchFunc func,
                                      gpointer func_data,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
guint pigeon_imap_session_fetch_finish (PigeonImapSession *self, GAsyncResult *result, GError **error);

typedef enum
{
  PIGEON_IMAP_STORE_ADD,
  PIGEON_IMAP_STORE_REMOVE,
  PIGEON_IMAP_STORE_REPLACE,
} PigeonImapStoreMode;

/* UID STORE @uid_set +FLAGS.SILENT / -FLAGS.SILENT / FLAGS.SILENT, with
 * (UNCHANGEDSINCE n) when @unchanged_since > 0. Fails with
 * PIGEON_IMAP_ERROR_MODIFIED (the message is the MODIFIED set) when some
 * messages changed since then; the others were stored. */
void pigeon_imap_session_store_async (PigeonImapSession *self,
                                      const char *uid_set,
                                      PigeonImapStoreMode mode,
                                      const char *const *flags,
                                      guint64 unchanged_since,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);

/* RFC 4315 COPYUID / APPENDUID; zero/NULL when the server did not say. */
typedef struct
{
  guint32 uidvalidity;
  char *source_uids;
  char *dest_uids;
  /* A move by COPY + STORE \Deleted: TRUE once UID EXPUNGE removed the
   * originals; FALSE means they are still there, marked \Deleted. */
  gboolean expunged;
} PigeonImapCopyResult;

void pigeon_imap_copy_result_free (PigeonImapCopyResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonImapCopyResult, pigeon_imap_copy_result_free)

void pigeon_imap_session_copy_async (PigeonImapSession *self,
                                     const char *uid_set,
                                     const char *destination,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
/* UID MOVE (RFC 6851) when offered; otherwise UID COPY, then UID STORE
 * +FLAGS.SILENT (\Deleted), then UID EXPUNGE of only those UIDs when
 * UIDPLUS is offered. Never a bare EXPUNGE. */
void pigeon_imap_session_move_async (PigeonImapSession *self,
                                     const char *uid_set,
                                     const char *destination,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
PigeonImapCopyResult *pigeon_imap_session_copy_finish (PigeonImapSession *self, GAsyncResult *result, GError **error);

/* APPEND (RFC 3501 6.3.11) with @flags and @internal_time (0: the
 * server's now). The result's dest_uids holds the APPENDUID. */
void pigeon_imap_session_append_async (PigeonImapSession *self,
                                       const char *mailbox,
                                       const char *const *flags,
                                       gint64 internal_time,
                                       GBytes *message,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);

/* UID SEARCH [CHARSET UTF-8] @criteria [@text]: @criteria are search keys
 * as IMAP has them ("UNSEEN", "SINCE 1-Jan-2024 SUBJECT"), @text an
 * optional last argument sent as a string (a literal when it needs one).
 * With ESEARCH (RFC 4731), RETURN (ALL). A sorted GArray of guint32. */
void pigeon_imap_session_search_async (PigeonImapSession *self,
                                       const char *criteria,
                                       const char *text,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
GArray *pigeon_imap_session_search_finish (PigeonImapSession *self, GAsyncResult *result, GError **error);

/* IDLE (RFC 2177) until the folder changes (EXISTS, EXPUNGE, VANISHED,
 * FETCH; the signals tell what), @cancellable is cancelled, or another
 * command is started; then DONE. Re-issued every idle interval. Without
 * IDLE, fails with PIGEON_IMAP_ERROR_UNSUPPORTED: poll with NOOP. */
void pigeon_imap_session_idle_async (PigeonImapSession *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);

G_END_DECLS
