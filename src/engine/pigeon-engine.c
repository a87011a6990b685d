/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-engine-imap-private.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

#define BACKOFF_MIN 30
#define BACKOFF_MAX (30 * 60)

struct _PigeonEngine
{
  GObject parent_instance;
  PigeonStore *store;
  PigeonCredentials *credentials;
  PigeonCertificatePins *pins;
  char *settings_path;
  GKeyFile *settings;
  GHashTable *working;  /* account id -> status text */
  GHashTable *rejected; /* "host:port" -> fingerprint */
  char *status;
  PigeonEngineUndo *undo; /* the last move or delete, or NULL */

  /* pigeon_engine_start() */
  gboolean running;
  GNetworkMonitor *monitor;
  gulong network_handler;
  GHashTable *timers;  /* account id -> source id */
  GHashTable *backoff; /* account id -> seconds */
  GCancellable *background;
  GCancellable *watching; /* the IMAP accounts' Inbox watches */
};

G_DEFINE_FINAL_TYPE (PigeonEngine, pigeon_engine, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_BUSY,
  PROP_STATUS,
  PROP_CAN_UNDO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_PROGRESS,
  SIGNAL_ACCOUNT_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pigeon_engine_dispose (GObject *object)
{
  PigeonEngine *self = PIGEON_ENGINE (object);

  pigeon_engine_stop (self);
  g_clear_object (&self->store);
  g_clear_object (&self->credentials);
  g_clear_object (&self->pins);
  G_OBJECT_CLASS (pigeon_engine_parent_class)->dispose (object);
}

static void
pigeon_engine_finalize (GObject *object)
{
  PigeonEngine *self = PIGEON_ENGINE (object);

  g_free (self->settings_path);
  g_key_file_free (self->settings);
  g_hash_table_destroy (self->working);
  g_hash_table_destroy (self->rejected);
  g_hash_table_destroy (self->timers);
  g_hash_table_destroy (self->backoff);
  g_free (self->status);
  g_clear_pointer (&self->undo, pigeon_engine_undo_free);
  G_OBJECT_CLASS (pigeon_engine_parent_class)->finalize (object);
}

static void
pigeon_engine_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PigeonEngine *self = PIGEON_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, pigeon_engine_get_busy (self));
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, self->undo != NULL);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pigeon_engine_class_init (PigeonEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pigeon_engine_dispose;
  object_class->finalize = pigeon_engine_finalize;
  object_class->get_property = pigeon_engine_get_property;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, PIGEON_TYPE_STORE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CAN_UNDO] = g_param_spec_boolean (
      "can-undo", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (account, done, total): done of total messages of the current work. */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 3, PIGEON_TYPE_ACCOUNT, G_TYPE_UINT, G_TYPE_UINT);
  /* (account, error): a PIGEON_ENGINE_ERROR to show in a banner. */
  signals[SIGNAL_ACCOUNT_ERROR] = g_signal_new ("account-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                                NULL, NULL, G_TYPE_NONE, 2, PIGEON_TYPE_ACCOUNT, G_TYPE_ERROR);
}

static void
pigeon_engine_init (PigeonEngine *self)
{
  self->settings = g_key_file_new ();
  self->working = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->rejected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->timers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->backoff = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

PigeonEngine *
pigeon_engine_new (PigeonStore *store, PigeonCredentials *credentials, PigeonCertificatePins *pins)
{
  PigeonEngine *self;

  g_return_val_if_fail (PIGEON_IS_STORE (store), NULL);
  g_return_val_if_fail (PIGEON_IS_CREDENTIALS (credentials), NULL);
  g_return_val_if_fail (PIGEON_IS_CERTIFICATE_PINS (pins), NULL);

  self = g_object_new (PIGEON_TYPE_ENGINE, NULL);
  self->store = g_object_ref (store);
  self->credentials = g_object_ref (credentials);
  self->pins = g_object_ref (pins);
  self->settings_path = g_build_filename (g_get_user_config_dir (), "pigeon", "engine.ini", NULL);
  g_key_file_load_from_file (self->settings, self->settings_path, G_KEY_FILE_NONE, NULL);
  return self;
}

PigeonStore *
pigeon_engine_get_store (PigeonEngine *self)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (self), NULL);
  return self->store;
}

