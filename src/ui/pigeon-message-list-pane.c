/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-conversation-list.h"
#include "pigeon-message-list-pane.h"
#include "pigeon-message-row.h"
#include "pigeon-window.h"

/* A search with fewer local results than this also asks the servers, for
 * what the cache does not hold. */
#define SMALL_RESULT 50

typedef enum
{
  VIEW_NONE,
  VIEW_FOLDER,
  VIEW_ALL_INBOXES,
  VIEW_SEARCH,
} ViewKind;

typedef enum
{
  OPERATION_MOVE,
  OPERATION_DELETE,
  OPERATION_ARCHIVE,
} Operation;

struct _PigeonMessageListPane
{
  GtkWidget parent_instance;

  PigeonEngine *engine;
  GSettings *settings;
  /* The server search; cancelled by a new search and by dispose. */
  GCancellable *search_cancellable;

  ViewKind view;
  /* What a search returns to when it ends. */
  ViewKind base_view;
  PigeonFolder *folder; /* VIEW_FOLDER, or searched from it */
  char *query;          /* VIEW_SEARCH */
  GHashTable *inboxes;  /* VIEW_ALL_INBOXES: account id -> its Inbox */

  /* The model stack: see pigeon_message_list_pane_show_model(). */
  GListModel *messages;
  PigeonConversationList *conversations;
  PigeonMessageList *thread;
  GPtrArray *thread_members; /* the opened conversation's messages in this view */
  GtkMultiSelection *selection;

  PigeonMessage *selected_message;
  GtkWidget *context_menu;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  GtkButton *back_button;
  GtkLabel *title_label;
  GtkToggleButton *thread_button;
  GtkMenuButton *sort_button;
  GMenuModel *sort_menu;
  GtkStack *stack;
  GtkListView *list_view;
  AdwStatusPage *empty_page;
  AdwStatusPage *no_results_page;
  GtkSpinner *spinner;
};

G_DEFINE_FINAL_TYPE (PigeonMessageListPane, pigeon_message_list_pane, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ENGINE,
  PROP_SELECTED_MESSAGE,
  PROP_SORT_KEY,
  PROP_SORT_DESCENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pigeon_message_list_pane_reload (PigeonMessageListPane *self);
static void pigeon_message_list_pane_update_title (PigeonMessageListPane *self);

GtkWidget *
pigeon_message_list_pane_new (PigeonEngine *engine)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (engine), NULL);

  return g_object_new (PIGEON_TYPE_MESSAGE_LIST_PANE, "engine", engine, NULL);
}

static PigeonStore *
pigeon_message_list_pane_get_store (PigeonMessageListPane *self)
{
  return pigeon_engine_get_store (self->engine);
}

/* Toasts go to the main window's overlay, so they stay in view whatever
 * pane has the focus; a pane outside a PigeonWindow (a test) has its own. */
static void
pigeon_message_list_pane_show_toast (PigeonMessageListPane *self, AdwToast *toast)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (PIGEON_IS_WINDOW (root))
    pigeon_window_show_toast (PIGEON_WINDOW (root), toast);
  else
    adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* A toast's title is Pango markup; errors and folder names come from
 * servers. */
static AdwToast *
toast_new_plain (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  return adw_toast_new (escaped);
}

static void
pigeon_message_list_pane_show_error (PigeonMessageListPane *self, const GError *error)
{
  AdwToast *toast = toast_new_plain (error->message);

  adw_toast_set_timeout (toast, 0);
  pigeon_message_list_pane_show_toast (self, toast);
}

/* Selection */

static GListModel *
pigeon_message_list_pane_get_shown (PigeonMessageListPane *self)
{
  return self->selection != NULL ? gtk_multi_selection_get_model (self->selection) : NULL;
}

static void
pigeon_message_list_pane_update_selected_message (PigeonMessageListPane *self)
{
  g_autoptr (PigeonMessage) message = NULL;

  if (self->selection != NULL)
    {
      g_autoptr (GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

      if (gtk_bitset_get_size (selected) == 1)
        message = g_list_model_get_item (G_LIST_MODEL (self->selection), gtk_bitset_get_nth (selected, 0));
    }

  if (g_set_object (&self->selected_message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_MESSAGE]);
}

PigeonMessage *
pigeon_message_list_pane_get_selected_message (PigeonMessageListPane *self)
{
  g_return_val_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self), NULL);

  return self->selected_message;
}

GPtrArray *
pigeon_message_list_pane_get_selection (PigeonMessageListPane *self)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint position;

  g_return_val_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self), messages);

  if (self->selection == NULL)
    return messages;
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    g_ptr_array_add (messages, g_list_model_get_item (G_LIST_MODEL (self->selection), position));
  return messages;
}

static guint
pigeon_message_list_pane_get_first_selected (PigeonMessageListPane *self)
{
  g_autoptr (GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

  return gtk_bitset_get_minimum (selected);
}

/* What the actions work on: in the conversation view, a selected row
 * stands for every message of its conversation in the list. */
static GPtrArray *
pigeon_message_list_pane_get_acted_on (PigeonMessageListPane *self)
{
  g_autoptr (GPtrArray) selection = pigeon_message_list_pane_get_selection (self);
  GPtrArray *messages;

  if (self->conversations == NULL || self->thread != NULL)
    return g_steal_pointer (&selection);

  messages = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < selection->len; i++)
    {
      g_autoptr (GPtrArray) members = pigeon_conversation_list_get_members (self->conversations, selection->pdata[i]);

      for (guint j = 0; j < members->len; j++)
        g_ptr_array_add (messages, g_object_ref (members->pdata[j]));
    }
  return messages;
}

