/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-address-entry.h"
#include "pigeon-composer-private.h"

/* Seconds between the last change and its autosave. */
#define AUTOSAVE_DELAY 3

/* The open composers, for the open-drafts file. */
static GList *open_composers;

/* Open drafts
 *
 * The ids of the drafts whose composer is open are kept in
 * $XDG_DATA_HOME/pigeon/open-drafts, one a line, so that the composers
 * that were open when the app died (or was killed) come back. */

static char *
open_drafts_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "pigeon", "open-drafts", NULL);
}

void
pigeon_composer_write_open_drafts (void)
{
  g_autofree char *path = open_drafts_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GString) contents = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  for (GList *l = open_composers; l != NULL; l = l->next)
    {
      PigeonComposer *composer = l->data;

      if (composer->draft_id > 0)
        g_string_append_printf (contents, "%" G_GINT64_FORMAT "\n", composer->draft_id);
    }
  /* g_file_set_contents() writes a new file and renames it over the old
   * one: a crash leaves the old list or the new one, never half of one. */
  if (g_mkdir_with_parents (dir, 0700) != 0 || !g_file_set_contents (path, contents->str, contents->len, &error))
    g_warning ("Cannot write %s: %s", path, error != NULL ? error->message : g_strerror (errno));
}

static GArray *
read_open_drafts (void)
{
  g_autofree char *path = open_drafts_path ();
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return ids;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gint64 id = g_ascii_strtoll (lines[i], NULL, 10);

      if (id > 0)
        g_array_append_val (ids, id);
    }
  return ids;
}

void
pigeon_composer_remember (PigeonComposer *self)
{
  open_composers = g_list_prepend (open_composers, self);
}

/* The composer goes away without being closed (the app quits and
 * destroys its windows): its draft stays listed, so that it opens again
 * at the next start, as after a crash. */
void
pigeon_composer_leave (PigeonComposer *self)
{
  open_composers = g_list_remove (open_composers, self);
}

void
pigeon_composer_forget (PigeonComposer *self)
{
  if (g_list_find (open_composers, self) == NULL)
    return;
  open_composers = g_list_remove (open_composers, self);
  pigeon_composer_write_open_drafts ();
}

/* Drafts
 *
 * A draft is saved a few seconds after the last change, when the window
 * closes with "Save Draft", and before a message waits for its undo
 * time. One save runs at a time; a change during a save makes another
 * one follow, and whoever waits for "saved" waits for the last one. */

gboolean
pigeon_composer_has_content (PigeonComposer *self)
{
  g_autofree char *body = NULL;

  g_return_val_if_fail (PIGEON_IS_COMPOSER (self), FALSE);

  body = pigeon_composer_dup_body (self);
  return !pigeon_address_entry_is_empty (PIGEON_ADDRESS_ENTRY (self->to_entry)) ||
         !pigeon_address_entry_is_empty (PIGEON_ADDRESS_ENTRY (self->cc_entry)) ||
         !pigeon_address_entry_is_empty (PIGEON_ADDRESS_ENTRY (self->bcc_entry)) ||
         *gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)) != '\0' || self->attachments->len > 0 ||
         g_strcmp0 (body, self->initial_body) != 0;
}

gint64
pigeon_composer_get_draft_id (PigeonComposer *self)
{
  g_return_val_if_fail (PIGEON_IS_COMPOSER (self), 0);

  return self->draft_id;
}

static void save_draft (PigeonComposer *self, GBytes *raw);

static void
finish_saves (PigeonComposer *self, const GError *error)
{
  g_autoptr (GPtrArray) waiters = g_steal_pointer (&self->save_waiters);

  self->save_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void
draft_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonComposer) self = user_data;
  g_autoptr (GError) error = NULL;
  gint64 id = 0;

  self->saving = FALSE;
  if (!pigeon_engine_save_draft_finish (PIGEON_ENGINE (source), result, &id, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot save the draft: %s", error->message);
      finish_saves (self, error);
      return;
    }
  if (self->draft_id != id)
    {
      self->draft_id = id;
      pigeon_composer_write_open_drafts ();
    }
  if (self->save_again)
    pigeon_composer_save_draft_async (self, NULL, NULL);
  else
    finish_saves (self, NULL);
}

