/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-credentials.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <string.h>

#include "pigeon-engine-error.h"

struct _PigeonPasswordRequest
{
  gatomicrefcount ref;
  char *protocol;
  char *host;
  guint port;
  char *user;
  GTask *task; /* the lookup waiting for the answer; NULL once answered */
};

struct _PigeonCredentials
{
  GObject parent_instance;
  gboolean use_secret_service;
  GHashTable *memory; /* key -> password (wiped on removal) */
  PigeonPasswordPromptFunc prompt;
  gpointer prompt_data;
  GDestroyNotify prompt_destroy;
};

G_DEFINE_FINAL_TYPE (PigeonCredentials, pigeon_credentials, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (PigeonPasswordRequest,
                     pigeon_password_request,
                     pigeon_password_request_ref,
                     pigeon_password_request_unref)

static const SecretSchema *
password_schema (void)
{
  static const SecretSchema schema = {
    "org.pigeonmail.Pigeon.Password",
    SECRET_SCHEMA_NONE,
    {
        { "protocol", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "port", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
        { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
    },
  };
  return &schema;
}

static void
wipe_free (gpointer data)
{
  char *password = data;

  if (password == NULL)
    return;
  explicit_bzero (password, strlen (password));
  g_free (password);
}

static char *
make_key (const char *protocol, const char *host, guint port, const char *user)
{
  return g_strdup_printf ("%s\n%s\n%u\n%s", protocol, host, port, user);
}

static GHashTable *
make_attributes (const char *protocol, const char *host, guint port, const char *user)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, "protocol", g_strdup (protocol));
  g_hash_table_insert (attributes, "host", g_strdup (host));
  g_hash_table_insert (attributes, "port", g_strdup_printf ("%u", port));
  g_hash_table_insert (attributes, "user", g_strdup (user));
  return attributes;
}

/* No bus, no service, no keyring: fall back to memory for this session. */
static gboolean
is_service_missing (const GError *error)
{
  return error->domain == G_DBUS_ERROR || error->domain == G_IO_ERROR || error->domain == SECRET_ERROR;
}

static void
pigeon_credentials_finalize (GObject *object)
{
  PigeonCredentials *self = PIGEON_CREDENTIALS (object);

  g_hash_table_destroy (self->memory);
  if (self->prompt_destroy != NULL)
    self->prompt_destroy (self->prompt_data);
  G_OBJECT_CLASS (pigeon_credentials_parent_class)->finalize (object);
}

static void
pigeon_credentials_class_init (PigeonCredentialsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pigeon_credentials_finalize;
}

static void
pigeon_credentials_init (PigeonCredentials *self)
{
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_free);
}

PigeonCredentials *
pigeon_credentials_new (gboolean use_secret_service)
{
  PigeonCredentials *self = g_object_new (PIGEON_TYPE_CREDENTIALS, NULL);

  self->use_secret_service = use_secret_service && g_strcmp0 (g_getenv ("PIGEON_SECRET_SERVICE"), "0") != 0;
  return self;
}

void
pigeon_credentials_set_prompt_func (PigeonCredentials *self,
                                    PigeonPasswordPromptFunc func,
                                    gpointer user_data,
                                    GDestroyNotify destroy)
{
  g_return_if_fail (PIGEON_IS_CREDENTIALS (self));

  if (self->prompt_destroy != NULL)
    self->prompt_destroy (self->prompt_data);
  self->prompt = func;
  self->prompt_data = user_data;
  self->prompt_destroy = destroy;
}

gboolean
pigeon_credentials_has_secret_service (PigeonCredentials *self)
{
  g_return_val_if_fail (PIGEON_IS_CREDENTIALS (self), FALSE);
  return self->use_secret_service;
}

/* Password requests */

PigeonPasswordRequest *
pigeon_password_request_ref (PigeonPasswordRequest *request)
{
  g_atomic_ref_count_inc (&request->ref);
  return request;
}

void
pigeon_password_request_unref (PigeonPasswordRequest *request)
{
  if (!g_atomic_ref_count_dec (&request->ref))
    return;
  if (request->task != NULL)
    pigeon_password_request_reply (request, NULL);
  g_free (request->protocol);
  g_free (request->host);
  g_free (request->user);
  g_free (request);
}

const char *
pigeon_password_request_get_protocol (PigeonPasswordRequest *request)
{
  return request->protocol;
}

const char *
pigeon_password_request_get_host (PigeonPasswordRequest *request)
{
  return request->host;
}

guint
pigeon_password_request_get_port (PigeonPasswordRequest *request)
{
  return request->port;
}

const char *
pigeon_password_request_get_user (PigeonPasswordRequest *request)
{
  return request->user;
}

static void
remembered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!pigeon_credentials_store_finish (PIGEON_CREDENTIALS (source), result, &error))
    g_debug ("The password was kept in memory only%s%s", error ? ": " : "", error ? error->message : "");
}

