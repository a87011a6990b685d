/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include "pigeon-store-private.h"

struct _PigeonAccount
{
  GObject parent_instance;

  gint64 id;
  char *display_name;
  char *real_name;
  char *address;
  PigeonProtocol incoming_protocol;
  char *incoming_host;
  guint incoming_port;
  PigeonSecurity incoming_security;
  char *incoming_username;
  char *outgoing_host;
  guint outgoing_port;
  PigeonSecurity outgoing_security;
  char *outgoing_username;
  gboolean pop3_leave_on_server;
  guint sync_interval;

  GListStore *folders;
};

G_DEFINE_FINAL_TYPE (PigeonAccount, pigeon_account, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_REAL_NAME,
  PROP_ADDRESS,
  PROP_INCOMING_PROTOCOL,
  PROP_INCOMING_HOST,
  PROP_INCOMING_PORT,
  PROP_INCOMING_SECURITY,
  PROP_INCOMING_USERNAME,
  PROP_OUTGOING_HOST,
  PROP_OUTGOING_PORT,
  PROP_OUTGOING_SECURITY,
  PROP_OUTGOING_USERNAME,
  PROP_POP3_LEAVE_ON_SERVER,
  PROP_SYNC_INTERVAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_string (PigeonAccount *self, char **field, const char *value, int prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value ? value : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_uint (PigeonAccount *self, guint *field, guint value, int prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
pigeon_account_finalize (GObject *object)
{
  PigeonAccount *self = PIGEON_ACCOUNT (object);

  g_free (self->display_name);
  g_free (self->real_name);
  g_free (self->address);
  g_free (self->incoming_host);
  g_free (self->incoming_username);
  g_free (self->outgoing_host);
  g_free (self->outgoing_username);
  g_clear_object (&self->folders);

  G_OBJECT_CLASS (pigeon_account_parent_class)->finalize (object);
}

static void
pigeon_account_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PigeonAccount *self = PIGEON_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_REAL_NAME:
      g_value_set_string (value, self->real_name);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_INCOMING_PROTOCOL:
      g_value_set_enum (value, self->incoming_protocol);
      break;
    case PROP_INCOMING_HOST:
      g_value_set_string (value, self->incoming_host);
      break;
    case PROP_INCOMING_PORT:
      g_value_set_uint (value, self->incoming_port);
      break;
    case PROP_INCOMING_SECURITY:
      g_value_set_enum (value, self->incoming_security);
      break;
    case PROP_INCOMING_USERNAME:
      g_value_set_string (value, self->incoming_username);
      break;
    case PROP_OUTGOING_HOST:
      g_value_set_string (value, self->outgoing_host);
      break;
    case PROP_OUTGOING_PORT:
      g_value_set_uint (value, self->outgoing_port);
      break;
    case PROP_OUTGOING_SECURITY:
      g_value_set_enum (value, self->outgoing_security);
      break;
    case PROP_OUTGOING_USERNAME:
      g_value_set_string (value, self->outgoing_username);
      break;
    case PROP_POP3_LEAVE_ON_SERVER:
      g_value_set_boolean (value, self->pop3_leave_on_server);
      break;
    case PROP_SYNC_INTERVAL:
      g_value_set_uint (value, self->sync_interval);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pigeon_account_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PigeonAccount *self = PIGEON_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_DISPLAY_NAME:
      pigeon_account_set_display_name (self, g_value_get_string (value));
      break;
    case PROP_REAL_NAME:
      pigeon_account_set_real_name (self, g_value_get_string (value));
      break;
    case PROP_ADDRESS:
      pigeon_account_set_address (self, g_value_get_string (value));
      break;
    case PROP_INCOMING_PROTOCOL:
      pigeon_account_set_incoming_protocol (self, g_value_get_enum (value));
      break;
    case PROP_INCOMING_HOST:
      pigeon_account_set_incoming_host (self, g_value_get_string (value));
      break;
    case PROP_INCOMING_PORT:
      pigeon_account_set_incoming_port (self, g_value_get_uint (value));
      break;
    case PROP_INCOMING_SECURITY:
      pigeon_account_set_incoming_security (self, g_value_get_enum (value));
      break;
    case PROP_INCOMING_USERNAME:
      pigeon_account_set_incoming_username (self, g_value_get_string (value));
      break;
    case PROP_OUTGOING_HOST:
      pigeon_account_set_outgoing_host (self, g_value_get_string (value));
      break;
    case PROP_OUTGOING_PORT:
      pigeon_account_set_outgoing_port (self, g_value_get_uint (value));
      break;
    case PROP_OUTGOING_SECURITY:
      pigeon_account_set_outgoing_security (self, g_value_get_enum (value));
      break;
    case PROP_OUTGOING_USERNAME:
      pigeon_account_set_outgoing_username (self, g_value_get_string (value));
      break;
    case PROP_POP3_LEAVE_ON_SERVER:
      pigeon_account_set_pop3_leave_on_server (self, g_value_get_boolean (value));
      break;
    case PROP_SYNC_INTERVAL:
      pigeon_account_set_sync_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define PARAM_FLAGS (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY)

static void
pigeon_account_class_init (PigeonAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pigeon_account_finalize;
  object_class->get_property = pigeon_account_get_property;
  object_class->set_property = pigeon_account_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, "", PARAM_FLAGS);
  properties[PROP_REAL_NAME] = g_param_spec_string ("real-name", NULL, NULL, "", PARAM_FLAGS);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, "", PARAM_FLAGS);
  properties[PROP_INCOMING_PROTOCOL] =
      g_param_spec_enum ("incoming-protocol", NULL, NULL, PIGEON_TYPE_PROTOCOL, PIGEON_PROTOCOL_IMAP, PARAM_FLAGS);
  properties[PROP_INCOMING_HOST] = g_param_spec_string ("incoming-host", NULL, NULL, "", PARAM_FLAGS);
  properties[PROP_INCOMING_PORT] = g_param_spec_uint ("incoming-port", NULL, NULL, 0, G_MAXUINT, 0, PARAM_FLAGS);
  properties[PROP_INCOMING_SECURITY] =
      g_param_spec_enum ("incoming-security", NULL, NULL, PIGEON_TYPE_SECURITY, PIGEON_SECURITY_TLS, PARAM_FLAGS);
  properties[PROP_INCOMING_USERNAME] = g_param_spec_string ("incoming-username", NULL, NULL, "", PARAM_FLAGS);
  properties[PROP_OUTGOING_HOST] = g_param_spec_string ("outgoing-host", NULL, NULL, "", PARAM_FLAGS);
  properties[PROP_OUTGOING_PORT] = g_param_spec_uint ("outgoing-port", NULL, NULL, 0, G_MAXUINT, 0, PARAM_FLAGS);
  properties[PROP_OUTGOING_SECURITY] =
      g_param_spec_enum ("outgoing-security", NULL, NULL, PIGEON_TYPE_SECURITY, PIGEON_SECURITY_TLS, PARAM_FLAGS);
  properties[PROP_OUTGOING_USERNAME] = g_param_spec_string ("outgoing-username", NULL, NULL, "", PARAM_FLAGS);
  properties[PROP_POP3_LEAVE_ON_SERVER] = g_param_spec_boolean ("pop3-leave-on-server", NULL, NULL, TRUE, PARAM_FLAGS);
  properties[PROP_SYNC_INTERVAL] = g_param_spec_uint ("sync-interval", NULL, NULL, 0, G_MAXUINT, 0, PARAM_FLAGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pigeon_account_init (PigeonAccount *self)
{
  self->display_name = g_strdup ("");
  self->real_name = g_strdup ("");
  self->address = g_strdup ("");
  self->incoming_host = g_strdup ("");
  self->incoming_username = g_strdup ("");
  self->outgoing_host = g_strdup ("");
  self->outgoing_username = g_strdup ("");
  self->incoming_protocol = PIGEON_PROTOCOL_IMAP;
  self->incoming_security = PIGEON_SECURITY_TLS;
  self->outgoing_security = PIGEON_SECURITY_TLS;
  self->pop3_leave_on_server = TRUE;
  self->sync_interval = 300;
  self->folders = g_list_store_new (PIGEON_TYPE_FOLDER);
}

PigeonAccount *
pigeon_account_new (const char *address)
{
  g_return_val_if_fail (address != NULL, NULL);

  return g_object_new (PIGEON_TYPE_ACCOUNT, "address", address, NULL);
}

gint64
pigeon_account_get_id (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), 0);
  return self->id;
}

void
pigeon_account_set_id (PigeonAccount *self, gint64 id)
{
  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
pigeon_account_get_display_name (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), NULL);
  return self->display_name;
}

