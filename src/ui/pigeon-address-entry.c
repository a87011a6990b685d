/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-address-entry.h"
#include "pigeon-contact-groups.h"
#include "pigeon-mime-address.h"

#define MAX_COMPLETIONS 8

struct _PigeonAddressEntry
{
  GtkWidget parent_instance;

  GtkWidget *flow_box; /* the tokens, then the text field */
  GtkWidget *text;
  GtkWidget *popover;
  GtkWidget *completions; /* GtkListBox */
  GPtrArray *tokens;      /* GtkFlowBoxChild, in order */
  PigeonStore *store;
  GPtrArray *groups; /* PigeonContactGroup */
};

G_DEFINE_FINAL_TYPE (PigeonAddressEntry, pigeon_address_entry, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

gboolean
pigeon_address_is_valid (const char *address)
{
  const char *at;

  if (address == NULL)
    return FALSE;
  at = strchr (address, '@');
  if (at == NULL || at == address || at[1] == '\0' || strchr (at + 1, '@') != NULL)
    return FALSE;
  /* A domain name: dot-separated labels, no empty one. */
  if (at[1] == '.' || g_str_has_suffix (address, ".") || strstr (at, "..") != NULL)
    return FALSE;
  for (const char *p = address; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || strchr ("<>()[],;:\\\"", *p) != NULL)
      return FALSE;
  return TRUE;
}

static void
remove_token (PigeonAddressEntry *self, GtkWidget *token)
{
  g_ptr_array_remove (self->tokens, token);
  gtk_flow_box_remove (GTK_FLOW_BOX (self->flow_box), token);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
remove_clicked_cb (GtkButton *button, PigeonAddressEntry *self)
{
  GtkWidget *token = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_FLOW_BOX_CHILD);

  remove_token (self, token);
  gtk_widget_grab_focus (self->text);
}

static char *
dup_token_label (const PigeonMimeAddress *address)
{
  if (address->name != NULL && *address->name != '\0')
    return g_strdup (address->name);
  return g_strdup (address->address);
}

/* A token: the name (the address in the tooltip) and a remove button.
 * An invalid one keeps the text as typed. */
static GtkWidget *
token_new (PigeonAddressEntry *self, PigeonMimeAddress *address, const char *invalid_text)
{
  GtkWidget *child = gtk_flow_box_child_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  g_autofree char *label_text = address != NULL ? dup_token_label (address) : g_strdup (invalid_text);
  GtkWidget *label = gtk_label_new (label_text);
  GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  g_autofree char *remove_label = g_strdup_printf (_ ("Remove %s"), label_text);

  gtk_widget_add_css_class (box, "pigeon-address-token");
  /* A pill as wide as its text, whatever the width of its column. */
  gtk_widget_set_halign (box, GTK_ALIGN_START);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 32);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_add_css_class (remove, "circular");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), remove);
  if (address != NULL)
    {
      g_autofree char *formatted = pigeon_mime_address_format (address);

      gtk_widget_set_tooltip_text (box, formatted);
      g_object_set_data_full (G_OBJECT (child), "pigeon-address", address, (GDestroyNotify) pigeon_mime_address_free);
    }
  else
    {
      gtk_widget_add_css_class (box, "error");
      gtk_widget_set_tooltip_text (box, _ ("Not a valid email address"));
    }
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), box);
  gtk_widget_set_focusable (child, FALSE);
  return child;
}

static void
append_token (PigeonAddressEntry *self, GtkWidget *token)
{
  /* Tokens go before the text field, which stays last. */
  gtk_flow_box_insert (GTK_FLOW_BOX (self->flow_box), token, (int) self->tokens->len);
  g_ptr_array_add (self->tokens, token);
}

static void
add_address (PigeonAddressEntry *self, const char *name, const char *address)
{
  if (pigeon_address_is_valid (address))
    append_token (self, token_new (self, pigeon_mime_address_new (name, address), NULL));
  else
    append_token (self, token_new (self, NULL, address));
}