static void
selection_changed_cb (PigeonMessageListPane *self)
{
  pigeon_message_list_pane_update_selected_message (self);
}

/* Empty states */

static void
pigeon_message_list_pane_update_page (PigeonMessageListPane *self)
{
  GListModel *shown = pigeon_message_list_pane_get_shown (self);
  gboolean loading =
      PIGEON_IS_MESSAGE_LIST (self->messages) && pigeon_message_list_is_loading (PIGEON_MESSAGE_LIST (self->messages));
  const char *page;

  if (self->view == VIEW_NONE)
    page = "none";
  else if (shown != NULL && g_list_model_get_n_items (shown) > 0)
    page = "list";
  else if (loading)
    page = "loading";
  else if (self->view == VIEW_SEARCH)
    page = "no-results";
  else
    page = "empty";

  gtk_spinner_set_spinning (self->spinner, g_str_equal (page, "loading"));
  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
shown_items_changed_cb (PigeonMessageListPane *self)
{
  pigeon_message_list_pane_update_title (self);
  pigeon_message_list_pane_update_page (self);
}

/* Models */

/* The window's header names the folder; the pane's says how many rows
 * there are, or which conversation is open. */
static char *
pigeon_message_list_pane_describe (PigeonMessageListPane *self)
{
  GListModel *shown = pigeon_message_list_pane_get_shown (self);
  guint n = shown != NULL ? g_list_model_get_n_items (shown) : 0;
  g_autoptr (PigeonMessage) first = NULL;

  /* An opened conversation is named by its first message. */
  if (self->thread != NULL && (first = g_list_model_get_item (G_LIST_MODEL (self->thread), 0)) != NULL)
    return g_strdup (pigeon_message_get_subject (first) ?: "");
  if (self->view == VIEW_NONE)
    return g_strdup ("");
  if (self->view == VIEW_SEARCH)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u result", "%u results", n), n);
  if (self->conversations != NULL)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u conversation", "%u conversations", n), n);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message", "%u messages", n), n);
}

static void
pigeon_message_list_pane_update_title (PigeonMessageListPane *self)
{
  g_autofree char *title = pigeon_message_list_pane_describe (self);

  gtk_label_set_text (self->title_label, title);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), self->thread != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "list.close-conversation", self->thread != NULL);
}

/* The model stack under the list view:
 *
 *   self->messages: a folder or a search (PigeonMessageList, paged), or
 *                   All Inboxes (each Inbox's PigeonMessageList in a
 *                   GtkFlattenListModel, then a GtkSortListModel)
 *     -> [conversation view] PigeonConversationList (one row per thread)
 *     or [opened conversation] self->thread (pigeon_store_list_thread)
 *     -> GtkMultiSelection -> GtkListView (a PigeonMessageRow for each
 *        visible row only)
 */
static void
pigeon_message_list_pane_show_model (PigeonMessageListPane *self)
{
  GListModel *shown = NULL;

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);

  if (self->thread != NULL)
    shown = G_LIST_MODEL (self->thread);
  else if (self->conversations != NULL)
    shown = G_LIST_MODEL (self->conversations);
  else
    shown = self->messages;

  if (shown != NULL)
    {
      self->selection = gtk_multi_selection_new (g_object_ref (shown));
      g_signal_connect_swapped (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self);
      g_signal_connect_swapped (self->selection, "items-changed", G_CALLBACK (shown_items_changed_cb), self);
    }
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  pigeon_message_list_pane_update_title (self);
  pigeon_message_list_pane_update_page (self);
  pigeon_message_list_pane_update_selected_message (self);
}

static PigeonSortKey
pigeon_message_list_pane_get_sort_key (PigeonMessageListPane *self)
{
  g_autofree char *key = g_settings_get_string (self->settings, "sort-key");

  if (g_str_equal (key, "sender"))
    return PIGEON_SORT_SENDER;
  if (g_str_equal (key, "subject"))
    return PIGEON_SORT_SUBJECT;
  if (g_str_equal (key, "size"))
    return PIGEON_SORT_SIZE;
  return PIGEON_SORT_DATE;
}

/* Text keys compare as the store's lists do: ASCII letters without case. */
static int
compare_messages (gconstpointer a, gconstpointer b, gpointer user_data)
{
  PigeonMessageListPane *self = user_data;
  PigeonMessage *first = (PigeonMessage *) a, *second = (PigeonMessage *) b;
  int order = 0;

  switch (pigeon_message_list_pane_get_sort_key (self))
    {
    case PIGEON_SORT_SENDER:
      order = g_ascii_strcasecmp (pigeon_message_get_from (first) ?: "", pigeon_message_get_from (second) ?: "");
      break;
    case PIGEON_SORT_SUBJECT:
      order = g_ascii_strcasecmp (pigeon_message_get_subject (first) ?: "", pigeon_message_get_subject (second) ?: "");
      break;
    case PIGEON_SORT_SIZE:
      order = (pigeon_message_get_size (first) > pigeon_message_get_size (second)) -
              (pigeon_message_get_size (first) < pigeon_message_get_size (second));
      break;
    case PIGEON_SORT_DATE:
    default:
      order = (pigeon_message_get_date (first) > pigeon_message_get_date (second)) -
              (pigeon_message_get_date (first) < pigeon_message_get_date (second));
    }

  return g_settings_get_boolean (self->settings, "sort-descending") ? -order : order;
}