void
pigeon_account_set_display_name (PigeonAccount *self, const char *value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_string (self, &self->display_name, value, PROP_DISPLAY_NAME);
}

const char *
pigeon_account_get_real_name (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), NULL);
  return self->real_name;
}

void
pigeon_account_set_real_name (PigeonAccount *self, const char *value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_string (self, &self->real_name, value, PROP_REAL_NAME);
}

const char *
pigeon_account_get_address (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), NULL);
  return self->address;
}

void
pigeon_account_set_address (PigeonAccount *self, const char *value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_string (self, &self->address, value, PROP_ADDRESS);
}

PigeonProtocol
pigeon_account_get_incoming_protocol (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), 0);
  return self->incoming_protocol;
}

void
pigeon_account_set_incoming_protocol (PigeonAccount *self, PigeonProtocol value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_uint (self, (guint *) &self->incoming_protocol, value, PROP_INCOMING_PROTOCOL);
}

const char *
pigeon_account_get_incoming_host (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), NULL);
  return self->incoming_host;
}

void
pigeon_account_set_incoming_host (PigeonAccount *self, const char *value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_string (self, &self->incoming_host, value, PROP_INCOMING_HOST);
}

guint
pigeon_account_get_incoming_port (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), 0);
  return self->incoming_port;
}

