/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-provider.h"

G_BEGIN_DECLS

/* What autodiscovery found for a domain. */
typedef struct
{
  PigeonProtocol incoming_protocol;
  PigeonServer incoming;
  PigeonServer smtp;
  char *source; /* "preset", "srv" or "guess" */
  char *note;   /* the preset's note, or NULL */
} PigeonDiscovery;

void pigeon_discovery_free (PigeonDiscovery *discovery);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonDiscovery, pigeon_discovery_free)

/* Checks that @server answers as @protocol ("imap", "pop3", "smtp") with
 * @server's security (TLS verified; STARTTLS upgraded). Completes @task
 * with a boolean or an error. Replaceable for tests. */
typedef void (*PigeonProbeFunc) (
    const char *protocol, const PigeonServer *server, GCancellable *cancellable, GTask *task, gpointer user_data);

#define PIGEON_TYPE_AUTODISCOVER (pigeon_autodiscover_get_type ())

/* Finds the servers for an address whose domain has no preset: RFC 6186
 * and RFC 8314 SRV records (_imaps, _imap, _pop3s, _pop3, _submissions,
 * _submission), then the usual names (imap., mail., pop., pop3., smtp.),
 * every candidate probed in parallel. The most secure candidate that
 * answered wins: implicit TLS over STARTTLS, so the result is never weaker
 * than a mode found to work; IMAP over POP3 at equal security. */
G_DECLARE_FINAL_TYPE (PigeonAutodiscover, pigeon_autodiscover, PIGEON, AUTODISCOVER, GObject)

PigeonAutodiscover *pigeon_autodiscover_new (void);
/* The default is g_resolver_get_default(). */
void pigeon_autodiscover_set_resolver (PigeonAutodiscover *self, GResolver *resolver);
void pigeon_autodiscover_set_probe_func (PigeonAutodiscover *self, PigeonProbeFunc func, gpointer user_data);
/* Also trust these CAs when probing (tests, private servers). */
void pigeon_autodiscover_set_ca_file (PigeonAutodiscover *self, const char *path);
/* Skip the presets (tests). */
void pigeon_autodiscover_set_use_presets (PigeonAutodiscover *self, gboolean use_presets);

void pigeon_autodiscover_discover_async (PigeonAutodiscover *self,
                                         const char *address,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
PigeonDiscovery *pigeon_autodiscover_discover_finish (PigeonAutodiscover *self, GAsyncResult *result, GError **error);

G_END_DECLS
