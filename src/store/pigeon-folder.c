/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include "pigeon-store-private.h"

struct _PigeonFolder
{
  GObject parent_instance;

  gint64 id;
  gint64 account_id;
  gint64 parent_id;
  char *path;
  char *name;
  char *delimiter;
  PigeonFolderRole role;
  guint32 uidvalidity;
  guint32 uidnext;
  guint64 highestmodseq;
  guint total;
  guint unread;

  GListStore *children;
};

G_DEFINE_FINAL_TYPE (PigeonFolder, pigeon_folder, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_ACCOUNT_ID,
  PROP_PARENT_ID,
  PROP_PATH,
  PROP_NAME,
  PROP_DELIMITER,
  PROP_ROLE,
  PROP_UIDVALIDITY,
  PROP_UIDNEXT,
  PROP_HIGHESTMODSEQ,
  PROP_TOTAL,
  PROP_UNREAD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pigeon_folder_finalize (GObject *object)
{
  PigeonFolder *self = PIGEON_FOLDER (object);

  g_free (self->path);
  g_free (self->name);
  g_free (self->delimiter);
  g_clear_object (&self->children);

  G_OBJECT_CLASS (pigeon_folder_parent_class)->finalize (object);
}

static void
pigeon_folder_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PigeonFolder *self = PIGEON_FOLDER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_ACCOUNT_ID:
      g_value_set_int64 (value, self->account_id);
      break;
    case PROP_PARENT_ID:
      g_value_set_int64 (value, self->parent_id);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DELIMITER:
      g_value_set_string (value, self->delimiter);
      break;
    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;
    case PROP_UIDVALIDITY:
      g_value_set_uint (value, self->uidvalidity);
      break;
    case PROP_UIDNEXT:
      g_value_set_uint (value, self->uidnext);
      break;
    case PROP_HIGHESTMODSEQ:
      g_value_set_uint64 (value, self->highestmodseq);
      break;
    case PROP_TOTAL:
      g_value_set_uint (value, self->total);
      break;
    case PROP_UNREAD:
      g_value_set_uint (value, self->unread);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define PARAM_FLAGS (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY)

static void
pigeon_folder_class_init (PigeonFolderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pigeon_folder_finalize;
  object_class->get_property = pigeon_folder_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, PARAM_FLAGS);
  properties[PROP_ACCOUNT_ID] = g_param_spec_int64 ("account-id", NULL, NULL, 0, G_MAXINT64, 0, PARAM_FLAGS);
  properties[PROP_PARENT_ID] = g_param_spec_int64 ("parent-id", NULL, NULL, 0, G_MAXINT64, 0, PARAM_FLAGS);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, PARAM_FLAGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, PARAM_FLAGS);
  properties[PROP_DELIMITER] = g_param_spec_string ("delimiter", NULL, NULL, NULL, PARAM_FLAGS);
  properties[PROP_ROLE] =
      g_param_spec_enum ("role", NULL, NULL, PIGEON_TYPE_FOLDER_ROLE, PIGEON_FOLDER_ROLE_NONE, PARAM_FLAGS);
  properties[PROP_UIDVALIDITY] = g_param_spec_uint ("uidvalidity", NULL, NULL, 0, G_MAXUINT32, 0, PARAM_FLAGS);
  properties[PROP_UIDNEXT] = g_param_spec_uint ("uidnext", NULL, NULL, 0, G_MAXUINT32, 0, PARAM_FLAGS);
  properties[PROP_HIGHESTMODSEQ] = g_param_spec_uint64 ("highestmodseq", NULL, NULL, 0, G_MAXUINT64, 0, PARAM_FLAGS);
  properties[PROP_TOTAL] = g_param_spec_uint ("total", NULL, NULL, 0, G_MAXUINT, 0, PARAM_FLAGS);
  properties[PROP_UNREAD] = g_param_spec_uint ("unread", NULL, NULL, 0, G_MAXUINT, 0, PARAM_FLAGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pigeon_folder_init (PigeonFolder *self)
{
  self->children = g_list_store_new (PIGEON_TYPE_FOLDER);
}

static void
set_int64 (PigeonFolder *self, gint64 *field, gint64 value, int prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_uint (PigeonFolder *self, guint *field, guint value, int prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_string (PigeonFolder *self, char **field, const char *value, int prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Reads a row of PIGEON_FOLDER_COLUMNS. */
void
pigeon_folder_update (PigeonFolder *self, sqlite3_stmt *row)
{
  guint64 modseq = sqlite3_column_int64 (row, 9);

  g_object_freeze_notify (G_OBJECT (self));
  set_int64 (self, &self->id, sqlite3_column_int64 (row, 0), PROP_ID);
  set_int64 (self, &self->account_id, sqlite3_column_int64 (row, 1), PROP_ACCOUNT_ID);
  set_int64 (self, &self->parent_id, sqlite3_column_int64 (row, 2), PROP_PARENT_ID);
  set_string (self, &self->path, pigeon_db_text (row, 3), PROP_PATH);
  set_string (self, &self->name, pigeon_db_text (row, 4), PROP_NAME);
  set_string (self, &self->delimiter, pigeon_db_text (row, 5), PROP_DELIMITER);
  set_uint (self, (guint *) &self->role, sqlite3_column_int (row, 6), PROP_ROLE);
  set_uint (self, &self->uidvalidity, sqlite3_column_int64 (row, 7), PROP_UIDVALIDITY);
  set_uint (self, &self->uidnext, sqlite3_column_int64 (row, 8), PROP_UIDNEXT);
  if (self->highestmodseq != modseq)
    {
      self->highestmodseq = modseq;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGHESTMODSEQ]);
    }
  set_uint (self, &self->total, sqlite3_column_int (row, 10), PROP_TOTAL);
  set_uint (self, &self->unread, sqlite3_column_int (row, 11), PROP_UNREAD);
  g_object_thaw_notify (G_OBJECT (self));
}

PigeonFolder *
pigeon_folder_new_from_row (sqlite3_stmt *row)
{
  PigeonFolder *self = g_object_new (PIGEON_TYPE_FOLDER, NULL);

  pigeon_folder_update (self, row);
  return self;
}

GListStore *
pigeon_folder_get_children_store (PigeonFolder *self)
{
  return self->children;
}

/* The inbox first, then the other roles in their order, then by name. */
int
pigeon_folder_compare (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const PigeonFolder *x = a, *y = b;
  guint rx = x->role ? x->role : G_MAXUINT, ry = y->role ? y->role : G_MAXUINT;

  if (rx != ry)
    return rx < ry ? -1 : 1;
  return g_utf8_collate (x->name, y->name);
}

#define GETTER(type, name, fallback)                          \
  type pigeon_folder_get_##name (PigeonFolder *self)          \
  {                                                           \
    g_return_val_if_fail (PIGEON_IS_FOLDER (self), fallback); \
    return self->name;                                        \
  }

GETTER (gint64, id, 0)
GETTER (gint64, account_id, 0)
GETTER (gint64, parent_id, 0)
GETTER (const char *, path, NULL)
GETTER (const char *, name, NULL)
GETTER (const char *, delimiter, NULL)
GETTER (PigeonFolderRole, role, PIGEON_FOLDER_ROLE_NONE)
GETTER (guint32, uidvalidity, 0)
GETTER (guint32, uidnext, 0)
GETTER (guint64, highestmodseq, 0)
GETTER (guint, total, 0)
GETTER (guint, unread, 0)

GListModel *
pigeon_folder_get_children (PigeonFolder *self)
{
  g_return_val_if_fail (PIGEON_IS_FOLDER (self), NULL);
  return G_LIST_MODEL (self->children);
}

GListModel *
pigeon_folder_create_child_model (gpointer item, gpointer user_data)
{
  PigeonFolder *self = item;

  g_return_val_if_fail (PIGEON_IS_FOLDER (self), NULL);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->children)) == 0)
    return NULL;
  return g_object_ref (G_LIST_MODEL (self->children));
}