void
pigeon_address_entry_add_text (PigeonAddressEntry *self, const char *text)
{
  g_autoptr (GPtrArray) parsed = NULL;
  g_autofree char *stripped = NULL;
  guint added = 0;

  g_return_if_fail (PIGEON_IS_ADDRESS_ENTRY (self));
  g_return_if_fail (text != NULL);

  stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0')
    return;
  parsed = pigeon_mime_address_list_parse (stripped, -1);
  for (guint i = 0; i < parsed->len; i++)
    {
      PigeonMimeAddress *address = g_ptr_array_index (parsed, i);

      if (address->address == NULL)
        continue;
      add_address (self, address->name, address->address);
      added++;
    }
  /* What the parser could not read at all is shown as typed. */
  if (added == 0)
    append_token (self, token_new (self, NULL, stripped));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
pigeon_address_entry_commit (PigeonAddressEntry *self)
{
  g_autofree char *text = NULL;

  g_return_if_fail (PIGEON_IS_ADDRESS_ENTRY (self));

  text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->text)));
  gtk_editable_set_text (GTK_EDITABLE (self->text), "");
  pigeon_address_entry_add_text (self, text);
}

static void
add_group (PigeonAddressEntry *self, PigeonContactGroup *group)
{
  for (guint i = 0; i < group->addresses->len; i++)
    {
      PigeonMimeAddress *address = g_ptr_array_index (group->addresses, i);

      add_address (self, address->name, address->address);
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* A completion was chosen: a contact becomes one token, a group all of
 * its addresses. */
static void
choose_completion (PigeonAddressEntry *self, GtkListBoxRow *row)
{
  PigeonContactGroup *group = g_object_get_data (G_OBJECT (row), "pigeon-group");
  PigeonMimeAddress *contact = g_object_get_data (G_OBJECT (row), "pigeon-address");
  /* Emptying the field empties the completions, and frees the row. */
  g_autoptr (PigeonMimeAddress) address =
      contact != NULL ? pigeon_mime_address_new (contact->name, contact->address) : NULL;

  gtk_popover_popdown (GTK_POPOVER (self->popover));
  gtk_editable_set_text (GTK_EDITABLE (self->text), "");
  if (group != NULL)
    add_group (self, group);
  else if (address != NULL)
    {
      add_address (self, address->name, address->address);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
    }
  gtk_widget_grab_focus (self->text);
}

static void
completion_activated_cb (GtkListBox *list, GtkListBoxRow *row, PigeonAddressEntry *self)
{
  choose_completion (self, row);
}

static GtkWidget *
completion_row_new (const char *title, const char *subtitle, const char *icon_name)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *subtitle_label = gtk_label_new (subtitle);

  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon_name));
  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle_label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (subtitle_label), 40);
  gtk_widget_add_css_class (subtitle_label, "dim-label");
  gtk_widget_add_css_class (subtitle_label, "caption");
  gtk_box_append (GTK_BOX (labels), title_label);
  gtk_box_append (GTK_BOX (labels), subtitle_label);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static char *
dup_group_summary (PigeonContactGroup *group)
{
  g_autoptr (GPtrArray) addresses = g_ptr_array_new ();

  for (guint i = 0; i < group->addresses->len; i++)
    g_ptr_array_add (addresses, ((PigeonMimeAddress *) g_ptr_array_index (group->addresses, i))->address);
  g_ptr_array_add (addresses, NULL);
  return g_strjoinv (", ", (char **) addresses->pdata);
}

static guint
add_group_completions (PigeonAddressEntry *self, const char *prefix)
{
  g_autoptr (GPtrArray) matches = pigeon_contact_groups_complete (self->groups, prefix);

  for (guint i = 0; i < matches->len; i++)
    {
      PigeonContactGroup *group = g_ptr_array_index (matches, i);
      g_autofree char *summary = dup_group_summary (group);
      GtkWidget *row = completion_row_new (group->name, summary, "system-users-symbolic");

      g_object_set_data (G_OBJECT (row), "pigeon-group", group);
      gtk_list_box_append (GTK_LIST_BOX (self->completions), row);
    }
  return matches->len;
}

