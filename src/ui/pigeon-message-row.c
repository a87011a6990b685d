/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-message-row.h"
#include "pigeon-mime-address.h"

struct _PigeonMessageRow
{
  GtkWidget parent_instance;

  PigeonMessage *message;
  gulong notify_id;

  /* Template children */
  GtkWidget *grid;
  GtkImage *unread_dot;
  GtkLabel *sender_label;
  GtkImage *attachment_icon;
  GtkLabel *date_label;
  GtkLabel *subject_label;
  GtkLabel *count_label;
  GtkButton *flag_button;
};

G_DEFINE_FINAL_TYPE (PigeonMessageRow, pigeon_message_row, GTK_TYPE_WIDGET)

enum
{
  TOGGLE_FLAG,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
pigeon_message_row_new (void)
{
  return g_object_new (PIGEON_TYPE_MESSAGE_ROW, NULL);
}

char *
pigeon_message_row_format_date (gint64 date, GDateTime *now)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;

  g_return_val_if_fail (now != NULL, NULL);

  if (date == 0 || (utc = g_date_time_new_from_unix_utc (date)) == NULL)
    return g_strdup ("");
  local = g_date_time_to_timezone (utc, g_date_time_get_timezone (now));

  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    /* TRANSLATORS: the time of a message received today; see g_date_time_format() */
    return g_date_time_format (local, _ ("%H:%M"));
  if (g_date_time_get_year (local) == g_date_time_get_year (now))
    /* TRANSLATORS: the date of a message received this year, "Mar 3"; see g_date_time_format() */
    return g_date_time_format (local, _ ("%b %-e"));
  /* TRANSLATORS: the date of a message from an earlier year; see g_date_time_format() */
  return g_date_time_format (local, _ ("%Y-%m-%d"));
}

char *
pigeon_message_row_format_sender (const char *from)
{
  g_autoptr (GPtrArray) addresses = NULL;
  PigeonMimeAddress *first;

  if (from == NULL || *from == '\0')
    return g_strdup (_ ("Unknown Sender"));

  addresses = pigeon_mime_address_list_parse (from, -1);
  if (addresses->len == 0)
    return g_strdup (from);
  first = addresses->pdata[0];
  if (first->name != NULL && *first->name != '\0')
    return g_strdup (first->name);
  if (first->address != NULL)
    return g_strdup (first->address);
  return g_strdup (from);
}

/* Sender bold when unread: a text attribute, so no markup is built from
 * the message's text. The dot keeps its place when hidden, so that read and
 * unread rows line up. */
static void
pigeon_message_row_update_unread (PigeonMessageRow *self, gboolean unread)
{
  g_autoptr (PangoAttrList) attributes = pango_attr_list_new ();

  if (unread)
    pango_attr_list_insert (attributes, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  gtk_label_set_attributes (self->sender_label, attributes);
  gtk_widget_set_opacity (GTK_WIDGET (self->unread_dot), unread ? 1.0 : 0.0);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->unread_dot), GTK_ACCESSIBLE_STATE_HIDDEN, !unread, -1);
}

static void
pigeon_message_row_update_flag (PigeonMessageRow *self, gboolean flagged)
{
  GtkWidget *button = GTK_WIDGET (self->flag_button);
  const char *label = flagged ? _ ("Unflag") : _ ("Flag");

  gtk_button_set_icon_name (self->flag_button, flagged ? "starred-symbolic" : "non-starred-symbolic");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (flagged)
    gtk_widget_add_css_class (button, "warning");
  else
    gtk_widget_remove_css_class (button, "warning");
}

