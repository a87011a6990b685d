/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include "pigeon-store-private.h"

struct _PigeonMessage
{
  GObject parent_instance;

  gint64 id;
  gint64 account_id;
  char *message_id;
  gint64 thread_id;
  char *subject;
  char *from;
  char *to;
  char *cc;
  gint64 date;
  guint64 size;
  PigeonMessageFlags flags;
  gboolean has_attachments;
};

G_DEFINE_FINAL_TYPE (PigeonMessage, pigeon_message, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_ACCOUNT_ID,
  PROP_MESSAGE_ID,
  PROP_THREAD_ID,
  PROP_SUBJECT,
  PROP_FROM,
  PROP_TO,
  PROP_CC,
  PROP_DATE,
  PROP_SIZE,
  PROP_FLAGS,
  PROP_UNREAD,
  PROP_FLAGGED,
  PROP_HAS_ATTACHMENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pigeon_message_finalize (GObject *object)
{
  PigeonMessage *self = PIGEON_MESSAGE (object);

  g_free (self->message_id);
  g_free (self->subject);
  g_free (self->from);
  g_free (self->to);
  g_free (self->cc);

  G_OBJECT_CLASS (pigeon_message_parent_class)->finalize (object);
}

static void
pigeon_message_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PigeonMessage *self = PIGEON_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_ACCOUNT_ID:
      g_value_set_int64 (value, self->account_id);
      break;
    case PROP_MESSAGE_ID:
      g_value_set_string (value, self->message_id);
      break;
    case PROP_THREAD_ID:
      g_value_set_int64 (value, self->thread_id);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_FROM:
      g_value_set_string (value, self->from);
      break;
    case PROP_TO:
      g_value_set_string (value, self->to);
      break;
    case PROP_CC:
      g_value_set_string (value, self->cc);
      break;
    case PROP_DATE:
      g_value_set_int64 (value, self->date);
      break;
    case PROP_SIZE:
      g_value_set_uint64 (value, self->size);
      break;
    case PROP_FLAGS:
      g_value_set_flags (value, self->flags);
      break;
    case PROP_UNREAD:
      g_value_set_boolean (value, pigeon_message_get_unread (self));
      break;
    case PROP_FLAGGED:
      g_value_set_boolean (value, pigeon_message_get_flagged (self));
      break;
    case PROP_HAS_ATTACHMENTS:
      g_value_set_boolean (value, self->has_attachments);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define PARAM_FLAGS (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY)

static void
pigeon_message_class_init (PigeonMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pigeon_message_finalize;
  object_class->get_property = pigeon_message_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, PARAM_FLAGS);
  properties[PROP_ACCOUNT_ID] = g_param_spec_int64 ("account-id", NULL, NULL, 0, G_MAXINT64, 0, PARAM_FLAGS);
  properties[PROP_MESSAGE_ID] = g_param_spec_string ("message-id", NULL, NULL, NULL, PARAM_FLAGS);
  properties[PROP_THREAD_ID] = g_param_spec_int64 ("thread-id", NULL, NULL, 0, G_MAXINT64, 0, PARAM_FLAGS);
  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, PARAM_FLAGS);
  properties[PROP_FROM] = g_param_spec_string ("from", NULL, NULL, NULL, PARAM_FLAGS);
  properties[PROP_TO] = g_param_spec_string ("to", NULL, NULL, NULL, PARAM_FLAGS);
  properties[PROP_CC] = g_param_spec_string ("cc", NULL, NULL, NULL, PARAM_FLAGS);
  properties[PROP_DATE] = g_param_spec_int64 ("date", NULL, NULL, G_MININT64, G_MAXINT64, 0, PARAM_FLAGS);
  properties[PROP_SIZE] = g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, PARAM_FLAGS);
  properties[PROP_FLAGS] =
      g_param_spec_flags ("flags", NULL, NULL, PIGEON_TYPE_MESSAGE_FLAGS, PIGEON_MESSAGE_FLAGS_NONE, PARAM_FLAGS);
  properties[PROP_UNREAD] = g_param_spec_boolean ("unread", NULL, NULL, FALSE, PARAM_FLAGS);
  properties[PROP_FLAGGED] = g_param_spec_boolean ("flagged", NULL, NULL, FALSE, PARAM_FLAGS);
  properties[PROP_HAS_ATTACHMENTS] = g_param_spec_boolean ("has-attachments", NULL, NULL, FALSE, PARAM_FLAGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pigeon_message_init (PigeonMessage *self)
{
}

static void
set_int64 (PigeonMessage *self, gint64 *field, gint64 value, int prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_string (PigeonMessage *self, char **field, const char *value, int prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_flags (PigeonMessage *self, PigeonMessageFlags flags)
{
  PigeonMessageFlags old = self->flags;

  if (old == flags)
    return;
  self->flags = flags;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLAGS]);
  if ((old ^ flags) & PIGEON_MESSAGE_SEEN)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
  if ((old ^ flags) & PIGEON_MESSAGE_FLAGGED)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLAGGED]);
}