void
pigeon_password_request_reply (PigeonPasswordRequest *request, const char *password)
{
  g_autoptr (GTask) task = g_steal_pointer (&request->task);
  PigeonCredentials *self;

  g_return_if_fail (task != NULL);

  self = g_task_get_source_object (task);
  if (password == NULL)
    {
      g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NO_PASSWORD,
                               _ ("No password for %s on %s"), request->user, request->host);
      return;
    }
  pigeon_credentials_store_async (self, request->protocol, request->host, request->port, request->user, password, NULL,
                                  remembered_cb, NULL);
  g_task_return_pointer (task, g_strdup (password), wipe_free);
}

/* Lookup */

static void
ask (PigeonCredentials *self, GTask *task)
{
  PigeonPasswordRequest *request = g_task_get_task_data (task);

  if (self->prompt == NULL)
    {
      g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NO_PASSWORD,
                               _ ("No password is stored for %s on %s, and none can be asked for"), request->user,
                               request->host);
      return;
    }
  request->task = g_object_ref (task);
  self->prompt (request, self->prompt_data);
}

static void
secret_lookup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonCredentials *self = g_task_get_source_object (task);
  PigeonPasswordRequest *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (password != NULL)
    {
      g_hash_table_replace (self->memory, make_key (request->protocol, request->host, request->port, request->user),
                            g_strdup (password));
      g_task_return_pointer (task, g_strdup (password), wipe_free);
      secret_password_free (password);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (error != NULL && is_service_missing (error))
    {
      g_info ("No Secret Service (%s): passwords stay in memory for this session", error->message);
      self->use_secret_service = FALSE;
    }
  ask (self, task);
}

void
pigeon_credentials_lookup_async (PigeonCredentials *self,
                                 const char *protocol,
                                 const char *host,
                                 guint port,
                                 const char *user,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *key = NULL;
  PigeonPasswordRequest *request;
  const char *known;

  g_return_if_fail (PIGEON_IS_CREDENTIALS (self));
  g_return_if_fail (protocol != NULL && host != NULL && user != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_credentials_lookup_async);
  request = g_new0 (PigeonPasswordRequest, 1);
  g_atomic_ref_count_init (&request->ref);
  request->protocol = g_strdup (protocol);
  request->host = g_strdup (host);
  request->port = port;
  request->user = g_strdup (user);
  g_task_set_task_data (task, request, (GDestroyNotify) pigeon_password_request_unref);

  key = make_key (protocol, host, port, user);
  known = g_hash_table_lookup (self->memory, key);
  if (known != NULL)
    {
      g_task_return_pointer (task, g_strdup (known), wipe_free);
      return;
    }
  if (self->use_secret_service)
    {
      g_autoptr (GHashTable) attributes = make_attributes (protocol, host, port, user);

      secret_password_lookupv (password_schema (), attributes, cancellable, secret_lookup_cb, g_steal_pointer (&task));
      return;
    }
  ask (self, task);
}

char *
pigeon_credentials_lookup_finish (PigeonCredentials *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Store */

static void
secret_store_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonCredentials *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;

  if (secret_password_store_finish (result, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (is_service_missing (error))
    {
      g_info ("No Secret Service (%s): passwords stay in memory for this session", error->message);
      self->use_secret_service = FALSE;
    }
  g_task_return_boolean (task, FALSE);
}

void
pigeon_credentials_store_async (PigeonCredentials *self,
                                const char *protocol,
                                const char *host,
                                guint port,
                                const char *user,
                                const char *password,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (PIGEON_IS_CREDENTIALS (self));
  g_return_if_fail (protocol != NULL && host != NULL && user != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_credentials_store_async);
  g_hash_table_replace (self->memory, make_key (protocol, host, port, user), g_strdup (password));
  if (!self->use_secret_service)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  attributes = make_attributes (protocol, host, port, user);
  /* Translators: the label of a password in the keyring: user, protocol, host. */
  label = g_strdup_printf (_ ("Pigeon: %s (%s on %s)"), user, protocol, host);
  secret_password_storev (password_schema (), attributes, SECRET_COLLECTION_DEFAULT, label, password, cancellable,
                          secret_store_cb, g_steal_pointer (&task));
}

gboolean
pigeon_credentials_store_finish (PigeonCredentials *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Forget */

static void
secret_clear_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_debug ("Could not clear the stored password: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

void
pigeon_credentials_forget_async (PigeonCredentials *self,
                                 const char *protocol,
                                 const char *host,
                                 guint port,
                                 const char *user,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *key = NULL;
  g_autoptr (GHashTable) attributes = NULL;

  g_return_if_fail (PIGEON_IS_CREDENTIALS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_credentials_forget_async);
  key = make_key (protocol, host, port, user);
  g_hash_table_remove (self->memory, key);
  if (!self->use_secret_service)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  attributes = make_attributes (protocol, host, port, user);
  secret_password_clearv (password_schema (), attributes, cancellable, secret_clear_cb, g_steal_pointer (&task));
}

gboolean
pigeon_credentials_forget_finish (PigeonCredentials *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
