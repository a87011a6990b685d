/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-reader.h"

struct _PigeonReader
{
  GtkWidget parent_instance;

  PigeonEngine *engine;
  PigeonMessage *message;
};

G_DEFINE_FINAL_TYPE (PigeonReader, pigeon_reader, GTK_TYPE_WIDGET)

static void
pigeon_reader_dispose (GObject *object)
{
  PigeonReader *self = PIGEON_READER (object);

  g_clear_object (&self->message);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (pigeon_reader_parent_class)->dispose (object);
}

static void
pigeon_reader_class_init (PigeonReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pigeon_reader_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
pigeon_reader_init (PigeonReader *self)
{
}

GtkWidget *
pigeon_reader_new (PigeonEngine *engine)
{
  PigeonReader *self;

  g_return_val_if_fail (PIGEON_IS_ENGINE (engine), NULL);

  self = g_object_new (PIGEON_TYPE_READER, NULL);
  self->engine = g_object_ref (engine);
  return GTK_WIDGET (self);
}

void
pigeon_reader_set_message (PigeonReader *self, PigeonMessage *message)
{
  g_return_if_fail (PIGEON_IS_READER (self));
  g_return_if_fail (message == NULL || PIGEON_IS_MESSAGE (message));

  g_set_object (&self->message, message);
}
