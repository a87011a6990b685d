/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-imap-session-private.h"

/* The commands of a selected folder: SELECT/EXAMINE, FETCH, STORE,
 * COPY/MOVE, APPEND, SEARCH and IDLE. */

static gboolean
fail_unless_selected (PigeonImapSession *self, Command *command)
{
  if (self->selected != NULL)
    return FALSE;
  g_task_return_new_error (command->task, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_STATE, _ ("No folder is selected"));
  command_free (command);
  return TRUE;
}

static void
append_flags (Command *command, const char *const *flags)
{
  command_append (command, "(");
  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    {
      /* Flags are atoms (RFC 3501 flag-keyword); drop anything else. */
      if (strpbrk (flags[i], " ()\"{}%*]\r\n") != NULL || flags[i][0] == '\0')
        continue;
      command_append_printf (command, "%s%s", i > 0 ? " " : "", flags[i]);
    }
  command_append (command, ")");
}

/* ------------------------------------------------------------------ */
/* SELECT / EXAMINE (RFC 3501 6.3.1, RFC 7162 3.1.2, 3.2.5)            */

typedef struct
{
  PigeonImapSelected *selected;
  guint32 known_uidvalidity;
  PigeonImapFetchFunc func;
  gpointer func_data;
} SelectData;

static void
select_data_free (SelectData *data)
{
  pigeon_imap_selected_free (data->selected);
  g_free (data);
}

static char **
flags_from (PigeonImapValue *list)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **flags;

  for (guint i = 0; pigeon_imap_value_is_list (list) && i < list->n_items; i++)
    if (pigeon_imap_value_string (list->items[i]) != NULL)
      g_strv_builder_add (builder, list->items[i]->data);
  flags = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return flags;
}

static void
select_code (PigeonImapSelected *selected, PigeonImapResponse *response)
{
  guint64 n = 0;
  PigeonImapValue *arg = pigeon_imap_value_nth (response->code_args, 0);
  gboolean number = pigeon_imap_value_number (arg, &n);

  if (response->code == NULL)
    return;
  if (strcmp (response->code, "UIDVALIDITY") == 0 && number)
    selected->uidvalidity = n;
  else if (strcmp (response->code, "UIDNEXT") == 0 && number)
    selected->uidnext = n;
  else if (strcmp (response->code, "HIGHESTMODSEQ") == 0 && number)
    selected->highestmodseq = n;
  else if (strcmp (response->code, "NOMODSEQ") == 0)
    selected->highestmodseq = 0;
  else if (strcmp (response->code, "PERMANENTFLAGS") == 0)
    {
      g_strfreev (selected->permanent_flags);
      selected->permanent_flags = flags_from (arg);
    }
}

static gboolean
select_untagged (PigeonImapSession *self, Command *command, PigeonImapResponse *response)
{
  SelectData *data = command->data;
  PigeonImapSelected *selected = data->selected;

  if (response->status == PIGEON_IMAP_STATUS_OK)
    {
      select_code (selected, response);
      return response->code != NULL;
    }
  if (response_is_data (response, "EXISTS"))
    selected->exists = response->number;
  else if (response_is_data (response, "FLAGS"))
    {
      g_strfreev (selected->flags);
      selected->flags = flags_from (pigeon_imap_value_nth (response->args, 0));
    }
  else if (response_is_data (response, "VANISHED"))
    {
      /* RFC 7162 3.2.5.1: VANISHED (EARLIER) lists what was expunged. */
      const char *set = pigeon_imap_value_string (pigeon_imap_value_nth (response->args, 1));
      if (set == NULL)
        return FALSE;
      if (selected->vanished == NULL)
        selected->vanished = g_strdup (set);
      else
        {
          char *joined = g_strconcat (selected->vanished, ",", set, NULL);
          g_free (selected->vanished);
          selected->vanished = joined;
        }
    }
  else if (response_is_data (response, "FETCH") && data->func != NULL)
    {
      g_autoptr (PigeonImapFetch) fetch = pigeon_imap_fetch_parse (response);
      if (fetch == NULL)
        return FALSE;
      selected->changed++;
      data->func (fetch, data->func_data);
    }
  else
    return FALSE;
  return TRUE;
}

