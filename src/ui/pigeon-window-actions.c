/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include "pigeon-composer.h"
#include "pigeon-window-private.h"

/* The win.* actions: the message list pane, the reader's buttons and the
 * keys use them by name; they act on the list's selection. */

static GtkApplication *
pigeon_window_get_app (PigeonWindow *self)
{
  return gtk_window_get_application (GTK_WINDOW (self));
}

static void
compose_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PigeonWindow *self = user_data;
  PigeonFolder *folder = pigeon_sidebar_get_selected_folder (self->sidebar);
  PigeonAccount *account = NULL;

  /* Write from the account whose folder is open. */
  if (folder != NULL)
    account =
        pigeon_store_lookup_account (pigeon_engine_get_store (self->engine), pigeon_folder_get_account_id (folder));
  pigeon_composer_present_new (pigeon_window_get_app (self), self->engine, account);
}

static void
present_reply (PigeonWindow *self, PigeonComposeMode mode)
{
  PigeonMessage *message = pigeon_message_list_pane_get_selected_message (self->message_list);

  if (message != NULL)
    pigeon_composer_present_reply (pigeon_window_get_app (self), self->engine, message, mode);
}

static void
reply_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  present_reply (user_data, PIGEON_COMPOSE_REPLY);
}

static void
reply_all_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  present_reply (user_data, PIGEON_COMPOSE_REPLY_ALL);
}

static void
forward_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  present_reply (user_data, PIGEON_COMPOSE_FORWARD);
}

static void
mark_read_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PigeonWindow *self = user_data;

  pigeon_message_list_pane_mark_selection_read (self->message_list, TRUE);
}

static void
mark_unread_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PigeonWindow *self = user_data;

  pigeon_message_list_pane_mark_selection_read (self->message_list, FALSE);
}

static void
toggle_flag_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PigeonWindow *self = user_data;

  pigeon_message_list_pane_toggle_selection_flag (self->message_list);
}

static void
delete_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PigeonWindow *self = user_data;

  pigeon_message_list_pane_delete_selection (self->message_list);
}

static void
archive_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PigeonWindow *self = user_data;

  pigeon_message_list_pane_archive_selection (self->message_list);
}

static void
move_to_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PigeonWindow *self = user_data;
  gint64 id = g_ascii_strtoll (g_variant_get_string (parameter, NULL), NULL, 10);
  PigeonFolder *folder = pigeon_store_lookup_folder (pigeon_engine_get_store (self->engine), id);

  if (folder != NULL)
    pigeon_message_list_pane_move_selection_to (self->message_list, folder);
}

static void
search_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PigeonWindow *self = user_data;

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
undo_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_undo_finish (PIGEON_ENGINE (source), result, &error))
    pigeon_window_show_toast (self, adw_toast_new (error->message));
}

static void
undo_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PigeonWindow *self = user_data;

  pigeon_engine_undo_async (self->engine, NULL, undo_done_cb, g_object_ref (self));
}

static const GActionEntry win_actions[] = {
  { "compose", compose_action },         { "reply", reply_action },         { "reply-all", reply_all_action },
  { "forward", forward_action },         { "mark-read", mark_read_action }, { "mark-unread", mark_unread_action },
  { "toggle-flag", toggle_flag_action }, { "delete", delete_action },       { "archive", archive_action },
  { "move-to", move_to_action, "s" },    { "search", search_action },       { "undo", undo_action },
};

/* Delete and A act on the message list only while it has the focus, so
 * they never take a key from the search entry or the reader. */
void
pigeon_window_add_list_shortcuts (PigeonWindow *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (controller),
      gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("Delete|KP_Delete"), gtk_named_action_new ("win.delete")));
  gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (controller),
      gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("a"), gtk_named_action_new ("win.archive")));
  gtk_widget_add_controller (self->list_slot, controller);
}

void
pigeon_window_add_actions (PigeonWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
}