static PigeonFolder *
find_inbox (PigeonStore *store, PigeonAccount *account)
{
  GListModel *folders = pigeon_store_get_folders (store, account);
  guint n = g_list_model_get_n_items (folders);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PigeonFolder) folder = g_list_model_get_item (folders, i);

      if (pigeon_folder_get_role (folder) == PIGEON_FOLDER_ROLE_INBOX)
        return folder;
    }
  return NULL;
}

/* The store has no list over several folders, so All Inboxes merges each
 * Inbox's list in a GtkSortListModel. That model reads every row of every
 * Inbox (it builds every message object) instead of paging; a store-side
 * merged list would keep it paged. */
static GListModel *
pigeon_message_list_pane_load_all_inboxes (PigeonMessageListPane *self, GError **error)
{
  PigeonStore *store = pigeon_message_list_pane_get_store (self);
  GListModel *accounts = pigeon_store_get_accounts (store);
  GListStore *lists = g_list_store_new (G_TYPE_LIST_MODEL);
  GtkCustomSorter *sorter = gtk_custom_sorter_new (compare_messages, self, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, i);
      PigeonFolder *inbox = find_inbox (store, account);
      g_autoptr (PigeonMessageList) list = NULL;

      if (inbox == NULL)
        continue;
      list = pigeon_store_list_folder (store, inbox, PIGEON_SORT_DATE, TRUE, error);
      if (list == NULL)
        {
          g_object_unref (lists);
          g_object_unref (sorter);
          return NULL;
        }
      g_hash_table_insert (self->inboxes, g_memdup2 (&(gint64){ pigeon_account_get_id (account) }, sizeof (gint64)),
                           g_object_ref (inbox));
      g_list_store_append (lists, list);
    }

  return G_LIST_MODEL (
      gtk_sort_list_model_new (G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (lists))), GTK_SORTER (sorter)));
}

static GListModel *
pigeon_message_list_pane_load (PigeonMessageListPane *self, GError **error)
{
  PigeonStore *store = pigeon_message_list_pane_get_store (self);

  switch (self->view)
    {
    case VIEW_FOLDER:
      return G_LIST_MODEL (pigeon_store_list_folder (store, self->folder, pigeon_message_list_pane_get_sort_key (self),
                                                     g_settings_get_boolean (self->settings, "sort-descending"),
                                                     error));
    case VIEW_ALL_INBOXES:
      return pigeon_message_list_pane_load_all_inboxes (self, error);
    case VIEW_SEARCH:
      return G_LIST_MODEL (pigeon_store_search (store, NULL, self->query, error));
    case VIEW_NONE:
    default:
      return NULL;
    }
}

static void
pigeon_message_list_pane_close_conversation (PigeonMessageListPane *self)
{
  g_clear_object (&self->thread);
  g_ptr_array_set_size (self->thread_members, 0);
}

/* The conversation view groups self->messages; otherwise it shows them. */
static void
pigeon_message_list_pane_regroup (PigeonMessageListPane *self)
{
  pigeon_message_list_pane_close_conversation (self);
  g_clear_object (&self->conversations);
  if (self->messages != NULL && g_settings_get_boolean (self->settings, "thread-view"))
    self->conversations = pigeon_conversation_list_new (self->messages);
  pigeon_message_list_pane_show_model (self);
}

static void
messages_loading_cb (PigeonMessageListPane *self)
{
  pigeon_message_list_pane_update_page (self);
}

/* Reads the view's messages again (a new view, a new sort order). */
static void
pigeon_message_list_pane_reload (PigeonMessageListPane *self)
{
  g_autoptr (GError) error = NULL;

  if (self->messages != NULL)
    g_signal_handlers_disconnect_by_data (self->messages, self);
  g_clear_object (&self->messages);
  g_hash_table_remove_all (self->inboxes);

  self->messages = pigeon_message_list_pane_load (self, &error);
  if (self->messages == NULL && error != NULL)
    {
      /* A search the parser cannot read says why where the results go. */
      adw_status_page_set_description (self->no_results_page, error->message);
      if (self->view != VIEW_SEARCH)
        pigeon_message_list_pane_show_error (self, error);
    }
  else
    adw_status_page_set_description (self->no_results_page, NULL);

  if (PIGEON_IS_MESSAGE_LIST (self->messages))
    g_signal_connect_swapped (self->messages, "notify::loading", G_CALLBACK (messages_loading_cb), self);
  pigeon_message_list_pane_regroup (self);
}

static void
pigeon_message_list_pane_set_view (PigeonMessageListPane *self, ViewKind view, PigeonFolder *folder, const char *query)
{
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);

  self->view = view;
  if (view != VIEW_SEARCH)
    self->base_view = view;
  g_set_object (&self->folder, folder);
  g_free (self->query);
  self->query = g_strdup (query);
  pigeon_message_list_pane_reload (self);
}

void
pigeon_message_list_pane_set_folder (PigeonMessageListPane *self, PigeonFolder *folder)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));
  g_return_if_fail (folder == NULL || PIGEON_IS_FOLDER (folder));

  pigeon_message_list_pane_set_view (self, folder != NULL ? VIEW_FOLDER : VIEW_NONE, folder, NULL);
}

void
pigeon_message_list_pane_show_all_inboxes (PigeonMessageListPane *self)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));

  pigeon_message_list_pane_set_view (self, VIEW_ALL_INBOXES, NULL, NULL);
}

/* Search */

static void
search_server_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonMessageListPane) self = user_data;
  g_autoptr (GError) error = NULL;
  guint added = 0;

  if (!pigeon_engine_search_server_finish (PIGEON_ENGINE (source), result, &added, &error))
    {
      /* Without server search (POP3 only, or not there yet) the local
       * results are all there is. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_error_matches (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NOT_SUPPORTED))
        pigeon_message_list_pane_show_error (self, error);
      return;
    }

  /* The search list does not see rows added after it was made. */
  if (added > 0 && self->view == VIEW_SEARCH)
    pigeon_message_list_pane_reload (self);
}