static guint
add_contact_completions (PigeonAddressEntry *self, const char *prefix, guint limit)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) contacts = NULL;

  if (self->store == NULL || limit == 0)
    return 0;
  contacts = pigeon_store_complete_address (self->store, prefix, limit, &error);
  if (contacts == NULL)
    {
      g_warning ("Cannot complete addresses: %s", error->message);
      return 0;
    }
  for (guint i = 0; i < contacts->len; i++)
    {
      PigeonContact *contact = g_ptr_array_index (contacts, i);
      gboolean named = contact->name != NULL && *contact->name != '\0';
      GtkWidget *row = completion_row_new (named ? contact->name : contact->address, named ? contact->address : "",
                                           "avatar-default-symbolic");

      g_object_set_data_full (G_OBJECT (row), "pigeon-address",
                              pigeon_mime_address_new (named ? contact->name : NULL, contact->address),
                              (GDestroyNotify) pigeon_mime_address_free);
      gtk_list_box_append (GTK_LIST_BOX (self->completions), row);
    }
  return contacts->len;
}

static void
update_completions (PigeonAddressEntry *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->text));
  g_autofree char *prefix = g_strstrip (g_strdup (text));
  guint n = 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->completions)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->completions), child);
  if (*prefix != '\0')
    {
      n = add_group_completions (self, prefix);
      n += add_contact_completions (self, prefix, MAX_COMPLETIONS > n ? MAX_COMPLETIONS - n : 0);
    }
  if (n == 0)
    {
      gtk_popover_popdown (GTK_POPOVER (self->popover));
      return;
    }
  gtk_list_box_select_row (GTK_LIST_BOX (self->completions),
                           gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->completions), 0));
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

/* A comma or semicolon outside quotes ends an address. */
static gboolean
ends_with_separator (const char *text)
{
  gsize len = strlen (text);
  guint quotes = 0;

  if (len == 0 || (text[len - 1] != ',' && text[len - 1] != ';'))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (*p == '"')
      quotes++;
  return quotes % 2 == 0;
}

static void
text_changed_cb (GtkEditable *editable, PigeonAddressEntry *self)
{
  const char *text = gtk_editable_get_text (editable);

  if (ends_with_separator (text))
    {
      g_autofree char *address = g_strndup (text, strlen (text) - 1);

      gtk_editable_set_text (editable, "");
      pigeon_address_entry_add_text (self, address);
      return;
    }
  update_completions (self);
}

static void
text_activate_cb (GtkText *text, PigeonAddressEntry *self)
{
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (GTK_LIST_BOX (self->completions));

  if (gtk_widget_get_visible (self->popover) && selected != NULL)
    choose_completion (self, selected);
  else
    pigeon_address_entry_commit (self);
}

static void
move_selection (PigeonAddressEntry *self, int delta)
{
  GtkListBox *list = GTK_LIST_BOX (self->completions);
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (list);
  int index = selected != NULL ? gtk_list_box_row_get_index (selected) + delta : 0;
  GtkListBoxRow *next = gtk_list_box_get_row_at_index (list, MAX (index, 0));

  if (next != NULL)
    gtk_list_box_select_row (list, next);
}

/* Up and Down walk the completions while typing goes on; Escape closes
 * them; Backspace in an empty field removes the last token. */
static gboolean
text_key_pressed_cb (
    GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state, PigeonAddressEntry *self)
{
  gboolean completing = gtk_widget_get_visible (self->popover);

  if (completing && (keyval == GDK_KEY_Down || keyval == GDK_KEY_Up))
    {
      move_selection (self, keyval == GDK_KEY_Down ? 1 : -1);
      return GDK_EVENT_STOP;
    }
  if (completing && keyval == GDK_KEY_Escape)
    {
      gtk_popover_popdown (GTK_POPOVER (self->popover));
      return GDK_EVENT_STOP;
    }
  if (keyval == GDK_KEY_BackSpace && self->tokens->len > 0 &&
      *gtk_editable_get_text (GTK_EDITABLE (self->text)) == '\0')
    {
      remove_token (self, g_ptr_array_index (self->tokens, self->tokens->len - 1));
      return GDK_EVENT_STOP;
    }
  return GDK_EVENT_PROPAGATE;
}

