/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-net.h"

G_BEGIN_DECLS

/* The connection options shared by the server diagnostics: --host --port
 * --security --user --password-file --ca-file --log. */
typedef struct
{
  char *host;
  int port;
  char *security;
  char *user;
  char *password_file;
  char *ca_file;
  gboolean log;
} PigeonToolConnectionOptions;

typedef enum
{
  PIGEON_TOOL_PROTOCOL_SMTP = 1,
  PIGEON_TOOL_PROTOCOL_POP3,
  PIGEON_TOOL_PROTOCOL_IMAP,
} PigeonToolProtocol;

void pigeon_tool_connection_options_clear (PigeonToolConnectionOptions *options);
GOptionGroup *pigeon_tool_connection_option_group (PigeonToolConnectionOptions *options);
/* Builds the connection (and the credentials, when --user is given) from
 * the options, on the usual port of @protocol unless --port says; prints
 * the problem, sets *@status and returns NULL when they do not fit. */
PigeonConnection *pigeon_tool_connection_open (PigeonToolConnectionOptions *options,
                                               PigeonToolProtocol protocol,
                                               PigeonSasl **credentials,
                                               int *status);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PigeonToolConnectionOptions, pigeon_tool_connection_options_clear)

G_END_DECLS