void
pigeon_message_list_pane_search (PigeonMessageListPane *self, const char *query)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));

  if (query == NULL || *query == '\0')
    {
      if (self->view == VIEW_SEARCH)
        pigeon_message_list_pane_set_view (self, self->base_view, self->folder, NULL);
      return;
    }

  pigeon_message_list_pane_set_view (self, VIEW_SEARCH, self->folder, query);
  if (self->messages == NULL || g_list_model_get_n_items (self->messages) >= SMALL_RESULT)
    return;

  self->search_cancellable = g_cancellable_new ();
  pigeon_engine_search_server_async (self->engine, NULL, query, self->search_cancellable, search_server_cb,
                                     g_object_ref (self));
}

/* Conversations */

static void
list_view_activate_cb (PigeonMessageListPane *self, guint position)
{
  g_autoptr (PigeonMessage) head = NULL;
  g_autoptr (GPtrArray) members = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMessageList) thread = NULL;

  if (self->conversations == NULL || self->thread != NULL)
    return;

  head = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  members = pigeon_conversation_list_get_members (self->conversations, head);
  /* A conversation of one is its message, already in the reader. */
  if (members->len < 2)
    return;
  thread =
      pigeon_store_list_thread (pigeon_message_list_pane_get_store (self), pigeon_message_get_thread_id (head), &error);
  if (thread == NULL)
    {
      pigeon_message_list_pane_show_error (self, error);
      return;
    }

  g_ptr_array_unref (self->thread_members);
  self->thread_members = g_steal_pointer (&members);
  self->thread = g_steal_pointer (&thread);
  pigeon_message_list_pane_show_model (self);
}

static void
close_conversation_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonMessageListPane *self = PIGEON_MESSAGE_LIST_PANE (widget);

  pigeon_message_list_pane_close_conversation (self);
  pigeon_message_list_pane_show_model (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* A signal, not the action's name: see sort_button_create_popup(). */
static void
back_button_clicked_cb (PigeonMessageListPane *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "list.close-conversation", NULL);
}

/* Actions */

static void
flags_set_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonMessageListPane) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_action_finish (PIGEON_ENGINE (source), result, &error))
    pigeon_message_list_pane_show_error (self, error);
}

/* The engine takes the messages of one account at a time. */
static GHashTable *
group_by_account (GPtrArray *messages)
{
  GHashTable *groups = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < messages->len; i++)
    {
      gint64 account_id = pigeon_message_get_account_id (messages->pdata[i]);
      GPtrArray *group = g_hash_table_lookup (groups, &account_id);

      if (group == NULL)
        {
          group = g_ptr_array_new_with_free_func (g_object_unref);
          g_hash_table_insert (groups, g_memdup2 (&account_id, sizeof account_id), group);
        }
      g_ptr_array_add (group, g_object_ref (messages->pdata[i]));
    }
  return groups;
}

static void
pigeon_message_list_pane_set_flags (PigeonMessageListPane *self,
                                    GPtrArray *messages,
                                    PigeonMessageFlags set,
                                    PigeonMessageFlags clear)
{
  g_autoptr (GHashTable) groups = group_by_account (messages);
  GHashTableIter iter;
  GPtrArray *group;

  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &group))
    pigeon_engine_set_flags_async (self->engine, group, set, clear, NULL, flags_set_cb, g_object_ref (self));
}

void
pigeon_message_list_pane_mark_selection_read (PigeonMessageListPane *self, gboolean read)
{
  g_autoptr (GPtrArray) messages = NULL;

  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));

  messages = pigeon_message_list_pane_get_acted_on (self);
  pigeon_message_list_pane_set_flags (self, messages, read ? PIGEON_MESSAGE_SEEN : 0, read ? 0 : PIGEON_MESSAGE_SEEN);
}

static gboolean
all_flagged (GPtrArray *messages)
{
  for (guint i = 0; i < messages->len; i++)
    if (!pigeon_message_get_flagged (messages->pdata[i]))
      return FALSE;
  return TRUE;
}

static void
pigeon_message_list_pane_toggle_flag (PigeonMessageListPane *self, GPtrArray *messages)
{
  if (all_flagged (messages))
    pigeon_message_list_pane_set_flags (self, messages, 0, PIGEON_MESSAGE_FLAGGED);
  else
    pigeon_message_list_pane_set_flags (self, messages, PIGEON_MESSAGE_FLAGGED, 0);
}

void
pigeon_message_list_pane_toggle_selection_flag (PigeonMessageListPane *self)
{
  g_autoptr (GPtrArray) messages = NULL;

  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));

  messages = pigeon_message_list_pane_get_acted_on (self);
  pigeon_message_list_pane_toggle_flag (self, messages);
}

/* The folder @message is in, as far as this view knows: a search spans
 * folders, and an opened conversation holds messages of other folders
 * (Sent), so those have none. */
static PigeonFolder *
pigeon_message_list_pane_folder_of (PigeonMessageListPane *self, PigeonMessage *message)
{
  gint64 account_id = pigeon_message_get_account_id (message);

  if (self->thread != NULL && !g_ptr_array_find (self->thread_members, message, NULL))
    return NULL;
  if (self->view == VIEW_FOLDER)
    return self->folder;
  if (self->view == VIEW_ALL_INBOXES)
    return g_hash_table_lookup (self->inboxes, &account_id);
  return NULL;
}