PigeonCredentials *
pigeon_engine_get_credentials (PigeonEngine *self)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (self), NULL);
  return self->credentials;
}

PigeonCertificatePins *
pigeon_engine_get_pins (PigeonEngine *self)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (self), NULL);
  return self->pins;
}

gboolean
pigeon_engine_get_busy (PigeonEngine *self)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (self), FALSE);
  return g_hash_table_size (self->working) > 0;
}

const char *
pigeon_engine_get_status (PigeonEngine *self)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (self), NULL);
  return self->status;
}

/* Work and progress */

static void
set_status (PigeonEngine *self, const char *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;
  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

gboolean
pigeon_engine_begin_work (PigeonEngine *self, PigeonAccount *account, const char *status)
{
  gint64 id = pigeon_account_get_id (account);
  gboolean was_busy = pigeon_engine_get_busy (self);

  if (g_hash_table_contains (self->working, &id))
    return FALSE;
  g_hash_table_insert (self->working, g_memdup2 (&id, sizeof id), g_strdup (status));
  set_status (self, status);
  if (!was_busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  return TRUE;
}

void
pigeon_engine_end_work (PigeonEngine *self, PigeonAccount *account)
{
  gint64 id = pigeon_account_get_id (account);
  GHashTableIter iter;
  gpointer value = NULL;

  g_hash_table_remove (self->working, &id);
  g_hash_table_iter_init (&iter, self->working);
  set_status (self, g_hash_table_iter_next (&iter, NULL, &value) ? value : NULL);
  if (!pigeon_engine_get_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
pigeon_engine_emit_progress (PigeonEngine *self, PigeonAccount *account, guint done, guint total)
{
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, account, done, total);
}

void
pigeon_engine_emit_error (PigeonEngine *self, PigeonAccount *account, const GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[SIGNAL_ACCOUNT_ERROR], 0, account, error);
}

/* Accounts and their settings */

GListModel *
pigeon_engine_get_accounts (PigeonEngine *self)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (self), NULL);
  return pigeon_store_get_accounts (self->store);
}

PigeonAccount *
pigeon_engine_find_account (PigeonEngine *self, const char *name)
{
  GListModel *accounts;
  guint n;

  g_return_val_if_fail (PIGEON_IS_ENGINE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  accounts = pigeon_store_get_accounts (self->store);
  n = g_list_model_get_n_items (accounts);
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, i);
        const char *value =
            pass == 0 ? pigeon_account_get_display_name (account) : pigeon_account_get_address (account);

        if (g_strcmp0 (value, name) == 0)
          return account;
      }
  return NULL;
}

static char *
settings_group (PigeonAccount *account)
{
  return g_strdup_printf ("account %" G_GINT64_FORMAT, pigeon_account_get_id (account));
}

static void
save_settings (PigeonEngine *self)
{
  g_autofree char *dir = g_path_get_dirname (self->settings_path);
  g_autoptr (GError) error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0 || !g_key_file_save_to_file (self->settings, self->settings_path, &error))
    g_warning ("Cannot save %s: %s", self->settings_path, error ? error->message : g_strerror (errno));
}

/* A new account (id 0) keeps its settings on the object until it is saved
 * (see pigeon_engine_add_account_async()). Strings are kept on the account
 * object too, so that the returned pointer lives as long as it. */
