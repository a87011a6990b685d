/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-sidebar.h"

/* What the sidebar knows of one account's work: the engine tells it
 * through "progress", "busy" and "account-error". */
typedef struct
{
  gboolean working;
  GError *error;
} AccountState;

struct _PigeonSidebar
{
  GtkWidget parent_instance;

  PigeonEngine *engine;
  GObject *all_inboxes; /* the item of the first row */
  GtkTreeListModel *tree;
  GtkSingleSelection *selection;
  GtkWidget *scroller;
  GHashTable *states;       /* account id -> AccountState */
  GPtrArray *inboxes;       /* every account's top-level Inbox, for All Inboxes */
  GHashTable *folder_lists; /* the folder lists whose items-changed is connected */
  guint all_unread;
};

G_DEFINE_FINAL_TYPE (PigeonSidebar, pigeon_sidebar, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_SELECTION_CHANGED,
  SIGNAL_MESSAGES_DROPPED,
  SIGNAL_FIX_ACCOUNT_ERROR,
  SIGNAL_ACCOUNT_STATE_CHANGED,
  SIGNAL_ALL_UNREAD_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The widgets of one row, and what it is bound to. */
typedef struct
{
  PigeonSidebar *sidebar;
  GtkWidget *expander;
  GtkWidget *icon;
  GtkWidget *label;
  GtkWidget *spinner;
  GtkWidget *error_button;
  GtkWidget *count;
  GtkDropTarget *drop;
  GObject *item; /* the bound item, or NULL */
  GBinding *count_text;
  GBinding *count_visible;
  gulong state_handler;
} Row;

static void
account_state_free (gpointer data)
{
  AccountState *state = data;

  g_clear_error (&state->error);
  g_free (state);
}

static AccountState *
account_state (PigeonSidebar *self, PigeonAccount *account)
{
  gint64 id = pigeon_account_get_id (account);
  AccountState *state = g_hash_table_lookup (self->states, &id);

  if (state == NULL)
    {
      state = g_new0 (AccountState, 1);
      g_hash_table_insert (self->states, g_memdup2 (&id, sizeof id), state);
    }

  return state;
}

/* Model: the tree of rows
 *
 *   GtkFlattenListModel ([ { all_inboxes }, engine accounts ])
 *     -> GtkTreeListModel (account -> its folders -> sub-folders)
 *       -> GtkSingleSelection -> GtkListView
 */
static GListModel *
create_child_model (gpointer item, gpointer user_data)
{
  PigeonSidebar *self = user_data;

  if (PIGEON_IS_ACCOUNT (item))
    return g_object_ref (pigeon_store_get_folders (pigeon_engine_get_store (self->engine), item));
  if (PIGEON_IS_FOLDER (item))
    return pigeon_folder_create_child_model (item, NULL);

  return NULL;
}

static GListModel *
create_root_model (PigeonSidebar *self)
{
  GListStore *top = g_list_store_new (G_TYPE_OBJECT);
  GListStore *parts = g_list_store_new (G_TYPE_LIST_MODEL);

  g_list_store_append (top, self->all_inboxes);
  g_list_store_append (parts, top);
  g_list_store_append (parts, pigeon_engine_get_accounts (self->engine));
  g_object_unref (top);

  return G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (parts)));
}

static const char *
folder_icon_name (PigeonFolder *folder)
{
  switch (pigeon_folder_get_role (folder))
    {
    case PIGEON_FOLDER_ROLE_INBOX:
      return "mail-unread-symbolic";
    case PIGEON_FOLDER_ROLE_DRAFTS:
      return "document-edit-symbolic";
    case PIGEON_FOLDER_ROLE_SENT:
      return "mail-send-symbolic";
    case PIGEON_FOLDER_ROLE_ARCHIVE:
      return "package-x-generic-symbolic";
    case PIGEON_FOLDER_ROLE_JUNK:
      return "mail-mark-junk-symbolic";
    case PIGEON_FOLDER_ROLE_TRASH:
      return "user-trash-symbolic";
    case PIGEON_FOLDER_ROLE_ALL:
      return "mail-read-symbolic";
    case PIGEON_FOLDER_ROLE_FLAGGED:
      return "starred-symbolic";
    case PIGEON_FOLDER_ROLE_NONE:
    default:
      return "folder-symbolic";
    }
}