/* The messages by the folder they are moved from (which also groups
 * them by account, as the engine wants). */
static GHashTable *
pigeon_message_list_pane_group_by_folder (PigeonMessageListPane *self, GPtrArray *messages)
{
  GHashTable *groups = g_hash_table_new_full (NULL, NULL, g_object_unref, (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < messages->len; i++)
    {
      PigeonFolder *folder = pigeon_message_list_pane_folder_of (self, messages->pdata[i]);
      GPtrArray *group;

      if (folder == NULL)
        continue;
      group = g_hash_table_lookup (groups, folder);
      if (group == NULL)
        {
          group = g_ptr_array_new_with_free_func (g_object_unref);
          g_hash_table_insert (groups, g_object_ref (folder), group);
        }
      g_ptr_array_add (group, g_object_ref (messages->pdata[i]));
    }
  return groups;
}

/* One move, delete or archive of the selection, which may take one engine
 * call per folder; the toast comes when the last one is done. */
typedef struct
{
  PigeonMessageListPane *self;
  Operation operation;
  PigeonFolder *target;
  guint pending;
  guint n_messages;
  GError *error;
  /* Where the selection started, to select what comes next there. */
  GtkSelectionModel *selection;
  guint position;
} OperationData;

static void
operation_data_free (OperationData *data)
{
  g_object_unref (data->self);
  g_clear_object (&data->target);
  g_clear_object (&data->selection);
  g_clear_error (&data->error);
  g_free (data);
}

static void
undo_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonMessageListPane) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_undo_finish (PIGEON_ENGINE (source), result, &error))
    pigeon_message_list_pane_show_error (self, error);
}

static void
undo_clicked_cb (PigeonMessageListPane *self)
{
  pigeon_engine_undo_async (self->engine, NULL, undo_done_cb, g_object_ref (self));
}

static char *
operation_done_text (OperationData *data)
{
  guint n = data->n_messages;

  switch (data->operation)
    {
    case OPERATION_DELETE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message deleted", "%u messages deleted", n), n);
    case OPERATION_ARCHIVE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message archived", "%u messages archived", n), n);
    case OPERATION_MOVE:
    default:
      /* TRANSLATORS: the second %s is a folder name */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message moved to %s", "%u messages moved to %s", n), n,
                              pigeon_folder_get_name (data->target));
    }
}

/* The rows left the list: the one that took their place is selected, so
 * that the reader goes on to the next message, as in other mail clients. */
static void
pigeon_message_list_pane_select_next (PigeonMessageListPane *self, GtkSelectionModel *was, guint position)
{
  g_autoptr (GtkBitset) selected = NULL;
  guint n;

  if (was == NULL || GTK_SELECTION_MODEL (self->selection) != was)
    return;
  selected = gtk_selection_model_get_selection (was);
  n = g_list_model_get_n_items (G_LIST_MODEL (was));
  if (gtk_bitset_is_empty (selected) && n > 0)
    gtk_selection_model_select_item (was, MIN (position, n - 1), TRUE);
}

static void
pigeon_message_list_pane_operation_done (OperationData *data)
{
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (data->error != NULL)
    {
      pigeon_message_list_pane_show_error (data->self, data->error);
      return;
    }

  pigeon_message_list_pane_select_next (data->self, data->selection, data->position);
  text = operation_done_text (data);
  toast = toast_new_plain (text);
  /* Deleting in the Trash is for good, and the engine has nothing to undo. */
  if (pigeon_engine_get_can_undo (data->self->engine))
    {
      adw_toast_set_button_label (toast, _ ("_Undo"));
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), data->self, G_CONNECT_SWAPPED);
    }
  pigeon_message_list_pane_show_toast (data->self, toast);
}

static void
operation_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OperationData *data = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_action_finish (PIGEON_ENGINE (source), result, &error) && data->error == NULL)
    data->error = g_steal_pointer (&error);

  if (--data->pending > 0)
    return;
  pigeon_message_list_pane_operation_done (data);
  operation_data_free (data);
}

static void
pigeon_message_list_pane_start_operation (OperationData *data, PigeonFolder *from, GPtrArray *messages)
{
  PigeonEngine *engine = data->self->engine;

  data->pending++;
  data->n_messages += messages->len;
  switch (data->operation)
    {
    case OPERATION_DELETE:
      pigeon_engine_delete_messages_async (engine, messages, from, NULL, operation_cb, data);
      break;
    case OPERATION_ARCHIVE:
      pigeon_engine_archive_messages_async (engine, messages, from, NULL, operation_cb, data);
      break;
    case OPERATION_MOVE:
    default:
      pigeon_engine_move_messages_async (engine, messages, from, data->target, NULL, operation_cb, data);
    }
}

/* The engine undoes its last move only, so a selection over several
 * accounts (All Inboxes) gets its last account's part back by Undo. */