static const char *
get_string_setting (PigeonEngine *self, PigeonAccount *account, const char *key)
{
  g_autofree char *group = NULL;
  g_autofree char *data_key = g_strconcat ("pigeon-", key, NULL);
  char *value;

  if (pigeon_account_get_id (account) == 0)
    return g_object_get_data (G_OBJECT (account), data_key);
  group = settings_group (account);
  value = g_key_file_get_string (self->settings, group, key, NULL);
  g_object_set_data_full (G_OBJECT (account), data_key, value, g_free);
  return value;
}

static void
set_string_setting (PigeonEngine *self, PigeonAccount *account, const char *key, const char *value)
{
  g_autofree char *group = NULL;

  if (pigeon_account_get_id (account) == 0)
    {
      g_autofree char *data_key = g_strconcat ("pigeon-", key, NULL);

      g_object_set_data_full (G_OBJECT (account), data_key, g_strdup (value), g_free);
      return;
    }
  group = settings_group (account);
  if (value != NULL && *value != '\0')
    g_key_file_set_string (self->settings, group, key, value);
  else
    g_key_file_remove_key (self->settings, group, key, NULL);
  save_settings (self);
}

static guint
get_uint_setting (PigeonEngine *self, PigeonAccount *account, const char *key)
{
  const char *value = get_string_setting (self, account, key);

  return value != NULL ? (guint) g_ascii_strtoull (value, NULL, 10) : 0;
}

static void
set_uint_setting (PigeonEngine *self, PigeonAccount *account, const char *key, guint value)
{
  g_autofree char *text = g_strdup_printf ("%u", value);

  set_string_setting (self, account, key, text);
}

void
pigeon_engine_keep_new_settings (PigeonEngine *self, PigeonAccount *account)
{
  static const char *const keys[] = { "ca-file", "pop3-delete-after-days", "signature", "reply-to", "offline-days" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *data_key = g_strconcat ("pigeon-", keys[i], NULL);
      g_autofree char *value = g_strdup (g_object_get_data (G_OBJECT (account), data_key));

      if (value != NULL)
        set_string_setting (self, account, keys[i], value);
    }
}

const char *
pigeon_engine_get_ca_file (PigeonEngine *self, PigeonAccount *account)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (self), NULL);
  return get_string_setting (self, account, "ca-file");
}

void
pigeon_engine_set_ca_file (PigeonEngine *self, PigeonAccount *account, const char *path)
{
  g_return_if_fail (PIGEON_IS_ENGINE (self));
  set_string_setting (self, account, "ca-file", path);
}

guint
pigeon_engine_get_pop3_delete_after (PigeonEngine *self, PigeonAccount *account)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (self), 0);
  return get_uint_setting (self, account, "pop3-delete-after-days");
}

void
pigeon_engine_set_pop3_delete_after (PigeonEngine *self, PigeonAccount *account, guint days)
{
  g_return_if_fail (PIGEON_IS_ENGINE (self));
  set_uint_setting (self, account, "pop3-delete-after-days", days);
}

guint64
pigeon_engine_get_max_message_size (PigeonEngine *self, PigeonAccount *account)
{
  const char *value;

  g_return_val_if_fail (PIGEON_IS_ENGINE (self), 0);
  value = get_string_setting (self, account, "smtp-max-size");
  return value != NULL ? g_ascii_strtoull (value, NULL, 10) : 0;
}

/* RFC 1870: the SIZE the server announced in its EHLO reply, kept for the
 * composer's warning; the file is written only when it changes. */
static void
remember_max_size (PigeonEngine *self, PigeonAccount *account, const PigeonSmtpCapabilities *capabilities)
{
  g_autofree char *value = NULL;

  if (pigeon_account_get_id (account) == 0 ||
      capabilities->max_size == pigeon_engine_get_max_message_size (self, account))
    return;
  value = g_strdup_printf ("%" G_GUINT64_FORMAT, capabilities->max_size);
  set_string_setting (self, account, "smtp-max-size", capabilities->max_size > 0 ? value : NULL);
}

