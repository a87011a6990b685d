/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-new-mail.h"

struct _PigeonNewMail
{
  GObject parent_instance;

  GtkApplication *app; /* not owned: the application owns this */
  PigeonEngine *engine;
  GSettings *settings;
  GHashTable *unread;  /* inbox folder id -> its last unread count */
  GHashTable *counts;  /* account id -> messages notified and not seen */
  GHashTable *watched; /* folder lists whose items-changed is connected */
};

G_DEFINE_FINAL_TYPE (PigeonNewMail, pigeon_new_mail, G_TYPE_OBJECT)

static void watch_inboxes (PigeonNewMail *self);

static gint64 *
id_key (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

/* The newest message of @inbox, if it is unread. */
static PigeonMessage *
newest_unread (PigeonNewMail *self, PigeonFolder *inbox)
{
  PigeonStore *store = pigeon_engine_get_store (self->engine);
  g_autoptr (PigeonMessageList) list = pigeon_store_list_folder (store, inbox, PIGEON_SORT_DATE, TRUE, NULL);
  g_autoptr (PigeonMessage) message = NULL;

  if (list == NULL || g_list_model_get_n_items (G_LIST_MODEL (list)) == 0)
    return NULL;
  message = g_list_model_get_item (G_LIST_MODEL (list), 0);
  return pigeon_message_get_unread (message) ? g_steal_pointer (&message) : NULL;
}

/* A Pigeon window has the focus: the user sees the new mail come. */
static gboolean
window_is_active (PigeonNewMail *self)
{
  GtkWindow *window = gtk_application_get_active_window (self->app);

  return window != NULL && gtk_window_is_active (window);
}

static void
send_notification (PigeonNewMail *self, PigeonFolder *inbox, guint count)
{
  PigeonStore *store = pigeon_engine_get_store (self->engine);
  PigeonAccount *account = pigeon_store_lookup_account (store, pigeon_folder_get_account_id (inbox));
  const char *name = pigeon_account_get_display_name (account);
  g_autoptr (PigeonMessage) newest = newest_unread (self, inbox);
  g_autofree char *id = g_strdup_printf ("new-mail-%" G_GINT64_FORMAT, pigeon_account_get_id (account));
  g_autofree char *title = NULL;
  g_autoptr (GNotification) notification = NULL;

  if (name == NULL || *name == '\0')
    name = pigeon_account_get_address (account);
  /* Translators: %u is a number of messages, %s an account's name. */
  title = g_strdup_printf (ngettext ("%u new message in %s", "%u new messages in %s", count), count, name);
  notification = g_notification_new (title);
  if (newest != NULL)
    {
      const char *from = pigeon_message_get_from (newest);
      const char *subject = pigeon_message_get_subject (newest);
      /* Translators: the sender, then the subject of the newest message. */
      g_autofree char *body = g_strdup_printf (_ ("%s: %s"), from != NULL ? from : _ ("Unknown sender"),
                                               subject != NULL ? subject : _ ("No subject"));

      g_notification_set_body (notification, body);
      g_notification_set_default_action_and_target (notification, "app.show-message", "(xx)",
                                                    pigeon_folder_get_id (inbox), pigeon_message_get_id (newest));
    }
  g_application_send_notification (G_APPLICATION (self->app), id, notification);
}

static void
inbox_unread_cb (PigeonFolder *inbox, GParamSpec *pspec, gpointer user_data)
{
  PigeonNewMail *self = user_data;
  gint64 folder_id = pigeon_folder_get_id (inbox);
  gint64 account_id = pigeon_folder_get_account_id (inbox);
  guint before = GPOINTER_TO_UINT (g_hash_table_lookup (self->unread, &folder_id));
  guint now = pigeon_folder_get_unread (inbox);
  guint count;

  g_hash_table_insert (self->unread, id_key (folder_id), GUINT_TO_POINTER (now));
  if (now <= before || !g_settings_get_boolean (self->settings, "show-notifications") || window_is_active (self))
    return;
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, &account_id)) + now - before;
  g_hash_table_insert (self->counts, id_key (account_id), GUINT_TO_POINTER (count));
  send_notification (self, inbox, count);
}