static void
pigeon_message_list_pane_run (PigeonMessageListPane *self, Operation operation, PigeonFolder *target)
{
  g_autoptr (GPtrArray) messages = pigeon_message_list_pane_get_acted_on (self);
  g_autoptr (GHashTable) groups = pigeon_message_list_pane_group_by_folder (self, messages);
  OperationData *data;
  GHashTableIter iter;
  PigeonFolder *from;
  GPtrArray *group;

  if (messages->len == 0)
    return;
  if (g_hash_table_size (groups) == 0)
    {
      pigeon_message_list_pane_show_toast (self,
                                           toast_new_plain (_ ("Open the message’s folder to move or delete it")));
      return;
    }

  data = g_new0 (OperationData, 1);
  data->self = g_object_ref (self);
  data->operation = operation;
  data->target = target != NULL ? g_object_ref (target) : NULL;
  data->selection = GTK_SELECTION_MODEL (g_object_ref (self->selection));
  data->position = pigeon_message_list_pane_get_first_selected (self);
  /* One extra count, dropped below, so that no callback finishes early. */
  data->pending = 1;
  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, (gpointer *) &from, (gpointer *) &group))
    if (from != target)
      pigeon_message_list_pane_start_operation (data, from, group);

  if (--data->pending > 0)
    return;
  if (data->n_messages > 0)
    pigeon_message_list_pane_operation_done (data);
  operation_data_free (data);
}

void
pigeon_message_list_pane_move_selection_to (PigeonMessageListPane *self, PigeonFolder *target)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));
  g_return_if_fail (PIGEON_IS_FOLDER (target));

  pigeon_message_list_pane_run (self, OPERATION_MOVE, target);
}

void
pigeon_message_list_pane_delete_selection (PigeonMessageListPane *self)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));

  pigeon_message_list_pane_run (self, OPERATION_DELETE, NULL);
}

void
pigeon_message_list_pane_archive_selection (PigeonMessageListPane *self)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));

  pigeon_message_list_pane_run (self, OPERATION_ARCHIVE, NULL);
}

/* Context menu */

static void
append_folders (GMenu *menu, GListModel *folders, PigeonFolder *skip)
{
  guint n = g_list_model_get_n_items (folders);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PigeonFolder) folder = g_list_model_get_item (folders, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, pigeon_folder_get_id (folder));
      g_autoptr (GMenuItem) item = NULL;

      if (folder != skip)
        {
          item = g_menu_item_new (pigeon_folder_get_path (folder), NULL);
          g_menu_item_set_action_and_target_value (item, "win.move-to", g_variant_new_string (id));
          g_menu_append_item (menu, item);
        }
      append_folders (menu, pigeon_folder_get_children (folder), skip);
    }
}

/* The folders of the first message's account, where win.move-to moves. */
static GMenuModel *
pigeon_message_list_pane_build_move_menu (PigeonMessageListPane *self, PigeonMessage *message)
{
  PigeonStore *store = pigeon_message_list_pane_get_store (self);
  PigeonAccount *account = pigeon_store_lookup_account (store, pigeon_message_get_account_id (message));
  GMenu *menu = g_menu_new ();

  if (account != NULL)
    append_folders (menu, pigeon_store_get_folders (store, account),
                    pigeon_message_list_pane_folder_of (self, message));
  return G_MENU_MODEL (menu);
}

static gboolean
any_unread (GPtrArray *messages)
{
  for (guint i = 0; i < messages->len; i++)
    if (pigeon_message_get_unread (messages->pdata[i]))
      return TRUE;
  return FALSE;
}

/* The window's actions (win.*) act on the selection; the labels follow
 * what the selection is now. */
static GMenuModel *
pigeon_message_list_pane_build_menu (PigeonMessageListPane *self, GPtrArray *messages)
{
  GMenu *menu = g_menu_new ();
  g_autoptr (GMenu) reply = g_menu_new ();
  g_autoptr (GMenu) mark = g_menu_new ();
  g_autoptr (GMenu) file = g_menu_new ();
  g_autoptr (GMenuModel) folders = pigeon_message_list_pane_build_move_menu (self, messages->pdata[0]);

  g_menu_append (reply, _ ("_Reply"), "win.reply");
  g_menu_append (reply, _ ("Reply _All"), "win.reply-all");
  g_menu_append (reply, _ ("_Forward"), "win.forward");
  if (any_unread (messages))
    g_menu_append (mark, _ ("Mark as R_ead"), "win.mark-read");
  else
    g_menu_append (mark, _ ("Mark as _Unread"), "win.mark-unread");
  g_menu_append (mark, all_flagged (messages) ? _ ("Un_flag") : _ ("_Flag"), "win.toggle-flag");
  g_menu_append_submenu (file, _ ("_Move To"), folders);
  g_menu_append (file, _ ("Ar_chive"), "win.archive");
  g_menu_append (file, _ ("_Delete"), "win.delete");

  g_menu_append_section (menu, NULL, G_MENU_MODEL (reply));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (mark));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (file));
  return G_MENU_MODEL (menu);
}

/* Shows the menu pointing at (@x, @y) in @widget's coordinates. */
static void
pigeon_message_list_pane_popup_menu (PigeonMessageListPane *self, GtkWidget *widget, double x, double y)
{
  g_autoptr (GPtrArray) messages = pigeon_message_list_pane_get_acted_on (self);
  g_autoptr (GMenuModel) menu = NULL;
  double pane_x, pane_y;

  if (messages->len == 0)
    return;
  if (!gtk_widget_translate_coordinates (widget, GTK_WIDGET (self), x, y, &pane_x, &pane_y))
    pane_x = pane_y = 0;

  menu = pigeon_message_list_pane_build_menu (self, messages);
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->context_menu), menu);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &(GdkRectangle){ (int) pane_x, (int) pane_y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

/* list.show-menu (Menu, Shift+F10): the menu points at the row with the
 * focus. */
static void
show_menu_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonMessageListPane *self = PIGEON_MESSAGE_LIST_PANE (widget);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  GtkWidget *anchor = GTK_WIDGET (self->list_view);

  if (focus != NULL && gtk_widget_is_ancestor (focus, anchor))
    anchor = focus;
  pigeon_message_list_pane_popup_menu (self, anchor, gtk_widget_get_width (anchor) / 2.0,
                                       gtk_widget_get_height (anchor) / 2.0);
}