/* Servers name their special folders in many ways ("INBOX", "Sent Items",
 * "[Gmail]/Trash"); a folder with a role shows the role's name. */
const char *
pigeon_sidebar_folder_title (PigeonFolder *folder)
{
  g_return_val_if_fail (PIGEON_IS_FOLDER (folder), NULL);

  switch (pigeon_folder_get_role (folder))
    {
    case PIGEON_FOLDER_ROLE_INBOX:
      return _ ("Inbox");
    case PIGEON_FOLDER_ROLE_DRAFTS:
      return _ ("Drafts");
    case PIGEON_FOLDER_ROLE_SENT:
      return _ ("Sent");
    case PIGEON_FOLDER_ROLE_ARCHIVE:
      return _ ("Archive");
    case PIGEON_FOLDER_ROLE_JUNK:
      return _ ("Junk");
    case PIGEON_FOLDER_ROLE_TRASH:
      return _ ("Trash");
    case PIGEON_FOLDER_ROLE_ALL:
      return _ ("All Mail");
    case PIGEON_FOLDER_ROLE_FLAGGED:
      return _ ("Flagged");
    case PIGEON_FOLDER_ROLE_NONE:
    default:
      return pigeon_folder_get_name (folder);
    }
}

const char *
pigeon_sidebar_account_title (PigeonAccount *account)
{
  const char *name;

  g_return_val_if_fail (PIGEON_IS_ACCOUNT (account), NULL);

  name = pigeon_account_get_display_name (account);
  return name != NULL && *name != '\0' ? name : pigeon_account_get_address (account);
}

/* Rows */

static gboolean
unread_to_text (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  g_value_take_string (to, g_strdup_printf ("%u", g_value_get_uint (from)));
  return TRUE;
}

static gboolean
unread_to_visible (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  g_value_set_boolean (to, g_value_get_uint (from) > 0);
  return TRUE;
}

static void
row_show_account_state (Row *row)
{
  AccountState *state = account_state (row->sidebar, PIGEON_ACCOUNT (row->item));

  gtk_widget_set_visible (row->spinner, state->working);
  gtk_spinner_set_spinning (GTK_SPINNER (row->spinner), state->working);
  gtk_widget_set_visible (row->error_button, state->error != NULL);
  gtk_widget_set_tooltip_text (row->error_button, state->error != NULL ? state->error->message : NULL);
  if (state->error != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row->error_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    state->error->message, -1);
}

static void
account_state_changed_cb (PigeonSidebar *self, PigeonAccount *account, gpointer user_data)
{
  Row *row = user_data;

  if (row->item == G_OBJECT (account))
    row_show_account_state (row);
}

static void
row_show_all_unread (Row *row)
{
  g_autofree char *text = g_strdup_printf ("%u", row->sidebar->all_unread);

  gtk_label_set_text (GTK_LABEL (row->count), text);
  gtk_widget_set_visible (row->count, row->sidebar->all_unread > 0);
}

static void
all_unread_changed_cb (PigeonSidebar *self, gpointer user_data)
{
  row_show_all_unread (user_data);
}