static PigeonImapSelected *
selected_copy (const PigeonImapSelected *s)
{
  PigeonImapSelected *copy = g_memdup2 (s, sizeof *s);

  copy->name = g_strdup (s->name);
  copy->flags = g_strdupv (s->flags);
  copy->permanent_flags = g_strdupv (s->permanent_flags);
  copy->vanished = g_strdup (s->vanished);
  return copy;
}

static void
select_done (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged)
{
  SelectData *data = command->data;

  data->selected->read_only = g_strcmp0 (tagged->code, "READ-ONLY") == 0;
  g_clear_pointer (&self->selected, pigeon_imap_selected_free);
  self->selected = selected_copy (data->selected);
  /* RFC 3501 2.3.1.1: a new UIDVALIDITY voids every UID known before. */
  if (data->known_uidvalidity != 0 && data->known_uidvalidity != data->selected->uidvalidity)
    g_task_return_new_error (command->task, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_UIDVALIDITY_CHANGED,
                             _ ("The folder %s was recreated on the server (UIDVALIDITY %u, was %u)"),
                             data->selected->name, data->selected->uidvalidity, data->known_uidvalidity);
  else
    g_task_return_pointer (command->task, g_steal_pointer (&data->selected),
                           (GDestroyNotify) pigeon_imap_selected_free);
}

void
pigeon_imap_session_select_async (PigeonImapSession *self,
                                  const char *mailbox,
                                  gboolean read_only,
                                  const PigeonImapKnownState *known,
                                  PigeonImapFetchFunc func,
                                  gpointer func_data,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  Command *command;
  SelectData *data;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL);

  command =
      command_new_public (self, COMMAND_BARRIER, pigeon_imap_session_select_async, cancellable, callback, user_data);
  data = g_new0 (SelectData, 1);
  data->selected = g_new0 (PigeonImapSelected, 1);
  data->selected->name = g_strdup (mailbox);
  data->known_uidvalidity = known != NULL ? known->uidvalidity : 0;
  data->func = func;
  data->func_data = func_data;
  command->data = data;
  command->data_free = (GDestroyNotify) select_data_free;
  command->untagged = select_untagged;
  command->done = select_done;
  /* A failed SELECT leaves nothing selected (RFC 3501 6.3.1). */
  g_clear_pointer (&self->selected, pigeon_imap_selected_free);
  command_append (command, read_only ? "EXAMINE " : "SELECT ");
  command_append_mailbox (self, command, mailbox);
  if (pigeon_imap_session_is_enabled (self, "QRESYNC") && known != NULL && known->uidvalidity != 0 &&
      known->highestmodseq != 0)
    {
      command_append_printf (command, " (QRESYNC (%u %" G_GUINT64_FORMAT, known->uidvalidity, known->highestmodseq);
      if (known->known_uids != NULL && *known->known_uids != '\0')
        command_append_printf (command, " %s", known->known_uids);
      command_append (command, "))");
    }
  else if (pigeon_imap_session_has_capability (self, "CONDSTORE") &&
           !pigeon_imap_session_is_enabled (self, "CONDSTORE"))
    command_append (command, " (CONDSTORE)");
  session_submit (self, command);
}