const char *
pigeon_engine_get_signature (PigeonEngine *self, PigeonAccount *account)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (self), NULL);
  return get_string_setting (self, account, "signature");
}

void
pigeon_engine_set_signature (PigeonEngine *self, PigeonAccount *account, const char *signature)
{
  g_return_if_fail (PIGEON_IS_ENGINE (self));
  set_string_setting (self, account, "signature", signature);
}

const char *
pigeon_engine_get_reply_to (PigeonEngine *self, PigeonAccount *account)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (self), NULL);
  return get_string_setting (self, account, "reply-to");
}

void
pigeon_engine_set_reply_to (PigeonEngine *self, PigeonAccount *account, const char *address)
{
  g_return_if_fail (PIGEON_IS_ENGINE (self));
  set_string_setting (self, account, "reply-to", address);
}

guint
pigeon_engine_get_offline_days (PigeonEngine *self, PigeonAccount *account)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (self), 0);
  return get_uint_setting (self, account, "offline-days");
}

void
pigeon_engine_set_offline_days (PigeonEngine *self, PigeonAccount *account, guint days)
{
  g_return_if_fail (PIGEON_IS_ENGINE (self));
  set_uint_setting (self, account, "offline-days", days);
}

char *
pigeon_engine_state_path (PigeonAccount *account, const char *name)
{
  g_autofree char *file = g_strdup_printf ("%" G_GINT64_FORMAT "-%s", pigeon_account_get_id (account), name);

  return g_build_filename (g_get_user_data_dir (), "pigeon", "engine", file, NULL);
}

/* Servers and connections */

const char *
pigeon_engine_protocol_name (PigeonAccount *account, PigeonEngineDirection direction)
{
  if (direction == PIGEON_ENGINE_OUTGOING)
    return "smtp";
  return pigeon_account_get_incoming_protocol (account) == PIGEON_PROTOCOL_POP3 ? "pop3" : "imap";
}

void
pigeon_engine_server_of (PigeonAccount *account,
                         PigeonEngineDirection direction,
                         const char **host,
                         guint *port,
                         PigeonSecurity *security,
                         const char **user)
{
  gboolean in = direction == PIGEON_ENGINE_INCOMING;

  *host = in ? pigeon_account_get_incoming_host (account) : pigeon_account_get_outgoing_host (account);
  *port = in ? pigeon_account_get_incoming_port (account) : pigeon_account_get_outgoing_port (account);
  *security = in ? pigeon_account_get_incoming_security (account) : pigeon_account_get_outgoing_security (account);
  *user = in ? pigeon_account_get_incoming_username (account) : pigeon_account_get_outgoing_username (account);
  if (*user == NULL || **user == '\0')
    *user = pigeon_account_get_address (account);
}

char *
pigeon_engine_describe_server (PigeonAccount *account, PigeonEngineDirection direction)
{
  const char *host, *user;
  guint port;
  PigeonSecurity security;

  pigeon_engine_server_of (account, direction, &host, &port, &security, &user);
  if (direction == PIGEON_ENGINE_INCOMING)
    return g_strdup_printf (_ ("the incoming server %s:%u"), host, port);
  return g_strdup_printf (_ ("the outgoing server %s:%u"), host, port);
}

GError *
pigeon_engine_explain (PigeonEngine *self,
                       PigeonAccount *account,
                       PigeonEngineDirection direction,
                       PigeonConnection *connection,
                       const GError *error)
{
  g_autofree char *what = pigeon_engine_describe_server (account, direction);
  GError *explained = pigeon_engine_error_explain (error, what);

  if (connection != NULL && g_error_matches (explained, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_CERTIFICATE))
    {
      GTlsCertificate *certificate = pigeon_connection_get_peer_certificate (connection);

      if (certificate != NULL)
        g_hash_table_replace (
            self->rejected,
            g_strdup_printf ("%s:%u", pigeon_connection_get_host (connection), pigeon_connection_get_port (connection)),
            pigeon_certificate_get_fingerprint (certificate));
    }
  return explained;
}

