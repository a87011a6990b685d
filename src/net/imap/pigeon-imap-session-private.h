/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-imap-session.h"

G_BEGIN_DECLS

/* The session's machinery, shared by pigeon-imap-session.c (commands,
 * reading, dispatch, open) and pigeon-imap-session-commands.c (the IMAP
 * commands themselves). */

typedef struct _Command Command;

/* Offered each untagged response while the command is in flight, oldest
 * command first; TRUE when it took it. */
typedef gboolean (*CommandUntaggedFunc) (PigeonImapSession *self, Command *command, PigeonImapResponse *response);
/* Called with the tagged OK; must return command->task (or pass it on). */
typedef void (*CommandDoneFunc) (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged);
/* A "+" for this command. */
typedef void (*CommandContinueFunc) (PigeonImapSession *self, Command *command, PigeonImapResponse *response);

typedef enum
{
  COMMAND_PIPELINE = 0,
  /* Waits until nothing else is in flight, and holds back what follows
   * until its tagged response: it changes the session's state. */
  COMMAND_BARRIER = 1 << 0,
  /* The greeting: no tag, nothing written; takes the first response. */
  COMMAND_GREETING = 1 << 1,
  /* STARTTLS: reading stops at its tagged OK so that the handshake
   * starts before any byte after it is taken. */
  COMMAND_STARTTLS = 1 << 2,
} CommandFlags;

struct _Command
{
  char *tag;
  CommandFlags flags;
  /* What to write: segments[0], then after each "+" the next one when
   * literals are synchronizing; all at once otherwise. */
  GPtrArray *segments; /* GByteArray */
  guint next_segment;
  gboolean sync_literals;
  char *log_text; /* NULL: log what is written */
  GTask *task;
  CommandUntaggedFunc untagged;
  CommandDoneFunc done;
  CommandContinueFunc on_continue;
  gpointer data;
  GDestroyNotify data_free;
  /* Errors keep the server's text; this is the base code for NO. */
  PigeonImapError no_code;
  gboolean no_is_ok;
};

struct _PigeonImapSession
{
  GObject parent_instance;

  PigeonConnection *connection;
  PigeonImapParser *parser;
  GCancellable *cancellable;
  guint64 max_literal;
  guint idle_seconds;
  guint next_tag;

  GQueue pending;      /* Command, not yet written */
  GQueue inflight;     /* Command, written, waiting for the tagged response */
  Command *continuing; /* written in part; waits for "+" */
  GQueue out;          /* OutItem, waiting to be written, in order */
  gboolean writing;
  gboolean reading;
  gboolean paused; /* for STARTTLS */
  GError *fatal;
  char *bye;

  char **capabilities;
  GHashTable *enabled;
  gboolean utf8; /* UTF8=ACCEPT or IMAP4rev2 enabled: names are UTF-8 */
  PigeonImapSelected *selected;
  Command *idle; /* the IDLE in progress, once the server said "+" */
};

Command *command_new (PigeonImapSession *self, CommandFlags flags, GTask *task);
/* A command with a task of its own, for a public _async call. */
Command *command_new_public (PigeonImapSession *self,
                             CommandFlags flags,
                             gpointer source_tag,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
/* "* [n] NAME ...", a data response (not a status). */
gboolean response_is_data (PigeonImapResponse *response, const char *name);
void command_free (Command *command);
void command_append (Command *command, const char *text);
void command_append_printf (Command *command, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* A string argument: quoted, or a literal when it needs one. */
void command_append_string (PigeonImapSession *self, Command *command, const char *s);
void command_append_mailbox (PigeonImapSession *self, Command *command, const char *name);
void command_append_literal (PigeonImapSession *self, Command *command, const guint8 *data, gsize len);
/* Appends CRLF and queues @command. */
void session_submit (PigeonImapSession *self, Command *command);
/* Ends the session: every command fails with @error (taken). */
void session_fail (PigeonImapSession *self, GError *error);
void session_write_raw (PigeonImapSession *self, const char *text, const char *log_text);
void session_update_capabilities (PigeonImapSession *self, PigeonImapValue *list, guint first);
GError *session_check_open (PigeonImapSession *self);
/* Ends the IDLE in progress (DONE), if any. */
void session_idle_stop (PigeonImapSession *self);

G_END_DECLS
