/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-imap-session-private.h"

static void
simple_command (PigeonImapSession *self,
                CommandFlags flags,
                gpointer source_tag,
                const char *verb,
                const char *mailbox,
                const char *mailbox2,
                GCancellable *cancellable,
                GAsyncReadyCallback callback,
                gpointer user_data)
{
  Command *command = command_new_public (self, flags, source_tag, cancellable, callback, user_data);

  command_append (command, verb);
  if (mailbox != NULL)
    {
      command_append (command, " ");
      command_append_mailbox (self, command, mailbox);
    }
  if (mailbox2 != NULL)
    {
      command_append (command, " ");
      command_append_mailbox (self, command, mailbox2);
    }
  session_submit (self, command);
}

void
pigeon_imap_session_noop_async (PigeonImapSession *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  simple_command (self, COMMAND_PIPELINE, pigeon_imap_session_noop_async, "NOOP", NULL, NULL, cancellable, callback,
                  user_data);
}

void
pigeon_imap_session_create_async (PigeonImapSession *self,
                                  const char *mailbox,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL);
  simple_command (self, COMMAND_PIPELINE, pigeon_imap_session_create_async, "CREATE", mailbox, NULL, cancellable,
                  callback, user_data);
}

void
pigeon_imap_session_delete_async (PigeonImapSession *self,
                                  const char *mailbox,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL);
  simple_command (self, COMMAND_PIPELINE, pigeon_imap_session_delete_async, "DELETE", mailbox, NULL, cancellable,
                  callback, user_data);
}

void
pigeon_imap_session_rename_async (PigeonImapSession *self,
                                  const char *mailbox,
                                  const char *new_name,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL && new_name != NULL);
  simple_command (self, COMMAND_PIPELINE, pigeon_imap_session_rename_async, "RENAME", mailbox, new_name, cancellable,
                  callback, user_data);
}

void
pigeon_imap_session_subscribe_async (PigeonImapSession *self,
                                     const char *mailbox,
                                     gboolean subscribe,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL);
  simple_command (self, COMMAND_PIPELINE, pigeon_imap_session_subscribe_async, subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE",
                  mailbox, NULL, cancellable, callback, user_data);
}

static void
deselected (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged)
{
  g_clear_pointer (&self->selected, pigeon_imap_selected_free);
  g_task_return_boolean (command->task, TRUE);
}

void
pigeon_imap_session_unselect_async (PigeonImapSession *self,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  Command *command;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));

  command =
      command_new_public (self, COMMAND_BARRIER, pigeon_imap_session_unselect_async, cancellable, callback, user_data);
  command->done = deselected;
  if (pigeon_imap_session_has_capability (self, "UNSELECT") || pigeon_imap_session_is_enabled (self, "IMAP4REV2"))
    command_append (command, "UNSELECT");
  else
    {
      /* RFC 3501 6.3.1: a failed SELECT leaves no folder selected and
       * expunges nothing; the NO it gets is the expected answer. */
      command->no_is_ok = TRUE;
      command_append (command, "EXAMINE \"Pigeon/no such folder/\"");
    }
  session_submit (self, command);
}

void
pigeon_imap_session_close_async (PigeonImapSession *self,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  Command *command;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));

  command =
      command_new_public (self, COMMAND_BARRIER, pigeon_imap_session_close_async, cancellable, callback, user_data);
  command->done = deselected;
  command_append (command, "CLOSE");
  session_submit (self, command);
}

static void
logged_out (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged)
{
  g_task_return_boolean (command->task, TRUE);
  session_fail (self,
                g_error_new_literal (PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_STATE, _ ("The IMAP session is closed")));
}

void
pigeon_imap_session_logout_async (PigeonImapSession *self,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  Command *command;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));

  command =
      command_new_public (self, COMMAND_BARRIER, pigeon_imap_session_logout_async, cancellable, callback, user_data);
  command->done = logged_out;
  command_append (command, "LOGOUT");
  session_submit (self, command);
}