static void
error_button_clicked_cb (GtkButton *button, gpointer user_data)
{
  Row *row = user_data;
  AccountState *state;

  if (!PIGEON_IS_ACCOUNT (row->item))
    return;
  state = account_state (row->sidebar, PIGEON_ACCOUNT (row->item));
  if (state->error != NULL)
    g_signal_emit (row->sidebar, signals[SIGNAL_FIX_ACCOUNT_ERROR], 0, row->item, state->error);
}

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, gpointer user_data)
{
  Row *row = user_data;

  if (!PIGEON_IS_FOLDER (row->item) || !G_IS_LIST_MODEL (g_value_get_object (value)))
    return FALSE;
  g_signal_emit (row->sidebar, signals[SIGNAL_MESSAGES_DROPPED], 0, row->item);
  return TRUE;
}

static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  Row *row = g_new0 (Row, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  row->sidebar = user_data;
  row->expander = gtk_tree_expander_new ();
  row->icon = gtk_image_new ();
  row->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (row->label, TRUE);
  row->spinner = gtk_spinner_new ();
  row->error_button = gtk_button_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (row->error_button, "flat");
  gtk_widget_add_css_class (row->error_button, "warning");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->error_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Account problem"), -1);
  g_signal_connect (row->error_button, "clicked", G_CALLBACK (error_button_clicked_cb), row);
  row->count = gtk_label_new (NULL);
  gtk_widget_add_css_class (row->count, "dim-label");
  gtk_widget_add_css_class (row->count, "numeric");

  gtk_box_append (GTK_BOX (box), row->icon);
  gtk_box_append (GTK_BOX (box), row->label);
  gtk_box_append (GTK_BOX (box), row->spinner);
  gtk_box_append (GTK_BOX (box), row->error_button);
  gtk_box_append (GTK_BOX (box), row->count);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (row->expander), box);

  row->drop = gtk_drop_target_new (G_TYPE_LIST_MODEL, 0);
  g_signal_connect (row->drop, "drop", G_CALLBACK (drop_cb), row);
  gtk_widget_add_controller (row->expander, GTK_EVENT_CONTROLLER (row->drop));

  g_object_set_data_full (G_OBJECT (item), "pigeon-row", row, g_free);
  gtk_list_item_set_child (item, row->expander);
}

static void
bind_folder (Row *row, PigeonFolder *folder)
{
  gtk_image_set_from_icon_name (GTK_IMAGE (row->icon), folder_icon_name (folder));
  gtk_label_set_text (GTK_LABEL (row->label), pigeon_sidebar_folder_title (folder));
  row->count_text = g_object_bind_property_full (folder, "unread", row->count, "label", G_BINDING_SYNC_CREATE,
                                                 unread_to_text, NULL, NULL, NULL);
  row->count_visible = g_object_bind_property_full (folder, "unread", row->count, "visible", G_BINDING_SYNC_CREATE,
                                                    unread_to_visible, NULL, NULL, NULL);
  gtk_drop_target_set_actions (row->drop, GDK_ACTION_MOVE);
}

static void
bind_account (Row *row, PigeonAccount *account)
{
  gtk_widget_set_visible (row->icon, FALSE);
  gtk_label_set_text (GTK_LABEL (row->label), pigeon_sidebar_account_title (account));
  gtk_widget_add_css_class (row->label, "heading");
  row->state_handler =
      g_signal_connect (row->sidebar, "account-state-changed", G_CALLBACK (account_state_changed_cb), row);
  row_show_account_state (row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  PigeonSidebar *self = user_data;
  Row *row = g_object_get_data (G_OBJECT (item), "pigeon-row");
  GtkTreeListRow *tree_row = gtk_list_item_get_item (item);

  row->item = gtk_tree_list_row_get_item (tree_row);
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (row->expander), tree_row);
  gtk_widget_set_visible (row->icon, TRUE);
  gtk_widget_set_visible (row->spinner, FALSE);
  gtk_widget_set_visible (row->error_button, FALSE);
  gtk_widget_set_visible (row->count, FALSE);
  gtk_widget_remove_css_class (row->label, "heading");
  /* An account row groups its folders; choosing it shows nothing. */
  gtk_list_item_set_selectable (item, !PIGEON_IS_ACCOUNT (row->item));

  if (row->item == self->all_inboxes)
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (row->icon), "mail-send-receive-symbolic");
      gtk_label_set_text (GTK_LABEL (row->label), _ ("All Inboxes"));
      row->state_handler = g_signal_connect (self, "all-unread-changed", G_CALLBACK (all_unread_changed_cb), row);
      row_show_all_unread (row);
    }
  else if (PIGEON_IS_ACCOUNT (row->item))
    bind_account (row, PIGEON_ACCOUNT (row->item));
  else
    bind_folder (row, PIGEON_FOLDER (row->item));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  Row *row = g_object_get_data (G_OBJECT (item), "pigeon-row");

  g_clear_pointer (&row->count_text, g_binding_unbind);
  g_clear_pointer (&row->count_visible, g_binding_unbind);
  g_clear_signal_handler (&row->state_handler, row->sidebar);
  gtk_drop_target_set_actions (row->drop, 0);
  g_clear_object (&row->item);
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (row->expander), NULL);
}