char *
pigeon_engine_get_rejected_fingerprint (PigeonEngine *self, const char *host, guint port)
{
  g_autofree char *key = g_strdup_printf ("%s:%u", host, port);

  g_return_val_if_fail (PIGEON_IS_ENGINE (self), NULL);
  return g_strdup (g_hash_table_lookup (self->rejected, key));
}

static void
log_line (PigeonConnection *connection, PigeonLogDirection direction, const char *line, gpointer user_data)
{
  static const char *const marks[] = { "C:", "S:", "*" };

  g_debug ("%s:%u %s %s", pigeon_connection_get_host (connection), pigeon_connection_get_port (connection),
           marks[direction], line);
}

PigeonConnection *
pigeon_engine_build_connection (PigeonEngine *self,
                                PigeonAccount *account,
                                PigeonEngineDirection direction,
                                GError **error)
{
  const char *host, *user, *ca_file;
  guint port;
  PigeonSecurity security;
  g_autoptr (PigeonConnection) connection = NULL;
  g_autofree char *pin = NULL;

  pigeon_engine_server_of (account, direction, &host, &port, &security, &user);
  if (host == NULL || *host == '\0' || port == 0 || port > 65535)
    {
      g_autofree char *what = pigeon_engine_describe_server (account, direction);
      g_set_error (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_SETTINGS,
                   _ ("The account “%s” has no complete address for %s"), pigeon_account_get_display_name (account),
                   what);
      return NULL;
    }
  connection = pigeon_connection_new (host, port, pigeon_engine_net_security (security));
  ca_file = pigeon_engine_get_ca_file (self, account);
  if (ca_file != NULL && !pigeon_connection_set_ca_file (connection, ca_file, error))
    return NULL;
  pin = pigeon_certificate_pins_lookup (self->pins, host, port);
  if (pin != NULL)
    pigeon_connection_set_pinned_fingerprint (connection, pin);
  pigeon_connection_set_log_func (connection, log_line, NULL, NULL);
  return g_steal_pointer (&connection);
}

typedef struct
{
  PigeonAccount *account;
  PigeonEngineDirection direction;
  char *user;
  PigeonConnection *connection;
  GObject *session;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_object_unref (data->account);
  g_free (data->user);
  g_clear_object (&data->connection);
  g_clear_object (&data->session);
  g_free (data);
}

static void
password_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *password = pigeon_credentials_lookup_finish (PIGEON_CREDENTIALS (source), result, &error);

  if (password == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, pigeon_sasl_new_password (data->user, password), g_object_unref);
  explicit_bzero (password, strlen (password));
}

void
pigeon_engine_get_sasl_async (PigeonEngine *self,
                              PigeonAccount *account,
                              PigeonEngineDirection direction,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);
  const char *host, *user;
  guint port;
  PigeonSecurity security;

  g_task_set_source_tag (task, pigeon_engine_get_sasl_async);
  pigeon_engine_server_of (account, direction, &host, &port, &security, &user);
  data->account = g_object_ref (account);
  data->direction = direction;
  data->user = g_strdup (user);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  pigeon_credentials_lookup_async (self->credentials, pigeon_engine_protocol_name (account, direction), host, port,
                                   user, cancellable, password_cb, g_steal_pointer (&task));
}

PigeonSasl *
pigeon_engine_get_sasl_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
session_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (PIGEON_IS_POP3_SESSION (source))
    ok = pigeon_pop3_session_open_finish (PIGEON_POP3_SESSION (source), result, &error);
  else if (PIGEON_IS_IMAP_SESSION (source))
    ok = pigeon_imap_session_open_finish (PIGEON_IMAP_SESSION (source), result, &error);
  else
    ok = pigeon_smtp_session_open_finish (PIGEON_SMTP_SESSION (source), result, &error);
  if (!ok)
    {
      g_task_return_error (task, pigeon_engine_explain (self, data->account, data->direction, data->connection, error));
      return;
    }
  if (PIGEON_IS_SMTP_SESSION (source))
    remember_max_size (self, data->account, pigeon_smtp_session_get_capabilities (PIGEON_SMTP_SESSION (source)));
  g_task_return_pointer (task, g_steal_pointer (&data->session), g_object_unref);
}

