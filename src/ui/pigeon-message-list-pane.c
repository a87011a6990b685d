/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-message-list-pane.h"

struct _PigeonMessageListPane
{
  GtkWidget parent_instance;

  PigeonEngine *engine;
};

G_DEFINE_FINAL_TYPE (PigeonMessageListPane, pigeon_message_list_pane, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ENGINE,
  PROP_SELECTED_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
pigeon_message_list_pane_new (PigeonEngine *engine)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (engine), NULL);

  return g_object_new (PIGEON_TYPE_MESSAGE_LIST_PANE, "engine", engine, NULL);
}

void
pigeon_message_list_pane_set_folder (PigeonMessageListPane *self, PigeonFolder *folder)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));
  g_return_if_fail (folder == NULL || PIGEON_IS_FOLDER (folder));
}

void
pigeon_message_list_pane_show_all_inboxes (PigeonMessageListPane *self)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));
}

void
pigeon_message_list_pane_search (PigeonMessageListPane *self, const char *query)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));
}

PigeonMessage *
pigeon_message_list_pane_get_selected_message (PigeonMessageListPane *self)
{
  g_return_val_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self), NULL);

  return NULL;
}

GPtrArray *
pigeon_message_list_pane_get_selection (PigeonMessageListPane *self)
{
  g_return_val_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self), NULL);

  return g_ptr_array_new_with_free_func (g_object_unref);
}

void
pigeon_message_list_pane_move_selection_to (PigeonMessageListPane *self, PigeonFolder *target)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));
  g_return_if_fail (PIGEON_IS_FOLDER (target));
}

void
pigeon_message_list_pane_mark_selection_read (PigeonMessageListPane *self, gboolean read)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));
}

void
pigeon_message_list_pane_toggle_selection_flag (PigeonMessageListPane *self)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));
}

void
pigeon_message_list_pane_delete_selection (PigeonMessageListPane *self)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));
}

void
pigeon_message_list_pane_archive_selection (PigeonMessageListPane *self)
{
  g_return_if_fail (PIGEON_IS_MESSAGE_LIST_PANE (self));
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
      g_value_set_object (value, pigeon_message_list_pane_get_selected_message (self));
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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pigeon_message_list_pane_dispose (GObject *object)
{
  PigeonMessageListPane *self = PIGEON_MESSAGE_LIST_PANE (object);

  g_clear_object (&self->engine);

  G_OBJECT_CLASS (pigeon_message_list_pane_parent_class)->dispose (object);
}

static void
pigeon_message_list_pane_class_init (PigeonMessageListPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pigeon_message_list_pane_get_property;
  object_class->set_property = pigeon_message_list_pane_set_property;
  object_class->dispose = pigeon_message_list_pane_dispose;

  properties[PROP_ENGINE] = g_param_spec_object ("engine", NULL, NULL, PIGEON_TYPE_ENGINE,
                                                 G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_MESSAGE] = g_param_spec_object ("selected-message", NULL, NULL, PIGEON_TYPE_MESSAGE,
                                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
pigeon_message_list_pane_init (PigeonMessageListPane *self)
{
}