/* Enter (or a double click) on an account row opens or closes it. */
static void
activate_cb (GtkListView *list_view, guint position, gpointer user_data)
{
  PigeonSidebar *self = user_data;
  g_autoptr (GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, position);

  if (row != NULL && gtk_tree_list_row_is_expandable (row))
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
}

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_SELECTION_CHANGED], 0);
}

/* Engine state */

static void
progress_cb (PigeonEngine *engine, PigeonAccount *account, guint done, guint total, gpointer user_data)
{
  PigeonSidebar *self = user_data;
  AccountState *state = account_state (self, account);

  /* Work under way is a new attempt: an older failure no longer holds. */
  state->working = done < total;
  g_clear_error (&state->error);
  g_signal_emit (self, signals[SIGNAL_ACCOUNT_STATE_CHANGED], 0, account);
}

static void
account_error_cb (PigeonEngine *engine, PigeonAccount *account, const GError *error, gpointer user_data)
{
  PigeonSidebar *self = user_data;
  AccountState *state = account_state (self, account);

  state->working = FALSE;
  g_clear_error (&state->error);
  state->error = g_error_copy (error);
  g_signal_emit (self, signals[SIGNAL_ACCOUNT_STATE_CHANGED], 0, account);
}

static void
busy_cb (PigeonEngine *engine, GParamSpec *pspec, gpointer user_data)
{
  PigeonSidebar *self = user_data;
  GListModel *accounts = pigeon_engine_get_accounts (engine);

  if (pigeon_engine_get_busy (engine))
    return;
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, i);
      AccountState *state = account_state (self, account);

      if (state->working)
        {
          state->working = FALSE;
          g_signal_emit (self, signals[SIGNAL_ACCOUNT_STATE_CHANGED], 0, account);
        }
    }
}

/* The All Inboxes count: the sum of the Inboxes' unread counts */

static void
update_all_unread (PigeonSidebar *self)
{
  guint sum = 0;

  for (guint i = 0; i < self->inboxes->len; i++)
    sum += pigeon_folder_get_unread (self->inboxes->pdata[i]);
  if (sum == self->all_unread)
    return;
  self->all_unread = sum;
  g_signal_emit (self, signals[SIGNAL_ALL_UNREAD_CHANGED], 0);
}

static void watch_folder_list (PigeonSidebar *self, GListModel *list);

static void
find_inboxes (PigeonSidebar *self)
{
  GListModel *accounts = pigeon_engine_get_accounts (self->engine);
  PigeonStore *store = pigeon_engine_get_store (self->engine);

  for (guint i = 0; i < self->inboxes->len; i++)
    g_signal_handlers_disconnect_by_func (self->inboxes->pdata[i], update_all_unread, self);
  g_ptr_array_set_size (self->inboxes, 0);

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, i);
      GListModel *folders = pigeon_store_get_folders (store, account);

      watch_folder_list (self, folders);
      for (guint j = 0; j < g_list_model_get_n_items (folders); j++)
        {
          g_autoptr (PigeonFolder) folder = g_list_model_get_item (folders, j);

          if (pigeon_folder_get_role (folder) != PIGEON_FOLDER_ROLE_INBOX)
            continue;
          g_signal_connect_swapped (folder, "notify::unread", G_CALLBACK (update_all_unread), self);
          g_ptr_array_add (self->inboxes, g_steal_pointer (&folder));
        }
    }
  update_all_unread (self);
}