/* A screen reader reads the row as one sentence, then its states. */
static void
pigeon_message_row_update_accessible (PigeonMessageRow *self, const char *sender, const char *subject, const char *date)
{
  g_autoptr (GStrvBuilder) states = g_strv_builder_new ();
  g_auto (GStrv) parts = NULL;
  g_autofree char *label = NULL;
  g_autofree char *description = NULL;

  /* TRANSLATORS: a message as a screen reader reads it: sender, subject and date */
  label = g_strdup_printf (_ ("%s, %s, %s"), sender, subject, date);
  if (pigeon_message_get_unread (self->message))
    g_strv_builder_add (states, _ ("Unread"));
  if (pigeon_message_get_flagged (self->message))
    g_strv_builder_add (states, _ ("Flagged"));
  if (pigeon_message_get_has_attachments (self->message))
    g_strv_builder_add (states, _ ("Has attachments"));
  parts = g_strv_builder_end (states);
  /* TRANSLATORS: the separator between a message's states ("Unread, Flagged") */
  description = g_strjoinv (_ (", "), parts);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

static void
pigeon_message_row_update (PigeonMessageRow *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *sender = NULL;
  g_autofree char *date = NULL;
  const char *subject;

  if (self->message == NULL)
    return;

  sender = pigeon_message_row_format_sender (pigeon_message_get_from (self->message));
  date = pigeon_message_row_format_date (pigeon_message_get_date (self->message), now);
  subject = pigeon_message_get_subject (self->message);

  gtk_label_set_text (self->sender_label, sender);
  gtk_label_set_text (self->date_label, date);
  if (subject == NULL || *subject == '\0')
    subject = _ ("(No Subject)");

  gtk_label_set_text (self->subject_label, subject);
  gtk_widget_set_visible (GTK_WIDGET (self->attachment_icon), pigeon_message_get_has_attachments (self->message));
  pigeon_message_row_update_unread (self, pigeon_message_get_unread (self->message));
  pigeon_message_row_update_flag (self, pigeon_message_get_flagged (self->message));
  pigeon_message_row_update_accessible (self, sender, subject, date);
}

static void
message_notify_cb (PigeonMessageRow *self)
{
  pigeon_message_row_update (self);
}

PigeonMessage *
pigeon_message_row_get_message (PigeonMessageRow *self)
{
  g_return_val_if_fail (PIGEON_IS_MESSAGE_ROW (self), NULL);

  return self->message;
}

void
pigeon_message_row_set_message (PigeonMessageRow *self, PigeonMessage *message)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_ROW (self));
  g_return_if_fail (message == NULL || PIGEON_IS_MESSAGE (message));

  if (self->message == message)
    return;

  g_clear_signal_handler (&self->notify_id, self->message);
  g_set_object (&self->message, message);
  if (message != NULL)
    self->notify_id = g_signal_connect_swapped (message, "notify", G_CALLBACK (message_notify_cb), self);
  pigeon_message_row_update (self);
}

void
pigeon_message_row_set_count (PigeonMessageRow *self, guint count)
{
  g_autofree char *text = NULL;
  g_autofree char *description = NULL;

  g_return_if_fail (PIGEON_IS_MESSAGE_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->count_label), count > 1);
  if (count <= 1)
    return;
  text = g_strdup_printf ("%u", count);
  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message", "%u messages", count), count);
  gtk_label_set_text (self->count_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->count_label), description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->count_label), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
}

static void
flag_button_clicked_cb (PigeonMessageRow *self)
{
  if (self->message != NULL)
    g_signal_emit (self, signals[TOGGLE_FLAG], 0);
}

static void
pigeon_message_row_dispose (GObject *object)
{
  PigeonMessageRow *self = PIGEON_MESSAGE_ROW (object);

  g_clear_signal_handler (&self->notify_id, self->message);
  g_clear_object (&self->message);
  gtk_widget_dispose_template (GTK_WIDGET (self), PIGEON_TYPE_MESSAGE_ROW);

  G_OBJECT_CLASS (pigeon_message_row_parent_class)->dispose (object);
}

static void
pigeon_message_row_class_init (PigeonMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pigeon_message_row_dispose;

  signals[TOGGLE_FLAG] =
      g_signal_new ("toggle-flag", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/pigeon-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageRow, grid);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageRow, unread_dot);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageRow, sender_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageRow, attachment_icon);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageRow, date_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageRow, subject_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageRow, count_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonMessageRow, flag_button);
  gtk_widget_class_bind_template_callback (widget_class, flag_button_clicked_cb);
}

static void
pigeon_message_row_init (PigeonMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), FALSE);
}