PigeonImapSelected *
pigeon_imap_session_select_finish (PigeonImapSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* UID FETCH (RFC 3501 6.4.5, 6.4.8; RFC 7162 3.1.4, 3.2.6)            */

typedef struct
{
  PigeonImapFetchFunc func;
  gpointer func_data;
  guint count;
} FetchData;

static gboolean
fetch_untagged (PigeonImapSession *self, Command *command, PigeonImapResponse *response)
{
  FetchData *data = command->data;
  g_autoptr (PigeonImapFetch) fetch = NULL;

  if (!response_is_data (response, "FETCH"))
    return FALSE;
  fetch = pigeon_imap_fetch_parse (response);
  if (fetch == NULL)
    {
      session_fail (self, g_error_new_literal (PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_PROTOCOL,
                                               _ ("The server sent a malformed FETCH response")));
      return TRUE;
    }
  /* Without a UID it is not an answer to UID FETCH (RFC 3501 6.4.8) but
   * news of another client's change: the "fetch" signal gets it. */
  if (!(fetch->present & PIGEON_IMAP_FETCH_UID))
    return FALSE;
  data->count++;
  if (data->func != NULL)
    data->func (fetch, data->func_data);
  return TRUE;
}

static void
fetch_done (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged)
{
  FetchData *data = command->data;

  g_task_return_int (command->task, data->count);
}

/* A header field name in a header-list: an atom (RFC 3501 9,
 * "header-fld-name" as an astring, kept to atoms), without ':' (RFC 5322
 * 3.6.8) nor '<', which would read as the start of a partial. */
static gboolean
is_field_name_char (char c)
{
  return c > 0x20 && c < 0x7f && strchr ("(){%*\"\\[]:<>", c) == NULL;
}

/* RFC 3501 6.4.5, 9: [part "."] "HEADER.FIELDS" [".NOT"] SP "(" name *(SP name) ")",
 * the only section with a space in it; anything else there is refused, so
 * that a section can never end the command line or the item list. */
static gboolean
is_header_fields_section (const char *section)
{
  const char *p = section;
  const char *origin;

  while (g_ascii_isdigit (*p))
    {
      while (g_ascii_isdigit (*p))
        p++;
      if (*p++ != '.')
        return FALSE;
    }
  if (g_ascii_strncasecmp (p, "HEADER.FIELDS", 13) != 0)
    return FALSE;
  p += 13;
  if (g_ascii_strncasecmp (p, ".NOT", 4) == 0)
    p += 4;
  if (*p++ != ' ' || *p++ != '(')
    return FALSE;
  for (;;)
    {
      const char *name = p;

      while (is_field_name_char (*p))
        p++;
      if (p == name)
        return FALSE;
      if (*p == ')')
        break;
      if (*p++ != ' ')
        return FALSE;
    }
  origin = p + 1;
  return *origin == '\0' || (*origin == '<' && strpbrk (origin, " \r\n[]\"()") == NULL);
}

static gboolean
is_valid_section (const char *section)
{
  return strpbrk (section, " \r\n[]\"") == NULL || is_header_fields_section (section);
}

static void
append_fetch_items (PigeonImapSession *self, Command *command, PigeonImapFetchItems items, const char *const *sections)
{
  static const struct
  {
    PigeonImapFetchItems item;
    const char *name;
  } names[] = {
    { PIGEON_IMAP_FETCH_FLAGS, "FLAGS" },
    { PIGEON_IMAP_FETCH_INTERNALDATE, "INTERNALDATE" },
    { PIGEON_IMAP_FETCH_SIZE, "RFC822.SIZE" },
    { PIGEON_IMAP_FETCH_ENVELOPE, "ENVELOPE" },
    { PIGEON_IMAP_FETCH_BODYSTRUCTURE, "BODYSTRUCTURE" },
    { PIGEON_IMAP_FETCH_HEADER, "BODY.PEEK[HEADER]" },
    { PIGEON_IMAP_FETCH_BODY, "BODY.PEEK[]" },
  };

  command_append (command, "(UID");
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (items & names[i].item)
      command_append_printf (command, " %s", names[i].name);
  if ((items & PIGEON_IMAP_FETCH_MODSEQ) && pigeon_imap_session_has_capability (self, "CONDSTORE"))
    command_append (command, " MODSEQ");
  for (guint i = 0; sections != NULL && sections[i] != NULL; i++)
    {
      const char *origin = strchr (sections[i], '<');
      if (!is_valid_section (sections[i]))
        continue;
      if (origin != NULL)
        command_append_printf (command, " BODY.PEEK[%.*s]%s", (int) (origin - sections[i]), sections[i], origin);
      else
        command_append_printf (command, " BODY.PEEK[%s]", sections[i]);
    }
  command_append (command, ")");
}

void
pigeon_imap_session_fetch_async (PigeonImapSession *self,
                                 const char *uid_set,
                                 PigeonImapFetchItems items,
                                 const char *const *sections,
                                 guint64 changed_since,
                                 PigeonImapFetchFunc func,
                                 gpointer func_data,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  Command *command;
  FetchData *data;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (uid_set != NULL);

  command =
      command_new_public (self, COMMAND_PIPELINE, pigeon_imap_session_fetch_async, cancellable, callback, user_data);
  if (fail_unless_selected (self, command))
    return;
  data = g_new0 (FetchData, 1);
  data->func = func;
  data->func_data = func_data;
  command->data = data;
  command->data_free = g_free;
  command->untagged = fetch_untagged;
  command->done = fetch_done;
  command_append_printf (command, "UID FETCH %s ", uid_set);
  append_fetch_items (self, command, items, sections);
  if (changed_since > 0 && pigeon_imap_session_has_capability (self, "CONDSTORE"))
    command_append_printf (command, " (CHANGEDSINCE %" G_GUINT64_FORMAT "%s)", changed_since,
                           pigeon_imap_session_is_enabled (self, "QRESYNC") ? " VANISHED" : "");
  session_submit (self, command);
}

guint
pigeon_imap_session_fetch_finish (PigeonImapSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  return g_task_propagate_int (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* UID STORE (RFC 3501 6.4.6, RFC 7162 3.1.3)                          */

static void
store_done (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged)
{
  if (g_strcmp0 (tagged->code, "MODIFIED") == 0)
    {
      const char *set = pigeon_imap_value_string (pigeon_imap_value_nth (tagged->code_args, 0));
      g_task_return_new_error (command->task, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_MODIFIED, "%s",
                               set != NULL ? set : "");
      return;
    }
  g_task_return_boolean (command->task, TRUE);
}

void
pigeon_imap_session_store_async (PigeonImapSession *self,
                                 const char *uid_set,
                                 PigeonImapStoreMode mode,
                                 const char *const *flags,
                                 guint64 unchanged_since,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  static const char *const modes[] = { "+FLAGS.SILENT", "-FLAGS.SILENT", "FLAGS.SILENT" };
  Command *command;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (uid_set != NULL && mode <= PIGEON_IMAP_STORE_REPLACE);

  command =
      command_new_public (self, COMMAND_PIPELINE, pigeon_imap_session_store_async, cancellable, callback, user_data);
  if (fail_unless_selected (self, command))
    return;
  command->done = store_done;
  command_append_printf (command, "UID STORE %s ", uid_set);
  if (unchanged_since > 0 && pigeon_imap_session_has_capability (self, "CONDSTORE"))
    command_append_printf (command, "(UNCHANGEDSINCE %" G_GUINT64_FORMAT ") ", unchanged_since);
  command_append_printf (command, "%s ", modes[mode]);
  append_flags (command, flags);
  session_submit (self, command);
}

/* ------------------------------------------------------------------ */
/* UID COPY, UID MOVE and the fallback (RFC 4315, RFC 6851)            */

void
pigeon_imap_copy_result_free (PigeonImapCopyResult *result)
{
  if (result == NULL)
    return;
  g_free (result->source_uids);
  g_free (result->dest_uids);
  g_free (result);
}

/* [COPYUID uidvalidity source dest] or [APPENDUID uidvalidity uids]. */
static void
copy_result_from_code (PigeonImapCopyResult *result, PigeonImapResponse *response)
{
  PigeonImapValue *args = response->code_args;
  guint64 n;

  if (g_strcmp0 (response->code, "COPYUID") == 0 && args->n_items >= 3)
    {
      if (pigeon_imap_value_number (args->items[0], &n))
        result->uidvalidity = n;
      g_free (result->source_uids);
      g_free (result->dest_uids);
      result->source_uids = g_strdup (pigeon_imap_value_string (args->items[1]));
      result->dest_uids = g_strdup (pigeon_imap_value_string (args->items[2]));
    }
  else if (g_strcmp0 (response->code, "APPENDUID") == 0 && args->n_items >= 2)
    {
      if (pigeon_imap_value_number (args->items[0], &n))
        result->uidvalidity = n;
      g_free (result->dest_uids);
      result->dest_uids = g_strdup (pigeon_imap_value_string (args->items[1]));
    }
}

/* RFC 6851 4.3: MOVE sends COPYUID in an untagged OK before the expunges. */
static gboolean
copy_untagged (PigeonImapSession *self, Command *command, PigeonImapResponse *response)
{
  if (response->status != PIGEON_IMAP_STATUS_OK || g_strcmp0 (response->code, "COPYUID") != 0)
    return FALSE;
  copy_result_from_code (command->data, response);
  return TRUE;
}

static void
copy_done (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged)
{
  PigeonImapCopyResult *result = command->data;

  copy_result_from_code (result, tagged);
  result->expunged = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (command->task), "pigeon-move"));
  g_task_return_pointer (command->task, g_steal_pointer (&command->data),
                         (GDestroyNotify) pigeon_imap_copy_result_free);
}

static void
copy_command (PigeonImapSession *self, const char *verb, const char *uid_set, const char *destination, GTask *task)
{
  Command *command = command_new (self, COMMAND_PIPELINE, task);

  if (fail_unless_selected (self, command))
    return;
  command->data = g_new0 (PigeonImapCopyResult, 1);
  command->data_free = (GDestroyNotify) pigeon_imap_copy_result_free;
  command->untagged = copy_untagged;
  command->done = copy_done;
  command_append_printf (command, "UID %s %s ", verb, uid_set);
  command_append_mailbox (self, command, destination);
  session_submit (self, command);
}

void
pigeon_imap_session_copy_async (PigeonImapSession *self,
                                const char *uid_set,
                                const char *destination,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (uid_set != NULL && destination != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_imap_session_copy_async);
  copy_command (self, "COPY", uid_set, destination, task);
}

typedef struct
{
  char *uid_set;
  PigeonImapCopyResult *result;
} MoveData;

static void
move_data_free (MoveData *data)
{
  g_free (data->uid_set);
  pigeon_imap_copy_result_free (data->result);
  g_free (data);
}

static void
on_move_expunged (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MoveData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!pigeon_imap_session_command_finish (PIGEON_IMAP_SESSION (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  data->result->expunged = TRUE;
  g_task_return_pointer (task, g_steal_pointer (&data->result), (GDestroyNotify) pigeon_imap_copy_result_free);
}

static void
on_move_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonImapSession *self = PIGEON_IMAP_SESSION (source);
  MoveData *data = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  if (!pigeon_imap_session_command_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Only UID EXPUNGE removes exactly these; without UIDPLUS the originals
   * stay, marked \Deleted, rather than expunging what others marked. */
  if (!pigeon_imap_session_has_capability (self, "UIDPLUS"))
    {
      g_task_return_pointer (task, g_steal_pointer (&data->result), (GDestroyNotify) pigeon_imap_copy_result_free);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  pigeon_imap_session_expunge_async (self, data->uid_set, cancellable, on_move_expunged, g_steal_pointer (&task));
}

static void
on_move_copied (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonImapSession *self = PIGEON_IMAP_SESSION (source);
  MoveData *data = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;
  static const char *const deleted[] = { "\\Deleted", NULL };

  data->result = g_task_propagate_pointer (G_TASK (result), &error);
  if (data->result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->result->expunged = FALSE;
  cancellable = g_task_get_cancellable (task);
  pigeon_imap_session_store_async (self, data->uid_set, PIGEON_IMAP_STORE_ADD, deleted, 0, cancellable, on_move_stored,
                                   g_steal_pointer (&task));
}

void
pigeon_imap_session_move_async (PigeonImapSession *self,
                                const char *uid_set,
                                const char *destination,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task;
  MoveData *data;
  GTask *copy;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (uid_set != NULL && destination != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_imap_session_move_async);
  if (pigeon_imap_session_has_capability (self, "MOVE") || pigeon_imap_session_is_enabled (self, "IMAP4REV2"))
    {
      g_object_set_data (G_OBJECT (task), "pigeon-move", GINT_TO_POINTER (TRUE));
      copy_command (self, "MOVE", uid_set, destination, task);
      return;
    }
  data = g_new0 (MoveData, 1);
  data->uid_set = g_strdup (uid_set);
  g_task_set_task_data (task, data, (GDestroyNotify) move_data_free);
  copy = g_task_new (self, cancellable, on_move_copied, task);
  copy_command (self, "COPY", uid_set, destination, copy);
}

PigeonImapCopyResult *
pigeon_imap_session_copy_finish (PigeonImapSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* APPEND (RFC 3501 6.3.11, RFC 4315 APPENDUID)                         */

static char *
format_date_time (gint64 unix_time)
{
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  if (dt == NULL)
    return NULL;
  return g_strdup_printf ("\"%2d-%s-%04d %02d:%02d:%02d +0000\"", g_date_time_get_day_of_month (dt),
                          months[g_date_time_get_month (dt) - 1], g_date_time_get_year (dt), g_date_time_get_hour (dt),
                          g_date_time_get_minute (dt), g_date_time_get_second (dt));
}

static void
append_done (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged)
{
  PigeonImapCopyResult *result = g_new0 (PigeonImapCopyResult, 1);

  copy_result_from_code (result, tagged);
  g_task_return_pointer (command->task, result, (GDestroyNotify) pigeon_imap_copy_result_free);
}

void
pigeon_imap_session_append_async (PigeonImapSession *self,
                                  const char *mailbox,
                                  const char *const *flags,
                                  gint64 internal_time,
                                  GBytes *message,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  Command *command;
  g_autofree char *date = NULL;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL && message != NULL);

  command =
      command_new_public (self, COMMAND_PIPELINE, pigeon_imap_session_append_async, cancellable, callback, user_data);
  command->done = append_done;
  command_append (command, "APPEND ");
  command_append_mailbox (self, command, mailbox);
  command_append (command, " ");
  append_flags (command, flags);
  date = internal_time > 0 ? format_date_time (internal_time) : NULL;
  if (date != NULL)
    command_append_printf (command, " %s", date);
  command_append (command, " ");
  command_append_literal (self, command, g_bytes_get_data (message, NULL), g_bytes_get_size (message));
  session_submit (self, command);
}

/* ------------------------------------------------------------------ */
/* UID SEARCH (RFC 3501 6.4.4, RFC 4731 ESEARCH)                        */

static gboolean
search_untagged (PigeonImapSession *self, Command *command, PigeonImapResponse *response)
{
  GArray *uids = command->data;
  PigeonImapValue *args = response->args;

  if (response_is_data (response, "SEARCH"))
    {
      for (guint i = 0; i < args->n_items; i++)
        {
          guint64 n;
          if (pigeon_imap_value_number (args->items[i], &n) && n > 0 && n <= G_MAXUINT32)
            {
              guint32 uid = n;
              g_array_append_val (uids, uid);
            }
        }
      return TRUE;
    }
  if (response_is_data (response, "ESEARCH"))
    {
      /* "* ESEARCH (TAG "P5") UID ALL 1:3,7": only this command's. */
      PigeonImapValue *correlator = pigeon_imap_value_nth (args, 0);
      const char *tag = pigeon_imap_value_string (pigeon_imap_value_nth (correlator, 1));
      if (tag != NULL && g_strcmp0 (tag, command->tag) != 0)
        return FALSE;
      for (guint i = 0; i + 1 < args->n_items; i++)
        if (pigeon_imap_value_is_atom (args->items[i], "ALL"))
          {
            g_autoptr (GArray) set =
                pigeon_imap_uid_set_parse (pigeon_imap_value_string (args->items[i + 1]), 10000000);
            if (set != NULL)
              g_array_append_vals (uids, set->data, set->len);
          }
      return TRUE;
    }
  return FALSE;
}

static int
compare_uid (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  return x < y ? -1 : x > y;
}

static void
search_done (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged)
{
  GArray *uids = g_steal_pointer (&command->data);

  g_array_sort (uids, compare_uid);
  g_task_return_pointer (command->task, uids, (GDestroyNotify) g_array_unref);
}

void
pigeon_imap_session_search_async (PigeonImapSession *self,
                                  const char *criteria,
                                  const char *text,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  Command *command;
  gboolean ascii = TRUE;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (criteria != NULL && strpbrk (criteria, "\r\n") == NULL);

  command =
      command_new_public (self, COMMAND_PIPELINE, pigeon_imap_session_search_async, cancellable, callback, user_data);
  if (fail_unless_selected (self, command))
    return;
  command->data = g_array_new (FALSE, FALSE, sizeof (guint32));
  command->data_free = (GDestroyNotify) g_array_unref;
  command->untagged = search_untagged;
  command->done = search_done;
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      ascii = FALSE;
  command_append (command, "UID SEARCH ");
  if (pigeon_imap_session_has_capability (self, "ESEARCH") || pigeon_imap_session_is_enabled (self, "IMAP4REV2"))
    command_append (command, "RETURN (ALL) ");
  /* RFC 6855 3: after UTF8=ACCEPT the strings are UTF-8 without CHARSET. */
  if (!ascii && !self->utf8)
    command_append (command, "CHARSET UTF-8 ");
  command_append (command, criteria);
  if (text != NULL)
    {
      command_append (command, " ");
      command_append_literal (self, command, (const guint8 *) text, strlen (text));
    }
  session_submit (self, command);
}

GArray *
pigeon_imap_session_search_finish (PigeonImapSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* IDLE (RFC 2177)                                                     */

typedef struct
{
  PigeonImapSession *self;
  guint timer;
  gulong cancelled_id;
  GCancellable *cancellable;
  gboolean done_sent;
  gboolean restart; /* the interval ran out: IDLE again */
} IdleData;

static void
idle_data_disarm (IdleData *data)
{
  g_clear_handle_id (&data->timer, g_source_remove);
  if (data->cancelled_id != 0)
    g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  data->cancelled_id = 0;
}

static void
idle_data_free (IdleData *data)
{
  idle_data_disarm (data);
  g_clear_object (&data->cancellable);
  g_free (data);
}

void
session_idle_stop (PigeonImapSession *self)
{
  IdleData *data;

  if (self->idle == NULL)
    return;
  data = self->idle->data;
  if (data->done_sent)
    return;
  data->done_sent = TRUE;
  idle_data_disarm (data);
  session_write_raw (self, "DONE\r\n", NULL);
}

static gboolean
on_idle_interval (gpointer user_data)
{
  IdleData *data = user_data;

  data->timer = 0;
  data->restart = TRUE;
  session_idle_stop (data->self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_idle_cancelled_idle (gpointer user_data)
{
  PigeonImapSession *self = user_data;

  session_idle_stop (self);
  return G_SOURCE_REMOVE;
}

static void
on_idle_cancelled (GCancellable *cancellable, gpointer user_data)
{
  IdleData *data = user_data;

  /* Not from inside g_cancellable_cancel(): disconnecting there deadlocks. */
  g_idle_add_full (G_PRIORITY_DEFAULT, on_idle_cancelled_idle, g_object_ref (data->self), g_object_unref);
}

static void
idle_continue (PigeonImapSession *self, Command *command, PigeonImapResponse *response)
{
  IdleData *data = command->data;

  self->idle = command;
  /* The server may stay silent for the whole interval. */
  pigeon_connection_set_timeouts (self->connection, 0, self->idle_seconds + 120, self->idle_seconds + 120);
  data->timer = g_timeout_add_seconds (self->idle_seconds, on_idle_interval, data);
  if (data->cancellable != NULL)
    data->cancelled_id = g_cancellable_connect (data->cancellable, G_CALLBACK (on_idle_cancelled), data, NULL);
  if (!g_queue_is_empty (&self->pending))
    session_idle_stop (self);
}

static gboolean
idle_untagged (PigeonImapSession *self, Command *command, PigeonImapResponse *response)
{
  if (response_is_data (response, "EXISTS") || response_is_data (response, "EXPUNGE") ||
      response_is_data (response, "VANISHED") || response_is_data (response, "FETCH"))
    session_idle_stop (self);
  /* The signals report it; a FETCH still goes to the "fetch" signal. */
  return FALSE;
}

static void submit_idle (PigeonImapSession *self, GTask *task);

static void
idle_done (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged)
{
  IdleData *data = command->data;

  pigeon_connection_set_timeouts (self->connection, 0, 0, 0);
  if (data->restart && g_queue_is_empty (&self->pending) &&
      (data->cancellable == NULL || !g_cancellable_is_cancelled (data->cancellable)))
    {
      submit_idle (self, g_object_ref (command->task));
      return;
    }
  g_task_return_boolean (command->task, TRUE);
}

static void
submit_idle (PigeonImapSession *self, GTask *task)
{
  Command *command = command_new (self, COMMAND_BARRIER, task);
  IdleData *data = g_new0 (IdleData, 1);

  data->self = self;
  data->cancellable = g_task_get_cancellable (task) != NULL ? g_object_ref (g_task_get_cancellable (task)) : NULL;
  command->data = data;
  command->data_free = (GDestroyNotify) idle_data_free;
  command->on_continue = idle_continue;
  command->untagged = idle_untagged;
  command->done = idle_done;
  command_append (command, "IDLE");
  session_submit (self, command);
}

void
pigeon_imap_session_idle_async (PigeonImapSession *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_imap_session_idle_async);
  g_task_set_check_cancellable (task, FALSE);
  if (!pigeon_imap_session_has_capability (self, "IDLE") && !pigeon_imap_session_is_enabled (self, "IMAP4REV2"))
    {
      g_task_return_new_error (task, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_UNSUPPORTED,
                               _ ("The server cannot report new mail as it arrives (no IDLE)"));
      g_object_unref (task);
      return;
    }
  submit_idle (self, task);
}