static void
open_sasl_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = PIGEON_ENGINE (source);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonSasl) sasl = pigeon_engine_get_sasl_finish (self, result, &error);

  if (sasl == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->connection = pigeon_engine_build_connection (self, data->account, data->direction, &error);
  if (data->connection == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (data->direction == PIGEON_ENGINE_INCOMING &&
      pigeon_account_get_incoming_protocol (data->account) == PIGEON_PROTOCOL_IMAP)
    {
      data->session = G_OBJECT (pigeon_imap_session_new (data->connection));
      pigeon_imap_session_open_async (PIGEON_IMAP_SESSION (data->session), sasl, g_task_get_cancellable (task),
                                      session_opened_cb, g_object_ref (task));
      return;
    }
  if (data->direction == PIGEON_ENGINE_INCOMING)
    {
      data->session = G_OBJECT (pigeon_pop3_session_new (data->connection));
      pigeon_pop3_session_open_async (PIGEON_POP3_SESSION (data->session), sasl, g_task_get_cancellable (task),
                                      session_opened_cb, g_object_ref (task));
      return;
    }
  data->session = G_OBJECT (pigeon_smtp_session_new (data->connection));
  pigeon_smtp_session_open_async (PIGEON_SMTP_SESSION (data->session), sasl, g_task_get_cancellable (task),
                                  session_opened_cb, g_object_ref (task));
}

static void
open_session (PigeonEngine *self,
              PigeonAccount *account,
              PigeonEngineDirection direction,
              gpointer tag,
              GCancellable *cancellable,
              GAsyncReadyCallback callback,
              gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);

  g_task_set_source_tag (task, tag);
  data->account = g_object_ref (account);
  data->direction = direction;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  pigeon_engine_get_sasl_async (self, account, direction, cancellable, open_sasl_cb, task);
}

void
pigeon_engine_open_pop3_async (PigeonEngine *self,
                               PigeonAccount *account,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  open_session (self, account, PIGEON_ENGINE_INCOMING, pigeon_engine_open_pop3_async, cancellable, callback, user_data);
}

PigeonPop3Session *
pigeon_engine_open_pop3_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
pigeon_engine_open_imap_async (PigeonEngine *self,
                               PigeonAccount *account,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  open_session (self, account, PIGEON_ENGINE_INCOMING, pigeon_engine_open_imap_async, cancellable, callback, user_data);
}

PigeonImapSession *
pigeon_engine_open_imap_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
pigeon_engine_open_smtp_async (PigeonEngine *self,
                               PigeonAccount *account,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  open_session (self, account, PIGEON_ENGINE_OUTGOING, pigeon_engine_open_smtp_async, cancellable, callback, user_data);
}

PigeonSmtpSession *
pigeon_engine_open_smtp_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Undo */

gboolean
pigeon_engine_get_can_undo (PigeonEngine *self)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (self), FALSE);
  return self->undo != NULL;
}