static void
folders_changed_cb (GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  watch_inboxes (user_data);
}

static void
watch_list (PigeonNewMail *self, GListModel *list)
{
  if (g_hash_table_contains (self->watched, list))
    return;
  g_hash_table_add (self->watched, g_object_ref (list));
  g_signal_connect_object (list, "items-changed", G_CALLBACK (folders_changed_cb), self, 0);
}

static void
watch_account (PigeonNewMail *self, PigeonAccount *account)
{
  GListModel *folders = pigeon_store_get_folders (pigeon_engine_get_store (self->engine), account);

  watch_list (self, folders);
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr (PigeonFolder) folder = g_list_model_get_item (folders, i);
      gint64 id = pigeon_folder_get_id (folder);

      if (pigeon_folder_get_role (folder) != PIGEON_FOLDER_ROLE_INBOX || g_hash_table_contains (self->unread, &id))
        continue;
      g_hash_table_insert (self->unread, id_key (id), GUINT_TO_POINTER (pigeon_folder_get_unread (folder)));
      g_signal_connect_object (folder, "notify::unread", G_CALLBACK (inbox_unread_cb), self, 0);
    }
}

/* Watches every account's Inbox, the ones added later too. */
static void
watch_inboxes (PigeonNewMail *self)
{
  GListModel *accounts = pigeon_engine_get_accounts (self->engine);

  watch_list (self, accounts);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, i);

      watch_account (self, account);
    }
}

/* A Pigeon window takes the focus: the user sees the mail, and the
 * notifications about it are old news. */
static void
window_active_cb (GtkWindow *window, GParamSpec *pspec, gpointer user_data)
{
  PigeonNewMail *self = user_data;
  GHashTableIter iter;
  gpointer account_id;

  if (!gtk_window_is_active (window))
    return;
  g_hash_table_iter_init (&iter, self->counts);
  while (g_hash_table_iter_next (&iter, &account_id, NULL))
    {
      g_autofree char *id = g_strdup_printf ("new-mail-%" G_GINT64_FORMAT, *(gint64 *) account_id);

      g_application_withdraw_notification (G_APPLICATION (self->app), id);
      g_hash_table_iter_remove (&iter);
    }
}

static void
window_added_cb (GtkApplication *app, GtkWindow *window, gpointer user_data)
{
  g_signal_connect_object (window, "notify::is-active", G_CALLBACK (window_active_cb), user_data, 0);
}

PigeonNewMail *
pigeon_new_mail_new (GtkApplication *app, PigeonEngine *engine)
{
  PigeonNewMail *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (PIGEON_IS_ENGINE (engine), NULL);

  self = g_object_new (PIGEON_TYPE_NEW_MAIL, NULL);
  self->app = app;
  self->engine = g_object_ref (engine);
  g_signal_connect_object (app, "window-added", G_CALLBACK (window_added_cb), self, 0);
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    window_added_cb (app, l->data, self);
  watch_inboxes (self);
  return self;
}

guint
pigeon_new_mail_get_count (PigeonNewMail *self, PigeonAccount *account)
{
  gint64 id;

  g_return_val_if_fail (PIGEON_IS_NEW_MAIL (self), 0);
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (account), 0);

  id = pigeon_account_get_id (account);
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, &id));
}

static void
pigeon_new_mail_dispose (GObject *object)
{
  PigeonNewMail *self = PIGEON_NEW_MAIL (object);

  g_clear_pointer (&self->watched, g_hash_table_destroy);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pigeon_new_mail_parent_class)->dispose (object);
}

static void
pigeon_new_mail_finalize (GObject *object)
{
  PigeonNewMail *self = PIGEON_NEW_MAIL (object);

  g_hash_table_destroy (self->unread);
  g_hash_table_destroy (self->counts);

  G_OBJECT_CLASS (pigeon_new_mail_parent_class)->finalize (object);
}

static void
pigeon_new_mail_class_init (PigeonNewMailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pigeon_new_mail_dispose;
  object_class->finalize = pigeon_new_mail_finalize;
}

static void
pigeon_new_mail_init (PigeonNewMail *self)
{
  self->settings = g_settings_new (SCHEMA_ID);
  self->unread = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->watched = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
}