void
pigeon_imap_session_expunge_async (PigeonImapSession *self,
                                   const char *uid_set,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  Command *command;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (uid_set != NULL);

  command =
      command_new_public (self, COMMAND_PIPELINE, pigeon_imap_session_expunge_async, cancellable, callback, user_data);
  if (!pigeon_imap_session_has_capability (self, "UIDPLUS") && !pigeon_imap_session_is_enabled (self, "IMAP4REV2"))
    {
      g_task_return_new_error (command->task, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_UNSUPPORTED,
                               _ ("The server cannot expunge single messages (no UIDPLUS)"));
      command_free (command);
      return;
    }
  command_append_printf (command, "UID EXPUNGE %s", uid_set);
  session_submit (self, command);
}

/* ------------------------------------------------------------------ */
/* NAMESPACE, ID                                                       */

static gboolean
namespace_untagged (PigeonImapSession *self, Command *command, PigeonImapResponse *response)
{
  PigeonImapValue *personal;

  if (!response_is_data (response, "NAMESPACE"))
    return FALSE;
  personal = pigeon_imap_value_nth (pigeon_imap_value_nth (response->args, 0), 0);
  if (pigeon_imap_value_is_list (personal) && command->data == NULL)
    {
      const char *prefix = pigeon_imap_value_string (pigeon_imap_value_nth (personal, 0));
      const char *delim = pigeon_imap_value_string (pigeon_imap_value_nth (personal, 1));
      command->data =
          g_strdup_printf ("%c%s", delim != NULL && *delim != '\0' ? *delim : '\1', prefix != NULL ? prefix : "");
      command->data_free = g_free;
    }
  return TRUE;
}

static void
namespace_done (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged)
{
  g_task_return_pointer (command->task, g_strdup (command->data != NULL ? command->data : "\1"), g_free);
}

void
pigeon_imap_session_namespace_async (PigeonImapSession *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  Command *command;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));

  command = command_new_public (self, COMMAND_PIPELINE, pigeon_imap_session_namespace_async, cancellable, callback,
                                user_data);
  command->untagged = namespace_untagged;
  command->done = namespace_done;
  command_append (command, "NAMESPACE");
  session_submit (self, command);
}

char *
pigeon_imap_session_namespace_finish (PigeonImapSession *self, GAsyncResult *result, char *delimiter, GError **error)
{
  g_autofree char *packed = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  packed = g_task_propagate_pointer (G_TASK (result), error);
  if (packed == NULL)
    return NULL;
  if (delimiter != NULL)
    *delimiter = packed[0] == '\1' ? '\0' : packed[0];
  return g_strdup (packed + 1);
}

static gboolean
id_untagged (PigeonImapSession *self, Command *command, PigeonImapResponse *response)
{
  PigeonImapValue *list;

  if (!response_is_data (response, "ID"))
    return FALSE;
  list = pigeon_imap_value_nth (response->args, 0);
  for (guint i = 0; pigeon_imap_value_is_list (list) && i + 1 < list->n_items; i += 2)
    {
      const char *name = pigeon_imap_value_string (list->items[i]);
      const char *value = pigeon_imap_value_string (list->items[i + 1]);
      if (name != NULL && value != NULL)
        g_hash_table_replace (command->data, g_utf8_make_valid (name, -1), g_utf8_make_valid (value, -1));
    }
  return TRUE;
}

static void
id_done (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged)
{
  g_task_return_pointer (command->task, g_hash_table_ref (command->data), (GDestroyNotify) g_hash_table_unref);
}

