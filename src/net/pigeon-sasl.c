/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-sasl.h"

typedef struct _Mechanism Mechanism;

struct _PigeonSasl
{
  GObject parent_instance;

  char *user;
  char *password;
  const Mechanism *mechanism;
  guint step;
};

/* One SASL mechanism: its name, and what the client says at each step. */
struct _Mechanism
{
  const char *name;
  gboolean has_initial_response;
  GBytes *(*respond) (PigeonSasl *self, guint step, GError **error);
};

G_DEFINE_TYPE (PigeonSasl, pigeon_sasl, G_TYPE_OBJECT)

G_DEFINE_QUARK (pigeon_sasl_error, pigeon_sasl_error)

/* RFC 4616 2: [authzid] NUL authcid NUL passwd, in one message. */
static GBytes *
plain_respond (PigeonSasl *self, guint step, GError **error)
{
  GString *message;
  gsize len;

  if (step > 0)
    {
      g_set_error (error, PIGEON_SASL_ERROR, PIGEON_SASL_ERROR_UNEXPECTED_CHALLENGE,
                   _ ("The server asked for more than a user name and password"));
      return NULL;
    }
  message = g_string_new (NULL);
  g_string_append_c (message, '\0');
  g_string_append (message, self->user);
  g_string_append_c (message, '\0');
  g_string_append (message, self->password);
  len = message->len;
  return g_bytes_new_take (g_string_free (message, FALSE), len);
}

/* draft-murchison-sasl-login: the user name, then the password, each in
 * answer to a prompt. */
static GBytes *
login_respond (PigeonSasl *self, guint step, GError **error)
{
  const char *answer = step == 0 ? self->user : step == 1 ? self->password : NULL;

  if (answer == NULL)
    {
      g_set_error (error, PIGEON_SASL_ERROR, PIGEON_SASL_ERROR_UNEXPECTED_CHALLENGE,
                   _ ("The server asked for more than a user name and password"));
      return NULL;
    }
  return g_bytes_new (answer, strlen (answer));
}

/* Best first. */
static const Mechanism password_mechanisms[] = {
  { "PLAIN", TRUE, plain_respond },
  { "LOGIN", FALSE, login_respond },
};

static void
pigeon_sasl_finalize (GObject *object)
{
  PigeonSasl *self = PIGEON_SASL (object);

  g_free (self->user);
  if (self->password != NULL)
    explicit_bzero (self->password, strlen (self->password));
  g_free (self->password);
  G_OBJECT_CLASS (pigeon_sasl_parent_class)->finalize (object);
}

static void
pigeon_sasl_class_init (PigeonSaslClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pigeon_sasl_finalize;
}

static void
pigeon_sasl_init (PigeonSasl *self)
{
}

PigeonSasl *
pigeon_sasl_new_password (const char *user, const char *password)
{
  PigeonSasl *self;

  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  self = g_object_new (PIGEON_TYPE_SASL, NULL);
  self->user = g_strdup (user);
  self->password = g_strdup (password);
  return self;
}

const char *
pigeon_sasl_get_user (PigeonSasl *self)
{
  g_return_val_if_fail (PIGEON_IS_SASL (self), NULL);
  return self->user;
}

const char *
pigeon_sasl_get_password (PigeonSasl *self)
{
  g_return_val_if_fail (PIGEON_IS_SASL (self), NULL);
  return self->password;
}

static gboolean
is_offered (const char *const *offered, const char *name)
{
  for (guint i = 0; offered != NULL && offered[i] != NULL; i++)
    if (g_ascii_strcasecmp (offered[i], name) == 0)
      return TRUE;
  return FALSE;
}

const char *
pigeon_sasl_choose (PigeonSasl *self, const char *const *offered)
{
  g_return_val_if_fail (PIGEON_IS_SASL (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (password_mechanisms); i++)
    if (is_offered (offered, password_mechanisms[i].name))
      return password_mechanisms[i].name;
  return NULL;
}

gboolean
pigeon_sasl_start (PigeonSasl *self, const char *mechanism, GBytes **initial_response, GError **error)
{
  g_return_val_if_fail (PIGEON_IS_SASL (self), FALSE);
  g_return_val_if_fail (initial_response != NULL, FALSE);

  self->mechanism = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (password_mechanisms); i++)
    if (g_ascii_strcasecmp (mechanism, password_mechanisms[i].name) == 0)
      self->mechanism = &password_mechanisms[i];
  if (self->mechanism == NULL)
    {
      g_set_error (error, PIGEON_SASL_ERROR, PIGEON_SASL_ERROR_UNKNOWN_MECHANISM,
                   _ ("The sign-in method %s is not supported"), mechanism);
      return FALSE;
    }
  self->step = 0;
  *initial_response = NULL;
  if (self->mechanism->has_initial_response)
    {
      *initial_response = self->mechanism->respond (self, self->step++, error);
      return *initial_response != NULL;
    }
  return TRUE;
}

GBytes *
pigeon_sasl_step (PigeonSasl *self, GBytes *challenge, GError **error)
{
  g_return_val_if_fail (PIGEON_IS_SASL (self), NULL);
  g_return_val_if_fail (self->mechanism != NULL, NULL);

  return self->mechanism->respond (self, self->step++, error);
}