static void
folder_list_changed_cb (GListModel *list, guint position, guint removed, guint added, gpointer user_data)
{
  find_inboxes (user_data);
}

/* Accounts and Inboxes come and go: each change finds the Inboxes again. */
static void
watch_folder_list (PigeonSidebar *self, GListModel *list)
{
  if (g_hash_table_contains (self->folder_lists, list))
    return;
  g_hash_table_add (self->folder_lists, g_object_ref (list));
  g_signal_connect (list, "items-changed", G_CALLBACK (folder_list_changed_cb), self);
}

/* Public API */

GtkWidget *
pigeon_sidebar_new (PigeonEngine *engine)
{
  PigeonSidebar *self;
  GtkListItemFactory *factory;
  GtkWidget *list_view;

  g_return_val_if_fail (PIGEON_IS_ENGINE (engine), NULL);

  self = g_object_new (PIGEON_TYPE_SIDEBAR, NULL);
  self->engine = g_object_ref (engine);
  self->tree = gtk_tree_list_model_new (create_root_model (self), FALSE, TRUE, create_child_model, self, NULL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->tree)));
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  list_view = gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)), factory);
  gtk_widget_add_css_class (list_view, "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list_view), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Folders"), -1);
  g_signal_connect (list_view, "activate", G_CALLBACK (activate_cb), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), list_view);

  watch_folder_list (self, pigeon_engine_get_accounts (engine));
  find_inboxes (self);

  g_signal_connect_object (engine, "progress", G_CALLBACK (progress_cb), self, 0);
  g_signal_connect_object (engine, "account-error", G_CALLBACK (account_error_cb), self, 0);
  g_signal_connect_object (engine, "notify::busy", G_CALLBACK (busy_cb), self, 0);

  return GTK_WIDGET (self);
}

static gpointer
selected_item (PigeonSidebar *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);

  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

PigeonFolder *
pigeon_sidebar_get_selected_folder (PigeonSidebar *self)
{
  g_autoptr (GObject) item = NULL;

  g_return_val_if_fail (PIGEON_IS_SIDEBAR (self), NULL);

  item = selected_item (self);
  /* The store keeps the folder alive while it exists. */
  return PIGEON_IS_FOLDER (item) ? PIGEON_FOLDER (item) : NULL;
}

gboolean
pigeon_sidebar_get_all_inboxes_selected (PigeonSidebar *self)
{
  g_autoptr (GObject) item = NULL;

  g_return_val_if_fail (PIGEON_IS_SIDEBAR (self), FALSE);

  item = selected_item (self);
  return item != NULL && item == self->all_inboxes;
}

void
pigeon_sidebar_select_all_inboxes (PigeonSidebar *self)
{
  g_return_if_fail (PIGEON_IS_SIDEBAR (self));

  gtk_single_selection_set_selected (self->selection, 0);
}

/* TRUE when @folder is @ancestor or lies under it. */
static gboolean
folder_is_within (PigeonFolder *folder, PigeonFolder *ancestor)
{
  const char *path = pigeon_folder_get_path (folder);
  const char *prefix = pigeon_folder_get_path (ancestor);
  const char *delimiter = pigeon_folder_get_delimiter (ancestor);
  gsize length = strlen (prefix);

  if (pigeon_folder_get_account_id (folder) != pigeon_folder_get_account_id (ancestor))
    return FALSE;
  if (g_str_equal (path, prefix))
    return TRUE;
  return *delimiter != '\0' && strncmp (path, prefix, length) == 0 && g_str_has_prefix (path + length, delimiter);
}