/* Reads a row of PIGEON_SUMMARY_COLUMNS. */
void
pigeon_message_update (PigeonMessage *self, sqlite3_stmt *row)
{
  gint64 size = sqlite3_column_int64 (row, 9);
  gboolean has_attachments = sqlite3_column_int (row, 11) != 0;

  g_object_freeze_notify (G_OBJECT (self));
  set_int64 (self, &self->id, sqlite3_column_int64 (row, 0), PROP_ID);
  set_int64 (self, &self->account_id, sqlite3_column_int64 (row, 1), PROP_ACCOUNT_ID);
  set_string (self, &self->message_id, (const char *) sqlite3_column_text (row, 2), PROP_MESSAGE_ID);
  set_int64 (self, &self->thread_id, sqlite3_column_int64 (row, 3), PROP_THREAD_ID);
  set_string (self, &self->subject, pigeon_db_text (row, 4), PROP_SUBJECT);
  set_string (self, &self->from, pigeon_db_text (row, 5), PROP_FROM);
  set_string (self, &self->to, pigeon_db_text (row, 6), PROP_TO);
  set_string (self, &self->cc, pigeon_db_text (row, 7), PROP_CC);
  set_int64 (self, &self->date, sqlite3_column_int64 (row, 8), PROP_DATE);
  set_int64 (self, (gint64 *) &self->size, size, PROP_SIZE);
  set_flags (self, sqlite3_column_int (row, 10));
  if (self->has_attachments != has_attachments)
    {
      self->has_attachments = has_attachments;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_ATTACHMENTS]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

PigeonMessage *
pigeon_message_new_from_row (sqlite3_stmt *row)
{
  PigeonMessage *self = g_object_new (PIGEON_TYPE_MESSAGE, NULL);

  pigeon_message_update (self, row);
  return self;
}

/* Stands for a row a list still shows while its removal is on its way. */
PigeonMessage *
pigeon_message_new_placeholder (gint64 id)
{
  PigeonMessage *self = g_object_new (PIGEON_TYPE_MESSAGE, NULL);

  self->id = id;
  self->subject = g_strdup ("");
  self->from = g_strdup ("");
  self->to = g_strdup ("");
  self->cc = g_strdup ("");
  return self;
}

#define GETTER(type, name, fallback)                           \
  type pigeon_message_get_##name (PigeonMessage *self)         \
  {                                                            \
    g_return_val_if_fail (PIGEON_IS_MESSAGE (self), fallback); \
    return self->name;                                         \
  }

GETTER (gint64, id, 0)
GETTER (gint64, account_id, 0)
GETTER (const char *, message_id, NULL)
GETTER (gint64, thread_id, 0)
GETTER (const char *, subject, NULL)
GETTER (const char *, from, NULL)
GETTER (const char *, to, NULL)
GETTER (const char *, cc, NULL)
GETTER (gint64, date, 0)
GETTER (guint64, size, 0)
GETTER (PigeonMessageFlags, flags, 0)
GETTER (gboolean, has_attachments, FALSE)

gboolean
pigeon_message_get_unread (PigeonMessage *self)
{
  g_return_val_if_fail (PIGEON_IS_MESSAGE (self), FALSE);
  return (self->flags & PIGEON_MESSAGE_SEEN) == 0;
}

gboolean
pigeon_message_get_flagged (PigeonMessage *self)
{
  g_return_val_if_fail (PIGEON_IS_MESSAGE (self), FALSE);
  return (self->flags & PIGEON_MESSAGE_FLAGGED) != 0;
}