void
pigeon_account_set_incoming_port (PigeonAccount *self, guint value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_uint (self, &self->incoming_port, value, PROP_INCOMING_PORT);
}

PigeonSecurity
pigeon_account_get_incoming_security (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), 0);
  return self->incoming_security;
}

void
pigeon_account_set_incoming_security (PigeonAccount *self, PigeonSecurity value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_uint (self, (guint *) &self->incoming_security, value, PROP_INCOMING_SECURITY);
}

const char *
pigeon_account_get_incoming_username (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), NULL);
  return self->incoming_username;
}

void
pigeon_account_set_incoming_username (PigeonAccount *self, const char *value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_string (self, &self->incoming_username, value, PROP_INCOMING_USERNAME);
}

const char *
pigeon_account_get_outgoing_host (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), NULL);
  return self->outgoing_host;
}

void
pigeon_account_set_outgoing_host (PigeonAccount *self, const char *value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_string (self, &self->outgoing_host, value, PROP_OUTGOING_HOST);
}

guint
pigeon_account_get_outgoing_port (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), 0);
  return self->outgoing_port;
}

void
pigeon_account_set_outgoing_port (PigeonAccount *self, guint value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_uint (self, &self->outgoing_port, value, PROP_OUTGOING_PORT);
}

PigeonSecurity
pigeon_account_get_outgoing_security (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), 0);
  return self->outgoing_security;
}

void
pigeon_account_set_outgoing_security (PigeonAccount *self, PigeonSecurity value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_uint (self, (guint *) &self->outgoing_security, value, PROP_OUTGOING_SECURITY);
}

const char *
pigeon_account_get_outgoing_username (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), NULL);
  return self->outgoing_username;
}

void
pigeon_account_set_outgoing_username (PigeonAccount *self, const char *value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_string (self, &self->outgoing_username, value, PROP_OUTGOING_USERNAME);
}

gboolean
pigeon_account_get_pop3_leave_on_server (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), FALSE);
  return self->pop3_leave_on_server;
}

void
pigeon_account_set_pop3_leave_on_server (PigeonAccount *self, gboolean value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_uint (self, (guint *) &self->pop3_leave_on_server, !!value, PROP_POP3_LEAVE_ON_SERVER);
}

guint
pigeon_account_get_sync_interval (PigeonAccount *self)
{
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (self), 0);
  return self->sync_interval;
}

void
pigeon_account_set_sync_interval (PigeonAccount *self, guint value)
{
  g_return_if_fail (PIGEON_IS_ACCOUNT (self));
  set_uint (self, &self->sync_interval, value, PROP_SYNC_INTERVAL);
}