static void
text_focus_leave_cb (GtkEventControllerFocus *controller, PigeonAddressEntry *self)
{
  /* Not while a completion is being clicked. */
  if (!gtk_widget_get_visible (self->popover))
    pigeon_address_entry_commit (self);
}

static void
click_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, PigeonAddressEntry *self)
{
  gtk_widget_grab_focus (self->text);
}

void
pigeon_address_entry_set_store (PigeonAddressEntry *self, PigeonStore *store)
{
  g_return_if_fail (PIGEON_IS_ADDRESS_ENTRY (self));
  g_return_if_fail (store == NULL || PIGEON_IS_STORE (store));

  g_set_object (&self->store, store);
}

GPtrArray *
pigeon_address_entry_dup_addresses (PigeonAddressEntry *self)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_mime_address_free);

  g_return_val_if_fail (PIGEON_IS_ADDRESS_ENTRY (self), addresses);

  pigeon_address_entry_commit (self);
  for (guint i = 0; i < self->tokens->len; i++)
    {
      PigeonMimeAddress *address = g_object_get_data (g_ptr_array_index (self->tokens, i), "pigeon-address");

      if (address != NULL)
        g_ptr_array_add (addresses, pigeon_mime_address_new (address->name, address->address));
    }
  return addresses;
}

gboolean
pigeon_address_entry_has_invalid (PigeonAddressEntry *self)
{
  g_return_val_if_fail (PIGEON_IS_ADDRESS_ENTRY (self), FALSE);

  pigeon_address_entry_commit (self);
  for (guint i = 0; i < self->tokens->len; i++)
    if (g_object_get_data (g_ptr_array_index (self->tokens, i), "pigeon-address") == NULL)
      return TRUE;
  return FALSE;
}

gboolean
pigeon_address_entry_is_empty (PigeonAddressEntry *self)
{
  g_return_val_if_fail (PIGEON_IS_ADDRESS_ENTRY (self), TRUE);

  return self->tokens->len == 0 && *gtk_editable_get_text (GTK_EDITABLE (self->text)) == '\0';
}

guint
pigeon_address_entry_get_n_tokens (PigeonAddressEntry *self)
{
  g_return_val_if_fail (PIGEON_IS_ADDRESS_ENTRY (self), 0);

  return self->tokens->len;
}

GtkWidget *
pigeon_address_entry_get_token (PigeonAddressEntry *self, guint index)
{
  g_return_val_if_fail (PIGEON_IS_ADDRESS_ENTRY (self), NULL);
  g_return_val_if_fail (index < self->tokens->len, NULL);

  return gtk_flow_box_child_get_child (g_ptr_array_index (self->tokens, index));
}

GtkWidget *
pigeon_address_entry_get_text_field (PigeonAddressEntry *self)
{
  g_return_val_if_fail (PIGEON_IS_ADDRESS_ENTRY (self), NULL);

  return self->text;
}

GtkWidget *
pigeon_address_entry_new (void)
{
  return g_object_new (PIGEON_TYPE_ADDRESS_ENTRY, NULL);
}

static gboolean
pigeon_address_entry_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (PIGEON_ADDRESS_ENTRY (widget)->text);
}

static void
pigeon_address_entry_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  PigeonAddressEntry *self = PIGEON_ADDRESS_ENTRY (widget);

  gtk_widget_allocate (self->flow_box, width, height, baseline, NULL);
  gtk_popover_present (GTK_POPOVER (self->popover));
}