/* Rows */

/* A click on a row outside the selection makes the row the selection, as a
 * file manager does before a menu or a drag. */
static void
pigeon_message_list_pane_select_row (PigeonMessageListPane *self, GtkWidget *row)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (row), "pigeon-list-item");
  guint position = gtk_list_item_get_position (item);

  if (position != GTK_INVALID_LIST_POSITION && !gtk_list_item_get_selected (item))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
}

static void
row_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, PigeonMessageListPane *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  pigeon_message_list_pane_select_row (self, row);
  pigeon_message_list_pane_popup_menu (self, row, x, y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
row_toggle_flag_cb (PigeonMessageRow *row, PigeonMessageListPane *self)
{
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  PigeonMessage *message = pigeon_message_row_get_message (row);

  if (self->conversations != NULL && self->thread == NULL)
    {
      g_ptr_array_unref (messages);
      messages = pigeon_conversation_list_get_members (self->conversations, message);
    }
  else
    g_ptr_array_add (messages, g_object_ref (message));
  pigeon_message_list_pane_toggle_flag (self, messages);
}

/* Drag and drop: the value is a GListModel of the acted-on messages, which
 * a sidebar folder takes with a MOVE. */
static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source, double x, double y, PigeonMessageListPane *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (GListStore) store = g_list_store_new (PIGEON_TYPE_MESSAGE);

  pigeon_message_list_pane_select_row (self, row);
  messages = pigeon_message_list_pane_get_acted_on (self);
  if (messages->len == 0)
    return NULL;
  g_list_store_splice (store, 0, 0, messages->pdata, messages->len);
  return gdk_content_provider_new_typed (G_TYPE_LIST_MODEL, store);
}

static void
drag_begin_cb (GtkDragSource *source, GdkDrag *drag, PigeonMessageListPane *self)
{
  g_autoptr (GPtrArray) messages = pigeon_message_list_pane_get_acted_on (self);
  guint n = messages->len;
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message", "%u messages", n), n);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "app-notification");
  gtk_drag_icon_set_child (GTK_DRAG_ICON (gtk_drag_icon_get_for_drag (drag)), label);
}

static void
factory_setup_cb (GtkListItemFactory *factory, GtkListItem *item, PigeonMessageListPane *self)
{
  GtkWidget *row = pigeon_message_row_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkDragSource *drag = gtk_drag_source_new ();

  g_object_set_data (G_OBJECT (row), "pigeon-list-item", item);
  g_signal_connect_object (row, "toggle-flag", G_CALLBACK (row_toggle_flag_cb), self, 0);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (row_pressed_cb), self, 0);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (click));

  gtk_drag_source_set_actions (drag, GDK_ACTION_MOVE);
  g_signal_connect_object (drag, "prepare", G_CALLBACK (drag_prepare_cb), self, 0);
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self, 0);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (drag));

  gtk_list_item_set_child (item, row);
}

static void
factory_bind_cb (GtkListItemFactory *factory, GtkListItem *item, PigeonMessageListPane *self)
{
  PigeonMessageRow *row = PIGEON_MESSAGE_ROW (gtk_list_item_get_child (item));
  PigeonMessage *message = gtk_list_item_get_item (item);
  guint count = 1;

  if (self->conversations != NULL && self->thread == NULL)
    {
      g_autoptr (GPtrArray) members = pigeon_conversation_list_get_members (self->conversations, message);

      count = members->len;
    }
  pigeon_message_row_set_message (row, message);
  pigeon_message_row_set_count (row, count);
}

static void
factory_unbind_cb (GtkListItemFactory *factory, GtkListItem *item, PigeonMessageListPane *self)
{
  pigeon_message_row_set_message (PIGEON_MESSAGE_ROW (gtk_list_item_get_child (item)), NULL);
}

static GtkListItemFactory *
pigeon_message_list_pane_create_factory (PigeonMessageListPane *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect_object (factory, "setup", G_CALLBACK (factory_setup_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (factory_bind_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (factory_unbind_cb), self, 0);
  return factory;
}

/* GObject and GtkWidget */

static void
sort_changed_cb (PigeonMessageListPane *self)
{
  pigeon_message_list_pane_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_KEY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_DESCENDING]);
}

static void
thread_view_changed_cb (PigeonMessageListPane *self)
{
  pigeon_message_list_pane_regroup (self);
}

static void
pigeon_message_list_pane_measure (GtkWidget *widget,
                                  GtkOrientation orientation,
                                  int for_size,
                                  int *minimum,
                                  int *natural,
                                  int *minimum_baseline,
                                  int *natural_baseline)
{
  gtk_widget_measure (GTK_WIDGET (PIGEON_MESSAGE_LIST_PANE (widget)->toast_overlay), orientation, for_size, minimum,
                      natural, minimum_baseline, natural_baseline);
}

/* The context menu is a popover of the pane, which must place it. */
static void
pigeon_message_list_pane_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  PigeonMessageListPane *self = PIGEON_MESSAGE_LIST_PANE (widget);

  gtk_widget_allocate (GTK_WIDGET (self->toast_overlay), width, height, baseline, NULL);
  gtk_popover_present (GTK_POPOVER (self->context_menu));
}

