/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PIGEON_ENGINE_ERROR (pigeon_engine_error_quark ())

/* What went wrong, in the terms a person can act on. Every error the
 * engine reports is in this domain, with a message that says what to do. */
typedef enum
{
  /* The server refused the user name or password. */
  PIGEON_ENGINE_ERROR_AUTH = 1,
  /* No password is known and none could be asked for. */
  PIGEON_ENGINE_ERROR_NO_PASSWORD,
  /* The server's certificate is not trusted (and not pinned). */
  PIGEON_ENGINE_ERROR_CERTIFICATE,
  /* The server could not be reached (name, network, timeout, closed). */
  PIGEON_ENGINE_ERROR_UNREACHABLE,
  /* The mailbox or the message is over a size or quota limit. */
  PIGEON_ENGINE_ERROR_QUOTA,
  /* The server refused for now (SMTP 4xx): retried later. */
  PIGEON_ENGINE_ERROR_TEMPORARY,
  /* The server refused for good (SMTP 5xx): kept with the reason. */
  PIGEON_ENGINE_ERROR_REJECTED,
  /* The server misbehaved or does not offer what is needed. */
  PIGEON_ENGINE_ERROR_SERVER,
  /* No account has that name. */
  PIGEON_ENGINE_ERROR_NO_ACCOUNT,
  /* An account's settings are incomplete or contradict each other. */
  PIGEON_ENGINE_ERROR_SETTINGS,
  /* Autodiscovery found no working server. */
  PIGEON_ENGINE_ERROR_DISCOVERY,
  /* Not available in this version (IMAP sync). */
  PIGEON_ENGINE_ERROR_NOT_SUPPORTED,
  /* The local cache failed. */
  PIGEON_ENGINE_ERROR_STORE,
} PigeonEngineError;

GQuark pigeon_engine_error_quark (void);

/* Rewrites @error (from the network layer, GIO or the store) into a
 * PIGEON_ENGINE_ERROR whose message names @what ("the incoming server
 * mail.example.org:993") and says what to do. Cancellation stays
 * G_IO_ERROR_CANCELLED. */
GError *pigeon_engine_error_explain (const GError *error, const char *what);

/* TRUE for errors worth retrying later by themselves (network, 4xx). */
gboolean pigeon_engine_error_is_transient (const GError *error);

G_END_DECLS