void
pigeon_imap_session_id_async (PigeonImapSession *self,
                              const char *const *client,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  Command *command;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));

  command = command_new_public (self, COMMAND_PIPELINE, pigeon_imap_session_id_async, cancellable, callback, user_data);
  command->untagged = id_untagged;
  command->done = id_done;
  command->data = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  command->data_free = (GDestroyNotify) g_hash_table_unref;
  command_append (command, "ID ");
  if (client == NULL || client[0] == NULL)
    command_append (command, "NIL");
  else
    {
      command_append (command, "(");
      for (guint i = 0; client[i] != NULL && client[i + 1] != NULL; i += 2)
        {
          command_append (command, i > 0 ? " " : "");
          command_append_string (self, command, client[i]);
          command_append (command, " ");
          command_append_string (self, command, client[i + 1]);
        }
      command_append (command, ")");
    }
  session_submit (self, command);
}

GHashTable *
pigeon_imap_session_id_finish (PigeonImapSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* LIST and STATUS                                                     */

typedef struct
{
  GPtrArray *mailboxes;
  guint waiting; /* STATUS commands in flight for the fallback */
  GError *error;
} ListData;

static void
list_data_free (ListData *data)
{
  g_ptr_array_unref (data->mailboxes);
  g_clear_error (&data->error);
  g_free (data);
}

static PigeonImapMailbox *
find_mailbox (GPtrArray *mailboxes, const char *raw_name)
{
  for (guint i = 0; i < mailboxes->len; i++)
    {
      PigeonImapMailbox *mailbox = mailboxes->pdata[i];
      if (strcmp (mailbox->raw_name, raw_name) == 0)
        return mailbox;
    }
  return NULL;
}

static gboolean
list_untagged (PigeonImapSession *self, Command *command, PigeonImapResponse *response)
{
  ListData *data = command->data;

  if (response_is_data (response, "LIST"))
    {
      PigeonImapMailbox *mailbox = pigeon_imap_mailbox_parse (response, self->utf8);
      if (mailbox != NULL)
        g_ptr_array_add (data->mailboxes, mailbox);
      return TRUE;
    }
  if (response_is_data (response, "STATUS"))
    {
      const char *name = pigeon_imap_value_string (pigeon_imap_value_nth (response->args, 0));
      PigeonImapMailbox *mailbox = name != NULL ? find_mailbox (data->mailboxes, name) : NULL;
      if (mailbox != NULL)
        pigeon_imap_mailbox_apply_status (mailbox, pigeon_imap_value_nth (response->args, 1));
      return TRUE;
    }
  return FALSE;
}

static const char *
status_items (PigeonImapSession *self)
{
  return pigeon_imap_session_has_capability (self, "CONDSTORE") ? "(MESSAGES UNSEEN UIDNEXT UIDVALIDITY HIGHESTMODSEQ)"
                                                                : "(MESSAGES UNSEEN UIDNEXT UIDVALIDITY)";
}

static void
on_list_status (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ListData *data = g_task_get_task_data (task);
  g_autoptr (PigeonImapMailbox) status = NULL;
  g_autoptr (GError) error = NULL;

  status = pigeon_imap_session_status_finish (PIGEON_IMAP_SESSION (source), result, &error);
  if (status != NULL)
    {
      PigeonImapMailbox *mailbox = find_mailbox (data->mailboxes, status->raw_name);
      if (mailbox != NULL)
        {
          mailbox->has_status = TRUE;
          mailbox->messages = status->messages;
          mailbox->unseen = status->unseen;
          mailbox->uidnext = status->uidnext;
          mailbox->uidvalidity = status->uidvalidity;
          mailbox->highestmodseq = status->highestmodseq;
        }
    }
  else if (data->error == NULL && error->domain != PIGEON_IMAP_ERROR)
    data->error = g_steal_pointer (&error);
  if (--data->waiting > 0)
    return;
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_pointer (task, g_ptr_array_ref (data->mailboxes), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_done (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged)
{
  ListData *data = command->data;
  gboolean want_status = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (command->task), "pigeon-status-fallback"));

  if (want_status)
    for (guint i = 0; i < data->mailboxes->len; i++)
      {
        PigeonImapMailbox *mailbox = data->mailboxes->pdata[i];
        if (mailbox->noselect)
          continue;
        if (data->waiting++ == 0)
          g_task_set_task_data (command->task, g_steal_pointer (&command->data), (GDestroyNotify) list_data_free);
        pigeon_imap_session_status_async (self, mailbox->name, NULL, on_list_status, g_object_ref (command->task));
      }
  if (data->waiting == 0)
    g_task_return_pointer (command->task, g_ptr_array_ref (data->mailboxes), (GDestroyNotify) g_ptr_array_unref);
  else
    command->data_free = NULL;
}

void
pigeon_imap_session_list_async (PigeonImapSession *self,
                                gboolean with_status,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  Command *command;
  ListData *data;
  gboolean extended;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));

  command =
      command_new_public (self, COMMAND_PIPELINE, pigeon_imap_session_list_async, cancellable, callback, user_data);
  data = g_new0 (ListData, 1);
  data->mailboxes = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_imap_mailbox_free);
  command->data = data;
  command->data_free = (GDestroyNotify) list_data_free;
  command->untagged = list_untagged;
  command->done = list_done;
  extended =
      pigeon_imap_session_has_capability (self, "LIST-EXTENDED") || pigeon_imap_session_is_enabled (self, "IMAP4REV2");
  command_append (command, "LIST \"\" \"*\"");
  if (extended)
    {
      /* RFC 5258 RETURN options; RFC 6154 SPECIAL-USE; RFC 5819 STATUS. */
      command_append (command, " RETURN (SUBSCRIBED CHILDREN");
      if (pigeon_imap_session_has_capability (self, "SPECIAL-USE"))
        command_append (command, " SPECIAL-USE");
      if (with_status && (pigeon_imap_session_has_capability (self, "LIST-STATUS") ||
                          pigeon_imap_session_is_enabled (self, "IMAP4REV2")))
        command_append_printf (command, " STATUS %s", status_items (self));
      else if (with_status)
        g_object_set_data (G_OBJECT (command->task), "pigeon-status-fallback", GINT_TO_POINTER (1));
      command_append (command, ")");
    }
  else if (with_status)
    g_object_set_data (G_OBJECT (command->task), "pigeon-status-fallback", GINT_TO_POINTER (1));
  session_submit (self, command);
}