static void
pigeon_address_entry_measure (GtkWidget *widget,
                              GtkOrientation orientation,
                              int for_size,
                              int *minimum,
                              int *natural,
                              int *minimum_baseline,
                              int *natural_baseline)
{
  gtk_widget_measure (PIGEON_ADDRESS_ENTRY (widget)->flow_box, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static GtkSizeRequestMode
pigeon_address_entry_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
pigeon_address_entry_dispose (GObject *object)
{
  PigeonAddressEntry *self = PIGEON_ADDRESS_ENTRY (object);

  g_clear_pointer (&self->popover, gtk_widget_unparent);
  g_clear_pointer (&self->flow_box, gtk_widget_unparent);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (pigeon_address_entry_parent_class)->dispose (object);
}

static void
pigeon_address_entry_finalize (GObject *object)
{
  PigeonAddressEntry *self = PIGEON_ADDRESS_ENTRY (object);

  g_ptr_array_unref (self->tokens);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  G_OBJECT_CLASS (pigeon_address_entry_parent_class)->finalize (object);
}

static void
pigeon_address_entry_class_init (PigeonAddressEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pigeon_address_entry_dispose;
  object_class->finalize = pigeon_address_entry_finalize;
  widget_class->grab_focus = pigeon_address_entry_grab_focus;
  widget_class->size_allocate = pigeon_address_entry_size_allocate;
  widget_class->measure = pigeon_address_entry_measure;
  widget_class->get_request_mode = pigeon_address_entry_get_request_mode;

  signals[SIGNAL_CHANGED] =
      g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (widget_class, "pigeon-address-entry");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
load_groups (PigeonAddressEntry *self)
{
  g_autofree char *path = pigeon_contact_groups_get_path ();
  g_autoptr (GError) error = NULL;

  self->groups = pigeon_contact_groups_load (path, &error);
  if (self->groups == NULL)
    {
      g_warning ("Cannot read the contact groups in %s: %s", path, error->message);
      self->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_contact_group_free);
    }
}

static void
setup_text (PigeonAddressEntry *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkWidget *child = gtk_flow_box_child_new ();

  self->text = gtk_text_new ();
  gtk_widget_set_hexpand (self->text, TRUE);
  /* Narrow: the flow box lines its children up in columns, and the
   * field takes the first column of the line it wraps to. */
  gtk_editable_set_width_chars (GTK_EDITABLE (self->text), 6);
  gtk_widget_set_valign (self->text, GTK_ALIGN_CENTER);
  g_signal_connect (self->text, "changed", G_CALLBACK (text_changed_cb), self);
  g_signal_connect (self->text, "activate", G_CALLBACK (text_activate_cb), self);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (text_key_pressed_cb), self);
  gtk_widget_add_controller (self->text, keys);
  g_signal_connect (focus, "leave", G_CALLBACK (text_focus_leave_cb), self);
  gtk_widget_add_controller (self->text, focus);
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), self->text);
  gtk_widget_set_focusable (child, FALSE);
  gtk_flow_box_append (GTK_FLOW_BOX (self->flow_box), child);
}

static void
setup_popover (PigeonAddressEntry *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->completions = gtk_list_box_new ();
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (self->completions), TRUE);
  g_signal_connect (self->completions, "row-activated", G_CALLBACK (completion_activated_cb), self);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->completions);
  self->popover = gtk_popover_new ();
  /* Typing goes on in the field while the completions show. */
  gtk_popover_set_autohide (GTK_POPOVER (self->popover), FALSE);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
  gtk_popover_set_position (GTK_POPOVER (self->popover), GTK_POS_BOTTOM);
  gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
  gtk_popover_set_child (GTK_POPOVER (self->popover), scrolled);
  gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
}

static void
pigeon_address_entry_init (PigeonAddressEntry *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->tokens = g_ptr_array_new ();
  self->flow_box = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->flow_box), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->flow_box), 20);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->flow_box), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->flow_box), 4);
  gtk_widget_set_parent (self->flow_box, GTK_WIDGET (self));
  setup_text (self);
  setup_popover (self);
  load_groups (self);
  g_signal_connect (click, "pressed", G_CALLBACK (click_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}
