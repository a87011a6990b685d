/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-engine-net.h"

#include <glib/gi18n.h>

#include "pigeon-engine-error.h"

G_DEFINE_QUARK (pigeon - engine - error - quark, pigeon_engine_error)

static PigeonEngineError
classify_connection (int code)
{
  switch (code)
    {
    case PIGEON_CONNECTION_ERROR_CERTIFICATE:
      return PIGEON_ENGINE_ERROR_CERTIFICATE;
    case PIGEON_CONNECTION_ERROR_CONNECT:
    case PIGEON_CONNECTION_ERROR_CLOSED:
    case PIGEON_CONNECTION_ERROR_TIMEOUT:
      return PIGEON_ENGINE_ERROR_UNREACHABLE;
    case PIGEON_CONNECTION_ERROR_NOT_LOOPBACK:
      return PIGEON_ENGINE_ERROR_SETTINGS;
    default:
      return PIGEON_ENGINE_ERROR_SERVER;
    }
}

static PigeonEngineError
classify_smtp (int code)
{
  switch (code)
    {
    case PIGEON_SMTP_ERROR_AUTH_FAILED:
      return PIGEON_ENGINE_ERROR_AUTH;
    case PIGEON_SMTP_ERROR_MESSAGE_TOO_LARGE:
      return PIGEON_ENGINE_ERROR_QUOTA;
    case PIGEON_SMTP_ERROR_TEMPORARY:
    case PIGEON_SMTP_ERROR_SERVICE_UNAVAILABLE:
      return PIGEON_ENGINE_ERROR_TEMPORARY;
    case PIGEON_SMTP_ERROR_PERMANENT:
    case PIGEON_SMTP_ERROR_SENDER_REJECTED:
    case PIGEON_SMTP_ERROR_RECIPIENTS_REJECTED:
    case PIGEON_SMTP_ERROR_INVALID:
      return PIGEON_ENGINE_ERROR_REJECTED;
    default:
      return PIGEON_ENGINE_ERROR_SERVER;
    }
}

static PigeonEngineError
classify_pop3 (int code)
{
  switch (code)
    {
    case PIGEON_POP3_ERROR_AUTH_FAILED:
      return PIGEON_ENGINE_ERROR_AUTH;
    case PIGEON_POP3_ERROR_MESSAGE_TOO_LARGE:
      return PIGEON_ENGINE_ERROR_QUOTA;
    case PIGEON_POP3_ERROR_TEMPORARY:
      return PIGEON_ENGINE_ERROR_TEMPORARY;
    default:
      return PIGEON_ENGINE_ERROR_SERVER;
    }
}

static PigeonEngineError
classify_imap (int code)
{
  switch (code)
    {
    case PIGEON_IMAP_ERROR_AUTHENTICATION:
      return PIGEON_ENGINE_ERROR_AUTH;
    case PIGEON_IMAP_ERROR_NO_AUTH_METHOD:
    case PIGEON_IMAP_ERROR_STARTTLS:
      return PIGEON_ENGINE_ERROR_SETTINGS;
    case PIGEON_IMAP_ERROR_BYE:
      return PIGEON_ENGINE_ERROR_TEMPORARY;
    default:
      return PIGEON_ENGINE_ERROR_SERVER;
    }
}

static PigeonEngineError
classify (const GError *error)
{
  if (error->domain == PIGEON_ENGINE_ERROR)
    return error->code;
  if (error->domain == PIGEON_CONNECTION_ERROR)
    return classify_connection (error->code);
  if (error->domain == PIGEON_SMTP_ERROR)
    return classify_smtp (error->code);
  if (error->domain == PIGEON_POP3_ERROR)
    return classify_pop3 (error->code);
  if (error->domain == PIGEON_IMAP_ERROR)
    return classify_imap (error->code);
  if (error->domain == PIGEON_STORE_ERROR)
    return PIGEON_ENGINE_ERROR_STORE;
  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR || error->domain == G_TLS_ERROR)
    {
      if (error->domain == G_TLS_ERROR && error->code == G_TLS_ERROR_BAD_CERTIFICATE)
        return PIGEON_ENGINE_ERROR_CERTIFICATE;
      return PIGEON_ENGINE_ERROR_UNREACHABLE;
    }
  return PIGEON_ENGINE_ERROR_SERVER;
}

static char *
advice (PigeonEngineError code, const char *what)
{
  switch (code)
    {
    case PIGEON_ENGINE_ERROR_AUTH:
      return g_strdup_printf (_ ("Wrong user name or password for %s. Check them, or use an app password if "
                                 "your provider asks for one."),
                              what);
    case PIGEON_ENGINE_ERROR_CERTIFICATE:
      return g_strdup_printf (_ ("The certificate of %s is not trusted. Check the server name, or accept this "
                                 "certificate if you know it is the right one."),
                              what);
    case PIGEON_ENGINE_ERROR_UNREACHABLE:
      return g_strdup_printf (_ ("Cannot reach %s. Check the server name and port, and your network "
                                 "connection."),
                              what);
    case PIGEON_ENGINE_ERROR_QUOTA:
      return g_strdup_printf (_ ("%s refused: a size or quota limit is reached. Make the message smaller or free "
                                 "some space."),
                              what);
    case PIGEON_ENGINE_ERROR_TEMPORARY:
      return g_strdup_printf (_ ("%s is busy or refused for now; Pigeon will try again later."), what);
    case PIGEON_ENGINE_ERROR_REJECTED:
      return g_strdup_printf (_ ("%s refused the message."), what);
    case PIGEON_ENGINE_ERROR_SETTINGS:
      return g_strdup_printf (_ ("The settings for %s cannot work."), what);
    case PIGEON_ENGINE_ERROR_STORE:
      return g_strdup (_ ("The local mail cache failed."));
    default:
      return g_strdup_printf (_ ("%s failed."), what);
    }
}

GError *
pigeon_engine_error_explain (const GError *error, const char *what)
{
  PigeonEngineError code;
  g_autofree char *text = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == PIGEON_ENGINE_ERROR)
    return g_error_copy (error);
  code = classify (error);
  text = advice (code, what != NULL ? what : _ ("The server"));
  return g_error_new (PIGEON_ENGINE_ERROR, code, "%s (%s)", text, error->message);
}

gboolean
pigeon_engine_error_is_transient (const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (error->domain != PIGEON_ENGINE_ERROR)
    return classify (error) == PIGEON_ENGINE_ERROR_UNREACHABLE || classify (error) == PIGEON_ENGINE_ERROR_TEMPORARY;
  return error->code == PIGEON_ENGINE_ERROR_UNREACHABLE || error->code == PIGEON_ENGINE_ERROR_TEMPORARY;
}