/* Columns of PIGEON_ACCOUNT_COLUMNS after the id, in order. */
void
pigeon_account_update (PigeonAccount *self, sqlite3_stmt *row)
{
  g_object_freeze_notify (G_OBJECT (self));
  pigeon_account_set_id (self, sqlite3_column_int64 (row, 0));
  pigeon_account_set_display_name (self, pigeon_db_text (row, 1));
  pigeon_account_set_real_name (self, pigeon_db_text (row, 2));
  pigeon_account_set_address (self, pigeon_db_text (row, 3));
  pigeon_account_set_incoming_protocol (self, sqlite3_column_int (row, 4));
  pigeon_account_set_incoming_host (self, pigeon_db_text (row, 5));
  pigeon_account_set_incoming_port (self, sqlite3_column_int (row, 6));
  pigeon_account_set_incoming_security (self, sqlite3_column_int (row, 7));
  pigeon_account_set_incoming_username (self, pigeon_db_text (row, 8));
  pigeon_account_set_outgoing_host (self, pigeon_db_text (row, 9));
  pigeon_account_set_outgoing_port (self, sqlite3_column_int (row, 10));
  pigeon_account_set_outgoing_security (self, sqlite3_column_int (row, 11));
  pigeon_account_set_outgoing_username (self, pigeon_db_text (row, 12));
  pigeon_account_set_pop3_leave_on_server (self, sqlite3_column_int (row, 13));
  pigeon_account_set_sync_interval (self, sqlite3_column_int (row, 14));
  g_object_thaw_notify (G_OBJECT (self));
}

PigeonAccount *
pigeon_account_new_from_row (sqlite3_stmt *row)
{
  PigeonAccount *self = g_object_new (PIGEON_TYPE_ACCOUNT, NULL);

  pigeon_account_update (self, row);
  return self;
}

void
pigeon_account_bind (PigeonAccount *self, sqlite3_stmt *stmt)
{
  pigeon_db_bind_text (stmt, 1, self->display_name);
  pigeon_db_bind_text (stmt, 2, self->real_name);
  pigeon_db_bind_text (stmt, 3, self->address);
  sqlite3_bind_int (stmt, 4, self->incoming_protocol);
  pigeon_db_bind_text (stmt, 5, self->incoming_host);
  sqlite3_bind_int (stmt, 6, self->incoming_port);
  sqlite3_bind_int (stmt, 7, self->incoming_security);
  pigeon_db_bind_text (stmt, 8, self->incoming_username);
  pigeon_db_bind_text (stmt, 9, self->outgoing_host);
  sqlite3_bind_int (stmt, 10, self->outgoing_port);
  sqlite3_bind_int (stmt, 11, self->outgoing_security);
  pigeon_db_bind_text (stmt, 12, self->outgoing_username);
  sqlite3_bind_int (stmt, 13, self->pop3_leave_on_server);
  sqlite3_bind_int (stmt, 14, self->sync_interval);
}

PigeonAccount *
pigeon_account_snapshot (PigeonAccount *self)
{
  PigeonAccount *copy = g_object_new (PIGEON_TYPE_ACCOUNT, NULL);

  copy->id = self->id;
  g_free (copy->display_name);
  copy->display_name = g_strdup (self->display_name);
  g_free (copy->real_name);
  copy->real_name = g_strdup (self->real_name);
  g_free (copy->address);
  copy->address = g_strdup (self->address);
  copy->incoming_protocol = self->incoming_protocol;
  g_free (copy->incoming_host);
  copy->incoming_host = g_strdup (self->incoming_host);
  copy->incoming_port = self->incoming_port;
  copy->incoming_security = self->incoming_security;
  g_free (copy->incoming_username);
  copy->incoming_username = g_strdup (self->incoming_username);
  g_free (copy->outgoing_host);
  copy->outgoing_host = g_strdup (self->outgoing_host);
  copy->outgoing_port = self->outgoing_port;
  copy->outgoing_security = self->outgoing_security;
  g_free (copy->outgoing_username);
  copy->outgoing_username = g_strdup (self->outgoing_username);
  copy->pop3_leave_on_server = self->pop3_leave_on_server;
  copy->sync_interval = self->sync_interval;
  return copy;
}

GListStore *
pigeon_account_get_folder_store (PigeonAccount *self)
{
  return self->folders;
}