static void
save_draft (PigeonComposer *self, GBytes *raw)
{
  g_autoptr (PigeonAccount) account = pigeon_composer_dup_account (self);

  self->saving = TRUE;
  pigeon_engine_save_draft_async (self->engine, account, self->draft_id, raw, self->cancellable, draft_saved_cb,
                                  g_object_ref (self));
}

static void
draft_built_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonComposer) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) raw = pigeon_composer_build_message_finish (self, result, &error);

  if (raw == NULL)
    {
      self->saving = FALSE;
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot build the draft: %s", error->message);
      finish_saves (self, error);
      return;
    }
  save_draft (self, raw);
}

void
pigeon_composer_save_draft_async (PigeonComposer *self, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (PigeonAccount) account = NULL;

  g_return_if_fail (PIGEON_IS_COMPOSER (self));

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  if (callback != NULL)
    {
      GTask *task = g_task_new (self, NULL, callback, user_data);

      g_task_set_source_tag (task, pigeon_composer_save_draft_async);
      g_ptr_array_add (self->save_waiters, task);
    }
  if (self->saving)
    {
      self->save_again = TRUE;
      return;
    }
  self->save_again = FALSE;
  account = pigeon_composer_dup_account (self);
  if (account == NULL)
    {
      g_autoptr (GError) error =
          g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("There is no account to save the draft in"));

      finish_saves (self, error);
      return;
    }
  self->saving = TRUE;
  pigeon_composer_build_message_async (self, account, draft_built_cb, g_object_ref (self));
}

gboolean
pigeon_composer_save_draft_finish (PigeonComposer *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
autosave_cb (gpointer user_data)
{
  PigeonComposer *self = user_data;

  self->autosave_id = 0;
  pigeon_composer_save_draft_async (self, NULL, NULL);
  return G_SOURCE_REMOVE;
}

void
pigeon_composer_schedule_autosave (PigeonComposer *self)
{
  /* Not before the fields are filled, while sending, nor for an empty
   * message. */
  if (self->initial_body == NULL || self->outgoing_account != NULL || !pigeon_composer_has_content (self))
    return;
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  self->autosave_id = g_timeout_add_seconds (AUTOSAVE_DELAY, autosave_cb, self);
}

void
pigeon_composer_field_changed_cb (PigeonComposer *self)
{
  pigeon_composer_schedule_autosave (self);
}

static void
draft_discarded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_discard_draft_finish (PIGEON_ENGINE (source), result, &error))
    g_warning ("Cannot discard the draft: %s", error->message);
}

/* The draft is sent or thrown away. */
void
pigeon_composer_discard_draft (PigeonComposer *self)
{
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  if (self->draft_id == 0)
    return;
  pigeon_engine_discard_draft_async (self->engine, self->draft_id, NULL, draft_discarded_cb, NULL);
  self->draft_id = 0;
  pigeon_composer_write_open_drafts ();
}

void
pigeon_composer_restore_drafts (GtkApplication *app, PigeonEngine *engine)
{
  g_autoptr (GArray) ids = read_open_drafts ();
  g_autoptr (GPtrArray) drafts = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));

  if (ids->len == 0)
    return;
  drafts = pigeon_store_list_drafts (pigeon_engine_get_store (engine), &error);
  if (drafts == NULL)
    {
      g_warning ("Cannot list the drafts: %s", error->message);
      return;
    }
  for (guint i = 0; i < drafts->len; i++)
    {
      PigeonDraft *draft = g_ptr_array_index (drafts, i);

      for (guint k = 0; k < ids->len; k++)
        if (g_array_index (ids, gint64, k) == draft->id)
          pigeon_composer_open_draft (engine, app, draft->raw, draft->id, draft->account_id);
    }
  /* Drafts that are gone (sent, discarded) leave the list. */
  pigeon_composer_write_open_drafts ();
}