static void
pigeon_message_list_pane_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PigeonMessageListPane *self = PIGEON_MESSAGE_LIST_PANE (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_SELECTED_MESSAGE:
      g_value_set_object (value, self->selected_message);
      break;
    case PROP_SORT_KEY:
      g_value_take_string (value, g_settings_get_string (self->settings, "sort-key"));
      break;
    case PROP_SORT_DESCENDING:
      g_value_set_boolean (value, g_settings_get_boolean (self->settings, "sort-descending"));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pigeon_message_list_pane_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PigeonMessageListPane *self = PIGEON_MESSAGE_LIST_PANE (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    case PROP_SORT_KEY:
      g_settings_set_string (self->settings, "sort-key", g_value_get_string (value));
      break;
    case PROP_SORT_DESCENDING:
      g_settings_set_boolean (self->settings, "sort-descending", g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pigeon_message_list_pane_dispose (GObject *object)
{
  PigeonMessageListPane *self = PIGEON_MESSAGE_LIST_PANE (object);

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->messages != NULL)
    g_signal_handlers_disconnect_by_data (self->messages, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), PIGEON_TYPE_MESSAGE_LIST_PANE);

  g_clear_object (&self->selection);
  g_clear_object (&self->thread);
  g_clear_object (&self->conversations);
  g_clear_object (&self->messages);
  g_clear_object (&self->selected_message);
  g_clear_object (&self->folder);
  g_clear_object (&self->settings);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (pigeon_message_list_pane_parent_class)->dispose (object);
}

static void
pigeon_message_list_pane_finalize (GObject *object)
{
  PigeonMessageListPane *self = PIGEON_MESSAGE_LIST_PANE (object);

  g_free (self->query);
  g_hash_table_unref (self->inboxes);
  g_ptr_array_unref (self->thread_members);

  G_OBJECT_CLASS (pigeon_message_list_pane_parent_class)->finalize (object);
}

static void
pigeon_message_list_pane_class_init (PigeonMessageListPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = pigeon_message_list_pane_get_property;
  object_class->set_property = pigeon_message_list_pane_set_property;
  object_class->dispose = pigeon_message_list_pane_dispose;
  object_class->finalize = pigeon_message_list_pane_finalize;
  widget_class->measure = pigeon_message_list_pane_measure;
  widget_class->size_allocate = pigeon_message_list_pane_size_allocate;

  properties[PROP_ENGINE] = g_param_spec_object ("engine", NULL, NULL, PIGEON_TYPE_ENGINE,
                                                 G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_MESSAGE] = g_param_spec_object ("selected-message", NULL, NULL, PIGEON_TYPE_MESSAGE,
                                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* The sort menu's state: the settings, through the properties' actions. */
  properties[PROP_SORT_KEY] = g_param_spec_string (
      "sort-key", NULL, NULL, "date", G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SORT_DESCENDING] = g_param_spec_boolean (
      "sort-descending", NULL, NULL, TRUE, G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/pigeon-message-list-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageListPane, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageListPane, back_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageListPane, title_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageListPane, thread_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageListPane, sort_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageListPane, sort_menu);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageListPane, stack);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageListPane, list_view);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageListPane, empty_page);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageListPane, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageListPane, spinner);
  gtk_widget_class_bind_template_callback (widget_class, list_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_button_clicked_cb);

  gtk_widget_class_install_property_action (widget_class, "list.sort-key", "sort-key");
  gtk_widget_class_install_property_action (widget_class, "list.sort-descending", "sort-descending");
  gtk_widget_class_install_action (widget_class, "list.close-conversation", NULL, close_conversation_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "list.close-conversation", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "list.close-conversation", NULL);
  gtk_widget_class_install_action (widget_class, "list.show-menu", NULL, show_menu_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "list.show-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "list.show-menu", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* The sort menu is given its model when first opened. GTK 4.8 leaves the
 * action observers made before the window had its application (the pane is
 * built in the window's init) without their actions, so a menu made with
 * the template showed every item insensitive in the main window. */
static void
sort_button_create_popup (GtkMenuButton *button, gpointer user_data)
{
  PigeonMessageListPane *self = user_data;

  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->sort_menu);
}

/* The sort order and the conversation view are kept in GSettings; the sort
 * menu's actions are the properties over them. The conversation toggle is
 * bound to its key, for the same reason as the sort menu is made late. */
static void
pigeon_message_list_pane_init_settings (PigeonMessageListPane *self)
{
  g_settings_bind (self->settings, "thread-view", self->thread_button, "active", G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_swapped (self->settings, "changed::sort-key", G_CALLBACK (sort_changed_cb), self);
  g_signal_connect_swapped (self->settings, "changed::sort-descending", G_CALLBACK (sort_changed_cb), self);
  g_signal_connect_swapped (self->settings, "changed::thread-view", G_CALLBACK (thread_view_changed_cb), self);
}

static void
pigeon_message_list_pane_init (PigeonMessageListPane *self)
{
  g_autoptr (GtkListItemFactory) factory = NULL;

  /* First: the template's sort menu reads the properties over it. */
  self->settings = g_settings_new (SCHEMA_ID);
  gtk_widget_init_template (GTK_WIDGET (self));
  pigeon_message_list_pane_init_settings (self);
  gtk_menu_button_set_create_popup_func (self->sort_button, sort_button_create_popup, self, NULL);

  self->inboxes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->thread_members = g_ptr_array_new_with_free_func (g_object_unref);

  factory = pigeon_message_list_pane_create_factory (self);
  gtk_list_view_set_factory (self->list_view, factory);

  self->context_menu = gtk_popover_menu_new_from_model (NULL);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_popover_set_position (GTK_POPOVER (self->context_menu), GTK_POS_BOTTOM);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));

  pigeon_message_list_pane_update_title (self);
  pigeon_message_list_pane_update_page (self);
}