GPtrArray *
pigeon_imap_session_list_finish (PigeonImapSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
status_untagged (PigeonImapSession *self, Command *command, PigeonImapResponse *response)
{
  PigeonImapMailbox *mailbox = command->data;
  const char *name;

  if (!response_is_data (response, "STATUS"))
    return FALSE;
  name = pigeon_imap_value_string (pigeon_imap_value_nth (response->args, 0));
  if (name == NULL || strcmp (name, mailbox->raw_name) != 0)
    return FALSE;
  pigeon_imap_mailbox_apply_status (mailbox, pigeon_imap_value_nth (response->args, 1));
  return TRUE;
}

static void
status_done (PigeonImapSession *self, Command *command, PigeonImapResponse *tagged)
{
  g_task_return_pointer (command->task, g_steal_pointer (&command->data), (GDestroyNotify) pigeon_imap_mailbox_free);
}

void
pigeon_imap_session_status_async (PigeonImapSession *self,
                                  const char *mailbox,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  Command *command;
  PigeonImapMailbox *data;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL);

  command =
      command_new_public (self, COMMAND_PIPELINE, pigeon_imap_session_status_async, cancellable, callback, user_data);
  data = g_new0 (PigeonImapMailbox, 1);
  data->name = g_strdup (mailbox);
  data->raw_name = self->utf8 ? g_strdup (mailbox) : pigeon_imap_utf7_encode (mailbox);
  data->attributes = g_new0 (char *, 1);
  command->data = data;
  command->data_free = (GDestroyNotify) pigeon_imap_mailbox_free;
  command->untagged = status_untagged;
  command->done = status_done;
  command_append (command, "STATUS ");
  command_append_mailbox (self, command, mailbox);
  command_append_printf (command, " %s", status_items (self));
  session_submit (self, command);
}

PigeonImapMailbox *
pigeon_imap_session_status_finish (PigeonImapSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