PigeonEngineUndo *
pigeon_engine_take_undo (PigeonEngine *self)
{
  PigeonEngineUndo *undo = g_steal_pointer (&self->undo);

  if (undo != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  return undo;
}

void
pigeon_engine_set_undo (PigeonEngine *self, PigeonEngineUndo *undo)
{
  gboolean had = self->undo != NULL;

  g_clear_pointer (&self->undo, pigeon_engine_undo_free);
  self->undo = undo;
  if (had != (undo != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
}

/* Folders */

PigeonFolder *
pigeon_engine_find_role (PigeonEngine *self, PigeonAccount *account, PigeonFolderRole role)
{
  GListModel *folders = pigeon_store_get_folders (self->store, account);
  guint n = g_list_model_get_n_items (folders);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PigeonFolder) folder = g_list_model_get_item (folders, i);

      if (pigeon_folder_get_role (folder) == role)
        return folder;
    }
  return NULL;
}

static void
folder_added_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  PigeonFolder *folder;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      g_task_return_error (task, pigeon_engine_error_explain (error, NULL));
      return;
    }
  folder = pigeon_store_find_folder (self->store, g_object_get_data (G_OBJECT (task), "account"),
                                     g_task_get_task_data (task));
  if (folder == NULL)
    g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_STORE,
                             _ ("The local folder “%s” could not be made"), (char *) g_task_get_task_data (task));
  else
    g_task_return_pointer (task, g_object_ref (folder), g_object_unref);
}

void
pigeon_engine_ensure_folder_async (PigeonEngine *self,
                                   PigeonAccount *account,
                                   const char *path,
                                   PigeonFolderRole role,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  PigeonFolder *folder;

  g_task_set_source_tag (task, pigeon_engine_ensure_folder_async);
  /* The folder with that role, whatever its name ("Inbox", "Deleted Items"). */
  folder = role != PIGEON_FOLDER_ROLE_NONE ? pigeon_engine_find_role (self, account, role) : NULL;
  if (folder == NULL)
    folder = pigeon_store_find_folder (self->store, account, path);
  if (folder != NULL)
    {
      g_task_return_pointer (task, g_object_ref (folder), g_object_unref);
      return;
    }
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_object_set_data_full (G_OBJECT (task), "account", g_object_ref (account), g_object_unref);
  pigeon_store_add_folder_async (self->store, account, path, "/", role, cancellable, folder_added_cb,
                                 g_steal_pointer (&task));
}

PigeonFolder *
pigeon_engine_ensure_folder_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Background work: sync and send now, then on each account's interval,
 * and when the network comes back; after a failure, again after a delay
 * that doubles from BACKOFF_MIN up to BACKOFF_MAX. */

static void schedule (PigeonEngine *self, PigeonAccount *account, guint seconds);

static void
background_synced_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonAccount) account = user_data;
  PigeonEngine *self = PIGEON_ENGINE (source);
  g_autoptr (GError) error = NULL;
  gint64 id = pigeon_account_get_id (account);
  guint delay = pigeon_account_get_sync_interval (account);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      guint previous = GPOINTER_TO_UINT (g_hash_table_lookup (self->backoff, &id));

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->running)
        return;
      delay = previous == 0 ? BACKOFF_MIN : MIN (previous * 2, BACKOFF_MAX);
      g_hash_table_insert (self->backoff, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (delay));
    }
  else
    g_hash_table_remove (self->backoff, &id);
  if (self->running)
    schedule (self, account, delay > 0 ? delay : 600);
}

static void
flushed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  /* The outbox's own failures were emitted as account-error already. */
  pigeon_engine_flush_outbox_finish (PIGEON_ENGINE (source), result, &error);
  g_task_return_boolean (task, TRUE);
}

static void
synced_then_flush_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = PIGEON_ENGINE (source);
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_sync_finish (self, result, &error) &&
      !g_error_matches (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NOT_SUPPORTED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pigeon_engine_flush_outbox_async (self, g_task_get_task_data (task), FALSE, g_task_get_cancellable (task), flushed_cb,
                                    g_object_ref (task));
}

static void
run_account (PigeonEngine *self, PigeonAccount *account)
{
  GTask *task = g_task_new (self, self->background, background_synced_cb, g_object_ref (account));

  g_task_set_task_data (task, g_object_ref (account), g_object_unref);
  pigeon_engine_sync_async (self, account, self->background, synced_then_flush_cb, task);
}

