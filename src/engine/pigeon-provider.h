/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-store.h"

G_BEGIN_DECLS

/* One server of an account: where, and how it is protected. */
typedef struct
{
  char *host; /* NULL: none */
  guint port;
  PigeonSecurity security;
} PigeonServer;

/* A provider preset (data/providers/NAME.ini). */
typedef struct
{
  char *id;   /* the file's name without .ini */
  char *name; /* "Gmail" */
  GStrv domains;
  PigeonServer imap;
  PigeonServer pop3;
  PigeonServer smtp;
  gboolean files_sent;   /* the server files sent mail itself: no APPEND to Sent */
  gboolean app_password; /* an app password is needed */
  char *note;            /* what the person must know or do, or NULL */
} PigeonProvider;

#define PIGEON_TYPE_PROVIDER (pigeon_provider_get_type ())
GType pigeon_provider_get_type (void);
PigeonProvider *pigeon_provider_copy (const PigeonProvider *provider);
void pigeon_provider_free (PigeonProvider *provider);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonProvider, pigeon_provider_free)

/* "host:port:tls|starttls|none" -> @server. */
gboolean pigeon_server_parse (const char *text, PigeonServer *server);
/* "tls", "starttls", "none". */
const char *pigeon_security_to_string (PigeonSecurity security);
gboolean pigeon_security_from_string (const char *text, PigeonSecurity *security);

/* Every preset, from $PKGDATADIR/providers when installed there, else
 * from the copy built into the program. */
GPtrArray *pigeon_provider_list_all (void);
/* The preset for @domain (case-insensitive), or NULL. */
PigeonProvider *pigeon_provider_lookup (const char *domain);

G_END_DECLS