void
pigeon_sidebar_select_folder (PigeonSidebar *self, PigeonFolder *folder)
{
  g_return_if_fail (PIGEON_IS_SIDEBAR (self));
  g_return_if_fail (PIGEON_IS_FOLDER (folder));

  /* Expanding a row inserts its children right after it, so one pass down
   * the growing list reaches the folder. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree)); i++)
    {
      g_autoptr (GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, i);
      g_autoptr (GObject) item = gtk_tree_list_row_get_item (row);

      if (item == G_OBJECT (folder))
        {
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (self->scroller)),
                                      "list.scroll-to-item", "u", i);
          return;
        }
      if ((PIGEON_IS_ACCOUNT (item) &&
           pigeon_account_get_id (PIGEON_ACCOUNT (item)) == pigeon_folder_get_account_id (folder)) ||
          (PIGEON_IS_FOLDER (item) && folder_is_within (folder, PIGEON_FOLDER (item))))
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
}

const GError *
pigeon_sidebar_get_account_error (PigeonSidebar *self, PigeonAccount *account)
{
  g_return_val_if_fail (PIGEON_IS_SIDEBAR (self), NULL);
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (account), NULL);

  return account_state (self, account)->error;
}

/* GObject */

static void
pigeon_sidebar_dispose (GObject *object)
{
  PigeonSidebar *self = PIGEON_SIDEBAR (object);

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_clear_object (&self->all_inboxes);
  for (guint i = 0; i < self->inboxes->len; i++)
    g_signal_handlers_disconnect_by_func (self->inboxes->pdata[i], update_all_unread, self);
  g_ptr_array_set_size (self->inboxes, 0);
  if (self->folder_lists != NULL)
    {
      GHashTableIter iter;
      gpointer list;

      g_hash_table_iter_init (&iter, self->folder_lists);
      while (g_hash_table_iter_next (&iter, &list, NULL))
        g_signal_handlers_disconnect_by_data (list, self);
    }
  g_clear_pointer (&self->folder_lists, g_hash_table_destroy);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (pigeon_sidebar_parent_class)->dispose (object);
}

static void
pigeon_sidebar_finalize (GObject *object)
{
  PigeonSidebar *self = PIGEON_SIDEBAR (object);

  g_hash_table_destroy (self->states);
  g_ptr_array_unref (self->inboxes);

  G_OBJECT_CLASS (pigeon_sidebar_parent_class)->finalize (object);
}

static void
pigeon_sidebar_class_init (PigeonSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pigeon_sidebar_dispose;
  object_class->finalize = pigeon_sidebar_finalize;

  signals[SIGNAL_SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_MESSAGES_DROPPED] = g_signal_new ("messages-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                   NULL, NULL, NULL, G_TYPE_NONE, 1, PIGEON_TYPE_FOLDER);
  signals[SIGNAL_FIX_ACCOUNT_ERROR] =
      g_signal_new ("fix-account-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                    2, PIGEON_TYPE_ACCOUNT, G_TYPE_ERROR);
  /* Private: tells the bound account rows to show the account's state. */
  signals[SIGNAL_ACCOUNT_STATE_CHANGED] =
      g_signal_new ("account-state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, PIGEON_TYPE_ACCOUNT);

  /* Private: tells the All Inboxes row its new count. */
  signals[SIGNAL_ALL_UNREAD_CHANGED] = g_signal_new ("all-unread-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "pigeon-sidebar");
}

static void
pigeon_sidebar_init (PigeonSidebar *self)
{
  self->all_inboxes = g_object_new (G_TYPE_OBJECT, NULL);
  self->states = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, account_state_free);
  self->inboxes = g_ptr_array_new_with_free_func (g_object_unref);
  self->folder_lists = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}