typedef struct
{
  PigeonEngine *self;
  gint64 id;
} Timer;

static gboolean
timer_fired (gpointer user_data)
{
  Timer *timer = user_data;
  PigeonAccount *account = pigeon_store_lookup_account (timer->self->store, timer->id);

  g_hash_table_remove (timer->self->timers, &timer->id);
  if (account != NULL)
    run_account (timer->self, account);
  return G_SOURCE_REMOVE;
}

static void
schedule (PigeonEngine *self, PigeonAccount *account, guint seconds)
{
  Timer *timer = g_new0 (Timer, 1);
  guint source;

  timer->self = self;
  timer->id = pigeon_account_get_id (account);
  source = GPOINTER_TO_UINT (g_hash_table_lookup (self->timers, &timer->id));
  if (source != 0)
    g_source_remove (source);
  source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, seconds, timer_fired, timer, g_free);
  g_hash_table_insert (self->timers, g_memdup2 (&timer->id, sizeof timer->id), GUINT_TO_POINTER (source));
}

static void
run_all (PigeonEngine *self)
{
  GListModel *accounts = pigeon_store_get_accounts (self->store);

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, i);
      gint64 id = pigeon_account_get_id (account);
      guint source = GPOINTER_TO_UINT (g_hash_table_lookup (self->timers, &id));

      if (source != 0)
        g_source_remove (source);
      g_hash_table_remove (self->timers, &id);
      g_hash_table_remove (self->backoff, &id);
      run_account (self, account);
    }
}

/* New mail appears within seconds: each IMAP account's Inbox is watched
 * over a session of its own (pigeon-engine-imap-idle.c); the other
 * folders are synced on the account's interval. */
static void
watch_all (PigeonEngine *self)
{
  GListModel *accounts = pigeon_store_get_accounts (self->store);

  if (self->watching != NULL)
    g_cancellable_cancel (self->watching);
  g_clear_object (&self->watching);
  self->watching = g_cancellable_new ();
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, i);

      if (pigeon_account_get_incoming_protocol (account) == PIGEON_PROTOCOL_IMAP)
        pigeon_engine_imap_watch (self, account, self->watching);
    }
}

void
pigeon_engine_account_added (PigeonEngine *self, PigeonAccount *account)
{
  if (!self->running || !g_network_monitor_get_network_available (self->monitor))
    return;
  run_account (self, account);
  if (pigeon_account_get_incoming_protocol (account) == PIGEON_PROTOCOL_IMAP && self->watching != NULL)
    pigeon_engine_imap_watch (self, account, self->watching);
}

static void
network_changed_cb (GNetworkMonitor *monitor, gboolean available, gpointer user_data)
{
  PigeonEngine *self = PIGEON_ENGINE (user_data);

  /* The watches reconnect now rather than when their delay ends. */
  if (available)
    {
      run_all (self);
      watch_all (self);
    }
}

void
pigeon_engine_start (PigeonEngine *self)
{
  g_return_if_fail (PIGEON_IS_ENGINE (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->background = g_cancellable_new ();
  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_handler = g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
  if (g_network_monitor_get_network_available (self->monitor))
    {
      run_all (self);
      watch_all (self);
    }
}

void
pigeon_engine_stop (PigeonEngine *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (PIGEON_IS_ENGINE (self));

  if (!self->running)
    return;
  self->running = FALSE;
  g_cancellable_cancel (self->background);
  g_clear_object (&self->background);
  if (self->watching != NULL)
    g_cancellable_cancel (self->watching);
  g_clear_object (&self->watching);
  g_clear_signal_handler (&self->network_handler, self->monitor);
  g_clear_object (&self->monitor);
  g_hash_table_iter_init (&iter, self->timers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_source_remove (GPOINTER_TO_UINT (value));
  g_hash_table_remove_all (self->timers);
}
